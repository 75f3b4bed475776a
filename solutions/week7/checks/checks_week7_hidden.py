"""Hidden checks of week 7: fresh random inputs per submission, gradient checks and classic mistakes.

Every input comes from ``rng``, seeded per submission and per check.  Counts
always differ (N examples, C channels, F filters) and spatial sizes are not
square where the layer allows it (H != W, rectangular filters and pools), so
swapped axes show.  Every backward function and every derivative is compared with
centred differences of the reference's forward function.
"""

from __future__ import annotations

import numpy as np
from problems_week7 import (
    affine_backward_check,
    affine_forward_check,
    affine_problem,
    away_from_zero,
    conv_backward_check,
    conv_forward_check,
    conv_output_size_check,
    conv_output_size_raises,
    conv_problem,
    derivative_check,
    expect_array_hinted,
    leaky_derivative_mistakes,
    pool_backward_check,
    pool_forward_check,
    pool_input,
    pool_params,
    relu_backward_check,
    relu_backward_mistakes,
    relu_derivative_mistakes,
    relu_shape_hints,
    sigmoid_derivative_mistakes,
    tanh_mistakes,
)

from grader.checks import (
    check,
    expect_array,
    expect_tuple,
    expect_unchanged,
    expect_with_either_cache,
    fail,
    forward_cache,
    mistake,
    say,
)


def _dims(rng, low=3, high=6):
    """Two different sizes, so that a transpose or a wrong axis cannot go unnoticed."""
    n = int(rng.integers(low, high))
    return n, n + int(rng.integers(1, 3))


# -- Part 1: activation functions -------------------------------------------------


@check("sigmoid")
def test_sigmoid_random(learner, reference, rng):
    """sigmoid works element-wise on a random matrix."""
    x = rng.uniform(-6, 6, size=_dims(rng))
    expect_array(learner.sigmoid(x), reference.sigmoid(x), name="sigmoid(x)")


@check("sigmoid_derivative")
def test_sigmoid_derivative_numeric(learner, reference, rng):
    """sigmoid_derivative matches centred differences of sigmoid on a random matrix."""
    x = rng.uniform(-5, 5, size=_dims(rng))
    derivative_check(learner.sigmoid_derivative, reference.sigmoid, x, name="sigmoid_derivative(x)",
                     mistakes=sigmoid_derivative_mistakes(x))


@check("tanh_derivative")
def test_tanh_derivative_numeric(learner, reference, rng):
    """tanh_derivative matches centred differences of np.tanh on a random matrix."""
    x = rng.uniform(-2.5, 2.5, size=_dims(rng))
    derivative_check(learner.tanh_derivative, np.tanh, x, name="tanh_derivative(x)", mistakes=tanh_mistakes(x))


@check("relu")
def test_relu_random_keeps_input(learner, reference, rng):
    """relu of a random matrix, returned as a new array (x is not modified)."""
    x = away_from_zero(rng, _dims(rng))
    outcome = learner.relu.run(x)
    expect_array_hinted(outcome.value, reference.relu(x), name="relu(x)", shape_hints=relu_shape_hints(x))
    expect_unchanged([x], outcome.args_after[0], ["x"], function="relu")


@check("relu_derivative")
def test_relu_derivative_numeric(learner, reference, rng):
    """relu_derivative matches centred differences of relu (away from the kink at 0)."""
    x = away_from_zero(rng, _dims(rng))
    derivative_check(learner.relu_derivative, reference.relu, x, name="relu_derivative(x)",
                     mistakes=relu_derivative_mistakes(x))


@check("leaky_relu")
def test_leaky_relu_alpha(learner, reference, rng):
    """leaky_relu(x, alpha) with a random alpha, returned as a new array."""
    x = away_from_zero(rng, _dims(rng))
    alpha = float(rng.uniform(0.05, 0.3))
    outcome = learner.leaky_relu.run(x, alpha)
    expect_array(outcome.value, reference.leaky_relu(x, alpha), name=f"leaky_relu(x, alpha={alpha:.3f})", mistakes={
        mistake("week7.leaky_relu.ignores_alpha"): reference.leaky_relu(x, 0.01),
        mistake("week7.leaky_relu.relu_instead"): reference.relu(x),
    })
    expect_unchanged([x], outcome.args_after[0][:1], ["x"], function="leaky_relu")


@check("leaky_relu_derivative")
def test_leaky_relu_derivative_numeric(learner, reference, rng):
    """leaky_relu_derivative(x, alpha) matches centred differences of leaky_relu, with a random alpha."""
    x = away_from_zero(rng, _dims(rng))
    alpha = float(rng.uniform(0.05, 0.3))
    derivative_check(learner.leaky_relu_derivative, reference.leaky_relu, x, alpha,
                     name=f"leaky_relu_derivative(x, alpha={alpha:.3f})", mistakes=leaky_derivative_mistakes(x, alpha))


# -- Part 2: layers ---------------------------------------------------------------


@check("affine_forward")
def test_affine_forward_random(learner, reference, rng):
    """affine_forward on a random batch of 3-D inputs (N, d1, d2, d3)."""
    N = int(rng.integers(2, 4))
    x, w, b = affine_problem(rng, N=N, dims=(2, 3, int(rng.integers(4, 6))), M=int(rng.integers(4, 7)))
    affine_forward_check(learner, reference, x, w, b)


@check("affine_backward", points=2)
def test_affine_backward_numeric(learner, reference, rng):
    """dx, dw, db of a random affine layer (inputs (N, d1, d2, d3)) pass a numeric gradient check."""
    N, M = 2, int(rng.integers(3, 6))
    x, w, b = affine_problem(rng, N=N, dims=(2, 3, int(rng.integers(4, 6))), M=M)
    affine_backward_check(learner, reference, x, w, b, rng.normal(size=(N, M)))


@check("relu_forward")
def test_relu_forward_random_keeps_input(learner, reference, rng):
    """relu_forward of a random (N, C, H, W) input, x not modified."""
    x = away_from_zero(rng, (2, 3, *_dims(rng)))
    outcome = learner.relu_forward.run(x)
    out, _ = expect_tuple(outcome.value, ["out", "cache"], function="relu_forward")
    expect_array_hinted(out, reference.relu_forward(x)[0], name="out", shape_hints=relu_shape_hints(x))
    expect_unchanged([x], outcome.args_after[0], ["x"], function="relu_forward")


@check("relu_backward")
def test_relu_backward_numeric(learner, reference, rng):
    """dx of relu_backward passes a numeric gradient check on a random input."""
    x = away_from_zero(rng, (2, 3, *_dims(rng)))
    relu_backward_check(learner, reference, x, rng.normal(size=x.shape))


@check("relu_backward")
def test_relu_backward_keeps_inputs(learner, reference, rng):
    """relu_backward returns the right dx in a new array: dout and the cache are not modified."""
    x = away_from_zero(rng, _dims(rng))
    dout = rng.normal(size=x.shape)

    def judge(cache):
        outcome = learner.relu_backward.run(dout, cache)
        expect_array(outcome.value, reference.relu_backward(dout, x), name="dx",
                     mistakes=relu_backward_mistakes(x, dout))
        expect_unchanged([dout, cache], outcome.args_after[0], ["dout", "cache"], function="relu_backward")

    expect_with_either_cache(judge, x, lambda: forward_cache(learner.relu_forward(x), "relu_forward"),
                             forward="relu_forward", backward="relu_backward")


@check("conv_output_size")
def test_conv_output_size_random(learner, reference, rng):
    """conv_output_size on random sizes that fit, with padding and strides 1 to 3."""
    cases = []
    for S in (1, 2, 3):
        F, P, out = int(rng.integers(2, 6)), int(rng.integers(1, 3)), int(rng.integers(4, 9))
        cases.append(((out - 1) * S + F - 2 * P, F, P, S))  # W >= 3 + 2 - 4 = 1
    conv_output_size_check(learner, reference, cases, require_int=False)


def _not_fitting(rng):
    S, F, P = int(rng.integers(2, 4)), int(rng.integers(2, 6)), int(rng.integers(0, 3))
    span = S * int(rng.integers(2, 6)) + int(rng.integers(1, S))
    return span + F - 2 * P, F, P, S


@check("conv_output_size")
def test_conv_output_size_raises_random(learner, rng):
    """conv_output_size raises ValueError when (W - F + 2P) is not a multiple of S."""
    conv_output_size_raises(learner, *_not_fitting(rng))


@check("conv_output_size")
def test_conv_output_size_raises_filter_too_large(learner, rng):
    """conv_output_size raises ValueError when the filter is larger than the padded input."""
    W, P = int(rng.integers(3, 7)), int(rng.integers(0, 2))
    conv_output_size_raises(learner, W, W + 2 * P + int(rng.integers(1, 3)), P, 1)


@check("conv_output_size", points=0)
def test_conv_output_size_error_message(learner, rng):
    """Advice: the ValueError says which sizes do not fit."""
    message = conv_output_size_raises(learner, *_not_fitting(rng))
    if not message.strip():
        fail(say("week7.conv_output_size.empty_message"))


@check("conv_forward_naive", points=2)
def test_conv_forward_stride1_pad1(learner, reference, rng):
    """Random conv with stride 1 and pad 1 (input H != W, 3 channels, 2 filters of 3x3)."""
    H, W = _dims(rng, 4, 6)
    x, w, b = conv_problem(rng, N=2, C=3, H=H, W=W, F=2, HH=3, WW=3)
    conv_forward_check(learner, reference, x, w, b, {"stride": 1, "pad": 1})


@check("conv_forward_naive", points=2)
def test_conv_forward_stride2_rectangular(learner, reference, rng):
    """Random conv with stride 2, pad 0 and 4 rectangular 3x2 filters over 3 channels."""
    H, W = int(rng.choice([5, 7])), int(rng.choice([6, 8]))
    x, w, b = conv_problem(rng, N=2, C=3, H=H, W=W, F=4, HH=3, WW=2)
    conv_forward_check(learner, reference, x, w, b, {"stride": 2, "pad": 0})


@check("conv_backward_naive", points=2)
def test_conv_backward_stride1_pad0(learner, reference, rng):
    """dx, dw, db pass a numeric gradient check: stride 1, pad 0, 4 rectangular 2x3 filters."""
    x, w, b = conv_problem(rng, N=2, C=3, H=4, W=5, F=4, HH=2, WW=3)
    conv_backward_check(learner, reference, x, w, b, {"stride": 1, "pad": 0}, rng.normal(size=(2, 4, 3, 3)))


@check("conv_backward_naive", points=2)
def test_conv_backward_stride2_pad1(learner, reference, rng):
    """dx, dw, db pass a numeric gradient check: stride 2, pad 1, a 5x7 input, 2 channels, 3 filters."""
    x, w, b = conv_problem(rng, N=2, C=2, H=5, W=7, F=3, HH=3, WW=3)
    conv_backward_check(learner, reference, x, w, b, {"stride": 2, "pad": 1}, rng.normal(size=(2, 3, 3, 4)))


@check("max_pool_forward_naive")
def test_max_pool_forward_overlapping(learner, reference, rng):
    """Max pooling with overlapping 3x2 windows (stride 1) of a random input."""
    x = pool_input(rng, 2, 3, *_dims(rng, 4, 6))
    pool_forward_check(learner, reference, x, pool_params(3, 2, 1))


@check("max_pool_forward_naive")
def test_max_pool_forward_stride2(learner, reference, rng):
    """2x2 max pooling with stride 2 of a random (2, 3, 4, 6) input."""
    x = pool_input(rng, 2, 3, 4, 6)
    pool_forward_check(learner, reference, x, pool_params(2, 2, 2))


@check("max_pool_backward_naive", points=2)
def test_max_pool_backward_overlapping(learner, reference, rng):
    """dx passes a numeric gradient check with overlapping 3x2 windows (stride 1)."""
    x = pool_input(rng, 2, 3, 4, 5)
    pool_backward_check(learner, reference, x, pool_params(3, 2, 1), rng.normal(size=(2, 3, 2, 4)))
