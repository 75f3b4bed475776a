"""Grading a class: one learner per file or folder, in parallel, resumable.

``run_batch`` finds the learners of a submissions folder (learners.py), skips every submission
the gradebook already holds (same exercise, learner and fingerprint), grades the
rest on a pool of grading processes, each with a warm zygote that forks a fresh
sandbox per learner, and records each result as soon as it arrives.  Killed at
any point, a second run grades only what is missing: nothing twice, nothing lost.
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from multiprocessing.connection import wait as connection_wait
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from grader.errors import UsageError
from grader.model.exercise import Exercise, load_exercise
from grader.ingest.submission import fingerprint
from grader.classroom.gradebook import Gradebook
from grader.classroom.learners import Learner, discover, refuse_shared_ids
from grader.grading import WarmExercise, grade_submission
from grader.interrupts import deferred, received
from grader.views.learner_ids import lookalike_groups, page_name
from grader.model.report import GradeReport

if TYPE_CHECKING:
    from grader.sandbox.launch import ZygoteLauncher


@dataclass
class BatchSummary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the gradebook, unchanged
    failed: dict[str, str] = field(default_factory=dict)  # learner -> why no grade (unusable files, shared id)
    ignored: list[str] = field(default_factory=list)  # entries of the folder that are not submissions
    lookalikes: list[tuple[str, ...]] = field(default_factory=list)  # ids a reader could take for one another


# -- grading processes --------------------------------------------------------

_launcher: ZygoteLauncher | None = None
# Signals that stop a batch. A pool's processes ignore SIGINT (Ctrl-C reaches the whole process
# group: the batch decides) and leave at once on SIGTERM, which the batch then sends them.
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
STOP_SECONDS = 10.0  # a grading process that has not left this long after its SIGTERM is killed
POLL_SECONDS = 0.25  # the longest an interrupt waits while the batch waits for results


def _start_grading_process(counter: Synchronized | None = None, parent: int = 0, scratch: str = "") -> None:
    """Pool initializer: die with the batch, leave on SIGTERM, and keep one warm zygote for this process.

    counter: numbers the grading processes of a pool, each of which then keeps to one
    CPU with its zygote and sandboxes (see _pin).
    parent: the batch's process id, in a pool's process (0: grading in the batch's own process).
    scratch: the batch's scratch folder: this process's zygote and sandboxes work beneath it.
    """
    global _launcher, _settled
    from grader.sandbox.launch import ZygoteLauncher, die_with_parent

    if parent:
        die_with_parent(parent)  # first of all: the batch may have been killed while it forked this process
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _leave)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the batch while it forked us
        tempfile.tempdir = scratch
    if counter is not None:
        _settled = False  # a process of its own: _settle may tune its garbage collector
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        _pin(index)
    _launcher = ZygoteLauncher(Path(scratch) if scratch else None)


def _leave(_signal: int, _frame: object) -> None:
    """SIGTERM in a grading process (the batch is stopping): end now, without a result or a traceback,
    and with everything this process started: the zygote (the sandbox it forked for the learner being
    graded dies with it), then what is left in this process's pids cgroup (learner processes that
    left their group)."""
    from grader.sandbox.cgroup import release_shared

    if _launcher is not None:
        _launcher.kill()
    release_shared()
    os._exit(0)


def _pin(index: int) -> None:
    """Keep this process (and the zygote and sandboxes it starts next) on one allowed CPU.

    A grading process and its sandbox take turns, one call after another (~35 a learner):
    on the same CPU each hand-over is a local switch instead of a wake-up across CPUs,
    which costs about a third less CPU time per call (benchmarks/bench_batch.py).
    """
    try:
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[index % len(allowed)]})
    except (AttributeError, OSError, IndexError):
        pass  # no affinity on this platform, or not allowed: grading works the same, a little slower


# This grading process's exercises, each with what grading its learners keeps (see grading.WarmExercise).
_warm: dict[str, WarmExercise] = {}


def _warm_exercise(exercise_root: str) -> WarmExercise:
    """The exercise, loaded once in this process with its open pytest session.

    A process forked from one that had a session inherits the object but not its thread:
    such a session is replaced.
    """
    warm = _warm.get(exercise_root)
    if warm is None or not warm.alive:
        warm = _warm[exercise_root] = WarmExercise.open(load_exercise(exercise_root))
    return warm


def grade_learner(exercise_root: str, learner: Learner) -> tuple[str, dict | str]:
    """(learner id, report as a dict) or (learner id, the one-line reason there is no grade)."""
    try:
        warm = _warm_exercise(exercise_root)
        # A single file shares its folder with other learners: it must not import their files.
        report = grade_submission(warm.exercise, list(learner.files), learner=learner.id, launcher=_launcher,
                                  siblings=learner.own_folder, warm=warm, seed_secret=learner.seed_secret or None)
    except UsageError as exc:
        return learner.id, str(exc)
    _settle()
    return learner.id, report.to_dict()


_settled = True  # until this is a pool's grading process


def _settle() -> None:
    """After this process's first learner: what it has loaded stays for the whole class.

    Frozen, those objects (pytest's session, the checks, the reference, numpy) are left out
    of the garbage collector's passes: about 1 ms of CPU a learner, and no memory.
    """
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


class Executor(Protocol):
    """Where learners are graded: yields (learner id, report dict or reason) as each completes."""

    def results(self, exercise_root: str, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]: ...


class InlineExecutor:
    """In this process, one learner after another (jobs=1)."""

    def results(self, exercise_root: str, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]:
        global _launcher
        _start_grading_process()
        assert _launcher is not None
        try:
            for learner in learners:
                yield grade_learner(exercise_root, learner)
        except BaseException:
            _launcher.kill()
            raise
        else:
            _launcher.close()
        finally:
            _launcher = None


class LocalPoolExecutor:
    """Grading processes forked from this one (numpy, pytest and the grader already imported).

    Stopped early (an interrupt, or the caller stops reading results), it ends its processes
    at once, with their zygotes and sandboxes, instead of waiting for the learners they grade.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def results(self, exercise_root: str, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]:
        context = get_context("fork")
        scratch = tempfile.mkdtemp(prefix="dl-grader-batch-")
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_start_grading_process,
                                   initargs=(context.Value("i", 0), os.getpid(), scratch))
        try:
            queue = iter(learners)
            # The processes are forked by the first submit: with the stop signals blocked, which they
            # unblock once their own handlers are set (a traceback-free exit, whenever the signal comes).
            with deferred(), _blocked(STOP_SIGNALS):
                pending: set[Future] = {pool.submit(grade_learner, exercise_root, learner)
                                        for learner in itertools.islice(queue, 2 * self.jobs)}
            while pending:
                with deferred():  # an interrupt comes between two waits, never inside the pool's locks
                    done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    with deferred():
                        pending |= {pool.submit(grade_learner, exercise_root, learner)
                                    for learner in itertools.islice(queue, 1)}
        except BaseException:
            _stop(pool)
            raise
        else:
            pool.shutdown()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _blocked(signals: set[signal.Signals]) -> Iterator[None]:
    """Hold ``signals`` back in this thread (and in the processes it forks meanwhile)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's grading processes now: each leaves on SIGTERM with what it started (see _leave);
    one that has not within STOP_SECONDS is killed, and its zygote and sandbox die with it."""
    processes = list((pool._processes or {}).values())  # the pool's own list of them: there is no public one
    for process in processes:
        process.terminate()
    running = {process.sentinel: process for process in processes}
    deadline = time.monotonic() + STOP_SECONDS
    while running and (remaining := deadline - time.monotonic()) > 0:
        for sentinel in connection_wait(list(running), remaining):
            del running[sentinel]
    for process in running.values():
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def make_executor(jobs: int) -> Executor:
    return InlineExecutor() if jobs == 1 else LocalPoolExecutor(jobs)


class BatchInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the batch. ``summary`` holds what was done before (every learner
    in ``summary.graded`` is recorded, with their feedback pages); ``left`` learners were not graded."""

    def __init__(self, summary: BatchSummary, left: int) -> None:
        super().__init__(f"{len(summary.graded)} learners recorded, {left} left")
        self.summary = summary
        self.left = left


def run_batch(exercise: str | Path, submissions: Path, *, gradebook: Path, jobs: int | None = None,
              out: Path | None = None, on_start: Callable[[int], None] | None = None,
              on_result: Callable[[str, GradeReport | None], None] | None = None,
              executor: Executor | None = None) -> BatchSummary:
    """Grade every new or changed submission of the folder; see the module docstring.

    executor: where to grade (default: a local pool of ``jobs`` processes, or inline for 1).
    Raises BatchInterrupted on SIGINT or SIGTERM, once the grading processes have ended.
    """
    ex = load_exercise(exercise)
    found, ignored = discover(submissions)
    learners, refused = refuse_shared_ids(found)
    summary = BatchSummary(failed=refused, ignored=ignored,
                           lookalikes=lookalike_groups([learner.id for learner in learners]))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    try:
        with Gradebook(gradebook) as book:
            todo = _to_grade(book, ex, learners, summary)
            if on_start:
                on_start(len(todo))
            if not todo:
                return summary  # nothing new: no grading process, no zygote
            jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
            results = (executor or make_executor(jobs)).results(str(ex.root), todo)
            try:
                for learner_id, result in results:
                    with deferred():  # a learner's feedback pages and record are written whole
                        report = _keep(book, learner_id, result, summary, out)
                    if on_result:
                        on_result(learner_id, report)
            finally:
                close = getattr(results, "close", None)
                if close is not None:
                    close()  # stopped early: the executor ends its processes now
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) or (isinstance(exc, Exception) and received() is not None):
            done = {*summary.graded, *summary.skipped, *summary.failed}
            raise BatchInterrupted(summary, sum(learner.id not in done for learner in learners)) from None
        raise
    return summary


def _to_grade(book: Gradebook, ex: Exercise, learners: list[Learner], summary: BatchSummary) -> list[Learner]:
    """The learners whose submission the gradebook does not hold yet (the others go to ``summary``)."""
    secret = book.seed_secret()
    todo = []
    for learner in learners:
        try:
            # The complete fingerprint (the files and the modules they can import), as grading computes it.
            known = book.find(ex.name, learner.id, fingerprint(list(learner.files), siblings=learner.own_folder))
        except UsageError as exc:
            summary.failed[learner.id] = str(exc)
            continue
        if known is None:
            todo.append(replace(learner, seed_secret=secret))
        else:
            summary.skipped.append(learner.id)
    return todo


def _keep(book: Gradebook, learner_id: str, result: dict | str, summary: BatchSummary,
          out: Path | None) -> GradeReport | None:
    """Record one learner's result, its feedback pages first (a recorded learner always has them,
    and a rerun, which skips recorded learners, writes them again for the others)."""
    if isinstance(result, str):
        summary.failed[learner_id] = result
        return None
    report = GradeReport.from_dict(result)
    if out is not None:
        _write_feedback(report, out)
    book.record(report, result)  # its own transaction: a kill loses at most the ones in flight
    summary.graded.append(learner_id)
    return report


def _write_feedback(report: GradeReport, out: Path) -> None:
    from grader.views.html import render_html

    name = page_name(report.learner)
    (out / f"{name}.json").write_text(report.to_json() + "\n", encoding="utf-8")
    (out / f"{name}.html").write_text(render_html(report), encoding="utf-8")
