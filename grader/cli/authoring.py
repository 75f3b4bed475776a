"""`grade new` and `grade release`: author an exercise, then hand learners their copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import app, reports_usage_errors
from grader.errors import usage_error
from grader.messages import say


def _shown(path: Path) -> str:
    """A path as the instructor would type it: relative to the working folder when inside it."""
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)


@app.command("new")
@reports_usage_errors
def new(
    name: Annotated[str, typer.Argument(help="Exercise name: lower-case letters, digits and _ (e.g. week8).")],
    title: Annotated[str, typer.Option(help="The exercise's title (default: its name).")] = "",
    root: Annotated[Optional[Path], typer.Option(
        help="Folder that holds exercises/ and solutions/ (default: the parent of $DL_GRADER_EXERCISES, "
             "else the working folder).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing (errors still go to stderr).")] = False,
) -> None:
    """Scaffold an exercise that passes grade validate as generated: exercise.toml, README with the
    grading contract, an instructor source with one graded function and its solution region, the
    starter and notebook built from it, public and hidden checks, a problems module and a quiz.

    Examples:

      grade new week8 --title "Week 8: activations" --root course && grade validate course/exercises/week8
    """
    from grader.authoring.scaffold import new_exercise

    made = new_exercise(name, title, root)
    if quiet:
        return
    exercise = _shown(made.exercise)
    typer.echo(say("commands.new.created", exercise=exercise, solutions=_shown(made.solutions)))
    for path in made.files:
        typer.echo(f"  {_shown(path)}")
    source = _shown(made.solutions / "source" / f"{name}.py")
    typer.echo(say("commands.new.next", source=source, exercise=exercise))


@app.command("release")
@reports_usage_errors
def release(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    out: Annotated[Optional[Path], typer.Option(
        help="Write the learners' copy to OUT/<name>/: no solution, no hidden check, the public checks' "
             "expected results recorded.")] = None,
    build: Annotated[bool, typer.Option(
        "--build", help="First rebuild the starters, notebooks and reference from the instructor sources "
                        "(solutions/<name>/source/*.py).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an earlier release in OUT.")] = False,
    practice_quizzes: Annotated[bool, typer.Option(
        "--practice-quizzes", help="Release the quiz with its keys, for practice: the copy grades answers and "
                                   "its reports say 'practice'. Default: no key leaves; learners write their "
                                   "form in the copy and submit it.")] = False,
    submit_to: Annotated[str, typer.Option(
        help="Where learners submit their quiz forms and work, as the copy tells them (a course server "
             "address, a person; default: your instructor).")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only where the copy was released (nothing "
                                                               "for --build alone).")] = False,
) -> None:
    """Build the learners' copy of an exercise: solution regions replaced by stubs, notebooks generated
    from the same source, hidden checks, solutions and quiz keys left out. The copy is graded without
    solutions/ (grade submit OUT/<name>) before it is written; exits 2 when anything would leak or not grade.

    Examples:

      grade release week2 --out release/ && grade submit release/week2

      grade release week2 --out release/ --submit-to "https://course.example.org/week2"

      grade new week8 --root course && grade release course/exercises/week8 --build --out handout
    """
    from grader.authoring.release import build_exercise, release_exercise

    if out is None and not build:
        raise usage_error("commands.release.out_or_build")
    if build:
        changed = build_exercise(exercise)
        if not quiet:
            typer.echo(say("commands.release.rebuilt", files=", ".join(_shown(p) for p in changed)) if changed
                       else say("commands.release.up_to_date"))
    if out is not None:
        summary = release_exercise(exercise, out, force=force, practice_quizzes=practice_quizzes,
                                   submit_to=submit_to)
        folder = _shown(summary.folder)
        typer.echo(say("commands.release.released", exercise=summary.exercise, folder=folder, files=len(summary.files),
                       calls=summary.recorded_calls, points=summary.public_points, seconds=summary.seconds))
        if quiet:
            return
        if summary.generated:
            typer.echo(say("commands.release.generated", files=", ".join(summary.generated)))
        if summary.public_points:
            typer.echo(say("commands.release.learners_grade", folder=folder, count=summary.hidden.count,
                           points=summary.hidden.points))
        if summary.quiz == "practice":
            typer.echo(say("commands.release.quiz_practice", folder=folder))
        elif summary.quiz:
            typer.echo(say("commands.release.quiz_forms", folder=folder, exercise=summary.exercise))
