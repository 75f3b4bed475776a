"""Inputs, known mistakes and small check helpers shared by the week-7 checks.

Problems use the NCHW layout of CS231n with counts that all differ (N examples,
C channels, F filters), spatial sizes with H != W where possible, and values
chosen so that numeric gradients are exact enough: no input of ReLU near its kink
at 0, and max-pooling inputs whose entries are all distinct (no ties).

Known wrong *shapes* -> a diagnosis (``shape_hints``) and the gradient check that names a mistake are
the grader's (grader.checks.patterns: ``known_shape``, ``expect_gradient_diagnosed``). The sentences are in
messages.en.toml, by id; a shape hint is (id, fields), filled with got_shape and want_shape too.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.checks import (
    CheckFailure,
    expect_array,
    expect_raises,
    expect_scalar,
    expect_tuple,
    expect_with_either_cache,
    fail,
    forward_cache,
    mistake,
    numeric_gradient,
    record_diagnoses,
    say,
    use_catalog,
)
from grader.checks import patterns
from grader.checks.learner import LearnerFault, LearnerFunction

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

# Relative-error threshold of the gradient checks (the lecture's "fine" level): a
# correct gradient of these piecewise-linear layers scores ~1e-8.
GRADIENT_THRESHOLD = 1e-5

# Known mistakes (diagnoses of messages.en.toml)
FORGOT_2P = mistake("week7.conv_output_size.forgot_2p")
USED_P = mistake("week7.conv_output_size.used_p")
IGNORED_STRIDE_SIZE = mistake("week7.conv_output_size.ignored_stride")
STRIDE_WINDOWS = mistake("week7.conv_forward.stride_windows")
CONV_NO_BIAS = mistake("week7.conv_forward.no_bias")
CONV_FLIPPED = mistake("week7.conv_forward.flipped")
DB_MEAN = mistake("week7.affine.db_mean")
RELU_TIMES_OUT = mistake("week7.relu.times_out")
RELU_OF_DOUT = mistake("week7.relu.of_dout")
RELU_NO_MASK = mistake("week7.relu.no_mask")
RELU_AT_ZERO = mistake("week7.relu.at_zero")
LEAKY_AT_ZERO = mistake("week7.leaky_relu.at_zero")
TANH_OF_OUTPUT = mistake("week7.tanh_derivative.of_output")
TANH_NO_SQUARE = mistake("week7.tanh_derivative.no_square")
SIGMOID_ITSELF = mistake("week7.sigmoid_derivative.itself")
SIGMOID_OF_OUTPUT = mistake("week7.sigmoid_derivative.of_output")
LEAKY_ZERO_NEGATIVE = mistake("week7.leaky_relu.zero_negative")
LEAKY_ALPHA_X = mistake("week7.leaky_relu.alpha_x")
LEAKY_IGNORES_ALPHA = mistake("week7.leaky_relu.ignores_alpha")
RELU_RETURNED = mistake("week7.relu.returned")
POOL_TO_ALL = mistake("week7.max_pool.to_all")
POOL_NOT_ACCUMULATED = mistake("week7.max_pool.not_accumulated")
POOL_AVERAGE = mistake("week7.max_pool.average")
# Known wrong shapes: (id, fields) of the diagnosis, filled with got_shape and want_shape as well
POOL_SWAPPED = ("week7.shapes.pool_swapped", {})
HW_SWAPPED = ("week7.shapes.hw_swapped", {})
IGNORED_STRIDE_SHAPE = ("week7.conv_output_size.ignored_stride", {})


# -- Problems -------------------------------------------------------------------


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...], low: float = 0.2,
                   high: float = 3.0) -> np.ndarray:
    """Random values of both signs with |x| >= low: no kink of ReLU within reach of a finite difference."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def affine_problem(rng: np.random.Generator, N: int = 2, dims: tuple[int, ...] = (4, 5),
                   M: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (N, *dims), w (D, M), b (M,)."""
    D = int(np.prod(dims))
    return rng.normal(size=(N, *dims)), rng.normal(0.0, 0.5, size=(D, M)), rng.normal(size=M)


def conv_problem(rng: np.random.Generator, N: int, C: int, H: int, W: int, F: int, HH: int,
                 WW: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (N, C, H, W), w (F, C, HH, WW), b (F,)."""
    return rng.normal(size=(N, C, H, W)), rng.normal(0.0, 0.5, size=(F, C, HH, WW)), rng.normal(size=F)


def pool_input(rng: np.random.Generator, N: int, C: int, H: int, W: int) -> np.ndarray:
    """Distinct values 0.02 apart (shuffled): each window has one clear maximum."""
    size = N * C * H * W
    return (rng.permutation(size) - size / 2).reshape(N, C, H, W) * 0.02


def pool_params(PH: int, PW: int, S: int) -> dict[str, int]:
    return {"pool_height": PH, "pool_width": PW, "stride": S}


# -- Numeric gradients (trusted process, on the reference's forward functions) ------


def affine_numeric(reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                   dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (numeric_gradient(lambda v: reference.affine_forward(v, w, b)[0], x.copy(), dout),
            numeric_gradient(lambda v: reference.affine_forward(x, v, b)[0], w.copy(), dout),
            numeric_gradient(lambda v: reference.affine_forward(x, w, v)[0], b.copy(), dout))


def conv_numeric(reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, conv_param: dict,
                 dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    forward = reference.conv_forward_naive
    return (numeric_gradient(lambda v: forward(v, w, b, conv_param)[0], x.copy(), dout),
            numeric_gradient(lambda v: forward(x, v, b, conv_param)[0], w.copy(), dout),
            numeric_gradient(lambda v: forward(x, w, v, conv_param)[0], b.copy(), dout))


def derivative_numeric(function: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """f'(x) entry by entry for an element-wise f: the gradient of sum(f(x))."""
    return numeric_gradient(function, x.copy(), np.ones_like(x))


# -- Generic helpers --------------------------------------------------------------


def _matches(got: Any, wrong: Any) -> bool:
    wrong = np.asarray(wrong() if callable(wrong) else wrong)
    return (isinstance(got, np.ndarray) and got.dtype.kind in "biuf" and wrong.shape == got.shape
            and np.allclose(got, wrong, rtol=1e-5, atol=1e-7))


def expect_array_hinted(got: Any, want: np.ndarray, *, name: str, shape_hints: dict | None = None,
                        **kwargs: Any) -> None:
    """``expect_array`` plus ``shape_hints``: {wrong shape: (id, fields) of the diagnosis} for mistakes that
    change the shape."""
    patterns.known_shape(got, np.shape(want), name=name, shape_hints=shape_hints)
    expect_array(got, want, name=name, **kwargs)


def expect_gradient_diagnosed(got: Any, numeric: np.ndarray, *, name: str, shape_hints: dict | None = None,
                              mistakes: dict[str, Any] | None = None,
                              threshold: float = GRADIENT_THRESHOLD) -> float:
    """``expect_gradient`` (which names a known mistake by value), after a diagnosis by shape."""
    return patterns.expect_gradient_diagnosed(got, numeric, name=name, shape_hints=shape_hints, mistakes=mistakes,
                                              threshold=threshold)


def reraise_with(fault: LearnerFault, hints: list[str], replace: str = "") -> None:
    """Raise ``fault`` again with ``hints`` (the exercise's diagnoses) added, or put in place of the text
    ``replace``."""
    hints = [mistake(h) for h in hints if h]
    if not hints:
        raise fault
    record_diagnoses(*hints)
    text = str(fault)
    if replace and replace in text:
        text = text.replace(replace, "\n".join(hints))
    else:
        head, sep, tail = text.partition("\n" + say("error.traceback", traceback=""))
        text = head + "\n" + "\n".join(hints) + sep + tail
    raise type(fault)(text) from None


def add_hints(failure: CheckFailure, hints: list[str]) -> None:
    """Raise ``failure`` again with ``hints`` (the exercise's diagnoses) it does not hold yet."""
    hints = [mistake(h) for h in hints if h and h not in str(failure)]
    if not hints:
        raise failure
    fail(str(failure), *hints)


def check_backward(verify: Callable[[Any], None], backward: LearnerFunction, dout: np.ndarray, cache: Any,
                   forward: LearnerFunction, forward_args: tuple[Any, ...]) -> None:
    """Verify backward(dout, cache) with the template's cache; if that fails, with the learner's own cache
    (grader.checks.caches). The templates build the cache outside the learner's code (e.g.
    ``cache = (x, w, b, conv_param)``); a learner who changed both ends consistently (e.g. caching the
    padded x) still gets full marks."""
    expect_with_either_cache(lambda given: verify(backward(dout, given)), cache,
                             lambda: forward_cache(forward(*forward_args), forward.graded),
                             forward=forward.graded, backward=backward.graded)


# -- Known mistakes: conv output size ----------------------------------------------


def size_mistakes(W: int, F: int, P: int, S: int) -> dict[str, float]:
    return {FORGOT_2P: (W - F) / S + 1, USED_P: (W - F + P) / S + 1, IGNORED_STRIDE_SIZE: W - F + 2 * P + 1}


def not_fitting_returned(W: int, F: int, P: int, S: int) -> Callable[[Any], str]:
    """Diagnosis of the value returned where a ValueError was expected."""
    span = W - F + 2 * P

    def hint(value: Any) -> str:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):  # not a number, or an integer beyond any float
            return ""
        if span < 0:
            return mistake("week7.conv_output_size.no_fit_check", span=span)
        if number == span // S + 1:
            return mistake("week7.conv_output_size.rounded_down", span=span, S=S, size=span // S + 1, left=span % S)
        if np.isclose(number, span / S + 1):
            return mistake("week7.conv_output_size.not_integer")
        return ""

    return hint


# -- Known mistakes: layers --------------------------------------------------------


def conv_out_shape(x_shape: tuple[int, ...], w_shape: tuple[int, ...], stride: int, pad: int) -> tuple[int, ...]:
    N, _, H, W = x_shape
    F, _, HH, WW = w_shape
    return N, F, (H - HH + 2 * pad) // stride + 1, (W - WW + 2 * pad) // stride + 1


def conv_shape_hints(x_shape: tuple[int, ...], w_shape: tuple[int, ...], stride: int,
                     pad: int) -> patterns.ShapeHints:
    """Output shapes that known size mistakes produce -> diagnosis (the right shape is never a key)."""
    N, C, H, W = x_shape
    F, _, HH, WW = w_shape
    right = conv_out_shape(x_shape, w_shape, stride, pad)
    candidates = [
        ((N, F, (H - HH) // stride + 1, (W - WW) // stride + 1), ("week7.conv_output_size.forgot_2p", {})),
        ((N, F, (H - HH + pad) // stride + 1, (W - WW + pad) // stride + 1), ("week7.conv_output_size.used_p", {})),
        ((N, F, H - HH + 2 * pad + 1, W - WW + 2 * pad + 1), IGNORED_STRIDE_SHAPE),
        ((N, F, right[3], right[2]), HW_SWAPPED),
    ]
    hints: patterns.ShapeHints = {}
    for shape, message in candidates:
        if shape != right and shape not in hints:
            hints[shape] = message
    return hints


def conv_value_mistakes(reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                        conv_param: dict) -> dict[str, Any]:
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, H_out, W_out = conv_out_shape(x.shape, w.shape, stride, pad)
    forward = reference.conv_forward_naive
    return {
        STRIDE_WINDOWS: lambda: forward(x, w, b, {"stride": 1, "pad": pad})[0][:, :, :H_out, :W_out],
        CONV_NO_BIAS: lambda: forward(x, w, np.zeros_like(b), conv_param)[0],
        CONV_FLIPPED: lambda: forward(x, w[:, :, ::-1, ::-1].copy(), b, conv_param)[0],
    }


def pad_call_hint(source: str | None, right_at_0: bool = False) -> str:
    """The "padding applied to the wrong axes" diagnosis when the source calls np.pad with a pad width that
    pads N or C (``right_at_0``: saying the function is right with pad = 0), else ''."""
    tail = say("week7.conv_forward.right_at_0") if right_at_0 else ""
    try:
        tree = ast.parse(source or "")
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "pad"):
            continue
        width = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "pad_width"), None)
        call = ast.get_source_segment(source or "", node) or "np.pad(...)"
        pairs = width.elts if isinstance(width, (ast.Tuple, ast.List)) else None
        if isinstance(width, (ast.Constant, ast.Subscript, ast.BinOp)) or (
                isinstance(width, ast.Name) and width.id.lower() in ("pad", "p", "padding")):
            return mistake("week7.conv_forward.pad_axes", call=call, what=say("week7.conv_forward.every_axis"),
                           right_at_0=tail)
        if pairs is not None and len(pairs) == 2 and not any(isinstance(e, (ast.Tuple, ast.List)) for e in pairs):
            return mistake("week7.conv_forward.pad_axes", call=call, what=say("week7.conv_forward.every_axis"),
                           right_at_0=tail)
        if pairs is not None and len(pairs) == 4 and not all(_is_zero_pair(e) for e in pairs[:2]):
            return mistake("week7.conv_forward.pad_axes", call=call, what=say("week7.conv_forward.first_two_axes"),
                           right_at_0=tail)
    return ""


def _is_zero_pair(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == 0
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(isinstance(e, ast.Constant) and e.value == 0 for e in node.elts)
    return False


def padding_hints(learner: Any, reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                  conv_param: dict) -> list[str]:
    """After a failure with pad > 0: is the learner right without padding? Does its np.pad pad N or C?"""
    pad = conv_param["pad"]
    if pad == 0:
        return []
    axes_hint = pad_call_hint(learner.conv_forward_naive.source)
    unpadded = {"stride": conv_param["stride"], "pad": 0}
    right_at_0 = False
    try:
        result = learner.conv_forward_naive(x, w, b, unpadded)
        right_at_0 = _matches(result[0], reference.conv_forward_naive(x, w, b, unpadded)[0])
    except Exception:
        pass
    if axes_hint:
        return [pad_call_hint(learner.conv_forward_naive.source, right_at_0)]
    return [mistake("week7.conv_forward.pad", pad=pad)] if right_at_0 else []


def db_shape_hints(dout_shape: tuple[int, ...]) -> patterns.ShapeHints:
    """Every shape a sum of dout (N, F, H', W') over the wrong axes can have -> diagnosis."""
    names = ["N", "F", "H'", "W'"]
    want = (dout_shape[1],)
    # The likely mistakes first: when two sums give the same shape (N == H', say), the likely one names it.
    likely = [(2, 3), (0,), (0, 1, 2, 3), (), (0, 2), (0, 3), (1, 2, 3)]
    others = [a for n in range(5) for a in itertools.combinations(range(4), n) if a not in likely]
    hints: patterns.ShapeHints = {}
    for axes in likely + others:
        if axes == (0, 2, 3):
            continue
        for keepdims in (False, True):
            shape = tuple(1 if (i in axes and keepdims) else n for i, n in enumerate(dout_shape)
                          if keepdims or i not in axes)
            if shape == want or shape in hints:
                continue
            summed = ", ".join(names[i] for i in axes) if axes else say("week7.conv_backward.no_axis")
            extra = say("week7.conv_backward.keepdims_kept") if keepdims and axes else ""
            hints[shape] = ("week7.conv_backward.db_axes", {"summed": summed + extra})
    return hints


def pool_out_shape(x_shape: tuple[int, ...], pool_param: dict) -> tuple[int, ...]:
    N, C, H, W = x_shape
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    return N, C, (H - PH) // S + 1, (W - PW) // S + 1


def pool_shape_hints(x_shape: tuple[int, ...], pool_param: dict) -> patterns.ShapeHints:
    N, C, H, W = x_shape
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    right = pool_out_shape(x_shape, pool_param)
    candidates = [
        ((N, C, (H - PW) // S + 1, (W - PH) // S + 1), POOL_SWAPPED),
        ((N, C, H - PH + 1, W - PW + 1), IGNORED_STRIDE_SHAPE),
        ((N, C, right[3], right[2]), HW_SWAPPED),
    ]
    return {shape: message for shape, message in reversed(candidates) if shape != right}


def pool_forward_mistakes(reference: Any, x: np.ndarray, pool_param: dict) -> dict[str, Any]:
    _, _, H_out, W_out = pool_out_shape(x.shape, pool_param)
    PH, PW = pool_param["pool_height"], pool_param["pool_width"]

    def average() -> np.ndarray:
        out = np.zeros((x.shape[0], x.shape[1], H_out, W_out))
        S = pool_param["stride"]
        for i in range(H_out):
            for j in range(W_out):
                out[:, :, i, j] = x[:, :, i * S:i * S + PH, j * S:j * S + PW].mean(axis=(2, 3))
        return out

    return {
        STRIDE_WINDOWS: lambda: reference.max_pool_forward_naive(x, pool_params(PH, PW, 1))[0][:, :, :H_out, :W_out],
        POOL_AVERAGE: average,
    }


def pool_backward_mistakes(x: np.ndarray, pool_param: dict, dout: np.ndarray) -> dict[str, Any]:
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape

    def routed(to_all: bool, accumulate: bool) -> np.ndarray:
        dx = np.zeros_like(x)
        for i in range(H_out):
            for j in range(W_out):
                rows, cols = slice(i * S, i * S + PH), slice(j * S, j * S + PW)
                window = x[:, :, rows, cols]
                g = dout[:, :, i, j][:, :, None, None]
                mask = np.ones_like(window) if to_all else (window == window.max(axis=(2, 3), keepdims=True))
                if accumulate:
                    dx[:, :, rows, cols] += mask * g
                else:  # dx[..., window] = ...: each window overwrites the region it covers
                    dx[:, :, rows, cols] = mask * g
        return dx

    return {
        POOL_TO_ALL: lambda: routed(True, True),
        mistake("week7.max_pool.to_all_overwrite"): lambda: routed(True, False),
        POOL_NOT_ACCUMULATED: lambda: routed(False, False),
    }


def relu_backward_mistakes(x: np.ndarray, dout: np.ndarray) -> dict[str, Any]:
    return {
        RELU_AT_ZERO: dout * (x >= 0),
        RELU_TIMES_OUT: dout * np.maximum(0, x),
        RELU_OF_DOUT: np.maximum(0, dout),
        RELU_NO_MASK: dout,
    }


def tanh_mistakes(x: np.ndarray) -> dict[str, Any]:
    return {TANH_OF_OUTPUT: 1 - x**2, TANH_NO_SQUARE: 1 - np.tanh(x), mistake("week7.tanh_derivative.itself"): np.tanh(x)}


def sigmoid_derivative_mistakes(x: np.ndarray) -> dict[str, Any]:
    s = 1 / (1 + np.exp(-x))
    return {SIGMOID_ITSELF: s, SIGMOID_OF_OUTPUT: x * (1 - x)}


def relu_derivative_mistakes(x: np.ndarray) -> dict[str, Any]:
    return {RELU_AT_ZERO: (x >= 0).astype(float), RELU_RETURNED: np.maximum(0, x)}


def leaky_derivative_mistakes(x: np.ndarray, alpha: float) -> dict[str, Any]:
    return {
        LEAKY_AT_ZERO: np.where(x >= 0, 1.0, alpha),
        LEAKY_ZERO_NEGATIVE: (x > 0).astype(float),
        LEAKY_ALPHA_X: np.where(x > 0, 1.0, alpha * x),
        LEAKY_IGNORES_ALPHA: np.where(x > 0, 1.0, 0.01),
        RELU_RETURNED: np.where(x > 0, x, alpha * x),
    }


def relu_shape_hints(x: np.ndarray) -> patterns.ShapeHints:
    return {x.shape[1:]: ("week7.relu.np_max", {})}


def affine_backward_shape_hints(x: np.ndarray, M: int) -> tuple[dict, dict, dict]:
    """Shape hints for dx, dw and db of affine_backward."""
    N, D = x.shape[0], int(np.prod(x.shape[1:]))
    dx = {(N, D): ("week7.affine.dx_shape", {})}
    dw = {(*x.shape[1:][::-1], M): ("week7.affine.dw_shape", {})}
    db = {(N, M): ("week7.affine.db", {}), (1, M): ("week7.affine.db_keepdims", {})}
    return dx, dw, db


_NUMPY_SHAPE = re.compile(r"\(([\d, ]+)\)")
_SHAPE_ERRORS = ("not aligned", "matmul", "core dimension", "could not be broadcast")


def _shapes_in(message: str) -> list[tuple[int, ...]] | None:
    """The operands' shapes numpy's error names (np.dot: "shapes (2,3,4) and (12,5) not aligned", a broadcast:
    "with shapes (2,3,4) (12,5)"), or None when it names none (matmul says only the two sizes)."""
    if "not aligned" not in message and "could not be broadcast" not in message:
        return None
    shapes = [tuple(int(n) for n in found.replace(" ", "").split(",") if n) for found in _NUMPY_SHAPE.findall(message)]
    return shapes or None


def x_kept_its_dimensions(fault: LearnerFault, x: np.ndarray, with_flat_x: Callable[[], Any]) -> bool:
    """Whether the values show that the learner's product or sum failed on x still (N, d1, d2, ...).

    When numpy's error names the operands' shapes, one of them must have more than 2 dimensions, x's
    sizes; when it names none (matmul), the same call with x flattened to (N, D) (``with_flat_x``) must run.
    """
    message = fault.learner_message
    if x.ndim <= 2 or fault.error_type != "ValueError" or not any(s in message for s in _SHAPE_ERRORS):
        return False
    shapes = _shapes_in(message)
    if shapes is not None:
        return any(len(shape) > 2 and sorted(shape) == sorted(x.shape) for shape in shapes)
    try:
        with_flat_x()
    except LearnerFault:
        return False
    return True


def affine_fault_hints(fault: LearnerFault, x: np.ndarray, with_flat_x: Callable[[], Any]) -> None:
    """Re-raise an exception of affine_forward/backward, with the "reshape x to (N, D)" diagnosis when the
    values show that x was not flattened (``x_kept_its_dimensions``)."""
    if x_kept_its_dimensions(fault, x, with_flat_x):
        N, dims = x.shape[0], x.shape[1:]
        hint = mistake("week7.affine.reshape_x", shape=x.shape, N=N, dims=" x ".join(map(str, dims)), D=int(np.prod(dims)))
        try:
            generic = say("hint.dot_shapes")  # the week-2 wording (X of shape (n_x, m)) would mislead here
        except KeyError:
            generic = ""
        reraise_with(fault, [hint], replace=generic)
    raise fault


# -- Check bodies shared by the public and the hidden checks ----------------------------


def affine_forward_check(learner: Any, reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    try:
        result = learner.affine_forward(x, w, b)
    except LearnerFault as fault:
        affine_fault_hints(fault, x, lambda: learner.affine_forward(x.reshape(x.shape[0], -1), w, b))
    out, _ = expect_tuple(result, ["out", "cache"], function="affine_forward")
    N, D = x.shape[0], int(np.prod(x.shape[1:]))
    expect_array(out, reference.affine_forward(x, w, b)[0], name="out", mistakes={
        mistake("week7.affine.flatten_order"): lambda: x.reshape(D, N).T.dot(w) + b,
        mistake("week7.affine.no_bias"): lambda: x.reshape(N, D).dot(w),
    })


def affine_backward_check(learner: Any, reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                          dout: np.ndarray) -> None:
    numeric = affine_numeric(reference, x, w, b, dout)
    dx_hints, dw_hints, db_hints = affine_backward_shape_hints(x, w.shape[1])

    def verify(result: Any) -> None:
        dx, dw, db = expect_tuple(result, ["dx", "dw", "db"], function="affine_backward")
        expect_gradient_diagnosed(dx, numeric[0], name="dx", shape_hints=dx_hints)
        expect_gradient_diagnosed(dw, numeric[1], name="dw", shape_hints=dw_hints)
        expect_gradient_diagnosed(db, numeric[2], name="db", shape_hints=db_hints,
                                  mistakes={DB_MEAN: dout.mean(axis=0)})

    try:
        check_backward(verify, learner.affine_backward, dout, (x, w, b), learner.affine_forward, (x, w, b))
    except LearnerFault as fault:
        affine_fault_hints(fault, x, lambda: learner.affine_backward(dout, (x.reshape(x.shape[0], -1), w, b)))


def relu_backward_check(learner: Any, reference: Any, x: np.ndarray, dout: np.ndarray) -> None:
    """dx of relu_backward against the numeric gradient of the reference relu_forward (or, with zeros in x,
    against the reference: the numeric gradient is undefined at the kink)."""
    if np.any(x == 0):
        want = reference.relu_backward(dout, x)
        verify = lambda dx: expect_array(dx, want, name="dx", mistakes=relu_backward_mistakes(x, dout))  # noqa: E731
    else:
        numeric = numeric_gradient(lambda v: reference.relu_forward(v)[0], x.copy(), dout)
        verify = lambda dx: expect_gradient_diagnosed(  # noqa: E731
            dx, numeric, name="dx", mistakes=relu_backward_mistakes(x, dout))
    check_backward(verify, learner.relu_backward, dout, x, learner.relu_forward, (x,))


def derivative_check(learner_fn: LearnerFunction, activation: Callable[[np.ndarray], np.ndarray],
                     x: np.ndarray, *args: Any, name: str, mistakes: dict[str, Any]) -> None:
    """An activation's derivative function against centred differences of the reference activation."""
    numeric = derivative_numeric(lambda v: activation(v, *args), x)
    expect_gradient_diagnosed(learner_fn(x, *args), numeric, name=name, mistakes=mistakes)


def conv_forward_check(learner: Any, reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                       conv_param: dict) -> None:
    """conv_forward_naive's out, with the diagnoses of output-size, stride and padding mistakes."""
    want = reference.conv_forward_naive(x, w, b, conv_param)[0]
    try:
        out, _ = expect_tuple(learner.conv_forward_naive(x, w, b, conv_param), ["out", "cache"],
                              function="conv_forward_naive")
        expect_array_hinted(out, want, name="out",
                            shape_hints=conv_shape_hints(x.shape, w.shape, conv_param["stride"], conv_param["pad"]),
                            mistakes=conv_value_mistakes(reference, x, w, b, conv_param))
    except LearnerFault as fault:
        reraise_with(fault, padding_hints(learner, reference, x, w, b, conv_param))
    except CheckFailure as failure:
        add_hints(failure, padding_hints(learner, reference, x, w, b, conv_param))


def conv_backward_check(learner: Any, reference: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                        conv_param: dict, dout: np.ndarray) -> None:
    """dx, dw, db of conv_backward_naive against numeric gradients of the reference's forward."""
    numeric = conv_numeric(reference, x, w, b, conv_param, dout)
    N, C, H, W = x.shape
    pad = conv_param["pad"]
    dx_hints = ({(N, C, H + 2 * pad, W + 2 * pad): ("week7.conv_backward.dx_not_cropped", {})} if pad
                else {(N, C, 0, 0): ("week7.conv_backward.dx_empty_crop", {})})

    def verify(result: Any) -> None:
        dx, dw, db = expect_tuple(result, ["dx", "dw", "db"], function="conv_backward_naive")
        expect_gradient_diagnosed(dx, numeric[0], name="dx", shape_hints=dx_hints)
        expect_gradient_diagnosed(dw, numeric[1], name="dw")
        expect_gradient_diagnosed(db, numeric[2], name="db", shape_hints=db_shape_hints(dout.shape))

    check_backward(verify, learner.conv_backward_naive, dout, (x, w, b, conv_param), learner.conv_forward_naive,
                   (x, w, b, conv_param))


def pool_forward_check(learner: Any, reference: Any, x: np.ndarray, pool_param: dict) -> None:
    out, _ = expect_tuple(learner.max_pool_forward_naive(x, pool_param), ["out", "cache"],
                          function="max_pool_forward_naive")
    expect_array_hinted(out, reference.max_pool_forward_naive(x, pool_param)[0], name="out",
                        shape_hints=pool_shape_hints(x.shape, pool_param),
                        mistakes=pool_forward_mistakes(reference, x, pool_param))


def pool_backward_check(learner: Any, reference: Any, x: np.ndarray, pool_param: dict, dout: np.ndarray) -> None:
    numeric = numeric_gradient(lambda v: reference.max_pool_forward_naive(v, pool_param)[0], x.copy(), dout)

    def verify(dx: Any) -> None:
        expect_gradient_diagnosed(dx, numeric, name="dx", mistakes=pool_backward_mistakes(x, pool_param, dout))

    check_backward(verify, learner.max_pool_backward_naive, dout, (x, pool_param), learner.max_pool_forward_naive,
                   (x, pool_param))


def conv_output_size_check(learner: Any, reference: Any, cases: list[tuple[int, int, int, int]], *,
                           require_int: bool) -> None:
    for W, F, P, S in cases:
        name = f"conv_output_size(W={W}, F={F}, P={P}, S={S})"
        try:
            got = learner.conv_output_size(W, F, P, S)
        except LearnerFault as fault:
            reraise_with(fault, [fits_but_raised(W, F, P, S)])
        expect_scalar(got, reference.conv_output_size(W, F, P, S), name=name, mistakes=size_mistakes(W, F, P, S))
        if require_int and (not isinstance(got, (int, np.integer)) or isinstance(got, bool)):
            fail(say("week7.conv_output_size.not_an_int", name=name, got=got, got_type=type(got).__name__))


def fits_but_raised(W: int, F: int, P: int, S: int) -> str:
    """Diagnosis of an exception for sizes that fit: which wrong formula would not have fitted."""
    span = W - F + 2 * P
    sizes = dict(W=W, F=F, P=P, S=S, span=span, size=span // S + 1)
    if (W - F) % S or W - F < 0:
        return mistake("week7.conv_output_size.fits_forgot_2p", fits=say("week7.conv_output_size.fits", **sizes))
    if (W - F + P) % S:
        return mistake("week7.conv_output_size.fits_used_p", fits=say("week7.conv_output_size.fits", **sizes))
    return mistake("week7.conv_output_size.fits", **sizes)


def conv_output_size_raises(learner: Any, W: int, F: int, P: int, S: int) -> str:
    span = W - F + 2 * P
    if span < 0:
        why = say("week7.conv_output_size.too_large", F=F, padded=W + 2 * P)
    else:
        why = say("week7.conv_output_size.not_whole", W=W, F=F, P=P, S=S, size=span / S + 1)
    return expect_raises(learner.conv_output_size, (W, F, P, S), "ValueError",
                         call_text=f"conv_output_size(W={W}, F={F}, P={P}, S={S})",
                         why=f"{why} {say('week7.conv_output_size.rule')}", returned_hints=not_fitting_returned(W, F, P, S))
