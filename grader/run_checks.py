"""Drive the instructors' checks with pytest, in the trusted process.

Checks are ordinary pytest functions; this module runs pytest in-process with a
plugin that provides the fixtures and turns each outcome into a ``CheckResult``.
Learner code is never imported here: ``learner`` is a proxy to the sandbox.
"""

from __future__ import annotations

import io
import os
import zlib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.checks.compare import CheckFailure
from grader.checks.learner import Learner, LearnerFault
from grader.checks.marks import MARK
from grader.messages import say
from grader.report import CheckResult

# Our own process decides what runs: no third-party plugins, no conftest.py from
# the exercise folder (a learner could put one there), no cache, no ini files.
PYTEST_ARGS = [
    "-q", "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:pastebin", "-p", "no:junitxml",
    "-p", "no:doctest", "-p", "no:faulthandler", "-p", "no:unraisableexception", "-p", "no:threadexception",
    "-p", "no:logging", "-p", "no:debugging", "-p", "no:warnings", "--capture=no", "--noconftest", "-o", "python_files=checks_*.py",
    "-o", "python_functions=test_*", "-o", "python_classes=",
]


class CheckPlugin:
    """Fixtures for checks, and the collector of their results."""

    def __init__(self, learner: Learner, reference: Any, seed: int, hidden_dirs: list[Path]) -> None:
        self._learner = learner
        self._reference = reference
        self._seed = seed
        self._hidden_dirs = [d.resolve() for d in hidden_dirs]
        self.results: list[tuple[int, CheckResult]] = []
        self.collection_errors: list[str] = []

    @pytest.fixture
    def learner(self) -> Learner:
        return self._learner

    @pytest.fixture
    def reference(self) -> Any:
        return self._reference

    @pytest.fixture
    def seed(self) -> int:
        return self._seed

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """Fresh per submission (seed) and per check (its name), reproducible from the report."""
        return np.random.default_rng([self._seed, zlib.crc32(request.node.name.encode())])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext.strip().splitlines()[-1]}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
        outcome = yield
        report = outcome.get_result()
        if call.when == "call" or (call.when == "setup" and report.outcome != "passed" and not report.skipped):
            self.results.append((len(self.results), self._result(item, call, report)))

    def _result(self, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> CheckResult:
        marker = item.get_closest_marker(MARK)
        function = marker.kwargs["function"] if marker else "?"
        max_points = marker.kwargs["points"] if marker else 0.0
        doc = (getattr(item, "obj", None).__doc__ or "").strip().splitlines() if hasattr(item, "obj") else []
        hidden = any(Path(str(item.path)).resolve().is_relative_to(d) for d in self._hidden_dirs)
        status, message = _status_and_message(call, report)
        return CheckResult(
            function=function,
            name=item.name.removeprefix("test_"),
            status=status,
            points=max_points if status == "passed" else 0.0,
            max_points=max_points,
            message=message,
            description=doc[0] if doc else "",
            hidden=hidden,
            seconds=round(call.duration, 4),
        )


def _status_and_message(call: pytest.CallInfo[None], report: pytest.TestReport) -> tuple[str, str]:
    if report.passed:
        return "passed", ""
    if report.skipped:
        return "failed", str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "skipped"
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, LearnerFault):
        return error.status, str(error)
    if isinstance(error, CheckFailure):
        return "failed", str(error)
    if isinstance(error, AssertionError):
        return "failed", str(error) or "an assertion failed"
    if error is None:
        return "error", report.longreprtext[-2000:]
    return "error", say("check.internal", error_type=type(error).__name__, message=str(error)[:500])


def run_checks(check_files: list[Path], learner: Learner, reference: Any, seed: int,
               hidden_dirs: list[Path], root: Path) -> tuple[list[CheckResult], list[str]]:
    """Run the check files; returns (results in run order, collection errors)."""
    plugin = CheckPlugin(learner, reference, seed, hidden_dirs)
    ini = Path(__file__).parent / "checks" / "pytest.ini"
    args = [*PYTEST_ARGS, "-c", str(ini), "--rootdir", str(root), *map(str, check_files)]
    sink = io.StringIO()
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with redirect_stdout(sink), redirect_stderr(sink):
            pytest.main(args, plugins=[plugin])
    finally:
        if saved is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
    return [r for _, r in plugin.results], plugin.collection_errors
