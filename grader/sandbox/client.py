"""The trusted side of the sandbox: start a worker, send calls, enforce wall time.

A worker that times out, crashes or exceeds a limit is killed with its whole
process group; the next call starts a fresh one with the same definitions, so one
bad function never costs the others their points.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.sandbox import frames
from grader.sandbox.cgroup import PidsCgroup, shared_cgroup
from grader.sandbox.frames import ProtocolError
from grader.sandbox.launch import GRADER_PARENT, Launcher, SpawnLauncher, WorkerProcess
from grader.sandbox.plain import PlainDataError, decode
from grader.sandbox.sketches import FailingLine
from grader.sandbox.traces import Trace
from grader.sandbox.protocol import ChannelClosed, FrameReader, FrameTimeout, write_frame

if TYPE_CHECKING:
    from grader.ingest.reading import SiblingModule

GRADER_PACKAGE = Path(GRADER_PARENT) / "grader"
PIPE_BYTES = 1024 * 1024
MAX_REPLY_BYTES = 64 * 1024 * 1024
MAX_LOAD_FRAME_BYTES = 1024 * 1024  # a unit's progress, or the notes of every unit
MAX_VIOLATIONS = 3


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (per call: wall time; per worker: the rest)."""

    call_seconds: float = 10.0
    load_seconds: float = 20.0
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 300
    file_size_bytes: int = 16 * 1024**2
    # Everything written to the scratch folder together (a tmpfs of this size, see layers/scratch.py).
    scratch_bytes: int = 64 * 1024**2
    max_processes: int = 64
    # Wall time of the whole submission (loads, restarts and calls): past it, calls are not run.
    # Without it, units that each stay under load_seconds, reloaded after every crash, could hold a
    # grading process for hours.
    total_seconds: float = 300.0

    def memory_text(self) -> str:
        return f"{self.memory_bytes / 1024**3:g} GB"

    def confinement(self) -> dict[str, int]:
        """The limits a worker confines itself with (isolation.Policy's fields; grade doctor uses them too)."""
        return {"memory_bytes": self.memory_bytes, "cpu_seconds": self.cpu_seconds,
                "file_size_bytes": self.file_size_bytes, "scratch_bytes": self.scratch_bytes,
                "max_processes": self.max_processes}


# What happened to a call, as the trusted side knows it (CallOutcome.kind).  Only "raised"
# comes with an exception type, and that type is the learner's to choose: it names what
# the code raised, never a cause the grader observed.
VALUE, RAISED, NOT_FOUND, UNSUPPORTED = "value", "raised", "not-found", "unsupported"
TIMEOUT, DIED, PROTOCOL = "timeout", "died", "protocol"


@dataclass
class CallOutcome:
    """What happened to one call: a value, or a fault ``kind`` with a message."""

    ok: bool
    kind: str = VALUE
    value: Any = None
    args_after: Any = None
    seconds: float = 0.0
    stdout: str = ""
    error_type: str = ""
    message: str = ""
    traceback: str = ""
    timed_out: bool = False
    converted: tuple[str, ...] = ()  # parts of the value that were a numpy.matrix
    where: FailingLine | None = None  # for "raised": the learner's line that raised, with its values
    trace: Trace | None = None  # when the call asked for one: the values its lines assigned


@dataclass
class WorkerStatus:
    notes: list[dict[str, Any]] = field(default_factory=list)
    protections: dict[str, str] = field(default_factory=dict)


class WorkerDied(Exception):
    """The worker ended without answering; ``message`` says how, for the learner."""


class ProtocolBroken(WorkerDied):
    """The worker sent what the protocol does not allow: learner code wrote into the pipe."""


def _widen_pipe(fd: int) -> None:
    """Let a 1 MB frame (arrays of a few thousand examples) pass in one write, not 16 hand-overs."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass  # the default 64 KB pipe works the same, with more round trips


class SandboxWorker:
    """A restartable sandboxed worker process holding one submission's definitions."""

    def __init__(self, limits: Limits | None = None, launcher: Launcher | None = None) -> None:
        self.limits = limits or Limits()
        self.launcher = launcher or SpawnLauncher()
        self._scratch: Path | None = None  # made when first needed, inside the with-block that removes it
        self.modules: list[dict[str, Any]] = []
        self.preamble = "import numpy as np\n"
        self.skip: list[int] = []  # units (1-based) that hung or killed the worker while loading
        self.hang_notes: list[dict[str, Any]] = []
        self.cgroup: PidsCgroup | None = None
        self.cgroup_state = ""
        self.status = WorkerStatus()
        self.proc: WorkerProcess | None = None
        self._loaded = False  # the current process has been sent the definitions
        self._confined = False  # the current process has reported its protections
        self._ready = False
        self.violations: list[str] = []  # each time learner code broke the protocol
        self._repeat = 1
        self.spawned_at = 0.0
        self.boot_seconds = 0.0  # spawn to ready, of the latest worker process
        self.budget_deadline = time.monotonic() + self.limits.total_seconds

    @property
    def scratch(self) -> Path:
        """The worker's own folder beneath the temporary directory. Its name is kept before the folder is
        made, so that an interrupt at any moment leaves nothing ``close`` does not remove."""
        if self._scratch is None:
            self._scratch = Path(tempfile.gettempdir()) / f"dl-grader-{secrets.token_hex(8)}"
            self._scratch.mkdir(mode=0o700)
        return self._scratch

    # -- lifecycle -------------------------------------------------------

    def load(self, modules: list[dict[str, Any]], *, preamble: str = "import numpy as np\n",
             siblings: Sequence[SiblingModule] = ()) -> None:
        """Give the worker the submission's definitions (spawning it if needed); does not wait.

        siblings: modules the submission may import, as the grader read them (and fingerprinted
        them): their bytes are written into the scratch folder, nothing is read again from disk.
        """
        self.modules, self.preamble = modules, preamble
        for module in siblings:
            if "/" not in module.name and module.name not in ("", ".", ".."):
                (self.scratch / module.name).write_bytes(module.data)
        if self.proc is None:
            self.start()
        self._send_setup()

    def start(self) -> None:
        """Start the worker process; it imports numpy (or is forked warm) while this process carries on."""
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        for fd in (to_worker_w, from_worker_w):
            _widen_pipe(fd)
        self._prepare_cgroup()
        self.proc = self.launcher.launch(to_worker_r, from_worker_w, self.scratch)
        os.close(to_worker_r)
        os.close(from_worker_w)
        os.set_blocking(to_worker_w, False)  # writes take a deadline: a worker that stops reading cannot hang us
        self.fd_out, self.fd_in = to_worker_w, from_worker_r
        self.reader = FrameReader(from_worker_r)
        self._ready = self._loaded = self._confined = False
        self.spawned_at = time.perf_counter()

    def _prepare_cgroup(self) -> None:
        """This process's pids cgroup, with room for this worker (set before the worker exists)."""
        if self.cgroup is None and not self.cgroup_state:
            self.cgroup, detail = shared_cgroup(self.limits.max_processes)
            self.cgroup_state = f"active: {detail}" if self.cgroup else f"INACTIVE: {detail}"
        if self.cgroup is not None:
            self.cgroup.set_max(self.limits.max_processes + len(self.launcher.cgroup_residents))

    def _cgroup_to_join(self) -> str:
        """The cgroup.procs file the worker must enter before it confines itself ("" when a
        launcher forks inside the cgroup already). Moving a process costs ~15 ms of cgroupfs
        work: the worker does it itself, while this process imports the checks."""
        if self.cgroup is None or self.launcher.cgroup_residents:
            return ""
        return str(self.cgroup.path / "cgroup.procs")

    def _send_setup(self) -> None:
        self._loaded = True
        self._write({
            "scratch": str(self.scratch),
            "cgroup_procs": self._cgroup_to_join(),
            "read_only": [str(GRADER_PACKAGE)],
            "hide_paths": [GRADER_PARENT],  # where the worker imported the grader from: not for learners
            "limits": self.limits.confinement(),
            "preamble": self.preamble,
            "modules": self.modules,
            "skip": self.skip,
        }, self.limits.load_seconds)

    def ensure_ready(self) -> None:
        """Wait for the worker to finish loading; restart past units that hang or kill it.

        Raises WorkerDied when it cannot (ProtocolBroken when learner code forged frames).
        """
        if self.broken:
            raise ProtocolBroken(self.broken)
        for _attempt in range(4):
            if self.proc is None:
                self.start()
            if not self._loaded:
                self._send_setup()
            if self._ready:
                return
            current = 0
            # One deadline for the whole load, not one per unit: 1000 units that each sleep just
            # under load_seconds must not hold the grader for hours.
            deadline = min(time.monotonic() + self.limits.load_seconds, self.budget_deadline)
            try:
                if not self._confined:
                    protections = frames.read_confined(self._read(self.limits.load_seconds, deadline=deadline,
                                                                  max_bytes=MAX_LOAD_FRAME_BYTES))
                    self.status.protections = {"pids-cgroup": self.cgroup_state, **protections}
                    self._confined = True
                units = sum(len(m.get("units", [])) for m in self.modules)
                while True:
                    if time.monotonic() >= self.budget_deadline:
                        raise WorkerDied(self._budget_spent())
                    event = frames.read_load_event(self._read(self.limits.load_seconds, deadline=deadline,
                                                              max_bytes=MAX_LOAD_FRAME_BYTES), units)
                    if not event.ready:
                        current = event.unit
                        continue
                    self.status.notes = self.hang_notes + list(event.notes)
                    self._ready = True
                    self.boot_seconds = time.perf_counter() - self.spawned_at
                    return
            except ProtocolError as error:
                self._break(str(error))
            except WorkerDied as died:
                self.kill()
                if not current or time.monotonic() >= self.budget_deadline:
                    raise
                if self.hang_notes:  # the second unit that stops loading: give up on the rest of the file
                    total = sum(len(m.get("units", [])) for m in self.modules)
                    self.skip += [i for i in range(current, total + 1) if i not in self.skip]
                    what = "was skipped, with every definition after it (loading had already been stopped once)"
                else:
                    self.skip.append(current)
                    what = "was skipped"
                self.hang_notes.append({"index": current, "kind": "load-hang",
                                        "message": f"stopped the worker while loading ({died}) and {what}"})
        raise WorkerDied("the submission could not be loaded (it kept crashing the worker)")

    def _break(self, reason: str) -> None:
        """Learner code forged or garbled a frame: kill the worker (the next call starts a fresh
        one, as after a crash); past MAX_VIOLATIONS, run nothing more of this submission."""
        self.kill()
        message = f"broke the grading protocol: it {reason}"
        self.violations.append(message)
        raise ProtocolBroken(message)

    @property
    def broken(self) -> str:
        """Why no call of this submission runs any more (it broke the protocol MAX_VIOLATIONS times), or ""."""
        return self.violations[-1] if len(self.violations) >= MAX_VIOLATIONS else ""

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:  # a worker killed before its own setsid() is no group leader yet: the wait below would hang
                os.kill(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()  # reaped first, so the sweep below usually finds the cgroup empty at once
            if self.cgroup is not None:
                # also what left the process group (setsid, double fork); never the launcher's own processes
                self.cgroup.kill_all(keep=self.launcher.cgroup_residents)
            for fd in (self.fd_in, self.fd_out):
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.proc = None
        self._ready = self._loaded = self._confined = False

    def close(self) -> None:
        try:
            if self.proc is not None and self._ready:
                try:
                    write_frame(self.fd_out, {"op": "exit"}, deadline=time.monotonic() + 0.5)
                except (OSError, FrameTimeout):
                    pass
            self.kill()
        finally:  # an interrupt while the worker is stopped still removes its folder
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> SandboxWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls -----------------------------------------------------------

    def _write(self, message: dict[str, Any], timeout: float) -> None:
        try:
            write_frame(self.fd_out, message, deadline=time.monotonic() + timeout)
        except FrameTimeout:
            raise WorkerDied(f"timed out after {timeout:g} s (it stopped reading)") from None
        except OSError:
            raise WorkerDied(self._death_reason()) from None

    def _budget_spent(self) -> str:
        return f"could not run: the submission used up its grading time ({self.limits.total_seconds:g} s in all)"

    def _read(self, timeout: float, deadline: float | None = None, max_bytes: int = MAX_REPLY_BYTES) -> Any:
        """One frame within ``timeout`` seconds (or by ``deadline``, which the message then names)."""
        assert self.proc is not None
        try:
            return self.reader.read_frame(deadline=deadline or time.monotonic() + timeout, max_bytes=max_bytes)
        except FrameTimeout:
            raise WorkerDied(f"timed out after {timeout:g} s") from None
        except ChannelClosed:
            raise WorkerDied(self._death_reason()) from None
        except PlainDataError as exc:
            raise ProtocolError(f"sent malformed data ({exc})") from None

    def _death_reason(self) -> str:
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "closed its output"
        if code < 0:
            sig = signal.Signals(-code)
            if sig == signal.SIGXCPU:
                return f"used more than {self.limits.cpu_seconds} s of CPU time"
            if sig == signal.SIGXFSZ:
                return f"wrote a file larger than {self.limits.file_size_bytes // 2**20} MB"
            if sig == signal.SIGSEGV:
                return "crashed with a segmentation fault (often: recursion too deep)"
            if sig == signal.SIGKILL:
                return f"was killed (likely used more than {self.limits.memory_text()} of memory)"
            return f"was killed by signal {sig.name}"
        return f"exited with status {code} (sys.exit / os._exit / exit() inside the code?)"

    def call(self, module: str, function: str, args: list[Any], kwargs: dict[str, Any] | None = None,
             *, return_args: bool = False, repeat: int = 1, want_value: bool = True,
             timeout: float | None = None, trace: bool = False) -> CallOutcome:
        """Run ``module.function(*args, **kwargs)`` in the sandbox; never raises for learner faults."""
        timeout = timeout or self.limits.call_seconds
        if self.broken:
            return CallOutcome(ok=False, kind=PROTOCOL, message=self.broken)
        if time.monotonic() >= self.budget_deadline:
            return CallOutcome(ok=False, kind=DIED, message=self._budget_spent())
        nonce = secrets.randbits(64)
        try:
            self.ensure_ready()
            started = time.perf_counter()
            self._write({
                "op": "call", "nonce": nonce, "module": module, "function": function, "args": list(args),
                "kwargs": kwargs or {}, "return_args": return_args, "repeat": repeat,
                "want_value": want_value, **({"trace": True} if trace else {}),
            }, timeout)
            self._repeat = max(1, repeat)
            try:
                reply = frames.read_reply(self._read(timeout * self._repeat), nonce)
            except ProtocolError as error:
                self._break(str(error))
        except ProtocolBroken as broken:
            return CallOutcome(ok=False, kind=PROTOCOL, message=str(broken))
        except WorkerDied as died:
            timed_out = str(died).startswith("timed out")
            self.kill()
            return CallOutcome(ok=False, kind=TIMEOUT if timed_out else DIED, message=str(died),
                               timed_out=timed_out)
        return self._outcome(reply, time.perf_counter() - started)

    def _outcome(self, reply: frames.CallReply, elapsed: float) -> CallOutcome:
        if not reply.ok:
            return CallOutcome(ok=False, kind=reply.fault, stdout=reply.stdout, error_type=reply.error_type,
                               message=reply.message, traceback=reply.traceback, where=reply.where)
        try:
            value = decode(reply.value)
            args_after = decode(reply.args_after) if reply.args_after is not None else None
        except PlainDataError as exc:
            return CallOutcome(ok=False, kind=UNSUPPORTED, message=f"malformed result ({exc})")
        # Timing is measured here: a worker could report any number it likes.
        return CallOutcome(ok=True, value=value, args_after=args_after, seconds=elapsed / self._repeat,
                           stdout=reply.stdout, converted=reply.converted, trace=reply.trace)
