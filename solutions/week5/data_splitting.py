"""Reference solution for week 5, part 2: splitting data into a training and a test set.

Data is column-major as everywhere in the course: X has shape (n_x, m), Y has shape (1, m).
"""

from __future__ import annotations

import math

import numpy as np


def train_test_split(X, Y, test_size=0.25, seed=0, stratify=False):
    """Split the m examples at random into a training set and a test set.

    Arguments:
    X -- data of shape (n_x, m)
    Y -- labels of shape (1, m)
    test_size -- fraction of the examples that go to the test set (between 0 and 1); the test
                 set holds n_test = ceil(test_size * m) examples, the training set the rest
    seed -- seed of the shuffle: the same seed gives the same split
    stratify -- if True, every class of Y keeps its proportion: a class with m_c examples puts
                floor(test_size * m_c) or ceil(test_size * m_c) of them into the test set

    Returns:
    X_train -- shape (n_x, m - n_test)
    X_test -- shape (n_x, n_test)
    Y_train -- shape (1, m - n_test)
    Y_test -- shape (1, n_test)
    """
    m = X.shape[1]
    n_test = int(math.ceil(test_size * m))  # rounded up, as scikit-learn does
    rng = np.random.RandomState(seed)
    if not stratify:
        permutation = rng.permutation(m)
        test, train = permutation[:n_test], permutation[n_test:]
    else:
        labels = Y.reshape(-1)
        classes = np.unique(labels)
        members = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
        wanted = np.array([test_size * len(idx) for idx in members])
        counts = np.floor(wanted).astype(int)
        # Hand the examples still missing to the classes with the largest remainders.
        missing = n_test - int(counts.sum())
        counts[np.argsort(counts - wanted, kind="stable")[:missing]] += 1
        test = rng.permutation(np.concatenate([idx[:k] for idx, k in zip(members, counts)]))
        train = rng.permutation(np.concatenate([idx[k:] for idx, k in zip(members, counts)]))
    return X[:, train], X[:, test], Y[:, train], Y[:, test]
