"""The trusted side's reading of what a worker says about values: sketches and the failing line.

A worker describes values it cannot send whole (grader/sandbox/failing_line.py): the kind of a
value, an array's shape and dtype, a dict's keys, a tuple's items. Learner code can forge any of
it, so each field is checked here for type, size and count before anything uses it; anything
malformed is dropped (grader/sandbox/frames.py): the error itself still counts, without the
explanation. What passes is only a description: the grader never believes it for points, only
words its explanation of a crash from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT, MAX_EXPR, MAX_REPR = 300, 80, 48
MAX_VALUES, MAX_KEYS, MAX_ITEMS, MAX_DIMS = 12, 24, 8, 32
MAX_DIM = 2**40
KINDS = frozenset({"array", "none", "number", "text", "dict", "list", "tuple", "other"})
_DTYPE = re.compile(r"[a-z]+[0-9]{0,3}")


class SketchError(ValueError):
    """A sketch that is not what a worker writes (the caller turns it into a protocol error)."""


@dataclass(frozen=True)
class Sketch:
    """What a value is: ``kind``, and for an array its ``shape`` and ``dtype``, for a dict its
    ``keys`` (their reprs), for a list or tuple its ``size`` and ``items``, for a number or text its
    ``repr``, for anything else its ``type`` name. ``expr`` is the expression it is the value of."""

    kind: str
    expr: str = ""
    shape: tuple[int, ...] | None = None
    dtype: str = ""
    size: int = 0
    keys: tuple[str, ...] = ()
    items: tuple[Sketch, ...] = ()
    type: str = ""
    repr: str = ""


@dataclass(frozen=True)
class FailingLine:
    """The learner's line that raised: its number, function, text, the failing expression on it
    (``segment``, empty when Python did not record it) and sketches of the values it names."""

    line: int
    function: str
    text: str
    segment: str
    values: tuple[Sketch, ...]

    def value(self, expression: str) -> Sketch | None:
        """The sketch of ``expression`` (as written on the line, unparsed), if the worker sent one."""
        return next((v for v in self.values if v.expr == expression), None)


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key, "")
    if type(value) is not str:
        raise SketchError(f"{key} is not text")
    return value[:limit]


def _count(value: Any, limit: int) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise SketchError("a count out of range")
    return value


_SKETCH = frozenset({"expr", "kind", "shape", "dtype", "size", "keys", "items", "type", "repr"})


def read_sketch(data: Any, depth: int = 1) -> Sketch:
    if type(data) is not dict or any(key not in _SKETCH for key in data):
        raise SketchError("a malformed sketch")
    kind = data.get("kind")
    if kind not in KINDS:
        raise SketchError("a sketch of an unknown kind")
    shape = data.get("shape")
    if kind == "array":
        if type(shape) is not list or len(shape) > MAX_DIMS:
            raise SketchError("an array sketch without a shape")
        shape = tuple(_count(n, MAX_DIM) for n in shape)
        dtype = _text(data, "dtype", 16)
        dtype = dtype if _DTYPE.fullmatch(dtype) else ""
    elif shape is not None:
        raise SketchError("a shape on a sketch that is not an array")
    else:
        dtype = ""
    keys = data.get("keys", [])
    if type(keys) is not list or len(keys) > MAX_KEYS or any(type(k) is not str for k in keys):
        raise SketchError("malformed keys")
    items = data.get("items", [])
    if type(items) is not list or len(items) > MAX_ITEMS or (items and depth <= 0):
        raise SketchError("malformed items")
    return Sketch(kind=kind, expr=_text(data, "expr", MAX_EXPR), shape=shape, dtype=dtype,
                  size=_count(data.get("size", 0), 2**62), keys=tuple(k[:MAX_REPR] for k in keys),
                  items=tuple(read_sketch(item, depth - 1) for item in items),
                  type=_text(data, "type", MAX_EXPR), repr=_text(data, "repr", MAX_REPR))


_WHERE = frozenset({"line", "function", "text", "segment", "values"})


def read_failing_line(data: Any) -> FailingLine:
    """A worker's ``where`` of an error, validated; raises SketchError for anything malformed."""
    if type(data) is not dict or any(key not in _WHERE for key in data):
        raise SketchError("a malformed failing line")
    values = data.get("values", [])
    if type(values) is not list or len(values) > MAX_VALUES:
        raise SketchError("too many values on a failing line")
    return FailingLine(line=_count(data.get("line"), 10**7), function=_text(data, "function", MAX_EXPR),
                       text=_text(data, "text", MAX_TEXT), segment=_text(data, "segment", MAX_TEXT),
                       values=tuple(read_sketch(v) for v in values))
