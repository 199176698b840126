"""A synthetic, clearly labelled plan for benchmarks: 30 targets of every unit, reported by as
many communes as asked. Deterministic. Never loaded into a real database by `init`."""
from __future__ import annotations

from indicators.models import RATE_UNITS, UNIT_FACTOR, Plan

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
    factor = UNIT_FACTOR[unit]
    share = {"%": 0.6 + (seed % 350) / 1000, "‰": 0.004 + (seed % 20) / 1000, "per_100k": 0.002 + (seed % 5) / 1000}[unit]
    num = float(round(den * share))
    return {"value": round(num / den * factor, 1), "numerator": num, "denominator": den}


# ---------------------------------------------------------------------------------------------
# National scale: 34 provinces, 3.321 communes, 30 targets, 10 years, 2 periods a year.

PROVINCES, COMMUNES, YEARS = 34, 3321, 10
NATIONAL = "minh-hoa-toan-quoc"


def national_slug(year: int) -> str:
    return f"{NATIONAL}-{year}"


def national_communes(n: int = COMMUNES, provinces: int = PROVINCES) -> list[str]:
    """'Xã minh họa 0001 (tỉnh 01)': communes spread over the provinces as evenly as the count allows."""
    per, extra = divmod(n, provinces)
    out = []
    for p in range(provinces):
        for _ in range(per + (1 if p < extra else 0)):
            out.append(f"Xã minh họa {len(out) + 1:04d} (tỉnh {p + 1:02d})")
    return out


def national_plan(year: int, communes: list[str], n_targets: int = 30) -> Plan:
    data = plan(n_targets, year).model_dump(mode="json")
    data.update(slug=national_slug(year), title=f"Kế hoạch minh họa toàn quốc năm {year} — {LABEL}",
                scope="minh họa toàn quốc", province="Toàn quốc (minh họa)", reporting_units=communes)
    return Plan.model_validate(data)


PROGRAMME = "minh-hoa-chuong-trinh-2021-2030"

# The indicators the programme's targets are linked to (docs/indicators.md): one per linked target,
# of its unit and direction; the first may be split by khu vực (thành thị / nông thôn).
LINKED = ("1", "2", "3", "4", "8")
DISAGGREGATED = "1"
CATEGORIES = ("thành thị", "nông thôn")


def indicator_code(code: str) -> str:
    return f"minh-hoa-chi-so-{code}"


def registry(n_targets: int = 30):
    """The synthetic indicator registry: the khu-vuc dimension and one indicator per LINKED target."""
    from indicators.registry import Registry

    by_code = {t["code"]: t for t in plan(n_targets).model_dump()["targets"]}
    indicators = []
    for code in LINKED:
        t = by_code[code]
        indicators.append({
            "code": indicator_code(code), "name": f"Chỉ số minh họa số {code} ({LABEL})", "unit": t["unit"],
            "direction": "down" if t["comparator"] in ("<", "<=") else "up",
            "numerator": "" if t["unit"] == "count" else f"Tử số minh họa của chỉ số {code}",
            "denominator": "" if t["unit"] == "count" else f"Mẫu số minh họa của chỉ số {code}",
            "disaggregations": ["khu-vuc"] if code == DISAGGREGATED else [],
            "source": f"{PROGRAMME}, chỉ tiêu {code} (minh họa)"})
    return Registry.model_validate({
        "dimensions": [{"code": "khu-vuc", "name": "Khu vực thành thị/nông thôn (minh họa)", "categories": list(CATEGORIES)}],
        "indicators": indicators})


def national_programme(communes: list[str], n_targets: int = 30) -> Plan:
    """A 2021–2030 programme over the same communes: each target's plan value becomes its 2030
    milestone, with a 2025 milestone a tenth short of it (docs/status-rules.md, programmes)."""
    data = plan(n_targets, 2021).model_dump(mode="json")
    for t in data["targets"]:
        last = t.pop("target")
        t["target_year"] = t["aspiration"] = None
        first = last * 0.9 if t["comparator"] in (">=", ">") else last * 1.1
        t["milestones"] = [{"year": 2025, "target": round(first, 2)}, {"year": 2030, "target": last}]
        if t["code"] in LINKED:
            t["indicator"] = indicator_code(t["code"])
    data.update(slug=PROGRAMME, title=f"Chương trình minh họa toàn quốc 2021–2030 — {LABEL}", start_year=2021,
                end_year=2030, scope="minh họa chương trình", province="Toàn quốc (minh họa)", reporting_units=communes,
                periods=[{"code": str(y), "deadline": f"{y}-11-05"} for y in range(2021, 2031)])
    return Plan.model_validate(data)


def national_frames(year: int, target_ids: dict[str, int], units: dict[str, int], lead_id: int,
                    start: dict[str, int], seed: int = 2026, slug: str | None = None, annual_only: bool = False):
    """Submissions and actuals of one year's national plan: each commune reports each target in
    both periods, with numerators and denominators; about 5% of reports missing, 12% late, and 2%
    of values corrected once (the earlier version kept, superseded). Deterministic."""
    import numpy as np
    import pandas as pd
    from datetime import datetime, timedelta

    rng = np.random.default_rng(seed + year)
    names = list(units)
    unit_ids = np.array([units[n] for n in names])
    codes = sorted(target_ids, key=int)
    tids = np.array([target_ids[c] for c in codes])
    unit_kind = {t["code"]: t["unit"] for t in plan(len(codes), year).model_dump()["targets"]}
    subs, acts = [], []
    sub_id, act_id = start["submissions"], start["actuals"]
    reports = ((1, f"{year}-H1", datetime(year, 5, 10)), (2, str(year), datetime(year, 11, 5)))
    for half, period, deadline in reports[1:] if annual_only else reports:
        sent = rng.random(len(names)) >= 0.05
        late = rng.random(len(names)) < 0.12
        offsets = np.where(late, rng.integers(1, 30, len(names)), -rng.integers(0, 12, len(names)))
        n_sent = int(sent.sum())
        s_ids = np.arange(sub_id, sub_id + n_sent)
        sub_id += n_sent
        received = [deadline + timedelta(days=int(d), hours=9) for d in offsets[sent]]
        subs.append(pd.DataFrame({
            "id": s_ids, "plan": slug or national_slug(year), "agency_id": unit_ids[sent], "period": period,
            "file_name": [f"bao-cao-{n.split()[3]}-{period}.xlsx" for n, ok in zip(names, sent) if ok],
            "checksum": "minh-hoa", "received_at": received, "submitted_by": "minh-hoa", "source": "synthetic",
            "is_demo": True, "rows_new": len(codes), "rows_changed": 0, "rows_unchanged": 0}))
        n = n_sent * len(codes)
        agency = np.repeat(unit_ids[sent], len(codes))
        sub = np.repeat(s_ids, len(codes))
        when = np.repeat(np.array(received, dtype="datetime64[s]"), len(codes))
        tid = np.tile(tids, n_sent)
        kinds = np.tile(np.array([unit_kind[c] for c in codes]), n_sent)
        den = rng.integers(150, 1500, n).astype(float)
        share = np.select([kinds == "%", kinds == "‰", kinds == "per_100k"],
                          [rng.uniform(0.55, 0.99, n), rng.uniform(0.004, 0.02, n), rng.uniform(0.001, 0.006, n)],
                          default=0.0)
        share *= 0.5 + 0.5 * half  # the annual report has gone further than the 6-month one
        factor = np.select([kinds == u for u in RATE_UNITS], [UNIT_FACTOR[u] for u in RATE_UNITS], default=1.0)
        num = np.round(den * share)
        value = np.where(kinds == "count", rng.integers(0, 3, n).astype(float), np.round(num / den * factor, 2))
        is_rate = kinds != "count"
        ids = np.arange(act_id, act_id + n)
        act_id += n
        corrected = rng.random(n) < 0.02
        frame = pd.DataFrame({
            "id": ids, "target_id": tid, "agency_id": agency, "period": period, "value": value,
            "numerator": np.where(is_rate, num, np.nan), "denominator": np.where(is_rate, den, np.nan),
            "submission_id": sub, "version": np.where(corrected, 2, 1), "recorded_at": when,
            "recorded_by": "minh-hoa", "is_demo": True})
        frame["category"] = pd.Series(pd.NA, index=frame.index, dtype="string")  # the whole of each target
        frame["numerator"] = frame["numerator"].astype("Float64").mask(~is_rate)
        frame["denominator"] = frame["denominator"].astype("Float64").mask(~is_rate)
        acts.append(frame)
        if corrected.any():  # the first version of each corrected value, superseded by the current one
            old = frame[corrected].copy()
            old["superseded_by"] = old["id"]
            old["superseded_at"] = old["recorded_at"]
            old["id"] = np.arange(act_id, act_id + len(old))
            act_id += len(old)
            old["version"] = 1
            old["value"] = old["value"] * 0.97
            acts.append(old)
    del lead_id
    return pd.concat(subs, ignore_index=True), pd.concat(acts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# The cascade at national scale: one yearly plan per province under the programme (parent), its
# targets linked to the programme's indicators, reported by the province's own communes. Built so
# that the flags are known in advance (tests/test_cascade_scale.py):
# - province MISSING[0] has no target for the programme's target MISSING[1] (flag no_target);
# - the target at index j of LINKED is weaker than the programme's road (docs/indicators.md) in
#   province p when (p + j) % 3 == 0: it keeps the 2025 milestone, or a little less; the others ask
#   the 2030 value or a little less (always stronger than the road of 2026–2029);
# - a province with p % 10 == 5 sends no report at all (flag no_report);
# - in the others about 5% of communes miss each report; the rest report every target of their
#   province in both periods with numerator and denominator, the disaggregated target per
#   category only (thành thị, nông thôn), so its whole is Σ numerator / Σ denominator of the two.

MISSING = (2, "2")


def province_slug(p: int, year: int) -> str:
    # after the national plan of the same year in slug order, so that the first plan a page offers
    # stays the national one
    return f"{NATIONAL}-{year}-tinh-{p:02d}"


def province_scope(p: int) -> str:
    return f"tỉnh minh họa {p:02d}"


def province_has(p: int, code: str) -> bool:
    return (p, code) != MISSING


def province_weaker(p: int, code: str) -> bool:
    return (p + LINKED.index(code)) % 3 == 0


def province_silent(p: int) -> bool:
    return p % 10 == 5


def province_communes(units: list[str], p: int) -> list[str]:
    return [u for u in units if u.endswith(f"(tỉnh {p:02d})")]


def _road_points(target) -> tuple[float, float]:
    """The programme target's first and last milestone values."""
    return target.milestones[0].target, target.milestones[-1].target


def province_goal(p: int, target) -> float:
    """Province p's value for the programme's `target` (see above): weaker ones from the first
    milestone away from the last, the others from the last towards the first, by a tenth of the gap."""
    first, last = _road_points(target)
    step = (last - first) / 10 * (p % 3)
    return round((first if province_weaker(p, target.code) else last) - step, 2)


def province_level(p: int, target) -> float:
    """The level province p's communes report around: from 0.35 of the gap between the two
    milestones short of the first to 0.65 past it, different from province to province (the
    ranking); about half of the provinces are behind the road of 2026 (0.2 past the first)."""
    first, last = _road_points(target)
    return first + (last - first) * ((p * 5) % 11 - 3.5) / 10


def province_plan(p: int, year: int, communes: list[str], programme: Plan) -> Plan:
    by_code = {t.code: t for t in programme.measurable_targets()}
    targets = []
    for code in LINKED:
        if not province_has(p, code):
            continue
        t = by_code[code]
        goal = province_goal(p, t)
        entry = {"code": code, "text": f"Chỉ tiêu minh họa số {code} của tỉnh minh họa {p:02d} ({LABEL})",
                 "unit": t.unit, "comparator": t.comparator, "target": goal, "kind": "level",
                 "indicator": indicator_code(code)}
        if code == DISAGGREGATED:
            entry["categories"] = [{"name": CATEGORIES[0], "target": round(min(goal + 4, 100.0), 2)},
                                   {"name": CATEGORIES[1], "target": round(max(goal - 4, 0.0), 2)}]
        targets.append(entry)
    standing = f"Cơ quan tổng hợp tỉnh minh họa {p:02d}"
    return Plan.model_validate({
        "slug": province_slug(p, year), "title": f"Kế hoạch minh họa tỉnh {p:02d} năm {year} — {LABEL}",
        "issuer": "Minh họa", "level": "province", "province": f"Tỉnh minh họa {p:02d}", "scope": province_scope(p),
        "year": year, "parent": programme.slug, "standing_agency": standing, "agencies": [standing],
        "reporting_units": communes,
        "periods": [{"code": f"{year}-H1", "deadline": f"{year}-05-10"}, {"code": str(year), "deadline": f"{year}-11-05"}],
        "targets": targets,
    })


DENOMINATORS = {"%": (150, 1500), "‰": (500, 5000), "per_100k": (20000, 200000)}


def province_frames(p: int, plan: Plan, programme: Plan, target_ids: dict[str, int], agency_ids: dict[str, int],
                    start: dict[str, int], seed: int = 2026):
    """Submissions and actuals of one province plan (see above); (None, None) for a silent province."""
    import numpy as np
    import pandas as pd
    from datetime import datetime, timedelta

    if province_silent(p):
        return None, None
    rng = np.random.default_rng(seed * 100 + p)
    prog = {t.code: t for t in programme.measurable_targets()}
    targets = plan.measurable_targets()
    units = plan.reporting_units
    subs, acts = [], []
    sub_id, act_id = start["submissions"], start["actuals"]
    for period, deadline in ((f"{plan.year}-H1", datetime(plan.year, 5, 10)), (str(plan.year), datetime(plan.year, 11, 5))):
        sent = [u for u in units if rng.random() >= 0.05]
        s_ids = np.arange(sub_id, sub_id + len(sent))
        sub_id += len(sent)
        received = [deadline + timedelta(days=int(d), hours=9) for d in rng.integers(-10, 5, len(sent))]
        rows = {"target_id": [], "agency_id": [], "value": [], "numerator": [], "denominator": [], "category": [],
                "submission_id": [], "recorded_at": []}
        n_rows = []
        for unit, sid, when in zip(sent, s_ids, received):
            n = 0
            for t in targets:
                factor = UNIT_FACTOR[t.unit]
                lo, hi = DENOMINATORS[t.unit]
                den = float(rng.integers(lo, hi))
                share = province_level(p, prog[t.code]) / factor * (1 + rng.uniform(-0.02, 0.02))
                if t.code == DISAGGREGATED:  # thành thị a little above the commune's level, nông thôn below
                    urban = float(round(den * rng.uniform(0.2, 0.5)))
                    parts = [(CATEGORIES[0], urban, min(share + 0.04, 0.99)), (CATEGORIES[1], den - urban, share - 0.04)]
                else:
                    parts = [(None, den, share)]
                for category, d, sh in parts:
                    num = float(round(d * sh))
                    rows["target_id"].append(target_ids[t.code])
                    rows["agency_id"].append(agency_ids[unit])
                    rows["value"].append(round(num / d * factor, 2))
                    rows["numerator"].append(num)
                    rows["denominator"].append(d)
                    rows["category"].append(category)
                    rows["submission_id"].append(int(sid))
                    rows["recorded_at"].append(when)
                    n += 1
            n_rows.append(n)
        subs.append(pd.DataFrame({
            "id": s_ids, "plan": plan.slug, "agency_id": [agency_ids[u] for u in sent], "period": period,
            "file_name": [f"bao-cao-{u.split()[3]}-{period}.xlsx" for u in sent], "checksum": "minh-hoa",
            "received_at": received, "submitted_by": "minh-hoa", "source": "synthetic", "is_demo": True,
            "rows_new": n_rows, "rows_changed": 0, "rows_unchanged": 0}))
        frame = pd.DataFrame(rows)
        frame["id"] = np.arange(act_id, act_id + len(frame))
        act_id += len(frame)
        frame["category"] = frame["category"].astype("string")
        frame["period"] = period
        frame["version"] = 1
        frame["recorded_by"] = "minh-hoa"
        frame["is_demo"] = True
        acts.append(frame)
    return pd.concat(subs, ignore_index=True), pd.concat(acts, ignore_index=True)


def build_provinces(store, units: list[str], provinces: int, year: int, programme: Plan) -> dict[str, int]:
    """The province plans of `year` under the programme and their reports (one bulk load)."""
    import pandas as pd

    plans = [(p, province_plan(p, year, province_communes(units, p), programme)) for p in range(1, provinces + 1)]
    store.load_catalogue([pl for _, pl in plans])
    start = store.next_ids()
    subs, acts = [], []
    for p, pl in plans:
        target_ids, agency_ids = store.ids(pl.slug)
        s, a = province_frames(p, pl, programme, target_ids, agency_ids, start)
        if s is not None:
            subs.append(s)
            acts.append(a)
            start = {"submissions": start["submissions"] + len(s), "actuals": start["actuals"] + len(a)}
    if subs:
        store.bulk_load({"submissions": pd.concat(subs, ignore_index=True), "actuals": pd.concat(acts, ignore_index=True)})
    return {"plans": len(plans), "submissions": sum(map(len, subs)), "actuals": sum(map(len, acts))}


def build_national(store, years: int = YEARS, communes: int = COMMUNES, provinces: int = PROVINCES,
                   last_year: int = 2026, programme: bool = True) -> dict[str, int]:
    """Load the national synthetic dataset into `store`; returns row counts. With the programme
    come the synthetic indicator registry (loaded first) and the province plans of `last_year`."""
    units = national_communes(communes, provinces)
    counts = {"plans": 0, "submissions": 0, "actuals": 0}
    if programme:
        store.load_registry(registry())  # before the plans that link to it
    for year in range(last_year - years + 1, last_year + 1):
        p = national_plan(year, units)
        store.load_catalogue([p])
        target_ids, agency_ids = store.ids(p.slug)
        subs, acts = national_frames(year, target_ids, {u: agency_ids[u] for u in units},
                                     agency_ids[p.standing_agency], store.next_ids())
        store.bulk_load({"submissions": subs, "actuals": acts})
        counts["plans"] += 1
        counts["submissions"] += len(subs)
        counts["actuals"] += len(acts)
    if programme:  # the national programme over the same communes, annual reports from its baseline year on
        p = national_programme(units)
        store.load_catalogue([p])
        target_ids, agency_ids = store.ids(p.slug)
        for year in range(p.start_year - 1, last_year + 1):
            subs, acts = national_frames(year, target_ids, {u: agency_ids[u] for u in units},
                                         agency_ids[p.standing_agency], store.next_ids(), slug=p.slug, annual_only=True)
            store.bulk_load({"submissions": subs, "actuals": acts})
            counts["submissions"] += len(subs)
            counts["actuals"] += len(acts)
        counts["plans"] += 1
        for k, v in build_provinces(store, units, provinces, last_year, p).items():  # the cascade below it
            counts[k] += v
    return counts
