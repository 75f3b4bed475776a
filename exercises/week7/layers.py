# %% [markdown]
# # Layers of a convolutional network, one at a time
#
# A deep network is a stack of simple layers. If every layer knows how to
#
# - run **forward**: take its input (and parameters) and compute its output, keeping
#   in a `cache` whatever the backward pass will need, and
# - run **backward**: take the upstream gradient `dout` = $\frac{\partial L}{\partial
#   \text{out}}$ and its cache, and return the gradients with respect to its input
#   and parameters (the chain rule, one layer at a time),
#
# then networks of any depth can be assembled and trained from the same pieces. In
# this notebook you write the layers of a small convolutional network:
#
# | layer | forward | backward |
# | --- | --- | --- |
# | affine (fully connected) | `affine_forward(x, w, b)` | `affine_backward(dout, cache)` |
# | ReLU | `relu_forward(x)` | `relu_backward(dout, cache)` |
# | convolution | `conv_forward_naive(x, w, b, conv_param)` | `conv_backward_naive(dout, cache)` |
# | max pooling | `max_pool_forward_naive(x, pool_param)` | `max_pool_backward_naive(dout, cache)` |
#
# plus `conv_output_size(W, F, P, S)`, the size rule of convolutions.
#
# Images are stored in the **NCHW** layout: an array of shape `(N, C, H, W)` holds N
# examples of C channels (e.g. red, green, blue) of H rows and W columns each.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders. The lines outside the
#   markers (reading the shapes, building the cache) are given: keep them.
# - The "naive" convolution and pooling may use Python loops (over output positions,
#   and over examples and filters if you like): clarity first. The affine and ReLU
#   layers are one or two numpy lines each.
# - Every backward function is checked against **numeric gradients** (centred
#   differences of the forward function), here and by the grader.
# - Do not modify the inputs in place (for example no `dout[x <= 0] = 0`): return
#   new arrays.
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.

# %% [markdown]
# ## 0 - Packages and gradient-checking tools

# %%
import numpy as np

np.set_printoptions(precision=8, suppress=False)


# %%
def rel_error(x, y):
    """Largest relative error between two arrays (None while one of them is missing)."""
    if x is None or y is None:
        return None
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Gradient of sum(f(x) * df) with respect to x, by centred differences.

    f takes the array x and returns an array; df is the upstream gradient, shaped like f(x).
    x is perturbed in place one entry at a time and restored.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = np.array(f(x), copy=True)
        x[ix] = old - h
        neg = np.array(f(x), copy=True)
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def gradient_check(name, analytic, f, x, df):
    """Print the relative error between an analytic gradient and the numeric one of f at x."""
    if analytic is None or f(x) is None:
        print(name + ": not written yet")
        return
    numeric = eval_numerical_gradient_array(f, x, df)
    print(name + " error: %.2e" % rel_error(analytic, numeric))


# %% [markdown]
# ## 1 - Affine (fully connected) layer
#
# ### 1.1 - Forward
#
# An affine layer maps each example, flattened to a vector of $D$ numbers, to $M$
# outputs. The input may have any shape `(N, d_1, ..., d_k)` (for instance the
# `(N, C, H, W)` output of a convolution); each example holds
# $D = d_1 \cdot \ldots \cdot d_k$ numbers. With $X$ = `x.reshape(N, D)`, one example
# per row:
#
# $$\text{out} = X\,w + b, \qquad X: (N, D),\ w: (D, M),\ b: (M,),\ \text{out}: (N, M)$$
#
# (`b` is broadcast over the N rows.) `x.reshape(x.shape[0], -1)` flattens every
# example whatever its shape.
#
# **Exercise**: implement `affine_forward`.

# %%
# GRADED FUNCTION: affine_forward

def affine_forward(x, w, b):
    """
    Forward pass of an affine (fully connected) layer.

    Arguments:
    x -- input data of shape (N, d_1, ..., d_k); each example has D = d_1 * ... * d_k numbers
    w -- weights of shape (D, M)
    b -- biases of shape (M,)

    Returns:
    out -- output of shape (N, M)
    cache -- (x, w, b), for the backward pass
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    x_rows = None
    out = None
    ### END CODE HERE ###

    cache = (x, w, b)
    return out, cache


# %%
x = np.linspace(-0.1, 0.5, num=2 * 4 * 5).reshape(2, 4, 5)
w = np.linspace(-0.2, 0.3, num=20 * 3).reshape(20, 3)
b = np.linspace(-0.3, 0.1, num=3)
out, _ = affine_forward(x, w, b)
print("out = " + str(out))

# %% [markdown]
# **Expected output**:
#
# ```
# out = [[-0.00156454  0.20625815  0.41408083]
#  [ 0.25397653  0.51395046  0.77392438]]
# ```
#
# ### 1.2 - Backward
#
# Given $d\text{out} = \frac{\partial L}{\partial \text{out}}$ of shape $(N, M)$, the
# chain rule gives (the shapes tell you where the transposes go):
#
# $$dX = d\text{out}\; w^T \quad (N, D), \qquad dw = X^T\, d\text{out} \quad (D, M),
# \qquad db = \sum_{n=1}^{N} d\text{out}_n \quad (M,)$$
#
# $b$ is added to every example, so its gradient **sums** over the N examples. Finally
# `dx` must have the shape of the input `x`: reshape $dX$ back to `x.shape`.
#
# **Exercise**: implement `affine_backward`.

# %%
# GRADED FUNCTION: affine_backward

def affine_backward(dout, cache):
    """
    Backward pass of an affine layer.

    Arguments:
    dout -- upstream gradient of shape (N, M)
    cache -- (x, w, b) from affine_forward

    Returns:
    dx -- gradient with respect to x, of shape (N, d_1, ..., d_k)
    dw -- gradient with respect to w, of shape (D, M)
    db -- gradient with respect to b, of shape (M,)
    """
    x, w, b = cache

    ### START CODE HERE ### (≈ 4 lines of code)
    x_rows = None
    dx = None
    dw = None
    db = None
    ### END CODE HERE ###

    return dx, dw, db


# %%
rng = np.random.default_rng(231)
x = rng.normal(size=(3, 2, 4))
w = rng.normal(size=(8, 5))
b = rng.normal(size=5)
dout = rng.normal(size=(3, 5))
dx, dw, db = affine_backward(dout, (x, w, b))
gradient_check("dx", dx, lambda v: affine_forward(v, w, b)[0], x, dout)
gradient_check("dw", dw, lambda v: affine_forward(x, v, b)[0], w, dout)
gradient_check("db", db, lambda v: affine_forward(x, w, v)[0], b, dout)

# %% [markdown]
# **Expected output**: three errors below `1e-8`.
#
# ## 2 - ReLU layer
#
# $$\text{out} = \max(0, x) \qquad dx = d\text{out} \cdot \mathbb{1}[x > 0]$$
#
# The ReLU layer lets the upstream gradient through where its **input** was
# positive and blocks it elsewhere. Its local gradient is the 0/1 mask `x > 0`, not
# the output `max(0, x)`. At $x = 0$ exactly the gradient is 0 (the test `x > 0` is
# false there).
#
# **Exercise**: implement `relu_forward` and `relu_backward` (one line each).

# %%
# GRADED FUNCTION: relu_forward

def relu_forward(x):
    """
    Forward pass of a layer of rectified linear units (ReLUs).

    Arguments:
    x -- input of any shape

    Returns:
    out -- max(0, x), same shape as x
    cache -- x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    out = None
    ### END CODE HERE ###

    cache = x
    return out, cache


# %%
# GRADED FUNCTION: relu_backward

def relu_backward(dout, cache):
    """
    Backward pass of a layer of ReLUs.

    Arguments:
    dout -- upstream gradient, of any shape
    cache -- x, the input of relu_forward, same shape as dout

    Returns:
    dx -- gradient with respect to x: dout where x > 0, 0 elsewhere (a new array)
    """
    x = cache

    ### START CODE HERE ### (≈ 1 line of code)
    dx = None
    ### END CODE HERE ###

    return dx


# %%
x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
out, _ = relu_forward(x)
print("out = " + str(out))

x = rng.normal(size=(4, 6))
x[np.abs(x) < 0.1] = 0.5  # keep away from the kink at 0, where numeric gradients are unreliable
dout = rng.normal(size=(4, 6))
gradient_check("dx", relu_backward(dout, x), lambda v: relu_forward(v)[0], x, dout)

# %% [markdown]
# **Expected output**:
#
# ```
# out = [[0.         0.         0.         0.        ]
#  [0.         0.         0.04545455 0.13636364]
#  [0.22727273 0.31818182 0.40909091 0.5       ]]
# dx error: ... (below 1e-8)
# ```
#
# ## 3 - The size of a convolution's output
#
# A filter of width $F$ slides over an input of width $W$ padded with $P$ zeros on
# **each** side, moving $S$ positions (the stride) at a time. It fits
#
# $$W' = \frac{W - F + 2P}{S} + 1$$
#
# times: $W - F + 2P$ is how far it can move, and every $S$ positions is one more
# output. The same rule holds for the height. Examples from the lecture:
#
# - a 7x7 input and a 3x3 filter, stride 1: $(7 - 3)/1 + 1 = 5$, a 5x5 output;
# - the same with stride 2: $(7 - 3)/2 + 1 = 3$;
# - with stride 3: $(7 - 3)/3 + 1 = 2.33$: the filter **does not fit**, the last
#   positions would hang off the edge;
# - a 32x32 input, 5x5 filters, padding 2, stride 1: $(32 - 5 + 4)/1 + 1 = 32$, the
#   size is preserved (with stride 1, $P = (F - 1)/2$ always does that).
#
# **Exercise**: implement `conv_output_size(W, F, P, S)`. Return the size as an
# `int`. When the filter does not fit (when $W - F + 2P$ is negative, or is not a
# multiple of $S$) raise a `ValueError` whose message says what does not fit, for
# example `raise ValueError(f"(W - F + 2P) = {span} is not a multiple of S = {S}")`.

# %%
# GRADED FUNCTION: conv_output_size

def conv_output_size(W, F, P, S):
    """
    Output size of a convolution along one axis: (W - F + 2P) / S + 1.

    Arguments:
    W -- input width (or height)
    F -- filter width (or height)
    P -- number of zeros added on each side
    S -- stride

    Returns:
    size -- the output width (or height), an int

    Raises:
    ValueError -- if the filter does not fit: W - F + 2P negative or not a multiple of S
    """
    ### START CODE HERE ### (≈ 5 lines of code)
    span = None
    size = None
    ### END CODE HERE ###

    return size


# %%
print("7x7 input, 3x3 filter, stride 1: " + str(conv_output_size(7, 3, 0, 1)))
print("7x7 input, 3x3 filter, stride 2: " + str(conv_output_size(7, 3, 0, 2)))
print("32x32 input, 5x5 filter, pad 2, stride 1: " + str(conv_output_size(32, 5, 2, 1)))
try:
    size = conv_output_size(7, 3, 0, 3)
    print("7x7 input, 3x3 filter, stride 3: no error, returned " + str(size))
except ValueError as error:
    print("7x7 input, 3x3 filter, stride 3: ValueError: " + str(error))

# %% [markdown]
# **Expected output**:
#
# ```
# 7x7 input, 3x3 filter, stride 1: 5
# 7x7 input, 3x3 filter, stride 2: 3
# 32x32 input, 5x5 filter, pad 2, stride 1: 32
# 7x7 input, 3x3 filter, stride 3: ValueError: (your message)
# ```
#
# ## 4 - Convolutional layer
#
# ### 4.1 - Forward
#
# The input `x` has shape `(N, C, H, W)`; the layer has F filters `w` of shape
# `(F, C, HH, WW)` (each filter spans all C channels) and F biases `b`.
#
# 1. Pad the input with `pad` zeros on each side of the **two spatial axes only**
#    (not the examples, not the channels):
#    `np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")`.
# 2. The output has shape `(N, F, H', W')` with
#    $H' = (H - HH + 2P)/S + 1$ and $W' = (W - WW + 2P)/S + 1$ (your
#    `conv_output_size`).
# 3. Output position $(i, j)$ looks at the window of the padded input that starts at
#    row $i \cdot S$ and column $j \cdot S$:
#
# $$\text{out}[n, f, i, j] = \sum_{c, k, l} x_{pad}[n, c,\ iS + k,\ jS + l]\; w[f, c, k, l] + b[f]$$
#
# (This is a cross-correlation: the filter is not flipped.) Loop over the output
# positions; for each, `window = x_pad[:, :, i*S:i*S+HH, j*S:j*S+WW]` holds the window
# of every example, and a loop over the filters (or `np.tensordot`) does the rest.
#
# **Exercise**: implement `conv_forward_naive`.

# %%
# GRADED FUNCTION: conv_forward_naive

def conv_forward_naive(x, w, b, conv_param):
    """
    Naive forward pass of a convolutional layer.

    Arguments:
    x -- input data of shape (N, C, H, W)
    w -- filter weights of shape (F, C, HH, WW)
    b -- biases of shape (F,)
    conv_param -- dictionary with the keys
        "stride": number of positions between neighbouring windows, along both axes
        "pad": number of zeros added on each side of the two spatial axes

    Returns:
    out -- output of shape (N, F, H', W') with H' = (H - HH + 2 * pad) / stride + 1
           and W' = (W - WW + 2 * pad) / stride + 1
    cache -- (x, w, b, conv_param)
    """
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape

    ### START CODE HERE ### (≈ 10 lines of code)
    H_out = None
    W_out = None
    x_pad = None
    out = None
    ### END CODE HERE ###

    cache = (x, w, b, conv_param)
    return out, cache


# %%
x = np.linspace(-0.3, 0.6, num=2 * 3 * 5 * 5).reshape(2, 3, 5, 5)
w = np.linspace(-0.2, 0.2, num=2 * 3 * 3 * 3).reshape(2, 3, 3, 3)
b = np.array([0.1, -0.2])
out, _ = conv_forward_naive(x, w, b, {"stride": 2, "pad": 1})
if out is None:
    print("conv_forward_naive is not written yet")
else:
    print("out.shape = " + str(out.shape))
    print("out[0] = " + str(out[0]))

# %% [markdown]
# **Expected output**:
#
# ```
# out.shape = (2, 2, 3, 3)
# out[0] = [[[ 0.32054958  0.42528555  0.31188806]
#   [ 0.38261618  0.50823097  0.35977713]
#   [ 0.23712549  0.29030265  0.21533494]]
#
#  [[-0.29947069 -0.32151197 -0.2638217 ]
#   [-0.23124984 -0.21271875 -0.18762315]
#   [-0.16134228 -0.12416614 -0.13882234]]]
# ```
#
# **What a filter sees.** A filter responds where the input looks like it. The
# next cell slides a vertical-edge detector over a picture of a bright rectangle
# (one example, one channel): the output is positive on the rectangle's left edge,
# negative on its right edge, and 0 on flat regions.

# %%
picture = np.zeros((1, 1, 6, 8))
picture[0, 0, 2:5, 2:6] = 1.0
edge_filter = np.array([[[[-1.0, 0.0, 1.0],
                          [-2.0, 0.0, 2.0],
                          [-1.0, 0.0, 1.0]]]])
edges, _ = conv_forward_naive(picture, edge_filter, np.zeros(1), {"stride": 1, "pad": 1})
if edges is not None:
    print(edges[0, 0])

# %% [markdown]
# **Expected output**:
#
# ```
# [[ 0.  0.  0.  0.  0.  0.  0.  0.]
#  [ 0.  1.  1.  0.  0. -1. -1.  0.]
#  [ 0.  3.  3.  0.  0. -3. -3.  0.]
#  [ 0.  4.  4.  0.  0. -4. -4.  0.]
#  [ 0.  3.  3.  0.  0. -3. -3.  0.]
#  [ 0.  1.  1.  0.  0. -1. -1.  0.]]
# ```
#
# ### 4.2 - Backward
#
# Every term $x_{pad}[n, c, iS+k, jS+l]\, w[f, c, k, l]$ of the forward sum sends
# gradient both ways. For each output position $(i, j)$, with
# $g = d\text{out}[n, f, i, j]$:
#
# - the window it read receives $g \cdot w[f]$: accumulate into
#   `dx_pad[n, :, i*S:i*S+HH, j*S:j*S+WW] += dout[n, f, i, j] * w[f]`;
# - the filter receives the window times $g$:
#   `dw[f] += dout[n, f, i, j] * window`;
# - every output of filter $f$ includes $b[f]$ once, so
#   $db[f] = \sum_{n, i, j} d\text{out}[n, f, i, j]$, that is
#   `np.sum(dout, axis=(0, 2, 3))`, of shape `(F,)`.
#
# Windows overlap when the stride is smaller than the filter, hence `+=`. The
# gradient is computed for the padded input; the padding is not part of `x`, so crop
# it at the end: `dx = dx_pad[:, :, pad:pad + H, pad:pad + W]` (note that
# `pad:-pad` would give an empty array when `pad = 0`).
#
# **Exercise**: implement `conv_backward_naive`.

# %%
# GRADED FUNCTION: conv_backward_naive

def conv_backward_naive(dout, cache):
    """
    Naive backward pass of a convolutional layer.

    Arguments:
    dout -- upstream gradient of shape (N, F, H', W')
    cache -- (x, w, b, conv_param) from conv_forward_naive

    Returns:
    dx -- gradient with respect to x, of shape (N, C, H, W)
    dw -- gradient with respect to w, of shape (F, C, HH, WW)
    db -- gradient with respect to b, of shape (F,)
    """
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape

    ### START CODE HERE ### (≈ 12 lines of code)
    x_pad = None
    dx_pad = None
    dw = None
    db = None
    dx = None
    ### END CODE HERE ###

    return dx, dw, db


# %%
rng = np.random.default_rng(5)
x = rng.normal(size=(2, 3, 5, 5))
w = rng.normal(size=(2, 3, 3, 3))
b = rng.normal(size=2)
dout = rng.normal(size=(2, 2, 5, 5))
conv_param = {"stride": 1, "pad": 1}
dx, dw, db = conv_backward_naive(dout, (x, w, b, conv_param))
gradient_check("dx", dx, lambda v: conv_forward_naive(v, w, b, conv_param)[0], x, dout)
gradient_check("dw", dw, lambda v: conv_forward_naive(x, v, b, conv_param)[0], w, dout)
gradient_check("db", db, lambda v: conv_forward_naive(x, w, v, conv_param)[0], b, dout)

# %% [markdown]
# **Expected output**: three errors below `1e-8`. Try `{"stride": 2, "pad": 0}`
# too (with `dout` of shape `(2, 2, 2, 2)`).
#
# ## 5 - Max pooling
#
# ### 5.1 - Forward
#
# Max pooling shrinks each channel separately: every `pool_height x pool_width`
# window, `stride` positions apart, is replaced by its largest value. There is no
# padding and no parameter to learn; the output size follows the same rule,
# $H' = (H - \text{pool\_height})/S + 1$ and $W' = (W - \text{pool\_width})/S + 1$.
#
# **Exercise**: implement `max_pool_forward_naive`.

# %%
# GRADED FUNCTION: max_pool_forward_naive

def max_pool_forward_naive(x, pool_param):
    """
    Naive forward pass of a max-pooling layer.

    Arguments:
    x -- input data of shape (N, C, H, W)
    pool_param -- dictionary with the keys
        "pool_height": height of each pooling window
        "pool_width": width of each pooling window
        "stride": number of positions between neighbouring windows

    Returns:
    out -- output of shape (N, C, H', W') with H' = (H - pool_height) / stride + 1
           and W' = (W - pool_width) / stride + 1
    cache -- (x, pool_param)
    """
    PH, PW, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape

    ### START CODE HERE ### (≈ 7 lines of code)
    H_out = None
    W_out = None
    out = None
    ### END CODE HERE ###

    cache = (x, pool_param)
    return out, cache


# %%
x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
out, _ = max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
if out is None:
    print("max_pool_forward_naive is not written yet")
else:
    print("out.shape = " + str(out.shape))
    print("out[0] = " + str(out[0]))

# %% [markdown]
# **Expected output**:
#
# ```
# out.shape = (2, 3, 2, 2)
# out[0] = [[[-0.26315789 -0.24842105]
#   [-0.20421053 -0.18947368]]
#
#  [[-0.14526316 -0.13052632]
#   [-0.08631579 -0.07157895]]
#
#  [[-0.02736842 -0.01263158]
#   [ 0.03157895  0.04631579]]]
# ```
#
# ### 5.2 - Backward
#
# Only the largest element of a window influenced the output, so only it receives
# that output's gradient; the other elements of the window get 0. For each window:
# find the position of its maximum (`np.argmax` on the flattened window, or the mask
# `window == np.max(window)`), and add `dout[n, c, i, j]` to `dx` there. When windows
# overlap (stride smaller than the pool), an element may be the maximum of several
# windows: accumulate with `+=`.
#
# **Exercise**: implement `max_pool_backward_naive`.

# %%
# GRADED FUNCTION: max_pool_backward_naive

def max_pool_backward_naive(dout, cache):
    """
    Naive backward pass of a max-pooling layer.

    Arguments:
    dout -- upstream gradient of shape (N, C, H', W')
    cache -- (x, pool_param) from max_pool_forward_naive

    Returns:
    dx -- gradient with respect to x, of shape (N, C, H, W)
    """
    x, pool_param = cache
    PH, PW, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape

    ### START CODE HERE ### (≈ 9 lines of code)
    dx = None
    ### END CODE HERE ###

    return dx


# %%
rng = np.random.default_rng(8)
x = rng.permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) * 0.02  # distinct values: no ties within a window
pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
dout = rng.normal(size=(2, 3, 3, 3))
dx = max_pool_backward_naive(dout, (x, pool_param))
gradient_check("dx", dx, lambda v: max_pool_forward_naive(v, pool_param)[0], x, dout)

# %% [markdown]
# **Expected output**: an error below `1e-8`.
#
# ## 6 - Putting the layers together
#
# A classic small block is conv - ReLU - max pool, followed by an affine layer
# that produces class scores. The next cell runs one forward pass on random images
# and prints the shape after each layer. Each layer only needs the output of the
# previous one: that is what makes the modular design work.

# %%
rng = np.random.default_rng(0)
images = rng.normal(size=(4, 3, 8, 8))                      # 4 RGB images of 8x8
w_conv, b_conv = 0.1 * rng.normal(size=(6, 3, 3, 3)), np.zeros(6)
conv_out, _ = conv_forward_naive(images, w_conv, b_conv, {"stride": 1, "pad": 1})
if conv_out is not None:
    relu_out, _ = relu_forward(conv_out)
    pool_out, _ = max_pool_forward_naive(relu_out, {"pool_height": 2, "pool_width": 2, "stride": 2})
    if relu_out is not None and pool_out is not None:
        w_fc, b_fc = 0.1 * rng.normal(size=(6 * 4 * 4, 10)), np.zeros(10)
        scores, _ = affine_forward(pool_out, w_fc, b_fc)
        print("conv:  " + str(conv_out.shape))
        print("relu:  " + str(relu_out.shape))
        print("pool:  " + str(pool_out.shape))
        print("scores: " + str(None if scores is None else scores.shape))

# %% [markdown]
# **Expected output**:
#
# ```
# conv:  (4, 6, 8, 8)
# relu:  (4, 6, 8, 8)
# pool:  (4, 6, 4, 4)
# scores: (4, 10)
# ```
