"""Ctrl-C (SIGINT) and SIGTERM in the ``grade`` command: both stop a command the same way.

``catch_signals`` makes either signal raise KeyboardInterrupt in the main thread, once: a
second signal while the command cleans up (kills its sandboxes, stops its grading processes)
cannot cut that cleanup short. The command then says in one line what it kept and ends with
``exit_status()``: 130 or 143, as a shell reports a process ended by SIGINT or SIGTERM.

``deferred`` holds an interrupt back while a block that must not be cut in half runs (a
report's files and its gradebook record), and raises it when the block ends. Without
``catch_signals`` (the library used from Python) both are plain: Python's own Ctrl-C handling.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: list[int] = []  # the signal that stopped the command (the first one)
_deferring = 0  # depth of the `deferred` blocks running now
_held = False  # an interrupt arrived in a deferred block


def catch_signals() -> None:
    """From now on, SIGINT and SIGTERM raise KeyboardInterrupt in the main thread (see the module)."""
    for number in SIGNALS:
        signal.signal(number, _interrupt)


def _interrupt(number: int, _frame: FrameType | None) -> None:
    global _held
    if _received:
        return  # the command is already stopping
    _received.append(number)
    if _deferring:
        _held = True
        return
    raise KeyboardInterrupt


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: an interrupt that arrives meanwhile is raised when it ends."""
    global _deferring, _held
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if _held and not _deferring:
            _held = False
            raise KeyboardInterrupt  # noqa: B012 - the interrupt wins over whatever the block raised


def received() -> int | None:
    """The signal that interrupted the command, or None."""
    return _received[0] if _received else None


def signal_name() -> str:
    """SIGINT or SIGTERM (SIGINT for an interrupt that came as a plain KeyboardInterrupt)."""
    return signal.Signals(received() or signal.SIGINT).name


def exit_status() -> int:
    """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + (received() or signal.SIGINT)
