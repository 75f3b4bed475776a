"""The `grade` command: outputs, gradebook, help texts and one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "week2"
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_gradebook(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    monkeypatch.chdir(ROOT)
    return tmp_path / "gradebook.sqlite"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_submit_writes_json_html_and_gradebook(tmp_path, private_gradebook):
    result = invoke("submit", "exercises/week2", "--file", str(SOLUTIONS), "--json", str(tmp_path / "r.json"),
                    "--html", str(tmp_path / "r.html"), "--seed", "5", "--learner", "ada")
    assert result.exit_code == 0, result.output
    assert "Total: 37 / 37" in result.output.replace("37.0", "37")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema"] == "dl-grader/grade-report" and data["seed"] == 5
    assert data["total"]["points"] == data["total"]["max_points"]
    check = data["checks"][0]
    assert {"function", "name", "status", "points", "max_points", "message"} <= set(check)
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "propagate" in html
    rows = sqlite3.connect(private_gradebook).execute("SELECT exercise, learner, points FROM submissions").fetchall()
    assert rows == [("week2", "ada", data["total"]["points"])]


def test_submit_exits_zero_whatever_the_score():
    result = invoke("submit", "exercises/week2", "--quiet")
    assert result.exit_code == 0
    assert result.output.strip() == "week2: 0 / 37"


def test_submit_by_exercise_name_and_gradebook_option(tmp_path):
    book = tmp_path / "other.sqlite"
    result = invoke("submit", "week2", "--file", str(SOLUTIONS / "python_basics.py"), "--gradebook", str(book), "-q")
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(book).execute("SELECT COUNT(*) FROM submissions").fetchone() == (1,)


def test_not_found_functions_are_listed():
    result = invoke("submit", "exercises/week2", "--file", str(SOLUTIONS / "python_basics.py"))
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "not submitted: 5 functions of logistic_regression (initialize_with_zeros, propagate, optimize" in flat


@pytest.mark.parametrize("setup, args, words", [
    (None, ["submit", "no_such_exercise"], "unknown exercise 'no_such_exercise'"),
    (None, ["submit", "exercises/week2", "--file", "missing.py"], "missing.py: no such file"),
    (("notes.txt", b"hello"), ["submit", "exercises/week2", "--file", "{path}"], "not a .py file or a .ipynb"),
    (("bad.ipynb", b"{oops"), ["submit", "exercises/week2", "--file", "{path}"], "not a valid notebook (JSON error"),
    (("latin.py", b"x = '\xe9'\n"), ["submit", "exercises/week2", "--file", "{path}"], "not UTF-8"),
    (("bin.py", b"\x7fELF\x00\x00"), ["submit", "exercises/week2", "--file", "{path}"], "binary file"),
    (("empty_dir", None), ["submit", "exercises/week2", "--file", "{path}"], "no .py or .ipynb file"),
])
def test_unusable_input_is_one_line_and_nonzero(tmp_path, setup, args, words):
    if setup:
        path = tmp_path / setup[0]
        if setup[1] is None:
            path.mkdir()
        else:
            path.write_bytes(setup[1])
        args = [a.replace("{path}", str(path)) for a in args]
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error:") and words in lines[0], result.output


def test_bare_grade_says_what_to_do_next():
    result = invoke()
    assert result.exit_code == 0
    assert "grade submit exercises/week2" in result.output and "grade list" in result.output


def test_list_shows_exercises_and_functions():
    result = invoke("list")
    assert result.exit_code == 0
    for word in ("week2", "propagate", "normalizeRows"):
        assert word in result.output


@pytest.mark.parametrize("command", [[], ["submit"], ["list"], ["doctor"]])
def test_help_shows_real_examples(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "grade " in result.output and "Example" in result.output


def test_doctor_lists_protections():
    result = invoke("doctor")
    assert result.exit_code == 0
    assert "landlock-filesystem" in result.output and "rlimits" in result.output


def test_console_script_runs_outside_the_test_process(tmp_path, private_gradebook):
    """The installed `grade` script works end to end and keeps errors to one line."""
    ok = subprocess.run([sys.executable, "-m", "grader.cli", "submit", "exercises/week2", "-q"],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ok.returncode == 0 and ok.stdout.strip() == "week2: 0 / 37"
    bad = subprocess.run([sys.executable, "-m", "grader.cli", "submit", "nope"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_validate_reports_ready_and_usage(tmp_path):
    result = invoke("validate", "exercises/week2")
    assert result.exit_code == 0 and "✓ week2: ready" in result.output
    assert invoke("validate").exit_code == 2
    assert invoke("validate", "week2", "--all").exit_code == 2


def test_validate_fails_with_the_list_of_problems(tmp_path):
    import shutil

    shutil.copytree(ROOT / "exercises" / "week2", tmp_path / "exercises" / "week2")
    shutil.copytree(ROOT / "solutions" / "week2", tmp_path / "solutions" / "week2")
    starter = tmp_path / "exercises" / "week2" / "python_basics.py"
    starter.write_text((ROOT / "solutions" / "week2" / "python_basics.py").read_text())
    result = invoke("validate", str(tmp_path / "exercises" / "week2"))
    assert result.exit_code == 1
    assert "✗ week2" in result.output and "the starter python_basics.py earns points" in result.output


def test_batch_grades_a_class_and_resumes(tmp_path):
    book = tmp_path / "class.sqlite"
    first = invoke("batch", "exercises/week2", "tests/fixtures/class_week2", "--gradebook", str(book),
                   "--out", str(tmp_path / "feedback"), "--jobs", "2")
    assert first.exit_code == 0, first.output
    assert "graded 4, already up to date 0" in first.output
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir())[:2] == ["alice.html", "alice.json"]
    second = invoke("batch", "exercises/week2", "tests/fixtures/class_week2", "--gradebook", str(book))
    assert "graded 0, already up to date 4" in second.output


def test_json_to_standard_output(tmp_path):
    result = invoke("submit", "exercises/week2", "--file", str(SOLUTIONS / "python_basics.py"), "--json", "-")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["schema"] == "dl-grader/grade-report" and not (tmp_path / "-").exists()
    assert not Path("-").exists()


def quietly(*args: str) -> str:
    """The output of ``grade ARGS -q``, which must succeed."""
    result = invoke(*args, "-q")
    assert result.exit_code == 0, result.output
    return result.output


def test_q_leaves_only_the_result_in_every_command_that_says_more(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert quietly("new", "demo", "--root", "course") == ""
    assert quietly("release", "course/exercises/demo", "--build") == ""
    released = quietly("release", "course/exercises/demo", "--out", "handout")
    assert released.startswith("released demo to handout/demo: ") and released.count("\n") == 1
    book = str(tmp_path / "class.sqlite")
    week2, learners = str(ROOT / "exercises" / "week2"), str(ROOT / "tests" / "fixtures" / "class_week2")
    assert quietly("batch", week2, learners, "--gradebook", book, "--out", "feedback", "--jobs", "1") == \
        "graded 4, already up to date 0, no grade 0\n"  # no progress bar, no "feedback pages in ..."
    assert quietly("report", week2, "--gradebook", book, "--html", "class.html") == ""
    assert (tmp_path / "class.html").is_file()
    assert quietly("export", "csv", week2, "--gradebook", book, "--out", "week2.csv") == ""
    assert quietly("export", "csv", week2, "--gradebook", book).startswith("\"learner\",")  # the result itself
    assert quietly("quiz", "week2", "--validate") == ""
    assert quietly("validate", "week3") == ""
    assert quietly("submit", week2, "--file", str(SOLUTIONS)) == "week2: 37 / 37\n"
    broken = invoke("new", "Not-A-Name", "--root", "course", "-q")  # errors are still said
    assert broken.exit_code == 2 and broken.output.startswith("grade: error: ")
