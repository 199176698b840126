"""Unit tests of the status engine: the plan-level figure and the status rules (docs/status-rules.md).

Expected statuses are worked out by hand from the rules in docs/status-rules.md, not copied from the engine."""
from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

import pytest

from indicators.models import Target
from indicators.periods import parse
from indicators.settings import Thresholds
from indicators.status import (
    ACHIEVED, LAGGING, NO_DATA, NOT_ACHIEVED, OFF_TRACK, ON_TRACK, Report, judge, plan_figure, severity, worst,
)
from loaders.catalogue import load_catalogue

pytestmark = pytest.mark.unit

H1, YEAR = parse("2026-H1"), parse("2026")
LS_H1, LS_YEAR = parse("2023-H1"), parse("2023")
DONE, DOING, NOT_STARTED = "Đã thực hiện", "Đang thực hiện", "Chưa thực hiện"


def make(unit="%", comparator=">=", target=65, kind="level", baseline=None, baseline_year=None,
         aspiration=None, due=None, target_year=2026, agencies=("Sở Y tế", "Công an tỉnh")) -> Target:
    return Target(plan="t", code="1", text="x", group=None, unit=unit, comparator=comparator, target=target,
                  aspiration=aspiration, baseline=baseline, baseline_year=baseline_year, target_year=target_year,
                  of=None, kind=kind, due=due, lead_agency=agencies[0], agencies=list(agencies))


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, dict[str, Target]]:
    return {p.slug: {t.code: t for t in p.measurable_targets()} for p in load_catalogue()}


def real(slug: str, code: str) -> Target:
    return _catalogue()[slug][code]


def sl(code: str) -> Target:
    return real("son-la-2026", code)


def ls(code: str) -> Target:
    return real("lang-son-2023", code)


# --- the real targets used below really have the form the tests assume ---------------------------

@pytest.mark.parametrize("slug, code, unit, comparator, target, kind", [
    ("son-la-2026", "3", "‰", "<", 9.4, "level"),
    ("son-la-2026", "7", "%", "<=", 25.6, "level"),
    ("son-la-2026", "9", "%", "<", 2, "direction"),
    ("son-la-2026", "15a", "per_100k", "<=", 440, "level"),
    ("son-la-2026", "17", "%", "<=", -0.5, "yearly_change"),
    ("son-la-2026", "28", "%", ">", 31, "level"),
    ("lang-son-2023", "7d", "count", "=", 0, "count"),
    ("lang-son-2023", "10b", "%", ">", None, "direction"),
    ("lang-son-skhcn-2026", "3", "count", ">=", 1, "activity_count"),
])
def test_catalogue_targets_have_the_form_the_tests_rely_on(slug, code, unit, comparator, target, kind):
    t = real(slug, code)
    assert (t.unit, t.comparator, t.target, t.kind) == (unit, comparator, target, kind)


def test_catalogue_special_fields():
    assert (sl("8").target, sl("8").aspiration) == (90, 95)
    assert sl("9").target_year == 2030
    assert (ls("9").target, ls("9").of, ls("9").baseline, ls("9").baseline_year) == (150, 200, 144, 2022)
    assert real("lang-son-skhcn-2026", "3").aspiration == 2
    assert real("lang-son-snv-2024", "2").due == date(2024, 6, 1)


# --- rule 1 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, period", [(sl("1"), YEAR), (sl("1"), H1), (ls("4"), LS_YEAR), (ls("9"), LS_H1)])
@pytest.mark.parametrize("actual", [None, ""])
def test_rule1_no_actual_is_no_data(target, period, actual):
    j = judge(target, period, actual, baseline_actual=50)
    assert (j.status, j.rule) == (NO_DATA, "1")


@pytest.mark.parametrize("target, period", [(sl("17"), YEAR), (sl("9"), YEAR), (ls("10b"), LS_H1)])
def test_change_and_direction_need_last_year(target, period):
    assert judge(target, period, 5.0, baseline_actual=None).status == NO_DATA


# --- rules 2 and 3 across every target form, at the annual (final) period --------------------------

@pytest.mark.parametrize("target, period, actual, expected", [
    (sl("1"), YEAR, 70, ACHIEVED), (sl("1"), YEAR, 64.9, NOT_ACHIEVED),          # at least
    (sl("28"), YEAR, 31.1, ACHIEVED), (sl("28"), YEAR, 30, NOT_ACHIEVED),        # strictly above
    (sl("3"), YEAR, 9.3, ACHIEVED), (sl("3"), YEAR, 9.5, NOT_ACHIEVED),          # below
    (sl("7"), YEAR, 25, ACHIEVED), (sl("7"), YEAR, 25.7, NOT_ACHIEVED),          # down to
    (sl("8"), YEAR, 92, ACHIEVED), (sl("8"), YEAR, 89.9, NOT_ACHIEVED),          # floor decides
    (sl("15a"), YEAR, 430, ACHIEVED), (sl("15a"), YEAR, 450, NOT_ACHIEVED),      # per 100k
    (sl("15b"), YEAR, 15, ACHIEVED), (sl("15b"), YEAR, 16, NOT_ACHIEVED),
    (ls("9"), LS_YEAR, 151, ACHIEVED), (ls("9"), LS_YEAR, 149, NOT_ACHIEVED),    # count with baseline
    (ls("7d"), LS_YEAR, 0, ACHIEVED), (ls("7d"), LS_YEAR, 1, NOT_ACHIEVED),      # zero
])
def test_final_period_achieved_or_not(target, period, actual, expected):
    j = judge(target, period, actual)
    assert j.status == expected
    assert j.rule == ("2" if expected == ACHIEVED else "3")


@pytest.mark.parametrize("target, period, actual, expected", [
    (sl("1"), YEAR, 65, ACHIEVED),        # '>='  A == T
    (sl("28"), YEAR, 31, NOT_ACHIEVED),   # '>'   A == T is not strictly above
    (sl("7"), YEAR, 25.6, ACHIEVED),      # '<='
    (sl("3"), YEAR, 9.4, NOT_ACHIEVED),   # '<'   A == T is not strictly below
    (ls("7d"), LS_YEAR, 0, ACHIEVED),     # '='
])
def test_comparators_exactly_at_the_target(target, period, actual, expected):
    assert judge(target, period, actual).status == expected


def test_strictly_above_at_h1_equal_value_is_rule5_lagging():
    j = judge(sl("28"), H1, 31)  # not > 31, no baseline, g = 0
    assert (j.status, j.rule, j.gap) == (LAGGING, "5", 0)


def test_floor_with_aspiration_shows_the_gap():
    j = judge(sl("8"), YEAR, 92)
    assert (j.status, j.aspiration_gap) == (ACHIEVED, pytest.approx(3))
    assert "95%" in j.explanation and "còn cách 3" in j.explanation
    above = judge(sl("8"), YEAR, 96)
    assert (above.status, above.aspiration_gap) == (ACHIEVED, pytest.approx(-1))
    assert "Đã đạt cả mức phấn đấu 95%" in above.explanation
    assert judge(sl("8"), YEAR, 89).aspiration_gap is None


def test_compound_target_takes_the_worst_part():
    parts = [t for t in _catalogue()["son-la-2026"].values() if t.parent == "15"]
    assert [t.code for t in parts] == ["15a", "15b"]
    year = [judge(parts[0], YEAR, 430).status, judge(parts[1], YEAR, 16).status]
    assert year == [ACHIEVED, NOT_ACHIEVED] and worst(year) == NOT_ACHIEVED
    half = [judge(parts[0], H1, 430).status, judge(parts[1], H1, None).status]
    assert worst(half) == NO_DATA
    assert worst([judge(p, YEAR, 10).status for p in parts]) == ACHIEVED


# --- rule 4: interim pace from a baseline ------------------------------------------------------------

@pytest.mark.parametrize("actual, pace, expected", [
    (59.75, 0.95, ON_TRACK),     # P = 4,75/10 = 0,475; R = 0,95 exactly
    (59.7, 0.94, LAGGING),       # just below 0,95
    (58, 0.60, LAGGING),         # R = 0,60 exactly
    (57.99, 0.598, OFF_TRACK),   # just below 0,60
    (54, -0.2, OFF_TRACK),       # negative progress: worse than the baseline
])
def test_rule4_pace_boundaries(actual, pace, expected):
    j = judge(sl("1"), H1, actual, baseline_actual=55)  # T = 65, B = 55 (2025 actual), E = 0,5
    assert (j.status, j.rule) == (expected, "4")
    assert j.pace == pytest.approx(pace) and j.elapsed == 0.5 and j.baseline == 55


@pytest.mark.parametrize("actual, expected", [
    (82.85, ON_TRACK),   # P = 2,85/6 = 0,475, R = 0,95 exactly (decimal arithmetic)
    (81.8, LAGGING),     # P = 1,8/6 = 0,3,   R = 0,60 exactly
])
def test_rule4_pace_boundaries_with_everyday_decimals(actual, expected):
    # Sơn La 2: >= 86%, last year 80%. A person computing R by hand gets exactly the threshold.
    assert judge(sl("2"), H1, actual, baseline_actual=80).status == expected


@pytest.mark.parametrize("actual, pace, expected", [
    (9.7, 1.0, ON_TRACK), (9.79, 0.7, LAGGING), (9.88, 0.4, OFF_TRACK), (10.3, -1.0, OFF_TRACK),
])
def test_rule4_lower_is_better(actual, pace, expected):
    # Sơn La 3: < 9,4‰, B = 10‰, T - B = -0,6: 9,7 -> P = 0,5; 9,79 -> 0,35; 9,88 -> 0,2; 10,3 -> -0,5
    j = judge(sl("3"), H1, actual, baseline_actual=10)
    assert (j.status, j.rule, j.pace) == (expected, "4", pytest.approx(pace))


@pytest.mark.parametrize("actual, expected", [(147, ON_TRACK), (146, LAGGING), (145, OFF_TRACK), (143, OFF_TRACK)])
def test_stated_baseline_wins_over_baseline_period_actual(actual, expected):
    # Lạng Sơn 9: 150 of 200, stated B = 144 (2022). T - B = 6: 147 -> R = 1, 146 -> 0,67, 145 -> 0,33.
    # With the 2022 report (140) instead, 146 would be P = 0,6, R = 1,2 -> on track.
    j = judge(ls("9"), LS_H1, actual, baseline_actual=140)
    assert (j.status, j.rule, j.baseline) == (expected, "4", 144)


def test_baseline_equal_to_target_falls_to_rule5():
    j = judge(sl("1"), H1, 63, baseline_actual=65)  # g = 2/65 = 0,031
    assert (j.status, j.rule, j.pace) == (LAGGING, "5", None)
    assert j.gap == pytest.approx(2 / 65)
    assert judge(sl("1"), H1, 60, baseline_actual=65).status == OFF_TRACK  # g = 0,077


# --- rule 5: interim without baseline ----------------------------------------------------------------

@pytest.mark.parametrize("target, actual, expected", [
    (sl("1"), 61.75, LAGGING),     # g = 3,25/65 = 0,05 exactly
    (sl("1"), 61.7, OFF_TRACK),    # g = 0,0508
    (sl("3"), 9.87, LAGGING),      # g = 0,47/9,4 = 0,05, lower is better
    (sl("3"), 9.9, OFF_TRACK),     # g = 0,053
    (sl("26"), 29.45, LAGGING),    # g = 1,55/31 = 0,05 exactly
    (sl("28"), 29.45, LAGGING),    # strictly above 31, g = 0,05 exactly
])
def test_rule5_relative_gap(target, actual, expected):
    j = judge(target, H1, actual)
    assert (j.status, j.rule) == (expected, "5")


@pytest.mark.parametrize("target, actual, expected", [
    (make(comparator="<=", target=0), 0.05, LAGGING),   # T = 0: g = |A| = 0,05
    (make(comparator="<=", target=0), 0.06, OFF_TRACK),
    (ls("7d"), 1, OFF_TRACK),                           # zero child labourers: g = 1
])
def test_rule5_zero_target_uses_absolute_actual(target, actual, expected):
    j = judge(target, parse(f"{target.target_year}-H1"), actual)
    assert (j.status, j.rule, j.gap) == (expected, "5", pytest.approx(actual))


# --- rule 6: activity counts ---------------------------------------------------------------------------

def test_rule6_activity_count_at_h1_expects_t_times_e():
    t = real("lang-son-skhcn-2026", "3")  # >= 1 activity, aspiration 2
    j = judge(t, H1, 0, baseline_actual=5)  # last year's count is ignored: B = 0
    assert (j.status, j.rule, j.baseline, j.pace) == (OFF_TRACK, "6", 0, 0)
    assert "T × E = 0,5" in j.explanation
    assert judge(t, H1, 1).status == ACHIEVED


@pytest.mark.parametrize("actual, expected", [(5, ON_TRACK), (3, LAGGING), (2, OFF_TRACK)])
def test_rule6_activity_count_pace(actual, expected):
    # T = 10, expectation at H1 = 5: R = A/5 -> 1; 0,6; 0,4
    j = judge(make(unit="count", kind="activity_count", target=10), H1, actual)
    assert (j.status, j.rule) == (expected, "6")


@pytest.mark.parametrize("actual, expected, gap", [(0, NOT_ACHIEVED, None), (1, ACHIEVED, 1), (2, ACHIEVED, 0)])
def test_rule6_activity_count_at_year_end(actual, expected, gap):
    j = judge(real("lang-son-skhcn-2026", "3"), YEAR, actual)
    assert (j.status, j.aspiration_gap) == (expected, gap)


# --- rule 7: milestones --------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, at_h1, at_year_end", [
    (DONE, ACHIEVED, ACHIEVED), (DOING, ON_TRACK, NOT_ACHIEVED), (NOT_STARTED, LAGGING, NOT_ACHIEVED),
])
@pytest.mark.parametrize("target, h1, year", [
    (real("lang-son-2023", "4"), LS_H1, LS_YEAR), (real("lang-son-skhcn-2026", "2"), H1, YEAR),
])
def test_rule7_milestones(target, h1, year, answer, at_h1, at_year_end):
    assert (judge(target, h1, answer).status, judge(target, year, answer).status) == (at_h1, at_year_end)
    assert judge(target, h1, answer).rule == "7"


@pytest.mark.parametrize("answer, expected", [(DONE, ACHIEVED), (DOING, NOT_ACHIEVED), (NOT_STARTED, NOT_ACHIEVED)])
def test_rule7_milestone_due_before_end_of_h1_is_final_at_h1(answer, expected):
    t = real("lang-son-snv-2024", "2")  # due 01/06/2024
    j = judge(t, parse("2024-H1"), answer)
    assert j.status == expected and "01/06/2024" in j.explanation


def test_rule7_milestone_due_later_is_still_interim_at_h1():
    t = make(unit="milestone", comparator="=", target=None, kind="milestone", due=date(2026, 9, 30))
    assert judge(t, H1, DOING).status == ON_TRACK
    assert judge(t, YEAR, DOING).status == NOT_ACHIEVED


@pytest.mark.parametrize("answer", ["Xong", "done", None])
def test_rule7_unknown_answer_is_no_data(answer):
    assert judge(real("lang-son-2023", "4"), LS_H1, answer).status == NO_DATA


# --- yearly change, long-range and direction targets -------------------------------------------------

@pytest.mark.parametrize("period, actual, expected", [
    (YEAR, 9.5, ACHIEVED),      # T = 10 - 0,5 = 9,5
    (YEAR, 9.6, NOT_ACHIEVED),  # fell, but by less than 0,5 points
    (H1, 9.75, ON_TRACK),       # P = -0,25/-0,5 = 0,5, R = 1
    (H1, 9.8, LAGGING),         # P = 0,4, R = 0,8
    (H1, 10.2, OFF_TRACK),      # rose: negative progress
])
def test_yearly_change(period, actual, expected):
    j = judge(sl("17"), period, actual, baseline_actual=10)
    assert (j.status, j.target) == (expected, pytest.approx(9.5))


def test_yearly_change_explanation_shows_this_years_target():
    j = judge(sl("17"), YEAR, 9.6, baseline_actual=10)
    assert "9,5%" in j.explanation and "0,5" in j.explanation and "quy tắc 3" in j.explanation


@pytest.mark.parametrize("period, actual, expected, judged", [
    (YEAR, 2.4, ACHIEVED, 2.5),              # 2026: lower than last year is enough, although >= 2%
    (YEAR, 2.5, NOT_ACHIEVED, 2.5),          # not lower than last year
    (H1, 2.55, LAGGING, 2.5),                # interim, T == B: rule 5, g = 0,02
    (H1, 3.0, OFF_TRACK, 2.5),               # g = 0,2
    (parse("2030"), 2.4, NOT_ACHIEVED, 2),   # 2030: judged against < 2%
    (parse("2030"), 1.9, ACHIEVED, 2),
])
def test_long_range_target(period, actual, expected, judged):
    j = judge(sl("9"), period, actual, baseline_actual=2.5)
    assert (j.status, j.target) == (expected, pytest.approx(judged))


def test_long_range_explanation_names_the_2030_number():
    j = judge(sl("9"), YEAR, 2.4, baseline_actual=2.5)
    assert "2030" in j.explanation and "2%" in j.explanation


@pytest.mark.parametrize("period, actual, expected", [
    (LS_YEAR, 41, ACHIEVED), (LS_YEAR, 40, NOT_ACHIEVED), (LS_H1, 39, LAGGING), (LS_H1, 30, OFF_TRACK),
])
def test_direction_without_number(period, actual, expected):
    # Lạng Sơn 10b: higher than last year (40%); 39 -> g = 0,025, 30 -> g = 0,25
    assert judge(ls("10b"), period, actual, baseline_actual=40).status == expected


# --- thresholds are settings -----------------------------------------------------------------------

def test_custom_pace_thresholds_change_the_result():
    custom = Thresholds(on_track_pace=0.8, lagging_pace=0.5)
    assert judge(sl("1"), H1, 59, baseline_actual=55).status == LAGGING  # R = 0,8
    assert judge(sl("1"), H1, 59, baseline_actual=55, th=custom).status == ON_TRACK
    assert judge(sl("1"), H1, 57.5, baseline_actual=55).status == OFF_TRACK  # R = 0,5
    assert judge(sl("1"), H1, 57.5, baseline_actual=55, th=custom).status == LAGGING


def test_custom_near_gap_changes_rule5():
    assert judge(sl("1"), H1, 60).status == OFF_TRACK  # g = 0,077
    assert judge(sl("1"), H1, 60, th=Thresholds(near_gap=0.1)).status == LAGGING


def test_custom_h1_elapsed_changes_the_pace():
    # P = 2,5/10 = 0,25. With E = 0,25 set in the thresholds, R = 1 -> on track (0,5 by default -> off track).
    j = judge(sl("1"), H1, 57.5, baseline_actual=55, th=Thresholds(h1_elapsed=0.25))
    assert (j.elapsed, j.status) == (0.25, ON_TRACK)


# --- explanations ----------------------------------------------------------------------------------

def test_explanation_vietnamese_numbers_and_rule():
    j = judge(sl("3"), YEAR, 9.6)
    assert "9,6‰" in j.explanation and "9,4‰" in j.explanation and "quy tắc 3" in j.explanation
    assert j.label == "Không đạt"
    ok = judge(sl("3"), YEAR, 9.3)
    assert "9,3‰" in ok.explanation and "< 9,4‰" in ok.explanation and "quy tắc 2" in ok.explanation
    big = judge(sl("15a"), YEAR, 1250)
    assert "1.250/100.000" in big.explanation and "440/100.000" in big.explanation


def test_explanation_rule4_gives_p_and_r():
    j = judge(ls("9"), LS_H1, 146, baseline_actual=140)
    assert "P = (A − B)/(T − B) = 0,33" in j.explanation and "R = P/E = 0,67" in j.explanation
    assert "144" in j.explanation and "2022" in j.explanation and "quy tắc 4" in j.explanation
    assert j.label == "Chậm tiến độ"
    assert j.as_dict()["pace"] == pytest.approx(2 / 3)


def test_explanation_rule5_gives_the_gap():
    j = judge(sl("1"), H1, 61.75)
    assert "61,75%" in j.explanation and "g = |A − T|/|T| = 0,05" in j.explanation and "quy tắc 5" in j.explanation


# --- plan-level figure (docs/status-rules.md) --------------------------------------------------------

def test_lead_value_wins_over_others():
    lead = Report("Sở Y tế", 0.08, submission_id=7)
    fig = plan_figure(sl("13"), [Report("Công an tỉnh", 0.5, numerator=5, denominator=1000), lead])
    assert (fig.value, fig.method, fig.sources) == (0.08, "lead", (lead,))


def test_lead_zero_is_a_value():
    fig = plan_figure(ls("7d"), [Report(ls("7d").lead_agency, 0), Report("Khác", numerator=3, denominator=1)])
    assert (fig.value, fig.method) == (0, "lead")


def test_aggregation_is_weighted_not_a_mean_of_rates():
    t = make(agencies=("Sở Y tế", "Công an tỉnh", "Sở Giáo dục và Đào tạo"))
    reports = [Report("Công an tỉnh", 10, numerator=1, denominator=10),
               Report("Sở Giáo dục và Đào tạo", 30, numerator=30, denominator=100)]
    fig = plan_figure(t, reports)
    assert fig.value == pytest.approx(31 / 110 * 100)  # 28,18%, the mean of rates would be 20%
    assert (fig.method, fig.numerator, fig.denominator) == ("aggregated", 31, 110)
    assert [r.agency for r in fig.sources] == ["Công an tỉnh", "Sở Giáo dục và Đào tạo"]
    assert "Công an tỉnh, Sở Giáo dục và Đào tạo" in fig.explain(t)


def test_aggregation_per_mille_changes_the_verdict():
    # 12/1000 and 3/500: mean of rates 9‰ (would be below 9,4‰); weighted 15/1500 × 1000 = 10‰.
    fig = plan_figure(sl("3"), [Report("A", 12, numerator=12, denominator=1000), Report("B", 6, numerator=3, denominator=500)])
    assert (fig.value, fig.method) == (pytest.approx(10), "aggregated")
    assert "× 1.000" in fig.explain(sl("3"))
    assert judge(sl("3"), YEAR, fig.value).status == NOT_ACHIEVED


def test_aggregation_per_100k():
    fig = plan_figure(sl("15a"), [Report("A", numerator=5, denominator=1000), Report("B", numerator=1, denominator=4000)])
    assert (fig.value, fig.method) == (pytest.approx(120), "aggregated")  # 6/5000 × 100.000


def test_reports_without_numerator_and_denominator_are_not_averaged_in():
    fig = plan_figure(make(), [Report("Công an tỉnh", 50), Report("Sở Tư pháp", 30, numerator=30, denominator=100),
                               Report("Sở Nội vụ", 90, numerator=9, denominator=0)])
    assert (fig.value, [r.agency for r in fig.sources]) == (pytest.approx(30), ["Sở Tư pháp"])


def test_empty_lead_report_falls_back_to_aggregation():
    fig = plan_figure(make(), [Report("Sở Y tế"), Report("Công an tỉnh", numerator=1, denominator=4)])
    assert (fig.value, fig.method) == (pytest.approx(25), "aggregated")


@pytest.mark.parametrize("reports", [[], [Report("Công an tỉnh", 50)], [Report("Công an tỉnh", numerator=3)]])
def test_no_usable_data_gives_method_none(reports):
    fig = plan_figure(make(), reports)
    assert (fig.value, fig.method, fig.missing) == (None, "none", True)
    assert judge(make(), YEAR, fig.value).status == NO_DATA


def test_milestone_is_never_aggregated():
    t = ls("4")
    fig = plan_figure(t, [Report("Sở Y tế", text=DONE, numerator=1, denominator=1)])
    assert (fig.method, fig.text, fig.value) == ("none", None, None)
    lead = plan_figure(t, [Report(t.lead_agency, text=DOING)])
    assert (lead.method, lead.text) == ("lead", DOING)


# --- worst() ordering ---------------------------------------------------------------------------------

ORDER = [NOT_ACHIEVED, OFF_TRACK, LAGGING, NO_DATA, ON_TRACK, ACHIEVED]


@pytest.mark.parametrize("bad, good", list(itertools.combinations(ORDER, 2)))
def test_worst_prefers_the_more_severe(bad, good):
    assert worst([good, bad]) == bad and worst([bad, good]) == bad
    assert severity(bad) < severity(good)


def test_worst_of_nothing_and_of_one():
    assert worst([]) == NO_DATA
    assert worst([ON_TRACK, ON_TRACK]) == ON_TRACK


# --- cases found in review -------------------------------------------------------------------------

def test_baseline_already_past_the_target_is_not_read_as_progress():
    # ≥ 65 with last year at 70 and this half at 60: a fall, not progress (P would be 2).
    j = judge(make(target=65), H1, 60, baseline_actual=70)
    assert j.status == OFF_TRACK and j.rule == "5"
    assert "đã đạt chỉ tiêu" in j.explanation


def test_direction_target_at_h1_explains_that_last_year_is_the_target():
    j = judge(ls("10b"), LS_H1, 34.5, baseline_actual=35)
    assert j.status == LAGGING and "mức năm trước" in j.explanation


def test_counts_from_reporting_units_are_summed_when_the_lead_is_silent():
    t = make(unit="count", comparator=">=", target=150, kind="count")
    fig = plan_figure(t, [Report("Công an tỉnh", value=70.0), Report("UBND huyện X", value=78.0)])
    assert fig.method == "aggregated" and fig.value == 148.0
    assert "tổng số lượng 148" in fig.explain(t)
