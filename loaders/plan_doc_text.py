"""Plan documents in: .txt (UTF-8) or .docx as numbered lines, and the text clean-up the reader needs.

A `Line` keeps the text exactly as written (targets are quoted verbatim) and where it came from
(line of a .txt, paragraph of a .docx), so every proposed target can be shown beside its source.
Paragraphs broken across a page (a line that starts in lower case) are joined back here.

An uploaded document is untrusted: every size is checked against the limits of
indicators/settings.py before the expensive step (a .docx is unpacked as a stream with a byte
counter, its elements, paragraphs, runs and table rows counted), and python-docx itself runs in a
child process with a memory and a time limit (loaders/sandbox.py), which also refuses the shapes
python-docx reads in quadratic time; so one hostile file costs only its own request."""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from indicators import settings
from indicators.errors import InputRefused
from loaders import zipped


class PlanDocError(InputRefused):
    """A plan document that cannot be read; the message says what, where and how to fix it."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line of a .txt, paragraph (or table row) of a .docx
    text: str  # verbatim, NFC, surrounding whitespace removed
    bullet: str = ""  # "-", "+", "•" … when the line is a bullet; "#" for a Word list paragraph

    @property
    def where(self) -> str:
        return f"dòng {self.number}"


SUPPORTED = (".txt", ".docx")
_CONVERT_HINT = ("Mở văn bản bằng Word hoặc LibreOffice và lưu thành .docx, hoặc chép toàn bộ nội dung "
                 "ra một tệp .txt bảng mã UTF-8.")


# -- reading ------------------------------------------------------------------------------------


def read_path(path: str | Path) -> tuple[list[Line], str]:
    """Lines of the document at `path` and its file name; PlanDocError for anything unreadable."""
    path = Path(path)
    if not path.exists():
        raise PlanDocError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn và tên tệp (kể cả đuôi .txt/.docx).")
    if path.is_dir():
        raise PlanDocError(f"{path} là một thư mục, không phải tệp văn bản kế hoạch.",
                           "Chỉ ra đúng một tệp .docx hoặc .txt.")
    _check_suffix(path.name)
    try:
        _check_file_size(path.stat().st_size, path.name)
        data = path.read_bytes()
    except OSError as exc:
        raise PlanDocError(f"Không đọc được tệp {path}: {exc.strerror}.", "Kiểm tra quyền đọc tệp.") from None
    return read_bytes(data, path.name), path.name


def read_bytes(data: bytes, name: str) -> list[Line]:
    """Lines of an uploaded document (the page passes the bytes and the file name)."""
    _check_suffix(name)
    _check_file_size(len(data), name)
    if not data.strip():
        raise PlanDocError(f"Tệp {name} trống: không có chữ nào để đọc.",
                           "Chọn đúng tệp văn bản kế hoạch (có mục tiêu, chỉ tiêu).")
    lines = _docx_lines(data, name) if name.lower().endswith(".docx") else _txt_lines(data, name)
    lines = [ln for ln in lines if ln.text]
    lines = join_broken_paragraphs(lines, protect=cell_table_lines(lines))
    _check_line_length(lines, name)
    if not lines:
        raise PlanDocError(f"Tệp {name} trống: không có chữ nào để đọc.",
                           "Chọn đúng tệp văn bản kế hoạch (có mục tiêu, chỉ tiêu).")
    return lines


def _check_suffix(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        what = {".pdf": "PDF", ".doc": "Word 97-2003 (.doc)", ".odt": "OpenDocument"}.get(suffix, f"đuôi \"{suffix or '(không có)'}\"")
        raise PlanDocError(f"Tệp {name}: không đọc được tệp {what}; chỉ nhận .docx hoặc .txt (UTF-8).", _CONVERT_HINT)


def _txt_lines(data: bytes, name: str) -> list[Line]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PlanDocError(f"Tệp {name} không phải văn bản thuần (có byte 0 ở dòng {line}); có thể đây là tệp nhị phân "
                           "hoặc UTF-16.", _CONVERT_HINT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanDocError(
            f"Tệp {name} không phải văn bản UTF-8: byte 0x{data[exc.start]:02x} ở dòng {line} không đọc được "
            "(có thể tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3).",
            "Mở tệp và lưu lại với bảng mã UTF-8 (Notepad: Lưu thành… → Mã hóa: UTF-8), hoặc dùng tệp .docx.") from None
    count = _count_lines(text)
    if count > settings.MAX_PLAN_LINES:
        raise PlanDocError(f"Tệp {name} có {_n(count)} dòng (tối đa {_n(settings.MAX_PLAN_LINES)}).", _SMALLER_HINT)
    out = []
    for i, raw in enumerate(text.splitlines(), start=1):
        text = nfc(raw).strip()
        bullet = ""
        m = _BULLET.match(text)
        if m:
            bullet, text = m.group(1), text[m.end():].strip()
        out.append(Line(i, text, bullet))
    return out


_BULLET = re.compile(r"^([-–•+*▪●◦])\s+(?=\S)")


def _docx_lines(data: bytes, name: str) -> list[Line]:
    """Check the package, then let python-docx read it in a limited child process."""
    _check_docx_package(data, name)
    from loaders import sandbox

    try:
        rows = sandbox.run("loaders.plan_doc_text", "docx_rows", (data, name), memory_mb=settings.PLAN_READ_MEMORY_MB,
                           seconds=settings.PLAN_READ_SECONDS, what=f"tệp {name}")
    except sandbox.Refused as exc:
        raise PlanDocError(exc.message, exc.hint) from None
    except sandbox.LimitExceeded as exc:
        raise PlanDocError(exc.message, _SMALLER_HINT if exc.kind in ("memory", "time") else _RESAVE_HINT) from None
    return [Line(number, text, bullet) for number, text, bullet in rows]


def docx_rows(payload: tuple[bytes, str]) -> list[tuple[int, str, str]]:
    """(number, text, bullet) of each paragraph and table row of a .docx whose package passed
    `_check_docx_package`. Runs in the child process of loaders.sandbox: plain values out, and
    every refusal is a `loaders.sandbox.Refused` with its Vietnamese wording."""
    from loaders.sandbox import Refused

    data, name = payload
    try:
        import docx  # python-docx
    except ImportError as exc:
        if "map" in str(exc) or "allocate" in str(exc):  # lxml's library cannot be mapped under the memory limit
            raise MemoryError from None
        raise Refused(name, "Chưa cài gói python-docx để đọc tệp .docx.", "Chạy `make install` rồi thử lại.") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Refused(name, f"Tệp {name} không phải tệp Word .docx hợp lệ ({type(exc).__name__}).", _RESAVE_HINT) from None
    except Exception as exc:  # lxml errors and the like: a damaged file
        raise Refused(name, f"Tệp {name} bị hỏng, không đọc được nội dung Word ({type(exc).__name__}).",
                      _RESAVE_HINT) from None
    try:
        _check_structure(document.element.body, name)
        return _document_rows(document, name)
    except (MemoryError, Refused):
        raise
    except Exception as exc:  # an attribute Word never writes ("gridSpan=abc"), a broken merge …
        raise Refused(name, f"Tệp {name} bị hỏng, không đọc được nội dung Word ({type(exc).__name__}).",
                      _RESAVE_HINT) from None


def _check_structure(body, name: str) -> None:
    """Refuse the shapes whose reading by python-docx is quadratic or worse in their size (a run
    with thousands of line breaks and tabs, a vertical merge chain) before reading them. lxml
    walks the tree in C; the loops run once per run, paragraph, row or merged cell."""
    from docx.oxml.ns import qn

    from loaders.sandbox import Refused

    total = 0
    for run in body.iter(qn("w:r")):
        size = len(run)
        if size > settings.MAX_PLAN_RUN_ITEMS:
            raise Refused(name, f"Tệp {name} có một đoạn chữ cùng định dạng gồm {_n(size)} thành phần (chữ, dấu xuống "
                                f"dòng, tab …) (tối đa {_n(settings.MAX_PLAN_RUN_ITEMS)}).", _SMALLER_HINT)
        total += size
    if total > settings.MAX_PLAN_RUN_ITEMS_TOTAL:
        raise Refused(name, f"Các đoạn chữ trong tệp {name} gồm {_n(total)} thành phần (chữ, dấu xuống dòng, tab …) "
                            f"(tối đa {_n(settings.MAX_PLAN_RUN_ITEMS_TOTAL)}).", _SMALLER_HINT)
    for para in body.iter(qn("w:p")):
        if len(para) > settings.MAX_PLAN_PARAGRAPH_ITEMS:
            raise Refused(name, f"Tệp {name} có một đoạn văn gồm {_n(len(para))} thành phần (tối đa "
                                f"{_n(settings.MAX_PLAN_PARAGRAPH_ITEMS)}).", _SMALLER_HINT)
    tc_tag, span_path, val = qn("w:tc"), f"{qn('w:tcPr')}/{qn('w:gridSpan')}", qn("w:val")
    for row in body.iter(qn("w:tr")):
        width = 0
        for cell in row.iterchildren(tc_tag):
            span = cell.find(span_path)
            try:
                width += max(int(span.get(val)), 1) if span is not None else 1
            except (TypeError, ValueError):  # python-docx refuses it later, as a damaged file
                width += 1
        if width > settings.MAX_PLAN_TABLE_COLUMNS:
            raise Refused(name, f"Tệp {name} có một dòng bảng rộng {_n(width)} cột (tối đa "
                                f"{_n(settings.MAX_PLAN_TABLE_COLUMNS)}).", _SMALLER_HINT)
    merged = sum(1 for m in body.iter(qn("w:vMerge")) if m.get(val) in (None, "continue"))
    if merged > settings.MAX_PLAN_MERGED_CELLS:
        raise Refused(name, f"Tệp {name} có {_n(merged)} ô bảng gộp dọc (tối đa {_n(settings.MAX_PLAN_MERGED_CELLS)}).",
                      "Bỏ gộp ô trong các bảng (Word: Bố cục → Tách ô) rồi lưu lại, hoặc chép phần mục tiêu, chỉ tiêu ra "
                      "tệp .txt UTF-8.")


def _document_rows(document, name: str) -> list[tuple[int, str, str]]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from loaders.sandbox import Refused

    out: list[tuple[int, str, str]] = []
    size = 0
    style_names: dict[str | None, str] = {}  # python-docx looks a style up in O(styles), per paragraph

    def add(text: str, bullet: str = "") -> None:
        nonlocal size
        size += len(text.encode("utf-8")) + 1
        if len(out) >= settings.MAX_PLAN_LINES:
            raise Refused(name, f"Tệp {name} có hơn {_n(settings.MAX_PLAN_LINES)} dòng chữ "
                                f"(tối đa {_n(settings.MAX_PLAN_LINES)}).", _SMALLER_HINT)
        if size > settings.MAX_PLAN_TEXT_BYTES:
            raise Refused(name, f"Chữ trong tệp {name} dài hơn {_mb(settings.MAX_PLAN_TEXT_BYTES)} MB "
                                f"(tối đa {_mb(settings.MAX_PLAN_TEXT_BYTES)} MB).", _SMALLER_HINT)
        out.append((len(out) + 1, text, bullet))

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "p":
            para = Paragraph(child, document)
            text = nfc(para.text).strip()
            bullet = ""
            m = _BULLET.match(text)
            if m:
                bullet, text = m.group(1), text[m.end():].strip()
            elif _is_list_paragraph(para, style_names):
                bullet = "#"
            for piece in text.split("\n"):
                add(piece.strip(), bullet)
                bullet = ""
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [nfc(c.text).replace("\n", " ").strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]  # merged cells repeat
                add("| " + " | ".join(cells) + " |")
    return out


def _is_list_paragraph(para, style_names: dict) -> bool:
    """Word's automatic numbering is not part of the text: such paragraphs are list items.
    `style_names` caches style id -> name: the lookup `para.style` does, once per style id."""
    ppr = para._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return True
    style_id = para._p.style
    if style_id not in style_names:
        from docx.enum.style import WD_STYLE_TYPE

        found = para.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        style_names[style_id] = (found.name if found is not None else "") or ""
    return style_names[style_id].lower().startswith("list")


# -- limits checked before the expensive step ---------------------------------------------------

_MB = 1024 * 1024
_SMALLER_HINT = ("Kiểm tra đã chọn đúng văn bản kế hoạch (một kế hoạch chỉ vài chục trang); nếu đúng, xóa phụ lục, "
                 "bảng số liệu và ảnh không cần thiết rồi lưu lại, hoặc chép phần mục tiêu, chỉ tiêu ra tệp .txt UTF-8.")
_RESAVE_HINT = "Mở tệp bằng Word và lưu lại thành .docx, hoặc dùng tệp .txt UTF-8."
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
# <w:p>, <w:p …>, <w:p/> and the same for runs, table rows and cells, with any namespace prefix
_COUNTED_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,30}:)?(p|r|tr|tc)[\s/>]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20
_OVERLAP = 64  # longer than any match of the two patterns above


def _n(value: int) -> str:
    from indicators import fmt

    return fmt.num(value)


def _mb(size: int) -> str:
    """Bytes as MB with one decimal, rounded up ("20", "20,1", "1.430,6")."""
    from indicators import fmt

    return fmt.num(math.ceil(size / _MB * 10) / 10, 1)


def _check_file_size(size: int, name: str) -> None:
    """The file as uploaded: a .txt is its text, a .docx may carry pictures too."""
    if name.lower().endswith(".docx"):
        limit, kind = settings.MAX_PLAN_FILE_BYTES, ".docx"
    else:
        limit, kind = settings.MAX_PLAN_TEXT_BYTES, ".txt"
    if size > limit:
        raise PlanDocError(f"Tệp {name} nặng {_mb(size)} MB (tối đa {_mb(limit)} MB cho tệp {kind}).", _SMALLER_HINT)


def _count_lines(text: str) -> int:
    """len(text.splitlines()) without building the list."""
    breaks = sum(text.count(c) for c in _LINE_BREAKS) - text.count("\r\n")
    return breaks + (1 if text and text[-1] not in _LINE_BREAKS else 0)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _check_line_length(lines: list[Line], name: str) -> None:
    """Length of each paragraph, and the numbers in it and in the whole text: reading values costs
    about (numbers × length) per paragraph, so both are bounded before the reader starts."""
    total = 0
    for ln in lines:
        numbers = len(_NUMBER.findall(ln.text))
        total += numbers
        if numbers > settings.MAX_PLAN_LINE_NUMBERS:
            raise PlanDocError(
                f"Đoạn văn ở dòng {ln.number} của tệp {name} có {_n(numbers)} con số (tối đa "
                f"{_n(settings.MAX_PLAN_LINE_NUMBERS)} trong một đoạn).",
                "Tách đoạn đó thành nhiều đoạn, mỗi chỉ tiêu một đoạn; bảng số liệu thống kê không cần đưa vào.")
        if total > settings.MAX_PLAN_NUMBERS:
            raise PlanDocError(f"Tệp {name} có hơn {_n(settings.MAX_PLAN_NUMBERS)} con số (giới hạn để bảo vệ máy chủ).",
                               "Chỉ giữ phần mục tiêu, chỉ tiêu và tổ chức thực hiện; bỏ các phụ lục số liệu thống kê.")
        if len(ln.text) > settings.MAX_PLAN_LINE_CHARS:
            raise PlanDocError(
                f"Đoạn văn ở dòng {ln.number} của tệp {name} dài {_n(len(ln.text))} ký tự "
                f"(tối đa {_n(settings.MAX_PLAN_LINE_CHARS)}).",
                "Tách đoạn đó thành nhiều đoạn ngắn hơn (một dòng bắt đầu bằng chữ thường được nối vào dòng trước nó), "
                "hoặc xóa phần không phải mục tiêu, chỉ tiêu.")


def _check_docx_package(data: bytes, name: str) -> None:
    """Refuse a .docx whose parts, unpacked, would be too large, too many or hostile, before
    python-docx sees it. Every part is unpacked as a stream with a byte counter (the sizes written
    in the zip headers are not trusted) and scanned in chunks for paragraphs, runs, table rows and
    cells and, in XML parts, for elements and a DOCTYPE / ENTITY declaration (Word never writes one)."""
    members = zipped.entry_count(data)  # before zipfile builds one object per entry
    if members > settings.MAX_PLAN_DOCX_MEMBERS:
        raise PlanDocError(f"Tệp {name} gồm {_n(members)} phần nén bên trong (tối đa "
                           f"{_n(settings.MAX_PLAN_DOCX_MEMBERS)}), không giống một tệp Word thật.", _RESAVE_HINT)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, a truncated or hostile directory
        raise PlanDocError(f"Tệp {name} không phải tệp Word .docx hợp lệ ({type(exc).__name__}).", _RESAVE_HINT) from None
    if len(infos) > settings.MAX_PLAN_DOCX_MEMBERS:
        raise PlanDocError(f"Tệp {name} gồm {_n(len(infos))} phần nén bên trong (tối đa "
                           f"{_n(settings.MAX_PLAN_DOCX_MEMBERS)}), không giống một tệp Word thật.", _RESAVE_HINT)
    counts = {b"p": 0, b"r": 0, b"tr": 0, b"tc": 0, b"<": 0}
    total = 0
    for info in infos:
        part = _part_name(info.filename)
        if info.flag_bits & 0x1:
            raise PlanDocError(f"Tệp {name} được đặt mật khẩu nên không đọc được.",
                               "Mở tệp bằng Word, bỏ mật khẩu rồi lưu lại thành .docx, hoặc dùng tệp .txt UTF-8.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PlanDocError(f"Phần {part} trong tệp {name} nén theo kiểu Word không dùng (mã {info.compress_type}).",
                               _RESAVE_HINT)
        xml = info.filename.lower().endswith((".xml", ".rels"))
        size, carry = 0, b""
        try:
            for chunk in zipped.real_chunks(archive, info, _CHUNK):  # whatever the header says
                size += len(chunk)
                total += len(chunk)
                if size > settings.MAX_PLAN_DOCX_PART_BYTES:
                    raise PlanDocError(
                        f"Phần {part} trong tệp {name} giải nén ra hơn {_mb(settings.MAX_PLAN_DOCX_PART_BYTES)} MB "
                        f"(tối đa {_mb(settings.MAX_PLAN_DOCX_PART_BYTES)} MB).", _SMALLER_HINT)
                if total > settings.MAX_PLAN_DOCX_UNPACKED_BYTES:
                    raise PlanDocError(
                        f"Tệp {name} giải nén ra hơn {_mb(settings.MAX_PLAN_DOCX_UNPACKED_BYTES)} MB "
                        f"(tối đa {_mb(settings.MAX_PLAN_DOCX_UNPACKED_BYTES)} MB).", _SMALLER_HINT)
                buf = carry + chunk
                # Scan up to the last "<" near the end: no match contains a second "<", so none is cut.
                cut = buf.rfind(b"<", max(0, len(buf) - _OVERLAP))
                cut = len(buf) if cut < 0 else cut
                _scan(buf, cut, counts, xml, part, name)
                carry = buf[cut:]
            _scan(carry, len(carry), counts, xml, part, name)
        except PlanDocError:
            raise
        except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError: a damaged or forged part
            raise PlanDocError(f"Tệp {name} bị hỏng, không giải nén được phần {part} ({type(exc).__name__}).",
                               _RESAVE_HINT) from None
    for key, limit, what in ((b"p", settings.MAX_PLAN_PARAGRAPHS, "đoạn văn"),
                             (b"r", settings.MAX_PLAN_RUNS, "đoạn chữ định dạng riêng (run)"),
                             (b"tr", settings.MAX_PLAN_TABLE_ROWS, "dòng bảng"),
                             (b"tc", settings.MAX_PLAN_TABLE_CELLS, "ô bảng"),
                             (b"<", settings.MAX_PLAN_XML_ELEMENTS, "phần tử XML")):
        if counts[key] > limit:
            raise PlanDocError(f"Tệp {name} có {_n(counts[key])} {what} (tối đa {_n(limit)}).", _SMALLER_HINT)


def _part_name(name: str) -> str:
    """A part name as written in the zip, fit for a one-line message (it may be forged)."""
    name = "".join(c if c.isprintable() else "?" for c in name[:80])
    return name if len(name) <= 60 else name[:59] + "…"


def _scan(buf: bytes, end: int, counts: dict, xml: bool, part: str, name: str) -> None:
    found = _COUNTED_TAG.findall(buf, 0, end)
    if found:
        for key in (b"p", b"r", b"tr", b"tc"):
            counts[key] += found.count(key)
    if xml:  # elements python-docx will build: opening tags, not "</…>"
        counts[b"<"] += buf.count(b"<", 0, end) - buf.count(b"</", 0, end)
    if xml and _DTD.search(buf, 0, end):
        raise PlanDocError(f"Phần {part} trong tệp {name} có khai báo DOCTYPE/ENTITY mà Word không bao giờ ghi "
                           "(có thể là tệp độc hại), nên không đọc.", _RESAVE_HINT)


def join_broken_paragraphs(lines: list[Line], protect: set[int] = frozenset()) -> list[Line]:
    """A line that starts in lower case continues the paragraph before it (a page break in a PDF/Word
    copy), except inside a table copied one cell per line (`protect`: indexes of those lines)."""
    out: list[Line] = []
    for k, ln in enumerate(lines):
        if out and k not in protect and k - 1 not in protect and not ln.bullet and _continues(out[-1].text, ln.text):
            prev = out[-1]
            out[-1] = Line(prev.number, f"{prev.text} {ln.text}", prev.bullet)
        else:
            out.append(ln)
    return out


_CELL_HEADER = re.compile(r"^(?:S?TT|Số TT)$", re.IGNORECASE)


def cell_table_lines(lines: list[Line]) -> set[int]:
    """Indexes of the lines of tables copied one cell per line: a header that starts with "TT" or
    "STT", then rows of as many lines, each starting with the row number."""
    out: set[int] = set()
    for i, ln in enumerate(lines):
        if not _CELL_HEADER.match(clean(ln.text)):
            continue
        j = i + 1
        while j < len(lines) and not re.fullmatch(r"\d+", clean(lines[j].text)) and j - i < 12:
            j += 1
        width = j - i
        if width < 3:
            continue
        while j + width <= len(lines) and re.fullmatch(r"\d+", clean(lines[j].text)):
            j += width
        out.update(range(i, j))
    return out


def _continues(prev: str, text: str) -> bool:
    first = text[0]
    if first.isdigit():  # "… phấn đấu đạt" / "95% trở lên." : a value wrapped onto the next line
        return (prev[-1:].isalpha() and len(prev) > 40 and "  " not in prev and "  " not in text
                and bool(re.match(r"^\d[\d.,]*\s*(?:%|‰|/|trên\s|trở\s)", text)))
    if not first.isalpha() or not first.islower():
        return False
    if prev.endswith((":",)) or prev.startswith("|"):
        return False
    return not re.match(r"^[a-zđ][.)]\s", text)  # "a) …" starts a new lettered item


# -- clean-up for parsing -----------------------------------------------------------------------


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_CLEAN_RULES: list[tuple[str, str]] = [  # (pattern, replacement), applied in order
    (r"\\geq?\b|\\ge\b", "≥"),  # LaTeX left in copied text: $\geq 95\%$
    (r"\\leq?\b|\\le\b", "≤"),
    (r"\\%", "%"),
    (r"\\textperthousand\b|\\permil\b", "‰"),
    (r"\$", ""),
    (r"\*\*|__|\*|`", ""),  # markdown emphasis
    (r"^#+\s*", ""),  # markdown headings
    (r">=|=>", "≥"),
    (r"<=|=<", "≤"),
    (r"[–—−]", "-"),
    (r"(\d)\s*(?:%o|0/00)(?!\d)", r"\1‰"),  # per mille typed without the sign
    (r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+", ""),  # superscript footnote marks
    (r"([%‰])\d{1,2}(?=[\s.,;:)]|$)", r"\1"),  # footnote digits glued to a value: "24%1" -> "24%"
    (r"[ \t\u00a0]+", " "),
]
_CLEAN = [(re.compile(p, re.MULTILINE), r) for p, r in _CLEAN_RULES]


def clean(text: str) -> str:
    """The text the rules read: NFC, no markdown or LaTeX, one kind of dash, no footnote digits."""
    text = nfc(text)
    for pattern, repl in _CLEAN:
        text = pattern.sub(repl, text)
    return text.strip()


def clean_name(text: str) -> str:
    """A name as written (dashes kept: "Phòng Văn hoá – Xã hội"), without markdown and extra spaces."""
    text = re.sub(r"\*\*|__|\*|`|^#+\s*", "", nfc(text))
    return re.sub(r"\s+", " ", text).strip()


# A number in a plan sentence: 1.000 / 9,4 / 9.5 (a stray point) / 65; read by validation.parse_number.
NUMBER = r"(?:\d+(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)"

