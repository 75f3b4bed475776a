"""Reference solution of week 6, part 1: the multiclass SVM (hinge) loss.

Layout of CS231n assignment 1: W is (D, C), X is (N, D) with one example per row,
y is (N,) with labels in [0, C). The loss is averaged over the N examples, the margin
is delta = 1, and the regularization is reg * np.sum(W * W) (gradient 2 * reg * W).
"""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

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
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    loss /= num_train
    dW /= num_train

    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    num_train = X.shape[0]
    rows = np.arange(num_train)

    scores = X.dot(W)                                   # (N, C)
    correct = scores[rows, y][:, np.newaxis]            # (N, 1)
    margins = np.maximum(0.0, scores - correct + 1.0)   # (N, C)
    margins[rows, y] = 0.0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)

    positive = (margins > 0).astype(float)              # (N, C): 1 where the margin counts
    positive[rows, y] = -np.sum(positive, axis=1)       # the correct class, once per positive margin
    dW = X.T.dot(positive) / num_train + 2 * reg * W
    return loss, dW
