"""Grading a class: one learner per file or folder, in parallel, resumable.

``run_batch`` finds the learners of a submissions folder, skips every submission
the gradebook already holds (same exercise, learner and fingerprint), grades the
rest on a pool of grading processes, each with a warm zygote that forks a fresh
sandbox per learner, and records each result as soon as it arrives.  Killed at
any point, a second run grades only what is missing: nothing twice, nothing lost.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from grader.errors import UsageError
from grader.exercise import Exercise, load_exercise
from grader.extract import fingerprint
from grader.gradebook import Gradebook
from grader.grading import SUBMITTABLE, grade_submission
from grader.report import GradeReport


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
        if entry.is_file() and entry.suffix in SUBMITTABLE:
            learners.append(Learner(entry.stem, (entry,)))
        elif entry.is_dir():
            files = sorted(p for p in entry.iterdir() if p.is_file() and p.suffix in SUBMITTABLE)
            if not files:  # a learner who zipped a folder inside a folder
                files = sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix in SUBMITTABLE)[:20]
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


def _start_grading_process() -> None:
    """Pool initializer: die with the batch, and keep one warm zygote for this process."""
    global _launcher
    from grader.sandbox.launch import ZygoteLauncher
    from grader.sandbox.worker import _die_with_parent

    _die_with_parent()
    _launcher = ZygoteLauncher()


def _grade_one(exercise_root: str, learner: Learner) -> tuple[str, dict | str]:
    """(learner id, report as a dict) or (learner id, the one-line reason there is no grade)."""
    try:
        # A single file shares its folder with other learners: it must not import their files.
        report = grade_submission(exercise_root, list(learner.files), learner=learner.id, launcher=_launcher,
                                  siblings=learner.own_folder)
    except UsageError as exc:
        return learner.id, str(exc)
    return learner.id, report.to_dict()


def _results_inline(ex: Exercise, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]:
    _start_grading_process()
    for learner in learners:
        yield _grade_one(str(ex.root), learner)


def _results_in_pool(ex: Exercise, learners: list[Learner], jobs: int) -> Iterator[tuple[str, dict | str]]:
    # fork: grading processes start with numpy, pytest and the grader already imported.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"),
                             initializer=_start_grading_process) as pool:
        pending: set[Future] = set()
        queue = iter(learners)
        for learner in queue:
            pending.add(pool.submit(_grade_one, str(ex.root), learner))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                for learner in queue:
                    pending.add(pool.submit(_grade_one, str(ex.root), learner))
                    break


def run_batch(exercise: str | Path, submissions: Path, *, gradebook: Path, jobs: int | None = None,
              out: Path | None = None, on_start: Callable[[int], None] | None = None,
              on_result: Callable[[str, GradeReport | None], None] | None = None) -> BatchSummary:
    """Grade every new or changed submission of the folder; see the module docstring."""
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
        results = _results_inline(ex, todo) if jobs == 1 else _results_in_pool(ex, todo, jobs)
        for learner_id, result in results:
            report = None
            if isinstance(result, str):
                summary.failed[learner_id] = result
            else:
                report = GradeReport.from_dict(result)
                book.record(report)  # its own transaction: a kill loses at most the ones in flight
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
