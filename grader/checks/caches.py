"""Backward functions graded with the template's cache first, then with the learner's own.

The course's templates fix the layout of every cache (``linear_forward``'s ``(A, W, b)``, ``relu``'s ``Z``,
CS231n's ``(x, w, b, conv_param)``, week 3's dict of ``Z1, A1, Z2, A2``). A backward function is graded with
that layout first, independently of the learner's forward function; if it fails there, it is graded again
with the cache the learner's own forward function returns for the same inputs, so that a learner who
changed a cache consistently at both ends (a dict, ``(Z, A)``, the padded ``x``) keeps the points, as the
exercise READMEs promise::

    def judge(cache):
        dx = learner.relu_backward(dout, cache)
        expect_gradient(dx, numeric, name="dx")

    expect_with_either_cache(judge, x, lambda: forward_cache(learner.relu_forward(x), "relu_forward"),
                             forward="relu_forward", backward="relu_backward")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.checks.compare import CheckFailure, expect_tuple, fail
from grader.checks.learner import LearnerFault, LearnerTimeout
from grader.checks.state import fingerprint
from grader.messages import say


def forward_cache(result: Any, forward: str, names: tuple[str, str] = ("out", "cache")) -> Any:
    """The cache a forward function returned as the second of its two values (fails when it returned
    something else)."""
    return expect_tuple(result, list(names), function=forward)[1]


def expect_with_either_cache(judge: Callable[[Any], None], template_cache: Any, own_cache: Callable[[], Any], *,
                             forward: str, backward: str) -> None:
    """``judge(cache)`` (a learner call with that cache, and the verdict on its answer) with the template's
    cache; if it fails, once more with ``own_cache()``, the cache the learner's ``forward`` returns.

    Passes when either passes. Otherwise the feedback is the template cache's, unless the learner's
    ``backward`` raised there and got as far as a wrong answer with its own cache: that verdict is then
    the feedback, saying which cache it used. A timeout is not tried again, nor a learner's cache that
    is the template's.
    """
    try:
        judge(template_cache)
        return
    except LearnerTimeout:
        raise
    except (CheckFailure, LearnerFault) as failure:
        first = failure
    try:
        cache = own_cache()
    except (CheckFailure, LearnerFault):
        raise first from None
    if fingerprint(cache) == fingerprint(template_cache):
        raise first
    try:
        judge(cache)
    except LearnerTimeout:
        raise
    except CheckFailure as second:
        if isinstance(first, LearnerFault):
            fail(str(second), say("cache.own_used", forward=forward, backward=backward))
        raise first from None
    except LearnerFault:
        raise first from None
