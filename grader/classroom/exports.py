"""Exports for other systems: a class CSV, Canvas's and Moodle's gradebook imports, and Gradescope's
``results.json`` for one submission.

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

LMS gradebooks (``canvas_csv``, ``moodle_csv``): one row per learner and one column per grade item
of the exercise: its code score (the latest code submission's points, when anyone submitted code)
and its quiz score (the latest quiz, when anyone took it), named ``week2`` and ``week2
quiz``. A learner with no such submission has an empty cell, which both imports read as "no grade".
Learner cells are neutralised as in the class CSV.

- Canvas (its gradebook import, "Import" in Grades; the format of the Gradebook export and of
  canvas-lms's ``GradebookImporter``): the columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login
  ID``, ``Section``, then one column per assignment, named ``<title> (<assignment id>)`` to update
  that assignment, or ``<title>`` alone to match an assignment by its title or create one; a second
  row whose first cell is ``Points Possible`` gives each assignment's maximum. Canvas finds each
  student by ``ID`` (its own user id), then ``SIS User ID``, then ``SIS Login ID``, then by name: the
  learner id goes into the SIS column chosen (``SIS Login ID`` by default) and into ``Student``, so
  that a row Canvas cannot match is shown by its learner id; ``ID`` and ``Section`` are empty.
- Moodle (Grades > Import > CSV file): a header row, then one row per learner: a column identifying
  the user (``Username``, or ``Email address``), one column per grade item. At import, map the first
  column to "username" (or "email address") under "Identify user by", and each item's column to a
  grade item or to "New grade item". Moodle refuses the whole file when one row names nobody in the
  course, and reads a row with an empty identifier as the row before's user: a learner without the
  identifier (no email known) is left out, and the caller says so.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.classroom.class_report import ClassResults, LearnerRow, learner_rows
from grader.errors import usage_error
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
    show = _shower(terminal)
    buffer, writer = _csv_writer()
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


@dataclass(frozen=True)
class GradeItem:
    """One column of an LMS gradebook: the exercise's code score or its quiz score."""

    name: str
    max_points: float  # the most points a report of it is worth
    points: Callable[[LearnerRow], float | None]


def grade_items(results: ClassResults) -> list[GradeItem]:
    """The exercise's grade items: its code score (when anyone submitted code), its quiz score (when
    anyone took the quiz)."""
    items = []
    if results.code:
        items.append(GradeItem(results.exercise, max(r.max_points for r in results.code), lambda row: row.points))
    if results.quiz:
        items.append(GradeItem(f"{results.exercise} quiz", max(r.max_points for r in results.quiz),
                               lambda row: row.quiz_points))
    return items


CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_ID_COLUMNS = {"sis-login-id": "SIS Login ID", "sis-user-id": "SIS User ID"}
CANVAS_POINTS_POSSIBLE = "Points Possible"


def canvas_csv(results: ClassResults, *, assignment_id: str = "", quiz_assignment_id: str = "",
               id_column: str = "sis-login-id", terminal: bool = False) -> str:
    """The class's scores as a CSV for Canvas's gradebook import (see the module docstring).

    assignment_id, quiz_assignment_id: the Canvas ids of the assignments that get the code and the quiz
    score (the number in the assignment's address); without one, the column is matched by its title
    or becomes a new assignment. id_column: the SIS column that holds the learner id ("sis-login-id"
    or "sis-user-id"). terminal: see ``class_csv``.
    """
    if id_column not in CANVAS_ID_COLUMNS:
        raise usage_error("usage.export.id_column", choices=", ".join(CANVAS_ID_COLUMNS), given=id_column)
    for given in (assignment_id, quiz_assignment_id):
        if given and not given.isdigit():
            raise usage_error("usage.export.canvas_id", given=given)
    show = _shower(terminal)
    items = grade_items(results)
    ids = {results.exercise: assignment_id, f"{results.exercise} quiz": quiz_assignment_id}
    buffer, writer = _csv_writer()
    writer.writerow([*CANVAS_STUDENT_COLUMNS, *(f"{i.name} ({ids[i.name]})" if ids[i.name] else i.name for i in items)])
    writer.writerow([CANVAS_POINTS_POSSIBLE, "", "", "", "", *(_number(i.max_points) for i in items)])
    column = CANVAS_STUDENT_COLUMNS.index(CANVAS_ID_COLUMNS[id_column])
    for row in learner_rows(results):
        learner = spreadsheet_text(show(row.learner))
        cells = [learner, "", "", "", ""]
        cells[column] = learner
        writer.writerow([*cells, *(_number(item.points(row)) for item in items)])
    return buffer.getvalue()


MOODLE_IDENTIFIERS = {"username": "Username", "email": "Email address"}


def moodle_csv(results: ClassResults, *, identifier: str = "username", emails: Mapping[str, str | None] | None = None,
               terminal: bool = False) -> tuple[str, list[str]]:
    """The class's scores as a CSV for Moodle's grade import (see the module docstring), and the learners
    left out for want of an identifier.

    identifier: "username" (the learner id) or "email": the email of ``emails`` (learner id -> email, a
    course's accounts), else the learner id itself when it is an email address. terminal: see ``class_csv``.
    """
    if identifier not in MOODLE_IDENTIFIERS:
        raise usage_error("usage.export.identifier", choices=", ".join(MOODLE_IDENTIFIERS), given=identifier)
    show = _shower(terminal)
    items = grade_items(results)
    buffer, writer = _csv_writer()
    writer.writerow([MOODLE_IDENTIFIERS[identifier], *(item.name for item in items)])
    left_out = []
    for row in learner_rows(results):
        key = row.learner if identifier == "username" else _email(row.learner, emails or {})
        if not key:
            left_out.append(row.learner)
            continue
        writer.writerow([spreadsheet_text(show(key)), *(_number(item.points(row)) for item in items)])
    return buffer.getvalue(), left_out


def _email(learner: str, emails: Mapping[str, str | None]) -> str:
    email = (emails.get(learner) or "").strip()
    if email:
        return email
    local, at, domain = learner.rpartition("@")
    return learner if at and local and "." in domain and not any(c.isspace() for c in learner) else ""


def _shower(terminal: bool) -> Callable[[str], str]:
    if terminal:
        from grader.views.learner_ids import shown

        return shown
    return str


def _csv_writer() -> tuple[io.StringIO, Any]:
    buffer = io.StringIO()
    # Every cell quoted: Python's csv module leaves a lone CR unquoted, and a CR in a learner id
    # would then end the row for the program that reads the file.
    return buffer, csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)


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
        raise usage_error("usage.cannot_write", path=path, reason=exc.strerror) from None
