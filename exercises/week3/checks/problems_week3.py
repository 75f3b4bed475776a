"""Inputs and diagnoses for the week-3 checks (planar classification, one hidden layer).

Random problems never use a hidden width of 4 (the notebook's value) and, where
the course's code allows it, use several output units (n_y > 1), so that latent
bugs such as ``b2 = np.zeros((n_y, n_y))`` or a ``db`` summed into one number show.
Functions whose course template asserts ``A2.shape == (1, m)`` (forward
propagation, predict, nn_model) get n_y = 1, so an older notebook that kept the
assertion is graded fairly.

The bias diagnoses, the unchanged-dictionary check, random parameter sets and accuracy are the
grader's (grader.checks.patterns); the sentences of this week's own mistakes are in
messages.en.toml, by id.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from grader.checks import expect_array, fail, forward_cache, mistake, numeric_gradient, say, show, use_catalog
from grader.checks.patterns import accuracy, expect_bias, expect_dict_unchanged
from grader.checks.patterns import random_parameters as _random_parameters

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

__all__ = ["accuracy", "expect_bias", "expect_dict_unchanged"]  # the grader's, used by the hidden checks too

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")
CACHE_KEYS = ("Z1", "A1", "Z2", "A2")

# -- the flower data, from the exercise's own planar_utils.py -----------------------


def _planar_utils():
    name = "planar_utils_week3"
    if name not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "planar_utils.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def flower(rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's flower data (X of shape (2, m), Y of shape (1, m)), drawn from ``rng``."""
    return _planar_utils().flower(rng, m)


# -- problems ---------------------------------------------------------------------


def sizes(rng: np.random.Generator, n_y: int | None = None) -> tuple[int, int, int, int]:
    """(n_x, n_h, n_y, m), all different, n_h never 4, m never equal to a layer size."""
    n_x = int(rng.integers(2, 5))
    n_h = int(rng.choice([5, 6, 7]))
    if n_y is None:
        n_y = int(rng.choice([2, 3]))
    m = int(rng.integers(9, 13))
    return n_x, n_h, n_y, m


def random_parameters(rng: np.random.Generator, n_x: int, n_h: int, n_y: int,
                      scale: float = 0.8) -> dict[str, np.ndarray]:
    """Weights large enough that tanh is clearly non-linear, and non-zero biases."""
    return _random_parameters(rng, [n_x, n_h, n_y], weights=scale, biases=0.5)


def random_problem(rng: np.random.Generator, n_y: int | None = None) -> tuple[dict, np.ndarray, np.ndarray]:
    """(parameters, X, Y): Y of 0.0 / 1.0 with both classes in every output row."""
    n_x, n_h, n_y, m = sizes(rng, n_y)
    parameters = random_parameters(rng, n_x, n_h, n_y)
    X = rng.normal(0.0, 1.0, (n_x, m))
    Y = (rng.random((n_y, m)) > 0.5).astype(float)
    Y[:, 0], Y[:, 1] = 0.0, 1.0
    return parameters, X, Y


def course_example() -> tuple[dict, np.ndarray, np.ndarray]:
    """The small fixed example of the notebook's test cells: n_x = 2, n_h = 4, n_y = 1, m = 3."""
    parameters = {
        "W1": np.array([[-0.42, 0.57], [0.39, -0.21], [0.15, 0.61], [-0.73, -0.08]]),
        "b1": np.array([[0.1], [-0.2], [0.05], [0.3]]),
        "W2": np.array([[0.8, -1.1, 0.45, -0.6]]),
        "b2": np.array([[-0.15]]),
    }
    X = np.array([[1.2, -0.7, 2.1], [-0.4, 1.5, 0.3]])
    Y = np.array([[1.0, 0.0, 1.0]])
    return parameters, X, Y


def copy_parameters(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.array(v, dtype=float, copy=True) for k, v in parameters.items()}


def tanh_forward(X: np.ndarray, parameters: dict, hidden: Callable[[np.ndarray], np.ndarray] = np.tanh) -> dict:
    """The forward pass with a chosen hidden activation (to build known mistakes)."""
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = hidden(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": 1.0 / (1.0 + np.exp(-Z2))}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# -- learner calls ------------------------------------------------------------------


def call_compute_cost(learner, A2: np.ndarray, Y: np.ndarray, parameters: dict, *, run: bool = False) -> Any:
    """compute_cost(A2, Y), or the course's older compute_cost(A2, Y, parameters); with ``run``, the call's
    outcome (the arguments after the call included)."""
    function = learner.compute_cost.run if run else learner.compute_cost
    if len(learner.compute_cost.parameters) >= 3:
        return function(A2, Y, parameters)
    return function(A2, Y)


# -- known mistakes -------------------------------------------------------------------

SIGMOID_HIDDEN = mistake("week3.forward_propagation.sigmoid_hidden")
TANH_DERIVATIVE = mistake("week3.backward_propagation.tanh_derivative")


def forward_mistakes(X: np.ndarray, parameters: dict, key: str) -> dict[str, Any]:
    """diagnosis -> the value of cache[key] (or A2) under each classic forward mistake."""
    mistakes = {
        SIGMOID_HIDDEN: lambda: tanh_forward(X, parameters, _sigmoid)[key],
        mistake("week3.forward_propagation.no_hidden_activation"): lambda: tanh_forward(X, parameters, lambda z: z)[key],
        mistake("week3.forward_propagation.relu_hidden"):
            lambda: tanh_forward(X, parameters, lambda z: np.maximum(z, 0))[key],
    }
    if key in ("Z2", "A2"):
        no_bias = {**parameters, "b2": np.zeros_like(parameters["b2"])}
        mistakes[mistake("week3.forward_propagation.no_b2")] = lambda: tanh_forward(X, no_bias)[key]
        mistakes[mistake("week3.forward_propagation.no_output_sigmoid")] = lambda: tanh_forward(X, parameters)["Z2"]
    no_b1 = {**parameters, "b1": np.zeros_like(parameters["b1"])}
    mistakes[mistake("week3.forward_propagation.no_b1")] = lambda: tanh_forward(X, no_b1)[key]
    return mistakes


def backward_mistakes(parameters: dict, cache: dict, X: np.ndarray, Y: np.ndarray, key: str) -> dict[str, Any]:
    """diagnosis -> the value of grads[key] under each classic backward mistake (dW1 and db1 only)."""
    if key not in ("dW1", "db1"):
        return {}
    m = X.shape[1]
    A1, Z1 = cache["A1"], cache["Z1"]
    delta = parameters["W2"].T @ (cache["A2"] - Y)

    def grads_with(derivative: np.ndarray) -> np.ndarray:
        dZ1 = delta * derivative
        return dZ1 @ X.T / m if key == "dW1" else np.sum(dZ1, axis=1, keepdims=True) / m

    return {
        TANH_DERIVATIVE: lambda: grads_with(A1 * (1 - A1)),
        mistake("week3.backward_propagation.tanh_derivative_of_z"): lambda: grads_with(1 - Z1 ** 2),
        mistake("week3.backward_propagation.tanh_derivative_no_square"): lambda: grads_with(1 - A1),
        mistake("week3.backward_propagation.no_activation_derivative"): lambda: grads_with(np.ones_like(A1)),
    }


# -- structure checks with specific diagnoses -------------------------------------------


def numeric_parameter_gradients(cost: Callable[[dict], float], parameters: dict[str, np.ndarray],
                                names: tuple[str, ...] = PARAMETER_NAMES) -> dict[str, np.ndarray]:
    """Centred-difference gradient of cost(parameters) with respect to each named array."""
    work = copy_parameters(parameters)
    grads = {}
    for name in names:
        def f(value: np.ndarray, name: str = name) -> float:
            work[name] = value
            return cost(work)
        grads[name] = numeric_gradient(f, work[name].copy())
        work[name] = np.array(parameters[name], dtype=float, copy=True)
    return grads


UPDATE_COPIES = mistake("week3.update_parameters.in_place")


def expect_cache(cache: Any, want: dict[str, np.ndarray], *, mistakes_for: Callable[[str], dict] | None = None) -> None:
    """cache must be a dict holding Z1, A1, Z2, A2 with the right arrays under the right keys."""
    if not isinstance(cache, dict):
        fail(say("week3.cache.not_a_dict", keys=list(CACHE_KEYS), got_type=type(cache).__name__),
             say("week3.cache.build_it"))
    missing = [k for k in CACHE_KEYS if k not in cache]
    if missing:
        fail(say("keys.missing", name="cache", missing=missing, want=list(CACHE_KEYS)),
             mistake("week3.cache.incomplete"))
    for key in CACHE_KEYS:
        got = cache[key]
        if isinstance(got, np.ndarray) and got.shape == want[key].shape and got.dtype.kind in "biuf" \
                and not np.allclose(got, want[key], rtol=1e-5, atol=1e-7):
            for other in CACHE_KEYS:
                if other != key and want[other].shape == got.shape and np.allclose(got, want[other], rtol=1e-5,
                                                                                   atol=1e-7):
                    fail(say("week3.cache.wrong_key", key=key, other=other), mistake("week3.cache.misordered"))
        expect_array(got, want[key], name=f'cache["{key}"]', mistakes=mistakes_for(key) if mistakes_for else None)


def forward_result(value: Any) -> tuple[Any, Any]:
    """(A2, cache) from forward_propagation's return value, diagnosing a swapped pair."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        size = len(value) if isinstance(value, (tuple, list)) else say("tuple.single", got_type=type(value).__name__)
        fail(say("tuple.mismatch", function="forward_propagation", want=2, names="A2, cache", got=size))
    A2, cache = value
    if isinstance(A2, dict) and not isinstance(cache, dict):
        fail(say("week3.forward_propagation.pair_misordered"))
    return A2, cache


def own_cache(learner, X: np.ndarray, parameters: dict) -> Callable[[], Any]:
    """The cache the learner's forward_propagation returns for X (asked only when needed, see
    grader.checks.caches)."""
    return lambda: forward_cache(learner.forward_propagation(X, parameters), "forward_propagation", ("A2", "cache"))


# -- initialization statistics -------------------------------------------------------------

SYMMETRY = mistake("week3.initialize_parameters.symmetry")


def expect_small_random(W: np.ndarray, *, name: str, shape_text: str, low: float, high: float) -> None:
    """Weights drawn as np.random.randn(...) * 0.01: non-constant rows, both signs, RMS near 0.01."""
    if W.shape[0] > 1 and np.all(W == W[0:1, :]):
        fail(say("week3.initialize_parameters.identical_rows", name=name, got=show(W)), SYMMETRY)
    if W.size > 1 and np.all(W == W.flat[0]):
        fail(say("week3.initialize_parameters.constant", name=name, value=show(float(W.flat[0]))), SYMMETRY)
    rms = float(np.sqrt(np.mean(W ** 2)))
    sizes = dict(name=name, rms=rms, low=low, high=high, shape_text=shape_text)
    if rms > high:
        fail(say("week3.initialize_parameters.too_large", **sizes),
             mistake("week3.initialize_parameters.no_factor", shape_text=shape_text))
    negative = float(np.mean(W < 0))
    if W.size >= 60 and not 0.1 <= negative <= 0.9:  # P(false alarm) < 1e-10 for randn
        fail(say("week3.initialize_parameters.one_sign", negative=negative, name=name),
             mistake("week3.initialize_parameters.rand", shape_text=shape_text))
    if rms < low:
        fail(say("week3.initialize_parameters.too_small", **sizes))


def expect_layer_sizes(got: Any, X: np.ndarray, Y: np.ndarray) -> None:
    """layer_sizes(X, Y) must be (X.shape[0], 4, Y.shape[0])."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        size = len(got) if isinstance(got, (tuple, list)) else say("tuple.single", got_type=type(got).__name__)
        fail(say("tuple.mismatch", function="layer_sizes", want=3, names="n_x, n_h, n_y", got=size))
    if not all(type(v) in (int, float) or isinstance(v, (np.integer, np.floating)) for v in got):
        fail(say("week3.layer_sizes.not_integers", got=show(tuple(got))), say("week3.layer_sizes.read_shapes"))
    got = tuple(int(v) if isinstance(v, (int, np.integer)) else v for v in got)
    want = (X.shape[0], 4, Y.shape[0])
    if got == want:
        return
    m = X.shape[1]
    hint = ""
    if got[0] == m or got[2] == m:
        hint = mistake("week3.layer_sizes.examples_not_rows")
    elif got[1] != 4:
        hint = say("week3.layer_sizes.n_h_is_4")
    fail(say("week3.layer_sizes.wrong", x_shape=X.shape, y_shape=Y.shape, want=want, got=got), hint)
