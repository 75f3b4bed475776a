"""Reference solution for week 7, part 2: layers of a convolutional network (NCHW layout).

Each forward function returns ``(out, cache)`` and each backward function takes
the upstream gradient ``dout`` and that cache.  The caches are the ones of the
CS231n templates: affine ``(x, w, b)``, ReLU ``x``, convolution
``(x, w, b, conv_param)``, max pooling ``(x, pool_param)``.

The "naive" convolution and pooling loop over output positions but work on all
examples, channels and filters of a position at once, which keeps them short.
"""

from __future__ import annotations

import numpy as np


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Forward pass of a fully-connected (affine) layer: out = x.reshape(N, D) @ w + b.

    Arguments:
    x -- input of shape (N, d_1, ..., d_k); each example has D = d_1 * ... * d_k values
    w -- weights of shape (D, M)
    b -- biases of shape (M,)

    Returns:
    out -- output of shape (N, M)
    cache -- (x, w, b)
    """
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of the affine layer.

    Arguments:
    dout -- upstream gradient of shape (N, M)
    cache -- (x, w, b) from affine_forward

    Returns:
    dx -- gradient with respect to x, of shape (N, d_1, ..., d_k) (x's own shape)
    dw -- gradient with respect to w, of shape (D, M)
    db -- gradient with respect to b, of shape (M,)
    """
    x, w, b = cache
    x_rows = x.reshape(x.shape[0], -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_rows.T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward pass of a layer of rectified linear units: out = max(0, x).

    Arguments:
    x -- input of any shape

    Returns:
    out -- output, same shape as x
    cache -- x
    """
    return np.maximum(0.0, x), x


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward pass of the ReLU layer: the upstream gradient where x > 0, zero elsewhere.

    At x = 0 exactly the gradient is 0 (the test x > 0 is false there).

    Arguments:
    dout -- upstream gradient, any shape
    cache -- x, the input of relu_forward, same shape as dout

    Returns:
    dx -- gradient with respect to x (a new array; dout is not modified)
    """
    x = cache
    return dout * (x > 0)


def conv_output_size(W: int, F: int, P: int, S: int) -> int:
    """Output width of a convolution (or pooling) along one axis: (W - F + 2P) / S + 1.

    Arguments:
    W -- input width (or height)
    F -- filter width (or height)
    P -- zero padding added on each side
    S -- stride

    Returns:
    the output width, an int

    Raises:
    ValueError -- when the filter does not fit: F larger than W + 2P, or W - F + 2P
                  not a multiple of S (the last positions would not line up)
    """
    span = W - F + 2 * P
    if span < 0:
        raise ValueError(f"the filter (F = {F}) is larger than the padded input (W + 2P = {W + 2 * P})")
    if span % S != 0:
        raise ValueError(
            f"(W - F + 2P) / S + 1 = ({W} - {F} + 2*{P}) / {S} + 1 = {span / S + 1:g} is not an integer: "
            f"W - F + 2P = {span} must be a multiple of the stride S = {S}")
    return span // S + 1


def conv_forward_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray, conv_param: dict) -> tuple[np.ndarray, tuple]:
    """Forward pass of a convolutional layer (cross-correlation, as in CS231n).

    Arguments:
    x -- input of shape (N, C, H, W)
    w -- filters of shape (F, C, HH, WW)
    b -- biases of shape (F,)
    conv_param -- {"stride": S, "pad": P}: step between windows, zeros added on each
                  side of the two spatial axes only

    Returns:
    out -- output of shape (N, F, H', W') with H' = (H - HH + 2P) / S + 1 and
           W' = (W - WW + 2P) / S + 1
    cache -- (x, w, b, conv_param)
    """
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = conv_output_size(H, HH, pad, stride), conv_output_size(W, WW, pad, stride)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]  # (N, C, HH, WW)
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of the convolutional layer.

    Arguments:
    dout -- upstream gradient of shape (N, F, H', W')
    cache -- (x, w, b, conv_param) from conv_forward_naive

    Returns:
    dx -- gradient with respect to x, of shape (N, C, H, W) (the padding cropped off)
    dw -- gradient with respect to w, of shape (F, C, HH, WW)
    db -- gradient with respect to b, of shape (F,): dout summed over N, H' and W'
    """
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, H, W = x.shape
    _, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dx_pad = np.zeros_like(x_pad, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    for i in range(H_out):
        for j in range(W_out):
            rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)
            g = dout[:, :, i, j]  # (N, F)
            dx_pad[:, :, rows, cols] += np.tensordot(g, w, axes=(1, 0))  # (N, C, HH, WW)
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=(0, 0))  # (F, C, HH, WW)
    db = dout.sum(axis=(0, 2, 3))
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]  # pad:-pad would be empty when pad = 0
    return dx, dw, db


def max_pool_forward_naive(x: np.ndarray, pool_param: dict) -> tuple[np.ndarray, tuple]:
    """Forward pass of a max-pooling layer (no padding).

    Arguments:
    x -- input of shape (N, C, H, W)
    pool_param -- {"pool_height": PH, "pool_width": PW, "stride": S}

    Returns:
    out -- output of shape (N, C, H', W') with H' = (H - PH) / S + 1, W' = (W - PW) / S + 1
    cache -- (x, pool_param)
    """
    PH, PW, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = conv_output_size(H, PH, 0, stride), conv_output_size(W, PW, 0, stride)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + PH, j * stride:j * stride + PW]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of the max-pooling layer: each upstream gradient goes to its window's maximum.

    When windows overlap (stride < pool size) an element can be the maximum of several
    windows and receives the sum of their gradients.  With ties, the first maximum
    (row-major order) gets the gradient.

    Arguments:
    dout -- upstream gradient of shape (N, C, H', W')
    cache -- (x, pool_param) from max_pool_forward_naive

    Returns:
    dx -- gradient with respect to x, of shape (N, C, H, W)
    """
    x, pool_param = cache
    PH, PW, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, _, _ = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x, dtype=float)
    for i in range(H_out):
        for j in range(W_out):
            rows, cols = slice(i * stride, i * stride + PH), slice(j * stride, j * stride + PW)
            window = x[:, :, rows, cols].reshape(N, C, PH * PW)
            route = np.zeros_like(window, dtype=float)
            np.put_along_axis(route, window.argmax(axis=2)[:, :, None], dout[:, :, i, j][:, :, None], axis=2)
            dx[:, :, rows, cols] += route.reshape(N, C, PH, PW)
    return dx
