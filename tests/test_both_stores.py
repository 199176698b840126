"""Every command gives exactly the same result on PostgreSQL as on DuckDB (issue 17's acceptance:
`INDICATORS_DB=postgresql://… python -m indicators init --demo`, then `status son-la-2026 --period
2026-H1 --json` gives exactly the DuckDB result; the same for every command).

One scripted session of commands runs on a DuckDB file and on a PostgreSQL schema side by side, each
command on one then on the other, and their exit codes, standard output and error output are
compared text for text. Only what legitimately differs between two databases is normalised (see
`Both.clean`): the database's own name, this run's "now" and the side's folder. Files the commands write
(templates, letters, the Excel briefing) are compared by their cell values or text.

The databases are module-scoped: the tests below run in file order, as one session (init, reads,
refusals, writes); each test compares on both sides whatever state the previous ones left."""
from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from indicators.settings import now_local
from loaders.templates import META_SHEET, SIGNATURE
from tests.conftest import new_schema
from tests.helpers import PASSWORD, fill, run_cli

pytestmark = pytest.mark.store

SON_LA, H1 = "son-la-2026", "2026-H1"
HEALTH, JUSTICE = "Sở Y tế", "Sở Tư pháp"  # Sơn La's standing agency (lead of 3); lead of 18
ADMIN, LEADER, STAFF, OTHER = "quantri", "lanh.dao", "can.bo.tu.phap", "can.bo.tam"
QD23 = "qd23-2021-2030"
HERE = "{dir}"  # in an argument: this side's own folder (each store writes and reads its own files)


# -- the two stores ---------------------------------------------------------------------------------

@dataclass
class Side:
    name: str  # "duckdb" / "postgresql"
    db: Path | str  # what --db gets
    dir: Path  # this side's folder for the files the commands write and read
    shown: str = ""  # how the store names itself in messages (Store.path)


@pytest.fixture(scope="module")
def pg_schema(pg_server):
    """A new, empty schema for this module only (`pg_url` is per test): the whole session below shares it."""
    with new_schema(pg_server, "hai_kho") as url:
        yield url


ISO_TIME = re.compile(r"\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?\b")  # datetime.isoformat()
MOMENT = re.compile(r"\b(\d{2}):(\d{2}) (\d{2})/(\d{2})/(\d{4})\b")  # fmt.moment: "HH:MM dd/mm/yyyy"
SIZE = re.compile(r"\(\d[\d.]*(?:,\d+)? KB\)")  # "(12,3 KB)" after a written file


class Both:
    """Runs each command on both stores and records every difference between their answers."""

    def __init__(self, duck: Side, pg: Side):
        self.sides = (duck, pg)
        self.since = now_local() - timedelta(minutes=1)
        self.differences: list[str] = []
        self.commands = 0

    # - what may legitimately differ -
    def _is_now(self, moment: datetime) -> bool:
        """A time of this run (both sides print the moment they wrote something, seconds apart):
        a fixed time, such as the demo's receipt times, is never taken for one."""
        return self.since <= moment <= now_local() + timedelta(minutes=1)

    def clean(self, text: str, side: Side, *, now: bool = False, sizes: bool = False) -> str:
        # The database's own name: a file path on one side, user@host:port/db on the other
        # ("Cơ sở dữ liệu: …" of init, messages that name the store).
        if side.shown:
            text = text.replace(side.shown, "<CSDL>")
        # Each side writes its files into its own folder: the folder's path, never the file's name.
        text = text.replace(str(side.dir), "<THƯ_MỤC>")
        if now:  # commands that print when something was written now (received, recorded, approved, backed up)
            # (a time with microseconds, such as an account's sessions_valid_from, keeps a mark of them)
            text = ISO_TIME.sub(lambda m: ("<NOW>" + (".µs" if m.group(2) else "")
                                           if self._is_now(datetime.fromisoformat(m.group(1))) else m.group(0)), text)

            def moment(m):
                hh, mm, d, mo, y = map(int, m.groups())
                return "<NOW>" if self._is_now(datetime(y, mo, d, hh, mm) + timedelta(seconds=59)) else m.group(0)
            text = MOMENT.sub(moment, text)
        if sizes:
            # The size of a written workbook: it holds this run's time (the template's `tao_luc`, the
            # file's creation time) and a signature made with each store's own random key, so its
            # compressed size may differ by a few bytes. What the file holds is compared cell by cell.
            text = SIZE.sub("(<KB>)", text)
        return text

    # - running -
    def run(self, *args, stdin: str | None = None, now: bool = False, sizes: bool = False,
            expect: int | None = 0) -> subprocess.CompletedProcess:
        """The command on DuckDB, then on PostgreSQL; any difference in exit code, output or error
        output is recorded (see `check`). Returns DuckDB's answer, cleaned, for the sanity checks."""
        answers = []
        for side in self.sides:
            argv = [str(a).replace(HERE, str(side.dir)) for a in args]
            out = run_cli(*argv, db=side.db, stdin=stdin)
            answers.append(subprocess.CompletedProcess(argv, out.returncode, self.clean(out.stdout, side, now=now, sizes=sizes),
                                                       self.clean(out.stderr, side, now=now, sizes=sizes)))
        self.commands += 1
        self.compare(" ".join(map(str, args)), answers[0], answers[1])
        duck = answers[0]
        if expect is not None and duck.returncode != expect:
            raise AssertionError(f"`{' '.join(map(str, args))}` gave {duck.returncode} on DuckDB, expected {expect}:\n"
                                 f"{duck.stdout[-2000:]}\n{duck.stderr[-2000:]}\n{self.report()}")
        return duck

    def json(self, *args, now: bool = False):
        return json.loads(self.run(*args, "--json", now=now).stdout)

    def compare(self, what: str, duck, pg) -> None:
        problems = []
        if duck.returncode != pg.returncode:
            problems.append(f"exit code: DuckDB {duck.returncode}, PostgreSQL {pg.returncode}")
        for stream in ("stdout", "stderr"):
            a, b = getattr(duck, stream), getattr(pg, stream)
            if a != b:
                diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "DuckDB", "PostgreSQL", lineterm="", n=1))
                problems.append(f"{stream}:\n" + "\n".join(diff[:80]) + ("\n…" if len(diff) > 80 else ""))
        if problems:
            self.differences.append(f"`{what}`\n" + "\n".join(problems))

    def same(self, what: str, duck, pg) -> None:
        """Two values computed from each side's files (cells, letters) must be equal."""
        if duck != pg:
            a = json.dumps(duck, ensure_ascii=False, indent=1, default=str).splitlines()
            b = json.dumps(pg, ensure_ascii=False, indent=1, default=str).splitlines()
            diff = list(difflib.unified_diff(a, b, "DuckDB", "PostgreSQL", lineterm="", n=1))
            self.differences.append(f"{what}\n" + "\n".join(diff[:80]))

    def report(self) -> str:
        if not self.differences:
            return ""
        return f"{len(self.differences)} of {self.commands} answers differ between DuckDB and PostgreSQL:\n\n" + \
            "\n\n".join(self.differences)

    def check(self) -> None:
        """Fails listing every difference seen so far (then forgets them: the next test reports its own)."""
        found, self.differences = self.report(), []
        assert not found, found


@pytest.fixture(scope="module")
def both(tmp_path_factory, pg_schema) -> Both:
    from indicators import pg

    root = tmp_path_factory.mktemp("both_stores")
    duck = Side("duckdb", root / "duckdb" / "chiso.duckdb", root / "duckdb")
    # How each store names itself (Store.path): the file, or user@host:port/db without the password.
    duck.shown, pg_side = str(duck.db), Side("postgresql", pg_schema, root / "postgresql", pg.where(pg_schema))
    assert pg_side.shown.startswith("chiso@127.0.0.1:") and pg_side.shown.endswith("/chiso")
    for side in (duck, pg_side):
        side.dir.mkdir()
    pair = Both(duck, pg_side)
    # A fixed first administrator's password: the generated one is random, printed once.
    pair.init = pair.run("init", "--demo", "--admin-password-stdin", stdin=PASSWORD + "\n")
    return pair


def _targets(both: Both, plan: str) -> list[dict]:
    return both.json("targets", plan)


def _status_everywhere(both: Both, catalogue, *, every_period: bool = True) -> dict[tuple[str, str], dict]:
    """`status --json` of every plan for its baseline and every declared period, compared. Without
    `every_period` (after a write, to keep the file fast): every period of Sơn La, where the session
    writes, and the first and last declared period of the other plans."""
    seen = {}
    for slug, plan in catalogue.items():
        chosen = [plan.baseline_period] + [p.code for p in plan.periods]
        if not every_period and slug != SON_LA:
            chosen = list(dict.fromkeys([plan.periods[0].code, plan.periods[-1].code]))
        for period in chosen:
            # Sơn La's 2026-H1 is the period the session approves and reopens: its approval's time
            seen[slug, period] = both.json("status", slug, "--period", period, now=(slug, period) == (SON_LA, H1))
    return seen


def _son_la(both: Both, *, full: bool = False) -> dict:
    """What a write can change in Sơn La, read back on both: `status --json` of 2026-H1 and the
    history of the two targets the session writes; `full`: also the explained text, the year's
    status and the reminders of a fixed date. Times of this run: the approval's (status), a withdrawn
    value's (the explanations), a report received now (the reminders' received_at)."""
    if full:
        both.run("status", SON_LA, "--period", H1, "--explain", now=True)
        both.json("status", SON_LA, "--period", "2026")
        both.json("reminders", SON_LA, "--date", "2026-07-10", now=True)
    both.json("history", SON_LA, "3")
    both.json("history", SON_LA, "18")
    return both.json("status", SON_LA, "--period", H1, now=True)


def _cells(path: Path, both: Both, side: Side, *, template: bool = False) -> dict[str, list[list]]:
    """Every cell value of every sheet of a workbook this side wrote. A template's own time of
    making (`tao_luc`) and signature are replaced: they differ by nature."""
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            cells = []
            for v in row:
                if isinstance(v, str):
                    v = both.clean(v, side, now=template)
                cells.append(v)
            rows.append(cells)
        if template and ws.title == META_SHEET:
            # The template's signature: an HMAC with each store's own random key (Store.secret).
            rows = [[r[0], "<CHỮ_KÝ>", *r[2:]] if r and r[0] == SIGNATURE else r for r in rows]
            assert any(r and r[0] == SIGNATURE for r in rows)
        sheets[ws.title] = rows
    return sheets


def _template(both: Both, agency: str, name: str, values: dict, *extra: str) -> None:
    """`template` on both, the same cells filled in each side's own file (as a person does in Excel);
    the two templates must hold the same cells but for the signature."""
    out = both.run("template", SON_LA, "--agency", agency, "--period", H1, "-o", f"{HERE}/{name}", *extra, sizes=True)
    assert "đã lưu" in out.stdout
    cells = []
    for side in both.sides:
        path = side.dir / name
        cells.append(_cells(path, both, side, template=True))
        path.write_bytes(fill(path.read_bytes(), values))
    both.same(f"cells of the template {name}", *cells)


# -- the tests --------------------------------------------------------------------------------------

def test_init_demo_says_the_same_on_both(both):
    out = both.init
    assert out.returncode == 0
    assert "Cơ sở dữ liệu: <CSDL> (lược đồ phiên bản" in out.stdout
    assert f"{SON_LA}: mới nạp (32 chỉ tiêu đo lường được)" in out.stdout
    assert "Đã thêm dữ liệu minh họa" in out.stdout and f'"{ADMIN}" với mật khẩu đọc từ đầu vào chuẩn' in out.stdout
    # a second init changes nothing, and says so alike
    out = both.run("init", "--demo")
    assert "không đổi" in out.stdout and "đã có sẵn" in out.stdout
    both.check()


def test_the_acceptance_of_issue_17_through_INDICATORS_DB(both, monkeypatch):
    """Word for word: `INDICATORS_DB=postgresql://… python -m indicators status son-la-2026 --period
    2026-H1 --json` prints exactly what the DuckDB file gives (set the same way)."""
    answers = []
    for side in both.sides:
        monkeypatch.setenv("INDICATORS_DB", str(side.db))
        answers.append(run_cli("status", SON_LA, "--period", H1, "--json"))
    duck, pg = answers
    assert duck.returncode == pg.returncode == 0 and duck.stderr == pg.stderr == ""
    assert len(json.loads(duck.stdout)["targets"]) == 32
    assert duck.stdout == pg.stdout


def test_every_read_command_answers_the_same(both, catalogue):
    plans = both.json("plans")
    assert sorted(p["slug"] for p in plans) == sorted(catalogue)
    both.run("plans")
    for slug in catalogue:
        targets = _targets(both, slug)
        assert len(targets) == next(p["measurable_targets"] for p in plans if p["slug"] == slug) > 0
        both.run("targets", slug)

    status = _status_everywhere(both, catalogue)
    son_la = status[SON_LA, H1]
    assert len(son_la["targets"]) == 32 and son_la["demo"] is True
    assert sum(son_la["counts"].values()) == 32 and len({t["status"] for t in son_la["targets"]}) > 2
    assert all(len(s["targets"]) > 0 for s in status.values())
    for slug, plan in catalogue.items():
        both.run("status", slug, "--period", plan.periods[0].code)  # the text, behind ones explained
    out = both.run("status", SON_LA, "--period", H1, "--explain")
    assert out.stdout.count("\n") > 64

    both.json("units", "list", SON_LA)
    both.json("units", "list", SON_LA, "--agency", HEALTH)
    assert [u["name"] for u in both.json("users", "list", now=True)] == [ADMIN]  # created_at: init's time
    both.run("users", "list")
    registry = both.json("indicators", "list")
    assert registry
    both.run("indicators", "list")
    proposals = both.json("indicators", "propose", SON_LA)
    assert proposals
    both.run("indicators", "propose", SON_LA)

    cascade = both.json("cascade", QD23, "3a", "--year", "2026")
    assert cascade["rows"] and cascade["indicator"]
    both.run("cascade", QD23, "3a", "--year", "2026")
    both.json("cascade", QD23, "3a", "--year", "2026", "--depth", "1")
    for code in ("3", "18"):
        history = both.json("history", SON_LA, code)
        assert history and any(h["actual"] is not None for h in history)
        both.run("history", SON_LA, code)
    both.json("history", "lang-son-2023", _targets(both, "lang-son-2023")[0]["code"])

    reminders = both.json("reminders", SON_LA, "--date", "2026-07-10")
    assert reminders["agencies"] and sum(reminders["counts"].values()) > 0
    both.run("reminders", SON_LA, "--date", "10/07/2026", "--days", "30")
    both.json("reminders", SON_LA, "--date", "2027-02-01", "--days", "0")
    both.json("reminders", "chau-son-2026", "--date", "2026-12-20")
    both.run("contacts", SON_LA)
    both.json("contacts", SON_LA)
    both.run("contacts", SON_LA, "--agency", HEALTH)

    # the reminder letters and their Excel list: the same files, text for text and cell for cell
    both.run("reminders", SON_LA, "--date", "2026-07-10", "-o", f"{HERE}/nhac.xlsx", "--texts", f"{HERE}/thu")
    letters = [{p.name: p.read_text(encoding="utf-8-sig") for p in sorted((s.dir / "thu").iterdir())} for s in both.sides]
    assert letters[0] and all("Kính gửi" in t for t in letters[0].values())
    both.same("reminder letters (--texts)", *letters)
    both.same("reminders -o nhac.xlsx", *[_cells(s.dir / "nhac.xlsx", both, s) for s in both.sides])
    both.check()


def test_refusals_and_usage_errors_say_the_same(both, catalogue):
    no_indicator = next((t["code"] for t in _targets(both, SON_LA) if not t["indicator"]), None)
    cases = [
        (2, "status", "khong-co", "--period", H1),
        (2, "status", SON_LA, "--period", "2031"),
        (2, "status", SON_LA, "--period", "2026-H3"),
        (2, "targets", "khong-co"),
        (2, "history", SON_LA, "999"),
        (2, "cascade", QD23, "3a", "--year", "2040"),
        (2, "cascade", QD23, "khong-co", "--year", "2026"),
        (2, "approve", SON_LA, "--period", H1),  # the demo data alone is no report
        (2, "withdraw", SON_LA, "--period", H1, "--agency", JUSTICE, "--target", "3", "--reason", "nhầm"),
        (2, "reopen", SON_LA, "--period", H1, "--reason", "không có gì để mở"),
        (2, "users", "disable", "khong-co-ai"),  # an unknown account named by an administrator: usage
        (2, "reminders", SON_LA, "--date", "31/02/2026"),
        (2, "contacts", SON_LA, "--agency", HEALTH, "--phone", "12"),
        (2, "contacts", SON_LA, "--agency", "Sở Không Có", "--person", "Ai đó"),
        (2, "units", "remove", SON_LA, "--agency", HEALTH, "Xã Không Có"),
        (2, "template", SON_LA, "--agency", "Sở Không Có", "--period", H1, "-o", f"{HERE}/khong.xlsx"),
        (2, "restore", f"{HERE}/khong-co-thu-muc"),
        (2, "import", f"{HERE}/khong-co.xlsx"),
    ]
    if no_indicator:
        cases.append((2, "cascade", SON_LA, no_indicator, "--year", "2026"))
    for expect, *args in cases:
        out = both.run(*args, expect=expect)
        assert out.stderr.strip(), args
    out = both.run("units", "add", SON_LA, "=HYPERLINK(1)", "--agency", HEALTH, expect=None)
    assert out.returncode != 0 and "Cách dùng" not in out.stderr
    out = both.run("users", "add", OTHER, "--role", "leader", "--password-stdin", stdin="123456789012\n", expect=2)
    assert out.stderr.strip()
    out = both.run("users", "add", OTHER, "--role", "staff", "--password-stdin", stdin=PASSWORD + "\n", expect=2)
    assert "ít nhất một cơ quan" in out.stderr
    # a file that is no template
    for side in both.sides:
        (side.dir / "rac.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    out = both.run("import", f"{HERE}/rac.xlsx", expect=1)
    assert out.stderr.strip()
    # nothing of the above wrote anything
    assert [u["name"] for u in both.json("users", "list", now=True)] == [ADMIN]
    assert both.json("units", "list", SON_LA)["registered"] == []
    both.check()


def test_every_write_command_and_what_it_leaves_read_the_same(both, catalogue):
    # accounts
    both.run("users", "add", STAFF, "--role", "staff", "--plan", SON_LA, "--agency", JUSTICE,
             "--display-name", "Cán bộ Tư pháp", "--password-stdin", stdin=PASSWORD + "\n")
    both.run("users", "add", LEADER, "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n")
    users = both.json("users", "list", now=True)  # created_at, sessions_valid_from: now
    assert sorted(u["name"] for u in users) == sorted([ADMIN, STAFF, LEADER])
    assert next(u for u in users if u["name"] == STAFF)["agencies"] == [[SON_LA, JUSTICE]]
    both.run("users", "list")

    # a report by the agency's staff: dry run, then written; then the standing agency's, then a correction
    _template(both, JUSTICE, "stp.xlsx", {"18": "98,7"})
    # (an import prints when a value it holds back was withdrawn: `now` for every import below)
    out = both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, "--dry-run", now=True)
    assert "Xem trước (chưa ghi gì)" in out.stdout
    out = both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, now=True)
    assert "Đã ghi báo cáo số" in out.stdout
    assert next(t for t in _son_la(both)["targets"] if t["code"] == "18")["status"] == "achieved"

    _template(both, HEALTH, "syt.xlsx", {"3": (9.05, 181, 20000)})
    out = both.run("import", f"{HERE}/syt.xlsx", now=True)
    assert "Đã ghi báo cáo số" in out.stdout
    _template(both, HEALTH, "syt-sua.xlsx", {"3": (9.6, 192, 20000)})  # prefilled with 9,05: changed
    out = both.run("import", f"{HERE}/syt-sua.xlsx", now=True)
    assert "thay đổi" in out.stdout
    status = _son_la(both, full=True)
    assert next(t for t in status["targets"] if t["code"] == "3")["actual"] == pytest.approx(9.6)
    # an implausible value: refused without --accept-warnings, kept with it
    _template(both, JUSTICE, "stp-la.xlsx", {"18": 0.987})
    out = both.run("import", f"{HERE}/stp-la.xlsx", "--as", STAFF, now=True, expect=1)
    assert "Cảnh báo" in out.stdout
    both.run("import", f"{HERE}/stp-la.xlsx", "--as", STAFF, "--accept-warnings", now=True)
    both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, now=True, expect=1)  # 98,7 after 0,987: a warning too
    both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, "--accept-warnings", now=True)
    _son_la(both)

    # withdraw; an old file does not bring the value back unless asked
    out = both.run("withdraw", SON_LA, "--period", H1, "--agency", HEALTH, "--target", "3", "--reason", "nhầm số năm trước")
    assert "9,6‰" in out.stdout
    _son_la(both)
    out = both.run("import", f"{HERE}/syt-sua.xlsx", now=True)
    assert "BỎ QUA" in out.stdout
    out = both.run("import", f"{HERE}/syt-sua.xlsx", "--restore-withdrawn", now=True)
    assert "sẽ ghi lại" in out.stdout
    _son_la(both)

    # approve, refuse, reopen
    both.run("approve", SON_LA, "--period", H1, "--as", LEADER, expect=1)  # a leader only reads
    out = both.run("approve", SON_LA, "--period", H1, "--as", ADMIN, now=True)
    assert "Đã duyệt" in out.stdout
    both.run("approve", SON_LA, "--period", H1, now=True, expect=2)
    out = both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, now=True, expect=1)
    assert f"đã được duyệt bởi {ADMIN}" in out.stderr
    approved = _son_la(both, full=True)
    assert approved["approval"]["approved"] is True and approved["approval"]["by"] == ADMIN
    both.run("reopen", SON_LA, "--period", H1, "--reason", "Sở Y tế bổ sung", "--as", STAFF, expect=1)
    out = both.run("reopen", SON_LA, "--period", H1, "--reason", "Sở Y tế bổ sung số liệu", "--as", ADMIN, now=True)
    assert "mở lại bởi" in out.stdout
    both.run("autolock", SON_LA, now=True)
    out = both.run("autolock", SON_LA, "7", now=True)
    assert "tự khóa 7 ngày" in out.stdout
    both.run("autolock", SON_LA, "off", now=True)
    both.run("autolock", SON_LA, "bảy", expect=2)
    _son_la(both)

    # reporting units and a compilation template
    out = both.run("units", "add", SON_LA, "--agency", HEALTH, "UBND xã Chiềng Sinh", "UBND xã Chiềng Cơi")
    assert "Đã đăng ký 2 đơn vị mới" in out.stdout
    out = both.run("units", "add", SON_LA, "ubnd xã  chiềng sinh", "--agency", HEALTH)  # a variant of a known unit
    assert "Đã đăng ký 0 đơn vị mới" in out.stdout
    assert len(both.json("units", "list", SON_LA)["registered"]) == 2
    both.run("units", "list", SON_LA)
    for side in both.sides:
        (side.dir / "don-vi.txt").write_text("UBND xã Chiềng Sinh\nUBND xã Chiềng Cơi\n", encoding="utf-8")
    out = both.run("template", SON_LA, "--agency", HEALTH, "--period", H1, "-o", f"{HERE}/tong-hop.xlsx",
                   "--units", f"{HERE}/don-vi.txt", sizes=True)
    assert "Biểu tổng hợp (2 đơn vị)" in out.stdout
    both.same("cells of the compilation template",
              *[_cells(s.dir / "tong-hop.xlsx", both, s, template=True) for s in both.sides])
    both.run("units", "remove", SON_LA, "--agency", HEALTH, "UBND xã Chiềng Cơi")
    both.json("units", "list", SON_LA)

    # contacts
    out = both.run("contacts", SON_LA, "--agency", HEALTH, "--person", "Nguyễn Văn A, Chánh Văn phòng",
                   "--phone", "0212 3852 123", "--email", "vanphong@syt.sonla.gov.vn")
    assert "Đã ghi thông tin liên hệ" in out.stdout
    both.run("contacts", SON_LA, "--agency", "sở y  tế", "--phone", "0212 3852 999")
    both.run("contacts", SON_LA, "--agency", JUSTICE, "--person", "Trần Thị B", "--as", ADMIN)
    both.run("contacts", SON_LA, "--agency", JUSTICE, "--person", "Ai đó", "--as", STAFF, expect=1)
    both.run("contacts", SON_LA, "--agency", JUSTICE, "--remove")
    both.run("contacts", SON_LA, now=True)
    contacts = {c["agency"]: c for c in both.json("contacts", SON_LA, now=True)["contacts"]}
    assert (contacts[HEALTH]["person"], contacts[HEALTH]["phone"]) == ("Nguyễn Văn A, Chánh Văn phòng", "0212 3852 999")
    assert contacts[JUSTICE]["updated_by"] is None
    both.run("reminders", SON_LA, "--date", "2026-07-10")
    both.json("reminders", "chau-son-2026", "--date", "2026-07-10")  # another scope: none of Sơn La's contacts

    # accounts disabled and enabled again
    both.run("users", "disable", STAFF)
    both.run("import", f"{HERE}/stp.xlsx", "--as", STAFF, now=True, expect=1)
    both.run("users", "enable", STAFF)
    both.run("users", "password", LEADER, stdin="mot-cau-mat-khau-moi-2026\n")
    both.json("users", "list", now=True)

    # the demo data: removed, leaving the real reports; then added again
    out = both.run("demo", "--remove")
    assert "Đã xóa dữ liệu minh họa" in out.stdout
    without = _status_everywhere(both, catalogue, every_period=False)
    assert without[SON_LA, H1]["demo"] is False and len(without[SON_LA, H1]["targets"]) == 32
    _son_la(both, full=True)
    out = both.run("demo")
    assert "Đã thêm dữ liệu minh họa" in out.stdout
    assert _son_la(both)["demo"] is True

    # backup and restore on each side, then the DuckDB side's backup restored into both
    out = both.run("backup", f"{HERE}/sao-luu")
    assert "Đã sao lưu" in out.stdout
    manifests = [json.loads((s.dir / "sao-luu" / "manifest.json").read_text(encoding="utf-8")) for s in both.sides]
    for m in manifests:
        assert both._is_now(datetime.fromisoformat(m.pop("created_at")))
    both.same("backup manifest.json (but its time)", *manifests)
    both.run("units", "add", SON_LA, "UBND xã Sau Sao Lưu", "--agency", HEALTH)  # undone by the restore
    out = both.run("restore", f"{HERE}/sao-luu", now=True)
    assert "Đã khôi phục" in out.stdout
    assert len(both.json("units", "list", SON_LA)["registered"]) == 1
    _son_la(both, full=True)
    shared = both.sides[0].dir.parent / "sao-luu-duckdb"  # outside either side's folder: the same path on both
    shutil.copytree(both.sides[0].dir / "sao-luu", shared)
    out = both.run("restore", shared, now=True)  # one backup, restored into either store
    assert "Đã khôi phục" in out.stdout
    _status_everywhere(both, catalogue)
    _son_la(both, full=True)
    both.json("users", "list", now=True)
    both.run("contacts", SON_LA, now=True)

    # the Excel briefing: the same cells
    out = both.run("export", SON_LA, "--period", H1, "--format", "xlsx", "-o", f"{HERE}/bao-cao.xlsx", sizes=True)
    assert "đã lưu" in out.stdout
    exported = [_cells(s.dir / "bao-cao.xlsx", both, s) for s in both.sides]
    assert sum(len(rows) for rows in exported[0].values()) > 32
    both.same("cells of export --format xlsx", *exported)
    both.run("export", "chau-son-2026", "--period", "2026", "-o", f"{HERE}/chau-son.xlsx", sizes=True)
    both.same("cells of export chau-son-2026 2026",
              *[_cells(s.dir / "chau-son.xlsx", both, s) for s in both.sides])
    both.check()

