"""Length-prefixed frames of plain data over a pipe, shared by the worker and its client."""

from __future__ import annotations

import os
import struct
from typing import Any

from grader.sandbox.plain import PlainDataError, decode, encode

_HEADER = struct.Struct("<I")
MAX_FRAME = 512 * 1024 * 1024


class ChannelClosed(EOFError):
    """The other side closed the pipe (the worker exited or was killed)."""


def write_frame(fd: int, message: Any) -> None:
    """Encode ``message`` as plain data and write it as one frame."""
    payload = encode(message)
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exactly(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> Any:
    """Read one frame (blocking); raises ChannelClosed or PlainDataError."""
    (length,) = _HEADER.unpack(read_exactly(fd, _HEADER.size))
    if length > MAX_FRAME:
        raise PlainDataError(f"frame of {length} bytes is larger than {MAX_FRAME}")
    return decode(read_exactly(fd, length))
