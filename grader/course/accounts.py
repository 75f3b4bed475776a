"""Course accounts: learners, TAs and instructors, each signing in with a token shown once.

A token is 256 random bits (``dlg_`` + URL-safe base64). The database keeps only its SHA-256:
for a secret of that strength a fast hash is the standard (nothing to brute-force), and it lets
a request find its account with one indexed lookup. Passwords, which people choose and reuse,
would be hashed with Argon2id (``hash_password``); tokens are what the CLI and the pages use.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from grader.course.store import accounts, extensions
from grader.errors import UsageError, usage_error

ROLES = ("learner", "ta", "instructor")
STAFF = ("ta", "instructor")
TOKEN_PREFIX = "dlg_"
LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}")


@dataclass(frozen=True)
class Account:
    id: int
    login: str
    role: str
    email: str | None = None
    lang: str | None = None

    @property
    def staff(self) -> bool:
        return self.role in STAFF


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def check_password(stored: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_login(login: str) -> str:
    if not isinstance(login, str) or not LOGIN.fullmatch(login):
        raise usage_error("usage.account.bad_id", login=login)
    return login


def add_account(engine: Engine, login: str, *, role: str = "learner", email: str | None = None) -> str:
    """Create an account; returns its token (the only time it exists outside the holder's hands)."""
    check_login(login)
    if role not in ROLES:
        raise usage_error("usage.account.bad_role", role=role, roles=", ".join(ROLES))
    if email is not None and not EMAIL.fullmatch(email):
        raise usage_error("usage.account.bad_email", email=email)
    token = new_token()
    try:
        with engine.begin() as connection:
            connection.execute(insert(accounts).values(login=login, role=role, email=email,
                                                       token_sha256=token_digest(token), created=time.time()))
    except IntegrityError:
        raise usage_error("usage.account.exists", login=login) from None
    return token


def renew_token(engine: Engine, login: str) -> str:
    token = new_token()
    with engine.begin() as connection:
        done = connection.execute(update(accounts).where(accounts.c.login == login)
                                  .values(token_sha256=token_digest(token))).rowcount
    if not done:
        raise usage_error("usage.account.unknown", login=login)
    return token


def roster(text: str) -> list[tuple[str, str | None, str]]:
    """(id, email, role) of each row of a roster CSV with a header naming `id` (or `login`), and
    optionally `email` and `role`; raises UsageError naming the first bad row."""
    rows = csv.DictReader(io.StringIO(text))
    names = {(name or "").strip().lower(): name for name in rows.fieldnames or []}
    key = names.get("id") or names.get("login")
    if key is None:
        raise usage_error("usage.roster.header")
    found: list[tuple[str, str | None, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, 2):
        login = (row.get(key) or "").strip()
        email = (row.get(names["email"]) or "").strip() or None if "email" in names else None
        role = (row.get(names["role"]) or "").strip() or "learner" if "role" in names else "learner"
        try:
            check_login(login)
            if role not in ROLES:
                raise usage_error("usage.account.bad_role", role=role, roles=", ".join(ROLES))
            if email is not None and not EMAIL.fullmatch(email):
                raise usage_error("usage.account.bad_email", email=email)
        except UsageError as exc:
            raise usage_error("usage.roster.line", line=number, problem=exc) from None
        if login in seen:
            raise usage_error("usage.roster.twice", line=number, login=login)
        seen.add(login)
        found.append((login, email, role))
    return found


def authenticate(engine: Engine, token: str | None) -> Account | None:
    """The account holding ``token``, or None (compared by digest; the digest lookup is indexed)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = token_digest(token)
    with engine.connect() as connection:
        row = connection.execute(select(accounts).where(accounts.c.token_sha256 == digest)).first()
    if row is None or not hmac.compare_digest(row.token_sha256, digest):
        return None
    return _account(row)


def _account(row) -> Account:  # type: ignore[no-untyped-def]
    return Account(row.id, row.login, row.role, row.email, row.lang)


def session_account(engine: Engine, account_id: int, digest_start: str) -> Account | None:
    """The account of a signed session, if its token is still the one the session was made with
    (the session keeps the first 16 characters of its digest); one lookup."""
    with engine.connect() as connection:
        row = connection.execute(select(accounts).where(accounts.c.id == account_id)).first()
    if row is None or not hmac.compare_digest(row.token_sha256[:16], digest_start):
        return None
    return _account(row)


def account(engine: Engine, *, login: str | None = None, id: int | None = None) -> Account | None:
    query = select(accounts).where(accounts.c.login == login if login is not None else accounts.c.id == id)
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else _account(row)


def all_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as connection:
        rows = connection.execute(select(accounts).order_by(accounts.c.login)).all()
    return [_account(r) for r in rows]


def count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(accounts)).scalar() or 0)


def set_extension(engine: Engine, login: str, exercise: str, days: float) -> None:
    found = account(engine, login=login)
    if found is None:
        raise usage_error("usage.account.unknown", login=login)
    if not 0 <= days <= 365:
        raise usage_error("usage.account.extension")
    with engine.begin() as connection:
        connection.execute(extensions.delete().where((extensions.c.account_id == found.id)
                                                     & (extensions.c.exercise == exercise)))
        if days:
            connection.execute(insert(extensions).values(account_id=found.id, exercise=exercise, days=days))


def extension_days(engine: Engine, account_id: int, exercise: str) -> float:
    with engine.connect() as connection:
        days = connection.execute(select(extensions.c.days).where((extensions.c.account_id == account_id)
                                                                  & (extensions.c.exercise == exercise))).scalar()
    return float(days or 0.0)


def current_digest(engine: Engine, account_id: int) -> str:
    """The digest of the account's current token ("" if none): sessions remember its first 16 characters."""
    with engine.connect() as connection:
        return connection.execute(select(accounts.c.token_sha256).where(accounts.c.id == account_id)).scalar() or ""


def set_language(engine: Engine, account_id: int, lang: str | None) -> None:
    """The language an account's feedback and pages are in (None: English)."""
    with engine.begin() as connection:
        connection.execute(update(accounts).where(accounts.c.id == account_id).values(lang=lang))
