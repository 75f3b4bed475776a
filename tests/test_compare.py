"""Wording and logic of the comparison helpers: the messages are part of the interface."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader.checks import (
    CheckFailure,
    expect_array,
    expect_float,
    expect_keys,
    expect_len,
    expect_scalar,
    expect_shape,
    expect_tuple,
    expect_unchanged,
)
from grader.checks.diagnose import diagnose_exception, find_example_loop
from grader.messages import EN, fields_of, say


def message(call, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        call(*args, **kwargs)
    return str(info.value)


WANT = np.array([[1.0], [2.0], [3.0]])


def test_right_values_pass_quietly():
    expect_array(WANT + 1e-9, WANT, name="dw")
    expect_scalar(np.float64(0.5), 0.5, name="cost")
    expect_scalar(np.array(0.5), 0.5, name="cost")  # 0-d arrays are scalars
    expect_scalar(1, 1.0, name="n")


def test_rank1_message():
    text = message(expect_array, np.array([1.0, 2.0, 3.0]), WANT, name="dw")
    assert text.splitlines()[0] == "dw has the wrong shape."
    assert "expected: shape (3, 1)" in text and "received: shape (3,)" in text
    assert "Likely mistake: a rank-1 array" in text and ".reshape(-1, 1)" in text


def test_transpose_message_says_values_are_right():
    text = message(expect_array, WANT.T, WANT, name="dw")
    assert "Likely mistake: a transpose" in text and "right once transposed" in text
    text = message(expect_array, WANT.T * 2, WANT, name="dw")
    assert "Likely mistake: a transpose" in text and "right once transposed" not in text


def test_broadcast_to_m_by_m():
    text = message(expect_array, np.zeros((5, 5)), np.zeros((1, 5)), name="A")
    assert "accidental broadcast" in text and "(5, 5)" in text


@pytest.mark.parametrize("got, words", [
    (-WANT, "a sign error"),
    (WANT * 4, "a missing 1/m"),
    (WANT / 4, "divided by m twice"),
    (WANT * 2.5, "2.5 times the expected ones"),
])
def test_value_diagnoses(got, words):
    assert words in message(expect_array, got, WANT, name="dw", m=4)


def test_floor_division():
    want = np.array([0.25, 1.5, -0.5])
    assert "integer (floor) division" in message(expect_array, np.floor(want), want, name="db")


def test_known_mistake_wins_and_is_computed_only_when_needed():
    calls = []

    def costly():
        calls.append(1)
        return WANT + 10

    expect_array(WANT, WANT, name="w", mistakes={"you added ten": costly})
    assert calls == []
    assert "you added ten" in message(expect_array, WANT + 10, WANT, name="w", mistakes={"you added ten": costly})
    assert calls == [1]


def test_nonfinite_with_fix():
    got = np.array([[np.nan], [1.0], [np.inf]])
    text = message(expect_array, got, WANT, name="s", nonfinite_fix="subtract the max.")
    assert "s contains NaN and inf (2 of 3 values)" in text and "subtract the max." in text


@pytest.mark.parametrize("got, words", [
    (None, "placeholder `None`"),
    ([1.0, 2.0, 3.0], "is a Python list"),
    (np.arange(3.0).reshape(3, 1).view(type("Sub", (np.ndarray,), {})), "expected a plain numpy ndarray"),
    (np.array([["a"], ["b"], ["c"]]), "dtype <U1"),
    (3.0, "should be a numpy array of shape (3, 1)"),
])
def test_not_an_array(got, words):
    assert words in message(expect_array, got, WANT, name="dw")


def test_integer_dtype_is_reported_when_asked():
    expect_array(np.zeros((2, 1), dtype=int), np.zeros((2, 1)), name="w")
    assert "integer dtype int64" in message(expect_array, np.zeros((2, 1), dtype=np.int64), np.zeros((2, 1)),
                                            name="w", float_dtype=True)


@pytest.mark.parametrize("got, words", [
    (np.array([[0.5]]), "an array of shape (1, 1), expected a scalar"),
    (np.array([0.1, 0.2]), "not added up into one number"),
    ("0.5", "should be a single number"),
    (None, "placeholder `None`"),
])
def test_scalar_shapes(got, words):
    assert words in message(expect_scalar, got, 0.5, name="cost")


def test_float_required():
    expect_float(0.0, name="b")
    expect_float(np.float64(0.0), name="b")
    assert "Write 0.0 rather than 0" in message(expect_float, 0, name="b")


def test_structure_helpers():
    assert "missing the key(s) ['db']" in message(expect_keys, {"dw": 1}, ["dw", "db"], name="grads")
    assert "should return 2 values (grads, cost); received 3" in message(
        expect_tuple, (1, 2, 3), ["grads", "cost"], function="propagate")
    assert "costs has 5 entries, expected 3" in message(expect_len, [1] * 5, 3, name="costs")
    expect_shape(np.zeros((2, 3)), (2, 3), name="A")


def test_unchanged_names_the_first_changed_entry():
    before = np.arange(6.0).reshape(2, 3)
    after = before.copy()
    after[1, 2] = -1.0
    text = message(expect_unchanged, [before], [after], ["x"], function="normalize_rows")
    assert "normalize_rows modified its input x in place: x[1, 2] was 5 before the call and -1 after it" in text


def test_exception_hints():
    assert "use np.exp" in diagnose_exception(
        "TypeError", "only 0-dimensional arrays can be converted to Python scalars", "return math.exp(-x)", "f")[0]
    assert "keepdims=True" in diagnose_exception(
        "ValueError", "operands could not be broadcast together with shapes (3,4) (3,)",
        "s = np.sum(e, axis=1)\nreturn e / s", "softmax")[0]
    assert "keepdims=True" not in diagnose_exception(
        "ValueError", "operands could not be broadcast together with shapes (3,4) (4,5)",
        "s = np.sum(e, axis=1, keepdims=True)", "softmax")[0]
    assert "'learning_rate'" in diagnose_exception("NameError", "name 'learning_rate' is not defined", "", "f")[0]


def test_loop_finder():
    assert find_example_loop("def f(X):\n    for i in range(X.shape[1]):\n        pass\n") == (2, "for i in range(X.shape[1]):")
    assert find_example_loop("def f(X):\n    return X.sum()\n") is None


def test_every_message_formats_with_its_fields():
    for message_id in EN:
        text = say(message_id, **{field: 7 for field in fields_of(message_id)})
        # No field is left unfilled (a literal brace, written {{ in a template, may remain: a JSON example).
        assert text and not re.search(r"\{[A-Za-z_][A-Za-z0-9_.!:]*\}", text), message_id


def test_numeric_gradient_matches_calculus():
    from grader.checks import numeric_gradient

    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert np.allclose(numeric_gradient(lambda v: np.sum(v ** 3), x), 3 * x ** 2, atol=1e-6)
    upstream = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.allclose(numeric_gradient(np.tanh, x, upstream), (1 - np.tanh(x) ** 2) * upstream, atol=1e-6)
    assert np.array_equal(x, [[0.5, -1.0], [2.0, 0.1]])  # restored after perturbation


def test_gradient_check_names_parameter_and_worst_index():
    from grader.checks import expect_gradient

    numeric = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert expect_gradient(numeric + 1e-9, numeric, name="dW") < 1e-5
    wrong = numeric.copy()
    wrong[1, 0] = -3.0
    text = message(expect_gradient, wrong, numeric, name="dW")
    assert text.startswith("dW fails the numeric gradient check: relative error 1 (threshold 1e-05")
    assert "1 of 4 entries are off; the worst is at index (1, 0): your analytic gradient -3" in text
    assert "wrong shape" in message(expect_gradient, numeric.T[:1], numeric, name="dW")


def test_expect_raises_wording():
    from grader.checks import expect_raises
    from grader.checks.learner import LearnerFault

    class Fake:
        def __init__(self, behaviour):
            self.behaviour = behaviour

        def __call__(self, *args):
            return self.behaviour(*args)

    def raising(kind, text):
        def behaviour(*args):
            raise LearnerFault("feedback", kind, text)
        return behaviour

    rule = "(W - F + 2P)/S + 1 must be a whole number."
    assert expect_raises(Fake(raising("ValueError", "does not fit")), (5, 2, 0, 2), "ValueError",
                         call_text="conv_output_size(5, 2, 0, 2)", why=rule) == "does not fit"
    text = message(expect_raises, Fake(lambda *a: 2.5), (5, 2, 0, 2), "ValueError",
                   call_text="conv_output_size(5, 2, 0, 2)", why=rule)
    assert text == f"conv_output_size(5, 2, 0, 2) returned 2.5; it should raise ValueError. {rule}"
    text = message(expect_raises, Fake(raising("AssertionError", "bad")), (5, 2, 0, 2), "ValueError",
                   call_text="f()", why="")
    assert "raised AssertionError: bad; it should raise ValueError." in text and "an assert raises" in text
    with pytest.raises(LearnerFault):  # a timeout (no exception of the learner's) keeps its own feedback
        expect_raises(Fake(raising("", "")), (), "ValueError", call_text="f()")
    # A learner exception merely named Timeout is an exception like any other, not a timeout.
    text = message(expect_raises, Fake(raising("Timeout", "slow")), (), "ValueError", call_text="f()")
    assert "raised Timeout: slow; it should raise ValueError." in text


def test_expect_len_on_a_list_of_caches():
    caches = [(np.zeros((2, 3)), np.zeros(4)), (np.zeros(1), np.zeros((5, 5)))]
    expect_len(caches, 2, name="caches")
    assert "caches has 2 entries, expected 3" in message(expect_len, caches, 3, name="caches")


def test_unchanged_looks_inside_parameter_dicts():
    before = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    after = {"W1": np.ones((2, 3)), "b1": np.array([[0.0], [-0.5]])}
    expect_unchanged([before], [{k: v.copy() for k, v in before.items()}], ["parameters"], function="update")
    text = message(expect_unchanged, [before], [after], ["parameters"], function="update_parameters")
    assert "parameters['b1'][1, 0] was 0 before the call and -0.5 after it" in text


def test_gradient_check_ignores_differences_below_the_absolute_floor():
    from grader.checks import expect_gradient

    numeric = np.array([1.0, 2e-10, -3.0])
    assert expect_gradient(np.array([1.0, 7e-10, -3.0]), numeric, name="db") == 0.0


def test_plain_assert_message_without_pytest_rewriting():
    from grader.checks.runner import _status_and_message

    error = AssertionError("model reached 40% accuracy\nassert (40.0 >= 75)")
    assert _status_and_message(error) == ("failed", "model reached 40% accuracy")


def test_gradient_check_names_a_known_mistake_and_a_missing_1_over_m():
    from grader.checks import expect_gradient

    numeric = np.array([[0.5, -1.0], [2.0, 0.25]])
    text = message(expect_gradient, numeric * 4, numeric, name="dW1", m=4)
    assert "fails the numeric gradient check" in text and "a missing 1/m" in text
    text = message(expect_gradient, numeric + 1, numeric, name="dW1", mistakes={"you added one": numeric + 1})
    assert text.splitlines()[-1] == "you added one"
