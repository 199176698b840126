"""Entry point: page config, sign-in, st.navigation with every page (each a stable Vietnamese URL;
the menu shows the pages the role may open, the others answer in Vietnamese). Nothing else.
Served through serve.py (st.App with the session routes, docs/sessions.md)."""
import streamlit as st

from indicators.settings import OVERVIEW_PATH
from pages import auth, ui

st.set_page_config(page_title="Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em", page_icon="📊", layout="wide")

READ, REPORT, ADMIN = ("reader", "leader", "staff", "admin"), ("staff", "admin"), ("admin",)
REFUSED = {REPORT: "Trang này chỉ dành cho cán bộ báo cáo và quản trị.", ADMIN: "Trang này chỉ dành cho quản trị hệ thống."}

# section -> (file, title, icon, url path, who may open it)
PAGES = {
    "Theo dõi": [
        ("pages/overview.py", "Tổng quan", "dashboard", OVERVIEW_PATH, READ),  # the default page: at "/"
        ("pages/lagging.py", "Chỉ tiêu cần chú ý", "warning", "chi-tieu-can-chu-y", READ),
        ("pages/departments.py", "Theo cơ quan", "account_balance", "theo-co-quan", READ),
        ("pages/target.py", "Chi tiết chỉ tiêu", "search", "chi-tiet-chi-tieu", READ),
        ("pages/cascade.py", "Theo chương trình", "account_tree", "theo-chuong-trinh", READ),
    ],
    "Báo cáo": [
        ("pages/reporting.py", "Tình hình báo cáo", "event_available", "tinh-hinh-bao-cao", READ),
        ("pages/export.py", "Xuất báo cáo", "download", "xuat-bao-cao", READ),
        ("pages/upload.py", "Nộp báo cáo", "upload_file", "nop-bao-cao", REPORT),
    ],
    "Danh mục": [
        ("pages/catalogue.py", "Danh mục kế hoạch", "menu_book", "danh-muc", READ),
    ],
    "Quản trị": [
        ("pages/admin_users.py", "Tài khoản", "group", "tai-khoan", ADMIN),
        ("pages/admin_audit.py", "Nhật ký thay đổi", "history", "nhat-ky", ADMIN),
        ("pages/admin_plan.py", "Nhập kế hoạch", "post_add", "nhap-ke-hoach", ADMIN),
        ("pages/admin_next_plan.py", "Tạo kế hoạch năm sau", "event_repeat", "ke-hoach-nam-sau", ADMIN),
        ("pages/admin_links.py", "Liên kết chỉ số", "link", "lien-ket-chi-so", ADMIN),
        ("pages/admin_backup.py", "Sao lưu", "backup", "sao-luu", ADMIN),
    ],
}



def _run() -> None:
    user = auth.current_user()
    role = user.role if user else ("reader" if auth.open_reading() else None)
    sections, hidden, allowed = {}, [], {}
    for section, entries in PAGES.items():
        for file, title, icon, url_path, who in entries:
            may = role in who
            page = st.Page(file, title=title, icon=f":material/{icon}:", url_path=url_path, default=url_path == OVERVIEW_PATH,
                           visibility="visible" if may else "hidden")
            allowed[page.url_path] = (may, who)
            (sections.setdefault(section, []) if may else hidden).append(page)
    sign_in_page = st.Page("pages/signin.py", title="Đăng nhập", icon=":material/login:", url_path="dang-nhap",
                           visibility="visible" if user is None else "hidden")
    (sections.setdefault("Tài khoản", []) if user is None else hidden).append(sign_in_page)
    if hidden:  # registered (the URL opens) but not in the menu: in the last section shown
        sections[list(sections)[-1]].extend(hidden)

    ui.sidebar_header()
    auth.sidebar(user)
    page = st.navigation(sections)
    st.session_state["_page_path"] = page.url_path
    may, who = allowed.get(page.url_path, (True, READ))
    if not may:
        ui.style()
        if user is None:  # signed out: sign in here, then this very page (path and query string) opens
            st.title("Đăng nhập")
            st.caption(f"Trang “{page.title}” cần đăng nhập; sau khi đăng nhập trang này sẽ mở ra.")
            auth.sign_in_form()
        else:
            st.title(page.title)
            st.error(REFUSED.get(who, "Tài khoản của bạn không được mở trang này."))
            st.page_link("pages/overview.py", label="Về trang Tổng quan", icon=":material/dashboard:")
    else:
        page.run()


with ui.guard():  # e.g. the PostgreSQL server gone: said in Vietnamese on any page, never a traceback
    _run()
