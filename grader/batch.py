"""Grading a class: one learner per file or folder, in parallel, resumable.

``run_batch`` finds the learners of a submissions folder, skips every submission
the gradebook already holds (same exercise, learner and fingerprint), grades the
rest on a pool of grading processes, each with a warm zygote that forks a fresh
sandbox per learner, and records each result as soon as it arrives.  Killed at
any point, a second run grades only what is missing: nothing twice, nothing lost.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from grader.errors import UsageError
from grader.exercise import Exercise, load_exercise
from grader.extract import fingerprint
from grader.gradebook import Gradebook
from grader.grading import SUBMITTABLE, grade_submission
from grader.report import GradeReport

if TYPE_CHECKING:
    from grader.run_checks import WarmChecks


@dataclass(frozen=True)
class Learner:
    """One learner's submission: an id (file stem or folder name) and its files."""

    id: str
    files: tuple[Path, ...]
    own_folder: bool = False  # its files sit in a folder of its own (so its sibling modules are its own)


@dataclass
class BatchSummary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the gradebook, unchanged
    failed: dict[str, str] = field(default_factory=dict)  # learner -> why no grade (unusable files)
    ignored: list[str] = field(default_factory=list)  # entries of the folder that are not submissions


def discover(folder: Path) -> tuple[list[Learner], list[str]]:
    """Learners of a submissions folder, and the entries that are not submissions."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder of submissions")
    learners, ignored = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():  # a link could point at the solutions or at a classmate's work
            ignored.append(f"{entry.name} (a link)")
            continue
        if entry.is_file() and entry.suffix in SUBMITTABLE:
            learners.append(Learner(entry.stem, (entry,)))
        elif entry.is_dir():
            files = sorted(p for p in entry.iterdir() if p.is_file() and p.suffix in SUBMITTABLE)
            if not files:  # a learner who zipped a folder inside a folder (hidden ones such as
                # .ipynb_checkpoints hold stale copies, and links may lead anywhere: both skipped)
                files = sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix in SUBMITTABLE
                               and not p.is_symlink()
                               and not any(part.startswith(".") for part in p.relative_to(entry).parts))[:20]
            if files:
                learners.append(Learner(entry.name, tuple(files), own_folder=True))
            else:
                ignored.append(entry.name)
        else:
            ignored.append(entry.name)
    return learners, ignored


def safe_name(learner: str) -> str:
    """A file name for a learner id (ids come from names of learners' files)."""
    return re.sub(r"[^\w.-]", "_", learner).strip(".") or "learner"


# -- grading processes --------------------------------------------------------

_launcher = None


def _start_grading_process(counter: Synchronized | None = None) -> None:
    """Pool initializer: die with the batch, and keep one warm zygote for this process.

    counter: numbers the grading processes of a pool, each of which then keeps to one
    CPU with its zygote and sandboxes (see _pin).
    """
    global _launcher, _settled
    from grader.sandbox.launch import ZygoteLauncher
    from grader.sandbox.worker import _die_with_parent

    _die_with_parent()
    if counter is not None:
        _settled = False  # a process of its own: _settle may tune its garbage collector
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        _pin(index)
    _launcher = ZygoteLauncher()


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


_warm: dict[str, tuple[Exercise, WarmChecks]] = {}


def _warm_checks(exercise_root: str) -> tuple[Exercise, WarmChecks]:
    """The exercise, and this process's open pytest session over its checks (both loaded once).

    A process forked from one that had a session inherits the object but not its thread:
    such a session is replaced.
    """
    warm = _warm.get(exercise_root)
    if warm is None or not warm[1].thread.is_alive():
        from grader.grading import check_files
        from grader.run_checks import WarmChecks

        ex = load_exercise(exercise_root)
        _warm[exercise_root] = ex, WarmChecks(check_files(ex), [ex.solutions], ex.root)
    return _warm[exercise_root]


def grade_learner(exercise_root: str, learner: Learner) -> tuple[str, dict | str]:
    """(learner id, report as a dict) or (learner id, the one-line reason there is no grade)."""
    try:
        ex, warm = _warm_checks(exercise_root)
        # A single file shares its folder with other learners: it must not import their files.
        report = grade_submission(ex, list(learner.files), learner=learner.id, launcher=_launcher,
                                  siblings=learner.own_folder, warm=warm)
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
        _start_grading_process()
        for learner in learners:
            yield grade_learner(exercise_root, learner)


class LocalPoolExecutor:
    """Grading processes forked from this one (numpy, pytest and the grader already imported)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def results(self, exercise_root: str, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]:
        context = get_context("fork")
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_start_grading_process,
                                 initargs=(context.Value("i", 0),)) as pool:
            queue = iter(learners)
            pending: set[Future] = {pool.submit(grade_learner, exercise_root, learner)
                                    for learner in itertools.islice(queue, 2 * self.jobs)}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    pending |= {pool.submit(grade_learner, exercise_root, learner)
                                for learner in itertools.islice(queue, 1)}


def make_executor(jobs: int) -> Executor:
    return InlineExecutor() if jobs == 1 else LocalPoolExecutor(jobs)


def run_batch(exercise: str | Path, submissions: Path, *, gradebook: Path, jobs: int | None = None,
              out: Path | None = None, on_start: Callable[[int], None] | None = None,
              on_result: Callable[[str, GradeReport | None], None] | None = None,
              executor: Executor | None = None) -> BatchSummary:
    """Grade every new or changed submission of the folder; see the module docstring.

    executor: where to grade (default: a local pool of ``jobs`` processes, or inline for 1).
    """
    ex = load_exercise(exercise)
    learners, ignored = discover(submissions)
    summary = BatchSummary(ignored=ignored)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    with Gradebook(gradebook) as book:
        todo = []
        for learner in learners:
            try:
                known = book.find(ex.name, learner.id, fingerprint(list(learner.files)))
            except UsageError as exc:
                summary.failed[learner.id] = str(exc)
                continue
            if known is None:
                todo.append(learner)
            else:
                summary.skipped.append(learner.id)
        if on_start:
            on_start(len(todo))
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
        results = (executor or make_executor(jobs)).results(str(ex.root), todo) if todo else iter(())
        for learner_id, result in results:  # nothing new: no grading process, no zygote
            report = None
            if isinstance(result, str):
                summary.failed[learner_id] = result
            else:
                report = GradeReport.from_dict(result)
                book.record(report, result)  # its own transaction: a kill loses at most the ones in flight
                summary.graded.append(learner_id)
                if out is not None:
                    _write_feedback(report, out)
            if on_result:
                on_result(learner_id, report)
    return summary


def _write_feedback(report: GradeReport, out: Path) -> None:
    from grader.render_html import render_html

    name = safe_name(report.learner)
    (out / f"{name}.json").write_text(report.to_json() + "\n", encoding="utf-8")
    (out / f"{name}.html").write_text(render_html(report), encoding="utf-8")
