"""grade new: a scaffolded exercise is valid as generated, releases, and grades without solutions/."""

from __future__ import annotations

import ast
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from grader.cli.app import app
from grader.model.exercise import load_exercise
from grader.grading import grade_submission
from grader.quiz import validate_quiz
from grader.authoring.validate import validate_exercise

runner = CliRunner()


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_writes_every_part_of_an_exercise(course):
    """Does `grade new` write metadata, README, source, starters, checks, problems and quiz?"""
    result = runner.invoke(app, ["new", "week8", "--title", 'Week 8: "activations"'])
    assert result.exit_code == 0, result.output
    exercise, solutions = course / "exercises" / "week8", course / "solutions" / "week8"
    for path in ("exercise.toml", "README.md", "quiz.toml", "week8.py", "week8.ipynb",
                 "checks/checks_week8_public.py", "checks/problems_week8.py"):
        assert (exercise / path).is_file(), path
    for path in ("source/week8.py", "week8.py", "checks/checks_week8_hidden.py"):
        assert (solutions / path).is_file(), path
    assert "next: write the exercise in solutions/week8/source/week8.py" in result.output
    meta = tomllib.loads((exercise / "exercise.toml").read_text())
    assert meta["exercise"]["title"] == 'Week 8: "activations"'
    assert meta["functions"] == [{"name": "relu", "aliases": []}]
    assert "## Grading contract" in (exercise / "README.md").read_text()
    quiz = tomllib.loads((exercise / "quiz.toml").read_text())
    assert [q["id"] for q in quiz["questions"]] == ["relu-negative", "relu-positive-count"]
    assert validate_quiz(exercise / "quiz.toml") == []
    notebook = nbformat.read(exercise / "week8.ipynb", as_version=4)
    nbformat.validate(notebook)
    graded = [c.source for c in notebook.cells if c.source.startswith("# GRADED FUNCTION: relu")]
    assert len(graded) == 1 and "raise NotImplementedError" in graded[0] and "np.maximum" not in graded[0]
    reference = (solutions / "week8.py").read_text()
    assert "A = np.maximum(0, Z)" in reference and "SOLUTION" not in reference
    ast.parse(reference)


def test_generated_exercise_passes_validation(course):
    """Is the exercise ready as generated: reference 100%, starters 0, checks on both sides, quiz valid?"""
    runner.invoke(app, ["new", "demo", "--root", "my_course"])
    assert validate_exercise(load_exercise(course / "my_course" / "exercises" / "demo")) == []


def test_released_copy_grades_starter_zero_and_solution_full_without_solutions(course):
    """Released, with solutions/ gone: does the starter earn 0% and a solved copy 100%?"""
    runner.invoke(app, ["new", "demo", "--root", "my_course"])
    result = runner.invoke(app, ["release", "my_course/exercises/demo", "--out", "handout"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("released demo to handout/demo: 8 files, 1 reference results recorded")
    shutil.move(course / "my_course" / "solutions", course / "elsewhere")
    copy = course / "handout" / "demo"
    starter = grade_submission(copy, seed=11)
    assert (starter.points, starter.max_points) == (0, 1)
    assert "still the starter stub (NotImplementedError)" in starter.checks[0].message
    solved = course / "solved.py"
    solved.write_text((copy / "demo.py").read_text().replace(
        "    # YOUR CODE HERE\n    raise NotImplementedError('Replace this line with your code.')\n",
        "    A = np.maximum(0, Z)\n"))
    report = grade_submission(copy, [solved], seed=11)
    assert (report.points, report.max_points) == (1, 1) and not any(c.hidden for c in report.checks)
    wrong = course / "wrong.py"
    wrong.write_text(solved.read_text().replace("np.maximum(0, Z)", "np.abs(Z)"))
    message = grade_submission(copy, [wrong], seed=11).checks[0].message
    assert "Likely mistake: np.abs(Z) turns negative entries positive" in message


@pytest.mark.parametrize("name, problem", [
    ("Week8", "'Week8': an exercise name is lower-case letters, digits and _"),
    ("8th", "'8th': an exercise name is lower-case letters"),
    ("random", "'random' is the name of a Python module"),
])
def test_bad_names_are_one_line_errors(course, name, problem):
    result = runner.invoke(app, ["new", name])
    assert result.exit_code == 2
    assert result.output.startswith(f"grade: error: {problem}") and result.output.count("\n") == 1
    assert not (course / "exercises").exists()


def test_existing_exercise_is_not_overwritten(course):
    runner.invoke(app, ["new", "demo"])
    readme = course / "exercises" / "demo" / "README.md"
    readme.write_text("my own words")
    result = runner.invoke(app, ["new", "demo"])
    assert result.exit_code == 2 and "already exists: choose another name" in result.output
    assert readme.read_text() == "my own words"


def test_exercises_env_variable_picks_the_course(course, monkeypatch):
    """With $DL_GRADER_EXERCISES set, does `grade new` write next to it, where `grade` looks?"""
    monkeypatch.setenv("DL_GRADER_EXERCISES", str(course / "term" / "exercises"))
    assert runner.invoke(app, ["new", "demo"]).exit_code == 0
    assert load_exercise("demo").solutions == (course / "term" / "solutions" / "demo").resolve()
