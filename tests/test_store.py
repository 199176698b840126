"""The store on real DuckDB files: migrations, catalogue loading, versioned actuals, demo rows."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading

import duckdb
import pytest

from indicators import progress
from indicators.errors import DatabaseBusy, UsageError
from loaders.catalogue import load_registry
from indicators.models import Plan
from indicators.store import MIGRATIONS, SCHEMA_VERSION, Row, Store
from tests.helpers import ROOT, row_counts, run_cli, snapshot


@pytest.mark.store
def test_migration_from_an_older_schema_keeps_the_data(tmp_path, catalogue):
    path = tmp_path / "old.duckdb"
    with Store(path) as old:
        assert old.migrate(to=1) == [1]
        assert old.schema_version() == 1
        # a version-1 database in use: catalogue rows and an actual written with version-1 SQL
        old.con.execute("INSERT INTO plans VALUES ('son-la-2026', 't', 'i', 'province', 'Sơn La', 'tỉnh Sơn La', 2026,"
                        " '', '', '', 'Sở Y tế', '', ?, now())", [catalogue["son-la-2026"].model_dump_json()])
        old.con.execute("INSERT INTO agencies VALUES (nextval('agency_ids'), 'tỉnh Sơn La', 'Sở Y tế', 'Sơn La')")
        old.con.execute("INSERT INTO targets VALUES (nextval('target_ids'), 'son-la-2026', '1', NULL, NULL, 'x', '1', '%', '>=', 65, NULL,"
                        " NULL, NULL, 2026, NULL, 'level', NULL, 0, TRUE)")
        old.con.execute("INSERT INTO submissions VALUES (nextval('submission_ids'), 'son-la-2026', 1, '2026-H1', 'a.xlsx', 'abc', now(), 'u',"
                        " 'excel', FALSE, 1, 0, 0)")
        old.con.execute("INSERT INTO actuals VALUES (nextval('actual_ids'), 1, 1, '2026-H1', 61.5, NULL, NULL, NULL, NULL, 1, 1, now(), 'u',"
                        " NULL, NULL, FALSE)")
        with pytest.raises(duckdb.CatalogException, match="Table with name audit does not exist"):
            old.con.execute("SELECT * FROM audit")  # version 2's table: not there yet
    with Store(path) as s:
        assert s.migrate() == list(range(2, SCHEMA_VERSION + 1))
        assert s.schema_version() == SCHEMA_VERSION
        assert s.con.execute("SELECT value FROM actuals").fetchall() == [(61.5,)]
        s.con.execute("SELECT count(*) FROM audit").fetchall()
        s.load_catalogue(list(catalogue.values()), registry=load_registry())  # the catalogue loads over the migrated file
        assert s.reports("son-la-2026", ["2026-H1"])[("1", "2026-H1")][0].value == 61.5
        assert s.migrate() == []  # idempotent


@pytest.mark.store
def test_catalogue_load_is_idempotent(store, catalogue):
    before = snapshot(store)
    assert set(store.load_catalogue(list(catalogue.values())).values()) == {"unchanged"}
    assert snapshot(store) == before


@pytest.mark.store
def test_catalogue_update_changes_entries_and_keeps_actuals(store, catalogue):
    store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 61.0), Row("3", 9.1)], actor="a")
    data = catalogue["son-la-2026"].model_dump(mode="json")
    data["targets"][0]["target"] = 70  # target 1 corrected from 65 to 70
    data["targets"] = [t for t in data["targets"] if t["code"] != "3"]  # target 3 withdrawn
    result = store.load_catalogue([Plan.model_validate(data)])
    assert result == {"son-la-2026": "updated"}
    targets = {t.code: t for t in store.targets("son-la-2026")}
    assert targets["1"].target == 70 and "3" not in targets
    assert row_counts(store)["actuals"] == 2  # both actuals kept, including the withdrawn target's
    store.load_catalogue([catalogue["son-la-2026"]])  # the target comes back with its history
    assert store.reports("son-la-2026", ["2026-H1"])[("3", "2026-H1")][0].value == 9.1


@pytest.mark.store
def test_a_new_value_supersedes_and_never_overwrites(store):
    _, c1 = store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 60.0), Row("2", 80.0)], actor="an")
    _, c2 = store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 62.5), Row("2", 80.0)], actor="binh")
    assert c1 == {"new": 2, "changed": 0, "unchanged": 0, "held": 0}
    assert c2 == {"new": 0, "changed": 1, "unchanged": 1, "held": 0}
    hist = store.history("son-la-2026", "1")
    assert [(h["value"], h["version"], h["recorded_by"]) for h in hist] == [(62.5, 2, "binh"), (60.0, 1, "an")]
    assert hist[1]["superseded_at"] is not None and hist[0]["superseded_at"] is None
    assert len(store.history("son-la-2026", "2")) == 1  # unchanged value: no new version
    assert store.reports("son-la-2026", ["2026-H1"])[("1", "2026-H1")][0].value == 62.5
    audit = [a for a in store.audit_trail() if a["entity"] == "actual"]
    assert {a["action"] for a in audit} == {"actual.new", "actual.change"}
    change = next(a for a in audit if a["action"] == "actual.change")
    assert json.loads(change["old_value"])["value"] == 60.0 and json.loads(change["new_value"])["value"] == 62.5
    assert change["actor"] == "binh"


@pytest.mark.store
def test_a_submission_outside_the_plan_changes_nothing(store):
    before = snapshot(store)
    with pytest.raises(UsageError):
        store.record_submission("son-la-2026", "Sở Y tế", "2027", [Row("1", 1.0)], actor="a")
    with pytest.raises(UsageError):
        store.record_submission("son-la-2026", "Sở Y tế", "2026", [Row("1", 1.0), Row("99", 1.0)], actor="a")
    assert snapshot(store) == before


@pytest.mark.store
def test_remove_demo_removes_exactly_the_demo_rows(demo_store):
    real = [Row("1", 64.0)]
    demo_store.record_submission("son-la-2026", "Sở Y tế", "2025", [Row("2", 70.0)], actor="real")
    demo_store.record_submission("son-la-2026", "Sở Y tế", "2026", real, actor="real")  # supersedes a demo value
    assert demo_store.has_demo()
    counts = demo_store.remove_demo()
    assert counts["actuals"] > 100 and not demo_store.has_demo()
    rows = demo_store.con.execute("SELECT value, superseded_at FROM actuals ORDER BY value").fetchall()
    assert rows == [(64.0, None), (70.0, None)]
    assert demo_store.con.execute("SELECT count(*) FROM submissions").fetchall() == [(2,)]


@pytest.mark.store
def test_ten_threads_writing_at_once_lose_nothing(store):
    agencies = ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Công an tỉnh", "Sở Tư pháp"]
    errors = []

    def work(i):
        try:
            store.record_submission("son-la-2026", agencies[i % 5], "2026-H1" if i < 5 else "2026",
                                    [Row("1", 50.0 + i), Row("2", 70.0 + i)], actor=f"u{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert row_counts(store)["submissions"] == 10 and row_counts(store)["actuals"] == 20


@pytest.mark.app
def test_a_second_process_gets_a_plain_vietnamese_message(tmp_path):
    # Real processes on purpose: DuckDB's lock is per process (this process could open the file
    # again), so only another process meets the file held, as a second program would.
    path = tmp_path / "held.duckdb"
    holder = Store(path)
    holder.migrate()
    try:
        out = subprocess.run([sys.executable, "-m", "indicators", "--db", str(path), "plans"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 1
        assert "đang được một chương trình khác sử dụng" in out.stderr and "Traceback" not in out.stderr
        code = f"from indicators.store import Store\ntry:\n    Store({str(path)!r})\nexcept Exception as e:\n    print(type(e).__name__)"
        r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert r.stdout.strip() == DatabaseBusy.__name__
    finally:
        holder.close()


@pytest.mark.store
def test_progress_uses_lead_then_weighted_aggregate(store):
    store.record_submission("son-la-2026", "Công an tỉnh", "2026-H1",
                            [Row("13", 0.1, numerator=10.0, denominator=10000.0)], actor="ca")
    store.record_submission("son-la-2026", "Ban Công tác Đoàn và Thanh thiếu nhi", "2026-H1",
                            [Row("13", 0.2, numerator=60.0, denominator=30000.0)], actor="d")
    row = next(r for r in progress.plan_progress(store, "son-la-2026", "2026-H1").rows if r.target.code == "13")
    assert row.figure.method == "aggregated" and row.figure.value == pytest.approx(70 / 40000 * 100)
    store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("13", 0.09)], actor="syt")
    row = next(r for r in progress.plan_progress(store, "son-la-2026", "2026-H1").rows if r.target.code == "13")
    assert row.figure.method == "lead" and row.figure.value == 0.09 and row.status == "achieved"


@pytest.mark.store
def test_a_second_lead_row_neither_doubles_the_sums_nor_makes_the_lead_uncertain(store):
    """The catalogue gives one lead per target; a second 'lead' row (a hand-edited backup) must not
    count every report twice, and the lead whose report is used is the same on every reading."""
    for agency, value in (("Công an tỉnh", 40.0), ("Sở Y tế", 60.0)):
        store.record_submission("son-la-2026", agency, "2026-H1", [Row("13", value)], actor="kiem-thu")
    target_id, lead_id = store.con.execute(
        "SELECT t.id, r.agency_id FROM targets t JOIN responsibilities r ON r.target_id = t.id AND r.role = 'lead' "
        "WHERE t.plan = 'son-la-2026' AND t.code = '13'").fetchall()[0]
    other = store.con.execute("SELECT id FROM agencies WHERE name = 'Công an tỉnh'").fetchall()[0][0]
    store.con.execute("DELETE FROM responsibilities WHERE target_id = ? AND agency_id = ?", [target_id, other])
    store.con.execute("INSERT INTO responsibilities VALUES (?, ?, 'lead', 9)", [target_id, other])
    readings = {store.figure_inputs("son-la-2026", ["2026-H1"], codes=["13"])[("13", "2026-H1", None)] for _ in range(5)}
    assert len(readings) == 1
    inputs = readings.pop()
    assert inputs.value_count == 2 and inputs.value_sum == 100.0  # each report once
    expected = "Sở Y tế" if lead_id < other else "Công an tỉnh"
    assert inputs.lead is not None and inputs.lead.agency == expected


# The fingerprint of every released migration: sha256 of its statements, whitespace collapsed, one
# per line. A released migration is never edited (databases in use have already run it): a schema
# change is a new migration, whose fingerprint is added here when it is released.
RELEASED_MIGRATIONS = [
    "0c2689afd73df5aa0f0776605ce48b0d5725144aa3eaf70989c5e050c6929782",  # 1: catalogue, submissions, actuals
    "5af110ee847de2654985ba34ab0a1486904cb8413a0ae2a243c8c07863f2010e",  # 2: audit trail, actuals index
    "d8254890f7d940ea2502714067b26b05c2ce8d2695402ce1db48c5cd52e99c35",  # 3: accounts, app settings
    "e153c80fe450bf86dd8f2f7f6e4667af7112a1ee38c041ff5456f4b013deafa3",  # 4: sessions, registered units
]


def _fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(" ".join(sql.split()) for sql in statements).encode()).hexdigest()


@pytest.mark.unit
def test_migrations_are_append_only():
    assert SCHEMA_VERSION == len(MIGRATIONS) >= len(RELEASED_MIGRATIONS)  # none removed
    edited = [i + 1 for i, (statements, released) in enumerate(zip(MIGRATIONS, RELEASED_MIGRATIONS))
              if _fingerprint(statements) != released]
    assert edited == [], (f"released migration(s) {edited} edited: add a new migration instead "
                          "(a database in use has already run the released one)")
    assert MIGRATIONS[0][0] == "CREATE SEQUENCE agency_ids START 1"
    assert all(statements for statements in MIGRATIONS)  # no empty step


def _schema(store: Store) -> dict:
    """Everything a migration makes: tables (their CREATE statement as DuckDB now states it),
    columns, constraints, indexes, sequences, and the versions recorded."""
    def rows(sql: str) -> list:
        return store.con.execute(sql).fetchall()
    here = "database_name = current_database() AND schema_name = 'main'"
    return {
        "tables": rows(f"SELECT table_name, sql FROM duckdb_tables() WHERE {here} ORDER BY ALL"),
        "columns": rows(f"SELECT table_name, column_index, column_name, data_type, is_nullable, column_default "
                        f"FROM duckdb_columns() WHERE {here} ORDER BY ALL"),
        "constraints": rows(f"SELECT table_name, constraint_type, constraint_text, constraint_column_names "
                            f"FROM duckdb_constraints() WHERE {here} ORDER BY ALL"),
        "indexes": rows(f"SELECT index_name, table_name, sql FROM duckdb_indexes() WHERE {here} ORDER BY ALL"),
        "sequences": rows(f"SELECT sequence_name, sql FROM duckdb_sequences() WHERE {here} ORDER BY ALL"),
        "versions": rows("SELECT version FROM schema_version ORDER BY version"),
    }


@pytest.mark.store
def test_a_database_migrated_step_by_step_equals_one_created_fresh(tmp_path):
    """A database created by any released version, then upgraded (one step per program start,
    or all the rest at once), has exactly the schema of a database created fresh today."""
    with Store(tmp_path / "fresh.duckdb") as s:
        assert s.migrate() == list(range(1, SCHEMA_VERSION + 1))
        fresh = _schema(s)
    assert fresh["tables"] and fresh["versions"] == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    stepped = tmp_path / "stepped.duckdb"
    for version in range(1, SCHEMA_VERSION + 1):  # one release after the other
        with Store(stepped) as s:
            assert s.migrate(to=version) == [version]
    with Store(stepped) as s:
        assert _schema(s) == fresh
    for version in range(1, SCHEMA_VERSION):  # created by an older release, upgraded at once
        path = tmp_path / f"from-{version}.duckdb"
        with Store(path) as s:
            s.migrate(to=version)
        with Store(path) as s:
            assert s.migrate() == list(range(version + 1, SCHEMA_VERSION + 1))
            assert _schema(s) == fresh, f"from version {version}"


@pytest.mark.store
def test_a_database_newer_than_the_program_is_refused_in_vietnamese(tmp_path):
    with Store(tmp_path / "new.duckdb") as s:
        s.migrate()
        s.con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])
        before = _schema(s)
        with pytest.raises(UsageError, match=f"phiên bản lược đồ {SCHEMA_VERSION + 1}, mới hơn phần mềm") as refused:
            s.migrate()
        assert refused.value.hint == "Cập nhật phần mềm lên bản mới nhất."
        assert _schema(s) == before


# --- restore refuses anything but a whole, well-formed backup, and then changes nothing ---------------

def _edit_manifest(change):
    def edit(store, folder):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return edit


def _add_table(name):
    return _edit_manifest(lambda m: m["tables"].update({name: 0}))


def _write(name, data: bytes):
    return lambda store, folder: (folder / name).write_bytes(data)


def _swap_users_for_audit(store, folder):  # users.parquet replaced by audit.parquet, count to match
    (folder / "users.parquet").write_bytes((folder / "audit.parquet").read_bytes())
    _edit_manifest(lambda m: m["tables"].update(users=m["tables"]["audit"]))(store, folder)


def _rewrite_users(folder, select: str, table: str = "users") -> None:
    """<table>.parquet rewritten by `select` over its own rows (named as the table), with DuckDB in
    memory: the same broken file whichever store wrote the backup."""
    import duckdb

    path = folder / f"{table}.parquet"
    with duckdb.connect() as con:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')")
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT PARQUET)")


def _a_date_no_program_reads(store, folder):  # year 10000: psycopg could not read it back, every page failed
    _rewrite_users(folder, "SELECT * REPLACE (TIMESTAMP '10000-01-01' AS loaded_at) FROM plans", "plans")


def _retype_a_column(store, folder):
    _rewrite_users(folder, "SELECT * REPLACE (CAST(failed AS VARCHAR) AS failed) FROM users")


def _duplicate_users(store, folder):
    _rewrite_users(folder, "SELECT * FROM users UNION ALL SELECT * FROM users")
    _edit_manifest(lambda m: m["tables"].update(users=2 * m["tables"]["users"]))(store, folder)


def _link_outside(store, folder):
    outside = folder.parent / "elsewhere.parquet"
    outside.write_bytes((folder / "users.parquet").read_bytes())
    (folder / "users.parquet").unlink()
    (folder / "users.parquet").symlink_to(outside)


RESTORE_REFUSALS = {
    "a date in the year 10000": (_a_date_no_program_reads, "ngoài khoảng năm 1–9999"),
    "only users listed": (_edit_manifest(lambda m: m.update(tables={"users": m["tables"]["users"]})),
                          r"thiếu \d+ bảng \(actuals, agencies, agency_contacts, app_settings, approvals, audit, "),
    "one table left out": (_edit_manifest(lambda m: m["tables"].pop("audit")), r"thiếu 1 bảng \(audit\)"),
    "parent folder": (_add_table("../x"), 'tên bảng "../x" không hợp lệ'),
    "absolute path": (_add_table("/etc/passwd"), 'tên bảng "/etc/passwd" không hợp lệ'),
    "slash in a name": (_add_table("users/../audit"), "không hợp lệ"),
    "unknown table": (_add_table("khong_co"), 'bảng "khong_co", không có trong lược đồ'),
    "not JSON": (_write("manifest.json", b"{not json"), "không phải JSON"),
    "a list, not an object": (_write("manifest.json", b"[1, 2]"), "không phải của bản sao lưu"),
    "tables as a list": (_edit_manifest(lambda m: m.update(tables=list(m["tables"]))), '"tables" phải liệt kê'),
    "count as text": (_edit_manifest(lambda m: m["tables"].update(users="3")), "phải là số nguyên không âm"),
    "count as a fraction": (_edit_manifest(lambda m: m["tables"].update(users=3.5)), "phải là số nguyên không âm"),
    "negative count": (_edit_manifest(lambda m: m["tables"].update(users=-1)), "phải là số nguyên không âm"),
    "schema version as text": (_edit_manifest(lambda m: m.update(schema_version="4")), '"schema_version" phải là'),
    "no created_at": (_edit_manifest(lambda m: m.pop("created_at")), "created_at"),
    "damaged parquet": (_write("actuals.parquet", b"not parquet"), "actuals.parquet trong bản sao lưu bị hỏng"),
    "swapped parquet": (_swap_users_for_audit, "users.parquet không khớp với bảng users"),
    "a column of another type": (_retype_a_column, "cột failed có kiểu VARCHAR thay vì INTEGER"),
    "duplicate keys": (_duplicate_users, "vi phạm ràng buộc"),
    "link outside the folder": (_link_outside, "trỏ ra ngoài thư mục"),
}


@pytest.mark.store
@pytest.mark.parametrize("case", list(RESTORE_REFUSALS))
def test_restore_refuses_in_vietnamese_and_changes_nothing(demo_store, tmp_path, case):
    damage, words = RESTORE_REFUSALS[case]
    folder = tmp_path / "bk"
    demo_store.backup(folder, actor="t")
    damage(demo_store, folder)
    demo_store.record_submission("son-la-2026", "Sở Y tế", "2026-H1", [Row("1", 70.0)], actor="t")  # after the backup
    before = snapshot(demo_store)
    with pytest.raises(UsageError, match=words) as refused:
        demo_store.restore(folder, actor="t")
    assert not any(word in str(refused.value) for word in ("Error", "Exception", "Traceback"))
    assert snapshot(demo_store) == before


@pytest.mark.store
def test_restore_of_an_older_schema_replaces_every_table(demo_store, tmp_path):
    with Store(tmp_path / "old.duckdb") as old:
        old.migrate(to=3)
        old.con.execute("INSERT INTO users (name, role, created_at) VALUES ('cu', 'leader', now())")
        old.backup(tmp_path / "bk", actor="t")
    demo_store.con.execute("INSERT INTO registered_units VALUES ('son-la-2026', 'Sở Y tế', 'Xã A', 't', now())")
    demo_store.restore(tmp_path / "bk", actor="t")
    assert [u["name"] for u in demo_store.users()] == ["cu"] and demo_store.user("cu")["sessions_valid_from"] is None
    assert row_counts(demo_store)["actuals"] == 0 and snapshot(demo_store)["registered_units"] == []
    assert demo_store.schema_version() == SCHEMA_VERSION


@pytest.mark.store
def test_cli_restore_refuses_a_swapped_file_in_vietnamese(demo_db, tmp_path):
    import shutil
    db = tmp_path / "r.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as s:
        s.backup(tmp_path / "bk", actor="t")
        _swap_users_for_audit(s, tmp_path / "bk")
        before = snapshot(s)
    out = run_cli("restore", str(tmp_path / "bk"), db=db)
    assert out.returncode == 2 and "không khớp với bảng users" in out.stderr
    assert "Lỗi không mong đợi" not in out.stderr and "Traceback" not in out.stderr
    with Store(db) as s:
        assert snapshot(s) == before
