"""Checks the grader could not run: its own fault, never the learner's.

- A check file that cannot be loaded (it raises at import, imports a module that is missing): the
  checks it declares are read from its source (``declared_checks``), and each one becomes an error
  worth its points that says the grader could not load it, so that the total shows points missing
  instead of silently losing them.
- A check that raised an exception of its own (not a learner's fault, not a failed comparison):
  ``runs_on_right_answers`` runs it once more with the reference solution in the learner's place
  (grader.checks.stand_in). If it passes, the learner's values were what its code could not handle;
  if not, the check itself cannot run.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.checks.context import CheckContext, enter, leave
from grader.messages import say
from grader.model.report import CheckResult


@dataclass(frozen=True)
class DeclaredCheck:
    """A check declared in a check file that could not be loaded: what its result needs."""

    function: str
    name: str
    points: float
    description: str
    hidden: bool
    check: str  # file::test name, for the learner to quote
    error_type: str

    def result(self, seed: int) -> CheckResult:
        return CheckResult(function=self.function, name=self.name, status="error", points=0.0,
                           max_points=self.points, description=self.description, hidden=self.hidden,
                           message=say("check.grader_error_collection", error_type=self.error_type,
                                       check=self.check, points=self.points))


def declared_checks(path: Path, error_type: str, hidden: bool) -> list[DeclaredCheck] | None:
    """The ``@check`` functions a check file declares, read from its source without running it (None
    when it cannot be read or parsed)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    declared = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = (ast.get_docstring(node) or "").strip().splitlines()
        for decorator in node.decorator_list:
            marks = [(node.name, *mark) for mark in [_check_mark(decorator)] if mark is not None]
            marks = marks if node.name.startswith("test_") else _each_marks(decorator)
            for test, function, points in marks:
                declared.append(DeclaredCheck(function=function, name=test.removeprefix("test_"), points=points,
                                              description=doc[0] if doc else "", hidden=hidden,
                                              check=f"{path.name}::{test}", error_type=error_type))
            if marks:
                break
    return declared


def _each_marks(decorator: ast.expr) -> list[tuple[str, str, float]]:
    """(test name, function, points) of each check a ``@check.each({...}, points=...)`` decorator written
    with constants defines."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "each" and decorator.args and isinstance(decorator.args[0], ast.Dict)):
        return []
    points: Any = decorator.args[1] if len(decorator.args) > 1 else next(
        (k.value for k in decorator.keywords if k.arg == "points"), ast.Constant(1.0))
    if not isinstance(points, ast.Constant) or not isinstance(points.value, (int, float)):
        return []
    pairs = list(zip(decorator.args[0].keys, decorator.args[0].values))
    if not all(isinstance(k, ast.Constant) and isinstance(v, ast.Constant) for k, v in pairs):
        return []
    return [(f"test_{k.value}", v.value, float(points.value)) for k, v in pairs]  # type: ignore[union-attr]


def _check_mark(decorator: ast.expr) -> tuple[str, float] | None:
    """(function, points) of a ``@check("function", points=...)`` decorator written with constants."""
    if not isinstance(decorator, ast.Call):
        return None
    name = decorator.func.id if isinstance(decorator.func, ast.Name) else getattr(decorator.func, "attr", "")
    if name != "check" or not decorator.args or not isinstance(decorator.args[0], ast.Constant):
        return None
    points: Any = decorator.args[1] if len(decorator.args) > 1 else next(
        (k.value for k in decorator.keywords if k.arg == "points"), ast.Constant(1.0))
    if not isinstance(points, ast.Constant) or not isinstance(points.value, (int, float)):
        return None
    return str(decorator.args[0].value), float(points.value)


def runs_on_right_answers(check: Callable[..., Any], kwargs: dict[str, Any], context: CheckContext) -> bool:
    """Does ``check(**kwargs)`` (its fixtures, the learner's among them replaced by the reference) pass in
    ``context``? A skip counts as passing; whatever else it raises, no (the exception's frames are let go)."""
    token = enter(context)
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            check(**kwargs)
    except (KeyboardInterrupt, pytest.exit.Exception):
        raise
    except pytest.skip.Exception:
        return True
    except BaseException as error:  # noqa: BLE001 - whatever it raises, the check cannot run
        error.__traceback__ = None
        return False
    finally:
        leave(token)
    return True


def grader_error(check: str, function: str, points: float, seed: int, error: BaseException | None, *,
                 secret: bool, check_dirs: set[Path]) -> tuple[str, str]:
    """(the learner's feedback, the instructor's note) for ``check``, which the grader could not run.

    The feedback names the check and the seed, and says it is not the learner's mistake; the note gives
    the error's type, its first line unless it came through the reference (``secret``: it would describe
    the reference), and where in the check files (``check_dirs``) it was raised.
    """
    kind = type(error).__name__
    first_line = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    detail = f"{kind}: {first_line}" if first_line and not secret else kind
    where = _where(error, check_dirs)
    note = say("note.grader_error", check=check, function=function, points=points, seed=seed,
               error=detail + (f" at {where}" if where else ""))
    return say("check.grader_error", error_type=kind, check=check, seed=seed, points=points), note


def _where(error: BaseException | None, check_dirs: set[Path]) -> str:
    """file:line of the innermost frame of a check file (or of its helper modules) in ``error``'s traceback."""
    where = ""
    trace = error.__traceback__ if error is not None else None
    while trace is not None:
        path = Path(trace.tb_frame.f_code.co_filename)
        if path.is_absolute() and path.resolve().parent in check_dirs:
            where = f"{path.name}:{trace.tb_lineno}"
        trace = trace.tb_next
    return where
