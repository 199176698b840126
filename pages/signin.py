"""Đăng nhập: the built-in accounts' sign-in form, or the organisation's sign-in button.
`?tiep=/duong-dan` names the page to open afterwards (this site only)."""
import streamlit as st

from indicators import accounts
from pages import auth, ui

ui.style()
st.title("Đăng nhập")
st.caption("Hệ thống theo dõi chỉ tiêu kế hoạch bảo vệ, chăm sóc trẻ em")
if auth.current_user() is not None:
    st.success("Bạn đã đăng nhập.")
    st.page_link("pages/overview.py", label="Mở trang Tổng quan", icon=":material/dashboard:")
    st.stop()
auth.sign_in_form(accounts.safe_next(st.query_params.get("tiep", auth.home()), auth.home()))
