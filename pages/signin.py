"""Đăng nhập: the built-in accounts' sign-in form, or the organisation's sign-in button."""
import streamlit as st

from indicators.errors import AppError
from pages import auth, ui

ui.style()
st.title("Đăng nhập")
st.caption("Hệ thống theo dõi chỉ tiêu kế hoạch bảo vệ, chăm sóc trẻ em")
notice = st.session_state.pop(auth.SESSION_NOTICE, None)
if notice:
    st.info(notice)
if auth.oidc_configured():
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
        auth.sign_in(name, password)
    except AppError as exc:
        st.error(exc.message + (f"  \n{exc.hint}" if exc.hint else ""))
    else:
        st.rerun()
st.caption("Quên mật khẩu? Nhờ quản trị hệ thống đặt lại.")
