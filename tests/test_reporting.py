"""Reporting discipline (indicators/reporting.py): expected reports, deadlines, rates, agencies."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from indicators import progress, reporting
from indicators.reporting import LATE, MISSING, NOT_DUE, ON_TIME


def _sub(agency: str, period: str, when: datetime, demo: bool = False, file_name: str = "bc.xlsx") -> dict:
    return {"plan": "son-la-2026", "agency": agency, "period": period, "received_at": when,
            "is_demo": demo, "file_name": file_name}


@pytest.fixture
def son_la(catalogue):
    plan = catalogue["son-la-2026"]
    return plan, plan.measurable_targets()


@pytest.mark.unit
def test_expected_agencies_are_every_lead_or_coordinating_agency(son_la):
    plan, targets = son_la
    agencies = reporting.expected_agencies(targets)
    assert set(agencies) == {"Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Công an tỉnh",
                             "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp", "Ban Công tác Đoàn và Thanh thiếu nhi"}
    assert agencies["Công an tỉnh"] == ("coordinating",)
    assert agencies["Sở Y tế"] == ("lead",)
    # named in the plan's list but responsible for no target: not expected to report
    assert "Sở Tài chính" not in agencies
    reports = reporting.expected_reports(plan, targets, [], date(2026, 1, 1))
    assert len(reports) == len(agencies) * len(plan.periods) == 14
    assert {r.period for r in reports} == {"2026-H1", "2026"}  # never the baseline period 2025


@pytest.mark.unit
@pytest.mark.parametrize("received, state, days", [
    (datetime(2026, 5, 9, 8, 0), ON_TIME, None),
    (datetime(2026, 5, 10, 23, 59), ON_TIME, None),  # on the deadline day, late in the evening: on time
    (datetime(2026, 5, 11, 0, 1), LATE, 1),
    (datetime(2026, 5, 14, 10, 0), LATE, 4),
])
def test_received_on_the_deadline_day_is_on_time(received, state, days):
    assert reporting.judge_report(date(2026, 5, 10), [received], date(2026, 11, 1)) == (state, days)


@pytest.mark.unit
def test_not_yet_due_versus_missing_compares_today_with_the_deadline():
    deadline = date(2026, 5, 10)
    assert reporting.judge_report(deadline, [], date(2026, 5, 9)) == (NOT_DUE, None)
    assert reporting.judge_report(deadline, [], date(2026, 5, 10)) == (NOT_DUE, None)  # still the deadline day
    assert reporting.judge_report(deadline, [], date(2026, 5, 11)) == (MISSING, 1)
    assert reporting.judge_report(deadline, [], date(2026, 6, 9)) == (MISSING, 30)
    assert reporting.judge_report(None, [], date(2030, 1, 1)) == (NOT_DUE, None)  # no deadline: never overdue
    assert reporting.judge_report(None, [datetime(2030, 1, 1)], date(2030, 1, 1)) == (ON_TIME, None)
    # a period without a deadline (the national programme's): missing once the period has ended, never late
    ends = date(2021, 12, 31)
    assert reporting.judge_report(None, [], date(2021, 12, 31), ends) == (NOT_DUE, None)
    assert reporting.judge_report(None, [], date(2026, 11, 26), ends) == (MISSING, 1791)
    assert reporting.judge_report(None, [datetime(2026, 1, 5)], date(2026, 11, 26), ends) == (ON_TIME, None)


@pytest.mark.unit
def test_the_first_submission_decides_a_later_correction_does_not_make_it_late(son_la):
    plan, targets = son_la
    subs = [_sub("Sở Tư pháp", "2026-H1", datetime(2026, 6, 20, 9, 0), file_name="dinh-chinh.xlsx"),
            _sub("Sở Tư pháp", "2026-H1", datetime(2026, 5, 8, 9, 0), file_name="lan-dau.xlsx")]
    (r,) = [x for x in reporting.expected_reports(plan, targets, subs, date(2026, 7, 1), "2026-H1")
            if x.agency == "Sở Tư pháp"]
    assert (r.state, r.submissions, r.received_at.day, r.last_received_at.day) == (ON_TIME, 2, 8, 20)
    assert r.file_name == "dinh-chinh.xlsx"  # the latest file
    assert r.roles == ("lead",)


@pytest.mark.unit
def test_rates_and_demo_submissions_count_and_are_flagged(son_la):
    plan, targets = son_la
    subs = [_sub("Sở Y tế", "2026-H1", datetime(2026, 5, 7, 15, 0), demo=True),
            _sub("Sở Tư pháp", "2026-H1", datetime(2026, 5, 14, 10, 0)),
            _sub("Sở Giáo dục và Đào tạo", "2026-H1", datetime(2026, 5, 10, 17, 0)),
            _sub("Văn phòng UBND tỉnh", "2026-H1", datetime(2026, 5, 1))]  # holds no target: not expected
    reports = reporting.expected_reports(plan, targets, subs, date(2026, 5, 20), "2026-H1")
    state = {r.agency: r for r in reports}
    assert state["Sở Y tế"].state == ON_TIME and state["Sở Y tế"].is_demo
    assert state["Sở Tư pháp"].state == LATE and state["Sở Tư pháp"].days_late == 4 and not state["Sở Tư pháp"].is_demo
    assert state["Sở Nội vụ"].state == MISSING and state["Sở Nội vụ"].days_late == 10
    s = reporting.summarise(reports)
    assert (s.expected, s.received, s.on_time, s.late, s.missing, s.not_due) == (7, 3, 2, 1, 4, 0)
    assert s.completeness == pytest.approx(3 / 7) and s.timeliness == pytest.approx(2 / 7)
    assert s.has_demo
    assert [x["agency"] for x in reporting.unexpected_submissions(plan, targets, subs)] == ["Văn phòng UBND tỉnh"]
    # before the deadline nothing is missing yet
    early = reporting.summarise(reporting.expected_reports(plan, targets, subs[:1], date(2026, 5, 1), "2026-H1"))
    assert (early.on_time, early.missing, early.not_due) == (1, 0, 6)
    assert reporting.summarise([]).completeness is None


@pytest.mark.store
def test_demo_database_reporting_matches_the_demo_script(demo_store):
    plan, targets = demo_store.plan("son-la-2026"), demo_store.targets("son-la-2026")
    subs = demo_store.submissions("son-la-2026")
    reports = reporting.expected_reports(plan, targets, subs, date(2026, 12, 31))
    state = {(r.agency, r.period): r for r in reports}
    assert state[("Sở Tư pháp", "2026-H1")].state == LATE and state[("Sở Tư pháp", "2026-H1")].days_late == 4
    assert state[("Sở Giáo dục và Đào tạo", "2026")].days_late == 9
    assert state[("Sở Văn hóa, Thể thao và Du lịch", "2026-H1")].state == MISSING  # no H1 report in the demo
    assert state[("Sở Y tế", "2026-H1")].state == ON_TIME and state[("Sở Y tế", "2026-H1")].is_demo


@pytest.mark.store
def test_agencies_ranked_by_share_behind_then_name(demo_store):
    pp = progress.plan_progress(demo_store, "son-la-2026", "2026-H1")
    reports = reporting.expected_reports(pp.plan, [r.target for r in pp.rows],
                                         demo_store.submissions("son-la-2026"), date(2026, 12, 31))
    ranked = reporting.agencies(pp.rows, reports)
    shares = [a.behind_share if a.behind_share is not None else -1.0 for a in ranked]
    assert shares == sorted(shares, reverse=True)
    assert [a.agency for a in ranked][-2:] == ["Ban Công tác Đoàn và Thanh thiếu nhi", "Công an tỉnh"]
    edu = next(a for a in ranked if a.agency == "Sở Giáo dục và Đào tạo")
    assert edu.behind == sum(1 for r in pp.behind() if r.target.lead_agency == "Sở Giáo dục và Đào tạo")
    assert sum(a.behind for a in ranked) == len(pp.behind())
    assert sum(sum(a.counts().values()) for a in ranked) == len(pp.rows)
    police = next(a for a in ranked if a.agency == "Công an tỉnh")
    assert police.lead == [] and [r.target.code for r in police.coordinating] == ["13"]
    assert police.reports.expected == 2


@pytest.mark.unit
def test_vietnamese_collation():
    names = ["Sở Y tế", "Đài Phát thanh", "Ủy ban MTTQ", "Ban Công tác Đoàn", "Công an tỉnh", "Dân tộc",
             "Ấp", "Anh", "Ăn", "Sở Tư pháp", "Sở Giáo dục"]
    assert sorted(names, key=reporting.vi_key) == [
        "Anh", "Ăn", "Ấp", "Ban Công tác Đoàn", "Công an tỉnh", "Dân tộc", "Đài Phát thanh",
        "Sở Giáo dục", "Sở Tư pháp", "Sở Y tế", "Ủy ban MTTQ"]
    # tones are a secondary difference: "ma" < "mà" < "mả" < "mã" < "má" < "mạ" < "mac"
    assert sorted(["mac", "mạ", "má", "mã", "mả", "mà", "ma"], key=reporting.vi_key) == \
        ["ma", "mà", "mả", "mã", "má", "mạ", "mac"]
