"""Nothing from the worker is believed beyond plain results (issue: the trusted side).

Learner code runs in the worker and can write frames of its own into the pipe to the grader (the
protocol is no secret: the grader's package is readable in the sandbox).  These attacks forge
start-up frames, garble every field of every frame, answer calls out of turn and name their
exceptions after the grader's own faults.  In every case grading returns a report, the attacking
function earns nothing and says the protocol was broken, an honest function graded in another
call keeps its points, the protections in the report are the ones the worker stated before any
learner code ran, and no message grows with what the attacker sent.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from sandbox_helpers import (
    assert_feedback,
    assert_no_stray_processes,
    assert_points,
    assert_short_report,
    grade,
)

# Finds the worker's reply pipe(s) and writes a frame into them, the way an attacker would.
FORGE = '''
import fcntl as _fcntl, os as _os, stat as _stat

def _forge(message=None, raw=None):
    from grader.sandbox.protocol import write_frame
    for fd in range(3, 64):
        try:
            if not (_stat.S_ISFIFO(_os.fstat(fd).st_mode)
                    and _fcntl.fcntl(fd, _fcntl.F_GETFL) & _os.O_ACCMODE == _os.O_WRONLY):
                continue
        except OSError:
            continue
        if raw is not None:
            _os.write(fd, raw)
        else:
            write_frame(fd, message)
'''

HONEST_SIGMOID = '''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))
'''


def learner_file(tmp_path: Path, body: str, name: str = "attack.py") -> Path:
    path = tmp_path / "submission" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(FORGE + HONEST_SIGMOID + textwrap.dedent(body), encoding="utf-8")
    return path


def protocol_notes(report) -> list[str]:
    return [n.message for n in report.notes if n.kind == "protocol"]


# -- start-up frames: protections come from before any learner code ran ----------------------------


@pytest.mark.parametrize("forged", [
    # a "ready" carrying protections of its own, as the worker once sent them
    {"event": "ready", "notes": [], "protections": {"landlock-filesystem": "active: FORGED",
                                                   "syscall-filter": "active: FORGED"}},
    # a second confinement report, after learner code ran
    {"event": "confined", "protections": {"landlock-filesystem": "active: FORGED"}},
    # a ready with notes that claim an honest grader's voice, plus protections in a note
    {"event": "ready", "notes": [{"index": 1, "kind": "load-error", "message": "FORGED",
                                  "protections": {"x": "active: FORGED"}}]},
], ids=["ready-with-protections", "second-confined", "note-with-extra-fields"])
def test_forged_start_up_frames_do_not_reach_the_report(forged, sandboxes: Path, tmp_path: Path) -> None:
    """A default argument (learner code that runs while loading) writes a start-up frame."""
    path = learner_file(tmp_path, f"""
        def L1(yhat, y, _=_forge({forged!r})):
            return 0.0
    """)
    report = grade(path, sandboxes)
    text = report.to_json()
    assert "FORGED" not in text
    assert report.protections["landlock-filesystem"].startswith("active")
    assert all(state.startswith(("active", "INACTIVE")) for state in report.protections.values())
    assert protocol_notes(report), "the forged frame went unnoticed"
    assert report.points == 0  # everything after the forgery is unbelievable: nothing earns points
    assert_feedback(report, "sigmoid", "grading protocol", status="error")
    assert_no_stray_processes(sandboxes)


# -- malformed frames: a clean result, never an exception in the grader ----------------------------

MALFORMED_WHILE_LOADING = {
    "index-not-a-number": {"event": "unit", "index": "x"},
    "index-out-of-range": {"event": "unit", "index": 10**12},
    "index-a-bool": {"event": "unit", "index": True},
    "notes-not-a-list": {"event": "ready", "notes": {"a": 1}},
    "too-many-notes": {"event": "ready", "notes": [{"index": 1, "kind": "load-error", "message": "m"}] * 50_000},
    "note-of-unknown-kind": {"event": "ready", "notes": [{"index": 1, "kind": "<b>grader</b>", "message": "m"}]},
    "note-not-a-dict": {"event": "ready", "notes": [["index", 1]]},
    "event-missing": {"notes": []},
    "a-list": ["event", "ready"],
    "a-number": 7,
}


@pytest.mark.parametrize("frame", MALFORMED_WHILE_LOADING.values(), ids=MALFORMED_WHILE_LOADING.keys())
def test_malformed_frames_while_loading_end_cleanly(frame, sandboxes: Path, tmp_path: Path) -> None:
    path = learner_file(tmp_path, f"""
        class Loader:
            _forge({frame!r})

        def L1(yhat, y):
            return 0.0
    """)
    report = grade(path, sandboxes)
    assert protocol_notes(report)
    assert_points(report)
    assert_feedback(report, "sigmoid", "grading protocol", status="error")
    assert_short_report(report)
    assert_no_stray_processes(sandboxes)


MALFORMED_REPLIES = {
    "ok-not-a-bool": {"ok": "yes", "value": b"N"},
    "error-a-list": {"ok": False, "fault": "raised", "error": ["ValueError", "x"]},
    "value-not-bytes": {"ok": True, "value": "N"},
    "value-missing": {"ok": True},
    "unknown-fault": {"ok": False, "fault": "timeout", "error": {"type": "T", "message": "", "traceback": ""}},
    "huge-message": {"ok": False, "fault": "raised",
                     "error": {"type": "E" * 100_000, "message": "M" * 5_000_000, "traceback": "T" * 1_000_000}},
    "extra-field": {"ok": True, "value": b"N", "seconds": 0.0},
    "garbled-value": {"ok": True, "value": b"A\xff\xff\xff\xff\xff\xff\xff\x7f"},
}


@pytest.mark.parametrize("frame", MALFORMED_REPLIES.values(), ids=MALFORMED_REPLIES.keys())
def test_malformed_replies_fail_only_the_call_that_sent_them(frame, sandboxes: Path, tmp_path: Path) -> None:
    """The reply arrives while the function still runs (it then waits): the grader reads the forgery."""
    path = learner_file(tmp_path, f"""
        import time

        def L1(yhat, y):
            _forge({frame!r})
            time.sleep(30)
            return 0.0
    """)
    report = grade(path, sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "L1", "grading protocol", status="error")
    assert protocol_notes(report)
    assert_short_report(report)
    assert_no_stray_processes(sandboxes)


@pytest.mark.parametrize("raw", [
    b"\xff\xff\xff\xff",  # a header announcing a 4 GB frame
    b"\x05\x00\x00\x00ZZZZZ",  # a frame with an unknown tag
    b"\x09\x00\x00\x00I" + b"\xff" * 8,  # an integer whose length runs past the frame
], ids=["huge-length", "unknown-tag", "truncated-int"])
def test_raw_garbage_in_the_pipe_ends_cleanly(raw, sandboxes: Path, tmp_path: Path) -> None:
    path = learner_file(tmp_path, f"""
        import time

        def L1(yhat, y):
            _forge(raw={raw!r})
            time.sleep(30)
    """)
    report = grade(path, sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "L1", "grading protocol", status="error")
    assert_no_stray_processes(sandboxes)


# -- replies out of turn -----------------------------------------------------------------------------


def test_replies_written_ahead_of_time_answer_no_call(sandboxes: Path, tmp_path: Path) -> None:
    """L1 returns nonsense but first writes well-formed replies carrying the public example's answer
    (1.1, as the notebook shows): without a per-call nonce they were read as L1's answer."""
    path = learner_file(tmp_path, """
        from grader.sandbox.plain import encode as _encode

        def L1(yhat, y):
            for _ in range(3):
                _forge({"ok": True, "value": _encode(1.1), "stdout": ""})
            return -12345.0
    """)
    report = grade(path, sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "L1", "grading protocol", "-12345", status=None)
    assert_no_stray_processes(sandboxes)


def test_three_violations_stop_the_submission(sandboxes: Path, tmp_path: Path) -> None:
    """Every call of L1 and L2 forges; after three violations nothing more of the file runs,
    so a flood of forgeries costs the grader three worker restarts, not one per call."""
    path = learner_file(tmp_path, """
        def L1(yhat, y):
            _forge(["x"])
            return 0.0

        def L2(yhat, y):
            _forge(["x"])
            return 0.0
    """)
    report = grade(path, sandboxes)
    notes = protocol_notes(report)
    assert notes and "(3 times)" in notes[0]
    assert_feedback(report, "L2", "grading protocol", status="error")
    assert_no_stray_processes(sandboxes)


# -- causes come from what the grader observed, not from exception names ----------------------------


@pytest.mark.parametrize("name, forbidden", [
    ("Timeout", "timed out after"),
    ("WorkerDied", "stopped the sandbox"),
    ("NotFound", "was not found in your files"),
    ("UnsupportedReturn", "cannot be graded"),
    ("MemoryError", "was stopped"),
])
def test_exception_names_are_quoted_not_believed(name: str, forbidden: str, sandboxes: Path,
                                                 tmp_path: Path) -> None:
    path = learner_file(tmp_path, f"""
        def L1(yhat, y):
            raise type({name!r}, (Exception,), {{}})("used more than 300 s of CPU time")
    """)
    report = grade(path, sandboxes)
    assert_points(report, full=["sigmoid"])
    assert_feedback(report, "L1", f"raised {name}", status="error")
    for check in report.checks:
        if check.function == "L1":
            assert forbidden not in check.message
    summary = {f.name: f for f in report.functions}["L1"]
    assert summary.found
    assert not protocol_notes(report)


def test_the_report_of_a_forging_file_is_valid_json(sandboxes: Path, tmp_path: Path) -> None:
    path = learner_file(tmp_path, """
        def L1(yhat, y):
            _forge({"ok": False, "fault": "raised", "error": {"type": "\\ud800", "message": "\\x1b[2J", "traceback": ""}})
            return 0.0
    """)
    report = grade(path, sandboxes)
    json.loads(report.to_json())
    assert_points(report, full=["sigmoid"])


# -- timings are believed only with a right answer ----------------------------------------------------------

EARLY_REPLY = '''
import sys
import time

import numpy as np
from grader.sandbox.plain import encode as _encode


def propagate(w, b, X, Y):
    """Loops over the examples; but on the timing problem it answers the call itself, at once, and never
    returns: the nonce of the running call is in the worker's frame, so the forged reply is in turn
    (and carries no value: the timing call asked for none)."""
    request = sys._getframe(1).f_locals.get("request")  # None when optimize or model calls it
    if isinstance(request, dict) and X.shape[1] == 4000:  # the timing problem of the vectorization check
        _forge({"ok": True, "value": _encode(None), "stdout": "", "nonce": request.get("nonce")})
        while True:  # never answer for real: no reply is left over to give the forgery away
            time.sleep(1)
    m = X.shape[1]
    dw, db, cost = np.zeros_like(w), 0.0, 0.0
    for i in range(m):
        z = float(np.dot(w[:, 0], X[:, i])) + b
        a = 1 / (1 + np.exp(-z))
        cost += -(Y[0, i] * np.log(a) + (1 - Y[0, i]) * np.log(1 - a))
        dw[:, 0] += X[:, i] * (a - Y[0, i])
        db += a - Y[0, i]
        time.sleep(0.0005)
    return {"dw": dw / m, "db": db / m}, cost / m
'''


def test_a_reply_sent_before_the_work_is_done_does_not_make_a_loop_look_fast(sandboxes: Path, tmp_path: Path) -> None:
    """The vectorization check times the learner's function on a large problem; a function that answers
    its own call before looping (in turn: it reads the call's nonce from the worker's frame) was timed
    as instant. The time is now believed only with the right result, which a reply sent before the
    work cannot carry."""
    report = grade(learner_file(tmp_path, EARLY_REPLY), sandboxes, budget=60)
    timing = [c for c in report.checks if c.function == "propagate" and c.name.endswith("vectorized")]
    assert timing, "the vectorization check did not run"
    assert timing[0].status != "passed"
    assert "could not be judged" in timing[0].message  # the forged answer was read, and not believed
    assert_no_stray_processes(sandboxes)
