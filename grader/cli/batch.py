"""`grade batch`: grade a whole class, with a progress bar and a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import LangOption, app, interrupted_by, make_console, reports_usage_errors, speak, stopped
from grader.messages import say


@app.command()
@reports_usage_errors
def batch(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    submissions: Annotated[Path, typer.Argument(help="Folder with one .py/.ipynb file or one folder per learner.")],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Grading processes (default: one per core).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write each learner's JSON and HTML feedback here.")] = None,
    gradebook: Annotated[Optional[Path], typer.Option(help="SQLite gradebook (default: as for grade submit).")] = None,
    dask: Annotated[Optional[str], typer.Option(
        help="Grade on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster "
             "(needs pip install 'dl-grader[dask]').")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar: print only the summary and "
                                                               "the learners that got no grade.")] = False,
    lang: LangOption = None,
) -> None:
    """Grade a whole class in parallel. Learner ids come from the file or folder names;
    entries that share one (alice.py and alice/) are refused, not graded over one another.
    Every result goes to the gradebook as it completes; a second run grades only new or
    changed submissions, so a killed batch simply resumes.

    Examples:

      grade batch exercises/week2 tests/fixtures/class_week2 --out feedback/

      grade batch week2 tests/fixtures/class_week2 --jobs 2 --gradebook class.sqlite
    """
    speak(lang)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from grader.classroom.batch import BatchInterrupted, run_batch
    from grader.classroom.gradebook import default_gradebook_path

    # The checks of a learner graded in this process (--jobs 1) run in a thread that sends the
    # process's sys.stdout and sys.stderr to a sink meanwhile: an interrupt is reported on these.
    stdout, stderr = sys.stdout, sys.stderr
    console = make_console(stdout)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("[dim]{task.fields[rate]}"),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
                        auto_refresh=False)  # no refresh thread: grading processes are forked after it starts
    task = progress.add_task(say("commands.batch.progress"), total=None, rate="")

    def started(count: int) -> None:
        progress.update(task, total=count)
        if not quiet:
            progress.start()
            progress.refresh()

    def done(learner: str, report) -> None:  # type: ignore[no-untyped-def]
        if quiet:
            return
        progress.advance(task)
        speed = progress.tasks[0].speed
        progress.update(task, rate=say("commands.batch.rate", speed=speed) if speed else "")
        progress.refresh()

    book = gradebook or default_gradebook_path()
    try:
        try:
            executor = None
            if dask:
                from grader.classroom.batch_dask import DaskExecutor

                executor = DaskExecutor(dask, jobs or 2)
            summary = run_batch(exercise, submissions, gradebook=book, jobs=jobs,
                                out=out, on_start=started, on_result=done, executor=executor)
        finally:
            if not quiet:  # (stopping a progress bar that never started prints a blank line)
                progress.stop()
    except BatchInterrupted as stop:
        recorded = len(stop.summary.graded)
        kept = (say("commands.batch.stopped.one", book=book, left=stop.left) if recorded == 1
                else say("commands.batch.stopped.many", count=recorded, book=book, left=stop.left))
        raise stopped(kept, stderr) from None
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        raise stopped(say("commands.batch.stopped_early", book=book), stderr) from None
    counts = {"graded": len(summary.graded), "skipped": len(summary.skipped), "failed": len(summary.failed)}
    console.print(say("commands.batch.summary_ignored", **counts, ignored=len(summary.ignored)) if summary.ignored
                  else say("commands.batch.summary", **counts), markup=False)
    _print_learner_problems(console, summary)
    if out and not quiet:
        console.print(say("commands.batch.feedback_pages", folder=out), markup=False)


def _print_learner_problems(console, summary) -> None:  # type: ignore[no-untyped-def]
    """Learner ids are names learners chose: printed as Text (no markup, no emoji codes), their
    invisible characters escaped (learner_ids.shown), and never wrapped into what looks like a new line."""
    from rich.text import Text

    from grader.views.learner_ids import shown

    for learner, why in summary.failed.items():
        console.print(Text.assemble("  ", (shown(learner), "yellow"), ": ", shown(why)), soft_wrap=True)
    for ids in summary.lookalikes:
        console.print(Text(say("commands.batch.lookalikes", ids=", ".join(map(ascii, ids))), style="yellow"),
                      soft_wrap=True)
