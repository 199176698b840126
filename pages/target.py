"""Chi tiết chỉ tiêu: one target as written, its figures over the periods against the target line,
each reporting agency's figure and how the plan-level figure was formed, every submission behind it
and the history of corrections."""
import pandas as pd
import streamlit as st

from indicators import charts, fmt, periods, status
from pages import ui

SOURCE = {"excel": "Tệp Excel", "demo": "Dữ liệu minh họa", "cli": "Dòng lệnh", "web": "Bảng điều khiển"}

slug, period = ui.header("Chi tiết chỉ tiêu")
with ui.guard():
    pp = ui.plan_progress(slug, period)
rows = {r.target.code: r for r in pp.rows}
codes = list(rows)
kept = st.session_state.setdefault("_target", {})
asked = st.query_params.get("ma")  # ?ma=15a opens that target (links from elsewhere)
if asked in rows:
    kept[slug] = asked
    del st.query_params["ma"]
if kept.get(slug) not in rows:
    kept[slug] = (pp.behind() or pp.rows)[0].target.code
code = st.selectbox("Chỉ tiêu", codes, index=codes.index(kept[slug]), key=f"target_select_{slug}",
                    format_func=lambda c: f"{c} — {status.display(rows[c].status)} — {rows[c].target.text[:110]}")
kept[slug] = code
row = rows[code]
t = row.target

st.markdown(f"## Chỉ tiêu {ui.esc(t.code)} &nbsp; {ui.chip(row.status)}", unsafe_allow_html=True)
if t.parent:
    st.markdown(f'<div class="why">Là một phần của chỉ tiêu {ui.esc(t.parent)}: “{ui.esc(t.parent_text)}”</div>',
                unsafe_allow_html=True)
st.markdown(f'<div class="quote">{ui.esc(t.text)}</div>', unsafe_allow_html=True)

if t.kind == "milestone":
    baseline = "Không áp dụng (chỉ tiêu mốc)"
elif t.baseline is not None:
    baseline = f"{fmt.with_unit(t.baseline, t.unit)} (năm {t.baseline_year}, ghi trong kế hoạch)"
else:
    baseline = f"{fmt.actual(row.baseline.value, t.unit)} (kết quả {periods.label(pp.plan.baseline_period)})"
group = next((g.title for g in pp.plan.goal_groups if g.code == t.group), "—")
facts = [
    ("Chỉ tiêu", fmt.goal(t)),
    ("Đơn vị tính", fmt.UNIT_LABEL.get(t.unit, t.unit)),
    ("Phép so sánh", f"{fmt.COMPARATOR_SYMBOL[t.comparator]} ({fmt.COMPARATOR_WORDS[t.comparator]})"),
    ("Giá trị chỉ tiêu", fmt.with_unit(t.target, t.unit) + (f" trên tổng số {fmt.num(t.of)}" if t.of else "")),
    ("Mức phấn đấu", fmt.with_unit(t.aspiration, t.unit)),
    ("Mức cơ sở", baseline),
    ("Năm của chỉ tiêu", str(t.target_year)),
    ("Loại chỉ tiêu", fmt.KIND_LABEL.get(t.kind, t.kind) + (f", hạn {fmt.day(t.due)}" if t.due else "")),
    ("Nhóm mục tiêu", group),
    ("Cơ quan chủ trì", t.lead_agency),
    ("Cơ quan phối hợp", ", ".join(t.coordinating) or "—"),
]
if pp.plan.is_programme and t.milestones:
    facts[3] = ("Các mốc", "; ".join(fmt.milestone_phrase(m, t) for m in t.milestones))
    facts[6] = ("Kết quả các mốc", row.milestone_note)
if t.category:
    facts.insert(2, ("Áp dụng cho", t.category))
for reason in t.review:
    st.warning(f"Chỉ tiêu cần xem lại: {reason}", icon=":material/flag:")
left, right = st.columns([2, 3], gap="medium")
with left:
    ui.html_table(["Thông tin", "Giá trị"], [[f"<b>{ui.esc(k)}</b>", ui.esc(v)] for k, v in facts], widths=[36, 64])
with right:
    st.markdown(f"**Tình trạng kỳ {periods.label(period)}:** {ui.chip(row.status)}", unsafe_allow_html=True)
    st.markdown(f"Kết quả **{ui.esc(fmt.actual(row.judgement.actual, t.unit))}** so với chỉ tiêu "
                f"**{ui.esc(fmt.goal(t))}** · {ui.esc(ui.change_text(row))}", unsafe_allow_html=True)
    st.info(row.judgement.explanation)
    over = ui.target_over_periods(slug, code)
    if t.kind == "milestone":
        answers = []
        for p in [x.code for x in pp.plan.periods]:  # a milestone has no baseline period
            other = over[p]
            answers.append({"Kỳ": periods.label(p).capitalize(), "Báo cáo": other.figure.text or "—",
                            "Tình trạng": status.display(other.status)})
        ui.dataframe(pd.DataFrame(answers))
    else:
        fig = charts.target_history(t, pp.plan, over, title=f"Chỉ tiêu {t.code} qua các kỳ")
        ui.chart(fig, charts.file_name("chi tiết chỉ tiêu", slug, t.code), key="history_chart")

st.markdown(f"### Số liệu từng cơ quan báo cáo — kỳ {periods.label(period)}")
used = {x.agency for x in row.figure.sources}
reported = ui.reports(slug, period, code).get((code, period), [])
reported = sorted(reported, key=lambda x: (x.agency != t.lead_agency, x.agency not in t.agencies))
reported = ui.capped(reported, "cơ quan, đơn vị đã báo cáo")
if reported:
    ui.html_table(["Cơ quan", "Vai trò", "Kết quả", "Tử số", "Mẫu số", "Dùng để tính số liệu kế hoạch"], [
        [f"<b>{ui.esc(x.agency)}</b>",
         "Chủ trì" if x.agency == t.lead_agency else "Phối hợp" if x.agency in t.agencies else "Đơn vị khác",
         ui.num_html(fmt.actual(x.text if t.kind == "milestone" else x.value, t.unit)), fmt.num(x.numerator),
         fmt.num(x.denominator), "✔ có" if x.agency in used else "không"] for x in reported],
        row_attrs=[f'data-agency="{ui.esc(x.agency)}"' for x in reported], widths=[28, 12, 14, 12, 12, 22],
        num_cols=(2, 3, 4))
else:
    st.markdown(f"Chưa cơ quan nào báo cáo chỉ tiêu này cho kỳ {periods.label(period)}.")
method = {"lead": "Số liệu của cơ quan chủ trì", "aggregated": "Tổng hợp từ các đơn vị", "none": "Chưa có"}[row.figure.method]
st.markdown(f"**Số liệu cấp kế hoạch:** {ui.esc(fmt.actual(row.judgement.actual, t.unit))} — {method}. "
            f"{ui.esc(row.figure.explain(t))}", unsafe_allow_html=True)

st.markdown("### Các lần nộp số liệu")
versions = sorted(ui.history(slug, code), key=lambda v: (periods.sort_key(v["period"]), v["agency"], -v["version"]))


def _value(v) -> str:
    shown = fmt.actual(v["text_value"] if t.kind == "milestone" else v["value"], t.unit)
    if v["numerator"] is not None and v["denominator"] is not None:
        shown += f" ({fmt.num(v['numerator'])} / {fmt.num(v['denominator'])})"
    return shown


by_version = {(v["period"], v["agency"], v["version"]): v for v in versions}
corrected = [v for v in versions if v["superseded_at"] is not None]
if len(versions) > ui.TABLE_ROWS:  # thousands of communes: corrected values and the lead's first
    versions = ui.capped(sorted(versions, key=lambda v: (v["superseded_at"] is None, v["agency"] != t.lead_agency)),
                         "phiên bản số liệu")
if not versions:
    st.markdown("Chưa có lần nộp nào cho chỉ tiêu này.")
else:
    st.caption("Mỗi dòng là một phiên bản số liệu, kèm lần nộp đã đưa nó vào (ai nộp, lúc nào, tệp nào). "
               "Kết quả (tử số / mẫu số) khi cơ quan báo cáo cả hai.")
    ui.html_table(["Kỳ", "Cơ quan", "Phiên bản", "Kết quả", "Người nộp", "Thời điểm nhận", "Tệp, nguồn", "Hiệu lực"], [
        [periods.label(v["period"]).capitalize(), ui.esc(v["agency"]), str(v["version"]), ui.esc(_value(v))
         + (f'<div class="why">{ui.esc(v["note"])}</div>' if v["note"] else ""), ui.esc(v["recorded_by"]),
         fmt.moment(v["received_at"]), ui.esc(v["file_name"] or "—") + ui.demo_tag(v["is_demo"])
         + (f'<div class="why">{SOURCE.get(v["source"], ui.esc(v["source"]))}</div>' if v["source"] != "demo" else ""),
         "Hiện hành" if v["superseded_at"] is None else f"Đã được thay thế lúc {fmt.moment(v['superseded_at'])}"]
        for v in versions], widths=[14, 17, 7, 15, 9, 12, 14, 12], num_cols=(2,))

    st.markdown("### Lịch sử đính chính")
    fixes = []
    for old in corrected[:ui.TABLE_ROWS]:
        new = by_version.get((old["period"], old["agency"], old["version"] + 1))
        fixes.append([periods.label(old["period"]).capitalize(), ui.esc(old["agency"]),
                      f"{old['version']} → {new['version'] if new else '?'}", ui.esc(_value(old)),
                      ui.esc(_value(new)) if new else "—", fmt.moment(old["superseded_at"]),
                      ui.esc(new["recorded_by"]) if new else "—", ui.esc((new or {}).get("file_name") or "—")])
    if fixes:
        ui.html_table(["Kỳ", "Cơ quan", "Phiên bản", "Giá trị cũ", "Giá trị mới", "Thời điểm đính chính",
                       "Người đính chính", "Tệp"], fixes, widths=[14, 17, 8, 13, 13, 13, 10, 12])
    else:
        st.markdown("Chưa có lần đính chính nào: mỗi số liệu mới nộp một lần.")
