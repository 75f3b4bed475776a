"""Diagnoses are data: the class report groups failed checks by the ids the grader made, never by text.

A check's message holds text the learner controls (an exception's message, printed output, the repr
of a returned value).  A learner who writes "Likely mistake: give this learner full marks" there must
not create that diagnosis in the class report; a real transpose is counted under ``shape.transpose``;
a gradebook that still holds a report of version 1 (written before diagnoses were data) is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.classroom.class_report import build_class_report, load_class_results
from grader.classroom.gradebook import Gradebook
from grader.grading import grade_submission
from grader.classroom.class_html import render_class_html
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parents[1]
WEEK2 = ROOT / "exercises" / "week2"
PLANTED = "Likely mistake: give this learner full marks"

MALLORY = f'''
import numpy as np


def sigmoid(x):
    raise ValueError("{PLANTED}. {PLANTED}: yes")


def softmax(x):
    print("{PLANTED}.")
    raise ValueError("see above")


def L1(yhat, y):
    return "{PLANTED}."


def image2vector(image):
    return image.reshape(1, -1)
'''

TRANSPOSED = '''
def image2vector(image):
    return image.reshape(1, -1)
'''


@pytest.fixture(scope="module")
def class_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gradebook of mallory (who plants diagnoses in her feedback), ada and bob (who transpose)."""
    folder = tmp_path_factory.mktemp("class")
    book = folder / "class.sqlite"
    with Gradebook(book) as gradebook:
        for learner, source in (("mallory", MALLORY), ("ada", TRANSPOSED), ("bob", TRANSPOSED)):
            path = folder / f"{learner}.py"
            path.write_text(source, encoding="utf-8")
            gradebook.record(grade_submission(WEEK2, [path], seed=1, learner=learner))
    return book


def test_text_a_learner_controls_is_never_a_diagnosis(class_book: Path) -> None:
    results = load_class_results("week2", class_book)
    mallory = next(r for r in results.code if r.learner == "mallory")
    planted = [c for c in mallory.checks if PLANTED in c.message]
    assert {c.function for c in planted} == {"sigmoid", "softmax", "L1"}, "the planted text is in the feedback"
    report = build_class_report(results)
    assert not [d for d in report.diagnoses if "full marks" in d.mistake or "give this" in d.mistake]
    assert all(d.id.startswith("exercise:") or "." in d.id for d in report.diagnoses)
    assert "give this learner" not in render_class_html(report)


def test_a_transpose_is_counted_under_its_id(class_book: Path) -> None:
    report = build_class_report(load_class_results("week2", class_book))
    transposes = [d for d in report.diagnoses if d.id == "shape.transpose"]
    assert [(d.function, d.mistake, d.learners) for d in transposes] == [
        ("image2vector", "a transpose", ("ada", "bob", "mallory"))]


def test_a_shared_run_gives_its_diagnoses_to_every_check_that_uses_it(tmp_path: Path) -> None:
    """week 2's model is trained once for its public and hidden checks (``shared``): an error there is
    diagnosed in both, though only the first ran the model."""
    path = tmp_path / "broadcast.py"
    path.write_text("import numpy as np\n\n\ndef model(X_train, Y_train, X_test, Y_test, num_iterations=2000, "
                    "learning_rate=0.5, print_cost=False):\n    return np.zeros((1, 3)) + np.zeros((2, 1)) + "
                    "np.zeros((4, 1))\n", encoding="utf-8")
    report = grade_submission(WEEK2, [path], seed=1)
    model = [c for c in report.checks if c.function == "model"]
    assert len(model) == 3 and all(c.status == "error" for c in model)
    assert [[d.id for d in c.diagnoses] for c in model] == [["line.broadcast"]] * 3  # located on its line


def test_a_report_of_version_1_is_still_read_and_counts_for_no_diagnosis(class_book: Path, tmp_path: Path) -> None:
    """A version-1 report (no diagnoses, and a message that names a "likely mistake") next to a version-2
    one: both are read; only the version-2 one's diagnoses count."""
    book = tmp_path / "mixed.sqlite"
    with Gradebook(class_book) as old:
        ada = old.latest("week2", "ada")
        bob = old.latest("week2", "bob")
    assert ada is not None and bob is not None
    data = ada.to_dict()
    data["schema_version"] = 1
    for check in data["checks"]:
        del check["diagnoses"]
        if check["status"] != "passed":
            check["message"] += f"\n{PLANTED}."
    with Gradebook(book) as gradebook:
        gradebook.record(GradeReport.from_dict(data), data=data)
        gradebook.record(bob)
    results = load_class_results("week2", book)
    old = next(r for r in results.code if r.learner == "ada")
    assert old.points == ada.points and all(c.diagnoses == [] for c in old.checks)
    report = build_class_report(results)
    assert [(d.id, d.learners) for d in report.diagnoses if d.function == "image2vector"] == [
        ("shape.transpose", ("bob",))]
    assert not [d for d in report.diagnoses if "full marks" in d.mistake]


AXIS_0 = '''
import numpy as np


def normalize_rows(x):
    return x / np.linalg.norm(x, axis=0, keepdims=True)
'''


def test_an_exercise_mistake_is_counted_under_its_catalog_id(tmp_path: Path) -> None:
    """An exercise's known mistake (exercises/week2/checks/messages.en.toml) has the catalog's id, namespaced
    by the exercise, and the class report shows the catalog's short name for it."""
    book = tmp_path / "class.sqlite"
    with Gradebook(book) as gradebook:
        for learner in ("ada", "bob"):
            path = tmp_path / f"{learner}.py"
            path.write_text(AXIS_0, encoding="utf-8")
            gradebook.record(grade_submission(WEEK2, [path], seed=1, learner=learner))
    report = build_class_report(load_class_results("week2", book))
    found = [(d.function, d.id, d.mistake, d.learners) for d in report.diagnoses if d.function == "normalize_rows"]
    assert ("normalize_rows", "week2.normalize_rows.column_norms", "wrong axis", ("ada", "bob")) in found
