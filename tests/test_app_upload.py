"""The upload page (Nộp báo cáo) through AppTest: template, refused file with its cells, the page
following the file it is given, preview (changes first, the status each produces, a compilation by
unit), confirm, and the new figures everywhere; a compilation through the page writes what the
command line writes. Also the clean target texts of the pages (Sơn La 8's "$\\geq 95\\%$")."""
from __future__ import annotations

import html
import re
import shutil

import pytest

from indicators import accounts, progress
from indicators.scopes import register_units
from indicators.store import Store
from loaders.templates import COMPILATION_SHEET, template_for
from tests.helpers import ADMIN, PASSWORD, STAFF, drawn, fill, run_cli, snapshot

pytestmark = pytest.mark.app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def page(demo_db, tmp_path, make_app):
    import shutil

    path = tmp_path / "upload.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as s:
        _, data = template_for(s, "son-la-2026", "Sở Tư pháp", "2026-H1")
    at = make_app(path, user=STAFF)  # reports for Sở Tư pháp only
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    return at, data, path


def choose(at, agency: str, period: str):
    assert at.selectbox(key="upload_agency_son-la-2026").options == ["Sở Tư pháp"]  # only the agency the account holds
    at.selectbox(key="upload_agency_son-la-2026").set_value(agency)
    at.selectbox(key="upload_period_son-la-2026").set_value(period)
    return at.run()


def tables(at) -> list[str]:
    """The HTML tables the page drew (ui.html_table, ui.group_table: they wrap long texts)."""
    return [m.value for m in drawn(at) if '<table class="ind"' in m.value]


def _text(cell: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()


def table_rows(at, attr: str) -> list[tuple[dict, list[str]]]:
    """(attributes, cell texts) of every row carrying `attr` (data-where, data-code, data-group)."""
    out = []
    for table in tables(at):
        for attrs, body in re.findall(r"<tr ([^>]*%s=[^>]*)>(.*?)</tr>" % attr, table):
            found = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)}
            out.append((found, [" ".join(_text(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", body)]))
    return out


def test_upload_refuses_a_bad_file_listing_every_cell(page):
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026-H1")
    bad = fill(data, {"18": "khoảng 98"})
    at.file_uploader[0].set_value(("stp.xlsx", bad, XLSX))
    at.run()
    assert not at.exception
    assert any("bị từ chối" in e.value for e in at.error)
    [(where, cells)] = table_rows(at, "data-where")  # a wrapped table: Vị trí, Lỗi, Cách sửa
    assert where["data-where"] == "Báo cáo!E9" and "không phải là số" in cells[1] and len(cells) == 3
    assert not [b for b in at.button if "Xác nhận" in b.label]


def test_a_template_for_another_period_is_followed_not_refused(page):
    """Tried as a new user would: the page opens on "Năm 2026" (the latest period with data); a
    2026-H1 template is not refused: the page says what the file is, switches its period to it, and
    the report is written for 2026-H1."""
    at, data, path = page
    assert at.selectbox(key="upload_period_son-la-2026").value == "2026"
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": "98,7"}), XLSX))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    said = " ".join(i.value for i in at.info)
    assert "Tệp này là báo cáo 6 tháng đầu năm 2026 của Sở Tư pháp" in said and "Trang đã chuyển" in said
    assert at.selectbox(key="upload_period_son-la-2026").value == "2026-H1"
    assert at.file_uploader[0].value is not None  # the file survived the switch
    next(b for b in at.button if "Xác nhận" in b.label).click()
    at.run()
    assert any("Đã ghi báo cáo" in s.value for s in at.success)
    from pages import ui
    assert ui.store().current_values("son-la-2026", "Sở Tư pháp", "2026-H1")["18"]["value"] == 98.7
    assert "18" not in ui.store().current_values("son-la-2026", "Sở Tư pháp", "2026") or \
        ui.store().current_values("son-la-2026", "Sở Tư pháp", "2026")["18"]["value"] != 98.7
    # the person now moves the period back: the page keeps the file's preview and says the choice differs
    at.selectbox(key="upload_period_son-la-2026").set_value("2026")
    at.run()
    assert not at.exception and at.selectbox(key="upload_period_son-la-2026").value == "2026"
    assert any("khác với tệp" in i.value for i in at.info)


def test_a_file_for_an_agency_the_account_may_not_report_is_refused(demo_db, tmp_path, make_app):
    """Sở Y tế's template uploaded by the account holding Sở Tư pháp only: the page says what the
    file is, refuses it with the core's message, does not switch to it, and writes nothing."""
    path = tmp_path / "upload.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as s:
        _, data = template_for(s, "son-la-2026", "Sở Y tế", "2026-H1")
    at = make_app(path, user=STAFF)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    from pages import ui
    before = snapshot(ui.store())
    at.file_uploader[0].set_value(("yte.xlsx", fill(data, {"1": 62.0}), XLSX))
    at.run()
    assert not at.exception
    assert any("Tệp này là báo cáo 6 tháng đầu năm 2026 của Sở Y tế" in i.value for i in at.info)
    [error] = [e.value for e in at.error]
    assert "bị từ chối" in error and "không được giao báo cáo" in error and "Sở Y tế" in error
    assert at.selectbox(key="upload_agency_son-la-2026").value == "Sở Tư pháp"
    assert not [b for b in at.button if "Xác nhận" in b.label] and not tables(at)
    assert snapshot(ui.store()) == before


def test_upload_preview_confirm_and_new_status(page):
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026-H1")
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": "98,7"}), XLSX))
    at.run()
    assert not at.exception and not at.error
    rows = table_rows(at, "data-kind")
    assert rows[0][0]["data-code"] == "18" and rows[0][0]["data-kind"] == "changed"  # the change leads
    assert rows[0][1][2] == "Thay đổi" and rows[0][1][4] == "98,7%"
    assert {a["data-kind"] for a, _ in rows[1:]} <= {"unchanged"}  # the prefilled values follow
    # the status the change produces: 93,9% (on track) -> 98,7% >= 98,6% achieved
    assert any("Chỉ tiêu 18: Đúng tiến độ → Đạt" in m.value for m in drawn(at))
    assert "→" in rows[0][1][5] and "Đúng tiến độ" in rows[0][1][5] and "Đạt" in rows[0][1][5]
    next(b for b in at.button if "Xác nhận" in b.label).click()
    at.run()
    assert any("Đã ghi báo cáo" in s.value for s in at.success)
    from pages import ui
    row = next(r for r in progress.plan_progress(ui.store(), "son-la-2026", "2026-H1").rows if r.target.code == "18")
    assert row.status == "achieved" and row.figure.value == 98.7
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception


def test_an_improbable_value_needs_a_decision_on_the_page(page):
    """"98,7%" typed into the number cell arrives as 0,987: the page names the cell, suggests 98,7,
    keeps the confirm button disabled until the person decides, then writes the correction and
    records the decision in the audit trail."""
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026-H1")
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": 0.987}), XLSX))
    at.run()
    assert not at.exception and any("số liệu bất thường" in w.value for w in at.warning)
    [radio] = [r for r in at.radio if r.key.startswith("warn_")]
    assert "Báo cáo!E9" in radio.label and radio.options[0].startswith("Sửa thành 98,7")
    assert next(b for b in at.button if "Xác nhận" in b.label).disabled
    radio.set_value("fix")
    at.run()
    next(b for b in at.button if "Xác nhận" in b.label).click()
    at.run()
    assert any("Đã ghi báo cáo" in s.value for s in at.success)
    from pages import ui
    assert ui.store().current_values("son-la-2026", "Sở Tư pháp", "2026-H1")["18"]["value"] == 98.7
    assert any(r["action"] == "warning.corrected" for r in ui.store().audit_trail(plan="son-la-2026"))


# -- compilations on the page ----------------------------------------------------------------------

YTE = "can.bo.y.te"  # holds Sở Y tế, the standing agency of Sơn La 2026
UNITS = ["UBND xã Chiềng Sinh", "UBND phường Tô Hiệu"]


@pytest.fixture
def compiling(demo_db, tmp_path):
    """Two copies of one database (the same signing key): an account holding Sở Y tế, two communes
    registered for its compilations; and the signed 2026-H1 compilation, filled for both units."""
    base = tmp_path / "base.duckdb"
    shutil.copy(demo_db, base)
    with Store(base) as s:
        accounts.create(s, YTE, "staff", PASSWORD, actor=ADMIN, agencies=[("son-la-2026", "Sở Y tế")])
        register_units(s, "son-la-2026", "Sở Y tế", UNITS, actor=ADMIN)
        _, data = template_for(s, "son-la-2026", "Sở Y tế", "2026-H1", units=UNITS)
    page_db, cli_db = tmp_path / "page.duckdb", tmp_path / "cli.duckdb"
    shutil.copy(base, page_db)
    shutil.copy(base, cli_db)
    filled = fill(data, {(UNITS[0], "13"): (0.1, 10.0, 10000.0), (UNITS[1], "13"): (0.2, 60.0, 30000.0),
                         (UNITS[0], "8"): 93.0}, sheet=COMPILATION_SHEET, extra_cols=1)
    path = tmp_path / "bieu-tong-hop.xlsx"
    path.write_bytes(filled)
    return page_db, cli_db, path


def test_a_compilation_through_the_page_writes_what_the_command_line_writes(compiling, make_app):
    """The standing agency's staff choose "Biểu tổng hợp các đơn vị" (with the units), upload the
    filled compilation while the page shows their agency report: the page follows the file's kind
    and period, groups the preview by unit with its counts, and writes through intake exactly what
    `python -m indicators import --as` writes into a copy of the same database."""
    page_db, cli_db, path = compiling
    at = make_app(page_db, user=YTE)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    kind = at.radio(key="upload_kind_son-la-2026")
    assert kind.options == ["Báo cáo của cơ quan", "Biểu tổng hợp các đơn vị"] and kind.value == "agency"
    kind.set_value("compilation")
    at.run()
    assert at.selectbox(key="upload_compiler_son-la-2026").options == ["Sở Y tế"]
    assert at.checkbox[0].label == "Gồm tất cả 2 đơn vị báo cáo" and at.checkbox[0].value
    at.checkbox[0].set_value(False)
    at.run()
    assert sorted(at.multiselect(key="upload_units_son-la-2026_Sở Y tế").options) == sorted(UNITS)
    at.radio(key="upload_kind_son-la-2026").set_value("agency")  # back to the agency report, period "Năm 2026"
    at.run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Tệp này là biểu tổng hợp các đơn vị 6 tháng đầu năm 2026 của Sở Y tế" in i.value for i in at.info)
    assert at.radio(key="upload_kind_son-la-2026").value == "compilation"
    assert at.selectbox(key="upload_period_son-la-2026").value == "2026-H1"
    groups = table_rows(at, "data-group")
    assert [g["data-group"] for g, _ in groups] == UNITS
    assert "2 mới" in groups[0][1][0] and "1 mới" in groups[1][1][0]
    rows = table_rows(at, "data-kind")
    assert [(a["data-unit"], a["data-code"], a["data-kind"]) for a, _ in rows] == [
        (UNITS[0], "8", "new"), (UNITS[0], "13", "new"), (UNITS[1], "13", "new")]
    assert "≥ 95%" in rows[0][1][1] and "$" not in rows[0][1][1]  # clean text in the preview
    said = " ".join(m.value for m in drawn(at) if "sau khi ghi" in m.value)
    foreseen = dict((code, (before, after)) for code, before, after in
                    re.findall(r"Chỉ tiêu (\S+): ([^→\n]+?) → ([^\n]+?)(?:  |$)", said, re.M))
    assert foreseen, said
    from pages import ui
    now = {r.target.code: r.status for r in progress.plan_progress(ui.store(), "son-la-2026", "2026-H1").rows}
    next(b for b in at.button if "Xác nhận" in b.label).click()
    at.run()
    assert any("Đã ghi báo cáo" in s.value for s in at.success)
    then = {r.target.code: r.status for r in progress.plan_progress(ui.store(), "son-la-2026", "2026-H1").rows}
    from indicators import status
    assert {c: (status.LABEL[now[c]], status.LABEL[then[c]]) for c in then if now[c] != then[c]} == foreseen

    out = run_cli("import", str(path), "--as", YTE, db=cli_db)
    assert out.returncode == 0, out.stderr
    page_values = ui.store().current_values_many("son-la-2026", UNITS, "2026-H1")
    with Store(cli_db) as s:
        cli_values = s.current_values_many("son-la-2026", UNITS, "2026-H1")
        cli_subs = [(x["agency"], x["period"], x["submitted_by"], x["checksum"], x["rows_new"], x["rows_changed"]) for x in s.submissions("son-la-2026")]
    assert page_values == cli_values and set(page_values) == {(UNITS[0], "8", None), (UNITS[0], "13", None),
                                                              (UNITS[1], "13", None)}
    page_subs = [(x["agency"], x["period"], x["submitted_by"], x["checksum"], x["rows_new"], x["rows_changed"]) for x in ui.store().submissions("son-la-2026")]
    assert page_subs == cli_subs


def test_target_texts_are_clean_with_the_verbatim_text_one_click_away(demo_db, tmp_path, make_app):
    """Sơn La 8 is kept verbatim in the catalogue ("… ≥ 90 - $\\geq 95\\%$."): the pages show
    "≥ 95%"; the target page has the verbatim text in "Nguyên văn trong văn bản kế hoạch"."""
    path = tmp_path / "read.duckdb"
    shutil.copy(demo_db, path)
    at = make_app(path, user=STAFF, _target={"son-la-2026": "8"}, _agency={"son-la-2026": "Sở Y tế"})
    at.run()
    at.switch_page("pages/target.py")
    at.run()
    assert not at.exception
    [quote] = [m.value for m in at.main.markdown if 'class="quote">' in m.value]
    assert "đạt ≥ 90 - ≥ 95%." in quote and "&#36;" not in quote and "geq" not in quote
    assert any("≥ 95%" in o for o in at.selectbox(key="target_select_son-la-2026").options if o.startswith("8 "))
    [verbatim] = [e for e in at.expander if e.label == "Nguyên văn trong văn bản kế hoạch"]
    shown = " ".join(m.value for m in drawn(verbatim))
    assert "&#36;&#92;geq 95&#92;%&#36;" in shown  # exactly "$\geq 95\%$" once the browser decodes it
    at.selectbox(key="target_select_son-la-2026").set_value("18")  # a text without artefacts: no such expander
    at.run()
    assert not [e for e in at.expander if e.label == "Nguyên văn trong văn bản kế hoạch"]
    at.switch_page("pages/departments.py")
    at.run()
    assert not at.exception
    page = " ".join(tables(at))
    assert "(dưới 2% vào năm 2030)" in page and "(*dưới" not in page and "≥ 95%" in page and "geq" not in page


def test_the_page_follows_a_file_of_another_plan(demo_db, tmp_path, make_app):
    """An administrator (who may report for every agency) on Lạng Sơn's plan uploads Sơn La's
    2026-H1 report of Sở Tư pháp: plan, agency and period switch to the file's."""
    path = tmp_path / "upload.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as s:
        _, data = template_for(s, "son-la-2026", "Sở Tư pháp", "2026-H1")
    at = make_app(path, user=ADMIN, _plan="lang-son-2023")
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert at.selectbox(key="plan_select").value == "lang-son-2023"
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": "98,7"}), XLSX))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="plan_select").value == "son-la-2026"
    assert at.selectbox(key="upload_agency_son-la-2026").value == "Sở Tư pháp"
    assert at.selectbox(key="upload_period_son-la-2026").value == "2026-H1"
    assert any("Trang đã chuyển" in i.value for i in at.info) and table_rows(at, "data-kind")
