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
        try:  # a deadline comes with a non-blocking fd: the write either fits now or waits below
            written = os.write(fd, data)
        except BlockingIOError:
            _wait(fd, deadline, writing=True)
            continue
        data = data[written:]


class FrameReader:
    """Frames from one pipe, read as they come: several small frames (a worker's progress
    while it loads) cost one read, and a header and its body usually arrive together."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def read_frame(self, deadline: float | None = None, max_bytes: int = MAX_FRAME) -> Any:
        """Read one frame (by ``deadline``, if given); raises ChannelClosed, FrameTimeout or PlainDataError."""
        (length,) = _HEADER.unpack(self._take(_HEADER.size, deadline))
        if length > max_bytes:
            raise PlainDataError(f"a reply of {length} bytes is larger than the limit of {max_bytes}")
        return decode(self._take(length, deadline))

    def _take(self, n: int, deadline: float | None) -> bytes:
        while len(self.buffer) < n:
            _wait(self.fd, deadline, writing=False)
            chunk = os.read(self.fd, min(max(n - len(self.buffer), 1 << 16), 1 << 20))
            if not chunk:
                raise ChannelClosed("pipe closed")
            self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data
