"""LibreOffice Calc itself fills a template (issue 15, item 7): a private headless LibreOffice, set
to the Vietnamese or the US English locale, gets keystrokes into the yellow cells and a choice from
a dropdown, saves the workbook as .xlsx and as .ods, and both files import with what was typed.

The driver, tests/libreoffice_fill.py, runs under a Python that has LibreOffice's `uno` module
(Debian: /usr/bin/python3 with python3-uno; this venv has none). These tests skip, saying why, only
where soffice or that module is missing; `make test` installs both where it can."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from indicators import intake, progress
from indicators.status import MILESTONE_ANSWERS
from indicators.store import Store
from loaders.templates import HEADER_ROW, REPORT_SHEET, Identity, template_for, value_columns
from loaders.workbooks import read_report
from tests.helpers import snapshot

pytestmark = pytest.mark.app

PLAN, AGENCY, PERIOD = "chau-son-2026", "Phòng Văn hoá – Xã hội", "2026-H1"  # %, count and milestone rows
OPERATOR = "máy chủ:kiem-thu"
DRIVER = Path(__file__).with_name("libreoffice_fill.py")
DECIMAL_MARK = {"vi-VN": ",", "en-US": "."}  # what a person types on a computer set to that locale
FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8"}  # File > Save As: Excel 2007-365, ODF Spreadsheet
DONE = MILESTONE_ANSWERS[0]  # "Đã thực hiện", chosen from the dropdown
NOTE = "Số liệu sơ bộ"
SECONDS = 90  # the driver's own deadline for LibreOffice; about 3 s are needed here


def _uno_python(soffice: str) -> str | None:
    """A Python that imports uno: LIBREOFFICE_PYTHON, Debian's /usr/bin/python3 (python3-uno), or the
    one LibreOffice's own packages bundle next to soffice."""
    bundled = Path(os.path.realpath(soffice)).parent / "python"
    for candidate in (os.environ.get("LIBREOFFICE_PYTHON"), "/usr/bin/python3", str(bundled)):
        if candidate and os.access(candidate, os.X_OK):
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60)
            if probe.returncode == 0:
                return candidate
    return None


@pytest.fixture(scope="module")
def office() -> tuple[str, str]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("Bỏ qua: máy này không có LibreOffice (soffice) / LibreOffice is not installed here; "
                    "`make test` installs libreoffice-calc and python3-uno where it can (root, apt-get)")
    python = _uno_python(soffice)
    if python is None:
        pytest.skip("Bỏ qua: không có Python nào import được uno (gói python3-uno) / no Python with LibreOffice's "
                    "uno module here (Debian: python3-uno); `make test` installs it where it can (root, apt-get)")
    return soffice, python


@dataclass
class Filled:
    locale: str
    db: Path  # the database the template was made from (its signing key): copy it before writing
    cell: dict  # code -> {"value": "E12", "numerator": "F12", "denominator": "G12", "note": "H12"}
    report: dict  # what the driver saw in LibreOffice
    files: dict  # "xlsx" / "ods" -> the saved file


def _cells_by_code(data: bytes) -> dict[str, dict[str, str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[REPORT_SHEET]
    letters = [get_column_letter(c + 1) for c in value_columns("agency")]
    return {str(ws.cell(r, 1).value): dict(zip(("value", "numerator", "denominator", "note"), (f"{c}{r}" for c in letters)))
            for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def _run_driver(python: str, spec: dict, work: Path) -> dict:
    spec_file = work / "spec.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.Popen([python, str(DRIVER), str(spec_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=SECONDS + 30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"LibreOffice driver did not finish in {SECONDS + 30} s: {err[-2000:]}")
    finally:
        pid_file = work / "soffice.pid"  # the driver stops LibreOffice itself; this catches a killed driver
        if proc.returncode != 0 and pid_file.exists():
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
            except (ProcessLookupError, PermissionError, ValueError):
                pass
    assert proc.returncode == 0, f"LibreOffice driver exit {proc.returncode}: {err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=list(DECIMAL_MARK))
def filled(request, office, demo_db, tmp_path_factory) -> Filled:
    """One LibreOffice per locale: the official types into Phòng Văn hoá – Xã hội's template for
    2026-H1 (prefilled from the demo data), picks from the dropdown, saves as .xlsx and .ods."""
    soffice, python = office
    locale, mark = request.param, DECIMAL_MARK[request.param]
    work = tmp_path_factory.mktemp(f"libreoffice-{locale}")
    db = work / "demo.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as s:  # the template's signing key is made here, in this database
        name, data = template_for(s, PLAN, AGENCY, PERIOD)
    template = work / name
    template.write_bytes(data)
    cell = _cells_by_code(data)
    other = "." if mark == "," else ","
    steps = [
        {"cell": cell["1b"]["value"], "keys": f"98{other}6"},  # the other locale's mark: the cell refuses it
        {"cell": cell["1a"]["value"], "keys": f"98{mark}6"},
        {"cell": cell["1a"]["note"], "keys": NOTE},
        {"cell": cell["9"]["value"], "keys": f"9{mark}1"},
        {"cell": cell["7a"]["numerator"], "keys": "45"},  # value left blank: computed from 45 / 50
        {"cell": cell["7a"]["denominator"], "keys": "50"},
        {"cell": cell["7c"]["value"], "keys": "3"},
        {"cell": cell["3"]["value"], "choose": DONE},
    ]
    files = {fmt: work / f"{Path(name).stem}.{fmt}" for fmt in FILTERS}
    spec = {"soffice": soffice, "template": str(template), "locale": locale, "work": str(work / "office"),
            "sheet": REPORT_SHEET, "steps": steps, "seconds": SECONDS,
            "read": sorted({s["cell"] for s in steps}),
            "save": [[FILTERS[fmt], str(path)] for fmt, path in files.items()]}
    report = _run_driver(python, spec, work)
    print(f"LibreOffice {locale}: {report['timings']}")
    return Filled(locale, db, cell, report, files)


def test_libreoffice_parses_the_keys_in_its_locale_and_the_dropdown_offers_the_answers(filled):
    """What LibreOffice itself made of the keystrokes: a number in the locale's decimal mark,
    shown back in that mark; the other mark refused by the template's validation (the cell keeps
    its prefilled 100, never 986, a date or text); the dropdown lists the three answers."""
    report, cell, mark = filled.report, filled.cell, DECIMAL_MARK[filled.locale]
    assert report["locale_setting"] == filled.locale
    got = report["cells"]
    assert got[cell["1a"]["value"]]["type"] == "value" and got[cell["1a"]["value"]]["value"] == pytest.approx(98.6)
    assert got[cell["1a"]["value"]]["string"] == f"98{mark}6"  # displayed in the locale: the setting is in force
    assert got[cell["9"]["value"]]["type"] == "value" and got[cell["9"]["value"]]["value"] == pytest.approx(9.1)
    assert got[cell["9"]["value"]]["string"] == f"9{mark}1"
    assert (got[cell["7a"]["numerator"]]["value"], got[cell["7a"]["denominator"]]["value"]) == (45, 50)
    assert got[cell["7c"]["value"]] == {"type": "value", "value": 3, "string": "3"}
    assert got[cell["1b"]["value"]]["type"] == "value" and got[cell["1b"]["value"]]["value"] == 100
    assert got[cell["1a"]["note"]] == {"type": "text", "value": 0, "string": NOTE}
    assert report["lists"] == {cell["3"]["value"]: list(MILESTONE_ANSWERS)}
    assert got[cell["3"]["value"]] == {"type": "text", "value": 0, "string": DONE}


@pytest.mark.parametrize("fmt", list(FILTERS))
def test_what_libreoffice_saved_imports_with_what_was_typed(filled, fmt, tmp_path):
    """Each saved file passes the reader (signature, locked cells, validation) for the plan, agency
    and period the person chose, changes exactly the rows typed into, and once committed the
    store holds the typed figures and the chosen answer, and the statuses follow."""
    db = tmp_path / "demo.duckdb"
    shutil.copy(filled.db, db)
    path = filled.files[fmt]
    with Store(db) as store:
        parsed = read_report(path.read_bytes(), path.name, store, expected=Identity(PLAN, AGENCY, PERIOD))
        assert parsed.ok, [str(p) for p in parsed.problems]
        preview = intake.preview(store, parsed, operator=OPERATOR)
        assert preview.warnings == []
        kinds = {c.code: c.kind for c in preview.changes}
        assert {k: v for k, v in kinds.items() if v != "unchanged"} == {
            "1a": "changed", "9": "changed", "7a": "new", "7c": "changed", "3": "changed"}
        before = {r.target.code: r.status for r in progress.plan_progress(store, PLAN, PERIOD).rows}
        intake.commit(store, parsed, operator=OPERATOR)
        now = store.current_values(PLAN, AGENCY, PERIOD)
        assert now["1a"]["value"] == pytest.approx(98.6) and now["1a"]["note"] == NOTE
        assert now["9"]["value"] == pytest.approx(9.1)
        assert (now["7a"]["value"], now["7a"]["numerator"], now["7a"]["denominator"]) == (pytest.approx(90), 45, 50)
        assert now["7c"]["value"] == 3
        assert now["3"]["text"] == DONE
        assert now["1b"]["value"] == 100  # the refused keystrokes did not reach the file
        after = {r.target.code: r.status for r in progress.plan_progress(store, PLAN, PERIOD).rows}
        assert (before["3"], after["3"]) == ("lagging", "achieved")
        assert (before["7a"], after["7a"]) == ("no_data", "achieved")
        unchanged = snapshot(store)
        again = read_report(path.read_bytes(), path.name, store)  # the same file once more writes nothing new
        assert {c.kind for c in intake.preview(store, again, operator=OPERATOR).changes} == {"unchanged"}
        assert snapshot(store) == unchanged
