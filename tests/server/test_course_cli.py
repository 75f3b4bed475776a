"""`grade course ...`, `grade serve --demo` and `grade login`: what an instructor and a learner type."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import time

import httpx
import pytest
from conftest import ROOT, free_port, start_server, write_course
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()


def grade(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grade: error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_init_then_accounts(tmp_path):
    folder = tmp_path / "course"
    done = grade("course", "init", str(folder), "--title", "Spring 2027")
    assert done.exit_code == 0, done.output
    assert (folder / "course.toml").is_file() and (folder / "course.sqlite").is_file()
    assert "exists already" in one_line_error(grade("course", "init", str(folder)))

    added = grade("course", "learners", "add", str(folder), "--id", "alice", "--email", "a@example.org")
    assert added.exit_code == 0, added.output
    token = added.output.split()[-1]  # the last word of the last line
    from grader.course.accounts import authenticate
    from grader.course.store import open_store

    engine = open_store(f"sqlite:///{folder / 'course.sqlite'}")
    assert authenticate(engine, token).login == "alice"
    assert token not in (folder / "course.sqlite").read_bytes().decode("latin-1")  # stored hashed
    assert "has an account already" in one_line_error(grade("course", "learners", "add", str(folder), "--id", "alice"))
    assert "not a usable id" in one_line_error(grade("course", "learners", "add", str(folder), "--id", "../x"))
    assert "not a role" in one_line_error(grade("course", "learners", "add", str(folder), "--id", "x", "--role", "god"))

    renewed = grade("course", "learners", "token", str(folder), "--id", "alice")
    assert renewed.exit_code == 0
    assert authenticate(engine, token) is None and authenticate(engine, renewed.output.split()[-1]).login == "alice"

    listed = grade("course", "learners", "list", str(folder))
    assert "alice\tlearner\ta@example.org" in listed.output and "dlg_" not in listed.output

    extended = grade("course", "extend", str(folder), "--id", "alice", "--exercise", "week2", "--days", "2")
    assert extended.exit_code == 0, extended.output
    assert "no exercise" in one_line_error(grade("course", "extend", str(folder), "--id", "alice",
                                                 "--exercise", "week99", "--days", "2"))


def test_roster_import(tmp_path):
    folder = tmp_path / "course"
    write_course(folder)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,email,role\nada,ada@example.org,learner\ngrace,,ta\n")
    out = tmp_path / "tokens.csv"
    done = grade("course", "learners", "import", str(folder), str(roster), "--out", str(out))
    assert done.exit_code == 0, done.output
    rows = out.read_text().splitlines()
    assert rows[0] == "id,role,token" and rows[1].startswith("ada,learner,dlg_") and rows[2].startswith("grace,ta,dlg_")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "dlg_" not in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("id\nok\nnot ok\n")
    assert "roster line 3" in one_line_error(grade("course", "learners", "import", str(folder), str(bad)))
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("name\nx\n")
    assert "`id` column" in one_line_error(grade("course", "learners", "import", str(folder), str(nohead)))


def test_serve_needs_a_course(tmp_path):
    assert "--course DIR, or --demo" in one_line_error(grade("serve"))
    assert "not a course folder" in one_line_error(grade("serve", "--course", str(tmp_path)))
    write_course(tmp_path / "c")
    assert "not a port" in one_line_error(grade("serve", "--course", str(tmp_path / "c"), "--port", "70000"))


@pytest.mark.slow
def test_serve_demo_prints_tokens_that_work(tmp_path):
    port = free_port()
    log = tmp_path / "demo.log"
    process = subprocess.Popen(["grade", "serve", "--demo", "--port", str(port), "--workers", "1"], cwd=ROOT,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        tokens = dict(re.findall(r"^\s+\w+\s+(\w+)\s+(dlg_\S+)$", log.read_text(), re.M))
        assert set(tokens) == {"instructor", "ada", "grace"}, log.read_text()
        me = httpx.get(url + "/api/v1/me", headers={"Authorization": f"Bearer {tokens['ada']}"}).json()
        assert me == {"id": "ada", "role": "learner", "lang": "en"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


@pytest.mark.slow
def test_login_keeps_the_token_for_the_server(course, tmp_path):
    server = start_server(course.folder, tmp_path / "server.log", "--workers", "1")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    try:
        done = grade("login", server.url, "--token", course.tokens["alice"], env=env)
        assert done.exit_code == 0 and "as alice" in done.output, done.output
        saved = tmp_path / "config" / "dl-grader" / "credentials.json"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert "refused (401)" in one_line_error(grade("login", server.url, "--token", "dlg_wrong", env=env))
    finally:
        server.stop()
    assert "cannot reach" in one_line_error(grade("login", server.url, "--token", "dlg_x", env=env))
    assert "not a server address" in one_line_error(grade("login", "ftp://x", "--token", "dlg_x", env=env))


@pytest.mark.slow
def test_submit_to_a_server_shows_the_same_feedback(course, tmp_path):
    server = start_server(course.folder, tmp_path / "server.log", "--workers", "1")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "DL_GRADER_GRADEBOOK": str(tmp_path / "gb.sqlite")}
    env.pop("DL_GRADER_TOKEN", None)
    solution = ["--file", str(ROOT / "solutions" / "week2")]
    try:
        def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
            return subprocess.run(["grade", "submit", "exercises/week2", *args], cwd=ROOT, capture_output=True,
                                  text=True, env={**env, **extra}, timeout=300)

        quiet = run(*solution, "--server", server.url, "--token", course.tokens["alice"], "-q")
        assert quiet.returncode == 0, quiet.stderr
        assert quiet.stdout.strip() == "week2: 37 / 37"
        full = run(*solution, "--server", server.url, "--json", str(tmp_path / "r.json"), "--html",
                   str(tmp_path / "r.html"), DL_GRADER_TOKEN=course.tokens["bob"])
        assert full.returncode == 0, full.stderr
        assert "37" in full.stdout and "Recorded by the course server" in full.stdout
        import json

        assert json.loads((tmp_path / "r.json").read_text())["learner"] == "bob"
        assert (tmp_path / "r.html").stat().st_size > 1000
        assert not (tmp_path / "gb.sqlite").exists()  # the server records it, not the local gradebook
        listed = httpx.get(server.url + "/api/v1/me/submissions", headers=course.auth("bob")).json()
        assert [s["status"] for s in listed] == ["done"]

        for args, problem in [((), "no token for"), (("--token", "dlg_wrong"), "refused (401)"),
                              (("--token", course.tokens["alice"], "--seed", "3"), "cannot be used with --server")]:
            bad = run(*solution, "--server", server.url, *args)
            assert bad.returncode == 2 and problem in bad.stderr, bad.stderr
            assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
        closed = subprocess.run(["grade", "submit", "exercises/week3", "--server", server.url, "--token",
                                 course.tokens["alice"], "--file", str(ROOT / "solutions" / "week3")], cwd=ROOT,
                                capture_output=True, text=True, env=env, timeout=300)
        assert closed.returncode == 2 and "closed" in closed.stderr
    finally:
        server.stop()
