"""The `grade` command line: the Typer app (``app.py``) and one module per command group.

Importing this package registers every command, in the order `grade --help` lists them: each
module below adds its commands to ``app`` (one import a line: a new module gets a line of its own).
Each keeps its heavy imports inside its command functions, so that `grade submit` pays for none of them.
"""
from grader.cli.app import app, main
from grader.cli import submit  # noqa: F401  (submit)
from grader.cli import quiz  # noqa: F401  (quiz)
from grader.cli import exercises  # noqa: F401  (validate, list, doctor)
from grader.cli import batch  # noqa: F401  (batch)
from grader.cli import similar  # noqa: F401  (similar)
from grader.cli import authoring  # noqa: F401  (new, release)
from grader.cli import class_results  # noqa: F401  (report, export)
from grader.cli import course  # noqa: F401  (course, serve, login)

__all__ = ["app", "main"]
