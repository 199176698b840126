"""Chỉ tiêu cần chú ý: lagging, off track and not achieved targets, worst first, with their owner,
actual against target, the reason in words and the change since the previous period."""
import streamlit as st

from indicators import fmt, periods, reporting, status
from pages import ui

slug, period = ui.header("Chỉ tiêu cần chú ý")
with ui.guard():
    pp = ui.plan_progress(slug, period)
behind = pp.behind()
n = {s: sum(1 for r in behind if r.status == s) for s in status.BEHIND}

st.subheader(f"{len(behind)} / {len(pp.rows)} chỉ tiêu cần chú ý — kỳ {periods.label(period)}")
st.markdown("Xếp từ nặng đến nhẹ: " + " ".join(
    f"{ui.chip(s)} <b>{n[s]}</b>" for s in reversed(status.BEHIND)), unsafe_allow_html=True)

if not behind:
    st.success(f"Không có chỉ tiêu nào {status.LABEL[status.LAGGING].lower()}, "
               f"{status.LABEL[status.OFF_TRACK].lower()} hay {status.LABEL[status.NOT_ACHIEVED].lower()} "
               f"ở kỳ {periods.label(period)}.")
    st.stop()

owners = sorted({r.target.lead_agency for r in behind}, key=reporting.vi_key)
by_owner = {a: sum(1 for r in behind if r.target.lead_agency == a) for a in owners}
st.markdown("Theo cơ quan chủ trì: " + " · ".join(f"**{ui.verbatim(a)}**: {k}" for a, k in
                                                    sorted(by_owner.items(), key=lambda x: (-x[1], reporting.vi_key(x[0])))))
only = st.selectbox("Lọc theo cơ quan chủ trì", ["Tất cả"] + owners, key="lagging_owner")
shown = [r for r in behind if only == "Tất cả" or r.target.lead_agency == only]

rows, attrs = [], []
for r in shown:
    t = r.target
    text = ui.esc(fmt.clean_text(t.text)) + (f'<div class="why">Thuộc chỉ tiêu {ui.esc(t.parent)}</div>' if t.parent else "")
    rows.append([
        f"<b>{ui.esc(t.code)}</b>",
        ui.chip(r.status),
        text + f'<div class="why"><b>Lý do:</b> {ui.esc(r.judgement.explanation)}</div>',
        f"<b>{ui.esc(t.lead_agency)}</b>" + (f'<div class="why">Phối hợp: {ui.esc(", ".join(t.coordinating))}</div>'
                                              if t.coordinating else ""),
        f"<b>{ui.num_html(fmt.actual(r.judgement.actual, t.unit))}</b>",
        ui.num_html(fmt.goal(t)),
        ui.esc(ui.change_text(r)),
    ])
    attrs.append(f'data-code="{ui.esc(t.code)}" data-agency="{ui.esc(t.lead_agency)}" data-status="{r.status}"')
ui.html_table(["Mã", "Tình trạng", "Nội dung chỉ tiêu và lý do", "Cơ quan chủ trì", "Kết quả", "Chỉ tiêu",
               "Thay đổi so với kỳ trước"], rows, row_attrs=attrs, num_cols=(4,),
              widths=[5, 17, 33, 13, 9, 10, 13], code_col=0)
ui.legend()

st.divider()
codes = [r.target.code for r in shown]
col1, col2 = st.columns([3, 1], vertical_alignment="bottom")
with col1:
    code = st.selectbox("Xem chi tiết chỉ tiêu", codes, key="lagging_detail",
                        format_func=lambda c: f"{c} — {fmt.clean_text(next(r.target.text for r in shown if r.target.code == c))[:90]}")
with col2:
    if st.button("Mở trang chi tiết", width="stretch"):
        st.session_state.setdefault("_target", {})[slug] = code
        st.switch_page("pages/target.py")
