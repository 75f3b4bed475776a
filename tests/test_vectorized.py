"""expect_vectorized: what it calls, on which problem, and when it fails."""

from __future__ import annotations

import time

import pytest

from grader.checks import expect_vectorized
from grader.checks.compare import CheckFailure

LOOPED = "def predict(X):\n    m = X.shape[1]\n    for i in range(m):\n        pass\n"
VECTORIZED = "def predict(X):\n    return X > 0\n"


class FakeLearnerFunction:
    """Records the arguments of each timed call; each call 'takes' ``seconds``."""

    def __init__(self, source: str, seconds: float) -> None:
        self.source, self.graded, self.located = source, "predict", None
        self._seconds, self.calls = seconds, []

    def seconds(self, *args, repeat: int = 3):
        self.calls.append((args, repeat))
        return self._seconds

    def timed(self, *args, repeat: int = 1):
        return self.seconds(*args, repeat=repeat), self.value

    value = None  # what each call returns (the reference functions below return None)


def _no_build():
    raise AssertionError("the large problem was built for source without a loop")


def test_source_without_a_loop_runs_once_on_the_quick_problem_and_never_builds_the_large_one():
    learner = FakeLearnerFunction(VECTORIZED, seconds=5.0)
    note = expect_vectorized(learner, lambda X: X, _no_build, m=4000, quick_args=("small",))
    assert learner.calls == [(("small",), 1)]
    assert "no Python loop" in note


def test_without_quick_args_the_one_call_uses_the_problem():
    learner = FakeLearnerFunction(VECTORIZED, seconds=5.0)
    expect_vectorized(learner, lambda X: X, ("large",), m=4000)
    assert learner.calls == [(("large",), 1)]


def test_a_loop_is_timed_on_the_large_problem_and_fails_when_much_slower():
    built = []

    def problem():
        built.append(1)
        return ("large",)

    learner = FakeLearnerFunction(LOOPED, seconds=1.0)
    with pytest.raises(CheckFailure, match="loops over the examples"):
        expect_vectorized(learner, lambda X: time.sleep(1e-4), problem, m=4000, quick_args=("small",))
    assert built == [1]
    assert all(args == ("large",) for args, _ in learner.calls)


def test_a_loop_that_is_fast_enough_passes():
    learner = FakeLearnerFunction(LOOPED, seconds=1e-6)
    note = expect_vectorized(learner, lambda X: time.sleep(1e-3), lambda: ("large",), m=4000, quick_args=("small",))
    assert learner.calls == [(("large",), 1)]
    assert "is vectorized" in note


def test_a_loop_is_believed_fast_only_with_the_right_result():
    """A timed call that returns nothing (a reply sent before the work) or a wrong result is not
    taken for a fast function: learner code can answer its own call through the pipe."""
    import numpy as np

    want = (np.arange(4.0).reshape(1, 4), {"cache": 1})
    for wrong in (None, (np.zeros((1, 4)), {}), (np.arange(4.0).reshape(4, 1), {}), "fast"):
        learner = FakeLearnerFunction(LOOPED, seconds=1e-6)
        learner.value = wrong
        with pytest.raises(CheckFailure, match="could not be judged"):
            expect_vectorized(learner, lambda X: want, ("large",), m=4000)
    learner = FakeLearnerFunction(LOOPED, seconds=1e-6)
    learner.value = (np.arange(4.0).reshape(1, 4), {"another": "cache layout"})  # extras may differ
    assert "is vectorized" in expect_vectorized(learner, lambda X: want, ("large",), m=4000)
