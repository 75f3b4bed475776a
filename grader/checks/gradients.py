"""Numeric gradient checking (CS231n lecture 4): centred differences and relative error.

``numeric_gradient`` runs in the trusted process, on the reference's forward
function; ``expect_gradient`` compares a learner's analytic gradient with it and
names the parameter and the worst index when they disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks.compare import expect_shape, fail, show
from grader.checks.context import expected_values_shown
from grader.checks.diagnose import diagnose_values
from grader.messages import say

# Relative-error thresholds of the lecture notes: < 1e-7 great, < 1e-5 fine for smooth
# functions, up to 1e-3 acceptable with kinks (ReLU, max, hinge), above 1e-2 wrong.
DEFAULT_THRESHOLD = 1e-5
KINKED_THRESHOLD = 1e-3


def numeric_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, upstream: np.ndarray | None = None,
                     h: float = 1e-5) -> np.ndarray:
    """dL/dx by centred differences, where L = f(x) (a scalar) or L = sum(f(x) * upstream).

    ``x`` is perturbed in place one entry at a time and restored; returns an array
    shaped like ``x``.
    """
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        index = it.multi_index
        old = x[index]
        x[index] = old + h
        plus = _scalar_loss(f(x), upstream)
        x[index] = old - h
        minus = _scalar_loss(f(x), upstream)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
        it.iternext()
    return grad


def _scalar_loss(value: Any, upstream: np.ndarray | None) -> float:
    if upstream is None:
        return float(value)
    return float(np.sum(np.asarray(value) * upstream))


ABSOLUTE_FLOOR = 1e-8  # below this absolute difference, finite differences cannot tell values apart


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """|a - n| / max(|a| + |n|, 1e-8), element-wise; 0 where |a - n| is below ABSOLUTE_FLOOR.

    Without the floor, an entry that is ~0 in both (1e-10 vs 3e-10) would count as 50% wrong.
    """
    difference = np.abs(analytic - numeric)
    error = difference / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
    return np.where(difference < ABSOLUTE_FLOOR, 0.0, error)


def expect_gradient(got: Any, numeric: np.ndarray, *, name: str, threshold: float = DEFAULT_THRESHOLD,
                    mistakes: dict[str, Any] | None = None, want: np.ndarray | None = None,
                    m: int | None = None, diagnose: bool = True) -> float:
    """``got`` (the learner's analytic gradient) must match ``numeric`` within ``threshold``.

    Returns the largest relative error (for a passing check's note); fails with the
    parameter name, the worst index, both values there and the thresholds used, then
    the diagnoses of ``diagnose_values`` against ``want`` (the reference's analytic
    gradient; default ``numeric``): known ``mistakes``, a sign, a factor m...  In a hidden
    check the centred-difference value (the expected one) is not shown. ``diagnose=False``: the mismatch
    only (a caller that diagnoses against a better value).
    """
    numeric = np.asarray(numeric, dtype=float)
    expect_shape(got, numeric.shape, name=name, _want=numeric)
    errors = relative_error(np.asarray(got, dtype=float), numeric)
    if not np.all(np.isfinite(errors)):
        errors = np.where(np.isfinite(errors), errors, np.inf)
    worst = float(np.max(errors)) if errors.size else 0.0
    if worst > threshold:
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(errors)), errors.shape))
        analytic = show(float(got[index]))
        shown = dict(name=name, error=worst, threshold=threshold, index=index, analytic=analytic,
                     bad=int(np.sum(errors > threshold)), size=errors.size)
        mismatch = (say("gradient.mismatch", numeric=show(float(numeric[index])), **shown)
                    if expected_values_shown() else say("gradient.mismatch_hidden", **shown))
        fail(mismatch, *(diagnose_values(np.asarray(got, dtype=float),
                                         numeric if want is None else np.asarray(want, dtype=float),
                                         m=m, mistakes=mistakes) if diagnose else ()))
    return worst
