"""Reference solution for week 4: a deep L-layer neural network, step by step.

Notation: X has shape (n_x, m), one example per column; layer l has n_l units,
W{l} has shape (n_l, n_{l-1}) and b{l} has shape (n_l, 1). The hidden layers use
ReLU and the output layer a sigmoid. No function loops over the examples; the
only loops run over the layers.

Gradient convention of the course: dA{l} and dZ{l} are gradients of the SUM of the
losses over the m examples, while dW{l} and db{l} are gradients of the cost J (the
mean loss), which is where the 1/m enters (in linear_backward).

The four activation helpers are the ones exercises/week4/dnn_utils.py gives the
learners (same semantics), repeated here so that this module stands alone.
"""

from __future__ import annotations

import numpy as np

# -- The course's helpers (exercises/week4/dnn_utils.py) -----------------------


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Element-wise sigmoid; returns (A, cache=Z)."""
    Z = np.asarray(Z, dtype=float)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E)), Z


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Element-wise max(0, Z); returns (A, cache=Z)."""
    Z = np.asarray(Z, dtype=float)
    return np.maximum(0.0, Z), Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA where Z > 0, 0 elsewhere (cache is Z)."""
    return np.where(cache > 0, dA, 0.0)


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA * s * (1 - s) with s = sigmoid(Z) (cache is Z)."""
    s, _ = sigmoid(cache)
    return dA * s * (1.0 - s)


# -- 1. Initialization ----------------------------------------------------------


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """Small random weights and zero biases for a 2-layer network.

    Arguments:
    n_x -- size of the input layer
    n_h -- size of the hidden layer
    n_y -- size of the output layer

    Returns:
    parameters -- dictionary with W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1)
    """
    return {
        "W1": np.random.randn(n_h, n_x) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": np.random.randn(n_y, n_h) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def initialize_parameters_deep(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """Small random weights and zero biases for an L-layer network.

    Arguments:
    layer_dims -- list [n_x, n_1, ..., n_L] of the sizes of every layer, input included

    Returns:
    parameters -- dictionary with W{l} of shape (layer_dims[l], layer_dims[l-1])
                  and b{l} of shape (layer_dims[l], 1), for l = 1 .. L
    """
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


# -- 2. Forward propagation -----------------------------------------------------


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """The linear part of one layer, Z = W A + b.

    Arguments:
    A -- activations of the previous layer (or the input X), shape (n_{l-1}, m)
    W -- weights, shape (n_l, n_{l-1})
    b -- biases, shape (n_l, 1)

    Returns:
    Z -- pre-activation, shape (n_l, m)
    cache -- the tuple (A, W, b), for the backward pass
    """
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                              activation: str) -> tuple[np.ndarray, tuple]:
    """One layer: linear step, then "sigmoid" or "relu".

    Arguments:
    A_prev -- activations of the previous layer, shape (n_{l-1}, m)
    W -- weights, shape (n_l, n_{l-1})
    b -- biases, shape (n_l, 1)
    activation -- "sigmoid" or "relu"

    Returns:
    A -- the layer's activations, shape (n_l, m)
    cache -- the tuple (linear_cache, activation_cache) = ((A_prev, W, b), Z)
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError(f"unknown activation {activation!r}: use 'sigmoid' or 'relu'")
    return A, (linear_cache, activation_cache)


def L_model_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list]:
    """Forward pass of [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID.

    Arguments:
    X -- data, shape (n_x, m)
    parameters -- the dictionary of W1, b1, ..., WL, bL

    Returns:
    AL -- the output activations, shape (n_L, m)
    caches -- list of the L caches of linear_activation_forward, layer 1 first
    """
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """Cross-entropy cost J = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL)).

    Arguments:
    AL -- predicted probabilities, shape (1, m)
    Y -- true labels (0 or 1), shape (1, m)

    Returns:
    cost -- the cost, a Python float
    """
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


# -- 3. Backward propagation ----------------------------------------------------


def linear_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of the linear step of one layer.

    Arguments:
    dZ -- gradient with respect to Z of this layer, shape (n_l, m)
    cache -- the tuple (A_prev, W, b) from linear_forward

    Returns:
    dA_prev -- gradient with respect to A_prev, shape (n_{l-1}, m)
    dW -- gradient of the cost with respect to W, shape (n_l, n_{l-1})
    db -- gradient of the cost with respect to b, shape (n_l, 1)
    """
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA: np.ndarray, cache: tuple,
                               activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of one layer: through the activation, then the linear step.

    Arguments:
    dA -- gradient with respect to the layer's activations A, shape (n_l, m)
    cache -- the tuple (linear_cache, activation_cache) of linear_activation_forward
    activation -- "sigmoid" or "relu"

    Returns:
    dA_prev, dW, db -- as linear_backward
    """
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError(f"unknown activation {activation!r}: use 'sigmoid' or 'relu'")
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict[str, np.ndarray]:
    """Backward pass of [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID.

    Arguments:
    AL -- output of L_model_forward, shape (n_L, m)
    Y -- true labels, same shape as AL
    caches -- the list of caches of L_model_forward

    Returns:
    grads -- dictionary with dA{l} for l = 0 .. L-1 (dA{l} is the gradient of A[l],
             dA0 that of X), and dW{l}, db{l} for l = 1 .. L
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads[f"dA{l + 1}"], caches[l], "relu")
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = dA_prev, dW, db
    return grads


# -- 4. Update --------------------------------------------------------------------


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float) -> dict[str, np.ndarray]:
    """One step of gradient descent, W{l} - learning_rate * dW{l} (and the same for b).

    Arguments:
    parameters -- dictionary of W1, b1, ..., WL, bL (left unchanged)
    grads -- dictionary of the gradients, output of L_model_backward
    learning_rate -- the step size

    Returns:
    parameters -- a new dictionary with the updated W{l} and b{l}
    """
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return updated
