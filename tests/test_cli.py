"""The command line as a person runs it: real DuckDB files, Vietnamese output, exit codes.

The commands run in this process (tests/helpers.run_cli calls commands.cli.main); the real
`python -m indicators` process is covered by tests/test_cli_process.py."""
from __future__ import annotations

import re

import pytest

from indicators import status
from commands.cli import build_parser
from tests.helpers import ROOT, cli_json, run_cli

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    out = run_cli("init", "--demo", db=path)
    assert out.returncode == 0, out.stderr
    assert "son-la-2026" in out.stdout and "DỮ LIỆU MINH HỌA" in out.stdout
    return path


def test_targets_son_la_json_lists_32_measurable_targets(db):
    targets = cli_json("targets", "son-la-2026", db=db)
    assert len(targets) == 32
    required = {"code", "text", "unit", "comparator", "target", "aspiration", "baseline", "baseline_year",
                "target_year", "kind", "lead_agency", "agencies"}
    assert all(required <= set(t) for t in targets)
    by = {t["code"]: t for t in targets}
    assert (by["3"]["comparator"], by["3"]["target"], by["3"]["unit"]) == ("<", 9.4, "‰")
    assert (by["7"]["comparator"], by["7"]["target"]) == ("<=", 25.6)
    assert (by["15a"]["unit"], by["15a"]["target"]) == ("per_100k", 440)
    assert (by["8"]["target"], by["8"]["aspiration"]) == (90, 95)
    assert (by["9"]["target"], by["9"]["target_year"]) == (2, 2030)
    assert by["18"]["lead_agency"] == "Sở Tư pháp" and by["13"]["agencies"] == ["Sở Y tế", "Công an tỉnh"]
    assert all(isinstance(t["code"], str) for t in targets)


def test_plans_json_has_periods_with_iso_deadlines(db):
    plans = {p["slug"]: p for p in cli_json("plans", db=db)}
    assert len(plans) == 6
    assert (plans["qd23-2021-2030"]["start_year"], plans["qd23-2021-2030"]["end_year"]) == (2021, 2030)
    assert plans["qd23-2021-2030"]["baseline_period"] == "2020"
    assert [p["code"] for p in plans["qd23-2021-2030"]["periods"]] == [str(y) for y in range(2021, 2031)]
    assert plans["son-la-2026"]["periods"] == [
        {"code": "2026-H1", "label": "6 tháng đầu năm 2026", "deadline": "2026-05-10", "recipient": "Sở Y tế", "compile_deadline": None},
        {"code": "2026", "label": "năm 2026", "deadline": "2026-11-05", "recipient": "Sở Y tế", "compile_deadline": None},
    ]
    assert plans["lang-son-snv-2024"]["periods"][0]["deadline"] == "2024-07-20"


def test_status_on_demo_data_shows_every_status_with_explanations(db):
    seen = set()
    for slug, periods in [("son-la-2026", ["2026-H1", "2026"]), ("lang-son-2023", ["2023-H1", "2023"]),
                          ("chau-son-2026", ["2026-H1", "2026"]), ("lang-son-skhcn-2026", ["2026-H1", "2026"]),
                          ("lang-son-snv-2024", ["2024"])]:
        for period in periods:
            data = cli_json("status", slug, "--period", period, db=db)
            assert data["plan"] == slug and data["period"] == period and data["demo"] is True
            for t in data["targets"]:
                assert {"code", "status", "actual", "target", "comparator", "unit", "lead_agency", "explanation"} <= set(t)
                assert t["explanation"] and re.search(r"quy tắc \d", t["explanation"])
                seen.add(t["status"])
    assert seen == set(status.STATUSES)


def test_status_son_la_h1_counts_match_the_rows(db):
    data = cli_json("status", "son-la-2026", "--period", "2026-H1", db=db)
    assert len(data["targets"]) == 32
    counts = {s: sum(t["status"] == s for t in data["targets"]) for s in status.STATUSES}
    assert counts == data["counts"]
    compound = {c["code"]: c for c in data["compound_targets"]}
    parts = {t["code"]: t["status"] for t in data["targets"]}
    assert compound["15"]["status"] == status.worst([parts["15a"], parts["15b"]])


def test_text_output_is_vietnamese_and_flags_demo(db):
    out = run_cli("status", "son-la-2026", "--period", "2026-H1", db=db)
    assert out.returncode == 0
    assert "DỮ LIỆU MINH HỌA" in out.stdout and "Chậm tiến độ" in out.stdout and "quy tắc" in out.stdout
    out = run_cli("targets", "son-la-2026", db=db)
    assert "< 9,4‰" in out.stdout and "Sở Tư pháp" in out.stdout


def test_init_again_is_idempotent(db):
    before = cli_json("status", "son-la-2026", "--period", "2026", db=db)
    out = run_cli("init", "--demo", db=db)
    assert out.returncode == 0 and "không đổi" in out.stdout
    assert cli_json("status", "son-la-2026", "--period", "2026", db=db) == before


def test_demo_remove_leaves_no_demo(tmp_path):
    path = tmp_path / "d.duckdb"
    assert run_cli("init", "--demo", db=path).returncode == 0
    out = run_cli("demo", "--remove", db=path)
    assert out.returncode == 0 and "Đã xóa dữ liệu minh họa" in out.stdout
    data = cli_json("status", "son-la-2026", "--period", "2026-H1", db=path)
    assert data["demo"] is False and {t["status"] for t in data["targets"]} == {"no_data"}


@pytest.mark.parametrize("args, code, words", [
    (["status", "son-la-2026"], 2, "thiếu tham số bắt buộc"),
    (["status", "son-la-2026", "--period", "2026-H3"], 2, "YYYY-H1"),
    (["status", "son-la-2026", "--period", "2027"], 2, "Các kỳ hợp lệ: 2025, 2026-H1, 2026"),
    (["targets", "ha-noi-2026"], 2, "Không có kế hoạch \"ha-noi-2026\""),
    (["bogus"], 2, "không hợp lệ"),
])
def test_usage_errors_are_vietnamese_with_exit_2(db, args, code, words):
    out = run_cli(*args, db=db)
    assert out.returncode == code
    assert words in out.stderr and "Traceback" not in out.stderr


def test_uninitialised_database_says_what_to_run(tmp_path):
    out = run_cli("plans", db=tmp_path / "new.duckdb")
    assert out.returncode == 2 and "python -m indicators init" in out.stderr


def test_every_command_is_documented_in_help_and_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"python -m indicators {name}" in readme, f"README does not document `{name}`"
        assert sub.format_help().strip()
        out = run_cli(name, "--help")
        assert out.returncode == 0 and "Cách dùng" in out.stdout
