"""Integrity: learner code cannot write outside its scratch folder, change files or processes of the
machine, carry answers from one learner to the next, or stop the grader.

Helpers and their contract: sandbox_helpers.py (no hang, exact points, plain feedback, no stray
process, no reference text in the report).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from sandbox_helpers import (
    EXERCISE,
    HOSTILE,
    ROOT,
    SOLUTIONS,
    assert_feedback,
    assert_no_stray_processes,
    assert_points,
    checks_of,
    fill_in,
    grade,
    run_class,
)


# -- writes ---------------------------------------------------------------------------------------


def test_writes_outside_the_scratch_folder_are_denied(sandboxes: Path, tmp_path: Path) -> None:
    beside = tmp_path / "submission"
    targets = [str(beside), str(ROOT), str(ROOT / "grader"), sysconfig.get_paths()["purelib"],
               str(sandboxes), "/tmp", str(Path.home())]
    submission = fill_in("write_outside_scratch.py", tmp_path, TARGETS=targets)
    try:
        report = grade(submission, sandboxes)
    finally:
        created = [Path(t) / "dlg_pwned.py" for t in targets if (Path(t) / "dlg_pwned.py").exists()]
        for path in created:
            path.unlink()
    assert created == [], f"the sandbox wrote {created}"
    assert not (beside / "dlg_dir").exists()
    assert_points(report, full=["sigmoid"])
    (message,) = {c.message for c in checks_of(report, "L1")}
    outcomes = re.findall(r"\('([^']*)', '(\w+)'\)", message)
    assert [folder for folder, _ in outcomes] == targets, message
    assert {result for _, result in outcomes} == {"PermissionError"}, message
    assert_feedback(report, "L2", "PermissionError", status="error")
    assert_no_stray_processes(sandboxes)


def test_file_metadata_and_other_processes_cannot_be_changed(sandboxes: Path, tmp_path: Path) -> None:
    """chmod/utime by absolute path, prlimit/affinity/priority of another process of the same uid,
    and socket(AF_UNIX) through the i386 syscall ABI all used to work from the sandbox (Landlock does
    not cover them; the i386 ABI skipped the seccomp filter). A syscall filter refuses them now."""
    victim_file = tmp_path / "victim" / "notes.txt"
    victim_file.parent.mkdir()
    victim_file.write_text("instructor notes\n")
    victim_file.chmod(0o640)
    before = victim_file.stat()
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        limits_before = Path(f"/proc/{victim.pid}/limits").read_text()
        affinity_before = os.sched_getaffinity(victim.pid)
        priority_before = os.getpriority(os.PRIO_PROCESS, victim.pid)
        report = grade(fill_in("host_metadata.py", tmp_path, VICTIM_FILE=str(victim_file), VICTIM_PID=victim.pid),
                       sandboxes)
        assert Path(f"/proc/{victim.pid}/limits").read_text() == limits_before
        assert os.sched_getaffinity(victim.pid) == affinity_before
        assert os.getpriority(os.PRIO_PROCESS, victim.pid) == priority_before
    finally:
        victim.kill()
        victim.wait()
    after = victim_file.stat()
    assert (after.st_mode, after.st_mtime_ns) == (before.st_mode, before.st_mtime_ns)
    assert_points(report, full=["sigmoid"])
    for function in ("L1", "L2", "softmax", "normalize_rows", "image2vector"):
        assert_feedback(report, function, "PermissionError", status="error")
    (i386,) = {c.message for c in checks_of(report, "sigmoid_derivative")}
    assert any(word in i386 for word in ("I386=-1", "I386=not-applicable", "segmentation fault")), i386
    assert report.protections["syscall-filter"].startswith("active")
    assert_no_stray_processes(sandboxes)


# -- answers ---------------------------------------------------------------------------------------


def test_answers_cached_by_input_earn_only_the_public_examples(sandboxes: Path) -> None:
    report = grade("cache_by_input.py", sandboxes)
    checks = checks_of(report, "sigmoid")
    public = [c for c in checks if not c.hidden]
    hidden = [c for c in checks if c.hidden and c.max_points > 0]
    assert public and all(c.status == "passed" for c in public)
    assert hidden and all(c.status == "failed" and c.points == 0 for c in hidden)
    assert_points(report, sigmoid=sum(c.max_points for c in public))
    assert_no_stray_processes(sandboxes)


CACHE_WRITER = '''
import builtins, json, os
import numpy as np

def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    key = repr(np.round(np.asarray(x, dtype=float), 6).tolist())
    for holder in (np, builtins, os):
        table = getattr(holder, "_dlg_answers", {})
        table[key] = s.tolist()
        setattr(holder, "_dlg_answers", table)
    os.environ["DLG_ANSWERS"] = json.dumps(np.__dict__["_dlg_answers"])
    for folder in ("/tmp", os.path.expanduser("~"), ".."):
        try:
            with open(os.path.join(folder, "dlg_answers.json"), "w") as fh:
                json.dump(np.__dict__["_dlg_answers"], fh)
        except OSError:
            pass
    return s
'''

CACHE_READER = '''
import builtins, json, os
import numpy as np

def sigmoid(x):
    key = repr(np.round(np.asarray(x, dtype=float), 6).tolist())
    tables = [getattr(np, "_dlg_answers", {}), getattr(builtins, "_dlg_answers", {}),
              getattr(os, "_dlg_answers", {}), json.loads(os.environ.get("DLG_ANSWERS", "{}"))]
    for folder in ("/tmp", os.path.expanduser("~"), ".."):
        try:
            with open(os.path.join(folder, "dlg_answers.json")) as fh:
                tables.append(json.load(fh))
        except OSError:
            pass
    for table in tables:
        if key in table:
            return np.array(table[key])
    return np.zeros_like(np.asarray(x, dtype=float))
'''


def test_nothing_carries_over_from_one_learner_to_the_next(sandboxes: Path, tmp_path: Path) -> None:
    """Two learners graded one after the other by the same grading process and warm zygote: the
    first stores every answer in numpy, builtins, os, the environment and files; the second only
    looks them up. Each learner's sandbox is a fresh fork, so the second finds nothing."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_writer.py").write_text(CACHE_WRITER, encoding="utf-8")
    (folder / "b_reader.py").write_text(CACHE_READER, encoding="utf-8")
    _, reports = run_class(folder, tmp_path / "gb.sqlite")
    writer = {f.name: f for f in reports["a_writer"].functions}["sigmoid"]
    assert writer.points == writer.max_points > 0
    assert_points(reports["b_reader"])
    assert not Path("/tmp/dlg_answers.json").exists()
    assert_no_stray_processes(sandboxes)


# -- the grading process -------------------------------------------------------------------------


def test_killing_its_parent_in_batch_mode(sandboxes: Path, tmp_path: Path) -> None:
    """In ``grade batch`` the worker's parent is the warm zygote, its grandparent the grading process:
    signals reach neither, and the next learner is graded by the same zygote."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(HOSTILE / "kill_parent.py", folder / "a_killer.py")
    shutil.copy(SOLUTIONS / "python_basics.py", folder / "b_honest.py")
    summary, reports = run_class(folder, tmp_path / "gb.sqlite")
    assert summary.graded == ["a_killer", "b_honest"] and not summary.failed
    assert_points(reports["a_killer"], full=["sigmoid"])
    for function in ("L1", "L2"):
        assert_feedback(reports["a_killer"], function, "PermissionError", status="error")
    honest = {f.name: f for f in reports["b_honest"].functions}
    assert all(honest[name].points == honest[name].max_points > 0 for name in ("sigmoid", "softmax", "L1", "L2"))
    assert_no_stray_processes(sandboxes)


ZYGOTE_RACE = """
import sys, time
from grader.sandbox.client import SandboxWorker
from grader.sandbox.launch import ZygoteLauncher
zygote = ZygoteLauncher()
started = time.monotonic()
for _ in range(int(sys.argv[1])):
    worker = SandboxWorker(launcher=zygote)
    worker.start()
    worker.close()  # as when the submission turns out unusable right after the worker was forked
zygote.close()
print(f"{time.monotonic() - started:.2f}")
"""


def test_a_worker_closed_right_after_its_fork_does_not_hang_the_grader(tmp_path: Path) -> None:
    """A worker forked by the zygote and killed before it called setsid() is not yet the leader of a
    process group: killpg missed it and the grader waited an hour for it (a batch learner with a
    malformed notebook hit this). It is now killed by pid as well."""
    result = subprocess.run([sys.executable, "-c", ZYGOTE_RACE, "40"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout.strip()) < 60


def test_the_grading_process_survives_its_sandbox_in_a_child_grader(sandboxes: Path) -> None:
    """kill_parent.py, graded by `grade submit` in a child process: exit status 0, a report on stdout."""
    command = shutil.which("grade")
    prefix = [command] if command else [sys.executable, "-m", "grader.cli"]
    env = {**os.environ, "TMPDIR": str(sandboxes), "DL_GRADER_GRADEBOOK": str(sandboxes / "gb.sqlite")}
    started = time.perf_counter()
    result = subprocess.run([*prefix, "submit", str(EXERCISE), "--file", str(HOSTILE / "kill_parent.py"), "-q",
                             "--seed", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                            start_new_session=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("week2: ") and time.perf_counter() - started < 60
    assert_no_stray_processes(sandboxes)


def test_unencodable_messages_and_file_names_do_not_stop_a_batch(sandboxes: Path, tmp_path: Path) -> None:
    """Error messages with lone surrogates, and a file name that is not UTF-8 (a Latin-1 zip), used to
    make sqlite3 refuse the report: the batch stopped there, and again on every rerun."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(HOSTILE / "surrogate_messages.py", folder / "a_surrogates.py")
    latin = os.fsdecode(b"caf\xe9")  # what Python makes of the bytes: 'caf\udce9'
    shutil.copy(SOLUTIONS / "python_basics.py", folder / f"{latin}.py")
    shutil.copy(SOLUTIONS / "python_basics.py", folder / "z_honest.py")
    book, out = tmp_path / "gb.sqlite", tmp_path / "feedback"
    summary, reports = run_class(folder, book, out=out)
    assert sorted(summary.graded) == sorted(["a_surrogates", latin, "z_honest"]) and not summary.failed
    assert_points(reports["a_surrogates"], full=["sigmoid"])
    assert any("\ufffd" in c.message for c in checks_of(reports["a_surrogates"], "softmax"))
    assert reports[latin].points == reports["z_honest"].points > 0
    again, _ = run_class(folder, book)
    assert again.graded == [] and len(again.skipped) == 3
    assert len(list(out.glob("*.html"))) == 3
    assert_no_stray_processes(sandboxes)
