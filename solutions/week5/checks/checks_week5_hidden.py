"""Hidden checks of week 5: fresh random inputs per submission, and the classic mistakes.

Every input comes from ``rng`` (seeded per submission and per check).  Update rules run on
multi-layer parameter dictionaries with nonzero optimizer states, whose matrices are never
square and never of width 1.  Mini-batches and splits are graded by their properties;
training is graded by the cost the learner's update rule reaches inside a trusted
training loop, relative to the reference's on the same data and mini-batches.

The course's templates update ``parameters`` and ``v``/``s`` in place: that is accepted
here, only the returned values are graded.
"""

from __future__ import annotations

import math

import numpy as np
from problems_week5 import (
    adam_outputs,
    batches_of,
    check_adagrad,
    check_adam,
    check_gd,
    check_momentum,
    check_rmsprop,
    column_data,
    cost_and_grads,
    expect_batch_sizes,
    expect_shuffled_batches,
    expect_shuffled_split,
    expect_stratified,
    expect_trains_like,
    expect_zero_state,
    layer_dims,
    mini_batch_order,
    moons,
    network,
    parameter_problem,
    split_indices,
    split_parts,
    state_like,
    train,
)

from grader.checks import check, expect_tuple, fail, say

# -- Training runs: the learner's update inside the reference's loop -----------------

EPOCHS, BATCH = 3, 32


def _training(rng, reference, learner_step, reference_step, make_state, optimizer):
    """Train the same network on the same mini-batches with both steps; compare final costs."""
    X, Y = moons(rng, 100)
    parameters = network(rng)
    start, _ = cost_and_grads(parameters, X, Y)

    def batches(epoch):
        return reference.random_mini_batches(X, Y, BATCH, epoch)

    want = train(reference_step, make_state(parameters), parameters, X, Y, batches, EPOCHS)
    got = train(learner_step, make_state(parameters), parameters, X, Y, batches, EPOCHS)
    expect_trains_like(got, want, start, optimizer=optimizer)


def _pair(result, names, function):
    return expect_tuple(result, names, function=function)


# -- update_parameters_with_gd -----------------------------------------------------------


@check("update_parameters_with_gd", points=2)
def test_update_parameters_with_gd_random(learner, reference, rng):
    """One step on random 2-layer and 3-layer networks with a random learning rate."""
    for layers in (2, 3):
        parameters, grads = parameter_problem(rng, layer_dims(rng, layers))
        check_gd(learner, reference, parameters, grads, float(rng.uniform(0.01, 0.5)))


@check("update_parameters_with_gd")
def test_update_parameters_with_gd_trains(learner, reference, rng):
    """A few epochs of mini-batch gradient descent reach the reference's cost."""
    lr = 0.5
    _training(
        rng, reference,
        lambda p, g, state, t: (learner.update_parameters_with_gd(p, g, lr), state),
        lambda p, g, state, t: (reference.update_parameters_with_gd(p, g, lr), state),
        lambda p: None, say("week5.optimizer.gd"))


# -- random_mini_batches ---------------------------------------------------------------


def _batch_problem(rng, *, exact: bool):
    size = int(rng.choice([8, 16, 32]))
    full = int(rng.integers(2, 5))
    m = size * full if exact else size * full + int(rng.integers(1, size))
    n_x = int(rng.integers(3, 7))
    X, Y = column_data(rng, n_x, m)
    return X, Y, size


@check("random_mini_batches")
def test_random_mini_batches_partial_batch(learner, rng):
    """Random m and mini_batch_size: the full mini-batches, then the smaller last one."""
    X, Y, size = _batch_problem(rng, exact=False)
    batches = batches_of(learner.random_mini_batches(X, Y, size, int(rng.integers(0, 100))))
    expect_batch_sizes(batches, X.shape[0], 1, X.shape[1], size)


@check("random_mini_batches")
def test_random_mini_batches_exact_multiple(learner, rng):
    """When m is a multiple of mini_batch_size there is no partial (or empty) last batch."""
    X, Y, size = _batch_problem(rng, exact=True)
    batches = batches_of(learner.random_mini_batches(X, Y, size, int(rng.integers(0, 100))))
    expect_batch_sizes(batches, X.shape[0], 1, X.shape[1], size)


@check("random_mini_batches", points=2)
def test_random_mini_batches_examples(learner, rng):
    """Every example exactly once, X and Y columns still paired, and really shuffled."""
    X, Y, size = _batch_problem(rng, exact=False)
    batches = batches_of(learner.random_mini_batches(X, Y, size, int(rng.integers(0, 100))))
    expect_batch_sizes(batches, X.shape[0], 1, X.shape[1], size)
    expect_shuffled_batches(mini_batch_order(batches, X, Y))


@check("random_mini_batches")
def test_random_mini_batches_seed(learner, rng):
    """The same seed gives the same mini-batches; another seed gives another shuffle."""
    X, Y, size = _batch_problem(rng, exact=False)
    seed = int(rng.integers(0, 100))
    orders = []
    for s in (seed, seed, seed + 1):
        batches = batches_of(learner.random_mini_batches(X, Y, size, s))
        expect_batch_sizes(batches, X.shape[0], 1, X.shape[1], size)
        orders.append(mini_batch_order(batches, X, Y))
    if not np.array_equal(orders[0], orders[1]):
        fail(say("week5.mini_batches.seed_differs", seed=seed))
    if np.array_equal(orders[0], orders[2]):
        fail(say("week5.mini_batches.seed_ignored", seed=seed, other=seed + 1))


# -- initialize_velocity / initialize_adam ----------------------------------------------


@check("initialize_velocity")
def test_initialize_velocity_random(learner, rng):
    """Zeros shaped like every W and b of a random network (L = 2 or 3 layers)."""
    parameters, _ = parameter_problem(rng)
    expect_zero_state(learner.initialize_velocity(parameters), parameters, name="v")


@check("initialize_adam")
def test_initialize_adam_random(learner, rng):
    """v and s are zeros shaped like every W and b of a random network."""
    parameters, _ = parameter_problem(rng)
    v, s = expect_tuple(learner.initialize_adam(parameters), ["v", "s"], function="initialize_adam")
    expect_zero_state(v, parameters, name="v")
    expect_zero_state(s, parameters, name="s")


# -- update_parameters_with_momentum ---------------------------------------------------


@check("update_parameters_with_momentum", points=2)
def test_update_parameters_with_momentum_random(learner, reference, rng):
    """One step from a random (nonzero) velocity, random beta and learning rate (2 and 3 layers)."""
    for layers in (2, 3):
        parameters, grads = parameter_problem(rng, layer_dims(rng, layers))
        v = state_like(rng, grads, scale=0.3)
        check_momentum(learner, reference, parameters, grads, v, float(rng.uniform(0.5, 0.95)),
                       float(rng.uniform(0.01, 0.3)))


@check("update_parameters_with_momentum")
def test_update_parameters_with_momentum_trains(learner, reference, rng):
    """A few epochs of momentum reach the reference's cost."""
    beta, lr = 0.9, 0.5

    def learner_step(p, g, v, t):
        return _pair(learner.update_parameters_with_momentum(p, g, v, beta, lr), ["parameters", "v"],
                     "update_parameters_with_momentum")

    _training(rng, reference, learner_step,
              lambda p, g, v, t: reference.update_parameters_with_momentum(p, g, v, beta, lr),
              reference.initialize_velocity, say("week5.optimizer.momentum"))


# -- update_parameters_with_adam -------------------------------------------------------


@check("update_parameters_with_adam", points=2)
def test_update_parameters_with_adam_random(learner, reference, rng):
    """Step t (random, 2..12) from random moments, with random hyperparameters (2 and 3 layers)."""
    for layers in (2, 3):
        parameters, grads = parameter_problem(rng, layer_dims(rng, layers))
        v = state_like(rng, grads, scale=0.3)
        s = state_like(rng, grads, positive=True, scale=0.3)
        t = int(rng.integers(2, 13))
        args = (parameters, grads, v, s, t, float(rng.uniform(0.005, 0.05)), float(rng.uniform(0.8, 0.95)),
                float(rng.uniform(0.99, 0.9995)), 1e-8)
        check_adam(learner, reference, args)


@check("update_parameters_with_adam")
def test_update_parameters_with_adam_epsilon(learner, reference, rng):
    """With a large epsilon (0.02) and small gradients, epsilon's place in the formula shows."""
    parameters, grads = parameter_problem(rng, grad_scale=0.03)
    v, s = reference.initialize_adam(parameters)
    args = (parameters, grads, v, s, int(rng.integers(2, 6)), 0.01, 0.9, 0.999, 0.02)
    check_adam(learner, reference, args, only_parameters=True)


@check("update_parameters_with_adam")
def test_update_parameters_with_adam_trains(learner, reference, rng):
    """A few epochs of Adam (t = 1, 2, 3, ... one per step) reach the reference's cost."""
    lr = 0.02

    def learner_step(p, g, state, t):
        new_p, v, s, _, _ = adam_outputs(learner.update_parameters_with_adam(p, g, *state, t, lr))
        return new_p, (v, s)

    def reference_step(p, g, state, t):
        new_p, v, s, _, _ = reference.update_parameters_with_adam(p, g, *state, t, lr)
        return new_p, (v, s)

    _training(rng, reference, learner_step, reference_step, reference.initialize_adam, say("week5.optimizer.adam"))


# -- update_parameters_with_rmsprop ----------------------------------------------------


@check("update_parameters_with_rmsprop", points=2)
def test_update_parameters_with_rmsprop_random(learner, reference, rng):
    """One step from random running averages, random beta and learning rate (2 and 3 layers)."""
    for layers in (2, 3):
        parameters, grads = parameter_problem(rng, layer_dims(rng, layers))
        s = state_like(rng, grads, positive=True, scale=0.3)
        args = (parameters, grads, s, float(rng.uniform(0.8, 0.99)), float(rng.uniform(0.005, 0.05)), 1e-8)
        check_rmsprop(learner, reference, args)


@check("update_parameters_with_rmsprop")
def test_update_parameters_with_rmsprop_epsilon(learner, reference, rng):
    """With a large epsilon (0.02) and small gradients, epsilon's place in the formula shows."""
    parameters, grads = parameter_problem(rng, grad_scale=0.03)
    s = state_like(rng, grads, positive=True, scale=1e-3)
    check_rmsprop(learner, reference, (parameters, grads, s, 0.9, 0.01, 0.02), only_parameters=True)


@check("update_parameters_with_rmsprop")
def test_update_parameters_with_rmsprop_trains(learner, reference, rng):
    """A few epochs of RMSprop reach the reference's cost."""
    beta, lr = 0.9, 0.01

    def learner_step(p, g, s, t):
        return _pair(learner.update_parameters_with_rmsprop(p, g, s, beta, lr), ["parameters", "s"],
                     "update_parameters_with_rmsprop")

    _training(rng, reference, learner_step,
              lambda p, g, s, t: reference.update_parameters_with_rmsprop(p, g, s, beta, lr),
              reference.initialize_velocity, say("week5.optimizer.rmsprop"))


# -- update_parameters_with_adagrad ----------------------------------------------------


@check("update_parameters_with_adagrad", points=2)
def test_update_parameters_with_adagrad_random(learner, reference, rng):
    """One step from a random (positive) cache and a random learning rate (2 and 3 layers)."""
    for layers in (2, 3):
        parameters, grads = parameter_problem(rng, layer_dims(rng, layers))
        cache = state_like(rng, grads, positive=True, scale=2.0)
        check_adagrad(learner, reference, (parameters, grads, cache, float(rng.uniform(0.005, 0.1)), 1e-8))


@check("update_parameters_with_adagrad")
def test_update_parameters_with_adagrad_epsilon(learner, reference, rng):
    """With a large epsilon (0.02) and small gradients, epsilon's place in the formula shows."""
    parameters, grads = parameter_problem(rng, grad_scale=0.03)
    cache = state_like(rng, grads, positive=True, scale=1e-3)
    check_adagrad(learner, reference, (parameters, grads, cache, 0.01, 0.02), only_parameters=True)


@check("update_parameters_with_adagrad")
def test_update_parameters_with_adagrad_trains(learner, reference, rng):
    """A few epochs of Adagrad reach the reference's cost."""
    lr = 0.05

    def learner_step(p, g, cache, t):
        return _pair(learner.update_parameters_with_adagrad(p, g, cache, lr), ["parameters", "cache"],
                     "update_parameters_with_adagrad")

    _training(rng, reference, learner_step,
              lambda p, g, cache, t: reference.update_parameters_with_adagrad(p, g, cache, lr),
              reference.initialize_velocity, say("week5.optimizer.adagrad"))


# -- train_test_split ------------------------------------------------------------------


def _split_problem(rng, *, fraction_low: float, fraction_high: float):
    """X, Y, test_size with test_size * m having a fractional part in [low, high] (rounding shows)."""
    while True:
        test_size = float(rng.choice([0.15, 0.2, 0.3, 0.35]))
        m = int(rng.integers(30, 90))
        frac = test_size * m - math.floor(test_size * m)
        if fraction_low <= frac <= fraction_high:
            X, Y = column_data(rng, int(rng.integers(3, 6)), m)
            return X, Y, test_size


@check("train_test_split")
def test_train_test_split_sizes(learner, rng):
    """Test set of ceil(test_size * m) examples for two random m and test_size (rounding shows)."""
    for low, high in ((0.15, 0.45), (0.55, 0.85)):
        X, Y, test_size = _split_problem(rng, fraction_low=low, fraction_high=high)
        split_parts(learner.train_test_split(X, Y, test_size, int(rng.integers(0, 100))), X, Y, test_size)


@check("train_test_split", points=2)
def test_train_test_split_examples(learner, rng):
    """Every example lands exactly once in X_train or X_test, with its own label."""
    X, Y, test_size = _split_problem(rng, fraction_low=0.1, fraction_high=0.9)
    parts = split_parts(learner.train_test_split(X, Y, test_size, int(rng.integers(0, 100))), X, Y, test_size)
    split_indices(parts, X, Y)


@check("train_test_split")
def test_train_test_split_shuffles(learner, rng):
    """The test set is drawn from the whole data set, not the first or last block of columns."""
    X, Y, test_size = _split_problem(rng, fraction_low=0.1, fraction_high=0.9)
    parts = split_parts(learner.train_test_split(X, Y, test_size, int(rng.integers(0, 100))), X, Y, test_size)
    train, test = split_indices(parts, X, Y)
    expect_shuffled_split(train, test, X.shape[1])


@check("train_test_split")
def test_train_test_split_seed(learner, rng):
    """Same seed, same split; another seed, another test set (with and without stratify)."""
    X, Y, test_size = _split_problem(rng, fraction_low=0.1, fraction_high=0.9)
    seed = int(rng.integers(0, 100))
    for stratify in (False, True):
        tests = []
        for s in (seed, seed, seed + 1):
            parts = split_parts(learner.train_test_split(X, Y, test_size, s, stratify), X, Y, test_size, stratify)
            tests.append(split_indices(parts, X, Y)[1])
        if not np.array_equal(tests[0], tests[1]):
            fail(say("week5.train_test_split.seed_differs", seed=seed, stratify=stratify))
        if set(tests[0].tolist()) == set(tests[2].tolist()):
            fail(say("week5.train_test_split.seed_ignored", seed=seed, other=seed + 1, stratify=stratify))


@check("train_test_split", points=2)
def test_train_test_split_stratified(learner, rng):
    """stratify=True keeps each class's share of the test set (three unbalanced, three-class data sets)."""
    for sort in (False, False, True):
        m = int(rng.integers(150, 240))
        X, Y = column_data(rng, int(rng.integers(3, 6)), m, classes=3, proportions=[0.6, 0.3, 0.1])
        if sort:
            Y = np.sort(Y, axis=1)  # data sorted by class, as files often are
        test_size = float(rng.choice([0.2, 0.25, 0.3]))
        parts = split_parts(learner.train_test_split(X, Y, test_size, int(rng.integers(0, 100)), True),
                            X, Y, test_size, stratify=True)
        _, test = split_indices(parts, X, Y)
        expect_stratified(Y, test, test_size)
