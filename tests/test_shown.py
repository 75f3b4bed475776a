"""Learner-controlled text on a terminal (grader.views.learner_ids.shown): learner ids in `grade batch`,
error messages, output and file names in `grade submit`. What a terminal would obey or hide (ESC
and the C1 CSI that start escape sequences, bidi overrides that reorder a line, zero-width
characters) is written as its escape, never passed through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.views.learner_ids import shown

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = "\x1b\x9b\u202e\u200b"


def test_shown_escapes_what_a_terminal_would_obey_or_hide():
    assert shown("alice [bold]x :smile: José") == "alice [bold]x :smile: José"
    assert shown("\x1b[2J\x9b\t\r\n\u202e\u200b\udce9\\") == "\\x1b[2J\\x9b\\x09\\x0d\\x0a\\u202e\\u200b\\udce9\\\\"


def test_multi_line_text_keeps_its_line_breaks_and_tabs():
    assert shown("a\tb\nc\r\x1b[2J", lines=True) == "a\tb\nc\\x0d\\x1b[2J"


def test_grade_submit_shows_a_learners_escapes_as_text(tmp_path: Path) -> None:
    """ESC, CSI (\\x9b), U+202E and U+200B in a learner's exception message and in the learner id:
    escaped in the terminal view, never there as themselves."""
    learner = tmp_path / "escapes.py"
    learner.write_text('def sigmoid(x):\n    raise ValueError("boom\\x1b[2J\\x9b31m\\u202eevil\\u200bx")\n')
    result = subprocess.run(
        [sys.executable, "-m", "grader.cli", "submit", "exercises/week2", "--file", str(learner),
         "--gradebook", str(tmp_path / "gradebook.sqlite"), "--learner", "ann\u202e\u200b"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TERM": "dumb", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert not [c for c in HIDDEN if c in result.stdout]
    assert "sigmoid raised ValueError: boom\\x1b[2J\\x9b31m\\u202eevil\\u200bx" in result.stdout
    assert "ann\\u202e\\u200b" in result.stdout
