"""The reference solution in the learner's place: can a check that crashed run on right answers?

When a check raises an exception of its own (neither a learner's fault nor a failed comparison),
the check runner runs it once more with ``ReferenceLearner`` as its ``learner``: the reference's
functions, called in this process on copies of the arguments, answering as the sandbox would
(values, ``run`` outcomes, timings; an exception becomes a ``LearnerFault``). If the check then
passes, it was the learner's values that the check's code could not handle; if it crashes again,
the check cannot run at all, and that is the grader's fault, never the learner's.
"""

from __future__ import annotations

import copy
import inspect
import time
from typing import Any

from grader.checks.learner import LearnerFault, Located
from grader.sandbox.client import CallOutcome


class ReferenceLearner:
    """Attribute access by graded-function name, like ``Learner``, answered by ``reference``."""

    def __init__(self, reference: Any) -> None:
        self._reference = reference

    def __getattr__(self, name: str) -> ReferenceFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return ReferenceFunction(name, getattr(self._reference, name))


class ReferenceFunction:
    """One reference function with the interface checks use on a ``LearnerFunction``."""

    def __init__(self, name: str, function: Any) -> None:
        self.graded = name
        self.aliases = (name,)
        self.unparsed = ""
        self._function = function
        try:
            source, first_line = inspect.getsource(function), inspect.getsourcelines(function)[1]
        except (OSError, TypeError):
            source, first_line = "", 1
        self.located = Located(module="reference", name=name, path=inspect.getsourcefile(function) or "",
                               source=source, first_line=first_line)

    @property
    def source(self) -> str:
        return self.located.source

    @property
    def parameters(self) -> list[str]:
        try:
            return [p.name for p in inspect.signature(self._function).parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            return []

    def run(self, *args: Any, **kwargs: Any) -> CallOutcome:
        """The outcome of the call on copies of the arguments (the arguments after it included)."""
        args, kwargs = copy.deepcopy((args, kwargs))
        started = time.perf_counter()
        try:
            value = self._function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - the sandbox reports any exception of the function
            raise LearnerFault(f"{self.graded} raised {type(error).__name__}", type(error).__name__,
                               str(error)) from None
        return CallOutcome(ok=True, value=copy.deepcopy(value), args_after=[list(args), kwargs],
                           seconds=time.perf_counter() - started)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(*args, **kwargs).value

    def timed(self, *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[float, Any]:
        outcome = self.run(*args, **kwargs)
        return outcome.seconds, outcome.value

    def seconds(self, *args: Any, repeat: int = 3, **kwargs: Any) -> float:
        return self.run(*args, **kwargs).seconds
