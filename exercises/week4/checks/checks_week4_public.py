"""Public checks of week 4: small fixed examples of the size the notebook uses.

Run by `grade submit exercises/week4`; the hidden checks (in solutions/) repeat
every function on fresh random inputs seeded per submission, with numeric
gradient checks of every backward function and vectorization checks of the whole
forward and backward passes.
"""

from __future__ import annotations

import numpy as np
from problems_week4 import (
    LAYER_COUNT_HINT,
    activation_backward_mistakes,
    backward_mistakes,
    expect_activation_cache,
    expect_caches,
    expect_column,
    expect_dA_keys,
    expect_initialized,
    expect_linear_cache,
    expect_pair,
    fixed_backward,
    fixed_layer,
    fixed_network,
    forward_mistakes,
    key_error_past,
    linear_backward_mistakes,
    own_activation_cache,
    own_caches,
    own_linear_cache,
    with_hint,
)

from grader.checks import (
    check,
    expect_array,
    expect_keys,
    expect_scalar,
    expect_tuple,
    expect_with_either_cache,
    mistake,
)

LINEAR_CACHE_MISSING = mistake("week4.linear_forward.cache_missing")
ACTIVATION_CACHE_MISSING = mistake("week4.linear_activation_forward.cache_missing")


@check("initialize_parameters")
def test_initialize_parameters_example(learner):
    """initialize_parameters(3, 2, 1): shapes, zero biases, small random weights."""
    parameters = learner.initialize_parameters(3, 2, 1)
    expect_initialized(parameters, [3, 2, 1])


@check("initialize_parameters_deep")
def test_initialize_parameters_deep_example(learner):
    """initialize_parameters_deep([5, 4, 3]): shapes, zero biases, small random weights."""
    parameters = learner.initialize_parameters_deep([5, 4, 3])
    expect_initialized(parameters, [5, 4, 3])


@check("linear_forward")
def test_linear_forward_example(learner, reference):
    """Z = W A + b and cache = (A, W, b) on a (2, 3) layer with 4 examples."""
    A, W, b = fixed_layer()
    Z, cache = expect_pair(learner.linear_forward(A, W, b), ("Z", "cache"), function="linear_forward",
                           missing_hint=LINEAR_CACHE_MISSING)
    expect_array(Z, reference.linear_forward(A, W, b)[0], name="Z")
    expect_linear_cache(cache, A, W, b, name="cache")


@check("linear_activation_forward")
def test_linear_activation_forward_example(learner, reference):
    """A and cache for activation="sigmoid" and activation="relu" on a (2, 3) layer."""
    A_prev, W, b = fixed_layer()
    for activation in ("sigmoid", "relu"):
        A, cache = expect_pair(learner.linear_activation_forward(A_prev, W, b, activation), ("A", "cache"),
                               function="linear_activation_forward", missing_hint=ACTIVATION_CACHE_MISSING)
        want, (_, Z) = reference.linear_activation_forward(A_prev, W, b, activation)
        expect_array(A, want, name=f'A (activation="{activation}")')
        expect_activation_cache(cache, A_prev, W, b, Z, want, name=f'cache (activation="{activation}")')


@check("L_model_forward")
def test_L_model_forward_example(learner, reference):
    """A [4, 3, 2, 1] network (L = 3) on 5 examples: AL and the 3 caches."""
    X, parameters = fixed_network()
    result = with_hint(lambda: learner.L_model_forward(X, parameters), key_error_past(3), LAYER_COUNT_HINT)
    AL, caches = expect_tuple(result, ["AL", "caches"], function="L_model_forward")
    want, want_caches = reference.L_model_forward(X, parameters)
    expect_array(AL, want, name="AL", mistakes=forward_mistakes(reference, X, parameters))
    expect_caches(caches, 3, want_caches)


@check("compute_cost")
def test_compute_cost_example(learner, reference):
    """The cross-entropy cost of 3 predictions."""
    AL, Y = np.array([[0.8, 0.9, 0.4]]), np.array([[1.0, 1.0, 0.0]])
    expect_scalar(learner.compute_cost(AL, Y), reference.compute_cost(AL, Y), name="cost", m=3)


@check("linear_backward")
def test_linear_backward_example(learner, reference):
    """dA_prev, dW, db of a (2, 3) layer with 4 examples."""
    A_prev, W, b = fixed_layer()
    dZ = np.array([[1.2, -0.4, 0.3, 0.8], [-0.7, 0.5, 1.1, -0.2]])
    cache = (A_prev, W, b)
    want = reference.linear_backward(dZ, cache)

    def judge(given):
        got = expect_tuple(learner.linear_backward(dZ, given), ["dA_prev", "dW", "db"], function="linear_backward")
        expect_array(got[1], want[1], name="dW", m=4, mistakes=linear_backward_mistakes(dZ, cache, 1))
        expect_column(got[2], want[2], name="db")
        expect_array(got[2], want[2], name="db", m=4, mistakes=linear_backward_mistakes(dZ, cache, 2))
        expect_array(got[0], want[0], name="dA_prev", mistakes=linear_backward_mistakes(dZ, cache, 0))

    expect_with_either_cache(judge, cache, own_linear_cache(learner, *cache), forward="linear_forward",
                             backward="linear_backward")


@check("linear_activation_backward")
def test_linear_activation_backward_example(learner, reference):
    """dA_prev, dW, db through a sigmoid and through a ReLU layer."""
    A_prev, W, b = fixed_layer()
    dA = np.array([[0.6, -1.1, 0.4, 0.9], [-0.3, 0.8, -0.5, 1.3]])
    for activation in ("sigmoid", "relu"):
        _, cache = reference.linear_activation_forward(A_prev, W, b, activation)
        want = reference.linear_activation_backward(dA, cache, activation)

        def judge(given, activation=activation, cache=cache, want=want):
            got = expect_tuple(learner.linear_activation_backward(dA, given, activation), ["dA_prev", "dW", "db"],
                               function="linear_activation_backward")
            for index, name in ((1, "dW"), (2, "db"), (0, "dA_prev")):  # dW shows a wrong dZ most clearly
                if index == 2:
                    expect_column(got[2], want[2], name="db")
                expect_array(got[index], want[index], name=f'{name} (activation="{activation}")',
                             m=4 if index else None,
                             mistakes=activation_backward_mistakes(reference, dA, cache, activation, index))

        expect_with_either_cache(judge, cache, own_activation_cache(learner, A_prev, W, b, activation),
                                 forward="linear_activation_forward", backward="linear_activation_backward")


@check("L_model_backward")
def test_L_model_backward_example(learner, reference):
    """grads of the [4, 3, 2, 1] network: dA0 .. dA2, dW1 .. dW3, db1 .. db3."""
    AL, Y, caches = fixed_backward(reference)
    X, parameters = fixed_network()
    want = reference.L_model_backward(AL, Y, caches)

    def judge(given):
        grads = learner.L_model_backward(AL, Y, given)
        expect_keys(grads, [f"{p}{l}" for l in range(1, 4) for p in ("dW", "db")], name="grads")
        for l in range(3, 0, -1):  # from the output layer down, where a mistake shows first
            expect_array(grads[f"dW{l}"], want[f"dW{l}"], name=f'grads["dW{l}"]', m=5,
                         mistakes=backward_mistakes(reference, AL, Y, caches, f"dW{l}"))
            expect_column(grads[f"db{l}"], want[f"db{l}"], name=f'grads["db{l}"]')
            expect_array(grads[f"db{l}"], want[f"db{l}"], name=f'grads["db{l}"]', m=5,
                         mistakes=backward_mistakes(reference, AL, Y, caches, f"db{l}"))
        expect_dA_keys(grads, 3, right=want)
        for l in range(2, -1, -1):
            expect_array(grads[f"dA{l}"], want[f"dA{l}"], name=f'grads["dA{l}"]', m=5,
                         mistakes=backward_mistakes(reference, AL, Y, caches, f"dA{l}"))

    expect_with_either_cache(judge, caches, own_caches(learner, X, parameters), forward="L_model_forward",
                             backward="L_model_backward")


@check("update_parameters")
def test_update_parameters_example(learner, reference):
    """One gradient-descent step with learning rate 0.1 on the [4, 3, 2, 1] network."""
    AL, Y, caches = fixed_backward(reference)
    _, parameters = fixed_network()
    grads = reference.L_model_backward(AL, Y, caches)
    result = with_hint(lambda: learner.update_parameters(parameters, grads, 0.1), key_error_past(3),
                       LAYER_COUNT_HINT)
    want = reference.update_parameters(parameters, grads, 0.1)
    expect_keys(result, list(want), name="parameters")
    for key in want:
        expect_array(result[key], want[key], name=f'parameters["{key}"]', mistakes={
            mistake("week4.update_parameters.wrong_sign", key=key): parameters[key] + 0.1 * grads["d" + key],
        })
