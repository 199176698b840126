"""The domain as pydantic models: plans, goal groups, reporting periods and targets.

A catalogue file (data/plans/*.toml) is validated against these; the store and the status
engine work on them. All Vietnamese text is normalised to NFC on the way in."""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from indicators import fmt, periods

Unit = Literal["%", "‰", "per_100k", "count", "milestone"]
Comparator = Literal[">=", ">", "<=", "<", "="]
Kind = Literal["level", "count", "activity_count", "milestone", "yearly_change", "direction"]
Level = Literal["national", "province", "commune", "department"]

UNIT_FACTOR: dict[str, float] = {"%": 100.0, "‰": 1000.0, "per_100k": 100000.0, "count": 1.0}
RATE_UNITS = ("%", "‰", "per_100k")
LOWER_IS_BETTER = ("<", "<=")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _normalise_text(cls, value):
        if isinstance(value, str):
            return nfc(value)
        if isinstance(value, list):
            return [nfc(v) if isinstance(v, str) else v for v in value]
        return value


class GoalGroup(_Model):
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)


class ReportingPeriod(_Model):
    code: str
    deadline: date | None = None
    recipient: str = ""
    compile_deadline: date | None = None  # when the standing agency must pass the compilation on

    @field_validator("code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        periods.parse(value)  # raises ValueError with a Vietnamese message
        return value


class Milestone(_Model):
    """A value a plan sets for a year ("đạt 65% vào năm 2025"): docs/status-rules.md, programmes.
    In a catalogue file the comparator defaults to the target's own."""

    year: int = Field(ge=2000, le=2100)
    comparator: Comparator | None = None
    target: float
    aspiration: float | None = None


class CategoryValue(_Model):
    """A disaggregated target's value for one category ("dưới 5% đối với nông thôn"): a value for a
    yearly plan, milestones for a programme, or nothing (the category is only reported)."""

    name: str = Field(min_length=1)
    target: float | None = None
    aspiration: float | None = None
    milestones: list[Milestone] = []

    @model_validator(mode="after")
    def _one_source(self) -> "CategoryValue":
        if self.milestones and (self.target is not None or self.aspiration is not None):
            raise ValueError(f"phân tổ \"{self.name}\": đã khai báo milestones thì không ghi target, aspiration")
        return self


class Part(_Model):
    """A measurable part of a compound target (15a, 15b, ...)."""

    code: str
    text: str = Field(min_length=1)
    unit: Unit
    comparator: Comparator
    target: float | None = None
    aspiration: float | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    of: float | None = None  # the whole a count is out of ("150/200 xã")
    kind: Kind = "level"
    due: date | None = None  # milestones that must be done by a date
    lead: str | None = None
    coordinating: list[str] = []
    # A programme's target states one value per milestone year; then target, target_year and
    # aspiration are not given (the milestones are the one source of them).
    milestones: list[Milestone] = []
    category: str | None = None  # "nông thôn", "trẻ em trai": the part states a value for that group only
    review: str = ""  # why a person must check this target before relying on it
    # What is measured, as a code of data/indicators.toml (docs/indicators.md); confirmed by a person.
    indicator: str | None = None
    # Disaggregation (docs/indicators.md): the categories reported separately, all of one dimension of
    # the registry ("thành thị", "nông thôn"), each with its own value when the plan states one.
    categories: list[CategoryValue] = []

    @model_validator(mode="after")
    def _one_source(self) -> "Part":
        if self.milestones:
            given = [f for f in ("target", "target_year", "aspiration") if getattr(self, f) is not None]
            if given:
                raise ValueError(f"đã khai báo milestones thì không ghi {', '.join(given)} (mỗi mốc ghi year, comparator, target, aspiration)")
            if self.kind in ("direction", "milestone"):
                raise ValueError(f"kind = \"{self.kind}\" không dùng milestones (chỉ tiêu xu hướng so với năm trước, "
                                 "hoặc việc hoàn thành theo hạn); chỉ tiêu có giá trị theo năm dùng kind = \"level\"")
            years = [m.year for m in self.milestones]
            twice = sorted({y for y in years if years.count(y) > 1})
            if twice:
                raise ValueError(f"milestones: hai mốc cho cùng năm {', '.join(map(str, twice))}")
        names = [c.name for c in self.categories]
        if len(set(names)) != len(names):
            raise ValueError("categories: một phân tổ được ghi hai lần")
        if self.categories and self.kind in ("direction", "milestone", "yearly_change"):
            raise ValueError(f"kind = \"{self.kind}\" không phân tổ (categories chỉ dùng cho chỉ tiêu mức, số lượng)")
        if self.categories and self.category:
            raise ValueError("một phần chỉ tiêu đã nêu category (chỉ cho một nhóm) thì không phân tổ thêm (categories)")
        return self


class TargetEntry(Part):
    """One entry of a catalogue file: a simple target, or a compound one with parts."""

    group: str | None = None
    parts: list[Part] = []
    unit: Unit | None = None  # type: ignore[assignment]
    comparator: Comparator | None = None  # type: ignore[assignment]


class Target(_Model):
    """A measurable target as the rest of the product sees it (compound parts flattened)."""

    plan: str
    code: str
    text: str
    group: str | None
    unit: Unit
    comparator: Comparator
    target: float | None
    aspiration: float | None
    baseline: float | None
    baseline_year: int | None
    target_year: int
    of: float | None
    kind: Kind
    due: date | None
    lead_agency: str
    agencies: list[str]  # lead first, then coordinating agencies
    parent: str | None = None  # code of the compound target this is a part of
    parent_text: str | None = None
    position: int = 0  # order in the plan
    milestones: list[Milestone] = []  # in year order, comparators filled in; empty for direction/milestone kinds
    category: str | None = None
    review: list[str] = []  # reasons a person must check it (stated in the catalogue, or found)
    programme: bool = False  # of a multi-year plan: its milestones, not one yearly value, are the target
    indicator: str | None = None  # the registry code of what it measures (docs/indicators.md)
    categories: list["CategoryTarget"] = []  # disaggregation: one per category, in the catalogue's order

    @property
    def category_names(self) -> list[str]:
        return [c.name for c in self.categories]

    @property
    def judged_by_categories(self) -> bool:
        """A disaggregated target that states values only per category: its status is the worst of them."""
        return self.target is None and any(c.target is not None for c in self.categories)

    def for_category(self, name: str) -> "Target":
        """This target as one category sees it: the category's own value and milestones (none when
        the plan states none for it), judged by the same rules."""
        c = next(c for c in self.categories if c.name == name)
        return self.model_copy(update={"target": c.target, "aspiration": c.aspiration, "target_year": c.target_year,
                                       "milestones": c.milestones, "category": name, "categories": [],
                                       "baseline": None, "baseline_year": None})

    @property
    def coordinating(self) -> list[str]:
        return self.agencies[1:]

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in LOWER_IS_BETTER

    @model_validator(mode="after")
    def _consistent(self) -> "Target":
        problems = []
        if self.kind == "milestone" and self.unit != "milestone":
            problems.append("chỉ tiêu mốc (milestone) phải có unit = \"milestone\"")
        if self.unit == "milestone" and self.kind != "milestone":
            problems.append("unit = \"milestone\" chỉ dùng cho kind = \"milestone\"")
        if (self.kind in ("level", "count", "activity_count", "yearly_change") and self.target is None
                and not any(c.target is not None for c in self.categories)):
            problems.append(f"kind = \"{self.kind}\" cần giá trị target (hoặc giá trị cho từng phân tổ trong categories)")
        if self.unit == "%" and self.kind != "yearly_change" and self.target is not None and not 0 <= self.target <= 100:
            problems.append("target theo % phải trong khoảng 0 đến 100")
        limit = {"%": 100.0, "‰": 1000.0, "per_100k": 100000.0}.get(self.unit)
        for c in self.categories:
            values = [c.target] + [m.target for m in c.milestones]
            if any(v is not None and (v < 0 or (limit is not None and v > limit)) for v in values):
                problems.append(f"phân tổ \"{c.name}\": giá trị phải từ 0 đến {fmt.num(limit) if limit else 'không giới hạn'}"
                                f" (đơn vị {self.unit})")
        if (self.baseline is None) != (self.baseline_year is None):
            problems.append("baseline và baseline_year phải đi cùng nhau")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class CategoryTarget(_Model):
    """One category of a disaggregated Target, its milestones filled in as the target's are."""

    name: str
    target: float | None
    aspiration: float | None
    target_year: int
    milestones: list[Milestone] = []


Target.model_rebuild()


class Plan(_Model):
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    issuer: str
    level: Level
    province: str
    scope: str  # whose agencies these are: "tỉnh Sơn La", "xã Châu Sơn", "Sở Nội vụ Lạng Sơn"
    # The plan's span: a yearly plan has start_year == end_year (written `year = 2026` in a
    # catalogue file); a programme spans several years ("giai đoạn 2021 - 2030").
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    doc_number: str = ""
    doc_date: str = ""
    implements: str = ""
    # The plan above this one (docs/indicators.md, cascade): the slug of a plan in the product, or,
    # when that plan is not tracked here, its reference text ("Kế hoạch số 138/KH-UBND …").
    parent: str = ""
    standing_agency: str
    source_file: str = ""
    goal_groups: list[GoalGroup] = []
    agencies: list[str] = []
    # Units that report on every target besides the agencies named per target: the communes of a
    # compilation ("UBND các xã, phường … báo cáo"); their figures aggregate (docs/status-rules.md).
    reporting_units: list[str] = []
    periods: list[ReportingPeriod] = Field(min_length=1)
    targets: list[TargetEntry] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _year_or_span(cls, data):
        """`year = Y` is the yearly plan's short form of start_year = end_year = Y."""
        if isinstance(data, dict) and "year" in data:
            if "start_year" in data or "end_year" in data:
                raise ValueError("ghi `year` (kế hoạch một năm) hoặc `start_year` và `end_year` (chương trình nhiều năm), không ghi cả hai")
            year = data["year"]
            data = {k: v for k, v in data.items() if k != "year"}
            data["start_year"] = data["end_year"] = year
        return data

    @model_validator(mode="after")
    def _check(self) -> "Plan":
        problems = []
        if self.end_year < self.start_year:
            problems.append(f"end_year ({self.end_year}) phải từ start_year ({self.start_year}) trở đi")
        if self.parent == self.slug:
            problems.append("parent: một kế hoạch không thể là kế hoạch cha của chính nó")
        groups = {g.code for g in self.goal_groups}
        seen: set[str] = set()
        for t in self.targets:
            if t.group is not None and t.group not in groups:
                problems.append(f"chỉ tiêu {t.code}: nhóm mục tiêu \"{t.group}\" không có trong goal_groups")
            for code in [t.code] + [p.code for p in t.parts]:
                if code in seen:
                    problems.append(f"mã chỉ tiêu \"{code}\" bị trùng")
                seen.add(code)
            if t.parts:
                for i, p in enumerate(t.parts):
                    expected = f"{t.code}{chr(ord('a') + i)}"
                    if p.code != expected:
                        problems.append(f"chỉ tiêu {t.code}: phần thứ {i + 1} phải có mã \"{expected}\", không phải \"{p.code}\"")
            elif t.unit is None or t.comparator is None:
                problems.append(f"chỉ tiêu {t.code}: thiếu unit hoặc comparator (hoặc khai báo parts)")
        span_ok = self.end_year >= self.start_year
        for p in self.periods if span_ok else []:
            if not self.start_year <= periods.parse(p.code).year <= self.end_year:
                problems.append(f"kỳ báo cáo {p.code} không thuộc {self.span_label} của kế hoạch")
        for t in self.targets if span_ok else []:
            for item in t.parts or [t]:
                if item.baseline_year is not None and item.baseline_year > self.end_year:
                    problems.append(f"chỉ tiêu {item.code}: baseline_year = {item.baseline_year} sau năm cuối của kế hoạch "
                                    f"({self.end_year}); mức cơ sở là số đã đo của một năm đã qua")
                if (self.is_programme and item.kind in ("yearly_change", "direction") and item.baseline is not None):
                    problems.append(f"chỉ tiêu {item.code}: kind = \"{item.kind}\" trong chương trình nhiều năm so mỗi năm với "
                                    "năm trước, không ghi baseline")
                for i, m in enumerate(item.milestones):
                    if not self.start_year <= m.year <= self.end_year:
                        problems.append(f"chỉ tiêu {item.code}: milestones[{i}].year = {m.year} nằm ngoài {self.span_label} của kế hoạch")
                for c in item.categories:
                    for i, m in enumerate(c.milestones):
                        if not self.start_year <= m.year <= self.end_year:
                            problems.append(f"chỉ tiêu {item.code}: phân tổ \"{c.name}\" milestones[{i}].year = {m.year} "
                                            f"nằm ngoài {self.span_label} của kế hoạch")
        if not problems:
            try:
                self.measurable_targets()
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(f"chỉ tiêu {err.get('input', {}).get('code', '?')}: {err['msg'].removeprefix('Value error, ')}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def year(self) -> int:
        """The first year of the span (a yearly plan's one year)."""
        return self.start_year

    @property
    def is_programme(self) -> bool:
        return self.end_year > self.start_year

    @property
    def span_label(self) -> str:
        """'năm 2026' or 'giai đoạn 2021–2030', as pages and messages say it."""
        return f"giai đoạn {self.start_year}–{self.end_year}" if self.is_programme else f"năm {self.start_year}"

    @property
    def years(self) -> str:
        """'2026' or '2021–2030' (plan pickers, titles)."""
        return f"{self.start_year}–{self.end_year}" if self.is_programme else str(self.start_year)

    def measurable_targets(self) -> list[Target]:
        """Every measurable target, compound parts flattened, in plan order."""
        out: list[Target] = []
        for entry in self.targets:
            items = [(p, entry) for p in entry.parts] if entry.parts else [(entry, None)]
            for item, parent in items:
                lead = item.lead or entry.lead or self.standing_agency
                coord = item.coordinating or entry.coordinating
                agencies = [lead] + [a for a in coord if a != lead]
                out.append(
                    Target(
                        plan=self.slug,
                        code=item.code,
                        text=item.text,
                        group=entry.group,
                        unit=item.unit,
                        **self._milestone_fields(item),
                        baseline=item.baseline,
                        baseline_year=item.baseline_year,
                        of=item.of,
                        kind=item.kind,
                        due=item.due,
                        lead_agency=lead,
                        agencies=agencies,
                        parent=parent.code if parent else None,
                        parent_text=parent.text if parent else None,
                        position=len(out),
                        category=item.category,
                        programme=self.is_programme,
                        indicator=item.indicator,
                        categories=[self._category_target(item, c) for c in item.categories],
                    )
                )
        return out

    def _milestone_fields(self, item: Part) -> dict:
        """target / target_year / aspiration / comparator and the milestone list of one target.

        With `milestones`, the last one gives the single-value fields (what a yearly view and
        older readers show); without, the target's own value is its one milestone when its year
        lies inside the plan (a yearly plan's long-range "2030" value of a direction target is a
        reference, not a milestone of this plan)."""
        review = [item.review] if item.review else []
        if item.milestones:
            ms = sorted((Milestone(year=m.year, comparator=m.comparator or item.comparator, target=m.target,
                                   aspiration=m.aspiration) for m in item.milestones), key=lambda m: m.year)
            last = ms[-1]
            review += path_problems(ms)
            return {"target": last.target, "target_year": last.year, "aspiration": last.aspiration,
                    "comparator": last.comparator, "milestones": ms, "review": review}
        year = item.target_year or self.end_year
        ms = []
        if item.target is not None and item.kind not in ("direction", "milestone") and self.start_year <= year <= self.end_year:
            ms = [Milestone(year=year, comparator=item.comparator, target=item.target, aspiration=item.aspiration)]
        return {"target": item.target, "target_year": year, "aspiration": item.aspiration,
                "comparator": item.comparator, "milestones": ms, "review": review}

    def _category_target(self, item: Part, c: CategoryValue) -> "CategoryTarget":
        fields = self._milestone_fields(Part(code=item.code, text=item.text, unit=item.unit, comparator=item.comparator,
                                             kind=item.kind, target=c.target, aspiration=c.aspiration,
                                             target_year=item.target_year, milestones=c.milestones))
        return CategoryTarget(name=c.name, target=fields["target"], aspiration=fields["aspiration"],
                              target_year=fields["target_year"], milestones=fields["milestones"])

    def compound_targets(self) -> dict[str, list[str]]:
        """Code of each compound target -> codes of its parts."""
        return {t.code: [p.code for p in t.parts] for t in self.targets if t.parts}

    def all_agencies(self) -> list[str]:
        names = [self.standing_agency] + list(self.agencies) + list(self.reporting_units)
        for t in self.measurable_targets():
            names += t.agencies
        return list(dict.fromkeys(names))

    def period(self, code: str) -> ReportingPeriod | None:
        return next((p for p in self.periods if p.code == code), None)

    @property
    def baseline_period(self) -> str:
        """The annual period of the year before the plan starts: it carries the baseline."""
        return periods.baseline_of(self.start_year)

    def accepted_periods(self) -> list[str]:
        """Declared periods plus the baseline period (annual of the year before, docs/status-rules.md)."""
        return [self.baseline_period] + [p.code for p in self.periods]


def path_problems(milestones: list[Milestone]) -> list[str]:
    """Why a milestone path contradicts its own direction: a target to lower ("<", "<=") whose
    later milestone is higher than an earlier one, or a target to raise whose later one is lower."""
    out = []
    for a, b in zip(milestones, milestones[1:]):
        if a.comparator in LOWER_IS_BETTER and b.comparator in LOWER_IS_BETTER and b.target > a.target:
            out.append(f"lộ trình ngược chiều: chỉ tiêu giảm nhưng mốc {b.year} ({fmt.num(b.target)}) cao hơn mốc {a.year} ({fmt.num(a.target)})")
        elif a.comparator in (">", ">=") and b.comparator in (">", ">=") and b.target < a.target:
            out.append(f"lộ trình ngược chiều: chỉ tiêu tăng nhưng mốc {b.year} ({fmt.num(b.target)}) thấp hơn mốc {a.year} ({fmt.num(a.target)})")
    return out

