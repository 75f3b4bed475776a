"""course.toml and the rules it sets: dates, late penalties, cut-offs, hidden feedback."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from grader.course.config import CourseExercise, Policy, init_course, load_course
from grader.course.policy import DAY, decide, for_learner, hidden_shown, penalty, scored
from grader.errors import UsageError

DUE = datetime(2026, 9, 14, 23, 59, tzinfo=timezone.utc)


def entry(**policy: object) -> CourseExercise:
    return CourseExercise("week2", __import__("pathlib").Path("."), DUE - timedelta(days=14), DUE, Policy(**policy))


def test_on_time_late_and_closed():
    rules = entry(late_penalty_per_day=0.1, cutoff_days=3)
    assert decide(rules, DUE.timestamp() - 60) == decide(rules, DUE.timestamp() - 60)
    assert decide(rules, DUE.timestamp() - 60).late_days == 0
    late = decide(rules, DUE.timestamp() + 1.5 * DAY)
    assert late.accepted and late.late_days == pytest.approx(1.5)
    assert penalty(rules, late.late_days) == pytest.approx(0.2)  # each started day counts
    assert scored(rules, 10, late.late_days) == pytest.approx(8.0)
    closed = decide(rules, DUE.timestamp() + 3 * DAY + 1)
    assert not closed.accepted and "closed" in closed.reason
    assert decide(rules, DUE.timestamp() + 3 * DAY + 1, extension_days=1).accepted
    assert not decide(rules, (DUE - timedelta(days=15)).timestamp()).accepted  # before it opens


def test_the_penalty_never_takes_more_than_everything():
    rules = entry(late_penalty_per_day=0.4)
    assert penalty(rules, 10) == 1.0 and scored(rules, 7, 10) == 0.0
    assert decide(rules, DUE.timestamp() + 100 * DAY).accepted  # no cut-off: always accepted


REPORT = {"checks": [
    {"name": "a", "hidden": False, "status": "failed", "message": "public text", "description": "d",
     "diagnoses": [{"id": "x", "text": "y"}], "points": 0},
    {"name": "b", "hidden": True, "status": "failed", "message": "hidden text", "description": "secret input",
     "diagnoses": [{"id": "x", "text": "y"}], "points": 0},
    {"name": "c", "hidden": True, "status": "passed", "message": "", "description": "other", "diagnoses": [],
     "points": 1},
]}


@pytest.mark.parametrize("rule, before, after", [("after-due", False, True), ("always", True, True),
                                                  ("score-only", False, False)])
def test_what_learners_see_of_hidden_checks(rule, before, after):
    rules = entry(hidden_feedback=rule)
    assert hidden_shown(rules, DUE.timestamp() - 1) is before
    assert hidden_shown(rules, DUE.timestamp() + 1) is after
    shown = for_learner(REPORT, rules, DUE.timestamp() - 1)
    if before:
        assert shown == REPORT
    else:
        public, hidden, passed = shown["checks"]
        assert public == REPORT["checks"][0]
        assert "hidden text" not in str(shown) and "secret input" not in str(shown)
        assert hidden["diagnoses"] == [] and hidden["points"] == 0 and hidden["message"]
        assert passed["message"] == "" and passed["points"] == 1
        assert set(hidden) == set(REPORT["checks"][1])  # no field added or lost
    assert REPORT["checks"][1]["message"] == "hidden text"  # the stored report is untouched


def test_init_writes_a_course_that_loads(tmp_path):
    path = init_course(tmp_path / "c", title='A "quoted" title')
    course = load_course(tmp_path / "c")
    assert course.title == 'A "quoted" title'
    assert [e.name for e in course.exercises][:3] == ["week1", "week2", "week3"]
    assert [e.code for e in course.exercises][:2] == [False, True]  # week 1 is a quiz only
    assert all(e.due and e.opens and e.due > e.opens for e in course.exercises)
    with pytest.raises(UsageError, match="exists already"):
        init_course(tmp_path / "c")
    assert path.name == "course.toml"


@pytest.mark.parametrize("text, problem", [
    ("", "lists no exercise"),
    ("[[exercises]]\nname = 'nope'\n", "no exercise at"),
    ("[[exercises]]\nname = 'week2'\n[[exercises]]\nname = 'week2'\n", "listed twice"),
    ("[[exercises]]\nname = 'week2'\ndue = 'tomorrow'\n", "not a date"),
    ("[[exercises]]\nname = 'week2'\nopens = '2026-09-10'\ndue = '2026-09-01'\n", "due before it opens"),
    ("[policy]\nlate_penalty_per_day = 2\n[[exercises]]\nname = 'week2'\n", "from 0 to 1"),
    ("[policy]\nhidden_feedback = 'never'\n[[exercises]]\nname = 'week2'\n", "hidden_feedback"),
    ("[policy]\nbogus = 1\n[[exercises]]\nname = 'week2'\n", "unknown setting"),
    ("[course]\ntimezone = 'Mars/Olympus'\n[[exercises]]\nname = 'week2'\n", "time zone"),
    ("[[exercises]]\nname = '../week2'\n", "a name is letters"),
    ("not toml = = 1", "cannot be read"),
])
def test_a_bad_course_file_is_one_clear_line(tmp_path, text, problem):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(UsageError, match=problem) as caught:
        load_course(tmp_path)
    assert "\n" not in str(caught.value) and "course.toml" in str(caught.value)


def test_dates_without_an_offset_are_in_the_course_zone(tmp_path):
    (tmp_path / "course.toml").write_text("[course]\ntimezone = 'Asia/Seoul'\n[[exercises]]\nname = 'week2'\n"
                                          "due = '2026-09-14T23:59'\n")
    due = load_course(tmp_path).exercises[0].due
    assert due == datetime(2026, 9, 14, 14, 59, tzinfo=timezone.utc)
