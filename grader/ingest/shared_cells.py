"""The cells that many learners' files share, parsed and compiled once by whoever grades them all.

A class's notebooks are mostly the starter's cells, unchanged: a batch's grading process reads
hundreds of them one after another. A ``SharedCells`` remembers a small text met a second time
(parsed, and the compiled code of its statements) for the submissions that follow; a learner's
own cells are parsed each time and never kept. It is an object, not a process-wide cache: its
owner decides what shares it (a batch's grading process keeps one per exercise,
``grading.WarmExercise``; one ``grade submit`` reads with a fresh one).
"""

from __future__ import annotations

import ast
import collections
import types
from collections.abc import Callable

# What parsing.parse_tolerant gives for a text: ((statement, line offset)...), ((line, error, names)...).
Parsed = tuple[tuple[tuple[ast.stmt, int], ...], tuple[tuple[int, str, tuple[str, ...]], ...]]


class SharedCells:
    """Parsed texts met more than once (the trees are only read, never changed), and their code.

    Bounded: texts of at most MAX_CHARS, MAX_CELLS of them (the least recently met leaves
    first, its statements' code with it), hashes of MAX_SEEN texts met once.
    """

    MAX_CHARS = 16_384
    MAX_CELLS = 128
    MAX_SEEN = 100_000
    MAX_CODES = 4096

    def __init__(self) -> None:
        self._parsed: collections.OrderedDict[str, Parsed] = collections.OrderedDict()
        self._seen: set[int] = set()  # hashes of small texts parsed once (a text seen twice is a shared cell)
        # The compiled code of the statements of the kept texts, by id(statement): it leaves with its text.
        self._code: dict[int, tuple[ast.stmt, types.CodeType]] = {}

    def __contains__(self, source: str) -> bool:
        """Is ``source`` kept (so its statements are shared with other submissions)?"""
        return source in self._parsed

    def __len__(self) -> int:
        return len(self._parsed)

    def parsed(self, source: str, parse: Callable[[str], Parsed]) -> Parsed:
        """``parse(source)``, or what it gave when ``source`` was met before and kept."""
        cached = self._parsed.get(source)
        if cached is not None:
            self._parsed.move_to_end(source)
            return cached
        result = parse(source)
        if len(source) <= self.MAX_CHARS:
            key = hash(source)
            if key in self._seen:
                self._parsed[source] = result
                if len(self._parsed) > self.MAX_CELLS:
                    _, (evicted, _) = self._parsed.popitem(last=False)
                    for stmt, _ in evicted:  # its statements' code goes with it
                        self._code.pop(id(stmt), None)
            elif len(self._seen) < self.MAX_SEEN:
                self._seen.add(key)
            else:
                self._seen.clear()
        return result

    def code_of(self, tree: ast.stmt) -> types.CodeType | None:
        """The code compiled from ``tree``, a statement of a kept text (None when not compiled yet)."""
        cached = self._code.get(id(tree))
        return cached[1] if cached is not None and cached[0] is tree else None

    def keep_code(self, tree: ast.stmt, code: types.CodeType) -> None:
        """Remember the code compiled from ``tree`` (a statement of a kept text) for the next submission."""
        if len(self._code) >= self.MAX_CODES:  # (a text evicted while its submission loads leaves its code)
            self._code.clear()
        self._code[id(tree)] = (tree, code)
