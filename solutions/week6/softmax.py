"""Reference solution of week 6, part 2: the softmax (cross-entropy) loss.

Same layout and conventions as the SVM part: W (D, C), X (N, D), y (N,), the loss
averaged over N plus reg * np.sum(W * W) (gradient 2 * reg * W). The scores are
shifted by their row maximum before np.exp, so large scores do not overflow.
"""

import numpy as np


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
    loss = 0.0
    dW = np.zeros_like(W, dtype=float)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)          # shift: the largest score becomes 0
        exp_scores = np.exp(scores)
        total = np.sum(exp_scores)
        loss += np.log(total) - scores[y[i]]      # -log(exp(s_y) / sum_j exp(s_j))
        for j in range(num_classes):
            p = exp_scores[j] / total
            dW[:, j] += (p - (j == y[i])) * X[i]

    loss /= num_train
    dW /= num_train

    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    num_train = X.shape[0]
    rows = np.arange(num_train)

    scores = X.dot(W)                                          # (N, C)
    scores = scores - np.max(scores, axis=1, keepdims=True)    # numerical stability
    log_norm = np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    log_probs = scores - log_norm                              # log softmax, (N, C)
    loss = -np.sum(log_probs[rows, y]) / num_train + reg * np.sum(W * W)

    dscores = np.exp(log_probs)                                # probabilities
    dscores[rows, y] -= 1.0
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
