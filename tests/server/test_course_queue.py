"""The submission queue on SQLite and on PostgreSQL: one schema, claimed once, recorded once."""

from __future__ import annotations

import threading
import time

import pytest

from grader.course import queue
from grader.course.accounts import add_account
from grader.course.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'q.sqlite'}" if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    engine = open_store(url)
    yield engine
    engine.dispose()


def fill(engine, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    add_account(engine, "alice")
    ids = []
    for i in range(n):
        with engine.begin() as connection:
            ids.append(queue.enqueue(connection, account_id=1, exercise="week2",
                                     files=[("a.py", f"x = {i}\n".encode())], sha256="0" * 64))
    return ids


def test_the_migrations_make_exactly_the_declared_schema(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from grader.course.store import metadata

    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    open_store(str(engine.url.render_as_string(hide_password=False)))  # a second open changes nothing


def test_claims_take_the_oldest_first_and_carry_the_files(engine):
    ids = fill(engine, 3)
    first = queue.claim(engine, "s1", 60)
    second = queue.claim(engine, "s2", 60)
    assert (first.id, second.id) == (ids[0], ids[1])
    assert first.files == (("a.py", b"x = 0\n"),) and first.tries == 1
    assert queue.claim(engine, "s1", 60).id == ids[2]
    assert queue.claim(engine, "s1", 60) is None
    assert queue.counts(engine) == {"queued": 0, "grading": 3, "done": 0, "failed": 0}


def test_a_result_is_recorded_once_and_only_under_a_held_claim(engine):
    fill(engine, 1)
    first = queue.claim(engine, "s1", lease_seconds=0.01)
    time.sleep(0.05)  # s1's lease runs out (as if s1 had died): s2 takes the submission
    second = queue.claim(engine, "s2", 60)
    assert second is not None and second.id == first.id and second.tries == 2
    assert not queue.finish(engine, first, {"late": True}, 1, 1)  # s1's late result is dropped
    assert queue.finish(engine, second, {"ok": True}, 2, 2)
    assert not queue.finish(engine, second, {"again": True}, 3, 3)  # recorded once
    assert queue.counts(engine)["done"] == 1


def test_a_submission_claimed_too_often_fails_with_a_reason(engine):
    fill(engine, 1)
    for server in ("s1", "s2"):
        assert queue.claim(engine, server, lease_seconds=0.01) is not None
        time.sleep(0.05)
    assert queue.claim(engine, "s3", 60) is None  # the third claim gives up instead
    from sqlalchemy import select

    from grader.course.store import submissions

    with engine.connect() as connection:
        row = connection.execute(select(submissions)).one()
    assert row.status == "failed" and "stopped twice" in row.failure


def test_renewed_leases_are_not_taken(engine):
    fill(engine, 1)
    held = queue.claim(engine, "s1", lease_seconds=0.5)
    for _ in range(4):
        time.sleep(0.2)
        assert queue.renew(engine, "s1", 0.5) == 1
        assert queue.claim(engine, "s2", 60) is None
    assert queue.finish(engine, held, {}, 0, 0)


def test_released_and_requeued_submissions_are_graded_again(engine):
    fill(engine, 2)
    a, b = queue.claim(engine, "s1", 60), queue.claim(engine, "s1", 60)
    assert queue.release(engine, a)
    assert queue.claim(engine, "s2", 60).id == a.id
    assert queue.finish(engine, b, {}, 1, 1)
    assert queue.requeue(engine, "week2") == 1
    assert queue.claim(engine, "s3", 60).id == b.id


def test_concurrent_claims_never_share_a_submission(engine):
    ids = fill(engine, 40)
    taken: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (found := queue.claim(engine, name, 60)) is not None:
            with lock:
                taken.append(found.id)

    threads = [threading.Thread(target=worker, args=(f"s{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(taken) == sorted(ids)
