"""The dashboard in a real browser: `streamlit run app.py` on localhost, driven by Playwright with
Debian's Chromium (/usr/bin/chromium; `make test` installs it; never `playwright install`).

Opens every page through the sidebar as a person would, waits for its key text, checks that no
Streamlit exception is shown, that the chosen period survives moving between pages, that a chart's
PNG download carries its Vietnamese file name, and saves a screenshot of each page at 1280×800 to
tests/artifacts/screenshots/ (git-ignored): <page>.png (the first screen) and <page>-full.png."""
from __future__ import annotations

import contextlib
import re
import shutil

import pytest
from playwright.sync_api import expect

from indicators import progress
from commands import scale
from commands.scale import serve_app
from indicators.store import Store
from loaders.templates import template_for
from tests import hostile_files
from tests.helpers import ROOT, fill, no_exception, open_from_sidebar, settled

pytestmark = pytest.mark.browser

CHROMIUM = ROOT.__class__(scale.CHROMIUM)  # a Path
CHROMIUM_ARGS = scale.CHROMIUM_ARGS
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 20_000
CHART_DRAWN = "figure.hc"  # the overview's server-drawn charts (indicators.webcharts)

# Streamlit's own English a person could see (issue 16): upload box, status widget, menus, dialogs
ENGLISH = ["Upload", "Drag and drop", "per file", "Browse files", "Running...", "Stop", "Stopping...", "Deploy",
           "Settings", "Print", "Record a screencast", "Made with Streamlit", "Press Enter", "Connecting",
           "Connection error", "Rerun", "Always rerun", "Clear cache", "Page not found", "Choose an option",
           "No results", "Fullscreen", "Please wait", "Skip to main content", "Download as CSV", "Search",
           "Show password", "Collapse sidebar", "Expand sidebar", "View less", "Sidebar", "App pages", "Link to heading",
           "Close"]
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement, text = n.textContent.trim();
    if (!text || !el || el.closest('[data-testid="stIconMaterial"], script, style')) continue;
    const cs = getComputedStyle(el), r = el.getBoundingClientRect();
    if (parseFloat(cs.fontSize) > 0 && cs.visibility !== 'hidden' && cs.opacity !== '0' && r.width > 0 && r.height > 0)
      out.push(text);
  }
  for (const el of document.querySelectorAll('*')) {  // texts CSS puts in place of Streamlit's (::after)
    const c = getComputedStyle(el, '::after').content;
    if (c && c !== 'none' && c !== 'normal' && c.startsWith('"')) out.push(c.slice(1, -1));
  }
  return out.join(' | ');
}"""


LABELS_JS = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
  .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a)).filter(Boolean))"""


def english_shown(pg) -> list[str]:
    """The known Streamlit English strings visible on the page (text shrunk to nothing by CSS and
    replaced by Vietnamese does not count; the Vietnamese replacement does), or read out by a screen
    reader or shown on hover (an aria-label, title or placeholder that is exactly one of them)."""
    text = pg.evaluate(VISIBLE_TEXT_JS)
    labels = set(pg.evaluate(LABELS_JS))
    return [w for w in ENGLISH if w in text or w in labels]

# sidebar link -> (screenshot name, key text the page must show)
PAGES = [
    ("Tổng quan", "tong-quan", "chỉ tiêu cần chú ý"),
    ("Chỉ tiêu cần chú ý", "chi-tieu-can-chu-y", "Nội dung chỉ tiêu và lý do"),
    ("Theo cơ quan", "theo-co-quan", "Chỉ tiêu chủ trì theo tình trạng"),
    ("Chi tiết chỉ tiêu", "chi-tiet-chi-tieu", "Các lần nộp số liệu"),
    ("Theo chương trình", "theo-chuong-trinh", "Các kế hoạch cấp dưới"),
    ("Tình hình báo cáo", "tinh-hinh-bao-cao", "Tỷ lệ đúng hạn"),
    ("Nộp báo cáo", "nop-bao-cao", "Tải biểu mẫu"),
    ("Danh mục kế hoạch", "danh-muc", "chỉ tiêu đo lường được"),
]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        pytest.fail(f"Không tìm thấy Chromium ở {CHROMIUM}: kiểm thử trình duyệt cần Chromium của Debian. "
                    "Chạy `make test` (tự cài `chromium` bằng apt-get khi có quyền root) hoặc "
                    "`apt-get install chromium fonts-noto-core`. Không dùng `playwright install`.", pytrace=False)
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    """A copy of the demo database served by `streamlit run`; yields (url, expected figures)."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as s:  # what the core says, and a filled report to upload, before the server takes the file
        pp = progress.plan_progress(s, "son-la-2026", "2026-H1")
        expected = {"behind": [(r.target.code, r.target.lead_agency) for r in pp.behind()], "counts": pp.counts(),
                    "status_18": next(r.status for r in pp.rows if r.target.code == "18")}
        _, template = template_for(s, "son-la-2026", "Sở Tư pháp", "2026-H1")
        far_name, far = hostile_files.far_cell_report(s)  # one cell at XFD1048576, no <dimension>
    (folder / far_name).write_bytes(far)
    expected["far_cell"] = folder / far_name
    filled = folder / "bao-cao-so-tu-phap-2026-H1.xlsx"
    filled.write_bytes(fill(template, {"18": "98,7"}))  # 93,9% (on track) -> 98,7% >= 98,6%: achieved
    expected["upload"] = filled
    try:
        with serve_app(db, folder / "streamlit.log") as url:  # the same server the benchmark measures
            yield url, expected
    except RuntimeError as exc:
        pytest.fail(str(exc))


@contextlib.contextmanager
def launched(chromium_path: str):
    """Debian's Chromium driven by Playwright (never a downloaded browser); closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def one_page(chromium_path: str, **context_options):
    """One tab in a new Vietnamese browser context (`context_options`: viewport, phone…)."""
    with launched(chromium_path) as browser:
        context = browser.new_context(locale="vi-VN", **context_options)
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS)
        try:
            yield pg
        finally:
            context.close()


@pytest.fixture(scope="module")
def page(chromium_path, served):
    with one_page(chromium_path, viewport=VIEWPORT, accept_downloads=True) as pg:
        yield pg


def _screenshot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))
    height = pg.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    pg.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height), 6000))})
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(SHOTS / f"{name}-full.png"))
    pg.set_viewport_size(VIEWPORT)


def _start(pg, url: str) -> None:
    """Open the dashboard; when it asks for a sign-in first (accounts, issue 6), sign in with the
    test suite's reporting-staff account (tests/helpers.py), which may read every page and upload."""
    import tests.helpers as helpers

    pg.goto(url + "/")
    pg.locator("h1").first.wait_for()
    if pg.locator("h1").first.inner_text().strip() == "Đăng nhập":
        name, password = getattr(helpers, "STAFF", None), getattr(helpers, "PASSWORD", None)
        assert name and password, "Trang yêu cầu đăng nhập nhưng tests/helpers.py không có tài khoản kiểm thử."
        pg.get_by_label("Tên đăng nhập").fill(name)
        pg.get_by_label("Mật khẩu").fill(password)
        pg.get_by_role("button", name="Đăng nhập").click()
    pg.locator("h1").filter(has_text="Tổng quan").wait_for()


def test_every_page_in_a_real_browser(page, served):
    url, expected = served
    pg = page
    behind = expected["behind"]
    _start(pg, url)
    pg.locator("div.kpi").first.wait_for()
    settled(pg)
    no_exception(pg, "Tổng quan")
    assert pg.get_by_text("DỮ LIỆU MINH HỌA").first.is_visible()

    # choose 6 tháng đầu năm 2026, as a person would
    assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value() == "Năm 2026"  # latest period with data
    pg.get_by_role("combobox", name="Kỳ báo cáo").click()
    pg.get_by_role("option", name="6 tháng đầu năm 2026").click()
    pg.get_by_text(f"{len(behind)} chỉ tiêu cần chú ý").first.wait_for()
    settled(pg)
    for code, n in expected["counts"].items():  # retried: the wait above may have met the earlier period's text
        expect(pg.locator(f'div.kpi[data-status="{code}"] .val')).to_have_text(str(n), timeout=WAIT_MS)
    # the overview's charts are drawn by the server (issue 16: a chart script was most of its first
    # open): two charts, no chart library, bars with a size, a hover text on every target
    assert pg.locator(".js-plotly-plot, [data-testid=stVegaLiteChart]").count() == 0
    assert pg.locator(CHART_DRAWN).count() == 2
    bars = pg.locator("figure.hc-positions .hc-row")
    assert bars.count() == 31
    box = bars.first.locator(".hc-bar").bounding_box()
    assert box["width"] >= 3 and box["height"] >= 10
    assert "Chủ trì:" in bars.first.get_attribute("title")
    _screenshot(pg, "tong-quan")

    for title, name, key_text in PAGES[1:]:
        open_from_sidebar(pg, title)
        pg.get_by_text(key_text).first.wait_for()
        settled(pg)
        no_exception(pg, title)
        assert pg.get_by_text("DỮ LIỆU MINH HỌA").first.is_visible(), title
        if name not in ("danh-muc", "nop-bao-cao", "theo-chuong-trinh"):  # the period chosen on the overview is kept
            assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value() == "6 tháng đầu năm 2026", title
        if name == "chi-tieu-can-chu-y":
            rows = pg.locator("tr[data-code]")
            assert rows.count() == len(behind)
            got = [(rows.nth(i).get_attribute("data-code"), rows.nth(i).get_attribute("data-agency"))
                   for i in range(rows.count())]
            assert got == behind
        _screenshot(pg, name)

    # the overview again: still 6 tháng đầu năm 2026; its chart's toolbar downloads a PNG with the
    # Vietnamese file name
    open_from_sidebar(pg, "Tổng quan")
    pg.get_by_text(f"{len(behind)} chỉ tiêu cần chú ý").first.wait_for()
    no_exception(pg, "Tổng quan (lần hai)")
    button = pg.get_by_role("button", name="Tải ảnh biểu đồ (PNG)").last
    button.scroll_into_view_if_needed()
    with pg.expect_download(timeout=90_000) as download:  # drawn by kaleido on the click, as the exports draw it
        button.click()
    assert download.value.suggested_filename == "tong-quan-son-la-2026-2026-H1.png"
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_upload_a_filled_template_then_the_overview_shows_the_new_status(page, served):
    """Nộp báo cáo in the browser: choose agency and period, upload the filled workbook, see the
    preview, confirm; the overview then counts target 18 as achieved (caches refreshed at once)."""
    url, expected = served
    pg = page
    assert expected["status_18"] == "on_track"
    _start(pg, url)
    pg.locator("div.kpi").first.wait_for()
    settled(pg)
    pg.get_by_role("combobox", name="Kỳ báo cáo").click()
    pg.get_by_role("option", name="6 tháng đầu năm 2026").click()
    pg.get_by_text(f"{len(expected['behind'])} chỉ tiêu cần chú ý").first.wait_for()
    settled(pg)
    for code, n in expected["counts"].items():
        expect(pg.locator(f'div.kpi[data-status="{code}"] .val')).to_have_text(str(n), timeout=WAIT_MS)
    before = dict(expected["counts"])

    open_from_sidebar(pg, "Nộp báo cáo")
    pg.get_by_role("combobox", name="Cơ quan báo cáo").click()
    pg.get_by_role("option", name="Sở Tư pháp").click()
    settled(pg)
    assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value().startswith("6 tháng đầu năm 2026")
    pg.locator('input[type="file"]').set_input_files(str(expected["upload"]))
    pg.get_by_text("3. Xem trước").wait_for()
    settled(pg)
    no_exception(pg, "Nộp báo cáo (xem trước)")
    pg.get_by_role("button", name="Xác nhận ghi báo cáo").click()
    pg.get_by_text("Đã ghi báo cáo").first.wait_for()
    settled(pg)
    _screenshot(pg, "nop-bao-cao-da-ghi")

    open_from_sidebar(pg, "Tổng quan")
    pg.locator("div.kpi").first.wait_for()
    settled(pg)
    assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value() == "6 tháng đầu năm 2026"
    after = {c: int(pg.locator(f'div.kpi[data-status="{c}"] .val').inner_text()) for c in expected["counts"]}
    assert after["achieved"] == before["achieved"] + 1 and after["on_track"] == before["on_track"] - 1
    no_exception(pg, "Tổng quan sau khi nộp")


def test_a_hostile_upload_is_refused_and_the_server_goes_on(page, served):
    """The 8,9 KB workbook with one cell at XFD1048576 aborted the whole server (issue 11): now its
    reading ends in a refusal naming the limit, and the overview still opens afterwards."""
    url, expected = served
    pg = page
    _start(pg, url)
    open_from_sidebar(pg, "Nộp báo cáo")
    pg.get_by_role("combobox", name="Cơ quan báo cáo").click()
    pg.get_by_role("option", name="Sở Tư pháp").click()
    settled(pg)
    pg.locator('input[type="file"]').set_input_files(str(expected["far_cell"]))
    pg.get_by_text("bị từ chối").first.wait_for()
    settled(pg)
    no_exception(pg, "Nộp báo cáo (tệp độc hại)")
    assert "1 lỗi" in pg.locator('[data-testid="stAlert"]').filter(has_text="bị từ chối").first.inner_text()
    _screenshot(pg, "nop-bao-cao-tu-choi-tep-doc-hai")  # the problem table (a canvas) names the row limit
    open_from_sidebar(pg, "Tổng quan")
    pg.locator("div.kpi").first.wait_for()
    no_exception(pg, "Tổng quan sau tệp độc hại")


def test_no_streamlit_english_on_the_overview_upload_and_sign_in_pages(page, served, chromium_path):
    """Vietnamese throughout (issue 16): the upload box reads "Chọn tệp" and "Kéo thả tệp vào
    đây · tối đa 20 MB mỗi tệp · XLSX, ODS"; no developer menu; no English status texts, labels
    or tooltips; a chosen file's size reads "12,3 KB"."""
    url, expected = served
    pg = page
    _start(pg, url)
    pg.locator(CHART_DRAWN).first.wait_for()
    settled(pg)
    assert english_shown(pg) == [], "Tổng quan"
    assert pg.locator('[data-testid="stMainMenu"]').count() == 0 or not pg.locator('[data-testid="stMainMenu"]').is_visible()
    assert pg.locator('[data-testid="stAppDeployButton"]').count() == 0

    open_from_sidebar(pg, "Nộp báo cáo")
    zone = pg.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for()
    shown = pg.evaluate(VISIBLE_TEXT_JS)
    assert "Chọn tệp" in shown and "Kéo thả tệp vào đây · tối đa 20 MB mỗi tệp · XLSX, ODS" in shown
    assert english_shown(pg) == [], "Nộp báo cáo"
    _screenshot(pg, "nop-bao-cao-o-tai-tep")
    pg.locator('input[type="file"]').set_input_files(str(expected["upload"]))  # the chosen file's size, as Vietnamese writes it
    pg.get_by_text(re.compile(r"^\d+,\d KB$")).first.wait_for()
    settled(pg)
    assert not re.search(r"\d\.\d\s?KB", pg.locator("body").inner_text())
    assert english_shown(pg) == [], "Nộp báo cáo (đã chọn tệp)"

    open_from_sidebar(pg, "Danh mục kế hoạch")  # a table's toolbar: labels and the tooltip on hover
    table = pg.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = pg.get_by_role("button", name="Tải về dạng CSV").first
    tooltip = pg.locator('[data-testid="stTooltipContent"]').filter(has_text="Tải về dạng CSV").first
    for attempt in range(6):  # the toolbar shows while the pointer is over the table and fades when it leaves:
        pg.mouse.move(0, 0)   # a busy machine may miss a pass, so the pointer goes table -> button by coordinates
        table.hover(timeout=5000)  # (a hover() on the button waits for it to be "stable" while it fades in)
        try:
            button.wait_for(state="visible", timeout=4000)
            box = None  # the toolbar slides in (~28 px): aim once its box has stopped moving
            for _ in range(20):
                pg.wait_for_timeout(150)
                now = button.bounding_box()
                if now and now == box:
                    break
                box = now
            assert box, "the toolbar's CSV button has no box"
            pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)
            tooltip.wait_for(timeout=4000)
            break
        except PlaywrightTimeout:
            if attempt == 5:
                raise
    assert english_shown(pg) == [], "Danh mục kế hoạch"

    # the sign-in page, as someone not signed in sees it, with a name typed (Streamlit's "Press Enter" hint)
    context = pg.context.browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    try:
        other = context.new_page()
        other.set_default_timeout(WAIT_MS)
        other.goto(url + "/")
        other.locator("h1").first.wait_for()
        settled(other)
        if other.locator("h1").first.inner_text().strip() == "Đăng nhập":
            other.get_by_label("Tên đăng nhập").fill("ai.do")
            other.wait_for_timeout(300)
        assert english_shown(other) == [], "Đăng nhập"
    finally:
        context.close()


def test_a_server_that_went_away_is_announced_in_vietnamese(page, demo_db, tmp_path):
    """Streamlit's "Connection error" dialog (shown by the browser alone: the server is gone) reads
    in Vietnamese and tells the person what to do, without a developer's command line."""
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    context = page.context.browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    try:
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS)
        with serve_app(db, tmp_path / "gone.log") as url:
            pg.goto(url + "/danh-muc")
            pg.locator("h1").first.wait_for()
            settled(pg)
        dialog = pg.get_by_role("dialog")
        dialog.get_by_text("Mất kết nối tới máy chủ").wait_for(timeout=60_000)
        text = dialog.inner_text()
        assert "Mất kết nối" in text and "tải lại trang" in text
        assert "streamlit run" not in text  # the developer's command is hidden
        assert english_shown(pg) == [], "Mất kết nối"
    finally:
        context.close()
