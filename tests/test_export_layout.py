"""Briefing files that look finished when opened (issue 15, item 6): the Word heading block in two or
three lines that fit their cell, table rows that never break across pages and figures never broken in
two; PowerPoint rows as tall as their wrapped text, a title slide whose boxes and lines keep apart,
status cards whose counts stand on one level; Excel rows as tall as their wrapped text, panes frozen at
the header of the targets that need attention (which come first), printing on A4 landscape at a
legible scale. Each file is read back by its own reader (python-docx, python-pptx, openpyxl) and text
is measured with the fonts the programs use when fontconfig finds them (Liberation Serif for Times New
Roman, Carlito for Calibri, and Noto Sans, which LibreOffice shows without Carlito), else with
average widths; two tests render the files with LibreOffice and look at the pixels.

The files are made without Chromium (`no_browser`): the charts do not change the layout checked here."""
from __future__ import annotations

import functools
import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.util import Emu

from indicators.store import Store
from loaders import exports
from tests.test_exports import H1, MADE, SON_LA, no_browser  # noqa: F401  (no_browser: a fixture, used by name)
from tests.test_upload_trust import _convert, soffice  # noqa: F401  (soffice: a fixture)

# the package re-exports the functions under the modules' names: the modules themselves
word_mod, pptx_mod = sys.modules["loaders.exports.word"], sys.modules["loaders.exports.powerpoint"]

LANG_SON, LS_H1 = "lang-son-2023", "2023-H1"
PLANS = [(LANG_SON, LS_H1), (SON_LA, H1)]
PROGRAMME = ("qd23-2021-2030", "2025")
EMU_PER_PT, EMU_PER_IN = 12700, 914400
EXCEL_LINE_PT = 15  # a line of Calibri 11 in Excel (20 px); Noto Sans in LibreOffice takes the same


@pytest.fixture(scope="module")
def briefings(demo_db):
    with Store(demo_db) as s:
        return {slug: exports.gather(s, slug, period, now=MADE) for slug, period in PLANS + [PROGRAMME]}


# ---------------------------------------------------------------------------------------------
# Measuring text: the real fonts when fontconfig has them (with Vietnamese letters), else averages

_SAME_METRICS = {"Times New Roman": ("Times New Roman", "Liberation Serif"), "Calibri": ("Calibri", "Carlito"),
                 "Noto Sans": ("Noto Sans",)}


@functools.cache
def _font(family: str, bold: bool) -> ImageFont.FreeTypeFont | None:
    """`family` (or a font with its metrics) at 1000 px, if installed with Vietnamese letters."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    style = "bold" if bold else "regular"
    out = subprocess.run([fc, "-f", "%{family}|%{file}", f"{family}:{style}:charset=1ed9"],
                         capture_output=True, text=True, timeout=30).stdout
    found, _, path = out.partition("|")
    if not path or not any(name in found.split(",") for name in _SAME_METRICS[family]):
        return None
    return ImageFont.truetype(path, 1000)


def _width_pt(text: str, family: str, size: float, bold: bool) -> float | None:
    font = _font(family, bold)
    return None if font is None else font.getlength(text) * size / 1000


def _wrapped_lines(text: str, room_pt: float, measure) -> int:
    """Lines of `text` wrapped word by word in `room_pt` points, `measure(text) -> points`."""
    total = 0
    for para in str(text).split("\n"):
        n, line = 1, ""
        for word in para.split():
            wider = f"{line} {word}" if line else word
            if line and measure(wider) > room_pt:
                n, line = n + 1, word
            else:
                line = wider
        total += n
    return total


def _sans_measures() -> list[tuple[str, object, float]]:
    """(name, measure(text, size, bold) -> points, line height in em) for Calibri's metrics and for
    LibreOffice's fallback without Carlito; an average-width estimate when neither is installed."""
    out = []
    for family, line_em in (("Calibri", 1.22), ("Noto Sans", 1.362)):
        if _font(family, False) and _font(family, True):
            out.append((family, lambda t, size, bold, f=family: _width_pt(t, f, size, bold), line_em))
    return out or [("estimate", lambda t, size, bold: len(t) * size * (0.45 if bold else 0.43), 1.22)]


# ---------------------------------------------------------------------------------------------
# Word


def _table_margins_pt(table) -> dict[str, float]:
    """The table's default cell margins in points (Word's defaults where the table sets none)."""
    found = {"top": 0.0, "left": 5.4, "bottom": 0.0, "right": 5.4}
    mar = table._tbl.tblPr.find(qn("w:tblCellMar"))
    if mar is not None:
        for side in found:
            el = mar.find(qn(f"w:{side}"))
            if el is not None:
                found[side] = int(el.get(qn("w:w"))) / 20
    return found


def _has_bottom_rule(paragraph) -> bool:
    ppr = paragraph._p.pPr
    border = None if ppr is None else ppr.find(qn("w:pBdr"))
    return border is not None and border.find(qn("w:bottom")) is not None


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA])
@pytest.mark.usefixtures("no_browser")
def test_word_heading_issuer_in_two_or_three_lines_that_fit_the_cell(briefings, slug):
    b = briefings[slug]
    doc = Document(io.BytesIO(exports.word(b)))
    head = doc.tables[0]
    left, right = head.rows[0].cells
    margins = _table_margins_pt(head)
    sec = doc.sections[0]
    text_width_pt = (sec.page_width - sec.left_margin - sec.right_margin) / EMU_PER_PT
    assert (left.width + right.width) / EMU_PER_PT <= text_width_pt + 0.5

    for cell in (left, right):
        room = cell.width / EMU_PER_PT - margins["left"] - margins["right"]
        for p in cell.paragraphs:
            if not p.text.strip():
                continue
            pf = p.paragraph_format  # no indents squeezing a line of the heading
            assert not pf.left_indent and not pf.right_indent and not pf.first_line_indent, p.text
            sizes = {r.font.size.pt for r in p.runs}
            assert len(sizes) == 1, p.text
            size, bold = sizes.pop(), all(r.bold for r in p.runs)
            if p.text.isupper():  # every line in capitals fits the cell: it never wraps again
                width = _width_pt(p.text, "Times New Roman", size, bold) or word_mod.caps_width(p.text, size)
                assert width <= room, (p.text, width, room)

    issuer = [p for p in left.paragraphs if p.text.strip() and not p.text.startswith("Số")]
    assert 1 <= len(issuer) <= 3
    assert " ".join(p.text for p in issuer) == " ".join(exports.issuer_lines(b.plan.issuer))  # the same name
    runs = [r for p in issuer for r in p.runs]
    assert all(r.bold for r in runs) and all(11 <= r.font.size.pt <= 13 for r in runs)
    if slug == LANG_SON:
        assert [p.text for p in issuer] == ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI LẠNG SƠN"]
    else:
        assert [p.text for p in issuer] == ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"]

    # the rule under the issuer: an empty paragraph, 1/3 to 1/2 of the longest line, centred
    room = left.width / EMU_PER_PT - margins["left"] - margins["right"]
    rules = [p for p in left.paragraphs if _has_bottom_rule(p)]
    assert len(rules) == 1 and not rules[0].text
    pf = rules[0].paragraph_format
    length = room - pf.left_indent.pt - pf.right_indent.pt
    longest = max(word_mod.caps_width(p.text, p.runs[0].font.size.pt) for p in issuer)
    assert longest / 3 <= length <= longest / 2 and pf.left_indent == pf.right_indent
    # the rule under the motto: as long as the motto
    room = right.width / EMU_PER_PT - margins["left"] - margins["right"]
    motto = next(p for p in right.paragraphs if p.text == "Độc lập - Tự do - Hạnh phúc")
    rules = [p for p in right.paragraphs if _has_bottom_rule(p)]
    assert len(rules) == 1 and not rules[0].text
    pf = rules[0].paragraph_format
    motto_w = _width_pt(motto.text, "Times New Roman", motto.runs[0].font.size.pt, True)
    if motto_w:
        assert abs((room - pf.left_indent.pt - pf.right_indent.pt) - motto_w) <= 0.08 * motto_w


def _grid_tables(doc):
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA])
@pytest.mark.usefixtures("no_browser")
def test_word_table_rows_stay_whole_with_air_around_their_text(briefings, slug):
    doc = Document(io.BytesIO(exports.word(briefings[slug])))
    tables = _grid_tables(doc)
    assert len(tables) == 3  # counts, every target, the targets that need attention
    for t in tables:
        rows = list(t.rows)
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on every page
        for row in rows:  # a row never breaks across a page (half a lead agency under the repeated header)
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        m = _table_margins_pt(t)
        assert m["top"] >= 1.5 and m["bottom"] >= 1.5 and m["left"] >= 5  # text clear of the borders


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA])
@pytest.mark.usefixtures("no_browser")
def test_word_figures_are_never_broken_in_two(briefings, slug):
    """"≤ 440/100.000" and "461,1/100.000" each on one line of their column (they used to wrap mid-number)."""
    doc = Document(io.BytesIO(exports.word(briefings[slug])))
    every = _grid_tables(doc)[1]
    m = _table_margins_pt(every)
    for col in (2, 3):  # the plan's figure, the actual
        room = every.columns[col].width / EMU_PER_PT - m["left"] - m["right"]
        for row in list(every.rows)[1:]:
            text = row.cells[col].text
            if row.cells[0].text == text:  # a goal group's title row (one merged cell)
                continue
            words, pieces = text.split(" "), []
            for w in words:  # a comparison sign stays with its number
                if pieces and pieces[-1] in ("≤", "≥", "<", ">", "="):
                    pieces[-1] += " " + w
                else:
                    pieces.append(w)
            for piece in pieces:
                if any(ch.isdigit() for ch in piece):
                    width = _width_pt(piece, "Times New Roman", 10.5, False) or word_mod.figure_width(piece, 10.5)
                    assert width <= room, (piece, width, room)
    assert sum(c.width for c in every.columns) <= doc.sections[0].page_width - doc.sections[0].left_margin \
        - doc.sections[0].right_margin + Emu(EMU_PER_PT)


# ---------------------------------------------------------------------------------------------
# Excel


def _wrapped_cells(ws):
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None and c.alignment is not None and c.alignment.wrap_text:
                yield c


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA, PROGRAMME[0]])
def test_excel_every_wrapped_row_is_tall_enough_for_its_lines(briefings, slug):
    wb = load_workbook(io.BytesIO(exports.excel(briefings[slug])))
    measures = _sans_measures()
    checked = 0
    for ws in wb.worksheets:
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        for c in _wrapped_cells(ws):
            room_pt = 7 * widths.get(c.column_letter, 8.43) * 0.75  # the column's digits, in points
            bold = bool(c.font and c.font.b)
            size = (c.font.sz if c.font and c.font.sz else 11)
            for name, measure, _ in measures:
                lines = _wrapped_lines(c.value, room_pt, lambda t: measure(t, size, bold))
                height = ws.row_dimensions[c.row].height or EXCEL_LINE_PT
                assert height >= lines * EXCEL_LINE_PT, (ws.title, c.coordinate, name, lines, height, c.value)
                checked += 1
    assert checked > 50


@pytest.mark.store
def test_excel_goal_group_title_is_not_cut(briefings):
    """"Mục tiêu 1: … dinh dưỡng trẻ em" wraps onto a second line in a row tall enough for it."""
    ws = load_workbook(io.BytesIO(exports.excel(briefings[SON_LA])))["Tổng quan"]
    row = next(c.row for c in ws["B"] if str(c.value or "").startswith("Mục tiêu 1:"))
    assert ws.cell(row, 2).value.endswith("dinh dưỡng trẻ em")
    assert ws.cell(row, 2).alignment.wrap_text
    assert ws.row_dimensions[row].height >= 2 * EXCEL_LINE_PT


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA])
def test_excel_overview_starts_with_the_targets_that_need_attention_frozen_at_their_header(briefings, slug):
    """On a 1366×768 laptop Excel shows about 315 pt of rows under its ribbon: the frozen rows (banner
    and the list's header) take at most half of it, the rest is the list."""
    b = briefings[slug]
    wb = load_workbook(io.BytesIO(exports.excel(b)))
    ov = wb["Tổng quan"]
    header = next(c.row for c in ov["A"] if c.value == "Mã chỉ tiêu")
    behind = b.progress.behind()
    assert ov.cell(header - 1, 1).value == f"Các chỉ tiêu cần chú ý ({len(behind)})"
    assert ov.freeze_panes == f"C{header + 1}"
    frozen = sum(ov.row_dimensions[r].height or EXCEL_LINE_PT for r in range(1, header + 1))
    assert frozen <= 315 / 2, frozen
    codes = [ov.cell(r, 1).value for r in range(header + 1, header + 1 + len(behind))]
    assert codes == [r.target.code for r in behind]
    # the counts and the goal groups follow the list, unchanged
    labels = [c.value for c in ov["A"] if c.row > header + len(behind)]
    assert "Số chỉ tiêu theo tình trạng" in labels and "Theo nhóm mục tiêu" in labels
    for ws in wb.worksheets[1:]:
        head = next(c.row for c in ws["A"] if c.value == "Mã chỉ tiêu")
        assert ws.freeze_panes == f"C{head + 1}"
        assert sum(ws.row_dimensions[r].height or EXCEL_LINE_PT for r in range(1, head + 1)) <= 315 / 2


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA, PROGRAMME[0]])
def test_excel_prints_a4_landscape_one_page_wide_at_a_legible_scale(briefings, slug):
    wb = load_workbook(io.BytesIO(exports.excel(briefings[slug])))
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        m = ws.page_margins
        assert all(0.2 <= v <= 1.0 for v in (m.left, m.right, m.top, m.bottom))
        assert "&P" in ws.oddFooter.center.text
        head = next(c.row for c in ws["A"] if c.value == "Mã chỉ tiêu")
        first, last = (int(x) for x in ws.print_title_rows.replace("$", "").split(":"))
        assert first <= head <= last  # the table's header on every printed page
        # fitted to the width: the scale follows from the columns (Calibri 11: 7-px digits, 5 px padding)
        pixels = sum(7 * ws.column_dimensions[c.column_letter].width + 5 for c in ws[head] if c.value)
        scale = (11.69 - m.left - m.right) * 72 / (pixels * 0.75)
        least = 0.65 if slug == PROGRAMME[0] else 0.78  # 11 pt prints at 8.6 pt (7 pt with two more columns)
        assert scale >= least, (ws.title, round(scale, 2))
        assert setup.scale is None or int(setup.scale) >= least * 100
        for row in ws.iter_rows():  # every font named (a nameless bold font shows in a serif fallback)
            for c in row:
                if c.value is not None:
                    assert c.font.name, (ws.title, c.coordinate)


# ---------------------------------------------------------------------------------------------
# PowerPoint

def _lines_in(text, width_in, size, bold, inset_in, measure) -> int:
    return _wrapped_lines(text, (width_in - 2 * inset_in) * 72, lambda t: measure(t, size, bold))


def _runs(frame):
    return [r for p in frame.paragraphs for r in p.runs]


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA, PROGRAMME[0]])
@pytest.mark.usefixtures("no_browser")
def test_pptx_table_rows_are_as_tall_as_their_wrapped_text(briefings, slug):
    prs = Presentation(io.BytesIO(exports.powerpoint(briefings[slug])))
    measures = _sans_measures()
    tables = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            tables += 1
            caption_top = min(sh.top for sh in slide.shapes if sh.has_text_frame and sh.top > 6.5 * EMU_PER_IN)
            table = shape.table
            bottom = shape.top + sum(r.height for r in table.rows)
            assert bottom <= caption_top, "the table runs into the slide's caption"
            for i, row in enumerate(table.rows):
                for j, cell in enumerate(row.cells):
                    runs = _runs(cell.text_frame)
                    size, bold = runs[0].font.size.pt, bool(runs[0].font.bold)
                    width_in = table.columns[j].width / EMU_PER_IN
                    inset = cell.margin_left / EMU_PER_IN
                    assert cell.margin_left == cell.margin_right
                    for name, measure, line_em in measures:
                        lines = _lines_in(cell.text_frame.text, width_in, size, bold, inset, measure)
                        need = lines * size * line_em + (cell.margin_top + cell.margin_bottom) / EMU_PER_PT
                        assert row.height / EMU_PER_PT >= need - 0.5, (slug, name, i, j, lines, cell.text_frame.text)
    assert tables >= 1


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA, PROGRAMME[0]])
@pytest.mark.usefixtures("no_browser")
def test_pptx_attention_slides_share_their_rows_evenly(briefings, slug):
    """Every target that needs attention once, in order, on slides of even length (never one row alone)."""
    b = briefings[slug]
    prs = Presentation(io.BytesIO(exports.powerpoint(b)))
    parts = [[row.cells[0].text_frame.text for row in list(sh.table.rows)[1:]] for s in prs.slides
             for sh in s.shapes if sh.has_table and s.shapes[0].text_frame.text.startswith("Chỉ tiêu cần chú ý")]
    assert [code for part in parts for code in part] == [r.target.code for r in b.progress.behind()]
    sizes = [len(part) for part in parts]
    assert max(sizes) <= pptx_mod.BEHIND_PER_SLIDE
    if len(sizes) > 1:
        assert max(sizes) - min(sizes) <= 1 or min(sizes) >= 3, sizes


@pytest.mark.store
@pytest.mark.parametrize("slug", [LANG_SON, SON_LA])
@pytest.mark.usefixtures("no_browser")
def test_pptx_title_slide_boxes_hold_their_lines_apart(briefings, slug):
    prs = Presentation(io.BytesIO(exports.powerpoint(briefings[slug])))
    boxes = sorted((sh for sh in prs.slides[0].shapes if sh.has_text_frame and sh.name != "demo-watermark"),
                   key=lambda sh: sh.top)
    title = briefings[slug].plan.title
    assert [sh.text_frame.text for sh in boxes][:2] == ["KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", title]
    wrapped = 0
    for above, below in zip(boxes, boxes[1:]):
        assert above.top + above.height <= below.top, (above.text_frame.text, below.text_frame.text)
    for sh in boxes:
        tf = sh.text_frame
        p = tf.paragraphs[0]
        size, bold = p.runs[0].font.size.pt, bool(p.runs[0].font.bold)
        assert p.line_spacing is not None and p.line_spacing >= 1.1  # accents of a wrapped line clear the one above
        for name, measure, line_em in _sans_measures():
            lines = _lines_in(tf.text, sh.width / EMU_PER_IN, size, bold, tf.margin_left / EMU_PER_IN, measure)
            wrapped += lines > 1
            need = lines * size * line_em * p.line_spacing + (tf.margin_top + tf.margin_bottom) / EMU_PER_PT
            assert sh.height / EMU_PER_PT >= need - 0.5, (name, tf.text, lines)
    if slug == LANG_SON:
        assert wrapped  # its plan's title takes two lines


@pytest.mark.store
@pytest.mark.usefixtures("no_browser")
def test_pptx_status_cards_labels_on_one_line_counts_on_one_level(briefings):
    prs = Presentation(io.BytesIO(exports.powerpoint(briefings[LANG_SON])))
    cards = [sh for sh in prs.slides[1].shapes if sh.name.startswith("status-")]
    assert len(cards) == 6
    assert len({(sh.top, sh.height, sh.text_frame.vertical_anchor, sh.text_frame.margin_bottom) for sh in cards}) == 1
    for sh in cards:
        tf = sh.text_frame
        label = tf.paragraphs[0].runs[0]
        corner = 0.29289 * 0.16667 * min(sh.width, sh.height) / EMU_PER_IN  # a rounded rectangle's text inset
        room_in = sh.width / EMU_PER_IN - 2 * (tf.margin_left / EMU_PER_IN + corner)
        for name, measure, _ in _sans_measures():
            assert measure(label.text, label.font.size.pt, True) <= room_in * 72, (name, label.text)


# ---------------------------------------------------------------------------------------------
# As LibreOffice draws them


def _first_page_png(program: str, data: bytes, name: str, folder: Path) -> Path:
    """The file's first page as LibreOffice draws it (PNG, 96 dpi)."""
    src = folder / name
    src.write_bytes(data)
    return _convert(program, src, "png", folder)


def _longest_run(flags) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


@pytest.mark.app
def test_libreoffice_prints_the_overview_at_a_legible_scale(soffice, briefings, tmp_path):  # noqa: F811
    """The first printed page of the overview (LibreOffice draws it at 96 dpi): the list's header row
    (dark blue) is printed at 75% of its size or more, not at the half it used to be."""
    b = briefings[LANG_SON]
    data = exports.excel(b)
    png = _first_page_png(soffice, data, "tong-hop.xlsx", tmp_path)
    px = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert px.shape[1] > px.shape[0]  # landscape
    blue = (np.abs(px - np.array([0x1F, 0x4E, 0x79])) < 16).all(axis=2)
    # rows of a header's fill: a long unbroken stretch of its blue (the title's blue letters have none)
    rows = np.flatnonzero([_longest_run(line) >= 40 for line in blue])
    assert rows.size, "no table header found on the first page"
    breaks = np.flatnonzero(np.diff(rows) > 1)  # the first run of such rows: the first table's header
    band_px = (rows[breaks[0]] if breaks.size else rows[-1]) - rows[0] + 1
    ws = load_workbook(io.BytesIO(data))["Tổng quan"]
    header = next(c.row for c in ws["B"] if c.fill.fgColor.rgb in ("001F4E79", "FF1F4E79"))  # the first header
    scale = band_px / ((ws.row_dimensions[header].height or EXCEL_LINE_PT) * 96 / 72)
    assert scale >= 0.75, round(scale, 2)


@pytest.mark.app
@pytest.mark.usefixtures("no_browser")
def test_libreoffice_shows_the_word_heading_compact(soffice, briefings, tmp_path):  # noqa: F811
    """Page 1 of Lạng Sơn's report as LibreOffice draws it (96 dpi): the issuer's block (its lines, the
    rule and "Số") in the left cell is at most 26 mm tall; it took about 45 mm in six lines."""
    data = exports.word(briefings[LANG_SON])
    try:
        png = _first_page_png(soffice, data, "bao-cao.docx", tmp_path)
    except subprocess.CalledProcessError:
        png = None
    if png is None or not png.exists():
        if not any((Path(soffice).resolve().parent / lib).exists() for lib in ("libswlo.so", "swriter")):
            pytest.skip("LibreOffice Writer is not installed here (`make test` installs LibreOffice Calc only)")
        pytest.fail("LibreOffice did not convert the Word report")
    img = np.asarray(Image.open(png).convert("L")).astype(int)
    per_mm = img.shape[1] / 210
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]
    left_mm = sec.left_margin / 36000
    cell_mm = doc.tables[0].rows[0].cells[0].width / 36000
    x0, x1 = int((left_mm + 1) * per_mm), int((left_mm + cell_mm - 1) * per_mm)
    y = int(sec.top_margin / 36000 * per_mm)  # the body starts under the page header (the demo mark)
    dark = (img[:, x0:x1] < 128).any(axis=1)
    inked = np.flatnonzero(dark[y:]) + y
    assert inked.size
    top = bottom = inked[0]
    for r in inked[1:]:
        if r - bottom > 5 * per_mm:  # a gap of 5 mm ends the block (then comes the report's title)
            break
        bottom = r
    height_mm = (bottom - top) / per_mm
    assert 8 <= height_mm <= 26, round(height_mm, 1)

