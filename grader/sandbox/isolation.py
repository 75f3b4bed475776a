"""OS-level isolation for the worker process that runs hostile learner code.

Everything here is applied by the worker *to itself*, after ``fork`` and before it
imports or runs learner code; the grading parent is never restricted. Each
``apply``-style function returns :class:`Protection` records saying what is
really in force, so a report (or ``grade doctor``) can show which layers a given
kernel supports instead of silently assuming them.

Layers, in the order a worker should apply them:

1. :func:`new_process_group` - own session/process group, so the parent can
   reap the whole tree with :func:`kill_process_group`.
2. :func:`apply_rlimits` - address space, CPU time, file size, open files, no
   core dumps.
3. :func:`isolate_network` - an empty network namespace (must come before
   Landlock: the user-namespace fallback writes ``/proc/self/uid_map``).
4. :func:`drop_capabilities` - a root worker keeps no capability (Landlock does
   not cover what capabilities allow without touching files, e.g. init_module).
5. :func:`restrict_filesystem_and_network` - ``PR_SET_NO_NEW_PRIVS`` plus a
   Landlock ruleset: read-only Python installation, read-write scratch dir,
   no TCP bind/connect, signals and abstract unix sockets scoped to the sandbox.

Landlock, ``no_new_privs`` and ``unshare`` act on the *calling thread* (and the
threads/processes it creates later), so apply them while the worker is still
single-threaded: before ``import numpy`` (OpenBLAS starts threads at import) and
before starting any watchdog thread.

Only :mod:`ctypes` and the standard library are used; the Landlock ABI
constants mirror ``include/uapi/linux/landlock.h``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import platform
import resource
import signal
import socket
import stat
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Union

__all__ = [
    "Protection",
    "apply_rlimits",
    "describe",
    "drop_capabilities",
    "isolate_ipc",
    "isolate_network",
    "kill_process_group",
    "landlock_abi",
    "new_process_group",
    "probe",
    "python_read_paths",
    "restrict_filesystem_and_network",
    "set_no_new_privs",
]

PathArg = Union[str, "os.PathLike[str]"]

# Protection names, in the order reports list them.
LANDLOCK_FILESYSTEM = "landlock-filesystem"
LANDLOCK_NETWORK = "landlock-network"
LANDLOCK_SCOPE = "landlock-scope"
NETWORK_NAMESPACE = "network-namespace"
RLIMITS = "rlimits"
PROCESS_GROUP = "process-group"
NO_NEW_PRIVS = "no-new-privs"
CAPABILITIES = "capabilities"
UNIX_SOCKETS = "no-unix-sockets"
IPC_NAMESPACE = "ipc-namespace"
SCRATCH_SIZE = "scratch-size"
SYSCALL_FILTER = "syscall-filter"
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
class Protection:
    """One isolation layer and whether it is in force for the calling process.

    ``detail`` says what the layer does when ``active`` (e.g. "Landlock ABI 7: ...")
    or why it is not ("kernel has no Landlock (ENOSYS)").
    """

    name: str
    active: bool
    detail: str


# --------------------------------------------------------------------------
# Landlock ABI (include/uapi/linux/landlock.h)
# --------------------------------------------------------------------------

# Landlock syscalls were added after the syscall-table unification, so they
# have the same numbers on every architecture except the few that offset
# their tables (alpha, mips, ia64). We only list machines where that is known.
_LANDLOCK_SYSCALLS_BY_MACHINE: dict[str, tuple[int, int, int]] = {
    machine: (444, 445, 446)
    for machine in (
        "x86_64",
        "amd64",
        "i386",
        "i486",
        "i586",
        "i686",
        "aarch64",
        "arm64",
        "armv7l",
        "armv8l",
        "riscv64",
        "ppc64le",
        "ppc64",
        "s390x",
        "loongarch64",
    )
}

_LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_CHAR = 1 << 6
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_MAKE_SOCK = 1 << 9
_FS_MAKE_FIFO = 1 << 10
_FS_MAKE_BLOCK = 1 << 11
_FS_MAKE_SYM = 1 << 12
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5

_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1  # ABI 4

_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

# Every filesystem right the newest ABI we know of (7) defines. Handling a right
# without granting it denies it, so handling *all* known rights is what makes
# "nothing else" true.
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_ALL = _FS_ALL_ABI1 | _FS_REFER | _FS_TRUNCATE | _FS_IOCTL_DEV

# Rights the kernel accepts in a rule on a non-directory (EINVAL otherwise).
_FS_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV

_FS_READ_ONLY = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
# Deliberately NOT granted even in the scratch dir: MAKE_CHAR/MAKE_BLOCK (root
# could mknod the disk's block device and read it raw), IOCTL_DEV, MAKE_SOCK and
# MAKE_FIFO (rendezvous points with processes outside the sandbox; not needed).
_FS_READ_WRITE = (
    _FS_READ_ONLY
    | _FS_WRITE_FILE
    | _FS_REMOVE_DIR
    | _FS_REMOVE_FILE
    | _FS_MAKE_DIR
    | _FS_MAKE_REG
    | _FS_MAKE_SYM  # safe: Landlock checks the resolved target, not the link
    | _FS_REFER  # renames/links between dirs inside the scratch dir
    | _FS_TRUNCATE
)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the UAPI header: 12 bytes
    _fields_ = [
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


_PR_SET_NO_NEW_PRIVS = 38
_PR_GET_NO_NEW_PRIVS = 39
_PR_CAPBSET_READ = 23
_PR_CAPBSET_DROP = 24
_PR_SET_SECUREBITS = 28
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
# SECBIT_NOROOT | _LOCKED | SECBIT_NO_SETUID_FIXUP | _LOCKED | SECBIT_KEEP_CAPS_LOCKED:
# uid 0 never regains capabilities through execve or setuid, and this cannot be undone.
_SECUREBITS_LOCKED_NOROOT = 0x2F
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_CAP_MAX_PROBE = 64  # capability numbers are < 64; unknown ones give EINVAL
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000

# Test hook (tests/security/test_degrade.py): caps the Landlock ABI this process believes the kernel
# has, to show how the grader reports an older kernel or one without Landlock ("0"). It can only
# weaken the sandbox, and every report then says so; the grading process passes it on to its
# workers (grader/sandbox/launch.py), learner code cannot set it for a worker that is already confined.
SIMULATE_LANDLOCK_ENV = "DL_GRADER_SIMULATE_LANDLOCK_ABI"
_SIOCGIFFLAGS = 0x8913
_IFF_UP = 0x1

_libc_handle: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    """Return the C library already loaded into this process (errno-tracking).

    ``CDLL(None)`` reuses the interpreter's libc; ``ctypes.util.find_library``
    would spawn ``ldconfig``/``gcc``, which we must not do inside a sandbox.
    """
    global _libc_handle
    if _libc_handle is None:
        lib = ctypes.CDLL(None, use_errno=True)
        lib.syscall.restype = ctypes.c_long
        lib.prctl.restype = ctypes.c_int
        lib.unshare.restype = ctypes.c_int
        lib.unshare.argtypes = [ctypes.c_int]
        _libc_handle = lib
    return _libc_handle


def _errno_text(err: int) -> str:
    """Return e.g. ``"EPERM: Operation not permitted"`` for an errno value."""
    return f"{errno.errorcode.get(err, str(err))}: {os.strerror(err)}"


def _landlock_syscalls() -> tuple[int, int, int] | None:
    """Return (create_ruleset, add_rule, restrict_self) numbers, or None if unknown."""
    if not sys.platform.startswith("linux"):
        return None
    return _LANDLOCK_SYSCALLS_BY_MACHINE.get(platform.machine().lower())


def _syscall(number: int, *args: int) -> tuple[int, int]:
    """Call ``syscall(number, *args)``; return (result, errno). Never raises."""
    lib = _libc()
    ctypes.set_errno(0)
    # syscall() is variadic: pass every argument as a full machine word.
    result = lib.syscall(ctypes.c_long(number), *(ctypes.c_long(a) for a in args))
    return int(result), ctypes.get_errno()


def _landlock_status() -> tuple[int, str]:
    """Return (ABI version, reason). ABI is 0 when unusable, with the reason why."""
    numbers = _landlock_syscalls()
    if numbers is None:
        return 0, f"Landlock syscall numbers unknown for {sys.platform}/{platform.machine()}"
    try:
        abi, err = _syscall(numbers[0], 0, 0, _LANDLOCK_CREATE_RULESET_VERSION)
    except (OSError, AttributeError) as exc:  # no libc syscall() symbol
        return 0, f"cannot call syscall(): {exc}"
    if abi >= 1:
        return _simulated(abi, f"Landlock ABI {abi}")
    if err == errno.ENOSYS:
        return 0, "kernel has no Landlock (ENOSYS)"
    if err == errno.EOPNOTSUPP:
        return 0, "Landlock is built in but disabled (EOPNOTSUPP; add 'landlock' to the lsm= boot parameter)"
    return 0, f"Landlock unavailable ({_errno_text(err)})"


def _simulated(abi: int, reason: str) -> tuple[int, str]:
    """``(abi, reason)`` capped by $DL_GRADER_SIMULATE_LANDLOCK_ABI, when set (test hook)."""
    wanted = os.environ.get(SIMULATE_LANDLOCK_ENV, "").strip()
    if not wanted or abi < 1:
        return abi, reason
    try:
        cap = int(wanted)
    except ValueError:
        return abi, reason
    if cap >= abi:
        return abi, reason
    if cap <= 0:
        return 0, f"Landlock turned off for a test ({SIMULATE_LANDLOCK_ENV}={wanted}; the kernel has ABI {abi})"
    return cap, f"Landlock ABI {cap} (capped for a test by {SIMULATE_LANDLOCK_ENV}; the kernel has ABI {abi})"


def landlock_abi() -> int:
    """Return the kernel's Landlock ABI version (1, 2, ...), or 0 when unsupported.

    Never raises: a kernel without Landlock (ENOSYS), with Landlock disabled at
    boot (EOPNOTSUPP), a non-Linux OS or an unknown architecture all give 0.
    """
    return _landlock_status()[0]


def _handled_fs(abi: int) -> int:
    """Return the filesystem rights to handle: all those the running ABI knows.

    Follows the best-effort masking in the kernel's Landlock docs: rights newer
    than the ABI are removed, since asking for them gives EINVAL.
    """
    handled = _FS_ALL
    if abi < 2:
        handled &= ~_FS_REFER
    if abi < 3:
        handled &= ~_FS_TRUNCATE
    if abi < 5:
        handled &= ~_FS_IOCTL_DEV
    return handled


def _ruleset_attr_size(abi: int) -> int:
    """Return the ``landlock_ruleset_attr`` size to pass: only the fields the ABI has."""
    if abi < 4:
        return 8  # handled_access_fs only
    if abi < 6:
        return 16  # + handled_access_net
    return ctypes.sizeof(_RulesetAttr)  # + scoped


def _other_threads() -> int:
    """Return how many threads besides the caller this process has (0 if unknown)."""
    try:
        return max(0, len(os.listdir("/proc/self/task")) - 1)
    except OSError:
        return 0


def set_no_new_privs() -> Protection:
    """Set ``PR_SET_NO_NEW_PRIVS`` on the calling thread (inherited by children).

    Returns an active "no-new-privs" Protection, or an inactive one with the
    reason; never raises. Once set, ``execve`` of setuid/setgid binaries or files
    with capabilities no longer grants privileges, and it lets Landlock be
    enforced without CAP_SYS_ADMIN.
    """
    if not sys.platform.startswith("linux"):
        return Protection(NO_NEW_PRIVS, False, f"not Linux ({sys.platform})")
    try:
        lib = _libc()
        ctypes.set_errno(0)
        rc = lib.prctl(
            ctypes.c_int(_PR_SET_NO_NEW_PRIVS),
            ctypes.c_ulong(1),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
    except (OSError, AttributeError) as exc:
        return Protection(NO_NEW_PRIVS, False, f"cannot call prctl(): {exc}")
    if rc != 0:
        return Protection(NO_NEW_PRIVS, False, f"prctl(PR_SET_NO_NEW_PRIVS) failed ({_errno_text(ctypes.get_errno())})")
    return Protection(NO_NEW_PRIVS, True, "PR_SET_NO_NEW_PRIVS set: execve cannot gain privileges (setuid, file caps)")


def _add_path_rules(
    ruleset_fd: int,
    paths: Sequence[PathArg],
    access: int,
    syscall_number: int,
    notes: list[str],
) -> int:
    """Add a path-beneath rule granting ``access`` for each path; return how many were added.

    Missing paths are skipped silently (the brief: "paths that do not exist are
    skipped"); other failures are skipped and described in ``notes``, which only
    ever makes the sandbox stricter.
    """
    added = 0
    for raw in paths:
        path = os.fspath(raw)
        try:
            # O_PATH: we need a handle on the inode, not read permission on it.
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
        except OSError as exc:
            notes.append(f"skipped {path}: {exc.strerror}")
            continue
        try:
            allowed = access
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                # Directory-only rights on a file rule give EINVAL.
                allowed &= _FS_FILE_RIGHTS
            if not allowed:
                continue
            attr = _PathBeneathAttr(allowed_access=allowed, parent_fd=fd)
            rc, err = _syscall(syscall_number, ruleset_fd, _LANDLOCK_RULE_PATH_BENEATH, ctypes.addressof(attr), 0)
            if rc != 0:
                notes.append(f"skipped {path}: landlock_add_rule {_errno_text(err)}")
                continue
            added += 1
        finally:
            os.close(fd)
    return added


def restrict_filesystem_and_network(
    read_only: Sequence[PathArg],
    read_write: Sequence[PathArg],
) -> list[Protection]:
    """Confine the calling thread (and everything it later forks) with Landlock.

    Allows read/execute (files + directory listing) beneath ``read_only`` paths
    and full access beneath ``read_write`` paths (create/remove files and dirs,
    write, truncate, make regular files, symlinks, renames within them); every
    other filesystem access that the running ABI can control is denied. With
    ABI >= 4, TCP bind and connect are handled and no port is granted, so both
    always fail (PermissionError). With ABI >= 6, signals and abstract unix
    socket connections are scoped: only processes inside this sandbox can be
    reached. Also sets ``PR_SET_NO_NEW_PRIVS`` (required by Landlock for
    non-CAP_SYS_ADMIN callers, and desirable anyway).

    Only the rights the running ABI knows are requested, as the kernel docs
    describe. Paths that do not exist are skipped. This is irreversible for the
    calling process. Apply it while single-threaded: pre-existing other threads
    are not restricted (the fs detail then carries a WARNING).

    Returns Protections named "no-new-privs", "landlock-filesystem",
    "landlock-network" and "landlock-scope". Never raises for an unsupported or
    failing kernel: the affected Protections are returned inactive with the
    reason. Raises TypeError only for arguments that are not paths.
    """
    protections = [set_no_new_privs()]
    abi, reason = _landlock_status()
    if abi < 1:
        return protections + [
            Protection(LANDLOCK_FILESYSTEM, False, reason),
            Protection(LANDLOCK_NETWORK, False, reason),
            Protection(LANDLOCK_SCOPE, False, reason),
        ]
    numbers = _landlock_syscalls()
    assert numbers is not None  # abi >= 1 implies known syscall numbers
    create_nr, add_rule_nr, restrict_nr = numbers

    handled_fs = _handled_fs(abi)
    handled_net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0
    attr = _RulesetAttr(handled_access_fs=handled_fs, handled_access_net=handled_net, scoped=scoped)

    def all_inactive(why: str) -> list[Protection]:
        return protections + [
            Protection(LANDLOCK_FILESYSTEM, False, why),
            Protection(LANDLOCK_NETWORK, False, why),
            Protection(LANDLOCK_SCOPE, False, why),
        ]

    # Count threads now: /proc is not readable once restricted.
    others = _other_threads()
    ruleset_fd, err = _syscall(create_nr, ctypes.addressof(attr), _ruleset_attr_size(abi), 0)
    if ruleset_fd < 0:
        return all_inactive(f"Landlock ABI {abi}: landlock_create_ruleset failed ({_errno_text(err)})")
    notes: list[str] = []
    try:
        n_ro = _add_path_rules(ruleset_fd, read_only, _FS_READ_ONLY & handled_fs, add_rule_nr, notes)
        n_rw = _add_path_rules(ruleset_fd, read_write, _FS_READ_WRITE & handled_fs, add_rule_nr, notes)
        rc, err = _syscall(restrict_nr, ruleset_fd, 0)
    finally:
        os.close(ruleset_fd)
    if rc != 0:
        hint = " (no_new_privs not set and no CAP_SYS_ADMIN)" if err == errno.EPERM else ""
        return all_inactive(f"Landlock ABI {abi}: landlock_restrict_self failed ({_errno_text(err)}){hint}")

    fs_detail = (
        f"Landlock ABI {abi}: read/execute beneath {n_ro} read-only path(s), "
        f"read-write beneath {n_rw} path(s), every other file access denied"
    )
    if abi < 2:
        fs_detail += "; renames/links across directories always denied (ABI 1)"
    if abi < 3:
        fs_detail += "; truncate() not controlled (needs ABI 3)"
    if notes:
        fs_detail += "; " + "; ".join(notes)
    if others:
        fs_detail += (
            f"; WARNING: {others} other thread(s) already existed and are NOT restricted "
            "(Landlock applies to the calling thread and its later children only)"
        )
    protections.append(Protection(LANDLOCK_FILESYSTEM, True, fs_detail))

    if handled_net:
        protections.append(
            Protection(
                LANDLOCK_NETWORK,
                True,
                f"Landlock ABI {abi}: TCP bind and connect denied on every port (UDP/raw sockets not covered)",
            )
        )
    else:
        protections.append(
            Protection(LANDLOCK_NETWORK, False, f"needs Landlock ABI 4 for TCP rules, kernel has ABI {abi}")
        )

    if scoped:
        protections.append(
            Protection(
                LANDLOCK_SCOPE,
                True,
                f"Landlock ABI {abi}: signals and abstract unix sockets cannot reach processes outside the sandbox",
            )
        )
    else:
        protections.append(
            Protection(
                LANDLOCK_SCOPE,
                False,
                f"needs Landlock ABI 6 for signal/abstract-socket scoping, kernel has ABI {abi} "
                "(ptrace of outside processes is still denied)",
            )
        )
    return protections


# --------------------------------------------------------------------------
# Network namespace
# --------------------------------------------------------------------------


def _unshare(flags: int) -> int:
    """Call ``unshare(flags)``; return 0 on success or the errno. Never raises."""
    lib = _libc()
    ctypes.set_errno(0)
    rc = lib.unshare(ctypes.c_int(flags))
    return 0 if rc == 0 else (ctypes.get_errno() or errno.EPERM)


def _write_id_maps(uid: int, gid: int) -> str:
    """Map our outer uid/gid to themselves in a fresh user namespace; return a note.

    Only cosmetic (os.getuid() keeps its value instead of 65534): the kernel
    checks file access against the outer ids either way. Best effort.
    """
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except OSError as exc:
        return f"; uid/gid map not written ({exc.strerror})"
    return ""


def _interfaces_summary() -> str:
    """Return e.g. ``"interfaces: lo (down)"`` for the current network namespace."""
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError as exc:
        return f"interfaces unknown ({exc.strerror})"
    parts = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for name in names:
                ifreq = struct.pack("16sH14s", name.encode()[:15], 0, b"")
                flags = struct.unpack("16sH14s", fcntl.ioctl(sock.fileno(), _SIOCGIFFLAGS, ifreq))[1]
                parts.append(f"{name} ({'up' if flags & _IFF_UP else 'down'})")
    except (OSError, struct.error):
        parts = names
    return "interfaces: " + (", ".join(parts) or "none")


def isolate_network() -> Protection:
    """Move the calling thread into a new, empty network namespace.

    Tries ``unshare(CLONE_NEWNET)`` (needs CAP_SYS_ADMIN, e.g. root); if that
    fails, tries ``CLONE_NEWUSER | CLONE_NEWNET`` (unprivileged user namespaces)
    and maps our uid/gid. The new namespace has only a loopback interface that is
    down and no routes, so every connect/sendto fails (ENETUNREACH) - TCP, UDP
    and raw alike - and nothing bound inside is reachable from outside.

    Returns the "network-namespace" Protection, inactive with both errors when
    neither works. Never raises. Call it before Landlock (the user-namespace
    fallback writes to /proc/self) and while single-threaded (unshare affects
    the calling thread only; CLONE_NEWUSER even refuses multi-threaded callers).
    """
    if not sys.platform.startswith("linux"):
        return Protection(NETWORK_NAMESPACE, False, f"not Linux ({sys.platform})")
    try:
        _libc()
    except (OSError, AttributeError) as exc:
        return Protection(NETWORK_NAMESPACE, False, f"cannot call unshare(): {exc}")
    err = _unshare(_CLONE_NEWNET)
    if err == 0:
        return Protection(
            NETWORK_NAMESPACE, True, f"unshare(CLONE_NEWNET): new empty namespace, {_interfaces_summary()}"
        )
    uid, gid = os.getuid(), os.getgid()
    err_user = _unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
    if err_user == 0:
        note = _write_id_maps(uid, gid)
        return Protection(
            NETWORK_NAMESPACE,
            True,
            f"unshare(CLONE_NEWUSER|CLONE_NEWNET) (CLONE_NEWNET alone: {errno.errorcode.get(err, err)}): "
            f"new empty namespace, {_interfaces_summary()}{note}",
        )
    return Protection(
        NETWORK_NAMESPACE,
        False,
        f"unshare(CLONE_NEWNET) failed ({_errno_text(err)}); "
        f"unshare(CLONE_NEWUSER|CLONE_NEWNET) failed ({_errno_text(err_user)})",
    )


def isolate_ipc() -> Protection:
    """Move the calling process into a new, empty IPC namespace.

    Landlock does not cover System V IPC (message queues, semaphores, shared memory) nor POSIX
    message queues: without this, a root worker can attach the shared memory of other root
    processes on the machine (same uid, permission bits only) and two workers graded at the same
    time can talk through a queue. Needs CAP_SYS_ADMIN (root), or the user namespace that
    :func:`isolate_network` falls back to: call it after that and before dropping capabilities.
    Returns the "ipc-namespace" Protection; never raises.
    """
    if not sys.platform.startswith("linux"):
        return Protection(IPC_NAMESPACE, False, f"not Linux ({sys.platform})")
    try:
        _libc()
    except (OSError, AttributeError) as exc:
        return Protection(IPC_NAMESPACE, False, f"cannot call unshare(): {exc}")
    err = _unshare(_CLONE_NEWIPC)
    if err:
        return Protection(IPC_NAMESPACE, False, f"unshare(CLONE_NEWIPC) failed ({_errno_text(err)})")
    return Protection(IPC_NAMESPACE, True, "unshare(CLONE_NEWIPC): System V IPC and POSIX message queues "
                      "of other processes are out of reach")


# --------------------------------------------------------------------------
# Scratch folder size
# --------------------------------------------------------------------------


def limit_scratch(scratch: str, max_bytes: int) -> Protection:
    """Put a tmpfs of ``max_bytes`` over the scratch folder, in a mount namespace of our own.

    RLIMIT_FSIZE caps each file, not their number: without this, one call could fill the
    disk under TMPDIR. The files already in the folder (a learner's sibling modules) are
    copied in, and the tmpfs grows by their size. The tmpfs is noexec and goes away with
    the worker. Needs CAP_SYS_ADMIN (root), or the user namespace that
    :func:`isolate_network` falls back to: call it after that, before Landlock and before
    dropping capabilities. Changes the working directory to the tmpfs. Returns the
    "scratch-size" Protection; never raises.
    """
    if not sys.platform.startswith("linux"):
        return Protection(SCRATCH_SIZE, False, f"not Linux ({sys.platform})")
    try:
        lib = _libc()
        present = {}
        for entry in os.scandir(scratch):
            if entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as handle:
                    present[entry.name] = handle.read()
    except (OSError, AttributeError) as exc:
        return Protection(SCRATCH_SIZE, False, f"cannot prepare the scratch folder: {exc}")
    err = _unshare(_CLONE_NEWNS)
    if err:
        return Protection(SCRATCH_SIZE, False, f"unshare(CLONE_NEWNS) failed ({_errno_text(err)})")
    ctypes.set_errno(0)  # our mounts must not propagate to the machine's namespace
    if lib.mount(b"none", b"/", None, ctypes.c_ulong(_MS_REC | _MS_PRIVATE), None) != 0:
        return Protection(SCRATCH_SIZE, False, f"making mounts private failed ({_errno_text(ctypes.get_errno())})")
    size = max_bytes + sum(map(len, present.values()))
    options = f"size={size},mode=0700".encode()
    flags = ctypes.c_ulong(_MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    if lib.mount(b"tmpfs", os.fsencode(scratch), b"tmpfs", flags, options) != 0:
        return Protection(SCRATCH_SIZE, False, f"mounting a tmpfs failed ({_errno_text(ctypes.get_errno())})")
    try:
        os.chdir(scratch)  # the folder beneath the tmpfs must not stay reachable as "."
        for name, data in present.items():
            with open(name, "wb") as handle:
                handle.write(data)
    except OSError as exc:
        return Protection(SCRATCH_SIZE, False, f"the tmpfs over the scratch folder is unusable ({exc})")
    return Protection(SCRATCH_SIZE, True, f"a {_fmt_bytes(size)} tmpfs (noexec) over the scratch folder, "
                      "in a mount namespace of its own")


# --------------------------------------------------------------------------
# Resource limits
# --------------------------------------------------------------------------


def _fmt_bytes(n: int) -> str:
    """Return a short human size, e.g. ``"2 GiB"``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


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
            parts.append(f"{label}={_fmt_bytes(s)}")
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


# --------------------------------------------------------------------------
# Capabilities
# --------------------------------------------------------------------------


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _prctl(option: int, arg2: int = 0) -> tuple[int, int]:
    """Call ``prctl(option, arg2, 0, 0, 0)``; return (result, errno). Never raises."""
    lib = _libc()
    ctypes.set_errno(0)
    rc = lib.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    return int(rc), ctypes.get_errno()


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
    Needs no_new_privs (set by :func:`restrict_filesystem_and_network`) or CAP_SYS_ADMIN,
    so call it before dropping capabilities. Never raises.
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
    lib = _libc()
    ctypes.set_errno(0)
    rc = lib.prctl(ctypes.c_int(_PR_SET_SECCOMP), ctypes.c_ulong(_SECCOMP_MODE_FILTER),
                   ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if rc != 0:
        return Protection(UNIX_SOCKETS, False, f"seccomp filter refused ({_errno_text(ctypes.get_errno())})")
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
    lib = _libc()
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
        return Protection(SYSCALL_FILTER, False, f"seccomp filter refused ({_errno_text(err)})")
    detail = ("seccomp: chmod/chown/utime/xattr changes, ptrace, process_vm_*, keyrings and io_uring refused; "
              "prlimit, scheduling and priority only on itself; other syscall ABIs (i386, x32) refused")
    if signals:
        detail += "; signals only to itself and its own process group (Landlock cannot scope them here)"
    return Protection(SYSCALL_FILTER, True, detail)


def drop_capabilities() -> Protection:
    """Drop every Linux capability of the calling thread, for good.

    Empties the bounding and ambient sets, locks the securebits so uid 0 gains
    nothing on execve/setuid, then clears the effective/permitted/inheritable
    sets. Landlock does not stop a root process from using its capabilities
    where no file is involved (init_module from a memory buffer, raw port I/O,
    bpf, settimeofday, reboot, ...); this does. File access as uid 0 then follows
    ordinary owner/group/other bits, still under Landlock.

    Call it after :func:`isolate_network` (unshare needs CAP_SYS_ADMIN) and
    :func:`apply_rlimits` (raising a hard limit needs CAP_SYS_RESOURCE).
    Returns the "capabilities" Protection: active when no capability is left in
    the effective, permitted or bounding set; never raises.
    """
    if not sys.platform.startswith("linux"):
        return Protection(CAPABILITIES, False, f"not Linux ({sys.platform})")
    try:
        lib = _libc()
        lib.capset.restype = ctypes.c_int
        lib.capget.restype = ctypes.c_int
    except (OSError, AttributeError) as exc:
        return Protection(CAPABILITIES, False, f"cannot call prctl()/capset(): {exc}")
    notes: list[str] = []
    # Bounding set first: dropping from it needs CAP_SETPCAP, which capset removes.
    for cap in range(_CAP_MAX_PROBE):
        rc, err = _prctl(_PR_CAPBSET_DROP, cap)
        if rc != 0 and err == errno.EINVAL:
            break  # past the last capability this kernel knows
        if rc != 0 and err != errno.EPERM:
            notes.append(f"PR_CAPBSET_DROP({cap}): {_errno_text(err)}")
    rc, err = _prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    if rc != 0 and err != errno.EINVAL:  # EINVAL: kernel without ambient caps
        notes.append(f"ambient clear: {_errno_text(err)}")
    rc, err = _prctl(_PR_SET_SECUREBITS, _SECUREBITS_LOCKED_NOROOT)
    if rc != 0 and err != errno.EPERM:  # EPERM: no CAP_SETPCAP, i.e. nothing to lose
        notes.append(f"securebits: {_errno_text(err)}")

    header = _CapHeader(version=_LINUX_CAPABILITY_VERSION_3, pid=0)
    data = (_CapData * 2)()  # all zero: no effective, permitted or inheritable caps
    ctypes.set_errno(0)
    if lib.capset(ctypes.byref(header), data) != 0:
        return Protection(CAPABILITIES, False, f"capset failed ({_errno_text(ctypes.get_errno())})")

    # Verify: nothing left in the effective/permitted sets or the bounding set.
    check = (_CapData * 2)()
    header = _CapHeader(version=_LINUX_CAPABILITY_VERSION_3, pid=0)
    left = []
    if lib.capget(ctypes.byref(header), check) != 0:
        left.append(f"capget failed ({_errno_text(ctypes.get_errno())})")
    elif any(d.effective or d.permitted for d in check):
        left.append("effective/permitted set not empty")
    bounding = [cap for cap in range(_CAP_MAX_PROBE) if _prctl(_PR_CAPBSET_READ, cap)[0] == 1]
    if bounding:
        left.append(f"bounding set still holds {len(bounding)} capabilities (no CAP_SETPCAP to drop them)")
    if left:
        return Protection(CAPABILITIES, False, "; ".join(left + notes))
    detail = "no capabilities left (effective, permitted, inheritable, ambient, bounding)"
    if os.getuid() == 0:
        detail += "; uid 0 cannot load modules, mount, mknod or bypass file permissions"
    if notes:
        detail += "; " + "; ".join(notes)
    return Protection(CAPABILITIES, True, detail)


# --------------------------------------------------------------------------
# Process group
# --------------------------------------------------------------------------


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


def virtual_memory_bytes() -> int:
    """The calling process's virtual memory size now (the base its memory limit is added to)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def confine(policy: Policy) -> list[Protection]:
    """Apply every layer to the calling process, in the one order grading uses: the sandbox worker
    (worker.confine) and ``grade doctor`` (probe) both come here, so the doctor verifies exactly what
    learner code meets.  Returns one Protection per layer."""
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
                     f"applied but NOT enforced: more than {_fmt_bytes(policy.scratch_bytes)} fit in it")
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

    Forks a short-lived child that applies every layer (process group, rlimits,
    network namespace, capability drop, no_new_privs + Landlock with a
    temporary scratch dir) and
    checks that file reads outside the sandbox, TCP connect and signalling the
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
