"""Inputs for the week-2 checks: fixed course-style examples and random problems.

Random problems always have several features and several examples (never a width
of 1), so that rank-1 arrays, transposes and broadcasts show up as wrong shapes.
The sentences of the known mistakes are in messages.en.toml, by id.
"""

from __future__ import annotations

import numpy as np

from grader.checks import mistake, use_catalog

use_catalog(__file__)  # this exercise's sentences: messages.en.toml, next to this file

COSTS_HINT = mistake("week2.optimize.costs_every_100")
STABLE_SIGMOID = mistake("week2.sigmoid.overflow")
STABLE_SOFTMAX = mistake("week2.softmax.overflow")


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


# -- Known mistakes: diagnosis -> the value the mistake produces ----------------


def normalize_rows_mistakes(x: np.ndarray) -> dict[str, np.ndarray]:
    return {
        mistake("week2.normalize_rows.column_norms"): x / np.linalg.norm(x, axis=0, keepdims=True),
        mistake("week2.normalize_rows.matrix_norm"): x / np.linalg.norm(x),
    }


def softmax_mistakes(x: np.ndarray) -> dict[str, np.ndarray]:
    e = np.exp(x - x.max())
    return {
        mistake("week2.softmax.wrong_axis"): e / e.sum(axis=0, keepdims=True),
        mistake("week2.softmax.matrix_sum"): e / e.sum(),
    }


def l1_mistakes(yhat: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {mistake("week2.l1.averaged"): float(np.mean(np.abs(y - yhat)))}


def l2_mistakes(yhat: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {
        mistake("week2.l2.square_root"): float(np.sqrt(np.sum((y - yhat) ** 2))),
        mistake("week2.l2.averaged"): float(np.mean((y - yhat) ** 2)),
    }
