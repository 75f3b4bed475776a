"""Reference solution for week 3: planar data classification with one hidden layer.

The network is LINEAR -> TANH -> LINEAR -> SIGMOID.  Notation: X has shape
(n_x, m) (one example per column), Y has shape (n_y, m); W1 is (n_h, n_x), b1 is
(n_h, 1), W2 is (n_y, n_h) and b2 is (n_y, 1).  No function loops over the
examples: the only loop is nn_model's loop over gradient descent iterations.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Element-wise sigmoid 1 / (1 + exp(-x)) (the course provides it to learners).

    Arguments:
    x -- a scalar or numpy array of any size

    Returns:
    s -- sigmoid(x), same shape as x
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def layer_sizes(X: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """Sizes of the three layers.

    Arguments:
    X -- input data of shape (input size, number of examples)
    Y -- labels of shape (output size, number of examples)

    Returns:
    n_x -- the size of the input layer (the number of rows of X)
    n_h -- the size of the hidden layer (4 in this exercise)
    n_y -- the size of the output layer (the number of rows of Y)
    """
    n_x = X.shape[0]
    n_h = 4
    n_y = Y.shape[0]
    return n_x, n_h, n_y


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """Small random weights (to break symmetry) and zero biases.

    Arguments:
    n_x -- size of the input layer
    n_h -- size of the hidden layer
    n_y -- size of the output layer

    Returns:
    parameters -- dictionary with
                  W1, weight matrix of shape (n_h, n_x), standard normal * 0.01
                  b1, zero bias vector of shape (n_h, 1)
                  W2, weight matrix of shape (n_y, n_h), standard normal * 0.01
                  b2, zero bias vector of shape (n_y, 1)
    """
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, dict]:
    """LINEAR -> TANH -> LINEAR -> SIGMOID on all m examples at once.

    Arguments:
    X -- input data of shape (n_x, m)
    parameters -- dictionary with W1, b1, W2, b2 (see initialize_parameters)

    Returns:
    A2 -- the sigmoid output of the second activation, of shape (n_y, m)
    cache -- dictionary with "Z1", "A1", "Z2" and "A2", kept for the backward pass
    """
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: np.ndarray, Y: np.ndarray, parameters: dict | None = None) -> float:
    """Cross-entropy cost J = -(1/m) sum(Y log(A2) + (1 - Y) log(1 - A2)).

    Arguments:
    A2 -- the sigmoid output of the second activation, of shape (n_y, m)
    Y -- "true" labels of shape (n_y, m)
    parameters -- unused; the course's older signature passed it

    Returns:
    cost -- the cross-entropy cost, a Python float
    """
    m = Y.shape[1]
    logprobs = Y * np.log(A2) + (1 - Y) * np.log(1 - A2)
    return float(-np.sum(logprobs) / m)


def backward_propagation(parameters: dict[str, np.ndarray], cache: dict[str, np.ndarray],
                         X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """Gradients of the cross-entropy cost with respect to W1, b1, W2 and b2.

    Arguments:
    parameters -- dictionary with W1, b1, W2, b2
    cache -- dictionary with Z1, A1, Z2, A2 from forward_propagation
    X -- input data of shape (n_x, m)
    Y -- "true" labels of shape (n_y, m)

    Returns:
    grads -- dictionary with dW1, db1, dW2, db2, each shaped like its parameter
    """
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - A1 ** 2)  # tanh'(Z1) = 1 - tanh(Z1)^2
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float = 1.2) -> dict[str, np.ndarray]:
    """One step of gradient descent, theta = theta - learning_rate * d_theta.

    Arguments:
    parameters -- dictionary with W1, b1, W2, b2
    grads -- dictionary with dW1, db1, dW2, db2
    learning_rate -- the step size

    Returns:
    parameters -- a NEW dictionary with the updated W1, b1, W2, b2 (the
                  caller's dictionary and arrays are left unchanged)
    """
    return {name: parameters[name] - learning_rate * grads["d" + name] for name in ("W1", "b1", "W2", "b2")}


def nn_model(X: np.ndarray, Y: np.ndarray, n_h: int, num_iterations: int = 10000,
             print_cost: bool = False) -> dict[str, np.ndarray]:
    """Train the one-hidden-layer network by batch gradient descent.

    Arguments:
    X -- dataset of shape (n_x, number of examples)
    Y -- labels of shape (n_y, number of examples)
    n_h -- size of the hidden layer
    num_iterations -- number of iterations of the gradient descent loop
    print_cost -- if True, print the cost every 1000 iterations

    Returns:
    parameters -- the learned parameters, to be used by predict
    """
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters


def predict(parameters: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Class predictions: 1 where the network's output A2 is above 0.5, else 0.

    Arguments:
    parameters -- dictionary with W1, b1, W2, b2
    X -- input data of shape (n_x, m)

    Returns:
    predictions -- array of shape (n_y, m) of 0.0 / 1.0 (1.0 exactly where A2 > 0.5)
    """
    A2, _ = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(float)
