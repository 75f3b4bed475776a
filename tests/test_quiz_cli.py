"""`grade quiz`: the terminal session (CliRunner and a real pipe), --blank/--answers, outputs, errors."""

from __future__ import annotations

import json
import shlex
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from quiz_factory import IDS, SAMPLE_QUIZ, filled_form, keys_by_id, write_exercise
from typer.testing import CliRunner

from grader.cli.app import app
from grader.classroom.gradebook import Gradebook
from grader.quiz import prepare_quiz
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "grader" / "schema" / "grade-report.v2.json").read_text(encoding="utf-8"))
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_gradebook(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    return tmp_path / "gradebook.sqlite"


@pytest.fixture
def sample(tmp_path) -> Path:
    return write_exercise(tmp_path)


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def one_error_line(result) -> str:
    """The command failed with exit 2 and exactly one line, no traceback; returns that line."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error: ") and "Traceback" not in result.output, lines
    return lines[0].removeprefix("grade: error: ")


def test_interactive_session_through_stdin(sample):
    keys = keys_by_id(prepare_quiz(sample, "ada"))
    answers = ["z", keys["single-q"], "a c", "?", keys["text-q"], keys["shape-q"], keys["param-q"]]
    result = invoke("quiz", sample, "--learner", "ada", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Learner ada, seed" in out and "6 questions, 8 points" in out
    assert "Question 1 of 6 [single-q] (1 point)" in out and "  a) (5,)" in out
    assert "'z' is not a valid answer here: write one letter, a to c. Try again." in out
    assert "Question 2 of 6 [multi-q] (3 points)" in out
    assert "2. [multi-q] 0.0/3.0 wrong" in out and "3. [num-q] 0.0/1.0 skipped" in out
    assert "Why: math works on single numbers." in out
    assert "Score: 4 / 8 (50.0%)" in out


def test_interactive_session_with_a_real_pipe(sample, private_gradebook):
    keys = keys_by_id(prepare_quiz(sample, "ada"))
    command = [sys.executable, "-m", "grader.cli", "quiz", str(sample), "--learner", "ada"]
    full = subprocess.run(command, input="\n".join(keys[i] for i in IDS) + "\n", capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert full.returncode == 0, full.stderr
    assert "Score: 8 / 8 (100.0%)" in full.stdout and f"Your answer (one letter, a to c): {keys['single-q']}" in full.stdout
    ended = subprocess.run(command, input="a\na b d\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert ended.returncode == 2 and "Traceback" not in ended.stderr
    assert ended.stderr == "grade: error: <stdin>:3: input ended before question 'num-q' (3 of 6) was answered\n"


def test_blank_form_round_trips_through_answers(sample, tmp_path):
    blank = invoke("quiz", sample, "--learner", "ada", "--blank")
    assert blank.exit_code == 0 and blank.output == prepare_quiz(sample, "ada").blank_form()
    filled = tmp_path / "answers.txt"
    filled.write_text(filled_form(prepare_quiz(sample, "ada")), encoding="utf-8")
    result = invoke("quiz", sample, "--learner", "ada", "--answers", filled)
    assert result.exit_code == 0, result.output
    assert "Score: 8 / 8 (100.0%)" in result.output
    seeded = invoke("quiz", sample, "--learner", "ada", "--seed", "3", "--blank")
    assert "--seed 3 --answers FILE" in seeded.output and "seed 3" in seeded.output.splitlines()[0]


def test_json_html_and_gradebook(sample, tmp_path, private_gradebook):
    run = prepare_quiz(sample, "ada")
    filled = tmp_path / "answers.txt"
    filled.write_text(filled_form(run, {"text-q": "<b>sigmoid</b>", "multi-q": "a"}), encoding="utf-8")
    result = invoke("quiz", sample, "--learner", "ada", "--answers", filled, "--json", tmp_path / "r.json",
                    "--html", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert (data["kind"], data["exercise"], data["learner"], data["seed"]) == ("quiz", "sample/quiz", "ada", run.seed)
    assert [c["name"] for c in data["checks"]] == IDS
    assert data["total"] == {"points": 5.0, "max_points": 8.0, "percent": 62.5}  # multi-q: 1 of 3 points
    text_check = data["checks"][IDS.index("text-q")]
    assert (text_check["answer"], text_check["key"], text_check["status"]) == ("<b>sigmoid</b>", "ReLU", "failed")
    assert text_check["explanation"] == "The rectified linear unit." and text_check["function"] == "words"

    page = QuizPage((tmp_path / "r.html").read_text(encoding="utf-8"))
    shown = [c for topic in data["functions"] for c in data["checks"] if c["function"] == topic["name"]]
    assert page.texts("quiz-question") == [c["question"] for c in shown]   # grouped by topic
    assert page.texts("quiz-question")[0].startswith("Which is a rank-1 shape?\n  a) (5,)")
    assert page.texts("quiz-answer") == [c["answer"] for c in shown]
    assert page.texts("quiz-key") == [c["key"] for c in shown]
    assert page.texts("quiz-explanation") == [c["explanation"] for c in shown]
    assert "<b>sigmoid" not in page.html and "&lt;b&gt;sigmoid" in page.html and "Topics" in page.html

    rows = sqlite3.connect(private_gradebook).execute("SELECT exercise, learner, kind, points FROM submissions").fetchall()
    assert rows == [("sample/quiz", "ada", "quiz", 5.0)]
    with Gradebook(private_gradebook) as book:
        assert book.latest("sample/quiz", "ada") == GradeReport.from_dict(data)


class QuizPage(HTMLParser):
    """The text of the elements with a quiz-* class, in page order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.found: list[tuple[str, list[str]]] = []
        self._open: list[list[str] | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "br", "link"):
            return
        classes = dict(attrs).get("class") or ""
        quiz = next((c for c in classes.split() if c.startswith("quiz-")), None)
        parts: list[str] | None = [] if quiz else None
        if quiz:
            self.found.append((quiz, parts))
        self._open.append(parts)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for parts in self._open:
            if parts is not None:
                parts.append(data)

    def texts(self, name: str) -> list[str]:
        return ["".join(parts) for cls, parts in self.found if cls == name]


BAD_CODE = SAMPLE_QUIZ.replace("answer = np.dot(a.T, b).shape", "answer = np.dot(a.T, c).shape")
BAD_SYNTAX = SAMPLE_QUIZ.replace("answer = np.dot(a.T, b).shape", "answer = np.dot(a.T, b.shape")


def quiz_line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize("case", ["unknown-id", "missing-answer", "malformed-answers", "malformed-quiz",
                                  "bad-code", "bad-syntax", "no-quiz", "modes"])
def test_error_paths_are_one_line_naming_file_and_line(tmp_path, case):
    quiz = {"malformed-quiz": SAMPLE_QUIZ.replace('kind = "text"', 'kind = text'), "bad-code": BAD_CODE,
            "bad-syntax": BAD_SYNTAX}.get(case, SAMPLE_QUIZ)
    folder = write_exercise(tmp_path, quiz)
    answers = tmp_path / "answers.txt"
    if case in ("unknown-id", "missing-answer", "malformed-answers", "modes"):
        form = filled_form(prepare_quiz(folder, "ada"))
        form = {"unknown-id": form + "bogus = 1\n",
                "missing-answer": form.replace("text-q = ReLU\n", ""),
                "malformed-answers": form.replace("text-q = ReLU", "text-q ReLU")}.get(case, form)
        answers.write_text(form, encoding="utf-8")
    if case == "no-quiz":
        (folder / "quiz.toml").unlink()
    args = ["quiz", folder, "--learner", "ada", "--answers", answers] + (["--blank"] if case == "modes" else [])
    line = one_error_line(invoke(*args))
    form_text = answers.read_text(encoding="utf-8") if answers.exists() else ""
    form_lines = form_text.splitlines()
    quiz_file = folder / "quiz.toml"
    expected = {
        "unknown-id": lambda: f"{answers}:{len(form_lines)}: unknown question id 'bogus'",
        "missing-answer": lambda: f"{answers}:{len(form_lines)}: no answer for text-q",
        "malformed-answers": lambda: f"{answers}:{quiz_line(form_text, 'text-q ReLU')}: expected a line "
                                     f"`question-id = answer`, found 'text-q ReLU'",
        "malformed-quiz": lambda: f"{quiz_file}:{quiz_line(quiz, 'kind = text')}: not valid TOML",
        "bad-code": lambda: f"{quiz_file}:{quiz_line(quiz, 'answer = np.dot(a.T, c)')}: question 'shape-q': "
                            f"its code raised NameError: name 'c' is not defined",
        "bad-syntax": lambda: f"{quiz_file}:{quiz_line(quiz, 'answer = np.dot(a.T, b.shape')}: question "
                              f"'shape-q': code does not parse",
        "no-quiz": lambda: f"{folder}: this exercise has no quiz (no quiz.toml in its folder)",
        "modes": lambda: "--answers, --blank and --validate are different modes: use one at a time",
    }[case]()
    assert line.startswith(expected), line


def test_validate_command(tmp_path):
    good = invoke("quiz", write_exercise(tmp_path / "good"), "--validate")
    assert good.exit_code == 0, good.output
    assert "6 questions, 8 points (1 parameterized, 1 computed from fixed numpy code)" in good.output
    assert "well formed for 200 seeds" in good.output
    broken = SAMPLE_QUIZ.replace("answer = (W - F + 2 * P) // S + 1", "answer = (W - F + 2 * P) / (S - 1) + 1")
    bad = invoke("quiz", write_exercise(tmp_path / "bad", broken), "--validate")
    assert bad.exit_code == 1
    assert bad.output.count("\n") == 1 and "question 'param-q': its code raised ZeroDivisionError" in bad.output


def test_submit_on_a_quiz_only_exercise_says_there_is_nothing_to_submit():
    line = one_error_line(invoke("submit", ROOT / "exercises" / "week1"))
    assert line == ("week1 has no graded functions: there is nothing to submit there. It is a quiz: take it with "
                    "`grade quiz week1`.")


def test_help_examples_run(tmp_path, monkeypatch):
    """Does every example of `grade quiz --help` run as shown?"""
    (tmp_path / "exercises").symlink_to(ROOT / "exercises")
    monkeypatch.chdir(tmp_path)
    help_text = invoke("quiz", "--help").output
    examples = [line.strip() for line in help_text.splitlines() if line.strip().startswith("grade quiz ")]
    assert len(examples) == 4
    for example in examples:
        args = shlex.split(example)[1:]
        run = prepare_quiz(args[1], "tester")
        if "--answers" in args:
            Path(args[args.index("--answers") + 1]).write_text(filled_form(run), encoding="utf-8")
        keys = "\n".join(keys_by_id(run).values()) + "\n"
        result = invoke(*args, "--learner", "tester", input=keys)
        assert result.exit_code == 0, f"{example}\n{result.output}"
        if "--html" in args:
            assert Path(args[args.index("--html") + 1]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        if "--blank" not in args and "--validate" not in args:
            assert "(100.0%)" in result.output


def test_submit_path_does_not_import_quiz_code():
    code = "import sys, grader.cli.app, grader.grading, grader.model.exercise; assert 'grader.quiz' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def grade_in_columns(columns: int, *args: str, scratch: Path, input: str | None = None) -> str:
    """The standard output of ``grade ARGS`` in a terminal of ``columns`` columns (exit status 0)."""
    import os

    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb",
           "DL_GRADER_GRADEBOOK": str(scratch / f"{columns}.sqlite")}
    done = subprocess.run([sys.executable, "-m", "grader.cli", *args], input=input, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_quiz_in_the_terminal_and_its_form_wrap_to_the_width_between_words(tmp_path):
    """At COLUMNS=60, questions, choices, prompts, echoed answers and the --blank form fit in 60 columns,
    with the same words as in a wide terminal (none broken), and the wrapped form still grades."""
    variant = ["quiz", "week2", "--learner", "ada", "--seed", "7"]
    answers = "x\n" + "?\n" * 30  # an answer that does not fit (its retry message), then every question skipped
    for args, given in ((variant + ["--blank"], None), (variant, answers)):
        wide = grade_in_columns(1000, *args, scratch=tmp_path, input=given)
        narrow = grade_in_columns(60, *args, scratch=tmp_path, input=given)
        assert max(map(len, wide.splitlines())) > 60  # there are long lines to wrap
        assert all(len(line) <= 60 for line in narrow.splitlines()), narrow
        words = [[w for w in text.split() if w != "#"] for text in (wide, narrow)]  # a wrapped comment's own "#"
        assert words[0] == words[1]
    form = tmp_path / "form.txt"
    form.write_text(grade_in_columns(60, *variant, "--blank", scratch=tmp_path).replace(" = \n", " = ?\n"))
    graded = grade_in_columns(60, "quiz", "week2", "--seed", "7", "--answers", str(form), "-q", scratch=tmp_path)
    assert graded == "week2/quiz: 0 / 24\n"  # its learner was read from its first line, kept whole
