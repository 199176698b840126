"""The vocabulary of a submission, shared by the workbook reader (loaders/workbooks.py), the core's
checks (indicators/intake.py, scopes.py, plausibility.py) and the store that writes it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One value an agency reports for a target (the input of a submission)."""

    code: str
    value: float | None = None
    text: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    agency: str | None = None  # for compilation workbooks: the reporting unit of this row
    where: str | None = field(default=None, compare=False)  # the cell it was read from ("Báo cáo!E12")
    category: str | None = None  # a disaggregated target's category ("nông thôn"); None: the whole


@dataclass(frozen=True)
class Change:
    code: str
    agency: str
    kind: str  # "new" | "changed" | "unchanged"
    old: dict | None
    new: dict
    category: str | None = None
