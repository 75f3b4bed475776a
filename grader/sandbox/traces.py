"""The trusted side's reading of a trace a worker sends (grader/sandbox/tracing.py).

A trace is learner-reachable data like any other reply: each field is checked for type, size and
count here, and a trace that is not what the tracer writes is dropped (the check's result stands
without the explanation it would have given). Arrays arrive decoded by the plain-data codec; only
arrays of numbers within the tracer's caps are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.sandbox.tracing import MAX_CALLS, MAX_ENTRIES, MAX_EVENTS, MAX_LOOP_NAMES, MAX_TEXT

_NAME = re.compile(r"""[A-Za-z_][A-Za-z0-9_]{0,79}(\[(-?\d+|'[^'\\]{0,40}'|"[^"\\]{0,40}")\]){0,2}""")
MAX_LINE = 10**7


@dataclass(frozen=True)
class Assigned:
    """A value line ``line`` of call ``call`` gave the local ``name`` ("return": what the call returned)."""

    call: int
    line: int
    name: str
    text: str
    value: Any  # a float, or an ndarray of numbers
    loop: tuple[tuple[str, int], ...] = ()
    argument: bool = False  # a value the call was given (recorded at its first line), not one it computed


@dataclass(frozen=True)
class Call:
    """A traced frame: its function, and the call (``parent``, -1 for the first) and line it was called from."""

    call: int
    function: str
    parent: int
    line: int


@dataclass(frozen=True)
class Trace:
    events: tuple[Assigned, ...]
    calls: tuple[Call, ...]
    truncated: bool = False


class TraceError(ValueError):
    """Not a trace the tracer writes."""


def _int(value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise TraceError("a number out of range")
    return value


def _text(value: Any, limit: int) -> str:
    if type(value) is not str:
        raise TraceError("not text")
    return value[:limit]


def _value(value: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is np.ndarray and value.dtype.kind in "fiu" and 0 < value.size <= MAX_ENTRIES:
        return value
    raise TraceError("a value that is not a number or an array of numbers")


_EVENT = frozenset({"call", "line", "name", "text", "value", "loop", "argument"})
_CALL = frozenset({"call", "function", "parent", "line"})


def read_trace(data: Any) -> Trace:
    """A worker's trace, validated; raises TraceError for anything the tracer does not write."""
    if type(data) is not dict or set(data) != {"events", "calls", "truncated"}:
        raise TraceError("a malformed trace")
    calls_data, events_data = data["calls"], data["events"]
    if type(calls_data) is not list or len(calls_data) > MAX_CALLS or type(events_data) is not list \
            or len(events_data) > MAX_EVENTS or type(data["truncated"]) is not bool:
        raise TraceError("a malformed trace")
    calls = []
    for number, item in enumerate(calls_data):
        if type(item) is not dict or set(item) != _CALL or item["call"] != number:
            raise TraceError("a malformed call")
        function = _text(item["function"], 80)
        calls.append(Call(number, function, _int(item["parent"], -1, number - 1), _int(item["line"], 0, MAX_LINE)))
    events = []
    for item in events_data:
        if type(item) is not dict or set(item) != _EVENT:
            raise TraceError("a malformed event")
        name = _text(item["name"], 80)
        loop = item["loop"]
        if not _NAME.fullmatch(name) or type(loop) is not dict or len(loop) > MAX_LOOP_NAMES \
                or type(item["argument"]) is not bool:
            raise TraceError("a malformed event")
        events.append(Assigned(
            call=_int(item["call"], 0, len(calls) - 1), line=_int(item["line"], 0, MAX_LINE), name=name,
            text=_text(item["text"], MAX_TEXT), value=_value(item["value"]),
            loop=tuple((_text(k, 80), _int(v, -2**53, 2**53)) for k, v in loop.items()),
            argument=item["argument"]))
    return Trace(tuple(events), tuple(calls), data["truncated"])


def from_worker(data: Any) -> Trace | None:
    """``read_trace``, or None for anything malformed."""
    try:
        return read_trace(data)
    except TraceError:
        return None
