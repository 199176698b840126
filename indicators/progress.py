"""Progress of a plan for a period: the plan-level figure of every target, its status (docs/status-rules.md),
the compound targets' worst-of, counts by status and the change since the previous period.

Reads through the store, judges with the status engine; the pages, the command line and the
exports all call this, so a status is computed in exactly one place."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from indicators import cycle, fmt, periods, status
from indicators.errors import NotFound
from indicators.settings import now_local
from indicators.models import Plan, Target
from indicators.status import Figure, Judgement


@dataclass(frozen=True)
class CategoryProgress:
    """One category of a disaggregated target: its figure and, when the plan states a value for
    it, its judgement (docs/indicators.md)."""

    name: str
    target: Target  # the target as this category sees it (Target.for_category)
    figure: Figure
    judgement: Judgement | None

    def as_dict(self) -> dict:
        return {"category": self.name, "actual": self.figure.value, "target": self.target.target,
                "numerator": self.figure.numerator, "denominator": self.figure.denominator,
                "status": self.judgement.status if self.judgement else None,
                "status_label": self.judgement.label if self.judgement else None,
                "explanation": self.judgement.explanation if self.judgement else None}


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    figure: Figure
    judgement: Judgement
    baseline: Figure  # plan-level figure of the baseline period (year before the plan)
    previous: Figure  # plan-level figure of the previous period
    previous_period: str
    milestones: tuple[status.MilestoneVerdict, ...] = ()  # every milestone, past ones with their verdict
    categories: tuple[CategoryProgress, ...] = ()  # a disaggregated target's split

    @property
    def status(self) -> str:
        return self.judgement.status

    @property
    def change(self) -> float | None:
        """Change of the actual since the previous period (numbers only)."""
        if self.figure.value is None or self.previous.value is None:
            return None
        return self.figure.value - self.previous.value

    @property
    def milestone_note(self) -> str:
        """A programme's target: the milestone this period is judged against and every milestone's
        verdict ('Mốc đang xét: 2025 · Mốc 2025: ✔ Đạt; Mốc 2030: chưa đến'); '' for yearly plans."""
        if not self.milestones:
            return ""
        now = f"Mốc đang xét: {self.judgement.milestone_year} · " if self.judgement.milestone_year else ""
        return now + "; ".join(m.display() for m in self.milestones)

    @property
    def category_note(self) -> str:
        """A disaggregated target's split in one line ('Theo phân tổ: thành thị 8,2% (✔ Đạt); nông
        thôn 5,6% (✖ Không đạt)'); '' for others."""
        if not self.categories:
            return ""
        return "Theo phân tổ: " + "; ".join(
            f"{c.name} {fmt.actual(c.figure.value, self.target.unit)}"
            + (f" ({status.display(c.judgement.status)})" if c.judgement else "") for c in self.categories)

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
            "category": t.category, "review": t.review,
            **{k: v for k, v in self.judgement.as_dict().items() if k not in ("status", "status_label", "actual")},
            "milestone_year": self.judgement.milestone_year or t.target_year,
            "milestones": [m.as_dict() for m in self.milestones],
            "indicator": t.indicator,
            "categories": [c.as_dict() for c in self.categories],
        }


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    period: str
    rows: list[TargetProgress]
    compounds: dict[str, str]  # compound code -> worst status of its parts
    has_demo: bool
    approval: "cycle.Approval | None" = None  # the period's approval (docs/reporting-cycle.md)

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
            "approval": None if self.approval is None else {
                "approved": self.approval.locked, "label": self.approval.label, "by": self.approval.by,
                "at": self.approval.at.isoformat() if self.approval.at else None, "automatic": self.approval.auto},
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


def needed_periods(plan: Plan, targets: list[Target], period: periods.Period) -> set[str]:
    """The periods whose figures judge `period`: itself, the baseline period, the year before (a
    programme's year-on-year targets) and the annual report of every milestone year reached."""
    out = {period.code, plan.baseline_period, str(period.year - 1)}
    if plan.is_programme:  # each reached milestone's own year, and the year before it (year-on-year kinds)
        out |= {str(y) for t in targets for m in t.milestones if m.year <= status.period_end(period)
                for y in (m.year, m.year - 1)}
    return out


def plan_progress(store, slug: str, period: str, codes: list[str] | None = None) -> PlanProgress:
    """Every target of the plan for the period (only `codes`, when given: a target's own page)."""
    plan = store.plan(slug)
    periods.check_accepted(plan, period)
    targets = [t for t in store.targets(slug) if codes is None or t.code in codes]
    p = periods.parse(period)
    wanted = needed_periods(plan, targets, p) | {previous_period(plan, period)}
    inputs = store.figure_inputs(slug, sorted(wanted), codes=codes)
    rows = _judged(plan, targets, period, inputs, carried_baselines(store, plan, targets))
    compounds = {code: status.worst([r.status for r in rows if r.target.parent == code])
                 for code in plan.compound_targets() if any(r.target.parent == code for r in rows)}
    return PlanProgress(plan, period, rows, compounds, store.has_demo(slug), store.approval(slug, period))


def target_over_periods(store, slug: str, code: str) -> dict[str, TargetProgress]:
    """One target at every accepted period of its plan (baseline period first), from one query:
    the target page's history chart and milestone answers."""
    plan = store.plan(slug)
    target = next((t for t in store.targets(slug) if t.code == code), None)
    if target is None:
        raise NotFound(f"Kế hoạch {slug} không có chỉ tiêu \"{code}\".")
    accepted = plan.accepted_periods()
    wanted = set(accepted)
    for code_ in accepted:
        wanted |= needed_periods(plan, [target], periods.parse(code_)) | {previous_period(plan, code_)}
    inputs = store.figure_inputs(slug, sorted(wanted), codes=[code])
    carried = carried_baselines(store, plan, [target])
    return {p: _judged(plan, [target], p, inputs, carried)[0] for p in accepted}


def carried_baselines(store, plan: Plan, targets: list[Target]) -> dict[str, Figure]:
    """Continuity (docs/indicators.md): code -> the annual figure of the year before the plan, taken
    from the plan of the same reporting scope that covers that year, for the target linked to the
    same indicator. Used where the plan itself holds no report for its baseline period, so that
    this year's annual result is never reported a second time as next year's baseline."""
    linked: dict[str, list[str]] = {}
    for t in targets:
        if t.indicator:
            linked.setdefault(t.indicator, []).append(t.code)
    if not linked:
        return {}
    year = plan.start_year - 1
    candidates: dict[str, list[tuple[str, Target]]] = {}  # indicator -> earlier plans' targets, yearly plans first
    for slug in store.plans_covering(plan.scope, year, exclude=plan.slug):
        for t in store.targets(slug):
            if t.indicator in linked:
                candidates.setdefault(t.indicator, []).append((slug, t))
    pairs = [(s, t.code) for cands in candidates.values() for s, t in cands]
    if not pairs:
        return {}
    inputs = store.figure_inputs_of(pairs, [str(year)])
    out = {}
    for ind, cands in candidates.items():
        for slug, t in cands:  # the first earlier plan that has the figure
            f = _whole(t, lambda c, t=t, s=slug: inputs.get((s, t.code, str(year), c),
                                                             status.Inputs()))
            if not f.missing:
                for code in linked[ind]:
                    out[code] = status.Figure(f.value, f.text, "carried", f.sources, f.numerator, f.denominator,
                                              f.source_count, origin=f"kế hoạch {slug}, chỉ tiêu {t.code}, năm {year}")
                break
    return out


def _whole(t: Target, inputs_of) -> Figure:
    """The plan-level figure of the whole target: its own reports, else (disaggregated) its categories."""
    f = status.plan_figure(t, inputs_of(None))
    if f.missing and t.categories:
        f = status.figure_from_categories(t, [status.plan_figure(t, inputs_of(c)) for c in t.category_names])
    return f


def _judged(plan: Plan, targets: list[Target], period: str, inputs: dict,
            carried: dict[str, Figure] | None = None) -> list[TargetProgress]:
    """Figure, judgement, baseline and previous figure (and milestone verdicts, and the categories
    of a disaggregated target) of each target, from the figure inputs of every period they need
    (needed_periods); a missing baseline figure is the carried one when there is one."""
    base_code = plan.baseline_period
    prev_code = previous_period(plan, period)
    p = periods.parse(period)
    nothing = status.Inputs()
    carried = carried or {}
    rows = []
    for t in targets:
        figures: dict[tuple[str, str | None], Figure] = {}

        def figure(code: str, category: str | None = None, t=t, figures=figures) -> Figure:
            if (code, category) not in figures:
                if category is None:
                    f = _whole(t, lambda c, code=code: inputs.get((t.code, code, c), nothing))
                    if f.missing and code == base_code and t.code in carried:
                        f = carried[t.code]
                else:
                    f = status.plan_figure(t, inputs.get((t.code, code, category), nothing))
                figures[(code, category)] = f
            return figures[(code, category)]

        def value_of(code: str, category: str | None = None, t=t, figure=figure):
            f = figure(code, category)
            return f.text if t.kind == "milestone" else f.value

        split = []
        for name in t.category_names:
            tc = t.for_category(name)
            judged = (status.judge_in_plan(plan, tc, p, lambda code, name=name: value_of(code, name))
                      if tc.target is not None else None)
            split.append(CategoryProgress(name, tc, figure(period, name), judged))
        if t.judged_by_categories:  # values only per category: the worst of them (as rule 8 for compounds)
            worst = min((c for c in split if c.judgement), key=lambda c: status.severity(c.judgement.status))
            j = worst.judgement
            judgement = replace(j, explanation=f"Phân tổ {worst.name} (kém nhất trong các phân tổ): {j.explanation}",
                                actual=figure(period).value)
        else:
            judgement = status.judge_in_plan(plan, t, p, value_of)
        verdicts = tuple(status.milestone_verdicts(plan, t, p, value_of)) if plan.is_programme and t.target is not None else ()
        rows.append(TargetProgress(t, figure(period), judgement, figure(base_code), figure(prev_code), prev_code, verdicts,
                                   tuple(split)))
    return rows


def default_period(store, plan: Plan, today: date | None = None) -> str:
    """The latest declared period with data; else, for a programme, the latest of its periods that
    has begun (a ten-year programme opened in 2026 shows 2026, not 2021); else the first declared."""
    with_data = set(store.periods_with_data(plan.slug))
    declared = [p.code for p in plan.periods]
    for code in sorted(declared, key=periods.sort_key, reverse=True):
        if code in with_data:
            return code
    if plan.is_programme:
        year = (today or now_local().date()).year
        begun = [c for c in declared if periods.parse(c).year <= year]
        if begun:
            return max(begun, key=periods.sort_key)
    return declared[0]


def status_after(store, slug: str, period: str, changes: list) -> dict[str, tuple[str, str]]:
    """code -> (status now, status once the changes are written) of every target a preview gives a
    new or changed value (intake.Preview.changes): the same engine as plan_progress, run on the
    period's stored figure inputs and on the same inputs with the new values in place of the
    reporters' current ones. Writes nothing."""
    touched = [c for c in changes if c.kind != "unchanged"]
    codes = sorted({c.code for c in touched})
    if not codes:
        return {}
    plan = store.plan(slug)
    targets = [t for t in store.targets(slug) if t.code in codes]
    wanted = needed_periods(plan, targets, periods.parse(period)) | {previous_period(plan, period)}
    now = store.figure_inputs(slug, sorted(wanted), codes=codes)
    current: dict[tuple[str, str | None], dict[str, status.Report]] = {}
    for code in codes:
        for r in store.reports(slug, [period], code).get((code, period), []):
            current.setdefault((code, r.category), {})[r.agency] = r
    for c in touched:
        current.setdefault((c.code, c.category), {})[c.agency] = status.Report(
            c.agency, c.new.get("value"), c.new.get("text"), c.new.get("numerator"), c.new.get("denominator"), None,
            c.category)
    by_code = {t.code: t for t in targets}
    after = dict(now)
    for code, category in {(c.code, c.category) for c in touched}:
        after[(code, period, category)] = status.Inputs.from_reports(by_code[code], list(current[(code, category)].values()))
    carried = carried_baselines(store, plan, targets)
    old = {r.target.code: r.status for r in _judged(plan, targets, period, now, carried)}
    new = {r.target.code: r.status for r in _judged(plan, targets, period, after, carried)}
    return {code: (old[code], new[code]) for code in codes}
