"""Degrade loudly: when a protection is not in force, every report says so (``protections`` values
starting with "INACTIVE"), the terminal and HTML views show it, and ``grade doctor`` too.

An unsupported kernel is simulated with the test hook of grader/sandbox/layers/landlock.py:
``DL_GRADER_SIMULATE_LANDLOCK_ABI=N`` caps the Landlock ABI the worker believes the kernel has
(0: no Landlock at all). The grading process passes it on to its workers.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from sandbox_helpers import EXERCISE, HOSTILE, ROOT, SOLUTIONS, assert_no_stray_processes, checks_of, fill_in

from grader.grading import grade_submission
from grader.views.html import render_html
from grader.views.terminal import render_terminal
from grader.model.report import GradeReport
from grader.sandbox import isolation, launch
from grader.sandbox.layers import landlock
from grader.sandbox.layers.process_group import PROCESS_GROUP
from grader.sandbox.client import Limits

FAST = Limits(call_seconds=2, load_seconds=3)
LANDLOCK = ("landlock-filesystem", "landlock-network", "landlock-scope")


def terminal_text(report: GradeReport) -> str:
    out = io.StringIO()
    render_terminal(report, Console(file=out, width=200, color_system=None, highlight=False))
    return out.getvalue()


def test_the_hook_has_one_name_on_both_sides() -> None:
    assert launch.SIMULATE_LANDLOCK_ENV == landlock.SIMULATE_LANDLOCK_ENV


def test_every_protection_is_reported_and_active_on_this_machine(sandboxes: Path) -> None:
    """The baseline the other tests degrade: what `grade doctor` measured here (see SECURITY.md)."""
    report = grade_submission(EXERCISE, [SOLUTIONS / "python_basics.py"], seed=1, limits=FAST)
    expected = set(isolation.PROTECTION_NAMES) - {PROCESS_GROUP} | {"pids-cgroup"}
    assert expected <= set(report.protections), sorted(report.protections)
    assert all(v.startswith(("active: ", "INACTIVE: ")) for v in report.protections.values())
    if sys.platform.startswith("linux") and os.getuid() == 0 and landlock.landlock_abi() >= 6:
        inactive = {k: v for k, v in report.protections.items() if not v.startswith("active")}
        assert inactive == {}
        assert "Inactive protections" not in terminal_text(report)


def test_a_kernel_without_landlock_is_reported_loudly(sandboxes: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(landlock.SIMULATE_LANDLOCK_ENV, "0")
    submission = fill_in("secret_absolute_path.py", tmp_path, REFERENCE_PATH=str(SOLUTIONS / "python_basics.py"),
                         HIDDEN_CHECKS_PATH=str(SOLUTIONS / "checks" / "checks_week2_hidden.py"), REPO_ROOT=str(ROOT))
    report = grade_submission(EXERCISE, [submission], seed=1, limits=FAST)
    for name in LANDLOCK:
        assert report.protections[name].startswith("INACTIVE: Landlock turned off for a test"), report.protections
    # Control: the simulation is real - without Landlock the reference is readable (as root) ...
    assert any("def sigmoid" in c.message for c in checks_of(report, "softmax")), "the simulation changed nothing"
    # ... and every view says so.
    text = terminal_text(report)
    assert "Inactive protections:" in text and "landlock-filesystem" in text
    html = render_html(report)
    assert "landlock-filesystem" in html and "INACTIVE" in html
    # The layers that do not depend on Landlock are still in force; signals are filtered instead.
    assert report.protections["network-namespace"].startswith("active")
    assert "signals only to itself" in report.protections["syscall-filter"]
    assert_no_stray_processes(sandboxes)


def test_an_older_landlock_is_reported_protection_by_protection(sandboxes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ABI 3 (Linux 6.2-6.6): files are confined, TCP and signal scoping are not - and say why."""
    monkeypatch.setenv(landlock.SIMULATE_LANDLOCK_ENV, "3")
    report = grade_submission(EXERCISE, [SOLUTIONS], seed=1, limits=FAST)
    assert report.protections["landlock-filesystem"].startswith("active: Landlock ABI 3")
    assert report.protections["landlock-network"].startswith("INACTIVE: needs Landlock ABI 4")
    assert report.protections["landlock-scope"].startswith("INACTIVE: needs Landlock ABI 6")
    assert "landlock-network" in terminal_text(report)
    assert report.points == report.max_points  # honest code is not affected


GRADE_IN_CHILD = """
import sys
from grader.grading import grade_submission
from grader.sandbox.client import Limits
report = grade_submission(sys.argv[1], [sys.argv[2]], seed=1, limits=Limits(call_seconds=2, load_seconds=3))
print(report.to_json())
"""


def test_without_landlock_scoping_the_grader_still_cannot_be_killed(sandboxes: Path) -> None:
    """Landlock ABI < 6 cannot scope signals: a root worker could SIGKILL the grading process (it did,
    before the syscall filter also took signals on such kernels). Graded in a child process in its
    own session, so a regression kills that child, not pytest."""
    env = {**os.environ, "TMPDIR": str(sandboxes), landlock.SIMULATE_LANDLOCK_ENV: "5"}
    result = subprocess.run([sys.executable, "-c", GRADE_IN_CHILD, str(EXERCISE), str(HOSTILE / "kill_parent.py")],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, start_new_session=True)
    assert result.returncode == 0, f"the grading process died (status {result.returncode})"
    report = GradeReport.from_dict(__import__("json").loads(result.stdout))
    assert report.protections["landlock-scope"].startswith("INACTIVE")
    for check in checks_of(report, "L1"):
        assert check.status == "error" and "not permitted" in check.message
    assert_no_stray_processes(sandboxes)


def test_no_pids_cgroup_is_reported(sandboxes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.sandbox.client as client

    monkeypatch.setattr(client, "shared_cgroup", lambda max_pids: (None, "no pids cgroup controller (simulated)"))
    report = grade_submission(EXERCISE, [SOLUTIONS / "python_basics.py"], seed=1, limits=FAST)
    assert report.protections["pids-cgroup"] == "INACTIVE: no pids cgroup controller (simulated)"
    assert "pids-cgroup (no pids cgroup controller (simulated))" in terminal_text(report)


def _cli(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = shutil.which("grade")
    prefix = [command] if command else [sys.executable, "-m", "grader.cli"]
    return subprocess.run([*prefix, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_grade_doctor_and_grade_submit_show_an_inactive_protection(sandboxes: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env.update({landlock.SIMULATE_LANDLOCK_ENV: "0", "TMPDIR": str(sandboxes), "COLUMNS": "200", "TERM": "dumb",
                "DL_GRADER_GRADEBOOK": str(tmp_path / "gb.sqlite")})
    doctor = _cli("doctor", env=env)
    assert doctor.returncode == 0, doctor.stderr
    line = next(line for line in doctor.stdout.splitlines() if line.startswith("landlock-filesystem"))
    assert "INACTIVE" in line
    submit = _cli("submit", str(EXERCISE), "--file", str(SOLUTIONS / "python_basics.py"), "--seed", "1", env=env)
    assert submit.returncode == 0, submit.stderr
    assert "Inactive protections:" in submit.stdout and "landlock-filesystem" in submit.stdout
    assert_no_stray_processes(sandboxes)
