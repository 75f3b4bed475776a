"""Submissions are the grading queue: durable rows that move queued -> grading -> done | failed.

* ``enqueue`` stores a submission and its files in one transaction, before the server answers.
* ``claim`` takes the oldest claimable row in one statement: queued, or grading under a lease
  that ran out (its server died). On PostgreSQL the row is locked with SKIP LOCKED, so several
  servers sharing the database never claim the same row; SQLite runs the statement alone.
  Each claim counts a try; a row claimed ``MAX_TRIES`` times without a result is failed, with
  the reason, instead of being graded again.
* ``finish`` records the result only if this claim still holds it (same server, same try, still
  grading): a result that comes after its lease was lost is dropped, so each submission is
  recorded exactly once whatever crashed when.
* A server renews the leases of what it grades (``renew``) well before they run out.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from grader.course.lti import queue_score
from grader.course.store import submission_files, submissions
from grader.messages import say, speaking

MAX_TRIES = 2
STATUSES = ("queued", "grading", "done", "failed")


@dataclass(frozen=True)
class Claim:
    seq: int
    id: str
    exercise: str
    account_id: int
    tries: int
    server: str
    files: tuple[tuple[str, bytes], ...] = ()
    lang: str = "en"


def enqueue(connection: Connection, *, account_id: int, exercise: str, files: list[tuple[str, bytes]],
            sha256: str, late_days: float = 0.0, now: float | None = None, lang: str | None = None) -> str:
    """Store a submission (in the caller's transaction); returns its public id."""
    public = secrets.token_hex(16)
    seq = connection.execute(
        submissions.insert().values(id=public, account_id=account_id, exercise=exercise, status="queued",
                                    created=now or time.time(), late_days=late_days, sha256=sha256, tries=0,
                                    lang=lang)
    ).inserted_primary_key[0]
    connection.execute(submission_files.insert(), [{"submission_seq": seq, "name": name, "data": data}
                                                    for name, data in files])
    return public


def _claimable(now: float) -> Any:
    return or_(submissions.c.status == "queued",
               and_(submissions.c.status == "grading", submissions.c.lease_until < now))


def claim(engine: Engine, server: str, lease_seconds: float, *, now: float | None = None) -> Claim | None:
    """The oldest claimable submission, now graded by ``server``; None when there is none."""
    now = now or time.time()
    oldest = (select(submissions.c.seq).where(_claimable(now)).order_by(submissions.c.seq).limit(1)
              .with_for_update(skip_locked=True).scalar_subquery())
    while True:
        with engine.begin() as connection:
            row = connection.execute(
                update(submissions).where(submissions.c.seq == oldest).where(_claimable(now))
                .values(status="grading", claimed_by=server, lease_until=now + lease_seconds,
                        tries=submissions.c.tries + 1)
                .returning(submissions.c.seq, submissions.c.id, submissions.c.exercise, submissions.c.account_id,
                           submissions.c.tries, submissions.c.lang)
            ).first()
            if row is None:
                return None
            if row.tries > MAX_TRIES:
                with speaking(row.lang or "en"):  # said in the learner's language, as the feedback is
                    gave_up = say("usage.queue.gave_up")
                _fail(connection, row.seq, server, row.tries, gave_up, now)
                continue
            files = connection.execute(select(submission_files.c.name, submission_files.c.data)
                                       .where(submission_files.c.submission_seq == row.seq)
                                       .order_by(submission_files.c.id)).all()
        break
    return Claim(row.seq, row.id, row.exercise, row.account_id, row.tries, server,
                 tuple((name, bytes(data)) for name, data in files), row.lang or "en")


def _held(seq: int, server: str, tries: int) -> Any:
    """The row is still grading under this claim (this server, this try)."""
    return and_(submissions.c.seq == seq, submissions.c.status == "grading", submissions.c.claimed_by == server,
                submissions.c.tries == tries)


def finish(engine: Engine, claim_: Claim, report: dict, points: float, max_points: float,
           *, now: float | None = None) -> bool:
    """Record the graded report if the claim still holds; False if it was lost (the result is dropped)."""
    with engine.begin() as connection:
        done = connection.execute(
            update(submissions).where(_held(claim_.seq, claim_.server, claim_.tries))
            .values(status="done", report_json=json.dumps(report), points=points, max_points=max_points,
                    finished=now or time.time(), lease_until=None)
        ).rowcount
        if done == 1:  # the LMS hears of it (if the learner came from one), in the same transaction
            queue_score(connection, claim_.account_id, claim_.exercise)
    return done == 1


def _fail(connection: Connection, seq: int, server: str, tries: int, reason: str, now: float) -> int:
    return connection.execute(update(submissions).where(_held(seq, server, tries))
                              .values(status="failed", failure=reason[:2000], finished=now,
                                      lease_until=None)).rowcount


def fail(engine: Engine, claim_: Claim, reason: str, *, now: float | None = None) -> bool:
    """No grade for this submission, for ``reason`` (shown to the learner)."""
    with engine.begin() as connection:
        return _fail(connection, claim_.seq, claim_.server, claim_.tries, reason, now or time.time()) == 1


def release(engine: Engine, claim_: Claim) -> bool:
    """Give the submission back to the queue (its grading process died): it will be tried again."""
    with engine.begin() as connection:
        return connection.execute(update(submissions).where(_held(claim_.seq, claim_.server, claim_.tries))
                                  .values(status="queued", claimed_by=None, lease_until=None)).rowcount == 1


def renew(engine: Engine, server: str, lease_seconds: float) -> int:
    """Push back the leases of everything ``server`` grades; returns how many."""
    with engine.begin() as connection:
        return connection.execute(update(submissions).where(and_(submissions.c.status == "grading",
                                                                 submissions.c.claimed_by == server))
                                  .values(lease_until=time.time() + lease_seconds)).rowcount


def requeue(engine: Engine, exercise: str | None = None) -> int:
    """Regrade: every finished submission (of ``exercise``) goes back to the queue; returns how many."""
    condition = submissions.c.status.in_(("done", "failed"))
    if exercise:
        condition = and_(condition, submissions.c.exercise == exercise)
    with engine.begin() as connection:
        return connection.execute(update(submissions).where(condition)
                                  .values(status="queued", tries=0, claimed_by=None, lease_until=None,
                                          failure=None)).rowcount


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(submissions.c.status, func.count()).group_by(submissions.c.status)).all()
    found = {status: 0 for status in STATUSES}
    found.update({status: int(n) for status, n in rows})
    return found


def attempts_since(engine: Engine, account_id: int, exercise: str, since: float) -> int:
    with engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(submissions)
            .where(and_(submissions.c.account_id == account_id, submissions.c.exercise == exercise,
                        submissions.c.created >= since, submissions.c.status != "failed"))
        ).scalar() or 0)


def late_days(engine: Engine, seq: int) -> float:
    with engine.connect() as connection:
        return float(connection.execute(select(submissions.c.late_days).where(submissions.c.seq == seq)).scalar()
                     or 0.0)


def record_graded(connection: Connection, *, account_id: int, exercise: str, sha256: str, report: dict,
                  points: float, max_points: float, late_days: float = 0.0, now: float | None = None) -> str:
    """Store a submission graded already (a quiz: its keys are computed on the server, nothing to
    queue) in the caller's transaction; returns its public id."""
    now = now or time.time()
    public = secrets.token_hex(16)
    connection.execute(submissions.insert().values(
        id=public, account_id=account_id, exercise=exercise, status="done", created=now, late_days=late_days,
        sha256=sha256, tries=0, finished=now, points=points, max_points=max_points, report_json=json.dumps(report)))
    queue_score(connection, account_id, exercise, now)
    return public
