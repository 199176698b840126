"""Sessions that last and links that work (issue 16) in a real browser: `streamlit run serve.py`
(st.App with the session routes, the same entry as `make run`) driven by Playwright in Debian's
Chromium; plus plain HTTP against the same server for the cookie's flags, the single-use ticket and
the return path after sign-in."""
from __future__ import annotations

import http.client
import shutil
from urllib.parse import urlencode, urlsplit

import pytest

from commands.scale import serve_app
from indicators.settings import SESSION_COOKIE
from tests.helpers import ADMIN, PASSWORD, STAFF, lacks, settled, shows
from tests.test_browser import VIEWPORT, WAIT_MS, chromium_path, launched  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

DEEP = "/chi-tiet-chi-tieu?ke-hoach=son-la-2026&ky=2026-H1&ma=3"
NAVIGATE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}  # our own page's redirect


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sessions")
    shutil.copy(demo_db, folder / "demo.duckdb")
    return folder / "demo.duckdb"


@pytest.fixture(scope="module")
def browser(chromium_path):  # noqa: F811
    with launched(chromium_path) as b:
        yield b


def _page(context):
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    return pg


def _h1(pg) -> str:
    pg.locator("h1").first.wait_for()
    return pg.locator("h1").first.inner_text().strip()


def _sign_in(pg, name=STAFF, password=PASSWORD) -> None:
    pg.get_by_label("Tên đăng nhập").fill(name)
    pg.get_by_label("Mật khẩu").fill(password)
    pg.get_by_role("button", name="Đăng nhập").click()


def _signed_in(pg) -> None:
    pg.get_by_text("Đang đăng nhập").first.wait_for()


def _on_target(pg, code: str) -> None:
    pg.locator("h1").filter(has_text="Chi tiết chỉ tiêu").first.wait_for()
    pg.locator("h2").filter(has_text=f"Chỉ tiêu {code}").first.wait_for()


def _get(url: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    con.request("GET", path, headers=headers or {})
    response = con.getresponse()
    response.read()
    con.close()
    return response


def test_sessions_last_across_reload_tabs_and_restart_and_end_everywhere(browser, db, tmp_path):
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    with serve_app(db, tmp_path / "first.log") as url:
        pg = _page(context)
        pg.goto(url + DEEP)  # a deep link, signed out: asked to sign in on the spot
        assert _h1(pg) == "Đăng nhập"
        shows(pg.locator("body"), "Trang “Chi tiết chỉ tiêu” cần đăng nhập")
        _sign_in(pg)
        _on_target(pg, "3")  # landed on the page the link named, same plan, period and target
        settled(pg)
        assert urlsplit(pg.url).path == "/chi-tiet-chi-tieu"
        assert "ke-hoach=son-la-2026" in pg.url and "ky=2026-H1" in pg.url and "ma=3" in pg.url
        _signed_in(pg)
        cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/" and not cookie["secure"]
        assert PASSWORD not in cookie["value"] and "staff" not in cookie["value"] and STAFF not in cookie["value"]

        pg.reload()  # a reload keeps the person signed in, and the view
        _on_target(pg, "3")
        _signed_in(pg)
        other = _page(context)  # a new tab
        other.goto(url + "/")
        other.locator("h1").filter(has_text="Tổng quan").first.wait_for()
        _signed_in(other)
        settled(other)
        assert "ke-hoach=son-la-2026" in other.url  # the address names the view
        other.close()

    with serve_app(db, tmp_path / "second.log") as url:  # the app restarted (another port: cookies ignore ports)
        pg = _page(context)
        pg.goto(url + DEEP)
        _on_target(pg, "3")
        _signed_in(pg)
        tab = _page(context)
        tab.goto(url + "/chi-tieu-can-chu-y")
        tab.locator("h1").filter(has_text="Chỉ tiêu cần chú ý").first.wait_for()
        settled(tab)

        pg.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()  # sign out in one tab
        pg.locator("h1").filter(has_text="Đăng nhập").first.wait_for()
        assert not any(c["name"] == SESSION_COOKIE for c in context.cookies())

        tab.locator('[data-testid="stSidebarNav"] a').filter(has_text="Tổng quan").first.click()  # the other's next action
        tab.locator("h1").filter(has_text="Đăng nhập").first.wait_for()
        settled(tab)  # the earlier run's sidebar ("Đang đăng nhập") stays on screen until this run ends
        lacks(tab.locator("body"), "Đang đăng nhập")
        shows(tab.locator("body"), "Phiên làm việc đã kết thúc (đã đăng xuất ở một thẻ")
    context.close()


def test_a_disabled_account_s_open_session_ends_at_its_next_action(browser, db, tmp_path):
    """A staff member is signed in in one browser; an administrator, in another, disables the
    account on Tài khoản: the staff member's next click asks them to sign in, their cookie no
    longer opens anything, and signing in again is refused in Vietnamese."""
    own = tmp_path / "demo.duckdb"  # the account is disabled in a copy: the module's other tests sign in as STAFF
    shutil.copy(db, own)
    staff, admin = (browser.new_context(viewport=VIEWPORT, locale="vi-VN") for _ in range(2))
    with serve_app(own, tmp_path / "disable.log") as url:
        pg = _page(staff)
        pg.goto(url + "/nop-bao-cao")
        _sign_in(pg)
        pg.locator("h1").filter(has_text="Nộp báo cáo").first.wait_for()
        _signed_in(pg)
        settled(pg)

        boss = _page(admin)
        boss.goto(url + "/tai-khoan")
        _sign_in(boss, ADMIN)
        boss.locator("h1").filter(has_text="Tài khoản").first.wait_for()
        settled(boss)
        boss.get_by_role("tab", name="Sửa tài khoản").click()
        boss.get_by_role("combobox", name="Tài khoản").click()
        boss.get_by_role("option", name=STAFF, exact=True).click()
        settled(boss)
        boss.get_by_role("button", name="Khóa tài khoản").click()
        boss.get_by_role("button", name="Mở lại tài khoản").wait_for()

        pg.locator('[data-testid="stSidebarNav"] a').filter(has_text="Tổng quan").first.click()  # the next action
        pg.locator("h1").filter(has_text="Đăng nhập").first.wait_for()
        settled(pg)
        lacks(pg.locator("body"), "Đang đăng nhập")
        shows(pg.locator("body"), f'Tài khoản "{STAFF}" đã bị khóa bởi quản trị')
        pg.reload()  # the cookie is worth nothing now
        _h1(pg)
        settled(pg)
        lacks(pg.locator("body"), "Đang đăng nhập")
        _sign_in(pg)
        pg.get_by_text("đã bị khóa").first.wait_for()
        settled(pg)
        lacks(pg.locator("body"), "Đang đăng nhập")
    staff.close()
    admin.close()


def test_cookie_flags_single_use_ticket_and_no_open_redirect_over_http(browser, db, tmp_path):
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    with serve_app(db, tmp_path / "http.log") as url:
        pg = _page(context)
        captured = []

        def hold(route):
            captured.append(route.request.url)
            route.abort()

        pg.route("**/phien/vao**", hold)  # keep the ticket for plain HTTP below
        pg.goto(url + "/")
        _sign_in(pg)
        pg.wait_for_timeout(200)
        for _ in range(100):
            if captured:
                break
            pg.wait_for_timeout(100)
        assert captured, "Trang đăng nhập không chuyển tới /phien/vao"
        parts = urlsplit(captured[0])
        # another site sending the browser there with someone's ticket (sign-in forgery): no cookie
        for forged_from in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "none"},
                            {"Referer": "https://evil.example/trang"}, {},  # neither header: a page can suppress its Referer
                            {**NAVIGATE, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}):  # an <img> on our page
            refused = _get(url, f"{parts.path}?{parts.query}", forged_from)
            assert refused.status == 303 and refused.getheader("Set-Cookie") is None, forged_from
        first = _get(url, f"{parts.path}?{parts.query}", {"X-Forwarded-Proto": "https", **NAVIGATE})
        assert first.status == 303 and first.getheader("Location") == "/"
        set_cookie = first.getheader("Set-Cookie")
        flags = [f.strip().lower() for f in set_cookie.split(";")]
        assert set_cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in flags and "samesite=lax" in flags
        assert "path=/" in flags and "secure" in flags
        again = _get(url, f"{parts.path}?{parts.query}", NAVIGATE)  # the same ticket a second time
        assert again.status == 303 and again.getheader("Set-Cookie") is None

        token = set_cookie.split(";")[0].split("=", 1)[1]
        for bad in ("//evil.example", "https://evil", "/\\evil", "%2F%2Fevil", "/%2F%2Fevil", "/x\r\nSet-Cookie: a=b",
                    "http:evil", "javascript:alert(1)", "/phien/vao?ve=planted", "/phien/ra"):
            for route in ("/phien/vao?", "/phien/ra?"):
                response = _get(url, route + urlencode({"ve": "khong-co-ve-nay-1234567890", "tiep": bad}))
                assert response.status == 303 and response.getheader("Location") == "/", (route, bad)
        ok = _get(url, "/phien/vao?" + urlencode({"ve": "x" * 43, "tiep": DEEP}), NAVIGATE)
        assert ok.getheader("Location") == DEEP and ok.getheader("Set-Cookie") is None  # forged ticket: no cookie

        host = urlsplit(url).hostname
        # another site cannot sign a person out either; this site can
        for forged_from in ({"Sec-Fetch-Site": "cross-site"}, {**NAVIGATE, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}):
            gone = _get(url, "/phien/ra", {"Cookie": f"{SESSION_COOKIE}={token}", **forged_from})
            assert gone.getheader("Set-Cookie") is None, forged_from
        kept = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        kept.add_cookies([{"name": SESSION_COOKIE, "value": token, "domain": host, "path": "/"}])
        kp = _page(kept)
        kp.goto(url + DEEP)
        _on_target(kp, "3")
        kept.close()
        _get(url, "/phien/ra", {"Cookie": f"{SESSION_COOKIE}={token}", **NAVIGATE}).read()  # the session ends here

        forged = browser.new_context(viewport=VIEWPORT, locale="vi-VN")  # a forged or ended token is refused
        for value in ("A" * 43, token):  # forged; signed out
            forged.add_cookies([{"name": SESSION_COOKIE, "value": value, "domain": host, "path": "/"}])
            fp = _page(forged)
            fp.goto(url + DEEP)
            assert _h1(fp) == "Đăng nhập", value
            fp.close()
        forged.close()

        out = _get(url, "/phien/ra", {"Cookie": f"{SESSION_COOKIE}={token}", **NAVIGATE})  # sign out, as our page does
        assert out.status == 303 and f"{SESSION_COOKIE}=" in (out.getheader("Set-Cookie") or "")
        ended = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        ended.add_cookies([{"name": SESSION_COOKIE, "value": token, "domain": host, "path": "/"}])
        ep = _page(ended)
        ep.goto(url + "/")
        assert _h1(ep) == "Đăng nhập"
        ended.close()
    context.close()


def test_sessions_and_links_under_a_base_path(browser, db, tmp_path):
    """Behind a reverse proxy under /treem (server.baseUrlPath): the routes, the return address
    after sign-in and sign-out all stay under /treem."""
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    with serve_app(db, tmp_path / "base.log", base="/treem") as url:
        assert urlsplit(url).path == "/treem"
        pg = _page(context)
        pg.goto(url + DEEP)
        assert _h1(pg) == "Đăng nhập"
        _sign_in(pg)
        _on_target(pg, "3")
        settled(pg)
        assert urlsplit(pg.url).path == "/treem/chi-tiet-chi-tieu" and "ma=3" in pg.url
        cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
        assert cookie["path"] == "/treem/"  # not sent to other applications behind the same proxy
        pg.reload()
        _on_target(pg, "3")
        _signed_in(pg)
        pg.goto(url + "/tong-quan?ke-hoach=son-la-2026&ky=2026-H1")  # the overview's own name opens it, with its view
        pg.locator("h1").filter(has_text="Tổng quan").first.wait_for()
        settled(pg)
        assert urlsplit(pg.url).path == "/treem/" and "ky=2026-H1" in pg.url
        assert pg.get_by_role("combobox", name="Kỳ báo cáo").input_value() == "6 tháng đầu năm 2026"
        assert pg.get_by_text("Page not found").count() == 0 and pg.get_by_text("Không có trang").count() == 0
        pg.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()
        pg.locator("h1").filter(has_text="Đăng nhập").first.wait_for()
        assert urlsplit(pg.url).path.startswith("/treem/")
        assert not any(c["name"] == SESSION_COOKIE for c in context.cookies())
    context.close()
