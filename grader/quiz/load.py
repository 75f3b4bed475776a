"""Read a quiz file (TOML, see docs/quizzes.md) into a ``Quiz``.

tomllib does not say where a value came from, so ``_Locator`` finds lines in the
raw text: each ``[[questions]]`` header, and ``key =`` lines inside a question's
block. Instructor code is compiled with its file line numbers (it is prefixed with
blank lines), so a syntax error, or later a runtime error, names the quiz file's
own line.

A learners' copy written by ``grade release`` says ``released = "form"`` in ``[quiz]``:
its questions have no key (no ``answer``, ``code``, ``accept`` nor ``explanation``),
and may have ``show``, code that computes what the text shows (see grader/quiz/form.py).

A quiz's translations are files beside it, ``quiz.<language>.toml`` (``quiz.ko.toml``):
per question id, what learners read in that language (``load_translation``). They are
read with the quiz, whatever the language it is shown in (answers count in every
language), and strictly: an unknown id, placeholders other than the English text's, or
another number of choices is a QuizInputError naming the translation's file and line.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path
from types import CodeType
from typing import Any

from grader.messages import language as active_language
from grader.quiz.toml_text import Locator as _Locator
from grader.quiz.toml_text import parsed as _parsed
from grader.quiz.toml_text import refuse_unknown as _refuse_unknown
from grader.quiz.toml_text import typed as _typed
from grader.quiz.toml_text import QUESTION_KEYS
from grader.quiz.translation import load_translation, translation_files
from grader.quiz.model import (
    CHOICE_KINDS, KINDS, RELEASED, SHAPE_ERROR, SOURCE_LANGUAGE, Key, ParamSpec, Question, Quiz, QuizInputError,
)

# What a learners' copy without keys keeps of a question: nothing from which its key follows.
FORM_KEYS = ("id", "kind", "topic", "points", "text", "choices", "shuffle", "params", "where", "show")
QUIZ_KEYS = ("title", "topic", "points", "released", "submit_to")
PARAM_KEYS = ("values", "min", "max", "digits", "size")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# A translation (quiz.<language>.toml): what learners read of each question, by id.


def load_quiz(path: str | Path, language: str | None = None) -> Quiz:
    """The quiz in ``path``, with its translations (``quiz.<language>.toml`` beside it), shown in
    ``language`` (default: the active language of grader.messages) when it has a translation to it,
    else in English. Raises QuizInputError (``path:line: problem``) for any malformed part of the quiz
    file or of a translation."""
    quiz = _load_source(Path(path))
    translations = tuple(load_translation(found, quiz, code) for code, found in translation_files(quiz.path))
    wanted = active_language() if language is None else language
    shown = next((t for t in translations if t.language == wanted), None)
    return dataclasses.replace(quiz, translations=translations, source_title=quiz.title,
                               language=shown.language if shown else SOURCE_LANGUAGE,
                               title=shown.title or quiz.title if shown else quiz.title)


def _load_source(path: Path) -> Quiz:
    text, data = _parsed(path)
    at = _Locator(path, text)
    for key in data:
        if key not in ("quiz", "questions"):
            raise QuizInputError(path, at.top_level(key), f"unknown table {key!r} (a quiz file has [quiz] and [[questions]])")
    meta = data.get("quiz", {})
    if not isinstance(meta, dict):
        raise QuizInputError(path, at.top_level("quiz"), "quiz must be a table: [quiz]")
    _refuse_unknown(meta, QUIZ_KEYS, lambda key: QuizInputError(path, at.top_level(key), f"unknown key {key!r} in [quiz]"))
    items = data.get("questions")
    if not isinstance(items, list) or not items or not all(isinstance(q, dict) for q in items):
        raise QuizInputError(path, 1, "no questions: add [[questions]] tables")
    default_topic = _typed(meta, "topic", str, "quiz", lambda p: QuizInputError(path, at.top_level("topic"), p))
    default_points = _typed(meta, "points", (int, float), 1, lambda p: QuizInputError(path, at.top_level("points"), p))
    released = _typed(meta, "released", str, "", lambda p: QuizInputError(path, at.top_level("released"), p))
    if released and released not in RELEASED:
        raise QuizInputError(path, at.top_level("released"), f"released must be one of {', '.join(RELEASED)}")
    submit_to = _typed(meta, "submit_to", str, "", lambda p: QuizInputError(path, at.top_level("submit_to"), p))
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        reader = _QuestionReader(at, index, item, keys_withheld=released == "form")
        question = reader.read(default_topic, float(default_points))
        if question.id in seen:
            raise QuizInputError(path, question.line, f"question id {question.id!r} is used twice (first on line {seen[question.id]})")
        seen[question.id] = question.line
        questions.append(question)
    title = _typed(meta, "title", str, path.parent.name, lambda p: QuizInputError(path, at.top_level("title"), p))
    return Quiz(path=path, title=title, questions=tuple(questions), released=released,  # type: ignore[arg-type]
                submit_to=submit_to)


class _QuestionReader:
    """Reads and checks one ``[[questions]]`` table."""

    def __init__(self, at: _Locator, index: int, data: dict[str, Any], *, keys_withheld: bool = False) -> None:
        self.at = at
        self.index = index
        self.data = data
        self.keys_withheld = keys_withheld
        self.id = ""

    def fail(self, key: str, problem: str) -> QuizInputError:
        line = self.at.key(self.index, key) if key else self.at.question(self.index)
        where = f"question {self.id!r}: " if self.id else f"question {self.index + 1}: "
        return QuizInputError(self.at.path, line, where + problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        if key not in self.data:
            if default is None:
                raise self.fail("", f"{key} is missing")
            return default
        return _typed(self.data, key, kind, default, lambda problem: self.fail(key, problem))

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"{key} must be a list of strings")
        return tuple(value)

    def read(self, default_topic: str, default_points: float) -> Question:
        known = FORM_KEYS if self.keys_withheld else QUESTION_KEYS
        _refuse_unknown(self.data, known, lambda key: self.fail(key, f"unknown key {key!r}" + (
            " (a learners' copy holds no key)" if key in QUESTION_KEYS else "")))
        self.id = self.get("id", str)
        if not ID_PATTERN.fullmatch(self.id):
            raise self.fail("id", f"id {self.id!r} must be letters, digits, '-', '_' or '.' (no spaces)")
        kind = self.get("kind", str)
        if kind not in KINDS:
            raise self.fail("kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
        points = float(self.get("points", (int, float), default_points))
        if points <= 0:
            raise self.fail("points", "points must be positive")
        text = self.get("text", str).strip()
        explanation = "" if self.keys_withheld else self.get("explanation", str).strip()
        if not text or not (explanation or self.keys_withheld):
            raise self.fail("text" if not text else "explanation", "text and explanation must not be empty")
        code, code_line = self.code("code", "exec")
        show, show_line = self.code("show", "exec")
        where, where_line = self.code("where", "eval")
        params = self.params()
        if params and code is None and not self.keys_withheld:
            raise self.fail("params", "a parameterized question computes its key from its variables: add code")
        if where is not None and not params:
            raise self.fail("where", "where constrains params: this question has none")
        return Question(
            id=self.id,
            kind=kind,  # type: ignore[arg-type]
            text=text,
            explanation=explanation,
            topic=self.get("topic", str, default_topic),
            points=points,
            line=self.at.question(self.index),
            choices=self.choices(kind),
            shuffle=self.only_for(kind, "shuffle", CHOICE_KINDS, lambda key: self.get(key, bool), True),
            answer=self.answer(kind, computed=code is not None),
            accept=self.only_for(kind, "accept", ("text",), self.strings),
            tolerance=self.only_for(kind, "tolerance", ("numeric",), self.tolerance, 0.0),
            rel_tolerance=self.only_for(kind, "rel_tolerance", ("numeric",), self.tolerance, 0.0),
            params=params,
            where=where,
            where_line=where_line,
            code=code,
            code_line=code_line,
            code_source=self.source("code"),
            where_source=self.source("where"),
            show=show,
            show_line=show_line,
        )

    def only_for(self, kind: str, key: str, kinds: tuple[str, ...], read: Any, default: Any = ()) -> Any:
        if key not in self.data:
            return default
        if kind not in kinds:
            raise self.fail(key, f"{key} only applies to {' and '.join(kinds)} questions")
        return read(key)

    def tolerance(self, key: str) -> float:
        value = float(self.get(key, (int, float)))
        if value < 0:
            raise self.fail(key, f"{key} must not be negative")
        return value

    def choices(self, kind: str) -> tuple[str, ...]:
        if kind not in CHOICE_KINDS:
            if "choices" in self.data:
                raise self.fail("choices", f"a {kind} question has no choices")
            return ()
        if "choices" not in self.data:
            if "code" not in self.data:
                raise self.fail("", "choices are missing (or let code set `choices`)")
            return ()
        choices = self.strings("choices")
        if len(choices) < 2:
            raise self.fail("choices", "give at least two choices")
        return choices

    def answer(self, kind: str, *, computed: bool) -> Key | None:
        if computed or self.keys_withheld:
            if "answer" in self.data:
                raise self.fail("answer", "the key of a computed question comes from its code: remove answer")
            return None
        if "answer" not in self.data:
            raise self.fail("", "answer is missing (or compute it: code that sets `answer`)")
        try:
            return typed_key(kind, self.data["answer"])
        except ValueError as exc:
            raise self.fail("answer", str(exc)) from None

    def source(self, key: str) -> str:
        return textwrap.dedent(self.data[key]) if isinstance(self.data.get(key), str) else ""

    def code(self, key: str, mode: str) -> tuple[CodeType | None, int]:
        if key not in self.data:
            return None, 0
        self.get(key, str)
        source = self.source(key)
        start = self.at.value_start(self.index, key)
        try:
            return compile("\n" * (start - 1) + source, str(self.at.path), mode), start
        except SyntaxError as exc:
            line = exc.lineno if exc.lineno and exc.lineno >= start else start
            raise QuizInputError(self.at.path, line, f"question {self.id!r}: {key} does not parse: {exc.msg}") from None

    def params(self) -> tuple[ParamSpec, ...]:
        table = self.data.get("params", {})
        if not isinstance(table, dict):
            raise self.fail("params", "params must be a table of variables")
        return tuple(self.param(name, spec) for name, spec in table.items())

    def param(self, name: str, spec: Any) -> ParamSpec:
        line = self.at.key(self.index, name)
        if name in QUESTION_KEYS:
            raise self.fail(name, f"{name} is in the params table: keys after [questions.params] belong to it, "
                                  f"so write {name} above that header")
        if not name.isidentifier():
            raise self.fail(name, f"variable name {name!r} is not a Python identifier")
        if isinstance(spec, list):
            spec = {"values": spec}
        if not isinstance(spec, dict):
            raise self.fail(name, f"{name}: give a list of values or a table {{ min = ..., max = ... }}")
        _refuse_unknown(spec, PARAM_KEYS, lambda key: self.fail(name, f"{name}: unknown setting {key!r}"))
        size = spec.get("size", 0)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise self.fail(name, f"{name}: size must be a positive integer")
        if "values" in spec:
            values = spec["values"]
            if not isinstance(values, list) or not values or len(spec) > 1 + ("size" in spec):
                raise self.fail(name, f"{name}: values must be a non-empty list (and go without min/max)")
            return ParamSpec(name, line, values=tuple(values), size=size)
        low, high, digits = spec.get("min"), spec.get("max"), spec.get("digits")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)) or low > high:
            raise self.fail(name, f"{name}: needs numbers min <= max")
        if digits is None and not (isinstance(low, int) and isinstance(high, int)):
            raise self.fail(name, f"{name}: decimal bounds need digits = N (decimals to keep)")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
            raise self.fail(name, f"{name}: digits must be a non-negative integer")
        return ParamSpec(name, line, low=low, high=high, digits=digits, size=size)


def typed_key(kind: str, value: Any) -> Key:
    """``value`` as the key of a ``kind`` question; raises ValueError saying what was expected."""
    if kind in ("single", "text"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"the key of a {kind} question must be a non-empty string, not {value!r}")
        return value
    if kind == "multiple":
        if isinstance(value, (list, tuple, set, frozenset)) and value and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValueError(f"the key of a multiple question must be a non-empty list of choices, not {value!r}")
    if kind == "numeric":
        number = _number(value)
        if number is None:
            raise ValueError(f"the key of a numeric question must be a finite number, not {value!r}")
        return number
    if value == SHAPE_ERROR:
        return SHAPE_ERROR
    dims = tuple(value) if isinstance(value, (list, tuple)) else None
    if dims is None or not all(_whole(d) for d in dims):
        raise ValueError(f"the key of a shape question must be a tuple of sizes (or {SHAPE_ERROR!r}), not {value!r}")
    return tuple(int(d) for d in dims)


def _number(value: Any) -> float | None:
    """A finite float from a Python or numpy number (or 0-d / one-element array); else None."""
    if isinstance(value, (bool, str)) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number - number == 0 else None


def _whole(value: Any) -> bool:
    return not isinstance(value, (bool, float, str)) and hasattr(value, "__index__") and int(value) >= 0
