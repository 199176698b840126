"""Rules for a reported value, in one place: how a number is read (9,4 / 9.4 / "98,6%" / 1.000),
what range each unit allows, numerator and denominator, milestone answers. The Excel template
writes these rules as data validation; the reader applies them; the pages and CLI show the messages."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from indicators import fmt
from indicators.models import RATE_UNITS, UNIT_FACTOR, Target
from indicators.settings import RATIO_SLACK
from indicators.status import MILESTONE_ANSWERS


class ValueProblem(ValueError):
    """A value that cannot be accepted; the message is Vietnamese and says how to fix it."""


_THOUSANDS_DOT = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")  # 1.000 / 12.500 (Vietnamese grouping)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Number:
    value: float
    decimals: int  # as written (for the rounding tolerance)
    percent_sign: bool = False


def parse_number(raw: str) -> Number:
    """Read a number written as text: '98,6', '98.6', '98,6%', '1.000', '1.234,5', ' 12 '. The one rule
    for a number a person wrote, in a template cell or in a sentence of a plan document (the plan
    reader finds those numbers and reads each here): a comma is the decimal mark; a dot groups thousands when groups of three digits
    follow it (1.000, 100.000), else it is a decimal point (9.5)."""
    text = unicodedata.normalize("NFC", str(raw)).strip().replace("\u00a0", "").replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if "," in text and "." in text:  # 1.234,5: dot groups thousands, comma is the decimal mark
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    if not _NUMBER.match(text):
        raise ValueProblem(f"\"{raw}\" không phải là số. Nhập số, ví dụ 98,6 (dấu phẩy thập phân).")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Number(float(text), decimals, percent)


def decimals_of(value: float) -> int:
    text = repr(round(value, 9))
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def milestone_answer(raw: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(raw)).split())
    for answer in MILESTONE_ANSWERS:
        if text.casefold() == answer.casefold():
            return answer
    raise ValueProblem(f"\"{raw}\" không phải câu trả lời hợp lệ. Chọn một trong: {', '.join(MILESTONE_ANSWERS)}.")


# The range of a rate; outside it a value is an error (a ‰ above 1000 is not a rate), not a warning.
RATE_RANGE = {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}


def bounds(target: Target) -> tuple[float | None, float | None, bool]:
    """(minimum, maximum, whole numbers only) a value of this target may take."""
    if target.unit in RATE_RANGE:
        low, high = RATE_RANGE[target.unit]
        return low, high, False
    if target.unit == "count":
        return 0.0, target.of, True
    return 0.0, None, False


def check_value(target: Target, value: float) -> None:
    low, high, whole = bounds(target)
    if math.isnan(value) or math.isinf(value):
        raise ValueProblem("giá trị không phải là số hữu hạn.")
    if abs(value) > 1e12:
        raise ValueProblem("số quá lớn (có thể đã dán nhầm một mã số hay số điện thoại). Nhập kết quả theo đơn vị tính.")
    if low is not None and value < low:
        raise ValueProblem(f"{fmt.num(value)} âm; chỉ tiêu tính theo {fmt.UNIT_LABEL[target.unit]} không nhận số âm.")
    if high is not None and value > high:
        if target.unit == "%":
            raise ValueProblem(f"{fmt.num(value)} vượt quá 100%. Nhập tỷ lệ phần trăm từ 0 đến 100 (ví dụ 98,6).")
        if target.unit == "‰":
            raise ValueProblem(f"{fmt.num(value)} vượt quá 1000‰. Nhập tỷ suất phần nghìn từ 0 đến 1000 (ví dụ 9,4).")
        raise ValueProblem(f"{fmt.num(value)} vượt quá tổng số {fmt.num(high)}.")
    if whole and value != int(value):
        raise ValueProblem(f"{fmt.num(value)} không phải số nguyên; chỉ tiêu này đếm số lượng.")


def check_ratio(target: Target, value: float | None, numerator: float | None, denominator: float | None,
                value_decimals: int | None = None) -> float | None:
    """Check numerator and denominator (and the value against them); returns the value, computed
    from them when the value itself is blank."""
    if numerator is None and denominator is None:
        return value
    if numerator is None or denominator is None:
        raise ValueProblem("có tử số thì phải có mẫu số (và ngược lại). Điền đủ cả hai hoặc để trống cả hai.")
    if target.unit not in RATE_UNITS:
        raise ValueProblem(f"chỉ tiêu tính theo {fmt.UNIT_LABEL[target.unit]} không dùng tử số/mẫu số. Để trống hai ô này.")
    if numerator < 0 or denominator < 0:
        raise ValueProblem("tử số và mẫu số không được âm.")
    if denominator == 0:
        raise ValueProblem("mẫu số bằng 0. Mẫu số là tổng số đối tượng (ví dụ tổng số trẻ sinh sống), phải lớn hơn 0.")
    if numerator > denominator:
        raise ValueProblem(f"tử số {fmt.num(numerator)} lớn hơn mẫu số {fmt.num(denominator)}. Kiểm tra lại hai ô (có thể bị đảo chỗ).")
    computed = numerator / denominator * UNIT_FACTOR[target.unit]
    if value is None:
        return round(computed, 6)
    places = value_decimals if value_decimals is not None else decimals_of(value)
    if abs(value - computed) > 0.5 * 10 ** (-places) + RATIO_SLACK:
        raise ValueProblem(
            f"kết quả {fmt.with_unit(value, target.unit)} không khớp với tử số/mẫu số: "
            f"{fmt.num(numerator)} / {fmt.num(denominator)} × {fmt.num(UNIT_FACTOR[target.unit])} = {fmt.num(computed, 3)}. "
            "Sửa kết quả hoặc tử số/mẫu số cho khớp.")
    return value
