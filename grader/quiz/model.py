"""The quiz as authored: typed questions built by ``grader.quiz.load`` from a quiz file.

A question's *kind* says how a learner answers it and how the answer is compared
with the key; whether the key is typed in the file or computed by instructor code
(``code``, optionally drawing per-learner variables from ``params``) is independent
of the kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Literal, Union

from grader.errors import UsageError

Kind = Literal["single", "multiple", "numeric", "text", "shape"]
KINDS: tuple[str, ...] = ("single", "multiple", "numeric", "text", "shape")
CHOICE_KINDS: tuple[str, ...] = ("single", "multiple")

# The key of a question once computed, per kind: single -> the right choice's text,
# multiple -> the right choices' texts, numeric -> float, text -> str,
# shape -> a tuple of ints, or SHAPE_ERROR when the operation raises.
Key = Union[str, tuple[str, ...], float, tuple[int, ...]]
SHAPE_ERROR = "error"


class QuizInputError(UsageError):
    """A quiz file or answers file that cannot be used: ``path:line: problem`` on one line."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{path}:{line}: {problem}")


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of ``path`` (a byte-order mark is dropped); raises UsageError when it cannot
    be read and QuizInputError naming the line of the first byte that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuizInputError(path, raw[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None


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

    @property
    def parameterized(self) -> bool:
        """Variables are drawn per learner."""
        return bool(self.params)

    @property
    def computed(self) -> bool:
        """The key comes from instructor code, never typed."""
        return self.code is not None


@dataclass(frozen=True)
class Quiz:
    """A quiz file: its title and questions, in file order."""

    path: Path
    title: str
    questions: tuple[Question, ...]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)
