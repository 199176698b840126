"""Briefing exports (issue 5): chart images (PNG, SVG, PDF), an Excel summary, a Word report and a
PowerPoint deck for one plan and reporting period, in Vietnamese.

Every figure, status and count comes from the status engine (indicators.progress); this module
only lays them out. Chart figures come from indicators.charts; images from loaders.images (kaleido
and the system Chromium). Without Chromium the Excel, Word and PowerPoint files are still made, with
a Vietnamese note where a chart would be. Demo data is marked DỮ LIỆU MINH HỌA in every file that
shows it. No streamlit here: the export page and `python -m indicators export` both call this."""
from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime

from indicators import charts, fmt, periods, progress, reporting, status
from indicators.errors import AppError, UsageError
from indicators.progress import PlanProgress, TargetProgress
from indicators.settings import now_local
from loaders import cells, images
from loaders.cells import put

FORMATS = ("png", "svg", "pdf", "xlsx", "docx", "pptx")
IMAGE_FORMATS = images.FORMATS
MIME = {
    **images.MIME,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FORMAT_LABEL = {"png": "Hình PNG", "svg": "Hình SVG", "pdf": "Hình PDF", "xlsx": "Bảng tổng hợp Excel",
                "docx": "Báo cáo Word", "pptx": "Trình chiếu PowerPoint"}
WATERMARK = charts.WATERMARK
DEMO_NOTE = f"{WATERMARK}: số liệu dưới đây là dữ liệu giả lập để trình diễn, không phải số liệu thật."
REPORT_TITLE = "Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu"
OVERVIEW_CHART = "tong-quan"


# ---------------------------------------------------------------------------------------------
# What every export shows: the plan's progress for the period, the notes and the data date


@dataclass(frozen=True)
class Briefing:
    progress: PlanProgress
    notes: dict[str, str]  # target code -> the note(s) its figure's agencies wrote
    data_date: datetime | None  # the latest report received for this period
    made_at: datetime
    reports: dict  # period -> reporting.Summary: reports on time, late, missing, not yet due (at made_at)

    @property
    def plan(self):
        return self.progress.plan

    @property
    def period(self) -> str:
        return self.progress.period

    @property
    def demo(self) -> bool:
        return self.progress.has_demo

    @property
    def period_label(self) -> str:
        return periods.label(self.period)

    def data_date_text(self) -> str:
        return f"số liệu nhận đến ngày {fmt.day(self.data_date)}" if self.data_date else "chưa có số liệu báo cáo của kỳ này"

    def caption(self) -> str:
        """Plan, period and data date: the caption of every chart and the footer of every slide."""
        return (f"{self.plan.issuer} — {self.plan.title} · Kỳ báo cáo: {self.period_label} · "
                f"{self.data_date_text().capitalize()} · Xuất ngày {fmt.day(self.made_at)}")


def gather(store, slug: str, period: str, *, now: datetime | None = None) -> Briefing:
    """Read what the exports show (raises UsageError for an unknown plan or period)."""
    pp = progress.plan_progress(store, slug, period)
    agencies = sorted({s.agency for r in pp.rows for s in r.figure.sources})
    values = store.current_values_many(slug, agencies, period) if agencies else {}
    notes = {}
    for r in pp.rows:
        found = [(s.agency, (values.get((s.agency, r.target.code)) or {}).get("note")) for s in r.figure.sources]
        found = [(a, n) for a, n in found if n]
        if len(found) == 1:
            notes[r.target.code] = found[0][1]
        elif found:
            notes[r.target.code] = "; ".join(f"{a}: {n}" for a, n in found)
    submissions = store.submissions(slug)
    received = [s["received_at"] for s in submissions if s["period"] == period and s.get("received_at")]
    made_at = now or now_local()
    reports = reporting.by_period(reporting.expected_reports(pp.plan, [r.target for r in pp.rows], submissions,
                                                             made_at.date()))
    return Briefing(pp, notes, max(received) if received else None, made_at, reports)


def file_name(fmt_: str, slug: str, period: str, chart: str | None = None) -> str:
    """Vietnamese file names without diacritics (safe everywhere), like the dashboard's:
    'bao-cao-tom-tat-son-la-2026-2026-H1.docx', 'bieu-do-tong-quan-son-la-2026-2026-H1.png'."""
    words = {"xlsx": "bảng tổng hợp chỉ tiêu", "docx": "báo cáo tóm tắt", "pptx": "trình chiếu"}
    if fmt_ in IMAGE_FORMATS:
        stem = charts.file_name("biểu đồ", chart or OVERVIEW_CHART, slug, period)
    else:
        stem = charts.file_name(words[fmt_], slug, period)
    return f"{stem}.{fmt_}"


def check_format(fmt_: str) -> str:
    value = (fmt_ or "").lower().lstrip(".")
    if value not in FORMATS:
        raise UsageError(f"Định dạng \"{fmt_}\" không hỗ trợ.", f"Chọn một trong: {', '.join(FORMATS)}.")
    return value


# ---------------------------------------------------------------------------------------------
# Charts


@dataclass(eq=False)
class Chart:
    briefing: Briefing
    key: str  # 'tong-quan', 'nhom-muc-tieu', 'co-quan', 'muc-tieu-1' …
    title: str
    plotted: int  # how many bars it has (0: nothing to draw)

    @cached_property
    def figure(self):
        """The plotly figure as the dashboard draws it (built on first use)."""
        return _figure(self.briefing, self.key, self.title)


def chart_list(b: Briefing) -> list[Chart]:
    """The charts of a briefing: every target against its target (the overview), progress by goal
    group, targets by lead agency, then one per goal group."""
    pp = b.progress
    out = [Chart(b, OVERVIEW_CHART, "Từng chỉ tiêu so với chỉ tiêu kế hoạch (bên phải là tốt hơn)",
                 sum(1 for r in pp.rows if charts.distance(r) is not None)),
           Chart(b, "nhom-muc-tieu", "Tiến độ theo nhóm mục tiêu", len(pp.by_group())),
           Chart(b, "co-quan", "Chỉ tiêu chủ trì theo tình trạng, theo cơ quan", len(pp.by_agency())),
           Chart(b, "bao-cao", f"Báo cáo của các cơ quan theo kỳ (đến ngày {fmt.day(b.made_at)})", len(b.reports))]
    titles = {g.code: g.title for g in b.plan.goal_groups}
    for code, rows in pp.by_group().items():
        if code in titles:
            out.append(Chart(b, f"muc-tieu-{code}", titles[code], sum(1 for r in rows if charts.distance(r) is not None)))
    return out


def _group_rows(b: Briefing, key: str) -> list[TargetProgress]:
    code = key.removeprefix("muc-tieu-")
    return [r for r in b.progress.rows if r.target.group == code]


def _figure(b: Briefing, key: str, title: str):
    pp = b.progress
    if key == OVERVIEW_CHART:
        return charts.target_positions(pp.rows, title=title)
    if key == "nhom-muc-tieu":
        return charts.status_bars(charts.group_counts(pp), title=title, label_width=40)
    if key == "co-quan":
        return charts.status_bars(charts.agency_counts(pp), title=title, axis_title="Số chỉ tiêu chủ trì")
    if key == "bao-cao":
        return charts.report_states(b.reports, title=title)
    return charts.target_positions(_group_rows(b, key), title=title)


def chart(b: Briefing, key: str = OVERVIEW_CHART) -> Chart:
    for c in chart_list(b):
        if c.key == key:
            return c
    raise UsageError(f"Không có biểu đồ \"{key}\".", "Các biểu đồ: " + ", ".join(c.key for c in chart_list(b)) + ".")


def chart_image(b: Briefing, key: str = OVERVIEW_CHART, fmt_: str = "png", *, c: Chart | None = None) -> bytes:
    """One chart as PNG (1600 px wide), SVG or PDF, with the caption and, for demo data, the
    watermark. Raises images.NoBrowser without Chromium."""
    c = c or chart(b, key)
    fig = charts.briefing(c.figure, caption=b.caption(), demo=b.demo)
    data = images.render(fig, fmt_, width=round(charts.EXPORT_PX / charts.EXPORT_SCALE), scale=charts.EXPORT_SCALE)
    if fmt_ == "png":
        data = png_with_text(data, {"Title": c.title, "Description": b.caption(),
                                    "Software": "Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em",
                                    **({"Comment": DEMO_NOTE} if b.demo else {})})
    return data


def png_with_text(data: bytes, text: dict[str, str]) -> bytes:
    """Add UTF-8 text chunks (iTXt) after a PNG's header: title, caption and the demo note travel
    with the image (Pillow: Image.open(...).text). No re-encoding."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return data
    ihdr_end = 8 + 12 + struct.unpack(">I", data[8:12])[0]
    chunks = b""
    for key, value in text.items():
        body = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    return data[:ihdr_end] + chunks + data[ihdr_end:]


def _try_png(b: Briefing, c: Chart) -> tuple[bytes | None, str | None]:
    """(PNG, None), or (None, the Vietnamese note that takes the image's place)."""
    if not c.plotted:
        return None, f"(Biểu đồ \"{c.title}\": không có chỉ tiêu nào có số để vẽ trong kỳ này.)"
    try:
        return chart_image(b, c.key, "png", c=c), None
    except images.NoBrowser:
        return None, (f"(Chưa có hình biểu đồ \"{c.title}\": máy chủ không có trình duyệt Chromium để vẽ hình. "
                      "Cài gói chromium của hệ điều hành rồi xuất lại tệp này.)")
    except AppError as exc:
        return None, f"(Chưa có hình biểu đồ \"{c.title}\": {exc.message})"


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------------------------------------
# Table contents shared by the Excel, Word and PowerPoint files


def actual_value(r: TargetProgress):
    """The plan-level figure as a number (or a milestone answer as text, or None)."""
    return r.figure.text if r.target.kind == "milestone" else r.figure.value


def target_value(r: TargetProgress) -> float | None:
    """The number the actual is judged against: the plan's value, or for a yearly change or a
    direction target this year's value as the engine computed it."""
    t = r.target
    if t.kind in ("yearly_change", "direction"):
        return r.judgement.target
    return t.target


def issuer_lines(issuer: str) -> list[str]:
    """'UBND tỉnh Sơn La' -> ['ỦY BAN NHÂN DÂN', 'TỈNH SƠN LA'] (the heading of an administrative document)."""
    if issuer.startswith("UBND "):
        return ["ỦY BAN NHÂN DÂN", issuer[5:].upper()]
    return [issuer.upper()]


def place_and_date(b: Briefing) -> str:
    place = (b.plan.doc_date.split(",")[0].strip() if "," in b.plan.doc_date else "") or b.plan.province
    d = b.made_at
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _group_title(b: Briefing, code: str | None) -> str:
    titles = {g.code: g.title for g in b.plan.goal_groups}
    return titles.get(code) or "Các chỉ tiêu"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Excel summary (openpyxl)

XLSX_HEADERS = ["Mã chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu kế hoạch", "Yêu cầu",
                "Kết quả thực hiện", "Tình trạng", "Cơ quan chủ trì", "Giải thích", "Ghi chú"]
_XLSX_WIDTHS = [9, 60, 14, 12, 26, 13, 19, 28, 70, 30]
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
                ws.cell(row, col).fill = PatternFill("solid", fgColor="B3261E")
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

    def target_rows(ws, row: int, rows: list[TargetProgress]) -> int:
        header(ws, row, XLSX_HEADERS)
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
            for col in range(1, len(XLSX_HEADERS) + 1):
                cell = ws.cell(row, col)
                cell.border = border
                if col != 7:
                    cell.alignment = wrap
            # wrapped rows get their height here: neither Excel nor LibreOffice fits them on opening
            lines = max(-(-len(str(ws.cell(row, col).value or "")) // int(_XLSX_WIDTHS[col - 1] * 1.15))
                        for col in range(1, len(XLSX_HEADERS) + 1))
            ws.row_dimensions[row].height = 15 * max(1, lines) + 2
        ws.freeze_panes = ws.cell(first + 1, 3)
        ws.auto_filter.ref = f"A{first}:{get_column_letter(len(XLSX_HEADERS))}{max(row, first + 1)}"
        return row

    def widths(ws) -> None:
        for i, w in enumerate(_XLSX_WIDTHS, start=1):
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
        put(ws, row, 2, _group_title(b, code)).alignment = wrap
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
        title = _group_title(b, code)
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


# ---------------------------------------------------------------------------------------------
# Word report (python-docx)

_WORD_FONT = "Times New Roman"


def word(b: Briefing) -> bytes:
    """'Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu …' with the heading block of a Vietnamese
    administrative document, the counts by status, every target with its status, the targets that
    need attention with their owners and the reason, and the charts."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    pp = b.progress
    doc = Document()
    doc.core_properties.title = f"{REPORT_TITLE} — {b.plan.title} — {b.period_label}"
    doc.core_properties.author = b.plan.issuer
    doc.core_properties.subject = b.caption()
    if b.demo:
        doc.core_properties.keywords = WATERMARK
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    text_width = Mm(165)

    normal = doc.styles["Normal"]
    normal.font.name = _WORD_FONT
    normal.font.size = Pt(13)
    _east_asian(normal, _WORD_FONT)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Heading 1", "Heading 2"):
        st_ = doc.styles[name]
        st_.font.name = _WORD_FONT
        _east_asian(st_, _WORD_FONT)
        st_.font.color.rgb = RGBColor(0, 0, 0)
        st_.font.size = Pt(13)
        st_.font.bold = True
        st_.paragraph_format.space_before = Pt(10)
        st_.paragraph_format.space_after = Pt(4)

    def para(text: str = "", *, bold=False, italic=False, size=None, align=None, color=None, after=None, container=doc):
        p = container.add_paragraph()
        if text:
            _styled_run(p, text, bold=bold, italic=italic, size=size, color=color)
        if align:
            p.alignment = align
        if after is not None:
            p.paragraph_format.space_after = Pt(after)
        return p

    # Header (every page): the demo mark; footer: page number
    if b.demo:
        hp = sec.header.paragraphs[0]
        run = hp.add_run(f"{WATERMARK} — số liệu giả lập để trình diễn, không phải số liệu thật")
        run.bold = True
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(0xB3, 0x26, 0x1E)
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(fp)

    # Heading block: issuer left; national title, motto, place and date right
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    left, right = head.rows[0].cells
    _widths(head, [Mm(65), Mm(100)])
    lines = issuer_lines(b.plan.issuer)
    for i, line in enumerate(lines):
        p = para(line, bold=i == len(lines) - 1, size=12.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=left)
    _rule(p)
    para("Số:        /BC", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=left)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=0,
         container=right)
    p = para("Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=right)
    _rule(p)
    para(place_and_date(b), italic=True, size=13.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=right)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)

    para(after=6)
    para("BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(f"{REPORT_TITLE} {b.plan.title}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(f"Kỳ báo cáo: {b.period_label}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    if b.demo:
        para(DEMO_NOTE, bold=True, color="#b3261e", align=WD_ALIGN_PARAGRAPH.CENTER, after=8)

    counts = pp.counts()
    behind = pp.behind()
    total = len(pp.rows)
    numbered = any(ch.isdigit() for ch in b.plan.doc_number)  # "Số: /KH-UBND" has no number yet
    basis = b.plan.title + (f" ({b.plan.doc_number})" if numbered else "")
    para(f"Căn cứ {basis} của {b.plan.issuer}; căn cứ số liệu các cơ quan báo cáo kỳ {b.period_label} "
         f"({b.data_date_text()}), kết quả thực hiện các chỉ tiêu được tổng hợp như sau:",
         align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    doc.add_heading("I. TÌNH HÌNH CHUNG", level=1)
    para(f"Kế hoạch có {total} chỉ tiêu đo lường được (chỉ tiêu gồm nhiều phần được tính theo từng phần). "
         f"Kỳ {b.period_label}: " + "; ".join(f"{status.LABEL[s]} {counts[s]}" for s in status.STATUSES)
         + f". Có {len(behind)} chỉ tiêu cần chú ý ({status.LABEL[status.LAGGING].lower()}, "
         f"{status.LABEL[status.OFF_TRACK].lower()} hoặc {status.LABEL[status.NOT_ACHIEVED].lower()}).",
         align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    t = _table(doc, ["Tình trạng", "Số chỉ tiêu", "Tỷ lệ"], [Mm(70), Mm(35), Mm(35)])
    for s in status.STATUSES:
        cells = t.add_row().cells
        _status_cell(cells[0], s)
        _cell_text(cells[1], str(counts[s]), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[2], fmt.percent(counts[s] / total) if total else "—", align=WD_ALIGN_PARAGRAPH.CENTER)
    cells = t.add_row().cells
    _cell_text(cells[0], "Tổng số", bold=True)
    _cell_text(cells[1], str(total), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(cells[2], "100%" if total else "—", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    doc.add_heading("II. KẾT QUẢ THỰC HIỆN TỪNG CHỈ TIÊU", level=1)
    col_w = [Mm(12), Mm(63), Mm(24), Mm(20), Mm(22), Mm(24)]
    t = _table(doc, ["Mã", "Nội dung chỉ tiêu", "Chỉ tiêu", "Kết quả", "Tình trạng", "Cơ quan chủ trì"], col_w, size=10.5)
    for code, members in pp.by_group().items():
        if code is not None:
            row = t.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, _group_title(b, code), bold=True, size=10.5)
            _shade(merged, "EEF1F5")
        for r in members:
            cells = t.add_row().cells
            _cell_text(cells[0], r.target.code, bold=True, size=10.5)
            _cell_text(cells[1], r.target.text, size=10.5)
            _cell_text(cells[2], fmt.goal(r.target), size=10.5)
            _cell_text(cells[3], fmt.actual(actual_value(r), r.target.unit), size=10.5)
            _status_cell(cells[4], r.status, size=10.5)
            _cell_text(cells[5], r.target.lead_agency, size=10.5)
    _widths(t, col_w)

    doc.add_heading("III. CÁC CHỈ TIÊU CẦN CHÚ Ý", level=1)
    if behind:
        owners: dict[str, int] = {}
        for r in behind:
            owners[r.target.lead_agency] = owners.get(r.target.lead_agency, 0) + 1
        para(f"Có {len(behind)} chỉ tiêu cần chú ý, xếp từ nặng đến nhẹ. Theo cơ quan chủ trì: "
             + "; ".join(f"{a} {n}" for a, n in sorted(owners.items(), key=lambda x: (-x[1], x[0]))) + ".",
             align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        col_w = [Mm(12), Mm(83), Mm(24), Mm(46)]
        t = _table(doc, ["Mã", "Nội dung chỉ tiêu và lý do", "Tình trạng", "Cơ quan chủ trì"], col_w, size=10.5)
        for r in behind:
            cells = t.add_row().cells
            _cell_text(cells[0], r.target.code, bold=True, size=10.5)
            _cell_text(cells[1], r.target.text, size=10.5)
            p = cells[1].add_paragraph()
            run = p.add_run(f"Kết quả {fmt.actual(actual_value(r), r.target.unit)}, chỉ tiêu {fmt.goal(r.target)}. "
                            f"{r.judgement.explanation}")
            run.italic = True
            run.font.size = Pt(10)
            _status_cell(cells[2], r.status, size=10.5)
            _cell_text(cells[3], r.target.lead_agency, bold=True, size=10.5)
            if r.target.coordinating:
                p = cells[3].add_paragraph()
                run = p.add_run("Phối hợp: " + ", ".join(r.target.coordinating))
                run.font.size = Pt(9.5)
        _widths(t, col_w)
    else:
        para("Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.")

    doc.add_heading("IV. BIỂU ĐỒ", level=1)
    for i, c in enumerate(chart_list(b)[:3], start=1):
        png, note = _try_png(b, c)
        caption = para(f"Hình {i}. {c.title}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
        caption.paragraph_format.keep_with_next = True  # never a caption at the foot of a page, its chart on the next
        if png:
            width, height = png_size(png)
            # at most 21 cm high so that a chart and its caption fit one page
            doc.add_picture(io.BytesIO(png), width=min(text_width, int(Mm(210) * width / height)))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.space_after = Pt(10)
        else:
            para(note, italic=True, color="#6b4e00", after=10)

    para(after=6)
    sign = doc.add_table(rows=1, cols=2)
    sign.autofit = False
    _widths(sign, [Mm(80), Mm(85)])
    left, right = sign.rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như trên;", "- Lưu: VT."):
        _cell_text(left, line, size=11, new=True)
    _cell_text(right, "NGƯỜI LẬP BÁO CÁO", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(right, "(Ký, ghi rõ họ tên)", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _east_asian(style, font: str) -> None:
    """Set the font for every script (Word falls back per script otherwise)."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):  # a theme font wins otherwise
        fonts.attrib.pop(qn(attr), None)


def _page_field(paragraph) -> None:
    """A PAGE field (the page number) in a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _rule(paragraph) -> None:
    """A short line under a paragraph (under the issuer's name and the motto)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), "900")
    ind.set(qn("w:right"), "900")
    ppr.append(ind)


def _table(doc, headers: list[str], col_widths, *, size: float = 11.5):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.autofit = False
    for cell, text in zip(t.rows[0].cells, headers):
        _cell_text(cell, text, bold=True, size=size)
        _shade(cell, "D9E2F3")
    trpr = t.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    _widths(t, col_widths)
    return t


def _widths(table, col_widths) -> None:
    for row in table.rows:
        for cell, w in zip(row.cells, col_widths):
            cell.width = w
    for col, w in zip(table.columns, col_widths):
        col.width = w


def _styled_run(p, text: str, *, bold=False, italic=False, size: float | None = None, color: str | None = None):
    """A run of text in a Word paragraph: bold, italic, size in points, colour as '#rrggbb'."""
    from docx.shared import Pt, RGBColor

    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
    return run


def _cell_text(cell, text: str, *, bold=False, italic=False, size: float | None = None, align=None,
               color: str | None = None, new: bool = False):
    from docx.shared import Pt

    p = cell.add_paragraph() if new or (cell.paragraphs and cell.paragraphs[0].text) else cell.paragraphs[0]
    _styled_run(p, text, bold=bold, italic=italic, size=size, color=color)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    return p


def _shade(cell, hex_fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill.lstrip("#").upper())
    tcpr.append(shd)


def _status_cell(cell, code: str, *, size: float | None = None) -> None:
    """A status in its colour, always with its symbol and text label (never colour alone)."""
    color = status.COLOR[code]
    _cell_text(cell, f"{status.SYMBOL[code]} {status.LABEL[code]}", bold=True, size=size, color=charts.text_on(color))
    _shade(cell, color)


# ---------------------------------------------------------------------------------------------
# PowerPoint deck (python-pptx)

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5
BEHIND_PER_SLIDE = 8


def powerpoint(b: Briefing) -> bytes:
    """A short deck: title, overview (counts by status and progress by goal group), the targets
    that need attention, targets by lead agency, then one chart per goal group."""
    from pptx import Presentation
    from pptx.util import Inches

    pp = b.progress
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(_SLIDE_W_IN), Inches(_SLIDE_H_IN)
    prs.core_properties.title = f"Kết quả thực hiện các chỉ tiêu — {b.plan.title} — {b.period_label}"
    prs.core_properties.author = b.plan.issuer
    if b.demo:
        prs.core_properties.keywords = WATERMARK
    blank = prs.slide_layouts[6]
    all_charts = {c.key: c for c in chart_list(b)}

    # 1. Title
    s = prs.slides.add_slide(blank)
    _box(s, 0.8, 1.6, 11.7, 1.2, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", size=36, bold=True, color="#1F4E79")
    _box(s, 0.8, 2.9, 11.7, 1.4, b.plan.title, size=26)
    _box(s, 0.8, 4.4, 11.7, 0.6, f"{b.plan.issuer} · Kỳ báo cáo: {b.period_label}", size=22)
    _box(s, 0.8, 5.1, 11.7, 0.6, f"{b.data_date_text().capitalize()} · Xuất ngày {fmt.day(b.made_at)}",
         size=16, color="#4A5058")
    _demo_mark(s, b)

    # 2. Overview: counts by status, progress by goal group
    counts = pp.counts()
    behind = pp.behind()
    s = _slide(prs, b, f"Tổng quan: {len(pp.rows)} chỉ tiêu, {len(behind)} chỉ tiêu cần chú ý")
    card_w = (_SLIDE_W_IN - 1.0 - 5 * 0.15) / 6
    for i, code in enumerate(status.STATUSES):
        _card(s, 0.5 + i * (card_w + 0.15), 1.25, card_w, 1.35, code, counts[code])
    _picture_or_note(s, b, all_charts["nhom-muc-tieu"], 0.5, 2.8, _SLIDE_W_IN - 1.0, 3.95)

    # 3. Targets that need attention (a few per slide)
    if not behind:
        s = _slide(prs, b, "Chỉ tiêu cần chú ý")
        _box(s, 0.5, 1.4, 12.3, 1.0, "Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.", size=22)
    for start in range(0, len(behind), BEHIND_PER_SLIDE):
        part = behind[start:start + BEHIND_PER_SLIDE]
        more = " (tiếp)" if start else ""
        s = _slide(prs, b, f"Chỉ tiêu cần chú ý ({len(behind)}){more}")
        _behind_table(s, part)

    # 4. By department
    s = _slide(prs, b, "Theo cơ quan chủ trì: chỉ tiêu theo tình trạng")
    if not _picture_or_note(s, b, all_charts["co-quan"], 0.5, 1.2, _SLIDE_W_IN - 1.0, 5.55):
        _agency_table(s, pp)

    # 5. One chart per goal group
    for key, c in all_charts.items():
        if not key.startswith("muc-tieu-"):
            continue
        s = _slide(prs, b, c.title)
        rows = _group_rows(b, key)
        unplotted = [r for r in rows if charts.distance(r) is None]
        height = 5.55 - (0.55 if unplotted else 0)
        _picture_or_note(s, b, c, 0.5, 1.2, _SLIDE_W_IN - 1.0, height)
        if unplotted:
            _box(s, 0.5, 1.2 + height + 0.05, 12.3, 0.5, "Không có số để vẽ: " + "; ".join(
                f"{r.target.code} — {status.LABEL[r.status]}" + (f" ({r.figure.text})" if r.figure.text else "")
                for r in unplotted), size=12, color="#4A5058")

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _box(slide, x, y, w, h, text: str, *, size=18, bold=False, color="#1F2328", align=None, name=None):
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    if name:
        shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)
    if align is not None:
        p.alignment = align
    return shape


def _slide(prs, b: Briefing, title: str):
    s = prs.slides.add_slide(prs.slide_layouts[6])
    width = 10.2 if b.demo else 12.3
    size = 28 if len(title) <= 48 else 24 if len(title) <= 60 else 20
    _box(s, 0.5, 0.3, width, 0.8, title, size=size, bold=True, color="#1F4E79")
    _box(s, 0.5, 6.95, 12.3, 0.4, b.caption(), size=10, color="#4A5058")
    _demo_mark(s, b)
    return s


def _demo_mark(slide, b: Briefing) -> None:
    if not b.demo:
        return
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(10.5), Inches(0.35), Inches(2.35), Inches(0.5))
    shape.name = "demo-watermark"
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb("#B3261E")
    shape.line.fill.background()
    tf = shape.text_frame
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = WATERMARK
    run.font.size = Pt(13)
    run.font.bold = True
    run.font.color.rgb = _rgb("#FFFFFF")


def _card(slide, x, y, w, h, code: str, count: int) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    color = status.COLOR[code]
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    shape.name = f"status-{code}"
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(color)
    shape.line.fill.background()
    tf = shape.text_frame
    tf.word_wrap = True
    ink = _rgb(charts.text_on(color))
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = f"{status.SYMBOL[code]} {status.LABEL[code]}"
    run.font.size, run.font.bold, run.font.color.rgb = Pt(15), True, ink
    p = tf.add_paragraph()
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = str(count)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(36), True, ink


def _picture_or_note(slide, b: Briefing, c: Chart, x, y, w, h) -> bool:
    """The chart's PNG fitted into the box (kept in proportion, centred), or the note in its place."""
    from pptx.util import Inches

    png, note = _try_png(b, c)
    if png is None:
        _box(slide, x, y, w, 0.9, note, size=16, color="#6B4E00")
        return False
    pw, ph = png_size(png)
    scale = min(w / pw, h / ph)
    pic_w, pic_h = pw * scale, ph * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(x + (w - pic_w) / 2), Inches(y + (h - pic_h) / 2),
                             Inches(pic_w), Inches(pic_h))
    return True


def _table_cell(cell, text: str, *, size=13, bold=False, fill: str | None = None, color="#1F2328") -> None:
    from pptx.util import Pt

    cell.text = ""
    p = cell.text_frame.paragraphs[0]
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)
    cell.text_frame.word_wrap = True
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(fill)


def _behind_table(slide, rows: list[TargetProgress]) -> None:
    from pptx.util import Inches

    widths = [0.7, 5.6, 2.0, 2.0, 2.0]
    shape = slide.shapes.add_table(len(rows) + 1, 5, Inches(0.5), Inches(1.2), Inches(sum(widths)), Inches(0.5))
    table = shape.table
    for i, w in enumerate(widths):
        table.columns[i].width = Inches(w)
    for j, h in enumerate(["Mã", "Nội dung chỉ tiêu", "Tình trạng", "Kết quả / chỉ tiêu", "Cơ quan chủ trì"]):
        _table_cell(table.cell(0, j), h, bold=True, fill="#1F4E79", color="#FFFFFF")
    for i, r in enumerate(rows, start=1):
        t = r.target
        _table_cell(table.cell(i, 0), t.code, bold=True)
        _table_cell(table.cell(i, 1), _short(t.text, 150), size=12)
        color = status.COLOR[r.status]
        _table_cell(table.cell(i, 2), f"{status.SYMBOL[r.status]} {status.LABEL[r.status]}", bold=True, fill=color,
                    color=charts.text_on(color))
        _table_cell(table.cell(i, 3), f"{fmt.actual(actual_value(r), t.unit)} / {fmt.goal(t)}", size=12)
        _table_cell(table.cell(i, 4), t.lead_agency, size=12, bold=True)


def _agency_table(slide, pp: PlanProgress) -> None:
    from pptx.util import Inches

    groups = charts.agency_counts(pp)
    cols = ["Cơ quan chủ trì"] + [status.LABEL[s] for s in status.STATUSES]
    widths = [3.3] + [1.5] * len(status.STATUSES)
    shape = slide.shapes.add_table(len(groups) + 1, len(cols), Inches(0.5), Inches(2.2), Inches(sum(widths)), Inches(0.4))
    table = shape.table
    for i, w in enumerate(widths):
        table.columns[i].width = Inches(w)
    for j, h in enumerate(cols):
        _table_cell(table.cell(0, j), h, bold=True, size=12, fill="#1F4E79", color="#FFFFFF")
    for i, (agency, _, counts) in enumerate(groups, start=1):
        _table_cell(table.cell(i, 0), agency, bold=True, size=12)
        for j, s in enumerate(status.STATUSES, start=1):
            _table_cell(table.cell(i, j), str(counts[s]), size=12)


# ---------------------------------------------------------------------------------------------
# One entry point for the page and the command line


def export(b: Briefing, fmt_: str, chart_key: str = OVERVIEW_CHART) -> bytes:
    """The file of a format for a briefing: an image of one chart (png, svg, pdf), or the whole
    Excel, Word or PowerPoint file."""
    fmt_ = check_format(fmt_)
    if fmt_ in IMAGE_FORMATS:
        return chart_image(b, chart_key, fmt_)
    return {"xlsx": excel, "docx": word, "pptx": powerpoint}[fmt_](b)
