"""Every setting lives here, once. The status rules' thresholds (docs/status-rules.md) have these defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
PLANS_DIR = DATA_DIR / "plans"
REGISTRY_FILE = DATA_DIR / "indicators.toml"  # the indicator registry (docs/indicators.md)
DEFAULT_DB = DATA_DIR / "indicators.duckdb"


@dataclass(frozen=True)
class Thresholds:
    on_track_pace: float = 0.95  # R >= this -> on_track
    lagging_pace: float = 0.60  # lagging_pace <= R < on_track_pace -> lagging
    near_gap: float = 0.05  # interim without baseline: relative gap <= this -> lagging
    h1_elapsed: float = 0.5  # elapsed share of the year at the 6-month report
    equal_tolerance: float = 1e-9  # for the "=" comparator


THRESHOLDS = Thresholds()


def plans_dir() -> Path:
    """The catalogue's plan files: $INDICATORS_CATALOGUE_DIR/plans when set (tests, a second
    installation), else data/plans."""
    env = os.environ.get("INDICATORS_CATALOGUE_DIR")
    return Path(env) / "plans" if env else PLANS_DIR


def registry_file() -> Path:
    """The indicator registry beside the plan files: $INDICATORS_CATALOGUE_DIR/indicators.toml, else data/indicators.toml."""
    env = os.environ.get("INDICATORS_CATALOGUE_DIR")
    return Path(env) / "indicators.toml" if env else REGISTRY_FILE


def db_setting(cli_value: str | None = None) -> str | None:
    """The database as given: --db, else $INDICATORS_DB, else None (a path, or a postgresql:// address)."""
    return cli_value or os.environ.get("INDICATORS_DB") or None


def db_path(cli_value: str | None = None) -> Path:
    """DB path: --db PATH, else $INDICATORS_DB, else data/indicators.duckdb (docs/cli.md)."""
    given = db_setting(cli_value)
    return Path(given) if given else DEFAULT_DB


def is_server_url(value) -> bool:
    """A PostgreSQL address (postgresql://…) rather than a DuckDB file path."""
    return isinstance(value, str) and value.lower().startswith(("postgresql://", "postgres://"))


def database(cli_value: str | None = None) -> str | Path:
    """What the store opens: a postgresql://… address as given, else the DuckDB file (db_path)."""
    given = db_setting(cli_value)
    return given if is_server_url(given) else db_path(cli_value)


def backup_dir() -> Path:
    """Where the pages write and list backups: $INDICATORS_BACKUP_DIR (several app servers: a folder
    they share), else beside a DuckDB file, else data/backups."""
    env = os.environ.get("INDICATORS_BACKUP_DIR")
    if env:
        return Path(env)
    db = database()
    return (db.resolve().parent if isinstance(db, Path) else DATA_DIR) / "backups"

# Local time of the provinces: deadlines and "received at" are compared in this zone.
TIMEZONE = "Asia/Ho_Chi_Minh"


def now_local(microseconds: bool = False):
    """Wall-clock time in Việt Nam, without tzinfo (stored as TIMESTAMP), to the second unless asked."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
    return now if microseconds else now.replace(microsecond=0)


# Speed budget (issues 4 and 8): the server work of one page, at national scale (`python -m indicators bench`).
PAGE_BUDGET_MS = 300

# Transaction retries when two writers touch the same rows at once.
WRITE_RETRIES = 20

# Excel report templates (docs/template.md).
TEMPLATE_VERSION = "2026.2"  # 2026.2: the identity sheet is signed (indicators/signing.py)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a national compilation (3.321 xã × 30 chỉ tiêu) is about 6 MB
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # the same file unpacks to about 80 MB of XML
MAX_ROWS = 150_000  # rows on the report sheet
MAX_SHEETS = 10
MAX_COLUMNS = 40
# Limits checked on the file's real content before python-calamine builds a grid (loaders/sheet_file.py);
# the zip headers and the <dimension> tag are never trusted.
MAX_ZIP_MEMBERS = 500  # a workbook saved by Excel or LibreOffice has 10 to 30
MAX_SHEET_XML_BYTES = 200 * 1024 * 1024  # one sheet's XML, unpacked
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # any other part (styles, workbook, relationships…)
MAX_ROW_XML_BYTES = 16 * 1024 * 1024  # one row's XML
MAX_CELLS = 2_000_000  # written cells on one sheet (a national compilation has about 900.000)
MAX_GRID_CELLS = 2_500_000  # rows × columns of the grid python-calamine builds for one sheet
# The reading of an uploaded file runs in a child process with these limits (loaders/sandbox.py):
# a file that needs more is refused and only that child ends, never the server.
READ_MEMORY_MB = 1024
READ_SECONDS = 8
READ_PARALLEL = 2  # files read at once per server process (each child may take READ_MEMORY_MB)
READ_QUEUE_SECONDS = 30  # how long an upload waits for its turn before it is asked to retry
# Plan documents uploaded by administrators (read by `parse-plan`). The largest real plan is
# about 40 KB of text (300 lines, longest paragraph 2.728 characters); a real .docx is under 1 MB
# with fewer than 5.000 paragraphs. Everything is checked before python-docx parses, which then
# runs in a child process (loaders/sandbox.py) with its own memory and time limits.
MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024  # a .docx as uploaded (pictures included)
MAX_PLAN_TEXT_BYTES = 2 * 1024 * 1024  # a .txt, or the text read from a .docx
MAX_PLAN_LINES = 50_000  # lines of a .txt, or paragraphs and table rows read from a .docx
MAX_PLAN_LINE_CHARS = 5_000  # one paragraph, after lines broken across a page are joined back
MAX_PLAN_LINE_NUMBERS = 200  # numbers in one paragraph (the most in a real plan: 64)
MAX_PLAN_NUMBERS = 20_000  # numbers in the whole document (the most in a real plan: 313)
MAX_PLAN_DOCX_MEMBERS = 1_000  # parts inside the .docx (a zip); Word writes about 10 to 30
MAX_PLAN_DOCX_PART_BYTES = 20 * 1024 * 1024  # one part unpacked, word/document.xml included
MAX_PLAN_DOCX_UNPACKED_BYTES = 60 * 1024 * 1024  # all parts unpacked
MAX_PLAN_PARAGRAPHS = 20_000  # <w:p> elements in the .docx
MAX_PLAN_TABLE_ROWS = 5_000  # <w:tr> elements
MAX_PLAN_RUNS = 50_000  # <w:r> elements (pieces of text with their own formatting); python-docx takes ~40 µs each
MAX_PLAN_TABLE_CELLS = 50_000  # <w:tc> elements
MAX_PLAN_XML_ELEMENTS = 1_000_000  # elements of all XML parts; lxml needs ~200 bytes each in the child
# Checked in the child once python-docx has parsed: shapes whose text lookup in python-docx is
# quadratic (or worse, for vertical merges) in their size.
MAX_PLAN_RUN_ITEMS = 1_000  # children of one <w:r> (text, line breaks, tabs …)
MAX_PLAN_RUN_ITEMS_TOTAL = 200_000  # children of all <w:r> together
MAX_PLAN_PARAGRAPH_ITEMS = 5_000  # children of one <w:p> (runs, links …)
MAX_PLAN_TABLE_COLUMNS = 100  # grid columns of one table row, spans included (Word allows 63)
MAX_PLAN_MERGED_CELLS = 200  # cells continuing a vertical merge (python-docx walks each chain up)
PLAN_READ_MEMORY_MB = 512  # the child process that runs python-docx
PLAN_READ_SECONDS = 8
# A reported value may differ from numerator / denominator × unit factor by this much beyond its
# own rounding (half a unit of its last decimal).
RATIO_SLACK = 1e-6

# Accounts and sessions (issue 6).
ROLES = ("leader", "staff", "admin")
ROLE_LABEL = {"leader": "Lãnh đạo", "staff": "Cán bộ báo cáo", "admin": "Quản trị"}
IDLE_MINUTES = int(os.environ.get("INDICATORS_IDLE_MINUTES", "30"))  # a session ends after this much idle time
SESSION_MAX_HOURS = int(os.environ.get("INDICATORS_SESSION_MAX_HOURS", "12"))  # a session ends this long after sign-in, however active
SESSION_TOUCH_SECONDS = 60  # a session's "last seen" is written at most once a minute (fewer writes)
TICKET_SECONDS = 60  # a one-time sign-in ticket (form -> cookie route) is valid this long
SESSION_COOKIE = "phien"  # the cookie holding only a random session token (docs/sessions.md)
SIGN_IN_PATH, SIGN_OUT_PATH = "/phien/vao", "/phien/ra"  # serve.py's routes: ticket -> cookie; end sessions
OVERVIEW_PATH = "tong-quan"  # the first page's name: served at the root, its name redirects there (serve.py)


def url_base(base_url_path: str | None) -> str:
    """Streamlit's server.baseUrlPath ("treem", "/treem/", "") as the prefix of every path the app
    writes: "/treem" or "" (served at the root). serve.py mounts its routes under it; the pages
    send the browser to it."""
    base = (base_url_path or "").strip().strip("/")
    return f"/{base}" if base else ""
LOCK_AFTER_FAILURES = 5  # failed sign-ins in a row before the account is locked
LOCK_MINUTES = 15
SLOWDOWN_SECONDS = 0.4  # each failed sign-in waits this much × the failures so far (capped)
SLOWDOWN_CAP_SECONDS = 2.0
MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B: length and a list of known passwords, no composition rules
MAX_PASSWORD_LENGTH = 128
