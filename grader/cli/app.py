"""The ``grade`` command's Typer app, its entry point, and what its command modules share.

The commands are thin functions that parse, call the library and render, one module per group
(submit.py, quiz.py, exercises.py, batch.py, authoring.py, class_results.py, ...), each adding
its commands to ``app`` when grader/cli/__init__.py imports it. Each keeps its heavy imports
inside its command functions, so that `grade submit` pays for none of the others'.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, Optional

import typer

from grader.errors import UsageError, usage_error

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

F = TypeVar("F", bound=Callable[..., Any])


def reports_usage_errors(command: F) -> F:
    """Unusable input ends the command with one line on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            from grader.messages import say

            typer.echo(say("commands.error", message=exc), err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


LangOption = Annotated[Optional[str], typer.Option(
    "--lang", help="Language of the feedback: en or ko (default: $DL_GRADER_LANG, then the locale, then en).")]


def speak(lang: str | None) -> None:
    """Switch to the language asked for (--lang, $DL_GRADER_LANG, the locale); a language asked for
    that the grader does not speak is English, with a one-line note on standard error."""
    from grader.messages.choose import use_language

    note = use_language(lang)
    if note:
        typer.echo(note, err=True)


@app.callback()
def main_callback(ctx: typer.Context) -> None:
    from grader.messages.choose import choose_language
    from grader.messages import say, set_language

    set_language(choose_language()[0])  # $DL_GRADER_LANG or the locale; a command's --lang may change it
    if ctx.invoked_subcommand is None:
        typer.echo(say("commands.next_steps"))


def interrupted_by(exc: BaseException) -> bool:
    """Did SIGINT or SIGTERM end the command? ``exc`` is then the interrupt, or whatever the code
    it cut short raised on its way out (which is the interrupt's doing, not a fault to show)."""
    from grader.interrupts import received

    if isinstance(exc, typer.Exit):
        return False  # the command's own end (an interrupt already said what it kept)
    return isinstance(exc, KeyboardInterrupt) or (isinstance(exc, Exception) and received() is not None)


def stopped(kept: str, stderr: Any = None) -> typer.Exit:
    """Say on ``stderr`` (default: sys.stderr), in one line, that the command was interrupted and
    what it kept; the exit that ends it with 130 (SIGINT) or 143 (SIGTERM)."""
    from grader.interrupts import exit_status, signal_name
    from grader.messages import say

    typer.echo(say("commands.interrupted", signal=signal_name(), kept=kept), file=stderr or sys.stderr)
    return typer.Exit(exit_status())


def preload(module: str) -> threading.Thread:
    """Import ``module`` in a thread: it runs while grading waits on the sandbox (~25 ms saved)."""
    thread = threading.Thread(target=importlib.import_module, args=(module,), daemon=True)
    thread.start()
    return thread


def user_name() -> str:
    """The name of the user running the command (the default learner id)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def write_outputs(report, json_out: Path | None, html_out: Path | None) -> None:  # type: ignore[no-untyped-def]
    """Write the report's JSON (not for '-', which goes to standard output) and its HTML page."""
    try:
        if json_out and json_out != Path("-"):
            json_out.write_text(report.to_json() + "\n", encoding="utf-8")
        if html_out:
            from grader.views.html import render_html

            html_out.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise usage_error("commands.cannot_write", path=exc.filename, reason=exc.strerror) from None


def text_width() -> int | None:
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


def make_console(file: Any = None):  # type: ignore[no-untyped-def]
    """A rich console for a command's output (no highlighting of numbers and paths)."""
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
