"""Tests of the percent-format to notebook converter (grader/authoring/notebooks.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so that `pytest` works as well as `python -m pytest`
    sys.path.insert(0, str(ROOT))

from grader.authoring.notebooks import build_notebook, main, percent_to_notebook  # noqa: E402

# Every exercise's percent-format starter that has a committed notebook beside it.
NOTEBOOK_SOURCES = sorted(p for p in (ROOT / "exercises").glob("*/*.py") if p.with_suffix(".ipynb").exists())


def cells(text: str) -> list[tuple[str, str]]:
    """(cell_type, source) of every cell of the converted text."""
    return [(c.cell_type, c.source) for c in percent_to_notebook(text).cells]


def test_markers_split_code_and_markdown_cells() -> None:
    text = "# %%\nx = 1\n# %% [markdown]\n# Hello\n# %%\ny = 2\nz = 3\n"
    assert cells(text) == [
        ("code", "x = 1"),
        ("markdown", "Hello"),
        ("code", "y = 2\nz = 3"),
    ]


def test_markdown_comment_prefix_is_removed() -> None:
    text = "# %% [markdown]\n# # Title\n#\n# Some $\\sigma(x)$ text\n#    indented\nno prefix\n"
    [(kind, source)] = cells(text)
    assert kind == "markdown"
    # "# " goes first, a bare "#" otherwise; deeper indentation survives.
    assert source == "# Title\n\nSome $\\sigma(x)$ text\n   indented\nno prefix"


def test_commented_magics_are_restored_in_code_only() -> None:
    text = (
        "# %%\n# %matplotlib inline\n# %%timeit\n# a % b comment\n# plain comment\nx = 1\n"
        "# %% [markdown]\n# %matplotlib stays prose\n"
    )
    assert cells(text) == [
        ("code", "%matplotlib inline\n# %%timeit\n# a % b comment\n# plain comment\nx = 1"),
        ("markdown", "%matplotlib stays prose"),
    ]


def test_blank_lines_are_trimmed_at_both_ends_only() -> None:
    text = "# %%\n\n\nx = 1\n\ny = 2\n\n\n# %% [markdown]\n#\n# text\n#\n\n"
    assert cells(text) == [("code", "x = 1\n\ny = 2"), ("markdown", "text")]


def test_preamble_becomes_a_code_cell_only_when_not_blank() -> None:
    assert cells("import numpy\n# %%\nx = 1\n") == [("code", "import numpy"), ("code", "x = 1")]
    assert cells("\n  \n# %%\nx = 1\n") == [("code", "x = 1")]
    assert cells("x = 1\n") == [("code", "x = 1")]


def test_marker_needs_whitespace_after_percent_signs() -> None:
    # "# %%timeit" is a commented cell magic, not a cell boundary.
    assert cells("# %%\na = 1\n# %%timeit\nb = 2\n") == [("code", "a = 1\n# %%timeit\nb = 2")]


def test_notebook_metadata_and_validity() -> None:
    nb = percent_to_notebook("# %%\nx = 1\n# %% [markdown]\n# hi\n")
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert nb.metadata["language_info"]["name"] == "python"
    code = nb.cells[0]
    assert code.outputs == [] and code.execution_count is None


def test_cell_ids_are_deterministic() -> None:
    text = "# %%\nx = 1\n# %% [markdown]\n# hi\n"
    first, second = percent_to_notebook(text), percent_to_notebook(text)
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    assert len({c.id for c in first.cells}) == len(first.cells)


def test_build_notebook_writes_next_to_source(tmp_path: Path) -> None:
    source = tmp_path / "demo.py"
    source.write_text("# %% [markdown]\n# Title\n# %%\n# %matplotlib inline\nx = 1\n")
    written = build_notebook(source)
    assert written == tmp_path / "demo.ipynb"
    nb = nbformat.read(written, as_version=4)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "Title"),
        ("code", "%matplotlib inline\nx = 1"),
    ]
    # Rebuilding an unchanged source gives byte-identical output (no random ids).
    before = written.read_bytes()
    build_notebook(source)
    assert written.read_bytes() == before


def test_command_line_builds_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = [tmp_path / "a.py", tmp_path / "b.py"]
    for path in sources:
        path.write_text("# %%\nprint(1)\n")
    assert main([str(p) for p in sources]) == 0
    assert all(p.with_suffix(".ipynb").exists() for p in sources)
    assert "a.ipynb" in capsys.readouterr().out


def test_every_code_exercise_has_committed_notebooks() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in NOTEBOOK_SOURCES}
    assert {"week2/python_basics.py", "week2/logistic_regression.py", "week3/planar_classification.py"} <= names
    assert {p.parent.name for p in NOTEBOOK_SOURCES} == {f"week{n}" for n in range(2, 8)}


@pytest.mark.parametrize("source", NOTEBOOK_SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_notebook_matches_its_source(source: Path) -> None:
    """The .ipynb must be exactly what the converter makes of the .py: no drift."""
    committed = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    nbformat.validate(committed)
    fresh = percent_to_notebook(source.read_text(encoding="utf-8"))
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], f"{source.with_suffix('.ipynb').name} is stale: run python -m grader.authoring.notebooks {source}"
