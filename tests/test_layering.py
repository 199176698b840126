"""The house rules that keep the layers apart (DESIGN.md §8)."""
from __future__ import annotations

import ast

from tests.conftest import ROOT


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_loaders_never_import_streamlit():
    for folder in ("indicators", "loaders"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "streamlit" not in _imports(path), f"{path.relative_to(ROOT)} imports streamlit"


def test_only_the_store_imports_duckdb():
    offenders = [str(p.relative_to(ROOT)) for folder in ("indicators", "loaders", "pages")
                 for p in (ROOT / folder).rglob("*.py") if "duckdb" in _imports(p)]
    offenders += ["app.py"] if "duckdb" in _imports(ROOT / "app.py") else []
    assert offenders == ["indicators/store.py"]
