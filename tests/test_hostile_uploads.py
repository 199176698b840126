"""Hostile uploads (tests/hostile_files.py) through the real command line: every file is refused
(exit 1, never an abort, a kill or a traceback) with a Vietnamese message naming the limit it hit,
quickly, within a bounded amount of memory (the command AND its children, e.g. a sandboxed reader),
and the database is exactly as before.

Each file is imported with `import FILE --dry-run` (the operator previews) and, for the kinds in
COMMIT_KINDS, with `import FILE --as <staff account holding the agency>` (a real write attempt by a
user allowed to write that report). The command runs under a tiny wrapper process that reports its
exit code, its wall time, its output and resource.getrusage(RUSAGE_CHILDREN).ru_maxrss — the peak
resident memory of the largest process of the command's tree that has ended, sandbox children included.

Safety of the shared machine: the command gets a soft address-space limit of SAFETY_CAP (children
may set their own), and its whole process group is killed after COMMAND_TIMEOUT seconds, so a
reader that hangs or runs away fails its test instead of blocking the run or the machine.

These stay real processes (unlike the other command-line tests, run in the test process): what is
measured is a real process's wall time and peak memory, with its sandbox children, and a reader that
aborts, hangs or runs away must end only that process, never the test run.

Set HOSTILE_UPLOADS_LOG=/some/file.jsonl to append one JSON line per run (kind, mode, exit code,
seconds, MB, output) — a table of what the reader did."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

import pytest

from indicators.store import Store
from loaders.templates import MARKER, META_SHEET, REPORT_SHEET
from tests import hostile_files as hf
from tests.helpers import measure, ROOT, snapshot, STAFF

# -- what each refusal must say (one place, easy to adjust) -----------------------------------------
# The Vietnamese key phrase of the limit each file must hit; "a|b" accepts either wording.
KEY_PHRASE = {
    "far-cell-report": "dòng",  # row 1.048.576 > 150.000 (column XFD > 40 too)
    "far-cell-report-lying-dimension": "dòng",
    "far-cell-meta": "dòng",
    "rows-without-r": "dòng",
    "cells-without-r": "cột",
    "shared-strings-bomb": "giải nén",
    "zip-bomb-lying-header": "giải nén|hỏng",  # over the unpacked limit, or the sizes do not match the headers
    "styles-bomb": "giải nén",
    "huge-cell-text": "giải nén",
    "too-many-members": "phần nén",
    "duplicate-members": "cùng tên",
    "huge-row-count": "dòng",
    "many-sheets": "trang tính",
    "deeply-nested-xml": "0 mới, 0 thay đổi",  # harmless: see HARMLESS
    "xml-entity-expansion": "DOCTYPE",
    "xml-entity-expansion-workbook": "DOCTYPE",
    "xml-external-entity": "DOCTYPE",
    "non-utf8-sheet": "hỏng",
    "garbage-sheet": "hỏng",
    "ods-rows-repeated": "dòng",
    "ods-columns-repeated": "cột",
}
VIETNAMESE_WORDS = ("Tệp", "tệp", "Trang tính", "giới hạn")  # at least one must appear
# Files whose attack does not reach the product: elements nested 100.000 deep after the table are
# skipped by python-calamine's streaming parser and never seen by our regex scan, so the file
# reads as the template it is, within the limits (checking nesting depth would cost the reading of
# a national compilation 2 s). Their dry run must succeed with nothing new or changed.
HARMLESS = {"deeply-nested-xml"}
FORBIDDEN = ("Traceback", "Lỗi không mong đợi", "root:x:0:0")  # a crash, the catch-all, /etc/passwd leaked

MAX_SECONDS = 10.0  # the refusal must arrive within this wall time
MAX_PEAK_MB = 500  # peak resident memory of the command and its children
COMMAND_TIMEOUT = 30.0  # a hang is killed (whole process group) and fails
SAFETY_CAP = 4 << 30  # soft RLIMIT_AS of the command: protects the shared machine, not a criterion
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable

MODES = {"dry-run": ["--dry-run"], "commit-as-staff": ["--as", STAFF]}
# The write attempt (`--as` the staff account holding Sở Tư pháp) for the kinds where a tolerant
# reader could skip the hostile part and find a valid report to write; the others are refused on
# the file itself, on the same path as the dry run. Every kind is always run with --dry-run.
# (COMMIT_KINDS = set(hf.KINDS) runs both modes for all, about 30 s more.)
COMMIT_KINDS = {"far-cell-report-lying-dimension", "far-cell-meta", "rows-without-r", "cells-without-r",
                "duplicate-members", "ods-rows-repeated"}
RUNS = [(kind, mode) for kind in hf.KINDS for mode in MODES if mode == "dry-run" or kind in COMMIT_KINDS]

def run_measured(db: Path, file: Path, extra: list[str]) -> dict:
    """`python -m indicators --db DB import FILE …` in a real process, measured (tests/helpers.measure)."""
    return measure([PYTHON, "-m", "indicators", "--db", str(db), "import", str(file), *extra], COMMAND_TIMEOUT, SAFETY_CAP)


def db_snapshot(db: Path) -> dict:
    """Every row of the database; opened only while no command holds the DuckDB file."""
    with Store(db, read_only=True) as s:
        return snapshot(s)


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory) -> Path:
    """One database for the module (the demo, with the staff account): every run proves it wrote nothing."""
    path = tmp_path_factory.mktemp("hostile-db") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def corpus(db, tmp_path_factory) -> dict[str, Path]:
    """Every hostile file, generated once from the module's database and written to disk."""
    folder = tmp_path_factory.mktemp("hostile-files")
    out = {}
    with Store(db) as s:  # closed before any command runs (DuckDB: one process per file)
        for kind, k in hf.KINDS.items():
            name, data = k.make(s)
            path = folder / name
            path.write_bytes(data)
            out[kind] = path
    return out


# -- every hostile file through the command line --------------------------------------------------


@pytest.mark.unit
def test_every_kind_has_a_key_phrase():
    assert set(KEY_PHRASE) == set(hf.KINDS) and COMMIT_KINDS <= set(hf.KINDS)


@pytest.mark.app
@pytest.mark.parametrize("kind,mode", RUNS, ids=[f"{k}-{m}" for k, m in RUNS])
def test_hostile_upload_is_refused_quickly_within_memory_and_writes_nothing(db, corpus, kind, mode):
    file = corpus[kind]
    before = db_snapshot(db)
    r = run_measured(db, file, MODES[mode])
    after = db_snapshot(db)
    output = r["stdout"] + r["stderr"]
    peak_mb = r["maxrss_kb"] / 1024
    summary = (f"{kind} [{mode}]: exit {r['returncode']}, {r['seconds']:.1f} s, peak {peak_mb:.0f} MB"
               f"{' (KILLED at the timeout)' if r['timed_out'] else ''}\n--- output ---\n{output[-2500:]}")
    if os.environ.get("HOSTILE_UPLOADS_LOG"):
        with open(os.environ["HOSTILE_UPLOADS_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"kind": kind, "mode": mode, "returncode": r["returncode"], "seconds": r["seconds"],
                                  "peak_mb": peak_mb, "timed_out": r["timed_out"], "output": output[-600:]},
                                 ensure_ascii=False) + "\n")

    failures = []
    if r["timed_out"]:
        failures.append(f"no answer within {COMMAND_TIMEOUT:.0f} s: killed")
    if r["returncode"] != (0 if kind in HARMLESS else 1):
        failures.append(f"exit code {r['returncode']}, not {0 if kind in HARMLESS else 1}")
    failures += [f"output contains {word!r}" for word in FORBIDDEN if word in output]
    if not any(word in output for word in VIETNAMESE_WORDS):
        failures.append(f"no Vietnamese refusal (none of {VIETNAMESE_WORDS})")
    if not any(p in output for p in KEY_PHRASE[kind].split("|")):
        failures.append(f"the limit is not named ({KEY_PHRASE[kind]!r} missing)")
    if r["seconds"] > MAX_SECONDS:
        failures.append(f"took {r['seconds']:.1f} s (> {MAX_SECONDS:.0f} s)")
    if peak_mb >= MAX_PEAK_MB:
        failures.append(f"peak memory {peak_mb:.0f} MB (>= {MAX_PEAK_MB} MB)")
    if after != before:
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        failures.append(f"database changed: {changed}")
    assert not failures, "; ".join(failures) + "\n" + summary


# -- the corpus is what it claims -----------------------------------------------------------------


def _entries(data: bytes) -> dict[str, dict]:
    return {e["name"]: e for e in hf.central_entries(data)}


def _stream(data: bytes, entry: dict, chunk: int = 1 << 20):
    """The real content of a member, decompressed in bounded chunks, whatever its headers declare."""
    raw = memoryview(data)[entry["data_offset"]:entry["data_offset"] + entry["compress_size"]]
    if entry["method"] == zipfile.ZIP_STORED:
        yield bytes(raw)
        return
    d = zlib.decompressobj(-15)
    for i in range(0, len(raw), 64 * 1024):
        out = d.decompress(raw[i:i + 64 * 1024], chunk)
        while out:
            yield out
            out = d.decompress(d.unconsumed_tail, chunk) if d.unconsumed_tail else b""
    assert d.eof, f"{entry['name']}: the deflate stream does not end"


def _measure(data: bytes, name: str, pattern: bytes | None = None) -> tuple[int, int, int]:
    """(real unpacked size, CRC-32 of the real content, occurrences of `pattern`), streaming."""
    size, crc, count, carry = 0, 0, 0, b""
    for piece in _stream(data, _entries(data)[name]):
        size += len(piece)
        crc = zlib.crc32(piece, crc)
        if pattern:
            window = carry + piece
            count += window.count(pattern)
            carry = window[-(len(pattern) - 1):] if len(pattern) > 1 else b""  # too short to hold a match
    return size, crc, count


def _member(data: bytes, name: str) -> bytes:
    return b"".join(_stream(data, _entries(data)[name]))


def _sheet(data: bytes, sheet: str) -> str:
    """The member of a sheet, found with regular expressions (workbook.xml may carry a DOCTYPE that
    a protected XML parser rightly refuses)."""
    wb, rels = _member(data, "xl/workbook.xml"), _member(data, "xl/_rels/workbook.xml.rels")
    tag = next(t for t in re.findall(rb"<sheet\b[^>]*>", wb) if f'name="{sheet}"'.encode() in t)
    rid = re.search(rb'r:id="([^"]+)"', tag).group(1)
    rel = next(t for t in re.findall(rb"<Relationship\b[^>]*>", rels) if b'Id="' + rid + b'"' in t)
    target = re.search(rb'Target="([^"]+)"', rel).group(1).decode()
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _max_depth(xml: bytes) -> int:
    depth = deepest = 0

    def start(*_):
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)

    def end(*_):
        nonlocal depth
        depth -= 1

    p = expat.ParserCreate()
    p.StartElementHandler, p.EndElementHandler = start, end
    p.Parse(xml, True)
    return deepest


_ODS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}


def _ods_far_value(data: bytes, sheet: str) -> tuple[int, int]:
    """(row, column), 1-based, of the farthest non-empty cell of an .ods sheet, repeats counted."""
    root = ElementTree.fromstring(_member(data, "content.xml"))
    t = f"{{{_ODS['table']}}}"
    table = next(x for x in root.iter(f"{t}table") if x.get(f"{t}name") == sheet)
    row = far_row = far_col = 0
    for r in table.iter(f"{t}table-row"):
        col = 0
        for c in r.iter(f"{t}table-cell"):
            col += int(c.get(f"{t}number-columns-repeated", "1"))
            if c.get(f"{{{_ODS['office']}}}value-type"):
                far_row, far_col = max(far_row, row + 1), max(far_col, col)
        row += int(r.get(f"{t}number-rows-repeated", "1"))
    return far_row, far_col


def _check_far_cell(data: bytes, sheet: str, dimension: str | None) -> None:
    xml = _member(data, _sheet(data, sheet))
    assert f'r="{hf.FAR_CELL}"'.encode() in xml
    if dimension is None:
        assert b"<dimension" not in xml
    else:
        assert f'<dimension ref="{dimension}"/>'.encode() in xml


def _check_rows_without_r(data):
    path = _sheet(data, REPORT_SHEET)
    size, _, empty_rows = _measure(data, path, b"<row/>")
    xml = _member(data, path)
    explicit = max(int(x) for x in re.findall(rb'<row r="(\d+)"', xml))
    assert empty_rows == hf.IMPLIED_ROWS and xml.count(b"<row>") == 1  # the value's row, no r either
    assert xml.index(b"<row>") > xml.rindex(b"<row/>") and b"<t>x</t>" in xml
    assert explicit + empty_rows + 1 > 150_000 and len(data) < 100 * 1024


def _check_cells_without_r(data):
    xml = _member(data, _sheet(data, REPORT_SHEET))
    rows = re.findall(rb"<row[ >].*?</row>", xml, re.S)
    widest = max(rows, key=lambda r: r.count(b"<c"))
    assert widest.count(b"<c>") > 16_000 and widest.count(b"<c") == hf.EXCEL_MAX_COLUMN


def _check_unpacks_big(data, name: str, at_least: int, pattern: bytes | None = None, min_count: int = 0,
                       truthful: bool = True):
    size, crc, count = _measure(data, name, pattern)
    entry = _entries(data)[name]
    assert size >= at_least and count >= min_count, (size, count)
    assert crc == entry["crc"]  # the CRC is right: only the sizes may lie
    assert len(data) < 1 * hf.MB
    if truthful:
        assert entry["file_size"] == entry["local_file_size"] == size
    return entry


def _check_shared_strings(data):
    _check_unpacks_big(data, "xl/sharedStrings.xml", 300 * hf.MB, b"<si>", 20_000_000)
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert b"sharedStrings.xml" in zf.read("xl/_rels/workbook.xml.rels")
    assert b"/xl/sharedStrings.xml" in zf.read("[Content_Types].xml")


def _check_lying_header(data):
    path = _sheet(data, REPORT_SHEET)
    entry = _check_unpacks_big(data, path, 400 * hf.MB + 1, truthful=False)
    assert entry["file_size"] < 64 * 1024 and entry["local_file_size"] < 64 * 1024
    assert sum(e["file_size"] for e in _entries(data).values()) < 1 * hf.MB  # what the headers claim


def _check_duplicates(data):
    path = _sheet(data, REPORT_SHEET)
    copies = [e for e in hf.central_entries(data) if e["name"] == path]
    assert len(copies) == 2
    assert [hf.FAR_CELL.encode() in b"".join(_stream(data, e)) for e in copies] == [True, False]


def _check_huge_rows(data):
    xml = _member(data, _sheet(data, REPORT_SHEET))
    assert xml.count(b"<row r=") >= 200_000 and len(data) < 20 * hf.MB
    last = int(re.search(rb'<dimension ref="A1:H(\d+)"/>', xml).group(1))
    assert last == max(int(x) for x in re.findall(rb'<row r="(\d+)"', xml)) > 200_000


def _check_many_sheets(data):
    wb = ElementTree.fromstring(_member(data, "xl/workbook.xml"))
    sheets = list(wb.iter(f"{{{hf._MAIN}}}sheet"))
    rels = ElementTree.fromstring(_member(data, "xl/_rels/workbook.xml.rels"))
    ids = {r.get("Id") for r in rels}
    assert len(sheets) >= 20_000 and all(s.get(f"{{{hf._REL}}}id") in ids for s in sheets)


def _check_laughs(data, member: str):
    xml = _member(data, member)
    assert xml.startswith(b"<!DOCTYPE") and b"&lol9;" in xml.split(b"]>", 1)[1]
    for i in range(1, 10):  # each level is ten of the previous one: 10^9 × "lol"
        prev = f"&lol{i - 1 if i > 1 else ''};".encode()
        assert re.search(rb'<!ENTITY lol' + str(i).encode() + rb' "(' + re.escape(prev) + rb'){10}">', xml), i


def _check_xxe(data):
    xml = _member(data, _sheet(data, REPORT_SHEET))
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in xml and b"<t>&xxe;</t>" in xml


def _check_not_utf8(data):
    xml = _member(data, _sheet(data, REPORT_SHEET))
    assert b'encoding="UTF-8"' in xml[:100] and hf.NOT_UTF8 in xml
    with pytest.raises(UnicodeDecodeError):
        xml.decode("utf-8")


def _check_garbage(data):
    xml = _member(data, _sheet(data, REPORT_SHEET))
    assert len(xml) == 64 * 1024
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(xml)


def _check_ods(data, far_row: int, far_col: int, repeat_attr: str):
    entries = hf.central_entries(data)
    assert entries[0]["name"] == "mimetype" and entries[0]["method"] == zipfile.ZIP_STORED
    assert _member(data, "mimetype") == hf.ODS_MIMETYPE and "META-INF/manifest.xml" in _entries(data)
    content = _member(data, "content.xml")
    assert repeat_attr.encode() in content
    row, col = _ods_far_value(data, REPORT_SHEET)
    assert row >= far_row and col >= far_col, (row, col)
    assert _ods_far_value(data, META_SHEET)[0] >= 20  # the identity sheet, rows listing included


CHECKS = {
    "far-cell-report": lambda d: _check_far_cell(d, REPORT_SHEET, None),
    "far-cell-report-lying-dimension": lambda d: _check_far_cell(d, REPORT_SHEET, "A1:H20"),
    "far-cell-meta": lambda d: _check_far_cell(d, META_SHEET, None),
    "rows-without-r": _check_rows_without_r,
    "cells-without-r": _check_cells_without_r,
    "shared-strings-bomb": _check_shared_strings,
    "zip-bomb-lying-header": _check_lying_header,
    "styles-bomb": lambda d: _check_unpacks_big(d, "xl/styles.xml", 250 * hf.MB, b"<xf ", 10_000_000),
    "huge-cell-text": lambda d: _check_unpacks_big(d, _sheet(d, REPORT_SHEET), 300 * hf.MB),
    "too-many-members": lambda d: len(hf.central_entries(d)) >= 50_000 or pytest.fail("too few members"),
    "duplicate-members": _check_duplicates,
    "huge-row-count": _check_huge_rows,
    "many-sheets": _check_many_sheets,
    "deeply-nested-xml": lambda d: _max_depth(_member(d, _sheet(d, REPORT_SHEET))) >= 100_000 or pytest.fail("shallow"),
    "xml-entity-expansion": lambda d: _check_laughs(d, _sheet(d, REPORT_SHEET)),
    "xml-entity-expansion-workbook": lambda d: _check_laughs(d, "xl/workbook.xml"),
    "xml-external-entity": _check_xxe,
    "non-utf8-sheet": _check_not_utf8,
    "garbage-sheet": _check_garbage,
    "ods-rows-repeated": lambda d: _check_ods(d, 1_048_000, 1, 'number-rows-repeated="1048000"'),
    "ods-columns-repeated": lambda d: _check_ods(d, 9, 16_000, 'number-columns-repeated="16000"'),
}


@pytest.mark.store
def test_the_hostile_files_are_what_they_claim(db, corpus):
    """So the corpus cannot silently become harmless: each file really carries its attack (checked
    by streaming decompression with a counter, never by unpacking it whole), is under the upload
    limit, and is a real template (the identity sheet with the marker and the agency is there)."""
    import python_calamine

    assert set(CHECKS) == set(hf.KINDS)
    for kind, path in corpus.items():
        data = path.read_bytes()
        assert len(data) < 20 * hf.MB, kind
        try:
            CHECKS[kind](data)
        except AssertionError as exc:
            raise AssertionError(f"{kind}: {exc}") from exc
        if "content.xml" in _entries(data):  # .ods: the template's cells, copied
            identity = _member(data, "content.xml")
        else:
            identity = _member(data, _sheet(data, META_SHEET))
        text = "".join(ElementTree.fromstring(identity).itertext())
        assert MARKER in text and hf.KEY[1] in text, kind

    # the hand-made OpenDocument is a spreadsheet a real reader opens, with both sheets
    with Store(db, read_only=True) as s:
        _, ods = hf.ods_from_template(s)
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(ods))
    assert wb.sheet_names == [REPORT_SHEET, META_SHEET]
    meta = wb.get_sheet_by_name(META_SHEET).to_python()
    assert meta[0][:2] == ["loai", MARKER] and [r[1] for r in meta if r[0] == "co_quan"] == [hf.KEY[1]]
    report = wb.get_sheet_by_name(REPORT_SHEET).to_python()
    assert "Mã chỉ tiêu" in report[7]
