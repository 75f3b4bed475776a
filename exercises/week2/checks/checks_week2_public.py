"""Public checks of week 2: the course's small fixed examples.

Run by `grade submit exercises/week2`; the hidden checks (in solutions/) repeat
each function on fresh random inputs seeded per submission.
"""

from __future__ import annotations

import numpy as np
from problems_week2 import (
    COSTS_HINT,
    course_example,
    l1_mistakes,
    l2_mistakes,
    model_run,
    normalize_rows_mistakes,
    softmax_mistakes,
)

from grader.checks import (
    check,
    expect_array,
    expect_float,
    expect_keys,
    expect_len,
    expect_scalar,
    expect_shape,
    expect_tuple,
)

# -- Part 1: Python basics with numpy ----------------------------------------


@check("sigmoid")
def test_sigmoid_example(learner, reference):
    """sigmoid([1, 2, 3]) matches the notebook's expected output."""
    x = np.array([1.0, 2.0, 3.0])
    expect_array(learner.sigmoid(x), reference.sigmoid(x), name="sigmoid(x)")


@check("sigmoid_derivative")
def test_sigmoid_derivative_example(learner, reference):
    """sigmoid_derivative([1, 2, 3]) = s(1 - s)."""
    x = np.array([1.0, 2.0, 3.0])
    expect_array(learner.sigmoid_derivative(x), reference.sigmoid_derivative(x), name="ds")


@check("image2vector")
def test_image2vector_example(learner, reference):
    """A (3, 3, 2) image becomes an (18, 1) column."""
    image = np.arange(18, dtype=float).reshape(3, 3, 2) / 18
    expect_array(learner.image2vector(image), reference.image2vector(image), name="image2vector(image)")


@check("normalize_rows")
def test_normalize_rows_example(learner, reference):
    """normalize_rows([[0, 3, 4], [1, 6, 4]]) divides each row by its length."""
    x = np.array([[0.0, 3.0, 4.0], [1.0, 6.0, 4.0]])
    expect_array(learner.normalize_rows(x), reference.normalize_rows(x), name="normalize_rows(x)",
                 mistakes=normalize_rows_mistakes(x))


@check("softmax")
def test_softmax_example(learner, reference):
    """softmax of a (2, 5) matrix: each row sums to 1."""
    x = np.array([[9.0, 2.0, 5.0, 0.0, 0.0], [7.0, 5.0, 0.0, 0.0, 0.0]])
    expect_array(learner.softmax(x), reference.softmax(x), name="softmax(x)", mistakes=softmax_mistakes(x))


@check("L1")
def test_L1_example(learner, reference):
    """L1 of the notebook's example predictions is 1.1."""
    yhat, y = np.array([0.9, 0.2, 0.1, 0.4, 0.9]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    expect_scalar(learner.L1(yhat, y), reference.L1(yhat, y), name="L1(yhat, y)", mistakes=l1_mistakes(yhat, y))


@check("L2")
def test_L2_example(learner, reference):
    """L2 of the notebook's example predictions is 0.43."""
    yhat, y = np.array([0.9, 0.2, 0.1, 0.4, 0.9]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    expect_scalar(learner.L2(yhat, y), reference.L2(yhat, y), name="L2(yhat, y)", mistakes=l2_mistakes(yhat, y))


# -- Part 2: logistic regression ----------------------------------------------


@check("initialize_with_zeros")
def test_initialize_with_zeros_example(learner):
    """initialize_with_zeros(2) returns a (2, 1) float zero vector and the float 0.0."""
    w, b = expect_tuple(learner.initialize_with_zeros(2), ["w", "b"], function="initialize_with_zeros")
    expect_array(w, np.zeros((2, 1)), name="w", float_dtype=True)
    expect_float(b, name="b")
    expect_scalar(b, 0.0, name="b")


@check("propagate", points=2)
def test_propagate_example(learner, reference):
    """propagate on the notebook's example: dw, db and cost."""
    w, b, X, Y = course_example()
    grads, cost = expect_tuple(learner.propagate(w, b, X, Y), ["grads", "cost"], function="propagate")
    want, want_cost = reference.propagate(w, b, X, Y)
    expect_keys(grads, ["dw", "db"], name="grads")
    expect_array(grads["dw"], want["dw"], name='grads["dw"]', m=3)
    expect_scalar(grads["db"], want["db"], name='grads["db"]', m=3)
    expect_scalar(cost, want_cost, name="cost", m=3)


_COURSE_ANSWERS: list[tuple[object, tuple]] = []


def _course_optimize(reference):
    """The reference's answer on the notebook's example: the same for every learner, so computed
    once per grading process (a class is graded against one reference)."""
    for known, answer in _COURSE_ANSWERS:
        if known is reference:
            return answer
    w, b, X, Y = course_example()
    answer = reference.optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009)
    _COURSE_ANSWERS[:] = [(reference, answer)]
    return answer


@check("optimize")
def test_optimize_example(learner, reference):
    """100 iterations at learning rate 0.009 on the notebook's example."""
    w, b, X, Y = course_example()
    params, grads, costs = expect_tuple(
        learner.optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009),
        ["params", "grads", "costs"], function="optimize")
    want, _, want_costs = _course_optimize(reference)
    expect_keys(params, ["w", "b"], name="params")
    expect_array(params["w"], want["w"], name='params["w"]')
    expect_scalar(params["b"], want["b"], name='params["b"]')
    expect_len(costs, len(want_costs), name="costs", hint=COSTS_HINT)


@check("predict")
def test_predict_example(learner, reference):
    """predict on a small fixed example."""
    w, b = np.array([[0.1124579], [0.23106775]]), -0.3
    X = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    expect_array(learner.predict(w, b, X), reference.predict(w, b, X), name="Y_prediction")


@check("model")
def test_model_returns_everything(learner, shared):
    """model returns the dictionary the notebook plots from."""
    (X_train, Y_train, X_test, Y_test), _, d = model_run(learner, shared)
    keys = ["costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations"]
    expect_keys(d, keys, name="d")
    expect_shape(d["w"], (X_train.shape[0], 1), name='d["w"]')
    expect_shape(d["Y_prediction_train"], Y_train.shape, name='d["Y_prediction_train"]')
    expect_shape(d["Y_prediction_test"], Y_test.shape, name='d["Y_prediction_test"]')
    expect_len(d["costs"], 2, name='d["costs"]')
