"""PostgreSQL as the shared store (issue 17), first part: a throwaway cluster from Debian's package
started by the tests themselves (commands/pg_cluster.py), and every way a `postgresql://…` address
can be wrong refused in Vietnamese, with nothing written on the server."""
from __future__ import annotations

import json

import pytest

from commands import pg_cluster
from indicators import pg
from indicators.store import Store
from indicators.submission import Row
from tests.helpers import run_cli, snapshot

pytestmark = pytest.mark.store


@pytest.fixture
def server(pg_server):
    """The run's throwaway cluster (tests/conftest.py); these tests use its `public` schema, which
    no other test writes to."""
    return pg_server


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


def _no_migration_rows(snap: dict) -> dict:
    return {t: rows for t, rows in snap.items() if t != "schema_version"}  # each database's own migration dates


def test_moving_house_duckdb_to_postgresql_and_back_loses_nothing(demo_db, pg_url, tmp_path):
    """migrate --to: every table (history, audit, accounts) arrives unchanged, and back again."""
    import shutil

    source = tmp_path / "nguon.duckdb"
    shutil.copy(demo_db, source)
    with Store(source) as s:
        s.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 70.0), Row("3", 9.1)], actor="kiem-thu")
        s.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 71.5)], actor="kiem-thu")  # a correction
        before = _no_migration_rows(snapshot(s))
    out = run_cli("migrate", "--to", pg_url, db=source)
    assert out.returncode == 0, out.stderr
    assert "khớp ở hai nơi" in out.stdout and "actuals" in out.stdout and pg_url.split("@")[0] not in out.stdout
    with Store(pg_url) as on_pg:
        assert _no_migration_rows(snapshot(on_pg)) == before
        versions = on_pg.con.execute("SELECT max(id) FROM actuals").fetchall()[0][0]
    back = tmp_path / "ve-lai.duckdb"
    out = run_cli("migrate", "--to", back, db=pg_url)
    assert out.returncode == 0, out.stderr
    with Store(back) as again:
        assert _no_migration_rows(snapshot(again)) == before
        # the sequences moved past the copied rows: the next value gets a new id
        again.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 72.0)], actor="kiem-thu")
        assert again.con.execute("SELECT max(id) FROM actuals").fetchall()[0][0] == versions + 1


@pytest.mark.parametrize("kind", ["postgresql", "duckdb"])
def test_moving_house_refuses_a_target_that_holds_data_and_writes_nothing(demo_db, pg_url, tmp_path, kind):
    import shutil

    source = tmp_path / "nguon.duckdb"
    shutil.copy(demo_db, source)
    target = pg_url if kind == "postgresql" else tmp_path / "dich.duckdb"
    with Store(target) as t:
        t.migrate()
        t.add_user("co-san", "leader", None, actor="kiem-thu")
        before = snapshot(t)
    out = run_cli("migrate", "--to", target, db=source)
    assert out.returncode == 2 and "đã có dữ liệu" in out.stderr and "chưa chép gì" in out.stderr, out.stderr
    with Store(target) as t:
        assert snapshot(t) == before


def test_moving_house_refuses_the_source_itself_and_a_bad_address(demo_db, server, tmp_path):
    import shutil

    source = tmp_path / "nguon.duckdb"
    shutil.copy(demo_db, source)
    out = run_cli("migrate", "--to", source, db=source)
    assert out.returncode == 2 and "trùng với cơ sở dữ liệu nguồn" in out.stderr
    out = run_cli("migrate", "--to", server.url(password="sai-mat-khau"), db=source)
    assert out.returncode == 2 and "sai tên hoặc mật khẩu" in out.stderr and "sai-mat-khau" not in out.stderr
    assert not (tmp_path / "dich.duckdb").exists()


def _race(url: str, rounds: list, write) -> list[Store]:
    """Two stores on `url` (two app servers: each its own pool), in two threads released together
    by a barrier before each of `rounds`: `write(store, n, item)`. Returns the stores (open; the
    caller closes them) after asserting that no write failed."""
    import threading

    servers = [Store(url), Store(url)]
    barrier, failures = threading.Barrier(2), []

    def run(n: int) -> None:
        try:
            for item in rounds:
                barrier.wait(timeout=30)
                write(servers[n], n, item)
        except Exception as exc:  # reported below, with the thread's store
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if failures:
        for store in servers:
            store.close()
    assert not failures, failures
    return servers


def _demo_moved(demo_db, pg_url: str, tmp_path) -> None:
    import shutil

    shutil.copy(demo_db, tmp_path / "demo.duckdb")
    with Store(tmp_path / "demo.duckdb") as source, Store(pg_url) as s:
        source.copy_to(s)


def test_a_database_moved_in_is_ready_for_index_only_sums(demo_db, pg_url, tmp_path):
    """Migration 9 on PostgreSQL: the current values' covering index, and a VACUUM right after the move,
    so that the plan pages' sums read the index alone (no visit of the table's rows) from the first page."""
    _demo_moved(demo_db, pg_url, tmp_path)
    with Store(pg_url) as s:
        index = s.con.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                              "AND indexname = 'actuals_current'").fetchall()
        assert index and "WHERE (superseded_at IS NULL)" in index[0][0] and "INCLUDE (category, value" in index[0][0]
        vacuumed = s.con.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                                 "AND relname = 'actuals'").fetchall()
        assert vacuumed and vacuumed[0][0] is not None
        plan = "\n".join(r[0] for r in s.con.execute(
            "EXPLAIN (ANALYZE) SELECT target_id, period, count(*), sum(value) FROM actuals "
            "WHERE target_id = (SELECT min(target_id) FROM actuals) AND period = '2026-H1' "
            "AND superseded_at IS NULL GROUP BY 1, 2").fetchall())
        assert "Index Only Scan using actuals_current" in plan and "Heap Fetches: 0" in plan, plan
        s.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 70.0)], actor="kiem-thu")  # writes go on
        assert s.current_values("son-la-2026", "Sở Y tế", "2026-H1")["1"]["value"] == 70.0


def test_two_servers_writing_the_same_report_at_once_double_nothing(demo_db, pg_url, tmp_path):
    """Two stores on one PostgreSQL database (two app servers) write the same key 15 times each,
    released together: every version number is used once, exactly one version is current, and each
    audit row's old value is the previous row's new one (the database's write lock orders writers of
    every server; the test fails with the lock removed)."""
    _demo_moved(demo_db, pg_url, tmp_path)
    servers = _race(pg_url, list(range(15)), lambda store, n, i: store.record_submission(
        "son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 50.0 + i + n / 10)], actor="kiem-thu"))
    try:
        s = servers[0]
        rows = s.con.execute("""SELECT x.version, x.value, x.superseded_at IS NULL FROM actuals x
                                JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
                                WHERE t.plan = 'son-la-2026' AND t.code = '1' AND a.name = 'Sở Y tế'
                                  AND x.period = '2026-H1' ORDER BY x.version""").fetchall()
        versions = [r[0] for r in rows]
        assert versions == list(range(1, len(rows) + 1)) and len(rows) >= 30  # no number used twice
        assert [r[2] for r in rows].count(True) == 1 and rows[-1][2]
        trail = s.con.execute("SELECT old_value, new_value FROM audit WHERE entity_key = ? ORDER BY id",
                              ["1|Sở Y tế|2026-H1"]).fetchall()
        assert len(trail) == len(rows)
        assert all(json.loads(trail[i][0])["value"] == json.loads(trail[i - 1][1])["value"] for i in range(1, len(trail)))
    finally:
        for store in servers:
            store.close()


# -- found by the hostile review of the PostgreSQL store -------------------------------------------------


def test_a_view_and_a_table_of_someone_else_beside_ours_are_never_touched(store, tmp_path):
    """restore deleted from every name in the schema, views included: a view sorted after `agencies`
    emptied it again after it was restored (PostgreSQL), and a DBA's own table was emptied; backup
    and migrate failed on it. Only the product's own tables are backed up, restored and moved."""
    store.con.execute("CREATE VIEW v_lead AS SELECT * FROM agencies")
    store.con.execute("CREATE TABLE dba_notes (note VARCHAR)")
    store.con.execute("INSERT INTO dba_notes VALUES ('giữ nguyên'), ('cả dòng này')")
    before = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("agencies", "targets")}
    manifest = store.backup(tmp_path / "bk", actor="kiem-thu")
    assert "dba_notes" not in manifest["tables"] and "v_lead" not in manifest["tables"]
    store.restore(tmp_path / "bk", actor="kiem-thu")
    assert {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in before} == before
    assert store.con.execute("SELECT count(*) FROM dba_notes").fetchall()[0][0] == 2
    assert store.con.execute("SELECT count(*) FROM v_lead").fetchall()[0][0] == before["agencies"]


@pytest.mark.parametrize("isolation", ["serializable", "repeatable%5C%20read"])
def test_the_write_lock_holds_whatever_isolation_the_database_defaults_to(demo_db, pg_url, tmp_path, isolation):
    """At REPEATABLE READ the snapshot was taken before the lock was granted: two servers wrote two
    version 1s. The pool's connections run READ COMMITTED whatever the database's default."""
    _demo_moved(demo_db, pg_url, tmp_path)
    url = pg_url.replace("?options=", f"?options=-cdefault_transaction_isolation%3D{isolation}%20")
    servers = _race(url, ["1", "2", "4", "5"], lambda store, n, code: store.record_submission(
        "son-la-2026", "Sở Nội vụ", "2026", [Row(code, 60.0 + n)], actor="kiem-thu"))
    try:
        current = servers[0].con.execute("""SELECT t.code, count(*), count(DISTINCT x.version) FROM actuals x
            JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
            WHERE t.plan = 'son-la-2026' AND a.name = 'Sở Nội vụ' AND x.period = '2026' AND t.code IN ('1', '2', '4', '5')
              AND x.superseded_at IS NULL GROUP BY t.code""").fetchall()
        assert sorted(current) == [(c, 1, 1) for c in ("1", "2", "4", "5")]
    finally:
        for store in servers:
            store.close()


def test_a_writer_holding_the_lock_too_long_makes_the_next_one_wait_then_say_busy(pg_url, catalogue, monkeypatch):
    """An app server cut off in the middle of a write held the lock for ever; now the next writer
    waits pg.LOCK_WAIT_SECONDS, then gets DatabaseBusy in Vietnamese, with nothing written."""
    from indicators.errors import DatabaseBusy
    from loaders.catalogue import load_registry

    monkeypatch.setattr(pg, "LOCK_WAIT_SECONDS", 1)
    with Store(pg_url) as a, Store(pg_url) as b:
        a.migrate()
        a.load_catalogue(list(catalogue.values()), registry=load_registry())
        with a.transaction(write=True):  # holds the write lock, as a stuck server would
            with pytest.raises(DatabaseBusy) as caught:
                b.add_user("cho-doi", "leader", None, actor="kiem-thu")
        assert "đang bận" in caught.value.message and "chưa ghi gì" in caught.value.message
        assert b.user("cho-doi") is None


def test_addresses_that_would_show_a_password_never_do(server, demo_db, tmp_path):
    import shutil

    source = tmp_path / "nguon.duckdb"
    shutil.copy(demo_db, source)
    secret = server.password
    cases = {
        "the source itself": ("migrate", "--to", server.url(), server.url()),
        "an unencoded %": ("plans", None, None, server.url(password="Kin%Ma2024")),
        "a # in the password": ("plans", None, None, server.url(password="Kin#Ma2024")),
    }
    for name, (command, flag, value, db) in cases.items():
        out = run_cli(*[a for a in (command, flag, value) if a], db=db)
        assert out.returncode == 2, (name, out.stdout, out.stderr)
        assert secret not in out.stderr + out.stdout and "Kin" not in out.stderr + out.stdout, (name, out.stderr)
        assert "Lỗi không mong đợi" not in out.stderr and "Traceback" not in out.stderr, (name, out.stderr)
    # the scheme in capitals is PostgreSQL's, and works
    out = run_cli("init", db=server.url().replace("postgresql://", "PostgreSQL://").replace("/chiso", "/chiso", 1))
    assert out.returncode in (0, 2) and secret not in out.stdout + out.stderr


def test_a_nul_character_is_refused_in_vietnamese_and_nothing_is_written(pg_url, catalogue):
    """PostgreSQL's text cannot hold NUL (a note read from a damaged workbook can; DuckDB stores it):
    refused in Vietnamese before anything is written, not a DataError halfway."""
    from indicators.errors import UsageError
    from loaders.catalogue import load_registry

    store = Store(pg_url)
    store.migrate()
    store.load_catalogue(list(catalogue.values()), registry=load_registry())
    before = snapshot(store)
    with pytest.raises(UsageError) as caught:
        store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 70.0, note="ghi\x00chú")], actor="kiem-thu")
    assert "ký tự NUL" in caught.value.message
    assert snapshot(store) == before
    with pytest.raises(UsageError):  # a sign-in name typed with one, likewise
        store.user("quan\x00tri")
    store.close()


def test_moving_house_refuses_an_empty_target_and_another_applications_file(demo_db, tmp_path):
    import duckdb
    import shutil

    source = tmp_path / "nguon.duckdb"
    shutil.copy(demo_db, source)
    out = run_cli("migrate", "--to", "", db=source)
    assert out.returncode == 2 and "Đích --to trống" in out.stderr
    foreign = tmp_path / "khac.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE customers (id INTEGER)")
    out = run_cli("migrate", "--to", foreign, db=source)
    assert out.returncode == 2 and "ứng dụng khác" in out.stderr
    with duckdb.connect(str(foreign)) as con:
        assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["customers"]


@pytest.mark.parametrize("url", [
    "postgresql://chiso:ab/SECRETPW@127.0.0.1:5432/chiso",   # "/" unencoded in the password
    "postgresql://chiso:9/SECRETPW@127.0.0.1:5432/chiso",    # … after digits that look like a port
    "postgresql://chiso:12?SECRETPW@127.0.0.1:5432/chiso",   # "?"
    "postgresql://chiso:x#SECRETPW@127.0.0.1:5432/chiso",    # "#"
    "postgresql://chiso:a@SECRETPW@127.0.0.1:5432/chiso",    # "@"
    "postgresql://chiso:SECRETPW@[::1/chiso",                # a broken IPv6 address
    "postgresql://chiso:SECRETPW@h1:5432,h2:5432/chiso",     # several hosts
    "postgresql:///chiso?host=/run/postgresql&password=SECRETPW",
])
def test_where_names_an_address_without_its_password_whatever_its_shape(url):
    shown = pg.where(url)
    assert "SECRETPW" not in shown and shown.endswith("/chiso"), shown
    assert not shown.startswith("chiso:"), shown


def test_a_malformed_address_is_refused_in_vietnamese_not_a_traceback():
    out = run_cli("plans", db="postgresql://chiso:SECRETPW@[::1/chiso")
    assert out.returncode == 2 and "SECRETPW" not in out.stderr and "Lỗi không mong đợi" not in out.stderr, out.stderr
