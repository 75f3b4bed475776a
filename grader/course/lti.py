"""LTI 1.3 data of a course: registered platforms (LMSs), the tool's own key pair, who is who,
where scores go, and the outbox of scores to send. The protocol itself (login, launch, deep
linking, score passback over HTTP) is in grader/server/lti.py and grader/server/passback.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from grader.course.store import lti_links, lti_outbox, lti_platforms, lti_users, setting, settings
from grader.errors import usage_error

KEY_SETTING = "lti_private_key"
KEY_ID_SETTING = "lti_key_id"


@dataclass(frozen=True)
class Platform:
    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    token_url: str
    jwks_url: str | None
    jwks_json: str | None
    deployments: tuple[str, ...]


def _url(value: str, what: str, *, allow_http: bool) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in (("https", "http") if allow_http else ("https",)) or not parsed.netloc:
        raise usage_error("usage.lti.not_https", what=what, value=value)
    return value


def add_platform(engine: Engine, *, issuer: str, client_id: str, auth_login_url: str, token_url: str,
                 jwks_url: str | None, jwks_json: str | None, deployments: list[str], allow_http: bool = False) -> int:
    """Register an LMS; returns its id. Raises UsageError for a bad or duplicate registration."""
    if not issuer or not client_id:
        raise usage_error("usage.lti.needs_issuer")
    if (jwks_url is None) == (jwks_json is None):
        raise usage_error("usage.lti.key_set")
    if not deployments:
        raise usage_error("usage.lti.deployment")
    _url(auth_login_url, "--auth-login-url", allow_http=allow_http)
    _url(token_url, "--token-url", allow_http=allow_http)
    if jwks_url:
        _url(jwks_url, "--jwks-url", allow_http=allow_http)
    if jwks_json is not None:
        try:
            keys = json.loads(jwks_json)["keys"]
            assert isinstance(keys, list) and keys
        except (ValueError, KeyError, TypeError, AssertionError):
            raise usage_error("usage.lti.not_jwks") from None
    try:
        with engine.begin() as connection:
            return connection.execute(insert(lti_platforms).values(
                issuer=issuer, client_id=client_id, auth_login_url=auth_login_url, token_url=token_url,
                jwks_url=jwks_url, jwks_json=jwks_json, deployments=json.dumps(sorted(set(deployments))),
            )).inserted_primary_key[0]
    except IntegrityError:
        raise usage_error("usage.lti.registered", issuer=issuer, client_id=client_id) from None


def _platform(row) -> Platform:  # type: ignore[no-untyped-def]
    return Platform(row.id, row.issuer, row.client_id, row.auth_login_url, row.token_url, row.jwks_url,
                    row.jwks_json, tuple(json.loads(row.deployments)))


def platforms(engine: Engine) -> list[Platform]:
    with engine.connect() as connection:
        return [_platform(row) for row in connection.execute(select(lti_platforms).order_by(lti_platforms.c.id))]


def find_platform(engine: Engine, issuer: str, client_id: str | None = None) -> Platform | None:
    """The platform of ``issuer`` (and ``client_id`` when given; one registration per issuer otherwise)."""
    condition = lti_platforms.c.issuer == issuer
    if client_id:
        condition = and_(condition, lti_platforms.c.client_id == client_id)
    with engine.connect() as connection:
        rows = connection.execute(select(lti_platforms).where(condition)).all()
    return _platform(rows[0]) if len(rows) == 1 else None


def platform_by_id(engine: Engine, platform_id: int) -> Platform | None:
    with engine.connect() as connection:
        row = connection.execute(select(lti_platforms).where(lti_platforms.c.id == platform_id)).first()
    return None if row is None else _platform(row)


# -- the tool's key pair ------------------------------------------------------------------------------


def private_key_pem(engine: Engine) -> bytes:
    """The tool's RSA private key (PEM), made once and kept in the database's settings."""
    with engine.connect() as connection:
        found = connection.execute(select(settings.c.value).where(settings.c.key == KEY_SETTING)).scalar()
    if found is not None:
        return bytes(found)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        with engine.begin() as connection:
            connection.execute(insert(settings).values(key=KEY_SETTING, value=pem))
    except IntegrityError:  # another server made it first: use theirs
        return private_key_pem(engine)
    return pem


def key_id(engine: Engine) -> str:
    return setting(engine, KEY_ID_SETTING, 8).hex()


def public_jwks(engine: Engine) -> dict:
    """The tool's public key set, served at /lti/jwks."""
    import jwt
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_key_pem(engine), password=None)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=key_id(engine), alg="RS256", use="sig")
    return {"keys": [jwk]}


# -- who is who, and where scores go ------------------------------------------------------------------


def account_for(engine: Engine, platform_id: int, sub: str) -> int | None:
    with engine.connect() as connection:
        return connection.execute(select(lti_users.c.account_id).where(
            and_(lti_users.c.platform_id == platform_id, lti_users.c.sub == sub))).scalar()


def link_user(engine: Engine, platform_id: int, sub: str, account_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(insert(lti_users).values(platform_id=platform_id, sub=sub, account_id=account_id))


def remember_lineitem(engine: Engine, account_id: int, exercise: str, platform_id: int, sub: str,
                      lineitem: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(lti_links).where(and_(lti_links.c.account_id == account_id,
                                                        lti_links.c.exercise == exercise)))
        connection.execute(insert(lti_links).values(account_id=account_id, exercise=exercise,
                                                    platform_id=platform_id, sub=sub, lineitem=lineitem))


def lineitem_for(engine: Engine, account_id: int, exercise: str):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(lti_links).where(and_(lti_links.c.account_id == account_id,
                                                               lti_links.c.exercise == exercise))).first()


def queue_score(connection, account_id: int, exercise: str, now: float | None = None) -> None:  # type: ignore[no-untyped-def]
    """In the caller's transaction: the learner's score of ``exercise`` is to be sent, if it has a line item."""
    linked = connection.execute(select(lti_links.c.account_id).where(
        and_(lti_links.c.account_id == account_id, lti_links.c.exercise == exercise))).first()
    if linked is not None:
        now = now or time.time()
        connection.execute(insert(lti_outbox).values(account_id=account_id, exercise=exercise, created=now,
                                                     next_try=now, tries=0))


def due_scores(engine: Engine, now: float, limit: int = 20) -> list:
    with engine.connect() as connection:
        return list(connection.execute(select(lti_outbox).where(and_(lti_outbox.c.sent.is_(None),
                                                                      lti_outbox.c.next_try <= now))
                                       .order_by(lti_outbox.c.id).limit(limit)))


def score_sent(engine: Engine, outbox_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(lti_outbox).where(lti_outbox.c.id == outbox_id).values(sent=time.time(),
                                                                                          last_error=None))


def score_failed(engine: Engine, outbox_id: int, tries: int, error: str, first_delay: float = 5.0) -> None:
    """Try again later: 5 s, 10 s, 20 s... up to an hour between tries, for as long as it takes."""
    delay = min(3600.0, first_delay * 2 ** min(tries, 10))
    with engine.begin() as connection:
        connection.execute(update(lti_outbox).where(lti_outbox.c.id == outbox_id).values(
            tries=tries + 1, next_try=time.time() + delay, last_error=error[:1000]))
