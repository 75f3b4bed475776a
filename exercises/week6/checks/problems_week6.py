"""Inputs and known mistakes for the week-6 checks (CS231n linear classifiers).

Layout of CS231n assignment 1: W (D, C), X (N, D) with one example per row, y (N,)
integer labels in [0, C). The loss is averaged over N, the SVM margin is 1, and the
regularization is reg * np.sum(W * W) with gradient 2 * reg * W.

Random problems are never square (N, D and C all differ) and never of width 1.
The known-mistake builders return, for one input, the value each classic mistake
produces; checks pass them to ``expect_scalar`` / ``expect_array`` as ``mistakes=``.
Their sentences are in messages.en.toml, by id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks import (
    CheckFailure,
    expect_array,
    expect_gradient,
    expect_scalar,
    expect_tuple,
    fail,
    mistake,
    numeric_gradient,
    use_catalog,
)

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray, float], tuple[Any, Any]]

STABLE_SOFTMAX = mistake("week6.softmax.overflow")

# -- Fixed examples -------------------------------------------------------------

CLASSES = ("cat", "car", "frog")
# CS231n lecture 3: the scores of the cat, car and frog images for the classes cat, car, frog.
LECTURE_SCORES = np.array([
    [3.2, 5.1, -1.7],   # the cat image
    [1.3, 4.9, 2.0],    # the car image
    [2.2, 2.5, -3.1],   # the frog image
])


def lecture_example(images: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W (4, 3), X (images, 4), y (images,) with X @ W exactly LECTURE_SCORES[:images].

    Image i is the indicator of feature i, so its scores are row i of W with no
    rounding; the fourth row of W never reaches a score but is regularized.
    """
    W = np.vstack([LECTURE_SCORES, [[0.5, -0.25, 0.75]]])
    X = np.eye(3, 4)[:images]
    y = np.arange(images)
    return W, X, y


def small_example() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A fixed problem of 5 examples, 4 features (the last one a bias of 1s) and 3 classes."""
    W = np.array([[0.2, -0.5, 0.1], [1.5, 1.3, 2.1], [0.0, 0.25, 0.2], [-0.3, 0.4, 0.1]])
    X = np.array([[1.0, 0.5, -1.2, 1.0], [-0.4, 1.1, 0.3, 1.0], [0.9, -1.5, 0.6, 1.0],
                  [0.1, 0.2, -0.8, 1.0], [-1.3, 0.7, 1.4, 1.0]])
    y = np.array([0, 2, 1, 1, 0])
    return W, X, y, 0.1


# -- Random problems -------------------------------------------------------------


def dims(rng: np.random.Generator) -> tuple[int, int, int]:
    """(N, D, C): three different sizes, so that a transpose or a wrong axis shows."""
    C = int(rng.integers(3, 6))
    D = C + int(rng.integers(2, 5))
    N = D + int(rng.integers(2, 6))
    return N, D, C


def linear_problem(rng: np.random.Generator, N: int, D: int, C: int, w_scale: float = 0.5,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W (D, C), X (N, D), y (N,) with every class present when N >= C."""
    W = rng.normal(0.0, w_scale, size=(D, C))
    X = rng.normal(0.0, 1.0, size=(N, D))
    y = rng.permutation(np.arange(N) % C)
    return W, X, y


def svm_problem(rng: np.random.Generator, N: int, D: int, C: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A problem with positive and negative margins, none of them near the hinge's kink.

    A margin within ~1e-3 of 0 makes the centred difference straddle the kink of
    max(0, .) and the numeric gradient meaningless there; such draws are redrawn.
    """
    for _ in range(100):
        W, X, y = linear_problem(rng, N, D, C, w_scale=0.4)
        m = svm_margins(W, X, y)
        others = np.ones_like(m, dtype=bool)
        others[np.arange(N), y] = False
        positive = np.sum(m[others] > 0)
        if np.min(np.abs(m[others])) > 1e-3 and 0 < positive < others.sum():
            return W, X, y
    raise RuntimeError("could not draw an SVM problem away from the kinks")  # pragma: no cover


def large_score_problem(rng: np.random.Generator, N: int, D: int, C: int,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of magnitude ~1000 (np.exp overflows above ~709), within ~60 of each other.

    The last feature is a bias of +1 or -1 per example and the last row of W is about
    1000, so an unshifted np.exp gives inf (or 0 for negative rows) and then NaN,
    while the shifted softmax is unremarkable (no probability underflows to 0).
    """
    W = rng.normal(0.0, 1.0, size=(D, C))
    W[-1] = 1000.0 + rng.normal(0.0, 5.0, size=C)
    X = rng.normal(0.0, 1.0, size=(N, D))
    X[:, -1] = rng.choice([-1.0, 1.0], size=N)
    X[0, -1], X[1, -1] = 1.0, -1.0
    y = rng.permutation(np.arange(N) % C)
    return W, X, y


# -- Numeric gradient of the reference ------------------------------------------------


def numeric_dW(loss_fn: LossFn, W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> np.ndarray:
    """dL/dW by centred differences of the reference's loss (in the trusted process)."""
    return numeric_gradient(lambda w: loss_fn(w, X, y, reg)[0], W.copy())


def expect_dW_gradient(dW: Any, numeric: np.ndarray, *, threshold: float, mistakes: dict[str, Any]) -> float:
    """expect_gradient on dW, followed by the known mistake the wrong dW matches, if any (only a dW of the
    right shape and a real dtype is compared with them: ``expect_gradient`` told what is wrong with another)."""
    try:
        return expect_gradient(dW, numeric, name="dW", threshold=threshold)
    except CheckFailure as exc:
        if type(dW) is not np.ndarray or dW.shape != numeric.shape or dW.dtype.kind not in "biuf":
            raise
        got = dW.astype(float)
        for message, wrong in mistakes.items():
            wrong = np.asarray(wrong() if callable(wrong) else wrong, dtype=float)
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-5, atol=1e-7):
                fail(str(exc), mistake(message))
        raise


# -- Known mistakes -------------------------------------------------------------------

OTHER_CONVENTION_LOSS = mistake("week6.regularization.other_convention_loss")
OTHER_CONVENTION_DW = mistake("week6.regularization.other_convention_dw")
REG_AVERAGED_LOSS = mistake("week6.regularization.averaged_loss")
REG_AVERAGED_DW = mistake("week6.regularization.averaged_dw")
REG_MISSING_LOSS = mistake("week6.regularization.missing_loss")
REG_MISSING_DW = mistake("week6.regularization.missing_dw")
CORRECT_CLASS_COUNTED = mistake("week6.svm.correct_class_counted")
SVM_MISSING_CORRECT_TERM = mistake("week6.svm.missing_correct_term")
SVM_CORRECT_TERM_ONCE = mistake("week6.svm.correct_term_once")
SVM_CORRECT_COUNTED_DW = mistake("week6.svm.correct_counted_dw")
SVM_ONLY_CORRECT_TERM = mistake("week6.svm.only_correct_term")
SOFTMAX_MISSING_CORRECT_TERM = mistake("week6.softmax.missing_correct_term")
SOFTMAX_LOG10 = mistake("week6.softmax.log10")


def _reg_term(W: np.ndarray, reg: float) -> float:
    return float(reg * np.sum(W * W))


def loss_mistakes(kind: str, loss_fn: LossFn, W: np.ndarray, X: np.ndarray, y: np.ndarray,
                  reg: float) -> dict[str, Callable[[], float]]:
    """diagnosis -> the loss a classic mistake gives (computed only if the learner's loss is wrong).

    kind is "svm" or "softmax"; loss_fn is the reference loss of that kind.
    """
    N = X.shape[0]
    data = lambda: float(loss_fn(W, X, y, 0.0)[0])  # noqa: E731
    mistakes: dict[str, Callable[[], float]] = {}
    if kind == "svm":
        mistakes[CORRECT_CLASS_COUNTED] = lambda: data() + 1.0 + _reg_term(W, reg)
    if reg > 0:
        mistakes[OTHER_CONVENTION_LOSS] = lambda: data() + 0.5 * _reg_term(W, reg)
        mistakes[REG_MISSING_LOSS] = data
        mistakes[REG_AVERAGED_LOSS] = lambda: data() + _reg_term(W, reg) / N
    mistakes[mistake("week6.averaging.loss", N=N)] = lambda: N * data() + _reg_term(W, reg)
    if kind == "softmax":
        mistakes[SOFTMAX_LOG10] = lambda: data() / np.log(10.0) + _reg_term(W, reg)
    return mistakes


def svm_margins(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """s_j - s_y + 1 for every example and class, (N, C)."""
    scores = X.dot(W)
    return scores - scores[np.arange(X.shape[0]), y][:, None] + 1.0


def softmax_probs(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    scores = X.dot(W)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def dW_mistakes(kind: str, loss_fn: LossFn, W: np.ndarray, X: np.ndarray, y: np.ndarray,
                reg: float) -> dict[str, Callable[[], np.ndarray]]:
    """diagnosis -> the dW a classic mistake gives (computed only if the learner's dW is wrong)."""
    N = X.shape[0]
    rows = np.arange(N)
    data = lambda: loss_fn(W, X, y, 0.0)[1]  # noqa: E731
    mistakes: dict[str, Callable[[], np.ndarray]] = {}
    if reg > 0:
        mistakes[OTHER_CONVENTION_DW] = lambda: data() + reg * W
        mistakes[REG_MISSING_DW] = data
        mistakes[REG_AVERAGED_DW] = lambda: data() + 2 * reg * W / N
    mistakes[mistake("week6.averaging.dw", N=N)] = lambda: N * data() + 2 * reg * W
    onehot = np.zeros((N, W.shape[1]))
    onehot[rows, y] = 1.0
    if kind == "svm":
        def positive() -> np.ndarray:
            mask = (svm_margins(W, X, y) > 0).astype(float)
            mask[rows, y] = 0.0
            return mask
        mistakes[SVM_MISSING_CORRECT_TERM] = lambda: X.T.dot(positive()) / N + 2 * reg * W
        mistakes[SVM_CORRECT_TERM_ONCE] = lambda: X.T.dot(
            positive() - onehot * (positive().sum(axis=1, keepdims=True) > 0)) / N + 2 * reg * W
        mistakes[SVM_CORRECT_COUNTED_DW] = lambda: X.T.dot(
            positive() - onehot * (positive().sum(axis=1, keepdims=True) + 1)) / N + 2 * reg * W
        mistakes[SVM_ONLY_CORRECT_TERM] = lambda: X.T.dot(
            -onehot * positive().sum(axis=1, keepdims=True)) / N + 2 * reg * W
    else:
        mistakes[SOFTMAX_MISSING_CORRECT_TERM] = lambda: X.T.dot(softmax_probs(W, X)) / N + 2 * reg * W
    return mistakes


# -- Check bodies shared by the public and hidden checks --------------------------------


def loss_and_dW(learner_fn: Any, W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> tuple[Any, Any]:
    """The learner's (loss, dW), failing clearly when it does not return two values."""
    return expect_tuple(learner_fn(W, X, y, reg), ["loss", "dW"], function=learner_fn.graded)


def expect_loss(got: Any, kind: str, loss_fn: LossFn, W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float,
                name: str = "loss") -> None:
    """The learner's loss against the reference's, with the classic mistakes of ``kind``."""
    expect_scalar(got, float(loss_fn(W, X, y, reg)[0]), name=name, m=X.shape[0],
                  mistakes=loss_mistakes(kind, loss_fn, W, X, y, reg),
                  nonfinite_fix=STABLE_SOFTMAX if kind == "softmax" else "")


def expect_dW(got: Any, kind: str, loss_fn: LossFn, W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float,
              name: str = "dW") -> None:
    """The learner's dW against the reference's, with the classic mistakes of ``kind`` (a float array, like W)."""
    expect_array(got, loss_fn(W, X, y, reg)[1], name=name, m=X.shape[0], float_dtype=True,
                 mistakes=dW_mistakes(kind, loss_fn, W, X, y, reg),
                 nonfinite_fix=STABLE_SOFTMAX if kind == "softmax" else "")


# -- Timing references for expect_vectorized ------------------------------------------------
#
# expect_vectorized times the reference in the trusted process, where numpy's BLAS may run
# several threads; on a busy machine a multi-threaded X.dot(W) can take 15x longer than
# usual, and a learner's loop would then look fast. The learner's sandbox runs BLAS on one
# thread. These versions compute the same loss and gradient with np.einsum (numpy's own
# vectorized loops, no BLAS threads), so the ratio compares like with like.


def svm_loss_timing(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> tuple[float, np.ndarray]:
    """The vectorized SVM loss and gradient, single-threaded (np.einsum)."""
    n = X.shape[0]
    rows = np.arange(n)
    scores = np.einsum("nd,dc->nc", X, W)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    positive = (margins > 0).astype(float)
    positive[rows, y] = -positive.sum(axis=1)
    loss = margins.sum() / n + reg * np.sum(W * W)
    return loss, np.einsum("nd,nc->dc", X, positive) / n + 2 * reg * W


def softmax_loss_timing(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> tuple[float, np.ndarray]:
    """The vectorized softmax loss and gradient, single-threaded (np.einsum)."""
    n = X.shape[0]
    rows = np.arange(n)
    scores = np.einsum("nd,dc->nc", X, W)
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    loss = -log_probs[rows, y].sum() / n + reg * np.sum(W * W)
    return loss, np.einsum("nd,nc->dc", X, dscores) / n + 2 * reg * W


TIMING_REFERENCE = {"svm": svm_loss_timing, "softmax": softmax_loss_timing}
