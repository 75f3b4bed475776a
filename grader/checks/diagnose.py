"""Diagnoses: from a wrong value (or an exception) to the mistake that probably made it.

Each function returns a list of message strings (possibly empty); they never
decide pass/fail themselves.  ``compare.py`` calls them once a value is wrong.
A diagnosis is a ``Hint`` (grader.checks.context): a sentence that carries the id of
the mistake it names, so that the class report can count mistakes by id.
"""

from __future__ import annotations

import ast
import itertools
import re
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.checks.context import Hint, LastCall, current, diagnosis, mistake, record
from grader.checks.failing_line import explain, on_the_line, read_names
from grader.checks.origins import origins, unbound
from grader.errors import ReferenceNotRecorded
from grader.messages import say

if TYPE_CHECKING:
    from grader.sandbox.sketches import FailingLine

# Set while grader.authoring.release records the reference's results for a learner's copy: every known
# mistake is then computed even for a right answer, so that the copy can still diagnose wrong
# answers with reference results it did not otherwise need.
compute_every_mistake: ContextVar[bool] = ContextVar("compute_every_mistake", default=False)


def known(message_id: str, **fields: object) -> Hint:
    """The grader's own diagnosis ``message_id``, as a sentence carrying its id (and its short title)."""
    return diagnosis(message_id, **fields)


def _shape_text(shape: tuple[int, ...]) -> str:
    return str(tuple(shape))


def diagnose_shape(got: np.ndarray, want: np.ndarray) -> list[str]:
    """Rank-1 arrays, transposes and accidental (m, m) broadcasts."""
    hints: list[str] = []
    gs, ws = got.shape, want.shape
    if got.ndim == 1 and want.ndim == 2 and 1 in ws and got.size == want.size:
        reshape = "(-1, 1)" if ws[1] == 1 else "(1, -1)"
        hints.append(known("shape.rank1", got_shape=_shape_text(gs), want_shape=_shape_text(ws),
                           want_shape_r=reshape))
    elif got.ndim == 2 and want.ndim == 2 and gs == ws[::-1]:
        hints.append(known("shape.transpose", got_shape=_shape_text(gs), want_shape=_shape_text(ws)))
        if np.allclose(got.T, want, rtol=1e-5, atol=1e-7, equal_nan=False):
            hints.append(say("shape.transpose_value"))
    elif got.ndim == 2 and gs[0] == gs[1] and gs[0] > 1 and want.ndim <= 2 and sorted(ws) in ([1, gs[0]], [gs[0]]):
        hints.append(known("shape.broadcast", m=gs[0], want_shape=_shape_text(ws)))
    elif sized := _size_for_size(gs, ws):
        hints.append(sized)
    elif got.size > want.size and _broadcast_of(gs, ws):
        hints.append(known("shape.extra_dims", got_size=got.size, want_size=want.size))
    elif got.size > want.size:
        hints.append(known("shape.extra_values", got_size=got.size, want_size=want.size))
    return hints


def _size_for_size(got: tuple[int, ...], want: tuple[int, ...]) -> Hint | None:
    """One axis of another size of the problem (``(layer_dims[0], 1)`` for ``(layer_dims[1], 1)``), named."""
    axes = [i for i in range(len(got)) if len(got) == len(want) and got[i] != want[i]]
    if len(axes) != 1:
        return None
    sizes = problem_sizes()
    axis = axes[0]
    if want[axis] == 1 and got[axis] in sizes:
        return known("shape.size_not_one", axis=axis, got=got[axis], read_got=sizes[got[axis]])
    if got[axis] not in sizes or want[axis] not in sizes:
        return None
    return known("shape.size_for_size", axis=axis, got=got[axis], want=want[axis], read_got=sizes[got[axis]],
                 read_want=sizes[want[axis]])


def _broadcast_of(got: tuple[int, ...], want: tuple[int, ...]) -> bool:
    """Is ``got`` what broadcasting ``want`` against another array gives (each axis kept or grown from 1)?"""
    if len(got) < len(want):
        return False
    padded = (1,) * (len(got) - len(want)) + tuple(want)
    return all(w in (g, 1) for g, w in zip(got, padded)) and tuple(got) != padded


def diagnose_values(got: np.ndarray, want: np.ndarray, *, m: int | None = None,
                    mistakes: dict[str, Any] | None = None, rtol: float = 1e-5, atol: float = 1e-7) -> list[str]:
    """Same shape, wrong values: a known mistake, a sign flip, a factor m, floor division...

    ``mistakes``' keys are the exercise's own sentences (never a learner's value): the one whose
    value ``got`` matches is the diagnosis, with an id made from its text (``mistake``).
    """
    for message, wrong in (mistakes or {}).items():
        try:
            wrong = np.asarray(wrong() if callable(wrong) else wrong)
        except ReferenceNotRecorded:
            continue  # a released copy without this reference result: no diagnosis from it
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
            return [mistake(message)]
    g, w = got.astype(float), want.astype(float)
    if np.any(w != 0) and np.allclose(g, -w, rtol=rtol, atol=atol):
        return [_with_sizes(known("values.sign"), {})]
    factor = constant_factor(g, w)
    if factor is not None:
        sizes = problem_sizes()
        if m and np.isclose(factor, m, rtol=1e-6):
            return [_with_sizes(known("values.factor_m", factor=factor, m=m), sizes)]
        if m and np.isclose(factor, 1.0 / m, rtol=1e-6):
            return [_with_sizes(known("values.over_m", m=m), sizes)]
        if np.count_nonzero(np.abs(w) > 1e-12) >= 2:  # one number is a multiple of any other: no evidence
            return [factor_words(factor, sizes)]
    if np.all(g == np.round(g)) and not np.all(w == np.round(w)) and np.allclose(g, np.floor(w)):
        return [known("values.integer_division")]
    if g.ndim == 2 and g.shape[0] == g.shape[1] and np.allclose(g.T, w, rtol=rtol, atol=atol):
        return [known("values.transposed_square")]
    return []


def compute_mistakes_when_recording(mistakes: dict[str, Any] | None) -> None:
    """Call every mistake function while a release records the reference (see ``compute_every_mistake``)."""
    if mistakes and compute_every_mistake.get():
        for wrong in mistakes.values():
            if callable(wrong):
                try:
                    wrong()
                except Exception:  # noqa: BLE001  (made for wrong answers: it may not apply to a right one)
                    pass


def factor_words(factor: float, sizes: dict[int, str]) -> Hint:
    """A constant factor, named when it is a size of the problem (``sizes``, read from the check's learner
    calls: ``X.shape[1]``), 2, or a ratio of two sizes, as a diagnosis carrying the factor and the sizes
    (grader/checks/factors.py weighs it against the other checks')."""
    kind, fields = name_factor(factor, sizes)
    return _with_sizes(known(f"values.factor{kind}", factor=factor, **fields), sizes)


def _with_sizes(hint: Hint, sizes: dict[int, str]) -> Hint:
    hint.sizes = sizes
    return hint


def name_factor(factor: float, sizes: dict[int, str]) -> tuple[str, dict[str, object]]:
    """What a factor is, the simplest first (see ``factor_names``); ("", {}) when nothing names it."""
    names = factor_names(factor, sizes)
    return names[0] if names else ("", {})


def factor_names(factor: float, sizes: dict[int, str]) -> list[tuple[str, dict[str, object]]]:
    """Every way to name a factor, the simplest first: ("_size", {size, read}) for a size of the problem or
    its inverse, ("_two", {}) for 2 or 1/2, ("_ratio", {a, read_a, b, read_b}) for a / b, two sizes."""
    names: list[tuple[str, dict[str, object]]] = []
    for size, read in sizes.items():
        if np.isclose(factor, size, rtol=1e-6) or np.isclose(factor, 1.0 / size, rtol=1e-6):
            names.append(("_size", {"size": size, "read": read}))
    if np.isclose(abs(factor), 2.0) or np.isclose(abs(factor), 0.5):
        names.append(("_two", {}))
    for (a, read_a), (b, read_b) in itertools.permutations(sizes.items(), 2):
        if np.isclose(factor, a / b, rtol=1e-6):
            names.append(("_ratio", {"a": a, "read_a": read_a, "b": b, "read_b": read_b}))
    return names


def problem_sizes(call: LastCall | None = None) -> dict[int, str]:
    """The sizes of a learner call (default: the running check's learner calls, the most recent first),
    each with where it is read: {7: "X.shape[1]", 3: "parameters['W1'].shape[0]"}."""
    if call is not None:
        calls = [call]
    else:
        context = current()
        calls = list(reversed(context.calls)) if context is not None else []
    sizes: dict[int, str] = {}
    for made in calls:
        names = list(getattr(made.function, "parameters", []) or [])
        named = [(names[i] if i < len(names) else f"argument {i + 1}", v) for i, v in enumerate(made.args)]
        found = _arrays_in([*named, *made.kwargs.items()])
        for text, array in found:  # arrays' shapes first: "X.shape[1]" says more than "m"
            if isinstance(array, np.ndarray):
                for axis, n in enumerate(array.shape):
                    add_size(sizes, n, f"{text}.shape[{axis}]")
        for text, number in found:
            if not isinstance(number, np.ndarray):
                add_size(sizes, number, text)
    return sizes


def _arrays_in(named: list[tuple[str, Any]], depth: int = 0) -> list[tuple[str, np.ndarray | int]]:
    """The arrays and whole numbers of some values, each with how it is read (``cache[0]``, ``parameters['W1']``,
    ``layer_dims[1]``), two levels deep."""
    found: list[tuple[str, np.ndarray | int]] = []
    for name, value in named:
        if isinstance(value, np.ndarray):
            found.append((name, value))
        elif type(value) is int and 1 < value < 2**31:
            found.append((name, value))
        elif depth < 2 and isinstance(value, dict):
            found += _arrays_in([(f"{name}[{k!r}]", v) for k, v in list(value.items())[:64]], depth + 1)
        elif depth < 2 and isinstance(value, (tuple, list)):
            found += _arrays_in([(f"{name}[{i}]", v) for i, v in enumerate(value[:64])], depth + 1)
    return found


def add_size(sizes: dict[int, str], n: int, read: str) -> None:
    """Note that ``read`` is the size ``n`` (2 of the ways to read each size are kept: "X.shape[0] = W.shape[1]");
    a size 1 says nothing."""
    if n <= 1:
        return
    known_as = sizes.get(n)
    if known_as is None:
        sizes[n] = read
    elif " = " not in known_as and read != known_as and not known_as.startswith(read.split(".")[0] + "."):
        sizes[n] = f"{known_as} = {read}"


def constant_factor(got: np.ndarray, want: np.ndarray) -> float | None:
    """The constant c (not 1) with got = c * want on every entry where want is not 0 (got 0 elsewhere), or None."""
    nonzero = np.abs(want) > 1e-12
    if not np.any(nonzero) or np.any(np.abs(got[~nonzero]) > 1e-9):
        return None
    ratios = got[nonzero] / want[nonzero]
    factor = float(np.median(ratios))
    if abs(factor) < 1e-12 or np.isclose(factor, 1.0) or not np.allclose(ratios, factor, rtol=1e-6):
        return None
    return factor


def nonfinite_text(got: np.ndarray) -> tuple[str, int]:
    nan, inf = int(np.isnan(got).sum()), int(np.isinf(got).sum())
    what = say("values.nan_and_inf") if nan and inf else "NaN" if nan else "inf" if inf else ""
    return what, nan + inf


_ONLY_SCALARS = re.compile(r"only (length-1|size-1|0-dimensional|integer scalar) arrays? can be converted")


# Hints that an explanation from the failing line says better (grader/checks/failing_line.py).
_SAID_BETTER_BY_THE_LINE = frozenset({"hint.dot_shapes", "hint.broadcast"})


def diagnose_exception(error_type: str, message: str, source: str | None, function: str,
                       where: FailingLine | None = None, first_line: int = 0,
                       hint: str | None = None, arguments: dict[str, Any] | None = None) -> list[str]:
    """Hints for an exception raised inside learner code, using its source when known, and first the
    explanation of the line that raised (``where``, from the worker) when there is one: the rule of the
    operation that failed, what the names on the line held, and where they were set (``first_line``: the
    source's first line in the learner's file). ``hint``: the hint to give instead of the grader's own
    (a Python 2 habit); ``arguments``: the call's arguments by parameter name (their numbers and texts
    are shown next to the conditions they decide).

    The hints are recorded as the running check's diagnoses right away: they become part of a
    ``LearnerFault``'s text, not of a ``fail(...)``.
    """
    located = explain(error_type, message, where)
    if where is not None and first_line:
        set_where = unbound(source, first_line, where.line, where.text, message, arguments or {}) or origins(
            source, first_line, where.line, where.text, read_names(where), where)
        if set_where or not located:
            # No rule explained the error: the line, then what its names held.
            held = [] if located else [on_the_line(where)]
            located = (located or [say("line.where", line=where.line, function=where.function, text=where.text)]) + [
                part for part in held if part] + set_where
            if len(located) == 1:
                located = []  # the line alone: the traceback shows it already
    hints = [hint] if hint else _exception_hints(error_type, message, source or "", function)
    if located:
        hints = [h for h in hints if getattr(h, "diagnosis", "") not in _SAID_BETTER_BY_THE_LINE]
    record(*located, *hints)
    return [*located, *hints]


def _exception_hints(error_type: str, message: str, source: str, function: str) -> list[str]:
    if error_type == "TypeError" and _ONLY_SCALARS.search(message) and "math." in source:
        return [known("hint.math_exp")]
    if "could not be broadcast together" in message:
        if _reduction_without_keepdims(source):
            return [known("hint.broadcast_keepdims")]
        return [known("hint.broadcast")]
    if "not aligned" in message or "matmul: Input operand" in message or "mismatch in its core dimension" in message:
        return [known("hint.dot_shapes")]
    if error_type == "TypeError" and "NoneType" in message:
        return [known("hint.none_placeholder")]
    if error_type == "NameError":
        found = re.search(r"name '(\w+)' is not defined", message)
        return [known("hint.name_error", function=function, missing=found.group(1) if found else "?")]
    if error_type == "SystemExit":
        return [known("hint.sys_exit")]
    if error_type == "RecursionError":
        return [known("hint.recursion")]
    return []


_REDUCTIONS = frozenset({"sum", "mean", "max", "min", "norm", "std", "var", "amax", "amin"})


def _reduction_without_keepdims(source: str) -> bool:
    """True when the source reduces over an axis (np.sum(x, axis=1)) without keepdims."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REDUCTIONS:
            keywords = {k.arg for k in node.keywords}
            if "axis" in keywords and "keepdims" not in keywords:
                return True
    return False


def find_example_loop(source: str | None) -> tuple[int, str] | None:
    """(line, text) of the first Python for/while loop in a function's source, if any."""
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.While, ast.comprehension)):
            lineno = getattr(node, "lineno", None) or getattr(node.target, "lineno", 1)  # type: ignore[union-attr]
            return lineno, lines[lineno - 1].strip() if lineno <= len(lines) else ""
    return None
