"""Helpers shared by the test modules (plain functions and constants; the fixtures are in
tests/conftest.py). Test modules import from here, never from one another."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import openpyxl

from loaders.templates import HEADER_ROW, REPORT_SHEET, category_of_label

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"  # copies of shared/seeds: the source documents of the catalogue

# Accounts in the demo database of the tests (one per role).
PASSWORD = "mat-khau-kiem-thu-2026"
ADMIN, LEADER, STAFF = "quantri", "lanh.dao", "can.bo.tu.phap"
USERS = [(ADMIN, "admin", []), (LEADER, "leader", []), (STAFF, "staff", [("son-la-2026", "Sở Tư pháp")])]


# -- the command line ------------------------------------------------------------------------------

_CLI_LOCK = threading.Lock()  # stdin, stdout and stderr are the process's: one command at a time


def run_cli(*args: str, db: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m indicators …` run in this process: commands.cli.main with its own standard input
    (`stdin`, for --password-stdin), output and error output, answering like a finished process
    (returncode, stdout, stderr). argparse's exits (--help, usage errors) give their exit code; an
    exception escaping main gives exit 1 and its traceback on stderr, as the interpreter would.

    The command opens and closes the database itself: no Store may be open on the same file in the
    test meanwhile (DuckDB: one owner per file). `run_cli_process` runs a real process instead."""
    from commands.cli import main

    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with _CLI_LOCK:
        saved_stdin, saved_columns = sys.stdin, os.environ.get("COLUMNS")
        sys.stdin = io.StringIO(stdin or "")
        os.environ["COLUMNS"] = "120"  # the width a real process with piped output falls back to
        try:
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = exc.code
                    if code is None:
                        code = 0
                    elif not isinstance(code, int):
                        print(code, file=sys.stderr)
                        code = 1
                except Exception:  # noqa: BLE001 - what the interpreter prints before exiting 1
                    traceback.print_exc()
                    code = 1
        finally:
            sys.stdin = saved_stdin
            if saved_columns is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = saved_columns
    return subprocess.CompletedProcess(["python", "-m", "indicators", *argv], code, out.getvalue(), err.getvalue())


def run_cli_process(*args: str, db: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m indicators …` in a real process, as a person runs it (the entry point, the
    interpreter's start and exit). For the few smoke tests that need a real process."""
    cmd = [sys.executable, "-m", "indicators"] + (["--db", str(db)] if db else []) + [str(a) for a in args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=120)


def cli_json(*args: str, db: Path):
    import json

    out = run_cli(*args, "--json", db=db)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


# -- workbooks -------------------------------------------------------------------------------------

def fill(data: bytes, values: dict, sheet: str = REPORT_SHEET, extra_cols: int = 0) -> bytes:
    """Fill a template by target code (and unit, for compilations), as a person would in Excel.
    values: code -> value, or (unit, code) -> value; a category row of a disaggregated target is
    (code, category) -> value, or (unit, code, category) -> value; a tuple value is (value,
    numerator, denominator)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    off = extra_cols
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        code = row[off].value
        category = category_of_label(row[off + 1].value)
        key = (row[0].value, code) if off else code
        if category is not None:
            key = (*key, category) if off else (code, category)
        if key in values:
            v = values[key]
            v, num, den = v if isinstance(v, tuple) else (v, None, None)
            row[off + 4].value = v
            if num is not None:
                row[off + 5].value, row[off + 6].value = num, den
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_bytes(store, data: bytes, name: str = "bao-cao.xlsx", actor: str = "can-bo", confirm_warnings: bool = False):
    """Read a filled workbook and record it, as the upload page does after the preview (its
    plausibility warnings confirmed as they are when `confirm_warnings`)."""
    from indicators import intake
    from loaders.workbooks import read_report

    parsed = read_report(data, name, store)
    assert parsed.ok, [str(p) for p in parsed.problems]
    decisions = {w.key: "keep" for w in intake.warnings(store, parsed)} if confirm_warnings else None
    return intake.commit(store, parsed, operator=actor, decisions=decisions)


def same_answer(a, b) -> bool:
    """A reader's answer equals the hand-written one: lists and dicts field by field, numbers to
    1e-9 (the plan-text corpora's scorers)."""
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(same_answer(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(same_answer(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def docx_from_text(text: str, table_rows: list[list[str]] | None = None, list_style: bool = False,
                   merged_header: bool = False) -> bytes:
    """An ordinary .docx written by python-docx: one paragraph per line (an empty one for a blank
    line), bullets as Word list paragraphs when `list_style`, a table after the "2. Mục tiêu cụ thể"
    heading (its header's 2nd and 3rd cells merged when `merged_header`: merged cells repeat their text)."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if not line.strip():
            document.add_paragraph("")
            continue
        if list_style and line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
        if table_rows and line.startswith("2. Mục tiêu cụ thể"):
            table = document.add_table(rows=0, cols=len(table_rows[0]))
            for row in table_rows:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = value
            if merged_header:
                table.rows[0].cells[1].merge(table.rows[0].cells[2])
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def row_counts(store) -> dict[str, int]:
    """Rows in the main tables of a store."""
    tables = ["plans", "targets", "agencies", "submissions", "actuals", "audit"]
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def snapshot(store) -> dict[str, list[str]]:
    """Every row of every table, sorted: lets a test prove that a refused input changed nothing."""
    return {t: sorted(map(repr, store.con.execute(f"SELECT * FROM {t}").fetchall())) for t in store.tables()}


# Runs a command in its own process group with a soft address-space cap, kills the group at the
# timeout, prints one JSON line: exit code, seconds, whether it timed out, the peak resident memory
# of the command and its children (RUSAGE_CHILDREN, in KB), and its output.
_MEASURE = r"""
import json, os, resource, signal, subprocess, sys, time
cmd, timeout, cap = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
def limit():
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
start = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=limit)
timed_out = False
try:
    out, err = proc.communicate(timeout=timeout)
except subprocess.TimeoutExpired:
    timed_out = True
    os.killpg(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
seconds = time.monotonic() - start
try:
    os.killpg(proc.pid, signal.SIGKILL)  # anything of the command's group still running
except ProcessLookupError:
    pass
print(json.dumps({"returncode": proc.returncode, "seconds": seconds, "timed_out": timed_out,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}))
"""


def measure(cmd: list[str], timeout: float, cap: int, cwd: Path = ROOT) -> dict:
    """Run `cmd` as a real process under the measuring wrapper; its JSON answer as a dict. A hang is
    killed with its whole process group at `timeout`; `cap` bounds its address space (a safety net
    for the shared machine, not a criterion)."""
    import json
    import signal

    wrapper = subprocess.Popen([sys.executable, "-c", _MEASURE, json.dumps(cmd), str(timeout), str(cap)], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = wrapper.communicate(timeout=timeout + 30)
    except subprocess.TimeoutExpired:  # the wrapper itself stuck: should not happen
        os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.communicate()
        raise AssertionError(f"the measuring wrapper did not return within {timeout + 30} s") from None
    assert wrapper.returncode == 0, err.decode("utf-8", "replace")[-3000:]
    return json.loads(out.decode().strip().splitlines()[-1])


# -- the real browser (Playwright driving Debian's chromium) -------------------------------------------

def settled(pg) -> None:
    """Wait until Streamlit has finished the script run: the app connected and not running a script
    (the attribute Streamlit's own browser tests wait on), no stale elements, no spinner. A click's
    rerun may not have started yet when this returns: a check of what the rerun draws waits for it
    with `shows`/`lacks` below, never with a bare read of the page's text."""
    pg.wait_for_function("() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
                         " return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'"
                         " && app.getAttribute('data-test-script-state') === 'notRunning'"
                         " && !document.querySelector('[data-stale=\"true\"]')"
                         " && !document.querySelector('[data-testid=\"stSpinner\"]'); }")
    pg.wait_for_timeout(400)


def open_from_sidebar(pg, title: str, attempts: int = 3) -> None:
    """Open a page through the sidebar as a person does, and wait for its heading. A click that lands
    while the browser is still busy with the previous run can go unanswered on a loaded machine (seen
    once in a suite run with a busy core); a person would click again, and so does this."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    settled(pg)
    for attempt in range(attempts):
        pg.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        try:
            pg.locator("h1").filter(has_text=title).first.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    settled(pg)


def shows(locator, text: str, timeout: float = 30_000) -> None:
    """The element comes to contain `text` (retried until `timeout` ms: a script run under load may
    still be drawing); fails with the element's text when it never does."""
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=timeout)


def lacks(locator, text: str, timeout: float = 30_000) -> None:
    """The element comes not to contain `text` (the earlier run's elements stay until a run ends)."""
    from playwright.sync_api import expect

    expect(locator).not_to_contain_text(text, timeout=timeout)


def no_exception(pg, where: str) -> None:
    """No Streamlit exception box and no "page not found" dialog, in English or as our chrome translates
    it ("Không có trang này")."""
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()}"
    assert pg.get_by_text("Page not found").count() == 0, where
    assert pg.get_by_text("Không có trang").count() == 0, where


def drawn(at) -> list:
    """Every Markdown text and every st.html body an AppTest run drew (each with .value): the pages'
    tables, status cards, approval line and charts are st.html (pages/ui.raw_html), prose is Markdown."""
    return list(at.markdown) + list(at.html)
