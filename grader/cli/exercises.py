"""`grade list`, `grade validate` and `grade doctor`: the exercises, whether they are ready, and the sandbox here."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from grader.cli.app import app, make_console, reports_usage_errors
from grader.errors import usage_error
from grader.messages import say


@app.command()
@reports_usage_errors
def validate(
    exercise: Annotated[Optional[str], typer.Argument(help="Exercise folder or name; omit with --all.")] = None,
    all_exercises: Annotated[bool, typer.Option("--all", help="Validate every exercise.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the problems (nothing when all is ready).")] = False,
) -> None:
    """Check that exercises are ready: the reference earns 100%, the starters 0, grading is
    deterministic, every graded function has public and hidden checks, the .py and notebook
    starters agree, and the quiz is well formed. Exits 1 when anything is wrong.

    Examples:

      grade validate exercises/week2

      grade validate --all
    """
    from rich.text import Text

    from grader.model.exercise import exercises_root, load_exercise
    from grader.authoring.validate import exercise_dirs, validate_exercise

    if all_exercises == (exercise is not None):
        raise usage_error("commands.validate.one_or_all")
    folders = exercise_dirs(exercises_root()) if all_exercises else [exercise]
    console = make_console()
    failed = 0
    for folder in folders:
        ex = load_exercise(folder)
        if quiet:
            problems = validate_exercise(ex)
        else:
            with console.status(Text(say("commands.validate.validating", exercise=ex.name))):
                problems = validate_exercise(ex)
        if problems:
            failed += 1
            console.print(Text.assemble((f"✗ {ex.name}", "red"), ": ",
                                        say("commands.validate.problems", count=len(problems))))
            for problem in problems:
                console.print(f"    - {problem}", markup=False, highlight=False)
        elif not quiet:
            console.print(Text.assemble((f"✓ {ex.name}", "green"), ": ", say("commands.validate.ready")))
    if failed:
        raise typer.Exit(1)


@app.command("list")
@reports_usage_errors
def list_command() -> None:
    """List the exercises and their graded functions.

    Example:

      grade list
    """
    from rich.table import Table

    from grader.model.exercise import list_exercises

    table = Table(title=say("commands.list.title"))
    table.add_column(say("commands.list.exercise"))
    table.add_column(say("commands.list.exercise_title"))
    table.add_column(say("commands.list.functions"))
    for ex in list_exercises():
        names = ", ".join(say("commands.list.aliases", name=f.name, aliases=", ".join(f.aliases)) if f.aliases
                          else f.name for f in ex.functions)
        table.add_row(ex.name, ex.shown_title, names)
    make_console().print(table)


@app.command()
def doctor() -> None:
    """Show which sandbox protections work on this machine.

    Example:

      grade doctor
    """
    from rich.text import Text

    from grader.sandbox.client import GRADER_PACKAGE, Limits
    from grader.sandbox.isolation import Policy, probe

    console = make_console()
    # The very confinement and limits a worker applies before it loads a submission (isolation.confine).
    policy = Policy(scratch="", read_only=(str(GRADER_PACKAGE),), **Limits().confinement())
    for protection in probe(policy):
        state = ((say("commands.doctor.active"), "green") if protection.active
                 else (say("commands.doctor.inactive"), "red"))
        console.print(Text.assemble(f"{protection.name:20} ", state, f"  {protection.detail}"))
