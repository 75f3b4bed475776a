"""`grade new` and `grade release`: author an exercise, then hand learners their copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import app, reports_usage_errors
from grader.errors import UsageError


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
    typer.echo(f"created {exercise} and {_shown(made.solutions)}:")
    for path in made.files:
        typer.echo(f"  {_shown(path)}")
    source = _shown(made.solutions / "source" / f"{name}.py")
    typer.echo(f"next: write the exercise in {source} and its checks, then\n"
               f"  grade release {exercise} --build        rebuild the starter, notebook and reference\n"
               f"  grade validate {exercise}\n"
               f"  grade release {exercise} --out release/  the learners' copy")


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
        raise UsageError("give --out DIR to release, or --build to rebuild from the instructor sources")
    if build:
        changed = build_exercise(exercise)
        if not quiet:
            typer.echo("rebuilt " + ", ".join(_shown(p) for p in changed) if changed
                       else "generated files are up to date")
    if out is not None:
        summary = release_exercise(exercise, out, force=force, practice_quizzes=practice_quizzes,
                                   submit_to=submit_to)
        folder = _shown(summary.folder)
        typer.echo(f"released {summary.exercise} to {folder}: {len(summary.files)} files, "
                   f"{summary.recorded_calls} reference results recorded for {summary.public_points:g} public points "
                   f"({summary.seconds:g} s)")
        if quiet:
            return
        if summary.generated:
            typer.echo(f"  generated from the instructor sources: {', '.join(summary.generated)}")
        if summary.public_points:
            typer.echo(f"  learners grade it with: grade submit {folder} (the {summary.hidden.count} hidden checks, "
                       f"{summary.hidden.points:g} points, run when they submit to you)")
        if summary.quiz == "practice":
            typer.echo(f"  its quiz, keys included, for practice: grade quiz {folder}")
        elif summary.quiz:
            typer.echo(f"  its quiz has no keys: learners write their form with grade quiz {folder} --blank and "
                       f"submit it; grade it here with grade quiz {summary.exercise} --answers FORM")
