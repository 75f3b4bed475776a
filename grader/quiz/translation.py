"""A quiz's translations: files beside it, ``quiz.<language>.toml`` (``quiz.ko.toml``), holding per
question id what learners read in that language. They are read with the quiz, whatever the
language it is shown in (answers count in every language), and strictly: an unknown id,
placeholders other than the English text's, or another number of choices is a QuizInputError
naming the translation's file and line."""

from __future__ import annotations

import dataclasses
import glob
import re
from pathlib import Path
from typing import Any

from grader.quiz.toml_text import Locator as _Locator
from grader.quiz.toml_text import parsed as _parsed
from grader.quiz.toml_text import refuse_unknown as _refuse_unknown
from grader.quiz.toml_text import typed as _typed
from grader.quiz.model import (
    CHOICE_KINDS, PLACEHOLDER, SOURCE_LANGUAGE, Question, QuestionTexts, Quiz, QuizInputError, Translation,
    placeholders,
)
from grader.quiz.toml_text import QUESTION_KEYS

TEXTS_KEYS = ("id", "text", "choices", "explanation", "accept", "translate")
FORM_TEXTS_KEYS = ("id", "text", "choices", "translate")  # in a learners' copy without keys
TRANSLATION_QUIZ_KEYS = ("title",)
LANGUAGE_CODE = re.compile(r"[a-z]{2}")  # ISO 639-1, as "ko": quiz.old.toml is no translation


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
