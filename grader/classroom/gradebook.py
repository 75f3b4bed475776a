"""The gradebook: every graded submission, kept in one SQLite file.

Where: ``default_gradebook_path()`` (``$DL_GRADER_GRADEBOOK``, else
``$XDG_DATA_HOME/dl-grader/gradebook.sqlite`` with ``XDG_DATA_HOME`` defaulting
to ``~/.local/share``).

The database runs in WAL mode with a busy timeout, so several grading
processes can record at once; every write is one ``BEGIN IMMEDIATE``
transaction. Its layout version is ``PRAGMA user_version`` and
``PRAGMA application_id`` marks the file as a dl-grader gradebook. To change
the layout, add a function to ``MIGRATIONS`` under the next version number: an
older file is brought up to date, one step per version, when it is opened.

Each row keeps the full report as JSON (``GradeReport.to_dict()``) next to the
columns used for queries, so ``latest()`` gives back exactly what was recorded.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from grader.errors import UsageError
from grader.messages import say
from grader.model.report import GradeReport

ENV_VAR = "DL_GRADER_GRADEBOOK"
APPLICATION_ID = 0x646C6762  # "dlgb": marks the file as a dl-grader gradebook
DEFAULT_TIMEOUT = 30.0  # seconds to wait for another process's write lock

HistoryRow = tuple[int, str, str, float, float]  # (id, learner, submitted_at, points, max_points)


class GradebookError(UsageError):
    """The gradebook cannot be opened, read or written; the message names the file.

    A UsageError, so the CLI prints it as one line instead of a traceback."""


def default_gradebook_path() -> Path:
    """``$DL_GRADER_GRADEBOOK``, else ``$XDG_DATA_HOME/dl-grader/gradebook.sqlite``."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    base = Path(data_home) if data_home and os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "dl-grader" / "gradebook.sqlite"


# --- migrations ---------------------------------------------------------------------------------
# MIGRATIONS[n] brings a gradebook from version n - 1 to version n. Each runs inside the
# transaction that also sets user_version, so a failed migration leaves the file untouched.


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            exercise TEXT NOT NULL,
            learner TEXT NOT NULL,
            kind TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            submission_sha256 TEXT NOT NULL,
            seed INTEGER,
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            report_json TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX submissions_exercise_learner ON submissions (exercise, learner)")


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Settings of the course the gradebook belongs to (its seed secret, see seed_secret)."""
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL)")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
}
GRADEBOOK_VERSION = max(MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _storable(text: str) -> str:
    """``text`` as sqlite3 can store it.

    Learner ids come from names of learners' files, which may hold bytes that are not UTF-8;
    Python gives those as lone surrogates, which sqlite3 refuses (one such file name used to stop
    a whole batch). Each lone surrogate becomes ``/xNN`` (the byte) or ``/uNNNN``: a ``/`` never
    appears in a file name, so no other learner id is stored as the same text.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(
            c if not 0xD800 <= ord(c) <= 0xDFFF
            else f"/x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
            else f"/u{ord(c):04x}"
            for c in text
        )


def _sql_int(value: int) -> int | None:
    """SQLite integers are 64-bit; a larger seed is kept only in the report JSON."""
    return value if -(2**63) <= value < 2**63 else None


class Gradebook:
    """An open gradebook file; use as a context manager (``with Gradebook() as gb:``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        self.path = Path(path) if path is not None else default_gradebook_path()
        self._conn: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GradebookError(say("usage.gradebook.folder", path=self.path, error=exc.strerror or exc)) from None
        try:
            # isolation_level=None: no implicit transactions; we issue BEGIN IMMEDIATE ourselves.
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise GradebookError(say("usage.gradebook.cannot_open", path=self.path, error=exc)) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._conn = conn
            self._enable_wal(timeout)
            with self._snapshot():  # version and tables read from one consistent state
                self._check_identity()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            self._conn = None
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise GradebookError(say("usage.gradebook.not_sqlite", path=self.path, error=exc)) from None
            raise GradebookError(say("usage.gradebook.cannot_open", path=self.path, error=exc)) from None
        except BaseException:
            conn.close()
            self._conn = None
            raise

    # --- lifecycle ---

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self._conn is not None else "closed"
        return f"Gradebook({str(self.path)!r}, {state})"

    # --- internals ---

    @property
    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise GradebookError(say("usage.gradebook.closed", path=self.path))
        return self._conn

    def _pragma(self, name: str) -> Any:
        return self.connection.execute(f"PRAGMA {name}").fetchone()[0]

    @property
    def version(self) -> int:
        """The layout version of the open file (``PRAGMA user_version``)."""
        return int(self._pragma("user_version"))

    @property
    def journal_mode(self) -> str:
        return str(self._pragma("journal_mode"))

    def _enable_wal(self, timeout: float) -> None:
        """Switch the file to WAL. SQLite does not call the busy handler for this switch (it
        fails at once with "database is locked" while another process is opening the same new
        file), so retry with a short backoff until ``timeout``."""
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            try:
                self.connection.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def _check_identity(self) -> None:
        version = self.version
        if version == 0:
            tables = [
                row[0]
                for row in self.connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            if tables:
                raise GradebookError(say("usage.gradebook.other_tables", path=self.path,
                                         tables=", ".join(sorted(tables))))
            return
        if self._pragma("application_id") != APPLICATION_ID:
            raise GradebookError(say("usage.gradebook.other_database", path=self.path))
        if version > GRADEBOOK_VERSION:
            raise GradebookError(say("usage.gradebook.newer", path=self.path, version=version,
                                     known=GRADEBOOK_VERSION))

    def _migrate(self) -> None:
        if self.version == GRADEBOOK_VERSION:
            return
        with self._transaction() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            self._check_identity()
            version = self.version
            while version < GRADEBOOK_VERSION:
                version += 1
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every statement inside sees the same database state."""
        conn = self.connection
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    @contextmanager
    def _errors(self, writing: bool = False) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if writing:
                raise GradebookError(say("usage.gradebook.cannot_write", path=self.path, error=exc)) from None
            raise GradebookError(say("usage.gradebook.cannot_read", path=self.path, error=exc)) from None

    def _load(self, submission_id: int, report_json: str) -> GradeReport:
        try:
            return GradeReport.from_dict(json.loads(report_json))
        except (ValueError, KeyError, TypeError) as exc:
            raise GradebookError(say("usage.gradebook.unreadable_submission", path=self.path, id=submission_id,
                                     error=exc)) from None

    # --- public API ---

    def seed_secret(self) -> bytes:
        """The secret this gradebook's hidden-check seeds are derived with (32 random bytes, made
        the first time they are asked for and kept in the file; see grading.derive_seed).

        Whoever can read the gradebook can compute seeds: it stays with the course (the
        instructor's machine, the course server), never in a learner's copy or a report.
        """
        query = "SELECT value FROM settings WHERE key = 'seed_secret'"
        try:
            row = self.connection.execute(query).fetchone()
            if row is None:
                with self._transaction() as conn:
                    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('seed_secret', ?)",
                                 (secrets.token_bytes(32),))
                row = self.connection.execute(query).fetchone()
        except sqlite3.Error as exc:
            raise GradebookError(say("usage.gradebook.seed_secret", path=self.path, error=exc)) from None
        return bytes(row[0])

    def record(self, report: GradeReport, data: dict[str, Any] | None = None) -> int:
        """Store ``report`` (one transaction); returns the new submission id.

        data: ``report.to_dict()``, when the caller has it already (a batch receives it).
        """
        data = report.to_dict() if data is None else data
        report_json = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if _storable(report_json) != report_json:  # lone surrogates: JSON escapes keep them exactly
            report_json = json.dumps(data, separators=(",", ":"))
        row = (
            _storable(report.exercise),
            _storable(report.learner),
            _storable(report.kind),
            report.created_at or _now(),
            report.submission_sha256,
            _sql_int(report.seed),
            report.points,
            report.max_points,
            report_json,
        )
        with self._errors(writing=True), self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO submissions (exercise, learner, kind, submitted_at, submission_sha256,"
                " seed, points, max_points, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)

    def get(self, submission_id: int) -> GradeReport | None:
        """The report recorded as ``submission_id``, or None."""
        with self._errors():
            row = self.connection.execute(
                "SELECT id, report_json FROM submissions WHERE id = ?", (submission_id,)
            ).fetchone()
        return None if row is None else self._load(*row)

    def latest(self, exercise: str, learner: str) -> GradeReport | None:
        """The most recently recorded report of ``learner`` for ``exercise``, or None."""
        with self._errors():
            row = self.connection.execute(
                "SELECT id, report_json FROM submissions WHERE exercise = ? AND learner = ?"
                " ORDER BY id DESC LIMIT 1",
                (_storable(exercise), _storable(learner)),
            ).fetchone()
        return None if row is None else self._load(*row)

    def latest_reports(self, exercise: str, kind: str | None = None) -> list[GradeReport]:
        """Each learner's most recent report for ``exercise`` (of ``kind``, when given), by learner id."""
        query = ("SELECT id, report_json FROM submissions WHERE id IN (SELECT MAX(id) FROM submissions"
                 " WHERE exercise = ?{} GROUP BY learner) ORDER BY learner")
        params = (_storable(exercise),) if kind is None else (_storable(exercise), _storable(kind))
        with self._errors():
            rows = self.connection.execute(query.format("" if kind is None else " AND kind = ?"), params).fetchall()
        return [self._load(*row) for row in rows]

    def history(self, exercise: str, learner: str | None = None) -> list[HistoryRow]:
        """``(id, learner, submitted_at, points, max_points)`` rows, oldest first."""
        query = "SELECT id, learner, submitted_at, points, max_points FROM submissions WHERE exercise = ?"
        params: tuple[Any, ...] = (_storable(exercise),)
        if learner is not None:
            query += " AND learner = ?"
            params += (_storable(learner),)
        with self._errors():
            rows = self.connection.execute(query + " ORDER BY id", params).fetchall()
        return [(int(i), str(l), str(t), float(p), float(m)) for i, l, t, p, m in rows]

    def find(self, exercise: str, learner: str, submission_sha256: str) -> int | None:
        """The id of the latest recording of this exact submission, or None."""
        with self._errors():
            row = self.connection.execute(
                "SELECT id FROM submissions WHERE exercise = ? AND learner = ?"
                " AND submission_sha256 = ? ORDER BY id DESC LIMIT 1",
                (_storable(exercise), _storable(learner), _storable(submission_sha256)),
            ).fetchone()
        return None if row is None else int(row[0])
