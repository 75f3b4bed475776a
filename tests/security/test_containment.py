"""Containment: whatever learner code does with time, memory, output, recursion, threads and
processes, the grade ends, the limit is reported on the function concerned, the other functions are
graded, and nothing of the sandbox survives.

Helpers and their contract: sandbox_helpers.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sandbox_helpers import (
    LOAD_HANG,
    assert_feedback,
    assert_no_stray_processes,
    assert_points,
    checks_of,
    grade,
)

from grader.sandbox.client import Limits


def test_deep_recursion_and_c_stack_overflow(sandboxes: Path) -> None:
    report = grade("deep_recursion.py", sandboxes, limits=Limits(call_seconds=5, load_seconds=3))
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "RecursionError", status="error")
    assert_feedback(report, "L1", "segmentation fault", status="error")
    assert_no_stray_processes(sandboxes)


def test_threads_and_grandchildren_do_not_outlive_the_grade(sandboxes: Path) -> None:
    report = grade("threads_outlive.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "wrong", status="failed")
    assert_no_stray_processes(sandboxes)
    time.sleep(0.3)  # a survivor would have recreated its file by now
    assert list(sandboxes.iterdir()) == [], "the scratch folder outlived the grade"


def test_a_200_mb_file_is_stopped_by_the_file_size_limit(sandboxes: Path) -> None:
    report = grade("file_flood.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "File too large", status="error")
    assert_no_stray_processes(sandboxes)


def test_loading_has_one_deadline_in_all(sandboxes: Path) -> None:
    """Eight class bodies of 1.5 s each with a 2 s load limit used to load for 12 s, and again after
    every restart of the worker (a thousand of them: hours). The second unit that stops loading now
    ends the file."""
    started = time.perf_counter()
    report = grade("slow_load.py", sandboxes, limits=LOAD_HANG, budget=20)
    elapsed = time.perf_counter() - started
    assert elapsed < 4 * LOAD_HANG.load_seconds + 4, f"loading took {elapsed:.1f} s"
    assert_points(report, full=["sigmoid"])
    hangs = [n for n in report.notes if n.kind == "load-hang"]
    assert len(hangs) == 2, report.notes
    assert "every definition after it" in hangs[1].message
    assert_no_stray_processes(sandboxes)


def test_a_submission_has_a_total_time_budget(sandboxes: Path) -> None:
    """Calls that each time out (or each crash the worker, which is then restarted and reloaded)
    cannot hold the grader longer than Limits.total_seconds; the calls past the budget are reported."""
    limits = Limits(call_seconds=1, load_seconds=3, total_seconds=4)
    started = time.perf_counter()
    report = grade("loop_in_function.py", sandboxes, limits=limits, budget=15)
    assert time.perf_counter() - started < limits.total_seconds + 2 * limits.call_seconds + 4
    spent = [c for c in report.checks if "grading time" in c.message]
    assert spent, "no check says the time budget was spent"
    assert all(c.status == "error" and c.points == 0 for c in spent)
    assert any(c.status == "passed" for c in checks_of(report, "sigmoid"))  # graded before the budget ran out
    assert all(c.points == 0 for c in checks_of(report, "propagate"))
    assert_no_stray_processes(sandboxes)


DISK_FILLER = '''
import os
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def softmax(x):
    block, written = b"\\0" * (1 << 20), 0
    for i in range(24):  # 24 files of 15 MB: each under the file-size limit
        try:
            with open(f"fill{i}.bin", "wb") as fh:
                for _ in range(15):
                    fh.write(block)
                    written += len(block)
        except OSError:
            break
    raise RuntimeError(f"WROTE={written}")
'''


def test_the_scratch_folder_has_a_total_size_limit(sandboxes: Path, tmp_path: Path) -> None:
    """RLIMIT_FSIZE caps each file (16 MB); the tmpfs over the scratch folder caps them together (64 MB),
    so many files under the per-file limit cannot fill the disk either."""
    path = tmp_path / "disk_filler.py"
    path.write_text(DISK_FILLER, encoding="utf-8")
    report = grade(path, sandboxes)
    (message,) = {c.message for c in checks_of(report, "softmax")}
    written = int(message.split("WROTE=", 1)[1].split()[0])
    assert written <= 64 * 2**20, f"one call wrote {written / 2**20:.0f} MB into its scratch folder"
