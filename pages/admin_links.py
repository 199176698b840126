"""Liên kết chỉ số (administrators): every measurable target of a plan beside the indicator it is
linked to and the one the product proposes (with what the proposal rests on); the administrator
confirms or changes a link, which is written into the plan's catalogue file beside the target and
loaded again (loaders.catalogue.confirm_link, the same path as `indicators link`)."""
import pandas as pd
import streamlit as st

from indicators import linking
from indicators.registry import link_problem
from loaders.catalogue import confirm_link
from pages import auth, ui

store, admin = auth.admin_page("Liên kết chỉ số")
st.caption("Mỗi chỉ tiêu đo lường được gắn với nhiều nhất một chỉ số trong danh mục chỉ số (data/indicators.toml). Hệ thống "
           "đề xuất theo cùng đơn vị, cùng chiều và độ giống của lời văn; quản trị xác nhận hoặc đổi. Liên kết được ghi vào tệp "
           "danh mục của kế hoạch, ngay bên cạnh chỉ tiêu.")
registry = store.registry()
if not registry.indicators:
    st.warning("Chưa có danh mục chỉ số: thêm data/indicators.toml rồi chạy `python -m indicators init`.")
    st.stop()
slug = ui.choose_plan("links_plan")
targets = [t for t in ui.targets(slug) if t.kind != "milestone"]
proposals = {p.code: p for p in linking.propose_all(targets, registry)}
names = {i.code: i.name for i in registry.indicators}

unlinked = sum(t.indicator is None for t in targets)
agree = sum(proposals[t.code].indicator == t.indicator for t in targets if t.indicator)
st.markdown(f"**{len(targets)}** chỉ tiêu đo lường được · **{len(targets) - unlinked}** đã gắn · **{unlinked}** chưa gắn · "
            f"đề xuất trùng liên kết đã xác nhận ở **{agree}/{len(targets) - unlinked}** chỉ tiêu đã gắn.")
ui.dataframe(pd.DataFrame([{
    "Mã": t.code, "Nội dung chỉ tiêu": t.text, "Đơn vị": t.unit,
    "Đã xác nhận": names.get(t.indicator, "—") if t.indicator else "—",
    "Đề xuất": names.get(proposals[t.code].indicator, "—") if proposals[t.code].indicator else "(không đề xuất)",
    "Giống (0–100)": round(proposals[t.code].score),
    "Căn cứ": "; ".join(proposals[t.code].reasons),
} for t in targets]), status_columns=())

st.subheader("Xác nhận hoặc đổi một liên kết")
by_code = {t.code: t for t in targets}
code = st.selectbox("Chỉ tiêu", list(by_code), key=f"links_code_{slug}",
                    format_func=lambda c: f"{c} — {by_code[c].text[:120]}")
t = by_code[code]
fits = [i.code for i in registry.indicators if link_problem(t, i) is None]
options = ["-"] + fits
current = t.indicator if t.indicator in fits else proposals[code].indicator
choice = st.selectbox("Chỉ số", options, index=options.index(current) if current in options else 0,
                      key=f"links_choice_{slug}_{code}",
                      format_func=lambda c: "(không gắn chỉ số)" if c == "-" else f"{names[c]} — {c}",
                      help="Chỉ liệt kê các chỉ số cùng đơn vị tính và cùng chiều với chỉ tiêu.")
st.caption(f"Đề xuất: {names.get(proposals[code].indicator, '(không)')} — {'; '.join(proposals[code].reasons)}")
if st.button("✔ Xác nhận liên kết", type="primary", key="links_confirm"):
    with ui.guard():
        confirm_link(store, slug, code, None if choice == "-" else choice, actor=admin.name)
        st.success(f"Đã ghi liên kết của chỉ tiêu {code} vào tệp danh mục {slug}.toml và nạp lại kế hoạch.")
