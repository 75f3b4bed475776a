"""Class-level outputs treat learner ids as hostile (SECURITY.md, "Learner ids").

A learner id is the name a learner gave their file or folder. One class of hostile names
is graded once by the real ``grade batch`` (module fixture), exported with
``grade export csv`` and shown with ``grade report``; each test then attacks one output:

- CSV: cells a spreadsheet would evaluate (= + - @, tab, CR, full-width =) stay text;
- terminal: markup, emoji codes, ESC / OSC 8 / C1 sequences, bidi overrides and line breaks
  in ids are printed literally, escaped;
- feedback pages: two learners never share a page (slug collisions, case, Unicode forms), and
  the page names are portable (no leading ``-`` or ``.``, no Windows device names, short);
- entries sharing an id (``carl.py``, ``carl.ipynb``, ``carl/``) are refused, never graded over
  one another; ids that only look alike are graded apart with one warning;
- the class report links each learner to their own page and shows ids escaped.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser import parse_dom
from typer.testing import CliRunner

from grader.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "week2"
SOLUTION = ROOT / "solutions" / "week2" / "python_basics.py"

# Graded learners (a copy of the reference's python_basics.py each), by what their name attacks.
FORMULAS = ['=HYPERLINK("evil.example","click")', "+cmd|' -C calc'!A0", "@SUM(1+1)*cmd", "-2+3+cmd",
            "\tTAB=1+1", "\rCR=1+1", "'quoted", "\uff1d1+1"]
TERMINAL = ["\x1b[2Jwiped", "\x1b]8;;http:evil\x1b\\click\x1b]8;;\x1b\\", "\u202eexe.txt", "tab\tand\x9bcsi"]
SLUGS = ["a b", "a_b", "a?b", "x", "x.", "o'brien", "o_brien", "x\u2215..\u2215..\u2215etc\u2215passwd",
         "<img src=x onerror=alert(1)>"]
PORTABLE = ["-rf", "CON", "nul", "com1", "Lpt1"]
ALICES = ["alice", "Alice", "ali\u200bce", "\uff41lice"]  # case, zero-width space, full-width a
JOSES = ["Jos\u00e9", "Jose\u0301"]  # NFC and NFD
GRADED = FORMULAS + TERMINAL + SLUGS + PORTABLE + ALICES + JOSES
# Learners whose notebook is broken: no grade, so `grade batch` prints their ids with the reason.
BROKEN = ["[link=https:evil]click", "[bold red]fake", ":warning: urgent", "\x1b[31mred", "\x9b2Jc1",
          "bob\nalice: 37 - 37", "\u202ecod.exe"]
CARL = ["carl.py", "carl.ipynb", "carl"]  # three entries, one learner id


def notebook(source: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                                  "execution_count": None}]})


@dataclass(frozen=True)
class GradedClass:
    scratch: Path
    gradebook: Path
    out: Path
    batch_output: str
    csv: Path
    report: Path


def grade(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory) -> GradedClass:
    scratch = tmp_path_factory.mktemp("hostile")
    folder = scratch / "class"
    folder.mkdir()
    for learner in GRADED:
        shutil.copy(SOLUTION, folder / f"{learner}.py")
    for learner in BROKEN:
        (folder / f"{learner}.ipynb").write_text("{not json")
    shutil.copy(SOLUTION, folder / "carl.py")
    (folder / "carl.ipynb").write_text(notebook(SOLUTION.read_text()))
    (folder / "carl").mkdir()
    shutil.copy(SOLUTION, folder / "carl" / "basics.py")
    gradebook, out = scratch / "class.sqlite", scratch / "feedback"
    batch = grade("batch", EXERCISE, folder, "--gradebook", gradebook, "--out", out, "--jobs", "2")
    assert batch.exit_code == 0, batch.output
    exported = grade("export", "csv", EXERCISE, "--gradebook", gradebook, "--out", scratch / "class.csv")
    assert exported.exit_code == 0, exported.output
    report = grade("report", EXERCISE, "--gradebook", gradebook, "--feedback", out, "--html", scratch / "class.html")
    assert report.exit_code == 0, report.output
    return GradedClass(scratch, gradebook, out, batch.output, scratch / "class.csv", scratch / "class.html")


def target_of(graded: GradedClass, link) -> Path:  # type: ignore[no-untyped-def]
    """The file a class report's link opens."""
    return graded.report.parent / unquote(link.attrs["href"])


def learners_in(gradebook: Path) -> list[str]:
    with sqlite3.connect(gradebook) as db:
        return [row[0] for row in db.execute("SELECT learner FROM submissions ORDER BY id")]


def test_csv_cells_a_spreadsheet_would_evaluate_stay_text(hostile_class):
    """Does every learner cell that starts like a formula get a leading ', and is the exact id the
    cell without it?"""
    with hostile_class.csv.open(newline="", encoding="utf-8") as table:
        cells = [row["learner"] for row in csv.DictReader(table)]
    for learner in FORMULAS:
        assert f"'{learner}" in cells, learner
    assert {"alice", "x", "a_b"} <= set(cells)  # plain ids are left as they are
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\uff1d")]
    assert sorted(cell[1:] if cell.startswith("'") else cell for cell in cells) == sorted(GRADED)


def test_csv_on_a_terminal_shows_control_characters_escaped(hostile_class):
    """Printed on a terminal, does the CSV show ESC, C1 and bidi characters of ids as escapes?"""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from grader.cli.app import main; main()", "export", "csv", str(EXERCISE),
                                "--gradebook", str(hostile_class.gradebook)],
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=terminal, stderr=subprocess.PIPE)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    text = shown.decode("utf-8").replace("\r\n", "\n")
    for raw in ("\x1b", "\x9b", "\r", "\u202e"):
        assert raw not in text, repr(raw)
    assert "'\\x1b[2Jwiped" in text and "\\u202eexe.txt" in text and "'\\x0dCR=1+1" in text


def test_batch_prints_ids_literally(hostile_class):
    """Are markup, emoji codes, escape sequences and line breaks in ids printed as text, not obeyed?"""
    output = hostile_class.batch_output
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in output, repr(raw)
    for literal in ("  [link=https:evil]click: ", "  [bold red]fake: ", "  :warning: urgent: ", "  \\x1b[31mred: ",
                    "  \\x9b2Jc1: ", "  bob\\x0aalice: 37 - 37: ", "  \\u202ecod.exe: "):
        assert literal in output, literal
    assert not [line for line in output.splitlines() if line.startswith("alice: 37")]  # no line forged by a \n


def test_lookalike_ids_are_graded_apart_with_one_warning_each(hostile_class):
    """Ids that differ only by case, Unicode form or a zero-width character: each learner keeps their
    own grade, and one warning names each group exactly."""
    assert set(ALICES + JOSES) <= set(learners_in(hostile_class.gradebook))
    warnings = [line for line in hostile_class.batch_output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, warnings
    alices = next(line for line in warnings if "'alice'" in line)
    assert all(ascii(learner) in alices for learner in ALICES)
    joses = next(line for line in warnings if "Jos" in line)
    assert all(ascii(learner) in joses for learner in JOSES)


def test_entries_sharing_an_id_are_refused(hostile_class):
    """carl.py, carl.ipynb and a folder carl/: none is graded, and carl is named once with the entries."""
    assert "carl" not in learners_in(hostile_class.gradebook)
    lines = [line for line in hostile_class.batch_output.splitlines() if line.startswith("  carl: ")]
    assert lines == ["  carl: 3 entries are this one learner (carl/, carl.ipynb, carl.py): none is graded; "
                     "keep one, or rename them"]


def test_an_earlier_grade_is_never_overwritten_by_a_second_entry(tmp_path):
    """dan.py is graded; then a classmate drops dan.ipynb (the reference) next to it: the rerun refuses
    both, and dan's grade and feedback page stay as they were."""
    folder, gradebook, out = tmp_path / "class", tmp_path / "class.sqlite", tmp_path / "feedback"
    folder.mkdir()
    (folder / "dan.py").write_text("def sigmoid(z):\n    return z\n")
    assert grade("batch", EXERCISE, folder, "--gradebook", gradebook, "--out", out, "--jobs", "1").exit_code == 0
    page = (out / "dan.html").read_bytes()
    (folder / "dan.ipynb").write_text(notebook(SOLUTION.read_text()))
    again = grade("batch", EXERCISE, folder, "--gradebook", gradebook, "--out", out, "--jobs", "1")
    assert again.exit_code == 0 and "graded 0, already up to date 0, no grade 1" in again.output, again.output
    assert "  dan: 2 entries are this one learner (dan.ipynb, dan.py)" in again.output
    assert learners_in(gradebook) == ["dan"] and (out / "dan.html").read_bytes() == page


def test_two_learners_never_share_a_feedback_page(hostile_class):
    """Does every graded learner have a page of their own, holding their own report?"""
    pages = sorted(hostile_class.out.glob("*.json"))
    assert sorted(json.loads(page.read_text())["learner"] for page in pages) == sorted(GRADED)
    assert sorted(page.with_suffix(".html") for page in pages) == sorted(hostile_class.out.glob("*.html"))


def test_feedback_page_names_are_portable(hostile_class):
    """Short ASCII names, never starting with - or ., no Windows device names, distinct even where the
    file system folds case, and all in the feedback folder itself."""
    devices = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))}
    names = [path.name for path in hostile_class.out.iterdir()]
    assert all(path.is_file() for path in hostile_class.out.iterdir())
    assert {path.name for path in hostile_class.scratch.iterdir()} <= {  # nothing written beside the folder
        "class", "class.csv", "class.html", "class.sqlite", "class.sqlite-shm", "class.sqlite-wal", "feedback"}
    for name in names:
        assert name.isascii() and len(name.encode()) <= 100 and name[0].isalnum(), name
        assert name.split(".")[0].lower() not in devices, name
    assert len({name.casefold() for name in names}) == len(names) == 2 * len(GRADED)


def test_names_too_long_for_a_page_file_are_graded_with_a_short_page(tmp_path):
    """A 255-byte file name leaves no room for ".json": the batch used to stop with a traceback."""
    folder, out = tmp_path / "class", tmp_path / "feedback"
    folder.mkdir()
    for learner in ("a" * 252, "\u00e9" * 126):  # 252 bytes, + ".py": the longest name ext4 allows
        shutil.copy(SOLUTION, folder / f"{learner}.py")
    result = grade("batch", EXERCISE, folder, "--gradebook", tmp_path / "class.sqlite", "--out", out, "--jobs", "1")
    assert result.exit_code == 0 and "graded 2" in result.output, result.output
    names = [path.name for path in out.iterdir()]
    assert len(names) == 4 and all(len(name.encode()) <= 100 for name in names), names


def test_class_report_links_each_learner_to_their_own_page_and_shows_ids_escaped(hostile_class):
    """Each row's link opens that learner's page; invisible characters are shown escaped; markup in an
    id is text in the class report and on the learner's page."""
    page = parse_dom(hostile_class.report.read_text(encoding="utf-8"))
    rows = page.by_id("learners").find_all("tr", "learner-row")
    exact = {learner.replace("\r", "\n"): learner for learner in GRADED}  # HTML reads a CR as a line feed
    assert sorted(row.attrs["data-learner"] for row in rows) == sorted(exact)
    for row in rows:
        learner = exact[row.attrs["data-learner"]]
        link = row.find_all("a", "feedback-link")[0]
        assert not [c for c in link.full_text if unicodedata.category(c) in ("Cc", "Cf")], learner
        assert json.loads(target_of(hostile_class, link).with_suffix(".json").read_text())["learner"] == learner
    shown_ids = page.by_id("learners").full_text
    for literal in ("\\u202eexe.txt", "ali\\u200bce", "\\x09TAB=1+1", "\\x1b]8;;http:evil\\x1b\\\\click"):
        assert literal in shown_ids, literal
    assert not page.find_all("img")
    own_page = next(row for row in rows if row.attrs["data-learner"].startswith("<img"))
    feedback = parse_dom(target_of(hostile_class, own_page.find_all("a")[0]).read_text(encoding="utf-8"))
    assert not feedback.find_all("img") and "<img src=x onerror=alert(1)>" in feedback.by_id("learner").full_text
