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

A variant is shown in one language (``quiz.language``, or the ``language`` asked for):
the texts of its translation, English where it has none. Everything else comes from
quiz.toml alone: the variables, the key, which choices are right and the choices' order
(positions drawn from the sorted English texts, so every language lists the same choice
at the same letter). A variant also knows each choice's texts in the other languages
(``aliases``) and the accepted answers of every language, so that an answer is graded
the same whichever language it was given in.
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
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import numpy as np

from grader.quiz.load import typed_key
from grader.quiz.model import (
    CHOICE_KINDS, PLACEHOLDER, SOURCE_LANGUAGE, Key, ParamSpec, Question, QuestionTexts, Quiz, QuizInputError,
    Translation,
)

MAX_DRAWS = 1000  # attempts to satisfy a question's `where` before giving up


@dataclass(frozen=True)
class Variant:
    """A question as one learner sees it, in one language: filled texts, final choices and the key.

    The key of a choice question is the text of its right choice(s) in this language; which choices
    are right (``key_positions``), the order of the choices, the numbers and every other key are the
    same in every language. ``aliases`` are, per choice, its texts in the quiz's other languages (an
    answer may name a choice in any of them); ``accept`` holds the accepted answers of every language."""

    question: Question
    text: str
    choices: tuple[str, ...]
    key: Key | None  # None in a learners' copy without keys
    explanation: str
    accept: tuple[str, ...] = ()
    aliases: tuple[tuple[str, ...], ...] = ()
    language: str = SOURCE_LANGUAGE

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def key_positions(self) -> tuple[int, ...]:
        """The positions of the right choices in ``choices`` (() for a question without choices or key)."""
        if self.key is None or self.question.kind not in CHOICE_KINDS:
            return ()
        keys = (self.key,) if self.question.kind == "single" else self.key
        return tuple(self.choices.index(k) for k in keys)  # type: ignore[union-attr]


def quiz_seed(exercise: str, learner: str) -> int:
    """The learner's default seed: fixed for (exercise, learner), different for every other pair."""
    return int(hashlib.sha256(f"quiz:{exercise}:{learner}".encode()).hexdigest()[:8], 16)


def question_seed(seed: int, question_id: str) -> int:
    """The seed of one question's random stream."""
    return int(hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest()[:16], 16)


def build_variants(quiz: Quiz, seed: int, language: str | None = None) -> tuple[Variant, ...]:
    """Every question of ``quiz`` for ``seed``, in ``language`` (default: the quiz's); raises
    QuizInputError naming the quiz line at fault."""
    return tuple(build_variant(quiz, question, seed, language) for question in quiz.questions)


@dataclass(frozen=True)
class _Texts:
    """A question's filled texts in one language; choices in the order of the quiz file."""

    text: str
    explanation: str
    choices: tuple[str, ...]
    accept: tuple[str, ...]


def build_variant(quiz: Quiz, question: Question, seed: int, language: str | None = None) -> Variant:
    """``question`` for ``seed``: variables drawn, code run, texts filled, key checked against choices.

    Everything but the texts comes from quiz.toml alone, whatever the language: the variables, the
    key, the choices' order (drawn from the sorted English choices) and which choices are right. The
    texts are the translation's for ``language`` (default: ``quiz.language``), English where it has
    none."""
    stream = question_seed(seed, question.id)
    values = draw_params(quiz, question, random.Random(stream))
    key: Any = None
    computed_choices: Any = None
    if quiz.keys_withheld:
        if question.show is not None:
            namespace = _run_code(quiz, question, values, stream, "show")
            values = {k: v for k, v in namespace.items() if _shown(k, v)}
    else:
        key = question.answer
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
    fill = _Filler(quiz.path, question, values)
    if computed_choices is None:
        choices = tuple(fill(c) for c in question.choices)
    elif question.kind in CHOICE_KINDS:
        choices = _check_choices(quiz, question, computed_choices)
    else:
        raise _fail(quiz, question, question.code_line, f"a {question.kind} question has no choices")
    _distinct_choices(quiz.path, question, question.code_line or question.line, choices)
    right = _right_choices(quiz, question, choices, key)
    order = _order(question, choices, stream)
    source = _Texts(fill(question.text), fill(question.explanation), choices, tuple(fill(a) for a in question.accept))
    texts = {SOURCE_LANGUAGE: source}
    for translation in quiz.translations:
        translated = translation.questions.get(question.id)
        if translated is not None:
            texts[translation.language] = _translated(translation, translated, question, values, source)
    _unambiguous(quiz, question, texts)
    chosen = quiz.language if language is None else language
    shown = texts.get(chosen, source)
    shown_choices = tuple(shown.choices[i] for i in order)
    if key is not None and question.kind == "single":
        key = shown.choices[right[0]]
    elif key is not None and question.kind == "multiple":  # the right choices, in the order shown
        key = tuple(c for i, c in zip(order, shown_choices) if i in right)
    aliases = tuple(tuple(dict.fromkeys(t.choices[i] for t in texts.values() if t.choices[i] != shown.choices[i]))
                    for i in order) if any(t is not shown for t in texts.values()) else ()
    return Variant(
        question=question,
        text=shown.text,
        choices=shown_choices,
        key=key,
        explanation=shown.explanation,
        accept=tuple(dict.fromkeys(a for t in texts.values() for a in t.accept)),
        aliases=aliases if question.kind in CHOICE_KINDS else (),
        language=chosen if chosen in texts else SOURCE_LANGUAGE,
    )


def _translated(translation: Translation, translated: QuestionTexts, question: Question, values: dict[str, Any],
                source: _Texts) -> _Texts:
    """The question's texts in the translation's language; English for what it does not translate."""
    fill = _Filler(translation.path, question, values, translated)
    return _Texts(
        text=fill(translated.text),
        explanation=fill(translated.explanation) if translated.explanation and question.explanation else
        source.explanation,
        choices=tuple(fill(c) for c in translated.choices) or source.choices,
        accept=source.accept + tuple(fill(a) for a in translated.accept),
    )


def _right_choices(quiz: Quiz, question: Question, choices: tuple[str, ...], key: Any) -> tuple[int, ...]:
    """The positions of the key's choices in ``choices`` (file order); () without choices or key."""
    if key is None or question.kind not in CHOICE_KINDS:
        return ()
    keys = (key,) if question.kind == "single" else tuple(key)
    for one in keys:
        if one not in choices:
            raise _fail(quiz, question, question.code_line or question.line, f"the key {one!r} is not among the choices")
    return tuple(i for i, choice in enumerate(choices) if choice in keys)


def _order(question: Question, choices: tuple[str, ...], stream: int) -> tuple[int, ...]:
    """The learner's order of the choices, as positions in ``choices``: drawn from their sorted order
    (see the module's docstring). Only the English texts count, so every language has this order."""
    positions = tuple(range(len(choices)))
    if not (question.shuffle and choices):
        return positions
    ranked = sorted(positions, key=lambda i: choices[i])
    return tuple(random.Random(f"{stream}:choices").sample(ranked, len(ranked)))


def _unambiguous(quiz: Quiz, question: Question, texts: dict[str, _Texts]) -> None:
    """Each language's choices are distinct, and no text names one choice in a language and another
    in a second one (an answer may name a choice in any language)."""
    if len(texts) < 2 or question.kind not in CHOICE_KINDS:
        return
    named: dict[str, int] = {}
    for language, found in texts.items():  # English first
        translation = quiz.translation(language)
        path, line = (translation.path, translation.questions[question.id].line) if translation else (
            quiz.path, question.code_line or question.line)
        if translation is not None:
            _distinct_choices(path, question, line, found.choices)
        for index, choice in enumerate(found.choices):
            first = named.setdefault(same_text(choice), index)
            if first != index:
                raise QuizInputError(path, line, f"question {question.id!r}: choice {choice!r} is choice {index + 1} "
                                                 f"here and choice {first + 1} in another language: an answer that "
                                                 "names it could mean either")


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


def _distinct_choices(path: Path, question: Question, line: int, choices: tuple[str, ...]) -> None:
    seen = [same_text(c) for c in choices]
    if len(set(seen)) < len(seen):
        duplicate = next(c for c in choices if seen.count(same_text(c)) > 1)
        raise QuizInputError(path, line, f"question {question.id!r}: choice {duplicate!r} is given twice")


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
    """Fills ``{name}`` / ``{name:.3f}`` placeholders; ``{{`` and ``}}`` are literal braces. For a
    translation (``texts``), a variable it translates shows its translated value."""

    def __init__(self, path: Path, question: Question, values: dict[str, Any],
                 texts: QuestionTexts | None = None) -> None:
        self.path, self.question, self.values, self.texts = path, question, values, texts
        self.line = texts.line if texts is not None else question.line

    def __call__(self, template: str) -> str:
        return PLACEHOLDER.sub(self._replace, template)

    def fail(self, problem: str) -> QuizInputError:
        return QuizInputError(self.path, self.line, f"question {self.question.id!r}: {problem}")

    def _replace(self, match: re.Match[str]) -> str:
        whole, name, conversion, spec = match.group(0), match.group(1), match.group(2), match.group(3)
        if name is None:
            return whole[0]
        if name not in self.values:
            known = ", ".join(sorted(self.values)) or "none"
            raise self.fail(f"the text uses {{{name}}}, which is not one of its variables ({known}); "
                            "write {{ for a brace")
        value = self.values[name]
        if self.texts is not None and name in self.texts.translate:
            table = self.texts.translate[name]
            if not isinstance(value, str) or value not in table:
                raise self.fail(f"translate.{name} has no translation of the value {value!r}")
            value = table[value]
        if conversion == "!r":
            value = repr(value)
        try:
            return format(value, spec or "")
        except (TypeError, ValueError) as exc:
            raise self.fail(f"{whole}: {exc}") from None
