"""More `grade` commands, one module per area; each registers itself on ``grader.cli.app``.

Modules here keep their heavy imports inside the command functions, so that importing
them at start-up costs nothing on `grade submit`'s path.
"""
from grader.commands import class_results  # noqa: F401  (grade export, grade report)
from grader.commands import authoring  # noqa: F401  (grade new, grade release)
