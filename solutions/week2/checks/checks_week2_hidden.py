"""Hidden checks of week 2: fresh random inputs per submission, and the classic mistakes.

Every input here comes from ``rng``, seeded per submission and per check, so
answers hard-coded for the public examples fail.  Shapes are never square and
never of width 1, so rank-1 arrays, transposes and accidental broadcasts show.
"""

from __future__ import annotations

import numpy as np
from problems_week2 import (
    COSTS_HINT,
    STABLE_SIGMOID,
    STABLE_SOFTMAX,
    accuracy,
    l1_mistakes,
    l2_mistakes,
    logistic_problem,
    model_run,
    normalize_rows_mistakes,
    separable_data,
    softmax_mistakes,
)

from grader.checks import (
    check,
    computing_with,
    expect_array,
    expect_float,
    expect_keys,
    expect_len,
    expect_like,
    expect_scalar,
    expect_shape,
    expect_tuple,
    expect_unchanged,
    expect_vectorized,
    mistake,
    say,
)


def _dims(rng, low=3, high=7):
    """Two different sizes, so that a transpose or a wrong axis cannot go unnoticed."""
    n = int(rng.integers(low, high))
    return n, n + int(rng.integers(1, 4))


# -- Part 1: Python basics with numpy ----------------------------------------


@check("sigmoid")
def test_sigmoid_random_matrix(learner, reference, rng):
    """sigmoid works element-wise on a random matrix."""
    x = rng.uniform(-6, 6, size=_dims(rng))
    expect_array(learner.sigmoid(x), reference.sigmoid(x), name="sigmoid(x)")


@check("sigmoid")
def test_sigmoid_large_inputs(learner, reference, rng):
    """sigmoid stays finite for inputs of magnitude ~1000."""
    x = rng.choice([-1, 1], size=(2, 5)) * rng.uniform(700, 1000, size=(2, 5))
    x[0, 0] = 0.0
    expect_array(learner.sigmoid(x), reference.sigmoid(x), name="sigmoid(x)", nonfinite_fix=STABLE_SIGMOID)


@check("sigmoid_derivative")
def test_sigmoid_derivative_random(learner, reference, rng):
    """sigmoid_derivative on a random matrix."""
    x = rng.uniform(-5, 5, size=_dims(rng))
    want = reference.sigmoid_derivative(x)
    s = reference.sigmoid(x)
    expect_array(learner.sigmoid_derivative(x), want, name="ds", mistakes={
        mistake("week2.sigmoid_derivative.returned_sigmoid"): s,
        mistake("week2.sigmoid_derivative.of_x"): x * (1 - x),
    })


@check("image2vector")
def test_image2vector_random(learner, reference, rng):
    """A random (h, w, 3) image becomes an (h*w*3, 1) column, in row-major order."""
    h, w = _dims(rng, 2, 6)
    image = rng.random((h, w, 3))
    expect_array(learner.image2vector(image), reference.image2vector(image), name="image2vector(image)", mistakes={
        mistake("week2.image2vector.pixel_order"): image.reshape(-1, 1, order="F"),
    })


@check("normalize_rows")
def test_normalize_rows_random(learner, reference, rng):
    """Each row of a random (n, m) matrix is divided by its own L2 norm."""
    x = rng.normal(size=_dims(rng))
    expect_array(learner.normalize_rows(x), reference.normalize_rows(x), name="normalize_rows(x)",
                 mistakes=normalize_rows_mistakes(x))


@check("normalize_rows")
def test_normalize_rows_keeps_input(learner, reference, rng):
    """normalize_rows returns the right rows in a new array and leaves its input unchanged."""
    x = rng.normal(size=_dims(rng))
    outcome = learner.normalize_rows.run(x)
    expect_array(outcome.value, reference.normalize_rows(x), name="normalize_rows(x)")
    expect_unchanged([x], outcome.args_after[0], ["x"], function="normalize_rows")


@check("softmax")
def test_softmax_random(learner, reference, rng):
    """softmax of a random (n, m) matrix, row by row, without modifying x (no x -= ... on the caller's array)."""
    x = rng.normal(0, 2, size=_dims(rng))
    outcome = learner.softmax.run(x)
    expect_array(outcome.value, reference.softmax(x), name="softmax(x)", mistakes=softmax_mistakes(x))
    expect_unchanged([x], outcome.args_after[0], ["x"], function="softmax")


@check("softmax")
def test_softmax_large_rows(learner, reference, rng):
    """softmax stays finite for rows of magnitude ~1000."""
    x = rng.uniform(900, 1000, size=(3, 5)) * rng.choice([-1, 1], size=(3, 1))
    expect_array(learner.softmax(x), reference.softmax(x), name="softmax(x)", nonfinite_fix=STABLE_SOFTMAX)


@check("L1")
def test_L1_random(learner, reference, rng):
    """L1 on random predictions is a scalar sum of absolute errors."""
    m = int(rng.integers(6, 12))
    yhat, y = rng.random(m), (rng.random(m) > 0.5).astype(float)
    expect_scalar(learner.L1(yhat, y), reference.L1(yhat, y), name="L1(yhat, y)", mistakes=l1_mistakes(yhat, y))


@check("L2")
def test_L2_random(learner, reference, rng):
    """L2 on random predictions is a scalar sum of squared errors."""
    m = int(rng.integers(6, 12))
    yhat, y = rng.random(m), (rng.random(m) > 0.5).astype(float)
    expect_scalar(learner.L2(yhat, y), reference.L2(yhat, y), name="L2(yhat, y)", mistakes=l2_mistakes(yhat, y))


# -- Part 2: logistic regression ----------------------------------------------


@check("initialize_with_zeros")
def test_initialize_with_zeros_w(learner, rng):
    """w is a float column of zeros of shape (dim, 1)."""
    dim = int(rng.integers(3, 9))
    w, _ = expect_tuple(learner.initialize_with_zeros(dim), ["w", "b"], function="initialize_with_zeros")
    expect_array(w, np.zeros((dim, 1)), name="w", float_dtype=True)


@check("initialize_with_zeros")
def test_initialize_with_zeros_b(learner, rng):
    """b is the float 0.0."""
    _, b = expect_tuple(learner.initialize_with_zeros(int(rng.integers(3, 9))), ["w", "b"],
                        function="initialize_with_zeros")
    expect_float(b, name="b")
    expect_scalar(b, 0.0, name="b")


def _propagate(learner, reference, rng):
    n_x, m = _dims(rng)
    w, b, X, Y = logistic_problem(rng, n_x=n_x, m=m)
    result = expect_tuple(learner.propagate(w, b, X, Y), ["grads", "cost"], function="propagate")
    return (w, b, X, Y), result, reference.propagate(w, b, X, Y), m


@check("propagate", points=2)
def test_propagate_gradients(learner, reference, rng):
    """dw and db on a random problem with several features and examples."""
    _, (grads, _), (want, _), m = _propagate(learner, reference, rng)
    expect_keys(grads, ["dw", "db"], name="grads")
    expect_array(grads["dw"], want["dw"], name='grads["dw"]', m=m)
    expect_scalar(grads["db"], want["db"], name='grads["db"]', m=m)


@check("propagate")
def test_propagate_cost(learner, reference, rng):
    """The cross-entropy cost is a scalar averaged over the m examples."""
    _, (_, cost), (_, want_cost), m = _propagate(learner, reference, rng)
    expect_scalar(cost, want_cost, name="cost", m=m)


@check("propagate")
def test_propagate_keeps_inputs(learner, reference, rng):
    """propagate computes the right gradients without modifying w, X or Y."""
    args = logistic_problem(rng, *_dims(rng))
    outcome = learner.propagate.run(*args)
    grads, _ = expect_tuple(outcome.value, ["grads", "cost"], function="propagate")
    expect_keys(grads, ["dw", "db"], name="grads")
    expect_array(grads["dw"], reference.propagate(*args)[0]["dw"], name='grads["dw"]', m=args[2].shape[1])
    expect_unchanged(args, outcome.args_after[0], ["w", "b", "X", "Y"], function="propagate")


@check("propagate", points=0)
def test_propagate_vectorized(learner, reference, rng):
    """Advice: propagate runs without a Python loop over the examples."""
    m = 4000
    expect_vectorized(learner.propagate, reference.propagate, lambda: logistic_problem(rng, n_x=8, m=m), m=m,
                      quick_args=logistic_problem(rng, *_dims(rng)))


def _descent(learner, reference, shared):
    """101 steps of the learner's and the reference's optimize on one random problem, and the learner's
    arguments after them: the parameters and the costs checks judge the same run (made once, by whichever
    runs first)."""
    def run(rng):
        w, b, X, Y = logistic_problem(rng, *_dims(rng))
        lr = float(rng.uniform(0.05, 0.5))
        outcome = learner.optimize.run(w, b, X, Y, num_iterations=101, learning_rate=lr)
        got = expect_tuple(outcome.value, ["params", "grads", "costs"], function="optimize")
        want = reference.optimize(w, b, X, Y, num_iterations=101, learning_rate=lr)
        return (w, b, X, Y, lr), got, want, outcome.args_after[0]

    return shared("optimize", run)


@check("optimize", points=2)
def test_optimize_parameters(learner, reference, shared):
    """w and b after 101 steps of gradient descent on a random problem."""
    (w, b, X, Y, lr), (params, grads, _), (want, want_grads, _), _ = _descent(learner, reference, shared)
    expect_keys(params, ["w", "b"], name="params")
    expect_array(params["w"], want["w"], name='params["w"]', mistakes={
        mistake("week2.optimize.wrong_sign"):
            lambda: reference.optimize(w, b, X, Y, num_iterations=101, learning_rate=-lr)[0]["w"],
    })
    expect_scalar(params["b"], want["b"], name='params["b"]')
    expect_keys(grads, ["dw", "db"], name="grads")
    expect_array(grads["dw"], want_grads["dw"], name=say("week2.names.last_dw"))


@check("optimize")
def test_optimize_records_costs(learner, reference, shared):
    """costs holds the cost at iterations 0 and 100 of 101, and the caller's w, X and Y are left unchanged
    (no w -= ... on the caller's array)."""
    (w, b, X, Y, _), (_, _, costs), (_, _, want), after = _descent(learner, reference, shared)
    expect_len(costs, 2, name="costs", hint=COSTS_HINT)
    for i, (got, cost) in enumerate(zip(costs, want)):
        expect_scalar(got, cost, name=say("week2.names.cost_at", i=i, iteration=100 * i))
    expect_unchanged([w, b, X, Y], after, ["w", "b", "X", "Y"], function="optimize")


@check("predict")
def test_predict_random(learner, reference, rng):
    """0/1 predictions of shape (1, m) on a random problem."""
    w, b, X, _ = logistic_problem(rng, *_dims(rng))
    expect_array(learner.predict(w, b, X), reference.predict(w, b, X), name="Y_prediction")


@check("predict")
def test_predict_threshold(learner, reference, rng):
    """An activation of exactly 0.5 predicts 0 (only A > 0.5 is class 1)."""
    n_x, m = _dims(rng)
    w, _, X, _ = logistic_problem(rng, n_x=n_x, m=m)
    X[:, ::2] = 0.0  # z = w.T x + b is exactly 0 in these columns, so A is exactly 0.5
    A = reference.sigmoid(np.dot(w.T, X))
    expect_array(learner.predict(w, 0.0, X), reference.predict(w, 0.0, X), name="Y_prediction", mistakes={
        mistake("week2.predict.threshold"): (A >= 0.5).astype(float),
    })


@check("predict", points=0)
def test_predict_vectorized(learner, reference, rng):
    """Advice: predict runs without a Python loop over the examples."""
    m = 4000
    expect_vectorized(learner.predict, reference.predict, lambda: logistic_problem(rng, n_x=8, m=m)[:3], m=m,
                      quick_args=logistic_problem(rng, *_dims(rng))[:3])


def _model_reference(reference, shared, data, rate):
    """The reference's model on the learner's model data (model_run), trained once."""
    return shared("model-reference", lambda _rng: reference.model(*data, num_iterations=101, learning_rate=rate))


@check("model", points=2)
def test_model_learns(learner, reference, shared):
    """model predicts held-out data about as well as the reference trained on the same data."""
    data, rate, d = model_run(learner, shared)
    X_train, Y_train, X_test, Y_test = data
    expect_keys(d, ["Y_prediction_test", "Y_prediction_train", "costs"], name="d")
    expect_shape(d["Y_prediction_train"], Y_train.shape, name='d["Y_prediction_train"]')
    expect_shape(d["Y_prediction_test"], Y_test.shape, name='d["Y_prediction_test"]')
    expect_keys(d, ["w", "b"], name="d")
    w = expect_like(d["w"], np.zeros((X_test.shape[0], 1)), name='d["w"]')
    b = expect_like(d["b"], 0.0, name='d["b"]')
    with computing_with(say("week2.names.model_w_b")):
        predictions = reference.predict(w, b, X_test)
    expect_array(d["Y_prediction_test"], predictions, name='d["Y_prediction_test"]',
                 mistakes={mistake("week2.model.test_predictions"): Y_test})
    want = _model_reference(reference, shared, data, rate)
    train, test = accuracy(d["Y_prediction_train"], Y_train), accuracy(d["Y_prediction_test"], Y_test)
    want_train, want_test = accuracy(want["Y_prediction_train"], Y_train), accuracy(want["Y_prediction_test"], Y_test)
    assert train >= want_train - 5 and test >= want_test - 5, say(
        "week2.model.accuracy_low", train=train, test=test, want_train=want_train, want_test=want_test)


@check("model")
def test_model_costs_decrease(learner, reference, rng):
    """The recorded costs are those of gradient descent on the data, every 100 iterations (on a run of its
    own, on little data: model's other checks share one run)."""
    data = separable_data(rng, n_x=5, m=12)
    rate = float(rng.uniform(0.3, 0.7))
    d = learner.model(*data, num_iterations=101, learning_rate=rate)
    expect_keys(d, ["costs"], name="d")
    expect_len(d["costs"], 2, name='d["costs"]', hint=COSTS_HINT)
    want = reference.model(*data, num_iterations=101, learning_rate=rate)["costs"]
    # The likely mistake once costs[0] (before any step) is right: optimize called without the learning rate.
    default_rate = {mistake("week2.model.learning_rate_not_passed"):
                    lambda: reference.model(*data, num_iterations=101, learning_rate=0.009)["costs"][1]}
    for i, (got, cost) in enumerate(zip(d["costs"], want)):
        expect_scalar(got, cost, name=say("week2.names.model_cost_at", i=i, iteration=100 * i), rtol=1e-4,
                      mistakes=default_rate if i else None)
