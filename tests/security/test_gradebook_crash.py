"""The gradebook under stress: many concurrent writers, kill -9 at random points of a ``grade batch``
(and of a migration), and schema versions. Complements tests/test_gradebook.py (storage, WAL,
migrations in order, a failed migration, a newer file, two concurrent writers).

After every crash the file must pass ``PRAGMA integrity_check``, hold no duplicate
(exercise, learner, submission_sha256) row, and let the batch resume to a complete class.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from report_factory import make_minimal_report, make_report

from grader.classroom import gradebook
from grader.classroom.gradebook import Gradebook, GradebookError

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "week2"
MISTAKES = ROOT / "tests" / "fixtures" / "week2" / "mistakes"
TESTS = ROOT / "tests"


def consistent(book: Path) -> list[tuple[str, str, str]]:
    """Integrity ok and no duplicate (exercise, learner, sha); returns those keys.

    A batch killed while it was making the gradebook leaves an SQLite file with no table yet (the
    layout is created in one transaction): an empty gradebook, which the next run makes whole."""
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'submissions'").fetchall():
            assert db.execute("PRAGMA user_version").fetchone() == (0,), "a versioned gradebook lost its table"
            return []
        rows = db.execute("SELECT exercise, learner, submission_sha256 FROM submissions").fetchall()
        for (report_json,) in db.execute("SELECT report_json FROM submissions"):
            json.loads(report_json)  # every stored report is whole
    assert len(rows) == len(set(rows)), "a submission was recorded twice"
    return rows


# -- concurrent writers ------------------------------------------------------------------------------


def _hammer(path: str, worker: int, count: int, start) -> None:  # type: ignore[no-untyped-def]
    start.wait(60)
    rng = random.Random(worker)
    with Gradebook(path) as gb:
        for i in range(count):
            report = make_report(learner=f"w{worker}-{i % 7}", seed=i, submission_sha256=f"{worker:02x}{i:062x}")
            gb.record(report)
            if rng.random() < 0.3:  # readers interleave with writers
                assert gb.latest(report.exercise, report.learner) is not None
                assert gb.find(report.exercise, report.learner, report.submission_sha256) is not None


@pytest.mark.parametrize("writers, count", [(6, 40)])
def test_many_processes_recording_at_once_never_corrupt_it(tmp_path: Path, writers: int, count: int) -> None:
    """Six processes open a fresh file at the same moment (creation, WAL switch and migration race)
    and record full reports while reading: every row is there, once, and readable."""
    book = tmp_path / "gradebook.sqlite"
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(writers)
    procs = [ctx.Process(target=_hammer, args=(str(book), w, count, start)) for w in range(writers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0] * writers
    rows = consistent(book)
    assert len(rows) == writers * count
    with Gradebook(book) as gb:
        assert gb.version == gradebook.GRADEBOOK_VERSION
        for w in range(writers):
            latest = gb.latest("week2/logistic_regression", f"w{w}-0")
            assert latest is not None and latest.learner == f"w{w}-0"


# -- kill -9 during `grade batch` ------------------------------------------------------------------------


def make_class(folder: Path, size: int) -> Path:
    folder.mkdir()
    sources = [ROOT / "solutions" / "week2" / "logistic_regression.py", *sorted(MISTAKES.glob("*.py"))]
    for i in range(size):
        shutil.copy(sources[i % len(sources)], folder / f"learner{i:02d}.py")
    (folder / "zoe").mkdir()
    for part in (ROOT / "solutions" / "week2").glob("*.py"):
        shutil.copy(part, folder / "zoe" / part.name)
    return folder


def _batch_command(folder: Path, book: Path) -> list[str]:
    command = shutil.which("grade")
    prefix = [command] if command else [sys.executable, "-m", "grader.cli"]
    return [*prefix, "batch", str(EXERCISE), str(folder), "--gradebook", str(book), "--jobs", "2"]


def _start_batch(folder: Path, book: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_batch_command(folder, book), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _survivors(marker: str, scratch_root: Path) -> list[int]:
    """Processes whose command line mentions ``marker`` (the batch and its forked grading processes)
    or that work beneath ``scratch_root`` (the sandboxes); zombies aside."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state in ("Z", "X"):
                    continue
                if (marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes()
                        or os.readlink(f"/proc/{entry}/cwd").startswith(str(scratch_root) + os.sep)):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _count(book: Path) -> int:
    try:
        with sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def kill_batch_at_random_points(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    folder = make_class(tmp_path / f"class-{seed}", size=10)
    book = tmp_path / "gradebook.sqlite"
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "dumb"}
    for round_ in range(kills):
        proc = _start_batch(folder, book, env)
        # Half the kills at a random time (start-up, opening the gradebook...), half once a random
        # number of learners is recorded (always in the middle of grading).
        if round_ % 2 == 0:
            delay = rng.uniform(0.05, 1.5)
            time.sleep(delay)
            where = f"after {delay:.2f} s"
        else:
            target = _count(book) + rng.randint(1, 3)
            while _count(book) < target and proc.poll() is None:
                time.sleep(0.01)
            where = f"at {_count(book)} rows"
        _kill_and_check(proc, {}, folder, tmp_path, book, f"round {round_} (kill {where}, seed {seed})")
    finished = subprocess.run(_batch_command(folder, book), cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    rows = consistent(book)
    assert sorted(learner for _, learner, _ in rows) == sorted([f"learner{i:02d}" for i in range(10)] + ["zoe"])
    again = subprocess.run(_batch_command(folder, book), cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert "graded 0, already up to date 11" in again.stdout, again.stdout
    assert len(consistent(book)) == 11


def test_kill_9_at_random_points_of_a_batch_leaves_a_consistent_gradebook(tmp_path: Path) -> None:
    kill_batch_at_random_points(tmp_path, kills=4, seed=int(os.environ.get("DLG_KILL_SEED", "6")))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_kill_9_at_random_points_of_a_batch_many_times(tmp_path: Path, seed: int) -> None:
    kill_batch_at_random_points(tmp_path, kills=8, seed=seed)


# -- kill -9 during start-up ------------------------------------------------------------------------
# The batch forks its grading processes, each starts a zygote, each zygote forks a sandbox: a kill
# between a fork and the moment the new process asks to die with its parent used to leave grading
# processes behind for good (orphans waiting on the pool's queue). Each process now asks first, then
# checks that its parent is still the one that started it.


def _live_processes() -> dict[int, tuple[int, str, bytes]]:
    """pid -> (parent pid, start time, command line) of every live process (zombies aside)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] not in ("Z", "X"):
                    found[int(entry)] = (int(fields[1]), fields[19], Path(f"/proc/{entry}/cmdline").read_bytes())
            except OSError:
                continue
    return found


def _descendants(root: int, processes: dict[int, tuple[int, str, bytes]]) -> dict[int, tuple[int, str, bytes]]:
    found: dict[int, tuple[int, str, bytes]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, info in processes.items():
            if info[0] == parent and pid not in found:
                found[pid] = info
                frontier.append(pid)
    return found


def _zygotes(tree: dict[int, tuple[int, str, bytes]]) -> set[int]:
    return {pid for pid, (parent, _, cmdline) in tree.items()
            if b"zygote_main" in cmdline and b"zygote_main" not in tree.get(parent, (0, "", b""))[2]}


# What has just appeared when the batch is killed: each is the moment a process was forked and has
# to set itself up to die with its parent.
START_UP = {
    "grading process": lambda tree, new_records: any(b"zygote_main" not in cmdline for _, _, cmdline in tree.values()),
    "zygote": lambda tree, new_records: bool(_zygotes(tree)),
    "sandbox": lambda tree, new_records: any(parent in _zygotes(tree) for parent, _, _ in tree.values()),
    "first record": lambda tree, new_records: new_records > 0,
}


def _kill_and_check(proc: subprocess.Popen[bytes], seen: dict[int, tuple[int, str, bytes]], folder: Path,
                    scratch_root: Path, book: Path, when: str) -> None:
    """SIGKILL the batch alone: 10 s later, no process is left of those seen in its tree, of those
    naming its class folder, of those working beneath ``scratch_root``; the gradebook is consistent."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    def alive() -> list[int]:
        now = _live_processes()
        tracked = [pid for pid, info in seen.items() if pid in now and now[pid][1] == info[1]]
        return sorted({*tracked, *_survivors(str(folder), scratch_root)})

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"{when}: processes of the batch survived"
    if book.exists():
        consistent(book)


def test_kill_9_the_moment_each_process_of_the_start_up_appears_leaves_none(tmp_path: Path) -> None:
    """The batch is killed the moment a grading process, a zygote, a sandbox, the first record
    appears (twice each): no process of it is left, and the batch then resumes to the whole class."""
    folder = make_class(tmp_path / "class", size=3)
    book = tmp_path / "gradebook.sqlite"
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "dumb"}
    for round_ in range(2):
        for stage, reached in START_UP.items():
            proc = _start_batch(folder, book, env)
            seen: dict[int, tuple[int, str, bytes]] = {}
            deadline, before = time.monotonic() + 120, _count(book)
            while not reached(tree := _descendants(proc.pid, _live_processes()), _count(book) - before):
                seen.update(tree)
                assert proc.poll() is None and time.monotonic() < deadline, f"no {stage} appeared"
            seen.update(tree)
            _kill_and_check(proc, seen, folder, tmp_path, book, f"killed when a {stage} appeared (round {round_})")
    finished = subprocess.run(_batch_command(folder, book), cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert sorted(learner for _, learner, _ in consistent(book)) == ["learner00", "learner01", "learner02", "zoe"]


def test_kill_9_at_every_moment_of_the_start_up_leaves_no_process(tmp_path: Path) -> None:
    """Killed 0, 0.1, ... 1.5 s after it starts (importing, opening the gradebook, forking the pool,
    starting zygotes and sandboxes, grading): nothing of the batch is left."""
    folder = make_class(tmp_path / "class", size=3)
    book = tmp_path / "gradebook.sqlite"
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "dumb"}
    for step in range(16):
        proc = _start_batch(folder, book, env)
        seen: dict[int, tuple[int, str, bytes]] = {}
        until = time.monotonic() + step / 10
        while time.monotonic() < until and proc.poll() is None:
            seen.update(_descendants(proc.pid, _live_processes()))
        _kill_and_check(proc, seen, folder, tmp_path, book, f"killed {step / 10:.1f} s after it started")


# -- schema versions and migrations ------------------------------------------------------------------------

V1_DDL = """
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, learner TEXT NOT NULL, kind TEXT NOT NULL,
    submitted_at TEXT NOT NULL, submission_sha256 TEXT NOT NULL, seed INTEGER, points REAL NOT NULL,
    max_points REAL NOT NULL, report_json TEXT NOT NULL);
CREATE INDEX submissions_exercise_learner ON submissions (exercise, learner);
PRAGMA user_version = 1;
PRAGMA application_id = 1684825954;
"""


def test_a_version_1_file_written_by_hand_is_read(tmp_path: Path) -> None:
    """A gradebook as the first release wrote it (plain SQL, rollback journal): opened, switched to
    WAL, read back."""
    book = tmp_path / "old.sqlite"
    report = make_report(learner="ada")
    with sqlite3.connect(book) as db:
        db.executescript(V1_DDL)
        db.execute("INSERT INTO submissions (exercise, learner, kind, submitted_at, submission_sha256, seed, points,"
                   " max_points, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (report.exercise, report.learner, report.kind, report.created_at, report.submission_sha256,
                    report.seed, report.points, report.max_points, json.dumps(report.to_dict())))
    with Gradebook(book) as gb:
        assert gb.journal_mode == "wal" and gb.version == gradebook.GRADEBOOK_VERSION
        assert gb.latest(report.exercise, "ada") == report


def test_an_empty_file_becomes_a_gradebook(tmp_path: Path) -> None:
    book = tmp_path / "touched.sqlite"
    book.write_bytes(b"")
    with Gradebook(book) as gb:
        gb.record(make_minimal_report())
        assert gb.version == gradebook.GRADEBOOK_VERSION
    assert len(consistent(book)) == 1


def test_a_versioned_database_of_another_application_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "other.sqlite"
    with sqlite3.connect(book) as db:
        db.executescript("CREATE TABLE t (x); PRAGMA user_version = 1; PRAGMA application_id = 42;")
    with pytest.raises(GradebookError, match="not a dl-grader gradebook"):
        Gradebook(book)


# A grader one layout version ahead of this one: its migration adds a column, says so on stderr, then
# waits ``pause`` seconds (a kill -9 arrives while it waits, inside the migration's transaction).
MIGRATE = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from grader.classroom import gradebook
    NEXT = gradebook.GRADEBOOK_VERSION + 1
    def add_reviewed(conn):
        conn.execute("ALTER TABLE submissions ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0")
        print("migrating", file=sys.stderr, flush=True)
        time.sleep(float(sys.argv[2]))
    gradebook.MIGRATIONS[NEXT] = add_reviewed
    gradebook.GRADEBOOK_VERSION = NEXT
    with gradebook.Gradebook(sys.argv[1]) as gb:
        print("version", gb.version, flush=True)
""")
NEXT = gradebook.GRADEBOOK_VERSION + 1


def _migrate(book: Path, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", MIGRATE.format(tests=str(TESTS)), str(book), str(pause)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_processes_migrating_the_same_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    book = tmp_path / "gradebook.sqlite"
    with Gradebook(book) as gb:
        gb.record(make_report())
    procs = [_migrate(book, 0.2) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-500:] for _, err in outputs]
    assert all(out.strip() == f"version {NEXT}" for out, _ in outputs)
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (NEXT,)
        columns = [row[1] for row in db.execute("PRAGMA table_info(submissions)")]
    assert columns.count("reviewed") == 1 and len(consistent(book)) == 1


def test_kill_9_during_a_migration_leaves_the_old_version(tmp_path: Path) -> None:
    """The migration runs in the transaction that sets user_version: killed halfway, the file is still
    a whole gradebook of the old version, and the next open migrates it."""
    book = tmp_path / "gradebook.sqlite"
    with Gradebook(book) as gb:
        gb.record(make_report())
    proc = _migrate(book, 60)
    assert proc.stderr.readline().strip() == "migrating"  # inside the migration, after the ALTER TABLE
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (gradebook.GRADEBOOK_VERSION,)
        assert "reviewed" not in [row[1] for row in db.execute("PRAGMA table_info(submissions)")]
    assert len(consistent(book)) == 1
    with Gradebook(book) as gb:  # this grader (the old version) still reads and writes it
        gb.record(make_minimal_report())
    finished = _migrate(book, 0)
    out, err = finished.communicate(timeout=60)
    assert finished.returncode == 0 and out.strip() == f"version {NEXT}", err[-500:]
    assert len(consistent(book)) == 2
