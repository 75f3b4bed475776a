"""Who is asking, and the server's shared state: tokens, signed sessions, CSRF, rate limits.

Requests are authenticated by a bearer token (the CLI, scripts) or by a signed session cookie
made at sign-in (the browser pages; HttpOnly, SameSite=Lax). A form or script that changes
anything with a cookie must also carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
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
        raise HTTPException(401, "sign in first: a valid token is needed (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    if changes and by_cookie and not csrf_ok(request, request.headers.get("x-csrf-token")):
        raise HTTPException(403, STALE_FORM)
    if staff and not account.staff:
        raise HTTPException(403, "this needs a TA or instructor account")
    return account


STALE_FORM = "the form is out of date (missing or wrong CSRF token): reload the page"


async def posted_form(request: Request, *, max_fields: int, max_files: int = 0):  # type: ignore[no-untyped-def]
    """The form of a page's post, refused (403) without the session's CSRF token."""
    form = await request.form(max_files=max_files, max_fields=max_fields)
    if not csrf_ok(request, form.get("csrf")):  # type: ignore[arg-type]
        raise HTTPException(403, STALE_FORM)
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
