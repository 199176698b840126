"""PostgreSQL as the shared store (issue 17), first part: a throwaway cluster from Debian's package
started by the tests themselves (commands/pg_cluster.py), and every way a `postgresql://…` address
can be wrong refused in Vietnamese, with nothing written on the server."""
from __future__ import annotations

import pytest

from commands import pg_cluster
from indicators import pg
from tests.helpers import run_cli

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def server():
    reason = pg_cluster.unavailable()
    if reason:
        pytest.skip(reason)
    with pg_cluster.cluster() as c:
        yield c


def _tables(server, database: str = "chiso") -> set[str]:
    import psycopg

    with psycopg.connect(server.url(database, "postgres", server.password)) as con:
        return {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").fetchall()}


def test_the_cluster_is_real_and_takes_a_password(server):
    con = pg.connect(server.url())
    try:
        assert con.info.server_version // 10000 >= pg.MIN_SERVER_VERSION
        assert con.execute("SELECT current_user, current_database()").fetchone() == ("chiso", "chiso")
    finally:
        con.close()


def _refused(url: str, **kw) -> pg.DatabaseUnavailable:
    with pytest.raises(pg.DatabaseUnavailable) as caught:
        pg.connect(url, **kw)
    return caught.value


def test_an_unreachable_server(server):
    url = f"postgresql://chiso:{server.password}@127.0.0.1:{pg_cluster._free_port()}/chiso"
    exc = _refused(url)
    assert "Không kết nối được máy chủ PostgreSQL" in exc.message and "127.0.0.1" in exc.message
    assert server.password not in exc.message + exc.hint and "systemctl" in exc.hint


def test_a_wrong_password(server):
    exc = _refused(server.url(password="khong-dung-mat-khau"))
    assert "sai tên hoặc mật khẩu" in exc.message and "khong-dung-mat-khau" not in exc.message + exc.hint
    assert "chiso@127.0.0.1" in exc.message


def test_a_database_that_does_not_exist(server):
    exc = _refused(server.url("chua_co"))
    assert "chưa có cơ sở dữ liệu này" in exc.message and "CREATE DATABASE" in exc.hint


def test_a_database_of_another_application_is_left_untouched(server):
    import psycopg

    url = server.create_database("ke_toan")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE hoa_don (so INTEGER PRIMARY KEY, tien NUMERIC)")
        con.execute("INSERT INTO hoa_don VALUES (1, 1000)")
    exc = _refused(url)
    assert "ứng dụng khác" in exc.message and "hoa_don" in exc.message
    assert _tables(server, "ke_toan") == {"hoa_don"}
    result = run_cli("--db", url, "status", "son-la-2026", "--period", "2026-H1")
    assert result.returncode == 2 and "ứng dụng khác" in result.stderr and "Traceback" not in result.stderr
    assert _tables(server, "ke_toan") == {"hoa_don"}


def test_a_server_older_than_the_minimum(server):
    exc = _refused(server.url(), min_version=99)
    assert "phiên bản 99 trở lên" in exc.message and "Nâng cấp" in exc.hint


@pytest.mark.parametrize("bad, said", [
    ("password", "sai tên hoặc mật khẩu"), ("port", "Không kết nối được"), ("database", "chưa có cơ sở dữ liệu"),
])
def test_the_command_line_says_what_is_wrong_and_writes_nothing(server, bad, said):
    url = {"password": server.url(password="sai"), "database": server.url("khong_co"),
           "port": f"postgresql://chiso:x@127.0.0.1:{pg_cluster._free_port()}/chiso"}[bad]
    before = _tables(server)
    result = run_cli("--db", url, "init", "--demo")
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr and "sai@" not in result.stderr
    assert _tables(server) == before


def test_a_good_address_is_checked_then_plainly_not_used_yet(server):
    """Until the store's tables and queries run on PostgreSQL, a good address is refused plainly
    (exit 2) rather than half-working; nothing is created on the server."""
    result = run_cli("--db", server.url(), "init", "--demo")
    assert result.returncode == 2 and "chưa lưu số liệu trên PostgreSQL" in result.stderr
    assert server.password not in result.stderr
    assert _tables(server) == set()
