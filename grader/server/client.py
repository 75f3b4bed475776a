"""The CLI's side of the course server: `grade login URL` and `grade submit ... --server URL`.

The token comes from ``--token``, then ``$DL_GRADER_TOKEN``, then the file `grade login` wrote
(``$XDG_CONFIG_HOME/dl-grader/credentials.json``, readable only by its owner). Every failure is
one line (a UsageError): the server unreachable, a refused token, a limit, a grading failure.
Requests ask for the language spoken here (Accept-Language), so the server's errors come in it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from grader.errors import usage_error
from grader.messages import language, say

WAIT_SECONDS = 600.0  # the longest `grade submit --server` waits for its grade
POLL_SECONDS = 0.25


def credentials_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dl-grader" / "credentials.json"


def _normal(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise usage_error("commands.client.not_an_address", url=url)
    return url


def _client(url: str, token: str | None = None):  # type: ignore[no-untyped-def]
    try:
        import httpx
    except ImportError:
        raise usage_error("commands.client.needs_httpx") from None
    headers = {"Accept-Language": language()}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=_normal(url), headers=headers, timeout=30.0, follow_redirects=False)


def _call(client, method: str, path: str, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
    import httpx

    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise usage_error("commands.client.unreachable", url=client.base_url,
                          error=f"{type(exc).__name__}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400:
        message = body.get("error") if isinstance(body, dict) else None
        raise usage_error("commands.client.refused", status=response.status_code,
                          message=message or response.reason_phrase)
    return body


def save_login(url: str, token: str) -> str:
    """Check ``token`` with the server, keep it for ``url``; returns the account's id."""
    url = _normal(url)
    with _client(url, token) as client:
        who = _call(client, "GET", "/api/v1/me")
    path = credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        saved = saved if isinstance(saved, dict) else {}
    except (OSError, ValueError):
        saved = {}
    saved[url] = token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(saved, handle)
    return str(who.get("id", "?"))


def token_for(url: str, given: str | None) -> str:
    if given:
        return given.strip()
    if os.environ.get("DL_GRADER_TOKEN"):
        return os.environ["DL_GRADER_TOKEN"].strip()
    try:
        saved = json.loads(credentials_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    token = saved.get(_normal(url)) if isinstance(saved, dict) else None
    if not token:
        raise usage_error("commands.client.no_token", url=url)
    return str(token)


def submit_remote(url: str, token: str, exercise: str, files: list[Path], *, lang: str | None = None,
                  wait_seconds: float = WAIT_SECONDS, on_accepted=None) -> dict:  # type: ignore[no-untyped-def]
    """Upload ``files`` as a submission of ``exercise`` and wait for its grade; returns the
    server's view of the submission (``report`` is the GradeReport JSON)."""
    parts = []
    for path in files:
        try:
            parts.append(("files", (path.name, path.read_bytes())))
        except OSError as exc:
            raise usage_error("commands.cannot_read", path=path, reason=exc.strerror or exc) from None
    with _client(url, token) as client:
        accepted = _call(client, "POST", f"/api/v1/exercises/{exercise}/submissions", files=parts,
                         params={"lang": lang} if lang else None)
        public = accepted["id"]
        if on_accepted is not None:
            on_accepted(public)
        deadline = time.monotonic() + wait_seconds
        while True:
            view = _call(client, "GET", f"/api/v1/submissions/{public}")
            status = view["status"]
            if status == "done":
                return view
            if status == "failed":
                raise usage_error("commands.client.failed",
                                  reason=view.get("failure") or say("commands.client.no_reason"))
            if time.monotonic() > deadline:
                shown = say(f"server.status.{status}") if status in ("queued", "grading") else status
                raise usage_error("commands.client.too_long", seconds=wait_seconds, status=shown, id=public)
            time.sleep(POLL_SECONDS)
