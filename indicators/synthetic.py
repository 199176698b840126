"""A synthetic, clearly labelled plan for benchmarks: 30 targets of every unit, reported by as
many communes as asked. Deterministic. Never loaded into a real database by `init`."""
from __future__ import annotations

from indicators.models import Plan

SLUG = "minh-hoa-quy-mo-2026"
LABEL = "DỮ LIỆU TỔNG HỢP MINH HỌA (chỉ dùng để đo tốc độ)"
STANDING = "Cơ quan tổng hợp (minh họa)"


def plan(n_targets: int = 30, year: int = 2026) -> Plan:
    units = ["%", "%", "%", "‰", "per_100k", "count"]
    targets = []
    for i in range(1, n_targets + 1):
        unit = units[i % len(units)]
        lower = i % 4 == 0
        target = {"%": 80.0 if not lower else 5.0, "‰": 12.0, "per_100k": 400.0, "count": 50.0}[unit]
        targets.append({
            "code": str(i), "text": f"Chỉ tiêu minh họa số {i} ({LABEL})", "unit": unit,
            "comparator": "<" if (lower or unit in ("‰", "per_100k")) else ">=", "target": target,
            "kind": "count" if unit == "count" else "level",
        })
    return Plan.model_validate({
        "slug": SLUG, "title": f"Kế hoạch minh họa năm {year} — {LABEL}", "issuer": "Minh họa",
        "level": "province", "province": "Minh họa", "scope": "minh họa", "year": year,
        "standing_agency": STANDING, "agencies": [STANDING],
        "periods": [{"code": f"{year}-H1", "deadline": f"{year}-05-10"}, {"code": str(year), "deadline": f"{year}-11-05"}],
        "targets": targets,
    })


def communes(n: int) -> list[str]:
    return [f"Xã minh họa {i:04d}" for i in range(1, n + 1)]


def value_for(unit: str, i: int, j: int) -> dict:
    """A plausible value for commune i and target j, with numerator and denominator for rates."""
    seed = (i * 7919 + j * 104729) % 1000
    if unit == "count":
        return {"value": float(seed % 60)}
    den = 200.0 + seed
    factor = {"%": 100.0, "‰": 1000.0, "per_100k": 100000.0}[unit]
    share = {"%": 0.6 + (seed % 350) / 1000, "‰": 0.004 + (seed % 20) / 1000, "per_100k": 0.002 + (seed % 5) / 1000}[unit]
    num = float(round(den * share))
    return {"value": round(num / den * factor, 1), "numerator": num, "denominator": den}
