"""Reference solution for week 7, part 1: activation functions and their derivatives.

Every function works element-wise on arrays of any shape, is vectorized and
returns a new array (inputs are never modified).  Derivatives are taken with
respect to the activation's *input* x, not its output.

Convention at the kink x = 0 (where ReLU and leaky ReLU have no derivative):
the test ``x > 0`` is false there, so ``relu_derivative(0) = 0`` and
``leaky_relu_derivative(0) = alpha``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Element-wise sigmoid 1 / (1 + exp(-x)), numerically stable.

    Arguments:
    x -- a numpy array of any shape

    Returns:
    s -- sigmoid(x), same shape as x, values in (0, 1)
    """
    x = np.asarray(x, dtype=float)
    # exp(-|x|) lies in (0, 1]: it never overflows, whatever the sign of x.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid at x: sigmoid(x) * (1 - sigmoid(x)).

    Arguments:
    x -- a numpy array of any shape (the sigmoid's input)

    Returns:
    ds -- same shape as x
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of tanh at x: 1 - tanh(x)**2.

    Arguments:
    x -- a numpy array of any shape (the input of tanh, not its output)

    Returns:
    dt -- same shape as x
    """
    t = np.tanh(x)
    return 1.0 - t**2


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit max(0, x), element-wise.

    Arguments:
    x -- a numpy array of any shape

    Returns:
    r -- same shape as x
    """
    return np.maximum(0.0, x)


def relu_derivative(x: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1.0 where x > 0, else 0.0 (0.0 at x = 0 by convention).

    Arguments:
    x -- a numpy array of any shape

    Returns:
    dr -- a float array of 0.0 and 1.0, same shape as x
    """
    return (x > 0).astype(float)


def leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: x where x > 0, alpha * x elsewhere.

    Arguments:
    x -- a numpy array of any shape
    alpha -- slope for negative inputs (a small positive number)

    Returns:
    r -- same shape as x
    """
    return np.where(x > 0, x, alpha * x)


def leaky_relu_derivative(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU: 1.0 where x > 0, alpha elsewhere (alpha at x = 0 by convention).

    Arguments:
    x -- a numpy array of any shape
    alpha -- slope for negative inputs

    Returns:
    dr -- a float array, same shape as x
    """
    return np.where(x > 0, 1.0, float(alpha))
