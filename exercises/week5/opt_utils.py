"""Helpers for the week-5 optimization notebook: data, a 3-layer network, plots, test cases.

Nothing is downloaded: the "moons" data set is generated from a fixed seed, so every
learner sees the same points.  The network functions (forward and backward propagation,
cost, prediction) are given, as in the course: this week you write the optimizers.
"""

from __future__ import annotations

import numpy as np


# -- Data ------------------------------------------------------------------------


def load_dataset(m: int = 300, noise: float = 0.2, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-moons: train_X of shape (2, m) and train_Y of shape (1, m) (0 or 1)."""
    rng = np.random.default_rng(seed)
    half = m // 2
    angle = np.pi * rng.random(m)
    upper = np.stack([np.cos(angle[:half]), np.sin(angle[:half])])
    lower = np.stack([1.0 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])])
    X = np.concatenate([upper, lower], axis=1) + noise * rng.standard_normal((2, m))
    Y = np.concatenate([np.zeros(half), np.ones(m - half)]).reshape(1, m)
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


def load_labelled_table(m: int = 200, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """A small three-class table sorted by class, as data files often are: X (4, m), Y (1, m)."""
    rng = np.random.default_rng(seed)
    counts = [int(0.6 * m), int(0.3 * m)]
    counts.append(m - sum(counts))
    Y = np.concatenate([np.full(n, float(c)) for c, n in enumerate(counts)]).reshape(1, m)
    centres = rng.normal(0.0, 2.0, size=(4, 3))
    X = centres[:, Y[0].astype(int)] + rng.standard_normal((4, m))
    return X, Y


# -- The network: LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID -------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def relu(z):
    return np.maximum(0.0, z)


def initialize_parameters(layer_dims, seed: int = 3):
    """He initialization: W{l} of shape (n_l, n_{l-1}) scaled by sqrt(2 / n_{l-1}), zero b{l}."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(
            2.0 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def forward_propagation(X, parameters):
    """a3 (the predicted probabilities, shape (1, m)) and a cache for backward_propagation."""
    z1 = parameters["W1"] @ X + parameters["b1"]
    a1 = relu(z1)
    z2 = parameters["W2"] @ a1 + parameters["b2"]
    a2 = relu(z2)
    z3 = parameters["W3"] @ a2 + parameters["b3"]
    a3 = sigmoid(z3)
    cache = (z1, a1, parameters["W1"], parameters["b1"], z2, a2, parameters["W2"], parameters["b2"],
             z3, a3, parameters["W3"], parameters["b3"])
    return a3, cache


def backward_propagation(X, Y, cache):
    """Gradients dW1, db1, ..., dW3, db3 of the average cross-entropy over the mini-batch."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = (a3 - Y) / m
    dW3 = dz3 @ a2.T
    db3 = np.sum(dz3, axis=1, keepdims=True)
    dz2 = (W3.T @ dz3) * (a2 > 0)
    dW2 = dz2 @ a1.T
    db2 = np.sum(dz2, axis=1, keepdims=True)
    dz1 = (W2.T @ dz2) * (a1 > 0)
    dW1 = dz1 @ X.T
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def compute_cost(a3, Y):
    """The SUM of the cross-entropy losses of the mini-batch (the model divides by m)."""
    eps = 1e-12
    return float(-np.sum(Y * np.log(a3 + eps) + (1 - Y) * np.log(1 - a3 + eps)))


def predict(X, Y, parameters):
    """0/1 predictions of shape (1, m); prints the accuracy."""
    a3, _ = forward_propagation(X, parameters)
    predictions = (a3 > 0.5).astype(float)
    print("Accuracy: " + str(np.mean(predictions == Y)))
    return predictions


def predict_dec(parameters, X):
    """Predictions for plot_decision_boundary."""
    a3, _ = forward_propagation(X, parameters)
    return a3 > 0.5


def plot_decision_boundary(model, X, Y):
    import matplotlib.pyplot as plt

    x_min, x_max = X[0].min() - 1, X[0].max() + 1
    y_min, y_max = X[1].min() - 1, X[1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, 0.01), np.arange(y_min, y_max, 0.01))
    Z = model(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral)
    plt.scatter(X[0], X[1], c=Y.ravel(), s=20, cmap=plt.cm.Spectral)
    plt.xlabel("x1")
    plt.ylabel("x2")
    plt.show()


# -- Test cases of the notebook (the same small examples as the public checks) ------


def optimizer_test_case():
    """parameters W1 (2, 3), b1 (2, 1), W2 (4, 2), b2 (4, 1) and gradients of the same shapes."""
    rng = np.random.default_rng(1)
    dims = [3, 2, 4]
    parameters, grads = {}, {}
    for l in range(1, len(dims)):
        parameters["W" + str(l)] = rng.normal(0.0, 1.0, size=(dims[l], dims[l - 1]))
        parameters["b" + str(l)] = rng.normal(0.0, 1.0, size=(dims[l], 1))
        grads["dW" + str(l)] = rng.normal(0.0, 1.0, size=(dims[l], dims[l - 1]))
        grads["db" + str(l)] = rng.normal(0.0, 1.0, size=(dims[l], 1))
    return parameters, grads


def zeros_like_grads(parameters):
    """Zero optimizer state keyed dW1, db1, ... (to test an update without your initializers)."""
    return {"d" + k: np.zeros(v.shape) for k, v in parameters.items()}


def mini_batch_test_case():
    """X of shape (4, 148) and Y of shape (1, 148)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 148))
    Y = (rng.random((1, 148)) > 0.5).astype(float)
    return X, Y
