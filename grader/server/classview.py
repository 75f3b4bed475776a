"""What instructors read on the server: the class report of an exercise from the course database
(the same statistics and page as ``grade report``), and everyone's best score as CSV."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import and_, func, select

from grader.course.store import accounts, submissions
from grader.model.report import GradeReport


def _newest_graded(query, exercise: str):  # type: ignore[no-untyped-def]
    """``query`` over each learner's latest graded submission of ``exercise`` (learners only)."""
    graded = and_(submissions.c.exercise == exercise, submissions.c.status == "done")
    newest = select(func.max(submissions.c.seq)).where(graded).group_by(submissions.c.account_id)
    return (query.join(accounts, accounts.c.id == submissions.c.account_id)
            .where(submissions.c.seq.in_(newest), accounts.c.role == "learner"))


def latest_reports(engine, exercise: str) -> list[GradeReport]:  # type: ignore[no-untyped-def]
    """Each learner's latest graded report of ``exercise`` (their id as the report's learner); only
    those reports are read."""
    query = _newest_graded(select(submissions.c.report_json, accounts.c.login), exercise)
    latest: dict[str, GradeReport] = {}
    with engine.connect() as connection:
        for report_json, login in connection.execute(query):
            report = GradeReport.from_dict(json.loads(report_json))
            report.learner = login
            latest[login] = report
    return [latest[login] for login in sorted(latest)]


def class_results(engine, course, exercise: str):  # type: ignore[no-untyped-def]
    """Every learner's latest code and quiz report of ``exercise`` (the ClassResults of
    ``grade report``), or None when nobody has a graded submission of it yet."""
    from grader.classroom.class_report import ClassResults
    from grader.model.exercise import load_exercise

    entry = course.exercise(exercise)
    if entry is None:
        return None
    reports, quizzes = latest_reports(engine, exercise), latest_reports(engine, f"{exercise}/quiz")
    if not reports and not quizzes:
        return None
    ex = load_exercise(entry.root)
    functions = [f.name for f in ex.functions]
    for report in reports:
        functions += [f.name for f in report.functions if f.name not in functions]
    return ClassResults(ex.name, ex.title, tuple(functions), tuple(reports), tuple(quizzes))


def class_page(state, exercise: str, similar: str | None = None) -> str | None:  # type: ignore[no-untyped-def]
    """The class report page of ``exercise`` (its header linking to ``similar``), or None when nobody
    has a graded submission yet."""
    from grader.classroom.class_html import render_class_html
    from grader.classroom.class_report import build_class_report

    results = class_results(state.engine, state.course, exercise)
    return None if results is None else render_class_html(build_class_report(results), similar=similar)


def best_scores_csv(state) -> str:  # type: ignore[no-untyped-def]
    """One row per learner, one column per exercise: the best score (after late penalties)."""
    names = [name for entry in state.course.exercises
             for name in ([entry.name] if entry.code else []) + ([f"{entry.name}/quiz"] if entry.quiz else [])]
    query = (select(accounts.c.login, submissions.c.exercise, submissions.c.points)
             .join(submissions, accounts.c.id == submissions.c.account_id, isouter=True)
             .where(accounts.c.role == "learner"))
    best: dict[str, dict[str, float]] = {}
    with state.engine.connect() as connection:
        for login, exercise, points in connection.execute(query):
            row = best.setdefault(login, {})
            if exercise and points is not None:
                row[exercise] = max(points, row.get(exercise, 0.0))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["learner", *names])
    for login in sorted(best):
        writer.writerow([_cell(login), *(best[login].get(name, "") for name in names)])
    return out.getvalue()


def _cell(text: str) -> str:
    """A spreadsheet does not run a cell that starts like a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def similar_page(state, exercise: str) -> str | None:  # type: ignore[no-untyped-def]
    """The similar-submissions page (grade similar) of ``exercise`` over each learner's latest graded
    files, or None when fewer than two learners have one."""
    import tempfile
    from pathlib import Path

    from grader.classroom.similar import similar_pairs
    from grader.classroom.similar_html import render_similar_html
    from grader.course.store import submission_files
    from grader.server.grading import safe_name

    entry = state.course.exercise(exercise)
    if entry is None:
        return None
    query = _newest_graded(select(submissions.c.seq, accounts.c.login), exercise)
    with state.engine.connect() as connection:
        latest = {login: seq for seq, login in connection.execute(query)}
        if len(latest) < 2:
            return None
        with tempfile.TemporaryDirectory(prefix="dl-grader-similar-") as folder:
            for login, seq in latest.items():
                own = Path(folder, login)  # logins are [A-Za-z0-9._@-]: a plain folder name
                own.mkdir()
                for name, data in connection.execute(select(submission_files.c.name, submission_files.c.data)
                                                     .where(submission_files.c.submission_seq == seq)):
                    if safe_name(name) == name:
                        (own / name).write_bytes(bytes(data))
            return render_similar_html(similar_pairs(entry.root, Path(folder)))
