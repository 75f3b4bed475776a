"""Quizzes on the course server: each learner answers their own variant in the browser (or
through the API); the keys are computed and compared here and never sent before the course
shows them (see grader.course.policy.for_learner)."""

from __future__ import annotations

import time
from typing import Any

from grader.course import queue
from grader.course.accounts import Account
from grader.course.policy import scored
from grader.server.rules import admitted
from grader.server.state import ServerState, refuse

def quiz_run(state: ServerState, account: Account, exercise: str):  # type: ignore[no-untyped-def]
    """The caller's variant of the exercise's quiz, in the account's language; 404 when the course
    has no such quiz. (The variant, its keys and its grading are the same in every language.)"""
    from grader.messages import available_languages
    from grader.quiz import prepare_quiz

    entry = state.course.exercise(exercise)
    if entry is None or not entry.quiz:
        raise refuse(404, "server.api.no_quiz")
    lang = account.lang if account.lang in available_languages() else "en"
    return entry, prepare_quiz(entry.root, account.login, language=lang)


def questions(run) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """What the learner is asked: texts, lettered choices, how to answer; no key, no explanation."""
    from grader.quiz.answers import LETTERS, hint

    return [{"id": v.id, "number": n, "kind": v.question.kind, "points": v.question.points, "text": v.text,
             "choices": [{"letter": LETTERS[i], "text": c} for i, c in enumerate(v.choices)], "hint": hint(v)}
            for n, v in enumerate(run.variants, 1)]


def grade_answers(state: ServerState, account: Account, exercise: str, given: dict[str, Any]) -> str:
    """Grade the caller's answers ({question id: text}; a missing one is skipped) and record them;
    returns the submission's id. 422 names the first answer that cannot be read."""
    from grader.messages import speaking
    from grader.quiz.grading import grade_quiz

    entry, run = quiz_run(state, account, exercise)
    now = time.time()
    key = f"{exercise}/quiz"
    decision = admitted(state, account, entry, key, now)
    known = {v.id for v in run.variants}
    unknown = [name for name in given if name not in known]
    if unknown:
        raise refuse(422, "server.api.no_question", question=str(unknown[0])[:40])
    with speaking(account.lang):  # what the quiz says of an answer it cannot read, in the account's language
        answers = {variant.id: _answer(variant, given.get(variant.id)) for variant in run.variants}
    with speaking(account.lang):  # the feedback's sentences in the account's language
        report = grade_quiz(run.variants, answers, exercise=run.exercise, title=run.quiz.title,
                            learner=account.login, seed=run.seed)
    with state.engine.begin() as connection:  # type: ignore[attr-defined]
        return queue.record_graded(connection, account_id=account.id, exercise=key, sha256=report.submission_sha256,
                                   report=report.to_dict(), points=scored(entry, report.points, decision.late_days),
                                   max_points=report.max_points, late_days=decision.late_days, now=now)


def _answer(variant, text: Any):  # type: ignore[no-untyped-def]
    """The parsed answer to ``variant`` (an empty one is skipped); 422 naming the question when it
    cannot be read."""
    from grader.quiz.answers import SKIP, AnswerFormatError, parse_answer

    if text is None or (isinstance(text, str) and not text.strip()):
        text = SKIP
    if not isinstance(text, str):
        raise refuse(422, "server.api.answer_text", question=variant.id)
    try:
        return parse_answer(variant, text)
    except AnswerFormatError as exc:
        raise refuse(422, "server.api.bad_answer", question=variant.id, problem=str(exc)) from None
