"""The check runner's fast path: every use of pytest's non-public parts, and only here.

pytest's own protocol for one check (``_pytest.runner.runtestprotocol``) goes through its
per-item reporting hooks (logging, terminal, reports: about 0.15 ms a check, 5 ms of a
week-2 submission's ~30 ms on the trusted side), and its failure report parses the source
of every frame (~10 ms a failure). The lean runner does what that protocol does for one
item without them, through these parts of pytest, none of them public:

- ``Function._initrequest()``, ``Function._request``, ``Function.funcargs``: a check's fixture
  request and values, made fresh for each run and dropped after it;
- ``Session._setupstate.setup(item)`` and ``.teardown_exact(nextitem)``: fixtures set up and
  torn down as pytest's runner does;
- ``Function._fixtureinfo`` (``argnames``, ``name2fixturedefs``), ``Function.fixturenames``
  and ``FixtureDef.func``: which fixtures a check uses, and who defines them;
- ``TestReport(...)`` made directly, without a traceback's rendering.

``available`` looks for them before a run: should pytest change them, the runner takes
pytest's full protocol instead (slower, same results). ``TESTED`` is the range of pytest
versions they are known to have this shape in (pyproject.toml pins it), and
tests/test_pytest_fast.py fails when one of them changes shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

TESTED = ("8.0", "10")  # pytest>=8.0,<10 (pyproject.toml)

# What a run of one check reports: (phase: "setup", "call" or "teardown"; what it raised, or None; seconds).
Record = Callable[[str, BaseException | None, float], None]


def available(session: pytest.Session, items: Sequence[pytest.Item]) -> bool:
    """Can ``run_item`` run these items (pytest has the parts it uses)?"""
    state = getattr(session, "_setupstate", None)
    return (callable(getattr(state, "setup", None)) and callable(getattr(state, "teardown_exact", None))
            and all(isinstance(item, pytest.Function) and callable(getattr(item, "_initrequest", None))
                    for item in items))


def run_item(session: pytest.Session, item: pytest.Item, following: pytest.Item | None,
             values: Mapping[str, Any], record: Record, *, with_request: bool = False) -> None:
    """Set up, call and tear down one check, as pytest's runner would, calling ``record`` for the
    call (or the setup that failed) and for a teardown that failed. Only a request to stop
    everything (KeyboardInterrupt, ``pytest.exit``) goes on up.

    values: fixture values given directly (pytest's resolution costs ~0.1 ms a check); pytest
    still resolves every other fixture. with_request: the check's fixture closure has ``request``
    (pytest would look it up for it: the check's own request).
    """
    item._initrequest()  # type: ignore[attr-defined]  # fresh fixture values for every run
    item.funcargs.update(values)  # type: ignore[attr-defined]
    if with_request:
        item.funcargs["request"] = item._request  # type: ignore[attr-defined]
    error, seconds = _timed(session._setupstate.setup, item)  # type: ignore[attr-defined]
    if error is None:
        error, seconds = _timed(item.runtest)
        record("call", error, seconds)
    else:
        record("setup", error, seconds)
    error, seconds = _timed(session._setupstate.teardown_exact, following)  # type: ignore[attr-defined]
    if error is not None:
        record("teardown", error, seconds)
    item._request = False  # type: ignore[attr-defined]  # no fixture value outlives its check
    item.funcargs = None  # type: ignore[attr-defined]


def _timed(function: Callable[..., Any], *args: Any) -> tuple[BaseException | None, float]:
    """(what ``function(*args)`` raised, or None; its wall time), as pytest's CallInfo records
    it, without its bookkeeping. Only a request to stop everything goes on up."""
    started = time.perf_counter()
    try:
        function(*args)
    except (KeyboardInterrupt, pytest.exit.Exception):
        raise
    except BaseException as error:  # noqa: BLE001 - a check may raise anything, SystemExit included
        return error, time.perf_counter() - started
    return None, time.perf_counter() - started


def uses_fixture(item: pytest.Item, name: str) -> bool:
    """Is ``name`` in the check's fixture closure (the fixtures it uses, and those they use)?"""
    return name in getattr(item, "fixturenames", ())


def defined_only_by(item: pytest.Item, name: str, owner: object) -> bool:
    """Does the check use fixture ``name``, with a single definition that is a method of ``owner``
    (no check file overrides it)?"""
    if not uses_fixture(item, name):
        return False
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}).get(name, ())
    return len(definitions) == 1 and getattr(getattr(definitions[0], "func", None), "__self__", None) is owner


def argument_names(item: pytest.Item) -> tuple[str, ...] | None:
    """The fixtures the check function itself asks for (its arguments); None when unknown."""
    names = getattr(getattr(item, "_fixtureinfo", None), "argnames", None)
    return tuple(names) if names is not None else None


def fixture_values(item: pytest.Item) -> dict[str, Any] | None:
    """The fixture values of the check being run (None outside its run)."""
    return getattr(item, "funcargs", None)


def plain_report(item: pytest.Item, call: pytest.CallInfo[None], error: BaseException | None) -> pytest.TestReport:
    """pytest's report of a check's phase, with a one-line reason instead of a rendered traceback."""
    return pytest.TestReport(
        item.nodeid, item.location, keywords={}, outcome="passed" if error is None else "failed",
        longrepr=None if error is None else f"{type(error).__name__}: {error}"[:500],
        when=call.when, duration=call.duration, start=call.start, stop=call.stop,
    )
