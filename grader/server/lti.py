"""LTI 1.3: the course server as a tool an LMS launches (docs/lms.md).

* ``/lti/login`` answers the platform's third-party login initiation: a fresh state and nonce
  (kept in the database, good once, for ten minutes) and a redirect to the platform's OIDC
  authorization endpoint.
* ``/lti/launch`` receives the signed id_token. It is refused (400, one line) unless its state
  is a fresh unused login's, its signature verifies against the platform's JWKS (RS256 only),
  issuer, audience (and azp), expiry and issue time hold, its nonce is the login's (used once:
  a replay is refused), its deployment is registered and its version and message type are
  LTI 1.3's. The user is then matched or created from ``sub`` and their roles, signed in, and sent
  to the exercise the resource link names (custom parameter ``exercise``). The line item of the
  launch is where the learner's score goes (grader/server/passback.py).
* A deep-linking launch lets an instructor pick exercises; the tool answers with a signed
  LtiDeepLinkingResponse of resource links (each with a line item).
* ``/lti/jwks`` serves the tool's public key.

JWTs are verified and signed with PyJWT (RS256); keys come from ``cryptography``.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import and_, insert, select, update

from grader.course import accounts, lti
from grader.course.store import accounts as accounts_table
from grader.course.store import lti_nonces
from grader.server.state import ServerState, posted_form, refuse, server

router = APIRouter(include_in_schema=False)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LOGIN_SECONDS = 600
LEEWAY_SECONDS = 60
JWKS_SECONDS = 300  # how long a platform's key set read from its URL is kept (ServerState.jwks)


def refused(message_id: str, **fields: object) -> HTTPException:
    """400 with the sentence ``message_id`` ("LTI launch refused: ...")."""
    return refuse(400, message_id, **fields)


@router.get("/lti/jwks")
def jwks(request: Request) -> JSONResponse:
    return JSONResponse(lti.public_jwks(server(request).engine))


@router.get("/lti/config")
def config(request: Request) -> dict[str, str]:
    """The URLs to give the LMS when registering the tool."""
    base = str(request.base_url).rstrip("/")
    return {"login_url": base + "/lti/login", "launch_url": base + "/lti/launch", "jwks_url": base + "/lti/jwks",
            "deep_linking_url": base + "/lti/launch"}


@router.api_route("/lti/login", methods=["GET", "POST"])
async def login(request: Request) -> Response:
    state = server(request)
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=20)
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    issuer, hint, target = params.get("iss"), params.get("login_hint"), params.get("target_link_uri")
    if not issuer or not hint or not target:
        raise refuse(400, "server.lti.login_needs")
    platform = await run_in_threadpool(lti.find_platform, state.engine, issuer, params.get("client_id"))
    if platform is None:
        raise refuse(400, "server.lti.unknown_platform")
    login_state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)

    def keep() -> None:
        with state.engine.begin() as connection:  # type: ignore[attr-defined]
            connection.execute(insert(lti_nonces).values(state=login_state, nonce=nonce, platform_id=platform.id,
                                                         created=time.time(), used=0))

    await run_in_threadpool(keep)
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
             "client_id": platform.client_id, "redirect_uri": str(request.url_for("launch")), "login_hint": hint,
             "state": login_state, "nonce": nonce}
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    return RedirectResponse(platform.auth_login_url + ("&" if "?" in platform.auth_login_url else "?")
                            + urlencode(query), status_code=302)


def _platform_keys(state: ServerState, platform: lti.Platform) -> dict:
    """The platform's key set: registered with it, else read from its URL (kept JWKS_SECONDS in ``state``)."""
    if platform.jwks_json:
        return json.loads(platform.jwks_json)
    cached = state.jwks.get(platform.jwks_url or "")
    if cached and time.monotonic() - cached[0] < JWKS_SECONDS:
        return cached[1]
    import httpx

    try:
        keys = httpx.get(platform.jwks_url or "", timeout=10).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise refused("server.lti.keys_unreadable", error=type(exc).__name__) from None
    state.jwks[platform.jwks_url or ""] = (time.monotonic(), keys)
    return keys


def verify_launch(state: ServerState, id_token: str, login_state: str) -> tuple[lti.Platform, dict]:
    """The platform and the claims of a valid launch; raises HTTPException 400 saying why not."""
    import jwt

    engine = state.engine
    with engine.connect() as connection:  # type: ignore[attr-defined]
        login_row = connection.execute(select(lti_nonces).where(lti_nonces.c.state == login_state)).first()
    if login_row is None or time.time() - login_row.created > LOGIN_SECONDS:
        raise refused("server.lti.login_expired")
    platform = lti.platform_by_id(engine, login_row.platform_id)
    if platform is None:
        raise refused("server.lti.platform_gone")
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise refused("server.lti.not_jwt") from None
    if header.get("alg") != "RS256":
        raise refused("server.lti.not_rs256")
    keys = [k for k in _platform_keys(state, platform).get("keys", []) if not header.get("kid") or k.get("kid") == header["kid"]]
    if not keys:
        raise refused("server.lti.no_key")
    try:
        key = jwt.PyJWK(keys[0]).key
        claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=platform.client_id, issuer=platform.issuer,
                            leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
    except jwt.ExpiredSignatureError:
        raise refused("server.lti.expired") from None
    except jwt.InvalidAudienceError:
        raise refused("server.lti.audience") from None
    except jwt.InvalidIssuerError:
        raise refused("server.lti.issuer") from None
    except jwt.PyJWTError as exc:
        raise refused("server.lti.does_not_verify", error=type(exc).__name__) from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != platform.client_id:
        raise refused("server.lti.azp")
    if claims.get("nonce") != login_row.nonce:
        raise refused("server.lti.nonce")
    with engine.begin() as connection:  # type: ignore[attr-defined]  # used once: a replayed launch finds it used
        fresh = connection.execute(update(lti_nonces).where(and_(lti_nonces.c.state == login_state,
                                                                 lti_nonces.c.used == 0)).values(used=1)).rowcount
    if fresh != 1:
        raise refused("server.lti.replayed")
    if claims.get(CLAIM + "deployment_id") not in platform.deployments:
        raise refused("server.lti.deployment")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise refused("server.lti.version")
    if claims.get(CLAIM + "message_type") not in ("LtiResourceLinkRequest", "LtiDeepLinkingRequest"):
        raise refused("server.lti.message_type")
    return platform, claims


def role_of(claims: dict) -> str:
    roles = claims.get(CLAIM + "roles") or []
    roles = roles if isinstance(roles, list) else []
    if any(r.endswith(("#Instructor", "#Administrator")) or r.endswith("/Instructor") for r in roles if isinstance(r, str)):
        return "instructor"
    if any(isinstance(r, str) and "TeachingAssistant" in r for r in roles):
        return "ta"
    return "learner"


def account_from(state, platform: lti.Platform, claims: dict) -> accounts.Account:  # type: ignore[no-untyped-def]
    """The account of the launch's user: matched by (platform, sub), or made from their claims."""
    engine = state.engine
    sub = str(claims["sub"])[:255]
    role = role_of(claims)
    found = lti.account_for(engine, platform.id, sub)
    if found is None:
        wished = str(claims.get("email") or claims.get("name") or "").split("@")[0]
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", wished).strip("-._")[:40] or f"lti{platform.id}"
        login, number = base, 1
        while accounts.account(engine, login=login) is not None:
            number += 1
            login = f"{base}-{number}"
        accounts.add_account(engine, login, role=role)
        found = accounts.account(engine, login=login).id  # type: ignore[union-attr]
        lti.link_user(engine, platform.id, sub, found)
    else:
        with engine.begin() as connection:  # the platform says what they are now
            connection.execute(update(accounts_table).where(accounts_table.c.id == found).values(role=role))
    return accounts.account(engine, id=found)  # type: ignore[return-value]


def _exercise_of(state, claims: dict) -> str | None:  # type: ignore[no-untyped-def]
    custom = claims.get(CLAIM + "custom") or {}
    name = custom.get("exercise") if isinstance(custom, dict) else None
    if not isinstance(name, str):
        return None
    entry = state.course.exercise(name.removesuffix("/quiz"))
    if entry is None or (name.endswith("/quiz") and not entry.quiz) or (not name.endswith("/quiz") and not entry.code):
        return None
    return name


@router.post("/lti/launch", name="launch")
async def launch(request: Request) -> Response:
    state = server(request)
    form = await request.form(max_files=0, max_fields=10)
    id_token, login_state = form.get("id_token"), form.get("state")
    if not isinstance(id_token, str) or not isinstance(login_state, str) or len(id_token) > 20000:
        raise refused("server.lti.no_token")
    platform, claims = await run_in_threadpool(verify_launch, state, id_token, login_state)
    account = await run_in_threadpool(account_from, state, platform, claims)
    request.session.clear()
    request.session.update(account=account.id,
                           token=accounts.current_digest(state.engine, account.id)[:16])
    if claims.get(CLAIM + "message_type") == "LtiDeepLinkingRequest":
        if not account.staff:
            raise refuse(403, "server.lti.instructors_only")
        settings = claims.get(DEEP_LINKING) or {}
        request.session["deep_link"] = {"platform": platform.id, "return_url": settings.get("deep_link_return_url"),
                                        "data": settings.get("data"),
                                        "deployment": claims.get(CLAIM + "deployment_id")}
        return RedirectResponse("/lti/deeplink", status_code=303)
    exercise = _exercise_of(state, claims)
    if exercise is None:
        raise refuse(404, "server.lti.no_exercise")
    endpoint = claims.get(AGS) or {}
    if not account.staff and isinstance(endpoint.get("lineitem"), str):
        await run_in_threadpool(lti.remember_lineitem, state.engine, account.id, exercise, platform.id,
                                str(claims["sub"]), endpoint["lineitem"])
    page = f"/quizzes/{exercise.removesuffix('/quiz')}" if exercise.endswith("/quiz") else f"/exercises/{exercise}"
    return RedirectResponse(page, status_code=303)


@router.get("/lti/deeplink", response_class=HTMLResponse)
def deep_link_page(request: Request) -> HTMLResponse:
    from grader.server.pages import page
    from grader.server.state import require

    require(request, staff=True)
    if not (request.scope.get("session") or {}).get("deep_link"):
        raise refuse(404, "server.lti.no_deep_link")
    items = [(e.name, e.code, e.quiz) for e in server(request).course.exercises]
    return page(request, "deeplink.html.j2", items=items)


@router.post("/lti/deeplink", response_class=HTMLResponse)
async def deep_link_answer(request: Request) -> HTMLResponse:
    """Sign the chosen exercises as an LtiDeepLinkingResponse and post it back to the LMS."""
    import jwt

    from grader.server.pages import page
    from grader.server.state import require

    state = server(request)
    await run_in_threadpool(require, request, staff=True)
    form = await posted_form(request, max_fields=200)
    waiting = request.session.pop("deep_link", None)
    if not waiting or not isinstance(waiting.get("return_url"), str):
        raise refuse(404, "server.lti.no_deep_link")
    platform = lti.platform_by_id(state.engine, waiting["platform"])
    if platform is None:
        raise refuse(404, "server.lti.platform_unregistered")
    base = str(request.base_url).rstrip("/")
    items: list[dict[str, Any]] = []
    for name in form.getlist("exercise"):
        if not isinstance(name, str):
            continue
        entry = state.course.exercise(name.removesuffix("/quiz"))
        if entry is None:
            continue
        items.append({"type": "ltiResourceLink", "title": f"{name} (dl-grader)", "url": base + "/lti/launch",
                      "custom": {"exercise": name}, "lineItem": {"scoreMaximum": 100, "label": name,
                                                                 "resourceId": name}})
    now = int(time.time())
    claims = {"iss": platform.client_id, "aud": platform.issuer, "iat": now, "exp": now + 300,
              "nonce": secrets.token_urlsafe(16), CLAIM + "deployment_id": waiting.get("deployment"),
              CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
              "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": items}
    if waiting.get("data") is not None:
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] = waiting["data"]
    token = jwt.encode(claims, lti.private_key_pem(state.engine), algorithm="RS256",
                       headers={"kid": lti.key_id(state.engine)})
    response = page(request, "deeplink_return.html.j2", return_url=waiting["return_url"], jwt=token, count=len(items))
    from urllib.parse import urlparse

    from grader.server.state import SECURITY_HEADERS

    target = urlparse(waiting["return_url"])
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}")
    response.headers["Content-Security-Policy"] = policy  # this page's form goes back to the LMS
    return response
