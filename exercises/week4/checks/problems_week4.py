"""Inputs, known mistakes and small check helpers shared by the week-4 checks.

Random problems have at least 3 layers, several units per hidden layer (never 1),
neighbouring layers of different sizes (so no W is square) and more examples than
units, so that transposes, rank-1 arrays and accidental broadcasts all show up as
wrong shapes. The output layer has 2 or 3 units, except for L_model_forward, whose
course template asserts ``AL.shape == (1, X.shape[1])``: its problems have a single
output unit (``forward_problem``), so that a correct notebook that kept the assert
is graded fairly.

Gradient checks compare a learner's analytic gradients with centred differences of
the REFERENCE forward pass, computed here in the trusted process. The course's
convention decides what is differentiated: dA and dZ are gradients of the SUM of
the losses over the m examples, dW and db gradients of the cost J (the mean), so
the numeric dW and db carry the factor 1/m and the numeric dA does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks import (
    CheckFailure,
    expect_array,
    expect_gradient,
    expect_keys,
    expect_shape,
    expect_tuple,
    expect_vectorized,
    fail,
    forward_cache,
    mistake,
    numeric_gradient,
    record_diagnoses,
    show,
)
from grader.checks.diagnose import diagnose_values, find_example_loop
from grader.checks.learner import LearnerFault

INIT_SCALE = 0.01
# Centred differences with h = 1e-5 are accurate to ~1e-11 in absolute terms here;
# problems whose gradients have entries smaller than this (but not exactly 0) are
# drawn again, so that the relative error of a correct gradient stays below 1e-6.
SMALLEST_GRADIENT = 1e-4
# Every ReLU input is at least this far from the kink at 0, so that no centred
# difference (steps of ~1e-5) crosses it.
KINK_MARGIN = 1e-3
GRADIENT_THRESHOLD = 1e-5
# Draws of a random problem before giving up (about 1 in 3 draws is rejected).
MAX_DRAWS = 200

# -- Random problems -------------------------------------------------------------


def _size(rng: np.random.Generator, low: int, high: int, avoid: int = 0) -> int:
    """A size in [low, high) different from ``avoid`` (neighbouring layers differ: no square W)."""
    while True:
        value = int(rng.integers(low, high))
        if value != avoid:
            return value


def layer_sizes(rng: np.random.Generator, L: int | None = None, *, outputs: int | None = None) -> list[int]:
    """[n_x, n_1, ..., n_L]: L >= 3 layers, hidden widths 3-6, an output layer of ``outputs`` units
    (default: 2 or 3)."""
    L = L or int(rng.integers(3, 5))
    dims = [int(rng.integers(4, 8))]
    for _ in range(L - 1):
        dims.append(_size(rng, 3, 7, avoid=dims[-1]))
    dims.append(outputs or _size(rng, 2, 4, avoid=dims[-1]))
    return dims


def examples(rng: np.random.Generator) -> int:
    """A number of examples larger than any layer width (so m never equals a width)."""
    return int(rng.integers(9, 14))


def random_parameters(rng: np.random.Generator, dims: list[int]) -> dict[str, np.ndarray]:
    """W{l} ~ N(0, 2/n_{l-1}) and small non-zero biases: every gradient is of order 0.1-1.

    (The 0.01 scale of initialization would make the gradients of the first layers
    tiny, and a relative error meaningless.)
    """
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / dims[l - 1]), size=(dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.normal(0.0, 0.3, size=(dims[l], 1))
    return parameters


def labels(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """0.0/1.0 labels of ``shape`` with both classes in every row."""
    Y = (rng.random(shape) > 0.5).astype(float)
    Y[:, 0], Y[:, 1] = 0.0, 1.0
    return Y


def well_conditioned(*gradients: np.ndarray) -> bool:
    """No entry so small (yet non-zero) that centred differences could not resolve it."""
    return all(not np.any((np.abs(g) > 0) & (np.abs(g) < SMALLEST_GRADIENT)) for g in gradients)


def away_from_kinks(*Zs: np.ndarray) -> bool:
    return all(np.min(np.abs(Z)) > KINK_MARGIN for Z in Zs)


def forward_problem(rng: np.random.Generator, dims: list[int] | None = None, m: int | None = None):
    """X (n_x, m) and parameters for an L-layer network (by default with a single output unit, as
    L_model_forward's template asserts)."""
    dims = dims or layer_sizes(rng, outputs=1)
    m = m or examples(rng)
    return rng.normal(size=(dims[0], m)), random_parameters(rng, dims)


def layer_problem(rng: np.random.Generator):
    """A_prev (n_prev, m), W (n, n_prev), b (n, 1) for one layer, all dimensions different."""
    n_prev = int(rng.integers(4, 8))
    n = _size(rng, 3, 7, avoid=n_prev)
    m = examples(rng)
    A_prev = rng.normal(size=(n_prev, m))
    W = rng.normal(0.0, np.sqrt(2.0 / n_prev), size=(n, n_prev))
    b = rng.normal(0.0, 0.3, size=(n, 1))
    return A_prev, W, b


def linear_backward_problem(reference, rng: np.random.Generator):
    """dZ and a linear cache (A_prev, W, b) whose gradients are all well resolved numerically."""
    for _ in range(MAX_DRAWS):
        A_prev, W, b = layer_problem(rng)
        dZ = rng.normal(size=(W.shape[0], A_prev.shape[1]))
        if well_conditioned(*reference.linear_backward(dZ, (A_prev, W, b))):
            return dZ, (A_prev, W, b)
    raise RuntimeError("no well-conditioned linear_backward problem")


def activation_backward_problem(reference, rng: np.random.Generator, activation: str):
    """dA and a cache ((A_prev, W, b), Z): ReLU inputs away from the kink, gradients well resolved."""
    for _ in range(MAX_DRAWS):
        A_prev, W, b = layer_problem(rng)
        _, cache = reference.linear_activation_forward(A_prev, W, b, activation)
        dA = rng.normal(size=(W.shape[0], A_prev.shape[1]))
        if (activation != "relu" or away_from_kinks(cache[1])) and well_conditioned(
                *reference.linear_activation_backward(dA, cache, activation)):
            return dA, cache
    raise RuntimeError("no well-conditioned linear_activation_backward problem")


def deep_problem(reference, rng: np.random.Generator, dims: list[int] | None = None):
    """X, Y, parameters, AL, caches and the reference grads of an L-layer network, ready for
    gradient checking: ReLU inputs away from the kink, every gradient well resolved."""
    dims = dims or layer_sizes(rng)
    m = examples(rng)
    for _ in range(MAX_DRAWS):
        X, parameters = forward_problem(rng, dims, m)
        AL, caches = reference.L_model_forward(X, parameters)
        Y = labels(rng, AL.shape)
        grads = reference.L_model_backward(AL, Y, caches)
        if away_from_kinks(*(c[1] for c in caches[:-1])) and well_conditioned(*grads.values()):
            return X, Y, parameters, AL, caches, grads
    raise RuntimeError("no well-conditioned L-layer problem")


# -- Fixed examples (public checks) -------------------------------------------------


def fixed_layer():
    """A_prev (3, 4), W (2, 3), b (2, 1): the size of the notebook's own examples."""
    rng = np.random.default_rng(2024)
    return rng.normal(size=(3, 4)).round(3), rng.normal(size=(2, 3)).round(3), rng.normal(size=(2, 1)).round(3)


def fixed_network():
    """X (4, 5) and the parameters of a [4, 3, 2, 1] network (L = 3), as in the notebook."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(4, 5)).round(3)
    parameters = {k: v.round(3) for k, v in random_parameters(rng, [4, 3, 2, 1]).items()}
    return X, parameters


def fixed_backward(reference):
    """AL and caches of the fixed network's forward pass, and labels Y (1, 5)."""
    X, parameters = fixed_network()
    AL, caches = reference.L_model_forward(X, parameters)
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    return AL, Y, caches


# -- Reference variants (the values known mistakes produce) ------------------------


def forward_variant(reference, X, parameters, hidden: str, output: str) -> np.ndarray:
    """AL of L_model_forward with the given activations for the hidden and output layers."""
    L = len(parameters) // 2
    A = X
    for l in range(1, L):
        A, _ = reference.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], hidden)
    AL, _ = reference.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], output)
    return AL


def forward_mistakes(reference, X, parameters) -> dict[str, Callable[[], np.ndarray]]:
    return {
        "Likely mistake: sigmoid in the hidden layers. Layers 1 to L-1 use activation=\"relu\"; only the "
        "output layer L uses \"sigmoid\".": lambda: forward_variant(reference, X, parameters, "sigmoid", "sigmoid"),
        "Likely mistake: ReLU at the output. The output layer L uses activation=\"sigmoid\" (AL is a "
        "probability); only layers 1 to L-1 use \"relu\".": lambda: forward_variant(reference, X, parameters,
                                                                                    "relu", "relu"),
        "Likely mistake: the activations are swapped: the hidden layers use \"relu\" and the output layer "
        "\"sigmoid\", not the other way round.": lambda: forward_variant(reference, X, parameters,
                                                                         "sigmoid", "relu"),
    }


def backward_variant(reference, AL, Y, caches, hidden: str, output: str) -> dict[str, np.ndarray]:
    """grads of L_model_backward using the given backward activations."""
    L = len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads = {}
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = reference.linear_activation_backward(
        dAL, caches[L - 1], output)
    for l in reversed(range(L - 1)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = reference.linear_activation_backward(
            grads[f"dA{l + 1}"], caches[l], hidden)
    return grads


def backward_mistakes(reference, AL, Y, caches, key: str) -> dict[str, Callable[[], np.ndarray]]:
    return {
        "Likely mistake: the backward activations are swapped: the output layer L goes back through "
        "\"sigmoid\" (sigmoid_backward), layers 1 to L-1 through \"relu\" (relu_backward).":
            lambda: backward_variant(reference, AL, Y, caches, "sigmoid", "relu")[key],
        "Likely mistake: the hidden layers go back through \"sigmoid\"; layers 1 to L-1 are ReLU layers: "
        "linear_activation_backward(..., activation=\"relu\").":
            lambda: backward_variant(reference, AL, Y, caches, "sigmoid", "sigmoid")[key],
        "Likely mistake: the output layer goes back through \"relu\"; layer L is the sigmoid layer: "
        "linear_activation_backward(dAL, caches[L-1], activation=\"sigmoid\").":
            lambda: backward_variant(reference, AL, Y, caches, "relu", "relu")[key],
        "Likely mistake: dAL has the wrong sign. dAL = -(Y / AL - (1 - Y) / (1 - AL)), the derivative of "
        "the cross-entropy loss with respect to AL.": lambda: _negated_dAL(reference, AL, Y, caches)[key],
    }


def _negated_dAL(reference, AL, Y, caches) -> dict[str, np.ndarray]:
    """grads when dAL's sign is flipped: every gradient flips (the backward pass is linear in dAL)."""
    return {k: -v for k, v in reference.L_model_backward(AL, Y, caches).items()}


def activation_backward_mistakes(reference, dA, cache, activation: str, index: int) -> dict[str, Callable]:
    """Values of (dA_prev, dW, db)[index] produced by misusing the activation's backward step."""
    linear_cache, Z = cache

    def through(dZ):
        return lambda: reference.linear_backward(dZ, linear_cache)[index]

    other = "sigmoid" if activation == "relu" else "relu"
    s = reference.sigmoid(Z)[0]
    mistakes = {
        f"Likely mistake: you went back through the {other} although activation=\"{activation}\": check "
        f"which backward helper each branch calls ({activation}_backward for \"{activation}\").":
            through(_backward_helper(reference, other)(dA, Z)),
        "Likely mistake: the activation's derivative is missing: dZ = relu_backward(dA, activation_cache) "
        "or sigmoid_backward(dA, activation_cache), not dZ = dA.": through(dA),
    }
    if activation == "relu":
        mistakes["Likely mistake: relu_backward misused. dZ is not dA * Z: ReLU passes dA through where "
                 "Z > 0 and blocks it elsewhere. Call dZ = relu_backward(dA, activation_cache) with the Z "
                 "stored in the cache."] = through(dA * Z)
        mistakes["Likely mistake: relu_backward misused. dZ = dA * relu(Z) multiplies by the activation "
                 "itself; the ReLU's derivative is 1 where Z > 0 and 0 elsewhere: dZ = relu_backward(dA, "
                 "activation_cache)."] = through(dA * np.maximum(Z, 0.0))
    else:
        mistakes["Likely mistake: sigmoid_backward misused. dZ = dA * s * (1 - s) with s = sigmoid(Z), the "
                 "sigmoid of the cached Z; call dZ = sigmoid_backward(dA, activation_cache)."] = through(
            dA * Z * (1 - Z))
        mistakes["Likely mistake: dZ = dA * s with s = sigmoid(Z) is missing the factor (1 - s): use "
                 "dZ = sigmoid_backward(dA, activation_cache)."] = through(dA * s)
    return mistakes


def _backward_helper(reference, activation: str) -> Callable:
    return reference.relu_backward if activation == "relu" else reference.sigmoid_backward


def linear_backward_mistakes(dZ, cache, index: int) -> dict[str, Callable]:
    """Values of (dA_prev, dW, db)[index] that classic slips in linear_backward produce."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    values = {
        0: {"Likely mistake: dA_prev has no 1/m. The 1/m belongs to dW and db only (they are gradients of "
            "the mean cost); dA_prev = np.dot(W.T, dZ) is passed on to the previous layer as it is.":
            lambda: np.dot(W.T, dZ) / m},
        1: {"Likely mistake: dW = np.dot(dZ, A_prev.T) / m: the transpose is on A_prev, not on dZ.":
            lambda: np.dot(A_prev, dZ.T).T / m},
        2: {"Likely mistake: db is the mean of dZ over the EXAMPLES (axis=1), one value per unit.":
            lambda: np.mean(dZ, axis=0, keepdims=True)},
    }
    return values[index]


# -- Structure helpers ---------------------------------------------------------------


def _close(value: Any, want: np.ndarray, rtol: float = 1e-4, atol: float = 1e-8) -> bool:
    return (isinstance(value, np.ndarray) and value.shape == want.shape and value.dtype.kind in "biuf"
            and np.allclose(value.astype(float), want, rtol=rtol, atol=atol))


def _same(value: Any, want: np.ndarray) -> bool:
    return _close(value, want, rtol=1e-5, atol=1e-7)


def expect_pair(value: Any, names: tuple[str, str], *, function: str, missing_hint: str) -> tuple[Any, Any]:
    """A (value, cache) pair: a bare array means the cache is missing."""
    if isinstance(value, np.ndarray):
        fail(f"{function} should return 2 values ({', '.join(names)}); received a single array of shape "
             f"{value.shape}.", mistake(missing_hint))
    return expect_tuple(value, list(names), function=function)


def expect_linear_cache(cache: Any, A: np.ndarray, W: np.ndarray, b: np.ndarray, *, name: str) -> None:
    """``cache`` must be the tuple (A, W, b), in that order."""
    parts = {"A": A, "W": W, "b": b}
    if isinstance(cache, dict):
        fail(f"{name} is a dict with keys {show(list(cache))}; the course's linear cache is the tuple (A, W, b), "
             "which linear_backward unpacks as A_prev, W, b = cache.")
    if not isinstance(cache, (tuple, list)):
        fail(f"{name} should be the tuple (A, W, b); received {show(cache)}.",
             mistake("Likely mistake: the cache is missing or incomplete: cache = (A, W, b)."))
    if len(cache) != 3:
        fail(f"{name} has {len(cache)} entries, expected 3: (A, W, b).",
             mistake("Likely mistake: the cache is incomplete or has extra entries: cache = (A, W, b), the inputs of "
                     "the linear step, which linear_backward needs."))
    found = [next((key for key, want in parts.items() if _same(item, want)), None) for item in cache]
    if found != ["A", "W", "b"] and sorted(k for k in found if k) == ["A", "W", "b"]:
        fail(f"{name} holds the right arrays in the wrong order: ({', '.join(found)}).",
             mistake("Likely mistake: the cache is misordered. It must be (A, W, b), in that order: "
                     "linear_backward unpacks it as A_prev, W, b = cache."))
    for index, key in enumerate("AWb"):
        expect_array(cache[index], parts[key], name=f"{name}[{index}] ({key})")


def expect_activation_cache(cache: Any, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, Z: np.ndarray,
                            A: np.ndarray, *, name: str) -> None:
    """``cache`` must be (linear_cache, activation_cache) = ((A_prev, W, b), Z)."""
    shape = "((A_prev, W, b), Z)"
    if not isinstance(cache, (tuple, list)):
        fail(f"{name} should be the pair (linear_cache, activation_cache) = {shape}; received {show(cache)}.",
             mistake("Likely mistake: the cache is missing: cache = (linear_cache, activation_cache)."))
    if len(cache) == 3 and [_same(c, w) for c, w in zip(cache, (A_prev, W, b))] == [True] * 3:
        fail(f"{name} is the linear cache (A_prev, W, b) alone.",
             mistake("Likely mistake: the activation cache is missing. Keep both: cache = (linear_cache, "
                     "activation_cache), where activation_cache is the Z that sigmoid(Z) / relu(Z) return; the "
                     "backward pass needs Z to go back through the activation."))
    if len(cache) == 4:
        fail(f"{name} has 4 entries: it looks flattened.",
             mistake(f"Likely mistake: the cache must be the pair (linear_cache, activation_cache) = {shape}, two "
                     "entries, the first itself a tuple."))
    if len(cache) != 2:
        fail(f"{name} has {len(cache)} entries, expected 2: (linear_cache, activation_cache) = {shape}.")
    first, second = cache
    if isinstance(second, (tuple, list)) and isinstance(first, np.ndarray):
        fail(f"{name} starts with an array of shape {first.shape} and ends with a tuple.",
             mistake("Likely mistake: the cache is misordered: it is (activation_cache, linear_cache); the course's "
                     "order is (linear_cache, activation_cache), which linear_activation_backward unpacks as "
                     "linear_cache, activation_cache = cache."))
    if not _same(second, Z) and _same(second, A):
        fail(f"{name}[1] (activation_cache) holds the activations A, not Z.",
             mistake("Likely mistake: the activation cache must be Z, the cache that sigmoid(Z) and relu(Z) return: "
                     "A, activation_cache = relu(Z). relu_backward and sigmoid_backward need Z."))
    expect_linear_cache(first, A_prev, W, b, name=f"{name}[0] (linear_cache)")
    expect_array(second, Z, name=f"{name}[1] (activation_cache, Z)")


def expect_column(got: Any, want: np.ndarray, *, name: str, what: str = "b") -> None:
    """A gradient of a bias must be a column (n, 1): np.sum(dZ, axis=1, keepdims=True) / m."""
    fix = ("sum dZ over the examples only, keeping the summed axis: "
           f"{name} = np.sum(dZ, axis=1, keepdims=True) / m, a column of shape {want.shape} like {what}.")
    if isinstance(got, (float, int, np.generic)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        fail(f"{name} is a single number ({show(got)}), expected an array of shape {want.shape}.",
             mistake("Likely mistake: np.sum(dZ) adds over the units as well as the examples; " + fix))
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.size == want.shape[0]:
        fail(f"{name} has shape {got.shape}, expected {want.shape}.",
             mistake("Likely mistake: np.sum(dZ, axis=1) without keepdims=True drops the summed axis and leaves a "
                     "rank-1 array; " + fix))
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[0] == 1 and want.shape[0] != 1:
        fail(f"{name} has shape {got.shape}, expected {want.shape}.",
             mistake("Likely mistake: summed over the wrong axis (axis=0 adds over the units); " + fix))


def expect_grad(got: Any, numeric: np.ndarray, *, name: str, want: np.ndarray, m: int | None = None,
                mistakes: dict[str, Any] | None = None, threshold: float = GRADIENT_THRESHOLD) -> float:
    """A numeric gradient check, and when it fails, the diagnosis of a known mistake.

    ``numeric`` decides; ``want`` (the reference's analytic value, exact) is only used to
    recognize what a wrong value is: a missing 1/m, a sign, a known slip.
    """
    try:
        return expect_gradient(got, numeric, name=name, threshold=threshold)
    except CheckFailure as failure:
        hints: list[str] = []
        if type(got) is np.ndarray and got.shape == want.shape and got.dtype.kind in "biuf":
            hints = diagnose_values(got.astype(float), want, m=m, mistakes=mistakes)
        fail(str(failure), *hints)
        raise AssertionError from None  # unreachable: fail() raises


# -- Gradients by centred differences (trusted process, reference forward) -----------


def numeric_linear(reference, A_prev, W, b, upstream, activation: str | None = None):
    """Numeric (dA_prev, dW, db) of one layer for the upstream gradient ``upstream``."""
    m = A_prev.shape[1]

    def layer(A_, W_, b_):
        if activation is None:
            return reference.linear_forward(A_, W_, b_)[0]
        return reference.linear_activation_forward(A_, W_, b_, activation)[0]

    dA_prev = numeric_gradient(lambda x: layer(x, W, b), A_prev.copy(), upstream)
    dW = numeric_gradient(lambda x: layer(A_prev, x, b), W.copy(), upstream) / m
    db = numeric_gradient(lambda x: layer(A_prev, W, x), b.copy(), upstream) / m
    return dA_prev, dW, db


def forward_from(reference, parameters, A, first: int) -> np.ndarray:
    """AL computed from A = A[first - 1] through layers first .. L."""
    L = len(parameters) // 2
    for l in range(first, L):
        A, _ = reference.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
    AL, _ = reference.linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL


def numeric_parameter_grads(reference, X, Y, parameters) -> dict[str, np.ndarray]:
    """dW{l}, db{l}: centred differences of the cost J (all outputs, averaged over m)."""
    grads = {}
    for key in parameters:
        def cost(value, key=key):
            trial = dict(parameters, **{key: value})
            return reference.compute_cost(forward_from(reference, trial, X, 1), Y)
        grads["d" + key] = numeric_gradient(cost, parameters[key].copy())
    return grads


def numeric_activation_grads(reference, Y, parameters, caches) -> dict[str, np.ndarray]:
    """dA{l} for l = 0 .. L-1: centred differences of the SUM of the losses w.r.t. A[l] (A[0] = X)."""
    m = Y.shape[1]
    grads = {}
    for l in range(len(caches)):
        A = caches[l][0][0]
        grads[f"dA{l}"] = numeric_gradient(
            lambda x, l=l: m * reference.compute_cost(forward_from(reference, parameters, x, l + 1), Y), A.copy())
    return grads


def expect_caches(caches: Any, L: int) -> None:
    """caches must be a list of L entries (expect_len would turn a list of tuples into an array)."""
    if not isinstance(caches, (list, tuple)):
        fail(f"caches should be a list of {L} caches, one per layer; received {show(caches)}.")
    if len(caches) == L - 1:
        fail(f"caches has {L - 1} entries, expected {L} (one per layer).",
             mistake("Likely mistake: the output layer's cache is missing: append the cache of the sigmoid layer too "
                     "(caches.append(cache) after the last linear_activation_forward)."))
    if len(caches) != L:
        fail(f"caches has {len(caches)} entries, expected {L} (one per layer).",
             "One cache per layer: caches.append(cache) after every linear_activation_forward call, the output "
             "layer's included.")


# -- L_model_backward's dA keys ---------------------------------------------------------


def off_by_one_text(L: int) -> str:
    return mistake(f"Likely mistake: your dA keys are off by one: the course names the gradient of A[l-1] dA{{l-1}} "
            f"(dA0 is the gradient of X), so grads holds dA0 .. dA{L - 1}. Older versions of the course "
            f"notebook named it dA{{l}} (dA1 .. dA{L}); with caches[l] the gradient of its input is "
            "grads[\"dA\" + str(l)].")


def expect_dA_keys(grads: Any, L: int, right: dict[str, np.ndarray] | None = None) -> None:
    """grads must hold dA0 .. dA{L-1}; the older dA1 .. dAL naming gets its own diagnosis."""
    want = [f"dA{l}" for l in range(L)]
    expect_keys(grads, [], name="grads")
    missing = [k for k in want if k not in grads]
    if not missing:
        return
    old = [f"dA{l}" for l in range(1, L + 1)]
    if all(k in grads for k in old):
        have = sorted((k for k in grads if isinstance(k, str) and k.startswith("dA")), key=lambda k: (len(k), k))
        parts = [f"grads is missing the key(s) {missing}; it has {show(have)}, expected {want}.", off_by_one_text(L)]
        if right is not None and all(_close(grads[f"dA{l + 1}"], right[f"dA{l}"]) for l in range(L)):
            parts.append("Your values are right: only the names are shifted.")
        fail(*parts)
    expect_keys(grads, want, name="grads")


# -- Vectorization of a whole pass ---------------------------------------------------------


class _RepeatedTiming:
    """A learner function whose timing runs ``repeat`` calls in one sandbox round trip.

    expect_vectorized times 2 calls per round trip; on a busy machine the scheduling
    delay of the round trip (a few ms) then outweighs a vectorized pass of ~0.5 ms and
    looks like a slowdown. More calls per round trip average that delay away.
    """

    def __init__(self, function: Any, repeat: int) -> None:
        self._function, self._repeat = function, repeat

    def __getattr__(self, name: str) -> Any:
        return getattr(self._function, name)

    def seconds(self, *args: Any, repeat: int = 2, **kwargs: Any) -> float:
        return self._function.seconds(*args, repeat=max(repeat, self._repeat), **kwargs)

    def timed(self, *args: Any, repeat: int = 2, **kwargs: Any) -> tuple[float, Any]:
        return self._function.timed(*args, repeat=max(repeat, self._repeat), **kwargs)


def expect_pass_vectorized(learner, function: str, helpers: list[str], reference_fn: Callable,
                           args: tuple, m: int, max_ratio: float = 10.0, attempts: int = 2,
                           repeat: int = 8) -> str:
    """expect_vectorized on a whole forward/backward pass, pointing at the helper that loops.

    The pass itself loops over the layers (that loop is fine), so the decision rests on
    the measured slowdown alone. A timing disturbed by other processes must not cost a
    vectorized submission its point: each measurement averages ``repeat`` calls, and
    a slow one is measured again before failing (a loop over the examples is slow
    every time).
    """
    timed = _RepeatedTiming(getattr(learner, function), repeat)
    for attempt in range(attempts):
        try:
            return expect_vectorized(timed, reference_fn, args, m=m, max_ratio=max_ratio)
        except CheckFailure as failure:
            if attempt + 1 < attempts:
                continue
            notes = [f"The loop over the layers in {function} is fine (it runs L times); a loop over the m "
                     "examples is what makes it slow."]
            for helper in helpers:
                loop = find_example_loop(getattr(learner, helper).source)
                if loop is not None:
                    located = getattr(learner, helper).located
                    line = (located.first_line if located else 1) + loop[0] - 1
                    notes.append(f"{function} calls your {helper}, which loops (line {line}: `{loop[1]}`): "
                                 "vectorize it over the examples.")
            raise CheckFailure("\n".join([str(failure), *notes])) from None
    raise AssertionError("unreachable")


# -- The learner's own caches (grader.checks.caches) ---------------------------------------


def own_linear_cache(learner: Any, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> Callable[[], Any]:
    """The cache the learner's linear_forward returns for these inputs (asked only when needed)."""
    return lambda: forward_cache(learner.linear_forward(A_prev, W, b), "linear_forward", ("Z", "cache"))


def own_activation_cache(learner: Any, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                         activation: str) -> Callable[[], Any]:
    """The cache the learner's linear_activation_forward returns for these inputs."""
    return lambda: forward_cache(learner.linear_activation_forward(A_prev, W, b, activation),
                                 "linear_activation_forward", ("A", "cache"))


def own_caches(learner: Any, X: np.ndarray, parameters: dict[str, np.ndarray]) -> Callable[[], Any]:
    """The caches the learner's L_model_forward returns for X."""
    return lambda: forward_cache(learner.L_model_forward(X, parameters), "L_model_forward", ("AL", "caches"))


# -- Learner errors with a hint ------------------------------------------------------------


def with_hint(call: Callable[[], Any], hint_if: Callable[[str], bool], hint: str) -> Any:
    """Run a learner call; if it raises and ``hint_if(message)``, add ``hint`` to its feedback."""
    try:
        return call()
    except LearnerFault as fault:
        if hint_if(str(fault)):
            record_diagnoses(hint)
            raise type(fault)(f"{fault}\n{hint}") from None
        raise


LAYER_COUNT_HINT = mistake("Likely mistake: the number of layers. parameters holds two entries per layer (W and b), "
                    "so L = len(parameters) // 2.")


def key_error_past(L: int) -> Callable[[str], bool]:
    """True for a KeyError on a layer past the last one (W{L+1}, dW{L+1}...)."""
    return lambda message: "KeyError" in message and any(
        f"'{p}{L + 1}'" in message for p in ("W", "b", "dW", "db"))


# -- Initialization statistics ---------------------------------------------------------------


def expect_small_random(W: Any, *, name: str, n_prev: int) -> None:
    """W must look like np.random.randn(...) * 0.01: centred, Gaussian-like, std about 0.01.

    Tolerances scale with the number of entries N (the sample std has a relative spread
    of ~1/sqrt(2N)), so a learner who seeds inside the function passes whatever the
    seed. Matrices of fewer than 30 entries are only checked for size (|W| < 0.06).
    """
    values = np.asarray(W, dtype=float).ravel()
    N = values.size
    if not np.any(values):
        fail(f"{name} is all zeros.",
             mistake("Likely mistake: zero initialization. With equal weights every unit of a layer computes the same "
                     "thing and receives the same gradient, so the units stay identical forever (symmetry is never "
                     "broken). Use np.random.randn(n_l, n_{l-1}) * 0.01."))
    if N > 1 and np.ptp(values) == 0:
        fail(f"{name} has every entry equal to {show(float(values[0]))}.",
             mistake("Likely mistake: constant initialization does not break symmetry: every unit would learn the same "
                     "thing. Use random values: np.random.randn(n_l, n_{l-1}) * 0.01."))
    if N >= 30 and np.all(values >= 0):  # 2**-30: never by chance with randn
        fail(f"every entry of {name} is >= 0 (the smallest is {show(float(values.min()))}).",
             mistake("Likely mistake: np.random.rand draws uniformly from [0, 1); the course uses np.random.randn "
                     "(a standard normal, centred on 0): np.random.randn(n_l, n_{l-1}) * 0.01."))
    std = float(np.std(values)) if N > 1 else float(abs(values[0]))
    if N < 30:
        if np.max(np.abs(values)) <= 6 * INIT_SCALE:
            return
        spread = 3.0
        found = (f"{name} has entries as large as {np.max(np.abs(values)):.4g}; randn * 0.01 stays within "
                 "about +-0.03.")
    else:
        spread = 6.0 / np.sqrt(2.0 * N)
        if abs(np.log(std / INIT_SCALE)) <= spread:
            mean_bound = 6.0 * INIT_SCALE / np.sqrt(N)
            if abs(float(np.mean(values))) > mean_bound:
                fail(f"the entries of {name} average {np.mean(values):.4g}; randn * 0.01 averages 0 "
                     f"(|mean| < {mean_bound:.2g} for {N} entries).",
                     mistake("Likely mistake: the weights are shifted; use np.random.randn(...) * 0.01, without an "
                             "offset."))
            return
        found = f"the entries of {name} have standard deviation {std:.4g}; randn * 0.01 gives about 0.01."
    candidates = [(scale, mistake(text)) for scale, text in [
        (1.0, "Likely mistake: the factor 0.01 is missing: W = np.random.randn(n_l, n_{l-1}) * 0.01. "
              "Large initial weights push the sigmoid output into its flat region, where learning is slow."),
        (1.0 / np.sqrt(n_prev), "Likely mistake: you divided by np.sqrt(n_{l-1}) (the scaling of the course's "
                                "later application notebook); this exercise asks for * 0.01."),
        (np.sqrt(2.0 / n_prev), "Likely mistake: you used He initialization (np.sqrt(2 / n_{l-1})); this "
                                "exercise asks for * 0.01."),
        (0.1, "Likely mistake: the scale is 0.1; the exercise asks for * 0.01."),
    ]]
    # the closest candidate scale, if it is plausible at all
    distance, diagnosis = min((abs(np.log(std / scale)), text) for scale, text in candidates)
    fail(found, diagnosis if distance <= spread else "Use W = np.random.randn(n_l, n_{l-1}) * 0.01.")


def expect_initialized(parameters: Any, dims: list[int]) -> None:
    """Keys W1..WL, b1..bL; W{l} (n_l, n_{l-1}) small random; b{l} float zeros (n_l, 1)."""
    L = len(dims) - 1
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    expect_keys(parameters, keys, name="parameters")
    extra = [k for k in parameters if k not in keys]
    if extra:
        fail(f"parameters has the extra key(s) {show(extra)}; expected exactly {keys}.",
             mistake(f"Likely mistake: the loop over the layers. For layer_dims of length {len(dims)} the layers are "
                     f"l = 1 .. {L}: for l in range(1, len(layer_dims))."))
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        expect_shape(W, (dims[l], dims[l - 1]), name=f"W{l}")
        if not np.all(np.isfinite(W)):
            fail(f"W{l} contains NaN or inf.")
        expect_array(b, np.zeros((dims[l], 1)), name=f"b{l}", float_dtype=True)
        expect_small_random(W, name=f"W{l}", n_prev=dims[l - 1])
