"""Nhật ký thay đổi (administrators): who changed which value, from what to what, when, with which
file; filterable and exportable."""
import json
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from indicators import accounts, fmt
from indicators.settings import ROLE_LABEL
from indicators.validation import ValueProblem, parse_number
from loaders.csv_text import csv_bytes
from pages import auth, ui

store, admin = auth.admin_page("Nhật ký thay đổi")

plans = {p.slug: p for p in store.plans()}
cols = st.columns(4)
plan = cols[0].selectbox("Kế hoạch", [""] + list(plans), format_func=lambda s: "Tất cả" if not s else s)
actor = cols[1].text_input("Người thực hiện")
KINDS = {"": "Tất cả", "actual": "Số liệu", "period": "Duyệt số liệu kỳ", "warning": "Số liệu bất thường",
         "user": "Tài khoản", "unit": "Đơn vị báo cáo", "contact": "Liên hệ cơ quan", "catalogue": "Danh mục",
         "registry": "Danh mục chỉ số", "setting": "Cài đặt", "backup": "Sao lưu", "restore": "Khôi phục"}
action = cols[2].selectbox("Loại thay đổi", list(KINDS), format_func=KINDS.get)
text = cols[3].text_input("Có chứa (mã chỉ tiêu, cơ quan, giá trị)")
today = ui.today()
dates = st.date_input("Khoảng thời gian", (today - timedelta(days=365), today), format="DD/MM/YYYY")
since = datetime.combine(dates[0], time.min) if dates else None
until = datetime.combine(dates[-1], time.min) + timedelta(days=1) if dates else None
search = text.strip()
try:  # a value typed the Vietnamese way ("9,3", "1.000") is searched as it is stored ("9.3", "1000")
    search = f"{parse_number(search).value:g}" if search else search
except ValueProblem:
    pass
rows = store.audit_trail(5000, plan=plan or None, actor=actor.strip() or None, action=action or None,
                         since=since, until=until, text=search or None)
subs = {s["id"]: s for slug in plans for s in store.submissions(slug)}
units = {(slug, t.code): t.unit for slug in plans for t in store.targets(slug)}
ACTIONS = {"actual.new": "Số liệu mới", "actual.change": "Sửa số liệu", "user.create": "Tạo tài khoản",
           "user.update": "Sửa tài khoản", "user.agencies": "Giao cơ quan", "user.password": "Đặt lại mật khẩu",
           "user.disable": "Khóa tài khoản", "user.enable": "Mở lại tài khoản", "user.locked": "Tạm khóa (sai mật khẩu)",
           "user.role": "Đổi vai trò", "catalogue.insert": "Nạp kế hoạch mới", "catalogue.update": "Cập nhật kế hoạch",
           "setting.change": "Đổi cài đặt", "backup": "Sao lưu", "restore": "Khôi phục",
           "actual.withdraw": "Rút lại số liệu", "actual.restore": "Ghi lại số liệu đã rút",
           "period.approve": "Duyệt số liệu kỳ", "period.reopen": "Mở lại kỳ đã duyệt", "period.autolock": "Tự khóa kỳ sau hạn",
           "warning.confirmed": "Xác nhận số liệu bất thường", "warning.corrected": "Sửa số liệu bất thường theo gợi ý",
           "unit.register": "Đăng ký đơn vị báo cáo", "unit.unregister": "Bỏ đăng ký đơn vị báo cáo",
           "contact.set": "Ghi liên hệ cơ quan", "registry.insert": "Nạp danh mục chỉ số",
           "registry.update": "Cập nhật danh mục chỉ số"}
ACTORS = {"system": "Hệ thống", "init": "Khởi tạo", "demo": "Dữ liệu minh họa", "oidc": "Đăng nhập tổ chức"}


def who(actor: str) -> str:
    os_user = accounts.operator_of(actor)
    if os_user is not None:
        return f"Dòng lệnh trên máy chủ ({os_user})"
    return ACTORS.get(actor, actor)


def describe(value: str | None, r: dict) -> str:
    if value is None:
        return "—"
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if r["action"] == "contact.set" and isinstance(data, list):  # [person, phone, email]
        return "; ".join(str(x) for x in data if x) or "(trống)"
    if isinstance(data, dict) and data.get("withdrawn"):
        return f"rút lại — lý do: {data.get('reason') or ''}"
    if isinstance(data, dict) and "reason" in data and len(data) == 1:
        return f"lý do: {data['reason']}"
    if isinstance(data, dict) and "withdrawn_reason" in data:
        return f"ghi lại số đã rút (lý do rút: {data['withdrawn_reason']})"
    if isinstance(data, dict) and not data:
        return "—"
    if isinstance(data, dict) and "value" in data:
        unit = units.get((r["plan"], (r["entity_key"] or "").split("|")[0]), "count")
        shown = data.get("text") or fmt.actual(data.get("value"), unit)
        if data.get("numerator") is not None:
            shown += f" ({fmt.num(data['numerator'])}/{fmt.num(data['denominator'])})"
        return shown + (f" — {data['note']}" if data.get("note") else "")
    if isinstance(data, dict):  # an account change: role, state, password (never shown)
        words = {"role": "vai trò", "disabled": "khóa", "password_hash": "mật khẩu", "failed": "số lần sai",
                 "locked_until": "tạm khóa đến", "last_login_at": "đăng nhập",
                 "sessions_valid_from": "phiên đăng nhập cũ hết hiệu lực từ"}
        return "; ".join(f"{words.get(k, k)}: {ROLE_LABEL.get(v, v) if k == 'role' else v}" for k, v in data.items())
    if isinstance(data, list) and all(isinstance(x, list) and len(x) == 2 for x in data):  # [[plan, agency], ...]
        return "; ".join(f"{a} ({p})" for p, a in data) or "(không cơ quan nào)"
    return value


table = pd.DataFrame([{
    "Thời điểm": fmt.moment(r["at"]), "Người thực hiện": who(r["actor"]), "Việc": ACTIONS.get(r["action"], r["action"]),
    "Kế hoạch": r["plan"] or "", "Đối tượng": (r["entity_key"] or "").replace("|", " · "),
    "Từ": describe(r["old_value"], r), "Thành": describe(r["new_value"], r),
    "Tệp": (subs.get(r["submission_id"]) or {}).get("file_name") or "", "Minh họa": "có" if r["is_demo"] else "",
} for r in rows])
st.caption(f"{fmt.num(len(table))} dòng (tối đa 5.000 dòng mới nhất).")
ui.dataframe(table, status_columns=())
if len(table):
    st.download_button("⬇ Tải nhật ký (CSV, mở được bằng Excel)", csv_bytes(table),
                       file_name=f"nhat-ky-thay-doi-{today.isoformat()}.csv", mime="text/csv")
