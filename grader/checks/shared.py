"""``shared``: what several checks of one learner use, computed once.

Two checks often need the same expensive call (101 steps of the learner's optimize):
one judges the parameters, the other the recorded costs. Each keeps its own points and
feedback; the call is made by whichever runs first and reused by the other::

    def _descent(learner, reference, shared):
        def run(rng):
            w, b, X, Y = logistic_problem(rng, n_x=4, m=7)
            return learner.optimize(w, b, X, Y, num_iterations=101), reference.optimize(w, b, X, Y, ...)
        return shared("descent", run)

``compute`` gets a Generator seeded from the submission's seed and the key (not from
the check that happens to run first), so the result is the same whatever the order.
An exception (the learner's function raised, timed out) is kept too and raised again
in every check that asks, with the diagnoses it carries. Values are fresh for every learner.
``compute`` runs on inputs drawn per submission, like a hidden check's: a failure it raises
shows no expected value (unless the course reveals them), whichever check asked first. The state
watcher (grader.checks.state) adds its call on shuffled inputs in ``compute`` only when a hidden
check asked first: a value a public check needs first is public work, however costly.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from grader.checks.context import CheckContext, Hint, current, enter, leave, record

T = TypeVar("T")


class Shared:
    """One learner's shared values, by key (see the module docstring)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._values: dict[str, tuple[bool, Any, tuple[Hint, ...]]] = {}

    def __call__(self, key: str, compute: Callable[[np.random.Generator], T]) -> T:
        if key not in self._values:
            rng = np.random.default_rng([self._seed, zlib.crc32(f"shared:{key}".encode())])
            asking = current()
            computing = CheckContext(hidden=asking is not None,
                                     reveal_expected=asking is not None and asking.reveal_expected,
                                     asks_twice=asking is not None and asking.hidden and asking.asks_twice)
            token = enter(computing)
            try:
                self._values[key] = (True, compute(rng), ())
            except Exception as exc:  # noqa: BLE001 - each asking check reports it as its own
                self._values[key] = (False, exc, tuple(computing.hints))
            finally:
                leave(token)
        ok, value, hints = self._values[key]
        if not ok:
            record(*hints)
            raise value
        return value
