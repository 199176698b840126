"""CSV downloads that a spreadsheet opens as plain text: a cell whose text starts like a formula gets
the apostrophe a person would type, the rule of loaders/cells.py (the Excel exports) plus the tab and
carriage return that also start a formula when a CSV is opened (OWASP "CSV injection")."""
from __future__ import annotations

import pandas as pd

from indicators.fmt import CSV_FORMULA_STARTS


def inert(value):
    """A text that would start a formula, with an apostrophe before it; anything else as it is."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV (UTF-8 with BOM, so Excel reads the Vietnamese letters), every text inert.
    Lines end with CRLF (RFC 4180), so a text holding a line break or a lone CR is quoted."""
    safe = frame.map(inert).rename(columns=inert)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
