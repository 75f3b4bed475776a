"""Landlock: the files, TCP ports and processes outside the sandbox are out of reach.

Protects against: reading the reference solutions, the hidden checks, other learners' files or
the gradebook, even by absolute path and even as root; writing anywhere but the worker's scratch
folder (the grader's package, site-packages, the repository, /tmp); TCP bind and connect on any
port, loopback included (ABI >= 4); signalling the grading process or reaching it through an
abstract unix socket (ABI >= 6). Read/execute is granted beneath the Python installation and the
paths the caller lists, read-write beneath the scratch folder, nothing else.

Where the kernel lacks Landlock (ENOSYS, not in ``lsm=``, not Linux, an unknown machine), the
"landlock-filesystem", "landlock-network" and "landlock-scope" Protections are reported INACTIVE
with the reason; on an older ABI each right it cannot control is named in the detail or its
Protection is INACTIVE ("needs Landlock ABI 4/6"). $DL_GRADER_SIMULATE_LANDLOCK_ABI (a test hook)
can lower the ABI this process believes in, never raise it.

Tests: tests/security/test_isolation.py (test_reading_outside_tmp_file_is_denied,
test_reading_repository_and_solutions_by_absolute_path_is_denied, test_writing_outside_scratch_is_denied,
test_writing_inside_scratch_works, test_numpy_still_works_after_restriction,
test_tcp_connect_to_loopback_is_denied, test_signalling_the_parent_is_denied, and the control
test_attacks_succeed_without_restrictions); tests/security/test_confidentiality.py
(test_gradebook_is_unreachable_from_the_worker_even_by_absolute_path); tests/security/test_degrade.py
(test_a_kernel_without_landlock_is_reported_loudly, test_an_older_landlock_is_reported_protection_by_protection).

Only :mod:`ctypes` and the standard library are used; the Landlock ABI constants mirror
``include/uapi/linux/landlock.h``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat
import sys
from collections.abc import Sequence
from typing import Union

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import errno_text, syscall
from grader.sandbox.layers.capabilities import set_no_new_privs

PathArg = Union[str, "os.PathLike[str]"]

LANDLOCK_FILESYSTEM = "landlock-filesystem"
LANDLOCK_NETWORK = "landlock-network"
LANDLOCK_SCOPE = "landlock-scope"


# Test hook (tests/security/test_degrade.py): caps the Landlock ABI this process believes the kernel
# has, to show how the grader reports an older kernel or one without Landlock ("0"). It can only
# weaken the sandbox, and every report then says so; the grading process passes it on to its
# workers (grader/sandbox/launch.py), learner code cannot set it for a worker that is already confined.
SIMULATE_LANDLOCK_ENV = "DL_GRADER_SIMULATE_LANDLOCK_ABI"

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


def _landlock_syscalls() -> tuple[int, int, int] | None:
    """Return (create_ruleset, add_rule, restrict_self) numbers, or None if unknown."""
    if not sys.platform.startswith("linux"):
        return None
    return _LANDLOCK_SYSCALLS_BY_MACHINE.get(platform.machine().lower())


def _landlock_status() -> tuple[int, str]:
    """Return (ABI version, reason). ABI is 0 when unusable, with the reason why."""
    numbers = _landlock_syscalls()
    if numbers is None:
        return 0, f"Landlock syscall numbers unknown for {sys.platform}/{platform.machine()}"
    try:
        abi, err = syscall(numbers[0], 0, 0, _LANDLOCK_CREATE_RULESET_VERSION)
    except (OSError, AttributeError) as exc:  # no libc syscall() symbol
        return 0, f"cannot call syscall(): {exc}"
    if abi >= 1:
        return _simulated(abi, f"Landlock ABI {abi}")
    if err == errno.ENOSYS:
        return 0, "kernel has no Landlock (ENOSYS)"
    if err == errno.EOPNOTSUPP:
        return 0, "Landlock is built in but disabled (EOPNOTSUPP; add 'landlock' to the lsm= boot parameter)"
    return 0, f"Landlock unavailable ({errno_text(err)})"


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
            rc, err = syscall(syscall_number, ruleset_fd, _LANDLOCK_RULE_PATH_BENEATH, ctypes.addressof(attr), 0)
            if rc != 0:
                notes.append(f"skipped {path}: landlock_add_rule {errno_text(err)}")
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
    ruleset_fd, err = syscall(create_nr, ctypes.addressof(attr), _ruleset_attr_size(abi), 0)
    if ruleset_fd < 0:
        return all_inactive(f"Landlock ABI {abi}: landlock_create_ruleset failed ({errno_text(err)})")
    notes: list[str] = []
    try:
        n_ro = _add_path_rules(ruleset_fd, read_only, _FS_READ_ONLY & handled_fs, add_rule_nr, notes)
        n_rw = _add_path_rules(ruleset_fd, read_write, _FS_READ_WRITE & handled_fs, add_rule_nr, notes)
        rc, err = syscall(restrict_nr, ruleset_fd, 0)
    finally:
        os.close(ruleset_fd)
    if rc != 0:
        hint = " (no_new_privs not set and no CAP_SYS_ADMIN)" if err == errno.EPERM else ""
        return all_inactive(f"Landlock ABI {abi}: landlock_restrict_self failed ({errno_text(err)}){hint}")

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
