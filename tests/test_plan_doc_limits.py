"""Hostile plan documents: each is built by code, run through the real command line
(`python -m indicators parse-plan FILE`) under a tiny wrapper that reports the exit code, the wall
time, the output and resource.getrusage(RUSAGE_CHILDREN).ru_maxrss (the peak resident memory of
the command and of the sandbox child that reads a .docx). Each must be refused with exit 1 within
MAX_SECONDS, in one Vietnamese sentence naming the limit plus a hint, without a traceback, under
MAX_PEAK_MB. These stay real processes (unlike the other command-line tests, run in the test
process): a real process's time and peak memory are what is measured, and a runaway reader must end
only that process, never the test run. Then: the real plans (.txt seeds and ordinary .docx) read
exactly as the reader did before the limits, and the small pieces (messages, sandbox errors) one by one.

The compressed bombs are a 1 MB block deflated once, ending on a full flush (a restart point:
byte-aligned, no reference to earlier data), repeated: a valid deflate stream of the repeated
block, built without ever holding the unpacked part in memory."""
from __future__ import annotations

import io
import json
import os
import struct
import sys
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from indicators import settings
from loaders import sandbox
from loaders.plan_doc import PlanDocError, read_plan, read_plan_bytes
from loaders.plan_doc_text import Line, cell_table_lines, join_broken_paragraphs, read_bytes
from tests.helpers import docx_from_text, measure, ROOT, SEEDS

MAX_SECONDS = 10.0
MAX_PEAK_MB = 500
COMMAND_TIMEOUT = 40.0  # a hang is killed (whole process group) and fails
SAFETY_CAP = 4 << 30  # soft RLIMIT_AS of the command: protects the shared machine, not a criterion
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
MB = 1024 * 1024
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SLUGS = ["chau-son-2026", "lang-son-2023", "lang-son-skhcn-2026", "lang-son-snv-2024", "son-la-2026"]


# -- zip bytes, written by hand ----------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    raw: bytes  # raw deflate stream (method 8) or the bytes themselves (method 0)
    crc: int
    size: int  # the real uncompressed size
    method: int = zipfile.ZIP_DEFLATED
    declared_size: int | None = None  # what the headers say (None: the truth)
    flags: int = 0


def deflated(name: str, body: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(body) + c.flush(), zlib.crc32(body), len(body))


def repeated(name: str, prefix: bytes, block: bytes, times: int, suffix: bytes, **kw) -> Member:
    """`prefix + block * times + suffix`, deflated without building it."""
    def segment(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = segment(prefix) + segment(block) * times + last.compress(suffix) + last.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return Member(name, raw, crc, len(prefix) + len(block) * times + len(suffix), **kw)


def zip_bytes(members: list[Member]) -> bytes:
    out, central = io.BytesIO(), io.BytesIO()
    for m in members:
        name = m.name.encode()
        size = m.size if m.declared_size is None else m.declared_size
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21, m.crc, len(m.raw), size,
                              len(name), 0))
        out.write(name + m.raw)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21, m.crc, len(m.raw),
                                  size, len(name), 0, 0, 0, 0, 0, offset))
        central.write(name)
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    count = min(len(members), 0xFFFF)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _template_members() -> list[Member]:
    """Every part of python-docx's blank document but word/document.xml."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as z:
        return [deflated(i.filename, z.read(i.filename)) for i in z.infolist() if i.filename != "word/document.xml"]


def _document_xml(doctype: str = "") -> tuple[bytes, bytes]:
    """(prefix, suffix) of a word/document.xml: the body goes between them."""
    prefix = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
              f'<w:document xmlns:w="{W_NS}"><w:body>').encode()
    suffix = b"<w:sectPr/></w:body></w:document>"
    return prefix, suffix


def docx_with_body(body: bytes, doctype: str = "", extra: list[Member] | None = None) -> bytes:
    prefix, suffix = _document_xml(doctype)
    return zip_bytes(_template_members() + [deflated("word/document.xml", prefix + body + suffix)] + (extra or []))


# -- the hostile documents -------------------------------------------------------------------------


def bomb() -> tuple[str, bytes]:
    """1,5 GB of text in word/document.xml, about 1,5 MB packed; the headers tell the truth."""
    prefix, suffix = _document_xml()
    member = repeated("word/document.xml", prefix + b"<w:p><w:r><w:t>", b"a" * MB, 1500, b"</w:t></w:r></w:p>" + suffix)
    return "bom-nen.docx", zip_bytes(_template_members() + [member])


def lying_headers() -> tuple[str, bytes]:
    """The same 1,5 GB document.xml, but both zip headers say it unpacks to 2.000 bytes."""
    prefix, suffix = _document_xml()
    member = repeated("word/document.xml", prefix + b"<w:p><w:r><w:t>", b"a" * MB, 1500, b"</w:t></w:r></w:p>" + suffix,
                      declared_size=2000)
    return "kich-thuoc-gia.docx", zip_bytes(_template_members() + [member])


def many_paragraphs() -> tuple[str, bytes]:
    """2.000.000 paragraphs (12 MB of XML, under the part limit), about 30 KB packed."""
    return "hai-trieu-doan.docx", docx_with_body(b"<w:p/>" * 2_000_000)


def many_short_paragraphs() -> tuple[str, bytes]:
    """500.000 paragraphs with a word each (17,5 MB of XML)."""
    return "nua-trieu-doan.docx", docx_with_body(b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 500_000)


def many_table_rows() -> tuple[str, bytes]:
    return "trieu-dong-bang.docx", docx_with_body(b"<w:tbl>" + b"<w:tr/>" * 1_000_000 + b"</w:tbl>")


def many_members() -> tuple[str, bytes]:
    """60.000 empty parts next to an ordinary document."""
    extra = [Member(f"x/{i}", b"", 0, 0, zipfile.ZIP_STORED) for i in range(60_000)]
    return "nhieu-phan.docx", docx_with_body("<w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p>".encode(), extra=extra)


def many_elements() -> tuple[str, bytes]:
    """3.000.000 bold marks in one run (18 MB): an lxml tree of 600 MB."""
    return "ba-trieu-the.docx", docx_with_body(b"<w:p><w:r><w:rPr>" + b"<w:b/>" * 3_000_000 + b"</w:rPr></w:r></w:p>")


def line_breaks_in_one_run() -> tuple[str, bytes]:
    """One run broken 300.000 times: passes the package checks; python-docx would take hours to
    read its text (its XPath union is quadratic), the child refuses it first."""
    return "xuong-dong.docx", docx_with_body(b"<w:p><w:r>" + b"<w:t>a</w:t><w:br/>" * 300_000 + b"</w:r></w:p>")


def entity_expansion() -> tuple[str, bytes]:
    """The "billion laughs": nested entities expanding to 10^9 × "lol"."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return "thuc-the-xml.docx", docx_with_body(b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>",
                                               doctype=f"<!DOCTYPE w:document [{entities}]>")


def not_a_zip() -> tuple[str, bytes]:
    """A PDF renamed .docx."""
    return "khong-phai-zip.docx", b"%PDF-1.7\n" + os.urandom(MB)


def txt_too_large() -> tuple[str, bytes]:
    seed = (SEEDS / "004_455bdf5f6a155553.txt").read_bytes()
    return "qua-lon.txt", seed * (30 * MB // len(seed))


def txt_too_many_lines() -> tuple[str, bytes]:
    return "trieu-dong.txt", b"x\n" * 1_000_000  # 2.000.000 bytes: under the size limit



def txt_line_of_numbers() -> tuple[str, bytes]:
    """A paragraph of 680 numbers (reading values costs numbers × length: 100 such paragraphs took
    1 min 51 s in the server process before the limit)."""
    line = " ".join(f"{i % 97},5%" for i in range(900))[:4000]
    return "day-so.txt", ("KẾ HOẠCH năm 2026\nII. CHỈ TIÊU\n" + "\n\n".join(
        f"{k + 1}. Tỷ lệ trẻ đạt {line}" for k in range(100))).encode()


# kind -> (builder, words the refusal must contain)
KINDS = {
    "zip-bomb": (bomb, "giải nén ra hơn 20 MB (tối đa 20 MB)"),
    "lying-headers": (lying_headers, "giải nén ra hơn 20 MB (tối đa 20 MB)"),
    "2-million-paragraphs": (many_paragraphs, "có 2.000.000 đoạn văn (tối đa 20.000)"),
    "500k-short-paragraphs": (many_short_paragraphs, "có 500.000 đoạn văn (tối đa 20.000)"),
    "million-table-rows": (many_table_rows, "có 1.000.000 dòng bảng (tối đa 5.000)"),
    "too-many-members": (many_members, "phần nén bên trong (tối đa 1.000)"),
    "3-million-elements": (many_elements, "phần tử XML (tối đa 1.000.000)"),
    "line-breaks-in-one-run": (line_breaks_in_one_run, "gồm 600.000 thành phần (chữ, dấu xuống dòng, tab …) (tối đa 1.000)"),
    "entity-expansion": (entity_expansion, "DOCTYPE/ENTITY"),
    "not-a-zip": (not_a_zip, "không phải tệp Word .docx hợp lệ"),
    "txt-too-large": (txt_too_large, "(tối đa 2 MB cho tệp .txt)"),
    "txt-too-many-lines": (txt_too_many_lines, "có 1.000.000 dòng (tối đa 50.000)"),
    "txt-line-of-numbers": (txt_line_of_numbers, "có 680 con số (tối đa 200 trong một đoạn)"),
}

def run_measured(file: Path, cwd: Path = ROOT) -> dict:
    """`python -m indicators parse-plan FILE` in a real process, measured (tests/helpers.measure)."""
    return measure([PYTHON, "-m", "indicators", "parse-plan", str(file)], COMMAND_TIMEOUT, SAFETY_CAP, cwd=cwd)


@pytest.mark.app
@pytest.mark.parametrize("kind", list(KINDS))
def test_hostile_document_is_refused_quickly_in_vietnamese(kind, tmp_path):
    build, words = KINDS[kind]
    name, data = build()
    path = tmp_path / name
    path.write_bytes(data)
    del data
    r = run_measured(path)
    if os.environ.get("PLAN_LIMITS_LOG"):  # a table of what the reader did
        with open(os.environ["PLAN_LIMITS_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"kind": kind, "bytes": path.stat().st_size, **r}, ensure_ascii=False) + "\n")
    assert not r["timed_out"], r
    assert r["returncode"] == 1, r
    assert r["seconds"] < MAX_SECONDS, r
    assert r["maxrss_kb"] / 1024 < MAX_PEAK_MB, r
    err = r["stderr"]
    assert r["stdout"] == "" and "Traceback" not in err and "Lỗi không mong đợi" not in err, r
    message, hint = err.rstrip("\n").split("\n")  # one sentence, then the fix
    assert words in message and name in message, message
    assert message.endswith(".") and hint.startswith("Cách khắc phục: "), err


# -- real plans read exactly as before --------------------------------------------------------------


def _reference_docx_lines(data: bytes) -> list[Line]:
    """The reader of .docx before the limits (python-docx in this process), kept verbatim."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from loaders.plan_doc_text import _BULLET, nfc

    def is_list(para) -> bool:
        ppr = para._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return True
        style = (para.style.name if para.style is not None else "") or ""
        return style.lower().startswith("list")

    document = docx.Document(io.BytesIO(data))
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
            elif is_list(para):
                bullet = "#"
            for piece in text.split("\n"):
                out.append(Line(len(out) + 1, piece.strip(), bullet))
                bullet = ""
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [nfc(c.text).replace("\n", " ").strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
                out.append(Line(len(out) + 1, "| " + " | ".join(cells) + " |"))
    return out


def _reference_txt_lines(data: bytes) -> list[Line]:
    from loaders.plan_doc_text import _BULLET

    out = []
    for i, raw in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        text = unicodedata.normalize("NFC", raw).strip()
        bullet = ""
        m = _BULLET.match(text)
        if m:
            bullet, text = m.group(1), text[m.end():].strip()
        out.append(Line(i, text, bullet))
    return out


def _as_before(lines: list[Line]) -> list[Line]:
    lines = [ln for ln in lines if ln.text]
    return join_broken_paragraphs(lines, protect=cell_table_lines(lines))


@pytest.mark.unit
@pytest.mark.parametrize("slug", SLUGS)
def test_real_plans_read_exactly_as_before(catalogue, slug):
    path = SEEDS / catalogue[slug].source_file
    data = path.read_bytes()
    assert read_bytes(data, path.name) == _as_before(_reference_txt_lines(data))
    prop = read_plan(path)
    assert [r["code"] for r in prop.rows() if r["kind"] != "milestone"] == [
        t.code for t in catalogue[slug].measurable_targets() if t.kind != "milestone"]
    table = [["TT", "Chỉ tiêu", "Chỉ tiêu", "Kế hoạch năm 2026"], ["1", "Tỷ lệ tiêm chủng đầy đủ", "%", "≥ 95"]]
    as_docx = docx_from_text(data.decode("utf-8"), table, list_style=True, merged_header=True)
    assert read_bytes(as_docx, "kh.docx") == _as_before(_reference_docx_lines(as_docx))


@pytest.mark.unit
def test_ordinary_docx_reads_like_its_text(catalogue):
    seed = (SEEDS / catalogue["son-la-2026"].source_file).read_text(encoding="utf-8")
    from_txt = read_plan_bytes(seed.encode(), "son-la.txt").rows()
    from_docx = read_plan_bytes(docx_from_text(seed), "son-la.docx").rows()
    strip = [{k: v for k, v in r.items() if k != "line"} for r in from_txt]
    assert [{k: v for k, v in r.items() if k != "line"} for r in from_docx] == strip


@pytest.mark.unit
def test_headers_claiming_more_than_the_truth_do_not_matter(catalogue):
    """Sizes in the zip headers are not trusted either way: a part declared at 3 GB reads normally."""
    seed = (SEEDS / catalogue["chau-son-2026"].source_file).read_text(encoding="utf-8")
    honest = docx_from_text(seed)
    with zipfile.ZipFile(io.BytesIO(honest)) as z:
        members = []
        for i in z.infolist():
            m = deflated(i.filename, z.read(i.filename))
            members.append(Member(m.name, m.raw, m.crc, m.size, declared_size=3 << 30) if m.name == "word/document.xml"
                           else m)
    assert read_bytes(zip_bytes(members), "kh.docx") == read_bytes(honest, "kh.docx")


@pytest.mark.unit
def test_largest_document_within_the_limits_is_read():
    """19.990 paragraphs, 49.975 runs, 19,9 MB of document.xml: read, in the child, within its limits."""
    pad = ('<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:b/><w:i/>'
           '<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr>')
    ppr = ('<w:pPr><w:pStyle w:val="ListBullet"/><w:spacing w:before="120" w:after="120" w:line="276" '
           f'w:lineRule="auto"/><w:ind w:left="720" w:firstLine="0"/><w:jc w:val="both"/>{pad}</w:pPr>')
    run = f'<w:r>{pad}<w:t xml:space="preserve">tỷ lệ tiêm chủng đầy đủ </w:t></w:r>'
    body = "".join(f"<w:p>{ppr}{run * (3 if i % 2 else 2)}</w:p>" for i in range(19_990)).encode()
    assert len(body) < settings.MAX_PLAN_DOCX_PART_BYTES
    lines = read_bytes(docx_with_body(body), "lon.docx")
    assert len(lines) == 19_990 and lines[0].bullet == "#"


# -- the pieces --------------------------------------------------------------------------------------


def _refusal(data: bytes, name: str) -> PlanDocError:
    with pytest.raises(PlanDocError) as err:
        read_bytes(data, name)
    return err.value


@pytest.mark.unit
def test_a_paragraph_too_long_is_refused_with_its_line():
    text = "KẾ HOẠCH:\n" + "Tỷ lệ trẻ em được tiêm chủng đầy đủ đạt 95%, " * 150  # 6.749 characters on line 2
    err = _refusal(text.encode(), "kh.txt")
    assert err.message == "Đoạn văn ở dòng 2 của tệp kh.txt dài 6.749 ký tự (tối đa 5.000)." and err.hint
    joined = "KẾ HOẠCH:\n" + "tỷ lệ trẻ em được tiêm chủng đầy đủ đạt 95%,\n" * 150  # lines joined back into one
    assert "Đoạn văn ở dòng 2 của tệp kh.txt dài 6.749 ký tự" in _refusal(joined.encode(), "kh.txt").message


@pytest.mark.unit
def test_docx_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "lon.docx"
    with open(path, "wb") as f:
        f.truncate(settings.MAX_PLAN_FILE_BYTES + 1)  # sparse: nothing is read
    with pytest.raises(PlanDocError) as err:
        read_plan(path)
    assert err.value.message == "Tệp lon.docx nặng 20,1 MB (tối đa 20 MB cho tệp .docx)."


@pytest.mark.unit
def test_compression_word_does_not_use_and_password_are_refused():
    body = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    prefix, suffix = _document_xml()
    xml = prefix + body + suffix
    bz = Member("word/document.xml", __import__("bz2").compress(xml), zlib.crc32(xml), len(xml), zipfile.ZIP_BZIP2)
    assert "nén theo kiểu Word không dùng (mã 12)" in _refusal(zip_bytes(_template_members() + [bz]), "kh.docx").message
    locked = deflated("word/document.xml", xml)
    locked = Member(locked.name, locked.raw, locked.crc, locked.size, flags=1)
    assert "đặt mật khẩu" in _refusal(zip_bytes(_template_members() + [locked]), "kh.docx").message


@pytest.mark.unit
def test_damaged_part_is_refused_as_damaged():
    m = deflated("word/document.xml", b"<w:document/>" * 100)
    broken = Member(m.name, m.raw[: len(m.raw) // 2], m.crc, m.size)
    assert "bị hỏng, không giải nén được phần word/document.xml" in _refusal(
        zip_bytes(_template_members() + [broken]), "kh.docx").message


@pytest.mark.unit
def test_sandbox_refusals_and_limits_become_plan_errors(monkeypatch):
    data = docx_with_body(b"<w:p><w:r><w:t>a</w:t></w:r></w:p>")

    def refuse(*args, **kw):
        raise sandbox.Refused("kh.docx", "Tệp kh.docx bị hỏng.", "Lưu lại.")

    monkeypatch.setattr(sandbox, "run", refuse)
    err = _refusal(data, "kh.docx")
    assert (err.message, err.hint) == ("Tệp kh.docx bị hỏng.", "Lưu lại.")
    for kind in ("memory", "time", "crash"):
        def limit(*args, kind=kind, **kw):
            raise sandbox.LimitExceeded(kind, f"Đọc tệp kh.docx vượt giới hạn ({kind}).", "biểu mẫu Excel")
        monkeypatch.setattr(sandbox, "run", limit)
        err = _refusal(data, "kh.docx")
        assert err.message == f"Đọc tệp kh.docx vượt giới hạn ({kind})." and "Excel" not in err.hint


@pytest.mark.unit
def test_shapes_python_docx_reads_in_quadratic_time_are_refused_in_the_child():
    def refusal(body: bytes) -> str:
        return _refusal(docx_with_body(body), "kh.docx").message

    wide = (b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p>'
            b"</w:tc></w:tr></w:tbl>")
    assert refusal(wide) == "Tệp kh.docx có một dòng bảng rộng 2.000.000.000 cột (tối đa 100)."
    first = b'<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr>'
    chain = b"<w:tbl>" + first + b"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * 201 + b"</w:tbl>"
    assert refusal(chain) == "Tệp kh.docx có 201 ô bảng gộp dọc (tối đa 200)."
    tabs = b"<w:p><w:r>" + b"<w:t>a</w:t><w:tab/>" * 600 + b"</w:r></w:p>"
    assert "một đoạn chữ cùng định dạng gồm 1.200 thành phần" in refusal(tabs)
    links = b"<w:p>" + b"<w:r><w:t>a</w:t></w:r><w:hyperlink/>" * 3000 + b"</w:p>"
    assert refusal(links) == "Tệp kh.docx có một đoạn văn gồm 6.000 thành phần (tối đa 5.000)."


@pytest.mark.app
def test_a_child_out_of_memory_costs_only_the_request(monkeypatch):
    """The real sandbox with a memory limit python-docx cannot live in: a refusal, not a crash."""
    monkeypatch.setattr(settings, "PLAN_READ_MEMORY_MB", 10)
    err = _refusal(docx_with_body(b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"), "kh.docx")
    assert err.message.startswith("Đọc tệp kh.docx cần quá 10 MB bộ nhớ") and "Excel" not in err.hint
