"""Numeric gradient checking for the week-6 notebooks (provided, not graded).

``grad_check_sparse`` compares an analytic gradient with centred differences at a few
random entries and prints the relative error of each: below 1e-7 is excellent, up to
1e-5 is fine for a smooth loss, up to ~1e-3 can happen near the kinks of the hinge
loss (max(0, .)), and above 1e-2 the gradient is almost certainly wrong.
"""

from __future__ import annotations

import numpy as np


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0):
    """Print the relative error of analytic_grad at num_checks random entries of x.

    f -- a function of x returning a scalar loss
    x -- the point (an array, perturbed in place one entry at a time and restored)
    analytic_grad -- your gradient of f at x, an array of x's shape
    """
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(m)) for m in x.shape)
        old = x[ix]
        x[ix] = old + h
        plus = f(x)
        x[ix] = old - h
        minus = f(x)
        x[ix] = old
        numeric = (plus - minus) / (2 * h)
        analytic = analytic_grad[ix]
        error = abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-12)
        worst = max(worst, error)
        print("numerical: %f analytic: %f, relative error: %e" % (numeric, analytic, error))
    return worst
