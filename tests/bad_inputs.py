"""The bad-input corpus of Issue 3 (points 3 and 8): every kind of report workbook the reader must
refuse, and the inputs it must accept, BUILT BY CODE from a real generated template.

Each builder takes a Store (whose catalogue, and prefilled values, the template comes from) and
returns a `Case`: the bytes, the file name they are uploaded under, what the uploader said the
file is for (the upload page passes that as `expected`), the places the problems must name
(`Báo cáo!E9` for a cell, the file name for a file-level problem) and words the Vietnamese
message must contain. The docstring of each builder says which real-world mistake it imitates.

Nothing here is stored as a binary fixture: a change to the template generator changes the
corpus with it."""
from __future__ import annotations

import csv
import io
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import openpyxl

from loaders.templates import HEADER_ROW, META_SHEET, REPORT_SHEET, Identity, agency_targets, template_for

SON_LA = ("son-la-2026", "Sở Y tế", "2026-H1")
LANG_SON = ("lang-son-2023", "Sở Lao động - Thương binh và Xã hội", "2023-H1")
SKHCN = ("lang-son-skhcn-2026", "Văn phòng Sở", "2026-H1")

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IDENTITY_PLACE = "(thông tin biểu mẫu)"  # suffix of the place of an identity problem


@dataclass(frozen=True)
class Case:
    name: str  # the file name it is uploaded under
    data: bytes
    places: tuple[str, ...]  # exactly the places the problems must name
    words: tuple[str, ...]  # Vietnamese words the problem text must contain ("a|b": either)
    expected: Identity | None = None  # what the person said they upload (upload page)
    key: tuple[str, str, str] = SON_LA  # plan, agency, period of the template it was built from
    accepted: dict = field(default_factory=dict)  # for an accepted case: code -> expected row fields


# -- helpers --------------------------------------------------------------------------------------


def template(store, key=SON_LA) -> tuple[str, bytes]:
    return template_for(store, *key)


def row_of(ws, code: str) -> int:
    """The Excel row of a target code on the report sheet."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == code:
            return r
    raise KeyError(code)


def ref(store, key, code: str, column: str) -> str:
    """'Báo cáo!E9': the place of a target's cell in a fresh template (one row per target the
    agency reports, in catalogue order, under the header row)."""
    codes = [t.code for t in agency_targets(store.targets(key[0]), key[1])]
    return f"{REPORT_SHEET}!{column}{HEADER_ROW + 1 + codes.index(code)}"


def edit(store, key, change: Callable, name: str | None = None) -> tuple[str, bytes]:
    """Generate the template, open it with openpyxl, apply `change(wb, ws)`, save to bytes
    (the way a person opens the download in Excel, types, and saves)."""
    file_name, data = template(store, key)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb, wb[REPORT_SHEET])
    buf = io.BytesIO()
    wb.save(buf)
    return name or file_name, buf.getvalue()


def set_cells(**values) -> Callable:
    """A change setting cells by (code, column): set_cells(**{'1:E': 101, '3:F': 5})."""
    def change(wb, ws):
        for spec, value in values.items():
            code, column = spec.split(":")
            ws[f"{column}{row_of(ws, code)}"] = value
    return change


def value_case(store, key, code: str, column: str, value, words: tuple[str, ...], **more) -> Case:
    """One input cell (and optionally others, `more`: 'code:col' -> value) set to a bad value."""
    values = {f"{code}:{column}": value, **more}
    name, data = edit(store, key, set_cells(**values))
    return Case(name, data, (ref(store, key, code, column),), words, key=key)


def _rebuild_zip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


# -- a template for something else ----------------------------------------------------------------


def other_plan(store) -> Case:
    """An official of Sơn La's Sở Y tế picks last year's file from the shared folder: the
    template of Lạng Sơn's 2023 plan, and uploads it on the page where Sơn La 2026 is chosen."""
    name, data = template(store, LANG_SON)
    return Case(name, data, (f"{name} {IDENTITY_PLACE}",), ("không phải", "son-la-2026"),
                expected=Identity(*SON_LA), key=LANG_SON)


def other_agency(store) -> Case:
    """Sở Y tế uploads the template a colleague downloaded for Sở Giáo dục và Đào tạo."""
    name, data = template(store, ("son-la-2026", "Sở Giáo dục và Đào tạo", "2026-H1"))
    return Case(name, data, (f"{name} {IDENTITY_PLACE}",), ("không phải", "Sở Y tế"),
                expected=Identity(*SON_LA), key=("son-la-2026", "Sở Giáo dục và Đào tạo", "2026-H1"))


def other_period(store) -> Case:
    """The annual template (2026) uploaded while the 6-month report (2026-H1) is selected."""
    key = ("son-la-2026", "Sở Y tế", "2026")
    name, data = template(store, key)
    return Case(name, data, (f"{name} {IDENTITY_PLACE}",), ("không phải", "2026-H1"),
                expected=Identity(*SON_LA), key=key)


def old_version(store) -> Case:
    """A template kept from an earlier version of the product, filled in and uploaded a year later.
    (Imitated by rewriting `phien_ban` in the very hidden sheet: openpyxl can.)"""
    def change(wb, ws):
        meta = wb[META_SHEET]
        for r in range(1, 20):
            if meta.cell(r, 1).value == "phien_ban":
                meta.cell(r, 2).value = "2025.1"
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (f"{name} {IDENTITY_PLACE}",), ("phiên bản", "2025.1"))


def table_copied_to_new_workbook(store) -> Case:
    """Someone copies the table into a workbook of their own (the hidden identity sheet does not
    come along) and uploads that."""
    _, data = template(store, SON_LA)
    src = openpyxl.load_workbook(io.BytesIO(data))[REPORT_SHEET]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = REPORT_SHEET
    for row in src.iter_rows(values_only=True):
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return Case("bao-cao-tu-lam.xlsx", buf.getvalue(), ("bao-cao-tu-lam.xlsx",), ("không phải", "biểu mẫu"))


# -- locked cells, codes and rows -----------------------------------------------------------------


def unknown_code(store) -> Case:
    """A code typed over with one that is not in the plan (sheet protection switched off)."""
    name, data = edit(store, SON_LA, set_cells(**{"1:A": "99"}))
    return Case(name, data, (ref(store, SON_LA, "1", "A"),), ("99", "không có"))


def duplicated_code(store) -> Case:
    """A whole row copied and pasted over the next one (target 1 now appears twice, 2 is gone)."""
    def change(wb, ws):
        r = row_of(ws, "1")
        for c in range(1, 9):
            ws.cell(r + 1, c).value = ws.cell(r, c).value
        ws.cell(r + 1, 5).value = 70
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (ref(store, SON_LA, "2", "A"),), ("hai lần|đã bị sửa",))


def edited_code_to_another_row(store) -> Case:
    """Code 1 edited to 2, a valid code of the next row of the same template."""
    name, data = edit(store, SON_LA, set_cells(**{"1:A": "2"}))
    return Case(name, data, (ref(store, SON_LA, "1", "A"),), ("đã bị sửa",))


def edited_code_to_other_target(store) -> Case:
    """Code 1 edited to 10, a valid code of the plan that another department reports."""
    name, data = edit(store, SON_LA, set_cells(**{"1:A": "10"}))
    return Case(name, data, (ref(store, SON_LA, "1", "A"),), ("đã bị sửa",))


def edited_text(store) -> Case:
    """The wording of a target 'corrected' in the locked Nội dung chỉ tiêu cell."""
    name, data = edit(store, SON_LA, set_cells(**{"1:B": "Tỷ lệ xã đạt chuẩn phù hợp với trẻ em"}))
    return Case(name, data, (ref(store, SON_LA, "1", "B"),), ("Nội dung chỉ tiêu", "đã bị sửa"))


def edited_unit(store) -> Case:
    """The Đơn vị tính of a ‰ target changed to % (so that the official's 0,93 would 'fit')."""
    name, data = edit(store, SON_LA, set_cells(**{"3:C": "%"}))
    return Case(name, data, (ref(store, SON_LA, "3", "C"),), ("Đơn vị tính", "đã bị sửa"))


def edited_goal(store) -> Case:
    """The Chỉ tiêu kế hoạch lowered from ≥ 65% to ≥ 60% so that the result looks achieved."""
    name, data = edit(store, SON_LA, set_cells(**{"1:D": "≥ 60%"}))
    return Case(name, data, (ref(store, SON_LA, "1", "D"),), ("Chỉ tiêu kế hoạch", "đã bị sửa"))


def row_inserted(store) -> Case:
    """A row inserted under target 3 to add a target the department also follows (code 10)."""
    def change(wb, ws):
        r = row_of(ws, "3") + 1
        ws.insert_rows(r)
        for c, v in enumerate(["10", "Tỷ lệ trẻ em học mầm non", "%", "≥ 95%", 96], start=1):
            ws.cell(r, c).value = v
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (REPORT_SHEET, ref(store, SON_LA, "4", "A")), ("dòng",))


def row_deleted(store) -> Case:
    """The row of a target the department did not measure this period deleted instead of left blank."""
    def change(wb, ws):
        ws.delete_rows(row_of(ws, "4"))
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (REPORT_SHEET, ref(store, SON_LA, "4", "A")), ("dòng",))


# -- values ---------------------------------------------------------------------------------------


def text_about(store) -> Case:
    """An estimate written in words: "khoảng 90"."""
    return value_case(store, SON_LA, "1", "E", "khoảng 90", ("khoảng 90", "không phải là số"))


def text_na(store) -> Case:
    """"N/A" typed where the figure is not available (blank is how to say that)."""
    return value_case(store, SON_LA, "1", "E", "N/A", ("N/A", "không phải là số"))


def date_value(store) -> Case:
    """Excel turned "30/6" into a date (or the reporting date was typed in the value column)."""
    return value_case(store, SON_LA, "1", "E", datetime(2026, 6, 30), ("ngày tháng", "không phải số"))


def boolean_value(store) -> Case:
    """TRUE typed (or a check box linked) in the value column."""
    return value_case(store, SON_LA, "1", "E", True, ("đúng/sai", "không phải số"))


def percent_over_100(store) -> Case:
    """101 for a % target (a count typed in the percentage column)."""
    return value_case(store, SON_LA, "1", "E", 101, ("101", "vượt quá 100%"))


def per_mille_negative(store) -> Case:
    """-1 for a ‰ rate (a decrease typed instead of the rate itself)."""
    return value_case(store, SON_LA, "3", "E", -1, ("âm",), **{"3:F": None, "3:G": None})


def per_100k_negative(store) -> Case:
    """-1 for a per-100,000 rate."""
    return value_case(store, SON_LA, "15a", "E", -1, ("âm",), **{"15a:F": None, "15a:G": None})


def count_fraction_text(store) -> Case:
    """"2,5" typed for a count of children in illegal labour (Lạng Sơn 2023, 7d, target "= 0"):
    an average over two half-years typed instead of the count."""
    return value_case(store, LANG_SON, "7d", "E", "2,5", ("2,5", "số nguyên"))


def count_fraction_number(store) -> Case:
    """2.5 as a number for a count (Lạng Sơn 2023, 9: communes meeting the standard)."""
    return value_case(store, LANG_SON, "9", "E", 2.5, ("2,5", "số nguyên"))


def count_over_total(store) -> Case:
    """201 communes for a target of 150 out of 200 communes."""
    return value_case(store, LANG_SON, "9", "E", 201, ("201", "vượt quá tổng số 200"))


def percent_sign_on_per_mille(store) -> Case:
    """"9,4%" typed for a ‰ rate (mortality per 1,000 live births)."""
    return value_case(store, SON_LA, "3", "E", "9,4%", ("dấu %", "phần nghìn"), **{"3:F": None, "3:G": None})


def percent_format_on_per_mille(store) -> Case:
    """A ‰ cell formatted as a percentage (shows 0,9%): the number behind it is 0,0094, not 9,4."""
    def change(wb, ws):
        r = row_of(ws, "3")
        ws[f"E{r}"] = 0.0094
        ws[f"E{r}"].number_format = "0.0%"
        ws[f"F{r}"] = ws[f"G{r}"] = None
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (ref(store, SON_LA, "3", "E"),), ("phần trăm", "phần nghìn"))


# -- numerator and denominator (Sơn La 3: infant mortality, ‰) -------------------------------------


def numerator_above_denominator(store) -> Case:
    """Numerator and denominator swapped: 21.480 deaths out of 186 live births."""
    return value_case(store, SON_LA, "3", "F", 21480, ("lớn hơn mẫu số",), **{"3:G": 186, "3:E": None})


def denominator_zero(store) -> Case:
    """A denominator of 0 (the count of live births not yet in, typed as 0)."""
    return value_case(store, SON_LA, "3", "G", 0, ("Mẫu số bằng 0",), **{"3:F": 5, "3:E": None})


def numerator_only(store) -> Case:
    """Only the numerator given (the denominator to be 'added later')."""
    return value_case(store, SON_LA, "3", "G", None, ("tử số", "mẫu số"), **{"3:F": 186, "3:E": None})


def denominator_only(store) -> Case:
    """Only the denominator given."""
    return value_case(store, SON_LA, "3", "F", None, ("tử số", "mẫu số"), **{"3:G": 21480, "3:E": None})


def value_disagrees_with_ratio(store) -> Case:
    """The value copied from last year's report while the counts are this year's: 9,4‰ against
    186 / 21.480 × 1.000 = 8,659‰."""
    return value_case(store, SON_LA, "3", "E", 9.4, ("không khớp", "8,659"), **{"3:F": 186, "3:G": 21480})


# -- formulas -------------------------------------------------------------------------------------


def formula_error_div0(store) -> Case:
    """A formula computing the rate divided by an empty cell: Excel saved #DIV/0!."""
    return value_case(store, SON_LA, "1", "E", "#DIV/0!", ("#DIV/0!", "lỗi công thức"))


def formula_error_value(store) -> Case:
    """A formula adding text to a number: Excel saved #VALUE! (here in the numerator column)."""
    return value_case(store, SON_LA, "3", "F", "#VALUE!", ("#VALUE!", "lỗi công thức"), **{"3:G": 21480})


def formula_not_calculated(store) -> Case:
    """A formula written by a tool that does not calculate (no cached value in the file)."""
    return value_case(store, SON_LA, "1", "E", "=1/0", ("công thức chưa được tính",))


# -- milestones (Sở KH&CN Lạng Sơn 2026, target 2: the creativity contest) ------------------------


def milestone_xong(store) -> Case:
    """"Xong" typed instead of choosing from the dropdown."""
    return value_case(store, SKHCN, "2", "E", "Xong", ("Xong", "không phải câu trả lời hợp lệ", "Đã thực hiện"))


def milestone_da_lam(store) -> Case:
    """"Đã làm", a near synonym of "Đã thực hiện", typed instead of choosing."""
    return value_case(store, SKHCN, "2", "E", "Đã làm", ("Đã làm", "không phải câu trả lời hợp lệ"))


def milestone_with_counts(store) -> Case:
    """A numerator typed on a milestone row (the number of contest entries)."""
    return value_case(store, SKHCN, "2", "F", 35, ("mốc", "tử số"), **{"2:E": "Đã thực hiện"})


# -- files that are not real xlsx -----------------------------------------------------------------


def renamed_csv(store) -> Case:
    """The table exported as CSV (UTF-8, as Excel's "CSV UTF-8" does) and renamed to .xlsx."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Mã chỉ tiêu", "Nội dung chỉ tiêu", "Kết quả thực hiện"])
    writer.writerow(["1", "Tỷ lệ xã, phường đạt tiêu chuẩn", "98,6"])
    name = "bao-cao-son-la-2026-so-y-te-2026-H1.xlsx"
    return Case(name, ("\ufeff" + buf.getvalue()).encode("utf-8"), (name,), ("không phải", "CSV"))


def old_xls(store) -> Case:
    """An Excel 97-2003 .xls (an OLE2 compound file, here a minimal empty one built by hand)."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = OLE_SIGNATURE
    # minor/major version, byte order, sector shifts, reserved, dir sectors, FAT sectors,
    # first directory sector, transaction, mini stream cutoff, mini FAT start/count, DIFAT start/count
    struct.pack_into("<HHHHH6xIIIIIIIII", header, 24, 0x3E, 3, 0xFFFE, 9, 6,
                     0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))  # DIFAT: the FAT is sector 0
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    root = bytearray(128)
    name = "Root Entry".encode("utf-16-le") + b"\0\0"
    root[0:len(name)] = name
    struct.pack_into("<HBB", root, 64, len(name), 5, 1)  # name length, root storage, black
    struct.pack_into("<III", root, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<IQ", root, 116, 0xFFFFFFFE, 0)  # no mini stream
    directory = bytes(root) + bytes(128 * 3)
    data = bytes(header) + fat + directory
    return Case("bao-cao.xls.xlsx", data, ("bao-cao.xls.xlsx",), ("Excel 97-2003", ".xls"))


def empty_file(store) -> Case:
    """A 0-byte file (the browser sent nothing, or the file was still being synced)."""
    return Case("bao-cao.xlsx", b"", ("bao-cao.xlsx",), ("rỗng",))


def truncated_file(store) -> Case:
    """The first half of a real template (an upload or a USB copy cut off)."""
    name, data = template(store, SON_LA)
    return Case(name, data[: len(data) // 2], (name,), ("hỏng",))


def corrupt_zip(store) -> Case:
    """A real template with bytes flipped inside the compressed sheet (a damaged disk or e-mail)."""
    name, data = template(store, SON_LA)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    broken = bytearray(data)
    for i in range(start, start + 16):
        broken[i] ^= 0xFF
    return Case(name, bytes(broken), (name,), ("hỏng",))


def zip_not_workbook(store) -> Case:
    """A zip archive renamed .xlsx (the folder of scanned reports compressed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bao-cao/ghi-chu.txt", "Báo cáo 6 tháng đầu năm 2026")
    return Case("bao-cao.xlsx", buf.getvalue(), ("bao-cao.xlsx",), ("không phải sổ làm việc",))


# -- macro workbooks ------------------------------------------------------------------------------


def _with_macro(data: bytes) -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(data))
    types = zf.read("[Content_Types].xml").decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return _rebuild_zip(data, replace={"[Content_Types].xml": types.encode()},
                        add={"xl/vbaProject.bin": OLE_SIGNATURE + bytes(504)})


def macro_workbook(store) -> Case:
    """The template saved as .xlsm after someone recorded a macro to fill it."""
    name, data = template(store, SON_LA)
    name = name[:-5] + ".xlsm"
    return Case(name, _with_macro(data), (name,), ("macro",))


def macro_renamed_xlsx(store) -> Case:
    """A macro workbook renamed to .xlsx to get past the check on the name."""
    name, data = template(store, SON_LA)
    return Case(name, _with_macro(data), (name,), ("macro",))


def xlsx_renamed_xlsm(store) -> Case:
    """A real template merely renamed .xlsm: refused on the name (people must not learn that
    macro workbooks pass)."""
    name, data = template(store, SON_LA)
    name = name[:-5] + ".xlsm"
    return Case(name, data, (name,), ("macro",))


# -- size and row limits (the limits themselves are monkeypatched small by the tests) -------------


def too_many_sheets(store) -> Case:
    """The template used as a scratch book: a sheet per commune added (12 sheets > 10)."""
    def change(wb, ws):
        for i in range(9):
            wb.create_sheet(f"Xã {i + 1}")
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (name,), ("trang tính", "tối đa"))


def far_cell(store, row: int, column: int = 5) -> Case:
    """A stray entry far below the table (a value typed at the bottom of the sheet, or Ctrl+End
    and a keystroke)."""
    def change(wb, ws):
        ws.cell(row, column).value = 1
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (REPORT_SHEET,), ("dòng", "tối đa"))


def far_right_cell(store, column: int) -> Case:
    """Working notes typed in a column far to the right of the table."""
    def change(wb, ws):
        ws.cell(9, column).value = "đã gọi điện xác minh"
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (REPORT_SHEET,), ("cột", "tối đa"))


# -- accepted (positive controls, docs/template.md) -----------------------------------------------


def accepted_value(store, raw, number_format: str | None = None) -> Case:
    """Target 1 of Sơn La (a %) reported as `raw`, optionally in a cell with `number_format`."""
    def change(wb, ws):
        cell = ws[f"E{row_of(ws, '1')}"]
        cell.value = raw
        if number_format:
            cell.number_format = number_format
    name, data = edit(store, SON_LA, change)
    return Case(name, data, (), (), accepted={"1": {"value": 98.6}})


def ratio_agrees_within_rounding(store) -> Case:
    """8,7‰ with 186 / 21.480 × 1.000 = 8,659‰: equal once rounded to the one decimal written."""
    name, data = edit(store, SON_LA, set_cells(**{"3:E": "8,7", "3:F": 186, "3:G": 21480}))
    return Case(name, data, (), (), accepted={"3": {"value": 8.7, "numerator": 186, "denominator": 21480}})


def ratio_without_value(store) -> Case:
    """Only numerator and denominator given: the value is computed from them."""
    name, data = edit(store, SON_LA, set_cells(**{"3:E": None, "3:F": 186, "3:G": 21480}))
    return Case(name, data, (), (), accepted={"3": {"value": 8.659218, "numerator": 186, "denominator": 21480}})


def milestone_lower_case(store) -> Case:
    """"đã thực hiện" typed in lower case instead of chosen from the dropdown."""
    name, data = edit(store, SKHCN, set_cells(**{"2:E": "đã thực hiện"}))
    return Case(name, data, (), (), key=SKHCN, accepted={"2": {"text": "Đã thực hiện"}})


def blank_template(store) -> Case:
    """A template downloaded and uploaded without typing anything (empty database: all blank)."""
    name, data = template(store, SON_LA)
    return Case(name, data, (), ())


# -- the registry the tests parametrize over ------------------------------------------------------

IDENTITY = [other_plan, other_agency, other_period, old_version, table_copied_to_new_workbook]
LOCKED = [unknown_code, duplicated_code, edited_code_to_another_row, edited_code_to_other_target,
          edited_text, edited_unit, edited_goal]
ROWS = [row_inserted, row_deleted]
NOT_A_NUMBER = [text_about, text_na, date_value, boolean_value]
OUT_OF_RANGE = [percent_over_100, per_mille_negative, per_100k_negative, count_fraction_text,
                count_fraction_number, count_over_total, percent_sign_on_per_mille, percent_format_on_per_mille]
RATIOS = [numerator_above_denominator, denominator_zero, numerator_only, denominator_only, value_disagrees_with_ratio]
FORMULAS = [formula_error_div0, formula_error_value, formula_not_calculated]
MILESTONES = [milestone_xong, milestone_da_lam, milestone_with_counts]
NOT_XLSX = [renamed_csv, old_xls, empty_file, truncated_file, corrupt_zip, zip_not_workbook]
MACROS = [macro_workbook, macro_renamed_xlsx, xlsx_renamed_xlsm]
