"""A syntax error is shown under the function it hides, not as "not found / define it"."""

from __future__ import annotations

import json
import re
from pathlib import Path

from grader.ingest.submission import load_submission
from grader.grading import grade_submission
from grader.views.html import render_html

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
REFERENCE = (ROOT / "solutions" / "week2" / "python_basics.py").read_text(encoding="utf-8")


def broken(source: str, function: str) -> str:
    """``source`` with an unclosed parenthesis in the first line of ``function``'s body."""
    head = f"def {function}("
    start = source.index(head)
    body = source.index("\n", start) + 1
    return source[:body] + "    oops = (1,\n" + source[body:]


def test_a_py_file_names_the_line_under_the_function(tmp_path: Path) -> None:
    path = tmp_path / "python_basics.py"
    path.write_text(broken(REFERENCE, "softmax"), encoding="utf-8")
    report = grade_submission(EXERCISE, [path])
    softmax = [c for c in report.checks if c.function == "softmax"]
    assert softmax and all(c.status == "failed" for c in softmax)
    for check in softmax:
        assert "softmax could not be graded" in check.message and "does not parse" in check.message
        assert "not found in your files" not in check.message
    line = broken(REFERENCE, "softmax").splitlines().index("    oops = (1,") + 1
    assert any(f"line {line} does not parse" in c.message or f"line {line + 1} does not parse" in c.message
               for c in softmax)
    sigmoid = {f.name: f for f in report.functions}["sigmoid"]
    assert sigmoid.points == sigmoid.max_points  # the rest of the file is graded
    assert "softmax could not be graded" in render_html(report)


def test_a_notebook_names_the_cell_and_line(tmp_path: Path) -> None:
    cells = [broken(REFERENCE, "L1")]
    path = tmp_path / "python_basics.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Week 2"}] + [
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
        for c in cells]}), encoding="utf-8")
    submission = load_submission([path])
    assert submission.unparsed(("L1",)).startswith(f"{path}: cell ")
    assert "does not parse" in submission.unparsed(("L1",))
    assert submission.unparsed(("sigmoid",)) == ""
    report = grade_submission(EXERCISE, [path])
    assert all("L1 could not be graded" in c.message for c in report.checks if c.function == "L1")


def test_a_function_defined_again_after_the_broken_copy_is_graded(tmp_path: Path) -> None:
    """The broken block hides nothing when a later definition parses: that one is graded."""
    path = tmp_path / "python_basics.py"
    path.write_text("def sigmoid(x:\n    pass\n\n" + REFERENCE, encoding="utf-8")
    report = grade_submission(EXERCISE, [path])
    sigmoid = {f.name: f for f in report.functions}["sigmoid"]
    assert sigmoid.points == sigmoid.max_points


def test_where_a_definition_does_not_parse_is_said_in_the_language_spoken(tmp_path: Path) -> None:
    """The line (and cell) that hides a function is a sentence of the catalog (files.py): Korean under
    ``--lang ko``, the same numbers and Python's own reason in both."""
    from grader.messages import speaking

    notebook = tmp_path / "python_basics.ipynb"
    notebook.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Week 2"},
        {"cell_type": "code", "metadata": {}, "source": broken(REFERENCE, "L1"), "outputs": [],
         "execution_count": None}]}), encoding="utf-8")
    script = tmp_path / "week2.py"
    script.write_text(broken(REFERENCE, "softmax"), encoding="utf-8")
    english_cell = load_submission([notebook]).unparsed(("L1",))
    english_file = load_submission([script]).unparsed(("softmax",))
    with speaking("ko"):
        korean_cell = load_submission([notebook]).unparsed(("L1",))
        korean_file = load_submission([script]).unparsed(("softmax",))
    cell, line, reason = re.fullmatch(rf"{re.escape(str(notebook))}: cell (\d+), line (\d+) does not parse: (.+)",
                                      english_cell).groups()
    assert korean_cell == f"{notebook}: 셀 {cell}의 {line}번째 줄을 파싱할 수 없습니다: {reason}"
    line, reason = re.fullmatch(rf"{re.escape(str(script))}: line (\d+) does not parse: (.+)", english_file).groups()
    assert korean_file == f"{script}: {line}번째 줄을 파싱할 수 없습니다: {reason}"
