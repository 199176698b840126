"""Tạo kế hoạch năm sau (administrators): start next year's plan from this year's — same scope,
agencies, targets, indicator links and categories; reporting periods moved a year; every value
blank for the administrator to fill in beside last year's. Saved into the catalogue and the
database only when every value is given. Its baselines come from this year's annual results of
the same indicators (no second report)."""
import math

import pandas as pd
import streamlit as st

from indicators import continuity, fmt, settings
from indicators.errors import AppError
from loaders import plan_doc
from pages import auth, ui

store, admin = auth.admin_page("Tạo kế hoạch năm sau")
st.caption("Chọn kế hoạch năm nay: kế hoạch năm sau giữ nguyên các chỉ tiêu, cơ quan, liên kết chỉ số; chỉ cần điền giá trị "
           "chỉ tiêu của năm mới. Mức cơ sở lấy từ kết quả cả năm của kế hoạch năm nay, không phải báo cáo lại.")
yearly = [s for s in store.plan_slugs() if not ui.plan(s).is_programme]
if not yearly:
    st.info("Chưa có kế hoạch một năm nào.")
    st.stop()
c1, c2 = st.columns([3, 1])
slug = c1.selectbox("Kế hoạch năm nay", yearly, key="next_from",
                    format_func=lambda s: f"{ui.plan(s).title} — {ui.plan(s).issuer} ({s})")
plan = ui.plan(slug)
year = int(c2.number_input("Năm của kế hoạch mới", value=plan.end_year + 1, min_value=plan.end_year + 1,
                           max_value=plan.end_year + 5, step=1, key=f"next_year_{slug}"))
with ui.guard():
    data = continuity.next_year_plan(plan, year)
new_slug = st.text_input("Mã kế hoạch mới (slug)", data["slug"], key=f"next_slug_{slug}_{year}",
                         help="Chữ thường không dấu và gạch nối")
data["slug"] = new_slug.strip()
exists = data["slug"] in store.plan_slugs() or (settings.plans_dir() / f"{data['slug']}.toml").exists()
data["title"] = st.text_input("Tên kế hoạch mới", data["title"], key=f"next_title_{slug}_{year}")
st.caption("Kỳ báo cáo và hạn của năm mới: " + "; ".join(
    f"{p['code']} (hạn {fmt.day(p['deadline'])})" for p in data["periods"]))

previous = {t.code: t for t in plan.measurable_targets()}
need = continuity.blank_codes(data)
registry = store.registry()
start = st.checkbox("Điền sẵn giá trị năm trước (sửa lại từng giá trị cho năm mới)", key=f"next_prefill_{slug}_{year}",
                    help="Mặc định để trống: mỗi giá trị của năm mới do người lập kế hoạch nhập.")
table = pd.DataFrame([{
    "Mã": c, "Nội dung chỉ tiêu": previous[c].text, "Đơn vị": fmt.UNIT_LABEL.get(previous[c].unit, previous[c].unit),
    "Chỉ tiêu năm trước": fmt.goal(previous[c]), "Giá trị năm mới": previous[c].target if start else None,
    "Chỉ số": registry.indicator(previous[c].indicator).name if registry.indicator(previous[c].indicator) else "—",
} for c in need], columns=["Mã", "Nội dung chỉ tiêu", "Đơn vị", "Chỉ tiêu năm trước", "Giá trị năm mới", "Chỉ số"])
st.markdown(f"**{len(need)}** chỉ tiêu cần giá trị năm {year} (các chỉ tiêu mốc, xu hướng giữ nguyên, chỉ dời hạn).")
edited = st.data_editor(table, key=f"next_values_{slug}_{year}_{int(start)}", hide_index=True, width="stretch",
                        disabled=["Mã", "Nội dung chỉ tiêu", "Đơn vị", "Chỉ tiêu năm trước", "Chỉ số"],
                        column_config={"Giá trị năm mới": st.column_config.NumberColumn(format="%g"),
                                       "Nội dung chỉ tiêu": st.column_config.TextColumn(width="large")})


def _value(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else float(v)


if exists:
    st.error(f"Đã có kế hoạch mã \"{ui.esc(data['slug'])}\". Đổi mã để tạo kế hoạch mới.")
if st.button("✔ Lưu kế hoạch năm sau", type="primary", disabled=exists, key="next_save"):
    values = {str(r["Mã"]): _value(r["Giá trị năm mới"]) for _, r in edited.iterrows()}
    try:
        new = continuity.fill(data, values, taken=store.plan_slugs())
        path = plan_doc.write_plan(new, settings.plans_dir(), comments={})
        try:
            store.load_catalogue([new], actor=admin.name)
        except BaseException:
            path.unlink(missing_ok=True)  # the catalogue file and the database: both or neither
            raise
    except AppError as exc:
        st.error(exc.message + "".join(f"  \n- {p}" for p in exc.problems)
                 + (f"  \n**Cách khắc phục:** {exc.hint}" if exc.hint else ""))
        st.stop()
    st.session_state["_plan"] = new.slug
    st.success(f"Đã lưu kế hoạch {new.slug} ({len(new.measurable_targets())} chỉ tiêu) vào {path.name} và cơ sở dữ liệu.")
    st.page_link("pages/overview.py", label="Xem Tổng quan", icon=":material/dashboard:")
