"""The bad-input matrix: one test per row. Every row ends as a report or a one-line UsageError.

| row | test |
| --- | --- |
| empty file (.py) | test_empty_python_file_is_graded_as_nothing_found |
| empty file (.ipynb) | test_empty_notebook_is_refused_in_one_line |
| binary file | tests/test_extract.py::test_unusable_files_raise_usage_error (binary), tests/test_cli.py::test_unusable_input_is_one_line_and_nonzero (bin.py) |
| non-UTF-8 | tests/test_extract.py::test_unusable_files_raise_usage_error (not UTF-8), tests/test_cli.py::test_unusable_input_is_one_line_and_nonzero (latin.py) |
| a 50 MB notebook | test_a_50_mb_notebook_of_outputs_is_graded_from_its_code, test_a_notebook_just_under_the_limit_is_graded_quickly, test_a_notebook_over_the_notebook_limit_is_refused_at_once_without_being_read |
| nbformat v3 | test_nbformat_v3_notebook_is_graded_in_full (extraction: tests/test_extract.py::test_nbformat_v3_notebook) |
| nbformat v4.5 | test_nbformat_v45_notebook_with_outputs_and_attachments_is_graded_in_full |
| outputs and attachments | same test (extraction: tests/test_extract.py::test_outputs_and_attachments_are_ignored) |
| duplicated graded cells | test_duplicated_graded_cells_the_last_one_counts |
| a graded function defined twice | test_a_function_defined_twice_is_graded_by_its_last_definition (extraction: tests/test_extract.py::test_last_definition_wins_and_source_is_kept) |
| a function that parses but is too deep to compile | test_a_function_too_deep_to_compile_costs_only_itself |
| a folder with nested folders and stray files | test_submission_folder_with_nested_folders_and_stray_files, test_batch_learner_folder_with_only_a_nested_folder |

Decision for big files (see SECURITY.md): a file larger than ``grader.ingest.reading.MAX_FILE_BYTES`` (20 MB)
is refused from its size alone, before it is read; anything smaller is read and graded. A notebook's
outputs do not count: one of up to ``NOTEBOOK_MAX_BYTES`` (200 MB) is read a chunk at a time without
them, and graded when the rest is within 20 MB; a larger one is refused from its size.
"""

from __future__ import annotations

import ast
import json
import resource
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from sandbox_helpers import EXERCISE, SOLUTIONS, run_class

from grader.errors import UsageError
from grader.ingest.reading import MAX_FILE_BYTES, NOTEBOOK_MAX_BYTES
from grader.ingest.submission import load_submission
from grader.grading import grade_submission
from grader.model.report import GradeReport
from grader.sandbox.client import Limits

FAST = Limits(call_seconds=5, load_seconds=5)
MiB = 2**20
BASICS = ("sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1", "L2")


def solution_cells(name: str = "python_basics.py") -> list[str]:
    """The reference's imports and functions, one code cell each, graded ones marked as in the course."""
    text = (SOLUTIONS / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    cells = []
    for node in ast.parse(text).body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef)) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            source = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            if isinstance(node, ast.FunctionDef) and node.name in BASICS:
                source = f"# GRADED FUNCTION: {node.name}\n\n{source}"
            cells.append(source)
    return cells


def earned(report: GradeReport) -> dict[str, float]:
    return {f.name: f.points for f in report.functions if f.name in BASICS}


def full_marks(report: GradeReport) -> dict[str, float]:
    return {f.name: f.max_points for f in report.functions if f.name in BASICS}


def grade(path: Path) -> GradeReport:
    return grade_submission(EXERCISE, [path], seed=3, limits=FAST)


def refused(path: Path, *words: str) -> str:
    with pytest.raises(UsageError) as info:
        grade(path)
    message = str(info.value)
    assert "\n" not in message and all(word in message for word in words), message
    return message


# -- empty -----------------------------------------------------------------------------------------------


def test_empty_python_file_is_graded_as_nothing_found(tmp_path: Path) -> None:
    path = tmp_path / "python_basics.py"
    path.write_bytes(b"")
    report = grade(path)
    assert report.points == 0 and report.max_points > 0
    assert not any(f.found for f in report.functions)
    assert all(c.status != "passed" for c in report.checks if c.max_points > 0)


def test_empty_notebook_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "python_basics.ipynb"
    path.write_bytes(b"")
    refused(path, "not a valid notebook")


# -- size ------------------------------------------------------------------------------------------------


def _notebook_of_size(path: Path, size: int) -> None:
    cells = [nbformat.v4.new_code_cell(source) for source in solution_cells()]
    nb = nbformat.v4.new_notebook(cells=cells)
    skeleton = len(json.dumps(nb)) + 200
    cells[-1]["outputs"] = [nbformat.v4.new_output("display_data", data={"image/png": "A" * (size - skeleton)})]
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_50_mb_notebook_of_outputs_is_graded_from_its_code(tmp_path: Path) -> None:
    """Its outputs do not count towards the 20 MB; memory: tests/test_notebook_limits.py."""
    path = tmp_path / "python_basics.ipynb"
    _notebook_of_size(path, 50 * MiB)
    assert path.stat().st_size > MAX_FILE_BYTES
    report = grade(path)
    assert earned(report) == full_marks(report)


def test_a_notebook_over_the_notebook_limit_is_refused_at_once_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "python_basics.ipynb"
    with path.open("wb") as sparse:  # never read: refused from its size
        sparse.truncate(NOTEBOOK_MAX_BYTES + 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = refused(path, "larger than 200 MB", "--clear-output")
    assert str(path) in message
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert grown < 30 * MiB, f"refusing it cost {grown / MiB:.0f} MB"


def test_a_notebook_just_under_the_limit_is_graded_quickly(tmp_path: Path) -> None:
    """19 MB, almost all of it a plot's output: read, outputs ignored, functions graded in full."""
    path = tmp_path / "python_basics.ipynb"
    _notebook_of_size(path, 19 * MiB)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = grade(path)
    assert time.perf_counter() - started < 20
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert grown < 250 * MiB, f"grading it cost {grown / MiB:.0f} MB"
    assert earned(report) == full_marks(report)


# -- notebook formats ------------------------------------------------------------------------------------


def test_nbformat_v3_notebook_is_graded_in_full(tmp_path: Path) -> None:
    cells = [{"cell_type": "code", "input": source, "language": "python", "outputs": [], "prompt_number": i}
             for i, source in enumerate(solution_cells())]
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "python_basics"},
          "worksheets": [{"cells": [{"cell_type": "heading", "level": 1, "source": "Basics"}, *cells],
                          "metadata": {}}]}
    path = tmp_path / "python_basics.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = grade(path)
    assert earned(report) == full_marks(report)


def test_nbformat_v45_notebook_with_outputs_and_attachments_is_graded_in_full(tmp_path: Path) -> None:
    """Cell ids (v4.5), executed cells with stream, image and error outputs (an error output that
    holds code, too), markdown attachments: only the code cells' sources count."""
    cells = []
    for number, source in enumerate(solution_cells()):
        cell = nbformat.v4.new_code_cell(source, execution_count=number, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="def sigmoid(x):\n    return 0\n"),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
            nbformat.v4.new_output("error", ename="NameError", evalue="x", traceback=["\x1b[31mNameError"]),
        ])
        cells.append(cell)
        note = nbformat.v4.new_markdown_cell("![plot](attachment:plot.png)")
        note["attachments"] = {"plot.png": {"image/png": "iVBORw0KGgo="}}
        cells.append(note)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb["nbformat_minor"] = 5
    path = tmp_path / "python_basics.ipynb"
    nbformat.write(nb, path)
    assert all("id" in cell for cell in json.loads(path.read_text())["cells"])
    report = grade(path)
    assert earned(report) == full_marks(report)


# -- duplicates ------------------------------------------------------------------------------------------


def test_duplicated_graded_cells_the_last_one_counts(tmp_path: Path) -> None:
    """Like running the notebook top to bottom: a graded cell pasted twice is graded by the last copy,
    and the report names that cell."""
    cells = solution_cells()
    sigmoid = next(i for i, c in enumerate(cells) if c.startswith("# GRADED FUNCTION: sigmoid\n"))
    softmax = next(i for i, c in enumerate(cells) if c.startswith("# GRADED FUNCTION: softmax\n"))
    wrong = "# GRADED FUNCTION: sigmoid\n\ndef sigmoid(x):\n    return x\n"
    cells = cells + [cells[softmax], wrong]  # softmax twice (identical), sigmoid right then wrong
    path = tmp_path / "python_basics.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    report = grade(path)
    points = earned(report)
    assert points["sigmoid"] == 0 and points["softmax"] == full_marks(report)["softmax"]
    module, name = load_submission([path]).find(("sigmoid",))
    assert module.source_of(name).strip() == wrong.split("\n", 2)[2].strip()
    assert sigmoid < len(cells) - 1


def test_a_function_defined_twice_is_graded_by_its_last_definition(tmp_path: Path) -> None:
    text = (SOLUTIONS / "python_basics.py").read_text(encoding="utf-8")
    path = tmp_path / "python_basics.py"
    path.write_text(text + "\n\ndef L1(yhat, y):\n    return 0.0\n", encoding="utf-8")
    report = grade(path)
    points, maxima = earned(report), full_marks(report)
    assert points["L1"] == 0 and points["L2"] == maxima["L2"]
    path.write_text("def L1(yhat, y):\n    return 0.0\n\n" + text, encoding="utf-8")
    assert earned(grade(path))["L1"] == maxima["L1"]


def test_a_function_too_deep_to_compile_costs_only_itself(tmp_path: Path) -> None:
    """The grader compiles learner code (never runs it): a body that parses but overflows the
    compiler on the grader's side is left to the sandbox, which compiles it from its text (and runs
    it: 1000 minus signs make 1, a wrong L1); everything else is graded."""
    text = (SOLUTIONS / "python_basics.py").read_text(encoding="utf-8")
    path = tmp_path / "python_basics.py"
    path.write_text(text + "\n\ndef L1(yhat, y):\n    return " + "-" * 1000 + "1\n", encoding="utf-8")
    report = grade(path)
    points, maxima = earned(report), full_marks(report)
    assert points["L1"] == 0 and points["L2"] == maxima["L2"] and points["sigmoid"] == maxima["sigmoid"]
    assert {c.status for c in report.checks if c.function == "L1"} == {"failed"}


# -- folders ---------------------------------------------------------------------------------------------


def _messy_folder(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(SOLUTIONS / "python_basics.py", folder / "python_basics.py")
    (folder / "nested" / "deeper").mkdir(parents=True)
    (folder / "nested" / "deeper" / "python_basics.py").write_text("def sigmoid(x):\n    return x\n")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "python_basics-checkpoint.ipynb").write_text("{not json")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "python_basics.cpython-311.pyc").write_bytes(b"\x00\x01\x02")
    (folder / "trap.py").mkdir()  # a folder with a .py name
    (folder / "notes.txt").write_text("remember to submit")
    (folder / "data.npy").write_bytes(b"\x93NUMPY\x00\x00")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


def test_submission_folder_with_nested_folders_and_stray_files(tmp_path: Path) -> None:
    """``--file FOLDER`` takes the folder's own .py/.ipynb files: nested folders, checkpoints,
    caches, data and notes are ignored, none of them breaks grading."""
    folder = tmp_path / "mine"
    _messy_folder(folder)
    report = grade_submission(EXERCISE, [folder], seed=3, limits=FAST)
    assert [Path(f.path).name for f in report.files] == ["python_basics.py"]
    assert earned(report) == full_marks(report)


def test_batch_learner_folder_with_only_a_nested_folder(sandboxes: Path, tmp_path: Path) -> None:
    """In ``grade batch``, a learner who zipped a folder inside their folder is graded from the nested
    files; a learner folder with nothing to grade is listed as ignored."""
    folder = tmp_path / "class"
    folder.mkdir()
    _messy_folder(folder / "zoe")
    (folder / "zoe" / "python_basics.py").rename(folder / "zoe" / "nested" / "python_basics.py")
    shutil.rmtree(folder / "zoe" / "nested" / "deeper")
    # (The nested-folder fallback of grader/classroom/batch.py also takes .ipynb_checkpoints: a broken checkpoint
    # costs the learner their grade. Left out here, reported in SECURITY.md.)
    shutil.rmtree(folder / "zoe" / ".ipynb_checkpoints")
    (folder / "ghost").mkdir()
    (folder / "ghost" / "readme.txt").write_text("nothing here")
    summary, reports = run_class(folder, tmp_path / "gb.sqlite")
    assert summary.graded == ["zoe"] and "ghost" in summary.ignored
    assert earned(reports["zoe"]) == full_marks(reports["zoe"])
    assert load_submission([folder / "zoe" / "nested" / "python_basics.py"]).files
