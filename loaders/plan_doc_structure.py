"""The shape of a plan document: its header (title, issuer, year …), its Roman-numbered sections,
the list of targets (lists, bullets, tables), the responsibilities section and the reporting
deadlines. Each reader returns plain data with the line it came from; plan_doc.py assembles them."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from indicators.validation import parse_number
from loaders.plan_doc_text import NUMBER, Line, clean, clean_name
from loaders.plan_doc_values import (
    ACTIVITY_NOUNS, LOWER_IS_BETTER_WORDS, PartDraft, YearValue, Years, is_category, read_target, read_year_blocks, scan_values,
    settle,
)

PROVINCES = [
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hoà Bình", "Hồ Chí Minh", "Huế", "Hưng Yên", "Khánh Hòa", "Khánh Hoà",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thanh Hoá",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]
# Agencies named in reporting sentences ("về Sở Y tế tổng hợp"): matched against this list and the
# headings of the responsibilities section; hyphen spacing is ignored ("Lao động- Thương binh").
KNOWN_AGENCIES = [
    "Sở Lao động - Thương binh và Xã hội", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Tư pháp",
    "Sở Tài chính", "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Dân tộc và Tôn giáo",
    "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Công an tỉnh", "Công an xã", "Tỉnh đoàn",
    "Văn phòng Sở", "Văn phòng UBND tỉnh", "UBND tỉnh", "Ủy ban nhân dân tỉnh", "UBND xã", "Ủy ban nhân dân xã",
    "UBND huyện", "UBND phường", "Ủy ban nhân dân phường", "Bộ Y tế", "Bộ Lao động - Thương binh và Xã hội", "Bộ Giáo dục và Đào tạo",
]

_ROMAN = re.compile(r"^([IVX]{1,5})\s*[.\-]\s*(.+)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.)]\s+(.+)$")
_DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.+)$")
_CHI_TIEU = re.compile(r"^(?:chỉ tiêu|mục tiêu cụ thể)\s+(?:số\s+)?(\d+[a-z]?(?:\.\d+)*)\s*[:.)\-]\s*(.*)$", re.IGNORECASE)
_GROUP = re.compile(r"^(?:([a-zđ])\s*[.)]|(\d+(?:\.\d+)+)\.?)\s+(.+)$")
_MUC_TIEU_N = re.compile(r"^(?:mục tiêu(?: cụ thể)?|nhóm mục tiêu)\s+(\d+)\s*[:.\-]", re.IGNORECASE)
_RAW_PREFIX = re.compile(r"^[#*\s]*(?:(?:chỉ tiêu|mục tiêu cụ thể)\s+(?:số\s+)?\d+[a-z]?(?:\.\d+)*\s*[:.)\-–]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|\d{1,2}(?:\.\d{1,2})+)[*\s]*", re.IGNORECASE)
# A goal written year first: "Mục tiêu cụ thể 1: …" then "- Đến năm 2028: a; b; c." and "- Đến năm 2030: …".
_GOAL_N = re.compile(r"^(?:mục tiêu cụ thể|mục tiêu|chỉ tiêu)\s+(?:số\s+)?(\d+)\s*[:.)\-]\s*(.*)$", re.IGNORECASE)
_YEAR_BLOCK = re.compile(r"^[*\s]*(?:(?:đến|tới|trong|vào)\s+)?(?:hết\s+|cuối\s+)?năm\s+(20\d\d)\s*[*]*:[*\s]*", re.IGNORECASE)
_NOT_COMMITMENT = re.compile(r"^(?:tiếp tục\s+)?(?:phối hợp|khuyến khích|tham gia|động viên)\b")


@dataclass
class Section:
    number: str  # "IV"
    title: str  # "TỔ CHỨC THỰC HIỆN"
    start: int  # index of the heading in the lines
    end: int  # index after the last line


@dataclass
class Item:
    """One target as written: its code, verbatim text and where it is."""

    code: str
    text: str
    line: Line
    group: str | None = None
    parts: list[PartDraft] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)  # from a table's "Cơ quan chủ trì" column
    reasons: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    line: Line
    text: str
    reason: str


# -- sections and header ------------------------------------------------------------------------


def _is_heading_text(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= 0.7


def sections(lines: list[Line]) -> list[Section]:
    marks = []
    for i, ln in enumerate(lines):
        m = _ROMAN.match(clean(ln.text))
        if m and not ln.bullet and _is_heading_text(m.group(2)):
            marks.append((i, m.group(1), m.group(2).strip()))
    out = []
    for k, (i, num, title) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
        out.append(Section(num, title, i, end))
    return out


def find_section(secs: list[Section], *words: str) -> Section | None:
    for s in secs:
        if any(w in s.title.upper() for w in words):
            return s
    return None


@dataclass
class Header:
    title: str = ""
    title_end: int = 0  # index of the first line after the title
    doc_number: str = ""
    doc_date: str = ""
    place: str = ""
    year: int | None = None  # the first year of the plan
    end_year: int | None = None  # the last year: a programme's ("giai đoạn 2021 - 2030"), else = year
    issuer: str = ""
    issuer_kind: str = ""  # "UBND tỉnh", "UBND xã", "Sở" …
    level: str = ""
    province: str = ""
    scope: str = ""
    implements: str = ""
    reasons: list[str] = field(default_factory=list)


def read_header(lines: list[Line], first_section: int) -> Header:
    h = Header()
    head = lines[:first_section] if first_section else lines[:40]
    for ln in head:
        for cell in re.split(r"\s{2,}|\t", ln.text):
            c = clean(cell)
            if not h.doc_number and re.match(r"^Số\s*:", c):
                h.doc_number = c
            elif not h.doc_date and re.match(r"^[A-ZĐÀ-Ỹ][^,]{1,40},\s*ngày\b", c):
                h.doc_date = c
                h.place = c.split(",")[0].strip()
    _title(h, head)
    preamble = _preamble(head, h)
    _issuer(h, head, " ".join(clean(ln.text) for ln in head[h.title_end:]))
    _implements(h, preamble)
    if h.year is None:  # no "KẾ HOẠCH" title: a programme named in the heading lines ("… giai đoạn 2021 - 2030")
        spans = [_span(clean(ln.text), h.doc_date) for ln in head]
        h.year, h.end_year = next(((a, b) for a, b in spans if a and b and b > a), (None, None))
    if h.year is None:
        years = [int(y) for ln in head for y in re.findall(r"năm\s+(20\d\d)", clean(ln.text))]
        h.year = Counter(years).most_common(1)[0][0] if years else None
    if h.end_year is None or h.year is None or h.end_year < h.year:
        h.end_year = h.year
    return h


def _title(h: Header, head: list[Line]) -> None:
    for i, ln in enumerate(head):
        c = clean(ln.text)
        m = re.match(r"^KẾ HOẠCH\b[:\s]*(.*)$", c)
        if not m:
            continue
        parts = [m.group(1)] if m.group(1) else []
        for nxt in head[i + 1:i + 4]:
            t = clean(nxt.text)
            if (re.match(r"^(?:Căn cứ|Xét|Theo đề nghị|Thực hiện\s+(?:Kế hoạch|Công văn|Quyết định|Chỉ thị|Nghị quyết|Thông báo|Hướng dẫn)\s+số)", t)
                    or re.search(r"số\s*\d+\s*/|ngày\s+\d{1,2}/\d{1,2}/\d{4}", t) or t.endswith(":") or len(t) > 250
                    or _ROMAN.match(t) or (parts and len(" ".join(parts)) > 200)):
                break
            parts.append(t)
        text = " ".join(p for p in parts if p).strip()
        h.title_end = i + 1 + max(0, len(parts) - (1 if m.group(1) else 0))
        if text:
            h.title = "Kế hoạch " + text[0].lower() + text[1:]
            h.year, h.end_year = _span(text, h.doc_date)
        return


def _span(title: str, doc_date: str) -> tuple[int | None, int | None]:
    """The years a plan covers, from its title: "… năm 2026" is a yearly plan (even one implementing a
    programme "giai đoạn 2021 - 2030"); "giai đoạn 2026 - 2030" a programme; "đến năm 2025, tầm nhìn
    đến năm 2030" one from the year it is issued to the last year named."""
    own = [int(y) for y in re.findall(r"(?<!đến )(?<!tới )năm\s+(20\d\d)", title)]
    if own:
        return own[0], own[0]
    period = re.search(r"giai đoạn\s+(20\d\d)\s*[-–]\s*(20\d\d)", title)
    if period and int(period.group(1)) <= int(period.group(2)):
        return int(period.group(1)), int(period.group(2))
    until = [int(y) for y in re.findall(r"(?:đến|tới)\s+năm\s+(20\d\d)", title)]
    if until:
        issued = re.search(r"năm\s+(20\d\d)\s*$", doc_date) or re.search(r"/(20\d\d)\b", doc_date)
        start = int(issued.group(1)) if issued else min(until)
        return min(start, max(until)), max(until)
    return None, None


def _preamble(head: list[Line], h: Header) -> str:
    for ln in head[h.title_end:]:
        c = clean(ln.text)
        if re.match(r"^(?:Căn cứ|Thực hiện|Theo|Xét)\b", c) and len(c) > 60:
            return c
    return ""


_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_ISSUER_UBND = re.compile(r"(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+(tỉnh|thành phố|xã|phường|thị trấn|huyện)"
                          rf"((?:\s+[{_UPPER}][^\s,;:]*)*)\s+(?:ban hành|xây dựng)\s+[Kk]ế hoạch")
_ISSUER_SO = re.compile(r"\b(Sở\s+(?:(?!\bSở\b)[^;:.]){2,80}?)\s+(?:ban hành|xây dựng)\s+[Kk]ế hoạch")


def _issuer(h: Header, head: list[Line], preamble: str) -> None:
    text_head = " ".join(clean(ln.text) for ln in head)
    h.province = _province(preamble + " " + text_head + " " + h.title, h.place)
    m = _ISSUER_UBND.search(preamble)
    if m:
        kind = m.group(1).lower()
        name = (m.group(2) or "").strip() or (h.place if kind not in ("tỉnh", "thành phố") else h.province or h.place)
        h.issuer, h.issuer_kind = f"UBND {kind} {name}".strip(), f"UBND {kind}"
        h.level = "province" if kind in ("tỉnh", "thành phố") else "commune"
        h.scope = f"{kind} {name}"
        if kind == "huyện":
            h.reasons.append("kế hoạch cấp huyện: tạm xếp là cấp xã, hãy kiểm tra cấp của kế hoạch")
        return
    m = _ISSUER_SO.search(preamble)
    if m:
        name = m.group(1).strip()
        h.issuer, h.issuer_kind = f"{name} {h.province}".strip(), "Sở"
        h.level = "province" if re.search(r"trên địa bàn tỉnh", h.title) else "department"
        h.scope = f"tỉnh {h.province}" if h.level == "province" else h.issuer
        return
    number = re.search(r"/KH-([A-ZĐ]+)", h.doc_number)
    kind = "UBND" if number and number.group(1) == "UBND" else ""
    h.issuer = f"UBND tỉnh {h.province}" if kind and h.province else (h.place or h.province)
    h.level = "province" if kind else "department"
    h.scope = f"tỉnh {h.province}" if kind else h.issuer
    h.reasons.append("không tìm thấy câu “… ban hành/xây dựng Kế hoạch” nêu cơ quan ban hành; hãy kiểm tra cơ quan ban hành và cấp")


def _province(text: str, place: str) -> str:
    for m in re.finditer(r"(?:tỉnh|thành phố|TỈNH|THÀNH PHỐ)\s+([A-ZĐÀ-Ỹ][^\s,;.]*(?:\s+[A-ZĐÀ-Ỹ][^\s,;.]*){0,3})", text):
        words = m.group(1)
        for p in sorted(PROVINCES, key=len, reverse=True):
            if words.lower().startswith(p.lower()):
                return p
    return place if place in PROVINCES else ""


def _implements(h: Header, preamble: str) -> None:
    if not preamble:
        return
    out = []
    for k, clause in enumerate(re.split(r";\s*", preamble)):
        c = clause.strip()
        if re.match(r"^(?:Theo đề nghị|Xét đề nghị|Căn cứ (?:chức năng|tình hình|vào tình hình|nhiệm vụ))", c, re.IGNORECASE):
            break
        c = re.sub(r"^(?:Căn cứ|Thực hiện)\s+", "", c)
        if k and not re.match(r"^(?:Công văn|Quyết định|Kế hoạch|Nghị quyết|Chỉ thị|Thông tư|Nghị định|Hướng dẫn|Thông báo|Chương trình|Luật)", c):
            break
        c = re.split(r",\s*(?:Ủy ban nhân dân|UBND|Sở)\s[^;]{0,80}?\s(?:ban hành|xây dựng)\s", c)[0]
        out.append(c.strip().rstrip("."))
    h.implements = "; ".join(out)


# -- the list of targets ------------------------------------------------------------------------


def target_region(lines: list[Line], secs: list[Section]) -> tuple[int, int, Line] | None:
    """(first, end, heading) of the lines that list the targets."""
    for i, ln in enumerate(lines):
        c = clean(ln.text)
        if len(c) < 90 and re.search(r"(?:mục tiêu|chỉ tiêu)\s+cụ thể|^(?:[IVX]+|\d+)\s*[.)]\s*(?:các\s+)?chỉ tiêu\b", c, re.IGNORECASE):
            end = next((s.start for s in secs if s.start > i), len(lines))
            return i + 1, end, ln
    chi_tieu = [i for i, ln in enumerate(lines) if _numbered_target(clean(ln.text))]
    if chi_tieu:
        end = next((s.start for s in secs if s.start > chi_tieu[-1]), len(lines))
        return chi_tieu[0], end, lines[chi_tieu[0]]
    sec = find_section(secs, "MỤC TIÊU")
    if sec:
        return sec.start + 1, sec.end, lines[sec.start]
    return None


def read_items(lines: list[Line], plan_year: int, end_year: int | None = None) -> tuple[list[Item], list[tuple[str, str]], list[Skipped]]:
    """Targets (codes as written, bullets numbered on), goal groups and the lines set aside. The plan
    spans `plan_year`..`end_year` (a yearly plan when `end_year` is omitted)."""
    items: list[Item] = []
    groups: list[tuple[str, str]] = []
    skipped: list[Skipped] = []
    paragraphs: list[Line] = []
    group = None
    i = 0
    explicit = any(_numbered_target(clean(ln.text)) for ln in lines)
    while i < len(lines):
        ln = lines[i]
        c = clean(ln.text)
        blocks = _year_blocks(lines, i, plan_year, end_year)
        if blocks:
            item, i = blocks
            item.group = group
            items.append(item)
            continue
        table = read_table(lines, i, plan_year, end_year)
        if table:
            rows, i = table
            for it in rows:
                it.group = group
            items += rows
            continue
        gm = _group_heading(c, ln)
        if gm:
            group = gm[0]
            groups.append(gm)
            i += 1
            continue
        m = _numbered_target(c)
        n = _NUMBERED.match(c) if not ln.bullet else None
        d = _DOTTED.match(c) if not ln.bullet else None
        if m or (n and not explicit):
            code = str(int(re.match(r"\d+", m.group(1) if m else n.group(1)).group())) + (
                re.sub(r"^\d+", "", m.group(1)) if m else "")
            items.append(Item(code, _RAW_PREFIX.sub("", ln.text, count=1).strip(), ln, group))
        elif d and not explicit:  # "2.1. 100% thư viện …": the code as written
            items.append(Item(d.group(1), _RAW_PREFIX.sub("", ln.text, count=1).strip(), ln, group))
        elif ln.bullet:
            if c.endswith(":") and _followed_by_bullets(lines, i):
                i += 1
                continue  # "- Hoạt động hỗ trợ trẻ em:" heads the "+" bullets under it
            body = re.sub(r"^[^:]{3,60}:\s*", "", c).lower()
            if not explicit and _NOT_COMMITMENT.match(body) and not re.search(r"\d\s*%", c):
                skipped.append(Skipped(ln, ln.text, "chỉ nêu việc phối hợp, khuyến khích hoặc tham gia, không phải cam kết đo được"))
            else:
                items.append(Item("", ln.text, ln, group))
        else:
            paragraphs.append(ln)
        i += 1
    if not items:  # a plan that lists its targets as plain paragraphs
        items = [Item("", ln.text, ln, group) for ln in paragraphs if not clean(ln.text).endswith(":")]
        paragraphs = []
    for ln in paragraphs:
        if re.search(r"\d", clean(ln.text)) and not clean(ln.text).endswith(":") and not re.match(r"^(?:Bảng|Biểu|Phụ lục)\b", clean(ln.text)):
            skipped.append(Skipped(ln, ln.text, "đoạn văn không đánh số (chú thích hoặc lời dẫn) trong mục chỉ tiêu: không lấy làm chỉ tiêu"))
    _number_bullets(items)
    for it in items:
        if not it.parts:
            it.parts = read_target(it.text, plan_year, end_year)
    return items, groups, skipped


def _numbered_target(c: str) -> re.Match | None:
    """"Chỉ tiêu 3: …", or "Mục tiêu cụ thể 5: 100% …" when it states a value (without one, "Mục tiêu cụ
    thể 1: Về y tế" heads the targets under it)."""
    m = _CHI_TIEU.match(c)
    if m and m.group(0).lower().startswith("mục tiêu") and not scan_values(m.group(2)):
        return None
    return m


def _year_blocks(lines: list[Line], i: int, plan_year: int, end_year: int | None) -> tuple[Item, int] | None:
    """A goal written year first, from line i: an optional heading ("Mục tiêu cụ thể 1: …") and the
    lines "- Đến năm 2028: …" after it (two at least without a heading). Its indicators are its parts."""
    head = _GOAL_N.match(clean(lines[i].text)) if not lines[i].bullet else None
    j = i + 1 if head else i
    blocks: list[tuple[int, str, Line]] = []
    while j < len(lines):
        m = _YEAR_BLOCK.match(lines[j].text)
        if not m or not lines[j].text[m.end():].strip():
            break
        blocks.append((int(m.group(1)), lines[j].text[m.end():].strip(), lines[j]))
        j += 1
    if not blocks or (not head and len({y for y, _, _ in blocks}) < 2):
        return None
    title = _RAW_PREFIX.sub("", lines[i].text, count=1).strip() if head else ""
    text = " ".join([title] * bool(title) + [ln.text for _, _, ln in blocks])
    parts = read_year_blocks([(y, body) for y, body, _ in blocks], plan_year, end_year)
    if not parts:
        return None
    return Item(str(int(head.group(1))) if head else "", text, lines[i], parts=parts), j


def _group_heading(c: str, ln: Line) -> tuple[str, str] | None:
    if ln.bullet:
        return None
    m = _GROUP.match(c)
    rest = m.group(3) if m else c
    mt = _MUC_TIEU_N.match(rest)
    if not m and not mt:
        return None
    if re.search(r"\d\s*(?:%|‰)|/100\.000", rest) or (rest.rstrip().endswith(".") and not mt):
        return None  # a lettered or dotted target ("2.5. Tổ chức … ."), not a heading
    code = mt.group(1) if mt else (m.group(1) or m.group(2))
    return code, rest.strip()


def _followed_by_bullets(lines: list[Line], i: int) -> bool:
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    return bool(nxt and nxt.bullet and (nxt.bullet != lines[i].bullet or nxt.bullet == "+"))


def _number_bullets(items: list[Item]) -> None:
    """Unnumbered bullets are numbered 1, 2, … in order, after any number already used (docs/status-rules.md)."""
    used = [int(it.code) for it in items if it.code.isdigit()]
    nxt = max(used, default=0) + 1
    for it in items:
        if not it.code:
            it.code = str(nxt)
            nxt += 1
    counts = Counter(it.code for it in items)
    for it in items:
        if counts[it.code] > 1:
            it.reasons.append(f"mã chỉ tiêu {it.code} xuất hiện {counts[it.code]} lần; hãy đánh lại mã")


# -- tables -------------------------------------------------------------------------------------


def read_table(lines: list[Line], i: int, plan_year: int, end_year: int | None = None) -> tuple[list[Item], int] | None:
    """A table of targets starting at line i, in any of the three shapes a copy leaves: cells
    separated by "|" (Word, Markdown), by runs of spaces (PDF layout), or one cell per line."""
    c = clean(lines[i].text)
    if c.startswith("|") or re.search(r"\S\s{2,}\S.*\S\s{2,}\S", lines[i].text):
        header = _cells(lines[i].text)
        if _columns(header, plan_year) is None:
            return None
        rows, j = [], i + 1
        while j < len(lines) and (_cells(lines[j].text) and (lines[j].text.lstrip().startswith("|") or re.search(r"\s{2,}", lines[j].text))):
            cells = _cells(lines[j].text)
            if not all(re.fullmatch(r"[-:\s]*", x) for x in cells):
                rows.append((lines[j], cells))
            j += 1
        return _table_items(header, rows, Years.of(plan_year, end_year), lines[i]), j
    if re.fullmatch(r"(?:S?TT|Số TT|STT)", c, re.IGNORECASE):
        header, j = [c], i + 1
        while j < len(lines) and not re.fullmatch(r"\d+", clean(lines[j].text)) and len(header) < 12:
            header.append(clean(lines[j].text))
            j += 1
        if _columns(header, plan_year) is None:
            return None
        width, rows = len(header), []
        while j + width <= len(lines) and re.fullmatch(r"\d+", clean(lines[j].text)):
            cells = [clean(ln.text) for ln in lines[j:j + width]]
            if any(re.fullmatch(r"\d+", x) for x in cells[1:2]):
                break
            rows.append((lines[j], cells))
            j += width
        return _table_items(header, rows, Years.of(plan_year, end_year), lines[i]), j
    return None


def _cells(text: str) -> list[str]:
    t = text.strip()
    if t.startswith("|"):
        return [clean(x) for x in t.strip("|").split("|")]
    return [clean(x) for x in re.split(r"\s{2,}|\t", t) if x.strip()]


@dataclass
class _Cols:
    code: int | None = None
    text: int | None = None
    unit: int | None = None
    lead: int | None = None
    coord: int | None = None
    targets: list[tuple[int, int]] = field(default_factory=list)  # (column, year)
    baseline: tuple[int, int] | None = None


def _columns(header: list[str], plan_year: int) -> _Cols | None:
    cols = _Cols()
    for k, h in enumerate(header):
        low = h.lower()
        year = re.search(r"(20\d\d)", low)
        if re.fullmatch(r"s?tt|số tt|mã(?: số)?|mã chỉ tiêu", low):
            cols.code = k
        elif re.search(r"đơn vị|đvt", low):
            cols.unit = k
        elif "chủ trì" in low:
            cols.lead = k
        elif "phối hợp" in low:
            cols.coord = k
        elif year or re.search(r"kế hoạch|mục tiêu năm|chỉ tiêu năm|phấn đấu", low):
            y = int(year.group(1)) if year else plan_year
            if re.search(r"thực hiện|\bth\b|ước|kết quả|cơ sở|năm trước", low) or (year and y < plan_year and "kh" not in low):
                cols.baseline = (k, y)
            else:
                cols.targets.append((k, y))
        elif re.search(r"chỉ tiêu|nội dung|tên", low) and cols.text is None:
            cols.text = k
    if cols.text is None or not cols.targets:
        return None
    return cols


_CELL = re.compile(rf"^\s*(≥|≤|<|>|=)?\s*({NUMBER})(?:\s*-\s*(?:≥|≤)?\s*({NUMBER}))?\s*(%|‰)?\s*$")


_SUB_ROW = re.compile(r"^[-+–•*\s]*(?:trong đó|riêng)\s*[:,]?\s*(.+)$", re.IGNORECASE)


def _table_items(header: list[str], rows: list[tuple[Line, list[str]]], yrs: Years, head_line: Line) -> list[Item]:
    """One item per numbered row; a row without a number that reads "- Trong đó: trẻ em người dân tộc
    thiểu số" is a part of the row above, for that group (its `category`)."""
    cols = _columns(header, yrs.start)
    items: list[Item] = []
    for k, (ln, cells) in enumerate(rows):
        def cell(idx):
            return cells[idx] if idx is not None and idx < len(cells) else ""
        code = cell(cols.code) if cols.code is not None else str(k + 1)
        code = str(int(code)) if code.isdigit() else code
        text = cell(cols.text)
        sub = _SUB_ROW.match(text) if items and not code.isdigit() else None
        group = sub.group(1).strip().rstrip(".:") if sub else None
        part = _table_part(re.sub(r"^[-+–•*\s]+", "", text) if sub else text, cell(cols.unit),
                           [(cell(c), y) for c, y in cols.targets],
                           (cell(cols.baseline[0]), cols.baseline[1]) if cols.baseline else None, yrs,
                           context=items[-1].text if sub else "")
        if len(cells) != len(header):
            part.reasons.append(f"dòng bảng có {len(cells)} ô, tiêu đề có {len(header)} cột; kiểm tra lại các ô")
        if sub and group and part.kind != "milestone":
            part.category = group
            if not is_category(group, linked=True):
                part.reasons.append(f"dòng “{text}” được hiểu là giá trị riêng cho nhóm “{group}”; kiểm tra lại")
            items[-1].parts.append(part)
            items[-1].text = f"{items[-1].text} {text}"
            continue
        item = Item(code, text, ln, parts=[part])
        if cell(cols.lead):
            item.leads = [cell(cols.lead)]
        if cols.coord is not None and cell(cols.coord):
            item.leads += [None] + [a.strip() for a in cell(cols.coord).split(";") if a.strip()]  # None marks the start of coordinators
        items.append(item)
    return items


def _table_part(text: str, unit_cell: str, target_cells: list[tuple[str, int]], base: tuple[str, int] | None,
                yrs: Years, context: str = "") -> PartDraft:
    """A row: a value per year column (a plain cell takes the indicator's direction, a cell with a sign
    keeps it; "-" is no value), a baseline from a "Thực hiện năm 2025" column. `context` is the text of
    the row a "Trong đó" row narrows."""
    reasons: list[str] = []
    u = unit_cell.lower()
    unit, kind = ("%", "level") if "%" in u and "‰" not in u else ("‰", "level") if ("‰" in u or "1.000" in u) else \
        ("per_100k", "level") if "100.000" in u else ("count", "activity_count" if u.strip() in ACTIVITY_NOUNS else "count")
    low = f"{context} {text}".strip().lower()
    if re.search(r"\bđược\b", low) or re.match(r"^(?:tăng|nâng)", low):
        implied = ">="
    elif re.match(r"^(?:giảm|hạ)", low):
        implied = "<="
    elif any(w in low for w in LOWER_IS_BETTER_WORDS):
        implied = "<="
    else:
        implied = ">="
    values: list[YearValue] = []
    aspirations: dict[int, float] = {}
    for raw, year in target_cells:
        m = _CELL.match(raw)
        if not m:
            if raw.strip() and not re.fullmatch(r"\s*[-–—x]\s*", raw):  # "-": no value that year
                reasons.append(f"không đọc được ô giá trị “{raw}”")
            continue
        cmp = {"≥": ">=", "≤": "<=", "<": "<", ">": ">", "=": "="}.get(m.group(1) or "", implied)
        inferred = "bảng không ghi phép so sánh; suy ra “không vượt quá” vì chỉ tiêu càng thấp càng tốt"
        if not m.group(1) and implied == "<=" and not re.match(r"^(?:giảm|hạ)", low) and inferred not in reasons:
            reasons.append(inferred)
        lo = parse_number(m.group(2)).value
        if m.group(3):
            hi = parse_number(m.group(3)).value
            lo, aspirations[year] = (max(lo, hi), min(lo, hi)) if cmp in ("<", "<=") else (lo, hi)
        values.append(YearValue(year, cmp, lo))
    if not values:
        return PartDraft(text, "milestone", "=", "milestone", target_year=yrs.start if not yrs.multi else yrs.end,
                         reasons=reasons + ["dòng bảng không có giá trị chỉ tiêu"])
    part = settle(PartDraft(text, unit, values[0].comparator, kind if unit == "count" else "level", values=values,
                            reasons=reasons), yrs)
    part.aspiration = aspirations.get(part.target_year)
    if base:
        bm = _CELL.match(base[0])
        if bm:
            part.baseline, part.baseline_year = parse_number(bm.group(2)).value, base[1]
    return part


# -- responsibilities ---------------------------------------------------------------------------


@dataclass
class Assignment:
    code: str
    agency: str
    lead: bool  # named to lead ("Chủ trì"), or only to coordinate ("Phối hợp")
    line: Line


@dataclass
class Responsibilities:
    headings: list[tuple[str, Line]] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    standing: str = ""
    standing_line: Line | None = None


_CODE = r"\d+(?:\.\d+)*[a-z]?"
_REF = re.compile(rf"(?:chỉ tiêu|mục tiêu cụ thể)\s*(?:số\s*)?(?:từ\s*)?({_CODE}(?:\s*(?:,|và|-|đến)\s*(?:(?:các\s+)?(?:chỉ tiêu|mục tiêu cụ thể)\s*(?:số\s*)?)?{_CODE})*)",
                  re.IGNORECASE)
_AGENT = re.compile(r"(?:Chỉ đạo|Giao|Đề nghị)\s+((?:Ban|Sở|Công an|Tỉnh đoàn|Đoàn|Hội|Trung tâm|Phòng|Văn phòng|Ủy ban|UBND|"
                    r"Liên đoàn|Công đoàn|Chi đoàn|Trạm)\b[^,;.]*?)\s+(?:phối hợp|chủ trì|thực hiện|tổ chức|triển khai|theo dõi|tham mưu)")
_STANDING = re.compile(r"(?:cơ quan|đơn vị)\s+(?:thường trực|đầu mối)|là\s+đầu mối", re.IGNORECASE)
_FOLLOWS = re.compile(r"(?:Giao\s+)?((?:Văn phòng|Phòng|Sở|Ban|Trung tâm)\s[^,;.:]{0,60}?)\s+(?:theo dõi|là cơ quan thường trực|là đơn vị thường trực)")


def read_responsibilities(lines: list[Line], sec: Section | None) -> Responsibilities:
    out = Responsibilities()
    if sec is None:
        return out
    heading = None
    for ln in lines[sec.start + 1:sec.end]:
        c = clean(ln.text)
        m = _NUMBERED.match(c) if not ln.bullet else None
        body = c
        if m and len(m.group(2)) <= 160 and not m.group(2).rstrip().endswith((".", ";")):
            heading = _NUMBERED.match(clean_name(ln.text)).group(2).strip().rstrip(":")
            out.headings.append((heading, ln))
            continue
        if m:
            body = m.group(2)
        if heading and not out.standing and _STANDING.search(body):
            out.standing, out.standing_line = heading, ln
        for sentence in re.split(r"(?<=\.)\s+(?=[A-ZĐÀ-Ỹ])", body):
            agency = heading
            agent = _AGENT.search(sentence)
            if agent and (heading is None or heading.lower().startswith("đề nghị")):
                agency = agent.group(1).strip()
            elif heading is None or heading.lower().startswith("đề nghị"):
                agency = _inline_agency(sentence) or (heading[len("đề nghị"):].strip() if heading else None)
            if not agency:
                continue
            for clause in re.split(r";\s*", sentence):
                for ref in _REF.finditer(clause):
                    lead = _is_lead(clause, sentence)
                    for code in expand_codes(ref.group(1)):
                        out.assignments.append(Assignment(code, agency, lead, ln))
    if not out.standing:
        for ln in lines[sec.start + 1:sec.end]:
            f = _FOLLOWS.search(clean(ln.text))
            if f:
                out.standing, out.standing_line = f.group(1).strip(), ln
                break
    return out


def _inline_agency(sentence: str) -> str | None:
    m = re.match(r"^((?:Sở|Công an|Phòng|Văn phòng|Trung tâm|Ban|Trạm)\s[^,;.:]{0,60}?)\s+(?:chủ trì|phối hợp|thực hiện|theo dõi)", sentence)
    return m.group(1) if m else None


def _is_lead(clause: str, sentence: str) -> bool:
    low = clause.lower()
    if "chủ trì" in low:
        return True
    if "phối hợp" in low:
        return False
    return "phối hợp" not in sentence.lower()[:12]


def expand_codes(text: str) -> list[str]:
    """'1, 2, 3' / '1 - 4, 7' / 'từ 1 đến 6 và chỉ tiêu 9' -> codes."""
    text = re.sub(r"(?:các\s+)?(?:chỉ tiêu|mục tiêu cụ thể)\s*(?:số\s*)?", "", text, flags=re.IGNORECASE)
    out: list[str] = []
    for piece in re.split(r"\s*(?:,|\bvà\b)\s*", text):
        r = re.match(r"^(\d+)\s*(?:-|đến)\s*(\d+)$", piece.strip())
        if r:
            a, b = int(r.group(1)), int(r.group(2))
            if a <= b <= a + 60:
                out += [str(n) for n in range(a, b + 1)]
        elif re.fullmatch(r"\d+[a-z]?", piece.strip()):
            out.append(str(int(re.match(r"\d+", piece.strip()).group())) + re.sub(r"^\d+", "", piece.strip()))
        elif re.fullmatch(r"\d+(?:\.\d+)+[a-z]?", piece.strip()):
            out.append(piece.strip())
    return out


# -- reporting deadlines ------------------------------------------------------------------------


@dataclass
class PeriodDraft:
    code: str
    deadline: date | None
    recipient: str = ""
    compile_deadline: date | None = None
    line: Line | None = None
    dated: bool = False  # the deadline names its year ("trước ngày 05/6/2026"): not repeated each year


_DEADLINE = re.compile(r"trước\s+(?:ngày\s+)+(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?|\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?)",
                       re.IGNORECASE)
_PAIR = re.compile(r"trước\s+ngày\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*(?:và|,)\s*(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
_H1 = re.compile(r"\b(?:6|06|sáu)\s+tháng\b", re.IGNORECASE)
_ANNUAL = re.compile(r"\bnăm\b|hằng năm|hàng năm|cả năm", re.IGNORECASE)


def read_periods(lines: list[Line], secs: list[Section], skip: tuple[int, int] | None, year: int,
                 agencies: list[str], province: str, issuer: str, end_year: int | None = None) -> list[PeriodDraft]:
    """Reporting periods and deadlines from the sentences that say "báo cáo … trước ngày …". In a
    programme (`year`..`end_year`) a deadline that names no year ("định kỳ hằng năm … trước ngày 05/12")
    recurs: one period per year of the span, the 6-month report before the annual one."""
    sec = find_section(secs, "BÁO CÁO")
    idx = range(sec.start, sec.end) if sec else range(len(lines))
    candidates = [lines[i] for i in idx if not (skip and skip[0] <= i < skip[1])]
    found: dict[str, PeriodDraft] = {}
    unclassified: list[tuple[date | None, PeriodDraft]] = []
    for ln in candidates:
        text = clean(ln.text)
        if "báo cáo" not in text.lower() or not _DEADLINE.search(text):
            continue
        recipient = _recipient(text, agencies, province, issuer) or ""
        pair = _PAIR.search(text)
        if pair and _H1.search(text[:pair.start()]) and _ANNUAL.search(re.sub(_H1, "", text[:pair.start()])):
            for code, (d, m_, y) in ((f"{year}-H1", pair.group(1, 2, 3)), (str(year), pair.group(4, 5, 6))):
                found.setdefault(code, PeriodDraft(code, _date(y or year, m_, d), recipient, line=ln, dated=bool(y)))
            continue
        prev_end = 0
        for m in _DEADLINE.finditer(text):
            d = _date(m.group(3) or m.group(5) or year, m.group(2) or m.group(4), m.group(1))
            window = text[prev_end:m.start()]
            after = re.match(r"^[*\s)]*(?:\(([^)]*)\)|(đối với[^,;.()]*))", text[m.end():])
            said = (after.group(1) or after.group(2)) if after else ""
            kind = _period_kind(said) or _period_kind(window)
            prev_end = m.end()
            code = f"{year}-H1" if kind == "H1" else str(year) if kind == "annual" else None
            dated = bool(m.group(3) or m.group(5))
            if code is None:
                unclassified.append((d, PeriodDraft(str(year), d, recipient, line=ln, dated=dated)))
                continue
            if code in found:
                if found[code].compile_deadline is None and re.search(r"tổng hợp", text[:m.start()], re.IGNORECASE):
                    found[code].compile_deadline = d
                continue
            found[code] = PeriodDraft(code, d, recipient, line=ln, dated=dated)
    if not found and unclassified:  # a campaign plan: one report
        found[str(year)] = unclassified[0][1]
    periods = list(found.values())
    if end_year is not None and end_year > year:
        periods = [q for p in periods for q in _every_year(p, year, end_year)]
    periods.sort(key=lambda p: (p.code[:4], p.code.endswith("H1") is False, p.code))
    for p in periods:
        p.recipient = p.recipient or issuer
    return periods


def _every_year(p: PeriodDraft, first: int, last: int) -> list[PeriodDraft]:
    """The same report in each year of a programme (a deadline without a year recurs)."""
    if p.dated:  # once, in the year it names when that lies in the span
        if first <= p.deadline.year <= last and p.deadline.year != first:
            p.code = p.code.replace(str(first), str(p.deadline.year))
        return [p]
    out = []
    for y in range(first, last + 1):
        code = f"{y}-H1" if p.code.endswith("-H1") else str(y)
        out.append(PeriodDraft(code, _shift(p.deadline, y - first), p.recipient, _shift(p.compile_deadline, y - first),
                               p.line, p.dated))
    return out


def _shift(d: date | None, years: int) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _period_kind(text: str) -> str | None:
    if _H1.search(text):
        return "H1"
    if _ANNUAL.search(text):
        return "annual"
    return None


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def squash_name(name: str) -> str:
    return re.sub(r"\s*[-–]\s*", "-", re.sub(r"\s+", " ", name)).lower().strip()


def _recipient(text: str, agencies: list[str], province: str, issuer: str = "") -> str | None:
    """The agency reports go to: "về Sở Y tế tổng hợp", "gửi Sở …", "báo cáo UBND tỉnh"; a bare
    "về Sở" / "về Ủy ban nhân dân xã" in the issuer's own plan is the issuer."""
    names = sorted(set(agencies) | set(KNOWN_AGENCIES), key=len, reverse=True)
    for m in re.finditer(r"\b(?:về|gửi|báo cáo|cho)\s+", text):
        rest = text[m.end():]
        if re.match(r"^Sở\b(?!\s+[A-ZĐ])", rest) and issuer.startswith("Sở"):
            return issuer
        tail = squash_name(rest)
        for name in names:
            if tail.startswith(squash_name(name)):
                kind = re.match(r"^(?:UBND|Ủy ban nhân dân) (tỉnh|xã|phường)$", name)
                if kind and kind.group(1) == "tỉnh" and province:
                    return f"UBND tỉnh {province}"
                if kind and issuer.startswith(f"UBND {kind.group(1)}"):
                    return issuer
                if province and squash_name(rest).startswith(squash_name(f"{name} {province}")):
                    return f"{name} {province}"
                return name
    return None


def standing_from_recipient(recipient: str, headings: list[str], province: str) -> str | None:
    base = recipient[: -len(province)].strip() if province and recipient.endswith(province) else recipient
    for h in headings:
        if squash_name(h) == squash_name(base):
            return h
    return None
