"""Public checks of week 7: small fixed examples, and gradient checks on fixed inputs.

Run by `grade submit exercises/week7`; the hidden checks (in solutions/) repeat
each function on fresh random inputs seeded per submission.  Backward functions
and derivatives are compared with centred-difference gradients of the reference's
forward functions (relative error below 1e-5).
"""

from __future__ import annotations

import numpy as np
from problems_week7 import (
    affine_backward_check,
    affine_forward_check,
    conv_backward_check,
    conv_forward_check,
    conv_output_size_check,
    conv_output_size_raises,
    expect_array_hinted,
    leaky_derivative_mistakes,
    pool_backward_check,
    pool_forward_check,
    pool_input,
    pool_params,
    relu_backward_check,
    relu_derivative_mistakes,
    relu_shape_hints,
    sigmoid_derivative_mistakes,
    tanh_mistakes,
)

from grader.checks import check, expect_array, expect_tuple

X_SMALL = np.array([[-2.0, -0.5, 0.5, 3.0], [1.0, -1.5, 2.0, -0.25]])
X_WITH_ZEROS = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.5]])

# -- Part 1: activation functions -------------------------------------------------


@check("sigmoid")
def test_sigmoid_example(learner, reference):
    """sigmoid of a (2, 4) matrix, element-wise."""
    expect_array(learner.sigmoid(X_SMALL), reference.sigmoid(X_SMALL), name="sigmoid(x)")


@check("sigmoid_derivative")
def test_sigmoid_derivative_example(learner, reference):
    """sigmoid_derivative of a (2, 4) matrix: s * (1 - s)."""
    expect_array(learner.sigmoid_derivative(X_SMALL), reference.sigmoid_derivative(X_SMALL), name="ds",
                 mistakes=sigmoid_derivative_mistakes(X_SMALL))


@check("tanh_derivative")
def test_tanh_derivative_example(learner, reference):
    """tanh_derivative of a (2, 4) matrix: 1 - tanh(x)**2."""
    expect_array(learner.tanh_derivative(X_SMALL), reference.tanh_derivative(X_SMALL), name="dt",
                 mistakes=tanh_mistakes(X_SMALL))


@check("relu")
def test_relu_example(learner, reference):
    """relu of a (2, 4) matrix: max(0, x) element-wise."""
    expect_array_hinted(learner.relu(X_SMALL), reference.relu(X_SMALL), name="relu(x)",
                        shape_hints=relu_shape_hints(X_SMALL))


@check("relu_derivative")
def test_relu_derivative_at_zero(learner, reference):
    """relu_derivative is 1 where x > 0 and 0 elsewhere, 0 at x = 0 included."""
    expect_array(learner.relu_derivative(X_WITH_ZEROS), reference.relu_derivative(X_WITH_ZEROS), name="dr",
                 mistakes=relu_derivative_mistakes(X_WITH_ZEROS))


@check("leaky_relu")
def test_leaky_relu_example(learner, reference):
    """leaky_relu with the default alpha = 0.01."""
    expect_array(learner.leaky_relu(X_SMALL), reference.leaky_relu(X_SMALL), name="leaky_relu(x)")


@check("leaky_relu_derivative")
def test_leaky_relu_derivative_at_zero(learner, reference):
    """leaky_relu_derivative with the default alpha: 1 where x > 0, alpha elsewhere (x = 0 included)."""
    expect_array(learner.leaky_relu_derivative(X_WITH_ZEROS), reference.leaky_relu_derivative(X_WITH_ZEROS),
                 name="dr", mistakes=leaky_derivative_mistakes(X_WITH_ZEROS, 0.01))


# -- Part 2: layers ---------------------------------------------------------------


@check("affine_forward")
def test_affine_forward_example(learner, reference):
    """A batch of 2 inputs of shape (3, 4) through an affine layer with 5 outputs."""
    x = np.linspace(-0.5, 0.4, num=24).reshape(2, 3, 4)
    w = np.linspace(-0.2, 0.3, num=60).reshape(12, 5)
    b = np.linspace(-0.3, 0.1, num=5)
    affine_forward_check(learner, reference, x, w, b)


@check("affine_backward", points=2)
def test_affine_backward_gradient(learner, reference):
    """dx, dw, db pass a numeric gradient check (x of shape (2, 3, 4), 5 outputs)."""
    rng = np.random.default_rng(231)
    x, w, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(12, 5)), rng.normal(size=5)
    affine_backward_check(learner, reference, x, w, b, rng.normal(size=(2, 5)))


@check("relu_forward")
def test_relu_forward_example(learner, reference):
    """relu_forward on a (3, 4) input."""
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    out, _ = expect_tuple(learner.relu_forward(x), ["out", "cache"], function="relu_forward")
    expect_array_hinted(out, reference.relu_forward(x)[0], name="out", shape_hints=relu_shape_hints(x))


@check("relu_backward")
def test_relu_backward_at_zero(learner, reference):
    """relu_backward passes dout where x > 0 and nothing where x <= 0 (x = 0 included)."""
    x = np.array([[-1.0, 0.0, 2.0, 0.5], [0.0, 3.0, -0.5, -2.0], [1.5, -0.1, 0.0, 0.25]])
    dout = np.array([[0.3, -1.2, 0.7, 2.0], [1.1, -0.4, 0.9, -0.6], [-0.8, 0.2, 1.3, -1.5]])
    relu_backward_check(learner, reference, x, dout)


@check("conv_output_size")
def test_conv_output_size_examples(learner, reference):
    """The lecture's examples (7x7 input, 3x3 filter, stride 1 and 2; 32x32, 5x5, pad 2) return ints."""
    conv_output_size_check(learner, reference, [(7, 3, 0, 1), (7, 3, 0, 2), (7, 3, 1, 1), (32, 5, 2, 1),
                                                (10, 3, 1, 3)], require_int=True)


@check("conv_output_size")
def test_conv_output_size_raises(learner):
    """The lecture's counter-example: a 3x3 filter with stride 3 does not fit a 7x7 input (ValueError)."""
    conv_output_size_raises(learner, 7, 3, 0, 3)


@check("conv_forward_naive", points=2)
def test_conv_forward_example(learner, reference):
    """2 inputs of 3 channels, 5x5, through 2 filters of 3x3 with stride 2 and pad 1."""
    x = np.linspace(-0.1, 0.5, num=150).reshape(2, 3, 5, 5)
    w = np.linspace(-0.2, 0.3, num=54).reshape(2, 3, 3, 3)
    b = np.array([-0.1, 0.2])
    conv_forward_check(learner, reference, x, w, b, {"stride": 2, "pad": 1})


@check("conv_backward_naive", points=2)
def test_conv_backward_gradient(learner, reference):
    """dx, dw, db pass a numeric gradient check (stride 2, pad 1, 2 inputs, 3 channels, 2 filters)."""
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)
    conv_backward_check(learner, reference, x, w, b, {"stride": 2, "pad": 1}, rng.normal(size=(2, 2, 3, 3)))


@check("max_pool_forward_naive")
def test_max_pool_forward_example(learner, reference):
    """2x2 max pooling with stride 2 of a (2, 3, 4, 6) input."""
    x = np.linspace(-0.3, 0.4, num=144).reshape(2, 3, 4, 6)
    pool_forward_check(learner, reference, x, pool_params(2, 2, 2))


@check("max_pool_backward_naive", points=2)
def test_max_pool_backward_gradient(learner, reference):
    """dx passes a numeric gradient check (2x2 pools, stride 2, input (2, 3, 4, 6))."""
    rng = np.random.default_rng(8)
    x = pool_input(rng, 2, 3, 4, 6)
    pool_backward_check(learner, reference, x, pool_params(2, 2, 2), rng.normal(size=(2, 3, 2, 3)))
