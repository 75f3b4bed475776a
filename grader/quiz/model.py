"""The quiz as authored: typed questions built by ``grader.quiz.load`` from a quiz file.

A question's *kind* says how a learner answers it and how the answer is compared
with the key; whether the key is typed in the file or computed by instructor code
(``code``, optionally drawing per-learner variables from ``params``) is independent
of the kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Literal, Union

from grader.errors import UsageError, usage_error
from grader.messages import say

Kind = Literal["single", "multiple", "numeric", "text", "shape"]
KINDS: tuple[str, ...] = ("single", "multiple", "numeric", "text", "shape")
CHOICE_KINDS: tuple[str, ...] = ("single", "multiple")

# The key of a question once computed, per kind: single -> the right choice's text,
# multiple -> the right choices' texts, numeric -> float, text -> str,
# shape -> a tuple of ints, or SHAPE_ERROR when the operation raises.
Key = Union[str, tuple[str, ...], float, tuple[int, ...]]
SHAPE_ERROR = "error"
Released = Literal["", "form", "practice"]
RELEASED: tuple[str, ...] = ("form", "practice")
DEFAULT_SUBMIT_TO = say("copy.submit_to")  # where learners submit a quiz whose copy has no keys (English)
SOURCE_LANGUAGE = "en"  # the language of quiz.toml; translations are quiz.<language>.toml beside it
# A placeholder of a quiz text: ``{name}``, ``{name:.4f}``, ``{name!r}``; ``{{`` and ``}}`` are literal braces.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)(![rs])?(?::([^{}]*))?\}")


def placeholders(template: str) -> set[str]:
    """The placeholders of a quiz text as written (``{answer:.4f}``), braces included."""
    return {m.group(0) for m in PLACEHOLDER.finditer(template) if m.group(1)}


class QuizInputError(UsageError):
    """A quiz file or answers file that cannot be used: ``path:line: problem`` on one line."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{path}:{line}: {problem}")


def read_text(path: Path, what: str, limit: int | None = None) -> str:
    """The UTF-8 text of ``path`` (a byte-order mark is dropped); raises UsageError when it cannot
    be read or holds more than ``limit`` bytes (only ``limit`` + 1 of them are read), and
    QuizInputError naming the line of the first byte that is not UTF-8."""
    try:
        with path.open("rb") as file:
            raw = file.read() if limit is None else file.read(limit + 1)
    except OSError as exc:
        raise usage_error("usage.cannot_read", path=path, what=what, reason=exc.strerror) from None
    if limit is not None and len(raw) > limit:
        raise usage_error("usage.too_large", path=path, what=what, kb=limit // 1024)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuizInputError(path, raw[: exc.start].count(b"\n") + 1, say("quiz.file.not_utf8")) from None


@dataclass(frozen=True)
class ParamSpec:
    """How one variable of a parameterized question is drawn for a learner.

    Either one of ``values``, or a number in ``[low, high]``: an integer when
    ``digits`` is None, else a float rounded to ``digits`` decimals. ``size`` > 0
    draws a list of that many numbers instead of one.
    """

    name: str
    line: int
    values: tuple[object, ...] = ()
    low: float = 0
    high: float = 0
    digits: int | None = None
    size: int = 0


@dataclass(frozen=True)
class Question:
    """One question of a quiz file, as written (texts may hold ``{variable}`` placeholders)."""

    id: str
    kind: Kind
    text: str
    explanation: str
    topic: str
    points: float
    line: int
    choices: tuple[str, ...] = ()
    shuffle: bool = True
    answer: Key | None = None
    accept: tuple[str, ...] = ()
    tolerance: float = 0.0
    rel_tolerance: float = 0.0
    params: tuple[ParamSpec, ...] = ()
    where: CodeType | None = field(default=None, compare=False, repr=False)
    where_line: int = 0
    code: CodeType | None = field(default=None, compare=False, repr=False)
    code_line: int = 0
    # The sources of ``code`` and ``where`` as written (a release reads them to write a learners' copy).
    code_source: str = field(default="", compare=False, repr=False)
    where_source: str = field(default="", compare=False, repr=False)
    # A learners' copy only (keys withheld): code computing the variables the text shows, never the key.
    show: CodeType | None = field(default=None, compare=False, repr=False)
    show_line: int = 0

    @property
    def parameterized(self) -> bool:
        """Variables are drawn per learner."""
        return bool(self.params)

    @property
    def computed(self) -> bool:
        """The key comes from instructor code, never typed."""
        return self.code is not None


@dataclass(frozen=True)
class QuestionTexts:
    """What learners read of one question in another language than quiz.toml's (a translation file).

    An empty ``text``, ``explanation`` or ``choices`` is the English one (``choices`` is always empty
    for choices the question's code computes: they are shown as computed). ``accept`` adds answers a
    text question accepts, in every language. ``translate`` gives, per variable, the translation of
    each text value the code computes or the params draw (``{formula}`` -> ``"|y - yhat|의 합"``)."""

    id: str
    line: int
    text: str = ""
    explanation: str = ""
    choices: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    translate: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Translation:
    """A quiz's texts in one more language, from ``quiz.<language>.toml``: the title and, by question
    id, the texts learners read. Ids, kinds, keys and parameters are quiz.toml's."""

    language: str
    path: Path
    title: str = ""
    questions: dict[str, QuestionTexts] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Quiz:
    """A quiz file: its title and questions, in file order.

    ``released`` is empty for the instructor's quiz; in a learners' copy (grade release)
    it is ``"form"`` (the questions without keys: answers are graded where the keys are,
    at ``submit_to``) or ``"practice"`` (the whole quiz, released for practice)."""

    path: Path
    title: str
    questions: tuple[Question, ...]
    released: Released = ""
    submit_to: str = ""
    # Texts in more languages (quiz.<language>.toml), and the language the quiz is shown in: one of
    # theirs, else "en". ``title`` is the title in that language, ``source_title`` quiz.toml's.
    translations: tuple[Translation, ...] = ()
    language: str = SOURCE_LANGUAGE
    source_title: str = ""

    def translation(self, language: str) -> Translation | None:
        """The quiz's texts in ``language`` (None for English, or a language it has no file for)."""
        return next((t for t in self.translations if t.language == language), None)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the quiz can be shown in: English first."""
        return (SOURCE_LANGUAGE, *(t.language for t in self.translations))

    @property
    def keys_withheld(self) -> bool:
        """A learners' copy without keys: it shows questions and writes forms, it grades nothing."""
        return self.released == "form"

    @property
    def practice(self) -> bool:
        """A learners' copy with keys, released for practice."""
        return self.released == "practice"

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)
