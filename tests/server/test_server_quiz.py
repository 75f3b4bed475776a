"""Quizzes on the server: each learner's own variant, graded on the server, keys kept back."""

from __future__ import annotations

import json

import pytest

from grader.quiz import prepare_quiz
from grader.quiz.answers import key_as_answer


def right_answers(login: str, exercise: str = "week2") -> dict[str, str]:
    """What a learner who knows every key would answer (computed here, as a test may)."""
    from conftest import ROOT

    run = prepare_quiz(ROOT / "exercises" / exercise, login)
    return {v.id: key_as_answer(v) for v in run.variants}


def test_the_quiz_shows_no_key(client, course):
    quiz = client.get("/api/v1/exercises/week2/quiz", headers=course.auth("alice"))
    assert quiz.status_code == 200
    body = quiz.json()
    assert body["questions"] and all({"id", "text", "choices", "kind", "hint"} <= set(q) for q in body["questions"])
    text = json.dumps(body)
    assert "key" not in {k for q in body["questions"] for k in q} and "explanation" not in text
    page = client.get("/quizzes/week2", headers=course.auth("alice"))
    assert page.status_code == 200 and 'name="q_' in page.text
    # Variants differ between learners.
    other = client.get("/api/v1/exercises/week2/quiz", headers=course.auth("bob")).json()
    assert other != body


def test_answers_are_graded_and_keys_wait_for_the_due_date(client, course):
    answers = right_answers("alice")
    graded = client.post("/api/v1/exercises/week2/quiz", json={"answers": answers}, headers=course.auth("alice"))
    assert graded.status_code == 201, graded.text
    view = graded.json()
    assert view["status"] == "done" and view["points"] == view["max_points"] > 0
    report = view["report"]
    assert report["kind"] == "quiz" and report["exercise"] == "week2/quiz"
    assert all(c["key"] == "" and c["explanation"] == "" for c in report["checks"])
    staff = client.get(f"/api/v1/submissions/{view['id']}", headers=course.auth("prof")).json()["report"]
    assert all(c["key"] for c in staff["checks"])
    # Wrong answers: partial credit, still no key.
    wrong = {qid: "?" for qid in answers}
    view = client.post("/api/v1/exercises/week2/quiz", json={"answers": wrong}, headers=course.auth("bob")).json()
    assert view["points"] == 0 and "the key" in view["report"]["checks"][0]["message"]
    mine = client.get("/api/v1/exercises", headers=course.auth("alice")).json()
    assert next(e for e in mine if e["name"] == "week2")["quiz"]["best"]["points"] > 0


@pytest.mark.parametrize("body, problem", [({}, "send JSON"), ({"answers": []}, "send JSON"),
                                           ({"answers": {"no_such_question": "a"}}, "no question")])
def test_bad_answers_are_422(client, course, body, problem):
    response = client.post("/api/v1/exercises/week2/quiz", json=body, headers=course.auth("alice"))
    assert response.status_code == 422 and problem in response.json()["error"]


def test_an_answer_that_cannot_be_read_names_its_question(client, course):
    questions = client.get("/api/v1/exercises/week2/quiz", headers=course.auth("alice")).json()["questions"]
    choice = next(q for q in questions if q["kind"] == "single")
    unreadable = client.post("/api/v1/exercises/week2/quiz", json={"answers": {choice["id"]: "zz"}},
                             headers=course.auth("alice"))
    assert unreadable.status_code == 422 and unreadable.json()["error"].startswith(choice["id"] + ": ")
    not_text = client.post("/api/v1/exercises/week2/quiz", json={"answers": {choice["id"]: 3}},
                           headers=course.auth("alice"))
    assert not_text.status_code == 422 and "is text" in not_text.json()["error"]


def test_quiz_rules_follow_the_exercise(client, course):
    assert client.post("/api/v1/exercises/week3/quiz", json={"answers": {}},
                       headers=course.auth("alice")).status_code == 403  # closed
    assert client.get("/api/v1/exercises/week99/quiz", headers=course.auth("alice")).status_code == 404
    assert client.post("/api/v1/exercises/week2/quiz", json={"answers": {}}).status_code == 401


def test_the_browser_form_posts_answers(client, course):
    page = client.get("/")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/signin", data={"token": course.tokens["alice"], "csrf": csrf})
    csrf = client.get("/quizzes/week2").text.split('name="csrf" value="')[1].split('"')[0]
    form = {"csrf": csrf, **{f"q_{k}": v for k, v in right_answers("alice").items()}}
    done = client.post("/quizzes/week2", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/submissions/")
    view = client.get("/api/v1" + done.headers["location"]).json()
    assert view["points"] == view["max_points"]


def test_a_korean_account_answers_the_korean_quiz_with_the_same_keys(client, course):
    assert client.post("/api/v1/me", json={"lang": "ko"}, headers=course.auth("alice")).status_code == 200
    korean = client.get("/api/v1/exercises/week2/quiz", headers=course.auth("alice")).json()
    assert any("\uac00" <= ch <= "\ud7a3" for q in korean["questions"] for ch in q["text"])  # Hangul
    graded = client.post("/api/v1/exercises/week2/quiz", json={"answers": right_answers("alice")},
                         headers=course.auth("alice")).json()
    assert graded["points"] == graded["max_points"] > 0  # the English keys earn full marks in Korean
