"""The PowerPoint deck of a briefing (python-pptx): title, overview, the targets that need
attention, targets by lead agency, then one chart per goal group."""
from __future__ import annotations

import io

from indicators import charts, fmt, status
from indicators.progress import PlanProgress, TargetProgress
from loaders.exports.briefing import WATERMARK, Briefing, actual_value, short
from loaders.exports.chart_images import Chart, chart_list, group_rows, png_size, try_png

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
    run.text = status.display(code)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(15), True, ink
    p = tf.add_paragraph()
    p.alignment = PP_ALIGN.CENTER
    run = p.add_run()
    run.text = str(count)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(36), True, ink


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
        _table_cell(table.cell(i, 1), short(t.text, 150), size=12)
        color = status.COLOR[r.status]
        _table_cell(table.cell(i, 2), status.display(r.status), bold=True, fill=color,
                    color=charts.text_on(color))
        _table_cell(table.cell(i, 3), f"{fmt.actual(actual_value(r), t.unit)} / {fmt.goal(t)}"
                    + (f"\n{r.milestone_note}" if r.milestones else "")
                    + (f"\n{r.category_note}" if r.categories else ""), size=12)
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
