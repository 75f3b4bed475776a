"""One pytest session kept open in a thread, running the checks for one learner after another.

For batch grading: pytest's configuration and collection (~40 ms a run) are paid once per
grading process instead of once per learner (see grading.WarmExercise, which holds one).
"""

from __future__ import annotations

import io
import queue
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from grader.checks.learner import Learner
from grader.checks.runner import CheckPlugin, run_pytest
from grader.model.report import CheckResult


class _SessionPlugin(CheckPlugin):
    """Runs the collected checks once per job taken from a queue, until told to stop."""

    def __init__(self, hidden_dirs: list[Path]) -> None:
        super().__init__(None, None, 0, hidden_dirs)  # type: ignore[arg-type]
        self.jobs: queue.Queue[tuple[Learner, Any, int, bool, set[str] | None] | None] = queue.Queue()
        self.done: queue.Queue[tuple[list[CheckResult], list[str]]] = queue.Queue()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        while (job := self.jobs.get()) is not None:
            learner, reference, seed, reveal_expected, functions = job
            self.for_learner(learner, reference, seed, reveal_expected=reveal_expected, functions=functions)
            # The process waits for this job meanwhile: what the checks print can go to a sink.
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                self.run_items(session)
            self.done.put((self.results, self.notes()))
        return True


class WarmChecks:
    """One pytest session kept open in a thread, running the checks for one learner at a time.

    Not thread-safe: one learner at a time, as a grading process works anyway.
    """

    def __init__(self, check_files: list[Path], hidden_dirs: list[Path], root: Path) -> None:
        self.plugin = _SessionPlugin(hidden_dirs)
        self.thread = threading.Thread(target=run_pytest, args=(check_files, root, self.plugin),
                                       kwargs={"silent": False}, daemon=True)
        self.thread.start()

    def run(self, learner: Learner, reference: Any, seed: int, *, reveal_expected: bool = False,
            functions: set[str] | None = None) -> tuple[list[CheckResult], list[str]]:
        """Results and notes of the checks for ``learner``, as ``runner.run_checks`` gives them
        (``reveal_expected`` and ``functions``: see ``CheckPlugin``)."""
        self.plugin.jobs.put((learner, reference, seed, reveal_expected, functions))
        while True:
            try:
                return self.plugin.done.get(timeout=1.0)
            except queue.Empty:
                if not self.thread.is_alive():
                    raise RuntimeError("the checks' pytest session ended unexpectedly") from None

    def close(self) -> None:
        self.plugin.jobs.put(None)
        self.thread.join(timeout=10)
