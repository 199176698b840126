"""The catalogue pins the five seed plans: codes, verbatim texts, forms, agencies, deadlines."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from indicators.errors import CatalogueError
from indicators.settings import PLANS_DIR
from loaders.catalogue import load_catalogue, load_plan_file
from tests.helpers import SEEDS

pytestmark = pytest.mark.unit  # the catalogue files, read and validated; no database


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def test_five_plans_and_the_national_programme_with_the_fixed_slugs(catalogue):
    assert sorted(catalogue) == ["chau-son-2026", "lang-son-2023", "lang-son-skhcn-2026", "lang-son-snv-2024",
                                 "qd23-2021-2030", "son-la-2026"]


@pytest.mark.parametrize("slug", ["chau-son-2026", "lang-son-2023", "lang-son-skhcn-2026", "lang-son-snv-2024", "son-la-2026",
                                  "qd23-2021-2030"])
def test_every_text_is_verbatim_from_its_seed(catalogue, slug):
    plan = catalogue[slug]
    seed = squash((SEEDS / plan.source_file).read_text(encoding="utf-8"))
    for entry in plan.targets:
        assert squash(entry.text) in seed, f"{slug} {entry.code}: text not found verbatim in the seed"
        for part in entry.parts:
            assert squash(part.text) in squash(entry.text), f"{slug} {part.code}: part text not inside its target"


def test_son_la_has_28_chi_tieu_as_32_measurable_targets(catalogue):
    plan = catalogue["son-la-2026"]
    assert [t.code for t in plan.targets] == [str(i) for i in range(1, 29)]
    codes = [t.code for t in plan.measurable_targets()]
    assert len(codes) == 32
    assert {"15a", "15b", "21a", "21b", "22a", "22b", "24a", "24b"} <= set(codes)
    assert not {"15", "21", "22", "24"} & set(codes)
    assert plan.compound_targets() == {"15": ["15a", "15b"], "21": ["21a", "21b"], "22": ["22a", "22b"], "24": ["24a", "24b"]}


SON_LA = {  # code: (unit, comparator, target) read from the seed by hand
    "1": ("%", ">=", 65), "2": ("%", ">=", 86), "3": ("‰", "<", 9.4), "4": ("‰", "<", 12.4), "5": ("‰", "<", 18.4),
    "6": ("%", "<", 14.8), "7": ("%", "<=", 25.6), "8": ("%", ">=", 90), "9": ("%", "<", 2), "10": ("%", ">=", 100),
    "11": ("%", "<", 6.4), "12": ("%", ">=", 91), "13": ("%", "<", 0.11), "14": ("%", "<=", 4.8),
    "15a": ("per_100k", "<=", 440), "15b": ("per_100k", "<", 15.8), "16": ("%", ">=", 100), "17": ("%", "<=", -0.5),
    "18": ("%", ">=", 98.6), "19": ("%", ">=", 99.2), "20": ("%", ">=", 100), "21a": ("%", ">=", 98),
    "21b": ("%", "<", 0.11), "22a": ("%", ">=", 91), "22b": ("%", "<", 0.5), "23": ("%", ">=", 95),
    "24a": ("%", ">=", 56), "24b": ("%", ">=", 82), "25": ("%", ">=", 41), "26": ("%", ">=", 31),
    "27": ("%", ">=", 86), "28": ("%", ">", 31),
}


def test_son_la_comparators_values_and_units(catalogue):
    got = {t.code: (t.unit, t.comparator, t.target) for t in catalogue["son-la-2026"].measurable_targets()}
    assert got == SON_LA


def test_son_la_special_forms(catalogue):
    t = {x.code: x for x in catalogue["son-la-2026"].measurable_targets()}
    assert (t["8"].target, t["8"].aspiration) == (90, 95)
    assert (t["9"].kind, t["9"].target, t["9"].target_year) == ("direction", 2, 2030)
    assert t["17"].kind == "yearly_change"
    assert all(x.target_year == 2026 for c, x in t.items() if c != "9")


def test_son_la_lead_agencies_follow_section_iv(catalogue):
    lead = {t.code: t.lead_agency for t in catalogue["son-la-2026"].measurable_targets()}
    expected = {}
    for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 26, 27, 28]:
        expected[str(n)] = "Sở Y tế"
    for n in [10, 19, 20, 21, 22, 23, 24]:
        expected[str(n)] = "Sở Giáo dục và Đào tạo"
    expected.update({"14": "Sở Nội vụ", "18": "Sở Tư pháp", "25": "Sở Văn hóa, Thể thao và Du lịch"})
    for code, agency in lead.items():
        assert agency == expected[re.sub(r"[a-z]$", "", code)], code
    coord = {t.code: t.coordinating for t in catalogue["son-la-2026"].measurable_targets() if t.coordinating}
    assert coord == {"13": ["Công an tỉnh"], "26": ["Ban Công tác Đoàn và Thanh thiếu nhi"],
                     "27": ["Ban Công tác Đoàn và Thanh thiếu nhi"], "28": ["Ban Công tác Đoàn và Thanh thiếu nhi"]}


@pytest.mark.parametrize("slug, deadlines", [
    ("son-la-2026", {"2026-H1": date(2026, 5, 10), "2026": date(2026, 11, 5)}),
    ("lang-son-2023", {"2023-H1": date(2023, 5, 20), "2023": date(2023, 11, 15)}),
    ("chau-son-2026", {"2026-H1": date(2026, 5, 10), "2026": date(2026, 11, 10)}),
    ("lang-son-skhcn-2026", {"2026-H1": date(2026, 5, 15), "2026": date(2026, 11, 15)}),
    ("lang-son-snv-2024", {"2024": date(2024, 7, 20)}),
])
def test_reporting_deadlines(catalogue, slug, deadlines):
    assert {p.code: p.deadline for p in catalogue[slug].periods} == deadlines


def test_lang_son_2023_compound_targets_and_forms(catalogue):
    plan = catalogue["lang-son-2023"]
    assert [t.code for t in plan.targets] == [str(i) for i in range(1, 13)]
    assert set(plan.compound_targets()) == {"2", "5", "7", "8", "10", "11"}
    t = {x.code: x for x in plan.measurable_targets()}
    assert (t["9"].unit, t["9"].target, t["9"].of, t["9"].baseline, t["9"].baseline_year) == ("count", 150, 200, 144, 2022)
    assert (t["7d"].comparator, t["7d"].target) == ("=", 0)
    assert (t["10b"].kind, t["10b"].comparator, t["10b"].target) == ("direction", ">", None)
    assert {p.compile_deadline for p in plan.periods} == {date(2023, 5, 25), date(2023, 11, 20)}
    assert all(x.lead_agency == "Sở Lao động - Thương binh và Xã hội" for x in t.values())


def test_chau_son_12_bullets_numbered_in_order(catalogue):
    plan = catalogue["chau-son-2026"]
    assert [t.code for t in plan.targets] == [str(i) for i in range(1, 13)]
    assert plan.standing_agency == "Phòng Văn hoá – Xã hội"
    assert plan.implements.startswith("Kế hoạch số 138/KH-UBND ngày 15/4/2026")


def test_department_plans(catalogue):
    skhcn = {t.code: t for t in catalogue["lang-son-skhcn-2026"].measurable_targets()}
    assert (skhcn["1"].target, skhcn["1"].unit) == (100, "%")
    assert (skhcn["3"].kind, skhcn["3"].target, skhcn["3"].aspiration) == ("activity_count", 1, 2)
    assert skhcn["2"].kind == "milestone"
    snv = catalogue["lang-son-snv-2024"]
    assert [p.code for p in snv.periods] == ["2024"]
    due = {t.code: t.due for t in snv.measurable_targets()}
    assert due["1"] == date(2024, 6, 30) and due["2"] == date(2024, 6, 1)


def test_text_is_stored_nfc(catalogue):
    for plan in catalogue.values():
        for t in plan.measurable_targets():
            assert unicodedata.is_normalized("NFC", t.text)


# --- a catalogue file that is wrong is refused with the file and the field named ------------------

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_comparator_names_file_target_and_field(tmp_path):
    src = (PLANS_DIR / "son-la-2026.toml").read_text(encoding="utf-8")
    bad = src.replace('comparator = "<"\nindicator = "tu-vong-so-sinh"', 'comparator = "less"\nindicator = "tu-vong-so-sinh"', 1)
    with pytest.raises(CatalogueError) as err:
        load_plan_file(_write(tmp_path, "son-la-2026.toml", bad))
    text = str(err.value)
    assert "son-la-2026.toml" in text and "targets[2]" in text and 'mã "3"' in text and "comparator" in text


def test_every_problem_in_a_file_is_reported(tmp_path):
    src = (PLANS_DIR / "son-la-2026.toml").read_text(encoding="utf-8")
    bad = src.replace("target = 65", 'target = "sáu lăm"').replace('unit = "‰"', 'unit = "phần nghìn"', 1)
    with pytest.raises(CatalogueError) as err:
        load_plan_file(_write(tmp_path, "son-la-2026.toml", bad))
    assert len(err.value.problems) >= 2


def test_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(CatalogueError) as err:
        load_plan_file(_write(tmp_path, "x.toml", 'slug = "x"\ntitle = "thiếu dấu ngoặc\n'))
    assert "x.toml" in str(err.value) and "line 2" in str(err.value)


def test_slug_must_match_file_name(tmp_path):
    src = (PLANS_DIR / "lang-son-snv-2024.toml").read_text(encoding="utf-8")
    _write(tmp_path, "another-name.toml", src)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert "another-name.toml" in str(err.value)
