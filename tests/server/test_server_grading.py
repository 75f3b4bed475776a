"""The server grades as `grade submit` does, and shows hidden checks as the course says."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, WEEK2_SOLUTION, make_course, wait_for, week2_files

from grader.grading import grade_submission


@pytest.fixture(scope="module")
def graded(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One app with grading (one grading process) for the module, and a correct week-2 submission graded."""
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    course = make_course(tmp_path_factory.mktemp("graded") / "course")
    with TestClient(create_app(course.folder, workers=1)) as client:
        public = client.post("/api/v1/exercises/week2/submissions", files=week2_files(),
                             headers=course.auth("alice")).json()["id"]
        yield course, client, public


def test_the_server_gives_the_same_grade_as_grade_submit(graded):
    course, client, public = graded
    view = wait_for(client, course.auth("alice"), public)
    assert view["status"] == "done", view.get("failure")
    alone = grade_submission(ROOT / "exercises" / "week2", WEEK2_SOLUTION).to_dict()
    report = client.get(f"/api/v1/submissions/{public}", headers=course.auth("prof")).json()["report"]
    assert report["schema_version"] == alone["schema_version"]
    assert report["total"] == alone["total"] and view["points"] == alone["total"]["points"]
    assert [(c["name"], c["status"], c["points"]) for c in report["checks"]] == \
        [(c["name"], c["status"], c["points"]) for c in alone["checks"]]
    assert report["learner"] == "alice"
    # The feedback page is the HTML view of that report.
    page = client.get(f"/submissions/{public}/feedback", headers=course.auth("alice"))
    assert page.status_code == 200 and "37" in page.text and "<html" in page.text.lower()


def test_hidden_checks_keep_their_feedback_until_the_due_date(graded):
    course, client, public = graded
    wait_for(client, course.auth("alice"), public)
    learner = client.get(f"/api/v1/submissions/{public}", headers=course.auth("alice")).json()["report"]
    staff = client.get(f"/api/v1/submissions/{public}", headers=course.auth("prof")).json()["report"]
    hidden = [c for c in staff["checks"] if c["hidden"]]
    assert hidden, "week 2 has hidden checks"
    assert all(c["description"] == "hidden check" for c in learner["checks"] if c["hidden"])
    assert any(c["description"] != "hidden check" for c in hidden)
    assert [c["points"] for c in learner["checks"]] == [c["points"] for c in staff["checks"]]
    assert learner["total"] == staff["total"]


def test_a_mistake_is_graded_with_its_feedback_and_listed_with_its_score(graded):
    course, client, _ = graded
    mistake = ROOT / "tests" / "fixtures" / "week2" / "mistakes"
    files = sorted(p for p in mistake.glob("*.py"))[:1]
    assert files, "a week-2 mistake fixture"
    public = client.post("/api/v1/exercises/week2/submissions", headers=course.auth("bob"),
                         files=[("files", (p.name, p.read_bytes())) for p in files]).json()["id"]
    view = wait_for(client, course.auth("bob"), public)
    assert view["status"] == "done"
    assert view["points"] < view["max_points"]
    mine = client.get("/api/v1/exercises", headers=course.auth("bob")).json()
    week2 = next(e for e in mine if e["name"] == "week2")
    assert week2["latest"]["id"] == public and week2["submissions"] == 1
    # The dashboard and the class report show it.
    assert client.get("/class/exercises/week2", headers=course.auth("prof")).status_code == 200
    drill = client.get("/class/learners/bob", headers=course.auth("prof"))
    assert public in drill.text


def test_unusable_files_fail_with_a_reason(graded):
    course, client, _ = graded
    public = client.post("/api/v1/exercises/week2/submissions", headers=course.auth("alice"),
                         files=[("files", ("python_basics.ipynb", b"{ not json"))]).json()["id"]
    view = wait_for(client, course.auth("alice"), public)
    assert view["status"] == "failed", view
    assert "python_basics.ipynb" in view["failure"] and "JSON" in view["failure"]


def test_grade_report_and_export_read_the_course_database(graded, tmp_path):
    from typer.testing import CliRunner

    from grader.cli import app

    course, client, public = graded
    wait_for(client, course.auth("alice"), public)
    runner = CliRunner()
    csv = runner.invoke(app, ["export", "csv", "week2", "--course", str(course.folder)])
    assert csv.exit_code == 0, csv.output
    import csv as csv_module

    rows = list(csv_module.DictReader(csv.output.splitlines()))
    alice = next(r for r in rows if r["learner"] == "alice")
    assert float(alice["total"]) == 37 and float(alice["max"]) == 37
    page = tmp_path / "class.html"
    done = runner.invoke(app, ["report", "week2", "--course", str(course.folder), "--html", str(page)])
    assert done.exit_code == 0, done.output
    assert "alice" in page.read_text()
    nothing = runner.invoke(app, ["report", "week4", "--course", str(course.folder), "--html", str(page)])
    assert nothing.exit_code == 2 and "no graded submission of week4" in nothing.output


def test_feedback_is_written_in_the_submissions_language(graded):
    course, client, _ = graded
    mistake = ROOT / "tests" / "fixtures" / "week2" / "mistakes" / "cost_1x1.py"
    files = [("files", (mistake.name, mistake.read_bytes()))]
    english = client.post("/api/v1/exercises/week2/submissions", headers=course.auth("tess"), files=files).json()["id"]
    korean = client.post("/api/v1/exercises/week2/submissions?lang=ko", headers=course.auth("tess"),
                         files=files).json()["id"]
    en, ko = wait_for(client, course.auth("tess"), english), wait_for(client, course.auth("tess"), korean)
    assert en["points"] == ko["points"] < en["max_points"]

    def hangul(view: dict) -> bool:
        return any("\uac00" <= ch <= "\ud7a3" for check in view["report"]["checks"] for ch in check["message"])

    assert hangul(ko) and not hangul(en)
    ids = [[d["id"] for d in c["diagnoses"]] for c in en["report"]["checks"]]
    assert ids == [[d["id"] for d in c["diagnoses"]] for c in ko["report"]["checks"]]


def test_the_class_report_links_to_similar_submissions(graded):
    course, client, public = graded
    wait_for(client, course.auth("alice"), public)
    # A second learner hands in the same files: the pair tops the similarity page.
    copy = client.post("/api/v1/exercises/week2/submissions", files=week2_files(), headers=course.auth("bob")).json()
    wait_for(client, course.auth("bob"), copy["id"])
    report = client.get("/class/exercises/week2", headers=course.auth("prof")).text
    assert 'id="similar" href="/class/exercises/week2/similar"' in report
    page = client.get("/class/exercises/week2/similar", headers=course.auth("prof"))
    assert page.status_code == 200 and "alice" in page.text and "bob" in page.text
    assert '<html lang="en">' in page.text and "Similar submissions: " in page.text
    # In the reader's language, as every page: the account's, else the browser's.
    korean = {**course.auth("prof"), "Accept-Language": "ko-KR,ko;q=0.9"}
    page = client.get("/class/exercises/week2/similar", headers=korean).text
    assert '<html lang="ko">' in page and "비슷한 제출물: " in page and "Similar submissions" not in page
    assert '<html lang="ko">' in client.get("/class/exercises/week2", headers=korean).text
    assert client.get("/class/exercises/week2/similar", headers=course.auth("alice")).status_code == 403
    assert client.get("/class/exercises/week4/similar", headers=course.auth("prof")).status_code == 404
