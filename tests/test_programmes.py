"""Programmes (multi-year plans with milestone years, docs/status-rules.md "Programmes"): the model,
the status engine's rules for them one by one, the national programme through real templates, and
proof that the five yearly plans are judged exactly as before."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from indicators import demo, progress, status
from indicators.errors import CatalogueError
from indicators.models import Plan
from indicators.periods import parse
from indicators.status import ACHIEVED, LAGGING, NO_DATA, NOT_ACHIEVED, OFF_TRACK, ON_TRACK
from indicators.store import SCHEMA_VERSION, Store
from loaders.catalogue import load_catalogue, load_plan_file, load_registry
from loaders.templates import template_for
from tests.helpers import ROOT, cli_json, fill, import_bytes, snapshot

QD23 = "qd23-2021-2030"
YEARLY_BEFORE = ROOT / "tests" / "snapshots" / "yearly_statuses_before_programmes.json"


def programme(*targets: dict, start: int = 2021, end: int = 2030) -> Plan:
    return Plan.model_validate({
        "slug": "ct-thu", "title": "Chương trình thử", "issuer": "UBND tỉnh Thử", "level": "province",
        "province": "Thử", "scope": "tỉnh Thử", "start_year": start, "end_year": end, "standing_agency": "Sở Y tế",
        "periods": [{"code": f"{y}-H1"} for y in range(start, end + 1)] + [{"code": str(y)} for y in range(start, end + 1)],
        "targets": list(targets),
    })


RATE_UP = {"code": "1", "text": "Tỷ lệ xã phù hợp với trẻ em đạt 65% vào năm 2025 và 75% vào năm 2030", "unit": "%",
           "comparator": ">=", "milestones": [{"year": 2025, "target": 65}, {"year": 2030, "target": 75}]}
ONLY_2025 = {"code": "2", "text": "95% trường học có dịch vụ hỗ trợ tâm lý vào năm 2025", "unit": "%",
             "comparator": ">=", "milestones": [{"year": 2025, "target": 95}]}


def judge(plan: Plan, code: str, period: str, values: dict[str, float]):
    """The status of one target for a period, from plan-level figures per period code."""
    t = next(t for t in plan.measurable_targets() if t.code == code)
    p = parse(period)
    return status.judge_in_plan(plan, t, p, values.get), status.milestone_verdicts(plan, t, p, values.get)


# --- the model -------------------------------------------------------------------------------------

@pytest.mark.unit
def test_a_programme_target_carries_its_milestones_and_the_last_gives_the_single_value():
    t = programme(RATE_UP).measurable_targets()[0]
    assert [(m.year, m.comparator, m.target) for m in t.milestones] == [(2025, ">=", 65), (2030, ">=", 75)]
    assert (t.target, t.target_year, t.comparator) == (75, 2030, ">=")


@pytest.mark.unit
def test_a_yearly_plan_target_is_one_milestone_in_its_own_year(catalogue):
    t = next(t for t in catalogue["son-la-2026"].measurable_targets() if t.code == "3")
    assert [(m.year, m.comparator, m.target) for m in t.milestones] == [(2026, "<", 9.4)]
    # Sơn La's 2030 value of chỉ tiêu 9 is the national programme's, outside the plan: no milestone of it
    nine = next(t for t in catalogue["son-la-2026"].measurable_targets() if t.code == "9")
    assert (nine.kind, nine.target_year, nine.milestones) == ("direction", 2030, [])


# --- §10 rule by rule ------------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("period, governing", [("2022-H1", 2025), ("2024", 2025), ("2025-H1", 2025), ("2025", 2025),
                                               ("2026-H1", 2030), ("2029", 2030), ("2030", 2030)])
def test_the_governing_milestone_is_the_earliest_not_before_the_period(period, governing):
    j, _ = judge(programme(RATE_UP), "1", period, {"2020": 50.0, period: 51.0})
    assert j.milestone_year == governing


@pytest.mark.unit
def test_after_the_last_milestone_the_last_one_governs():
    j, _ = judge(programme(ONLY_2025), "2", "2027", {"2020": 80.0, "2027": 93.0})
    assert (j.milestone_year, j.status) == (2025, NOT_ACHIEVED)


@pytest.mark.unit
@pytest.mark.parametrize("actual, expected", [(65.0, ACHIEVED), (64.9, NOT_ACHIEVED)])
def test_rule_1_the_annual_report_of_the_milestone_year_is_final(actual, expected):
    j, _ = judge(programme(RATE_UP), "1", "2025", {"2020": 50.0, "2025": actual})
    assert j.status == expected and "mốc 2025" in j.explanation


@pytest.mark.unit
def test_rule_2_pace_from_the_baseline_with_the_elapsed_share_in_years():
    # B = 50 in 2020, M = 65 in 2025; annual 2023: t = 2023, E = 3/5 = 0,6; A = 58: P = 8/15, R = 0,889
    j, _ = judge(programme(RATE_UP), "1", "2023", {"2020": 50.0, "2023": 58.0})
    assert j.status == LAGGING and j.rule == "4"
    assert (round(j.elapsed, 9), round(j.pace, 3)) == (0.6, 0.889)
    assert j.explanation.startswith("Chậm tiến độ so với lộ trình đến mốc 2025: cần ≥ 65%, hiện 58%, R = 0,89")
    # H1 2023 ends at t = 2022,5: E = 2,5/5 = 0,5, so the same 58% is on track (R = 1,07)
    h1, _ = judge(programme(RATE_UP), "1", "2023-H1", {"2020": 50.0, "2023-H1": 58.0})
    assert (round(h1.elapsed, 9), h1.status) == (0.5, ON_TRACK)


@pytest.mark.unit
def test_rule_2_pace_towards_the_next_milestone_counts_from_the_baseline_year():
    # 2027 is governed by 2030 (75): E = (2027 − 2020)/(2030 − 2020) = 0,7; A = 64: P = 14/25 = 0,56, R = 0,8
    j, _ = judge(programme(RATE_UP), "1", "2027", {"2020": 50.0, "2027": 64.0})
    assert (j.milestone_year, round(j.elapsed, 9), round(j.pace, 3), j.status) == (2030, 0.7, 0.8, LAGGING)


@pytest.mark.unit
def test_rule_2_a_stated_baseline_year_is_the_start_of_the_road():
    stated = dict(RATE_UP, baseline=60, baseline_year=2022)
    j, _ = judge(programme(stated), "1", "2024", {"2024": 62.0})  # E = 2/3, P = 2/5: R = 0,6
    assert (round(j.elapsed, 6), round(j.pace, 6), j.status) == (round(2 / 3, 6), 0.6, LAGGING)
    assert "năm 2022" in j.explanation


@pytest.mark.unit
@pytest.mark.parametrize("actual, expected", [(63.0, LAGGING), (55.0, OFF_TRACK)])
def test_rule_2_without_a_baseline_the_relative_gap_to_the_milestone_decides(actual, expected):
    j, _ = judge(programme(RATE_UP), "1", "2023", {"2023": actual})  # g = 2/65 = 0,03; 10/65 = 0,15
    assert (j.rule, j.status, j.milestone_year) == ("5", expected, 2025)


@pytest.mark.unit
def test_rule_3_meeting_the_milestone_early_is_achieved_for_that_period():
    j, _ = judge(programme(RATE_UP), "1", "2023", {"2020": 50.0, "2023": 66.0})
    assert (j.status, j.rule) == (ACHIEVED, "2")


@pytest.mark.unit
def test_rule_4_a_past_milestone_keeps_its_verdict():
    values = {"2020": 50.0, "2025": 62.0, "2027": 70.0}
    j, verdicts = judge(programme(RATE_UP), "1", "2027", values)
    assert [(v.year, v.status) for v in verdicts] == [(2025, NOT_ACHIEVED), (2030, None)]
    assert verdicts[0].display() == "Mốc 2025: ✖ Không đạt" and verdicts[1].display() == "Mốc 2030: chưa đến"
    assert j.status == ON_TRACK  # 2027 against 2030: P = 20/25 = 0,8, E = 0,7
    # a milestone year without its annual report has no verdict to keep, and says so
    _, missing = judge(programme(RATE_UP), "1", "2027", {"2020": 50.0, "2027": 70.0})
    assert missing[0].status == NO_DATA


@pytest.mark.unit
def test_a_lower_is_better_road_is_judged_the_same_way():
    death = {"code": "3", "text": "Giảm tỷ suất tử vong trẻ sơ sinh dưới 9,5 vào năm 2025 và dưới 9 vào năm 2030",
             "unit": "‰", "comparator": "<", "milestones": [{"year": 2025, "target": 9.5}, {"year": 2030, "target": 9}]}
    # B = 10,5 in 2020; 2023: E = 0,6; A = 9,9: P = 0,6/1,0 = 0,6, R = 1 → on track
    j, _ = judge(programme(death), "3", "2023", {"2020": 10.5, "2023": 9.9})
    assert (j.status, round(j.pace, 6)) == (ON_TRACK, 1.0)
    j, _ = judge(programme(death), "3", "2025", {"2020": 10.5, "2025": 9.5})
    assert j.status == NOT_ACHIEVED  # "dưới 9,5": 9,5 itself is not below


# --- bad catalogue input ---------------------------------------------------------------------------

def _qd23_with(tmp_path, old: str, new: str) -> Path:
    src = (ROOT / "data" / "plans" / f"{QD23}.toml").read_text(encoding="utf-8")
    assert old in src
    path = tmp_path / f"{QD23}.toml"
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.unit
def test_a_milestone_outside_the_span_is_refused_naming_file_target_and_field(tmp_path):
    path = _qd23_with(tmp_path, "{year = 2030, comparator = \">=\", target = 75}", "{year = 2031, comparator = \">=\", target = 75}")
    with pytest.raises(CatalogueError) as err:
        load_plan_file(path)
    text = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert f"{QD23}.toml" in text and "chỉ tiêu 1:" in text and "milestones[1].year = 2031" in text


@pytest.mark.unit
def test_two_milestones_for_one_year_are_refused_naming_file_target_and_field(tmp_path):
    path = _qd23_with(tmp_path, "{year = 2030, comparator = \">=\", target = 75}", "{year = 2025, comparator = \">=\", target = 75}")
    with pytest.raises(CatalogueError) as err:
        load_plan_file(path)
    problems = [str(p) for p in err.value.problems]
    assert any(f"{QD23}.toml" in p and 'mã "1"' in p and "milestones" in p and "2025" in p for p in problems), problems


@pytest.mark.unit
def test_target_and_milestones_together_are_refused():
    with pytest.raises(ValueError, match="đã khai báo milestones thì không ghi target"):
        programme(dict(RATE_UP, target=75))


@pytest.mark.unit
def test_a_road_against_its_own_direction_is_flagged_for_review_with_the_reason():
    wrong = {"code": "9", "text": "Giảm tỷ lệ trẻ em bị xâm hại xuống dưới 4,5% vào năm 2025 và dưới 5% vào năm 2030",
             "unit": "%", "comparator": "<", "milestones": [{"year": 2025, "target": 4.5}, {"year": 2030, "target": 5}]}
    t = programme(wrong).measurable_targets()[0]
    assert t.review == ["lộ trình ngược chiều: chỉ tiêu giảm nhưng mốc 2030 (5) cao hơn mốc 2025 (4,5)"]
    assert programme(RATE_UP).measurable_targets()[0].review == []


# --- the national programme through real templates -------------------------------------------------

@pytest.mark.store
def test_national_programme_statuses_follow_the_milestones_through_real_templates(store):
    plan = store.plan(QD23)
    agency = plan.standing_agency
    before = snapshot(store)
    for period, values in (("2020", {"1": 50.0, "14": 96.0}), ("2023", {"1": 58.0, "14": 98.6}),
                           ("2025", {"1": 64.0, "14": 98.6}), ("2027", {"1": 70.0})):
        _, data = template_for(store, QD23, agency, period)
        import_bytes(store, fill(data, values))
    assert snapshot(store) != before
    rows = {r.target.code: r for r in progress.plan_progress(store, QD23, "2023").rows}
    assert (rows["1"].status, rows["1"].judgement.milestone_year) == (LAGGING, 2025)  # R = 0,89
    assert rows["14"].status == ACHIEVED  # 98,6 ≥ 98,5 two years early (rule 3)
    at_2025 = {r.target.code: r for r in progress.plan_progress(store, QD23, "2025").rows}
    assert at_2025["1"].status == NOT_ACHIEVED and at_2025["14"].status == ACHIEVED
    later = {r.target.code: r for r in progress.plan_progress(store, QD23, "2027").rows}
    assert later["1"].judgement.milestone_year == 2030
    assert [(m.year, m.status) for m in later["1"].milestones] == [(2025, NOT_ACHIEVED), (2030, None)]
    assert later["14"].milestones[0].status == ACHIEVED


@pytest.mark.store
def test_status_json_carries_the_governing_milestone_and_past_verdicts(demo_db, tmp_path):
    import shutil

    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    data = cli_json("status", QD23, "--period", "2025", db=db)
    rows = {r["code"]: r for r in data["targets"]}
    assert len(rows) == 34 and {r["milestone_year"] for r in rows.values()} == {2025, 2030}
    one = rows["1"]
    assert [(m["year"], m["comparator"], m["target"]) for m in one["milestones"]] == [(2025, ">=", 65), (2030, ">=", 75)]
    assert one["milestones"][0]["status"] == one["status"] and one["milestones"][1]["status"] is None


# --- the five yearly plans are judged exactly as before programmes existed ------------------------

def yearly_statuses(plans: list[Plan]) -> dict:
    """Every status of the yearly plans on the demo data, as tests/snapshots/yearly_statuses_before_programmes.json
    holds it. That file was written by this function run on commit 6dbcee7, the last one before
    programmes (the engine of that commit), and is compared here with today's engine."""
    keys = ("code", "status", "rule", "explanation", "judged_target", "baseline_used", "progress", "elapsed", "pace",
            "gap", "actual")
    out = {}
    with tempfile.TemporaryDirectory() as d, Store(Path(d) / "x.duckdb") as s:
        s.migrate()
        s.load_catalogue(plans, registry=load_registry())
        demo.load_demo(s)
        for p in plans:
            for code in p.accepted_periods():
                pp = progress.plan_progress(s, p.slug, code)
                out[f"{p.slug} {code}"] = ([{k: r.as_dict()[k] for k in keys} for r in pp.rows]
                                           + [{"compounds": pp.compounds}])
    return out


@pytest.mark.store
def test_the_five_yearly_plans_statuses_are_unchanged():
    plans = [p for p in load_catalogue() if not p.is_programme]
    assert len(plans) == 5
    now = json.loads(json.dumps(yearly_statuses(plans), ensure_ascii=False))
    before = json.loads(YEARLY_BEFORE.read_text(encoding="utf-8"))
    assert sum(len(v) - 1 for v in before.values()) == 229
    assert now == before


@pytest.mark.store
def test_a_database_of_schema_4_migrates_forward_and_keeps_its_yearly_plans(tmp_path, catalogue):
    """A database written before programmes (schema 4: plans.year, catalogue_json with `year`)."""
    plan = catalogue["son-la-2026"]
    old_blob = plan.model_dump(mode="json")
    old_blob["year"] = old_blob.pop("start_year")
    del old_blob["end_year"]
    del old_blob["parent"]
    for t in old_blob["targets"]:  # fields the old model did not have
        for item in [t] + t["parts"]:
            for key in ("milestones", "category", "review", "indicator", "categories"):
                item.pop(key, None)
    with Store(tmp_path / "old.duckdb") as s:
        assert s.migrate(to=4) == [1, 2, 3, 4]
        s.con.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                      [plan.slug, plan.title, plan.issuer, plan.level, plan.province, plan.scope, 2026, plan.doc_number,
                       plan.doc_date, plan.implements, plan.standing_agency, plan.source_file, json.dumps(old_blob, ensure_ascii=False)])
    with Store(tmp_path / "old.duckdb") as s:
        assert s.migrate() == list(range(5, SCHEMA_VERSION + 1))  # every later migration, in order
        assert s.con.execute("SELECT start_year, end_year FROM plans").fetchall() == [(2026, 2026)]
        read = s.plan("son-la-2026")
        assert (read.start_year, read.end_year, read.is_programme) == (2026, 2026, False)
        assert [t.milestones for t in read.measurable_targets()] == [t.milestones for t in plan.measurable_targets()]
        assert s.load_catalogue([plan], registry=load_registry())["son-la-2026"] == "updated"  # written again in today's form


# --- found by review: the edges of programmes ------------------------------------------------------

@pytest.mark.unit
def test_a_yearly_change_with_an_aspiration_names_the_level_it_asks_for(catalogue):
    # QĐ 23 chỉ tiêu 13: fall by 2 (wish 3) points a year; 2024 = 20, 2025 = 17,5 → T = 18, wish 17
    plan = catalogue[QD23]
    j, _ = judge(plan, "13", "2025", {"2024": 20.0, "2025": 17.5})
    assert j.status == ACHIEVED and "Mức phấn đấu 17%: còn cách 0,5 điểm %" in j.explanation
    assert "13" in next(t.code for t in plan.measurable_targets() if t.code == "13")


@pytest.mark.unit
def test_a_milestone_verdict_of_a_year_on_year_target_has_its_previous_year(catalogue):
    plan = catalogue[QD23]
    t = next(t for t in plan.measurable_targets() if t.code == "13")
    assert {"2029", "2030"} <= progress.needed_periods(plan, [t], parse("2030"))
    _, verdicts = judge(plan, "13", "2030", {"2029": 10.0, "2030": 7.5})
    assert [(v.year, v.status) for v in verdicts] == [(2030, ACHIEVED)]


@pytest.mark.unit
def test_the_baseline_year_of_a_programme_is_not_judged_against_its_last_milestone():
    j, _ = judge(programme(RATE_UP), "1", "2020", {"2020": 50.0})
    assert (j.status, j.rule, j.milestone_year) == (OFF_TRACK, "5", 2025)  # g = 15/65 against 2025, not "Không đạt 75%"


@pytest.mark.unit
def test_a_dated_activity_of_a_programme_is_final_only_from_its_year():
    activity = {"code": "5", "text": "Xây dựng phần mềm quản lý trẻ em trong năm 2028", "unit": "milestone",
                "comparator": "=", "kind": "milestone", "target_year": 2028}
    plan = programme(activity)
    assert judge(plan, "5", "2026", {"2026": "Đang thực hiện"})[0].status == ON_TRACK
    assert judge(plan, "5", "2028", {"2028": "Đang thực hiện"})[0].status == NOT_ACHIEVED


@pytest.mark.unit
def test_an_actual_that_rounds_like_its_milestone_is_shown_with_enough_decimals():
    dropout = {"code": "17b", "text": "giảm tỷ lệ trẻ em bỏ học bậc tiểu học dưới 0,12% vào năm 2025", "unit": "%",
               "comparator": "<", "milestones": [{"year": 2025, "target": 0.12}]}
    j, _ = judge(programme(dropout), "17b", "2025", {"2025": 0.115})
    assert j.status == ACHIEVED and "0,115% < 0,12%" in j.explanation
    j, _ = judge(programme(dropout), "17b", "2025", {"2025": 0.1249})
    assert j.status == NOT_ACHIEVED and "0,125%" in j.explanation


@pytest.mark.unit
@pytest.mark.parametrize("entry, words", [
    ({"kind": "direction", "milestones": [{"year": 2025, "target": 5}]}, 'kind = "direction" không dùng milestones'),
    ({"kind": "yearly_change", "baseline": 30, "baseline_year": 2020, "milestones": [{"year": 2030, "target": -2}]},
     "so mỗi năm với năm trước, không ghi baseline"),
    ({"baseline": 60, "baseline_year": 2031, "milestones": [{"year": 2030, "target": 75}]}, "baseline_year = 2031 sau năm cuối"),
])
def test_programme_targets_that_cannot_be_judged_as_written_are_refused(entry, words):
    base = {"code": "1", "text": "Tỷ lệ …", "unit": "%", "comparator": "<="}
    with pytest.raises(ValueError, match=words):
        programme({**base, **entry})


@pytest.mark.unit
def test_a_milestone_year_out_of_every_range_is_refused_in_vietnamese(tmp_path):
    path = _qd23_with(tmp_path, "{year = 2030, comparator = \">=\", target = 75}", "{year = 1999, comparator = \">=\", target = 75}")
    with pytest.raises(CatalogueError) as err:
        load_plan_file(path)
    assert any("milestones[1] → year" in p.where and "ngoài khoảng cho phép: phải từ 2000" in p.message
               for p in err.value.problems), [str(p) for p in err.value.problems]


@pytest.mark.unit
def test_national_programme_reports_not_received_are_missing_once_the_year_is_over(catalogue):
    from datetime import date

    from indicators import reporting

    plan = catalogue[QD23]
    reports = reporting.expected_reports(plan, plan.measurable_targets(), [], date(2026, 11, 26))
    states = {p: {r.state for r in reports if r.period == p} for p in ("2021", "2025", "2026")}
    assert states == {"2021": {reporting.MISSING}, "2025": {reporting.MISSING}, "2026": {reporting.NOT_DUE}}


@pytest.mark.store
def test_exports_state_the_governing_milestone_as_the_plan_value(demo_db):
    from loaders import exports

    with Store(demo_db) as s:
        b = exports.gather(s, QD23, "2025")
    rows = {r.target.code: r for r in b.progress.rows}
    assert exports.target_value(rows["1"]) == 65 and exports.target_value(rows["3c"]) == 18.5


@pytest.mark.store
def test_receipts_keep_the_latest_file_name_even_when_it_is_missing(store):
    from datetime import datetime

    from indicators import reporting
    from indicators.store import Row

    plan = store.plan("son-la-2026")
    for name, when in (("a.xlsx", datetime(2026, 5, 1)), (None, datetime(2026, 5, 2))):
        store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", value=60.0 + when.day)], actor="x",
                                source="cli", file_name=name, received_at=when)
    got = store.receipts("son-la-2026")[("Sở Y tế", "2026-H1")]
    assert (got.count, got.file_name) == (2, None)
    assert got == reporting.receipts_of(store.submissions("son-la-2026"), plan.slug)[("Sở Y tế", "2026-H1")]


@pytest.mark.store
def test_a_programme_without_data_opens_on_the_period_of_the_current_year(store):
    from datetime import date

    plan = store.plan(QD23)
    assert progress.default_period(store, plan, today=date(2026, 11, 26)) == "2026"
    assert progress.default_period(store, plan, today=date(2019, 1, 1)) == "2021"  # before it starts: the first
    assert progress.default_period(store, store.plan("son-la-2026"), today=date(2026, 11, 26)) == "2026-H1"  # yearly: as before
