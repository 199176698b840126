"""Zip archives (.xlsx, .ods, .docx) as an attacker may write them: the sizes in their headers can
lie, and their index can hold hundreds of thousands of entries. The two rules every reader of an
uploaded package follows live here; each caller sets its own limits and words its own refusals."""
from __future__ import annotations

import zipfile
from copy import copy
from typing import Iterator

CHUNK = 1 << 20


def entry_count(data: bytes) -> int:
    """An upper bound of the archive's entries (every central-directory entry starts with this
    signature), known at C speed before zipfile builds one object per entry."""
    return data.count(b"PK\x01\x02")


def real_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int = CHUNK) -> Iterator[bytes]:
    """The member's real bytes, in chunks, whatever its header declares: zipfile stops (and checks
    the CRC) at the declared size, so a copy of the entry declares no limit; the caller counts what
    it reads and stops at its own limit (closing the generator stops the decompression)."""
    real = copy(info)
    real.file_size = 1 << 62
    with zf.open(real) as f:
        while True:
            data = f.read(chunk)
            if not data:
                return
            yield data
