"""The Excel summary of a briefing (openpyxl): an overview sheet, then the status table of each goal
group on its own sheet."""
from __future__ import annotations

import io

from indicators import charts, fmt, status
from indicators.progress import TargetProgress
from loaders import cells
from loaders.cells import put
from loaders.exports.briefing import DEMO_NOTE, Briefing, actual_value, group_title, target_value

XLSX_HEADERS = ["Mã chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu kế hoạch", "Yêu cầu",
                "Kết quả thực hiện", "Tình trạng", "Cơ quan chủ trì", "Giải thích", "Ghi chú"]
# Column widths in characters (Calibri 11). Together about 175: the whole table on a 1366-pixel screen and
# on A4 landscape at about 80% (9-pt print) when fitted to the page's width; long texts wrap instead.
_XLSX_WIDTHS = [8, 36, 10, 10, 14, 11, 18, 16, 40, 14]
# A programme's tables add the milestone the period is judged against and every milestone's verdict.
MILESTONE_HEADERS, _MILESTONE_WIDTHS = ["Mốc đang xét", "Các mốc"], [9, 24]
FONT = "Calibri"
LINE_PT = 15.0  # one line of Calibri 11 (Excel's default row height)
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.7, "header": 0.3, "footer": 0.3}


def text_lines(text, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide: word by word at 0.97
    characters per width unit, 0.95 in bold. A width unit is one digit; Vietnamese text in Calibri fits
    about 1.12 characters to it, in Noto Sans (what LibreOffice shows without Carlito) about 1.0, so
    the estimate errs tall rather than cut a line. Neither Excel nor LibreOffice fits a row to wrapped
    text when it opens a file, so every wrapped row gets this height."""
    room = max(1.0, (width - 1) * (0.95 if bold else 0.97))
    total = 0
    for para in str(text if text is not None else "").split("\n"):
        n, used = 1, 0
        for word in para.split():
            if used and used + 1 + len(word) > room:
                n, used = n + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
            while used > room:
                n, used = n + 1, used - room
        total += n
    return total


def row_height(lines: int) -> float:
    return LINE_PT * max(1, lines) + (3 if lines > 1 else 0)


def fit_scale(widths: list[float]) -> float:
    """The scale at which a table of these column widths fills the width of an A4 landscape page
    within the margins (what "fit to one page wide" prints at)."""
    pixels = sum(7 * w + 5 for w in widths)  # Calibri 11: 7-pixel digits, 5 pixels of padding
    room_pt = (11.69 - MARGINS_IN["left"] - MARGINS_IN["right"]) * 72
    return min(1.0, room_pt / (pixels * 0.75))


NUMBER_FORMAT = {"%": '#,##0.0#', "‰": '#,##0.0#', "per_100k": '#,##0.0', "count": '#,##0'}


def excel(b: Briefing) -> bytes:
    """The status table per goal group, one sheet each, after an overview sheet (counts by status,
    by goal group, and the targets that need attention). Numbers are numbers with number formats;
    every text goes through cells.put, so nothing a person typed can run as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    border = cells.BORDER
    wrap = Alignment(wrap_text=True, vertical="top")
    pp = b.progress
    wb = Workbook()
    wb.properties.title = f"Bảng tổng hợp kết quả thực hiện chỉ tiêu — {b.plan.title} — {b.period_label}"
    wb.properties.creator = "Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em"

    def banner(ws, title: str) -> int:
        ws["A1"] = title
        ws["A1"].font = Font(name=FONT, bold=True, size=14, color="1F4E79")
        ws.row_dimensions[1].height = 22  # 14-pt capitals with Vietnamese accents
        info = [("Kế hoạch:", f"{b.plan.title} — {b.plan.issuer}"),
                ("Kỳ báo cáo:", f"{b.period_label} ({b.period}) — {b.approval_text()}"),
                ("Số liệu:", b.data_date_text().capitalize() + f"; xuất ngày {fmt.day(b.made_at)}")]
        for i, (label, value) in enumerate(info, start=2):  # one cell each: the text runs on over the empty cells
            put(ws, i, 1, f"{label} {value}")
        row = 2 + len(info)
        if b.demo:
            c = put(ws, row, 1, DEMO_NOTE)
            c.font = Font(name=FONT, bold=True, color="FFFFFF", size=12)
            ws.row_dimensions[row].height = 18
            for col in range(1, len(XLSX_HEADERS) + 1):
                ws.cell(row, col).fill = PatternFill("solid", fgColor=fmt.DEMO_RED.lstrip("#").upper())
            row += 1
        return row + 1

    def header(ws, row: int, names: list[str], widths: list[float]) -> None:
        cells.header(ws, row, names)
        for col in range(1, len(names) + 1):
            ws.cell(row, col).font = Font(name=FONT, bold=True, color="FFFFFF")
        ws.row_dimensions[row].height = max(32.0, row_height(max(text_lines(n, w, bold=True)
                                                                 for n, w in zip(names, widths))))

    def heading(ws, row: int, text: str):
        c = put(ws, row, 1, text)
        c.font = Font(name=FONT, bold=True, size=12)
        ws.row_dimensions[row].height = 18
        return c

    def status_cell(ws, row: int, col: int, code: str):
        c = ws.cell(row, col, status.LABEL[code])
        c.fill = PatternFill("solid", fgColor=status.COLOR[code].lstrip("#").upper())
        c.font = Font(name=FONT, bold=True, color=charts.text_on(status.COLOR[code]).lstrip("#").upper())
        c.alignment = Alignment(vertical="top", wrap_text=True)
        c.border = border
        return c

    headers = XLSX_HEADERS + (MILESTONE_HEADERS if b.plan.is_programme else [])
    col_widths = _XLSX_WIDTHS + (_MILESTONE_WIDTHS if b.plan.is_programme else [])

    def finish(ws, row: int) -> None:
        for col in range(1, len(headers) + 1):
            cell = ws.cell(row, col)
            cell.border = border
            if col != 7:
                cell.alignment = wrap
        # wrapped rows get their height here: neither Excel nor LibreOffice fits them on opening
        ws.row_dimensions[row].height = row_height(max(
            text_lines(ws.cell(row, col).value, col_widths[col - 1], bold=col in (1, 7))
            for col in range(1, len(headers) + 1)))

    def target_rows(ws, row: int, rows: list[TargetProgress]) -> int:
        header(ws, row, headers, col_widths)
        first = row
        for r in rows:
            row += 1
            t = r.target
            numfmt = NUMBER_FORMAT.get(t.unit, "General")
            put(ws, row, 1, t.code).number_format = "@"
            put(ws, row, 2, fmt.clean_text(t.text) + (f" (thuộc chỉ tiêu {t.parent})" if t.parent else ""))
            put(ws, row, 3, fmt.UNIT_LABEL.get(t.unit, t.unit))
            goal = target_value(r)
            ws.cell(row, 4, goal).number_format = numfmt
            put(ws, row, 5, fmt.goal(t))
            value = actual_value(r)
            c = put(ws, row, 6, value)
            if not isinstance(value, str):
                c.number_format = numfmt
            status_cell(ws, row, 7, r.status)
            put(ws, row, 8, t.lead_agency)
            put(ws, row, 9, r.judgement.explanation)
            put(ws, row, 10, b.notes.get(t.code))
            if b.plan.is_programme:
                ws.cell(row, 11, r.judgement.milestone_year)
                put(ws, row, 12, "; ".join(m.display() for m in r.milestones))
            finish(ws, row)
            for c in r.categories:  # the split of a disaggregated target, one row per category
                row += 1
                ct = c.target
                put(ws, row, 1, t.code).number_format = "@"
                put(ws, row, 2, f"   trong đó: {c.name}")
                put(ws, row, 3, fmt.UNIT_LABEL.get(t.unit, t.unit))
                gov = c.judgement.milestone_year if c.judgement else None
                ws.cell(row, 4, next((m.target for m in ct.milestones if m.year == gov), ct.target)).number_format = numfmt
                put(ws, row, 5, fmt.goal(ct) if ct.target is not None else "—")
                ws.cell(row, 6, c.figure.value).number_format = numfmt
                if c.judgement:
                    status_cell(ws, row, 7, c.judgement.status)
                    put(ws, row, 9, c.judgement.explanation)
                put(ws, row, 8, t.lead_agency)
                if b.plan.is_programme:
                    ws.cell(row, 11, gov)
                finish(ws, row)
        ws.freeze_panes = ws.cell(first + 1, 3)  # the header row and the code and text columns stay
        ws.auto_filter.ref = f"A{first}:{get_column_letter(len(headers))}{max(row, first + 1)}"
        ws.print_title_rows = f"{first}:{first}"  # the header on every printed page
        return row

    def widths(ws) -> None:
        for i, w in enumerate(col_widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    # Overview sheet: the targets that need attention first, right under the banner, so that the
    # panes frozen at their header leave the list most of a laptop's screen; then the counts by
    # status and by goal group.
    ws = wb.active
    ws.title = "Tổng quan"
    widths(ws)
    row = banner(ws, "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU")
    ws.row_dimensions[row - 1].height = 8  # the gap under the banner: thin, it is frozen with it
    behind = pp.behind()
    heading(ws, row, f"Các chỉ tiêu cần chú ý ({len(behind)})")
    row += 1
    if behind:
        row = target_rows(ws, row, behind)
    else:
        put(ws, row, 1, "Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.")
    row += 2

    def summary_row(row: int, ncols: int) -> None:
        for col in range(1, ncols + 1):
            c = ws.cell(row, col)
            c.border = border
            if col > 2:
                c.alignment = Alignment(horizontal="center", vertical="top")

    counts = pp.counts()
    total = len(pp.rows)
    heading(ws, row, "Số chỉ tiêu theo tình trạng")
    row += 1
    header(ws, row, ["", "Tình trạng", "Số chỉ tiêu", "Tỷ lệ"], col_widths)
    for code in status.STATUSES:
        row += 1
        ws.cell(row, 1, status.SYMBOL[code])
        status_cell(ws, row, 2, code)
        ws.cell(row, 3, counts[code]).number_format = "#,##0"
        ws.cell(row, 4, counts[code] / total if total else None).number_format = "0.0%"
        summary_row(row, 4)
        ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="top")
    row += 1
    ws.cell(row, 2, "Tổng số").font = Font(name=FONT, bold=True)
    ws.cell(row, 3, total).number_format = "#,##0"
    ws.cell(row, 3).font = Font(name=FONT, bold=True)
    summary_row(row, 4)
    row += 2

    groups = pp.by_group()
    heading(ws, row, "Theo nhóm mục tiêu")
    row += 1
    names = ["Mã", "Nhóm mục tiêu"] + [status.LABEL[s] for s in status.STATUSES] + ["Tổng số"]
    header(ws, row, names, col_widths)
    for code, members in groups.items():
        row += 1
        put(ws, row, 1, code or "").number_format = "@"
        put(ws, row, 2, group_title(b, code)).alignment = wrap
        for j, s in enumerate(status.STATUSES, start=3):
            ws.cell(row, j, sum(1 for r in members if r.status == s)).number_format = "#,##0"
        ws.cell(row, 3 + len(status.STATUSES), len(members)).number_format = "#,##0"
        summary_row(row, len(names))
        ws.cell(row, 1).alignment = Alignment(vertical="top")
        ws.row_dimensions[row].height = row_height(text_lines(group_title(b, code), col_widths[1]))

    # One sheet per goal group (or one for every target when the plan has no goal groups)
    used = {"Tổng quan"}
    for code, members in groups.items():
        title = group_title(b, code)
        name = _sheet_name(title.split(":")[0] if code else "Các chỉ tiêu", used)
        ws = wb.create_sheet(name)
        widths(ws)
        row = banner(ws, f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU — {title.upper() if code else 'CÁC CHỈ TIÊU'}")
        if code:
            heading(ws, row - 1, title)
        target_rows(ws, row, members)

    scale = fit_scale(col_widths)
    for ws in wb.worksheets:  # printed: A4 landscape, one page wide (about 80%), as many tall as needed
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.page_setup.scale = int(scale * 100)  # what the fit gives; used by a program that ignores the fit
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for side, inches in MARGINS_IN.items():
            setattr(ws.page_margins, side, inches)
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "&A — Trang &P / &N"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28].strip() or "Trang"
    candidate, i = base, 2
    while candidate in used:
        candidate, i = f"{base} ({i})", i + 1
    used.add(candidate)
    return candidate
