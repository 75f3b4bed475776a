"""Namespaces: an empty network of its own, and System V / POSIX IPC of its own.

Protects against: any network traffic from the worker - TCP, UDP and raw, loopback included -
and anything bound inside being reachable from outside (a new network namespace has only a
loopback interface, down, and no routes); reaching the System V shared memory, semaphores and
message queues or the POSIX message queues of other processes of the machine, other workers
included (a new IPC namespace; Landlock does not cover IPC).

Both need CAP_SYS_ADMIN (root) or an unprivileged user namespace, which isolate_network falls
back to. Where neither works (no root and user namespaces disabled, not Linux), the
"network-namespace" or "ipc-namespace" Protection is reported INACTIVE with both errors;
Landlock's TCP rules then still stop TCP.

Tests: tests/security/test_isolation.py::test_network_namespace_blocks_connect;
tests/security/test_hostile.py::test_network_is_unreachable;
tests/security/test_confidentiality.py::test_system_v_ipc_of_other_processes_is_out_of_reach.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import socket
import struct
import sys
from pathlib import Path

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import errno_text, libc

NETWORK_NAMESPACE = "network-namespace"
IPC_NAMESPACE = "ipc-namespace"

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_CLONE_NEWIPC = 0x08000000
_SIOCGIFFLAGS = 0x8913
_IFF_UP = 0x1


def unshare(flags: int) -> int:
    """Call ``unshare(flags)``; return 0 on success or the errno. Never raises."""
    lib = libc()
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
        libc()
    except (OSError, AttributeError) as exc:
        return Protection(NETWORK_NAMESPACE, False, f"cannot call unshare(): {exc}")
    err = unshare(_CLONE_NEWNET)
    if err == 0:
        return Protection(
            NETWORK_NAMESPACE, True, f"unshare(CLONE_NEWNET): new empty namespace, {_interfaces_summary()}"
        )
    uid, gid = os.getuid(), os.getgid()
    err_user = unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
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
        f"unshare(CLONE_NEWNET) failed ({errno_text(err)}); "
        f"unshare(CLONE_NEWUSER|CLONE_NEWNET) failed ({errno_text(err_user)})",
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
        libc()
    except (OSError, AttributeError) as exc:
        return Protection(IPC_NAMESPACE, False, f"cannot call unshare(): {exc}")
    err = unshare(_CLONE_NEWIPC)
    if err:
        return Protection(IPC_NAMESPACE, False, f"unshare(CLONE_NEWIPC) failed ({errno_text(err)})")
    return Protection(IPC_NAMESPACE, True, "unshare(CLONE_NEWIPC): System V IPC and POSIX message queues "
                      "of other processes are out of reach")
