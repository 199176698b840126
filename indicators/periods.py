"""Reporting periods: `YYYY-H1` (6-month report) and `YYYY` (annual). See docs/status-rules.md."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from indicators.errors import UsageError

_PATTERN = re.compile(r"^(\d{4})(-H1)?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int  # 1 for H1, 2 for the annual report

    @property
    def code(self) -> str:
        return f"{self.year}-H1" if self.half == 1 else str(self.year)

    @property
    def is_interim(self) -> bool:
        return self.half == 1

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"6 tháng đầu năm {self.year}" if self.half == 1 else f"năm {self.year}"

    def __str__(self) -> str:
        return self.code


def parse(code: str) -> Period:
    m = _PATTERN.match(str(code).strip())
    if not m:
        raise ValueError(
            f"Kỳ báo cáo \"{code}\" không hợp lệ: dùng dạng YYYY-H1 (báo cáo 6 tháng) hoặc YYYY (báo cáo năm), ví dụ 2026-H1 hoặc 2026."
        )
    return Period(int(m.group(1)), 1 if m.group(2) else 2)


def baseline_of(plan_year: int) -> str:
    """The annual period of the year before the plan's year: it carries the baseline."""
    return str(plan_year - 1)


def is_baseline(code: str, plan) -> bool:
    """Whether `code` is the plan's baseline period (the one rule: every caller asks here). Not
    the target's year: a target for 2030 in a 2026 plan is still judged on the 2026 reports."""
    return code == plan.baseline_period


def check_accepted(plan, code: str) -> None:
    """Refuse (UsageError) a period code that is malformed or not one the plan accepts (its declared
    periods and its baseline period, models.Plan.accepted_periods): every reader, writer and
    template of a period asks here."""
    try:
        parse(code)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    accepted = plan.accepted_periods()
    if code not in accepted:
        raise UsageError(f"Kế hoạch {plan.slug} không có kỳ báo cáo \"{code}\".", f"Các kỳ hợp lệ: {', '.join(accepted)}.")


def label(code: str) -> str:
    return parse(code).label


def sort_key(code: str) -> Period:
    return parse(code)
