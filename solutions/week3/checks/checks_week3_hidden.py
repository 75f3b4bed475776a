"""Hidden checks of week 3: fresh random inputs per submission, and the classic mistakes.

Every input comes from ``rng`` (seeded per submission and per check).  Hidden
widths are 5 to 7 (never the notebook's 4), and functions that the course's code
allows to have several outputs get n_y = 2 or 3, so that a square b2, a db summed
into one number or a transpose cannot go unnoticed.  backward_propagation is
checked against numeric gradients of the reference's forward pass and cost;
nn_model by what it achieves on flower data compared with the reference.
"""

from __future__ import annotations

import numpy as np
from problems_week3 import (
    PARAMETER_NAMES,
    UPDATE_COPIES,
    accuracy,
    backward_mistakes,
    call_compute_cost,
    copy_parameters,
    expect_bias,
    expect_cache,
    expect_dict_unchanged,
    expect_layer_sizes,
    expect_small_random,
    flower,
    forward_mistakes,
    forward_result,
    numeric_parameter_gradients,
    own_cache,
    random_parameters,
    random_problem,
    sizes,
)

from grader.checks import (
    check,
    computing_with,
    expect_array,
    expect_gradient,
    expect_keys,
    expect_like,
    expect_scalar,
    expect_shape,
    expect_unchanged,
    expect_vectorized,
    expect_with_either_cache,
    fail,
    mistake,
    say,
)

KEEP_INPUTS = "week3.backward_propagation.keep_inputs"  # the diagnosis of an in-place change, by id
READ_ONLY = "week3.parameters.read_only"

# -- layer_sizes --------------------------------------------------------------------


@check("layer_sizes")
def test_layer_sizes_random(learner, rng):
    """(n_x, 4, n_y) for random X and Y with several outputs."""
    n_x, _, n_y, m = sizes(rng)
    n_x += 4  # n_x, n_y and m all differ
    X, Y = rng.normal(size=(n_x, m)), rng.normal(size=(n_y, m))
    expect_layer_sizes(learner.layer_sizes(X, Y), X, Y)


# -- initialize_parameters --------------------------------------------------------------


@check("initialize_parameters")
def test_initialize_parameters_shapes(learner, rng):
    """W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1) with several outputs; zero biases."""
    n_x, n_h, n_y, _ = sizes(rng)
    parameters = learner.initialize_parameters(n_x, n_h, n_y)
    expect_keys(parameters, list(PARAMETER_NAMES), name="parameters")
    expect_shape(parameters["W1"], (n_h, n_x), name='parameters["W1"]')
    expect_shape(parameters["W2"], (n_y, n_h), name='parameters["W2"]')
    expect_bias(parameters["b1"], np.zeros((n_h, 1)), name='parameters["b1"]', what="np.zeros((n_h, 1))")
    expect_bias(parameters["b2"], np.zeros((n_y, 1)), name='parameters["b2"]', what="np.zeros((n_y, 1))")


@check("initialize_parameters", points=2)
def test_initialize_parameters_statistics(learner, rng):
    """The weights look like np.random.randn(...) * 0.01: random, both signs, about 0.01 in size."""
    n_x, n_h, n_y = int(rng.integers(30, 40)), int(rng.integers(20, 26)), int(rng.integers(3, 5))
    parameters = learner.initialize_parameters(n_x, n_h, n_y)
    expect_keys(parameters, list(PARAMETER_NAMES), name="parameters")
    expect_shape(parameters["W1"], (n_h, n_x), name='parameters["W1"]')
    expect_shape(parameters["W2"], (n_y, n_h), name='parameters["W2"]')
    expect_small_random(parameters["W1"], name='parameters["W1"]', shape_text="n_h, n_x", low=0.006, high=0.015)
    expect_small_random(parameters["W2"], name='parameters["W2"]', shape_text="n_y, n_h", low=0.004, high=0.02)


# -- forward_propagation --------------------------------------------------------------------


def _forward_problem(rng):
    parameters, X, _ = random_problem(rng, n_y=1)
    return parameters, X


@check("forward_propagation", points=2)
def test_forward_propagation_A2(learner, reference, rng):
    """A2 = sigmoid(W2 tanh(W1 X + b1) + b2) on a random problem, without modifying the inputs."""
    parameters, X = _forward_problem(rng)
    outcome = learner.forward_propagation.run(X, parameters)
    A2, _ = forward_result(outcome.value)
    want, _ = reference.forward_propagation(X, parameters)
    expect_array(A2, want, name="A2", mistakes=forward_mistakes(X, parameters, "A2"))
    (X_after, parameters_after), _ = outcome.args_after
    expect_unchanged([X], [X_after], ["X"], function="forward_propagation")
    expect_dict_unchanged(parameters, parameters_after, name="parameters", function="forward_propagation",
                          advice=READ_ONLY)


@check("forward_propagation")
def test_forward_propagation_cache(learner, reference, rng):
    """The cache holds Z1, A1, Z2 and A2 under their own names."""
    parameters, X = _forward_problem(rng)
    _, cache = forward_result(learner.forward_propagation(X, parameters))
    _, want = reference.forward_propagation(X, parameters)
    expect_cache(cache, want, mistakes_for=lambda key: forward_mistakes(X, parameters, key))


@check("forward_propagation")
def test_forward_propagation_vectorized(learner, reference, rng):
    """forward_propagation handles all m examples at once, without a Python loop over them."""
    m = 4000
    parameters = random_parameters(rng, 2, 6, 1)
    X = rng.normal(size=(2, m))
    A2, _ = forward_result(learner.forward_propagation(X, parameters))
    expect_array(A2, reference.forward_propagation(X, parameters)[0], name="A2 (m = 4000)",
                 mistakes=forward_mistakes(X, parameters, "A2"))
    expect_vectorized(learner.forward_propagation, reference.forward_propagation, (X, parameters), m=m)


# -- compute_cost -------------------------------------------------------------------------------


@check("compute_cost")
def test_compute_cost_random(learner, reference, rng):
    """The cross-entropy cost of random predictions is a scalar averaged over the m examples."""
    _, n_h, _, m = sizes(rng)
    A2 = rng.uniform(0.05, 0.95, size=(1, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, 1] = 0.0, 1.0
    parameters = random_parameters(rng, 2, n_h, 1)
    want = reference.compute_cost(A2, Y)
    expect_scalar(call_compute_cost(learner, A2, Y, parameters), want, name="cost", m=m, mistakes={
        mistake("week3.compute_cost.only_y_term"): float(-np.sum(Y * np.log(A2)) / m),
    })


@check("compute_cost")
def test_compute_cost_confident_predictions(learner, reference, rng):
    """A larger example with confident predictions (A2 close to 0 and 1); A2 and Y are left unchanged."""
    m = int(rng.integers(40, 60))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    A2 = np.where(Y == 1, rng.uniform(0.7, 0.999, (1, m)), rng.uniform(0.001, 0.3, (1, m)))
    parameters = random_parameters(rng, 2, 5, 1)
    outcome = call_compute_cost(learner, A2, Y, parameters, run=True)
    expect_scalar(outcome.value, reference.compute_cost(A2, Y), name="cost", m=m)
    expect_unchanged([A2, Y], outcome.args_after[0][:2], ["A2", "Y"], function="compute_cost")


# -- backward_propagation ------------------------------------------------------------------------


def _backward_problem(reference, rng):
    parameters, X, Y = random_problem(rng)  # n_y = 2 or 3
    _, cache = reference.forward_propagation(X, parameters)
    return parameters, cache, X, Y


# Centred differences have an absolute error near 1e-11 here, so a gradient entry close to zero
# (~1e-6) can show a relative error above 1e-5 for a correct gradient; every classic mistake
# gives errors above 1e-2.
GRADIENT_THRESHOLD = 1e-4

_BIAS_HOW = {
    "db1": "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
    "db2": "db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
}


@check("backward_propagation", points=2)
def test_backward_propagation_gradient_check(learner, reference, rng):
    """dW1, db1, dW2, db2 agree with numeric gradients of the cost (several outputs, 5-7 hidden units)."""
    parameters, cache, X, Y = _backward_problem(reference, rng)
    m = X.shape[1]
    want = reference.backward_propagation(parameters, cache, X, Y)

    def cost(p):
        return reference.compute_cost(reference.forward_propagation(X, p)[0], Y)

    numeric = numeric_parameter_gradients(cost, parameters)

    def judge(given):
        grads = learner.backward_propagation(parameters, given, X, Y)
        expect_keys(grads, ["dW1", "db1", "dW2", "db2"], name="grads")
        for name in ("dW2", "db2", "dW1", "db1"):
            if name in _BIAS_HOW:  # the shape diagnoses of a bias first: a float, a rank-1 array, a square
                expect_bias(grads[name], want[name], name=f'grads["{name}"]', what=_BIAS_HOW[name], m=m,
                            mistakes=backward_mistakes(parameters, cache, X, Y, name))
            expect_gradient(grads[name], numeric[name[1:]], want=want[name], name=f'grads["{name}"]', m=m,
                            mistakes=backward_mistakes(parameters, cache, X, Y, name), threshold=GRADIENT_THRESHOLD)

    expect_with_either_cache(judge, cache, own_cache(learner, X, parameters), forward="forward_propagation",
                             backward="backward_propagation")


def _expect_grads(grads, want, problem, *, label=""):
    """dW1, dW2 and the bias gradients db1, db2 against the reference's, with the classic mistakes."""
    parameters, cache, X, Y = problem
    m = X.shape[1]
    expect_keys(grads, ["dW1", "db1", "dW2", "db2"], name="grads")
    for name in ("dW1", "dW2"):
        expect_array(grads[name], want[name], name=f'grads["{name}"]{label}', m=m,
                     mistakes=backward_mistakes(parameters, cache, X, Y, name))
    for name in ("db1", "db2"):
        expect_bias(grads[name], want[name], name=f'grads["{name}"]{label}', what=_BIAS_HOW[name], m=m,
                    mistakes=backward_mistakes(parameters, cache, X, Y, name))


@check("backward_propagation")
def test_backward_propagation_values(learner, reference, rng):
    """The gradients match the reference's, and parameters, cache, X and Y are left unchanged."""
    parameters, cache, X, Y = _backward_problem(reference, rng)
    want = reference.backward_propagation(parameters, cache, X, Y)

    def judge(given):
        outcome = learner.backward_propagation.run(parameters, given, X, Y)
        _expect_grads(outcome.value, want, (parameters, cache, X, Y))
        (parameters_after, cache_after, X_after, Y_after), _ = outcome.args_after
        expect_unchanged([X, Y], [X_after, Y_after], ["X", "Y"], function="backward_propagation")
        expect_dict_unchanged(parameters, parameters_after, name="parameters", function="backward_propagation",
                              advice=KEEP_INPUTS)
        if isinstance(given, dict):
            expect_dict_unchanged(given, cache_after, name="cache", function="backward_propagation",
                                  advice=KEEP_INPUTS)
        else:
            expect_unchanged([given], [cache_after], ["cache"], function="backward_propagation")

    expect_with_either_cache(judge, cache, own_cache(learner, X, parameters), forward="forward_propagation",
                             backward="backward_propagation")


@check("backward_propagation")
def test_backward_propagation_vectorized(learner, reference, rng):
    """backward_propagation handles all m examples at once, without a Python loop over them."""
    m = 4000
    parameters = random_parameters(rng, 2, 6, 1)
    X = rng.normal(size=(2, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    _, cache = reference.forward_propagation(X, parameters)
    want = reference.backward_propagation(parameters, cache, X, Y)

    def judge(given):
        _expect_grads(learner.backward_propagation(parameters, given, X, Y), want, (parameters, cache, X, Y),
                      label=" (m = 4000)")
        # The reference is timed on the template's cache: a learner's cache never reaches trusted code.
        expect_vectorized(learner.backward_propagation, lambda p, _, X_, Y_: reference.backward_propagation(
            p, cache, X_, Y_), (parameters, given, X, Y), m=m)

    expect_with_either_cache(judge, cache, own_cache(learner, X, parameters), forward="forward_propagation",
                             backward="backward_propagation")


# -- update_parameters ----------------------------------------------------------------------------


def _update_problem(reference, rng):
    parameters, cache, X, Y = _backward_problem(reference, rng)
    grads = reference.backward_propagation(parameters, cache, X, Y)
    return parameters, grads


def _update_mistakes(parameters, grads, name, lr):
    return {
        mistake("week3.update_parameters.wrong_sign", name=name): parameters[name] + lr * grads["d" + name],
        mistake("week3.update_parameters.ignored_learning_rate", name=name): parameters[name] - 1.2 * grads["d" + name],
    }


@check("update_parameters")
def test_update_parameters_random(learner, reference, rng):
    """One step with a random learning rate, several outputs."""
    parameters, grads = _update_problem(reference, rng)
    lr = float(rng.uniform(0.05, 0.9))
    new = learner.update_parameters(parameters, grads, lr)
    want = reference.update_parameters(parameters, grads, lr)
    expect_keys(new, list(PARAMETER_NAMES), name="parameters")
    for name in PARAMETER_NAMES:
        expect_array(new[name], want[name], name=f'parameters["{name}"]',
                     mistakes=_update_mistakes(parameters, grads, name, lr))


@check("update_parameters")
def test_update_parameters_keeps_inputs(learner, reference, rng):
    """The update returns new parameters and leaves the caller's parameters and grads unchanged."""
    parameters, grads = _update_problem(reference, rng)
    lr = float(rng.uniform(0.05, 0.9))
    outcome = learner.update_parameters.run(copy_parameters(parameters), copy_parameters(grads), learning_rate=lr)
    new = outcome.value
    want = reference.update_parameters(parameters, grads, lr)
    expect_keys(new, list(PARAMETER_NAMES), name="parameters")
    for name in PARAMETER_NAMES:
        expect_array(new[name], want[name], name=f'parameters["{name}"]',
                     mistakes=_update_mistakes(parameters, grads, name, lr))
    (parameters_after, grads_after), _ = outcome.args_after
    expect_dict_unchanged(parameters, parameters_after, name="parameters", function="update_parameters",
                          advice=UPDATE_COPIES)
    expect_dict_unchanged(grads, grads_after, name="grads", function="update_parameters", advice=UPDATE_COPIES)


# -- nn_model -----------------------------------------------------------------------------------------

ITERATIONS = 300


def _reference_runs(reference, rng, X, Y, n_h, runs=3):
    """(accuracy, cost) of the reference nn_model from a few random initializations."""
    state = np.random.get_state()
    try:
        results = []
        for _ in range(runs):
            np.random.seed(int(rng.integers(2**31)))
            parameters = reference.nn_model(X, Y, n_h, num_iterations=ITERATIONS)
            results.append((accuracy(reference.predict(parameters, X), Y), _cost(reference, parameters, X, Y)))
        return results
    finally:
        np.random.set_state(state)


def _cost(reference, parameters, X, Y):
    return reference.compute_cost(reference.forward_propagation(X, parameters)[0], Y)


def _trained(learner, X, Y, n_h, num_iterations):
    """The learner's nn_model parameters, checked to be exactly W1, b1, W2, b2 of the right shapes:
    the reference computes with them next."""
    parameters = learner.nn_model(X, Y, n_h, num_iterations=num_iterations)
    expect_keys(parameters, list(PARAMETER_NAMES), name="parameters")
    W1 = parameters["W1"]
    if isinstance(W1, np.ndarray) and W1.shape == (4, 2) and n_h != 4:
        fail(mistake("week3.nn_model.n_h_from_layer_sizes", n_h=n_h))
    shapes = {"W1": (n_h, 2), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}
    return expect_like(parameters, {name: np.zeros(shape) for name, shape in shapes.items()}, name="parameters")


def _accuracy_and_cost(reference, parameters, X, Y):
    """The reference's accuracy and cost with the learner's parameters (checked by ``_trained``)."""
    with computing_with(say("week3.nn_model.returned_parameters")):
        return accuracy(reference.predict(parameters, X), Y), _cost(reference, parameters, X, Y)


@check("nn_model")
def test_nn_model_cost_decreases(learner, reference, rng):
    """The cost of the learned parameters goes down: 300 iterations end well below the first one.

    nn_model's first hidden check, with 1 iteration first: that is what the shuffled call before it repeats
    (grader.checks.state)."""
    X, Y = flower(rng, 100)
    n_h = int(rng.choice([5, 6, 7]))
    _, start = _accuracy_and_cost(reference, _trained(learner, X, Y, n_h, 1), X, Y)
    _, end = _accuracy_and_cost(reference, _trained(learner, X, Y, n_h, ITERATIONS), X, Y)
    if end >= start - 0.1:
        fail(say("week3.nn_model.cost_not_decreasing", start=start, iterations=ITERATIONS, end=end))


@check("nn_model", points=2)
def test_nn_model_learns_the_flower(learner, reference, rng):
    """After 300 iterations on flower data, nn_model classifies about as well as the reference."""
    # A correct network occasionally lands in a poor local minimum from its random start: a second
    # try, on other flower data, makes a false failure very unlikely (a broken model fails both).
    for attempt in (1, 2):
        X, Y = flower(rng, 120)
        n_h = int(rng.choice([5, 6, 7]))
        got, _ = _accuracy_and_cost(reference, _trained(learner, X, Y, n_h, ITERATIONS), X, Y)
        runs = _reference_runs(reference, rng, X, Y, n_h)
        want = float(np.median([a for a, _ in runs]))
        if got >= want - 10:
            return
    fail(say("week3.nn_model.accuracy_low", iterations=ITERATIONS, points=X.shape[1], n_h=n_h, got=got, want=want))


# -- predict --------------------------------------------------------------------------------------------


@check("predict")
def test_predict_random(learner, reference, rng):
    """0/1 predictions of shape (1, m) on a random problem; parameters and X are left unchanged."""
    parameters, X, _ = random_problem(rng, n_y=1)
    X = np.hstack([X, -X])
    outcome = learner.predict.run(parameters, X)
    expect_array(outcome.value, reference.predict(parameters, X), name="predictions")
    (parameters_after, X_after), _ = outcome.args_after
    expect_unchanged([X], [X_after], ["X"], function="predict")
    expect_dict_unchanged(parameters, parameters_after, name="parameters", function="predict",
                          advice=READ_ONLY)


@check("predict")
def test_predict_threshold(learner, reference, rng):
    """An output of exactly 0.5 predicts 0: only A2 > 0.5 is class 1."""
    parameters, X, _ = random_problem(rng, n_y=1)
    parameters["b1"] = np.zeros_like(parameters["b1"])
    parameters["b2"] = np.zeros_like(parameters["b2"])
    X[:, ::2] = 0.0  # Z1 = 0, A1 = tanh(0) = 0, Z2 = 0: A2 is exactly 0.5 in these columns
    A2, _ = reference.forward_propagation(X, parameters)
    expect_array(learner.predict(parameters, X), reference.predict(parameters, X), name="predictions", mistakes={
        mistake("week3.predict.threshold"): (A2 >= 0.5).astype(float),
    })
