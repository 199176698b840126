"""Accounts and roles (issue 6): who may read, report for which agencies, and administer.

Roles: lãnh đạo (leader: reads everything), cán bộ báo cáo (staff: reads everything, reports only
for the agencies assigned to them), quản trị (admin: everything). Passwords are hashed with
argon2id and never stored or logged in clear. Every write is checked here, in the core, whatever
the edge (page or command line) already showed."""
from __future__ import annotations

import hashlib
import re
import secrets
import string
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indicators import fmt
from indicators.errors import NotFound, PermissionDenied, UsageError
from indicators.settings import (IDLE_MINUTES, LOCK_AFTER_FAILURES, LOCK_MINUTES, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH,
                                 ROLE_LABEL, ROLES, SESSION_MAX_HOURS, SESSION_TOUCH_SECONDS, SLOWDOWN_CAP_SECONDS,
                                 SIGN_IN_PATH, SIGN_OUT_PATH, SLOWDOWN_SECONDS, TICKET_SECONDS, TIMEZONE, now_local)

_HASHER = PasswordHasher()
OPEN_READING = "open_reading"  # app setting: "1" lets anyone read without signing in
OPERATOR = "máy chủ:"  # prefix of the name recorded when the command line runs on the server itself
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")  # where the list comes from: see its header


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


def hash_password(password: str, name: str = "") -> str:
    check_password(password, name)
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- the password policy (NIST SP 800-63B: length, a list of known passwords, no composition rules) --

_LEET = str.maketrans({"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "1": "i", "!": "i", "3": "e", "7": "t"})
# Orders in which neighbours make an obvious sequence: the alphabet, the digits (9 then 0 again)
# and the rows of a keyboard.
_ORDERS = [("abcdefghijklmnopqrstuvwxyz", False), ("0123456789", True), ("qwertyuiop", False), ("asdfghjkl", False),
           ("zxcvbnm", False), ("~!@#$%^&*()_+", False)]  # the last: the number row with Shift


def _fold(text: str) -> str:
    """Lower case without accents: "Mật Khẩu" -> "mat khau"."""
    return fmt.ascii_fold(text).casefold()


def _key(text: str) -> str:
    """What is compared: letters and digits only, folded ("Mật-khẩu 123" -> "matkhau123")."""
    return "".join(c for c in _fold(text) if c.isalnum())


@lru_cache(maxsize=1)
def _common_keys() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(k for k in (_key(line) for line in lines if line and not line.startswith("# ") and line != "#") if k)


def _step(a: str, b: str) -> set[int]:
    """The steps (-1, 0, +1) that lead from a to b in one of the orders."""
    steps = {0} if a == b else set()
    for order, cyclic in _ORDERS:
        i, j = order.find(a), order.find(b)
        if i < 0 or j < 0:
            continue
        d = (j - i) % len(order) if cyclic else j - i
        if cyclic and d == len(order) - 1:
            d = -1
        if d in (-1, 1):
            steps.add(d)
    return steps


def _runs(text: str) -> int:
    """How many runs (one character repeated, or neighbours in one order) make up the text."""
    count, i = 0, 0
    while i < len(text):
        end = i + 1
        if i + 1 < len(text):
            for step in _step(text[i], text[i + 1]):
                j = i + 1
                while j + 1 < len(text) and step in _step(text[j], text[j + 1]):
                    j += 1
                end = max(end, j + 1)
        count, i = count + 1, end
    return count


def _repeated(text: str) -> bool:
    """The text is one block written two or more times ("abcabcabcabc", "hoahonghoahong")."""
    n = len(text)
    return n > 1 and any(n % size == 0 and text == text[:size] * (n // size) for size in range(1, n // 2 + 1))


def _core(password: str) -> str:
    """The password without the digits and signs before and after it ("P@ssw0rd2026!" -> "P@ssw0rd")."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password)


def _is_common(password: str) -> bool:
    common = _common_keys()
    if _key(password) in common:
        return True
    core = _core(password)
    return any(len(k) >= 4 and k in common for k in (_key(core), _key(_fold(core).translate(_LEET))))


def _two_known_pieces(key: str) -> bool:
    """The password is at most two common passwords or sequences (4+ characters each) with at most
    two other characters ("password1password", "qwertypassword", "12345678910a"). A passphrase of
    several words ("correct horse battery staple") is not: it takes more than two pieces."""
    common, n = _common_keys(), len(key)
    reach = {(0, 0, 0)}  # (position, pieces used, other characters)
    for i in range(n):
        for pos, pieces, other in [s for s in reach if s[0] == i]:
            if other < 2:
                reach.add((i + 1, pieces, other + 1))
            if pieces < 2:
                for j in range(i + 4, n + 1):
                    piece = key[i:j]
                    if piece in common or _runs(piece) == 1:
                        reach.add((j, pieces + 1, other))
    return any(pos == n and pieces >= 1 for pos, pieces, _ in reach)


def _names_in(name: str) -> list[str]:
    """The account name and its longer parts, as compared ("nguyen.van.a" -> nguyenvana, nguyen)."""
    parts = [_key(p) for p in re.split(r"[\W_]+", name)]
    return [k for k in dict.fromkeys([_key(name)] + [p for p in parts if len(p) >= 5]) if len(k) >= 3]


def check_password(password: str, name: str = "") -> None:
    """Refuse a password that is too short or too long, only spaces, contains the account name, is one
    character repeated or an obvious sequence, or is a common password. Each refusal is one
    sentence saying what is wrong and what to do."""
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_PASSWORD_LENGTH:
        raise UsageError(f"Mật khẩu quá ngắn ({fmt.num(length)} ký tự): cần ít nhất {MIN_PASSWORD_LENGTH} ký tự, hãy dùng "
                         "một cụm vài từ dễ nhớ, ví dụ \"mua-xuan-son-la-2026\".")
    if length > MAX_PASSWORD_LENGTH:
        raise UsageError(f"Mật khẩu quá dài ({fmt.num(length)} ký tự): tối đa {MAX_PASSWORD_LENGTH} ký tự, hãy rút ngắn lại.")
    if not password.strip():
        raise UsageError("Mật khẩu chỉ gồm dấu cách: hãy nhập một cụm từ có chữ hoặc số.")
    key = _key(password)
    if any(part in key for part in _names_in(name)):
        raise UsageError(f"Mật khẩu chứa tên tài khoản \"{name}\": hãy chọn một cụm từ không liên quan đến tên đăng nhập.")
    shape = key or "".join(_fold(password).split())
    if _runs(shape) <= 2 or _repeated(shape):
        raise UsageError("Mật khẩu chỉ là ký tự lặp lại hoặc một dãy liên tiếp (như \"aaaa\", \"1234\", \"abcd\", "
                         "\"qwerty\"): hãy chọn một cụm vài từ khó đoán hơn.")
    if _is_common(password) or _two_known_pieces(key):
        raise UsageError("Mật khẩu này nằm trong danh sách mật khẩu phổ biến mà kẻ gian luôn thử trước: hãy chọn "
                         "một cụm vài từ của riêng bạn.")


def generate_password(name: str = "") -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
        try:
            check_password(password, name)
        except UsageError:  # practically never (a random sequence): draw again
            continue
        return password


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
    store.add_user(name, role, hash_password(password, name) if password is not None else None, actor=actor,
                   display_name=display_name, source=source)
    if agencies:
        store.set_user_agencies(name, list(agencies), actor=actor)
    return get(store, name)


def check_agency(store, plan: str, agency: str) -> None:
    p = store.plan(plan)  # NotFound names the known plans
    if agency not in p.all_agencies():
        raise UsageError(f"Kế hoạch {plan} không có cơ quan \"{agency}\".", "Các cơ quan: " + "; ".join(p.all_agencies()) + ".")


def get(store, name: str) -> User:
    """The account an administrator names (disable, enable, password): an unknown name is NotFound,
    a usage error like an unknown plan. Signing in and acting as someone go through `active`,
    where an unknown account is refused as a permission."""
    row = store.user(name)
    if row is None:
        raise NotFound(f"Không có tài khoản \"{name}\".", "Kiểm tra tên tài khoản trong danh sách tài khoản (lệnh users list, trang Tài khoản).")
    return _user(row)


def active(store, name: str) -> User:
    """The user, refusing an unknown or disabled account."""
    return _user(_active_row(store, name))


def _active_row(store, name: str) -> dict:
    row = store.user(name)
    if row is None:
        raise PermissionDenied(f"Không có tài khoản \"{name}\".", "Kiểm tra tên đăng nhập hoặc nhờ quản trị tạo tài khoản.")
    if row["disabled"]:
        raise PermissionDenied(f"Tài khoản \"{name}\" đã bị khóa bởi quản trị.", "Liên hệ quản trị hệ thống.")
    return row


def authenticate(store, name: str, password: str, *, now: datetime | None = None, sleep=time.sleep) -> User:
    """Sign in with a built-in account. Failed attempts slow down, then lock the account for a while.
    Each attempt is counted in the store (atomically) BEFORE the password is checked, so parallel
    attempts cannot check more than LOCK_AFTER_FAILURES passwords before the lock."""
    now = now or now_local()
    wrong = PermissionDenied("Sai tên đăng nhập hoặc mật khẩu.", "Kiểm tra lại; sau nhiều lần sai tài khoản sẽ tạm khóa.")
    lock_until = now + timedelta(minutes=LOCK_MINUTES)
    attempt = store.reserve_sign_in(name.strip(), now=now, limit=LOCK_AFTER_FAILURES, lock_until=lock_until)
    if attempt["state"] == "unknown":
        sleep(SLOWDOWN_SECONDS)
        raise wrong
    if attempt["state"] == "disabled":
        raise PermissionDenied(f"Tài khoản \"{attempt['name']}\" đã bị khóa bởi quản trị.", "Liên hệ quản trị hệ thống.")
    if attempt["state"] == "locked":
        minutes = max(1, -int((now - attempt["locked_until"]).total_seconds() // 60))  # rounded up
        raise PermissionDenied(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau khoảng {minutes} phút.",
                               "Hoặc nhờ quản trị đặt lại mật khẩu.")
    name, failed = attempt["name"], attempt["failed"]
    if not _verify(attempt["password_hash"], password):
        locked = failed >= LOCK_AFTER_FAILURES
        if locked:
            store.lock_user(name, until=lock_until, now=now)
        sleep(min(SLOWDOWN_CAP_SECONDS, SLOWDOWN_SECONDS * failed))
        if locked:
            raise PermissionDenied(f"Đăng nhập sai {failed} lần: tài khoản tạm khóa {LOCK_MINUTES} phút.",
                                   "Thử lại sau, hoặc nhờ quản trị đặt lại mật khẩu.")
        raise wrong
    store.update_user(name, failed=0, locked_until=None, last_login_at=now)
    if _HASHER.check_needs_rehash(attempt["password_hash"]):
        store.update_user(name, password_hash=_HASHER.hash(password))
    return _user(store.user(name))


def session_clock() -> datetime:
    """The time sessions are compared with: local time to the microsecond (a password reset and a
    sign-in in the same second must still be told apart)."""
    return datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None)


def session_valid(store, name: str, signed_in_at: datetime | None) -> bool:
    """Whether a session of `name` that signed in at `signed_in_at` may go on: the account exists, is
    enabled, and its password was not reset (nor the account disabled) since."""
    try:
        check_session(store, name, signed_in_at)
    except PermissionDenied:
        return False
    return True


def check_session(store, name: str, signed_in_at: datetime | None) -> User:
    """The user of a session that signed in at `signed_in_at`, or PermissionDenied with the Vietnamese
    notice saying why the session is over."""
    row = _active_row(store, name)
    valid_from = row.get("sessions_valid_from")
    if valid_from is not None and (signed_in_at is None or signed_in_at < valid_from):
        raise PermissionDenied("Phiên làm việc này đã kết thúc vì mật khẩu của tài khoản vừa được đặt lại (hoặc tài "
                               "khoản đã bị khóa rồi mở lại); vui lòng đăng nhập lại bằng mật khẩu mới.")
    return _user(row)


def set_password(store, name: str, password: str, *, actor: str) -> None:
    """Reset a password; every session signed in before now is over (and its stored row deleted)."""
    get(store, name)
    store.update_user(name, password_hash=hash_password(password, name), failed=0, locked_until=None,
                      sessions_valid_from=session_clock(), actor=actor, action="user.password")
    store.end_sessions(name)


def disable(store, name: str, *, actor: str, disabled: bool = True) -> None:
    """Disable (every session ends) or enable an account."""
    get(store, name)
    if disabled:
        store.update_user(name, disabled=True, sessions_valid_from=session_clock(), actor=actor, action="user.disable")
        store.end_sessions(name)
    else:
        store.update_user(name, disabled=False, actor=actor, action="user.enable")


# -- sessions kept by the server (docs/sessions.md) ---------------------------------------------------
# The browser holds only a random token (cookie); the store holds its SHA-256, the account, when the
# session began, was last seen and ends. A one-time ticket carries a fresh sign-in from the form (a
# script cannot set a cookie) to the route that sets the cookie.

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def _plausible(token) -> bool:
    return isinstance(token, str) and 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def new_ticket(store, name: str, signed_in_at: datetime, *, now: datetime | None = None) -> str:
    """A one-time ticket (valid TICKET_SECONDS) for an account that just proved its password;
    `signed_in_at` (taken before the password check) becomes the session's start."""
    ticket = secrets.token_urlsafe(32)
    now = now or session_clock()
    store.end_expired_sessions(now)  # housekeeping: sessions nobody came back to
    store.add_session(token_hash(ticket), "ticket", name, created_at=signed_in_at,
                      expires_at=now + timedelta(seconds=TICKET_SECONDS))
    return ticket


def redeem_ticket(store, ticket: str, *, user_agent: str | None = None, now: datetime | None = None) -> str | None:
    """Exchange a ticket (once) for a new session token; None when the ticket is unknown, used or
    expired, or its account may no longer sign in."""
    if not _plausible(ticket):
        return None
    row = store.take_session(token_hash(ticket), "ticket")  # deleted whatever follows: single use
    now = now or session_clock()
    if row is None or now > row["expires_at"]:
        return None
    try:
        check_session(store, row["name"], row["created_at"])
    except PermissionDenied:
        return None
    token = secrets.token_urlsafe(32)
    store.add_session(token_hash(token), "session", row["name"], created_at=row["created_at"],
                      expires_at=_expiry(row["created_at"], now), user_agent=(user_agent or "")[:300] or None)
    return token


def _expiry(created_at: datetime, seen_at: datetime) -> datetime:
    return min(seen_at + timedelta(minutes=IDLE_MINUTES), created_at + timedelta(hours=SESSION_MAX_HOURS))


def session_user(store, token: str | None, *, now: datetime | None = None) -> User | None:
    """The user of a session token: None when there is no such session (never was, signed out);
    PermissionDenied with the Vietnamese notice when it ended (idle, too old, account disabled or
    password reset since); otherwise the user, the session's last-seen time written at most once
    every SESSION_TOUCH_SECONDS."""
    if not _plausible(token):
        return None
    key = token_hash(token)
    row = store.session(key)
    if row is None:
        return None
    now = now or session_clock()
    if now - row["last_seen_at"] > timedelta(minutes=IDLE_MINUTES):
        store.end_session(key)
        raise PermissionDenied(f"Phiên làm việc đã kết thúc sau {IDLE_MINUTES} phút không thao tác. Vui lòng đăng nhập lại.")
    if now > row["expires_at"]:
        store.end_session(key)
        raise PermissionDenied("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.")
    try:
        user = check_session(store, row["name"], row["created_at"])
    except PermissionDenied:
        store.end_sessions(row["name"])
        raise
    if (now - row["last_seen_at"]).total_seconds() >= SESSION_TOUCH_SECONDS:
        store.touch_session(key, seen_at=now, expires_at=_expiry(row["created_at"], now))
    return user


def ended_notice(store, name: str) -> str:
    """What a person whose session was ended elsewhere is told at their next action (the session's
    row is gone by then, so the account says why: disabled, or signed out / password reset)."""
    row = store.user(name)
    if row is not None and row["disabled"]:
        return f"Tài khoản \"{name}\" đã bị khóa bởi quản trị, phiên làm việc đã kết thúc. Liên hệ quản trị hệ thống."
    return ("Phiên làm việc đã kết thúc (đã đăng xuất ở một thẻ hoặc máy khác, hoặc mật khẩu vừa được đặt lại). "
            "Vui lòng đăng nhập lại.")


def renew_session(store, token: str | None, name: str, *, now: datetime | None = None) -> None:
    """Keep (start again) the session holding `token` after its own account's password was reset
    in it: the reset ended every session of the account, this one goes on with the new password."""
    if not _plausible(token):
        return
    now = now or session_clock()
    store.add_session(token_hash(token), "session", name, created_at=now, expires_at=_expiry(now, now))


def end_session(store, token: str | None, *, everywhere: bool = True) -> str | None:
    """Sign out: ends the token's session and (everywhere) every other session of its account.
    Returns the account's name, or None when the token named no session."""
    if not _plausible(token):
        return None
    key = token_hash(token)
    row = store.session(key)
    store.end_session(key)
    if row is None:
        return None
    if everywhere:
        store.end_sessions(row["name"])
    return row["name"]


_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(path, home: str = "/") -> str:
    """Where to send the browser after signing in or out: only a page of this app — a path under
    `home` ("/", or "/treem/" behind a proxy under a path), not "//…", no backslash, no control
    character, no scheme, no "." or ".." segment, not the session routes (/phien/…) nor Streamlit's
    own endpoints (/_stcore/…, /static/…), also once or twice percent-decoded; anything else -> `home`.
    (A return address that is itself the sign-in route would redeem a second, planted ticket.)"""
    from urllib.parse import unquote, urlsplit

    if not isinstance(path, str) or not path.startswith(home) or len(path) > 2000:
        return home
    for text in (path, unquote(path), unquote(unquote(path))):
        if text.startswith("//") or _CONTROL.search(text) or not text.startswith(home):
            return home
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return home
        segments = parts.path[len(home):].split("/")
        if any(seg in (".", "..") for seg in segments) or segments[0] in _NOT_PAGES:
            return home
    return path


# first path segments that are not pages: the session routes, Streamlit's own endpoints
_NOT_PAGES = {SIGN_IN_PATH.split("/")[1], SIGN_OUT_PATH.split("/")[1], "_stcore", "static", "media", "component", "app"}


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
        password = generated = generate_password(name)
    create(store, name, "admin", password, actor="init", display_name="Quản trị hệ thống")
    return True, generated
