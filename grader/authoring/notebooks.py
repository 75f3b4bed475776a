"""Build Jupyter notebooks from "percent format" Python sources.

The exercises are written as plain ``.py`` files, which diff and review well, and
the learner-facing ``.ipynb`` files are generated from them. A source is split into
cells at marker lines:

* ``# %%`` starts a code cell;
* ``# %% [markdown]`` starts a markdown cell, whose lines lose their ``# `` (or ``#``)
  comment prefix.

Inside code cells, commented-out IPython magics such as ``# %matplotlib inline`` are
restored to real magics, because the ``.py`` must stay valid Python while the
notebook should behave like the course's. Text before the first marker becomes a
code cell when it is not blank.

Usage: ``python -m grader.authoring.notebooks FILE.py [FILE.py ...]``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

# "# %%" alone or followed by whitespace and an optional title / cell type.
_MARKER = re.compile(r"^# %%(?:\s+(?P<rest>.*))?$")
_MARKDOWN_TAG = re.compile(r"\[(?:markdown|md)\]")
# A commented-out line magic ("# %matplotlib inline"), but not a cell marker ("# %%").
_COMMENTED_MAGIC = re.compile(r"^# %(?!%)\w")

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _trim_blank_lines(lines: list[str]) -> list[str]:
    """Drop blank lines at both ends of a cell."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _uncomment_markdown(line: str) -> str:
    """Remove the comment prefix of one markdown line ("# " first, else "#")."""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    return line


def _restore_magic(line: str) -> str:
    """Turn "# %magic args" back into "%magic args"; leave any other line alone."""
    return line[2:] if _COMMENTED_MAGIC.match(line) else line


def _make_cell(kind: str, lines: list[str], index: int) -> NotebookNode:
    """One nbformat v4 cell from its raw source lines."""
    if kind == "markdown":
        body = [_uncomment_markdown(line) for line in lines]
        cell = nbformat.v4.new_markdown_cell("\n".join(_trim_blank_lines(body)))
    else:
        body = [_restore_magic(line) for line in lines]
        cell = nbformat.v4.new_code_cell("\n".join(_trim_blank_lines(body)))
    # nbformat picks random ids; fixed ones keep rebuilt notebooks byte-identical.
    cell["id"] = f"cell-{index:03d}"
    return cell


def _split_cells(text: str) -> list[tuple[str, list[str]]]:
    """Split a percent-format source into (kind, raw lines) pairs, in order."""
    cells: list[tuple[str, list[str]]] = []
    kind, lines, preamble = "code", [], True
    for line in text.splitlines():
        marker = _MARKER.match(line)
        if marker is None:
            lines.append(line)
            continue
        # The preamble only counts when it holds something; real cells always count.
        if not preamble or any(existing.strip() for existing in lines):
            cells.append((kind, lines))
        rest = marker.group("rest") or ""
        kind = "markdown" if _MARKDOWN_TAG.search(rest) else "code"
        lines, preamble = [], False
    if not preamble or any(existing.strip() for existing in lines):
        cells.append((kind, lines))
    return cells


def percent_to_notebook(text: str) -> NotebookNode:
    """Convert percent-format Python source into an nbformat v4 notebook.

    Arguments:
    text -- the content of a percent-format ``.py`` file

    Returns:
    A notebook whose cells follow the ``# %%`` markers, with a python3 kernelspec.
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        _make_cell(kind, lines, index)
        for index, (kind, lines) in enumerate(_split_cells(text))
    ]
    return nb


def build_notebook(py_path: Path) -> Path:
    """Write ``<stem>.ipynb`` next to a percent-format ``.py`` file.

    Arguments:
    py_path -- path of the source ``.py`` file

    Returns:
    The path of the notebook written.
    """
    py_path = Path(py_path)
    notebook = percent_to_notebook(py_path.read_text(encoding="utf-8"))
    out_path = py_path.with_suffix(".ipynb")
    nbformat.validate(notebook)
    nbformat.write(notebook, str(out_path), version=4)
    return out_path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: rebuild the notebook of every file given."""
    parser = argparse.ArgumentParser(
        prog="python -m grader.authoring.notebooks",
        description="Build <stem>.ipynb next to each percent-format .py file.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.py")
    args = parser.parse_args(argv)
    for py_path in args.files:
        print(build_notebook(py_path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
