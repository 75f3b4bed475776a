"""`grade submit ... --server URL`: the submission is graded by the course's server, and its
feedback shown here exactly as a local grade's (hidden checks as the course shows them)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from grader.cli.app import make_console, write_outputs
from grader.errors import usage_error
from grader.messages import say

LOCAL_ONLY = ("--seed", "--gradebook", "--learner", "--only", "--gradescope")


def submit_to_server(exercise: str, files: list[Path] | None, *, server: str, token: str | None, json_out: Path | None,
                     html_out: Path | None, quiet: bool, verbose: bool, local_options: dict[str, object],
                     lang: str | None = None) -> None:
    """Upload the learner's files, wait for the grade, show it; raises UsageError on any failure."""
    from grader.grading import resolve_files
    from grader.model.exercise import load_exercise
    from grader.model.report import GradeReport
    from grader.server.client import submit_remote, token_for

    given = [name for name, value in local_options.items() if value]
    if given:
        raise usage_error("commands.remote.local_only", options=", ".join(given))
    ex = load_exercise(exercise)
    paths = resolve_files(ex, files)
    secret = token_for(server, token)
    to_stdout = json_out == Path("-")
    quiet = quiet or to_stdout

    def accepted(_public: str) -> None:
        if not quiet:
            typer.echo(say("commands.remote.waiting", files=", ".join(p.name for p in paths), server=server), err=True)

    view = submit_remote(server, secret, ex.name, paths, on_accepted=accepted, lang=lang)
    report = GradeReport.from_dict(view["report"])
    write_outputs(report, None if to_stdout else json_out, html_out)
    if to_stdout:
        typer.echo(report.to_json())
        return
    late = view.get("late_days") or 0
    score = f"{view['points']:g} / {view['max_points']:g}"
    if quiet:
        typer.echo(f"{report.exercise}: {score}")
        return
    from grader.views.terminal import render_terminal

    render_terminal(report, make_console(), verbose=verbose)
    if late:
        typer.echo(say("commands.remote.late", days=late, score=score))
    typer.echo(say("commands.remote.recorded", id=view["id"]))
    sys.stdout.flush()
