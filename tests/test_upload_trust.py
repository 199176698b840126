"""Figures people can trust (issue 11, defects 2, 3 and 8): a workbook reports only what its agency
may report, its identity cannot be forged, an improbable value needs a person's decision, and the
file a spreadsheet program really saves (.ods, LibreOffice's .xlsx) reads the same."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from indicators import intake, progress
from indicators.errors import InputRefused, PermissionDenied, UsageError
from indicators.scopes import register_units
from indicators.store import Row, Store
from loaders.templates import COMPILATION_SHEET, HEADER_ROW, META_ROWS_START, META_SHEET, REPORT_SHEET, template_for
from loaders.workbooks import read_report
from tests.helpers import ADMIN, run_cli, snapshot, STAFF

SLUG = "son-la-2026"
OPERATOR = "máy chủ:kiem-thu"  # the command line on the server itself, as accounts.operator records it


def fill(data: bytes, values: dict, sheet: str = REPORT_SHEET, off: int = 0, notes: dict | None = None) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        key = (row[0].value, row[off].value) if off else row[off].value
        if key in values:
            row[off + 4].value = values[key]
        if notes and key in notes:
            row[off + 7].value = notes[key]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def status_of(store: Store, code: str, period: str = "2026-H1") -> str:
    return next(r for r in progress.plan_progress(store, SLUG, period).rows if r.target.code == code).status


# -- defect 2: rows that are not the agency's -----------------------------------------------------


@pytest.mark.store
def test_a_row_copied_from_another_agencys_template_is_refused(demo_store, tmp_path):
    """Sở Tư pháp's template with Sở Y tế's row 13 copied in, its hidden record too and the row
    count bumped: before, Sở Y tế's target went from "Chưa có số liệu" to "Đạt" on Sở Tư pháp's word."""
    _, own = template_for(demo_store, SLUG, "Sở Tư pháp", "2026-H1")
    _, other = template_for(demo_store, SLUG, "Sở Y tế", "2026-H1")
    src = openpyxl.load_workbook(io.BytesIO(other))
    wb = openpyxl.load_workbook(io.BytesIO(own))
    ws, meta = wb[REPORT_SHEET], wb[META_SHEET]
    row13 = next(r for r in src[REPORT_SHEET].iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "13")
    record = next(r for r in src[META_SHEET].iter_rows(min_row=META_ROWS_START) if r[1].value == "13")
    last = ws.max_row + 1
    for j, c in enumerate(row13, start=1):
        ws.cell(last, j).value = c.value
    ws.cell(last, 5).value = 0.5
    meta_last = META_ROWS_START + int(next(r[1].value for r in meta.iter_rows() if r[0].value == "so_dong"))
    for j, c in enumerate(record, start=1):
        meta.cell(meta_last, j).value = c.value
    for r in meta.iter_rows():
        if r[0].value == "so_dong":
            r[1].value = str(int(r[1].value) + 1)
    path = tmp_path / "stp.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    before_status = status_of(demo_store, "13")
    before = snapshot(demo_store)
    db = demo_store.location
    demo_store.close()
    out = run_cli("import", str(path), "--as", STAFF, db=db)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "chữ ký" in out.stderr and "thông tin biểu mẫu" in out.stderr
    with Store(db) as s:
        assert snapshot(s) == before and status_of(s, "13") == before_status


@pytest.mark.store
def test_the_core_refuses_a_row_for_a_target_the_agency_does_not_report(demo_store):
    """Should a forged row ever pass the reader, the core checks each row against the template's
    agency, names its cell, and writes nothing: for the command line operator as for a staff user."""
    _, data = template_for(demo_store, SLUG, "Sở Tư pháp", "2026-H1")
    parsed = read_report(data, "stp.xlsx", demo_store)
    assert parsed.ok
    parsed.rows = parsed.rows + [Row("13", value=0.5, where="Báo cáo!E36")]
    before = snapshot(demo_store)
    for who in ({"user": STAFF}, {"operator": "root"}):
        with pytest.raises(InputRefused) as exc:
            intake.commit(demo_store, parsed, **who)
        assert [p.where for p in exc.value.problems] == ["Báo cáo!E36"]
        assert "13" in exc.value.problems[0].message and "Sở Tư pháp" in exc.value.problems[0].message
    assert snapshot(demo_store) == before


@pytest.mark.store
def test_compilation_units_must_be_declared_or_registered(store):
    """"Sở Y Tế" (capital T) and =HYPERLINK(…) were accepted as new units and counted in the
    plan-level figure. Now units are the plan's or registered by an administrator, compared after
    normalising case and spacing."""
    agency = "Sở Y tế"
    with pytest.raises(UsageError, match="không được là cơ quan của kế hoạch"):
        template_for(store, SLUG, agency, "2026-H1", units=["Sở Y Tế"])
    with pytest.raises(UsageError, match="Chưa đăng ký đơn vị"):
        template_for(store, SLUG, agency, "2026-H1", units=['=HYPERLINK("http://x","y")'])
    with pytest.raises(UsageError) as exc:
        register_units(store, SLUG, agency, ['=HYPERLINK("http://x","y")', "sở y TẾ", "  "], actor=OPERATOR)
    assert [p.where for p in exc.value.problems] == ["tên thứ 1", "tên thứ 2", "tên thứ 3"]
    assert store.registered_units(SLUG) == []
    assert register_units(store, SLUG, agency, ["UBND  xã Chiềng Sinh"], actor=OPERATOR) == ["UBND xã Chiềng Sinh"]
    assert register_units(store, SLUG, agency, ["ubnd xã chiềng sinh"], actor=OPERATOR) == []  # the same unit
    _, data = template_for(store, SLUG, agency, "2026-H1", units=["UBND XÃ Chiềng Sinh"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert {r[0].value for r in wb[COMPILATION_SHEET].iter_rows(min_row=HEADER_ROW + 1)} == {"UBND xã Chiềng Sinh"}
    # a row for an unregistered unit that reaches the core (forged past the reader) is refused
    parsed = read_report(data, "th.xlsx", store)
    parsed.rows = [Row("13", value=1.0, agency="Sở Y Tế mới", where="Biểu tổng hợp!F9")]
    with pytest.raises(InputRefused) as refused:
        intake.commit(store, parsed, operator="root")
    assert refused.value.problems[0].where == "Biểu tổng hợp!F9"
    assert "chưa được đăng ký" in refused.value.problems[0].message


@pytest.mark.store
def test_only_an_administrator_registers_units(demo_store):
    with pytest.raises(PermissionDenied):
        register_units(demo_store, SLUG, "Sở Tư pháp", ["UBND xã A"], actor=STAFF)
    assert register_units(demo_store, SLUG, "Sở Tư pháp", ["UBND xã A"], actor=ADMIN) == ["UBND xã A"]
    assert [r["action"] for r in demo_store.audit_trail(plan=SLUG, limit=1)] == ["unit.register"]


@pytest.mark.store
def test_a_registered_units_figures_count_only_for_its_agencys_targets(store):
    """A unit registered under Sở Tư pháp may report Sở Tư pháp's targets only: a row for Sở Y tế's
    target 13 in that compilation is refused by the core."""
    register_units(store, SLUG, "Sở Tư pháp", ["UBND xã A"], actor=OPERATOR)
    _, data = template_for(store, SLUG, "Sở Tư pháp", "2026-H1", units=["UBND xã A"])
    parsed = read_report(data, "th.xlsx", store)
    assert parsed.ok
    parsed.rows = [Row("13", value=1.0, agency="UBND xã A", where="Biểu tổng hợp!F30")]
    with pytest.raises(InputRefused, match="không thuộc quyền"):
        intake.preview(store, parsed, operator="root")


# -- defect 3: a typed percentage 100× too small ---------------------------------------------------


def _slip_file(store) -> bytes:
    """Sở Y tế's template with target 2 (reported 79,8% before) holding 0,986 in a plain number
    cell, exactly what LibreOffice and Excel store when "98,6%" is typed into it."""
    _, data = template_for(store, SLUG, "Sở Y tế", "2026-H1")
    return fill(data, {"2": 0.986})


@pytest.mark.store
def test_a_percentage_typed_as_a_fraction_needs_a_decision(demo_store, tmp_path):
    path = tmp_path / "syt.xlsx"
    path.write_bytes(_slip_file(demo_store))
    db = demo_store.location
    before = snapshot(demo_store)
    demo_store.close()
    for args in (("--dry-run",), ()):
        out = run_cli("import", str(path), *args, db=db)
        assert out.returncode == 1, out.stdout + out.stderr
        assert "Cảnh báo: Báo cáo!E" in out.stdout and "98,6%" in out.stdout and "--accept-warnings" in out.stderr
    with Store(db) as s:
        assert snapshot(s) == before
    out = run_cli("import", str(path), "--accept-warnings", db=db)
    assert out.returncode == 0, out.stderr
    with Store(db) as s:
        rows = s.audit_trail(plan=SLUG)
        confirmed = [r for r in rows if r["action"] == "warning.confirmed"]
        assert len(confirmed) == 1 and '"suggested": 98.6' in confirmed[0]["new_value"]
        assert confirmed[0]["submission_id"] is not None


@pytest.mark.store
def test_the_page_path_can_take_the_suggested_correction(demo_store):
    parsed = read_report(_slip_file(demo_store), "syt.xlsx", demo_store)
    preview = intake.preview(demo_store, parsed, operator="root")
    [w] = preview.warnings
    assert w.code == "2" and w.suggested == pytest.approx(98.6) and w.where.startswith("Báo cáo!E")
    with pytest.raises(InputRefused, match="bất thường"):
        intake.commit(demo_store, parsed, operator="root")  # no decision: nothing written
    intake.commit(demo_store, parsed, operator="root", decisions={w.key: "fix"})
    assert demo_store.current_values(SLUG, "Sở Y tế", "2026-H1")["2"]["value"] == pytest.approx(98.6)
    assert any(r["action"] == "warning.corrected" for r in demo_store.audit_trail(plan=SLUG))


@pytest.mark.store
def test_plausible_values_and_ratios_raise_no_warning(demo_store):
    _, data = template_for(demo_store, SLUG, "Sở Y tế", "2026-H1")
    parsed = read_report(fill(data, {"2": 85.5, "1": "61,9"}), "syt.xlsx", demo_store)
    assert intake.preview(demo_store, parsed, operator="root").warnings == []


# -- defect 8: what the preview shows --------------------------------------------------------------


@pytest.mark.store
def test_a_change_of_the_note_alone_shows_the_notes(demo_store):
    _, data = template_for(demo_store, SLUG, "Sở Y tế", "2026-H1")
    parsed = read_report(fill(data, {}, notes={"2": "số liệu sơ bộ"}), "syt.xlsx", demo_store)
    change = next(c for c in intake.preview(demo_store, parsed, operator="root").changes if c.code == "2")
    before, after = intake.describe_pair(change.old, change.new, "%")
    assert change.kind == "changed" and before != after and "số liệu sơ bộ" in after


@pytest.mark.store
def test_a_file_level_refusal_does_not_ask_to_fix_cells(store):
    parsed = read_report(b"", "trong.xlsx", store)
    with pytest.raises(InputRefused) as exc:
        intake.preview(store, parsed, operator="root")
    assert "ô" not in exc.value.hint.split()


# -- what spreadsheet programs really save ------------------------------------------------------------


@pytest.fixture(scope="module")
def soffice():
    path = shutil.which("soffice")
    if path is None:
        pytest.skip("LibreOffice (soffice) is not installed here; `make test` installs libreoffice-calc where it can")
    return path


def _convert(soffice: str, src: Path, fmt: str, out_dir: Path) -> Path:
    out_dir.mkdir(exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{out_dir / 'profile'}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out_dir), str(src)], check=True, capture_output=True, timeout=120)
    return out_dir / (src.stem + "." + fmt.split(":")[0])


@pytest.mark.app
def test_a_template_saved_by_libreoffice_as_ods_and_xlsx_imports(demo_store, tmp_path, soffice):
    _, data = template_for(demo_store, SLUG, "Sở Y tế", "2026-H1")
    src = tmp_path / "syt.xlsx"
    src.write_bytes(fill(data, {"2": 85.5}))
    for fmt in ("ods", "xlsx"):
        saved = _convert(soffice, src, fmt, tmp_path / fmt)
        parsed = read_report(saved.read_bytes(), saved.name, demo_store)
        assert parsed.ok, [str(p) for p in parsed.problems]
        change = next(c for c in intake.preview(demo_store, parsed, operator="root").changes if c.code == "2")
        assert change.kind == "changed" and change.new["value"] == pytest.approx(85.5)


@pytest.mark.app
def test_the_identity_sheet_made_merely_hidden_by_libreoffice_is_still_checked(demo_store, tmp_path, soffice):
    """LibreOffice turns the very hidden identity sheet into an ordinary hidden one; what protects
    it is the signature: an edited agency name is refused."""
    _, data = template_for(demo_store, SLUG, "Sở Tư pháp", "2026-H1")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for r in wb[META_SHEET].iter_rows():
        if r[0].value == "co_quan":
            r[1].value = "Sở Y tế"
    src = tmp_path / "stp.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    src.write_bytes(buf.getvalue())
    saved = _convert(soffice, src, "ods", tmp_path / "ods")
    parsed = read_report(saved.read_bytes(), saved.name, demo_store)
    assert not parsed.ok and any("chữ ký" in p.message for p in parsed.problems)


@pytest.mark.store
def test_a_per_mille_above_1000_is_an_error_not_a_warning(store):
    """DESIGN §12 / docs/template.md: a % outside 0–100 or a ‰ outside 0–1000 is refused with its cell."""
    _, data = template_for(store, SLUG, "Sở Y tế", "2026-H1")
    parsed = read_report(fill(data, {"3": 1200}), "syt.xlsx", store)
    assert [p.where for p in parsed.problems] and "1000‰" in parsed.problems[0].message
    assert parsed.problems[0].where.startswith("Báo cáo!E")


@pytest.mark.store
def test_lookalike_unit_names_are_the_same_unit_or_refused(store):
    """Found by the hostile review: "Sở Y\u200b tế", "S\u00adở Y tế" and full-width "Ｓở Y tế" all look like
    "Sở Y tế". They compare as the agency (so they cannot be registered as units) or are refused."""
    with pytest.raises(UsageError) as exc:
        register_units(store, SLUG, "Sở Tư pháp", ["Sở Y\u200b tế", "S\u00adở Y tế", "Ｓở Y tế", "UBND xã\u200b A"],
                       actor=OPERATOR)
    assert len(exc.value.problems) == 4 and store.registered_units(SLUG) == []
    assert any("ký tự ẩn" in p.message for p in exc.value.problems)


@pytest.mark.store
def test_two_spellings_of_one_new_unit_in_one_list_register_one_unit(store):
    """Found while comparing the stores: "UBND xã Chiềng Sinh" and "ubnd xã  chiềng sinh" in the same
    list were registered as two units (only variants of units already registered were merged)."""
    new = register_units(store, SLUG, "Sở Y tế", ["UBND xã Chiềng Sinh", "ubnd xã  chiềng sinh", "UBND xã Chiềng Cơi"],
                         actor=OPERATOR)
    assert new == ["UBND xã Chiềng Sinh", "UBND xã Chiềng Cơi"]
    assert store.registered_units(SLUG) == [("Sở Y tế", "UBND xã Chiềng Cơi"), ("Sở Y tế", "UBND xã Chiềng Sinh")]


@pytest.mark.store
def test_units_add_takes_the_names_after_the_agency_as_the_readme_writes_it(store):
    """`units add PLAN --agency NAME TÊN …` (README) was refused by argparse ("tham số không nhận ra")."""
    db = store.location
    store.close()
    out = run_cli("units", "add", SLUG, "--agency", "Sở Y tế", "UBND xã A", "UBND xã B", db=db)
    assert out.returncode == 0, out.stderr
    listed = run_cli("units", "list", SLUG, "--json", db=db)
    assert {"UBND xã A", "UBND xã B"} <= {u["unit"] for u in json.loads(listed.stdout)["registered"]}


@pytest.mark.store
def test_a_denominator_100_times_too_large_is_a_warning_too(demo_store):
    """Found by the hostile review: 200 / 2.155.400 live births gives 0,093‰ for a rate near 9,3‰.
    Computed values are checked too, with no single value suggested (the counts are to be checked)."""
    _, data = template_for(demo_store, SLUG, "Sở Y tế", "2026-H1")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[REPORT_SHEET]
    row = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "3")
    row[4].value, row[5].value, row[6].value = None, 200, 2155400
    buf = io.BytesIO()
    wb.save(buf)
    parsed = read_report(buf.getvalue(), "syt.xlsx", demo_store)
    [w] = [w for w in intake.preview(demo_store, parsed, operator=OPERATOR).warnings if w.code == "3"]
    assert w.suggested is None and "mẫu số" in w.message


@pytest.mark.store
@pytest.mark.parametrize("raw", [1e13])
def test_a_count_beyond_any_real_figure_is_refused_with_its_cell(store, raw):
    """Found by the hostile review: the fast path for plain numbers skipped the size check, so
    10.000.000.000.000 children were written."""
    plan = store.plan("chau-son-2026")
    agency = plan.standing_agency
    target = next(t for t in store.targets("chau-son-2026") if t.unit == "count" and agency in t.agencies)
    _, data = template_for(store, "chau-son-2026", agency, "2026")
    parsed = read_report(fill(data, {target.code: raw}), "cs.xlsx", store)
    assert not parsed.ok and parsed.problems[0].where.startswith("Báo cáo!E")


@pytest.mark.store
def test_a_cell_longer_than_a_spreadsheet_allows_is_refused_not_echoed(store):
    """Found by the hostile review: a 40 MB text in a header cell was quoted whole in the problem
    list (2,5 GB in the server). Cells past 32.767 characters are refused where they stand."""
    _, data = template_for(store, SLUG, "Sở Tư pháp", "2026-H1")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[REPORT_SHEET]["B8"] = "x" * 40_000
    buf = io.BytesIO()
    wb.save(buf)
    parsed = read_report(buf.getvalue(), "stp.xlsx", store)
    assert [p.where for p in parsed.problems] == ["Báo cáo!B8"]
    assert len(str(parsed.problems[0])) < 1000  # quoted, but cut: never the whole cell


@pytest.mark.unit
def test_the_reading_child_refuses_a_cell_past_the_spreadsheet_limit():
    """python-calamine cuts inline strings at 32.767 characters but not shared strings; the child
    refuses any longer cell, naming it."""
    from loaders import sandbox, sheet_file

    with pytest.raises(sandbox.Refused) as exc:
        sheet_file._checked([["a", "b"], ["c", "x" * 40_000]], REPORT_SHEET)
    assert exc.value.where == "Báo cáo!B2" and "40.000 ký tự" in exc.value.message