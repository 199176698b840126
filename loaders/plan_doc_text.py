"""Plan documents in: .txt (UTF-8) or .docx as numbered lines, and the text clean-up the reader needs.

A `Line` keeps the text exactly as written (targets are quoted verbatim) and where it came from
(line of a .txt, paragraph of a .docx), so every proposed target can be shown beside its source.
Paragraphs broken across a page (a line that starts in lower case) are joined back here."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from indicators.errors import InputRefused


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
        data = path.read_bytes()
    except OSError as exc:
        raise PlanDocError(f"Không đọc được tệp {path}: {exc.strerror}.", "Kiểm tra quyền đọc tệp.") from None
    return read_bytes(data, path.name), path.name


def read_bytes(data: bytes, name: str) -> list[Line]:
    """Lines of an uploaded document (the page passes the bytes and the file name)."""
    _check_suffix(name)
    if not data.strip():
        raise PlanDocError(f"Tệp {name} trống: không có chữ nào để đọc.",
                           "Chọn đúng tệp văn bản kế hoạch (có mục tiêu, chỉ tiêu).")
    lines = _docx_lines(data, name) if name.lower().endswith(".docx") else _txt_lines(data, name)
    lines = [ln for ln in lines if ln.text]
    lines = join_broken_paragraphs(lines, protect=cell_table_lines(lines))
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
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - pinned in requirements.txt
        raise PlanDocError("Chưa cài gói python-docx để đọc tệp .docx.", "Chạy `make install` rồi thử lại.") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanDocError(f"Tệp {name} không phải tệp Word .docx hợp lệ ({type(exc).__name__}).",
                           "Mở tệp bằng Word và lưu lại thành .docx, hoặc dùng tệp .txt UTF-8.") from None
    except Exception as exc:  # lxml errors and the like: a damaged file
        raise PlanDocError(f"Tệp {name} bị hỏng, không đọc được nội dung Word ({type(exc).__name__}).",
                           "Mở tệp bằng Word và lưu lại thành .docx, hoặc dùng tệp .txt UTF-8.") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[Line] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = nfc(para.text).strip()
            bullet = ""
            m = _BULLET.match(text)
            if m:
                bullet, text = m.group(1), text[m.end():].strip()
            elif _is_list_paragraph(para):
                bullet = "#"
            for piece in text.split("\n"):
                out.append(Line(len(out) + 1, piece.strip(), bullet))
                bullet = ""
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [nfc(c.text).replace("\n", " ").strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]  # merged cells repeat
                out.append(Line(len(out) + 1, "| " + " | ".join(cells) + " |"))
    return out


def _is_list_paragraph(para) -> bool:
    """Word's automatic numbering is not part of the text: such paragraphs are list items."""
    ppr = para._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return True
    style = (para.style.name if para.style is not None else "") or ""
    return style.lower().startswith("list")


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


NUMBER = r"(?:\d+(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)"  # 1.000 / 9,4 / 9.5 (a stray point) / 65


def parse_number(text: str) -> float:
    """'9,4' -> 9.4; '1.000' -> 1000; '100.000' -> 100000; '9.5' (a stray point) -> 9.5; '01' -> 1."""
    s = text.strip()
    if "," in s:
        return float(s.replace(".", "").replace(",", "."))
    if "." in s and re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", s):
        return float(s.replace(".", ""))
    return float(s)
