"""Browser figures for `make bench`: the time from navigation start to the overview's first chart
drawn, beside the floor a bare Streamlit page sets in the same run, plain and throttled.

Every app is served by `streamlit run` on a free localhost port (commands.scale.serve_app for ours;
the bare pages are written to a temporary folder). Each figure: one warm-up load, then `runs`
loads each in a new browser context (nothing cached: a person's first visit), median; then one
reload in the last context (scripts cached: the next visit). Time is read in the page
(performance.now(), whose origin is the navigation start) on the first animation frame where a
chart element is drawn with a size: a bar of our server-drawn charts, a Vega-Lite canvas/svg or a
plotly .main-svg.

The throttled profile goes through Chromium's own network emulation (CDP
Network.emulateNetworkConditions): 10 Mbit/s each way, 50 ms round trip."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
THROTTLED = {"offline": False, "latency": 50, "downloadThroughput": 10_000_000 / 8, "uploadThroughput": 10_000_000 / 8}
PROFILES = {"plain": None, "throttled": THROTTLED}

# the first chart drawn: ours (indicators.webcharts: a bar inside a figure.hc), Vega-Lite (canvas or
# svg inside its container) or plotly's main svg
CHART_JS = """() => {
  const els = document.querySelectorAll('figure.hc .hc-seg, figure.hc .hc-bar, '
    + '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks, .js-plotly-plot .main-svg');
  for (const el of els) { const r = el.getBoundingClientRect(); if (r.width > 0 && r.height > 0) return performance.now(); }
  return null;
}"""
TITLE_JS = """() => { const h = document.querySelector('h1'); return h && h.getBoundingClientRect().height > 0
  ? performance.now() : null; }"""

BARE_PAGES = {
    # name -> (script, what marks it as drawn)
    "bare": ('import streamlit as st\nst.title("Trang trống")\n', TITLE_JS),
    "bare_vega": ('import streamlit as st\nimport pandas as pd\nst.title("Trang trống")\n'
                  'st.bar_chart(pd.DataFrame({"a": [1, 3, 2]}))\n', CHART_JS),
    "bare_plotly": ('import streamlit as st\nimport plotly.graph_objects as go\nst.title("Trang trống")\n'
                    'st.plotly_chart(go.Figure(go.Bar(x=[1, 3, 2])))\n', CHART_JS),
}


def serve_script(script: str, folder: Path):
    """`streamlit run` of a one-file app written to `folder`, on a free port; yields its URL."""
    from commands.scale import serve

    (folder / "app.py").write_text(script, encoding="utf-8")
    return serve("app.py", folder, folder / "streamlit.log", wait_s=60)


def _load(context, url: str, mark_js: str, network: dict | None, page=None) -> tuple[float, object]:
    """ms from navigation start to `mark_js` returning a time; a new page unless `page` (reload)."""
    fresh = page is None
    if fresh:
        page = context.new_page()
        if network:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", network)
        page.goto(url + "/", wait_until="commit")
    else:
        page.reload(wait_until="commit")
    got = page.wait_for_function(mark_js, polling="raf", timeout=90_000).json_value()
    return float(got), page


def time_to_mark(browser, url: str, mark_js: str, *, runs: int = 5, network: dict | None = None) -> tuple[float, float]:
    """(median first open in a new context, reload in the same context) in ms."""
    times = []
    page = context = None
    for i in range(runs + 1):  # the first is a warm-up (server caches, the OS's file cache)
        if context is not None:
            context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
        ms, page = _load(context, url, mark_js, network)
        if i:
            times.append(ms)
    again, _ = _load(context, url, mark_js, network, page=page)
    context.close()
    return statistics.median(times), again


def demo_db(folder: Path) -> Path:
    """The demo database with reading open to everyone (an admin setting), so the overview opens
    without signing in."""
    from indicators import accounts, demo
    from indicators.store import Store
    from loaders.catalogue import load_catalogue, load_registry

    db = folder / "demo.duckdb"
    with Store(db) as store:
        store.migrate()
        store.load_catalogue(load_catalogue(), registry=load_registry())
        demo.load_demo(store)
        store.set_setting(accounts.OPEN_READING, "1", actor="bench")
    return db


def browser_figures(runs: int = 5, *, bare_extra: bool = True, national_db: Path | None = None) -> dict[str, float]:
    """browser_<app>_<profile>_first_ms / _reload_ms for the bare page (and, with `bare_extra`, a
    bare page with one Vega-Lite or one plotly chart) and our overview on the demo data (and on
    `national_db` when given), plus the overview's ratio to the bare page per profile."""
    from playwright.sync_api import sync_playwright

    from commands.scale import serve_app

    if not os.path.exists(CHROMIUM):
        return {}
    out: dict[str, float] = {}
    names = ["bare"] + (["bare_vega", "bare_plotly"] if bare_extra else [])
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in names:
                folder = tmp / name
                folder.mkdir()
                script, mark = BARE_PAGES[name]
                with serve_script(script, folder) as url:
                    for profile, network in PROFILES.items():
                        first, again = time_to_mark(browser, url, mark, runs=runs, network=network)
                        out[f"browser_{name}_{profile}_first_ms"] = first
                        out[f"browser_{name}_{profile}_reload_ms"] = again
            dbs = {"overview": demo_db(tmp)}
            if national_db is not None:
                dbs["overview_national"] = national_db
            for name, db in dbs.items():
                with serve_app(db, tmp / f"{name}.log") as url:
                    for profile, network in PROFILES.items():
                        if name != "overview" and profile != "plain":
                            continue
                        first, again = time_to_mark(browser, url, CHART_JS, runs=runs, network=network)
                        out[f"browser_{name}_{profile}_first_ms"] = first
                        out[f"browser_{name}_{profile}_reload_ms"] = again
        finally:
            browser.close()
    for profile in PROFILES:
        bare = out.get(f"browser_bare_{profile}_first_ms")
        if bare and f"browser_overview_{profile}_first_ms" in out:
            out[f"browser_overview_{profile}_ratio_to_bare"] = out[f"browser_overview_{profile}_first_ms"] / bare
    return out


def table(figures: dict[str, float]) -> list[str]:
    """The browser figures side by side: one line per app, first open / reload per profile, in s."""
    from indicators import fmt

    apps = [("bare", "Trang trống (một tiêu đề)"), ("bare_vega", "Trang trống + 1 biểu đồ Vega-Lite"),
            ("bare_plotly", "Trang trống + 1 biểu đồ plotly"), ("overview", "Tổng quan (demo)"),
            ("overview_national", "Tổng quan (toàn quốc)")]
    lines = [f"  {'trang':38} {'thường: lần đầu / tải lại':>26} {'10 Mbit/s, 50 ms: lần đầu / tải lại':>36}"]
    for key, label in apps:
        cells = []
        for profile in PROFILES:
            first = figures.get(f"browser_{key}_{profile}_first_ms")
            again = figures.get(f"browser_{key}_{profile}_reload_ms")
            cells.append("—" if first is None else f"{fmt.num(first / 1000, 2)} s / {fmt.num(again / 1000, 2)} s")
        if any(c != "—" for c in cells):
            lines.append(f"  {label:38} {cells[0]:>26} {cells[1]:>36}")
    for profile, label in (("plain", "thường"), ("throttled", "10 Mbit/s, 50 ms")):
        r = figures.get(f"browser_overview_{profile}_ratio_to_bare")
        if r is not None:
            lines.append(f"  Tổng quan / trang trống ({label}): {fmt.num(r, 2)} lần (mục tiêu ≤ 1,5)")
    return lines


if __name__ == "__main__":  # `python -m commands.bench_browser`: only the browser figures
    figs = browser_figures(runs=int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print("\n".join(table(figs)))
