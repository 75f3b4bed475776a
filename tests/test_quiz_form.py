"""The quiz of a learners' copy: questions without keys that show every learner what the quiz shows."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from grader.errors import UsageError
from grader.quiz.form import check_form, form_quiz_text, practice_quiz_text
from grader.quiz.load import load_quiz
from grader.quiz.model import QuizInputError
from grader.quiz.variants import build_variant, build_variants

HEAD = '[quiz]\ntitle = "T"\n'


def write(tmp_path: Path, text: str, name: str = "quiz.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def released(tmp_path: Path, text: str):
    """(the instructor's quiz, the copy's quiz written from it)."""
    quiz = load_quiz(write(tmp_path, HEAD + text))
    form = load_quiz(write(tmp_path, form_quiz_text(quiz), "form.toml"))
    return quiz, form


STEPS = '''
[[questions]]
id = "times-three"
kind = "numeric"
text = "What is 3 times {shown}?"
explanation = "3 * {x} = {answer}."
code = """
noise = rng.standard_normal()
x = int(rng.integers(1, 1000)) + k
answer = x * 3
shown = f"{x}"
"""
[questions.params]
k = { min = 1, max = 9 }
'''


def test_the_copy_computes_what_the_text_shows_and_not_the_key(tmp_path):
    """Does the copy keep the statements the text depends on (the earlier draw from rng too, so the
    draws stay in step), and drop the key's?"""
    quiz, form = released(tmp_path, STEPS)
    text = form_quiz_text(quiz)
    assert "noise = rng.standard_normal()" in text and "x = int(rng.integers(1, 1000)) + k" in text
    assert "answer =" not in text and "x * 3" not in text and "3 * " not in text
    for seed in range(30):
        want, got = build_variant(quiz, quiz.questions[0], seed), build_variant(form, form.questions[0], seed)
        assert got.text == want.text and got.key is None and got.explanation == ""
    check_form(quiz, form)


@pytest.mark.parametrize("code", [
    'x = int(rng.integers(1, 9))\nanswer = x * 3\nshown = f"{answer}"',
    'x = int(rng.integers(1, 9))\nanswer, shown = x * 3, f"{x}"',
    'x = int(rng.integers(1, 9))\nif x:\n    answer = x * 3\n    shown = f"{x}"',
])
def test_a_text_computed_with_the_key_cannot_be_released(tmp_path, code):
    quiz = load_quiz(write(tmp_path, HEAD + f'''
[[questions]]
id = "q"
kind = "numeric"
text = "What is 3 times {{shown}}?"
explanation = "."
code = """
{code}
"""
'''))
    with pytest.raises(UsageError, match=r"quiz.toml:\d+: question 'q': what its text shows \(shown\) depends on "
                                         r"line 1[12], which sets the key"):
        form_quiz_text(quiz)


def test_fixed_computed_choices_are_listed_sorted_and_varying_ones_refused(tmp_path):
    fixed = '''
[[questions]]
id = "pick"
kind = "single"
text = "Which is a + b?"
explanation = "."
code = """
answer = str(1 + 2)
choices = [answer, "12", "{x}", "-1"]
"""
'''
    quiz, form = released(tmp_path, fixed)
    assert form.questions[0].choices == ("-1", "12", "3", "{{x}}")  # sorted, braces kept literal
    assert build_variant(form, form.questions[0], 3).choices == build_variant(quiz, quiz.questions[0], 3).choices
    varying = fixed.replace('answer = str(1 + 2)', 'answer = str(int(rng.integers(20, 90)))')
    with pytest.raises(UsageError, match="computes other choices for other learners"):
        form_quiz_text(load_quiz(write(tmp_path, HEAD + varying)))


def test_the_written_order_of_choices_says_nothing(tmp_path):
    """Do two quizzes listing the same choices in another order give every learner the same variant
    (so the copy can list them sorted)?"""
    question = '''
[[questions]]
id = "pick"
kind = "single"
text = "Which?"
choices = {choices}
answer = "right"
explanation = "."
'''
    first = load_quiz(write(tmp_path, HEAD + question.format(choices='["right", "wrong", "other", "none"]'), "a.toml"))
    second = load_quiz(write(tmp_path, HEAD + question.format(choices='["none", "other", "wrong", "right"]'), "b.toml"))
    assert [build_variants(first, s)[0].choices for s in range(20)] == \
           [build_variants(second, s)[0].choices for s in range(20)]


def test_check_form_catches_a_copy_that_shows_another_text(tmp_path):
    quiz, form = released(tmp_path, STEPS)
    wrong = write(tmp_path, form_quiz_text(quiz).replace("noise = rng.standard_normal()\\n", ""), "wrong.toml")
    with pytest.raises(UsageError, match="the learners' copy shows another text or other choices than the quiz on seed"):
        check_form(quiz, load_quiz(wrong))


def test_a_copy_without_keys_refuses_key_fields(tmp_path):
    text = HEAD + 'released = "form"\n\n[[questions]]\nid = "q"\nkind = "numeric"\ntext = "1 + 1?"\nanswer = 2\n'
    with pytest.raises(QuizInputError, match=r"quiz.toml:\d+: question 1: unknown key 'answer' "
                                             r"\(a learners' copy holds no key\)"):
        load_quiz(write(tmp_path, text))


@pytest.mark.parametrize("text", [
    '# notes\n[quiz] # the quiz\ntitle = "T"\n\n[[questions]]\nid = "q"\nkind = "text"\ntext = "?"\nanswer = "a"\n'
    'explanation = "."\n',
    '# no [quiz] table\n[[questions]]\nid = "q"\nkind = "text"\ntext = "?"\nanswer = "a"\nexplanation = "."\n',
])
def test_a_practice_quiz_is_the_whole_quiz_marked_practice(tmp_path, text):
    marked = practice_quiz_text(text)
    data = tomllib.loads(marked)
    assert data["quiz"]["released"] == "practice" and data["questions"] == tomllib.loads(text)["questions"]
    assert load_quiz(write(tmp_path, marked)).practice
