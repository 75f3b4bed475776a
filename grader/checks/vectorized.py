"""Vectorization advice: a Python loop in the source, confirmed by timing on a large input."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks.compare import fail
from grader.checks.diagnose import find_example_loop, known
from grader.checks.learner import LearnerFunction
from grader.messages import say


def reference_seconds(function: Callable[..., Any], args: tuple[Any, ...], repeat: int = 3) -> float:
    """Mean wall time of ``function(*args)`` in the trusted process."""
    return _reference_timed(function, args, repeat)[0]


def _reference_timed(function: Callable[..., Any], args: tuple[Any, ...], repeat: int = 3) -> tuple[float, Any]:
    start = time.perf_counter()
    for _ in range(repeat):
        result = function(*args)
    return (time.perf_counter() - start) / repeat, result


def _agrees(got: Any, want: Any) -> bool:
    """Whether the learner's result on the timing problem is the reference's, in its main part: the
    first of several returned values (caches and other extras differ between correct solutions), every
    entry of a returned dict the reference has.  Only then is the measured time believed."""
    try:
        if isinstance(want, (tuple, list)) and want:
            return isinstance(got, (tuple, list)) and len(got) >= 1 and _agrees(got[0], want[0])
        if isinstance(want, dict):
            return isinstance(got, dict) and all(key in got and _agrees(got[key], value) for key, value in want.items())
        if isinstance(want, np.ndarray) or isinstance(got, np.ndarray):
            got_array, want_array = np.asarray(got), np.asarray(want)
            return (got_array.shape == want_array.shape and got_array.dtype.kind in "biuf"
                    and bool(np.allclose(got_array, want_array, rtol=1e-4, atol=1e-6, equal_nan=True)))
        if want is None:
            return got is None
        if got is None or isinstance(got, (str, bytes, list, tuple, dict)):
            return False
        return math.isclose(float(got), float(want), rel_tol=1e-4, abs_tol=1e-6)
    except (TypeError, ValueError, OverflowError):
        return False


def expect_vectorized(learner_fn: LearnerFunction, reference_fn: Callable[..., Any],
                      args: tuple[Any, ...] | Callable[[], tuple[Any, ...]], *, m: int, max_ratio: float = 10.0,
                      repeat: int = 4, quick_args: tuple[Any, ...] | None = None) -> str:
    """Fail when the learner's function loops in Python AND runs ``max_ratio`` times slower.

    Both are needed: a loop over a few keys is harmless, and timing alone is noisy.
    ``args`` is the large problem (m examples) to time on, or a function building it:
    only source with a loop is timed, so the problem is built and shipped to the sandbox
    only then.  Source without a loop is called once, on ``quick_args`` when given (a
    small problem), and not timed: it must run.  Otherwise one
    timed call decides clear cases (fast, or 3x past the line); near the line the learner's
    function is timed again ``repeat`` times per round trip to the sandbox (spreading the
    trip's cost): a busy machine must not fail vectorized code.  Returns a short note.
    """
    loop = find_example_loop(learner_fn.source)
    if loop is None:  # one call (it must exist and run), nothing to time: no Python loop at all
        learner_fn.seconds(*(quick_args if quick_args is not None else _built(args)), repeat=1)
        return say("vector.no_loop", function=learner_fn.graded)
    args = _built(args)
    reference_s, want = _reference_timed(reference_fn, args)
    reference_s = max(reference_s, 1e-6)
    learner_s = _believed_seconds(learner_fn, args, want, 1, m)
    if max_ratio < learner_s / reference_s < 3 * max_ratio:  # near the line: measure carefully before failing
        learner_s = min(learner_s, _believed_seconds(learner_fn, args, want, repeat, m))
        reference_s = max(min(reference_s, reference_seconds(reference_fn, args)), 1e-6)
    ratio = learner_s / reference_s
    if ratio > max_ratio:
        line, text = loop
        first = learner_fn.located.first_line if learner_fn.located else 1
        fail(known("vector.slow", function=learner_fn.graded, line=first + line - 1, loop=text, m=m,
                 learner_ms=learner_s * 1e3, ratio=ratio, reference_ms=reference_s * 1e3))
    return say("vector.ok", function=learner_fn.graded, learner_ms=learner_s * 1e3, m=m)


def _believed_seconds(learner_fn: LearnerFunction, args: tuple[Any, ...], want: Any, repeat: int, m: int) -> float:
    """The learner's time per call, believed only with a right result: a reply written into the
    pipe before the work was done cannot carry the answer for inputs it has just been sent."""
    seconds, got = learner_fn.timed(*args, repeat=repeat)
    if not _agrees(got, want):
        fail(say("vector.wrong_result", function=learner_fn.graded, m=m))
    return seconds


def _built(args: tuple[Any, ...] | Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    return args() if callable(args) else args
