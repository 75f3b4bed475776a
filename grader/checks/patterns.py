"""Checks that several exercises repeat, written once.

- ``expect_bias``: a bias (or a bias gradient) must be a column ``(n, 1)``; a single number, a
  square ``(n, n)`` array or a rank-1 ``(n,)`` array each gets its diagnosis.
- ``expect_dict_unchanged``: the caller's dictionary of arrays (a parameters dict) is left as it was.
- ``random_parameters``: a random parameters dict ``W1, b1, ..., WL, bL`` for given layer sizes.
- ``accuracy``: the percentage of predictions equal to the labels.
- ``expect_random_init``: weights drawn at a given scale (0.01, He, Xavier), judged by statistics.
- ``expect_gradient_diagnosed``: a numeric gradient check that names the mistake (by value, or by a
  known wrong shape: ``known_shape``).

Their sentences are the grader's (grader/messages/patterns.py); what differs from one exercise to
the next (how the right value is built, the advice for an in-place update) is an argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.checks.compare import CheckFailure, expect_array, fail, show
from grader.checks.context import mistake
from grader.checks.diagnose import diagnose_values
from grader.checks.gradients import DEFAULT_THRESHOLD, expect_gradient
from grader.messages import say

# {a wrong shape: (id of the diagnosis, its fields)}: the mistakes that give a value of a known wrong
# shape; the diagnosis is filled with these fields and got_shape, want_shape.
ShapeHints = dict[tuple[int, ...], tuple[str, dict[str, Any]]]


def expect_gradient_diagnosed(got: Any, numeric: np.ndarray, *, name: str, want: np.ndarray | None = None,
                              m: int | None = None, mistakes: dict[str, Any] | None = None,
                              shape_hints: ShapeHints | None = None, threshold: float = DEFAULT_THRESHOLD) -> float:
    """A numeric gradient check (``expect_gradient``) whose failure names the mistake.

    ``numeric`` (centred differences of the reference) decides. A value of one of the wrong shapes of
    ``shape_hints`` fails with that diagnosis first. When the values are wrong, the known ``mistakes``
    (diagnosis -> the value it gives) and the grader's own diagnoses (a sign, a factor ``m``...) are
    looked for against ``want``, the reference's exact analytic value, when given (after those the
    check finds against the numeric estimate), else against ``numeric``. Returns the largest relative
    error.
    """
    numeric = np.asarray(numeric, dtype=float)
    known_shape(got, numeric.shape, name=name, shape_hints=shape_hints)
    if want is None:
        return expect_gradient(got, numeric, name=name, threshold=threshold, mistakes=mistakes, m=m)
    try:
        return expect_gradient(got, numeric, name=name, threshold=threshold, diagnose=False)
    except CheckFailure as failure:
        hints: list[str] = []
        if type(got) is np.ndarray and got.shape == want.shape and got.dtype.kind in "biuf":
            hints = diagnose_values(got.astype(float), want, m=m, mistakes=mistakes)
        fail(str(failure), *hints)
        raise AssertionError from None  # unreachable: fail() raises


def known_shape(got: Any, want_shape: tuple[int, ...], *, name: str, shape_hints: ShapeHints | None) -> None:
    """Fail with the diagnosis of ``shape_hints`` when ``got`` (an array or a number: shape ()) has one of
    its wrong shapes; return otherwise."""
    if not shape_hints or not isinstance(got, (np.ndarray, np.generic, int, float)) or isinstance(got, bool):
        return
    shape = tuple(np.shape(got))
    hint = shape_hints.get(shape) if shape != tuple(want_shape) else None
    if hint:
        message_id, fields = hint
        fail(say("shape.mismatch", name=name, want_shape=tuple(want_shape), got_shape=shape),
             mistake(message_id, got_shape=shape, want_shape=tuple(want_shape), **fields))


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


# Known initializations other than the one asked for: (name, its scale for a fan-in n), in the order
# their diagnoses are preferred when two fit as well.
_INITIALIZATIONS: list[tuple[str, Any]] = [
    ("no_factor", lambda n: 1.0),
    ("xavier", lambda n: 1.0 / np.sqrt(n)),
    ("he", lambda n: np.sqrt(2.0 / n)),
    ("tenth", lambda n: 0.1),
    ("hundredth", lambda n: 0.01),
]


def expect_random_init(W: Any, *, name: str, fan_in: int, scale: float | str = 0.01) -> None:
    """Weights ``W`` (an array of the right shape) must look like ``np.random.randn(...) * scale``:
    centred, spread at the asked scale, never all zeros, constant or all positive.

    scale: a number, "he" (np.sqrt(2 / fan_in)) or "xavier" (np.sqrt(1 / fan_in)); ``fan_in`` is
    n_{l-1}, the size of the layer before. Tolerances scale with the number of entries N (the sample
    std has a relative spread of ~1/sqrt(2N)), so a learner who seeds inside the function passes
    whatever the seed; fewer than 30 entries are only checked for size (|W| < 6 x scale). A wrong
    scale close to a known one (no factor, 1/sqrt(n), He, 0.1, 0.01) is named.
    """
    target, factor = _init_scale(scale, fan_in)
    words = dict(formula=f"np.random.randn(n_l, n_{{l-1}}) * {factor}", draw=f"randn * {factor}",
                 short=f"np.random.randn(...) * {factor}", asks=f"* {factor}", factor=factor, fan_in="n_{l-1}")
    values = np.asarray(W, dtype=float).ravel()
    N = values.size
    if not np.any(values):
        fail(say("init.zeros", name=name), mistake("init.zeros_hint", **words))
    if N > 1 and np.ptp(values) == 0:
        fail(say("init.constant", name=name, value=show(float(values[0]))), mistake("init.constant_hint", **words))
    if N >= 30 and np.all(values >= 0):  # 2**-30: never by chance with randn
        fail(say("init.nonnegative", name=name, smallest=show(float(values.min()))),
             mistake("init.nonnegative_hint", **words))
    std = float(np.std(values)) if N > 1 else float(abs(values[0]))
    if N < 30:
        if np.max(np.abs(values)) <= 6 * target:
            return
        spread = 3.0
        found = say("init.too_large", name=name, largest=np.max(np.abs(values)), bound=3 * target, **words)
    else:
        spread = 6.0 / np.sqrt(2.0 * N)
        if abs(np.log(std / target)) <= spread:
            mean_bound = 6.0 * target / np.sqrt(N)
            if abs(float(np.mean(values))) > mean_bound:
                fail(say("init.shifted", name=name, mean=np.mean(values), bound=mean_bound, count=N, **words),
                     mistake("init.shifted_hint", **words))
            return
        found = say("init.spread", name=name, std=std, target=target, **words)
    candidates = [(known(fan_in), mistake(f"init.{known_name}", **words)) for known_name, known in _INITIALIZATIONS
                  if not np.isclose(known(fan_in), target)]
    # the closest candidate scale, if it is plausible at all
    distance, diagnosis = min((abs(np.log(std / known)), text) for known, text in candidates)
    fail(found, diagnosis if distance <= spread else say("init.use", **words))


def _init_scale(scale: float | str, fan_in: int) -> tuple[float, str]:
    """(the standard deviation asked for, the factor as the course writes it)."""
    if scale == "he":
        return float(np.sqrt(2.0 / fan_in)), "np.sqrt(2 / n_{l-1})"
    if scale == "xavier":
        return float(np.sqrt(1.0 / fan_in)), "np.sqrt(1 / n_{l-1})"
    return float(scale), f"{float(scale):g}"


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
