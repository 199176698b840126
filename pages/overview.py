"""Tổng quan: counts by status, the targets that need attention and who owns them, progress by
goal group, and every target placed against its target (direction-aware)."""
import streamlit as st

from indicators import charts, fmt, periods, status, webcharts
from pages import ui

slug, period = ui.header("Tổng quan")
with ui.guard():
    pp = ui.plan_progress(slug, period)
plan = pp.plan
behind = pp.behind()

st.markdown(f"#### {ui.verbatim(plan.issuer)} — kỳ {periods.label(period)}")
st.markdown(f"**{len(pp.rows)} chỉ tiêu** đo lường được, trong đó **{len(behind)} chỉ tiêu cần chú ý** "
            f"({status.LABEL[status.LAGGING]}, {status.LABEL[status.OFF_TRACK]} hoặc {status.LABEL[status.NOT_ACHIEVED]}).")
ui.status_cards(pp.counts())

if plan.is_programme:
    ui.milestone_table(pp)

left, right = st.columns([1, 1], gap="medium")
with left:
    st.markdown(f"**Cần chú ý ({len(behind)})** — nặng nhất trước")
    if behind:
        ui.html_table(["Mã", "Tình trạng", "Cơ quan chủ trì", "Kết quả / chỉ tiêu"], [
            [f"<b>{ui.esc(r.target.code)}</b>", ui.chip(r.status), ui.esc(r.target.lead_agency),
             f"{ui.num_html(fmt.actual(r.judgement.actual, r.target.unit))} / {ui.num_html(fmt.goal(r.target))}"]
            for r in behind], row_attrs=[f'data-code="{ui.esc(r.target.code)}"' for r in behind], widths=[10, 36, 27, 27], code_col=0)
        st.page_link("pages/lagging.py", label="Xem lý do từng chỉ tiêu cần chú ý", icon=":material/arrow_forward:")
    else:
        st.success("Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.")
with right:
    groups = pp.by_group()
    titles = {g.code: g.title for g in plan.goal_groups}
    counts = charts.group_counts(pp)
    title = "Tiến độ theo nhóm mục tiêu"
    name = charts.file_name("tổng quan", slug, period, "nhóm mục tiêu")
    ui.web_chart(webcharts.status_bars(counts, title=title, name=name), name, key="groups",
                 figure=lambda: charts.status_bars(counts, title=title, label_width=24, width_px=400))
    if titles:
        st.caption(" · ".join(ui.verbatim(titles[c]) for c in groups if c in titles))

unplotted = [r for r in pp.rows if charts.distance(r) is None]
if len(unplotted) < len(pp.rows):
    title = "Từng chỉ tiêu so với chỉ tiêu kế hoạch (bên phải là tốt hơn)"
    name = charts.file_name("tổng quan", slug, period)
    ui.web_chart(webcharts.target_positions(pp.rows, title=title, name=name), name, key="positions",
                 figure=lambda: charts.target_positions(pp.rows, title=title))
    st.caption("Mỗi thanh là một chỉ tiêu: độ dài là chênh lệch giữa kết quả và chỉ tiêu, tính bằng % giá trị chỉ tiêu "
               "và theo chiều của chỉ tiêu (chỉ tiêu \"dưới 9,4‰\" thì thấp hơn là tốt hơn). Vạch đen là mức chỉ tiêu; "
               "cột bên phải là kết quả thực hiện; màu là tình trạng; » « là thanh dài hơn khung. "
               "Di chuột lên một dòng để xem nội dung chỉ tiêu.")
else:
    st.info("Chưa có chỉ tiêu nào có số để vẽ biểu đồ so với chỉ tiêu (chỉ tiêu mốc hoặc chưa có số liệu).")
if unplotted:
    st.caption("Không có số để vẽ (chỉ tiêu mốc hoặc chưa có số liệu): " + "; ".join(
        f"{r.target.code} — {status.display(r.status)}" + (f" ({r.figure.text})" if r.figure.text else "")
        for r in unplotted))
