"""Reference solution for week 2, part 1: "Python basics with numpy".

Every function is vectorized and leaves its inputs untouched. ``sigmoid`` and
``softmax`` are written so that inputs of magnitude ~1e4 neither overflow nor
produce NaN.
"""

from __future__ import annotations

import math

import numpy as np


def basic_sigmoid(x: float) -> float:
    """Sigmoid of a single real number, with the standard library (warm-up, ungraded).

    Arguments:
    x -- a Python scalar

    Returns:
    s -- sigmoid(x), a Python float
    """
    # Same two-branch trick as ``sigmoid``: exp of a non-positive number never overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Element-wise sigmoid 1 / (1 + exp(-x)), numerically stable.

    Arguments:
    x -- a scalar or numpy array of any shape

    Returns:
    s -- sigmoid(x), same shape as x
    """
    x = np.asarray(x, dtype=float)
    # exp(-|x|) lies in (0, 1]: it can underflow to 0 (harmless) but never overflow.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    """Gradient of the sigmoid with respect to its input: s * (1 - s).

    Arguments:
    x -- a scalar or numpy array

    Returns:
    ds -- the derivative of sigmoid at x, same shape as x
    """
    s = sigmoid(x)
    return s * (1 - s)


def image2vector(image: np.ndarray) -> np.ndarray:
    """Unroll an image into a column vector.

    Arguments:
    image -- a numpy array of shape (length, height, depth)

    Returns:
    v -- a vector of shape (length*height*depth, 1)
    """
    return image.reshape(-1, 1)


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Divide every row of x by its Euclidean (L2) norm.

    Arguments:
    x -- a numpy matrix of shape (n, m)

    Returns:
    x_normalized -- a new matrix of shape (n, m) whose rows have unit norm
    """
    # keepdims leaves the norms as an (n, 1) column, which broadcasts across each row.
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / norms


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a matrix.

    Arguments:
    x -- a numpy matrix of shape (n, m)

    Returns:
    s -- a matrix of shape (n, m): softmax of each row of x
    """
    # Subtracting the row max does not change the result but keeps exp() <= 1.
    x_exp = np.exp(x - np.max(x, axis=1, keepdims=True))
    return x_exp / np.sum(x_exp, axis=1, keepdims=True)


def L1(yhat: np.ndarray, y: np.ndarray) -> float:
    """L1 loss: the sum of absolute differences.

    Arguments:
    yhat -- vector of size m (predicted labels)
    y -- vector of size m (true labels)

    Returns:
    loss -- the value of the L1 loss, a scalar
    """
    return np.sum(np.abs(y - yhat))


def L2(yhat: np.ndarray, y: np.ndarray) -> float:
    """L2 loss: the sum of squared differences.

    Arguments:
    yhat -- vector of size m (predicted labels)
    y -- vector of size m (true labels)

    Returns:
    loss -- the value of the L2 loss, a scalar
    """
    diff = (y - yhat).ravel()
    return np.dot(diff, diff)
