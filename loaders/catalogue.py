"""The catalogue: one reviewable TOML file per plan under data/plans, validated on load.

Errors name the file and the field (and the TOML line where the target starts), in Vietnamese,
and every problem in a file is reported, not only the first."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from indicators import registry as reg
from indicators.errors import CatalogueError, Problem
from indicators.models import Plan
from indicators import settings

_FIELD_VI = {
    "slug": "mã kế hoạch (slug)", "title": "tên kế hoạch", "issuer": "cơ quan ban hành",
    "level": "cấp", "year": "năm", "periods": "kỳ báo cáo", "targets": "chỉ tiêu",
    "code": "mã", "text": "nội dung", "unit": "đơn vị tính", "comparator": "phép so sánh",
    "target": "giá trị chỉ tiêu", "kind": "loại chỉ tiêu", "parts": "các phần",
    "deadline": "hạn báo cáo", "standing_agency": "cơ quan thường trực", "goal_groups": "nhóm mục tiêu",
}


def _where(data: dict, loc: tuple) -> str:
    """Turn a pydantic location into 'targets[3] (chỉ tiêu 4) → comparator'."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict) and "code" in node[item]:
                label += f" (mã \"{node[item]['code']}\")"
            parts[-1] = parts[-1] + label if parts else label
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return " → ".join(parts) if parts else "(toàn tệp)"


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "thiếu trường bắt buộc"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"giá trị {err.get('input')!r} không hợp lệ; chỉ nhận {allowed}"
    if kind == "extra_forbidden":
        return "trường không được biết tới (gõ sai tên trường?)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(err.get("ctx", {}).values()), "")
        word = {"greater_than_equal": "từ", "greater_than": "lớn hơn", "less_than_equal": "đến", "less_than": "nhỏ hơn"}[kind]
        return f"giá trị {err.get('input')!r} ngoài khoảng cho phép: phải {word} {bound}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return f"cần một số, nhận được {err.get('input')!r}"
    if kind.startswith("date"):
        return f"cần một ngày dạng YYYY-MM-DD, nhận được {err.get('input')!r}"
    msg = err.get("msg", "")
    return re.sub(r"^(Value error|Assertion failed), ", "", msg)


def _read_toml(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"Tệp danh mục {path.name} không phải UTF-8 (byte {exc.start}).",
                             "Lưu lại tệp với bảng mã UTF-8.") from None
    except OSError as exc:
        raise CatalogueError(f"Không đọc được tệp danh mục {path}: {exc.strerror}.") from None
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"Tệp danh mục {path.name} sai cú pháp TOML: {exc}.",
                             "Sửa dòng được chỉ ra rồi nạp lại.") from None


def _validated(model, path: Path, data: dict):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(f"{path.name}: {_where(data, tuple(e['loc']))}", _message(e)) for e in exc.errors()]
        raise CatalogueError(
            f"Tệp danh mục {path.name} có {len(problems)} lỗi.",
            "Sửa các trường được nêu trong tệp rồi chạy lại `python -m indicators init`.",
            problems,
        ) from None


def load_plan_file(path: Path) -> Plan:
    path = Path(path)
    return _validated(Plan, path, _read_toml(path))


def load_registry(path: Path | None = None) -> reg.Registry:
    """The indicator registry (data/indicators.toml); an absent file is an empty registry."""
    path = Path(path or settings.registry_file())
    if not path.exists():
        return reg.Registry()
    return _validated(reg.Registry, path, _read_toml(path))


def load_catalogue(directory: Path | None = None, registry: reg.Registry | None = None) -> list[Plan]:
    """Every plan under `directory`, sorted by slug, its links and categories checked against the
    registry (data/indicators.toml unless given) and its parents for cycles. Collects the problems
    of all files."""
    registry = load_registry() if registry is None else registry
    directory = Path(directory or settings.plans_dir())
    plans: list[Plan] = []
    problems: list[Problem] = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            plan = load_plan_file(path)
        except CatalogueError as exc:
            problems += exc.problems or [Problem(path.name, exc.message)]
            continue
        if plan.slug != path.stem:
            problems.append(Problem(path.name, f"slug \"{plan.slug}\" phải trùng tên tệp \"{path.stem}\""))
        problems += [Problem(f"{path.name}: {p.where.removeprefix(plan.slug + ': ')}", p.message, p.hint)
                     for p in reg.plan_problems(plan, registry)]
        plans.append(plan)
    problems += [Problem(f"{p.where.split(':')[0]}.toml: parent", p.message, p.hint)
                 for p in reg.parent_problems({p.slug: p.parent for p in plans})]
    if problems:
        raise CatalogueError("Danh mục kế hoạch có lỗi, chưa nạp gì vào cơ sở dữ liệu.",
                             "Sửa các tệp trong data/plans theo danh sách trên.", problems)
    if not plans:
        raise CatalogueError(f"Không tìm thấy tệp danh mục nào (*.toml) trong {directory}.")
    return sorted(plans, key=lambda p: p.slug)


def write_link(slug: str, code: str, indicator: str | None, registry: reg.Registry, directory: Path | None = None,
               loaded: Plan | None = None) -> tuple[Plan, str]:
    """Write (or, with None, remove) `indicator = "…"` on target `code` in data/plans/SLUG.toml,
    keeping every other line and comment (tomlkit). The edited file is validated as a whole (the
    plan, its links against the registry) before it replaces the old one; returns (the new plan,
    the old file text, to put back if loading it into the database fails)."""
    import tomlkit

    path = Path(directory or settings.plans_dir()) / f"{slug}.toml"
    if not path.exists():
        raise CatalogueError(f"Không có tệp danh mục {path.name} của kế hoạch {slug} trong {path.parent}.",
                             "Liên kết được lưu trong tệp danh mục bên cạnh chỉ tiêu; kế hoạch này chưa có tệp ở đó "
                             "(nạp kế hoạch từ tệp danh mục trước).")
    old = path.read_text(encoding="utf-8")
    if loaded is not None:  # the file must be what the database holds: a link never smuggles in other edits
        before = _validated(Plan, path, tomllib.loads(old))
        if before.slug != slug:
            raise CatalogueError(f"Tệp {path.name} ghi slug \"{before.slug}\", không phải \"{slug}\"; chưa ghi liên kết.",
                                 "Sửa slug trong tệp cho trùng tên tệp rồi chạy `python -m indicators init`.")
        if before != loaded:
            raise CatalogueError(f"Tệp {path.name} đã được sửa mà chưa nạp vào cơ sở dữ liệu; chưa ghi liên kết.",
                                 "Chạy `python -m indicators init` để nạp (và kiểm tra) các sửa đổi trong tệp, rồi gắn lại.")
    doc = tomlkit.parse(old)
    item = next((x for t in doc.get("targets", []) for x in [t, *t.get("parts", [])] if str(x.get("code")) == code), None)
    if item is None or "parts" in item:
        known = ", ".join(t.code for t in load_plan_file(path).measurable_targets())
        raise CatalogueError(f"Kế hoạch {slug} không có chỉ tiêu đo lường được mã \"{code}\".",
                             f"Các mã có thể gắn chỉ số: {known}.")
    if indicator is None:
        item.pop("indicator", None)
    elif "indicator" in item:
        item["indicator"] = indicator
    elif "comparator" in item:  # beside the comparator, where a person reading the file looks for it
        item.value._insert_after("comparator", "indicator", indicator)
    else:
        item["indicator"] = indicator
    text = tomlkit.dumps(doc)
    data = tomllib.loads(text)
    plan = _validated(Plan, path, data)
    problems = reg.plan_problems(plan, registry)
    mine = [p for p in problems if p.where.startswith(f"{slug}: chỉ tiêu {code} ")]
    if mine:
        raise CatalogueError(f"Không gắn được chỉ tiêu {code} của kế hoạch {slug} với chỉ số {indicator}.",
                             "Chọn chỉ số cùng đơn vị tính và cùng chiều (xem `python -m indicators indicators propose "
                             f"{slug}`), hoặc bổ sung chỉ số phù hợp vào data/indicators.toml.", [Problem(f"{path.name}: {p.where.removeprefix(slug + ': ')}", p.message) for p in mine])
    if plan.slug != slug:
        raise CatalogueError(f"Tệp {path.name} ghi slug \"{plan.slug}\", không phải \"{slug}\"; chưa ghi liên kết.",
                             "Sửa slug trong tệp cho trùng tên tệp rồi chạy `python -m indicators init`.")
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{slug}.", suffix=".toml.tmp", dir=path.parent)
    with open(fd, "w", encoding="utf-8") as f:
        f.write(text)
    Path(tmp).replace(path)
    return plan, old


def restore_file(slug: str, text: str, directory: Path | None = None) -> None:
    """Put a catalogue file back as it was (a link the database then refused)."""
    (Path(directory or settings.plans_dir()) / f"{slug}.toml").write_text(text, encoding="utf-8")


def confirm_link(store, slug: str, code: str, indicator: str | None, *, actor: str) -> Plan:
    """An administrator confirms or changes (None: removes) the indicator of a target: the catalogue
    file gets the link beside the target and the plan is loaded again, both or neither; the audit
    trail records old and new link. The page and the command line both come here."""
    import json

    from indicators import accounts

    if accounts.operator_of(actor) is None:  # a named user: administrators only (the server's operator may)
        accounts.require_admin(store, actor)
    registry = store.registry()
    if indicator is not None and registry.indicator(indicator) is None:
        raise CatalogueError(f"Không có chỉ số mã \"{indicator}\" trong danh mục chỉ số.",
                             "Xem các mã: python -m indicators indicators list (hoặc thêm chỉ số vào data/indicators.toml rồi chạy init).")
    with store.exclusive():  # two administrators linking at once: one after the other, none lost
        before = next((t.indicator for t in store.targets(slug) if t.code == code), None)
        plan, old_text = write_link(slug, code, indicator, registry, loaded=store.plan(slug))
        note = json.dumps({"code": code, "indicator_before": before, "indicator": indicator}, ensure_ascii=False)
        try:
            store.load_catalogue([plan], actor=actor, note=note)
        except BaseException:
            restore_file(slug, old_text)
            raise
    return plan
