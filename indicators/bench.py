"""Benchmarks (`make bench`, `python -m indicators bench`): figures, not pass/fail tests.

Each figure is the median of several runs, in milliseconds, on a temporary database."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from indicators import demo, progress
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
    from loaders.catalogue import load_catalogue

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            store.migrate()
            start = time.perf_counter()
            plans = load_catalogue()
            store.load_catalogue(plans)
            figures["catalogue_load"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            demo.load_demo(store)
            figures["demo_load"] = (time.perf_counter() - start) * 1000
            for plan in store.plans():
                for p in plan.periods:
                    figures[f"status_{plan.slug}_{p.code}"] = median_ms(
                        lambda: progress.plan_progress(store, plan.slug, p.code), runs)
    return figures
