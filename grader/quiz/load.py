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
import glob
import re
import textwrap
import tomllib
from pathlib import Path
from types import CodeType
from typing import Any

from grader.messages import language as active_language
from grader.messages import say
from grader.quiz.model import (
    CHOICE_KINDS, KINDS, PLACEHOLDER, RELEASED, SHAPE_ERROR, SOURCE_LANGUAGE, Key, ParamSpec, Question,
    QuestionTexts, Quiz, QuizInputError, Translation, placeholders, read_text,
)

QUESTION_KEYS = (
    "id", "kind", "topic", "points", "text", "choices", "shuffle", "answer", "accept", "tolerance", "rel_tolerance",
    "params", "where", "code", "explanation",
)
# What a learners' copy without keys keeps of a question: nothing from which its key follows.
FORM_KEYS = ("id", "kind", "topic", "points", "text", "choices", "shuffle", "params", "where", "show")
QUIZ_KEYS = ("title", "topic", "points", "released", "submit_to")
PARAM_KEYS = ("values", "min", "max", "digits", "size")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_HEADER = re.compile(r"\s*\[\[\s*questions\s*\]\]")
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column \d+\)$")
# A translation (quiz.<language>.toml): what learners read of each question, by id.
TEXTS_KEYS = ("id", "text", "choices", "explanation", "accept", "translate")
FORM_TEXTS_KEYS = ("id", "text", "choices", "translate")  # in a learners' copy without keys
TRANSLATION_QUIZ_KEYS = ("title",)
LANGUAGE_CODE = re.compile(r"[a-z]{2}")  # ISO 639-1, as "ko": quiz.old.toml is no translation


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


def translation_path(path: str | Path, language: str) -> Path:
    """Where the ``language`` translation of the quiz file ``path`` is: quiz.toml -> quiz.ko.toml."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def translation_files(path: Path) -> list[tuple[str, Path]]:
    """(language, file) of the translations beside the quiz file ``path``, by language."""
    found = []
    for candidate in sorted(path.parent.glob(f"{glob.escape(path.stem)}.*{path.suffix}")):
        code = candidate.name[len(path.stem) + 1: -len(path.suffix)]
        if LANGUAGE_CODE.fullmatch(code) and code != SOURCE_LANGUAGE and candidate.is_file():
            found.append((code, candidate))
    return found


def _parsed(path: Path) -> tuple[str, dict[str, Any]]:
    text = read_text(path, say("quiz.file.quiz_file"))
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_WHERE.search(message)
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise QuizInputError(path, line, f"not valid TOML: {_TOML_WHERE.sub('', message)}") from None


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


class _Locator:
    """Line numbers in the quiz file's text, for error messages and compiled code."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers = [n for n, line in enumerate(self.lines, 1) if _HEADER.match(line)]

    def top_level(self, key: str) -> int:
        pattern = re.compile(rf"\s*(\[+\s*)?{re.escape(key)}\s*(=|\])")
        return next((n for n, line in enumerate(self.lines, 1) if pattern.match(line)), 1)

    def question(self, index: int) -> int:
        return self.headers[index] if index < len(self.headers) else 1

    def key(self, index: int, key: str) -> int:
        """The line of ``key =`` (or ``[questions.key]``) in question ``index``, else its header line."""
        start = self.question(index)
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        pattern = re.compile(rf"\s*({re.escape(key)}\s*=|\[\s*questions\.{re.escape(key)}\s*\])")
        return next((n for n in range(start, end) if pattern.match(self.lines[n - 1])), start)

    def value_start(self, index: int, key: str) -> int:
        """The line where the string value of ``key`` begins: a newline right after an opening
        triple quote is not part of a TOML string."""
        line = self.key(index, key)
        rest = self.lines[line - 1].split("=", 1)[-1].strip()
        return line + 1 if rest in ('"""', "'''") else line


def _refuse_unknown(table: dict[str, Any], known: tuple[str, ...], error: Any) -> None:
    for key in table:
        if key not in known:
            raise error(key)


def _typed(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any, error: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise error(f"{key} must be {names}")
    return value


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


def load_translation(path: Path, quiz: Quiz, language: str) -> Translation:
    """The ``language`` texts of ``quiz`` in ``path`` (``quiz.<language>.toml``): a ``[quiz]`` table
    with the title, and one ``[[questions]]`` table per translated question: its ``id`` (one of
    quiz.toml's), ``text``, and, when the question has them, ``choices`` (as many, in the same order),
    ``explanation``, ``accept`` (text questions) and ``translate`` (see QuestionTexts). Every text keeps
    the placeholders of quiz.toml's. Raises QuizInputError (``path:line: problem``) otherwise."""
    text, data = _parsed(path)
    at = _Locator(path, text)
    for key in data:
        if key not in ("quiz", "questions"):
            raise QuizInputError(path, at.top_level(key), f"unknown table {key!r} (a quiz translation has [quiz] "
                                                          "and [[questions]])")
    meta = data.get("quiz", {})
    if not isinstance(meta, dict):
        raise QuizInputError(path, at.top_level("quiz"), "quiz must be a table: [quiz]")
    _refuse_unknown(meta, TRANSLATION_QUIZ_KEYS, lambda key: QuizInputError(
        path, at.top_level(key), f"unknown key {key!r} in [quiz] (a translation gives the title only)"))
    title = _typed(meta, "title", str, "", lambda p: QuizInputError(path, at.top_level("title"), p)).strip()
    items = data.get("questions", [])
    if not isinstance(items, list) or not all(isinstance(q, dict) for q in items):
        raise QuizInputError(path, at.top_level("questions"), "questions must be [[questions]] tables")
    by_id = {q.id: q for q in quiz.questions}
    questions: dict[str, QuestionTexts] = {}
    for index, item in enumerate(items):
        qid = item.get("id")
        if isinstance(qid, str) and qid in questions:
            raise QuizInputError(path, at.question(index), f"question id {qid!r} is used twice (first on line "
                                                           f"{questions[qid].line})")
        texts = _TextsReader(at, index, item, quiz, by_id).read()
        questions[texts.id] = texts
    return Translation(language=language, path=path, title=title, questions=questions)


class _TextsReader:
    """Reads and checks one ``[[questions]]`` table of a translation against quiz.toml's question."""

    def __init__(self, at: _Locator, index: int, data: dict[str, Any], quiz: Quiz,
                 by_id: dict[str, Question]) -> None:
        self.at, self.index, self.data, self.quiz, self.by_id = at, index, data, quiz, by_id
        self.id = ""
        self.source = quiz.path.name

    def fail(self, key: str, problem: str, line: int = 0) -> QuizInputError:
        line = line or (self.at.key(self.index, key) if key else self.at.question(self.index))
        where = f"question {self.id!r}: " if self.id else f"question {self.index + 1}: "
        return QuizInputError(self.at.path, line, where + problem)

    def string(self, key: str) -> str:
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"{key} must be a non-empty string")
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"{key} must be a list of non-empty strings")
        return tuple(value)

    def read(self) -> QuestionTexts:
        known = FORM_TEXTS_KEYS if self.quiz.keys_withheld else TEXTS_KEYS
        def unknown(key: str) -> QuizInputError:
            if key in TEXTS_KEYS:
                why = "a learners' copy holds no key"
            elif key in QUESTION_KEYS:
                why = f"kinds, keys and parameters are {self.source}'s; a translation gives {', '.join(known[1:])}"
            else:
                why = f"a translation gives {', '.join(known[1:])}"
            return self.fail(key, f"unknown key {key!r} ({why})")

        if isinstance(self.data.get("id"), str):  # named in the messages that follow
            self.id = self.data["id"]
        _refuse_unknown(self.data, known, unknown)
        if "id" not in self.data:
            raise self.fail("", "id is missing")
        self.id = _typed(self.data, "id", str, "", lambda problem: self.fail("id", problem))
        question = self.by_id.get(self.id)
        if question is None:
            raise self.fail("id", f"{self.source} has no question {self.id!r} (a translation translates "
                                  f"{self.source}'s questions, by id)")
        if "text" not in self.data:
            raise self.fail("", "text is missing")
        text = self.string("text")
        self.same_placeholders("text", text, question.text)
        explanation = ""
        if "explanation" in self.data:
            explanation = self.string("explanation")
            self.same_placeholders("explanation", explanation, question.explanation)
        choices = self.choices(question)
        accept = self.accept(question)
        texts = QuestionTexts(id=self.id, line=self.at.question(self.index), text=text, explanation=explanation,
                              choices=choices, accept=accept)
        return dataclasses.replace(texts, translate=self.translate(texts))

    def same_placeholders(self, key: str, text: str, source: str, line: int = 0, what: str = "") -> None:
        """A translated text shows the variables its source shows, formatted the same way."""
        mine, theirs = placeholders(text), placeholders(source)
        if mine == theirs:
            return
        parts = [f"{', '.join(sorted(theirs - mine))} missing"] if theirs - mine else []
        parts += [f"{', '.join(sorted(mine - theirs))} not in {self.source}'s"] if mine - theirs else []
        raise self.fail(key, f"{what or key}: its placeholders differ from {self.source}'s ({'; '.join(parts)}): "
                             "a translation shows the same values", line)

    def choices(self, question: Question) -> tuple[str, ...]:
        if "choices" not in self.data:
            return ()
        if question.kind not in CHOICE_KINDS:
            raise self.fail("choices", f"a {question.kind} question has no choices")
        if not question.choices:
            raise self.fail("choices", f"its choices are computed by its code in {self.source}, and shown as "
                                       "computed in every language: remove choices")
        choices = self.strings("choices")
        if len(choices) != len(question.choices):
            raise self.fail("choices", f"{len(choices)} choices where {self.source} has {len(question.choices)}: "
                                       "translate each choice, in the same order")
        for number, (mine, theirs) in enumerate(zip(choices, question.choices), 1):
            self.same_placeholders("choices", mine, theirs, self.choice_line(mine), f"choice {number}")
        return choices

    def choice_line(self, choice: str) -> int:
        start = self.at.key(self.index, "choices")
        first = choice.strip().splitlines()[0][:30] if choice.strip() else ""
        end = min(len(self.at.lines), start + 60)
        return next((n for n in range(start, end + 1) if first and first in self.at.lines[n - 1]), start)

    def accept(self, question: Question) -> tuple[str, ...]:
        if "accept" not in self.data:
            return ()
        if question.kind != "text":
            raise self.fail("accept", "accept only applies to text questions")
        accept = self.strings("accept")
        known = {m for part in (question.text, question.explanation, *question.accept) for m in placeholders(part)}
        for answer in accept:
            extra = placeholders(answer) - known
            if extra:
                raise self.fail("accept", f"accept: {', '.join(sorted(extra))} is not a value {self.source}'s "
                                          "question shows")
        return accept

    def translate(self, texts: QuestionTexts) -> dict[str, dict[str, str]]:
        table = self.data.get("translate", {})
        if not isinstance(table, dict):
            raise self.fail("translate", "translate must be a table: [questions.translate.<variable>]")
        shown = {m.group(1) for part in (texts.text, texts.explanation, *texts.choices)
                 for m in PLACEHOLDER.finditer(part) if m.group(1)}
        result: dict[str, dict[str, str]] = {}
        for name, values in table.items():
            line = self.translate_line(name)
            if name not in shown:
                raise self.fail("translate", f"translate.{name}: no text of this question shows {{{name}}}", line)
            if not isinstance(values, dict) or not values or not all(
                    isinstance(v, str) and v.strip() for v in values.values()):
                raise self.fail("translate", f"translate.{name} must be a table of its values' translations: "
                                             '"value as computed" = "translation"', line)
            result[name] = dict(values)
        return result

    def translate_line(self, name: str) -> int:
        start = self.at.question(self.index)
        end = self.at.headers[self.index + 1] if self.index + 1 < len(self.at.headers) else len(self.at.lines) + 1
        pattern = re.compile(rf'\s*\[\s*questions\s*\.\s*translate\s*\.\s*"?{re.escape(name)}"?\s*\]')
        found = next((n for n in range(start, end) if pattern.match(self.at.lines[n - 1])), 0)
        return found or self.at.key(self.index, "translate")


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
