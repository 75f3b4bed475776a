"""`grade similar`: pairs of learners of a class whose own code is alike, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import LangOption, app, interrupted_by, make_console, reports_usage_errors, speak, stopped
from grader.errors import usage_error
from grader.messages import say

HIGH_SCORE = 0.7


@app.command()
@reports_usage_errors
def similar(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    submissions: Annotated[Path, typer.Argument(help="Folder with one .py/.ipynb file or one folder per learner.")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write every pair as JSON here ('-': standard "
                                                                      "output, nothing else printed).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a page showing the pairs side by side, "
                                                                "matching code highlighted.")] = None,
    gradebook: Annotated[Optional[Path], typer.Option(
        help="A gradebook holding the class's reports (grade batch): pairs that fail the same checks with the "
             "same diagnosis are said to share a wrong answer.")] = None,
    min_score: Annotated[float, typer.Option("--min-score", min=0.0, max=1.0,
                                             help="List pairs scoring at least this (0 to 1).")] = 0.2,
    top: Annotated[int, typer.Option("--top", min=0, help="Pairs printed on the terminal.")] = 20,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1,
                                                help="Processes reading the class (default: one per core).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar: print only the pairs and the "
                                                               "summary.")] = False,
    lang: LangOption = None,
) -> None:
    """Find pairs of learners whose own code is alike, to read side by side. The starter is left
    out, and renamed variables, comments, reordered functions, notebooks saved as .py and common
    equivalent spellings change nothing; what every learner writes (a one-line sigmoid) counts for
    little, what is rare in the class (an odd helper, a peculiar bug) for much. Nothing is run.

    Examples:

      grade similar week2 tests/fixtures/class_week2 --html similar.html

      grade similar week4 submissions/ --json pairs.json --gradebook class.sqlite -q
    """
    speak(lang)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from grader.classroom.similar import similar_pairs
    from grader.views.learner_ids import shown

    to_stdout = json_out == Path("-")
    quiet = quiet or to_stdout
    stdout, stderr = sys.stdout, sys.stderr
    console = make_console(stdout)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, auto_refresh=False)  # no refresh thread: reading processes are forked
    tasks: dict[str, int] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if quiet:
            return
        if stage not in tasks:
            if not tasks:
                progress.start()
            tasks[stage] = progress.add_task(say("similar.progress.reading") if stage == "reading"
                                             else say("similar.progress.comparing"), total=total)
        progress.update(tasks[stage], completed=done, total=total)
        progress.refresh()

    try:
        try:
            report = similar_pairs(exercise, submissions, gradebook=gradebook, min_score=min_score, jobs=jobs,
                                   progress=advance)
        finally:
            if tasks:
                progress.stop()
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        raise stopped(say("commands.similar.stopped"), stderr) from None
    _write(report, json_out, html, to_stdout)
    if to_stdout:
        return
    for pair in report.pairs[:top]:
        functions = ", ".join(f.name for f in pair.functions if f.score >= 0.3)
        line = Text.assemble(f"  {pair.score:4.2f}  ", (shown(pair.a), "bold"), "  ~  ", (shown(pair.b), "bold"))
        if functions:
            line.append(f"  ({functions})", style="dim")
        if pair.shared_wrong_answers:
            line.append("  " + say("commands.similar.shared"), style="red")
        console.print(line, soft_wrap=True)
    if len(report.pairs) > top:
        console.print(say("commands.similar.more", count=len(report.pairs) - top), markup=False)
    console.print(_summary(report, min_score), markup=False)
    refused, unreadable = ", ".join(map(shown, report.refused)), ", ".join(map(shown, report.unreadable))
    for ids, left_out in ((report.refused, say("commands.similar.refused.one", ids=refused) if len(report.refused) == 1
                           else say("commands.similar.refused.many", count=len(report.refused), ids=refused)),
                          (report.unreadable, say("commands.similar.unreadable.one", ids=unreadable)
                           if len(report.unreadable) == 1
                           else say("commands.similar.unreadable.many", count=len(report.unreadable), ids=unreadable))):
        if ids:
            console.print(Text(left_out, style="yellow"), soft_wrap=True)
    if report.empty and not quiet:
        console.print(say("commands.similar.empty.one") if len(report.empty) == 1
                      else say("commands.similar.empty.many", count=len(report.empty)), markup=False)
    if not quiet:
        if json_out:
            console.print(Text(say("commands.similar.json_written", path=json_out)), soft_wrap=True)
        if html:
            console.print(Text(say("commands.similar.page_written", path=html)), soft_wrap=True)


def _summary(report, min_score: float) -> str:  # type: ignore[no-untyped-def]
    """The last line: how many learners were compared, how many pairs listed, how many of them high."""
    pairs, high = len(report.pairs), sum(1 for p in report.pairs if p.score >= HIGH_SCORE)
    if report.learners == 1:
        return say("commands.similar.summary.one_learner", min_score=min_score)
    if pairs == 1:
        if high:
            return say("commands.similar.summary.one_pair_high", learners=report.learners, min_score=min_score,
                       cutoff=HIGH_SCORE)
        return say("commands.similar.summary.one_pair", learners=report.learners, min_score=min_score)
    if high:
        return say("commands.similar.summary.many_high", learners=report.learners, pairs=pairs, min_score=min_score,
                   high=high, cutoff=HIGH_SCORE)
    return say("commands.similar.summary.many", learners=report.learners, pairs=pairs, min_score=min_score)


def _write(report, json_out: Path | None, html: Path | None, to_stdout: bool) -> None:  # type: ignore[no-untyped-def]
    from grader.classroom.similar_html import render_similar_html

    try:
        if json_out and not to_stdout:
            json_out.write_text(report.to_json() + "\n", encoding="utf-8")
        if html:
            html.write_text(render_similar_html(report), encoding="utf-8")
    except OSError as exc:
        raise usage_error("commands.cannot_write", path=exc.filename, reason=exc.strerror) from None
    if to_stdout:
        sys.stdout.write(report.to_json() + "\n")
