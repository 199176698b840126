"""Accounts and roles (issue 6): who may read, report for which agencies, and administer.

Roles: lãnh đạo (leader: reads everything), cán bộ báo cáo (staff: reads everything, reports only
for the agencies assigned to them), quản trị (admin: everything). Passwords are hashed with
argon2id and never stored or logged in clear. Every write is checked here, in the core, whatever
the edge (page or command line) already showed."""
from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indicators.errors import PermissionDenied, UsageError
from indicators.settings import (LOCK_AFTER_FAILURES, LOCK_MINUTES, MIN_PASSWORD_LENGTH, ROLE_LABEL, ROLES,
                                 SLOWDOWN_CAP_SECONDS, SLOWDOWN_SECONDS, now_local)

_HASHER = PasswordHasher()
OPEN_READING = "open_reading"  # app setting: "1" lets anyone read without signing in
OPERATOR = "máy chủ:"  # prefix of the name recorded when the command line runs on the server itself


def operator(os_user: str) -> str:
    """The name recorded for the server's operator (the command line run on the machine itself)."""
    return f"{OPERATOR}{os_user}"


def operator_of(actor: str) -> str | None:
    """The OS user behind an operator's recorded name, or None for an account."""
    return actor[len(OPERATOR):] if actor.startswith(OPERATOR) else None


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str = ""
    agencies: frozenset[tuple[str, str]] = frozenset()  # (plan slug, agency name)
    source: str = "local"

    @property
    def label(self) -> str:
        return f"{self.display_name or self.name} ({ROLE_LABEL[self.role]})"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_report(self, plan: str, agency: str) -> bool:
        return self.role == "admin" or (self.role == "staff" and (plan, agency) in self.agencies)

    def reportable(self, plan: str, agencies: list[str]) -> list[str]:
        return [a for a in agencies if self.may_report(plan, a)]


def _user(row: dict) -> User:
    return User(row["name"], row["role"], row.get("display_name") or "", frozenset(row.get("agencies") or ()),
                row.get("source") or "local")


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"Mật khẩu quá ngắn ({len(password)} ký tự, cần ít nhất {MIN_PASSWORD_LENGTH}).",
                         "Dùng một câu dễ nhớ, ví dụ: \"mua-xuan-son-la-2026\".")


def generate_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UsageError(f"Tên tài khoản \"{name}\" không hợp lệ.", "Dùng 1–64 ký tự, không có khoảng trắng, ví dụ: nguyen.van.a")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"Vai trò \"{role}\" không có.", "Chọn một trong: leader (lãnh đạo), staff (cán bộ báo cáo), admin (quản trị).")
    return role


def create(store, name: str, role: str, password: str | None, *, actor: str, display_name: str = "",
           agencies: list[tuple[str, str]] = (), source: str = "local") -> User:
    name, role = check_name(name), check_role(role)
    for plan, agency in agencies:
        check_agency(store, plan, agency)
    store.add_user(name, role, hash_password(password) if password is not None else None, actor=actor,
                   display_name=display_name, source=source)
    if agencies:
        store.set_user_agencies(name, list(agencies), actor=actor)
    return get(store, name)


def check_agency(store, plan: str, agency: str) -> None:
    p = store.plan(plan)  # NotFound names the known plans
    if agency not in p.all_agencies():
        raise UsageError(f"Kế hoạch {plan} không có cơ quan \"{agency}\".", "Các cơ quan: " + "; ".join(p.all_agencies()) + ".")


def get(store, name: str) -> User:
    row = store.user(name)
    if row is None:
        raise PermissionDenied(f"Không có tài khoản \"{name}\".", "Kiểm tra tên đăng nhập hoặc nhờ quản trị tạo tài khoản.")
    return _user(row)


def active(store, name: str) -> User:
    """The user, refusing an unknown or disabled account."""
    row = store.user(name)
    if row is None:
        raise PermissionDenied(f"Không có tài khoản \"{name}\".", "Kiểm tra tên đăng nhập hoặc nhờ quản trị tạo tài khoản.")
    if row["disabled"]:
        raise PermissionDenied(f"Tài khoản \"{name}\" đã bị khóa bởi quản trị.", "Liên hệ quản trị hệ thống.")
    return _user(row)


def authenticate(store, name: str, password: str, *, now: datetime | None = None, sleep=time.sleep) -> User:
    """Sign in with a built-in account. Failed attempts slow down, then lock the account for a while."""
    now = now or now_local()
    wrong = PermissionDenied("Sai tên đăng nhập hoặc mật khẩu.", "Kiểm tra lại; sau nhiều lần sai tài khoản sẽ tạm khóa.")
    row = store.user(name.strip())
    if row is None or row["source"] != "local" or not row["password_hash"]:
        sleep(SLOWDOWN_SECONDS)
        raise wrong
    if row["disabled"]:
        raise PermissionDenied(f"Tài khoản \"{row['name']}\" đã bị khóa bởi quản trị.", "Liên hệ quản trị hệ thống.")
    if row["locked_until"] and row["locked_until"] > now:
        minutes = max(1, int((row["locked_until"] - now).total_seconds() // 60) + 1)
        raise PermissionDenied(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau khoảng {minutes} phút.",
                               "Hoặc nhờ quản trị đặt lại mật khẩu.")
    try:
        _HASHER.verify(row["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        failed = row["failed"] + 1
        lock = now + timedelta(minutes=LOCK_MINUTES) if failed >= LOCK_AFTER_FAILURES else None
        store.update_user(row["name"], failed=0 if lock else failed, locked_until=lock,
                          actor=row["name"] if lock else None, action="user.locked")
        sleep(min(SLOWDOWN_CAP_SECONDS, SLOWDOWN_SECONDS * failed))
        if lock:
            raise PermissionDenied(f"Đăng nhập sai {failed} lần: tài khoản tạm khóa {LOCK_MINUTES} phút.",
                                   "Thử lại sau, hoặc nhờ quản trị đặt lại mật khẩu.") from None
        raise wrong from None
    store.update_user(row["name"], failed=0, locked_until=None, last_login_at=now)
    if _HASHER.check_needs_rehash(row["password_hash"]):
        store.update_user(row["name"], password_hash=_HASHER.hash(password))
    return _user(store.user(row["name"]))


def set_password(store, name: str, password: str, *, actor: str) -> None:
    get(store, name)
    store.update_user(name, password_hash=hash_password(password), failed=0, locked_until=None,
                      actor=actor, action="user.password")


def disable(store, name: str, *, actor: str, disabled: bool = True) -> None:
    get(store, name)
    store.update_user(name, disabled=disabled, actor=actor, action="user.disable" if disabled else "user.enable")


def require_report(store, name: str, plan: str, agency: str) -> User:
    """The check behind every write of actuals: a known, enabled account holding the agency."""
    user = active(store, name)
    if not user.may_report(plan, agency):
        if user.role == "leader":
            raise PermissionDenied(f"Tài khoản \"{name}\" (lãnh đạo) chỉ được xem, không được nộp báo cáo.",
                                   "Đăng nhập bằng tài khoản cán bộ báo cáo của cơ quan.")
        raise PermissionDenied(f"Tài khoản \"{name}\" không được giao báo cáo cho \"{agency}\" ({plan}).",
                               "Chỉ nộp báo cáo của cơ quan mình; nhờ quản trị giao thêm cơ quan nếu cần.")
    return user


def require_admin(store, name: str) -> User:
    user = active(store, name)
    if not user.is_admin:
        raise PermissionDenied(f"Tài khoản \"{name}\" không có quyền quản trị.", "Việc này cần tài khoản quản trị.")
    return user


def role_from_claims(claims: dict, mapping: dict) -> str | None:
    """Map an organisation sign-in's claims to a role. `mapping` (from secrets) names, per role,
    the claim values that grant it, e.g. {"claim": "groups", "admin": ["it"], "staff": [...], "leader": [...]};
    the strongest matching role wins; no match -> None (no access)."""
    claim = mapping.get("claim", "groups")
    values = claims.get(claim) or []
    values = {values} if isinstance(values, str) else set(values)
    for role in ("admin", "staff", "leader"):
        if values & set(mapping.get(role, [])):
            return role
    return None


def ensure_admin(store, name: str = "quantri", password: str | None = None) -> tuple[bool, str | None]:
    """Create the first administrator when there is none. Returns (created, generated password)."""
    if any(u["role"] == "admin" for u in store.users()):
        return False, None
    generated = None
    if password is None:
        password = generated = generate_password()
    create(store, name, "admin", password, actor="init", display_name="Quản trị hệ thống")
    return True, generated
