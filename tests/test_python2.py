"""Python 2 era code gets a diagnosis that names Python 2 and the fix, not "define it"."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.checks.python2 import python2_hint, python2_import_hint, python2_syntax_hint
from grader.grading import grade_submission

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
FIXTURE = ROOT / "tests" / "fixtures" / "python2" / "python2_era.py"


@pytest.fixture(scope="module")
def report():
    return grade_submission(EXERCISE, [FIXTURE])


def messages(report, function: str) -> list[str]:
    found = [c.message for c in report.checks if c.function == function and c.max_points > 0]
    assert found, f"no check graded {function}"
    return found


@pytest.mark.parametrize("function, words", [
    ("sigmoid", ["does not parse", "Python 2", "print(...)"]),  # a print statement
    ("L1", ["Python 2", "xrange", "range(...)"]),  # xrange, after `from past.builtins import xrange` failed
    ("L2", ["Python 2", ".iteritems()", "items()"]),
    ("initialize_with_zeros", ["Python 2", "//"]),  # dim / 1 as a size
])
def test_each_python2_mistake_is_named(report, function: str, words: list[str]) -> None:
    for message in messages(report, function):
        assert all(w in message for w in words), message
        assert "was not found in your files" not in message and "which your submission does not define" not in message


def test_the_failed_python2_import_says_why(report) -> None:
    notes = [n.message for n in report.notes if n.kind == "import-failed"]
    assert notes and "'past'" in notes[0] and "Python 2" in notes[0]


def test_python3_errors_get_no_python2_hint() -> None:
    assert python2_hint("NameError", "name 'np' is not defined", "") is None
    assert python2_hint("AttributeError", "'dict' object has no attribute 'shape'", "") is None
    assert python2_hint("TypeError", "'float' object cannot be interpreted as an integer", "np.zeros(n * 0.5)") is None
    assert python2_syntax_hint("invalid syntax") is None
    assert python2_import_hint("No module named 'matplotlib'") is None
    assert python2_import_hint("No module named 'future.utils'") is not None
