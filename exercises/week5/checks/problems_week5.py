"""Inputs, property checks and known mistakes for the week-5 checks (shared by public and hidden).

Update rules are checked on multi-layer parameter dictionaries whose matrices are never
square and never of width 1.  Mini-batches and data splits are checked by their
properties (every example exactly once, X/Y columns still paired, sizes, a real shuffle,
determinism for a seed), never by one particular shuffled order, so any correct way of
drawing the permutation earns full marks.

Generic helpers that the grader core may want later: ``expect_arrays`` (a dict of arrays
with per-key diagnoses) and ``column_indices`` (where each returned column came from).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks import (
    computing_with,
    expect_array,
    expect_keys,
    expect_like,
    expect_shape,
    expect_tuple,
    fail,
    mistake,
    show,
)
from grader.checks.context import expected_values_shown

# -- Messages (the tests look for some of their words) --------------------------------

NO_ONE_MINUS_BETA = (
    "Likely mistake: the velocity is missing the (1 - beta) factor. You computed v = beta * v + dW; "
    "the exponentially weighted average is v = beta * v + (1 - beta) * dW."
)
SWAPPED_BETA = (
    "Likely mistake: beta and (1 - beta) are swapped. The old velocity is weighted by beta and the new "
    "gradient by (1 - beta): v = beta * v + (1 - beta) * dW."
)
OLD_VELOCITY = (
    "Likely mistake: the parameters moved with the OLD velocity. Update v first, then use the new v: "
    "W = W - learning_rate * v (after v = beta * v + (1 - beta) * dW)."
)
RAW_GRADIENT = (
    "Likely mistake: the parameters moved along the raw gradient (plain gradient descent); with momentum "
    "they move along the velocity: W = W - learning_rate * v."
)
NO_BIAS_CORRECTION = (
    "Likely mistake: Adam without bias correction. The step must use v_corrected = v / (1 - beta1**t) and "
    "s_corrected = s / (1 - beta2**t), not v and s themselves."
)
FIXED_T = (
    "Likely mistake: the bias correction does not use the step number t (it behaves as if t = 1 on every "
    "step: 1 - beta1 instead of 1 - beta1**t). Use the argument t: v / (1 - beta1**t), "
    "s / (1 - beta2**t). In a training loop, t must grow by one at every Adam step."
)
T_PLUS_ONE = (
    "Likely mistake: t was incremented inside the update (the correction used t + 1). The caller counts "
    "the steps: use the t you receive as it is."
)
STORED_CORRECTED = (
    "Likely mistake: you stored the bias-corrected estimate in v (or s). Keep v and s uncorrected (they are "
    "running averages) and use v_corrected / s_corrected only for this step's update."
)
SWAPPED_BETAS = (
    "Likely mistake: beta1 and beta2 are swapped. beta1 (0.9) averages the gradients in v; beta2 (0.999) "
    "averages the squared gradients in s."
)
NO_SQUARE = (
    "Likely mistake: the running average must accumulate the SQUARED gradient, (1 - beta) * dW**2 "
    "(np.square(dW)); you used dW itself."
)
NO_SQUARE_ADAGRAD = (
    "Likely mistake: the cache must accumulate the SQUARED gradient, cache = cache + dW**2; you added dW itself."
)
NO_ACCUMULATION = (
    "Likely mistake: the cache was replaced by dW**2 instead of accumulating: Adagrad keeps the SUM of all "
    "squared gradients so far, cache = cache + dW**2."
)
NO_SQRT = (
    "Likely mistake: the square root is missing. Divide by (np.sqrt({state}) + epsilon), not by ({state} + epsilon)."
)
NO_ONE_MINUS_BETA_S = (
    "Likely mistake: the (1 - beta) factor is missing: {state} = beta * {state} + (1 - beta) * dW**2."
)
EPS_INSIDE = (
    "Likely mistake: epsilon is inside the square root. The formula adds epsilon AFTER the square root: "
    "divide by (np.sqrt({state}) + epsilon), not by np.sqrt({state} + epsilon)."
)
EPS_AFTER = (
    "Likely mistake: epsilon is outside the square root, but in the wrong place: you added it to the whole "
    "quotient ({num} / np.sqrt({state}) + epsilon). It belongs in the denominator, next to the square root: "
    "{num} / (np.sqrt({state}) + epsilon). Mind the parentheses."
)
EPS_IGNORED = (
    "Likely mistake: the epsilon argument is not used (a hard-coded 1e-8?). Use the epsilon you receive: "
    "(np.sqrt({state}) + epsilon)."
)
NOT_UPDATED = (
    "Likely mistake: {name} did not change. The loop must visit every layer l = 1, ..., L with "
    "L = len(parameters) // 2, for example `for l in range(1, L + 1)` (or range(L) with l + 1 in the keys)."
)
DROPPED_LAST_BATCH = (
    "Likely mistake: the last, partial mini-batch is missing. m = {m} is not a multiple of mini_batch_size "
    "= {size}, so after the {full} full mini-batches the remaining m - {full} * {size} = {rest} examples form "
    "one more, smaller mini-batch: shuffled_X[:, {full} * mini_batch_size : m]."
)
EMPTY_LAST_BATCH = (
    "Likely mistake: an empty last mini-batch. m = {m} is a multiple of mini_batch_size = {size}, so there is "
    "no partial mini-batch: add it only when m % mini_batch_size != 0."
)
PAIRS_BROKEN = (
    "Likely mistake: X and Y were shuffled with different permutations (or only one of them was shuffled), "
    "so the examples lost their labels. Draw ONE permutation and index both with it: "
    "permutation = list(np.random.permutation(m)); X[:, permutation], Y[:, permutation]."
)
Y_NOT_SHUFFLED = (
    "Likely mistake: Y was not shuffled (its labels are still in the original order) while X was, so the "
    "examples lost their labels. Index Y with the same permutation as X."
)
NOT_SHUFFLED_BATCHES = (
    "Likely mistake: the examples were not shuffled: the mini-batches hold them in their original order. "
    "Shuffle first with a permutation drawn after seeding: np.random.seed(seed); "
    "permutation = list(np.random.permutation(m))."
)
NOT_SHUFFLED_SPLIT = (
    "Likely mistake: the split does not shuffle: your test set is the {where} {n} examples in their "
    "original order. Data files are often sorted (by class, by date); shuffle the column indices with a "
    "permutation drawn from `seed` (e.g. np.random.RandomState(seed).permutation(m)) and split the "
    "shuffled indices."
)
NOT_STRATIFIED = (
    "Likely mistake: with stratify=True every class must keep its proportion: a class with m_c examples "
    "puts floor(test_size * m_c) or ceil(test_size * m_c) of them into the test set. Split each class's "
    "(shuffled) indices separately and join the parts."
)
SPLIT_COUNT = (
    "The test set holds n_test = ceil(test_size * m) examples (rounded UP, as scikit-learn does), here "
    "ceil({test_size} * {m}) = {n_test}: int(math.ceil(test_size * m))."
)

# -- Parameter dictionaries ----------------------------------------------------------


def layer_dims(rng: np.random.Generator, layers: int | None = None) -> list[int]:
    """Layer widths 2..7, consecutive ones different, so no W is square and none has width 1."""
    layers = layers or int(rng.integers(2, 4))
    dims = [int(rng.integers(2, 8))]
    while len(dims) < layers + 1:
        width = int(rng.integers(2, 8))
        if width != dims[-1]:
            dims.append(width)
    return dims


def parameter_problem(rng: np.random.Generator, dims: list[int] | None = None,
                      grad_scale: float = 0.5) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """parameters W1, b1, ... (nonzero biases) and grads dW1, db1, ... of matching shapes."""
    dims = dims or layer_dims(rng)
    parameters, grads = {}, {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.normal(0.0, 1.0, size=(dims[l], dims[l - 1]))
        parameters[f"b{l}"] = rng.normal(0.0, 1.0, size=(dims[l], 1))
        grads[f"dW{l}"] = rng.normal(0.0, grad_scale, size=(dims[l], dims[l - 1]))
        grads[f"db{l}"] = rng.normal(0.0, grad_scale, size=(dims[l], 1))
    return parameters, grads


def state_like(rng: np.random.Generator, grads: dict[str, np.ndarray], *, positive: bool = False,
               scale: float = 0.1) -> dict[str, np.ndarray]:
    """A nonzero optimizer state keyed like grads (positive for running averages of squares)."""
    if positive:
        return {k: rng.uniform(0.2, 1.0, size=g.shape) * scale for k, g in grads.items()}
    return {k: rng.normal(0.0, scale, size=g.shape) for k, g in grads.items()}


def example_problem() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The small fixed example of the public checks (and of the notebook): layers 3 -> 2 -> 4."""
    return parameter_problem(np.random.default_rng(1), [3, 2, 4], grad_scale=1.0)


def keys_of(parameters: dict[str, np.ndarray]) -> list[str]:
    return [f"{p}{l}" for l in range(1, len(parameters) // 2 + 1) for p in ("W", "b")]


def expect_arrays(got: Any, want: dict[str, np.ndarray], *, name: str,
                  mistakes: dict[str, Any] | None = None, original: dict[str, np.ndarray] | None = None,
                  rtol: float = 1e-5, atol: float = 1e-7, nonfinite_fix: str = "") -> None:
    """Every array of ``want`` must be in the dict ``got`` with close values.

    mistakes: message -> the whole dict a known mistake produces (or a function making it, called
    once and only when a value is wrong).  original: the input dict; an entry equal to it gets
    the "did not change" diagnosis (a layer the loop skipped).
    """
    expect_keys(got, list(want), name=name)
    cache: dict[str, dict[str, np.ndarray] | None] = {}

    def resolve(message: str) -> dict[str, np.ndarray] | None:
        if message not in cache:
            value = mistakes[message]  # type: ignore[index]
            try:
                cache[message] = value() if callable(value) else value
            except (FloatingPointError, ValueError, ZeroDivisionError):
                cache[message] = None
        return cache[message]

    for key, want_value in want.items():
        label = f'{name}["{key}"]'
        key_mistakes: dict[str, Any] = {}
        for message in mistakes or {}:
            key_mistakes[message] = (lambda message=message, key=key: _entry(resolve(message), key))
        if original is not None and key in original:
            key_mistakes[NOT_UPDATED.format(name=label)] = original[key]
        value = got[key]
        if (nonfinite_fix and type(value) is np.ndarray and value.shape == want_value.shape
                and value.dtype.kind == "f" and not np.all(np.isfinite(value))):
            bad = int(np.sum(~np.isfinite(value)))
            expected = f"\n  expected: {show(want_value)}" if expected_values_shown() else ""
            fail(f"{label} contains NaN or inf ({bad} of {value.size} values) although every expected value is "
                 f"finite.{expected}\n  received: {show(value)}", mistake("Likely mistake: " + nonfinite_fix))
        expect_array(value, want_value, name=label, mistakes=key_mistakes, rtol=rtol, atol=atol)


def _entry(value: dict[str, np.ndarray] | None, key: str) -> np.ndarray:
    if value is None or key not in value:
        return np.array(np.nan)
    return np.asarray(value[key])


# -- Known mistakes of the update rules: the values they produce ----------------------


def _per_key(parameters, grads, states, rule, outputs: int | None = None):
    """Apply ``rule(param, grad, *state_values) -> (new_param, *new_states)`` to every layer.

    Returns (new_parameters, *new_state_dicts); ``outputs`` state dicts (default: len(states)).
    """
    new_parameters = {}
    new_states: list[dict[str, np.ndarray]] = [{} for _ in range(len(states) if outputs is None else outputs)]
    with np.errstate(all="ignore"):
        for key in keys_of(parameters):
            out = rule(parameters[key], grads["d" + key], *[s["d" + key] for s in states])
            new_parameters[key] = out[0]
            for target, value in zip(new_states, out[1:]):
                target["d" + key] = value
    return (new_parameters, *new_states)


def momentum_variant(parameters, grads, v, beta, learning_rate, *, kind: str):
    """What a known momentum mistake returns: (parameters, v)."""

    def rule(W, dW, vW):
        if kind == "no_one_minus_beta":
            new_v = beta * vW + dW
        elif kind == "swapped":
            new_v = (1 - beta) * vW + beta * dW
        else:
            new_v = beta * vW + (1 - beta) * dW
        step = {"old_velocity": vW, "raw_gradient": dW}.get(kind, new_v)
        return W - learning_rate * step, new_v

    return _per_key(parameters, grads, [v], rule)


def adam_variant(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, *,
                 kind: str = ""):
    """What a known Adam mistake returns: (parameters, v, s, v_corrected, s_corrected)."""
    if kind == "swapped_betas":
        beta1, beta2 = beta2, beta1
    t_used = {"fixed_t": 1, "t_plus_one": t + 1}.get(kind, t)

    def rule(W, dW, vW, sW):
        new_v = beta1 * vW + (1 - beta1) * dW
        new_s = beta2 * sW + (1 - beta2) * (dW if kind == "no_square" else dW ** 2)
        if kind == "no_bias_correction":
            v_c, s_c = new_v, new_s
        else:
            v_c, s_c = new_v / (1 - beta1 ** t_used), new_s / (1 - beta2 ** t_used)
        if kind == "eps_inside":
            step = v_c / np.sqrt(s_c + epsilon)
        elif kind == "eps_after":
            step = v_c / np.sqrt(s_c) + epsilon
        elif kind == "eps_ignored":
            step = v_c / (np.sqrt(s_c) + 1e-8)
        else:
            step = v_c / (np.sqrt(s_c) + epsilon)
        if kind == "stored_corrected":
            new_v, new_s = v_c, s_c
        return W - learning_rate * step, new_v, new_s, v_c, s_c

    return _per_key(parameters, grads, [v, s], rule, outputs=4)


def adam_mistakes(args: tuple, position: int, state: str = "s_corrected") -> dict[str, Callable[[], dict]]:
    """message -> function giving the dict at ``position`` of a mistaken Adam's outputs."""
    kinds = {
        NO_BIAS_CORRECTION: "no_bias_correction",
        FIXED_T: "fixed_t",
        T_PLUS_ONE: "t_plus_one",
        STORED_CORRECTED: "stored_corrected",
        SWAPPED_BETAS: "swapped_betas",
        NO_SQUARE: "no_square",
        EPS_INSIDE.format(state=state): "eps_inside",
        EPS_AFTER.format(state=state, num="v_corrected"): "eps_after",
        EPS_IGNORED.format(state=state): "eps_ignored",
    }
    return {message: (lambda kind=kind: adam_variant(*args, kind=kind)[position]) for message, kind in kinds.items()}


def rmsprop_variant(parameters, grads, s, beta=0.999, learning_rate=0.01, epsilon=1e-8, *, kind: str = ""):
    """What a known RMSprop mistake returns: (parameters, s)."""

    def rule(W, dW, sW):
        square = dW if kind == "no_square" else dW ** 2
        new_s = beta * sW + (square if kind == "no_one_minus_beta" else (1 - beta) * square)
        root = new_s if kind == "no_sqrt" else np.sqrt(new_s)
        if kind == "eps_inside":
            step = dW / np.sqrt(new_s + epsilon)
        elif kind == "eps_after":
            step = dW / root + epsilon
        elif kind == "eps_ignored":
            step = dW / (root + 1e-8)
        else:
            step = dW / (root + epsilon)
        return W - learning_rate * step, new_s

    return _per_key(parameters, grads, [s], rule)


def rmsprop_mistakes(args: tuple, position: int) -> dict[str, Callable[[], dict]]:
    kinds = {
        NO_SQUARE: "no_square",
        NO_SQRT.format(state="s"): "no_sqrt",
        NO_ONE_MINUS_BETA_S.format(state="s"): "no_one_minus_beta",
        EPS_INSIDE.format(state="s"): "eps_inside",
        EPS_AFTER.format(state="s", num="dW"): "eps_after",
        EPS_IGNORED.format(state="s"): "eps_ignored",
    }
    return {message: (lambda kind=kind: rmsprop_variant(*args, kind=kind)[position]) for message, kind in kinds.items()}


def adagrad_variant(parameters, grads, cache, learning_rate=0.01, epsilon=1e-8, *, kind: str = ""):
    """What a known Adagrad mistake returns: (parameters, cache)."""

    def rule(W, dW, cW):
        if kind == "no_square":
            new_c = cW + dW
        elif kind == "no_accumulation":
            new_c = dW ** 2
        else:
            new_c = cW + dW ** 2
        root = new_c if kind == "no_sqrt" else np.sqrt(new_c)
        if kind == "eps_inside":
            step = dW / np.sqrt(new_c + epsilon)
        elif kind == "eps_after":
            step = dW / root + epsilon
        elif kind == "eps_ignored":
            step = dW / (root + 1e-8)
        else:
            step = dW / (root + epsilon)
        return W - learning_rate * step, new_c

    return _per_key(parameters, grads, [cache], rule)


def adagrad_mistakes(args: tuple, position: int) -> dict[str, Callable[[], dict]]:
    kinds = {
        NO_SQUARE_ADAGRAD: "no_square",
        NO_ACCUMULATION: "no_accumulation",
        NO_SQRT.format(state="cache"): "no_sqrt",
        EPS_INSIDE.format(state="cache"): "eps_inside",
        EPS_AFTER.format(state="cache", num="dW"): "eps_after",
        EPS_IGNORED.format(state="cache"): "eps_ignored",
    }
    return {message: (lambda kind=kind: adagrad_variant(*args, kind=kind)[position]) for message, kind in kinds.items()}


def momentum_mistakes(args: tuple, position: int) -> dict[str, Callable[[], dict]]:
    kinds = {NO_ONE_MINUS_BETA: "no_one_minus_beta", SWAPPED_BETA: "swapped", OLD_VELOCITY: "old_velocity",
             RAW_GRADIENT: "raw_gradient"}
    return {message: (lambda kind=kind: momentum_variant(*args, kind=kind)[position]) for message, kind in kinds.items()}


def expect_zero_state(got: Any, parameters: dict[str, np.ndarray], *, name: str) -> None:
    """A dict with d-keys of float zeros shaped like the matching parameters."""
    want = {"d" + k: np.zeros(parameters[k].shape) for k in keys_of(parameters)}
    if isinstance(got, dict) and not all(k in got for k in want) and all(k in got for k in keys_of(parameters)):
        fail(f"{name} is keyed like the parameters ({', '.join(keys_of(parameters))}); it must be keyed like "
             f"the gradients: {', '.join(want)} (v[\"dW\" + str(l)] = ...).")
    expect_keys(got, list(want), name=name)
    for key, zeros in want.items():
        expect_array(got[key], zeros, name=f'{name}["{key}"]', float_dtype=True)


# -- Columns: where did each returned example come from? ----------------------------


def column_data(rng: np.random.Generator, n_x: int, m: int, classes: int = 2,
                proportions: list[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) with distinct columns and Y (1, m) of float class labels 0..classes-1."""
    X = rng.normal(size=(n_x, m))
    p = proportions or [1.0 / classes] * classes
    labels = rng.choice(classes, size=m, p=p).astype(float)
    labels[:classes] = np.arange(classes)  # every class is present
    return X, labels.reshape(1, m)


def column_indices(X: np.ndarray, part: Any, *, name: str) -> np.ndarray:
    """For each column of ``part``, its index in X; fails when a column is not one of X's."""
    if part is None:
        fail(f"{name} is None: the placeholder `None` is still there.")
    if type(part) is not np.ndarray or part.ndim != 2:
        fail(f"{name} should be a 2-D numpy array of shape (n_x, number of examples); received {show(part)}.")
    if part.shape[0] != X.shape[0]:
        fail(f"{name} has {part.shape[0]} rows, expected n_x = {X.shape[0]} (one example per COLUMN); "
             f"received shape {part.shape}. Select columns: X[:, indices].")
    where = {X[:, j].tobytes(): j for j in range(X.shape[1])}
    indices = []
    for j in range(part.shape[1]):
        column = np.ascontiguousarray(part[:, j], dtype=X.dtype).tobytes()
        if column not in where:
            fail(f"column {j} of {name} is not one of the examples of X: received {show(part[:, j])}. The "
                 "columns of X must be moved whole (X[:, permutation]), not modified, mixed or transposed.")
        indices.append(where[column])
    return np.array(indices, dtype=int)


def expect_each_example_once(indices: np.ndarray, m: int, *, what: str,
                             missing_hint: str = "the parts must cover every column of X.") -> None:
    """``indices`` (the examples in ``what``, in order) must be a permutation of range(m)."""
    counts = np.bincount(indices, minlength=m)
    if len(indices) == m and np.all(counts == 1):
        return
    repeated, missing = np.flatnonzero(counts > 1), np.flatnonzero(counts == 0)
    parts = [f"{what} must hold each of the m = {m} examples exactly once; received {len(indices)} columns."]
    if len(repeated):
        parts.append(f"  examples appearing more than once: {len(repeated)} (e.g. example {int(repeated[0])}, "
                     f"{int(counts[repeated[0]])} times)")
    if len(missing):
        parts.append(f"  examples missing: {len(missing)} (e.g. example {int(missing[0])})")
    if len(repeated):
        parts.append(mistake("Likely mistake: sampling with replacement (np.random.choice without replace=False) "
                             "or overlapping slices. Shuffle with one permutation and cut it into consecutive, "
                             "non-overlapping slices."))
    else:
        parts.append(mistake(f"Likely mistake: some examples were left out: {missing_hint}"))
    fail(*parts)


def expect_pairs_kept(indices: np.ndarray, Y: np.ndarray, got_Y: np.ndarray, *, what: str) -> None:
    """The labels returned next to the examples ``indices`` must be those examples' labels."""
    want = Y[:, indices]
    expect_shape(got_Y, want.shape, name=f"the labels of {what}")
    if np.array_equal(got_Y, want):
        return
    wrong = int(np.sum(np.any(got_Y != want, axis=0)))
    hint = PAIRS_BROKEN
    m = Y.shape[1]
    if got_Y.shape[1] == m and np.array_equal(got_Y, Y):
        hint = Y_NOT_SHUFFLED
    fail(f"the columns of X and Y are no longer paired in {what}: {wrong} of {want.shape[1]} examples carry "
         f"another example's label.\n  expected labels: {show(want)}\n  received labels: {show(got_Y)}", mistake(hint))


# -- Mini-batches --------------------------------------------------------------------


def batches_of(result: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The learner's mini-batches as a list of (X, Y) pairs of 2-D arrays."""
    if result is None:
        fail("random_mini_batches returned None: build the list mini_batches and return it.")
    if not isinstance(result, (list, tuple)):
        fail(f"random_mini_batches should return a list of (mini_batch_X, mini_batch_Y) tuples; received {show(result)}.")
    batches = []
    for k, batch in enumerate(result):
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            fail(f"mini_batches[{k}] should be a tuple (mini_batch_X, mini_batch_Y); received {show(batch)}.")
        bx, by = batch
        for label, value in ((f"mini_batches[{k}][0] (mini_batch_X)", bx), (f"mini_batches[{k}][1] (mini_batch_Y)", by)):
            if value is None:
                fail(f"{label} is None: the placeholder `None` is still there.")
            if not isinstance(value, np.ndarray) or value.ndim != 2:
                fail(f"{label} should be a 2-D numpy array (features x examples); received {show(value)}.")
        batches.append((bx, by))
    return batches


def expect_batch_sizes(batches: list[tuple[np.ndarray, np.ndarray]], n_x: int, n_y: int, m: int, size: int) -> None:
    full, rest = m // size, m % size
    want = [size] * full + ([rest] if rest else [])
    got = [bx.shape[1] for bx, _ in batches]
    if got == want:
        for k, (bx, by) in enumerate(batches):
            expect_shape(bx, (n_x, want[k]), name=f"mini_batches[{k}][0] (mini_batch_X)")
            expect_shape(by, (n_y, want[k]), name=f"mini_batches[{k}][1] (mini_batch_Y)")
        return
    hint = ""
    if rest and got == want[:-1]:
        hint = DROPPED_LAST_BATCH.format(m=m, size=size, full=full, rest=rest)
    elif not rest and got == want + [0]:
        hint = EMPTY_LAST_BATCH.format(m=m, size=size)
    elif got and all(g == 64 for g in got[:-1]) and size != 64:
        hint = f"Likely mistake: a hard-coded mini-batch size of 64; use the argument mini_batch_size (= {size} here)."
    elif len(got) == len(want) and got[:-1] == want[:-1]:
        hint = (f"Likely mistake: the last mini-batch has the wrong size. It holds the m % mini_batch_size = {rest} "
                f"examples left after the {full} full ones: shuffled_X[:, {full} * mini_batch_size : m].")
    fail(f"with m = {m} examples and mini_batch_size = {size}, expected {len(want)} mini-batches of sizes "
         f"{_sizes_text(want)}; received {len(got)} mini-batches of sizes {_sizes_text(got)}.",
         mistake(hint) if hint else "")


def _sizes_text(sizes: list[int]) -> str:
    if len(sizes) > 8:
        return ", ".join(map(str, sizes[:3])) + ", ..., " + ", ".join(map(str, sizes[-2:]))
    return ", ".join(map(str, sizes)) or "(none)"


# More columns than this many times m in the mini-batches together are not looked at one by one.
MAX_COLUMNS_FACTOR = 4


def mini_batch_order(batches: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The examples of X in mini-batch order, after checking each is there once with its label."""
    m = X.shape[1]
    columns = sum(bx.shape[1] for bx, _ in batches)
    if columns > MAX_COLUMNS_FACTOR * m:
        fail(f"the mini-batches together hold {columns} columns; X has only m = {m} examples, and each must be in "
             "exactly one mini-batch.")
    for k, (bx, by) in enumerate(batches):
        expect_shape(by, (Y.shape[0], bx.shape[1]), name=f"mini_batches[{k}][1] (mini_batch_Y)")
    indices = np.concatenate([column_indices(X, bx, name=f"mini_batches[{k}][0]")
                              for k, (bx, _) in enumerate(batches)] or [np.zeros(0, int)])
    expect_each_example_once(indices, X.shape[1], what="the mini-batches together", missing_hint=(
        "the slices must cover every column, including the last, partial mini-batch of the "
        "m % mini_batch_size examples left after the full ones."))
    got_Y = np.concatenate([by for _, by in batches], axis=1)
    expect_pairs_kept(indices, Y, got_Y, what="the mini-batches")
    return indices


def expect_shuffled_batches(order: np.ndarray) -> None:
    if np.array_equal(order, np.arange(len(order))):
        fail("the mini-batches hold the examples in their original order (columns 0, 1, 2, ...): nothing "
             "was shuffled.", mistake(NOT_SHUFFLED_BATCHES))


# -- Train / test split ----------------------------------------------------------------


def n_test_of(m: int, test_size: float) -> int:
    return int(math.ceil(test_size * m))


def split_parts(result: Any, X: np.ndarray, Y: np.ndarray, test_size: float,
                stratify: bool = False) -> tuple[np.ndarray, ...]:
    """(X_train, X_test, Y_train, Y_test) after checking their types and shapes.

    Without stratification the test set holds exactly ceil(test_size * m) examples; with it,
    any count that gives every class floor or ceil of its share is accepted (the per-class
    counts themselves are checked by ``expect_stratified``).
    """
    parts = expect_tuple(result, ["X_train", "X_test", "Y_train", "Y_test"], function="train_test_split")
    names = ["X_train", "X_test", "Y_train", "Y_test"]
    for value, name in zip(parts, names):
        if value is None:
            fail(f"{name} is None: the placeholder `None` is still there.")
        if type(value) is not np.ndarray or value.ndim != 2:
            fail(f"{name} should be a 2-D numpy array (one example per column); received {show(value)}.")
    n_x, m = X.shape
    n_test = n_test_of(m, test_size)
    allowed = {n_test}
    if stratify:
        counts = class_counts(Y.reshape(-1), np.unique(Y))
        allowed = set(range(sum(math.floor(test_size * c) for c in counts),
                            sum(math.ceil(test_size * c) for c in counts) + 1))
    got_test = parts[1].shape[1]
    if got_test in allowed:
        n_test = got_test
    shapes = [(n_x, m - n_test), (n_x, n_test), (Y.shape[0], m - n_test), (Y.shape[0], n_test)]
    for value, name, shape in zip(parts, names, shapes):
        if value.shape != shape and value.shape[0] == shape[0] and not stratify:
            fail(f"{name} has the wrong shape.\n  expected: shape {shape}\n  received: shape {value.shape}",
                 _count_hint(got_test, m, test_size))
        expect_shape(value, shape, name=name)
    return tuple(parts)


def _count_hint(got_test: int, m: int, test_size: float) -> str:
    n_test = n_test_of(m, test_size)
    rule = SPLIT_COUNT.format(test_size=test_size, m=m, n_test=n_test)
    if got_test == n_test:
        return "X_train and Y_train must hold the other m - n_test examples, X_test and Y_test the n_test ones."
    floor, nearest = math.floor(test_size * m), round(test_size * m)
    if got_test == floor == nearest:
        return mistake(f"Likely mistake: int(test_size * m) or round(test_size * m) (both {got_test} here) round "
                       f"down. {rule}")
    if got_test == floor:
        return mistake(f"Likely mistake: int(test_size * m) rounds down. {rule}")
    if got_test == nearest:
        return mistake(f"Likely mistake: round(test_size * m) rounds to the nearest integer. {rule}")
    if got_test == m - n_test:
        return mistake("Likely mistake: the training and test sets are swapped (the test set is the test_size "
                       "part). " + rule)
    return rule


def split_indices(parts: tuple[np.ndarray, ...], X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and test examples, after checking every example is used once with its label."""
    X_train, X_test, Y_train, Y_test = parts
    train = column_indices(X, X_train, name="X_train")
    test = column_indices(X, X_test, name="X_test")
    expect_each_example_once(np.concatenate([train, test]), X.shape[1], what="X_train and X_test together")
    expect_pairs_kept(train, Y, Y_train, what="the training set")
    expect_pairs_kept(test, Y, Y_test, what="the test set")
    return train, test


def expect_shuffled_split(train: np.ndarray, test: np.ndarray, m: int) -> None:
    n = len(test)
    for where, block in (("first", np.arange(n)), ("last", np.arange(m - n, m))):
        if np.array_equal(np.sort(test), block):
            fail(f"the test set is exactly the {where} {n} examples of X (columns {block[0]} to {block[-1]}); "
                 "a random split picks them from everywhere.", mistake(NOT_SHUFFLED_SPLIT.format(where=where, n=n)))


def class_counts(labels: np.ndarray, classes: np.ndarray) -> list[int]:
    return [int(np.sum(labels == c)) for c in classes]


def expect_stratified(Y: np.ndarray, test: np.ndarray, test_size: float) -> None:
    labels = Y.reshape(-1)
    classes = np.unique(labels)
    total = class_counts(labels, classes)
    got = class_counts(labels[test], classes)
    low = [math.floor(test_size * c) for c in total]
    high = [math.ceil(test_size * c) for c in total]
    if all(lo <= g <= hi for g, lo, hi in zip(got, low, high)):
        return
    rows = "\n".join(
        f"  class {c:g}: {n} examples, expected {lo if lo == hi else f'{lo} or {hi}'} in the test set, received {g}"
        for c, n, lo, hi, g in zip(classes, total, low, high, got))
    fail(f"with stratify=True and test_size = {test_size}, the test set does not keep the class proportions:\n"
         f"{rows}", mistake(NOT_STRATIFIED))


# -- A tiny training run: the learner's update rule inside a trusted training loop ------


def moons(rng: np.random.Generator, m: int = 96) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-moons with noise: X (2, m), Y (1, m) of 0.0/1.0."""
    half = m // 2
    angle = rng.uniform(0, np.pi, size=m)
    upper = np.stack([np.cos(angle[:half]), np.sin(angle[:half])])
    lower = np.stack([1 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])])
    X = np.concatenate([upper, lower], axis=1) + rng.normal(0, 0.15, size=(2, m))
    Y = np.concatenate([np.zeros(half), np.ones(m - half)]).reshape(1, m)
    return X, Y


def network(rng: np.random.Generator, dims: tuple[int, ...] = (2, 6, 4, 1)) -> dict[str, np.ndarray]:
    """He-initialized ReLU network (sigmoid output)."""
    return {key: value for l in range(1, len(dims)) for key, value in (
        (f"W{l}", rng.normal(size=(dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])),
        (f"b{l}", np.zeros((dims[l], 1))))}


def cost_and_grads(parameters: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> tuple[float, dict]:
    """Cross-entropy cost of the ReLU/sigmoid network and its gradients (trusted code)."""
    L = len(parameters) // 2
    m = X.shape[1]
    A, caches = X, []
    with np.errstate(all="ignore"):  # a learner's update may have made the parameters NaN or huge
        for l in range(1, L + 1):
            Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
            caches.append((A, Z))
            A = np.maximum(Z, 0) if l < L else 1 / (1 + np.exp(-Z))
        cost = float(np.mean(np.logaddexp(0.0, Z) - Y * Z))
    grads = {}
    dZ = (A - Y) / m
    with np.errstate(all="ignore"):
        for l in range(L, 0, -1):
            A_prev, _ = caches[l - 1]
            grads[f"dW{l}"] = dZ @ A_prev.T
            grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True)
            if l > 1:
                dZ = (parameters[f"W{l}"].T @ dZ) * (caches[l - 2][1] > 0)
    return cost, grads


def train(step: Callable[[dict, dict, Any, int], tuple[dict, Any]], state: Any, parameters: dict,
          X: np.ndarray, Y: np.ndarray, batches: Callable[[int], list], epochs: int) -> float:
    """Run ``epochs`` epochs of mini-batch training with ``step``; returns the final cost on all of X.

    The parameters a step returns are computed with next (here, in the trusted process): they must be
    exactly the keys and shapes of the first ones (``expect_like``).
    """
    t, template = 0, {k: np.zeros(v.shape) for k, v in parameters.items()}
    with computing_with("the parameters your update returned"):
        for epoch in range(epochs):
            for mini_X, mini_Y in batches(epoch):
                _, grads = cost_and_grads(parameters, mini_X, mini_Y)
                t += 1
                parameters, state = step(parameters, grads, state, t)
                parameters = expect_like(parameters, template, name=f"parameters (after training step {t})")
        cost, _ = cost_and_grads(parameters, X, Y)
    return cost


def expect_trains_like(cost: float, want: float, start: float, *, optimizer: str) -> None:
    """The learner's training must achieve at least 95% of the reference's cost decrease."""
    if math.isfinite(cost) and cost <= want + 0.05 * max(start - want, 0.0) + 1e-6:
        return
    hint = ""
    if not math.isfinite(cost):
        hint = ("Your parameters became NaN or inf during training: a division by zero (epsilon belongs in the "
                "denominator, next to the square root) or the square root of a negative number (square the "
                "gradients).")
    fail(f"after the same few epochs of {optimizer} on the same mini-batches, your update rule reached a "
         f"cost of {cost:.5f}; the reference reaches {want:.5f} (starting from {start:.5f}). The update rule "
         "is wrong somewhere: see the other checks of this function for the exact values.", hint)


# -- Whole checks shared by the public and the hidden files ----------------------------


def check_gd(learner, reference, parameters, grads, learning_rate) -> None:
    got = learner.update_parameters_with_gd(parameters, grads, learning_rate)
    want = reference.update_parameters_with_gd(parameters, grads, learning_rate)
    expect_arrays(got, want, name="parameters", original=parameters, mistakes={
        "Likely mistake: the learning rate is missing: W = W - learning_rate * dW.":
            lambda: reference.update_parameters_with_gd(parameters, grads, 1.0),
    })


def check_momentum(learner, reference, parameters, grads, v, beta, learning_rate) -> None:
    args = (parameters, grads, v, beta, learning_rate)
    got_parameters, got_v = expect_tuple(learner.update_parameters_with_momentum(*args), ["parameters", "v"],
                                         function="update_parameters_with_momentum")
    want_parameters, want_v = reference.update_parameters_with_momentum(*args)
    expect_arrays(got_v, want_v, name="v", mistakes=momentum_mistakes(args, 1))
    expect_arrays(got_parameters, want_parameters, name="parameters", original=parameters,
                  mistakes=momentum_mistakes(args, 0))


ADAM_RETURNS = ("update_parameters_with_adam should return (parameters, v, s) or, as in the newer notebook, "
                "(parameters, v, s, v_corrected, s_corrected); received {got}.")
NEGATIVE_S = ("s must stay non-negative: it averages SQUARED gradients, so np.sqrt never sees a negative number "
              "(use dW**2 or np.square(dW)).")
NEGATIVE_CACHE = ("cache must stay non-negative: it sums SQUARED gradients, so np.sqrt never sees a negative "
                  "number (use dW**2 or np.square(dW)).")


def adam_outputs(result: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(parameters, v, s, v_corrected, s_corrected); the last two are None for the 3-value version."""
    if isinstance(result, (tuple, list)) and len(result) == 5:
        return tuple(result)  # type: ignore[return-value]
    if isinstance(result, (tuple, list)) and len(result) == 3:
        return (*result, None, None)  # type: ignore[return-value]
    got = f"{len(result)} values" if isinstance(result, (tuple, list)) else show(result)
    fail(ADAM_RETURNS.format(got=got))
    raise AssertionError  # unreachable


def check_adam(learner, reference, args: tuple, *, only_parameters: bool = False) -> None:
    parameters, v, s, v_c, s_c = adam_outputs(learner.update_parameters_with_adam(*args))
    want = reference.update_parameters_with_adam(*args)
    if not only_parameters:
        expect_arrays(v, want[1], name="v", mistakes=adam_mistakes(args, 1))
        expect_arrays(s, want[2], name="s", mistakes=adam_mistakes(args, 2))
        if v_c is not None:
            expect_arrays(v_c, want[3], name="v_corrected", mistakes=adam_mistakes(args, 3))
            expect_arrays(s_c, want[4], name="s_corrected", mistakes=adam_mistakes(args, 4))
    expect_arrays(parameters, want[0], name="parameters", original=args[0], mistakes=adam_mistakes(args, 0),
                  nonfinite_fix=NEGATIVE_S)


def check_rmsprop(learner, reference, args: tuple, *, only_parameters: bool = False) -> None:
    parameters, s = expect_tuple(learner.update_parameters_with_rmsprop(*args), ["parameters", "s"],
                                 function="update_parameters_with_rmsprop")
    want_parameters, want_s = reference.update_parameters_with_rmsprop(*args)
    if not only_parameters:
        expect_arrays(s, want_s, name="s", mistakes=rmsprop_mistakes(args, 1))
    expect_arrays(parameters, want_parameters, name="parameters", original=args[0],
                  mistakes=rmsprop_mistakes(args, 0), nonfinite_fix=NEGATIVE_S)


def check_adagrad(learner, reference, args: tuple, *, only_parameters: bool = False) -> None:
    parameters, cache = expect_tuple(learner.update_parameters_with_adagrad(*args), ["parameters", "cache"],
                                     function="update_parameters_with_adagrad")
    want_parameters, want_cache = reference.update_parameters_with_adagrad(*args)
    if not only_parameters:
        expect_arrays(cache, want_cache, name="cache", mistakes=adagrad_mistakes(args, 1))
    expect_arrays(parameters, want_parameters, name="parameters", original=args[0],
                  mistakes=adagrad_mistakes(args, 0), nonfinite_fix=NEGATIVE_CACHE)
