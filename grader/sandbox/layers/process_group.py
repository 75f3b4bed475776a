"""The process group: a session of the worker's own, and the parent-side reaper of its tree.

Protects against: processes a learner's code forks outliving the worker (the grading process
SIGKILLs the whole group when it ends a worker: ``client.SandboxWorker.kill`` calls ``os.killpg``;
:func:`kill_process_group` is the same with guards against killing the caller's own group), and
terminal signals or /dev/tty reaching the worker from the grader's shell (a new session has no
controlling terminal). A process that calls ``setsid()`` itself leaves the group: the pids
cgroup (:mod:`grader.sandbox.cgroup`) finds it.

Workers get their session from the launcher (``start_new_session``, or ``setsid()`` in a zygote's
child; a worker's report lists "pids-cgroup" instead); ``grade doctor`` applies
:func:`new_process_group` in its probe. If setsid and setpgid both fail, the "process-group"
Protection is reported INACTIVE with the reason.

Tests: tests/security/test_isolation.py::test_kill_process_group_reaps_the_tree;
tests/security/test_hostile.py (test_forked_child_does_not_survive, test_setsid_grandchild_does_not_survive).
"""

from __future__ import annotations

import os
import signal

from grader.sandbox.layers import Protection

PROCESS_GROUP = "process-group"


def new_process_group() -> Protection:
    """Make the calling process the leader of a new session and process group.

    Then everything it forks shares that group, so the parent can reap the whole
    tree with ``kill_process_group(pid)``; a new session also drops the
    controlling terminal (no /dev/tty, no terminal signals from the grader's
    shell). Returns the "process-group" Protection; never raises.
    """
    try:
        os.setsid()
        how = "new session and process group"
    except PermissionError:
        # Already a process-group leader (setsid refuses); that group is ours.
        try:
            if os.getpgid(0) != os.getpid():
                os.setpgid(0, 0)
            how = "own process group (already a group leader, kept the session)"
        except OSError as exc:
            return Protection(PROCESS_GROUP, False, f"setsid/setpgid failed ({exc.strerror})")
    except OSError as exc:
        return Protection(PROCESS_GROUP, False, f"setsid failed ({exc.strerror})")
    pgid = os.getpgid(0)
    return Protection(PROCESS_GROUP, True, f"{how} {pgid}: the parent reaps the tree with killpg({pgid}, SIGKILL)")


def kill_process_group(pgid: int) -> None:
    """SIGKILL every process in process group ``pgid`` (parent-side reaper).

    Returns None; a group that no longer exists (ProcessLookupError) is ignored.
    Raises ValueError for pgid <= 1 or the caller's own group (killpg(0, ...)
    would kill the grader itself), and PermissionError if not allowed to signal.
    Zombies must still be collected with ``waitpid`` by their parent.
    """
    if pgid <= 1:
        raise ValueError(f"refusing to kill process group {pgid}")
    if pgid == os.getpgrp():
        raise ValueError(f"refusing to kill our own process group {pgid}")
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
