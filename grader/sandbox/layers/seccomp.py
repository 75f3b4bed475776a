"""seccomp: the syscalls neither Landlock nor dropped capabilities stop, refused in the kernel.

Two filters, each refusing every syscall of another ABI (i386 through int 0x80, x32), which
would otherwise skip it:

- :func:`block_unix_sockets` ("no-unix-sockets"): socket(AF_UNIX) and socketpair(AF_UNIX) fail
  with EACCES, so no connect to an existing unix socket file (a Docker or D-Bus socket), which
  neither Landlock (ABI <= 7) nor a network namespace stops.
- :func:`restrict_syscalls` ("syscall-filter"): chmod/chown/utime/xattr changes on any file of
  the machine (Landlock does not cover metadata), ptrace, process_vm_readv/writev, pidfd_getfd,
  pidfd_send_signal, keyrings and io_uring refused; prlimit, scheduling and priority allowed on
  the worker itself only (RLIMIT_CPU=1 on the grading process would kill it); where Landlock
  cannot scope signals (ABI < 6), signals only to the worker itself and its own process group.

Where there is no syscall table for the machine (neither x86_64 nor aarch64) or the kernel
refuses the filter, each Protection is reported INACTIVE with the reason.

Tests: tests/security/test_isolation.py (test_syscall_filter_blocks_the_machine_and_keeps_the_worker_working,
test_seccomp_filters_refuse_the_i386_syscall_abi, test_the_bpf_assembler_resolves_labels);
tests/security/test_integrity.py::test_file_metadata_and_other_processes_cannot_be_changed;
tests/security/test_hostile.py::test_unix_socket_outside_the_sandbox_is_unreachable;
tests/security/test_degrade.py::test_without_landlock_scoping_the_grader_still_cannot_be_killed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
from typing import Any

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import errno_text, libc
from grader.sandbox.layers.capabilities import set_no_new_privs

UNIX_SOCKETS = "no-unix-sockets"
SYSCALL_FILTER = "syscall-filter"

# seccomp: (audit arch, socket, socketpair) per machine; struct seccomp_data offsets.
_SECCOMP_ARCHES = {"x86_64": (0xC000003E, 41, 53), "aarch64": (0xC00000B7, 198, 199)}
_SECCOMP_MODE_FILTER, _PR_SET_SECCOMP = 2, 22
_SECCOMP_RET_ALLOW, _SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
_BPF_LD_W_ABS, _BPF_JEQ_K, _BPF_RET_K = 0x20, 0x15, 0x06
_BPF_JGE_K, _BPF_JA = 0x35, 0x05
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000  # x32 syscalls run with AUDIT_ARCH_X86_64 and nr | this bit


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def block_unix_sockets() -> Protection:
    """Refuse socket(AF_UNIX) and socketpair(AF_UNIX) with EACCES, by a seccomp filter.

    Neither Landlock (ABI <= 7) nor a network namespace stops connect() to an existing
    unix socket file (a Docker or D-Bus socket, say); without the socket, no connect.
    Needs no_new_privs or CAP_SYS_ADMIN: it sets no_new_privs itself first (as
    :func:`restrict_syscalls` does). Never raises.
    """
    arch = _SECCOMP_ARCHES.get(platform.machine())
    if arch is None:
        return Protection(UNIX_SOCKETS, False, f"no seccomp syscall table for {platform.machine()}")
    audit_arch, nr_socket, nr_socketpair = arch
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    program = [
        (_BPF_LD_W_ABS, 0, 0, 4),                 # A = seccomp_data.arch
        (_BPF_JEQ_K, 1, 0, audit_arch),           # our architecture: go on
        # A foreign ABI (i386 syscalls through int 0x80 from machine code run with ctypes) used to
        # be allowed here: socket(AF_UNIX) by its i386 number went straight through.
        (_BPF_RET_K, 0, 0, deny),
        (_BPF_LD_W_ABS, 0, 0, 0),                 # A = seccomp_data.nr
        (_BPF_JGE_K, 4, 0, _X32_SYSCALL_BIT) if audit_arch == _AUDIT_ARCH_X86_64 else (_BPF_JA, 0, 0, 0),
        (_BPF_JEQ_K, 1, 0, nr_socket),
        (_BPF_JEQ_K, 0, 3, nr_socketpair),
        (_BPF_LD_W_ABS, 0, 0, 16),                # A = low word of args[0] (the domain)
        (_BPF_JEQ_K, 0, 1, socket.AF_UNIX),
        (_BPF_RET_K, 0, 0, deny),
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
    ]
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    fprog = _SockFprog(len(program), filters)
    set_no_new_privs()
    lib = libc()
    ctypes.set_errno(0)
    rc = lib.prctl(ctypes.c_int(_PR_SET_SECCOMP), ctypes.c_ulong(_SECCOMP_MODE_FILTER),
                   ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if rc != 0:
        return Protection(UNIX_SOCKETS, False, f"seccomp filter refused ({errno_text(ctypes.get_errno())})")
    return Protection(UNIX_SOCKETS, True, "seccomp: socket(AF_UNIX) and socketpair(AF_UNIX) fail with EACCES")


# Syscall numbers for restrict_syscalls(). Numbers from 424 on are the same on every architecture.
_NEW_SYSCALLS = {
    "pidfd_send_signal": 424, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "pidfd_getfd": 438, "fchmodat2": 452, "setxattrat": 463, "removexattrat": 466, "file_setattr": 469,
}
_SYSCALL_NUMBERS: dict[str, dict[str, int]] = {
    "x86_64": {
        "chmod": 90, "fchmod": 91, "fchmodat": 268, "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260,
        "utime": 132, "utimes": 235, "utimensat": 280, "futimesat": 261,
        "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198,
        "fremovexattr": 199, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "add_key": 248, "request_key": 249, "keyctl": 250,
        "prlimit64": 302, "sched_setaffinity": 203, "sched_setscheduler": 144, "sched_setparam": 142,
        "sched_setattr": 314, "setpriority": 141, "ioprio_set": 251,
        "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
        **_NEW_SYSCALLS,
    },
    "aarch64": {  # the generic table: no chmod/chown/utime without "at"
        "fchmod": 52, "fchmodat": 53, "fchownat": 54, "fchown": 55, "utimensat": 88,
        "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15, "fremovexattr": 16,
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "add_key": 217, "request_key": 218, "keyctl": 219,
        "prlimit64": 261, "sched_setaffinity": 122, "sched_setscheduler": 119, "sched_setparam": 118,
        "sched_setattr": 274, "setpriority": 140, "ioprio_set": 30,
        "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
        **_NEW_SYSCALLS,
    },
}
# Refused whatever the arguments: changing a file's mode, owner, times or attributes (Landlock,
# ABI <= 7, does not cover them: a root worker could chmod 0777 any root-owned file of the machine),
# reading or writing other processes, the kernel keyrings, io_uring, sending signals by pidfd.
_DENIED_SYSCALLS = (
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
    "utime", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
    "removexattr", "lremovexattr", "fremovexattr", "removexattrat", "file_setattr",
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "pidfd_send_signal",
    "add_key", "request_key", "keyctl", "io_uring_setup", "io_uring_enter", "io_uring_register",
)
# Allowed only on the worker itself (first argument 0 or its pid): a same-uid process may otherwise
# set the resource limits (RLIMIT_CPU=1 kills), CPU affinity or scheduling of any process of its uid.
_SELF_ONLY_SYSCALLS = ("prlimit64", "sched_setaffinity", "sched_setscheduler", "sched_setparam", "sched_setattr")
# The same for signals, when Landlock cannot scope them (ABI < 6): without it, a root worker can
# SIGKILL the grading process.
_SIGNAL_SYSCALLS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
_PRIO_PROCESS, _IOPRIO_WHO_PROCESS = 0, 1


def _assemble(program: list[tuple[Any, ...]]) -> list[tuple[int, int, int, int]]:
    """Classic BPF from ("label", name) markers and ("ld", offset), ("jeq"/"jge", k, if_true, if_false),
    ("ret", value) instructions; a jump target is a label name or None (the next instruction)."""
    labels: dict[str, int] = {}
    index = 0
    for op in program:
        if op[0] == "label":
            labels[op[1]] = index
        else:
            index += 1
    out: list[tuple[int, int, int, int]] = []
    for op in program:
        if op[0] == "label":
            continue
        here = len(out) + 1  # jumps count from the next instruction
        if op[0] == "ld":
            out.append((_BPF_LD_W_ABS, 0, 0, op[1]))
        elif op[0] == "ret":
            out.append((_BPF_RET_K, 0, 0, op[1]))
        else:
            code = _BPF_JEQ_K if op[0] == "jeq" else _BPF_JGE_K
            jt, jf = (0 if target is None else labels[target] - here for target in op[2:4])
            if not (0 <= jt < 256 and 0 <= jf < 256):
                raise ValueError("BPF jump out of range")
            out.append((code, jt, jf, op[1]))
    return out


def _install_seccomp(program: list[tuple[int, int, int, int]]) -> int:
    """Install a seccomp filter on the calling thread; returns 0 or the errno."""
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    fprog = _SockFprog(len(program), filters)
    set_no_new_privs()
    lib = libc()
    ctypes.set_errno(0)
    rc = lib.prctl(ctypes.c_int(_PR_SET_SECCOMP), ctypes.c_ulong(_SECCOMP_MODE_FILTER),
                   ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0))
    return 0 if rc == 0 else (ctypes.get_errno() or errno.EPERM)


def restrict_syscalls(*, signals: bool) -> Protection:
    """A seccomp filter for what neither Landlock nor dropped capabilities stop a process of the
    grader's uid from doing to the rest of the machine (EPERM):

    - chmod/chown/utime/setxattr on any path or fd (a root worker could make any root-owned file
      of the machine world-writable: Landlock ABI <= 7 does not cover metadata);
    - prlimit, sched_setaffinity/scheduler/param/attr on another process (RLIMIT_CPU=1 on the
      grading process kills it), setpriority/ioprio_set on anything but itself;
    - ptrace, process_vm_readv/writev, pidfd_getfd, pidfd_send_signal, keyrings, io_uring;
    - with ``signals`` (use it when Landlock cannot scope signals, ABI < 6): kill, tkill, tgkill,
      rt_(tg)sigqueueinfo to anything but itself (pid 0 = its own process group is allowed);
    - every syscall of another ABI (i386 via int 0x80, x32), which would skip the filter.

    Call it once the worker's pid is final (after fork), while single-threaded. Never raises.
    """
    numbers = _SYSCALL_NUMBERS.get(platform.machine())
    arch = _SECCOMP_ARCHES.get(platform.machine())
    if numbers is None or arch is None:
        return Protection(SYSCALL_FILTER, False, f"no seccomp syscall table for {platform.machine()}")
    audit_arch = arch[0]
    deny = _SECCOMP_RET_ERRNO | errno.EPERM
    pid = os.getpid()
    self_only = _SELF_ONLY_SYSCALLS + (_SIGNAL_SYSCALLS if signals else ())
    program: list[tuple[Any, ...]] = [("ld", 4), ("jeq", audit_arch, None, "deny"), ("ld", 0)]
    if audit_arch == _AUDIT_ARCH_X86_64:
        program.append(("jge", _X32_SYSCALL_BIT, "deny", None))
    program += [("jeq", numbers[name], "deny", None) for name in _DENIED_SYSCALLS if name in numbers]
    program += [("jeq", numbers[name], "arg0", None) for name in self_only]
    program += [
        ("jeq", numbers["setpriority"], "prio", None),
        ("jeq", numbers["ioprio_set"], "ioprio", None),
        ("ret", _SECCOMP_RET_ALLOW),
        ("label", "prio"), ("ld", 16), ("jeq", _PRIO_PROCESS, "arg1", "deny"),
        ("label", "ioprio"), ("ld", 16), ("jeq", _IOPRIO_WHO_PROCESS, "arg1", "deny"),
        ("label", "arg1"), ("ld", 24), ("jeq", 0, "allow", None), ("jeq", pid, "allow", "deny"),
        ("label", "arg0"), ("ld", 16), ("jeq", 0, "allow", None), ("jeq", pid, "allow", "deny"),
        ("label", "allow"), ("ret", _SECCOMP_RET_ALLOW),
        ("label", "deny"), ("ret", deny),
    ]
    err = _install_seccomp(_assemble(program))
    if err:
        return Protection(SYSCALL_FILTER, False, f"seccomp filter refused ({errno_text(err)})")
    detail = ("seccomp: chmod/chown/utime/xattr changes, ptrace, process_vm_*, keyrings and io_uring refused; "
              "prlimit, scheduling and priority only on itself; other syscall ABIs (i386, x32) refused")
    if signals:
        detail += "; signals only to itself and its own process group (Landlock cannot scope them here)"
    return Protection(SYSCALL_FILTER, True, detail)
