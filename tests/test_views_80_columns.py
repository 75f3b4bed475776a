"""`grade` in an 80-column terminal, on the course's own mistake fixtures (COLUMNS=80, a subprocess).

Are names and paths whole, matrices summarised, a diagnosis that several checks of a
function share shown once, the functions of a file not submitted one line, and quiz
results wrapped to the width? And does every command that prints progress or results
take -q?
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = ROOT / "tests" / "fixtures"


def grade(*args: str, scratch: Path, columns: int = 80) -> str:
    """The standard output of ``grade ARGS`` in a terminal of ``columns`` columns (exit status 0)."""
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb", "DL_GRADER_GRADEBOOK": str(scratch / "book.sqlite")}
    done = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def whole_words(text: str, *words: str) -> None:
    """Each of ``words`` (a name, a path) is on one line of ``text``: never cut by a line break."""
    lines = lines_of(text)
    for word in words:
        assert any(word in line for line in lines), f"{word!r} is broken across lines:\n{text}"


@pytest.fixture(scope="module")
def transpose_week2(tmp_path_factory) -> str:
    return grade("submit", "exercises/week2", "--file", "tests/fixtures/week2/mistakes/transpose_dw.py",
                 "--seed", "7", scratch=tmp_path_factory.mktemp("week2"))


@pytest.fixture(scope="module")
def sigmoid_hidden_week4(tmp_path_factory) -> str:
    """The terminal view of a run whose feedback holds a matrix of more than three lines (its JSON
    report tells: the hidden checks' sizes are drawn from the seed)."""
    scratch = tmp_path_factory.mktemp("week4")
    for seed in range(1, 20):
        output = grade("submit", "exercises/week4", "--file", "tests/fixtures/week4/mistakes/sigmoid_hidden.py",
                       "--seed", str(seed), "--json", str(scratch / "report.json"), scratch=scratch)
        messages = [c["message"] for c in json.loads((scratch / "report.json").read_text())["checks"]]
        if any(re.search(r"\[\[[^\]]*\]\n( \[[^\]]*\]\n){3}", m) for m in messages):
            return output
    raise AssertionError("no seed gives a matrix of more than three lines")


def test_check_names_and_paths_are_not_broken(transpose_week2: str, sigmoid_hidden_week4: str) -> None:
    for output in (transpose_week2, sigmoid_hidden_week4):
        assert max(len(line) for line in lines_of(output)) <= 80
    whole_words(transpose_week2, "propagate_keeps_inputs (hidden)", "propagate_vectorized (hidden)",
                "tests/fixtures/week2/mistakes/transpose_dw.py")
    whole_words(sigmoid_hidden_week4, "L_model_forward_example", "L_model_forward_vectorized (hidden)",
                "tests/fixtures/week4/mistakes/sigmoid_hidden.py", "initialize_parameters_deep")


def test_a_transpose_that_three_checks_diagnose_is_explained_once(transpose_week2: str) -> None:
    flat = " ".join(transpose_week2.split())
    assert flat.count("Likely mistake: a transpose. You returned") == 1
    assert flat.count("Likely mistake: a transpose (explained below the checks).") == 3
    assert "The same likely mistake in 3 of these checks:" in flat
    assert flat.count("Your values are right once transposed: only the orientation is off.") == 3


def test_the_functions_of_the_file_not_submitted_take_one_line(transpose_week2: str) -> None:
    flat = " ".join(transpose_week2.split())
    assert ("✗ not submitted: 6 functions of python_basics (sigmoid_derivative, image2vector, normalize_rows, "
            "softmax, L1, L2): 0/14 points. To grade them, submit your python_basics.py or python_basics.ipynb "
            "too.") in flat
    for name in ("sigmoid_derivative", "image2vector", "L1", "L2"):
        assert f"{name} was not found" not in flat
    assert "optimize was not found in your files" in flat  # logistic_regression was submitted: one line each


def test_matrices_are_summarised_with_their_shape_first_rows_and_where_they_differ(sigmoid_hidden_week4: str) -> None:
    lines = lines_of(sigmoid_hidden_week4)
    shapes = [line.strip() for line in lines if re.fullmatch(r"\s+(expected|received): shape \(\d+, \d+\), float64",
                                                             line)]
    assert len(shapes) >= 4
    assert any(re.fullmatch(r"\s+\.\.\. \(\d+ more lines\)", line) for line in lines)
    rows = [line for line in lines if re.match(r"\s+\[{1,2}\d", line)]
    assert rows and all(len(line) <= 80 for line in rows)
    flat = " ".join(sigmoid_hidden_week4.split())
    assert "largest difference at index (0, 1): expected" in flat
    assert "(shape (" not in flat  # numpy's own suffix, replaced by the shape line
    assert flat.count("Likely mistake: sigmoid in the hidden layers. Layers 1 to L-1") == 1


def test_the_same_report_in_a_wide_terminal_keeps_its_table(tmp_path: Path) -> None:
    output = grade("submit", "exercises/week2", "--file", "tests/fixtures/week2/mistakes/transpose_dw.py",
                   "--seed", "7", scratch=tmp_path, columns=140)
    assert "│ Status" in output and "│ propagate_keeps_inputs (hidden)" in output
    assert " ".join(output.replace("│", " ").split()).count("Likely mistake: a transpose. You returned") == 1


# --- quizzes and -q ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def skipped_form(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("quiz")
    form = grade("quiz", "week2", "--blank", "--learner", "ada", scratch=scratch)
    path = scratch / "answers.txt"
    path.write_text(re.sub(r"^(\S+) = $", r"\1 = ?", form, flags=re.MULTILINE), encoding="utf-8")
    return path


def test_quiz_results_wrap_to_the_terminal_between_words(skipped_form: Path, tmp_path: Path) -> None:
    wide = grade("quiz", "week2", "--answers", str(skipped_form), scratch=tmp_path, columns=1000)
    assert max(map(len, lines_of(wide))) > 80  # the review has long lines to wrap
    narrow = grade("quiz", "week2", "--answers", str(skipped_form), scratch=tmp_path)
    assert all(len(line) <= 80 or " " not in line.strip() for line in lines_of(narrow))
    assert narrow.split() == wide.split()  # the same words, in the same order: only the line breaks moved


def test_q_prints_only_the_outcome_in_every_command(skipped_form: Path, tmp_path: Path) -> None:
    assert grade("quiz", "week2", "--answers", str(skipped_form), "-q", scratch=tmp_path) == "week2/quiz: 0 / 24\n"
    assert grade("validate", "week3", "-q", scratch=tmp_path) == ""
    batch = grade("batch", "exercises/week2", "tests/fixtures/class_week2", "-q", scratch=tmp_path)
    assert batch == "graded 4, already up to date 0, no grade 0\n"
    submitted = grade("submit", "exercises/week2", "--file", "solutions/week2", "-q", scratch=tmp_path)
    assert re.fullmatch(r"week2: [\d.]+ / [\d.]+\n", submitted)
    report = json.loads(grade("quiz", "week2", "--answers", str(skipped_form), "-q", "--json", "-", scratch=tmp_path))
    assert report["kind"] == "quiz"  # --json - still writes the report
