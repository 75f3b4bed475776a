# %% [markdown]
# # Building your Deep Neural Network: Step by Step
#
# Last week you trained a network with a single hidden layer. This week you build
# the pieces of a network with **as many layers as you like**, and assemble them
# into a forward pass and a backward pass that work for any depth.
#
# In this notebook you will:
#
# - initialize the parameters of a 2-layer and of an $L$-layer network;
# - write the forward pass one step at a time: the linear step of a layer, the layer
#   with its activation (ReLU or sigmoid), then the whole model
#   `[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID`;
# - compute the cross-entropy cost;
# - write the backward pass in the same three steps;
# - update the parameters with gradient descent.
#
# **Notation**
#
# - Superscript $[l]$ denotes layer $l$: $W^{[L]}$ and $b^{[L]}$ are the parameters
#   of the last layer $L$.
# - Superscript $(i)$ denotes example $i$: $x^{(i)}$ is the $i$-th training example.
# - Subscript $i$ denotes entry $i$ of a vector: $a^{[l]}_i$ is the activation of
#   unit $i$ of layer $l$.
# - $n^{[l]}$ is the number of units of layer $l$ ($n^{[0]} = n_x$, the input size),
#   and $m$ the number of examples, stacked as the columns of $X$.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - Keep the function names and arguments as given: cells starting with
#   `# GRADED FUNCTION: name` are graded from their definitions alone.
# - Work on all $m$ examples at once with matrix operations. The only loops you
#   need run over the **layers**, never over the examples.

# %% [markdown]
# ## 1 - Packages
#
# - [numpy](https://numpy.org) for the linear algebra;
# - [matplotlib](https://matplotlib.org) to plot the learning curve at the end;
# - `dnn_utils` (next to this notebook) gives you four helpers:
#   `sigmoid(Z)` and `relu(Z)` each return the activation **and a cache holding
#   `Z`**, and `sigmoid_backward(dA, cache)` and `relu_backward(dA, cache)` turn the
#   gradient with respect to the activation into the gradient with respect to `Z`.
#
# `np.random.seed(1)` keeps the random examples below the same from run to run.

# %%
import numpy as np
import matplotlib.pyplot as plt
from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward

# %matplotlib inline
plt.rcParams["figure.figsize"] = (5.0, 4.0)

np.random.seed(1)

# %% [markdown]
# ## 2 - Outline
#
# To build the network you will write these helper functions, each of which the
# next one uses:
#
# 1. initialize the parameters of a 2-layer network and of an $L$-layer network;
# 2. **forward propagation**:
#    - the LINEAR part of a layer, $Z^{[l]} = W^{[l]}A^{[l-1]} + b^{[l]}$;
#    - the layer with its ACTIVATION (ReLU or sigmoid): LINEAR -> ACTIVATION;
#    - the whole model: `[LINEAR -> RELU]` $L-1$ times, then `LINEAR -> SIGMOID`;
# 3. the cost;
# 4. **backward propagation**, mirroring the three forward steps;
# 5. the update of the parameters.
#
# Every forward function stores what the backward pass will need in a **cache**
# and returns it; the backward function of the same step reads it back. Keep the
# caches exactly in the order described below: the backward functions unpack them
# by position.

# %% [markdown]
# ## 3 - Initialization
#
# ### 3.1 - A 2-layer network
#
# **Exercise**: create and initialize the parameters of a 2-layer network
# `LINEAR -> RELU -> LINEAR -> SIGMOID`.
#
# - Weights: small random numbers, `np.random.randn(shape) * 0.01`. Random values
#   break the symmetry between the units of a layer (with equal weights they would
#   all compute, and learn, the same thing); the factor 0.01 keeps $Z$ small, where
#   the sigmoid is not flat.
# - Biases: zeros, `np.zeros(shape)`.
# - Shapes: $W^{[1]}$ is $(n_h, n_x)$, $b^{[1]}$ is $(n_h, 1)$, $W^{[2]}$ is
#   $(n_y, n_h)$ and $b^{[2]}$ is $(n_y, 1)$.

# %%
# GRADED FUNCTION: initialize_parameters

def initialize_parameters(n_x, n_h, n_y):
    """
    Argument:
    n_x -- size of the input layer
    n_h -- size of the hidden layer
    n_y -- size of the output layer

    Returns:
    parameters -- python dictionary containing your parameters:
                    W1 -- weight matrix of shape (n_h, n_x)
                    b1 -- bias vector of shape (n_h, 1)
                    W2 -- weight matrix of shape (n_y, n_h)
                    b2 -- bias vector of shape (n_y, 1)
    """
    ### START CODE HERE ### (≈ 4 lines of code)
    W1 = None
    b1 = None
    W2 = None
    b2 = None
    ### END CODE HERE ###

    parameters = {"W1": W1,
                  "b1": b1,
                  "W2": W2,
                  "b2": b2}

    return parameters


# %%
parameters = initialize_parameters(3, 2, 1)
for key, value in parameters.items():
    print(key, "shape", value.shape)
print("W1 =", parameters["W1"])
print("b1 =", parameters["b1"])

# %% [markdown]
# **Expected output**: `W1` has shape `(2, 3)`, `b1` `(2, 1)`, `W2` `(1, 2)` and
# `b2` `(1, 1)`; the entries of the weights are of the order of 0.01 (random, so
# yours differ), and the biases are exactly 0.
#
# ### 3.2 - An L-layer network
#
# A deeper network has more weight matrices and bias vectors. `layer_dims` lists the
# size of every layer, the input included: `layer_dims = [n_x, n_1, ..., n_L]`, so
# the network has $L$ = `len(layer_dims) - 1` layers. With $m$ examples, the
# quantities of layer $l$ have these shapes:
#
# | | shape of $W^{[l]}$ | shape of $b^{[l]}$ | activation $A^{[l]}$ |
# |---|---|---|---|
# | layer 1 | $(n^{[1]}, n^{[0]})$ | $(n^{[1]}, 1)$ | $(n^{[1]}, m)$ |
# | layer $l$ | $(n^{[l]}, n^{[l-1]})$ | $(n^{[l]}, 1)$ | $(n^{[l]}, m)$ |
# | layer $L$ | $(n^{[L]}, n^{[L-1]})$ | $(n^{[L]}, 1)$ | $(n^{[L]}, m)$ |
#
# Remember that `b` is broadcast over the columns when you compute $WX + b$: adding
# a $(n, 1)$ column to an $(n, m)$ matrix adds it to every column.
#
# **Exercise**: implement `initialize_parameters_deep(layer_dims)`, looping over the
# layers $l = 1, \ldots, L$:
#
# - `parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01`
# - `parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))`

# %%
# GRADED FUNCTION: initialize_parameters_deep

def initialize_parameters_deep(layer_dims):
    """
    Arguments:
    layer_dims -- python array (list) containing the dimensions of each layer in our network

    Returns:
    parameters -- python dictionary containing your parameters "W1", "b1", ..., "WL", "bL":
                    Wl -- weight matrix of shape (layer_dims[l], layer_dims[l-1])
                    bl -- bias vector of shape (layer_dims[l], 1)
    """
    parameters = {}
    L = len(layer_dims)            # number of layers in the network, the input included

    for l in range(1, L):
        ### START CODE HERE ### (≈ 2 lines of code)
        parameters["W" + str(l)] = None
        parameters["b" + str(l)] = None
        ### END CODE HERE ###

    return parameters


# %%
parameters = initialize_parameters_deep([5, 4, 3])
for key, value in parameters.items():
    print(key, "shape", value.shape)

# %% [markdown]
# **Expected output**: `W1 shape (4, 5)`, `b1 shape (4, 1)`, `W2 shape (3, 4)`,
# `b2 shape (3, 1)`, with weights of the order of 0.01 and zero biases.
#
# ## 4 - Forward propagation
#
# ### 4.1 - The linear step
#
# The linear part of layer $l$, vectorized over all examples:
#
# $$Z^{[l]} = W^{[l]}A^{[l-1]} + b^{[l]}$$
#
# where $A^{[0]} = X$.
#
# **Exercise**: implement `linear_forward`. Return $Z$ and the cache `(A, W, b)`, a
# tuple in exactly this order. `np.dot(W, A)` computes the matrix product.

# %%
# GRADED FUNCTION: linear_forward

def linear_forward(A, W, b):
    """
    Implement the linear part of a layer's forward propagation.

    Arguments:
    A -- activations from previous layer (or input data): (size of previous layer, number of examples)
    W -- weights matrix: numpy array of shape (size of current layer, size of previous layer)
    b -- bias vector, numpy array of shape (size of the current layer, 1)

    Returns:
    Z -- the input of the activation function, also called pre-activation parameter
    cache -- a python tuple containing "A", "W" and "b"; stored for computing the backward pass efficiently
    """
    ### START CODE HERE ### (≈ 1 line of code)
    Z = None
    ### END CODE HERE ###
    cache = (A, W, b)

    return Z, cache


# %%
np.random.seed(11)
A = np.random.randn(4, 3)
W = np.random.randn(2, 4)
b = np.random.randn(2, 1)
Z, linear_cache = linear_forward(A, W, b)
print("Z =", Z)

# %% [markdown]
# **Expected output**:
#
# ```
# Z = [[ 2.70668791  1.47403085  0.56492882]
#  [-2.45356021  0.06248517 -0.85787052]]
# ```
#
# ### 4.2 - The layer with its activation
#
# Two activations are used in this network:
#
# - **sigmoid**: $\sigma(Z) = \sigma(WA + b) = \frac{1}{1 + e^{-(WA + b)}}$, for the
#   output layer. `A, activation_cache = sigmoid(Z)` returns the activation and a
#   cache holding `Z`.
# - **ReLU**: $A = \mathrm{RELU}(Z) = \max(0, Z)$, for the hidden layers.
#   `A, activation_cache = relu(Z)` works the same way.
#
# **Exercise**: implement `linear_activation_forward`, the forward step of a whole
# layer: $A^{[l]} = g(Z^{[l]}) = g(W^{[l]}A^{[l-1]} + b^{[l]})$, where $g$ is the
# sigmoid or the ReLU depending on `activation`. Use `linear_forward` and the helper
# of the requested activation. The cache is the pair
# `(linear_cache, activation_cache)`, in this order.

# %%
# GRADED FUNCTION: linear_activation_forward

def linear_activation_forward(A_prev, W, b, activation):
    """
    Implement the forward propagation for the LINEAR->ACTIVATION layer

    Arguments:
    A_prev -- activations from previous layer (or input data): (size of previous layer, number of examples)
    W -- weights matrix: numpy array of shape (size of current layer, size of previous layer)
    b -- bias vector, numpy array of shape (size of the current layer, 1)
    activation -- the activation to be used in this layer, stored as a text string: "sigmoid" or "relu"

    Returns:
    A -- the output of the activation function, also called the post-activation value
    cache -- a python tuple containing "linear_cache" and "activation_cache";
             stored for computing the backward pass efficiently
    """
    if activation == "sigmoid":
        ### START CODE HERE ### (≈ 2 lines of code)
        Z, linear_cache = None
        A, activation_cache = None
        ### END CODE HERE ###

    elif activation == "relu":
        ### START CODE HERE ### (≈ 2 lines of code)
        Z, linear_cache = None
        A, activation_cache = None
        ### END CODE HERE ###

    cache = (linear_cache, activation_cache)

    return A, cache


# %%
np.random.seed(12)
A_prev = np.random.randn(4, 3)
W = np.random.randn(2, 4)
b = np.random.randn(2, 1)
A, cache = linear_activation_forward(A_prev, W, b, activation="sigmoid")
print("With sigmoid: A =", A)
A, cache = linear_activation_forward(A_prev, W, b, activation="relu")
print("With ReLU: A =", A)

# %% [markdown]
# **Expected output**:
#
# ```
# With sigmoid: A = [[0.93951766 0.22295979 0.81631126]
#  [0.99646338 0.13718758 0.96042748]]
# With ReLU: A = [[2.74301514 0.         1.49155306]
#  [5.6410399  0.         3.18924342]]
# ```
#
# ### 4.3 - The L-layer model
#
# The whole forward pass repeats `linear_activation_forward` with ReLU for the
# layers $1, \ldots, L-1$, then once more with the sigmoid for the output layer $L$:
#
# $$A^{[L]} = \sigma(Z^{[L]}) = \sigma(W^{[L]}A^{[L-1]} + b^{[L]})$$
#
# (also written $\hat{Y}$, the prediction).
#
# **Exercise**: implement `L_model_forward`.
#
# - `L = len(parameters) // 2`: the dictionary holds one `W` and one `b` per layer.
# - Loop `for l in range(1, L)` over the hidden layers, with
#   `parameters["W" + str(l)]` and `parameters["b" + str(l)]`.
# - Append the cache of **every** layer to `caches`, the output layer's included:
#   `caches.append(cache)`. `caches[l - 1]` is then the cache of layer $l$.

# %%
# GRADED FUNCTION: L_model_forward

def L_model_forward(X, parameters):
    """
    Implement forward propagation for the [LINEAR->RELU]*(L-1)->LINEAR->SIGMOID computation

    Arguments:
    X -- data, numpy array of shape (input size, number of examples)
    parameters -- output of initialize_parameters_deep()

    Returns:
    AL -- last post-activation value
    caches -- list of caches containing:
                every cache of linear_activation_forward() (there are L of them, indexed from 0 to L-1)
    """
    caches = []
    A = X
    L = len(parameters) // 2                  # number of layers in the neural network

    # Implement [LINEAR -> RELU]*(L-1). Add "cache" to the "caches" list.
    for l in range(1, L):
        A_prev = A
        ### START CODE HERE ### (≈ 2 lines of code)
        A, cache = None
        None
        ### END CODE HERE ###

    # Implement LINEAR -> SIGMOID. Add "cache" to the "caches" list.
    ### START CODE HERE ### (≈ 2 lines of code)
    AL, cache = None
    None
    ### END CODE HERE ###

    return AL, caches


# %%
np.random.seed(13)
X = np.random.randn(4, 5)
parameters = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1),
              "W2": np.random.randn(2, 3), "b2": np.random.randn(2, 1),
              "W3": np.random.randn(1, 2), "b3": np.random.randn(1, 1)}
AL, caches = L_model_forward(X, parameters)
print("AL =", AL)
print("Length of caches list =", len(caches))

# %% [markdown]
# **Expected output**:
#
# ```
# AL = [[0.3436119  0.31730056 0.47959844 0.37468614 0.47959844]]
# Length of caches list = 3
# ```
#
# ## 5 - Cost function
#
# The cross-entropy cost of the predictions $A^{[L]}$:
#
# $$J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)}\log\left(a^{[L](i)}\right) + (1-y^{(i)})\log\left(1-a^{[L](i)}\right) \right)$$
#
# **Exercise**: implement `compute_cost`. Return a plain number: if your formula
# uses `np.dot`, its result is a `(1, 1)` array, which `np.squeeze` turns into a
# scalar (e.g. `[[17]]` becomes `17`).

# %%
# GRADED FUNCTION: compute_cost

def compute_cost(AL, Y):
    """
    Implement the cost function defined by the equation above.

    Arguments:
    AL -- probability vector corresponding to your label predictions, shape (1, number of examples)
    Y -- true "label" vector (for example: containing 0 if non-cat, 1 if cat), shape (1, number of examples)

    Returns:
    cost -- cross-entropy cost
    """
    m = Y.shape[1]

    # Compute loss from AL and Y.
    ### START CODE HERE ### (≈ 1 line of code)
    cost = None
    ### END CODE HERE ###

    cost = np.squeeze(cost)      # e.g. turns [[17]] into 17

    return cost


# %%
Y = np.array([[1, 0, 1, 1]])
AL = np.array([[0.7, 0.2, 0.9, 0.35]])
print("cost =", compute_cost(AL, Y))

# %% [markdown]
# **Expected output**: `cost = 0.4337502838523616` (the last digit may differ)
#
# ## 6 - Backward propagation
#
# Backward propagation computes the gradient of the cost with respect to the
# parameters, layer by layer from the output back to the input, reusing the caches.
# It has the same three steps as the forward pass: the linear step, the layer with
# its activation, and the whole model.
#
# ### 6.1 - The linear step
#
# Suppose you already have $dZ^{[l]} = \frac{\partial \mathcal{L}}{\partial Z^{[l]}}$
# for layer $l$. The three outputs of the linear step are then:
#
# $$dW^{[l]} = \frac{\partial \mathcal{J}}{\partial W^{[l]}} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}$$
#
# $$db^{[l]} = \frac{\partial \mathcal{J}}{\partial b^{[l]}} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}$$
#
# $$dA^{[l-1]} = \frac{\partial \mathcal{L}}{\partial A^{[l-1]}} = W^{[l]T} dZ^{[l]}$$
#
# The $\frac{1}{m}$ appears in $dW$ and $db$ only: they are gradients of the cost
# $J$, the average over the examples, while $dA^{[l-1]}$ is passed on to the previous
# layer as it is.
#
# **Exercise**: implement `linear_backward`. `db` must be a column of shape
# $(n^{[l]}, 1)$, like `b`: sum over the examples (axis 1) and keep that axis,
# `np.sum(dZ, axis=1, keepdims=True)`.

# %%
# GRADED FUNCTION: linear_backward

def linear_backward(dZ, cache):
    """
    Implement the linear portion of backward propagation for a single layer (layer l)

    Arguments:
    dZ -- Gradient of the cost with respect to the linear output (of current layer l)
    cache -- tuple of values (A_prev, W, b) coming from the forward propagation in the current layer

    Returns:
    dA_prev -- Gradient of the cost with respect to the activation (of the previous layer l-1), same shape as A_prev
    dW -- Gradient of the cost with respect to W (current layer l), same shape as W
    db -- Gradient of the cost with respect to b (current layer l), same shape as b
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]

    ### START CODE HERE ### (≈ 3 lines of code)
    dW = None
    db = None
    dA_prev = None
    ### END CODE HERE ###

    return dA_prev, dW, db


# %%
np.random.seed(14)
dZ = np.random.randn(2, 5)
A_prev = np.random.randn(3, 5)
W = np.random.randn(2, 3)
b = np.random.randn(2, 1)
dA_prev, dW, db = linear_backward(dZ, (A_prev, W, b))
print("dA_prev =", dA_prev)
print("dW =", dW)
print("db =", db)

# %% [markdown]
# **Expected output**:
#
# ```
# dA_prev = [[-1.51977057 -0.11093049 -0.16612713  0.05867119  1.99165613]
#  [ 1.41836814  0.07864952  0.15825684 -0.06385132 -1.83779934]
#  [ 1.1592396   2.09440082 -0.13291953  0.68993412 -3.21308715]]
# dW = [[-0.03199292  0.99421024 -0.11381007]
#  [-0.16602255 -0.57654038 -0.50587615]]
# db = [[-0.05443286]
#  [-0.12381147]]
# ```
#
# ### 6.2 - The layer with its activation
#
# Going back through the activation $g$ of layer $l$ gives $dZ^{[l]}$ from
# $dA^{[l]}$:
#
# $$dZ^{[l]} = dA^{[l]} * g'(Z^{[l]})$$
#
# (an element-wise product). The helpers do exactly this with the `Z` stored in the
# activation cache:
#
# - `dZ = sigmoid_backward(dA, activation_cache)`;
# - `dZ = relu_backward(dA, activation_cache)`.
#
# **Exercise**: implement `linear_activation_backward`: unpack the cache as
# `linear_cache, activation_cache = cache`, compute `dZ` with the helper of the
# requested activation, then call `linear_backward` with the linear cache.

# %%
# GRADED FUNCTION: linear_activation_backward

def linear_activation_backward(dA, cache, activation):
    """
    Implement the backward propagation for the LINEAR->ACTIVATION layer.

    Arguments:
    dA -- post-activation gradient for current layer l
    cache -- tuple of values (linear_cache, activation_cache) we store for computing backward propagation efficiently
    activation -- the activation to be used in this layer, stored as a text string: "sigmoid" or "relu"

    Returns:
    dA_prev -- Gradient of the cost with respect to the activation (of the previous layer l-1), same shape as A_prev
    dW -- Gradient of the cost with respect to W (current layer l), same shape as W
    db -- Gradient of the cost with respect to b (current layer l), same shape as b
    """
    linear_cache, activation_cache = cache

    if activation == "relu":
        ### START CODE HERE ### (≈ 2 lines of code)
        dZ = None
        dA_prev, dW, db = None
        ### END CODE HERE ###

    elif activation == "sigmoid":
        ### START CODE HERE ### (≈ 2 lines of code)
        dZ = None
        dA_prev, dW, db = None
        ### END CODE HERE ###

    return dA_prev, dW, db


# %%
np.random.seed(15)
dA = np.random.randn(2, 3)
A_prev = np.random.randn(4, 3)
W = np.random.randn(2, 4)
b = np.random.randn(2, 1)
Z = np.dot(W, A_prev) + b
cache = ((A_prev, W, b), Z)
for activation in ("sigmoid", "relu"):
    dA_prev, dW, db = linear_activation_backward(dA, cache, activation)
    print(activation + ":")
    print("dA_prev =", dA_prev)
    print("dW =", dW)
    print("db =", db)

# %% [markdown]
# **Expected output**:
#
# ```
# sigmoid:
# dA_prev = [[-0.02629635  0.03148821 -0.02475823]
#  [ 0.11411712 -0.02822937  0.18183903]
#  [-0.03329903  0.00519437 -0.0551481 ]
#  [ 0.20721312 -0.08806081  0.30492851]]
# dW = [[-0.00678658 -0.00044915  0.00242567 -0.01052356]
#  [ 0.04382324 -0.00475002  0.01047628 -0.10680488]]
# db = [[ 0.00442844]
#  [-0.07840113]]
# relu:
# dA_prev = [[-0.06106303  0.02866649  0.        ]
#  [ 0.57075428 -0.26794484  0.        ]
#  [-0.17512589  0.08221415  0.        ]
#  [ 0.93258271 -0.43780789  0.        ]]
# dW = [[ 0.          0.          0.          0.        ]
#  [ 0.09788283  0.0634894  -0.08309024 -0.11305026]]
# db = [[ 0.        ]
#  [-0.08874026]]
# ```
#
# ### 6.3 - The L-layer model
#
# The backward pass starts at the output. The derivative of the loss with respect to
# the output $A^{[L]}$ is
#
# ```python
# dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
# ```
#
# From there, go back through the sigmoid layer $L$ with `caches[L - 1]`, then
# through the ReLU layers $L-1, \ldots, 1$ with `caches[l]`, for `l` from $L-2$
# down to 0.
#
# Store the gradients in the dictionary `grads`, named after what they are the
# gradient of:
#
# - `grads["dW" + str(l)]` and `grads["db" + str(l)]` for layer $l = 1, \ldots, L$;
# - `grads["dA" + str(l)]` is the gradient of the activation $A^{[l]}$. The backward
#   step of layer $l$ returns the gradient of its **input** $A^{[l-1]}$, so store
#   it as `grads["dA" + str(l - 1)]`. The keys therefore run from `dA0` (the
#   gradient of $X$) to `dA{L-1}`.
#
# **Exercise**: implement `L_model_backward`.

# %%
# GRADED FUNCTION: L_model_backward

def L_model_backward(AL, Y, caches):
    """
    Implement the backward propagation for the [LINEAR->RELU] * (L-1) -> LINEAR -> SIGMOID group

    Arguments:
    AL -- probability vector, output of the forward propagation (L_model_forward())
    Y -- true "label" vector (containing 0 if non-cat, 1 if cat)
    caches -- list of caches containing:
                every cache of linear_activation_forward() with "relu" (caches[l], for l in range(L-1) i.e l = 0...L-2)
                the cache of linear_activation_forward() with "sigmoid" (caches[L-1])

    Returns:
    grads -- A dictionary with the gradients
             grads["dA" + str(l)] = ...
             grads["dW" + str(l)] = ...
             grads["db" + str(l)] = ...
    """
    grads = {}
    L = len(caches)                # the number of layers
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)        # after this line, Y is the same shape as AL

    # Initializing the backpropagation
    ### START CODE HERE ### (1 line of code)
    dAL = None
    ### END CODE HERE ###

    # Lth layer (SIGMOID -> LINEAR) gradients.
    # Inputs: "dAL, current_cache". Outputs: "grads["dAL-1"], grads["dWL"], grads["dbL"]
    ### START CODE HERE ### (approx. 5 lines)
    current_cache = None
    dA_prev_temp, dW_temp, db_temp = None
    grads["dA" + str(L - 1)] = None
    grads["dW" + str(L)] = None
    grads["db" + str(L)] = None
    ### END CODE HERE ###

    # Loop from l=L-2 to l=0
    for l in reversed(range(L - 1)):
        # lth layer: (RELU -> LINEAR) gradients.
        # Inputs: "grads["dA" + str(l + 1)], current_cache".
        # Outputs: "grads["dA" + str(l)] , grads["dW" + str(l + 1)] , grads["db" + str(l + 1)]
        ### START CODE HERE ### (approx. 5 lines)
        current_cache = None
        dA_prev_temp, dW_temp, db_temp = None
        grads["dA" + str(l)] = None
        grads["dW" + str(l + 1)] = None
        grads["db" + str(l + 1)] = None
        ### END CODE HERE ###

    return grads


# %%
np.random.seed(16)
Y = np.array([[1, 0, 0]])
A0, W1, b1 = np.random.randn(2, 3), np.random.randn(4, 2), np.random.randn(4, 1)
Z1 = np.dot(W1, A0) + b1
A1, W2, b2 = np.maximum(0, Z1), np.random.randn(1, 4), np.random.randn(1, 1)
Z2 = np.dot(W2, A1) + b2
AL = 1 / (1 + np.exp(-Z2))
caches = [((A0, W1, b1), Z1), ((A1, W2, b2), Z2)]
grads = L_model_backward(AL, Y, caches)
print("dW1 =", grads["dW1"])
print("db1 =", grads["db1"])
print("dA0 =", grads["dA0"])
print("keys:", sorted(grads))

# %% [markdown]
# **Expected output**:
#
# ```
# dW1 = [[ 0.54993268  0.4445213 ]
#  [-1.81393941 -1.58616669]
#  [ 0.11212025  0.09062898]
#  [ 0.04551571  0.03679123]]
# db1 = [[-0.35979211]
#  [ 1.70105984]
#  [-0.0733544 ]
#  [-0.02977854]]
# dA0 = [[ 0.01533866 -0.8159332  -2.01402702]
#  [-0.00231462 -0.25204014  0.3039187 ]]
# keys: ['dA0', 'dA1', 'dW1', 'dW2', 'db1', 'db2']
# ```
#
# ## 7 - Update parameters
#
# Gradient descent moves every parameter a step down its gradient:
#
# $$W^{[l]} = W^{[l]} - \alpha \, dW^{[l]}$$
#
# $$b^{[l]} = b^{[l]} - \alpha \, db^{[l]}$$
#
# where $\alpha$ is the learning rate.
#
# **Exercise**: implement `update_parameters` for every layer $l = 1, \ldots, L$.
# The function copies the given dictionary first, so that the caller's parameters
# are left as they were, and returns the updated copy.

# %%
# GRADED FUNCTION: update_parameters

import copy


def update_parameters(params, grads, learning_rate):
    """
    Update parameters using gradient descent

    Arguments:
    params -- python dictionary containing your parameters
    grads -- python dictionary containing your gradients, output of L_model_backward

    Returns:
    parameters -- python dictionary containing your updated parameters
                  parameters["W" + str(l)] = ...
                  parameters["b" + str(l)] = ...
    """
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2       # number of layers in the neural network

    # Update rule for each parameter. Use a for loop.
    ### START CODE HERE ### (≈ 2 lines of code)
    for l in range(L):
        parameters["W" + str(l + 1)] = None
        parameters["b" + str(l + 1)] = None
    ### END CODE HERE ###

    return parameters


# %%
np.random.seed(17)
W1, b1 = np.random.randn(4, 3), np.random.randn(4, 1)
W2, b2 = np.random.randn(1, 4), np.random.randn(1, 1)
parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
dW1, db1 = np.random.randn(4, 3), np.random.randn(4, 1)
dW2, db2 = np.random.randn(1, 4), np.random.randn(1, 1)
grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
parameters = update_parameters(parameters, grads, 0.1)
print("W1 =", parameters["W1"])
print("b1 =", parameters["b1"])
print("W2 =", parameters["W2"])
print("b2 =", parameters["b2"])

# %% [markdown]
# **Expected output**:
#
# ```
# W1 = [[ 0.17313898 -1.90376146  0.66856577]
#  [ 1.2259473   1.02406369  2.00789495]
#  [-0.12769738 -0.28657903  0.11368545]
#  [-0.53553733  2.18511552  1.14192462]]
# b1 = [[-1.84887144]
#  [-0.23486987]
#  [ 0.45287723]
#  [-1.8320606 ]]
# W2 = [[ 1.2683483  -0.35691074 -0.88863042 -0.13448611]]
# b2 = [[-1.31681004]]
# ```
#
# ## 8 - Putting it together
#
# The functions you wrote are all that gradient descent needs. The cell below (not
# graded) trains a 4-layer network on a small synthetic data set: points in the
# plane, labelled 1 inside a ring and 0 elsewhere, a boundary no linear model can
# draw.
#
# One change to the initialization: with weights of size 0.01 the signal shrinks at
# every layer, so a 4-layer network starts almost flat and learns very slowly. Deep
# networks are usually initialized with a scale that depends on the size of each
# layer's input, such as $1/\sqrt{n^{[l-1]}}$ (you will meet it in the next
# assignment); the cell rescales your weights that way. With your functions the
# cost then goes down steadily.

# %%
rng = np.random.default_rng(0)
X_ring = rng.uniform(-1.5, 1.5, size=(2, 400))
radius = np.sqrt(np.sum(X_ring ** 2, axis=0, keepdims=True))
Y_ring = ((radius > 0.6) & (radius < 1.1)).astype(float)

np.random.seed(1)
parameters = initialize_parameters_deep([2, 16, 8, 4, 1])
for name in parameters:
    if name.startswith("W"):   # randn * 0.01  ->  randn / sqrt(n_{l-1})
        parameters[name] = parameters[name] / 0.01 / np.sqrt(parameters[name].shape[1])
costs = []
for i in range(3000):
    AL, caches = L_model_forward(X_ring, parameters)
    if i % 100 == 0:
        costs.append(compute_cost(AL, Y_ring))
    grads = L_model_backward(AL, Y_ring, caches)
    parameters = update_parameters(parameters, grads, 0.3)
print("cost after", i + 1, "iterations:", compute_cost(L_model_forward(X_ring, parameters)[0], Y_ring))
print("training accuracy:", np.mean((L_model_forward(X_ring, parameters)[0] > 0.5) == Y_ring))

plt.plot(np.arange(len(costs)) * 100, costs)
plt.xlabel("iteration")
plt.ylabel("cost")
plt.title("Learning rate 0.3")
plt.show()

# %% [markdown]
# Congratulations: you have built every piece of a deep network. In the next
# assignment you use these functions to classify pictures.
