"""The first value that goes wrong: where a learner's computation leaves the reference's.

When a check fails on a value, the check runner asks for this once (grader/checks/runner.py): the
learner's last call is run again in the sandbox with a tracer (grader/sandbox/tracing.py), the
reference is run on the same inputs here with the same tracer, and the learner's values are matched
to the reference's intermediates **by value**, not by name (up to a tolerance): a learner may call
things what they like, split a line in two or keep a transposed copy.

A learner's value that matches no intermediate is *wrong*; a wrong value that a later matching value
was computed from is only a step of another way (``t = np.dot(W, A)`` then ``Z = t + b``). The first
line to blame is the earliest wrong, unredeemed value among those the wrong result was computed from,
whose own inputs were all right: "Your Z1, A1 and Z2 match the expected values; dZ2 on line 14 is the
first one that does not". Values computed only from numbers (``m = float(X.shape[1])``) are never
blamed. Nothing here knows an exercise or a mistake.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from grader.checks.matching import Pool, Relation
from grader.sandbox.failing_line import parse_statement
from grader.sandbox.traces import Assigned, Trace

_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_MATCHED_SHOWN = 4


@dataclass(frozen=True)
class Finding:
    """The first wrong value: its event, the learner values that matched before it, the reference value
    it most likely stands for (and how they relate), and the arrays its line reads, by name."""

    event: Assigned
    matched: tuple[str, ...]
    relation: Relation | None
    inputs: dict[str, tuple[int, ...]]
    repeated: bool  # the line ran before with right values (a loop): ``event.loop`` says when it went wrong
    looped: bool  # the line ran more than once


@functools.lru_cache(maxsize=4096)
def _statement(text: str) -> ast.stmt | None:
    """A line's statement, parsed once however many times a loop ran it."""
    return parse_statement(text)


@functools.lru_cache(maxsize=4096)
def loaded_names(text: str) -> tuple[str, ...]:
    """The names a line reads (for ``x[i] = v``, also ``x``; for ``x += v``, also ``x``), in the order the line
    holds them: what is said of them must not change from one run to the next."""
    statement = _statement(text)
    if statement is None:
        return tuple(dict.fromkeys(_NAMES.findall(text)))
    read = [n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    if isinstance(statement, ast.AugAssign):
        read += [n.id for n in ast.walk(statement.target) if isinstance(n, ast.Name)]
    return tuple(dict.fromkeys(read))


def entries_read(text: str, loop: dict[str, int]) -> dict[str, set[str]]:
    """The dict entries a line reads, for each dict whose keys on that line can be worked out from constants
    and the line's whole numbers (``parameters["W" + str(l)]`` with l = 2 reads ``parameters['W2']``); a dict
    only assigned into reads nothing. A dict missing here may be read anywhere."""
    return {name: set(keys) for name, keys in _entries_read(text, tuple(sorted(loop.items())))}


@functools.lru_cache(maxsize=4096)
def _entries_read(text: str, loop_items: tuple[tuple[str, int], ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    loop = dict(loop_items)
    statement = _statement(text)
    if statement is None:
        return ()
    read: dict[str, set[str]] = {}
    unknown: set[str] = set()
    targets = {id(statement.target)} if isinstance(statement, ast.AugAssign) else set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            name = node.value.id
            keys = read.setdefault(name, set())
            if isinstance(node.ctx, ast.Load) or id(node) in targets:
                try:
                    key = _key(node.slice, loop)
                except (ValueError, TypeError, KeyError):
                    unknown.add(name)
                    continue
                if type(key) in (str, int):
                    keys.add(f"{name}[{key!r}]")
                else:
                    unknown.add(name)
    subscripted = {id(n.value) for n in ast.walk(statement) if isinstance(n, ast.Subscript)}
    for node in ast.walk(statement):  # a dict also read whole (passed to a call, returned)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in read \
                and id(node) not in subscripted:
            unknown.add(node.id)
    return tuple((name, frozenset(keys)) for name, keys in read.items() if name not in unknown)


def _key(node: ast.AST, loop: dict[str, int]) -> object:
    """The value of a dict key written with constants, the line's whole numbers, +, -, *, %, str() and f-strings."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return loop[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Mod)):
        left, right = _key(node.left, loop), _key(node.right, loop)
        if isinstance(node.op, ast.Mult) and (isinstance(left, str) or isinstance(right, str)):
            raise TypeError("a repeated text is no key")
        return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right, ast.Mult: lambda: left * right,
                ast.Mod: lambda: left % right}[type(node.op)]()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("str", "int") \
            and len(node.args) == 1 and not node.keywords:
        return {"str": str, "int": int}[node.func.id](_key(node.args[0], loop))
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion not in (-1, ord("s")):
                    raise ValueError("a formatted key")
                parts.append(str(_key(value.value, loop)))
            else:
                parts.append(str(_key(value, loop)))
        return "".join(parts)
    raise ValueError("not a simple key")


class Graph:
    """Which recorded values each recorded value was computed from (by the names its line reads, and the
    calls made on its line)."""

    def __init__(self, trace: Trace) -> None:
        self.events = trace.events
        self.inputs: list[list[int]] = []
        latest: dict[tuple[int, str], int] = {}
        returns: dict[int, list[int]] = {}  # call -> its return events
        previous: dict[int, int] = {}  # call -> its previous event
        children: dict[tuple[int, int], list[int]] = {}
        for call in trace.calls:
            if call.parent >= 0:
                children.setdefault((call.parent, call.line), []).append(call.call)
        entries: dict[tuple[int, str], set[str]] = {}  # (call, dict name) -> its entries' event names
        for index, event in enumerate(self.events):
            found = []
            resolved = entries_read(event.text, dict(event.loop)) if entries else {}
            for n in loaded_names(event.text):
                known = entries.get((event.call, n), set())
                read = resolved[n] & known if n in resolved else known
                found += [latest[(event.call, k)] for k in [n, *sorted(read)] if (event.call, k) in latest]
            if event.name.startswith("return["):  # one part of a returned tuple or dict: the value it is
                found = [i for i in found if identical(self.events[i].value, event.value)][-1:] or (
                    [] if _returns_a_name(event) else found)
            if not event.argument:
                after = previous.get(event.call, -1)
                for child in children.get((event.call, event.line), ()):
                    found += [r for r in returns.get(child, ()) if after < r < index]
            self.inputs.append(found)
            latest[(event.call, event.name)] = index
            if "[" in event.name and not event.name.startswith("return"):
                entries.setdefault((event.call, event.name.split("[", 1)[0]), set()).add(event.name)
            previous[event.call] = index
            if event.name.startswith("return"):
                returns.setdefault(event.call, []).append(index)

    def ancestors(self, start: int) -> set[int]:
        seen, todo = set(), [start]
        while todo:
            index = todo.pop()
            if index not in seen:
                seen.add(index)
                todo += self.inputs[index]
        return seen


def identical(a: Any, b: Any) -> bool:
    """Exactly equal (NaN equal to NaN), shapes included."""
    return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))


def find(trace: Trace, reference: Trace, inputs: list[Any], wrong_output: str,
         steps: list[Any] = ()) -> Finding | None:
    """The first wrong value the learner's ``wrong_output`` (``return``, ``return[1]``, ...) of the traced
    call was computed from, or None when the trace cannot say (cut short, no such output...). ``steps``:
    the values of the reference's sub-expressions (grader/checks/steps.py)."""
    if trace.truncated or not trace.events:
        return None
    outputs = [i for i, e in enumerate(trace.events) if e.call == 0 and e.name == wrong_output]
    if not outputs:
        return None
    given = list(_arrays(inputs))
    pool = Pool([e.value for e in reference.events] + given, steps)
    taken = Pool(given)  # values read from the inputs are right, but not worth naming as computed
    graph = Graph(trace)
    numeric = _numeric(trace.events, graph)
    matched = _matched(trace.events, pool, numeric)
    redeemed = set()
    for index in reversed(range(len(trace.events))):
        if matched[index] or index in redeemed:
            redeemed.update(graph.inputs[index])
    output = outputs[-1]
    if matched[output]:
        return None
    ancestors = graph.ancestors(output)
    for index in sorted(ancestors):
        event = trace.events[index]
        if matched[index] or index in redeemed or event.argument:
            continue
        if all(matched[i] or i in redeemed for i in graph.inputs[index]):
            found = _finding(trace, reference, index, ancestors, matched, graph, pool, taken)
            if pool.is_step(event.value) or found.relation is None or (
                    found.relation.factor is None and not found.relation.transposed):
                # A step of the reference's line (or a value unlike any expected one), then a line that makes it
                # an expected value times a factor (or transposed): that line is the mistake.
                for later in sorted(ancestors):
                    if later > index and index in graph.inputs[later] and trace.events[later].call == event.call \
                            and not matched[later] and trace.events[later].name == event.name:
                        step = _finding(trace, reference, later, ancestors, matched, graph, pool, taken)
                        if step.relation is not None and (step.relation.factor is not None or step.relation.transposed):
                            return step
                        break
            return found
    return None


def _matched(events: tuple[Assigned, ...], pool: Pool, numeric: list[bool]) -> list[bool]:
    """Which learner values are right: a reference value (or a slice of one), a number computed from numbers,
    or a right array filled in place whose new entries are a reference value's."""
    matched: list[bool] = []
    last: dict[tuple[int, str], int] = {}
    for index, event in enumerate(events):
        right = pool.matches(event.value) or numeric[index] or (not event.argument and pool.part_of(event.value))
        before = last.get((event.call, event.name))
        if not right and before is not None and matched[before] and _fills(event):
            right = pool.fills(events[before].value, event.value)
        matched.append(right)
        last[(event.call, event.name)] = index
    return matched


def _fills(event: Assigned) -> bool:
    """Is the event's line an assignment into an entry or slice of the value it records (``out[i, j] = v``)?"""
    statement = _statement(event.text)
    targets = statement.targets if isinstance(statement, ast.Assign) else (
        [statement.target] if isinstance(statement, ast.AugAssign) else [])
    return any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == event.name
               for t in targets)


def _returns_a_name(event: Assigned) -> bool:
    """Is this part of a returned tuple a name on the return line (``return out, cache``: part 1 is cache), so
    that it is computed from nothing else the line reads?"""
    statement = _statement(event.text)
    if not isinstance(statement, ast.Return) or not isinstance(statement.value, (ast.Tuple, ast.List)):
        return False
    first = event.name[len("return["):].split("]", 1)[0]
    if not first.isdigit() or int(first) >= len(statement.value.elts):
        return False
    return isinstance(statement.value.elts[int(first)], (ast.Name, ast.Attribute, ast.Subscript))


def _numeric(events: tuple[Assigned, ...], graph: Graph) -> list[bool]:
    """Which values are numbers computed from numbers only (``m = 1.0 / n``), never from an array, however
    many scalars lie between (a loss that is NaN because an array was, is not one of them), and arrays of
    one repeated number made from numbers (``out = np.zeros((N, F))``)."""
    numeric: list[bool] = []
    for index, event in enumerate(events):
        from_numbers = all(numeric[i] or (events[i].argument and np.ndim(events[i].value) == 0)
                           for i in graph.inputs[index])
        numeric.append(not event.argument and from_numbers and (np.ndim(event.value) == 0 or _constant(event.value)))
    return numeric


def _constant(value: Any) -> bool:
    """An array of one repeated number (``np.zeros((n, m))``): a start, not a result."""
    array = np.asarray(value, dtype=float)
    return array.size > 0 and bool(np.all(array == array.flat[0]))


def _inline(function: str) -> bool:
    return function.startswith("<")  # <listcomp>, <dictcomp>, <genexpr>, <lambda>


def _arrays(value: Any, depth: int = 0) -> Iterator[Any]:
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
        yield value
    elif isinstance(value, (float, np.floating)):
        yield float(value)
    elif isinstance(value, (list, tuple)) and depth < 3:
        for item in value:
            yield from _arrays(item, depth + 1)
    elif isinstance(value, dict) and depth < 3:
        for item in value.values():
            yield from _arrays(item, depth + 1)


def _finding(trace: Trace, reference: Trace, index: int, ancestors: set[int], matched: list[bool],
             graph: Graph, pool: Pool, taken: Pool) -> Finding:
    event = trace.events[index]
    call = trace.calls[event.call]
    names: list[str] = []
    for i in sorted(ancestors):
        other = trace.events[i]
        if i < index and matched[i] and not other.argument and np.ndim(other.value) > 0 \
                and not other.name.startswith("return") and other.name not in names \
                and not taken.matches(other.value):
            names.append(other.name)
    same_name = [e.value for e in reference.events if e.name == event.name and not e.argument
                 and reference.calls[e.call].function == call.function]
    # The k-th value of this name in the learner's function stands for the k-th in the reference's.
    k = sum(1 for e in trace.events[:index] if e.name == event.name and not e.argument
            and trace.calls[e.call].function == call.function)
    if k < len(same_name):
        same_name.insert(0, same_name.pop(k))
    relation = pool.related(event.value, same_name)
    if relation is None and same_name:
        relation = Relation(same_name[0])
    read = {trace.events[i].name: np.shape(trace.events[i].value) for i in graph.inputs[index]
            if np.ndim(trace.events[i].value) > 0}
    same_line = [i for i, e in enumerate(trace.events) if e.call == event.call and e.line == event.line
                 and e.name == event.name]
    repeated = any(i < index and matched[i] for i in same_line)
    while event.call and _inline(trace.calls[event.call].function):  # a comprehension or lambda: its caller's line
        inline = trace.calls[event.call]
        event = replace(event, call=inline.parent, line=inline.line)
    return Finding(event=event, matched=tuple(names[-MAX_MATCHED_SHOWN:]), relation=relation, inputs=read,
                   repeated=repeated, looped=len(same_line) > 1)
