"""Learner values outside their function's contract: checked before trusted code touches them.

Every file in ``tests/security/fixtures/values/`` returns values that today's checks would hand to
trusted code (the reference, numpy in a check, a training loop): a bias of a million entries
broadcast by ``reference.predict``, an extra layer counted by ``reference.L_model_forward``, a
60 MB boolean dW converted to float, integers too large for a float, megabytes of text, arrays
where sizes are expected, complex numbers left in the caller's parameters.  Each test asserts

(a) the grader returns normally, in time, and no sandbox process survives;
(b) the exact points: the honest function of the file earns everything, the attacked checks nothing;
(c) the feedback says what is wrong with the learner's value: never "This check could not run",
    never an error message of the reference or of numpy, never megabytes;
(d) where the value would have been computed upon, the grading process's peak allocation
    (tracemalloc, which numpy reports its arrays to) stays near what it received.

The last tests grade small check files in-process: a reference that raises on a learner's value
does not show its message, whether the check hands the value over with ``computing_with`` or not.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from sandbox_helpers import ROOT, FAST, MESSAGE_CHARS, MiB, Watchdog, assert_no_stray_processes, assert_points, checks_of

from grader.checks import CheckFailure, computing_with, expect_like, show
from grader.grading import grade_submission
from grader.model.report import GradeReport
from grader.checks.runner import run_checks

VALUES = Path(__file__).resolve().parent / "fixtures" / "values"
BROKEN = ("could not run", "Traceback", "not aligned", "broadcast together", "ambiguous", "could not convert",
          "int too large", "must match exactly", "core dimension")


def reference_lines(week: str) -> list[str]:
    return sorted({line.strip() for path in (ROOT / "solutions" / week).glob("*.py")
                   for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 40})


def grade_values(week: str, fixture: str, sandboxes: Path, *, budget: float = 30.0) -> tuple[GradeReport, int]:
    """(report, peak bytes the grading process allocated) of one fixture, graded against ``week``."""
    started = time.perf_counter()
    with Watchdog(sandboxes, 60.0) as dog:
        tracemalloc.start()
        try:
            report = grade_submission(ROOT / "exercises" / week, [VALUES / fixture], seed=1, limits=FAST)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not dog.fired, "grading hung"
    assert time.perf_counter() - started < budget
    for text in [c.message for c in report.checks]:
        assert len(text) < MESSAGE_CHARS
        assert not any(line in text for line in reference_lines(week)), "the report leaks the reference"
    assert_no_stray_processes(sandboxes)
    return report, peak


def assert_diagnosed(report: GradeReport, function: str, *words: str) -> None:
    """Every failed graded check of ``function`` failed (not "error"), without a broken check's words, and
    at least one of them says all of ``words``."""
    failed = [c for c in checks_of(report, function) if c.max_points > 0 and c.status != "passed"]
    assert failed, f"no check of {function} failed"
    for check in failed:
        assert check.status == "failed", f"{check.name}: {check.status}: {check.message[:300]}"
        assert not any(word in check.message for word in BROKEN), f"{check.name}: {check.message[:300]}"
    assert any(all(w in c.message for w in words) for c in failed), [c.message[:300] for c in failed]


# -- (d) values that trusted code would broadcast or convert --------------------------------------------


def test_a_bias_of_a_million_entries_is_not_broadcast_by_the_reference(sandboxes: Path) -> None:
    """d["b"] of shape (1000000, 1): reference.predict would make (1000000, 40) arrays (1.5 GB in all)."""
    report, peak = grade_values("week2", "model_huge_bias.py", sandboxes)
    assert_points(report, full=["sigmoid"], model=1.0)  # model_returns_everything checks the shapes it names
    assert_diagnosed(report, "model", 'd["b"] should be a single number', "shape (1000000, 1)")
    assert peak < 100 * MiB, f"the grading process allocated {peak / MiB:.0f} MB for an 8 MB bias"


def test_an_extra_layer_is_not_run_through_the_reference(sandboxes: Path) -> None:
    """W4 (1000000, n) and b4 returned by update_parameters: L_model_forward would count them as a layer."""
    report, peak = grade_values("week4", "week4_extra_layer.py", sandboxes)
    assert_points(report, full=["compute_cost"], update_parameters=3.0)  # the values it was asked for are right
    assert_diagnosed(report, "update_parameters", "['W4', 'b4']", "should not have")
    assert peak < 200 * MiB, f"the grading process allocated {peak / MiB:.0f} MB"


def test_a_60_mb_boolean_gradient_is_not_converted_to_float(sandboxes: Path) -> None:
    """dW = 60 million bools (np.asarray(dW, dtype=float): 480 MB), and dW = a list of text."""
    report, peak = grade_values("week6", "week6_gradient_values.py", sandboxes, budget=60.0)
    assert_points(report, full=["svm_loss_vectorized"])
    assert_diagnosed(report, "svm_loss_naive", "dW has the wrong shape", "received: shape (60000000,)")
    assert_diagnosed(report, "softmax_loss_naive", "dW is a Python list")
    assert peak < 300 * MiB, f"the grading process allocated {peak / MiB:.0f} MB for a 57 MB dW"


# -- (c) values that made trusted code raise, and its message reach the learner ------------------------------


def test_a_w_that_the_reference_cannot_use_is_diagnosed_not_passed_on(sandboxes: Path) -> None:
    """d["w"] with one entry too many: reference.predict raised "shapes (1,7) and (6,40) not aligned"."""
    report, _ = grade_values("week2", "model_wrong_w.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_diagnosed(report, "model", 'd["w"] has the wrong shape', "expected: shape (6, 1)", "received: shape (7, 1)")


def test_integers_beyond_any_float_and_megabytes_of_text(sandboxes: Path) -> None:
    """10**4000 as L1, -10**400 as L2, 10**1000 as a cost: float() raised OverflowError in the grading
    process; 6 MB of text as b made 6 MB of feedback."""
    report, _ = grade_values("week2", "huge_numbers.py", sandboxes)
    assert_points(report, full=["sigmoid"], initialize_with_zeros=1.0, propagate=3.0)
    for function, name in (("L1", "L1(yhat, y)"), ("L2", "L2(yhat, y)"), ("propagate", "cost")):
        assert_diagnosed(report, function, f"{name} is the integer", "digits), beyond the range of any float")
    assert_diagnosed(report, "initialize_with_zeros", "b is '0.00.00.0", "of type str")
    assert max(len(c.message) for c in report.checks) < 1000


def test_sizes_that_are_arrays_and_complex_numbers_in_the_callers_parameters(sandboxes: Path) -> None:
    """layer_sizes returns a (1500, 1500) array as n_x (comparing it raised "truth value of an array is
    ambiguous"); forward_propagation leaves W1 + 1j in the caller's dict (shown as a real change before)."""
    report, _ = grade_values("week3", "week3_shapes_and_complex.py", sandboxes)
    assert_points(report, full=["compute_cost"], forward_propagation=3.0)  # A2 itself, the cache, vectorized
    assert_diagnosed(report, "layer_sizes", "should return 3 integers", "shape (1500, 1500)")
    assert_diagnosed(report, "forward_propagation", "changed the caller's parameters", "complex128")


def test_extra_layers_and_ragged_label_batches_in_trusted_loops(sandboxes: Path) -> None:
    """The trusted training loop counted a returned extra layer (a matmul error); np.concatenate of label
    batches of different heights raised in the grading process."""
    report, _ = grade_values("week5", "week5_structures.py", sandboxes)
    assert_points(report, full=["initialize_velocity"], update_parameters_with_gd=3.0)  # its values are right
    assert_diagnosed(report, "update_parameters_with_gd", "(after training step 1) has the key(s) ['W4', 'b4']")
    assert_diagnosed(report, "random_mini_batches", "mini_batches[1][1] (mini_batch_Y) has the wrong shape")


def test_integers_beyond_any_float_where_a_size_or_an_error_is_expected(sandboxes: Path) -> None:
    report, _ = grade_values("week7", "week7_huge_numbers.py", sandboxes)
    assert_points(report, full=["relu"])
    assert_diagnosed(report, "conv_output_size", "is the integer 100000000000...")


# -- the reference raising on a learner's value: its message stays in the grading process --------------------


REFERENCE = '''
def predict(w, b):
    raise ValueError("reference detail: predict multiplies w by its private matrix SECRET_7")
'''

CHECKS = '''
from grader.checks import check, computing_with, expect_like


@check("predict")
def test_handed_over(learner, reference):
    w = expect_like(learner["w"], 0.0, name="w")
    with computing_with("w"):
        reference.predict(w, 0.0)


@check("predict")
def test_handed_over_without_care(learner, reference):
    reference.predict(learner["w"], 0.0)
'''


def test_errors_of_the_reference_on_a_learner_value_are_not_shown(tmp_path: Path) -> None:
    """The reference (under the hidden folder) raises on the learner's value: the learner reads what went
    wrong with the value, never the reference's message."""
    solutions = tmp_path / "solutions"
    (solutions / "checks").mkdir(parents=True)
    (solutions / "checks" / "checks_values_hidden.py").write_text(CHECKS, encoding="utf-8")
    namespace: dict = {}
    exec(compile(REFERENCE, str(solutions / "reference.py"), "exec"), namespace)
    reference = type("Reference", (), {"predict": staticmethod(namespace["predict"])})
    results, errors = run_checks([solutions / "checks" / "checks_values_hidden.py"], {"w": 2.5}, reference, 1,
                                 hidden_dirs=[solutions], root=tmp_path)
    assert errors == []
    by_name = {r.name: r for r in results}
    careful, careless = by_name["handed_over"], by_name["handed_over_without_care"]
    assert careful.status == "failed" and careful.message.startswith("w could not be used to go on with this check")
    assert careless.status == "error" and "raised ValueError on your result" in careless.message
    for result in results:
        assert "SECRET_7" not in result.message and "reference detail" not in result.message, result.message


def test_no_check_writes_more_than_a_few_thousand_characters_of_feedback(tmp_path: Path) -> None:
    """Whatever a check's own sentences hold (a learner's keys listed in full, say), the report keeps the
    first few thousand characters."""
    path = tmp_path / "checks" / "checks_long_public.py"
    path.parent.mkdir()
    path.write_text("from grader.checks import check, fail\n\n\n@check('f')\ndef test_long(learner):\n"
                    "    fail(f\"keys: {list(learner)}\")\n", encoding="utf-8")
    results, _ = run_checks([path], {f"key{i}": i for i in range(200_000)}, None, 1, hidden_dirs=[], root=tmp_path)
    assert results[0].status == "failed" and len(results[0].message) < MESSAGE_CHARS
    assert results[0].message.endswith("(the rest of this feedback was cut: it was too long)")


# -- the contract itself ----------------------------------------------------------------------------------


def failure(got: object, template: object, name: str = "x") -> str:
    with pytest.raises(CheckFailure) as info:
        expect_like(got, template, name=name)
    return str(info.value)


@pytest.mark.parametrize("got, words", [
    (np.zeros((3, 1), dtype=complex), "dtype complex128"),
    (np.zeros(3), "rank-1 array"),
    (np.zeros((1, 3)), "a transpose"),
    ([[0.0], [0.0], [0.0]], "is a Python list"),
    ("0.0", "should be a numpy array of shape (3, 1)"),
    (np.zeros((3, 3)), "accidental broadcast"),
], ids=["complex", "rank-1", "transpose", "list", "text", "square"])
def test_arrays_outside_the_contract(got: object, words: str) -> None:
    assert words in failure(got, np.zeros((3, 1)))


@pytest.mark.parametrize("got, words", [
    (10**4000, "beyond the range of any float"),
    (np.zeros((1, 1)), "np.dot of a row and a column"),
    (np.zeros(5), "should be a single number"),
    (1j, "should be a single number"),
    ("x" * 10_000_000, "should be a single number"),
    ([0.5], "should be a single number"),
], ids=["huge-int", "1x1", "array", "complex", "text", "list"])
def test_numbers_outside_the_contract(got: object, words: str) -> None:
    text = failure(got, 0.0)
    assert words in text and len(text) < 1000


def test_dicts_must_have_exactly_the_keys_and_are_read_to_the_templates_depth_only() -> None:
    template = {"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1))}
    many = {**template, **{f"k{i}": i for i in range(5000)}}
    text = failure(many, template, "parameters")
    assert "['k0', 'k1', 'k2', 'k3', 'k4', 'k5'] and 4994 more" in text and len(text) < 500
    deep: dict = {"W1": np.zeros((2, 3))}
    for _ in range(30):
        deep = {"b1": deep, "W1": np.zeros((2, 3))}
    assert 'parameters["b1"] should be a numpy array of shape (2, 1); received dict' in failure(deep, template,
                                                                                              "parameters")
    assert "is missing the key(s) ['b1']" in failure({"W1": np.zeros((2, 3))}, template, "parameters")
    good = {"b1": np.ones((2, 1), dtype=np.float16), "W1": np.ones((2, 3), dtype=bool)}
    assert expect_like(good, template, name="parameters").keys() == template.keys()
    assert expect_like((np.int64(3), np.array(2.5)), (0, 0.0), name="sizes") == (3.0, 2.5)


@pytest.mark.parametrize("value", [[0.0] * 1_000_000, {str(i): i for i in range(100_000)}, "x" * 10_000_000,
                                   [np.zeros((50, 50))] * 100_000, b"\0" * 1_000_000],
                         ids=["list", "dict", "text", "arrays-in-list", "bytes"])
def test_show_is_bounded_before_it_is_built(value: object) -> None:
    """Feedback shows a learner's value in a few hundred characters, without first building its whole repr
    (megabytes for a list of a million floats)."""
    tracemalloc.start()
    try:
        text = show(value)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) <= 203 and peak < 64 * 1024, (len(text), peak)


def test_trusted_code_raising_on_a_learner_value_fails_the_check_with_its_type_only() -> None:
    with pytest.raises(CheckFailure) as info:
        with computing_with('d["w"]'):
            np.dot(np.zeros((1, 7)), np.zeros((6, 40)))
    assert str(info.value).startswith('d["w"] could not be used to go on with this check (ValueError')
    assert "not aligned" not in str(info.value)
