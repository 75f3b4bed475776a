"""A pids cgroup per worker: caps its process count (root ignores RLIMIT_NPROC) and
finds every process it started, even one that left the process group with setsid.

Works with the cgroup v1 ``pids`` hierarchy and with cgroup v2; where neither is
writable, ``PidsCgroup.create`` returns None and the report says so.
"""

from __future__ import annotations

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
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_pids))
        except OSError as exc:
            _rmdir(path)
            return None, f"cannot create a pids cgroup in {root} ({exc.strerror})"
        return cls(path), f"at most {max_pids} processes ({path})"

    def add(self, pid: int) -> bool:
        try:
            (self.path / "cgroup.procs").write_text(str(pid))
            return True
        except OSError:
            return False

    def pids(self) -> list[int]:
        return [int(p) for p in _read(self.path / "cgroup.procs").split()]

    def kill_all(self, rounds: int = 50) -> None:
        """SIGKILL every member until none is left (members may fork while we kill)."""
        if (self.path / "cgroup.kill").exists():
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for _ in range(rounds):
            members = self.pids()
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
