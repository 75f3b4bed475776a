"""One learner's variant of each question: variables drawn from the seed, keys computed.

The seed is a stable hash of (exercise, learner), so a learner always gets the same
variant; each question draws from its own stream (seed and question id), so adding
or reordering questions leaves the other variants unchanged. Choices are shuffled
per learner unless the question says ``shuffle = false``, starting from their sorted
order, so that the order written in the quiz file (often the key first) shows in no
learner's variant and a learners' copy can list them sorted. Instructor code runs
here, in the trusted process, with ``np``, ``math``, ``rng`` (a numpy Generator on
the question's stream) and the drawn variables; it must set ``answer`` and may set
``choices``. Texts are then filled with every variable it left behind.

A learners' copy without keys (``quiz.keys_withheld``) builds the same texts and
choices from the variables alone, running only its ``show`` code: its variants
have no key and no explanation.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import re
import traceback
import unicodedata
from dataclasses import dataclass
from types import CodeType, ModuleType
from typing import Any

import numpy as np

from grader.quiz.load import typed_key
from grader.quiz.model import CHOICE_KINDS, Key, ParamSpec, Question, Quiz, QuizInputError

MAX_DRAWS = 1000  # attempts to satisfy a question's `where` before giving up
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)(![rs])?(?::([^{}]*))?\}")


@dataclass(frozen=True)
class Variant:
    """A question as one learner sees it: filled texts, final choices and the key."""

    question: Question
    text: str
    choices: tuple[str, ...]
    key: Key | None  # None in a learners' copy without keys
    explanation: str
    accept: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.question.id


def quiz_seed(exercise: str, learner: str) -> int:
    """The learner's default seed: fixed for (exercise, learner), different for every other pair."""
    return int(hashlib.sha256(f"quiz:{exercise}:{learner}".encode()).hexdigest()[:8], 16)


def question_seed(seed: int, question_id: str) -> int:
    """The seed of one question's random stream."""
    return int(hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()[:16], 16)


def build_variants(quiz: Quiz, seed: int) -> tuple[Variant, ...]:
    """Every question of ``quiz`` for ``seed``; raises QuizInputError naming the quiz line at fault."""
    return tuple(build_variant(quiz, question, seed) for question in quiz.questions)


def build_variant(quiz: Quiz, question: Question, seed: int) -> Variant:
    """``question`` for ``seed``: variables drawn, code run, texts filled, key checked against choices."""
    stream = question_seed(seed, question.id)
    values = draw_params(quiz, question, random.Random(stream))
    if quiz.keys_withheld:
        if question.show is not None:
            namespace = _run_code(quiz, question, values, stream, "show")
            values = {k: v for k, v in namespace.items() if _shown(k, v)}
        return _keyless_variant(quiz, question, values, stream)
    key: Any = question.answer
    computed_choices: Any = None
    if question.code is not None:
        namespace = _run_code(quiz, question, values, stream, "code")
        if "answer" not in namespace:
            raise _fail(quiz, question, question.code_line, "its code must set `answer` (the key)")
        key, computed_choices = namespace["answer"], namespace.get("choices")
        values = {k: v for k, v in namespace.items() if _shown(k, v)}
    try:
        key = typed_key(question.kind, key)
    except ValueError as exc:
        raise _fail(quiz, question, question.code_line or question.line, str(exc)) from None
    fill = _Filler(quiz, question, values)
    if computed_choices is None:
        choices = tuple(fill(c) for c in question.choices)
    elif question.kind in CHOICE_KINDS:
        choices = _check_choices(quiz, question, computed_choices)
    else:
        raise _fail(quiz, question, question.code_line, f"a {question.kind} question has no choices")
    variant = Variant(
        question=question,
        text=fill(question.text),
        choices=_shuffled(question, choices, stream),
        key=key,
        explanation=fill(question.explanation),
        accept=tuple(fill(a) for a in question.accept),
    )
    return _keyed_choices(quiz, variant)


def _keyless_variant(quiz: Quiz, question: Question, values: dict[str, Any], stream: int) -> Variant:
    fill = _Filler(quiz, question, values)
    choices = _shuffled(question, tuple(fill(c) for c in question.choices), stream)
    _distinct_choices(quiz, question, choices)
    return Variant(question=question, text=fill(question.text), choices=choices, key=None, explanation="")


def _shuffled(question: Question, choices: tuple[str, ...], stream: int) -> tuple[str, ...]:
    """The learner's order of the choices: drawn from their sorted order (see the module's docstring)."""
    if not (question.shuffle and choices):
        return choices
    return tuple(random.Random(f"{stream}:choices").sample(sorted(choices), len(choices)))


def draw_params(quiz: Quiz, question: Question, rng: random.Random) -> dict[str, Any]:
    """One draw of the question's variables that satisfies its ``where``."""
    if not question.params:
        return {}
    for _ in range(MAX_DRAWS):
        values = {spec.name: _draw(spec, rng) for spec in question.params}
        if question.where is None or _satisfied(quiz, question, values):
            return values
    raise _fail(quiz, question, question.where_line, f"where is not satisfied by any of {MAX_DRAWS} draws")


def _draw(spec: ParamSpec, rng: random.Random) -> Any:
    def one() -> Any:
        if spec.values:
            return rng.choice(spec.values)
        if spec.digits is None:
            return rng.randint(int(spec.low), int(spec.high))
        return round(rng.uniform(spec.low, spec.high), spec.digits)

    return [one() for _ in range(spec.size)] if spec.size else one()


def _satisfied(quiz: Quiz, question: Question, values: dict[str, Any]) -> bool:
    assert question.where is not None
    try:
        return bool(eval(question.where, {"np": np, "math": math, **values}))  # noqa: S307 - instructor code
    except Exception as exc:  # instructor code may raise anything: report where
        raise _code_error(quiz, question, exc, "where", question.where_line) from None


def _run_code(quiz: Quiz, question: Question, values: dict[str, Any], stream: int, what: str) -> dict[str, Any]:
    """The namespace the question's ``code`` (or ``show``) leaves behind."""
    namespace: dict[str, Any] = {"np": np, "math": math, "rng": np.random.default_rng(stream), **values}
    code: CodeType = getattr(question, what)
    try:
        exec(code, namespace)  # noqa: S102 - instructor code, trusted (never learner code)
    except Exception as exc:  # instructor code may raise anything: report where
        raise _code_error(quiz, question, exc, what, getattr(question, f"{what}_line")) from None
    return namespace


def _shown(name: str, value: Any) -> bool:
    """Variables the texts may use: not private names, modules, functions or the builtins."""
    return not name.startswith("_") and name not in ("np", "math", "rng") and not isinstance(
        value, (ModuleType, type)
    ) and not callable(value)


def _code_error(quiz: Quiz, question: Question, exc: Exception, what: str, start: int) -> QuizInputError:
    lines = [n for frame, n in traceback.walk_tb(exc.__traceback__) if frame.f_code.co_filename == str(quiz.path)]
    detail = str(exc).splitlines()[0] if str(exc) else ""
    problem = f"its {what} raised {type(exc).__name__}" + (f": {detail}" if detail else "")
    return _fail(quiz, question, lines[-1] if lines else start, problem)


def _fail(quiz: Quiz, question: Question, line: int, problem: str) -> QuizInputError:
    return QuizInputError(quiz.path, line or question.line, f"question {question.id!r}: {problem}")


def _check_choices(quiz: Quiz, question: Question, choices: Any) -> tuple[str, ...]:
    if not isinstance(choices, (list, tuple)) or not all(isinstance(c, str) for c in choices) or len(choices) < 2:
        raise _fail(quiz, question, question.code_line or question.line,
                    f"choices must be a list of at least two strings, not {choices!r}")
    return tuple(choices)


def _keyed_choices(quiz: Quiz, variant: Variant) -> Variant:
    """Choices must be distinct and contain the key; a multiple key is put in choice order."""
    question = variant.question
    if question.kind not in CHOICE_KINDS:
        return variant
    line = question.code_line or question.line
    _distinct_choices(quiz, question, variant.choices)
    keys = (variant.key,) if question.kind == "single" else tuple(variant.key)  # type: ignore[arg-type]
    for key in keys:
        if key not in variant.choices:
            raise _fail(quiz, question, line, f"the key {key!r} is not among the choices")
    if question.kind == "single":
        return variant
    ordered = tuple(c for c in variant.choices if c in keys)
    return Variant(question, variant.text, variant.choices, ordered, variant.explanation, variant.accept)


def _distinct_choices(quiz: Quiz, question: Question, choices: tuple[str, ...]) -> None:
    seen = [same_text(c) for c in choices]
    if len(set(seen)) < len(seen):
        duplicate = next(c for c in choices if seen.count(same_text(c)) > 1)
        raise _fail(quiz, question, question.code_line or question.line, f"choice {duplicate!r} is given twice")


@functools.lru_cache(maxsize=4096)
def same_text(text: str) -> str:
    """Text as compared: Unicode-normalized, case-folded, quotes and a final period dropped,
    whitespace collapsed and removed next to brackets and separators.

    ``"(5, 1)"`` and ``"(5,1)"``, ``"ReLU"`` and ``" relu. "``, a printed 2-D array on
    one line or two: each pair compares equal."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = text.strip("`'\"").strip()
    text = text[:-1] if text.endswith(".") and not text[-2:-1].isdigit() else text
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([()\[\]{},;:])\s*", r"\1", text).strip()


class _Filler:
    """Fills ``{name}`` / ``{name:.3f}`` placeholders; ``{{`` and ``}}`` are literal braces."""

    def __init__(self, quiz: Quiz, question: Question, values: dict[str, Any]) -> None:
        self.quiz, self.question, self.values = quiz, question, values

    def __call__(self, template: str) -> str:
        return PLACEHOLDER.sub(self._replace, template)

    def _replace(self, match: re.Match[str]) -> str:
        whole, name, conversion, spec = match.group(0), match.group(1), match.group(2), match.group(3)
        if name is None:
            return whole[0]
        if name not in self.values:
            known = ", ".join(sorted(self.values)) or "none"
            raise _fail(self.quiz, self.question, self.question.line,
                        f"the text uses {{{name}}}, which is not one of its variables ({known}); write {{{{ for a brace")
        value = self.values[name]
        if conversion == "!r":
            value = repr(value)
        try:
            return format(value, spec or "")
        except (TypeError, ValueError) as exc:
            raise _fail(self.quiz, self.question, self.question.line, f"{whole}: {exc}") from None
