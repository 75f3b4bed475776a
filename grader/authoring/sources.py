"""Instructor sources: one percent-format file per part, from which starters and reference are built.

``solutions/<name>/source/<part>.py`` is the notebook as the instructor writes it,
with the answers inside graded functions between marker lines::

    def relu(Z):
        ### BEGIN SOLUTION
        A = np.maximum(0, Z)
        ### END SOLUTION
        return A

From it come three generated files (``grade release NAME --build`` writes them):

* ``exercises/<name>/<part>.py``: the learner's starter, each region replaced by
  ``# YOUR CODE HERE`` and a ``raise NotImplementedError(...)`` stub;
* ``exercises/<name>/<part>.ipynb``: the notebook of that starter (grader/authoring/notebooks.py);
* ``solutions/<name>/<part>.py``: the reference the grader imports: the source with
  the markers removed, reduced to what the grader takes from any file (imports,
  functions, classes, constants), so that its demo cells never run in the grader.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.errors import usage_error
from grader.model.exercise import Exercise
from grader.ingest.parsing import extract_units
from grader.messages import say

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB_COMMENT = "# YOUR CODE HERE"
# Imports the generated reference keeps: the demo cells' matplotlib or data helpers never load in the grader.
_REFERENCE_IMPORTS = frozenset({"numpy", "__future__"}) | frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class SolutionSource:
    """One instructor source split into its learner and reference forms."""

    path: Path
    learner_text: str    # regions replaced by stubs: the starter
    reference_text: str  # markers removed, everything else as written


def sources_dir(ex: Exercise) -> Path:
    return ex.solutions / "source"


def instructor_sources(ex: Exercise) -> list[Path]:
    """The exercise's instructor sources (none for an exercise written as starter + reference)."""
    return sorted(sources_dir(ex).glob("*.py"))


def split_source(path: Path) -> SolutionSource:
    """Read an instructor source; raises UsageError (FILE:LINE: problem) for bad markers."""
    text = path.read_text(encoding="utf-8")
    _parse(text, path, "usage.source.syntax")
    learner: list[str] = []
    reference: list[str] = []
    begin: int | None = None
    stubs: dict[int, int] = {}  # line of a stub's raise in the starter -> line of its BEGIN marker
    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise usage_error("usage.source.nested", path=path, line=number, begin=BEGIN, opened=begin)
            begin = number
            indent = line[: len(line) - len(line.lstrip())]
            learner += [indent + STUB_COMMENT, f"{indent}raise NotImplementedError({say('error.stub')!r})"]
            stubs[len(learner)] = number
        elif marker == END:
            if begin is None:
                raise usage_error("usage.source.unopened", path=path, line=number, begin=BEGIN, end=END)
            begin = None
        elif "BEGIN SOLUTION" in line or "END SOLUTION" in line:
            raise usage_error("usage.source.marker_alone", path=path, line=number, begin=BEGIN, end=END)
        else:
            reference.append(line)
            if begin is None:
                learner.append(line)
    if begin is not None:
        raise usage_error("usage.source.unclosed", path=path, line=begin, begin=BEGIN, end=END)
    if not stubs:
        raise usage_error("usage.source.no_region", path=path, begin=BEGIN, end=END)
    learner_text = "\n".join(learner) + "\n"
    tree = _parse(learner_text, path, "usage.source.starter_syntax")
    bodies = [(node.lineno + 1, node.end_lineno or node.lineno) for node in ast.walk(tree)
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for stub, marker_line in stubs.items():
        if not any(first <= stub <= last for first, last in bodies):
            raise usage_error("usage.source.outside_function", path=path, line=marker_line)
    return SolutionSource(path, learner_text, "\n".join(reference) + "\n")


def _parse(text: str, path: Path, problem: str) -> ast.Module:
    """The syntax tree of ``text``; raises the usage error ``problem`` (usage.source.syntax or starter_syntax)."""
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise usage_error(problem, path=path, reason=exc.msg, line=exc.lineno) from None


def reference_module(source: SolutionSource, ex: Exercise) -> str:
    """The reference the grader imports: the exercise's preamble, then the source's definitions."""
    units, _ = extract_units(source.reference_text, str(source.path), "")
    kept = [u.source for u in units if _keeps_import(u.source)]
    future = [u for u in kept if u.startswith("from __future__")]
    preamble = ex.preamble.strip()
    rest = [u for u in kept if not u.startswith("from __future__") and u not in preamble.splitlines()]
    header = (f'"""Reference of {ex.name}, generated from source/{source.path.name} by '
              f'`grade release {ex.name} --build`.\n\nEdit the source, not this file.\n"""')
    return "\n\n".join([header, *future, preamble]) + "\n\n\n" + "\n\n\n".join(rest) + "\n"


def _keeps_import(unit: str) -> bool:
    """False for an import of anything but numpy and the standard library."""
    node = ast.parse(unit).body[0]
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] in _REFERENCE_IMPORTS for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] in _REFERENCE_IMPORTS
    return True


def notebook_text(learner_text: str) -> str:
    """The learner's notebook, as the text of an .ipynb file."""
    import nbformat

    from grader.authoring.notebooks import percent_to_notebook

    notebook = percent_to_notebook(learner_text)
    nbformat.validate(notebook)
    return nbformat.writes(notebook, version=4) + "\n"


def generated_files(ex: Exercise) -> dict[Path, str]:
    """Every file the instructor sources produce in the project: path -> text."""
    files: dict[Path, str] = {}
    for path in instructor_sources(ex):
        source = split_source(path)
        files[ex.root / path.name] = source.learner_text
        files[ex.root / f"{path.stem}.ipynb"] = notebook_text(source.learner_text)
        files[ex.solutions / path.name] = reference_module(source, ex)
    return files


def stale_files(ex: Exercise) -> list[Path]:
    """Generated files that are missing or differ from what their instructor source gives."""
    return list(_differences(generated_files(ex)))


def build_from_sources(ex: Exercise) -> list[Path]:
    """Write the starters, notebooks and references of the instructor sources; returns what changed."""
    changed = _differences(generated_files(ex))
    for path, text in changed.items():
        path.write_text(text, encoding="utf-8")
    return list(changed)


def _differences(files: dict[Path, str]) -> dict[Path, str]:
    return {path: text for path, text in files.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text}
