"""Continuity (docs/indicators.md): a scope's successive plans carry one history per indicator, and
next year's baseline is this year's annual actual, reported once. Built through the command line
a person uses: template, import, next-plan, init, status, history."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from indicators import continuity
from indicators.errors import InputRefused, UsageError
from indicators.store import Store
from tests.helpers import cli_json, fill, run_cli

SON_LA, NEXT = "son-la-2026", "son-la-2027"




def _report(db: Path, tmp: Path, plan: str, period: str, values: dict) -> None:
    """The lead agency's report of `values`, through the template and import commands."""
    path = tmp / f"{plan}-{period}.xlsx"
    out = run_cli("template", plan, "--agency", "Sở Y tế", "--period", period, "-o", path, db=db)
    assert out.returncode == 0, out.stderr
    path.write_bytes(fill(path.read_bytes(), values))
    out = run_cli("import", path, db=db)
    assert out.returncode == 0, out.stderr


@pytest.mark.store
def test_two_successive_yearly_plans_make_one_history_and_the_baseline_is_reported_once(tmp_path, catalogue_dir):
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    _report(db, tmp_path, SON_LA, "2026", {"3": 9.1, "1": 66})

    # next year's plan, started from this year's: every value blank, filled by the person
    draft = tmp_path / "son-la-2027.toml"
    out = run_cli("next-plan", SON_LA, "-o", draft, db=db)
    assert out.returncode == 0, out.stderr
    text = draft.read_text(encoding="utf-8")
    blanks = re.findall(r"^# target = .*$", text, flags=re.M)
    assert len(blanks) == 31 and "# target =   # năm trước: < 9,4‰" in text  # 32 targets, one a direction
    assert 'indicator = "tu-vong-so-sinh"' in text and 'parent = "qd23-2021-2030"' in text and 'year = 2027' in text
    assert 'code = "2027-H1"' in text and "deadline = 2027-05-10" in text
    shutil.copy(draft, catalogue_dir / "plans" / draft.name)
    out = run_cli("init", db=db)  # not loadable while a value is blank: which one, where
    assert out.returncode == 1 and "son-la-2027.toml" in out.stderr and "cần giá trị target" in out.stderr
    (catalogue_dir / "plans" / draft.name).write_text(
        re.sub(r"^# target = ", "target = 9.2", text, count=0, flags=re.M).replace("target = 9.2  #", "target = 9.2 #"),
        encoding="utf-8")
    out = run_cli("init", db=db)
    assert out.returncode == 0, out.stderr
    _report(db, tmp_path, NEXT, "2027-H1", {"3": 9.0})

    status = {r["code"]: r for r in cli_json("status", NEXT, "--period", "2027-H1", db=db)["targets"]}
    assert status["3"]["baseline"] == pytest.approx(9.1)  # the 2026 annual actual of son-la-2026
    assert status["3"]["baseline_used"] == pytest.approx(9.1)
    assert status["1"]["baseline"] == pytest.approx(66)
    with Store(db) as s:  # nobody reported 2026 a second time, into the 2027 plan
        assert not [p for p in s.periods_with_data(NEXT) if p == "2026"]
        from indicators import progress

        row = {r.target.code: r for r in progress.plan_progress(s, NEXT, "2027-H1").rows}["3"]
        assert row.baseline.method == "carried" and "son-la-2026, chỉ tiêu 3, năm 2026" in row.baseline.explain(row.target)

    history = cli_json("history", NEXT, "3", db=db)
    assert [(h["year"], h["plan"], h["target"], h["actual"], h["period"]) for h in history] == [
        (2026, SON_LA, 9.4, 9.1, "2026"), (2027, NEXT, 9.2, 9.0, "2027-H1")]
    assert cli_json("history", SON_LA, "3", db=db) == history  # the same from either plan
    text = run_cli("history", NEXT, "3", db=db).stdout
    assert "tỉnh Sơn La — Tỷ suất tử vong trẻ sơ sinh" in text and "son-la-2027" in text


@pytest.mark.store
def test_the_plans_own_baseline_report_wins_over_the_carried_one(store):
    """When the new plan holds a report for its baseline period, that report is the baseline (a
    person reported it on purpose); the carried figure fills only the gap."""
    from indicators import progress
    from indicators.store import Row

    data = continuity.next_year_plan(store.plan(SON_LA))
    plan = continuity.fill(data, {c: 1.0 for c in continuity.blank_codes(data)})
    store.load_catalogue([plan])
    store.record_submission(SON_LA, "Sở Y tế", "2026", [Row("3", 9.1)], actor="t")
    row = {r.target.code: r for r in progress.plan_progress(store, NEXT, "2027-H1").rows}["3"]
    assert (row.baseline.value, row.baseline.method) == (9.1, "carried")
    store.record_submission(NEXT, "Sở Y tế", "2026", [Row("3", 8.8)], actor="t")
    row = {r.target.code: r for r in progress.plan_progress(store, NEXT, "2027-H1").rows}["3"]
    assert (row.baseline.value, row.baseline.method) == (8.8, "lead")


@pytest.mark.unit
def test_next_year_plan_keeps_what_is_measured_and_blanks_the_values(catalogue):
    son_la = catalogue[SON_LA]
    data = continuity.next_year_plan(son_la)
    assert (data["slug"], data["year"], data["parent"]) == (NEXT, 2027, son_la.parent)
    assert [p["code"] for p in data["periods"]] == ["2027-H1", "2027"]
    blanks = continuity.blank_codes(data)
    assert len(blanks) == 31 and "3" in blanks  # 32 measurable targets; 9 (a direction) sets no value
    with pytest.raises(InputRefused) as err:
        continuity.fill(data, {"3": 9.2})
    assert len(err.value.problems) == 30 and err.value.problems[0].where.startswith("chỉ tiêu ")
    plan = continuity.fill(data, {c: 50.0 for c in blanks})
    old, new = son_la.measurable_targets(), plan.measurable_targets()
    assert [(t.code, t.unit, t.comparator, t.indicator, t.lead_agency) for t in new] == \
        [(t.code, t.unit, t.comparator, t.indicator, t.lead_agency) for t in old]
    assert all(t.baseline is None for t in new)
    with pytest.raises(UsageError, match="chương trình nhiều năm"):
        continuity.next_year_plan(catalogue["qd23-2021-2030"])
    with pytest.raises(UsageError, match="phải sau năm 2026"):
        continuity.next_year_plan(son_la, 2026)


@pytest.mark.store
def test_next_plan_does_not_overwrite_a_file(tmp_path, catalogue_dir):
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    target = tmp_path / "co-san.toml"
    target.write_text("giữ nguyên", encoding="utf-8")
    out = run_cli("next-plan", SON_LA, "-o", target, db=db)
    assert out.returncode == 2 and "không ghi đè" in out.stderr and target.read_text(encoding="utf-8") == "giữ nguyên"


@pytest.mark.unit
def test_next_year_plan_refuses_years_out_of_range_and_a_slug_already_taken(catalogue):
    """Found by review: --year 2101 wrote a draft the catalogue refuses, --year 0 became 2027, a huge
    year crashed; the page saved a new plan over one already loaded under the typed slug."""
    son_la = catalogue[SON_LA]
    for year in (0, 2101, 10 ** 20):
        with pytest.raises(UsageError, match="từ 2000 đến 2100"):
            continuity.next_year_plan(son_la, year)
    data = continuity.next_year_plan(son_la) | {"slug": "lang-son-2023"}
    with pytest.raises(UsageError, match="Đã có kế hoạch mã \"lang-son-2023\""):
        continuity.fill(data, {c: 50.0 for c in continuity.blank_codes(data)}, taken=list(catalogue))
