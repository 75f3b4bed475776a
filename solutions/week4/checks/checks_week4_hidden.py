"""Hidden checks of week 4: fresh random inputs per submission, gradient checks, mistakes.

Every input comes from ``rng``, seeded per submission and per check. Networks have
L >= 3 layers, hidden widths of 3 to 6 and output layers of 2 or 3 units (1 for
L_model_forward, whose course template asserts AL.shape == (1, m)); no W is square
and m is larger than every width. Every backward function is checked against
centred differences of the reference's forward pass (problems_week4.py), not only
against stored numbers; initialization is checked by its statistics; the forward
and backward passes must be vectorized over the examples.
"""

from __future__ import annotations

import numpy as np
from problems_week4 import (
    LAYER_COUNT_HINT,
    activation_backward_mistakes,
    activation_backward_problem,
    backward_mistakes,
    deep_problem,
    expect_activation_cache,
    expect_caches,
    expect_column,
    expect_dA_keys,
    expect_grad,
    expect_initialized,
    expect_linear_cache,
    expect_pair,
    expect_pass_vectorized,
    forward_mistakes,
    forward_problem,
    key_error_past,
    labels,
    layer_problem,
    layer_sizes,
    linear_backward_mistakes,
    linear_backward_problem,
    numeric_activation_grads,
    numeric_linear,
    numeric_parameter_grads,
    own_activation_cache,
    own_caches,
    own_linear_cache,
    with_hint,
)

from grader.checks import (
    check,
    computing_with,
    expect_array,
    expect_keys,
    expect_like,
    expect_scalar,
    expect_tuple,
    expect_with_either_cache,
    fail,
    mistake,
    say,
)

# The diagnoses of a missing cache, by id (expect_pair gives them with mistake(...)).
LINEAR_CACHE_MISSING = "week4.linear_forward.cache_missing"
ACTIVATION_CACHE_MISSING = "week4.linear_activation_forward.cache_missing"
VECTORIZED_DIMS = [12, 16, 10, 8, 1]  # one output unit: L_model_forward's template asserts AL.shape == (1, m)
VECTORIZED_M = 4000
# A loop over the examples makes the passes 20x (forward) to 60x (backward) slower on these
# sizes; a vectorized learner pays only the transfer of the inputs to the sandbox and the
# copies the timing makes (forward about 2x, backward up to 8x: its caches hold every layer).


def _three_sizes(rng, low, high):
    """Three different sizes in [low, high)."""
    sizes = rng.choice(np.arange(low, high), size=3, replace=False)
    return [int(s) for s in sizes]


# -- Initialization ---------------------------------------------------------------


@check("initialize_parameters")
def test_initialize_parameters_shapes(learner, rng):
    """W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1) for random sizes, zero float biases."""
    n_x, n_h, n_y = _three_sizes(rng, 2, 9)
    parameters = learner.initialize_parameters(n_x, n_h, n_y)
    expect_initialized(parameters, [n_x, n_h, n_y])


@check("initialize_parameters")
def test_initialize_parameters_scale(learner, rng):
    """On a large layer the weights have mean ~0 and standard deviation ~0.01 (randn * 0.01)."""
    dims = [int(rng.integers(60, 90)), int(rng.integers(30, 50)), int(rng.integers(4, 7))]
    parameters = learner.initialize_parameters(*dims)
    expect_initialized(parameters, dims)


@check("initialize_parameters_deep")
def test_initialize_parameters_deep_shapes(learner, rng):
    """W{l} (n_l, n_{l-1}) and b{l} (n_l, 1) for every layer of a random L >= 3 network."""
    dims = layer_sizes(rng)
    parameters = learner.initialize_parameters_deep(list(dims))
    expect_initialized(parameters, dims)


@check("initialize_parameters_deep")
def test_initialize_parameters_deep_scale(learner, rng):
    """On large layers every W{l} has mean ~0 and standard deviation ~0.01; every b{l} is zero."""
    dims = [int(rng.integers(60, 90)), int(rng.integers(30, 50)), int(rng.integers(12, 25)), int(rng.integers(4, 7))]
    parameters = learner.initialize_parameters_deep(list(dims))
    expect_initialized(parameters, dims)


# -- Forward propagation --------------------------------------------------------------


@check("linear_forward")
def test_linear_forward_random(learner, reference, rng):
    """Z = W A + b on a random layer (b broadcast over the examples)."""
    A, W, b = layer_problem(rng)
    Z, _ = expect_pair(learner.linear_forward(A, W, b), ("Z", "cache"), function="linear_forward",
                       missing_hint=LINEAR_CACHE_MISSING)
    expect_array(Z, reference.linear_forward(A, W, b)[0], name="Z", mistakes={
        mistake("week4.linear_forward.no_bias"): np.dot(W, A),
    })


@check("linear_forward")
def test_linear_forward_cache(learner, reference, rng):
    """Z is right and cache is the tuple (A, W, b), in that order."""
    A, W, b = layer_problem(rng)
    Z, cache = expect_pair(learner.linear_forward(A, W, b), ("Z", "cache"), function="linear_forward",
                           missing_hint=LINEAR_CACHE_MISSING)
    expect_array(Z, reference.linear_forward(A, W, b)[0], name="Z")
    expect_linear_cache(cache, A, W, b, name="cache")


def _activation_forward(learner, reference, rng, activation):
    A_prev, W, b = layer_problem(rng)
    A, cache = expect_pair(learner.linear_activation_forward(A_prev, W, b, activation), ("A", "cache"),
                           function="linear_activation_forward", missing_hint=ACTIVATION_CACHE_MISSING)
    want, (_, Z) = reference.linear_activation_forward(A_prev, W, b, activation)
    return (A_prev, W, b), A, cache, want, Z


@check("linear_activation_forward")
def test_linear_activation_forward_relu(learner, reference, rng):
    """activation="relu" gives A = max(0, W A_prev + b)."""
    _, A, _, want, Z = _activation_forward(learner, reference, rng, "relu")
    expect_array(A, want, name='A (activation="relu")', mistakes={
        mistake("week4.linear_activation_forward.relu_branch_sigmoid"): reference.sigmoid(Z)[0],
        mistake("week4.linear_activation_forward.no_activation", activation="relu"): Z,
    })


@check("linear_activation_forward")
def test_linear_activation_forward_sigmoid(learner, reference, rng):
    """activation="sigmoid" gives A = sigmoid(W A_prev + b)."""
    _, A, _, want, Z = _activation_forward(learner, reference, rng, "sigmoid")
    expect_array(A, want, name='A (activation="sigmoid")', mistakes={
        mistake("week4.linear_activation_forward.sigmoid_branch_relu"): reference.relu(Z)[0],
        mistake("week4.linear_activation_forward.no_activation", activation="sigmoid"): Z,
    })


@check("linear_activation_forward")
def test_linear_activation_forward_cache(learner, reference, rng):
    """cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z) for both activations."""
    for activation in ("relu", "sigmoid"):
        (A_prev, W, b), A, cache, want, Z = _activation_forward(learner, reference, rng, activation)
        expect_activation_cache(cache, A_prev, W, b, Z, want, name=f'cache (activation="{activation}")')


@check("L_model_forward", points=2)
def test_L_model_forward_random(learner, reference, rng):
    """AL of a random network with L >= 3 layers and an output layer of several units."""
    X, parameters = forward_problem(rng)
    L = len(parameters) // 2
    result = with_hint(lambda: learner.L_model_forward(X, parameters), key_error_past(L), LAYER_COUNT_HINT)
    AL, _ = expect_tuple(result, ["AL", "caches"], function="L_model_forward")
    want, caches = reference.L_model_forward(X, parameters)
    if isinstance(AL, np.ndarray) and AL.shape == caches[-1][0][0].shape != want.shape:
        fail(say("week4.l_model_forward.al_shape", got_shape=AL.shape, want_shape=want.shape),
             mistake("week4.l_model_forward.output_missing", hidden=L - 1, L=L))
    expect_array(AL, want, name="AL", mistakes=forward_mistakes(reference, X, parameters))


@check("L_model_forward")
def test_L_model_forward_caches(learner, reference, rng):
    """caches holds one ((A_prev, W, b), Z) per layer, layer 1 first, the output layer included."""
    X, parameters = forward_problem(rng)
    L = len(parameters) // 2
    result = with_hint(lambda: learner.L_model_forward(X, parameters), key_error_past(L), LAYER_COUNT_HINT)
    _, caches = expect_tuple(result, ["AL", "caches"], function="L_model_forward")
    _, want = reference.L_model_forward(X, parameters)
    expect_caches(caches, L, want)
    for l, ((A_prev, W, b), Z) in enumerate(want):
        activation = reference.relu if l < L - 1 else reference.sigmoid
        expect_activation_cache(caches[l], A_prev, W, b, Z, activation(Z)[0],
                                name=say("week4.names.cache_of_layer", index=l, layer=l + 1))


@check("L_model_forward")
def test_L_model_forward_vectorized(learner, reference, rng):
    """L_model_forward runs without a Python loop over the examples (the loop over layers is fine)."""
    X, parameters = forward_problem(rng, VECTORIZED_DIMS, VECTORIZED_M)
    L = len(parameters) // 2
    result = with_hint(lambda: learner.L_model_forward(X[:, :12], parameters), key_error_past(L), LAYER_COUNT_HINT)
    AL, _ = expect_tuple(result, ["AL", "caches"], function="L_model_forward")
    expect_array(AL, reference.L_model_forward(X[:, :12], parameters)[0], name="AL",
                 mistakes=forward_mistakes(reference, X[:, :12], parameters))
    expect_pass_vectorized(learner, "L_model_forward", ["linear_activation_forward", "linear_forward"],
                           reference.L_model_forward, (X, parameters), m=VECTORIZED_M)


@check("compute_cost")
def test_compute_cost_random(learner, reference, rng):
    """The cost of random predictions is a scalar averaged over the m examples."""
    m = int(rng.integers(7, 14))
    AL, Y = rng.uniform(0.05, 0.95, size=(1, m)), labels(rng, (1, m))
    want = reference.compute_cost(AL, Y)
    expect_scalar(learner.compute_cost(AL, Y), want, name="cost", m=m, mistakes={
        mistake("week4.compute_cost.no_negative_term"): float(-np.sum(Y * np.log(AL)) / m),
        mistake("week4.compute_cost.log10"): float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / m),
        mistake("week4.compute_cost.terms_swapped"): float(-np.sum(Y * np.log(1 - AL) + (1 - Y) * np.log(AL)) / m),
    })


# -- Backward propagation --------------------------------------------------------------


@check("linear_backward", points=2)
def test_linear_backward_gradient_dW_db(learner, reference, rng):
    """dW and db pass a numeric gradient check (with the 1/m of the cost) on a random layer."""
    dZ, cache = linear_backward_problem(reference, rng)
    m = dZ.shape[1]
    _, num_dW, num_db = numeric_linear(reference, *cache, dZ)
    _, want_dW, want_db = reference.linear_backward(dZ, cache)

    def judge(given):
        _, dW, db = expect_tuple(learner.linear_backward(dZ, given), ["dA_prev", "dW", "db"],
                                 function="linear_backward")
        expect_grad(dW, num_dW, name="dW", want=want_dW, m=m, mistakes=linear_backward_mistakes(dZ, cache, 1))
        expect_column(db, want_db, name="db")
        expect_grad(db, num_db, name="db", want=want_db, m=m, mistakes=linear_backward_mistakes(dZ, cache, 2))

    expect_with_either_cache(judge, cache, own_linear_cache(learner, *cache), forward="linear_forward",
                             backward="linear_backward")


@check("linear_backward")
def test_linear_backward_gradient_dA_prev(learner, reference, rng):
    """dA_prev passes a numeric gradient check on a random layer (no 1/m: it is passed on)."""
    dZ, cache = linear_backward_problem(reference, rng)
    num_dA, _, _ = numeric_linear(reference, *cache, dZ)

    def judge(given):
        dA_prev, _, _ = expect_tuple(learner.linear_backward(dZ, given), ["dA_prev", "dW", "db"],
                                     function="linear_backward")
        expect_grad(dA_prev, num_dA, name="dA_prev", want=reference.linear_backward(dZ, cache)[0],
                    mistakes=linear_backward_mistakes(dZ, cache, 0))

    expect_with_either_cache(judge, cache, own_linear_cache(learner, *cache), forward="linear_forward",
                             backward="linear_backward")


def _activation_backward(learner, reference, rng, activation):
    dA, cache = activation_backward_problem(reference, rng, activation)
    numeric = numeric_linear(reference, *cache[0], dA, activation=activation)
    want = reference.linear_activation_backward(dA, cache, activation)
    m = dA.shape[1]

    def judge(given):
        got = expect_tuple(learner.linear_activation_backward(dA, given, activation), ["dA_prev", "dW", "db"],
                           function="linear_activation_backward")
        # dW first: it shows a wrong dZ most clearly; then db and dA_prev.
        for index, name in ((1, "dW"), (2, "db"), (0, "dA_prev")):
            if index == 2:
                expect_column(got[2], want[2], name="db")
            expect_grad(got[index], numeric[index], name=f'{name} (activation="{activation}")', want=want[index],
                        m=m if index else None,
                        mistakes=activation_backward_mistakes(reference, dA, cache, activation, index))

    expect_with_either_cache(judge, cache, own_activation_cache(learner, *cache[0], activation),
                             forward="linear_activation_forward", backward="linear_activation_backward")


@check("linear_activation_backward")
def test_linear_activation_backward_relu(learner, reference, rng):
    """Through a ReLU layer: dA_prev, dW, db pass a numeric gradient check."""
    _activation_backward(learner, reference, rng, "relu")


@check("linear_activation_backward")
def test_linear_activation_backward_sigmoid(learner, reference, rng):
    """Through a sigmoid layer: dA_prev, dW, db pass a numeric gradient check."""
    _activation_backward(learner, reference, rng, "sigmoid")


@check("L_model_backward", points=3)
def test_L_model_backward_gradient_dW_db(learner, reference, rng):
    """Every dW{l} and db{l} of a random L >= 3 network passes a numeric gradient check of the cost."""
    X, Y, parameters, AL, caches, want = deep_problem(reference, rng)
    L, m = len(caches), X.shape[1]
    numeric = numeric_parameter_grads(reference, X, Y, parameters)

    def judge(given):
        grads = learner.L_model_backward(AL, Y, given)
        expect_keys(grads, [f"{p}{l}" for l in range(1, L + 1) for p in ("dW", "db")], name="grads")
        for l in range(L, 0, -1):  # from the output layer down, where a mistake shows first
            for key in (f"dW{l}", f"db{l}"):
                if key.startswith("db"):
                    expect_column(grads[key], want[key], name=f'grads["{key}"]')
                expect_grad(grads[key], numeric[key], name=f'grads["{key}"]', want=want[key], m=m,
                            mistakes=backward_mistakes(reference, AL, Y, caches, key))

    expect_with_either_cache(judge, caches, own_caches(learner, X, parameters), forward="L_model_forward",
                             backward="L_model_backward")


@check("L_model_backward")
def test_L_model_backward_gradient_dA(learner, reference, rng):
    """dA0 .. dA{L-1} (dA{l} is the gradient of A[l]; dA0 that of X) pass a numeric gradient check."""
    X, Y, parameters, AL, caches, want = deep_problem(reference, rng)
    L = len(caches)
    numeric = numeric_activation_grads(reference, Y, parameters, caches)

    def judge(given):
        grads = learner.L_model_backward(AL, Y, given)
        expect_dA_keys(grads, L, right=numeric)
        for l in range(L - 1, -1, -1):
            key = f"dA{l}"
            expect_grad(grads[key], numeric[key], name=f'grads["{key}"]', want=want[key],
                        mistakes=backward_mistakes(reference, AL, Y, caches, key))

    expect_with_either_cache(judge, caches, own_caches(learner, X, parameters), forward="L_model_forward",
                             backward="L_model_backward")


@check("L_model_backward")
def test_L_model_backward_vectorized(learner, reference, rng):
    """L_model_backward runs without a Python loop over the examples (the loop over layers is fine)."""
    X, parameters = forward_problem(rng, VECTORIZED_DIMS, VECTORIZED_M)
    AL, caches = reference.L_model_forward(X, parameters)
    Y = labels(rng, AL.shape)
    small = reference.L_model_forward(X[:, :12], parameters)
    small_caches, big_caches = own_caches(learner, X[:, :12], parameters), own_caches(learner, X, parameters)

    def judge(given):
        grads = learner.L_model_backward(small[0], Y[:, :12], given[0])
        expect_keys(grads, ["dW1"], name="grads")
        expect_array(grads["dW1"], reference.L_model_backward(small[0], Y[:, :12], small[1])["dW1"],
                     name='grads["dW1"]', m=12,
                     mistakes=backward_mistakes(reference, small[0], Y[:, :12], small[1], "dW1"))
        # The reference is timed on the template's caches: a learner's caches never reach trusted code.
        expect_pass_vectorized(learner, "L_model_backward", ["linear_activation_backward", "linear_backward"],
                               lambda AL_, Y_, _: reference.L_model_backward(AL_, Y_, caches), (AL, Y, given[1]),
                               m=VECTORIZED_M, max_ratio=20.0, repeat=4)

    expect_with_either_cache(judge, (small[1], caches), lambda: (small_caches(), big_caches()),
                             forward="L_model_forward", backward="L_model_backward")


# -- Update -------------------------------------------------------------------------------


@check("update_parameters", points=2)
def test_update_parameters_random(learner, reference, rng):
    """Every W{l} and b{l} of a random L >= 3 network takes one step down the gradient.

    The returned dictionary is graded; updating the given one in place (the course's
    older template) is accepted.
    """
    X, Y, parameters, AL, caches, grads = deep_problem(reference, rng)
    L = len(caches)
    rate = float(rng.uniform(0.05, 0.5))
    outcome = with_hint(lambda: learner.update_parameters.run(parameters, grads, rate), key_error_past(L),
                        LAYER_COUNT_HINT)
    result = outcome.value
    want = reference.update_parameters(parameters, grads, rate)
    expect_keys(result, list(want), name="parameters")
    for key in want:
        step = rate * grads["d" + key]
        expect_array(result[key], want[key], name=f'parameters["{key}"]', mistakes={
            mistake("week4.update_parameters.wrong_sign", key=key): parameters[key] + step,
            mistake("week4.update_parameters.no_learning_rate", key=key): parameters[key] - grads["d" + key],
            mistake("week4.update_parameters.not_updated", key=key, L=L): parameters[key],
        })


@check("update_parameters")
def test_update_parameters_lowers_cost(learner, reference, rng):
    """A small step with the returned parameters lowers the cost of a random network."""
    X, Y, parameters, AL, caches, grads = deep_problem(reference, rng)
    L = len(caches)
    before = reference.compute_cost(AL, Y)
    result = with_hint(lambda: learner.update_parameters(parameters, grads, 0.05), key_error_past(L),
                       LAYER_COUNT_HINT)
    result = expect_like(result, parameters, name="parameters")  # exactly W1 .. bL: L is counted from the keys
    with computing_with(say("week4.update_parameters.returned_parameters")):
        after = reference.compute_cost(reference.L_model_forward(X, result)[0], Y)
    if not after < before - 1e-6:
        fail(say("week4.update_parameters.cost_not_lower", before=before, after=after),
             mistake("week4.update_parameters.sign_or_layers"))
