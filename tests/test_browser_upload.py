"""A compilation (biểu tổng hợp) on the page Nộp báo cáo, in a real browser: `streamlit run app.py`
driven by Playwright with Debian's Chromium (/usr/bin/chromium; never `playwright install`).

The standing agency's staff download the compilation from the page, fill it, go back to their
agency report for "Năm 2026" and upload it: the page follows the file (kind and period) without
losing it, previews it grouped by unit, writes it; the database then holds exactly what
`python -m indicators import --as` writes into a copy of the same database. A refused file's problem
table fits a 1366 px wide screen (its "Cách sửa" column readable without scrolling sideways). And
Sơn La 8 on the target page: clean text, the verbatim "$\\geq 95\\%$" one click away."""
from __future__ import annotations

import re
import shutil

import pytest

from commands import scale
from commands.scale import serve_app
from indicators import accounts
from indicators.scopes import register_units
from indicators.store import Store
from loaders.templates import COMPILATION_SHEET, HEADER_ROW, template_for
from tests.helpers import ADMIN, PASSWORD, ROOT, fill, no_exception, open_from_sidebar, run_cli, settled, shows

pytestmark = pytest.mark.browser

CHROMIUM = ROOT.__class__(scale.CHROMIUM)  # a Path
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 800}
WAIT_MS = 30_000
SLUG, AGENCY, PERIOD = "son-la-2026", "Sở Y tế", "2026-H1"
YTE = "can.bo.y.te.trinh.duyet"  # holds Sở Y tế, the plan's standing agency
UNITS = ["UBND xã Chiềng Sinh", "UBND phường Tô Hiệu"]


@pytest.fixture
def databases(demo_db, tmp_path):
    """Two copies of one database (the same template signing key): one served, one for the command
    line; an account holding Sở Y tế and two communes registered for its compilations."""
    base = tmp_path / "page.duckdb"
    shutil.copy(demo_db, base)
    with Store(base) as s:
        accounts.create(s, YTE, "staff", PASSWORD, actor=ADMIN, agencies=[(SLUG, AGENCY)])
        register_units(s, SLUG, AGENCY, UNITS, actor=ADMIN)
        template_for(s, SLUG, AGENCY, PERIOD, units=UNITS)  # the signing key exists before the copy
    cli = tmp_path / "cli.duckdb"
    shutil.copy(base, cli)
    return base, cli


def _screenshot(pg, name: str) -> None:
    """The whole page (Streamlit scrolls inside its main block: the window is made as tall as it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    pg.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height), 6000))})
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))
    pg.set_viewport_size(VIEWPORT)


def _edited_text(data: bytes) -> bytes:
    """The compilation with a locked cell edited (target 13's text, first unit): refused with a long fix."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[COMPILATION_SHEET]
    row = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == UNITS[0] and r[1].value == "13")
    row[2].value = "Giảm tỷ lệ trẻ em bị xâm hại (đã sửa)"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _choose(pg, label: str, option: str) -> None:
    pg.get_by_role("combobox", name=label).click()
    pg.get_by_role("option").filter(has_text=re.compile("^" + re.escape(option))).first.click()
    settled(pg)


def test_a_compilation_uploaded_on_the_page_equals_the_command_line_import(databases, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"Không tìm thấy Chromium ở {CHROMIUM}: cài `apt-get install chromium fonts-noto-core` "
                    "(không dùng `playwright install`).", pytrace=False)
    from playwright.sync_api import sync_playwright

    page_db, cli_db = databases
    filled = tmp_path / "bieu-tong-hop-da-dien.xlsx"
    bad = tmp_path / "bieu-tong-hop-loi.xlsx"
    with serve_app(page_db, tmp_path / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=scale.CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", accept_downloads=True)
            pg = context.new_page()
            pg.set_default_timeout(WAIT_MS)
            pg.goto(url + "/")
            pg.get_by_label("Tên đăng nhập").fill(YTE)
            pg.get_by_label("Mật khẩu").fill(PASSWORD)
            pg.get_by_role("button", name="Đăng nhập").click()
            pg.locator("h1").filter(has_text="Tổng quan").wait_for()
            open_from_sidebar(pg, "Nộp báo cáo")

            # download the compilation of both units for 2026-H1 from the page
            pg.get_by_text("Biểu tổng hợp các đơn vị").click()
            settled(pg)
            _choose(pg, "Kỳ báo cáo", "6 tháng đầu năm 2026")
            pg.get_by_text("Gồm tất cả 2 đơn vị báo cáo").wait_for()
            with pg.expect_download() as download:
                pg.get_by_role("button", name=re.compile("Tải biểu tổng hợp Excel")).click()
            assert download.value.suggested_filename == f"bieu-tong-hop-{SLUG}-so-y-te-{PERIOD}.xlsx"
            data = download.value.path().read_bytes()
            filled.write_bytes(fill(data, {(UNITS[0], "13"): (0.1, 10.0, 10000.0), (UNITS[1], "13"): (0.2, 60.0, 30000.0),
                                           (UNITS[0], "8"): 93.0}, sheet=COMPILATION_SHEET, extra_cols=1))
            bad.write_bytes(_edited_text(fill(data, {(UNITS[0], "8"): "khoảng 93"}, sheet=COMPILATION_SHEET, extra_cols=1)))

            # back on the agency report for "Năm 2026", as a person who forgot to switch; upload the compilation
            pg.get_by_text("Báo cáo của cơ quan").click()
            settled(pg)
            _choose(pg, "Kỳ báo cáo", "Năm 2026")
            pg.locator('input[type="file"]').set_input_files(str(filled))
            pg.get_by_text("3. Xem trước").wait_for()
            settled(pg)
            no_exception(pg, "Nộp báo cáo (xem trước)")
            pg.get_by_text("Tệp này là biểu tổng hợp các đơn vị 6 tháng đầu năm 2026 của Sở Y tế").first.wait_for()
            assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value().startswith("6 tháng đầu năm 2026")
            assert pg.get_by_role("radio", name="Biểu tổng hợp các đơn vị").is_checked()
            groups = pg.locator("tr.group")
            assert [groups.nth(i).get_attribute("data-group") for i in range(groups.count())] == UNITS
            _screenshot(pg, "nop-bieu-tong-hop-xem-truoc")
            pg.get_by_role("button", name="Xác nhận ghi báo cáo").click()
            pg.get_by_text("Đã ghi báo cáo").first.wait_for()
            settled(pg)

            # a refused file: the problem table wraps inside the page at 1366 px
            pg.locator('input[type="file"]').set_input_files(str(bad))
            pg.get_by_text("bị từ chối").first.wait_for()
            settled(pg)
            no_exception(pg, "Nộp báo cáo (tệp lỗi)")
            fit = pg.evaluate("""() => {
                const t = [...document.querySelectorAll('table.ind')].find(x => x.innerText.includes('Cách sửa'));
                const main = document.querySelector('[data-testid="stMain"]');
                const head = [...t.querySelectorAll('th')].find(x => x.innerText.includes('Cách sửa'));
                return {table: t.scrollWidth, box: t.parentElement.clientWidth, right: head.getBoundingClientRect().right,
                        screen: window.innerWidth, main: main.scrollWidth, mainBox: main.clientWidth};
            }""")
            assert fit["table"] <= fit["box"] + 1 and fit["right"] <= fit["screen"], fit
            assert fit["main"] <= fit["mainBox"] + 1, fit
            fix = pg.locator("table.ind tr[data-where] td").nth(5)  # second problem's "Cách sửa"
            assert fix.inner_text().strip() not in ("", "—") and fix.is_visible()
            assert fix.bounding_box()["x"] + fix.bounding_box()["width"] <= VIEWPORT["width"]
            _screenshot(pg, "nop-bieu-tong-hop-tu-choi")

            # Sơn La 8 as people read it, the verbatim text of the plan one click away
            open_from_sidebar(pg, "Chi tiết chỉ tiêu")
            _choose(pg, "Chỉ tiêu", "8 —")
            pg.locator("h2").filter(has_text="Chỉ tiêu 8").first.wait_for()  # the run for target 8 drew its page
            shows(pg.locator("div.quote").first, "≥ 90 - ≥ 95%.")
            assert "$" not in pg.locator("div.quote").first.inner_text()
            pg.get_by_text("Nguyên văn trong văn bản kế hoạch").click()
            verbatim = pg.locator('div.quote[data-verbatim="text"]')
            verbatim.wait_for()
            assert verbatim.inner_text().strip().endswith("đạt ≥ 90 - $\\geq 95\\%$."), verbatim.inner_text()
            no_exception(pg, "Chi tiết chỉ tiêu 8")
            context.close()
        finally:
            browser.close()

    out = run_cli("import", str(filled), "--as", YTE, db=cli_db)
    assert out.returncode == 0, out.stderr
    with Store(page_db) as s:
        page_values = s.current_values_many(SLUG, UNITS, PERIOD)
        page_subs = [(x["agency"], x["period"], x["submitted_by"], x["checksum"], x["rows_new"], x["rows_changed"])
                     for x in s.submissions(SLUG)]
    with Store(cli_db) as s:
        cli_values = s.current_values_many(SLUG, UNITS, PERIOD)
        cli_subs = [(x["agency"], x["period"], x["submitted_by"], x["checksum"], x["rows_new"], x["rows_changed"])
                    for x in s.submissions(SLUG)]
    assert page_values == cli_values
    assert set(page_values) == {(UNITS[0], "8", None), (UNITS[0], "13", None), (UNITS[1], "13", None)}
    assert page_subs == cli_subs and page_subs[-1][:3] == (AGENCY, PERIOD, YTE)
