"""What ``%grade`` grades: the cells the kernel has run, as they were run, and where to write them.

The source comes from the kernel's input history (``history_manager.input_hist_raw``, else
``In``): the raw text of every cell executed in this kernel session, unsaved edits included,
In[1] up to the cell before the one running ``%grade``, in the order they ran (a cell run twice
is there twice; a later definition wins, as in the kernel). Raw, not IPython's transformed text:
the grader strips magics and shell escapes itself, as it does for a saved notebook.

``write_notebook`` writes them as a notebook whose cell N is In[N], so that what the report says
of "cell 7" is In[7]. It is named after the learner's notebook (``$JPY_SESSION_NAME`` from Jupyter
Server, ``__vsc_ipynb_file__`` from VS Code; else ``notebook``), in a private temporary folder,
with copies of the ``.py`` modules next to the learner's notebook, which a saved notebook's grade
would let it import. Only the standard library (and the message layer) is used here: this runs in the
learner's kernel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Copies of the modules next to the notebook: the grader reads at most 64 of at most 2 MB each.
MAX_SIBLINGS = 64
MAX_SIBLING_BYTES = 2 * 1024 * 1024

# A top-level definition: a function, a class, or a name given a lambda.
_DEFINES = re.compile(r"^(?:(?:async[ \t]+)?def[ \t]+\w|class[ \t]+\w|\w+[ \t]*=[ \t]*lambda\b)", re.MULTILINE)
# Lines with no code: blank, a comment, a magic or a shell escape (at column 0, as the grader says).
_NO_CODE = re.compile(r"^(?:[ \t]*(?:#.*)?|[%!].*)$")


@dataclass(frozen=True)
class KernelSource:
    """The cells the kernel ran before this one: (In number, raw source), in order; and the notebook's name."""

    cells: tuple[tuple[int, str], ...]
    notebook: Path | None = None

    @property
    def count(self) -> int:
        return len(self.cells)

    @property
    def said(self) -> str:
        """"the 14 cells you ran in this kernel (In[3]..In[27])", for sentences."""
        from grader.messages import say

        if not self.cells:
            return say("commands.magic.cells.none")
        first, last = self.cells[0][0], self.cells[-1][0]
        if len(self.cells) == 1:
            return say("commands.magic.cells.one", first=first)
        return say("commands.magic.cells.many", count=len(self.cells), first=first, last=last)

    def defines_anything(self) -> bool:
        return any(_DEFINES.search(source) for _, source in self.cells)

    @property
    def stem(self) -> str:
        """The learner's notebook's name as a plain file stem ("notebook" when unknown)."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", self.notebook.stem if self.notebook else "").strip("_")
        return stem or "notebook"

    @property
    def folder(self) -> Path:
        """Where the learner's notebook is (the kernel's working folder when unknown)."""
        if self.notebook is not None and self.notebook.is_absolute() and self.notebook.parent.is_dir():
            return self.notebook.parent
        return Path.cwd()


def has_code(source: str) -> bool:
    return any(not _NO_CODE.match(line) for line in source.split("\n"))


def history(ipython: Any) -> list[str]:
    """The raw source of every cell run in this kernel session, by execution number (index 0 is empty)."""
    manager = getattr(ipython, "history_manager", None)
    raw = getattr(manager, "input_hist_raw", None)
    if isinstance(raw, list) and raw:
        return [str(text) for text in raw]
    return [str(text) for text in ipython.user_ns.get("In", [""])]


def notebook_path(ipython: Any) -> Path | None:
    """The learner's notebook, when the front end says which it is."""
    for value in (ipython.user_ns.get("__vsc_ipynb_file__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(value, str) and value.strip():
            path = Path(value.strip())
            if path.suffix == ".ipynb":
                return path
    return None


def kernel_source(ipython: Any) -> KernelSource:
    """The cells with code that ran before the cell running ``%grade`` (which is In[execution_count])."""
    raw = history(ipython)
    current = getattr(ipython, "execution_count", len(raw))
    cells = tuple((number, text) for number, text in enumerate(raw[:current]) if number > 0 and has_code(text))
    return KernelSource(cells, notebook_path(ipython))


def write_notebook(source: KernelSource, folder: Path) -> Path:
    """Write the cells to ``folder/<stem>.ipynb`` (cell N is In[N]; cells with no code are left empty),
    copy the modules next to the learner's notebook beside it; returns its path."""
    by_number = dict(source.cells)
    last = source.cells[-1][0] if source.cells else 0
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": by_number.get(number, "")} for number in range(1, last + 1)]
    notebook = {"cells": cells, "metadata": {"dl_grader": {"from": "kernel history"}}, "nbformat": 4,
                "nbformat_minor": 5}
    path = folder / f"{source.stem}.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    _copy_siblings(source.folder, folder, taken={path.name})
    return path


def _copy_siblings(origin: Path, folder: Path, taken: set[str]) -> None:
    """Regular ``.py`` files of ``origin`` (no links), as the grader would read them next to a saved notebook."""
    try:
        candidates = sorted(origin.glob("*.py"))
    except OSError:
        return
    copied = 0
    for path in candidates:
        if copied >= MAX_SIBLINGS:
            return
        if path.name in taken:
            continue
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SIBLING_BYTES:
                continue
            shutil.copyfile(path, folder / path.name)
        except OSError:
            continue
        copied += 1
