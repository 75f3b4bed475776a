"""The HTTP API without grading: authentication, who reads what, limits, and bad input."""

from __future__ import annotations

import json

import pytest
from conftest import make_course, week2_files
from sqlalchemy import select

from grader.course.store import submissions


def submit(client, headers, exercise="week2", files=None):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/exercises/{exercise}/submissions", files=files or week2_files(), headers=headers)


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer dlg_not-a-token"}, {"Authorization": "Basic x"},
                                     {"Authorization": "Bearer " + "dlg_" + "a" * 500}])
def test_no_valid_token_is_401(client, headers):
    for response in (submit(client, headers), client.get("/api/v1/me/submissions", headers=headers),
                     client.get("/api/v1/exercises", headers=headers)):
        assert response.status_code == 401
        assert "token" in response.json()["error"]


def test_a_submission_is_queued_durably_before_the_answer(client, course):
    response = submit(client, course.auth("alice"))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and len(body["id"]) == 32
    with course.engine.connect() as connection:
        row = connection.execute(select(submissions).where(submissions.c.id == body["id"])).one()
    assert row.status == "queued" and row.exercise == "week2"
    view = client.get(f"/api/v1/submissions/{body['id']}", headers=course.auth("alice")).json()
    assert view["status"] == "queued" and view["report"] is None


def test_learners_read_only_their_own_submissions(client, course):
    mine = submit(client, course.auth("alice")).json()["id"]
    theirs = submit(client, course.auth("bob")).json()["id"]
    missing = "0" * 32
    # Bob asks for Alice's submission: the same answer as for one that does not exist.
    other = client.get(f"/api/v1/submissions/{mine}", headers=course.auth("bob"))
    absent = client.get(f"/api/v1/submissions/{missing}", headers=course.auth("bob"))
    assert other.status_code == absent.status_code == 404
    assert other.json() == absent.json()
    assert client.get(f"/submissions/{mine}/feedback", headers=course.auth("bob")).status_code == 404
    listed = client.get("/api/v1/me/submissions", headers=course.auth("alice")).json()
    assert [s["id"] for s in listed] == [mine]
    assert theirs not in json.dumps(listed)
    # Staff read everyone's.
    assert client.get(f"/api/v1/submissions/{mine}", headers=course.auth("prof")).status_code == 200
    assert client.get(f"/api/v1/submissions/{theirs}", headers=course.auth("tess")).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/class/queue", "/api/v1/class/submissions", "/api/v1/class/export.csv",
                                  "/class", "/class/exercises/week2", "/class/learners/alice"])
def test_instructor_routes_need_the_role(client, course, path):
    assert client.get(path, headers=course.auth("alice")).status_code == 403
    assert client.get(path, follow_redirects=False).status_code in (401, 303)
    assert client.post("/api/v1/class/regrade", json={}, headers=course.auth("alice")).status_code == 403
    assert client.post("/api/v1/class/extensions", json={"learner": "alice", "exercise": "week2", "days": 9},
                       headers=course.auth("bob")).status_code == 403


def test_staff_see_the_queue_and_export(client, course):
    submit(client, course.auth("alice"))
    queue = client.get("/api/v1/class/queue", headers=course.auth("prof")).json()
    assert queue["counts"]["queued"] == 1
    listed = client.get("/api/v1/class/submissions", headers=course.auth("tess")).json()
    assert [s["learner"] for s in listed] == ["alice"]
    csv = client.get("/api/v1/class/export.csv", headers=course.auth("prof")).text
    assert csv.splitlines()[0] == "learner,week2,week2/quiz,week3,week3/quiz,week4,week4/quiz"


def test_dates_decide_what_is_accepted(client, course):
    closed = submit(client, course.auth("alice"), "week3")
    assert closed.status_code == 403 and "closed" in closed.json()["error"]
    early = submit(client, course.auth("alice"), "week4")
    assert early.status_code == 403 and "opens" in early.json()["error"]
    unknown = submit(client, course.auth("alice"), "week99")
    assert unknown.status_code == 404
    # An extension reopens week3 for Alice only.
    done = client.post("/api/v1/class/extensions", json={"learner": "alice", "exercise": "week3", "days": 11},
                       headers=course.auth("prof"))
    assert done.status_code == 200
    assert submit(client, course.auth("alice"), "week3").status_code == 202
    assert submit(client, course.auth("bob"), "week3").status_code == 403


@pytest.mark.parametrize("name", ["notes.txt", ".hidden.py", "<img src=x onerror=alert(1)>.py", "a\x00.py", "",
                                  "x" * 300 + ".py"])
def test_file_names_that_are_not_graded_are_refused(client, course, name):
    response = submit(client, course.auth("alice"), files=[("files", (name, b"x = 1\n"))])
    assert response.status_code == 422
    assert "<img" not in response.text  # the name is quoted as JSON, never as markup


def test_a_path_in_a_file_name_keeps_only_its_last_part(client, course):
    response = submit(client, course.auth("alice"), files=[("files", ("../../../etc/python_basics.py", b"x = 1\n"))])
    assert response.status_code == 202
    from grader.course.store import submission_files

    with course.engine.connect() as connection:
        names = connection.execute(select(submission_files.c.name)).scalars().all()
    assert names == ["python_basics.py"]


def test_bad_uploads(client, course):
    headers = course.auth("alice")
    assert client.post("/api/v1/exercises/week2/submissions", json={"files": []}, headers=headers).status_code == 422
    assert client.post("/api/v1/exercises/week2/submissions", data={"other": "x"}, files=[("other", ("a.py", b""))],
                       headers=headers).status_code == 422
    twice = [("files", ("a.py", b"1")), ("files", ("a.py", b"2"))]
    assert submit(client, headers, files=twice).status_code == 422


def test_upload_limits(tmp_path):
    from fastapi.testclient import TestClient

    from grader.server.app import create_app
    from grader.server.state import Limits

    course = make_course(tmp_path / "c")
    limits = Limits(max_files=2, max_file_bytes=1000, max_request_bytes=5000, submissions_per_minute=3)
    with TestClient(create_app(course.folder, grading=False, limits=limits)) as client:
        headers = course.auth("alice")
        many = [("files", (f"f{i}.py", b"x = 1\n")) for i in range(3)]
        assert submit(client, headers, files=many).status_code == 413
        big = [("files", ("big.py", b"#" * 1001))]
        assert submit(client, headers, files=big).status_code == 413
        huge = client.post("/api/v1/exercises/week2/submissions", headers=headers,
                           files=[("files", ("a.py", b"#" * 900)), ("files", ("b.py", b"#" * 900)),
                                  ("junk", ("c.py", b"#" * 6000))])
        assert huge.status_code == 413
        # A body without Content-Length is counted as it arrives.
        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b"-" * 1000
        streamed = client.post("/api/v1/exercises/week2/submissions", headers={**headers,
                               "Content-Type": "multipart/form-data; boundary=x"}, content=chunks())
        assert streamed.status_code == 413
        # Per-account rate limit: the fourth submission within a minute is refused.
        ok = [submit(client, headers, files=[("files", ("a.py", b"x = 1\n"))]).status_code for _ in range(4)]
        assert ok == [202, 202, 202, 429]
        assert submit(client, course.auth("bob"), files=[("files", ("a.py", b"x = 1\n"))]).status_code == 202


def test_attempts_per_day(tmp_path):
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    course = make_course(tmp_path / "c", attempts_per_day=2)
    with TestClient(create_app(course.folder, grading=False)) as client:
        codes = [submit(client, course.auth("alice")).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        assert "24 hours" in submit(client, course.auth("alice")).json()["error"]
        assert submit(client, course.auth("prof")).status_code == 202  # staff are not limited


def test_cookie_sessions_need_the_csrf_token_to_change_anything(client, course):
    page = client.get("/")
    assert 'name="csrf"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    refused = client.post("/signin", data={"token": course.tokens["alice"], "csrf": "wrong"})
    assert refused.status_code == 403
    signed = client.post("/signin", data={"token": course.tokens["alice"], "csrf": csrf}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    # Signed in by cookie: reading works, changing needs the session's CSRF token.
    assert client.get("/api/v1/me").json()["id"] == "alice"
    assert submit(client, {}).status_code == 403
    session_csrf = client.get("/").text.split('data-csrf="')[1].split('"')[0]
    assert submit(client, {"X-CSRF-Token": session_csrf}).status_code == 202
    assert submit(client, {"X-CSRF-Token": csrf + "x"}).status_code == 403


def test_a_renewed_token_ends_its_sessions(client, course):
    from grader.course.accounts import renew_token

    csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/signin", data={"token": course.tokens["alice"], "csrf": csrf})
    assert client.get("/api/v1/me").status_code == 200
    renew_token(course.engine, "alice")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=course.auth("alice")).status_code == 401


def test_a_forged_session_cookie_is_ignored(client, course):
    import base64

    forged = base64.b64encode(json.dumps({"account": 1, "token": "x" * 16}).encode()).decode()
    client.cookies.set("dlg_session", forged + ".forged.signature")
    assert client.get("/api/v1/me").status_code == 401


def test_pages_escape_what_learners_send(client, course):
    from grader.course.accounts import add_account

    with pytest.raises(Exception):
        add_account(course.engine, "<script>alert(1)</script>")
    response = client.get("/")
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options"):
        assert header in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_security_headers_and_json_errors(client):
    response = client.get("/api/v1/submissions/" + "z" * 32)
    assert response.status_code == 401 and response.headers["content-type"].startswith("application/json")


def test_languages_of_feedback(client, course):
    refused = client.post("/api/v1/exercises/week2/submissions?lang=xx", files=week2_files(),
                          headers=course.auth("alice"))
    assert refused.status_code == 422 and "lang" in refused.json()["error"]
    assert client.post("/api/v1/me", json={"lang": "xx"}, headers=course.auth("alice")).status_code == 422
    assert client.post("/api/v1/me", json={"lang": "en"}, headers=course.auth("alice")).json()["lang"] == "en"
    public = submit(client, course.auth("alice")).json()["id"]
    with course.engine.connect() as connection:
        row = connection.execute(select(submissions.c.lang).where(submissions.c.id == public)).one()
    assert row.lang == "en"


def test_pages_speak_the_accounts_language(client, course):
    csrf = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).text
    assert '<html lang="ko">' in csrf and "로그인" in csrf  # signed out: the browser's language
    token = csrf.split('name="csrf" value="')[1].split('"')[0]
    client.post("/signin", data={"token": course.tokens["bob"], "csrf": token},
                headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert client.get("/api/v1/me").json()["lang"] == "ko"  # first sign-in keeps the browser's language
    home = client.get("/", headers={"Accept-Language": "en"}).text  # the account's language wins
    assert "실습 과제" in home and '<html lang="ko">' in home
    csrf = home.split('data-csrf="')[1].split('"')[0]
    client.post("/settings/language", data={"csrf": csrf, "lang": "en"})
    assert "<h1>Exercises</h1>" in client.get("/").text
    assert client.post("/settings/language", data={"csrf": csrf, "lang": "xx"}).status_code == 422
    assert client.post("/settings/language", data={"csrf": "wrong", "lang": "ko"}).status_code == 403
