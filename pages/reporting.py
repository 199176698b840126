"""Tình hình báo cáo: each expected report of a plan and period, its deadline and state;
completeness (received / expected) and timeliness (received by the deadline / expected)."""
import pandas as pd
import streamlit as st

from indicators import charts, fmt, periods, reporting
from pages import ui

slug, period = ui.header("Tình hình báo cáo")
with ui.guard():
    plan = ui.plan(slug)
    every = ui.expected_reports(slug)
today = ui.today()
order = {reporting.MISSING: 0, reporting.LATE: 1, reporting.NOT_DUE: 2, reporting.ON_TIME: 3}
mine = sorted((r for r in every if r.period == period),
              key=lambda r: (order[r.state], -(r.days_late or 0), reporting.vi_key(r.agency)))
s = reporting.summarise(mine)

st.markdown(f"#### Kỳ {periods.label(period)} — hạn nộp {fmt.day(plan.period(period).deadline)}")
st.caption(f"Tính đến ngày {fmt.day(today)}. Phải nộp: mỗi cơ quan chủ trì hoặc phối hợp ít nhất một chỉ tiêu, mỗi kỳ "
           "một báo cáo. Nộp trong ngày hạn vẫn là đúng hạn; lần nộp đầu tiên quyết định đúng hạn hay muộn.")
c = st.columns(4)
c[0].metric("Phải nộp", s.expected, border=True)
c[1].metric("Đã nhận", s.received, border=True)
c[2].metric("Tỷ lệ đầy đủ", fmt.percent(s.completeness), border=True, help="Số báo cáo đã nhận / số báo cáo phải nộp")
c[3].metric("Tỷ lệ đúng hạn", fmt.percent(s.timeliness), border=True,
            help="Số báo cáo nhận trong hạn (kể cả ngày hạn) / số báo cáo phải nộp")
st.markdown('<div class="chips">' + "".join(ui.state_chip(x, s.count(x)) for x in reporting.STATES) + "</div>",
            unsafe_allow_html=True)
st.write("")
full = pd.DataFrame([{"Cơ quan": r.agency, "Vai trò": ", ".join(reporting.ROLE_LABEL[x] for x in r.roles),
                      "Trạng thái": reporting.STATE_LABEL[r.state], "Số ngày quá hạn": r.days_late,
                      "Nhận lần đầu": fmt.moment(r.received_at), "Số lần nộp": r.submissions,
                      "Tệp gần nhất": r.file_name or ""} for r in mine]) if len(mine) > ui.TABLE_ROWS else None
shown = ui.capped(mine, "báo cáo", full, f"tinh-hinh-bao-cao-{slug}-{period}")
ui.html_table(["Cơ quan", "Vai trò", "Trạng thái", "Số ngày quá hạn", "Nhận lần đầu", "Số lần nộp", "Tệp gần nhất"], [
    [f"<b>{ui.esc(r.agency)}</b>", ", ".join(reporting.ROLE_LABEL[x] for x in r.roles), ui.state_chip(r.state),
     str(r.days_late) if r.days_late is not None else "—", fmt.moment(r.received_at), str(r.submissions),
     ui.esc(r.file_name or "—") + ui.demo_tag(r.is_demo)] for r in shown],
    row_attrs=[f'data-agency="{ui.esc(r.agency)}" data-state="{r.state}"' for r in shown],
    widths=[27, 11, 20, 9, 13, 7, 13], num_cols=(3, 5))
st.caption("Số ngày quá hạn: với báo cáo nộp muộn là số ngày trễ khi nộp; với báo cáo chưa nộp là số ngày đã quá hạn "
           f"tính đến hôm nay. {fmt.DEMO_TAG}: báo cáo thuộc dữ liệu minh họa (vẫn được tính).")

others = [x for x in reporting.unexpected_submissions(plan, ui.targets(slug), ui.submissions(slug)) if x["period"] == period]
if others:
    st.caption("Báo cáo của đơn vị không phụ trách chỉ tiêu nào (không tính vào tỷ lệ): " + "; ".join(
        f"{x['agency']} ({fmt.moment(x['received_at'])})" for x in others))

st.markdown("#### Mọi kỳ của kế hoạch")
summaries = reporting.by_period(every)
ui.html_table(["Kỳ", "Hạn nộp", "Phải nộp", "Đã nhận", "Trạng thái các báo cáo", "Tỷ lệ đầy đủ", "Tỷ lệ đúng hạn"], [
    [periods.label(p).capitalize(), fmt.day(plan.period(p).deadline), str(x.expected), str(x.received),
     '<div class="chips">' + "".join(ui.state_chip(k, x.count(k)) for k in reporting.STATES if x.count(k)) + "</div>",
     fmt.percent(x.completeness), fmt.percent(x.timeliness)] for p, x in summaries.items()],
    row_attrs=[f'data-period="{p}"' for p in summaries], widths=[17, 11, 8, 8, 32, 12, 12], num_cols=(2, 3, 5, 6))
fig = charts.report_states(summaries, title="Báo cáo theo kỳ")
ui.chart(fig, charts.file_name("tình hình báo cáo", slug), key="report_states")
