"""The overview's charts as plain HTML drawn by the server (no streamlit, no chart script).

Why: the first chart a leader sees must be on screen within 1,5× the time of a bare Streamlit page
(issue 16). Any chart library in the browser costs its script before the first bar: Vega-Lite's
775 KB held the whole overview back to 2× the bare page, plotly's to 2,6×. These charts are a few
kilobytes of HTML and CSS that arrive with the page's text and are drawn with it (docs/speed.md).

Each chart is a CSS grid: a label column, a track where bars are positioned in % of its width (so
the chart fits any screen, a phone included, with type at its normal size), and for the distance
chart a column with the figure. Hover texts are `title` attributes (the browser's own tooltip);
every bar's status is written in words in the legend and the hover, never by colour alone. Numbers
come from indicators.fmt (9,4 · 1.000). The same data drawn by plotly (indicators.charts) is what
the exports and the PNG download use.

Everything is on one line without blank lines, so Markdown passes it through as one HTML block."""
from __future__ import annotations

import html
import math

from indicators import charts, fmt, status

# One rule for the look of these charts; pages/ui.py puts it in the page's style sheet.
CSS = """
    .hc {margin: 2px 0 10px; font-size: 0.95rem; line-height: 1.25}
    .hc-title {font-weight: 600; font-size: 1.05rem; margin: 0 0 8px}
    .hc-grid {display: grid; grid-template-columns: var(--hc-lab, 9rem) minmax(0, 1fr) var(--hc-val, 0.6rem);
              column-gap: 10px; align-items: center}
    .hc-row {display: contents}
    .hc-lab {text-align: right; font-weight: 600; padding: 3px 0; overflow-wrap: anywhere}
    .hc-val {white-space: nowrap; font-size: 0.88rem; font-variant-numeric: tabular-nums}
    .hc-track {position: relative; align-self: stretch; min-height: 26px;
               background: linear-gradient(to right, #e3e6ea 1px, transparent 1px) var(--hc-first, 0) 0 / var(--hc-step, 100%) 100%}
    .hc-seg {position: absolute; top: 4px; bottom: 4px; display: flex; align-items: center; justify-content: center;
             font-weight: 600; font-size: 0.9rem; overflow: hidden; box-shadow: inset -1px 0 0 #fff}
    .hc-bar {position: absolute; top: 4px; bottom: 4px; min-width: 3px}
    .hc-row:hover > div {background-color: #f3f5f8}
    .hc-more {position: absolute; top: 3px; font-size: 0.8rem; font-weight: 700; color: #1f2328}
    .hc-zero {position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: #1f2328}
    .hc-positions .hc-grid {--hc-lab: 3rem; --hc-val: max-content}
    .hc-axis {position: relative; height: 1.5em; border-top: 1px solid #c9ced6; font-size: 0.82rem; color: #4a5058}
    .hc-tick {position: absolute; top: 2px; transform: translateX(-50%); white-space: nowrap}
    .hc-head {position: relative; height: 1.3em; font-size: 0.82rem; font-weight: 700}
    .hc-axis-title {font-size: 0.85rem; color: #4a5058; text-align: center}
    .hc-legend {display: flex; flex-wrap: wrap; gap: 4px 12px; margin-top: 6px; font-size: 0.88rem}
    .hc-key {display: inline-flex; align-items: center; gap: 5px; white-space: nowrap}
    .hc-key i {display: inline-block; width: 12px; height: 12px; border-radius: 2px}
    @media (max-width: 640px) {
      .hc {font-size: 0.88rem}
      .hc-grid {--hc-lab: 5.5rem}
      .hc-positions .hc-grid {--hc-lab: 2.4rem}
      .hc-tick.hc-minor {display: none}
    }
"""


def esc(text) -> str:
    """HTML-escaped text; '$' too, so Streamlit's Markdown never reads "$…$" as a formula."""
    return html.escape(str(text)).replace("$", "&#36;") if text is not None else "—"


def _title_attr(lines: list[str]) -> str:
    """A hover text of several lines for a `title` attribute."""
    return "&#10;".join(esc(line) for line in lines if line)


def _pct(value: float) -> str:
    """A CSS percentage with enough digits to place a bar to the pixel, '.' as CSS wants it."""
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


def nice_step(span: float, most_ticks: int = 8) -> float:
    """The smallest step among 1, 2, 2,5 and 5 × 10ⁿ that shows at most `most_ticks` ticks on `span`."""
    if span <= 0:
        return 1.0
    raw = span / most_ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def ticks(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _axis(marks: list[tuple[float, str, bool]]) -> str:
    """Tick labels at their % positions; the odd multiples of the step are dropped on a phone."""
    return "".join(f'<span class="hc-tick{" hc-minor" if odd else ""}" style="left:{_pct(x)}">{esc(text)}</span>'
                   for x, text, odd in marks)


def _legend(codes) -> str:
    keys = "".join(f'<span class="hc-key" data-status="{c}"><i style="background:{status.COLOR[c]}"></i>'
                   f'{esc(status.display(c))}</span>' for c in status.STATUSES if c in codes)
    return f'<div class="hc-legend">{keys}</div>'


def _figure(kind: str, name: str, title: str | None, summary: str, body: str) -> str:
    head = f'<div class="hc-title">{esc(title)}</div>' if title else ""
    return (f'<figure class="hc hc-{kind}" data-chart="{kind}" data-name="{esc(name)}" role="group" '
            f'aria-label="{esc(title or summary)}">{head}{body}</figure>')


def status_bars(groups: list[tuple[str, str, dict[str, int]]], *, title: str | None = None,
                axis_title: str = "Số chỉ tiêu", name: str = "") -> str:
    """One stacked bar per (label, full title, counts by status), best status first, each segment
    with its count; the track's full width is the largest group."""
    most = max([sum(c.values()) for _, _, c in groups] or [0]) or 1
    step = max(1.0, nice_step(most, 10))
    codes, rows = set(), []
    for label, full, counts in groups:
        start, segs = 0, []
        for code in status.STATUSES:
            n = counts.get(code, 0)
            if not n:
                continue
            codes.add(code)
            color = status.COLOR[code]
            hover = _title_attr([full, f"{status.display(code)}: {fmt.num(n)} chỉ tiêu"])
            segs.append(f'<span class="hc-seg" data-status="{code}" data-n="{n}" title="{hover}" '
                        f'style="left:{_pct(100 * start / most)};width:{_pct(100 * n / most)};'
                        f'background:{color};color:{charts.text_on(color)}">{fmt.num(n)}</span>')
            start += n
        rows.append(f'<div class="hc-row" data-group="{esc(label)}" data-total="{start}">'
                    f'<div class="hc-lab" title="{esc(full)}">{esc(label)}</div>'
                    f'<div class="hc-track">{"".join(segs)}</div><div></div></div>')
    axis = _axis([(100 * t / most, fmt.num(t), round(t / step) % 2 == 1) for t in ticks(0, most, step)])
    body = (f'<div class="hc-grid" style="--hc-step:{_pct(100 * step / most)}">{"".join(rows)}'
            f'<div></div><div class="hc-axis">{axis}</div><div></div>'
            f'<div></div><div class="hc-axis-title">{esc(axis_title)}</div><div></div></div>{_legend(codes)}')
    return _figure("nhom", name, title, "Số chỉ tiêu theo tình trạng", body)


def target_positions(rows, *, title: str | None = None, clamp: float = 60.0, name: str = "") -> str:
    """One bar per target with a figure: its length the distance from the target in % of the
    target's value, signed so that right is better whatever the direction (charts.distance),
    clamped at ±`clamp` and marked » «; a black line at the target; the figure in its own column;
    the details on hover. Targets without a figure are left out (the page lists them)."""
    plotted = [(r, d) for r in rows if (d := charts.distance(r)) is not None]
    xs = [max(-clamp, min(clamp, d)) for _, d in plotted]
    lo, hi = min([0.0] + xs), max([0.0] + xs)
    pad = max(6.0, (hi - lo) * 0.08)
    lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, 8)
    lo, hi = min(lo, math.floor(lo / step) * step), max(hi, math.ceil(hi / step) * step)  # ends on a tick

    def at(x: float) -> float:
        return 100 * (x - lo) / (hi - lo)

    zero = at(0)
    codes, out = set(), []
    for (r, d), x in zip(plotted, xs):
        codes.add(r.status)
        color = status.COLOR[r.status]
        left, right = sorted((zero, at(x)))
        more = ""
        if d > clamp:
            more = f'<span class="hc-more" style="left:calc({_pct(at(x))} + 3px)">»</span>'
        elif d < -clamp:
            more = f'<span class="hc-more" style="right:calc({_pct(100 - at(x))} + 3px)">«</span>'
        figure = fmt.actual(r.figure.value, r.target.unit)
        hover = _title_attr([f"Chỉ tiêu {r.target.code} — {status.display(r.status)}", fmt.clean_text(r.target.text),
                             f"Kết quả: {figure} · Chỉ tiêu: {fmt.goal(r.target)}",
                             f"Chênh lệch so với chỉ tiêu: {fmt.num(d, 1)}%".replace("-", "−"),
                             f"Chủ trì: {r.target.lead_agency}" if r.target.lead_agency else ""])
        out.append(f'<div class="hc-row" data-code="{esc(r.target.code)}" data-status="{r.status}" '
                   f'data-distance="{d:.4f}" title="{hover}">'
                   f'<div class="hc-lab">{esc(r.target.code)}</div>'
                   f'<div class="hc-track"><span class="hc-bar" style="left:{_pct(left)};'
                   f'width:{_pct(right - left)};background:{color}"></span>{more}'
                   f'<span class="hc-zero" style="left:{_pct(zero)}"></span></div>'
                   f'<div class="hc-val">{esc(figure)}</div></div>')
    axis = _axis([(at(t), fmt.num(t).replace("-", "−") + "%", round(t / step) % 2 == 1)
                  for t in ticks(lo, hi, step)])
    head = f'<div class="hc-head"><span class="hc-tick" style="left:{_pct(zero)}">Chỉ tiêu</span></div>'
    body = (f'<div class="hc-grid" style="--hc-step:{_pct(100 * step / (hi - lo))}">'
            f'<div class="hc-lab">Mã</div>{head}<div class="hc-val"><b>Kết quả</b></div>{"".join(out)}'
            f'<div></div><div class="hc-axis">{axis}</div><div></div>'
            f'<div></div><div class="hc-axis-title">Chênh lệch so với chỉ tiêu (% giá trị chỉ tiêu) — '
            f'bên phải là tốt hơn</div><div></div></div>{_legend(codes)}')
    return _figure("positions", name, title, "Từng chỉ tiêu so với chỉ tiêu kế hoạch", body)
