"""Week 3 end to end: the reference, the starter, correct alternatives and classic mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything

from grader.model.report import GradeReport

WEEK = Week("week3")
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
grade = WEEK.grade


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%?"""
    assert reference_report.max_points >= 25
    failing = [(c.function, c.name, c.message) for c in reference_report.checks if c.status != "passed"]
    assert failing == []
    assert reference_report.points == reference_report.max_points


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_reference_earns_everything_for_any_seed(seed):
    """Hidden inputs (and nn_model's training comparison) pass for the reference whatever the seed."""
    report = grade(SOLUTIONS, seed=seed)
    assert [(c.name, c.message) for c in report.checks if c.status != "passed"] == []


def test_reference_grades_quickly(reference_report):
    assert reference_report.timings["checks"] < 1.0


def test_every_graded_function_has_public_and_hidden_checks(reference_report):
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name


def test_vectorization_is_worth_points(reference_report):
    """The forward and backward passes must be vectorized this week: those checks carry points."""
    names = {(c.function, c.name): c.max_points for c in reference_report.checks}
    assert names[("forward_propagation", "forward_propagation_vectorized")] > 0
    assert names[("backward_propagation", "backward_propagation_vectorized")] > 0


@pytest.mark.parametrize("starter", ["py", "ipynb"])
def test_starter_earns_nothing(starter):
    """Does the untouched starter (both forms) earn 0 points?"""
    report = grade(EXERCISE / f"planar_classification.{starter}")
    earned = [(c.function, c.name) for c in report.checks if c.points > 0]
    assert earned == []
    assert all(f.found for f in report.functions)
    # Only the expected note: matplotlib is not installed where the grader runs.
    assert all(n.kind == "import-failed" and "matplotlib" in n.message for n in report.notes), report.notes


ALTERNATIVES = WEEK.names("alternatives")


@pytest.fixture(scope="module")
def alternative_reports() -> dict[str, GradeReport]:
    return WEEK.reports("alternatives", ALTERNATIVES)


def test_there_are_independent_alternatives():
    assert len(ALTERNATIVES) >= 2


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_correct_alternatives_earn_everything(alternative, alternative_reports, reference_report):
    """@, einsum, hand-written tanh, deepcopy, seeds inside, the old course's signature: all full marks."""
    report = alternative_reports[alternative]
    assert_earns_everything(report, reference_report, quiet=True)


def test_older_compute_cost_signature_is_accepted(tmp_path):
    """compute_cost(A2, Y, parameters), from older versions of the course, earns full marks."""
    source = (SOLUTIONS / "planar_classification.py").read_text()
    source = source.replace("def compute_cost(A2: np.ndarray, Y: np.ndarray, parameters: dict | None = None)",
                            "def compute_cost(A2, Y, parameters)")
    source = source.replace("cost = compute_cost(A2, Y)", "cost = compute_cost(A2, Y, parameters)")
    assert "def compute_cost(A2, Y, parameters)" in source
    path = tmp_path / "old_signature.py"
    path.write_text(source)
    summary = next(f for f in grade(path).functions if f.name == "compute_cost")
    assert summary.points == summary.max_points > 0


def test_provided_sigmoid_is_available(tmp_path):
    """A notebook that calls sigmoid without defining it (as the course's does) is graded as it runs."""
    source = (SOLUTIONS / "planar_classification.py").read_text()
    start, end = source.index("def sigmoid("), source.index("def layer_sizes(")
    path = tmp_path / "no_sigmoid.py"
    path.write_text(source[:start] + source[end:])
    report = grade(path)
    assert report.points == report.max_points


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "sigmoid_hidden": ("forward_propagation", ["hidden layer uses sigmoid", "np.tanh(Z1)"]),
    "tanh_derivative": ("backward_propagation", ["derivative of tanh", "1 - A1**2", "numeric gradient check"]),
    "zero_init": ("initialize_parameters", ["zero (or constant) initialization", "symmetry", "identical"]),
    "missing_scale": ("initialize_parameters", ["too large", "factor 0.01 is missing"]),
    "rand_init": ("initialize_parameters", ["np.random.rand draws from [0, 1)", "randn"]),
    "cache_missing_key": ("forward_propagation", ["cache is missing the key(s) ['Z1', 'Z2']", "incomplete cache"]),
    "cache_misordered": ("forward_propagation", ['cache["Z1"] holds A1', "misordered cache"]),
    "forward_returns_cache_first": ("forward_propagation", ["returned (cache, A2)", "misordered"]),
    "b2_square": ("initialize_parameters", ["square (3, 3) bias", "np.zeros((n_y, 1))"]),
    "db_float": ("backward_propagation", ["single number", "axis=1, keepdims=True"]),
    "db_rank1": ("backward_propagation", ["rank-1 array", "keepdims=True"]),
    "missing_1_over_m": ("backward_propagation", ["missing 1/m", "numeric gradient check"]),
    "cost_1x1": ("compute_cost", ["shape (1, 1), expected a scalar", "np.squeeze(cost)"]),
    "cost_not_summed": ("compute_cost", ["should be a single number", "np.sum"]),
    "predict_ge": ("predict", ["A2 > 0.5, not A2 >= 0.5"]),
    "inplace_update": ("update_parameters", ["changed the caller's parameters", "work on copies", "W1 = W1 -"]),
    "inplace_update_dict": ("update_parameters", ["changed the caller's parameters", "work on copies",
                                                  "copy.deepcopy(parameters)"]),
    "update_sign": ("update_parameters", ["wrong sign", "W1 = W1 - learning_rate * dW1"]),
    "looped_forward": ("forward_propagation", ["loops over the examples in Python", "x slower than a vectorized"]),
    "layer_sizes_shape1": ("layer_sizes", ["number of examples m (shape[1])", "X.shape[0]"]),
    "nn_model_fixed_n_h": ("nn_model", ["took n_h from layer_sizes", "use the n_h argument"]),
    "nn_model_discards_update": ("nn_model", ["the reference reaches", "should go down",
                                              "parameters = update_parameters(parameters, grads)"]),
    "compute_cost_global_counter": ("compute_cost", ["the same answer to two different inputs",
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
    assert_diagnosed(mistake_reports[mistake], function, words)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_mistake_costs_only_its_function(mistake, mistake_reports):
    """Functions the mistake file does not define fail as 'not found'; the ones it defines correctly pass."""
    function, _ = MISTAKES[mistake]
    report = mistake_reports[mistake]
    for summary in report.functions:
        if not summary.found:
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))
        elif summary.name != function:
            assert summary.points == summary.max_points, (mistake, summary.name)


def test_mistakes_are_diagnosed_in_hidden_checks_too(mistake_reports):
    """The latent bugs (n_y > 1, hidden widths other than 4) are caught by the hidden checks."""
    for mistake in ("b2_square", "db_float", "db_rank1", "tanh_derivative", "missing_1_over_m"):
        function, _ = MISTAKES[mistake]
        hidden = [c for c in mistake_reports[mistake].checks_for(function) if c.hidden and c.status != "passed"]
        assert hidden, mistake


def _notebook_from_source(tmp_path: Path, source: Path) -> Path:
    """A course-style notebook: markdown, magics, imports, data loading, one graded cell per function."""
    text = source.read_text()
    chunks = text.split("\ndef ")
    cells = [
        nbformat.v4.new_markdown_cell("# Planar data classification\nImplement the functions below."),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                                  "from planar_utils import plot_decision_boundary, sigmoid, load_planar_dataset"),
        nbformat.v4.new_code_cell("X, Y = load_planar_dataset()\nprint(X.shape)"),
        nbformat.v4.new_code_cell(chunks[0]),
    ]
    for chunk in chunks[1:]:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION\n\ndef " + chunk))
        cells.append(nbformat.v4.new_code_cell("print(layer_sizes(X, Y))"))
    cells.append(nbformat.v4.new_code_cell("parameters = nn_model(X, Y, n_h=4, num_iterations=10000)"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "Planar data classification (mine).ipynb"
    nbformat.write(notebook, path)
    return path


def test_notebook_grades_like_the_equivalent_py(tmp_path, reference_report):
    """Does a course-style notebook get exactly the report of the same code as a .py file?"""
    source = FIXTURES / "alternatives" / "old_course.py"
    notebook = _notebook_from_source(tmp_path, source)
    report = grade(notebook)
    py_report = grade(source)
    assert [(c.name, c.status, c.points) for c in report.checks] == [
        (c.name, c.status, c.points) for c in py_report.checks]
    assert report.points == reference_report.max_points


def test_grading_is_deterministic_for_a_seed():
    first = grade(FIXTURES / "mistakes" / "tanh_derivative.py", seed=7)
    second = grade(FIXTURES / "mistakes" / "tanh_derivative.py", seed=7)
    assert [(c.name, c.status, c.message) for c in first.checks] == [
        (c.name, c.status, c.message) for c in second.checks]


def test_hidden_inputs_change_with_the_seed():
    first = grade(FIXTURES / "mistakes" / "tanh_derivative.py", seed=1)
    second = grade(FIXTURES / "mistakes" / "tanh_derivative.py", seed=2)
    hidden = lambda r: [c.message for c in r.checks if c.hidden and c.function == "backward_propagation"]  # noqa: E731
    assert hidden(first) != hidden(second)


def test_report_json_round_trips(reference_report):
    data = json.loads(reference_report.to_json())
    assert GradeReport.from_dict(data).to_dict() == data
    assert data["total"]["percent"] == 100.0


# A correct forward/backward pair with another cache layout (tests/fixtures/<week>/caches/), over the reference
# -> the checks it loses: only its forward function's cache checks, which check the template's layout.
CACHE_LAYOUTS = {
    "tuple_cache": {"forward_propagation_example", "forward_propagation_cache"},
}


@pytest.mark.parametrize("layout", sorted(CACHE_LAYOUTS))
def test_backward_functions_are_graded_with_the_learners_own_cache(layout):
    """Does backward_propagation keep its points when its cache is the one the learner's own forward function
    returns, as the README promises (template layout first, then the learner's own)?"""
    assert WEEK.lost_with_cache_layout(layout) == CACHE_LAYOUTS[layout]
