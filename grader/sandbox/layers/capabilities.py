"""Capabilities and no_new_privs: a root worker keeps no privilege, and execve gains none.

Protects against: a worker running as uid 0 using what its capabilities allow without touching
a file, which Landlock does not see (loading a kernel module from a memory buffer, mount, mknod
of the disk's block device, raw port I/O, bpf, settimeofday, reboot, bypassing file permission
bits, ptrace of the grader), and against regaining privileges by running a setuid binary or a
file with capabilities (no_new_privs; Landlock also needs it for a caller without CAP_SYS_ADMIN).

Where the kernel or the C library lacks them (not Linux, capset refused, a bounding set that
cannot be emptied), the "capabilities" or "no-new-privs" Protection is reported INACTIVE with
the reason; the other layers still hold.

Tests: tests/security/test_isolation.py::test_root_without_capabilities_cannot_chown;
tests/security/test_degrade.py::test_every_protection_is_reported_and_active_on_this_machine
(both protections reported active in a real grade); the grader's memory, out of reach of the
worker: tests/security/test_confidentiality.py::test_worker_memory_and_frames_hold_nothing_of_the_trusted_side.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import errno_text, libc

NO_NEW_PRIVS = "no-new-privs"
CAPABILITIES = "capabilities"

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
    lib = libc()
    ctypes.set_errno(0)
    rc = lib.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    return int(rc), ctypes.get_errno()


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
        lib = libc()
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
        return Protection(NO_NEW_PRIVS, False, f"prctl(PR_SET_NO_NEW_PRIVS) failed ({errno_text(ctypes.get_errno())})")
    return Protection(NO_NEW_PRIVS, True, "PR_SET_NO_NEW_PRIVS set: execve cannot gain privileges (setuid, file caps)")


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
        lib = libc()
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
            notes.append(f"PR_CAPBSET_DROP({cap}): {errno_text(err)}")
    rc, err = _prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    if rc != 0 and err != errno.EINVAL:  # EINVAL: kernel without ambient caps
        notes.append(f"ambient clear: {errno_text(err)}")
    rc, err = _prctl(_PR_SET_SECUREBITS, _SECUREBITS_LOCKED_NOROOT)
    if rc != 0 and err != errno.EPERM:  # EPERM: no CAP_SETPCAP, i.e. nothing to lose
        notes.append(f"securebits: {errno_text(err)}")

    header = _CapHeader(version=_LINUX_CAPABILITY_VERSION_3, pid=0)
    data = (_CapData * 2)()  # all zero: no effective, permitted or inheritable caps
    ctypes.set_errno(0)
    if lib.capset(ctypes.byref(header), data) != 0:
        return Protection(CAPABILITIES, False, f"capset failed ({errno_text(ctypes.get_errno())})")

    # Verify: nothing left in the effective/permitted sets or the bounding set.
    check = (_CapData * 2)()
    header = _CapHeader(version=_LINUX_CAPABILITY_VERSION_3, pid=0)
    left = []
    if lib.capget(ctypes.byref(header), check) != 0:
        left.append(f"capget failed ({errno_text(ctypes.get_errno())})")
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
