"""Writing cells with openpyxl so that text stays text (the templates and the Excel summary)."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from indicators.fmt import FORMULA_STARTS

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def put(ws, row: int, col: int, value):
    """Write a value; text is always text: "= 0" or a note or agency name starting with =, +, - or @
    must never become a formula. openpyxl turns any string starting with "=" into one, so the cell
    is set back to a string; such texts also get Excel's quote prefix (the apostrophe a person would
    type), so editing the cell later in Excel or LibreOffice does not turn it into a formula either."""
    c = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if c.data_type == "f":
            c.data_type = "s"
        c.quotePrefix = True
    return c


def header(ws, row: int, names: list[str]) -> None:
    """A table's header row: white bold text on dark blue, wrapped, bordered (every workbook we write)."""
    for col, name in enumerate(names, start=1):
        c = ws.cell(row, col, name)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = BORDER
