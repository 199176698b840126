"""Reminder files (issue 15): the Excel list (one row per agency × report, with the agency's contact)
and the letters, one plain-text file per agency, zipped. Everything comes from
indicators.reminders; this module only lays it out. Texts go through cells.put (no formulas)."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from indicators import charts, fmt, reporting
from indicators.reminders import Reminders, file_stem, letter, text_bytes, text_files
from loaders import cells
from loaders.cells import put

SHEET = "Nhắc báo cáo"
HEADERS = ["Cơ quan", "Vai trò", "Kỳ báo cáo", "Hạn nộp", "Tình trạng", "Số ngày", "Ghi chú",
           "Người liên hệ", "Điện thoại", "Thư điện tử", "Tài khoản được giao"]
WIDTHS = [30, 14, 20, 12, 21, 9, 32, 26, 16, 28, 24]
DATE_FORMAT = "dd/mm/yyyy"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
DAYS_NOTE = ("Số ngày: báo cáo chưa nộp (quá hạn) là số ngày đã quá hạn; sắp đến hạn là số ngày còn lại; "
             "nộp muộn là số ngày trễ khi nộp.")


def file_name(rem: Reminders, ext: str) -> str:
    """'nhac-bao-cao-son-la-2026-2026-07-10.xlsx' (ASCII)."""
    return f"nhac-bao-cao-{rem.plan.slug}-{rem.on.isoformat()}.{ext}"


def excel(rem: Reminders) -> bytes:
    """The workbook: a banner (plan, date, window, demo mark), the header row (frozen, filtered,
    repeated on every printed page), then one row per agency × report; dates are dates shown
    dd/mm/yyyy, days are numbers; landscape A4, as wide as the page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.properties.title = f"Nhắc báo cáo — {rem.plan.title} — {fmt.day(rem.on)}"
    wb.properties.creator = "Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em"
    ws = wb.active
    ws.title = SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w

    ws["A1"] = "DANH SÁCH NHẮC BÁO CÁO"
    ws["A1"].font = Font(bold=True, size=14, color="1F4E79")
    counts = rem.counts()
    info = [f"Kế hoạch: {rem.plan.title} — {rem.plan.issuer} ({rem.plan.slug})",
            f"Tính đến ngày {fmt.day(rem.on)}; sắp đến hạn: hạn nộp trong {fmt.num(rem.days)} ngày tới "
            f"(đến hết ngày {fmt.day(rem.on + timedelta(days=rem.days))}).",
            f"{fmt.num(len(rem.agencies))} cơ quan: {fmt.num(counts[reporting.MISSING])} báo cáo chưa nộp (quá hạn), "
            f"{fmt.num(counts[reporting.NOT_DUE])} sắp đến hạn, {fmt.num(counts[reporting.LATE])} nộp muộn.",
            DAYS_NOTE]
    row = 2
    for text in info:  # one cell each: the text runs on over the empty cells
        put(ws, row, 1, text)
        row += 1
    if rem.has_demo:
        c = put(ws, row, 1, fmt.DEMO_NOTE)
        c.font = Font(bold=True, color="FFFFFF", size=12)
        for col in range(1, len(HEADERS) + 1):
            ws.cell(row, col).fill = PatternFill("solid", fgColor=fmt.DEMO_RED.lstrip("#").upper())
        row += 1
    row += 1
    head = row
    ws.row_dimensions[head].height = 32
    cells.header(ws, head, HEADERS)

    for a in rem.agencies:
        contact = a.contact
        roles = ", ".join(reporting.ROLE_LABEL[r] for r in a.roles)
        accounts = "; ".join(x.text for x in a.accounts)
        for it in a.items:
            row += 1
            put(ws, row, 1, a.agency)
            put(ws, row, 2, roles)
            put(ws, row, 3, it.period_label.capitalize())
            ws.cell(row, 4, it.due).number_format = DATE_FORMAT
            state = ws.cell(row, 5, it.label)
            color = reporting.STATE_COLOR[it.state]
            state.fill = PatternFill("solid", fgColor=color.lstrip("#").upper())
            state.font = Font(bold=True, color=charts.text_on(color).lstrip("#").upper())
            ws.cell(row, 6, it.days).number_format = "#,##0"
            note = it.days_text + ("" if it.deadline else " (kỳ không quy định hạn nộp: tính từ ngày kết thúc kỳ)")
            put(ws, row, 7, note[0].upper() + note[1:] + (f" [{fmt.DEMO_TAG}]" if it.is_demo else ""))
            put(ws, row, 8, contact.person if contact else "")
            put(ws, row, 9, contact.phone if contact else "").number_format = "@"
            put(ws, row, 10, contact.email if contact else "")
            put(ws, row, 11, accounts)
            for col in range(1, len(HEADERS) + 1):
                c = ws.cell(row, col)
                c.border = cells.BORDER
                c.alignment = wrap
            # wrapped rows get their height here: neither Excel nor LibreOffice fits them on opening
            lines = max(-(-len(str(ws.cell(row, col).value or "")) // max(1, int(WIDTHS[col - 1] * 1.1)))
                        for col in range(1, len(HEADERS) + 1) if col not in (4, 6))
            ws.row_dimensions[row].height = 15 * max(1, lines) + 2
    if not rem.agencies:
        row += 1
        put(ws, row, 1, "Không có báo cáo nào quá hạn, nộp muộn hay sắp đến hạn.")

    ws.freeze_panes = ws.cell(head + 1, 2)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(HEADERS))}{max(row, head + 1)}"
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def texts_zip(rem: Reminders) -> bytes:
    """One letter per agency (UTF-8 with BOM, CRLF: Notepad opens them as they are), plus every
    letter in one file to print or read through ('tat-ca.txt', a line of '=' between letters)."""
    files = text_files(rem)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text_bytes(text))
        if files:
            zf.writestr("tat-ca.txt", text_bytes(("\n" + "=" * 72 + "\n\n").join(files.values())))
    return out.getvalue()


def letter_bytes(rem: Reminders, agency: str) -> tuple[str, bytes]:
    """(file name, bytes) of one agency's letter."""
    a = rem.agency(agency)
    if a is None:
        raise KeyError(agency)
    return f"{file_stem(agency)}.txt", text_bytes(letter(rem, a))
