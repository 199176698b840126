"""Two app servers on one PostgreSQL database (issue 17): two `streamlit run serve.py` processes, as
behind a load balancer, driven by Debian's Chromium. A session signed in on one server is honoured
by the other; reports confirmed through both at the same moment (the same report, then different
reports) lose nothing and double nothing, and every supersession is in the audit trail in order."""
from __future__ import annotations

import json
import shutil

import pytest

from commands.scale import serve_app
from indicators import accounts
from indicators.store import Store
from loaders.templates import template_for
from tests.helpers import PASSWORD, STAFF, fill, no_exception, settled
from tests.test_browser_sessions import _sign_in
from tests.test_browser import VIEWPORT, WAIT_MS, chromium_path, launched  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

SON_LA, H1 = "son-la-2026", "2026-H1"
HEALTH_STAFF = "can.bo.y.te"


@pytest.fixture
def shared(demo_db, pg_url, tmp_path):
    """The demo database moved onto PostgreSQL, with a second staff account (Sở Y tế) and three
    filled reports: Sở Tư pháp twice (98,7 then 99,2 for target 18) and Sở Y tế (target 3)."""
    shutil.copy(demo_db, tmp_path / "demo.duckdb")
    with Store(tmp_path / "demo.duckdb") as source, Store(pg_url) as s:
        source.copy_to(s)
        accounts.create(s, HEALTH_STAFF, "staff", PASSWORD, actor="kiem-thu", agencies=[(SON_LA, "Sở Y tế")])
        _, justice = template_for(s, SON_LA, "Sở Tư pháp", H1)  # signed with the database's own key
        _, health = template_for(s, SON_LA, "Sở Y tế", H1)
    files = {"tu-phap-1": fill(justice, {"18": "98,7"}), "tu-phap-2": fill(justice, {"18": "99,2"}),
             "y-te": fill(health, {"3": (9.05, 181, 20000)})}
    for name, data in files.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    return pg_url, tmp_path


def _sign_in_if_asked(pg, name: str) -> bool:
    """True when the page asked for a sign-in (and got one)."""
    pg.locator("h1").first.wait_for()
    if pg.locator("h1").first.inner_text().strip() != "Đăng nhập":
        return False
    _sign_in(pg, name)
    pg.locator("h1").filter(has_text="Tổng quan").wait_for()
    return True


def _ready_to_confirm(pg, url: str, agency: str, upload) -> None:
    """The upload page with the file chosen and its preview shown, one click from writing."""
    pg.goto(url + "/nop-bao-cao")
    pg.locator("h1").filter(has_text="Nộp báo cáo").first.wait_for()
    settled(pg)
    box = pg.get_by_role("combobox", name="Cơ quan báo cáo")
    if box.count():
        box.click()
        pg.get_by_role("option", name=agency).click()
        settled(pg)
    pg.locator('input[type="file"]').set_input_files(str(upload))
    pg.get_by_text("3. Xem trước").wait_for()
    settled(pg)
    no_exception(pg, f"Nộp báo cáo ({agency}, xem trước)")


_CLICK_AT = """(at) => {
    const button = [...document.querySelectorAll('button')].find(b => b.innerText.includes('Xác nhận ghi báo cáo'));
    setTimeout(() => button.click(), Math.max(0, at - Date.now()));
}"""


def _confirm_both(a, b) -> None:
    """Both confirm buttons clicked at the same instant (one browser, one clock: a click scheduled in
    each tab for the same millisecond), then both results awaited."""
    at = a.evaluate("Date.now()") + 400
    for pg in (a, b):
        pg.evaluate(_CLICK_AT, at)
    for pg in (a, b):
        pg.get_by_text("Đã ghi báo cáo").first.wait_for()
        no_exception(pg, "Nộp báo cáo (đã ghi)")


def _versions(s: Store, code: str, agency: str) -> list[tuple]:
    """(version, value, current) of one key, in version order."""
    return [(r["version"], r["value"], r["superseded_at"] is None) for r in
            sorted((r for r in s.history(SON_LA, code) if r["agency"] == agency and r["period"] == H1),
                   key=lambda r: r["version"])]


def _audited(s: Store, code: str, agency: str) -> list[tuple]:
    """(action, old value, new value) of the key's audit rows, in the order they were written."""
    rows = s.con.execute("SELECT action, old_value, new_value FROM audit WHERE entity_key = ? ORDER BY id",
                         [f"{code}|{agency}|{H1}"]).fetchall()
    return [(a, json.loads(o)["value"] if o else None, json.loads(n)["value"]) for a, o, n in rows]


def test_two_servers_share_sessions_and_take_reports_at_the_same_moment(shared, chromium_path):  # noqa: F811
    url_db, folder = shared
    with Store(url_db) as s:
        before = {key: _versions(s, *key) for key in (("18", "Sở Tư pháp"), ("3", "Sở Y tế"))}
        subs_before = len(s.submissions(SON_LA, H1))
    assert before[("18", "Sở Tư pháp")][-1][2] and before[("18", "Sở Tư pháp")][-1][1] != 98.7

    with serve_app(url_db, folder / "a.log") as a_url, serve_app(url_db, folder / "b.log") as b_url, \
            launched(chromium_path) as browser:
        assert a_url != b_url
        # 1. a session started on one server is honoured by the other (one cookie for the site, as
        #    behind a load balancer); signing out on the second ends it on the first
        justice = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        on_a = justice.new_page()
        on_a.set_default_timeout(WAIT_MS)
        on_a.goto(a_url + "/")
        assert _sign_in_if_asked(on_a, STAFF)
        on_b = justice.new_page()
        on_b.set_default_timeout(WAIT_MS)
        on_b.goto(b_url + "/")
        assert not _sign_in_if_asked(on_b, STAFF), "server B asked again for a sign-in made on server A"
        on_b.get_by_text("Đang đăng nhập").first.wait_for()
        assert STAFF in on_b.locator('[data-testid="stSidebar"]').inner_text()

        # 2. the same report confirmed through both servers at the same moment: one new version
        health = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        other = health.new_page()
        other.set_default_timeout(WAIT_MS)
        _ready_to_confirm(on_a, a_url, "Sở Tư pháp", folder / "tu-phap-1.xlsx")
        _ready_to_confirm(on_b, b_url, "Sở Tư pháp", folder / "tu-phap-1.xlsx")
        _confirm_both(on_a, on_b)

        # 3. different reports at the same moment: Sở Tư pháp's correction on A, Sở Y tế's on B
        other.goto(b_url + "/")
        assert _sign_in_if_asked(other, HEALTH_STAFF)
        _ready_to_confirm(on_a, a_url, "Sở Tư pháp", folder / "tu-phap-2.xlsx")
        _ready_to_confirm(other, b_url, "Sở Y tế", folder / "y-te.xlsx")
        _confirm_both(on_a, other)
        settled(other)
        for pg in (on_a, other):
            no_exception(pg, "sau khi ghi")
        justice.close()
        health.close()

    with Store(url_db) as s:
        justice_versions = _versions(s, "18", "Sở Tư pháp")
        old = before[("18", "Sở Tư pháp")]
        # nothing doubled: the same report twice made ONE version; the correction one more
        assert justice_versions[:len(old)] == [(v, x, False) for v, x, _ in old]
        assert [(v, x, cur) for v, x, cur in justice_versions[len(old):]] == [
            (old[-1][0] + 1, 98.7, False), (old[-1][0] + 2, 99.2, True)]
        health_versions = _versions(s, "3", "Sở Y tế")
        assert health_versions[-1][1:] == (9.05, True) and len(health_versions) == len(before[("3", "Sở Y tế")]) + 1
        assert sum(1 for v in health_versions if v[2]) == 1 and sum(1 for v in justice_versions if v[2]) == 1
        # nothing lost: four confirmations, four submissions (the second of the same report wrote no value)
        subs = s.submissions(SON_LA, H1)
        assert len(subs) == subs_before + 4
        unchanged = [x for x in subs[subs_before:] if x["agency"] == "Sở Tư pháp" and x["rows_unchanged"]]
        assert unchanged, "one of the two identical reports should have found its values already there"
        # every supersession in the audit trail, in order: each change's old value is the previous new one
        trail = _audited(s, "18", "Sở Tư pháp")
        assert [t[2] for t in trail[-2:]] == [98.7, 99.2]
        assert all(trail[i][1] == trail[i - 1][2] for i in range(1, len(trail)))
