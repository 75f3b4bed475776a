"""Hidden checks of week 6: fresh random inputs per submission, and the classic mistakes.

Every input comes from ``rng``, seeded per submission and per check. N, D and C
always differ (never square, never width 1). Every dW is compared with the
reference's value AND with a centred-difference gradient of the reference's loss;
the vectorized versions must not loop over the examples in Python.
"""

from __future__ import annotations

from problems_week6 import (
    TIMING_REFERENCE,
    dW_mistakes,
    dims,
    expect_dW,
    expect_dW_gradient,
    expect_loss,
    large_score_problem,
    linear_problem,
    loss_and_dW,
    numeric_dW,
    svm_problem,
)

from grader.checks import check, expect_tuple, expect_unchanged, expect_vectorized, say
from grader.checks.gradients import DEFAULT_THRESHOLD, KINKED_THRESHOLD

# The naive and vectorized versions of one loss share the reference's vectorized loss.
KIND = {
    "svm_loss_naive": "svm", "svm_loss_vectorized": "svm",
    "softmax_loss_naive": "softmax", "softmax_loss_vectorized": "softmax",
}
# Long enough that a Python loop over the examples is clearly slower than numpy (20x and
# more), while a short loop over the C classes stays within ~3x of the reference.
VECTOR_N, VECTOR_D, VECTOR_C = 5000, 20, 10


def _reference(reference, function):
    return getattr(reference, f"{KIND[function]}_loss_vectorized")


def _problem(rng, function):
    N, D, C = dims(rng)
    if KIND[function] == "svm":
        return svm_problem(rng, N, D, C)
    return linear_problem(rng, N, D, C)


def _reg(rng):
    return float(rng.uniform(0.05, 0.5))


def _loss_with_reg(learner, reference, rng, function):
    W, X, y = _problem(rng, function)
    reg = _reg(rng)
    loss, _ = loss_and_dW(getattr(learner, function), W, X, y, reg)
    expect_loss(loss, KIND[function], _reference(reference, function), W, X, y, reg)


def _data_loss(learner, reference, rng, function):
    W, X, y = _problem(rng, function)
    loss, _ = loss_and_dW(getattr(learner, function), W, X, y, 0.0)
    expect_loss(loss, KIND[function], _reference(reference, function), W, X, y, 0.0,
                name=say("week6.names.data_loss"))


def _dW_values(learner, reference, rng, function):
    W, X, y = _problem(rng, function)
    reg = _reg(rng)
    outcome = getattr(learner, function).run(W, X, y, reg)
    _, dW = expect_tuple(outcome.value, ["loss", "dW"], function=function)
    expect_dW(dW, KIND[function], _reference(reference, function), W, X, y, reg)
    expect_unchanged([W, X, y, reg], outcome.args_after[0], ["W", "X", "y", "reg"], function=function)


def _gradient_check(learner, reference, rng, function):
    kind = KIND[function]
    ref = _reference(reference, function)
    for _ in range(20):  # an entry of dW within 1e-3 of 0 makes the relative error meaningless
        W, X, y = _problem(rng, function)
        reg = _reg(rng)
        if abs(ref(W, X, y, reg)[1]).min() > 1e-3:
            break
    _, dW = loss_and_dW(getattr(learner, function), W, X, y, reg)
    numeric = numeric_dW(ref, W, X, y, reg)
    expect_dW_gradient(dW, numeric, threshold=KINKED_THRESHOLD if kind == "svm" else DEFAULT_THRESHOLD,
                       mistakes=dW_mistakes(kind, ref, W, X, y, reg))


def _large_scores(learner, reference, rng, function):
    N, D, C = dims(rng)
    W, X, y = large_score_problem(rng, N, D, C)
    reg = 0.0  # this check is about overflow only
    loss, dW = loss_and_dW(getattr(learner, function), W, X, y, reg)
    ref = _reference(reference, function)
    expect_loss(loss, "softmax", ref, W, X, y, reg, name=say("week6.names.large_scores_loss"))
    expect_dW(dW, "softmax", ref, W, X, y, reg, name=say("week6.names.large_scores_dw"))


def _vectorized(learner, reference, rng, function):
    W, X, y = linear_problem(rng, VECTOR_N, VECTOR_D, VECTOR_C, w_scale=0.05)
    ref = _reference(reference, function)
    learner_fn = getattr(learner, function)
    loss, dW = loss_and_dW(learner_fn, W, X, y, 0.0)
    expect_loss(loss, KIND[function], ref, W, X, y, 0.0, name=say("week6.names.many_loss", N=VECTOR_N))
    expect_dW(dW, KIND[function], ref, W, X, y, 0.0, name=say("week6.names.many_dw", N=VECTOR_N))
    # Timed against the same computation on one thread (see TIMING_REFERENCE in problems_week6).
    expect_vectorized(learner_fn, TIMING_REFERENCE[KIND[function]], (W, X, y, 0.0), m=VECTOR_N)


# -- svm_loss_naive -----------------------------------------------------------------


@check("svm_loss_naive", points=2)
def test_svm_naive_loss(learner, reference, rng):
    """The hinge loss of a random problem, averaged over N, plus reg * sum(W**2)."""
    _loss_with_reg(learner, reference, rng, "svm_loss_naive")


@check("svm_loss_naive")
def test_svm_naive_data_loss(learner, reference, rng):
    """With reg = 0 the loss is the average hinge loss alone."""
    _data_loss(learner, reference, rng, "svm_loss_naive")


@check("svm_loss_naive", points=2)
def test_svm_naive_dW(learner, reference, rng):
    """dW of a random problem (data gradient / N + 2 * reg * W); W, X and y are left unchanged."""
    _dW_values(learner, reference, rng, "svm_loss_naive")


@check("svm_loss_naive", points=2)
def test_svm_naive_gradient_check(learner, reference, rng):
    """dW agrees with a centred-difference gradient of the hinge loss (threshold 1e-3: the hinge has kinks)."""
    _gradient_check(learner, reference, rng, "svm_loss_naive")


# -- svm_loss_vectorized ------------------------------------------------------------


@check("svm_loss_vectorized", points=2)
def test_svm_vectorized_loss(learner, reference, rng):
    """The hinge loss of a random problem, averaged over N, plus reg * sum(W**2)."""
    _loss_with_reg(learner, reference, rng, "svm_loss_vectorized")


@check("svm_loss_vectorized")
def test_svm_vectorized_data_loss(learner, reference, rng):
    """With reg = 0 the loss is the average hinge loss alone."""
    _data_loss(learner, reference, rng, "svm_loss_vectorized")


@check("svm_loss_vectorized", points=2)
def test_svm_vectorized_dW(learner, reference, rng):
    """dW of a random problem (data gradient / N + 2 * reg * W); W, X and y are left unchanged."""
    _dW_values(learner, reference, rng, "svm_loss_vectorized")


@check("svm_loss_vectorized", points=2)
def test_svm_vectorized_gradient_check(learner, reference, rng):
    """dW agrees with a centred-difference gradient of the hinge loss (threshold 1e-3: the hinge has kinks)."""
    _gradient_check(learner, reference, rng, "svm_loss_vectorized")


@check("svm_loss_vectorized", points=2)
def test_svm_vectorized_is_vectorized(learner, reference, rng):
    """Right on 5000 examples, without a Python loop over them (timed against the reference)."""
    _vectorized(learner, reference, rng, "svm_loss_vectorized")


# -- softmax_loss_naive -------------------------------------------------------------


@check("softmax_loss_naive", points=2)
def test_softmax_naive_loss(learner, reference, rng):
    """The cross-entropy loss of a random problem, averaged over N, plus reg * sum(W**2)."""
    _loss_with_reg(learner, reference, rng, "softmax_loss_naive")


@check("softmax_loss_naive")
def test_softmax_naive_data_loss(learner, reference, rng):
    """With reg = 0 the loss is the average cross-entropy alone."""
    _data_loss(learner, reference, rng, "softmax_loss_naive")


@check("softmax_loss_naive", points=2)
def test_softmax_naive_dW(learner, reference, rng):
    """dW of a random problem (X.T (P - Y) / N + 2 * reg * W); W, X and y are left unchanged."""
    _dW_values(learner, reference, rng, "softmax_loss_naive")


@check("softmax_loss_naive", points=2)
def test_softmax_naive_gradient_check(learner, reference, rng):
    """dW agrees with a centred-difference gradient of the softmax loss (threshold 1e-5)."""
    _gradient_check(learner, reference, rng, "softmax_loss_naive")


@check("softmax_loss_naive")
def test_softmax_naive_large_scores(learner, reference, rng):
    """Scores of magnitude ~1000 give a finite loss and dW (shift by the max score before np.exp)."""
    _large_scores(learner, reference, rng, "softmax_loss_naive")


# -- softmax_loss_vectorized --------------------------------------------------------


@check("softmax_loss_vectorized", points=2)
def test_softmax_vectorized_loss(learner, reference, rng):
    """The cross-entropy loss of a random problem, averaged over N, plus reg * sum(W**2)."""
    _loss_with_reg(learner, reference, rng, "softmax_loss_vectorized")


@check("softmax_loss_vectorized")
def test_softmax_vectorized_data_loss(learner, reference, rng):
    """With reg = 0 the loss is the average cross-entropy alone."""
    _data_loss(learner, reference, rng, "softmax_loss_vectorized")


@check("softmax_loss_vectorized", points=2)
def test_softmax_vectorized_dW(learner, reference, rng):
    """dW of a random problem (X.T (P - Y) / N + 2 * reg * W); W, X and y are left unchanged."""
    _dW_values(learner, reference, rng, "softmax_loss_vectorized")


@check("softmax_loss_vectorized", points=2)
def test_softmax_vectorized_gradient_check(learner, reference, rng):
    """dW agrees with a centred-difference gradient of the softmax loss (threshold 1e-5)."""
    _gradient_check(learner, reference, rng, "softmax_loss_vectorized")


@check("softmax_loss_vectorized")
def test_softmax_vectorized_large_scores(learner, reference, rng):
    """Scores of magnitude ~1000 give a finite loss and dW (shift by the max score before np.exp)."""
    _large_scores(learner, reference, rng, "softmax_loss_vectorized")


@check("softmax_loss_vectorized", points=2)
def test_softmax_vectorized_is_vectorized(learner, reference, rng):
    """Right on 5000 examples, without a Python loop over them (timed against the reference)."""
    _vectorized(learner, reference, rng, "softmax_loss_vectorized")
