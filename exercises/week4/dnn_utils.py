"""Activation helpers for the week-4 deep network (given to learners, not graded).

Every forward helper returns ``(A, cache)`` where ``cache`` is the pre-activation
``Z``: keep it, the matching backward helper needs it. Every backward helper takes
``dA`` (the gradient of the loss with respect to the activation's output) and that
cache, and returns ``dZ`` (the gradient with respect to ``Z``).

The grader runs this file before your own code, so these four functions are
available to your graded functions whether or not your notebook imports them.
"""

import numpy as np


def sigmoid(Z):
    """Element-wise sigmoid.

    Arguments:
    Z -- numpy array of any shape

    Returns:
    A -- sigmoid(Z), same shape as Z
    cache -- Z, stored for the backward pass
    """
    Z = np.asarray(Z, dtype=float)
    # exp of a non-positive number never overflows: pick the equal form per sign.
    E = np.exp(-np.abs(Z))
    A = np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))
    return A, Z


def relu(Z):
    """Element-wise rectified linear unit, max(0, Z).

    Arguments:
    Z -- numpy array of any shape

    Returns:
    A -- max(0, Z), same shape as Z
    cache -- Z, stored for the backward pass
    """
    Z = np.asarray(Z, dtype=float)
    A = np.maximum(0.0, Z)
    return A, Z


def relu_backward(dA, cache):
    """Backward step through one ReLU unit layer.

    Arguments:
    dA -- gradient with respect to the ReLU's output A, any shape
    cache -- the Z that relu(Z) returned as its cache

    Returns:
    dZ -- gradient with respect to Z: dA where Z > 0, and 0 elsewhere
    """
    Z = cache
    dZ = np.array(dA, dtype=float, copy=True)
    dZ[Z <= 0] = 0.0
    return dZ


def sigmoid_backward(dA, cache):
    """Backward step through one sigmoid unit layer.

    Arguments:
    dA -- gradient with respect to the sigmoid's output A, any shape
    cache -- the Z that sigmoid(Z) returned as its cache

    Returns:
    dZ -- gradient with respect to Z: dA * s * (1 - s) with s = sigmoid(Z)
    """
    s, _ = sigmoid(cache)
    return dA * s * (1.0 - s)
