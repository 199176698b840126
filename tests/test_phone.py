"""A phone (issue 16): the overview and the lagging list at 390×844 (an iPhone 12–15's CSS
viewport, device scale 3, touch) read without scrolling sideways. Chromium (Debian's) drives
`streamlit run`; screenshots go to tests/artifacts/screenshots/telefon-*.png."""
from __future__ import annotations

import pytest

from tests.helpers import no_exception, settled
from tests.test_browser import CHART_DRAWN, SHOTS, _start, chromium_path, one_page, served  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def phone(chromium_path):
    with one_page(chromium_path, **PHONE) as pg:
        yield pg


def _fits(pg, where: str) -> None:
    width = pg.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 391, f"{where}: trang rộng {width} px, phải cuộn ngang trên màn hình 390 px"
    wide = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => e.getBoundingClientRect().right > 392 && getComputedStyle(e).position !== 'fixed')
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert not wide, f"{where}: phần tử tràn ra ngoài màn hình: {wide}"


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))

def _shot_at(pg, locator, name: str) -> None:
    locator.scroll_into_view_if_needed()
    pg.wait_for_timeout(300)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def test_overview_and_lagging_list_read_on_a_phone_without_sideways_scrolling(phone, served):
    url, expected = served
    pg = phone
    _start(pg, url)
    pg.locator("div.kpi").first.wait_for()
    pg.locator(CHART_DRAWN).first.wait_for()
    settled(pg)
    no_exception(pg, "Tổng quan (điện thoại)")
    assert pg.get_by_text("chỉ tiêu cần chú ý").first.is_visible()
    kpis = pg.locator("div.kpi")
    boxes = [kpis.nth(i).bounding_box() for i in range(kpis.count())]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= 391 for b in boxes)  # the cards wrap, two by two
    assert len({round(b["y"]) for b in boxes}) >= 3
    _fits(pg, "Tổng quan")
    assert pg.locator(CHART_DRAWN).count() == 2
    _shot(pg, "telefon-tong-quan")
    _shot_at(pg, pg.locator(CHART_DRAWN).last, "telefon-tong-quan-bieu-do")

    pg.get_by_text("Xem lý do từng chỉ tiêu cần chú ý").first.click()
    pg.locator("h1").filter(has_text="Chỉ tiêu cần chú ý").wait_for()
    settled(pg)
    no_exception(pg, "Chỉ tiêu cần chú ý (điện thoại)")
    rows = pg.locator("tr[data-code]")
    assert rows.count() >= 1
    first = rows.first
    assert first.locator("td").nth(2).inner_text().count("Lý do") == 1 and first.is_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 391  # one row is one block the screen's width
    _fits(pg, "Chỉ tiêu cần chú ý")
    _shot(pg, "telefon-chi-tieu-can-chu-y")
    _shot_at(pg, first, "telefon-chi-tieu-can-chu-y-bang")
