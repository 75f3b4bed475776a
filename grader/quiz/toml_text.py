"""Reading a quiz file's TOML with line numbers: tomllib does not say where a value came from, so
``Locator`` finds lines in the raw text (each ``[[questions]]`` header, and ``key =`` lines inside a
question's block); ``parsed`` turns a TOML error into a QuizInputError naming the line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from grader.messages import say
from grader.quiz.model import QuizInputError, read_text

QUESTION_KEYS = (
    "id", "kind", "topic", "points", "text", "choices", "shuffle", "answer", "accept", "tolerance", "rel_tolerance",
    "params", "where", "code", "explanation",
)

_HEADER = re.compile(r"\s*\[\[\s*questions\s*\]\]")
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def parsed(path: Path) -> tuple[str, dict[str, Any]]:
    text = read_text(path, say("quiz.file.quiz_file"))
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_WHERE.search(message)
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise QuizInputError(path, line, f"not valid TOML: {_TOML_WHERE.sub('', message)}") from None


class Locator:
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


def refuse_unknown(table: dict[str, Any], known: tuple[str, ...], error: Any) -> None:
    for key in table:
        if key not in known:
            raise error(key)


def typed(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any, error: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise error(f"{key} must be {names}")
    return value
