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

A backward function is graded with the template's cache, then with the learner's own forward cache
(``expect_with_either_cache``, grader.checks.caches).

A learner's value handed to trusted code (the reference, a training loop) goes through
``expect_like`` first, and the hand-off runs inside ``computing_with`` (grader.checks.contract).
An exercise's own sentences live in the catalog next to its checks (``messages.en.toml``,
grader.checks.catalog): ``say("week4.caches.wrong_count", ...)`` for a sentence, and for a known
mistake ``mistake("week4.caches.output_missing")``, so that the class report counts it under its id
(grader.checks.context).
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
from grader.checks.caches import expect_with_either_cache, forward_cache
from grader.checks.catalog import use_catalog
from grader.checks.context import diagnosis, mistake
from grader.checks.context import record as record_diagnoses
from grader.checks.contract import computing_with, expect_like
from grader.checks.gradients import expect_gradient, numeric_gradient, relative_error
from grader.checks.marks import check
from grader.checks.vectorized import expect_vectorized
from grader.messages import say

__all__ = [
    "CheckFailure",
    "as_scalar",
    "check",
    "computing_with",
    "diagnosis",
    "expect_array",
    "expect_float",
    "expect_gradient",
    "expect_keys",
    "expect_len",
    "expect_like",
    "expect_raises",
    "expect_scalar",
    "expect_shape",
    "expect_tuple",
    "expect_unchanged",
    "expect_vectorized",
    "expect_with_either_cache",
    "fail",
    "forward_cache",
    "mistake",
    "numeric_gradient",
    "record_diagnoses",
    "relative_error",
    "say",
    "show",
    "use_catalog",
]
