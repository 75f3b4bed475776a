"""Confidentiality: learner code cannot see the reference, the checks, the expected values, other
learners' submissions or the gradebook - not in memory, not by absolute path, not through links.

Each test grades a hostile file from ``fixtures/hostile/`` (see test_hostile.py for the helpers'
contract: no hang, exact points, plain feedback, no stray process, no reference text in the report).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sandbox_helpers import (
    HOSTILE,
    REFERENCE_LINES,
    ROOT,
    SOLUTIONS,
    assert_feedback,
    assert_no_stray_processes,
    assert_points,
    checks_of,
    fill_in,
    grade,
    report_texts,
    run_class,
)

from grader.model.report import GradeReport

TRUSTED_MODULE_WORDS = ("solution", "checks", "pytest", "run_checks", "grader.grading", "problems_", "reference")


def batch(folder: Path, book: Path) -> dict[str, GradeReport]:
    return run_class(folder, book)[1]


def honest_class(root: Path) -> Path:
    """A class folder with one honest single-file learner (alice) and one folder learner (zoe)."""
    folder = root / "class"
    folder.mkdir()
    shutil.copy(SOLUTIONS / "python_basics.py", folder / "alice.py")
    (folder / "zoe").mkdir()
    shutil.copy(SOLUTIONS / "python_basics.py", folder / "zoe" / "python_basics.py")
    return folder


# -- memory, frames and modules of the worker --------------------------------------------------------


def test_worker_memory_and_frames_hold_nothing_of_the_trusted_side(sandboxes: Path) -> None:
    """gc.get_objects / inspect.stack / sys.modules in the worker: no reference, check or expected value;
    the grading process's memory (/proc/<pid>/mem, process_vm_readv, ptrace) is out of reach."""
    report = grade("inspect_memory.py", sandboxes)
    assert_points(report)
    (seen,) = {c.message for c in checks_of(report, "L1")}
    frames = re.search(r"FRAMES=(\[.*?\])", seen)
    modules = re.search(r"MODULES=(\[.*?\])", seen)
    names = re.search(r"NAMES=(\[.*?\])", seen)
    assert frames and modules and names, seen
    assert "solutions" not in frames.group(1) and "run_checks" not in frames.group(1), frames.group(1)
    assert modules.group(1) == "[]", f"the worker has trusted modules loaded: {modules.group(1)}"
    for word in ("expected", "reference", "want"):
        assert f"'{word}'" not in names.group(1), names.group(1)
    (parent,) = {c.message for c in checks_of(report, "L2")}
    assert "('proc-mem', 'PermissionError')" in parent, parent
    assert re.search(r"\('process_vm_readv', -1, 1\)", parent), parent  # EPERM
    assert re.search(r"\('ptrace', -1, 1\)", parent), parent
    assert_no_stray_processes(sandboxes)


def test_reference_is_never_imported_in_the_worker(sandboxes: Path, tmp_path: Path) -> None:
    """The worker's module table after a full grade of an honest file: nothing of the checks or the
    reference (they run in the trusted process only)."""
    probe = tmp_path / "probe_modules.py"
    probe.write_text(
        (SOLUTIONS / "python_basics.py").read_text(encoding="utf-8")
        + "\n\ndef initialize_with_zeros(dim):\n    import sys\n"
        "    raise RuntimeError('MODULES=' + ' '.join(sorted(m for m in sys.modules if not m.startswith('numpy'))))\n",
        encoding="utf-8")
    report = grade(probe, sandboxes)
    (message,) = {c.message for c in checks_of(report, "initialize_with_zeros")}
    modules = message.split("MODULES=", 1)[1].split("\n", 1)[0].split()
    assert "grader.sandbox.worker" in modules and not modules[-1].endswith("..."), modules  # the whole list
    leaked = [m for m in modules if any(word in m.lower() for word in TRUSTED_MODULE_WORDS)]
    assert leaked == [], leaked
    assert not any(m.startswith("grader.") and not m.startswith("grader.sandbox") for m in modules), modules


# -- the gradebook and other learners, in `grade batch` ------------------------------------------------


def _rows(book: Path) -> list[tuple[str, float]]:
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return sorted(db.execute("SELECT learner, points FROM submissions").fetchall())


def test_gradebook_is_unreachable_from_the_worker_even_by_absolute_path(sandboxes: Path, tmp_path: Path) -> None:
    folder = honest_class(tmp_path)
    book = tmp_path / "books" / "gradebook.sqlite"
    book.parent.mkdir()
    attack = fill_in("gradebook_attack.py", tmp_path, GRADEBOOK=str(book))
    shutil.copy(attack, folder / "mallory.py")
    reports = batch(folder, book)
    assert sorted(reports) == ["alice", "mallory", "zoe"]
    full = reports["alice"].points
    assert full == reports["zoe"].points > 0
    assert _rows(book) == [("alice", full), ("mallory", reports["mallory"].points), ("zoe", full)]
    assert_points(reports["mallory"], full=["sigmoid"])
    for function in ("L1", "softmax", "normalize_rows", "image2vector"):
        assert_feedback(reports["mallory"], function, "PermissionError", status="error")
    assert_feedback(reports["mallory"], "L2", "unable to open", "PermissionError", status="error")
    assert stat.S_IMODE(book.stat().st_mode) != 0o666  # image2vector's chmod did not happen
    assert_no_stray_processes(sandboxes)


def test_other_learners_submissions_are_unreadable_in_batch(sandboxes: Path, tmp_path: Path) -> None:
    folder = honest_class(tmp_path)
    thief = fill_in("read_other_learner.py", tmp_path,
                    VICTIMS=[str(folder / "alice.py"), str(folder / "zoe" / "python_basics.py")])
    shutil.copy(thief, folder / "thief.py")
    reports = batch(folder, tmp_path / "gradebook.sqlite")
    assert reports["alice"].points == reports["zoe"].points > 0
    assert_points(reports["thief"])
    for function in ("sigmoid", "softmax", "L1"):
        assert_feedback(reports["thief"], function, "PermissionError", status="error")
    assert_no_stray_processes(sandboxes)


def test_a_symbolic_link_to_the_reference_or_another_learner_is_refused(sandboxes: Path, tmp_path: Path) -> None:
    """A link in an uploaded archive used to be followed by the trusted grader: linking the reference
    solution earned full marks, linking a classmate's file copied it. Now the learner gets no grade
    and the reason."""
    folder = honest_class(tmp_path)
    (folder / "linker.py").symlink_to(SOLUTIONS / "python_basics.py")
    (folder / "copier.py").symlink_to(folder / "alice.py")
    (folder / "yves").mkdir()
    (folder / "yves" / "python_basics.py").symlink_to(SOLUTIONS / "python_basics.py")
    summary, _ = run_class(folder, tmp_path / "gradebook.sqlite")
    assert sorted(summary.graded) == ["alice", "zoe"]
    assert {"linker.py (a link)", "copier.py (a link)"} <= set(summary.ignored)  # never opened
    assert "symbolic link" in summary.failed["yves"], summary.failed  # a link inside a learner's folder
    assert [learner for learner, _ in _rows(tmp_path / "gradebook.sqlite")] == ["alice", "zoe"]


def test_a_linked_sibling_module_is_not_copied_into_the_sandbox(sandboxes: Path, tmp_path: Path) -> None:
    """Siblings next to a submission are copied into the scratch folder; a link among them could
    bring the reference solution within reach of learner code (then into its error messages)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "helper.py").symlink_to(SOLUTIONS / "python_basics.py")
    (folder / "answer.py").write_text(
        "import numpy as np\n\ndef sigmoid(x):\n    with open('helper.py') as fh:\n        raise RuntimeError(fh.read())\n",
        encoding="utf-8")
    report = grade(folder / "answer.py", sandboxes)  # also asserts no reference line in the report
    assert_feedback(report, "sigmoid", "FileNotFoundError", status="error")


# -- what Landlock does not cover ------------------------------------------------------------------------


def test_system_v_ipc_of_other_processes_is_out_of_reach(sandboxes: Path, tmp_path: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x0D1600 + (os.getpid() & 0xFFF)
    queue = libc.msgget(key, 0o1600)  # IPC_CREAT | 0600, owned by this (same-uid) process
    segment = libc.shmget(key, 4096, 0o1600)
    assert queue >= 0 and segment >= 0, "cannot create System V IPC objects here"
    try:
        report = grade(fill_in("sysv_ipc.py", tmp_path, KEY=key), sandboxes)
    finally:
        libc.msgctl(queue, 0, None)  # IPC_RMID
        libc.shmctl(segment, 0, None)
    assert_points(report, full=["sigmoid"])
    (message,) = {c.message for c in checks_of(report, "L1")}
    assert "MSGGET=-1/2 " in message and "SHMGET=-1/2" in message, message  # ENOENT: another namespace
    assert report.protections["ipc-namespace"].startswith("active")


def test_reference_lines_are_known_to_the_leak_detector() -> None:
    """The tests above rely on REFERENCE_LINES; the reference file of week 2 is really covered."""
    text = (SOLUTIONS / "python_basics.py").read_text(encoding="utf-8")
    assert sum(line in text for line in REFERENCE_LINES) > 10
    assert ROOT in SOLUTIONS.parents and HOSTILE.is_dir()


@pytest.mark.parametrize("probe, outcome", [
    ("os.stat(SECRET).st_size > 0", "True"),
    ("os.path.exists(SECRET)", "True"),
    ("os.path.exists(SECRET + '.nope')", "False"),
])
def test_known_limit_file_metadata_is_visible(sandboxes: Path, tmp_path: Path, probe: str, outcome: str) -> None:
    """Documented in SECURITY.md (what it does not protect): Landlock (ABI <= 7) does not control
    stat(): learner code can tell whether a path exists and see its size and times, never its
    content. This test pins that behaviour so the document stays true."""
    source = (f"import os\nimport numpy as np\nSECRET = {str(SOLUTIONS / 'python_basics.py')!r}\n"
              f"def L1(yhat, y):\n    raise RuntimeError('PROBE=' + str({probe}))\n")
    path = tmp_path / "metadata_probe.py"
    path.write_text(source, encoding="utf-8")
    report = grade(path, sandboxes)
    (message,) = {c.message for c in checks_of(report, "L1")}
    assert f"PROBE={outcome}" in message, message
    assert all("def sigmoid" not in text for text in report_texts(report))


def test_a_learner_folder_that_is_a_link_is_refused(sandboxes: Path, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "yves").symlink_to(SOLUTIONS, target_is_directory=True)
    summary, reports = run_class(folder, tmp_path / "gradebook.sqlite")
    assert "yves" not in reports, f"the reference was graded as yves's work: {reports['yves'].points} points"
