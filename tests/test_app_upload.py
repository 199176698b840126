"""The upload page (Nộp báo cáo) through AppTest: template, refused file with its cells, preview,
confirm, and the new figures everywhere."""
from __future__ import annotations

import pytest

from indicators import progress
from indicators.store import Store
from loaders.templates import template_for
from tests.helpers import STAFF, fill

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


def test_upload_refuses_a_bad_file_listing_every_cell(page):
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026-H1")
    bad = fill(data, {"18": "khoảng 98"})
    at.file_uploader[0].set_value(("stp.xlsx", bad, XLSX))
    at.run()
    assert not at.exception
    assert any("bị từ chối" in e.value for e in at.error)
    table = at.dataframe[0].value
    assert list(table["Vị trí"]) == ["Báo cáo!E9"] and "không phải là số" in table["Lỗi"][0]
    assert not [b for b in at.button if "Xác nhận" in b.label]


def test_upload_for_another_period_is_refused_not_rerouted(page):
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026")  # the file is the 2026-H1 template
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": 97.0}), XLSX))
    at.run()
    assert any("bị từ chối" in e.value for e in at.error)
    assert "2026-H1" in " ".join(at.dataframe[0].value["Lỗi"])


def test_upload_preview_confirm_and_new_status(page):
    at, data, path = page
    choose(at, "Sở Tư pháp", "2026-H1")
    at.file_uploader[0].set_value(("stp.xlsx", fill(data, {"18": "98,7"}), XLSX))
    at.run()
    assert not at.exception and not at.error
    preview = at.dataframe[0].value
    assert list(preview["Thay đổi"]) == ["Thay đổi"] and list(preview["Sau"]) == ["98,7%"]
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
