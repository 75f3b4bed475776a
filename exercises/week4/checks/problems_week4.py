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

Random initialization is judged by the grader's statistics (grader.checks.patterns.expect_random_init),
random parameter sets come from grader.checks.patterns.random_parameters, and the sentences of this
week's own mistakes are in messages.en.toml, by id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks import (
    CheckFailure,
    expect_array,
    expect_keys,
    expect_shape,
    expect_tuple,
    expect_vectorized,
    fail,
    forward_cache,
    mistake,
    numeric_gradient,
    record_diagnoses,
    say,
    show,
    use_catalog,
)
from grader.checks.diagnose import find_example_loop
from grader.checks.learner import LearnerFault
from grader.checks.patterns import expect_gradient_diagnosed, expect_random_init
from grader.checks.patterns import random_parameters as _random_parameters

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

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
    return _random_parameters(rng, dims, weights="he", biases=0.3)


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
        mistake("week4.l_model_forward.sigmoid_hidden"):
            lambda: forward_variant(reference, X, parameters, "sigmoid", "sigmoid"),
        mistake("week4.l_model_forward.relu_output"): lambda: forward_variant(reference, X, parameters, "relu", "relu"),
        mistake("week4.l_model_forward.swapped"): lambda: forward_variant(reference, X, parameters, "sigmoid", "relu"),
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
        mistake("week4.l_model_backward.swapped"):
            lambda: backward_variant(reference, AL, Y, caches, "sigmoid", "relu")[key],
        mistake("week4.l_model_backward.sigmoid_hidden"):
            lambda: backward_variant(reference, AL, Y, caches, "sigmoid", "sigmoid")[key],
        mistake("week4.l_model_backward.relu_output"):
            lambda: backward_variant(reference, AL, Y, caches, "relu", "relu")[key],
        mistake("week4.l_model_backward.dal_sign"): lambda: _negated_dAL(reference, AL, Y, caches)[key],
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
        mistake("week4.linear_activation_backward.other_helper", other=other, activation=activation):
            through(_backward_helper(reference, other)(dA, Z)),
        mistake("week4.linear_activation_backward.no_derivative"): through(dA),
    }
    if activation == "relu":
        mistakes[mistake("week4.linear_activation_backward.relu_times_z")] = through(dA * Z)
        mistakes[mistake("week4.linear_activation_backward.relu_times_relu")] = through(dA * np.maximum(Z, 0.0))
    else:
        mistakes[mistake("week4.linear_activation_backward.sigmoid_of_z")] = through(dA * Z * (1 - Z))
        mistakes[mistake("week4.linear_activation_backward.sigmoid_no_one_minus")] = through(dA * s)
    return mistakes


def _backward_helper(reference, activation: str) -> Callable:
    return reference.relu_backward if activation == "relu" else reference.sigmoid_backward


def linear_backward_mistakes(dZ, cache, index: int) -> dict[str, Callable]:
    """Values of (dA_prev, dW, db)[index] that classic slips in linear_backward produce."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    values = {
        0: {mistake("week4.linear_backward.da_prev_over_m"): lambda: np.dot(W.T, dZ) / m},
        1: {mistake("week4.linear_backward.dw_transpose"): lambda: np.dot(A_prev, dZ.T).T / m},
        2: {mistake("week4.linear_backward.db_wrong_axis"): lambda: np.mean(dZ, axis=0, keepdims=True)},
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
        fail(say("tuple.mismatch", function=function, want=2, names=", ".join(names),
                 got=say("tuple.single_array", shape=value.shape)), mistake(missing_hint))
    return expect_tuple(value, list(names), function=function)


def expect_linear_cache(cache: Any, A: np.ndarray, W: np.ndarray, b: np.ndarray, *, name: str) -> None:
    """``cache`` must be the tuple (A, W, b), in that order."""
    parts = {"A": A, "W": W, "b": b}
    if isinstance(cache, dict):
        fail(say("week4.linear_cache.dict", name=name, keys=show(list(cache))))
    if not isinstance(cache, (tuple, list)):
        fail(say("week4.linear_cache.not_tuple", name=name, got=show(cache)), mistake("week4.linear_cache.missing"))
    if len(cache) != 3:
        fail(say("week4.linear_cache.count", name=name, count=len(cache)), mistake("week4.linear_cache.incomplete"))
    found = [next((key for key, want in parts.items() if _same(item, want)), None) for item in cache]
    if found != ["A", "W", "b"] and sorted(k for k in found if k) == ["A", "W", "b"]:
        fail(say("week4.linear_cache.order", name=name, found=", ".join(found)),
             mistake("week4.linear_cache.misordered"))
    for index, key in enumerate("AWb"):
        expect_array(cache[index], parts[key], name=f"{name}[{index}] ({key})")


def expect_activation_cache(cache: Any, A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, Z: np.ndarray,
                            A: np.ndarray, *, name: str) -> None:
    """``cache`` must be (linear_cache, activation_cache) = ((A_prev, W, b), Z)."""
    if not isinstance(cache, (tuple, list)):
        fail(say("week4.activation_cache.not_pair", name=name, got=show(cache)),
             mistake("week4.activation_cache.missing"))
    if len(cache) == 3 and [_same(c, w) for c, w in zip(cache, (A_prev, W, b))] == [True] * 3:
        fail(say("week4.activation_cache.linear_only", name=name), mistake("week4.activation_cache.no_activation_cache"))
    if len(cache) == 4:
        fail(say("week4.activation_cache.flattened", name=name), mistake("week4.activation_cache.not_nested"))
    if len(cache) != 2:
        fail(say("week4.activation_cache.count", name=name, count=len(cache)))
    first, second = cache
    if isinstance(second, (tuple, list)) and isinstance(first, np.ndarray):
        fail(say("week4.activation_cache.reversed", name=name, first_shape=first.shape),
             mistake("week4.activation_cache.misordered"))
    if not _same(second, Z) and _same(second, A):
        fail(say("week4.activation_cache.holds_a", name=name), mistake("week4.activation_cache.a_not_z"))
    expect_linear_cache(first, A_prev, W, b, name=f"{name}[0] (linear_cache)")
    expect_array(second, Z, name=f"{name}[1] (activation_cache, Z)")


def expect_column(got: Any, want: np.ndarray, *, name: str, what: str = "b") -> None:
    """A gradient of a bias must be a column (n, 1): np.sum(dZ, axis=1, keepdims=True) / m."""
    fix = say("week4.db.fix", name=name, want_shape=want.shape, what=what)
    if isinstance(got, (float, int, np.generic)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        fail(say("week4.db.single_number", name=name, got=show(got), want_shape=want.shape),
             mistake("week4.db.summed_all", fix=fix))
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.size == want.shape[0]:
        fail(say("week4.db.shape", name=name, got_shape=got.shape, want_shape=want.shape),
             mistake("week4.db.no_keepdims", fix=fix))
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[0] == 1 and want.shape[0] != 1:
        fail(say("week4.db.shape", name=name, got_shape=got.shape, want_shape=want.shape),
             mistake("week4.db.wrong_axis", fix=fix))


def expect_grad(got: Any, numeric: np.ndarray, *, name: str, want: np.ndarray, m: int | None = None,
                mistakes: dict[str, Any] | None = None, threshold: float = GRADIENT_THRESHOLD) -> float:
    """A numeric gradient check, and when it fails, the diagnosis of a known mistake.

    ``numeric`` decides; ``want`` (the reference's analytic value, exact) is only used to
    recognize what a wrong value is: a missing 1/m, a sign, a known slip.
    """
    return expect_gradient_diagnosed(got, numeric, name=name, want=want, m=m, mistakes=mistakes, threshold=threshold)


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


def _arrays_in(value: Any, depth: int = 0) -> list[np.ndarray]:
    """Every numpy array inside ``value`` (an array, or tuples, lists and dict values of them)."""
    if isinstance(value, np.ndarray):
        return [value]
    if depth >= 4:
        return []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
    return [array for item in items for array in _arrays_in(item, depth + 1)]


def layer_of_cache(cache: Any, want: list) -> int | None:
    """The layer (1 .. L) whose cache ``cache`` is, by the values it holds: the layer whose A_prev, W, b
    and Z it holds most of (``want``: the expected caches ((A_prev, W, b), Z), layer 1 first); None
    when it holds none of them, or as many of two layers' as of any other."""
    arrays = _arrays_in(cache)
    scores = [sum(any(_same(array, part) for array in arrays) for part in (A_prev, W, b, Z))
              for (A_prev, W, b), Z in want]
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return scores.index(best) + 1


def layers_text(layers: list[int]) -> str:
    """"layer 2", "layers 2 and 3", "layers 1, 2 and 3" (in the catalog's language)."""
    if len(layers) == 1:
        return say("week4.caches.layers_one", layer=layers[0])
    return say("week4.caches.layers_many", others=", ".join(map(str, layers[:-1])), last=layers[-1])


def expect_caches(caches: Any, L: int, want: list) -> None:
    """caches must be a list of L entries (expect_len would turn a list of tuples into an array).

    ``want`` is the expected caches, layer 1 first. When the count is wrong, each entry is matched
    to a layer by the values it holds (A_prev, W, b, Z), and the feedback says which layers' caches
    are there and which are missing; a diagnosis names a pattern only when the layers found are
    exactly that pattern (layers 1 .. L-1: the output's cache is missing; L-1 and L: the hidden
    layers' caches were appended after their loop; L alone: no hidden layer's cache).
    """
    if not isinstance(caches, (list, tuple)):
        fail(say("week4.caches.not_list", L=L, got=show(caches)))
    if len(caches) == L:
        return
    count = say("week4.caches.count", count=len(caches), L=L)
    layers = [layer_of_cache(cache, want) for cache in caches]
    if not layers or None in layers:
        fail(count, say("week4.caches.one_per_layer"))
    found = [layer for layer in layers if layer is not None]
    parts = [count, say("week4.caches.holds", layers=layers_text(found))]
    missing = [layer for layer in range(1, L + 1) if layer not in found]
    if missing:
        parts.append(say("week4.caches.missing", layers=layers_text(missing)))
    repeated = sorted({layer for layer in found if found.count(layer) > 1})
    if repeated:
        parts.append(say("week4.caches.repeated", layers=layers_text(repeated)))
    if found == list(range(1, L)):
        parts.append(mistake("week4.caches.output_missing"))
    elif L >= 3 and found == [L - 1, L]:
        parts.append(mistake("week4.caches.append_after_loop", last=L - 1))
    elif L >= 2 and found == [L]:
        parts.append(mistake("week4.caches.hidden_missing", last=L - 1))
    else:
        parts.append(say("week4.caches.one_per_layer"))
    fail(*parts)


# -- L_model_backward's dA keys ---------------------------------------------------------


def off_by_one_text(L: int) -> str:
    return mistake("week4.da_keys.off_by_one", last=L - 1, L=L)


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
        parts = [say("week4.da_keys.missing", missing=missing, have=show(have), want=want), off_by_one_text(L)]
        if right is not None and all(_close(grads[f"dA{l + 1}"], right[f"dA{l}"]) for l in range(L)):
            parts.append(say("week4.da_keys.values_right"))
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
            notes = [say("week4.vectorized.layer_loop_fine", function=function)]
            for helper in helpers:
                loop = find_example_loop(getattr(learner, helper).source)
                if loop is not None:
                    located = getattr(learner, helper).located
                    line = (located.first_line if located else 1) + loop[0] - 1
                    notes.append(say("week4.vectorized.helper_loops", function=function, helper=helper, line=line,
                                     loop=loop[1]))
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


LAYER_COUNT_HINT = mistake("week4.layers.count")


def key_error_past(L: int) -> Callable[[str], bool]:
    """True for a KeyError on a layer past the last one (W{L+1}, dW{L+1}...)."""
    return lambda message: "KeyError" in message and any(
        f"'{p}{L + 1}'" in message for p in ("W", "b", "dW", "db"))


# -- Initialization statistics ---------------------------------------------------------------


def expect_small_random(W: Any, *, name: str, n_prev: int) -> None:
    """W must look like np.random.randn(...) * 0.01: centred, Gaussian-like, std about 0.01
    (grader.checks.patterns.expect_random_init, which names a wrong scale)."""
    expect_random_init(W, name=name, fan_in=n_prev, scale=INIT_SCALE)


def expect_initialized(parameters: Any, dims: list[int]) -> None:
    """Keys W1..WL, b1..bL; W{l} (n_l, n_{l-1}) small random; b{l} float zeros (n_l, 1)."""
    L = len(dims) - 1
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    expect_keys(parameters, keys, name="parameters")
    extra = [k for k in parameters if k not in keys]
    if extra:
        fail(say("week4.initialize.extra_keys", extra=show(extra), keys=keys),
             mistake("week4.initialize.layer_loop", count=len(dims), L=L))
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        expect_shape(W, (dims[l], dims[l - 1]), name=f"W{l}")
        if not np.all(np.isfinite(W)):
            fail(say("week4.initialize.nonfinite", name=f"W{l}"))
        expect_array(b, np.zeros((dims[l], 1)), name=f"b{l}", float_dtype=True)
        expect_small_random(W, name=f"W{l}", n_prev=dims[l - 1])
