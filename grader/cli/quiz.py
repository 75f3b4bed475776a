"""`grade quiz`: a quiz in the terminal, its answers form, a filled form graded, a quiz file validated."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import (
    LangOption, app, interrupted_by, reports_usage_errors, speak, stopped, text_width, user_name, write_outputs,
)
from grader.errors import usage_error
from grader.messages import say


@app.command()
@reports_usage_errors
def quiz(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    answers: Annotated[Optional[Path], typer.Option(
        "--answers", help="Grade this filled answers file (see --blank) instead of asking in the terminal.")] = None,
    blank: Annotated[bool, typer.Option("--blank", help="Print an answers form for your variant, to fill in "
                                                        "and grade with --answers.")] = False,
    validate: Annotated[bool, typer.Option("--validate", help="Instructors: check every question for 200 seeds "
                                                              "(keys compute, choices distinct, variants vary).")] = False,
    learner: Annotated[str, typer.Option(help="Learner id: it picks your variant and is recorded in the gradebook "
                                              "(default: the learner a filled form was made for, else your "
                                              "user name).")] = "",
    seed: Annotated[Optional[int], typer.Option(help="Seed of the variant (default: derived from exercise and learner).")] = None,
    json_out: Annotated[Optional[Path], typer.Option(
        "--json", help="Write the GradeReport as JSON here ('-': to standard output, instead of the results).")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML review page here.")] = None,
    gradebook: Annotated[Optional[Path], typer.Option(help="SQLite gradebook (default: $DL_GRADER_GRADEBOOK or ~/.local/share/dl-grader/gradebook.sqlite).")] = None,
    restart: Annotated[bool, typer.Option("--restart", help="Start the quiz in the terminal over, without the "
                                                            "answers an interrupted one kept.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="After grading, print only the score; with "
                                                               "--validate, only the problems.")] = False,
    lang: LangOption = None,
) -> None:
    """Take the quiz of an exercise in the terminal, or grade a filled answers file.

    Interrupted (Ctrl-C), the quiz in the terminal keeps your answers so far; the next
    `grade quiz` of the exercise offers to go on from them.

    Examples:

      grade quiz week1

      grade quiz week2 --blank

      grade quiz exercises/week2 --answers answers.txt --html quiz.html

      grade quiz week2 --validate
    """
    speak(lang)

    if sum([answers is not None, blank, validate]) > 1:
        raise usage_error("quiz.modes")
    if validate:
        from grader.quiz import load_quiz, quiz_file, quiz_stats, validate_quiz

        path = quiz_file(exercise)[1]
        problems = validate_quiz(path)
        for problem in problems:
            typer.echo(problem)
        if problems:
            raise typer.Exit(1)
        if not quiet:
            typer.echo(say("commands.quiz.valid", path=path, summary=quiz_stats(load_quiz(path)).summary()))
        return

    import shlex

    from grader.classroom.gradebook import Gradebook, default_gradebook_path
    from grader.interrupts import deferred
    from grader.quiz import form_learner, prepare_quiz
    from grader.quiz.render import render_results, wrapped_form
    from grader.quiz.session import KeptAnswers

    book_path = gradebook or default_gradebook_path()
    again = shlex.join(["grade", "quiz", exercise, *(["--learner", learner] if learner else []),
                        *(["--seed", str(seed)] if seed is not None else []),
                        *(["--gradebook", str(gradebook)] if gradebook else [])])
    if not learner and answers is not None:
        learner = form_learner(answers) or ""
    run = prepare_quiz(exercise, learner or user_name(), seed)
    if blank:
        typer.echo(wrapped_form(run.blank_form(), text_width()), nl=False)
        return
    kept = None
    recorded = False
    try:
        if answers is not None:
            report = run.grade_file(answers)
        else:
            kept = KeptAnswers(book_path.parent, run.exercise, run.learner, run.seed)
            report = _ask_in_terminal(run, kept, restart, again)
        with deferred():  # the report's files and its record are written whole, or not begun
            write_outputs(report, json_out, html_out)
            with Gradebook(book_path) as book:
                book.record(report)
            recorded = True
            if kept is not None:
                kept.forget()
        if json_out == Path("-"):
            typer.echo(report.to_json())
        elif quiet:
            typer.echo(f"{report.exercise}: {report.points:g} / {report.max_points:g}")
        else:
            typer.echo(render_results(report, text_width()), nl=False)
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        raise stopped(say("commands.quiz.recorded") if recorded else say("commands.quiz.not_recorded")) from None


def _ask_in_terminal(run, kept, restart: bool, again: str):  # type: ignore[no-untyped-def]
    """The quiz ``run`` asked in the terminal (or through a pipe). Interrupted, it keeps the answers
    given so far in ``kept``, which the next session of the same variant offers to go on from (unless
    ``restart``), and ends the command; ``again`` is the command that resumes."""
    from grader.quiz.render import wrapping_writer
    from grader.quiz.session import ask_to_resume, line_reader

    read_line, echo = line_reader(sys.stdin), not sys.stdin.isatty()
    write = wrapping_writer(lambda text: typer.echo(text, nl=False), text_width())

    answers = {} if restart else kept.load(run.variants)
    try:
        if answers and not ask_to_resume(len(answers), len(run.variants), read_line, write, echo=echo):
            answers = {}
        return run.ask(read_line, write, echo=echo, answers=answers)
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        write("\n")  # the interrupt came at a prompt: the message gets a line of its own
        if not answers:
            kept.forget()
            raise stopped(say("commands.quiz.no_answer")) from None
        try:
            kept.save(answers)
        except OSError as error:
            raise stopped(say("commands.quiz.not_kept", reason=error.strerror)) from None
        raise stopped(say("commands.quiz.kept.one", again=again) if len(answers) == 1
                      else say("commands.quiz.kept.many", count=len(answers), again=again)) from None
