# %% [markdown]
# # Logistic Regression with a Neural Network mindset
#
# You will build a logistic regression classifier that tells pictures of cats from
# other pictures. Logistic regression is the smallest possible neural network: one
# neuron with a sigmoid activation. Building it step by step introduces the
# structure every network in this course shares:
#
# - initialize the parameters;
# - compute the cost and its gradient (forward and backward propagation);
# - run an optimization algorithm (gradient descent);
# - gather the three steps into a model function and use it to predict.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - Do not loop over the examples with a Python `for` loop where a numpy operation
#   on the whole matrix will do (the only loop you need is the one over gradient
#   descent iterations).
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.

# %% [markdown]
# ## 1 - Packages
#
# - [numpy](https://numpy.org) for arrays and vectorized maths;
# - [matplotlib](https://matplotlib.org) to look at pictures and plot curves;
# - `lr_utils` (next to this notebook) provides the data set.

# %%
import numpy as np
import matplotlib.pyplot as plt
from lr_utils import load_dataset

# %matplotlib inline

# %% [markdown]
# ## 2 - The data set
#
# `load_dataset()` returns:
#
# - a training set of `m_train` images, each labelled cat ($y = 1$) or non-cat
#   ($y = 0$);
# - a test set of `m_test` images labelled the same way;
# - `classes`, the name of each label value.
#
# Every image has shape `(num_px, num_px, 3)`: a square picture with three colour
# channels (red, green, blue). The pictures in this exercise are synthetic (drawn by
# a program from a fixed seed), so everybody gets the same data without downloading
# anything.
#
# The `_orig` suffix marks arrays we are going to preprocess.

# %%
train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes = load_dataset()

# %% [markdown]
# Each row of `train_set_x_orig` is one picture. Change `index` and re-run the cell
# to see other examples.

# %%
index = 2
plt.imshow(train_set_x_orig[index])
label = int(train_set_y[0, index])
print("y = " + str(label) + ", it's a '" + classes[label].decode("utf-8") + "' picture.")

# %% [markdown]
# Many bugs in deep learning are shape mismatches, so start by writing down the
# dimensions of everything. `train_set_x_orig` has shape `(m_train, num_px, num_px, 3)`.

# %%
m_train = train_set_x_orig.shape[0]
m_test = test_set_x_orig.shape[0]
num_px = train_set_x_orig.shape[1]

print("Number of training examples: m_train = " + str(m_train))
print("Number of testing examples: m_test = " + str(m_test))
print("Height/Width of each image: num_px = " + str(num_px))
print("Each image is of size: (" + str(num_px) + ", " + str(num_px) + ", 3)")
print("train_set_x shape: " + str(train_set_x_orig.shape))
print("train_set_y shape: " + str(train_set_y.shape))
print("test_set_x shape: " + str(test_set_x_orig.shape))
print("test_set_y shape: " + str(test_set_y.shape))

# %% [markdown]
# ### Notation
#
# - $m$ is the number of examples and $n_x$ = `num_px * num_px * 3` the number of
#   features of one example.
# - One example $x^{(i)}$ is a column vector of shape $(n_x, 1)$; the examples are
#   stacked side by side as the **columns** of $X$, of shape $(n_x, m)$.
# - The labels form a row vector $Y$ of shape $(1, m)$.
#
# To get there, each picture of shape `(num_px, num_px, 3)` is flattened into a
# vector of `num_px * num_px * 3` numbers. A compact way to flatten a whole stack of
# shape `(m, a, b, c)` into a matrix of shape `(a*b*c, m)`:
#
# ```python
# X_flatten = X.reshape(X.shape[0], -1).T   # -1: "whatever size is left"
# ```
#
# Reshaping first (one row per picture) and transposing second keeps each picture's
# pixels together in one column. Read the next cell and check the printed shapes.

# %%
train_set_x_flatten = train_set_x_orig.reshape(train_set_x_orig.shape[0], -1).T
test_set_x_flatten = test_set_x_orig.reshape(test_set_x_orig.shape[0], -1).T

print("train_set_x_flatten shape: " + str(train_set_x_flatten.shape))
print("train_set_y shape: " + str(train_set_y.shape))
print("test_set_x_flatten shape: " + str(test_set_x_flatten.shape))
print("test_set_y shape: " + str(test_set_y.shape))
print("sanity check after reshaping: " + str(train_set_x_flatten[0:5, 0]))

# %% [markdown]
# **Expected shapes**: `(12288, 209)`, `(1, 209)`, `(12288, 50)`, `(1, 50)`.
#
# ### Standardization
#
# A common preprocessing step is to center and scale every feature (subtract the
# mean, divide by the standard deviation). For pictures it is simpler and almost as
# good to divide every pixel by 255, its largest possible value, so that all
# features lie in $[0, 1]$. Gradient descent behaves much better on inputs of this
# size than on raw values up to 255.

# %%
train_set_x = train_set_x_flatten / 255.
test_set_x = test_set_x_flatten / 255.

# %% [markdown]
# ## 3 - The learning algorithm
#
# For one example $x^{(i)}$:
#
# $$z^{(i)} = w^T x^{(i)} + b$$
#
# $$\hat{y}^{(i)} = a^{(i)} = \sigma(z^{(i)})$$
#
# $$\mathcal{L}(a^{(i)}, y^{(i)}) = -y^{(i)}\log(a^{(i)}) - (1-y^{(i)})\log(1-a^{(i)})$$
#
# The cost is the average loss over the $m$ training examples:
#
# $$J = \frac{1}{m}\sum_{i=1}^{m}\mathcal{L}(a^{(i)}, y^{(i)})$$
#
# (The squared error would make $J$ non-convex once composed with the sigmoid; the
# cross-entropy loss keeps it convex, and it is what maximum likelihood gives for
# independent examples.)
#
# The plan: initialize $w$ and $b$, then repeat "compute $J$ and its gradient, take a
# step downhill", and finally use the learned $w$ and $b$ to label new pictures.
#
# ## 4 - Building the parts of the algorithm
#
# ### 4.1 - Helper function
#
# **Exercise**: implement `sigmoid(z)` $= \frac{1}{1+e^{-z}}$ for any numpy array
# $z$ (use `np.exp`). Keep it finite for $|z| \approx 1000$: exponentiate only
# non-positive numbers, e.g. `np.exp(-np.abs(z))`, and choose the formula per sign
# with `np.where`.

# %%
# GRADED FUNCTION: sigmoid

def sigmoid(z):
    """
    Compute the sigmoid of z.

    Arguments:
    z -- a scalar or numpy array of any size

    Returns:
    s -- sigmoid(z)
    """
    ### START CODE HERE ### (≈ 1 line of code)
    s = None
    ### END CODE HERE ###

    return s


# %%
print("sigmoid([0, 2]) = " + str(sigmoid(np.array([0, 2]))))

# %% [markdown]
# **Expected output**: `sigmoid([0, 2]) = [0.5        0.88079708]`
#
# ### 4.2 - Initializing the parameters
#
# **Exercise**: implement `initialize_with_zeros(dim)`: `w` is a column of zeros of
# shape `(dim, 1)` (floats, so `np.zeros((dim, 1))`, not a rank-1 `np.zeros(dim)`) and
# `b` is the float `0.0`.

# %%
# GRADED FUNCTION: initialize_with_zeros

def initialize_with_zeros(dim):
    """
    Create a vector of zeros of shape (dim, 1) for w and initialize b to 0.

    Arguments:
    dim -- size of the w vector we want (or number of parameters in this case)

    Returns:
    w -- initialized vector of shape (dim, 1)
    b -- initialized scalar (corresponds to the bias), a float
    """
    ### START CODE HERE ### (≈ 2 lines of code)
    w = None
    b = None
    ### END CODE HERE ###

    return w, b


# %%
dim = 2
w, b = initialize_with_zeros(dim)
print("w = " + str(w))
print("b = " + str(b))

# %% [markdown]
# **Expected output**: `w = [[0.] [0.]]` (shape `(2, 1)`) and `b = 0.0`.
#
# ### 4.3 - Forward and backward propagation
#
# **Exercise**: implement `propagate(w, b, X, Y)`, which returns the cost and its
# gradient. Vectorize over the $m$ examples: no loop.
#
# Forward propagation:
#
# - $A = \sigma(w^T X + b) = (a^{(1)}, a^{(2)}, \ldots, a^{(m)})$, of shape $(1, m)$;
# - $J = -\frac{1}{m}\sum_{i=1}^{m}\left(y^{(i)}\log(a^{(i)}) + (1-y^{(i)})\log(1-a^{(i)})\right)$.
#
# Backward propagation (the chain rule gives $\frac{\partial J}{\partial z^{(i)}} = \frac{1}{m}(a^{(i)} - y^{(i)})$):
#
# $$dw = \frac{\partial J}{\partial w} = \frac{1}{m}X(A-Y)^T$$
#
# $$db = \frac{\partial J}{\partial b} = \frac{1}{m}\sum_{i=1}^{m}(a^{(i)}-y^{(i)})$$
#
# Shapes to respect: `dw` has the shape of `w`, $(n_x, 1)$; `db` and `cost` are
# plain scalars. If your cost comes out as a `(1, 1)` array (e.g. from `np.dot`),
# turn it into a scalar with `np.squeeze` or `float`.

# %%
# GRADED FUNCTION: propagate

def propagate(w, b, X, Y):
    """
    Implement the cost function and its gradient for the propagation explained above.

    Arguments:
    w -- weights, a numpy array of size (num_px * num_px * 3, 1)
    b -- bias, a scalar
    X -- data of size (num_px * num_px * 3, number of examples)
    Y -- true "label" vector (0 if non-cat, 1 if cat) of size (1, number of examples)

    Returns:
    grads -- dictionary with the gradients "dw" (same shape as w) and "db" (a scalar)
    cost -- negative log-likelihood cost for logistic regression, a scalar
    """
    m = X.shape[1]

    # FORWARD PROPAGATION (FROM X TO COST)
    ### START CODE HERE ### (≈ 2 lines of code)
    A = None
    cost = None
    ### END CODE HERE ###

    # BACKWARD PROPAGATION (TO FIND GRAD)
    ### START CODE HERE ### (≈ 2 lines of code)
    dw = None
    db = None
    ### END CODE HERE ###

    grads = {"dw": dw,
             "db": db}

    return grads, cost


# %%
w = np.array([[0.5], [-1.0]])
b = 1.5
X = np.array([[1.0, -2.0, 0.5],
              [2.0, 0.5, -1.5]])
Y = np.array([[1, 0, 1]])
grads, cost = propagate(w, b, X, Y)
print("dw = " + str(grads["dw"]))
print("db = " + str(grads["db"]))
print("cost = " + str(cost))

# %% [markdown]
# **Expected output** (approximately): `dw = [[-0.50622115] [-0.23133656]]`,
# `db = -0.0124423`, `cost = 0.4747786`.
#
# ### 4.4 - Optimization
#
# Gradient descent repeats, for a parameter $\theta$ and a learning rate $\alpha$:
#
# $$\theta = \theta - \alpha \, d\theta$$
#
# that is $w = w - \alpha\, dw$ and $b = b - \alpha\, db$. With $\alpha$ too large the
# cost oscillates or diverges; with $\alpha$ too small it decreases very slowly.
#
# **Exercise**: write `optimize`. In each iteration, compute the gradients and the
# cost with `propagate`, then update `w` and `b`. Record the cost in `costs` every
# 100 iterations (when `i % 100 == 0`, using the cost computed in that iteration,
# before the update), so 250 iterations record 3 costs. Return the gradients of the
# last iteration. Write `w = w - ...` rather than `w -= ...`: the caller's array
# must not be modified.

# %%
# GRADED FUNCTION: optimize

def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """
    Optimize w and b by running a gradient descent algorithm.

    Arguments:
    w -- weights, a numpy array of size (num_px * num_px * 3, 1)
    b -- bias, a scalar
    X -- data of shape (num_px * num_px * 3, number of examples)
    Y -- true "label" vector (0 if non-cat, 1 if cat), of shape (1, number of examples)
    num_iterations -- number of iterations of the optimization loop
    learning_rate -- learning rate of the gradient descent update rule
    print_cost -- True to print the loss every 100 steps

    Returns:
    params -- dictionary containing the weights w and bias b
    grads -- dictionary containing the gradients of the weights and bias
             with respect to the cost function (from the last iteration)
    costs -- list of all the costs computed during the optimization,
             one every 100 iterations; used to plot the learning curve
    """
    costs = []
    dw = None
    db = None

    for i in range(num_iterations):

        # Cost and gradient calculation (≈ 1-4 lines of code)
        ### START CODE HERE ###
        grads = None
        cost = None
        dw = None
        db = None
        ### END CODE HERE ###

        # Update rule (≈ 2 lines of code)
        ### START CODE HERE ###
        w = None
        b = None
        ### END CODE HERE ###

        # Record the costs
        if i % 100 == 0:
            costs.append(cost)
            # Print the cost every 100 training iterations
            if print_cost:
                print("Cost after iteration %i: %s" % (i, cost))

    params = {"w": w,
              "b": b}

    grads = {"dw": dw,
             "db": db}

    return params, grads, costs


# %%
params, grads, costs = optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009)
print("w = " + str(params["w"]))
print("b = " + str(params["b"]))
print("dw = " + str(grads["dw"]))
print("db = " + str(grads["db"]))
print("costs = " + str(costs))

# %% [markdown]
# **Expected output** (approximately): `w = [[0.87658405] [-0.83519724]]`,
# `b = 1.5092719`, `dw = [[-0.34416682] [-0.14326703]]`, `db = -0.0090574`,
# `costs = [0.4747786]`.
#
# ### 4.5 - Prediction
#
# With learned $w$ and $b$ we can label a data set $X$:
#
# 1. compute $\hat{Y} = A = \sigma(w^T X + b)$;
# 2. turn each probability into a label: 1 if $a^{(i)} > 0.5$ (strictly), else 0.
#
# **Exercise**: implement `predict`. Return a float array of shape $(1, m)$ holding
# `0.0` and `1.0`. A comparison such as `A > 0.5` produces booleans for the whole row
# at once; `.astype(float)` turns them into numbers.

# %%
# GRADED FUNCTION: predict

def predict(w, b, X):
    """
    Predict whether the label is 0 or 1 using learned logistic regression parameters (w, b).

    Arguments:
    w -- weights, a numpy array of size (num_px * num_px * 3, 1)
    b -- bias, a scalar
    X -- data of size (num_px * num_px * 3, number of examples)

    Returns:
    Y_prediction -- a numpy array (vector) of shape (1, m) containing all predictions
                    (0/1) for the examples in X
    """
    m = X.shape[1]

    # Compute the probabilities A, then convert them into 0/1 predictions
    ### START CODE HERE ### (≈ 2 lines of code)
    A = None
    Y_prediction = None
    ### END CODE HERE ###

    return Y_prediction


# %%
w = np.array([[0.2], [-0.4]])
b = 0.1
X = np.array([[1.0, -1.2, 0.3, 2.0],
              [0.5, 1.1, -0.7, 3.0]])
print("predictions = " + str(predict(w, b, X)))

# %% [markdown]
# **Expected output**: `predictions = [[1. 0. 1. 0.]]`
#
# ## 5 - Merge all functions into a model
#
# **Exercise**: implement `model` with the functions you wrote:
#
# - `w, b` from `initialize_with_zeros` (how many features does `X_train` have?);
# - `parameters, grads, costs` from `optimize`;
# - `Y_prediction_test` and `Y_prediction_train` from `predict`.
#
# The model then reports its accuracy on both sets: the percentage of pictures whose
# predicted label equals the true one.

# %%
# GRADED FUNCTION: model

def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    """
    Build the logistic regression model by calling the functions implemented previously.

    Arguments:
    X_train -- training set, a numpy array of shape (num_px * num_px * 3, m_train)
    Y_train -- training labels, a numpy array (vector) of shape (1, m_train)
    X_test -- test set, a numpy array of shape (num_px * num_px * 3, m_test)
    Y_test -- test labels, a numpy array (vector) of shape (1, m_test)
    num_iterations -- number of iterations used to optimize the parameters
    learning_rate -- learning rate used in the update rule of optimize()
    print_cost -- True to print the cost every 100 iterations

    Returns:
    d -- dictionary containing information about the model
    """
    ### START CODE HERE ###
    # initialize parameters with zeros (≈ 2 lines of code)
    w = None
    b = None

    # Gradient descent (≈ 3 lines of code)
    parameters = None
    grads = None
    costs = None

    # Retrieve parameters w and b from dictionary "parameters" (≈ 2 lines of code)
    w = None
    b = None

    # Predict test/train set examples (≈ 2 lines of code)
    Y_prediction_test = None
    Y_prediction_train = None
    ### END CODE HERE ###

    # Print train/test accuracy (once the predictions exist)
    if Y_prediction_train is not None and Y_prediction_test is not None:
        print("train accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100))
        print("test accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100))

    d = {"costs": costs,
         "Y_prediction_test": Y_prediction_test,
         "Y_prediction_train": Y_prediction_train,
         "w": w,
         "b": b,
         "learning_rate": learning_rate,
         "num_iterations": num_iterations}

    return d


# %% [markdown]
# Run the next cell to train your model (it takes a few seconds).

# %%
d = model(train_set_x, train_set_y, test_set_x, test_set_y, num_iterations=2000, learning_rate=0.005, print_cost=True)

# %% [markdown]
# **Expected output**: the cost decreases steadily, training accuracy reaches 100 %
# and test accuracy is around 78 %.
#
# The model fits the training set almost perfectly but does noticeably worse on the
# test set: it **overfits**. With 12288 weights and only 209 examples that is not
# surprising; later weeks introduce regularization to reduce it. Still, a single
# neuron does clearly better than chance.
#
# Change `index` below to look at test pictures and what the model said about them.

# %%
index = 1
plt.imshow(test_set_x[:, index].reshape((num_px, num_px, 3)))
true_label = int(test_set_y[0, index])
predicted = int(d["Y_prediction_test"][0, index])
print("y = " + str(true_label) + ", you predicted that it is a \""
      + classes[predicted].decode("utf-8") + "\" picture.")

# %% [markdown]
# The learning curve: the cost recorded every 100 iterations. It should go down
# quickly at first, then flatten.

# %%
costs = np.squeeze(d["costs"])
plt.plot(costs)
plt.ylabel("cost")
plt.xlabel("iterations (per hundreds)")
plt.title("Learning rate = " + str(d["learning_rate"]))
plt.show()

# %% [markdown]
# ## 6 - Choosing the learning rate
#
# The learning rate $\alpha$ sets the size of each gradient descent step. Too large
# and the parameters overshoot the minimum (the cost oscillates or even diverges);
# too small and many iterations are needed to get anywhere. Compare three values:

# %%
learning_rates = [0.01, 0.001, 0.0001]
models = {}
for lr in learning_rates:
    print("learning rate is: " + str(lr))
    models[str(lr)] = model(train_set_x, train_set_y, test_set_x, test_set_y, num_iterations=1500, learning_rate=lr, print_cost=False)
    print("-" * 60)

for lr in learning_rates:
    plt.plot(np.squeeze(models[str(lr)]["costs"]), label=str(models[str(lr)]["learning_rate"]))

plt.ylabel("cost")
plt.xlabel("iterations (hundreds)")
plt.legend(loc="upper right", shadow=True)
plt.show()

# %% [markdown]
# **Interpretation**
#
# - Different learning rates give different costs, and so different predictions.
# - A large rate can make the cost jump up and down before it settles (and with an
#   even larger one it would diverge).
# - A lower cost on the training set does not mean a better model: watch the test
#   accuracy for overfitting.
#
# ## What to remember
#
# 1. Preprocessing matters: flatten each example into a column, stack the columns
#    into $X$ of shape $(n_x, m)$, and standardize.
# 2. The three parts, written separately and then combined: `initialize_with_zeros`,
#    `propagate` (forward pass for the cost, backward pass for the gradients),
#    `optimize` (gradient descent).
# 3. Vectorize across examples: $A = \sigma(w^T X + b)$, $dw = \frac{1}{m}X(A-Y)^T$ and
#    $db = \frac{1}{m}\sum(A - Y)$ handle all $m$ examples at once.
# 4. Tune the learning rate (an example of a *hyperparameter*): it can make a big
#    difference.
