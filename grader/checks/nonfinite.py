"""Where a NaN or an inf first appears in a traced call, and what made it: words that follow the values.

A learner's result full of NaN may come from an overflow (``np.exp(1000)`` is inf, and inf / inf is
NaN), from an underflow (``np.exp(-1000)`` is exactly 0, and 0 / 0 is NaN), from a division by 0 or from
the log or square root of a negative number. Which one it was is in the trace of the call
(grader/sandbox/tracing.py): the first value the wrong result was computed from that is not finite while
everything its line reads is, and the numbers that line reads. Nothing here knows an exercise: the
exercise's own diagnosis names the fix; this says what the values did.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from grader.checks.first_wrong import Graph
from grader.messages import say
from grader.sandbox.failing_line import parse_statement
from grader.sandbox.traces import Assigned, Trace

EXP_OVERFLOW = 709.78  # np.exp above this is inf
EXP_UNDERFLOW = -745.13  # np.exp below this is exactly 0
_LOGS = frozenset({"log", "log2", "log10"})
_ROOTS = _LOGS | {"sqrt", "power", "float_power"}


def _finite(value: Any) -> bool:
    return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))


def _has_zero(value: Any) -> bool:
    return bool(np.any(np.asarray(value, dtype=float) == 0))


def _extreme(events: list[Assigned], pick: Any) -> float:
    values = [float(pick(np.asarray(e.value, dtype=float))) for e in events if np.size(e.value)]
    return float(pick(np.array(values))) if values else 0.0


def where(trace: Trace, event: Assigned) -> str:
    """"line 12", or "line 4, in helper (called on line 12)" for a line of a function the graded one called."""
    if not event.call:
        return say("trace.where_line", line=event.line)
    root = event.call
    while trace.calls[root].parent > 0:
        root = trace.calls[root].parent
    return say("trace.where_helper", line=event.line, helper=trace.calls[event.call].function,
               from_line=trace.calls[root].line)


def origin(trace: Trace, wrong_output: str, located: Assigned | None = None) -> list[str]:
    """Sentences on the first NaN/inf the learner's ``wrong_output`` was computed from and its cause, or []
    when the output is finite or the trace cannot say. ``located``: the value already named as the first
    wrong one (not named again when it is this one)."""
    if trace.truncated:
        return []
    outputs = [i for i, e in enumerate(trace.events) if e.call == 0 and e.name == wrong_output]
    if not outputs or _finite(trace.events[outputs[-1]].value):
        return []
    graph = Graph(trace)
    ancestors = graph.ancestors(outputs[-1])
    for index in sorted(ancestors):
        event = trace.events[index]
        if event.argument or _finite(event.value):
            continue
        if not all(_finite(trace.events[i].value) for i in graph.inputs[index]):
            return []  # it read a NaN/inf the trace did not see made
        return _first(trace, graph, index, located)
    return []


def _first(trace: Trace, graph: Graph, index: int, located: Assigned | None) -> list[str]:
    event = trace.events[index]
    read = [trace.events[i] for i in graph.inputs[index]]
    value = np.asarray(event.value, dtype=float)
    what = "NaN" if not np.any(np.isinf(value)) else "inf" if not np.any(np.isnan(value)) else say("values.nan_and_inf")
    said = [] if located is not None and (located.call, located.line, located.name) == (event.call, event.line, event.name) \
        else [say("trace.nonfinite_first", what=what, name=event.name, where=where(trace, event), text=event.text)]
    text = event.text
    if "exp" in text and read:
        largest, smallest = _extreme(read, np.max), _extreme(read, np.min)
        if np.any(np.isinf(value)) or largest > EXP_OVERFLOW:
            return [*said, say("trace.nonfinite_overflow", largest=f"{largest:.4g}")]
        if smallest < EXP_UNDERFLOW:
            return [*said, say("trace.nonfinite_underflow_here", smallest=f"{smallest:.4g}")]
    divisors, logged, rooted = _operands(text)
    for names, cause in ((divisors, "trace.nonfinite_zero_division"), (logged, "trace.nonfinite_log_zero")):
        zeros = [i for i in graph.inputs[index] if trace.events[i].name in names and _has_zero(trace.events[i].value)]
        if zeros:
            return [*said, say(cause, zero=trace.events[zeros[0]].name), *_underflow(trace, graph, zeros[0])]
    negative = [e for e in read if e.name in rooted and np.any(np.asarray(e.value, dtype=float) < 0)]
    if negative:
        return [*said, say("trace.nonfinite_negative", negative=negative[0].name)]
    if np.any(np.isinf(value)):
        return [*said, say("trace.nonfinite_big", largest=f"{_extreme(read, lambda a: np.max(np.abs(a))):.4g}")]
    return said


def _operands(text: str) -> tuple[set[str], set[str], set[str]]:
    """The names a line divides by, those inside its np.log(...), and those it takes a log, a square root or a
    power of."""
    statement = parse_statement(text)
    divisors: set[str] = set()
    logged: set[str] = set()
    rooted: set[str] = set()
    for node in ast.walk(statement) if statement is not None else ():
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
            divisors |= _names(node.right)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
            divisors |= _names(node.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            rooted |= _names(node.left)
        elif isinstance(node, ast.Call):
            called = getattr(node.func, "attr", getattr(node.func, "id", ""))
            inside = {n for arg in node.args for n in _names(arg)}
            logged |= inside if called in _LOGS else set()
            rooted |= inside if called in _ROOTS else set()
    return divisors, logged, rooted


def _names(node: ast.AST) -> set[str]:
    """The names whose values an expression computes with (``probs`` in ``probs[rows, y]``: not its indexes)."""
    indexes = {id(n) for sub in ast.walk(node) if isinstance(sub, ast.Subscript) for n in ast.walk(sub.slice)}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in indexes}


def _underflow(trace: Trace, graph: Graph, index: int) -> list[str]:
    """Where the zeros of the value ``index`` came from, when it was np.exp of numbers below about -745."""
    for i in sorted(graph.ancestors(index), reverse=True):
        event = trace.events[i]
        if "exp" not in event.text or not _has_zero(event.value):
            continue
        read = [trace.events[j] for j in graph.inputs[i] if np.size(trace.events[j].value)]
        smallest = _extreme(read, np.min)
        if read and smallest < EXP_UNDERFLOW:
            return [say("trace.nonfinite_underflow", where=where(trace, event), text=event.text,
                        smallest=f"{smallest:.4g}")]
    return []
