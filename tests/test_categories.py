"""Disaggregated targets in the Excel report (docs/template.md, "Category rows"): a target with
categories has one "trong đó: …" row per category under its own row, in the agency template and,
per unit, in the compilation; the reader tells the rows apart by their signed records, intake
refuses a category the plan no longer has, plausibility compares a category with itself, and the
whole is Σ tử số / Σ mẫu số of the categories when its own row is left blank.

The plan is built here from son-la-2026 (indicator links dropped, target 6 split by khu vực), so
nothing depends on the catalogue files being edited elsewhere."""
from __future__ import annotations

import io

import openpyxl
import pytest

from indicators import intake, plausibility, progress
from indicators.errors import InputRefused
from indicators.models import Plan
from indicators.registry import Dimension, Registry
from indicators.scopes import check_rows, register_units
from indicators.store import Row, Store
from loaders.templates import (COMPILATION_SHEET, GUIDE_SHEET, HEADER_ROW, HEADERS, META_ROWS_START, META_SHEET,
                               REPORT_SHEET, template_for)
from loaders.workbooks import read_report
from tests.helpers import fill, import_bytes, snapshot

SLUG, AGENCY, PERIOD = "son-la-2026", "Sở Y tế", "2026-H1"
CODE = "6"  # % target "< 14,8%" led by Sở Y tế
RURAL, URBAN = "nông thôn", "thành thị"
OPERATOR = "máy chủ:kiem-thu"
UNITS = ["UBND xã Chiềng Sinh", "UBND phường Tô Hiệu"]


def plan_with(catalogue, categories: list[dict] | None) -> Plan:
    """son-la-2026 without indicator links (the registry here is only the khu vực dimension), target
    6 split by `categories` (None: not split)."""
    data = catalogue[SLUG].model_dump()

    def strip(items):
        for t in items:
            t["indicator"] = None
            strip(t.get("parts", []))
            if t["code"] == CODE:
                t["categories"] = categories or []

    strip(data["targets"])
    data["parent"] = ""
    return Plan.model_validate(data)


SPLIT = [{"name": RURAL, "target": 16}, {"name": URBAN}]


@pytest.fixture
def cat_store(tmp_path, catalogue):
    s = Store(tmp_path / "categories.duckdb")
    s.migrate()
    s.load_registry(Registry(dimensions=[Dimension(code="khu-vuc", name="Khu vực", categories=[URBAN, RURAL])]))
    s.load_catalogue([plan_with(catalogue, SPLIT)])
    yield s
    s.close()


def body(data: bytes, sheet: str = REPORT_SHEET) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    return [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def excel_row(data: bytes, code: str, category: str | None = None, sheet: str = REPORT_SHEET, off: int = 0,
              unit: str | None = None) -> int:
    """The Excel row number of a target's row (or of one category's row)."""
    text = f"trong đó: {category}" if category else None
    for i, r in enumerate(body(data, sheet)):
        if r[off] == code and (unit is None or r[0] == unit) and (text is None or r[off + 1] == text) \
                and (text is not None or not str(r[off + 1]).startswith("trong đó: ")):
            return HEADER_ROW + 1 + i
    raise AssertionError((code, category, unit))


def edited(data: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(store, code: str):
    return next(r for r in progress.plan_progress(store, SLUG, PERIOD).rows if r.target.code == code)


# -- the template -------------------------------------------------------------------------------------


@pytest.mark.store
def test_agency_template_has_a_locked_row_per_category_after_its_target(cat_store):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[REPORT_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == HEADERS  # the fixed columns do not change
    whole = excel_row(data, CODE)
    rows = [[c.value for c in ws[whole + k]][:4] for k in range(4)]
    assert rows[0][:3] == [CODE, next(t.text for t in cat_store.targets(SLUG) if t.code == CODE), "%"]
    assert rows[1] == [CODE, "trong đó: nông thôn", "%", "< 16%"]  # the category's own target
    assert rows[2] == [CODE, "trong đó: thành thị", "%", "—"]  # none stated for it
    assert rows[3][0] == "7"  # then the next target
    for r in (whole + 1, whole + 2):
        assert all(ws.cell(r, c).protection.locked for c in range(1, 5))
        assert not any(ws.cell(r, c).protection.locked for c in range(5, 9))  # Kết quả, Tử số, Mẫu số, Ghi chú
        assert ws.cell(r, 2).alignment.indent  # shown under its target
    # the % validation (0–100) covers the category rows as it covers the target's own row
    percent = [d for d in ws.data_validations.dataValidation if d.formula2 == "100"]
    assert all(any(f"E{r}" in d.sqref for d in percent) for r in (whole, whole + 1, whole + 2))
    # the hidden records say which row is which category (sixth cell); a whole row keeps five
    meta = wb[META_SHEET]
    records = [[c.value for c in r][:6] for r in meta.iter_rows(min_row=META_ROWS_START, max_row=META_ROWS_START + 40)]
    mine = [r for r in records if r[1] == CODE]
    assert [r[5] for r in mine] == [None, RURAL, URBAN]
    assert all(r[5] is None for r in records if r[1] and r[1] != CODE)
    guide = "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)
    assert "trong đó" in guide and "tổng tử số / tổng mẫu số" in guide


@pytest.mark.store
def test_compilation_template_has_category_rows_under_each_unit(cat_store):
    register_units(cat_store, SLUG, AGENCY, UNITS, actor=OPERATOR)
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD, units=UNITS)
    six = [r[:5] for r in body(data, COMPILATION_SHEET) if r[1] == CODE]
    assert [(r[0], r[2]) for r in six] == [
        (UNITS[0], six[0][2]), (UNITS[0], "trong đó: nông thôn"), (UNITS[0], "trong đó: thành thị"),
        (UNITS[1], six[0][2]), (UNITS[1], "trong đó: nông thôn"), (UNITS[1], "trong đó: thành thị")]
    filled = fill(data, {(UNITS[0], CODE, RURAL): (None, 30, 200), (UNITS[1], CODE, URBAN): 5.0},
                  sheet=COMPILATION_SHEET, extra_cols=1)
    parsed = read_report(filled, "tong-hop.xlsx", cat_store)
    assert parsed.ok, [str(p) for p in parsed.problems]
    got = {(r.agency, r.category): (r.value, r.where) for r in parsed.rows}
    assert got == {(UNITS[0], RURAL): (15.0, f"{COMPILATION_SHEET}!F{excel_row(data, CODE, RURAL, COMPILATION_SHEET, 1, UNITS[0])}"),
                   (UNITS[1], URBAN): (5.0, f"{COMPILATION_SHEET}!F{excel_row(data, CODE, URBAN, COMPILATION_SHEET, 1, UNITS[1])}")}
    intake.commit(cat_store, parsed, operator=OPERATOR)
    current = cat_store.current_values_many(SLUG, UNITS, PERIOD)
    assert current[(UNITS[0], CODE, RURAL)]["value"] == 15.0 and (UNITS[0], CODE, None) not in current


# -- reading, importing, progress ---------------------------------------------------------------------


@pytest.mark.store
def test_category_rows_import_and_the_whole_is_their_summed_ratio(cat_store):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    filled = fill(data, {(CODE, RURAL): (None, 30, 200), (CODE, URBAN): (None, 50, 1000)})  # whole row left blank
    parsed = read_report(filled, "bao-cao.xlsx", cat_store)
    assert parsed.ok, [str(p) for p in parsed.problems]
    assert {(r.code, r.category): (r.value, r.numerator, r.denominator, r.where) for r in parsed.rows} == {
        (CODE, RURAL): (15.0, 30, 200, f"{REPORT_SHEET}!E{excel_row(data, CODE, RURAL)}"),
        (CODE, URBAN): (5.0, 50, 1000, f"{REPORT_SHEET}!E{excel_row(data, CODE, URBAN)}")}
    import_bytes(cat_store, filled)
    r = row_of(cat_store, CODE)
    split = {c.name: c for c in r.categories}
    assert list(split) == [RURAL, URBAN]
    assert split[RURAL].figure.value == pytest.approx(15.0) and split[URBAN].figure.value == pytest.approx(5.0)
    assert split[RURAL].judgement is not None and split[URBAN].judgement is None  # no target stated for thành thị
    # Σ tử số / Σ mẫu số = 80 / 1200, not the mean of 15% and 5%
    assert r.figure.value == pytest.approx(80 / 1200 * 100)
    assert (r.figure.numerator, r.figure.denominator) == (80, 1200)
    # a reported whole wins over the categories
    _, again = template_for(cat_store, SLUG, AGENCY, PERIOD)
    import_bytes(cat_store, fill(again, {CODE: 12.0}))
    assert row_of(cat_store, CODE).figure.value == pytest.approx(12.0)


@pytest.mark.store
def test_a_correction_of_one_category_supersedes_only_that_category(cat_store):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    import_bytes(cat_store, fill(data, {CODE: 10.0, (CODE, RURAL): (None, 30, 200), (CODE, URBAN): (None, 50, 1000)}))
    _, again = template_for(cat_store, SLUG, AGENCY, PERIOD)
    prefilled = {r[1]: r[4:7] for r in body(again) if r[0] == CODE}  # each row prefilled with its own values
    assert prefilled == {next(t.text for t in cat_store.targets(SLUG) if t.code == CODE): (10, None, None),
                         "trong đó: nông thôn": (15, 30, 200), "trong đó: thành thị": (5, 50, 1000)}
    _, counts = import_bytes(cat_store, fill(again, {(CODE, RURAL): (None, 40, 200)}))
    assert counts == {"new": 0, "changed": 1, "unchanged": 2, "held": 0}
    history = {(h["category"], h["version"]): h for h in cat_store.history(SLUG, CODE)}
    assert set(history) == {(None, 1), (RURAL, 1), (RURAL, 2), (URBAN, 1)}
    assert history[(RURAL, 1)]["superseded_at"] is not None and history[(RURAL, 1)]["value"] == 15.0
    assert history[(RURAL, 2)]["superseded_at"] is None and history[(RURAL, 2)]["value"] == 20.0
    assert history[(URBAN, 1)]["superseded_at"] is None and history[(None, 1)]["superseded_at"] is None
    assert cat_store.current_values(SLUG, AGENCY, PERIOD)[CODE]["value"] == 10.0
    assert {c.name: c.figure.value for c in row_of(cat_store, CODE).categories} == {RURAL: 20.0, URBAN: 5.0}


@pytest.mark.store
def test_category_value_problems_name_the_cell_and_the_category(cat_store):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    parsed = read_report(fill(data, {(CODE, RURAL): 150.0, (CODE, URBAN): (None, 60, 50)}), "bao-cao.xlsx", cat_store)
    problems = {p.where: p.message for p in parsed.problems}
    rural, urban = excel_row(data, CODE, RURAL), excel_row(data, CODE, URBAN)
    assert f"{REPORT_SHEET}!E{rural}" in problems and "phân tổ nông thôn" in problems[f"{REPORT_SHEET}!E{rural}"]
    assert "100" in problems[f"{REPORT_SHEET}!E{rural}"]
    assert any(w.startswith(f"{REPORT_SHEET}!") and w.endswith(str(urban)) and "phân tổ thành thị" in m
               for w, m in problems.items()), problems


# -- refusals -----------------------------------------------------------------------------------------


@pytest.mark.store
def test_a_category_the_plan_no_longer_has_is_refused_naming_cell_target_and_category(cat_store, catalogue):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    filled = fill(data, {"3": 9.0, (CODE, RURAL): 15.0})
    cat_store.load_catalogue([plan_with(catalogue, None)])  # the catalogue no longer splits target 6
    before = snapshot(cat_store)
    parsed = read_report(filled, "bao-cao.xlsx", cat_store)
    assert parsed.ok, [str(p) for p in parsed.problems]  # the file is as signed; the row is the core's to refuse
    with pytest.raises(InputRefused) as exc:
        intake.commit(cat_store, parsed, operator=OPERATOR)
    [problem] = exc.value.problems
    assert problem.where == f"{REPORT_SHEET}!E{excel_row(data, CODE, RURAL)}"
    assert f"chỉ tiêu {CODE}" in problem.message and "\"nông thôn\"" in problem.message
    assert "tải biểu mẫu mới" in problem.hint
    assert snapshot(cat_store) == before  # nothing written, not even target 3


@pytest.mark.unit
def test_check_rows_refuses_a_category_of_another_target(catalogue):
    plan = plan_with(catalogue, SPLIT)
    targets = plan.measurable_targets()
    rows = [Row(CODE, value=5.0, category=URBAN, where="Báo cáo!E15"), Row("3", value=9.0, category=RURAL, where="Báo cáo!E12"),
            Row(CODE, value=5.0, category="dân tộc Kinh", where="Báo cáo!E16")]
    kept, problems = check_rows(plan, targets, [], AGENCY, "agency", rows)
    assert [r.where for r in kept] == ["Báo cáo!E15"]
    assert [p.where for p in problems] == ["Báo cáo!E12", "Báo cáo!E16"]
    assert "chỉ tiêu 3" in problems[0].message and "\"nông thôn\"" in problems[0].message
    assert "\"dân tộc Kinh\"" in problems[1].message and "nông thôn, thành thị" in problems[1].message


@pytest.mark.store
@pytest.mark.parametrize("what", ["label_to_other_category", "goal", "rows_swapped", "record_category", "row_deleted"])
def test_an_edited_category_row_is_refused(cat_store, what):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    rural, urban = excel_row(data, CODE, RURAL), excel_row(data, CODE, URBAN)

    def change(wb):
        ws = wb[REPORT_SHEET]
        if what == "label_to_other_category":  # make the nông thôn row say thành thị
            ws.cell(rural, 2).value = "trong đó: thành thị"
        elif what == "goal":
            ws.cell(rural, 4).value = "< 20%"
        elif what == "rows_swapped":
            for c in range(1, 9):
                a, b = ws.cell(rural, c), ws.cell(urban, c)
                a.value, b.value = b.value, a.value
        elif what == "row_deleted":
            ws.delete_rows(urban)
        else:  # the hidden record of the nông thôn row turned into thành thị
            meta = wb[META_SHEET]
            rec = next(r for r in meta.iter_rows(min_row=META_ROWS_START) if r[5].value == RURAL)
            rec[5].value = URBAN
        ws.cell(rural, 5).value = 15.0

    parsed = read_report(edited(data, change), "bao-cao.xlsx", cat_store)
    assert not parsed.ok
    wheres = [p.where for p in parsed.problems]
    if what == "record_category":
        assert any("thông tin biểu mẫu" in w for w in wheres) and "chữ ký" in parsed.problems[0].message
    elif what == "goal":
        assert wheres == [f"{REPORT_SHEET}!D{rural}"] and "phân tổ \"nông thôn\"" in parsed.problems[0].message
    elif what == "row_deleted":
        assert f"{REPORT_SHEET}!A{urban}" in wheres
        assert any("Thiếu dòng" in p.message and "phân tổ thành thị" in p.message for p in parsed.problems)
    else:
        assert f"{REPORT_SHEET}!B{rural}" in wheres, wheres
    with pytest.raises(InputRefused):
        intake.commit(cat_store, parsed, operator=OPERATOR)


# -- templates issued before categories ---------------------------------------------------------------


@pytest.mark.store
def test_a_template_without_category_records_still_reads(tmp_path, catalogue):
    with Store(tmp_path / "old.duckdb") as s:
        s.migrate()
        s.load_registry(Registry(dimensions=[Dimension(code="khu-vuc", name="Khu vực", categories=[URBAN, RURAL])]))
        s.load_catalogue([plan_with(catalogue, None)])
        _, old = template_for(s, SLUG, AGENCY, PERIOD)
        meta = openpyxl.load_workbook(io.BytesIO(old))[META_SHEET]
        assert meta.max_column == 5  # five cells per record, as before categories
        assert not any(str(r[1]).startswith("trong đó") for r in body(old))
        s.load_catalogue([plan_with(catalogue, SPLIT)])  # target 6 is split after the template was issued
        filled = fill(old, {CODE: (None, 80, 1200)})
        parsed = read_report(filled, "cu.xlsx", s)
        assert parsed.ok, [str(p) for p in parsed.problems]
        assert [(r.code, r.category) for r in parsed.rows] == [(CODE, None)]
        import_bytes(s, filled)
        r = next(r for r in progress.plan_progress(s, SLUG, PERIOD).rows if r.target.code == CODE)
        assert r.figure.value == pytest.approx(80 / 1200 * 100)
        assert all(c.figure.value is None for c in r.categories)


# -- plausibility -------------------------------------------------------------------------------------


@pytest.mark.store
def test_a_category_is_compared_with_its_own_previous_value(cat_store):
    _, data = template_for(cat_store, SLUG, AGENCY, PERIOD)
    import_bytes(cat_store, fill(data, {CODE: 10.0, (CODE, RURAL): 15.0, (CODE, URBAN): 0.5}), confirm_warnings=True)
    _, again = template_for(cat_store, SLUG, AGENCY, PERIOD)
    # 0,15 typed for 15%: far from nông thôn's 15 (its own previous), and from the whole's 10; thành thị 0,4
    # is near its own previous 0,5, though 25 times below the whole's
    parsed = read_report(fill(again, {(CODE, RURAL): 0.15, (CODE, URBAN): 0.4}), "bao-cao.xlsx", cat_store)
    assert parsed.ok, [str(p) for p in parsed.problems]
    [w] = intake.warnings(cat_store, parsed)
    assert (w.category, w.reference, w.reference_kind, w.suggested) == (RURAL, 15.0, "previous", 15.0)
    assert "phân tổ nông thôn" in w.message and w.where == f"{REPORT_SHEET}!E{excel_row(again, CODE, RURAL)}"
    assert w.key == plausibility.key_of(AGENCY, CODE, RURAL) != plausibility.key_of(AGENCY, CODE)
    with pytest.raises(InputRefused):  # a decision is needed
        intake.commit(cat_store, parsed, operator=OPERATOR)
    intake.commit(cat_store, parsed, operator=OPERATOR, decisions={w.key: "fix"})
    assert {c.name: c.figure.value for c in row_of(cat_store, CODE).categories} == {RURAL: 15.0, URBAN: 0.4}
    assert row_of(cat_store, CODE).figure.value == 10.0  # the whole untouched by the category's decision
