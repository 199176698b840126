"""Theo chương trình: one target of a plan above (the national programme, a province's plan) and a
year; every plan below it that tracks the same indicator, with its target for the year, its latest
actual and status, and the flags (weaker than the road, no target, no report); who is furthest
from the road (docs/indicators.md, cascade)."""
import pandas as pd
import streamlit as st

from indicators import cascade, charts, fmt, status
from indicators.settings import now_local
from pages import ui

ui.style()
st.title("Theo chương trình")
st.caption("Chọn một chỉ tiêu của kế hoạch cấp trên và một năm: mọi kế hoạch cấp dưới (theo dòng kế hoạch cha) có cùng "
           "chỉ số hiện ra với chỉ tiêu năm đó, kết quả mới nhất và tình trạng.")
store = ui.store()
parents = store.plan_parents()
with_children = [s for s in store.plan_slugs() if s in parents.values()]
if not with_children:
    st.info("Chưa kế hoạch nào nêu kế hoạch cha (dòng parent trong tệp danh mục), nên chưa có gì để xem theo chương trình.")
    st.stop()
plans = {s: ui.plan(s) for s in with_children}
c1, c2, c3, c4 = st.columns([3, 4, 1, 2])
slug = c1.selectbox("Kế hoạch cấp trên", with_children, key="cascade_plan",
                    format_func=lambda s: f"{plans[s].title} ({plans[s].issuer}, {plans[s].years})")
plan = plans[slug]
linked = [t for t in ui.targets(slug) if t.indicator]
if not linked:
    st.info("Chưa chỉ tiêu nào của kế hoạch này gắn với chỉ số (trang Liên kết chỉ số).")
    st.stop()
registry = store.registry()
names = {t.code: getattr(registry.indicator(t.indicator), "name", t.indicator) for t in linked}
codes = [t.code for t in linked]
asked = st.query_params.get("ma")
code = c2.selectbox("Chỉ tiêu", codes, index=codes.index(asked) if asked in codes else 0, key=f"cascade_code_{slug}",
                    format_func=lambda c: f"{c} — {names[c]}")
years = list(range(plan.start_year, plan.end_year + 1))
this_year = now_local().year
year = c3.selectbox("Năm", years, index=years.index(this_year) if this_year in years else len(years) - 1,
                    key=f"cascade_year_{slug}")
depth = c4.radio("Cấp dưới", ["Mọi cấp", "Trực tiếp"], horizontal=True, key="cascade_depth")
with ui.guard():
    c = ui.cascade(slug, code, year, 1 if depth == "Trực tiếp" else None)
t, unit = c.target, c.target.unit
ui.demo_banner(slug, *{r.plan.slug for r in c.rows})

facts = [f"**{ui.esc(names[code])}** ({ui.esc(fmt.UNIT_LABEL.get(unit, unit))})"]
if c.milestone is not None:
    facts.append(f"Mốc đang xét: {ui.esc(fmt.target_phrase(c.comparator, c.milestone, unit))} năm {c.milestone_year}")
if c.road is not None and c.milestone_year != year:
    facts.append(f"Lộ trình năm {year}: {ui.esc(fmt.with_unit(c.road, unit))} (đường thẳng từ điểm trước tới mốc)")
if c.own is not None:
    facts.append(f"{ui.esc(plan.scope.capitalize())}: {ui.esc(fmt.actual(c.own.figure.value, unit))} {ui.chip(c.own.status)}")
st.markdown(" · ".join(facts), unsafe_allow_html=True)
counts = c.counts()
cols = st.columns(4)
cols[0].metric("Kế hoạch cấp dưới", fmt.num(len({r.plan.slug for r in c.rows})))
for col, flag in zip(cols[1:], cascade.FLAG_LABEL):
    col.metric(cascade.FLAG_LABEL[flag], fmt.num(counts[flag]))

if not c.rows:
    st.info(f"Chưa có kế hoạch cấp dưới nào của {plan.slug} trong năm {year}.")
    st.stop()
st.markdown(f"### Các kế hoạch cấp dưới — năm {year}")
shown = ui.capped(c.rows, "kế hoạch cấp dưới")
ui.html_table(["Kế hoạch", "Phạm vi", "Cấp", "Mã", f"Chỉ tiêu {year}", "Kết quả", "Kỳ", "Tình trạng", "Cảnh báo"], [
    [ui.esc(r.plan.slug), ui.esc(r.plan.scope), ui.esc(fmt.level_label(r.plan.level)), ui.esc(r.target.code if r.target else "—"),
     ui.esc(r.goal_text()), ui.num_html(fmt.actual(r.actual, unit)), ui.esc(r.period or "—"),
     ui.chip(r.status) if r.status else "—", ui.esc("; ".join(cascade.FLAG_LABEL[f] for f in r.flags)) or "—"]
    for r in shown], row_attrs=[f'data-plan="{ui.esc(r.plan.slug)}"' for r in shown],
    widths=[15, 16, 9, 5, 12, 9, 7, 13, 14], num_cols=(5,))
if any(r.result and r.result.categories for r in c.rows):
    st.markdown("**Theo phân tổ**")
    split = [{"Phạm vi": r.plan.scope, "Phân tổ": x.name, "Kết quả": fmt.actual(x.figure.value, unit),
              "Tình trạng": status.display(x.judgement.status) if x.judgement else "—"}
             for r in c.rows if r.result for x in r.result.categories]
    ui.dataframe(pd.DataFrame(split))

ranked = c.ranking()
if ranked:
    st.markdown(f"### Xếp hạng theo khoảng cách tới lộ trình năm {year}")
    st.caption("Xa lộ trình nhất ở trên cùng; đường nét đứt là giá trị của cấp trên cho năm này.")
    fig = charts.cascade_ranking(c, title=f"{names[code]} — {year}")
    ui.chart(fig, charts.file_name("theo chương trình", slug, code, str(year)), key="cascade_chart")
