"""Figures people can trust: a value that is allowed but improbable is a warning, not an error.

The slip it is for: "98,6%" typed into a plain number cell, which a spreadsheet stores as 0,986
(LibreOffice in vi-VN and en-US, and Excel alike), so the report says 0,99% where 98,6% was meant.
A rate (%, ‰, /100.000) more than PLAUSIBLE_FACTOR times away from its reference is flagged:
the reference is the same reporter's latest value of the target (this period or an earlier one),
or, when there is none, the target's own value. A category row of a disaggregated target is
compared with that category's own latest value, else its own target value, else the target's. The warning names the cell, the reference and,
when a slip by a power of ten explains it, the value most likely meant. A person must confirm the
value or take the correction; either choice is written to the audit trail with the submission.
A value computed from a numerator and a denominator is flagged too (a denominator typed 100× too
large), without a suggested value: the person checks the two counts or confirms.
Anchors: DHIS2 min–max and outlier checks."""
from __future__ import annotations

import math
from dataclasses import dataclass

from indicators import fmt
from indicators.models import RATE_UNITS, Target

PLAUSIBLE_FACTOR = 10.0
_SLIPS = (100.0, 1000.0, 10.0, 0.01, 0.001, 0.1)  # the factors a misplaced % or decimal mark produces


@dataclass(frozen=True)
class Warning_:
    code: str
    agency: str  # the reporter of the row (the unit in a compilation)
    where: str  # the cell
    value: float
    reference: float
    reference_kind: str  # "previous" | "target"
    suggested: float | None  # the value most likely meant, if a power of ten explains the gap
    unit: str
    from_ratio: bool = False  # the value was computed from a numerator and a denominator
    category: str | None = None  # the category of a disaggregated target's row; None: the whole

    @property
    def key(self) -> str:
        return key_of(self.agency, self.code, self.category)

    @property
    def message(self) -> str:
        ref = ("số đã báo cáo gần nhất" if self.reference_kind == "previous" else "chỉ tiêu kế hoạch")
        ratio = max(self.value / self.reference, self.reference / self.value)
        what = f"Chỉ tiêu {self.code}" + (f", phân tổ {self.category}" if self.category else "")
        text = (f"{what}: {fmt.with_unit(self.value, self.unit, 3)} khác {ref} "
                f"({fmt.with_unit(self.reference, self.unit, 3)}) tới {fmt.num(ratio, 0)} lần.")
        if self.from_ratio:
            text += " Kiểm tra tử số và mẫu số (ví dụ mẫu số thừa hay thiếu hai chữ số 0)."
        if self.suggested is not None:
            text += f" Có thể ý là {fmt.with_unit(self.suggested, self.unit, 3)}"
            if self.unit == "%" and abs(self.suggested - self.value * 100) < 1e-9:
                text += " (gõ \"98,6%\" vào ô số thì bảng tính lưu thành 0,986)"
            text += "."
        return text

    def as_dict(self) -> dict:
        return {"code": self.code, "agency": self.agency, "cell": self.where, "value": self.value,
                "reference": self.reference, "reference_kind": self.reference_kind, "suggested": self.suggested,
                **({"category": self.category} if self.category else {})}


def key_of(reporter: str, code: str, category: str | None = None) -> str:
    """What a decision about a warning is filed under: one per reporter, target and category in a file."""
    return f"{reporter}|{code}" + (f"|{category}" if category else "")


def _far(a: float, b: float) -> bool:
    return a > 0 and b > 0 and max(a / b, b / a) > PLAUSIBLE_FACTOR


def suggestion(value: float, reference: float, target: Target) -> float | None:
    """The power-of-ten slip that brings the value closest to the reference, if it lands within
    the plausible band and within the unit's range."""
    best = None
    for factor in _SLIPS:
        candidate = round(value * factor, 9)
        if target.unit == "%" and candidate > 100:
            continue
        if _far(candidate, reference):
            continue
        gap = abs(math.log(candidate / reference))
        if best is None or gap < best[0]:
            best = (gap, candidate)
    return best[1] if best else None


def check(target: Target, row, reference_value: float | None, default_agency: str) -> Warning_ | None:
    """The warning for one reported row, or None."""
    if target.unit not in RATE_UNITS or row.value is None:
        return None
    category = getattr(row, "category", None)
    planned = target.target
    if category is not None and category in target.category_names:
        own = target.for_category(category).target
        planned = own if own is not None else planned
    if reference_value is not None and reference_value > 0:
        ref, kind = reference_value, "previous"
    elif planned is not None and planned > 0:
        ref, kind = planned, "target"
    else:
        return None
    if not _far(row.value, ref):
        return None
    from_ratio = row.numerator is not None  # a slip in the denominator: no single value to suggest
    return Warning_(row.code, row.agency or default_agency, row.where or row.code, row.value, ref, kind,
                    None if from_ratio else suggestion(row.value, ref, target), target.unit, from_ratio, category)
