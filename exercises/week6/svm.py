# %% [markdown]
# # Multiclass Support Vector Machine
#
# A linear classifier gives every class a score, $s = xW$, and predicts the class with
# the largest score. Training it needs a **loss function** that says how unhappy we are
# with the scores, and the **gradient** of that loss with respect to $W$. In this
# notebook you will:
#
# - implement the multiclass SVM (hinge) loss and its gradient with loops (naive);
# - check your gradient numerically;
# - implement a fully vectorized version and compare the speed of the two;
# - use it to train a linear classifier with stochastic gradient descent.
#
# **How to work**
#
# - Write your code only between `### START CODE HERE ###` and
#   `### END CODE HERE ###`, replacing the `None` placeholders.
# - The naive version may loop over the examples and the classes; the vectorized
#   version must not loop over the examples.
# - Cells starting with `# GRADED FUNCTION: name` are graded from their definitions
#   alone: keep the function names and arguments exactly as given.

# %% [markdown]
# ## 1 - Packages
#
# - [numpy](https://numpy.org) for arrays and vectorized maths;
# - [matplotlib](https://matplotlib.org) to look at pictures and plot curves;
# - `cifar_like` (next to this notebook) provides the data set;
# - `gradient_check` provides `grad_check_sparse`, the numeric gradient check.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt
from cifar_like import CLASSES, load_cifar_like
from gradient_check import grad_check_sparse

# %matplotlib inline
plt.rcParams["figure.figsize"] = (10.0, 8.0)

# %% [markdown]
# ## 2 - The data set
#
# CIFAR-10 holds 60,000 colour pictures of 32 x 32 pixels in ten classes. This exercise
# uses a small **synthetic** stand-in with the same format: `load_cifar_like()` draws
# 2,000 training and 200 test pictures from a fixed seed, so nothing is downloaded and
# everybody gets the same data. Pixel values are floats between 0 and 255.

# %%
X_train, y_train, X_test, y_test = load_cifar_like()
print("Training data shape: ", X_train.shape)
print("Training labels shape: ", y_train.shape)
print("Test data shape: ", X_test.shape)
print("Test labels shape: ", y_test.shape)

# %% [markdown]
# A few examples of each class:

# %%
samples_per_class = 6
for c, name in enumerate(CLASSES):
    idxs = np.flatnonzero(y_train == c)[:samples_per_class]
    for row, idx in enumerate(idxs):
        plt.subplot(samples_per_class, len(CLASSES), row * len(CLASSES) + c + 1)
        plt.imshow(X_train[idx].astype("uint8"))
        plt.axis("off")
        if row == 0:
            plt.title(name)
plt.show()

# %% [markdown]
# ### Preprocessing
#
# - Split off a **validation** set (to choose hyperparameters) and a small
#   **development** set (to check our code quickly).
# - Unroll each picture into a row: the data matrix $X$ has shape $(N, D)$, **one example
#   per row**, with $D = 32 \cdot 32 \cdot 3 = 3072$.
# - Subtract the mean image of the training set, so that every feature is centred.
# - **Bias trick**: append a feature that is always 1, so that the last row of $W$ acts as
#   the bias vector and $s = xW$ needs no separate $b$. Now $D = 3073$.

# %%
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
print(X_train.shape, X_val.shape, X_test.shape, X_dev.shape)

# %% [markdown]
# ## 3 - The multiclass SVM loss
#
# With $W$ of shape $(D, C)$, example $x_i$ (a row of $X$) gets the scores
# $s = x_i W$, one per class. Its correct class $y_i$ should score higher than every other
# class by at least a margin $\Delta = 1$:
#
# $$L_i = \sum_{j \neq y_i} \max\left(0,\; s_j - s_{y_i} + 1\right)$$
#
# The sum skips $j = y_i$ (that term would always be $\max(0, 1) = 1$). The full loss
# averages over the $N$ examples and adds an L2 regularization of strength $\lambda$
# (`reg`):
#
# $$L = \frac{1}{N}\sum_{i=1}^{N} L_i + \lambda \sum_{k}\sum_{l} W_{k,l}^2$$
#
# **Regularization convention.** Some versions of the course write
# $\frac{1}{2}\lambda\sum W^2$ (gradient $\lambda W$). This exercise, and its grader, use
# $\lambda \sum W^2$, in code `reg * np.sum(W * W)`, whose gradient is $2\lambda W$.
#
# **The lecture's example.** For a cat picture with scores cat 3.2, car 5.1, frog -1.7:
# $L = \max(0, 5.1 - 3.2 + 1) + \max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = 2.9$.
#
# ### The gradient
#
# Write $w_j$ for column $j$ of $W$, so that $s_j = x_i w_j$. Each term with a positive
# margin ($s_j - s_{y_i} + 1 > 0$, $j \neq y_i$) contributes
#
# $$\nabla_{w_j} L_i \mathrel{+}= x_i, \qquad \nabla_{w_{y_i}} L_i \mathrel{-}= x_i$$
#
# so column $y_i$ receives $-x_i$ **once for each positive margin** of example $i$.
# Average over the examples and add the gradient of the regularization, $2\lambda W$.
#
# **Exercise**: implement `svm_loss_naive` with loops over the examples and the classes.

# %%
# GRADED FUNCTION: svm_loss_naive

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

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
    dW = np.zeros(W.shape)  # initialize the gradient as zero
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0

    for i in range(num_train):
        ### START CODE HERE ### (≈ 2 lines of code)
        scores = None                 # the C scores of example i
        correct_class_score = None    # the score of its correct class y[i]
        ### END CODE HERE ###
        for j in range(num_classes):
            if j == y[i]:
                continue
            ### START CODE HERE ### (≈ 5 lines of code)
            # the margin of class j; when it is positive, add it to the loss,
            # add X[i] to column j of dW and subtract X[i] from column y[i]
            margin = None
            ### END CODE HERE ###

    # Average over the examples, then add the regularization (loss and gradient).
    ### START CODE HERE ### (≈ 4 lines of code)
    loss = None
    dW = None
    ### END CODE HERE ###

    return loss, dW


# %% [markdown]
# The lecture's three pictures (cat, car, frog) as a tiny problem: picture $i$ is the
# indicator of feature $i$, so its scores are exactly row $i$ of $W$.

# %%
W_lecture = np.array([[3.2, 5.1, -1.7],
                      [1.3, 4.9, 2.0],
                      [2.2, 2.5, -3.1],
                      [0.5, -0.25, 0.75]])
X_lecture = np.eye(3, 4)
y_lecture = np.array([0, 1, 2])
loss, _ = svm_loss_naive(W_lecture, X_lecture[:1], y_lecture[:1], 0.0)
print("loss of the cat picture = " + str(loss))
loss, _ = svm_loss_naive(W_lecture, X_lecture, y_lecture, 0.0)
print("average loss of the three pictures = " + str(loss))

# %% [markdown]
# **Expected output**: `loss of the cat picture = 2.9` and
# `average loss of the three pictures = 5.27` (that is $(2.9 + 0 + 12.9) / 3$, up to
# rounding in the last digits).
#
# With small random weights every score is close to 0, so each of the $C - 1 = 9$ wrong
# classes has a margin close to 1: the loss should be close to 9.

# %%
W = np.random.default_rng(1).normal(size=(3073, 10)) * 0.0001
loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.000005)
print("loss: %f" % (loss,))

# %% [markdown]
# ### Gradient check
#
# An analytic gradient is easy to get subtly wrong, so compare it with centred
# differences $\frac{L(W + h e_k) - L(W - h e_k)}{2h}$ at a few random entries. The hinge
# has kinks (where a margin is exactly 0), so an occasional relative error around 1e-3 is
# not alarming; errors around 1 are. Check without and then with regularization.

# %%
loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.0)
f = lambda w: svm_loss_naive(w, X_dev, y_dev, 0.0)[0]
grad_check_sparse(f, W, grad)

loss, grad = svm_loss_naive(W, X_dev, y_dev, 5e1)
f = lambda w: svm_loss_naive(w, X_dev, y_dev, 5e1)[0]
grad_check_sparse(f, W, grad)

# %% [markdown]
# ## 4 - The vectorized SVM loss
#
# Now compute the same loss and gradient without any loop:
#
# 1. all the scores at once, `scores = X.dot(W)`, shape $(N, C)$;
# 2. the correct-class scores, `scores[np.arange(N), y]`, as a column $(N, 1)$;
# 3. the margins `np.maximum(0, scores - correct + 1)`, with the correct class set to 0;
# 4. for the gradient, a matrix of shape $(N, C)$ holding 1 where a margin is positive and
#    $-(\text{number of positive margins of row } i)$ at $(i, y_i)$; then
#    `dW = X.T.dot(that matrix) / N + 2 * reg * W`.
#
# **Exercise**: implement `svm_loss_vectorized`.

# %%
# GRADED FUNCTION: svm_loss_vectorized

def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    num_train = X.shape[0]

    ### START CODE HERE ### (≈ 5 lines of code)
    scores = None       # (N, C)
    margins = None      # (N, C), zero at the correct class
    loss = None
    ### END CODE HERE ###

    ### START CODE HERE ### (≈ 4 lines of code)
    dW = None
    ### END CODE HERE ###

    return loss, dW


# %% [markdown]
# The two versions must agree, and the vectorized one should be much faster.

# %%
tic = time.time()
loss_naive, grad_naive = svm_loss_naive(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Naive loss: %e computed in %fs" % (loss_naive, toc - tic))

tic = time.time()
loss_vectorized, grad_vectorized = svm_loss_vectorized(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Vectorized loss: %e computed in %fs" % (loss_vectorized, toc - tic))

print("loss difference: %f" % (loss_naive - loss_vectorized))
print("gradient difference: %f" % np.linalg.norm(grad_naive - grad_vectorized, ord="fro"))

# %% [markdown]
# **Expected output**: a loss difference and a gradient difference of `0.000000`.
#
# ## 5 - Stochastic gradient descent
#
# With a fast loss and gradient we can train: repeatedly take a random minibatch, compute
# the loss and gradient on it, and step against the gradient, $W \leftarrow W - \alpha\, dW$.

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


tic = time.time()
W_svm, loss_history = train_linear(svm_loss_vectorized, X_train, y_train)
print("training took %fs" % (time.time() - tic))
plt.plot(loss_history)
plt.xlabel("Iteration number")
plt.ylabel("Loss value")
plt.show()

# %%
train_accuracy = np.mean(np.argmax(X_train.dot(W_svm), axis=1) == y_train)
val_accuracy = np.mean(np.argmax(X_val.dot(W_svm), axis=1) == y_val)
print("training accuracy: %f, validation accuracy: %f" % (train_accuracy, val_accuracy))

# %% [markdown]
# Chance is 10%. Try other learning rates and regularization strengths and keep the pair
# with the best validation accuracy. Each column of $W$ (without the bias row) is a
# "template" picture for its class:

# %%
w = W_svm[:-1, :].reshape(32, 32, 3, 10)
w_min, w_max = np.min(w), np.max(w)
for c, name in enumerate(CLASSES):
    plt.subplot(2, 5, c + 1)
    plt.imshow((255.0 * (w[:, :, :, c] - w_min) / (w_max - w_min)).astype("uint8"))
    plt.axis("off")
    plt.title(name)
plt.show()
