"""Week 2 end to end: the reference, the starter, correct alternatives and classic mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything

from grader.grading import grade_submission
from grader.model.report import GradeReport

WEEK = Week("week2")
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
grade = WEEK.grade


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%?"""
    assert reference_report.max_points >= 30
    failing = [(c.function, c.name, c.message) for c in reference_report.checks if c.status != "passed"]
    assert failing == []
    assert reference_report.points == reference_report.max_points


def test_every_graded_function_has_public_and_hidden_checks(reference_report):
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name


@pytest.mark.parametrize("starter", ["py", "ipynb"])
def test_starter_earns_nothing(starter):
    """Does the untouched starter (both forms) earn 0 points?"""
    report = grade(EXERCISE / f"python_basics.{starter}", EXERCISE / f"logistic_regression.{starter}")
    earned = [(c.function, c.name) for c in report.checks if c.points > 0]
    assert earned == []
    assert all(f.found for f in report.functions)


@pytest.fixture(scope="module")
def alternative_reports() -> dict[str, GradeReport]:
    return WEEK.reports("alternatives")


@pytest.mark.parametrize("alternative", WEEK.names("alternatives"))
def test_correct_alternatives_earn_everything(alternative, alternative_reports, reference_report):
    """np.matmul, @, einsum, a stable sigmoid, reshape instead of keepdims, loops: all full marks,
    and no 'Likely mistake' text on any graded check."""
    assert_earns_everything(alternative_reports[alternative], reference_report, quiet=True)


def test_looped_alternative_gets_advice_not_penalty(alternative_reports):
    report = alternative_reports["looped"]
    advice = [c for c in report.checks if c.max_points == 0 and c.status == "failed"]
    assert {c.function for c in advice} >= {"propagate"}
    assert all("slower than a vectorized version" in c.message for c in advice)
    assert report.percent == 100.0


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "rank1_initialize": ("initialize_with_zeros", ["rank-1 array", "(7,)"]),
    "int_zeros": ("initialize_with_zeros", ["integer dtype", "0.0 rather than 0"]),
    "transpose_dw": ("propagate", ["a transpose", "right once transposed"]),
    "broadcast_predict": ("predict", ["accidental broadcast", "numpy broadcast them to ("]),
    "missing_1_over_m": ("propagate", ["missing 1/m", "m = "]),
    "sign_error": ("propagate", ["sign error"]),
    "integer_division": ("propagate", ["integer (floor) division"]),
    "cost_1x1": ("propagate", ["shape (1, 1), expected a scalar", "np.squeeze(cost)"]),
    "unstable_sigmoid": ("sigmoid", ["contains NaN", "numerically stable sigmoid"]),
    "unstable_softmax": ("softmax", ["contains NaN", "Subtract each row's maximum"]),
    "math_exp": ("sigmoid", ["math.exp", "np.exp", "math_exp.py\", line"]),
    "wrong_axis_normalize": ("normalize_rows", ["wrong axis", "axis=0"]),
    "missing_keepdims_softmax": ("softmax", ["keepdims=True", "could not be broadcast"]),
    "predict_ge": ("predict", ["A > 0.5, not A >= 0.5"]),
    "inplace_normalize": ("normalize_rows", ["modified its input x in place", "x.copy()"]),
    "costs_every_iteration": ("optimize", ["costs has 101 entries, expected 2", "i % 100 == 0"]),
    "model_drops_learning_rate": ("model", ["does not pass learning_rate on to optimize"]),
    "looped_propagate": ("propagate", ["loops over the examples in Python", "x slower than a vectorized version"]),
    "wrong_shape_image2vector": ("image2vector", ["a transpose", "reshape"]),
    "l2_sqrt": ("L2", ["square root"]),
    "loss_not_summed": ("L1", ["should be a single number", "np.sum"]),
    "softmax_cached_by_id": ("softmax", ["keeps values keyed on id(...)", "a value kept between calls"]),
    "softmax_inplace_shift": ("softmax", ["softmax modified its input x in place", "x.copy()"]),
    "optimize_inplace": ("optimize", ["optimize modified its input w in place", "compute a new array"]),
    "propagate_cached_by_shape": ("propagate", ["the same answer to two different inputs (arrays of the same shapes",
                                                "a value kept between calls"]),
}


@pytest.fixture(scope="module")
def mistake_reports() -> dict[str, GradeReport]:
    return WEEK.reports("mistakes", list(MISTAKES))


def test_every_mistake_fixture_is_in_the_table():
    assert WEEK.names("mistakes") == sorted(MISTAKES)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_mistake_is_diagnosed(mistake, mistake_reports):
    """Does each classic mistake lose points on its function with a message naming the mistake?"""
    function, words = MISTAKES[mistake]
    # looping is advice only in week 2
    assert_diagnosed(mistake_reports[mistake], function, words, costs_points=mistake != "looped_propagate")


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_mistake_costs_only_its_function(mistake, mistake_reports):
    """Functions the mistake file does not define fail as 'not found', and nothing else breaks."""
    report = mistake_reports[mistake]
    for summary in report.functions:
        if not summary.found:
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))


def _notebook_from_sources(tmp_path: Path, sources: list[Path]) -> Path:
    """A course-style notebook: markdown, a magic, a shell escape, an import cell, data loading,
    one graded cell per function, test calls, and a cell that does not parse."""
    cells = [
        nbformat.v4.new_markdown_cell("# Logistic regression\nImplement the functions below."),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip list\nimport numpy as np\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell("from lr_utils import load_dataset\ntrain_x, train_y, test_x, test_y, classes = load_dataset()"),
    ]
    for source in sources:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION: all\n" + source.read_text()))
        cells.append(nbformat.v4.new_code_cell("print(sigmoid(np.array([0, 2])))"))
    cells.append(nbformat.v4.new_code_cell("def broken(:\n    pass"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "My Solution (final).ipynb"
    nbformat.write(notebook, path)
    return path


def test_notebook_grades_like_the_equivalent_py(tmp_path, reference_report):
    """Does a course-style notebook get exactly the report of the same code as .py files?"""
    notebook = _notebook_from_sources(tmp_path, sorted(SOLUTIONS.glob("*.py")))
    report = grade(notebook)
    py_report = grade(*sorted(SOLUTIONS.glob("*.py")))
    assert [(c.name, c.status, c.points) for c in report.checks] == [
        (c.name, c.status, c.points) for c in py_report.checks]
    assert report.points == reference_report.max_points
    kinds = {n.kind for n in report.notes}
    assert "syntax-error" in kinds  # the broken cell is reported...
    # ...while the plotting and data imports, which no function reads, are not even attempted
    assert not any("matplotlib" in n.message or "lr_utils" in n.message for n in report.notes), report.notes


def test_syntax_error_costs_only_that_function(tmp_path):
    source = (SOLUTIONS / "python_basics.py").read_text()
    broken = source.replace("def softmax(x", "def softmax(x,,", 1)
    path = tmp_path / "basics.py"
    path.write_text(broken)
    report = grade(path)
    by_function = {f.name: f for f in report.functions}
    assert not by_function["softmax"].found
    for name in ("sigmoid", "normalize_rows", "L1", "L2", "image2vector"):
        assert by_function[name].points == by_function[name].max_points > 0
    assert any(n.kind == "syntax-error" and "line" in n.message for n in report.notes)


def test_older_name_normalizeRows_is_accepted(tmp_path):
    source = (SOLUTIONS / "python_basics.py").read_text().replace("def normalize_rows(", "def normalizeRows(")
    path = tmp_path / "old.py"
    path.write_text(source)
    report = grade(path)
    summary = next(f for f in report.functions if f.name == "normalize_rows")
    assert summary.found and "normalizeRows" in summary.defined_in
    assert summary.points == summary.max_points


def test_sibling_modules_can_be_imported(tmp_path):
    (tmp_path / "helpers_mine.py").write_text("import numpy as np\ndef my_sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n")
    (tmp_path / "sub.py").write_text("from helpers_mine import my_sigmoid as sigmoid\n")
    report = grade(tmp_path / "sub.py")
    summary = next(f for f in report.functions if f.name == "sigmoid")
    assert summary.points == summary.max_points > 0


def test_missing_numpy_import_still_works(tmp_path):
    path = tmp_path / "no_import.py"
    path.write_text("def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    summary = next(f for f in grade(path).functions if f.name == "sigmoid")
    assert summary.points == summary.max_points > 0


def test_grading_is_deterministic_for_a_seed():
    first = grade(FIXTURES / "mistakes" / "sign_error.py", seed=7)
    second = grade(FIXTURES / "mistakes" / "sign_error.py", seed=7)
    assert [(c.name, c.status, c.message) for c in first.checks] == [
        (c.name, c.status, c.message) for c in second.checks]


def test_hidden_inputs_change_with_the_seed():
    first = grade(FIXTURES / "mistakes" / "sign_error.py", seed=1)
    second = grade(FIXTURES / "mistakes" / "sign_error.py", seed=2)
    hidden = lambda r: [c.message for c in r.checks if c.hidden and c.function == "propagate"]  # noqa: E731
    assert hidden(first) != hidden(second)


def test_default_seed_differs_per_submission(tmp_path):
    a = grade_submission(EXERCISE, [FIXTURES / "mistakes" / "sign_error.py"])
    b = grade_submission(EXERCISE, [FIXTURES / "mistakes" / "transpose_dw.py"])
    assert a.seed != b.seed
    assert grade_submission(EXERCISE, [FIXTURES / "mistakes" / "sign_error.py"]).seed == a.seed


def test_report_json_round_trips(reference_report):
    data = json.loads(reference_report.to_json())
    assert GradeReport.from_dict(data).to_dict() == data
    assert data["total"]["percent"] == 100.0
    assert {c["status"] for c in data["checks"]} == {"passed"}
