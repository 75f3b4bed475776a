"""Week 6 (CS231n linear classifiers) end to end: the reference, the starter, correct
alternatives, the classic mistakes, and the pieces the checks rely on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything

from grader.checks import CheckFailure
from grader.checks.gradients import DEFAULT_THRESHOLD, KINKED_THRESHOLD, relative_error
from grader.model.report import GradeReport

WEEK = Week("week6", seed=2316)
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
PARTS = ("svm", "softmax")
FUNCTIONS = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
grade = WEEK.grade


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


problems = _load(EXERCISE / "checks" / "problems_week6.py", "problems_week6")
ref_svm = _load(SOLUTIONS / "svm.py", "week6_reference_svm")
ref_softmax = _load(SOLUTIONS / "softmax.py", "week6_reference_softmax")
REFERENCE = {"svm": ref_svm.svm_loss_vectorized, "softmax": ref_softmax.softmax_loss_vectorized}


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%?"""
    assert reference_report.max_points >= 40
    failing = [(c.function, c.name, c.message) for c in reference_report.checks if c.status != "passed"]
    assert failing == []
    assert reference_report.points == reference_report.max_points
    assert reference_report.timings["total"] < 2.0


def test_every_graded_function_has_public_hidden_and_gradient_checks(reference_report):
    assert sorted(f.name for f in reference_report.functions) == sorted(FUNCTIONS)
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any("gradient_check" in c.name and c.max_points > 0 for c in checks), summary.name
        if summary.name.endswith("_vectorized"):  # vectorization is required, worth points
            assert any(c.name.endswith("is_vectorized") and c.max_points > 0 for c in checks)


@pytest.mark.parametrize("starter", ["py", "ipynb"])
def test_starter_earns_nothing(starter):
    """Does the untouched starter (both forms) earn 0 points?"""
    report = grade(*(EXERCISE / f"{part}.{starter}" for part in PARTS))
    earned = [(c.function, c.name) for c in report.checks if c.points > 0]
    assert earned == []
    assert all(f.found for f in report.functions)


ALTERNATIVES = WEEK.names("alternatives")


@pytest.fixture(scope="module")
def alternative_reports() -> dict[str, GradeReport]:
    return WEEK.reports("alternatives", ALTERNATIVES)


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_correct_alternatives_earn_everything(alternative, alternative_reports, reference_report):
    """One-hot matrices, einsum, log-sum-exp, np.add.at, a loop over the classes: all full marks, no diagnosis."""
    report = alternative_reports[alternative]
    assert_earns_everything(report, reference_report, quiet=True)


def test_there_are_at_least_two_alternatives():
    assert len(ALTERNATIVES) >= 2


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "svm_correct_class_counted": ("svm_loss_naive", [
        "correct class is counted in the SVM sum", "off by exactly 1", "expected: 2.9", "received: 3.9"]),
    "svm_vectorized_correct_class_counted": ("svm_loss_vectorized", [
        "correct class is counted in the SVM sum", "one time too many"]),
    "softmax_no_max_shift": ("softmax_loss_vectorized", [
        "contains NaN", "numerical overflow or underflow", "Subtract each example's own largest score"]),
    "softmax_naive_no_max_shift": ("softmax_loss_naive", [
        "contains NaN", "Subtract each example's own largest score"]),
    "svm_other_convention": ("svm_loss_vectorized", [
        "the other regularization convention", "0.5 * reg * np.sum(W * W)", "2 * reg * W",
        "Your data loss is right", "Your data gradient is right"]),
    "softmax_other_convention": ("softmax_loss_naive", [
        "the other regularization convention", "older CS231n versions"]),
    "svm_not_averaged": ("svm_loss_naive", [
        "the loss is not averaged over the N = ", "dW is not averaged over the N = ", "num_train"]),
    "softmax_not_averaged": ("softmax_loss_vectorized", [
        "the loss is not averaged over the N = ", "dW is not averaged", "log(C) times N"]),
    "svm_reg_missing_dW": ("svm_loss_vectorized", [
        "regularization is missing from dW", "dW += 2 * reg * W", "fails the numeric gradient check"]),
    "softmax_reg_missing_dW": ("softmax_loss_naive", ["regularization is missing from dW"]),
    "svm_missing_correct_term": ("svm_loss_naive", [
        "dW is missing the correct-class term", "times the number of positive margins",
        "fails the numeric gradient check"]),
    "svm_correct_term_once": ("svm_loss_naive", ["only once per example", "EACH positive margin"]),
    "softmax_missing_correct_term": ("softmax_loss_vectorized", [
        "dW is missing the correct-class term", "p - 1 at the correct class"]),
    "softmax_log10": ("softmax_loss_naive", ["np.log10", "natural logarithm", "received: 0.88611498"]),
    "svm_vectorized_loops": ("svm_loss_vectorized", [
        "loops over the examples in Python", "x slower than a vectorized version", "m = 5000"]),
    "softmax_vectorized_loops": ("softmax_loss_vectorized", [
        "loops over the examples in Python", "x slower than a vectorized version"]),
    "svm_vectorized_mutable_default": ("svm_loss_vectorized", [
        "the same answer to two different inputs (arrays of the same shapes", "a value kept between calls"]),
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
    assert_diagnosed(mistake_reports[mistake], function, words)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_mistake_costs_only_its_function(mistake, mistake_reports):
    """Functions the mistake file does not define fail as 'not found', and nothing else breaks."""
    function, _ = MISTAKES[mistake]
    report = mistake_reports[mistake]
    for summary in report.functions:
        if summary.name != function:
            assert not summary.found
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))


@pytest.mark.parametrize("mistake", ["svm_vectorized_loops", "softmax_vectorized_loops"])
def test_looping_costs_only_the_vectorization_check(mistake, mistake_reports):
    """A correct but looped vectorized version loses the vectorization points and nothing else."""
    function, _ = MISTAKES[mistake]
    lost = [c.name for c in mistake_reports[mistake].checks_for(function) if c.points < c.max_points]
    assert len(lost) == 1 and lost[0].endswith("is_vectorized")


@pytest.mark.parametrize("mistake", ["svm_other_convention", "softmax_other_convention"])
def test_other_convention_keeps_the_data_loss_points(mistake, mistake_reports):
    """The older 0.5 * reg convention is diagnosed as such, and the checks with reg = 0 still pass."""
    function, _ = MISTAKES[mistake]
    checks = mistake_reports[mistake].checks_for(function)
    assert all(c.status == "passed" for c in checks if "data_loss" in c.name or "lecture_cat" in c.name)
    wrong = [c for c in checks if c.status != "passed"]
    assert wrong and all("other regularization convention" in c.message for c in wrong)


def test_diagnosis_is_not_a_bare_wrong(mistake_reports):
    """Every failed value check of a mistake fixture carries a 'Likely mistake' (or overflow/loop) diagnosis."""
    for name, report in mistake_reports.items():
        function, _ = MISTAKES[name]
        for c in report.checks_for(function):
            if c.status != "passed":
                assert "Likely mistake" in c.message or "loops over the examples" in c.message, (name, c.message)


def test_notebook_grades_like_the_equivalent_py(tmp_path, reference_report):
    """A course-style notebook gets exactly the report of the same code as .py files."""
    cells = [
        nbformat.v4.new_markdown_cell("# Linear classifiers"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell("from cifar_like import load_cifar_like\nX_train, y_train, X_test, y_test = "
                                  "load_cifar_like()"),
    ]
    for part in PARTS:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION: all\n" + (SOLUTIONS / f"{part}.py").read_text()))
        cells.append(nbformat.v4.new_code_cell("loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.000005)"))
    path = tmp_path / "My linear classifiers.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    report = grade(path)
    py_report = grade(*(SOLUTIONS / f"{part}.py" for part in PARTS))
    assert [(c.name, c.status, c.points) for c in report.checks] == [
        (c.name, c.status, c.points) for c in py_report.checks]
    assert report.points == reference_report.max_points


def test_cs231n_module_header_is_accepted(tmp_path):
    """A learner's cs231n/classifiers/linear_svm.py keeps its header imports (one of which may be missing)."""
    header = "from builtins import range\nimport numpy as np\nfrom random import shuffle\nfrom past.builtins import xrange\n"
    path = tmp_path / "linear_svm.py"
    path.write_text(header + (SOLUTIONS / "svm.py").read_text())
    report = grade(path)
    for name in ("svm_loss_naive", "svm_loss_vectorized"):
        summary = next(f for f in report.functions if f.name == name)
        assert summary.points == summary.max_points > 0


# -- The pieces the checks rely on ---------------------------------------------------


def test_lecture_examples_have_the_lecture_values():
    W, X, y = problems.lecture_example(images=1)
    assert np.array_equal(X.dot(W), problems.LECTURE_SCORES[:1])  # exactly, no rounding
    assert ref_svm.svm_loss_naive(W, X, y, 0.0)[0] == pytest.approx(2.9)
    assert ref_softmax.softmax_loss_naive(W, X, y, 0.0)[0] == pytest.approx(2.0403552)
    W, X, y = problems.lecture_example(images=3)
    assert ref_svm.svm_loss_vectorized(W, X, y, 0.0)[0] == pytest.approx((2.9 + 0.0 + 12.9) / 3)


@pytest.mark.parametrize("kind", ["svm", "softmax"])
def test_naive_and_vectorized_references_agree(kind):
    naive = ref_svm.svm_loss_naive if kind == "svm" else ref_softmax.softmax_loss_naive
    rng = np.random.default_rng(3)
    for _ in range(10):
        W, X, y = problems.linear_problem(rng, *problems.dims(rng))
        reg = float(rng.uniform(0, 1))
        (a, da), (b, db) = naive(W, X, y, reg), REFERENCE[kind](W, X, y, reg)
        assert a == pytest.approx(b) and np.allclose(da, db)
        t, dt = problems.TIMING_REFERENCE[kind](W, X, y, reg)
        assert t == pytest.approx(b) and np.allclose(dt, db)


@pytest.mark.parametrize("kind", ["svm", "softmax"])
def test_reference_passes_the_gradient_check_for_many_seeds(kind):
    """The hidden gradient check never fails correct code: no kink straddled, no entry near 0."""
    threshold = KINKED_THRESHOLD if kind == "svm" else DEFAULT_THRESHOLD
    for seed in range(40):
        rng = np.random.default_rng(seed)
        dims = problems.dims(rng)
        W, X, y = problems.svm_problem(rng, *dims) if kind == "svm" else problems.linear_problem(rng, *dims)
        reg = float(rng.uniform(0.05, 0.5))
        numeric = problems.numeric_dW(REFERENCE[kind], W, X, y, reg)
        error = relative_error(REFERENCE[kind](W, X, y, reg)[1], numeric).max()
        assert error < threshold / 10, (seed, error)


def test_large_scores_overflow_without_the_shift():
    rng = np.random.default_rng(0)
    W, X, y = problems.large_score_problem(rng, 9, 6, 4)
    scores = X.dot(W)
    assert np.abs(scores).min() > 900
    with np.errstate(all="ignore"):
        e = np.exp(scores)
        assert not np.all(np.isfinite(e / e.sum(axis=1, keepdims=True)))
    loss, dW = ref_softmax.softmax_loss_vectorized(W, X, y, 0.0)
    assert np.isfinite(loss) and np.all(np.isfinite(dW))


def test_expect_dW_gradient_names_the_mistake():
    rng = np.random.default_rng(1)
    W, X, y = problems.svm_problem(rng, 9, 6, 4)
    wrong = ref_svm.svm_loss_vectorized(W, X, y, 0.0)[1]  # regularization missing
    numeric = problems.numeric_dW(ref_svm.svm_loss_vectorized, W, X, y, 0.3)
    with pytest.raises(CheckFailure, match="regularization is missing from dW"):
        problems.expect_dW_gradient(wrong, numeric, threshold=KINKED_THRESHOLD,
                                    mistakes=problems.dW_mistakes("svm", ref_svm.svm_loss_vectorized, W, X, y, 0.3))


def test_cifar_like_data_is_deterministic_and_learnable():
    data = _load(EXERCISE / "cifar_like.py", "week6_cifar_like")
    X_train, y_train, X_test, y_test = data.load_cifar_like(num_training=300, num_test=50)
    again = data.load_cifar_like(num_training=300, num_test=50)
    assert X_train.shape == (300, 32, 32, 3) and X_test.shape == (50, 32, 32, 3)
    assert np.array_equal(X_train, again[0]) and np.array_equal(y_test, again[3])
    assert X_train.min() >= 0 and X_train.max() <= 255 and set(np.unique(y_train)) == set(range(10))
