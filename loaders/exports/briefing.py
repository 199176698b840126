"""What every briefing export shows (issue 5): the plan's progress for a period, the agencies'
notes, the data date and the reports received; the export formats and their file names; the table
contents the Excel, Word and PowerPoint files share. Every figure, status and count comes from the
status engine (indicators.progress); the format modules only lay them out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from indicators import charts, fmt, periods, progress, reporting
from indicators.errors import UsageError
from indicators.progress import PlanProgress, TargetProgress
from indicators.settings import now_local
from loaders import images

FORMATS = ("png", "svg", "pdf", "xlsx", "docx", "pptx")
IMAGE_FORMATS = images.FORMATS
MIME = {
    **images.MIME,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FORMAT_LABEL = {"png": "Hình PNG", "svg": "Hình SVG", "pdf": "Hình PDF", "xlsx": "Bảng tổng hợp Excel",
                "docx": "Báo cáo Word", "pptx": "Trình chiếu PowerPoint"}
WATERMARK = fmt.DEMO_MARK  # on every file, image and slide that shows demo data
DEMO_NOTE = fmt.DEMO_NOTE
REPORT_TITLE = "Báo cáo tóm tắt kết quả thực hiện các chỉ tiêu"
OVERVIEW_CHART = "tong-quan"


# ---------------------------------------------------------------------------------------------
# What every export shows: the plan's progress for the period, the notes and the data date


@dataclass(frozen=True)
class Briefing:
    progress: PlanProgress
    notes: dict[str, str]  # target code -> the note(s) its figure's agencies wrote
    data_date: datetime | None  # the latest report received for this period
    made_at: datetime
    reports: dict  # period -> reporting.Summary: reports on time, late, missing, not yet due (at made_at)

    @property
    def plan(self):
        return self.progress.plan

    @property
    def period(self) -> str:
        return self.progress.period

    @property
    def demo(self) -> bool:
        return self.progress.has_demo

    @property
    def period_label(self) -> str:
        return periods.label(self.period)

    def approval_text(self) -> str:
        """"Số liệu đã duyệt (người duyệt, lúc …)" or "Số liệu chưa duyệt" (docs/reporting-cycle.md)."""
        a = self.progress.approval
        if a is None:
            return ""
        return f"Số liệu {a.describe()[0].lower()}{a.describe()[1:]}"

    def data_date_text(self) -> str:
        return f"số liệu nhận đến ngày {fmt.day(self.data_date)}" if self.data_date else "chưa có số liệu báo cáo của kỳ này"

    def caption(self) -> str:
        """Plan, period and data date: the caption of every chart and the footer of every slide."""
        return (f"{self.plan.issuer} — {self.plan.title} · Kỳ báo cáo: {self.period_label} · "
                f"{self.data_date_text().capitalize()}" + (f" · {self.approval_text()}" if self.approval_text() else "")
                + f" · Xuất ngày {fmt.day(self.made_at)}")


def gather(store, slug: str, period: str, *, now: datetime | None = None) -> Briefing:
    """Read what the exports show (raises UsageError for an unknown plan or period)."""
    pp = progress.plan_progress(store, slug, period)
    agencies = sorted({s.agency for r in pp.rows for s in r.figure.sources})
    values = store.current_values_many(slug, agencies, period) if agencies else {}
    notes = {}
    for r in pp.rows:
        found = [(s.agency, (values.get((s.agency, r.target.code, None)) or {}).get("note")) for s in r.figure.sources]
        found = [(a, n) for a, n in found if n]
        if len(found) == 1:
            notes[r.target.code] = found[0][1]
        elif found:
            notes[r.target.code] = "; ".join(f"{a}: {n}" for a, n in found)
    submissions = store.submissions(slug)
    received = [s["received_at"] for s in submissions if s["period"] == period and s.get("received_at")]
    made_at = now or now_local()
    reports = reporting.by_period(reporting.expected_reports(pp.plan, [r.target for r in pp.rows], submissions,
                                                             made_at.date()))
    return Briefing(pp, notes, max(received) if received else None, made_at, reports)


def file_name(fmt_: str, slug: str, period: str, chart: str | None = None) -> str:
    """Vietnamese file names without diacritics (safe everywhere), like the dashboard's:
    'bao-cao-tom-tat-son-la-2026-2026-H1.docx', 'bieu-do-tong-quan-son-la-2026-2026-H1.png'."""
    words = {"xlsx": "bảng tổng hợp chỉ tiêu", "docx": "báo cáo tóm tắt", "pptx": "trình chiếu"}
    if fmt_ in IMAGE_FORMATS:
        stem = charts.file_name("biểu đồ", chart or OVERVIEW_CHART, slug, period)
    else:
        stem = charts.file_name(words[fmt_], slug, period)
    return f"{stem}.{fmt_}"


def check_format(fmt_: str) -> str:
    value = (fmt_ or "").lower().lstrip(".")
    if value not in FORMATS:
        raise UsageError(f"Định dạng \"{fmt_}\" không hỗ trợ.", f"Chọn một trong: {', '.join(FORMATS)}.")
    return value


# ---------------------------------------------------------------------------------------------
# Table contents shared by the Excel, Word and PowerPoint files


def actual_value(r: TargetProgress):
    """The plan-level figure as a number (or a milestone answer as text, or None)."""
    return r.figure.text if r.target.kind == "milestone" else r.figure.value


def target_value(r: TargetProgress) -> float | None:
    """The number the actual is judged against: the plan's value; for a yearly change or a
    direction target this year's value as the engine computed it; for a programme's target the
    governing milestone's value, not the last one's."""
    t = r.target
    if t.kind in ("yearly_change", "direction"):
        return r.judgement.target
    if r.judgement.milestone_year is not None:
        return next((m.target for m in t.milestones if m.year == r.judgement.milestone_year), t.target)
    return t.target


def issuer_lines(issuer: str) -> list[str]:
    """'UBND tỉnh Sơn La' -> ['ỦY BAN NHÂN DÂN', 'TỈNH SƠN LA'] (the heading of an administrative document)."""
    if issuer.startswith("UBND "):
        return ["ỦY BAN NHÂN DÂN", issuer[5:].upper()]
    return [issuer.upper()]


def place_and_date(b: Briefing) -> str:
    place = (b.plan.doc_date.split(",")[0].strip() if "," in b.plan.doc_date else "") or b.plan.province
    d = b.made_at
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def group_title(b: Briefing, code: str | None) -> str:
    titles = {g.code: g.title for g in b.plan.goal_groups}
    return titles.get(code) or "Các chỉ tiêu"


def short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"

