"""The course server's pages: sign in, exercises, upload, a submission's live page, the dashboard.

Server-rendered Jinja2 with autoescaping (learner ids, file names and reports are hostile text);
one small script (static/app.js) uploads and polls. Every form that changes something carries
the session's CSRF token.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from grader.course import accounts
from grader.server import api
from grader.server.state import (
    caller, client_address, csrf_ok, csrf_token, posted_form, refuse, request_language, require, said, server,
)

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"


def _environment():  # type: ignore[no-untyped-def]
    from grader.views.html import template_environment

    env = template_environment(TEMPLATES)
    env.filters.setdefault("url", lambda text: quote(str(text), safe=""))
    env.filters.setdefault("when", _when)
    return env


def _when(iso: str | None) -> str:
    """An API time (ISO 8601, UTC) as people read it: 2026-09-14 23:59 UTC."""
    return iso[:16].replace("T", " ") + " UTC" if iso else ""


LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


def page_language(request: Request, account=None) -> str:  # type: ignore[no-untyped-def]
    """The language of a page: the account's, else the browser's (Accept-Language), else English."""
    from grader.messages.choose import accept_language

    if account is not None and account.lang:
        return account.lang
    return accept_language(request.headers.get("accept-language"))


def page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    from grader.messages import available_languages, say, speaking

    account, _ = caller(request)
    with speaking(page_language(request, account)) as lang:
        text = _environment().get_template(name).render(
            course=server(request).course, account=account, csrf=csrf_token(request), t=say, lang=lang,
            languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in available_languages()], **context)
    return HTMLResponse(text, status_code=status)


def _signed_in(request: Request):  # type: ignore[no-untyped-def]
    account, _ = caller(request)
    if account is None:
        raise HTTPException(303, headers={"Location": "/"})
    return account


def _redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    account, _ = caller(request)
    if account is None:
        return page(request, "signin.html.j2", error=None)
    return page(request, "home.html.j2", exercises=api.exercises_view(server(request), account))


@router.post("/signin")
async def sign_in(request: Request) -> Response:
    state = server(request)
    form = await request.form(max_files=0, max_fields=5)
    if not csrf_ok(request, form.get("csrf")):  # type: ignore[arg-type]
        return page(request, "signin.html.j2", 403, error=said("server.signin.stale"))
    if not state.rates.allow(f"signin:{client_address(request)}", state.limits.sign_ins_per_minute):
        return page(request, "signin.html.j2", 429, error=said("server.signin.too_many"))
    token = str(form.get("token") or "").strip()
    account = await run_in_threadpool(accounts.authenticate, state.engine, token)
    if account is None:
        return page(request, "signin.html.j2", 401, error=said("server.signin.invalid"))
    request.session.clear()  # a fresh session: nothing of before survives signing in
    request.session.update(account=account.id, token=accounts.token_digest(token)[:16])
    if account.lang is None:  # first sign-in: the browser's language, until they choose
        from grader.messages.choose import accept_language

        await run_in_threadpool(accounts.set_language, state.engine, account.id,
                                accept_language(request.headers.get("accept-language")))
    return _redirect("/")


@router.post("/settings/language")
async def choose_language(request: Request) -> Response:
    """The language of the account's pages and of the feedback of its next submissions."""
    from grader.messages import available_languages

    state = server(request)
    account = await run_in_threadpool(_signed_in, request)
    form = await posted_form(request, max_fields=5)
    lang = str(form.get("lang") or "")
    if lang not in available_languages():
        raise refuse(422, "server.api.languages", languages=", ".join(available_languages()))
    await run_in_threadpool(accounts.set_language, state.engine, account.id, lang)
    return _redirect(request.headers.get("referer", "/") if request.headers.get("referer", "").startswith(
        str(request.base_url)) else "/")


@router.post("/signout")
async def sign_out(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    if csrf_ok(request, form.get("csrf")):  # type: ignore[arg-type]
        request.session.clear()
    return _redirect("/")


@router.get("/exercises/{name}", response_class=HTMLResponse)
def exercise_page(name: str, request: Request) -> HTMLResponse:
    state = server(request)
    account = _signed_in(request)
    view = next((e for e in api.exercises_view(state, account) if e["name"] == name), None)
    if view is None:
        raise refuse(404, "server.api.no_such_exercise")
    history = [api.summary(row) for row in api.my_submissions(state, account.id, name)]
    return page(request, "exercise.html.j2", exercise=view, history=history, limits=state.limits)


@router.post("/exercises/{name}/upload")
async def upload(name: str, request: Request) -> Response:
    """The form's own post (without script): files and the CSRF token in one multipart form."""
    state = server(request)
    account = await run_in_threadpool(_signed_in, request)
    await posted_form(request, max_fields=5, max_files=state.limits.max_files + 1)
    files = await api.read_upload(request, state)
    public = await run_in_threadpool(api.accept, state, account, name, files)
    return _redirect(f"/submissions/{public}")


@router.get("/submissions/{public}", response_class=HTMLResponse)
def submission_page(public: str, request: Request) -> HTMLResponse:
    state = server(request)
    account = _signed_in(request)
    view = api.submission_view(state, account, api.find_submission(state, account, public))
    return page(request, "submission.html.j2", submission=view)


@router.get("/submissions/{public}/feedback", response_class=HTMLResponse)
def feedback_page(public: str, request: Request) -> HTMLResponse:
    """The same HTML feedback page as ``grade submit --html`` (hidden checks as the course shows them)."""
    state = server(request)
    account = require(request)
    view = api.submission_view(state, account, api.find_submission(state, account, public))
    if view["report"] is None:
        raise refuse(404, "server.api.no_feedback_yet")
    from grader.messages import speaking
    from grader.model.report import GradeReport
    from grader.views.html import render_html

    with speaking(page_language(request, account)):  # the page's labels; its feedback is in the submission's
        return HTMLResponse(render_html(GradeReport.from_dict(view["report"])))


# -- instructors ------------------------------------------------------------------------------------


@router.get("/class", response_class=HTMLResponse)
def dashboard(request: Request) -> HTMLResponse:
    state = server(request)
    _signed_in(request)
    require(request, staff=True)
    rows = api.class_submissions(request)
    learners = sorted({a.login for a in accounts.all_accounts(state.engine) if a.role == "learner"})
    per_exercise = {e.name: {"submissions": 0, "learners": set()} for e in state.course.exercises}
    for row in rows:
        name = row["exercise"].removesuffix("/quiz")  # a quiz's answers count with its exercise
        if name in per_exercise:
            per_exercise[name]["submissions"] += 1
            per_exercise[name]["learners"].add(row["learner"])
    return page(request, "dashboard.html.j2", queue=api.queue_state(request), per_exercise=per_exercise,
                learners=learners, recent=rows[:30])


@router.get("/class/exercises/{name}", response_class=HTMLResponse)
def class_report(name: str, request: Request) -> HTMLResponse:
    """The class report of an exercise, in the reader's language (as every page)."""
    state = server(request)
    account = _signed_in(request)
    require(request, staff=True)
    from grader.messages import speaking
    from grader.server.classview import class_page

    with speaking(page_language(request, account)):
        text = class_page(state, name, similar=f"/class/exercises/{quote(name, safe='')}/similar")
    if text is None:
        raise refuse(404, "server.api.nothing_graded")
    return HTMLResponse(text)


@router.get("/class/exercises/{name}/similar", response_class=HTMLResponse)
async def similar_report(name: str, request: Request) -> HTMLResponse:
    """Learners whose own code is alike (grade similar), over each one's latest graded submission, in the
    reader's language (as every page)."""
    state = server(request)
    account = await run_in_threadpool(_signed_in, request)
    await run_in_threadpool(require, request, staff=True)
    from grader.messages import speaking
    from grader.server.classview import similar_page

    with speaking(page_language(request, account)):  # the thread runs in a copy of this context
        text = await run_in_threadpool(similar_page, state, name)
    if text is None:
        raise refuse(404, "server.api.too_few_to_compare")
    return HTMLResponse(text)


@router.get("/class/learners/{login}", response_class=HTMLResponse)
def learner_page(login: str, request: Request) -> HTMLResponse:
    state = server(request)
    _signed_in(request)
    require(request, staff=True)
    found = accounts.account(state.engine, login=login)
    if found is None:
        raise refuse(404, "server.api.no_learner")
    rows = api.class_submissions(request, learner=login)
    return page(request, "learner.html.j2", learner=found, history=rows,
                extensions={e.name: accounts.extension_days(state.engine, found.id, e.name)
                            for e in state.course.exercises})


@router.post("/class/regrade")
async def regrade_form(request: Request) -> Response:
    state = server(request)
    await run_in_threadpool(require, request, staff=True)
    form = await posted_form(request, max_fields=5)
    await run_in_threadpool(api.regrade_finished, state, str(form.get("exercise") or "") or None)
    return _redirect("/class")


@router.post("/class/extensions")
async def extension_form(request: Request) -> Response:
    state = server(request)
    await run_in_threadpool(require, request, staff=True)
    form = await posted_form(request, max_fields=6)
    learner, exercise = str(form.get("learner") or ""), str(form.get("exercise") or "")
    try:
        days = float(str(form.get("days") or "0"))
    except ValueError:
        raise refuse(422, "server.api.days") from None
    lang = await run_in_threadpool(request_language, request)  # what set_extension refuses, said in it
    await run_in_threadpool(api.extend, state, learner, exercise, days, lang)
    return _redirect(f"/class/learners/{quote(learner, safe='')}")



# -- quizzes ----------------------------------------------------------------------------------------


@router.get("/quizzes/{name}", response_class=HTMLResponse)
def quiz_page(name: str, request: Request) -> HTMLResponse:
    from grader.server.quiz import questions, quiz_run

    state = server(request)
    account = _signed_in(request)
    _entry, run = quiz_run(state, account, name)
    return page(request, "quiz.html.j2", exercise=name, title=run.quiz.title, questions=questions(run), error=None)


@router.post("/quizzes/{name}")
async def quiz_answers(name: str, request: Request) -> Response:
    from grader.server.quiz import grade_answers

    state = server(request)
    account = await run_in_threadpool(_signed_in, request)
    form = await posted_form(request, max_fields=300)
    given: dict[str, str] = {}
    for field, value in form.multi_items():
        if field.startswith("q_") and isinstance(value, str):
            question = field[2:]
            # Several boxes of a multiple-choice question arrive as several values: their letters together.
            given[question] = given.get(question, "") + value if question in given else value
    public = await run_in_threadpool(grade_answers, state, account, name, given)
    return _redirect(f"/submissions/{public}")
