"""What the trusted side accepts from a worker: every frame checked field by field.

A worker runs learner code, and learner code can write frames of its own into the
pipe (the protocol is no secret: the grader's package is readable in the sandbox).
So every frame is validated here for its keys, types, sizes and counts before the
client uses any of it, and anything else raises ``ProtocolError``: the submission
then "broke the grading protocol", a clean result for that learner, never an
exception in the grader.

Only one frame is believed for what it says about the sandbox: ``confined``, the
first frame of every worker process, written after it confined itself and before it
loaded any learner code (see worker.main).  Everything after it is learner-reachable:
load progress and notes are capped learner text, and a call's reply must echo the
request's nonce (a fresh 64-bit number per call), so a frame written ahead of time
cannot answer a later call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.sandbox.sketches import FailingLine, SketchError, read_failing_line
from grader.sandbox.traces import Trace, from_worker

# What a (possibly forged) frame may put into a report.
MAX_ERROR_TYPE, MAX_MESSAGE, MAX_TRACEBACK, MAX_STDOUT = 120, 2000, 4000, 8000
MAX_NOTE = 600
MAX_PROTECTIONS = 32
MAX_PROTECTION_TEXT = 400
_PROTECTION_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
LOAD_NOTE_KINDS = frozenset({"import-failed", "load-error"})
# Faults the worker itself (not learner code) reports about a call.
CALL_FAULTS = frozenset({"raised", "not-found", "unsupported"})


class ProtocolError(Exception):
    """A frame that is not what the protocol allows at this point; ``str`` says what, for the learner."""


def capped(text: Any, limit: int) -> str:
    """Learner-controlled text cut to ``limit`` characters (a forged frame can be huge)."""
    text = text if isinstance(text, str) else ""
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"


def _fields(frame: Any, allowed: frozenset[str], what: str) -> dict[str, Any]:
    if type(frame) is not dict:
        raise ProtocolError(f"sent {what} that is not a message")
    extra = [k for k in frame if k not in allowed]
    if extra:
        raise ProtocolError(f"sent {what} with unexpected fields")
    return frame


def _text(frame: dict[str, Any], key: str, what: str, *, required: bool = True) -> str:
    value = frame.get(key, None if required else "")
    if type(value) is not str:
        raise ProtocolError(f"sent {what} whose {key} is not text")
    return value


_CONFINED = frozenset({"event", "protections"})


def read_confined(frame: Any) -> dict[str, str]:
    """The protections a worker reports before any learner code ran: ``{name: "active: ..."}``."""
    frame = _fields(frame, _CONFINED, "a start-up message")
    if frame.get("event") != "confined":
        raise ProtocolError("did not report its confinement first")
    protections = frame.get("protections")
    if type(protections) is not dict or len(protections) > MAX_PROTECTIONS:
        raise ProtocolError("sent a malformed list of protections")
    result = {}
    for name, state in protections.items():
        if (type(name) is not str or not _PROTECTION_NAME.fullmatch(name) or type(state) is not str
                or len(state) > MAX_PROTECTION_TEXT or not state.startswith(("active: ", "INACTIVE: "))):
            raise ProtocolError("sent a malformed protection state")
        result[name] = state
    return result


@dataclass(frozen=True)
class LoadEvent:
    """A worker's progress while it loads: ``unit`` started (1-based), or ``ready`` with notes."""

    ready: bool
    unit: int = 0
    notes: tuple[dict[str, Any], ...] = ()


_UNIT = frozenset({"event", "index"})
_READY = frozenset({"event", "notes"})
_NOTE = frozenset({"index", "kind", "message"})


def read_load_event(frame: Any, units: int) -> LoadEvent:
    """A ``unit`` or ``ready`` frame of a submission with ``units`` units, validated."""
    event = frame.get("event") if type(frame) is dict else None
    if event == "unit":
        index = _fields(frame, _UNIT, "a loading message")["index"]
        if type(index) is not int or not 0 < index <= units:
            raise ProtocolError("sent a loading message for a unit that does not exist")
        return LoadEvent(ready=False, unit=index)
    if event != "ready":
        raise ProtocolError("sent an unexpected message while loading")
    notes = _fields(frame, _READY, "a loading message").get("notes", [])
    if type(notes) is not list or len(notes) > units:
        raise ProtocolError("sent more loading notes than there are units")
    return LoadEvent(ready=True, notes=tuple(_load_note(note, units) for note in notes))


def _load_note(note: Any, units: int) -> dict[str, Any]:
    note = _fields(note, _NOTE, "a loading note")
    index, kind = note.get("index"), note.get("kind")
    if type(index) is not int or not 0 < index <= units or kind not in LOAD_NOTE_KINDS:
        raise ProtocolError("sent a malformed loading note")
    return {"index": index, "kind": kind, "message": capped(_text(note, "message", "a loading note"), MAX_NOTE)}


@dataclass(frozen=True)
class CallReply:
    """A validated reply: the encoded value (``ok``), or the fault the worker reports."""

    ok: bool
    value: bytes = b""
    args_after: bytes | None = None
    converted: tuple[str, ...] = ()  # parts of the value that were a numpy.matrix (see plain.encode)
    stdout: str = ""
    fault: str = ""
    error_type: str = ""
    message: str = ""
    traceback: str = ""
    where: FailingLine | None = None  # the learner's line that raised (grader/sandbox/sketches.py)
    trace: Trace | None = None  # the values its lines assigned, when the call asked (grader/sandbox/traces.py)


_REPLY = frozenset({"nonce", "ok", "value", "args_after", "converted", "stdout", "fault", "error", "trace"})
MAX_CONVERTED, MAX_PATH = 8, 200
_ERROR = frozenset({"type", "message", "traceback", "where"})


def read_reply(frame: Any, nonce: int) -> CallReply:
    """The reply to the call sent with ``nonce``; raises ProtocolError for anything else."""
    frame = _fields(frame, _REPLY, "a reply")
    if frame.get("nonce") != nonce or type(frame.get("nonce")) is not int:
        raise ProtocolError("answered a call it was not asked (a reply out of turn)")
    ok = frame.get("ok")
    stdout = capped(_text(frame, "stdout", "a reply", required=False), MAX_STDOUT)
    if ok is True:
        value, args_after = frame.get("value"), frame.get("args_after")
        if type(value) is not bytes or (args_after is not None and type(args_after) is not bytes):
            raise ProtocolError("sent a reply without a value")
        converted = frame.get("converted", [])
        if type(converted) is not list or len(converted) > MAX_CONVERTED or any(type(c) is not str for c in converted):
            raise ProtocolError("sent a malformed list of converted values")
        return CallReply(ok=True, value=value, args_after=args_after, stdout=stdout,
                         converted=tuple(capped(c, MAX_PATH) for c in converted),
                         trace=from_worker(frame["trace"]) if "trace" in frame else None)
    if ok is not False or frame.get("fault") not in CALL_FAULTS:
        raise ProtocolError("sent a reply that is neither a value nor an error")
    error = _fields(frame.get("error"), _ERROR, "an error")
    return CallReply(
        ok=False, stdout=stdout, fault=frame["fault"],
        error_type=capped(_text(error, "type", "an error"), MAX_ERROR_TYPE),
        message=capped(_text(error, "message", "an error"), MAX_MESSAGE),
        traceback=capped(_text(error, "traceback", "an error"), MAX_TRACEBACK),
        where=_where(error.get("where")),
    )


def _where(data: Any) -> FailingLine | None:
    """The failing line a worker describes, or None when it sent none or a malformed one (the error
    counts the same without its explanation)."""
    if data is None:
        return None
    try:
        return read_failing_line(data)
    except SketchError:
        return None
