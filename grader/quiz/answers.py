"""Learners' answers: parsing one answer, reading an answers file, writing a blank form.

An answers file is plain text, one ``question-id = answer`` per line; lines that
start with ``#`` are comments. ``?`` as an answer skips a question (no points). The
blank form (``grade quiz EXERCISE --blank``) is such a file with every question in
comments and the answers left empty; its first line records the seed it was made
for, so a form graded with another seed is refused instead of being graded
against other numbers.

Answers are learner input: a file is read up to ``MAX_ANSWERS_BYTES``, an answer is at
most ``MAX_ANSWER_CHARS`` long and holds no control character, and every refusal quotes
at most a short piece of what it refuses. So reading takes time linear in the file's
size whatever it holds (comparing texts normalizes Unicode, whose reordering of
combining marks is quadratic in their number), and a refusal is one short line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from grader.errors import UsageError
from grader.messages import say
from grader.quiz.model import SHAPE_ERROR, QuizInputError, read_text
from grader.quiz.variants import Variant, same_text

SKIP = "?"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_ANSWERS_BYTES = 1024 * 1024  # a filled form of the longest quiz is a few kB
MAX_ANSWER_CHARS = 1000
QUOTED_CHARS = 40  # of a refused answer or line, in its message
FORM_HEADER = "# dl-grader quiz answers: {exercise}, learner {learner}, seed {seed}"
_FORM_PREFIX, _FORM_LEARNER, _FORM_SEED = "# dl-grader quiz answers: ", ", learner ", ", seed "
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_FRACTION = re.compile(r"([+-]?\d+(?:\.\d*)?)\s*/\s*([+-]?\d+(?:\.\d*)?)")
_SHAPE = re.compile(r"[(\[]?\d+(?:(?:\s*[,x*×]\s*|\s+)\d+)*,?[)\]]?")
_SHAPE_ERROR_WORDS = ("error", "an error", "valueerror", "exception", "raises")
_SCALAR_WORDS = ("()", "scalar", "a scalar")


class AnswerFormatError(ValueError):
    """An answer that does not fit its question's kind; the message says what to write."""


@dataclass(frozen=True)
class FormHeader:
    """What the first line of a blank form says it was made for."""

    exercise: str
    learner: str
    seed: int


def form_header(line: str) -> FormHeader | None:
    """The header of a form (``FORM_HEADER``), or None when ``line`` is not one."""
    line = line.strip()
    if not line.startswith(_FORM_PREFIX):
        return None
    rest, _, seed = line.removeprefix(_FORM_PREFIX).rpartition(_FORM_SEED)
    exercise, _, learner = rest.rpartition(_FORM_LEARNER)
    if not (exercise and learner and seed.isascii() and seed.isdigit()):
        return None
    return FormHeader(exercise, learner, int(seed))


def shortened(text: str) -> str:
    """``text`` as a refusal quotes it (with ``!r``, which escapes control characters): its start."""
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "..."


@dataclass(frozen=True)
class Answer:
    """One answer: as the learner wrote it, and parsed for grading.

    ``value`` per kind: single -> choice index, multiple -> sorted choice indices,
    numeric -> float, text -> normalized text, shape -> tuple of ints or ``"error"``;
    None when the learner skipped the question."""

    text: str
    value: object

    @property
    def skipped(self) -> bool:
        return self.value is None


def points_text(points: float) -> str:
    """``1 point``, ``2 points``, ``0.5 points``."""
    return say("quiz.points.one") if points == 1 else say("quiz.points.many", points=f"{points:g}")


def hint(variant: Variant) -> str:
    """How to answer this question, e.g. ``one letter, a to d``."""
    kind = variant.question.kind
    return say(f"quiz.hint.{kind}", last=LETTERS[len(variant.choices) - 1] if variant.choices else "")


def parse_answer(variant: Variant, text: str) -> Answer:
    """The learner's ``text`` parsed for ``variant``; raises AnswerFormatError saying what to write."""
    text = text.strip()
    if text == SKIP:
        return Answer(SKIP, None)
    if not text:
        raise AnswerFormatError(say("quiz.answer.empty", hint=hint(variant), skip=say("quiz.hint.skip")))
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError(say("quiz.answer.too_long", length=len(text), limit=MAX_ANSWER_CHARS, hint=hint(variant)))
    control = _CONTROL.search(text)
    if control:
        raise AnswerFormatError(say("quiz.answer.control", got=shortened(text), control=control.group(),
                                    hint=hint(variant)))
    value = _PARSERS[variant.question.kind](variant, text)
    if value is None:
        raise AnswerFormatError(say("quiz.answer.invalid", got=shortened(text), hint=hint(variant)))
    return Answer(text, value)


def _single(variant: Variant, text: str) -> int | None:
    letter = text.lower().strip("().")
    if len(letter) == 1 and letter in LETTERS[: len(variant.choices)]:
        return LETTERS.index(letter)
    typed = same_text(text)
    names = zip(variant.choices, variant.aliases or ((),) * len(variant.choices))
    same = [i for i, (choice, aliases) in enumerate(names) if typed in {same_text(c) for c in (choice, *aliases)}]
    return same[0] if same else None


def _multiple(variant: Variant, text: str) -> tuple[int, ...] | None:
    letters = re.sub(r"[\s,;()]+", "", text.lower())
    valid = LETTERS[: len(variant.choices)]
    if not letters or any(ch not in valid for ch in letters):
        return None
    return tuple(sorted({LETTERS.index(ch) for ch in letters}))


def _numeric(variant: Variant, text: str) -> float | None:
    """A finite float, from a number or an exact fraction; None for anything else (nan, inf, a number
    no float holds, a division by zero, digits of another base)."""
    fraction = _FRACTION.fullmatch(text)
    try:
        number = float(Fraction(fraction.group(1)) / Fraction(fraction.group(2))) if fraction else float(text)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _text(variant: Variant, text: str) -> str | None:
    return same_text(text) or None


def _shape(variant: Variant, text: str) -> tuple[int, ...] | str | None:
    same = same_text(text)
    if same in _SHAPE_ERROR_WORDS:
        return SHAPE_ERROR
    if same in _SCALAR_WORDS:
        return ()
    if _SHAPE.fullmatch(same):
        return tuple(int(d) for d in re.findall(r"\d+", same))
    return None


_PARSERS = {"single": _single, "multiple": _multiple, "numeric": _numeric, "text": _text, "shape": _shape}


def key_as_answer(variant: Variant) -> str:
    """What a learner types to give exactly the key (validation and tests answer with it)."""
    kind, key = variant.question.kind, variant.key
    if kind == "single":
        return LETTERS[variant.choices.index(key)]  # type: ignore[arg-type]
    if kind == "multiple":
        return " ".join(LETTERS[variant.choices.index(k)] for k in key)  # type: ignore[union-attr]
    if kind == "numeric":
        return repr(key)
    if kind == "shape" and key != SHAPE_ERROR:
        return str(tuple(key))  # type: ignore[arg-type]
    return str(key)


def read_answers_text(path: Path) -> str:
    """The text of an answers file; raises UsageError when it cannot be read or is larger than
    ``MAX_ANSWERS_BYTES`` (then only that much of it is read), QuizInputError when it is not UTF-8."""
    return read_text(path, say("quiz.file.answers_file"), limit=MAX_ANSWERS_BYTES)


def form_learner(path: str | Path) -> str | None:
    """The learner a form was made for (its first line), or None for a file without a form's header
    or that cannot be read (reading it for grading says why). Raises QuizInputError when that learner
    id could not be shown safely (control characters, or longer than ``QUOTED_CHARS``)."""
    path = Path(path)
    try:
        first = read_answers_text(path).lstrip().partition("\n")[0]
    except UsageError:
        return None
    form = form_header(first)
    if form is None:
        return None
    if len(form.learner) > QUOTED_CHARS or _CONTROL.search(form.learner):
        raise QuizInputError(path, 1, say("quiz.file.other_learner", learner=shortened(form.learner)))
    return form.learner


def read_answers(path: str | Path, variants: tuple[Variant, ...], *, seed: int, learner: str) -> dict[str, Answer]:
    """The answers in the file ``path``, by question id; every question must be answered.

    Raises QuizInputError (``path:line: problem``) for a malformed line, an unknown or
    repeated id, an empty or ill-formed answer, a missing question, or a form made for
    another seed; UsageError when the file cannot be read."""
    path = Path(path)
    text = read_answers_text(path)
    by_id = {v.id: v for v in variants}
    answers: dict[str, Answer] = {}
    first: dict[str, int] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            form = form_header(stripped)
            if form and form.seed != seed:
                raise QuizInputError(path, number, say("quiz.file.seed", form_seed=form.seed, seed=seed, learner=learner))
            continue
        qid, equals, rest = stripped.partition("=")
        qid = qid.strip()
        if not equals:
            raise QuizInputError(path, number, say("quiz.file.no_equals", got=shortened(stripped)))
        if qid not in by_id:
            raise QuizInputError(path, number, say("quiz.file.unknown_id", id=shortened(qid), ids=", ".join(by_id)))
        if qid in first:
            raise QuizInputError(path, number, say("quiz.file.twice", id=qid, first=first[qid]))
        if not rest.strip():
            raise QuizInputError(path, number, say("quiz.file.empty", id=qid, skip=say("quiz.hint.skip")))
        try:
            answers[qid] = parse_answer(by_id[qid], rest)
        except AnswerFormatError as exc:
            raise QuizInputError(path, number, say("quiz.file.bad_answer", id=qid, problem=exc)) from None
        first[qid] = number
    missing = [v.id for v in variants if v.id not in answers]
    if missing:
        raise QuizInputError(path, max(len(lines), 1),
                             say("quiz.file.missing", ids=", ".join(missing), skip=say("quiz.hint.skip")))
    return answers


def question_lines(variant: Variant) -> list[str]:
    """The question's text and its lettered choices (continuation lines indented)."""
    lines = variant.text.splitlines()
    for letter, choice in zip(LETTERS, variant.choices):
        first, *rest = choice.splitlines() or [""]
        lines.append(f"  {letter}) {first}")
        lines += [f"     {more}" for more in rest]
    return lines


def blank_form(variants: tuple[Variant, ...], *, title: str, exercise: str, learner: str, seed: int,
               command: str = "", submit_to: str = "") -> str:
    """A fillable answers file for these variants; ``--answers`` reads it back once filled. Its
    instructions say to grade it with ``command``, or (a learners' copy without keys) to submit it
    to ``submit_to``."""
    skip = say("quiz.hint.skip")
    if submit_to:
        instructions = say("quiz.form.instructions_submit", skip=skip, submit_to=submit_to)
    else:
        instructions = say("quiz.form.instructions", skip=skip, command=command)
    out = [
        FORM_HEADER.format(exercise=exercise, learner=learner, seed=seed),
        f"# {title}",
        *("# " + line for line in instructions.splitlines()),
    ]
    for number, variant in enumerate(variants, 1):
        head = say("quiz.form.question", number=number, id=variant.id,
                   points=points_text(variant.question.points), hint=hint(variant))
        out += ["", f"# {head}"]
        out += [f"#    {line}".rstrip() for line in question_lines(variant)]
        out.append(f"{variant.id} = ")
    return "\n".join(out) + "\n"
