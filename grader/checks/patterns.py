"""Checks that several exercises repeat, written once.

- ``expect_bias``: a bias (or a bias gradient) must be a column ``(n, 1)``; a single number, a
  square ``(n, n)`` array or a rank-1 ``(n,)`` array each gets its diagnosis.
- ``expect_dict_unchanged``: the caller's dictionary of arrays (a parameters dict) is left as it was.
- ``random_parameters``: a random parameters dict ``W1, b1, ..., WL, bL`` for given layer sizes.
- ``accuracy``: the percentage of predictions equal to the labels.
- ``expect_random_init`` (grader.checks.init_stats): weights drawn at a given scale, by statistics.
- ``expect_gradient_diagnosed`` (grader.checks.gradients): a gradient check that names the mistake.

Their sentences are the grader's (grader/messages/patterns.py); what differs from one exercise to
the next (how the right value is built, the advice for an in-place update) is an argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.checks.compare import expect_array, fail, show
from grader.checks.context import mistake
from grader.messages import say


def expect_bias(got: Any, want: np.ndarray, *, name: str, what: str, m: int | None = None,
                mistakes: dict[str, Any] | None = None) -> None:
    """A bias (or bias gradient) column of shape (n, 1), with diagnoses for the classic shape bugs, then
    ``expect_array`` (``m``, ``mistakes``).

    what: how the right value is built, e.g. "np.zeros((n_y, 1))" or
    "db1 = np.sum(dZ1, axis=1, keepdims=True) / m"; ``name`` up to a " (" is the bias' short name.
    """
    n = want.shape[0]
    short = name.split(" (")[0]
    if isinstance(got, (float, int, np.generic)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        fail(say("bias.single_number", name=name, got=show(got), want_shape=want.shape),
             mistake("bias.summed", short=short, what=what))
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape == (n, n) and n > 1:
        fail(say("shape.mismatch", name=name, want_shape=want.shape, got_shape=got.shape),
             mistake("bias.square", n=n, what=what))
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.size == n:
        fail(say("shape.mismatch", name=name, want_shape=want.shape, got_shape=got.shape),
             mistake("bias.rank1", what=what))
    expect_array(got, want, name=name, m=m, mistakes=mistakes)


def expect_dict_unchanged(before: dict[str, np.ndarray], after: Any, *, name: str, function: str,
                          advice: str) -> None:
    """The caller's dictionary of arrays ``before`` must hold the same arrays ``after`` the call.

    advice: the exercise's diagnosis of an in-place change (an id of its catalog, made with
    ``mistake(...)``, or a sentence). ``after`` that is not a dict is left to the other checks.
    """
    if not isinstance(after, dict):
        return
    for key, old in before.items():
        new = after.get(key)
        comparable = type(new) is np.ndarray and new.shape == old.shape and new.dtype.kind in "biuf"
        if comparable and np.array_equal(new, old):
            continue
        if comparable:
            index = tuple(int(i) for i in np.argwhere(new != old)[0])
            change = say("mutation.changed_at", arg=f"{name}[{key!r}]", index=list(index),
                         before=show(old[index].item()), after=show(new[index].item()))
        else:
            change = say("unchanged.replaced", arg=f"{name}[{key!r}]", after=show(new))
        fail(say("unchanged.dict_changed", function=function, name=name, change=change), mistake(advice))


def random_parameters(rng: np.random.Generator, dims: list[int], *, weights: float | str = "he",
                      biases: float = 0.3) -> dict[str, np.ndarray]:
    """``W1, b1, ..., WL, bL`` for layer sizes ``dims = [n_0, n_1, ..., n_L]``, drawn in that order:
    ``W{l}`` of shape ``(n_l, n_{l-1})`` from N(0, s) with s = ``weights``, or sqrt(2 / n_{l-1}) for
    "he"; ``b{l}`` ``(n_l, 1)`` from N(0, ``biases``) (non-zero, so that a forgotten bias shows)."""
    parameters = {}
    for l in range(1, len(dims)):
        scale = np.sqrt(2.0 / dims[l - 1]) if weights == "he" else float(weights)
        parameters[f"W{l}"] = rng.normal(0.0, scale, size=(dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.normal(0.0, biases, size=(dims[l], 1))
    return parameters


def accuracy(predictions: Any, Y: np.ndarray) -> float:
    """The percentage (0-100) of ``predictions`` equal to the labels ``Y``."""
    return float(100.0 * np.mean(np.asarray(predictions, dtype=float) == Y))
