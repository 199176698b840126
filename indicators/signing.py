"""The check that protects what a report template says it is for.

A template carries its plan, agency, period and the locked content of every row in a sheet that
is hidden from people, but hiding protects nothing: LibreOffice turns a "very hidden" sheet into
an ordinary hidden one, and anyone can copy a row (with its hidden record) from another agency's
template. So the product signs that content with an HMAC-SHA256 whose key is a random secret kept
in the store (never in the workbook, never in the audit trail); the reader recomputes it and
refuses a workbook whose identity or row list was changed."""
from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata

KEY_NAME = "template_signing_key"


def canon(value) -> str:
    """A cell as text, the same whether written by openpyxl or read back by python-calamine."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def sign(key: bytes, cells: list[list]) -> str:
    text = json.dumps([[canon(c) for c in row] for row in cells], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(key: bytes, cells: list[list], signature: str) -> bool:
    return hmac.compare_digest(sign(key, cells), canon(signature))
