"""The store: the only module that imports duckdb.

Schema with a version number and forward migrations; the catalogue (plans, goal groups, targets,
agencies, responsibilities, reporting periods); submissions, actuals and the audit trail. Values
are never overwritten: a new value inserts a new version and marks the old one superseded."""
from __future__ import annotations

import json
import random
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import pandas as pd

from indicators import cycle, periods, pg
from indicators import registry as reg
from indicators.errors import AppError, CatalogueError, DatabaseBusy, NotFound, PermissionDenied, UsageError
from indicators.models import Plan, Target
from indicators.reporting import Receipt
from indicators.settings import WRITE_RETRIES, is_server_url, now_local
from indicators.status import Inputs, Report
from indicators.submission import Change, Row  # the vocabulary of a submission, shared with the reader

# Each migration takes the schema from version i to i + 1. Never edit a released one: add a new one.
PG_ONLY = "-- postgresql only\n"  # a migration statement starting so is run on PostgreSQL alone


def _runs_on(sql: str, dialect: str) -> bool:
    return not sql.startswith(PG_ONLY) or dialect == "postgresql"


MIGRATIONS: list[list[str]] = [
    # 1: catalogue, submissions and versioned actuals
    [
        "CREATE SEQUENCE agency_ids START 1",
        "CREATE SEQUENCE target_ids START 1",
        "CREATE SEQUENCE submission_ids START 1",
        "CREATE SEQUENCE actual_ids START 1",
        """CREATE TABLE plans (
            slug VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, issuer VARCHAR NOT NULL, level VARCHAR NOT NULL,
            province VARCHAR NOT NULL, scope VARCHAR NOT NULL, year INTEGER NOT NULL, doc_number VARCHAR,
            doc_date VARCHAR, implements VARCHAR, standing_agency VARCHAR NOT NULL, source_file VARCHAR,
            catalogue_json VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE goal_groups (
            plan VARCHAR NOT NULL, code VARCHAR NOT NULL, title VARCHAR NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (plan, code))""",
        """CREATE TABLE agencies (
            id INTEGER PRIMARY KEY, scope VARCHAR NOT NULL, name VARCHAR NOT NULL, province VARCHAR NOT NULL,
            UNIQUE (scope, name))""",
        """CREATE TABLE targets (
            id INTEGER PRIMARY KEY, plan VARCHAR NOT NULL, code VARCHAR NOT NULL, parent VARCHAR,
            parent_text VARCHAR, text VARCHAR NOT NULL, group_code VARCHAR, unit VARCHAR NOT NULL,
            comparator VARCHAR NOT NULL, target DOUBLE, aspiration DOUBLE, baseline DOUBLE,
            baseline_year INTEGER, target_year INTEGER NOT NULL, of_total DOUBLE, kind VARCHAR NOT NULL,
            due DATE, position INTEGER NOT NULL, active BOOLEAN NOT NULL DEFAULT TRUE,
            UNIQUE (plan, code))""",
        """CREATE TABLE responsibilities (
            target_id INTEGER NOT NULL, agency_id INTEGER NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (target_id, agency_id))""",
        """CREATE TABLE reporting_periods (
            plan VARCHAR NOT NULL, code VARCHAR NOT NULL, deadline DATE, recipient VARCHAR,
            compile_deadline DATE, PRIMARY KEY (plan, code))""",
        """CREATE TABLE submissions (
            id INTEGER NOT NULL, plan VARCHAR NOT NULL, agency_id INTEGER, period VARCHAR NOT NULL,
            file_name VARCHAR, checksum VARCHAR, received_at TIMESTAMP NOT NULL, submitted_by VARCHAR NOT NULL,
            source VARCHAR NOT NULL, is_demo BOOLEAN NOT NULL DEFAULT FALSE,
            rows_new INTEGER, rows_changed INTEGER, rows_unchanged INTEGER)""",
        """CREATE TABLE actuals (
            id INTEGER NOT NULL, target_id INTEGER NOT NULL, agency_id INTEGER NOT NULL, period VARCHAR NOT NULL,
            value DOUBLE, text_value VARCHAR, numerator DOUBLE, denominator DOUBLE, note VARCHAR,
            submission_id INTEGER NOT NULL, version INTEGER NOT NULL, recorded_at TIMESTAMP NOT NULL,
            recorded_by VARCHAR NOT NULL, superseded_at TIMESTAMP, superseded_by INTEGER,
            is_demo BOOLEAN NOT NULL DEFAULT FALSE)""",
    ],
    # 2: the audit trail, and an index for the current values
    [
        "CREATE SEQUENCE audit_ids START 1",
        """CREATE TABLE audit (
            id INTEGER NOT NULL, "at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
            plan VARCHAR, entity VARCHAR, entity_key VARCHAR, old_value VARCHAR, new_value VARCHAR,
            submission_id INTEGER, is_demo BOOLEAN NOT NULL DEFAULT FALSE)""",
        "CREATE INDEX actuals_key ON actuals (target_id, period)",
    ],
    # 3: accounts, the agencies each account reports for, and application settings
    [
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY, display_name VARCHAR, role VARCHAR NOT NULL, password_hash VARCHAR,
            disabled BOOLEAN NOT NULL DEFAULT FALSE, failed INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP,
            source VARCHAR NOT NULL DEFAULT 'local', created_at TIMESTAMP NOT NULL, last_login_at TIMESTAMP)""",
        "CREATE TABLE user_agencies (name VARCHAR NOT NULL, plan VARCHAR NOT NULL, agency VARCHAR NOT NULL)",
        "CREATE TABLE app_settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    ],
    # 4: sessions signed in before this moment are over (password reset, disabling); the reporting
    # units an administrator registered for an agency's compilations
    [
        "ALTER TABLE users ADD COLUMN sessions_valid_from TIMESTAMP",
        """CREATE TABLE registered_units (
            plan VARCHAR NOT NULL, agency VARCHAR NOT NULL, unit VARCHAR NOT NULL,
            registered_by VARCHAR NOT NULL, registered_at TIMESTAMP NOT NULL, PRIMARY KEY (plan, agency, unit))""",
    ],
    # 5: programmes: a plan spans start_year..end_year (plans.year stays, = start_year); a target's
    # milestones, categories and review notes live in the plan's catalogue_json (older blobs carry
    # `year`, which the model reads as a one-year span)
    [
        "ALTER TABLE plans ADD COLUMN start_year INTEGER",
        "ALTER TABLE plans ADD COLUMN end_year INTEGER",
        "UPDATE plans SET start_year = year, end_year = year",
    ],
    # 6: indicators (docs/indicators.md): the registry as loaded from data/indicators.toml, each
    # target's link and each plan's parent (mirrors of catalogue_json, for SQL), and actuals per
    # category of a disaggregated target (NULL: the whole, as before)
    [
        """CREATE TABLE registry (
            id INTEGER PRIMARY KEY, registry_json VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL)""",
        "ALTER TABLE plans ADD COLUMN parent VARCHAR",
        "ALTER TABLE targets ADD COLUMN indicator VARCHAR",
        "ALTER TABLE actuals ADD COLUMN category VARCHAR",
    ],
    # 7: the reporting cycle (docs/reporting-cycle.md): approval events of a plan's period (the latest
    # decides), withdrawn values (a withdrawn version is superseded by nothing), agencies' contacts
    [
        """CREATE TABLE approvals (
            id INTEGER PRIMARY KEY, plan VARCHAR NOT NULL, period VARCHAR NOT NULL, action VARCHAR NOT NULL,
            actor VARCHAR NOT NULL, "at" TIMESTAMP NOT NULL, reason VARCHAR)""",
        """CREATE TABLE withdrawals (
            actual_id INTEGER PRIMARY KEY, reason VARCHAR NOT NULL, withdrawn_by VARCHAR NOT NULL,
            withdrawn_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE agency_contacts (
            scope VARCHAR NOT NULL, agency VARCHAR NOT NULL, person VARCHAR, phone VARCHAR, email VARCHAR,
            updated_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (scope, agency))""",
    ],
    # 8: sign-in sessions kept by the server (docs/sessions.md): only the SHA-256 of a session token
    # ("session") or of a one-time sign-in ticket ("ticket") is stored, never the token itself
    [
        """CREATE TABLE sessions (
            token_hash VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, name VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL, last_seen_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL,
            user_agent VARCHAR)""",
    ],
    # 9 (PostgreSQL only): the current values in a covering index, so that a plan page's sums over every
    # reporting commune read the index alone (an index-only scan: 378.720 rows of the national programme
    # in ~56 ms instead of ~280 ms visiting the table's rows), and the lead agency's own report is one
    # lookup by (target, period, agency). An index-only scan skips only pages autovacuum has marked
    # all-visible: it comes after a hundredth of the table has changed instead of PostgreSQL's fifth.
    # DuckDB scans its columns whole and needs neither.
    [
        PG_ONLY + """CREATE INDEX actuals_current ON actuals (target_id, period, agency_id)
                     INCLUDE (category, value, numerator, denominator) WHERE superseded_at IS NULL""",
        PG_ONLY + """ALTER TABLE actuals SET (autovacuum_vacuum_scale_factor = 0.01,
                     autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)""",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


_SEP = chr(31)  # joins (plan, code[, period]) into one key for `= ANY(?)` (never in a slug, code or period)

# The latest file of each (agency, period): one statement per database, the fastest each has (DuckDB's
# arg_max_null took 22 ms where the portable row_number() form took 53 ms, at 200.000 submissions).
_RECEIPTS = {
    "duckdb": """SELECT a.name, s.period, min(s.received_at), max(s.received_at), count(*),
                        arg_max_null(s.file_name, (s.received_at, s.id)), bool_or(s.is_demo)
                 FROM submissions s JOIN agencies a ON a.id = s.agency_id WHERE s.plan = ? GROUP BY ALL""",
    "postgresql": """SELECT a.name, s.period, min(s.received_at), max(s.received_at), count(*),
                            (array_agg(s.file_name ORDER BY s.received_at DESC, s.id DESC))[1], bool_or(s.is_demo)
                     FROM submissions s JOIN agencies a ON a.id = s.agency_id WHERE s.plan = ?
                     GROUP BY a.name, s.period""",
}

# An actual as JSON in the audit trail (same keys as _payload), built by DuckDB for whole batches.
_JSON_PAYLOAD = ("json_object('value', {t}.value, 'text', {t}.text_value, 'numerator', {t}.numerator, "
                 "'denominator', {t}.denominator, 'note', {t}.note)::VARCHAR")


@contextmanager
def _scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB: reads and writes Parquet for a PostgreSQL store, and builds schemas."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        yield con
    finally:
        con.close()


_ARROW_TYPES = {"INTEGER": "int32", "BIGINT": "int64", "VARCHAR": "string", "DOUBLE": "float64",
                "BOOLEAN": "bool_", "DATE": "date32"}


def _arrow(types: dict[str, str], columns: list[str], rows: list[tuple]):
    """Rows as an Arrow table typed by the schema (DuckDB column types), for DuckDB to read them: a
    column that is NULL throughout, or whose first values are NULL, keeps its type."""
    import pyarrow as pa

    def kind(name: str):
        t = types[name]
        return pa.timestamp("us") if t == "TIMESTAMP" else getattr(pa, _ARROW_TYPES[t])()
    return pa.table({c: pa.array([r[i] for r in rows], type=kind(c)) for i, c in enumerate(columns)})


def _names(columns: Iterable[str]) -> str:
    """Column names for SQL, quoted ("at" is a keyword)."""
    return ", ".join(f'"{c}"' for c in columns)


def _checksum(rows: list[tuple]) -> str:
    """An order-free SHA-256 of a table's rows (the same Python values from either database)."""
    import hashlib

    digest = hashlib.sha256()
    for line in sorted(repr(tuple(r)) for r in rows):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _load_time() -> datetime:
    """When a catalogue is loaded, to the microsecond: other app servers see any new load (two in
    one second included) as a change of data_version and drop their parsed plans."""
    return now_local(microseconds=True)


def _sql_path(path: Path) -> str:
    """A file path inside a SQL string literal (COPY and read_parquet take no parameters)."""
    return str(Path(path).resolve()).replace("'", "''")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return a == b


def _payload(value, text, numerator, denominator, note) -> dict:
    return {"value": value, "text": text, "numerator": numerator, "denominator": denominator, "note": note or None}


class Store:
    """A DuckDB file (one per process: DuckDB locks the file; threads get their own cursor), or a
    PostgreSQL database given as postgresql://… (several app servers at once; indicators/pg.py).
    The SQL is written once, in forms both share; what differs is listed in docs/postgresql.md."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self._pg: pg.Database | None = None
        if is_server_url(path):
            self.dialect = "postgresql"
            self._pg = pg.Database(str(path))
            self.path = pg.where(str(path))  # named without its password
            self.location: str | Path = str(path)  # what opens the same database again
            self._conflicts = self._pg.conflicts()
            self._errors, self._constraint_errors = self._pg.errors()
        else:
            self.dialect = "duckdb"
            self._open_duckdb(Path(path), read_only)
            self._conflicts = (duckdb.TransactionException,)
            self._errors, self._constraint_errors = duckdb.Error, duckdb.ConstraintException
        self._local = threading.local()
        # The catalogue changes only through load_catalogue, so parsed plans and targets are cached
        # until the next load (on PostgreSQL another server may load one: data_version() notices).
        # Writers are serialised: two imports of the same report at once would otherwise both see
        # "no current value" and both insert one (DuckDB only detects conflicting updates); on
        # PostgreSQL the lock is also taken in the database, for the writers of other servers.
        self._write_lock = threading.RLock()
        self._plan_cache: dict[str, Plan] = {}
        self._targets_cache: dict[str, list[Target]] = {}
        self._registry_cache: reg.Registry | None = None
        self._catalogue_seen: tuple | None = None

    def _open_duckdb(self, path: Path, read_only: bool) -> None:
        self.path = self.location = path
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise NotFound(f"Chưa có cơ sở dữ liệu {self.path}.", "Chạy `python -m indicators init` để tạo.")
        try:
            self._con = duckdb.connect(
                str(self.path), read_only=read_only,
                config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
            )
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseBusy(
                    f"Tệp cơ sở dữ liệu {self.path} đang được một chương trình khác sử dụng (ví dụ bảng điều khiển đang chạy).",
                    "Dừng chương trình đang mở tệp (Ctrl+C ở cửa sổ `make run`) rồi chạy lại lệnh, "
                    "hoặc thao tác ngay trên bảng điều khiển.",
                ) from None
            raise UsageError(f"Không mở được tệp cơ sở dữ liệu {self.path} (không phải tệp DuckDB, là thư mục, "
                             "hoặc không có quyền).", "Kiểm tra đường dẫn --db và quyền ghi thư mục.") from None

    # -- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
        else:
            self._con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def con(self):
        """This thread's cursor on the shared database (on PostgreSQL: inside this thread's open
        transaction, if any, as with DuckDB's cursor)."""
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._pg.cursor() if self._pg is not None else self._con.cursor()
            self._local.cur = cur
        return cur

    def _rows(self, sql: str, params: Iterable = ()) -> list[dict]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _one(self, sql: str, params: Iterable = ()):
        rows = self.con.execute(sql, list(params)).fetchall()
        return rows[0] if rows else None

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator:
        """A transaction on this thread's cursor; `write` also takes PostgreSQL's write lock (pg.py)."""
        if self._pg is not None:
            with self._pg.transaction(write) as cur:
                yield cur
            return
        cur = self.con
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")

    def _retrying(self, work):
        """Run `work(cur)` in a write transaction, retrying when a concurrent writer conflicts."""
        for attempt in range(WRITE_RETRIES):
            try:
                with self._write_lock, self.transaction(write=True) as cur:
                    return work(cur)
            except self._conflicts as exc:
                if (self._pg is None and "conflict" not in str(exc).lower()) or attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1) + random.random() * 0.02)

    # -- schema ----------------------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self._one("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' "
                           "AND table_schema = current_schema()")[0]
        if not exists:
            return 0
        row = self._one("SELECT max(version) FROM schema_version")
        return int(row[0] or 0)

    def migrate(self, to: int = SCHEMA_VERSION) -> list[int]:
        """Apply forward migrations up to `to`; returns the versions applied."""
        applied = []
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise UsageError(f"Cơ sở dữ liệu ở phiên bản lược đồ {current}, mới hơn phần mềm ({SCHEMA_VERSION}).",
                             "Cập nhật phần mềm lên bản mới nhất.")
        for version in range(current + 1, to + 1):
            with self._write_lock, self.transaction(write=True) as cur:
                if self.schema_version() >= version:  # another app server migrated it meanwhile
                    continue
                if version == 1:
                    cur.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
                for sql in MIGRATIONS[version - 1]:
                    if _runs_on(sql, self.dialect):
                        cur.execute(sql)
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, now_local()])
            applied.append(version)
        return applied

    # -- catalogue ---------------------------------------------------------------------------

    def load_registry(self, registry: reg.Registry, actor: str = "system", replacing: list[Plan] = ()) -> str:
        """Store the indicator registry (data/indicators.toml); refused, with nothing changed, when a
        loaded plan (other than those in `replacing`, about to be loaded in their new form) links to
        an indicator it no longer has or no longer fits. Returns "new" | "updated" | "unchanged"."""
        blob = registry.model_dump_json()
        incoming = {p.slug for p in replacing}
        problems = [p for plan in self.plans() if plan.slug not in incoming for p in reg.plan_problems(plan, registry)]
        if problems:
            raise CatalogueError("Danh mục chỉ số mới không khớp các kế hoạch đã nạp, chưa thay đổi gì.",
                                 "Giữ các chỉ số đang được liên kết, hoặc sửa liên kết của các chỉ tiêu được nêu.", problems)

        def work(cur):
            old = cur.execute("SELECT registry_json FROM registry WHERE id = 1").fetchall()
            if old and old[0][0] == blob:
                return "unchanged"
            cur.execute("""INSERT INTO registry VALUES (1, ?, ?) ON CONFLICT (id)
                           DO UPDATE SET registry_json = excluded.registry_json, loaded_at = excluded.loaded_at""",
                        [blob, _load_time()])
            self._audit(cur, actor, "registry.update" if old else "registry.insert", None, "registry", "indicators",
                        None, f"{len(registry.indicators)} chỉ số", None, False)
            return "updated" if old else "new"
        try:
            return self._retrying(work)
        finally:
            self._registry_cache = None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the process's write lock around work that spans a file and the database (a link
        written into a catalogue file, then its plan loaded): writers wait for each other."""
        with self._write_lock:
            yield

    def registry(self) -> reg.Registry:
        """The loaded indicator registry (empty before the first load)."""
        if self._registry_cache is None:
            row = self._one("SELECT registry_json FROM registry WHERE id = 1")
            self._registry_cache = reg.Registry.model_validate_json(row[0]) if row else reg.Registry()
        return self._registry_cache

    def plan_parents(self) -> dict[str, str]:
        """slug -> parent (a slug, a reference text, or '') of every loaded plan."""
        return {r[0]: r[1] or "" for r in self.con.execute("SELECT slug, parent FROM plans").fetchall()}

    def load_catalogue(self, plans: list[Plan], actor: str = "system", registry: reg.Registry | None = None,
                       note: str | None = None) -> dict[str, str]:
        """Insert or update every plan (after the registry, when given); idempotent; actuals are never
        touched. Refused, with nothing changed, when a link or a category does not fit the registry
        or the parents form a cycle. Returns slug -> "new" | "updated" | "unchanged"."""
        checked = registry if registry is not None else self.registry()
        problems = [p for plan in plans for p in reg.plan_problems(plan, checked)]
        problems += reg.parent_problems(self.plan_parents() | {p.slug: p.parent for p in plans})
        if problems:  # every check before anything is written, the registry included
            raise CatalogueError(f"Danh mục kế hoạch có {len(problems)} lỗi (liên kết chỉ số, phân tổ hoặc kế hoạch cha), "
                                 "chưa nạp gì vào cơ sở dữ liệu.", "Sửa các dòng được nêu trong tệp danh mục rồi nạp lại.",
                                 problems)
        if registry is not None:
            self.load_registry(registry, actor, replacing=plans)
        result = {}
        try:
            for plan in plans:
                result[plan.slug] = self._retrying(lambda cur, plan=plan: self._load_plan(cur, plan, actor, note))
        finally:
            self._plan_cache.clear()
            self._targets_cache.clear()
        return result

    def _ensure_agencies(self, cur, plan: Plan, names: list[str]) -> dict[str, int]:
        """name -> id for every agency of the plan's scope, creating the missing ones in one go
        (a compilation may name thousands of communes)."""
        have = dict(cur.execute("SELECT name, id FROM agencies WHERE scope = ? AND name = ANY(?)",
                                [plan.scope, names]).fetchall())
        missing = [n for n in names if n not in have]
        if missing:
            cur.execute("""INSERT INTO agencies SELECT nextval('agency_ids'), ?, unnest(?), ?""",
                        [plan.scope, missing, plan.province])
            have.update(cur.execute("SELECT name, id FROM agencies WHERE scope = ? AND name = ANY(?)",
                                    [plan.scope, missing]).fetchall())
        return have

    def _load_plan(self, cur, plan: Plan, actor: str = "system", note: str | None = None) -> str:
        blob = plan.model_dump_json()
        old = cur.execute("SELECT catalogue_json FROM plans WHERE slug = ?", [plan.slug]).fetchall()
        if old and old[0][0] == blob:
            return "unchanged"
        now = _load_time()
        head = [plan.title, plan.issuer, plan.level, plan.province, plan.scope, plan.start_year, plan.doc_number,
                plan.doc_date, plan.implements, plan.standing_agency, plan.source_file, blob, now,
                plan.start_year, plan.end_year, plan.parent or None]
        if old:
            cur.execute("""UPDATE plans SET title=?, issuer=?, level=?, province=?, scope=?, year=?, doc_number=?,
                           doc_date=?, implements=?, standing_agency=?, source_file=?, catalogue_json=?, loaded_at=?,
                           start_year=?, end_year=?, parent=? WHERE slug=?""", head + [plan.slug])
        else:
            cur.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [plan.slug] + head)
        cur.execute("DELETE FROM goal_groups WHERE plan = ?", [plan.slug])
        for i, g in enumerate(plan.goal_groups):
            cur.execute("INSERT INTO goal_groups VALUES (?, ?, ?, ?)", [plan.slug, g.code, g.title, i])
        cur.execute("DELETE FROM reporting_periods WHERE plan = ?", [plan.slug])
        for p in plan.periods:
            cur.execute("INSERT INTO reporting_periods VALUES (?, ?, ?, ?, ?)",
                        [plan.slug, p.code, p.deadline, p.recipient, p.compile_deadline])
        agency_ids = self._ensure_agencies(cur, plan, plan.all_agencies())
        existing = {r[1]: r[0] for r in cur.execute("SELECT id, code FROM targets WHERE plan = ?", [plan.slug]).fetchall()}
        seen = set()
        for t in plan.measurable_targets():
            fields = [t.parent, t.parent_text, t.text, t.group, t.unit, t.comparator, t.target, t.aspiration,
                      t.baseline, t.baseline_year, t.target_year, t.of, t.kind, t.due, t.position]
            if t.code in existing:
                tid = existing[t.code]
                cur.execute("""UPDATE targets SET parent=?, parent_text=?, text=?, group_code=?, unit=?, comparator=?,
                               target=?, aspiration=?, baseline=?, baseline_year=?, target_year=?, of_total=?, kind=?,
                               due=?, position=?, active=TRUE, indicator=? WHERE id=?""", fields + [t.indicator, tid])
            else:
                tid = cur.execute("SELECT nextval('target_ids')").fetchall()[0][0]
                cur.execute("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?)",
                            [tid, plan.slug, t.code] + fields + [t.indicator])
            seen.add(t.code)
            cur.execute("DELETE FROM responsibilities WHERE target_id = ?", [tid])
            for i, name in enumerate(t.agencies):
                cur.execute("INSERT INTO responsibilities VALUES (?, ?, ?, ?)",
                            [tid, agency_ids[name], "lead" if i == 0 else "coordinating", i])
        for code, tid in existing.items():
            if code not in seen:  # dropped from the catalogue: kept (its actuals stay), hidden
                cur.execute("UPDATE targets SET active = FALSE WHERE id = ?", [tid])
        self._audit(cur, actor, "catalogue.update" if old else "catalogue.insert", plan.slug, "plan", plan.slug,
                    None, note, None, False)
        return "updated" if old else "new"

    # -- reading the catalogue --------------------------------------------------------------

    def plan_slugs(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT slug FROM plans ORDER BY start_year DESC, slug").fetchall()]

    def plan(self, slug: str) -> Plan:
        cached = self._plan_cache.get(slug)
        if cached is not None:
            return cached
        row = self._one("SELECT catalogue_json FROM plans WHERE slug = ?", [slug])
        if row is None:
            known = ", ".join(self.plan_slugs()) or "(chưa có kế hoạch nào)"
            raise NotFound(f"Không có kế hoạch \"{slug}\".", f"Các kế hoạch hiện có: {known}.")
        plan = self._plan_cache[slug] = Plan.model_validate_json(row[0])
        return plan

    def plans(self) -> list[Plan]:
        return [Plan.model_validate_json(r[0]) for r in
                self.con.execute("SELECT catalogue_json FROM plans ORDER BY start_year DESC, slug").fetchall()]

    def targets(self, slug: str) -> list[Target]:
        """The active measurable targets of a plan, in plan order."""
        cached = self._targets_cache.get(slug)
        if cached is not None:
            return list(cached)
        # The catalogue_json the plan was loaded from is the source of every target's fields
        # (milestones included); the targets table mirrors it for SQL and keeps dropped ones inactive.
        targets = self.plan(slug).measurable_targets()  # raises NotFound
        self._targets_cache[slug] = targets
        return list(targets)

    # -- writing actuals ---------------------------------------------------------------------

    def current_values(self, slug: str, agency: str, period: str) -> dict[str, dict]:
        """code -> the agency's current value of the whole target for the period (its categories:
        current_values_many)."""
        return {code: v for (_, code, cat), v in self.current_values_many(slug, [agency], period).items() if cat is None}

    def current_values_many(self, slug: str, agencies: list[str], period: str) -> dict[tuple[str, str, str | None], dict]:
        """(agency, code, category) -> current value, for many agencies in one query (compilation templates)."""
        plan = self.plan(slug)
        rows = self.con.execute("""
            SELECT a.name, t.code, x.category, x.value, x.text_value, x.numerator, x.denominator, x.note
            FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
            WHERE t.plan = ? AND a.scope = ? AND x.period = ? AND x.superseded_at IS NULL
              AND a.name = ANY(?)""", [slug, plan.scope, period, agencies]).fetchall()
        return {(r[0], r[1], r[2]): _payload(*r[3:]) for r in rows}

    def latest_values(self, slug: str, agencies: list[str], periods_up_to: list[str]) -> dict[tuple[str, str, str | None], float]:
        """(agency, code, category) -> the agency's latest current numeric value over `periods_up_to`
        (in time order, latest last): the reference of the plausibility check."""
        plan = self.plan(slug)
        rows = self.con.execute("""
            SELECT name, code, category, value FROM (
                SELECT a.name, t.code, x.category, x.value, row_number() OVER (
                    PARTITION BY a.name, t.code, x.category ORDER BY array_position(?, x.period) DESC) AS latest
                FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
                WHERE t.plan = ? AND a.scope = ? AND x.superseded_at IS NULL AND x.value IS NOT NULL
                  AND x.period = ANY(?) AND a.name = ANY(?)) ranked
            WHERE latest = 1""", [periods_up_to, slug, plan.scope, periods_up_to, agencies]).fetchall()
        return {(r[0], r[1], r[2]): r[3] for r in rows}

    def diff(self, slug: str, agency: str, period: str, rows: list[Row]) -> list[Change]:
        """What a submission would change: per row new / changed (from -> to) / unchanged."""
        who_all = sorted({row.agency or agency for row in rows})
        current = self.current_values_many(slug, who_all, period)
        out = []
        for row in rows:
            who = row.agency or agency
            old = current.get((who, row.code, row.category))
            new = _payload(row.value, row.text, row.numerator, row.denominator, row.note)
            if old is None:
                kind = "new"
            elif all(_same(old[k], new[k]) for k in new):
                kind = "unchanged"
            else:
                kind = "changed"
            out.append(Change(row.code, who, kind, old, new, row.category))
        return out

    def record_submission(
        self, slug: str, agency: str, period: str, rows: list[Row], *, actor: str,
        file_name: str | None = None, checksum: str | None = None, source: str = "excel",
        is_demo: bool = False, received_at: datetime | None = None, notes: list[tuple[str, str, dict]] = (),
        restore_withdrawn: bool | None = None,
    ) -> tuple[int, dict[str, int]]:
        """Write one submission as a single transaction: every row or none.

        New and changed values get a new version (the old one is marked superseded, never
        overwritten); unchanged values create no version. A row that brings back a withdrawn value
        (cycle.brings_back; real values only) is skipped and counted as "held", or, with
        `restore_withdrawn`, written and audited as actual.restore; None: no such check (demo and
        generated data). Returns (submission id, counts)."""
        plan = self.plan(slug)
        periods.check_accepted(plan, period)
        target_ids = {r[1]: r[0] for r in self.con.execute(
            "SELECT id, code FROM targets WHERE plan = ? AND active", [slug]).fetchall()}
        unknown = sorted({r.code for r in rows} - set(target_ids))
        if unknown:
            raise UsageError(f"Kế hoạch {slug} không có chỉ tiêu mã {', '.join(unknown)}.")
        names = {t.code: t.category_names for t in self.targets(slug)}
        stray = next((r for r in rows if r.category is not None and r.category not in names.get(r.code, [])), None)
        if stray is not None:  # the core's check (scopes.check_rows) names the cell; this keeps the table clean
            raise UsageError(f"Chỉ tiêu {stray.code} của kế hoạch {slug} không phân tổ theo \"{stray.category}\".")
        known = set(plan.all_agencies()) | {u for _, u in self.registered_units(slug)}
        strangers = sorted({r.agency or agency for r in rows} - known) + ([agency] if agency not in known else [])
        if strangers:  # the core's permission check comes first; this keeps the table itself clean
            raise UsageError(f"Kế hoạch {slug} không có cơ quan hay đơn vị báo cáo \"{strangers[0]}\".",
                             "Quản trị đăng ký đơn vị báo cáo cho cơ quan tổng hợp trước (lệnh `units add`).")
        when = received_at or now_local()

        def work(cur):
            lock = self._approval(cur, plan, period)
            if lock.locked:  # checked in the write's own transaction: an approval cannot slip in between
                raise cycle.refusal(slug, lock)
            names = list(dict.fromkeys([agency] + [r.agency or agency for r in rows]))
            aids = self._ensure_agencies(cur, plan, names)
            sub_id = cur.execute("SELECT nextval('submission_ids')").fetchall()[0][0]
            incoming = pd.DataFrame({
                "idx": pd.array(range(len(rows)), dtype="Int64"),
                "tid": pd.array([target_ids[r.code] for r in rows], dtype="Int64"),
                "aid": pd.array([aids[r.agency or agency] for r in rows], dtype="Int64"),
                "cat": pd.array([r.category for r in rows], dtype="string"),
            })
            cur.register("incoming_rows", incoming)
            try:
                current = {rec[0]: rec[1:] for rec in cur.execute("""
                    SELECT i.idx, x.id, x.version, x.value, x.text_value, x.numerator, x.denominator, x.note
                    FROM incoming_rows i JOIN actuals x ON x.target_id = i.tid AND x.agency_id = i.aid
                         AND x.category IS NOT DISTINCT FROM i.cat
                    WHERE x.period = ? AND x.superseded_at IS NULL""", [period]).fetchall()}
                # a key whose value was withdrawn has no current version; the next one follows its history
                last_version = dict(cur.execute("""
                    SELECT i.idx, max(x.version) FROM incoming_rows i JOIN actuals x ON x.target_id = i.tid
                         AND x.agency_id = i.aid AND x.category IS NOT DISTINCT FROM i.cat
                    WHERE x.period = ? AND x.superseded_at IS NOT NULL GROUP BY i.idx""", [period]).fetchall())
                # keys whose latest version is a withdrawn real value: checked here, in the write's own
                # transaction, so a withdrawal landing after the preview is still honoured
                withdrawn = {} if restore_withdrawn is None else {rec[0]: (rec[1:4]) for rec in cur.execute("""
                    SELECT i.idx, x.value, x.text_value, w.reason FROM incoming_rows i JOIN actuals x
                         ON x.target_id = i.tid AND x.agency_id = i.aid AND x.category IS NOT DISTINCT FROM i.cat
                    JOIN withdrawals w ON w.actual_id = x.id
                    WHERE x.period = ? AND NOT x.is_demo AND x.version = (
                        SELECT max(y.version) FROM actuals y WHERE y.target_id = x.target_id AND y.agency_id = x.agency_id
                          AND y.period = x.period AND y.category IS NOT DISTINCT FROM x.category)""", [period]).fetchall()}
            finally:
                cur.unregister("incoming_rows")
            counts = {"new": 0, "changed": 0, "unchanged": 0, "held": 0}
            keep: list[int] = []  # indexes of rows that make a new version
            versions: list[int] = []
            olds: list[tuple | None] = []
            restored: list[tuple[str, str, dict]] = []
            for i, r in enumerate(rows):
                old_rec = current.get(i)
                if i in withdrawn and cycle.brings_back({"value": withdrawn[i][0], "text": withdrawn[i][1]},
                                                        {"value": r.value, "text": r.text}):
                    if not restore_withdrawn:
                        counts["held"] += 1
                        continue
                    restored.append(("actual.restore", f"{r.code}|{r.agency or agency}" + (f"|{r.category}" if r.category else ""),
                                     {"withdrawn_reason": withdrawn[i][2]}))
                if old_rec is not None:
                    old = _payload(*old_rec[2:7])
                    if all(_same(old[k], v) for k, v in _payload(r.value, r.text, r.numerator, r.denominator, r.note).items()):
                        counts["unchanged"] += 1
                        continue
                keep.append(i)
                olds.append(old_rec)
                versions.append(old_rec[1] + 1 if old_rec else last_version.get(i, 0) + 1)
                counts["changed" if old_rec else "new"] += 1
            cur.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [sub_id, slug, aids[agency], period, file_name, checksum, when, actor, source, is_demo,
                         counts["new"], counts["changed"], counts["unchanged"]])
            if keep:
                new_ids = [x[0] for x in cur.execute("SELECT nextval('actual_ids') FROM generate_series(1, ?)", [len(keep)]).fetchall()]
                picked = [rows[i] for i in keep]
                actuals = pd.DataFrame({
                    "id": pd.array(new_ids, dtype="Int64"),
                    "target_id": pd.array([target_ids[r.code] for r in picked], dtype="Int64"),
                    "agency_id": pd.array([aids[r.agency or agency] for r in picked], dtype="Int64"),
                    "value": pd.array([r.value for r in picked], dtype="Float64"),
                    "text_value": pd.array([r.text for r in picked], dtype="string"),
                    "numerator": pd.array([r.numerator for r in picked], dtype="Float64"),
                    "denominator": pd.array([r.denominator for r in picked], dtype="Float64"),
                    "note": pd.array([r.note or None for r in picked], dtype="string"),
                    "version": pd.array(versions, dtype="Int64"),
                    "old_id": pd.array([o[0] if o else None for o in olds], dtype="Int64"),
                    "key": pd.array([f"{r.code}|{r.agency or agency}|{period}" + (f"|{r.category}" if r.category else "")
                                     for r in picked], dtype="string"),
                    "category": pd.array([r.category for r in picked], dtype="string"),
                })
                cur.register("new_actuals", actuals)
                try:
                    # the audit trail first, while the old versions are still current: old and new as JSON
                    cur.execute(f"""INSERT INTO audit SELECT nextval('audit_ids'), ?, ?,
                                   CASE WHEN n.old_id IS NULL THEN 'actual.new' ELSE 'actual.change' END, ?, 'actual', n.key,
                                   CASE WHEN n.old_id IS NULL THEN NULL ELSE {_JSON_PAYLOAD.format(t='o')} END,
                                   {_JSON_PAYLOAD.format(t='n')}, ?, ?
                                   FROM new_actuals n LEFT JOIN actuals o ON o.id = n.old_id ORDER BY n.id""",
                                [when, actor, slug, sub_id, is_demo])
                    cur.execute("""UPDATE actuals SET superseded_at = ?, superseded_by = n.id FROM new_actuals n
                                   WHERE actuals.id = n.old_id""", [when])
                    cur.execute("""INSERT INTO actuals SELECT id, target_id, agency_id, ?, value, text_value, numerator,
                                   denominator, note, ?, version, ?, ?, NULL, NULL, ?, category FROM new_actuals ORDER BY id""",
                                [period, sub_id, when, actor, is_demo])
                finally:
                    cur.unregister("new_actuals")
            notes_ = list(notes) + restored
            if notes_:  # e.g. plausibility warnings confirmed or corrected: one statement for thousands
                cur.execute("""INSERT INTO audit SELECT nextval('audit_ids'), ?, ?, n.action, ?, 'actual', n.key, NULL,
                               n.detail, ?, ? FROM (SELECT unnest(?) AS action, unnest(?) AS key, unnest(?) AS detail,
                               generate_subscripts(?, 1) AS i) n ORDER BY n.i""",
                            [when, actor, slug, sub_id, is_demo, [a for a, _, _ in notes_],
                             [f"{k}|{period}" for _, k, _ in notes_],
                             [json.dumps(d, ensure_ascii=False) for _, _, d in notes_], [a for a, _, _ in notes_]])
            return sub_id, counts

        return self._retrying(work)

    # -- the reporting cycle: approval of a period, withdrawn values, agencies' contacts -------

    def _approval(self, cur, plan: Plan, period: str) -> cycle.Approval:
        events = [cycle.Event(*r) for r in cur.execute(
            'SELECT action, actor, "at", reason FROM approvals WHERE plan = ? AND period = ? ORDER BY id',
            [plan.slug, period]).fetchall()]
        days = cur.execute("SELECT value FROM app_settings WHERE key = ?",
                           [cycle.AUTOLOCK_SETTING.format(slug=plan.slug)]).fetchall()
        deadline = next((p.deadline for p in plan.periods if p.code == period), None)
        return cycle.state(period, events, deadline=deadline, autolock_days=int(days[0][0]) if days else None,
                           now=now_local())

    def approval(self, slug: str, period: str) -> cycle.Approval:
        return self._approval(self.con, self.plan(slug), period)

    def approvals(self, slug: str) -> dict[str, cycle.Approval]:
        """period -> approval state, for every period the plan accepts reports for, in one query."""
        plan = self.plan(slug)
        events: dict[str, list[cycle.Event]] = {}
        for r in self.con.execute('SELECT period, action, actor, "at", reason FROM approvals WHERE plan = ? ORDER BY id',
                                  [slug]).fetchall():
            events.setdefault(r[0], []).append(cycle.Event(*r[1:]))
        days = self.autolock_days(slug)
        deadlines = {p.code: p.deadline for p in plan.periods}
        now = now_local()
        return {p: cycle.state(p, events.get(p, []), deadline=deadlines.get(p), autolock_days=days, now=now)
                for p in plan.accepted_periods()}

    def autolock_days(self, slug: str) -> int | None:
        value = self.setting(cycle.AUTOLOCK_SETTING.format(slug=slug))
        return int(value) if value is not None else None

    def set_autolock_days(self, slug: str, days: int | None, *, actor: str) -> None:
        key = cycle.AUTOLOCK_SETTING.format(slug=slug)

        def work(cur):
            old = cur.execute("SELECT value FROM app_settings WHERE key = ?", [key]).fetchall()
            if days is None:
                cur.execute("DELETE FROM app_settings WHERE key = ?", [key])
            else:
                cur.execute("INSERT INTO app_settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [key, str(days)])
            self._audit(cur, actor, "period.autolock", slug, "plan", slug, old[0][0] if old else None,
                        None if days is None else str(days), None, False)
        self._retrying(work)

    def record_approval(self, slug: str, period: str, action: str, *, actor: str, reason: str | None = None) -> cycle.Approval:
        """Approve or reopen a period: the core's rule (cycle.check_approve / check_reopen) is checked
        again inside the transaction, then the event and its audit row are written together."""
        plan = self.plan(slug)

        def work(cur):
            current = self._approval(cur, plan, period)
            if action == cycle.APPROVE:
                reports = cur.execute("SELECT count(*) FROM submissions WHERE plan = ? AND period = ? AND NOT is_demo",
                                      [slug, period]).fetchall()[0][0]
                cycle.check_approve(slug, period, current, reports)
            else:
                cycle.check_reopen(slug, period, current)
            new_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM approvals").fetchall()[0][0]
            when = now_local()
            cur.execute("INSERT INTO approvals VALUES (?, ?, ?, ?, ?, ?, ?)", [new_id, slug, period, action, actor, when, reason])
            self._audit(cur, actor, f"period.{action}", slug, "period", period, current.describe(),
                        json.dumps({"reason": reason} if reason else {}, ensure_ascii=False), None, False, at=when)
            return self._approval(cur, plan, period)
        return self._retrying(work)

    def withdraw(self, slug: str, period: str, agency: str, code: str, category: str | None, *, actor: str,
                 reason: str, allowed) -> dict:
        """Withdraw the agency's current value of a target (category) for a period: the version is
        marked superseded by nothing, the withdrawal and an audit row are written, in one transaction.
        `allowed(submitting_agency)` is the core's permission rule (cycle.may_withdraw). Returns the
        withdrawn payload."""
        plan = self.plan(slug)
        what = f"chỉ tiêu {code}" + (f" (phân tổ {category})" if category else "")

        def work(cur):
            lock = self._approval(cur, plan, period)
            if lock.locked:
                raise cycle.refusal(slug, lock, "rút lại số liệu")
            found = cur.execute("""
                SELECT x.id, x.value, x.text_value, x.numerator, x.denominator, x.note, sa.name, x.is_demo
                FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
                JOIN submissions s ON s.id = x.submission_id LEFT JOIN agencies sa ON sa.id = s.agency_id
                WHERE t.plan = ? AND t.code = ? AND a.scope = ? AND a.name = ? AND x.period = ?
                  AND x.category IS NOT DISTINCT FROM ? AND x.superseded_at IS NULL""",
                                [slug, code, plan.scope, agency, period, category]).fetchall()
            if not found:
                raise UsageError(f"{agency} chưa có số liệu hiện hành của {what}, kỳ {periods.label(period)} "
                                 f"(kế hoạch {slug}): không có gì để rút lại.",
                                 "Kiểm tra mã chỉ tiêu, cơ quan và kỳ (xem lịch sử số liệu trên trang Chi tiết chỉ tiêu).")
            aid, *payload, submitter, is_demo = found[0]
            if not allowed(submitter or agency):
                raise PermissionDenied(f"Tài khoản \"{actor}\" không được rút lại số liệu của {agency} ({what}): số liệu "
                                       f"này do {submitter or agency} nộp.",
                                       "Chỉ cán bộ của cơ quan đã nộp số liệu (hoặc quản trị) được rút lại.")
            when = now_local()
            cur.execute("UPDATE actuals SET superseded_at = ? WHERE id = ?", [when, aid])
            cur.execute("INSERT INTO withdrawals VALUES (?, ?, ?, ?)", [aid, reason, actor, when])
            old = _payload(*payload)
            key = f"{code}|{agency}|{period}" + (f"|{category}" if category else "")
            self._audit(cur, actor, "actual.withdraw", slug, "actual", key, json.dumps(old, ensure_ascii=False),
                        json.dumps({"withdrawn": True, "reason": reason, "demo_value": bool(is_demo)}, ensure_ascii=False),
                        None, False, at=when)
            return old
        return self._retrying(work)

    def withdrawn_values(self, slug: str, agencies: list[str], period: str) -> dict[tuple[str, str, str | None], dict]:
        """(agency, code, category) -> the withdrawn value and its withdrawal, for keys whose latest
        version was withdrawn (nothing reported since)."""
        plan = self.plan(slug)
        rows = self.con.execute("""
            SELECT a.name, t.code, x.category, x.value, x.text_value, x.numerator, x.denominator, x.note,
                   w.reason, w.withdrawn_by, w.withdrawn_at
            FROM actuals x JOIN withdrawals w ON w.actual_id = x.id JOIN targets t ON t.id = x.target_id
            JOIN agencies a ON a.id = x.agency_id
            WHERE t.plan = ? AND a.scope = ? AND x.period = ? AND a.name = ANY(?) AND NOT x.is_demo
              AND NOT EXISTS (SELECT 1 FROM actuals y WHERE y.target_id = x.target_id AND y.agency_id = x.agency_id
                              AND y.period = x.period AND y.category IS NOT DISTINCT FROM x.category
                              AND y.version > x.version)""", [slug, plan.scope, period, agencies]).fetchall()
        return {(r[0], r[1], r[2]): {"payload": _payload(*r[3:8]), "reason": r[8], "by": r[9], "at": r[10]}
                for r in rows}

    def withdrawals(self, slug: str, code: str | None = None) -> dict[tuple[str, str, str, str | None, int], dict]:
        """(agency, code, period, category, version) -> {reason, by, at} of every withdrawn version."""
        rows = self.con.execute("""
            SELECT a.name, t.code, x.period, x.category, x.version, w.reason, w.withdrawn_by, w.withdrawn_at
            FROM withdrawals w JOIN actuals x ON x.id = w.actual_id JOIN targets t ON t.id = x.target_id
            JOIN agencies a ON a.id = x.agency_id WHERE t.plan = ?""" + (" AND t.code = ?" if code else ""),
                                [slug] + ([code] if code else [])).fetchall()
        return {tuple(r[:5]): {"reason": r[5], "by": r[6], "at": r[7]} for r in rows}

    def agency_contacts(self, scope: str) -> dict[str, dict]:
        """agency -> {person, phone, email, updated_by, updated_at} recorded for a reporting scope."""
        return {r["agency"]: r for r in self._rows(
            "SELECT agency, person, phone, email, updated_by, updated_at FROM agency_contacts WHERE scope = ?", [scope])}

    def set_agency_contact(self, scope: str, agency: str, *, person: str | None, phone: str | None,
                           email: str | None, actor: str) -> None:
        """Record (or, all empty, remove) an agency's contact; values already checked by the core."""
        def work(cur):
            old = cur.execute("SELECT person, phone, email FROM agency_contacts WHERE scope = ? AND agency = ?",
                              [scope, agency]).fetchall()
            if not (person or phone or email):
                cur.execute("DELETE FROM agency_contacts WHERE scope = ? AND agency = ?", [scope, agency])
            else:
                cur.execute("""INSERT INTO agency_contacts VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, agency)
                               DO UPDATE SET person = excluded.person, phone = excluded.phone, email = excluded.email,
                               updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
                            [scope, agency, person, phone, email, actor, now_local()])
            self._audit(cur, actor, "contact.set", None, "agency", f"{scope}|{agency}",
                        json.dumps(list(old[0]), ensure_ascii=False) if old else None,
                        json.dumps([person, phone, email], ensure_ascii=False), None, False)
        self._retrying(work)

    # -- reporting units an administrator registered for an agency's compilations -------------

    def registered_units(self, slug: str, agency: str | None = None) -> list[tuple[str, str]]:
        """(agency, unit) pairs registered for a plan (optionally for one agency), in name order."""
        sql = "SELECT agency, unit FROM registered_units WHERE plan = ?" + (" AND agency = ?" if agency else "")
        return [tuple(r) for r in self.con.execute(sql + " ORDER BY agency, unit COLLATE vi",
                                                   [slug] + ([agency] if agency else [])).fetchall()]

    def register_units(self, slug: str, agency: str, units: list[str], *, actor: str) -> list[str]:
        """Register units (already checked and spelt by the core); returns those that were new."""
        def work(cur):
            have = {r[0] for r in cur.execute("SELECT unit FROM registered_units WHERE plan = ? AND agency = ?",
                                              [slug, agency]).fetchall()}
            new = [u for u in dict.fromkeys(units) if u not in have]
            for u in new:
                cur.execute("INSERT INTO registered_units VALUES (?, ?, ?, ?, ?)", [slug, agency, u, actor, now_local()])
                self._audit(cur, actor, "unit.register", slug, "unit", f"{agency}|{u}", None, u, None, False)
            return new
        return self._retrying(work)

    def unregister_unit(self, slug: str, agency: str, unit: str, *, actor: str) -> bool:
        def work(cur):
            gone = cur.execute("DELETE FROM registered_units WHERE plan = ? AND agency = ? AND unit = ? RETURNING unit",
                               [slug, agency, unit]).fetchall()
            if gone:
                self._audit(cur, actor, "unit.unregister", slug, "unit", f"{agency}|{unit}", unit, None, None, False)
            return bool(gone)
        return self._retrying(work)

    def _audit(self, cur, actor, action, plan, entity, key, old, new, submission_id, is_demo, at=None) -> None:
        cur.execute("INSERT INTO audit VALUES (nextval('audit_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [at or now_local(), actor, action, plan, entity, key, old, new, submission_id, is_demo])

    def remove_demo(self) -> dict[str, int]:
        """Delete exactly the rows flagged as demo (actuals, submissions, audit); restore the
        non-demo versions they had superseded."""
        def work(cur):
            counts = {}
            # a real version a demo one superseded is current again, unless a later real version of
            # the same key exists (reported, or withdrawn, after the demo data came in)
            cur.execute("""UPDATE actuals SET superseded_at = NULL, superseded_by = NULL
                           WHERE NOT is_demo AND superseded_by IN (SELECT id FROM actuals WHERE is_demo)
                             AND NOT EXISTS (SELECT 1 FROM actuals y WHERE y.target_id = actuals.target_id
                                 AND y.agency_id = actuals.agency_id AND y.period = actuals.period
                                 AND y.category IS NOT DISTINCT FROM actuals.category AND NOT y.is_demo
                                 AND y.version > actuals.version)""")
            cur.execute("DELETE FROM withdrawals WHERE actual_id IN (SELECT id FROM actuals WHERE is_demo)")
            for table in ("actuals", "submissions", "audit"):
                counts[table] = cur.execute(f"SELECT count(*) FROM {table} WHERE is_demo").fetchall()[0][0]
                cur.execute(f"DELETE FROM {table} WHERE is_demo")
            return counts
        return self._retrying(work)

    def has_demo(self, slug: str | None = None) -> bool:
        sql = "SELECT count(*) FROM submissions WHERE is_demo" + (" AND plan = ?" if slug else "")
        return self._one(sql, [slug] if slug else [])[0] > 0

    # -- reading actuals ---------------------------------------------------------------------

    def reports(self, slug: str, period_codes: list[str], code: str | None = None) -> dict[tuple[str, str], list[Report]]:
        """(target code, period) -> every agency's current value (of one target, when `code` is given),
        the whole first, then its categories (Report.category)."""
        if not period_codes:
            return {}
        one = " AND t.code = ?" if code is not None else ""
        rows = self.con.execute(f"""
            SELECT t.code, x.period, a.name, x.value, x.text_value, x.numerator, x.denominator, x.submission_id, x.category
            FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
            WHERE t.plan = ? AND x.period IN ({','.join('?' * len(period_codes))}) AND x.superseded_at IS NULL{one}
            ORDER BY t.position, a.name, x.category NULLS FIRST""",
                                [slug] + list(period_codes) + ([code] if code is not None else [])).fetchall()
        out: dict[tuple[str, str], list[Report]] = {}
        for code, period, *report in rows:
            out.setdefault((code, period), []).append(Report(*report))
        return out

    def figure_inputs(self, slug: str, period_codes: list[str], list_up_to: int = 200,
                      codes: list[str] | None = None) -> dict[tuple[str, str, str | None], Inputs]:
        """(target code, period, category) -> what its plan-level figure is formed from (docs/status-rules.md;
        category None: the whole, else one category of a disaggregated target), aggregated here so
        that thousands of reporting communes cost one grouped query; the reports themselves come
        along only for groups of at most `list_up_to` agencies."""
        inputs = self.figure_inputs_of([(slug, c) for c in codes] if codes else [(slug, None)], period_codes, list_up_to)
        return {key[1:]: value for key, value in inputs.items()}

    def figure_inputs_of(self, targets: list[tuple[str, str | None]], period_codes: list[str], list_up_to: int = 200
                         ) -> dict[tuple, Inputs]:
        """figure_inputs for (plan, code) pairs of several plans at once (code None: every target of
        the plan), keyed (plan, code, period, category)."""
        if not period_codes or not targets:
            return {}
        marks = ",".join("?" * len(period_codes))
        whole = [p for p, c in targets if c is None]
        pairs = [f"{p}{_SEP}{c}" for p, c in targets if c is not None]  # (plan, code) as one key, both databases
        # the targets asked for are chosen first (a few hundred rows), then joined to the values; a
        # target without a lead agency has no plan-level figure
        chosen = """SELECT id, plan, code FROM targets
                    WHERE (plan = ANY(?) OR plan || chr(31) || code = ANY(?))
                      AND id IN (SELECT target_id FROM responsibilities WHERE role = 'lead')"""
        facts = f"FROM actuals x JOIN ({chosen}) t ON t.id = x.target_id"
        where = f"WHERE x.period IN ({marks}) AND x.superseded_at IS NULL"
        params = [whole, pairs] + list(period_codes)
        # every report's share summed per group by the target's number (on PostgreSQL from the covering
        # index alone, migration 9); then, per group, the plan and code and the lead agency's own report,
        # found by its key. One statement: the sums and the lead's report come from one snapshot.
        rows = self.con.execute(f"""
            SELECT t.plan, t.code, g.period, g.category, a.name, l.value, l.text_value, l.numerator, l.denominator,
                   l.submission_id, g.n_ratio, g.s_num, g.s_den, g.n_value, g.s_value, g.n
            FROM (SELECT x.target_id, x.period, x.category,
                   count(*) FILTER (WHERE x.numerator IS NOT NULL AND x.denominator > 0) AS n_ratio,
                   coalesce(sum(x.numerator) FILTER (WHERE x.numerator IS NOT NULL AND x.denominator > 0), 0) AS s_num,
                   coalesce(sum(x.denominator) FILTER (WHERE x.numerator IS NOT NULL AND x.denominator > 0), 0) AS s_den,
                   count(x.value) AS n_value, coalesce(sum(x.value), 0) AS s_value, count(*) AS n
                  FROM actuals x WHERE x.target_id IN (SELECT id FROM ({chosen}) c) AND x.period IN ({marks})
                   AND x.superseded_at IS NULL
                  GROUP BY x.target_id, x.period, x.category) g
            JOIN targets t ON t.id = g.target_id
            JOIN (SELECT target_id, min(agency_id) AS agency_id FROM responsibilities WHERE role = 'lead'
                  GROUP BY target_id) r ON r.target_id = g.target_id
            LEFT JOIN actuals l ON l.target_id = g.target_id AND l.period = g.period AND l.agency_id = r.agency_id
                 AND l.category IS NOT DISTINCT FROM g.category AND l.superseded_at IS NULL
            LEFT JOIN agencies a ON a.id = l.agency_id""", params).fetchall()
        # the reports themselves, only for the groups small enough to list (a second, narrow query:
        # listing every group first and dropping the large ones cost more than the sums)
        small = sorted({f"{r[0]}{_SEP}{r[1]}{_SEP}{r[2]}" for r in rows if r[15] <= list_up_to})
        listed: dict[tuple, list[Report]] = {}
        if small:
            for plan, code, period, category, *report in self.con.execute(f"""
                    SELECT t.plan, t.code, x.period, x.category, a.name, x.value, x.text_value, x.numerator,
                           x.denominator, x.submission_id, x.category
                    {facts} JOIN agencies a ON a.id = x.agency_id {where} AND t.plan || chr(31) || t.code || chr(31) || x.period = ANY(?) ORDER BY a.name""",
                    params + [small]).fetchall():
                listed.setdefault((plan, code, period, category), []).append(Report(*report))
        out = {}
        for (plan, code, period, category, l_agency, l_value, l_text, l_num, l_den, l_sub, n_ratio, s_num, s_den,
             n_value, s_value, _n) in rows:
            key = (plan, code, period, category)
            lead = (Report(l_agency, l_value, l_text, l_num, l_den, l_sub, category)
                    if l_agency is not None and (l_value is not None or l_text) else None)
            reports = listed.get(key, [])
            out[key] = Inputs(
                lead, n_ratio, s_num, s_den, n_value, s_value,
                tuple(r for r in reports if r.numerator is not None and r.denominator),
                tuple(r for r in reports if r.value is not None))
        return out

    def indicator_link_counts(self) -> dict[str, int]:
        """indicator code -> how many active targets of the loaded plans link to it."""
        return dict(self.con.execute("""SELECT indicator, count(*) FROM targets WHERE active AND indicator IS NOT NULL
                                        GROUP BY indicator""").fetchall())

    def plans_of_scope(self, scope: str) -> list[str]:
        """Slugs of every plan of a reporting scope, oldest first (a scope's series of plans)."""
        return [r[0] for r in self.con.execute(
            "SELECT slug FROM plans WHERE scope = ? ORDER BY start_year, end_year, slug", [scope]).fetchall()]

    def plans_covering(self, scope: str, year: int, exclude: str | None = None) -> list[str]:
        """Slugs of the plans of a reporting scope whose span includes `year` (yearly plans first)."""
        return [r[0] for r in self.con.execute(
            """SELECT slug FROM plans WHERE scope = ? AND start_year <= ? AND end_year >= ? AND slug IS DISTINCT FROM ?
               ORDER BY end_year - start_year, slug""", [scope, year, year, exclude]).fetchall()]

    def periods_with_data(self, slug: str) -> list[str]:
        rows = self.con.execute("""SELECT DISTINCT x.period FROM actuals x JOIN targets t ON t.id = x.target_id
                                   WHERE t.plan = ? AND x.superseded_at IS NULL""", [slug]).fetchall()
        return sorted((r[0] for r in rows), key=periods.sort_key)

    def submissions(self, slug: str, period: str | None = None) -> list[dict]:
        sql = """SELECT s.id, s.plan, a.name AS agency, s.period, s.file_name, s.checksum, s.received_at,
                        s.submitted_by, s.source, s.is_demo, s.rows_new, s.rows_changed, s.rows_unchanged
                 FROM submissions s LEFT JOIN agencies a ON a.id = s.agency_id WHERE s.plan = ?"""
        params: list = [slug]
        if period:
            sql += " AND s.period = ?"
            params.append(period)
        return self._rows(sql + " ORDER BY s.received_at, s.id", params)

    def receipts(self, slug: str) -> dict[tuple[str, str], Receipt]:
        """(agency, period) -> what came in (reporting.Receipt), grouped here: what the expected
        reports are judged from, without carrying every submission record into Python."""
        rows = self.con.execute(_RECEIPTS[self.dialect], [slug]).fetchall()
        return {(r[0], r[1]): Receipt(*r[2:]) for r in rows}

    def history(self, slug: str, code: str) -> list[dict]:
        """Every version of every agency's value for a target, newest first, with its submission (and
        the agency it was submitted for: a compilation's unit rows belong to the compiling agency)
        and, for a withdrawn version, the withdrawal (reason, who, when)."""
        return self._rows("""
            SELECT x.period, a.name AS agency, x.version, x.value, x.text_value, x.numerator, x.denominator,
                   x.note, x.recorded_at, x.recorded_by, x.superseded_at, x.is_demo,
                   s.id AS submission_id, s.file_name, s.checksum, s.received_at, s.source, x.category,
                   sa.name AS submitted_for, w.reason AS withdrawn_reason, w.withdrawn_by, w.withdrawn_at
            FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
            JOIN submissions s ON s.id = x.submission_id LEFT JOIN agencies sa ON sa.id = s.agency_id
            LEFT JOIN withdrawals w ON w.actual_id = x.id
            WHERE t.plan = ? AND t.code = ?
            ORDER BY left(x.period, 4), length(x.period) DESC, a.name, x.category NULLS FIRST, x.version DESC""", [slug, code])

    def audit_trail(self, limit: int = 1000, *, plan: str | None = None, actor: str | None = None,
                    action: str | None = None, since: datetime | None = None, until: datetime | None = None,
                    text: str | None = None) -> list[dict]:
        """The audit trail, newest first, filtered (every filter optional; values only as parameters)."""
        where, params = [], []
        for column, value in (("plan", plan), ("actor", actor)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if action:
            where.append("starts_with(action, ?)")
            params.append(action)
        if since:
            where.append('"at" >= ?')
            params.append(since)
        if until:
            where.append('"at" < ?')
            params.append(until)
        if text:
            where.append("(strpos(coalesce(entity_key, ''), ?) > 0 OR strpos(coalesce(old_value, ''), ?) > 0"
                         " OR strpos(coalesce(new_value, ''), ?) > 0)")
            params += [text, text, text]
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
        return self._rows(sql + ' ORDER BY "at" DESC, id DESC LIMIT ?', params + [limit])

    # -- accounts and settings ---------------------------------------------------------------

    USER_FIELDS = ("display_name", "role", "password_hash", "disabled", "failed", "locked_until", "last_login_at",
                   "sessions_valid_from")

    def user(self, name: str) -> dict | None:
        rows = self._rows("SELECT * FROM users WHERE name = ?", [name])
        if not rows:
            return None
        user = rows[0]
        user["agencies"] = [(r[0], r[1]) for r in self.con.execute(
            "SELECT plan, agency FROM user_agencies WHERE name = ? ORDER BY plan, agency", [name]).fetchall()]
        return user

    def users(self) -> list[dict]:
        rows = self._rows("SELECT * FROM users ORDER BY name")
        links: dict[str, list] = {}
        for name, plan, agency in self.con.execute("SELECT name, plan, agency FROM user_agencies ORDER BY 2, 3").fetchall():
            links.setdefault(name, []).append((plan, agency))
        for r in rows:
            r["agencies"] = links.get(r["name"], [])
        return rows

    def add_user(self, name: str, role: str, password_hash: str | None, *, actor: str, display_name: str = "",
                 source: str = "local") -> None:
        def work(cur):
            if cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchall()[0][0]:
                raise UsageError(f"Tài khoản \"{name}\" đã có.", "Chọn tên khác, hoặc đặt lại mật khẩu cho tài khoản này.")
            cur.execute("INSERT INTO users (name, display_name, role, password_hash, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        [name, display_name or name, role, password_hash, source, now_local()])
            self._audit(cur, actor, "user.create", None, "user", name, None, json.dumps({"role": role}), None, False)
        self._retrying(work)

    def update_user(self, name: str, *, actor: str | None = None, action: str = "user.update", **fields) -> None:
        """Change an account; `actor` given -> the change is written to the audit trail (never the hash)."""
        unknown = set(fields) - set(self.USER_FIELDS)
        if unknown:
            raise ValueError(f"unknown user fields {unknown}")

        def work(cur):
            sets = ", ".join(f"{k} = ?" for k in fields)
            cur.execute(f"UPDATE users SET {sets} WHERE name = ?", list(fields.values()) + [name])
            if actor:
                shown = {k: (str(v) if k != "password_hash" else "***") for k, v in fields.items()}
                self._audit(cur, actor, action, None, "user", name, None, json.dumps(shown, ensure_ascii=False), None, False)
        self._retrying(work)

    def reserve_sign_in(self, name: str, *, now: datetime, limit: int, lock_until: datetime) -> dict:
        """Count a sign-in attempt BEFORE its password is checked, atomically (one UPDATE … RETURNING
        under the write lock), so that parallel attempts cannot check more than `limit` passwords
        between two successes. Returns {"state": ...}:
        "unknown" (no such local account with a password), "disabled", "locked" (with
        "locked_until"; also when this attempt is past the limit: the account is locked now, and the
        password is not to be checked), or "reserved" (with "failed": this attempt's number, and
        "password_hash"). An expired lock starts the count again."""
        def work(cur):
            rows = cur.execute("""
                UPDATE users SET failed = CASE WHEN locked_until <= ? THEN 1 ELSE failed + 1 END,
                                 locked_until = CASE WHEN locked_until <= ? THEN NULL ELSE locked_until END
                WHERE name = ? AND source = 'local' AND password_hash IS NOT NULL AND NOT disabled
                  AND (locked_until IS NULL OR locked_until <= ?)
                RETURNING name, failed, password_hash""", [now, now, name, now]).fetchall()
            if not rows:
                row = cur.execute("SELECT name, source, password_hash, disabled, locked_until FROM users WHERE name = ?",
                                  [name]).fetchall()
                if not row or row[0][1] != "local" or not row[0][2]:
                    return {"state": "unknown"}
                if row[0][3]:
                    return {"state": "disabled", "name": row[0][0]}
                return {"state": "locked", "name": row[0][0], "locked_until": row[0][4]}
            found, failed, password_hash = rows[0]
            if failed > limit:  # parallel attempts past the limit: lock now, check nothing
                self._lock(cur, found, lock_until)
                return {"state": "locked", "name": found, "locked_until": lock_until}
            return {"state": "reserved", "name": found, "failed": failed, "password_hash": password_hash}
        return self._retrying(work)

    def lock_user(self, name: str, *, until: datetime, now: datetime) -> bool:
        """Lock an account after too many failed sign-ins (unless it already is); True if locked now."""
        def work(cur):
            held = cur.execute("SELECT count(*) FROM users WHERE name = ? AND locked_until > ?", [name, now]).fetchall()[0][0]
            if not held:
                self._lock(cur, name, until)
            return not held
        return self._retrying(work)

    def _lock(self, cur, name: str, until: datetime) -> None:
        cur.execute("UPDATE users SET failed = 0, locked_until = ? WHERE name = ?", [until, name])
        self._audit(cur, name, "user.locked", None, "user", name, None,
                    json.dumps({"failed": "0", "locked_until": str(until)}), None, False)

    # -- sign-in sessions (docs/sessions.md); the rules live in indicators/accounts.py --------------

    def add_session(self, token_hash: str, kind: str, name: str, *, created_at: datetime, expires_at: datetime,
                    user_agent: str | None = None) -> None:
        def work(cur):
            cur.execute("""INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash)
                           DO UPDATE SET kind = excluded.kind, name = excluded.name, created_at = excluded.created_at,
                           last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at,
                           user_agent = excluded.user_agent""",
                        [token_hash, kind, name, created_at, created_at, expires_at, user_agent])
        self._retrying(work)

    def session(self, token_hash: str, kind: str = "session") -> dict | None:
        rows = self._rows("SELECT * FROM sessions WHERE token_hash = ? AND kind = ?", [token_hash, kind])
        return rows[0] if rows else None

    def take_session(self, token_hash: str, kind: str = "ticket") -> dict | None:
        """Remove and return a row in one step (a ticket is used once, even by two requests at once)."""
        def work(cur):
            cur.execute("DELETE FROM sessions WHERE token_hash = ? AND kind = ? RETURNING *", [token_hash, kind])
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            return dict(zip(names, rows[0])) if rows else None
        return self._retrying(work)

    def touch_session(self, token_hash: str, *, seen_at: datetime, expires_at: datetime) -> None:
        def work(cur):
            cur.execute("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
                        [seen_at, expires_at, token_hash])
        self._retrying(work)

    def end_session(self, token_hash: str) -> None:
        self._retrying(lambda cur: cur.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash]))

    def end_sessions(self, name: str) -> int:
        """End every session and ticket of an account; returns how many."""
        def work(cur):
            cur.execute("DELETE FROM sessions WHERE name = ? RETURNING token_hash", [name])
            return len(cur.fetchall())
        return self._retrying(work)

    def end_expired_sessions(self, now: datetime) -> int:
        """Forget sessions and tickets past their expiry (run at every sign-in: the table stays small)."""
        def work(cur):
            cur.execute("DELETE FROM sessions WHERE expires_at < ? RETURNING token_hash", [now])
            return len(cur.fetchall())
        return self._retrying(work)

    def set_user_agencies(self, name: str, pairs: list[tuple[str, str]], *, actor: str) -> None:
        def work(cur):
            old = cur.execute("SELECT plan, agency FROM user_agencies WHERE name = ? ORDER BY 1, 2", [name]).fetchall()
            cur.execute("DELETE FROM user_agencies WHERE name = ?", [name])
            for plan, agency in dict.fromkeys(pairs):
                cur.execute("INSERT INTO user_agencies VALUES (?, ?, ?)", [name, plan, agency])
            self._audit(cur, actor, "user.agencies", None, "user", name, json.dumps(old, ensure_ascii=False),
                        json.dumps(sorted(set(pairs)), ensure_ascii=False), None, False)
        self._retrying(work)

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM app_settings WHERE key = ?", [key])
        return row[0] if row else default

    def secret(self, name: str) -> bytes:
        """A random 32-byte key kept in the store, made on first use; never written to the audit
        trail (it signs report templates: indicators/signing.py)."""
        import secrets

        key = f"secret.{name}"
        found = self.setting(key)
        if found is None:
            with self._write_lock, self.transaction(write=True) as cur:
                found = self.setting(key)  # another thread (or app server) made it meanwhile
                if found is None:
                    found = secrets.token_hex(32)
                    cur.execute("INSERT INTO app_settings VALUES (?, ?)", [key, found])
        return bytes.fromhex(found)

    def set_setting(self, key: str, value: str, *, actor: str) -> None:
        def work(cur):
            old = cur.execute("SELECT value FROM app_settings WHERE key = ?", [key]).fetchall()
            cur.execute("DELETE FROM app_settings WHERE key = ?", [key])
            cur.execute("INSERT INTO app_settings VALUES (?, ?)", [key, value])
            self._audit(cur, actor, "setting.change", None, "setting", key, old[0][0] if old else None, value, None, False)
        self._retrying(work)

    # -- backup and restore ------------------------------------------------------------------

    def tables(self) -> list[str]:
        """The product's own tables (of the schema at this database's version), in name order: never a
        view or another table someone added beside them."""
        version = self.schema_version()
        ours = self.schema_at(version) if version else {}
        return [t for t in self._all_tables() if t in ours]

    def _all_tables(self, views: bool = False) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            + ("" if views else "AND table_type = 'BASE TABLE' ") + "ORDER BY 1").fetchall()]

    def backup(self, directory: Path, *, actor: str) -> dict:
        """Every table as Parquet (readable by any tool, whatever DuckDB version) plus a manifest."""
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            # a consistent picture: no write lands halfway through (on PostgreSQL the write lock of
            # every app server is held, and the tables are read in one transaction)
            with self._write_lock, self.transaction(write=True) as cur:
                counts = {}
                version = self.schema_version()
                for table in self.tables():
                    target = directory / f"{table}.parquet"
                    if self._pg is None:
                        cur.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(target)}' (FORMAT PARQUET)")
                        counts[table] = self._one(f"SELECT count(*) FROM {table}")[0]
                    else:  # the same Parquet files, written by an in-memory DuckDB from the rows
                        columns, rows = self._read_table(cur, table)
                        with _scratch() as scratch:
                            scratch.register("rows_in", _arrow(self.schema_at(version)[table], columns, rows))
                            scratch.execute(f"COPY (SELECT * FROM rows_in) TO '{_sql_path(target)}' (FORMAT PARQUET)")
                        counts[table] = len(rows)
                manifest = {"format": "indicators-backup", "schema_version": version,
                            "created_at": now_local().isoformat(), "tables": counts}
                (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                         encoding="utf-8")
        except (OSError, duckdb.IOException):
            raise UsageError(f"Không ghi được bản sao lưu vào {directory}.",
                             "Chọn thư mục có quyền ghi và còn chỗ trên đĩa.") from None
        self._retrying(lambda cur: self._audit(cur, actor, "backup", None, "database", str(directory), None,
                                               json.dumps(counts), None, False))
        return manifest

    @staticmethod
    def _read_table(cur, table: str) -> tuple[list[str], list[tuple]]:
        """A whole table: its column names (in order) and rows."""
        cur.execute(f"SELECT * FROM {table}")
        return [d[0] for d in cur.description], cur.fetchall()

    _schemas: dict[int, dict[str, dict[str, str]]] = {}  # schema version -> table -> column -> type

    @classmethod
    def schema_at(cls, version: int) -> dict[str, dict[str, str]]:
        """Table -> {column: type} of the schema at `version`, built from the migrations in memory."""
        if version not in cls._schemas:
            with _scratch() as con:
                con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
                for statements in MIGRATIONS[:version]:
                    for sql in statements:
                        if _runs_on(sql, "duckdb"):
                            con.execute(sql)
                names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                                   "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
                cls._schemas[version] = {t: {r[0]: r[1] for r in con.execute(f"DESCRIBE {t}").fetchall()} for t in names}
        return cls._schemas[version]

    @staticmethod
    def read_manifest(directory: Path) -> dict:
        """A backup's manifest.json, checked for shape (format, integer schema version and row counts);
        refused in Vietnamese otherwise."""
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise UsageError(f"Thư mục {directory} không phải bản sao lưu (thiếu manifest.json).",
                             "Chọn thư mục do lệnh `backup` tạo ra.")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            raise UsageError(f"Tệp {manifest_path} bị hỏng (không phải JSON).", "Chọn một bản sao lưu khác.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != "indicators-backup":
            raise UsageError(f"Tệp {manifest_path} không phải của bản sao lưu hệ thống.", "Chọn thư mục do lệnh `backup` tạo ra.")

        def malformed(what: str) -> UsageError:
            return UsageError(f"Tệp {manifest_path} sai định dạng: {what}; không khôi phục gì.",
                              "Bản sao lưu bị sửa hoặc hỏng; chọn một bản sao lưu khác.")
        version = manifest.get("schema_version")
        if type(version) is not int or version < 1:
            raise malformed("\"schema_version\" phải là một số nguyên dương")
        if version > SCHEMA_VERSION:
            raise UsageError(f"Bản sao lưu có lược đồ phiên bản {version}, mới hơn phần mềm ({SCHEMA_VERSION}).",
                             "Cập nhật phần mềm trước khi khôi phục.")
        if not isinstance(manifest.get("created_at"), str):
            raise malformed("thiếu thời điểm sao lưu \"created_at\"")
        tables = manifest.get("tables")
        if not isinstance(tables, dict) or not tables:
            raise malformed("\"tables\" phải liệt kê các bảng kèm số dòng")
        for table, count in tables.items():
            if type(count) is not int or count < 0:
                raise malformed(f"số dòng của bảng \"{table}\" phải là số nguyên không âm (đang là {json.dumps(count)})")
        return manifest

    def check_backup(self, directory: Path) -> dict:
        """Check a backup completely without changing anything: its manifest lists exactly the tables of
        its schema version (plain names, nothing outside the folder), and each table's Parquet file
        reads, has that table's columns and types, and the row count the manifest says."""
        directory = Path(directory)
        manifest = self.read_manifest(directory)
        version, listed = manifest["schema_version"], manifest["tables"]
        expected = self.schema_at(version)
        for table in listed:
            if not (table.isascii() and table.replace("_", "").isalpha() and table.islower()):
                raise UsageError(f"manifest.json ghi tên bảng \"{table}\" không hợp lệ (chỉ được là tên một bảng của hệ "
                                 "thống, không có \"/\", \"..\" hay đường dẫn); không khôi phục gì.",
                                 "Bản sao lưu bị sửa hoặc hỏng; chọn một bản sao lưu khác.")
            if table not in expected:
                raise UsageError(f"manifest.json ghi bảng \"{table}\", không có trong lược đồ phiên bản {version}; "
                                 "không khôi phục gì.", "Bản sao lưu bị sửa hoặc hỏng; chọn một bản sao lưu khác.")
        missing = [t for t in expected if t not in listed]
        if missing:
            raise UsageError(f"manifest.json thiếu {len(missing)} bảng ({', '.join(missing)}): khôi phục một phần sẽ làm "
                             "mất dữ liệu của các bảng khác nên không khôi phục gì.",
                             "Chọn một bản sao lưu đầy đủ do lệnh `backup` tạo ra.")
        root = directory.resolve()
        with _scratch() as scratch:
            self._check_files(scratch, directory, root, listed, expected)
        return manifest

    @staticmethod
    def _check_files(con, directory: Path, root: Path, listed: dict, expected: dict) -> None:
        for table, count in listed.items():
            path = directory / f"{table}.parquet"
            if not path.is_file():
                raise UsageError(f"Bản sao lưu thiếu tệp {path.name}.", "Bản sao lưu không đầy đủ; chọn bản khác.")
            if path.resolve().parent != root:
                raise UsageError(f"Tệp {path.name} trỏ ra ngoài thư mục sao lưu; không khôi phục gì.",
                                 "Chọn một bản sao lưu do lệnh `backup` tạo ra (không chứa liên kết).")
            source = f"read_parquet('{_sql_path(path)}')"
            try:
                columns = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
                got = con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0]
            except duckdb.Error:
                raise UsageError(f"Tệp {path.name} trong bản sao lưu bị hỏng.", "Chọn một bản sao lưu khác.") from None
            want = expected[table]
            if columns != want:
                wrong = [f"thiếu cột {', '.join(c for c in want if c not in columns)}"] if set(want) - set(columns) else []
                wrong += [f"thừa cột {', '.join(c for c in columns if c not in want)}"] if set(columns) - set(want) else []
                wrong += [f"cột {c} có kiểu {columns[c]} thay vì {t}" for c, t in want.items() if c in columns and columns[c] != t]
                raise UsageError(f"Tệp {path.name} không khớp với bảng {table} ({'; '.join(wrong)}): có thể là tệp của "
                                 "bảng khác hoặc bị sửa, nên không khôi phục gì.", "Chọn một bản sao lưu khác.")
            if got != count:
                raise UsageError(f"Tệp {path.name} có {got} dòng, manifest ghi {count}.", "Bản sao lưu bị sửa hoặc hỏng.")
            for column, kind in want.items():  # a date no program can read back (year 10000) would stop every page
                if kind in ("DATE", "TIMESTAMP"):
                    wrong = con.execute(f'SELECT count(*) FROM {source} WHERE "{column}" < DATE \'0001-01-01\' '
                                        f'OR "{column}" > TIMESTAMP \'9999-12-31 23:59:59.999999\'').fetchall()[0][0]
                    if wrong:
                        raise UsageError(f"Tệp {path.name}: cột {column} có {wrong} ngày giờ ngoài khoảng năm 1–9999; "
                                         "không khôi phục gì.", "Bản sao lưu bị sửa hoặc hỏng; chọn một bản sao lưu khác.")

    def restore(self, directory: Path, *, actor: str) -> dict:
        """Replace every table with the backup's rows, in one transaction, after check_backup: all the
        tables are replaced or none (a table the backup's older schema did not have is emptied)."""
        directory = Path(directory)
        manifest = self.check_backup(directory)

        def work(cur):
            for table in self.tables():
                if table == "schema_version":  # the database keeps its own schema version
                    continue
                cur.execute(f"DELETE FROM {table}")
                if table in manifest["tables"]:
                    source = f"read_parquet('{_sql_path(directory / (table + '.parquet'))}')"
                    if self._pg is None:
                        columns = [r[0] for r in cur.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
                        names = _names(columns)
                        cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {source}")
                    else:  # read by an in-memory DuckDB, written with COPY
                        with _scratch() as scratch:
                            got = scratch.execute(f"SELECT * FROM {source}")
                            columns = [d[0] for d in got.description]
                            cur.copy_rows(table, columns, got.fetchall())
            self._restart_sequences(cur)
            for table in self.tables():  # read back before COMMIT: all the tables as the manifest says, or none
                want = manifest["tables"].get(table, 0) if table != "schema_version" else None
                if want is not None and cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] != want:
                    raise UsageError(f"Khôi phục bảng {table} không đủ {want} dòng như manifest ghi; đã hủy, dữ liệu hiện "
                                     "có giữ nguyên.", "Chọn một bản sao lưu khác.")
            self._audit(cur, actor, "restore", None, "database", str(directory), None,
                        json.dumps(manifest["tables"]), None, False)
        try:
            self._retrying(work)
        except self._constraint_errors:
            raise UsageError("Không khôi phục được: dữ liệu trong bản sao lưu vi phạm ràng buộc của cơ sở dữ liệu (trùng "
                             "khóa hoặc thiếu giá trị bắt buộc); dữ liệu hiện có giữ nguyên.",
                             "Bản sao lưu bị sửa hoặc hỏng; chọn một bản sao lưu khác.") from None
        except (self._errors, duckdb.Error):  # duckdb: the files are read by an in-memory DuckDB on PostgreSQL
            raise UsageError("Không khôi phục được: chép dữ liệu từ bản sao lưu bị lỗi giữa chừng; dữ liệu hiện có giữ "
                             "nguyên.", "Thử lại; nếu vẫn lỗi, chọn một bản sao lưu khác.") from None
        finally:
            self._forget_catalogue()
        self._after_mass_write()
        return manifest

    # -- bulk loading (synthetic datasets for benchmarks) -------------------------------------

    def ids(self, slug: str) -> tuple[dict[str, int], dict[str, int]]:
        """(target code -> id, agency name -> id) of a plan."""
        plan = self.plan(slug)
        targets = dict(self.con.execute("SELECT code, id FROM targets WHERE plan = ?", [slug]).fetchall())
        agencies = dict(self.con.execute("SELECT name, id FROM agencies WHERE scope = ?", [plan.scope]).fetchall())
        return targets, agencies

    def next_ids(self) -> dict[str, int]:
        return {t: self._one(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")[0] for t in ("submissions", "actuals")}

    def bulk_load(self, frames: dict[str, pd.DataFrame]) -> None:
        """Append whole tables' worth of rows (columns by name) in one transaction, then move the
        id sequences past them. For generated datasets; real reports go through record_submission."""
        def work(cur):
            for table, frame in frames.items():
                cur.register("bulk_frame", frame)
                try:
                    names = _names(frame.columns)
                    cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM bulk_frame")
                finally:
                    cur.unregister("bulk_frame")
            self._restart_sequences(cur, ("submissions", "actuals"))
        self._retrying(work)
        self._after_mass_write(list(frames))

    def _forget_catalogue(self) -> None:
        """Drop the parsed plans, targets and registry: the tables under them were replaced."""
        self._plan_cache.clear()
        self._targets_cache.clear()
        self._registry_cache = None

    def _after_mass_write(self, tables: list[str] | None = None) -> None:
        """PostgreSQL after many rows came in at once (`tables`; None: every table of ours): statistics
        for the planner and the visibility map for index-only scans (migration 9), at once
        (pg.Database.vacuum). DuckDB needs neither. Never raises: the rows are committed already."""
        if self._pg is not None:
            try:
                self._pg.vacuum(self.tables() if tables is None else tables)
            except (AppError, self._errors):  # the rows are in: autovacuum does the same within minutes
                pass

    _SEQUENCES = {"agencies": "agency_ids", "targets": "target_ids", "submissions": "submission_ids",
                  "actuals": "actual_ids", "audit": "audit_ids"}

    def _restart_sequences(self, cur, tables: Iterable[str] = tuple(_SEQUENCES)) -> None:
        """Move id sequences past the rows copied in (DuckDB has no setval: drop and create)."""
        for table in tables:
            seq = self._SEQUENCES[table]
            start = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchall()[0][0]
            cur.execute(f"DROP SEQUENCE {seq}")
            cur.execute(f"CREATE SEQUENCE {seq} START {int(start)}")

    # -- moving house: every table into another database (migrate --to) ----------------------------

    def copy_to(self, target: "Store") -> dict[str, dict]:
        """Copy every table of this database (catalogue, reports with their whole history, audit trail,
        accounts, sessions, settings) into `target`, a database of either kind holding no rows yet,
        in one transaction there; then count and checksum every table on both sides before it
        commits, so a copy that does not match leaves the target as it was. Returns
        table -> {"rows", "checksum"}."""
        self.migrate()
        foreign = sorted(set(target._all_tables(views=True)) - set(self.schema_at(SCHEMA_VERSION)))
        if foreign:  # checked before anything is created there
            raise UsageError(f"Cơ sở dữ liệu đích {target.path} có bảng của ứng dụng khác ({', '.join(foreign[:4])}…): "
                             "không ghi vào, chưa chép gì.", "Chọn một cơ sở dữ liệu trống dành riêng cho hệ thống.")
        target.migrate()
        if self.schema_version() != target.schema_version():
            raise UsageError(f"Hai cơ sở dữ liệu ở phiên bản lược đồ khác nhau ({self.schema_version()} và "
                             f"{target.schema_version()}).", "Cập nhật phần mềm ở cả hai nơi rồi chạy lại.")
        tables = [t for t in self.tables() if t != "schema_version"]
        filled = {t: target._one(f"SELECT count(*) FROM {t}")[0] for t in target.tables() if t != "schema_version"}
        busy = {t: n for t, n in filled.items() if n}
        if busy:
            shown = ", ".join(f"{t} ({n} dòng)" for t, n in sorted(busy.items())[:4])
            raise UsageError(f"Cơ sở dữ liệu đích {target.path} đã có dữ liệu ({shown}…): không ghi đè, chưa chép gì.",
                             "Chọn một cơ sở dữ liệu trống (PostgreSQL: CREATE DATABASE mới; DuckDB: một tệp chưa có).")
        version = self.schema_version()
        with self._write_lock, self.transaction(write=True) as src:  # a consistent picture of the source
            source = {t: self._read_table(src, t) for t in tables}
        summary = {t: {"rows": len(rows), "checksum": _checksum(rows)} for t, (_, rows) in source.items()}

        def work(cur):
            for table, (columns, rows) in source.items():
                if target._pg is not None:
                    cur.copy_rows(table, columns, rows)
                else:
                    cur.register("rows_in", _arrow(self.schema_at(version)[table], columns, rows))
                    try:
                        names = _names(columns)
                        cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM rows_in")
                    finally:
                        cur.unregister("rows_in")
            target._restart_sequences(cur)
            for table, (columns, _) in source.items():  # read back inside the transaction: all or nothing
                cur.execute(f"SELECT {_names(columns)} FROM {table}")
                copied = cur.fetchall()
                if len(copied) != summary[table]["rows"] or _checksum(copied) != summary[table]["checksum"]:
                    raise UsageError(f"Bảng {table} chép sang {target.path} không khớp (nguồn {summary[table]['rows']} "
                                     f"dòng, đích {len(copied)} dòng hoặc khác tổng kiểm): đã hủy, đích giữ nguyên.",
                                     "Chạy lại; nếu vẫn lỗi, báo nhóm phát triển kèm thông báo này.")
        target._retrying(work)
        target._after_mass_write(list(source))
        target._forget_catalogue()
        return summary

    def data_version(self) -> tuple:
        """Changes whenever a submission or a catalogue load lands: the key page caches hang on. On
        PostgreSQL another app server may have loaded a catalogue: the parsed plans are dropped then."""
        version = tuple(self.con.execute(
            "SELECT (SELECT count(*) FROM submissions), (SELECT max(id) FROM submissions),"
            " (SELECT count(*) FROM actuals), (SELECT max(loaded_at) FROM plans),"
            " (SELECT max(loaded_at) FROM registry), (SELECT count(*) FROM approvals),"
            " (SELECT count(*) FROM withdrawals)").fetchall()[0])
        catalogue = version[3:5]  # load times to the microsecond (_load_time): any load, or a restore, moves them
        if self._pg is not None and catalogue != self._catalogue_seen:
            self._forget_catalogue()
        self._catalogue_seen = catalogue
        return version
