"""Theo cơ quan: each responsible agency, its targets by status and its reports, ranked; drill-down."""
import streamlit as st

from indicators import charts, fmt, periods, reporting
from pages import ui

slug, period = ui.header("Theo cơ quan")
with ui.guard():
    pp = ui.plan_progress(slug, period)
    reports = ui.expected_reports(slug)
ranked = reporting.agencies(pp.rows, reports)

st.markdown(f"#### {len(ranked)} cơ quan chủ trì hoặc phối hợp — chỉ tiêu kỳ {periods.label(period)}")
st.caption("Xếp hạng: tỷ lệ chỉ tiêu chủ trì cần chú ý (chậm tiến độ, nguy cơ không đạt, không đạt) từ cao đến thấp, "
           "rồi số chỉ tiêu cần chú ý, số báo cáo chưa nộp hoặc nộp muộn, rồi tên cơ quan (thứ tự chữ cái tiếng Việt). "
           f"Báo cáo tính trên mọi kỳ của kế hoạch, đến ngày {fmt.day(ui.today())}.")
ui.html_table(
    ["Hạng", "Cơ quan", "Chỉ tiêu chủ trì theo tình trạng", "Cần chú ý", "Phối hợp", "Báo cáo (mọi kỳ)"],
    [[str(i), f"<b>{ui.esc(a.agency)}</b>", ui.count_chips(a.counts()),
      f"{a.behind}/{len(a.lead)} ({fmt.percent(a.behind_share, 0)})" if a.lead else "—",
      f"{len(a.coordinating)} chỉ tiêu" if a.coordinating else "—",
      '<div class="chips">' + "".join(ui.state_chip(s, a.reports.count(s)) for s in reporting.STATES
                                      if a.reports.count(s)) + "</div>"]
     for i, a in enumerate(ranked, 1)],
    row_attrs=[f'data-agency="{ui.esc(a.agency)}" data-behind="{a.behind}"' for a in ranked],
    widths=[7, 22, 27, 11, 9, 24], num_cols=(0, 3))
ui.legend()

led = [a for a in ranked if a.lead]
if led:
    fig = charts.status_bars([(a.agency, a.agency, a.counts()) for a in led], title="Chỉ tiêu chủ trì theo tình trạng",
                             axis_title="Số chỉ tiêu chủ trì")
    ui.chart(fig, charts.file_name("theo cơ quan", slug, period), key="agencies")

st.divider()
names = [a.agency for a in ranked]
kept = st.session_state.setdefault("_agency", {})
if kept.get(slug) not in names:
    kept[slug] = names[0]
name = st.selectbox("Xem chi tiết cơ quan", names, index=names.index(kept[slug]), key=f"agency_select_{slug}")
kept[slug] = name
a = next(x for x in ranked if x.agency == name)

st.markdown(f"### {ui.verbatim(name)}")
st.markdown(f"Chủ trì **{len(a.lead)}** chỉ tiêu (**{a.behind}** cần chú ý) · phối hợp **{len(a.coordinating)}** chỉ tiêu")
mine = [("Chủ trì", r) for r in a.lead] + [("Phối hợp", r) for r in a.coordinating]
if mine:
    ui.html_table(["Mã", "Vai trò", "Tình trạng", "Nội dung chỉ tiêu", "Kết quả", "Chỉ tiêu"], [
        [f"<b>{ui.esc(r.target.code)}</b>", role, ui.chip(r.status), ui.esc(fmt.clean_text(r.target.text)),
         ui.num_html(fmt.actual(r.judgement.actual, r.target.unit)), ui.num_html(fmt.goal(r.target))] for role, r in mine],
        row_attrs=[f'data-code="{ui.esc(r.target.code)}"' for _, r in mine], widths=[6, 10, 17, 43, 10, 14], num_cols=(4,), code_col=0)
st.markdown("**Báo cáo của cơ quan**")
ui.html_table(["Kỳ", "Hạn nộp", "Trạng thái", "Nhận lần đầu", "Số ngày quá hạn", "Số lần nộp", "Tệp gần nhất"], [
    [periods.label(x.period).capitalize(), fmt.day(x.deadline), ui.state_chip(x.state), fmt.moment(x.received_at),
     str(x.days_late) if x.days_late is not None else "—", str(x.submissions),
     ui.esc(x.file_name or "—") + ui.demo_tag(x.is_demo)] for x in a.report_rows],
    widths=[16, 12, 17, 14, 9, 8, 24], num_cols=(4, 5))
