"""Scaling out: two servers share one PostgreSQL queue; a server grades on a Dask cluster."""

from __future__ import annotations

import pytest
from conftest import make_course, wait_for, week2_files
from sqlalchemy import select

from grader.course.store import submissions


@pytest.mark.slow
def test_two_servers_share_one_postgresql_queue(tmp_path, postgres_db):
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    course = make_course(tmp_path / "course", db_url=postgres_db)
    first_app = create_app(course.folder, db_url=postgres_db, workers=1)
    second_app = create_app(course.folder, db_url=postgres_db, workers=1)
    with TestClient(first_app) as first, TestClient(second_app) as second:
        ids = [(first if i % 2 else second).post("/api/v1/exercises/week2/submissions", files=week2_files(),
                                                  headers=course.auth(("alice", "bob")[i % 2])).json()["id"]
               for i in range(6)]
        views = [wait_for(first, course.auth("prof"), public) for public in ids]
        # Either server answers for any submission: one database.
        assert second.get(f"/api/v1/submissions/{ids[0]}", headers=course.auth("prof")).json()["status"] == "done"
        graded = first_app.state.server.dispatcher.graded + second_app.state.server.dispatcher.graded
    assert [v["status"] for v in views] == ["done"] * 6 and all(v["points"] == 37 for v in views)
    assert graded == 6  # each recorded by exactly one of them
    with course.engine.connect() as connection:
        rows = connection.execute(select(submissions.c.id, submissions.c.tries)).all()
    assert sorted(r.id for r in rows) == sorted(ids) and all(r.tries == 1 for r in rows)


@pytest.mark.slow
def test_a_server_grades_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    course = make_course(tmp_path / "course")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        app = create_app(course.folder, dask=cluster.scheduler_address, workers=1)
        with TestClient(app) as client:
            public = client.post("/api/v1/exercises/week2/submissions", files=week2_files(),
                                 headers=course.auth("alice")).json()["id"]
            view = wait_for(client, course.auth("alice"), public)
            assert app.state.server.dispatcher.pool is None  # nothing graded by local processes
    assert view["status"] == "done" and view["points"] == 37, view.get("failure")
    assert view["report"]["learner"] == "alice"
