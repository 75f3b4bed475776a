"""Course-server fixtures: a course folder, its accounts, an app without grading (fast API tests)
and one with grading, a live `grade serve` process on a free port, and a PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEEK2_SOLUTION = sorted((ROOT / "solutions" / "week2").glob("*.py"))


def write_course(folder: Path, **policy: object) -> Path:
    """week2 open and due in a week; week3 closed (due 10 days ago, no late days); week4 not open yet."""
    now = datetime.now(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S%z"
    rules = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in policy.items())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.toml").write_text(f"""
[course]
title = "Test course"

[policy]
late_penalty_per_day = 0.1
cutoff_days = 0
{rules}

[[exercises]]
name = "week2"
opens = "{(now - timedelta(days=1)).strftime(fmt)}"
due = "{(now + timedelta(days=7)).strftime(fmt)}"

[[exercises]]
name = "week3"
opens = "{(now - timedelta(days=20)).strftime(fmt)}"
due = "{(now - timedelta(days=10)).strftime(fmt)}"

[[exercises]]
name = "week4"
opens = "{(now + timedelta(days=3)).strftime(fmt)}"
due = "{(now + timedelta(days=10)).strftime(fmt)}"
""")
    return folder


@dataclass
class Course:
    folder: Path
    engine: object
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}


def make_course(folder: Path, db_url: str | None = None, **policy: object) -> Course:
    from grader.course.accounts import add_account
    from grader.course.store import open_store

    write_course(folder, **policy)
    engine = open_store(db_url or f"sqlite:///{folder / 'course.sqlite'}")
    course = Course(folder, engine)
    for login, role in (("alice", "learner"), ("bob", "learner"), ("prof", "instructor"), ("tess", "ta")):
        course.tokens[login] = add_account(engine, login, role=role)
    return course


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return make_course(tmp_path / "course")


@pytest.fixture
def client(course: Course):  # type: ignore[no-untyped-def]
    """The course's app without grading: submissions stay queued."""
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    with TestClient(create_app(course.folder, grading=False)) as test_client:
        yield test_client


def week2_files() -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in WEEK2_SOLUTION]


def wait_for(client, token_headers: dict[str, str], public: str, seconds: float = 180.0) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        view = client.get(f"/api/v1/submissions/{public}", headers=token_headers).json()
        if view["status"] in ("done", "failed"):
            return view
        time.sleep(0.2)
    raise AssertionError(f"submission {public} not graded within {seconds} s")


# -- a live server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)


def start_server(folder: Path, log: Path, *extra: str, env: dict[str, str] | None = None,
                 port: int | None = None) -> LiveServer:
    port = port or free_port()
    command = [shutil.which("grade") or "grade", "serve", "--course", str(folder), "--port", str(port), *extra]
    handle = log.open("ab")
    process = subprocess.Popen(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"grade serve exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return LiveServer(url, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"grade serve did not answer within 120 s: {log.read_text()[-2000:]}")


@pytest.fixture
def live(course: Course, tmp_path: Path):  # type: ignore[no-untyped-def]
    server = start_server(course.folder, tmp_path / "server.log", "--workers", "1")
    yield server
    server.stop()


# -- PostgreSQL ---------------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    for found in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        return found.parent
    return None


@pytest.fixture(scope="session")
def postgres_url():  # type: ignore[no-untyped-def]
    """A PostgreSQL server of its own for the session (Debian's postgresql package; .ci/run installs it)."""
    import tempfile

    binaries = _pg_bin()
    if binaries is None:
        pytest.fail("PostgreSQL is not installed (apt-get install -y postgresql): .ci/run installs it")
    folder = Path(tempfile.mkdtemp(prefix="dl-grader-pg-"))  # not below pytest's folders: those are root's only
    data = folder / "data"
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(folder, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader",
                    "--no-sync"], check=True, capture_output=True)
    port = free_port()
    subprocess.run([*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                    "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://grader@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_url: str):  # type: ignore[no-untyped-def]
    """A fresh database on the session's server."""
    import psycopg

    name = f"course_{os.urandom(6).hex()}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
