"""The steps of the reference's lines: the values of its sub-expressions, for a failed call's words only.

A reference writes ``dW = X.T.dot(positive) / num_train + 2 * reg * W`` on one line; a learner writes
it on three. The tracer (grader/sandbox/tracing.py) sees what lines assign, so the learner's
``dW = X.T.dot(binary)`` would match nothing the reference assigned. Here the reference function runs
once more in the trusted process with each operation, call and subscript of its body wrapped, and the
arrays they give are kept (size-capped): ``X.T.dot(positive)``, ``X.T.dot(positive) / num_train``,
``2 * reg * W``. grader/checks/first_wrong.py uses them to tell a step of another way from a mistake,
and to find what a wrong value is a multiple of. Only the reference's code is rewritten, never a
learner's; anything it cannot rewrite (a closure, a source it cannot read) gives no steps.
"""

from __future__ import annotations

import ast
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


def steps(function: Any, args: list[Any], kwargs: dict[str, Any]) -> list[np.ndarray]:
    """The arrays the sub-expressions of ``function``'s own lines give on these inputs (none if it cannot tell)."""
    if not inspect.isfunction(function) or function.__code__.co_freevars:
        return []
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
        definition = tree.body[0]
        if not isinstance(definition, ast.FunctionDef) or definition.name != function.__name__:
            return []
        definition.decorator_list = []
        ast.increment_lineno(tree, function.__code__.co_firstlineno - 1)
        tree = ast.fix_missing_locations(_Wrap().visit(tree))
        namespace = dict(function.__globals__)
        recorder = _Steps()
        namespace[_RECORD] = recorder
        exec(compile(tree, function.__code__.co_filename, "exec"), namespace)  # noqa: S102 - the reference's own code
        with np.errstate(all="ignore"):
            namespace[function.__name__](*args, **kwargs)
    except Exception:  # noqa: BLE001 - steps are for words only
        return []
    return recorder.values
