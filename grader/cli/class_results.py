"""`grade export ...` (class results for other systems) and `grade report` (the class report page)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli.app import LangOption, app, reports_usage_errors, speak
from grader.errors import usage_error
from grader.messages import say

GRADEBOOK_HELP = "SQLite gradebook (default: $DL_GRADER_GRADEBOOK or ~/.local/share/dl-grader/gradebook.sqlite)."
COURSE_HELP = "Read a course server's database instead (the course folder of `grade serve`)."
DB_HELP = "With --course: its database URL, if not the folder's course.sqlite (e.g. postgresql://...)."

export_app = typer.Typer(
    name="export",
    help="Export a class's results for other systems (one format per subcommand).\n\n"
         "Example:\n\n"
         "  grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite && "
         "grade export csv week2 --gradebook class.sqlite --out week2.csv",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app)


def _write(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` (standard output when None). Learner ids keep the exact bytes of the
    file names they come from, even bytes that are not UTF-8 (surrogateescape)."""
    data = text.encode("utf-8", "surrogateescape")
    if out is None:
        typer.echo(data, nl=False)
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise usage_error("commands.cannot_write", path=out, reason=exc.strerror) from None


@export_app.command("csv")
@reports_usage_errors
def export_csv(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    gradebook: Annotated[Optional[Path], typer.Option(help=GRADEBOOK_HELP)] = None,
    course: Annotated[Optional[Path], typer.Option(help=COURSE_HELP)] = None,
    db: Annotated[Optional[str], typer.Option(help=DB_HELP)] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the CSV here (default: standard output).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but the CSV (as without it: it is "
                                                               "all this command prints).")] = False,
) -> None:
    """One row per learner: points per graded function of the latest code submission, total, max,
    percent, submitted_at, and the latest quiz score (quiz, quiz_max). A learner cell that does not
    start with a letter, digit or _ gets a ' in front (no spreadsheet evaluates it); on a terminal,
    control characters in learner ids are shown escaped.

    Examples:

      grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite && grade export csv week2 --gradebook class.sqlite

      grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite && grade export csv exercises/week2 --gradebook class.sqlite --out week2.csv
    """
    from grader.classroom.exports import class_csv

    results = _class(exercise, gradebook, course, db)
    _write(class_csv(results, terminal=out is None and sys.stdout.isatty()), out)


@export_app.command("canvas")
@reports_usage_errors
def export_canvas(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    gradebook: Annotated[Optional[Path], typer.Option(help=GRADEBOOK_HELP)] = None,
    course: Annotated[Optional[Path], typer.Option(help=COURSE_HELP)] = None,
    db: Annotated[Optional[str], typer.Option(help=DB_HELP)] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the CSV here (default: standard output).")] = None,
    assignment_id: Annotated[str, typer.Option(
        help="The Canvas assignment that gets the code score: the number in its address "
             "(.../assignments/NNN). Default: matched by the title EXERCISE, or created.")] = "",
    quiz_assignment_id: Annotated[str, typer.Option(
        help="The same for the quiz score (its column is titled 'EXERCISE quiz').")] = "",
    id_column: Annotated[str, typer.Option(
        help="The Canvas column that holds the learner id: sis-login-id or sis-user-id.")] = "sis-login-id",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but the CSV (as without it: it is "
                                                               "all this command prints).")] = False,
) -> None:
    """A CSV for Canvas's gradebook import (Grades > Import): Student, ID, SIS User ID, SIS Login ID,
    Section, one column per assignment (the code score, the quiz score) and a Points Possible row.
    Each learner id goes into the SIS column Canvas finds students by (--id-column).

    Examples:

      grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite && grade export canvas week2 --gradebook class.sqlite --assignment-id 4711 --out canvas.csv
    """
    from grader.classroom.exports import canvas_csv

    results = _class(exercise, gradebook, course, db)
    _write(canvas_csv(results, assignment_id=assignment_id.strip(), quiz_assignment_id=quiz_assignment_id.strip(),
                      id_column=id_column, terminal=out is None and sys.stdout.isatty()), out)


@export_app.command("moodle")
@reports_usage_errors
def export_moodle(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    gradebook: Annotated[Optional[Path], typer.Option(help=GRADEBOOK_HELP)] = None,
    course: Annotated[Optional[Path], typer.Option(help=COURSE_HELP)] = None,
    db: Annotated[Optional[str], typer.Option(help=DB_HELP)] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the CSV here (default: standard output).")] = None,
    identifier: Annotated[str, typer.Option(
        help="How Moodle finds each learner: username (the learner id) or email (the course account's email "
             "with --course; else a learner id that is an email address).")] = "username",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but the CSV (learners left out "
                                                               "are still said, on standard error).")] = False,
) -> None:
    """A CSV for Moodle's grade import (Grades > Import > CSV file): a Username (or Email address)
    column, then one column per grade item (the code score, the quiz score). Learners without an email
    are left out of an --identifier email file, and said on standard error.

    Examples:

      grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite && grade export moodle week2 --gradebook class.sqlite --out moodle.csv
    """
    from grader.classroom.class_report import learner_rows
    from grader.classroom.exports import moodle_csv

    results = _class(exercise, gradebook, course, db)
    emails = _course_emails(course, db) if course is not None and identifier == "email" else None
    text, left_out = moodle_csv(results, identifier=identifier, emails=emails,
                                terminal=out is None and sys.stdout.isatty())
    if left_out and len(left_out) == len(learner_rows(results)):
        if course:
            raise usage_error("commands.export.no_email_course", exercise=results.exercise)
        raise usage_error("commands.export.no_email", exercise=results.exercise)
    _write(text, out)
    if left_out:
        from grader.views.learner_ids import shown

        ids = ", ".join(map(shown, left_out))
        typer.echo(say("commands.export.left_out.one", ids=ids) if len(left_out) == 1
                   else say("commands.export.left_out.many", count=len(left_out), ids=ids), err=True)


def _class(exercise: str, gradebook: Path | None, course: Path | None, db: str | None):  # type: ignore[no-untyped-def]
    """The class results of ``exercise``: from the course's database with ``course``, else the gradebook."""
    if course:
        return _results(exercise, gradebook, course, db)
    from grader.classroom.class_report import load_class_results
    from grader.classroom.gradebook import default_gradebook_path

    if db is not None:
        raise usage_error("commands.db_needs_course")
    return load_class_results(exercise, gradebook or default_gradebook_path())


@app.command()
@reports_usage_errors
def report(
    exercise: Annotated[str, typer.Argument(help="Exercise folder (exercises/week2) or name (week2).")],
    html_out: Annotated[Path, typer.Option("--html", help="Write the self-contained HTML class report here.")],
    gradebook: Annotated[Optional[Path], typer.Option(help=GRADEBOOK_HELP)] = None,
    course: Annotated[Optional[Path], typer.Option(help=COURSE_HELP)] = None,
    db: Annotated[Optional[str], typer.Option(help=DB_HELP)] = None,
    feedback: Annotated[Optional[Path], typer.Option(
        help="Folder of the learners' feedback pages (grade batch --out): each learner's name links to theirs.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing (the page is the result).")] = False,
    similar: Annotated[Optional[str], typer.Option(
        help="Link the header to the class's similar submissions page (the path or URL of grade similar --html).")] = None,
    lang: LangOption = None,
) -> None:
    """A class report: score histogram, pass rate per graded function and per check, the most
    common mistakes, quiz item difficulty and discrimination, and every learner's score.

    Examples:

      grade batch week2 tests/fixtures/class_week2 --gradebook class.sqlite --out feedback && grade report week2 --gradebook class.sqlite --feedback feedback --html class.html
    """
    speak(lang)
    from grader.classroom.class_report import build_class_report
    from grader.classroom.class_html import render_class_html

    if feedback is not None and not feedback.is_dir():
        raise usage_error("commands.report.no_feedback", folder=feedback)
    results = _class(exercise, gradebook, course, db)
    class_report = build_class_report(results)
    _write(render_class_html(class_report, feedback_dir=feedback, page=html_out, similar=similar), html_out)
    if not quiet:
        count = len(class_report.learners)
        typer.echo(say("commands.report.written.one", path=html_out) if count == 1
                   else say("commands.report.written.many", path=html_out, count=count))


def _results(exercise: str, gradebook: Path | None, course: Path, db: str | None):  # type: ignore[no-untyped-def]
    """The class results of ``exercise`` from a course server's database."""
    if gradebook is not None:
        raise usage_error("commands.gradebook_or_course")
    try:
        from grader.server.classview import class_results
    except ImportError:
        raise usage_error("commands.course_needs_extra") from None
    config, engine = _course_store(course, db)
    name = Path(exercise).name
    results = class_results(engine, config, name)
    if results is None:
        if config.exercise(name):
            raise usage_error("commands.report.nothing_graded", course=course, exercise=name)
        raise usage_error("commands.report.no_exercise", course=course, exercise=name)
    return results


def _course_store(course: Path, db: str | None):  # type: ignore[no-untyped-def]
    """(the course's configuration, its database engine)."""
    try:
        from grader.course.config import load_course
        from grader.course.store import open_store
    except ImportError:
        raise usage_error("commands.course_needs_extra") from None
    config = load_course(course)
    return config, open_store(db or config.database_url)


def _course_emails(course: Path, db: str | None) -> dict[str, str | None]:
    """Each account's email in the course's database, by learner id."""
    from grader.course.accounts import all_accounts

    return {account.login: account.email for account in all_accounts(_course_store(course, db)[1])}
