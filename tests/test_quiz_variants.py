"""Per-learner variants: stable seeds, drawn variables, computed keys, placeholders, shuffled choices."""

from __future__ import annotations

import pytest
from quiz_factory import SAMPLE_QUIZ, write_exercise

from grader.quiz import QuizInputError, load_quiz, prepare_quiz, quiz_seed
from grader.quiz.variants import build_variant, build_variants


def test_seed_is_a_stable_hash_of_exercise_and_learner():
    """Does a learner get the same seed in every run and every version (no salted hash)?"""
    assert quiz_seed("week2", "ada") == 2118499991
    assert quiz_seed("week2", "ada") != quiz_seed("week2", "bob") != quiz_seed("week3", "bob")


def test_same_learner_same_variant_other_learners_other_variants(tmp_path):
    folder = write_exercise(tmp_path)
    first, again = prepare_quiz(folder, "ada"), prepare_quiz(folder, "ada")
    assert first.seed == again.seed and first.variants == again.variants
    texts = {next(v.text for v in prepare_quiz(folder, f"learner{i}").variants if v.id == "param-q")
             for i in range(30)}
    assert len(texts) >= 10


def test_explicit_seed_overrides_the_learner(tmp_path):
    folder = write_exercise(tmp_path)
    assert prepare_quiz(folder, "ada", seed=7).variants == prepare_quiz(folder, "bob", seed=7).variants
    assert prepare_quiz(folder, "ada", seed=7).seed == 7


def test_parameterized_variables_satisfy_where_and_fill_the_texts(tmp_path):
    quiz = load_quiz(write_exercise(tmp_path) / "quiz.toml")
    question = next(q for q in quiz.questions if q.id == "param-q")
    for seed in range(50):
        variant = build_variant(quiz, question, seed)
        values = dict(part.split(" = ") for part in variant.text.removeprefix("Output width for ")
                      .removesuffix("?").split(", "))
        W, F, S, P = (int(values[k]) for k in "WFSP")
        assert (W - F + 2 * P) % S == 0
        assert variant.key == (W - F + 2 * P) // S + 1
        assert variant.explanation == f"(W - F + 2P) / S + 1 = {variant.key:g}."


def test_computed_key_comes_from_the_code(tmp_path):
    """Does changing the instructor's numpy code change the key (it is computed, never typed)?"""
    before = load_quiz(write_exercise(tmp_path / "a") / "quiz.toml")
    changed = SAMPLE_QUIZ.replace("answer = np.dot(a.T, b).shape", "answer = np.dot(a, b.T).shape")
    after = load_quiz(write_exercise(tmp_path / "b", changed) / "quiz.toml")
    key = {q.id: build_variant(before, q, 1).key for q in before.questions}["shape-q"]
    new_key = {q.id: build_variant(after, q, 1).key for q in after.questions}["shape-q"]
    assert (key, new_key) == ((5, 5), (1, 1))


def test_code_may_compute_the_choices_and_placeholders_format(tmp_path):
    quiz_text = '''
[[questions]]
id = "print"
kind = "single"
text = 'x = {x:.2f}; {{literal}} and {"dw": 1} stay'
code = """
x = 1 / 3
answer = str(np.array([1, 2]) + 1)
choices = [answer, str(np.array([1, 2]))]
"""
explanation = "It prints {answer}."
'''
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    variant = build_variant(quiz, quiz.questions[0], 3)
    assert variant.text == 'x = 0.33; {literal} and {"dw": 1} stay'
    assert sorted(variant.choices) == ["[1 2]", "[2 3]"] and variant.key == "[2 3]"
    assert variant.explanation == "It prints [2 3]."


def test_choices_are_shuffled_per_learner_unless_shuffle_is_false(tmp_path):
    quiz_text = SAMPLE_QUIZ.replace('shuffle = false\ntext = "Which is a rank-1', 'text = "Which is a rank-1')
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    single, multiple = quiz.questions[0], quiz.questions[1]
    orders = {build_variant(quiz, single, seed).choices for seed in range(40)}
    assert len(orders) == 6 and all(sorted(order) == sorted(single.choices) for order in orders)
    assert {build_variant(quiz, multiple, seed).choices for seed in range(10)} == {multiple.choices}


def test_random_arrays_come_from_rng_and_are_reproducible(tmp_path):
    quiz_text = '''
[[questions]]
id = "mean"
kind = "numeric"
text = "Mean of {x}?"
code = """
x = np.round(rng.standard_normal(3), 2)
answer = x.mean()
"""
explanation = "The mean."
'''
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    assert build_variants(quiz, 5) == build_variants(quiz, 5)
    assert build_variants(quiz, 5)[0].text != build_variants(quiz, 6)[0].text


@pytest.mark.parametrize("code, line, words", [
    ("answer = undefined_name", 5, "its code raised NameError: name 'undefined_name' is not defined"),
    ("x = 1\nanswer = 1 / 0", 6, "its code raised ZeroDivisionError"),
    ("x = 1", 5, "its code must set `answer`"),
    ("answer = 'five'", 5, "the key of a numeric question must be a finite number"),
])
def test_failing_code_names_the_quiz_line(tmp_path, code, line, words):
    quiz_text = f'[[questions]]\nid = "q"\nkind = "numeric"\ncode = """\n{code}\n"""\ntext = "?"\nexplanation = "."\n'
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    with pytest.raises(QuizInputError) as caught:
        build_variants(quiz, 1)
    assert (caught.value.line, caught.value.path) == (line, str(quiz.path))
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("extra, words", [
    ('choices = ["a", "b", "a"]\nanswer = "a"', "choice 'a' is given twice"),
    ('choices = ["a", "b"]\nanswer = "c"', "the key 'c' is not among the choices"),
])
def test_choices_must_be_distinct_and_contain_the_key(tmp_path, extra, words):
    quiz_text = f'[[questions]]\nid = "q"\nkind = "single"\ntext = "?"\nexplanation = "."\n{extra}\n'
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    with pytest.raises(QuizInputError, match=words):
        build_variants(quiz, 1)


def test_unknown_placeholder_is_an_error(tmp_path):
    quiz_text = '[[questions]]\nid = "q"\nkind = "numeric"\ntext = "{nope}?"\nexplanation = "."\ncode = "answer = 1"\n'
    quiz = load_quiz(write_exercise(tmp_path, quiz_text) / "quiz.toml")
    with pytest.raises(QuizInputError, match=r"quiz.toml:1: question 'q': the text uses \{nope\}"):
        build_variants(quiz, 1)
