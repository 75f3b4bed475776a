"""The course's rules applied to one submission: open or closed, how late, the penalty, what is shown.

All of it is computed on the server from the course file and the clock, never from the request.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import datetime, timezone

from grader.course.config import CourseExercise
from grader.messages import say

DAY = 86400.0


@dataclass(frozen=True)
class Decision:
    accepted: bool
    late_days: float = 0.0  # whole or part days after the due date (after any extension)
    reason: str = ""  # why not accepted, for the learner


def decide(entry: CourseExercise, now: float, extension_days: float = 0.0) -> Decision:
    """Whether a submission made at ``now`` is accepted, and how late it is."""
    if entry.opens and now < entry.opens.timestamp():
        return Decision(False, reason=say("usage.course.opens_at", exercise=entry.name, when=_when(entry.opens)))
    closes = entry.closes(extension_days)
    if closes and now > closes.timestamp():
        return Decision(False, reason=say("usage.course.closed_at", exercise=entry.name, when=_when(closes)))
    if entry.due is None:
        return Decision(True)
    due = entry.due.timestamp() + extension_days * DAY
    return Decision(True, late_days=max(0.0, (now - due) / DAY))


def penalty(entry: CourseExercise, late_days: float) -> float:
    """The share of the score taken for ``late_days`` (each started day counts), at most all of it."""
    if late_days <= 0:
        return 0.0
    return min(1.0, math.ceil(late_days - 1e-9) * entry.policy.late_penalty_per_day)


def scored(entry: CourseExercise, points: float, late_days: float) -> float:
    return round(points * (1.0 - penalty(entry, late_days)), 6)


def hidden_shown(entry: CourseExercise, now: float, extension_days: float = 0.0) -> bool:
    """Whether learners may read their hidden checks' feedback now."""
    rule = entry.policy.hidden_feedback
    if rule == "always":
        return True
    if rule == "score-only":
        return False
    return entry.due is None or now > entry.due.timestamp() + extension_days * DAY


def for_learner(report: dict, entry: CourseExercise, now: float, extension_days: float = 0.0) -> dict:
    """The report as its learner may see it: hidden checks keep their points and status, and lose
    their messages, descriptions and diagnoses unless the course shows them now. A quiz's keys and
    explanations are shown by the same rule (its questions are all the learner's own)."""
    if hidden_shown(entry, now, extension_days):
        return report
    score_only = entry.policy.hidden_feedback == "score-only"
    note = say("view.hidden.score_only") if score_only else say("view.hidden.after_due")
    shown = copy.deepcopy(report)
    if shown.get("kind") == "quiz":
        wrong = say("view.quiz.wrong") if score_only else say("view.quiz.wrong_after_due")
        for check in shown.get("checks", []):
            check.update(key="", explanation="", diagnoses=[],
                         message=say("view.quiz.right") if check.get("status") == "passed" else wrong)
        return shown
    for check in shown.get("checks", []):
        if check.get("hidden"):
            blank = {"message": note if check.get("status") != "passed" else "", "description": say("view.hidden.description"),
                     "diagnoses": [], "question": "", "answer": "", "key": "", "explanation": ""}
            check.update({field: value for field, value in blank.items() if field in check})
    return shown


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
