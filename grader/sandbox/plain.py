"""Plain-data codec: the only way values cross the sandbox boundary.

Only numbers, strings, bytes, None, bools, lists/tuples/dicts of those and numpy
arrays or scalars of numeric/bool dtype are encoded; arrays are rebuilt from
dtype + shape + raw bytes, never unpickled.  The decoder runs in the trusted
process on bytes the learner may have forged, so it validates everything and
raises ``PlainDataError`` (never anything else) on malformed input.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# numpy is imported only when an array or numpy scalar is met: the trusted process
# sends the worker its (array-free) set-up before it has paid for importing numpy.

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_INT_DIGITS = 4300

# One-byte tags.
_NONE, _TRUE, _FALSE, _INT, _FLOAT, _STR, _BYTES = b"N", b"T", b"F", b"I", b"D", b"S", b"B"
_LIST, _TUPLE, _DICT, _ARRAY, _NPSCALAR, _COMPLEX = b"L", b"U", b"M", b"A", b"P", b"C"

ALLOWED_DTYPES = frozenset(
    "b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16".split()
)
_LEN = struct.Struct("<Q")
_F64 = struct.Struct("<d")


class PlainDataError(ValueError):
    """A value that is not plain data, or bytes that do not decode to plain data."""


def _dtype_code(dtype: Any) -> str:
    return f"{dtype.kind}{dtype.itemsize}"


def encode(value: Any, converted: list[str] | None = None) -> bytes:
    """Encode a plain-data value; raises PlainDataError naming the first unsupported part.

    converted: where to list the parts that were encoded as the plain array they hold (a
    ``numpy.matrix``, which old course notebooks return), so the grader can say so.
    """
    out: list[bytes] = []
    _encode(value, out, 0, "result", converted)
    return b"".join(out)


def _encode(value: Any, out: list[bytes], depth: int, path: str, converted: list[str] | None = None) -> None:
    if depth > MAX_DEPTH:
        raise PlainDataError(f"{path} is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None:
        out.append(_NONE)
    elif kind is bool:
        out.append(_TRUE if value else _FALSE)
    elif kind is int:
        text = str(value).encode()
        out += [_INT, _LEN.pack(len(text)), text]
    elif kind is float:
        out += [_FLOAT, _F64.pack(value)]
    elif kind is complex:
        out += [_COMPLEX, _F64.pack(value.real), _F64.pack(value.imag)]
    elif kind is str:
        data = value.encode("utf-8", "surrogatepass")
        out += [_STR, _LEN.pack(len(data)), data]
    elif kind is bytes:
        out += [_BYTES, _LEN.pack(len(value)), value]
    elif kind in (list, tuple):
        out += [_LIST if kind is list else _TUPLE, _LEN.pack(len(value))]
        for i, item in enumerate(value):
            _encode(item, out, depth + 1, f"{path}[{i}]", converted)
    elif kind is dict:
        out += [_DICT, _LEN.pack(len(value))]
        for key, item in value.items():
            if type(key) not in (str, int):
                raise PlainDataError(f"{path} has a key of type {type(key).__name__}")
            _encode(key, out, depth + 1, path)
            _encode(item, out, depth + 1, f"{path}[{key!r}]", converted)
    else:
        _encode_numpy(value, out, path, converted)


def _encode_numpy(value: Any, out: list[bytes], path: str, converted: list[str] | None = None) -> None:
    import numpy as np

    kind = type(value)
    if kind is np.matrix and converted is not None:  # the 2-d array it holds, and a note that it was one
        converted.append(path)
        value, kind = np.asarray(value), np.ndarray
    if kind is np.ndarray:
        code = _dtype_code(value.dtype)
        if code not in ALLOWED_DTYPES:
            raise PlainDataError(f"{path} is an array of dtype {value.dtype} (object or text arrays cannot be graded)")
        header = f"{code}|{','.join(map(str, value.shape))}".encode()  # data is always little-endian
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False).tobytes()
        out += [_ARRAY, _LEN.pack(len(header)), header, _LEN.pack(len(data)), data]
    elif isinstance(value, np.generic) and type(value).__module__ == "numpy":
        code = _dtype_code(value.dtype)
        if code not in ALLOWED_DTYPES:
            raise PlainDataError(f"{path} is a numpy scalar of dtype {value.dtype}")
        data = np.asarray(value).astype(value.dtype.newbyteorder("<")).tobytes()
        out += [_NPSCALAR, _LEN.pack(len(code)), code.encode(), _LEN.pack(len(data)), data]
    else:
        raise PlainDataError(f"{path} has unsupported type {_type_name(value)}")


def _type_name(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "")
    return kind.__name__ if module in ("builtins", "") else f"{module}.{kind.__name__}"


class _Reader:
    """A position in the bytes being decoded; every read is bounds-checked."""

    __slots__ = ("data", "pos", "end", "items")

    def __init__(self, data: bytes) -> None:
        self.data = data if type(data) is bytes else bytes(data)
        self.pos = 0
        self.end = len(self.data)
        self.items = 0

    def take(self, n: int) -> bytes:
        stop = self.pos + n
        if n < 0 or stop > self.end:
            raise PlainDataError("truncated data")
        chunk = self.data[self.pos : stop]
        self.pos = stop
        return chunk

    def length(self) -> int:
        if self.pos + _LEN.size > self.end:
            raise PlainDataError("truncated data")
        (n,) = _LEN.unpack_from(self.data, self.pos)
        self.pos += _LEN.size
        if n > self.end:
            raise PlainDataError("length field larger than the data")
        return n

    def count(self, n: int) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise PlainDataError(f"more than {MAX_ITEMS} items")


def decode(data: bytes) -> Any:
    """Decode bytes made by ``encode``; raises PlainDataError on anything malformed."""
    reader = _Reader(data)
    try:
        value = _decode(reader, 0)
    except PlainDataError:
        raise
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, struct.error) as exc:
        raise PlainDataError(f"malformed data: {exc}") from None
    if reader.pos != reader.end:
        raise PlainDataError("trailing bytes after the value")
    return value


# Tags as the integers indexing bytes gives.
_T_NONE, _T_TRUE, _T_FALSE, _T_INT, _T_FLOAT, _T_STR, _T_BYTES = (t[0] for t in (_NONE, _TRUE, _FALSE, _INT, _FLOAT,
                                                                              _STR, _BYTES))
_T_LIST, _T_TUPLE, _T_DICT, _T_ARRAY, _T_NPSCALAR, _T_COMPLEX = (t[0] for t in (_LIST, _TUPLE, _DICT, _ARRAY,
                                                                              _NPSCALAR, _COMPLEX))


def _decode(reader: _Reader, depth: int) -> Any:
    if depth > MAX_DEPTH + 1:
        raise PlainDataError("nested too deeply")
    if reader.pos >= reader.end:
        raise PlainDataError("truncated data")
    tag = reader.data[reader.pos]
    reader.pos += 1
    if tag == _T_STR:
        # Lone surrogates (encoded with surrogatepass by a worker, or forged) become U+FFFD: a str
        # that cannot be encoded as UTF-8 would crash whatever stores or prints it later
        # (the gradebook's sqlite3, a JSON or HTML file written as UTF-8, the terminal).
        return reader.take(reader.length()).decode("utf-8", "replace")
    if tag == _T_DICT:
        n = reader.length()
        reader.count(n)
        result: dict[Any, Any] = {}
        for _ in range(n):
            key = _decode(reader, depth + 1)
            if type(key) not in (str, int):
                raise PlainDataError("dictionary key is not a str or int")
            result[key] = _decode(reader, depth + 1)
        return result
    if tag == _T_LIST or tag == _T_TUPLE:
        n = reader.length()
        reader.count(n)
        items = [_decode(reader, depth + 1) for _ in range(n)]
        return items if tag == _T_LIST else tuple(items)
    if tag == _T_FLOAT:
        return _F64.unpack(reader.take(8))[0]
    if tag == _T_NONE:
        return None
    if tag == _T_TRUE:
        return True
    if tag == _T_FALSE:
        return False
    if tag == _T_INT:
        n = reader.length()
        if n > MAX_INT_DIGITS + 1:
            raise PlainDataError("integer too long")
        return int(reader.take(n).decode("ascii"))
    if tag == _T_ARRAY:
        return _decode_array(reader)
    if tag == _T_COMPLEX:
        return complex(_F64.unpack(reader.take(8))[0], _F64.unpack(reader.take(8))[0])
    if tag == _T_BYTES:
        return reader.take(reader.length())
    if tag == _T_NPSCALAR:
        import numpy as np

        code = reader.take(reader.length()).decode("ascii")
        if code not in ALLOWED_DTYPES:
            raise PlainDataError(f"dtype {code!r} not allowed")
        dtype = np.dtype(code).newbyteorder("<")
        raw = reader.take(reader.length())
        if len(raw) != dtype.itemsize:
            raise PlainDataError("scalar size does not match its dtype")
        return np.frombuffer(raw, dtype=dtype)[0].astype(dtype.newbyteorder("="))
    raise PlainDataError(f"unknown tag {bytes([tag])!r}")


def _decode_array(reader: _Reader) -> np.ndarray:
    import numpy as np

    header = reader.take(reader.length()).decode("ascii")
    try:
        code, shape_text = header.split("|")
        shape = tuple(int(s) for s in shape_text.split(",") if s != "")
    except ValueError:
        raise PlainDataError(f"bad array header {header!r}") from None
    if code not in ALLOWED_DTYPES or any(s < 0 for s in shape) or len(shape) > 32:
        raise PlainDataError(f"bad array header {header!r}")
    dtype = np.dtype(code).newbyteorder("<")
    raw = reader.take(reader.length())
    size = 1
    for s in shape:
        size *= s
    if size * dtype.itemsize != len(raw):
        raise PlainDataError("array data does not match its shape")
    reader.count(1)
    array = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)
