"""The confinement layers of a sandbox worker, one module per mechanism.

Each layer is applied by the worker *to itself*, after it is started and before it loads
any learner code, and returns :class:`Protection` records saying what is really in force,
so a report (or ``grade doctor``) shows which layers this kernel supports instead of
assuming them. A layer never raises for a kernel that lacks it: its Protection is then
inactive, with the reason, and reports show it as INACTIVE.

- :mod:`.rlimits` - memory, CPU time, file size, processes, open files, no core dumps
- :mod:`.namespaces` - an empty network namespace, an IPC namespace of its own
- :mod:`.scratch` - a size-limited tmpfs over the scratch folder
- :mod:`.capabilities` - every capability dropped, no_new_privs
- :mod:`.landlock` - files and TCP beyond the allowed paths denied, signals scoped
- :mod:`.seccomp` - unix sockets, metadata changes, other processes, foreign syscall ABIs
- :mod:`.process_group` - a session of its own, and the parent's reaper

The order they are applied in is written once, in :func:`grader.sandbox.isolation.confine`.
The pids cgroup (:mod:`grader.sandbox.cgroup`) is not among them: the grading process makes it
and reports it; each worker enters it before it confines itself.
These modules import only the standard library and each other: the worker process, where
learner code runs, imports them (tests/security/test_confidentiality.py checks what it holds).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Protection:
    """One isolation layer and whether it is in force for the calling process.

    ``detail`` says what the layer does when ``active`` (e.g. "Landlock ABI 7: ...")
    or why it is not ("kernel has no Landlock (ENOSYS)").
    """

    name: str
    active: bool
    detail: str
