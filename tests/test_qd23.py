"""The national programme (Quyết định 23/QĐ-TTg, 2021–2030) in the catalogue, checked against its
source text: 24 chỉ tiêu, every value the text gives for a year present as a milestone of its
chỉ tiêu, the readings that need a decision (3a, 11a, 13, 15), the span and its periods.

The values are parsed out of data/seeds/extra/qd23-2021-2030.txt where a small regex can, so that
the test does not merely repeat the TOML."""
from __future__ import annotations

import re
import unicodedata

import pytest

from indicators.models import path_problems
from indicators.settings import PLANS_DIR
from loaders.catalogue import load_plan_file
from tests.helpers import SEEDS, cli_json, run_cli

SLUG = "qd23-2021-2030"
SOURCE = SEEDS / "extra" / "qd23-2021-2030.txt"
STANDING = "Bộ Lao động - Thương binh và Xã hội"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _sentences() -> dict[str, str]:
    """Chỉ tiêu number -> its sentence in the source text, without the "- Chỉ tiêu N: " prefix."""
    text = unicodedata.normalize("NFC", SOURCE.read_text(encoding="utf-8"))
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^- Chỉ tiêu (\d+): (.+)$", text, re.M)}


SENTENCES = _sentences()

# A value the text sets: a number not inside another one ("1.000", "/100.000") followed by "%",
# by "/100.000", or directly by "vào năm" (the ‰ rates of chỉ tiêu 3 carry no unit sign).
VALUE = re.compile(r"(?<![\d.,/])(\d+(?:[.,]\d+)?)(?=\s?%|/100\.000| vào năm)")
# A year a value is set for: "vào năm 2025", "và năm 2030", "đến năm 2030" ("từ năm 2025" opens a span).
YEAR = re.compile(r"(?:vào|và|đến) năm (20\d\d)")


def _number(s: str) -> float:
    return float(s.replace(",", "."))  # "9,5" and the transcript's "18.5"


def _pairs(sentence: str) -> list[tuple[float, int]]:
    """(value, year) for every value the sentence sets: each value is tied to the next year named
    after it, and to the years chained straight onto that one ("… vào năm 2025 và năm 2030")."""
    years = list(YEAR.finditer(sentence))
    out = []
    for m in VALUE.finditer(sentence):
        after = [y for y in years if y.start() >= m.end()]
        for i, y in enumerate(after):
            if i and not (y.group(0).startswith("và") and y.start() == after[i - 1].end() + 1):
                break
            out.append((_number(m.group(1)), int(y.group(1))))
    return out


@pytest.fixture(scope="module")
def plan():
    return load_plan_file(PLANS_DIR / f"{SLUG}.toml")


@pytest.fixture(scope="module")
def measurable(plan):
    return {t.code: t for t in plan.measurable_targets()}


def _of_chi_tieu(measurable, number: str) -> list:
    """The measurable targets of one chỉ tiêu: itself, or its parts 3a, 3b, …"""
    return [t for code, t in measurable.items() if re.fullmatch(rf"{number}[a-z]?", code)]


@pytest.mark.unit
def test_the_source_text_has_24_chi_tieu():
    assert list(SENTENCES) == [str(i) for i in range(1, 25)]


@pytest.mark.unit
def test_24_chi_tieu_coded_1_to_24_in_four_groups(plan):
    assert [t.code for t in plan.targets] == [str(i) for i in range(1, 25)]
    assert [g.code for g in plan.goal_groups] == ["1", "2", "3", "4"]
    groups = {t.code: t.group for t in plan.targets}
    expected = {**{str(i): "1" for i in range(1, 8)}, **{str(i): "2" for i in range(8, 15)},
                **{str(i): "3" for i in range(15, 22)}, **{str(i): "4" for i in range(22, 25)}}
    assert groups == expected
    source = squash(SOURCE.read_text(encoding="utf-8"))
    for g in plan.goal_groups:
        assert squash(g.title) in source, g.title


@pytest.mark.unit
def test_plan_fields(plan):
    assert (plan.slug, plan.level, plan.start_year, plan.end_year) == (SLUG, "national", 2021, 2030)
    assert plan.issuer == "Thủ tướng Chính phủ" and plan.standing_agency == STANDING
    assert plan.title in squash(SOURCE.read_text(encoding="utf-8"))
    assert plan.source_file == "extra/qd23-2021-2030.txt" and (SEEDS / plan.source_file).is_file()
    assert len(plan.reporting_units) == 34 == len(set(plan.reporting_units))
    assert "UBND thành phố Hà Nội" in plan.reporting_units and "UBND tỉnh Sơn La" in plan.reporting_units


@pytest.mark.unit
def test_every_text_is_verbatim_and_every_part_inside_its_chi_tieu(plan):
    for entry in plan.targets:
        assert squash(entry.text) == squash(SENTENCES[entry.code]), entry.code
        for part in entry.parts:
            assert squash(part.text) in squash(entry.text), part.code


@pytest.mark.unit
@pytest.mark.parametrize("number", [str(i) for i in range(1, 25)])
def test_every_value_the_text_sets_for_a_year_is_a_milestone(measurable, number):
    """Each "X … vào năm 2025 / 2030" of the sentence is a milestone (year, value) of that chỉ tiêu
    (a yearly change like chỉ tiêu 13's is written as a negative value: compared in size)."""
    targets = _of_chi_tieu(measurable, number)
    assert targets, f"chỉ tiêu {number} has no measurable target"
    have = set()
    for t in targets:
        for m in [*t.milestones, *(m for c in t.categories for m in c.milestones)]:  # 4c: per khu vực
            have |= {(m.year, abs(v)) for v in (m.target, m.aspiration) if v is not None}
    pairs = _pairs(SENTENCES[number])
    for value, year in pairs:
        assert (year, value) in have, f"chỉ tiêu {number}: {value} vào năm {year} is not a milestone"
    if not pairs:  # chỉ tiêu 12 names no year: one milestone at the end of the span
        assert {m.year for t in targets for m in t.milestones} == {2030}


@pytest.mark.unit
def test_every_number_of_the_text_is_caught_by_the_parser():
    """The regex of the previous test misses no value: 64 (value, year) pairs in the 24 sentences,
    counted by hand from the text (chỉ tiêu 12 names no year; the obesity values of chỉ tiêu 4 hold
    for both years)."""
    assert sum(len(_pairs(s)) for s in SENTENCES.values()) == 64
    assert _pairs(SENTENCES["4"])[-4:] == [(5, 2025), (5, 2030), (10, 2025), (10, 2030)]
    assert _pairs(SENTENCES["13"]) == [(3, 2030)] and _pairs(SENTENCES["12"]) == []
    assert _pairs(SENTENCES["3"]) == [(9.5, 2025), (9, 2030), (12.5, 2025), (10, 2030), (18.5, 2025), (15, 2030)]


@pytest.mark.unit
def test_chi_tieu_1_has_two_milestones(measurable):
    t = measurable["1"]
    assert [(m.year, m.comparator, m.target) for m in t.milestones] == [(2025, ">=", 65), (2030, ">=", 75)]
    assert (t.unit, t.comparator, t.target, t.target_year) == ("%", ">=", 75, 2030)


@pytest.mark.unit
def test_3a_newborn_mortality_below_9_5_then_below_9(measurable):
    t = measurable["3a"]
    assert t.unit == "‰" and t.parent == "3"
    assert [(m.year, m.comparator, m.target) for m in t.milestones] == [(2025, "<", 9.5), (2030, "<", 9)]
    assert [(m.year, m.comparator, m.target) for m in measurable["3b"].milestones] == [(2025, "<=", 12.5), (2030, "<=", 10)]
    assert [(m.year, m.comparator, m.target) for m in measurable["3c"].milestones] == [(2025, "<", 18.5), (2030, "<", 15)]


@pytest.mark.unit
def test_compound_chi_tieu_and_their_parts(plan, measurable):
    assert plan.compound_targets() == {
        "3": ["3a", "3b", "3c"], "4": ["4a", "4b", "4c"], "5": ["5a", "5b"], "8": ["8a", "8b"],
        "11": ["11a", "11b"], "17": ["17a", "17b"], "18": ["18a", "18b"], "20": ["20a", "20b"]}
    assert len(measurable) == 34


@pytest.mark.unit
def test_obesity_is_one_target_with_a_value_per_khu_vuc(measurable):
    """"dưới 5% đối với nông thôn và dưới 10% đối với thành thị vào năm 2025 và năm 2030": no value
    for all children, one per category and year; judged by the worse of the two."""
    t = measurable["4c"]
    assert "nông thôn" in t.text and "thành thị" in t.text and t.indicator == "beo-phi-tre-duoi-5"
    assert t.target is None and t.judged_by_categories and not t.milestones
    assert {c.name: [(m.year, m.comparator, m.target) for m in c.milestones] for c in t.categories} == {
        "thành thị": [(2025, "<", 10), (2030, "<", 10)], "nông thôn": [(2025, "<", 5), (2030, "<", 5)]}


@pytest.mark.unit
def test_11a_and_11b_are_per_100k(measurable):
    for code in ("11a", "11b"):
        assert (measurable[code].unit, measurable[code].comparator) == ("per_100k", "<=")
    assert [m.target for m in measurable["11a"].milestones] == [550, 500]


@pytest.mark.unit
def test_units_and_one_milestone_targets(measurable):
    assert {c for c, t in measurable.items() if t.unit == "‰"} == {"3a", "3b", "3c"}
    assert {c for c, t in measurable.items() if t.unit == "per_100k"} == {"11a", "11b"}
    assert all(t.unit == "%" for c, t in measurable.items() if c not in {"3a", "3b", "3c", "11a", "11b"})
    one = {c: [(m.year, m.comparator, m.target) for m in t.milestones]
           for c, t in measurable.items() if len(t.milestones) == 1}
    assert one == {"5b": [(2030, ">=", 98)], "6": [(2030, "<=", 2)], "12": [(2030, ">=", 100)],
                   "13": [(2030, "<=", -2)], "19": [(2025, ">=", 95)]}
    assert all(len(t.milestones) == 2 for c, t in measurable.items() if c not in one and not t.categories)
    assert all(len(c.milestones) == 2 for c in measurable["4c"].categories)


@pytest.mark.unit
def test_13_is_a_yearly_change_flagged_as_approximate(measurable):
    t = measurable["13"]
    assert (t.kind, t.comparator, t.target, t.aspiration) == ("yearly_change", "<=", -2, -3)
    assert t.review


@pytest.mark.unit
def test_15_is_flagged_for_review(measurable):
    assert any("chỉ tiêu 16" in r for r in measurable["15"].review)
    assert [(m.year, m.target) for m in measurable["15"].milestones] == [(2025, 99.1), (2030, 99.3)]


@pytest.mark.unit
def test_milestone_years_within_the_span_and_paths_consistent(measurable):
    for code, t in measurable.items():
        if t.judged_by_categories:  # 4c: each khu vực has its road
            assert all(c.milestones and not path_problems(c.milestones) for c in t.categories)
            continue
        assert t.milestones, code
        assert all(2021 <= m.year <= 2030 for m in t.milestones), code
        assert t.comparator == t.milestones[-1].comparator, code
        # no path contradicts its direction (model.path_problems); only 13 and 15 need a person
        assert bool(t.review) == (code in {"13", "15"}), (code, t.review)


@pytest.mark.unit
def test_periods_are_annual_2021_to_2030_with_no_deadline(plan):
    assert [p.code for p in plan.periods] == [str(y) for y in range(2021, 2031)]
    assert all(p.deadline is None and p.recipient == STANDING for p in plan.periods)
    assert plan.accepted_periods()[0] == "2020"


@pytest.mark.unit
def test_every_target_is_led_by_the_standing_agency(measurable):
    assert {t.lead_agency for t in measurable.values()} == {STANDING}


@pytest.mark.store
def test_cli_targets_json_lists_the_24_chi_tieu_with_milestones(tmp_path):
    db = tmp_path / "qd23.duckdb"
    out = run_cli("init", db=db)
    assert out.returncode == 0, out.stderr
    targets = cli_json("targets", SLUG, db=db)
    assert len(targets) == 34
    assert {re.sub(r"[a-z]$", "", t["code"]) for t in targets} == {str(i) for i in range(1, 25)}
    by = {t["code"]: t for t in targets}
    assert [(m["year"], m["comparator"], m["target"]) for m in by["1"]["milestones"]] == [(2025, ">=", 65), (2030, ">=", 75)]
    assert by["1"]["lead_agency"] == STANDING
