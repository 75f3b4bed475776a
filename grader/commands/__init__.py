"""More `grade` commands, one module per area; each registers itself on ``grader.cli.app``.

Modules here keep their heavy imports inside the command functions, so that importing
them at start-up costs nothing on `grade submit`'s path.
"""
