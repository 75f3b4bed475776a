"""Leaving out what nothing reads: the reads analysis of kept code, and ``drop_unread``.

What a function reads comes from its compiled code (``CodeUnit.compiled``: co_names lists exactly
the names it looks up outside itself); what module-level code reads, from its tree. linking.py
uses the same analysis to find the names one submitted file borrows from another.
"""

from __future__ import annotations

import ast
import collections
import re
import types

from grader.ingest.units import CodeUnit, ModuleSource


def drop_unread(modules: list[ModuleSource], graded: frozenset[str]) -> None:
    """Leave out top-level imports and computed values that nothing kept reads.

    A notebook's demonstration cells (``a = np.random.rand(1_000_000)`` before timing a
    loop) would otherwise be computed in every learner's sandbox, and its ``import
    matplotlib.pyplot as plt`` imported (a few hundred ms where matplotlib is installed),
    for no graded function. A name keeps its statement when any kept statement of any
    file of the submission may read it (as a name, an attribute or an import), or when
    the grader reads it (``graded``: a graded function may be imported or assigned);
    when in doubt, it is kept. What functions read comes from their compiled code: compile
    the units first (compiling.compile_units).
    """
    units = [u for m in modules for u in m.units]
    candidates = {name for u in units if u.droppable for name in u.names}
    if not candidates:
        return
    functions = {id(u) for u in units if isinstance(u.tree, (ast.FunctionDef, ast.AsyncFunctionDef))}
    reads = function_reads([u for u in units if id(u) in functions])
    for unit in units:
        # The candidates a unit mentions, from its words (one pass over its text, whatever the
        # number of candidates: a regex alternation of them grew with imports times text).
        if id(unit) not in reads and (mentioned := candidates.intersection(_WORD.findall(unit.source))):
            reads[id(unit)] = mentioned if unit.tree is None else mentioned & _scope_reads([unit.tree], (), module=True)
    dropped = _unread_units([u for u in units if u.droppable], reads, graded)
    for module in modules:
        module.units = [u for u in module.units if id(u) not in dropped]


_WORD = re.compile(r"\w+")


def _unread_units(droppable: list[CodeUnit], reads: dict[int, set[str]], graded: frozenset[str]) -> set[int]:
    """The droppable units nothing left reads, dropping as it goes: a unit read only by dropped
    units is dropped too.  A work list, so a chain of n computed values that each read the one
    before costs n steps, not n passes over the file."""
    readers = collections.Counter(name for names in reads.values() for name in names)
    readers.update(graded)
    defining: dict[str, list[CodeUnit]] = collections.defaultdict(list)
    for unit in droppable:
        for name in unit.names:
            defining[name].append(unit)

    def unread(unit: CodeUnit) -> bool:
        # What a statement reads of its own names does not keep it (``import time`` names time).
        own = reads.get(id(unit), ())
        return not any(readers[n] - (n in own) for n in unit.names)

    dropped: set[int] = set()
    pending = [u for u in droppable if unread(u)]
    while pending:
        unit = pending.pop()
        if id(unit) in dropped or not unread(unit):
            continue
        dropped.add(id(unit))
        for name in reads.get(id(unit), ()):
            readers[name] -= 1
            if readers[name] <= 1:  # now perhaps unread (1: the definer's own read), once or twice a name
                pending += [u for u in defining.get(name, ()) if id(u) not in dropped]
    return dropped


def function_reads(functions: list[CodeUnit]) -> dict[int, set[str]]:
    """Per function unit (by its id), the module and attribute names it reads (its locals are not).

    The compiler's code objects list exactly the names a function looks up outside
    itself (co_names). Decorators and default values are evaluated in the module, so
    their names count too. A function that did not compile counts every word of its
    text as read (nothing is dropped for its sake).
    """
    result = {}
    for unit in functions:
        module = unit.compiled
        if module is None:  # every word of its text counts: nothing is dropped for its sake
            result[id(unit)] = set(re.findall(r"[A-Za-z_]\w*", unit.source))
            continue
        names: set[str] = set()
        stack = [c for c in module.co_consts if isinstance(c, types.CodeType)]
        while stack:
            current = stack.pop()
            names.update(current.co_names)
            stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        tree = unit.tree
        outside = [*tree.decorator_list, *_defaults(tree.args)]
        result[id(unit)] = names | _scope_reads(outside, (), module=True)
    return result


def _scope_reads(nodes: list[ast.AST], parameters: tuple[str, ...], *, module: bool = False) -> set[str]:
    """Names read in one scope (and the scopes nested in it) that are not its own locals."""
    loads: set[str] = set()
    stores: set[str] = set(parameters)
    declared: set[str] = set()  # global / nonlocal: not locals even when assigned
    nested: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                stores.add(node.name)
                stack += node.decorator_list
            stack += _defaults(node.args)
            nested.append(node)
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, ast.Attribute):
            loads.add(node.attr)
        elif isinstance(node, ast.alias):
            loads.add(node.name.split(".")[-1])
            stores.add((node.asname or node.name).split(".")[0])
        stack += ast.iter_child_nodes(node)
    local = set() if module else stores - declared
    free = loads - local
    for function in nested:
        arguments = function.args
        names = tuple(a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs)
        names += tuple(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
        body = function.body if isinstance(function.body, list) else [function.body]
        free |= _scope_reads(body, names) - local
    return free


def _defaults(arguments: ast.arguments) -> list[ast.expr]:
    """A function's default values (evaluated where it is defined, not in its own scope)."""
    return [d for d in arguments.defaults + arguments.kw_defaults if d is not None]
