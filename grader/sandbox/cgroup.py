"""The pids cgroup: caps a worker's processes and finds every one it started.

Protects against: fork bombs (root ignores RLIMIT_NPROC; the cgroup's ``pids.max`` holds for
root too) and processes that left the worker's process group with ``setsid()`` or a double fork
and would outlive the grade (``PidsCgroup.kill_all`` finds them). One cgroup per grading process,
emptied between learners; the grading process makes it, and a worker joins it before it confines
itself (``worker.confine``) or is forked inside it by a zygote. This layer lives on the trusted
side, outside :mod:`grader.sandbox.layers` and :func:`grader.sandbox.isolation.confine`: the
grading process (client, launcher, ``grade batch``, the CLI) makes, empties and removes it, and
reports it as "pids-cgroup" (``client.SandboxWorker``).

Works with the cgroup v1 ``pids`` hierarchy and with cgroup v2; where neither is writable,
``PidsCgroup.create`` returns None and "pids-cgroup" is reported INACTIVE with the reason (a
worker that cannot join says so too); the process-group kill still holds.

Tests: tests/test_sandbox_client.py (test_fork_bomb_is_capped_and_escaped_children_are_killed,
test_a_worker_that_cannot_join_its_cgroup_says_so); tests/security/test_hostile.py
(test_bounded_fork_bomb, test_setsid_grandchild_does_not_survive);
tests/security/test_degrade.py::test_no_pids_cgroup_is_reported.
"""

from __future__ import annotations

import atexit
import os
import signal
import time
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/pids")
V2_ROOT = Path("/sys/fs/cgroup")


class PidsCgroup:
    """One cgroup folder holding a worker and all its descendants."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.max_pids = 0

    @classmethod
    def create(cls, max_pids: int, name: str) -> tuple[PidsCgroup | None, str]:
        """A new cgroup limited to ``max_pids`` processes, or (None, why not)."""
        if (V1_ROOT / "cgroup.procs").exists():
            root = V1_ROOT
        elif "pids" in _read(V2_ROOT / "cgroup.controllers").split():
            root = V2_ROOT
        else:
            return None, "no pids cgroup controller on this machine"
        path = root / name
        group = cls(path)
        try:
            path.mkdir()
            group.set_max(max_pids)
        except OSError as exc:
            _rmdir(path)
            return None, f"cannot create a pids cgroup in {root} ({exc.strerror})"
        return group, f"at most {max_pids} processes ({path})"

    def set_max(self, max_pids: int) -> None:
        if max_pids != self.max_pids:
            (self.path / "pids.max").write_text(str(max_pids))
            self.max_pids = max_pids

    def add(self, pid: int) -> bool:
        try:
            (self.path / "cgroup.procs").write_text(str(pid))
            return True
        except OSError:
            return False

    def pids(self) -> list[int]:
        return [int(p) for p in _read(self.path / "cgroup.procs").split()]

    def kill_all(self, rounds: int = 50, keep: frozenset[int] = frozenset()) -> None:
        """SIGKILL every member but ``keep`` until none is left (members may fork while we kill)."""
        if not keep and (self.path / "cgroup.kill").exists():
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(rounds):
            members = [pid for pid in self.pids() if pid not in keep]
            if not members:
                return
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.002)

    def remove(self) -> None:
        """Kill what is left and delete the folder."""
        self.kill_all()
        for _ in range(100):
            if _rmdir(self.path):
                return
            time.sleep(0.01)  # killed processes leave the cgroup once they are reaped


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _rmdir(path: Path) -> bool:
    try:
        path.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


_shared: dict[int, tuple[PidsCgroup | None, str]] = {}


def shared_cgroup(max_pids: int) -> tuple[PidsCgroup | None, str]:
    """This process's pids cgroup, made on first use (one worker runs at a time per grading process).

    Making and removing a cgroup per learner costs ~20 ms of cgroupfs work; one per
    process is emptied between learners instead.  Folders left by processes that were
    killed (kill -9 of a batch) are removed here when their owner is gone.
    """
    pid = os.getpid()
    if pid not in _shared:
        _remove_stale()
        group, detail = PidsCgroup.create(max_pids, f"dl-grader-{pid}")
        if group is not None:
            atexit.register(group.remove)
            _remove_at_pool_exit(group)
        _shared[pid] = (group, detail)
    return _shared[pid]


def _remove_at_pool_exit(group: PidsCgroup) -> None:
    """A process of a multiprocessing pool (``grade batch``) ends with os._exit, so atexit never runs
    there and its cgroup used to stay behind until the next run; multiprocessing's own exit hooks do run."""
    import sys

    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.parent_process() is not None:
        from multiprocessing import util

        util.Finalize(None, group.remove, exitpriority=10)


def _remove_stale() -> None:
    for root in (V1_ROOT, V2_ROOT):
        for path in root.glob("dl-grader-*"):
            owner = path.name.removeprefix("dl-grader-").split("-")[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                PidsCgroup(path).remove()


def release_shared() -> None:
    """Remove this process's cgroup now (for a process that ends with os._exit, skipping atexit)."""
    group, _detail = _shared.pop(os.getpid(), (None, ""))
    if group is not None:
        group.remove()
