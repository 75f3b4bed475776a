"""`%grade week2 --server URL` in a real kernel, against a live `grade serve`: the kernel's cells go to the course
server as one .py file, and its report is shown inline as a local grade's is."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, start_server

sys.path.insert(0, str(ROOT / "tests"))
from test_jupyter_magic import one_line, result_of, run_kernel, solution_cells  # noqa: E402


@pytest.mark.slow
def test_grade_in_a_kernel_submits_to_the_course_server(course, tmp_path, monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gb.sqlite"))
    for name in ("DL_GRADER_SERVER", "DL_GRADER_TOKEN", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    server = start_server(course.folder, tmp_path / "server.log", "--workers", "1")
    try:
        cells = [*solution_cells(), "%load_ext grader",
                 f"%grade week2 --server {server.url} --token {course.tokens['bob']}",
                 f"%grade week2 --server {server.url} --token dlg_wrong",
                 # the course's settings from the environment, as a JupyterHub would set them
                 f"import os\nos.environ['DL_GRADER_SERVER'] = {server.url!r}\n"
                 f"os.environ['DL_GRADER_TOKEN'] = {course.tokens['alice']!r}",
                 "%grade week2",
                 "%grade week2 sigmoid"]
        outputs = run_kernel(cells, folder)
        n = len(solution_cells())
        first = n + 1  # the cell of the first %grade
        for outcome, learner, ran in ((outputs[first], "bob", f"{n} cells you ran in this kernel (In[1]..In[{n}])"),
                                      (outputs[first + 3], "alice", f"{n + 1} cells you ran in this kernel "
                                                                    f"(In[1]..In[{n + 4}])")):
            text, html = result_of(outcome)["text/plain"], result_of(outcome)["text/html"]
            assert text.startswith(f"Submitted the {ran} to {server.url} as notebook.py"), text
            assert "Total: 37 / 37 (100.0%)" in text and "Recorded by the course server as submission" in text
            assert html.count('<details class="dlg-function fn-complete"') == 12
            listed = httpx.get(server.url + "/api/v1/me/submissions", headers=course.auth(learner)).json()
            assert [(s["status"], s["points"]) for s in listed] == [("done", 37.0)]
        assert one_line(outputs[first + 1], "stderr").startswith("UsageError: the course server refused (401)")
        assert one_line(outputs[first + 4], "stderr") == (
            "UsageError: the course server grades every function: leave out sigmoid (or add --local to grade "
            "them here)")
        assert not (tmp_path / "gb.sqlite").exists()  # the server records it, not the local gradebook
    finally:
        server.stop()
