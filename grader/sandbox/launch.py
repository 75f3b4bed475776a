"""How worker processes come to life: a fresh interpreter each, or forks of a warm zygote.

``SpawnLauncher`` starts ``python -I -S`` per worker (one submission: it boots while
the grader loads its checks).  ``ZygoteLauncher`` starts one interpreter that imports
numpy and the worker code once and then forks a fresh child per worker (a class:
a few milliseconds per learner instead of ~100).  The zygote never runs learner
code, so no state passes from one learner to the next; every child confines itself
before it loads a submission, exactly like a spawned worker.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Protocol

GRADER_PARENT = str(Path(__file__).resolve().parent.parent.parent)
WORKER_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# Passed on from the grading process to its workers: the test hook of grader/sandbox/layers/landlock.py
# (same name there) that simulates a kernel without Landlock; every report then says so.
SIMULATE_LANDLOCK_ENV = "DL_GRADER_SIMULATE_LANDLOCK_ABI"
_PID = struct.Struct("<q")
_WAIT = struct.Struct("<qd")
_TIMED_OUT = -(2**62)


def worker_env(**extra: str) -> dict[str, str]:
    """The whole environment of a worker: WORKER_ENV, the simulation hook when set, ``extra``."""
    env = dict(WORKER_ENV)
    if os.environ.get(SIMULATE_LANDLOCK_ENV):
        env[SIMULATE_LANDLOCK_ENV] = os.environ[SIMULATE_LANDLOCK_ENV]
    return {**env, **extra}


class WorkerProcess(Protocol):
    pid: int

    def wait(self, timeout: float | None = None) -> int: ...


class Launcher(Protocol):
    # Processes of the launcher itself that live in the pids cgroup and must survive its
    # sweeps; when non-empty, launched workers are born in the cgroup (no migration needed).
    cgroup_residents: frozenset[int]

    def launch(self, fd_read: int, fd_write: int, cwd: Path) -> WorkerProcess: ...


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Be killed (SIGKILL) when ``parent``, the process that started this one, ends; exit at once
    if it has ended already.

    PR_SET_PDEATHSIG holds from the call on; a parent that died earlier (between the fork and
    this call: a ``grade batch`` killed during its start-up) is caught by the check that follows,
    since this process then has another parent. Call it first thing in every process the grader
    starts, before anything that takes time.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's pipes and sockets still end this process when it goes
    if os.getppid() != parent:
        os._exit(1)


def _site_paths() -> list[str]:
    """The site-packages folders of this interpreter, where numpy lives."""
    import site

    return [p for p in site.getsitepackages() if os.path.isdir(p)]


def python_command(code: str, *args: str) -> list[str]:
    """An isolated interpreter (-I -S -B) running ``code``; argv[1:] = args, then the import paths.

    -S skips site (and its .pth files: ~20 ms); the paths it would add are passed instead.
    """
    return [sys.executable, "-I", "-S", "-B", "-c",
            f"import sys; sys.path[:0] = sys.argv[{len(args) + 1}:]; {code}",
            *args, GRADER_PARENT, *_site_paths()]


class SpawnLauncher:
    """A fresh interpreter per worker."""

    cgroup_residents: frozenset[int] = frozenset()

    def launch(self, fd_read: int, fd_write: int, cwd: Path) -> subprocess.Popen[bytes]:
        code = ("from grader.sandbox.launch import die_with_parent; die_with_parent(int(sys.argv[3])); "
                "from grader.sandbox.worker import main; main(int(sys.argv[1]), int(sys.argv[2]))")
        return subprocess.Popen(
            python_command(code, str(fd_read), str(fd_write), str(os.getpid())),
            pass_fds=(fd_read, fd_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=cwd, env=worker_env(HOME=str(cwd)), start_new_session=True,
        )


class ZygoteChild:
    """A worker forked by the zygote; ``wait`` asks the zygote, which is its parent."""

    def __init__(self, zygote: ZygoteLauncher, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self.zygote.wait_child(self.pid, 3600.0 if timeout is None else timeout)
            if code == _TIMED_OUT:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            self.returncode = code
        return self.returncode


class ZygoteLauncher:
    """One warm interpreter per grading process; ``launch`` forks it.

    cwd: the zygote's working folder (a batch gives it its scratch folder, where its sandboxes'
    folders are made, so that every process of a batch works beneath that one folder).
    """

    def __init__(self, cwd: Path | None = None) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        code = "from grader.sandbox.launch import zygote_main; zygote_main(int(sys.argv[1]), int(sys.argv[2]))"
        self.proc = subprocess.Popen(
            python_command(code, str(theirs.fileno()), str(os.getpid())), pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=worker_env(), start_new_session=True, cwd=cwd,
        )
        theirs.close()
        self.sock = ours
        self.cgroup_residents = frozenset({self.proc.pid}) if self._enter_cgroup() else frozenset()

    def _enter_cgroup(self) -> bool:
        """Put the zygote in this process's pids cgroup: its forks are born there (moving
        a process into a cgroup costs ~10 ms; forking inside one costs nothing)."""
        from grader.sandbox.cgroup import shared_cgroup

        group, _detail = shared_cgroup(64)  # each worker sets its own limit before it is forked
        return group is not None and group.add(self.proc.pid)

    def launch(self, fd_read: int, fd_write: int, cwd: Path) -> ZygoteChild:
        socket.send_fds(self.sock, [b"F"], [fd_read, fd_write])
        (pid,) = _PID.unpack(_recv_exactly(self.sock, _PID.size))
        if pid <= 0:
            raise OSError("the zygote could not fork a worker")
        return ZygoteChild(self, pid)

    def wait_child(self, pid: int, timeout: float) -> int:
        self.sock.sendall(b"W" + _WAIT.pack(pid, timeout))
        (code,) = _PID.unpack(_recv_exactly(self.sock, _PID.size))
        return code

    def close(self) -> None:
        self.sock.close()  # the zygote exits on EOF
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """End the zygote now; each worker it forked dies with it (see zygote_main)."""
        self.proc.kill()
        self.proc.wait()
        self.sock.close()


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("the zygote stopped")
        data += chunk
    return data


def zygote_main(sock_fd: int, parent: int) -> None:
    """Serve fork and wait requests until the grading process ``parent`` closes the socket (or dies)."""
    die_with_parent(parent)  # before the imports below: ~100 ms in which the parent may be killed
    import numpy  # noqa: F401  (warm: every child starts with numpy imported)
    import numpy.random  # noqa: F401  (its first use costs ~12 ms; each child reseeds it, see worker.main)

    from grader.sandbox import isolation, worker

    isolation.python_read_paths()  # computed once here rather than in every child
    zygote = os.getpid()
    sock = socket.socket(fileno=sock_fd)
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(sock, 64, 2)
        except OSError:
            return
        if not message:
            return
        if message[:1] == b"F" and len(fds) == 2:
            try:
                pid = os.fork()
            except OSError:  # the pids cgroup is full: a learner's processes are still being killed
                pid = -1
            if pid == 0:
                die_with_parent(zygote)  # a zygote killed now must not leave a worker waiting for its setup
                # The child must not keep the zygote's socket: learner code could ask for unconfined forks.
                sock.close()
                os.setsid()
                try:
                    worker.main(fds[0], fds[1])
                finally:
                    os._exit(1)
            for fd in fds:
                os.close(fd)
            sock.sendall(_PID.pack(pid))
        elif message[:1] == b"W":
            pid, timeout = _WAIT.unpack(message[1 : 1 + _WAIT.size])
            sock.sendall(_PID.pack(_reap(pid, timeout)))
        else:
            for fd in fds:
                os.close(fd)
            sock.sendall(_PID.pack(-1))


def _reap(pid: int, timeout: float) -> int:
    """The exit code of child ``pid`` (negative for a signal), or _TIMED_OUT.

    Waits on a pidfd when the kernel has them (woken the moment the child exits: the
    grading process waits for this after every learner), else polls.
    """
    deadline = time.monotonic() + timeout
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return -signal.SIGKILL  # already reaped: it was killed with its group
            if done:
                return os.waitstatus_to_exitcode(status)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _TIMED_OUT
            if pidfd is not None:
                select.select([pidfd], [], [], remaining)
            else:
                time.sleep(min(0.0005, remaining))
    finally:
        if pidfd is not None:
            os.close(pidfd)
