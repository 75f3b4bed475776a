"""The SQLite gradebook: storage, default location, WAL, errors, migrations, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from report_factory import make_minimal_report, make_report

from grader.classroom import gradebook
from grader.classroom.gradebook import Gradebook, GradebookError, default_gradebook_path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "gradebook.sqlite"


def test_record_and_read_back(db: Path) -> None:
    report = make_report()
    with Gradebook(db) as gb:
        first = gb.record(report)
        assert gb.latest(report.exercise, report.learner) == report
        assert gb.get(first) == report
        newer = make_report(seed=99, submission_sha256="b" * 64)
        second = gb.record(newer)
        assert second > first
    # a new connection sees the same thing
    with Gradebook(db) as gb:
        assert gb.latest(report.exercise, report.learner) == newer
        assert gb.latest(report.exercise, "somebody else") is None
        assert gb.latest("week9/unknown", report.learner) is None
        assert gb.get(12345) is None


def test_history_and_find(db: Path) -> None:
    with Gradebook(db) as gb:
        a1 = gb.record(make_report(learner="ada"))
        b1 = gb.record(make_report(learner="bob", submission_sha256="c" * 64))
        a2 = gb.record(make_minimal_report(exercise="week2/logistic_regression", learner="ada"))
        gb.record(make_minimal_report())  # another exercise
        assert gb.history("week2/logistic_regression") == [
            (a1, "ada", "2025-03-14T09:26:53+00:00", 8.5, 20.0),
            (b1, "bob", "2025-03-14T09:26:53+00:00", 8.5, 20.0),
            (a2, "ada", gb.history("week2/logistic_regression", "ada")[1][2], 1.0, 1.0),
        ]
        assert [row[0] for row in gb.history("week2/logistic_regression", "ada")] == [a1, a2]
        assert gb.history("week2/nothing") == []
        report = make_report(learner="ada")
        assert gb.find(report.exercise, "ada", report.submission_sha256) == a1
        assert gb.find(report.exercise, "bob", "c" * 64) == b1
        assert gb.find(report.exercise, "bob", report.submission_sha256) is None
        again = gb.record(report)
        assert gb.find(report.exercise, "ada", report.submission_sha256) == again


def test_columns_hold_the_query_fields(db: Path) -> None:
    report = make_report()
    with Gradebook(db) as gb:
        sid = gb.record(report)
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT exercise, learner, kind, submitted_at, submission_sha256, seed, points, max_points"
        " FROM submissions WHERE id = ?",
        (sid,),
    ).fetchone()
    conn.close()
    assert row == (
        report.exercise, report.learner, "code", report.created_at,
        report.submission_sha256, 1234, 8.5, 20.0,
    )


def test_missing_created_at_gets_a_timestamp_and_huge_seed_is_kept(db: Path) -> None:
    report = make_minimal_report(created_at="", seed=2**70)
    with Gradebook(db) as gb:
        sid = gb.record(report)
        assert gb.get(sid).seed == 2**70
        (_, _, submitted_at, _, _), = gb.history(report.exercise)
    assert submitted_at[:2] == "20" and "T" in submitted_at


def test_default_path_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "explicit.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_gradebook_path() == tmp_path / "explicit.sqlite"

    monkeypatch.delenv("DL_GRADER_GRADEBOOK")
    assert default_gradebook_path() == tmp_path / "xdg" / "dl-grader" / "gradebook.sqlite"

    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_gradebook_path() == tmp_path / "home" / ".local" / "share" / "dl-grader" / "gradebook.sqlite"

    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # invalid per the XDG spec: ignored
    assert default_gradebook_path() == tmp_path / "home" / ".local" / "share" / "dl-grader" / "gradebook.sqlite"


def test_default_path_is_used_and_parents_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DL_GRADER_GRADEBOOK", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "deep" / "data"))
    with Gradebook() as gb:
        gb.record(make_minimal_report())
        assert gb.path == tmp_path / "deep" / "data" / "dl-grader" / "gradebook.sqlite"
    assert (tmp_path / "deep" / "data" / "dl-grader" / "gradebook.sqlite").is_file()


def test_pragmas(db: Path) -> None:
    with Gradebook(db) as gb:
        assert gb.journal_mode == "wal"
        assert gb.version == gradebook.GRADEBOOK_VERSION == 2
        conn = gb.connection
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        indexes = conn.execute("PRAGMA index_list(submissions)").fetchall()
        names = [row[1] for row in indexes]
        assert "submissions_exercise_learner" in names
        cols = [r[2] for r in conn.execute("PRAGMA index_info(submissions_exercise_learner)")]
        assert cols == ["exercise", "learner"]
    # WAL is a property of the file: a plain connection sees it too
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == gradebook.APPLICATION_ID
    conn.close()


def test_text_file_is_not_a_gradebook(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes about logistic regression, not a database\n" * 20)
    with pytest.raises(GradebookError) as info:
        Gradebook(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert path.read_text().startswith("these are my notes")  # left untouched


def test_other_sqlite_database_is_not_a_gradebook(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(GradebookError, match="not a dl-grader gradebook"):
        Gradebook(path)


def test_directory_path_gives_gradebook_error(tmp_path: Path) -> None:
    with pytest.raises(GradebookError) as info:
        Gradebook(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_newer_gradebook_is_refused(db: Path) -> None:
    Gradebook(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(GradebookError, match="version 99"):
        Gradebook(db)


def test_closed_gradebook_raises(db: Path) -> None:
    gb = Gradebook(db)
    gb.close()
    with pytest.raises(GradebookError, match="closed"):
        gb.record(make_minimal_report())


def test_migrations_run_in_order(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sorted(gradebook.MIGRATIONS) == list(range(1, gradebook.GRADEBOOK_VERSION + 1))
    with Gradebook(db) as gb:
        sid = gb.record(make_report())
    following = gradebook.GRADEBOOK_VERSION + 1

    def add_reviewed(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE submissions ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0")

    monkeypatch.setitem(gradebook.MIGRATIONS, following, add_reviewed)
    monkeypatch.setattr(gradebook, "GRADEBOOK_VERSION", following)
    with Gradebook(db) as gb:
        assert gb.version == following
        assert gb.get(sid) == make_report()
        assert gb.connection.execute("SELECT reviewed FROM submissions").fetchall() == [(0,)]


def test_a_version_1_gradebook_gains_its_settings_and_keeps_its_rows(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gradebook, "GRADEBOOK_VERSION", 1)
    with Gradebook(db) as gb:
        sid = gb.record(make_report())
    monkeypatch.undo()
    with Gradebook(db) as gb:
        assert gb.version == 2
        assert gb.get(sid) == make_report()
        secret = gb.seed_secret()
    with Gradebook(db) as gb:
        assert gb.seed_secret() == secret and len(secret) == 32


def test_failed_migration_leaves_file_unchanged(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Gradebook(db) as gb:
        gb.record(make_report())
    current = gradebook.GRADEBOOK_VERSION

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE submissions ADD COLUMN extra TEXT")
        raise RuntimeError("migration bug")

    monkeypatch.setitem(gradebook.MIGRATIONS, current + 1, broken)
    monkeypatch.setattr(gradebook, "GRADEBOOK_VERSION", current + 1)
    with pytest.raises(RuntimeError):
        Gradebook(db)
    monkeypatch.undo()
    with Gradebook(db) as gb:
        assert gb.version == current
        cols = [r[1] for r in gb.connection.execute("PRAGMA table_info(submissions)")]
        assert "extra" not in cols
        assert len(gb.history("week2/logistic_regression")) == 1


def _writer(path: str, worker: int, count: int, start) -> None:
    start.wait(30)  # both processes create/open the file and write at the same moment
    with Gradebook(path) as gb:
        for i in range(count):
            gb.record(make_minimal_report(learner=f"worker{worker}", seed=i))


def test_two_processes_writing_concurrently_lose_nothing(db: Path) -> None:
    count = 50
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    workers = [ctx.Process(target=_writer, args=(str(db), w, count, start)) for w in range(2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
    assert [p.exitcode for p in workers] == [0, 0]
    with Gradebook(db) as gb:
        rows = gb.history("week2/python_basics")
        assert len(rows) == 2 * count
        assert len({row[0] for row in rows}) == 2 * count
        for w in range(2):
            mine = gb.history("week2/python_basics", f"worker{w}")
            assert len(mine) == count
            seeds = sorted(gb.get(row[0]).seed for row in mine)
            assert seeds == list(range(count))
