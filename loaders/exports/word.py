"""The Word report of a briefing (python-docx): a Vietnamese administrative document with the
counts by status, every target with its status, the targets that need attention and the charts."""
from __future__ import annotations

import io
import unicodedata

from indicators import charts, fmt, status
from loaders.exports.briefing import (DEMO_NOTE, REPORT_TITLE, WATERMARK, Briefing, actual_value, group_title,
                                      issuer_lines, place_and_date)
from loaders.exports.chart_images import chart_list, png_size, try_png

_WORD_FONT = "Times New Roman"
_EMU_PER_MM, _EMU_PER_PT = 36000, 12700

# The heading block: two borderless cells across the 165-mm text width, 1-mm cell margins. 70 mm holds
# "SỞ LAO ĐỘNG - THƯƠNG BINH" (64 mm) at 12 pt and 95 mm the national title (88 mm) at 12 pt.
HEAD_LEFT, HEAD_RIGHT, HEAD_MARGIN = 70 * _EMU_PER_MM, 95 * _EMU_PER_MM, 1 * _EMU_PER_MM
HEAD_SIZE, MOTTO_SIZE = 12, 13.5  # pt: the issuer and national title 12-13, the motto 13-14
HEAD_MAX_LINES = 3
NATIONAL_TITLE, MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
CELL_PAD, CELL_SIDE = 2 * _EMU_PER_PT, 68400  # a table cell's text: 2 pt above and below, 0.19 cm at the sides
MOTTO_EM = 12.22  # the motto's width in Times New Roman Bold, in em (its rule is as long as the line)
# Advance widths of Times New Roman Bold (Liberation Serif Bold has the same metrics), in 1/1000 em,
# by base letter: the accents of Vietnamese capitals take no width, the horn of Ư does.
_TIMES_BOLD = {**dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667,
                                                         944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
                                                         722, 667))),
               **dict.fromkeys("0123456789", 500), " ": 250, "\u00a0": 250, "-": 333, "–": 500, ",": 250, ".": 250,
               "(": 333, ")": 333, "/": 278, ":": 333, ";": 333, "&": 833, "Đ": 722}


def word(b: Briefing) -> bytes:
    """'Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu …' with the heading block of a Vietnamese
    administrative document, the counts by status, every target with its status, the targets that
    need attention with their owners and the reason, and the charts."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Emu, Mm, Pt, RGBColor

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
        _styled_run(hp, DEMO_NOTE, bold=True, size=11, color=fmt.DEMO_RED)
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(fp)

    # Heading block (Nghị định 30/2020/NĐ-CP): the issuing body left, in bold capitals on at most three
    # centred lines with a short rule under it, then "Số"; the national title and motto right, a rule
    # as long as the motto under it, then place and date. No indents on the text lines: they would
    # squeeze the words of a long name ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI LẠNG SƠN") into single words.
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    left, right = head.rows[0].cells
    _widths(head, [Emu(HEAD_LEFT), Emu(HEAD_RIGHT)])
    _cell_margins(head, left=HEAD_MARGIN, right=HEAD_MARGIN)
    room = (HEAD_LEFT - 2 * HEAD_MARGIN) / _EMU_PER_PT
    lines, size = heading_lines(issuer_lines(b.plan.issuer), room, keep=b.plan.province)
    for line in lines:
        para(line, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=left)
    _rule(left, 0.4 * max(caps_width(line, size) for line in lines), room)
    p = para("Số:        /BC", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=left)
    p.paragraph_format.space_before = Pt(4)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    para(NATIONAL_TITLE, bold=True, size=HEAD_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=right)
    para(MOTTO, bold=True, size=MOTTO_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=right)
    _rule(right, MOTTO_EM * MOTTO_SIZE, (HEAD_RIGHT - 2 * HEAD_MARGIN) / _EMU_PER_PT)
    p = para(place_and_date(b), italic=True, size=MOTTO_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, container=right)
    p.paragraph_format.space_before = Pt(4)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)

    para(after=6)
    para("BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(f"{REPORT_TITLE} {b.plan.title}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(f"Kỳ báo cáo: {b.period_label}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
    para(b.approval_text(), size=11, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    if b.demo:
        para(DEMO_NOTE, bold=True, color=fmt.DEMO_RED, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)

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
    _keep_rows_whole(t)

    doc.add_heading("II. KẾT QUẢ THỰC HIỆN TỪNG CHỈ TIÊU", level=1)
    # the plan's and the actual's columns as wide as their longest figure ("≤ 440/100.000", "17,4/100.000"),
    # so that no number is broken in two; the target's text takes the rest
    goal_w = _figure_column([fmt.goal(r.target) for r in pp.rows], 10.5, Mm(20), Mm(30))
    actual_w = _figure_column([fmt.actual(actual_value(r), r.target.unit) for r in pp.rows], 10.5, Mm(18), Mm(28))
    col_w = [Mm(11), text_width - Mm(11 + 22 + 25) - goal_w - actual_w, goal_w, actual_w, Mm(22), Mm(25)]
    t = _table(doc, ["Mã", "Nội dung chỉ tiêu", "Chỉ tiêu", "Kết quả", "Tình trạng", "Cơ quan chủ trì"], col_w, size=10.5)
    for code, members in pp.by_group().items():
        if code is not None:
            row = t.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            p = _cell_text(merged, group_title(b, code), bold=True, size=10.5)
            p.paragraph_format.keep_with_next = True  # a goal group's title row never alone at the foot of a page
            _shade(merged, "EEF1F5")
        for r in members:
            cells = t.add_row().cells
            _cell_text(cells[0], r.target.code, bold=True, size=10.5)
            _cell_text(cells[1], fmt.clean_text(r.target.text), size=10.5)
            _cell_text(cells[2], fmt.goal(r.target), size=10.5)
            _cell_text(cells[3], fmt.actual(actual_value(r), r.target.unit), size=10.5)
            _status_cell(cells[4], r.status, size=10.5)
            for note in (r.milestone_note, r.category_note):
                if note:
                    run = cells[4].add_paragraph().add_run(note)
                    run.font.size = Pt(9)
            _cell_text(cells[5], r.target.lead_agency, size=10.5)
    _widths(t, col_w)
    _keep_rows_whole(t)

    doc.add_heading("III. CÁC CHỈ TIÊU CẦN CHÚ Ý", level=1)
    if behind:
        owners: dict[str, int] = {}
        for r in behind:
            owners[r.target.lead_agency] = owners.get(r.target.lead_agency, 0) + 1
        lead = para(f"Có {len(behind)} chỉ tiêu cần chú ý, xếp từ nặng đến nhẹ. Theo cơ quan chủ trì: "
                    + "; ".join(f"{a} {n}" for a, n in sorted(owners.items(), key=lambda x: (-x[1], x[0]))) + ".",
                    align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        lead.paragraph_format.keep_with_next = True
        col_w = [Mm(12), Mm(83), Mm(24), Mm(46)]
        t = _table(doc, ["Mã", "Nội dung chỉ tiêu và lý do", "Tình trạng", "Cơ quan chủ trì"], col_w, size=10.5)
        for r in behind:
            cells = t.add_row().cells
            _cell_text(cells[0], r.target.code, bold=True, size=10.5)
            _cell_text(cells[1], fmt.clean_text(r.target.text), size=10.5)
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
        _keep_rows_whole(t)
    else:
        para("Không có chỉ tiêu nào chậm tiến độ, có nguy cơ không đạt hay không đạt.")

    doc.add_heading("IV. BIỂU ĐỒ", level=1)
    for i, c in enumerate(chart_list(b)[:3], start=1):
        png, note = try_png(b, c)
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


def caps_width(text: str, size: float) -> float:
    """The width in points of a line of capitals in Times New Roman Bold at `size` points (a letter
    not in the table counts as wide as an O)."""
    total = 0
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        total += 796 if parts[0] == "U" and "\u031b" in parts else _TIMES_BOLD.get(parts[0], 778)
    return total * size / 1000


def heading_lines(lines: list[str], room: float, *, keep: str = "",
                  sizes=(HEAD_SIZE, 11.5, 11)) -> tuple[list[str], float]:
    """The issuer's lines broken to fit `room` points: each line filled word by word, never breaking
    the province's name (`keep`), never ending a line on "VÀ" or starting one with "-". The first
    size (in points) that gives at most HEAD_MAX_LINES lines, or the last size."""
    glued = []
    for line in lines:
        if keep and keep.upper() in line:
            line = line.replace(keep.upper(), keep.upper().replace(" ", "\u00a0"))
        glued.append(line.replace(" - ", "\u00a0- ").replace(" – ", "\u00a0– ").replace("VÀ ", "VÀ\u00a0"))
    for size in sizes:
        out = []
        for line in glued:
            current: list[str] = []
            for word in line.split(" "):
                if current and caps_width(" ".join(current + [word]), size) > room:
                    # rather break before a "VÀ" in the second half of the line ("… THỂ THAO / VÀ DU LỊCH")
                    cut = next((i for i in range(len(current) - 1, 0, -1) if current[i].startswith("VÀ\u00a0")
                                and caps_width(" ".join(current[:i]), size) >= room / 2), len(current))
                    out.append(" ".join(current[:cut]))
                    current = current[cut:]
                current.append(word)
            out.append(" ".join(current))
        if len(out) <= HEAD_MAX_LINES and all(caps_width(x, size) <= room for x in out):
            break
    return [x.replace("\u00a0", " ") for x in out], size


# Times New Roman (regular) advance widths in 1/1000 em of the characters figures are made of; a
# letter counts 500, a capital 722, anything else 1000.
_TIMES_FIGURES = {**dict.fromkeys("0123456789", 500), " ": 250, "\u00a0": 250, ".": 250, ",": 250, "/": 278,
                  "%": 833, "‰": 1000, "≤": 549, "≥": 549, "<": 564, ">": 564, "=": 564, "-": 333, "–": 500,
                  "(": 333, ")": 333, ":": 278}


def figure_width(text: str, size: float) -> float:
    """The width in points of a figure's text ("≤ 440/100.000") in Times New Roman at `size` points."""
    def one(ch: str) -> int:
        if ch in _TIMES_FIGURES:
            return _TIMES_FIGURES[ch]
        base = unicodedata.normalize("NFD", ch)[0]
        return 722 if base.isupper() else 500 if base.isalpha() else 1000
    return sum(one(ch) for ch in text) * size / 1000


def _figure_column(texts: list[str], size: float, least: int, most: int) -> int:
    """The width (EMU) of a column of figures: its longest unbreakable piece ("≤ 440/100.000": the sign
    stays with its number) on one line, inside the cell's side margins, between `least` and `most`."""
    pieces = [piece for text in texts for piece in text.replace("≤ ", "≤\u00a0").replace("≥ ", "≥\u00a0")
              .replace("< ", "<\u00a0").replace("> ", ">\u00a0").replace("= ", "=\u00a0").split(" ")]
    widest = max((figure_width(piece, size) for piece in pieces), default=0.0)
    need = round(widest * 1.05 * _EMU_PER_PT) + 2 * CELL_SIDE + _EMU_PER_MM  # 5% and 1 mm to spare
    return max(least, min(most, need))


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


def _rule(cell, length: float, room: float) -> None:
    """A centred line `length` points long under the last paragraph of a heading cell (`room` points
    wide): the bottom border of an empty 3-pt paragraph indented from both sides, so that no text
    line is indented (the issuer's name and the motto keep the cell's whole width)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = cell.add_paragraph()
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(3)
    indent = Pt(round(max(0.0, (room - length) / 2), 1))
    pf.left_indent, pf.right_indent = indent, indent
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")  # the schema's order


def _cell_margins(table, **emu) -> None:
    """A table's default cell margins (top, left, bottom, right), in EMU."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    mar = tblpr.find(qn("w:tblCellMar"))
    if mar is None:
        mar = OxmlElement("w:tblCellMar")
        tblpr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for side in ("top", "left", "bottom", "right"):
        if side in emu:
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(round(emu[side] / 635)))  # EMU -> twentieths of a point
            el.set(qn("w:type"), "dxa")
            mar.append(el)


def _keep_rows_whole(table) -> None:
    """No row breaks across pages (a lead agency's name half on the next page, under the repeated header)."""
    from docx.oxml import OxmlElement

    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        trpr.insert(0, OxmlElement("w:cantSplit"))


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
    # a little air above and below the text of every cell; the style's 0.19-cm sides stay
    _cell_margins(t, top=CELL_PAD, left=CELL_SIDE, bottom=CELL_PAD, right=CELL_SIDE)
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
    _cell_text(cell, status.display(code), bold=True, size=size, color=charts.text_on(color))
    _shade(cell, color)
