"""A submission split over several files grades the same whatever the order the files come in, and
files cut out of one notebook (one function each, using each other's names) run as one namespace."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from grader.ingest.submission import load_submission
from grader.grading import grade_submission

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
SPLIT = ROOT / "tests" / "fixtures" / "split"
FILES = [SPLIT / "a_propagate.py", SPLIT / "b_sigmoid.py", SPLIT / "c_optimize.py"]


SPLIT_FUNCTIONS = ("sigmoid", "propagate", "optimize")


def points(report) -> dict[str, float]:
    return {f.name: f.points for f in report.functions if f.name in SPLIT_FUNCTIONS}


def maxima(report) -> dict[str, float]:
    return {f.name: f.max_points for f in report.functions if f.name in SPLIT_FUNCTIONS}


@pytest.fixture(scope="module")
def graded() -> dict[tuple[str, ...], object]:
    return {tuple(p.name for p in order): grade_submission(EXERCISE, list(order), seed=3)
            for order in itertools.permutations(FILES)}


def test_every_order_grades_the_same_and_in_full(graded) -> None:
    first = next(iter(graded.values()))
    assert points(first) == maxima(first) and all(maxima(first).values())
    assert all(points(report) == points(first) for report in graded.values()), {
        order: points(report) for order, report in graded.items()}


def test_a_file_that_imports_another_is_loaded_after_it() -> None:
    submission = load_submission([FILES[2], FILES[1], FILES[0]], graded=["sigmoid", "propagate", "optimize"])
    order = [m.name for m in submission.modules]
    assert order.index("a_propagate") < order.index("c_optimize")


def test_names_used_from_another_file_are_borrowed_with_a_note() -> None:
    submission = load_submission(FILES, graded=["sigmoid", "propagate", "optimize"])
    modules = {m.name: m for m in submission.modules}
    assert modules["a_propagate"].borrowed == {"sigmoid": "b_sigmoid"}
    assert modules["c_optimize"].borrowed == {}  # it imports what it uses
    notes = [n for n in submission.notes if n.kind == "shared-namespace"]
    assert len(notes) == 1 and "sigmoid" in notes[0].message and "b_sigmoid.py" in notes[0].message


def test_a_name_a_file_defines_itself_is_never_replaced(tmp_path: Path) -> None:
    """Borrowing only fills what is missing: a file's own sigmoid (even a wrong one) stays its own."""
    own = tmp_path / "a_propagate.py"
    own.write_text("def sigmoid(z):\n    return z\n\n" + FILES[0].read_text(encoding="utf-8"), encoding="utf-8")
    report = grade_submission(EXERCISE, [own, FILES[1]], seed=3)
    assert points(report)["propagate"] < maxima(report)["propagate"]
    assert load_submission([own, FILES[1]], graded=["propagate"]).modules[0].borrowed == {}
