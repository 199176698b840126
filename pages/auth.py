"""Who is using the dashboard: built-in accounts (sign-in form) or an organisation's OpenID
Connect provider (st.login) when one is configured in Streamlit's secrets; idle expiry; the
pages each role may open. The rules themselves live in indicators/accounts.py."""
from __future__ import annotations

import html
import json
import os
from datetime import timedelta
from urllib.parse import urlencode

import streamlit as st

from indicators import accounts
from indicators.errors import AppError
from indicators.settings import (IDLE_MINUTES, ROLE_LABEL, SESSION_COOKIE, SIGN_IN_PATH, SIGN_OUT_PATH, now_local,
                                 url_base)
from pages import ui

SESSION_USER, SESSION_SEEN, SESSION_NOTICE = "_user", "_seen", "_auth_notice"
SESSION_SIGNED_IN = "_signed_in"  # when this session signed in: a later password reset or disabling ends it
SESSION_COOKIE_USER = "_cookie_user"  # served: the account of this tab's cookie session (for renew_session)


def served() -> bool:
    """True when the app runs behind serve.py (st.App with the session routes): the person is then
    known only by the session cookie. Otherwise (AppTest, or `streamlit run app.py` without the
    routes) the session lives in this tab's session_state as before, set only by the sign-in form
    (session_state cannot be written from the browser: no widget has these keys)."""
    return os.environ.get("INDICATORS_SESSION_ROUTES") == "1"


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no request behind this run
        return None


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
    if served():
        return _cookie_user()
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


def _cookie_user() -> accounts.User | None:
    token = _cookie()
    user = None
    if token:
        try:
            user = accounts.session_user(ui.store(), token)
        except AppError as exc:
            st.session_state[SESSION_NOTICE] = exc.message
    if user is None:
        was = st.session_state.pop(SESSION_COOKIE_USER, None)  # this tab was signed in a moment ago
        if was and SESSION_NOTICE not in st.session_state:
            st.session_state[SESSION_NOTICE] = accounts.ended_notice(ui.store(), was)
    else:
        st.session_state[SESSION_COOKIE_USER] = user.name
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


def sign_in(name: str, password: str, next_path: str = "/") -> str | None:
    """Check the password. Served: returns the address that turns a one-time ticket into the session
    cookie and then opens `next_path` (go() sends the browser there). Otherwise the session is kept
    in session_state and None is returned."""
    started = accounts.session_clock()  # before the check: a reset while it runs ends this session too
    user = accounts.authenticate(ui.store(), name, password)
    st.session_state.pop(SESSION_NOTICE, None)
    if served():
        ticket = accounts.new_ticket(ui.store(), user.name, started)
        return f"{base()}{SIGN_IN_PATH}?" + urlencode({"ve": ticket, "tiep": accounts.safe_next(next_path, home())})
    st.session_state[SESSION_USER] = user.name
    st.session_state[SESSION_SIGNED_IN] = started
    st.session_state[SESSION_SEEN] = now_local()
    return None


def go(url: str, text: str = "Đang chuyển trang…") -> None:
    """Send the browser to `url` (a path of this site, built here) with a full page load, so that
    the next request carries the cookie the route sets; a link in case scripts are blocked."""
    target = json.dumps(url).replace("<", "\\u003c")
    st.html(f'<p>{html.escape(text)} <a href="{html.escape(url)}" target="_self">Nhấn vào đây nếu trang không tự '
            f'chuyển.</a></p><script>window.location.replace({target});</script>', unsafe_allow_javascript=True)
    st.stop()


def base() -> str:
    """The path the app is served under ("" or "/treem", Streamlit's server.baseUrlPath)."""
    return url_base(st.get_option("server.baseUrlPath"))


def home() -> str:
    return base() + "/"


def here() -> str:
    """The current page's path and query string (where a sign-in returns to)."""
    path = home() + (st.session_state.get("_page_path") or "")
    query = urlencode(st.query_params.to_dict())
    return path + (f"?{query}" if query else "")


def renew_session() -> None:
    """Keep this session after its own user's password was reset here (the other sessions end)."""
    if served():
        name = st.session_state.get(SESSION_COOKIE_USER)
        if name:
            accounts.renew_session(ui.store(), _cookie(), name)
        return
    st.session_state[SESSION_SIGNED_IN] = accounts.session_clock()


def sign_out(notice: str | None = None) -> None:
    for key in (SESSION_USER, SESSION_SEEN, SESSION_SIGNED_IN, SESSION_COOKIE_USER):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[SESSION_NOTICE] = notice


def sign_in_form(next_path: str | None = None) -> None:
    """The built-in sign-in form (or the organisation's button); on success the browser goes on to
    `next_path` (this page when None)."""
    notice = st.session_state.pop(SESSION_NOTICE, None)
    if notice:
        st.info(notice)
    if oidc_configured():
        st.markdown("Đăng nhập bằng tài khoản của cơ quan.")
        if st.button("Đăng nhập bằng tài khoản cơ quan", type="primary"):
            st.login()
        st.stop()
    with st.form("sign_in"):
        name = st.text_input("Tên đăng nhập")
        password = st.text_input("Mật khẩu", type="password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        try:
            url = sign_in(name, password, next_path or here())
        except AppError as exc:
            st.error(exc.message + (f"  \n{exc.hint}" if exc.hint else ""))
        else:
            if url:
                go(url, "Đã đăng nhập, đang mở trang…")
            st.rerun()
    st.caption("Quên mật khẩu? Nhờ quản trị hệ thống đặt lại.")


def sidebar(user: accounts.User | None) -> None:
    with st.sidebar:
        if user is None:
            return
        st.markdown(f"Đang đăng nhập: **{ui.esc(user.display_name or user.name)}**  \n{ROLE_LABEL[user.role]}")
        if oidc_configured():
            if st.button("Đăng xuất", key="sign_out"):
                st.logout()
        elif st.button("Đăng xuất", key="sign_out"):
            if served():  # every session of the account ends now; the route clears this browser's cookie
                accounts.end_session(ui.store(), _cookie())
                sign_out("Đã đăng xuất.")
                go(f"{base()}{SIGN_OUT_PATH}?" + urlencode({"tiep": home()}), "Đã đăng xuất, đang chuyển trang…")
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
