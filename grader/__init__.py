"""dl-grader: auto-graded numpy exercises and quizzes for deep-learning fundamentals.

The library API is usable without the CLI::

    from grader import grade_submission
    report = grade_submission("exercises/week2", files=["my_notebook.ipynb"])
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "grade_submission"]


def load_ipython_extension(ipython) -> None:  # type: ignore[no-untyped-def]
    """``%load_ext grader``: adds the ``%grade`` magic (grader/jupyter); nothing is imported before."""
    from grader.jupyter import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str):
    # Lazy: `import grader` must stay cheap for the sandbox worker and the CLI.
    if name == "grade_submission":
        from grader.grading import grade_submission

        return grade_submission
    raise AttributeError(name)
