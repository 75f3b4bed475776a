"""Length-prefixed frames of plain data over a pipe, shared by the worker and its client.

The worker reads and writes blocking; the trusted side passes a ``deadline`` so a
worker that sends half a frame, or stops reading, can never hang it.
"""

from __future__ import annotations

import os
import select
import struct
import time
from typing import Any

from grader.sandbox.plain import PlainDataError, decode, encode

_HEADER = struct.Struct("<I")
MAX_FRAME = 512 * 1024 * 1024


class ChannelClosed(EOFError):
    """The other side closed the pipe (the worker exited or was killed)."""


class FrameTimeout(TimeoutError):
    """The deadline passed before a whole frame was read or written."""


def _wait(fd: int, deadline: float | None, *, writing: bool) -> None:
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FrameTimeout
    readable, writable, _ = select.select([] if writing else [fd], [fd] if writing else [], [], remaining)
    if not (readable or writable):
        raise FrameTimeout


def write_frame(fd: int, message: Any, deadline: float | None = None) -> None:
    """Encode ``message`` as plain data and write it as one frame (before ``deadline``, if given)."""
    payload = encode(message)
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        _wait(fd, deadline, writing=True)
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            continue
        data = data[written:]


def read_exactly(fd: int, n: int, deadline: float | None = None) -> bytes:
    chunks, remaining = [], n
    while remaining:
        _wait(fd, deadline, writing=False)
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, max_bytes: int = MAX_FRAME) -> Any:
    """Read one frame; raises ChannelClosed, FrameTimeout or PlainDataError."""
    (length,) = _HEADER.unpack(read_exactly(fd, _HEADER.size, deadline))
    if length > max_bytes:
        raise PlainDataError(f"a reply of {length} bytes is larger than the limit of {max_bytes}")
    return decode(read_exactly(fd, length, deadline))
