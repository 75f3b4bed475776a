"""Exercise validation: a good exercise passes, and each kind of breakage is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from grader.model.exercise import load_exercise
from grader.authoring.validate import validate_exercise

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def week2_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "exercises" / "week2", tmp_path / "exercises" / "week2")
    shutil.copytree(ROOT / "solutions" / "week2", tmp_path / "solutions" / "week2")
    return tmp_path / "exercises" / "week2"


def problems(exercise: Path) -> list[str]:
    return validate_exercise(load_exercise(exercise))


def test_shipped_week2_is_valid():
    assert problems(ROOT / "exercises" / "week2") == []


def test_reference_that_fails_is_named(week2_copy):
    reference = week2_copy.parent.parent / "solutions" / "week2" / "python_basics.py"
    # The reference is also the expectation, so break a property checks demand of any answer.
    reference.write_text(reference.read_text().replace("return np.sum(np.abs(y - yhat))", "return np.abs(y - yhat)"))
    found = problems(week2_copy)
    assert any(p.startswith("the reference fails L1/L1_example (failed)") for p in found), found


def test_starter_that_earns_points_is_named(week2_copy):
    solved = (week2_copy.parent.parent / "solutions" / "week2" / "python_basics.py").read_text()
    (week2_copy / "python_basics.py").write_text(solved)
    found = problems(week2_copy)
    assert any(p.startswith("the starter python_basics.py earns points on sigmoid/") for p in found), found


def test_missing_hidden_checks_are_named(week2_copy):
    hidden = week2_copy.parent.parent / "solutions" / "week2" / "checks" / "checks_week2_hidden.py"
    text = hidden.read_text()
    start = text.index('@check("L2")')
    end = text.index("# -- Part 2")
    hidden.write_text(text[:start] + text[end:])
    assert "L2 has no hidden check worth points" in problems(week2_copy)


def test_nondeterministic_check_is_named(week2_copy):
    public = week2_copy / "checks" / "checks_week2_public.py"
    public.write_text(public.read_text().replace(
        'x = np.array([1.0, 2.0, 3.0])\n    expect_array(learner.sigmoid(x)',
        'x = np.random.rand(3)\n    assert x[0] < 0.5, "unlucky"\n    expect_array(learner.sigmoid(x)', 1))
    found = [p for p in problems(week2_copy) for _ in range(1)]
    # A check drawing from np.random instead of rng passes or fails by luck; run until it shows.
    for _ in range(10):
        if any("not deterministic" in p or "the reference fails sigmoid/sigmoid_example" in p for p in found):
            break
        found = problems(week2_copy)
    assert any("not deterministic" in p or "the reference fails sigmoid/sigmoid_example" in p for p in found)


def test_notebook_and_py_disagreeing_is_named(week2_copy):
    notebook = nbformat.read(week2_copy / "python_basics.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if "GRADED FUNCTION: softmax" not in c.source]
    nbformat.write(notebook, week2_copy / "python_basics.ipynb")
    found = problems(week2_copy)
    assert any("define different graded functions" in p and "only in python_basics.py: ['softmax']" in p
               for p in found), found


def test_check_for_an_unlisted_function_is_named(week2_copy):
    toml = week2_copy / "exercise.toml"
    toml.write_text(toml.read_text().replace('[[functions]]\nname = "L2"\n', ""))
    assert any("is about 'L2', which exercise.toml does not list" in p for p in problems(week2_copy))
