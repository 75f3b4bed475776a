"""The course's rules at the door: whether one more submission (code or quiz) is taken now."""

from __future__ import annotations

from fastapi import HTTPException

from grader.course import accounts, queue
from grader.course.accounts import Account
from grader.course.config import CourseExercise
from grader.course.policy import Decision, decide
from grader.server.state import ServerState, later, refuse


def admitted(state: ServerState, account: Account, entry: CourseExercise, key: str, now: float) -> Decision:
    """The course's rules for one more submission of ``key`` (an exercise, or ``NAME/quiz``) at
    ``now``: 403 outside its dates (the learner's extension counted), 429 past the rate limit or the
    attempts a day; staff meet only the rate limit. Returns the decision (how late it is)."""
    extension = accounts.extension_days(state.engine, account.id, entry.name)
    decision = decide(entry, now, extension)
    if not decision.accepted and not account.staff:  # why, said again in the reader's language
        raise HTTPException(403, later(lambda: decide(entry, now, extension).reason))
    if not state.rates.allow(f"submit:{account.id}", state.limits.submissions_per_minute):
        raise refuse(429, "server.api.too_fast", headers={"Retry-After": "60"})
    limit = entry.policy.attempts_per_day
    if limit and not account.staff and queue.attempts_since(state.engine, account.id, key, now - 86400) >= limit:
        raise refuse(429, "server.api.quiz_attempts" if key.endswith("/quiz") else "server.api.attempts",
                     headers={"Retry-After": "3600"}, exercise=entry.name, limit=limit)
    return decision
