"""The scratch folder's size: all the worker's files together are capped, not only each one.

Protects against: filling the disk under TMPDIR with many files, each under RLIMIT_FSIZE. The
worker mounts a tmpfs of the policy's size (noexec, nosuid, nodev) over its scratch folder, in a
mount namespace of its own; the files already there (a learner's sibling modules) are copied in,
and the tmpfs goes away with the worker.

Needs CAP_SYS_ADMIN (root) or the user namespace that
:func:`grader.sandbox.layers.namespaces.isolate_network` falls back to. Where there is neither
(or mounting fails), the "scratch-size" Protection is reported INACTIVE with the reason and only
each file is capped (RLIMIT_FSIZE); SECURITY.md says what that costs.

Tests: tests/security/test_isolation.py::test_the_scratch_tmpfs_caps_all_files_together_and_keeps_what_was_there;
tests/security/test_containment.py::test_the_scratch_folder_has_a_total_size_limit.
"""

from __future__ import annotations

import ctypes
import os
import sys

from grader.sandbox.layers import Protection
from grader.sandbox.layers._sys import errno_text, fmt_bytes, libc
from grader.sandbox.layers.namespaces import unshare

SCRATCH_SIZE = "scratch-size"

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000


def limit_scratch(scratch: str, max_bytes: int) -> Protection:
    """Put a tmpfs of ``max_bytes`` over the scratch folder, in a mount namespace of our own.

    RLIMIT_FSIZE caps each file, not their number: without this, one call could fill the
    disk under TMPDIR. The files already in the folder (a learner's sibling modules) are
    copied in, and the tmpfs grows by their size. The tmpfs is noexec and goes away with
    the worker. Needs CAP_SYS_ADMIN (root), or the user namespace that
    :func:`~grader.sandbox.layers.namespaces.isolate_network` falls back to: call it after that,
    before Landlock and before dropping capabilities. Changes the working directory to the tmpfs.
    Returns the "scratch-size" Protection; never raises.
    """
    if not sys.platform.startswith("linux"):
        return Protection(SCRATCH_SIZE, False, f"not Linux ({sys.platform})")
    try:
        lib = libc()
        present = {}
        for entry in os.scandir(scratch):
            if entry.is_file(follow_symlinks=False):
                with open(entry.path, "rb") as handle:
                    present[entry.name] = handle.read()
    except (OSError, AttributeError) as exc:
        return Protection(SCRATCH_SIZE, False, f"cannot prepare the scratch folder: {exc}")
    err = unshare(_CLONE_NEWNS)
    if err:
        return Protection(SCRATCH_SIZE, False, f"unshare(CLONE_NEWNS) failed ({errno_text(err)})")
    ctypes.set_errno(0)  # our mounts must not propagate to the machine's namespace
    if lib.mount(b"none", b"/", None, ctypes.c_ulong(_MS_REC | _MS_PRIVATE), None) != 0:
        return Protection(SCRATCH_SIZE, False, f"making mounts private failed ({errno_text(ctypes.get_errno())})")
    size = max_bytes + sum(map(len, present.values()))
    options = f"size={size},mode=0700".encode()
    flags = ctypes.c_ulong(_MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    if lib.mount(b"tmpfs", os.fsencode(scratch), b"tmpfs", flags, options) != 0:
        return Protection(SCRATCH_SIZE, False, f"mounting a tmpfs failed ({errno_text(ctypes.get_errno())})")
    try:
        os.chdir(scratch)  # the folder beneath the tmpfs must not stay reachable as "."
        for name, data in present.items():
            with open(name, "wb") as handle:
                handle.write(data)
    except OSError as exc:
        return Protection(SCRATCH_SIZE, False, f"the tmpfs over the scratch folder is unusable ({exc})")
    return Protection(SCRATCH_SIZE, True, f"a {fmt_bytes(size)} tmpfs (noexec) over the scratch folder, "
                      "in a mount namespace of its own")
