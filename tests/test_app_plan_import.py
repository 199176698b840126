"""The administrator's plan import page: upload a plan document, review beside the source
sentences, edit, save; the new plan is in the catalogue file, the database and on every page."""
from __future__ import annotations

import pytest

from indicators import settings

from loaders.catalogue import load_plan_file
from tests.helpers import ADMIN, LEADER, ROOT

pytestmark = pytest.mark.app

DOC = ROOT / "tests" / "plan_texts" / "bac-ninh-2026.txt"


@pytest.fixture
def app(demo_store, tmp_path, monkeypatch, make_app):
    monkeypatch.setattr(settings, "PLANS_DIR", tmp_path / "plans")  # never write into the real catalogue
    (tmp_path / "plans").mkdir()
    demo_store.close()
    at = make_app(demo_store.location, user=ADMIN)
    at.run()
    at.switch_page("pages/admin_plan.py")
    at.run()
    return at, tmp_path / "plans"


def test_review_edit_and_save_a_new_plan(app):
    at, plans_dir = app
    at.file_uploader[0].set_value((DOC.name, DOC.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception and any("Đọc được 10 chỉ tiêu" in s.value for s in at.success)
    from pages import ui
    before = set(ui.store().plan_slugs())
    assert not any(p.startswith("bac-ninh") for p in before)  # nothing saved before confirming
    slug = "bac-ninh-2026-da-xem-lai"
    next(t for t in at.text_input if t.label.startswith("Mã kế hoạch")).input(slug)  # an edited field
    at.run()
    next(b for b in at.button if "Lưu thành kế hoạch mới" in b.label).click()
    at.run()
    assert not at.exception, at.exception
    assert any("Đã lưu kế hoạch" in s.value for s in at.success), [e.value for e in at.error]
    assert set(ui.store().plan_slugs()) - before == {slug}
    plan = ui.store().plan(slug)
    assert plan.year == 2026 and len(plan.measurable_targets()) == 10
    saved = load_plan_file(plans_dir / f"{slug}.toml")  # the reviewable catalogue file reads back the same
    assert saved == plan
    assert any(a["action"] == "catalogue.insert" and a["actor"] == ADMIN for a in ui.store().audit_trail())
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception and at.session_state["_plan"] == slug
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception


def test_a_document_that_is_not_a_plan_gets_a_clear_message(app):
    at, plans_dir = app
    at.file_uploader[0].set_value(("ghi-chu.txt", "Biên bản họp giao ban tuần.\nKhông có chỉ tiêu nào.".encode(), "text/plain"))
    at.run()
    assert not at.exception and at.error and "Cách khắc phục" in at.error[0].value
    at.file_uploader[0].set_value(("anh.txt", b"\xff\xfe\x00\x01 not utf-8", "text/plain"))
    at.run()
    assert not at.exception and at.error
    assert list(plans_dir.iterdir()) == []


def test_only_administrators_get_the_page(demo_store, make_app):
    demo_store.close()
    at = make_app(demo_store.location, user=LEADER)
    at.run()
    try:
        at.switch_page("pages/admin_plan.py")
    except ValueError:
        return
    at.run()
    assert at.error and not at.file_uploader


PROGRAMME = ROOT / "tests" / "plan_texts_multiyear" / "nghe-an-2021-2030.txt"


def test_a_programme_shows_its_span_and_milestones_and_saves_an_edited_one(app):
    at, plans_dir = app
    at.file_uploader[0].set_value((PROGRAMME.name, PROGRAMME.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception and any("giai đoạn 2021–2030" in s.value for s in at.success)
    labels = [n.label for n in at.number_input]
    assert "Từ năm" in labels and "Đến năm" in labels and "Năm" not in labels
    editor = next(e for e in at.data_editor if (e.key or "").endswith("_milestones"))
    table = editor.value
    assert list(table.columns) == ["Mã chỉ tiêu", "Năm", "So sánh", "Giá trị", "Nhóm/khu vực"]
    assert len(table) == 43  # every stated (year, value) of the plan
    row = int(table.index[(table["Mã chỉ tiêu"] == "4") & (table["Năm"] == 2030)][0])
    assert table.loc[row, "Giá trị"] == 97.5
    assert set(table.loc[table["Mã chỉ tiêu"] == "3b", "Nhóm/khu vực"]) == {"nông thôn"}
    at.session_state[editor.key] = {"edited_rows": {row: {"Giá trị": 98.5}}, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if "Lưu thành kế hoạch mới" in b.label).click()
    at.run()
    assert not at.exception, at.exception
    assert any("Đã lưu kế hoạch" in s.value for s in at.success), [e.value for e in at.error]
    from pages import ui
    plan = ui.store().plan("nghe-an-2021-2030")
    assert (plan.start_year, plan.end_year) == (2021, 2030)
    t4 = next(t for t in plan.measurable_targets() if t.code == "4")
    assert [(m.year, m.target) for m in t4.milestones] == [(2025, 96), (2030, 98.5)] and t4.target == 98.5
    saved = load_plan_file(plans_dir / "nghe-an-2021-2030.toml")
    assert saved == plan and "milestones = [{year = 2025, target = 96}, {year = 2030, target = 98.5}]" in (
        plans_dir / "nghe-an-2021-2030.toml").read_text(encoding="utf-8")
