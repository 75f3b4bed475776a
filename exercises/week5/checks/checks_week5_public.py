"""Public checks of week 5: the notebook's small fixed examples.

Run by `grade submit exercises/week5`; the hidden checks (in solutions/) repeat each
function on fresh random inputs seeded per submission.  Mini-batches and splits are
checked by their properties, not by one particular shuffled order.
"""

from __future__ import annotations

import numpy as np
from problems_week5 import (
    batches_of,
    check_adagrad,
    check_adam,
    check_gd,
    check_momentum,
    check_rmsprop,
    column_data,
    example_problem,
    expect_batch_sizes,
    expect_shuffled_batches,
    expect_shuffled_split,
    expect_stratified,
    expect_zero_state,
    mini_batch_order,
    split_indices,
    split_parts,
)

from grader.checks import check, expect_tuple

# -- Part 1: optimization methods ----------------------------------------------------


@check("update_parameters_with_gd")
def test_update_parameters_with_gd_example(learner, reference):
    """One gradient-descent step on the notebook's 3 -> 2 -> 4 example, learning rate 0.01."""
    parameters, grads = example_problem()
    check_gd(learner, reference, parameters, grads, 0.01)


@check("random_mini_batches")
def test_random_mini_batches_sizes_example(learner):
    """148 examples in mini-batches of 64: sizes 64, 64 and a last partial batch of 20."""
    X, Y = column_data(np.random.default_rng(3), n_x=4, m=148)
    batches = batches_of(learner.random_mini_batches(X, Y, 64, 0))
    expect_batch_sizes(batches, 4, 1, 148, 64)


@check("random_mini_batches")
def test_random_mini_batches_examples_example(learner):
    """Every example appears exactly once, shuffled, with its own label."""
    X, Y = column_data(np.random.default_rng(3), n_x=4, m=148)
    batches = batches_of(learner.random_mini_batches(X, Y, 64, 0))
    expect_shuffled_batches(mini_batch_order(batches, X, Y))


@check("initialize_velocity")
def test_initialize_velocity_example(learner):
    """v["dW1"], v["db1"], v["dW2"], v["db2"] are zeros shaped like W1, b1, W2, b2."""
    parameters, _ = example_problem()
    expect_zero_state(learner.initialize_velocity(parameters), parameters, name="v")


@check("update_parameters_with_momentum", points=2)
def test_update_parameters_with_momentum_example(learner, reference):
    """One momentum step from zero velocities, beta = 0.9, learning rate 0.01."""
    parameters, grads = example_problem()
    v = reference.initialize_velocity(parameters)
    check_momentum(learner, reference, parameters, grads, v, 0.9, 0.01)


@check("initialize_adam")
def test_initialize_adam_example(learner):
    """v and s are zeros keyed dW1, db1, dW2, db2."""
    parameters, _ = example_problem()
    v, s = expect_tuple(learner.initialize_adam(parameters), ["v", "s"], function="initialize_adam")
    expect_zero_state(v, parameters, name="v")
    expect_zero_state(s, parameters, name="s")


@check("update_parameters_with_adam", points=2)
def test_update_parameters_with_adam_example(learner, reference):
    """The second Adam step (t = 2) from zero moments, with the default hyperparameters."""
    parameters, grads = example_problem()
    v, s = reference.initialize_adam(parameters)
    check_adam(learner, reference, (parameters, grads, v, s, 2, 0.01, 0.9, 0.999, 1e-8))


@check("update_parameters_with_rmsprop")
def test_update_parameters_with_rmsprop_example(learner, reference):
    """One RMSprop step from zero averages, beta = 0.999, learning rate 0.01."""
    parameters, grads = example_problem()
    s = reference.initialize_velocity(parameters)
    check_rmsprop(learner, reference, (parameters, grads, s, 0.999, 0.01, 1e-8))


@check("update_parameters_with_adagrad")
def test_update_parameters_with_adagrad_example(learner, reference):
    """One Adagrad step from an empty cache, learning rate 0.01."""
    parameters, grads = example_problem()
    cache = reference.initialize_velocity(parameters)
    check_adagrad(learner, reference, (parameters, grads, cache, 0.01, 1e-8))


# -- Part 2: splitting the data -------------------------------------------------------


@check("train_test_split", points=2)
def test_train_test_split_example(learner):
    """40 examples, test_size 0.25: 30 for training, 10 for testing, shuffled, labels kept."""
    X, Y = column_data(np.random.default_rng(5), n_x=3, m=40)
    parts = split_parts(learner.train_test_split(X, Y, 0.25, 0), X, Y, 0.25)
    train, test = split_indices(parts, X, Y)
    expect_shuffled_split(train, test, 40)


@check("train_test_split")
def test_train_test_split_stratified_example(learner):
    """stratify=True on 45 examples of class 0 and 15 of class 1: the test set keeps the 3 : 1 ratio."""
    X = np.random.default_rng(6).normal(size=(3, 60))
    Y = np.array([[0.0] * 45 + [1.0] * 15])
    parts = split_parts(learner.train_test_split(X, Y, 0.25, 1, True), X, Y, 0.25, stratify=True)
    _, test = split_indices(parts, X, Y)
    expect_stratified(Y, test, 0.25)
