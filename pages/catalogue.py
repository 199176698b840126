"""Danh mục kế hoạch: the plans and their targets as the catalogue holds them."""
import pandas as pd
import streamlit as st

from indicators import fmt, periods
from pages import ui

slug, _ = ui.header("Danh mục kế hoạch và chỉ tiêu", with_period=False)
plan = ui.plan(slug)
targets = ui.targets(slug)
v = ui.verbatim
st.markdown(f"**{v(plan.title)}**  \n{v(plan.issuer)} ({fmt.level_label(plan.level)}) · {v(plan.doc_number)} · "
            f"{v(plan.doc_date)}  \nCơ quan thường trực: **{v(plan.standing_agency)}**")
if plan.implements:
    st.caption(f"Thực hiện: {v(plan.implements)}")
st.markdown("**Kỳ báo cáo**")
st.dataframe(pd.DataFrame([{"Kỳ": periods.label(p.code).capitalize(), "Hạn báo cáo": fmt.day(p.deadline), "Gửi về": p.recipient}
                           for p in plan.periods]), hide_index=True, width="stretch")
st.markdown(f"**{len(targets)} chỉ tiêu đo lường được**")
st.dataframe(pd.DataFrame([{"Mã": t.code, "Nội dung chỉ tiêu": fmt.clean_text(t.text), "Chỉ tiêu": fmt.goal(t),
                            "Cơ quan chủ trì": t.lead_agency, "Cơ quan phối hợp": ", ".join(t.coordinating)}
                           for t in targets]), hide_index=True, width="stretch")
