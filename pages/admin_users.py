"""Tài khoản (administrators): create accounts, disable, reset passwords, assign agencies, and
whether reading is open without signing in."""
import pandas as pd
import streamlit as st

from indicators import accounts, fmt, scopes
from indicators.settings import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ROLE_LABEL, ROLES
from pages import auth, ui

store, admin = auth.admin_page("Tài khoản")

users = store.users()
ui.dataframe(pd.DataFrame([{
    "Tên đăng nhập": u["name"], "Họ tên": u["display_name"], "Vai trò": ROLE_LABEL[u["role"]],
    "Trạng thái": "Đã khóa" if u["disabled"] else ("Tạm khóa (sai mật khẩu)" if u["locked_until"] else "Hoạt động"),
    "Cơ quan được báo cáo": "; ".join(f"{a} ({p})" for p, a in u["agencies"]) or "—",
    "Đăng nhập gần nhất": fmt.moment(u["last_login_at"]), "Nguồn": "Tổ chức (OIDC)" if u["source"] == "oidc" else "Nội bộ",
} for u in users]), status_columns=())

plans = {p.slug: p for p in store.plans()}
PASSWORD_HELP = (f"Từ {MIN_PASSWORD_LENGTH} đến {MAX_PASSWORD_LENGTH} ký tự; nên là một cụm vài từ dễ nhớ. Không chứa tên "
                 "đăng nhập, không phải dãy lặp hay liên tiếp (aaaa, 1234, qwerty), không phải mật khẩu phổ biến.")


def agency_picker(prefix: str, default_plan: str | None = None, default: list[str] = ()) -> tuple[str, list[str]]:
    slugs = list(plans)
    slug = st.selectbox("Kế hoạch", slugs, index=slugs.index(default_plan) if default_plan in slugs else 0,
                        format_func=lambda s: f"{plans[s].issuer} — {plans[s].title} ({plans[s].years})", key=f"{prefix}_plan")
    options = plans[slug].all_agencies()
    picked = st.multiselect("Cơ quan được báo cáo", options, default=[a for a in default if a in options], key=f"{prefix}_agencies")
    return slug, picked


tab_new, tab_edit, tab_units, tab_settings = st.tabs(["Thêm tài khoản", "Sửa tài khoản", "Đơn vị báo cáo",
                                                     "Cài đặt truy cập"])
with tab_new:
    with st.form("new_user", clear_on_submit=True):
        name = st.text_input("Tên đăng nhập", help="Không dấu cách, ví dụ nguyen.van.a")
        display = st.text_input("Họ tên")
        role = st.selectbox("Vai trò", ROLES, format_func=ROLE_LABEL.get)
        password = st.text_input(f"Mật khẩu (ít nhất {MIN_PASSWORD_LENGTH} ký tự)", type="password", help=PASSWORD_HELP)
        slug, picked = agency_picker("new")
        if st.form_submit_button("Tạo tài khoản", type="primary"):
            with ui.guard():
                if role == "staff" and not picked:
                    st.error("Cán bộ báo cáo cần được giao ít nhất một cơ quan.")
                    st.stop()
                user = accounts.create(store, name, role, password, actor=admin.name, display_name=display,
                                       agencies=[(slug, a) for a in picked] if role == "staff" else [])
            st.success(f"Đã tạo tài khoản {user.name} ({ROLE_LABEL[user.role]}).")
with tab_edit:
    names = [u["name"] for u in users]
    if names:
        who = st.selectbox("Tài khoản", names, key="edit_user")
        row = store.user(who)
        st.markdown(f"**{ui.esc(row['display_name'])}** — {ROLE_LABEL[row['role']]}, "
                    f"{'đã khóa' if row['disabled'] else 'đang hoạt động'}")
        cols = st.columns(2)
        if row["disabled"]:
            if cols[0].button("Mở lại tài khoản", key="enable"):
                accounts.disable(store, who, actor=admin.name, disabled=False)
                st.rerun()
        elif who != admin.name and cols[0].button("Khóa tài khoản", key="disable"):
            accounts.disable(store, who, actor=admin.name)
            st.rerun()
        with st.form("reset_password", clear_on_submit=True):
            new_password = st.text_input(f"Mật khẩu mới (ít nhất {MIN_PASSWORD_LENGTH} ký tự)", type="password",
                                         help=PASSWORD_HELP)
            if st.form_submit_button("Đặt lại mật khẩu"):
                with ui.guard():
                    accounts.set_password(store, who, new_password, actor=admin.name)
                if who == admin.name:  # this session goes on; the other sessions of the account end
                    auth.renew_session()
                st.success(f"Đã đặt lại mật khẩu cho {who}; các phiên đang đăng nhập của tài khoản này đã kết thúc, "
                           "tài khoản được mở nếu đang tạm khóa.")
        if row["role"] == "staff":
            current = row["agencies"]
            default_plan = current[0][0] if current else None
            slug, picked = agency_picker("edit", default_plan, [a for p, a in current if p == default_plan])
            if st.button("Lưu cơ quan được giao", key="save_agencies"):
                others = [(p, a) for p, a in current if p != slug]
                with ui.guard():
                    store.set_user_agencies(who, others + [(slug, a) for a in picked], actor=admin.name)
                st.success("Đã lưu.")
                st.rerun()
with tab_units:
    st.caption("Đơn vị cấp dưới (xã, phường…) mà một cơ quan được tổng hợp số liệu trong biểu tổng hợp. Chỉ đơn vị khai "
               "báo trong danh mục kế hoạch hoặc đăng ký ở đây mới được nhận; số liệu của đơn vị chỉ tính cho các chỉ tiêu "
               "của cơ quan tổng hợp.")
    slugs = list(plans)
    unit_plan = st.selectbox("Kế hoạch", slugs, format_func=lambda s: f"{plans[s].issuer} — {plans[s].title} ({plans[s].years})",
                             key="units_plan")
    unit_agency = st.selectbox("Cơ quan tổng hợp", plans[unit_plan].all_agencies(), key="units_agency")
    listed = [u for a, u in store.registered_units(unit_plan, unit_agency)]
    declared = plans[unit_plan].reporting_units
    st.markdown(f"**{len(listed)}** đơn vị đã đăng ký cho {ui.esc(unit_agency)}"
                + (f"; **{len(declared)}** đơn vị khai báo trong danh mục (mọi cơ quan)." if declared else "."))
    if listed:
        st.dataframe(pd.DataFrame({"Đơn vị": listed}), hide_index=True, width="stretch")
    with st.form("add_units", clear_on_submit=True):
        text = st.text_area("Thêm đơn vị (mỗi dòng một tên)", placeholder="UBND xã Chiềng Sinh\nUBND phường Tô Hiệu")
        if st.form_submit_button("Đăng ký", type="primary"):
            with ui.guard():
                new = scopes.register_units(store, unit_plan, unit_agency, [n for n in text.splitlines() if n.strip()],
                                            actor=admin.name)
            st.success(f"Đã đăng ký {len(new)} đơn vị mới.")
            st.rerun()
    if listed:
        gone = st.selectbox("Bỏ đăng ký đơn vị", listed, index=None, key="units_remove",
                            placeholder="Chọn đơn vị (số liệu đã báo cáo vẫn giữ trong lịch sử)")
        if gone and st.button("Bỏ đăng ký", key="units_remove_btn"):
            store.unregister_unit(unit_plan, unit_agency, gone, actor=admin.name)
            st.rerun()
with tab_settings:
    current = auth.open_reading()
    choice = st.toggle("Cho phép xem bảng điều khiển không cần đăng nhập", value=current,
                       help="Nộp báo cáo và quản trị luôn cần đăng nhập.")
    if choice != current:
        store.set_setting(accounts.OPEN_READING, "1" if choice else "0", actor=admin.name)
        st.rerun()
