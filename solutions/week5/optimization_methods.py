"""Reference solution for week 5, part 1: optimization methods.

Notation: X has shape (n_x, m) (one example per column) and Y has shape (1, m).
``parameters`` holds "W1", "b1", ..., "WL", "bL" and ``grads`` holds "dW1", "db1",
..., "dWL", "dbL"; every optimizer state (v, s, cache) is keyed like ``grads``.

The course's templates update the given dictionaries in place; this reference
builds new dictionaries instead, so that the grader's inputs stay intact.  Both
styles earn full marks: only the returned values are graded.
"""

from __future__ import annotations

import math

import numpy as np


def _layers(parameters: dict[str, np.ndarray]) -> range:
    """1, ..., L for a dictionary holding W1, b1, ..., WL, bL."""
    return range(1, len(parameters) // 2 + 1)


def update_parameters_with_gd(parameters, grads, learning_rate):
    """One step of (batch or mini-batch) gradient descent.

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL
    grads -- dictionary with dW1, db1, ..., dWL, dbL
    learning_rate -- the learning rate alpha, a scalar

    Returns:
    parameters -- dictionary with the updated W1, b1, ..., WL, bL:
                  W = W - learning_rate * dW,  b = b - learning_rate * db
    """
    updated = {}
    for l in _layers(parameters):
        for p in ("W", "b"):
            updated[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * grads[f"d{p}{l}"]
    return updated


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples (one permutation shared by X and Y) and cut them into mini-batches.

    Arguments:
    X -- input data, of shape (n_x, m)
    Y -- labels, of shape (1, m)
    mini_batch_size -- number of examples in each mini-batch
    seed -- seed of the shuffle, so that the same seed gives the same mini-batches

    Returns:
    mini_batches -- list of (mini_batch_X, mini_batch_Y) tuples: floor(m / mini_batch_size)
                    full mini-batches, then one smaller mini-batch of the m % mini_batch_size
                    remaining examples when m is not a multiple of mini_batch_size
    """
    m = X.shape[1]
    # The same permutation as np.random.seed(seed); np.random.permutation(m), without
    # touching numpy's global random state.
    permutation = np.random.RandomState(seed).permutation(m)
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]

    mini_batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        cols = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        mini_batches.append((shuffled_X[:, cols], shuffled_Y[:, cols]))
    if m % mini_batch_size != 0:
        cols = slice(num_complete * mini_batch_size, m)
        mini_batches.append((shuffled_X[:, cols], shuffled_Y[:, cols]))
    return mini_batches


def initialize_velocity(parameters):
    """Zero velocities for momentum, one per parameter.

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL

    Returns:
    v -- dictionary with v["dW1"], v["db1"], ..., v["dWL"], v["dbL"]: float zeros of the
         shape of the matching parameter
    """
    v = {}
    for l in _layers(parameters):
        v[f"dW{l}"] = np.zeros(parameters[f"W{l}"].shape)
        v[f"db{l}"] = np.zeros(parameters[f"b{l}"].shape)
    return v


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """One step of gradient descent with momentum.

    For each parameter: v_dW = beta * v_dW + (1 - beta) * dW, then W = W - learning_rate * v_dW.

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL
    grads -- dictionary with dW1, db1, ..., dWL, dbL
    v -- dictionary with the current velocities dW1, db1, ...
    beta -- the momentum hyperparameter, a scalar
    learning_rate -- the learning rate, a scalar

    Returns:
    parameters -- dictionary with the updated parameters
    v -- dictionary with the updated velocities
    """
    new_parameters, new_v = {}, {}
    for l in _layers(parameters):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            new_v[key] = beta * v[key] + (1 - beta) * grads[key]
            new_parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * new_v[key]
    return new_parameters, new_v


def initialize_adam(parameters):
    """Zero first and second moment estimates for Adam.

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL

    Returns:
    v -- exponentially weighted average of the gradient: v["dW1"], v["db1"], ... (zeros)
    s -- exponentially weighted average of the squared gradient: s["dW1"], s["db1"], ... (zeros)
    """
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One step of Adam.

    For each parameter, with dW its gradient and t the number of Adam steps taken so far
    (this one included, so t = 1 on the first step):
        v = beta1 * v + (1 - beta1) * dW          v_corrected = v / (1 - beta1 ** t)
        s = beta2 * s + (1 - beta2) * dW ** 2     s_corrected = s / (1 - beta2 ** t)
        W = W - learning_rate * v_corrected / (sqrt(s_corrected) + epsilon)

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL
    grads -- dictionary with dW1, db1, ..., dWL, dbL
    v, s -- dictionaries with the moment estimates, keyed like grads
    t -- the Adam step counter (starts at 1)
    learning_rate, beta1, beta2, epsilon -- hyperparameters

    Returns:
    parameters -- the updated parameters
    v, s -- the updated (uncorrected) moment estimates
    v_corrected, s_corrected -- the bias-corrected estimates used for this step
    """
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for l in _layers(parameters):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            new_v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            new_s[key] = beta2 * s[key] + (1 - beta2) * np.square(grads[key])
            v_corrected[key] = new_v[key] / (1 - beta1 ** t)
            s_corrected[key] = new_s[key] / (1 - beta2 ** t)
            step = v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
            new_parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


def update_parameters_with_rmsprop(parameters, grads, s, beta=0.999, learning_rate=0.01, epsilon=1e-8):
    """One step of RMSprop.

    For each parameter: s_dW = beta * s_dW + (1 - beta) * dW ** 2, then
    W = W - learning_rate * dW / (sqrt(s_dW) + epsilon).  (No bias correction.)

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL
    grads -- dictionary with dW1, db1, ..., dWL, dbL
    s -- dictionary with the running averages of the squared gradients, keyed like grads
    beta -- the decay rate of the running average
    learning_rate, epsilon -- hyperparameters

    Returns:
    parameters -- the updated parameters
    s -- the updated running averages
    """
    new_parameters, new_s = {}, {}
    for l in _layers(parameters):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            new_s[key] = beta * s[key] + (1 - beta) * np.square(grads[key])
            step = grads[key] / (np.sqrt(new_s[key]) + epsilon)
            new_parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * step
    return new_parameters, new_s


def update_parameters_with_adagrad(parameters, grads, cache, learning_rate=0.01, epsilon=1e-8):
    """One step of Adagrad.

    For each parameter: cache_dW = cache_dW + dW ** 2 (the sum of all squared gradients so
    far), then W = W - learning_rate * dW / (sqrt(cache_dW) + epsilon).

    Arguments:
    parameters -- dictionary with W1, b1, ..., WL, bL
    grads -- dictionary with dW1, db1, ..., dWL, dbL
    cache -- dictionary with the sums of squared gradients, keyed like grads
    learning_rate, epsilon -- hyperparameters

    Returns:
    parameters -- the updated parameters
    cache -- the updated sums of squared gradients
    """
    new_parameters, new_cache = {}, {}
    for l in _layers(parameters):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            new_cache[key] = cache[key] + np.square(grads[key])
            step = grads[key] / (np.sqrt(new_cache[key]) + epsilon)
            new_parameters[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * step
    return new_parameters, new_cache
