"""Illustrative demo actuals (DỮ LIỆU MINH HỌA): deterministic, plausible, flagged as demo.

For every plan: the baseline year and each reporting period, reported by the responsible
agencies, together covering every status of docs/status-rules.md. Values are built from each target's
own comparator and number, so they stay plausible if the catalogue changes."""
from __future__ import annotations

from datetime import datetime, timedelta

from indicators import periods
from indicators.models import RATE_UNITS, UNIT_FACTOR, Plan, Target
from indicators.status import MILESTONE_DOING, MILESTONE_DONE, MILESTONE_NOT_STARTED
from indicators.store import Row, Store

DEMO_USER = "demo"

# Scenario per target: A achieved early; O on track then achieved; L lagging then achieved;
# M lagging then missed; F off track then missed; N no report at H1 then achieved;
# G no baseline (rule 5 at H1); X lead silent, coordinating agencies' counts aggregated (docs/status-rules.md).
SCENARIOS: dict[str, dict[str, str]] = {
    "son-la-2026": {
        "1": "O", "2": "L", "3": "A", "4": "O", "5": "O", "6": "F", "7": "O", "8": "A", "10": "G", "11": "A",
        "12": "O", "13": "X", "14": "M", "15a": "O", "15b": "F", "16": "A", "18": "O", "19": "A", "20": "L",
        "21a": "O", "21b": "A", "22a": "M", "22b": "O", "23": "F", "24a": "O", "24b": "L", "25": "N",
        "26": "X", "27": "A", "28": "B",
    },
}
CYCLE = ["O", "A", "L", "F", "O", "A", "M", "N"]
# Agencies that hand in late (days after the deadline) or not at all, per plan and period.
LATE = {("son-la-2026", "2026-H1", "Sở Tư pháp"): 4, ("son-la-2026", "2026", "Sở Giáo dục và Đào tạo"): 9,
        ("chau-son-2026", "2026-H1", "Phòng Văn hoá – Xã hội"): 2}
# Denominators for rates the demo reports with numerator and denominator.
DENOMINATOR = {"‰": 21480, "per_100k": 412600, "%": 4000}


def _digits(t: Target) -> int:
    """Agencies report rates to one decimal (9,4‰; 98,6%), small rates to three (0,105%)."""
    return 3 if t.target is not None and abs(t.target) < 1 else 1


def _level_series(t: Target, scenario: str) -> dict[str, float | None]:
    """Values for (baseline, H1, year) of a level/count target, from its comparator and number."""
    T = float(t.target)
    up = t.comparator in (">=", ">", "=") and not (t.comparator == "=" and T == 0)
    d = 1 if up else -1
    if t.comparator == "=" and T == 0:
        d, B = -1, 2.0
    elif t.baseline is not None:
        B = t.baseline
    else:
        spread = max(abs(T) * 0.12, 0.05 if abs(T) < 1 else 0.5)
        B = T - d * spread
        if t.unit == "%":
            B = min(max(B, 0.0), 100.0)
    span = T - B
    beyond = T + d * max(abs(span) * 0.1, 0.01)
    if t.unit == "%":
        beyond = min(max(beyond, 0.0), 100.0)
    if t.comparator == "=":
        beyond = T
    at = {"A": beyond, "O": B + 0.6 * span, "L": B + 0.4 * span, "M": B + 0.4 * span, "F": B + 0.15 * span,
          "N": None, "G": T - d * abs(T) * 0.03, "X": B + 0.6 * span, "B": T}
    year = {"A": beyond, "O": beyond, "L": T if t.comparator in (">=", "<=", "=") else beyond, "M": B + 0.8 * span,
            "F": B + 0.3 * span, "N": beyond, "G": beyond, "X": beyond, "B": T}
    if t.unit == "count":
        rnd = lambda v: None if v is None else float(round(v))  # noqa: E731
    else:
        rnd = lambda v: None if v is None else round(v, _digits(t))  # noqa: E731
    return {"base": None if scenario == "G" else rnd(B), "h1": rnd(at[scenario]), "year": rnd(year[scenario])}


def _series(t: Target, scenario: str) -> dict[str, float | str | None]:
    if t.kind == "milestone":
        return {"base": None, "h1": MILESTONE_NOT_STARTED if scenario in ("L", "M", "F") else MILESTONE_DOING,
                "year": MILESTONE_DOING if scenario in ("M", "F") else MILESTONE_DONE}
    if t.kind == "activity_count":
        return {"base": 1.0, "h1": 0.0 if scenario in ("F", "M") else 1.0, "year": 2.0}
    if t.kind == "yearly_change":  # e.g. early marriage: last year 16,8%, must fall by 0,5 points
        return {"base": 16.8, "h1": 16.5, "year": 16.2 if scenario != "F" else 16.6}
    if t.kind == "direction":
        base = 3.1 if t.comparator in ("<", "<=") else 35.0
        step = -0.2 if t.comparator in ("<", "<=") else 2.0
        return {"base": base, "h1": round(base + step, 2), "year": round(base + 2 * step, 2)}
    return _level_series(t, scenario)


def _with_ratio(t: Target, value: float, salt: int) -> tuple[float, float, float]:
    """A numerator and denominator behind a rate, and the rate they give."""
    den = float(DENOMINATOR.get(t.unit, 4000) + 37 * salt)
    factor = UNIT_FACTOR[t.unit]
    num = float(round(value * den / factor))
    return round(num / den * factor, 3 if value < 1 else 1), num, den


# A programme's demo has the annual reports up to this year (the demo is set in late 2026, before the
# 2026 annual report is due), so the 2025 milestone is judged and the 2030 one is ahead.
PROGRAMME_DEMO_UNTIL = 2025
# Share of the road to the first milestone covered by its year, per scenario.
ROAD = {"A": 1.2, "O": 1.05, "L": 0.8, "M": 0.6, "F": 0.35, "N": 1.05, "G": 0.95, "X": 1.05, "B": 1.05}


def _programme_submissions(plan: Plan, targets: list[Target]) -> list[tuple[str, str, list[Row], datetime]]:
    """A programme's demo: the baseline year, then one annual report per year up to
    PROGRAMME_DEMO_UNTIL, each target moving along (or off) the straight road to its first milestone."""
    b = plan.start_year - 1
    years = list(range(b, min(PROGRAMME_DEMO_UNTIL, plan.end_year) + 1))
    by: dict[int, list[Row]] = {}
    # a disaggregated target with values per category (QĐ 23 4c): each category on its own road,
    # reported with numerator and denominator, so the whole is their Σ numerator / Σ denominator
    items = [(i, t, None) for i, t in enumerate(targets)]
    items += [(i + 7 * k, t.for_category(c.name), c.name) for i, t in enumerate(targets)
              for k, c in enumerate(t.categories, start=1) if c.milestones]
    for i, t, category in items:
        if not t.milestones or t.kind not in ("level", "count"):
            continue
        scenario = CYCLE[i % len(CYCLE)]
        m = t.milestones[0]
        first = t.model_copy(update={"target": m.target, "comparator": m.comparator, "aspiration": m.aspiration})
        B = _level_series(first, "O")["base"]
        for y in years:
            if (y == b and scenario == "G") or (scenario == "N" and y == years[-1] - 1):
                continue
            v = B + ROAD[scenario] * min(1.0, (y - b) / (m.year - b)) * (m.target - B) if y > b else B
            if t.unit == "%":
                v = min(max(v, 0.0), 100.0)
            v = float(round(v)) if t.unit == "count" else round(v, _digits(first))
            if t.unit in ("‰", "per_100k") or category:
                v, num, den = _with_ratio(first, v, i + y)
                by.setdefault(y, []).append(Row(t.code, value=v, numerator=num, denominator=den, category=category))
            else:
                by.setdefault(y, []).append(Row(t.code, value=v))
    return [(plan.standing_agency, str(y), rows, datetime(y + 1, 1, 20, 9, 0)) for y, rows in sorted(by.items())]


def demo_submissions(plan: Plan, targets: list[Target]) -> list[tuple[str, str, list[Row], datetime]]:
    """(agency, period, rows, received_at) for every demo submission of a plan."""
    if plan.is_programme:
        return _programme_submissions(plan, targets)
    base_code = plan.baseline_period
    h1 = next((p.code for p in plan.periods if periods.parse(p.code).is_interim), None)
    final = [p.code for p in plan.periods if not periods.parse(p.code).is_interim][-1]
    scen = SCENARIOS.get(plan.slug, {})
    by: dict[tuple[str, str], list[Row]] = {}

    def add(agency: str, period: str, row: Row) -> None:
        by.setdefault((agency, period), []).append(row)

    for i, t in enumerate(targets):
        scenario = scen.get(t.code, CYCLE[i % len(CYCLE)])
        values = _series(t, scenario)
        for key, code in (("base", base_code), ("h1", h1), ("year", final)):
            v = values[key]
            if code is None or v is None:
                continue
            if key == "h1" and code == final:
                continue
            if isinstance(v, str):
                add(t.lead_agency, code, Row(t.code, text=v, note="Dữ liệu minh họa"))
                continue
            if t.unit in ("‰", "per_100k") or (scenario == "X" and t.unit in RATE_UNITS):
                v, num, den = _with_ratio(t, v, i)
                if scenario == "X" and key != "base":
                    # lead silent: coordinating agencies report counts, the plan figure is aggregated
                    for j, agency in enumerate(t.agencies[1:] or [t.lead_agency]):
                        share = 0.55 if j == 0 else 0.45
                        n, m = float(round(num * share)), float(round(den * share))
                        add(agency, code, Row(t.code, value=round(n / m * UNIT_FACTOR[t.unit], 3), numerator=n,
                                              denominator=m, note="Dữ liệu minh họa"))
                    continue
                add(t.lead_agency, code, Row(t.code, value=v, numerator=num, denominator=den))
            else:
                add(t.lead_agency, code, Row(t.code, value=float(v)))
    out = []
    for (agency, period), rows in by.items():
        p = plan.period(period)
        if p is None or p.deadline is None:
            received = datetime(plan.start_year, 1, 20, 9, 0)
        else:
            late = LATE.get((plan.slug, period, agency))
            received = datetime.combine(p.deadline, datetime.min.time()) + (
                timedelta(days=late, hours=10) if late else timedelta(days=-3, hours=15))
        out.append((agency, period, rows, received))
    return out


def load_demo(store: Store) -> dict[str, int]:
    """Add the demo actuals to every plan (skipped for a plan that already has demo data)."""
    counts = {"submissions": 0, "values": 0}
    todo = [(plan, list(demo_submissions(plan, store.targets(plan.slug)))) for plan in store.plans()
            if not store.has_demo(plan.slug)]
    # an approved period takes no demo data either: refused before anything is written
    locked = sorted({(plan.slug, period) for plan, subs in todo for _, period, _, _ in subs
                     if store.approval(plan.slug, period).locked})
    if locked:
        from indicators.errors import UsageError

        raise UsageError("Không thêm dữ liệu minh họa: " + "; ".join(f"kỳ {p} của {s} đã duyệt" for s, p in locked)
                         + ". Chưa ghi gì vào cơ sở dữ liệu.",
                         "Dữ liệu minh họa chỉ dùng để thử; không thêm vào kỳ đã duyệt (hoặc mở lại kỳ trước).")
    for plan, subs in todo:
        for agency, period, rows, received in subs:
            store.record_submission(plan.slug, agency, period, rows, actor=DEMO_USER, source="demo",
                                    file_name="du-lieu-minh-hoa", is_demo=True, received_at=received)
            counts["submissions"] += 1
            counts["values"] += len(rows)
    return counts
