"""Public checks of week 3: the notebook's small fixed examples.

Run by `grade submit exercises/week3`; the hidden checks (in solutions/) repeat
each function on fresh random inputs seeded per submission, check gradients
numerically, time the forward and backward passes, and train on flower data.
"""

from __future__ import annotations

import numpy as np
from problems_week3 import (
    PARAMETER_NAMES,
    backward_mistakes,
    call_compute_cost,
    course_example,
    expect_bias,
    expect_cache,
    expect_layer_sizes,
    expect_small_random,
    flower,
    forward_mistakes,
    forward_result,
    own_cache,
)

from grader.checks import (
    check,
    expect_array,
    expect_keys,
    expect_scalar,
    expect_shape,
    expect_with_either_cache,
    fail,
    mistake,
    say,
)


@check("layer_sizes")
def test_layer_sizes_example(learner):
    """layer_sizes of a (5, 3) X and a (2, 3) Y is (5, 4, 2)."""
    X, Y = np.ones((5, 3)), np.ones((2, 3))
    expect_layer_sizes(learner.layer_sizes(X, Y), X, Y)


@check("initialize_parameters")
def test_initialize_parameters_example(learner):
    """initialize_parameters(3, 5, 2): shapes, zero biases, small random weights."""
    parameters = learner.initialize_parameters(3, 5, 2)
    expect_keys(parameters, list(PARAMETER_NAMES), name="parameters")
    expect_shape(parameters["W1"], (5, 3), name='parameters["W1"]')
    expect_bias(parameters["b1"], np.zeros((5, 1)), name='parameters["b1"]', what="np.zeros((n_h, 1))")
    expect_shape(parameters["W2"], (2, 5), name='parameters["W2"]')
    expect_bias(parameters["b2"], np.zeros((2, 1)), name='parameters["b2"]', what="np.zeros((n_y, 1))")
    expect_small_random(parameters["W1"], name='parameters["W1"]', shape_text="n_h, n_x", low=0.002, high=0.04)
    expect_small_random(parameters["W2"], name='parameters["W2"]', shape_text="n_y, n_h", low=0.002, high=0.04)


@check("forward_propagation")
def test_forward_propagation_example(learner, reference):
    """forward_propagation on the notebook's example: A2 and the cache."""
    parameters, X, _ = course_example()
    A2, cache = forward_result(learner.forward_propagation(X, parameters))
    want_A2, want_cache = reference.forward_propagation(X, parameters)
    expect_array(A2, want_A2, name="A2", mistakes=forward_mistakes(X, parameters, "A2"))
    expect_cache(cache, want_cache, mistakes_for=lambda key: forward_mistakes(X, parameters, key))


@check("compute_cost")
def test_compute_cost_example(learner, reference):
    """compute_cost of five predictions is the scalar cross-entropy."""
    A2 = np.array([[0.62, 0.18, 0.91, 0.44, 0.73]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 0.0]])
    parameters, _, _ = course_example()
    cost = call_compute_cost(learner, A2, Y, parameters)
    expect_scalar(cost, reference.compute_cost(A2, Y), name="cost", m=5)


@check("backward_propagation", points=2)
def test_backward_propagation_example(learner, reference):
    """backward_propagation on the notebook's example: dW1, db1, dW2, db2."""
    parameters, X, Y = course_example()
    _, cache = reference.forward_propagation(X, parameters)
    want = reference.backward_propagation(parameters, cache, X, Y)

    def judge(given):
        grads = learner.backward_propagation(parameters, given, X, Y)
        expect_keys(grads, ["dW1", "db1", "dW2", "db2"], name="grads")
        expect_array(grads["dW2"], want["dW2"], name='grads["dW2"]', m=3)
        expect_bias(grads["db2"], want["db2"], name='grads["db2"]', m=3,
                    what="db2 = np.sum(dZ2, axis=1, keepdims=True) / m")
        expect_array(grads["dW1"], want["dW1"], name='grads["dW1"]', m=3,
                     mistakes=backward_mistakes(parameters, cache, X, Y, "dW1"))
        expect_bias(grads["db1"], want["db1"], name='grads["db1"]', m=3,
                    what="db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                    mistakes=backward_mistakes(parameters, cache, X, Y, "db1"))

    expect_with_either_cache(judge, cache, own_cache(learner, X, parameters), forward="forward_propagation",
                             backward="backward_propagation")


@check("update_parameters")
def test_update_parameters_example(learner, reference):
    """One gradient descent step with the default learning rate 1.2."""
    parameters, X, Y = course_example()
    _, cache = reference.forward_propagation(X, parameters)
    grads = reference.backward_propagation(parameters, cache, X, Y)
    new = learner.update_parameters(parameters, grads)
    want = reference.update_parameters(parameters, grads)
    expect_keys(new, list(PARAMETER_NAMES), name="parameters")
    for name in PARAMETER_NAMES:
        expect_array(new[name], want[name], name=f'parameters["{name}"]', mistakes={
            mistake("week3.update_parameters.wrong_sign", name=name): parameters[name] + 1.2 * grads["d" + name],
        })


@check("nn_model")
def test_nn_model_uses_its_arguments(learner):
    """nn_model(X, Y, n_h=5, num_iterations=2) returns parameters for 5 hidden units, still small."""
    X, Y = flower(np.random.default_rng(0), 60)
    parameters = learner.nn_model(X, Y, 5, num_iterations=2)
    expect_keys(parameters, list(PARAMETER_NAMES), name="parameters")
    W1 = parameters["W1"]
    if isinstance(W1, np.ndarray) and W1.ndim == 2 and W1.shape == (4, 2):
        fail(mistake("week3.nn_model.n_h_from_layer_sizes", n_h=5))
    expect_shape(W1, (5, 2), name='parameters["W1"]')
    expect_shape(parameters["b1"], (5, 1), name='parameters["b1"]')
    expect_shape(parameters["W2"], (1, 5), name='parameters["W2"]')
    expect_shape(parameters["b2"], (1, 1), name='parameters["b2"]')
    largest = max(float(np.max(np.abs(parameters[k]))) for k in PARAMETER_NAMES)
    if largest >= 0.2:
        fail(say("week3.nn_model.not_small", largest=largest))


@check("predict")
def test_predict_example(learner, reference):
    """predict on the notebook's example parameters."""
    parameters, X, _ = course_example()
    X = np.hstack([X, -X, 2 * X])
    expect_array(learner.predict(parameters, X), reference.predict(parameters, X), name="predictions")

