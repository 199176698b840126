"""Vietnamese formatting of numbers, units and comparators ("9,4", "1.000", "≥ 65%")."""
from __future__ import annotations

import math
from datetime import date, datetime

from babel.numbers import format_decimal

_UNIT_SUFFIX = {"%": "%", "‰": "‰", "per_100k": "/100.000", "count": "", "milestone": ""}
UNIT_LABEL = {"%": "%", "‰": "‰ (phần nghìn)", "per_100k": "/100.000", "count": "số lượng", "milestone": "mốc hoàn thành"}
COMPARATOR_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
COMPARATOR_WORDS = {">=": "đạt tối thiểu", ">": "đạt trên", "<=": "giảm xuống còn tối đa", "<": "giảm xuống dưới", "=": "bằng"}


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
    unit_words = " điểm %" if t.unit == "%" else f" {t.unit}" if t.unit == "‰" else ""
    if t.kind == "milestone":
        return f"Hoàn thành (hạn {day(t.due)})" if t.due else "Hoàn thành"
    if t.kind == "yearly_change":
        verb = "giảm" if t.target < 0 else "tăng"
        return f"{verb} ≥ {num(abs(t.target))}{unit_words}/năm"
    if t.kind == "direction":
        trend = {"<": "thấp hơn năm trước", "<=": "không cao hơn năm trước",
                 ">": "cao hơn năm trước", ">=": "không thấp hơn năm trước"}.get(t.comparator, "giữ mức năm trước")
        if t.target is not None:
            return f"{trend}; {target_phrase(t.comparator, t.target, t.unit)} năm {t.target_year}"
        return trend
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


def actual(value, unit: str) -> str:
    """A plan-level figure: a number with its unit, or a milestone answer."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return with_unit(value, unit)
