"""Continuity (docs/indicators.md): one indicator's history for one reporting scope across that
scope's successive plans, and the next year's plan started from this year's.

The carried baseline itself (next year's baseline from this year's annual actual) is applied where
figures are formed: progress.carried_baselines."""
from __future__ import annotations

from dataclasses import dataclass

from indicators import periods, progress
from indicators.cascade import value_for_year  # one rule for "the value a target sets for a year"
from indicators.errors import UsageError
from indicators.models import Plan, Target


@dataclass(frozen=True)
class HistoryRow:
    year: int
    plan: Plan
    target: Target
    goal: float | None  # the value the plan set for that year (a programme's governing milestone)
    comparator: str | None
    period: str  # the report the actual comes from (the annual one, else the 6-month one)
    result: progress.TargetProgress

    @property
    def actual(self) -> float | None:
        return self.result.figure.value

    def as_dict(self) -> dict:
        return {"year": self.year, "plan": self.plan.slug, "code": self.target.code, "target": self.goal,
                "comparator": self.comparator, "period": self.period, "actual": self.actual,
                "figure_method": self.result.figure.method, "status": self.result.status,
                "status_label": self.result.judgement.label}


def indicator_history(store, slug: str, code: str) -> list[HistoryRow]:
    """Every year of every plan of the same scope whose target measures the same indicator as
    (slug, code), oldest first; a target without an indicator has only its own plan's years.
    Each year: the target the plan set for it and the latest actual of that year."""
    plan = store.plan(slug)
    target = next((t for t in store.targets(slug) if t.code == code), None)
    if target is None:
        raise UsageError(f"Kế hoạch {slug} không có chỉ tiêu \"{code}\".")
    series: list[tuple[Plan, Target]] = [(plan, target)]
    if target.indicator:
        series = [(store.plan(s), t) for s in store.plans_of_scope(plan.scope)
                  for t in store.targets(s) if t.indicator == target.indicator]
    rows = []
    for p, t in series:
        over = progress.target_over_periods(store, p.slug, t.code)
        for year in range(p.start_year, p.end_year + 1):
            reports = [c for c in (str(year), f"{year}-H1") if c in over]
            if not reports:
                continue
            with_data = [c for c in reports if not over[c].figure.missing]
            period = with_data[0] if with_data else reports[0]
            goal, cmp_ = value_for_year(t, year)
            rows.append(HistoryRow(year, p, t, goal, cmp_, period, over[period]))
    return sorted(rows, key=lambda r: (r.year, r.plan.is_programme, r.plan.slug))


def next_year_slug(plan: Plan, year: int) -> str:
    """son-la-2026 -> son-la-2027 (a slug without the year gets it appended)."""
    base = plan.slug
    for y in (str(plan.start_year), str(plan.end_year)):
        if base.endswith("-" + y):
            base = base[: -len(y) - 1]
            break
    return f"{base}-{year}"


def next_year_plan(plan: Plan, year: int | None = None) -> dict:
    """The catalogue data of next year's plan started from a yearly plan: same scope, agencies,
    goal groups, targets (texts, units, comparators, kinds, responsibilities, indicator links and
    categories), reporting periods moved to the new year; every value blank, for a person to fill
    in. Not a valid plan until then: the catalogue refuses a level target without its value,
    naming it."""
    if plan.is_programme:
        raise UsageError(f"Kế hoạch {plan.slug} là chương trình nhiều năm ({plan.span_label}); chỉ kế hoạch một năm "
                         "mới tạo được kế hoạch năm sau.")
    year = plan.end_year + 1 if year is None else year
    if not 2000 <= year <= 2100:
        raise UsageError(f"Năm {year} không hợp lệ: năm của kế hoạch phải từ 2000 đến 2100.")
    if year <= plan.end_year:
        raise UsageError(f"Năm của kế hoạch mới ({year}) phải sau năm {plan.end_year} của kế hoạch {plan.slug}.")
    shift = year - plan.start_year
    data = plan.model_dump(mode="python", exclude={"start_year", "end_year"})
    data.update(slug=next_year_slug(plan, year), year=year, doc_number="", doc_date="", source_file="",
                title=plan.title.replace(str(plan.start_year), str(year)))
    data["periods"] = [{"code": str(periods.parse(p.code).year + shift) + ("-H1" if periods.parse(p.code).is_interim else ""),
                        "deadline": _moved(p.deadline, shift), "recipient": p.recipient,
                        "compile_deadline": _moved(p.compile_deadline, shift)} for p in plan.periods]
    for entry in data["targets"]:
        for item in [entry, *entry.get("parts", [])]:
            _blank(item, shift, year)
    return data


def _moved(day, years: int):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _blank(item: dict, shift: int, year: int) -> None:
    """A target of next year's plan: what it measures and who owns it stay; its values go (a
    direction target's long-range reference, "dưới 2% vào năm 2030", stays while that year is ahead)."""
    keep = item.get("kind") == "direction" and (item.get("target_year") or 0) >= year
    for key in ("baseline", "baseline_year", "of") + (() if keep else ("target", "aspiration", "target_year")):
        item[key] = None
    item["milestones"] = []
    item["categories"] = [{"name": c["name"]} for c in item.get("categories") or []]
    if item.get("due") is not None:
        item["due"] = _moved(item["due"], shift)
    item["review"] = ""  # last year's review notes were about last year's values


def blank_codes(data: dict) -> list[str]:
    """Codes of the targets of a started plan that still need their value."""
    out = []
    for entry in data["targets"]:
        for item in entry.get("parts") or [entry]:
            if item.get("kind", "level") in ("level", "count", "activity_count", "yearly_change") and item.get("target") is None \
                    and not any(c.get("target") is not None for c in item.get("categories") or []):
                out.append(str(item["code"]))
    return out



def fill(data: dict, values: dict[str, float | None], taken: list[str] = ()) -> Plan:
    """Next year's plan (next_year_plan) with the values a person typed (code -> value): validated
    as any catalogue plan; every target still blank, and every other problem, is listed by code.
    A slug in `taken` (the plans already loaded) is refused: a new plan never replaces one."""
    if data["slug"] in taken:
        raise UsageError(f"Đã có kế hoạch mã \"{data['slug']}\"; kế hoạch mới không thay kế hoạch đã có.",
                         "Đổi mã kế hoạch mới (slug).")
    from pydantic import ValidationError

    from indicators.errors import InputRefused, Problem

    filled = {**data, "targets": []}
    for entry in data["targets"]:
        entry = {**entry, "parts": [{**p} for p in entry.get("parts") or []]}
        for item in entry["parts"] or [entry]:
            if values.get(str(item["code"])) is not None:
                item["target"] = float(values[str(item["code"])])
        filled["targets"].append(entry)
    blanks = blank_codes(filled)
    problems = [Problem(f"chỉ tiêu {c}", "chưa có giá trị chỉ tiêu của năm mới", "Điền cột Giá trị năm mới.") for c in blanks]
    if not problems:
        try:
            return Plan.model_validate(filled)
        except ValidationError as exc:
            problems = [Problem(" → ".join(str(x) for x in e["loc"]) or "kế hoạch", e["msg"].removeprefix("Value error, "))
                        for e in exc.errors()]
    raise InputRefused(f"Kế hoạch {data['slug']} chưa lưu được: {len(problems)} chỗ cần sửa.",
                       "Sửa các chỗ được nêu rồi lưu lại.", problems)
