"""grade submit --only NAME[,NAME]: grade a subset of the graded functions; not recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli.app import app
from grader.errors import UsageError
from grader.grading import grade_submission

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
SOLUTIONS = ROOT / "solutions" / "week2"
runner = CliRunner()


def test_only_grades_the_named_functions_and_their_checks_alone() -> None:
    report = grade_submission(EXERCISE, [SOLUTIONS], only=["sigmoid", "normalizeRows"])  # an alias counts
    assert [f.name for f in report.functions] == ["sigmoid", "normalize_rows"]
    assert {c.function for c in report.checks} == {"sigmoid", "normalize_rows"}
    assert report.points == report.max_points > 0


def test_an_unknown_name_is_a_usage_error_naming_the_functions() -> None:
    with pytest.raises(UsageError, match="nope is not a graded function of week2 .*sigmoid"):
        grade_submission(EXERCISE, [SOLUTIONS], only=["nope"])


def test_the_command_says_the_partial_grade_is_not_recorded(tmp_path: Path) -> None:
    book = tmp_path / "gb.sqlite"
    result = runner.invoke(app, ["submit", str(EXERCISE), "--file", str(SOLUTIONS), "--only", "softmax, L1",
                                 "--gradebook", str(book)])
    assert result.exit_code == 0, result.output
    assert "Graded only softmax, L1 (--only)" in " ".join(result.output.split())
    assert sqlite3.connect(book).execute("SELECT count(*) FROM submissions").fetchone() == (0,)
    bad = runner.invoke(app, ["submit", str(EXERCISE), "--only", "nope", "--gradebook", str(book)])
    assert bad.exit_code == 2 and "nope is not a graded function" in bad.output


def test_a_function_whose_checks_call_another_graded_function_is_graded_alone() -> None:
    """linear_backward's checks build their caches with the learner's linear_forward: --only linear_backward
    must still reach it (the report holds linear_backward alone)."""
    report = grade_submission(ROOT / "exercises" / "week4", [ROOT / "solutions" / "week4"], only=["linear_backward"])
    assert [f.name for f in report.functions] == ["linear_backward"]
    assert {c.function for c in report.checks} == {"linear_backward"}
    assert report.points == report.max_points > 0, [c.message for c in report.checks if c.message]
