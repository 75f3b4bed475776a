"""The sandboxed worker: the only process that ever runs learner code.

Started by ``SandboxWorker`` as a fresh interpreter (no memory shared with the
trusted process), it confines itself (limits, no network, Landlock) *before* it
compiles any learner code, loads the submitted definitions, then answers call
requests with plain data.  Nothing it sends is trusted by the other side.
"""

from __future__ import annotations

import copy
import io
import linecache
import marshal
import os
import sys
import traceback
import types
from typing import Any

import numpy  # (warm import: learner code finds it loaded)

from grader.sandbox import isolation
from grader.sandbox.failing_line import failing_line
from grader.sandbox.tracing import traced
from grader.sandbox.plain import PlainDataError, encode
from grader.sandbox.protocol import FrameReader, write_frame

OUTPUT_CAP = 64 * 1024


def _no_huge_pages() -> None:
    """Stop numpy asking for transparent huge pages for large arrays.

    A worker lives for one learner, so every large array is a first one, and there the
    kernel's page compaction costs ~250 ms for a 128 MB array (an (m, m) broadcast
    mistake), five times the allocation itself.
    """
    core = getattr(numpy, "_core", None) or getattr(numpy, "core", None)
    setter = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if callable(setter):
        setter(False)


_no_huge_pages()


class CappedText(io.TextIOBase):
    """A stdout/stderr stand-in that keeps the first OUTPUT_CAP characters of a call."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = OUTPUT_CAP - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... ({self.dropped} more characters of output were dropped)"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


def _join_cgroup(procs_file: str) -> list[isolation.Protection]:
    """Enter the pids cgroup the grader made for us (before any learner code exists to escape it)."""
    if not procs_file:
        return []
    try:
        with open(procs_file, "w") as procs:
            procs.write(str(os.getpid()))
    except OSError as exc:
        return [isolation.Protection("pids-cgroup", False, f"the worker could not join its pids cgroup ({exc})")]
    return []


def confine(setup: dict[str, Any], keep_fds: tuple[int, ...]) -> list[isolation.Protection]:
    """Apply every restriction; after this, learner code may run (the launcher already made this
    process die with its parent: launch.die_with_parent)."""
    joined = _join_cgroup(setup.get("cgroup_procs", ""))
    scratch = setup["scratch"]
    os.chdir(scratch)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    keep = sorted({0, 1, 2, *keep_fds})
    low = 3
    for fd in keep:
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 65536)
    limits = setup["limits"]
    # The interpreter runs with -S: in a virtual environment sys.prefix is then the base
    # Python's, so the import paths we were given (the venv's site-packages) are granted too.
    imports = [p for p in sys.path if p and os.path.isdir(p) and p not in setup["hide_paths"]]
    protections = isolation.confine(isolation.Policy(
        scratch=scratch, read_only=(*imports, *setup["read_only"]), memory_bytes=limits["memory_bytes"],
        cpu_seconds=limits["cpu_seconds"], file_size_bytes=limits["file_size_bytes"],
        max_processes=limits["max_processes"], scratch_bytes=limits["scratch_bytes"]))
    sys.path[:] = [scratch] + [p for p in sys.path if p and p not in setup["hide_paths"]]
    os.environ["HOME"] = scratch
    return joined + protections


def _code(unit: dict[str, Any]) -> types.CodeType:
    """The unit's code: compiled by the grader from the same text when it could (see
    compiling.compile_units), else compiled here (a SyntaxError then reports the unit)."""
    code = unit.get("code")
    if isinstance(code, bytes):
        try:
            loaded = marshal.loads(code)
        except (ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, types.CodeType):
            return loaded
    return compile("\n" * (unit["first_line"] - 1) + unit["source"], unit["filename"], "exec")


def _format_exception(exc: BaseException, learner_files: set[str]) -> dict[str, Any]:
    """Type, message and a traceback limited to the learner's own frames."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename in learner_files
    ]
    lines = []
    for frame in frames[-6:]:
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    message = str(exc)
    if len(message) > 2000:
        message = message[:2000] + "..."
    error = {"type": type(exc).__name__, "message": message, "traceback": "\n".join(lines)}
    try:
        where = failing_line(exc, learner_files)
    except Exception:  # noqa: BLE001 - a sketch is a help, never a reason to lose the error itself
        where = None
    if where is not None:
        error["where"] = where
    return error


class Worker:
    """Holds the learner's modules and answers requests."""

    def __init__(self, reader: FrameReader, fd_out: int) -> None:
        self.reader, self.fd_out = reader, fd_out
        self.modules: dict[str, types.ModuleType] = {}
        self.learner_files: set[str] = set()
        self.output = CappedText()

    def load(self, setup: dict[str, Any]) -> list[dict[str, Any]]:
        """Execute the kept definitions of every module; returns load notes."""
        notes: list[dict[str, str]] = []
        skip = set(setup.get("skip", []))
        self._remember_sources(setup["modules"])
        index = 0
        for spec in setup["modules"]:  # every file importable by the others before any of them runs
            module = types.ModuleType(spec["name"])
            module.__file__ = os.path.join(setup["scratch"], spec["name"] + ".py")
            self.modules[spec["name"]] = module
            sys.modules.setdefault(spec["name"], module)
        for spec in setup["modules"]:
            module = self.modules[spec["name"]]
            exec(setup["preamble"], module.__dict__)
            for unit in spec["units"]:
                index += 1
                if index in skip:
                    continue
                write_frame(self.fd_out, {"event": "unit", "index": index})
                note = self._exec_unit(module, unit)
                if note:
                    notes.append({"index": index, **note})
        for spec in setup["modules"]:  # names a file uses from another, as one notebook's cells would
            namespace = self.modules[spec["name"]].__dict__
            for name, source in spec.get("borrowed", {}).items():
                lender = self.modules.get(source)
                if name not in namespace and lender is not None and name in lender.__dict__:
                    namespace[name] = lender.__dict__[name]
        return notes

    def _remember_sources(self, modules: list[dict[str, Any]]) -> None:
        """Put every learner file's kept lines in linecache (tracebacks quote them), once."""
        files: dict[str, list[str]] = {}
        for spec in modules:
            for unit in spec["units"]:
                lines = files.setdefault(unit["filename"], [])
                mine = unit["source"].splitlines(True)
                start = unit["first_line"] - 1
                lines += ["\n"] * (start + len(mine) - len(lines))  # units arrive in any order
                lines[start : start + len(mine)] = mine
        for filename, lines in files.items():
            self.learner_files.add(filename)
            linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)

    def _exec_unit(self, module: types.ModuleType, unit: dict[str, Any]) -> dict[str, Any] | None:
        try:
            exec(_code(unit), module.__dict__)
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything, SystemExit included
            error = _format_exception(exc, self.learner_files)
            kind = "import-failed" if isinstance(exc, ImportError) else "load-error"
            what = "import failed and was skipped" if kind == "import-failed" else "raised while loading and was skipped"
            return {
                "kind": kind,
                "message": f"{what}: {error['type']}: {error['message']}",
            }
        finally:
            self.output.take()
        return None

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        reply = self._answer(request)
        reply["nonce"] = request.get("nonce")  # the client accepts a reply to this call only
        return reply

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        module = self.modules.get(request["module"])
        function = getattr(module, request["function"], None) if module else None
        if not callable(function):
            return {"ok": False, "fault": "not-found",
                    "error": {"type": "NotFound", "message": request["function"], "traceback": ""}}
        args, kwargs = request["args"], request["kwargs"]
        repeat = max(1, int(request.get("repeat", 1)))
        pristine = copy.deepcopy((args, kwargs)) if repeat > 1 else None
        trace = None
        try:
            if request.get("trace"):  # a failing check asks where the values went wrong (tracing.py)
                value, trace = traced(function, args, kwargs, self.learner_files)
            for run in range(repeat if trace is None else 0):
                if run:
                    args, kwargs = copy.deepcopy(pristine)  # type: ignore[misc]
                value = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            return {"ok": False, "fault": "raised", "error": _format_exception(exc, self.learner_files),
                    "stdout": self.output.take()}
        reply: dict[str, Any] = {"ok": True, "stdout": self.output.take()}
        if trace is not None:
            reply["trace"] = trace
        converted: list[str] = []
        try:
            reply["value"] = encode(value, converted) if request.get("want_value", True) else encode(None)
            if request.get("return_args"):
                reply["args_after"] = encode([list(args), kwargs])
            if converted:
                reply["converted"] = converted[:8]
        except PlainDataError as exc:
            return {"ok": False, "fault": "unsupported",
                    "error": {"type": "UnsupportedReturn", "message": str(exc), "traceback": ""}}
        return reply

    def serve(self) -> None:
        while True:
            request = self.reader.read_frame()
            if request.get("op") == "exit":
                return
            write_frame(self.fd_out, self.call(request))


def _fresh_random_state() -> None:
    """A worker forked from a zygote that imported numpy.random would start from the
    zygote's global random state, the same for every learner: draw a fresh one, as a
    worker that imports numpy.random itself does."""
    random = sys.modules.get("numpy.random")
    if random is not None:
        random.seed()


def main(fd_in: int, fd_out: int) -> None:
    _fresh_random_state()
    reader = FrameReader(fd_in)
    setup = reader.read_frame()
    protections = confine(setup, (fd_in, fd_out))
    # The one frame the grader believes about the sandbox: written before any learner code
    # exists in this process (everything after it could be forged by that code, see frames.py).
    write_frame(fd_out, {"event": "confined", "protections": isolation.describe(protections)})
    worker = Worker(reader, fd_out)
    sys.stdout = sys.stderr = worker.output
    notes = worker.load(setup)
    write_frame(fd_out, {"event": "ready", "notes": notes})
    worker.serve()
    os._exit(0)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
