"""Hidden checks do not show their expected values; public checks still do (SECURITY.md, issue 11).

A learner whose functions are wrong by a factor is graded on week 2 while every value the reference
returns is recorded, with whether a hidden check (a file under solutions/) asked for it.
No expected value of a hidden check (an array's rendering, any of its entries, a scalar) appears in a
hidden check's feedback, which still says what is wrong (what was received, how far off, the
diagnosis); the public checks of the same functions show their expected values as before.  A course
that reveals expected values (after its deadline) gets them back with ``reveal_expected``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from sandbox_helpers import EXERCISE, FAST, SOLUTIONS

from grader.checks import CheckFailure, expect_array, expect_gradient, expect_scalar, show
from grader.checks.context import CheckContext, enter, leave
from grader.model.exercise import Exercise
from grader.grading import grade_submission
from grader.model.report import GradeReport

WRONG = '''
import numpy as np


def sigmoid(x):
    return 2.0 / (1.0 + np.exp(-x))


def L1(yhat, y):
    return 3.0 * float(np.sum(np.abs(y - yhat)))


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = 1.0 / (1.0 + np.exp(-(np.dot(w.T, X) + b)))
    grads = {"dw": 2.0 * np.dot(X, (A - Y).T) / m, "db": 2.0 * float(np.sum(A - Y)) / m}
    return grads, -3.0 * float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
'''


def asked_by_a_hidden_check() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if Path(frame.f_code.co_filename).resolve().is_relative_to(SOLUTIONS / "checks"):
            return True
        frame = frame.f_back
    return False


class RecordingReference:
    """The reference, noting every value it returns and whether a hidden check asked for it."""

    def __init__(self, reference: object, returned: list[tuple[bool, object]]) -> None:
        self._reference, self._returned = reference, returned

    def __getattr__(self, name: str) -> object:
        function = getattr(self._reference, name)

        def call(*args: object, **kwargs: object) -> object:
            value = function(*args, **kwargs)
            self._returned.append((asked_by_a_hidden_check(), value))
            return value

        return call


def numbers(value: object) -> list[float]:
    """Every number in a reference's returned value (arrays, dicts and tuples of them)."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers(item)]
    if isinstance(value, (tuple, list)):
        return [n for item in value for n in numbers(item)]
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return [float(v) for v in value.ravel()]
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return [float(value)]
    return []


def renderings(value: object, digits: int = 4) -> list[str]:
    """How feedback shows an expected value: whole arrays, and every entry and scalar to 8 digits (those
    with at least ``digits`` significant digits: "0.5" is in many texts)."""
    texts = [show(v) for v in _arrays(value) if v.size > 1]
    return texts + [text for text in map(show, numbers(value)) if len(re.sub(r"\D", "", text).lstrip("0")) >= digits]


def _arrays(value: object) -> list[np.ndarray]:
    if isinstance(value, dict):
        return [a for item in value.values() for a in _arrays(item)]
    if isinstance(value, (tuple, list)):
        return [a for item in value for a in _arrays(item)]
    return [value] if isinstance(value, np.ndarray) else []


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[GradeReport, list[tuple[bool, object]]]:
    folder = tmp_path_factory.mktemp("wrong")
    (folder / "wrong.py").write_text(WRONG, encoding="utf-8")
    returned: list[tuple[bool, object]] = []
    load = Exercise.load_reference
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Exercise, "load_reference", lambda self: RecordingReference(load(self), returned))
        report = grade_submission(EXERCISE, [folder / "wrong.py"], seed=1, limits=FAST)
    return report, returned


FUNCTIONS = ("sigmoid", "L1", "propagate")


def test_hidden_checks_show_no_expected_value_while_public_checks_do(graded) -> None:
    report, returned = graded
    hidden = [c for c in report.checks if c.hidden and c.function in FUNCTIONS and c.status == "failed"]
    assert {c.function for c in hidden} == set(FUNCTIONS), "every function failed a hidden check"
    secrets = [text for was_hidden, value in returned if was_hidden for text in renderings(value)]
    assert len(secrets) > 50
    for check in hidden:
        for secret in secrets:
            assert secret not in check.message, f"{check.name} shows the expected {secret!r}:\n{check.message}"
        assert "expected:" not in check.message, check.message
    public = [c for c in report.checks if not c.hidden and c.function in FUNCTIONS and c.status == "failed"]
    assert {c.function for c in public} == set(FUNCTIONS)
    shown = [text for was_hidden, value in returned if not was_hidden for text in renderings(value, digits=1)]
    for check in public:
        assert "expected: " in check.message, check.message
        assert any(text in check.message for text in shown), check.message


def test_hidden_checks_still_say_what_is_wrong(graded) -> None:
    report, _ = graded
    sigmoid = next(c for c in report.checks if c.name == "sigmoid_random_matrix")
    assert sigmoid.message.startswith("sigmoid(x) has the right shape but wrong values: ")
    assert "received: [[" in sigmoid.message and "off by about" in sigmoid.message
    assert "Your values are 2 times the expected ones" in sigmoid.message  # the diagnosis stays
    l1 = next(c for c in report.checks if c.name == "L1_random")
    assert l1.message.startswith("L1(yhat, y) is wrong.\n  received: ")
    assert "off by about 200% of the expected value" in l1.message
    # One number is a multiple of any other: no factor is claimed from it, but the traced re-run finds the line.
    assert "3 times the expected ones" not in l1.message
    assert "return 3.0 * float(np.sum(np.abs(y - yhat)))" in l1.message


# -- the comparison helpers, in a hidden check, and revealed ---------------------------------------------------


def failure(call, *args, hidden: bool, reveal: bool = False, **kwargs) -> str:
    token = enter(CheckContext(hidden=hidden, reveal_expected=reveal))
    try:
        with pytest.raises(CheckFailure) as info:
            call(*args, **kwargs)
    finally:
        leave(token)
    return str(info.value)


WANT = np.array([[0.12345678], [0.87654321], [0.5555555]])


@pytest.mark.parametrize("call, got, want, secret", [
    (expect_array, WANT + 0.25, WANT, "0.12345678"),
    (expect_array, WANT + 0.25, WANT, "0.12346"),
    (expect_scalar, 0.25, 0.87654321, "0.87654321"),
    (expect_gradient, WANT + 0.25, WANT, "0.12345678"),
], ids=["array-entry", "array-rendering", "scalar", "gradient"])
def test_helpers_hide_expected_values_in_hidden_checks_unless_revealed(call, got, want, secret) -> None:
    assert secret in failure(call, got, want, name="x", hidden=False)
    assert secret not in failure(call, got, want, name="x", hidden=True)
    assert secret in failure(call, got, want, name="x", hidden=True, reveal=True)
