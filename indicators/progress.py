"""Progress of a plan for a period: the plan-level figure of every target, its status (docs/status-rules.md),
the compound targets' worst-of, counts by status and the change since the previous period.

Reads through the store, judges with the status engine; the pages, the command line and the
exports all call this, so a status is computed in exactly one place."""
from __future__ import annotations

from dataclasses import dataclass

from indicators import periods, status
from indicators.models import Plan, Target
from indicators.status import Figure, Judgement


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    figure: Figure
    judgement: Judgement
    baseline: Figure  # plan-level figure of the baseline period (year before the plan)
    previous: Figure  # plan-level figure of the previous period
    previous_period: str

    @property
    def status(self) -> str:
        return self.judgement.status

    @property
    def change(self) -> float | None:
        """Change of the actual since the previous period (numbers only)."""
        if self.figure.value is None or self.previous.value is None:
            return None
        return self.figure.value - self.previous.value

    def as_dict(self) -> dict:
        t = self.target
        return {
            "code": t.code, "text": t.text, "parent": t.parent, "group": t.group,
            "status": self.status, "status_label": self.judgement.label,
            "actual": self.figure.value if t.kind != "milestone" else self.figure.text,
            "target": t.target, "comparator": t.comparator, "unit": t.unit, "kind": t.kind,
            "aspiration": t.aspiration, "baseline": t.baseline if t.baseline is not None else self.baseline.value,
            "lead_agency": t.lead_agency, "agencies": t.agencies,
            "figure_method": self.figure.method,
            "figure_sources": [s.agency for s in self.figure.sources],
            "previous_period": self.previous_period,
            "previous_actual": self.previous.value if t.kind != "milestone" else self.previous.text,
            "change": self.change,
            **{k: v for k, v in self.judgement.as_dict().items() if k not in ("status", "status_label", "actual")},
        }


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    period: str
    rows: list[TargetProgress]
    compounds: dict[str, str]  # compound code -> worst status of its parts
    has_demo: bool

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in status.STATUSES}
        for r in self.rows:
            out[r.status] += 1
        return out

    def behind(self) -> list[TargetProgress]:
        """Lagging, off track and not achieved, worst first (then in plan order)."""
        rows = [r for r in self.rows if r.status in status.BEHIND]
        return sorted(rows, key=lambda r: (status.severity(r.status), r.target.position))

    def by_group(self) -> dict[str | None, list[TargetProgress]]:
        out: dict[str | None, list[TargetProgress]] = {}
        for r in self.rows:
            out.setdefault(r.target.group, []).append(r)
        return out

    def by_agency(self) -> dict[str, list[TargetProgress]]:
        """Lead agency -> its targets."""
        out: dict[str, list[TargetProgress]] = {}
        for r in self.rows:
            out.setdefault(r.target.lead_agency, []).append(r)
        return out

    def as_dict(self) -> dict:
        return {
            "plan": self.plan.slug, "period": self.period, "period_label": periods.label(self.period),
            "demo": self.has_demo, "counts": self.counts(),
            "targets": [r.as_dict() for r in self.rows],
            "compound_targets": [{"code": c, "status": s, "status_label": status.LABEL[s],
                                  "parts": self.plan.compound_targets()[c]} for c, s in self.compounds.items()],
        }


def previous_period(plan: Plan, period: str) -> str:
    """The report before this one: H1 -> last year's annual; annual -> this year's H1 if the plan
    has one, else last year's annual."""
    p = periods.parse(period)
    if p.is_interim:
        return str(p.year - 1)
    h1 = f"{p.year}-H1"
    return h1 if plan.period(h1) else str(p.year - 1)


def plan_progress(store, slug: str, period: str, codes: list[str] | None = None) -> PlanProgress:
    """Every target of the plan for the period (only `codes`, when given: a target's own page)."""
    plan = store.plan(slug)
    periods.check_accepted(plan, period)
    targets = [t for t in store.targets(slug) if codes is None or t.code in codes]
    base_code = periods.baseline_of(plan.year)
    prev_code = previous_period(plan, period)
    inputs = store.figure_inputs(slug, sorted({period, base_code, prev_code}), codes=codes)
    nothing = status.Inputs()
    p = periods.parse(period)
    rows = []
    for t in targets:
        fig = status.plan_figure(t, inputs.get((t.code, period), nothing))
        base = status.plan_figure(t, inputs.get((t.code, base_code), nothing))
        prev = status.plan_figure(t, inputs.get((t.code, prev_code), nothing))
        actual = fig.text if t.kind == "milestone" else fig.value
        if periods.is_baseline(period, plan):  # the baseline period itself has no earlier baseline to judge from
            judgement = status.judge(t, p, actual, None)
        else:
            judgement = status.judge(t, p, actual, base.value)
        rows.append(TargetProgress(t, fig, judgement, base, prev, prev_code))
    compounds = {code: status.worst([r.status for r in rows if r.target.parent == code])
                 for code in plan.compound_targets() if any(r.target.parent == code for r in rows)}
    return PlanProgress(plan, period, rows, compounds, store.has_demo(slug))


def default_period(store, plan: Plan) -> str:
    """The latest declared period with data, else the first declared period."""
    with_data = set(store.periods_with_data(plan.slug))
    declared = [p.code for p in plan.periods]
    for code in sorted(declared, key=periods.sort_key, reverse=True):
        if code in with_data:
            return code
    return declared[0]
