"""Read a plan document (.docx or UTF-8 .txt) and propose a plan for an administrator to review.

Public API (pure functions; the command line and an administration page share it):

- `read_plan(path)` / `read_plan_bytes(data, file_name)` -> `Proposal`: title, issuer, year, the
  document it implements, goal groups, agencies, reporting periods and every proposed target with
  the line it came from and, where the reader was not sure, `needs_review` and Vietnamese reasons.
- `Proposal.rows()` -> one editable dict per measurable target (compound parts flattened), each
  with its `source` sentence and `line`: what a review page shows side by side and lets one edit.
- `Proposal.meta()` -> the plan-level fields (editable too): `start_year`, `end_year` (a yearly
  plan: both its year) and `year` = `start_year`.
- `plan_from_rows(meta, rows)` -> a validated `indicators.models.Plan` (PlanDocError lists every
  problem, by target and field); `proposal_to_plan(proposal)` does it for an unedited proposal. A
  programme's row states its `values` as `milestones`; a yearly plan's row keeps `target` /
  `target_year` and notes the values of other years (comments, `review`).
- `milestone_rows(rows)` / `with_milestones(rows, edited)`: a programme's milestones as editable rows
  and back (the review page).
- `plan_to_toml(plan)` -> the catalogue text (data/plans/SLUG.toml), which
  `loaders.catalogue.load_plan_file` reads back to the same Plan; `write_plan(plan, directory)`.

Errors are `PlanDocError` (an `InputRefused`): Vietnamese message, where (line), and a hint."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from indicators import fmt
from indicators.errors import Problem
from indicators.models import Plan
from loaders.plan_doc_structure import (
    Item, PeriodDraft, Skipped, find_section, read_header, read_items, read_periods,
    read_responsibilities, sections, standing_from_recipient, target_region,
)
from loaders.plan_doc_text import Line, PlanDocError, clean, read_bytes, read_path
from loaders.plan_doc_values import PartDraft, milestone

__all__ = ["Proposal", "PlanDocError", "read_plan", "read_plan_bytes", "propose", "plan_from_rows",
           "proposal_to_plan", "plan_to_toml", "write_plan", "milestone_rows", "with_milestones", "span_of"]


@dataclass
class ProposedTarget:
    code: str
    text: str  # the sentence as written (without "Chỉ tiêu N:")
    line: int
    group: str | None
    parts: list[PartDraft]  # one for a simple target; codes 15a, 15b … for a compound one
    lead: str | None = None  # None: the plan's standing agency
    coordinating: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def part_codes(self) -> list[str]:
        if len(self.parts) == 1:
            return [self.code]
        return [f"{self.code}{chr(ord('a') + i)}" for i in range(len(self.parts))]


@dataclass
class Proposal:
    source_file: str
    slug: str
    title: str
    issuer: str
    level: str
    province: str
    scope: str
    year: int  # the first year (= start_year, kept for older readers)
    doc_number: str
    doc_date: str
    implements: str
    standing_agency: str
    goal_groups: list[tuple[str, str]]
    agencies: list[str]
    periods: list[PeriodDraft]
    targets: list[ProposedTarget]
    skipped: list[Skipped] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # about the plan as a whole
    end_year: int | None = None  # a programme's last year ("giai đoạn 2021 - 2030"); None: a yearly plan

    @property
    def start_year(self) -> int:
        return self.year

    @property
    def last_year(self) -> int:
        return self.end_year if self.end_year is not None and self.end_year > self.year else self.year

    @property
    def is_programme(self) -> bool:
        return self.last_year > self.year

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons) or any(r["needs_review"] for r in self.rows())

    def meta(self) -> dict:
        return {
            "slug": self.slug, "title": self.title, "issuer": self.issuer, "level": self.level,
            "province": self.province, "scope": self.scope, "year": self.year, "start_year": self.year,
            "end_year": self.last_year, "doc_number": self.doc_number,
            "doc_date": self.doc_date, "implements": self.implements, "standing_agency": self.standing_agency,
            "source_file": self.source_file,
            "goal_groups": [{"code": c, "title": t} for c, t in self.goal_groups],
            "agencies": list(self.agencies),
            "periods": [{"code": p.code, "deadline": p.deadline, "recipient": p.recipient,
                         "compile_deadline": p.compile_deadline, "line": p.line.number if p.line else None}
                        for p in self.periods],
        }

    def rows(self) -> list[dict]:
        """One dict per measurable target, in plan order; compound parts flattened (15a, 15b)."""
        out = []
        for t in self.targets:
            compound = len(t.parts) > 1
            for code, p in zip(t.part_codes(), t.parts):
                lead = t.lead
                outside = self._outside_span(p)
                reasons = t.reasons + p.reasons + outside
                out.append({
                    "code": code, "parent": t.code if compound else None, "parent_text": t.text if compound else None,
                    "group": t.group, "text": p.text, "source": t.text, "line": t.line,
                    "unit": p.unit, "comparator": p.comparator, "target": p.target,
                    "target_year": p.target_year or self.year,
                    "values": [{"year": v.year, "comparator": v.comparator, "target": v.target}
                               | ({"category": p.category} if p.category else {}) for v in p.values],
                    "category": p.category,
                    "aspiration": p.aspiration, "baseline": p.baseline, "baseline_year": p.baseline_year,
                    "of": p.of, "kind": p.kind, "due": p.due,
                    "lead": lead, "coordinating": list(t.coordinating),
                    "lead_agency": lead or self.standing_agency,
                    "agencies": [lead or self.standing_agency] + [a for a in t.coordinating if a != (lead or self.standing_agency)],
                    "needs_review": bool(reasons), "review_reasons": reasons,
                    "review": "" if self.is_programme else "; ".join(outside),  # to the catalogue: what saving leaves out
                })
        return out

    def _outside_span(self, p: PartDraft) -> list[str]:
        """Stated values whose year lies outside the plan: a yearly plan does not save them (the 2030
        value it names is the parent programme's); a programme refuses them until a person removes
        them or widens the span (`plan_from_rows`)."""
        start, end = self.year, self.last_year
        out = []
        for v in p.values:
            if start <= v.year <= end or (not self.is_programme and v.year == (p.target_year or start)):
                continue
            what = f"giá trị năm {v.year} ({fmt.target_phrase(v.comparator, v.target, p.unit)})"
            if self.is_programme:
                out.append(f"{what} nằm ngoài giai đoạn {start}–{end} của kế hoạch: xóa mốc này hoặc sửa giai đoạn "
                           "trước khi lưu")
            elif v.year < start:
                out.append(f"{what} trước năm {start} của kế hoạch: không lưu làm mốc")
            else:
                out.append(f"{what} nằm ngoài năm {start} của kế hoạch: là mốc của chương trình cấp trên, "
                           "không lưu làm mốc của kế hoạch này")
        return out

    def as_json(self) -> dict:
        """What `python -m indicators parse-plan FILE --json` prints."""
        meta = self.meta()
        for p in meta["periods"]:
            p["deadline"] = p["deadline"].isoformat() if p["deadline"] else None
            p["compile_deadline"] = p["compile_deadline"].isoformat() if p["compile_deadline"] else None
        rows = self.rows()
        for r in rows:
            r["due"] = r["due"].isoformat() if r["due"] else None
        return {**meta, "targets": rows,
                "skipped": [{"line": s.line.number, "text": s.text, "reason": s.reason} for s in self.skipped],
                "needs_review": self.needs_review, "review_reasons": list(self.reasons)}


# -- reading ------------------------------------------------------------------------------------


def read_plan(path: str | Path) -> Proposal:
    lines, name = read_path(path)
    return propose(lines, name)


def read_plan_bytes(data: bytes, file_name: str) -> Proposal:
    return propose(read_bytes(data, file_name), Path(file_name).name)


def propose(lines: list[Line], source_file: str) -> Proposal:
    secs = sections(lines)
    head = read_header(lines, secs[0].start if secs else 0)
    reasons = list(head.reasons)
    year, end_year = head.year, head.end_year
    if year is None:
        year = end_year = date.today().year
        reasons.append(f"không tìm thấy năm của kế hoạch (\"năm 20xx\" trong tên kế hoạch); tạm lấy năm {year}")
    if not head.title:
        reasons.append("không tìm thấy dòng “KẾ HOẠCH” và tên kế hoạch ngay sau nó")
    region = target_region(lines, secs)
    campaign = False
    if region is None:
        region = _campaign_region(lines, secs)
        campaign = region is not None
    if region is None:
        raise PlanDocError(
            f"Không tìm thấy chỉ tiêu nào trong tệp {source_file}: không có mục “Mục tiêu cụ thể”, “Chỉ tiêu cụ thể”, "
            "mục “MỤC TIÊU” hay dòng “Chỉ tiêu 1: …”.",
            "Văn bản cần một mục liệt kê các chỉ tiêu (\"2. Mục tiêu cụ thể\" hoặc \"II. CHỈ TIÊU\"), mỗi chỉ tiêu một "
            "dòng: \"Chỉ tiêu 1: …\", \"1. …\" hoặc gạch đầu dòng \"- …\".")
    first, end, heading = region
    if campaign:
        items, groups, skipped = _campaign_items(lines, secs, head.title, lines[first:end], year), [], []
        reasons.append("kế hoạch không có mục chỉ tiêu: đề xuất các hoạt động của mục “Nội dung” làm chỉ tiêu mốc; "
                       "hãy chọn lại cho đúng")
    else:
        items, groups, skipped = read_items(lines[first:end], year, end_year)
    if not items:
        raise PlanDocError(
            f"Tệp {source_file}: mục “{clean(heading.text)}” ở {heading.where} không có chỉ tiêu nào đọc được.",
            "Mỗi chỉ tiêu cần nằm trên một dòng riêng: \"Chỉ tiêu 1: …\", \"1. …\" hoặc gạch đầu dòng \"- …\".",
            [Problem(heading.where, "mục chỉ tiêu trống hoặc chỉ có đoạn văn dẫn")])
    resp = read_responsibilities(lines, find_section(secs, "TỔ CHỨC THỰC HIỆN", "TRÁCH NHIỆM", "PHÂN CÔNG"))
    heading_names = [h for h, _ in resp.headings]
    periods = read_periods(lines, secs, (first, end), year, heading_names, head.province, head.issuer, end_year)
    standing = resp.standing
    if not standing and periods:
        standing = standing_from_recipient(periods[0].recipient, heading_names, head.province) or ""
    if not standing:
        standing = re.sub(rf"\s+{re.escape(head.province)}$", "", head.issuer) if head.issuer_kind == "Sở" else head.issuer
        reasons.append(f"không thấy cơ quan thường trực (\"Là cơ quan thường trực\", \"… theo dõi, đôn đốc\"); tạm lấy "
                       f"{standing or 'cơ quan ban hành'}")
    if not periods:
        reasons.append("không tìm thấy hạn báo cáo (\"báo cáo 6 tháng … trước ngày …\", \"báo cáo năm … trước ngày …\")")
    targets = [_target(it) for it in items]
    _assign(targets, resp, items)
    agencies = _agencies(standing, resp, targets)
    proposal = Proposal(
        source_file=source_file, slug=_slug(head, year, end_year), title=head.title, issuer=head.issuer,
        level=head.level or "province", province=head.province, scope=head.scope or head.issuer, year=year,
        doc_number=head.doc_number, doc_date=head.doc_date, implements=head.implements, standing_agency=standing,
        goal_groups=_unique_groups(groups), agencies=agencies, periods=periods, targets=targets, skipped=skipped,
        reasons=reasons, end_year=end_year)
    if campaign:
        for t in proposal.targets:
            t.reasons.append("hoạt động lấy từ mục “Nội dung”, không phải từ danh sách chỉ tiêu")
    return proposal


def _target(it: Item) -> ProposedTarget:
    return ProposedTarget(it.code, it.text, it.line.number, it.group, it.parts, reasons=list(it.reasons))


def _unique_groups(groups: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, out = set(), []
    for code, title in groups:
        if code not in seen:
            seen.add(code)
            out.append((code, title))
    return out


def _assign(targets: list[ProposedTarget], resp, items: list[Item]) -> None:
    """Lead = first agency named to lead ("Chủ trì"; a bare assignment counts as leading), in document
    order; the others coordinate. No one named to lead: the standing agency leads (docs/adding-a-plan.md)."""
    by_code = {t.code: t for t in targets}
    named: dict[str, list[tuple[str, bool]]] = {t.code: [] for t in targets}
    for t, it in zip(targets, items):
        lead = True
        for a in it.leads:
            if a is None:
                lead = False
            else:
                named[t.code].append((a, lead))
    for a in resp.assignments:
        base = re.sub(r"[a-z]$", "", a.code)
        if a.code in named:
            named[a.code].append((a.agency, a.lead))
        elif base in named:
            named[base].append((a.agency, a.lead))
    for code, names in named.items():
        t = by_code[code]
        leads = [n for n, lead in names if lead]
        t.lead = leads[0] if leads else None
        rest = [n for n, _ in names if n != t.lead]
        t.coordinating = list(dict.fromkeys(rest))


def _agencies(standing: str, resp, targets: list[ProposedTarget]) -> list[str]:
    names = [standing] if standing else []
    for h, _ in resp.headings:
        if not re.match(r"^(?:Đề nghị|Các\s|Ủy ban nhân dân các|UBND các|Trưởng)", h):
            names.append(h)
    for t in targets:
        names += ([t.lead] if t.lead else []) + t.coordinating
    return list(dict.fromkeys(n for n in names if n))


def _slug(head, year: int, end_year: int | None = None) -> str:
    if head.level == "commune":
        base = head.scope.split(" ", 1)[-1] if head.scope else head.place
    elif head.level == "department":
        suffix = re.search(r"/KH-([^\s/]+)", head.doc_number)
        base = f"{head.province} {suffix.group(1)}" if suffix else head.issuer
    else:
        base = head.province or head.place
    years = f"{year}-{end_year}" if end_year and end_year > year else str(year)
    return f"{fmt.ascii_slug(base)}-{years}" if base else f"ke-hoach-{years}"


# A campaign plan (Tháng hành động …) has no list of targets: its activities become milestones.
_ACTIVITY = re.compile(r"^(?:Tổ chức|Triển khai|Đăng tải|Treo|Vận động|Phát động|Thăm|Tặng|Trao)\b")


def _campaign_region(lines: list[Line], secs) -> tuple[int, int, Line] | None:
    sec = find_section(secs, "NỘI DUNG", "HOẠT ĐỘNG")
    if sec is None:
        return None
    for i in range(sec.start + 1, sec.end):
        if re.search(r"hoạt động cụ thể|tổ chức các hoạt động", clean(lines[i].text), re.IGNORECASE) and len(lines[i].text) < 90:
            return i + 1, sec.end, lines[i]
    return sec.start + 1, sec.end, lines[sec.start]


def _campaign_items(all_lines: list[Line], secs, title: str, lines: list[Line], year: int) -> list[Item]:
    """1: the campaign itself (the first sentence "Tổ chức …" naming it, due when the campaign ends);
    then each sentence that starts with an activity verb; the sentences after it in the same
    paragraph ("Dự kiến tổ chức vào ngày 01/6/2024.") belong to it."""
    items: list[Item] = []
    whole = _campaign_itself(all_lines, secs, title, year)
    if whole:
        items.append(whole)
    for ln in lines:
        c = clean(ln.text)
        if re.match(r"^\d+(?:\.\d+)*\.?\s", c) and len(c) < 90:
            continue  # a sub-heading
        for sentence in re.split(r"(?<=\.)\s+(?=[A-ZĐ])", ln.text):
            if _ACTIVITY.match(clean(sentence)):
                items.append(Item(str(len(items) + 1), sentence.strip(), ln))
            elif items and items[-1].line is ln:
                items[-1].text += " " + sentence.strip()
    for it in items:
        if not it.parts:
            it.parts = [milestone(it.text, year)]
    return items


def _campaign_itself(lines: list[Line], secs, title: str, year: int) -> Item | None:
    name = re.search(r"(Tháng hành động[^,;]*?|Tết Trung thu[^,;]*?|Diễn đàn trẻ em[^,;]*?)\s+năm\s+\d{4}", title)
    if not name:
        return None
    first_section = secs[0] if secs else None
    scope = lines[first_section.start:first_section.end] if first_section else lines
    for ln in scope:
        for sentence in re.split(r"(?<=\.)\s+(?=[A-ZĐ])", ln.text):
            if clean(sentence).startswith("Tổ chức") and name.group(1) in sentence:
                part = milestone(sentence.strip(), year)
                span = next((re.search(r"từ ngày\s+\d{1,2}/\d{1,2}/\d{4}\s+đến ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", clean(x.text))
                             for x in lines if re.search(r"từ ngày\s+\S+\s+đến ngày", clean(x.text))), None)
                if span and part.due is None:
                    part.due = date(int(span.group(3)), int(span.group(2)), int(span.group(1)))
                return Item("1", sentence.strip(), ln, parts=[part])
    return None


# -- to a catalogue plan ------------------------------------------------------------------------


_PART_FIELDS = ("unit", "comparator", "target", "aspiration", "baseline", "baseline_year", "of", "kind", "due")


def span_of(meta: dict) -> tuple[int, int]:
    """(start_year, end_year) of plan fields that give `year` (a yearly plan) or a span."""
    start = meta.get("start_year") or meta.get("year")
    end = meta.get("end_year") or start
    return int(start), int(end)


def _entry_fields(r: dict, start: int, end: int) -> dict:
    """The value fields of one row as a catalogue entry writes them. A programme's row with values
    states every one as a milestone (one outside the span is refused by the model, by target and
    field); a yearly plan's keeps `target`/`target_year` (its other years' values stay in the comments,
    see `proposal_comments`, and in `review` when they lie outside the plan's year)."""
    fields = {k: r.get(k) for k in _PART_FIELDS}
    if r.get("category"):
        fields["category"] = r["category"]
    if r.get("review"):
        fields["review"] = r["review"]
    values = sorted((v for v in r.get("values") or [] if v.get("target") is not None), key=lambda v: int(v["year"]))
    if end > start and values and r.get("kind") not in ("milestone",):
        last = values[-1]
        fields.update(target=None, aspiration=None, comparator=r.get("comparator") or last.get("comparator"))
        fields["milestones"] = [
            {"year": int(v["year"]), "target": v["target"]}
            | ({"comparator": v["comparator"]} if v.get("comparator") and v["comparator"] != fields["comparator"] else {})
            | ({"aspiration": r["aspiration"]} if v is last and r.get("aspiration") is not None else {})
            for v in values]
        return fields
    if r.get("target_year") and r["target_year"] != end:
        fields["target_year"] = r["target_year"]
    return fields


def plan_from_rows(meta: dict, rows: list[dict]) -> Plan:
    """A catalogue Plan from (possibly edited) plan fields and target rows; every problem is listed.
    `meta` gives `year` (a yearly plan) or `start_year` and `end_year` (a programme)."""
    start, end = span_of(meta)
    entries: dict[str, dict] = {}
    for r in rows:
        fields = _entry_fields(r, start, end)
        who = {"lead": r.get("lead"), "coordinating": list(r.get("coordinating") or [])}
        if r.get("parent"):
            e = entries.setdefault(r["parent"], {"code": r["parent"], "text": r.get("parent_text") or r["text"],
                                                 "group": r.get("group"), "parts": [], **who})
            e["parts"].append({"code": r["code"], "text": r["text"], **fields})
        else:
            entries[r["code"]] = {"code": r["code"], "text": r["text"], "group": r.get("group"), **fields, **who}
    targets = [{k: v for k, v in e.items() if v not in (None, [])} for e in entries.values()]
    for t in targets:
        t["parts"] = [{k: v for k, v in p.items() if v is not None} for p in t.get("parts", [])]
        if not t["parts"]:
            del t["parts"]
    data = {k: v for k, v in meta.items() if k not in ("periods", "goal_groups", "year", "start_year", "end_year")}
    data.update({"start_year": start, "end_year": end} if end > start else {"year": start})
    data["goal_groups"] = [dict(g) for g in meta.get("goal_groups", [])]
    data["periods"] = [{k: v for k, v in p.items() if k != "line" and v not in (None, "")} for p in meta.get("periods", [])]
    data["targets"] = targets
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        problems = _problems(data, exc)
        raise PlanDocError(f"Kế hoạch đề xuất chưa hợp lệ: {len(problems)} lỗi.",
                           "Sửa các trường được nêu (trên trang xem lại hoặc trong tệp TOML) rồi lưu lại.", problems) from None


def _problems(data: dict, exc: ValidationError) -> list[Problem]:
    """One problem per error, located as the catalogue locates them; the plan-wide checks (a milestone
    outside the span, a period outside it) come as one error, split here and placed at their target."""
    from loaders.catalogue import _message, _where

    out = []
    for e in exc.errors():
        where, message = _where(data, tuple(e["loc"])), _message(e)
        if e["loc"]:
            out.append(Problem(where, message))
            continue
        for piece in re.split(r"; (?=chỉ tiêu |kỳ báo cáo |mã chỉ tiêu |end_year )", message):
            m = re.match(r"chỉ tiêu (\S+?): (milestones\[\d+\](?:\.\w+)?)?", piece)
            loc = _locate(data, m.group(1)) if m else None
            if loc is not None and m.group(2):
                loc += tuple(int(x) if x.isdigit() else x for x in re.findall(r"\w+", m.group(2)))
            out.append(Problem(_where(data, loc) if loc is not None else where, piece))
    return out


def _locate(data: dict, code: str) -> tuple | None:
    for i, t in enumerate(data.get("targets", [])):
        if t.get("code") == code:
            return ("targets", i)
        for j, p in enumerate(t.get("parts", [])):
            if p.get("code") == code:
                return ("targets", i, "parts", j)
    return None


def milestone_rows(rows: list[dict]) -> list[dict]:
    """One editable dict per stated value of each row (code, year, comparator, target): what a review
    page lists as a programme's milestones."""
    return [{"code": r["code"], "year": v["year"], "comparator": v["comparator"], "target": v["target"]}
            for r in rows for v in r["values"]]


def with_milestones(rows: list[dict], milestones: list[dict]) -> list[dict]:
    """The rows with their `values` replaced by the (edited) milestone dicts of `milestone_rows`; a
    milestone naming no row's code, or without a year or a value, is listed in a PlanDocError."""
    codes = {r["code"] for r in rows}
    by_code: dict[str, list[dict]] = {c: [] for c in codes}
    problems = []
    for k, m in enumerate(milestones, start=1):
        code = str(m.get("code") or "").strip()
        if code not in codes:
            problems.append(Problem(f"mốc thứ {k}", f"mã chỉ tiêu \"{code}\" không có trong kế hoạch"))
            continue
        if m.get("year") is None or m.get("target") is None:
            problems.append(Problem(f"mốc thứ {k} (mã \"{code}\")", "thiếu năm hoặc giá trị"))
            continue
        by_code[code].append({"year": int(m["year"]), "comparator": m.get("comparator") or None, "target": float(m["target"])})
    if problems:
        raise PlanDocError(f"Bảng các mốc có {len(problems)} lỗi.", "Sửa hoặc xóa các dòng mốc được nêu rồi lưu lại.", problems)
    out = []
    for r in rows:
        values = sorted(by_code[r["code"]], key=lambda v: v["year"])
        for v in values:
            v["comparator"] = v["comparator"] or r["comparator"]
            if r.get("category"):
                v["category"] = r["category"]
        out.append({**r, "values": values})
    return out


def proposal_to_plan(proposal: Proposal) -> Plan:
    return plan_from_rows(proposal.meta(), proposal.rows())


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table: {year = 2025, target = 65}
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items() if v is not None) + "}"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string


_PLAN_KEYS = ("slug", "title", "issuer", "level", "province", "scope", "year", "doc_number", "doc_date", "implements",
              "parent", "standing_agency", "source_file", "agencies", "reporting_units")
_TARGET_KEYS = ("code", "group", "text", "category", "unit", "comparator", "indicator", "target", "aspiration", "milestones",
                "categories", "baseline", "baseline_year", "target_year", "of", "kind", "due", "lead", "coordinating", "review")


def plan_to_toml(plan: Plan, comments: dict[str, list[str]] | None = None, header: str = "") -> str:
    """The catalogue text of `plan` (same layout as data/plans/*.toml). `comments` maps a target code
    to lines written as TOML comments above it (source line, review reasons)."""
    comments = comments or {}
    out = [f"# {line}" for line in header.splitlines()] if header else []
    for key in _PLAN_KEYS:
        if key == "year" and plan.is_programme:  # a programme: its span
            out += [f"start_year = {plan.start_year}", f"end_year = {plan.end_year}"]
            continue
        value = getattr(plan, key)
        if value not in ("", [], None):
            out.append(f"{key} = {_toml_value(value)}")
    for g in plan.goal_groups:
        out += ["", "[[goal_groups]]", f"code = {_toml_value(g.code)}", f"title = {_toml_value(g.title)}"]
    for p in plan.periods:
        out += ["", "[[periods]]"] + [f"{k} = {_toml_value(v)}" for k, v in p.model_dump().items() if v not in (None, "")]
    for t in plan.targets:
        out += [""] + [f"# {c}" for c in comments.get(t.code, [])] + ["[[targets]]"] + _fields(t)
        for part in t.parts:
            out += [""] + [f"# {c}" for c in comments.get(part.code, [])] + ["[[targets.parts]]"] + _fields(part)
    return "\n".join(out) + "\n"


def _fields(item) -> list[str]:
    data = item.model_dump() if hasattr(item, "model_dump") else item
    lines = []
    for key in _TARGET_KEYS:
        value = data.get(key)
        if key in ("milestones", "categories") and value:  # inline tables without their empty fields
            value = [{k: v for k, v in x.items() if v not in (None, [], "")} for x in value]
        if value is None or value in ([], "") or (key == "kind" and value == "level"):
            continue  # absent or the default
        lines.append(f"{key} = {_toml_value(value)}")
    return lines


def draft_toml(data: dict, previous: Plan, blanks: list[str]) -> str:
    """Next year's plan started from `previous` (continuity.next_year_plan) as catalogue text: the
    targets whose value is blank (`blanks`) carry a commented line `# target =` to fill in, with
    last year's value beside it. Refused by the catalogue until every one is filled."""
    before = {t.code: t for t in previous.measurable_targets()}
    out = [f"# BẢN NHÁP kế hoạch {data['slug']}, tạo từ {previous.slug}: điền giá trị ở các dòng \"# target =\" (bỏ dấu #),",
           "# xem lại nội dung, cơ quan, kỳ báo cáo và hạn; rồi chép tệp vào data/plans/ và chạy `python -m indicators init`.",
           "# Mức cơ sở không cần ghi: lấy từ kết quả cả năm của kế hoạch năm trước (cùng chỉ số, cùng phạm vi)."]
    for key in _PLAN_KEYS:
        value = data.get(key)
        if value not in ("", [], None):
            out.append(f"{key} = {_toml_value(value)}")
    for g in data.get("goal_groups", []):
        out += ["", "[[goal_groups]]", f"code = {_toml_value(g['code'])}", f"title = {_toml_value(g['title'])}"]
    for p in data["periods"]:
        out += ["", "[[periods]]"] + [f"{k} = {_toml_value(v)}" for k, v in p.items() if v not in (None, "")]
    for t in data["targets"]:
        for header, item in [("[[targets]]", t)] + [("[[targets.parts]]", x) for x in t.get("parts") or []]:
            fields = _fields({k: v for k, v in item.items() if k != "parts"})
            if item["code"] in blanks:
                old = before.get(item["code"])
                was = f"  # năm trước: {fmt.goal(old)}" if old is not None else ""
                at = next((i + 1 for i, line in enumerate(fields) if line.startswith(("comparator", "indicator"))), len(fields))
                fields.insert(at, f"# target = {was}")
            out += ["", header] + fields
    return "\n".join(out) + "\n"


def proposal_comments(proposal: Proposal) -> dict[str, list[str]]:
    """Per code: where the target came from, other years' values and why it needs review."""
    out: dict[str, list[str]] = {}
    for r in proposal.rows():
        notes = [f"{proposal.source_file}, dòng {r['line']}"]
        later = [v for v in r["values"] if v["year"] != r["target_year"]]
        if proposal.is_programme:  # the others are milestones of the entry
            later = [v for v in r["values"] if not proposal.year <= v["year"] <= proposal.last_year]
        if later:
            notes.append("giá trị các năm khác: " + "; ".join(f"năm {v['year']}: {v['comparator']} {v['target']:g}" for v in later))
        notes += [f"CẦN XEM LẠI: {x}" for x in r["review_reasons"]]
        out[r["code"]] = notes[1:] if r["parent"] else notes
        if r["parent"]:
            out.setdefault(r["parent"], notes[:1])
    return out


def write_plan(plan: Plan, directory: Path, *, overwrite: bool = False, comments: dict[str, list[str]] | None = None) -> Path:
    """Write data/plans/SLUG.toml; refuses to replace an existing plan unless `overwrite`."""
    path = Path(directory) / f"{plan.slug}.toml"
    if path.exists() and not overwrite:
        raise PlanDocError(f"Đã có kế hoạch mã \"{plan.slug}\" ({path.name}); không ghi đè.",
                           "Đổi mã kế hoạch (slug) hoặc xác nhận thay thế kế hoạch cũ.")
    text = plan_to_toml(plan, comments, header=f"{plan.title} — {plan.issuer}.\nĐọc từ {plan.source_file} và đã được xem lại.")
    path.write_text(text, encoding="utf-8")
    return path
