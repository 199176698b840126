"""The plan-document reader on multi-year plans (issue 13): every year a sentence names is a
milestone, never a baseline; categories are parts of their own; the plan has a span.

Accuracy is counted exactly as tests/plan_texts_multiyear/README.md says ("How accuracy is
counted"): (year, value) pairs right / (expected + extra), targets as tests/test_plan_doc.py::score
with `category` added, plan metadata with `start_year` and `end_year`."""
from __future__ import annotations

import json
import re
import unicodedata

import pytest

from loaders.plan_doc import read_plan
from tests.helpers import ROOT

TEXTS = ROOT / "tests" / "plan_texts_multiyear"

SCORED = ("unit", "comparator", "target", "target_year", "values", "aspiration", "baseline", "baseline_year", "kind",
          "of", "category")
META = ("title", "year", "issuer", "level", "standing_agency", "start_year", "end_year")


def _category(text) -> str | None:
    """Category strings compare after NFC, lower-casing and squashing spaces (README)."""
    if text is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().lower() or None


def _values(entries: list[dict]) -> list[dict]:
    """`values` entries with the category compared as the README says; no key when there is none."""
    out = []
    for v in entries or []:
        e = {"year": v["year"], "comparator": v["comparator"], "target": v["target"]}
        if _category(v.get("category")) is not None:
            e["category"] = _category(v["category"])
        out.append(e)
    return out


def _field(target: dict, name: str):
    if name == "values":
        return _values(target.get("values"))
    if name == "category":
        return _category(target.get("category"))
    return target.get(name)


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def _pair_key_equal(a: dict, b: dict) -> bool:
    return (a["year"] == b["year"] and a["comparator"] == b["comparator"] and a["target"] is not None
            and b["target"] is not None and abs(a["target"] - b["target"]) < 1e-9 and a.get("category") == b.get("category"))


def score_pairs(expected: dict, got: dict) -> dict:
    """(year, value) pairs: right when the reader's target of the same code has an entry with the
    same year, comparator, target (1e-9) and category; every entry of the reader that the answer
    lacks (on any target, expected or not) is one extra wrong pair."""
    mine = {t["code"]: _values(t.get("values")) for t in got["targets"]}
    wanted = {t["code"]: _values(t["values"]) for t in expected["targets"]}
    right = 0
    for code, entries in wanted.items():
        pool = list(mine.get(code, []))
        for e in entries:
            hit = next((k for k, m in enumerate(pool) if _pair_key_equal(e, m)), None)
            if hit is not None:
                right += 1
                pool.pop(hit)
    extra = 0
    for code, entries in mine.items():
        pool = list(wanted.get(code, []))
        for m in entries:
            hit = next((k for k, e in enumerate(pool) if _pair_key_equal(e, m)), None)
            if hit is None:
                extra += 1
            else:
                pool.pop(hit)
    expected_n = sum(len(v) for v in wanted.values())
    return {"right": right, "expected": expected_n, "extra": extra, "total": expected_n + extra}


def score(expected: dict, got: dict) -> dict:
    """Targets right / total (missing and extra targets count as wrong), agencies, baselines and
    plan metadata (title, year, issuer, level, standing agency, start and end year, periods)."""
    mine = {t["code"]: t for t in got["targets"]}
    wanted = {t["code"] for t in expected["targets"]}
    right = [t["code"] for t in expected["targets"]
             if t["code"] in mine and all(_same(_field(mine[t["code"]], f), _field(t, f)) for f in SCORED)]
    agencies = [t["code"] for t in expected["targets"] if t["code"] in mine and mine[t["code"]]["agencies"] == t["agencies"]]
    stated = [t for t in expected["targets"] if t["baseline"] is not None]
    baselines = [t["code"] for t in stated if t["code"] in mine
                 and _same(mine[t["code"]]["baseline"], t["baseline"]) and mine[t["code"]]["baseline_year"] == t["baseline_year"]]
    wrong_baselines = [c for c, t in mine.items() if t.get("baseline") is not None
                       and not (c in wanted and c in baselines)]
    extra = [c for c in mine if c not in wanted]
    span = {"start_year": got.get("start_year", got["year"]), "end_year": got.get("end_year", got["year"])}
    meta = [k for k in META if {**got, **span}.get(k) == expected[k]]
    periods_ok = [(p["code"], p["deadline"]) for p in got["periods"]] == [(p["code"], p["deadline"]) for p in expected["periods"]]
    return {"right": len(right), "total": len(expected["targets"]) + len(extra), "expected": len(expected["targets"]),
            "agencies": len(agencies), "baselines": len(baselines), "baselines_stated": len(stated),
            "baselines_wrong": len(wrong_baselines), "meta": len(meta) + periods_ok, "meta_total": len(META) + 1,
            "wrong": [c for c in sorted(wanted | set(mine)) if c not in right]}


def measure() -> tuple[list[tuple[str, dict, dict]], dict]:
    """Per file (name, pair score, target score) and the totals."""
    rows, totals = [], {}
    for path in sorted(TEXTS.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        got = read_plan(path.with_name(path.name.replace(".expected.json", ".txt"))).as_json()
        p, t = score_pairs(expected, got), score(expected, got)
        rows.append((path.name.split(".")[0], p, t))
        for k, v in list(p.items()) + [(f"t_{k}", v) for k, v in t.items() if k != "wrong"]:
            totals[k] = totals.get(k, 0) + v
    return rows, totals


@pytest.mark.unit
def test_accuracy_on_multiyear_plan_texts():
    rows, totals = measure()
    assert len(rows) == 6
    print("\nĐộ chính xác trên các kế hoạch nhiều năm (tests/plan_texts_multiyear; xem README về lần đo đầu):")
    for name, p, t in rows:
        print(f"  {name:34} cặp (năm, giá trị) {p['right']:3}/{p['total']:<3} (thừa {p['extra']}), "
              f"chỉ tiêu {t['right']:2}/{t['total']:<2}, cơ quan {t['agencies']}/{t['expected']}, "
              f"mức cơ sở {t['baselines']}/{t['baselines_stated']} (sai/thừa {t['baselines_wrong']}), "
              f"thông tin kế hoạch {t['meta']}/{t['meta_total']}"
              + (f"; sai: {', '.join(t['wrong'])}" if t["wrong"] else ""))
    share = totals["right"] / totals["total"]
    print(f"  TỔNG: {totals['right']}/{totals['total']} cặp (năm, giá trị) đúng = {share:.1%} "
          f"({totals['expected']} cặp trong đáp án, {totals['extra']} cặp thừa); "
          f"{totals['t_right']}/{totals['t_total']} chỉ tiêu đúng = {totals['t_right'] / totals['t_total']:.1%}; "
          f"cơ quan {totals['t_agencies']}/{totals['t_expected']}; mức cơ sở {totals['t_baselines']}/"
          f"{totals['t_baselines_stated']}; thông tin kế hoạch {totals['t_meta']}/{totals['t_meta_total']}")
    assert totals["expected"] == 169
    assert share >= 0.95


@pytest.mark.unit
def test_expected_answers_are_well_formed():
    total = 0
    for path in sorted(TEXTS.glob("*.expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.with_name(path.name.replace(".expected.json", ".txt")).exists()
        assert data["year"] == data["start_year"] <= data["end_year"], path.name
        codes = [t["code"] for t in data["targets"]]
        assert len(codes) == len(set(codes)), path.name
        for t in data["targets"]:
            assert set(SCORED) | {"code", "agencies"} <= set(t), (path.name, t["code"])
            years = [v["year"] for v in t["values"]]
            assert years == sorted(set(years)), (path.name, t["code"])
            assert all(v.get("category") == t["category"] for v in t["values"]), (path.name, t["code"])
        total += sum(len(t["values"]) for t in data["targets"])
    assert total == 169


@pytest.mark.unit
def test_scorer_counts_extra_pairs_and_categories():
    expected = {"targets": [{"code": "1", "values": [{"year": 2025, "comparator": "<", "target": 4, "category": "Nông  thôn"}]}]}
    same = {"targets": [{"code": "1", "values": [{"year": 2025, "comparator": "<", "target": 4.0, "category": "nông thôn"}]}]}
    assert score_pairs(expected, same) == {"right": 1, "expected": 1, "extra": 0, "total": 1}
    no_category = {"targets": [{"code": "1", "values": [{"year": 2025, "comparator": "<", "target": 4}]}]}
    assert score_pairs(expected, no_category) == {"right": 0, "expected": 1, "extra": 1, "total": 2}
    baseline_as_milestone = {"targets": [{"code": "1", "values": same["targets"][0]["values"] + [
        {"year": 2020, "comparator": ">=", "target": 61.3}]}, {"code": "9", "values": [{"year": 2030, "comparator": "=", "target": 0}]}]}
    assert score_pairs(expected, baseline_as_milestone) == {"right": 1, "expected": 1, "extra": 2, "total": 3}
