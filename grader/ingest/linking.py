"""Several submitted files as one learner's notebook would run them, whatever their order."""

from __future__ import annotations

import ast
import collections

from grader.ingest.parsing import BUILTINS, NUMPY_ALIASES
from grader.ingest.pruning import function_reads
from grader.ingest.units import ModuleSource
from grader.messages import say
from grader.model.report import SourceNote


def link_modules(modules: list[ModuleSource]) -> list[ModuleSource]:
    """Several submitted files as a learner's notebook would run them, whatever their order.

    Files that import one another are loaded dependencies first (a cycle keeps the given order).
    A file whose functions read a name that another file defines, without defining or importing it
    (one function per file, cut out of one notebook), borrows that name from the last file that
    defines it, as later cells of a notebook see earlier ones (``ModuleSource.borrowed``). What
    functions read comes from their compiled code (compiling.compile_units first).
    """
    names = {m.name for m in modules}
    defined = {m.name: {n for u in m.units for n in u.names} for m in modules}
    imports: dict[str, set[str]] = {}
    for module in modules:
        imports[module.name] = set()
        for unit in module.units:
            tree = unit.tree
            if isinstance(tree, ast.Import):
                imports[module.name] |= {a.name.split(".")[0] for a in tree.names} & names
            elif isinstance(tree, ast.ImportFrom) and tree.level == 0 and tree.module:
                imports[module.name] |= {tree.module.split(".")[0]} & names
    reads = function_reads([u for m in modules for u in m.units
                            if isinstance(u.tree, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))])
    for module in modules:
        wanted = ({n for u in module.units for n in reads.get(id(u), ())} - defined[module.name] - BUILTINS
                  - set(NUMPY_ALIASES))  # every file starts with the exercise's preamble (import numpy as np)
        for other in modules:  # later files win, as later cells do
            if other is not module:
                module.borrowed.update({n: other.name for n in wanted & defined[other.name]})
    return _dependencies_first(modules, imports)


def _dependencies_first(modules: list[ModuleSource], imports: dict[str, set[str]]) -> list[ModuleSource]:
    ordered: list[ModuleSource] = []
    placed: set[str] = set()
    by_name = {m.name: m for m in modules}

    def place(module: ModuleSource, visiting: frozenset[str]) -> None:
        if module.name in placed or module.name in visiting:
            return
        for name in sorted(imports[module.name]):
            if name != module.name:
                place(by_name[name], visiting | {module.name})
        placed.add(module.name)
        ordered.append(module)

    for module in modules:
        place(module, frozenset())
    return ordered


def borrow_notes(modules: list[ModuleSource]) -> list[SourceNote]:
    """One note per file and file it borrows names from (see link_modules)."""
    paths = {m.name: m.path for m in modules}
    notes = []
    for module in modules:
        by_source: dict[str, list[str]] = collections.defaultdict(list)
        for name, source in sorted(module.borrowed.items()):
            by_source[source].append(name)
        for source, borrowed in by_source.items():
            notes.append(SourceNote(file=module.path, location="file", kind="shared-namespace", message=say(
                "note.borrowed", names=", ".join(borrowed[:6]) + (" and more" if len(borrowed) > 6 else ""),
                source=paths[source])))
    return notes
