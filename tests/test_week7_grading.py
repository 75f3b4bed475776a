"""Week 7 end to end: the reference, the starter, correct alternatives and classic mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything

from grader.model.report import GradeReport

WEEK = Week("week7")
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
PARTS = ["activations", "layers"]
grade = WEEK.grade


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%?"""
    assert reference_report.max_points >= 40
    failing = [(c.function, c.name, c.message) for c in reference_report.checks if c.status != "passed"]
    assert failing == []
    assert reference_report.points == reference_report.max_points


@pytest.mark.parametrize("seed", [0, 7, 99, 2024])
def test_reference_earns_everything_for_other_seeds(seed):
    """The hidden inputs change with the seed; numeric gradient checks must stay passing for the reference."""
    report = grade(SOLUTIONS, seed=seed)
    assert [(c.name, c.message) for c in report.checks if c.status != "passed"] == []


def test_every_graded_function_has_public_and_hidden_checks(reference_report):
    assert len(reference_report.functions) == 16
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name


def test_reference_grades_quickly(reference_report):
    """The whole grading stays well under a second of check time on an idle machine (generous bound here)."""
    assert reference_report.timings["checks"] < 2.5


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


def test_there_are_two_independent_alternatives():
    assert len(ALTERNATIVES) >= 2


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_correct_alternatives_earn_everything(alternative, alternative_reports, reference_report):
    """Loops with masks, or sliding windows with einsum and np.add.at (and its own conv cache): full marks."""
    report = alternative_reports[alternative]
    assert_earns_everything(report, reference_report, quiet=True)


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "output_size_forgot_2p": ("conv_output_size", ["padding is missing from the output size",
                                                   "(W - F + 2P) / S + 1"]),
    "output_size_used_p": ("conv_output_size", ["padding counted once", "EACH side"]),
    "output_size_floor": ("conv_output_size", ["it should raise ValueError", "rounded down",
                                               "W - F + 2P is a multiple of S"]),
    "output_size_assert": ("conv_output_size", ["raised AssertionError", "raise ValueError(\"...\")"]),
    "output_size_float": ("conv_output_size", ["of type float", "must be an int"]),
    "conv_stride_ignored": ("conv_forward_naive", ["stride is ignored when moving the window", "i * stride"]),
    "conv_stride_ignored_size": ("conv_forward_naive", ["stride is ignored in the output size",
                                                        "(W - F + 2P) / S + 1"]),
    "conv_pad_all_axes": ("conv_forward_naive", ["padding applied to the wrong axes", "the examples N and the channels C",
                                                 "right with pad = 0"]),
    "conv_backward_no_crop": ("conv_backward_naive", ["dx still has the padding",
                                                      "dx_pad[:, :, pad:pad + H, pad:pad + W]"]),
    "conv_backward_empty_crop": ("conv_backward_naive", ["EMPTY slice", "pad:pad + H"]),
    "conv_db_not_summed": ("conv_backward_naive", ["db is not summed over the right axes", "axis=(0, 2, 3)"]),
    "maxpool_backward_to_all": ("max_pool_backward_naive", ["gradient goes to every element of the window",
                                                            "numeric gradient check"]),
    "maxpool_backward_overwrite": ("max_pool_backward_naive", ["overlapping windows", "accumulate with"]),
    "maxpool_forward_average": ("max_pool_forward_naive", ["average pooling"]),
    "relu_backward_uses_out": ("relu_backward", ["multiplied dout by the ReLU's output", "dout * (x > 0)"]),
    "relu_backward_ge": ("relu_backward", ["derivative at x = 0", "x > 0, not x >= 0"]),
    "relu_backward_inplace": ("relu_backward", ["modified its input dout in place", "copy"]),
    "relu_derivative_ge": ("relu_derivative", ["derivative at x = 0", "x > 0, not x >= 0"]),
    "relu_np_max": ("relu", ["np.max(x, 0)", "np.maximum(0, x)"]),
    "leaky_derivative_zero_negative": ("leaky_relu_derivative", ["0 for negative x", "slope alpha"]),
    "leaky_relu_ignores_alpha": ("leaky_relu", ["alpha argument is ignored"]),
    "tanh_derivative_of_output": ("tanh_derivative", ["1 - x**2", "OUTPUT a = tanh(x)", "1 - np.tanh(x)**2"]),
    "sigmoid_derivative_of_output": ("sigmoid_derivative", ["x * (1 - x)", "OUTPUT s = sigmoid(x)"]),
    "affine_no_reshape": ("affine_forward", ["reshape x to (N, D)", "x.reshape(x.shape[0], -1)"]),
    "affine_backward_flat_dx": ("affine_backward", ["flattened shape (N, D)", "reshape(x.shape)"]),
    "affine_matmul_no_reshape": ("affine_forward", ["x was not flattened", "reshape x to (N, D)"]),
    "affine_backward_dw_untransposed": ("affine_backward", ["flat @ dout: flat is (2, 12) and dout is (2, 5)",
                                                            "np.dot(flat.T, dout) gives shape (12, 5)"]),
    "relu_backward_global_counter": ("relu_backward", ["the same answer to two different inputs",
                                                       "a value kept between calls"]),
    "relu_backward_ge_own_cache": ("relu_backward", ["x > 0, not x >= 0",
                                                     "Graded with the cache your own relu_forward returned"]),
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
    report = mistake_reports[mistake]
    assert not any(n.kind == "check-error" for n in report.notes)
    assert all(c.status != "error" or "raised" in c.message for c in report.checks)
    for summary in report.functions:
        if not summary.found:
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))


def _affine_diagnoses(report: GradeReport) -> set[str]:
    return {d.id for c in report.checks if c.function.startswith("affine_") for d in c.diagnoses}


def test_x_not_flattened_only_when_the_values_show_it(mistake_reports):
    """"x was not flattened" needs evidence: an operand of x's (N, d1, d2, ...) shape in numpy's error, or
    (matmul names no shapes) the same call running once x is flattened. A product that fails on the
    flattened x (dw = flat @ dout, the transpose missing) is a product of mismatched factors, not that."""
    untransposed = _affine_diagnoses(mistake_reports["affine_backward_dw_untransposed"])
    assert "line.dot" in untransposed and "week7.affine.reshape_x" not in untransposed
    assert "week7.affine.reshape_x" in _affine_diagnoses(mistake_reports["affine_no_reshape"])
    assert "week7.affine.reshape_x" in _affine_diagnoses(mistake_reports["affine_matmul_no_reshape"])


def test_correct_code_gets_no_affine_diagnosis(reference_report, alternative_reports):
    """The reference, the correct alternatives and the correct submissions of tests/fixtures/week7/unseen: full
    marks for affine_forward and affine_backward, no diagnosis."""
    reports = [reference_report, *alternative_reports.values(),
               *(grade(path) for path in sorted((FIXTURES / "unseen").glob("ok_*.py")))]
    for report in reports:
        assert _affine_diagnoses(report) == set()
        assert [c.name for c in report.checks if c.function.startswith("affine_") and c.points < c.max_points] == []


def test_kink_conventions_cost_one_check_only(mistake_reports):
    """x >= 0 instead of x > 0 is a documented convention: it loses the check at 0, not the gradient checks."""
    for mistake, function in (("relu_backward_ge", "relu_backward"), ("relu_derivative_ge", "relu_derivative")):
        failed = [c.name for c in mistake_reports[mistake].checks_for(function) if c.status != "passed"]
        assert failed == [n for n in failed if n.endswith("at_zero")] and len(failed) == 1, (mistake, failed)


def _notebook_from_sources(tmp_path: Path, sources: list[Path]) -> Path:
    """A course-style notebook: markdown, a magic, a shell escape, imports, one cell per solution file,
    test calls, and a cell that does not parse."""
    cells = [
        nbformat.v4.new_markdown_cell("# Convolutional networks\nImplement the layers below."),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip list\nimport numpy as np\nimport matplotlib.pyplot as plt"),
    ]
    for source in sources:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION: all\n" + source.read_text()))
        cells.append(nbformat.v4.new_code_cell("x = np.random.randn(2, 3, 5, 5)\nprint(relu(x).shape)"))
    cells.append(nbformat.v4.new_code_cell("def broken(:\n    pass"))
    path = tmp_path / "CNN layers (final).ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_notebook_grades_like_the_equivalent_py(tmp_path, reference_report):
    """Does a course-style notebook get exactly the report of the same code as .py files?"""
    sources = [SOLUTIONS / f"{part}.py" for part in PARTS]
    report = grade(_notebook_from_sources(tmp_path, sources))
    py_report = grade(*sources)
    assert [(c.name, c.status, c.points) for c in report.checks] == [
        (c.name, c.status, c.points) for c in py_report.checks]
    assert report.points == reference_report.max_points
    assert "syntax-error" in {n.kind for n in report.notes}


def test_other_names_of_the_derivatives_are_accepted(tmp_path):
    """sigmoid_prime, tanh_prime, relu_prime, leaky_relu_prime grade as the *_derivative functions."""
    source = (SOLUTIONS / "activations.py").read_text()
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        source = source.replace(f"def {name}_derivative(", f"def {name}_prime(")
    source = source.replace("sigmoid_derivative", "sigmoid_prime")
    path = tmp_path / "old_names.py"
    path.write_text(source)
    report = grade(path, SOLUTIONS / "layers.py")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        summary = next(f for f in report.functions if f.name == f"{name}_derivative")
        assert summary.found and f"{name}_prime" in summary.defined_in
        assert summary.points == summary.max_points > 0


def test_course1_style_relu_backward_is_accepted(tmp_path):
    """The course-1 helper relu_backward(dA, cache) with cache = Z computes the same thing: full marks."""
    path = tmp_path / "course1.py"
    path.write_text("import numpy as np\n\n\ndef relu_backward(dA, cache):\n    Z = cache\n"
                    "    dZ = np.array(dA, copy=True)\n    dZ[Z <= 0] = 0\n    return dZ\n")
    summary = next(f for f in grade(path).functions if f.name == "relu_backward")
    assert summary.points == summary.max_points > 0


def test_backward_with_its_own_forward_cache_is_accepted(tmp_path):
    """A learner who changed the cache at both ends (max pooling caching the argmax positions) keeps the points."""
    path = tmp_path / "own_cache.py"
    path.write_text((FIXTURES / "alternatives" / "loops.py").read_text() + '''

def max_pool_forward_naive(x, pool_param):
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = (H - PH) // S + 1, (W - PW) // S + 1
    out = np.zeros((N, C, H_out, W_out))
    positions = {}
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * S:i * S + PH, j * S:j * S + PW]
                    k = int(np.argmax(window))
                    positions[f"{n},{c},{i},{j}"] = (i * S + k // PW, j * S + k % PW)
                    out[n, c, i, j] = window.flat[k]
    return out, (x.shape, positions)


def max_pool_backward_naive(dout, cache):
    shape, positions = cache
    dx = np.zeros(shape)
    for key, (r, s) in positions.items():
        n, c, i, j = map(int, key.split(","))
        dx[n, c, r, s] += dout[n, c, i, j]
    return dx
''')
    report = grade(path)
    summary = next(f for f in report.functions if f.name == "max_pool_backward_naive")
    assert summary.points == summary.max_points > 0, [c.message for c in report.checks_for(summary.name)]


def test_hidden_inputs_change_with_the_seed():
    first = grade(FIXTURES / "mistakes" / "maxpool_backward_to_all.py", seed=1)
    second = grade(FIXTURES / "mistakes" / "maxpool_backward_to_all.py", seed=2)
    hidden = lambda r: [c.message for c in r.checks if c.hidden and c.function == "max_pool_backward_naive"]  # noqa: E731
    assert hidden(first) != hidden(second)


def test_report_json_round_trips(reference_report):
    data = json.loads(reference_report.to_json())
    assert GradeReport.from_dict(data).to_dict() == data
    assert data["total"]["percent"] == 100.0


# A correct forward/backward pair with another cache layout (tests/fixtures/<week>/caches/), over the reference
# -> the checks it loses: only its forward function's cache checks, which check the template's layout.
CACHE_LAYOUTS = {
    "relu_dict_cache": set(),
    "relu_input_output_cache": set(),
}


@pytest.mark.parametrize("layout", sorted(CACHE_LAYOUTS))
def test_backward_functions_are_graded_with_the_learners_own_cache(layout):
    """Does relu_backward keep its points when its cache is the one the learner's own forward function
    returns, as the README promises (template layout first, then the learner's own)?"""
    assert WEEK.lost_with_cache_layout(layout) == CACHE_LAYOUTS[layout]
