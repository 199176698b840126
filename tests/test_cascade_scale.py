"""The cascade on the national synthetic dataset (commands/synthetic.py), built small: the programme,
one 2026 plan per province under it, reported by the province's communes. The flags, the ranking
and the split by khu vực must come out exactly as the data was built, and the one grouped query
of the cascade must give what asking each province plan on its own gives (commands/scale.py)."""
from __future__ import annotations

import pytest

from commands import scale, synthetic
from indicators import cascade
from indicators.models import UNIT_FACTOR
from indicators.registry import direction_of
from indicators.store import Store

pytestmark = pytest.mark.store

PROVINCES, COMMUNES, YEAR = 6, 120, 2026
P = synthetic.PROGRAMME


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    with Store(path) as s:
        s.migrate()
        synthetic.build_national(s, years=1, communes=COMMUNES, provinces=PROVINCES, last_year=YEAR)
    s = Store(path)
    yield s
    s.close()


def sums(store, slug, code, period) -> dict[str | None, tuple[float, float]]:
    """category -> (Σ numerator, Σ denominator) of the current actuals, straight from the table."""
    rows = store.con.execute("""SELECT x.category, sum(x.numerator), sum(x.denominator) FROM actuals x
        JOIN targets t ON t.id = x.target_id WHERE t.plan = ? AND t.code = ? AND x.period = ?
        AND x.superseded_at IS NULL GROUP BY x.category""", [slug, code, period]).fetchall()
    return {c: (n, d) for c, n, d in rows}


def road(store, code) -> float:
    """The programme's 2026 value on its road: the 2025 milestone plus a fifth of the way to 2030."""
    t = next(t for t in store.targets(P) if t.code == code)
    first, last = t.milestones[0].target, t.milestones[-1].target
    return first + (last - first) * (YEAR - 2025) / 5


def expected_flags(p: int, code: str) -> tuple[str, ...]:
    if not synthetic.province_has(p, code):
        return (cascade.NO_TARGET,)
    return ((cascade.WEAKER,) if synthetic.province_weaker(p, code) else ()) + \
        ((cascade.NO_REPORT,) if synthetic.province_silent(p) else ())


def test_the_small_build_holds_every_case_the_cascade_flags():
    """Guards the test itself: 6 provinces include a missing target, a silent province, weaker ones."""
    ps = range(1, PROVINCES + 1)
    assert synthetic.MISSING[0] in ps and synthetic.MISSING[1] in synthetic.LINKED
    assert [p for p in ps if synthetic.province_silent(p)] == [5]
    assert all(any(synthetic.province_weaker(p, c) for p in ps) and not all(synthetic.province_weaker(p, c) for p in ps)
               for c in synthetic.LINKED)


@pytest.mark.parametrize("code", synthetic.LINKED)
def test_cascade_lists_every_province_plan_once_with_the_flags_it_was_built_with(national, code):
    c = cascade.cascade(national, P, code, YEAR)
    assert [r.plan.slug for r in c.rows] == [synthetic.province_slug(p, YEAR) for p in range(1, PROVINCES + 1)]
    assert {r.plan.slug: r.flags for r in c.rows} == {
        synthetic.province_slug(p, YEAR): expected_flags(p, code) for p in range(1, PROVINCES + 1)}
    assert c.road == pytest.approx(road(national, code))
    for p, r in enumerate(c.rows, start=1):
        assert r.depth == 1 and r.plan.parent == P and r.plan.level == "province"
        if r.target is None:
            assert r.result is None and r.shortfall is None
            continue
        assert r.goal == synthetic.province_goal(p, next(t for t in national.targets(P) if t.code == code))
        assert r.target.indicator == synthetic.indicator_code(code)
        if synthetic.province_silent(p):
            assert (r.actual, r.status, r.shortfall) == (None, "no_data", None)
        else:
            assert r.period == str(YEAR) and r.actual is not None


@pytest.mark.parametrize("code", synthetic.LINKED)
def test_cascade_ranking_puts_the_furthest_behind_the_road_first(national, code):
    c = cascade.cascade(national, P, code, YEAR)
    reported = {synthetic.province_slug(p, YEAR) for p in range(1, PROVINCES + 1)
                if synthetic.province_has(p, code) and not synthetic.province_silent(p)}
    ranked = c.ranking()
    assert sorted(r.plan.slug for r in ranked) == sorted(reported)
    d = direction_of(c.comparator)
    for r in ranked:
        num, den = map(sum, zip(*sums(national, r.plan.slug, code, str(YEAR)).values()))
        actual = num / den * UNIT_FACTOR[r.target.unit]
        assert r.actual == pytest.approx(actual)
        assert r.shortfall == pytest.approx(c.road - actual if d == "up" else actual - c.road)
    shortfalls = [r.shortfall for r in ranked]
    assert shortfalls == sorted(shortfalls, reverse=True)
    assert any(s > 0 for s in shortfalls) and any(s < 0 for s in shortfalls)  # some behind the road, some ahead


def test_cascade_splits_the_disaggregated_target_by_khu_vuc(national):
    """No commune reports the whole: each category is Σ/Σ over its communes, the whole Σ/Σ of both."""
    code = synthetic.DISAGGREGATED
    c = cascade.cascade(national, P, code, YEAR)
    for p, r in enumerate(c.rows, start=1):
        assert r.target.category_names == list(synthetic.CATEGORIES)
        split = {x.name: x for x in r.result.categories}
        assert list(split) == list(synthetic.CATEGORIES)
        if synthetic.province_silent(p):
            assert all(x.figure.value is None for x in split.values()) and r.result.figure.missing
            continue
        got = sums(national, r.plan.slug, code, str(YEAR))
        assert None not in got and set(got) == set(synthetic.CATEGORIES)
        for name, (num, den) in got.items():
            x = split[name]
            assert x.figure.value == pytest.approx(num / den * 100)
            assert (x.figure.numerator, x.figure.denominator) == (num, den)
            assert x.judgement is not None and x.target.target == next(
                ct.target for ct in r.target.categories if ct.name == name)
        whole = r.result.figure
        assert whole.method == "categories"
        assert whole.value == pytest.approx(sum(n for n, _ in got.values()) / sum(d for _, d in got.values()) * 100)
        assert split["thành thị"].figure.value > split["nông thôn"].figure.value  # as built


@pytest.mark.parametrize("code", synthetic.LINKED)
def test_batched_cascade_and_naive_per_plan_progress_agree(national, code):
    c = cascade.cascade(national, P, code, YEAR)
    naive = scale.naive_cascade(national, P, code, YEAR)
    assert set(naive) == {(r.plan.slug, r.target.code) for r in c.rows if r.target is not None}
    for r in c.rows:
        if r.target is None:
            continue
        period, row = naive[(r.plan.slug, r.target.code)]
        assert (r.period, r.status, r.actual) == (period, row.status, row.figure.value), r.plan.slug
        assert r.result.judgement == row.judgement
        assert [(x.name, x.figure.value, x.judgement) for x in r.result.categories] == \
            [(x.name, x.figure.value, x.judgement) for x in row.categories]


def test_cascade_page_work_runs_on_the_small_build(national):
    scale.page_cascade(national, P, synthetic.DISAGGREGATED, YEAR)


def test_the_province_plans_and_registry_are_labelled_synthetic_and_rebuilt_identically(national, tmp_path):
    reg = national.registry()
    assert [i.code for i in reg.indicators] == [synthetic.indicator_code(c) for c in synthetic.LINKED]
    assert all(synthetic.LABEL in i.name for i in reg.indicators)
    assert reg.indicator(synthetic.indicator_code(synthetic.DISAGGREGATED)).disaggregations == ["khu-vuc"]
    provinces = [s for s, parent in national.plan_parents().items() if parent == P]
    assert len(provinces) == PROVINCES
    assert all(synthetic.LABEL in national.plan(s).title for s in provinces)
    demo, n = national.con.execute("""SELECT bool_and(x.is_demo), count(*) FROM actuals x JOIN targets t
        ON t.id = x.target_id WHERE list_contains(?, t.plan)""", [provinces]).fetchall()[0]
    assert demo is True and n > 0  # shown as DỮ LIỆU MINH HỌA wherever they appear
    query = """SELECT t.plan, t.code, a.name, x.period, x.category, x.value, x.numerator, x.denominator
               FROM actuals x JOIN targets t ON t.id = x.target_id JOIN agencies a ON a.id = x.agency_id
               WHERE list_contains(?, t.plan) ORDER BY ALL"""
    with Store(tmp_path / "again.duckdb") as again:
        again.migrate()
        synthetic.build_national(again, years=1, communes=COMMUNES, provinces=PROVINCES, last_year=YEAR)
        assert again.con.execute(query, [provinces]).fetchall() == national.con.execute(query, [provinces]).fetchall()
