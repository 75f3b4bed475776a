"""Parsing a learner's text into kept units, without running anything.

A cell or file is parsed as a whole, else block by block (``parse_tolerant``), so one broken
function costs only itself; IPython magics and shell escapes are blanked first (``strip_magics``).
Of the top-level statements, imports, functions, classes and constant assignments are kept
(``defined_names``); test calls, prints, plots and data loading are dropped.
"""

from __future__ import annotations

import ast
import builtins
import re
import time
import warnings
from dataclasses import dataclass

from grader.errors import usage_error
from grader.ingest.shared_cells import Parsed, SharedCells
from grader.ingest.units import CodeUnit

NUMPY_ALIASES = ("np", "numpy", "math")
BUILTINS = frozenset(dir(builtins))
# numpy calls that read files or are otherwise not "constants".
_IO_CALLS = frozenset({"load", "loadtxt", "genfromtxt", "fromfile", "save", "savez", "savetxt", "memmap"})
# Cell magics whose body is still Python (the magic line itself is dropped).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# Magics and shell escapes start at column 0; an indented "% (x)" continues a string format.
_MAGIC_LINE = re.compile(r"^([%!]|\w+\s*=\s*[%!])")


class Deadline:
    """When reading a submission must have ended (``seconds`` from now; None: never)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self._at = float("inf") if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        """Raise UsageError once the time is up."""
        if time.monotonic() > self._at:
            raise usage_error("source.deadline", seconds=self.seconds)


NO_DEADLINE = Deadline()

def strip_magics(source: str) -> str | None:
    """Blank out IPython magics and shell escapes, keeping line numbers.

    Returns None for a cell whose cell magic makes it non-Python (``%%bash``...).
    """
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    return "\n".join("" if _MAGIC_LINE.match(line) else line for line in lines)


def _top_level_blocks(source: str) -> list[tuple[int, str]]:
    """Split source into (first line, text) blocks, each starting at a column-0 statement."""
    lines = source.split("\n")
    starts = []
    pending_decorator = False
    for i, line in enumerate(lines):
        if not line or line[0] in " \t#)]}" or line.startswith(("else", "elif", "except", "finally")):
            continue
        if not pending_decorator:
            starts.append(i)
        pending_decorator = line.startswith("@")
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = starts + [len(lines)]
    return [(bounds[k] + 1, "\n".join(lines[bounds[k] : bounds[k + 1]])) for k in range(len(starts))]


def _parse(source: str) -> ast.Module:
    """``ast.parse``, with every way hostile text can make it fail turned into a SyntaxError.

    Besides SyntaxError, CPython raises ValueError (null bytes, lone surrogates that cannot be
    encoded), RecursionError ("during ast construction": ``X = np.a.a.a...`` 100 000 deep) and
    MemoryError (the parser's own stack: ``X = ------...1``); none of them may crash the grader.
    """
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" & co. are the learner's, not ours to print
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except SyntaxError:
        raise
    except ValueError as exc:
        raise SyntaxError(str(exc).splitlines()[0] if str(exc) else "unparsable text") from None
    except (RecursionError, MemoryError):
        raise SyntaxError("too deeply nested to parse") from None


# The functions and classes a block defines at its top level (named even when it does not parse).
_DEFINES = re.compile(r"^(?:async[ \t]+def|def|class)[ \t]+(\w+)", re.MULTILINE)


def parse_tolerant(source: str, deadline: Deadline = NO_DEADLINE
                   ) -> tuple[list[tuple[ast.stmt, int]], list[tuple[int, str, tuple[str, ...]]]]:
    """Parse what parses: returns ([(statement, line offset)], [(line, error, names it defines)]).

    A block that fails alone is retried merged with the following blocks (a
    multi-line string at column 0 splits wrongly); if no merge parses, the block
    is reported and skipped.
    """
    try:
        return [(s, 0) for s in _parse(source).body], []
    except SyntaxError:
        pass
    blocks = _top_level_blocks(source)
    statements: list[tuple[ast.stmt, int]] = []
    errors: list[tuple[int, str, tuple[str, ...]]] = []
    i = 0
    while i < len(blocks):
        deadline.check()
        first_line = blocks[i][0]
        for j in range(i, min(i + 8, len(blocks))):
            text = "\n".join(b[1] for b in blocks[i : j + 1])
            try:
                tree = _parse(text)
            except SyntaxError as exc:
                if j == i:
                    error = exc
                continue
            statements += [(s, first_line - 1) for s in tree.body]
            i = j + 1
            break
        else:
            line = first_line + (error.lineno or 1) - 1
            errors.append((line, error.msg, tuple(_DEFINES.findall(blocks[i][1]))))
            i += 1
    return statements, errors


def _free_names(node: ast.expr) -> set[str]:
    """Names an expression reads when evaluated (lambda bodies run later: not counted)."""
    names: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Lambda):
            stack += current.args.defaults + [d for d in current.args.kw_defaults if d is not None]
            continue
        if isinstance(current, ast.Name):
            names.add(current.id)
        stack += list(ast.iter_child_nodes(current))
    return names


def _is_constant_expr(node: ast.expr) -> bool:
    """Literals, names, arithmetic on them, lambdas and numpy/math calls on constants."""
    if isinstance(node, (ast.Constant, ast.Name, ast.Lambda)):
        return True
    if isinstance(node, ast.Attribute):
        return _is_constant_expr(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_constant_expr(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or _is_constant_expr(k) for k in node.keys) and all(
            _is_constant_expr(v) for v in node.values
        )
    if isinstance(node, ast.UnaryOp):
        return _is_constant_expr(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_constant_expr(node.left) and _is_constant_expr(node.right)
    if isinstance(node, ast.Call):
        root, attr = node.func, None
        while isinstance(root, ast.Attribute):
            attr = attr or root.attr
            root = root.value
        return (
            isinstance(root, ast.Name)
            and root.id in NUMPY_ALIASES
            and attr not in _IO_CALLS
            and all(_is_constant_expr(a) for a in node.args)
            and all(_is_constant_expr(k.value) for k in node.keywords)
        )
    return False


def _target_names(target: ast.expr) -> list[str] | None:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names = [_target_names(e) for e in target.elts]
        return None if any(n is None for n in names) else [x for n in names for x in n]  # type: ignore[union-attr]
    return None


def defined_names(stmt: ast.stmt, known: set[str] | frozenset[str] = frozenset()) -> tuple[str, ...] | None:
    """Names a kept statement defines, or None when the statement is dropped.

    An assignment is kept only when it is constant-like and reads names already
    defined (``known``) or builtins: ``X = X_flat / 255`` depends on data loading
    that is not run, so it is dropped rather than reported as an error.
    """
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (stmt.name,)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return tuple((a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*")
    value = getattr(stmt, "value", None)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and value is not None and not all(
        name in known or name in BUILTINS or name in NUMPY_ALIASES for name in _free_names(value)
    ):  # (no union of the sets: copying ``known`` for every statement made a file quadratic)
        return None
    if isinstance(stmt, ast.Assign) and _is_constant_expr(stmt.value):
        names = [_target_names(t) for t in stmt.targets]
        if all(n is not None for n in names):
            return tuple(x for n in names for x in n)  # type: ignore[union-attr]
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and _is_constant_expr(stmt.value):
        return tuple(_target_names(stmt.target) or ()) or None
    if isinstance(stmt, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
        return tuple(n for s in stmt.body for n in defined_names(s) or ())
    return None


def _parsed(source: str, deadline: Deadline) -> Parsed:
    """``parse_tolerant`` as a SharedCells keeps it (tuples: it is only ever read)."""
    statements, errors = parse_tolerant(source, deadline)
    return tuple(statements), tuple(errors)


def percent_cells(text: str) -> list[tuple[int, str]]:
    """A percent-format file's cells ("# %%" lines start them) as (lines before it, text)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    if not starts:
        return []
    bounds = ([0] if starts[0] else []) + starts + [len(lines)]
    return [(bounds[k], "\n".join(lines[bounds[k] : bounds[k + 1]])) for k in range(len(bounds) - 1)]


@dataclass(frozen=True)
class Unparsed:
    """A block that does not parse: where, why, and the functions/classes it would define."""

    line: int
    reason: str
    names: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return f"{self.reason} (line {self.line})"


def extract_units(source: str, filename: str, where: str, known: set[str] | None = None,
                  line_base: int = 0, *, cells: SharedCells | None = None,
                  deadline: Deadline = NO_DEADLINE) -> tuple[list[CodeUnit], list[Unparsed]]:
    """Kept units of one source text and the blocks that did not parse.

    ``known`` (names defined so far in the file) is updated with what is kept.
    cells: texts met before, parsed once (their units are ``shared``); without it, the text is parsed.
    """
    known = set() if known is None else known
    if cells is None:
        statements, errors = parse_tolerant(source, deadline)
        shared = False
    else:
        statements, errors = cells.parsed(source, lambda text: _parsed(text, deadline))
        shared = source in cells
    lines = source.split("\n")
    units = []
    for stmt, offset in statements:
        deadline.check()
        try:
            names = defined_names(stmt, known)
        except RecursionError:  # a constant nested thousands deep (1+1+1+...): not kept
            names = None
        if names is None:
            continue
        known.update(names)
        start = (stmt.decorator_list[0].lineno if getattr(stmt, "decorator_list", None) else stmt.lineno) + offset
        end = (stmt.end_lineno or stmt.lineno) + offset
        text = "\n".join(lines[start - 1 : end])
        units.append(
            CodeUnit(
                source=text,
                filename=filename,
                first_line=start + line_base,
                location=f"{where}line {start + line_base}",
                names=names,
                droppable=_droppable(stmt),
                tree=stmt,
                shared=shared,
            )
        )
    return units, [Unparsed(line + line_base, reason, names) for line, reason, names in errors]


def _droppable(stmt: ast.stmt) -> bool:
    """An import (not ``*`` nor ``__future__``), or an assignment whose value calls something."""
    if isinstance(stmt, ast.Import):
        return True
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module != "__future__" and all(a.name != "*" for a in stmt.names)
    return isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and any(
        isinstance(node, ast.Call) for node in ast.walk(stmt.value))
