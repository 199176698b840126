"""Issue 3, points 3 and 8: every kind of bad report workbook is refused with a Vietnamese message
that names its place (the cell, or the file for a file-level problem), every problem of a file is
reported, and the database is exactly as before; the reader accepts what docs/template.md says it
accepts. The corpus is built by code from real templates: tests/bad_inputs.py."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from indicators import intake
from indicators.errors import InputRefused
from indicators.store import Store
from loaders.catalogue import load_registry
from loaders import workbooks
from loaders.templates import Identity
from loaders.workbooks import read_report
from tests import bad_inputs as bad
from tests.helpers import fill, ROOT, run_cli, snapshot

VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory, catalogue):
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    with Store(path) as s:
        s.migrate()
        s.load_catalogue(list(catalogue.values()), registry=load_registry())
    return path


@pytest.fixture
def empty_store(empty_db, tmp_path):
    """An empty database (catalogue only), copied from one built once for this module."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(empty_db, path)
    with Store(path) as s:
        yield s


@pytest.fixture(scope="module")
def shared_store(demo_db, tmp_path_factory):
    """The demo database, shared by the tests of refused files: each of them proves that it wrote
    nothing (snapshot before and after), so they need no copy of their own. Tests that write use
    `demo_store` or `empty_store`."""
    path = tmp_path_factory.mktemp("refused") / "demo.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as s:
        yield s


@pytest.fixture
def cli_db(demo_db, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(demo_db, path)
    return path


def assert_refused(store, case: bad.Case) -> list:
    """The whole contract for a refused file: problems, their places and words, Vietnamese, the
    preview and the commit refuse it, and the database is exactly as before."""
    before = snapshot(store)
    parsed = read_report(case.data, case.name, store, expected=case.expected)
    assert parsed.problems, f"{case.name} was accepted: {parsed.rows}"
    assert {p.where for p in parsed.problems} == set(case.places), "\n".join(map(str, parsed.problems))
    for p in parsed.problems:
        assert VIETNAMESE.search(p.message), p
        assert "Traceback" not in str(p) and "Error" not in p.message, p
    named = "\n".join(str(p) for p in parsed.problems if p.where in case.places)
    for word in case.words:  # "a|b": either wording
        assert any(w in named for w in word.split("|")), f"{word!r} not in:\n{named}"
    with pytest.raises(InputRefused) as refused:
        intake.preview(store, parsed)
    assert refused.value.problems == parsed.problems
    assert "Chưa ghi gì" in refused.value.message
    with pytest.raises(InputRefused):
        intake.commit(store, parsed, operator="kiem-thu")
    assert snapshot(store) == before
    return parsed.problems


def assert_accepted(store, case: bad.Case):
    """Read without a problem, the expected fields on the row, and stored as read."""
    parsed = read_report(case.data, case.name, store, expected=case.expected)
    assert parsed.ok, "\n".join(map(str, parsed.problems))
    rows = {r.code: r for r in parsed.rows}
    for code, fields in case.accepted.items():
        for name, want in fields.items():
            assert getattr(rows[code], name) == pytest.approx(want), (code, name, rows[code])
    intake.commit(store, parsed, operator="kiem-thu")
    stored = store.current_values(*case.key)
    for code, fields in case.accepted.items():
        for name, want in fields.items():
            assert stored[code][name] == pytest.approx(want), (code, name, stored[code])
    return parsed


def ids(builders):
    return [b.__name__ for b in builders]


# -- refused: a template for something else -------------------------------------------------------


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.IDENTITY, ids=ids(bad.IDENTITY))
def test_template_for_another_plan_agency_period_or_version_is_refused(shared_store, builder):
    case = builder(shared_store)
    assert_refused(shared_store, case)


@pytest.mark.store
def test_template_for_another_plan_names_each_difference(shared_store):
    """Not re-routed: every field that differs is named, with what was chosen."""
    case = bad.other_plan(shared_store)
    problems = assert_refused(shared_store, case)
    text = "\n".join(map(str, problems))
    for label, got, want in [("kế hoạch", "lang-son-2023)", "son-la-2026)"), ("cơ quan", bad.LANG_SON[1] + '"', 'Sở Y tế"'),
                             ("kỳ báo cáo", "6 tháng đầu năm 2023 (2023-H1)", "6 tháng đầu năm 2026 (2026-H1)")]:
        line = next(p for p in text.splitlines() if f"dành cho {label} " in p)
        file_side, chosen_side = line.split("dành cho ", 1)[1].split(", không phải ", 1)
        assert got in file_side and want in chosen_side.split(" đang chọn")[0], line
    assert "Kế hoạch triển khai thực hiện công tác trẻ em năm 2023 trên địa bàn tỉnh Lạng Sơn" in text  # the title, not only the code


@pytest.mark.store
def test_same_template_is_accepted_when_the_choice_matches(shared_store):
    name, data = bad.template(shared_store, bad.SON_LA)
    assert read_report(data, name, shared_store, expected=Identity(*bad.SON_LA)).ok


# -- refused: codes, locked cells, rows -----------------------------------------------------------


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.LOCKED, ids=ids(bad.LOCKED))
def test_unknown_duplicated_or_edited_codes_and_locked_cells_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.ROWS, ids=ids(bad.ROWS))
def test_inserted_or_deleted_rows_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


# -- refused: values ------------------------------------------------------------------------------


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.NOT_A_NUMBER, ids=ids(bad.NOT_A_NUMBER))
def test_text_date_or_boolean_where_a_number_belongs_is_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.OUT_OF_RANGE, ids=ids(bad.OUT_OF_RANGE))
def test_values_out_of_range_for_the_unit_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.RATIOS, ids=ids(bad.RATIOS))
def test_inconsistent_numerator_and_denominator_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.FORMULAS, ids=ids(bad.FORMULAS))
def test_formula_errors_and_uncalculated_formulas_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
def test_formula_error_cells_really_hold_error_values(shared_store):
    """The corpus is what it claims: openpyxl wrote an error cell (t="e") and a formula without
    a cached value."""
    import io
    import zipfile

    for builder, marker in [(bad.formula_error_div0, 't="e"'), (bad.formula_not_calculated, "<f>1/0</f>")]:
        case = builder(shared_store)
        xml = zipfile.ZipFile(io.BytesIO(case.data)).read("xl/worksheets/sheet1.xml").decode()
        assert marker in xml


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.MILESTONES, ids=ids(bad.MILESTONES))
def test_milestone_answers_outside_the_three_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


# -- refused: files that are not real xlsx, macros ------------------------------------------------


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.NOT_XLSX, ids=ids(bad.NOT_XLSX))
def test_files_that_are_not_real_xlsx_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


@pytest.mark.store
def test_the_old_xls_is_an_ole_compound_file(shared_store):
    data = bad.old_xls(shared_store).data
    assert data.startswith(bad.OLE_SIGNATURE) and len(data) % 512 == 0


@pytest.mark.store
@pytest.mark.parametrize("builder", bad.MACROS, ids=ids(bad.MACROS))
def test_macro_workbooks_are_refused(shared_store, builder):
    assert_refused(shared_store, builder(shared_store))


# -- refused: size, sheet and row limits ----------------------------------------------------------


def _limit(monkeypatch, name: str, value: int) -> None:
    """Set a limit where the reader looks it up (imported by name) and in settings."""
    import indicators.settings

    monkeypatch.setattr(indicators.settings, name, value)
    monkeypatch.setattr(workbooks, name, value, raising=False)


@pytest.mark.store
def test_file_over_the_upload_size_limit_is_refused(shared_store, monkeypatch):
    _limit(monkeypatch, "MAX_UPLOAD_BYTES", 4096)
    name, data = bad.template(shared_store, bad.SON_LA)
    problems = assert_refused(shared_store, bad.Case(name, data, (name,), ("quá lớn", "tối đa")))
    assert len(problems) == 1


@pytest.mark.store
def test_workbook_over_the_sheet_limit_is_refused(shared_store, monkeypatch):
    assert_refused(shared_store, bad.too_many_sheets(shared_store))  # 12 sheets, default limit 10
    _limit(monkeypatch, "MAX_SHEETS", 2)
    name, data = bad.template(shared_store, bad.SON_LA)  # the template itself has 3
    assert_refused(shared_store, bad.Case(name, data, (name,), ("3 trang tính", "tối đa 2")))


@pytest.mark.store
def test_sheet_over_the_row_limit_is_refused(shared_store, monkeypatch):
    _limit(monkeypatch, "MAX_ROWS", 1000)
    assert_refused(shared_store, bad.far_cell(shared_store, 1001))  # a stray value under the table
    _limit(monkeypatch, "MAX_ROWS", 20)  # (the hidden sheet, 38 rows, is allowed 20 more: 40)
    name, data = bad.template(shared_store, bad.SON_LA)  # 27 rows
    assert_refused(shared_store, bad.Case(name, data, (bad.REPORT_SHEET,), ("27 dòng", "tối đa 20")))


@pytest.mark.store
def test_sheet_over_the_column_limit_is_refused(shared_store, monkeypatch):
    assert_refused(shared_store, bad.far_right_cell(shared_store, 41))  # default limit 40 columns
    _limit(monkeypatch, "MAX_COLUMNS", 6)
    name, data = bad.template(shared_store, bad.SON_LA)  # 8 columns
    assert_refused(shared_store, bad.Case(name, data, (bad.REPORT_SHEET,), ("8 cột", "tối đa 6")))


@pytest.mark.app
def test_a_stray_cell_at_the_end_of_the_sheet_is_refused_without_exhausting_memory(demo_db, tmp_path):
    """A value typed in XFD1048576 makes a 10 KB file whose dense grid has 17 billion cells: it
    must be refused from its extent, not read. Run in a child process under a 2 GB address-space
    limit so that a regression fails this test instead of killing the test run."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from indicators.store import Store
        from loaders.workbooks import read_report
        from tests import bad_inputs as bad
        with Store({str(path)!r}) as s:
            case = bad.far_cell(s, 1048576, 16384)
            problems = read_report(case.data, case.name, s).problems
        print("\\n".join(str(p) for p in problems))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith(f"{bad.REPORT_SHEET}: ") and "tối đa" in out.stdout, out.stdout


# -- every problem, not only the first ------------------------------------------------------------


def three_bad_cells(store) -> bad.Case:
    """Three different mistakes in one workbook: text, a negative rate, an edited goal."""
    name, data = bad.edit(store, bad.SON_LA, bad.set_cells(**{"1:E": "N/A", "3:E": -1, "3:F": None, "3:G": None,
                                                              "7:D": "≤ 30%"}))
    places = tuple(bad.ref(store, bad.SON_LA, code, col) for code, col in [("1", "E"), ("3", "E"), ("7", "D")])
    return bad.Case(name, data, places, ("không phải là số", "âm", "đã bị sửa"))


@pytest.mark.store
def test_every_problem_in_a_file_is_reported(shared_store):
    case = three_bad_cells(shared_store)
    problems = assert_refused(shared_store, case)
    assert len(problems) == 3
    assert [p.where for p in problems] == ["Báo cáo!E9", "Báo cáo!E11", "Báo cáo!D15"]


# -- through the real command line ----------------------------------------------------------------


# A few representative cases (the command runs in this process: tests/helpers.run_cli): cell
# problems with and without --dry-run, an identity problem, a file-level problem.
CLI_CASES = [(three_bad_cells, []), (three_bad_cells, ["--dry-run"]), (bad.old_version, []), (bad.renamed_csv, [])]


@pytest.mark.store
@pytest.mark.parametrize("builder,extra", CLI_CASES, ids=[f"{b.__name__}{''.join(e)}" for b, e in CLI_CASES])
def test_command_line_refuses_lists_every_place_and_changes_nothing(cli_db, tmp_path, builder, extra):
    with Store(cli_db) as s:  # DuckDB: one owner per file, so closed before the command runs
        case = builder(s)
        before = snapshot(s)
    path = tmp_path / case.name
    path.write_bytes(case.data)
    out = run_cli("import", str(path), *extra, db=cli_db)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert "bị từ chối" in out.stderr and "Chưa ghi gì" in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("  - ")]
    assert len(lines) == len(case.places), out.stderr
    for place in case.places:
        assert any(line.startswith(f"  - {place}: ") for line in lines), (place, out.stderr)
    with Store(cli_db) as s:
        assert snapshot(s) == before


# -- accepted: what docs/template.md says the reader accepts --------------------------------------


ACCEPTED_VALUES = [("98,6", None), ("98.6", None), ("98,6%", None), (" 98,6 ", None), (98.6, None),
                   (0.986, "0.0%"), (0.986, "0.00%")]


@pytest.mark.store
@pytest.mark.parametrize("raw,number_format", ACCEPTED_VALUES,
                         ids=["comma", "point", "percent-sign", "spaces", "number", "percent-format", "percent-builtin"])
def test_decimal_comma_point_percent_sign_and_percent_format_are_accepted(empty_store, raw, number_format):
    assert_accepted(empty_store, bad.accepted_value(empty_store, raw, number_format))


@pytest.mark.store
@pytest.mark.parametrize("builder", [bad.ratio_agrees_within_rounding, bad.ratio_without_value, bad.milestone_lower_case],
                         ids=["ratio-within-rounding", "ratio-without-value", "milestone-lower-case"])
def test_ratio_within_rounding_and_milestone_in_lower_case_are_accepted(empty_store, builder):
    assert_accepted(empty_store, builder(empty_store))


@pytest.mark.store
def test_blank_means_not_reported(empty_store):
    case = bad.blank_template(empty_store)
    parsed = read_report(case.data, case.name, empty_store)
    assert parsed.ok and parsed.rows == [] and parsed.blank == 19
    name, data = bad.edit(empty_store, bad.SON_LA, bad.set_cells(**{"1:E": 70}))
    parsed = read_report(data, name, empty_store)
    assert parsed.ok and [r.code for r in parsed.rows] == ["1"] and parsed.blank == 18


@pytest.mark.store
def test_blank_cell_keeps_the_value_already_reported(demo_store):
    """Clearing a prefilled cell does not delete the earlier figure: blank is 'not reported'."""
    before = demo_store.current_values(*bad.SON_LA)["1"]
    name, data = bad.edit(demo_store, bad.SON_LA, bad.set_cells(**{"1:E": None}))
    parsed = read_report(data, name, demo_store)
    assert parsed.ok and "1" not in {r.code for r in parsed.rows}
    intake.commit(demo_store, parsed, operator="kiem-thu")
    assert demo_store.current_values(*bad.SON_LA)["1"] == before


@pytest.mark.store
@pytest.mark.parametrize("key", [bad.SON_LA, bad.SKHCN, bad.LANG_SON], ids=["son-la", "skhcn", "lang-son-2023"])
def test_untouched_template_is_accepted(demo_store, key):
    name, data = bad.template(demo_store, key)
    parsed = read_report(data, name, demo_store, expected=Identity(*key))
    assert parsed.ok, "\n".join(map(str, parsed.problems))
    assert all(c.kind == "unchanged" for c in intake.preview(demo_store, parsed).changes)


@pytest.mark.store
def test_a_huge_number_is_named_at_its_cell_not_a_crash(shared_store):
    """A long ID or phone number pasted into a value cell (found in review: it crashed the page)."""
    name, data = bad.template(shared_store, bad.SON_LA)
    parsed = read_report(fill(data, {"1": 1e30}), name, shared_store)
    assert [p.where for p in parsed.problems] == ["Báo cáo!E9"] and "quá lớn" in parsed.problems[0].message
