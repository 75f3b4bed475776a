"""Inputs, property checks and known mistakes for the week-5 checks (shared by public and hidden).

Update rules are checked on multi-layer parameter dictionaries whose matrices are never
square and never of width 1.  Mini-batches and data splits are checked by their
properties (every example exactly once, X/Y columns still paired, sizes, a real shuffle,
determinism for a seed), never by one particular shuffled order, so any correct way of
drawing the permutation earns full marks.

Generic helpers that the grader core may want later: ``expect_arrays`` (a dict of arrays
with per-key diagnoses) and ``column_indices`` (where each returned column came from).
The sentences are in messages.en.toml, by id.
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
    say,
    show,
    use_catalog,
)
from grader.checks.compare import nonfinite_hint
from grader.checks.context import expected_values_shown

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

# -- Known mistakes (messages.en.toml; the tests look for some of their words) -----------

NO_ONE_MINUS_BETA = mistake("week5.momentum.no_one_minus_beta")
SWAPPED_BETA = mistake("week5.momentum.swapped_beta")
OLD_VELOCITY = mistake("week5.momentum.old_velocity")
RAW_GRADIENT = mistake("week5.momentum.raw_gradient")
NO_BIAS_CORRECTION = mistake("week5.adam.no_bias_correction")
FIXED_T = mistake("week5.adam.fixed_t")
T_PLUS_ONE = mistake("week5.adam.t_plus_one")
STORED_CORRECTED = mistake("week5.adam.stored_corrected")
SWAPPED_BETAS = mistake("week5.adam.swapped_betas")
NO_SQUARE = mistake("week5.optimizers.no_square")
NO_SQUARE_ADAGRAD = mistake("week5.adagrad.no_square")
NO_ACCUMULATION = mistake("week5.adagrad.no_accumulation")
NOT_SHUFFLED_BATCHES = mistake("week5.mini_batches.not_shuffled")
NOT_STRATIFIED = mistake("week5.train_test_split.not_stratified")
PAIRS_BROKEN = mistake("week5.columns.pairs_broken")
Y_NOT_SHUFFLED = mistake("week5.columns.y_not_shuffled")


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
            key_mistakes[mistake("week5.optimizers.not_updated", name=label)] = original[key]
        value = got[key]
        if (nonfinite_fix and type(value) is np.ndarray and value.shape == want_value.shape
                and value.dtype.kind == "f" and not np.all(np.isfinite(value))):
            bad = int(np.sum(~np.isfinite(value)))
            expected = say("week5.optimizers.expected", want=show(want_value)) if expected_values_shown() else ""
            fail(say("week5.optimizers.nonfinite", label=label, bad=bad, size=value.size, expected=expected,
                     got=show(value)), nonfinite_hint(nonfinite_fix))
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
    # v_beta2 / s_beta1: one moving average uses the other beta (its bias correction the right one)
    v_beta = beta2 if kind == "v_beta2" else beta1
    s_beta = beta1 if kind == "s_beta1" else beta2

    def rule(W, dW, vW, sW):
        new_v = v_beta * vW + (1 - v_beta) * dW
        new_s = s_beta * sW + (1 - s_beta) * (dW if kind == "no_square" else dW ** 2)
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


def adam_mistakes(args: tuple, position: int, state: str = "s_corrected",
                  betas: dict[str, str] | None = None) -> dict[str, Callable[[], dict]]:
    """message -> function giving the dict at ``position`` of a mistaken Adam's outputs.

    ``betas`` (``adam_beta_evidence``): the state keys whose v or s show a beta in the other's place, and
    which; a beta diagnosis is a candidate for those keys only, the one their v and s show.
    """
    kinds = {
        NO_BIAS_CORRECTION: "no_bias_correction",
        FIXED_T: "fixed_t",
        T_PLUS_ONE: "t_plus_one",
        STORED_CORRECTED: "stored_corrected",
        NO_SQUARE: "no_square",
        mistake("week5.optimizers.eps_inside", state=state): "eps_inside",
        mistake("week5.optimizers.eps_after", state=state, num="v_corrected"): "eps_after",
        mistake("week5.optimizers.eps_ignored", state=state): "eps_ignored",
    }
    mistakes = {message: (lambda kind=kind: adam_variant(*args, kind=kind)[position]) for message, kind in kinds.items()}
    beta1, beta2 = adam_betas(args)
    diagnoses = {"swapped_betas": SWAPPED_BETAS,
                 "s_beta1": mistake("week5.adam.s_beta1", beta1=f"{beta1:g}", beta2=f"{beta2:g}"),
                 "v_beta2": mistake("week5.adam.v_beta2", beta1=f"{beta1:g}", beta2=f"{beta2:g}")}
    for kind, message in diagnoses.items():
        keys = {key for key, shown in (betas or {}).items() if shown == kind}
        if keys:
            mistakes[message] = lambda kind=kind, keys=keys: {
                key: value for key, value in adam_variant(*args, kind=kind)[position].items()
                if (key if key.startswith("d") else "d" + key) in keys}
    return mistakes


def adam_betas(args: tuple) -> tuple[float, float]:
    """beta1 and beta2 of update_parameters_with_adam's arguments (the defaults when not given)."""
    given = list(args[6:8])
    return tuple(given + [0.9, 0.999][len(given):])  # type: ignore[return-value]


def _holds(got: Any, key: str, value: np.ndarray) -> bool:
    item = got.get(key) if isinstance(got, dict) else None
    return (type(item) is np.ndarray and item.shape == value.shape and item.dtype.kind in "biuf"
            and bool(np.allclose(item, value, rtol=1e-5, atol=1e-7)))


def adam_beta_evidence(args: tuple, v: Any, s: Any) -> dict[str, str]:
    """state key ("dW1") -> the beta mistake the learner's v and s show there: "swapped_betas" when v is
    averaged with beta2 and s with beta1, "v_beta2" or "s_beta1" when only one of them is; keys whose
    values show neither are left out."""
    right = adam_variant(*args)
    v_beta2 = adam_variant(*args, kind="v_beta2")[1]
    s_beta1 = adam_variant(*args, kind="s_beta1")[2]
    shown = {}
    for key in right[1]:
        in_v = _holds(v, key, v_beta2[key]) and not _holds(v, key, right[1][key])
        in_s = _holds(s, key, s_beta1[key]) and not _holds(s, key, right[2][key])
        if in_v or in_s:
            shown[key] = "swapped_betas" if in_v and in_s else "v_beta2" if in_v else "s_beta1"
    return shown


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
        mistake("week5.optimizers.no_sqrt", state="s"): "no_sqrt",
        mistake("week5.optimizers.no_one_minus_beta", state="s"): "no_one_minus_beta",
        mistake("week5.optimizers.eps_inside", state="s"): "eps_inside",
        mistake("week5.optimizers.eps_after", state="s", num="dW"): "eps_after",
        mistake("week5.optimizers.eps_ignored", state="s"): "eps_ignored",
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
        mistake("week5.optimizers.no_sqrt", state="cache"): "no_sqrt",
        mistake("week5.optimizers.eps_inside", state="cache"): "eps_inside",
        mistake("week5.optimizers.eps_after", state="cache", num="dW"): "eps_after",
        mistake("week5.optimizers.eps_ignored", state="cache"): "eps_ignored",
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
        fail(say("week5.optimizers.keyed_like_parameters", name=name, parameter_keys=", ".join(keys_of(parameters)),
                 gradient_keys=", ".join(want)))
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
        fail(say("week5.columns.none", name=name))
    if type(part) is not np.ndarray or part.ndim != 2:
        fail(say("week5.columns.not_2d", name=name, got=show(part)))
    if part.shape[0] != X.shape[0]:
        fail(say("week5.columns.rows", name=name, rows=part.shape[0], n_x=X.shape[0], shape=part.shape))
    where = {X[:, j].tobytes(): j for j in range(X.shape[1])}
    indices = []
    for j in range(part.shape[1]):
        column = np.ascontiguousarray(part[:, j], dtype=X.dtype).tobytes()
        if column not in where:
            fail(say("week5.columns.not_an_example", j=j, name=name, got=show(part[:, j])))
        indices.append(where[column])
    return np.array(indices, dtype=int)


def expect_each_example_once(indices: np.ndarray, m: int, *, what: str, missing_hint: str = "") -> None:
    """``indices`` (the examples in ``what``, in order) must be a permutation of range(m); ``missing_hint``:
    how to cover them all (default: the parts must cover every column of X)."""
    counts = np.bincount(indices, minlength=m)
    if len(indices) == m and np.all(counts == 1):
        return
    repeated, missing = np.flatnonzero(counts > 1), np.flatnonzero(counts == 0)
    parts = [say("week5.columns.once", what=what, m=m, count=len(indices))]
    if len(repeated):
        parts.append(say("week5.columns.repeated", count=len(repeated), example=int(repeated[0]),
                         times=int(counts[repeated[0]])))
    if len(missing):
        parts.append(say("week5.columns.missing", count=len(missing), example=int(missing[0])))
    if len(repeated):
        parts.append(mistake("week5.columns.with_replacement"))
    else:
        parts.append(mistake("week5.columns.left_out", how=missing_hint or say("week5.columns.cover_all")))
    fail(*parts)


def expect_pairs_kept(indices: np.ndarray, Y: np.ndarray, got_Y: np.ndarray, *, what: str) -> None:
    """The labels returned next to the examples ``indices`` must be those examples' labels."""
    want = Y[:, indices]
    expect_shape(got_Y, want.shape, name=say("week5.columns.labels_of", what=what))
    if np.array_equal(got_Y, want):
        return
    wrong = int(np.sum(np.any(got_Y != want, axis=0)))
    hint = PAIRS_BROKEN
    m = Y.shape[1]
    if got_Y.shape[1] == m and np.array_equal(got_Y, Y):
        hint = Y_NOT_SHUFFLED
    fail(say("week5.columns.not_paired", what=what, wrong=wrong, count=want.shape[1], want=show(want), got=show(got_Y)),
         mistake(hint))


# -- Mini-batches --------------------------------------------------------------------


def batches_of(result: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The learner's mini-batches as a list of (X, Y) pairs of 2-D arrays."""
    if result is None:
        fail(say("week5.mini_batches.none"))
    if not isinstance(result, (list, tuple)):
        fail(say("week5.mini_batches.not_list", got=show(result)))
    batches = []
    for k, batch in enumerate(result):
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            fail(say("week5.mini_batches.not_pair", k=k, got=show(batch)))
        bx, by = batch
        for label, value in ((f"mini_batches[{k}][0] (mini_batch_X)", bx), (f"mini_batches[{k}][1] (mini_batch_Y)", by)):
            if value is None:
                fail(say("week5.columns.none", name=label))
            if not isinstance(value, np.ndarray) or value.ndim != 2:
                fail(say("week5.mini_batches.not_2d", name=label, got=show(value)))
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
        hint = mistake("week5.mini_batches.dropped_last", m=m, size=size, full=full, rest=rest)
    elif not rest and got == want + [0]:
        hint = mistake("week5.mini_batches.empty_last", m=m, size=size)
    elif got and all(g == 64 for g in got[:-1]) and size != 64:
        hint = mistake("week5.mini_batches.hard_coded_64", size=size)
    elif len(got) == len(want) and got[:-1] == want[:-1]:
        hint = mistake("week5.mini_batches.last_size", rest=rest, full=full)
    fail(say("week5.mini_batches.sizes", m=m, size=size, count=len(want), want=_sizes_text(want), got_count=len(got),
             got=_sizes_text(got)), hint)


def _sizes_text(sizes: list[int]) -> str:
    if len(sizes) > 8:
        return ", ".join(map(str, sizes[:3])) + ", ..., " + ", ".join(map(str, sizes[-2:]))
    return ", ".join(map(str, sizes)) or say("week5.mini_batches.no_sizes")


# More columns than this many times m in the mini-batches together are not looked at one by one.
MAX_COLUMNS_FACTOR = 4


def mini_batch_order(batches: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The examples of X in mini-batch order, after checking each is there once with its label."""
    m = X.shape[1]
    columns = sum(bx.shape[1] for bx, _ in batches)
    if columns > MAX_COLUMNS_FACTOR * m:
        fail(say("week5.mini_batches.too_many_columns", columns=columns, m=m))
    for k, (bx, by) in enumerate(batches):
        expect_shape(by, (Y.shape[0], bx.shape[1]), name=f"mini_batches[{k}][1] (mini_batch_Y)")
    indices = np.concatenate([column_indices(X, bx, name=f"mini_batches[{k}][0]")
                              for k, (bx, _) in enumerate(batches)] or [np.zeros(0, int)])
    expect_each_example_once(indices, X.shape[1], what=say("week5.mini_batches.together"),
                             missing_hint=say("week5.mini_batches.cover_all"))
    got_Y = np.concatenate([by for _, by in batches], axis=1)
    expect_pairs_kept(indices, Y, got_Y, what=say("week5.mini_batches.all"))
    return indices


def expect_shuffled_batches(order: np.ndarray) -> None:
    if np.array_equal(order, np.arange(len(order))):
        fail(say("week5.mini_batches.in_order"), NOT_SHUFFLED_BATCHES)


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
            fail(say("week5.columns.none", name=name))
        if type(value) is not np.ndarray or value.ndim != 2:
            fail(say("week5.train_test_split.not_2d", name=name, got=show(value)))
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
            fail(say("shape.mismatch", name=name, want_shape=shape, got_shape=value.shape),
                 _count_hint(got_test, m, test_size, n_x))
        expect_shape(value, shape, name=name)
    return tuple(parts)


def _count_hint(got_test: int, m: int, test_size: float, n_x: int) -> str:
    """What the test set's size shows: a rounding of test_size * m other than ceil (then the rounding rule),
    the training set's size (swapped), test_size times n_x = X.shape[0] rounded any way (the number of
    features taken for m), else only the expected and received sizes."""
    n_test = n_test_of(m, test_size)
    if got_test == n_test:
        return say("week5.train_test_split.other_examples")
    sizes = say("week5.train_test_split.sizes", m=m, n_test=n_test, n_train=m - n_test, got_test=got_test)
    rule = say("week5.train_test_split.count_rule", test_size=test_size, m=m, n_test=n_test)
    floor, nearest = math.floor(test_size * m), round(test_size * m)
    from_features = n_x != m and got_test in {math.floor(test_size * n_x), math.ceil(test_size * n_x),
                                              round(test_size * n_x)}
    if got_test in (floor, nearest) and not from_features:
        if got_test == floor == nearest:
            return mistake("week5.train_test_split.int_or_round", got_test=got_test, rule=rule)
        if got_test == floor:
            return mistake("week5.train_test_split.int_rounds_down", rule=rule)
        return mistake("week5.train_test_split.round_nearest", rule=rule)
    if got_test == m - n_test and not from_features:
        return mistake("week5.train_test_split.swapped", sizes=sizes)
    if from_features and got_test not in (floor, nearest, m - n_test):
        return mistake("week5.train_test_split.from_features", n_x=n_x, m=m, test_size=test_size,
                       product=f"{test_size * n_x:g}", got_test=got_test, n_test=n_test)
    return sizes


def split_indices(parts: tuple[np.ndarray, ...], X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and test examples, after checking every example is used once with its label."""
    X_train, X_test, Y_train, Y_test = parts
    train = column_indices(X, X_train, name="X_train")
    test = column_indices(X, X_test, name="X_test")
    expect_each_example_once(np.concatenate([train, test]), X.shape[1], what=say("week5.train_test_split.together"))
    expect_pairs_kept(train, Y, Y_train, what=say("week5.train_test_split.training_set"))
    expect_pairs_kept(test, Y, Y_test, what=say("week5.train_test_split.test_set"))
    return train, test


def expect_shuffled_split(train: np.ndarray, test: np.ndarray, m: int) -> None:
    n = len(test)
    for where, block in ((say("week5.train_test_split.first"), np.arange(n)),
                         (say("week5.train_test_split.last"), np.arange(m - n, m))):
        if np.array_equal(np.sort(test), block):
            fail(say("week5.train_test_split.block", where=where, n=n, first=block[0], last=block[-1]),
                 mistake("week5.train_test_split.not_shuffled", where=where, n=n))


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
        say("week5.train_test_split.class_row", label=c, n=n, got=g,
            expected=lo if lo == hi else say("week5.train_test_split.either", low=lo, high=hi))
        for c, n, lo, hi, g in zip(classes, total, low, high, got))
    fail(say("week5.train_test_split.not_proportional", test_size=test_size, rows=rows), NOT_STRATIFIED)


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
    with computing_with(say("week5.training.update_returned")):
        for epoch in range(epochs):
            for mini_X, mini_Y in batches(epoch):
                _, grads = cost_and_grads(parameters, mini_X, mini_Y)
                t += 1
                parameters, state = step(parameters, grads, state, t)
                parameters = expect_like(parameters, template, name=say("week5.training.after_step", t=t))
        cost, _ = cost_and_grads(parameters, X, Y)
    return cost


def expect_trains_like(cost: float, want: float, start: float, *, optimizer: str) -> None:
    """The learner's training must achieve at least 95% of the reference's cost decrease."""
    if math.isfinite(cost) and cost <= want + 0.05 * max(start - want, 0.0) + 1e-6:
        return
    hint = say("week5.training.nonfinite") if not math.isfinite(cost) else ""
    fail(say("week5.training.worse", optimizer=optimizer, cost=cost, want=want, start=start), hint)


# -- Whole checks shared by the public and the hidden files ----------------------------


def check_gd(learner, reference, parameters, grads, learning_rate) -> None:
    got = learner.update_parameters_with_gd(parameters, grads, learning_rate)
    want = reference.update_parameters_with_gd(parameters, grads, learning_rate)
    expect_arrays(got, want, name="parameters", original=parameters, mistakes={
        mistake("week5.gd.no_learning_rate"): lambda: reference.update_parameters_with_gd(parameters, grads, 1.0),
    })


def check_momentum(learner, reference, parameters, grads, v, beta, learning_rate) -> None:
    args = (parameters, grads, v, beta, learning_rate)
    got_parameters, got_v = expect_tuple(learner.update_parameters_with_momentum(*args), ["parameters", "v"],
                                         function="update_parameters_with_momentum")
    want_parameters, want_v = reference.update_parameters_with_momentum(*args)
    expect_arrays(got_v, want_v, name="v", mistakes=momentum_mistakes(args, 1))
    expect_arrays(got_parameters, want_parameters, name="parameters", original=parameters,
                  mistakes=momentum_mistakes(args, 0))


NEGATIVE_S = mistake("week5.adam.negative_s")
NEGATIVE_CACHE = mistake("week5.adagrad.negative_cache")


def adam_outputs(result: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(parameters, v, s, v_corrected, s_corrected); the last two are None for the 3-value version."""
    if isinstance(result, (tuple, list)) and len(result) == 5:
        return tuple(result)  # type: ignore[return-value]
    if isinstance(result, (tuple, list)) and len(result) == 3:
        return (*result, None, None)  # type: ignore[return-value]
    got = say("week5.adam.values", count=len(result)) if isinstance(result, (tuple, list)) else show(result)
    fail(say("week5.adam.returns", got=got))
    raise AssertionError  # unreachable


def check_adam(learner, reference, args: tuple, *, only_parameters: bool = False) -> None:
    parameters, v, s, v_c, s_c = adam_outputs(learner.update_parameters_with_adam(*args))
    want = reference.update_parameters_with_adam(*args)
    betas = adam_beta_evidence(args, v, s)
    if not only_parameters:
        expect_arrays(v, want[1], name="v", mistakes=adam_mistakes(args, 1, betas=betas))
        expect_arrays(s, want[2], name="s", mistakes=adam_mistakes(args, 2, betas=betas))
        if v_c is not None:
            expect_arrays(v_c, want[3], name="v_corrected", mistakes=adam_mistakes(args, 3, betas=betas))
            expect_arrays(s_c, want[4], name="s_corrected", mistakes=adam_mistakes(args, 4, betas=betas))
    expect_arrays(parameters, want[0], name="parameters", original=args[0],
                  mistakes=adam_mistakes(args, 0, betas=betas), nonfinite_fix=NEGATIVE_S)


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
