"""What a submitted file becomes: its kept top-level statements (``CodeUnit``), in a ``ModuleSource``.

A unit carries everything the later steps learn about it: its parsed statement (parsing.py),
its compiled code (compiling.py, read by pruning.py and linking.py, shipped to the worker).
"""

from __future__ import annotations

import ast
import marshal
import types
from dataclasses import dataclass, field


@dataclass
class CodeUnit:
    """One kept top-level statement, ready to compile in the worker."""

    source: str
    filename: str
    first_line: int
    location: str
    names: tuple[str, ...]
    droppable: bool = False  # an import, or an assignment that calls something: see pruning.drop_unread
    tree: ast.stmt | None = field(default=None, repr=False, compare=False)  # the parsed statement
    shared: bool = False  # its tree is that of a cell met before (see shared_cells.SharedCells)
    # Its code, compiled here as the worker would compile its text (see compiling.compile_units);
    # None when not compiled here (the worker then compiles the text).
    compiled: types.CodeType | None = field(default=None, repr=False, compare=False)

    def for_worker(self) -> dict[str, object]:
        """What the worker needs to run it (its compiled code, marshalled, when compiled here)."""
        unit: dict[str, object] = {"source": self.source, "filename": self.filename, "first_line": self.first_line}
        if self.compiled is not None:
            unit["code"] = marshal.dumps(self.compiled)
        return unit


@dataclass
class ModuleSource:
    """The kept definitions of one submitted file, in order."""

    name: str
    path: str
    units: list[CodeUnit] = field(default_factory=list)
    # Names its functions read that another submitted file defines and this one neither defines nor
    # imports: name -> that file's module (the files then run as one notebook's cells would).
    borrowed: dict[str, str] = field(default_factory=dict)
    # Functions and classes hidden by a block that does not parse: name -> where and why.
    unparsed: dict[str, str] = field(default_factory=dict)

    def defines(self, name: str) -> bool:
        return any(name in unit.names for unit in self.units)

    def source_of(self, name: str) -> str | None:
        """The source of the last definition of ``name`` in this file."""
        found = None
        for unit in self.units:
            if name in unit.names:
                found = unit.source
        return found
