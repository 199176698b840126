"""Entry point: page config, sign-in, st.navigation with the pages the role may open. Nothing else."""
import streamlit as st

from pages import auth, ui

st.set_page_config(page_title="Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em", page_icon="📊", layout="wide")

user = auth.current_user()
role = user.role if user else ("reader" if auth.open_reading() else None)
reading = role is not None
pages = {}
if reading:
    pages["Theo dõi"] = [
        st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:", default=True),
        st.Page("pages/lagging.py", title="Chỉ tiêu cần chú ý", icon=":material/warning:", url_path="chi-tieu-can-chu-y"),
        st.Page("pages/departments.py", title="Theo cơ quan", icon=":material/account_balance:", url_path="theo-co-quan"),
        st.Page("pages/target.py", title="Chi tiết chỉ tiêu", icon=":material/search:", url_path="chi-tiet-chi-tieu"),
        st.Page("pages/cascade.py", title="Theo chương trình", icon=":material/account_tree:", url_path="theo-chuong-trinh"),
    ]
    pages["Báo cáo"] = [
        st.Page("pages/reporting.py", title="Tình hình báo cáo", icon=":material/event_available:", url_path="tinh-hinh-bao-cao"),
        st.Page("pages/export.py", title="Xuất báo cáo", icon=":material/download:", url_path="xuat-bao-cao"),
    ]
    if role in ("staff", "admin"):
        pages["Báo cáo"].append(
            st.Page("pages/upload.py", title="Nộp báo cáo", icon=":material/upload_file:", url_path="nop-bao-cao"))
    pages["Danh mục"] = [
        st.Page("pages/catalogue.py", title="Danh mục kế hoạch", icon=":material/menu_book:", url_path="danh-muc"),
    ]
if role == "admin":
    pages["Quản trị"] = [
        st.Page("pages/admin_users.py", title="Tài khoản", icon=":material/group:", url_path="tai-khoan"),
        st.Page("pages/admin_audit.py", title="Nhật ký thay đổi", icon=":material/history:", url_path="nhat-ky"),
        st.Page("pages/admin_plan.py", title="Nhập kế hoạch", icon=":material/post_add:", url_path="nhap-ke-hoach"),
        st.Page("pages/admin_next_plan.py", title="Tạo kế hoạch năm sau", icon=":material/event_repeat:",
                url_path="ke-hoach-nam-sau"),
        st.Page("pages/admin_links.py", title="Liên kết chỉ số", icon=":material/link:", url_path="lien-ket-chi-so"),
        st.Page("pages/admin_backup.py", title="Sao lưu", icon=":material/backup:", url_path="sao-luu"),
    ]
if user is None:
    pages.setdefault("Tài khoản", []).append(
        st.Page("pages/signin.py", title="Đăng nhập", icon=":material/login:", url_path="dang-nhap", default=not reading))
ui.sidebar_header()
auth.sidebar(user)
st.navigation(pages).run()
