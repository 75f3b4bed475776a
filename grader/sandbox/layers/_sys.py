"""What the layers share: the C library already in this process, raw syscalls, errno and size texts.

Only :mod:`ctypes` and the standard library; nothing here spawns a process (a sandbox must not).
"""

from __future__ import annotations

import ctypes
import errno
import os

_libc_handle: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
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


def syscall(number: int, *args: int) -> tuple[int, int]:
    """Call ``syscall(number, *args)``; return (result, errno). Never raises."""
    lib = libc()
    ctypes.set_errno(0)
    # syscall() is variadic: pass every argument as a full machine word.
    result = lib.syscall(ctypes.c_long(number), *(ctypes.c_long(a) for a in args))
    return int(result), ctypes.get_errno()


def errno_text(err: int) -> str:
    """Return e.g. ``"EPERM: Operation not permitted"`` for an errno value."""
    return f"{errno.errorcode.get(err, str(err))}: {os.strerror(err)}"


def fmt_bytes(n: int) -> str:
    """Return a short human size, e.g. ``"2 GiB"``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"
