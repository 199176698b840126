"""The template as spreadsheet programs show and print it: validation messages that hold for both
decimal marks (vi-VN comma, en-US point), rows tall enough for their text, A4 landscape printing
with the table header on every page. Checked on the real bytes of template_for, read by openpyxl."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from indicators.scopes import register_units
from loaders.templates import COMPILATION_SHEET, GUIDE_SHEET, HEADER_ROW, REPORT_SHEET, template_for

pytestmark = pytest.mark.store  # templates made from a real database file

SLUG, AGENCY, PERIOD = "son-la-2026", "Sở Y tế", "2026-H1"
UNITS = ["UBND xã Chiềng Sinh", "UBND phường Tô Hiệu"]


@pytest.fixture(params=["agency", "compilation"])
def template(request, store):
    """(workbook, main sheet, number of leading columns) for each kind of template."""
    if request.param == "agency":
        _, data = template_for(store, SLUG, AGENCY, PERIOD)
        sheet, offset = REPORT_SHEET, 0
    else:
        register_units(store, SLUG, AGENCY, UNITS, actor="máy chủ:kiem-thu")
        _, data = template_for(store, SLUG, AGENCY, PERIOD, units=UNITS)
        sheet, offset = COMPILATION_SHEET, 1
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, wb[sheet], offset


def _messages(dv) -> list[str]:
    return [m for m in (dv.error, dv.prompt) if m]


def test_decimal_messages_show_both_decimal_marks(template):
    _, ws, offset = template
    validations = ws.data_validations.dataValidation
    percent = [dv for dv in validations if dv.type == "decimal" and dv.operator == "between" and dv.formula2 == "100"]
    assert percent, "no % validation"
    per_mille = [dv for dv in validations if dv.type == "decimal" and dv.operator == "between" and dv.formula2 == "1000"]
    assert per_mille and all("9,4" in m and "9.4" in m for dv in per_mille for m in _messages(dv))  # 0–1000‰
    for dv in percent:
        assert dv.formula1 == "0"
        assert dv.showErrorMessage and dv.showInputMessage
        assert dv.error and dv.prompt
        for message in _messages(dv):
            assert "98,6" in message and "98.6" in message, message
            assert "tiếng Việt" in message and "tiếng Anh" in message, message
    for dv in validations:
        for message in _messages(dv):
            # any example with a decimal comma also shows it with a decimal point, and the reverse
            for whole, frac in re.findall(r"(?<![\d.,])(\d+),(\d)(?![\d.,])", message):
                assert f"{whole}.{frac}" in message, message
            for whole, frac in re.findall(r"(?<![\d.,])(\d+)\.(\d)(?![\d.,])", message):
                assert f"{whole},{frac}" in message, message
        # the limits of Excel's dialog (longer messages make Excel refuse the file)
        assert len(dv.error or "") <= 255 and len(dv.prompt or "") <= 255
        assert len(dv.errorTitle or "") <= 32 and len(dv.promptTitle or "") <= 32
    value_col = openpyxl.utils.get_column_letter(5 + offset)
    nonneg = [dv for dv in validations if dv.type == "decimal" and dv.operator == "greaterThanOrEqual"
              and str(dv.sqref).startswith(value_col)]
    assert nonneg, "no ‰ or /100.000 validation"
    for dv in nonneg:
        assert dv.error and dv.prompt and dv.showInputMessage
        for message in _messages(dv):
            assert "9,4" in message and "9.4" in message, message


def test_title_header_and_info_rows_are_not_cut(template):
    _, ws, offset = template
    last = ws.max_column
    assert ws["A1"].value.endswith("KẾT QUẢ THỰC HIỆN CHỈ TIÊU") and ws["A1"].font.size == 14
    assert ws.row_dimensions[1].height >= 20
    assert ws[HEADER_ROW][0].value in ("Mã chỉ tiêu", "Đơn vị báo cáo")
    assert ws.row_dimensions[HEADER_ROW].height >= 30  # two lines of wrapped bold labels
    merged = {str(r) for r in ws.merged_cells.ranges}
    value_col = openpyxl.utils.get_column_letter(2 + offset)
    last_col = openpyxl.utils.get_column_letter(last)
    for row in range(2, 6):
        label, value = ws.cell(row, 1).value, ws.cell(row, 2 + offset).value
        assert label and value
        assert f"{value_col}{row}:{last_col}{row}" in merged
        assert ws.cell(row, 2 + offset).alignment.wrap_text
        assert ws.row_dimensions[row].height >= 15
        # the bold label fits its column (it cannot overflow: the next cell holds the value)
        assert ws.column_dimensions["A"].width >= len(label)
    assert f"A6:{last_col}6" in merged and ws["A6"].alignment.wrap_text and ws["A6"].value
    assert ws.row_dimensions[6].height >= 15


def test_long_target_texts_wrap_in_taller_rows(template):
    _, ws, offset = template
    text_col = 2 + offset
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(text_col)].width
    body = list(ws.iter_rows(min_row=HEADER_ROW + 1))
    assert body
    for row in body:
        for cell in row[offset + 1:offset + 4]:  # target text, unit label, target in words
            assert cell.alignment.wrap_text, cell.coordinate
        text = row[text_col - 1].value
        if len(text) > 1.2 * width:
            assert (ws.row_dimensions[row[0].row].height or 0) >= 30, (row[0].row, text)


def test_prints_on_a4_landscape_one_page_wide_with_header_on_every_page(template):
    wb, ws, _ = template
    for sheet in (ws, wb[GUIDE_SHEET]):
        setup = sheet.page_setup
        assert setup.orientation == "landscape"
        assert int(setup.paperSize) == 9  # A4
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        m = sheet.page_margins
        assert all(0.2 <= v <= 1.0 for v in (m.left, m.right, m.top, m.bottom))
        assert sheet.oddFooter.center.text == "Trang &P / &N"
    rows = ws.print_title_rows.replace("$", "")
    first, last = (int(x) for x in rows.split(":"))
    assert first <= HEADER_ROW <= last


def test_guide_explains_both_decimal_marks_and_plain_numbers(template):
    wb, _, _ = template
    text = "\n".join(str(c.value) for c in wb[GUIDE_SHEET]["A"] if c.value)
    assert "98,6" in text and "98.6" in text and "tiếng Anh" in text
    assert "không gõ dấu %" in text
    assert '"98,6%"' not in text and "Cũng được chấp nhận" not in text
    assert "21.480" not in text.replace("không gõ 21.480", "")  # counts typed without grouping marks
