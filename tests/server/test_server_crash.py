"""kill -9 of `grade serve` with submissions queued and being graded, then a restart: every
accepted submission is graded exactly once, nothing is lost, and no process of the killed
server is left behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from conftest import make_course, start_server, week2_files
from sqlalchemy import select

from grader.course.store import submissions


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.add(pid)
    return left


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_a_server_stopped_while_grading_loses_nothing_and_grades_once(tmp_path, how):
    course = make_course(tmp_path / "course")
    log = tmp_path / "server.log"
    first = start_server(course.folder, log, "--workers", "1", "--lease-seconds", "2")
    accepted = []
    with httpx.Client(base_url=first.url, timeout=30) as client:
        for i in range(8):
            who = ("alice", "bob")[i % 2]
            response = client.post("/api/v1/exercises/week2/submissions", files=week2_files(), headers=course.auth(who))
            assert response.status_code == 202, response.text
            accepted.append(response.json()["id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # stop it while one is being graded
            states = [client.get(f"/api/v1/submissions/{i}", headers=course.auth("prof")).json()["status"]
                      for i in accepted]
            if "grading" in states:
                break
            time.sleep(0.05)
    family = descendants(first.process.pid)
    assert family, "the server runs grading processes"
    if how == "kill -9":
        os.kill(first.process.pid, signal.SIGKILL)
    else:
        os.kill(first.process.pid, signal.SIGTERM)
    first.process.wait(60)
    deadline = time.monotonic() + 30
    while alive(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(family) == set(), "processes of the stopped server are left"

    second = start_server(course.folder, log, "--workers", "2", "--lease-seconds", "2")
    try:
        with httpx.Client(base_url=second.url, timeout=30) as client:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                views = [client.get(f"/api/v1/submissions/{i}", headers=course.auth("prof")).json() for i in accepted]
                if all(v["status"] in ("done", "failed") for v in views):
                    break
                time.sleep(0.3)
    finally:
        second.stop()
    assert [v["status"] for v in views] == ["done"] * len(accepted), [v.get("failure") for v in views]
    assert all(v["points"] == v["max_points"] == 37 for v in views)
    with course.engine.connect() as connection:
        rows = connection.execute(select(submissions.c.id, submissions.c.tries, submissions.c.status)).all()
    assert sorted(r.id for r in rows) == sorted(accepted)  # nothing lost, nothing duplicated
    assert all(r.tries <= 2 for r in rows)
    if how == "SIGTERM":  # a clean stop gives its work back at once: nothing waits for a lease
        assert "Traceback" not in log.read_text()
