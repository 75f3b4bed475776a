"""Malformed quiz files: one line naming the file and the line at fault."""

from __future__ import annotations

import pytest
from quiz_factory import SAMPLE_QUIZ, write_exercise

from grader.quiz import QuizInputError, load_quiz

GOOD = '[[questions]]\nid = "q"\nkind = "numeric"\ntext = "?"\nexplanation = "."\nanswer = 1\n'


def load_text(tmp_path, text: str):
    return load_quiz(write_exercise(tmp_path, text) / "quiz.toml")


def test_sample_quiz_loads(tmp_path):
    quiz = load_text(tmp_path, SAMPLE_QUIZ)
    assert quiz.title == "Sample quiz" and len(quiz.questions) == 6
    headers = [n for n, line in enumerate(SAMPLE_QUIZ.splitlines(), 1) if line == "[[questions]]"]
    assert [q.line for q in quiz.questions] == headers
    param = quiz.questions[-1]
    assert param.parameterized and param.computed and [p.name for p in param.params] == ["W", "F", "S", "P"]
    assert not quiz.questions[0].computed and quiz.questions[0].answer == "(5,)"


@pytest.mark.parametrize("text, line, words", [
    ('[[questions]]\nid = "q"\nkind = \n', 3, "not valid TOML: Invalid value"),
    ('[quiz]\ntitle = "t"\n[[questions]]\nid = "q"\nkind = "essay"\ntext = "?"\nexplanation = "."\n', 5,
     "kind 'essay' is not one of single, multiple, numeric, text, shape"),
    (GOOD + "explantion = 'typo'\n", 7, "unknown key 'explantion'"),
    (GOOD.replace("answer = 1\n", ""), 1, "answer is missing"),
    (GOOD + GOOD, 7, "question id 'q' is used twice (first on line 1)"),
    (GOOD.replace('id = "q"', 'id = "two words"'), 2, "must be letters, digits"),
    (GOOD.replace("answer = 1", 'answer = "one"'), 6, "must be a finite number"),
    (GOOD.replace("answer = 1", "answer = 1\ncode = 'answer = 2'"), 6, "remove answer"),
    (GOOD.replace("answer = 1", "code = '''\nx = 1\nanswer = (x +\n'''"), 8, "code does not parse"),
    (GOOD.replace("answer = 1", "code = 'answer = 1'\nwhere = 'x > 1'"), 7, "where constrains params"),
    (GOOD.replace("answer = 1", "code = 'answer = 1'\nwhere = 'x >'"), 7, "where does not parse"),
    (GOOD.replace("answer = 1", "code = 'answer = x'\n[questions.params]\nx = { min = 1.5, max = 3 }"), 8,
     "decimal bounds need digits"),
    (GOOD.replace("answer = 1", "code = 'answer = x'\n[questions.params]\nx = [1, 2]\nwhere = 'x > 1'"), 9,
     "keys after [questions.params] belong to it"),
    (GOOD.replace("answer = 1", "[questions.params]\nx = [1, 2]"), 6, "add code"),
    ('[[questions]]\nid = "q"\nkind = "single"\ntext = "?"\nexplanation = "."\nchoices = ["a"]\nanswer = "a"\n', 6,
     "at least two choices"),
    (GOOD.replace('kind = "numeric"', 'kind = "text"').replace("answer = 1", 'answer = "x"\ntolerance = 0.1'), 7,
     "tolerance only applies to numeric questions"),
    ("[quiz]\ntitle = 3\n" + GOOD, 2, "title must be a string"),
    ("[other]\nx = 1\n" + GOOD, 1, "unknown table 'other'"),
    ("[quiz]\ntitle = 'no questions'\n", 1, "no questions"),
])
def test_malformed_quiz_file(tmp_path, text, line, words):
    with pytest.raises(QuizInputError) as caught:
        load_text(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'sample' / 'quiz.toml'}:{line}: "), message
    assert words in message and "\n" not in message


def test_syntax_error_in_code_names_the_line_inside_the_code(tmp_path):
    text = GOOD.replace("answer = 1", "code = '''\nx = 1\ny = 2\nanswer = x +* y\n'''")
    with pytest.raises(QuizInputError) as caught:
        load_text(tmp_path, text)
    assert caught.value.line == 9 and "code does not parse: invalid syntax" in str(caught.value)


def test_not_utf8(tmp_path):
    folder = write_exercise(tmp_path)
    (folder / "quiz.toml").write_bytes(b'[quiz]\ntitle = "caf\xe9"\n')
    with pytest.raises(QuizInputError, match=r"quiz.toml:2: not UTF-8 text"):
        load_quiz(folder / "quiz.toml")
