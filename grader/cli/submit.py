"""`grade submit`: grade a submission, show its feedback and record it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import (
    LangOption, app, speak, interrupted_by, make_console, preload, reports_usage_errors, stopped, user_name, write_outputs,
)
from grader.errors import UsageError, usage_error


@app.command()
@reports_usage_errors
def submit(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    file: Annotated[Optional[list[Path]], typer.Option(
        "--file", "-f", help="A .py or .ipynb file (any name) or a folder of them; repeatable. "
                             "Default: the learner files in the exercise folder.")] = None,
    json_out: Annotated[Optional[Path], typer.Option(
        "--json", help="Write the GradeReport as JSON here ('-': to standard output, instead of the table).")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML feedback page here.")] = None,
    gradescope: Annotated[Optional[Path], typer.Option(
        "--gradescope", help="Write Gradescope's results.json here (hidden checks shown after grades are published).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Seed of the hidden checks' random inputs (default: derived from the submission).")] = None,
    gradebook: Annotated[Optional[Path], typer.Option(help="SQLite gradebook (default: $DL_GRADER_GRADEBOOK or ~/.local/share/dl-grader/gradebook.sqlite).")] = None,
    learner: Annotated[str, typer.Option(help="Learner id recorded in the gradebook (default: your user name).")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the total.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every check, passed ones included.")] = False,
    only: Annotated[Optional[str], typer.Option(
        "--only", help="Grade only these graded functions (NAME[,NAME...]); such a partial grade is not recorded.")] = None,
    server: Annotated[Optional[str], typer.Option(
        "--server", help="Submit to this course server instead of grading here (e.g. https://grader.example.edu).")] = None,
    token: Annotated[Optional[str], typer.Option(
        "--token", help="Your course token for --server (default: $DL_GRADER_TOKEN, or what `grade login` saved).")] = None,
    lang: LangOption = None,
) -> None:
    """Grade a submission and show the feedback.

    Examples:

      grade submit exercises/week2

      grade submit week2 --file exercises/week2/logistic_regression.ipynb

      grade submit exercises/week2 --json report.json --html report.html --seed 42
    """
    from grader.messages import say

    speak(lang)
    if server is not None:
        from grader.cli.remote import submit_to_server

        submit_to_server(exercise, file, server=server, token=token, json_out=json_out, html_out=html_out, quiet=quiet,
                         verbose=verbose, local_options={"--seed": seed is not None, "--gradebook": gradebook,
                                                         "--learner": learner, "--only": only,
                                                         "--gradescope": gradescope},
                         lang=lang)
        return
    if token is not None:
        raise usage_error("commands.token_needs_server")
    from grader.grading import check_seed, grade_submission
    from grader.classroom.gradebook import Gradebook, default_gradebook_path
    from grader.interrupts import deferred

    to_stdout = json_out == Path("-")
    quiet = quiet or to_stdout
    check_seed(seed)
    renderer = None if quiet else preload("grader.views.terminal")
    recorded = False
    try:
        # The gradebook keeps the course's seed secret; one that cannot be opened or written still
        # lets the learner see their feedback (seeded with this run's own secret), then the error.
        book_error: UsageError | None = None
        try:
            book = Gradebook(gradebook or default_gradebook_path())
            secret = book.seed_secret()
        except UsageError as exc:
            book, secret, book_error = None, None, exc
        try:
            chosen = [name.strip() for name in only.split(",") if name.strip()] if only else None
            report = grade_submission(exercise, file, seed=seed, learner=learner or user_name(),
                                      seed_secret=secret, only=chosen)
            with deferred():  # the report's files and its record are written whole, or not begun
                write_outputs(report, json_out, html_out)
                if gradescope:
                    from grader.classroom.exports import write_gradescope

                    write_gradescope(report, gradescope)
                if book is not None and not chosen:  # a grade of some functions only is not the exercise's
                    try:
                        book.record(report)
                        recorded = True
                    except UsageError as exc:
                        book_error = exc
        finally:
            if book is not None:
                book.close()
        if to_stdout:
            typer.echo(report.to_json())
        elif quiet:
            typer.echo(f"{report.exercise}: {report.points:g} / {report.max_points:g}")
        else:
            renderer.join()
            from grader.views.terminal import render_terminal

            render_terminal(report, make_console(), verbose=verbose)
        if only and not to_stdout:
            typer.echo(say("usage.only_not_recorded", functions=", ".join(f.name for f in report.functions)))
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        raise stopped(say("commands.submit.recorded") if recorded else say("commands.submit.not_recorded")) from None
    if book_error is not None:
        raise usage_error("commands.submit.book_failed", problem=book_error)
