"""Resource limits: memory, CPU time, file size, processes, open files, no core dumps.

Protects against: memory bombs (RLIMIT_AS: a big allocation raises MemoryError in the worker),
endless computation past the grader's own deadlines (RLIMIT_CPU: SIGXCPU, then SIGKILL), one
huge file (RLIMIT_FSIZE: EFBIG), exhausting file descriptors (RLIMIT_NOFILE), core dumps of
learner memory (RLIMIT_CORE=0); RLIMIT_NPROC for a worker that is not root (the kernel ignores
it for root: the pids cgroup, :mod:`grader.sandbox.cgroup`, caps processes there).

Where the OS refuses a limit, the "rlimits" Protection is reported INACTIVE, naming it, with the
limits that are in force; the wall-time limits of the grading process still hold.

Tests: tests/security/test_isolation.py (test_rlimit_as_turns_4gb_allocation_into_memory_error,
test_rlimit_fsize_stops_a_big_file); tests/security/test_hostile.py::test_memory_bomb_in_function;
tests/security/test_containment.py::test_a_200_mb_file_is_stopped_by_the_file_size_limit.
"""

from __future__ import annotations

import os
import resource

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import fmt_bytes

RLIMITS = "rlimits"


def virtual_memory_bytes() -> int:
    """The calling process's virtual memory size now (the base its memory limit is added to)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _set_limit(res: int, soft: int, hard: int) -> tuple[int, int] | str:
    """Set one rlimit; return the (soft, hard) in force, or an error string.

    Without CAP_SYS_RESOURCE the hard limit cannot be raised, so when the
    current hard limit is already lower we keep it: that is still at least as
    strict as what was asked.
    """
    try:
        resource.setrlimit(res, (soft, hard))
        return soft, hard
    except (ValueError, OSError) as first:
        try:
            _, cur_hard = resource.getrlimit(res)
            if cur_hard != resource.RLIM_INFINITY and cur_hard < hard:
                clamped = (min(soft, cur_hard), cur_hard)
                resource.setrlimit(res, clamped)
                return clamped
        except (ValueError, OSError) as second:
            return str(second)
        return str(first)


def apply_rlimits(
    *,
    memory_bytes: int,
    cpu_seconds: int,
    file_size_bytes: int,
    max_processes: int,
    open_files: int = 256,
) -> Protection:
    """Set resource limits on the calling process (inherited by its children).

    RLIMIT_AS=memory_bytes (big allocations raise MemoryError), RLIMIT_CPU
    soft=cpu_seconds (SIGXCPU) / hard=cpu_seconds+1 (SIGKILL), RLIMIT_FSIZE
    (writes past it fail with EFBIG; Python ignores SIGXFSZ), RLIMIT_NPROC,
    RLIMIT_NOFILE=open_files and RLIMIT_CORE=0 (no core dumps of learner memory).

    Returns the "rlimits" Protection: active when every limit was set, with the
    values in force; the detail notes that the kernel does not enforce
    RLIMIT_NPROC for root (use a pids cgroup) and that it counts every process of
    the real uid. Raises ValueError for non-positive arguments; never raises for
    a limit the OS refuses (the Protection is then inactive, naming it).
    """
    args = {
        "memory_bytes": memory_bytes,
        "cpu_seconds": cpu_seconds,
        "file_size_bytes": file_size_bytes,
        "max_processes": max_processes,
        "open_files": open_files,
    }
    for name, value in args.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive int, got {value!r}")

    wanted: list[tuple[str, int, int, int]] = [
        ("AS", resource.RLIMIT_AS, memory_bytes, memory_bytes),
        ("CPU", resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        ("FSIZE", resource.RLIMIT_FSIZE, file_size_bytes, file_size_bytes),
        ("NPROC", resource.RLIMIT_NPROC, max_processes, max_processes),
        ("NOFILE", resource.RLIMIT_NOFILE, open_files, open_files),
        ("CORE", resource.RLIMIT_CORE, 0, 0),
    ]
    parts: list[str] = []
    failures: list[str] = []
    for label, res, soft, hard in wanted:
        result = _set_limit(res, soft, hard)
        if isinstance(result, str):
            failures.append(f"{label}: {result}")
            continue
        s, h = result
        if label in ("AS", "FSIZE"):
            parts.append(f"{label}={fmt_bytes(s)}")
        elif label == "CPU":
            parts.append(f"CPU={s}s (hard {h}s)")
        else:
            parts.append(f"{label}={s}")
    detail = ", ".join(parts)
    if os.getuid() == 0:
        detail += "; RLIMIT_NPROC is ignored for root (uid 0): use a pids cgroup to stop fork bombs"
    else:
        detail += "; RLIMIT_NPROC counts every process of this uid, not just the sandbox's"
    if failures:
        return Protection(RLIMITS, False, "not all limits set: " + "; ".join(failures) + "; in force: " + detail)
    return Protection(RLIMITS, True, detail)
