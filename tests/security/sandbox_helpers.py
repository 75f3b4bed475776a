"""Shared helpers of the security tests: grade a hostile file with a watchdog, find the sandbox's
processes, and assert on points, feedback and leaks.  (Moved here from test_hostile.py.)

Every scratch directory the grader creates during a test lives under that test's own folder
(the ``sandboxes`` fixture of conftest.py points ``tempfile.tempdir`` there), so the sandbox processes
of a test are exactly the processes whose working directory is beneath it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from grader.grading import grade_submission
from grader.model.report import CheckResult, GradeReport
from grader.sandbox.client import Limits

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "week2"
SOLUTIONS = ROOT / "solutions" / "week2"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SCHEMA = ROOT / "grader" / "schema" / "grade-report.v2.json"
HIDDEN_CHECKS = sorted((SOLUTIONS / "checks").glob("checks_*.py"))

FAST = Limits(call_seconds=2, load_seconds=3)
LOAD_HANG = Limits(call_seconds=2, load_seconds=2)
# A test still grading after this is hung: its sandbox gets killed. Generous: with both cores busy a
# hostile file's grading (crashes, restarts) takes several times what it takes on an idle machine.
WATCHDOG_SECONDS = 90.0
MESSAGE_CHARS = 10_000  # no feedback message should be longer than this
MiB = 2**20

# Lines of the reference solution long enough to be unmistakable: none may ever appear in a report.
REFERENCE_LINES = sorted({
    line.strip()
    for path in sorted(SOLUTIONS.glob("*.py"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if len(line.strip()) >= 40
})


# -- sandbox processes ----------------------------------------------------------------


def _proc_entries() -> Iterator[tuple[int, int, str, str]]:
    """(pid, ppid, state, cwd) of every process we can see (psutil if installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        for proc in psutil.process_iter(["pid", "ppid", "status"]):
            try:
                cwd = proc.cwd()
            except (psutil.Error, OSError):
                cwd = ""
            state = "Z" if proc.info["status"] == psutil.STATUS_ZOMBIE else "R"
            yield proc.info["pid"], proc.info["ppid"] or 0, state, cwd
        return
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except (OSError, IndexError):
            continue
        yield int(entry), int(fields[1]), fields[0], cwd


# Children this process already had when a test started (e.g. multiprocessing's resource tracker,
# started by an earlier test file): not the sandbox's, so never reported or killed.
_EARLIER_CHILDREN: dict[Path, set[int]] = {}


def _children() -> set[int]:
    me = os.getpid()
    return {pid for pid, ppid, state, _ in _proc_entries() if ppid == me and state not in ("Z", "X")}


def sandbox_processes(root: Path, *, children: bool = False) -> list[int]:
    """Live processes working beneath ``root`` (the test's scratch dirs), plus, with ``children``,
    every live child this test process gained during the test.  Zombies are ignored: they are not
    running anything."""
    prefix = str(root) + os.sep
    me = os.getpid()
    earlier = _EARLIER_CHILDREN.get(root, set())
    return [
        pid for pid, ppid, state, cwd in _proc_entries()
        if state not in ("Z", "X") and pid != me
        and (cwd.startswith(prefix) or (children and ppid == me and pid not in earlier))
    ]


def _kill(pids: Iterable[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def assert_no_stray_processes(root: Path, grace: float = 3.0) -> None:
    """(d): nothing the sandbox started survives grading (killed processes get ``grace`` s to go)."""
    deadline = time.monotonic() + grace
    while True:
        left = sandbox_processes(root, children=True)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if left:
        details = []
        for pid in left:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
            except OSError:
                cmdline = "?"
            details.append(f"{pid}: {cmdline}")
        _kill(left)
        pytest.fail("processes survived grading (now killed): " + "; ".join(details))


class Watchdog:
    """Kills the test's sandbox processes (repeatedly) once ``seconds`` have passed.

    A hung grader blocks on a pipe to its worker; killing the worker closes the pipe, so the
    grader returns (or fails) instead of hanging the suite.  ``fired`` tells the test it happened.
    """

    def __init__(self, root: Path, seconds: float) -> None:
        self.root, self.seconds = root, seconds
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hang-watchdog", daemon=True)

    def _run(self) -> None:
        if self._stop.wait(self.seconds):
            return
        self.fired = True
        while not self._stop.is_set():
            _kill(sandbox_processes(self.root))
            self._stop.wait(0.2)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- grading and assertions --------------------------------------------------------------


def grade(fixture: str | Path, sandboxes: Path, *, limits: Limits = FAST, budget: float = 120.0,
          watchdog: float = WATCHDOG_SECONDS) -> GradeReport:
    """(a): grade one hostile file; it must return a report, within ``budget`` seconds."""
    path = fixture if isinstance(fixture, Path) else HOSTILE / fixture
    started = time.perf_counter()
    with Watchdog(sandboxes, watchdog) as dog:
        report = grade_submission(EXERCISE, [path], seed=1, limits=limits)
    elapsed = time.perf_counter() - started
    assert not dog.fired, f"grading hung: the watchdog killed the sandbox after {watchdog:g} s"
    assert elapsed < budget, f"grading took {elapsed:.1f} s (budget {budget:g} s)"
    assert isinstance(report, GradeReport)
    assert_no_reference_text(report)
    return report


def report_texts(report: GradeReport) -> list[str]:
    return [c.message for c in report.checks] + [n.message for n in report.notes]


def assert_no_reference_text(report: GradeReport) -> None:
    """No line of the reference solution appears in any feedback or note (or anywhere in the JSON)."""
    texts = report_texts(report) + [report.to_json()]
    for line in REFERENCE_LINES:
        for text in texts:
            assert line not in text, f"the report leaks the reference solution: {line!r}"


def points(report: GradeReport) -> dict[str, float]:
    return {f.name: f.points for f in report.functions}


def assert_points(report: GradeReport, full: Iterable[str] = (), **partial: float) -> None:
    """(b): functions in ``full`` earn all their points, ``partial`` the given ones, all others 0."""
    full = set(full)
    maxima = {f.name: f.max_points for f in report.functions}
    expected = {name: (maxima[name] if name in full else 0.0) for name in maxima}
    expected.update(partial)
    for name in full:
        assert maxima[name] > 0, f"{name} has no points to earn: the honest control proves nothing"
    assert points(report) == expected
    assert report.points == pytest.approx(sum(expected.values()))


def checks_of(report: GradeReport, function: str) -> list[CheckResult]:
    found = [c for c in report.checks if c.function == function]
    assert found, f"no check graded {function}"
    return found


def assert_feedback(report: GradeReport, function: str, *words: str, status: str | None = None) -> None:
    """(c): every check of ``function`` that earns points failed, saying one of ``words``, briefly."""
    graded = [c for c in checks_of(report, function) if c.max_points > 0]
    for check in graded:
        assert check.status != "passed", f"{function}/{check.name} passed"
        if status:
            assert check.status == status, f"{function}/{check.name}: {check.status}: {check.message[:300]}"
        lower = check.message.lower()
        assert any(w.lower() in lower for w in words), (
            f"{function}/{check.name}: feedback does not mention any of {words}: {check.message[:500]!r}")
        assert len(check.message) < MESSAGE_CHARS, f"{function}/{check.name}: {len(check.message)} chars"


def assert_short_report(report: GradeReport) -> None:
    longest = max(len(t) for t in report_texts(report))
    assert longest < MESSAGE_CHARS, f"a feedback message is {longest} characters long"
    assert len(report.to_json()) < 2 * MiB


def fill_in(fixture: str, tmp_path: Path, **values: object) -> Path:
    """A copy of a fixture with ``NAME = <placeholder>`` lines set to the test's real values."""
    lines = (HOSTILE / fixture).read_text(encoding="utf-8").splitlines()
    done = set()
    for i, line in enumerate(lines):
        name = line.split(" = ", 1)[0]
        if name in values and " = " in line:
            lines[i] = f"{name} = {values[name]!r}"
            done.add(name)
    assert done == set(values), f"placeholders {set(values) - done} not found in {fixture}"
    target = tmp_path / "submission" / fixture
    target.parent.mkdir(exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def run_class(folder: Path, book: Path, out: Path | None = None) -> tuple[object, dict[str, GradeReport]]:
    """``grade batch`` of ``folder`` in this process (jobs=1: one warm zygote, one forked sandbox per
    learner): (BatchSummary, {learner: report}). The zygote, which lives as long as its grading
    process, is closed afterwards so that the stray-process checks see only the sandbox's processes."""
    import grader.classroom.batch as batch_module

    reports: dict[str, GradeReport] = {}

    def keep(learner: str, report: GradeReport | None) -> None:
        if report is not None:
            reports[learner] = report

    try:
        summary = batch_module.run_batch(EXERCISE, folder, gradebook=book, jobs=1, on_result=keep, out=out)
    finally:
        if batch_module._launcher is not None:
            batch_module._launcher.close()
            batch_module._launcher = None
    return summary, reports
