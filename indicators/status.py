"""The status engine: the plan-level figure and the status rules (docs/status-rules.md), as pure functions.

Every judgement carries A, T, B, P, R, the rule used and a Vietnamese explanation."""
from __future__ import annotations

from dataclasses import dataclass, replace

from indicators import fmt
from indicators.models import UNIT_FACTOR, Milestone, Plan, Target
from indicators.periods import Period
from indicators.settings import THRESHOLDS, Thresholds

ACHIEVED, NOT_ACHIEVED, ON_TRACK, LAGGING, OFF_TRACK, NO_DATA = (
    "achieved", "not_achieved", "on_track", "lagging", "off_track", "no_data")

# Worst first. A compound target takes the worst of its parts (rule 8); a part without data ranks
# above achieved/on track (we cannot call the whole achieved) but below every "behind" status.
SEVERITY = [NOT_ACHIEVED, OFF_TRACK, LAGGING, NO_DATA, ON_TRACK, ACHIEVED]
STATUSES = list(reversed(SEVERITY))  # best first, for legends

LABEL = {
    ACHIEVED: "Đạt",
    NOT_ACHIEVED: "Không đạt",
    ON_TRACK: "Đúng tiến độ",
    LAGGING: "Chậm tiến độ",
    OFF_TRACK: "Nguy cơ không đạt",
    NO_DATA: "Chưa có số liệu",
}
# One palette for every page and export; always shown with its text label, never colour alone.
COLOR = {
    ACHIEVED: "#1b7a3e",
    ON_TRACK: "#4a9fd8",
    NO_DATA: "#9aa0a6",
    LAGGING: "#e0a100",
    OFF_TRACK: "#e8590c",
    NOT_ACHIEVED: "#b3261e",
}
SYMBOL = {ACHIEVED: "✔", ON_TRACK: "➜", NO_DATA: "?", LAGGING: "▲", OFF_TRACK: "!", NOT_ACHIEVED: "✖"}
BEHIND = (LAGGING, OFF_TRACK, NOT_ACHIEVED)


def display(code: str) -> str:
    """A status as every page, export, chart legend and the command line show it: symbol and text
    label ('▲ Chậm tiến độ'), never colour alone (the colour is COLOR[code])."""
    return f"{SYMBOL[code]} {LABEL[code]}"


MILESTONE_DONE, MILESTONE_DOING, MILESTONE_NOT_STARTED = "Đã thực hiện", "Đang thực hiện", "Chưa thực hiện"
MILESTONE_ANSWERS = (MILESTONE_DONE, MILESTONE_DOING, MILESTONE_NOT_STARTED)


def severity(status: str) -> int:
    """0 for the worst status."""
    return SEVERITY.index(status)


def worst(statuses: list[str]) -> str:
    """Rule 8: a compound target's status is the worst of its parts."""
    return min(statuses, key=severity) if statuses else NO_DATA


# ---------------------------------------------------------------------------------------------
# The plan-level figure (docs/status-rules.md)


@dataclass(frozen=True)
class Report:
    """One agency's current value for a target and period."""

    agency: str
    value: float | None = None
    text: str | None = None  # milestone answer
    numerator: float | None = None
    denominator: float | None = None
    submission_id: int | None = None
    category: str | None = None  # of a disaggregated target; None: the whole


@dataclass(frozen=True)
class Inputs:
    """What the plan-level figure of one target and period is formed from: the lead agency's
    report, and totals over every reporting agency — built here from a list of reports, or by the
    store in SQL when thousands of communes report (the agencies are then listed only when few)."""

    lead: Report | None = None
    ratio_count: int = 0  # reports with a numerator and a denominator > 0
    numerator_sum: float = 0.0
    denominator_sum: float = 0.0
    value_count: int = 0  # reports with a value (counts add up)
    value_sum: float = 0.0
    ratio_sources: tuple[Report, ...] = ()
    value_sources: tuple[Report, ...] = ()

    @classmethod
    def from_reports(cls, target: Target, reports: list[Report]) -> "Inputs":
        lead = next((r for r in reports if r.agency == target.lead_agency and (r.value is not None or r.text)), None)
        ratio = tuple(r for r in reports if r.numerator is not None and r.denominator)
        valued = tuple(r for r in reports if r.value is not None)
        return cls(lead, len(ratio), sum(r.numerator for r in ratio), sum(r.denominator for r in ratio),
                   len(valued), sum(r.value for r in valued), ratio, valued)


@dataclass(frozen=True)
class Figure:
    value: float | None
    text: str | None
    method: str  # "lead" | "aggregated" | "none"
    sources: tuple[Report, ...] = ()  # the reports behind it (for an aggregate, listed when few)
    numerator: float | None = None
    denominator: float | None = None
    source_count: int = 0
    origin: str = ""  # method "carried": where it was carried from ("kế hoạch son-la-2026, chỉ tiêu 3")

    @property
    def missing(self) -> bool:
        return self.value is None and self.text is None

    def _who(self) -> str:
        n = self.source_count or len(self.sources)
        names = ", ".join(s.agency for s in self.sources)
        return f"{fmt.num(n)} đơn vị ({names})" if self.sources and len(self.sources) == n else f"{fmt.num(n)} đơn vị"

    def explain(self, target: Target) -> str:
        if self.method == "lead":
            return f"Số liệu do cơ quan chủ trì ({target.lead_agency}) báo cáo."
        if self.method == "aggregated" and target.unit == "count":
            return f"Tổng hợp (cơ quan chủ trì chưa báo cáo): tổng số lượng {fmt.num(self.value)} từ {self._who()}."
        if self.method == "aggregated":
            return (f"Tổng hợp (cơ quan chủ trì chưa báo cáo): Σ tử số / Σ mẫu số × {fmt.num(UNIT_FACTOR[target.unit])}"
                    f" = {fmt.num(self.numerator)} / {fmt.num(self.denominator)} từ {self._who()}.")
        if self.method == "categories" and target.unit == "count":
            return f"Tổng của các phân tổ ({', '.join(target.category_names)}): {fmt.num(self.value)}."
        if self.method == "categories":
            return (f"Tổng hợp từ các phân tổ ({', '.join(target.category_names)}): Σ tử số / Σ mẫu số × "
                    f"{fmt.num(UNIT_FACTOR[target.unit])} = {fmt.num(self.numerator)} / {fmt.num(self.denominator)}.")
        if self.method == "carried":
            return (f"Lấy từ kết quả cả năm của {self.origin} (cùng chỉ số, cùng phạm vi báo cáo): không phải báo cáo lại.")
        return "Chưa có số liệu của cơ quan chủ trì, cũng chưa đủ tử số và mẫu số từ các đơn vị khác để tổng hợp."


def plan_figure(target: Target, reports: "list[Report] | Inputs") -> Figure:
    """The plan-level figure (docs/status-rules.md): the lead agency's value; else Σnumerator/Σdenominator × unit factor over the
    agencies that reported both (counts: their sum); never an unweighted mean of rates."""
    x = reports if isinstance(reports, Inputs) else Inputs.from_reports(target, reports)
    if x.lead is not None:
        lead = x.lead
        return Figure(lead.value, lead.text, "lead", (lead,), lead.numerator, lead.denominator, 1)
    if target.kind == "milestone":
        return Figure(None, None, "none")
    if target.unit == "count":
        # counts (communes reaching a standard, activities held) add up across reporting units
        if x.value_count:
            return Figure(x.value_sum, None, "aggregated", x.value_sources, source_count=x.value_count)
        return Figure(None, None, "none")
    if target.unit in UNIT_FACTOR and x.ratio_count and x.denominator_sum:
        value = x.numerator_sum / x.denominator_sum * UNIT_FACTOR[target.unit]
        return Figure(value, None, "aggregated", x.ratio_sources, x.numerator_sum, x.denominator_sum, x.ratio_count)
    return Figure(None, None, "none")


def figure_from_categories(target: Target, figures: list[Figure]) -> Figure:
    """The whole of a disaggregated target from its categories' figures (docs/indicators.md): counts
    add up; rates are Σ numerator / Σ denominator (never a mean of rates). Only when every category
    has its figure (and, for a rate, its numerator and denominator); else no figure."""
    if not figures or any(f.value is None for f in figures):
        return Figure(None, None, "none")
    if target.unit == "count":
        return Figure(sum(f.value for f in figures), None, "categories", source_count=len(figures))
    if any(f.numerator is None or not f.denominator for f in figures) or target.unit not in UNIT_FACTOR:
        return Figure(None, None, "none")
    num, den = sum(f.numerator for f in figures), sum(f.denominator for f in figures)
    return Figure(num / den * UNIT_FACTOR[target.unit], None, "categories", (), num, den, len(figures))


# ---------------------------------------------------------------------------------------------
# The status rules (docs/status-rules.md)


@dataclass(frozen=True)
class Judgement:
    status: str
    rule: str
    explanation: str
    actual: float | str | None = None
    target: float | None = None  # the value judged against (after yearly change / direction)
    baseline: float | None = None
    progress: float | None = None  # P
    elapsed: float | None = None  # E
    pace: float | None = None  # R
    gap: float | None = None  # g
    aspiration_gap: float | None = None
    milestone_year: int | None = None  # the governing milestone (programmes; a yearly plan's own year)

    @property
    def label(self) -> str:
        return LABEL[self.status]

    def as_dict(self) -> dict:
        return {
            "status": self.status, "status_label": self.label, "rule": self.rule,
            "explanation": self.explanation, "actual": self.actual, "judged_target": self.target,
            "baseline_used": self.baseline, "progress": self.progress, "elapsed": self.elapsed,
            "pace": self.pace, "gap": self.gap, "aspiration_gap": self.aspiration_gap,
            "milestone_year": self.milestone_year,
        }


def satisfies(value: float, comparator: str, target: float, tol: float = THRESHOLDS.equal_tolerance) -> bool:
    if comparator == ">=":
        return value >= target - tol
    if comparator == ">":
        return value > target + tol
    if comparator == "<=":
        return value <= target + tol
    if comparator == "<":
        return value < target - tol
    return abs(value - target) <= tol


def c_sym(comparator: str) -> str:
    return fmt.COMPARATOR_SYMBOL[comparator]


def _pace_status(pace: float, th: Thresholds) -> str:
    pace = round(pace, 9)  # 0,95 computed from decimal inputs must count as 0,95
    if pace >= th.on_track_pace:
        return ON_TRACK
    if pace >= th.lagging_pace:
        return LAGGING
    return OFF_TRACK


def _is_final(target: Target, period: Period) -> bool:
    """The last period of the target's year (the annual report), or a milestone past its date."""
    if not period.is_interim:
        return True
    return target.due is not None and target.due <= period.end


@dataclass(frozen=True)
class Horizon:
    """How far along a programme's road to its governing milestone a period is (docs/status-rules.md,
    programmes): the period is final for the milestone, or a share E of the way from the baseline
    year b to the milestone's year has elapsed."""

    milestone: Milestone
    final: bool
    elapsed: float
    baseline_year: int


def period_end(period: Period) -> float:
    """t: an annual report ends at Y, a 6-month report at Y − 0,5."""
    return period.year - (0.5 if period.is_interim else 0.0)


def governing(target: Target, period: Period) -> Milestone | None:
    """The earliest milestone whose year is not before the period's; after the last, the last."""
    if not target.milestones:
        return None
    return next((m for m in target.milestones if m.year >= period.year), target.milestones[-1])


def judge(
    target: Target,
    period: Period,
    actual: float | str | None,
    baseline_actual: float | None = None,
    th: Thresholds = THRESHOLDS,
    horizon: Horizon | None = None,
    final: bool | None = None,
) -> Judgement:
    """Judge one measurable target for one period.

    `actual` is the plan-level figure (a number, or a milestone answer); `baseline_actual` is the
    plan-level figure of the baseline period (the annual report of the year before the plan).
    With a `horizon` (a programme's target, see judge_in_plan) the target is judged against the
    governing milestone, with the elapsed share measured in years."""
    if horizon is not None:
        m = horizon.milestone
        target = target.model_copy(update={"target": m.target, "comparator": m.comparator,
                                           "aspiration": m.aspiration, "target_year": m.year})
    u = target.unit
    when = period.label
    if actual is None or actual == "":
        return Judgement(NO_DATA, "1", f"Chưa có số liệu {when} (quy tắc 1).",
                         milestone_year=horizon.milestone.year if horizon else None)
    j = _judge(target, period, actual, baseline_actual, th, horizon, final)
    if horizon is not None:
        j = _on_the_road(j, target, horizon)
    return j


def _on_the_road(j: Judgement, target: Target, h: Horizon) -> Judgement:
    """Name the governing milestone in a programme's explanation: "Chậm tiến độ so với lộ trình
    đến mốc 2025: cần ≥ 65%, hiện 58%, R = 0,89. …"."""
    u, m = target.unit, h.milestone
    dg = _shown_digits(j.actual, m.target, THRESHOLDS.equal_tolerance) if isinstance(j.actual, (int, float)) else 2
    need = f"{c_sym(m.comparator)} {fmt.with_unit(m.target, u, dg)}"
    head = f"Mốc {m.year} (cần {need})"
    if j.rule in ("4", "6") and j.pace is not None:
        head = (f"{LABEL[j.status]} so với lộ trình đến mốc {m.year}: cần {need}, hiện {fmt.with_unit(j.actual, u, dg)}, "
                f"R = {fmt.num(j.pace)}")
    elif j.rule == "5":
        head = f"{LABEL[j.status]} so với mốc {m.year}: cần {need}, hiện {fmt.with_unit(j.actual, u, dg)}"
    elif j.status in (ACHIEVED, NOT_ACHIEVED):
        head = f"{LABEL[j.status]} mốc {m.year}: cần {need}, hiện {fmt.with_unit(j.actual, u, dg)}"
    return replace(j, explanation=f"{head}. {j.explanation}", milestone_year=m.year)


def _shown_digits(a: float, goal: float | None, tol: float) -> int:
    """Decimals that tell the actual from the value it is judged against (0,115% vs 0,12%)."""
    for d in (2, 3, 4):
        if goal is None or abs(a - goal) <= tol or round(a, d) != round(goal, d):
            return d
    return 5


def _judge(target: Target, period: Period, actual, baseline_actual, th: Thresholds, horizon: Horizon | None,
           final: bool | None = None) -> Judgement:
    u = target.unit
    when = period.label
    is_final = horizon.final if horizon else final if final is not None else _is_final(target, period)

    if target.kind == "milestone":
        return _judge_milestone(target, period, str(actual), is_final)

    a = float(actual)
    dg = _shown_digits(a, target.target if target.kind in ("level", "count", "activity_count") else None, th.equal_tolerance)
    A = fmt.with_unit(a, u, dg)
    stated = target.baseline is not None
    base = target.baseline if stated else baseline_actual
    base_year = horizon.baseline_year if horizon else period.year - 1
    base_note = (f"B = {fmt.with_unit(base, u)} (mức cơ sở năm {target.baseline_year} ghi trong kế hoạch)" if stated
                 else f"B = {fmt.with_unit(base, u)} (kết quả năm {base_year})")
    c = target.comparator

    # What the actual is judged against this year.
    if target.kind == "yearly_change":
        if base is None:
            return Judgement(NO_DATA, "1", f"Đã có kết quả {A} nhưng chưa có số liệu năm {period.year - 1} để tính mức thay đổi so với năm trước (quy tắc 1).", a)
        T = base + target.target
        t_note = (f"chỉ tiêu năm nay T = B {'−' if target.target < 0 else '+'} {fmt.num(abs(target.target))} điểm"
                  f" = {fmt.with_unit(T, u)} ({base_note})")
    elif target.kind == "direction" and (target.target is None or period.year != target.target_year):
        if base is None:
            return Judgement(NO_DATA, "1", f"Đã có kết quả {A} nhưng chưa có kết quả năm trước để so sánh xu hướng (quy tắc 1).", a)
        T = base
        long_range = (f"; mốc {fmt.target_phrase(c, target.target, u)} là của năm {target.target_year}"
                      if target.target is not None else "")
        t_note = f"chỉ tiêu về xu hướng: {'thấp hơn' if c in ('<', '<=') else 'cao hơn'}{' hoặc bằng' if c in ('<=', '>=') else ''} năm trước, {base_note}{long_range}"
        base = None  # T equals B: pace is undefined, rule 5 decides at interim periods
        no_pace_reason = "chỉ tiêu chính là mức năm trước"
    else:
        T = float(target.target)
        t_note = f"chỉ tiêu {c_sym(c)} {fmt.with_unit(T, u, dg)}"

    symbol = fmt.COMPARATOR_SYMBOL[c]
    if target.kind != "direction" or (target.target is not None and period.year == target.target_year):
        no_pace_reason = "chưa có mức cơ sở" if base is None else "mức cơ sở bằng chỉ tiêu"

    # Rule 2: the actual satisfies the comparator against T.
    if satisfies(a, c, T, th.equal_tolerance):
        asp_gap = None
        extra = ""
        if target.aspiration is not None:
            # a yearly change's aspiration is a change too: the level it asks for is B + aspiration
            wish = base + target.aspiration if target.kind == "yearly_change" else target.aspiration
            asp_gap = wish - a if c in (">=", ">") else a - wish
            if asp_gap > th.equal_tolerance:
                extra = f" Mức phấn đấu {fmt.with_unit(wish, u)}: còn cách {fmt.difference(asp_gap, u)}."
            else:
                extra = f" Đã đạt cả mức phấn đấu {fmt.with_unit(wish, u)}."
        return Judgement(ACHIEVED, "2", f"Đạt: kết quả {A} {symbol} {fmt.with_unit(T, u, dg)} ({t_note}) — quy tắc 2.{extra}",
                         a, T, base, aspiration_gap=asp_gap)

    # Rule 3: last period of the year (of a programme: the governing milestone's year, or later).
    if is_final:
        return Judgement(NOT_ACHIEVED, "3", f"Không đạt: kết quả {A} chưa thỏa {symbol} {fmt.with_unit(T, u, dg)} ({t_note}) ở kỳ báo cáo {when} (quy tắc 3).", a, T, base)

    E = horizon.elapsed if horizon else (th.h1_elapsed if period.is_interim else 1.0)
    e_note = (f"E = (t − b)/(năm mốc − b) = ({f'{period_end(period):g}'.replace('.', ',')} − {horizon.baseline_year})/"
              f"({horizon.milestone.year} − {horizon.baseline_year}) = {fmt.num(E)}" if horizon else f"E = {fmt.num(E)}")
    # Rule 6: activity counts accumulate; the interim expectation is T x E, judged as rule 4 with B = 0.
    if target.kind == "activity_count":
        base, base_note = 0.0, "B = 0 (hoạt động được cộng dồn trong năm)"
    if base is not None and satisfies(base, c, T, th.equal_tolerance):
        # The baseline already met the target and the actual has fallen back: P would be
        # meaningless (a fall would read as progress), so the relative gap decides (rule 5).
        no_pace_reason = f"mức cơ sở {fmt.with_unit(base, u)} đã đạt chỉ tiêu nên không tính được tiến độ"
        base = None
    # Rule 4: interim with a baseline different from the target.
    if base is not None and abs(T - base) > th.equal_tolerance:
        P = (a - base) / (T - base)
        R = P / E
        status = _pace_status(R, th)
        rule = "6" if target.kind == "activity_count" else "4"
        expect = f"; kỳ vọng đến kỳ này T × E = {fmt.num(T * E)}" if target.kind == "activity_count" else ""
        return Judgement(
            status, rule,
            f"{LABEL[status]}: A = {A}, T = {fmt.with_unit(T, u)}, {base_note}; P = (A − B)/(T − B) = {fmt.num(P)}, "
            f"{e_note}, R = P/E = {fmt.num(R)}{expect} → {_pace_rule_text(status, th)} (quy tắc {rule}).",
            a, T, base, P, E, R)

    # Rule 5: interim without a (usable) baseline: relative gap.
    g = abs(a - T) / abs(T) if abs(T) > th.equal_tolerance else abs(a)
    status = LAGGING if round(g, 9) <= th.near_gap else OFF_TRACK
    return Judgement(
        status, "5",
        f"{LABEL[status]}: A = {A}, {t_note}; {no_pace_reason} nên dùng chênh lệch tương đối "
        f"g = |A − T|/|T| = {fmt.num(g, 3)} {'≤' if status == LAGGING else '>'} {fmt.num(th.near_gap)} (quy tắc 5).",
        a, T, None, gap=g, elapsed=E)


def _pace_rule_text(status: str, th: Thresholds) -> str:
    if status == ON_TRACK:
        return f"R ≥ {fmt.num(th.on_track_pace)}: {LABEL[ON_TRACK]}"
    if status == LAGGING:
        return f"{fmt.num(th.lagging_pace)} ≤ R < {fmt.num(th.on_track_pace)}: {LABEL[LAGGING]}"
    return f"R < {fmt.num(th.lagging_pace)}: {LABEL[OFF_TRACK]}"


def _judge_milestone(target: Target, period: Period, answer: str, final: bool) -> Judgement:
    due = f" (hạn {fmt.day(target.due)})" if target.due else ""
    if answer == MILESTONE_DONE:
        return Judgement(ACHIEVED, "7", f"Đạt: báo cáo \"{answer}\"{due} (quy tắc 7).", answer)
    if answer == MILESTONE_DOING:
        status = NOT_ACHIEVED if final else ON_TRACK
    elif answer == MILESTONE_NOT_STARTED:
        status = NOT_ACHIEVED if final else LAGGING
    else:
        return Judgement(NO_DATA, "7", f"Câu trả lời \"{answer}\" không thuộc ba mức {', '.join(MILESTONE_ANSWERS)} (quy tắc 7).", answer)
    when = "kỳ cuối năm" if final else "kỳ giữa năm"
    return Judgement(status, "7", f"{LABEL[status]}: báo cáo \"{answer}\" ở {when}{due} (quy tắc 7).", answer)


# ---------------------------------------------------------------------------------------------
# A target within its plan: yearly plans (§5) and programmes (milestones, docs/status-rules.md)

PACED_KINDS = ("level", "count")  # judged on the road to a milestone; other kinds year by year


def judge_in_plan(plan: Plan, target: Target, period: Period, value_of, th: Thresholds = THRESHOLDS) -> Judgement:
    """The status of `target` for `period`. `value_of(code)` gives the plan-level figure (number,
    milestone answer or None) of any period of the plan.

    A yearly plan is judged as always (baseline = the year before the plan). A programme's
    level/count target is judged against its governing milestone, pace measured from the baseline
    year; its year-on-year targets (yearly_change, direction) against the year before the period."""
    actual = value_of(period.code)
    base_period = plan.baseline_period
    if not plan.is_programme:
        # the baseline period has no earlier baseline to judge from
        return judge(target, period, actual, None if period.code == base_period else value_of(base_period), th)
    t = period_end(period)
    if target.kind == "milestone":  # done / not done by its year (or date), not at every annual report
        final = t >= target.target_year or (target.due is not None and target.due <= period.end)
        return judge(target, period, actual, None, th, final=final)
    m = governing(target, period)
    if m is None or target.kind not in PACED_KINDS:  # year-on-year kinds, activities counted per year
        previous = None if period.code == base_period else value_of(str(period.year - 1))
        return judge(target, period, actual, previous, th)
    b = target.baseline_year if target.baseline is not None else plan.start_year - 1
    span = m.year - b
    elapsed = (t - b) / span if span > 0 and t > b else 1.0
    horizon = Horizon(m, final=t >= m.year, elapsed=elapsed, baseline_year=b)
    baseline = None if target.baseline is not None else value_of(base_period)
    if span <= 0 or t <= b:  # the baseline year itself (or earlier): no road yet, rule 5 against M
        baseline = None
        target = target.model_copy(update={"baseline": None, "baseline_year": None})
    return judge(target, period, actual, baseline, th, horizon)


@dataclass(frozen=True)
class MilestoneVerdict:
    """One milestone of a target and, once its year's annual report is in, the verdict on it."""

    year: int
    comparator: str
    target: float
    aspiration: float | None
    status: str | None  # None: the milestone's year has not come yet
    actual: float | None = None

    def as_dict(self) -> dict:
        return {"year": self.year, "comparator": self.comparator, "target": self.target,
                "aspiration": self.aspiration, "status": self.status,
                "status_label": LABEL[self.status] if self.status else "Chưa đến mốc", "actual": self.actual}

    def display(self) -> str:
        """'Mốc 2025: ✔ Đạt' or 'Mốc 2030: ≥ 75% (chưa đến)'."""
        return f"Mốc {self.year}: {display(self.status)}" if self.status else f"Mốc {self.year}: chưa đến"


def milestone_verdicts(plan: Plan, target: Target, period: Period, value_of, th: Thresholds = THRESHOLDS) -> list[MilestoneVerdict]:
    """Every milestone of the target; those whose year the period has reached keep the verdict of
    that year's annual report (rule: a past milestone's verdict is kept and shown)."""
    out = []
    t = period_end(period)
    for m in target.milestones:
        verdict = actual = None
        if m.year <= t:
            at = Period(m.year, 2)
            j = judge_in_plan(plan, target, at, value_of, th)
            verdict = j.status
            actual = j.actual if isinstance(j.actual, (int, float)) else None
        out.append(MilestoneVerdict(m.year, m.comparator, m.target, m.aspiration, verdict, actual))
    return out
