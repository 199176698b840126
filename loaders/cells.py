"""Writing cells with openpyxl so that text stays text (the templates and the Excel summary)."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


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
