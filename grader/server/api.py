"""The HTTP API, version 1 (docs/server.md). The CLI and the browser pages both use it.

Errors are JSON ``{"error": "..."}``: 401 without a valid token, 404 for a submission that is
not the caller's (the same answer as for one that does not exist), 403 for staff routes and
closed exercises, 413 for an upload over the limits, 422 for bad input, 429 past a limit.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import and_, select

from grader.course import accounts, queue
from grader.course.accounts import Account
from grader.course.policy import decide, for_learner, penalty
from grader.course.store import submissions
from grader.server.state import ServerState, json_body, refuse, request_language, require, server, wake_dispatcher
from grader.server.grading import safe_name
from grader.server.rules import admitted

router = APIRouter()


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    state = server(request)
    try:
        with state.engine.connect() as connection:  # type: ignore[attr-defined]
            connection.execute(select(1))
    except Exception:
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    dispatcher = state.dispatcher
    if dispatcher is not None and not dispatcher.alive:  # type: ignore[attr-defined]
        return JSONResponse({"status": "grading stopped"}, status_code=503)
    return JSONResponse({"status": "ok"})


# -- submitting -------------------------------------------------------------------------------------


def quoted(name: str) -> str:
    """A learner's file name inside an error message: JSON-quoted, cut at 80 characters, with
    ``<``, ``>`` and ``&`` escaped, so no reader takes it for markup."""
    text = json.dumps(name[:80])
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def read_upload(request: Request, state: ServerState) -> list[tuple[str, bytes]]:
    """The parts named ``files`` of a multipart form, checked against the limits; raises 413/422."""
    limits = state.limits
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise refuse(422, "server.api.multipart")
    try:
        form = await request.form(max_files=limits.max_files + 1, max_fields=20)
    except HTTPException as exc:
        if exc.status_code == 400 and "Too many" in str(exc.detail):
            raise refuse(413, "server.api.too_many_files", count=limits.max_files) from None
        raise refuse(422, "server.api.unreadable_form", problem=exc.detail) from None
    parts = form.getlist("files")
    if not parts:
        raise refuse(422, "server.api.no_file")
    if len(parts) > limits.max_files:
        raise refuse(413, "server.api.too_many_files", count=limits.max_files)
    files: list[tuple[str, bytes]] = []
    for part in parts:
        if isinstance(part, str):
            raise refuse(422, "server.api.text_part")
        name = safe_name(part.filename or "")
        shown = quoted(part.filename or "")
        if name is None:
            raise refuse(422, "server.api.not_gradable", name=shown)
        if any(name == other for other, _ in files):
            raise refuse(422, "server.api.same_name", name=shown)
        data = await part.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise refuse(413, "server.api.file_too_large", name=shown, megabytes=limits.max_file_bytes // 2**20)
        files.append((name, data))
    await form.close()
    return files


def feedback_language(account: Account, asked: str | None) -> str:
    """The language a submission's feedback is written in: the one asked for with it, else the
    account's, else English; 422 for one the grader does not speak."""
    from grader.messages import available_languages

    if asked is not None:
        if asked not in available_languages():
            raise refuse(422, "server.api.languages", languages=", ".join(available_languages()))
        return asked
    return account.lang if account.lang in available_languages() else "en"


def accept(state: ServerState, account: Account, exercise: str, files: list[tuple[str, bytes]],
           lang: str | None = None) -> str:
    """Store a submission in the queue (durably, before anyone is told); returns its id."""
    entry = state.course.exercise(exercise)
    if entry is None:
        raise refuse(404, "server.api.no_exercise", exercise=exercise[:64])
    if not entry.code:
        raise refuse(422, "server.api.quiz_only", exercise=exercise)
    now = time.time()
    decision = admitted(state, account, entry, exercise, now)
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    with state.engine.begin() as connection:  # type: ignore[attr-defined]
        public = queue.enqueue(connection, account_id=account.id, exercise=exercise, files=files,
                               sha256=digest.hexdigest(), late_days=decision.late_days, now=now,
                               lang=feedback_language(account, lang))
    wake_dispatcher(state)
    return public


@router.post("/api/v1/exercises/{exercise}/submissions", status_code=202)
async def submit(exercise: str, request: Request, lang: str | None = None) -> JSONResponse:
    """``?lang=ko`` writes this submission's feedback in Korean (default: the account's language)."""
    state = server(request)
    account = await run_in_threadpool(require, request, changes=True)
    feedback_language(account, lang)  # an unknown language is refused before the upload is read
    files = await read_upload(request, state)
    public = await run_in_threadpool(accept, state, account, exercise, files, lang)
    return JSONResponse({"id": public, "status": "queued"}, status_code=202,
                        headers={"Location": f"/api/v1/submissions/{public}"})


# -- reading ----------------------------------------------------------------------------------------


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


def summary(row: Any) -> dict[str, Any]:
    return {"id": row.id, "exercise": row.exercise, "status": row.status, "created": _iso(row.created),
            "finished": _iso(row.finished), "points": row.points, "max_points": row.max_points,
            "late_days": round(row.late_days, 3), "failure": row.failure}


def find_submission(state: ServerState, account: Account, public: str) -> Any:
    """The submission with this id if the caller may read it, else 404 (never telling which)."""
    if not (isinstance(public, str) and len(public) == 32 and all(c in "0123456789abcdef" for c in public)):
        raise refuse(404, "server.api.no_submission")
    query = select(submissions).where(submissions.c.id == public)
    if not account.staff:
        query = query.where(submissions.c.account_id == account.id)
    with state.engine.connect() as connection:  # type: ignore[attr-defined]
        row = connection.execute(query).first()
    if row is None:
        raise refuse(404, "server.api.no_submission")
    return row


def submission_view(state: ServerState, account: Account, row: Any) -> dict[str, Any]:
    view = summary(row)
    view["report"] = None
    if row.status == "done" and row.report_json:
        report = json.loads(row.report_json)
        name = row.exercise.removesuffix("/quiz")  # a quiz's submissions follow its exercise's rules
        entry = state.course.exercise(name)
        if not account.staff:
            if entry is None:  # no longer in the course: nothing of hidden checks or keys is shown
                raise refuse(404, "server.api.no_submission")
            extension = accounts.extension_days(state.engine, row.account_id, name)
            report = for_learner(report, entry, time.time(), extension)
        view["report"] = report
        view["late_penalty"] = penalty(entry, row.late_days) if entry else 0.0
    return view


@router.get("/api/v1/submissions/{public}")
def get_submission(public: str, request: Request) -> dict[str, Any]:
    state = server(request)
    account = require(request)
    return submission_view(state, account, find_submission(state, account, public))


def my_submissions(state: ServerState, account_id: int, exercise: str | None = None, limit: int = 200) -> list:
    condition = submissions.c.account_id == account_id
    if exercise:
        condition = and_(condition, submissions.c.exercise == exercise)
    query = select(submissions).where(condition).order_by(submissions.c.seq.desc()).limit(limit)
    with state.engine.connect() as connection:  # type: ignore[attr-defined]
        return list(connection.execute(query).all())


@router.get("/api/v1/me/submissions")
def list_mine(request: Request) -> list[dict[str, Any]]:
    state = server(request)
    account = require(request)
    return [summary(row) for row in my_submissions(state, account.id)]


def _best_and_latest(rows: list) -> dict[str, Any]:
    graded = [r for r in rows if r.status == "done" and r.points is not None]
    best = max(graded, key=lambda r: (r.points, r.seq), default=None)
    return {"best": best and {"points": best.points, "max_points": best.max_points, "id": best.id},
            "latest": summary(rows[0]) if rows else None, "submissions": len(rows)}


def exercises_view(state: ServerState, account: Account) -> list[dict[str, Any]]:
    rows = my_submissions(state, account.id, limit=10_000)
    found = []
    for entry in state.course.exercises:
        extension = accounts.extension_days(state.engine, account.id, entry.name)
        closes = entry.closes(extension)
        found.append({
            "name": entry.name, "opens": entry.opens and entry.opens.isoformat(timespec="minutes"),
            "due": entry.due and entry.due.isoformat(timespec="minutes"),
            "closes": closes and closes.isoformat(timespec="minutes"), "extension_days": extension,
            "open": decide(entry, time.time(), extension).accepted, "code": entry.code,
            **_best_and_latest([r for r in rows if r.exercise == entry.name]),
            "quiz": _best_and_latest([r for r in rows if r.exercise == f"{entry.name}/quiz"]) if entry.quiz else None,
        })
    return found


@router.get("/api/v1/exercises")
def list_exercises(request: Request) -> list[dict[str, Any]]:
    state = server(request)
    return exercises_view(state, require(request))


@router.get("/api/v1/me")
def me(request: Request) -> dict[str, Any]:
    account = require(request)
    return {"id": account.login, "role": account.role, "lang": account.lang or "en"}


@router.post("/api/v1/me")
async def set_me(request: Request) -> dict[str, Any]:
    """JSON {"lang": "ko"}: the language of the account's feedback and pages."""
    state = server(request)
    account = await run_in_threadpool(require, request, changes=True)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("lang"), str):
        raise refuse(422, "server.api.send_lang")
    lang = feedback_language(account, body["lang"])
    await run_in_threadpool(accounts.set_language, state.engine, account.id, lang)
    return {"id": account.login, "role": account.role, "lang": lang}


# -- instructors ------------------------------------------------------------------------------------


@router.get("/api/v1/class/queue")
def queue_state(request: Request) -> dict[str, Any]:
    state = server(request)
    require(request, staff=True)
    dispatcher = state.dispatcher
    return {"counts": queue.counts(state.engine),  # type: ignore[arg-type]
            "grading_here": len(dispatcher.running) if dispatcher is not None else 0,  # type: ignore[attr-defined]
            "graded_here": dispatcher.graded if dispatcher is not None else 0}  # type: ignore[attr-defined]


@router.get("/api/v1/class/submissions")
def class_submissions(request: Request, exercise: str | None = None, learner: str | None = None) -> list:
    state = server(request)
    require(request, staff=True)
    from grader.course.store import accounts as accounts_table

    query = (select(submissions, accounts_table.c.login).join(accounts_table,
                                                               accounts_table.c.id == submissions.c.account_id)
             .order_by(submissions.c.seq.desc()).limit(5000))
    if exercise:
        query = query.where(submissions.c.exercise == exercise)
    if learner:
        query = query.where(accounts_table.c.login == learner)
    with state.engine.connect() as connection:  # type: ignore[attr-defined]
        return [dict(summary(row), learner=row.login) for row in connection.execute(query).all()]


def regrade_finished(state: ServerState, exercise: str | None) -> int:
    """Every finished submission (of ``exercise``, or all) back to the queue; 422 for an exercise the
    course does not have. Returns how many."""
    if exercise is not None and (not isinstance(exercise, str) or state.course.exercise(exercise) is None):
        raise refuse(422, "server.api.not_an_exercise")
    count = queue.requeue(state.engine, exercise)
    wake_dispatcher(state)
    return count


def extend(state: ServerState, learner: str, exercise: str, days: float, lang: str = "en") -> None:
    """Give ``learner`` ``days`` more for ``exercise``; 422 for an unknown exercise or learner (said in ``lang``)."""
    if not isinstance(exercise, str) or state.course.exercise(exercise) is None:
        raise refuse(422, "server.api.not_an_exercise")
    from grader.errors import UsageError
    from grader.messages import speaking

    try:
        with speaking(lang):
            accounts.set_extension(state.engine, str(learner), exercise, days)
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/api/v1/class/regrade")
async def regrade(request: Request) -> dict[str, Any]:
    state = server(request)
    await run_in_threadpool(require, request, staff=True, changes=True)
    body = await json_body(request)
    exercise = body.get("exercise") if isinstance(body, dict) else None
    return {"queued": await run_in_threadpool(regrade_finished, state, exercise)}


@router.post("/api/v1/class/extensions")
async def extension(request: Request) -> dict[str, Any]:
    state = server(request)
    await run_in_threadpool(require, request, staff=True, changes=True)
    body = await json_body(request)
    try:
        learner, exercise, days = body["learner"], body["exercise"], float(body["days"])  # type: ignore[index]
    except (ValueError, KeyError, TypeError):
        raise refuse(422, "server.api.send_extension") from None
    lang = await run_in_threadpool(request_language, request)  # what set_extension refuses, said in it
    await run_in_threadpool(extend, state, learner, exercise, days, lang)
    return {"learner": learner, "exercise": exercise, "days": days}


@router.get("/api/v1/class/export.csv")
def export_csv(request: Request) -> Response:
    state = server(request)
    require(request, staff=True)
    from grader.server.classview import best_scores_csv

    return Response(best_scores_csv(state), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="grades.csv"'})


# -- quizzes ----------------------------------------------------------------------------------------


@router.get("/api/v1/exercises/{exercise}/quiz")
def get_quiz(exercise: str, request: Request) -> dict[str, Any]:
    """The caller's variant of the quiz: questions and choices, never keys."""
    from grader.server.quiz import questions, quiz_run

    state = server(request)
    _entry, run = quiz_run(state, require(request), exercise)
    return {"exercise": exercise, "title": run.quiz.title, "questions": questions(run)}


@router.post("/api/v1/exercises/{exercise}/quiz", status_code=201)
async def answer_quiz(exercise: str, request: Request) -> dict[str, Any]:
    """JSON {"answers": {question id: text}}: graded at once (201 with the submission)."""
    from grader.server.quiz import grade_answers

    state = server(request)
    account = await run_in_threadpool(require, request, changes=True)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict) or len(body["answers"]) > 500:
        raise refuse(422, "server.api.send_answers")
    public = await run_in_threadpool(grade_answers, state, account, exercise, body["answers"])
    return submission_view(state, account, find_submission(state, account, public))
