"""Nhật ký thay đổi (administrators): who changed which value, from what to what, when, with which
file; filterable and exportable."""
import json
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from indicators import fmt
from pages import auth, ui

store, admin = auth.admin_page("Nhật ký thay đổi")

plans = {p.slug: p for p in store.plans()}
cols = st.columns(4)
plan = cols[0].selectbox("Kế hoạch", [""] + list(plans), format_func=lambda s: "Tất cả" if not s else s)
actor = cols[1].text_input("Người thực hiện")
action = cols[2].selectbox("Loại thay đổi", ["", "actual", "user", "catalogue", "setting", "backup", "restore"],
                           format_func=lambda a: {"": "Tất cả", "actual": "Số liệu", "user": "Tài khoản",
                                                  "catalogue": "Danh mục", "setting": "Cài đặt", "backup": "Sao lưu",
                                                  "restore": "Khôi phục"}[a])
text = cols[3].text_input("Có chứa (mã chỉ tiêu, cơ quan, giá trị)")
today = ui.today()
dates = st.date_input("Khoảng thời gian", (today - timedelta(days=365), today), format="DD/MM/YYYY")
since = datetime.combine(dates[0], time.min) if dates else None
until = datetime.combine(dates[-1], time.min) + timedelta(days=1) if dates else None
rows = store.audit_trail(5000, plan=plan or None, actor=actor.strip() or None, action=action or None,
                         since=since, until=until, text=text.strip() or None)
subs = {s["id"]: s for slug in plans for s in store.submissions(slug)}


def describe(value: str | None) -> str:
    if value is None:
        return "—"
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, dict) and "value" in data:
        shown = data.get("text") or fmt.num(data.get("value"))
        if data.get("numerator") is not None:
            shown += f" ({fmt.num(data['numerator'])}/{fmt.num(data['denominator'])})"
        return shown + (f" — {data['note']}" if data.get("note") else "")
    return value


table = pd.DataFrame([{
    "Thời điểm": fmt.moment(r["at"]), "Người thực hiện": r["actor"], "Việc": r["action"], "Kế hoạch": r["plan"] or "",
    "Đối tượng": (r["entity_key"] or "").replace("|", " · "), "Từ": describe(r["old_value"]), "Thành": describe(r["new_value"]),
    "Tệp": (subs.get(r["submission_id"]) or {}).get("file_name") or "", "Minh họa": "có" if r["is_demo"] else "",
} for r in rows])
st.caption(f"{fmt.num(len(table))} dòng (tối đa 5.000 dòng mới nhất).")
ui.dataframe(table, status_columns=())
if len(table):
    st.download_button("⬇ Tải nhật ký (CSV, mở được bằng Excel)", table.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"nhat-ky-thay-doi-{today.isoformat()}.csv", mime="text/csv")
