# %% [markdown]
# # Softmax classifier
#
# The softmax classifier uses the same linear scores as the SVM, $s = xW$, but reads them
# as unnormalized log-probabilities and trains them with the **cross-entropy loss**. In
# this notebook you will:
#
# - implement the softmax loss and its gradient with loops (naive), in a numerically
#   stable way;
# - check your gradient numerically;
# - implement a fully vectorized version;
# - train a softmax classifier with stochastic gradient descent.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - The naive version may loop over the examples; the vectorized version must not.
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.

# %% [markdown]
# ## 1 - Packages and data
#
# The same synthetic CIFAR-like pictures as in the SVM notebook (`load_cifar_like()`
# draws them from a fixed seed: nothing is downloaded), with the same preprocessing:
# one example per row, mean image subtracted, a bias feature of 1 appended.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt
from cifar_like import CLASSES, load_cifar_like
from gradient_check import grad_check_sparse

# %matplotlib inline
plt.rcParams["figure.figsize"] = (10.0, 8.0)

# %%
X_train, y_train, X_test, y_test = load_cifar_like()
num_training, num_validation, num_dev = 1800, 200, 100
X_val, y_val = X_train[num_training:], y_train[num_training:]
X_train, y_train = X_train[:num_training], y_train[:num_training]
dev_rng = np.random.default_rng(0)
dev_idx = dev_rng.choice(num_training, num_dev, replace=False)
X_dev, y_dev = X_train[dev_idx], y_train[dev_idx]

X_train = X_train.reshape(X_train.shape[0], -1)
X_val = X_val.reshape(X_val.shape[0], -1)
X_test = X_test.reshape(X_test.shape[0], -1)
X_dev = X_dev.reshape(X_dev.shape[0], -1)

mean_image = np.mean(X_train, axis=0)
X_train, X_val, X_test, X_dev = (X - mean_image for X in (X_train, X_val, X_test, X_dev))
X_train, X_val, X_test, X_dev = (np.hstack([X, np.ones((X.shape[0], 1))]) for X in (X_train, X_val, X_test, X_dev))
print("Train data shape: ", X_train.shape)
print("Validation data shape: ", X_val.shape)
print("Test data shape: ", X_test.shape)
print("Dev data shape: ", X_dev.shape)

# %% [markdown]
# ## 2 - The softmax loss
#
# For example $x_i$ with scores $s = x_i W$, the softmax function turns the scores into
# probabilities, and the loss is minus the log-probability of the correct class:
#
# $$p_j = \frac{e^{s_j}}{\sum_{k} e^{s_k}}, \qquad L_i = -\log p_{y_i} = -s_{y_i} + \log\sum_k e^{s_k}$$
#
# As for the SVM, the full loss averages over the $N$ examples and adds
# $\lambda \sum W^2$ (`reg * np.sum(W * W)`, gradient $2\lambda W$; not the
# $\frac{1}{2}\lambda\sum W^2$ of some older versions of the course):
#
# $$L = \frac{1}{N}\sum_{i=1}^{N} L_i + \lambda \sum_{k}\sum_{l} W_{k,l}^2$$
#
# The log is the **natural** logarithm, `np.log`. For the lecture's cat picture (scores
# cat 3.2, car 5.1, frog -1.7) the probabilities are 0.13, 0.87 and 0.00, and
# $L = -\ln 0.13 = 2.04$.
#
# **Numerical stability.** $e^{1000}$ overflows to `inf`, and `inf / inf` is `nan`. Since
# multiplying the numerator and the denominator by $e^{-\max_k s_k}$ changes nothing,
#
# $$p_j = \frac{e^{s_j - \max_k s_k}}{\sum_k e^{s_k - \max_k s_k}}$$
#
# where every exponent is $\le 0$: shift the scores by their maximum before `np.exp`.
#
# ### The gradient
#
# $\frac{\partial L_i}{\partial s_j} = p_j - \mathbb{1}(j = y_i)$, so column $j$ of $W$ gets
# $(p_j - \mathbb{1}(j = y_i))\, x_i$ from example $i$. In matrix form, with $P$ the
# $(N, C)$ probabilities and $Y$ the one-hot labels:
#
# $$dW = \frac{1}{N} X^T (P - Y) + 2\lambda W$$
#
# **Exercise**: implement `softmax_loss_naive` with a loop over the examples.

# %%
# GRADED FUNCTION: softmax_loss_naive

def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)
    num_classes = W.shape[1]
    num_train = X.shape[0]

    for i in range(num_train):
        ### START CODE HERE ### (≈ 3 lines of code)
        scores = None     # the C scores of example i, shifted by their maximum
        probs = None      # the softmax probabilities of example i
        ### END CODE HERE ###
        for j in range(num_classes):
            ### START CODE HERE ### (≈ 2 lines of code)
            # add (probs[j] - 1 if j == y[i] else probs[j]) * X[i] to column j of dW
            pass
            ### END CODE HERE ###
        ### START CODE HERE ### (≈ 1 line of code)
        # add -log(probs[y[i]]) to the loss
        ### END CODE HERE ###

    # Average over the examples, then add the regularization (loss and gradient).
    ### START CODE HERE ### (≈ 4 lines of code)
    loss = None
    dW = None
    ### END CODE HERE ###

    return loss, dW


# %% [markdown]
# The lecture's cat picture: scores cat 3.2, car 5.1, frog -1.7 (the picture is the
# indicator of the first feature, so its scores are the first row of $W$).

# %%
W_lecture = np.array([[3.2, 5.1, -1.7],
                      [1.3, 4.9, 2.0],
                      [2.2, 2.5, -3.1],
                      [0.5, -0.25, 0.75]])
loss, _ = softmax_loss_naive(W_lecture, np.eye(3, 4)[:1], np.array([0]), 0.0)
print("loss of the cat picture = " + str(loss))

# %% [markdown]
# **Expected output**: `loss of the cat picture = 2.04` (more precisely 2.0401...).
#
# **Sanity check.** With small random weights all ten classes are about equally likely,
# so the loss should be close to $-\log(0.1) = \log(10) \approx 2.303$.

# %%
W = np.random.default_rng(1).normal(size=(3073, 10)) * 0.0001
loss, grad = softmax_loss_naive(W, X_dev, y_dev, 0.0)
print("loss: %f" % loss)
print("sanity check: %f" % (-np.log(0.1)))

# %% [markdown]
# ### Gradient check
#
# The softmax loss is smooth, so the relative errors should be tiny (below 1e-5).

# %%
loss, grad = softmax_loss_naive(W, X_dev, y_dev, 0.0)
f = lambda w: softmax_loss_naive(w, X_dev, y_dev, 0.0)[0]
grad_check_sparse(f, W, grad)

loss, grad = softmax_loss_naive(W, X_dev, y_dev, 5e1)
f = lambda w: softmax_loss_naive(w, X_dev, y_dev, 5e1)[0]
grad_check_sparse(f, W, grad)

# %% [markdown]
# ### Large scores
#
# A well-trained network can produce scores in the hundreds or thousands. Your loss must
# stay finite there: if this prints `nan` or `inf`, shift the scores by their maximum.

# %%
W_big = np.zeros((4, 3))
W_big[-1] = [1000.0, 1001.0, 999.0]          # the bias row: scores around 1000
X_big = np.array([[0.5, -1.0, 2.0, 1.0], [1.5, 0.2, -0.3, 1.0]])
loss, grad = softmax_loss_naive(W_big, X_big, np.array([0, 2]), 0.0)
print("loss = " + str(loss) + ", any nan in dW: " + str(np.any(np.isnan(grad))))

# %% [markdown]
# **Expected output**: `loss = 1.9076...` and `any nan in dW: False`.
#
# ## 3 - The vectorized softmax loss
#
# Without any loop: compute all the scores `X.dot(W)` (shape $(N, C)$), subtract each
# row's maximum (`np.max(scores, axis=1, keepdims=True)`), turn them into probabilities
# row by row, pick the correct-class entries with `probs[np.arange(N), y]`, and for the
# gradient subtract 1 at the correct classes before `X.T.dot(...)`.
#
# **Exercise**: implement `softmax_loss_vectorized`.

# %%
# GRADED FUNCTION: softmax_loss_vectorized

def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    num_train = X.shape[0]

    ### START CODE HERE ### (≈ 5 lines of code)
    scores = None     # (N, C), each row shifted by its maximum
    probs = None      # (N, C), each row sums to 1
    loss = None
    ### END CODE HERE ###

    ### START CODE HERE ### (≈ 3 lines of code)
    dW = None
    ### END CODE HERE ###

    return loss, dW


# %%
tic = time.time()
loss_naive, grad_naive = softmax_loss_naive(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("naive loss: %e computed in %fs" % (loss_naive, toc - tic))

tic = time.time()
loss_vectorized, grad_vectorized = softmax_loss_vectorized(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("vectorized loss: %e computed in %fs" % (loss_vectorized, toc - tic))

print("Loss difference: %f" % np.abs(loss_naive - loss_vectorized))
print("Gradient difference: %f" % np.linalg.norm(grad_naive - grad_vectorized, ord="fro"))

# %% [markdown]
# **Expected output**: a loss difference and a gradient difference of `0.000000`.
#
# ## 4 - Training
#
# The same minibatch stochastic gradient descent as for the SVM, with your vectorized
# softmax loss.

# %%
def train_linear(loss_fn, X, y, learning_rate=1e-7, reg=2.5e4, num_iters=300, batch_size=200, seed=0):
    rng = np.random.default_rng(seed)
    W = 0.001 * rng.normal(size=(X.shape[1], int(np.max(y)) + 1))
    history = []
    for it in range(num_iters):
        batch = rng.choice(X.shape[0], batch_size)
        loss, grad = loss_fn(W, X[batch], y[batch], reg)
        W = W - learning_rate * grad
        history.append(loss)
    return W, history


W_softmax, loss_history = train_linear(softmax_loss_vectorized, X_train, y_train)
plt.plot(loss_history)
plt.xlabel("Iteration number")
plt.ylabel("Loss value")
plt.show()

train_accuracy = np.mean(np.argmax(X_train.dot(W_softmax), axis=1) == y_train)
val_accuracy = np.mean(np.argmax(X_val.dot(W_softmax), axis=1) == y_val)
print("training accuracy: %f, validation accuracy: %f" % (train_accuracy, val_accuracy))

# %% [markdown]
# Chance is 10%. As with the SVM, tune the learning rate and the regularization strength
# on the validation set, then look at the learned class templates:

# %%
w = W_softmax[:-1, :].reshape(32, 32, 3, 10)
w_min, w_max = np.min(w), np.max(w)
for c, name in enumerate(CLASSES):
    plt.subplot(2, 5, c + 1)
    plt.imshow((255.0 * (w[:, :, :, c] - w_min) / (w_max - w_min)).astype("uint8"))
    plt.axis("off")
    plt.title(name)
plt.show()
