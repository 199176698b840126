"""Vietnamese wording, in one place: numbers, units and comparators ("9,4", "1.000", "≥ 65%"),
plan levels and target kinds, the demo-data mark, and ASCII slugs for file names."""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

from babel.numbers import format_decimal

# After a value: "9,4‰", "440/100.000".
_UNIT_SUFFIX = {"%": "%", "‰": "‰", "per_100k": "/100.000", "count": "", "milestone": ""}
# After a difference of two values of a rate: 0,5 percentage points is "0,5 điểm %", not "0,5%".
_DIFFERENCE_SUFFIX = {"%": " điểm %", "‰": "‰", "per_100k": "/100.000"}
UNIT_LABEL = {"%": "%", "‰": "‰ (phần nghìn)", "per_100k": "/100.000", "count": "số lượng", "milestone": "mốc hoàn thành"}
COMPARATOR_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
COMPARATOR_WORDS = {">=": "đạt tối thiểu", ">": "đạt trên", "<=": "giảm xuống còn tối đa", "<": "giảm xuống dưới", "=": "bằng"}
LEVEL_LABEL = {"national": "toàn quốc", "province": "cấp tỉnh", "department": "cấp sở",
               "commune": "cấp xã"}  # models.Level
LEVEL_ORDER = {level: i for i, level in enumerate(LEVEL_LABEL)}  # nation first, communes last
KIND_LABEL = {"level": "Mức tỷ lệ / giá trị", "count": "Số lượng", "activity_count": "Số hoạt động (cộng dồn trong năm)",
              "milestone": "Mốc hoàn thành", "yearly_change": "Mức thay đổi hằng năm",
              "direction": "Xu hướng so với năm trước"}  # models.Kind, in full (the target page)
KIND_SHORT = {"level": "mức", "count": "số lượng", "activity_count": "số hoạt động", "milestone": "mốc",
              "yearly_change": "thay đổi/năm", "direction": "xu hướng"}  # models.Kind, in a column of the command line

# Demo data (indicators/demo.py) is marked with these words, in this red, wherever it shows:
# pages, exported files and images, the command line.
# A text starting with one of these becomes a formula in Excel or LibreOffice (a cell, a CSV field,
# a name typed into a form): the writers quote it, the forms refuse it.
FORMULA_STARTS = ("=", "+", "-", "@")
CSV_FORMULA_STARTS = FORMULA_STARTS + ("\t", "\r")  # a CSV opened by a spreadsheet: OWASP "CSV injection"
DEMO_MARK = "DỮ LIỆU MINH HỌA"
DEMO_TAG = "MINH HỌA"  # next to one demo submission in a table
DEMO_WHAT = "là dữ liệu giả lập để trình diễn, không phải số liệu thật"
DEMO_NOTE = f"{DEMO_MARK}: số liệu dưới đây {DEMO_WHAT}."  # at the head of a file or of the command's output
DEMO_RED = "#b3261e"


def rgba(hex_color: str, alpha: float) -> str:
    """'#b3261e', 0.16 -> 'rgba(179, 38, 30, 0.16)'."""
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha:g})"


def level_label(level: str) -> str:
    """'province' -> 'cấp tỉnh' (an unknown level is shown as it is)."""
    return LEVEL_LABEL.get(level, level)


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, case kept: 'Sở Y tế Đắk Lắk' -> 'So Y te Dak Lak' (đ -> d)."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def ascii_slug(text: str) -> str:
    """'Sở Y tế' -> 'so-y-te': lower-case ASCII letters and digits joined by '-' (file names, plan slugs)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def num(value: float | int | None, digits: int = 2) -> str:
    """9.4 -> '9,4'; 1000 -> '1.000'; 0.105 -> '0,11' (up to `digits` decimals, trailing zeros dropped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1e15:  # beyond what a plan reports; babel's decimal context cannot format it
        return f"{value:.3e}".replace(".", ",")
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale="vi_VN")


def with_unit(value: float | None, unit: str, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{num(value, digits)}{_UNIT_SUFFIX.get(unit, '')}"


def difference(delta: float | None, unit: str, digits: int = 2) -> str:
    """A difference of two values in the unit's words: '0,5 điểm %', '0,2‰', '12/100.000', '3'."""
    if delta is None:
        return "—"
    while delta and round(delta, digits) == 0 and digits < 5:  # 0,005 points is not "0 điểm %"
        digits += 1
    return f"{num(delta, digits)}{_DIFFERENCE_SUFFIX.get(unit, '')}"


def target_phrase(comparator: str, value: float | None, unit: str) -> str:
    """'≥ 65%', '< 9,4‰'."""
    if value is None:
        return "—"
    return f"{COMPARATOR_SYMBOL[comparator]} {with_unit(value, unit)}"


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%H:%M %d/%m/%Y")


def percent(share: float | None, digits: int = 1) -> str:
    """0.857 -> '85,7%'."""
    if share is None:
        return "—"
    return f"{num(share * 100, digits)}%"


def goal(t) -> str:
    """The target in a few words, for any kind: '≥ 65%', 'giảm ≥ 0,5 điểm/năm', '150/200 (cơ sở 144 năm 2022)'."""
    if t.kind == "milestone":
        return f"Hoàn thành (hạn {day(t.due)})" if t.due else "Hoàn thành"
    cats = getattr(t, "categories", None) or ()
    if getattr(t, "target", None) is None and any(c.target is not None for c in cats):  # values only per category
        return "; ".join(f"{c.name}: {goal(t.for_category(c.name))}" for c in cats if c.target is not None)
    if t.kind == "yearly_change":
        verb = "giảm" if t.target < 0 else "tăng"
        return f"{verb} ≥ {difference(abs(t.target), t.unit)}/năm"
    if t.kind == "direction":
        trend = {"<": "thấp hơn năm trước", "<=": "không cao hơn năm trước",
                 ">": "cao hơn năm trước", ">=": "không thấp hơn năm trước"}.get(t.comparator, "giữ mức năm trước")
        if t.target is not None:
            return f"{trend}; {target_phrase(t.comparator, t.target, t.unit)} năm {t.target_year}"
        return trend
    milestones = getattr(t, "milestones", ())
    if len(milestones) > 1 or (milestones and getattr(t, "programme", False)):  # a programme's: each with its year
        text = "; ".join(milestone_phrase(m, t) for m in milestones)
    else:
        text = target_phrase(t.comparator, t.target, t.unit)
        if t.kind == "activity_count":
            text += " hoạt động"
        if t.of is not None:
            text = f"{COMPARATOR_SYMBOL[t.comparator]} {num(t.target)}/{num(t.of)}"
        if t.aspiration is not None:
            text += f" (phấn đấu {with_unit(t.aspiration, t.unit)})"
    if t.baseline is not None:
        text += f" (cơ sở {num(t.baseline)} năm {t.baseline_year})"
    return text


def milestone_value(m, t) -> str:
    """What a milestone requires, without its year: '≥ 65%', '≥ 150/200', 'giảm ≥ 2 điểm %/năm'."""
    if t.kind == "yearly_change":
        return f"{'giảm' if m.target < 0 else 'tăng'} ≥ {difference(abs(m.target), t.unit)}/năm"
    if t.of is not None:
        return f"{COMPARATOR_SYMBOL[m.comparator]} {num(m.target)}/{num(t.of)}"
    return target_phrase(m.comparator, m.target, t.unit)


def milestone_phrase(m, t) -> str:
    """'≥ 65% năm 2025', '≥ 150/200 năm 2030 (phấn đấu 160)', 'giảm ≥ 2 điểm %/năm đến năm 2030'."""
    if m.aspiration is None:
        extra = ""
    elif t.kind == "yearly_change":
        extra = f" (phấn đấu {difference(abs(m.aspiration), t.unit)}/năm)"
    else:
        extra = f" (phấn đấu {with_unit(m.aspiration, t.unit)})"
    return f"{milestone_value(m, t)} {'đến ' if t.kind == 'yearly_change' else ''}năm {m.year}{extra}"


def actual(value, unit: str) -> str:
    """A plan-level figure: a number with its unit, or a milestone answer."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return with_unit(value, unit)


# Source artefacts kept verbatim in the catalogue (the seeds were converted from Word through
# Markdown): LaTeX maths such as "$\geq 95\%$" and Markdown emphasis such as "(*dưới 2%*)". People
# see clean text; the verbatim text stays in the catalogue and is shown on request (target page).
_LATEX = {r"\geq": "≥", r"\ge": "≥", r"\leq": "≤", r"\le": "≤", r"\times": "×", r"\%": "%", r"\pm": "±",
          r"\neq": "≠", r"\approx": "≈", r"\cdot": "·", r"\,": " ", r"\;": " ", r"\ ": " "}
_MATH = re.compile(r"\$([^$\n]{1,200})\$")
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*\*|\*\*|\*)(?=[^\s*])(.+?)(?<=[^\s*])\1(?![\w*])")


def _plain_math(match: re.Match) -> str:
    body = match.group(1)
    for macro in sorted(_LATEX, key=len, reverse=True):
        body = body.replace(macro, _LATEX[macro])
    body = re.sub(r"\\[A-Za-z]+", "", body).replace("{", "").replace("}", "")
    body = re.sub(r"([≥≤±≠≈×])(?=\S)", r"\1 ", body.strip())
    return re.sub(r"\s+", " ", body)


def clean_text(text: str | None) -> str:
    """A catalogue text as people read it: "$\\geq 95\\%$" → "≥ 95%", "(*dưới 2%*)" → "(dưới 2%)",
    "**Hành động…**" → "Hành động…". Text without such artefacts comes back unchanged."""
    if not text:
        return text or ""
    out = _MATH.sub(_plain_math, text) if "$" in text else text
    if "*" in out:
        out = _EMPHASIS.sub(r"\2", out)
    return out


def has_artefacts(text: str | None) -> bool:
    """Whether clean_text changes the text (the page then offers the verbatim text)."""
    return bool(text) and clean_text(text) != text


def has_hidden(text: str | None) -> bool:
    """Whether a person's text holds characters nobody sees: controls (NUL, ESC…), format
    characters (zero-width space, soft hyphen, bidi overrides), private-use or surrogates."""
    return any(unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs") for ch in text or "")
