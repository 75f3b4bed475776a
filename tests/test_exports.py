"""Exports: the class CSV (`grade export csv`) and Gradescope's results.json (`grade submit --gradescope`)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from class_factory import quiz_ids, take_quiz
from report_factory import make_report
from typer.testing import CliRunner

from grader.classroom.batch import run_batch
from grader.cli.app import app
from grader.classroom.exports import HIDDEN_VISIBILITY, to_gradescope
from grader.classroom.gradebook import Gradebook

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "tests" / "fixtures" / "class_week2"
runner = CliRunner()

# Gradescope's results.json, as its autograder specification describes it
# (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["score", "max_score", "name"],
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string"},
                    "name_format": {"type": "string"},
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def class_gradebook(tmp_path_factory) -> Path:
    """tests/fixtures/class_week2 graded by `grade batch`; alice and carol took the quiz, erin only the quiz."""
    scratch = tmp_path_factory.mktemp("class")
    gradebook = scratch / "class.sqlite"
    summary = run_batch("week2", CLASS, gradebook=gradebook, jobs=2)
    assert sorted(summary.graded) == ["alice", "bob", "carol", "dave"]
    ids = quiz_ids("week2")
    take_quiz("week2", "alice", gradebook, ids[:5], scratch)
    take_quiz("week2", "carol", gradebook, ids, scratch)
    take_quiz("week2", "carol", gradebook, ids[:2], scratch)  # a second attempt: the latest counts
    take_quiz("week2", "erin", gradebook, ids[:1], scratch)
    return gradebook


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error: ") and "Traceback" not in result.output, lines
    return lines[0].removeprefix("grade: error: ")


def test_csv_has_a_row_per_learner_and_a_column_per_graded_function(class_gradebook):
    """Do the rows hold each learner's latest points per function, total, and latest quiz score?"""
    result = invoke("export", "csv", "week2", "--gradebook", class_gradebook)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    functions = ["sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1", "L2",
                 "initialize_with_zeros", "propagate", "optimize", "predict", "model"]
    assert list(rows[0]) == ["learner", *functions, "total", "max", "percent", "submitted_at", "quiz", "quiz_max"]
    assert [row["learner"] for row in rows] == ["alice", "bob", "carol", "dave", "erin"]
    with Gradebook(class_gradebook) as book:
        for row in rows[:4]:
            report = book.latest("week2", row["learner"])
            assert {f: float(row[f]) for f in functions} == {f.name: f.points for f in report.functions}
            assert (float(row["total"]), float(row["max"])) == (report.points, report.max_points)
            assert float(row["percent"]) == pytest.approx(report.percent, abs=0.005)
            assert row["submitted_at"] == report.created_at
    by_learner = {row["learner"]: row for row in rows}
    assert by_learner["carol"]["total"] == by_learner["carol"]["max"] == "37"  # the reference solution
    assert (by_learner["alice"]["quiz"], by_learner["carol"]["quiz"], by_learner["bob"]["quiz"]) == ("5", "2", "")
    assert by_learner["alice"]["quiz_max"] == "24"
    erin = by_learner["erin"]
    assert erin["quiz"] == "1" and all(erin[column] == "" for column in [*functions, "total", "percent"])


def test_csv_out_writes_the_same_table_to_a_file(class_gradebook, tmp_path):
    shown = invoke("export", "csv", "week2", "--gradebook", class_gradebook).output
    result = invoke("export", "csv", ROOT / "exercises" / "week2", "--gradebook", class_gradebook, "--out", tmp_path / "w2.csv")
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / "w2.csv").read_text() == shown


def test_csv_usage_errors_are_one_line(class_gradebook, tmp_path):
    missing = one_error_line(invoke("export", "csv", "week2", "--gradebook", tmp_path / "nothing.sqlite"))
    assert missing == f"{tmp_path / 'nothing.sqlite'}: no such gradebook (grade submissions first: grade batch, grade submit)"
    assert "week99" in one_error_line(invoke("export", "csv", "week99", "--gradebook", class_gradebook))
    assert one_error_line(invoke("export", "csv", "week3", "--gradebook", class_gradebook)) == (
        f"{class_gradebook}: no submissions of week3 (neither code nor quiz)")
    unwritable = one_error_line(invoke("export", "csv", "week2", "--gradebook", class_gradebook,
                                       "--out", tmp_path / "no" / "such" / "dir.csv"))
    assert unwritable.endswith("cannot write (No such file or directory)")


def test_export_is_a_group_of_formats():
    result = invoke("export", "--help")
    assert result.exit_code == 0 and "csv" in result.output


def test_gradescope_results_follow_the_specification():
    """Are hidden checks hidden until publication, advice checks worth 0, and the scores the report's?"""
    report = make_report()
    results = to_gradescope(report)
    jsonschema.validate(json.loads(json.dumps(results)), GRADESCOPE_SCHEMA)
    assert results["score"] == report.points == sum(t["score"] for t in results["tests"])
    assert sum(t["max_score"] for t in results["tests"]) == report.max_points
    assert results["stdout_visibility"] == "hidden" and results["visibility"] == "visible"
    assert len(results["tests"]) == len(report.checks)
    for test, check in zip(sorted(results["tests"], key=lambda t: t["name"]),
                           sorted(report.checks, key=lambda c: f"{c.function}: {c.name}")):
        assert test["name"] == f"{check.function}: {check.name}"
        assert test["visibility"] == (HIDDEN_VISIBILITY if check.hidden else "visible")
        assert ("hidden" in test["tags"]) == check.hidden and test["tags"][0] == check.function
        assert ("advice" in test["tags"]) == (check.max_points == 0)
        assert test["status"] == ("passed" if check.status == "passed" else "failed")
        if check.message:
            assert check.message.rstrip("\n") in test["output"]
    assert HIDDEN_VISIBILITY in {"hidden", "after_published"}
    numbers = [t["number"] for t in results["tests"]]
    assert numbers[:3] == ["1.1", "1.2", "1.3"] and len(set(numbers)) == len(numbers)


def test_gradescope_summary_output():
    results = to_gradescope(make_report(exercise="week2", seed=42))
    assert results["output"].startswith("week2: ")
    assert "(seed 42)" in results["output"] and "publishes the grades" in results["output"]


def test_submit_writes_gradescope_results(tmp_path):
    target = tmp_path / "results.json"
    result = invoke("submit", ROOT / "exercises" / "week2", "--file", ROOT / "tests/fixtures/week2/mistakes/missing_1_over_m.py",
                    "--gradescope", target, "--json", tmp_path / "report.json", "--gradebook", tmp_path / "gb.sqlite",
                    "--quiet")
    assert result.exit_code == 0, result.output
    results = json.loads(target.read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    report = json.loads((tmp_path / "report.json").read_text())
    assert results["score"] == report["total"]["points"]
    tests = {t["name"]: t for t in results["tests"]}
    hidden = tests["propagate: propagate_gradients"]
    assert hidden["visibility"] == HIDDEN_VISIBILITY and hidden["score"] == 0 and hidden["max_score"] == 2
    assert "Likely mistake: a missing 1/m" in hidden["output"]
    assert tests["propagate: propagate_example"]["visibility"] == "visible"
    advice = tests["propagate: propagate_vectorized"]
    assert advice["max_score"] == 0 and "advice" in advice["tags"]


def test_submit_gradescope_to_an_unwritable_place_is_one_error_line(tmp_path):
    result = invoke("submit", ROOT / "exercises" / "week2", "--file", ROOT / "solutions" / "week2",
                    "--gradebook", tmp_path / "gb.sqlite",
                    "--gradescope", tmp_path / "missing" / "results.json", "--quiet")
    assert one_error_line(result).endswith("results.json: cannot write (No such file or directory)")


def test_start_up_does_not_import_the_class_views():
    code = ("import sys, grader.cli.app, grader.grading; "
            "assert not {'grader.classroom.exports', 'grader.classroom.class_report', 'grader.classroom.class_html', 'csv'} & set(sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


@pytest.mark.parametrize("learner", ['=HYPERLINK("http:evil","x")', "+cmd|' -C calc'!A0", "-2+3", "@SUM(1)", "\t=1",
                                     "\r=1", "\n=1", " =1", "\uff1d1+1", "'=1", "'", "\u202e=1", "%0A=1"])
def test_a_cell_a_spreadsheet_could_evaluate_gets_a_leading_quote(learner):
    """OWASP's CSV-injection advice: the cell is text, and the exact id is the cell without one leading '."""
    from grader.classroom.exports import spreadsheet_text

    cell = spreadsheet_text(learner)
    assert cell == "'" + learner and cell[1:] == learner


def test_plain_cells_are_left_as_they_are():
    from grader.classroom.exports import spreadsheet_text

    assert [spreadsheet_text(text) for text in ("alice", "_x", "José", "2024-05-01T10:00:00+00:00", "")] == [
        "alice", "_x", "José", "2024-05-01T10:00:00+00:00", ""]


# -- LMS gradebooks: Canvas and Moodle ------------------------------------------------------------------


def canvas_importer_reads(header: list[str]) -> list[tuple[str, str]]:
    """(title, assignment id or "") of each assignment column, as Canvas's gradebook importer reads the
    header row (canvas-lms lib/gradebook_importer.rb: row_has_student_headers?, update_column_count,
    Assignment.title_and_id); fails where Canvas would say "Invalid header row"."""
    import re

    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], header
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]), header
    student_columns = 3 + 2  # name, ID, then the SIS user and login ids
    assert "Section" in header[student_columns - 1], header
    found = []
    for column in header[student_columns:]:
        match = re.fullmatch(r"(.*)\s\((\d+)\)", column)
        found.append((match.group(1), match.group(2)) if match else (column, ""))
    return found


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_csv_is_what_canvas_imports(class_gradebook, tmp_path):
    """Student, ID, SIS User ID, SIS Login ID, Section, one column per assignment "title (id)", Points Possible."""
    out = tmp_path / "canvas.csv"
    result = invoke("export", "canvas", "week2", "--gradebook", class_gradebook, "--assignment-id", "4711",
                    "--quiz-assignment-id", "4712", "--out", out)
    assert result.exit_code == 0 and result.output == "", result.output
    header, points, *rows = parse(out.read_text())
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "week2 (4711)", "week2 quiz (4712)"]
    assert canvas_importer_reads(header) == [("week2", "4711"), ("week2 quiz", "4712")]
    assert points == ["Points Possible", "", "", "", "", "37", "24"]
    table = {row["learner"]: row for row in csv.DictReader(io.StringIO(
        invoke("export", "csv", "week2", "--gradebook", class_gradebook).output))}
    assert [row[0] for row in rows] == ["alice", "bob", "carol", "dave", "erin"]
    for student, canvas_id, sis_user, sis_login, section, code, quiz in rows:
        assert (canvas_id, sis_user, sis_login, section) == ("", "", student, "")
        assert (code, quiz) == (table[student]["total"], table[student]["quiz"])
    assert rows[-1][5:] == ["", "1"]  # erin took only the quiz


def test_canvas_csv_can_name_the_sis_user_id_and_match_assignments_by_title(class_gradebook):
    result = invoke("export", "canvas", "week2", "--gradebook", class_gradebook, "--id-column", "sis-user-id")
    assert result.exit_code == 0, result.output
    header, _, first, *_ = parse(result.output)
    assert canvas_importer_reads(header) == [("week2", ""), ("week2 quiz", "")]
    assert first[:5] == ["alice", "", "alice", "", ""]


def test_moodle_csv_has_a_username_and_a_column_per_grade_item(class_gradebook):
    result = invoke("export", "moodle", "week2", "--gradebook", class_gradebook)
    assert result.exit_code == 0, result.output
    assert parse(result.output) == [["Username", "week2", "week2 quiz"], ["alice", "17", "5"], ["bob", "4", ""],
                                    ["carol", "37", "2"], ["dave", "0", ""], ["erin", "", "1"]]


def _class(*learners: str, quiz: bool = False):  # type: ignore[no-untyped-def]
    from grader.classroom.class_report import ClassResults

    code = tuple(make_report(learner=learner, exercise="week2") for learner in learners)
    return ClassResults("week2", "Week 2", ("sigmoid",), code, code if quiz else ())


def test_moodle_emails_come_from_the_course_or_the_learner_ids():
    """A learner with no email is left out (Moodle would refuse the file, or give their grade to the row before)."""
    from grader.classroom.exports import moodle_csv

    results = _class("ann@uni.example", "bob", "carol")
    text, left_out = moodle_csv(results, identifier="email", emails={"carol": "carol@uni.example", "bob": None})
    rows = parse(text)
    assert rows[0][0] == "Email address" and [row[0] for row in rows[1:]] == ["ann@uni.example", "carol@uni.example"]
    assert left_out == ["bob"]
    assert moodle_csv(results, identifier="username")[1] == []


@pytest.mark.parametrize("learner", ['=HYPERLINK("http:evil","x")', "+1", "@SUM(1)", "\t=1"])
def test_lms_exports_neutralise_cells_a_spreadsheet_could_evaluate(learner):
    from grader.classroom.exports import canvas_csv, moodle_csv

    results = _class(learner)
    student = parse(canvas_csv(results))[2]
    assert student[0] == student[3] == "'" + learner
    assert parse(moodle_csv(results)[0])[1][0] == "'" + learner


def test_lms_export_usage_errors_are_one_line(class_gradebook):
    gradebook = ("--gradebook", class_gradebook)
    assert "a Canvas assignment id is a number" in one_error_line(
        invoke("export", "canvas", "week2", *gradebook, "--assignment-id", "week2"))
    assert "--id-column must be one of sis-login-id, sis-user-id" in one_error_line(
        invoke("export", "canvas", "week2", *gradebook, "--id-column", "email"))
    assert "--identifier must be one of username, email" in one_error_line(
        invoke("export", "moodle", "week2", *gradebook, "--identifier", "idnumber"))
    assert one_error_line(invoke("export", "moodle", "week2", *gradebook, "--identifier", "email")) == (
        "no learner of week2 has an email address to find them by in Moodle: use --identifier username, or "
        "--course DIR (the course's emails)")
    assert one_error_line(invoke("export", "canvas", "week2", *gradebook, "--db", "sqlite:///x.sqlite")) == (
        "--db is for --course")
    assert "week99" in one_error_line(invoke("export", "moodle", "week99", *gradebook))


def test_moodle_emails_of_a_course_server(class_gradebook, tmp_path):
    """`grade export moodle --course DIR --identifier email`: the accounts' emails; a learner without one is said."""
    from grader.course.accounts import account, add_account
    from grader.course.queue import record_graded
    from grader.course.store import open_store

    folder = tmp_path / "course"
    assert invoke("course", "init", folder).exit_code == 0
    engine = open_store(f"sqlite:///{folder / 'course.sqlite'}")
    with Gradebook(class_gradebook) as book:
        for login, email in (("alice", "alice@uni.example"), ("bob", None)):
            add_account(engine, login, email=email)
            report = book.latest("week2", login)
            with engine.begin() as connection:
                record_graded(connection, account_id=account(engine, login=login).id, exercise="week2",
                              sha256=report.submission_sha256, report=report.to_dict(), points=report.points,
                              max_points=report.max_points)
    result = invoke("export", "moodle", "week2", "--course", folder, "--identifier", "email")
    assert result.exit_code == 0, result.output
    assert parse(result.stdout) == [["Email address", "week2"], ["alice@uni.example", "17"]]
    assert result.stderr.strip() == "grade: left out 1 learner without an email address (Moodle would refuse the file): bob"
