"""Plotly figures of the dashboard (and of later exports): pure plotly, no streamlit.

Every figure uses the one status palette (status.COLOR) with the text labels in its legend,
Vietnamese number separators (layout.separators = ",.") and hover texts formatted by indicators.fmt.
`config(filename)` gives the toolbar settings that download a figure as PNG under a Vietnamese
file name."""
from __future__ import annotations

import re
import textwrap

import plotly.graph_objects as go

from indicators import fmt, periods, reporting, status

FONT_SIZE = 15  # readable at 1280×800 and on a projector
ROW_PX = 24  # height of one bar in the horizontal bar charts
NEAR_ZERO = 1e-9
LEGEND_PX = 44  # room under the x axis title for the legend


# ---------------------------------------------------------------------------------------------
# Shared settings


def file_name(*parts: str) -> str:
    """'Tổng quan', 'son-la-2026', '2026-H1' -> 'tong-quan-son-la-2026-2026-H1' (no diacritics,
    safe on every system; period codes keep their case)."""
    out = []
    for part in parts:
        text = fmt.ascii_fold(part)
        if not re.fullmatch(r"\d{4}-H1", text):
            text = text.lower()
        text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
        if text:
            out.append(text)
    return "-".join(out)


def config(filename: str) -> dict:
    """Plotly config: the toolbar (shown on hover) downloads a PNG named `filename`."""
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": 1600, "height": 900, "scale": 1},
    }


def text_on(hex_color: str) -> str:
    """Black or white text, whichever reads better on `hex_color` (WCAG relative luminance)."""
    h = hex_color.lstrip("#")
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#111111" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(text or "", width)) or "—"


# A small white template, built once: plotly's named templates are deep-copied into every figure,
# which costs more than everything else a page does (speed budget: settings.PAGE_BUDGET_MS a page).
_GRID = dict(gridcolor="#e3e6ea", zerolinecolor="#c9ced6", linecolor="#c9ced6", automargin=True,
             title=dict(standoff=12), tickfont=dict(size=FONT_SIZE - 1))
TEMPLATE = go.layout.Template(layout=dict(
    paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", colorway=[status.COLOR[s] for s in status.STATUSES],
    xaxis=_GRID, yaxis=_GRID))


def _layout(*, height: int, title: str | None = None, bottom: int | None = None, **extra) -> dict:
    """Title at the top, legend at the bottom (both anchored to the figure, so they never overlap
    the plot, the toolbar or each other), Vietnamese separators, projector-sized type."""
    layout = dict(
        template=TEMPLATE,
        separators=",.",
        height=height,
        font=dict(size=FONT_SIZE, family="Noto Sans, Source Sans Pro, Arial, sans-serif", color="#1f2328"),
        margin=dict(l=10, r=30, t=76 if title else 30, b=bottom if bottom is not None else LEGEND_PX + 60),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0,
                    title=dict(text=""), font=dict(size=FONT_SIZE - 1), traceorder="normal"),
        hoverlabel=dict(font=dict(size=FONT_SIZE - 1), align="left"),
    )
    if title:
        layout["title"] = dict(text=title, x=0, xanchor="left", xref="container", y=1, yref="container",
                               yanchor="top", pad=dict(t=12, l=8), font=dict(size=FONT_SIZE + 3))
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if isinstance(value, dict) and isinstance(layout.get(key), dict) else value
    return layout


# ---------------------------------------------------------------------------------------------
# Every target against its target, direction-aware


def distance(row) -> float | None:
    """Signed distance of the plan-level figure from the value it is judged against, in % of that
    value; positive = better than the target, whatever the direction ('<' targets: lower is better).
    None for milestones and targets without a figure."""
    t, j = row.target, row.judgement
    value = row.figure.value
    goal = j.target if j.target is not None else t.target
    if t.kind == "milestone" or value is None or goal is None or row.status == status.NO_DATA:
        return None
    if t.comparator == "=":
        gap = -abs(value - goal)
    elif t.lower_is_better:
        gap = goal - value
    else:
        gap = value - goal
    if abs(goal) < NEAR_ZERO:  # a target of zero: count each unit as 100 %
        return 100.0 * gap
    return 100.0 * gap / abs(goal)


def _bar_label(value: float, unit: str) -> str:
    """Short label at the end of a bar: '16,3%', '9,3‰', '461,1' (per 100.000 without its suffix)."""
    return fmt.with_unit(value, unit) if unit in ("%", "‰") else fmt.num(value)


def target_positions(rows, *, title: str | None = None, clamp: float = 60.0) -> go.Figure:
    """One horizontal bar per target: how far its figure is from its target (right = better),
    coloured by status, one legend entry per status; targets without a number are listed apart."""
    plotted = [(r, distance(r)) for r in rows]
    plotted = [(r, d) for r, d in plotted if d is not None]
    order = [r.target.code for r, _ in plotted]
    traces = []
    for code in status.STATUSES:
        mine = [(r, d) for r, d in plotted if r.status == code]
        if not mine:
            continue
        traces.append(dict(
            type="bar", orientation="h", name=status.display(code), marker=dict(color=status.COLOR[code]),
            x=[max(-clamp, min(clamp, d)) for _, d in mine], y=[r.target.code for r, _ in mine],
            text=[_bar_label(r.figure.value, r.target.unit) + (" »" if d > clamp else "") + (" «" if d < -clamp else "")
                  for r, d in mine],
            textposition="outside", cliponaxis=False, textfont=dict(size=FONT_SIZE - 2),
            customdata=[[r.target.code, _wrap(fmt.clean_text(r.target.text)), fmt.actual(r.figure.value, r.target.unit),
                         fmt.goal(r.target), status.LABEL[r.status], fmt.num(d, 1), r.target.lead_agency] for r, d in mine],
            hovertemplate=("<b>Chỉ tiêu %{customdata[0]}</b> — %{customdata[4]}<br>%{customdata[1]}<br>"
                           "Kết quả: <b>%{customdata[2]}</b> · Chỉ tiêu: %{customdata[3]}<br>"
                           "Chênh lệch so với chỉ tiêu: %{customdata[5]}%<br>Chủ trì: %{customdata[6]}<extra></extra>"),
        ))
    lo = min([0.0] + [max(-clamp, d) for _, d in plotted])
    hi = max([0.0] + [min(clamp, d) for _, d in plotted])
    pad = max(6.0, (hi - lo) * 0.25)
    layout = _layout(
        height=max(260, ROW_PX * len(order) + 150), title=title, barmode="overlay", bargap=0.25,
        xaxis=dict(title=dict(text="Chênh lệch so với chỉ tiêu (% giá trị chỉ tiêu) — bên phải là tốt hơn",
                              font=dict(size=FONT_SIZE - 1)), ticksuffix="%", range=[lo - pad, hi + pad], zeroline=False),
        yaxis=dict(title=dict(text="Mã chỉ tiêu"), type="category", categoryorder="array",
                   categoryarray=list(reversed(order))),
        shapes=[dict(type="line", xref="x", yref="paper", x0=0, x1=0, y0=0, y1=1, line=dict(width=2, color="#1f2328"))],
        annotations=[dict(x=0, y=1.0, xref="x", yref="paper", yanchor="bottom", text="<b>Chỉ tiêu</b>", showarrow=False,
                          font=dict(size=FONT_SIZE - 2))],
    )
    return go.Figure(data=traces, layout=layout)


# ---------------------------------------------------------------------------------------------
# Counts by status per group (goal groups, agencies)


def status_bars(groups: list[tuple[str, str, dict[str, int]]], *, title: str | None = None,
                axis_title: str = "Số chỉ tiêu", label_width: int = 34, width_px: int = 900) -> go.Figure:
    """Stacked horizontal bars: one per (label, hover title, counts by status), best status first.
    `width_px` is roughly the width the chart gets, so the legend's rows get room below the axis."""
    labels = [_wrap(label, label_width) for label, _, _ in groups]
    traces = []
    for code in status.STATUSES:
        counts = [c.get(code, 0) for _, _, c in groups]
        if not any(counts):
            continue
        traces.append(dict(
            type="bar", orientation="h", name=status.display(code), marker=dict(color=status.COLOR[code]), y=labels,
            x=counts, text=[str(n) if n else "" for n in counts], textposition="inside", insidetextanchor="middle",
            textangle=0, textfont=dict(color=text_on(status.COLOR[code]), size=FONT_SIZE),
            customdata=[[_wrap(full, 70), status.LABEL[code]] for _, full, _ in groups],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}: <b>%{x}</b> chỉ tiêu<extra></extra>",
        ))
    lines = max([label.count("<br>") + 1 for label in labels] or [1])
    legend_rows = -(-len(traces) // max(1, width_px // 200)) if traces else 0
    bottom = 60 + 24 * legend_rows
    most = max([sum(c.values()) for *_, c in groups] or [0])
    layout = _layout(
        height=max(44, 20 + 18 * lines) * len(groups) + 76 + bottom, title=title, bottom=bottom,
        barmode="stack", bargap=0.3, uniformtext=dict(mode="show", minsize=FONT_SIZE - 3),
        xaxis=dict(title=dict(text=axis_title), rangemode="tozero", **({"dtick": 1} if most <= 12 else {})),
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(labels))),
    )
    return go.Figure(data=traces, layout=layout)


# ---------------------------------------------------------------------------------------------
# One target over its periods


def history_points(plan, rows: dict) -> list[tuple[str, float | None, str | None]]:
    """(period code, plan-level figure, status) per period from `rows` (period code -> the target's
    progress.TargetProgress, or None), in the order given; no status for the plan's baseline period
    (periods.is_baseline: it is the reference, not judged here) nor for a period without a figure."""
    points = []
    for code, row in rows.items():
        value = None if row is None else row.figure.value
        judged = row is not None and value is not None and not periods.is_baseline(code, plan)
        points.append((code, value, row.status if judged else None))
    return points


def target_history(target, plan, rows: dict, *, title: str | None = None) -> go.Figure:
    """The plan-level figure of one target at each period of `rows` (period code -> its
    progress.TargetProgress: baseline year, H1, year), each marker coloured by that period's status,
    with the target (and aspiration) as horizontal lines; the baseline period is labelled and drawn
    as such (periods.is_baseline). The target page and `bench` both draw it through here."""
    points = history_points(plan, rows)
    x = [_period_axis_label(code, plan) for code, _, _ in points]
    traces = [dict(type="scatter", x=x, y=[v for _, v, _ in points], mode="lines", line=dict(color="#8a8f98", width=2),
                   showlegend=False, hoverinfo="skip", connectgaps=False)]
    seen: set[str] = set()
    for (code, value, st_code), label in zip(points, x):
        if value is None:
            continue
        key = st_code or "baseline"
        traces.append(dict(
            type="scatter", x=[label], y=[value], mode="markers+text",
            name=status.display(st_code) if st_code else f"Mức cơ sở (năm {plan.start_year - 1})", legendgroup=key,
            showlegend=key not in seen,
            marker=dict(size=16, color=status.COLOR[st_code] if st_code else "#5f6368",
                        line=dict(color="#ffffff", width=2), symbol="circle" if st_code else "square"),
            text=[fmt.with_unit(value, target.unit)], textposition="top center", textfont=dict(size=FONT_SIZE),
            hovertemplate=f"{periods.label(code)}: <b>{fmt.with_unit(value, target.unit)}</b>"
                          f"{' — ' + status.LABEL[st_code] if st_code else ''}<extra></extra>",
        ))
        seen.add(key)
    shapes, notes = [], []
    goal_value = target.target if target.kind not in ("yearly_change", "direction") else None
    marks: list[float] = []
    if plan.is_programme and target.milestones and target.kind not in ("yearly_change", "direction"):
        traces += _milestone_path(target, plan, points)
        marks = [m.target for m in target.milestones]
        goal_value = None  # the milestones stand in for the single target line
    for value, dash, color, text, anchor in (
            (goal_value, "dash", "#1f2328",
             f"Chỉ tiêu {fmt.target_phrase(target.comparator, goal_value, target.unit)}", "bottom"),
            (None if marks else target.aspiration, "dot", status.COLOR[status.ACHIEVED],
             f"Phấn đấu {fmt.with_unit(target.aspiration, target.unit)}", "top")):
        if value is None:
            continue
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=value, y1=value,
                           line=dict(dash=dash, color=color, width=2)))
        notes.append(dict(xref="paper", x=1, xanchor="right", yref="y", y=value, yanchor=anchor, text=text,
                          showarrow=False, font=dict(size=FONT_SIZE - 1, color=color)))
    values = ([v for _, v, _ in points if v is not None] + marks
              + [v for v in (goal_value, None if marks else target.aspiration) if v is not None])
    yaxis: dict = {}
    if values:
        lo, hi = min(values), max(values)
        pad = max((hi - lo) * 0.25, abs(hi) * 0.05, 0.5 if target.unit != "count" else 1)
        yaxis["range"] = [lo - pad, hi + pad]
    unit = fmt.UNIT_LABEL.get(target.unit, target.unit)
    better = ("thấp hơn là tốt hơn" if target.lower_is_better else
              "cao hơn là tốt hơn" if target.comparator != "=" else "càng gần chỉ tiêu càng tốt")
    layout = _layout(height=380, title=title, shapes=shapes, annotations=notes, xaxis=dict(type="category"),
                     yaxis=dict(title=dict(text=f"{unit} ({better})"), **yaxis))
    return go.Figure(data=traces, layout=layout)


def _milestone_path(target, plan, points) -> list[dict]:
    """A programme's roads: each milestone drawn at its year as a diamond ('Mốc 2025: ≥ 65%'), and
    for each a dashed straight road from the baseline (the plan's stated baseline, else the baseline
    period's figure) to it — the line the status measures pace against (docs/status-rules.md): a
    figure on the right side of the road to the governing milestone is on track."""
    on_axis = {code for code, _, _ in points}
    ms = [m for m in target.milestones if str(m.year) in on_axis]
    if not ms:
        return []
    base = next((v for code, v, _ in points if periods.is_baseline(code, plan)), None)
    start = None
    if target.baseline is not None and str(target.baseline_year) in on_axis:
        start = (_period_axis_label(str(target.baseline_year), plan), target.baseline)
    elif base is not None and target.baseline is None:
        start = (_period_axis_label(plan.baseline_period, plan), base)
    traces = []
    for i, m in enumerate(ms if start else []):
        traces.append(dict(
            type="scatter", x=[start[0], _period_axis_label(str(m.year), plan)], y=[start[1], m.target], mode="lines",
            name="Lộ trình từ mức cơ sở đến từng mốc", legendgroup="road", showlegend=i == 0,
            line=dict(color="#1f2328", width=2, dash="dash"), hoverinfo="skip"))
    traces.append(dict(
        type="scatter", x=[_period_axis_label(str(m.year), plan) for m in ms], y=[m.target for m in ms],
        mode="markers+text", name="Mốc của chương trình",
        marker=dict(symbol="diamond-open", size=20, color="#1f2328", line=dict(width=3)),
        text=[f"Mốc {m.year}: {fmt.milestone_value(m, target)}" for m in ms],
        textposition="bottom center", textfont=dict(size=FONT_SIZE - 1), hovertemplate="%{text}<extra></extra>"))
    return traces


def _period_axis_label(code: str, plan) -> str:
    p = periods.parse(code)
    if p.is_interim:
        return f"6 tháng {p.year}"
    return f"Năm {p.year}" + (" (cơ sở)" if periods.is_baseline(code, plan) else "")


# ---------------------------------------------------------------------------------------------
# Reports received per period


def report_states(summaries: dict[str, "reporting.Summary"], *, title: str | None = None) -> go.Figure:
    """Stacked bars per period: reports on time, late, missing, not yet due."""
    labels = [f"Kỳ {periods.label(code)}" for code in summaries]
    traces = []
    for state in reporting.STATES:
        counts = [s.count(state) for s in summaries.values()]
        if not any(counts):
            continue
        color = reporting.STATE_COLOR[state]
        traces.append(dict(
            type="bar", orientation="h", name=reporting.state_display(state),
            marker=dict(color=color), y=labels, x=counts, text=[str(n) if n else "" for n in counts],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=text_on(color), size=FONT_SIZE),
            hovertemplate=f"%{{y}}<br>{reporting.STATE_LABEL[state]}: <b>%{{x}}</b> báo cáo<extra></extra>",
        ))
    layout = _layout(height=70 * len(labels) + 150, title=title, barmode="stack", bargap=0.35,
                     xaxis=dict(title=dict(text="Số báo cáo phải nộp"), dtick=1, rangemode="tozero"),
                     yaxis=dict(categoryorder="array", categoryarray=list(reversed(labels))))
    return go.Figure(data=traces, layout=layout)


# ---------------------------------------------------------------------------------------------
# Briefing exports (issue 5): the same figures, laid out for files, slides and projectors


EXPORT_PX = 1600  # width of an exported image, in pixels
EXPORT_SCALE = 1.6  # laid out 1000 px wide, rendered 1,6×: type is 1,6× the dashboard's (24 px)


def group_counts(pp) -> list[tuple[str, str, dict[str, int]]]:
    """(short label with the number of targets, full title, counts by status) per goal group of a
    PlanProgress, in plan order; a plan without goal groups has one bar, "Tất cả chỉ tiêu"."""
    titles = {g.code: g.title for g in pp.plan.goal_groups}
    out = []
    for code, members in pp.by_group().items():
        title = titles.get(code) or "Tất cả chỉ tiêu"
        out.append((f"{title.split(':')[0]} ({len(members)})", title,
                    {s: sum(1 for r in members if r.status == s) for s in status.STATUSES}))
    return out


def agency_counts(pp) -> list[tuple[str, str, dict[str, int]]]:
    """(agency, agency, counts by status of the targets it leads), the largest share behind first,
    then most targets behind, then name in Vietnamese order."""
    rows = []
    for agency, members in pp.by_agency().items():
        behind = sum(1 for r in members if r.status in status.BEHIND)
        counts = {s: sum(1 for r in members if r.status == s) for s in status.STATUSES}
        rows.append(((-behind / len(members), -behind, reporting.vi_key(agency)), (agency, agency, counts)))
    return [item for _, item in sorted(rows, key=lambda x: x[0])]


def briefing(fig: go.Figure, *, caption: str, demo: bool) -> go.Figure:
    """A copy of a dashboard figure laid out for an exported image: 1000 layout px wide (rendered at
    EXPORT_SCALE, so 1600 px), the caption (plan, period, data date) under the title, and, when the
    figure shows demo data, the demo mark (fmt.DEMO_MARK) across the plot and at the head of the caption."""
    out = go.Figure(fig)
    lines = textwrap.wrap(caption, 118) or [""]
    sub = "<br>".join(lines)
    if demo:
        sub = f'<b><span style="color:{fmt.DEMO_RED}">{fmt.DEMO_MARK}</span></b> — {sub}'
    grow = 22 * len(lines) + 8
    title = out.layout.title.text or ""
    out.update_layout(
        width=EXPORT_PX / EXPORT_SCALE,
        height=(out.layout.height or 450) + grow,
        title=dict(text=f"<b>{title}</b>" if title else "", x=0, xanchor="left", xref="container", y=1,
                   yref="container", yanchor="top", pad=dict(t=12, l=8), font=dict(size=FONT_SIZE + 3),
                   subtitle=dict(text=sub, font=dict(size=FONT_SIZE - 2, color="#4a5058"))),
        margin=dict(t=(out.layout.margin.t or 30) + grow),
        hovermode=False,
    )
    if demo:
        out.add_annotation(text=fmt.DEMO_MARK, name="watermark", xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, textangle=-18, font=dict(size=64, color=fmt.rgba(fmt.DEMO_RED, 0.16)))
    return out


# ---------------------------------------------------------------------------------------------
# The cascade and an indicator's history across plans (docs/indicators.md)


def cascade_ranking(c, *, title: str | None = None, limit: int = 40) -> go.Figure:
    """One horizontal bar per place with a figure: its actual, coloured by its own status, the
    parent's value for the year as a dashed line; furthest behind at the top."""
    ranked = c.ranking()[:limit]
    unit = c.target.unit
    labels = [_wrap(r.plan.scope, 30) for r in ranked]
    traces = []
    for code in status.STATUSES:
        mine = [(lab, r) for lab, r in zip(labels, ranked) if r.status == code]
        if not mine:
            continue
        traces.append(dict(
            type="bar", orientation="h", name=status.display(code), marker=dict(color=status.COLOR[code]),
            y=[lab for lab, _ in mine], x=[r.actual for _, r in mine], text=[_bar_label(r.actual, unit) for _, r in mine],
            textposition="outside", cliponaxis=False,
            customdata=[[r.plan.slug, r.goal_text()] for _, r in mine],
            hovertemplate="%{y}<br>%{customdata[0]}: <b>%{x}</b> (chỉ tiêu %{customdata[1]})<extra></extra>"))
    shapes, notes = [], []
    if c.road is not None:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=c.road, x1=c.road, y0=0, y1=1,
                           line=dict(color="#1f2328", width=2, dash="dash")))
        notes.append(dict(xref="x", yref="paper", x=c.road, y=1, yanchor="bottom", showarrow=False,
                          text=f"Lộ trình {c.year}: {fmt.with_unit(c.road, unit)}", font=dict(size=FONT_SIZE - 1)))
    layout = _layout(height=max(260, 34 * len(ranked) + 180), title=title, shapes=shapes, annotations=notes,
                     xaxis=dict(title=dict(text=f"Kết quả ({fmt.UNIT_LABEL.get(unit, unit)})"), rangemode="tozero"),
                     yaxis=dict(categoryorder="array", categoryarray=list(reversed(labels))))
    return go.Figure(data=traces, layout=layout)


def indicator_history(rows, unit: str, *, title: str | None = None) -> go.Figure:
    """An indicator's history for one scope (continuity.HistoryRow per year and plan): the actual
    of each year as a line with its status-coloured points, each plan's value for the year as a
    dashed step; one x position per year."""
    years = [str(r.year) for r in rows]
    actual = [r.actual for r in rows]
    goals = [r.goal for r in rows]
    traces = [
        dict(type="scatter", mode="lines", name="Chỉ tiêu của kế hoạch", x=years, y=goals, line=dict(color="#1f2328", dash="dash"),
             line_shape="hv", customdata=[[r.plan.slug] for r in rows],
             hovertemplate="%{x}: chỉ tiêu <b>%{y}</b> (%{customdata[0]})<extra></extra>"),
        dict(type="scatter", mode="lines+markers", name="Kết quả", x=years, y=actual, line=dict(color="#4a5568"),
             marker=dict(size=12, color=[status.COLOR[r.result.status] for r in rows], line=dict(color="#ffffff", width=1)),
             text=[status.display(r.result.status) for r in rows], customdata=[[r.plan.slug, r.period] for r in rows],
             hovertemplate="%{x}: <b>%{y}</b> — %{text}<br>%{customdata[0]}, kỳ %{customdata[1]}<extra></extra>"),
    ]
    layout = _layout(height=380, title=title, xaxis=dict(type="category", title=dict(text="Năm")),
                     yaxis=dict(title=dict(text=fmt.UNIT_LABEL.get(unit, unit)), rangemode="tozero"))
    return go.Figure(data=traces, layout=layout)
