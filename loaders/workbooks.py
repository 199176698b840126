"""Reading an uploaded report workbook: fast (python-calamine for the values, one regex pass
over the sheet XML for the few things calamine does not expose: cell errors, unevaluated
formulas, %-formatted cells), and thorough: every problem is collected with its sheet and cell
and a Vietnamese explanation of how to fix it. Nothing here writes to the database."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from indicators import fmt, periods, signing
from indicators import settings
from indicators.errors import Problem, UsageError
from indicators.models import RATE_UNITS, Target
from indicators.settings import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES, TEMPLATE_VERSION
from indicators.submission import Row
from indicators.validation import ValueProblem, check_ratio, check_value, milestone_answer, parse_number
from loaders import sandbox, sheet_file, zipped
from loaders.templates import (COMPILATION_SHEET, HEADER_ROW, HEADERS, MARKER, META_ROWS_START, META_SHEET, REPORT_SHEET,
                               SHEET_OF_KIND, SIGNATURE, UNIT_HEADER, Identity, category_label, category_of_label,
                               signed_cells, target_cells, value_columns)

@dataclass
class ParsedReport:
    file_name: str
    checksum: str
    size: int
    identity: Identity | None = None
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    blank: int = 0  # rows left blank (not reported)

    @property
    def ok(self) -> bool:
        return not self.problems


col_letter = sheet_file.col_letter
MAX_PROBLEMS = 200  # problems listed for one file


_text = signing.canon  # a cell as text: the same rule the identity signature is computed with


# -- the file itself ------------------------------------------------------------------------------


def _file_problems(data: bytes, file_name: str) -> list[Problem]:
    name = file_name or "tệp tải lên"
    lower = name.lower()
    if len(data) == 0:
        return [Problem(name, "Tệp rỗng (0 byte).", "Mở biểu mẫu bằng Excel, điền số liệu, lưu lại rồi tải lên.")]
    if len(data) > MAX_UPLOAD_BYTES:
        return [Problem(name, f"Tệp quá lớn ({fmt.num(len(data) / 1048576, 1)} MB, tối đa {fmt.num(MAX_UPLOAD_BYTES / 1048576)} MB).",
                        "Chỉ tải lên biểu mẫu do hệ thống tạo; xóa ảnh hay trang tính thừa.")]
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return [Problem(name, "Đây là tệp Excel 97-2003 (.xls) hoặc tệp có mật khẩu, không phải .xlsx.",
                        "Mở tệp bằng Excel, chọn Lưu thành (Save As) → Sổ làm việc Excel (.xlsx), bỏ mật khẩu nếu có.")]
    if data[:4] != b"PK\x03\x04":
        hint = "Tải biểu mẫu .xlsx từ hệ thống, điền rồi lưu đúng định dạng .xlsx."
        if lower.endswith((".csv", ".txt")) or b"," in data[:200] or b";" in data[:200]:
            return [Problem(name, "Tệp là văn bản (ví dụ CSV), không phải sổ làm việc Excel .xlsx.", hint)]
        return [Problem(name, "Tệp không phải sổ làm việc Excel .xlsx.", hint)]
    entries = zipped.entry_count(data)  # before zipfile indexes them all
    if entries > settings.MAX_ZIP_MEMBERS:
        return [Problem(name, f"Tệp gồm {fmt.num(entries)} phần nén (tối đa {fmt.num(settings.MAX_ZIP_MEMBERS)}), "
                              "không phải một biểu mẫu bình thường.",
                        "Mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên; hoặc tải biểu mẫu mới.")]
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        bad = None  # member contents are checked (CRC) as they are read below
    except (zipfile.BadZipFile, EOFError, ValueError):
        return [Problem(name, "Tệp .xlsx bị hỏng hoặc không đầy đủ (có thể tải lên bị ngắt giữa chừng).",
                        "Mở lại tệp bằng Excel, lưu lại, rồi tải lên lần nữa.")]
    except Exception:  # zlib errors inside members
        return [Problem(name, "Tệp .xlsx bị hỏng (dữ liệu nén không đọc được).", "Lưu lại tệp bằng Excel rồi tải lên lần nữa.")]
    if bad is not None:
        return [Problem(name, f"Tệp .xlsx bị hỏng (phần \"{bad}\" sai mã kiểm tra).", "Lưu lại tệp bằng Excel rồi tải lên lần nữa.")]
    unpacked = sum(i.file_size for i in zf.infolist())
    if unpacked > settings.MAX_UNPACKED_BYTES:  # a small file that expands enormously (zip bomb)
        return [Problem(name, f"Nội dung tệp khi giải nén quá lớn ({fmt.num(unpacked / 1048576, 0)} MB, tối đa "
                              f"{fmt.num(settings.MAX_UNPACKED_BYTES / 1048576)} MB).",
                        "Chỉ tải lên biểu mẫu do hệ thống tạo, không chèn ảnh hay dữ liệu khác.")]
    names = set(zf.namelist())
    content_types = ""
    if "[Content_Types].xml" in names:  # its first 64 KB only: the whole part is checked in the reading child
        try:
            with zf.open("[Content_Types].xml") as f:
                content_types = f.read(65536).decode("utf-8", "replace")
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
            return [Problem(name, "Tệp .xlsx bị hỏng (dữ liệu nén không đọc được).", "Lưu lại tệp bằng Excel rồi tải lên lần nữa.")]
    if lower.endswith(".xlsm") or "xl/vbaProject.bin" in names or "macroEnabled" in content_types:
        return [Problem(name, "Tệp có chứa macro (.xlsm); hệ thống không nhận tệp có macro vì lý do an toàn.",
                        "Lưu lại thành .xlsx (Excel sẽ bỏ macro) rồi tải lên.")]
    if sheet_file.kind_of(zf) is None:
        what = "tài liệu Word" if "word/document.xml" in names else "bài trình chiếu" if "ppt/presentation.xml" in names \
            else "văn bản OpenDocument" if "mimetype" in names else "tệp nén"
        return [Problem(name, f"Tệp là {what}, không phải sổ làm việc Excel (.xlsx) hay bảng tính LibreOffice (.ods).",
                        "Mở biểu mẫu đã điền bằng Excel hoặc LibreOffice Calc rồi lưu dạng .xlsx (hoặc .ods) và tải lên.")]
    return []


@dataclass
class _SheetXml:
    errors: dict[str, str]  # "E9" -> "#DIV/0!"
    formulas: set[str]  # cells holding a formula
    percent: set[str]  # cells with a percent number format (or an .ods percentage)


# -- the workbook ---------------------------------------------------------------------------------


def read_report(data: bytes, file_name: str, store, expected: Identity | None = None,
                owner: str | None = None) -> ParsedReport:
    """Read and validate an uploaded report; `expected` is what the person said they upload
    (plan, agency, period) — a workbook for anything else is refused, never re-routed. `owner`:
    the account uploading (one file read at a time per account)."""
    parsed = ParsedReport(file_name, hashlib.sha256(data).hexdigest(), len(data))
    parsed.problems = _file_problems(data, file_name)
    if parsed.problems:
        return parsed
    name = file_name or "tệp"
    try:
        raw = sandbox.run("loaders.sheet_file", "extract",
                          {"data": data, "name": name, "limits": sheet_file.limits(),
                           "sheets": [(META_SHEET, settings.MAX_ROWS + META_ROWS_START),
                                      (REPORT_SHEET, settings.MAX_ROWS + HEADER_ROW),
                                      (COMPILATION_SHEET, settings.MAX_ROWS + HEADER_ROW)],
                           "choose": {"key": "kieu", "map": SHEET_OF_KIND, "default": REPORT_SHEET,
                                      "columns": {SHEET_OF_KIND[k]: list(value_columns(k)) for k in SHEET_OF_KIND}}},
                          memory_mb=settings.READ_MEMORY_MB, seconds=settings.READ_SECONDS, what=f"tệp {name}",
                          owner=owner)
    except sandbox.Refused as exc:
        where = f"{name} (thông tin biểu mẫu)" if exc.where == META_SHEET else exc.where
        parsed.problems.append(Problem(where, exc.message, exc.hint))
        return parsed
    except sandbox.LimitExceeded as exc:
        parsed.problems.append(Problem(name, exc.message, exc.hint))
        return parsed
    _read_workbook(parsed, raw, name, store, expected)
    if len(parsed.problems) > MAX_PROBLEMS:  # the first ones say what is wrong; a page of 148.000 says nothing more
        more = len(parsed.problems) - MAX_PROBLEMS
        parsed.problems = parsed.problems[:MAX_PROBLEMS] + [
            Problem(name, f"… và {fmt.num(more)} lỗi khác cùng loại (chỉ hiện {MAX_PROBLEMS} lỗi đầu).",
                    "Sửa các lỗi trên (thường cùng một nguyên nhân) rồi tải lên lại.")]
    return parsed


def file_identity(parsed: ParsedReport) -> Identity | None:
    """What a read workbook is for (plan, agency, period, kind), once its identity sheet verified
    against the signature and names a plan, agency and period the system knows: what the upload
    page follows. None when the file is no template, its identity sheet was edited or copied, or
    it is an older version (the problems say which)."""
    if parsed.identity is None:
        return None
    where = f"{parsed.file_name or 'tệp'} (thông tin biểu mẫu)"  # the place _signed_rows and _identity_ok name
    if any(p.where == where for p in parsed.problems):
        return None
    return parsed.identity


def _read_workbook(parsed: ParsedReport, raw: dict, name: str, store, expected: Identity | None) -> None:
    sheet_names = [n for n, _ in raw["sheets"]]
    if META_SHEET not in sheet_names:
        parsed.problems.append(Problem(name, "Tệp không phải biểu mẫu báo cáo do hệ thống tạo (thiếu trang thông tin ẩn).",
                                       "Tải biểu mẫu đúng kế hoạch, cơ quan, kỳ báo cáo từ hệ thống rồi điền vào đó."))
        return
    meta = raw["grids"][META_SHEET]
    info = {_text(r[0]): _text(r[1]) for r in meta[:META_ROWS_START - 1] if len(r) >= 2 and _text(r[0])}
    if info.get("loai") != MARKER:
        parsed.problems.append(Problem(name, "Tệp không phải biểu mẫu báo cáo chỉ tiêu của hệ thống.",
                                       "Tải biểu mẫu từ hệ thống rồi điền vào đó."))
        return
    identity = Identity(info.get("ke_hoach", ""), info.get("co_quan", ""), info.get("ky", ""),
                        info.get("kieu", "agency"), info.get("phien_ban", ""))
    parsed.identity = identity
    meta_rows = _signed_rows(parsed, meta, info, identity, store, name)
    if meta_rows is None or not _identity_ok(parsed, identity, expected, store, name):
        return
    targets = {t.code: t for t in store.targets(identity.plan)}
    sheet_name = SHEET_OF_KIND.get(identity.kind, REPORT_SHEET)
    if sheet_name not in sheet_names:
        parsed.problems.append(Problem(name, f"Không thấy trang tính \"{sheet_name}\" (có thể đã bị đổi tên).",
                                       f"Đổi lại tên trang tính thành \"{sheet_name}\" hoặc tải biểu mẫu mới."))
        return
    visible = [n for n, shown in raw["sheets"] if shown]
    if visible and visible[0] != sheet_name:
        parsed.warnings.append(Problem(name, f"Trang tính \"{sheet_name}\" không còn là trang đầu tiên; vẫn đọc bình thường."))
    facts = raw["facts"].get(sheet_name) or {"errors": {}, "formulas": [], "percent": []}
    xml = _SheetXml(dict(facts["errors"]), set(facts["formulas"]), set(facts["percent"]))
    _read_rows(parsed, raw["grids"][sheet_name], meta_rows, identity, targets, xml, sheet_name)


def _signed_rows(parsed: ParsedReport, meta: list[list], info: dict[str, str], identity: Identity, store,
                 name: str) -> list[list] | None:
    """The template's row records, once the signature over them and the identity holds; None
    (with the problem noted) when the identity sheet was edited. An older template version is
    left to _identity_ok, which says the template is out of date."""
    if identity.version != TEMPLATE_VERSION:
        return []
    lines = [[_text(r[0]), _text(r[1]) if len(r) > 1 else ""] for r in meta[:META_ROWS_START - 1] if _text(r[0])]
    try:
        n = int(info.get("so_dong", ""))
    except ValueError:
        n = -1
    # five cells per record, and a sixth for a category row (templates.locked_record); a record
    # without a category reads, and verifies, exactly as one written before categories existed
    rows = [list(r[:5]) + [""] * (5 - len(r[:5])) + ([r[5]] if len(r) > 5 and _text(r[5]) else [])
            for r in meta[META_ROWS_START - 1:META_ROWS_START - 1 + max(n, 0)]]
    rows += [[""] * 5 for _ in range(max(n, 0) - len(rows))]
    if n < 0 or not signing.verify(store.secret(signing.KEY_NAME), signed_cells([tuple(x) for x in lines], rows),
                                   info.get(SIGNATURE, "")):
        parsed.problems.append(Problem(f"{name} (thông tin biểu mẫu)",
                                       "Thông tin ẩn của biểu mẫu (kế hoạch, cơ quan, kỳ, danh sách dòng) đã bị sửa hoặc "
                                       "chép từ biểu mẫu khác: không khớp chữ ký của hệ thống.",
                                       "Tải biểu mẫu mới từ hệ thống rồi chép số liệu sang; không sửa trang tính ẩn "
                                       "và không chép dòng từ biểu mẫu của cơ quan khác."))
        return None
    return rows


def _identity_ok(parsed: ParsedReport, identity: Identity, expected: Identity | None, store, name: str) -> bool:
    from indicators.errors import NotFound

    where = f"{name} (thông tin biểu mẫu)"
    if identity.version != TEMPLATE_VERSION:
        def _v(text: str) -> tuple:
            return tuple(int(x) if x.isdigit() else -1 for x in text.split("."))

        age = "đã cũ" if _v(identity.version) < _v(TEMPLATE_VERSION) else "không dùng được"
        parsed.problems.append(Problem(where, f"Biểu mẫu phiên bản \"{identity.version}\" {age} (hệ thống dùng phiên bản {TEMPLATE_VERSION}).",
                                       "Tải biểu mẫu mới từ hệ thống; số đã báo cáo được điền sẵn, chỉ cần chép phần thay đổi."))
    if expected is not None:
        def plan_name(slug: str) -> str:
            try:
                p = store.plan(slug)
                return f"{p.title} — {p.issuer} ({slug})"
            except NotFound:
                return slug

        def period_name(code: str) -> str:
            try:
                return f"{periods.label(code)} ({code})"
            except ValueError:
                return code

        if identity.kind != expected.kind:
            kinds = {"agency": "báo cáo của một cơ quan", "compilation": "biểu tổng hợp nhiều đơn vị"}
            parsed.problems.append(Problem(where, f"Tệp là {kinds.get(identity.kind, identity.kind)}, không phải "
                                                  f"{kinds.get(expected.kind, expected.kind)} đang chọn.",
                                           "Tải đúng loại biểu mẫu rồi điền lại."))
        what = [("kế hoạch", plan_name(identity.plan), plan_name(expected.plan)),
                ("cơ quan", identity.agency, expected.agency),
                ("kỳ báo cáo", period_name(identity.period), period_name(expected.period))]
        for label, got, want in what:
            if got != want:
                parsed.problems.append(Problem(where, f"Biểu mẫu này dành cho {label} \"{got}\", không phải \"{want}\" đang chọn.",
                                               f"Tải biểu mẫu của đúng {label} \"{want}\", hoặc chọn lại {label} cho khớp với tệp."))
    try:
        plan = store.plan(identity.plan)
    except NotFound:
        parsed.problems.append(Problem(where, f"Kế hoạch \"{identity.plan}\" ghi trong biểu mẫu không có trong hệ thống.",
                                       "Tải biểu mẫu mới từ hệ thống."))
        return False
    if identity.agency not in plan.all_agencies():
        parsed.problems.append(Problem(where, f"Cơ quan \"{identity.agency}\" không thuộc kế hoạch {identity.plan}.",
                                       "Tải biểu mẫu mới từ hệ thống."))
    try:
        periods.check_accepted(plan, identity.period)
    except UsageError as exc:
        parsed.problems.append(Problem(where, exc.message, "Tải biểu mẫu mới từ hệ thống."))
    return not parsed.problems


def _cell(row: list, i: int):
    return row[i] if i < len(row) else ""


def _read_rows(parsed: ParsedReport, grid: list[list], meta_rows: list[list], identity: Identity,
               targets: dict[str, Target], xml: _SheetXml, sheet: str) -> None:
    compilation = identity.kind == "compilation"
    headers = ([UNIT_HEADER] if compilation else []) + HEADERS
    off = 1 if compilation else 0
    if len(grid) > MAX_ROWS:
        parsed.problems.append(Problem(sheet, f"Trang tính có {fmt.num(len(grid))} dòng (tối đa {fmt.num(MAX_ROWS)}).",
                                       "Xóa các dòng thừa ở cuối trang tính."))
        return
    width = max((len(r) for r in grid[:50]), default=0)
    if width > MAX_COLUMNS:
        parsed.problems.append(Problem(sheet, f"Trang tính có {width} cột (tối đa {MAX_COLUMNS}).", "Xóa các cột thừa."))
        return
    header_row = next((i for i, r in enumerate(grid[:40]) if "Mã chỉ tiêu" in [_text(c) for c in r]), None)
    if header_row is None:
        parsed.problems.append(Problem(sheet, "Không tìm thấy dòng tiêu đề có ô \"Mã chỉ tiêu\".",
                                       "Không xóa hay sửa dòng tiêu đề của bảng; tải biểu mẫu mới nếu cần."))
        return
    got = [_text(c) for c in grid[header_row][:len(headers)]]
    if got != headers:
        for j, (g, h) in enumerate(zip(got + [""] * len(headers), headers)):
            if g != h:
                parsed.problems.append(Problem(f"{sheet}!{col_letter(j)}{header_row + 1}",
                                               f"Tiêu đề cột là \"{g}\", phải là \"{h}\".",
                                               "Không sửa, thêm hay xóa cột; tải biểu mẫu mới nếu cần."))
        return
    expected_rows = list(meta_rows)  # the signed row records, exactly as many as the template had
    body = grid[header_row + 1:]
    while body and not any(_text(c) for c in body[-1]):
        body.pop()
    value_cols = set(value_columns(identity.kind))
    flagged = {int(re.sub(r"[A-Z]+", "", ref)) for ref in xml.errors.keys() | xml.formulas | xml.percent}
    first = header_row + 2  # Excel row number of the first data row
    if len(body) != len(expected_rows):
        parsed.problems.append(Problem(sheet, f"Bảng có {len(body)} dòng số liệu, biểu mẫu gốc có {len(expected_rows)} dòng.",
                                       "Không thêm hay xóa dòng; nếu cần báo cáo chỉ tiêu khác, tải biểu mẫu mới."))
        expected_rows = _align(parsed, body, expected_rows, off, compilation, sheet, first)
    seen: dict[tuple[str, str, str | None], int] = {}
    known: dict[tuple[str, str | None], _Expect] = {}
    c_value, c_num, c_den, c_note = value_columns(identity.kind)
    for i, r in enumerate(body):
        excel_row = first + i
        if len(r) <= c_note:
            r = list(r) + [""] * (c_note + 1 - len(r))
        unit = (r[0] if type(r[0]) is str else _text(r[0])) if compilation else None
        code = r[off] if type(r[off]) is str else _text(r[off])
        original = expected_rows[i] if i < len(expected_rows) else None
        if original is _INSERTED:
            continue
        # which row of its target this is (the whole, or one category) comes from the signed record
        category = (_text(original[5]) or None) if original is not None and len(original) > 5 else None
        exp = known.get((code, category))
        if exp is None and code in targets:
            exp = known[(code, category)] = _Expect(targets[code], category, original)
        # Fast path: the locked cells are exactly as generated (the usual case for every row).
        if (exp is None or original is None or original[1] != code or original[2] != exp.crc
                or r[off + 1] != exp.text or r[off + 2] != exp.unit_label or r[off + 3] != exp.goal
                or (compilation and original[0] != unit)):
            unit, code = (_text(unit) if compilation else None), _text(code)
            if not _locked_ok(parsed, r, off, unit, code, exp, original, targets, identity, sheet, excel_row, value_cols):
                continue
        key = (unit or "", code, category)
        if key in seen:
            parsed.problems.append(Problem(f"{sheet}!{col_letter(off)}{excel_row}",
                                           f"Chỉ tiêu \"{code}\"{', phân tổ ' + category if category else ''}"
                                           f"{' của ' + unit if unit else ''} xuất hiện hai lần "
                                           f"(dòng {seen[key]} và dòng {excel_row}).", "Xóa dòng chép thừa, chỉ giữ một dòng."))
            continue
        seen[key] = excel_row
        v, n, d, note = r[c_value], r[c_num], r[c_den], r[c_note]
        if excel_row not in flagged and not exp.milestone:
            # Fast path for plain numbers; anything else goes through the full reader below.
            note = (note if type(note) is str else _text(note)) or None
            if type(v) is float and n == "" and d == "":
                v = round(v, 9)
                if exp.low <= v <= exp.high and abs(v) <= 1e12 and (not exp.whole or v == int(v)):
                    parsed.rows.append(Row(code, value=v, note=note, agency=unit, category=category,
                                           where=f"{sheet}!{col_letter(c_value)}{excel_row}"))
                    continue
            elif exp.rate and type(n) is float and type(d) is float and (type(v) is float or v == ""):
                try:
                    value = check_ratio(exp.target, round(v, 9) if v != "" else None, n, d)
                    check_value(exp.target, value)
                    parsed.rows.append(Row(code, value=value, numerator=n, denominator=d, note=note, agency=unit,
                                           category=category, where=f"{sheet}!{col_letter(c_value)}{excel_row}"))
                    continue
                except ValueProblem:
                    pass  # the full reader below reports it with its cell
            elif v == "" and n == "" and d == "" and not note:
                parsed.blank += 1
                continue
        row = _read_values(parsed, r, off, exp.target, excel_row, sheet, xml, unit, category)
        if row is not None:
            parsed.rows.append(row)


_INSERTED = ["", "", "", "", ""]  # marks a row of the table that the template does not have


def _align(parsed: ParsedReport, body: list[list], expected_rows: list[list], off: int, compilation: bool,
           sheet: str, first: int) -> list:
    """When rows were inserted or deleted, match the table's rows to the template's by their
    (unit, code), so that the problems name the inserted row and the place of the deleted one
    instead of calling every row below it edited. Returns the template row of each table row
    (_INSERTED for a row the template does not have)."""
    from difflib import SequenceMatcher

    have = [(_text(_cell(r, 0)) if compilation else "", _text(_cell(r, off)), category_of_label(_text(_cell(r, off + 1))))
            for r in body]
    want = [(_text(_cell(r, 0)), _text(_cell(r, 1)), _text(_cell(r, 5)) or None) for r in expected_rows]
    out: list = [None] * len(body)
    where = lambda i: f"{sheet}!{col_letter(off)}{first + i}"  # noqa: E731
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, have, want, autojunk=False).get_opcodes():
        n = min(i2 - i1, j2 - j1)  # equal, or edited in place
        out[i1:i1 + n] = expected_rows[j1:j1 + n]
        for i in range(i1 + n, i2):
            out[i] = _INSERTED
            parsed.problems.append(Problem(where(i), "Dòng thêm vào: biểu mẫu gốc không có dòng này.",
                                           "Xóa dòng này; không thêm dòng vào biểu mẫu. Chỉ tiêu do cơ quan khác "
                                           "báo cáo thì báo cáo bằng biểu mẫu của cơ quan đó."))
        for j in range(j1 + n, j2):
            unit, code, category = want[j]
            parsed.problems.append(Problem(where(i2), f"Thiếu dòng của chỉ tiêu \"{code}\""
                                                      f"{', phân tổ ' + category if category else ''}{' của ' + unit if unit else ''} "
                                                      "(đã bị xóa) ở vị trí này.",
                                           "Không xóa dòng; chỉ tiêu chưa có số liệu thì để trống. "
                                           "Tải biểu mẫu mới rồi chép số liệu sang."))
    return out


class _Expect:
    """What a target's row (or one category's row of it) must hold, computed once per row kind."""

    def __init__(self, target: Target, category: str | None = None, record: list | None = None):
        from indicators.validation import bounds
        from loaders.templates import text_crc

        self.target = target
        self.category = category
        if category is None or category in target.category_names:
            self.code, self.text, self.unit_label, self.goal = target_cells(target, category)
        else:
            # a category the plan no longer splits this target by: the row must still be as signed
            # (its locked cells from the record); intake refuses its value (scopes.check_rows)
            self.code, self.text = target.code, category_label(category)
            self.unit_label, self.goal = _text(_cell(record or [], 3)), _text(_cell(record or [], 4))
        self.crc = text_crc(self.text)
        # a template made before texts were shown clean carries the verbatim text: accepted too
        self.crcs = {self.crc, text_crc(target.text)} if category is None else {self.crc}
        self.milestone = target.kind == "milestone"
        self.rate = target.unit in RATE_UNITS
        low, high, self.whole = bounds(target)
        self.low = low if low is not None else float("-inf")
        self.high = high if high is not None else float("inf")


def _locked_ok(parsed: ParsedReport, r: list, off: int, unit: str | None, code: str, exp: "_Expect | None",
               original: list | None, targets: dict[str, Target], identity: Identity, sheet: str,
               excel_row: int, value_cols: set[int]) -> bool:
    """The slow, thorough check of a row's locked cells; reports what was edited and where."""
    from loaders.templates import text_crc

    ref = lambda j: f"{sheet}!{col_letter(j)}{excel_row}"  # noqa: E731
    if not code:
        if any(_text(_cell(r, j)) for j in value_cols):
            parsed.problems.append(Problem(ref(off), "Dòng có số liệu nhưng thiếu mã chỉ tiêu.",
                                           "Không thêm dòng mới; điền vào đúng dòng của chỉ tiêu."))
        return False
    if exp is None:
        parsed.problems.append(Problem(ref(off), f"Mã chỉ tiêu \"{code}\" không có trong kế hoạch {identity.plan}.",
                                       "Không sửa mã chỉ tiêu hay thêm dòng; tải biểu mẫu mới nếu cần."))
        return False
    orig = [_text(c) for c in original[:5]] if original is not None else None
    if orig is not None and (orig[1] != code or orig[0] != (unit or "")):
        edited_code = orig[1] != code
        parsed.problems.append(Problem(ref(off if edited_code else 0),
                                       f"Ô đã bị sửa: biểu mẫu gốc ghi \"{orig[1] if edited_code else orig[0]}\" ở đây.",
                                       "Trả lại nội dung gốc (ô đã khóa) hoặc tải biểu mẫu mới."))
        return False
    have = [text_crc(_text(_cell(r, off + 1))), _text(_cell(r, off + 2)), _text(_cell(r, off + 3))]
    want = [exp.crc, exp.unit_label, exp.goal]
    ok = True
    row_of = f" (dòng phân tổ \"{exp.category}\" của chỉ tiêu {code})" if exp.category else ""
    for j, label in enumerate(("Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu kế hoạch")):
        if have[j] != want[j] and not (j == 0 and have[0] in exp.crcs and original is not None
                                       and _text(original[2]) == have[0]):
            ok = False
            parsed.problems.append(Problem(ref(off + 1 + j), f"Ô \"{label}\"{row_of} đã bị sửa so với biểu mẫu gốc.",
                                           "Các ô màu xám đã khóa; trả lại nội dung gốc hoặc tải biểu mẫu mới."))
    return ok


def _read_values(parsed: ParsedReport, r: list, off: int, target: Target, excel_row: int, sheet: str,
                 xml: _SheetXml, unit: str | None, category: str | None = None) -> Row | None:
    cols = dict(zip(("value", "numerator", "denominator", "note"), value_columns("compilation" if off else "agency")))
    refs = {k: f"{col_letter(c)}{excel_row}" for k, c in cols.items()}
    where = {k: f"{sheet}!{v}" for k, v in refs.items()}
    problems_before = len(parsed.problems)
    label = (f"chỉ tiêu {target.code}" + (f", phân tổ {category}" if category else "")
             + (f" ({unit})" if unit else ""))
    for k, ref in refs.items():
        if ref in xml.errors:
            parsed.problems.append(Problem(where[k], f"Ô có lỗi công thức {xml.errors[ref]} ({label}).",
                                           "Sửa công thức hoặc nhập trực tiếp con số."))
        elif ref in xml.formulas and _text(_cell(r, cols[k])) == "":
            parsed.problems.append(Problem(where[k], f"Ô chứa công thức chưa được tính ({label}).",
                                           "Mở tệp bằng Excel hoặc LibreOffice, để tính lại rồi lưu, hoặc nhập trực tiếp con số."))
    if len(parsed.problems) > problems_before:
        return None
    raw = {k: _cell(r, c) for k, c in cols.items()}
    note = _text(raw["note"]) or None
    if all(_text(raw[k]) == "" for k in ("value", "numerator", "denominator")):
        if note:
            parsed.warnings.append(Problem(where["note"], f"Có ghi chú nhưng chưa có kết quả ({label}); dòng này chưa được tính là đã báo cáo."))
        parsed.blank += 1
        return None

    def number(k: str) -> tuple[float | None, int | None]:
        v = raw[k]
        if isinstance(v, bool):
            raise ValueProblem(f"Ô chứa giá trị đúng/sai ({'ĐÚNG' if v else 'SAI'}), không phải số. Nhập con số.")
        if isinstance(v, (datetime, date, time)):
            shown = v.strftime("%d/%m/%Y") if hasattr(v, "strftime") and not isinstance(v, time) else str(v)
            raise ValueProblem(f"Ô chứa ngày tháng ({shown}), không phải số. Định dạng lại ô thành Số rồi nhập lại.")
        if isinstance(v, (int, float)):
            value = float(v)
            if refs[k] in xml.percent:
                value *= 100  # 0,986 shown as 98,6% in a %-formatted cell
            return round(value, 9), None
        text = _text(v)
        if text == "":
            return None, None
        n = parse_number(text)
        if n.percent_sign and target.unit != "%":
            raise ValueProblem(f"\"{text}\" có dấu %, nhưng chỉ tiêu tính theo {fmt.UNIT_LABEL[target.unit]}.")
        return n.value, n.decimals

    if target.kind == "milestone":
        for k in ("numerator", "denominator"):
            if _text(raw[k]):
                parsed.problems.append(Problem(where[k], f"Chỉ tiêu mốc không dùng tử số/mẫu số ({label}).", "Để trống ô này."))
        try:
            answer = milestone_answer(_text(raw["value"]))
        except ValueProblem as exc:
            parsed.problems.append(Problem(where["value"], f"{exc} ({label})"))
            return None
        return Row(target.code, text=answer, note=note, agency=unit, where=where["value"], category=category)

    values: dict[str, float | None] = {}
    decimals = None
    for k in ("value", "numerator", "denominator"):
        try:
            values[k], d = number(k)
            if k == "value":
                decimals = d
                if values[k] is not None and refs[k] in xml.percent and target.unit != "%":
                    raise ValueProblem(f"Ô định dạng phần trăm nhưng chỉ tiêu tính theo {fmt.UNIT_LABEL[target.unit]}. "
                                       "Định dạng lại ô thành Số rồi nhập lại.")
        except ValueProblem as exc:
            parsed.problems.append(Problem(where[k], f"{exc} ({label})"))
            values[k] = None
    if len(parsed.problems) > problems_before:
        return None
    try:
        value = check_ratio(target, values["value"], values["numerator"], values["denominator"], decimals)
        if value is None:
            raise ValueProblem("thiếu kết quả thực hiện.")
        check_value(target, value)
    except ValueProblem as exc:
        num, den = values["numerator"], values["denominator"]
        if (num is None) != (den is None):
            key = "numerator" if num is None else "denominator"  # name the empty one of the pair
        elif den is not None and den <= 0:
            key = "denominator"
        elif num is None or "kết quả" in str(exc) or "vượt" in str(exc):
            key = "value"
        else:
            key = "numerator"
        parsed.problems.append(Problem(where[key], f"{str(exc)[0].upper()}{str(exc)[1:]} ({label})"))
        return None
    return Row(target.code, value=value, numerator=values["numerator"], denominator=values["denominator"],
               note=note, agency=unit, where=where["value"], category=category)
