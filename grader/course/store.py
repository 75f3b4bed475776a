"""The course database: accounts, submissions (which are also the grading queue), settings.

One schema for SQLite (the default: the course folder's ``course.sqlite``, in WAL mode) and
PostgreSQL (``--db postgresql://...``, through psycopg 3), created and upgraded by the Alembic
migrations in ``grader/course/migrations`` only: ``open_store`` runs them to the newest.
Times are seconds since the epoch (UTC), as floats: one type that compares alike on both.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import (
    Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint,
    create_engine, event, select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from grader.errors import usage_error

metadata = MetaData()

settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

accounts = Table(
    "accounts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # learner, ta, instructor
    Column("email", String(254)),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("password_hash", String(255)),
    Column("lang", String(16)),
    Column("created", Float, nullable=False),
)

extensions = Table(
    "extensions", metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("exercise", String(64), primary_key=True),
    Column("days", Float, nullable=False),
)

submissions = Table(
    "submissions", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # queue order; never shown
    Column("id", String(32), nullable=False, unique=True),  # the public id: random, unguessable
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("exercise", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # queued, grading, done, failed
    Column("created", Float, nullable=False),
    Column("late_days", Float, nullable=False, default=0.0),
    Column("sha256", String(64), nullable=False),
    Column("claimed_by", String(64)),
    Column("lease_until", Float),
    Column("tries", Integer, nullable=False, default=0),
    Column("finished", Float),
    Column("points", Float),  # after any late penalty
    Column("max_points", Float),
    Column("report_json", Text),
    Column("failure", Text),  # why a failed submission has no grade, in words for the learner
    Column("lang", String(16)),  # the language its feedback is written in (None: English)
    Index("ix_submissions_status_seq", "status", "seq"),
    Index("ix_submissions_account_exercise", "account_id", "exercise"),
)

submission_files = Table(
    "submission_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_seq", Integer, ForeignKey("submissions.seq", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# -- LTI 1.3 (docs/lms.md) --------------------------------------------------------------------------

lti_platforms = Table(
    "lti_platforms", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issuer", String(255), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("auth_login_url", String(1024), nullable=False),
    Column("token_url", String(1024), nullable=False),
    Column("jwks_url", String(1024)),
    Column("jwks_json", Text),  # a key set given at registration instead of a URL
    Column("deployments", Text, nullable=False),  # JSON list of deployment ids
    UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
)

lti_users = Table(
    "lti_users", metadata,
    Column("platform_id", Integer, ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True),
    Column("sub", String(255), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
)

lti_links = Table(  # where a learner's score of an exercise goes: the line item of their last launch
    "lti_links", metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("exercise", String(80), primary_key=True),
    Column("platform_id", Integer, ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
    Column("sub", String(255), nullable=False),
    Column("lineitem", String(1024), nullable=False),
)

lti_nonces = Table(  # a login's state and nonce: used once, by the launch that follows within minutes
    "lti_nonces", metadata,
    Column("state", String(64), primary_key=True),
    Column("nonce", String(64), nullable=False, unique=True),
    Column("platform_id", Integer, ForeignKey("lti_platforms.id", ondelete="CASCADE"), nullable=False),
    Column("created", Float, nullable=False),
    Column("used", Integer, nullable=False, default=0),
)

lti_outbox = Table(  # scores to send to the platform, kept until it accepts them
    "lti_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("exercise", String(80), nullable=False),
    Column("created", Float, nullable=False),
    Column("next_try", Float, nullable=False),
    Column("tries", Integer, nullable=False, default=0),
    Column("sent", Float),
    Column("last_error", Text),
    Index("ix_lti_outbox_pending", "sent", "next_try"),
)

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses no committed transaction
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise usage_error("usage.database.unusable", url=_shown(url), error=exc) from None


def _shown(url: str) -> str:
    """A database URL without its password."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (creating it when empty)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str) -> Engine:
    engine = make_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise usage_error("usage.database.unopenable", url=_shown(url), error=exc.orig) from None
    return engine


def setting(engine: Engine, key: str, make: int = 32) -> bytes:
    """The course's secret ``key`` (session signing, seeds), made once and kept in the database."""
    with engine.begin() as connection:
        found = connection.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
        if found is not None:
            return bytes(found)
        value = secrets.token_bytes(make)
        connection.execute(settings.insert().values(key=key, value=value))
    return value
