"""Where the values a crashing line reads were set: the learner's own lines, read from their source.

A line that raises is often not the line with the mistake: ``range(0, n)`` raises because ``n = m / size``
two lines up made a float; ``grads[f"dA{l + 1}"]`` fails because ``for l in range(L)`` goes one layer too
far; ``A`` is unbound because no branch of ``if activation == "ReLU":`` ran. From the function's source
(parsed, never run) this names, for the names the failing expression reads, the last line before it
that set each one, and for a name that was never set, the lines that would have set it and the
conditions they sit under. It knows no mistake: only where names get their values.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from grader.messages import say

if TYPE_CHECKING:
    from grader.sandbox.sketches import FailingLine

MAX_NAMED = 3
_UNBOUND = re.compile(r"(?:local variable '(\w+)' referenced before assignment|"
                      r"cannot access (?:local|free) variable '(\w+)' where it is not associated with a value)")


def origins(source: str | None, first_line: int, line: int, text: str, names: list[str],
            where: FailingLine | None = None) -> list[str]:
    """Sentences on where ``names`` (read on ``line`` of the file, whose text is ``text``) were last set in
    the function whose source starts on ``first_line``; [] when the source does not hold that line. A name
    set in a loop around the line may come from a line after it, on an earlier pass; a name that is None
    and was set by a method that changes its object in place (``list.append``) is said to be that."""
    function = _function(source, first_line, line, text)
    if function is None:
        return []
    relative = line - first_line + 1
    said = []
    for name in names:
        if name in vars(builtins) or len(said) >= MAX_NAMED:
            continue
        is_none = where is not None and any(v.expr == name and v.kind == "none" for v in where.values)
        candidates = _candidates(function, name, relative)
        if is_none and any(_in_place_method(c) for c in candidates):
            candidates = [c for c in candidates if _in_place_method(c)]
        for setting in candidates:
            absolute = setting.lineno + first_line - 1
            method = _in_place_method(setting)
            if is_none and method:
                said.append(say("line.origin_none", name=name, line=absolute, text=_first_line(source, setting),
                                method=method))
            elif isinstance(setting, (ast.For, ast.AsyncFor)):
                said.append(say("line.origin_loop", name=name, line=absolute, text=_first_line(source, setting)))
            elif setting.lineno >= relative:
                said.append(say("line.origin_pass", name=name, line=absolute, text=_first_line(source, setting)))
            elif absolute != line:
                said.append(say("line.origin", name=name, line=absolute, text=_first_line(source, setting)))
    return said


# Methods that change their object in place and return None: ``x = x.append(v)`` makes x None.
_IN_PLACE = frozenset({"append", "extend", "insert", "sort", "reverse", "update", "clear", "shuffle", "fill",
                       "resize", "remove"})


def _in_place_method(setting: ast.stmt) -> str:
    value = getattr(setting, "value", None)
    if isinstance(setting, ast.Assign) and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr in _IN_PLACE:
        return value.func.attr
    return ""


def _candidates(function: ast.FunctionDef, name: str, relative: int) -> list[ast.stmt]:
    """The settings of ``name`` that may have given its value on line ``relative``: the last one before it, and
    in a loop around it, those at or after it (an earlier pass ran them)."""
    settings = [node for node, _ in _settings(function, name)]
    before = [n for n in settings if n.lineno < relative
              or (isinstance(n, (ast.For, ast.AsyncFor)) and n.lineno <= relative <= (n.end_lineno or n.lineno))]
    found = [max(before, key=lambda n: n.lineno)] if before else []
    for loop in _loops_around(function, relative):
        found += [n for n in settings if n not in found and relative <= n.lineno <= (loop.end_lineno or loop.lineno)
                  and not isinstance(n, (ast.For, ast.AsyncFor))]
    return found[:2]


def _loops_around(function: ast.FunctionDef, relative: int) -> list[ast.stmt]:
    return [n for n in ast.walk(function) if isinstance(n, (ast.For, ast.While, ast.AsyncFor))
            and n.body and n.body[0].lineno <= relative <= (n.end_lineno or n.lineno)]


def unbound(source: str | None, first_line: int, line: int, text: str, message: str,
            arguments: dict[str, Any]) -> list[str]:
    """For a name used before any line set it: the lines that set it, the conditions they sit under, and the
    call's numbers and texts those conditions read (``arguments``, by parameter name)."""
    found = _UNBOUND.search(message)
    function = _function(source, first_line, line, text) if found is not None else None
    if function is None:
        return []
    name = found.group(1) or found.group(2)
    settings = list(_settings(function, name))
    if not settings:
        return [say("line.never_set", name=name)]
    lines = ", ".join(str(node.lineno + first_line - 1) for node, _ in settings[:4])
    tests = [conditions[-1] for _, conditions in settings if conditions]
    shown = list(dict.fromkeys(say("line.condition", test=ast.unparse(t), line=t.lineno + first_line - 1)
                               for t in tests if not isinstance(t, ast.UnaryOp)))
    if not shown:
        return [say("line.set_later", name=name, lines=lines)]
    read = dict.fromkeys(n.id for t in tests for n in ast.walk(t) if isinstance(n, ast.Name))
    values = [f"{n} = {_shown(arguments[n])}" for n in read if n in arguments and _shown(arguments[n])]
    said = [say("line.set_only_if", name=name, lines=lines, conditions="; ".join(shown[:3]))]
    if values:
        said.append(say("line.call_values", values=", ".join(values[:3])))
    return said


def _shown(value: Any) -> str:
    """A number or a short text of the call, as Python writes it; "" for anything else."""
    if type(value) in (int, float, bool) or (type(value) is str and len(value) <= 40):
        return repr(value)
    return ""


def _function(source: str | None, first_line: int, line: int, text: str) -> ast.FunctionDef | None:
    if not source or line < first_line:
        return None
    lines = source.splitlines()
    relative = line - first_line
    if relative >= len(lines) or lines[relative].strip() != text.strip():
        return None  # the source is not the file's text around that line
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = tree.body[0] if tree.body else None
    return found if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _first_line(source: str, node: ast.AST) -> str:
    return source.splitlines()[node.lineno - 1].strip()


def _binds(target: ast.AST, name: str) -> bool:
    """Does assigning to ``target`` bind ``name`` (``name``, ``a, name``; not ``x[name]`` or ``name.attr``)?"""
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_binds(t, name) for t in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(target.value, name)
    return False


def _settings(function: ast.FunctionDef, name: str) -> Iterator[tuple[ast.stmt, list[ast.expr]]]:
    """The statements that set ``name`` in the function's own body (nested functions aside), with the
    tests of the ``if``/``while`` blocks around each."""
    def visit(statements: list[ast.stmt], conditions: list[ast.expr]) -> Iterator[tuple[ast.stmt, list[ast.expr]]]:
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            targets: list[ast.AST] = []
            if isinstance(statement, ast.Assign):
                targets = statement.targets
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                targets = [statement.target]
            elif isinstance(statement, (ast.For, ast.AsyncFor)):
                targets = [statement.target]
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
            if any(_binds(t, name) for t in targets):
                yield statement, conditions
            if isinstance(statement, (ast.If, ast.While)):
                yield from visit(statement.body, [*conditions, statement.test])
                yield from visit(statement.orelse, [*conditions, ast.UnaryOp(op=ast.Not(), operand=statement.test)])
            else:
                for field in ("body", "orelse", "finalbody"):
                    yield from visit(getattr(statement, field, []) or [], conditions)
                for handler in getattr(statement, "handlers", []) or []:
                    yield from visit(handler.body, conditions)
    yield from visit(function.body, [])
