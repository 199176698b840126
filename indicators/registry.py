"""The indicator registry (docs/indicators.md): what is measured, independent of any plan, and the
rules a link from a plan's target to an indicator, a target's categories and a plan's parent obey.

The registry is reviewable text (data/indicators.toml, read by loaders/catalogue.py); the store
keeps the loaded copy. Every check returns Problems naming the plan, the target and the field."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from indicators.errors import Problem
from indicators.models import LOWER_IS_BETTER, Plan, Target, _Model

Direction = Literal["up", "down"]
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DIRECTION_LABEL = {"up": "càng cao càng tốt", "down": "càng thấp càng tốt"}


class Dimension(_Model):
    """A way of splitting a figure: khu vực (thành thị / nông thôn), giới tính, dân tộc …"""

    code: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    categories: list[str] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct(self) -> "Dimension":
        if len(set(self.categories)) != len(self.categories):
            raise ValueError(f"phân tổ {self.code}: một nhóm được ghi hai lần")
        return self


class Indicator(_Model):
    code: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    unit: Literal["%", "‰", "per_100k", "count"]
    direction: Direction
    numerator: str = ""
    denominator: str = ""
    disaggregations: list[str] = []  # dimension codes
    source: str = ""  # where it was first written from ("QĐ 23/QĐ-TTg, chỉ tiêu 3a")


class Registry(_Model):
    dimensions: list[Dimension] = []
    indicators: list[Indicator] = []

    @model_validator(mode="after")
    def _check(self) -> "Registry":
        problems = []
        for kind, items in (("dimensions", self.dimensions), ("indicators", self.indicators)):
            codes = [x.code for x in items]
            problems += [f"{kind}: mã \"{c}\" bị trùng" for c in sorted({c for c in codes if codes.count(c) > 1})]
        dims = {d.code for d in self.dimensions}
        for i in self.indicators:
            problems += [f"chỉ số {i.code}: disaggregations có \"{d}\" không có trong dimensions" for d in i.disaggregations
                         if d not in dims]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def indicator(self, code: str | None) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None) if code else None

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def dimension_of(self, names: list[str]) -> Dimension | None:
        """The dimension whose categories are exactly these names (in any order)."""
        return next((d for d in self.dimensions if sorted(d.categories) == sorted(names)), None)


def direction_of(comparator: str) -> Direction | None:
    """'down' for < and <=, 'up' for > and >=, None for = (fits either)."""
    if comparator in LOWER_IS_BETTER:
        return "down"
    if comparator in (">", ">="):
        return "up"
    return None


def link_problem(target: Target, indicator: Indicator) -> str | None:
    """Why `target` cannot measure `indicator` (different unit or direction), or None."""
    if target.unit != indicator.unit:
        return (f"đơn vị tính khác nhau: chỉ tiêu tính bằng {target.unit}, chỉ số {indicator.code} tính bằng "
                f"{indicator.unit}")
    d = direction_of(target.comparator)
    if d is not None and d != indicator.direction:
        return (f"chiều khác nhau: chỉ tiêu {'giảm' if d == 'down' else 'tăng'} (phép so sánh {target.comparator}), chỉ số "
                f"{indicator.code} {DIRECTION_LABEL[indicator.direction]}")
    return None


def category_problem(target: Target, registry: Registry) -> str | None:
    """Why a target's categories are not a dimension of its indicator (or of the registry), or None."""
    if not target.categories:
        return None
    names = target.category_names
    dim = registry.dimension_of(names)
    if dim is None:
        known = "; ".join(f"{d.code}: {', '.join(d.categories)}" for d in registry.dimensions)
        return f"các phân tổ {', '.join(names)} không trùng với phân tổ nào trong danh mục chỉ số ({known})"
    ind = registry.indicator(target.indicator)
    if ind is not None and dim.code not in ind.disaggregations:
        return (f"chỉ số {ind.code} không phân tổ theo {dim.name.lower()} "
                f"(chỉ phân tổ theo: {', '.join(ind.disaggregations) or 'không có'})")
    return None


def plan_problems(plan: Plan, registry: Registry) -> list[Problem]:
    """Every link and category of the plan's measurable targets that the registry does not allow."""
    out = []
    hint = "Sửa dòng indicator (hoặc categories) của chỉ tiêu trong tệp danh mục, hoặc bổ sung chỉ số vào data/indicators.toml."
    for t in plan.measurable_targets():
        where = f"{plan.slug}: chỉ tiêu {t.code}"
        if t.indicator is not None:
            ind = registry.indicator(t.indicator)
            if ind is None:
                out.append(Problem(f"{where} → indicator", f"không có chỉ số mã \"{t.indicator}\" trong danh mục chỉ số", hint))
            elif t.kind == "milestone":
                out.append(Problem(f"{where} → indicator", "chỉ tiêu là một việc cần hoàn thành, không gắn với chỉ số", hint))
            elif (why := link_problem(t, ind)) is not None:
                out.append(Problem(f"{where} → indicator", f"không gắn được với chỉ số {ind.code}: {why}", hint))
        if (why := category_problem(t, registry)) is not None:
            out.append(Problem(f"{where} → categories", why, hint))
    return [Problem(p.where, p.message if p.message.endswith(".") else p.message + ".", p.hint) for p in out]


def parent_problems(parents: dict[str, str]) -> list[Problem]:
    """Cycles among plans' parents (slug -> parent slug or reference text)."""
    out, reported = [], set()
    for start in parents:
        path, slug = [start], parents.get(start, "")
        while slug in parents and slug not in path:
            path.append(slug)
            slug = parents.get(slug, "")
        if slug in path and slug not in reported:
            cycle = path[path.index(slug):] + [slug]
            reported |= set(cycle)
            out.append(Problem(f"{slug}: parent", f"vòng lặp kế hoạch cha: {' → '.join(cycle)}.",
                               "Một kế hoạch không thể (gián tiếp) là kế hoạch cha của chính nó; sửa dòng parent."))
    return out
