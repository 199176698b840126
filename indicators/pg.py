"""PostgreSQL, the shared store for several app servers (issue 17): the only module that imports
psycopg (docs/postgresql.md).

- `connect(url)` opens a server named by `postgresql://…`, refusing in Vietnamese what a person can
  meet (unreachable, wrong password, missing database, old server, another application's tables).
- `Database(url)` is what indicators/store.py runs its SQL on: a psycopg pool, a cursor per thread
  that answers like a DuckDB cursor (`execute(sql, params).fetchall()`, `description`, `register`
  of a pandas frame as a table), transactions that hold one pooled connection, and a write lock in
  the database itself so that writers on several app servers wait for each other as threads of one
  process do.
- `translate(sql)` is the one place where the store's SQL (written once, in the forms both databases
  share) becomes PostgreSQL's: `?` placeholders, `DOUBLE`, `json_object`, the Vietnamese collation.

A URL's password never appears in a message: `where(url)` names user, host, port and database."""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import unquote

from indicators.errors import UsageError

MIN_SERVER_VERSION = 14  # the oldest PostgreSQL release still supported by its project at the time of writing
CONNECT_SECONDS = 5
POOL_MAX = int(os.environ.get("INDICATORS_PG_POOL", "10"))  # connections per app server
POOL_WAIT_SECONDS = 10  # a page waiting longer for a connection is told the server cannot be reached
LOCK_WAIT_SECONDS = 30  # a writer waiting longer for the write lock is told the database is busy
IDLE_IN_TRANSACTION_SECONDS = 60  # a transaction whose app server stopped answering is ended after this
OUR_TABLES = {"schema_version", "plans", "targets", "actuals", "submissions", "audit"}  # present in every version


class DatabaseUnavailable(UsageError):
    """The PostgreSQL server named cannot be used; nothing was written. Exit 2, as a wrong --db."""


def where(url: str) -> str:
    """'chiso@127.0.0.1:5432/chiso': never the password, whatever the address looks like (several
    hosts, a host in the query, characters that break the port)."""
    from urllib.parse import parse_qs

    # split by hand at the LAST "@": a password may hold "/", "?", "#" or "@" unencoded, which would
    # move a URL parser's boundaries and put part of the password in the host or the database name
    credentials, _, rest = url.split("://", 1)[-1].rpartition("@")
    user = unquote(credentials.split(":", 1)[0])
    rest, _, query = rest.partition("?")
    hosts, _, db = rest.partition("/")
    asked = parse_qs(query)
    if "host" in asked:
        hosts = asked["host"][0] + (f":{asked['port'][0]}" if "port" in asked else "")
    hosts = hosts or "localhost"
    if "," not in hosts and ":" not in hosts.rsplit("]", 1)[-1]:
        hosts += ":5432"
    return f"{user + '@' if user else ''}{hosts}/{unquote(db.split('#')[0]) or user}"


def normalised(url: str) -> str:
    """The address with its scheme as libpq reads it ("PostgreSQL://" and "postgres://" are accepted)."""
    return "postgresql://" + url.split("://", 1)[1]


def connect(url: str, *, min_version: int = MIN_SERVER_VERSION):
    """An open psycopg connection to `url`, after checking: reachable, signed in, a server recent
    enough, and a database that is empty or ours. Each refusal is a DatabaseUnavailable with what,
    where and how to fix it; nothing is created or written on the server."""
    import psycopg

    place = where(url)
    try:
        con = psycopg.connect(normalised(url), connect_timeout=CONNECT_SECONDS, application_name="chi-so-tre-em")
    except psycopg.OperationalError as exc:
        raise _refusal(str(exc), place) from None
    except (psycopg.ProgrammingError, ValueError):  # a malformed URL: libpq's text would quote the password
        raise DatabaseUnavailable(f"Địa chỉ PostgreSQL không hợp lệ ({place}).",
                                  "Viết theo mẫu postgresql://tên@máy-chủ:5432/tên-cơ-sở-dữ-liệu; ký tự đặc biệt trong mật "
                                  "khẩu (% # / ? @ :) phải viết dạng %XX, hoặc để mật khẩu trong biến PGPASSWORD hay tệp "
                                  "~/.pgpass thay vì trong địa chỉ.") from None
    try:
        version = con.info.server_version // 10000
        if version < min_version:
            raise DatabaseUnavailable(
                f"Máy chủ PostgreSQL {place} là phiên bản {version}; phần mềm cần phiên bản {min_version} trở lên.",
                "Nâng cấp máy chủ PostgreSQL, hoặc dùng một máy chủ mới hơn.")
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}
        if tables and not OUR_TABLES <= tables:
            others = ", ".join(sorted(tables - OUR_TABLES)[:5])
            raise DatabaseUnavailable(
                f"Cơ sở dữ liệu {place} đã có bảng của một ứng dụng khác ({others}…), không phải của hệ thống này.",
                "Tạo một cơ sở dữ liệu trống riêng cho hệ thống (CREATE DATABASE …) rồi trỏ địa chỉ vào đó; "
                "không ghi gì vào cơ sở dữ liệu này.")
    except BaseException:
        con.close()
        raise
    return con


def _refusal(text: str, place: str) -> DatabaseUnavailable:
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return DatabaseUnavailable(f"Máy chủ PostgreSQL {place} từ chối đăng nhập: sai tên hoặc mật khẩu.",
                                   "Kiểm tra tên và mật khẩu trong địa chỉ postgresql://… (INDICATORS_DB hoặc --db).")
    if "does not exist" in low and "database" in low:
        return DatabaseUnavailable(f"Máy chủ PostgreSQL {place}: chưa có cơ sở dữ liệu này.",
                                   "Quản trị máy chủ tạo nó trước (CREATE DATABASE … OWNER …), hoặc sửa tên trong địa chỉ.")
    if "does not exist" in low and "role" in low:
        return DatabaseUnavailable(f"Máy chủ PostgreSQL {place}: không có người dùng này.",
                                   "Kiểm tra tên người dùng trong địa chỉ, hoặc nhờ quản trị máy chủ tạo (CREATE ROLE …).")
    if "timeout" in low or "refused" in low or "could not translate host name" in low or "no route" in low \
            or "connection to server" in low:
        return DatabaseUnavailable(f"Không kết nối được máy chủ PostgreSQL {place} (máy chủ không chạy, sai địa chỉ "
                                   "hoặc cổng, hay bị tường lửa chặn).",
                                   "Kiểm tra máy chủ đang chạy (systemctl status postgresql), địa chỉ và cổng, rồi chạy lại.")
    return DatabaseUnavailable(f"Không mở được cơ sở dữ liệu PostgreSQL {place}.",
                               "Kiểm tra địa chỉ postgresql://…, rồi chạy lại; báo quản trị máy chủ nếu vẫn lỗi.")


# -- the store's SQL on PostgreSQL -------------------------------------------------------------------

_TOKENS = re.compile(r"""('(?:[^']|'')*'|"[^"]*")|(\?)|(%)""")


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """The store's SQL (DuckDB spelling of the forms both share) in PostgreSQL's: `?` -> `%s` and a
    literal `%` -> `%%` outside quotes (psycopg's placeholders), `DOUBLE` -> `DOUBLE PRECISION`,
    `json_object(` -> `json_build_object(`, `COLLATE vi` -> ICU's Vietnamese collation."""
    out = _TOKENS.sub(lambda m: m.group(1) or ("%s" if m.group(2) else "%%"), sql)
    out = re.sub(r"\bDOUBLE\b(?!\s+PRECISION)", "DOUBLE PRECISION", out)
    out = out.replace("json_object(", "json_build_object(")
    return re.sub(r"\bCOLLATE vi\b", 'COLLATE "vi-x-icu"', out)


def _pg_type(series) -> str:
    """The column type of a temporary table holding a pandas column."""
    import datetime as dt

    import pandas as pd

    kind = str(series.dtype).lower()
    if kind.startswith(("int", "uint")):
        return "BIGINT"
    if kind.startswith("float"):
        return "DOUBLE PRECISION"
    if kind.startswith("bool"):
        return "BOOLEAN"
    if kind.startswith("datetime"):
        return "TIMESTAMP"
    sample = next((v for v in series if v is not None and not (isinstance(v, float) and pd.isna(v))
                   and v is not pd.NA), None)
    if isinstance(sample, bool):
        return "BOOLEAN"
    if isinstance(sample, int):
        return "BIGINT"
    if isinstance(sample, float):
        return "DOUBLE PRECISION"
    if isinstance(sample, dt.datetime):
        return "TIMESTAMP"
    if isinstance(sample, dt.date):
        return "DATE"
    return "TEXT"


def _column(series) -> list:
    """A pandas column as Python values, missing ones None (psycopg adapts Python types only)."""
    import pandas as pd

    if str(series.dtype).startswith("datetime"):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    return [None if (v is pd.NA or v is None or (isinstance(v, float) and v != v)) else
            (v.item() if hasattr(v, "item") else v) for v in series.astype(object)]


class Cursor:
    """A DuckDB-like cursor: `execute` runs one statement (on this thread's transaction when one is
    open, else on a pooled connection in autocommit) and keeps its rows, so `fetchall()` and
    `description` answer after the connection went back to the pool."""

    def __init__(self, db: "Database", conn=None):
        self._db, self._conn = db, conn
        self.description: list[tuple] | None = None
        self._rows: list[tuple] = []

    def execute(self, sql: str, params: Iterable = ()) -> "Cursor":
        conn = self._conn or self._db.bound()
        if conn is not None:
            self._run(conn, sql, params)
        else:
            with self._db.connection() as pooled:
                self._run(pooled, sql, params)
        return self

    def _run(self, conn, sql: str, params: Iterable) -> None:
        params = list(params)
        _no_nul(params)
        with _translated(self._db.place):
            cur = conn.execute(translate(sql), params)
        self.description = [(c.name,) for c in cur.description] if cur.description else None
        self._rows = cur.fetchall() if cur.description else []

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def _bound(self):
        conn = self._conn or self._db.bound()
        if conn is None:
            raise RuntimeError("a temporary table needs a transaction")
        return conn

    def register(self, name: str, frame) -> None:
        """A pandas frame as a temporary table `name` of this transaction (DuckDB registers the frame
        itself; PostgreSQL gets a copy through COPY)."""
        conn = self._bound()
        columns = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in frame.columns)
        with _translated(self._db.place):
            conn.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns}) ON COMMIT DROP')
        self.copy_rows(name, list(frame.columns), zip(*(_column(frame[c]) for c in frame.columns)))

    def unregister(self, name: str) -> None:
        from psycopg.pq import TransactionStatus

        conn = self._bound()
        if conn.info.transaction_status == TransactionStatus.INERROR:
            return  # the transaction failed and rolls back: its temporary table goes with it
        with _translated(self._db.place):
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')

    def copy_rows(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        """Append rows to a table through COPY (bulk loads, restore, moving house); returns how many."""
        conn, n = self._bound(), 0
        names = ", ".join(f'"{c}"' for c in columns)
        with _translated(self._db.place), conn.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                _no_nul(row, f"bảng {table}")
                copy.write_row(row)
                n += 1
        return n


class Database:
    """A PostgreSQL database as the store uses it (checked by `connect` first)."""

    def __init__(self, url: str):
        from psycopg_pool import ConnectionPool

        connect(url).close()  # every refusal a person can meet, in Vietnamese, before the pool starts
        self.place = where(url)
        self._local = threading.local()
        # keepalives: a server (or app server) cut off by the network is noticed in about a minute
        self.pool = ConnectionPool(normalised(url), min_size=1, max_size=max(POOL_MAX, 1), open=True, name="chi-so",
                                   timeout=POOL_WAIT_SECONDS,
                                   kwargs={"autocommit": True, "application_name": "chi-so-tre-em",
                                           "connect_timeout": CONNECT_SECONDS, "keepalives": 1, "keepalives_idle": 30,
                                           "keepalives_interval": 10, "keepalives_count": 3},
                                   configure=_configure, check=ConnectionPool.check_connection)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator:
        import psycopg_pool

        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg_pool.PoolTimeout:
            raise _lost(self.place) from None

    def vacuum(self, tables) -> None:
        """VACUUM (ANALYZE) the tables after a mass write (restore, move, generated data): the planner's
        statistics, and the visibility map an index-only scan needs to skip the table's rows, at once
        rather than at autovacuum's next pass. Outside any transaction (VACUUM cannot run in one); only
        the product's own table names reach it."""
        with self.connection() as conn, _translated(self.place):
            for table in tables:
                conn.execute(f"VACUUM (ANALYZE) {table}")

    def bound(self):
        """This thread's connection while it runs a transaction, else None."""
        return getattr(self._local, "conn", None)

    def cursor(self) -> Cursor:
        return Cursor(self)

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Cursor]:
        """One pooled connection for the whole transaction; `write` first takes the database's write
        lock (pg_advisory_xact_lock on this schema): writers on every app server run one at a time,
        as the threads of one process do around a DuckDB file, so a report read as "no current
        value" cannot be written twice. The lock ends with the transaction."""
        if self.bound() is not None:
            raise RuntimeError("nested transaction")
        import psycopg

        committing = False
        with self.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    if write:
                        with _translated(self.place):
                            conn.execute("SELECT pg_advisory_xact_lock(hashtext('chi-so:' || current_schema()))")
                    yield Cursor(self, conn)
                    committing = True
            except psycopg.OperationalError as exc:
                if committing and not isinstance(exc, self.conflicts()):  # the answer to COMMIT was lost
                    raise DatabaseUnavailable(
                        f"Mất kết nối tới máy chủ PostgreSQL {self.place} đúng lúc ghi: không chắc thao tác đã được ghi.",
                        "Kiểm tra lại (lịch sử số liệu, nhật ký thay đổi) trước khi làm lại.") from None
                raise
            finally:
                self._local.conn = None

    @staticmethod
    def conflicts() -> tuple[type[BaseException], ...]:
        """Errors after which a write transaction is simply run again."""
        return _conflicts()

    @staticmethod
    def errors():
        """(any database error, a broken constraint)."""
        import psycopg

        return psycopg.Error, psycopg.IntegrityError


def _configure(conn) -> None:
    from psycopg import IsolationLevel
    from psycopg.types.string import StrDumper

    conn.adapters.register_dumper(str, StrDumper)  # text, not "unknown": unnest(?) and friends resolve
    # READ COMMITTED whatever the database's default: the write lock is taken first, and each later
    # statement must see what the writer before committed (REPEATABLE READ would keep an older picture)
    conn.isolation_level = IsolationLevel.READ_COMMITTED
    conn.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
    # a writer that stops answering (its server cut off) releases the write lock; a writer waits for
    # the lock at most LOCK_WAIT_SECONDS, then is told the database is busy
    conn.execute(f"SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION_SECONDS}s'")
    conn.execute(f"SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    # no JIT compilation: the pages' queries run in tens of milliseconds, and compiling them cost ~34 ms
    # of the national programme's overview (240 ms) whenever the planner's estimate crossed jit_above_cost
    conn.execute("SET jit = off")


def _conflicts() -> tuple[type[BaseException], ...]:
    from psycopg import errors

    return errors.SerializationFailure, errors.DeadlockDetected


@contextmanager
def _translated(place: str) -> Iterator[None]:
    """psycopg's errors a person can meet, in Vietnamese: a lost server, a write lock held too long.
    A conflict to retry passes through untouched (it is an OperationalError too)."""
    import psycopg
    from psycopg import errors

    from indicators.errors import DatabaseBusy

    try:
        yield
    except _conflicts():
        raise
    except errors.LockNotAvailable:
        raise DatabaseBusy(f"Cơ sở dữ liệu PostgreSQL {place} đang bận ghi một thao tác khác quá {LOCK_WAIT_SECONDS} giây; "
                           "chưa ghi gì.", "Thử lại sau ít phút; nếu lặp lại, báo quản trị (một máy chủ ứng dụng có "
                           "thể đang treo giữa chừng một lần ghi).") from None
    except psycopg.OperationalError as exc:
        raise _lost(place) from exc


def _no_nul(values, where: str = "") -> None:
    """PostgreSQL's text cannot hold the NUL character (DuckDB's can): refused in Vietnamese, before
    anything is written, rather than failing halfway."""
    for v in values:
        if isinstance(v, str) and "\x00" in v:
            raise UsageError("Có giá trị chứa ký tự NUL (mã 0, thường do dán từ tệp hỏng)" + (f" trong {where}" if where else "")
                             + "; PostgreSQL không lưu được ký tự này nên chưa ghi gì.",
                             "Xóa ký tự lạ trong ô hay trường đã nhập (gõ lại nội dung) rồi thử lại.")
        if isinstance(v, (list, tuple)):
            _no_nul(v, where)


def _lost(place: str) -> "DatabaseUnavailable":
    return DatabaseUnavailable(f"Mất kết nối tới máy chủ PostgreSQL {place} (máy chủ dừng, khởi động lại hoặc mạng "
                               "bị ngắt) giữa chừng; thao tác này chưa được ghi.",
                               "Chờ máy chủ chạy lại rồi thử lại; báo quản trị nếu lỗi lặp lại.")
