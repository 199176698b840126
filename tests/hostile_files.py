"""The hostile-upload corpus: files crafted to exhaust the memory, time or patience of the reader of
uploaded reports, BUILT BY CODE from a real template made by the product (Sơn La 2026, Sở Tư pháp,
2026-H1: the agency the staff account of the tests holds) and then manipulated at the zip / XML level.

Each generator takes a Store (the template's catalogue comes from it) and returns
(file name, bytes). `KINDS` maps a kind to its generator and a one-line description of what the
file attacks; tests/test_hostile_uploads.py runs every kind through the real command line.

Sizes: every file is far below the upload limit (20 MB); the compressed bombs are under 1 MB. The
large members are deflated without ever being held whole in memory: a 1 MB block is compressed
once, ending on a full flush (a restart point: byte-aligned, no reference to earlier data), and
those compressed bytes are repeated, which is a valid deflate stream of the repeated block.

Nothing here is stored as a binary fixture: a change to the template generator changes the corpus."""
from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from loaders.templates import META_SHEET, REPORT_SHEET, template_for

KEY = ("son-la-2026", "Sở Tư pháp", "2026-H1")  # plan, agency, period of every template used
MB = 1024 * 1024
EXCEL_MAX_ROW, EXCEL_MAX_COLUMN = 1_048_576, 16_384
FAR_CELL = "XFD1048576"  # the last cell of an Excel sheet

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


# -- zip bytes, written by hand ---------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One zip entry as stored: `raw` is the raw deflate stream (method 8) or the bytes (method 0)."""

    name: str
    raw: bytes
    crc: int
    size: int  # the real uncompressed size
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, body: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(body) + c.flush(), zlib.crc32(body), len(body))


def stored(name: str, body: bytes) -> Member:
    return Member(name, body, zlib.crc32(body), len(body), zipfile.ZIP_STORED)


def repeated(name: str, head: bytes, unit: bytes, count: int, tail: bytes) -> Member:
    """head + unit × count + tail, deflated without building it: one ~1 MB block of units is
    compressed once up to a full flush and its compressed bytes are repeated."""
    per_block = max(1, MB // len(unit))
    blocks, rest = divmod(count, per_block)
    block = unit * per_block
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [c.compress(head), c.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(head)
    if blocks:
        out.append((c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)) * blocks)
        for _ in range(blocks):
            crc = zlib.crc32(block, crc)
    end = unit * rest + tail
    out += [c.compress(end), c.flush()]
    crc = zlib.crc32(end, crc)
    return Member(name, b"".join(out), crc, len(head) + len(unit) * count + len(tail))


def build_zip(members: list[Member]) -> bytes:
    """A plain zip (no zip64, no extra fields), entries in the given order."""
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if m.name.isascii() else 0x800  # UTF-8 names
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, m.method, 0, 0x21, m.crc, len(m.raw), m.size,
                              len(name), 0))
        out.write(name)
        out.write(m.raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, m.method, 0, 0x21, m.crc,
                                   len(m.raw), m.size, len(name), 0, 0, 0, 0, 0, offset) + name)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def central_entries(data: bytes) -> list[dict]:
    """Every central-directory entry with its local header's declared sizes (for the checks)."""
    eocd = data.rindex(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HII", data, eocd + 10)
    out, pos = [], start
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02", "not a central directory entry"
        method, _, _, crc, csize, usize, nlen, elen, clen = struct.unpack_from("<HHHIIIHHH", data, pos + 10)
        local = struct.unpack_from("<I", data, pos + 42)[0]
        name = data[pos + 46:pos + 46 + nlen].decode("utf-8")
        l_csize, l_usize, l_nlen, l_elen = struct.unpack_from("<IIHH", data, local + 18)
        out.append({"name": name, "method": method, "crc": crc, "compress_size": csize, "file_size": usize,
                    "local_file_size": l_usize, "data_offset": local + 30 + l_nlen + l_elen, "central_pos": pos,
                    "local_pos": local})
        pos += 46 + nlen + elen + clen
    return out


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the local and the central header of `name` declare `size` uncompressed bytes."""
    buf = bytearray(data)
    hits = [e for e in central_entries(data) if e["name"] == name]
    assert hits, name
    for e in hits:
        struct.pack_into("<I", buf, e["central_pos"] + 24, size)
        struct.pack_into("<I", buf, e["local_pos"] + 22, size)
    return bytes(buf)


# -- the template, as parts -------------------------------------------------------------------------


def template_parts(store) -> tuple[str, dict[str, bytes]]:
    """(file name, {member: uncompressed bytes}) of the real template, in archive order."""
    name, data = template_for(store, *KEY)
    zf = zipfile.ZipFile(io.BytesIO(data))
    return name, {i.filename: zf.read(i.filename) for i in zf.infolist()}


def sheet_member(parts: dict[str, bytes], sheet: str) -> str:
    """The member holding a sheet's XML, found through workbook.xml and its relationships."""
    wb = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    rid = next(s.get(f"{{{_REL}}}id") for s in wb.iter(f"{{{_MAIN}}}sheet") if s.get("name") == sheet)
    target = next(r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship") if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def xlsx(parts: dict[str, bytes | Member], extra: list[Member] = ()) -> bytes:
    members = [v if isinstance(v, Member) else deflated(k, v) for k, v in parts.items()]
    return build_zip(members + list(extra))


def file_name(template_name: str, kind: str, ext: str = ".xlsx") -> str:
    return f"{template_name.rsplit('.', 1)[0]}-{kind}{ext}"


def split_at(xml: bytes, marker: bytes) -> tuple[bytes, bytes]:
    i = xml.index(marker)
    return xml[:i], xml[i:]


def last_row(xml: bytes) -> int:
    return max(int(r) for r in re.findall(rb'<row r="(\d+)"', xml))


def replace_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """Put `cell` in place of the cell `ref` of the sheet XML (which the template always writes)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    assert pattern.search(xml), ref
    return pattern.sub(lambda _: cell, xml, count=1)


def note_ref(xml: bytes) -> str:
    """The Ghi chú cell (column H) of the last data row (the only one in Sở Tư pháp's template)."""
    return f"H{last_row(xml)}"


# -- far cells --------------------------------------------------------------------------------------


def _far_cell(store, sheet: str, kind: str, dimension: bytes | None) -> tuple[str, bytes]:
    name, parts = template_parts(store)
    path = sheet_member(parts, sheet)
    xml = _DIMENSION.sub(dimension or b"", parts[path])
    xml = xml.replace(b"</sheetData>", f'<row r="{EXCEL_MAX_ROW}"><c r="{FAR_CELL}" t="n"><v>1</v></c></row>'
                                       "</sheetData>".encode())
    parts[path] = xml
    return file_name(name, kind), xlsx(parts)


def far_cell_report(store):
    return _far_cell(store, REPORT_SHEET, "far-cell-report", None)


def far_cell_report_lying_dimension(store):
    return _far_cell(store, REPORT_SHEET, "far-cell-report-lying-dimension", b'<dimension ref="A1:H20"/>')


def far_cell_meta(store):
    return _far_cell(store, META_SHEET, "far-cell-meta", None)


# -- implied positions ------------------------------------------------------------------------------

IMPLIED_ROWS = 1_048_000  # empty <row/> elements, no r attribute


def rows_without_r(store):
    """The template's rows, then 1.048.000 empty <row/> without r, then a row (no r) with a value:
    the value's implied row is about 1.048.010. The template's own <dimension> (A1:H9) stays, lying."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    head, tail = split_at(parts[path], b"</sheetData>")
    tail = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' + tail
    parts[path] = repeated(path, head, b"<row/>", IMPLIED_ROWS, tail)
    return file_name(name, "rows-without-r"), xlsx(parts)


def cells_without_r(store):
    """16.376 <c> without r appended to the last data row after its 8 cells: implied columns I to XFD."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    xml = parts[path]
    start = xml.index(f'<row r="{last_row(xml)}"'.encode())
    end = xml.index(b"</row>", start)
    cells = re.findall(rb"<c\b", xml[start:end])
    parts[path] = repeated(path, xml[:end], b"<c><v>1</v></c>", EXCEL_MAX_COLUMN - len(cells), xml[end:])
    return file_name(name, "cells-without-r"), xlsx(parts)


# -- decompression bombs ----------------------------------------------------------------------------

SST_BYTES = 350 * MB
STYLES_BYTES = 300 * MB
CELL_TEXT_BYTES = 300 * MB
LYING_BYTES = 450 * MB  # more than the 400 MB a truthful header may declare (settings.MAX_UNPACKED_BYTES)


def _add_relationship(parts: dict, rid: str, rel_type: str, target: str, part: str, content_type: str) -> None:
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{_REL}/{rel_type}" '
                                                           f'Target="{target}"/></Relationships>'.encode())
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"</Types>", f'<Override PartName="{part}" ContentType="{content_type}"/>'
                                                     "</Types>".encode())


def shared_strings_bomb(store):
    """xl/sharedStrings.xml of ~21 million one-letter strings (350 MB), the note cell of the data
    row pointing at the last one; the archive is under 1 MB and declares its real sizes."""
    name, parts = template_parts(store)
    unit = b"<si><t>x</t></si>"
    count = SST_BYTES // len(unit)
    head = f'<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'.encode()
    _add_relationship(parts, "rIdSst", "sharedStrings", "sharedStrings.xml", "/xl/sharedStrings.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    path = sheet_member(parts, REPORT_SHEET)
    parts[path] = replace_cell(parts[path], note_ref(parts[path]),
                               f'<c r="{note_ref(parts[path])}" t="s"><v>{count - 1}</v></c>'.encode())
    sst = repeated("xl/sharedStrings.xml", head, unit, count, b"</sst>")
    return file_name(name, "shared-strings-bomb"), xlsx(parts, [sst])


def zip_bomb_lying_header(store):
    """The report sheet padded with 450 MB of blanks after </sheetData> (well-formed XML, true
    CRC), both its local and central headers then patched to declare the template's 4 KB."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    original = parts[path]
    head, tail = split_at(original, b"<sheetProtection")
    unit = b" " * 64
    parts[path] = repeated(path, head, unit, (LYING_BYTES - len(original)) // len(unit), tail)
    return file_name(name, "zip-bomb-lying-header"), patch_declared_size(xlsx(parts), path, len(original))


def styles_bomb(store):
    """xl/styles.xml with ~17 million <xf/> cell formats (300 MB, true sizes): a reader building a
    DOM of the styles (to find %-formatted cells) holds every one as an object."""
    name, parts = template_parts(store)
    styles = parts["xl/styles.xml"]
    head, tail = split_at(styles, b"</cellXfs>")
    unit = b'<xf numFmtId="0"/>'
    parts["xl/styles.xml"] = repeated("xl/styles.xml", head, unit, (STYLES_BYTES - len(styles)) // len(unit), tail)
    return file_name(name, "styles-bomb"), xlsx(parts)


def huge_cell_text(store):
    """One note cell (Ghi chú) of the report sheet holding a 300 MB inline string."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    ref = note_ref(parts[path])
    marker = b"\x00CUT\x00"
    xml = replace_cell(parts[path], ref, f'<c r="{ref}" t="inlineStr"><is><t>'.encode() + marker + b"</t></is></c>")
    head, tail = xml.split(marker)
    parts[path] = repeated(path, head, b"x", CELL_TEXT_BYTES, tail)
    return file_name(name, "huge-cell-text"), xlsx(parts)


# -- the archive itself -----------------------------------------------------------------------------

EXTRA_MEMBERS = 50_000


def too_many_members(store):
    """The template plus 50.000 one-byte members (xl/media/…); about 6 MB."""
    name, parts = template_parts(store)
    extra = [stored(f"xl/media/image{i:05d}.png", b"\x89") for i in range(EXTRA_MEMBERS)]
    return file_name(name, "too-many-members"), xlsx(parts, extra)


def duplicate_members(store):
    """Two entries named like the report sheet: the first with a cell at XFD1048576 and no
    <dimension>, the second the template's own. Zip readers disagree on which one counts, so a
    check and a read may see different sheets."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    far = _DIMENSION.sub(b"", parts[path]).replace(
        b"</sheetData>", f'<row r="{EXCEL_MAX_ROW}"><c r="{FAR_CELL}" t="n"><v>1</v></c></row></sheetData>'.encode())
    members = []
    for k, v in parts.items():
        if k == path:
            members.append(deflated(k, far))
        members.append(deflated(k, v))
    return file_name(name, "duplicate-members"), build_zip(members)


# -- big but honest ---------------------------------------------------------------------------------

REAL_ROWS = 200_000


def huge_row_count(store):
    """200.000 real rows (code, value, note; every cell with its r) under the table and a truthful
    <dimension>: the way a spreadsheet program saves a table pasted 200.000 times."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    xml = parts[path]
    first = last_row(xml) + 1
    code_cell = rb'<c r="A' + str(first - 1).encode() + rb'"[^>]*><is><t>([^<]*)</t>'
    code = re.search(code_cell, xml).group(1).decode()
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{code}</t></is></c><c r="E{r}" t="n">'
                   f'<v>{r % 100}</v></c><c r="H{r}" t="inlineStr"><is><t>dòng {r}</t></is></c></row>'
                   for r in range(first, first + REAL_ROWS))
    xml = _DIMENSION.sub(f'<dimension ref="A1:H{first + REAL_ROWS - 1}"/>'.encode(), xml)
    parts[path] = xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
    return file_name(name, "huge-row-count"), xlsx(parts)


SHEETS = 20_000


def many_sheets(store):
    """20.000 sheets listed in workbook.xml, each with its own relationship to the (shared) guide sheet."""
    name, parts = template_parts(store)
    guide = "/" + sheet_member(parts, "Hướng dẫn")
    sheets = "".join(f'<sheet name="Xã {i}" sheetId="{i + 100}" r:id="rIdXa{i}"/>' for i in range(SHEETS))
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", sheets.encode() + b"</sheets>").replace(b"<workbook ", f'<workbook xmlns:r="{_REL}" '.encode(), 1)
    rels = "".join(f'<Relationship Id="rIdXa{i}" Type="{_REL}/worksheet" Target="{guide}"/>' for i in range(SHEETS))
    key = "xl/_rels/workbook.xml.rels"
    parts[key] = parts[key].replace(b"</Relationships>", rels.encode() + b"</Relationships>")
    return file_name(name, "many-sheets"), xlsx(parts)


# -- XML that parses badly --------------------------------------------------------------------------

NESTING = 100_000


def deeply_nested_xml(store):
    """100.000 nested elements inside <sheetData> of the report sheet (after the table rows)."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    head, tail = split_at(parts[path], b"</sheetData>")
    parts[path] = head + b"<x>" * NESTING + b"</x>" * NESTING + tail
    return file_name(name, "deeply-nested-xml"), xlsx(parts)


LAUGHS = ('<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                          for i in range(1, 10)))  # &lol9; is 10^9 × "lol", 3 GB


def xml_entity_expansion(store):
    """"Billion laughs": a DOCTYPE defining &lol9; (3 GB once expanded) in the report sheet, used in the note cell."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    ref = note_ref(parts[path])
    xml = replace_cell(parts[path], ref, f'<c r="{ref}" t="inlineStr"><is><t>&lol9;</t></is></c>'.encode())
    parts[path] = f"<!DOCTYPE worksheet [{LAUGHS}]>".encode() + xml
    return file_name(name, "xml-entity-expansion"), xlsx(parts)


def xml_entity_expansion_workbook(store):
    """"Billion laughs" in xl/workbook.xml (read before any sheet), &lol9; used in a defined name."""
    name, parts = template_parts(store)
    xml = parts["xl/workbook.xml"]
    name_xml = b'<definedName name="ghi_chu">&lol9;</definedName>'
    if b"<definedNames/>" in xml:
        xml = xml.replace(b"<definedNames/>", b"<definedNames>" + name_xml + b"</definedNames>")
    elif b"</definedNames>" in xml:
        xml = xml.replace(b"</definedNames>", name_xml + b"</definedNames>")
    else:
        xml = xml.replace(b"</sheets>", b"</sheets><definedNames>" + name_xml + b"</definedNames>")
    assert b"&lol9;" in xml
    parts["xl/workbook.xml"] = f"<!DOCTYPE workbook [{LAUGHS}]>".encode() + xml
    return file_name(name, "xml-entity-expansion-workbook"), xlsx(parts)


def xml_external_entity(store):
    """An external entity (file:///etc/passwd) declared in the report sheet and used in the note cell:
    a reader that resolves it would put the server's file into the database or a message."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    ref = note_ref(parts[path])
    xml = replace_cell(parts[path], ref, f'<c r="{ref}" t="inlineStr"><is><t>&xxe;</t></is></c>'.encode())
    parts[path] = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xml
    return file_name(name, "xml-external-entity"), xlsx(parts)


NOT_UTF8 = b"ghi ch\xfa \xc3\x28 \xff\xfe"  # Latin-1 ú, a broken 2-byte sequence, bytes never valid in UTF-8


def non_utf8_sheet(store):
    """The report sheet declared UTF-8, with bytes that are not UTF-8 in the note cell."""
    name, parts = template_parts(store)
    path = sheet_member(parts, REPORT_SHEET)
    ref = note_ref(parts[path])
    xml = replace_cell(parts[path], ref, f'<c r="{ref}" t="inlineStr"><is><t>'.encode() + NOT_UTF8 + b"</t></is></c>")
    parts[path] = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml
    return file_name(name, "non-utf8-sheet"), xlsx(parts)


def garbage_sheet(store):
    """The report sheet's member replaced by 64 KB of (seeded) random bytes."""
    name, parts = template_parts(store)
    parts[sheet_member(parts, REPORT_SHEET)] = random.Random(20260).randbytes(64 * 1024)
    return file_name(name, "garbage-sheet"), xlsx(parts)


# -- OpenDocument (.ods) ----------------------------------------------------------------------------

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_REPEAT_ROWS = 1_048_000
ODS_REPEAT_COLUMNS = 16_000


def _sheet_values(data: bytes) -> dict[str, list[list]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet: [list(r) for r in wb[sheet].iter_rows(values_only=True)] for sheet in (REPORT_SHEET, META_SHEET)}


def _ods_cell(v) -> str:
    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def ods_from_template(store, row_extra: dict[int, str] | None = None, after_rows: str = "") -> tuple[str, bytes]:
    """A minimal valid OpenDocument spreadsheet with the template's "Báo cáo" and (hidden)
    "_thong_tin" sheets, cell for cell. `row_extra`: XML appended to a report row (1-based);
    `after_rows`: XML appended after the report sheet's rows."""
    name, data = template_for(store, *KEY)
    values = _sheet_values(data)
    tables = []
    for sheet, rows in values.items():
        xml_rows = []
        for i, row in enumerate(rows, start=1):
            extra = (row_extra or {}).get(i, "") if sheet == REPORT_SHEET else ""
            xml_rows.append("<table:table-row>" + "".join(_ods_cell(v) for v in row) + extra + "</table:table-row>")
        if sheet == REPORT_SHEET:
            xml_rows.append(after_rows)
        style = ' table:style-name="ta_hidden"' if sheet == META_SHEET else ""
        tables.append(f"<table:table table:name={quoteattr(sheet)}{style}>"
                      f'<table:table-column table:number-columns-repeated="{max(len(r) for r in rows)}"/>'
                      + "".join(xml_rows) + "</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               '<office:automatic-styles><style:style style:name="ta_hidden" style:family="table">'
               '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
               "<office:body><office:spreadsheet>" + "".join(tables) + "</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
                f'manifest:media-type="{ODS_MIMETYPE.decode()}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    ods = build_zip([stored("mimetype", ODS_MIMETYPE), deflated("META-INF/manifest.xml", manifest.encode()),
                     deflated("content.xml", content.encode())])
    return name.rsplit(".", 1)[0] + ".ods", ods


_ODS_VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


def ods_rows_repeated(store):
    """.ods: after the table, one empty row repeated 1.048.000 times, then a row with a value."""
    name, data = ods_from_template(store, after_rows=(
        f'<table:table-row table:number-rows-repeated="{ODS_REPEAT_ROWS}"><table:table-cell/></table:table-row>'
        f"<table:table-row>{_ODS_VALUE}</table:table-row>"))
    return file_name(name, "ods-rows-repeated", ".ods"), data


def ods_columns_repeated(store):
    """.ods: the first data row ends with an empty cell repeated 16.000 times, then a value."""
    name, parts = template_parts(store)
    row = last_row(parts[sheet_member(parts, REPORT_SHEET)])
    name, data = ods_from_template(store, row_extra={row: (
        f'<table:table-cell table:number-columns-repeated="{ODS_REPEAT_COLUMNS}"/>{_ODS_VALUE}')})
    return file_name(name, "ods-columns-repeated", ".ods"), data


# -- the registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    make: Callable  # (store) -> (file name, bytes)
    attacks: str


KINDS: dict[str, Kind] = {
    "far-cell-report": Kind(far_cell_report, "one value at XFD1048576 of the report sheet, no <dimension>: a dense "
                                             "grid of 17 billion cells"),
    "far-cell-report-lying-dimension": Kind(far_cell_report_lying_dimension, "the same, with <dimension> claiming "
                                                                             "A1:H20: a reader trusting it is fooled"),
    "far-cell-meta": Kind(far_cell_meta, "the far cell in the hidden identity sheet, read before the agency check"),
    "rows-without-r": Kind(rows_without_r, "1.048.000 empty <row/> without r push a value to row ~1.048.010 "
                                           "(implied positions; a few KB compressed)"),
    "cells-without-r": Kind(cells_without_r, "16.376 <c> without r in one data row: implied columns up to XFD"),
    "shared-strings-bomb": Kind(shared_strings_bomb, "sharedStrings.xml of 21 million strings, 350 MB unpacked, "
                                                     "from a file under 1 MB with truthful headers"),
    "zip-bomb-lying-header": Kind(zip_bomb_lying_header, "a sheet member that declares 4 KB in both headers and "
                                                         "inflates to 450 MB"),
    "styles-bomb": Kind(styles_bomb, "styles.xml of 17 million <xf/> (300 MB unpacked): a DOM of the styles "
                                     "takes gigabytes"),
    "huge-cell-text": Kind(huge_cell_text, "one cell holding a 300 MB string"),
    "too-many-members": Kind(too_many_members, "50.000 tiny zip entries: the archive's index itself"),
    "duplicate-members": Kind(duplicate_members, "two entries with the report sheet's name (the first with a far "
                                                 "cell): a check and a read may see different sheets"),
    "huge-row-count": Kind(huge_row_count, "200.000 real rows under the table, truthful dimension, within the "
                                           "upload size"),
    "many-sheets": Kind(many_sheets, "20.000 sheets in workbook.xml"),
    "deeply-nested-xml": Kind(deeply_nested_xml, "100.000 nested elements in the report sheet: recursive parsers "
                                                 "and DOMs"),
    "xml-entity-expansion": Kind(xml_entity_expansion, "billion laughs in the report sheet, used in a cell"),
    "xml-entity-expansion-workbook": Kind(xml_entity_expansion_workbook, "billion laughs in workbook.xml, used in a "
                                                                         "defined name"),
    "xml-external-entity": Kind(xml_external_entity, "an external entity reading /etc/passwd into a cell"),
    "non-utf8-sheet": Kind(non_utf8_sheet, "bytes that are not UTF-8 in a sheet declared UTF-8"),
    "garbage-sheet": Kind(garbage_sheet, "the report sheet's member is 64 KB of random bytes"),
    "ods-rows-repeated": Kind(ods_rows_repeated, ".ods: number-rows-repeated=1048000 then a non-empty cell"),
    "ods-columns-repeated": Kind(ods_columns_repeated, ".ods: number-columns-repeated=16000 then a value"),
}
