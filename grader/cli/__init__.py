"""The `grade` command line: the Typer app (``app.py``) and one module per command group.

Importing this package registers every command; each module keeps its heavy imports inside
its command functions, so that `grade submit` pays for none of them.
"""
from grader.cli.app import app, main
from grader.cli import authoring, class_results, course  # noqa: F401  (they add commands to `app`)

__all__ = ["app", "main"]
