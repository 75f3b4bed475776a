"""Exports for other systems: a class CSV, and Gradescope's ``results.json`` for one submission.

CSV (``write_class_csv``): one row per learner, by learner id: ``learner``, one
column per graded function (points of the latest code submission), ``total``,
``max``, ``percent``, ``submitted_at``, then ``quiz`` and ``quiz_max`` (the latest
quiz score). A cell is empty when the learner has no such submission. Every cell is
quoted, so a line break or CR in a learner id stays in its cell. Learner ids are
names learners chose: a cell that does not start with a letter, a digit or ``_`` (so one
starting with ``= + - @``, a tab or CR, which a spreadsheet would evaluate, and one starting
with ``'``) gets a ``'`` in front; the exact id is the cell without that one leading ``'``.

Gradescope (``to_gradescope``) follows the autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): top-level
``score``, ``execution_time``, ``output``, ``visibility``, ``stdout_visibility``
and one test per check, numbered ``<function>.<check>`` in the report's order.
Visibility: public checks are ``visible``; hidden checks are ``after_published``,
so learners see neither their names nor their feedback (which would reveal the
hidden inputs) until the instructor publishes the grades; their points count in
the score from the start. ``stdout_visibility`` is ``hidden`` because the
terminal view printed by ``grade submit`` shows every check, hidden ones included.
Advice checks have ``max_score`` 0 and the tag ``advice``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.classroom.class_report import ClassResults, learner_rows
from grader.errors import UsageError
from grader.messages import say
from grader.views.terminal import fmt_total
from grader.model.report import GradeReport

HIDDEN_VISIBILITY = "after_published"


def _number(value: float | None) -> str:
    return "" if value is None else fmt_total(value)


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates: with a ``'`` in front unless it starts
    with a letter, a digit or ``_`` (OWASP's advice for = + - @, tab and CR, widened to every other
    first character, ``'`` included, so the exact text is the cell without one leading ``'``)."""
    return f"'{text}" if text and not (text[0].isalnum() or text[0] == "_") else text


def class_csv(results: ClassResults, *, terminal: bool = False) -> str:
    """The class table as CSV text (see the module docstring for its columns).

    terminal: for a terminal, where the control characters of a learner id (ESC, CR, LF) would be
    obeyed: they are written as escapes (``\\x1b``, see ``learner_ids.shown``) instead of as they are.
    """
    show: Callable[[str], str] = str
    if terminal:
        from grader.views.learner_ids import shown as show

    buffer = io.StringIO()
    # Every cell quoted: Python's csv module leaves a lone CR unquoted, and a CR in a learner id
    # would then end the row for the program that reads the file.
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["learner", *results.functions, "total", "max", "percent", "submitted_at", "quiz", "quiz_max"])
    for row in learner_rows(results):
        writer.writerow([
            spreadsheet_text(show(row.learner)),
            *(_number(row.function_points.get(name)) for name in results.functions),
            _number(row.points),
            _number(row.max_points),
            "" if row.percent is None else f"{row.percent:.2f}",
            spreadsheet_text(row.submitted_at),
            _number(row.quiz_points),
            _number(row.quiz_max_points),
        ])
    return buffer.getvalue()


def to_gradescope(report: GradeReport) -> dict[str, Any]:
    """The report in Gradescope's ``results.json`` format (see the module docstring)."""
    tests = []
    functions = list(dict.fromkeys([f.name for f in report.functions] + [c.function for c in report.checks]))
    for f_number, function in enumerate(functions, 1):
        for c_number, check in enumerate(report.checks_for(function), 1):
            tags = [function] + (["hidden"] if check.hidden else []) + (["advice"] if check.advice else [])
            output = "\n\n".join(part for part in (check.description, check.message.rstrip("\n")) if part)
            tests.append({
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.status == "passed" else "failed",
                "name": f"{function}: {check.name}",
                "number": f"{f_number}.{c_number}",
                "output": output,
                "output_format": "text",
                "tags": tags,
                "visibility": HIDDEN_VISIBILITY if check.hidden else "visible",
            })
    return {
        "score": report.points,
        "execution_time": round(report.timings.get("total", sum(report.timings.values())), 3),
        "output": say("gradescope.summary", exercise=report.exercise, points=fmt_total(report.points),
                      max_points=fmt_total(report.max_points), percent=report.percent, seed=report.seed),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_gradescope(report: GradeReport, path: Path) -> None:
    """Write ``to_gradescope(report)`` as JSON to ``path``; raises UsageError when it cannot be written."""
    try:
        path.write_text(json.dumps(to_gradescope(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from None
