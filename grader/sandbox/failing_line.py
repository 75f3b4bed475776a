"""In the worker: the learner's line that raised, and a sketch of the values named on it.

When learner code raises, the worker sends back, besides the exception, the innermost line of
the learner's own files that raised, the exact expression that failed there (Python records
its columns: ``code.co_positions``), and for the values that line names their kind and shape:
an array's shape and dtype, a dict's keys, a tuple's length and the kinds of its items, a
number's value. All of it is plain data (strings, ints, lists) cut to size here and checked
again by the trusted side (grader/sandbox/frames.py), which writes the explanation.

Nothing here runs learner code: an operand is evaluated only when it is a name, an attribute
``.T``/``.shape`` of an array, or a subscript of a dict, list, tuple or array by a constant, a
name or ``"W" + str(l)``, and only on values of exactly those built-in types.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import linecache
from types import FrameType, TracebackType
from typing import Any

import numpy as np

MAX_TEXT = 300  # characters of the line and of the failing expression
MAX_EXPR = 80  # characters of one named expression
MAX_VALUES = 12  # expressions sketched
MAX_KEYS = 24  # keys of a dict listed
MAX_ITEMS = 8  # items of a tuple or list sketched
MAX_REPR = 40  # characters of a number's or a key's repr
_UNSET = object()


def failing_line(exc: BaseException, learner_files: set[str]) -> dict[str, Any] | None:
    """The innermost learner line of ``exc``'s traceback, its failing expression and its values."""
    innermost: TracebackType | None = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename in learner_files:
            innermost = trace
        trace = trace.tb_next
    if innermost is None:
        return None
    frame, code = innermost.tb_frame, innermost.tb_frame.f_code
    try:
        positions = list(code.co_positions())[innermost.tb_lasti // 2]
    except (IndexError, ValueError):
        positions = (innermost.tb_lineno, innermost.tb_lineno, None, None)
    line_no = positions[0] or innermost.tb_lineno
    full = linecache.getline(code.co_filename, line_no).rstrip("\n")
    segment = ""
    if positions[0] == positions[1] and positions[2] is not None and positions[3] is not None:
        segment = full.encode()[positions[2]:positions[3]].decode("utf-8", "replace")  # columns count bytes
    text = full.strip()
    return {"line": line_no, "function": code.co_name[:MAX_EXPR], "text": text[:MAX_TEXT],
            "segment": segment[:MAX_TEXT], "values": _sketches(text, segment, frame)}


def _sketches(text: str, segment: str, frame: FrameType) -> list[dict[str, Any]]:
    """Sketches of the failing expression's operands, then of every other name on the line."""
    wanted: list[ast.expr] = []
    failing = parse_expression(segment)
    statement = parse_statement(text)
    if failing is not None:
        wanted += _operands(failing, statement)
    if statement is not None:
        wanted += [node for node in ast.walk(statement) if isinstance(node, ast.Name)
                   and isinstance(node.ctx, ast.Load)]  # a name the line assigns still holds an old value
    sketches: list[dict[str, Any]] = []
    seen: set[str] = set()
    for node in wanted:
        expression = ast.unparse(node)
        if expression in seen or len(expression) > MAX_EXPR:
            continue
        seen.add(expression)
        value = _evaluate(node, frame)
        if value is not _UNSET:
            sketches.append({"expr": expression, **sketch(value)})
        if len(sketches) >= MAX_VALUES:
            break
    return sketches


def parse_expression(text: str) -> ast.expr | None:
    """An expression's tree, or None (also used by the trusted side: grader/checks/failing_line.py)."""
    try:
        return ast.parse(text.strip(), mode="eval").body if text.strip() else None
    except SyntaxError:
        return None


def parse_statement(text: str) -> ast.stmt | None:
    """The tree of one line's statement (a ``for ...:`` or ``if ...:`` line alone too), or None."""
    for candidate in (text, text.rstrip(":") + ": pass"):
        try:
            body = ast.parse(candidate).body
        except SyntaxError:
            continue
        return body[0] if body else None
    return None


def _operands(failing: ast.expr, statement: ast.stmt | None) -> list[ast.expr]:
    """What the failing expression works on: a call's arguments (and the object of ``a.dot(b)``), a
    binary operation's two sides, a subscript's container and index; for targets that failed to
    unpack, the value they were unpacked from."""
    if isinstance(failing, ast.Call):
        found = list(failing.args)
        if isinstance(failing.func, ast.Attribute):
            found.insert(0, failing.func.value)
        return found
    if isinstance(failing, ast.BinOp):
        return [failing.left, failing.right]
    if isinstance(failing, ast.Subscript):
        return [failing.value, failing.slice]
    if isinstance(failing, (ast.Tuple, ast.List)) and statement is not None:
        if isinstance(statement, (ast.Assign, ast.For)):
            return [statement.value if isinstance(statement, ast.Assign) else statement.iter]
    if isinstance(statement, ast.AugAssign):
        return [statement.target, statement.value]
    return []


def _evaluate(node: ast.expr, frame: FrameType) -> Any:
    """The value of a side-effect-free expression in ``frame``, or _UNSET (never runs learner code)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, str, float):
        return node.value
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals):
            if node.id in scope:
                return scope[node.id]
        return getattr(builtins, node.id, _UNSET) if node.id in ("str", "int") else _UNSET
    if isinstance(node, ast.Attribute) and node.attr in ("T", "shape"):
        base = _evaluate(node.value, frame)
        return getattr(base, node.attr) if type(base) is np.ndarray else _UNSET
    if isinstance(node, ast.Subscript):
        base, index = _evaluate(node.value, frame), _evaluate(node.slice, frame)
        if index is _UNSET or type(base) not in (dict, list, tuple, np.ndarray):
            return _UNSET
        if type(base) is not dict and type(index) is not int:
            return _UNSET
        try:
            return base[index]
        except (KeyError, IndexError, TypeError):
            return _UNSET
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left, right = _evaluate(node.left, frame), _evaluate(node.right, frame)
        if type(left) is type(right) and type(left) in (int, str) and not (
                type(left) is str and isinstance(node.op, ast.Sub)):
            return left + right if isinstance(node.op, ast.Add) else left - right
        return _UNSET
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"
            and len(node.args) == 1 and not node.keywords):
        value = _evaluate(node.args[0], frame)
        return str(value) if type(value) is int else _UNSET
    return _UNSET


def sketch(value: Any, depth: int = 1) -> dict[str, Any]:
    """Plain data saying what ``value`` is: kind, shape, dtype, keys, items or a short repr."""
    kind = type(value)
    if kind is np.ndarray:
        return {"kind": "array", "shape": [int(n) for n in value.shape][:32], "dtype": value.dtype.name[:16]}
    if value is None:
        return {"kind": "none"}
    if kind in (bool, int, float) or (isinstance(value, np.generic) and kind.__module__ == "numpy"):
        return {"kind": "number", "type": kind.__name__[:MAX_EXPR], "repr": _short(value)}
    if kind is str:
        return {"kind": "text", "repr": _short(value)}
    if kind is dict:
        return {"kind": "dict", "size": len(value), "keys": [_short(k) for k in itertools.islice(value, MAX_KEYS)]}
    if kind in (list, tuple):
        items = [sketch(item, depth - 1) for item in value[:MAX_ITEMS]] if depth > 0 else []
        return {"kind": kind.__name__, "size": len(value), "items": items}
    return {"kind": "other", "type": kind.__name__[:MAX_EXPR]}


def _short(value: Any) -> str:
    """A short repr of a number or text (of anything else, only its type: its repr is learner code)."""
    kind = type(value)
    if kind is int and value.bit_length() > 128:
        return f"<int of {value.bit_length()} bits>"
    if kind in (str, int, float, bool):
        text = repr(value[:MAX_REPR + 1] if kind is str else value)
    elif isinstance(value, np.generic) and kind.__module__ == "numpy":
        text = repr(value.item()) if value.dtype.kind in "biuf" else kind.__name__
    else:
        text = f"<{kind.__name__}>"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "..."
