"""Inputs for the week-2 checks: fixed course-style examples and random problems.

Random problems always have several features and several examples (never a width
of 1), so that rank-1 arrays, transposes and broadcasts show up as wrong shapes.
"""

from __future__ import annotations

import numpy as np

STABLE_SIGMOID = "use a numerically stable sigmoid (e.g. 1 / (1 + np.exp(-x)), which gives 0.0 or 1.0 at the extremes)."
STABLE_SOFTMAX = "subtract each row's maximum before np.exp (x - np.max(x, axis=1, keepdims=True)): the result is the same, and exp never overflows."


def logistic_problem(rng: np.random.Generator, n_x: int = 4, m: int = 7) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """w (n_x, 1), b (float), X (n_x, m), Y (1, m) of 0.0/1.0 with both classes present."""
    w = rng.normal(0.0, 0.5, size=(n_x, 1))
    b = float(rng.normal(0.0, 0.5))
    X = rng.normal(0.0, 1.0, size=(n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, 1] = 0.0, 1.0
    return w, b, X, Y


def course_example() -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """The small fixed example used in the notebook's own test cells."""
    w = np.array([[1.0], [2.0]])
    b = 2.0
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    Y = np.array([[1.0, 0.0, 1.0]])
    return w, b, X, Y


def separable_data(rng: np.random.Generator, n_x: int = 12, m: int = 240) -> tuple[np.ndarray, ...]:
    """Train/test data from a random linear rule with label noise: a model can reach ~90%."""
    true_w = rng.normal(size=(n_x, 1))
    X = rng.normal(size=(n_x, 2 * m))
    logits = 3.0 * (true_w.T @ X) / np.sqrt(n_x)
    Y = (rng.random((1, 2 * m)) < 1.0 / (1.0 + np.exp(-logits))).astype(float)
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]


def accuracy(prediction: np.ndarray, Y: np.ndarray) -> float:
    return float(100.0 - np.mean(np.abs(prediction - Y)) * 100.0)
