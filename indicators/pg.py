"""PostgreSQL, the shared store for several app servers (issue 17): the only module that imports
psycopg. Today: opening a server named by `postgresql://…` with every refusal a person can meet
said in Vietnamese (docs/postgresql.md); the store's tables and queries on PostgreSQL come next.

A URL's password never appears in a message: `where(url)` names user, host, port and database."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from indicators.errors import UsageError

MIN_SERVER_VERSION = 14  # the oldest PostgreSQL release still supported by its project at the time of writing
CONNECT_SECONDS = 5
OUR_TABLES = {"schema_version", "plans", "targets", "actuals", "submissions", "audit"}  # present in every version


class DatabaseUnavailable(UsageError):
    """The PostgreSQL server named cannot be used; nothing was written. Exit 2, as a wrong --db."""


def is_url(value) -> bool:
    return isinstance(value, str) and value.lower().startswith(("postgresql://", "postgres://"))


def where(url: str) -> str:
    """'chiso@127.0.0.1:5432/chiso' (no password)."""
    parts = urlsplit(url)
    user = unquote(parts.username or "")
    host = parts.hostname or "localhost"
    port = parts.port or 5432
    db = parts.path.lstrip("/") or user
    return f"{user + '@' if user else ''}{host}:{port}/{db}"


def connect(url: str, *, min_version: int = MIN_SERVER_VERSION):
    """An open psycopg connection to `url`, after checking: reachable, signed in, a server recent
    enough, and a database that is empty or ours. Each refusal is a DatabaseUnavailable with what,
    where and how to fix it; nothing is created or written on the server."""
    import psycopg

    place = where(url)
    try:
        con = psycopg.connect(url, connect_timeout=CONNECT_SECONDS, application_name="chi-so-tre-em")
    except psycopg.OperationalError as exc:
        raise _refusal(str(exc), place) from None
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise DatabaseUnavailable(f"Địa chỉ PostgreSQL không hợp lệ ({place}): {exc}.",
                                  "Viết theo mẫu postgresql://tên:mật-khẩu@máy-chủ:5432/tên-cơ-sở-dữ-liệu.") from None
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
