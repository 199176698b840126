"""One target sentence -> its measurable parts: value per year, unit, comparator, kind, baseline.

The rules are tables (words before a number -> comparator, words after it -> unit) so a reviewer
can check them against docs/adding-a-plan.md line by line. Whatever the rules cannot settle is kept, with a
Vietnamese reason in `reasons`: the part is then shown as needing review rather than guessed.

Vocabulary: a *piece* is a stretch of the sentence between separators (",", ";", ". ", " và ");
pieces are grouped into *parts* (15a, 15b …); a *value* is a number with what makes it a target
value (a unit, a count noun, or a comparator word right before it); a *clause* is a stretch between
";" (or ". "). Every year a sentence names for a value is a milestone of that part (`values`); a
value of a past year is a baseline, never a milestone (docs/adding-a-plan.md, DESIGN §10).

Multi-year plans (a programme "giai đoạn 2021 - 2030"): a value without a year belongs to the last
year of the plan, and the single-value fields (target, target_year, comparator) are the last
milestone's; a yearly plan keeps the earliest (its own year). A value stated for a group ("dưới 4%
đối với nông thôn", "(khu vực nội thành)", "riêng trẻ em người dân tộc thiểu số …") is a part of
its own with that `category`. A clause without a subject of its own continues the parts before it:
"…; đạt 65% và 80% vào năm 2030" gives one value to each of the last two parts ("lần lượt",
"tương ứng"), "…; đến năm 2030 không còn …" a zero in 2030 to the last part."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from indicators.validation import parse_number
from loaders.plan_doc_text import NUMBER, clean

# -- tables -------------------------------------------------------------------------------------

# Words right before a number (lower case, at the end of the text before it) -> comparator.
# First match wins, so longer phrases come first.  docs/adding-a-plan.md: "dưới" <, "xuống" <=, "đạt trên" >,
# "đạt" / "trở lên" / "tối thiểu" / bare >=, "không quá" <=.
CMP_BEFORE: list[tuple[str, str]] = [
    (r"(?:xuống|giảm|còn)(?:\s+còn)?\s+(?:dưới|thấp hơn|ít hơn)", "<"),
    (r"(?:không|chưa)\s+(?:quá|vượt quá|vượt|cao hơn|lớn hơn|nhiều hơn)", "<="),
    (r"(?:không|chưa)\s+(?:dưới|thấp hơn|ít hơn)", ">="),
    (r"tối đa|nhiều nhất|cao nhất", "<="),
    (r"dưới|thấp hơn|ít hơn|nhỏ hơn", "<"),
    (r"trên|hơn|cao hơn|lớn hơn|nhiều hơn|vượt", ">"),
    (r"xuống\s+còn|giảm\s+còn|giảm\s+xuống|xuống|còn", "<="),
    (r"tối thiểu|ít nhất|thấp nhất|từ", ">="),
    (r"đạt|lên|tăng lên|có|đến", ">="),
    (r"≥", ">="), (r"≤", "<="), (r">", ">"), (r"<", "<"), (r"=", "="),
]
_FILLER = r"(?:\s+(?:mức|tỷ lệ|khoảng|là|bằng|lần lượt(?:\s+là)?|tương ứng(?:\s+là)?))?"
# Indicators where less is better: a level given without a comparator word ("ở mức 12‰") is a ceiling.
LOWER_IS_BETTER_WORDS = ["tử vong", "suy dinh dưỡng", "thấp còi", "nhẹ cân", "gầy còm", "bỏ học", "tảo hôn",
                         "cận huyết", "xâm hại", "bạo lực", "tai nạn", "thương tích", "đuối nước", "lao động trẻ em",
                         "trẻ em lao động", "mang thai", "nhiễm hiv", "lây truyền", "vi phạm", "hoàn cảnh đặc biệt"]
_CMP_BEFORE = [(re.compile(rf"(?:^|[\s(]|(?<=[≥≤<>=]))(?:{p}){_FILLER}\s*$"), c) for p, c in CMP_BEFORE]

CMP_AFTER: list[tuple[str, str]] = [(r"trở lên", ">="), (r"trở xuống", "<=")]
_CMP_AFTER = [(re.compile(rf"^\s*(?:{p})\b"), c) for p, c in CMP_AFTER]

# Count nouns: "01-02 hoạt động" is an activity count (cumulative within the year, docs/status-rules.md rule 6);
# "150 xã", "10 vụ" count a state of things.
ACTIVITY_NOUNS = ["hoạt động", "lớp", "buổi", "cuộc", "đợt", "hội nghị", "hội thảo", "hội thi", "diễn đàn",
                  "chương trình", "sự kiện", "lượt", "tin bài", "tin", "bài", "phóng sự", "chuyên mục",
                  "sản phẩm", "tọa đàm", "chiến dịch", "chuyến"]
COUNT_NOUNS = ["xã", "phường", "thị trấn", "thôn", "bản", "tổ dân phố", "huyện", "trường", "mô hình",
               "câu lạc bộ", "clb", "điểm", "vụ", "trường hợp", "trẻ em", "trẻ", "em", "học sinh", "người",
               "cơ sở", "nhóm", "gia đình", "hộ", "ca", "cặp", "đơn vị", "cháu", "suất", "phòng"]
_NOUN = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, ACTIVITY_NOUNS + COUNT_NOUNS), key=len, reverse=True))
                   + r")(?![\wà-ỹ])", re.IGNORECASE)

# After a number, these mean it is not a target value (ages, durations, money, ordinals).
_NOT_VALUE_AFTER = re.compile(r"^\s*(?:tuổi|tháng|năm|ngày|giờ|phút|tuần|km|m\b|kg|triệu|tỷ đồng|tỷ\b|nghìn|đồng|lần)",
                              re.IGNORECASE)
# Before a number, these mean it is an identifier, a date or an ordinal.
_NOT_VALUE_BEFORE = re.compile(r"(?:ngày|số|lớp|tháng|quyết định|kế hoạch|thông tư|nghị định|chỉ thị|công văn|"
                               r"giai đoạn|tổng đài|khoản|điều|mục|chỉ tiêu|tiêu chí|phụ lục|biểu|khóa|nhóm|cấp|"
                               r"đường dây|điện thoại|quý)\s*$", re.IGNORECASE)
_DENOMINATOR = re.compile(r"^\s*(?:trẻ|người|dân|ca|học sinh)", re.IGNORECASE)

DECREASE = r"giảm|hạ|kéo giảm"
INCREASE = r"tăng|nâng"
_LEAD_IN = r"(?:(?:phấn đấu|phần đầu|tiếp tục|từng bước|bảo đảm|đảm bảo|riêng|trong đó|đồng thời)\s+)*"
_DIRECTION = re.compile(rf"^{_LEAD_IN}(?P<verb>{DECREASE}|{INCREASE}|duy trì)\s+(?:(?:\S+\s+){{0,2}}?)(?P<what>tỷ lệ|tỷ suất|số)\b")
_ZERO = re.compile(rf"^{_LEAD_IN}(?:duy trì\s+)?(?:không\s+(?:có|còn|để\s+(?:xảy ra|xảy|có|phát sinh|trẻ))|xóa bỏ hoàn toàn)\b")
_PER_YEAR = re.compile(r"mỗi năm|hằng năm|hàng năm|/\s*năm|bình quân(?:\s+\S+){0,3}\s+năm")
_VS_LAST_YEAR = re.compile(r"so với (?:năm trước|cùng kỳ|năm (?P<year>\d{4}))")
_YEAR = re.compile(r"(?<![/\d-])(?:(?P<w>năm|vào|đến|tới|trong)\s+(?:năm\s+)?)?(?P<y>(?:19|20)\d\d)(?![\d/-])")
_YEAR_NOT_TARGET = re.compile(r"(?:so với|giai đoạn|từ năm|so với năm|cùng kỳ năm)\s*(?:năm\s*)?$")
_DUE = re.compile(r"(?:trước|vào|trong|đến|hoàn thành)\s+ngày\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
_QUARTER_DUE = re.compile(r"(?:trong|trước hết|hết)\s+quý\s+(IV|I{1,3}|[1-4])\b(?:\s+năm\s+(\d{4}))?", re.IGNORECASE)

# A value stated for a group of people or places only: "dưới 4% đối với nông thôn", "55% (khu vực nội
# thành)", "trong đó học sinh nữ dân tộc thiểu số dưới 2%". The words that make a phrase a category …
CATEGORY_WORDS = ["nông thôn", "thành thị", "nội thành", "ngoại thành", "đô thị", "miền núi", "dân tộc thiểu số",
                  "đồng bào", "vùng sâu", "vùng xa", "vùng cao", "biên giới", "hải đảo", "đặc biệt khó khăn",
                  "trẻ em trai", "trẻ em gái", "trẻ trai", "trẻ gái", "học sinh nam", "học sinh nữ", "trẻ em nam",
                  "trẻ em nữ"]
# … or, after "trong đó" / "riêng", a phrase that names people or places (not an indicator: "trong đó tử
# vong do đuối nước …" is a narrower indicator, not a group).
POPULATION_WORDS = ["trẻ em", "trẻ", "học sinh", "khu vực", "vùng", "địa bàn", "xã", "phường", "thôn", "bản",
                    "trường", "hộ", "người", "cơ sở"]
_INDICATOR_WORDS = re.compile(r"\b(?:tỷ lệ|tỷ suất|tử vong|mắc|bị|được)\b|(?<!thiểu )\bsố\b")
_CATEGORY_LINK = re.compile(r"^(?:(?:trong đó|riêng|đối với|ở|tại)\b[\s:]*)+")
_CATEGORY_VERBS = re.compile(r"(?:\s+(?:đạt|là|có|xuống|giảm|còn|tăng|lên|chiếm|ở mức|mức|được|phấn đấu|duy trì))+$")
# A value kept to a later year: "… vào năm 2027 và duy trì (ở mức này) đến năm 2030".
_KEEP_UNTIL = re.compile(r"\bduy trì(?:\s+(?:(?:ở\s+)?mức|tỷ lệ|kết quả|chỉ tiêu)\s+(?:này|đó|trên))?\s+(?:đến|tới)\s+(?:hết\s+)?năm\s+(\d{4})")
# Words a clause without a subject of its own is made of, besides its values and years.
_BARE_WORDS = re.compile(rf"\b(?:phấn đấu|phần đầu|tiếp tục|từng bước|bảo đảm|đảm bảo|đồng thời|{DECREASE}|{INCREASE}|đạt|"
                         r"xuống|lên|còn|duy trì|khống chế|tương ứng|lần lượt|các tỷ lệ trên|các tỷ lệ này|các chỉ tiêu trên|"
                         r"các chỉ tiêu này|tỷ lệ này|và|là|ở mức|mức|vào|đến|tới|trong|năm)\b")

# Separators between pieces, strongest first; none is used inside brackets or quotation marks. A colon
# after a value ends a clause, as ";" does ("… 500/100.000 vào năm 2030: giảm tỷ suất …", a copy's artefact).
_SEPARATOR = re.compile(r";\s*|:\s+|\.\s+|,\s+|\s+và\s+")


# -- data ---------------------------------------------------------------------------------------


@dataclass
class Value:
    start: int  # where the number starts in the clean text
    end: int  # where the value (unit, "trở lên") ends
    number: float
    unit: str | None  # "%", "‰", "per_100k", "count" or None (not known)
    noun: str = ""  # the count noun, for counts
    of: float | None = None  # "150/200": 200
    high: float | None = None  # upper end of a range ("90 - 95%", "01-02", "từ 2 đến 3%")
    comparator: str | None = None  # from the words around it; None = none written
    cmp_start: int = 0  # where its comparator words start
    per_year: bool = False  # "0,5%/năm"
    year: int | None = None
    years: list[int] = field(default_factory=list)  # every year named for it ("4% … vào năm 2025 và năm 2030")


@dataclass
class YearValue:
    year: int
    comparator: str
    target: float


@dataclass
class PartDraft:
    text: str  # verbatim slice of the sentence
    unit: str
    comparator: str
    kind: str
    target: float | None = None
    target_year: int | None = None
    values: list[YearValue] = field(default_factory=list)
    aspiration: float | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    of: float | None = None
    due: date | None = None
    reasons: list[str] = field(default_factory=list)
    category: str | None = None  # "nông thôn", "trẻ em trai": the value is stated for that group only
    respective: bool = False  # a value of a clause without a subject ("các tỷ lệ trên đạt lần lượt 95% và 100%")


@dataclass(frozen=True)
class Years:
    """The years a sentence is read in: the plan's span, and the year a value written without one
    belongs to (a yearly plan: its year; a programme: its last year; a year-first block: the block's)."""

    start: int
    end: int
    default: int

    @property
    def multi(self) -> bool:
        return self.end > self.start

    @classmethod
    def of(cls, plan_year: int, end_year: int | None = None, year: int | None = None) -> "Years":
        end = end_year if end_year is not None and end_year > plan_year else plan_year
        return cls(plan_year, end, year if year is not None else end)


# -- scanning values ----------------------------------------------------------------------------

_NUM = re.compile(rf"(?<![\w.,/\-]){NUMBER}")


def scan_values(s: str) -> list[Value]:
    """Every target value in the clean text `s`, left to right."""
    low = s.lower()
    per_mille = bool(re.search(r"(?:trên|/)\s*1\.000\s+(?:trẻ|ca)", low))
    per_100k = bool(re.search(r"(?:trên|/)\s*100\.000", low))
    values: list[Value] = []
    pos = 0
    for m in _NUM.finditer(s):
        if m.start() < pos:
            continue
        v = _read_value(s, low, m, per_mille, per_100k)
        if v is None:
            continue
        pos = v.end
        values.append(v)
    for i, v in enumerate(values):
        _comparator(s, low, v, values[i - 1].end if i else 0)
    return [v for v in values if v.unit is not None or v.comparator is not None]


def _read_value(s: str, low: str, m: re.Match, per_mille: bool, per_100k: bool) -> Value | None:
    text, start, end = m.group(), m.start(), m.end()
    before, rest = low[:start], low[end:]
    if re.fullmatch(r"(?:19|20)\d\d", text) and not re.match(r"^\s*(?:%|‰|/)", rest):
        return None  # a year
    if _NOT_VALUE_BEFORE.search(before[-80:]):  # the word right before; searching the whole line made a line of numbers quadratic
        return None
    number = parse_number(text).value
    # a fraction or a date: "144/200", "3/9 thôn", "01/6", "10/5/2026"
    fm = re.match(rf"^\s*/\s*({NUMBER})(/\d+)?", rest)
    if fm and not re.match(r"^\s*/\s*(?:1\.000|100\.000|10\.000)(?!\d)", rest):
        if fm.group(2):
            return None  # d/m/yyyy
        whole = parse_number(fm.group(1)).value
        after = rest[fm.end():]
        noun = _NOUN.match(after)
        if not noun and number <= 31 and whole <= 12 and number == int(number):
            return None  # a date d/m
        v_end = end + fm.end() + (noun.end() if noun else 0)
        return Value(start, v_end, number, "count", noun.group(1).lower() if noun else "", of=whole)
    # a range: "90 - 95%", "≥ 90 - ≥ 95%", "01-02 hoạt động", "từ 2 đến 3%", "10-18 tuổi" (an age: skipped)
    rm = re.match(rf"^\s*(%|‰)?\s*(?:-|đến|tới)\s*(?:≥|≤|>|<)?\s*({NUMBER})", rest)
    if rm and rm.group(1) and not re.match(rf"^\s*{re.escape(rm.group(1))}", low[end + rm.end():]):
        rm = None  # "25% đến 2030" is not a range; "85% đến 90%" is
    if rm:
        second_end = end + rm.end()
        tail = low[second_end:]
        if _NOT_VALUE_AFTER.match(tail):
            return None
        unit, noun, u_end = _unit_after(tail, per_mille, per_100k)
        if unit is not None:
            v = Value(start, second_end + u_end, number, unit, noun, high=parse_number(rm.group(2)).value)
            _per_year_and_after(low, v)
            return v
    if _NOT_VALUE_AFTER.match(rest):
        return None
    if re.fullmatch(r"1\.000|10\.000|100\.000", text) and re.search(r"(?:trên|/)\s*$", before) and _DENOMINATOR.match(rest):
        return None  # "trên 1.000 trẻ đẻ sống": the denominator of a rate
    unit, noun, u_end = _unit_after(rest, per_mille, per_100k, bare_context=True)
    v = Value(start, end + u_end, number, unit, noun)
    _per_year_and_after(low, v)
    return v


def _unit_after(rest: str, per_mille: bool, per_100k: bool, bare_context: bool = False) -> tuple[str | None, str, int]:
    """The unit written right after a number: (unit, count noun, characters used)."""
    # the denominator written out ("/100.000 trẻ em") is part of the value, so it is tried before the bare one
    for pattern, unit in ((r"^\s*%", "%"), (r"^\s*‰", "‰"),
                          (r"^\s*(?:trên|/)\s*1\.000\s+(?:trẻ|ca)\S*(?:\s+(?:em|đẻ|sinh))*(?:\s+sống)?", "‰"),
                          (r"^\s*(?:trên|/)\s*100\.000\s+(?:trẻ|dân|người)\S*(?:\s+em)?", "per_100k"),
                          (r"^\s*/\s*100\.000", "per_100k"), (r"^\s*/\s*1\.000(?!\d)", "‰")):
        um = re.match(pattern, rest)
        if um:
            return unit, "", um.end()
    noun = _NOUN.match(rest)
    if noun:
        return "count", noun.group(1).lower(), noun.end()
    if bare_context and per_mille:
        return "‰", "", 0
    if bare_context and per_100k:
        return "per_100k", "", 0
    return None, "", 0


def _per_year_and_after(low: str, v: Value) -> None:
    rest = low[v.end:]
    pm = re.match(r"^\s*/\s*năm", rest)
    if pm:
        v.per_year = True
        v.end += pm.end()
        rest = low[v.end:]
    for pattern, cmp in _CMP_AFTER:
        am = pattern.match(rest)
        if am:
            v.comparator = cmp
            v.end += am.end()
            return


def _comparator(s: str, low: str, v: Value, boundary: int) -> None:
    """The comparator written right before the value (unless "trở lên" after it already set one)."""
    left = low[boundary:v.start]
    v.cmp_start = v.start
    for pattern, cmp in _CMP_BEFORE:
        cm = pattern.search(left)
        if cm:
            v.cmp_start = boundary + cm.start() + (1 if left[cm.start():cm.start() + 1] in " (" else 0)
            if v.comparator is None:
                v.comparator = cmp
            return


def _year_spans(s: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of the years a sentence names as target years (not "so với năm 2024")."""
    out = []
    low = s.lower()
    for m in _YEAR.finditer(low):
        if _YEAR_NOT_TARGET.search(low[:m.start("y")]):
            continue
        if re.match(r"^\s*-\s*(?:19|20)\d\d", low[m.end():]):
            continue  # "2021-2030": a period
        out.append((m.start(), m.end(), int(m.group("y"))))
    return out


def _assign_years(s: str, values: list[Value]) -> None:
    """Each value takes the year written next to it: after it ("27‰ vào năm 2025") or, when the
    sentence puts years first ("đến năm 2025 có 90%"), before it. A year in brackets belongs to the
    values in the same brackets ("đạt 97% (năm 2025 đạt 95,2%)"). Years joined by "và" after one
    value all belong to it ("dưới 8% … vào năm 2025 và năm 2030")."""
    spans = _year_spans(s)
    if not spans or not values:
        return
    low = s.lower()
    box_at = _brackets(s)
    first_in = {}  # bracket -> start of the first value in it
    for w in values:
        first_in.setdefault(box_at[w.start], w.start)
    for i, v in enumerate(values):
        lo = values[i - 1].end if i else 0
        hi = values[i + 1].start if i + 1 < len(values) else len(s)
        own = re.match(r"\s*\(\s*(?:năm\s+)?((?:19|20)\d\d)\s*\)", low[v.end:])
        if own:  # "31,2% (năm 2025)"
            v.years, v.year = [int(own.group(1))], int(own.group(1))
            continue
        box = box_at[v.start]
        mine = [(a, b, y) for a, b, y in spans if box_at[a] == box]
        first_value = first_in[box]
        years_first = bool(mine) and mine[0][0] < first_value
        if years_first:
            near = [y for a, _, y in mine if lo <= a < v.start]
            v.years = near[-1:]
        else:
            opened = [(a, b, y) for a, b, y in mine if i and lo <= a < v.start and _opens_next(low, values[i - 1], a, b, values, i - 1)]
            near = opened[-1:] + [(a, b, y) for a, b, y in mine if v.end <= a < hi and not _opens_next(low, v, a, b, values, i)]
            v.years = [near[0][2]] if near else []
            for (_, b0, _), (a1, _, y1) in zip(near, near[1:]):
                if not re.fullmatch(r"\s*(?:,|và|hoặc)\s*", low[b0:a1]):
                    break
                v.years.append(y1)
        v.year = v.years[0] if v.years else None


def _opens_next(low: str, v: Value, a: int, b: int, values: list[Value], i: int) -> bool:
    """Whether the year at a..b, written after value i, is the next value's, written before it: "đạt
    95%, phấn đấu đến năm 2030 đạt 100%" (a new clause starts before the year, only "đạt" follows it)."""
    if i + 1 >= len(values) or not (v.end <= a < values[i + 1].start):
        return False
    before, after = low[v.end:a], low[b:values[i + 1].cmp_start]
    return bool(re.search(r"[,;]|phấn đấu|phần đầu", before)) and not re.search(r"[^\W\d_]", re.sub(
        r"\b(?:đạt|có|là|lên|xuống|giảm|tăng|còn|phấn đấu|tỷ lệ này)\b|[,:]", "", after))


def _brackets(s: str) -> list[int]:
    """`_bracket` of every position of `s` (and of len(s)), in one pass."""
    out, stack = [], []
    for ch in s:
        out.append(stack[-1] if stack else -1)
        if ch == "(":
            stack.append(len(out) - 1)
        elif ch == ")" and stack:
            stack.pop()
    out.append(stack[-1] if stack else -1)
    return out


def _bracket(s: str, pos: int) -> int:
    """Index of the innermost "(" open at `pos` (-1 at the top level)."""
    stack = []
    for k, ch in enumerate(s[:pos]):
        if ch == "(":
            stack.append(k)
        elif ch == ")" and stack:
            stack.pop()
    return stack[-1] if stack else -1


# -- pieces and parts ---------------------------------------------------------------------------


@dataclass
class _Piece:
    raw: str
    sep: str  # the separator before it ("" for the first)
    clean: str = ""
    values: list[Value] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        return self.sep.strip().startswith((";", ".", ":"))


def split_pieces(raw: str) -> list[_Piece]:
    """Split at separators outside brackets and quotation marks, keeping each separator."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    quote = False
    i = 0
    ends = [v.end for v in scan_values(raw)]  # where values end (read once: a colon or a bracket asks "a value before?")
    while i < len(raw):
        ch = raw[i]
        if ch == "(" and depth == 0 and not quote and i and bisect.bisect_right(ends, i) > 0:
            _cut_before_category_bracket(raw, i, cuts)
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in "“”\"":
            quote = (ch == "“") or (ch == "\"" and not quote)
            if ch == "”":
                quote = False
        if depth == 0 and not quote:
            m = _SEPARATOR.match(raw, i)
            if m and m.group().startswith(".") and not (raw[m.end():m.end() + 1].isupper() or raw[m.end():m.end() + 1] in "“\"("):
                m = None  # a full stop only ends a sentence before a capital letter
            if m and m.group().startswith(":") and bisect.bisect_right(ends, i) <= bisect.bisect_left(ends, cuts[-1][1] if cuts else 0):
                m = None  # no value since the last cut: "Đến năm 2028: …", "Hoạt động: …" introduce what follows
            if m and raw[m.end():].strip(" .*"):
                cuts.append((m.start(), m.end()))
                i = m.end()
                continue
        i += 1
    pieces, last, sep = [], 0, ""
    for a, b in cuts:
        pieces.append(_Piece(raw[last:a], sep))
        sep, last = raw[a:b], b
    pieces.append(_Piece(raw[last:], sep))
    for p in pieces:
        p.clean = clean(p.raw)
        p.values = scan_values(p.clean)
        _assign_years(p.clean, p.values)
    return pieces


def _cut_before_category_bracket(raw: str, i: int, cuts: list[tuple[int, int]]) -> None:
    """A bracket stating a group's own value ("xuống 24,5% (trong đó vùng đồng bào dân tộc thiểu số dưới
    28%)") is a piece of its own, after the value it narrows."""
    depth, j = 0, i
    while j < len(raw):
        depth += {"(": 1, ")": -1}.get(raw[j], 0)
        if depth == 0:
            break
        j += 1
    inside = clean(raw[i + 1:j])
    values = scan_values(inside)
    if not values or _year_spans(inside):
        return
    if category_before(inside, values, bracket=True) is None:
        return
    k = i
    while k > 0 and raw[k - 1] in " \t":
        k -= 1
    if not cuts or cuts[-1][1] <= k:
        cuts.append((k, i))


def _strip_lead(low: str) -> str:
    return re.sub(rf"^{_LEAD_IN}", "", low.strip(" ,;.:"))


def _starts_new(p: _Piece) -> bool:
    low = _strip_lead(p.clean.lower())
    if re.match(r"^(?:(?:" + "|".join(c for c, _ in CMP_BEFORE[:8]) + r")\s+)?[≥≤<>]?\s*\d", low):
        return True
    if _DIRECTION.match(low) or _ZERO.match(low):
        return True
    return bool(p.values) and bool(re.match(rf"^(?:tỷ lệ|tỷ suất|số|{DECREASE}|{INCREASE}|duy trì|tổ chức)\b", low))


def _linked(part: list[_Piece], p: _Piece, default_year: int | None = None) -> bool:
    """A piece that only continues the current part: another year's value ("…, 100% vào năm 2030",
    the year of the first value possibly written pieces later; "đạt 95%, phấn đấu đến năm 2030 đạt
    100%" when the first value's year is the plan's) or the end of a change ("từ 12‰ năm 2025, xuống 11‰")."""
    if not p.values or not any(q.values for q in part):
        return False
    joined = clean(part[0].raw + "".join(q.sep + q.raw for q in part[1:]))
    mine = scan_values(joined)
    _assign_years(joined, mine)
    years = {v.year for v in mine}
    if mine and None not in years and all(v.year is not None and v.year not in years for v in p.values):
        return True
    if (default_year is not None and mine and all(v.year is not None for v in p.values) and bare(p.clean, p.values)
            and all(v.year not in {w.year or default_year for w in mine} for v in p.values)):
        return True
    first = _strip_lead(p.clean.lower())
    return (len(mine) == 1 and bool(re.match(r"^(?:lên|xuống)\b", first))
            and bool(re.search(r"\btừ\s*$", joined.lower()[: mine[0].start])))


def _measurable(pieces: list[_Piece]) -> bool:
    if any(p.values for p in pieces):
        return True
    head = _strip_lead(pieces[0].clean.lower())
    return bool(_ZERO.match(head) or _DIRECTION.match(head))


def group_parts(raw: str, default_year: int | None = None) -> list[str]:
    """The verbatim texts of the parts of one target sentence (one text for a simple target).
    `default_year` is the year of a value written without one (see `_linked`)."""
    pieces = split_pieces(raw)
    groups: list[list[_Piece]] = [[pieces[0]]]
    for p in pieces[1:]:
        cur = groups[-1]
        low = _strip_lead(p.clean.lower())
        zero_or_dir = bool(_ZERO.match(low) or _DIRECTION.match(low))
        if p.values:
            if _linked(cur, p, default_year):
                new = False
            elif _measurable(cur) and (any(q.values for q in cur) or p.strong):
                new = True
            else:
                new = p.strong and _starts_new(p)
        elif zero_or_dir and p.strong:
            new = True
        else:
            new = False
        if new:
            groups.append(_take_subject(cur, p))
        else:
            cur.append(p)
    texts = []
    for g in groups:
        text = g[0].raw + "".join(q.sep + q.raw for q in g[1:])
        texts.append(text.strip())
    if len(texts) == 1:
        return [raw.strip()]
    return [re.sub(r"[\s.]+$", "", t) if not t.endswith("...") else t for t in texts]


_STRENGTH = {";": 3, ":": 3, ".": 2, ",": 1}


def _take_subject(cur: list[_Piece], p: _Piece) -> list[_Piece]:
    """Start a new part at `p`, taking back from the current part the pieces that already speak of
    the new subject: "đạt 56%; tỷ lệ trẻ em khuyết tật …, giáo dục hòa nhập và hỗ trợ … đạt 82%" splits
    at ";" (the strongest separator after the last value), while "cấp tỉnh, huyện và 80% cán bộ cấp xã"
    splits right before the value that opens its own piece."""
    if _starts_with_value(p):
        return [p]
    last_value = max((k for k, q in enumerate(cur) if q.values), default=-1)
    tail = cur[last_value + 1:]
    if not tail:
        return [p]
    strengths = [_STRENGTH.get(q.sep.strip()[:1], 0) for q in tail] + [_STRENGTH.get(p.sep.strip()[:1], 0)]
    best = max(strengths)
    k = strengths.index(best)
    if k == len(tail):
        return [p]
    moved = tail[k:]
    del cur[last_value + 1 + k:]
    return moved + [p]


def _starts_with_value(p: _Piece) -> bool:
    return bool(p.values) and not re.search(r"[^\W\d_]", re.sub(rf"^{_LEAD_IN}", "", p.clean[: p.values[0].cmp_start].lower()))


# -- categories ---------------------------------------------------------------------------------

_CAT_AFTER = re.compile(r"\s*(?:\((?P<b>[^()]{2,80})\)|(?:đối với|ở|tại)\s+(?P<w>[^,;()]{2,80}?)"
                        r"(?=\s+(?:vào|đến|tới|trong)\s+năm\b|\s*[,;.)]|\s*$|\s+và\s))")


def is_category(phrase: str, linked: bool = False) -> bool:
    """Whether `phrase` names a group of people or places (CATEGORY_WORDS), or, after "trong đó" /
    "riêng" (`linked`), starts with a word for people or places; never an indicator ("tỷ lệ …")."""
    low = phrase.lower().strip()
    if not low or len(low) > 80 or _INDICATOR_WORDS.search(low) or re.search(r"\d", low):
        return False
    if any(re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", low) for w in CATEGORY_WORDS):
        return True
    return linked and any(re.match(rf"^{re.escape(w)}(?![\w])", low) for w in POPULATION_WORDS)


def category_before(s: str, values: list[Value], bracket: bool = False) -> str | None:
    """The group named before the first value: "trong đó khu vực ngoại thành đạt tối thiểu 75%",
    "riêng trẻ em người dân tộc thiểu số xuống dưới 33%", "(vùng đồng bào dân tộc thiểu số dưới 25%)"."""
    if not values:
        return None
    head = s[: values[0].cmp_start].strip(" ([")
    link = _CATEGORY_LINK.match(head.lower())
    linked = bool(link) and bool(re.search(r"trong đó|riêng", link.group()))
    phrase = head[link.end():] if link else head
    phrase = phrase[: len(_CATEGORY_VERBS.sub("", phrase.lower()))].strip(" :,")
    return phrase if is_category(phrase, linked) else None


def category_of(s: str, values: list[Value], first: bool) -> str | None:
    """The group a part's value is stated for, as written, without the linking words and brackets:
    after a value ("dưới 4% đối với nông thôn", "55% (khu vực nội thành)", "dưới 14% ở khu vực thành
    thị") or, in a part after the first, before it ("trong đó học sinh nữ dân tộc thiểu số dưới 2%")."""
    low = s.lower()
    for v in values:
        m = _CAT_AFTER.match(low, v.end)
        if m:
            key = "b" if m.group("b") else "w"
            phrase = s[m.start(key):m.end(key)].strip()
            if is_category(phrase):
                return phrase
    if first and not s.lstrip().startswith("("):
        return None
    return category_before(s.strip(), values, bracket=s.lstrip().startswith("("))


# -- a part's meaning ---------------------------------------------------------------------------


def read_part(text: str, yrs: Years | int, inherit: str | None = None, category: str | None = None,
              default_years: list[int] | None = None) -> PartDraft:
    """What one part commits to. `inherit` is the comparator of the part before (a shared comparator:
    "xuống dưới 10% và 20%", "ít nhất 02 buổi …, 01 lớp …"); `default_years` the years of a value
    written without one when the clause names them further on ("… đối với nông thôn và dưới 8% đối với
    thành thị vào năm 2025 và năm 2030")."""
    yrs = yrs if isinstance(yrs, Years) else Years.of(yrs)
    s = clean(text)
    low = s.lower()
    values = scan_values(s)
    _assign_years(s, values)
    head = _strip_lead(low.strip(" ,;.:"))
    if not values:
        if _ZERO.match(head):
            years = sorted({y for _, _, y in _year_spans(s) if y >= yrs.start}) or default_years or [yrs.default]
            part = PartDraft(text, "count", "=", "count", values=[YearValue(y, "=", 0) for y in years], category=category)
            return settle(part, yrs)
        dm = _DIRECTION.match(head)
        if dm:
            return _direction_part(text, dm, low, yrs)
        return milestone(text, yrs)
    part = _measured(text, s, low, values, yrs, inherit, default_years or [yrs.default])
    part.category = category
    return part


def _direction_part(text: str, dm: re.Match, low: str, yrs: Years) -> PartDraft:
    verb = dm.group("verb")
    cmp = ">=" if verb == "duy trì" else "<" if re.match(DECREASE, verb) else ">"
    what = dm.group("what")
    unit = "%" if what == "tỷ lệ" else "count" if what == "số" else "per_100k" if "100.000" in low else "‰"
    return PartDraft(text, unit, cmp, "direction", target_year=yrs.default if yrs.multi else yrs.start)


def milestone(text: str, plan_year: Years | int, end_year: int | None = None) -> PartDraft:
    """An activity without a number: done / in progress / not done, by a date when one is written.
    In a programme its year is the one the sentence names ("trong quý IV năm 2028"), else the last."""
    yrs = plan_year if isinstance(plan_year, Years) else Years.of(plan_year, end_year)
    low = clean(text).lower()
    due = None
    m = _DUE.search(low)
    if m:
        due = _date(m.group(3) or yrs.start, m.group(2), m.group(1))
    else:
        q = _QUARTER_DUE.search(low)
        if q:
            quarter = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(q.group(1).lower()) or int(q.group(1))
            year = int(q.group(2) or yrs.start)
            due = _date(year, quarter * 3, {1: 31, 2: 30, 3: 30, 4: 31}[quarter])
    year = yrs.start
    if yrs.multi:
        named = [y for _, _, y in _year_spans(low) if yrs.start <= y <= yrs.end]
        year = due.year if due else named[0] if named else yrs.default
    return PartDraft(text, "milestone", "=", "milestone", target_year=year, due=due)


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _measured(text: str, s: str, low: str, values: list[Value], yrs: Years, inherit: str | None,
              default_years: list[int]) -> PartDraft:
    reasons: list[str] = []
    _inherit_comparators(low, values, inherit)
    baseline, targets = _split_baseline(low, values, yrs.start)
    units = {v.unit for v in targets if v.unit}
    unit = targets[0].unit
    if len(units) > 1:
        reasons.append("các giá trị trong câu có đơn vị khác nhau (" + ", ".join(sorted(units)) + ")")
    if unit is None:
        unit = "%" if "tỷ lệ" in low else "count"
        reasons.append(f"không rõ đơn vị tính của số {_n(targets[0].number)}; tạm hiểu là {unit}")
    first = targets[0]
    per_year = any(v.per_year for v in targets) or bool(_PER_YEAR.search(low))
    verb = _verb_before(low, first.start)
    vs_last = _VS_LAST_YEAR.search(low)
    vs_last_ok = vs_last and (vs_last.group("year") is None or int(vs_last.group("year")) == yrs.start - 1)
    yearly = (per_year and first.comparator not in ("<", "<=")) or (vs_last_ok and verb and first.comparator is None)
    if yearly:
        return _yearly(text, low, targets, unit, verb, yrs, reasons)
    kind = "level"
    if unit == "count":
        kind = "activity_count" if first.noun in ACTIVITY_NOUNS else "count"
    if first.comparator is None and re.search(r"\b(?:ở\s+)?mức\s*$|\blà\s*$", low[:first.start]):
        subject = low[:first.start]
        if any(w in subject for w in LOWER_IS_BETTER_WORDS) and not re.search(r"\bđược\b", subject):
            for v in targets:
                v.comparator = v.comparator or "<="
            reasons.append("“ở mức …” không có từ so sánh; hiểu là “không vượt quá” vì chỉ tiêu càng thấp càng tốt")
    if first.comparator is None and inherit and not verb and re.search(r"[^\W\d_]", _strip_lead(low[:first.start])):
        # "… xuống dưới 10% và thể thấp còi 20%": an elliptical clause shares the comparator before it
        for v in targets:
            v.comparator = v.comparator or inherit
        reasons.append(f"không có từ so sánh; dùng chung phép so sánh “{inherit}” với phần trước")
    if first.comparator is None:
        if verb and re.match(DECREASE, verb):
            reasons.append(f"“{verb} … {_n(first.number)}” không nói rõ là giảm xuống {_n(first.number)} hay giảm đi "
                           f"{_n(first.number)}; đã hiểu là giảm xuống (≤)")
            for v in targets:
                v.comparator = v.comparator or "<="
    for v in targets:
        v.comparator = v.comparator or ">="  # docs/adding-a-plan.md: a bare "100%" is "at least"
    by_year = _by_year(targets, default_years)
    _keep_until(low, by_year, yrs)
    years = sorted(by_year)
    part = PartDraft(text, unit, by_year[years[0]].comparator, kind, values=[_year_value(y, by_year[y]) for y in years],
                     of=by_year[years[0]].of, reasons=reasons)
    settle(part, yrs)
    chosen = by_year[part.target_year]
    part.of = chosen.of
    if chosen.high is not None:
        lo, hi = sorted((chosen.number, chosen.high))
        part.aspiration = lo if chosen.comparator in ("<", "<=") else hi
    if baseline is not None:
        part.baseline = baseline.number
        part.baseline_year = baseline.year or yrs.start - 1
        if baseline.year is None:
            reasons.append(f"không ghi năm của mức cơ sở {_n(baseline.number)}; tạm lấy năm {yrs.start - 1}")
    if years[0] < yrs.start:
        reasons.append(f"câu có giá trị cho năm {years[0]}, trước năm của kế hoạch ({yrs.start})")
    if yrs.multi and years[-1] > yrs.end:
        reasons.append(f"câu có giá trị cho năm {years[-1]}, sau năm cuối của kế hoạch ({yrs.end})")
    bad = [y.target for y in part.values if unit == "%" and not 0 <= y.target <= 100]
    if bad:
        reasons.append(f"giá trị {_n(bad[0])}% nằm ngoài khoảng 0–100")
    return part


def _year_value(year: int, v: Value) -> YearValue:
    """A range ("≥ 90 - ≥ 95%") commits to its easier end; the other is the aspiration."""
    target = v.number
    if v.high is not None:
        lo, hi = sorted((v.number, v.high))
        target = hi if v.comparator in ("<", "<=") else lo
    return YearValue(year, v.comparator, target)


def _keep_until(low: str, by_year: dict[int, Value], yrs: Years) -> None:
    """"… vào năm 2027 và duy trì (ở mức này) đến năm 2030": the last value again in 2030. "Duy trì 100%
    … đến năm 2030" with no earlier year: the value from the plan's first year to 2030."""
    last = max(by_year)
    keep = _KEEP_UNTIL.search(low, by_year[last].end)
    if keep and int(keep.group(1)) > last:
        by_year[int(keep.group(1))] = by_year[last]
        return
    if (len(by_year) == 1 and last > yrs.start and re.match(rf"^{_LEAD_IN}duy trì\b", low.strip())
            and re.search(rf"(?:đến|tới)\s+(?:hết\s+)?năm\s+{last}", low)):
        by_year[yrs.start] = by_year[last]


def settle(part: PartDraft, yrs: Years) -> PartDraft:
    """One value per year, in year order; the single-value fields (target, target_year, comparator) are
    the last value's in a programme and the earliest's in a yearly plan, where a number only for a later
    year leaves this year judged on direction (docs/adding-a-plan.md, "giảm tối đa … (dưới 2% vào năm 2030)")."""
    by: dict[int, YearValue] = {}
    for v in part.values:
        by.setdefault(v.year, v)
    part.values = [by[y] for y in sorted(by)]
    if not part.values:
        return part
    chosen = part.values[-1] if yrs.multi else part.values[0]
    part.target, part.target_year, part.comparator = chosen.target, chosen.year, chosen.comparator
    if not yrs.multi and part.values[0].year > yrs.start and part.kind in ("level", "count", "activity_count"):
        part.kind = "direction"
    return part


def add_values(part: PartDraft, values: list[YearValue], yrs: Years) -> None:
    """More milestones for a part (a later clause, a later year-first block); a year it has keeps its value."""
    have = {v.year for v in part.values}
    part.values += [v for v in values if v.year not in have]
    if part.kind == "direction" and yrs.multi:
        part.kind = "level"
    settle(part, yrs)


def _inherit_comparators(low: str, values: list[Value], inherit: str | None) -> None:
    """A value with nothing but connectors or a year before it shares the comparator before it."""
    prev = inherit
    for i, v in enumerate(values):
        if v.comparator is None:
            left = low[values[i - 1].end if i else 0:v.start]
            left = re.sub(r"(?:vào|đến|trong)?\s*năm\s*\d{4}|[,;()\s]|\bvà\b|lần lượt|tương ứng", "", left)
            if not left and prev is not None:
                v.comparator = prev
        prev = v.comparator or prev


def _split_baseline(low: str, values: list[Value], plan_year: int) -> tuple[Value | None, list[Value]]:
    """'từ 98/129 năm 2024 lên 105/129 năm 2025': the first value is the baseline; so is a value for
    a year before the plan's beside one for the plan's year ('97% (năm 2025 đạt 95,2%)')."""
    past = [v for v in values if v.year is not None and v.year < plan_year]
    if len(past) == 1 and len(values) >= 2 and any((v.year or plan_year) >= plan_year for v in values):
        rest = [v for v in values if v is not past[0]]
        if past[0].comparator == ">=" and re.search(r"\b(?:đạt|là)\s*$", low[:past[0].start]):
            past[0].comparator = None
        return past[0], rest
    if len(values) >= 2:
        a, b = values[0], values[1]
        between = low[a.end:b.start]
        if re.search(r"\b(?:lên|xuống)\b", between) and (
                re.search(r"\btừ\s*$", low[:a.start]) or (a.year and b.year and a.year < b.year and a.year < plan_year)):
            if a.comparator == ">=" and re.search(r"\btừ\s*$", low[:a.start]):
                a.comparator = None
            return a, values[1:]
    return None, values


def _by_year(targets: list[Value], default_years: list[int]) -> dict[int, Value]:
    out: dict[int, Value] = {}
    for v in targets:
        for y in v.years or default_years:
            out.setdefault(y, v)
    return out


def _verb_before(low: str, pos: int) -> str | None:
    m = None
    for m in re.finditer(rf"\b({DECREASE}|{INCREASE})\b", low[:pos]):
        pass
    return m.group(1) if m else None


def _yearly(text, low, targets, unit, verb, yrs: Years, reasons) -> PartDraft:
    """A change per year. In a programme the same rule governs every year up to the last: one entry
    there (tests/plan_texts_multiyear/README.md)."""
    v = targets[0]
    down = bool(verb and re.match(DECREASE, verb)) or (verb is None and "giảm" in low)
    sign = -1 if down else 1
    lo, hi = (v.number, v.high) if v.high is not None else (v.number, None)
    target = sign * lo
    aspiration = sign * hi if hi is not None else None
    cmp = "<=" if down else ">="
    if re.search(r"\bsố\b", low[v.end:]) or re.search(rf"(?:{DECREASE}|{INCREASE})\s+\S*\s*số\b", low):
        reasons.append("mức thay đổi tính theo % của số lượng năm trước, không phải điểm phần trăm; kiểm tra lại")
    year = yrs.default
    return PartDraft(text, unit if unit != "count" else "%", cmp, "yearly_change", target=target, target_year=year,
                     values=[YearValue(year, cmp, target)], aspiration=aspiration, reasons=reasons)


def _after_strong_separator(raw: str, part_text: str) -> bool:
    at = raw.find(part_text)
    return at > 0 and raw[:at].rstrip()[-1:] in (";", ".", ":")


def _n(x: float) -> str:
    return f"{x:g}".replace(".", ",")


# -- a whole target sentence --------------------------------------------------------------------


def bare(s: str, values: list[Value]) -> bool:
    """Whether a clause says nothing but values, years and connecting words: it has no subject of its
    own ("đạt 65% và 80% vào năm 2030", "đến năm 2030 giảm tương ứng xuống dưới 4% và dưới 2,5%",
    "các tỷ lệ trên đạt lần lượt 95% và 100%")."""
    low = s.lower()
    rest, pos = [], 0
    for v in values:
        rest.append(low[pos:v.cmp_start])
        pos = v.end
    rest.append(low[pos:])
    words = _BARE_WORDS.sub(" ", _YEAR.sub(" ", " ".join(rest)))
    return not re.search(r"[^\W\d_]", words)


_RESPECTIVE = re.compile(r"\b(?:lần lượt|tương ứng|các tỷ lệ trên|các chỉ tiêu trên|các tỷ lệ này|các chỉ tiêu này)\b")


def _continuation(s: str, first: bool) -> tuple[str, object] | None:
    """How a clause without a subject continues the parts before it: ("zero", year) for "đến năm 2030
    không còn …"; ("more", values) for one value of another year; ("respective", values) for one value
    per part before ("đạt 65% và 80% vào năm 2030"). A first clause only continues with "lần lượt",
    "tương ứng" or "các tỷ lệ trên" (the parts are in an earlier block)."""
    low = s.lower().strip(" ,;.")
    zm = re.match(r"^(?:(?:đến|vào|tới|trong)\s+)?(?:hết\s+)?năm\s+(\d{4})\s*,?\s*(.*)$", low)
    if not first and zm and _ZERO.match(_strip_lead(zm.group(2))):
        return "zero", int(zm.group(1))
    values = scan_values(s)
    _assign_years(s, values)
    if not values or not bare(s, values) or any(v.per_year for v in values):
        return None
    if first:
        return ("respective", values) if len(values) >= 2 and _RESPECTIVE.search(low) else None
    if len(values) >= 2:
        return "respective", values
    return ("more", values) if values[0].years else None


def _clauses(raw: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence: between ";" or ". " outside brackets."""
    spans, pos, start = [], 0, 0
    for k, p in enumerate(split_pieces(raw)):
        if k and p.strong:
            spans.append((start, pos))
            start = pos + len(p.sep)
        pos += len(p.sep) + len(p.raw)
    spans.append((start, len(raw)))
    return spans


def read_target(raw: str, plan_year: int, end_year: int | None = None, year: int | None = None) -> list[PartDraft]:
    """A whole target sentence -> its parts (a single part for a simple target). The plan spans
    `plan_year`..`end_year` (a yearly plan when `end_year` is omitted); `year` is the year of a value
    written without one (a year-first block's year; default: the last year of the span)."""
    yrs = Years.of(plan_year, end_year, year)
    parts: list[PartDraft] = []
    segment: tuple[int, int] | None = None
    for k, (a, b) in enumerate(_clauses(raw)):
        how = _continuation(clean(raw[a:b]), first=k == 0)
        if how is None:
            segment = (segment[0], b) if segment else (a, b)
            continue
        if segment:
            parts += _read_segment(raw[segment[0]:segment[1]], yrs, first=not parts)
            segment = None
        if _continue(parts, how, clean(raw[a:b]), yrs):
            continue
        if k == 0:  # values "lần lượt" for the parts of an earlier block
            parts += _respective_parts(raw[a:b].strip(" ;."), how[1], yrs)
        else:
            parts += _read_segment(raw[a:b], yrs, first=not parts)
    if segment:
        parts += _read_segment(raw[segment[0]:segment[1]], yrs, first=not parts)
    if len(parts) == 1 and not parts[0].respective:
        parts[0].text = raw.strip()  # a simple target: the whole sentence
    if len(parts) > 1:
        for p in parts:
            if not p.respective and not re.search(r"[^\W\d_]{2,}", re.sub(r"%|‰|/100\.000|năm|vào|và", "", clean(p.text).lower())):
                p.reasons.append("phần này không có chủ ngữ riêng, dùng chung nội dung với phần trước")
    return parts


def _read_segment(raw: str, yrs: Years, first: bool) -> list[PartDraft]:
    """The parts of a stretch of clauses that each have a subject."""
    texts = [_unbracket(t) for t in group_parts(raw, yrs.default)]
    scanned = []
    for k, t in enumerate(texts):
        s = clean(t)
        values = scan_values(s)
        _assign_years(s, values)
        years = [y for v in values for y in v.years if y >= yrs.start]
        scanned.append((years, category_of(s, values, first=first and k == 0)))
    parts: list[PartDraft] = []
    inherit = None
    for k, t in enumerate(texts):
        if k and _after_strong_separator(raw, t):
            inherit = None  # "trên 98% …; 100% …": a new clause, nothing shared
        part = read_part(t, yrs, inherit, scanned[k][1], _shared_years(raw, texts, scanned, k))
        if part.kind not in ("milestone", "direction") and part.values:
            inherit = part.values[-1].comparator
        parts.append(part)
    return parts


def _unbracket(text: str) -> str:
    t = text.strip()
    if t.startswith("(") and t.endswith(")") and _bracket(t, len(t) - 1) == 0:
        return t[1:-1].strip()
    return t


def _shared_years(raw: str, texts: list[str], scanned: list[tuple[list[int], str | None]], k: int) -> list[int] | None:
    """A part with no year of its own takes the years written at the end of its clause when it and the
    parts after it state one value each for groups ("dưới 4% đối với nông thôn và dưới 8% đối với thành
    thị vào năm 2025 và năm 2030"; "đạt 80%, trong đó khu vực ngoại thành đạt tối thiểu 75%, vào năm 2030")."""
    if scanned[k][0]:
        return None
    for j in range(k + 1, len(texts)):
        if _after_strong_separator(raw, texts[j]):
            return None
        years, cat = scanned[j]
        if years:
            return sorted(set(years)) if (cat or scanned[k][1]) else None
    return None


def _continue(parts: list[PartDraft], how: tuple[str, object], s: str, yrs: Years) -> bool:
    """Apply a continuation clause to the parts before it; False when there are not enough of them."""
    kind, what = how
    if kind == "zero":
        if not parts:
            return False
        add_values(parts[-1], [YearValue(what, "=", 0)], yrs)
        return True
    values: list[Value] = what
    targets = parts[-len(values):] if kind == "respective" else parts[-1:]
    if len(targets) < len(values) or any(p.kind in ("milestone", "yearly_change") for p in targets):
        return False
    clause_years = sorted({y for _, _, y in _year_spans(s) if y >= yrs.start})
    prev = None
    for part, v in zip(targets, values):
        cmp = v.comparator or prev or part.comparator
        prev = cmp
        years = v.years or clause_years[-1:] or [yrs.default]
        add_values(part, [_year_value(y, Value(v.start, v.end, v.number, v.unit, high=v.high, comparator=cmp))
                          for y in years], yrs)
    return True


def _respective_parts(text: str, values: list[Value], yrs: Years) -> list[PartDraft]:
    """Values "lần lượt" for parts named in an earlier block: kept as marked parts for
    `read_year_blocks`, which gives each to its part."""
    out = []
    years = sorted({y for _, _, y in _year_spans(clean(text)) if y >= yrs.start})
    prev = None
    for v in values:
        cmp = v.comparator or prev or ">="
        prev = cmp
        ys = v.years or years[-1:] or [yrs.default]
        part = PartDraft(text, v.unit or "%", cmp, "level", values=[YearValue(y, cmp, v.number) for y in ys],
                         respective=True, reasons=["giá trị “lần lượt” cho các chỉ tiêu nêu trước; kiểm tra chỉ tiêu nhận giá trị"])
        out.append(settle(part, yrs))
    return out


# -- year-first blocks ---------------------------------------------------------------------------

_SUBJECT_STOP = {"tỷ", "lệ", "suất", "giảm", "tăng", "đạt", "xuống", "lên", "còn", "từ", "năm", "vào", "đến", "tới", "và",
                 "ở", "của", "các", "được", "duy", "trì", "khống", "chế", "trên", "dưới", "tối", "thiểu", "đa", "không",
                 "quá", "phấn", "đấu", "mức", "trong", "đó", "riêng", "nâng", "cao", "có", "là"}


def _subject(part: PartDraft) -> set[str]:
    """The words that name what a part measures (numbers, years and comparator words left out)."""
    words = re.findall(r"[^\W\d_]+", clean(part.text).lower())
    return {w for w in words if w not in _SUBJECT_STOP}


def read_year_blocks(blocks: list[tuple[int, str]], plan_year: int, end_year: int | None = None) -> list[PartDraft]:
    """The parts of a goal written year first ("- Đến năm 2028: a; b; c." then "- Đến năm 2030: …"):
    each indicator is one part, in the order indicators are first named; a value in a later block goes
    to the part that measures the same thing for the same group, wherever it stands in that block;
    "các tỷ lệ trên đạt lần lượt 95% và 100%" gives its values to the parts of the block before."""
    parts: list[PartDraft] = []
    before: list[PartDraft] = []  # the parts the previous block named
    for year, body in blocks:
        yrs = Years.of(plan_year, end_year, year)
        named: list[PartDraft] = []
        found = read_target(body, plan_year, end_year, year)
        loose = [p for p in found if p.respective]
        for p in found:
            if p.respective:
                continue
            match = _same_indicator(parts, p, year)
            if match is None:
                parts.append(p)
                named.append(p)
            else:
                add_values(match, p.values, yrs)
                if match.baseline is None and p.baseline is not None:
                    match.baseline, match.baseline_year = p.baseline, p.baseline_year
                named.append(match)
        if loose:
            targets = before if len(before) == len(loose) else parts[-len(loose):]
            if len(targets) == len(loose):
                for part, value in zip(targets, loose):
                    add_values(part, value.values, yrs)
            else:
                parts += loose
        before = named or before
    return parts


def _same_indicator(parts: list[PartDraft], p: PartDraft, year: int) -> PartDraft | None:
    """The part of an earlier block that `p` gives another year's value to: same group, no value for
    this year yet, and most of the words naming the smaller of the two in common."""
    mine = _subject(p)
    best, score = None, 0.5
    for q in parts:
        if (q.category or "").lower() != (p.category or "").lower() or any(v.year == year for v in q.values):
            continue
        theirs = _subject(q)
        if "milestone" in (q.kind, p.kind) or not mine or not theirs:
            continue
        overlap = len(mine & theirs) / min(len(mine), len(theirs))
        if overlap > score or (best is None and overlap == score):
            best, score = q, overlap
    return best
