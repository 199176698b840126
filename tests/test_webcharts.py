"""The overview's server-drawn charts (indicators/webcharts.py, issue 16): bars where the figures
put them, right is better whatever the target's direction, Vietnamese numbers, escaped texts."""
from __future__ import annotations

import dataclasses
import re

import pytest

from indicators import charts, progress, status, webcharts


def _rows(html: str) -> dict[str, dict]:
    """code -> status, distance, bar's left and width (% of the track), the zero line's place."""
    out = {}
    for code, st, d, left, width, zero, value in re.findall(
            r'<div class="hc-row" data-code="([^"]+)" data-status="(\w+)" data-distance="([-\d.]+)".*?'
            r'<span class="hc-bar" style="left:([\d.]+)%;width:([\d.]+)%.*?<span class="hc-zero" style="left:([\d.]+)%".*?'
            r'<div class="hc-val">([^<]*)</div>', html):
        out[code] = {"status": st, "d": float(d), "left": float(left), "width": float(width), "zero": float(zero),
                     "value": value}
    return out


@pytest.fixture(scope="module")
def son_la(demo_db):
    from indicators.store import Store

    with Store(demo_db, read_only=True) as s:
        return progress.plan_progress(s, "son-la-2026", "2026-H1")


@pytest.mark.store
def test_each_target_s_bar_starts_at_the_target_line_and_points_to_the_better_side(son_la):
    html = webcharts.target_positions(son_la.rows, title="T", name="tong-quan")
    rows = _rows(html)
    expected = {r.target.code: charts.distance(r) for r in son_la.rows if charts.distance(r) is not None}
    assert set(rows) == set(expected)
    for code, row in rows.items():
        d = expected[code]
        assert row["d"] == pytest.approx(d, abs=1e-3)
        if d > 0:  # better than the target: the bar goes right from the line
            assert row["left"] == pytest.approx(row["zero"], abs=1e-3) and row["width"] > 0
        elif d < 0:
            assert row["left"] + row["width"] == pytest.approx(row["zero"], abs=1e-3)
    # a "lower is better" target (3: infant mortality < 9,4‰) and a "higher is better" one are both right = better
    lower = next(r for r in son_la.rows if r.target.code == "3")
    assert lower.target.lower_is_better and (lower.figure.value < lower.target.target) == (rows["3"]["d"] > 0)
    # the lengths are proportional to the distances (same scale for every bar)
    a, b = sorted(rows.values(), key=lambda r: abs(r["d"]))[-2:]
    assert a["width"] / b["width"] == pytest.approx(abs(a["d"]) / abs(b["d"]), rel=1e-3)
    # numbers as Vietnamese writes them, no decimal point anywhere
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?([%‰]|/100\.000)?", r["value"]) for r in rows.values())
    ticks = re.findall(r'class="hc-tick(?: hc-minor)?" style="left:[\d.]+%">([^<]+)<', html.split('class="hc-axis"')[1])
    assert "0%" in ticks and all(re.fullmatch(r"−?\d+%", t) for t in ticks), ticks
    assert status.COLOR[rows["3"]["status"]] in html


@pytest.mark.store
def test_a_figure_far_from_its_target_is_cut_at_the_frame_and_marked(son_la):
    row = next(r for r in son_la.rows if r.target.code == "9")
    far = dataclasses.replace(row, figure=dataclasses.replace(row.figure, value=row.target.target * 5))
    html = webcharts.target_positions([far], clamp=60.0)
    d = charts.distance(far)
    assert abs(d) > 60
    assert ("»" in html) == (d > 0) and ("«" in html) == (d < 0)
    got = _rows(html)["9"]
    assert got["width"] > 0 and 0 <= got["left"] and got["left"] + got["width"] <= 100


@pytest.mark.store
def test_texts_from_a_plan_are_escaped(son_la):
    row = son_la.rows[0]
    hostile = dataclasses.replace(row, target=row.target.model_copy(update={
        "text": '<img src=x onerror=alert(1)> "trích dẫn" & $\\geq 95\\%$', "lead_agency": "Sở <b>Y</b> tế"}))
    html = webcharts.target_positions([hostile])
    assert "<img" not in html and "<b>Y" not in html and "onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "Sở &lt;b&gt;Y&lt;/b&gt; tế" in html
    assert "$" not in html  # Markdown would read $…$ as a formula


@pytest.mark.store
def test_status_bars_stack_every_group_s_counts_on_one_scale(son_la):
    groups = charts.group_counts(son_la)
    html = webcharts.status_bars(groups, title="Tiến độ theo nhóm mục tiêu", name="x")
    most = max(sum(c.values()) for _, _, c in groups)
    shown = re.findall(r'<div class="hc-row" data-group="([^"]+)" data-total="(\d+)">(.*?)</div><div></div></div>', html)
    assert [g for g, _, _ in shown] == [label for label, _, _ in groups]
    for (label, full, counts), (_, total, body) in zip(groups, shown):
        segs = re.findall(r'data-status="(\w+)" data-n="(\d+)".*?style="left:([\d.]+)%;width:([\d.]+)%', body)
        assert {s: int(n) for s, n, _, _ in segs} == {s: n for s, n in counts.items() if n}
        assert [s for s, *_ in segs] == [s for s in status.STATUSES if counts.get(s)]  # best status first
        end = 0.0
        for _, n, left, width in segs:  # side by side, each as long as its count
            assert float(left) == pytest.approx(end, abs=1e-3)
            assert float(width) == pytest.approx(100 * int(n) / most, abs=1e-3)
            end += float(width)
        assert int(total) == sum(counts.values())
    legend = re.findall(r'class="hc-key" data-status="(\w+)"', html)
    assert legend == [s for s in status.STATUSES if any(c.get(s) for _, _, c in groups)]


@pytest.mark.unit
@pytest.mark.parametrize("span, step", [(10, 2), (40, 5), (7, 1), (32, 5), (0.5, 0.1), (1200, 200), (0, 1)])
def test_axis_steps_are_round_and_few(span, step):
    got = webcharts.nice_step(span, 8)
    assert got == pytest.approx(step)
    if span:
        assert len(webcharts.ticks(0, span, got)) <= 9
