"""`python -m indicators` in real processes: the few smoke tests that stay real processes.

Every other command-line test calls commands.cli.main in the test process (tests/helpers.run_cli),
which is much faster. These stay real processes on purpose: they cover what an in-process call
cannot, the documented entry point (indicators/__main__.py), the interpreter's start with only
the project on its path, the exit code the shell sees, and the output through real pipes."""
from __future__ import annotations

import pytest

from tests.helpers import run_cli_process

pytestmark = pytest.mark.app


def test_a_real_process_shows_the_help_and_runs_init_then_status(tmp_path):
    out = run_cli_process("--help")
    assert out.returncode == 0 and "Cách dùng" in out.stdout and "Traceback" not in out.stderr
    db = tmp_path / "real.duckdb"
    out = run_cli_process("init", db=db)
    assert out.returncode == 0 and "son-la-2026" in out.stdout, out.stderr
    out = run_cli_process("status", "son-la-2026", "--period", "2026-H1", db=db)
    assert out.returncode == 0 and "Chưa có số liệu" in out.stdout, out.stderr
    out = run_cli_process("status", "son-la-2026", db=db)
    assert out.returncode == 2 and "thiếu tham số bắt buộc" in out.stderr and "Traceback" not in out.stderr
