"""Shared fixtures: the catalogue, real DuckDB files in temporary folders, the app under AppTest;
and the test levels (pytest.ini): every test carries exactly one of unit, store, app, browser.

Plain helpers (the command line in-process, `fill`, the test accounts) are in tests/helpers.py."""
from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

import pytest

from indicators.store import Store
from loaders.catalogue import load_catalogue, load_registry
from tests.helpers import PASSWORD, ROOT, USERS

LEVELS = ("unit", "store", "app", "browser")


def pytest_collection_modifyitems(config, items):
    """Every test has exactly one level, so that `-m "unit or store"` (make test-fast) selects
    exactly the fast ones: a module sets `pytestmark = pytest.mark.<level>`, or each test its own."""
    wrong = []
    for item in items:
        levels = {m.name for m in item.iter_markers() if m.name in LEVELS}
        if len(levels) != 1:
            wrong.append(f"{item.nodeid}: {', '.join(sorted(levels)) or 'không có mức nào'}")
    if wrong:
        raise pytest.UsageError("Mỗi kiểm thử cần đúng một mức (unit, store, app, browser; xem pytest.ini):\n  "
                                + "\n  ".join(wrong))


@pytest.fixture(scope="session")
def catalogue():
    return {p.slug: p for p in load_catalogue()}


@pytest.fixture(scope="session")
def registry():
    return load_registry()


# -- the two stores: every test that takes `store` or `demo_store` runs on both (issue 17) ---------------

BACKENDS = ("duckdb", "postgresql")
_schemas = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL cluster (Debian's package, commands/pg_cluster.py) for the whole run;
    the PostgreSQL half of the suite skips, saying why, where none can be started."""
    from commands import pg_cluster

    reason = pg_cluster.unavailable()
    if reason:
        pytest.skip(reason)
    with pg_cluster.cluster() as made:
        yield made


@contextlib.contextmanager
def new_schema(server, prefix: str = "kiemthu"):
    """A postgresql:// address of a new, empty schema of the cluster's database, dropped at the end:
    a database of its own as far as the store can tell, made in milliseconds."""
    import psycopg

    name = f"{prefix}_{next(_schemas)}"
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {name}")
    try:
        yield server.url() + f"?options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(server.url(), autocommit=True) as con:
            con.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def pg_url(pg_server):
    """A new, empty schema for this test (new_schema)."""
    with new_schema(pg_server) as url:
        yield url


def pytest_generate_tests(metafunc):
    """`backend` (behind `store`, `demo_store`, `new_db`): both stores for the store level and for a
    test marked `both_stores` (e.g. every page once on PostgreSQL); DuckDB alone elsewhere, so the
    slower levels do not run twice."""
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("store") or metafunc.definition.get_closest_marker("both_stores")
        metafunc.parametrize("backend", BACKENDS if both else BACKENDS[:1], indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_db(backend, request, tmp_path) -> str | Path:
    """Where a new, empty store of the test's kind lives: a DuckDB file path or a postgresql:// address."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(new_db, catalogue):
    s = Store(new_db)
    s.migrate()
    s.load_catalogue(list(catalogue.values()), registry=load_registry())
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
        s.load_catalogue(list(catalogue.values()), registry=load_registry())
        demo.load_demo(s)
        for name, role, agencies in USERS:
            accounts.create(s, name, role, PASSWORD, actor="kiem-thu", agencies=agencies)
    return path


@pytest.fixture
def demo_store(demo_db, backend, request, tmp_path):
    """The demo database to write on: a copy of the file, or (PostgreSQL) the file moved into a new
    schema by the store's own `copy_to` (migrate --to)."""
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    if backend == "postgresql":
        with Store(path) as source:
            s = Store(request.getfixturevalue("pg_url"))
            source.copy_to(s)
    else:
        s = Store(path)
    yield s
    s.close()


# -- the app under AppTest -------------------------------------------------------------------------

@pytest.fixture
def make_app(monkeypatch):
    """AppTest of app.py, run as the server runs it: `make_app(db, user=..., timeout=60, **state)`.

    With `db`, the app reads that database file (INDICATORS_DB) and its cached Store is emptied;
    the app opens the file itself, so no Store may stay open on it in the test (DuckDB: one owner
    per file). Without `db` the file of the previous call is kept (another visitor of the same
    app). `user` signs in as that account; `state` goes into session_state as it is."""
    import pages.ui as ui
    from streamlit.testing.v1 import AppTest

    def make(db: Path | str | None = None, *, user: str | None = None, timeout: float = 60, **state) -> AppTest:
        if db is not None:
            monkeypatch.setenv("INDICATORS_DB", str(db))
            ui.store.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        if user is not None:
            at.session_state["_user"] = user
        for key, value in state.items():
            at.session_state[key] = value
        return at

    yield make
    ui.store.clear()


class Navigation:
    """What app.py gave st.navigation on its last full run: section -> [(page file, title), …]."""

    def __init__(self) -> None:
        self.sections: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture
def navigation(monkeypatch) -> Navigation:
    """Wraps `st.Page` and `st.navigation` (public API, looked up by app.py at every run) to see
    which page files app.py registers, under which section and title: no Streamlit internals are
    patched, and the app runs unchanged."""
    import streamlit as st

    seen = Navigation()
    real_page, real_navigation = st.Page, st.navigation
    files: dict[int, str] = {}

    def page(source, *args, **kwargs):
        made = real_page(source, *args, **kwargs)
        files[id(made)] = str(source)
        return made

    def navigation(pages, *args, **kwargs):
        sections = pages if isinstance(pages, dict) else {"": pages}
        seen.sections = {k: [(files.get(id(p), "?"), p.title) for p in v] for k, v in sections.items()}
        return real_navigation(pages, *args, **kwargs)

    monkeypatch.setattr(st, "Page", page)
    monkeypatch.setattr(st, "navigation", navigation)
    return seen


@pytest.fixture
def catalogue_dir(tmp_path, monkeypatch) -> Path:
    """A copy of data/plans and data/indicators.toml that commands and pages read and write
    (INDICATORS_CATALOGUE_DIR), so no test writes into the real catalogue."""
    import shutil

    from indicators.settings import PLANS_DIR, REGISTRY_FILE

    root = tmp_path / "catalogue"
    shutil.copytree(PLANS_DIR, root / "plans")
    shutil.copy(REGISTRY_FILE, root / "indicators.toml")
    monkeypatch.setenv("INDICATORS_CATALOGUE_DIR", str(root))
    return root
