"""Who is using the dashboard: built-in accounts (sign-in form) or an organisation's OpenID
Connect provider (st.login) when one is configured in Streamlit's secrets; idle expiry; the
pages each role may open. The rules themselves live in indicators/accounts.py."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from indicators import accounts
from indicators.errors import AppError
from indicators.settings import IDLE_MINUTES, ROLE_LABEL, now_local
from pages import ui

SESSION_USER, SESSION_SEEN, SESSION_NOTICE = "_user", "_seen", "_auth_notice"
SESSION_SIGNED_IN = "_signed_in"  # when this session signed in: a later password reset or disabling ends it


def oidc_configured() -> bool:
    try:
        auth = st.secrets.get("auth", {})
    except Exception:  # no secrets file at all
        return False
    return bool(auth.get("client_id") and auth.get("server_metadata_url"))


def open_reading() -> bool:
    return ui.store().setting(accounts.OPEN_READING, "0") == "1"


def current_user() -> accounts.User | None:
    """The signed-in user, or None; ends the session after IDLE_MINUTES without activity, and at its
    next action once the account is disabled or its password reset after the session signed in."""
    if oidc_configured():
        return _oidc_user()
    name = st.session_state.get(SESSION_USER)
    if not name:
        return None
    now = now_local()
    seen = st.session_state.get(SESSION_SEEN)
    if seen is not None and now - seen > timedelta(minutes=IDLE_MINUTES):
        sign_out(f"Phiên làm việc đã kết thúc sau {IDLE_MINUTES} phút không thao tác. Vui lòng đăng nhập lại.")
        return None
    try:
        user = accounts.check_session(ui.store(), name, st.session_state.get(SESSION_SIGNED_IN))
    except AppError as exc:
        sign_out(exc.message)
        return None
    st.session_state[SESSION_SEEN] = now
    return user


def _oidc_user() -> accounts.User | None:
    if not st.user.is_logged_in:
        return None
    claims = dict(st.user.to_dict())
    name = str(claims.get("email") or claims.get("sub"))
    mapping = dict(st.secrets.get("roles", {}))
    role = accounts.role_from_claims(claims, mapping)
    store = ui.store()
    if role is None:
        st.session_state[SESSION_NOTICE] = f"Tài khoản {name} chưa được cấp quyền dùng hệ thống. Liên hệ quản trị."
        return None
    row = store.user(name)
    if row is None:
        store.add_user(name, role, None, actor="oidc", display_name=str(claims.get("name") or name), source="oidc")
    elif row["role"] != role:
        store.update_user(name, role=role, actor="oidc", action="user.role")
    try:
        return accounts.active(store, name)
    except AppError as exc:
        st.session_state[SESSION_NOTICE] = exc.message
        return None


def sign_in(name: str, password: str) -> None:
    started = accounts.session_clock()  # before the check: a reset while it runs ends this session too
    user = accounts.authenticate(ui.store(), name, password)
    st.session_state[SESSION_USER] = user.name
    st.session_state[SESSION_SIGNED_IN] = started
    st.session_state[SESSION_SEEN] = now_local()
    st.session_state.pop(SESSION_NOTICE, None)


def renew_session() -> None:
    """Keep this session after its own user's password was reset here (the other sessions end)."""
    st.session_state[SESSION_SIGNED_IN] = accounts.session_clock()


def sign_out(notice: str | None = None) -> None:
    for key in (SESSION_USER, SESSION_SEEN, SESSION_SIGNED_IN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[SESSION_NOTICE] = notice


def sidebar(user: accounts.User | None) -> None:
    with st.sidebar:
        if user is None:
            return
        st.markdown(f"Đang đăng nhập: **{ui.esc(user.display_name or user.name)}**  \n{ROLE_LABEL[user.role]}")
        if oidc_configured():
            if st.button("Đăng xuất", key="sign_out"):
                st.logout()
        elif st.button("Đăng xuất", key="sign_out"):
            sign_out("Đã đăng xuất.")
            st.rerun()


def admin_page(title: str):
    """The top of every administration page: its title, and (store, administrator) — or a stop
    with a Vietnamese message for anyone else (checked again in the core for every write)."""
    ui.style()
    st.title(title)
    store = ui.store()
    admin = require_user()
    with ui.guard():
        accounts.require_admin(store, admin.name)
    return store, admin


def require_user() -> accounts.User:
    """For pages that write: the signed-in user, or stop with a Vietnamese message."""
    user = current_user()
    if user is None:
        st.error("Cần đăng nhập để dùng trang này.")
        st.stop()
    return user
