# %% [markdown]
# # Optimization Methods
#
# So far every network you trained used plain gradient descent on the whole training
# set. This notebook builds the optimizers that make training faster and steadier:
#
# - mini-batch gradient descent (shuffle the examples, cut them into mini-batches);
# - gradient descent with momentum;
# - RMSprop and Adagrad (a step size per parameter);
# - Adam (momentum + RMSprop + bias correction).
#
# At the end you train the same 3-layer network with each of them and compare.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.
# - The parameters live in a dictionary: `parameters["W" + str(l)]` and
#   `parameters["b" + str(l)]` for $l = 1, \dots, L$, with $L$ = `len(parameters) // 2`.
#   The gradients are `grads["dW" + str(l)]` and `grads["db" + str(l)]`, and every
#   optimizer state (`v`, `s`, `cache`) uses the same keys as `grads`.
# - You may update the dictionaries you receive in place (as below) or build new
#   ones: either way, **return** the updated dictionaries; the returned values are
#   what is graded.

# %% [markdown]
# ## 1 - Packages

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from opt_utils import (
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    load_dataset,
    mini_batch_test_case,
    optimizer_test_case,
    plot_decision_boundary,
    predict,
    predict_dec,
    zeros_like_grads,
)

# %matplotlib inline
plt.rcParams["figure.figsize"] = (7.0, 4.0)

# %% [markdown]
# ## 2 - Gradient descent
#
# One step of gradient descent moves every parameter a little against its gradient.
# For $l = 1, \dots, L$:
#
# $$W^{[l]} = W^{[l]} - \alpha \, dW^{[l]}$$
#
# $$b^{[l]} = b^{[l]} - \alpha \, db^{[l]}$$
#
# where $\alpha$ is the learning rate.
#
# **Exercise**: implement `update_parameters_with_gd`. Loop over **all** $L$ layers
# (`for l in range(1, L + 1)`, or `range(L)` with `l + 1` in the keys).

# %%
# GRADED FUNCTION: update_parameters_with_gd

def update_parameters_with_gd(parameters, grads, learning_rate):
    """
    Update parameters using one step of gradient descent.

    Arguments:
    parameters -- python dictionary containing your parameters to be updated:
                    parameters['W' + str(l)] = Wl
                    parameters['b' + str(l)] = bl
    grads -- python dictionary containing your gradients to update each parameters:
                    grads['dW' + str(l)] = dWl
                    grads['db' + str(l)] = dbl
    learning_rate -- the learning rate, scalar.

    Returns:
    parameters -- python dictionary containing your updated parameters
    """
    L = len(parameters) // 2  # number of layers in the neural network

    # Update rule for each parameter
    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 2 lines of code)
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters


# %%
parameters, grads = optimizer_test_case()
parameters = update_parameters_with_gd(parameters, grads, learning_rate=0.01)
print("W1 =\n" + str(parameters["W1"]))
print("b2 =\n" + str(parameters["b2"]))

# %% [markdown]
# **Expected output**:
#
# ```
# W1 =
# [[ 0.34194  0.81868  0.33015]
#  [-1.30862  0.91272  0.448  ]]
# b2 =
# [[-2.70602]
#  [-1.87253]
#  [-0.17645]
#  [-0.42328]]
# ```
#
# (numpy may print more digits.)
#
# **Batch, stochastic and mini-batch gradient descent** differ only in how many
# examples each step looks at:
#
# - *batch* gradient descent computes the gradients on all $m$ examples per step:
#   exact, but one step costs a full pass over the data;
# - *stochastic* gradient descent uses one example per step: many cheap, noisy steps,
#   and no vectorization;
# - *mini-batch* gradient descent uses a few dozen to a few hundred examples per step:
#   vectorized, frequent steps, and usually the fastest in practice.

# %% [markdown]
# ## 3 - Mini-batch gradient descent
#
# Building the mini-batches of one epoch takes two steps:
#
# 1. **Shuffle**: reorder the columns of `X` at random, and the columns of `Y` with the
#    **same** permutation, so that the $i$-th column of `X` still goes with the $i$-th
#    label of `Y`. One permutation, used for both:
#    `permutation = list(np.random.permutation(m))`, then `X[:, permutation]` and
#    `Y[:, permutation]`. Seed first with `np.random.seed(seed)`, so that the same seed
#    gives the same mini-batches.
# 2. **Partition**: cut the shuffled columns into consecutive slices of
#    `mini_batch_size` columns. When $m$ is not a multiple of `mini_batch_size`, the last
#    mini-batch is smaller: it holds the $m - \text{mini\_batch\_size} \times
#    \lfloor m / \text{mini\_batch\_size} \rfloor$ examples left over. Don't drop it, and
#    don't add an empty one when $m$ is a multiple.
#
# Column `k * mini_batch_size` up to (not including) `(k + 1) * mini_batch_size` forms
# the $k$-th full mini-batch: `shuffled_X[:, k * mini_batch_size : (k + 1) * mini_batch_size]`.
#
# **Exercise**: implement `random_mini_batches`. It returns a list of
# `(mini_batch_X, mini_batch_Y)` tuples.

# %%
# GRADED FUNCTION: random_mini_batches

def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """
    Creates a list of random minibatches from (X, Y)

    Arguments:
    X -- input data, of shape (input size, number of examples)
    Y -- true "label" vector (1 for blue dot / 0 for red dot), of shape (1, number of examples)
    mini_batch_size -- size of the mini-batches, integer
    seed -- seed of the shuffle: the same seed gives the same mini-batches

    Returns:
    mini_batches -- list of synchronous (mini_batch_X, mini_batch_Y)
    """
    np.random.seed(seed)
    m = X.shape[1]  # number of training examples
    mini_batches = []

    # Step 1: Shuffle (X, Y)
    ### START CODE HERE ### (≈ 3 lines of code)
    permutation = None
    shuffled_X = None
    shuffled_Y = None
    ### END CODE HERE ###

    # Step 2: Partition (shuffled_X, shuffled_Y), except the end case
    num_complete_minibatches = math.floor(m / mini_batch_size)  # number of full mini-batches
    for k in range(0, num_complete_minibatches):
        ### START CODE HERE ### (≈ 2 lines of code)
        mini_batch_X = None
        mini_batch_Y = None
        ### END CODE HERE ###
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)

    # Handling the end case (last mini-batch < mini_batch_size)
    if m % mini_batch_size != 0:
        ### START CODE HERE ### (≈ 2 lines of code)
        mini_batch_X = None
        mini_batch_Y = None
        ### END CODE HERE ###
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)

    return mini_batches


# %%
X_assess, Y_assess = mini_batch_test_case()
mini_batches = random_mini_batches(X_assess, Y_assess, 64)
for k, (mini_batch_X, mini_batch_Y) in enumerate(mini_batches):
    print(f"mini-batch {k}: X {mini_batch_X.shape}, Y {mini_batch_Y.shape}")

# %% [markdown]
# **Expected output**:
#
# ```
# mini-batch 0: X (4, 64), Y (1, 64)
# mini-batch 1: X (4, 64), Y (1, 64)
# mini-batch 2: X (4, 20), Y (1, 20)
# ```
#
# The grader checks what matters rather than one particular order: every example
# appears exactly once, each `X` column keeps its own label, the examples really are
# shuffled, the sizes are right, and the same `seed` gives the same mini-batches.
# Powers of two (16, 32, 64, 128...) are common mini-batch sizes.

# %% [markdown]
# ## 4 - Momentum
#
# Mini-batch gradients are noisy, so the path of the parameters zig-zags. Momentum
# smooths it with an exponentially weighted average of the past gradients, the
# *velocity* $v$, and steps along the velocity instead of the raw gradient.
#
# ### 4.1 - Initializing the velocity
#
# **Exercise**: implement `initialize_velocity`. `v` has the keys of `grads`
# (`"dW1"`, `"db1"`, ...), and each entry is an array of zeros with the shape of the
# matching parameter: `v["dW" + str(l)]` has the shape of `parameters["W" + str(l)]`.

# %%
# GRADED FUNCTION: initialize_velocity

def initialize_velocity(parameters):
    """
    Initializes the velocity as a python dictionary with:
                - keys: "dW1", "db1", ..., "dWL", "dbL"
                - values: numpy arrays of zeros of the same shape as the corresponding gradients/parameters.
    Arguments:
    parameters -- python dictionary containing your parameters.
                    parameters['W' + str(l)] = Wl
                    parameters['b' + str(l)] = bl

    Returns:
    v -- python dictionary containing the current velocity.
                    v['dW' + str(l)] = velocity of dWl
                    v['db' + str(l)] = velocity of dbl
    """
    L = len(parameters) // 2  # number of layers in the neural networks
    v = {}

    # Initialize velocity
    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 2 lines of code)
        v["dW" + str(l)] = None
        v["db" + str(l)] = None
        ### END CODE HERE ###

    return v


# %%
parameters, grads = optimizer_test_case()
v = initialize_velocity(parameters)
print('v["dW1"] =\n' + str(v["dW1"]))
print('v["db2"] =\n' + str(v["db2"]))

# %% [markdown]
# **Expected output**: `v["dW1"]` is a `(2, 3)` array of zeros and `v["db2"]` a `(4, 1)`
# array of zeros.
#
# ### 4.2 - The momentum update
#
# For $l = 1, \dots, L$:
#
# $$v_{dW^{[l]}} = \beta \, v_{dW^{[l]}} + (1 - \beta) \, dW^{[l]}
# \qquad W^{[l]} = W^{[l]} - \alpha \, v_{dW^{[l]}}$$
#
# $$v_{db^{[l]}} = \beta \, v_{db^{[l]}} + (1 - \beta) \, db^{[l]}
# \qquad b^{[l]} = b^{[l]} - \alpha \, v_{db^{[l]}}$$
#
# Update the velocity first, then move the parameters with the **new** velocity. The
# factor $(1 - \beta)$ matters: without it the velocity is about $1 / (1 - \beta)$ times
# too large (10 times for $\beta = 0.9$). Common values of $\beta$ range from 0.8 to
# 0.999; $\beta = 0.9$ is a good default, and $\beta = 0$ is plain gradient descent.
#
# **Exercise**: implement `update_parameters_with_momentum`.

# %%
# GRADED FUNCTION: update_parameters_with_momentum

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """
    Update parameters using Momentum

    Arguments:
    parameters -- python dictionary containing your parameters:
                    parameters['W' + str(l)] = Wl
                    parameters['b' + str(l)] = bl
    grads -- python dictionary containing your gradients for each parameters:
                    grads['dW' + str(l)] = dWl
                    grads['db' + str(l)] = dbl
    v -- python dictionary containing the current velocity:
                    v['dW' + str(l)] = ...
                    v['db' + str(l)] = ...
    beta -- the momentum hyperparameter, scalar
    learning_rate -- the learning rate, scalar

    Returns:
    parameters -- python dictionary containing your updated parameters
    v -- python dictionary containing your updated velocities
    """
    L = len(parameters) // 2  # number of layers in the neural networks

    # Momentum update for each parameter
    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 4 lines of code)
        # compute velocities
        v["dW" + str(l)] = None
        v["db" + str(l)] = None
        # update parameters
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters, v


# %%
parameters, grads = optimizer_test_case()
v = zeros_like_grads(parameters)
parameters, v = update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.01)
print("W1 =\n" + str(parameters["W1"]))
print('v["dW1"] =\n' + str(v["dW1"]))

# %% [markdown]
# **Expected output**:
#
# ```
# W1 =
# [[ 0.34522  0.82132  0.33041]
#  [-1.3037   0.90609  0.44654]]
# v["dW1"] =
# [[ 0.03646  0.02941  0.00284]
#  [ 0.05467 -0.07365 -0.01629]]
# ```

# %% [markdown]
# ## 5 - RMSprop and Adagrad
#
# Momentum smooths the direction of the steps; RMSprop and Adagrad adapt their
# **size**, separately for every single parameter: entries whose gradients have been
# large take smaller steps, entries whose gradients have been small take larger ones.
# Both divide the gradient by a running measure of its magnitude.
#
# **RMSprop** keeps an exponentially weighted average of the squared gradients
# (squares are element-wise, `dW ** 2` or `np.square(dW)`):
#
# $$s_{dW^{[l]}} = \beta \, s_{dW^{[l]}} + (1 - \beta) \, \left(dW^{[l]}\right)^2
# \qquad W^{[l]} = W^{[l]} - \alpha \, \frac{dW^{[l]}}{\sqrt{s_{dW^{[l]}}} + \varepsilon}$$
#
# and the same for $b^{[l]}$ with $db^{[l]}$. RMSprop here has no bias correction.
#
# **Adagrad** keeps the **sum** of all squared gradients so far in a `cache`:
#
# $$\text{cache}_{dW^{[l]}} = \text{cache}_{dW^{[l]}} + \left(dW^{[l]}\right)^2
# \qquad W^{[l]} = W^{[l]} - \alpha \, \frac{dW^{[l]}}{\sqrt{\text{cache}_{dW^{[l]}}} + \varepsilon}$$
#
# The cache only grows, so Adagrad's steps shrink over time; RMSprop "forgets" old
# gradients and keeps going.
#
# **Where $\varepsilon$ goes**: it is added to the square root, in the denominator:
# `dW / (np.sqrt(s) + epsilon)`. Not inside the root (`np.sqrt(s + epsilon)`) and not
# after the division (`dW / np.sqrt(s) + epsilon`: mind the parentheses). It only
# prevents a division by zero, so its default is tiny ($10^{-8}$), but the grader also
# tries a large `epsilon`, where its place shows.
#
# Both optimizers start from zeros keyed like `grads` (your `initialize_velocity` makes
# exactly that).
#
# **Exercise**: implement `update_parameters_with_rmsprop` and
# `update_parameters_with_adagrad`.

# %%
# GRADED FUNCTION: update_parameters_with_rmsprop

def update_parameters_with_rmsprop(parameters, grads, s, beta=0.999, learning_rate=0.01, epsilon=1e-8):
    """
    Update parameters using RMSprop

    Arguments:
    parameters -- python dictionary containing your parameters (W1, b1, ..., WL, bL)
    grads -- python dictionary containing your gradients (dW1, db1, ..., dWL, dbL)
    s -- python dictionary with the running averages of the squared gradients (keys dW1, db1, ...)
    beta -- decay rate of the running averages, scalar
    learning_rate -- the learning rate, scalar
    epsilon -- hyperparameter preventing division by zero

    Returns:
    parameters -- python dictionary containing your updated parameters
    s -- python dictionary with the updated running averages
    """
    L = len(parameters) // 2  # number of layers in the neural networks

    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 4 lines of code)
        s["dW" + str(l)] = None
        s["db" + str(l)] = None
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters, s


# %%
parameters, grads = optimizer_test_case()
parameters, s = update_parameters_with_rmsprop(parameters, grads, zeros_like_grads(parameters))
print("W1 =\n" + str(parameters["W1"]))
print('s["dW1"] =\n' + str(s["dW1"]))

# %% [markdown]
# **Expected output**:
#
# ```
# W1 =
# [[ 0.02936  0.50539  0.01421]
#  [-1.61938  1.22158  0.7626 ]]
# s["dW1"] =
# [[1.32913e-04 8.65139e-05 8.07824e-07]
#  [2.98895e-04 5.42365e-04 2.65397e-05]]
# ```
#
# (From zeros, with $\beta = 0.999$, the first step is large: $s$ is only
# $0.001 \, dW^2$. This is what Adam's bias correction fixes.)

# %%
# GRADED FUNCTION: update_parameters_with_adagrad

def update_parameters_with_adagrad(parameters, grads, cache, learning_rate=0.01, epsilon=1e-8):
    """
    Update parameters using Adagrad

    Arguments:
    parameters -- python dictionary containing your parameters (W1, b1, ..., WL, bL)
    grads -- python dictionary containing your gradients (dW1, db1, ..., dWL, dbL)
    cache -- python dictionary with the sums of the squared gradients so far (keys dW1, db1, ...)
    learning_rate -- the learning rate, scalar
    epsilon -- hyperparameter preventing division by zero

    Returns:
    parameters -- python dictionary containing your updated parameters
    cache -- python dictionary with the updated sums of squared gradients
    """
    L = len(parameters) // 2  # number of layers in the neural networks

    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 4 lines of code)
        cache["dW" + str(l)] = None
        cache["db" + str(l)] = None
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters, cache


# %%
parameters, grads = optimizer_test_case()
parameters, cache = update_parameters_with_adagrad(parameters, grads, zeros_like_grads(parameters))
print("W1 =\n" + str(parameters["W1"]))
print('cache["dW1"] =\n' + str(cache["dW1"]))

# %% [markdown]
# **Expected output**:
#
# ```
# W1 =
# [[ 0.33558  0.81162  0.32044]
#  [-1.31316  0.91536  0.45637]]
# cache["dW1"] =
# [[0.13291 0.08651 0.00081]
#  [0.2989  0.54236 0.02654]]
# ```

# %% [markdown]
# ## 6 - Adam
#
# Adam combines momentum (an average $v$ of the gradients) with RMSprop (an average $s$
# of the squared gradients). Both averages start at zero, so during the first steps
# they are biased towards zero; dividing by $1 - \beta^t$ corrects that, where $t$
# counts the Adam steps taken so far (this one included: $t = 1$ on the first step).
# For $l = 1, \dots, L$:
#
# $$\begin{cases}
# v_{dW^{[l]}} = \beta_1 v_{dW^{[l]}} + (1 - \beta_1) \, dW^{[l]} \\
# v^{corrected}_{dW^{[l]}} = \dfrac{v_{dW^{[l]}}}{1 - \beta_1^t} \\
# s_{dW^{[l]}} = \beta_2 s_{dW^{[l]}} + (1 - \beta_2) \left(dW^{[l]}\right)^2 \\
# s^{corrected}_{dW^{[l]}} = \dfrac{s_{dW^{[l]}}}{1 - \beta_2^t} \\
# W^{[l]} = W^{[l]} - \alpha \dfrac{v^{corrected}_{dW^{[l]}}}{\sqrt{s^{corrected}_{dW^{[l]}}} + \varepsilon}
# \end{cases}$$
#
# and the same for $b^{[l]}$. Notes:
#
# - `v` and `s` keep the **uncorrected** averages (they are what the next step builds
#   on); the corrected ones are only used for this step.
# - $t$ is given: use it as it is (the training loop adds one after each step).
# - $\varepsilon$ goes next to the square root, in the denominator, as in RMSprop.
# - Typical values: $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$.
#
# ### 6.1 - Initializing Adam
#
# **Exercise**: implement `initialize_adam`: `v` and `s` are both dictionaries of zeros
# keyed like `grads`, shaped like the parameters.

# %%
# GRADED FUNCTION: initialize_adam

def initialize_adam(parameters):
    """
    Initializes v and s as two python dictionaries with:
                - keys: "dW1", "db1", ..., "dWL", "dbL"
                - values: numpy arrays of zeros of the same shape as the corresponding gradients/parameters.

    Arguments:
    parameters -- python dictionary containing your parameters.
                    parameters["W" + str(l)] = Wl
                    parameters["b" + str(l)] = bl

    Returns:
    v -- python dictionary that will contain the exponentially weighted average of the gradient.
                    v["dW" + str(l)] = ...
                    v["db" + str(l)] = ...
    s -- python dictionary that will contain the exponentially weighted average of the squared gradient.
                    s["dW" + str(l)] = ...
                    s["db" + str(l)] = ...
    """
    L = len(parameters) // 2  # number of layers in the neural networks
    v = {}
    s = {}

    # Initialize v, s. Input: "parameters". Outputs: "v, s".
    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 4 lines of code)
        v["dW" + str(l)] = None
        v["db" + str(l)] = None
        s["dW" + str(l)] = None
        s["db" + str(l)] = None
        ### END CODE HERE ###

    return v, s


# %%
parameters, grads = optimizer_test_case()
v, s = initialize_adam(parameters)
print('v["dW1"] =\n' + str(v["dW1"]))
print('s["db2"] =\n' + str(s["db2"]))

# %% [markdown]
# **Expected output**: zeros of shapes `(2, 3)` and `(4, 1)`.
#
# ### 6.2 - The Adam update
#
# **Exercise**: implement `update_parameters_with_adam`. It returns the updated
# parameters, `v` and `s`, and also the corrected averages of this step (an older
# version of this notebook returned only `parameters, v, s`: both are accepted).

# %%
# GRADED FUNCTION: update_parameters_with_adam

def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    """
    Update parameters using Adam

    Arguments:
    parameters -- python dictionary containing your parameters:
                    parameters['W' + str(l)] = Wl
                    parameters['b' + str(l)] = bl
    grads -- python dictionary containing your gradients for each parameters:
                    grads['dW' + str(l)] = dWl
                    grads['db' + str(l)] = dbl
    v -- Adam variable, moving average of the first gradient, python dictionary
    s -- Adam variable, moving average of the squared gradient, python dictionary
    t -- Adam counter: the number of Adam steps taken so far, this one included
    learning_rate -- the learning rate, scalar.
    beta1 -- Exponential decay hyperparameter for the first moment estimates
    beta2 -- Exponential decay hyperparameter for the second moment estimates
    epsilon -- hyperparameter preventing division by zero in Adam updates

    Returns:
    parameters -- python dictionary containing your updated parameters
    v -- Adam variable, moving average of the first gradient, python dictionary
    s -- Adam variable, moving average of the squared gradient, python dictionary
    v_corrected -- the bias-corrected first moment estimates of this step
    s_corrected -- the bias-corrected second moment estimates of this step
    """
    L = len(parameters) // 2  # number of layers in the neural networks
    v_corrected = {}  # Initializing first moment estimate, python dictionary
    s_corrected = {}  # Initializing second moment estimate, python dictionary

    # Perform Adam update on all parameters
    for l in range(1, L + 1):
        # Moving average of the gradients. Inputs: "v, grads, beta1". Output: "v".
        ### START CODE HERE ### (≈ 2 lines of code)
        v["dW" + str(l)] = None
        v["db" + str(l)] = None
        ### END CODE HERE ###

        # Compute bias-corrected first moment estimate. Inputs: "v, beta1, t". Output: "v_corrected".
        ### START CODE HERE ### (≈ 2 lines of code)
        v_corrected["dW" + str(l)] = None
        v_corrected["db" + str(l)] = None
        ### END CODE HERE ###

        # Moving average of the squared gradients. Inputs: "s, grads, beta2". Output: "s".
        ### START CODE HERE ### (≈ 2 lines of code)
        s["dW" + str(l)] = None
        s["db" + str(l)] = None
        ### END CODE HERE ###

        # Compute bias-corrected second raw moment estimate. Inputs: "s, beta2, t". Output: "s_corrected".
        ### START CODE HERE ### (≈ 2 lines of code)
        s_corrected["dW" + str(l)] = None
        s_corrected["db" + str(l)] = None
        ### END CODE HERE ###

        # Update parameters. Inputs: "parameters, learning_rate, v_corrected, s_corrected, epsilon".
        # Output: "parameters".
        ### START CODE HERE ### (≈ 2 lines of code)
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters, v, s, v_corrected, s_corrected


# %%
parameters, grads = optimizer_test_case()
v, s = zeros_like_grads(parameters), zeros_like_grads(parameters)
parameters, v, s, v_corrected, s_corrected = update_parameters_with_adam(parameters, grads, v, s, t=2)
print("W1 =\n" + str(parameters["W1"]))
print('v["dW1"] =\n' + str(v["dW1"]))
print('v_corrected["dW1"] =\n' + str(v_corrected["dW1"]))
print('s["dW1"] =\n' + str(s["dW1"]))

# %% [markdown]
# **Expected output**:
#
# ```
# W1 =
# [[ 0.33814  0.81418  0.323  ]
#  [-1.3106   0.9128   0.45382]]
# v["dW1"] =
# [[ 0.03646  0.02941  0.00284]
#  [ 0.05467 -0.07365 -0.01629]]
# v_corrected["dW1"] =
# [[ 0.19188  0.15481  0.01496]
#  [ 0.28774 -0.38761 -0.08574]]
# s["dW1"] =
# [[1.32913e-04 8.65139e-05 8.07824e-07]
#  [2.98895e-04 5.42365e-04 2.65397e-05]]
# ```

# %% [markdown]
# ## 7 - Comparing the optimizers on the "moons" data set
#
# The data: two interleaving half-moons (generated in `opt_utils`, nothing is
# downloaded).

# %%
train_X, train_Y = load_dataset()
plt.scatter(train_X[0], train_X[1], c=train_Y.ravel(), s=20, cmap=plt.cm.Spectral)
plt.show()

# %% [markdown]
# `model` trains a 3-layer network (5 and 2 hidden ReLU units, a sigmoid output) with
# mini-batches and the optimizer you choose. It is given: read how it counts the Adam
# steps ($t$ grows by one at every mini-batch) and how each optimizer's state is
# initialized.

# %%
def model(X, Y, layers_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9,
          beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs=5000, print_cost=True):
    """3-layer network trained with "gd", "momentum", "rmsprop", "adagrad" or "adam"."""
    costs = []
    t = 0  # the Adam step counter
    seed = 10  # a different shuffle at every epoch
    m = X.shape[1]
    parameters = initialize_parameters(layers_dims)

    if optimizer == "momentum":
        v = initialize_velocity(parameters)
    elif optimizer in ("rmsprop", "adagrad"):
        s = initialize_velocity(parameters)  # zeros keyed dW1, db1, ...
    elif optimizer == "adam":
        v, s = initialize_adam(parameters)

    for i in range(num_epochs):
        seed = seed + 1
        minibatches = random_mini_batches(X, Y, mini_batch_size, seed)
        cost_total = 0
        for minibatch_X, minibatch_Y in minibatches:
            a3, caches = forward_propagation(minibatch_X, parameters)
            cost_total += compute_cost(a3, minibatch_Y)
            grads = backward_propagation(minibatch_X, minibatch_Y, caches)
            if optimizer == "gd":
                parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            elif optimizer == "momentum":
                parameters, v = update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)
            elif optimizer == "rmsprop":
                parameters, s = update_parameters_with_rmsprop(parameters, grads, s, beta2, learning_rate, epsilon)
            elif optimizer == "adagrad":
                parameters, s = update_parameters_with_adagrad(parameters, grads, s, learning_rate, epsilon)
            elif optimizer == "adam":
                t = t + 1
                parameters, v, s, _, _ = update_parameters_with_adam(
                    parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        cost_avg = cost_total / m
        if print_cost and i % 1000 == 0:
            print("Cost after epoch %i: %f" % (i, cost_avg))
        if i % 100 == 0:
            costs.append(cost_avg)

    plt.plot(costs)
    plt.ylabel("cost")
    plt.xlabel("epochs (per 100)")
    plt.title("Learning rate = " + str(learning_rate) + ", optimizer = " + optimizer)
    plt.show()
    return parameters


# %% [markdown]
# (If your `update_parameters_with_adam` returns only `parameters, v, s`, as in the
# older notebook, change the Adam line of `model` to match.)
#
# ### 7.1 - Mini-batch gradient descent

# %%
layers_dims = [train_X.shape[0], 5, 2, 1]
parameters = model(train_X, train_Y, layers_dims, optimizer="gd")
predictions = predict(train_X, train_Y, parameters)
plot_decision_boundary(lambda x: predict_dec(parameters, x.T), train_X, train_Y)

# %% [markdown]
# ### 7.2 - Mini-batch gradient descent with momentum

# %%
parameters = model(train_X, train_Y, layers_dims, beta=0.9, optimizer="momentum")
predictions = predict(train_X, train_Y, parameters)
plot_decision_boundary(lambda x: predict_dec(parameters, x.T), train_X, train_Y)

# %% [markdown]
# ### 7.3 - Mini-batch RMSprop and Adagrad

# %%
parameters = model(train_X, train_Y, layers_dims, optimizer="rmsprop", learning_rate=0.001, num_epochs=3000)
predictions = predict(train_X, train_Y, parameters)

# %%
parameters = model(train_X, train_Y, layers_dims, optimizer="adagrad", learning_rate=0.05, num_epochs=3000)
predictions = predict(train_X, train_Y, parameters)

# %% [markdown]
# ### 7.4 - Mini-batch Adam

# %%
parameters = model(train_X, train_Y, layers_dims, optimizer="adam")
predictions = predict(train_X, train_Y, parameters)
plot_decision_boundary(lambda x: predict_dec(parameters, x.T), train_X, train_Y)

# %% [markdown]
# ### 7.5 - Summary
#
# Compare the accuracies and the cost curves. With this small learning rate and
# number of epochs, plain mini-batch gradient descent and momentum make slow progress
# (momentum helps more with larger learning rates and on harder problems), while the
# adaptive methods, Adam above all, reach a good decision boundary much sooner. Adam
# needs little memory, and its defaults ($\beta_1 = 0.9$, $\beta_2 = 0.999$,
# $\varepsilon = 10^{-8}$) usually work well: only the learning rate usually needs
# tuning.
