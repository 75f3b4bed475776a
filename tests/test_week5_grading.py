"""Week 5 end to end: the reference, the starter, correct alternatives and classic mistakes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from week_suite import Week, assert_diagnosed, assert_earns_everything, lost

from grader.model.report import GradeReport

WEEK = Week("week5")
EXERCISE, FIXTURES, SOLUTIONS = WEEK.exercise, WEEK.fixtures, WEEK.solutions
PARTS = ["optimization_methods", "data_splitting"]
grade = WEEK.grade


@pytest.fixture(scope="module")
def reference_report() -> GradeReport:
    return grade(SOLUTIONS)


def test_reference_earns_everything(reference_report):
    """Does the reference solution earn 100%, quickly?"""
    assert reference_report.max_points >= 40
    failing = [(c.function, c.name, c.message) for c in reference_report.checks if c.status != "passed"]
    assert failing == []
    assert reference_report.points == reference_report.max_points
    assert reference_report.timings["checks"] < 5.0  # about 0.3 s on an idle machine


def test_every_graded_function_has_public_and_hidden_checks(reference_report):
    names = {summary.name for summary in reference_report.functions}
    assert names == {
        "update_parameters_with_gd", "random_mini_batches", "initialize_velocity",
        "update_parameters_with_momentum", "initialize_adam", "update_parameters_with_adam",
        "update_parameters_with_rmsprop", "update_parameters_with_adagrad", "train_test_split"}
    for summary in reference_report.functions:
        checks = reference_report.checks_for(summary.name)
        assert any(not c.hidden and c.max_points > 0 for c in checks), summary.name
        assert any(c.hidden and c.max_points > 0 for c in checks), summary.name


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
    """Course style (in place, np.random.seed, 3-value Adam) and Generator style (new dicts, 5 values)."""
    report = alternative_reports[alternative]
    assert_earns_everything(report, reference_report, quiet=True)


def test_there_are_at_least_two_alternatives():
    assert len(ALTERNATIVES) >= 2


def test_alternatives_pass_on_other_seeds():
    """Property checks are robust: other hidden inputs, still full marks."""
    for name in ALTERNATIVES:
        for seed in (1, 99):
            assert lost(grade(FIXTURES / "alternatives" / f"{name}.py", seed=seed)) == [], (name, seed)


# mistake fixture -> (function, words the feedback must contain)
MISTAKES = {
    "momentum_no_one_minus_beta": ("update_parameters_with_momentum", ["(1 - beta) factor", "v = beta * v + dW"]),
    "adam_no_bias_correction": ("update_parameters_with_adam", ["Adam without bias correction", "1 - beta1**t"]),
    "adam_fixed_t": ("update_parameters_with_adam", ["does not use the step number t", "as if t = 1"]),
    "adam_t_incremented_inside": ("update_parameters_with_adam", ["t was incremented inside", "t + 1"]),
    "adam_epsilon_after": ("update_parameters_with_adam",
                           ["epsilon is outside the square root, but in the wrong place", "denominator"]),
    "adam_epsilon_inside": ("update_parameters_with_adam", ["epsilon is inside the square root"]),
    "mini_batches_drop_last": ("random_mini_batches", ["the last, partial mini-batch is missing", "m = 148"]),
    "mini_batches_two_permutations": ("random_mini_batches",
                                      ["no longer paired", "shuffled with different permutations"]),
    "mini_batches_not_shuffled": ("random_mini_batches", ["nothing was shuffled", "np.random.permutation(m)"]),
    "mini_batches_unseeded": ("random_mini_batches", ["two calls with seed", "np.random.seed(seed)"]),
    "rmsprop_no_square": ("update_parameters_with_rmsprop", ["SQUARED gradient", "you used dW itself"]),
    "adagrad_no_accumulation": ("update_parameters_with_adagrad", ["instead of accumulating"]),
    "split_no_shuffle": ("train_test_split", ["the split does not shuffle", "last"]),
    "split_not_stratified": ("train_test_split", ["does not keep the class proportions", "stratify=True"]),
    "split_rounds_down": ("train_test_split", ["rounds down", "ceil(test_size * m)"]),
    "split_size_from_rows": ("train_test_split", ["computed from n_x = X.shape[0], the number of features",
                                                  "test_size * n_x = 0.25 * 3 = 0.75 gives the size of your test "
                                                  "set, 1; with m = 40 examples the test set holds 10"]),
    "adam_s_with_beta1": ("update_parameters_with_adam", ["s (the second moment) is averaged with beta1 where "
                                                          "beta2 belongs", "with beta2 = 0.999"]),
    "adam_v_with_beta2": ("update_parameters_with_adam", ["v (the first moment) is averaged with beta2 where "
                                                          "beta1 belongs", "with beta1 = 0.9"]),
    "adam_betas_swapped": ("update_parameters_with_adam", ["beta1 and beta2 are swapped"]),
    "gd_skips_last_layer": ("update_parameters_with_gd", ["did not change", "range(1, L + 1)"]),
    "velocity_keyed_like_parameters": ("initialize_velocity", ["keyed like the gradients", "dW1"]),
    "adam_mutable_default": ("update_parameters_with_adam", ["to two different inputs (inputs of other sizes)",
                                                             "a default argument that is a list/dict"]),
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
    for summary in report.functions:
        if not summary.found:
            assert all("was not found in your files" in c.message for c in report.checks_for(summary.name))


def test_epsilon_mistakes_are_told_apart(mistake_reports):
    """Inside the root and after the division get different messages, each saying where epsilon goes."""
    inside = "\n".join(c.message for c in mistake_reports["adam_epsilon_inside"].checks)
    after = "\n".join(c.message for c in mistake_reports["adam_epsilon_after"].checks)
    assert "wrong place" not in inside and "inside the square root" not in after
    assert "(np.sqrt(s_corrected) + epsilon)" in inside and "(np.sqrt(s_corrected) + epsilon)" in after


def _diagnoses(report: GradeReport, function: str) -> set[str]:
    return {d.id for c in report.checks_for(function) for d in c.diagnoses}


def test_rounding_rule_only_for_a_rounding_of_test_size_times_m(mistake_reports):
    """"rounded UP, as scikit-learn does" is said when the test set's size is floor/round of test_size * m;
    a size that is test_size times n_x = X.shape[0] (rounded any way) is said to come from the features."""
    from_rows = mistake_reports["split_size_from_rows"]
    assert _diagnoses(from_rows, "train_test_split") >= {"week5.train_test_split.from_features"}
    assert not any("rounded UP" in c.message or "rounds down" in c.message for c in from_rows.checks)
    rounded = mistake_reports["split_rounds_down"]
    diagnosed = _diagnoses(rounded, "train_test_split")
    assert "week5.train_test_split.from_features" not in diagnosed
    assert diagnosed & {"week5.train_test_split.int_or_round", "week5.train_test_split.int_rounds_down"}


def test_betas_swapped_only_when_v_and_s_both_show_it(mistake_reports):
    """One moving average with the other's beta is named as that one; "swapped" needs v and s both."""
    adam = "update_parameters_with_adam"
    assert _diagnoses(mistake_reports["adam_s_with_beta1"], adam) == {"week5.adam.s_beta1"}
    assert _diagnoses(mistake_reports["adam_v_with_beta2"], adam) == {"week5.adam.v_beta2"}
    assert _diagnoses(mistake_reports["adam_betas_swapped"], adam) == {"week5.adam.swapped_betas"}


def test_correct_code_gets_no_split_or_adam_diagnosis(reference_report, alternative_reports):
    """The reference, the correct alternatives and the correct submissions of tests/fixtures/week5/unseen: full
    marks for train_test_split and update_parameters_with_adam, no diagnosis."""
    reports = [reference_report, *alternative_reports.values(),
               *(grade(path) for path in sorted((FIXTURES / "unseen").glob("ok_*.py")))]
    for report in reports:
        for function in ("train_test_split", "update_parameters_with_adam"):
            assert _diagnoses(report, function) == set()
            assert [c.name for c in report.checks_for(function) if c.points < c.max_points] == []


def _replace_function(source: str, name: str, new: str) -> str:
    """``source`` with the top-level function ``name`` replaced by ``new``."""
    start = source.index(f"def {name}(")
    end = source.find("\ndef ", start + 1)
    return source[:start] + new.strip() + "\n\n" + (source[end + 1:] if end != -1 else "")


def test_older_three_value_adam_is_accepted(tmp_path):
    """The older notebook returned (parameters, v, s): same points."""
    source = (SOLUTIONS / "optimization_methods.py").read_text()
    source = source.replace("    return new_parameters, new_v, new_s, v_corrected, s_corrected",
                            "    return new_parameters, new_v, new_s")
    path = tmp_path / "old_adam.py"
    path.write_text(source)
    summary = next(f for f in grade(path).functions if f.name == "update_parameters_with_adam")
    assert summary.found and summary.points == summary.max_points > 0


def test_in_place_updates_are_accepted(tmp_path):
    """Mutating parameters / v / s / cache in place (the course's templates do) costs nothing."""
    path = tmp_path / "in_place.py"
    path.write_text('''
import numpy as np

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    for key in v:
        v[key] *= beta
        v[key] += (1 - beta) * grads[key]
        parameters[key[1:]] -= learning_rate * v[key]
    return parameters, v

def update_parameters_with_rmsprop(parameters, grads, s, beta=0.999, learning_rate=0.01, epsilon=1e-8):
    for key in s:
        s[key] *= beta
        s[key] += (1 - beta) * grads[key] ** 2
        parameters[key[1:]] -= learning_rate * grads[key] / (np.sqrt(s[key]) + epsilon)
    return parameters, s
''')
    report = grade(path)
    for name in ("update_parameters_with_momentum", "update_parameters_with_rmsprop"):
        summary = next(f for f in report.functions if f.name == name)
        assert summary.points == summary.max_points > 0, lost(report)
    assert not any("in place" in c.message for c in report.checks)


def test_wrong_adam_return_length_is_explained(tmp_path):
    source = (SOLUTIONS / "optimization_methods.py").read_text()
    source = source.replace("    return new_parameters, new_v, new_s, v_corrected, s_corrected",
                            "    return new_parameters, new_v")
    path = tmp_path / "two_values.py"
    path.write_text(source)
    checks = grade(path).checks_for("update_parameters_with_adam")
    assert all(c.points == 0 for c in checks)
    assert "(parameters, v, s) or" in checks[0].message and "received 2 values" in checks[0].message


def _notebook_from_sources(tmp_path: Path, sources: list[Path]) -> Path:
    """A course-style notebook: markdown, a magic, imports, one graded cell per file, a broken cell."""
    cells = [
        nbformat.v4.new_markdown_cell("# Optimization methods\nImplement the functions below."),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nimport math"),
        nbformat.v4.new_code_cell("from opt_utils import load_dataset\ntrain_X, train_Y = load_dataset()"),
    ]
    for source in sources:
        cells.append(nbformat.v4.new_code_cell("# GRADED FUNCTION: all\n" + source.read_text()))
        cells.append(nbformat.v4.new_code_cell("print(len(random_mini_batches(train_X, train_Y)))"))
    cells.append(nbformat.v4.new_code_cell("def broken(:\n    pass"))
    path = tmp_path / "My Optimizers (final).ipynb"
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


def test_grading_is_deterministic_for_a_seed():
    first = grade(FIXTURES / "mistakes" / "momentum_no_one_minus_beta.py", seed=7)
    second = grade(FIXTURES / "mistakes" / "momentum_no_one_minus_beta.py", seed=7)
    assert [(c.name, c.status, c.message) for c in first.checks] == [
        (c.name, c.status, c.message) for c in second.checks]


def test_hidden_inputs_change_with_the_seed():
    first = grade(FIXTURES / "mistakes" / "momentum_no_one_minus_beta.py", seed=1)
    second = grade(FIXTURES / "mistakes" / "momentum_no_one_minus_beta.py", seed=2)
    hidden = lambda r: [c.message for c in r.checks if c.hidden and c.function == "update_parameters_with_momentum"]  # noqa: E731
    assert hidden(first) != hidden(second)


def _load(path: Path):
    spec = importlib.util.spec_from_file_location("week5_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_test_case_is_the_public_example():
    """The notebook's expected outputs come from the same example as the public checks."""
    import sys

    sys.path.insert(0, str(EXERCISE / "checks"))
    try:
        problems = _load(EXERCISE / "checks" / "problems_week5.py")
    finally:
        sys.path.remove(str(EXERCISE / "checks"))
    utils = _load(EXERCISE / "opt_utils.py")
    ours, theirs = utils.optimizer_test_case(), problems.example_problem()
    for mine, other in zip(ours, theirs):
        assert mine.keys() == other.keys()
        assert all(np.array_equal(mine[k], other[k]) for k in mine)


def test_reference_stratified_split_keeps_the_unstratified_size():
    split = _load(SOLUTIONS / "data_splitting.py").train_test_split
    rng = np.random.default_rng(0)
    for _ in range(50):
        m = int(rng.integers(20, 200))
        X = rng.normal(size=(3, m))
        Y = rng.choice(3, size=(1, m), p=[0.6, 0.3, 0.1]).astype(float)
        test_size = float(rng.choice([0.15, 0.2, 0.3]))
        _, X_test, _, Y_test = split(X, Y, test_size, int(rng.integers(100)), True)
        assert X_test.shape[1] == int(np.ceil(test_size * m)) or abs(test_size * m - round(test_size * m)) < 1e-9
        for c in np.unique(Y):
            share = test_size * np.sum(Y == c)
            assert np.floor(share) <= np.sum(Y_test == c) <= np.ceil(share)


def test_report_json_round_trips(reference_report):
    data = json.loads(reference_report.to_json())
    assert GradeReport.from_dict(data).to_dict() == data
    assert data["total"]["percent"] == 100.0
