"""The reference of a released learner's copy: results recorded at release time, served back.

A learner's copy has no solutions/, yet its public checks compare with
``reference.f(*args)``. ``grade release`` runs the public checks against the real
reference through a ``RecordingReference``, which notes every call as
(function, digest of the arguments) -> result. The copy's ``checks/expected.json``
holds those results; ``RecordedReference`` answers the same calls from it, and any
other call raises ``ReferenceNotRecorded`` (the check fails with a sentence saying
it needs the instructor's reference). Arguments and results are plain data, encoded
with the sandbox's codec (grader/sandbox/plain.py): exact dtypes and bits, and never
unpickled. Only the public checks are recorded: nothing the hidden checks compute
reaches a copy, which only says how many they are and what they are worth
(``released_copy_notes``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import ReferenceNotRecorded, usage_error
from grader.messages import say
from grader.model.report import SourceNote
from grader.sandbox.plain import PlainDataError, decode, encode

if TYPE_CHECKING:
    from grader.model.exercise import Exercise

FORMAT = "dl-grader/recorded-reference"
VERSION = 1
RELEASED_COPY_NOTE = "released-copy"  # the kind of the note a report of a learners' copy carries


def call_digest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The key of one call's arguments; raises PlainDataError when they are not plain data."""
    return hashlib.sha256(encode((tuple(args), sorted(kwargs.items())))).hexdigest()


class RecordingReference:
    """The reference's functions, each call's result noted for a learner's copy (trusted process).

    Calls whose arguments or result are not plain data still run; they are listed in
    ``unrecordable`` so that the release can say why a check would fail in the copy.
    """

    def __init__(self, reference: Any) -> None:
        self._reference = reference
        self.calls: dict[str, dict[str, str]] = {}
        self.unrecordable: list[str] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        function = getattr(self._reference, name)
        if not callable(function):
            return function

        def recorded(*args: Any, **kwargs: Any) -> Any:
            try:
                key = call_digest(args, kwargs)  # before the call: the function may change its arguments
            except PlainDataError as exc:
                key = None
                self.unrecordable.append(f"reference.{name}: its arguments are not plain data ({exc})")
            result = function(*args, **kwargs)
            if key is not None:
                try:
                    self.calls.setdefault(name, {})[key] = base64.b64encode(encode(result)).decode("ascii")
                except PlainDataError as exc:
                    self.unrecordable.append(f"reference.{name}: its result is not plain data ({exc})")
            return result

        return recorded

    def to_json(self, exercise: str) -> str:
        """The recording as the text of ``checks/expected.json`` (sorted: a release is reproducible)."""
        functions = sorted(k for k, v in vars(self._reference).items() if callable(v) and not k.startswith("_"))
        data = {"format": FORMAT, "version": VERSION, "exercise": exercise, "functions": functions,
                "calls": self.calls}
        return json.dumps(data, indent=1, sort_keys=True) + "\n"


class RecordedReference:
    """``reference.f(*args)`` answered from a recording; an unrecorded call raises ReferenceNotRecorded."""

    def __init__(self, calls: dict[str, dict[str, str]], functions: list[str]) -> None:
        self._calls = calls
        self._functions = set(functions)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name not in self._functions:
            raise AttributeError(f"the recorded reference has no function {name!r}")
        results = self._calls.get(name, {})

        def replay(*args: Any, **kwargs: Any) -> Any:
            try:
                encoded = results[call_digest(args, kwargs)]
            except (KeyError, PlainDataError):
                raise ReferenceNotRecorded(say("error.not_recorded", function=name)) from None
            return decode(base64.b64decode(encoded))  # a fresh copy on every call

        return replay


def load_recorded_reference(path: Path) -> RecordedReference:
    """Read ``checks/expected.json``; raises UsageError when it is missing or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise usage_error("usage.recorded.missing", path=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise usage_error("usage.recorded.unreadable", path=path, error=exc) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise usage_error("usage.recorded.format", path=path, format=FORMAT, version=VERSION)
    calls, functions = data.get("calls"), data.get("functions")
    if not isinstance(calls, dict) or not isinstance(functions, list) or not all(
            isinstance(v, dict) and all(isinstance(r, str) for r in v.values()) for v in calls.values()):
        raise usage_error("usage.recorded.malformed", path=path)
    return RecordedReference(calls, [str(f) for f in functions])


def released_copy_notes(ex: Exercise) -> list[SourceNote]:
    """For a report of a learners' copy with graded functions: a note saying that the hidden checks
    are not run there and what they are worth (as counted at release time); none for any other."""
    if ex.recorded_reference is None or not ex.functions:
        return []
    meta = ex.config.get("exercise", {})
    count, points = meta.get("hidden_checks"), meta.get("hidden_points")
    submit_to = meta.get("submit_to") or say("copy.submit_to")
    known = isinstance(count, int) and isinstance(points, (int, float))
    worth = say("copy.hidden_worth", count=count, points=points) if known else ""
    return [SourceNote(file="exercise.toml", location="", kind=RELEASED_COPY_NOTE,
                       message=say("copy.hidden_not_run", worth=worth, submit_to=submit_to))]
