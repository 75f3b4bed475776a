"""A factor is claimed only when the checks that saw one agree, and named when it is a size of the problem
(grader/checks/factors.py, grader/checks/diagnose.py); the reference's sub-expressions (grader/checks/steps.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.checks.context import CheckContext, LastCall, enter, leave
from grader.checks.diagnose import diagnose_values, factor_words, problem_sizes
from grader.checks.factors import settle_factors
from grader.checks.steps import steps
from grader.grading import grade_submission

ROOT = Path(__file__).resolve().parent.parent


class _Function:
    graded = "linear_backward"
    parameters = ["dZ", "cache"]


def _sizes_of(*args):
    return problem_sizes(LastCall(_Function(), args, {}, None))


def test_sizes_are_read_from_the_learner_call_with_its_own_names():
    sizes = _sizes_of(np.ones((3, 4)), (np.ones((5, 4)), np.ones((3, 5)), np.ones((3, 1))))
    assert sizes[4] == "dZ.shape[1] = cache[0].shape[1]"
    assert sizes[5] == "cache[0].shape[0] = cache[1].shape[1]"
    assert sizes[3].startswith("dZ.shape[0]") and 1 not in sizes


def test_a_factor_is_named_as_a_size_as_two_or_as_a_ratio_of_two_sizes():
    sizes = {4: "dZ.shape[1]", 3: "cache[0].shape[0]"}
    assert factor_words(0.25, sizes).diagnosis == "values.factor_size"
    assert factor_words(2.0, sizes).diagnosis == "values.factor_two"
    ratio = factor_words(4 / 3, sizes)
    assert ratio.diagnosis == "values.factor_ratio" and "division by 3 where 4 belongs" in ratio
    assert factor_words(1.7, sizes).diagnosis == "values.factor"


def _claim(factor, sizes):
    return factor_words(factor, sizes), factor


def test_checks_that_saw_the_same_ratio_of_their_own_sizes_agree_on_it():
    # 2 = 12/6 reads as "a factor of 2" alone; with the other checks' 4/3 and 10/4 it is the same ratio.
    claims = [_claim(4 / 3, {4: "dA.shape[1]", 3: "W.shape[1]"}), _claim(2.0, {12: "dA.shape[1]", 6: "W.shape[1]"}),
              _claim(2.5, {10: "dA.shape[1]", 4: "W.shape[1]"})]
    assert claims[1][0].diagnosis == "values.factor_two"
    settled = settle_factors(claims)
    assert set(settled) == {1}  # only the claim that named it otherwise changes
    assert settled[1].diagnosis == "values.factor_ratio" and "division by 6 where 12 belongs" in settled[1]


def test_factors_that_differ_from_check_to_check_are_not_called_a_constant():
    claims = [_claim(1.7, {5: "X.shape[0]"}), _claim(2.9, {7: "X.shape[0]"})]
    settled = settle_factors(claims)
    assert {h.diagnosis for h in settled.values()} == {"values.factor_varies"}
    assert "1.7, 2.9" in settled[0] and "no single constant" in settled[0]


def test_the_same_factor_everywhere_or_one_claim_stands():
    assert settle_factors([_claim(1.7, {}), _claim(1.7, {})]) == {}
    assert settle_factors([_claim(1.7, {})]) == {}


def test_a_missing_one_over_m_with_its_own_m_in_each_check_stands():
    context = CheckContext()
    token = enter(context)
    try:
        want = np.arange(1.0, 7.0).reshape(2, 3)
        first = diagnose_values(want * 3, want, m=3)[0]
        second = diagnose_values(want * 5, want, m=5)[0]
    finally:
        leave(token)
    assert first.diagnosis == second.diagnosis == "values.factor_m"
    assert settle_factors([(first, 3.0), (second, 5.0)]) == {}


def test_graded_checks_of_one_function_name_one_ratio():
    report = grade_submission(ROOT / "exercises" / "week4", [ROOT / "tests/fixtures/week4/unseen/dW_divided_by_n_prev.py"],
                              seed=1234)
    said = [c for c in report.checks if c.function == "linear_activation_backward" and c.status == "failed"]
    assert len(said) >= 2
    for check in said:
        assert [d.id for d in check.diagnoses] == ["values.factor_ratio"], check.message
        assert "dA.shape[1]" in check.message and "constant factor is off" not in check.message


def reference_in_one_line(X, positive, num_train, reg, W):
    dW = X.T.dot(positive) / num_train + 2 * reg * W
    return dW


def test_the_steps_of_a_reference_line_are_its_sub_expressions():
    rng = np.random.default_rng(0)
    X, positive, W = rng.normal(size=(5, 4)), rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    value, found = steps(reference_in_one_line, [X, positive, 5, 0.1, W], {})
    assert np.allclose(value, reference_in_one_line(X, positive, 5, 0.1, W))  # the reference's own answer too
    for expected in (X.T.dot(positive), X.T.dot(positive) / 5, 2 * 0.1 * W):
        assert any(v.shape == expected.shape and np.allclose(v, expected) for v in found)
    assert not any(v.ndim == 0 for v in found)  # numbers are no steps


def test_a_reference_it_cannot_rewrite_gives_no_steps():
    scale = 2.0

    def closure(x):
        return x * scale

    assert steps(closure, [np.ones(3)], {})[1] == []
    assert steps(len, [[1]], {}) == (1, [])  # called as it is


def test_a_shape_with_one_size_of_the_problem_for_another_names_both():
    from grader.checks.diagnose import diagnose_shape

    class Init:
        graded = "initialize_parameters_deep"
        parameters = ["layer_dims"]

    context = CheckContext()
    context.called(LastCall(Init(), ([5, 4, 3],), {}, None))
    token = enter(context)
    try:
        hints = diagnose_shape(np.zeros((5, 1)), np.zeros((4, 1)))
        unrelated = diagnose_shape(np.zeros((7, 1)), np.zeros((4, 1)))  # 7 is no size of this problem
    finally:
        leave(token)
    assert [h.diagnosis for h in hints] == ["shape.size_for_size"]
    assert "5 is layer_dims[0], and 4 is layer_dims[1]" in hints[0]
    assert [h.diagnosis for h in unrelated] == ["shape.extra_values"]


def test_an_axis_of_one_filled_with_another_array_s_size_says_where_that_size_comes_from():
    from grader.checks.diagnose import diagnose_shape

    class Velocity:
        graded = "initialize_velocity"
        parameters = ["parameters"]

    context = CheckContext()
    context.called(LastCall(Velocity(), ({"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1))},), {}, None))
    token = enter(context)
    try:
        hints = diagnose_shape(np.zeros((2, 3)), np.zeros((2, 1)))
    finally:
        leave(token)
    assert [h.diagnosis for h in hints] == ["shape.size_not_one"]
    assert "3 is parameters['W1'].shape[1]" in hints[0] and "broadcast two arrays" not in hints[0]
