"""The confinement of a worker process that runs hostile learner code: one sequence, one place.

The worker applies it *to itself*, after it starts and before it compiles or runs any learner
code; the grading process is never restricted. :func:`confine` applies the layers of
:mod:`grader.sandbox.layers` in the one order grading uses, and each returns a
:class:`Protection` saying what is really in force, so a report (or ``grade doctor``, through
:func:`probe`) shows which layers this kernel supports instead of assuming them.
:func:`describe` turns them into a report's ``protections``.

Only the standard library and :mod:`grader.sandbox.layers` are imported: the worker process,
where learner code runs, imports this module.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import resource
import signal
import socket
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import fmt_bytes
from grader.sandbox.layers.capabilities import CAPABILITIES, NO_NEW_PRIVS, drop_capabilities
from grader.sandbox.layers.landlock import (
    LANDLOCK_FILESYSTEM,
    LANDLOCK_NETWORK,
    LANDLOCK_SCOPE,
    restrict_filesystem_and_network,
)
from grader.sandbox.layers.namespaces import IPC_NAMESPACE, NETWORK_NAMESPACE, isolate_ipc, isolate_network
from grader.sandbox.layers.process_group import PROCESS_GROUP, new_process_group
from grader.sandbox.layers.rlimits import RLIMITS, apply_rlimits, virtual_memory_bytes
from grader.sandbox.layers.scratch import SCRATCH_SIZE, limit_scratch
from grader.sandbox.layers.seccomp import SYSCALL_FILTER, UNIX_SOCKETS, block_unix_sockets, restrict_syscalls

__all__ = [
    "PROTECTION_NAMES",
    "Policy",
    "Protection",
    "confine",
    "describe",
    "probe",
    "python_read_paths",
]

# Protection names, in the order reports list them.
PROTECTION_NAMES: tuple[str, ...] = (
    LANDLOCK_FILESYSTEM,
    LANDLOCK_NETWORK,
    LANDLOCK_SCOPE,
    NETWORK_NAMESPACE,
    IPC_NAMESPACE,
    SCRATCH_SIZE,
    RLIMITS,
    PROCESS_GROUP,
    NO_NEW_PRIVS,
    CAPABILITIES,
    UNIX_SOCKETS,
    SYSCALL_FILTER,
)


@dataclass(frozen=True)
class Policy:
    """What a confined process may use: its scratch folder, the folders it may read besides the
    Python installation, and its limits (memory above what it already uses when confined)."""

    scratch: str
    read_only: tuple[str, ...] = ()
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 300
    file_size_bytes: int = 16 * 1024**2
    max_processes: int = 64
    scratch_bytes: int = 64 * 1024**2


def confine(policy: Policy) -> list[Protection]:
    """Apply every layer to the calling process, in the one order grading uses: the sandbox worker
    (worker.confine) and ``grade doctor`` (probe) both come here, so the doctor verifies exactly what
    learner code meets.  Returns one Protection per layer.

    Why this order:

    1. Resource limits first: setting a hard limit above the current one needs CAP_SYS_RESOURCE,
       which the capability drop takes away, and the memory limit is added to the process's size
       now, read from /proc/self, which Landlock denies.
    2. The network namespace before the IPC namespace and the scratch tmpfs: when
       ``unshare(CLONE_NEWNET)`` is refused it falls back to a new user namespace, whose
       capabilities are what let the two others unshare and mount; it writes that namespace's
       uid/gid maps to /proc/self, which Landlock would deny.
    3. The IPC namespace: it needs CAP_SYS_ADMIN, or the user namespace of step 2.
    4. The scratch tmpfs before Landlock: a Landlock-restricted process cannot mount, and the
       read-write rule Landlock grants on the scratch folder is then taken on the tmpfs, not on
       the folder beneath it. It also moves the working directory onto the tmpfs.
    5. The unix-socket filter (seccomp): it sets no_new_privs itself, so it needs no capability
       and could equally come after step 6.
    6. The capability drop once nothing further needs one (unshare and mount need CAP_SYS_ADMIN,
       raising a hard limit CAP_SYS_RESOURCE).
    7. no_new_privs and Landlock after everything that reads or writes /proc/self or mounts.
    8. The syscall filter last: whether it must also keep signals to the worker itself depends on
       whether Landlock could scope them (ABI >= 6), and it allows prlimit and scheduling calls
       on the worker's own, final pid only.

    Landlock, no_new_privs, unshare and seccomp act on the calling thread (and what it creates
    later): call this while the process is single-threaded (the worker's environment keeps
    numpy's BLAS to one thread, and no watchdog thread runs yet). The worker enters its pids cgroup
    and gets its own session before this (``worker.confine``, the launcher); ``grade doctor``'s
    child makes its session with ``new_process_group`` (:func:`_probe_child`).
    """
    protections = [
        apply_rlimits(
            memory_bytes=virtual_memory_bytes() + policy.memory_bytes,
            cpu_seconds=policy.cpu_seconds,
            file_size_bytes=policy.file_size_bytes,
            max_processes=policy.max_processes,
        ),
        isolate_network(),
        isolate_ipc(),
        limit_scratch(policy.scratch, policy.scratch_bytes),
        block_unix_sockets(),
        drop_capabilities(),
    ]
    protections += restrict_filesystem_and_network(python_read_paths() + list(policy.read_only), [policy.scratch])
    scoped = any(p.name == LANDLOCK_SCOPE and p.active for p in protections)
    protections.append(restrict_syscalls(signals=not scoped))
    return protections


def describe(protections: Iterable[Protection]) -> dict[str, str]:
    """Return ``{name: "active: detail" | "INACTIVE: detail"}`` for reports (later names win)."""
    return {p.name: f"{'active' if p.active else 'INACTIVE'}: {p.detail}" for p in protections}


# --------------------------------------------------------------------------
# What Python needs to read
# --------------------------------------------------------------------------

_SYSTEM_READ_PATHS = (
    "/usr/lib",
    "/lib",
    "/lib64",
    "/usr/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/dev/null",
    "/dev/urandom",
)


def python_read_paths() -> list[str]:
    """Return the paths a Python + numpy process must be able to read.

    Computed once per process (a zygote computes it before it forks: ~5 ms a worker
    otherwise, most of it importing sysconfig); the caller gets its own list.

    sys.prefix / base_prefix / exec_prefix / base_exec_prefix, the stdlib and
    site-packages dirs (sysconfig purelib/platlib, site.getsitepackages, the
    user site), the directory of the real interpreter binary, shared-library
    dirs (/usr/lib, /lib, /lib64, /usr/lib64, /usr/local/lib) and the files
    /etc/ld.so.cache, /etc/localtime, /dev/null, /dev/urandom. Symlinks are
    resolved, duplicates removed, missing paths dropped, order kept. "/" is
    never returned (it would grant the whole filesystem). Never raises.
    """
    return list(_python_read_paths())


@functools.cache
def _python_read_paths() -> tuple[str, ...]:
    import site
    import sysconfig

    candidates: list[str] = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            candidates.append(sysconfig.get_paths()[key])
        except KeyError:
            pass
    try:
        candidates.extend(site.getsitepackages())
    except AttributeError:  # some embedded/virtualenv site.py versions lack it
        pass
    try:
        candidates.append(site.getusersitepackages())
    except AttributeError:
        pass
    if sys.executable:
        candidates.append(os.path.dirname(os.path.realpath(sys.executable)))
    candidates.extend(_SYSTEM_READ_PATHS)

    result: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate:
            continue
        real = os.path.realpath(candidate)
        if real == "/" or real in seen or not os.path.exists(real):
            continue
        seen.add(real)
        result.append(real)
    return tuple(result)


# --------------------------------------------------------------------------
# Doctor probe
# --------------------------------------------------------------------------


def _replace(protections: list[Protection], name: str, active: bool, detail: str) -> None:
    """Replace the Protection called ``name`` in place."""
    for i, p in enumerate(protections):
        if p.name == name:
            protections[i] = Protection(name, active, detail)


def _probe_child(policy: Policy, outside_file: str) -> list[Protection]:
    """Confine this (forked) process as a worker is confined, then check the layers are enforced."""
    scratch = policy.scratch
    protections = [new_process_group(), *confine(policy)]
    by_name = {p.name: p for p in protections}

    # Verify rather than trust: a layer that was "applied" but does not block the
    # attack it is meant for is reported inactive.
    if by_name[LANDLOCK_FILESYSTEM].active:
        problems = []
        try:
            with open(outside_file, "rb"):
                problems.append("a file outside the sandbox was still readable")
        except PermissionError:
            pass
        try:
            Path(scratch, "probe.txt").write_text("ok")
        except OSError as exc:
            problems.append(f"the scratch dir was not writable ({exc.strerror})")
        if problems:
            _replace(protections, LANDLOCK_FILESYSTEM, False, "applied but NOT enforced: " + "; ".join(problems))
        else:
            _replace(
                protections,
                LANDLOCK_FILESYSTEM,
                True,
                by_name[LANDLOCK_FILESYSTEM].detail + " (verified: outside file unreadable, scratch writable)",
            )
    if by_name[LANDLOCK_NETWORK].active:
        outcome = ""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            try:
                sock.connect(("127.0.0.1", 9))
                outcome = "connected"
            except PermissionError:
                pass
            except OSError as exc:
                outcome = errno.errorcode.get(exc.errno or 0, str(exc))
        if outcome:
            _replace(protections, LANDLOCK_NETWORK, False, f"applied but NOT enforced: TCP connect gave {outcome}")
        else:
            _replace(
                protections,
                LANDLOCK_NETWORK,
                True,
                by_name[LANDLOCK_NETWORK].detail + " (verified: connect to 127.0.0.1 denied)",
            )
    if by_name[SCRATCH_SIZE].active:
        # Files each under the file-size limit, together past the scratch folder's size: the tmpfs stops them.
        piece = max(1 << 20, min(policy.file_size_bytes // 2, 8 << 20))
        written, error = 0, None
        try:
            while written <= policy.scratch_bytes + piece:
                with open(os.path.join(scratch, f"probe-fill-{written // piece}.bin"), "wb") as handle:
                    handle.write(b"\0" * piece)
                written += piece
        except OSError as exc:
            error = exc
        finally:
            for name in os.listdir(scratch):
                if name.startswith("probe-fill-"):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(scratch, name))
        if error is None:
            _replace(protections, SCRATCH_SIZE, False,
                     f"applied but NOT enforced: more than {fmt_bytes(policy.scratch_bytes)} fit in it")
        elif error.errno != errno.ENOSPC:
            _replace(protections, SCRATCH_SIZE, False, f"applied, but writing gave {error.strerror}")
        else:
            _replace(protections, SCRATCH_SIZE, True,
                     by_name[SCRATCH_SIZE].detail + " (verified: writing past its size fails)")
    if by_name[LANDLOCK_SCOPE].active:
        try:
            os.kill(os.getppid(), 0)  # signal 0: checks permission, delivers nothing
            _replace(protections, LANDLOCK_SCOPE, False, "applied but NOT enforced: could signal the parent")
        except PermissionError:
            _replace(
                protections,
                LANDLOCK_SCOPE,
                True,
                by_name[LANDLOCK_SCOPE].detail + " (verified: kill(parent, 0) denied)",
            )
        except OSError:
            pass
    if by_name[SYSCALL_FILTER].active:
        try:
            resource.prlimit(os.getppid(), resource.RLIMIT_CORE)  # reading another's limits: refused too
            _replace(protections, SYSCALL_FILTER, False, "applied but NOT enforced: prlimit(parent) allowed")
        except PermissionError:
            _replace(protections, SYSCALL_FILTER, True,
                     by_name[SYSCALL_FILTER].detail + " (verified: prlimit(parent) denied)")
        except OSError:
            pass
    order = {name: i for i, name in enumerate(PROTECTION_NAMES)}
    return sorted(protections, key=lambda p: order.get(p.name, len(order)))


def probe(policy: Policy | None = None, timeout: float = 20.0) -> list[Protection]:
    """Report which protections this machine can apply, for ``grade doctor``.

    Forks a short-lived child that makes its own process group and applies
    :func:`confine` with ``policy`` (a temporary scratch dir instead of its
    own), then checks that reading a file outside the sandbox, TCP connect,
    writing past the scratch size, signalling the parent and prlimit on the
    parent are really denied. The calling process is never restricted.

    Returns one Protection per name in PROTECTION_NAMES. Never raises for an
    unsupported kernel; if the child crashes or exceeds ``timeout`` seconds,
    every Protection is returned inactive with that reason. Raises OSError only
    if the temp dir, pipe or fork cannot be created.
    """
    import json
    import select
    import tempfile
    import time
    import traceback

    with tempfile.TemporaryDirectory(prefix="dl-grader-probe-") as tmp:
        scratch = os.path.join(tmp, "scratch")
        os.mkdir(scratch)
        outside = os.path.join(tmp, "outside.txt")
        Path(outside).write_text("must not be readable from the sandbox\n")

        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never return into the caller's code
            code = 0
            try:
                os.close(read_fd)
                payload: dict[str, Any]
                try:
                    applied = replace(policy, scratch=scratch) if policy else Policy(scratch=scratch)
                    payload = {"ok": [asdict(p) for p in _probe_child(applied, outside)]}
                except BaseException:
                    payload = {"error": traceback.format_exc(limit=5)}
                    code = 1
                data = json.dumps(payload).encode()
                while data:
                    data = data[os.write(write_fd, data) :]
            finally:
                os._exit(code)

        os.close(write_fd)
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        timed_out = False
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                ready, _, _ = select.select([read_fd], [], [], remaining)
                if not ready:
                    continue
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(read_fd)
            if timed_out:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _, status = os.waitpid(pid, 0)

    def failed(why: str) -> list[Protection]:
        return [Protection(name, False, f"probe failed: {why}") for name in PROTECTION_NAMES]

    if timed_out:
        return failed(f"child did not finish within {timeout:g}s")
    try:
        payload = json.loads(b"".join(chunks).decode())
    except ValueError:
        return failed(f"child exited with wait status {status} and no report")
    if "error" in payload:
        return failed(str(payload["error"]).strip().splitlines()[-1])
    return [Protection(**item) for item in payload["ok"]]
