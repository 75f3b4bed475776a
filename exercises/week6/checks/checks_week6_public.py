"""Public checks of week 6: the lecture's worked examples and small fixed problems.

Run by `grade submit exercises/week6`; the hidden checks (in solutions/) repeat each
function on fresh random inputs seeded per submission, check every dW against a
numeric gradient, and time the vectorized versions.
"""

from __future__ import annotations

import numpy as np
from problems_week6 import (
    CORRECT_CLASS_COUNTED,
    SOFTMAX_LOG10,
    expect_dW,
    expect_loss,
    lecture_example,
    loss_and_dW,
    small_example,
)

from grader.checks import check, expect_scalar, mistake, say


def _svm_cat_image(learner, reference, function):
    W, X, y = lecture_example(images=1)
    loss, _ = loss_and_dW(getattr(learner, function), W, X, y, 0.0)
    want = float(reference.svm_loss_vectorized(W, X, y, 0.0)[0])  # 2.9 = max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1)
    expect_scalar(loss, want, name=say("week6.names.cat"), mistakes={CORRECT_CLASS_COUNTED: want + 1.0})


@check("svm_loss_naive")
def test_svm_naive_lecture_cat(learner, reference):
    """The lecture's cat image: scores cat 3.2, car 5.1, frog -1.7 give a hinge loss of 2.9."""
    _svm_cat_image(learner, reference, "svm_loss_naive")


@check("svm_loss_vectorized")
def test_svm_vectorized_lecture_cat(learner, reference):
    """The lecture's cat image: scores cat 3.2, car 5.1, frog -1.7 give a hinge loss of 2.9."""
    _svm_cat_image(learner, reference, "svm_loss_vectorized")


@check.each({"svm_naive_lecture_three_images": "svm_loss_naive",
             "svm_vectorized_lecture_three_images": "svm_loss_vectorized"}, points=2)
def svm_lecture_three_images(learner, reference, function):
    """The lecture's cat, car and frog images with reg = 0.05: loss (5.27 + regularization) and dW."""
    W, X, y = lecture_example(images=3)
    reg = 0.05
    loss, dW = loss_and_dW(getattr(learner, function), W, X, y, reg)
    expect_loss(loss, "svm", reference.svm_loss_vectorized, W, X, y, reg, name=say("week6.names.three_images_loss"))
    expect_dW(dW, "svm", reference.svm_loss_vectorized, W, X, y, reg, name=say("week6.names.three_images_dw"))


# -- softmax ---------------------------------------------------------------------


def _softmax_cat_image(learner, reference, function):
    W, X, y = lecture_example(images=1)
    loss, _ = loss_and_dW(getattr(learner, function), W, X, y, 0.0)
    want = float(reference.softmax_loss_vectorized(W, X, y, 0.0)[0])  # -ln(0.13) = 2.04
    expect_scalar(loss, want, name=say("week6.names.cat_cross_entropy"), mistakes={SOFTMAX_LOG10: want / np.log(10.0)})


@check("softmax_loss_naive")
def test_softmax_naive_lecture_cat(learner, reference):
    """The lecture's cat image: softmax of the scores 3.2, 5.1, -1.7 gives a loss of -ln(0.13) = 2.04."""
    _softmax_cat_image(learner, reference, "softmax_loss_naive")


@check("softmax_loss_vectorized")
def test_softmax_vectorized_lecture_cat(learner, reference):
    """The lecture's cat image: softmax of the scores 3.2, 5.1, -1.7 gives a loss of -ln(0.13) = 2.04."""
    _softmax_cat_image(learner, reference, "softmax_loss_vectorized")


@check.each({"softmax_naive_zero_weights": "softmax_loss_naive",
             "softmax_vectorized_zero_weights": "softmax_loss_vectorized"})
def softmax_zero_weights(learner, function):
    """With W = 0 all C classes are equally likely: the loss is log(C)."""
    W = np.zeros((6, 4))
    X = np.random.default_rng(6).normal(size=(9, 6))
    y = np.arange(9) % 4
    loss, _ = loss_and_dW(getattr(learner, function), W, X, y, 0.0)
    expect_scalar(loss, np.log(4.0), name=say("week6.names.zero_weights"), mistakes={
        SOFTMAX_LOG10: np.log10(4.0),
        mistake("week6.softmax.zero_weights_not_averaged"): 9 * np.log(4.0),
    })


@check.each({"softmax_naive_small_example": "softmax_loss_naive",
             "softmax_vectorized_small_example": "softmax_loss_vectorized"}, points=2)
def softmax_small_example(learner, reference, function):
    """A fixed problem of 5 examples, 4 features, 3 classes and reg = 0.1: loss and dW."""
    W, X, y, reg = small_example()
    loss, dW = loss_and_dW(getattr(learner, function), W, X, y, reg)
    expect_loss(loss, "softmax", reference.softmax_loss_vectorized, W, X, y, reg, name=say("week6.names.small_loss"))
    expect_dW(dW, "softmax", reference.softmax_loss_vectorized, W, X, y, reg, name=say("week6.names.small_dw"))
