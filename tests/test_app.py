"""AppTest over every page: each renders without exception and shows its key Vietnamese texts and
the figures the core computes (counts, lagging targets and their owners, reports, history)."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from indicators import progress, reporting, status
from indicators.settings import now_local
from indicators.store import Row
from tests.helpers import LEADER, drawn

pytestmark = pytest.mark.app

PAGES = {  # page file -> its title (st.title) as the navigation shows it
    "pages/overview.py": "Tổng quan",
    "pages/lagging.py": "Chỉ tiêu cần chú ý",
    "pages/departments.py": "Theo cơ quan",
    "pages/target.py": "Chi tiết chỉ tiêu",
    "pages/reporting.py": "Tình hình báo cáo",
    "pages/catalogue.py": "Danh mục kế hoạch và chỉ tiêu",
}
SON_LA, H1 = "son-la-2026", "2026-H1"


@pytest.fixture
def expected(demo_store):
    """What the core says about the demo data, computed before the app takes the file."""
    pp = progress.plan_progress(demo_store, SON_LA, H1)
    return {
        "counts": pp.counts(),
        "behind": [(r.target.code, r.target.lead_agency, r.status) for r in pp.behind()],
        "reports": reporting.expected_reports(pp.plan, [r.target for r in pp.rows], demo_store.submissions(SON_LA),
                                              now_local().date(), H1),
        "ranking": [a.agency for a in reporting.agencies(
            pp.rows, reporting.expected_reports(pp.plan, [r.target for r in pp.rows],
                                                demo_store.submissions(SON_LA), now_local().date()))],
    }


@pytest.fixture
def app(demo_store, expected, make_app):
    demo_store.close()  # the app opens the file itself (one owner per process, shared here)
    return make_app(demo_store.location, user=LEADER)  # a leader reads every page


def open_page(at: AppTest, page: str, *, plan: str | None = SON_LA, period: str | None = H1, **state) -> AppTest:
    """Run the app once (st.navigation registers the pages), then show `page` with the plan and
    period chosen as a person would have chosen them on an earlier page."""
    if plan:
        at.session_state["_plan"] = plan
    if plan and period:
        at.session_state["_period"] = {plan: period}
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def html(at: AppTest) -> str:
    return "\n".join(m.value for m in drawn(at))


def charts(at: AppTest) -> list[tuple[dict, dict]]:
    return [(json.loads(c.proto.spec), json.loads(c.proto.config)) for c in at.get("plotly_chart")]


def web_charts(at: AppTest) -> dict[str, str]:
    """The server-drawn charts a page shows (indicators.webcharts), by their download name."""
    found = re.findall(r'(<figure class="hc [^"]*" data-chart="[^"]+" data-name="([^"]*)".*?</figure>)', html(at))
    return {name: figure for figure, name in found}


@pytest.mark.both_stores
def test_every_page_renders_with_its_title_and_the_demo_banner(app):
    for page, title in PAGES.items():
        open_page(app, page)
        assert [t.value for t in app.title] == [title], page
        assert any("DỮ LIỆU MINH HỌA" in w.value for w in app.warning), page


@pytest.mark.both_stores
def test_every_page_renders_for_every_plan_and_period(app, catalogue):
    """Chosen through the widgets, as a person would: every plan, every declared period, every page."""
    app.run()
    for page in PAGES:
        app.switch_page(page).run()
        for slug, plan in catalogue.items():
            app.selectbox(key="plan_select").select(slug).run()
            assert not app.exception, (page, slug, [e.message for e in app.exception])
            if page == "pages/catalogue.py":
                continue
            for p in plan.periods:
                app.selectbox(key=f"period_select_{slug}").select(p.code).run()
                assert not app.exception, (page, slug, p.code, [e.message for e in app.exception])
                assert app.selectbox(key="plan_select").value == slug
                assert app.selectbox(key=f"period_select_{slug}").value == p.code


def test_catalogue_page_lists_plans_and_targets(app):
    open_page(app, "pages/catalogue.py", period=None)
    texts = " ".join(m.value for m in drawn(app))
    assert "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026" in texts
    assert "32 chỉ tiêu đo lường được" in texts
    table = app.dataframe[1].value
    assert list(table["Mã"])[:3] == ["1", "2", "3"] and "< 9,4‰" in list(table["Chỉ tiêu"])


@pytest.mark.both_stores
def test_overview_counts_and_charts(app, expected):
    open_page(app, "pages/overview.py")
    text = html(app)
    cards = dict(re.findall(r'<div class="kpi" data-status="(\w+)".*?<div class="val">(\d+)</div>', text))
    assert {k: int(v) for k, v in cards.items()} == expected["counts"]
    for code in status.STATUSES:  # every status shown with its text label, never colour alone
        assert f"{status.SYMBOL[code]} {status.LABEL[code]}" in text
    assert "8 chỉ tiêu cần chú ý" in text and "32 chỉ tiêu" in text
    assert re.findall(r'<tr data-code="([^"]+)"', text) == [c for c, _, _ in expected["behind"]]
    assert not charts(app) and not app.get("vega_lite_chart")  # no chart script on the overview (issue 16)
    figs = web_charts(app)
    assert set(figs) == {"tong-quan-son-la-2026-2026-H1", "tong-quan-son-la-2026-2026-H1-nhom-muc-tieu"}
    positions = figs["tong-quan-son-la-2026-2026-H1"]
    rows = re.findall(r'<div class="hc-row" data-code="([^"]+)" data-status="(\w+)" data-distance="([-\d.]+)".*?'
                      r'<div class="hc-val">([^<]*)</div>', positions)
    plotted = {code for code, *_ in rows}
    assert len(plotted) == 31 and "25" not in plotted  # 25 has no H1 figure: listed under the chart instead
    shown = {code: st_ for code, st_, *_ in rows}
    assert all(shown[code] == st_ for code, _, st_ in expected["behind"] if code in shown)
    legend = dict(re.findall(r'data-status="(\w+)"><i style="background:(#\w+)"></i>', positions))
    assert legend[status.LAGGING] == status.COLOR[status.LAGGING] and set(legend) == set(shown.values())
    # Vietnamese number formats, written by indicators.fmt: "9,3‰", "16,3%", "461,1/100.000", never a decimal point
    figures = [v for *_, v in rows]
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?([%‰]|/100\.000)?", v) for v in figures), figures
    assert any("," in v for v in figures)
    groups = figs["tong-quan-son-la-2026-2026-H1-nhom-muc-tieu"]
    total = sum(int(n) for n in re.findall(r'class="hc-seg" data-status="\w+" data-n="(\d+)"', groups))
    assert total == sum(expected["counts"].values())
    assert "25 — ? Chưa có số liệu" in " ".join(c.value for c in app.caption)


def test_overview_defaults_to_the_latest_period_with_data(app):
    app.run()
    assert app.selectbox(key="period_select_son-la-2026").value == "2026"  # the demo has the annual report
    assert not app.exception


def test_lagging_page_lists_exactly_the_behind_targets_with_owner_reason_and_change(app, expected):
    open_page(app, "pages/lagging.py")
    text = html(app)
    rows = re.findall(r'<tr data-code="([^"]+)" data-agency="([^"]+)" data-status="(\w+)"', text)
    assert rows == expected["behind"]
    assert rows[0][2] == status.OFF_TRACK  # worst first
    assert "8 / 32 chỉ tiêu cần chú ý" in " ".join(h.value for h in app.subheader)
    assert "Lý do:" in text and "quy tắc 4" in text and "P = (A − B)/(T − B)" in text
    assert "so với năm 2025 (tốt lên)" in text or "so với năm 2025 (xấu đi)" in text
    assert "Sở Giáo dục và Đào tạo" in text and "Sở Y tế" in text


def test_lagging_filter_by_owner(app, expected):
    open_page(app, "pages/lagging.py")
    app.selectbox(key="lagging_owner").select("Sở Y tế").run()
    rows = re.findall(r'<tr data-code="([^"]+)" data-agency="([^"]+)"', html(app))
    assert rows == [(c, a) for c, a, _ in expected["behind"] if a == "Sở Y tế"]


def test_departments_ranked_with_reports_and_drill_down(app, expected):
    open_page(app, "pages/departments.py")
    text = html(app)
    assert re.findall(r'<tr data-agency="([^"]+)" data-behind', text) == expected["ranking"]
    assert expected["ranking"][0] != "Công an tỉnh"  # coordinating only: ranked last
    app.selectbox(key=f"agency_select_{SON_LA}").select("Sở Tư pháp").run()
    text = html(app)
    assert "### Sở Tư pháp" in text and 'data-state="late"' in text
    assert re.findall(r'<tr data-code="([^"]+)"', text)[-1] == "18"  # its one target


@pytest.fixture
def corrected_app(demo_db, tmp_path, make_app):
    """The demo data plus a correction: Sở Y tế re-reports target 6 for 2026-H1 from a new file."""
    import shutil

    from indicators.store import Store
    path = tmp_path / "corrected.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as s:
        s.record_submission(SON_LA, "Sở Y tế", H1, [Row("6", 16.1), Row("15a", 452.0, numerator=1865, denominator=412600)],
                            actor="nguyen.van.a", file_name="bao-cao-so-y-te-2026-H1-sua.xlsx", source="excel",
                            received_at=datetime(2026, 6, 2, 8, 30))
    return make_app(path, user=LEADER)


def test_target_detail_shows_text_figures_submissions_and_corrections_history(corrected_app):
    at = open_page(corrected_app, "pages/target.py", _target={SON_LA: "6"})
    text = html(at)
    assert "Giảm tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể cân nặng theo tuổi xuống dưới 14,8%." in text
    assert "Chỉ tiêu 6" in text and "Sở Y tế" in text and "Mục tiêu 1" in text
    assert "&lt; (giảm xuống dưới)" in text  # comparator in words
    assert "16,1%" in text  # the corrected figure is the plan-level one
    assert "Số liệu do cơ quan chủ trì (Sở Y tế) báo cáo." in text
    assert "bao-cao-so-y-te-2026-H1-sua.xlsx" in text and "nguyen.van.a" in text
    assert "Đã được thay thế lúc 08:30 02/06/2026" in text
    assert "1 → 2" in text and "16,3%" in text  # the history of corrections: old 16,3% -> new 16,1%
    (spec, cfg), = charts(at)
    assert cfg["toImageButtonOptions"]["filename"] == "chi-tiet-chi-tieu-son-la-2026-6"
    assert [round(v, 1) for t in spec["data"][1:] for v in t["y"]] == [16.6, 16.1, 16.0]
    shapes = spec["layout"]["shapes"]
    assert any(s.get("y0") == 14.8 for s in shapes)  # the target line


def test_target_detail_of_a_compound_part_and_an_aggregated_figure(app):
    at = open_page(app, "pages/target.py", _target={SON_LA: "13"})
    text = html(at)
    assert "Tổng hợp (cơ quan chủ trì chưa báo cáo)" in text and "Công an tỉnh" in text
    at.selectbox(key=f"target_select_{SON_LA}").select("15b").run()
    text = html(at)
    assert "Là một phần của chỉ tiêu 15" in text


def test_target_page_opens_the_target_named_in_the_url(app):
    app.query_params["ma"] = "23"
    at = open_page(app, "pages/target.py")
    assert at.selectbox(key=f"target_select_{SON_LA}").value == "23"


def test_reporting_page_states_and_rates(app, expected):
    open_page(app, "pages/reporting.py")
    reports = expected["reports"]
    summary = reporting.summarise(reports)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Phải nộp"] == str(summary.expected) == "7"
    assert metrics["Đã nhận"] == str(summary.received)
    assert metrics["Tỷ lệ đầy đủ"] == f"{summary.completeness * 100:.1f}%".replace(".", ",")
    assert metrics["Tỷ lệ đúng hạn"] == f"{summary.timeliness * 100:.1f}%".replace(".", ",")
    text = html(app)
    rows = dict(re.findall(r'<tr data-agency="([^"]+)" data-state="(\w+)"', text))
    assert rows == {r.agency: r.state for r in reports}
    assert rows["Sở Tư pháp"] == reporting.LATE
    assert "MINH HỌA" in text  # demo submissions are flagged
    (spec, cfg), = charts(app)
    assert cfg["toImageButtonOptions"]["filename"] == "tinh-hinh-bao-cao-son-la-2026"


def test_plan_and_period_are_kept_between_pages(app):
    app.run()
    app.selectbox(key="plan_select").select("lang-son-2023").run()
    app.selectbox(key="period_select_lang-son-2023").select("2023-H1").run()
    for page in ("pages/lagging.py", "pages/departments.py", "pages/reporting.py", "pages/target.py"):
        app.switch_page(page).run()
        assert not app.exception
        assert app.selectbox(key="plan_select").value == "lang-son-2023", page
        assert app.selectbox(key="period_select_lang-son-2023").value == "2023-H1", page
    app.switch_page("pages/catalogue.py").run()
    assert app.selectbox(key="plan_select").value == "lang-son-2023"


def test_removing_the_demo_data_removes_the_banner_and_refreshes_every_page(app):
    open_page(app, "pages/overview.py")
    assert any("DỮ LIỆU MINH HỌA" in w.value for w in app.warning)
    import pages.ui as ui
    ui.store().remove_demo()
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        assert not any("DỮ LIỆU MINH HỌA" in w.value for w in app.warning), page
    app.switch_page("pages/overview.py").run()
    cards = dict(re.findall(r'<div class="kpi" data-status="(\w+)".*?<div class="val">(\d+)</div>', html(app)))
    assert cards["no_data"] == "32"  # the cached figures were refreshed, not served stale


def test_lagging_page_opens_the_detail_of_a_chosen_target(app, expected):
    open_page(app, "pages/lagging.py")
    code = expected["behind"][2][0]
    app.selectbox(key="lagging_detail").select(code).run()
    next(b for b in app.button if b.label == "Mở trang chi tiết").click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Chi tiết chỉ tiêu"]
    assert app.selectbox(key=f"target_select_{SON_LA}").value == code


def test_a_plan_of_milestones_only(app):
    """Sở Nội vụ Lạng Sơn 2024: five milestones, nothing to place on the distance chart."""
    at = open_page(app, "pages/overview.py", plan="lang-son-snv-2024", period="2024")
    assert list(web_charts(at)) == ["tong-quan-lang-son-snv-2024-2024-nhom-muc-tieu"]
    assert any("Chưa có chỉ tiêu nào có số để vẽ" in i.value for i in at.info)
    at.switch_page("pages/target.py").run()
    assert not at.exception
    text = html(at)
    assert "Không áp dụng (chỉ tiêu mốc)" in text and "Đang thực hiện" in text


def test_national_programme_overview_shows_the_milestones_beside_the_status(app, make_app):
    at = open_page(app, "pages/overview.py", plan="qd23-2021-2030", period="2025")
    page = html(at)
    assert "Các mốc của chương trình (giai đoạn 2021–2030)" in page
    assert "<th>Mốc 2025</th>" in page and "<th>Mốc 2030</th>" in page
    one = re.search(r'<tr data-code="1">(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", one)
    # 2025 reached: its verdict (the demo's 2025 figure meets ≥ 65%); 2030 ahead: what it requires
    assert 'data-status="achieved"' in cells[2] and "cần ≥ 65%" in cells[2]
    assert cells[3] == "cần ≥ 75%"
    at = open_page(make_app(user=LEADER), "pages/overview.py", plan="qd23-2021-2030", period="2023")
    one = re.search(r'<tr data-code="1">(.*?)</tr>', html(at)).group(1)
    assert "cần ≥ 65% <b>(đang xét)</b>" in one


def test_national_programme_target_chart_draws_each_milestone_and_the_road(app):
    at = open_page(app, "pages/target.py", plan="qd23-2021-2030", period="2025", _target={"qd23-2021-2030": "3a"})
    spec, _ = charts(at)[0]
    marks = next(t for t in spec["data"] if t.get("name") == "Mốc của chương trình")
    assert marks["x"] == ["Năm 2025", "Năm 2030"] and marks["y"] == [9.5, 9]
    assert marks["text"] == ["Mốc 2025: < 9,5‰", "Mốc 2030: < 9‰"]
    roads = [t for t in spec["data"] if t.get("name") == "Lộ trình từ mức cơ sở đến từng mốc"]
    assert [r["x"] for r in roads] == [["Năm 2020 (cơ sở)", "Năm 2025"], ["Năm 2020 (cơ sở)", "Năm 2030"]]
    assert [r["y"][1] for r in roads] == [9.5, 9] and roads[0]["y"][0] == roads[1]["y"][0]  # both from the 2020 figure
    assert "Kết quả các mốc" in html(at) and "Mốc 2025:" in html(at)


@pytest.mark.parametrize("code", ["13", "15"])
def test_national_programme_targets_flagged_for_review_say_why(app, code):
    at = open_page(app, "pages/target.py", plan="qd23-2021-2030", period="2025", _target={"qd23-2021-2030": code})
    reasons = [w.value for w in at.warning if w.value.startswith("Chỉ tiêu cần xem lại")]
    assert len(reasons) == 1 and ("16" in reasons[0] if code == "15" else "năm" in reasons[0])


def test_a_postgresql_server_that_cannot_be_reached_is_said_in_vietnamese_on_the_page(make_app):
    """Every page goes through app.py's guard: an unreachable database server is a Vietnamese message
    naming where (never the password), not Streamlit's English error box."""
    from commands.pg_cluster import _free_port

    at = make_app(f"postgresql://chiso:mat-khau-bi-mat@127.0.0.1:{_free_port()}/chiso")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "Không kết nối được máy chủ PostgreSQL" in shown and "127.0.0.1" in shown
    assert "mat-khau-bi-mat" not in shown
