# %% [markdown]
# # Python Basics with numpy
#
# This warm-up gets you comfortable with the numpy functions you will use all
# through the course. In this notebook you will:
#
# - compute element-wise functions of whole arrays with `np.exp`, `np.abs`, ...;
# - reshape arrays and let numpy *broadcast* them;
# - write the small building blocks of logistic regression: the sigmoid and its
#   gradient, row normalization, softmax and two loss functions.
#
# **How to work**
#
# - Write your code only between the lines `### START CODE HERE ###` and
#   `### END CODE HERE ###`. The hint `(≈ N lines of code)` tells you roughly how
#   much is expected; it is not a rule.
# - Replace each `None` placeholder with your expression. Do not rename the
#   functions or change their arguments: the grader looks them up by name.
# - Cells starting with `# GRADED FUNCTION: name` are graded. The grader reads the
#   function definitions (and your imports), so every graded function must work on
#   its own; it does not matter whether the rest of the notebook ran.
# - After each function there is a cell that calls it: run it and compare with what
#   you expect.

# %% [markdown]
# ## 1 - Building basic functions with numpy
#
# ### 1.1 - The sigmoid function
#
# The sigmoid squashes any real number into the interval $(0, 1)$, which lets us
# read its output as a probability:
#
# $$\sigma(x) = \frac{1}{1+e^{-x}}$$
#
# As a warm-up (not graded), write it for a **single number** with Python's
# standard library: `math.exp(x)` computes $e^x$.

# %%
import math

import numpy as np


# %%
def basic_sigmoid(x):
    """
    Compute the sigmoid of x (a single number) with math.exp.

    Arguments:
    x -- a scalar

    Returns:
    s -- sigmoid(x)
    """
    ### START CODE HERE ### (≈ 1 line of code)
    s = None
    ### END CODE HERE ###

    return s


# %%
print("basic_sigmoid(3) = " + str(basic_sigmoid(3)))

# %% [markdown]
# In deep learning we work on vectors and matrices, not on single numbers, and the
# `math` functions only accept single numbers. Run the next cell to see what
# happens when you hand `math.exp` a whole array:

# %%
x = np.array([1, 2, 3])
try:
    math.exp(x)
except TypeError as error:
    print("math.exp refused the array:", error)

# %% [markdown]
# numpy functions, on the other hand, apply element by element. If
# $x = (x_1, x_2, \ldots, x_n)$ then `np.exp(x)` is $(e^{x_1}, e^{x_2}, \ldots, e^{x_n})$.
# Arithmetic between an array and a number works the same way: `x + 3` adds 3 to
# every entry (this is the simplest case of **broadcasting**).

# %%
x = np.array([1, 2, 3])
print("np.exp(x) = " + str(np.exp(x)))
print("x + 3     = " + str(x + 3))
print("1 / x     = " + str(1 / x))

# %% [markdown]
# **Exercise**: implement the sigmoid with numpy so that it works on a number, a
# vector or a matrix alike:
#
# $$\sigma(x) = \sigma\begin{pmatrix} x_1 \\ \vdots \\ x_n \end{pmatrix}
#   = \begin{pmatrix} \frac{1}{1+e^{-x_1}} \\ \vdots \\ \frac{1}{1+e^{-x_n}} \end{pmatrix}$$
#
# *Hint*: for large negative inputs $e^{-x}$ overflows. A version that stays finite
# for $|x| \approx 1000$ only ever exponentiates non-positive numbers
# (`np.exp(-np.abs(x))`) and picks the right formula with `np.where`.

# %%
# GRADED FUNCTION: sigmoid

def sigmoid(x):
    """
    Compute the sigmoid of x.

    Arguments:
    x -- a scalar or numpy array of any size

    Returns:
    s -- sigmoid(x), same shape as x
    """
    ### START CODE HERE ### (≈ 1 line of code)
    s = None
    ### END CODE HERE ###

    return s


# %%
print("sigmoid([1,2,3]) = " + str(sigmoid(np.array([1, 2, 3]))))

# %% [markdown]
# **Expected output** (approximately): `sigmoid([1,2,3]) = [0.73105858 0.88079708 0.95257413]`
#
# ### 1.2 - The sigmoid gradient
#
# Backpropagation needs derivatives. The sigmoid has a particularly convenient one,
# written in terms of the sigmoid itself:
#
# $$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)$$
#
# **Exercise**: implement `sigmoid_derivative(x)` in two steps: compute
# $s = \sigma(x)$ with your `sigmoid`, then $ds = s(1-s)$.

# %%
# GRADED FUNCTION: sigmoid_derivative

def sigmoid_derivative(x):
    """
    Compute the gradient (slope, derivative) of the sigmoid function at x.

    Arguments:
    x -- a scalar or numpy array

    Returns:
    ds -- the computed gradient, same shape as x
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    s = None
    ds = None
    ### END CODE HERE ###

    return ds


# %%
x = np.array([1, 2, 3])
print("sigmoid_derivative(x) = " + str(sigmoid_derivative(x)))

# %% [markdown]
# **Expected output** (approximately): `[0.19661193 0.10499359 0.04517666]`
#
# ### 1.3 - Reshaping arrays
#
# Two attributes and one method do most of the work:
#
# - `X.shape` gives the dimensions of an array;
# - `X.reshape(...)` returns the same numbers arranged in another shape (it is cheap:
#   no data is copied when it can be avoided).
#
# An RGB image is stored as a 3-D array of shape $(length, height, 3)$. Models take
# their input as a **column vector**, so we "unroll" the image into shape
# $(length \times height \times 3,\ 1)$.
#
# **Exercise**: implement `image2vector(image)`. Do not hard-code the dimensions:
# read them from `image.shape`.
#
# **The rank-1 trap.** `np.zeros(5)` has shape `(5,)`: it is neither a row nor a
# column, its transpose is itself, and mixing it with matrices gives surprising
# results. Always ask for explicit shapes such as `(5, 1)` or `(1, 5)`, and check
# them with `assert v.shape == (5, 1)`.

# %%
# GRADED FUNCTION: image2vector

def image2vector(image):
    """
    Unroll an image into a column vector.

    Arguments:
    image -- a numpy array of shape (length, height, depth)

    Returns:
    v -- a vector of shape (length*height*depth, 1)
    """
    ### START CODE HERE ### (≈ 1 line of code)
    v = None
    ### END CODE HERE ###

    return v


# %%
# A tiny 3 x 3 "image" with 2 channels, so the result is easy to read.
image = np.arange(18).reshape(3, 3, 2) / 10
print("image2vector(image) = " + str(image2vector(image)))

# %% [markdown]
# **Expected output**: a column of 18 numbers, `0.0, 0.1, ..., 1.7`, of shape `(18, 1)`.
#
# ### 1.4 - Normalizing rows
#
# Gradient descent usually converges faster when the data is normalized. Here we
# divide each **row** $x_i$ of a matrix by its Euclidean norm
# $\lVert x_i \rVert = \sqrt{\sum_j x_{ij}^2}$, so that every row has length 1:
#
# $$x = \begin{bmatrix} 0 & 3 & 4 \\ 2 & 6 & 4 \end{bmatrix}
#   \quad\Rightarrow\quad
#   \lVert x \rVert = \begin{bmatrix} 5 \\ \sqrt{56} \end{bmatrix},
#   \qquad
#   x_{normalized} = \frac{x}{\lVert x \rVert}
#   = \begin{bmatrix} 0 & \frac{3}{5} & \frac{4}{5} \\
#     \frac{2}{\sqrt{56}} & \frac{6}{\sqrt{56}} & \frac{4}{\sqrt{56}} \end{bmatrix}$$
#
# `np.linalg.norm(x, axis=1, keepdims=True)` computes the norms as a column of
# shape $(n, 1)$; dividing the $(n, m)$ matrix by it **broadcasts** the column across
# each row. Without `keepdims` the norms have shape `(n,)` and numpy would line them
# up with the *columns* instead.
#
# **Exercise**: implement `normalize_rows(x)`. Return a new array: do not modify
# `x` in place (no `x /= ...`), the caller may still need the original.

# %%
# GRADED FUNCTION: normalize_rows

def normalize_rows(x):
    """
    Normalize each row of the matrix x to have unit length.

    Arguments:
    x -- a numpy matrix of shape (n, m)

    Returns:
    x_normalized -- the row-normalized matrix, a new array of shape (n, m)
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    x_norm = None
    x_normalized = None
    ### END CODE HERE ###

    return x_normalized


# %%
x = np.array([[0, 3, 4],
              [2, 6, 4]])
print("normalize_rows(x) = " + str(normalize_rows(x)))

# %% [markdown]
# **Expected output** (approximately):
# `[[0. 0.6 0.8] [0.26726124 0.80178373 0.53452248]]`
#
# ### 1.5 - Broadcasting and the softmax function
#
# Softmax turns a row of scores into a row of probabilities (positive, summing
# to 1). For a matrix $x$ of shape $(n, m)$ it works **row by row**:
#
# $$\text{softmax}(x)_{ij} = \frac{e^{x_{ij}}}{\sum_{k=1}^{m} e^{x_{ik}}}$$
#
# Steps: exponentiate every entry, sum each row (keep the sums as an $(n, 1)$
# column), divide, and let broadcasting do the rest.
#
# *Hint*: $e^{1000}$ overflows to `inf`. Since
# $\frac{e^{x_{ij} - c}}{\sum_k e^{x_{ik} - c}}$ is the same number for any constant
# $c$, subtract each row's maximum first; your softmax must stay finite for rows
# whose values are around 1000.

# %%
# GRADED FUNCTION: softmax

def softmax(x):
    """
    Compute the softmax of each row of the input x.

    Arguments:
    x -- a numpy matrix of shape (n, m)

    Returns:
    s -- a numpy matrix of shape (n, m): the softmax of each row of x
    """
    ### START CODE HERE ### (≈ 3 lines of code)
    x_exp = None
    x_sum = None
    s = None
    ### END CODE HERE ###

    return s


# %%
x = np.array([[9, 2, 5, 0, 0],
              [7, 5, 0, 0, 0]])
print("softmax(x) = " + str(softmax(x)))

# %% [markdown]
# **Expected output**: two rows of five probabilities each; every row sums to 1 and
# its largest entry sits where $x$ is largest (about `0.981` and `0.879`).
#
# ## 2 - Vectorization
#
# A Python `for` loop handles one number per step; numpy's built-in operations run
# compiled code (often with SIMD instructions) over the whole array. On large arrays
# the difference is easily a factor of a hundred. Run the cell below to compare a
# hand-written dot product with `np.dot` on a million numbers.

# %%
import time

a = np.random.rand(1_000_000)
b = np.random.rand(1_000_000)

tic = time.perf_counter()
looped = 0.0
for i in range(a.size):
    looped += a[i] * b[i]
toc = time.perf_counter()
print("for loop: %.6f   %.1f ms" % (looped, 1000 * (toc - tic)))

tic = time.perf_counter()
vectorized = np.dot(a, b)
toc = time.perf_counter()
print("np.dot  : %.6f   %.1f ms" % (vectorized, 1000 * (toc - tic)))

# %% [markdown]
# ### 2.1 - The L1 and L2 loss functions
#
# A loss measures how far the predictions $\hat{y}$ are from the true labels $y$;
# training drives it down. For vectors of $m$ values:
#
# $$L_1(\hat{y}, y) = \sum_{i=1}^{m} \lvert y^{(i)} - \hat{y}^{(i)} \rvert$$
#
# $$L_2(\hat{y}, y) = \sum_{i=1}^{m} \bigl(y^{(i)} - \hat{y}^{(i)}\bigr)^2$$
#
# Both return a **single number**, not an array. Note that $L_2$ is the sum of
# squares itself, not its square root. Recall that
# $\sum_j x_j^2 = x \cdot x$, which `np.dot(x, x)` computes.
#
# **Exercise**: implement `L1` with `np.abs` and `np.sum`.

# %%
# GRADED FUNCTION: L1

def L1(yhat, y):
    """
    Compute the L1 loss.

    Arguments:
    yhat -- vector of size m (predicted labels)
    y -- vector of size m (true labels)

    Returns:
    loss -- the value of the L1 loss defined above, a scalar
    """
    ### START CODE HERE ### (≈ 1 line of code)
    loss = None
    ### END CODE HERE ###

    return loss


# %%
yhat = np.array([.9, 0.2, 0.1, .4, .9])
y = np.array([1, 0, 0, 1, 1])
print("L1 = " + str(L1(yhat, y)))

# %% [markdown]
# **Expected output**: `L1 = 1.1`
#
# **Exercise**: implement `L2`.

# %%
# GRADED FUNCTION: L2

def L2(yhat, y):
    """
    Compute the L2 loss.

    Arguments:
    yhat -- vector of size m (predicted labels)
    y -- vector of size m (true labels)

    Returns:
    loss -- the value of the L2 loss defined above, a scalar
    """
    ### START CODE HERE ### (≈ 1 line of code)
    loss = None
    ### END CODE HERE ###

    return loss


# %%
yhat = np.array([.9, 0.2, 0.1, .4, .9])
y = np.array([1, 0, 0, 1, 1])
print("L2 = " + str(L2(yhat, y)))

# %% [markdown]
# **Expected output**: `L2 = 0.43`
#
# ## What to remember
#
# - `np.exp`, `np.abs`, `np.sum`, `np.dot`... work on whole arrays: prefer them to
#   Python loops.
# - Know your shapes: use explicit `(n, 1)` / `(1, n)` arrays rather than rank-1
#   `(n,)` arrays, and check with `assert`.
# - Broadcasting stretches a `(n, 1)` column or a `(1, m)` row across a matrix;
#   `keepdims=True` keeps a reduction in the shape that broadcasts correctly.
# - Numerically stable formulas (subtracting the max in softmax, exponentiating only
#   non-positive numbers in the sigmoid) cost nothing and avoid `inf` and `nan`.
