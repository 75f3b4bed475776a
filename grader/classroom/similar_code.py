"""What each learner wrote, without the starter: units of code with their fingerprints (``grade similar``).

A learner's files are read as grading reads them (grader.ingest: bounded reads, notebooks without
their outputs, magics blanked, tolerant parsing, so a cell that does not parse costs only itself);
nothing is run. What the exercise hands out is left out before anything is compared:

- a cell (of a notebook, or a ``# %%`` cell of a .py file) whose text is one of the starter's
  cells is skipped unread;
- a top-level statement whose normalised tokens are those of a starter statement (a demo cell's
  line, a helper module's function pasted in, a graded function left as handed out) is dropped;
- k-grams and shapes that occur anywhere in the starter (the skeleton of a graded function:
  ``cache = (A, W, b)``, ``return Z, cache``) are never fingerprints;
- top-level imports are not compared (they only tell the normaliser the learner's aliases).

The starter is the exercise's learner files as shipped (``exercises/<name>/*.py``, ``*.ipynb``)
and its helper modules (every other ``.py`` of the exercise folder, its preamble).

A learner's code becomes units: each top-level function and class, and one unit of their other
top-level statements. A graded function (by its name or an accepted older name, the last
definition winning as in grading) is also compared on its own.
"""

from __future__ import annotations

import ast
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from grader.classroom.learners import Learner
from grader.classroom.similar_tokens import (
    K,
    Names,
    Normaliser,
    TokenIds,
    Tokens,
    kgram_hashes,
    winnow,
)
from grader.errors import UsageError
from grader.ingest.parsing import BUILTINS, Deadline, parse_tolerant, percent_cells, strip_magics
from grader.ingest.reading import notebook_cells, read_source
from grader.messages import say
from grader.model.exercise import Exercise

# A learner's code beyond this many characters (the starter's cells apart) is not compared: the first
# MAX_COMPARED_CHARS are, and a note says so. Reading and parsing stay bounded for a hostile file.
MAX_COMPARED_CHARS = 1_000_000
# Reading one learner's files (parsing, normalising) ends after this many seconds: the learner is then
# listed as unreadable, the others are compared.
READ_SECONDS = 20.0
# Module aliases every learner module has without importing them (the exercise's preamble).
DEFAULT_MODULES = {"np": "np", "numpy": "np", "math": "math"}
# The name of the unit of a learner's top-level statements other than definitions (not an identifier, so
# no function's): shown as ``unit_label`` says it, in the language spoken.
MODULE_LABEL = "(top level)"


def unit_label(name: str) -> str:
    """A unit's name as a page or a sentence shows it: a function's or class's name, or the top level's."""
    return say("similar.top_level") if name == MODULE_LABEL else name


def _location(display: str, cell: int, line: int) -> str:
    """Where a unit or a statement lies: "alice.ipynb, cell 7, line 1", "alice.py, line 3"."""
    return (say("similar.where.cell", file=display, cell=cell, line=line) if cell
            else say("similar.where.file", file=display, line=line))


@dataclass
class Unit:
    """One unit of a learner's code: where it is, its text, and its fingerprints."""

    name: str  # the function or class name as the learner wrote it; MODULE_LABEL for the rest
    graded: str | None  # the graded function it defines (its current name), if any
    location: str  # "alice.ipynb, cell 7, line 1"
    text: str  # its source; token lines count from its first line
    hashes: array = field(default_factory=lambda: array("q"))  # selected k-gram hashes, in order
    positions: array = field(default_factory=lambda: array("l"))  # the token index of each
    first: array = field(default_factory=lambda: array("l"))  # the first line each selected k-gram covers
    last: array = field(default_factory=lambda: array("l"))  # and its last
    code_lines: tuple[int, ...] = ()  # the lines that hold tokens (not docstrings, comments, blank lines)
    shapes: array = field(default_factory=lambda: array("q"))  # hashes of its AST shapes (the starter's left out)
    own: int = 0  # k-grams that are not the starter's: how much the learner wrote here
    digest: int = 0  # the hash of all its normalised tokens


@dataclass
class LearnerCode:
    """A learner's own code as units, and what could not be compared."""

    id: str
    units: list[Unit]
    notes: list[str] = field(default_factory=list)


@dataclass
class Starter:
    """What the exercise hands out, as the comparison leaves it out, and the names that keep their name."""

    cells: frozenset[str]  # cell texts, stripped
    statements: frozenset[int]  # digests of top-level statements
    kgrams: frozenset[int]
    shapes: frozenset[int]
    kept: frozenset[str]  # names that are tokens by name (builtins, graded and given functions)
    graded: dict[str, str]  # any accepted name of a graded function -> its current name


@dataclass(frozen=True)
class _Chunk:
    text: str
    cell: int  # its number in a notebook, or 0
    base: int  # lines before it in its file


def exercise_files(ex: Exercise) -> list[Path]:
    """The starter: the exercise's learner files as shipped and its helper modules (every .py and .ipynb
    directly in the exercise folder)."""
    return sorted(p for p in ex.root.iterdir() if p.suffix in (".py", ".ipynb") and p.is_file()
                  and not p.is_symlink() and not p.name.startswith("."))


def _chunks(path: Path, text: str) -> list[_Chunk]:
    """A file's cells (a notebook's code cells, a .py file's ``# %%`` cells) or the whole file."""
    if path.suffix == ".ipynb":
        chunks = []
        for number, source in notebook_cells(text, path):
            stripped = strip_magics(source)
            if stripped is not None:
                chunks.append(_Chunk(stripped, number, 0))
        return chunks
    cells = percent_cells(text)
    if len(cells) > 1:
        return [_Chunk(source, 0, base) for base, source in cells]
    return [_Chunk(text, 0, 0)]


def _imports(statements: list[ast.stmt]) -> tuple[dict[str, str], set[str]]:
    """(module aliases, other imported names) of top-level imports: ``import numpy as xp`` gives
    xp -> np, ``from numpy import exp`` exp -> np.exp, ``from lr_utils import load_dataset`` a name."""
    from grader.classroom.similar_tokens import MODULE_NAMES

    modules: dict[str, str] = {}
    names: set[str] = set()
    for stmt in statements:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                module = MODULE_NAMES.get(alias.name)
                if alias.asname:
                    if module:
                        modules[alias.asname] = module
                    else:
                        names.add(alias.asname)
                else:
                    top = alias.name.split(".")[0]
                    if top in MODULE_NAMES:
                        modules[top] = MODULE_NAMES[top]
                    else:
                        names.add(top)
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            module = MODULE_NAMES.get(stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                if module:
                    modules[local] = f"{module}.{alias.name}"
                else:
                    names.add(local)
    return modules, names


def _defined(statements: list[ast.stmt]) -> set[str]:
    return {s.name for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


class _Reader:
    """Reads a learner's (or the starter's) files into units."""

    def __init__(self, starter: Starter | None, kept: frozenset[str], graded: dict[str, str], *,
                 every_kgram: bool = False, ids: TokenIds | None = None) -> None:
        self.starter = starter
        self.kept = kept
        self.graded = graded
        self.ids = ids or TokenIds()
        self.every_kgram = every_kgram  # select every k-gram, not the winnowed ones (the reference's)

    def parsed(self, files: list[tuple[Path, str]], deadline: Deadline, notes: list[str]
               ) -> list[tuple[ast.stmt, int, list[str], tuple[str, int], int]]:
        """(statement, line offset in its chunk, the chunk's lines, (file, cell), line base) of every file's
        chunks, in order; the starter's cells skipped; at most MAX_COMPARED_CHARS of text parsed."""
        found: list[tuple[ast.stmt, int, list[str], tuple[str, int], int]] = []
        budget = MAX_COMPARED_CHARS
        for path, display in files:
            text, _ = read_source(path)
            chunks = _chunks(path, text)
            file_notes: list[str] = []
            statements, left = self._parse_chunks(chunks, display, deadline, file_notes, budget)
            if file_notes and path.suffix == ".py" and len(chunks) > 1:
                # A "# %%" cell that does not parse alone (a string across a cell line): the whole file,
                # as grading reads it.
                file_notes = []
                statements, left = self._parse_chunks([_Chunk(text, 0, 0)], display, deadline, file_notes, budget)
            found += statements
            notes += file_notes
            budget = left
            if budget <= 0:
                notes.append(say("similar.note.truncated", limit=f"{MAX_COMPARED_CHARS:,}"))
                break
        return found

    def _parse_chunks(self, chunks: list[_Chunk], display: str, deadline: Deadline, notes: list[str], budget: int
                      ) -> tuple[list[tuple[ast.stmt, int, list[str], tuple[str, int], int]], int]:
        found = []
        for chunk in chunks:
            deadline.check()
            source = chunk.text
            if not source.strip() or (self.starter is not None and source.strip() in self.starter.cells):
                continue
            if len(source) > budget:
                source = source[: max(source.rfind("\n", 0, budget), 0)]
                budget = 0
            else:
                budget -= len(source)
            statements, errors = parse_tolerant(source, deadline)
            for line, reason, _ in errors:
                notes.append(say("similar.note.unparsed", location=_location(display, chunk.cell, line + chunk.base),
                                 reason=reason))
            lines = source.split("\n")
            found += [(stmt, offset, lines, (display, chunk.cell), chunk.base) for stmt, offset in statements]
            if budget <= 0:
                break
        return found, budget

    def units(self, learner: str, files: list[tuple[Path, str]], deadline: Deadline) -> LearnerCode:
        notes: list[str] = []
        statements = self.parsed(files, deadline, notes)
        modules, imported = _imports([s for s, *_ in statements])
        normaliser = Normaliser(Names(kept=self.kept | imported, modules={**DEFAULT_MODULES, **modules}), self.ids)
        units: list[Unit] = []
        rest: list[tuple[Tokens, str, str]] = []  # the other top-level statements: tokens, text, location
        for stmt, offset, lines, where, base in statements:
            deadline.check()
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            first = (stmt.decorator_list[0].lineno if getattr(stmt, "decorator_list", None) else stmt.lineno) + offset
            last = (stmt.end_lineno or stmt.lineno) + offset
            location = _location(*where, first + base)
            try:
                tokens = normaliser.tokens([stmt], [offset - first + 1])
            except RecursionError:
                notes.append(say("similar.note.too_deep", location=location))
                continue
            if not tokens.ids:
                continue
            digest = tokens.digest()
            if self.starter is not None and digest in self.starter.statements:
                continue
            text = "\n".join(lines[first - 1 : last])
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                graded = self.graded.get(stmt.name) if not isinstance(stmt, ast.ClassDef) else None
                units.append(self._unit(stmt.name, graded, location, text, tokens))
            else:
                rest.append((tokens, text, location))
        if rest:
            units.append(self._rest(rest))
        return LearnerCode(learner, units, notes)

    def _rest(self, rest: list[tuple[Tokens, str, str]]) -> Unit:
        """One unit of the top-level statements other than definitions, their texts one after the other."""
        merged = Tokens()
        texts: list[str] = []
        shift = 0
        for tokens, text, _ in rest:
            merged.ids += tokens.ids
            merged.lines += [line + shift for line in tokens.lines]
            merged.shapes |= tokens.shapes
            texts.append(text)
            shift += text.count("\n") + 1
        return self._unit(MODULE_LABEL, None, rest[0][2], "\n".join(texts), merged)

    def _unit(self, name: str, graded: str | None, location: str, text: str, tokens: Tokens) -> Unit:
        hashes = kgram_hashes(tokens.ids)
        excluded = self.starter.kgrams if self.starter is not None else frozenset()
        if self.every_kgram:
            selected = [i for i, h in enumerate(hashes) if h not in excluded]
        else:
            selected = winnow(hashes, excluded)
        lines = tokens.lines
        width = min(K, len(lines))
        shapes = tokens.shapes - self.starter.shapes if self.starter is not None else set(tokens.shapes)
        own = sum(1 for h in hashes if h not in excluded)
        return Unit(name=name, graded=graded, location=location, text=text,
                    hashes=array("q", [hashes[i] for i in selected]), positions=array("l", selected),
                    first=array("l", [min(lines[i], lines[i + width - 1]) for i in selected]),
                    last=array("l", [max(lines[i], lines[i + width - 1]) for i in selected]),
                    code_lines=tuple(sorted(set(lines))), shapes=array("q", shapes), own=own,
                    digest=tokens.digest())


def graded_names(ex: Exercise) -> dict[str, str]:
    """Every accepted name of a graded function (current and older) -> its current name."""
    return {name: function.name for function in ex.functions for name in function.names}


def read_starter(ex: Exercise) -> Starter:
    """The starter as the comparison leaves it out (see the module's docstring)."""
    graded = graded_names(ex)
    files = [(p, p.name) for p in exercise_files(ex)]
    # First the names the starter defines (they keep their name in every learner's tokens)...
    deadline = Deadline(None)
    reader = _Reader(None, frozenset(), graded)
    notes: list[str] = []
    statements = []
    texts: set[str] = set()
    for path, display in files:
        try:
            statements += [s for s, *_ in reader.parsed([(path, display)], deadline, notes)]
            text, _ = read_source(path)
            texts |= {c.text.strip() for c in _chunks(path, text)}
        except UsageError:
            continue
    kept = frozenset(BUILTINS | set(graded) | _defined(statements))
    # ... then its statements, k-grams and shapes.
    reader = _Reader(None, kept, graded)
    modules, imported = _imports(statements)
    normaliser = Normaliser(Names(kept=kept | imported, modules={**DEFAULT_MODULES, **modules}))
    digests: set[int] = set()
    kgrams: set[int] = set()
    shapes: set[int] = set()
    for stmt in statements:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        try:
            tokens = normaliser.tokens([stmt], [0])
        except RecursionError:
            continue
        digests.add(tokens.digest())
        kgrams.update(kgram_hashes(tokens.ids))
        shapes |= tokens.shapes
    texts.discard("")
    return Starter(cells=frozenset(texts), statements=frozenset(digests), kgrams=frozenset(kgrams),
                   shapes=frozenset(shapes), kept=kept, graded=graded)


@dataclass(frozen=True)
class Reference:
    """The reference solution as the comparison sees it: what many learners write, so a weaker sign of
    copying. Empty for an exercise without reference files (a learners' copy)."""

    kgrams: frozenset[int] = frozenset()  # all its k-grams that are not the starter's
    shapes: frozenset[int] = frozenset()
    digests: dict[str, int] = field(default_factory=dict)  # graded function -> the digest of its code

    def __bool__(self) -> bool:
        return bool(self.kgrams or self.shapes)


def read_reference(ex: Exercise, starter: Starter) -> Reference:
    """The exercise's reference solution (``solutions/<name>/``) as a ``Reference``."""
    paths = [ex.solutions / name for name in ex.reference_files]
    paths = [p for p in paths if p.is_file() and not p.is_symlink()]
    if not paths or ex.recorded_reference is not None:
        return Reference()
    reader = _Reader(starter, starter.kept, starter.graded, every_kgram=True)
    try:
        code = reader.units("reference", [(p, p.name) for p in paths], Deadline(None))
    except UsageError:
        return Reference()
    return Reference(kgrams=frozenset(h for unit in code.units for h in unit.hashes),
                     shapes=frozenset(h for unit in code.units for h in unit.shapes),
                     digests={unit.graded: unit.digest for unit in code.units if unit.graded})


def read_learner(learner: Learner, starter: Starter, root: Path, ids: TokenIds | None = None) -> LearnerCode:
    """A learner's own code as units (see the module's docstring); raises UsageError for files that cannot
    be read (too large, not UTF-8, a malformed notebook) or when reading takes READ_SECONDS.
    ids: the token ids met so far (a class's reader keeps one for all its learners)."""
    files = []
    for path in learner.files:
        try:
            display = str(path.relative_to(root))
        except ValueError:
            display = path.name
        files.append((path, display))
    reader = _Reader(starter, starter.kept, starter.graded, ids=ids)
    return reader.units(learner.id, files, Deadline(READ_SECONDS))
