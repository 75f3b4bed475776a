"""Grading for the course server: a dispatcher thread that claims queued submissions and a pool
of grading processes (or a Dask cluster) that grades them, as ``grade batch`` does.

The server's own process never runs learner code, and its HTTP side never waits for grading:
the dispatcher is a thread of its own, and each grading process keeps a warm zygote that forks a
fresh sandbox per submission (same protections, same reports as ``grade submit``). Grading
processes come from a forkserver started before the server serves, so each is a clean fork of a
process that has the grader and numpy loaded, not of the server with its threads.
"""

from __future__ import annotations

import logging
import os
import re
import select
import signal
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import Engine

from grader.course import queue
from grader.course.config import CourseConfig
from grader.course.policy import scored

log = logging.getLogger("grader.server")


def _start_grading_process(scratch: str, server_pid: int, counter=None, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    """Pool initializer: end with the server, however it ends; keep a warm zygote; keep to one CPU
    and freeze what is loaded after the first submission, as grade batch's processes do.

    The process's parent is the forkserver, which outlives a killed server for as long as its
    children hold the descriptor it watches: so each grading process watches the server itself.
    Its zygote is ``batch._launcher``, as in a batch's grading process, and it leaves the same way
    (``batch._leave``: the zygote, then what is left in its pids cgroup).
    """
    from grader.classroom import batch
    from grader.sandbox.launch import ZygoteLauncher, die_with_parent

    die_with_parent(os.getppid())
    _end_with(server_pid)
    from grader.messages import set_language

    set_language(lang)  # before any check loads: their sentences are said in it
    if counter is not None:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        batch._pin(index)
        batch._settled = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, batch._leave)
    tempfile.tempdir = scratch
    batch._launcher = ZygoteLauncher(Path(scratch))


def _end_with(pid: int) -> None:
    """Leave (as on SIGTERM) as soon as process ``pid`` has ended: a thread waits on its pidfd."""
    from grader.classroom.batch import _leave

    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        _leave(0, None)
        return
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): ask every half second
        def poll() -> None:
            while True:
                time.sleep(0.5)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    _leave(0, None)
                except PermissionError:
                    pass

        threading.Thread(target=poll, daemon=True, name="dl-grader-server-watch").start()
        return

    def wait() -> None:
        select.select([handle], [], [])
        _leave(0, None)

    threading.Thread(target=wait, daemon=True, name="dl-grader-server-watch").start()


SAFE_NAME = re.compile(r"[\w()\[\] .+-]{1,120}\.(py|ipynb)")


def safe_name(name: str) -> str | None:
    """A learner's file name as the server writes it, or None: its last part only, made of letters
    (any script), digits, spaces and ``_ ( ) [ ] . + -``, not starting with a dot, ending .py or .ipynb."""
    last = PurePosixPath(name.replace("\\", "/")).name
    if last.startswith(".") or not SAFE_NAME.fullmatch(last):
        return None
    return last


def grade_files(exercise_root: str, learner: str, files: list[tuple[str, bytes]], seed_secret: bytes,
                lang: str | None = None) -> dict | str:
    """In a grading process: the learner's files in a private folder, graded; the report dict, or
    the one-line reason there is no grade. ``lang`` (a Dask worker, which grades in every language)
    switches the message layer first; a local grading process speaks its pool's language."""
    from grader.classroom import batch

    if lang is not None:
        from grader.messages import set_language

        set_language(lang)
    from grader.classroom.learners import Learner

    if batch._launcher is None:  # a Dask worker: its first submission starts its zygote
        from grader.sandbox.launch import ZygoteLauncher

        batch._launcher = ZygoteLauncher()
    before = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="dl-grader-serve-") as folder:
        paths = []
        for name, data in files:
            path = Path(folder, name)
            path.write_bytes(data)
            paths.append(path)
        os.chdir(folder)  # reports name the files as the learner did, not by this folder
        try:
            _, result = batch.grade_learner(exercise_root, Learner(learner, tuple(paths), True, seed_secret))
        finally:
            os.chdir(before)
    return result


@dataclass
class Running:
    claim: queue.Claim
    future: Future
    started: float = field(default_factory=time.monotonic)


class Dispatcher:
    """Claims submissions and grades them on ``workers`` processes; records each result once."""

    def __init__(self, engine: Engine, course: CourseConfig, seed_secret: bytes, *, workers: int = 2,
                 lease_seconds: float = 60.0, dask: str | None = None, poll_seconds: float = 0.2) -> None:
        self.engine, self.course, self.seed_secret = engine, course, seed_secret
        self.workers, self.lease_seconds, self.poll_seconds = max(1, workers), lease_seconds, poll_seconds
        self.server_id = f"{os.uname().nodename[:30]}-{os.getpid()}-{os.urandom(4).hex()}"
        self.dask_address = dask
        self.running: dict[int, Running] = {}
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.scratch = tempfile.mkdtemp(prefix="dl-grader-server-")
        self.pools: dict[str, ProcessPoolExecutor] = {}  # one per language the feedback is written in
        self.dask = None
        self.thread = threading.Thread(target=self._loop, name="dl-grader-dispatcher", daemon=True)
        self.graded = 0

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.dask_address:
            from distributed import Client

            self.dask = Client(self.dask_address, timeout=10)
        else:
            self.pool_for("en")  # English is warm from the start; another language's pool starts when needed
        self.thread.start()

    @property
    def pool(self) -> ProcessPoolExecutor | None:
        return self.pools.get("en")

    def pool_for(self, lang: str) -> ProcessPoolExecutor:
        if lang not in self.pools:
            self.pools[lang] = self._new_pool(lang)
        return self.pools[lang]

    def _new_pool(self, lang: str = "en") -> ProcessPoolExecutor:
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["grader.classroom.batch", "grader.server.grading"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_start_grading_process,
                                   initargs=(self.scratch, os.getpid(), context.Value("i", 0), lang))

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout=15)
        for running in list(self.running.values()):  # unfinished: back to the queue for the next server
            queue.release(self.engine, running.claim)
        for pool in self.pools.values():
            for process in list((pool._processes or {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        if self.dask is not None:
            self.dask.close()
        import shutil

        shutil.rmtree(self.scratch, ignore_errors=True)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive() and not self.stopping.is_set()

    # -- the loop --------------------------------------------------------------------------------

    def _loop(self) -> None:
        renewed = time.monotonic()
        while not self.stopping.is_set():
            try:
                self._collect()
                # Two per process, as grade batch does: a process finishing one starts the next at once.
                while len(self.running) < 2 * self.workers and not self.stopping.is_set():
                    claim = queue.claim(self.engine, self.server_id, self.lease_seconds)
                    if claim is None:
                        break
                    self._submit(claim)
                if time.monotonic() - renewed > self.lease_seconds / 3:
                    queue.renew(self.engine, self.server_id, self.lease_seconds)
                    renewed = time.monotonic()
            except Exception:  # the database went away for a moment: try again shortly
                log.exception("grading dispatcher")
                time.sleep(1.0)
            self.wake.wait(self.poll_seconds)
            self.wake.clear()

    def _submit(self, claim: queue.Claim) -> None:
        entry = self.course.exercise(claim.exercise)
        files = [(name, data) for name, data in claim.files if safe_name(name) == name]
        if entry is None or not files:
            queue.fail(self.engine, claim, _said(claim, "server.grading.not_in_course") if entry is None
                       else _said(claim, "server.grading.no_gradable_file"))
            return
        from grader.course.accounts import account

        owner = account(self.engine, id=claim.account_id)
        learner = owner.login if owner else f"account-{claim.account_id}"
        args = (str(entry.root), learner, files, self.seed_secret)
        if self.dask is not None:
            future = self.dask.submit(grade_files, *args, claim.lang, pure=False)
        else:
            try:
                future = self.pool_for(claim.lang).submit(grade_files, *args)
            except BrokenProcessPool:
                self.pools[claim.lang] = self._new_pool(claim.lang)
                future = self.pools[claim.lang].submit(grade_files, *args)
        future.add_done_callback(lambda _done: self.wake.set())  # collect it now, not at the next poll
        self.running[claim.seq] = Running(claim, future)

    def _collect(self) -> None:
        broken = False
        for seq, running in list(self.running.items()):
            if not running.future.done():
                continue
            del self.running[seq]
            claim = running.claim
            try:
                result = running.future.result()
            except BrokenProcessPool:
                broken = True
                self._retry_or_fail(claim, "server.grading.died")
                continue
            except Exception as exc:  # a grader error: the learner is not to blame
                log.exception("grading submission %s", claim.id)
                self._retry_or_fail(claim, "server.grading.crashed", error=type(exc).__name__)
                continue
            if isinstance(result, str):
                queue.fail(self.engine, claim, result)
                continue
            entry = self.course.exercise(claim.exercise)
            late = queue.late_days(self.engine, claim.seq)
            points = result.get("total", {}).get("points", 0.0)
            if queue.finish(self.engine, claim, result, scored(entry, points, late) if entry else points,
                            result.get("total", {}).get("max_points", 0.0)):
                self.graded += 1
        if broken:  # a pool whose process died is broken for good: start that language's again
            for lang, pool in list(self.pools.items()):
                if getattr(pool, "_broken", False):
                    pool.shutdown(wait=False, cancel_futures=True)
                    self.pools[lang] = self._new_pool(lang)

    def _retry_or_fail(self, claim: queue.Claim, message_id: str, **fields: object) -> None:
        """Back to the queue, or failed for good (saying ``message_id``) after its last try."""
        if claim.tries >= queue.MAX_TRIES:
            queue.fail(self.engine, claim, _said(claim, message_id, **fields))
        else:
            queue.release(self.engine, claim)


def _said(claim: queue.Claim, message_id: str, **fields: object) -> str:
    """Why a submission failed, said in its feedback's language (it is kept, and shown as it is)."""
    from grader.messages import say, speaking

    with speaking(claim.lang):
        return say(message_id, **fields)
