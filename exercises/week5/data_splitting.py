# %% [markdown]
# # Splitting data into a training set and a test set
#
# A model is judged on examples it never saw during training. Before training, set
# part of the data aside as a **test set**; train on the rest (the **training set**)
# and measure the final accuracy on the test set only. (With a third part, the
# validation or "dev" set, you can also choose hyperparameters without touching the
# test set: split twice.)
#
# Three details make a split trustworthy:
#
# - **Shuffle.** Data files are often sorted: by class, by date, by source. Taking the
#   last 25% of a file sorted by class would put only one class in the test set. Pick
#   the test examples at random.
# - **A seed.** The same seed must give the same split, so that experiments can be
#   repeated and compared.
# - **Stratification** (optional). With unbalanced classes, a random test set may by
#   chance hold too few examples of a rare class. A *stratified* split keeps every
#   class's proportion: a class with $m_c$ examples puts about
#   $\text{test\_size} \times m_c$ of them into the test set.
#
# You will write `train_test_split`, in the spirit of scikit-learn's function of the
# same name, for the course's column-major data: `X` has shape $(n_x, m)$ (one example
# per column) and `Y` has shape $(1, m)$.
#
# **How to work**: write your code only between `### START CODE HERE ###` and
# `### END CODE HERE ###`, replacing the `None` placeholders. The cell starting with
# `# GRADED FUNCTION: train_test_split` is graded from its definition alone.

# %%
import math

import numpy as np

from opt_utils import load_labelled_table

# %% [markdown]
# ## 1 - The rules
#
# - The test set holds $n_{test} = \lceil \text{test\_size} \times m \rceil$ examples
#   (rounded **up**, as scikit-learn does): `n_test = int(math.ceil(test_size * m))`.
#   The training set holds the other $m - n_{test}$.
# - Every example lands in exactly one of the two sets, and keeps its label: the
#   columns of `X` and `Y` are moved with the **same** indices.
# - Without stratification: shuffle the indices $0, \dots, m-1$ with a permutation
#   drawn from `seed`, for example `np.random.RandomState(seed).permutation(m)` (or
#   `np.random.seed(seed)` then `np.random.permutation(m)`); the first $n_{test}$
#   shuffled indices form the test set, the others the training set.
# - With `stratify=True`, treat each class of `Y` separately: shuffle the indices of
#   the class, put $\lfloor \text{test\_size} \times m_c \rfloor$ or
#   $\lceil \text{test\_size} \times m_c \rceil$ of them into the test set, and join the
#   classes' parts. (Any choice between the two roundings is accepted; choosing them so
#   that the total is $\lceil \text{test\_size} \times m \rceil$ keeps the sizes of the
#   unstratified split.)
# - The order of the examples inside each set does not matter.
#
# Useful: `np.unique(labels)` gives the classes, `np.flatnonzero(labels == c)` the
# indices of class `c`, `np.concatenate` joins index arrays, and `X[:, indices]` selects
# columns.

# %%
# GRADED FUNCTION: train_test_split

def train_test_split(X, Y, test_size=0.25, seed=0, stratify=False):
    """
    Split the examples at random into a training set and a test set.

    Arguments:
    X -- data, numpy array of shape (n_x, m)
    Y -- labels, numpy array of shape (1, m)
    test_size -- fraction of the examples in the test set (between 0 and 1)
    seed -- seed of the shuffle: the same seed gives the same split
    stratify -- if True, every class of Y keeps its proportion in the test set

    Returns:
    X_train -- numpy array of shape (n_x, m - n_test)
    X_test -- numpy array of shape (n_x, n_test), with n_test = ceil(test_size * m)
    Y_train -- numpy array of shape (1, m - n_test)
    Y_test -- numpy array of shape (1, n_test)
    """
    m = X.shape[1]
    rng = np.random.RandomState(seed)

    ### START CODE HERE ### (≈ 1 line of code)
    n_test = None
    ### END CODE HERE ###

    if not stratify:
        ### START CODE HERE ### (≈ 3 lines of code)
        permutation = None
        test_idx = None
        train_idx = None
        ### END CODE HERE ###
    else:
        labels = Y.reshape(-1)
        test_parts, train_parts = [], []
        for c in np.unique(labels):
            ### START CODE HERE ### (≈ 4 lines of code)
            members = None   # the shuffled indices of class c
            n_c = None       # how many of them go to the test set
            test_parts.append(None)
            train_parts.append(None)
            ### END CODE HERE ###
        test_idx = np.concatenate(test_parts)
        train_idx = np.concatenate(train_parts)

    ### START CODE HERE ### (≈ 4 lines of code)
    X_train = None
    X_test = None
    Y_train = None
    Y_test = None
    ### END CODE HERE ###

    return X_train, X_test, Y_train, Y_test


# %% [markdown]
# ## 2 - Try it
#
# `load_labelled_table()` returns 200 examples of 3 classes (120, 60 and 20 examples),
# **sorted by class**, as many data files are.

# %%
X, Y = load_labelled_table()
print("X shape:", X.shape, " Y shape:", Y.shape)
print("first labels:", Y[0, :8], " last labels:", Y[0, -8:])

X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.25, seed=1)
print("X_train", X_train.shape, "X_test", X_test.shape, "Y_train", Y_train.shape, "Y_test", Y_test.shape)
print("test examples per class:", np.unique(Y_test, return_counts=True)[1])

# %% [markdown]
# **Expected output**: shapes `(4, 150)`, `(4, 50)`, `(1, 150)`, `(1, 50)`. The counts
# per class in the test set depend on your permutation; without stratification they
# are only *about* 30, 15 and 5.

# %%
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.25, seed=1, stratify=True)
print("test examples per class:", np.unique(Y_test, return_counts=True)[1])

# %% [markdown]
# **Expected output**: `test examples per class: [30 15  5]`, a quarter of each class.
#
# Call the function twice with the same seed: you must get the same split. With
# another seed, another one.

# %%
first = train_test_split(X, Y, 0.25, seed=3)[1]
again = train_test_split(X, Y, 0.25, seed=3)[1]
other = train_test_split(X, Y, 0.25, seed=4)[1]
print("same seed, same test set:", np.array_equal(first, again))
print("other seed, other test set:", not np.array_equal(first, other))
