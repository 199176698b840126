"""Benchmarks (`make bench`, `python -m indicators bench`): figures, not pass/fail tests.

Each figure is the median of several runs, in milliseconds, on a temporary database."""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from indicators import demo, progress, signing
from indicators.store import Store


def median_ms(fn: Callable[[], object], runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def demo_figures(runs: int = 10) -> dict[str, float]:
    """Catalogue load, demo load and the status computation of every plan on the demo data."""
    from loaders.catalogue import load_catalogue, load_registry

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            store.migrate()
            start = time.perf_counter()
            plans = load_catalogue()
            store.load_catalogue(plans, registry=load_registry())
            figures["catalogue_load"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            demo.load_demo(store)
            figures["demo_load"] = (time.perf_counter() - start) * 1000
            for plan in store.plans():
                for p in plan.periods:
                    figures[f"status_{plan.slug}_{p.code}"] = median_ms(
                        lambda: progress.plan_progress(store, plan.slug, p.code), runs)
    return figures


SCALES = {"province": 75, "national": 3321}


def import_figures(scale: str) -> dict[str, float]:
    """Template generation and import of a compilation workbook (communes × 30 targets), against
    the time the reader alone (python-calamine) needs for the same file."""
    import python_calamine
    import io

    from commands import synthetic
    from indicators import intake
    from loaders import templates
    from loaders.workbooks import read_report

    n = SCALES[scale]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            store.migrate()
            units = synthetic.communes(n)
            plan = synthetic.plan().model_copy(update={"reporting_units": units})  # the communes it declares
            store.load_catalogue([plan])
            targets = store.targets(plan.slug)
            prefill = {(u, t.code): synthetic.value_for(t.unit, i, j)
                       for i, u in enumerate(units) for j, t in enumerate(targets)}
            identity = templates.Identity(plan.slug, synthetic.STANDING, "2026-H1", kind="compilation")
            start = time.perf_counter()
            wb = templates.build(plan, identity, templates.template_rows(targets, prefill, units), store.secret(signing.KEY_NAME))
            data = templates.to_bytes(wb)
            figures[f"template_{scale}_ms"] = (time.perf_counter() - start) * 1000
            figures[f"template_{scale}_kb"] = len(data) / 1024

            def reader_alone():
                book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
                for name in book.sheet_names:
                    book.get_sheet_by_name(name).to_python(skip_empty_area=False)

            runs = 5 if scale == "province" else 3
            figures[f"reader_alone_{scale}_ms"] = median_ms(reader_alone, runs)
            figures[f"read_validate_{scale}_ms"] = median_ms(lambda: read_report(data, "bench.xlsx", store), runs)
            # the whole import (read, validate, preview, one-transaction commit) into a fresh copy each time
            store.close()
            base = Path(tmp) / "bench.duckdb"
            timings = {"preview": [], "commit": [], "import": []}
            for i in range(runs):
                copy = Path(tmp) / f"run{i}.duckdb"
                shutil.copy(base, copy)
                with Store(copy) as fresh:
                    fresh.targets(plan.slug)  # a running app has its catalogue cached already
                    start = time.perf_counter()
                    parsed = read_report(data, "bench.xlsx", fresh)
                    assert parsed.ok, parsed.problems[:3]
                    t1 = time.perf_counter()
                    intake.preview(fresh, parsed)
                    # the synthetic values trip the plausibility check (a rate > 10x its target):
                    # each warning is confirmed as a person would on the page, inside the timing
                    decisions = {w.key: "keep" for w in intake.warnings(fresh, parsed)}
                    t2 = time.perf_counter()
                    _, counts = intake.commit(fresh, parsed, operator="bench", decisions=decisions)
                    t3 = time.perf_counter()
                timings["preview"].append((t2 - t1) * 1000)
                timings["commit"].append((t3 - t2) * 1000)
                timings["import"].append((t3 - start) * 1000)
                copy.unlink()
            for k, v in timings.items():
                figures[f"{k}_{scale}_ms"] = statistics.median(v)
            figures[f"import_{scale}_rows"] = float(counts["new"])
            figures[f"import_{scale}_ratio_to_reader"] = figures[f"import_{scale}_ms"] / figures[f"reader_alone_{scale}_ms"]
    return figures


def export_figures(runs: int = 3) -> dict[str, float]:
    """Briefing exports of Sơn La 2026-H1 on the demo data (issue 5): the Excel file; the first
    chart image (Chromium starting); each image after the first (median and slowest over every
    chart × PNG, SVG, PDF); the whole Word and PowerPoint files with their charts, Chromium warm.
    Without Chromium only the Excel figure (and the files without images) are measured."""
    from loaders import exports, images
    from loaders.catalogue import load_catalogue, load_registry

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            store.migrate()
            store.load_catalogue(load_catalogue(), registry=load_registry())
            demo.load_demo(store)
            start = time.perf_counter()
            b = exports.gather(store, "son-la-2026", "2026-H1")
            figures["export_gather_son_la_ms"] = (time.perf_counter() - start) * 1000
    figures["export_xlsx_son_la_ms"] = median_ms(lambda: exports.excel(b), runs)
    if not images.available():
        figures["export_docx_no_images_son_la_ms"] = median_ms(lambda: exports.word(b), runs)
        figures["export_pptx_no_images_son_la_ms"] = median_ms(lambda: exports.powerpoint(b), runs)
        return figures
    images.stop()  # measure a cold start
    start = time.perf_counter()
    exports.chart_image(b, exports.OVERVIEW_CHART, "png")
    figures["export_first_image_ms"] = (time.perf_counter() - start) * 1000
    times = []
    for c in exports.chart_list(b):
        for fmt_ in images.FORMATS:
            start = time.perf_counter()
            exports.chart_image(b, c.key, fmt_, c=c)
            times.append((time.perf_counter() - start) * 1000)
    figures["export_image_after_first_ms"] = statistics.median(times)
    figures["export_image_after_first_max_ms"] = max(times)
    figures["export_docx_son_la_ms"] = median_ms(lambda: exports.word(b), runs)
    figures["export_pptx_son_la_ms"] = median_ms(lambda: exports.powerpoint(b), runs)
    return figures


def hostile_figures() -> dict[str, float]:
    """Every file of the hostile corpus (tests/hostile_files.py) through `import --dry-run` in a
    real process: the worst wall time and the worst peak memory of the command with its reading
    child (issue 11 budget: each refusal within 10 s, under 500 MB), and how many were refused."""
    import sys

    from loaders.catalogue import load_catalogue, load_registry
    from indicators.settings import ROOT

    sys.path.insert(0, str(ROOT))
    from tests import hostile_files  # the corpus is built by code, as the tests build it
    from tests.helpers import measure  # and measured the way the tests measure it

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        files = []
        with Store(db) as store:
            store.migrate()
            store.load_catalogue(load_catalogue(), registry=load_registry())
            for kind, k in hostile_files.KINDS.items():
                name, data = k.make(store)
                path = Path(tmp) / f"{kind}-{name}"
                path.write_bytes(data)
                files.append((kind, path))
        worst_s, worst_mb, refused = 0.0, 0.0, 0
        for kind, path in files:
            cmd = [sys.executable, "-m", "indicators", "--db", str(db), "import", str(path), "--dry-run"]
            got = measure(cmd, timeout=60, cap=4 << 30)
            worst_s, worst_mb = max(worst_s, got["seconds"]), max(worst_mb, got["maxrss_kb"] / 1024)
            refused += got["returncode"] == 1
        figures["hostile_files"] = float(len(files))
        figures["hostile_refused"] = float(refused)
        figures["hostile_worst_seconds"] = worst_s
        figures["hostile_worst_peak_mb"] = worst_mb
    return figures
