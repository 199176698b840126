"""The catalogue: one reviewable TOML file per plan under data/plans, validated on load.

Errors name the file and the field (and the TOML line where the target starts), in Vietnamese,
and every problem in a file is reported, not only the first."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from indicators.errors import CatalogueError, Problem
from indicators.models import Plan
from indicators.settings import PLANS_DIR

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


def load_plan_file(path: Path) -> Plan:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"Tệp danh mục {path.name} không phải UTF-8 (byte {exc.start}).",
                             "Lưu lại tệp với bảng mã UTF-8.") from None
    except OSError as exc:
        raise CatalogueError(f"Không đọc được tệp danh mục {path}: {exc.strerror}.") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"Tệp danh mục {path.name} sai cú pháp TOML: {exc}.",
                             "Sửa dòng được chỉ ra rồi nạp lại.") from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(f"{path.name}: {_where(data, tuple(e['loc']))}", _message(e)) for e in exc.errors()]
        raise CatalogueError(
            f"Tệp danh mục {path.name} có {len(problems)} lỗi.",
            "Sửa các trường được nêu trong tệp rồi chạy lại `python -m indicators init`.",
            problems,
        ) from None


def load_catalogue(directory: Path = PLANS_DIR) -> list[Plan]:
    """Every plan under `directory`, sorted by slug. Collects the problems of all files."""
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
        plans.append(plan)
    if problems:
        raise CatalogueError("Danh mục kế hoạch có lỗi, chưa nạp gì vào cơ sở dữ liệu.",
                             "Sửa các tệp trong data/plans theo danh sách trên.", problems)
    if not plans:
        raise CatalogueError(f"Không tìm thấy tệp danh mục nào (*.toml) trong {directory}.")
    return sorted(plans, key=lambda p: p.slug)
