"""Data and plotting helpers for the week-3 exercise (planar data classification).

Every data set here is generated in code from a seed: nothing is downloaded, and
every learner (and the grader) gets the same points.  matplotlib is imported only
by the plotting function, so the data functions work without it.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """Element-wise sigmoid 1 / (1 + exp(-x)) of a scalar or numpy array."""
    return 1.0 / (1.0 + np.exp(-x))


def flower(rng: np.random.Generator, m: int = 400, petals: int = 4, size: float = 4.0,
           noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D "flower": points along the rose curve r = size * sin(petals * t).

    Points whose angle t lies in [0, pi) are red (label 0), those in [pi, 2 pi) are
    blue (label 1); both the angle and the radius get Gaussian noise, so neighbouring
    petals of different colours overlap a little and no straight line separates the
    two classes.

    Returns:
    X -- coordinates, shape (2, m)
    Y -- labels 0.0 / 1.0, shape (1, m)
    """
    X = np.zeros((2, m))
    Y = np.zeros((1, m))
    counts = (m // 2, m - m // 2)
    start = 0
    for label, n in enumerate(counts):
        columns = slice(start, start + n)
        t = np.linspace(label * np.pi, (label + 1) * np.pi, n) + rng.normal(0.0, noise, n)
        r = size * np.sin(petals * t) + rng.normal(0.0, noise, n)
        X[:, columns] = np.vstack([r * np.sin(t), r * np.cos(t)])
        Y[:, columns] = label
        start += n
    return X, Y


def load_planar_dataset(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The exercise's flower data set: X of shape (2, m) and Y of shape (1, m)."""
    return flower(np.random.default_rng(seed), m)


def load_extra_datasets(m: int = 200, seed: int = 3) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Four more 2-D data sets, each as (X of shape (2, m), Y of shape (1, m)).

    noisy_circles: a small ring inside a larger one; noisy_moons: two interleaved
    half circles; blobs: two Gaussian clusters; gaussian_quantiles: an inner disc
    and an outer ring of one Gaussian cloud, split at the median radius.
    """
    rng = np.random.default_rng(seed)
    half = m // 2
    labels = np.r_[np.zeros(half), np.ones(m - half)].reshape(1, m)
    angle = rng.uniform(0.0, 2 * np.pi, m)

    radius = np.where(labels[0] == 0, 1.0, 0.5)
    circles = np.vstack([radius * np.cos(angle), radius * np.sin(angle)]) + rng.normal(0.0, 0.08, (2, m))

    t = rng.uniform(0.0, np.pi, m)
    moons = np.where(labels == 0, np.vstack([np.cos(t), np.sin(t)]),
                     np.vstack([1.0 - np.cos(t), 0.5 - np.sin(t)])) + rng.normal(0.0, 0.15, (2, m))

    centres = np.where(labels == 0, np.array([[-1.5], [1.0]]), np.array([[1.5], [-0.5]]))
    blobs = centres + rng.normal(0.0, 0.9, (2, m))

    cloud = rng.normal(0.0, 1.0, (2, m))
    distance = np.sum(cloud ** 2, axis=0)
    quantiles = (distance > np.median(distance)).astype(float).reshape(1, m)

    return {
        "noisy_circles": (circles, labels.copy()),
        "noisy_moons": (moons, labels.copy()),
        "blobs": (blobs, labels.copy()),
        "gaussian_quantiles": (cloud, quantiles),
    }


def plot_decision_boundary(model, X: np.ndarray, y: np.ndarray) -> None:
    """Colour the plane by the class ``model`` predicts, and draw the points of X on top.

    model -- a function taking an (m, 2) array of points and returning m labels,
             e.g. lambda x: predict(parameters, x.T)
    X -- points of shape (2, m); y -- their labels, shape (1, m)
    """
    import matplotlib.pyplot as plt

    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    step = 0.01 * max(x_max - x_min, y_max - y_min)
    xx, yy = np.meshgrid(np.arange(x_min, x_max, step), np.arange(y_min, y_max, step))
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral)
    plt.ylabel("x2")
    plt.xlabel("x1")
    plt.scatter(X[0, :], X[1, :], c=np.ravel(y), cmap=plt.cm.Spectral)


def fit_logistic_regression(X: np.ndarray, Y: np.ndarray, num_iterations: int = 2000,
                            learning_rate: float = 0.5) -> tuple[np.ndarray, float]:
    """A plain logistic regression (last week's model) as a baseline: returns (w, b).

    Predict with (sigmoid(w.T @ X + b) > 0.5).
    """
    w, b = np.zeros((X.shape[0], 1)), 0.0
    m = X.shape[1]
    for _ in range(num_iterations):
        A = sigmoid(w.T @ X + b)
        w = w - learning_rate * (X @ (A - Y).T) / m
        b = b - learning_rate * float(np.sum(A - Y)) / m
    return w, b
