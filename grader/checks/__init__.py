"""What instructors use to write checks: the ``@check`` marker and the comparison helpers.

A check is a pytest function receiving the fixtures ``learner`` (graded functions
running in the sandbox), ``reference`` (the reference solution, in-process), ``rng``
(a numpy Generator seeded per submission and per check), ``seed`` and ``shared``
(values several checks use, computed once per learner: see grader.checks.shared)::

    @check("propagate", points=2)
    def test_propagate_gradients(learner, reference, rng):
        w, b, X, Y = logistic_problem(rng, n_x=3, m=7)
        grads, cost = expect_tuple(learner.propagate(w, b, X, Y), ["grads", "cost"], function="propagate")
        want, _ = reference.propagate(w, b, X, Y)
        expect_array(grads["dw"], want["dw"], name='grads["dw"]', m=7)
"""

from __future__ import annotations

from grader.checks.compare import (
    CheckFailure,
    as_scalar,
    expect_array,
    expect_float,
    expect_keys,
    expect_len,
    expect_raises,
    expect_scalar,
    expect_shape,
    expect_tuple,
    expect_unchanged,
    fail,
    show,
)
from grader.checks.gradients import expect_gradient, numeric_gradient, relative_error
from grader.checks.marks import check
from grader.checks.vectorized import expect_vectorized

__all__ = [
    "CheckFailure",
    "as_scalar",
    "check",
    "expect_array",
    "expect_float",
    "expect_gradient",
    "expect_keys",
    "expect_len",
    "expect_raises",
    "expect_scalar",
    "expect_shape",
    "expect_tuple",
    "expect_unchanged",
    "expect_vectorized",
    "fail",
    "numeric_gradient",
    "relative_error",
    "show",
]
