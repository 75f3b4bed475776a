"""Quizzes in Korean: ``quiz.ko.toml`` beside each ``quiz.toml`` (docs/quizzes.md, "In Korean").

- every question of every quiz has its Korean text (and choices and explanation where the English has
  them), with the placeholders of the English texts, in the glossary's terms (docs/glossary-ko.md);
- the Korean variant is the English variant in Korean: for 50 seeds per quiz, the same key, as many
  choices in the same order (by index), the English key typed back earns full marks on the Korean
  variant, and any answer earns the same points in both languages (letters name the same choice;
  a choice's text or a text answer counts in either language);
- a Korean blank form filled with the keys grades 100% (in Korean and in English); the terminal quiz
  in Korean keeps to 60 columns of double-width Hangul; the HTML review page is in Korean;
- a learners' copy ships quiz.ko.toml without keys or explanations, and shows the same Korean questions;
- a Korean file with an unknown id, other placeholders or another number of choices is refused in one
  line naming the file and the line; a question it leaves out is shown in English.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from quiz_factory import SAMPLE_QUIZ, write_exercise
from rich.cells import cell_len
from typer.testing import CliRunner

from grader import messages
from grader.authoring.release import release_exercise
from grader.cli.app import app
from grader.quiz import QUIZ_FILE, load_quiz, prepare_quiz, translation_path, validate_quiz
from grader.quiz.answers import LETTERS, AnswerFormatError, key_as_answer, parse_answer
from grader.quiz.grading import credit, grade_quiz
from grader.quiz.model import CHOICE_KINDS, placeholders
from grader.quiz.render import wrap, wrapped_form
from grader.quiz.validate import quiz_stats, untranslated
from grader.quiz.variants import build_variants
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parent.parent
WEEKS = [f"week{n}" for n in range(1, 8)]
SEEDS = 50
HANGUL = re.compile(r"[\uac00-\ud7a3]")
runner = CliRunner()
PLAIN_ENV = {"DL_GRADER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "COLUMNS": None}


@pytest.fixture(autouse=True)
def english_afterwards():
    """A command run here may switch the process's language: the next test starts in English."""
    yield
    messages.set_language("en")


def quiz_of(week: str, language: str = "en"):
    return load_quiz(ROOT / "exercises" / week / QUIZ_FILE, language)


def invoke(*args: object, input: str | None = None, **env: str | None):
    return runner.invoke(app, [str(a) for a in args], input=input, env={**PLAIN_ENV, **env})


def one_error_line(result) -> str:
    """The command failed with exit 2 and exactly one line, no traceback; returns that line."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    prefix = "grade: 오류: " if lines and lines[0].startswith("grade: 오류: ") else "grade: error: "  # --lang ko says it in Korean
    assert len(lines) == 1 and lines[0].startswith(prefix) and "Traceback" not in result.output, lines
    return lines[0].removeprefix(prefix)


def filled(form: str, answers: dict[str, str]) -> str:
    return re.sub(r"^([\w.-]+) = $", lambda m: f"{m.group(1)} = {answers[m.group(1)]}", form, flags=re.MULTILINE)


# -- every question in Korean ------------------------------------------------------------------------------

@pytest.mark.parametrize("week", WEEKS)
def test_every_question_has_its_korean_texts_with_the_english_placeholders(week):
    quiz = quiz_of(week)
    korean = quiz.translation("ko")
    assert korean is not None and korean.path == ROOT / "exercises" / week / "quiz.ko.toml"
    assert untranslated(quiz, "ko") == []  # a question, an explanation or choices left in English
    assert HANGUL.search(korean.title)
    for question in quiz.questions:
        texts = korean.questions[question.id]
        assert HANGUL.search(texts.text) and HANGUL.search(texts.explanation), question.id
        assert placeholders(texts.text) == placeholders(question.text), question.id
        assert placeholders(texts.explanation) == placeholders(question.explanation), question.id
        assert len(texts.choices) == len(question.choices), question.id  # none for computed choices
        for mine, theirs in zip(texts.choices, question.choices):
            assert placeholders(mine) == placeholders(theirs), (question.id, mine)
    stats = quiz_stats(quiz)
    assert stats.translated == (("quiz.ko.toml", stats.questions),)
    assert f"quiz.ko.toml translates {stats.questions} of {stats.questions}" in stats.summary()


def test_the_language_is_chosen_by_the_active_language_or_the_argument():
    assert quiz_of("week2").language == "en" and quiz_of("week2", "ko").language == "ko"
    assert quiz_of("week2", "xx").language == "en"  # a language without a file: English
    assert quiz_of("week2", "ko").title.startswith("2주차 퀴즈") and quiz_of("week2", "ko").source_title.startswith("Week 2")
    messages.set_language("ko")
    assert load_quiz(ROOT / "exercises" / "week2" / QUIZ_FILE).language == "ko"
    assert prepare_quiz("week2", "ada").variants[0].language == "ko"
    assert prepare_quiz("week2", "ada", language="en").variants[0].language == "en"


# -- the same variant in both languages --------------------------------------------------------------------

def same_choice_order(english, korean) -> bool:
    """Is every position the same choice (its English text, or one of its names in other languages)?"""
    return len(english.choices) == len(korean.choices) and all(
        theirs == mine or theirs in korean.aliases[p] for p, (theirs, mine) in enumerate(zip(english.choices,
                                                                                              korean.choices)))


def answers_to_try(variant) -> list[str]:
    """Answers of every sort: each letter, sets of letters, the key, wrong numbers and shapes, skips."""
    kind = variant.question.kind
    tried = ["?", key_as_answer(variant)]
    letters = LETTERS[: len(variant.choices)]
    if kind == "single":
        tried += list(letters) + list(variant.choices)
    elif kind == "multiple":
        tried += [" ".join(c) for n in (1, 2, 3) for c in itertools.combinations(letters, n)]
    elif kind == "numeric":
        tried += [repr(variant.key + 1), repr(variant.key * 1.001), "0"]
    elif kind == "shape":
        tried += ["(1, 1)", "()", "error", "(5,)"]
    else:
        tried += ["unsupervised", "비지도 학습", "supervised", "[0. 0. 1. 1.]"]
    return tried


@pytest.mark.parametrize("week", WEEKS)
def test_for_50_seeds_the_korean_variant_is_the_english_one_in_korean(week):
    quiz = quiz_of(week)
    for seed in range(SEEDS):
        english, korean = build_variants(quiz, seed, "en"), build_variants(quiz, seed, "ko")
        for en, ko in zip(english, korean, strict=True):
            where = (week, seed, en.id)
            assert ko.language == "ko" and en.language == "en"
            assert ko.text != en.text and HANGUL.search(ko.text), where
            assert same_choice_order(en, ko) and same_choice_order(ko, en), where
            if en.question.kind in CHOICE_KINDS:
                assert ko.key_positions == en.key_positions, where
            else:
                assert ko.key == en.key, where
            assert ko.accept == en.accept, where  # the accepted answers of both languages, in both
            assert credit(ko, parse_answer(ko, key_as_answer(en))) == 1, where
            assert key_as_answer(ko) == key_as_answer(en), where
            for typed in answers_to_try(en):
                assert graded(en, typed) == graded(ko, typed), (where, typed)


def graded(variant, typed: str) -> float | None:
    try:
        return credit(variant, parse_answer(variant, typed))
    except AnswerFormatError:
        return None


def test_a_choice_or_a_text_answer_counts_in_either_language():
    english, korean = (prepare_quiz("week1", "ada", language=lang) for lang in ("en", "ko"))
    choices = {v.id: v for v in english.variants}["kinds-of-learning"]
    choices_ko = {v.id: v for v in korean.variants}["kinds-of-learning"]
    right = choices.key_positions[0]
    for variant in (choices, choices_ko):
        assert parse_answer(variant, "강화 학습").value == right
        assert parse_answer(variant, "reinforcement learning.").value == right
        assert parse_answer(variant, LETTERS[right]).value == right
    for variant in ({v.id: v for v in run.variants}["unsupervised"] for run in (english, korean)):
        assert variant.key == "unsupervised"
        assert [graded(variant, typed) for typed in ("비지도 학습", "비지도", "Unsupervised", "지도 학습")] == [1, 1, 1, 0]


def test_the_report_groups_korean_answers_under_the_english_topics_with_the_same_points():
    """Topics are the report's groups (the class report counts by them): the same in every language."""
    reports = []
    for lang in ("en", "ko"):
        run = prepare_quiz("week2", "ada", language=lang)
        answers = {v.id: parse_answer(v, "a" if v.question.kind in CHOICE_KINDS else key_as_answer(v))
                   for v in run.variants}
        reports.append(grade_quiz(run.variants, answers, exercise=run.exercise, title=run.quiz.title,
                                  learner="ada", seed=run.seed))
    english, korean = reports
    assert [(c.function, c.name, c.points) for c in korean.checks] == [(c.function, c.name, c.points)
                                                                        for c in english.checks]
    assert korean.submission_sha256 == english.submission_sha256 and 0 < korean.points < korean.max_points
    assert HANGUL.search(korean.title) and HANGUL.search(korean.checks[0].question)


# -- the Korean form, the terminal, the HTML page -----------------------------------------------------------

@pytest.mark.parametrize("week", ["week1", "week2", "week7"])
def test_a_korean_blank_form_filled_with_the_keys_grades_100_percent(week, tmp_path):
    book = str(tmp_path / "book.sqlite")
    form = invoke("quiz", week, "--learner", "ada", "--blank", "--lang", "ko")
    assert form.exit_code == 0, form.output
    assert form.output.startswith(f"# dl-grader quiz answers: {week}, learner ada, seed ")  # read back as it is
    assert HANGUL.search(form.output.splitlines()[1])
    answers = tmp_path / "answers.txt"
    keys = {v.id: key_as_answer(v) for v in prepare_quiz(week, "ada", language="ko").variants}
    answers.write_text(filled(form.output, keys), encoding="utf-8")
    for lang in ("ko", "en"):  # graded by an instructor who reads English too
        result = invoke("quiz", week, "--answers", answers, "--json", "-", "--gradebook", book, "--lang", lang)
        report = GradeReport.from_dict(json.loads(result.output))
        assert report.learner == "ada" and report.points == report.max_points > 0, result.output


def test_a_korean_form_answered_with_korean_choice_texts_grades_like_letters(tmp_path):
    run = prepare_quiz("week1", "ada", language="ko")
    by_text = {v.id: v.key if v.question.kind == "single" else key_as_answer(v) for v in run.variants}
    answers = tmp_path / "answers.txt"
    answers.write_text(filled(run.blank_form(), by_text), encoding="utf-8")
    english = prepare_quiz("week1", "ada", language="en")
    assert english.grade_file(answers).points == run.grade_file(answers).points == run.quiz.points


def test_the_terminal_quiz_in_korean_keeps_to_60_columns(tmp_path):
    keys = [key_as_answer(v) for v in prepare_quiz("week2", "ada", language="ko").variants]
    given = "\n".join(["z", "x", *keys]) + "\n"  # two refused answers first: their messages wrap too
    result = invoke("quiz", "week2", "--learner", "ada", "--lang", "ko", "--gradebook", tmp_path / "book.sqlite",
                    input=given, COLUMNS="60")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "24문항 중 1번 [image-features] (1점)" in lines and "점수: 24 / 24 (100.0%)" in lines
    assert max(cell_len(line) for line in lines) <= 60, [line for line in lines if cell_len(line) > 60]
    assert sum(bool(HANGUL.search(line)) for line in lines) > 100


def test_the_korean_form_keeps_to_60_columns_but_its_first_line():
    form = invoke("quiz", "week7", "--learner", "ada", "--blank", "--lang", "ko", COLUMNS="60").output
    first, *rest = form.splitlines()
    assert first.startswith("# dl-grader quiz answers: week7, learner ada, seed ")
    assert max(cell_len(line) for line in rest) <= 60


def test_wrapping_counts_hangul_as_two_columns():
    line = "   해설: " + "가중치의 기울기가 양수이면 경사 하강법은 가중치를 줄입니다. " * 4
    for width in (30, 41, 60, 80):
        wrapped = wrap(line, width)
        assert all(cell_len(part) <= width for part in wrapped), width
        assert " ".join(part.strip() for part in wrapped) == " ".join(line.split())
        assert all(part.startswith("   ") for part in wrapped)
    assert wrap("  a) 가나다 " + "x" * 50, 20) == ["  a) 가나다", "     " + "x" * 50]  # a long word stays whole
    form = "# dl-grader quiz answers: w, learner 가나다라마바사아자차카타파하, seed 1\n# " + "한글 " * 30 + "\n"
    assert wrapped_form(form, 40).splitlines()[0] == form.splitlines()[0]
    assert all(cell_len(line) <= 40 for line in wrapped_form(form, 40).splitlines()[1:])


def test_the_html_review_page_is_in_korean(tmp_path):
    run = prepare_quiz("week2", "ada", language="ko")
    answers = tmp_path / "answers.txt"
    answers.write_text(filled(run.blank_form(), {v.id: key_as_answer(v) for v in run.variants}), encoding="utf-8")
    page = tmp_path / "quiz.html"
    result = invoke("quiz", "week2", "--answers", answers, "--html", page, "--gradebook", tmp_path / "book.sqlite",
                    "--lang", "ko")
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    explanation = {v.id: v for v in run.variants}["dot-shape"].explanation.splitlines()[0]
    assert "2주차 퀴즈: 로지스틱 회귀" in html and explanation in html and "열 벡터 x 하나로" in html
    assert "Why:" not in result.output and "해설: " in result.output


def test_the_course_servers_questions_are_korean_when_the_quiz_is():
    """The server's quiz page and API list ``questions(run)``: the variant's texts, in its language."""
    from grader.server.quiz import questions  # the server extra is part of the test extra: no skipping

    english, korean = (questions(prepare_quiz("week4", "ada", language=lang)) for lang in ("en", "ko"))
    assert [q["id"] for q in english] == [q["id"] for q in korean]
    assert all(HANGUL.search(q["text"]) for q in korean) and not any(HANGUL.search(q["text"]) for q in english)
    assert [len(q["choices"]) for q in english] == [len(q["choices"]) for q in korean]


# -- the learners' copy ---------------------------------------------------------------------------------------

LEARNERS = ("ada", "bob", "chen", "dana")


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("release")
    return {week: release_exercise(week, out).folder for week in ("week1", "week2", "week6")}


def korean_secrets(week: str) -> dict[str, str]:
    """What the Korean file says that learners must not read before grading: explanations (of several
    variants, and as written), accepted answers, and the translations of values only explanations show."""
    quiz = quiz_of(week)
    secrets: dict[str, str] = {}
    runs = [prepare_quiz(week, learner, language="ko").variants for learner in LEARNERS]
    for variants in runs + [build_variants(quiz, seed, "ko") for seed in range(10)]:
        for variant in variants:
            secrets.update({line.strip(): f"the Korean explanation of {variant.id}"
                            for line in variant.explanation.splitlines() if HANGUL.search(line)})
    for variants in [prepare_quiz(week, learner).variants for learner in LEARNERS]:
        for variant in variants:  # the keys of text questions: quiz.ko.toml says them too
            if variant.question.kind == "text":
                secrets.update({key: f"the key of {variant.id}" for key in (variant.key, *variant.accept)})
    for texts in quiz.translation("ko").questions.values():
        secrets.update({line.strip(): f"the Korean explanation of {texts.id}" for line in texts.explanation.splitlines()})
        secrets.update({answer: f"an accepted answer of {texts.id}" for answer in texts.accept})
        shown = {name for part in (texts.text, *texts.choices) for name in re.findall(r"\{(\w+)", part)}
        secrets.update({value: f"a translated value of {texts.id}'s explanation"
                        for name, table in texts.translate.items() if name not in shown for value in table.values()})
    return {s: what for s, what in secrets.items() if len(s) >= 10}  # shorter: a common word ("없습니다.")


@pytest.mark.slow
@pytest.mark.parametrize("week", ["week1", "week2", "week6"])
def test_the_copy_ships_quiz_ko_toml_without_keys_or_explanations(copies, week):
    copy = copies[week]
    text = (copy / "quiz.ko.toml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(explanation|accept|answer|code)\s*=", text, re.MULTILINE)
    secrets = korean_secrets(week)
    assert len(secrets) > 10
    forms = "\n".join(prepare_quiz(week, learner, language="ko").blank_form() for learner in LEARNERS)
    for path in sorted(p for p in copy.rglob("*") if p.is_file()):
        data = path.read_text(encoding="utf-8", errors="replace")
        found = [what for secret, what in secrets.items() if secret in data and secret not in forms]
        assert found == [], path.name
    form = load_quiz(copy / QUIZ_FILE, "ko")
    assert form.keys_withheld and form.language == "ko" and form.title == quiz_of(week, "ko").title
    assert all(not t.explanation and not t.accept for t in form.translation("ko").questions.values())


@pytest.mark.slow
def test_the_copy_writes_the_same_korean_form_and_the_instructor_grades_it(copies, tmp_path):
    copy = copies["week2"]
    form = invoke("quiz", copy, "--learner", "ada", "--blank", "--lang", "ko")
    assert form.exit_code == 0, form.output
    mine = prepare_quiz("week2", "ada", language="ko").blank_form()
    instructions = re.compile(r"^# (각 답을|  grade quiz).*\n", re.MULTILINE)
    assert instructions.sub("", form.output) == instructions.sub("", mine)  # the same questions and order
    answers = tmp_path / "ada.txt"
    keys = {v.id: key_as_answer(v) for v in prepare_quiz("week2", "ada").variants}
    answers.write_text(filled(form.output, keys), encoding="utf-8")
    result = invoke("quiz", "week2", "--answers", answers, "--json", "-", "--gradebook", tmp_path / "b.sqlite")
    report = GradeReport.from_dict(json.loads(result.output))
    assert report.learner == "ada" and report.points == report.max_points == 24


@pytest.mark.slow
def test_a_practice_copy_ships_the_whole_korean_quiz(tmp_path):
    copy = release_exercise("week1", tmp_path, practice_quizzes=True).folder
    assert (copy / "quiz.ko.toml").read_text(encoding="utf-8") == (
        ROOT / "exercises" / "week1" / "quiz.ko.toml").read_text(encoding="utf-8")
    quiz = load_quiz(copy / QUIZ_FILE, "ko")
    assert quiz.practice and all(t.explanation for t in quiz.translation("ko").questions.values())


# -- refusals, and what falls back to English ------------------------------------------------------------------

SAMPLE_KO = """\
[quiz]
title = "예제 퀴즈"

[[questions]]
id = "single-q"
text = "랭크 1 형태는 무엇입니까?"
choices = ["(5,)", "(5, 1)", "(1, 5)"]
explanation = "축이 하나뿐입니다."

[[questions]]
id = "param-q"
text = "W = {W}, F = {F}, S = {S}, P = {P}일 때 출력의 너비는 얼마입니까?"
explanation = "(W - F + 2P) / S + 1 = {answer}."
"""


@pytest.fixture
def sample(tmp_path) -> Path:
    folder = write_exercise(tmp_path, SAMPLE_QUIZ)
    (folder / "quiz.ko.toml").write_text(SAMPLE_KO, encoding="utf-8")
    return folder


def test_a_question_the_korean_file_leaves_out_is_shown_in_english(sample):
    quiz = load_quiz(sample / QUIZ_FILE, "ko")
    assert untranslated(quiz, "ko") == ["multi-q", "num-q", "text-q", "shape-q"]
    assert "translates 2 of 6 (the others are shown in English)" in quiz_stats(quiz).summary()
    texts = {v.id: v.text for v in build_variants(quiz, 3)}
    assert texts["single-q"] == "랭크 1 형태는 무엇입니까?" and texts["num-q"] == "What is 1/3 to two decimals?"
    assert texts["param-q"].endswith("출력의 너비는 얼마입니까?")
    assert validate_quiz(sample / QUIZ_FILE, seeds=20) == []
    form = invoke("quiz", sample, "--blank", "--lang", "ko", "--learner", "ada").output
    assert "# 예제 퀴즈" in form and "#    Name the activation max(0, z)." in form


@pytest.mark.parametrize("change, line, problem", [
    (('id = "param-q"', 'id = "param-question"'), 11,
     "question 'param-question': quiz.toml has no question 'param-question'"),
    (("W = {W}, F = {F}", "W = {W}, F = {F2}"), 12,
     "question 'param-q': text: its placeholders differ from quiz.toml's ({F} missing; {F2} not in quiz.toml's)"),
    (("= {answer}.", "= {answer:.2f}."), 13, "explanation: its placeholders differ from quiz.toml's"),
    (('choices = ["(5,)", "(5, 1)", "(1, 5)"]', 'choices = ["(5,)", "(5, 1)"]'), 7,
     "question 'single-q': 2 choices where quiz.toml has 3"),
    (('explanation = "축이', 'answer = "(5,)"\nexplanation = "축이'), 8, "unknown key 'answer'"),
    (('id = "param-q"', 'id = "single-q"'), 10, "question id 'single-q' is used twice (first on line 4)"),
    (("[quiz]", "[quiz]\nkind = 1"), 2, "unknown key 'kind' in [quiz]"),
    (('text = "랭크', 'text = """랭크'), 14, "not valid TOML"),
])
def test_a_faulty_korean_file_is_refused_in_one_line_naming_its_line(sample, change, line, problem):
    (sample / "quiz.ko.toml").write_text(SAMPLE_KO.replace(*change), encoding="utf-8")
    message = one_error_line(invoke("quiz", sample, "--blank", "--lang", "ko"))
    assert message.startswith(f"{sample / 'quiz.ko.toml'}:{line}: ") and problem in message, message
    validated = invoke("quiz", sample, "--validate")  # in English too: the key and grading read it
    assert validated.exit_code == 1 and validated.output.startswith(f"{sample / 'quiz.ko.toml'}:{line}: ")


def test_choices_the_code_computes_are_not_translated_and_values_must_be(tmp_path):
    quiz = """\
[quiz]
title = "t"

[[questions]]
id = "computed"
kind = "single"
text = "Which {word}?"
code = '''
answer = "1"
choices = ["1", "2", "3"]
'''
explanation = "This {word}."
[questions.params]
word = ["one", "two"]
"""
    folder = write_exercise(tmp_path, quiz)
    korean = translation_path(folder / QUIZ_FILE, "ko")
    korean.write_text('[[questions]]\nid = "computed"\ntext = "어느 {word}?"\nchoices = ["1", "2", "3"]\n',
                      encoding="utf-8")
    assert "its choices are computed by its code" in one_error_line(invoke("quiz", folder, "--blank"))
    korean.write_text('[[questions]]\nid = "computed"\ntext = "어느 {word}?"\n[questions.translate.word]\none = "하나"\n',
                      encoding="utf-8")
    problems = validate_quiz(folder / QUIZ_FILE, seeds=50)
    assert len(problems) == 1 and problems[0].startswith(f"{korean}:1: question 'computed': translate.word has no "
                                                         "translation of the value 'two'"), problems
    korean.write_text('[[questions]]\nid = "computed"\ntext = "어느 {word}?"\n[questions.translate.word]\none = "하나"\n'
                      'two = "둘"\n', encoding="utf-8")
    assert validate_quiz(folder / QUIZ_FILE, seeds=50) == []
    texts = {build_variants(load_quiz(folder / QUIZ_FILE, "ko"), seed)[0].text for seed in range(20)}
    assert texts == {"어느 하나?", "어느 둘?"}


def test_a_korean_choice_may_not_name_another_english_choice(sample):
    (sample / "quiz.ko.toml").write_text(SAMPLE_KO.replace('["(5,)", "(5, 1)", "(1, 5)"]', '["(5, 1)", "(5,)", "(1, 5)"]'),
                                         encoding="utf-8")
    message = one_error_line(invoke("quiz", sample, "--blank", "--lang", "ko"))
    assert message.startswith(f"{sample / 'quiz.ko.toml'}:4: question 'single-q': choice '(5, 1)' is choice 1 here "
                              "and choice 2 in another language"), message


def test_a_learners_copy_translation_holds_no_explanation(sample, tmp_path):
    from grader.quiz.form import form_quiz_text, form_translation_text

    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / QUIZ_FILE).write_text(form_quiz_text(load_quiz(sample / QUIZ_FILE, "en")), encoding="utf-8")
    (copy / "quiz.ko.toml").write_text(SAMPLE_KO, encoding="utf-8")
    with pytest.raises(Exception, match=r"quiz.ko.toml:8: question 'single-q': unknown key 'explanation' "
                                        r"\(a learners' copy holds no key\)"):
        load_quiz(copy / QUIZ_FILE)
    (copy / "quiz.ko.toml").write_text(form_translation_text(load_quiz(sample / QUIZ_FILE), "ko"), encoding="utf-8")
    copied = load_quiz(copy / QUIZ_FILE, "ko")
    assert copied.translation("ko").questions["single-q"].choices == ("(5,)", "(5, 1)", "(1, 5)")  # shuffle = false
    for seed in range(5):  # the copy shows the Korean questions of the instructor's quiz
        mine = build_variants(load_quiz(sample / QUIZ_FILE, "ko"), seed)
        assert [(v.text, v.choices) for v in build_variants(copied, seed)] == [(v.text, v.choices) for v in mine]


# -- the glossary ---------------------------------------------------------------------------------------------

GLOSSARY = ROOT / "docs" / "glossary-ko.md"

# Texts that rightly say a term otherwise: (week/question id/part, English term) -> why.
PHRASED_OTHERWISE = {
    ("week4/why-deep/explanation", "example"): "circuit theory gives examples (예), not training examples",
    ("week6/svm-cat/explanation", "cost"): "the frog 'costs nothing': adds no loss (손실), not the cost function",
}


def glossary_table(section: str) -> list[list[str]]:
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in body.splitlines()
            if line.startswith("|") and not re.match(r"\|\s*(---|English\s*\|)", line)]


def _listed(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def english_word(word: str) -> re.Pattern[str]:
    """``word`` as a word of prose: not part of a longer word, a name or a keyword argument (``axis=1``)."""
    return re.compile(r"(?<![\w.-])" + re.escape(word) + r"(?![\w=-])", re.IGNORECASE)


def korean_texts() -> list[tuple[str, str, str]]:
    """(week/id/part, English, Korean) for every text of every Korean quiz file."""
    found = []
    for week in WEEKS:
        quiz = quiz_of(week)
        korean = quiz.translation("ko")
        found.append((f"{week}/title", quiz.title, korean.title))
        for question in quiz.questions:
            texts = korean.questions[question.id]
            found += [(f"{week}/{question.id}/text", question.text, texts.text),
                      (f"{week}/{question.id}/explanation", question.explanation, texts.explanation)]
            found += [(f"{week}/{question.id}/choice {n}", en, ko)
                      for n, (en, ko) in enumerate(zip(question.choices, texts.choices), 1)]
            found += [(f"{week}/{question.id}/translate.{name}", en, ko)
                      for name, table in texts.translate.items() for en, ko in table.items()]
    return found


def test_the_korean_quizzes_say_the_glossarys_terms():
    held = sorted(((_listed(row[0]), row[1]) for row in glossary_table("Terms the tests hold")),
                  key=lambda term: -max(map(len, term[0])))
    misses = []
    for where, english, korean in korean_texts():
        rest = english
        for variants, term in held:  # longer terms first: "gradient descent" is not "gradient"
            said = any(english_word(v).search(rest) for v in variants)
            rest = re.sub("|".join(english_word(v).pattern for v in variants), " ", rest, flags=re.IGNORECASE)
            if said and term not in korean and not any((where, v) in PHRASED_OTHERWISE for v in variants):
                misses.append(f"{where}: says {variants[0]!r} but not {term!r}")
    assert misses == []


def test_the_korean_quizzes_write_no_word_the_glossary_rules_out():
    rows = glossary_table("Terms the tests hold") + glossary_table("More terms")
    forbidden = {word for row in rows for word in _listed(row[2])}
    assert {"웨이트", "미니배치", "경사하강법"} <= forbidden
    found = [f"{where}: {word}" for where, _, korean in korean_texts() for word in forbidden if word in korean]
    assert found == []


def test_no_placeholder_is_followed_by_a_particle_that_may_not_fit():
    """After a value filled in, a particle that depends on its last sound is written both ways (은(는))
    or the sentence puts a noun in between ({x}의 값은, {f}배로)."""
    fixed = re.compile(r"\}(을|를|이|가|은|는|과|와|으로)(?![\w(])")
    found = [f"{where}: {m.group(0)}" for where, _, korean in korean_texts() for m in fixed.finditer(korean)]
    assert found == []


def test_the_korean_is_polite_explanatory_register():
    """Sentences end in ~니다 / ~니까 / ~세요, not in the plain ~다 of a textbook."""
    plain = re.compile(r"[가-힣](한다|된다|있다|없다|이다|였다|했다)[.]")
    assert [where for where, _, korean in korean_texts() if plain.search(korean)] == []
    assert sum("니다" in korean for _, _, korean in korean_texts()) > 200
