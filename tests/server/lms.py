"""A simulated LMS (an LTI 1.3 platform) for the tests: its own RSA key and JWKS endpoint, an OIDC
authorization endpoint that answers with the auto-posting form an LMS sends, a token endpoint
that checks the tool's signed client assertion, and an AGS line item that records scores."""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


@dataclass
class User:
    sub: str
    name: str
    email: str
    roles: list[str]


@dataclass
class Platform:
    url: str = ""
    issuer: str = "https://lms.example.test"
    client_id: str = "dl-grader-client"
    deployment: str = "deployment-1"
    tool_launch: str = "http://testserver/lti/launch"
    tool_jwks: dict = field(default_factory=dict)  # the tool's public keys (to check its client assertions)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    kid: str = "lms-key-1"
    users: dict[str, User] = field(default_factory=dict)
    exercise: str = "week2"
    message_type: str = "LtiResourceLinkRequest"
    scores: list[dict] = field(default_factory=list)
    fail_scores: int = 0  # answer 500 to this many score posts first
    tokens: set[str] = field(default_factory=set)

    def jwks(self) -> dict:
        import json

        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    def id_token(self, user: User, nonce: str, **changes: Any) -> str:
        """A launch's id_token; ``changes`` override or (value None) remove claims, and may set
        ``_key``/``_kid``/``_alg`` to sign differently."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": user.sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "name": user.name, "email": user.email,
            CLAIM + "deployment_id": self.deployment, CLAIM + "version": "1.3.0",
            CLAIM + "message_type": self.message_type, CLAIM + "roles": user.roles,
            CLAIM + "resource_link": {"id": "link-1"}, CLAIM + "custom": {"exercise": self.exercise},
            CLAIM + "target_link_uri": self.tool_launch,
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitem": f"{self.url}/api/lineitems/7?course=3"},
        }
        if self.message_type == "LtiDeepLinkingRequest":
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep-link-return", "accept_types": ["ltiResourceLink"],
                "data": "opaque-123"}
        key, kid, alg = changes.pop("_key", self.key), changes.pop("_kid", self.kid), changes.pop("_alg", "RS256")
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/jwks")
        def jwks() -> dict:
            return self.jwks()

        @app.get("/auth", response_class=HTMLResponse)
        def auth(request: Request) -> HTMLResponse:
            q = request.query_params
            if q.get("client_id") != self.client_id or q.get("redirect_uri") != self.tool_launch:
                raise HTTPException(400, "unknown client or redirect_uri")
            if q.get("scope") != "openid" or q.get("response_type") != "id_token" or not q.get("nonce"):
                raise HTTPException(400, "not an OIDC id_token request")
            user = self.users[q["login_hint"]]
            token = self.id_token(user, q["nonce"])
            return HTMLResponse(f'<form method="post" action="{self.tool_launch}">'
                                f'<input type="hidden" name="id_token" value="{token}">'
                                f'<input type="hidden" name="state" value="{q["state"]}"></form>')

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            assertion = str(form.get("client_assertion"))
            header = jwt.get_unverified_header(assertion)
            key = next(k for k in self.tool_jwks["keys"] if k["kid"] == header["kid"])
            claims = jwt.decode(assertion, jwt.PyJWK(key).key, algorithms=["RS256"], audience=f"{self.url}/token")
            assert claims["iss"] == claims["sub"] == self.client_id
            assert form.get("grant_type") == "client_credentials"
            issued = secrets.token_urlsafe(16)
            self.tokens.add(issued)
            return JSONResponse({"access_token": issued, "token_type": "Bearer", "expires_in": 3600,
                                 "scope": form.get("scope")})

        @app.post("/api/lineitems/7/scores")
        async def score(request: Request) -> JSONResponse:
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
            if bearer not in self.tokens:
                raise HTTPException(401, "no token")
            if request.headers.get("content-type") != "application/vnd.ims.lis.v1.score+json":
                raise HTTPException(415, "not a score")
            if request.query_params.get("course") != "3":
                raise HTTPException(404, "not this line item")
            if self.fail_scores > 0:
                self.fail_scores -= 1
                raise HTTPException(500, "the LMS is down for a moment")
            self.scores.append(await request.json())
            return JSONResponse({}, status_code=200)

        return app


def auto_post_form(html: str) -> tuple[str, dict[str, str]]:
    """(action, fields) of the LMS's auto-posting form."""
    action = re.search(r'action="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    return action, fields


class Served:
    """The platform on a free local port, in a thread."""

    def __init__(self, platform: Platform, port: int) -> None:
        platform.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(platform.app(), host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
