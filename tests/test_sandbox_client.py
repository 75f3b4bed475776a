"""SandboxWorker: calls, restarts after faults, load problems, output capture, confinement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.ingest.parsing import extract_units
from grader.ingest.reading import SiblingModule
from grader.sandbox.client import Limits, SandboxWorker

ROOT = Path(__file__).resolve().parent.parent
FAST = Limits(call_seconds=2, load_seconds=3)


def module(source: str, name: str = "sub") -> dict:
    units, errors = extract_units(source, f"{name}.py", "")
    assert errors == []
    return {"name": name, "units": [u.for_worker() for u in units]}


def worker_for(source: str, limits: Limits = FAST, siblings: list[Path] | None = None) -> SandboxWorker:
    """A worker holding ``source`` as module ``sub``, with the modules ``siblings`` importable."""
    worker = SandboxWorker(limits)
    worker.load([module(source)], siblings=[SiblingModule(p.name, p.read_bytes()) for p in siblings or []])
    return worker


def test_call_returns_plain_data_and_copies_arguments():
    source = "import numpy as np\ndef double(x):\n    x *= 2\n    return {'y': x, 'n': len(x)}\n"
    with worker_for(source) as worker:
        x = np.arange(3.0)
        outcome = worker.call("sub", "double", [x], return_args=True)
        assert outcome.ok and np.array_equal(outcome.value["y"], [0.0, 2.0, 4.0])
        assert np.array_equal(x, [0.0, 1.0, 2.0])  # the caller's array never changes
        assert np.array_equal(outcome.args_after[0][0], [0.0, 2.0, 4.0])  # the mutation is visible


def test_timeout_kills_and_the_next_call_gets_a_fresh_worker():
    source = "def spin():\n    while True:\n        pass\ndef one():\n    return 1\n"
    with worker_for(source, Limits(call_seconds=0.5, load_seconds=3)) as worker:
        first_pid = None
        assert worker.call("sub", "one", []).value == 1
        first_pid = worker.proc.pid
        spun = worker.call("sub", "spin", [])
        assert spun.timed_out and "timed out after 0.5 s" in spun.message
        assert worker.call("sub", "one", []).value == 1
        assert worker.proc.pid != first_pid


@pytest.mark.parametrize("body, words", [
    ("import sys\n    sys.exit(0)", "SystemExit"),
    ("import os\n    os._exit(0)", "exited with status 0"),
    ("import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "segmentation fault"),
    ("raise ValueError('bad shapes')", "bad shapes"),
    ("return object()", "unsupported type"),
])
def test_faults_become_messages(body, words):
    with worker_for(f"def f():\n    {body}\ndef ok():\n    return 2\n") as worker:
        outcome = worker.call("sub", "f", [])
        assert not outcome.ok
        assert words in f"{outcome.error_type} {outcome.message}"
        assert worker.call("sub", "ok", []).value == 2


def test_memory_limit_is_reported_as_memory_error():
    source = "import numpy as np\ndef bomb():\n    return np.ones((40000, 40000))\n"
    with worker_for(source, Limits(call_seconds=5, load_seconds=3, memory_bytes=512 * 1024**2)) as worker:
        outcome = worker.call("sub", "bomb", [])
        assert outcome.error_type == "MemoryError"


def test_output_is_captured_and_capped():
    source = "def talk():\n    print('hello')\n    print('x' * 200000)\n    return 1\n"
    with worker_for(source) as worker:
        outcome = worker.call("sub", "talk", [])
        assert outcome.ok and outcome.stdout.startswith("hello")
        assert len(outcome.stdout) < 9000 and "more characters" in outcome.stdout


def test_failed_import_is_a_note_and_the_rest_loads():
    source = "import numpy as np\nimport matplotlib_not_here\ndef f():\n    return np.ones(2)\n"
    with worker_for(source) as worker:
        assert worker.call("sub", "f", []).ok
        assert [n["kind"] for n in worker.status.notes] == ["import-failed"]
        assert "matplotlib_not_here" in worker.status.notes[0]["message"]


def test_a_unit_that_hangs_at_load_is_skipped(tmp_path):
    (tmp_path / "slow_helper.py").write_text("while True:\n    pass\n")
    source = "import slow_helper\ndef f():\n    return 3\n"
    with worker_for(source, Limits(call_seconds=2, load_seconds=0.5), siblings=[tmp_path / "slow_helper.py"]) as worker:
        assert worker.call("sub", "f", []).value == 3
        assert [n["kind"] for n in worker.status.notes] == ["load-hang"]
        assert worker.status.notes[0]["index"] == 1


def test_worker_cannot_read_the_solutions_or_reach_the_network():
    secret = ROOT / "solutions" / "week2" / "python_basics.py"
    source = (
        "import socket\n"
        f"def read():\n    return open({str(secret)!r}).read()\n"
        "def connect():\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
    )
    with worker_for(source) as worker:
        read = worker.call("sub", "read", [])
        assert read.error_type == "PermissionError" and "def sigmoid" not in read.message
        connect = worker.call("sub", "connect", [])
        assert not connect.ok
        assert worker.status.protections["landlock-filesystem"].startswith("active")


def test_sibling_modules_are_copied_into_the_scratch_folder(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 41\n")
    with worker_for("from helper_mod import VALUE\ndef f():\n    return VALUE + 1\n",
                    siblings=[tmp_path / "helper_mod.py"]) as worker:
        assert worker.call("sub", "f", []).value == 42


def test_timing_is_measured_by_the_trusted_side():
    source = "import time\ndef slow():\n    time.sleep(0.05)\n"
    with worker_for(source) as worker:
        outcome = worker.call("sub", "slow", [], repeat=2, want_value=False)
        assert outcome.ok and 0.045 < outcome.seconds < 1.0


def test_close_removes_the_scratch_folder_and_the_process():
    worker = worker_for("def f():\n    return 1\n")
    assert worker.call("sub", "f", []).value == 1
    scratch, proc = worker.scratch, worker.proc
    worker.close()
    assert not scratch.exists()
    assert proc.poll() is not None


def test_fork_bomb_is_capped_and_escaped_children_are_killed():
    """Root ignores RLIMIT_NPROC: the pids cgroup caps forks and finds setsid escapees."""
    source = (
        "import os, time\n"
        "def bomb():\n"
        "    made = 0\n"
        "    for _ in range(500):\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                os.setsid()\n"
        "                time.sleep(60)\n"
        "                os._exit(0)\n"
        "            made += 1\n"
        "        except OSError:\n"
        "            break\n"
        "    return made\n"
    )
    worker = worker_for(source, Limits(call_seconds=5, load_seconds=3, max_processes=20))
    outcome = worker.call("sub", "bomb", [])
    state = worker.status.protections["pids-cgroup"]
    if not state.startswith("active"):  # the machines this project runs on have one: a broken cgroup fails here
        worker.close()
        pytest.fail(f"no pids cgroup: {state}")
    assert outcome.ok and outcome.value < 20
    members = worker.cgroup.pids()
    assert len(members) >= outcome.value
    worker.close()
    alive = [pid for pid in members if Path(f"/proc/{pid}").exists()
             and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert alive == []
    assert worker.cgroup.pids() == []  # emptied for the next worker of this process


def test_exercise_preamble_files_provide_helpers(tmp_path):
    """A helper the course provides (week 3's sigmoid) is defined before the learner's code, which may override it."""
    from grader.model.exercise import load_exercise

    exercise = tmp_path / "ex"
    exercise.mkdir()
    (exercise / "provided.py").write_text("def helper(x):\n    return x + 100\n")
    (exercise / "exercise.toml").write_text(
        '[exercise]\nname = "ex"\nlearner_files = ["a"]\npreamble_files = ["provided.py"]\n'
        '[[functions]]\nname = "f"\n')
    preamble = load_exercise(exercise).preamble
    assert "import numpy as np" in preamble and "def helper" in preamble
    worker = SandboxWorker(FAST)
    worker.load([module("def f(x):\n    return helper(x)\n")], preamble=preamble)
    with worker:
        assert worker.call("sub", "f", [1]).value == 101


def test_traceback_quotes_the_right_source_line():
    source = "import numpy as np\n\n\n\n\ndef f(x):\n    y = x + 1\n    raise ValueError('boom')\n"
    with worker_for(source) as worker:
        outcome = worker.call("sub", "f", [1])
        assert 'File "sub.py", line 8, in f' in outcome.traceback
        assert "raise ValueError('boom')" in outcome.traceback


def test_import_paths_given_to_the_worker_stay_readable(tmp_path, monkeypatch):
    """In a virtual environment the worker (-S) would otherwise lose its site-packages after confinement."""
    from grader.sandbox import launch

    extra = tmp_path / "extra_site"
    extra.mkdir()
    (extra / "late_module.py").write_text("VALUE = 7\n")
    paths = launch._site_paths()
    monkeypatch.setattr(launch, "_site_paths", lambda: [*paths, str(extra)])
    with worker_for("def f():\n    import late_module\n    return late_module.VALUE\n") as worker:
        assert worker.call("sub", "f", []).value == 7  # imported after Landlock was applied


def test_a_worker_that_cannot_join_its_cgroup_says_so(monkeypatch):
    monkeypatch.setattr(SandboxWorker, "_cgroup_to_join", lambda self: "/nonexistent/cgroup.procs")
    with worker_for("def f():\n    return 1\n") as worker:
        assert worker.call("sub", "f", []).value == 1
        assert worker.status.protections["pids-cgroup"].startswith("INACTIVE: the worker could not join")


@pytest.mark.parametrize("launcher", ["spawn", "zygote"])
def test_workers_do_not_ask_for_huge_pages(launcher):
    """A worker lives for one learner: numpy's huge-page requests would make every large array slow."""
    from grader.sandbox.launch import SpawnLauncher, ZygoteLauncher

    source = ("import numpy as np\n"
              "def asks_for_huge_pages():\n"
              "    core = getattr(np, '_core', None) or np.core\n"
              "    previous = core.multiarray._set_madvise_hugepage(True)\n"
              "    core.multiarray._set_madvise_hugepage(previous)\n"
              "    return bool(previous)\n")
    chosen = SpawnLauncher() if launcher == "spawn" else ZygoteLauncher()
    try:
        with SandboxWorker(FAST, chosen) as worker:
            worker.load([module(source)])
            outcome = worker.call("sub", "asks_for_huge_pages", [])
            assert outcome.ok and outcome.value is False, outcome
    finally:
        if isinstance(chosen, ZygoteLauncher):
            chosen.close()


def test_pipes_take_a_large_frame_in_one_write():
    import fcntl

    with worker_for("def echo(x):\n    return x\n") as worker:
        assert fcntl.fcntl(worker.fd_out, fcntl.F_GETPIPE_SZ) >= 1024 * 1024
        big = np.arange(8 * 4000, dtype=float).reshape(8, 4000)
        assert np.array_equal(worker.call("sub", "echo", [big]).value, big)


def test_zygote_workers_find_numpy_random_loaded_and_each_draw_afresh():
    from grader.sandbox.launch import ZygoteLauncher

    source = ("import sys\nimport numpy as np\n"
              "def draw():\n"
              "    loaded = 'numpy.random' in sys.modules\n"
              "    return [loaded, float(np.random.rand())]\n")
    zygote = ZygoteLauncher()
    try:
        draws = []
        for _ in range(3):
            with SandboxWorker(FAST, zygote) as worker:
                worker.load([module(source)])
                outcome = worker.call("sub", "draw", [])
                assert outcome.ok, outcome
                draws.append(outcome.value)
    finally:
        zygote.close()
    assert all(loaded for loaded, _ in draws)  # imported once, in the zygote
    assert len({value for _, value in draws}) == 3  # not the zygote's state, shared by all


def test_a_worker_makes_its_folder_only_when_used_and_close_removes_it(tmp_path, monkeypatch) -> None:
    """An interrupt between making a SandboxWorker and entering its with-block must leave no folder behind:
    the folder is made on first use, under a name kept before it exists."""
    import tempfile

    from grader.sandbox.client import SandboxWorker

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    worker = SandboxWorker()
    assert list(tmp_path.iterdir()) == []  # nothing made yet: an interrupt here leaks nothing
    folder = worker.scratch
    assert folder.is_dir() and folder.parent == tmp_path
    worker.close()
    assert not folder.exists() and list(tmp_path.iterdir()) == []
