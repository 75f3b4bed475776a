"""Reading a learner's files: bounded reads of regular files, notebooks, digests, sibling modules.

Every byte the grader reads on a learner's behalf is read here: never through a link, never
from a FIFO or a device, never more than a limit (SECURITY.md, "symbolic links" and "big files").
Notebook JSON is parsed directly (nbformat v3 and v4 layouts): importing nbformat and validating
its schema would cost more than grading the notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError, usage_error
from grader.messages import say

MAX_FILE_BYTES = 20 * 1024 * 1024
# A notebook's outputs do not count towards MAX_FILE_BYTES: one of up to this size is read a chunk at a
# time without them (grader/ingest/notebook_outputs.py); a larger one is refused, saying how to clear them.
NOTEBOOK_MAX_BYTES = 200 * 1024 * 1024
# Modules next to a learner's files that the submission may import (copied into its sandbox).
MAX_SIBLINGS = 64
MAX_SIBLING_BYTES = 2 * 1024 * 1024

def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; raises UsageError.

    Never follows a link (it could point at the reference or another learner's file) and
    never reads a FIFO, socket or device (a FIFO would block the grader for ever, /dev/zero
    fill its memory): the file is opened without following links or blocking, and only a
    regular file is read, with its size checked before and while reading.
    """
    fd, info = _open_regular(path)
    try:
        return _read_open(fd, info, path, limit)
    finally:
        os.close(fd)


def _read_open(fd: int, info: os.stat_result, path: Path, limit: int) -> bytes:
    """The bytes of the open regular file ``fd`` (its status ``info``), at most ``limit``."""
    try:
        if info.st_size > limit:
            raise usage_error("file.too_large", path=path, limit=limit // 2**20)
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise usage_error("file.too_large", path=path, limit=limit // 2**20)
        return b"".join(chunks)
    except OSError as exc:
        raise usage_error("file.cannot_read", path=path, reason=exc.strerror) from None


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor of the regular file ``path`` (no link followed, opened without blocking)
    and its status; raises UsageError for anything else (see read_capped)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise usage_error("file.missing", path=path) from None
    except OSError as exc:
        if Path(path).is_symlink():
            # A link can point at the reference solution or at another learner's file: the grader
            # would read it on the learner's behalf (SECURITY.md, "symbolic links").
            raise usage_error("file.symlink", path=path) from None
        raise usage_error("file.cannot_read", path=path, reason=exc.strerror) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise usage_error("file.directory", path=path)
        if not stat.S_ISREG(info.st_mode):
            raise usage_error("file.not_regular", path=path)
    except OSError as exc:
        os.close(fd)
        raise usage_error("file.cannot_read", path=path, reason=exc.strerror) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_text(path: Path) -> str:
    """Read a learner file as UTF-8 text; raises UsageError for unusable files."""
    return _decoded(read_capped(path, MAX_FILE_BYTES), path)


def read_notebook(path: Path) -> tuple[str, str]:
    """(the notebook's JSON text, its digest); raises UsageError for unusable files.

    A notebook of at most MAX_FILE_BYTES is read whole (as ``read_text`` reads a file). A larger
    one, up to NOTEBOOK_MAX_BYTES, is read a chunk at a time without its outputs and attachments,
    which the grader never reads (``notebook_outputs.without_outputs``): the rest must be within
    MAX_FILE_BYTES. Its digest is that of all its bytes (equal to ``text_digest`` of its whole text).
    """
    from grader.ingest.notebook_outputs import KeptTooLarge, without_outputs

    fd, info = _open_regular(path)
    try:
        if info.st_size <= MAX_FILE_BYTES:  # read whole, from the descriptor already open
            text = _decoded(_read_open(fd, info, path, MAX_FILE_BYTES), path)
            return text, text_digest(text)
        if info.st_size > NOTEBOOK_MAX_BYTES:
            raise UsageError(say("notebook.too_large", path=path, limit=NOTEBOOK_MAX_BYTES // 2**20,
                                 size=info.st_size // 2**20))
        read = 0

        def chunk(size: int) -> bytes:
            nonlocal read
            data = os.read(fd, size)
            read += len(data)
            if read > NOTEBOOK_MAX_BYTES:  # it grew while being read
                raise UsageError(say("notebook.too_large", path=path, limit=NOTEBOOK_MAX_BYTES // 2**20,
                                     size=read // 2**20))
            return data

        kept, digest = without_outputs(chunk, MAX_FILE_BYTES)
    except KeptTooLarge:
        raise UsageError(say("notebook.code_too_large", path=path, limit=MAX_FILE_BYTES // 2**20)) from None
    except OSError as exc:
        raise usage_error("file.cannot_read", path=path, reason=exc.strerror) from None
    finally:
        os.close(fd)
    return _decoded(kept, path), digest


def _decoded(data: bytes, path: Path) -> str:
    """``data`` as UTF-8 text; raises UsageError for a binary file or one that is not UTF-8."""
    if b"\x00" in data:
        raise usage_error("file.binary", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise usage_error("file.not_utf8", path=path, offset=exc.start) from None


def notebook_cells(text: str, path: Path) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell; raises UsageError for malformed notebooks."""
    if not text.strip():
        raise UsageError(say("notebook.empty", path=path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's reasons that end in " at" name the place after them: "Unterminated string starting at".
        reason = exc.msg[0].lower() + exc.msg[1:]
        reason = reason[:-3] + " here" if reason.endswith(" at") else reason
        raise UsageError(say("notebook.json", path=path, line=exc.lineno, column=exc.colno, reason=reason)) from None
    except RecursionError:
        raise UsageError(say("notebook.too_deep", path=path)) from None
    if not isinstance(data, dict):
        raise UsageError(say("notebook.not_object", path=path))
    if isinstance(data.get("cells"), list):
        cells = data["cells"]
        key = "source"
    elif isinstance(data.get("worksheets"), list):  # nbformat v3
        cells = [c for ws in data["worksheets"] if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
                 for c in ws["cells"]]
        key = "input"
    else:
        raise UsageError(say("notebook.no_cells", path=path))
    result = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get(key, cell.get("source", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if isinstance(source, str):
            result.append((number, source))
    return result


def read_source(path: Path) -> tuple[str, str]:
    """(text, digest) of a learner file: a notebook's as ``read_notebook`` reads it."""
    if path.suffix == ".ipynb":
        return read_notebook(path)
    text = read_text(path)
    return text, text_digest(text)


def text_digest(text: str) -> str:
    """The fingerprint of one file's text (what reports and the gradebook store)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SiblingModule:
    """A .py module next to the submitted files, read once: its bytes go into the sandbox and
    into the fingerprint, so what the learner's code can import is what the seed covers."""

    name: str
    data: bytes


def sibling_modules(paths: list[Path]) -> list[SiblingModule]:
    """The .py modules next to ``paths`` (not among them) that the submission may import: regular
    files of at most MAX_SIBLING_BYTES, MAX_SIBLINGS at most, each read once.  Links, FIFOs and
    devices are left out (see read_capped), and so are files that cannot be read."""
    found: list[SiblingModule] = []
    seen: set[str] = {p.name for p in paths}
    for folder in dict.fromkeys(p.parent for p in paths):
        for path in sorted(folder.glob("*.py")):
            if len(found) >= MAX_SIBLINGS:
                return found
            if path.name in seen:
                continue
            try:
                found.append(SiblingModule(path.name, read_capped(path, MAX_SIBLING_BYTES)))
            except UsageError:
                continue
            seen.add(path.name)
    return found
