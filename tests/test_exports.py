"""Briefing exports (issue 5): every exported file is opened with its own reader (openpyxl,
python-docx, python-pptx, Pillow) and its content checked against the status engine; Vietnamese
text intact; images embedded; the DỮ LIỆU MINH HỌA mark exactly when demo data is in the file;
text never becomes a formula; the export page and the `export` command.

Chart images need Chromium (Debian's `chromium`, which `make test` installs): without it these
tests fail with a message saying so; they are never skipped."""
from __future__ import annotations

import dataclasses
import io
import shutil
from datetime import datetime

import numpy as np
import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indicators import progress, status
from indicators.store import Row, Store
from loaders import exports, images
from tests.helpers import LEADER, run_cli

SON_LA, H1 = "son-la-2026", "2026-H1"
MADE = datetime(2026, 6, 15, 9, 30)
GROUP_SHEETS = ["Mục tiêu 1", "Mục tiêu 2", "Mục tiêu 3", "Mục tiêu 4"]


@pytest.fixture(scope="module")
def browser():
    """The system Chromium, started once for the module (kept warm like the app keeps it)."""
    path = images.chromium_path()
    assert path, ("Không tìm thấy Chromium (/usr/bin/chromium): các kiểm thử xuất hình cần trình duyệt của hệ điều hành. "
                  "Chạy `make test` (tự cài gói chromium của Debian) hoặc `apt-get install chromium fonts-noto-core`.")
    images.warm(block=True)
    yield path
    images.stop()


@pytest.fixture(scope="module")
def sets(demo_db, tmp_path_factory):
    """What the exports show, read from the demo database and from the same database after
    `remove_demo()`, with the status engine's own figures to compare against."""
    out = {}
    folder = tmp_path_factory.mktemp("exports")
    for name in ("demo", "real"):
        path = folder / f"{name}.duckdb"
        shutil.copy(demo_db, path)
        with Store(path) as s:
            if name == "real":
                s.remove_demo()
            assert s.has_demo(SON_LA) == (name == "demo")
            pp = progress.plan_progress(s, SON_LA, H1)
            out[name] = (exports.gather(s, SON_LA, H1, now=MADE), pp)
    return out


def texts_of_workbook(wb) -> str:
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Excel summary


@pytest.mark.store
@pytest.mark.parametrize("which", ["demo", "real"])
def test_excel_summary_matches_the_status_engine(sets, which):
    b, pp = sets[which]
    wb = load_workbook(io.BytesIO(exports.excel(b)))
    assert wb.sheetnames == ["Tổng quan"] + GROUP_SHEETS
    ov = wb["Tổng quan"]
    counts = {}
    for row in ov.iter_rows(min_row=1, max_row=40):
        label = row[1].value
        if label in status.LABEL.values() and row[2].data_type == "n" and label not in counts:
            counts[label] = row[2].value
    assert counts == {status.LABEL[s]: n for s, n in pp.counts().items()}

    for sheet, (code, members) in zip(GROUP_SHEETS, pp.by_group().items()):
        ws = wb[sheet]
        header = next(r[0].row for r in ws.iter_rows() if r[0].value == "Mã chỉ tiêu")
        assert [c.value for c in ws[header]] == exports.XLSX_HEADERS
        rows = [r for r in ws.iter_rows(min_row=header + 1) if r[0].value is not None]
        assert [r[0].value for r in rows] == [m.target.code for m in members]
        for r, m in zip(rows, members):
            assert r[0].data_type == "s"  # codes are text ("15a", never 15.0)
            assert r[6].value == status.LABEL[m.status]
            assert r[7].value == m.target.lead_agency
            assert r[8].value == m.judgement.explanation
            if m.target.kind != "milestone" and m.figure.value is not None:
                assert r[5].data_type == "n" and r[5].value == pytest.approx(m.figure.value)
                assert r[5].number_format != "General"  # a real number with a number format, not text
            if m.target.target is not None and m.target.kind in ("level", "count", "activity_count"):
                assert r[3].data_type == "n" and r[3].value == pytest.approx(m.target.target)
    text = texts_of_workbook(wb)
    assert "Sở Giáo dục và Đào tạo" in text and "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026" in text
    if pp.counts()[status.LAGGING]:
        assert "Chậm tiến độ" in text
    assert (exports.WATERMARK in text) == (which == "demo")
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)  # no formula anywhere


@pytest.mark.store
def test_excel_user_text_starting_like_a_formula_stays_text(demo_db, tmp_path):
    """An actual's note or an agency name starting with =, +, - or @ is written as text."""
    path = tmp_path / "inject.duckdb"
    shutil.copy(demo_db, path)
    notes = {"1": "=HYPERLINK(\"http://example.invalid\",\"bấm vào đây\")", "2": "+1+2", "6": "-2+3", "7": "@SUM(A1:A9)"}
    with Store(path) as s:
        s.remove_demo()
        s.record_submission(SON_LA, "Sở Y tế", H1, [Row(code, 50.0, note=note) for code, note in notes.items()],
                            actor="kiem.thu", file_name="bao-cao.xlsx", received_at=datetime(2026, 6, 1, 8, 0))
        b = exports.gather(s, SON_LA, H1, now=MADE)
    assert {k: b.notes[k] for k in notes} == notes
    rows = [dataclasses.replace(r, target=r.target.model_copy(update={"lead_agency": "=cmd|' /C calc'!A0"}))
            if r.target.code == "3" else r for r in b.progress.rows]
    b = dataclasses.replace(b, progress=dataclasses.replace(b.progress, rows=rows))
    wb = load_workbook(io.BytesIO(exports.excel(b)))
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                    seen[c.value] = c
    for text in list(notes.values()) + ["=cmd|' /C calc'!A0"]:
        assert text in seen, text
        assert seen[text].data_type == "s", text
        assert seen[text].quotePrefix, text  # editing the cell later keeps it text too


# ---------------------------------------------------------------------------------------------
# Chart images


@pytest.mark.app
def test_overview_png_is_1600_px_wide_with_caption_and_demo_mark(browser, sets):
    for which in ("demo", "real"):
        b, pp = sets[which]
        data = exports.export(b, "png")
        img = Image.open(io.BytesIO(data))
        assert img.format == "PNG" and img.size[0] == 1600 and img.size[1] > 400
        assert img.info["Title"] == "Từng chỉ tiêu so với chỉ tiêu kế hoạch (bên phải là tốt hơn)"
        caption = img.info["Description"]
        assert "UBND tỉnh Sơn La" in caption and "6 tháng đầu năm 2026" in caption and "Xuất ngày 15/06/2026" in caption
        assert ("Comment" in img.info) == (which == "demo")
        # the mark is drawn, not just described: faint red letters across the plot
        px = np.asarray(img.convert("RGB")).astype(int)
        r, g, bl = px[..., 0], px[..., 1], px[..., 2]
        pink = int(((r >= 236) & (r <= 246) & (g >= 210) & (g <= 228) & (bl >= 208) & (bl <= 226)).sum())
        assert (pink > 3000) == (which == "demo"), pink


@pytest.mark.app
def test_svg_and_pdf_carry_vietnamese_labels_numbers_and_the_mark(browser, sets):
    b, pp = sets["demo"]
    svg = exports.export(b, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg") or "<svg" in svg[:500]
    assert exports.WATERMARK in svg
    assert "Số liệu nhận đến ngày 14/05/2026" in svg and "Kỳ báo cáo: 6 tháng đầu năm 2026" in svg
    assert "Chậm tiến độ" in svg and "Mã chỉ tiêu" in svg
    row3 = next(r for r in pp.rows if r.target.code == "3")
    assert f"{str(round(row3.figure.value, 2)).replace('.', ',')}‰" in svg  # 9,3‰: comma decimals
    pdf = exports.export(b, "pdf")
    assert pdf[:5] == b"%PDF-" and len(pdf) > 5000
    b2, _ = sets["real"]
    assert exports.WATERMARK not in exports.export(b2, "svg").decode("utf-8")


@pytest.mark.app
def test_every_chart_exports_including_one_per_goal_group(browser, sets):
    b, pp = sets["demo"]
    keys = [c.key for c in exports.chart_list(b)]
    assert keys == ["tong-quan", "nhom-muc-tieu", "co-quan", "bao-cao", "muc-tieu-1", "muc-tieu-2", "muc-tieu-3", "muc-tieu-4"]
    for c in exports.chart_list(b):
        fig = exports.charts.briefing(c.figure, caption=b.caption(), demo=True)
        assert fig.layout.separators == ",."
        img = Image.open(io.BytesIO(exports.chart_image(b, c.key, "png", c=c)))
        assert img.size[0] == 1600, c.key


# ---------------------------------------------------------------------------------------------
# Word report


@pytest.mark.app
@pytest.mark.parametrize("which", ["demo", "real"])
def test_word_report(browser, sets, which):
    b, pp = sets[which]
    doc = Document(io.BytesIO(exports.word(b)))
    assert doc.core_properties.title.startswith("Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu")
    head = doc.tables[0]
    left, right = head.rows[0].cells[0].text, head.rows[0].cells[1].text
    assert "ỦY BAN NHÂN DÂN" in left and "TỈNH SƠN LA" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Sơn La, ngày 15 tháng 06 năm 2026" in right
    text = docx_text(doc)
    assert "Tóm tắt kết quả thực hiện các chỉ tiêu" in text or "Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu" in text

    counts = pp.counts()
    table = doc.tables[1]
    got = {row.cells[0].text.split(" ", 1)[1]: int(row.cells[1].text) for row in table.rows[1:-1]}
    assert got == {status.LABEL[s]: n for s, n in counts.items()}
    assert table.rows[-1].cells[1].text == str(len(pp.rows))

    every = doc.tables[2]
    listed = {row.cells[0].text: row.cells[4].text for row in every.rows[1:] if row.cells[0].text != row.cells[1].text}
    assert listed == {r.target.code: f"{status.SYMBOL[r.status]} {status.LABEL[r.status]}" for r in pp.rows}

    behind = pp.behind()
    if behind:
        lag = doc.tables[3]
        assert [row.cells[0].text for row in lag.rows[1:]] == [r.target.code for r in behind]
        assert [row.cells[3].text.split("\n")[0] for row in lag.rows[1:]] == [r.target.lead_agency for r in behind]
        assert "Chậm tiến độ" in text and "Sở Giáo dục và Đào tạo" in text
    pictures = len(doc.inline_shapes)
    assert pictures == sum(1 for c in exports.chart_list(b)[:3] if c.plotted) and pictures >= 2
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert (exports.WATERMARK in header) == (which == "demo")
    assert (exports.WATERMARK in text) == (which == "demo")


# ---------------------------------------------------------------------------------------------
# PowerPoint deck


@pytest.mark.app
@pytest.mark.parametrize("which", ["demo", "real"])
def test_powerpoint_deck(browser, sets, which):
    b, pp = sets[which]
    prs = Presentation(io.BytesIO(exports.powerpoint(b)))
    slides = list(prs.slides)
    titles = [slide_text(s).split("\n")[0] for s in slides]
    assert titles[0] == "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"
    assert titles[1].startswith(f"Tổng quan: {len(pp.rows)} chỉ tiêu")
    assert any(t.startswith("Chỉ tiêu cần chú ý") for t in titles)
    assert "Theo cơ quan chủ trì: chỉ tiêu theo tình trạng" in titles
    groups = [g.title for g in b.plan.goal_groups]
    assert titles[-len(groups):] == groups  # one slide per goal group, in plan order

    cards = {sh.name.removeprefix("status-"): int(sh.text_frame.text.split("\n")[-1])
             for sh in slides[1].shapes if sh.name.startswith("status-")}
    assert cards == pp.counts()
    behind = pp.behind()
    lag_rows = [row for s in slides if slide_text(s).startswith("Chỉ tiêu cần chú ý") for sh in s.shapes if sh.has_table
                for row in list(sh.table.rows)[1:]]
    assert [row.cells[0].text for row in lag_rows] == [r.target.code for r in behind]
    assert [row.cells[4].text for row in lag_rows] == [r.target.lead_agency for r in behind]

    pictures = sum(1 for s in slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    charts_with_bars = [c for c in exports.chart_list(b) if c.key not in ("tong-quan", "bao-cao") and c.plotted]
    assert pictures == len(charts_with_bars) and pictures >= 2
    marks = [any(sh.name == "demo-watermark" for sh in s.shapes) for s in slides]
    assert marks == [which == "demo"] * len(slides)
    everything = "\n".join(slide_text(s) for s in slides)
    assert "6 tháng đầu năm 2026" in everything and "Mục tiêu 3: Về giáo dục, văn hóa, vui chơi" in everything
    if behind:
        assert "Chậm tiến độ" in everything and "Sở Giáo dục và Đào tạo" in everything and "Sở Y tế" in everything


# ---------------------------------------------------------------------------------------------
# Without Chromium: everything but the images still works, and says why in Vietnamese


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    images.stop()
    monkeypatch.setenv("INDICATORS_CHROMIUM", str(tmp_path / "khong-co-chromium"))
    assert not images.available()
    yield
    monkeypatch.undo()


@pytest.mark.store
def test_without_chromium_files_still_export_with_a_note(no_browser, sets):
    b, pp = sets["demo"]
    with pytest.raises(images.NoBrowser, match="Không tìm thấy trình duyệt Chromium"):
        exports.export(b, "png")
    doc = Document(io.BytesIO(exports.word(b)))
    assert len(doc.inline_shapes) == 0
    assert "máy chủ không có trình duyệt Chromium" in docx_text(doc)
    prs = Presentation(io.BytesIO(exports.powerpoint(b)))
    assert not any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for s in prs.slides for sh in s.shapes)
    assert "máy chủ không có trình duyệt Chromium" in "\n".join(slide_text(s) for s in prs.slides)
    assert load_workbook(io.BytesIO(exports.excel(b))).sheetnames[0] == "Tổng quan"


@pytest.mark.store
def test_cli_without_chromium(no_browser, demo_db, tmp_path):
    # the command runs in this process: `no_browser` also stops the Chromium this process keeps warm
    out = run_cli("export", SON_LA, "--period", H1, "--format", "png", "-o", str(tmp_path / "a.png"), db=demo_db)
    assert out.returncode == 1 and "Không tìm thấy trình duyệt Chromium" in out.stderr and "apt-get install chromium" in out.stderr
    out = run_cli("export", SON_LA, "--period", H1, "--format", "docx", "-o", str(tmp_path / "a.docx"), db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "Không tìm thấy trình duyệt Chromium" in out.stdout
    assert len(Document(str(tmp_path / "a.docx")).inline_shapes) == 0


# ---------------------------------------------------------------------------------------------
# The command


@pytest.mark.app
def test_cli_exports_every_format(browser, demo_db, tmp_path):
    with Store(demo_db) as s:
        counts = progress.plan_progress(s, SON_LA, H1).counts()
    def export(fmt_):  # one database copy each, as a fresh file
        db = tmp_path / f"{fmt_}.duckdb"
        shutil.copy(demo_db, db)
        return run_cli("export", SON_LA, "--period", H1, "--format", fmt_, "-o", str(tmp_path / f"ra.{fmt_}"), db=db)

    # the commands run one after the other in this process, drawing with its warm Chromium (`browser`)
    results = {fmt_: export(fmt_) for fmt_ in exports.FORMATS}
    for fmt_, out in results.items():
        target = tmp_path / f"ra.{fmt_}"
        assert out.returncode == 0, (fmt_, out.stderr)
        assert "đã lưu" in out.stdout and exports.WATERMARK in out.stdout
        data = target.read_bytes()
        if fmt_ == "png":
            assert Image.open(target).size[0] == 1600
        elif fmt_ == "svg":
            assert b"<svg" in data[:1000]
        elif fmt_ == "pdf":
            assert data[:5] == b"%PDF-"
        elif fmt_ == "xlsx":
            assert load_workbook(target).sheetnames[0] == "Tổng quan"
        elif fmt_ == "docx":
            doc = Document(str(target))
            assert len(doc.inline_shapes) == 3
            table = doc.tables[1]
            assert [int(r.cells[1].text) for r in table.rows[1:-1]] == [counts[s] for s in status.STATUSES]
        else:
            assert len(Presentation(str(target)).slides) >= 7
    # --format may be left out: the suffix of -o decides
    out = run_cli("export", SON_LA, "--period", "2026", "-o", str(tmp_path / "nam.xlsx"), db=demo_db)
    assert out.returncode == 0, out.stderr


@pytest.mark.store
def test_cli_refuses_bad_format_and_period_with_exit_2(demo_db, tmp_path):
    out = run_cli("export", SON_LA, "--period", H1, "--format", "gif", "-o", str(tmp_path / "a.gif"), db=demo_db)
    assert out.returncode == 2 and "không hợp lệ" in out.stderr and "png" in out.stderr
    out = run_cli("export", SON_LA, "--period", "2026-H3", "-o", str(tmp_path / "a.xlsx"), db=demo_db)
    assert out.returncode == 2 and "Kỳ báo cáo \"2026-H3\" không hợp lệ" in out.stderr
    out = run_cli("export", SON_LA, "--period", "2024", "-o", str(tmp_path / "a.xlsx"), db=demo_db)
    assert out.returncode == 2 and "không có kỳ báo cáo" in out.stderr
    out = run_cli("export", SON_LA, "--period", H1, "--format", "docx", "-o", str(tmp_path / "a.pdf"), db=demo_db)
    assert out.returncode == 2 and "phải có đuôi .docx" in out.stderr
    out = run_cli("export", SON_LA, "--period", H1, "-o", str(tmp_path / "a.txt"), db=demo_db)
    assert out.returncode == 2 and "không hỗ trợ" in out.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.unit
def test_file_names_are_vietnamese_without_diacritics():
    assert exports.file_name("docx", SON_LA, H1) == "bao-cao-tom-tat-son-la-2026-2026-H1.docx"
    assert exports.file_name("pptx", SON_LA, "2026") == "trinh-chieu-son-la-2026-2026.pptx"
    assert exports.file_name("xlsx", SON_LA, H1) == "bang-tong-hop-chi-tieu-son-la-2026-2026-H1.xlsx"
    assert exports.file_name("png", SON_LA, H1) == "bieu-do-tong-quan-son-la-2026-2026-H1.png"
    assert exports.file_name("svg", SON_LA, H1, "muc-tieu-2") == "bieu-do-muc-tieu-2-son-la-2026-2026-H1.svg"


@pytest.mark.store
def test_every_plan_and_period_exports_without_images(no_browser, catalogue, demo_db, tmp_path):
    """Plans without goal groups, with milestones only, campaign plans: every file is made."""
    with Store(demo_db) as s:
        for slug, plan in catalogue.items():
            for code in plan.accepted_periods():
                b = exports.gather(s, slug, code, now=MADE)
                wb = load_workbook(io.BytesIO(exports.excel(b)))
                assert wb.sheetnames[0] == "Tổng quan", (slug, code)
                assert Document(io.BytesIO(exports.word(b))).tables, (slug, code)
                assert len(Presentation(io.BytesIO(exports.powerpoint(b))).slides) >= 4, (slug, code)


@pytest.mark.store
def test_national_programme_exports_carry_the_governing_milestone_and_past_verdicts(no_browser, demo_db):
    with Store(demo_db) as s:
        b = exports.gather(s, "qd23-2021-2030", "2027", now=MADE)
        by_code = {r.target.code: r for r in b.progress.rows}
        wb = load_workbook(io.BytesIO(exports.excel(b)))
        doc = docx_text(Document(io.BytesIO(exports.word(b))))
        at_2025 = exports.gather(s, "qd23-2021-2030", "2025", now=MADE)
        deck = "\n".join(slide_text(x) for x in Presentation(io.BytesIO(exports.powerpoint(at_2025))).slides)
    ws = wb[wb.sheetnames[1]]
    header = next(r[0].row for r in ws.iter_rows() if r[0].value == "Mã chỉ tiêu")
    assert [c.value for c in ws[header]] == exports.XLSX_HEADERS + ["Mốc đang xét", "Các mốc"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=header + 1) if r[0].value is not None}
    one = rows["1"]
    # 2027 is judged against the 2030 milestone (75%), the 2025 one keeps its verdict
    assert one[10].value == 2030 and one[3].value == pytest.approx(75)
    verdict_2025 = status.display(by_code["1"].milestones[0].status)
    assert one[11].value == f"Mốc 2025: {verdict_2025}; Mốc 2030: chưa đến"
    assert f"Mốc đang xét: 2030 · Mốc 2025: {verdict_2025}; Mốc 2030: chưa đến" in doc
    behind = at_2025.progress.behind()  # the demo misses some 2025 milestones
    assert behind and behind[0].milestone_note.startswith("Mốc đang xét: 2025 · Mốc 2025: ✖ Không đạt")
    assert behind[0].milestone_note in deck


# ---------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def export_app(demo_store, make_app):
    demo_store.close()  # the app opens the file itself
    return make_app(demo_store.location, user=LEADER, timeout=120, _plan=SON_LA, _period={SON_LA: H1})


def _buttons(at) -> dict[str, object]:
    return {b.label: b for b in at.button}


@pytest.mark.app
def test_export_page_makes_every_file(browser, export_app):
    at = export_app
    at.run()
    at.switch_page("pages/export.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Xuất báo cáo"]
    assert any("DỮ LIỆU MINH HỌA" in w.value for w in at.warning)
    labels = set(_buttons(at))
    assert {"Tạo báo cáo Word", "Tạo trình chiếu PowerPoint", "Tạo bảng tổng hợp Excel",
            "Tạo hình PNG", "Tạo hình SVG", "Tạo hình PDF"} <= labels
    assert not any(b.disabled for b in at.button)
    for label in ("Tạo báo cáo Word", "Tạo trình chiếu PowerPoint", "Tạo bảng tổng hợp Excel", "Tạo hình PNG"):
        _buttons(at)[label].click().run()
        assert not at.exception, (label, [e.message for e in at.exception])
        assert not at.error, (label, [e.value for e in at.error])
    made = {k[2]: v for k, v in at.session_state["_exports"].items()}
    assert set(made) == {"docx", "pptx", "xlsx", "png"}
    assert len(Document(io.BytesIO(made["docx"])).inline_shapes) == 3
    assert Image.open(io.BytesIO(made["png"])).size[0] == 1600
    downloads = [d.proto.label for d in at.get("download_button")]
    assert len(downloads) == 4 and all(label.startswith("Tải về .") for label in downloads)
    names = " ".join(c.value for c in at.caption)
    assert "bao-cao-tom-tat-son-la-2026-2026-H1.docx" in names and "bieu-do-tong-quan-son-la-2026-2026-H1.png" in names


@pytest.mark.app
def test_export_page_without_chromium_says_so(no_browser, export_app):
    at = export_app
    at.run()
    at.switch_page("pages/export.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Không tìm thấy trình duyệt Chromium" in w.value for w in at.warning)
    buttons = _buttons(at)
    assert all(buttons[f"Tạo hình {f}"].disabled for f in ("PNG", "SVG", "PDF"))
    buttons["Tạo báo cáo Word"].click().run()
    assert not at.exception and not at.error
    made = {k[2]: v for k, v in at.session_state["_exports"].items()}
    assert "máy chủ không có trình duyệt Chromium" in docx_text(Document(io.BytesIO(made["docx"])))


@pytest.mark.app
def test_export_page_is_in_the_navigation_under_bao_cao(export_app, navigation):
    at = export_app  # a leader: reads, never uploads
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert ("pages/export.py", "Xuất báo cáo") in navigation.sections["Báo cáo"], navigation.sections
    at.switch_page("pages/export.py").run()  # the registered page opens, with its own title
    assert not at.exception and [t.value for t in at.title] == ["Xuất báo cáo"]


@pytest.mark.app
def test_export_page_renders_for_every_plan_and_period(no_browser, export_app, catalogue):
    at = export_app
    at.run()
    at.switch_page("pages/export.py").run()
    for slug, plan in catalogue.items():
        at.selectbox(key="plan_select").select(slug).run()
        assert not at.exception, (slug, [e.message for e in at.exception])
        for p in plan.periods:
            at.selectbox(key=f"period_select_{slug}").select(p.code).run()
            assert not at.exception, (slug, p.code, [e.message for e in at.exception])
            charts_offered = at.selectbox(key=f"export_chart_{slug}").options
            assert charts_offered[0] == "Từng chỉ tiêu so với chỉ tiêu kế hoạch (bên phải là tốt hơn)"
