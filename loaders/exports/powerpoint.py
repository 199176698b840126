"""The PowerPoint deck of a briefing (python-pptx): title, overview, the targets that need
attention, targets by lead agency, then one chart per goal group."""
from __future__ import annotations

import io

from indicators import charts, fmt, status
from indicators.progress import PlanProgress, TargetProgress
from loaders.exports.briefing import WATERMARK, Briefing, actual_value, short
from loaders.exports.chart_images import Chart, chart_list, group_rows, png_size, try_png

_SLIDE_W_IN, _SLIDE_H_IN = 13.333, 7.5
BEHIND_PER_SLIDE = 8  # at most; fewer when their texts need more room
TABLE_TOP, TABLE_BOTTOM = 1.2, 6.85  # inches: under the slide's title, above its caption
TITLE_W, TITLE_SPACING = 11.7, 1.15  # the title slide's boxes; wrapped lines 1.15 apart
# "! Nguy cơ không đạt" on one line of a card 1.93 inches wide: its rounded corners take 0.066 inch
# of each side, the text's own insets 0.04 (12 pt: 1.40 inches in Calibri, 1.68 in Noto Sans)
CARD_LABEL_SIZE, CARD_COUNT_SIZE, CARD_INSET_X, CARD_CORNER_X = 12, 36, 0.04, 0.066
# Text is measured without the font at hand, in the wide case: Calibri (the deck's theme font) is
# narrower, but LibreOffice without Carlito shows it in Noto Sans, whose widths (in em, regular/bold)
# these are, and whose lines take 1.36 em (Calibri's 1.22). So nothing is cut in either.
_EM = {"space": (0.26, 0.26), "digit": (0.572, 0.572), "lower": (0.545, 0.585), "upper": (0.66, 0.69),
       "narrow": (0.28, 0.29), "mid": (0.37, 0.41), "‰": (1.18, 1.28), "%": (0.83, 0.9), "other": (0.62, 0.66)}
EM_PER_LINE = 1.36
CELL_INSET_X, CELL_INSET_Y = 0.08, 0.04  # inches: a table cell's text from its borders
BOX_INSET_X, BOX_INSET_Y = 0.1, 0.05  # a text box's (PowerPoint's defaults)


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

    # 1. Title: the boxes stacked from their measured heights, wrapped lines spaced 1.15
    s = prs.slides.add_slide(blank)
    y = 1.5
    for text, size, bold, color, gap in (
            ("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", 36, True, "#1F4E79", 0.3),
            (b.plan.title, 26, False, "#1F2328", 0.3),
            (f"{b.plan.issuer} · Kỳ báo cáo: {b.period_label}", 22, False, "#1F2328", 0.15),
            (f"{b.data_date_text().capitalize()} · {b.approval_text()} · Xuất ngày {fmt.day(b.made_at)}", 16, False,
             "#4A5058", 0)):
        h = text_height(text, TITLE_W, size, bold=bold, spacing=TITLE_SPACING)
        _box(s, 0.8, y, TITLE_W, h, text, size=size, bold=bold, color=color, spacing=TITLE_SPACING)
        y += h + gap
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
    for i, part in enumerate(_pages(behind)):
        more = " (tiếp)" if i else ""
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
        rows = group_rows(b, key)
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


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in points at `size` points (Noto Sans' widths, see _EM)."""
    def kind(ch: str) -> str:
        if ch in "‰%":
            return ch
        if ch.isspace():
            return "space"
        if ch.isdigit():
            return "digit"
        if ch.isalpha():
            return "upper" if ch.isupper() else "lower"
        return "narrow" if ch in ",.;:·'!|" else "mid" if ch in "/-()[]" else "other"
    return sum(_EM[kind(ch)][bold] for ch in text) * size


def text_lines(text: str, width_in: float, size: float, *, bold: bool = False, inset: float = BOX_INSET_X) -> int:
    """How many lines `text` takes wrapped word by word in a box `width_in` inches wide with side
    insets of `inset` inches (a word longer than the line is broken), with 5% of the line to spare."""
    room = max(1.0, (width_in - 2 * inset) * 72 * 0.95)
    space = text_width(" ", size, bold=bold)
    total = 0
    for para in text.split("\n"):
        n, used = 1, 0.0
        for word in para.split():
            w = text_width(word, size, bold=bold)
            if used and used + space + w > room:
                n, used = n + 1, w
            else:
                used += (space if used else 0.0) + w
            while used > room:
                n, used = n + 1, used - room
        total += n
    return total


def text_height(text: str, width_in: float, size: float, *, bold: bool = False, spacing: float = 1.0,
                inset: float = BOX_INSET_X, inset_y: float = BOX_INSET_Y) -> float:
    """The height in inches of a box that holds `text` wrapped, with its top and bottom insets."""
    return text_lines(text, width_in, size, bold=bold, inset=inset) * size * EM_PER_LINE * spacing / 72 + 2 * inset_y


def _box(slide, x, y, w, h, text: str, *, size=18, bold=False, color="#1F2328", align=None, name=None,
         spacing: float | None = None):
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
    if spacing is not None:
        p.line_spacing = spacing  # wrapped lines apart: the accents of one line clear the line above
    return shape


def _slide(prs, b: Briefing, title: str):
    s = prs.slides.add_slide(prs.slide_layouts[6])
    width = 10.2 if b.demo else 12.3
    size = next((z for z in (28, 24) if text_lines(title, width, z, bold=True) == 1), 20)  # two lines at most
    _box(s, 0.5, 0.3, width, 0.8, title, size=size, bold=True, color="#1F4E79", spacing=1.05)
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
    shape.fill.fore_color.rgb = _rgb(fmt.DEMO_RED)
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
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    color = status.COLOR[code]
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    shape.name = f"status-{code}"
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(color)
    shape.line.fill.background()
    tf = shape.text_frame
    tf.word_wrap = True
    tf.margin_left = tf.margin_right = Inches(CARD_INSET_X)
    # the counts of the six cards on one level even if a label wraps in some font: the text stands on
    # the card's lower edge, raised so that label and count sit in the middle when the label takes a line
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    block = (CARD_LABEL_SIZE + CARD_COUNT_SIZE) * 1.22 / 72
    tf.margin_bottom = Inches(max(0.05, (h - block) / 2))
    ink = _rgb(charts.text_on(color))
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = status.display(code)
    # every label on one line, so that the counts of the six cards stand on one level
    run.font.size, run.font.bold, run.font.color.rgb = Pt(CARD_LABEL_SIZE), True, ink
    p = tf.add_paragraph()
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = str(count)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(CARD_COUNT_SIZE), True, ink


def _picture_or_note(slide, b: Briefing, c: Chart, x, y, w, h) -> bool:
    """The chart's PNG fitted into the box (kept in proportion, centred), or the note in its place."""
    from pptx.util import Inches

    png, note = try_png(b, c)
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
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches, Pt

    cell.text = ""
    p = cell.text_frame.paragraphs[0]
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(color)
    cell.text_frame.word_wrap = True
    cell.margin_left = cell.margin_right = Inches(CELL_INSET_X)
    cell.margin_top = cell.margin_bottom = Inches(CELL_INSET_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(fill)


# A table's cells as (text, size, bold, fill, ink); their row heights; the table drawn from them.
Cell = tuple[str, float, bool, "str | None", str]
BEHIND_WIDTHS = [0.7, 5.6, 2.0, 2.0, 2.0]
BEHIND_HEADER: list[Cell] = [(h, 13, True, "#1F4E79", "#FFFFFF") for h in (
    "Mã", "Nội dung chỉ tiêu", "Tình trạng", "Kết quả / chỉ tiêu", "Cơ quan chủ trì")]


def row_height(cells: list[Cell], widths: list[float]) -> float:
    """Inches: the row's tallest cell, its text wrapped at the column's width (estimated wide, EM_PER_*)."""
    return max(text_height(text, w, size, bold=bold, inset=CELL_INSET_X, inset_y=CELL_INSET_Y)
               for (text, size, bold, _, _), w in zip(cells, widths))


def _behind_cells(r: TargetProgress) -> list[Cell]:
    t = r.target
    color = status.COLOR[r.status]
    return [(t.code, 13, True, None, "#1F2328"),
            (short(fmt.clean_text(t.text), 150), 12, False, None, "#1F2328"),
            (status.display(r.status), 13, True, color, charts.text_on(color)),
            (f"{fmt.actual(actual_value(r), t.unit)} / {fmt.goal(t)}"
             + (f"\n{r.milestone_note}" if r.milestones else "")
             + (f"\n{r.category_note}" if r.categories else ""), 12, False, None, "#1F2328"),
            (t.lead_agency, 12, True, None, "#1F2328")]


def _pages(rows: list[TargetProgress]) -> list[list[TargetProgress]]:
    """The targets that need attention split into slides: at most BEHIND_PER_SLIDE each, no more than
    the table holds between TABLE_TOP and TABLE_BOTTOM with every row as tall as its text, and as
    even as that allows (4 + 4 rather than 7 + 1: no row left alone on a slide of its own)."""
    room = TABLE_BOTTOM - TABLE_TOP - row_height(BEHIND_HEADER, BEHIND_WIDTHS)
    heights = [row_height(_behind_cells(r), BEHIND_WIDTHS) for r in rows]

    def split(most: int) -> list[list[TargetProgress]]:
        pages: list[list[TargetProgress]] = []
        used = room + 1
        for r, h in zip(rows, heights):
            if used + h > room or len(pages[-1]) >= most:
                pages.append([])
                used = 0.0
            pages[-1].append(r)
            used += h
        return pages

    pages = split(BEHIND_PER_SLIDE)
    if len(pages) > 1:
        even = split(-(-len(rows) // len(pages)))
        if len(even) == len(pages):
            pages = even
    return pages


def _table(slide, rows: list[list[Cell]], widths: list[float], top: float) -> None:
    """A table whose every row is as tall as its wrapped text needs (rows never grow on their own
    in every program: LibreOffice draws a row at its stored height and the next row over the rest)."""
    from pptx.util import Inches

    heights = [row_height(cells, widths) for cells in rows]
    shape = slide.shapes.add_table(len(rows), len(widths), Inches(0.5), Inches(top), Inches(sum(widths)),
                                   Inches(sum(heights)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, (cells, h) in enumerate(zip(rows, heights)):
        table.rows[i].height = Inches(h)
        for j, (text, size, bold, fill, ink) in enumerate(cells):
            _table_cell(table.cell(i, j), text, size=size, bold=bold, fill=fill, color=ink)


def _behind_table(slide, rows: list[TargetProgress]) -> None:
    _table(slide, [BEHIND_HEADER] + [_behind_cells(r) for r in rows], BEHIND_WIDTHS, TABLE_TOP)


def _agency_table(slide, pp: PlanProgress) -> None:
    head: list[Cell] = [(h, 12, True, "#1F4E79", "#FFFFFF")
                        for h in ["Cơ quan chủ trì"] + [status.LABEL[s] for s in status.STATUSES]]
    body: list[list[Cell]] = [[(agency, 12, True, None, "#1F2328")]
                              + [(str(counts[s]), 12, False, None, "#1F2328") for s in status.STATUSES]
                              for agency, _, counts in charts.agency_counts(pp)]
    _table(slide, [head] + body, [3.3] + [1.5] * len(status.STATUSES), 2.2)
