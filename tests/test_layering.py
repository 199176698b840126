"""The house rules that keep the layers apart (docs/architecture.md), checked by import-linter
against the contracts in .importlinter: the edge (pages, command line) > loaders > core; only the
pages use Streamlit; only indicators.store opens DuckDB. import-linter sees every import, including
those inside functions."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.unit


def _lint(config=ROOT / ".importlinter") -> subprocess.CompletedProcess:
    exe = ROOT / ".venv" / "bin" / "lint-imports"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(cmd + ["--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_the_import_contracts_are_kept():
    out = _lint()
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "3 kept, 0 broken" in out.stdout


def test_the_contract_catches_a_core_module_importing_the_edge(tmp_path):
    """The check is not a formality: a core module importing loaders inside a function breaks it."""
    probe = ROOT / "indicators" / "_layering_probe.py"
    probe.write_text("def f():\n    from loaders import cells  # noqa: F401\n", encoding="utf-8")
    try:
        out = _lint()
    finally:
        probe.unlink()
    assert out.returncode != 0 and "indicators._layering_probe -> loaders.cells" in out.stdout
