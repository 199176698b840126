"""Chi tiết chỉ tiêu: one target as written, its figures over the periods against the target line,
each reporting agency's figure and how the plan-level figure was formed, every submission behind it
and the history of corrections."""
import pandas as pd
import streamlit as st

from indicators import cascade, charts, fmt, periods, status
from pages import cycle_ui, ui

SOURCE = {"excel": "Tệp Excel", "demo": "Dữ liệu minh họa", "cli": "Dòng lệnh", "web": "Bảng điều khiển"}

slug, period = ui.header("Chi tiết chỉ tiêu")
with ui.guard():
    pp = ui.plan_progress(slug, period)
rows = {r.target.code: r for r in pp.rows}
codes = list(rows)
kept = st.session_state.setdefault("_target", {})
asked = ui.from_link("ma", rows, f"target_select_{slug}")  # ?ma=15a opens that target (links from elsewhere)
if asked is not None:
    kept[slug] = asked
if kept.get(slug) not in rows:
    kept[slug] = (pp.behind() or pp.rows)[0].target.code
code = st.selectbox("Chỉ tiêu", codes, index=codes.index(kept[slug]), key=f"target_select_{slug}",
                    format_func=lambda c: f"{c} — {status.display(rows[c].status)} — {fmt.clean_text(rows[c].target.text)[:110]}")
kept[slug] = code
ui.to_link("ma", code)  # the address bar names the target shown
row = rows[code]
t = row.target

st.markdown(f"## Chỉ tiêu {ui.esc(t.code)} &nbsp; {ui.chip(row.status)}", unsafe_allow_html=True)
if t.parent:
    st.markdown(f'<div class="why">Là một phần của chỉ tiêu {ui.esc(t.parent)}: “{ui.esc(fmt.clean_text(t.parent_text))}”</div>',
                unsafe_allow_html=True)
st.markdown(f'<div class="quote">{ui.esc(fmt.clean_text(t.text))}</div>', unsafe_allow_html=True)
if fmt.has_artefacts(t.text) or fmt.has_artefacts(t.parent_text):  # the catalogue keeps the source's text verbatim
    with st.expander("Nguyên văn trong văn bản kế hoạch"):
        st.caption("Đúng như trong văn bản kế hoạch (kể cả ký hiệu công thức, dấu nhấn mạnh); phía trên là bản dễ đọc.")
        if t.parent and t.parent_text:
            st.markdown(f'<div class="why">Chỉ tiêu {ui.esc(t.parent)}:</div>'
                        f'<div class="quote" data-verbatim="parent">{ui.verbatim(t.parent_text)}</div>', unsafe_allow_html=True)
        st.markdown(f'<div class="quote" data-verbatim="text">{ui.verbatim(t.text)}</div>', unsafe_allow_html=True)

if t.kind == "milestone":
    baseline = "Không áp dụng (chỉ tiêu mốc)"
elif t.baseline is not None:
    baseline = f"{fmt.with_unit(t.baseline, t.unit)} (năm {t.baseline_year}, ghi trong kế hoạch)"
elif row.baseline.method == "carried":  # continuity: last year's annual actual of the same indicator and scope
    baseline = f"{fmt.actual(row.baseline.value, t.unit)} (lấy từ {row.baseline.origin}, không phải báo cáo lại)"
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
indicator = ui.store().registry().indicator(t.indicator)
facts.append(("Chỉ số", f"{indicator.name} (mã {indicator.code})" if indicator else "Chưa gắn với chỉ số nào"))
if t.categories:
    facts.append(("Phân tổ", ", ".join(t.category_names)))
parent, tracked = cascade.parent_of(ui.store(), pp.plan)
if parent:
    facts.append(("Kế hoạch cấp trên", parent))
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

if row.categories:
    st.markdown(f"### Theo phân tổ — kỳ {periods.label(period)}")
    ui.html_table(["Phân tổ", "Chỉ tiêu", "Kết quả", "Tử số", "Mẫu số", "Tình trạng"], [
        [f"<b>{ui.esc(x.name)}</b>", ui.esc(fmt.target_phrase(t.comparator, x.target.target, t.unit)
                                             if x.target.target is not None else "—"),
         ui.num_html(fmt.actual(x.figure.value, t.unit)), fmt.num(x.figure.numerator), fmt.num(x.figure.denominator),
         ui.chip(x.judgement.status) if x.judgement else "—"] for x in row.categories]
        + [["<b>Toàn bộ</b>", ui.esc(fmt.with_unit(t.target, t.unit) if t.target is not None else "—"),
            ui.num_html(fmt.actual(row.figure.value, t.unit)), fmt.num(row.figure.numerator),
            fmt.num(row.figure.denominator), ui.chip(row.status)]],
        widths=[22, 16, 14, 14, 14, 20], num_cols=(2, 3, 4))
    st.caption(row.figure.explain(t) if row.figure.method == "categories" else
               "Toàn bộ: số liệu báo cáo cho cả chỉ tiêu; khi để trống, tính từ các phân tổ bằng Σ tử số / Σ mẫu số.")

if indicator is not None:
    past = ui.indicator_history(slug, code)
    if len({r.plan.slug for r in past}) > 1 or len(past) > 1:
        st.markdown(f"### {ui.esc(indicator.name)} — {ui.esc(pp.plan.scope)} qua các kế hoạch")
        st.caption("Mỗi năm: chỉ tiêu của kế hoạch năm đó và kết quả (kỳ năm, nếu chưa có thì kỳ 6 tháng).")
        ui.html_table(["Năm", "Kế hoạch", "Mã", "Chỉ tiêu", "Kết quả", "Kỳ", "Tình trạng"], [
            [str(r.year), ui.esc(r.plan.slug), ui.esc(r.target.code),
             ui.esc(fmt.target_phrase(r.comparator, r.goal, t.unit) if r.goal is not None else fmt.goal(r.target)),
             ui.num_html(fmt.actual(r.actual, t.unit)), ui.esc(r.period), ui.chip(r.result.status)] for r in past],
            widths=[8, 22, 6, 18, 14, 10, 22], num_cols=(4,))
        ui.chart(charts.indicator_history(past, t.unit, title=f"{indicator.name} qua các năm"),
                 charts.file_name("lịch sử chỉ số", slug, t.code), key="indicator_history_chart")

st.markdown(f"### Số liệu từng cơ quan báo cáo — kỳ {periods.label(period)}")
used = {x.agency for x in row.figure.sources}
reported = ui.reports(slug, period, code).get((code, period), [])
reported = sorted(reported, key=lambda x: (x.agency != t.lead_agency, x.agency not in t.agencies))
reported = ui.capped(reported, "cơ quan, đơn vị đã báo cáo")
if reported:
    ui.html_table(["Cơ quan", "Vai trò", "Kết quả", "Tử số", "Mẫu số", "Dùng để tính số liệu kế hoạch"], [
        [f"<b>{ui.esc(x.agency)}</b>",
         "Chủ trì" if x.agency == t.lead_agency else "Phối hợp" if x.agency in t.agencies else "Đơn vị khác",
         ui.num_html(fmt.actual(x.text if t.kind == "milestone" else x.value, t.unit))
         + (f'<div class="why">{ui.esc(x.category)}</div>' if x.category else ""), fmt.num(x.numerator),
         fmt.num(x.denominator), "✔ có" if x.agency in used and x.category is None else "không"] for x in reported],
        row_attrs=[f'data-agency="{ui.esc(x.agency)}"' for x in reported], widths=[28, 12, 14, 12, 12, 22],
        num_cols=(2, 3, 4))
else:
    st.markdown(f"Chưa cơ quan nào báo cáo chỉ tiêu này cho kỳ {periods.label(period)}.")
method = {"lead": "Số liệu của cơ quan chủ trì", "aggregated": "Tổng hợp từ các đơn vị", "none": "Chưa có",
          "categories": "Tổng hợp từ các phân tổ", "carried": "Lấy từ kế hoạch trước"}[row.figure.method]
st.markdown(f"**Số liệu cấp kế hoạch:** {ui.esc(fmt.actual(row.judgement.actual, t.unit))} — {method}. "
            f"{ui.esc(row.figure.explain(t))}", unsafe_allow_html=True)

st.markdown("### Các lần nộp số liệu")
versions = sorted(ui.history(slug, code), key=lambda v: (periods.sort_key(v["period"]), v["agency"], v["category"] or "",
                                                        -v["version"]))


def _value(v) -> str:
    shown = fmt.actual(v["text_value"] if t.kind == "milestone" else v["value"], t.unit)
    if v["numerator"] is not None and v["denominator"] is not None:
        shown += f" ({fmt.num(v['numerator'])} / {fmt.num(v['denominator'])})"
    return shown


by_version = {(v["period"], v["agency"], v["category"], v["version"]): v for v in versions}


def _who(v) -> str:
    return ui.esc(v["agency"]) + (f'<div class="why">phân tổ: {ui.esc(v["category"])}</div>' if v["category"] else "")
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
        [periods.label(v["period"]).capitalize(), _who(v), str(v["version"]), ui.esc(_value(v))
         + (f'<div class="why">{ui.esc(v["note"])}</div>' if v["note"] else ""), ui.esc(v["recorded_by"]),
         fmt.moment(v["received_at"]), ui.esc(v["file_name"] or "—") + ui.demo_tag(v["is_demo"])
         + (f'<div class="why">{SOURCE.get(v["source"], ui.esc(v["source"]))}</div>' if v["source"] != "demo" else ""),
         cycle_ui.validity(v)] for v in versions], widths=[14, 17, 7, 15, 9, 12, 14, 12], num_cols=(2,))

    st.markdown("### Lịch sử đính chính")
    fixes = []
    for old in corrected[:ui.TABLE_ROWS]:
        if old.get("withdrawn_at") is not None:  # withdrawn: superseded by nothing (docs/reporting-cycle.md)
            fixes.append([periods.label(old["period"]).capitalize(), _who(old), f"{old['version']} → rút lại",
                          ui.esc(_value(old)), "— (rút lại: " + ui.esc(old["withdrawn_reason"]) + ")",
                          fmt.moment(old["withdrawn_at"]), ui.esc(old["withdrawn_by"]), "—"])
            continue
        new = by_version.get((old["period"], old["agency"], old["category"], old["version"] + 1))
        fixes.append([periods.label(old["period"]).capitalize(), _who(old),
                      f"{old['version']} → {new['version'] if new else '?'}", ui.esc(_value(old)),
                      ui.esc(_value(new)) if new else "—", fmt.moment(old["superseded_at"]),
                      ui.esc(new["recorded_by"]) if new else "—", ui.esc((new or {}).get("file_name") or "—")])
    if fixes:
        ui.html_table(["Kỳ", "Cơ quan", "Phiên bản", "Giá trị cũ", "Giá trị mới", "Thời điểm đính chính",
                       "Người đính chính", "Tệp"], fixes, widths=[14, 17, 8, 13, 13, 13, 10, 12])
    else:
        st.markdown("Chưa có lần đính chính nào: mỗi số liệu mới nộp một lần.")

cycle_ui.withdraw_section(slug, t, period, ui.history(slug, code))
