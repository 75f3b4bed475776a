"""Hostile submissions: learner code that attacks the grader instead of solving the exercise.

Every learner file in ``tests/security/fixtures/hostile/`` is one attack (its docstring names it).  Each test
grades one of them and asserts that

(a) the grader returns normally (no exception, no hang: a watchdog kills the sandbox processes of a
    test that runs far too long, so a hang turns into a failure instead of a stuck suite);
(b) the points are exactly what an honest file would earn: nothing for the attacking functions,
    full marks for the honest functions the same file also defines (mostly a correct ``sigmoid``);
(c) the feedback on the attacked function says what happened, in plain words, and stays short;
(d) no process of the sandbox survives grading.

Every scratch directory the grader creates during a test lives under that test's own folder
(``tempfile.tempdir`` is pointed there), so the sandbox processes of a test are exactly the
processes whose working directory is beneath it.

The helpers live in ``sandbox_helpers.py`` and the ``sandboxes`` fixture in ``conftest.py``, shared with
the other files of ``tests/security/`` (SECURITY.md maps every guarantee to its tests).

Known weaknesses are ``xfail(strict=True)`` tests with the reason spelled out: they pass while the
weakness exists and turn into failures (XPASS) once it is fixed, so the marker gets removed.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest
from sandbox_helpers import (
    EXERCISE,
    HIDDEN_CHECKS,
    HOSTILE,
    LOAD_HANG,
    REFERENCE_LINES,
    ROOT,
    SCHEMA,
    SOLUTIONS,
    MiB,
    _kill,
    assert_feedback,
    assert_no_stray_processes,
    assert_points,
    assert_short_report,
    checks_of,
    fill_in,
    grade,
    report_texts,
    sandbox_processes,
)

from grader.model.report import GradeReport
from grader.sandbox.client import Limits


def test_fixture_docstrings_name_their_attack() -> None:
    files = sorted(HOSTILE.glob("*.py"))
    assert len(files) >= 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{path.name} has no docstring"
        first = text[3:].split("\n", 1)[0]
        assert first.startswith(("Attack:", "Sibling module")), f"{path.name}: {first!r}"


def test_reference_leak_detector_is_sound() -> None:
    """The leak check above would notice a leak: the reference's long lines are in its source."""
    assert len(REFERENCE_LINES) > 20
    source = (SOLUTIONS / "python_basics.py").read_text(encoding="utf-8")
    assert sum(line in source for line in REFERENCE_LINES) > 10


# -- 1. exits and kills --------------------------------------------------------------------


def test_sys_exit_in_function(sandboxes: Path) -> None:
    report = grade("exit_sys_exit.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "propagate", "exit", status="error")
    assert_no_stray_processes(sandboxes)


def test_os_exit_in_function(sandboxes: Path) -> None:
    report = grade("exit_os_exit.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "propagate", "exit", status="error")
    assert_no_stray_processes(sandboxes)


def test_system_exit_while_importing_a_sibling(sandboxes: Path) -> None:
    report = grade("exit_sibling_import.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert any("SystemExit" in n.message and "sibling module says goodbye" in n.message for n in report.notes), \
        report.notes
    assert_feedback(report, "softmax", "not found")
    assert_no_stray_processes(sandboxes)


GRADE_IN_CHILD = """
import json, sys
from grader.grading import grade_submission
from grader.sandbox.client import Limits
report = grade_submission(sys.argv[1], [sys.argv[2]], seed=1, limits=Limits(call_seconds=2, load_seconds=3))
print(report.to_json())
"""


def test_kill_the_grading_process(sandboxes: Path) -> None:
    """os.kill(os.getppid(), SIGKILL) from the sandbox.  The grading runs in a child process (in its
    own session) so that, should the attack work, it kills that child and fails this test instead
    of killing pytest."""
    result = subprocess.run(
        [sys.executable, "-c", GRADE_IN_CHILD, str(EXERCISE), str(HOSTILE / "kill_parent.py")],
        env={**os.environ, "TMPDIR": str(sandboxes)}, cwd=ROOT, capture_output=True, text=True,
        timeout=60, start_new_session=True,
    )
    assert result.returncode == 0, f"the grading process died (status {result.returncode}): {result.stderr[-2000:]}"
    data = json.loads(result.stdout)
    earned = {f["name"]: f["points"] for f in data["functions"]}
    maxima = {f["name"]: f["max_points"] for f in data["functions"]}
    assert earned == {name: (maxima[name] if name == "sigmoid" else 0.0) for name in earned}
    for check in data["checks"]:
        if check["function"] in ("L1", "L2"):
            assert check["status"] == "error"
            assert "PermissionError" in check["message"] and "not permitted" in check["message"]
    assert_no_stray_processes(sandboxes)


# -- 2. infinite loops -------------------------------------------------------------------------


@pytest.mark.slow
def test_infinite_loop_in_function_times_out_and_grading_goes_on(sandboxes: Path) -> None:
    report = grade("loop_in_function.py", sandboxes, limits=Limits(call_seconds=0.5, load_seconds=3))
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "propagate", "timed out", status="timeout")
    # the public propagate check runs (and times out) before sigmoid's hidden checks, which still
    # pass on the restarted worker
    sigmoid_hidden = [c for c in checks_of(report, "sigmoid") if c.hidden]
    assert sigmoid_hidden and all(c.status == "passed" for c in sigmoid_hidden)
    assert len([c for c in checks_of(report, "propagate") if c.status == "timeout"]) >= 4
    assert_no_stray_processes(sandboxes)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["loop_sibling_import.py", "loop_constant.py", "loop_class_body.py"])
def test_infinite_loop_while_loading(sandboxes: Path, fixture: str) -> None:
    """A sibling module that never finishes importing, a kept constant that never finishes
    computing (10 ** 10 ** 10), a class body that loops: loading gives up, the rest is graded."""
    started = time.perf_counter()
    report = grade(fixture, sandboxes, limits=LOAD_HANG, budget=10)
    assert_points(report, full=["sigmoid"])
    assert time.perf_counter() - started < 4 * LOAD_HANG.load_seconds  # skipped once, not per call
    assert_no_stray_processes(sandboxes)


@pytest.mark.slow
def test_load_hang_is_reported(sandboxes: Path) -> None:
    """The skipped import is named in the notes, with the reason (it used to be dropped when the
    restarted worker reported ready)."""
    report = grade("loop_sibling_import.py", sandboxes, limits=LOAD_HANG, budget=10)
    hangs = [n for n in report.notes if n.kind == "load-hang"]
    assert hangs, report.notes
    assert "timed out" in hangs[0].message and "skipped" in hangs[0].message
    assert hangs[0].file.endswith("loop_sibling_import.py") and "line" in hangs[0].location
    assert_no_stray_processes(sandboxes)


# -- 3. memory and output --------------------------------------------------------------------

SMALL_MEMORY = Limits(call_seconds=5, load_seconds=3, memory_bytes=512 * MiB)


@pytest.mark.parametrize("fixture, function", [
    ("memory_numpy_bomb.py", "L2"),
    ("memory_list_bomb.py", "image2vector"),
])
def test_memory_bomb_in_function(sandboxes: Path, fixture: str, function: str) -> None:
    report = grade(fixture, sandboxes, limits=SMALL_MEMORY)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, function, "memory", status="error")
    assert_no_stray_processes(sandboxes)


def test_memory_bomb_as_constant(sandboxes: Path) -> None:
    report = grade("memory_constant_bomb.py", sandboxes, limits=SMALL_MEMORY)
    assert_points(report, full=["sigmoid"])
    assert any("MemoryError" in n.message for n in report.notes), report.notes
    assert_no_stray_processes(sandboxes)


def test_output_flood_is_capped(sandboxes: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    report = grade("output_flood.py", sandboxes)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert grown < 100 * MiB, f"the grading process grew by {grown / MiB:.0f} MB"
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "dropped", status="error")  # "... more characters ... dropped"
    assert_feedback(report, "L1", "gave up after writing", status="error")
    assert_short_report(report)
    assert_no_stray_processes(sandboxes)


# -- 4. lying results ------------------------------------------------------------------------


@pytest.mark.parametrize("fixture, functions", [
    ("liar_eq_object.py", ["sigmoid", "L1", "propagate"]),
    ("liar_ndarray_subclass.py", ["normalize_rows", "image2vector"]),
    ("liar_object_dtype.py", ["image2vector", "normalize_rows", "L1"]),
    ("liar_dict_subclass.py", ["propagate", "optimize"]),
])
def test_lying_return_values_cannot_be_graded(sandboxes: Path, fixture: str, functions: list[str]) -> None:
    report = grade(fixture, sandboxes)
    # A numpy.matrix holds a plain 2-d array (old notebooks return them): it is graded as that array,
    # with advice, and earns what the values earn; no other subclass is.
    matrix_softmax = {"softmax": {f.name: f.max_points for f in report.functions}["softmax"]} \
        if fixture == "liar_ndarray_subclass.py" else {}
    assert_points(report, **matrix_softmax)
    if matrix_softmax:
        assert any(n.kind == "advice" and n.location == "softmax" for n in report.notes)
    for function in functions:
        assert_feedback(report, function, "cannot be graded", status="error")
    assert_no_stray_processes(sandboxes)


def test_lying_scalar_subclasses(sandboxes: Path) -> None:
    report = grade("liar_float_subclass.py", sandboxes)
    assert_points(report)
    assert_feedback(report, "L1", "cannot be graded", status="error")
    assert_feedback(report, "initialize_with_zeros", "cannot be graded", status="error")
    # the np.float64 subclass crosses the boundary as its real value, -1.0, which is simply wrong
    assert_feedback(report, "L2", "is wrong", status="failed")
    assert all("-1" in c.message for c in checks_of(report, "L2"))
    assert_no_stray_processes(sandboxes)


def test_nan_and_inf_results(sandboxes: Path) -> None:
    report = grade("liar_nonfinite.py", sandboxes)
    assert_points(report)
    for function in ("sigmoid", "softmax", "L1", "L2", "initialize_with_zeros"):
        assert_feedback(report, function, "nan", "inf", status="failed")
    assert_no_stray_processes(sandboxes)


# -- 5. monkeypatching -----------------------------------------------------------------------


@pytest.mark.parametrize("fixture, functions", [
    ("patch_numpy.py", ["softmax", "normalize_rows"]),
    ("patch_pytest.py", ["L2"]),
    ("patch_grader.py", ["image2vector", "L1"]),
])
def test_monkeypatching_stays_in_the_sandbox(sandboxes: Path, fixture: str, functions: list[str]) -> None:
    report = grade(fixture, sandboxes)
    assert_points(report, full=["sigmoid"])
    for function in functions:
        assert_feedback(report, function, "wrong", "expected", status="failed")
    assert_no_stray_processes(sandboxes)


def test_monkeypatched_builtins_break_only_the_worker(sandboxes: Path) -> None:
    """Patching builtins.len breaks the worker's own encoder: its reply is malformed, the grader
    notices, restarts a fresh worker, and the honest sigmoid graded afterwards is unaffected."""
    report = grade("patch_builtins.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "L1", "malformed", "wrong", status=None)
    assert_no_stray_processes(sandboxes)


# -- 6. reading secrets ----------------------------------------------------------------------


def test_reference_solution_by_relative_path(sandboxes: Path) -> None:
    report = grade("secret_relative_path.py", sandboxes)
    assert_points(report)
    assert_feedback(report, "sigmoid", "FileNotFoundError", "PermissionError", status="error")
    assert_feedback(report, "softmax", "FileNotFoundError", "PermissionError", status="error")
    assert_no_stray_processes(sandboxes)


def test_reference_solution_by_absolute_path(sandboxes: Path, tmp_path: Path) -> None:
    submission = fill_in(
        "secret_absolute_path.py", tmp_path,
        REFERENCE_PATH=str(SOLUTIONS / "python_basics.py"),
        HIDDEN_CHECKS_PATH=str(HIDDEN_CHECKS[0]),
        REPO_ROOT=str(ROOT),
    )
    report = grade(submission, sandboxes)
    assert_points(report, full=["sigmoid"])
    for function in ("softmax", "L1", "image2vector", "initialize_with_zeros"):
        assert_feedback(report, function, "PermissionError", status="error")
    assert_feedback(report, "L2", "ModuleNotFoundError", status="error")
    secrets = [line.strip() for path in HIDDEN_CHECKS for line in path.read_text(encoding="utf-8").splitlines()
               if line.startswith("def test_")]
    assert secrets
    for text in report_texts(report):
        assert not any(secret in text for secret in secrets), "the report leaks the hidden checks"
        assert "pyproject.toml" not in text, "the report leaks a listing of the repository"
    assert_no_stray_processes(sandboxes)


# -- 7. fake output --------------------------------------------------------------------------


def test_fake_scores_on_output_and_in_files(sandboxes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    report = grade("fake_output.py", sandboxes)
    out, err = capfd.readouterr()
    assert "37 / 37" not in out + err and "dl-grader/grade-report" not in out + err
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "wrong", status="failed")
    assert_feedback(report, "L1", "wrong", "expected", status="failed")
    for folder in (workdir, ROOT, EXERCISE, HOSTILE, sandboxes, tmp_path):
        assert not (folder / "report.json").exists(), f"the sandbox wrote {folder / 'report.json'}"
    assert_no_stray_processes(sandboxes)


# -- 8. gaming ---------------------------------------------------------------------------------


def test_hard_coded_public_answers_pass_only_the_public_examples(sandboxes: Path) -> None:
    report = grade("hardcoded_public_answers.py", sandboxes)
    public_points = {}
    for function in ("sigmoid", "L1", "L2"):
        checks = checks_of(report, function)
        public = [c for c in checks if not c.hidden]
        hidden = [c for c in checks if c.hidden and c.max_points > 0]
        assert public and all(c.status == "passed" for c in public)
        assert hidden and all(c.status == "failed" and c.points == 0 for c in hidden)
        public_points[function] = sum(c.max_points for c in public)
    assert_points(report, **public_points)
    assert_no_stray_processes(sandboxes)


def test_model_that_echoes_the_labels_fails_the_learning_check(sandboxes: Path) -> None:
    """Returning the labels it was given used to earn test_model_learns; now Y_prediction_test must
    be predict(w, b, X_test) with the model's own w and b."""
    report = grade("model_echoes_labels.py", sandboxes)
    learns = [c for c in checks_of(report, "model") if c.name == "model_learns"]
    assert learns and learns[0].status == "failed" and "Y_prediction_test" in learns[0].message
    assert_no_stray_processes(sandboxes)


def test_model_with_invented_costs_earns_only_the_structure_point(sandboxes: Path) -> None:
    report = grade("model_echoes_labels.py", sandboxes)
    structure = [c for c in checks_of(report, "model") if c.name == "model_returns_everything"]
    assert_points(report, model=sum(c.max_points for c in structure))


# -- 9. network ---------------------------------------------------------------------------------


def test_network_is_unreachable(sandboxes: Path, tmp_path: Path) -> None:
    tcp = socket.create_server(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    abstract_name = f"dl-grader-hostile-{os.getpid()}-{port}"
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind("\0" + abstract_name)
    abstract.listen()
    listeners = (tcp, udp, abstract)
    try:
        submission = fill_in("network_connect.py", tmp_path, PORT=port, ABSTRACT_NAME=abstract_name)
        report = grade(submission, sandboxes)
        for sock in listeners:
            sock.setblocking(False)
        for sock in (tcp, abstract):
            with pytest.raises(BlockingIOError):
                conn, _ = sock.accept()
                conn.close()
        with pytest.raises(BlockingIOError):
            udp.recv(100)
    finally:
        for sock in listeners:
            sock.close()
    assert_points(report, full=["sigmoid"])
    for function in ("L1", "L2", "softmax", "normalize_rows"):
        assert_feedback(report, function, "PermissionError", "unreachable", "refused", "not permitted",
                        status="error")
    assert_no_stray_processes(sandboxes)


def test_unix_socket_outside_the_sandbox_is_unreachable(sandboxes: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dlg-sock-", dir="/tmp"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        path = folder / "l.sock"
        listener.bind(str(path))
        listener.listen()
        listener.setblocking(False)
        submission = fill_in("network_unix_socket.py", folder, SOCKET_PATH=str(path))
        report = grade(submission, sandboxes)
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            conn = None
        if conn is not None:
            conn.close()
        assert conn is None, "learner code connected to a unix socket outside the sandbox"
        assert_points(report, full=["sigmoid"])
    finally:
        listener.close()
        shutil.rmtree(folder, ignore_errors=True)


# -- 10. processes -----------------------------------------------------------------------------


def test_forked_child_does_not_survive(sandboxes: Path) -> None:
    report = grade("fork_sleeping_child.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "wrong", status="failed")
    assert_no_stray_processes(sandboxes)


def _cgroup_active(report: GradeReport) -> bool:
    return report.protections.get("pids-cgroup", "").startswith("active")


def test_setsid_grandchild_does_not_survive(sandboxes: Path) -> None:
    """A grandchild in its own session escapes os.killpg; only the worker's pids cgroup finds it."""
    report = grade("fork_setsid_escape.py", sandboxes)
    assert_points(report, full=["sigmoid"])
    if not _cgroup_active(report):
        _kill(sandbox_processes(sandboxes))
        pytest.xfail("no writable pids cgroup here: a setsid() grandchild outlives grading "
                     f"({report.protections.get('pids-cgroup', 'not reported')})")
    assert_no_stray_processes(sandboxes)


def test_bounded_fork_bomb(sandboxes: Path) -> None:
    limits = Limits(call_seconds=5, load_seconds=3, max_processes=32)
    report = grade("fork_many.py", sandboxes, limits=limits)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "forked", status="error")
    if _cgroup_active(report):
        for check in checks_of(report, "softmax"):
            forked = int(check.message.split("forked ", 1)[1].split()[0])
            assert forked < limits.max_processes, check.message
    assert_no_stray_processes(sandboxes)


@pytest.mark.slow
def test_segfault_and_sigstop(sandboxes: Path) -> None:
    report = grade("crash_and_stop.py", sandboxes, limits=Limits(call_seconds=1, load_seconds=3))
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "softmax", "segmentation fault", status="error")
    assert_feedback(report, "L1", "timed out", status="timeout")
    assert_no_stray_processes(sandboxes)


# -- the sandbox protocol ----------------------------------------------------------------------


def test_huge_exception_type_name_is_capped(sandboxes: Path) -> None:
    report = grade("huge_exception_name.py", sandboxes)
    assert_points(report)
    assert_short_report(report)


def test_forged_reply_frame_is_capped(sandboxes: Path) -> None:
    report = grade("forged_reply_frame.py", sandboxes)
    # The attack must have reached the pipe (a fixture gone stale would import nothing and fail here).
    assert any(n.kind == "protocol" for n in report.notes), "the forged frame never reached the grader"
    assert_points(report)
    assert_short_report(report)


@pytest.mark.slow
def test_partial_reply_frame_times_out(sandboxes: Path) -> None:
    report = grade("partial_frame_hang.py", sandboxes, limits=Limits(call_seconds=0.5, load_seconds=3),
                   watchdog=4, budget=4)
    assert_feedback(report, "sigmoid", "timed out", status="timeout")


@pytest.mark.slow
def test_worker_that_stops_reading_times_out(sandboxes: Path) -> None:
    report = grade("stop_reading_requests.py", sandboxes, limits=Limits(call_seconds=0.5, load_seconds=3),
                   watchdog=5, budget=5)
    # A stale attack (the worker changed) must fail here, not turn into a skip.
    assert not any("attack not applicable" in c.message for c in checks_of(report, "predict")), (
        "the worker changed: update stop_reading_requests.py")
    assert any(c.status == "timeout" for c in checks_of(report, "predict"))


# -- the command line ----------------------------------------------------------------------------


def _grade_cli(fixture: Path, sandboxes: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "report.out.json"
    command = shutil.which("grade")
    prefix = [command] if command else [sys.executable, "-m", "grader.cli"]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE")}
    env.update(DL_GRADER_GRADEBOOK=str(tmp_path / "gradebook.sqlite"), TMPDIR=str(sandboxes), TERM="dumb",
               COLUMNS="120")
    result = subprocess.run(
        [*prefix, "submit", "exercises/week2", "--file", str(fixture), "--json", str(out), "--seed", "1", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    return result, out


@pytest.mark.slow
def test_cli_grades_a_hostile_file(sandboxes: Path, tmp_path: Path) -> None:
    result, out = _grade_cli(HOSTILE / "fake_output.py", sandboxes, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    earned = {f["name"]: f["points"] for f in data["functions"]}
    maxima = {f["name"]: f["max_points"] for f in data["functions"]}
    assert earned == {name: (maxima[name] if name == "sigmoid" else 0.0) for name in earned}
    assert data["total"]["points"] == maxima["sigmoid"] > 0
    assert "37 / 37" not in result.stdout + result.stderr
    assert (tmp_path / "gradebook.sqlite").exists()
    assert_no_stray_processes(sandboxes)


@pytest.mark.slow
def test_cli_does_not_pass_terminal_escapes_through(sandboxes: Path, tmp_path: Path) -> None:
    result, _ = _grade_cli(HOSTILE / "terminal_escape.py", sandboxes, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "\x1b[2J" not in result.stdout and "\x1b]0;" not in result.stdout
