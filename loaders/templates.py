"""The Excel report template (docs/template.md): one workbook per (plan, reporting agency, period),
and the compilation template (biểu tổng hợp) with one row per (reporting unit, target).

Written with openpyxl, which keeps protection, dropdowns and hidden sheets through a round trip.
The hidden sheet records what the workbook is for and the locked content of every row, so the
reader can refuse a workbook meant for something else or whose locked cells were edited."""
from __future__ import annotations

import io
import zlib
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import fmt, periods, signing
from indicators.scopes import agency_targets, compilation_targets, name_key, plan_agency_keys, units_of
from indicators.models import RATE_UNITS, Plan, Target
from indicators.settings import TEMPLATE_VERSION, now_local
from indicators.status import MILESTONE_ANSWERS
from indicators.validation import RATE_RANGE
from loaders.cells import BORDER as _BORDER
from loaders.cells import header as _header
from loaders.cells import put as _put  # text stays text, never a formula (shared with exports)

REPORT_SHEET = "Báo cáo"
COMPILATION_SHEET = "Biểu tổng hợp"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_thong_tin"
MARKER = "bao-cao-chi-tieu-tre-em"
HEADERS = ["Mã chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu kế hoạch",
           "Kết quả thực hiện", "Tử số", "Mẫu số", "Ghi chú"]
UNIT_HEADER = "Đơn vị báo cáo"
HEADER_ROW = 8
META_ROWS_START = 20  # in the hidden sheet, the listing of rows starts here
SHEET_OF_KIND = {"agency": REPORT_SHEET, "compilation": COMPILATION_SHEET}  # the table's sheet, by template kind
SIGNATURE = "chu_ky"  # the identity line holding the HMAC of the others and of the row records

_INPUT_FILL = PatternFill("solid", fgColor="FFF4C2")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class Identity:
    """What a workbook is for."""

    plan: str
    agency: str
    period: str
    kind: str = "agency"  # "agency" | "compilation"
    version: str = TEMPLATE_VERSION


@dataclass(frozen=True)
class TemplateRow:
    """One row of the template to fill in: a target (and, in a compilation, a reporting unit)."""

    target: Target
    unit: str | None = None  # reporting unit (compilation only)
    prefill: dict = field(default_factory=dict)
    category: str | None = None  # one category of a disaggregated target (its "trong đó: …" row); None: the whole


def value_columns(kind: str) -> tuple[int, int, int, int]:
    """0-based columns of Kết quả thực hiện, Tử số, Mẫu số, Ghi chú (the editable cells) in a template
    of this kind (a compilation has the unit column first)."""
    first = HEADERS.index("Kết quả thực hiện") + (1 if kind == "compilation" else 0)
    return first, first + 1, first + 2, first + 3


def _limit(unit: str, end: int) -> str:
    """A bound of validation.RATE_RANGE as the data validation writes it ("0", "100")."""
    return f"{RATE_RANGE[unit][end]:g}"


def text_crc(text: str) -> str:
    return format(zlib.crc32(text.encode("utf-8")), "08x")


CATEGORY_LABEL = "trong đó: "  # the text cell of a category row: "trong đó: nông thôn"


def category_label(name: str) -> str:
    """The text cell of a disaggregated target's row for one category."""
    return CATEGORY_LABEL + name


def category_of_label(text: str) -> str | None:
    """The category a row's text cell names ("trong đó: nông thôn" -> "nông thôn"), or None."""
    text = str(text or "").strip()
    return text[len(CATEGORY_LABEL):].strip() or None if text.startswith(CATEGORY_LABEL) else None


def category_goal(t: Target, name: str) -> str:
    """The category's own target in words ("≥ 65%"), or "—" when the plan states none for it."""
    c = t.for_category(name)
    return fmt.goal(c) if c.target is not None or c.milestones else "—"


def target_cells(t: Target, category: str | None = None) -> tuple[str, str, str, str]:
    """The locked cells of a target's row: code, text, unit label, target in words (of one
    category's row: the target's code, "trong đó: <category>", unit label, the category's target)."""
    if category is not None:
        return t.code, category_label(category), fmt.UNIT_LABEL[t.unit], category_goal(t, category)
    return t.code, fmt.clean_text(t.text), fmt.UNIT_LABEL[t.unit], fmt.goal(t)  # clean: what people read


def locked_record(unit: str | None, cells: tuple[str, str, str, str], category: str | None = None) -> list[str]:
    """The locked content of a row as the hidden sheet records it (and the reader recomputes); a
    category row has the category as a sixth cell (a row of the whole has five, as before)."""
    code, text, unit_label, goal = cells
    return [unit or "", code, text_crc(text), unit_label, goal] + ([category] if category else [])




def build(plan: Plan, identity: Identity, rows: list[TemplateRow], key: bytes, approval=None) -> Workbook:
    compilation = identity.kind == "compilation"
    headers = ([UNIT_HEADER] if compilation else []) + HEADERS
    offset = 1 if compilation else 0
    period = plan.period(identity.period)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_OF_KIND[identity.kind]

    title = "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU" if compilation else "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14, color="1F4E79")
    ws["A1"].alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 24  # 14-pt capitals with Vietnamese accents (Ấ, Ổ) need more than 15 pt
    # Column widths in characters; column A holds the bold labels of rows 2-5 in the agency template.
    widths = ([26] if compilation else []) + [16, 70, 16, 24, 18, 12, 12, 30]  # "‰ (phần nghìn)" on one line
    last_col = len(widths)

    def lines_in(text, first: int, end: int | None = None) -> int:
        """How many lines `text` takes wrapped in columns first..end (1-based, end defaults to first),
        word by word at about one character per width unit (Calibri 11), rounded up."""
        room = max(1, sum(widths[first - 1:(end or first)]) - 1)
        total = 0
        for para in str(text or "").split("\n"):
            n, used = 1, 0
            for word in para.split():
                if used and used + 1 + len(word) <= room:
                    used += 1 + len(word)
                    continue
                n += 1 if used else 0
                used = len(word)
                while used > room:
                    n, used = n + 1, used - room
            total += n
        return total

    def height(n: int) -> float:
        return 15.0 * n + 2 if n > 1 else 15.0

    head = [
        ("Kế hoạch:", f"{plan.title} — {plan.issuer} ({plan.slug})"),
        ("Cơ quan báo cáo:" if not compilation else "Cơ quan tổng hợp:", identity.agency),
        ("Kỳ báo cáo:", f"{periods.label(identity.period)} ({identity.period})" + (
            "" if approval is None else f" — {approval.describe()}"
            + (": không nhận thêm số liệu cho kỳ này" if approval.locked else ""))),
        ("Hạn báo cáo:", ("không có hạn (kỳ cơ sở)" if periods.is_baseline(identity.period, plan)
                          else f"trước ngày {fmt.day(period.deadline)}" if period and period.deadline else "không có hạn")
         + (f" — gửi {period.recipient}" if period and period.recipient else "")),
    ]
    # The values of rows 2-5 and the note of row 6 are merged across the table and wrapped, with a
    # row height to match (no program autofits merged cells), so nothing is cut on screen or paper.
    top = Alignment(wrap_text=True, vertical="top")
    for i, (label, value) in enumerate(head, start=2):
        c = ws.cell(i, 1, label)
        c.font = Font(bold=True)
        c.alignment = Alignment(vertical="top")
        ws.cell(i, 2 + offset, value).alignment = top
        ws.merge_cells(start_row=i, start_column=2 + offset, end_row=i, end_column=last_col)
        ws.row_dimensions[i].height = height(lines_in(value, 2 + offset, last_col))
    note = ("Chỉ điền các ô màu vàng (Kết quả thực hiện, Tử số, Mẫu số, Ghi chú). Để trống nếu chưa có số liệu. "
            "Xem trang \"Hướng dẫn\".")
    c = ws.cell(6, 1, note)
    c.font = Font(italic=True, color="7F6000")
    c.alignment = top
    ws.merge_cells(start_row=6, start_column=1, end_row=6, end_column=last_col)
    ws.row_dimensions[6].height = height(lines_in(note, 1, last_col))

    _header(ws, HEADER_ROW, headers)
    ws.row_dimensions[HEADER_ROW].height = 32  # room for two lines of the wrapped bold labels

    # The decimal mark Excel / LibreOffice accept is the computer's (vi-VN: comma, en-US: point):
    # the messages show both, so "98,6" refused on an English machine explains itself.
    # Excel limits: titles 32 characters, messages 255.
    decimal_mark = "Số thập phân gõ theo dấu thập phân của máy: {} (máy cài tiếng Việt) hoặc {} (máy cài tiếng Anh)."
    no_grouping = "Gõ liền các chữ số, không gõ dấu chấm hay dấu phẩy ngăn cách hàng nghìn, ví dụ 21480."
    validations = {
        "%": DataValidation(type="decimal", operator="between", formula1=_limit("%", 0), formula2=_limit("%", 1),
                            allow_blank=True,
                            errorTitle="Tỷ lệ phần trăm",
                            error="Nhập số từ 0 đến 100, không gõ dấu %. " + decimal_mark.format("98,6", "98.6"),
                            promptTitle="Tỷ lệ %",
                            prompt="Nhập số từ 0 đến 100, không gõ dấu %. " + decimal_mark.format("98,6", "98.6")),
        "nonneg": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 errorTitle="Số không âm",
                                 error="Nhập số không âm, chỉ gõ số (không gõ ‰). " + decimal_mark.format("9,4", "9.4"),
                                 promptTitle="Số không âm",
                                 prompt="Nhập số không âm, chỉ gõ số (không gõ ‰). " + decimal_mark.format("9,4", "9.4")),
        "‰": DataValidation(type="decimal", operator="between", formula1=_limit("‰", 0), formula2=_limit("‰", 1),
                            allow_blank=True,
                            errorTitle="Tỷ suất phần nghìn",
                            error="Nhập số từ 0 đến 1000, chỉ gõ số (không gõ ‰). " + decimal_mark.format("9,4", "9.4"),
                            promptTitle="Tỷ suất ‰",
                            prompt="Nhập số từ 0 đến 1000, chỉ gõ số (không gõ ‰). " + decimal_mark.format("9,4", "9.4")),
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                errorTitle="Số nguyên", error="Nhập số nguyên không âm. " + no_grouping,
                                promptTitle="Số nguyên", prompt="Nhập số nguyên không âm. " + no_grouping),
        "milestone": DataValidation(type="list", formula1='"' + ",".join(MILESTONE_ANSWERS) + '"', allow_blank=True,
                                    errorTitle="Mức thực hiện", error="Chọn một trong: " + ", ".join(MILESTONE_ANSWERS) + ".",
                                    promptTitle="Mức thực hiện", prompt="Chọn trong danh sách"),
        "ratio": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                errorTitle="Tử số / mẫu số", error="Nhập số không âm. " + no_grouping,
                                promptTitle="Tử số / mẫu số", prompt="Số đếm, không âm. " + no_grouping),
    }
    # (kind, column) -> [first row, last row] spans, merged while rows are contiguous
    ranges: dict[tuple[str, int], list[list[int]]] = {}

    def add_range(kind: str, col: int, row: int) -> None:
        spans = ranges.setdefault((kind, col), [])
        if spans and spans[-1][1] == row - 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])

    styles = _style_arrays(ws)
    meta_rows = []
    per_target: dict[tuple[str, str | None], tuple] = {}
    c_value, c_num, c_den, c_note = (c + 1 for c in value_columns(identity.kind))  # openpyxl counts from 1
    code_col = 1 + offset
    for i, line in enumerate(rows):
        r = HEADER_ROW + 1 + i
        t = line.target
        if (t.code, line.category) not in per_target:
            cells = target_cells(t, line.category)
            per_target[(t.code, line.category)] = (cells, max(lines_in(v, col) for col, v in enumerate(cells, start=1 + offset)))
        fixed, fixed_lines = per_target[(t.code, line.category)]
        cells = ([line.unit] if compilation else []) + list(fixed)
        for col, value in enumerate(cells, start=1):
            c = _put(ws, r, col, value)
            # every locked text wraps (target text, unit label, target in words, unit name), not the code;
            # a category's "trong đó: …" is indented under its target's text
            c._style = copy(styles["locked_text" if col == code_col
                                   else "locked_indent" if line.category is not None and col == code_col + 1
                                   else "locked_wrap"])
        rate = t.unit in RATE_UNITS
        number = t.kind != "milestone"
        pre = line.prefill or {}
        value = pre.get("text") if t.kind == "milestone" else pre.get("value")
        for col, v, style in ((c_value, value, "input_value" if number else "input"),
                              (c_num, pre.get("numerator"), "input_count" if rate else "locked"),
                              (c_den, pre.get("denominator"), "input_count" if rate else "locked"),
                              (c_note, pre.get("note"), "input_note")):
            c = _put(ws, r, col, v)
            c._style = copy(styles[style])
        # explicit heights for wrapped rows: not every program autofits rows when it opens a file
        n = max(fixed_lines, lines_in(line.unit, 1) if compilation else 1, lines_in(pre.get("note"), c_note))
        if n > 1:
            ws.row_dimensions[r].height = height(n)
        kind = ("milestone" if t.kind == "milestone" else t.unit if t.unit in ("%", "‰") else "count" if t.unit == "count"
                else "nonneg")
        add_range(kind, c_value, r)
        if rate:
            add_range("ratio", c_num, r)
            add_range("ratio", c_den, r)
        meta_rows.append(locked_record(line.unit, fixed, line.category))

    for kind, dv in validations.items():
        spans = [(col, first, last) for (k, col), runs in ranges.items() if k == kind for first, last in runs]
        if spans:
            dv.showErrorMessage = True
            dv.showInputMessage = True
            dv.sqref = MultiCellRange(" ".join(
                f"{get_column_letter(col)}{first}:{get_column_letter(col)}{last}" for col, first, last in spans))
            ws.add_data_validation(dv)

    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatCells = False  # people may still format cells (e.g. as %): the reader copes
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    def print_setup(sheet) -> None:
        """A4 landscape, one page wide and as many tall as needed, page numbers in the footer."""
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # 0: any number of pages tall
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        for side, inches in (("left", 0.4), ("right", 0.4), ("top", 0.6), ("bottom", 0.7), ("header", 0.3), ("footer", 0.3)):
            setattr(sheet.page_margins, side, inches)
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "Trang &P / &N"

    print_setup(ws)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"  # the table header on every printed page

    guide = wb.create_sheet(GUIDE_SHEET)
    _guide(guide, compilation, any(line.category is not None for line in rows))
    print_setup(guide)
    meta = wb.create_sheet(META_SHEET)
    _meta(meta, identity, len(rows), meta_rows, key)
    meta.sheet_state = "veryHidden"
    return wb


def _style_arrays(ws) -> dict:
    """Each cell style built once on a scratch cell; rows then copy the style array, which is
    much faster than assigning fonts, fills and borders cell by cell (openpyxl hashes each)."""
    specs = {
        "locked_text": (_LOCKED_FILL, True, "@", False),
        "locked_wrap": (_LOCKED_FILL, True, "@", True),
        "locked_indent": (_LOCKED_FILL, True, "@", True),
        "locked": (_LOCKED_FILL, True, "General", False),
        "input": (_INPUT_FILL, False, "General", False),
        "input_value": (_INPUT_FILL, False, "#,##0.###", False),
        "input_count": (_INPUT_FILL, False, "#,##0", False),
        "input_note": (_INPUT_FILL, False, "@", True),
    }
    out = {}
    scratch = ws.cell(ws.max_row + 50, 50)
    for name, (fill, locked, number_format, wrap) in specs.items():
        scratch.fill = fill
        scratch.border = _BORDER
        scratch.protection = Protection(locked=locked)
        scratch.number_format = number_format
        scratch.alignment = Alignment(wrap_text=wrap, vertical="top", indent=2 if name == "locked_indent" else 0)
        out[name] = copy(scratch._style)
    ws._cells.pop((scratch.row, scratch.column), None)
    return out


def _guide(ws, compilation: bool, categories: bool = False) -> None:
    lines = [
        "HƯỚNG DẪN ĐIỀN BIỂU MẪU",
        "",
        "1. Chỉ điền các ô màu vàng. Các ô màu xám (mã, nội dung, đơn vị tính, chỉ tiêu) đã khóa; không sửa, không thêm hay xóa dòng.",
        "2. Kết quả thực hiện: chỉ gõ số theo đơn vị tính của chỉ tiêu, không gõ dấu % hay ‰: 98,6 cho 98,6%; 9,4 cho 9,4‰; 440 cho 440/100.000.",
        "   Số thập phân gõ theo dấu thập phân của máy: 98,6 (máy cài tiếng Việt) hoặc 98.6 (máy cài tiếng Anh).",
        "   Nếu ô báo lỗi khi gõ 98,6 thì gõ 98.6, và ngược lại.",
        "3. Chỉ tiêu tính theo % nhận số từ 0 đến 100; chỉ tiêu ‰ và /100.000 nhận số không âm; chỉ tiêu đếm số lượng nhận số nguyên.",
        "4. Tử số, Mẫu số (nếu có): số đếm dùng để tính tỷ lệ, ví dụ 186 trẻ tử vong / 21480 trẻ sinh sống. Tử số không lớn hơn mẫu số;",
        "   số đếm gõ liền các chữ số, không gõ dấu chấm hay dấu phẩy ngăn cách hàng nghìn (gõ 21480, không gõ 21.480 hay 21,480);",
        "   kết quả phải khớp với tử số / mẫu số (sai khác không quá phần làm tròn). Có thể chỉ nhập tử số và mẫu số, bỏ trống kết quả.",
        "5. Chỉ tiêu mốc (hoạt động): chọn trong danh sách: Đã thực hiện, Đang thực hiện, Chưa thực hiện.",
        "6. Ô để trống nghĩa là chưa báo cáo chỉ tiêu đó. Số đã báo cáo trước đây được điền sẵn: sửa số nào thì số đó được cập nhật,",
        "   số cũ vẫn được lưu trong lịch sử.",
        "7. Biểu mẫu chỉ dùng cho đúng kế hoạch, cơ quan và kỳ báo cáo ghi ở đầu trang; muốn báo cáo kỳ khác, tải biểu mẫu của kỳ đó.",
        "8. Lưu tệp dạng Excel (.xlsx), không lưu dạng .xls, .xlsm hay .csv. Sau khi tải lên, hệ thống cho xem trước từng thay đổi",
        "   trước khi ghi; nếu có lỗi, hệ thống chỉ rõ ô cần sửa và không ghi gì cả.",
    ]
    if categories:  # only in a template that has category rows: the others keep their guide as before
        at = next(i for i, text in enumerate(lines) if text.startswith("7. "))
        lines.insert(at, "6a. Dòng \"trong đó: …\" ngay dưới một chỉ tiêu (ví dụ trong đó: nông thôn, trong đó: thành thị) ghi số "
                         "liệu riêng của nhóm đó (phân tổ); để trống nếu chưa có số liệu. Nếu để trống dòng của chỉ tiêu chung, "
                         "kết quả chung được tính từ tổng tử số / tổng mẫu số của các phân tổ (chỉ tiêu số lượng: tổng các phân tổ), "
                         "khi mọi phân tổ đều có số liệu.")
    if compilation:
        lines.insert(2, "0. Biểu tổng hợp: mỗi dòng là một đơn vị báo cáo (cột \"Đơn vị báo cáo\") với một chỉ tiêu.")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text).alignment = wrap  # wraps rather than running off the printed page
        if len(text) > 138:  # about 138 characters fit in the 140-wide column
            ws.row_dimensions[i].height = 15.0 * -(-len(text) // 138) + 2
    ws["A1"].font = Font(bold=True, size=13)
    ws.row_dimensions[1].height = 22  # 13-pt title with accents
    ws.column_dimensions["A"].width = 140
    ws.protection.sheet = True


def signed_cells(info: list[tuple[str, str]], rows: list[list[str]]) -> list[list[str]]:
    """What the signature covers: every identity line but the signature itself, and every row
    record: five cells, and a category row's sixth (a record without one signs as before categories)."""
    def record(r: list) -> list:
        r = list(r)
        base = r[:5] + [""] * (5 - len(r[:5]))
        return base + ([r[5]] if len(r) > 5 and signing.canon(r[5]) else [])

    return [[k, v] for k, v in info if k != SIGNATURE] + [record(r) for r in rows]


def _meta(ws, identity: Identity, n: int, rows: list[list[str]], key: bytes) -> None:
    info = [("loai", MARKER), ("phien_ban", identity.version), ("ke_hoach", identity.plan),
            ("co_quan", identity.agency), ("ky", identity.period), ("kieu", identity.kind),
            ("so_dong", str(n)), ("dong_tieu_de", str(HEADER_ROW)), ("tao_luc", now_local().isoformat())]
    info.append((SIGNATURE, signing.sign(key, signed_cells(info, rows))))
    for i, (k, v) in enumerate(info, start=1):
        ws.cell(i, 1, k)
        _put(ws, i, 2, v)
    for i, row in enumerate(rows):
        for j, v in enumerate(row, start=1):
            _put(ws, META_ROWS_START + i, j, v)
    ws.protection.sheet = True


def template_rows(targets: list[Target], prefill: dict[tuple[str, str, str | None], dict], units: list[str] | None = None,
                  agency: str = "") -> list[TemplateRow]:
    """Agency template: one row per target, then, for a disaggregated target, one per category (in
    the catalogue's order). Compilation: one per (target, unit), each followed by that unit's
    category rows, grouped by target so each target's rows are contiguous (one validation range per
    target). `prefill` is keyed (reporter, code, category)."""
    def rows_of(t: Target, who: str, unit: str | None) -> list[TemplateRow]:
        return [TemplateRow(t, unit, prefill.get((who, t.code, None), {}))] + [
            TemplateRow(t, unit, prefill.get((who, t.code, c), {}), category=c) for c in t.category_names]

    if units is None:
        return [r for t in targets for r in rows_of(t, agency, None)]
    return [r for t in targets for u in units for r in rows_of(t, u, u)]


def to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_for(store, slug: str, agency: str, period: str, units: list[str] | None = None) -> tuple[str, bytes]:
    """(file name, workbook bytes) of the template for an agency, or of a compilation template
    when `units` is given, prefilled with the values already reported for that period."""
    from indicators.errors import UsageError

    plan = store.plan(slug)
    periods.check_accepted(plan, period)
    agencies = plan.all_agencies()
    if agency not in agencies:
        raise UsageError(f"Kế hoạch {slug} không có cơ quan \"{agency}\".",
                         "Các cơ quan của kế hoạch: " + "; ".join(agencies) + ".")
    targets = store.targets(slug)
    if units is None:
        targets = agency_targets(targets, agency)
        if not targets:
            raise UsageError(f"Cơ quan \"{agency}\" không chủ trì hay phối hợp chỉ tiêu nào của kế hoạch {slug}.")
        prefill = store.current_values_many(slug, [agency], period)
        identity = Identity(slug, agency, period)
        name = f"bao-cao-{slug}-{fmt.ascii_slug(agency)}-{period}.xlsx"
    else:
        units = list(dict.fromkeys(u.strip() for u in units if u.strip()))
        if not units:
            raise UsageError("Danh sách đơn vị báo cáo đang trống.", "Mỗi dòng của tệp danh sách là tên một đơn vị.")
        plan_agencies = plan_agency_keys(plan)
        named = [u for u in units if name_key(u) in plan_agencies]
        if named:
            raise UsageError(f"Đơn vị báo cáo trong biểu tổng hợp không được là cơ quan của kế hoạch: {'; '.join(named)}.",
                             "Biểu tổng hợp dành cho các đơn vị cấp dưới (xã, phường); mỗi cơ quan tự nộp báo cáo của mình.")
        known = units_of(plan, store.registered_units(slug), agency)
        strangers = [u for u in units if name_key(u) not in known]
        if strangers:
            raise UsageError(f"Chưa đăng ký đơn vị báo cáo cho {agency} trong kế hoạch {slug}: {'; '.join(strangers[:5])}"
                             + (f" và {len(strangers) - 5} đơn vị khác" if len(strangers) > 5 else "") + ".",
                             f"Quản trị đăng ký trước: python -m indicators units add {slug} --agency \"{agency}\" TÊN_ĐƠN_VỊ …")
        units = list(dict.fromkeys(known[name_key(u)] for u in units))
        targets = compilation_targets(targets, agency)
        prefill = store.current_values_many(slug, units, period)
        identity = Identity(slug, agency, period, kind="compilation")
        name = f"bieu-tong-hop-{slug}-{fmt.ascii_slug(agency)}-{period}.xlsx"
    wb = build(plan, identity, template_rows(targets, prefill, units, agency), store.secret(signing.KEY_NAME),
               store.approval(slug, period))
    return name, to_bytes(wb)
