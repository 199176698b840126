"""Indicators (docs/indicators.md): the registry, links from targets, the bad links and parents the
catalogue refuses, the proposer's accuracy on the seed plans, the command line, and the cascade
from the national programme down."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicators import cascade, fmt, linking
from indicators.errors import CatalogueError
from indicators.registry import Indicator, Registry
from indicators.settings import PLANS_DIR
from indicators.store import Store
from loaders.catalogue import load_catalogue, load_registry
from tests.helpers import cli_json, run_cli

QD23, SON_LA = "qd23-2021-2030", "son-la-2026"
SEED_PLANS = ("son-la-2026", "lang-son-2023", "chau-son-2026", "lang-son-skhcn-2026", "lang-son-snv-2024")




def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(exc: CatalogueError) -> list[str]:
    return [f"{p.where}: {p.message}" for p in exc.problems]


# --- the registry and the links as written ------------------------------------------------------

@pytest.mark.unit
def test_the_registry_has_an_indicator_for_every_linked_target_and_son_la_3_is_qd23_3a(catalogue, registry):
    assert len(registry.indicators) >= 40 and {d.code for d in registry.dimensions} >= {"khu-vuc", "gioi-tinh", "dan-toc"}
    son_la = {t.code: t for t in catalogue[SON_LA].measurable_targets()}
    qd23 = {t.code: t for t in catalogue[QD23].measurable_targets()}
    assert son_la["3"].indicator == qd23["3a"].indicator == "tu-vong-so-sinh"
    ind = registry.indicator("tu-vong-so-sinh")
    assert (ind.unit, ind.direction) == ("‰", "down") and ind.numerator and ind.denominator
    assert "khu-vuc" in registry.indicator(qd23["4c"].indicator).disaggregations
    linked = [t for p in catalogue.values() for t in p.measurable_targets() if t.indicator]
    assert len(linked) >= 90
    assert all(t.kind != "milestone" for t in linked)


@pytest.mark.unit
def test_the_plans_name_their_parents(catalogue):
    assert catalogue[SON_LA].parent == QD23 and catalogue["lang-son-2023"].parent == QD23
    assert catalogue["chau-son-2026"].parent.startswith("Kế hoạch số 138/KH-UBND")  # not in the product
    assert catalogue[QD23].parent == ""


# --- bad links, categories and parents: refused, saying which and where -------------------------

@pytest.mark.unit
def test_a_link_between_different_units_is_refused_naming_file_target_and_field(catalogue_dir):
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'indicator = "tu-vong-so-sinh"', 'indicator = "xa-phuong-phu-hop-tre-em"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    [problem] = _problems(err.value)
    assert problem.startswith("son-la-2026.toml: chỉ tiêu 3 → indicator:")
    assert "đơn vị tính khác nhau: chỉ tiêu tính bằng ‰, chỉ số xa-phuong-phu-hop-tre-em tính bằng %" in problem


@pytest.mark.unit
def test_a_link_between_opposite_directions_is_refused(catalogue_dir):
    registry = load_registry()
    up = next(i.code for i in registry.indicators if i.unit == "‰" and i.direction == "up") if any(
        i.unit == "‰" and i.direction == "up" for i in registry.indicators) else None
    if up is None:  # the registry has no rising ‰ indicator: add one to the copy
        with open(catalogue_dir / "indicators.toml", "a", encoding="utf-8") as f:
            f.write('\n[[indicators]]\ncode = "thu-nghiem-tang"\nname = "Chỉ số thử tăng"\nunit = "‰"\ndirection = "up"\n')
        up = "thu-nghiem-tang"
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'indicator = "tu-vong-so-sinh"', f'indicator = "{up}"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    [problem] = _problems(err.value)
    assert "son-la-2026.toml: chỉ tiêu 3 → indicator" in problem
    assert f"chiều khác nhau: chỉ tiêu giảm (phép so sánh <), chỉ số {up} càng cao càng tốt" in problem


@pytest.mark.unit
def test_an_unknown_indicator_is_refused(catalogue_dir):
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'indicator = "tu-vong-so-sinh"', 'indicator = "tu-vong-so-sinhh"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    assert _problems(err.value) == ['son-la-2026.toml: chỉ tiêu 3 → indicator: không có chỉ số mã "tu-vong-so-sinhh" '
                                    'trong danh mục chỉ số.']


@pytest.mark.unit
def test_a_cycle_of_parent_plans_is_refused(catalogue_dir):
    _edit(catalogue_dir / "plans" / "lang-son-2023.toml", 'parent = "qd23-2021-2030"', 'parent = "son-la-2026"')
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'parent = "qd23-2021-2030"', 'parent = "lang-son-2023"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    [problem] = _problems(err.value)
    assert "vòng lặp kế hoạch cha" in problem and "lang-son-2023" in problem and "son-la-2026" in problem
    assert ".toml: parent" in problem


@pytest.mark.unit
def test_a_plan_cannot_be_its_own_parent(catalogue_dir):
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'parent = "qd23-2021-2030"', 'parent = "son-la-2026"')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    assert any("không thể là kế hoạch cha của chính nó" in p for p in _problems(err.value))


@pytest.mark.unit
def test_categories_that_are_no_dimension_or_not_of_the_indicator_are_refused(catalogue_dir):
    plan = catalogue_dir / "plans" / "son-la-2026.toml"
    _edit(plan, 'indicator = "tu-vong-so-sinh"', 'indicator = "tu-vong-so-sinh"\ncategories = [{name = "miền núi"}, {name = "đồng bằng"}]')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    [problem] = _problems(err.value)
    assert problem.startswith("son-la-2026.toml: chỉ tiêu 3 → categories: các phân tổ miền núi, đồng bằng không trùng")
    _edit(plan, '[{name = "miền núi"}, {name = "đồng bằng"}]', '[{name = "nam"}, {name = "nữ"}]')
    with pytest.raises(CatalogueError) as err:
        load_catalogue()
    assert "chỉ số tu-vong-so-sinh không phân tổ theo giới tính" in _problems(err.value)[0]


@pytest.mark.store
def test_the_store_refuses_a_bad_link_or_cycle_and_changes_nothing(store, catalogue):
    before = store.plan(SON_LA)
    data = before.model_dump()
    data["targets"][2]["indicator"] = "xa-phuong-phu-hop-tre-em"
    from indicators.models import Plan

    with pytest.raises(CatalogueError, match="chưa nạp gì vào cơ sở dữ liệu"):
        store.load_catalogue([Plan.model_validate(data)])
    cyc = catalogue[QD23].model_dump() | {"parent": SON_LA}
    with pytest.raises(CatalogueError) as err:
        store.load_catalogue([Plan.model_validate(cyc)])
    assert "vòng lặp kế hoạch cha: qd23-2021-2030 → son-la-2026 → qd23-2021-2030" in str(err.value) or \
        "vòng lặp kế hoạch cha: son-la-2026 → qd23-2021-2030 → son-la-2026" in str(err.value)
    assert store.plan(SON_LA) == before and store.plan(QD23).parent == ""
    # a registry that drops an indicator a loaded plan links to is refused too
    slim = Registry(dimensions=store.registry().dimensions,
                    indicators=[i for i in store.registry().indicators if i.code != "tu-vong-so-sinh"])
    with pytest.raises(CatalogueError, match="không khớp các kế hoạch đã nạp"):
        store.load_registry(slim)
    assert store.registry().indicator("tu-vong-so-sinh") is not None


@pytest.mark.unit
def test_registry_file_problems_are_named(tmp_path):
    path = tmp_path / "indicators.toml"
    path.write_text('[[dimensions]]\ncode = "khu-vuc"\nname = "Khu vực"\ncategories = ["a", "b"]\n\n'
                    '[[indicators]]\ncode = "x"\nname = "X"\nunit = "%"\ndirection = "sideways"\n\n'
                    '[[indicators]]\ncode = "y"\nname = "Y"\nunit = "%"\ndirection = "up"\ndisaggregations = ["tuoi"]\n',
                    encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_registry(path)
    text = " | ".join(_problems(err.value))
    assert "indicators.toml: indicators[0] (mã \"x\") → direction" in text and "'sideways'" in text
    path.write_text(path.read_text(encoding="utf-8").replace('"sideways"', '"up"'), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_registry(path)
    assert "chỉ số y: disaggregations có \"tuoi\" không có trong dimensions" in " ".join(_problems(err.value))


# --- proposals --------------------------------------------------------------------------------

@pytest.mark.unit
def test_proposed_links_on_the_five_seed_plans(catalogue, registry, capsys):
    """The share of the five seed plans' measurable targets whose proposed link equals the link a
    person confirmed in the catalogue (no link counts as an answer too). Measured once before any
    tuning: 72/78 = 92,3%; after reading the misses (ages such as "dưới 5 tuổi" kept, a short part
    read with its compound's text, the name alone compared too): 75/78 (README)."""
    right, total, misses = 0, 0, []
    for slug in SEED_PLANS:
        for t in catalogue[slug].measurable_targets():
            p = linking.propose(t, registry)
            total += 1
            right += p.indicator == t.indicator
            if p.indicator != t.indicator:
                misses.append(f"{slug} {t.code}: {p.indicator} / {t.indicator}")
    with capsys.disabled():
        print(f"\nđề xuất liên kết đúng: {right}/{total} = {fmt.num(100 * right / total)}%; sai: {misses}")
    assert total == 78
    assert right / total >= 0.95, misses


@pytest.mark.unit
def test_a_proposal_says_what_it_rests_on_and_never_crosses_units(registry, catalogue):
    t = next(t for t in catalogue[SON_LA].measurable_targets() if t.code == "3")
    p = linking.propose(t, registry)
    assert p.indicator == "tu-vong-so-sinh" and p.score >= 90
    assert p.reasons[0] == "cùng đơn vị (‰)" and "cùng chiều" in p.reasons[1] and "rapidfuzz" in p.reasons[2]
    for plan in catalogue.values():
        for t in plan.measurable_targets():
            got = linking.propose(t, registry).indicator
            if got:
                ind = registry.indicator(got)
                assert ind.unit == t.unit, (plan.slug, t.code)
    tiny = Registry(indicators=[Indicator(code="a", name="Tỷ lệ trẻ em đi học", unit="‰", direction="down")])
    none = linking.propose(t, tiny)
    assert none.indicator is None and "không có chỉ số nào cùng đơn vị" in none.reasons[0]


@pytest.mark.unit
def test_words_keep_ages_and_drop_amounts():
    assert linking.words("Giảm tỷ suất tử vong trẻ em dưới 5 tuổi xuống dưới 18,4‰ vào năm 2025") == "tử vong trẻ em tuoif"
    assert linking.words("trẻ em dưới 1 tuổi") != linking.words("trẻ em dưới 5 tuổi")


# --- the command line ---------------------------------------------------------------------------

@pytest.mark.store
def test_cli_indicators_list_propose_and_link(tmp_path, catalogue_dir):
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    listed = cli_json("indicators", "list", db=db)
    by = {i["code"]: i for i in listed["indicators"]}
    assert by["tu-vong-so-sinh"]["targets"] == 2 and by["tu-vong-so-sinh"]["unit"] == "‰"
    proposals = cli_json("indicators", "propose", SON_LA, db=db)
    three = next(p for p in proposals if p["code"] == "3")
    assert three["indicator"] == three["confirmed"] == "tu-vong-so-sinh" and three["reasons"]

    plan_file = catalogue_dir / "plans" / "son-la-2026.toml"
    out = run_cli("indicators", "link", SON_LA, "3", "-", db=db)  # remove, then confirm again
    assert out.returncode == 0, out.stderr
    assert 'indicator = "tu-vong-so-sinh"' not in plan_file.read_text(encoding="utf-8").split('code = "4"')[0].split('code = "3"')[1]
    out = run_cli("indicators", "link", SON_LA, "3", "tu-vong-so-sinh", db=db)
    assert out.returncode == 0 and "Đã gắn với chỉ số tu-vong-so-sinh" in out.stdout
    text = plan_file.read_text(encoding="utf-8")
    assert text == (PLANS_DIR / "son-la-2026.toml").read_text(encoding="utf-8")  # back as it was, comments and all
    with Store(db) as s:
        assert next(t for t in s.targets(SON_LA) if t.code == "3").indicator == "tu-vong-so-sinh"
        notes = [json.loads(a["new_value"]) for a in s.audit_trail(plan=SON_LA, action="catalogue.update")]
        assert {"code": "3", "indicator_before": None, "indicator": "tu-vong-so-sinh"} in notes


@pytest.mark.store
def test_cli_link_refuses_a_wrong_unit_and_leaves_file_and_database_as_they_were(tmp_path, catalogue_dir):
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    plan_file = catalogue_dir / "plans" / "son-la-2026.toml"
    before = plan_file.read_text(encoding="utf-8")
    out = run_cli("indicators", "link", SON_LA, "3", "xa-phuong-phu-hop-tre-em", db=db)
    assert out.returncode == 1
    assert "son-la-2026.toml: chỉ tiêu 3 → indicator" in out.stderr and "đơn vị tính khác nhau" in out.stderr
    out2 = run_cli("indicators", "link", SON_LA, "99", "tu-vong-so-sinh", db=db)
    assert out2.returncode == 1 and "không có chỉ tiêu đo lường được mã \"99\"" in out2.stderr
    out3 = run_cli("indicators", "link", SON_LA, "3", "khong-co", db=db)
    assert out3.returncode == 1 and "Không có chỉ số mã \"khong-co\"" in out3.stderr
    assert plan_file.read_text(encoding="utf-8") == before
    with Store(db) as s:
        assert next(t for t in s.targets(SON_LA) if t.code == "3").indicator == "tu-vong-so-sinh"
        assert not s.audit_trail(plan=SON_LA, action="catalogue.update")


# --- the cascade --------------------------------------------------------------------------------

@pytest.mark.store
def test_cascade_of_qd23_3a_in_2026_lists_son_la_with_its_target_actual_and_status(demo_db, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as s:
        from indicators import progress

        own = {r.target.code: r for r in progress.plan_progress(s, SON_LA, "2026").rows}["3"]
    data = cli_json("cascade", QD23, "3a", "--year", "2026", db=db)
    assert (data["indicator"], data["milestone"], data["milestone_year"], data["comparator"]) == ("tu-vong-so-sinh", 9, 2030, "<")
    assert data["road"] == pytest.approx(9.4)  # 9,5 in 2025 to 9 in 2030: 9,4 in 2026
    rows = {r["plan"]: r for r in data["rows"]}
    son_la = rows[SON_LA]
    assert (son_la["scope"], son_la["level"], son_la["target_code"], son_la["comparator"], son_la["target"]) == (
        "tỉnh Sơn La", "province", "3", "<", 9.4)
    assert son_la["actual"] == pytest.approx(own.figure.value) and son_la["status"] == own.status
    assert son_la["period"] == "2026" and "weaker" not in son_la["flags"]
    # Lạng Sơn 2023 is a child too, but its year is not 2026: not listed
    assert "lang-son-2023" not in rows
    text = run_cli("cascade", QD23, "3a", "--year", "2026", db=db).stdout
    assert "son-la-2026" in text and "< 9,4‰" in text


@pytest.mark.store
def test_cascade_flags_weaker_targets_and_targets_the_child_does_not_have(demo_store, catalogue):
    """QĐ 23 chỉ tiêu 1 (≥ 65% in 2025, ≥ 75% in 2030) is ≥ 67% on its road in 2026: Sơn La's ≥ 65%
    for 2026 asks less. Its 3 (< 9,4‰ under a road of 9,4‰) does not. A QĐ 23 indicator that Sơn La's
    plan does not measure is flagged as missing."""
    c = cascade.cascade(demo_store, QD23, "1", 2026)
    assert c.road == pytest.approx(67) and (c.milestone, c.milestone_year) == (75, 2030)
    [row] = [r for r in c.rows if r.plan.slug == SON_LA]
    assert (row.goal, row.flags) == (65, (cascade.WEAKER,))
    [three] = [r for r in cascade.cascade(demo_store, QD23, "3a", 2026).rows if r.plan.slug == SON_LA]
    assert three.flags == ()
    son_la = {t.indicator for t in catalogue[SON_LA].measurable_targets()}
    missing = next(t.code for t in catalogue[QD23].measurable_targets() if t.indicator and t.indicator not in son_la)
    [none] = [r for r in cascade.cascade(demo_store, QD23, missing, 2026).rows if r.plan.slug == SON_LA]
    assert none.target is None and none.flags == (cascade.NO_TARGET,)
    assert cascade.weaker(9.6, 9.4, "down") and not cascade.weaker(9.3, 9.4, "down")
    assert cascade.weaker(60, 65, "up") and not cascade.weaker(100, 95, "up")  # "= 100%" under "= 95%": not weaker


@pytest.mark.store
def test_cascade_flags_a_child_without_a_report(store):
    [row] = [r for r in cascade.cascade(store, QD23, "3a", 2026).rows if r.plan.slug == SON_LA]
    assert row.flags == (cascade.NO_REPORT,) and row.actual is None and row.status == "no_data"
    assert cascade.cascade(store, QD23, "3a", 2026).ranking() == []


@pytest.mark.unit
def test_the_road_of_a_programme_target():
    from indicators.models import Milestone, Target

    t = Target(plan="p", code="1", text="x", group=None, unit="%", comparator=">=", target=75, aspiration=None,
               baseline=None, baseline_year=None, target_year=2030, of=None, kind="level", due=None, lead_agency="A",
               agencies=["A"], milestones=[Milestone(year=2025, comparator=">=", target=65),
                                           Milestone(year=2030, comparator=">=", target=75)], programme=True)
    assert cascade.road_value(t, 2025, None, 2020) == 65
    assert cascade.road_value(t, 2027, None, 2020) == pytest.approx(69)
    assert cascade.road_value(t, 2031, None, 2020) == 75
    assert cascade.road_value(t, 2022, None, 2020) is None  # no baseline: nothing to hold a child to before 2025
    assert cascade.road_value(t, 2022, 55, 2020) == pytest.approx(59)


@pytest.mark.store
def test_cascade_refuses_an_unlinked_target_and_a_year_outside_the_plan(store):
    from indicators.errors import UsageError

    with pytest.raises(UsageError, match="ngoài giai đoạn 2021–2030"):
        cascade.cascade(store, QD23, "3a", 2035)
    unlinked = next(t.code for t in store.targets("lang-son-snv-2024") if not t.indicator)
    with pytest.raises(UsageError, match="chưa gắn với chỉ số"):
        cascade.cascade(store, "lang-son-snv-2024", unlinked, 2024)


@pytest.mark.store
def test_parent_not_in_the_product_is_shown_as_such(store):
    text, tracked = cascade.parent_of(store, store.plan("chau-son-2026"))
    assert not tracked and text.endswith("(chưa có trong hệ thống)") and "138/KH-UBND" in text
    assert cascade.parent_of(store, store.plan(SON_LA)) == (QD23, True)


@pytest.mark.store
def test_the_same_view_answers_for_a_province_its_department_and_commune_plans(store, catalogue):
    """KH 138 of Lạng Sơn (2026) loaded as a province plan: the commune of Châu Sơn and the
    Sở KH&CN then name it as their parent, and its cascade lists them at their levels."""
    from indicators.models import Plan

    chau_son, skhcn = catalogue["chau-son-2026"], catalogue["lang-son-skhcn-2026"]
    helped = next(t for t in chau_son.measurable_targets() if t.indicator == "tre-hcdb-duoc-tro-giup")
    province = Plan.model_validate({
        "slug": "lang-son-2026", "title": "Kế hoạch triển khai thực hiện công tác trẻ em năm 2026", "issuer": "UBND tỉnh Lạng Sơn",
        "level": "province", "province": "Lạng Sơn", "scope": "tỉnh Lạng Sơn", "year": 2026, "parent": QD23,
        "standing_agency": "Sở Y tế", "periods": [{"code": "2026"}],
        "targets": [{"code": "1", "text": "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp đạt 95%", "unit": helped.unit,
                     "comparator": ">=", "target": 95, "indicator": helped.indicator}]})
    store.load_catalogue([province])
    store.load_catalogue([chau_son.model_copy(update={"parent": "lang-son-2026"}),
                          skhcn.model_copy(update={"parent": "lang-son-2026"})])
    c = cascade.cascade(store, "lang-son-2026", "1", 2026)
    by = {r.plan.slug: r for r in c.rows}
    assert set(by) == {"chau-son-2026", "lang-son-skhcn-2026"}
    assert (by["chau-son-2026"].plan.level, by["chau-son-2026"].target.code) == ("commune", helped.code)
    assert by["chau-son-2026"].goal == helped.target
    assert by["lang-son-skhcn-2026"].flags == (cascade.NO_TARGET,)
    # and from the nation down, the commune comes in at depth 2, under its province
    nation = {r.plan.slug: r.depth for r in cascade.cascade(store, QD23, "8b", 2026).rows}
    assert nation.get("lang-son-2026") == 1 and nation.get("chau-son-2026") == 2
    assert cascade.parent_of(store, store.plan("chau-son-2026")) == ("lang-son-2026", True)


@pytest.mark.store
def test_a_link_is_refused_when_the_file_holds_unloaded_edits_or_another_slug(tmp_path, catalogue_dir):
    """Found by review: a link must not smuggle other edits of the file into the database."""
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    plan_file = catalogue_dir / "plans" / "son-la-2026.toml"
    _edit(plan_file, 'slug = "son-la-2026"', 'slug = "lang-son-2023"')
    out = run_cli("indicators", "link", SON_LA, "3", "-", db=db)
    assert out.returncode == 1 and 'ghi slug "lang-son-2023"' in out.stderr
    _edit(plan_file, 'slug = "lang-son-2023"', 'slug = "son-la-2026"')
    _edit(plan_file, "target = 9.4", "target = 9.9")
    out = run_cli("indicators", "link", SON_LA, "3", "-", db=db)
    assert out.returncode == 1 and "đã được sửa mà chưa nạp" in out.stderr
    with Store(db) as s:
        assert next(t for t in s.targets(SON_LA) if t.code == "3").target == 9.4
        assert s.plan("lang-son-2023").scope == "tỉnh Lạng Sơn"


@pytest.mark.store
def test_linking_keeps_every_comment_where_it_was(tmp_path, catalogue_dir):
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    plan_file = catalogue_dir / "plans" / "chau-son-2026.toml"
    before = plan_file.read_text(encoding="utf-8")
    linked = next(t for t in load_catalogue(catalogue_dir / "plans") if t.slug == "chau-son-2026").measurable_targets()
    code, ind = next((t.code, t.indicator) for t in linked if t.code == "5")
    assert run_cli("indicators", "link", "chau-son-2026", code, "-", db=db).returncode == 0
    assert run_cli("indicators", "link", "chau-son-2026", code, ind, db=db).returncode == 0
    assert plan_file.read_text(encoding="utf-8") == before


@pytest.mark.store
def test_init_checks_everything_before_the_registry_is_written(tmp_path, catalogue_dir):
    """Found by review: a refused catalogue left the new registry behind; and dropping an indicator
    together with its links in one init was refused against the old plans."""
    db = tmp_path / "x.duckdb"
    assert run_cli("init", db=db).returncode == 0
    with Store(db) as s:
        registry_before = s.con.execute("SELECT registry_json FROM registry").fetchall()
    with open(catalogue_dir / "indicators.toml", "a", encoding="utf-8") as f:
        f.write('\n[[indicators]]\ncode = "chi-so-moi"\nname = "Chỉ số mới"\nunit = "%"\ndirection = "up"\n')
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'parent = "qd23-2021-2030"', 'parent = "son-la-2026"')
    assert run_cli("init", db=db).returncode == 1
    with Store(db) as s:
        assert s.con.execute("SELECT registry_json FROM registry").fetchall() == registry_before
    _edit(catalogue_dir / "plans" / "son-la-2026.toml", 'parent = "son-la-2026"', 'parent = "qd23-2021-2030"')
    # drop tu-vong-so-sinh from the registry and both its links, in one go
    reg_file = catalogue_dir / "indicators.toml"
    text = reg_file.read_text(encoding="utf-8")
    start = text.index('code = "tu-vong-so-sinh"')
    block_start = text.rindex("[[indicators]]", 0, start)
    block_end = text.index("[[indicators]]", start)
    reg_file.write_text(text[:block_start] + text[block_end:], encoding="utf-8")
    for name in ("son-la-2026.toml", "qd23-2021-2030.toml"):
        _edit(catalogue_dir / "plans" / name, 'indicator = "tu-vong-so-sinh"\n', "")
    out = run_cli("init", db=db)
    assert out.returncode == 0, out.stderr
    with Store(db) as s:
        assert s.registry().indicator("tu-vong-so-sinh") is None and s.registry().indicator("chi-so-moi") is not None
