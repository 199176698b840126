"""The cascade (docs/indicators.md): from one plan's target and a year, every plan below it (by
`parent`, at any depth) that tracks the same indicator — its target for that year, its latest
actual, its status — with the flags a leader acts on: a child target weaker than the parent's
road for that year (road_value), a child plan with no target for the indicator, a child with no report.

Statuses come from progress._judged, the one place a status is computed; the figures of every
child come from one grouped query (Store.figure_inputs_of); only the carried baselines still ask
per child plan (progress.carried_baselines)."""
from __future__ import annotations

from dataclasses import dataclass

from indicators import fmt, periods, progress, status
from indicators.errors import NotFound, UsageError
from indicators.models import Plan, Target
from indicators.registry import Indicator, direction_of

WEAKER, NO_TARGET, NO_REPORT = "weaker", "no_target", "no_report"
FLAG_LABEL = {
    WEAKER: "Chỉ tiêu kém hơn lộ trình của cấp trên",
    NO_TARGET: "Không có chỉ tiêu cho chỉ số này",
    NO_REPORT: "Chưa báo cáo",
}
NOT_TRACKED = "chưa có trong hệ thống"


@dataclass(frozen=True)
class CascadeRow:
    plan: Plan
    depth: int  # 1: a direct child of the chosen plan
    target: Target | None  # None: the plan has no target for the indicator
    goal: float | None = None  # the child's value for the year (a programme's governing milestone)
    comparator: str | None = None
    period: str | None = None  # the period of the latest actual of the year (or the one judged)
    result: progress.TargetProgress | None = None
    flags: tuple[str, ...] = ()
    shortfall: float | None = None  # how far the actual is from the parent's road, on the bad side (+ = behind)

    @property
    def actual(self) -> float | None:
        return self.result.figure.value if self.result else None

    @property
    def status(self) -> str | None:
        return self.result.status if self.result else None

    def goal_text(self) -> str:
        if self.target is None:
            return "—"
        if self.goal is None:
            return fmt.goal(self.target)
        return fmt.target_phrase(self.comparator, self.goal, self.target.unit)

    def as_dict(self) -> dict:
        t = self.target
        return {
            "plan": self.plan.slug, "plan_title": self.plan.title, "scope": self.plan.scope, "level": self.plan.level,
            "depth": self.depth, "target_code": t.code if t else None, "target_text": t.text if t else None,
            "target": self.goal, "comparator": self.comparator, "goal": self.goal_text(),
            "unit": t.unit if t else None, "period": self.period, "actual": self.actual,
            "status": self.status, "status_label": status.LABEL[self.status] if self.status else None,
            "flags": list(self.flags), "flag_labels": [FLAG_LABEL[f] for f in self.flags],
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True)
class Cascade:
    plan: Plan
    target: Target
    indicator: Indicator | None
    year: int
    milestone: float | None  # the parent's milestone governing the year (its value)
    comparator: str | None
    rows: list[CascadeRow]
    milestone_year: int | None = None
    road: float | None = None  # the parent's value for the year itself, on its road (what children are held to)
    own: progress.TargetProgress | None = None  # the parent's own figure and status for the year

    def ranking(self) -> list[CascadeRow]:
        """Places with an actual, furthest behind the parent's road first."""
        ranked = [r for r in self.rows if r.shortfall is not None]
        return sorted(ranked, key=lambda r: (-r.shortfall, r.plan.scope))

    def counts(self) -> dict[str, int]:
        return {f: sum(f in r.flags for r in self.rows) for f in FLAG_LABEL}

    def as_dict(self) -> dict:
        return {
            "plan": self.plan.slug, "code": self.target.code, "indicator": self.target.indicator,
            "indicator_name": self.indicator.name if self.indicator else None, "year": self.year,
            "milestone": self.milestone, "milestone_year": self.milestone_year, "comparator": self.comparator,
            "road": self.road, "unit": self.target.unit,
            "actual": self.own.figure.value if self.own else None,
            "status": self.own.status if self.own else None,
            "rows": [r.as_dict() for r in self.rows],
            "ranking": [{"plan": r.plan.slug, "scope": r.plan.scope, "actual": r.actual, "shortfall": r.shortfall}
                        for r in self.ranking()],
            "flag_counts": self.counts(),
        }


def value_for_year(target: Target, year: int) -> tuple[float | None, str | None]:
    """(value, comparator) a target sets for a year: a programme's governing milestone, a yearly
    plan's own value; (None, None) for year-on-year kinds, which set no level."""
    if target.kind in ("yearly_change", "direction", "milestone"):
        return None, None
    m = status.governing(target, periods.Period(year, 2))
    if m is not None:
        return m.target, m.comparator
    return target.target, target.comparator


def road_value(target: Target, year: int, baseline: float | None, baseline_year: int) -> float | None:
    """The parent's value for `year` on its road (docs/indicators.md): a milestone in its own year;
    between two points (the baseline, then each milestone) the straight line joining them; after the
    last milestone, the last; before the first milestone with no baseline, none (nothing to hold a
    child to). A yearly plan's road is its one value."""
    if target.kind in ("yearly_change", "direction", "milestone"):
        return None
    if not target.milestones:
        return target.target
    if target.baseline is not None:  # stated in the plan
        points = [(target.baseline_year, target.baseline)]
    else:  # the figure of the plan's baseline period, when there is one
        points = [(baseline_year, baseline)] if baseline is not None else []
    points += [(m.year, m.target) for m in target.milestones if not points or m.year > points[0][0]]
    for (y0, v0), (y1, v1) in zip(points, points[1:]):
        if y0 <= year <= y1 and y1 > y0:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    if year >= points[-1][0]:
        return points[-1][1]
    return None


def weaker(child: float, parent: float, direction: str) -> bool:
    """Whether a child's value asks less than the parent's, in the indicator's direction: below it
    when higher is better, above it when lower is better (< 9,4 under 9,5 is stronger; ≥ 60%
    under 65% is weaker)."""
    return child < parent - 1e-9 if direction == "up" else child > parent + 1e-9


def descendants(store, slug: str) -> list[tuple[str, int]]:
    """(slug, depth) of every plan below `slug` through `parent`, breadth first."""
    parents = store.plan_parents()
    children: dict[str, list[str]] = {}
    for s, p in parents.items():
        children.setdefault(p, []).append(s)
    out, frontier, seen = [], [slug], {slug}
    depth = 0
    while frontier:
        depth += 1
        nxt = []
        for s in frontier:
            for c in sorted(children.get(s, [])):
                if c not in seen:  # the catalogue refuses cycles; this only guards the walk
                    seen.add(c)
                    out.append((c, depth))
                    nxt.append(c)
        frontier = nxt
    return out


def cascade(store, slug: str, code: str, year: int, max_depth: int | None = None) -> Cascade:
    plan = store.plan(slug)
    target = next((t for t in store.targets(slug) if t.code == code), None)
    if target is None:
        raise NotFound(f"Kế hoạch {slug} không có chỉ tiêu \"{code}\".",
                       "Xem danh sách chỉ tiêu: python -m indicators targets " + slug)
    if not target.indicator:
        raise UsageError(f"Chỉ tiêu {code} của kế hoạch {slug} chưa gắn với chỉ số nào, nên chưa so được với các kế hoạch cấp dưới.",
                         f"Gắn chỉ số: python -m indicators indicators link {slug} {code} MÃ_CHỈ_SỐ (hoặc trang Liên kết chỉ số).")
    if not plan.start_year <= year <= plan.end_year:
        raise UsageError(f"Năm {year} nằm ngoài {plan.span_label} của kế hoạch {slug}.",
                         f"Chọn một năm từ {plan.start_year} đến {plan.end_year}.")
    milestone, m_cmp = value_for_year(target, year)
    own_period = next((c for c in (str(year), f"{year}-H1") if c in plan.accepted_periods()), None)
    own = progress.plan_progress(store, slug, own_period, codes=[code]).rows[0] if own_period else None
    gov = status.governing(target, periods.Period(year, 2))
    road = road_value(target, year, own.baseline.value if own else None, plan.start_year - 1)
    rows: list[CascadeRow] = []
    wanted: dict[str, tuple[Plan, list[Target], int]] = {}
    for child_slug, depth in descendants(store, slug):
        if max_depth is not None and depth > max_depth:
            continue
        child = store.plan(child_slug)
        if not child.start_year <= year <= child.end_year:
            continue
        linked = [t for t in store.targets(child_slug) if t.indicator == target.indicator]
        if not linked:
            rows.append(CascadeRow(child, depth, None, flags=(NO_TARGET,)))
        else:
            wanted[child_slug] = (child, linked, depth)
    indicator = store.registry().indicator(target.indicator)
    direction = indicator.direction if indicator else (direction_of(m_cmp or target.comparator) or "up")
    rows += _judged_children(store, wanted, year, road, direction)
    rows.sort(key=lambda r: (r.depth, fmt.LEVEL_ORDER.get(r.plan.level, 9), r.plan.scope, r.plan.slug,
                             r.target.position if r.target else -1))
    return Cascade(plan, target, indicator, year, milestone, m_cmp, rows,
                   gov.year if gov else None, road, own)


def parent_of(store, plan: Plan) -> tuple[str, bool]:
    """(the plan's parent as shown, whether that plan is in the product): its slug, or its reference
    text followed by "chưa có trong hệ thống"."""
    if not plan.parent:
        return "", False
    tracked = plan.parent in store.plan_parents()
    return (plan.parent, True) if tracked else (f"{plan.parent} ({NOT_TRACKED})", False)


def _judged_children(store, wanted: dict[str, tuple[Plan, list[Target], int]], year: int,
                     road: float | None, direction: str) -> list[CascadeRow]:
    """Each child's linked targets judged at the latest period of `year` with data (else the annual
    one), every figure from one grouped query."""
    if not wanted:
        return []
    candidates = {s: [c for c in (str(year), f"{year}-H1") if c in p.accepted_periods()] for s, (p, _, _) in wanted.items()}
    needed: set[str] = set()
    for s, (p, ts, _) in wanted.items():
        for c in candidates[s]:
            needed |= progress.needed_periods(p, ts, periods.parse(c)) | {progress.previous_period(p, c)}
    pairs = [(s, t.code) for s, (_, ts, _) in wanted.items() for t in ts]
    inputs = store.figure_inputs_of(pairs, sorted(needed))
    per_plan: dict[str, dict] = {s: {} for s in wanted}
    for key, value in inputs.items():
        per_plan[key[0]][key[1:]] = value
    out = []
    for s, (p, ts, depth) in wanted.items():
        mine = per_plan[s]
        carried = progress.carried_baselines(store, p, ts)
        for t in ts:
            with_data = [c for c in candidates[s] if (t.code, c, None) in mine
                         or any(k[0] == t.code and k[1] == c for k in mine)]
            period = with_data[0] if with_data else (candidates[s][0] if candidates[s] else None)
            result = progress._judged(p, [t], period, mine, carried)[0] if period else None
            goal, cmp_ = value_for_year(t, year)
            flags = []
            if goal is not None and road is not None and weaker(goal, road, direction):
                flags.append(WEAKER)
            if result is None or result.figure.missing:
                flags.append(NO_REPORT)
            shortfall = None
            if result is not None and result.figure.value is not None and road is not None:
                a = result.figure.value
                shortfall = (road - a) if direction == "up" else (a - road)
            out.append(CascadeRow(p, depth, t, goal, cmp_, period, result, tuple(flags), shortfall))
    return out
