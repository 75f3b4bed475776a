"""Inputs for the week-2 checks: fixed course-style examples and random problems.

Random problems always have several features and several examples (never a width
of 1), so that rank-1 arrays, transposes and broadcasts show up as wrong shapes.
"""

from __future__ import annotations

import numpy as np

COSTS_HINT = "Likely mistake: record the cost every 100 iterations only: `if i % 100 == 0: costs.append(cost)`."
STABLE_SIGMOID = ("numerical overflow. np.exp of a large number is inf, and inf / inf is nan. Use a numerically "
                  "stable sigmoid (e.g. 1 / (1 + np.exp(-x)), which gives 0.0 or 1.0 at the extremes).")
STABLE_SOFTMAX = ("numerical overflow. np.exp of a large number is inf, and inf / inf is nan. Subtract each row's "
                  "maximum before np.exp (x - np.max(x, axis=1, keepdims=True)): the result is the same, and exp "
                  "never overflows.")


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
    """Train/test data from a random linear rule with a little label noise: a model reaches ~90%."""
    true_w = rng.normal(size=(n_x, 1))
    X = rng.normal(size=(n_x, 2 * m))
    logits = 6.0 * (true_w.T @ X) / np.sqrt(n_x)
    Y = (rng.random((1, 2 * m)) < 1.0 / (1.0 + np.exp(-logits))).astype(float)
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]


def model_run(learner, shared) -> tuple[tuple[np.ndarray, ...], float, object]:
    """The learner's model trained once for every model check, public and hidden: 101 steps
    on 40 separable examples, at a learning rate between 0.3 and 0.7, seeded per submission
    (``shared``: made by whichever check runs first).
    Returns ((X_train, Y_train, X_test, Y_test), learning_rate, d)."""
    def run(rng: np.random.Generator) -> tuple[tuple[np.ndarray, ...], float, object]:
        data = separable_data(rng, n_x=6, m=40)
        rate = float(rng.uniform(0.3, 0.7))
        return data, rate, learner.model(*data, num_iterations=101, learning_rate=rate)

    return shared("model", run)


def accuracy(prediction: np.ndarray, Y: np.ndarray) -> float:
    return float(100.0 - np.mean(np.abs(prediction - Y)) * 100.0)


# -- Known mistakes: message -> the value the mistake produces ----------------


def normalize_rows_mistakes(x: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "Likely mistake: wrong axis. You divided by the norm of each column (axis=0); each row needs its own "
        "norm: np.linalg.norm(x, axis=1, keepdims=True).": x / np.linalg.norm(x, axis=0, keepdims=True),
        "Likely mistake: you divided by the norm of the whole matrix; each row needs its own norm "
        "(axis=1, keepdims=True).": x / np.linalg.norm(x),
    }


def softmax_mistakes(x: np.ndarray) -> dict[str, np.ndarray]:
    e = np.exp(x - x.max())
    return {
        "Likely mistake: wrong axis. Each ROW must sum to 1: sum over axis=1 (with keepdims=True), not axis=0.":
            e / e.sum(axis=0, keepdims=True),
        "Likely mistake: you divided by the sum of the whole matrix; each row needs its own sum "
        "(np.sum(x_exp, axis=1, keepdims=True)).": e / e.sum(),
    }


def l1_mistakes(yhat: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {"Likely mistake: you averaged (np.mean); the L1 loss here is the SUM of |y - yhat|.":
            float(np.mean(np.abs(y - yhat)))}


def l2_mistakes(yhat: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {
        "Likely mistake: you took the square root (the Euclidean norm); the L2 loss here is the sum of squares, "
        "with no square root.": float(np.sqrt(np.sum((y - yhat) ** 2))),
        "Likely mistake: you averaged (np.mean); the L2 loss here is the SUM of (y - yhat)**2.":
            float(np.mean((y - yhat) ** 2)),
    }
