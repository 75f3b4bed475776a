"""Week 4 end to end: the reference, the starter, correct alternatives and classic mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything, lost

from grader.model.exercise import load_exercise
from grader.model.report import GradeReport

WEEK = Week("week4")
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
REFERENCE = SOLUTIONS / "deep_neural_network.py"
GRADED = ["initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
          "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward", "L_model_backward",
          "update_parameters"]
grade = WEEK.grade


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%, well under a second?"""
    assert reference_report.max_points >= 30
    assert lost(reference_report) == []
    assert reference_report.points == reference_report.max_points
    assert [f.name for f in reference_report.functions] == GRADED
    assert reference_report.timings["checks"] < 2.0  # ~0.3 s on an idle machine


def test_every_graded_function_has_public_and_hidden_checks(reference_report):
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name


def test_backward_functions_are_gradient_checked_and_passes_vectorized(reference_report):
    names = {c.name for c in reference_report.checks}
    assert {"linear_backward_gradient_dW_db", "linear_backward_gradient_dA_prev",
            "linear_activation_backward_relu", "linear_activation_backward_sigmoid",
            "L_model_backward_gradient_dW_db", "L_model_backward_gradient_dA"} <= names
    vectorized = {c.function: c for c in reference_report.checks if c.name.endswith("_vectorized")}
    assert set(vectorized) == {"L_model_forward", "L_model_backward"}
    assert all(c.max_points > 0 for c in vectorized.values())


@pytest.mark.parametrize("starter", ["py", "ipynb"])
def test_starter_earns_nothing(starter):
    """Does the untouched starter (both forms) earn 0 points?"""
    report = grade(EXERCISE / f"deep_neural_network.{starter}")
    assert [(c.function, c.name) for c in report.checks if c.points > 0] == []
    assert all(f.found for f in report.functions)


def test_starter_has_a_graded_cell_per_function():
    text = (EXERCISE / "deep_neural_network.py").read_text()
    for name in GRADED:
        assert f"# GRADED FUNCTION: {name}\n" in text, name
    assert text.count("### START CODE HERE ###") == text.count("### END CODE HERE ###") >= len(GRADED)


ALTERNATIVES = WEEK.names("alternatives")


@pytest.fixture(scope="module")
def alternative_reports() -> dict[str, GradeReport]:
    return WEEK.reports("alternatives", ALTERNATIVES)


def test_there_are_at_least_two_alternatives():
    assert len(ALTERNATIVES) >= 2


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_correct_alternatives_earn_everything(alternative, alternative_reports, reference_report):
    """An older template (in-place update, seeded init, np.dot cost) and an independent
    implementation (own activations, @, einsum, list caches): full marks, no diagnosis."""
    report = alternative_reports[alternative]
    assert_earns_everything(report, reference_report, quiet=True)


def test_older_template_is_accepted_as_it_is(alternative_reports):
    """Importing dnn_utils_v2 / testCases (absent) is only a note; the provided helpers are used,
    and updating the given dictionary in place earns full marks."""
    report = alternative_reports["older_template"]
    assert any(n.kind == "import-failed" and "dnn_utils_v2" in n.message for n in report.notes)
    summary = next(f for f in report.functions if f.name == "update_parameters")
    assert summary.points == summary.max_points > 0


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "dA_keys_off_by_one": ("L_model_backward", ["your dA keys are off by one",
                                                "the course names the gradient of A[l-1] dA{l-1}",
                                                "Older versions of the course", "only the names are shifted"]),
    "linear_cache_misordered": ("linear_forward", ["misordered", "(W, A, b)", "(A, W, b)"]),
    "linear_cache_missing": ("linear_forward", ["the cache is missing", "received a single array"]),
    "activation_cache_swapped": ("linear_activation_forward", ["misordered", "(linear_cache, activation_cache)"]),
    "activation_cache_missing": ("linear_activation_forward", ["the activation cache is missing"]),
    "output_cache_missing": ("L_model_forward", ["the output layer's cache is missing"]),
    "caches_kept_after_loop": ("L_model_forward", ["the entries of caches are the caches of layers 2 and 3",
                                                   "No entry is the cache of layer 1.",
                                                   "is caches.append(cache) inside the loop"]),
    "sigmoid_hidden": ("L_model_forward", ["sigmoid in the hidden layers"]),
    "relu_output": ("L_model_forward", ["ReLU at the output"]),
    "layer_count": ("L_model_forward", ["KeyError", "L = len(parameters) // 2"]),
    "relu_backward_misused": ("linear_activation_backward", ["relu_backward misused", "dZ is not dA * Z",
                                                             "fails the numeric gradient check"]),
    "missing_1_over_m": ("linear_backward", ["missing 1/m", "fails the numeric gradient check"]),
    "db_no_keepdims": ("linear_backward", ["keepdims=True", "rank-1"]),
    "db_scalar": ("linear_backward", ["db is a single number", "np.sum(dZ, axis=1, keepdims=True)"]),
    "init_no_scale": ("initialize_parameters_deep", ["the factor 0.01 is missing"]),
    "init_zeros": ("initialize_parameters", ["zero initialization", "symmetry"]),
    "init_rand": ("initialize_parameters_deep", ["np.random.rand", "np.random.randn"]),
    "cost_1x1": ("compute_cost", ["shape (1, 1), expected a scalar", "np.squeeze(cost)"]),
    "update_plus": ("update_parameters", ["wrong sign", "W1 = W1 - learning_rate * dW1"]),
    "looped_examples": ("L_model_backward", ["slower than a vectorized version", "calls your linear_backward",
                                             "The loop over the layers in L_model_backward is fine"]),
    "linear_forward_cached_by_shape": ("linear_forward", ["the same returned value number 1 to two different inputs",
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
    """Functions the mistake file does not define fail as 'not found'; the ones it defines
    correctly (the helpers the faulty function calls) keep their points."""
    report = mistake_reports[mistake]
    function, _ = MISTAKES[mistake]
    for summary in report.functions:
        if not summary.found:
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))
        elif summary.name not in (function, "L_model_forward", "L_model_backward"):
            # L_model_* call the faulty helper, so they may fail with it
            assert summary.points == summary.max_points, (mistake, summary.name, lost(report))


def test_looped_examples_lose_only_the_vectorization_points(mistake_reports):
    report = mistake_reports["looped_examples"]
    found = {f.name for f in report.functions if f.found}
    assert {(c.function, c.name) for c in report.checks if c.points < c.max_points and c.function in found} == {
        ("L_model_forward", "L_model_forward_vectorized"), ("L_model_backward", "L_model_backward_vectorized")}
    forward = next(c for c in report.checks if c.name == "L_model_forward_vectorized")
    assert "calls your linear_forward, which loops" in forward.message


def test_old_dA_keys_lose_only_the_dA_checks(mistake_reports):
    """dW and db are graded on their own: the older naming costs the dA checks, nothing else."""
    report = mistake_reports["dA_keys_off_by_one"]
    names = {c.name for c in report.checks_for("L_model_backward") if c.points < c.max_points}
    assert names <= {"L_model_backward_example", "L_model_backward_gradient_dA", "L_model_backward_vectorized"}
    assert next(c for c in report.checks if c.name == "L_model_backward_gradient_dW_db").status == "passed"


def _forward_diagnoses(report: GradeReport) -> set[str]:
    return {d.id for c in report.checks_for("L_model_forward") for d in c.diagnoses}


def test_caches_are_told_apart_by_their_values(mistake_reports):
    """caches of the wrong length: which layers' caches are there is read from their values (A_prev, W, b,
    Z), and "the output layer's cache is missing" is said only when layers 1 .. L-1 are what is there."""
    after_loop = mistake_reports["caches_kept_after_loop"]
    assert _forward_diagnoses(after_loop) == {"week4.caches.append_after_loop"}
    hidden = next(c for c in after_loop.checks if c.name == "L_model_forward_caches")
    assert "the caches of layers 3 and 4" in hidden.message and "No entry is the cache of layers 1 and 2." in hidden.message
    assert "output layer's cache is missing" not in "\n".join(c.message for c in after_loop.checks)
    assert _forward_diagnoses(mistake_reports["output_cache_missing"]) == {"week4.caches.output_missing"}


def test_correct_code_gets_no_cache_diagnosis(reference_report, alternative_reports):
    """The reference, the correct alternatives, the correct submissions of tests/fixtures/week4/unseen and
    the other cache layouts (over the reference) get no diagnosis of L_model_forward."""
    reports = [reference_report, *alternative_reports.values(),
               *(grade(path) for path in sorted((FIXTURES / "unseen").glob("ok_*.py"))),
               *(WEEK.grade_over_reference(path) for path in sorted((FIXTURES / "caches").glob("*.py")))]
    for report in reports:
        assert _forward_diagnoses(report) == set()
        assert [c.name for c in report.checks_for("L_model_forward") if c.points < c.max_points
                and not c.name.endswith("_vectorized")] == []


def test_diagnoses_do_not_fire_on_correct_code(reference_report):
    graded = [c for c in reference_report.checks if c.max_points > 0]
    assert all(c.message == "" for c in graded)


def _notebook_from_source(tmp_path: Path, source: Path) -> Path:
    """A course-style notebook: markdown, magics, the helper imports of the course, one graded
    cell per function, test calls, and a cell that does not parse."""
    cells = [
        nbformat.v4.new_markdown_cell("# Building your Deep Neural Network: Step by Step"),
        nbformat.v4.new_code_cell("import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\n"
                                  "from testCases import *\nfrom dnn_utils import sigmoid, sigmoid_backward, relu, "
                                  "relu_backward\nfrom public_tests import *\n\n%matplotlib inline\n"
                                  "%load_ext autoreload\n%autoreload 2\nnp.random.seed(1)"),
    ]
    text = source.read_text()
    for chunk in text.split("\ndef ")[1:]:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION: x\n\ndef " + chunk.split("\n# --")[0]))
        cells.append(nbformat.v4.new_code_cell("t_AL, t_caches = L_model_forward_test_case()\nprint(t_AL)"))
    cells.append(nbformat.v4.new_code_cell("def broken(:\n    pass"))
    path = tmp_path / "Building_your_Deep_Neural_Network_Step_by_Step_v8a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_notebook_grades_like_the_equivalent_py(tmp_path, reference_report):
    """Does a course-style notebook get exactly the report of the same code as a .py file?"""
    notebook = _notebook_from_source(tmp_path, REFERENCE)
    report = grade(notebook)
    py_report = grade(REFERENCE)
    def outcomes(r: GradeReport) -> list[tuple[str, str, float]]:  # timings aside
        return [(c.name, c.status, c.points) for c in r.checks if not c.name.endswith("_vectorized")]

    assert outcomes(report) == outcomes(py_report)
    assert report.points == reference_report.max_points
    kinds = {n.kind for n in report.notes}
    assert "syntax-error" in kinds and "import-failed" in kinds


def test_provided_helpers_match_the_reference():
    """exercises/week4/dnn_utils.py (what learners get) and the reference's copies agree."""
    provided: dict = {}
    exec((EXERCISE / "dnn_utils.py").read_text(), provided)
    reference = load_exercise(EXERCISE).load_reference()
    rng = np.random.default_rng(0)
    Z, dA = rng.normal(0, 3, size=(4, 7)), rng.normal(size=(4, 7))
    for name in ("sigmoid", "relu"):
        (A, cache), (want, want_cache) = provided[name](Z), getattr(reference, name)(Z)
        np.testing.assert_allclose(A, want)
        np.testing.assert_array_equal(cache, Z)
        np.testing.assert_array_equal(want_cache, Z)
    for name in ("sigmoid_backward", "relu_backward"):
        np.testing.assert_allclose(provided[name](dA, Z), getattr(reference, name)(dA, Z))
    np.testing.assert_allclose(provided["sigmoid"](np.array([-1000.0, 1000.0]))[0], [0.0, 1.0])


def test_relu_backward_does_not_modify_dA():
    provided: dict = {}
    exec((EXERCISE / "dnn_utils.py").read_text(), provided)
    dA = np.array([[1.0, -2.0, 3.0]])
    provided["relu_backward"](dA, np.array([[-1.0, 1.0, -1.0]]))
    np.testing.assert_array_equal(dA, [[1.0, -2.0, 3.0]])


def test_grading_is_deterministic_for_a_seed():
    first = grade(FIXTURES / "mistakes" / "missing_1_over_m.py", seed=7)
    second = grade(FIXTURES / "mistakes" / "missing_1_over_m.py", seed=7)
    assert [(c.name, c.status, c.message) for c in first.checks] == [
        (c.name, c.status, c.message) for c in second.checks]


def test_hidden_inputs_change_with_the_seed():
    first = grade(FIXTURES / "mistakes" / "missing_1_over_m.py", seed=1)
    second = grade(FIXTURES / "mistakes" / "missing_1_over_m.py", seed=2)
    hidden = lambda r: [c.message for c in r.checks if c.hidden and c.function == "linear_backward"]  # noqa: E731
    assert hidden(first) != hidden(second)


def test_report_json_round_trips(reference_report):
    data = json.loads(reference_report.to_json())
    assert GradeReport.from_dict(data).to_dict() == data
    assert data["total"]["percent"] == 100.0


# A correct forward/backward pair with another cache layout (tests/fixtures/<week>/caches/), over the reference
# -> the checks it loses: only its forward function's cache checks, which check the template's layout.
CACHE_LAYOUTS = {
    "linear_dict_cache": {"linear_forward_example", "linear_forward_cache"},
    "activation_z_and_a_cache": {"linear_activation_forward_example", "linear_activation_forward_cache"},
}


@pytest.mark.parametrize("layout", sorted(CACHE_LAYOUTS))
def test_backward_functions_are_graded_with_the_learners_own_cache(layout):
    """Does linear_backward, linear_activation_backward and L_model_backward keep its points when its cache is the one the learner's own forward function
    returns, as the README promises (template layout first, then the learner's own)?"""
    assert WEEK.lost_with_cache_layout(layout) == CACHE_LAYOUTS[layout]
