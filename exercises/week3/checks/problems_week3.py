"""Inputs and diagnoses for the week-3 checks (planar classification, one hidden layer).

Random problems never use a hidden width of 4 (the notebook's value) and, where
the course's code allows it, use several output units (n_y > 1), so that latent
bugs such as ``b2 = np.zeros((n_y, n_y))`` or a ``db`` summed into one number show.
Functions whose course template asserts ``A2.shape == (1, m)`` (forward
propagation, predict, nn_model) get n_y = 1, so an older notebook that kept the
assertion is graded fairly.

Generic helpers the grader core may want later: ``expect_dict_unchanged`` (no
in-place change of a dict of arrays), ``expect_gradient_diagnosed`` (a numeric
gradient check whose failure also names a known mistake) and
``numeric_parameter_gradients`` (numeric gradients of a cost with respect to
every array of a parameter dictionary).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from grader.checks import expect_array, fail, forward_cache, mistake, numeric_gradient, show

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
    return {
        "W1": rng.normal(0.0, scale, (n_h, n_x)),
        "b1": rng.normal(0.0, 0.5, (n_h, 1)),
        "W2": rng.normal(0.0, scale, (n_y, n_h)),
        "b2": rng.normal(0.0, 0.5, (n_y, 1)),
    }


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


def accuracy(predictions: np.ndarray, Y: np.ndarray) -> float:
    return float(100.0 * np.mean(np.asarray(predictions, dtype=float) == Y))


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

SIGMOID_HIDDEN = (
    "Likely mistake: the hidden layer uses sigmoid. This network uses tanh in the hidden layer, "
    "A1 = np.tanh(Z1), and sigmoid only in the output layer, A2 = sigmoid(Z2)."
)
TANH_DERIVATIVE = (
    "Likely mistake: the derivative of tanh. With A1 = tanh(Z1), g'(Z1) = 1 - A1**2, so "
    "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2)); A1 * (1 - A1) is the derivative of the sigmoid."
)


def forward_mistakes(X: np.ndarray, parameters: dict, key: str) -> dict[str, Any]:
    """message -> the value of cache[key] (or A2) under each classic forward mistake."""
    mistakes = {
        SIGMOID_HIDDEN: lambda: tanh_forward(X, parameters, _sigmoid)[key],
        "Likely mistake: no activation in the hidden layer (A1 = Z1). Apply A1 = np.tanh(Z1): without a "
        "non-linearity the two layers collapse into one linear model.":
            lambda: tanh_forward(X, parameters, lambda z: z)[key],
        "Likely mistake: ReLU in the hidden layer; this exercise uses A1 = np.tanh(Z1).":
            lambda: tanh_forward(X, parameters, lambda z: np.maximum(z, 0))[key],
    }
    if key in ("Z2", "A2"):
        no_bias = {**parameters, "b2": np.zeros_like(parameters["b2"])}
        mistakes["Likely mistake: the bias b2 is missing: Z2 = np.dot(W2, A1) + b2."] = \
            lambda: tanh_forward(X, no_bias)[key]
        mistakes["Likely mistake: the output layer has no sigmoid: A2 = sigmoid(Z2)."] = \
            lambda: tanh_forward(X, parameters)["Z2"]
    no_b1 = {**parameters, "b1": np.zeros_like(parameters["b1"])}
    mistakes["Likely mistake: the bias b1 is missing: Z1 = np.dot(W1, X) + b1."] = \
        lambda: tanh_forward(X, no_b1)[key]
    return mistakes


def backward_mistakes(parameters: dict, cache: dict, X: np.ndarray, Y: np.ndarray, key: str) -> dict[str, Any]:
    """message -> the value of grads[key] under each classic backward mistake (dW1 and db1 only)."""
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
        "Likely mistake: the derivative of tanh is 1 - A1**2 (with A1 = tanh(Z1)), not 1 - Z1**2.":
            lambda: grads_with(1 - Z1 ** 2),
        "Likely mistake: the derivative of tanh is 1 - A1**2: square A1 (np.power(A1, 2)), not 1 - A1.":
            lambda: grads_with(1 - A1),
        "Likely mistake: dZ1 is missing the derivative of the hidden activation: "
        "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2)).": lambda: grads_with(np.ones_like(A1)),
    }


# -- structure checks with specific diagnoses -------------------------------------------


def expect_bias(got: Any, want: np.ndarray, *, name: str, what: str, m: int | None = None,
                mistakes: dict[str, Any] | None = None) -> None:
    """A bias (or bias gradient) column of shape (n, 1), with diagnoses for the classic shape bugs.

    what: how the right value is built, e.g. "np.zeros((n_y, 1))".
    """
    n = want.shape[0]
    short = name.split(" (")[0]
    if isinstance(got, (float, int, np.generic)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        fail(f"{name} is the single number {show(got)}, expected an array of shape {want.shape}.",
             mistake(f"Likely mistake: {short} was summed over all its entries (or squeezed) into one number. "
                     f"It needs one value per unit: {what}."))
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape == (n, n) and n > 1:
        fail(f"{name} has the wrong shape.\n  expected: shape {want.shape}\n  received: shape {got.shape}",
             mistake(f"Likely mistake: a square ({n}, {n}) bias. A bias has one entry per unit of the layer, as a "
                     f"column: {what}."))
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.size == n:
        fail(f"{name} has the wrong shape.\n  expected: shape {want.shape}\n  received: shape {got.shape}",
             mistake(f"Likely mistake: a rank-1 array. Summing over axis=1 drops that axis; keep it as a column "
                     f"with keepdims=True: {what}."))
    expect_array(got, want, name=name, m=m, mistakes=mistakes)


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


def expect_dict_unchanged(before: dict[str, np.ndarray], after: Any, *, name: str, function: str,
                          advice: str) -> None:
    """The caller's dictionary of arrays must hold the same arrays after the call."""
    if not isinstance(after, dict):
        return
    for key, old in before.items():
        new = after.get(key)
        comparable = type(new) is np.ndarray and new.shape == old.shape and new.dtype.kind in "biuf"
        if comparable and np.array_equal(new, old):
            continue
        if comparable:
            index = tuple(int(i) for i in np.argwhere(new != old)[0])
            change = f"{name}[{key!r}]{list(index)} was {show(old[index].item())} before the call and " \
                     f"{show(new[index].item())} after it"
        else:
            change = f"{name}[{key!r}] was replaced by {show(new)}"
        fail(f"{function} changed the caller's {name}: {change}.", mistake(advice))


UPDATE_COPIES = mistake(
    "Likely mistake: an in-place update (W1 -= learning_rate * dW1, or parameters[\"W1\"] = ... on the "
    "dictionary you received). The caller's parameters must not change: work on copies. Compute new "
    "arrays, W1 = W1 - learning_rate * dW1, and return a new dictionary {\"W1\": W1, ...} "
    "(or start from copy.deepcopy(parameters))."
)


def expect_cache(cache: Any, want: dict[str, np.ndarray], *, mistakes_for: Callable[[str], dict] | None = None) -> None:
    """cache must be a dict holding Z1, A1, Z2, A2 with the right arrays under the right keys."""
    if not isinstance(cache, dict):
        fail(f"cache should be a dictionary with keys {list(CACHE_KEYS)}; received {type(cache).__name__}.",
             'Build it as cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}: backward_propagation reads it by name.')
    missing = [k for k in CACHE_KEYS if k not in cache]
    if missing:
        fail(f"cache is missing the key(s) {missing}; expected keys: {list(CACHE_KEYS)}.",
             mistake('Likely mistake: an incomplete cache. backward_propagation reads the values by name, so '
                     'store all four: cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}.'))
    for key in CACHE_KEYS:
        got = cache[key]
        if isinstance(got, np.ndarray) and got.shape == want[key].shape and got.dtype.kind in "biuf" \
                and not np.allclose(got, want[key], rtol=1e-5, atol=1e-7):
            for other in CACHE_KEYS:
                if other != key and want[other].shape == got.shape and np.allclose(got, want[other], rtol=1e-5,
                                                                                   atol=1e-7):
                    fail(f'cache["{key}"] holds {other}, not {key}.',
                         mistake('Likely mistake: a misordered cache: values stored under the wrong keys. Use '
                                 'cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}.'))
        expect_array(got, want[key], name=f'cache["{key}"]', mistakes=mistakes_for(key) if mistakes_for else None)


def forward_result(value: Any) -> tuple[Any, Any]:
    """(A2, cache) from forward_propagation's return value, diagnosing a swapped pair."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        size = len(value) if isinstance(value, (tuple, list)) else f"a single {type(value).__name__}"
        fail(f"forward_propagation should return 2 values (A2, cache); received {size}.")
    A2, cache = value
    if isinstance(A2, dict) and not isinstance(cache, dict):
        fail("forward_propagation returned (cache, A2): the pair is misordered. Return A2, cache (in this order).")
    return A2, cache


def own_cache(learner, X: np.ndarray, parameters: dict) -> Callable[[], Any]:
    """The cache the learner's forward_propagation returns for X (asked only when needed, see
    grader.checks.caches)."""
    return lambda: forward_cache(learner.forward_propagation(X, parameters), "forward_propagation", ("A2", "cache"))


# -- initialization statistics -------------------------------------------------------------

SYMMETRY = mistake(
    "Likely mistake: zero (or constant) initialization, so every hidden unit is identical. Units that "
    "start equal compute the same thing and receive the same gradient, so they stay equal forever: "
    "the symmetry is never broken. Initialize the weights with small random numbers: "
    "np.random.randn(n_h, n_x) * 0.01."
)


def expect_small_random(W: np.ndarray, *, name: str, shape_text: str, low: float, high: float) -> None:
    """Weights drawn as np.random.randn(...) * 0.01: non-constant rows, both signs, RMS near 0.01."""
    if W.shape[0] > 1 and np.all(W == W[0:1, :]):
        fail(f"all the rows of {name} are identical (received {show(W)}).", SYMMETRY)
    if W.size > 1 and np.all(W == W.flat[0]):
        fail(f"every entry of {name} is {show(float(W.flat[0]))}.", SYMMETRY)
    rms = float(np.sqrt(np.mean(W ** 2)))
    if rms > high:
        fail(f"{name} is too large: its entries have a root-mean-square of {rms:.3g}, expected about 0.01 "
             f"(between {low:g} and {high:g}).",
             mistake(f"Likely mistake: the factor 0.01 is missing. Use np.random.randn({shape_text}) * 0.01: large "
                     "weights push tanh and sigmoid into their flat regions, where the gradients are tiny and "
                     "learning is slow."))
    negative = float(np.mean(W < 0))
    if W.size >= 60 and not 0.1 <= negative <= 0.9:  # P(false alarm) < 1e-10 for randn
        fail(f"{negative:.0%} of the entries of {name} are negative; weights drawn from a standard normal "
             "distribution are negative about half the time.",
             mistake(f"Likely mistake: np.random.rand draws from [0, 1) only. Use np.random.randn({shape_text}) "
                     "* 0.01 (randn: the standard normal distribution)."))
    if rms < low:
        fail(f"{name} is too small: its entries have a root-mean-square of {rms:.3g}, expected about 0.01 "
             f"(between {low:g} and {high:g}). Use np.random.randn({shape_text}) * 0.01.")


def expect_layer_sizes(got: Any, X: np.ndarray, Y: np.ndarray) -> None:
    """layer_sizes(X, Y) must be (X.shape[0], 4, Y.shape[0])."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        size = len(got) if isinstance(got, (tuple, list)) else f"a single {type(got).__name__}"
        fail(f"layer_sizes should return 3 values (n_x, n_h, n_y); received {size}.")
    if not all(type(v) in (int, float) or isinstance(v, (np.integer, np.floating)) for v in got):
        fail(f"layer_sizes should return 3 integers (n_x, n_h, n_y); received {show(tuple(got))}.",
             "Read the sizes from the shapes: n_x = X.shape[0] and n_y = Y.shape[0]; n_h is 4 here.")
    got = tuple(int(v) if isinstance(v, (int, np.integer)) else v for v in got)
    want = (X.shape[0], 4, Y.shape[0])
    if got == want:
        return
    m = X.shape[1]
    hint = ""
    if got[0] == m or got[2] == m:
        hint = mistake("Likely mistake: you read the number of examples m (shape[1]); a layer's size is the "
                       "number of ROWS: n_x = X.shape[0], n_y = Y.shape[0].")
    elif got[1] != 4:
        hint = "The hidden layer has n_h = 4 units in this function (nn_model takes other sizes as an argument)."
    fail(f"layer_sizes(X, Y) with X of shape {X.shape} and Y of shape {Y.shape} should be {want}; "
         f"received {got}.", hint)
