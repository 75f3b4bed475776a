"""The course server's web application: ``create_app(course folder)`` -> a FastAPI app.

Who may do what is decided in ``state.py``. Learners read only their own
submissions (another's is "not found", exactly as one that does not exist); the /class routes
need a TA or instructor. Grading happens in the Dispatcher's processes: no route waits for it.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grader.course.config import load_course
from grader.course.store import open_store, setting
from fastapi.concurrency import run_in_threadpool

from grader.server.state import SECURITY_HEADERS, Limits, RateLimiter, ServerState, request_language

HERE = Path(__file__).parent


class BodyLimit:
    """413 for a request body over ``limit`` bytes, counted as it arrives (Content-Length or not)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, send)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send) -> None:
    """413, said in the language the request's Accept-Language asks for (no account is looked up here)."""
    import json

    from grader.messages import say, speaking
    from grader.messages.choose import accept_language

    asked = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    with speaking(accept_language(asked)):
        body = json.dumps({"error": say("server.api.too_large")}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})




def create_app(course_dir: str | Path, *, db_url: str | None = None, workers: int = 2, dask: str | None = None,
               lease_seconds: float = 60.0, grading: bool = True, limits: Limits | None = None,
               secure_cookies: bool = False, lti_retry_seconds: float = 5.0) -> FastAPI:
    """The server of the course in ``course_dir`` (its database migrated to the newest schema)."""
    course = load_course(course_dir)
    engine = open_store(db_url or course.database_url)
    limits = limits or Limits()
    state = ServerState(course, engine, setting(engine, "seed_secret"), limits, RateLimiter())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        if grading:
            from grader.server.grading import Dispatcher

            state.dispatcher = Dispatcher(engine, course, state.seed_secret, workers=workers,
                                          lease_seconds=lease_seconds, dask=dask)
            state.dispatcher.start()
        from grader.server.passback import Passback

        passback = Passback(engine, poll_seconds=min(1.0, lti_retry_seconds), retry_seconds=lti_retry_seconds)
        passback.start()
        try:
            yield
        finally:
            passback.stop()
            if state.dispatcher is not None:
                state.dispatcher.stop()

    app = FastAPI(title="dl-grader course server", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json")
    app.state.server = state
    app.add_middleware(SessionMiddleware, secret_key=setting(engine, "session_secret").hex(),
                       session_cookie="dlg_session", same_site="lax", https_only=secure_cookies,
                       max_age=14 * 24 * 3600)
    app.add_middleware(BodyLimit, limit=limits.max_request_bytes)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):  # type: ignore[no-untyped-def]
        if exc.status_code < 400 or not _wants_page(request):
            from grader.messages import speaking

            with speaking(await run_in_threadpool(request_language, request)):  # the caller's language
                message = str(exc.detail)
            return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)
        from grader.server.pages import page

        return page(request, "error.html.j2", exc.status_code, message=exc.detail)  # said in the page's language

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        from grader.messages import say, speaking

        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        with speaking(await run_in_threadpool(request_language, request)):
            problem = first.get("msg") or say("server.api.bad_input")  # pydantic's own words are English
            message = say("server.api.bad_field", field=where, problem=problem) if where else problem
        return JSONResponse({"error": message}, status_code=422)

    from grader.server import api, lti, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(lti.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script): errors come as a page too."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
