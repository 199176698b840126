"""Speed at scale (issue 8): the server work of every page, measured on the synthetic dataset.

Each `page_*` function does what its page does before drawing — the same core calls, uncached —
so `bench` measures the real work. The naive overview loads every actual into pandas first, for
the ratio the design is judged by."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from commands import synthetic
from indicators import cascade, charts, intake, periods, progress, reporting, signing
from commands.bench import median_ms
from indicators.settings import now_local
from indicators.store import Store


def page_overview(store: Store, slug: str, period: str) -> None:
    pp = progress.plan_progress(store, slug, period)
    pp.behind()
    charts.status_bars(charts.group_counts(pp), title="x", label_width=24, width_px=400)
    charts.target_positions(pp.rows, title="x")


def page_lagging(store: Store, slug: str, period: str) -> None:
    pp = progress.plan_progress(store, slug, period)
    [(r.target.lead_agency, r.judgement.explanation, r.change) for r in pp.behind()]


def page_departments(store: Store, slug: str, period: str) -> None:
    pp = progress.plan_progress(store, slug, period)
    reports = reporting.expected_reports(pp.plan, store.targets(slug), store.receipts(slug), now_local().date())
    ranked = reporting.agencies(pp.rows, reports)
    charts.status_bars([(a.agency, a.agency, a.counts()) for a in ranked if a.lead], title="x")


def page_target(store: Store, slug: str, period: str, code: str = "1") -> None:
    plan = store.plan(slug)
    progress.plan_progress(store, slug, period)  # the target selector shows every target's status
    history = progress.target_over_periods(store, slug, code)
    target = next(t for t in store.targets(slug) if t.code == code)
    charts.target_history(target, plan, history, title="x")
    store.reports(slug, [period], code)
    store.history(slug, code)


def page_reporting(store: Store, slug: str, period: str) -> None:
    plan = store.plan(slug)
    every = reporting.expected_reports(plan, store.targets(slug), store.receipts(slug), now_local().date())
    reporting.summarise([r for r in every if r.period == period])
    charts.report_states(reporting.by_period(every), title="x")


def page_cascade(store: Store, slug: str, code: str, year: int) -> None:
    """Theo chương trình: the plans that have children, the cascade, its counts, split and ranking chart."""
    parents = store.plan_parents()
    [s for s in store.plan_slugs() if s in parents.values()]
    c = cascade.cascade(store, slug, code, year)
    c.counts()
    [(r.plan.scope, x.name, x.figure.value) for r in c.rows if r.result for x in r.result.categories]
    if c.ranking():
        charts.cascade_ranking(c, title="x")


def naive_cascade(store: Store, slug: str, code: str, year: int) -> dict[tuple[str, str], tuple[str, progress.TargetProgress]]:
    """The cascade the naive way, for the ratio (and the test that both agree): the parent's own
    progress, then every plan below it one by one through its own `plan_progress` (the year's
    annual report, else its 6-month one). (child slug, target code) -> (period, its progress)."""
    target = next(t for t in store.targets(slug) if t.code == code)
    plan = store.plan(slug)
    own = next((c for c in (str(year), f"{year}-H1") if c in plan.accepted_periods()), None)
    if own:
        progress.plan_progress(store, slug, own, codes=[code])
    out = {}
    for child, _depth in cascade.descendants(store, slug):
        p = store.plan(child)
        if not p.start_year <= year <= p.end_year:
            continue
        for t in store.targets(child):
            if t.indicator != target.indicator:
                continue
            for period in [c for c in (str(year), f"{year}-H1") if c in p.accepted_periods()]:
                row = progress.plan_progress(store, child, period, codes=[t.code]).rows[0]
                if (child, t.code) not in out or not row.figure.missing:
                    out[(child, t.code)] = (period, row)
                if not row.figure.missing:
                    break
    return out


def naive_overview(store: Store, slug: str, period: str) -> None:
    """The overview computed the naive way: every actual into pandas, then filtered."""
    from indicators import status

    frame = store.con.execute("""SELECT t.plan, t.code, x.period, a.name AS agency, x.value, x.text_value,
        x.numerator, x.denominator, x.superseded_at FROM actuals x JOIN targets t ON t.id = x.target_id
        JOIN agencies a ON a.id = x.agency_id""").df()
    plan = store.plan(slug)
    base = plan.baseline_period
    mine = frame[(frame["plan"] == slug) & frame["superseded_at"].isna()]
    for t in store.targets(slug):
        figures = {}
        for p in (period, base):
            rows = mine[(mine["code"] == t.code) & (mine["period"] == p)]
            reports = [status.Report(r.agency, r.value, r.text_value, r.numerator, r.denominator)
                       for r in rows.itertuples()]
            figures[p] = status.plan_figure(t, reports)
        status.judge(t, periods.parse(period), figures[period].value,
                     figures[base].value)


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SCALES = {"province": (98, 1), "national": (synthetic.COMMUNES, synthetic.PROVINCES)}


def figures(scale: str, runs: int = 10, naive_runs: int = 3, on: str = "duckdb") -> dict[str, float]:
    """Build the synthetic dataset at `scale` into a temporary database (`on`: a DuckDB file, or a
    throwaway PostgreSQL cluster) and time every page's server work (median of `runs`), the upload
    preview, and (DuckDB) the naive overview for the ratio."""
    from contextlib import nullcontext

    from commands import pg_cluster

    with tempfile.TemporaryDirectory() as tmp, (pg_cluster.cluster() if on == "postgresql" else nullcontext()) as server:
        return _figures(server.url() if server else Path(tmp) / "scale.duckdb", scale, runs, naive_runs)


def _figures(db, scale: str, runs: int, naive_runs: int) -> dict[str, float]:
    from loaders import templates
    from loaders.workbooks import read_report

    communes, provinces = SCALES[scale]
    out: dict[str, float] = {}
    with Store(db) as store:
        store.migrate()
        start = time.perf_counter()
        counts = synthetic.build_national(store, communes=communes, provinces=provinces)
        out["dataset_build_ms"] = (time.perf_counter() - start) * 1000
        out["dataset_actuals"] = float(counts["actuals"])
        slug, period = synthetic.national_slug(2026), "2026-H1"
        store.targets(slug)  # a running app has the catalogue cached
        for name, fn in (("page_overview", page_overview), ("page_lagging", page_lagging),
                         ("page_departments", page_departments), ("page_target", page_target),
                         ("page_reporting", page_reporting)):
            out[name] = median_ms(lambda: fn(store, slug, period), runs)
        # the same pages on the national programme (2021–2030, annual reports 2020–2026): the
        # 2026 report is judged against the 2030 milestone, with the 2025 verdict kept
        store.targets(synthetic.PROGRAMME)
        for name, fn in (("programme_overview", page_overview), ("programme_lagging", page_lagging),
                         ("programme_departments", page_departments), ("programme_target", page_target),
                         ("programme_reporting", page_reporting)):
            out[name] = median_ms(lambda: fn(store, synthetic.PROGRAMME, "2026"), runs)
        # Theo chương trình: the programme's disaggregated target down to every province plan of 2026,
        # against the same asked plan by plan
        for s in store.plan_slugs():
            store.targets(s)
        out["page_cascade"] = median_ms(
            lambda: page_cascade(store, synthetic.PROGRAMME, synthetic.DISAGGREGATED, 2026), runs)
        out["naive_cascade"] = median_ms(
            lambda: naive_cascade(store, synthetic.PROGRAMME, synthetic.DISAGGREGATED, 2026), runs)
        out["naive_to_cascade_ratio"] = out["naive_cascade"] / out["page_cascade"]
        # the upload page: one province's compilation (≈ 98 communes × 30 targets), read and previewed
        plan = store.plan(slug)
        units = plan.reporting_units[:98]
        targets = store.targets(slug)
        prefill = {(u, t.code): synthetic.value_for(t.unit, i, j) for i, u in enumerate(units)
                   for j, t in enumerate(targets)}
        ident = templates.Identity(slug, plan.standing_agency, period, kind="compilation")
        data = templates.to_bytes(templates.build(plan, ident, templates.template_rows(targets, prefill, units),
                                                  store.secret(signing.KEY_NAME)))
        out["page_upload_preview"] = median_ms(
            lambda: intake.preview(store, read_report(data, "tinh.xlsx", store)), runs)
        out["peak_memory_mb"] = peak_mb()  # the product's own work, before the naive way loads everything
        if store.dialect == "duckdb":  # the design's ratio; the naive way reads through DuckDB's pandas
            out["naive_overview"] = median_ms(lambda: naive_overview(store, slug, period), naive_runs)
            out["naive_peak_memory_mb"] = peak_mb()
            out["naive_to_overview_ratio"] = out["naive_overview"] / out["page_overview"]
    return out


# ---------------------------------------------------------------------------------------------
# The browser: our app served by `streamlit run` (Playwright + Chromium drive it).

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@__import__("contextlib").contextmanager
def serve(script: str, cwd: Path, log: Path, env: dict | None = None, wait_s: float = 90, base: str = ""):
    """`streamlit run <script>` in `cwd` on a free localhost port, its output in `log`; yields the URL
    (ending in `base`, the server.baseUrlPath given through `env`) once its health check answers;
    stopped (then killed) at the end."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = open(log, "w")
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none",
                             "--server.address", "127.0.0.1"], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}" + ("/" + base.strip("/") if base.strip("/") else "")
    try:
        deadline = time.monotonic() + wait_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit run đã dừng (mã {proc.returncode}): {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit run không trả lời sau {wait_s:g} giây: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


def serve_app(db: Path, log: Path, base: str = ""):
    """`streamlit run serve.py` (st.App: app.py plus the session routes) over `db`, under the path
    `base` ("/treem", as behind a reverse proxy) when given; yields the URL (with the base)."""
    from indicators.settings import ROOT

    return serve("serve.py", ROOT, log, {"INDICATORS_DB": str(db), "STREAMLIT_SERVER_BASE_URL_PATH": base.strip("/")},
                 base=base)


# The browser figures (overview against a bare Streamlit page, plain and throttled) are in
# commands/bench_browser.py; serve_app above is shared with it and with tests/test_browser.py.
