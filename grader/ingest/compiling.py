"""Compiling the kept units here, from their parsed trees, as the worker would compile their text.

The worker then skips compiling (``CodeUnit.for_worker`` ships the code), and the code objects
tell which names functions read (pruning.py, linking.py). Compiling runs nothing.
"""

from __future__ import annotations

import __future__
import ast
import types
import warnings

from grader.ingest.parsing import NO_DEADLINE, Deadline
from grader.ingest.shared_cells import SharedCells
from grader.ingest.units import ModuleSource

# The worker compiled learner code under this future (its module imports it): annotations
# stay unevaluated strings, so a hint naming something never imported does not fail a def.
_FLAGS = __future__.annotations.compiler_flag


def compile_units(modules: list[ModuleSource], cells: SharedCells | None = None,
                  deadline: Deadline = NO_DEADLINE) -> None:
    """Compile every unit from its parsed tree, as the worker would from its text.

    Each unit gets its code (``CodeUnit.compiled``: same file name and line numbers as
    compiling its text). Units of cells met before (``shared``) are compiled once for all
    the submissions that share ``cells``. A unit that does not compile (``return`` outside
    a function...) is left to the worker, which reports the error as it always has.
    """
    for unit in (u for m in modules for u in m.units):
        deadline.check()
        tree = unit.tree
        if tree is None:
            continue
        shared = cells if unit.shared else None
        code = shared.code_of(tree) if shared is not None else None
        if code is None:
            try:
                with warnings.catch_warnings():  # the learner's SyntaxWarnings are not ours to print
                    warnings.simplefilter("ignore")
                    code = compile(ast.Module([tree], []), "<unit>", "exec", flags=_FLAGS, dont_inherit=True)
            except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
                continue
            if shared is not None:
                shared.keep_code(tree, code)
        start = tree.decorator_list[0].lineno if getattr(tree, "decorator_list", None) else tree.lineno
        unit.compiled = _relocated(code, unit.filename, unit.first_line - start)


def _relocated(code: types.CodeType, filename: str, lines: int) -> types.CodeType:
    """``code`` (and the code nested in it) named ``filename`` and moved down ``lines`` lines."""
    consts = tuple(_relocated(c, filename, lines) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_firstlineno=code.co_firstlineno + lines, co_consts=consts)
