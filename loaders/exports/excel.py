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
_XLSX_WIDTHS = [9, 60, 14, 12, 26, 13, 19, 28, 70, 30]
# A programme's tables add the milestone the period is judged against and every milestone's verdict.
MILESTONE_HEADERS, _MILESTONE_WIDTHS = ["Mốc đang xét", "Các mốc"], [10, 40]
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
        ws["A1"].font = Font(bold=True, size=14, color="1F4E79")
        info = [("Kế hoạch:", f"{b.plan.title} — {b.plan.issuer}"), ("Kỳ báo cáo:", f"{b.period_label} ({b.period})"),
                ("Số liệu:", b.data_date_text().capitalize() + f"; xuất ngày {fmt.day(b.made_at)}")]
        for i, (label, value) in enumerate(info, start=2):  # one cell each: the text runs on over the empty cells
            put(ws, i, 1, f"{label} {value}")
        row = 2 + len(info)
        if b.demo:
            c = put(ws, row, 1, DEMO_NOTE)
            c.font = Font(bold=True, color="FFFFFF", size=12)
            for col in range(1, len(XLSX_HEADERS) + 1):
                ws.cell(row, col).fill = PatternFill("solid", fgColor=fmt.DEMO_RED.lstrip("#").upper())
            row += 1
        return row + 1

    def header(ws, row: int, names: list[str]) -> None:
        ws.row_dimensions[row].height = 32  # two lines of header text
        cells.header(ws, row, names)

    def status_cell(ws, row: int, col: int, code: str):
        c = ws.cell(row, col, status.LABEL[code])
        c.fill = PatternFill("solid", fgColor=status.COLOR[code].lstrip("#").upper())
        c.font = Font(bold=True, color=charts.text_on(status.COLOR[code]).lstrip("#").upper())
        c.alignment = Alignment(vertical="top")
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
        lines = max(-(-len(str(ws.cell(row, col).value or "")) // int(col_widths[col - 1] * 1.15))
                    for col in range(1, len(headers) + 1))
        ws.row_dimensions[row].height = 15 * max(1, lines) + 2

    def target_rows(ws, row: int, rows: list[TargetProgress]) -> int:
        header(ws, row, headers)
        first = row
        for r in rows:
            row += 1
            t = r.target
            numfmt = NUMBER_FORMAT.get(t.unit, "General")
            put(ws, row, 1, t.code).number_format = "@"
            put(ws, row, 2, t.text + (f" (thuộc chỉ tiêu {t.parent})" if t.parent else ""))
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
        ws.freeze_panes = ws.cell(first + 1, 3)
        ws.auto_filter.ref = f"A{first}:{get_column_letter(len(headers))}{max(row, first + 1)}"
        return row

    def widths(ws) -> None:
        for i, w in enumerate(col_widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    # Overview sheet
    ws = wb.active
    ws.title = "Tổng quan"
    widths(ws)
    row = banner(ws, "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU")
    counts = pp.counts()
    total = len(pp.rows)
    ws.cell(row, 1, "Số chỉ tiêu theo tình trạng").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["", "Tình trạng", "Số chỉ tiêu", "Tỷ lệ"])
    for code in status.STATUSES:
        row += 1
        ws.cell(row, 1, status.SYMBOL[code]).alignment = Alignment(horizontal="center")
        status_cell(ws, row, 2, code)
        ws.cell(row, 3, counts[code]).number_format = "#,##0"
        ws.cell(row, 4, counts[code] / total if total else None).number_format = "0.0%"
    row += 1
    ws.cell(row, 2, "Tổng số").font = Font(bold=True)
    ws.cell(row, 3, total).number_format = "#,##0"
    ws.cell(row, 3).font = Font(bold=True)
    row += 2

    groups = pp.by_group()
    ws.cell(row, 1, "Theo nhóm mục tiêu").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["Mã", "Nhóm mục tiêu"] + [status.LABEL[s] for s in status.STATUSES] + ["Tổng số"])
    for code, members in groups.items():
        row += 1
        put(ws, row, 1, code or "").number_format = "@"
        put(ws, row, 2, group_title(b, code)).alignment = wrap
        for j, s in enumerate(status.STATUSES, start=3):
            ws.cell(row, j, sum(1 for r in members if r.status == s)).number_format = "#,##0"
        ws.cell(row, 3 + len(status.STATUSES), len(members)).number_format = "#,##0"
    row += 2

    behind = pp.behind()
    ws.cell(row, 1, f"Các chỉ tiêu cần chú ý ({len(behind)})").font = Font(bold=True, size=12)
    row += 1
    if behind:
        target_rows(ws, row, behind)
    else:
        put(ws, row, 1, "Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.")

    # One sheet per goal group (or one for every target when the plan has no goal groups)
    used = {"Tổng quan"}
    for code, members in groups.items():
        title = group_title(b, code)
        name = _sheet_name(title.split(":")[0] if code else "Các chỉ tiêu", used)
        ws = wb.create_sheet(name)
        widths(ws)
        row = banner(ws, f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU — {title.upper() if code else 'CÁC CHỈ TIÊU'}")
        if code:
            put(ws, row - 1, 1, title).font = Font(bold=True, size=12)
        target_rows(ws, row, members)

    for ws in wb.worksheets:  # printed: landscape, as wide as the page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
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
