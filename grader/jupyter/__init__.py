"""Grading inside Jupyter: ``%load_ext grader``, then ``%grade week2`` in a notebook.

``%grade EXERCISE [FUNCTION[,FUNCTION...]] [--server URL [--token T] | --local] [--verbose]``
grades the definitions as they are in the running kernel right now, unsaved edits included:
the source of the cells the kernel has run (its input history, In[1] to the cell before this
one) is written, cell for cell, to a private temporary notebook named after the learner's
(cells.py), and graded by ``grade submit`` in a separate process (run.py), exactly as the
saved notebook would be: the same kernel-free extraction, the same sandbox. Nothing of the
grader's sandbox or pytest machinery loads into the learner's kernel: this module, cells.py,
run.py and display.py use the standard library, and the report's view (grader.views) is imported
only to show the result. The magic returns a ``KernelGrade`` (display.py), which notebooks show
as HTML (one collapsible section per function) and terminal IPython as text.

Function names select functions as ``grade submit --only`` does (such a grade is not recorded).
``--server URL`` (or ``$DL_GRADER_SERVER``; ``--local`` to grade here all the same) submits the
cells as one ``.py`` file to the course server instead (remote.py) and shows its report. The token
comes from ``--token``, ``$DL_GRADER_TOKEN`` or what ``grade login URL`` saved.

Importing this package imports nothing of IPython: the magic is a plain function registered
with ``ipython.register_magic_function``; IPython's UsageError is imported when one is raised.
"""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any, NoReturn

MAGIC = "grade"
USAGE = "%grade EXERCISE [FUNCTION[,FUNCTION...]] [--server URL [--token TOKEN] | --local] [--verbose]"
SERVER_ENV = "DL_GRADER_SERVER"


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%grade`` (``%load_ext grader`` calls this through grader/__init__.py)."""

    def grade(line: str) -> Any:
        return grade_magic(ipython, line)

    grade.__doc__ = _HELP
    ipython.register_magic_function(grade, magic_kind="line", magic_name=MAGIC)


def unload_ipython_extension(ipython: Any) -> None:  # pragma: no cover - IPython's %unload_ext
    ipython.magics_manager.magics["line"].pop(MAGIC, None)


def usage_error(message: str) -> NoReturn:
    """End the magic with IPython's one line "UsageError: message" (no traceback)."""
    from IPython.core.error import UsageError

    raise UsageError(message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print and exit the kernel's SystemExit
        usage_error(f"{message}; usage: {USAGE}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%grade", add_help=False, usage=USAGE)
    parser.add_argument("exercise", nargs="?")
    parser.add_argument("functions", nargs="*")
    parser.add_argument("--only", default="")
    parser.add_argument("--server", default=None)
    parser.add_argument("--token", default=None)
    parser.add_argument("--local", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--help", "-h", action="store_true")
    return parser


_HELP = f"""Grade the definitions of this kernel (the cells you ran, unsaved edits included).

Usage: {USAGE}

  %grade week2                     every graded function of week2, recorded like `grade submit`
  %grade week2 propagate,optimize  just these functions (not recorded), as `grade submit --only`
  %grade week2 --server URL        submit them to the course server (token: --token,
                                   $DL_GRADER_TOKEN or `grade login URL`); $DL_GRADER_SERVER
                                   sets URL for every %grade (--local grades here all the same)
  %grade week2 --verbose           the text view lists passed checks too
"""


def grade_magic(ipython: Any, line: str) -> Any:
    """The ``%grade`` magic: returns a KernelGrade, or None after saying in one line why there is nothing to grade."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        usage_error(f"{exc}; usage: {USAGE}")
    args = _parser().parse_args(words)
    if args.help:
        print(_HELP)
        return None
    if not args.exercise:
        usage_error(f"which exercise? usage: {USAGE}")
    names = [name.strip() for part in [*args.functions, args.only] for name in part.split(",") if name.strip()]
    server = None if args.local else (args.server or os.environ.get(SERVER_ENV) or None)
    if args.local and args.server:
        usage_error("give --server URL or --local, not both")
    if args.token and not server:
        usage_error("--token is for --server")
    if server and names:
        usage_error(f"the course server grades every function: leave out {', '.join(names)}"
                    + (" (or add --local to grade them here)" if not args.server else ""))

    from grader.errors import UsageError as GraderUsageError
    from grader.jupyter.cells import kernel_source
    from grader.model.exercise import load_exercise

    try:
        exercise = load_exercise(args.exercise)
    except GraderUsageError as exc:
        usage_error(str(exc))
    source = kernel_source(ipython)
    if not source.cells:
        print(f"Nothing to grade: no cell has run in this kernel yet. Run the cells with your definitions, "
              f"then %grade {args.exercise} again.")
        return None
    if not source.defines_anything():
        print(f"Nothing to grade: none of {source.said} defines a function. Run the cells with your "
              f"definitions, then %grade {args.exercise} again.")
        return None

    from grader.jupyter.run import GradingFailed, grade_locally, grade_on_server

    try:
        if server:
            return grade_on_server(exercise.root, source, server, token=args.token, verbose=args.verbose)
        return grade_locally(exercise.root, source, names, verbose=args.verbose)
    except GradingFailed as exc:
        usage_error(str(exc))
