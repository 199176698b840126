"""Entry point: page config, st.navigation (the router) and the sidebar header. Nothing else."""
import streamlit as st

from pages import ui

st.set_page_config(page_title="Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em", page_icon="📊", layout="wide")

pages = {
    "Theo dõi": [
        st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:", default=True),
        st.Page("pages/lagging.py", title="Chỉ tiêu cần chú ý", icon=":material/warning:", url_path="chi-tieu-can-chu-y"),
        st.Page("pages/departments.py", title="Theo cơ quan", icon=":material/account_balance:", url_path="theo-co-quan"),
        st.Page("pages/target.py", title="Chi tiết chỉ tiêu", icon=":material/search:", url_path="chi-tiet-chi-tieu"),
    ],
    "Báo cáo": [
        st.Page("pages/reporting.py", title="Tình hình báo cáo", icon=":material/event_available:", url_path="tinh-hinh-bao-cao"),
        st.Page("pages/upload.py", title="Nộp báo cáo", icon=":material/upload_file:", url_path="nop-bao-cao"),
    ],
    "Danh mục": [
        st.Page("pages/catalogue.py", title="Danh mục kế hoạch", icon=":material/menu_book:", url_path="danh-muc"),
    ],
}
ui.sidebar_header()
st.navigation(pages).run()
