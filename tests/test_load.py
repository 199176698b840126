"""The load test's client (commands/load.py, issue 17 item 6): it speaks Streamlit's websocket
protocol to a real server, runs real pages, and counts a page that fails as an error, not a time."""
from __future__ import annotations

import shutil

import pytest

from commands import load
from commands.scale import serve_app

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    from indicators import accounts
    from indicators.store import Store

    folder = tmp_path_factory.mktemp("load")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as s:
        s.set_setting(accounts.OPEN_READING, "1", actor="kiem-thu")  # readers need no sign-in, as in the bench
    with serve_app(db, folder / "load.log") as url:
        yield url


def test_concurrent_sessions_run_every_page_and_are_timed(server):
    result = load.run([server], 3, rounds=1, timeout_s=60)
    assert result.errors == []
    summary = result.summary()
    assert summary["pages"] == 3 * len(load.PAGES) and summary["errors"] == 0
    assert 0 < summary["median_ms"] <= summary["p95_ms"] and summary["pages_per_s"] > 0


def test_a_page_that_does_not_exist_or_fails_is_an_error(server, monkeypatch):
    monkeypatch.setattr(load, "PAGES", [("khong-co-trang-nay", ""), ("chi-tiet-chi-tieu", "ke-hoach=khong-co&ky=x&ma=3")]
                        + load.PAGES[:1])
    result = load.run([server], 1, rounds=1, timeout_s=60)
    assert any("khong-co-trang-nay" in e for e in result.errors)
    assert result.summary()["pages"] >= 1  # the good page is still timed


def test_an_unreachable_server_is_an_error_not_a_hang():
    from commands.pg_cluster import _free_port

    result = load.run([f"http://127.0.0.1:{_free_port()}"], 2, rounds=1, timeout_s=5)
    assert len(result.errors) == 2 and all(e.startswith("kết nối") for e in result.errors)
    assert result.summary()["pages"] == 0
