"""The ``grade`` command: thin functions that parse, call the library and render."""

from __future__ import annotations

import functools
import importlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from grader.errors import UsageError

app = typer.Typer(
    name="grade",
    help=(
        "Auto-graded numpy exercises for deep-learning fundamentals, with feedback that teaches.\n\n"
        "Examples:\n\n"
        "  grade list\n\n"
        "  grade submit exercises/week2\n\n"
        "  grade submit exercises/week2 --file exercises/week2/python_basics.ipynb --html feedback.html\n\n"
        "  grade quiz week2 --blank"
    ),
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

NEXT_STEPS = """\
dl-grader: nothing to do yet. Try one of:

  grade list                                   the exercises and their graded functions
  grade submit exercises/week2                 grade your work in the exercise folder
  grade submit exercises/week2 --file nb.ipynb grade a notebook or .py file of yours
  grade quiz week2                             take the week-2 quiz in the terminal
  grade --help                                 every command and option
"""


F = TypeVar("F", bound=Callable[..., Any])


def reports_usage_errors(command: F) -> F:
    """Unusable input ends the command with one line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            typer.echo(f"grade: error: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main_callback(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(NEXT_STEPS)


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
) -> None:
    """Grade a submission and show the feedback.

    Examples:

      grade submit exercises/week2

      grade submit week2 --file exercises/week2/logistic_regression.ipynb

      grade submit exercises/week2 --json report.json --html report.html --seed 42
    """
    from grader.grading import check_seed, grade_submission
    from grader.classroom.gradebook import Gradebook, default_gradebook_path
    from grader.messages import say
    from grader.interrupts import deferred

    import getpass

    to_stdout = json_out == Path("-")
    quiet = quiet or to_stdout
    check_seed(seed)
    renderer = None if quiet else _preload("grader.views.terminal")
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
            report = grade_submission(exercise, file, seed=seed, learner=learner or _user(getpass),
                                      seed_secret=secret, only=chosen)
            with deferred():  # the report's files and its record are written whole, or not begun
                _write_outputs(report, json_out, html_out)
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

            render_terminal(report, _console(), verbose=verbose)
        if only and not to_stdout:
            typer.echo(say("usage.only_not_recorded", functions=", ".join(f.name for f in report.functions)))
    except BaseException as exc:
        if not _interrupted_by(exc):
            raise
        raise _stopped("the grade was recorded" if recorded
                       else "grading stopped before the end: no grade was recorded") from None
    if book_error is not None:
        raise UsageError(f"the grade was not recorded: {book_error}")


def _interrupted_by(exc: BaseException) -> bool:
    """Did SIGINT or SIGTERM end the command? ``exc`` is then the interrupt, or whatever the code
    it cut short raised on its way out (which is the interrupt's doing, not a fault to show)."""
    from grader.interrupts import received

    if isinstance(exc, typer.Exit):
        return False  # the command's own end (an interrupt already said what it kept)
    return isinstance(exc, KeyboardInterrupt) or (isinstance(exc, Exception) and received() is not None)


def _stopped(kept: str, stderr: Any = None) -> typer.Exit:
    """Say on ``stderr`` (default: sys.stderr), in one line, that the command was interrupted and
    what it kept; the exit that ends it with 130 (SIGINT) or 143 (SIGTERM)."""
    from grader.interrupts import exit_status, signal_name

    typer.echo(f"grade: interrupted ({signal_name()}): {kept}", file=stderr or sys.stderr)
    return typer.Exit(exit_status())


def _preload(module: str) -> threading.Thread:
    """Import ``module`` in a thread: it runs while grading waits on the sandbox (~25 ms saved)."""
    thread = threading.Thread(target=importlib.import_module, args=(module,), daemon=True)
    thread.start()
    return thread


def _user(getpass_module) -> str:  # type: ignore[no-untyped-def]
    try:
        return getpass_module.getuser()
    except (KeyError, OSError):
        return "learner"


def _write_outputs(report, json_out: Path | None, html_out: Path | None) -> None:  # type: ignore[no-untyped-def]
    try:
        if json_out and json_out != Path("-"):
            json_out.write_text(report.to_json() + "\n", encoding="utf-8")
        if html_out:
            from grader.views.html import render_html

            html_out.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{exc.filename}: cannot write ({exc.strerror})") from None


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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="After grading, print only the score.")] = False,
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
    from grader.messages import say

    if sum([answers is not None, blank, validate]) > 1:
        raise UsageError(say("quiz.modes"))
    if validate:
        from grader.quiz import load_quiz, quiz_file, quiz_stats, validate_quiz

        path = quiz_file(exercise)[1]
        problems = validate_quiz(path)
        for problem in problems:
            typer.echo(problem)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"{path}: {quiz_stats(load_quiz(path)).summary()}; every question is well formed for 200 seeds")
        return

    import getpass
    import shlex

    from grader.classroom.gradebook import Gradebook, default_gradebook_path
    from grader.interrupts import deferred
    from grader.quiz import form_learner, prepare_quiz
    from grader.quiz.render import render_results
    from grader.quiz.session import KeptAnswers

    book_path = gradebook or default_gradebook_path()
    again = shlex.join(["grade", "quiz", exercise, *(["--learner", learner] if learner else []),
                        *(["--seed", str(seed)] if seed is not None else []),
                        *(["--gradebook", str(gradebook)] if gradebook else [])])
    if not learner and answers is not None:
        learner = form_learner(answers) or ""
    run = prepare_quiz(exercise, learner or _user(getpass), seed)
    if blank:
        typer.echo(run.blank_form(), nl=False)
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
            _write_outputs(report, json_out, html_out)
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
            typer.echo(render_results(report, _text_width()), nl=False)
    except BaseException as exc:
        if not _interrupted_by(exc):
            raise
        raise _stopped("the quiz was graded and recorded" if recorded else "nothing was recorded") from None


def _ask_in_terminal(run, kept, restart: bool, again: str):  # type: ignore[no-untyped-def]
    """The quiz ``run`` asked in the terminal (or through a pipe). Interrupted, it keeps the answers
    given so far in ``kept``, which the next session of the same variant offers to go on from (unless
    ``restart``), and ends the command; ``again`` is the command that resumes."""
    from grader.quiz.session import ask_to_resume, line_reader

    read_line, echo = line_reader(sys.stdin), not sys.stdin.isatty()

    def write(text: str) -> None:
        typer.echo(text, nl=False)

    answers = {} if restart else kept.load(run.variants)
    try:
        if answers and not ask_to_resume(len(answers), len(run.variants), read_line, write, echo=echo):
            answers = {}
        return run.ask(read_line, write, echo=echo, answers=answers)
    except BaseException as exc:
        if not _interrupted_by(exc):
            raise
        write("\n")  # the interrupt came at a prompt: the message gets a line of its own
        if not answers:
            kept.forget()
            raise _stopped("no answer was given: nothing was kept or recorded") from None
        try:
            kept.save(answers)
        except OSError as error:
            raise _stopped(f"your answers could not be kept ({error.strerror}); nothing was recorded") from None
        count = f"{len(answers)} answer" + ("s" if len(answers) != 1 else "")
        raise _stopped(f"{count} kept, nothing recorded; run {again} to go on from there "
                       "(--restart starts over)") from None


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
    from grader.model.exercise import exercises_root, load_exercise
    from grader.authoring.validate import exercise_dirs, validate_exercise

    if all_exercises == (exercise is not None):
        raise UsageError("give one EXERCISE or --all")
    folders = exercise_dirs(exercises_root()) if all_exercises else [exercise]
    console = _console()
    failed = 0
    for folder in folders:
        ex = load_exercise(folder)
        if quiet:
            problems = validate_exercise(ex)
        else:
            with console.status(f"validating {ex.name}..."):
                problems = validate_exercise(ex)
        if problems:
            failed += 1
            console.print(f"[red]✗ {ex.name}[/red]: {len(problems)} problem(s)")
            for problem in problems:
                console.print(f"    - {problem}", markup=False, highlight=False)
        elif not quiet:
            console.print(f"[green]✓ {ex.name}[/green]: ready")
    if failed:
        raise typer.Exit(1)


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
) -> None:
    """Grade a whole class in parallel. Learner ids come from the file or folder names;
    entries that share one (alice.py and alice/) are refused, not graded over one another.
    Every result goes to the gradebook as it completes; a second run grades only new or
    changed submissions, so a killed batch simply resumes.

    Examples:

      grade batch exercises/week2 tests/fixtures/class_week2 --out feedback/

      grade batch week2 tests/fixtures/class_week2 --jobs 2 --gradebook class.sqlite
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from grader.classroom.batch import BatchInterrupted, run_batch
    from grader.classroom.gradebook import default_gradebook_path

    # The checks of a learner graded in this process (--jobs 1) run in a thread that sends the
    # process's sys.stdout and sys.stderr to a sink meanwhile: an interrupt is reported on these.
    stdout, stderr = sys.stdout, sys.stderr
    console = _console(stdout)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("[dim]{task.fields[rate]}"),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
                        auto_refresh=False)  # no refresh thread: grading processes are forked after it starts
    task = progress.add_task("grading", total=None, rate="")

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
        progress.update(task, rate=f"{speed:.1f} learners/s" if speed else "")
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
        raise _stopped(f"{recorded} learner{'' if recorded == 1 else 's'} graded and recorded in {book}, "
                       f"{stop.left} not graded; run the same command again to resume "
                       "(recorded learners are not graded again)", stderr) from None
    except BaseException as exc:
        if not _interrupted_by(exc):
            raise
        raise _stopped(f"nothing more was recorded in {book}; run the same command again to resume", stderr) from None
    console.print(f"graded {len(summary.graded)}, already up to date {len(summary.skipped)}, "
                  f"no grade {len(summary.failed)}" + (f", ignored {len(summary.ignored)} entries" if summary.ignored else ""))
    _print_learner_problems(console, summary)
    if out:
        console.print(f"feedback pages in {out}/", markup=False)


def _print_learner_problems(console, summary) -> None:  # type: ignore[no-untyped-def]
    """Learner ids are names learners chose: printed as Text (no markup, no emoji codes), their
    invisible characters escaped (learner_ids.shown), and never wrapped into what looks like a new line."""
    from rich.text import Text

    from grader.views.learner_ids import shown

    for learner, why in summary.failed.items():
        console.print(Text.assemble("  ", (shown(learner), "yellow"), ": ", shown(why)), soft_wrap=True)
    for ids in summary.lookalikes:
        console.print(Text("warning: learner ids that differ only by case, Unicode form or invisible characters, "
                           "each graded as a learner of its own: " + ", ".join(map(ascii, ids)), style="yellow"),
                      soft_wrap=True)


@app.command("list")
@reports_usage_errors
def list_command() -> None:
    """List the exercises and their graded functions.

    Example:

      grade list
    """
    from rich.table import Table

    from grader.model.exercise import list_exercises

    table = Table(title="Exercises")
    table.add_column("exercise")
    table.add_column("title")
    table.add_column("graded functions")
    for ex in list_exercises():
        names = ", ".join(f.name + (f" (or {', '.join(f.aliases)})" if f.aliases else "") for f in ex.functions)
        table.add_row(ex.name, ex.title, names)
    _console().print(table)


@app.command()
def doctor() -> None:
    """Show which sandbox protections work on this machine.

    Example:

      grade doctor
    """
    from grader.sandbox.client import GRADER_PACKAGE, Limits
    from grader.sandbox.isolation import Policy, probe

    console = _console()
    # The very confinement and limits a worker applies before it loads a submission (isolation.confine).
    policy = Policy(scratch="", read_only=(str(GRADER_PACKAGE),), **Limits().confinement())
    for protection in probe(policy):
        state = "[green]active[/green]" if protection.active else "[red]INACTIVE[/red]"
        console.print(f"{protection.name:20} {state}  {protection.detail}")


def _text_width() -> int | None:
    """The width plain text wraps to: $COLUMNS, else the terminal's when standard output is one; None
    (no wrapping) for a pipe or a file."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            return None
    return None


def _console(file: Any = None):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False, file=file)


def main() -> None:
    """Console-script entry point.

    BLAS runs single-threaded here, as in the sandbox: vectorization checks compare a
    learner's time in the sandbox with the reference's time in this process.

    Every file is written and closed before a command returns, so the process ends
    with os._exit: tearing down numpy and pytest at exit would cost ~40 ms a run.
    """
    from grader.interrupts import catch_signals, exit_status, received

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    catch_signals()  # SIGTERM stops a command as Ctrl-C does: it cleans up, then says what it kept
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if received() is not None:
        code = exit_status()  # 130 or 143, whatever the interrupted command returned
    if "grader.sandbox.cgroup" in sys.modules:  # os._exit skips atexit, which would remove it
        sys.modules["grader.sandbox.cgroup"].release_shared()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
