"""Who is asking, and the server's shared state: tokens, signed sessions, CSRF, rate limits.

Requests are authenticated by a bearer token (the CLI, scripts) or by a signed session cookie
made at sign-in (the browser pages; HttpOnly, SameSite=Lax). A form or script that changes
anything with a cookie must also carry the session's CSRF token.

An error's sentence is a ``Said`` (``refuse(422, "server.api.no_file")``): a sentence of the message
layer said when it is shown, in the language of whoever reads it (``request_language``).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request

from grader.course import accounts
from grader.course.accounts import Account
from grader.course.config import CourseConfig


SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
                                "object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Limits:
    max_files: int = 10
    max_file_bytes: int = 5 * 2**20
    max_request_bytes: int = 21 * 2**20
    submissions_per_minute: int = 10  # per account, every exercise together
    sign_ins_per_minute: int = 20  # per client address, failed or not


@dataclass
class RateLimiter:
    """Sliding one-minute windows in this process (each server process keeps its own)."""

    windows: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, key: str, per_minute: int) -> bool:
        now = time.monotonic()
        window = self.windows[key]
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= per_minute:
            return False
        window.append(now)
        return True


@dataclass
class ServerState:
    course: CourseConfig
    engine: object
    seed_secret: bytes
    limits: Limits
    rates: RateLimiter
    dispatcher: object | None = None
    # The LMS platforms' key sets read from their URLs: URL -> (time.monotonic() when read, the key set).
    jwks: dict[str, tuple[float, dict]] = field(default_factory=dict)


class Said:
    """A sentence of the message layer, said when it is shown (``str()``) in the language spoken then:
    an error's detail is made before anyone knows who will read it."""

    def __init__(self, message_id: str, **fields: object) -> None:
        self.message_id, self.fields = message_id, fields

    def __str__(self) -> str:
        from grader.messages import say

        return say(self.message_id, **self.fields)

    def __repr__(self) -> str:
        return f"Said({self.message_id!r})"


class Later:
    """A sentence another layer says, said when it is shown: ``later(lambda: decide(...).reason)``."""

    def __init__(self, saying: Callable[[], str]) -> None:
        self.saying = saying

    def __str__(self) -> str:
        return str(self.saying())


def later(saying: Callable[[], str]) -> Later:
    return Later(saying)


def said(message_id: str, **fields: object) -> Said:
    """``Said(message_id, **fields)``: ``HTTPException(403, said("server.api.closed"))``."""
    return Said(message_id, **fields)


def refuse(status: int, message_id: str, *, headers: dict[str, str] | None = None, **fields: object) -> HTTPException:
    """The HTTPException answering ``status`` with the sentence ``message_id`` (said in the reader's language)."""
    return HTTPException(status, Said(message_id, **fields), headers=headers)


def request_language(request: Request) -> str:
    """The language to answer ``request`` in: a script's or the CLI's (a bearer token) is the one its
    Accept-Language asks for; a browser's is its account's, else its Accept-Language; else English."""
    from grader.messages.choose import accept_language

    asked = request.headers.get("accept-language")
    try:
        account, by_cookie = caller(request)
    except Exception:  # the database is away: the error is said all the same
        account, by_cookie = None, True
    if asked and not by_cookie:
        return accept_language(asked)
    if account is not None and account.lang:
        return account.lang
    return accept_language(asked)


def server(request: Request) -> ServerState:
    return request.app.state.server


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def caller(request: Request) -> tuple[Account | None, bool]:
    """(the account making the request, whether it came with a cookie session rather than a token)."""
    engine = server(request).engine
    token = _bearer(request)
    if token is not None:
        return accounts.authenticate(engine, token), False
    session = request.scope.get("session") or {}
    account_id, digest = session.get("account"), session.get("token")
    if not isinstance(account_id, int) or not isinstance(digest, str):
        return None, True
    return accounts.session_account(engine, account_id, digest), True  # None once the token was renewed


def require(request: Request, *, staff: bool = False, changes: bool = False) -> Account:
    """The caller's account, or 401 (no or a bad token), 403 (staff only, or a cookie request that
    changes something without the session's CSRF token)."""
    account, by_cookie = caller(request)
    if account is None:
        raise refuse(401, "server.api.sign_in", headers={"WWW-Authenticate": "Bearer"})
    if changes and by_cookie and not csrf_ok(request, request.headers.get("x-csrf-token")):
        raise refuse(403, "server.api.stale_form")
    if staff and not account.staff:
        raise refuse(403, "server.api.staff_only")
    return account


async def posted_form(request: Request, *, max_fields: int, max_files: int = 0):  # type: ignore[no-untyped-def]
    """The form of a page's post, refused (403) without the session's CSRF token."""
    form = await request.form(max_files=max_files, max_fields=max_fields)
    if not csrf_ok(request, form.get("csrf")):  # type: ignore[arg-type]
        raise refuse(403, "server.api.stale_form")
    return form


async def json_body(request: Request) -> Any:
    """The request's JSON body, or None when it is not JSON."""
    try:
        return await request.json()
    except ValueError:
        return None


def wake_dispatcher(state: ServerState) -> None:
    """Something was queued: the dispatcher claims it now, not at its next poll."""
    if state.dispatcher is not None:
        state.dispatcher.wake.set()  # type: ignore[attr-defined]


def csrf_token(request: Request) -> str:
    session = request.scope["session"]
    if not isinstance(session.get("csrf"), str):
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def csrf_ok(request: Request, sent: str | None) -> bool:
    expected = (request.scope.get("session") or {}).get("csrf")
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
