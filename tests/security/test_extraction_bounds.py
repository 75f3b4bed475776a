"""Reading a submission is linear in its size and has a time budget (issue: the trusted side).

Everything the grading process does with a learner's text (parsing, selecting definitions, the
reads analysis that leaves out unread imports and values, compiling) must grow linearly with the
number of imports, constants, cells and statements: a file of a few megabytes crafted to be
quadratic used to hold the grader for minutes.  Growth is measured as the ratio of CPU time for an
input eight times larger (linear: about 8; quadratic: about 64), so the machine's speed and load do
not matter; each size takes the best of a few runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import grader.ingest.submission as submission
from grader.errors import UsageError
from grader.ingest.submission import load_submission

ROOT = Path(__file__).resolve().parents[2]
GRADED = ["sigmoid", "propagate"]
SMALL, FACTOR = 1500, 8
# Linear growth gives ~8; what used to be quadratic gave 30 to 70 here.
MAX_RATIO = 20


def notebook(cells: list[str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None} for c in cells]})


SIGMOID = "def sigmoid(x):\n    return x\n"
INPUTS: dict[str, tuple[str, Callable[[int], str]]] = {
    # every assignment copied the set of names defined so far
    "constants": (".py", lambda n: "".join(f"C{i} = {i}\n" for i in range(n)) + SIGMOID),
    "strings": (".py", lambda n: "".join(f"S{i} = 'text {i}'\n" for i in range(n)) + SIGMOID),
    # one regex alternation of every import name, matched against every unit
    "imports": (".py", lambda n: "".join(f"import mod{i}\n" for i in range(n)) + SIGMOID),
    "from-imports": (".py", lambda n: "".join(f"from pkg{i} import name{i} as alias{i}\n" for i in range(n)) + SIGMOID),
    # a chain of computed values: the unread ones were dropped one pass over the file at a time
    "chained-calls": (".py", lambda n: "import numpy as np\nA0 = np.zeros(1)\n"
                      + "".join(f"A{i} = np.abs(A{i - 1})\n" for i in range(1, n)) + SIGMOID),
    "cells": (".ipynb", lambda n: notebook([f"import m{i}\nC{i} = {i}\n" for i in range(n)] + [SIGMOID])),
    "cells-of-magics": (".ipynb", lambda n: notebook([f"%%time\nx{i} = {i}\n!ls\n" for i in range(n)] + [SIGMOID])),
    "broken-blocks": (".py", lambda n: "".join(f"def f{i}(:\n    pass\n" for i in range(n)) + SIGMOID),
}


def cpu_seconds(path: Path, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        load_submission([path], siblings=False, graded=GRADED)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("kind", INPUTS)
def test_reading_grows_linearly(kind: str, tmp_path: Path) -> None:
    suffix, make = INPUTS[kind]
    small, large = tmp_path / f"small{suffix}", tmp_path / f"large{suffix}"
    small.write_text(make(SMALL), encoding="utf-8")
    large.write_text(make(SMALL * FACTOR), encoding="utf-8")
    ratio = cpu_seconds(large) / max(cpu_seconds(small), 1e-4)
    assert ratio < MAX_RATIO, f"{kind}: {FACTOR}x the input took {ratio:.1f}x the CPU time (quadratic?)"


def test_unread_chains_are_still_left_out(tmp_path: Path) -> None:
    """The work-list form of the reads analysis drops the same statements as before."""
    path = tmp_path / "chain.py"
    path.write_text("import numpy as np\nA0 = np.zeros(3)\nA1 = np.abs(A0)\nA2 = np.abs(A1)\nB = np.ones(2)\n"
                    "def sigmoid(x):\n    return x + B\n", encoding="utf-8")
    kept = [n for u in load_submission([path], siblings=False, graded=GRADED).modules[0].units for n in u.names]
    assert kept == ["np", "B", "sigmoid"]


def test_reading_has_a_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "many.py"
    path.write_text(INPUTS["constants"][1](SMALL), encoding="utf-8")
    monkeypatch.setattr(submission, "EXTRACT_SECONDS", -1.0)
    with pytest.raises(UsageError, match="could not be read within") as info:
        load_submission([path], siblings=False, graded=GRADED)
    assert "\n" not in str(info.value)
    monkeypatch.undo()
    assert load_submission([path], siblings=False, graded=GRADED).modules  # the budget was this call's only


def test_notes_are_capped_in_number_and_length(tmp_path: Path) -> None:
    """Thousands of broken blocks and failing imports (learner text in every note) give a report of
    bounded size: 20 notes of each kind, each at most 1000 characters, and a count of the rest."""
    from grader.grading import grade_submission

    path = tmp_path / "notes.py"
    path.write_text("".join(f"def broken_{i}(:\n    pass\n" for i in range(3000))
                    + "".join(f"import missing_module_{'x' * 3000}_{i}\n" for i in range(300))
                    + "".join(f"def f{i}():\n    return missing_module_{'x' * 3000}_{i}\n" for i in range(300))
                    + "def sigmoid(x):\n    return x\n", encoding="utf-8")
    report = grade_submission(ROOT / "exercises" / "week2", [path])
    kinds: dict[str, int] = {}
    for note in report.notes:
        kinds[note.kind] = kinds.get(note.kind, 0) + 1
        assert len(note.message) <= 1100
    assert kinds["syntax-error"] == 21 and kinds["import-failed"] == 21
    assert any("and 2980 more" in n.message for n in report.notes if n.kind == "syntax-error")
    assert len(report.to_json()) < 200_000
