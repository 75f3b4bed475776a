"""Learner code as normalised tokens, their winnowed k-gram fingerprints and AST shapes (``grade similar``).

Nothing here runs learner code: it reads ``ast`` trees that grader.ingest.parsing built.

**Tokens.** A unit of code (a function, a class, a learner's other top-level statements) is walked in
preorder; each node gives one token (its kind: ``Assign``, ``Call``, ``BinOp:Div``, ``For``...) and
its leaves give their value where a disguise cannot change it without changing the program:

- variables, parameters and the learner's own helpers are all ``V`` (renaming changes nothing);
  builtins, the exercise's graded functions and the names its starter and helper modules define
  keep their name (``len``, ``sigmoid``, ``relu_backward``); a module alias is the module
  (``import numpy as xp``: ``xp.exp`` is ``np.exp``); attribute names stay (``.shape``, ``.T``);
- numbers by value (``1`` and ``1.0`` alike), strings by text; docstrings, comments, blank lines,
  annotations and ``pass`` give nothing;
- equivalent spellings give the same tokens: ``a @ b``, ``np.dot(a, b)``, ``np.matmul(a, b)`` and
  ``a.dot(b)``; ``x.T``, ``x.transpose()`` and ``np.transpose(x)``; ``x.sum(axis=1)`` and
  ``np.sum(x, axis=1)`` (and the other array methods numpy also has as functions);
  ``np.multiply(a, b)`` and ``a * b`` (also add, subtract, divide, power; ``np.square(x)`` is
  ``x ** 2``); ``x -= y`` and ``x = x - y``; ``a < b`` and ``b > a``; the operands of ``+`` and ``*``
  in a canonical order; ``(1 / m) * x`` and ``x / m``; ``"W" + str(l)`` and ``f"W{l}"``;
  ``range(0, n)`` and ``range(n)``; keyword arguments in name order.

**Fingerprints.** Every run of K tokens of a unit (a k-gram) is hashed; winnowing (Schleimer, Wilkerson
and Aiken, 2003: the minimum hash of every WINDOW consecutive k-grams, as MOSS and Dolos select them)
keeps a few of them, with the guarantee that any common run of at least K + WINDOW - 1 tokens
shares a fingerprint. k-grams that the starter holds are left out before winnowing.

**Shapes.** Each statement (at any depth) and each expression of at least SHAPE_MIN tokens gives the
hash of its tokens with numbers and strings made anonymous: the AST shape of the unit, as a set, so
that reordered statements and a swapped expression elsewhere leave the other shapes equal.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field

import numpy as np

K = 10  # tokens per k-gram
WINDOW = 5  # winnowing window, in k-grams
MIN_TOKENS = 6  # a unit shorter than K gives one fingerprint of all its tokens when it has at least this many
SHAPE_MIN = 6  # expressions of at least this many tokens give a shape (statements always do)

# Array methods that numpy also offers as np.<name>(array, ...): ``x.sum(axis=1)`` is ``np.sum(x, axis=1)``.
_METHODS_AS_FUNCTIONS = frozenset({
    "sum", "mean", "max", "min", "argmax", "argmin", "std", "var", "reshape", "ravel", "squeeze",
    "clip", "cumsum", "prod", "any", "all", "round", "flatten", "copy", "astype", "nonzero",
})
# numpy functions that are an operator: np.multiply(a, b) is a * b.
_OPERATOR_FUNCTIONS = {"np.multiply": "Mult", "np.add": "Add", "np.subtract": "Sub", "np.divide": "Div",
                       "np.true_divide": "Div", "np.power": "Pow", "np.floor_divide": "FloorDiv"}
_COMMUTATIVE = frozenset({"Add", "Mult"})
_FLIPPED = {ast.Lt: "Gt", ast.LtE: "GtE"}
# Fields that carry nothing a disguise keeps (expression contexts, annotations, type comments).
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment", "annotation", "returns", "type_params", "kind"})
# Modules whose aliases are normalised (``import numpy as xp``); others keep the alias's own name.
MODULE_NAMES = {"numpy": "np", "math": "math", "numpy.linalg": "np.linalg", "scipy": "scipy",
                "scipy.special": "scipy.special", "copy": "copy", "random": "random"}


def token_id(text: str) -> int:
    """A token's id: 62 bits of its BLAKE2b hash, the same in every run and every process."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") >> 2


class TokenIds:
    """``token_id`` of the texts met, remembered (at most ``limit`` of them: learners' strings and numbers
    are tokens too) by whoever normalises many units: a class's reader keeps one."""

    def __init__(self, limit: int = 200_000) -> None:
        self._ids: dict[str, int] = {}
        self.limit = limit

    def __call__(self, text: str) -> int:
        found = self._ids.get(text)
        if found is None:
            found = token_id(text)
            if len(self._ids) < self.limit:
                self._ids[text] = found
        return found


_NUMBER = token_id("C")  # a number or a string, in a shape


def _node_types() -> dict[type, tuple[int, tuple[str, ...]]]:
    """Every ast node type -> (the id of its kind's token, the fields walked): the grammar, as a table."""
    table = {}
    for value in vars(ast).values():
        if isinstance(value, type) and issubclass(value, ast.AST):
            table[value] = (token_id(value.__name__), tuple(f for f in value._fields if f not in _SKIPPED_FIELDS))
    return table


_FIELDS = _node_types()


@dataclass
class Tokens:
    """A unit's tokens, each with its line (1-based, in the unit's text), and its shapes."""

    ids: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    shapes: set[int] = field(default_factory=set)
    shape_ids: list[int] = field(default_factory=list, repr=False)  # the ids, numbers and strings made anonymous

    def digest(self) -> int:
        """The hash of all its tokens (two units with the same digest are the same code, once normalised)."""
        return hash(tuple(self.ids))


@dataclass(frozen=True)
class Names:
    """What the normaliser needs to know about names: those that keep their name (builtins, the exercise's
    functions), and module aliases (alias -> module, ``xp`` -> ``np``; ``exp`` -> ``np.exp`` for
    ``from numpy import exp``)."""

    kept: frozenset[str]
    modules: dict[str, str]


class Normaliser:
    """Turns statements into ``Tokens`` (see the module's docstring)."""

    def __init__(self, names: Names, ids: TokenIds | None = None) -> None:
        self.names = names
        self._id = ids or TokenIds()
        self._handlers = {
            ast.Name: self._name, ast.Attribute: self._attribute, ast.Constant: self._constant,
            ast.Expr: self._expr, ast.Call: self._call, ast.BinOp: self._binop, ast.AugAssign: self._augassign,
            ast.Compare: self._compare, ast.JoinedStr: self._joinedstr, ast.Pass: self._nothing,
            ast.FunctionDef: self._function, ast.AsyncFunctionDef: self._function,
        }

    # -- entry point --

    def tokens(self, statements: list[ast.stmt], line_shift: list[int]) -> Tokens:
        """The tokens of ``statements`` (a unit), the line of a node being ``node.lineno + shift`` (one shift
        per statement). Raises RecursionError for code nested too deep to walk."""
        out = Tokens()
        self._ids, self._lines, self._shape_ids, self._shapes = out.ids, out.lines, out.shape_ids, out.shapes
        for stmt, shift in zip(statements, line_shift):
            self._shift = shift
            self._line = stmt.lineno + shift
            self.emit(stmt)
        return out

    # -- emitting --

    def _add(self, text: str, anonymous: bool = False) -> None:
        tid = self._id(text)
        self._ids.append(tid)
        self._lines.append(self._line)
        self._shape_ids.append(_NUMBER if anonymous else tid)

    def emit(self, node: ast.AST) -> None:
        kind = type(node)
        saved = self._line
        line = getattr(node, "lineno", None)
        if line is not None:
            self._line = line + self._shift
        start = len(self._ids)
        handler = self._handlers.get(kind)
        if handler is None:
            self._generic(node, kind)
        else:
            handler(node)
        end = len(self._ids)
        if end - start >= SHAPE_MIN or (end > start and isinstance(node, ast.stmt)):
            if isinstance(node, (ast.stmt, ast.expr)):
                self._shapes.add(hash(tuple(self._shape_ids[start:end])))
        self._line = saved

    def _generic(self, node: ast.AST, kind: type) -> None:
        fields = _FIELDS.get(kind)
        if fields is None:  # (a node type the ast module does not list: none in CPython 3.11)
            fields = (token_id(kind.__name__), tuple(f for f in kind._fields if f not in _SKIPPED_FIELDS))
        tid, names = fields
        self._ids.append(tid)
        self._lines.append(self._line)
        self._shape_ids.append(tid)
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.emit(item)
            elif isinstance(value, ast.AST):
                self.emit(value)

    def _nothing(self, node: ast.AST) -> None:
        pass

    def _name(self, node: ast.Name) -> None:
        name = node.id
        module = self.names.modules.get(name)
        if module is not None:
            self._add("M:" + module)
        elif name in self.names.kept:
            self._add("N:" + name)
        else:
            self._add("V")

    def dotted(self, node: ast.expr) -> str | None:
        """``np.linalg.norm`` for an attribute chain rooted at a module alias; None otherwise."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        module = self.names.modules.get(node.id)
        if module is None:
            return None
        return ".".join([module, *reversed(parts)])

    def _attribute(self, node: ast.Attribute) -> None:
        dotted = self.dotted(node)
        if dotted is not None:
            self._add("M:" + dotted)
        elif node.attr == "T":
            self._add("TRANSPOSE")
            self.emit(node.value)
        else:
            self._add("A:" + node.attr)
            self.emit(node.value)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self._add(f"K:{value!r}")
        elif isinstance(value, (int, float)):
            try:
                text = repr(float(value))
            except OverflowError:
                text = "big"
            self._add("C:" + text, anonymous=True)
        elif isinstance(value, complex):
            self._add("C:" + repr(value), anonymous=True)
        elif isinstance(value, str):
            self._add("S:" + value[:80], anonymous=True)
        else:
            self._add("S:bytes", anonymous=True)

    def _expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring, or a string left as a comment
        self._generic(node, type(node))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._add("Def")  # its name is not a token: a graded function is found by name, a helper may be renamed
        for decorator in node.decorator_list:
            self.emit(decorator)
        self.emit(node.args)
        for stmt in node.body:
            self.emit(stmt)

    def _operation(self, op: str, left: ast.expr, right: ast.expr) -> None:
        """``left <op> right``, the operands of + and * in a canonical order, ``(1 / m) * x`` as ``x / m``."""
        if op == "Mult":
            for one, other in ((left, right), (right, left)):
                if (isinstance(one, ast.BinOp) and isinstance(one.op, ast.Div) and isinstance(one.left, ast.Constant)
                        and one.left.value == 1 and not isinstance(one.left.value, bool)):
                    self._operation("Div", other, one.right)
                    return
        self._add("BinOp:" + op)
        ids, lines, shape_ids = self._ids, self._lines, self._shape_ids
        start = len(ids)
        self.emit(left)
        middle = len(ids)
        self.emit(right)
        if op in _COMMUTATIVE and ids[middle:] < ids[start:middle]:
            ids[start:] = ids[middle:] + ids[start:middle]
            lines[start:] = lines[middle:] + lines[start:middle]
            shape_ids[start:] = shape_ids[middle:] + shape_ids[start:middle]

    def _binop(self, node: ast.BinOp) -> None:
        op = type(node.op).__name__
        if op == "MatMult":
            self._call_like("DOT", [node.left, node.right])
            return
        if op == "Add":
            parts = _string_parts(node)
            if parts is not None:
                self._string(parts)
                return
        self._operation(op, node.left, node.right)

    def _augassign(self, node: ast.AugAssign) -> None:
        self._add("Assign")
        self.emit(node.target)
        op = type(node.op).__name__
        if op == "MatMult":
            self._call_like("DOT", [node.target, node.value])
        else:
            self._operation(op, node.target, node.value)

    def _compare(self, node: ast.Compare) -> None:
        if len(node.ops) == 1 and type(node.ops[0]) in _FLIPPED:
            self._add("Compare")  # as the generic order has it: left, op, right
            self.emit(node.comparators[0])
            self._add(_FLIPPED[type(node.ops[0])])
            self.emit(node.left)
            return
        self._generic(node, type(node))

    def _joinedstr(self, node: ast.JoinedStr) -> None:
        parts: list[ast.expr] = []
        for value in node.values:
            parts.append(value.value if isinstance(value, ast.FormattedValue) else value)
        self._string(parts)

    def _string(self, parts: list[ast.expr]) -> None:
        """A string built from parts (f-string or concatenation): ``str(x)`` is ``x``."""
        self._add("FSTR")
        for part in parts:
            if (isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id == "str"
                    and len(part.args) == 1 and not part.keywords):
                part = part.args[0]
            self.emit(part)

    def _call_like(self, name: str, args: list[ast.expr], keywords: list[ast.keyword] | None = None) -> None:
        self._add("Call")
        self._add(name)
        for arg in args:
            self.emit(arg)
        for keyword in sorted(keywords or (), key=lambda k: k.arg or ""):
            self._add(f"kw:{keyword.arg}")
            self.emit(keyword.value)

    def _call(self, node: ast.Call) -> None:
        func, args, keywords = node.func, node.args, node.keywords
        callee = self.dotted(func)
        if callee is not None:
            if callee in ("np.dot", "np.matmul") and len(args) == 2 and not keywords:
                self._call_like("DOT", args)
                return
            if callee in _OPERATOR_FUNCTIONS and len(args) == 2 and not keywords:
                self._operation(_OPERATOR_FUNCTIONS[callee], args[0], args[1])
                return
            if callee == "np.square" and len(args) == 1 and not keywords:
                self._operation("Pow", args[0], ast.Constant(2))
                return
            if callee == "np.transpose" and len(args) == 1 and not keywords:
                self._add("TRANSPOSE")
                self.emit(args[0])
                return
            self._call_like("M:" + callee, args, keywords)
            return
        if isinstance(func, ast.Attribute):
            if func.attr == "dot" and len(args) == 1 and not keywords:
                self._call_like("DOT", [func.value, args[0]])
                return
            if func.attr == "transpose" and not args and not keywords:
                self._add("TRANSPOSE")
                self.emit(func.value)
                return
            if func.attr in _METHODS_AS_FUNCTIONS:
                self._call_like("M:np." + func.attr, [func.value, *args], keywords)
                return
        if (isinstance(func, ast.Name) and func.id == "range" and len(args) == 2 and not keywords
                and isinstance(args[0], ast.Constant) and args[0].value == 0 and not isinstance(args[0].value, bool)):
            args = args[1:]
        self._add("Call")
        self.emit(func)
        for arg in args:
            self.emit(arg)
        for keyword in sorted(keywords, key=lambda k: k.arg or ""):
            self._add(f"kw:{keyword.arg}")
            self.emit(keyword.value)


def _string_parts(node: ast.BinOp) -> list[ast.expr] | None:
    """The operands of a chain of ``+`` that holds a string literal (``"W" + str(l)``); None otherwise."""
    parts: list[ast.expr] = []
    stack: list[ast.expr] = [node]
    while stack:  # left to right
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            stack += [current.right, current.left]
        else:
            parts.append(current)
        if len(parts) > 64:
            return None
    if any(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
        return parts
    return None


def kgram_hashes(ids: list[int], k: int = K) -> list[int]:
    """The hash of every run of ``k`` tokens (one of all of them for a unit shorter than ``k`` but
    at least MIN_TOKENS long; none for a shorter one)."""
    n = len(ids)
    if n < k:
        return [hash(tuple(ids))] if n >= MIN_TOKENS else []
    return [hash(tuple(ids[i : i + k])) for i in range(n - k + 1)]


def winnow(hashes: list[int], excluded: set[int] | frozenset[int], window: int = WINDOW) -> list[int]:
    """Robust winnowing: the positions of the k-grams selected, the rightmost minimal hash of every
    ``window`` consecutive ones (a position selected once is kept once). k-grams whose hash is in
    ``excluded`` (the starter's) are never selected and hide nothing."""
    positions = [i for i, h in enumerate(hashes) if h not in excluded]
    if len(positions) <= window:
        return positions
    if len(positions) < 64:  # (numpy's overhead is not worth it for a short unit)
        values = [hashes[i] for i in positions]
        selected: list[int] = []
        for start in range(len(values) - window + 1):
            part = values[start : start + window]
            best = start + window - 1 - part[::-1].index(min(part))
            if not selected or selected[-1] != positions[best]:
                selected.append(positions[best])
        return selected
    array = np.array([hashes[i] for i in positions], dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(array, window)
    chosen = np.arange(len(windows)) + (window - 1 - windows[:, ::-1].argmin(axis=1))
    return [positions[i] for i in np.unique(chosen).tolist()]
