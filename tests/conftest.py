"""Shared fixtures: the catalogue, and real DuckDB files in temporary folders."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.store import Store
from loaders.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"  # copies of shared/seeds: the source documents of the catalogue


# Accounts in the demo database of the tests (one per role).
PASSWORD = "mat-khau-kiem-thu-2026"
ADMIN, LEADER, STAFF = "quantri", "lanh.dao", "can.bo.tu.phap"
USERS = [(ADMIN, "admin", []), (LEADER, "leader", []), (STAFF, "staff", [("son-la-2026", "Sở Tư pháp")])]


@pytest.fixture(scope="session")
def catalogue():
    return {p.slug: p for p in load_catalogue()}


@pytest.fixture
def store(tmp_path, catalogue):
    s = Store(tmp_path / "test.duckdb")
    s.migrate()
    s.load_catalogue(list(catalogue.values()))
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, catalogue) -> Path:
    """A database file with the five plans and the demo data (built once; copy before writing)."""
    from indicators import demo

    from indicators import accounts

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as s:
        s.migrate()
        s.load_catalogue(list(catalogue.values()))
        demo.load_demo(s)
        for name, role, agencies in USERS:
            accounts.create(s, name, role, PASSWORD, actor="kiem-thu", agencies=agencies)
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path):
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    s = Store(path)
    yield s
    s.close()


def run_cli(*args: str, db: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m indicators …` as a person would, in a real process."""
    cmd = [sys.executable, "-m", "indicators"] + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=120)


def cli_json(*args: str, db: Path):
    out = run_cli(*args, "--json", db=db)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
