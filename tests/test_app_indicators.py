"""The pages of indicators (docs/indicators.md): Theo chương trình (the cascade), Liên kết chỉ số,
Tạo kế hoạch năm sau, and the target page's history across plans and split by category."""
from __future__ import annotations


import pytest

from indicators import cascade
from tests.helpers import ADMIN, LEADER, drawn

pytestmark = pytest.mark.app




def _texts(at) -> str:
    return " ".join(m.value for m in drawn(at)) + " ".join(str(c.value) for c in at.caption)


def test_cascade_page_lists_son_la_under_qd23_with_its_flag(demo_store, make_app):
    expected = cascade.cascade(demo_store, "qd23-2021-2030", "1", 2026)
    demo_store.close()
    at = make_app(demo_store.location, user=LEADER)
    at.run()
    at.switch_page("pages/cascade.py")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="cascade_plan").set_value("qd23-2021-2030")
    at.run()
    at.selectbox(key="cascade_code_qd23-2021-2030").set_value("1")
    at.selectbox(key="cascade_year_qd23-2021-2030").set_value(2026)
    at.run()
    assert not at.exception, at.exception
    html = _texts(at)
    assert 'data-plan="son-la-2026"' in html and "tỉnh Sơn La" in html and "≥ 65%" in html
    assert cascade.FLAG_LABEL[cascade.WEAKER] in html
    assert "Lộ trình năm 2026: 67%" in html
    assert [m.value for m in at.metric][:2] == [str(len({r.plan.slug for r in expected.rows})), "1"]
    assert any("Xếp hạng" in m.value for m in drawn(at))


def test_admin_confirms_a_link_on_the_page_and_it_lands_in_the_catalogue_file(demo_store, make_app, catalogue_dir):
    demo_store.close()
    at = make_app(demo_store.location, user=ADMIN)
    at.run()
    at.switch_page("pages/admin_links.py")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="links_plan_select").set_value("son-la-2026")
    at.run()
    assert "32** chỉ tiêu đo lường được" in _texts(at)
    at.selectbox(key="links_code_son-la-2026").set_value("3")
    at.run()
    at.selectbox(key="links_choice_son-la-2026_3").set_value("-")
    at.button(key="links_confirm").click()
    at.run()
    assert not at.exception and any("Đã ghi liên kết của chỉ tiêu 3" in s.value for s in at.success), [e.value for e in at.error]
    text = (catalogue_dir / "plans" / "son-la-2026.toml").read_text(encoding="utf-8")
    assert text.count('indicator = "tu-vong-so-sinh"') == 0
    from pages import ui

    assert next(t for t in ui.store().targets("son-la-2026") if t.code == "3").indicator is None
    assert any(a["action"] == "catalogue.update" and a["actor"] == ADMIN for a in ui.store().audit_trail(plan="son-la-2026"))


def test_a_leader_cannot_open_the_link_page(demo_store, make_app):
    demo_store.close()
    at = make_app(demo_store.location, user=LEADER)
    at.run()
    at.switch_page("pages/admin_links.py")  # registered (the URL resolves, issue 16), refused in Vietnamese
    at.run()
    assert not at.exception and any("chỉ dành cho quản trị" in e.value for e in at.error)
    assert not at.main.button and not at.dataframe


def test_admin_starts_next_years_plan_on_the_page(demo_store, make_app, catalogue_dir):
    demo_store.close()
    at = make_app(demo_store.location, user=ADMIN)
    at.run()
    at.switch_page("pages/admin_next_plan.py")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="next_from").set_value("son-la-2026")
    at.run()
    at.button(key="next_save").click()  # nothing filled: refused, saying which
    at.run()
    assert at.error and "31 chỗ cần sửa" in at.error[0].value and "chỉ tiêu 1" in at.error[0].value
    from pages import ui

    assert "son-la-2027" not in ui.store().plan_slugs()
    at.checkbox(key="next_prefill_son-la-2026_2027").check()  # last year's values as the starting point
    at.run()
    at.button(key="next_save").click()
    at.run()
    assert not at.exception and any("Đã lưu kế hoạch son-la-2027" in s.value for s in at.success), [e.value for e in at.error]
    new = ui.store().plan("son-la-2027")
    old = ui.store().plan("son-la-2026")
    assert [(t.code, t.target, t.indicator) for t in new.measurable_targets()] == [
        (t.code, t.target, t.indicator) for t in old.measurable_targets()]
    assert (catalogue_dir / "plans" / "son-la-2027.toml").is_file()
    from indicators import progress

    row = {r.target.code: r for r in progress.plan_progress(ui.store(), "son-la-2027", "2027-H1").rows}["3"]
    assert row.baseline.method == "carried"  # the demo's 2026 annual figure of Sơn La


def test_target_page_shows_the_history_across_plans_and_the_split_by_category(demo_store, make_app):
    demo_store.close()
    at = make_app(demo_store.location, user=LEADER)
    at.run()
    at.session_state["_plan"] = "qd23-2021-2030"
    at.query_params["ma"] = "4c"
    at.switch_page("pages/target.py")
    at.run()
    assert not at.exception, at.exception
    html = _texts(at)
    assert "Theo phân tổ" in html and "thành thị" in html and "nông thôn" in html
    assert "Tỷ lệ trẻ em dưới 5 tuổi béo phì" in html or "beo-phi-tre-duoi-5" in html
