"""Record the values a function's lines assign, as it runs: the raw material of "the first value
that goes wrong".

``traced(function, args, kwargs, files)`` calls ``function`` under ``sys.settrace`` and records, for
every frame of code from ``files`` (the learner's files in the worker; the reference's file in the
trusted process, which traces the reference the same way), each local that a line bound to a new
value or changed in place, when that value is a float, or an array of numbers of at most
``MAX_ENTRIES`` entries, and what the frame returned. Frames of other code (numpy, the grader) are
not traced at all.

Everything recorded is plain data (numbers, text, arrays), cut to size: at most ``MAX_EVENTS``
values, ``MAX_BYTES`` bytes of arrays and ``MAX_LINES`` executed lines; past any of them recording
stops and the trace says it is ``truncated``. Only a failing check asks for a trace (see
grader/checks/first_wrong.py), so a passing submission never pays for it.
"""

from __future__ import annotations

import linecache
import re
import sys
from types import FrameType
from typing import Any

import numpy as np

MAX_ENTRIES = 20_000  # entries of one recorded array
MAX_BYTES = 8 * 1024 * 1024  # bytes of all recorded arrays
MAX_EVENTS = 2_000  # values recorded
MAX_LINES = 200_000  # lines executed while tracing (a loop over examples stops the trace)
MAX_CALLS = 500  # frames traced
MAX_TEXT = 200  # characters of a line's text
MAX_ENTRIES_OF_DICT = 64  # entries of a local dict watched
MAX_CONTINUED = 8  # continuation lines joined to a statement's text
MAX_NAME = 160  # characters of a recorded name
MAX_RETURN_DEPTH = 2  # levels of tuples, lists and dicts a returned value is named through
MAX_RETURN_PARTS = 64  # parts of a returned value recorded
MAX_LOOP_NAMES = 3  # whole numbers of a line shown with its value ("l = 2")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRINGS = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'" + r'|"[^"\\]*(?:\\.[^"\\]*)*"')


def _recordable(value: Any) -> bool:
    kind = type(value)
    if kind is float or (isinstance(value, np.floating) and kind.__module__ == "numpy"):
        return True
    return kind is np.ndarray and value.dtype.kind in "fiub" and 0 < value.size <= MAX_ENTRIES


def _snapshot(value: Any) -> Any:
    """A copy of the value as the trace holds it (a boolean array as 0 and 1: ``mask = x > 0`` is a value too)."""
    if type(value) is np.ndarray:
        return value.astype(np.uint8) if value.dtype.kind == "b" else value.copy()
    return float(value)


def _same(old: Any, new: Any) -> bool:
    if type(old) is np.ndarray:
        if type(new) is np.ndarray and new.dtype.kind == "b":
            new = new.view(np.uint8)
        return (type(new) is np.ndarray and new.shape == old.shape and new.dtype == old.dtype
                and bool(np.array_equal(new, old, equal_nan=old.dtype.kind == "f")))
    if type(new) is np.ndarray:
        return False
    new = float(new)
    return old == new or (old != old and new != new)  # NaN stays NaN: no change


class Recorder:
    """The tracer: per traced frame, what its locals held after the last line."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.events: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.truncated = False
        self._ids: dict[int, int] = {}  # id(frame) -> its call number
        self._held: dict[int, dict[str, tuple[int, Any]]] = {}  # call -> name -> (id(value), copy)
        self._texts: dict[tuple[str, int], str] = {}  # (file, line) -> the statement's text
        self._line: dict[int, int] = {}  # call -> the line that is running
        self._bytes = self._lines = 0

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event != "call" or self.truncated or frame.f_code.co_filename not in self.files:
            return None
        if len(self.calls) >= MAX_CALLS:
            self._stop()
            return None
        number = len(self.calls)
        parent = self._ids.get(id(frame.f_back)) if frame.f_back is not None else None
        self.calls.append({"call": number, "function": frame.f_code.co_name[:80],
                           "parent": -1 if parent is None else parent,
                           "line": self._line.get(parent, 0) if parent is not None else 0})
        self._ids[id(frame)] = number
        arguments = list(_locals_and_entries(frame.f_locals))
        self._held[number] = {name: (id(v), _snapshot(v)) for name, v in arguments if _recordable(v)}
        self._line[number] = frame.f_lineno
        for name, value in arguments:  # its arguments, as values of its first line
            if _recordable(value):
                self._record(number, frame, frame.f_lineno, name, value, argument=True)
        return self.local_trace

    def _stop(self) -> None:
        """A trace cut short says nothing sure: stop tracing, so that the call runs on at full speed."""
        self.truncated = True
        sys.settrace(None)

    def local_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        number = self._ids.get(id(frame))
        if number is None or self.truncated:
            return None
        if event == "line":
            self._lines += 1
            if self._lines > MAX_LINES:
                self._stop()
                return None
            self._changes(number, frame, self._line[number])
            self._line[number] = frame.f_lineno
        elif event == "return":
            line = frame.f_lineno
            self._changes(number, frame, line)
            for name, value in returned_parts(arg):
                self._record(number, frame, line, name, value)
            del self._ids[id(frame)]
        return self.local_trace

    def _changes(self, number: int, frame: FrameType, line: int) -> None:
        """Record each local that ``line`` bound to another value or changed in place, and each entry of a
        local dict (``grads['dW1']``) it set or changed."""
        held = self._held[number]
        for name, value in _locals_and_entries(frame.f_locals):
            if not _recordable(value):
                held.pop(name, None)
                continue
            before = held.get(name)
            if before is not None and before[0] == id(value) and _same(before[1], value):
                continue
            held[name] = (id(value), _snapshot(value))
            self._record(number, frame, line, name, value)

    def _text(self, filename: str, line: int) -> str:
        """The statement starting on ``line``, its continuation lines joined (up to ``MAX_TEXT`` characters)."""
        key = (filename, line)
        if key not in self._texts:
            text = linecache.getline(filename, line).strip()
            following = line
            while (_open_brackets(text) > 0 or text.endswith("\\")) and following - line < MAX_CONTINUED \
                    and len(text) < MAX_TEXT:
                following += 1
                more = linecache.getline(filename, following).strip()
                if not more:
                    break
                text = text.rstrip(chr(92)).rstrip()
                text += more if text.endswith(("(", "[", "{")) else f" {more}"
            self._texts[key] = text[:MAX_TEXT]
        return self._texts[key]

    def _record(self, number: int, frame: FrameType, line: int, name: str, value: Any,
                argument: bool = False) -> None:
        size = value.nbytes if type(value) is np.ndarray else 8
        if len(name) > MAX_NAME:
            return  # a name the trusted side would refuse (it takes an identifier and two subscripts)
        if len(self.events) >= MAX_EVENTS or self._bytes + size > MAX_BYTES:
            self._stop()
            return
        self._bytes += size
        text = self._text(frame.f_code.co_filename, line)
        named = set(_NAME.findall(text))
        loop = {k: v for k, v in frame.f_locals.items() if type(v) is int and k in named and abs(v) < 2**53}
        self.events.append({"call": number, "line": line, "name": name, "text": text,
                            "value": _snapshot(value), "loop": dict(list(loop.items())[:MAX_LOOP_NAMES]),
                            "argument": argument})


def _open_brackets(text: str) -> int:
    """Brackets a line opens and does not close (those in its strings and comment left out, roughly)."""
    code = _STRINGS.sub("", text).split("#", 1)[0]
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _named_entries(value: dict[Any, Any], limit: int) -> list[tuple[Any, Any]]:
    """The first ``limit`` entries of a dict whose keys a trace can name: short texts and whole numbers."""
    return [(key, item) for key, item in list(value.items())[:limit] if type(key) in (str, int) and len(str(key)) <= 40]


def _locals_and_entries(names: dict[str, Any]) -> list[tuple[str, Any]]:
    """A frame's locals, and the entries of its dicts keyed by short text or numbers (``grads['dW1']``)."""
    found = []
    for name, value in names.items():
        found.append((name, value))
        if type(value) is dict:
            found += [(f"{name}[{key!r}]", item) for key, item in _named_entries(value, MAX_ENTRIES_OF_DICT)]
    return found


def returned_parts(value: Any, name: str = "return", depth: int = 0) -> list[tuple[str, Any]]:
    """The recordable parts of a returned value, named as the trace names them: ``return`` itself, or
    ``return[0]``, ``return['dW1']``, ``return[0]['W1']`` for the items of a tuple, list or dict (two levels
    deep: an optimizer returns its parameters and its state, each a dict)."""
    if _recordable(value):
        return [(name, value)]
    if depth >= MAX_RETURN_DEPTH:
        return []
    if type(value) in (tuple, list):
        items = list(enumerate(value[:MAX_RETURN_PARTS]))
    elif type(value) is dict:
        items = _named_entries(value, MAX_RETURN_PARTS)
    else:
        return []
    parts: list[tuple[str, Any]] = []
    for key, item in items:
        parts += returned_parts(item, f"{name}[{key!r}]", depth + 1)
    return parts[:MAX_RETURN_PARTS]


def traced(function: Any, args: list[Any], kwargs: dict[str, Any], files: set[str]) -> tuple[Any, dict[str, Any]]:
    """(what ``function(*args, **kwargs)`` returned, the trace of its frames in ``files``).

    An exception of the function propagates, as from a plain call; the tracer is removed either way.
    """
    recorder = Recorder(files)
    previous = sys.gettrace()
    sys.settrace(recorder.global_trace)
    try:
        value = function(*args, **kwargs)
    finally:
        sys.settrace(previous)
    if recorder.truncated:  # nothing to send but that: the trusted side says nothing of a trace cut short
        return value, {"events": [], "calls": [], "truncated": True}
    return value, {"events": recorder.events, "calls": recorder.calls, "truncated": recorder.truncated}
