"""One target sentence -> its measurable parts: value per year, unit, comparator, kind, baseline.

The rules are tables (words before a number -> comparator, words after it -> unit) so a reviewer
can check them against docs/adding-a-plan.md line by line. Whatever the rules cannot settle is kept, with a
Vietnamese reason in `reasons`: the part is then shown as needing review rather than guessed.

Vocabulary: a *piece* is a stretch of the sentence between separators (",", ";", ". ", " và ");
pieces are grouped into *parts* (15a, 15b …); a *value* is a number with what makes it a target
value (a unit, a count noun, or a comparator word right before it)."""
from __future__ import annotations

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
_FILLER = r"(?:\s+(?:mức|tỷ lệ|khoảng|là|bằng))?"
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
_QUARTER_DUE = re.compile(r"(?:trong|trước hết|hết)\s+quý\s+(I{1,3}|IV|[1-4])(?:\s+năm\s+(\d{4}))?")

# Separators between pieces, strongest first; none is used inside brackets or quotation marks.
_SEPARATOR = re.compile(r";\s*|\.\s+|,\s+|\s+và\s+")


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
    for pattern, unit in ((r"^\s*%", "%"), (r"^\s*‰", "‰"), (r"^\s*/\s*100\.000", "per_100k"), (r"^\s*/\s*1\.000(?!\d)", "‰"),
                          (r"^\s*(?:trên|/)\s*1\.000\s+(?:trẻ|ca)\S*(?:\s+(?:em|đẻ|sinh))*(?:\s+sống)?", "‰"),
                          (r"^\s*(?:trên|/)\s*100\.000\s+(?:trẻ|dân|người)\S*(?:\s+em)?", "per_100k")):
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


def years_in(s: str) -> list[tuple[int, int]]:
    """(position, year) of the years a sentence names as target years (not "so với năm 2024")."""
    out = []
    low = s.lower()
    for m in _YEAR.finditer(low):
        if _YEAR_NOT_TARGET.search(low[:m.start("y")]):
            continue
        if re.match(r"^\s*-\s*(?:19|20)\d\d", low[m.end():]):
            continue  # "2021-2030": a period
        out.append((m.start(), int(m.group("y"))))
    return out


def _assign_years(s: str, values: list[Value]) -> None:
    """Each value takes the year written next to it: after it ("27‰ vào năm 2025") or, when the
    sentence puts years first ("đến năm 2025 có 90%"), before it. A year in brackets belongs to the
    values in the same brackets ("đạt 97% (năm 2025 đạt 95,2%)")."""
    years = years_in(s)
    if not years or not values:
        return
    for i, v in enumerate(values):
        lo = values[i - 1].end if i else 0
        hi = values[i + 1].start if i + 1 < len(values) else len(s)
        box = _bracket(s, v.start)
        mine = [(p, y) for p, y in years if _bracket(s, p) == box]
        first_value = min(w.start for w in values if _bracket(s, w.start) == box)
        years_first = bool(mine) and mine[0][0] < first_value
        if years_first:
            near = [y for p, y in mine if lo <= p < v.start]
            v.year = near[-1] if near else None
        else:
            near = [y for p, y in mine if v.end <= p < hi]
            v.year = near[0] if near else None


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
        return self.sep.strip().startswith((";", "."))


def split_pieces(raw: str) -> list[_Piece]:
    """Split at separators outside brackets and quotation marks, keeping each separator."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    quote = False
    i = 0
    while i < len(raw):
        ch = raw[i]
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


def _strip_lead(low: str) -> str:
    return re.sub(rf"^{_LEAD_IN}", "", low.strip(" ,;.:"))


def _starts_new(p: _Piece) -> bool:
    low = _strip_lead(p.clean.lower())
    if re.match(r"^(?:(?:" + "|".join(c for c, _ in CMP_BEFORE[:8]) + r")\s+)?[≥≤<>]?\s*\d", low):
        return True
    if _DIRECTION.match(low) or _ZERO.match(low):
        return True
    return bool(p.values) and bool(re.match(rf"^(?:tỷ lệ|tỷ suất|số|{DECREASE}|{INCREASE}|duy trì|tổ chức)\b", low))


def _linked(part: list[_Piece], p: _Piece) -> bool:
    """A piece that only continues the current part: another year's value ("…, 100% vào năm 2030",
    the year of the first value possibly written pieces later) or the end of a change
    ("từ 12‰ năm 2025, xuống 11‰")."""
    if not p.values or not any(q.values for q in part):
        return False
    joined = clean(part[0].raw + "".join(q.sep + q.raw for q in part[1:]))
    mine = scan_values(joined)
    _assign_years(joined, mine)
    years = {v.year for v in mine}
    if mine and None not in years and all(v.year is not None and v.year not in years for v in p.values):
        return True
    first = _strip_lead(p.clean.lower())
    return (len(mine) == 1 and bool(re.match(r"^(?:lên|xuống)\b", first))
            and bool(re.search(r"\btừ\s*$", joined.lower()[: mine[0].start])))


def _measurable(pieces: list[_Piece]) -> bool:
    if any(p.values for p in pieces):
        return True
    head = _strip_lead(pieces[0].clean.lower())
    return bool(_ZERO.match(head) or _DIRECTION.match(head))


def group_parts(raw: str) -> list[str]:
    """The verbatim texts of the parts of one target sentence (one text for a simple target)."""
    pieces = split_pieces(raw)
    groups: list[list[_Piece]] = [[pieces[0]]]
    for p in pieces[1:]:
        cur = groups[-1]
        low = _strip_lead(p.clean.lower())
        zero_or_dir = bool(_ZERO.match(low) or _DIRECTION.match(low))
        if p.values:
            if _linked(cur, p):
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


_STRENGTH = {";": 3, ".": 2, ",": 1}


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


# -- a part's meaning ---------------------------------------------------------------------------


def read_part(text: str, plan_year: int, inherit: str | None = None) -> PartDraft:
    """What one part commits to. `inherit` is the comparator of the part before (a shared comparator:
    "xuống dưới 10% và 20%", "ít nhất 02 buổi …, 01 lớp …")."""
    s = clean(text)
    low = s.lower()
    values = scan_values(s)
    _assign_years(s, values)
    head = _strip_lead(low.strip(" ,;.:"))
    if not values:
        if _ZERO.match(head):
            return PartDraft(text, "count", "=", "count", target=0, target_year=plan_year,
                             values=[YearValue(plan_year, "=", 0)])
        dm = _DIRECTION.match(head)
        if dm:
            return _direction_part(text, dm, low, plan_year)
        return milestone(text, plan_year)
    return _measured(text, s, low, values, plan_year, inherit)


def _direction_part(text: str, dm: re.Match, low: str, plan_year: int) -> PartDraft:
    verb = dm.group("verb")
    cmp = ">=" if verb == "duy trì" else "<" if re.match(DECREASE, verb) else ">"
    what = dm.group("what")
    unit = "%" if what == "tỷ lệ" else "count" if what == "số" else "per_100k" if "100.000" in low else "‰"
    return PartDraft(text, unit, cmp, "direction", target_year=plan_year)


def milestone(text: str, plan_year: int) -> PartDraft:
    """An activity without a number: done / in progress / not done, by a date when one is written."""
    low = clean(text).lower()
    due = None
    m = _DUE.search(low)
    if m:
        due = _date(m.group(3) or plan_year, m.group(2), m.group(1))
    else:
        q = _QUARTER_DUE.search(low)
        if q:
            quarter = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(q.group(1).lower()) or int(q.group(1))
            year = int(q.group(2) or plan_year)
            due = _date(year, quarter * 3, {1: 31, 2: 30, 3: 30, 4: 31}[quarter])
    return PartDraft(text, "milestone", "=", "milestone", target_year=plan_year, due=due)


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _measured(text: str, s: str, low: str, values: list[Value], plan_year: int, inherit: str | None) -> PartDraft:
    reasons: list[str] = []
    _inherit_comparators(low, values, inherit)
    baseline, targets = _split_baseline(low, values, plan_year)
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
    vs_last_ok = vs_last and (vs_last.group("year") is None or int(vs_last.group("year")) == plan_year - 1)
    yearly = (per_year and first.comparator not in ("<", "<=")) or (vs_last_ok and verb and first.comparator is None)
    if yearly:
        return _yearly(text, low, targets, unit, verb, plan_year, reasons)
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
    by_year = _by_year(targets, plan_year)
    years = sorted(by_year)
    earliest = by_year[years[0]]
    part = PartDraft(text, unit, earliest.comparator, kind, target=earliest.number, target_year=years[0],
                     values=[YearValue(y, by_year[y].comparator, by_year[y].number) for y in years],
                     of=earliest.of, reasons=reasons)
    if earliest.high is not None:
        lo, hi = sorted((earliest.number, earliest.high))
        part.target, part.aspiration = (hi, lo) if earliest.comparator in ("<", "<=") else (lo, hi)
        part.values[0].target = part.target
    if baseline is not None:
        part.baseline = baseline.number
        part.baseline_year = baseline.year or plan_year - 1
        if baseline.year is None:
            reasons.append(f"không ghi năm của mức cơ sở {_n(baseline.number)}; tạm lấy năm {plan_year - 1}")
    if years[0] > plan_year:
        part.kind = "direction"  # a number only for a later year: this year is judged on direction
    if years[0] < plan_year:
        reasons.append(f"câu có giá trị cho năm {years[0]}, trước năm của kế hoạch ({plan_year})")
    if unit == "%" and not 0 <= part.target <= 100:
        reasons.append(f"giá trị {_n(part.target)}% nằm ngoài khoảng 0–100")
    return part


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
                re.search(r"\btừ\s*$", low[:a.start]) or (a.year and b.year and a.year < b.year)):
            if a.comparator == ">=" and re.search(r"\btừ\s*$", low[:a.start]):
                a.comparator = None
            return a, values[1:]
    return None, values


def _by_year(targets: list[Value], plan_year: int) -> dict[int, Value]:
    out: dict[int, Value] = {}
    for v in targets:
        out.setdefault(v.year or plan_year, v)
    return out


def _verb_before(low: str, pos: int) -> str | None:
    m = None
    for m in re.finditer(rf"\b({DECREASE}|{INCREASE})\b", low[:pos]):
        pass
    return m.group(1) if m else None


def _yearly(text, low, targets, unit, verb, plan_year, reasons) -> PartDraft:
    v = targets[0]
    down = bool(verb and re.match(DECREASE, verb)) or (verb is None and "giảm" in low)
    sign = -1 if down else 1
    lo, hi = (v.number, v.high) if v.high is not None else (v.number, None)
    target = sign * lo
    aspiration = sign * hi if hi is not None else None
    cmp = "<=" if down else ">="
    if re.search(r"\bsố\b", low[v.end:]) or re.search(rf"(?:{DECREASE}|{INCREASE})\s+\S*\s*số\b", low):
        reasons.append("mức thay đổi tính theo % của số lượng năm trước, không phải điểm phần trăm; kiểm tra lại")
    return PartDraft(text, unit if unit != "count" else "%", cmp, "yearly_change", target=target, target_year=plan_year,
                     values=[YearValue(plan_year, cmp, target)], aspiration=aspiration, reasons=reasons)


def _after_strong_separator(raw: str, part_text: str) -> bool:
    at = raw.find(part_text)
    return at > 0 and raw[:at].rstrip()[-1:] in (";", ".")


def _n(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def read_target(raw: str, plan_year: int) -> list[PartDraft]:
    """A whole target sentence -> its parts (a single part for a simple target)."""
    texts = group_parts(raw)
    parts: list[PartDraft] = []
    inherit = None
    for k, t in enumerate(texts):
        if k and _after_strong_separator(raw, t):
            inherit = None  # "trên 98% …; 100% …": a new clause, nothing shared
        part = read_part(t, plan_year, inherit)
        if part.kind not in ("milestone", "direction") and part.values:
            inherit = part.values[-1].comparator
        parts.append(part)
    if len(parts) > 1:
        for p in parts:
            if not re.search(r"[^\W\d_]{2,}", re.sub(r"%|‰|/100\.000|năm|vào|và", "", clean(p.text).lower())):
                p.reasons.append("phần này không có chủ ngữ riêng, dùng chung nội dung với phần trước")
    return parts
