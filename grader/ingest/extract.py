"""Turn submitted files into definitions, without running anything.

A learner's ``.py`` file or notebook is read as text, split into code units
(cells, then top-level statements) and filtered: imports, functions, classes and
constant assignments are kept; test calls, prints, plots, data loading, magics and
shell escapes are dropped.  A cell or top-level block that does not parse is
reported as a ``SourceNote`` and skipped, so one broken function costs only itself.

Notebook JSON is parsed directly (nbformat v3 and v4 layouts): importing nbformat
and validating its schema would cost more than grading the notebook.
"""

from __future__ import annotations

import __future__
import ast
import builtins
import collections
import contextvars
import hashlib
import json
import marshal
import os
import re
import stat
import time
import types
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import UsageError
from grader.messages import say
from grader.model.report import SourceNote, SubmittedFile

MAX_FILE_BYTES = 20 * 1024 * 1024
# A notebook's outputs do not count towards MAX_FILE_BYTES: one of up to this size is read a chunk at a
# time without them (grader/ingest/notebook_outputs.py); a larger one is refused, saying how to clear them.
NOTEBOOK_MAX_BYTES = 200 * 1024 * 1024
# Reading a submission (parsing, selecting, compiling, the reads analysis) is linear in its size;
# past this many seconds in all, it ends with a one-line error all the same.
EXTRACT_SECONDS = 30.0
# Modules next to a learner's files that the submission may import (copied into its sandbox).
MAX_SIBLINGS = 64
MAX_SIBLING_BYTES = 2 * 1024 * 1024
NUMPY_ALIASES = ("np", "numpy", "math")
# numpy calls that read files or are otherwise not "constants".
_IO_CALLS = frozenset({"load", "loadtxt", "genfromtxt", "fromfile", "save", "savez", "savetxt", "memmap"})
# Cell magics whose body is still Python (the magic line itself is dropped).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_BUILTINS = frozenset(dir(builtins))
# Magics and shell escapes start at column 0; an indented "% (x)" continues a string format.
_MAGIC_LINE = re.compile(r"^([%!]|\w+\s*=\s*[%!])")


@dataclass
class CodeUnit:
    """One kept top-level statement, ready to compile in the worker."""

    source: str
    filename: str
    first_line: int
    location: str
    names: tuple[str, ...]
    droppable: bool = False  # an import, or an assignment that calls something: see drop_unread
    tree: ast.stmt | None = field(default=None, repr=False, compare=False)  # the parsed statement
    shared: bool = False  # its tree comes from the cache of cells met before (see _parsed)
    code: bytes | None = field(default=None, repr=False, compare=False)  # marshalled, see compile_units

    def for_worker(self) -> dict[str, object]:
        """What the worker needs to run it (its compiled code, when compiled here)."""
        unit: dict[str, object] = {"source": self.source, "filename": self.filename, "first_line": self.first_line}
        if self.code is not None:
            unit["code"] = self.code
        return unit


@dataclass
class ModuleSource:
    """The kept definitions of one submitted file, in order."""

    name: str
    path: str
    units: list[CodeUnit] = field(default_factory=list)
    # Names its functions read that another submitted file defines and this one neither defines nor
    # imports: name -> that file's module (the files then run as one notebook's cells would).
    borrowed: dict[str, str] = field(default_factory=dict)
    # Functions and classes hidden by a block that does not parse: name -> where and why.
    unparsed: dict[str, str] = field(default_factory=dict)

    def defines(self, name: str) -> bool:
        return any(name in unit.names for unit in self.units)

    def source_of(self, name: str) -> str | None:
        """The source of the last definition of ``name`` in this file."""
        found = None
        for unit in self.units:
            if name in unit.names:
                found = unit.source
        return found


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("extract_deadline", default=float("inf"))


def _in_time() -> None:
    """Raise UsageError once the submission being read has used up EXTRACT_SECONDS."""
    if time.monotonic() > _deadline.get():
        raise UsageError(f"the submission could not be read within {EXTRACT_SECONDS:g} s "
                         "(far too many definitions or cells): split it or remove what is not needed")


@dataclass(frozen=True)
class SiblingModule:
    """A .py module next to the submitted files, read once: its bytes go into the sandbox and
    into the fingerprint, so what the learner's code can import is what the seed covers."""

    name: str
    data: bytes


@dataclass
class Submission:
    """Everything extracted from the submitted files."""

    modules: list[ModuleSource]
    files: list[SubmittedFile]
    notes: list[SourceNote]
    sha256: str
    siblings: list[SiblingModule] = field(default_factory=list)

    def find(self, names: tuple[str, ...] | list[str]) -> tuple[ModuleSource, str] | None:
        """The module and name of the last definition among ``names`` (aliases)."""
        for module in reversed(self.modules):
            for name in names:
                if module.defines(name):
                    return module, name
        return None

    def unparsed(self, names: tuple[str, ...] | list[str]) -> str:
        """Where a definition of one of ``names`` does not parse ("path: cell 3, line 12: ..."), or ""."""
        for module in reversed(self.modules):
            for name in names:
                if name in module.unparsed:
                    return f"{module.path}: {module.unparsed[name]}"
        return ""


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; raises UsageError.

    Never follows a link (it could point at the reference or another learner's file) and
    never reads a FIFO, socket or device (a FIFO would block the grader for ever, /dev/zero
    fill its memory): the file is opened without following links or blocking, and only a
    regular file is read, with its size checked before and while reading.
    """
    fd, info = _open_regular(path)
    try:
        return _read_open(fd, info, path, limit)
    finally:
        os.close(fd)


def _read_open(fd: int, info: os.stat_result, path: Path, limit: int) -> bytes:
    """The bytes of the open regular file ``fd`` (its status ``info``), at most ``limit``."""
    try:
        if info.st_size > limit:
            raise UsageError(f"{path}: file is larger than {limit // 2**20} MB")
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise UsageError(f"{path}: file is larger than {limit // 2**20} MB")
        return b"".join(chunks)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor of the regular file ``path`` (no link followed, opened without blocking)
    and its status; raises UsageError for anything else (see read_capped)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        if Path(path).is_symlink():
            # A link can point at the reference solution or at another learner's file: the grader
            # would read it on the learner's behalf (SECURITY.md, "symbolic links").
            raise UsageError(f"{path}: is a symbolic link; submit the file itself") from None
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{path}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path}: is not a regular file (a device, FIFO or socket); submit a .py or .ipynb file")
    except OSError as exc:
        os.close(fd)
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_text(path: Path) -> str:
    """Read a learner file as UTF-8 text; raises UsageError for unusable files."""
    return _decoded(read_capped(path, MAX_FILE_BYTES), path)


def sibling_modules(paths: list[Path]) -> list[SiblingModule]:
    """The .py modules next to ``paths`` (not among them) that the submission may import: regular
    files of at most MAX_SIBLING_BYTES, MAX_SIBLINGS at most, each read once.  Links, FIFOs and
    devices are left out (see read_capped), and so are files that cannot be read."""
    found: list[SiblingModule] = []
    seen: set[str] = {p.name for p in paths}
    for folder in dict.fromkeys(p.parent for p in paths):
        for path in sorted(folder.glob("*.py")):
            if len(found) >= MAX_SIBLINGS:
                return found
            if path.name in seen:
                continue
            try:
                found.append(SiblingModule(path.name, read_capped(path, MAX_SIBLING_BYTES)))
            except UsageError:
                continue
            seen.add(path.name)
    return found


def read_notebook(path: Path) -> tuple[str, str]:
    """(the notebook's JSON text, its digest); raises UsageError for unusable files.

    A notebook of at most MAX_FILE_BYTES is read whole (as ``read_text`` reads a file). A larger
    one, up to NOTEBOOK_MAX_BYTES, is read a chunk at a time without its outputs and attachments,
    which the grader never reads (``notebook_outputs.without_outputs``): the rest must be within
    MAX_FILE_BYTES. Its digest is that of all its bytes (equal to ``text_digest`` of its whole text).
    """
    from grader.ingest.notebook_outputs import KeptTooLarge, without_outputs

    fd, info = _open_regular(path)
    try:
        if info.st_size <= MAX_FILE_BYTES:  # read whole, from the descriptor already open
            text = _decoded(_read_open(fd, info, path, MAX_FILE_BYTES), path)
            return text, text_digest(text)
        if info.st_size > NOTEBOOK_MAX_BYTES:
            raise UsageError(say("notebook.too_large", path=path, limit=NOTEBOOK_MAX_BYTES // 2**20,
                                 size=info.st_size // 2**20))
        read = 0

        def chunk(size: int) -> bytes:
            nonlocal read
            data = os.read(fd, size)
            read += len(data)
            if read > NOTEBOOK_MAX_BYTES:  # it grew while being read
                raise UsageError(say("notebook.too_large", path=path, limit=NOTEBOOK_MAX_BYTES // 2**20,
                                     size=read // 2**20))
            return data

        kept, digest = without_outputs(chunk, MAX_FILE_BYTES)
    except KeptTooLarge:
        raise UsageError(say("notebook.code_too_large", path=path, limit=MAX_FILE_BYTES // 2**20)) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    return _decoded(kept, path), digest


def _decoded(data: bytes, path: Path) -> str:
    """``data`` as UTF-8 text; raises UsageError for a binary file or one that is not UTF-8."""
    if b"\x00" in data:
        raise UsageError(f"{path}: is a binary file, not Python source or a notebook")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None


def notebook_cells(text: str, path: Path) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell; raises UsageError for malformed notebooks."""
    if not text.strip():
        raise UsageError(say("notebook.empty", path=path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's reasons that end in " at" name the place after them: "Unterminated string starting at".
        reason = exc.msg[0].lower() + exc.msg[1:]
        reason = reason[:-3] + " here" if reason.endswith(" at") else reason
        raise UsageError(say("notebook.json", path=path, line=exc.lineno, column=exc.colno, reason=reason)) from None
    except RecursionError:
        raise UsageError(say("notebook.too_deep", path=path)) from None
    if not isinstance(data, dict):
        raise UsageError(say("notebook.not_object", path=path))
    if isinstance(data.get("cells"), list):
        cells = data["cells"]
        key = "source"
    elif isinstance(data.get("worksheets"), list):  # nbformat v3
        cells = [c for ws in data["worksheets"] if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
                 for c in ws["cells"]]
        key = "input"
    else:
        raise UsageError(say("notebook.no_cells", path=path))
    result = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get(key, cell.get("source", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str):
            result.append((number, source))
    return result


def nothing_to_grade(path: Path, display: str) -> list[SourceNote]:
    """For a file in which nothing was kept: a note saying that it is empty, or that the notebook has
    no code (read again: this is rare); none for a file with code that defines nothing."""
    text = read_source(path)[0]
    if not text.strip():
        message = say("source.empty")
    elif path.suffix == ".ipynb":
        cells = notebook_cells(text, path)
        if any(source.strip() for _, source in cells):
            return []
        cells_said = (say("source.no_code_cells") if not cells else say("source.blank_code_cell") if len(cells) == 1
                      else say("source.blank_code_cells", count=len(cells)))
        message = say("source.no_code", cells=cells_said)
    else:
        return []
    return [SourceNote(file=display, location="", kind="empty", message=message)]


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


def parse_tolerant(source: str) -> tuple[list[tuple[ast.stmt, int]], list[tuple[int, str, tuple[str, ...]]]]:
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
        _in_time()
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
        name in known or name in _BUILTINS or name in NUMPY_ALIASES for name in _free_names(value)
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


# Cells up to this size are parsed once per process: a class's notebooks share most cells.
_CACHED_CELL_CHARS = 16_384


_Parsed = tuple[tuple[tuple[ast.stmt, int], ...], tuple[tuple[int, str, tuple[str, ...]], ...]]
_PARSED: collections.OrderedDict[str, _Parsed] = collections.OrderedDict()
_SEEN: set[int] = set()  # hashes of small texts parsed once (a text seen twice is a shared cell)
# The compiled code of the statements of _PARSED's cells, by id(statement): it leaves with its cell.
_COMPILED: dict[int, tuple[ast.stmt, types.CodeType]] = {}


def _parsed(source: str) -> _Parsed:
    """``parse_tolerant``, remembered for small texts met more than once (the trees are only
    read, never changed). A learner's own cells are parsed each time and never kept."""
    cached = _PARSED.get(source)
    if cached is not None:
        _PARSED.move_to_end(source)
        return cached
    statements, errors = parse_tolerant(source)
    result = tuple(statements), tuple(errors)
    if len(source) <= _CACHED_CELL_CHARS:
        key = hash(source)
        if key in _SEEN:
            _PARSED[source] = result
            if len(_PARSED) > 128:
                _, (evicted, _) = _PARSED.popitem(last=False)
                for stmt, _ in evicted:  # its statements' code goes with it (see compile_units)
                    _COMPILED.pop(id(stmt), None)
        elif len(_SEEN) < 100_000:
            _SEEN.add(key)
        else:
            _SEEN.clear()
    return result


def _percent_cells(text: str) -> list[tuple[int, str]]:
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
                  line_base: int = 0) -> tuple[list[CodeUnit], list[Unparsed]]:
    """Kept units of one source text and the blocks that did not parse.

    ``known`` (names defined so far in the file) is updated with what is kept.
    """
    known = set() if known is None else known
    statements, errors = _parsed(source)
    shared = source in _PARSED
    lines = source.split("\n")
    units = []
    for stmt, offset in statements:
        _in_time()
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


def _scope_reads(nodes: list[ast.AST], parameters: tuple[str, ...], *, module: bool = False) -> set[str]:
    """Names read in one scope (and the scopes nested in it) that are not its own locals."""
    loads: set[str] = set()
    stores: set[str] = set(parameters)
    declared: set[str] = set()  # global / nonlocal: not locals even when assigned
    nested: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                stores.add(node.name)
                stack += node.decorator_list
            stack += _defaults(node.args)
            nested.append(node)
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, ast.Attribute):
            loads.add(node.attr)
        elif isinstance(node, ast.alias):
            loads.add(node.name.split(".")[-1])
            stores.add((node.asname or node.name).split(".")[0])
        stack += ast.iter_child_nodes(node)
    local = set() if module else stores - declared
    free = loads - local
    for function in nested:
        arguments = function.args
        names = tuple(a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs)
        names += tuple(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
        body = function.body if isinstance(function.body, list) else [function.body]
        free |= _scope_reads(body, names) - local
    return free


def _defaults(arguments: ast.arguments) -> list[ast.expr]:
    """A function's default values (evaluated where it is defined, not in its own scope)."""
    return [d for d in arguments.defaults + arguments.kw_defaults if d is not None]


def _droppable(stmt: ast.stmt) -> bool:
    """An import (not ``*`` nor ``__future__``), or an assignment whose value calls something."""
    if isinstance(stmt, ast.Import):
        return True
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module != "__future__" and all(a.name != "*" for a in stmt.names)
    return isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and any(
        isinstance(node, ast.Call) for node in ast.walk(stmt.value))


def drop_unread(modules: list[ModuleSource], graded: frozenset[str], codes: dict[int, types.CodeType]) -> None:
    """Leave out top-level imports and computed values that nothing kept reads.

    A notebook's demonstration cells (``a = np.random.rand(1_000_000)`` before timing a
    loop) would otherwise be computed in every learner's sandbox, and its ``import
    matplotlib.pyplot as plt`` imported (a few hundred ms where matplotlib is installed),
    for no graded function. A name keeps its statement when any kept statement of any
    file of the submission may read it (as a name, an attribute or an import), or when
    the grader reads it (``graded``: a graded function may be imported or assigned);
    when in doubt, it is kept. ``codes``: the units' code (see compile_units).
    """
    units = [u for m in modules for u in m.units]
    candidates = {name for u in units if u.droppable for name in u.names}
    if not candidates:
        return
    functions = {id(u) for u in units if isinstance(u.tree, (ast.FunctionDef, ast.AsyncFunctionDef))}
    reads = _function_reads([u for u in units if id(u) in functions], codes)
    for unit in units:
        # The candidates a unit mentions, from its words (one pass over its text, whatever the
        # number of candidates: a regex alternation of them grew with imports times text).
        if id(unit) not in reads and (mentioned := candidates.intersection(_WORD.findall(unit.source))):
            reads[id(unit)] = mentioned if unit.tree is None else mentioned & _scope_reads([unit.tree], (), module=True)
    dropped = _unread_units([u for u in units if u.droppable], reads, graded)
    for module in modules:
        module.units = [u for u in module.units if id(u) not in dropped]


_WORD = re.compile(r"\w+")


def _unread_units(droppable: list[CodeUnit], reads: dict[int, set[str]], graded: frozenset[str]) -> set[int]:
    """The droppable units nothing left reads, dropping as it goes: a unit read only by dropped
    units is dropped too.  A work list, so a chain of n computed values that each read the one
    before costs n steps, not n passes over the file."""
    readers = collections.Counter(name for names in reads.values() for name in names)
    readers.update(graded)
    defining: dict[str, list[CodeUnit]] = collections.defaultdict(list)
    for unit in droppable:
        for name in unit.names:
            defining[name].append(unit)

    def unread(unit: CodeUnit) -> bool:
        # What a statement reads of its own names does not keep it (``import time`` names time).
        own = reads.get(id(unit), ())
        return not any(readers[n] - (n in own) for n in unit.names)

    dropped: set[int] = set()
    pending = [u for u in droppable if unread(u)]
    while pending:
        unit = pending.pop()
        if id(unit) in dropped or not unread(unit):
            continue
        dropped.add(id(unit))
        for name in reads.get(id(unit), ()):
            readers[name] -= 1
            if readers[name] <= 1:  # now perhaps unread (1: the definer's own read), once or twice a name
                pending += [u for u in defining.get(name, ()) if id(u) not in dropped]
    return dropped


# The worker compiled learner code under this future (its module imports it): annotations
# stay unevaluated strings, so a hint naming something never imported does not fail a def.
_FLAGS = __future__.annotations.compiler_flag


def compile_units(modules: list[ModuleSource]) -> dict[int, types.CodeType]:
    """Compile every unit from its parsed tree, as the worker would from its text.

    Each unit gets its marshalled code (``code``: same file name and line numbers as
    compiling its text), so the worker skips compiling, and the code objects (by
    id(unit)) give the names functions read (see drop_unread). Compiling runs nothing.
    Units of cells met before (``shared``) are compiled once per process. A unit that
    does not compile (``return`` outside a function...) is left to the worker, which
    reports the error as it always has.
    """
    codes: dict[int, types.CodeType] = {}
    for unit in (u for m in modules for u in m.units):
        _in_time()
        tree = unit.tree
        if tree is None:
            continue
        cached = _COMPILED.get(id(tree)) if unit.shared else None
        if cached is not None and cached[0] is tree:
            code = cached[1]
        else:
            try:
                with warnings.catch_warnings():  # the learner's SyntaxWarnings are not ours to print
                    warnings.simplefilter("ignore")
                    code = compile(ast.Module([tree], []), "<unit>", "exec", flags=_FLAGS, dont_inherit=True)
            except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
                continue
            if unit.shared:
                if len(_COMPILED) >= 4096:  # (a cell evicted while its submission loads leaves its code)
                    _COMPILED.clear()
                _COMPILED[id(tree)] = (tree, code)
        start = tree.decorator_list[0].lineno if getattr(tree, "decorator_list", None) else tree.lineno
        code = _relocated(code, unit.filename, unit.first_line - start)
        codes[id(unit)] = code
        unit.code = marshal.dumps(code)
    return codes


def _relocated(code: types.CodeType, filename: str, lines: int) -> types.CodeType:
    """``code`` (and the code nested in it) named ``filename`` and moved down ``lines`` lines."""
    consts = tuple(_relocated(c, filename, lines) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_firstlineno=code.co_firstlineno + lines, co_consts=consts)


def _function_reads(functions: list[CodeUnit], codes: dict[int, types.CodeType]) -> dict[int, set[str]]:
    """Per function unit, the module and attribute names it reads (its locals are not).

    The compiler's code objects list exactly the names a function looks up outside
    itself (co_names). Decorators and default values are evaluated in the module, so
    their names count too. A function that did not compile counts every word of its
    text as read (nothing is dropped for its sake).
    """
    result = {}
    for unit in functions:
        module = codes.get(id(unit))
        if module is None:  # every word of its text counts: nothing is dropped for its sake
            result[id(unit)] = set(re.findall(r"[A-Za-z_]\w*", unit.source))
            continue
        names: set[str] = set()
        stack = [c for c in module.co_consts if isinstance(c, types.CodeType)]
        while stack:
            current = stack.pop()
            names.update(current.co_names)
            stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        tree = unit.tree
        outside = [*tree.decorator_list, *_defaults(tree.args)]
        result[id(unit)] = names | _scope_reads(outside, (), module=True)
    return result


def text_digest(text: str) -> str:
    """The fingerprint of one file's text (what reports and the gradebook store)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def combined_digest(files: list[tuple[str, str]], siblings: list[SiblingModule] = ()) -> str:
    """The fingerprint of a whole submission: each file's name and text digest, in order, and
    each sibling module's name and bytes.  Everything the learner's code can import is in it,
    so no change that can affect a result keeps the fingerprint (or the seed derived from it)."""
    combined = hashlib.sha256()
    for kind, entries in (("file", files), ("module", [(m.name, hashlib.sha256(m.data).hexdigest())
                                                       for m in siblings])):
        for name, digest in entries:
            for part in (kind, name, digest):
                data = part.encode("utf-8", "surrogatepass")
                combined.update(len(data).to_bytes(8, "little") + data)
    return combined.hexdigest()


def fingerprint(paths: list[Path], *, siblings: bool = True) -> str:
    """The submission fingerprint ``load_submission`` would compute, without parsing anything."""
    return combined_digest([(p.name, read_source(p)[1]) for p in paths],
                           sibling_modules(paths) if siblings else [])


def read_source(path: Path) -> tuple[str, str]:
    """(text, digest) of a learner file: a notebook's as ``read_notebook`` reads it."""
    if path.suffix == ".ipynb":
        return read_notebook(path)
    text = read_text(path)
    return text, text_digest(text)


def extract_file(path: Path, display: str) -> tuple[ModuleSource, list[SourceNote], str]:
    """Extract one file; returns (module, notes, sha256 of its text)."""
    text, digest = read_source(path)
    module = ModuleSource(name=_module_name(path), path=display)
    notes: list[SourceNote] = []
    if path.suffix == ".ipynb":
        chunks = [(n, strip_magics(src), f"cell {n}, ") for n, src in notebook_cells(text, path)]
    else:
        chunks = [(0, text, "")]
        cells = _by_cells(text, display)
        if cells is not None:
            module.units = cells
            return module, notes, digest
    known: set[str] = set()
    for number, source, where in chunks:
        _in_time()
        location = f"cell {number}" if number else "file"
        if source is None:
            continue
        filename = f"{display} [cell {number}]" if number else display
        units, errors = extract_units(source, filename, where, known)
        module.units += units
        for error in errors:
            notes.append(
                SourceNote(
                    file=display,
                    location=location,
                    kind="syntax-error",
                    message=f"{'cell' if number else 'a block'} does not parse and was skipped: {error.message}",
                )
            )
            for name in error.names:
                module.unparsed[name] = f"{where}line {error.line} does not parse: {error.reason}"
    return module, notes, digest


def _by_cells(text: str, display: str) -> list[CodeUnit] | None:
    """A percent-format .py file's units, extracted cell by cell (so the cells it shares
    with other learners' files are parsed once); None when a cell does not parse alone
    (a string spanning a "# %%" line): the file is then extracted whole."""
    cells = _percent_cells(text)
    if len(cells) < 2:
        return None
    units: list[CodeUnit] = []
    known: set[str] = set()
    for line_base, source in cells:
        found, errors = extract_units(source, display, "", known, line_base=line_base)
        if errors:
            return None
        units += found
    return units


def _module_name(path: Path) -> str:
    stem = re.sub(r"\W", "_", path.stem)
    return stem if stem and not stem[0].isdigit() else f"m_{stem}"


def load_submission(paths: list[Path], root: Path | None = None, *, siblings: bool = True,
                    graded: Iterable[str] | None = None) -> Submission:
    """Extract every file (in order) and fingerprint the whole submission.

    siblings: let the submission import the .py modules next to its files (off when
    the folder holds other learners' files, as in a batch of single files).
    graded: the names the grader will look up (graded functions and their aliases): with
    them, every unit is compiled here (see compile_units), and imports and computed
    values that neither they nor anything kept reads are left out (see drop_unread);
    without them, nothing is.
    """
    token = _deadline.set(time.monotonic() + EXTRACT_SECONDS)
    try:
        return _load(paths, root, siblings, graded)
    finally:
        _deadline.reset(token)


def _load(paths: list[Path], root: Path | None, siblings: bool, graded: Iterable[str] | None) -> Submission:
    modules, notes, files = [], [], []
    for path in paths:
        display = _display_path(path, root)
        module, file_notes, digest = extract_file(path, display)
        if not module.units and not file_notes:
            file_notes += nothing_to_grade(path, display)
        modules.append(module)
        notes += file_notes
        files.append(SubmittedFile(path=display, sha256=digest))
    neighbours = sibling_modules(paths) if siblings else []
    if graded is not None:
        codes = compile_units(modules)
        drop_unread(modules, frozenset(graded), codes)
        if len(modules) > 1:
            modules = link_modules(modules, codes)
            notes += _borrow_notes(modules)
    sha256 = combined_digest([(p.name, f.sha256) for p, f in zip(paths, files)], neighbours)
    return Submission(modules=modules, files=files, notes=notes, sha256=sha256, siblings=neighbours)


def link_modules(modules: list[ModuleSource], codes: dict[int, types.CodeType]) -> list[ModuleSource]:
    """Several submitted files as a learner's notebook would run them, whatever their order.

    Files that import one another are loaded dependencies first (a cycle keeps the given order).
    A file whose functions read a name that another file defines, without defining or importing it
    (one function per file, cut out of one notebook), borrows that name from the last file that
    defines it, as later cells of a notebook see earlier ones (``ModuleSource.borrowed``).
    """
    names = {m.name for m in modules}
    defined = {m.name: {n for u in m.units for n in u.names} for m in modules}
    imports: dict[str, set[str]] = {}
    for module in modules:
        imports[module.name] = set()
        for unit in module.units:
            tree = unit.tree
            if isinstance(tree, ast.Import):
                imports[module.name] |= {a.name.split(".")[0] for a in tree.names} & names
            elif isinstance(tree, ast.ImportFrom) and tree.level == 0 and tree.module:
                imports[module.name] |= {tree.module.split(".")[0]} & names
    reads = _function_reads([u for m in modules for u in m.units
                             if isinstance(u.tree, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))], codes)
    for module in modules:
        wanted = ({n for u in module.units for n in reads.get(id(u), ())} - defined[module.name] - _BUILTINS
                  - set(NUMPY_ALIASES))  # every file starts with the exercise's preamble (import numpy as np)
        for other in modules:  # later files win, as later cells do
            if other is not module:
                module.borrowed.update({n: other.name for n in wanted & defined[other.name]})
    return _dependencies_first(modules, imports)


def _dependencies_first(modules: list[ModuleSource], imports: dict[str, set[str]]) -> list[ModuleSource]:
    ordered: list[ModuleSource] = []
    placed: set[str] = set()
    by_name = {m.name: m for m in modules}

    def place(module: ModuleSource, visiting: frozenset[str]) -> None:
        if module.name in placed or module.name in visiting:
            return
        for name in sorted(imports[module.name]):
            if name != module.name:
                place(by_name[name], visiting | {module.name})
        placed.add(module.name)
        ordered.append(module)

    for module in modules:
        place(module, frozenset())
    return ordered


def _borrow_notes(modules: list[ModuleSource]) -> list[SourceNote]:
    paths = {m.name: m.path for m in modules}
    notes = []
    for module in modules:
        by_source: dict[str, list[str]] = collections.defaultdict(list)
        for name, source in sorted(module.borrowed.items()):
            by_source[source].append(name)
        for source, borrowed in by_source.items():
            notes.append(SourceNote(file=module.path, location="file", kind="shared-namespace", message=say(
                "note.borrowed", names=", ".join(borrowed[:6]) + (" and more" if len(borrowed) > 6 else ""),
                source=paths[source])))
    return notes


def _display_path(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
