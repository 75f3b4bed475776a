"""Hostile quiz answers: every answer is graded or refused with a one-line message, never a traceback,
and answers are read with a size cap, in time that grows linearly with their size.

Each case goes through the command line (``grade quiz week2 --answers FILE``, in-process with
typer's CliRunner) as an instructor grading a learner's form would run it. Time is never
compared with a fixed number of seconds: a case is timed at two sizes, and the larger must not
cost much more than its share (quadratic work shows as a ratio near the square of the sizes').
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli.app import app
from grader.errors import UsageError
from grader.quiz import prepare_quiz
from grader.quiz.answers import MAX_ANSWER_CHARS
from grader.quiz.session import line_reader

runner = CliRunner()
LEARNER = "ada"
NUMERIC, SINGLE, SHAPE = "image-features", "convex-cost", "X-shape"  # questions of week 2's quiz
LINE_CHARS = MAX_ANSWER_CHARS + 200  # a refusal quotes a short piece of what it refuses; feedback a whole answer


@pytest.fixture(autouse=True)
def private_gradebook(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))


@pytest.fixture(scope="module")
def form() -> str:
    """Ada's blank form of week 2's quiz."""
    return prepare_quiz("week2", LEARNER).blank_form()


def answered(form: str, answers: dict[str, str]) -> str:
    """The form with ``answers`` filled in and every other question skipped."""
    return re.sub(r"^([\w.-]+) = $", lambda m: f"{m.group(1)} = {answers.get(m.group(1), '?')}", form,
                  flags=re.MULTILINE)


def grade(path: Path):
    return runner.invoke(app, ["quiz", "week2", "--learner", LEARNER, "--answers", str(path)])


def refused(result) -> str:
    """The command refused its input: exit 2, one short line on the error stream, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output[:2000]
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error: "), result.output[:2000]
    assert len(lines[0]) < LINE_CHARS and "Traceback" not in result.output, lines[0][:2000]
    return lines[0]


def graded(result) -> str:
    assert result.exit_code == 0 and result.exception is None, (result.exception, result.output[:2000])
    assert all(len(line) < LINE_CHARS for line in result.output.splitlines())
    return result.output


@pytest.mark.parametrize("answer, expected", [
    ("1/3", "graded"),
    ("1_000", "graded"),
    ("１２", "graded"),                       # full-width digits are digits
    ("9" * 300 + "/" + "9" * 300, "graded"),   # a fraction of two huge integers: 1
    ("-0.0", "graded"),
    ("9" * 100_000, "too long"),
    ("9" * 400, "not a valid answer"),         # a finite number no float can hold
    ("9" * 400 + "/1", "not a valid answer"),
    ("1/" + "0." + "0" * 400 + "1", "not a valid answer"),
    ("3/0", "not a valid answer"),
    ("nan", "not a valid answer"),
    ("-inf", "not a valid answer"),
    ("1e309", "not a valid answer"),
    ("0x10", "not a valid answer"),
    ("1\x1b[2J", "control character"),
    ("  ", "no answer for"),
], ids=["third", "underscores", "full-width", "huge-fraction", "minus-zero", "100k-digits", "400-digits",
        "400-digits-fraction", "tiny-divisor", "by-zero", "nan", "minus-inf", "1e309", "hex", "escape", "blank"])
def test_numeric_answers_of_any_form_are_graded_or_refused(tmp_path, form, answer, expected):
    """Is every numeric answer either graded or refused in one short line?"""
    path = tmp_path / "answers.txt"
    path.write_text(answered(form, {NUMERIC: answer}), encoding="utf-8")
    result = grade(path)
    if expected == "graded":
        assert "Score: " in graded(result)
    else:
        line = refused(result)
        assert f"answers.txt:" in line and expected in line, line


def test_full_width_digits_are_the_number(tmp_path, form):
    """Do full-width digits count as the number they show?"""
    run = prepare_quiz("week2", LEARNER)
    key = next(v.key for v in run.variants if v.id == NUMERIC)
    path = tmp_path / "answers.txt"
    path.write_text(answered(form, {NUMERIC: str(int(key)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))}),
                    encoding="utf-8")
    assert f"1. [{NUMERIC}] 1.0/1.0 right" in graded(grade(path))


def test_a_50_mb_answers_file_is_refused_from_its_size(tmp_path, form):
    path = tmp_path / "answers.txt"
    with path.open("w", encoding="utf-8") as file:
        file.write(answered(form, {}))
        file.write(("# " + "x" * 1021 + "\n") * (50 * 1024))
    assert "larger than" in refused(grade(path))


@pytest.mark.parametrize("line", [
    f"{NUMERIC} = " + "1" * 1_000_000,
    "x" * 1_000_000,
    "x" * 1_000_000 + " = 1",
], ids=["answer", "no-equals", "id"])
def test_a_line_of_a_million_characters_is_refused_in_one_short_line(tmp_path, form, line):
    path = tmp_path / "answers.txt"
    path.write_text(answered(form, {}).replace(f"{NUMERIC} = ?\n", line + "\n"), encoding="utf-8")
    refused(grade(path))


@pytest.mark.parametrize("content", [
    lambda form: answered(form, {NUMERIC: "12\x00"}).encode(),
    lambda form: answered(form, {}).encode().replace(b"# ", b"# \x00\x00", 3),
    lambda form: b"\x00" * 1000,
    lambda form: answered(form, {NUMERIC: "12"}).encode().replace(b"12", b"\xff\xfe12"),
    lambda form: b"\xc3\x28" + answered(form, {}).encode(),
], ids=["nul-in-answer", "nul-in-comments", "only-nul", "invalid-utf8-in-answer", "invalid-utf8-first-line"])
def test_nul_bytes_and_invalid_utf8(tmp_path, form, content):
    """A file with NUL bytes or bytes that are not UTF-8 is graded (comments) or refused, in one line."""
    path = tmp_path / "answers.txt"
    path.write_bytes(content(form))
    result = grade(path)
    if result.exit_code == 0:
        graded(result)
    else:
        refused(result)


def seconds(action, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("question", [SINGLE, SHAPE])
def test_reading_answers_takes_time_linear_in_their_size(tmp_path, question):
    """Eight times the answer costs about eight times the time (at most 3 x that, plus 20 ms of noise),
    not the square. The answer: combining marks out of their canonical order, which Unicode
    normalization (how single-choice and shape answers are compared) sorts by insertion."""
    run = prepare_quiz("week2", LEARNER)

    def cost(size: int) -> float:  # the best of three different answers (comparisons cache their texts)
        paths = [tmp_path / f"answers-{size}-{i}.txt" for i in range(3)]
        for i, path in enumerate(paths):
            path.write_text(answered(run.blank_form(), {question: f"{question}{i}" + "\u0301\u0316" * size}), encoding="utf-8")
        return min(seconds(lambda: refusal(run.grade_file, path), repeat=1) for path in paths)

    small, large = cost(4000), cost(32_000)
    assert large < 3 * 8 * small + 0.02, (small, large)


def refusal(grade_file, path: Path) -> None:
    with pytest.raises(UsageError):
        grade_file(path)


def test_the_interactive_prompt_reads_a_capped_line():
    """A line of a million characters is read in pieces of at most the cap, and refused."""
    class CountingStream(io.StringIO):
        largest = 0

        def readline(self, size=-1):  # type: ignore[override]
            CountingStream.largest = max(CountingStream.largest, size if size >= 0 else 10**9)
            return super().readline(size)

    stream = CountingStream("9" * 1_000_000 + "\n12\n")
    read = line_reader(stream)
    first, second, third = read(), read(), read()
    assert len(first) == MAX_ANSWER_CHARS + 1 and second == "12\n" and third is None
    assert CountingStream.largest <= MAX_ANSWER_CHARS + 1


def test_the_interactive_prompt_refuses_a_huge_answer_and_asks_again():
    run = prepare_quiz("week2", LEARNER)
    answers = ["9" * 1_000_000] + ["?"] * len(run.variants)
    result = runner.invoke(app, ["quiz", "week2", "--learner", LEARNER], input="\n".join(answers) + "\n")
    out = graded(result)
    assert "too long" in out and "Try again." in out
