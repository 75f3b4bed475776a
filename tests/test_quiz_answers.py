"""Answers files: the blank form reads back once filled; every bad line is one error naming file and line."""

from __future__ import annotations

import pytest
from quiz_factory import IDS, filled_form, keys_by_id, write_exercise

from grader.errors import UsageError
from grader.quiz import QuizInputError, prepare_quiz
from grader.quiz.answers import read_answers


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return prepare_quiz(write_exercise(tmp_path_factory.mktemp("quiz")), "ada")


def test_blank_form_lists_every_question_and_reads_back_once_filled(run, tmp_path):
    form = run.blank_form()
    assert form.splitlines()[0] == f"# dl-grader quiz answers: sample, learner ada, seed {run.seed}"
    assert "#   grade quiz " in form and "--learner ada --answers FILE" in form
    assert [line for line in form.splitlines() if not line.startswith("#") and line] == [f"{i} = " for i in IDS]
    assert "#      a) (5,)" in form and "one or more letters, a to d" in form
    path = tmp_path / "answers.txt"
    path.write_text(filled_form(run), encoding="utf-8")
    report = run.grade_file(path)
    assert report.points == report.max_points == 8
    assert report.files[0].path == str(path)


def test_answers_may_come_in_any_order_with_comments_and_blank_lines(run, tmp_path):
    keys = keys_by_id(run)
    lines = ["# my answers", ""] + [f"  {qid}   =   {keys[qid]}  " for qid in reversed(IDS)]
    path = tmp_path / "answers.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    answers = read_answers(path, run.variants, seed=run.seed, learner="ada")
    assert sorted(answers) == sorted(IDS)


def write(tmp_path, run, replace: dict[str, str] | None = None, drop: str = "", extra: str = "") -> str:
    text = filled_form(run, replace)
    if drop:
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{drop} =")) + "\n"
    path = tmp_path / "answers.txt"
    path.write_text(text + extra, encoding="utf-8")
    return str(path)


def line_of(path: str, start: str) -> int:
    return next(n for n, line in enumerate(open(path, encoding="utf-8").read().splitlines(), 1)
                if line.startswith(start))


@pytest.mark.parametrize("kind", ["unknown", "twice", "empty", "no_equals", "bad_answer"])
def test_bad_lines_name_the_line(run, tmp_path, kind):
    setups = {
        "unknown": ({}, "nope = a\n", "nope =", "unknown question id 'nope'; this quiz's ids are single-q, multi-q"),
        "twice": ({}, "num-q = 0.25\n", "num-q = 0.25", "question 'num-q' is answered twice (first on line"),
        "empty": ({"text-q": ""}, "", "text-q =", "no answer for 'text-q': write one after the = (? skips"),
        "no_equals": ({}, "just some words\n", "just some", "expected a line `question-id = answer`"),
        "bad_answer": ({"single-q": "q"}, "", "single-q =", "question 'single-q': 'q' is not a valid answer here: "
                                                           "write one letter, a to c"),
    }
    replace, extra, start, words = setups[kind]
    path = write(tmp_path, run, replace, extra=extra)
    with pytest.raises(QuizInputError) as caught:
        read_answers(path, run.variants, seed=run.seed, learner="ada")
    assert str(caught.value).startswith(f"{path}:{line_of(path, start)}: ")
    assert words in str(caught.value)


def test_missing_answer_names_the_question_and_the_end_of_the_file(run, tmp_path):
    path = write(tmp_path, run, drop="shape-q")
    with pytest.raises(QuizInputError) as caught:
        read_answers(path, run.variants, seed=run.seed, learner="ada")
    last = len(open(path, encoding="utf-8").read().splitlines())
    assert str(caught.value) == (f"{path}:{last}: no answer for shape-q: add a line `id = answer` for each "
                                 f"(? skips the question)")


def test_form_made_for_another_seed_is_refused(run, tmp_path):
    path = write(tmp_path, run)
    with pytest.raises(QuizInputError, match=rf"answers.txt:1: this form was made for another variant of the quiz "
                                             rf"\(seed {run.seed}\) than the one of learner bob \(seed 5\)") as caught:
        read_answers(path, run.variants, seed=5, learner="bob")
    assert "--seed" not in str(caught.value) and "--learner" in str(caught.value)


def test_unreadable_answers_file(run, tmp_path):
    with pytest.raises(UsageError, match="nothing.txt: cannot read the answers file"):
        read_answers(tmp_path / "nothing.txt", run.variants, seed=run.seed, learner="ada")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"single-q = a\ntext-q = caf\xe9\n")
    with pytest.raises(QuizInputError, match="latin1.txt:2: not UTF-8 text"):
        read_answers(bad, run.variants, seed=run.seed, learner="ada")
