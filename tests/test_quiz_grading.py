"""Grading each kind of question: right, wrong, partial, skipped; the partial-credit rule; the report."""

from __future__ import annotations

import re

import pytest
from quiz_factory import IDS, keys_by_id, write_exercise

from grader.quiz import prepare_quiz
from grader.quiz.answers import AnswerFormatError, parse_answer
from grader.quiz.grading import credit, grade_quiz, multiple_choice_credit, question_check
from grader.quiz.variants import same_text


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return prepare_quiz(write_exercise(tmp_path_factory.mktemp("quiz")), "ada")


def variant(run, qid):
    return next(v for v in run.variants if v.id == qid)


def score(run, qid: str, text: str) -> float:
    v = variant(run, qid)
    return credit(v, parse_answer(v, text))


@pytest.mark.parametrize("text, expected", [
    ("a", 1.0), ("A", 1.0), ("a)", 1.0), ("(5,)", 1.0),   # the letter, or the choice's text
    ("b", 0.0), ("(5, 1)", 0.0),
])
def test_single_choice(run, text, expected):
    assert score(run, "single-q", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("a b d", 1.0), ("abd", 1.0), ("d, a, b", 1.0), ("A B D", 1.0),
    ("a b", 2 / 3), ("a", 1 / 3),
    ("a b c d", 2 / 3), ("a b c", 1 / 3),
    ("a c", 0.0), ("c", 0.0),
])
def test_multiple_choice_partial_credit(run, text, expected):
    """Is the credit max(0, (right picked - wrong picked) / right choices)?"""
    assert score(run, "multi-q", text) == pytest.approx(expected)


@pytest.mark.parametrize("picked, right, expected", [
    ({0, 1}, {0, 1}, 1.0),
    ({0}, {0, 1}, 0.5),
    ({0, 2}, {0, 1}, 0.0),
    ({0, 1, 2}, {0, 1}, 0.5),
    ({0, 1, 2, 3}, {0, 1}, 0.0),       # picking everything earns nothing when half the choices are wrong
    ({0, 1, 2, 3}, {0, 1, 2}, 2 / 3),
    ({3}, {0, 1, 2}, 0.0),             # never negative
])
def test_partial_credit_rule(picked, right, expected):
    assert multiple_choice_credit(picked, right) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("0.3333", 1.0), ("0.33", 1.0), ("1/3", 1.0), (" 0.34 ", 1.0), ("3.3e-1", 1.0),
    ("0.32", 0.0), ("0.5", 0.0), ("-0.33", 0.0),
])
def test_numeric_with_tolerance(run, text, expected):
    assert score(run, "num-q", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ReLU", 1.0), ("relu", 1.0), (" relu. ", 1.0), ("`ReLU`", 1.0), ("Rectified   Linear Unit", 1.0),
    ("sigmoid", 0.0), ("leaky relu", 0.0),
])
def test_text_with_normalization(run, text, expected):
    assert score(run, "text-q", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("(5, 5)", 1.0), ("(5,5)", 1.0), ("5, 5", 1.0), ("5 x 5", 1.0), ("[5, 5]", 1.0),
    ("(5,)", 0.0), ("(5, 1)", 0.0), ("()", 0.0), ("error", 0.0),
])
def test_computed_shape(run, text, expected):
    assert score(run, "shape-q", text) == expected


def test_parameterized_numeric(run):
    v = variant(run, "param-q")
    assert score(run, "param-q", str(v.key)) == 1.0
    assert score(run, "param-q", str(v.key + 1)) == 0.0


def test_same_text_normalization():
    assert same_text("(5, 1)") == same_text("(5,1)") == "(5,1)"
    assert same_text("[[11 21]\n [12 22]]") == same_text("[[11 21] [12 22]]")
    assert same_text("3.") == "3."  # a number's point is kept
    assert same_text("Done.") == "done"


@pytest.mark.parametrize("qid, text, words", [
    ("single-q", "z", "one letter, a to c"),
    ("multi-q", "a q", "one or more letters, a to d"),
    ("num-q", "a third", "a number"),
    ("shape-q", "five by five", "a shape such as (3, 1)"),
    ("text-q", "   ", "the answer is empty"),
])
def test_ill_formed_answers_say_what_to_write(run, qid, text, words):
    with pytest.raises(AnswerFormatError, match=re.escape(words)):
        parse_answer(variant(run, qid), text)


def test_skipped_question_earns_nothing_and_shows_the_key(run):
    v = variant(run, "text-q")
    check = question_check(v, parse_answer(v, "?"))
    assert check.points == 0 and check.status == "failed"
    assert check.answer == "(skipped)" and check.key == "ReLU"


def test_feedback_has_answer_key_partial_rule_and_explanation(run):
    v = variant(run, "multi-q")
    check = question_check(v, parse_answer(v, "a b c"))
    assert check.points == 1.0 and check.max_points == 3 and check.status == "failed"
    assert check.message.splitlines() == [
        "Your answer: a) np.exp; b) np.log; c) math.exp",
        "Key: a) np.exp; b) np.log; d) np.abs",
        "Partial credit: you picked 2 of the 3 right choices and 1 wrong: max(0, 2 - 1) / 3 of the points.",
        "Why: math works on single numbers.",
    ]
    assert check.question.splitlines()[1:] == ["  a) np.exp", "  b) np.log", "  c) math.exp", "  d) np.abs"]
    numeric = variant(run, "num-q")
    assert question_check(numeric, parse_answer(numeric, "0.33")).key == "0.3333 (answers within ± 0.01 count)"


def test_report_has_one_check_per_question(run):
    answers = {v.id: parse_answer(v, text) for v, text in zip(run.variants, keys_by_id(run).values())}
    answers["text-q"] = parse_answer(variant(run, "text-q"), "sigmoid")
    report = grade_quiz(run.variants, answers, exercise="sample", title="Sample quiz", learner="ada", seed=run.seed)
    assert report.kind == "quiz" and report.exercise == "sample/quiz" and report.seed == run.seed
    assert [c.name for c in report.checks] == IDS
    assert [f.name for f in report.functions] == ["choices", "numbers", "words", "numpy"]
    assert report.points == report.max_points - 1 and report.max_points == 8
    assert {c.name: c.status for c in report.checks}["text-q"] == "failed"
    assert len(report.submission_sha256) == 64
