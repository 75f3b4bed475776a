# %% [markdown]
# # Activation functions and their derivatives
#
# Every layer of a neural network is a linear map followed by a **non-linear
# activation function**. Without the non-linearity, stacking layers would be
# pointless: a composition of linear maps is one linear map ($h(h(h(x))) = c^3 x$
# for $h(x) = cx$), so a deep linear network can only draw straight decision
# boundaries.
#
# Backpropagation needs the derivative of each activation, so in this notebook you
# write four classic activations and their derivatives, then check every derivative
# numerically:
#
# | activation | formula | range |
# | --- | --- | --- |
# | sigmoid | $\sigma(x) = \frac{1}{1+e^{-x}}$ | $(0, 1)$ |
# | tanh | $\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}$ | $(-1, 1)$ |
# | ReLU | $\max(0, x)$ | $[0, \infty)$ |
# | leaky ReLU | $x$ if $x > 0$, else $\alpha x$ | $(-\infty, \infty)$ |
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - Every function works **element-wise** on a numpy array of any shape: use numpy
#   operations on the whole array (`np.exp`, `np.tanh`, `np.maximum`, `np.where`),
#   no Python loop.
# - Return a new array: do not modify the argument `x` in place (no `x[x < 0] = 0`).
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.

# %% [markdown]
# ## 1 - Packages

# %%
import numpy as np
import matplotlib.pyplot as plt

# %matplotlib inline

# %% [markdown]
# All the examples of this notebook use the same small matrix:

# %%
x = np.array([[-2.0, -0.5, 0.5, 3.0],
              [1.0, -1.5, 2.0, -0.25]])

# %% [markdown]
# ## 2 - Sigmoid
#
# $$\sigma(x) = \frac{1}{1+e^{-x}}$$
#
# The sigmoid squashes any real number into $(0, 1)$. Its derivative has a
# convenient form in terms of the sigmoid itself:
#
# $$\sigma'(x) = \sigma(x)\,\big(1 - \sigma(x)\big)$$
#
# It is at most $0.25$ (at $x = 0$) and almost $0$ for large $|x|$: a saturated
# sigmoid passes almost no gradient backwards, one reason why deep networks use ReLU
# in their hidden layers.
#
# **Exercise**: implement `sigmoid(x)` with `np.exp`, then `sigmoid_derivative(x)`.
# Note that `sigmoid_derivative` receives the **input** $x$, not $\sigma(x)$: compute
# `s = sigmoid(x)` first.

# %%
# GRADED FUNCTION: sigmoid

def sigmoid(x):
    """
    Compute the sigmoid of x, element-wise.

    Arguments:
    x -- a numpy array of any shape

    Returns:
    s -- sigmoid(x), same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    s = None
    ### END CODE HERE ###

    return s


# %%
# GRADED FUNCTION: sigmoid_derivative

def sigmoid_derivative(x):
    """
    Compute the derivative of the sigmoid at x, element-wise.

    Arguments:
    x -- a numpy array of any shape (the input of the sigmoid)

    Returns:
    ds -- sigmoid(x) * (1 - sigmoid(x)), same shape as x
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    s = None
    ds = None
    ### END CODE HERE ###

    return ds


# %%
print("sigmoid(x) = " + str(sigmoid(x)))
print("sigmoid_derivative(x) = " + str(sigmoid_derivative(x)))

# %% [markdown]
# **Expected output**:
#
# ```
# sigmoid(x) = [[0.11920292 0.37754067 0.62245933 0.95257413]
#  [0.73105858 0.18242552 0.88079708 0.4378235 ]]
# sigmoid_derivative(x) = [[0.10499359 0.23500371 0.23500371 0.04517666]
#  [0.19661193 0.14914645 0.10499359 0.24613408]]
# ```
#
# ## 3 - tanh
#
# $\tanh(x)$ is a shifted and stretched sigmoid, $\tanh(x) = 2\sigma(2x) - 1$, with
# values in $(-1, 1)$ and mean around $0$, which usually makes learning in the next
# layer easier than with the sigmoid. numpy provides it: `np.tanh`. Its derivative is
#
# $$\tanh'(x) = 1 - \tanh^2(x)$$
#
# In backpropagation you will often see it written with the layer's **output**
# $a = \tanh(z)$ as `1 - A1**2`, because $a$ is already computed. Here the function
# receives the **input** $x$, so it must apply `np.tanh` first.
#
# **Exercise**: implement `tanh_derivative(x)`.

# %%
# GRADED FUNCTION: tanh_derivative

def tanh_derivative(x):
    """
    Compute the derivative of tanh at x, element-wise.

    Arguments:
    x -- a numpy array of any shape (the input of tanh, not its output)

    Returns:
    dt -- 1 - tanh(x)**2, same shape as x
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    t = None
    dt = None
    ### END CODE HERE ###

    return dt


# %%
print("tanh_derivative(x) = " + str(tanh_derivative(x)))

# %% [markdown]
# **Expected output**:
#
# ```
# tanh_derivative(x) = [[0.07065082 0.78644773 0.78644773 0.00986604]
#  [0.41997434 0.18070664 0.07065082 0.94001485]]
# ```
#
# ## 4 - ReLU
#
# The rectified linear unit keeps positive values and zeroes the rest:
#
# $$\mathrm{ReLU}(x) = \max(0, x) \qquad
# \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}$$
#
# It is cheap, and it does not saturate for positive inputs. At $x = 0$ the function
# has a kink and no derivative; any value in $[0, 1]$ would do, and this exercise
# (like the CS231n layers) uses **0 at $x = 0$**: the derivative is 1 exactly where
# `x > 0`.
#
# Use `np.maximum(0, x)` (element-wise maximum), not `np.max(x, 0)` (the largest
# value along axis 0). `(x > 0)` is an array of booleans; `.astype(float)` turns it
# into 0.0 and 1.0.
#
# **Exercise**: implement `relu(x)` and `relu_derivative(x)`.

# %%
# GRADED FUNCTION: relu

def relu(x):
    """
    Compute the ReLU of x, element-wise.

    Arguments:
    x -- a numpy array of any shape

    Returns:
    r -- max(0, x), same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    r = None
    ### END CODE HERE ###

    return r


# %%
# GRADED FUNCTION: relu_derivative

def relu_derivative(x):
    """
    Compute the derivative of ReLU at x, element-wise (0 at x = 0).

    Arguments:
    x -- a numpy array of any shape

    Returns:
    dr -- 1.0 where x > 0, 0.0 elsewhere, same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    dr = None
    ### END CODE HERE ###

    return dr


# %%
print("relu(x) = " + str(relu(x)))
print("relu_derivative(x) = " + str(relu_derivative(x)))
print("relu_derivative([-1, 0, 2]) = " + str(relu_derivative(np.array([-1.0, 0.0, 2.0]))))

# %% [markdown]
# **Expected output**:
#
# ```
# relu(x) = [[0.  0.  0.5 3. ]
#  [1.  0.  2.  0. ]]
# relu_derivative(x) = [[0. 0. 1. 1.]
#  [1. 0. 1. 0.]]
# relu_derivative([-1, 0, 2]) = [0. 0. 1.]
# ```
#
# ## 5 - Leaky ReLU
#
# A ReLU unit whose input is negative for every example passes no gradient at all
# and may never recover ("dying ReLU"). Leaky ReLU keeps a small slope $\alpha$
# (0.01 by default) for negative inputs:
#
# $$\mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}
# \qquad
# \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}$$
#
# As for ReLU, the test is `x > 0`, so the derivative at $x = 0$ is **$\alpha$**.
# `np.where(condition, a, b)` picks `a` where the condition holds and `b` elsewhere.
#
# **Exercise**: implement `leaky_relu(x, alpha)` and `leaky_relu_derivative(x, alpha)`.
# Use the `alpha` you are given (the checks call them with other slopes than 0.01).

# %%
# GRADED FUNCTION: leaky_relu

def leaky_relu(x, alpha=0.01):
    """
    Compute the leaky ReLU of x, element-wise.

    Arguments:
    x -- a numpy array of any shape
    alpha -- slope for x <= 0, a small positive number

    Returns:
    r -- x where x > 0, alpha * x elsewhere, same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    r = None
    ### END CODE HERE ###

    return r


# %%
# GRADED FUNCTION: leaky_relu_derivative

def leaky_relu_derivative(x, alpha=0.01):
    """
    Compute the derivative of leaky ReLU at x, element-wise (alpha at x = 0).

    Arguments:
    x -- a numpy array of any shape
    alpha -- slope for x <= 0

    Returns:
    dr -- 1.0 where x > 0, alpha elsewhere, same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    dr = None
    ### END CODE HERE ###

    return dr


# %%
print("leaky_relu(x) = " + str(leaky_relu(x)))
print("leaky_relu_derivative(x) = " + str(leaky_relu_derivative(x)))
print("leaky_relu_derivative([-1, 0, 2], alpha=0.2) = "
      + str(leaky_relu_derivative(np.array([-1.0, 0.0, 2.0]), alpha=0.2)))

# %% [markdown]
# **Expected output**:
#
# ```
# leaky_relu(x) = [[-2.0e-02 -5.0e-03  5.0e-01  3.0e+00]
#  [ 1.0e+00 -1.5e-02  2.0e+00 -2.5e-03]]
# leaky_relu_derivative(x) = [[0.01 0.01 1.   1.  ]
#  [1.   0.01 1.   0.01]]
# leaky_relu_derivative([-1, 0, 2], alpha=0.2) = [0.2 0.2 1. ]
# ```
#
# ## 6 - Checking derivatives numerically
#
# A derivative can always be estimated from the function alone, with a **centred
# difference**:
#
# $$f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}, \qquad h = 10^{-5}$$
#
# Comparing it with your formula by the **relative error**
# $\frac{|a - n|}{\max(|a| + |n|, 10^{-8})}$ catches most mistakes: below $10^{-7}$
# the two agree; above $10^{-2}$ the formula is wrong. (Near the kink of ReLU at 0
# the estimate itself is unreliable, so the points below stay away from 0.) The
# grader checks your derivatives exactly this way.

# %%
def relative_error(a, n):
    """Largest element-wise relative error between arrays a and n."""
    return np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8))


def centred_difference(f, x, h=1e-5):
    """Estimate of f'(x), element-wise, for an element-wise function f."""
    return (f(x + h) - f(x - h)) / (2 * h)


points = np.array([[-2.3, -0.7, 0.4, 1.9], [0.9, -1.2, 2.6, -0.3]])
pairs = [
    ("sigmoid_derivative", sigmoid, sigmoid_derivative),
    ("tanh_derivative", np.tanh, tanh_derivative),
    ("relu_derivative", relu, relu_derivative),
    ("leaky_relu_derivative", leaky_relu, leaky_relu_derivative),
]
for name, f, df in pairs:
    analytic = df(points)
    if analytic is None or f(points) is None:
        print(name + ": not written yet")
    else:
        print(name + ": relative error %.2e" % relative_error(analytic, centred_difference(f, points)))

# %% [markdown]
# **Expected output**: every relative error below `1e-7`.
#
# ## 7 - A look at the curves
#
# Run the next cell to plot each activation and its derivative. Notice where the
# sigmoid and tanh derivatives vanish, and the jump of the ReLU derivative at 0.

# %%
grid = np.linspace(-4, 4, 401)
if sigmoid(grid) is not None and relu(grid) is not None and leaky_relu(grid) is not None:
    fig, axes = plt.subplots(1, 4, figsize=(16, 3))
    curves = [("sigmoid", sigmoid, sigmoid_derivative), ("tanh", np.tanh, tanh_derivative),
              ("ReLU", relu, relu_derivative), ("leaky ReLU (alpha=0.1)", lambda v: leaky_relu(v, 0.1),
                                                 lambda v: leaky_relu_derivative(v, 0.1))]
    for ax, (title, f, df) in zip(axes, curves):
        ax.plot(grid, f(grid), label="f(x)")
        if df(grid) is not None:
            ax.plot(grid, df(grid), label="f'(x)")
        ax.set_title(title)
        ax.grid(True)
        ax.legend()
    plt.show()
