"""A learner's submission: every file extracted (``load_submission``) and the whole fingerprinted.

Reading a file (reading.py) gives its text; parsing it (parsing.py), its kept units; with the
names the grader will look up, the units are compiled (compiling.py), what nothing reads is left
out (pruning.py) and several files are linked (linking.py). Nothing here runs learner code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.ingest.compiling import compile_units
from grader.ingest.linking import borrow_notes, link_modules
from grader.ingest.parsing import NO_DEADLINE, Deadline, extract_units, percent_cells, strip_magics
from grader.ingest.pruning import drop_unread
from grader.ingest.reading import SiblingModule, notebook_cells, read_source, sibling_modules
from grader.ingest.shared_cells import SharedCells
from grader.ingest.units import CodeUnit, ModuleSource
from grader.messages import say
from grader.model.report import SourceNote, SubmittedFile

# Reading a submission (parsing, selecting, compiling, the reads analysis) is linear in its size;
# past this many seconds in all, it ends with a one-line error all the same.
EXTRACT_SECONDS = 30.0


@dataclass
class Submission:
    """Everything extracted from the submitted files."""

    modules: list[ModuleSource]
    files: list[SubmittedFile]
    notes: list[SourceNote]
    sha256: str
    siblings: list[SiblingModule] = field(default_factory=list)

    def find(self, names: tuple[str, ...] | list[str]) -> tuple[ModuleSource, str] | None:
        """The module and name of the last definition among ``names`` (aliases)."""
        for module in reversed(self.modules):
            for name in names:
                if module.defines(name):
                    return module, name
        return None

    def unparsed(self, names: tuple[str, ...] | list[str]) -> str:
        """Where a definition of one of ``names`` does not parse ("path: cell 3, line 12: ..."), or ""."""
        for module in reversed(self.modules):
            for name in names:
                if name in module.unparsed:
                    return f"{module.path}: {module.unparsed[name]}"
        return ""


def load_submission(paths: list[Path], root: Path | None = None, *, siblings: bool = True,
                    graded: Iterable[str] | None = None, cells: SharedCells | None = None) -> Submission:
    """Extract every file (in order) and fingerprint the whole submission.

    siblings: let the submission import the .py modules next to its files (off when
    the folder holds other learners' files, as in a batch of single files).
    graded: the names the grader will look up (graded functions and their aliases): with
    them, every unit is compiled here (see compile_units), and imports and computed
    values that neither they nor anything kept reads are left out (see drop_unread);
    without them, nothing is.
    cells: the cells met in the submissions read before (a batch's, see SharedCells): those
    met again are parsed and compiled once. Default: none.
    Raises UsageError for an unusable file, or once reading has taken EXTRACT_SECONDS.
    """
    deadline = Deadline(EXTRACT_SECONDS)
    cells = SharedCells() if cells is None else cells
    modules, notes, files = [], [], []
    for path in paths:
        display = _display_path(path, root)
        module, file_notes, digest = extract_file(path, display, cells=cells, deadline=deadline)
        if not module.units and not file_notes:
            file_notes += nothing_to_grade(path, display)
        modules.append(module)
        notes += file_notes
        files.append(SubmittedFile(path=display, sha256=digest))
    neighbours = sibling_modules(paths) if siblings else []
    if graded is not None:
        compile_units(modules, cells, deadline)
        drop_unread(modules, frozenset(graded))
        if len(modules) > 1:
            modules = link_modules(modules)
            notes += borrow_notes(modules)
    sha256 = combined_digest([(p.name, f.sha256) for p, f in zip(paths, files)], neighbours)
    return Submission(modules=modules, files=files, notes=notes, sha256=sha256, siblings=neighbours)


def extract_file(path: Path, display: str, *, cells: SharedCells | None = None,
                 deadline: Deadline = NO_DEADLINE) -> tuple[ModuleSource, list[SourceNote], str]:
    """Extract one file; returns (module, notes, sha256 of its text). ``cells``, ``deadline``: see
    load_submission."""
    text, digest = read_source(path)
    module = ModuleSource(name=_module_name(path), path=display)
    notes: list[SourceNote] = []
    if path.suffix == ".ipynb":
        chunks = [(n, strip_magics(src), f"cell {n}, ") for n, src in notebook_cells(text, path)]
    else:
        chunks = [(0, text, "")]
        units = _by_cells(text, display, cells, deadline)
        if units is not None:
            module.units = units
            return module, notes, digest
    known: set[str] = set()
    for number, source, where in chunks:
        deadline.check()
        location = f"cell {number}" if number else "file"
        if source is None:
            continue
        filename = f"{display} [cell {number}]" if number else display
        units, errors = extract_units(source, filename, where, known, cells=cells, deadline=deadline)
        module.units += units
        for error in errors:
            notes.append(
                SourceNote(
                    file=display,
                    location=location,
                    kind="syntax-error",
                    message=(say("source.cell_skipped", error=error.message) if number
                             else say("source.block_skipped", error=error.message)),
                )
            )
            for name in error.names:
                module.unparsed[name] = (
                    say("source.unparsed_in_cell", cell=number, line=error.line, reason=error.reason) if number
                    else say("source.unparsed", line=error.line, reason=error.reason))
    return module, notes, digest


def _by_cells(text: str, display: str, cells: SharedCells | None, deadline: Deadline) -> list[CodeUnit] | None:
    """A percent-format .py file's units, extracted cell by cell (so the cells it shares
    with other learners' files are parsed once); None when a cell does not parse alone
    (a string spanning a "# %%" line): the file is then extracted whole."""
    parts = percent_cells(text)
    if len(parts) < 2:
        return None
    units: list[CodeUnit] = []
    known: set[str] = set()
    for line_base, source in parts:
        found, errors = extract_units(source, display, "", known, line_base=line_base, cells=cells, deadline=deadline)
        if errors:
            return None
        units += found
    return units


def _module_name(path: Path) -> str:
    stem = re.sub(r"\W", "_", path.stem)
    return stem if stem and not stem[0].isdigit() else f"m_{stem}"


def nothing_to_grade(path: Path, display: str) -> list[SourceNote]:
    """For a file in which nothing was kept: a note saying that it is empty, or that the notebook has
    no code (read again: this is rare); none for a file with code that defines nothing."""
    text = read_source(path)[0]
    if not text.strip():
        message = say("source.empty")
    elif path.suffix == ".ipynb":
        cells = notebook_cells(text, path)
        if any(source.strip() for _, source in cells):
            return []
        cells_said = (say("source.no_code_cells") if not cells else say("source.blank_code_cell") if len(cells) == 1
                      else say("source.blank_code_cells", count=len(cells)))
        message = say("source.no_code", cells=cells_said)
    else:
        return []
    return [SourceNote(file=display, location="", kind="empty", message=message)]


def combined_digest(files: list[tuple[str, str]], siblings: list[SiblingModule] = ()) -> str:
    """The fingerprint of a whole submission: each file's name and text digest, in order, and
    each sibling module's name and bytes.  Everything the learner's code can import is in it,
    so no change that can affect a result keeps the fingerprint (or the seed derived from it)."""
    combined = hashlib.sha256()
    for kind, entries in (("file", files), ("module", [(m.name, hashlib.sha256(m.data).hexdigest())
                                                       for m in siblings])):
        for name, digest in entries:
            for part in (kind, name, digest):
                data = part.encode("utf-8", "surrogatepass")
                combined.update(len(data).to_bytes(8, "little") + data)
    return combined.hexdigest()


def fingerprint(paths: list[Path], *, siblings: bool = True) -> str:
    """The submission fingerprint ``load_submission`` would compute, without parsing anything."""
    return combined_digest([(p.name, read_source(p)[1]) for p in paths],
                           sibling_modules(paths) if siblings else [])


def _display_path(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
