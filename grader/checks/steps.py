"""The steps of the reference's lines: the values of its sub-expressions, for a failed call's words only.

A reference writes ``dW = X.T.dot(positive) / num_train + 2 * reg * W`` on one line; a learner writes
it on three. The tracer (grader/sandbox/tracing.py) sees what lines assign, so the learner's
``dW = X.T.dot(binary)`` would match nothing the reference assigned. Here the reference function runs
once more in the trusted process with each operation, call and subscript of its body wrapped, and the
arrays they give are kept (size-capped): ``X.T.dot(positive)``, ``X.T.dot(positive) / num_train``,
``2 * reg * W``. grader/checks/first_wrong.py uses them to tell a step of another way from a mistake,
and to find what a wrong value is a multiple of. Only the reference's code is rewritten, never a
learner's; anything it cannot rewrite (a closure, a source it cannot read) gives no steps. This run is
also the reference's second answer, which tells whether it answers twice the same (grader/checks/retrace.py).
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Any

import numpy as np

from grader.sandbox.tracing import MAX_BYTES, MAX_ENTRIES

_RECORD = "__dl_grader_step__"
MAX_STEPS = 400


class _Wrap(ast.NodeTransformer):
    """Each operation, call and read subscript of a function body becomes ``record(<it>)``."""

    def _wrapped(self, node: ast.expr) -> ast.expr:
        self.generic_visit(node)
        return ast.Call(func=ast.Name(id=_RECORD, ctx=ast.Load()), args=[node], keywords=[])

    visit_BinOp = visit_UnaryOp = visit_Call = _wrapped

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        if isinstance(node.ctx, ast.Load):
            return self._wrapped(node)
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.body = [self.visit(statement) for statement in node.body]
        return node  # its decorators and defaults stay as they are

    def visit_Lambda(self, node: ast.Lambda) -> ast.Lambda:
        return node


class _Steps:
    def __init__(self) -> None:
        self.values: list[np.ndarray] = []
        self.bytes = 0
        self.seen: set[tuple[tuple[int, ...], bytes]] = set()

    def __call__(self, value: Any) -> Any:
        if type(value) is np.ndarray and value.dtype.kind in "fiu" and 1 <= value.ndim and 0 < value.size <= MAX_ENTRIES \
                and len(self.values) < MAX_STEPS and self.bytes + value.nbytes <= MAX_BYTES:
            key = (value.shape, value.tobytes())
            if key not in self.seen:
                self.seen.add(key)
                self.values.append(value.copy())
                self.bytes += value.nbytes
        return value


@functools.lru_cache(maxsize=256)
def _rewritten(function: Any) -> Any:
    """The code defining ``function`` with its operations wrapped (compiled once per reference function), or
    None when it cannot be rewritten (a closure, a source it cannot read)."""
    if not inspect.isfunction(function) or function.__code__.co_freevars:
        return None
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0] if tree.body else None
    if not isinstance(definition, ast.FunctionDef) or definition.name != function.__name__:
        return None
    definition.decorator_list = []
    ast.increment_lineno(tree, function.__code__.co_firstlineno - 1)
    tree = ast.fix_missing_locations(_Wrap().visit(tree))
    return compile(tree, function.__code__.co_filename, "exec")


def steps(function: Any, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, list[np.ndarray]]:
    """What ``function(*args, **kwargs)`` returns, and the arrays the sub-expressions of its own lines give
    (none when it cannot be rewritten: then it is called as it is). An exception of the function propagates,
    as from a plain call."""
    code = _rewritten(function)
    if code is None:
        return function(*args, **kwargs), []
    namespace = dict(function.__globals__)
    recorder = _Steps()
    namespace[_RECORD] = recorder
    exec(code, namespace)  # noqa: S102 - the reference's own code, rewritten
    with np.errstate(all="ignore"):
        value = namespace[function.__name__](*args, **kwargs)
    return value, recorder.values
