"""Reading an uploaded spreadsheet (.xlsx or .ods) into plain grids, inside limits.

This module runs in the limited child process of loaders/sandbox.py (see `extract`). It never
trusts what a file says about itself: before python-calamine builds a grid, every zip member is
decompressed as a stream with a byte counter (the sizes in the zip headers can lie), and the
extent of each sheet to be read is taken from the cells themselves (the `<dimension>` tag can lie
or be missing; cells and rows may omit their `r` position; an .ods row or cell can repeat itself a
million times). Anything over a limit is refused with one Vietnamese sentence naming the limit
and the fix. Only then does python-calamine read the sheets that are needed.

Besides the grids it reports what calamine does not expose: cells holding a formula error, an
unevaluated formula, or a percentage (a %-formatted cell that holds 0,986 for 98,6%)."""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from indicators import settings as S
from loaders import zipped
from loaders.sandbox import Refused

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_BUILTIN_PERCENT = {9, 10}
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _num(value) -> str:
    """Vietnamese number format, imported only when a refusal is worded (babel costs the child 25 ms)."""
    from indicators import fmt

    return fmt.num(value)
_CHUNK = 1 << 20


def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def kind_of(zf: zipfile.ZipFile) -> str | None:
    """"xlsx", "ods" or None, from the members (not the file name)."""
    names = set(zf.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        info = zf.getinfo("mimetype")
        if info.file_size < 200:
            with zf.open(info) as f:
                if f.read(200).strip() == ODS_MIME:
                    return "ods"
    return None


# -- limits on the package ------------------------------------------------------------------------


def _member_cap(name: str) -> int:
    if name.startswith("xl/worksheets/") or name == "content.xml":
        return S.MAX_SHEET_XML_BYTES
    if name == "xl/sharedStrings.xml":
        return S.MAX_SHARED_STRINGS_BYTES
    return S.MAX_MEMBER_BYTES


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, file_label: str):
    """Yield the member's real bytes in chunks, refusing past `cap` however small the header says
    it is (loaders/zipped.real_chunks)."""
    seen = 0
    for chunk in zipped.real_chunks(zf, info):
        seen += len(chunk)
        if seen > cap:
            raise Refused(file_label, f"Phần \"{info.filename}\" của tệp khi giải nén vượt quá {_mb(cap)} "
                                      "(giới hạn để bảo vệ máy chủ).",
                          "Chỉ tải lên biểu mẫu do hệ thống tạo, không chép thêm dữ liệu, ảnh hay trang tính khác.")
        yield chunk


def _mb(n: int) -> str:
    return f"{_num(n / 1048576)} MB"


def check_package(zf: zipfile.ZipFile, file_label: str) -> None:
    """Member count, and the real unpacked size of every member and of the whole."""
    infos = zf.infolist()
    if len(infos) > S.MAX_ZIP_MEMBERS:
        raise Refused(file_label, f"Tệp gồm {_num(len(infos))} phần nén (tối đa {_num(S.MAX_ZIP_MEMBERS)}), "
                                  "không phải một biểu mẫu bình thường.",
                      "Mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên; hoặc tải biểu mẫu mới.")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):  # two parts of one name: programs disagree on which one counts
        twice = next(n for n in names if names.count(n) > 1)
        raise Refused(file_label, f"Tệp có hai phần nén cùng tên \"{twice}\", điều Excel và LibreOffice không bao giờ ghi; "
                                  "tệp có thể đã bị sửa bằng công cụ khác.",
                      "Mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên; hoặc tải biểu mẫu mới.")
    total = 0
    for info in infos:
        for chunk in _stream(zf, info, _member_cap(info.filename), file_label):
            total += len(chunk)
            if total > S.MAX_UNPACKED_BYTES:
                raise Refused(file_label, f"Nội dung tệp khi giải nén vượt quá {_mb(S.MAX_UNPACKED_BYTES)} "
                                          "(giới hạn để bảo vệ máy chủ).",
                              "Chỉ tải lên biểu mẫu do hệ thống tạo, không chèn ảnh hay dữ liệu khác.")


def _small_xml(zf: zipfile.ZipFile, name: str, file_label: str):
    data = b"".join(_stream(zf, zf.getinfo(name), S.MAX_MEMBER_BYTES, file_label))
    _no_doctype(data[:4096], name, file_label)
    return ElementTree.fromstring(data)


def _no_doctype(head: bytes, name: str, file_label: str) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise Refused(file_label, f"Phần \"{name}\" của tệp có khai báo DOCTYPE/ENTITY, điều mà Excel và LibreOffice "
                                  "không bao giờ ghi; tệp có thể đã bị sửa bằng công cụ khác.",
                      "Tải biểu mẫu mới từ hệ thống, điền bằng Excel hoặc LibreOffice rồi tải lên.")


# -- xlsx -----------------------------------------------------------------------------------------


def _xlsx_sheet_paths(zf: zipfile.ZipFile, file_label: str) -> dict[str, str]:
    wb = _small_xml(zf, "xl/workbook.xml", file_label)
    rels = _small_xml(zf, "xl/_rels/workbook.xml.rels", file_label) if "xl/_rels/workbook.xml.rels" in zf.namelist() else None
    targets = {} if rels is None else {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_NS['rel']}}}Relationship")}
    out = {}
    for s in wb.iter(f"{{{_NS['m']}}}sheet"):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"))
        if target:
            out[s.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _percent_styles(zf: zipfile.ZipFile, file_label: str) -> set[int]:
    if "xl/styles.xml" not in zf.namelist():
        return set()
    root = _small_xml(zf, "xl/styles.xml", file_label)
    custom = {int(n.get("numFmtId")) for n in root.iter(f"{{{_NS['m']}}}numFmt") if "%" in (n.get("formatCode") or "")}
    percent_fmts = _BUILTIN_PERCENT | custom
    xfs = root.find("m:cellXfs", _NS)
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs.findall("m:xf", _NS)) if int(xf.get("numFmtId", "0") or 0) in percent_fmts}


_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
_DIMENSION = re.compile(rb"<" + _P + rb'dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_ROW_R = re.compile(rb"<" + _P + rb'row\s[^>]*?\br="(\d+)"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:row|c)[\s>/]")
_ROW_R_FIRST = re.compile(rb'<row r="(\d+)"')
_CELL_FAR_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,})"')  # rows from 100.000 on
_CELL_WIDE = re.compile(rb'<c r="([A-Z]{2,3})\d')  # columns from AA on
# _CELL_BEYOND[n]: a cell in a single-letter column after the n-th (one C-speed scan per block)
_CELL_BEYOND = [re.compile(rb'<c r="([' + bytes([65 + n]) + rb'-Z])\d') for n in range(26)]
_TAG = re.compile(rb"<" + _P + rb'(row|c)(?=[\s>/])([^>]*)>')
_R_ATTR = re.compile(rb'\br="([A-Z]*)(\d+)"')
_ROW_END = re.compile(rb"</" + _P + rb"row>")
_ERROR_CELL = re.compile(rb"<" + _P + rb'c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(.*?)</' + _P + rb"c>", re.S)
_FORMULA_CELL = re.compile(rb"<" + _P + rb'c r="([A-Z]+)(\d+)"[^>]*>(?:(?!</' + _P + rb"c>).)*?<" + _P + rb"f[ >/]", re.S)
_VALUE = re.compile(rb"<" + _P + rb"v>([^<]*)</" + _P + rb"v>")


class _Extent:
    def __init__(self, sheet: str, max_rows: int):
        self.sheet, self.max_rows = sheet, max_rows
        self.rows = self.cols = self.cells = 0

    def check(self) -> None:
        where = self.sheet
        if self.rows > self.max_rows:
            raise Refused(where, f"Trang tính \"{self.sheet}\" có ô ở dòng {_num(self.rows)} (tối đa {_num(self.max_rows)} dòng).",
                          "Xóa các dòng và ô thừa ở dưới bảng (chọn các dòng đó → Xóa dòng), lưu lại rồi tải lên.")
        if self.cols > S.MAX_COLUMNS:
            raise Refused(where, f"Trang tính \"{self.sheet}\" có {_num(self.cols)} cột (có ô ở cột "
                                 f"{col_letter(self.cols - 1)}; tối đa {S.MAX_COLUMNS} cột).",
                          "Xóa các cột và ô thừa ở bên phải bảng, lưu lại rồi tải lên.")
        if self.rows * self.cols > S.MAX_GRID_CELLS:
            raise Refused(where, f"Trang tính \"{self.sheet}\" trải trên {_num(self.rows)} dòng × {self.cols} cột "
                                 f"(tối đa {_num(S.MAX_GRID_CELLS)} ô).",
                          "Xóa các dòng, cột thừa quanh bảng, lưu lại rồi tải lên.")
        if self.cells > S.MAX_CELLS:
            raise Refused(where, f"Trang tính \"{self.sheet}\" có hơn {_num(S.MAX_CELLS)} ô (giới hạn để bảo vệ máy chủ).",
                          "Chỉ tải lên biểu mẫu do hệ thống tạo, không chép thêm dữ liệu.")


def _scan_xlsx_sheet(zf: zipfile.ZipFile, path: str, sheet: str, percent_styles: set[int], file_label: str,
                     max_rows: int) -> dict:
    """The sheet's real extent (checked against the limits) and its error, formula and percent
    cells, from its XML read in chunks cut at row ends."""
    ext = _Extent(sheet, max_rows)
    facts = {"errors": {}, "formulas": [], "percent": []}
    percent_re = None
    if percent_styles:
        wanted = b"|".join(str(i).encode() for i in sorted(percent_styles))
        percent_re = re.compile(rb"<" + _P + rb'c r="([A-Z]+)(\d+)"[^>]*?\ss="(?:' + wanted + rb')"')
    carry = b""
    first = True
    implied = [0, 0]  # current row and column for rows and cells that omit r (slow path only)
    exact = False

    def scan(block: bytes) -> None:
        nonlocal exact
        if not exact:
            # Fast path, C-speed counts: every <row> and <c> carries its r (the count of ' r="'
            # equals theirs) and none has a namespace prefix. Then the extent is the largest r of
            # the rows, of the cells with a row number of 6 digits or more, and of the columns.
            n_rows = block.count(b"<row ") + block.count(b"<row>") + block.count(b"<row/>")
            n_cells = block.count(b"<c ") + block.count(b"<c>") + block.count(b"<c/>")
            if block.count(b'<row r="') + block.count(b'<c r="') != n_rows + n_cells or _PREFIXED.search(block):
                exact = True  # a row or cell without r first (Excel, LibreOffice and openpyxl write it first)
            else:
                rows_r = _ROW_R_FIRST.findall(block)
                if rows_r:
                    ext.rows = max(ext.rows, max(map(int, rows_r)))
                far = _CELL_FAR_ROW.findall(block)
                if far:
                    ext.rows = max(ext.rows, max(map(int, far)))
                wide = set(_CELL_WIDE.findall(block))
                if wide:
                    ext.cols = max(ext.cols, max(col_index(c.decode()) + 1 for c in wide))
                elif ext.cols < 26:  # single letters only: any beyond the widest seen so far?
                    beyond = _CELL_BEYOND[ext.cols].findall(block)
                    if beyond:
                        ext.cols = max(ext.cols, max(beyond)[0] - 64)
                ext.cells += n_cells
                implied[0] = ext.rows
        if exact:
            for m in _TAG.finditer(block):
                r = _R_ATTR.search(m.group(2))
                if m.group(1) == b"row":
                    implied[0] = int(r.group(2)) if r else implied[0] + 1
                    implied[1] = 0
                    ext.rows = max(ext.rows, implied[0])
                else:
                    ext.cells += 1
                    if r and r.group(1):
                        implied[1] = col_index(r.group(1).decode()) + 1
                        ext.rows = max(ext.rows, int(r.group(2)))
                    else:
                        implied[1] += 1
                    ext.cols = max(ext.cols, implied[1])
                if ext.rows > max_rows or ext.cols > S.MAX_COLUMNS or ext.cells > S.MAX_CELLS:
                    ext.check()
        ext.check()
        if b't="e"' in block:
            for m in _ERROR_CELL.finditer(block):
                v = _VALUE.search(m.group(3))
                facts["errors"][(m.group(1) + m.group(2)).decode()] = v.group(1).decode("utf-8", "replace") if v else "#ERROR"
        if b"<f" in block or b":f" in block:
            facts["formulas"].extend((m.group(1) + m.group(2)).decode() for m in _FORMULA_CELL.finditer(block))
        if percent_re is not None:
            facts["percent"].extend((m.group(1) + m.group(2)).decode() for m in percent_re.finditer(block))

    for chunk in _stream(zf, zf.getinfo(path), S.MAX_SHEET_XML_BYTES, file_label):
        if first:
            _no_doctype(chunk[:4096], path, file_label)
            m = _DIMENSION.search(chunk[:8192])
            if m:  # a dimension that claims a huge area is refused too: calamine may size by it
                col, row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                claimed = _Extent(sheet, max_rows)
                claimed.rows, claimed.cols = int(row), col_index(col.decode()) + 1
                claimed.check()
            first = False
        block = carry + chunk
        ends = list(_ROW_END.finditer(block[-(1 << 16):])) if len(block) > (1 << 16) else list(_ROW_END.finditer(block))
        if ends:
            cut = ends[-1].end() + (len(block) - (1 << 16) if len(block) > (1 << 16) else 0)
            scan(block[:cut])
            carry = block[cut:]
        else:
            carry = block
        if len(carry) > S.MAX_ROW_XML_BYTES:
            raise Refused(sheet,
                          f"Một dòng của trang tính \"{sheet}\" dài quá {_mb(S.MAX_ROW_XML_BYTES)} khi giải nén.",
                          "Chỉ tải lên biểu mẫu do hệ thống tạo, không chép thêm dữ liệu.")
    if carry:
        scan(carry)
    return facts


# -- ods ------------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def _scan_ods(zf: zipfile.ZipFile, wanted: dict[str, int], file_label: str) -> tuple[dict, list[tuple[str, bool]]]:
    """Every table's extent of non-empty cells (repeats counted) and the facts of the wanted ones."""
    from xml.parsers import expat

    state = {"table": None, "row": 0, "col": 0, "row_repeat": 1, "row_has": False, "ext": None}
    facts: dict[str, dict] = {}
    tables: list[tuple[str, bool]] = []
    sep = "|"

    def start(tag, attrs):
        ns, _, local = tag.rpartition(sep)
        if ns != _TABLE:
            return
        if local == "table":
            name = attrs.get(f"{_TABLE}{sep}name", "")
            tables.append((name, True))
            state.update(table=name, row=0, ext=_Extent(name, wanted.get(name, S.MAX_ROWS + 1000)))
            facts[name] = {"errors": {}, "formulas": [], "percent": []}
        elif local == "table-row":
            state["row_repeat"] = _repeat(attrs.get(f"{_TABLE}{sep}number-rows-repeated"))
            state["col"] = 0
            state["row_has"] = False
        elif local in ("table-cell", "covered-table-cell"):
            n = _repeat(attrs.get(f"{_TABLE}{sep}number-columns-repeated"))
            ext = state["ext"]
            if ext is None:
                return
            value_type = attrs.get(f"{_OFFICE}{sep}value-type")
            formula = attrs.get(f"{_TABLE}{sep}formula")
            if value_type or formula:
                ext.cells += n
                state["row_has"] = True
                ext.cols = max(ext.cols, state["col"] + n)
                ext.rows = max(ext.rows, state["row"] + state["row_repeat"])
                ext.check()
                if state["table"] in wanted and state["row_repeat"] * n <= S.MAX_COLUMNS:
                    for k in range(state["row_repeat"]):
                        for j in range(n):
                            ref = f"{col_letter(state['col'] + j)}{state['row'] + k + 1}"
                            f = facts[state["table"]]
                            if value_type == "percentage":
                                f["percent"].append(ref)
                            if formula:
                                f["formulas"].append(ref)
                            if attrs.get(f"{_CALCEXT}{sep}value-type") == "error":
                                f["errors"][ref] = "#LỖI"
            state["col"] += n
            if state["col"] > 1 << 20:  # far beyond any real sheet, empty or not
                ext.cols = state["col"]
                ext.check()

    def end(tag):
        ns, _, local = tag.rpartition(sep)
        if ns == _TABLE and local == "table-row":
            state["row"] += state["row_repeat"]
        elif ns == _TABLE and local == "table":
            state["ext"] = None

    def doctype(*_):
        _no_doctype(b"<!DOCTYPE", "content.xml", file_label)

    parser = expat.ParserCreate(namespace_separator=sep)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        for chunk in _stream(zf, zf.getinfo("content.xml"), S.MAX_SHEET_XML_BYTES, file_label):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise Refused(file_label, "Nội dung bảng tính .ods bị hỏng (content.xml không đọc được).",
                      "Mở lại tệp bằng LibreOffice, lưu lại rồi tải lên lần nữa.") from None
    return facts, tables


def _repeat(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


# -- the entry point in the child -----------------------------------------------------------------


def extract(payload: dict) -> dict:
    """payload: {"data": bytes, "label": "tệp x.xlsx", "sheets": [names to read]}.
    Returns {"kind", "sheets": [(name, visible)], "grids": {name: rows}, "facts": {name: {...}}}."""
    import zlib

    try:
        return _extract(payload)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ElementTree.ParseError, ValueError):
        # a member that does not decompress, fails its CRC or is not XML: a damaged file
        raise Refused(payload["name"], f"Tệp {payload['name']} bị hỏng "
                                        "(một phần nội dung không đọc được).",
                      "Mở lại tệp bằng Excel hoặc LibreOffice, lưu dạng .xlsx rồi tải lên lần nữa.") from None


LIMITS = ("MAX_ZIP_MEMBERS", "MAX_UNPACKED_BYTES", "MAX_SHEET_XML_BYTES", "MAX_SHARED_STRINGS_BYTES", "MAX_MEMBER_BYTES",
          "MAX_ROW_XML_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS", "MAX_GRID_CELLS", "MAX_SHEETS")


def limits() -> dict:
    """The limits as the parent sees them, handed to the child with the file."""
    return {k: getattr(S, k) for k in LIMITS}


def _extract(payload: dict) -> dict:
    import python_calamine

    for k, v in payload.get("limits", {}).items():  # this child process only
        setattr(S, k, v)
    data, label = payload["data"], payload["name"]
    row_limits = dict(payload["sheets"])  # sheet name -> its row limit
    wanted = list(row_limits)
    zf = zipfile.ZipFile(io.BytesIO(data))
    kind = kind_of(zf)
    check_package(zf, label)
    facts: dict[str, dict] = {}
    if kind == "xlsx":
        paths = _xlsx_sheet_paths(zf, label)
        if len(paths) > S.MAX_SHEETS:
            raise Refused(label, f"Sổ làm việc có {len(paths)} trang tính (tối đa {S.MAX_SHEETS}).",
                          "Dùng đúng biểu mẫu tải từ hệ thống, không thêm trang tính.")
        percent = _percent_styles(zf, label)
        for name in wanted:
            if name in paths and paths[name] in zf.namelist():
                facts[name] = _scan_xlsx_sheet(zf, paths[name], name, percent, label, row_limits[name])
    else:
        facts, tables = _scan_ods(zf, row_limits, label)
        if len(tables) > S.MAX_SHEETS:
            raise Refused(label, f"Bảng tính có {len(tables)} trang tính (tối đa {S.MAX_SHEETS}).",
                          "Dùng đúng biểu mẫu tải từ hệ thống, không thêm trang tính.")
    # Grids: the first sheet (the identity), then only the one sheet it says the file is for, so the
    # answer carries one table, not every sheet a file may add.
    choose = payload.get("choose")  # {"key": "kieu", "map": {kind: sheet}, "default": sheet, "columns": {sheet: [...]}}
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(m.name, m.visible == python_calamine.SheetVisibleEnum.Visible) for m in wb.sheets_metadata]
        grids = {}
        for name in wanted[:1] if choose else wanted:
            if name in wb.sheet_names:
                grids[name] = _checked(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), name)
        if choose and wanted[0] in grids:
            said = next((str(r[1]).strip() for r in grids[wanted[0]] if len(r) > 1 and str(r[0]).strip() == choose["key"]), "")
            name = choose["map"].get(said, choose["default"])
            if name in wb.sheet_names:
                grids[name] = _checked(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), name)
    except python_calamine.CalamineError:
        raise Refused(label, "Tệp bảng tính bị hỏng (một phần nội dung không đọc được).",
                      "Mở lại tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên lần nữa.") from None
    columns = (choose or {}).get("columns", {})
    kept = {}
    for name in grids:
        f = facts.get(name, {"errors": {}, "formulas": [], "percent": []})
        if name in columns:  # only the cells the reader looks at
            cols = {col_letter(c) for c in columns[name]}
            keep = lambda ref: ref.rstrip("0123456789") in cols  # noqa: E731
            f = {"errors": {k: v for k, v in f["errors"].items() if keep(k)},
                 "formulas": [r for r in f["formulas"] if keep(r)], "percent": [r for r in f["percent"] if keep(r)]}
        kept[name] = f
    return {"kind": kind, "sheets": sheets, "grids": grids, "facts": kept}


MAX_CELL_CHARS = 32_767  # the most Excel and LibreOffice let a cell hold


def _checked(grid: list[list], sheet: str) -> list[list]:
    """A cell longer than any spreadsheet program writes is refused (its text would be quoted)."""
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if type(v) is str and len(v) > MAX_CELL_CHARS:
                raise Refused(f"{sheet}!{col_letter(j)}{i + 1}",
                              f"Ô có {_num(len(v))} ký tự (Excel và LibreOffice cho tối đa {_num(MAX_CELL_CHARS)}).",
                              "Xóa nội dung thừa trong ô này (thường do dán nhầm), lưu lại rồi tải lên.")
    return grid
