"""AppTest over every page: each renders without exception and shows its key Vietnamese texts."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app(demo_store, monkeypatch):
    monkeypatch.setenv("INDICATORS_DB", str(demo_store.path))
    demo_store.close()  # the app opens the file itself (one owner per process, shared here)
    import pages.ui as ui
    ui.store.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    yield at
    ui.store.clear()


def test_catalogue_page_lists_plans_and_targets(app):
    app.run()
    assert not app.exception
    texts = " ".join(m.value for m in app.markdown)
    assert "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026" in texts
    assert "32 chỉ tiêu đo lường được" in texts
    table = app.dataframe[1].value
    assert list(table["Mã"])[:3] == ["1", "2", "3"] and "< 9,4‰" in list(table["Chỉ tiêu"])
