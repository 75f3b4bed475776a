"""The ``learner`` fixture: graded functions as proxies that run in the sandbox.

``learner.propagate(w, b, X, Y)`` sends the call to the worker and returns the
plain-data result.  Anything that goes wrong in learner code raises a
``LearnerFault`` subclass; the check runner turns it into that check's feedback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.checks.context import LastCall, current
from grader.checks.diagnose import diagnose_exception
from grader.checks.python2 import python2_hint, python2_syntax_hint
from grader.messages import say

if TYPE_CHECKING:
    from grader.ingest.submission import Submission
    from grader.sandbox.client import CallOutcome, SandboxWorker


SHOWN_OUTPUT = 2000  # characters of a failing call's printed output shown in its feedback


class LearnerFault(Exception):
    """Learner code failed; ``str(exc)`` is the feedback and ``status`` the report status.

    ``error_type`` and ``learner_message`` are the exception the learner's code raised
    ("ValueError", "sizes do not fit"), empty for every other fault (timeouts, crashes,
    a function not found, a result that is not plain data, a broken protocol).
    """

    status = "error"

    def __init__(self, feedback: str, error_type: str = "", learner_message: str = "") -> None:
        super().__init__(feedback)
        self.error_type = error_type
        self.learner_message = learner_message


class LearnerTimeout(LearnerFault):
    status = "timeout"


class FunctionNotFound(LearnerFault):
    status = "failed"


@dataclass(frozen=True)
class Located:
    """Where a graded function was found: module name, defined name, first line."""

    module: str
    name: str
    path: str
    source: str
    first_line: int


class LearnerFunction:
    """A callable proxy for one graded function of the submission."""

    def __init__(self, graded: str, aliases: tuple[str, ...], located: Located | None,
                 worker: SandboxWorker, unparsed: str = "") -> None:
        self.graded = graded
        self.aliases = aliases
        self.located = located
        self.worker = worker
        self.unparsed = unparsed  # where its definition does not parse, when it was not found for that
        self.matrices: set[str] = set()  # parts of its results that were a numpy.matrix (graded as arrays)

    @property
    def source(self) -> str | None:
        return self.located.source if self.located else None

    @property
    def parameters(self) -> list[str]:
        """The learner's parameter names, read from the source (e.g. to accept an older signature)."""
        import ast

        try:
            tree = ast.parse(self.source or "")
        except SyntaxError:
            return []
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return [a.arg for a in node.args.posonlyargs + node.args.args]
        return []

    def run(self, *args: Any, **kwargs: Any) -> CallOutcome:
        """Call in the sandbox and return the full outcome (value, args after the call, stdout)."""
        return self._call(args, kwargs, return_args=True)

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any], *, return_args: bool = False,
              repeat: int = 1, want_value: bool = True) -> CallOutcome:
        if self.located is None:
            raise self._not_found()
        outcome = self.worker.call(self.located.module, self.located.name, list(args), kwargs,
                                   return_args=return_args, repeat=repeat, want_value=want_value)
        if not outcome.ok:
            raise self._fault(outcome, args, kwargs)
        self.matrices.update(outcome.converted)
        context = current()
        if context is not None and want_value and repeat == 1:  # what a failed check may trace again (retrace.py)
            context.called(LastCall(self, args, kwargs, outcome.value))
        return outcome

    def traced(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> CallOutcome | None:
        """The call again, with the values its lines assign (grader/sandbox/tracing.py); None if it fails."""
        if self.located is None:
            return None
        outcome = self.worker.call(self.located.module, self.located.name, list(args), kwargs, trace=True)
        return outcome if outcome.ok else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(args, kwargs).value

    def seconds(self, *args: Any, repeat: int = 3, **kwargs: Any) -> float:
        """Mean wall time of one call, measured by the trusted side (nothing says the call did its work:
        to judge speed, use ``timed`` and check the value)."""
        return self._call(args, kwargs, repeat=repeat, want_value=False).seconds

    def timed(self, *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[float, Any]:
        """(mean wall time of one call, the value it returned), both observed by the trusted side.

        The value is what makes the time believable: a reply sent before the work is done (learner
        code can write into the pipe) carries no right answer for inputs it has just been given.
        """
        outcome = self._call(args, kwargs, repeat=repeat)
        return outcome.seconds, outcome.value

    def _not_found(self) -> FunctionNotFound:
        if self.unparsed:
            parts = [say("error.unparsed", function=self.graded, where=self.unparsed),
                     python2_syntax_hint(self.unparsed.rsplit("does not parse: ", 1)[-1]) or ""]
            return FunctionNotFound("\n".join(p for p in parts if p))
        return FunctionNotFound(say("error.not_found", function=self.graded, names=", ".join(self.aliases)))

    def _fault(self, outcome: CallOutcome, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> LearnerFault:
        """The feedback for a failed call, from what the trusted side observed (``outcome.kind``).

        Only a "raised" outcome carries an exception type, and the learner's code chose it: it is
        quoted as what the code raised, never taken for a cause (a class named MemoryError or
        Timeout is not a memory limit or a timeout).
        """
        from grader.sandbox.client import NOT_FOUND, PROTOCOL, RAISED, TIMEOUT, UNSUPPORTED

        name = self.graded
        if outcome.kind == TIMEOUT:
            return LearnerTimeout(say("error.timeout", function=name, seconds=self.worker.limits.call_seconds))
        if outcome.kind == PROTOCOL:
            return LearnerFault(say("error.protocol", function=name, reason=outcome.message))
        if outcome.kind == NOT_FOUND:
            return self._not_found()
        if outcome.kind == UNSUPPORTED:
            return LearnerFault(say("error.unsupported", function=name, message=outcome.message))
        if outcome.kind != RAISED:
            return LearnerFault(say("error.died", function=name, reason=outcome.message))
        if outcome.error_type == "NotImplementedError":
            return LearnerFault(say("error.not_implemented", function=name), outcome.error_type, outcome.message)
        parts = [say("error.raised", function=name, error_type=outcome.error_type, message=outcome.message)]
        if outcome.error_type == "MemoryError":
            parts.append(say("error.memory", limit=self.worker.limits.memory_text()))
        python2 = python2_hint(outcome.error_type, outcome.message, self.source)
        given = {**dict(zip(self.parameters, args)), **(kwargs or {})} if outcome.where is not None else {}
        parts += diagnose_exception(outcome.error_type, outcome.message, self.source, name, outcome.where,
                                    self.located.first_line if self.located else 0, python2, given)
        if outcome.traceback:
            parts.append(say("error.traceback", traceback=outcome.traceback))
        printed = outcome.stdout.strip()
        if printed:
            shown = printed[:SHOWN_OUTPUT]
            if len(printed) > SHOWN_OUTPUT:
                shown += "\n" + say("error.stdout_cut")
            parts.append(say("error.stdout", stdout=shown))
        return LearnerFault("\n".join(parts), outcome.error_type, outcome.message)


class Learner:
    """Attribute access by graded-function name: ``learner.propagate``."""

    def __init__(self, functions: dict[str, LearnerFunction]) -> None:
        self._functions = functions

    def __getattr__(self, name: str) -> LearnerFunction:
        try:
            return self._functions[name]
        except KeyError:
            raise AttributeError(f"{name} is not a graded function of this exercise") from None


def locate(submission: Submission, names: tuple[str, ...]) -> Located | None:
    """The last definition of any of ``names`` in the submission."""
    found = submission.find(names)
    if found is None:
        return None
    module, name = found
    unit = [u for u in module.units if name in u.names][-1]
    return Located(module=module.name, name=name, path=module.path, source=unit.source,
                   first_line=unit.first_line)
