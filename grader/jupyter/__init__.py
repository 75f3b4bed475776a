"""Grading inside Jupyter: ``%load_ext grader``, then ``%grade week2`` in a notebook.

``%grade EXERCISE [FUNCTION[,FUNCTION...]] [--server URL [--token T] | --local] [--verbose] [--lang L]``
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

The magic speaks the language ``--lang`` names, else the kernel's (``$DL_GRADER_LANG``, then the
locale), as ``grade`` does: its own sentences, the grading process's and the grade's view.

Importing this package imports nothing of IPython: the magic is a plain function registered
with ``ipython.register_magic_function``; IPython's UsageError is imported when one is raised.
"""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any, NoReturn

MAGIC = "grade"
USAGE = "%grade EXERCISE [FUNCTION[,FUNCTION...]] [--server URL [--token TOKEN] | --local] [--verbose] [--lang L]"
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
        from grader.messages import say

        usage_error(say("commands.magic.bad_line", problem=message, usage=USAGE))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%grade", add_help=False, usage=USAGE)
    parser.add_argument("exercise", nargs="?")
    parser.add_argument("functions", nargs="*")
    parser.add_argument("--only", default="")
    parser.add_argument("--server", default=None)
    parser.add_argument("--token", default=None)
    parser.add_argument("--local", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--lang", default=None)
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
  %grade week2 --lang ko           in Korean (default: $DL_GRADER_LANG, then the locale)
"""


def grade_magic(ipython: Any, line: str) -> Any:
    """The ``%grade`` magic: returns a KernelGrade, or None after saying in one line why there is nothing to grade."""
    from grader.messages import say, speaking
    from grader.messages.choose import choose_language

    with speaking(choose_language()[0]):
        try:
            words = shlex.split(line)
        except ValueError as exc:
            usage_error(say("commands.magic.bad_line", problem=exc, usage=USAGE))
        args = _parser().parse_args(words)
    lang, note = choose_language(args.lang)
    if note:
        print(note)
    with speaking(lang):
        return _grade(ipython, args, lang)


def _grade(ipython: Any, args: argparse.Namespace, lang: str) -> Any:
    from grader.messages import say

    if args.help:
        print(_HELP)
        return None
    if not args.exercise:
        usage_error(say("commands.magic.which_exercise", usage=USAGE))
    names = [name.strip() for part in [*args.functions, args.only] for name in part.split(",") if name.strip()]
    server = None if args.local else (args.server or os.environ.get(SERVER_ENV) or None)
    if args.local and args.server:
        usage_error(say("commands.magic.server_or_local"))
    if args.token and not server:
        usage_error(say("commands.token_needs_server"))
    if server and names:
        usage_error(say("commands.magic.server_grades_all", names=", ".join(names)) if args.server
                    else say("commands.magic.server_grades_all_or_local", names=", ".join(names)))

    from grader.errors import UsageError as GraderUsageError
    from grader.jupyter.cells import kernel_source
    from grader.model.exercise import load_exercise

    try:
        exercise = load_exercise(args.exercise)
    except GraderUsageError as exc:
        usage_error(str(exc))
    source = kernel_source(ipython)
    if not source.cells:
        print(say("commands.magic.no_cell", exercise=args.exercise))
        return None
    if not source.defines_anything():
        print(say("commands.magic.no_definition", cells=source.said, exercise=args.exercise))
        return None

    from grader.jupyter.run import GradingFailed, grade_locally, grade_on_server

    try:
        if server:
            return grade_on_server(exercise.root, source, server, token=args.token, verbose=args.verbose, lang=lang)
        return grade_locally(exercise.root, source, names, verbose=args.verbose, lang=lang)
    except GradingFailed as exc:
        usage_error(str(exc))
