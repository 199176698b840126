"""Which period is the baseline: one rule (periods.is_baseline), and the target page's history chart
follows it — the plan's year decides, never the target's year (issue 12)."""
from __future__ import annotations

import pytest

from indicators import charts, periods, progress

SON_LA = "son-la-2026"


@pytest.mark.unit
def test_the_baseline_period_is_the_annual_report_of_the_year_before_the_plan(catalogue):
    plan = catalogue[SON_LA]
    assert [code for code in plan.accepted_periods() if periods.is_baseline(code, plan)] == ["2025"]
    assert not periods.is_baseline("2025-H1", plan) and not periods.is_baseline("2026", plan)


@pytest.mark.store
def test_son_la_target_9_history_labels_only_2025_as_baseline(demo_store):
    """Chỉ tiêu 9 of Sơn La is for 2030: the 2026 report it is judged on is not its baseline."""
    plan = demo_store.plan(SON_LA)
    target = next(t for t in demo_store.targets(SON_LA) if t.code == "9")
    assert (plan.year, target.target_year) == (2026, 2030)
    history = {p: progress.plan_progress(demo_store, SON_LA, p, codes=["9"]).rows[0] for p in plan.accepted_periods()}
    fig = charts.target_history(target, plan, history, title="Chỉ tiêu 9 qua các kỳ")  # as pages/target.py draws it

    assert list(fig.data[0].x) == ["Năm 2025 (cơ sở)", "6 tháng 2026", "Năm 2026"]
    markers = fig.data[1:]
    labelled_baseline = [x for tr in markers for x in tr.x if "(cơ sở)" in x]
    assert labelled_baseline == ["Năm 2025 (cơ sở)"]
    drawn_as_baseline = [x for tr in markers if tr.legendgroup == "baseline" for x in tr.x]
    assert drawn_as_baseline == ["Năm 2025 (cơ sở)"]
    judged = {tr.x[0]: tr.legendgroup for tr in markers if tr.legendgroup != "baseline"}
    assert set(judged) == {"6 tháng 2026", "Năm 2026"}
    assert judged["Năm 2026"] == history["2026"].status
