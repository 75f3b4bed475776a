"""Which learner file each graded function belongs to, read from the exercise's starters.

An exercise with several learner files (week 2: ``python_basics`` and
``logistic_regression``) hands out one starter per file, and the graded functions a
starter defines are that file's. A function that several starters define (week 2's
``sigmoid``, which the second notebook repeats as a helper) belongs to none of them.
The report carries the answer (``FunctionSummary.home_file``), so that its views can
say "not submitted: 6 functions of python_basics" in one line when a learner submits
only the other file.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.errors import UsageError
from grader.model.exercise import Exercise
from grader.ingest.reading import notebook_cells, read_source

# A definition at the top level of a starter (the instructor's text: no parsing needed, a few ms saved).
_DEFINITION = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def home_files(ex: Exercise, starters: StarterNames | None = None) -> dict[str, str]:
    """Graded function name -> the stem of the one learner file whose starter defines it (by its name
    or an alias); functions that several starters, or none, define are left out.

    starters: the starters read before (a batch grading one learner after another keeps one);
    default: read them now."""
    starters = StarterNames() if starters is None else starters
    homes: dict[str, list[str]] = {}
    for stem in ex.learner_files:
        defined = starters.names(ex.root, stem)
        for function in ex.functions:
            if defined.intersection(function.names):
                homes.setdefault(function.name, []).append(stem)
    return {name: stems[0] for name, stems in homes.items() if len(stems) == 1}


class StarterNames:
    """The functions each starter defines, read once per version of the file (its path,
    modification time and size) for as long as its owner keeps this object."""

    def __init__(self) -> None:
        self._defined: dict[tuple[str, int, int], frozenset[str]] = {}

    def names(self, folder: Path, stem: str) -> frozenset[str]:
        """The functions the starters of ``stem`` (its .py and its .ipynb: a learner who works in one
        leaves the other as handed out) define at their top level; none for a missing or unusable one."""
        names: frozenset[str] = frozenset()
        for path in (folder / f"{stem}.py", folder / f"{stem}.ipynb"):
            try:
                info = path.stat()
            except OSError:
                continue
            key = (str(path), info.st_mtime_ns, info.st_size)
            if key not in self._defined:
                self._defined[key] = frozenset(_DEFINITION.findall(_code(path)))
            names |= self._defined[key]
        return names


def _code(path: Path) -> str:
    """The code of a starter (a notebook's code cells, one after the other); "" when it is unusable."""
    try:
        text = read_source(path)[0]
        return "\n".join(source for _, source in notebook_cells(text, path)) if path.suffix == ".ipynb" else text
    except UsageError:
        return ""
