"""The learners' copy keeps the course's secrets (grade release).

Nothing in a released copy states or computes a quiz key (typed keys, ``answer =`` lines,
key code, explanations, for any learner's variant), names or quotes a hidden check, or
holds a reference result a hidden check asked for. The copy still writes each learner's
own answers form, which the instructor's exercise grades; a copy released for practice
grades locally and says "practice"; a copy's reports say what the hidden checks are worth.

Secrets are computed on the instructor's side and searched in every byte of every file of
the copy (and in the strings of its JSON files and notebooks, where escapes would hide
them). A secret that learners see anyway (in the exercise folder's other files, or in their
own blank form: a key that is also a number of a question's text) is not one.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.checks.diagnose import compute_every_mistake
from grader.cli.app import app
from grader.model.exercise import Exercise, load_exercise
from grader.grading import grade_submission
from grader.quiz import QUIZ_FILE, prepare_quiz
from grader.quiz.answers import key_as_answer
from grader.quiz.load import load_quiz
from grader.quiz.variants import Variant, build_variants
from grader.model.recorded import RecordingReference, released_copy_notes
from grader.authoring.release import RECORD_SEED, release_exercise
from grader.views.html import render_html
from grader.views.terminal import render_terminal
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parents[2]
WEEKS = ("week1", "week2", "week3", "week4", "week5", "week6", "week7")
LEARNERS = ("ada", "bob", "chen", "dana", "eve", "fatima")
SHORTEST = 5  # shorter strings turn up by chance (numbers in data, base64)
runner = CliRunner()


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    """Every week released once, without practice keys."""
    out = tmp_path_factory.mktemp("release")
    return {week: release_exercise(week, out).folder for week in WEEKS}


@pytest.fixture
def gradebook(tmp_path) -> str:
    return str(tmp_path / "gradebook.sqlite")


def invoke(*args: object, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


# -- what is secret -------------------------------------------------------------------------------

def key_texts(variant: Variant) -> set[str]:
    """How a key may be written down (a choice's text is not a secret: every learner sees it)."""
    kind, key = variant.question.kind, variant.key
    if kind == "numeric":
        texts = {repr(key), f"{key:.6g}", f"{key:.4f}", f"{key:.3f}"}
        return texts | ({str(int(key))} if float(key).is_integer() else set())
    if kind == "shape":
        return {str(tuple(key)), str(list(key))} if key != "error" else set()
    if kind == "text":
        return {key, *variant.accept}
    return set()


def quiz_secrets(week: str) -> dict[str, str]:
    """Secret text of the week's quiz -> what it is: keys, explanations and key code of several
    learners' variants (and of seeds 0-19), and the key lines of the quiz file."""
    path = ROOT / "exercises" / week / QUIZ_FILE
    quiz = load_quiz(path)
    secrets: dict[str, str] = {}
    runs = [prepare_quiz(week, learner).variants for learner in LEARNERS]
    for variants in runs + [build_variants(quiz, seed) for seed in range(20)]:
        for variant in variants:
            secrets.update({text: f"the key of {variant.id}" for text in key_texts(variant)})
            secrets.update({line.strip(): f"the explanation of {variant.id}"
                            for line in variant.explanation.splitlines()})
    for question in quiz.questions:
        lines = [line.strip() for line in question.code_source.splitlines()]
        secrets.update({line: f"the key code of {question.id}" for line in lines if line.startswith("answer")})
        if question.code_source.strip():
            secrets[question.code_source.strip()] = f"the code of {question.id}"
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(answer|accept|explanation)\s*=", line):
            secrets[line.strip()] = "a key line of quiz.toml"
    return secrets


def hidden_check_secrets(week: str) -> dict[str, str]:
    """The names and the source lines of the week's hidden checks."""
    secrets: dict[str, str] = {}
    for path in sorted((ROOT / "solutions" / week / "checks").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"^def (test_\w+)", text, flags=re.MULTILINE):
            secrets[name] = f"the name of the hidden check {name}"
            secrets[name.removeprefix("test_")] = f"the name of the hidden check {name}"
        secrets.update({line.strip(): f"a line of {path.name}" for line in text.splitlines()})
    return secrets


def public_text(week: str) -> bytes:
    """What learners see anyway: the exercise folder but its quiz (in every language), their own blank forms, and the values
    the questions' variables are drawn from (a copy draws each learner's variables to write their form;
    a key may be one of them, as the relative error of n = a (1 + d) is about d)."""
    folder = ROOT / "exercises" / week
    parts = [p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and p.name != QUIZ_FILE and not (p.name.startswith("quiz.") and p.suffix == ".toml")]
    parts += [prepare_quiz(week, learner, language=language).blank_form().encode()
              for learner in LEARNERS for language in ("en", "ko")]
    for question in load_quiz(folder / QUIZ_FILE).questions:
        parts += [repr(value).encode() for spec in question.params for value in (*spec.values, spec.low, spec.high)]
    return b"\n".join(parts)


def searchable(path: Path) -> bytes:
    """The file's bytes, and the strings of a JSON file or notebook unescaped (base64 decoded)."""
    data = path.read_bytes()
    if path.suffix not in (".json", ".ipynb"):
        return data
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(data))
    decoded = []
    for text in strings:
        try:
            decoded.append(base64.b64decode(text, validate=True))
        except ValueError:
            pass
    return b"\n".join([data, "\n".join(strings).encode(), *decoded])


def leaks(copy: Path, secrets: dict[str, str], public: bytes) -> list[str]:
    kept = {s: what for s, what in secrets.items() if len(s) >= SHORTEST and s.encode() not in public}
    found = []
    for path in sorted(p for p in copy.rglob("*") if p.is_file()):
        data = searchable(path)
        found += [f"{path.relative_to(copy)}: {what} ({secret[:60]!r})" for secret, what in kept.items()
                  if secret.encode() in data]
    return found


@pytest.mark.parametrize("week", WEEKS)
def test_no_file_of_the_copy_holds_a_quiz_key_key_code_or_hidden_check(copies, week):
    """Is every quiz key (several learners' variants), key line, explanation, key code and hidden
    check name or line absent from every file of the copy?"""
    secrets = quiz_secrets(week) | hidden_check_secrets(week)
    public = public_text(week)
    assert sum(len(s) >= SHORTEST and s.encode() not in public for s in secrets) > 20  # the search is not empty
    assert leaks(copies[week], secrets, public) == []


@dataclass
class _Recorded(Exercise):
    """The exercise with the reference behind a recorder, and only public or only hidden checks."""

    recorder: RecordingReference | None = None
    only: str = "public"

    def public_checks(self) -> list[Path]:
        return super().public_checks() if self.only == "public" else []

    def hidden_checks(self) -> list[Path]:
        return super().hidden_checks() if self.only == "hidden" else []

    def load_reference(self) -> RecordingReference:  # type: ignore[override]
        assert self.recorder is not None
        return self.recorder


def recorded_calls(week: str, only: str, monkeypatch) -> set[tuple[str, str]]:
    ex = load_exercise(week)
    monkeypatch.syspath_prepend(str(ex.root / "checks"))  # hidden checks import the problems module
    recorder = RecordingReference(ex.load_reference())
    run = _Recorded(**{f.name: getattr(ex, f.name) for f in fields(Exercise) if f.init}, recorder=recorder, only=only)
    every_mistake = compute_every_mistake.set(True)  # as a release records: every known mistake's value too
    try:
        grade_submission(run, [ex.solutions / name for name in ex.reference_files], seed=RECORD_SEED)
    finally:
        compute_every_mistake.reset(every_mistake)
    return {(function, digest) for function, calls in recorder.calls.items() for digest in calls}


@pytest.mark.parametrize("week", ["week2", "week4", "week7"])
def test_the_copy_records_the_public_checks_reference_calls_and_none_of_the_hidden_checks(copies, week,
                                                                                          monkeypatch):
    recorded = json.loads((copies[week] / "checks" / "expected.json").read_text())["calls"]
    in_copy = {(function, digest) for function, calls in recorded.items() for digest in calls}
    hidden_only = recorded_calls(week, "hidden", monkeypatch) - recorded_calls(week, "public", monkeypatch)
    assert hidden_only and not hidden_only & in_copy
    assert in_copy == recorded_calls(week, "public", monkeypatch)


def test_the_copys_quiz_holds_questions_only(copies):
    """Does the copy's quiz file parse to questions without any key, for every week?"""
    for week, copy in copies.items():
        quiz = load_quiz(copy / QUIZ_FILE)
        assert quiz.keys_withheld and all(q.answer is None and q.code is None and not q.explanation
                                          and not q.accept for q in quiz.questions), week
        assert {v.key for v in build_variants(quiz, 7)} == {None}


# -- the quiz in the copy, and where it is graded -----------------------------------------------

def filled(form: str, answers: dict[str, str]) -> str:
    return re.sub(r"^([\w.-]+) = $", lambda m: f"{m.group(1)} = {answers[m.group(1)]}", form, flags=re.MULTILINE)


def one_error_line(result) -> str:
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error: ") and "Traceback" not in result.output, lines
    return lines[0]


def test_the_copy_writes_the_learners_form_and_grades_nothing(copies, tmp_path, gradebook):
    copy = copies["week2"]
    form = invoke("quiz", copy, "--learner", "ada", "--blank")
    assert form.exit_code == 0
    mine = prepare_quiz("week2", "ada").blank_form()
    instructions = re.compile(r"^# (Write each answer|  grade quiz).*\n", re.MULTILINE)
    assert instructions.sub("", form.output) == instructions.sub("", mine)  # the same questions, choices and order
    assert "submit the file to your instructor" in form.output

    answers = tmp_path / "answers.txt"
    answers.write_text(filled(form.output, keys_of("week2", "ada")), encoding="utf-8")
    for args, given in [(("--answers", answers), None), (("--answers", tmp_path / "absent.txt"), None),
                        ((), "a\n" * 30)]:
        result = invoke("quiz", copy, "--learner", "ada", "--gradebook", gradebook, *args, input=given)
        line = one_error_line(result)
        assert "has no keys" in line and "submit that file to your instructor" in line, line
        assert "Results" not in result.output and not Path(gradebook).exists()


def keys_of(week: str, learner: str) -> dict[str, str]:
    return {v.id: key_as_answer(v) for v in prepare_quiz(week, learner).variants}


def test_a_form_written_in_the_copy_is_graded_on_the_instructors_exercise(copies, tmp_path, gradebook):
    """The form names its learner: the instructor grades it without --learner, against that learner's
    variant; a form made with another seed, or graded for another learner, is refused."""
    copy = copies["week2"]
    form = invoke("quiz", copy, "--learner", "ada", "--blank").output
    answers = tmp_path / "ada.txt"
    answers.write_text(filled(form, keys_of("week2", "ada")), encoding="utf-8")
    result = invoke("quiz", "week2", "--answers", answers, "--json", "-", "--gradebook", gradebook)
    report = GradeReport.from_dict(json.loads(result.output))
    assert report.learner == "ada" and report.points == report.max_points == 24

    other_seed = invoke("quiz", copy, "--learner", "ada", "--seed", "5", "--blank").output
    chosen = tmp_path / "seed5.txt"
    chosen.write_text(filled(other_seed, {qid: "?" for qid in keys_of("week2", "ada")}), encoding="utf-8")
    assert "another variant of the quiz (seed 5)" in one_error_line(invoke("quiz", "week2", "--answers", chosen,
                                                              "--gradebook", gradebook))
    assert "another variant of the quiz" in one_error_line(invoke("quiz", "week2", "--learner", "bob", "--answers",
                                                            answers, "--gradebook", gradebook))


def test_the_copy_says_where_to_submit(tmp_path):
    copy = release_exercise("week1", tmp_path, submit_to="https://course.example.org/quiz").folder
    line = one_error_line(invoke("quiz", copy, "--answers", tmp_path / "answers.txt"))
    assert "submit that file to https://course.example.org/quiz" in line
    assert "submit the file to https://course.example.org/quiz" in invoke("quiz", copy, "--blank").output


def test_practice_quizzes_grade_in_the_copy_and_say_practice(tmp_path, gradebook):
    copy = release_exercise("week2", tmp_path, practice_quizzes=True).folder
    assert load_quiz(copy / QUIZ_FILE).practice
    answers = tmp_path / "answers.txt"
    answers.write_text(filled(invoke("quiz", copy, "--learner", "ada", "--blank").output, keys_of("week2", "ada")),
                       encoding="utf-8")
    page = tmp_path / "quiz.html"
    result = invoke("quiz", copy, "--learner", "ada", "--answers", answers, "--html", page, "--gradebook", gradebook)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("A practice quiz:") and "Score: 24 / 24" in result.output
    assert 'id="notices"' in page.read_text() and "A practice quiz:" in page.read_text()
    as_json = invoke("quiz", copy, "--learner", "ada", "--answers", answers, "--json", "-", "--gradebook", gradebook)
    assert [n["kind"] for n in json.loads(as_json.output)["notes"]] == ["practice"]


# -- what a copy's reports say of the hidden checks -----------------------------------------------

def hidden_points(week: str) -> tuple[int, float]:
    ex = load_exercise(week)
    report = grade_submission(ex, [ex.solutions / name for name in ex.reference_files], seed=1)
    hidden = [c for c in report.checks if c.hidden and c.max_points > 0]
    return len(hidden), sum(c.max_points for c in hidden)


def test_a_copys_reports_say_what_the_hidden_checks_are_worth(copies, tmp_path):
    """The note of a copy's report states the hidden checks' count and points counted at release,
    and the terminal and HTML views show it under the total, not among what the grader skipped."""
    count, points = hidden_points("week2")
    notes = released_copy_notes(load_exercise(copies["week2"]))
    assert [n.kind for n in notes] == ["released-copy"] and not released_copy_notes(load_exercise("week2"))
    assert f"the hidden checks ({count} checks, {points:g} points) are not run here" in notes[0].message
    report = GradeReport("week2", "Week 2", 1, "0" * 64, notes=notes)
    from rich.console import Console

    console = Console(record=True, width=200)
    render_terminal(report, console)
    terminal = console.export_text()
    assert notes[0].message in terminal and "What the grader skipped" not in terminal
    page = render_html(report)
    assert 'id="notices"' in page and f"({count} checks, {points:g} points)" in page and 'id="notes"' not in page


def test_submit_on_the_copy_says_the_hidden_checks_are_not_run(copies, tmp_path, gradebook):
    count, points = hidden_points("week2")
    copy = copies["week2"]
    page = tmp_path / "report.html"
    result = invoke("submit", copy, "--html", page, "--gradebook", gradebook)
    worth = f"({count} checks, {points:g} points) are not run here"
    assert result.exit_code == 0 and worth in " ".join(result.output.split())
    assert worth in page.read_text()
