"""The stages of grader/ import downwards only, and no modules import each other in a cycle.

docs/architecture.md draws the stages; this test is the picture's guard. An import inside a
function counts (it is a dependency all the same); one under ``if TYPE_CHECKING:`` does not.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "grader"

# Lowest first. A module may import its own stage and the stages before it.
STAGES = ["core", "sandbox", "model", "ingest", "checks", "pipeline", "views", "classroom", "quiz", "authoring",
          "course", "server", "jupyter", "cli"]
CORE = {"errors", "messages", "interrupts", "schema"}


def stage_of(module: str) -> str | None:
    """The stage of ``grader.x.y``; None for the ``grader`` package itself (the facade)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    if parts[1] in CORE:
        return "core"
    if parts[1] == "grading":
        return "pipeline"
    return parts[1]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(sub) for stmt in node.body for sub in ast.walk(stmt))
    return hidden


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """The grader modules ``path`` imports (``from grader.x import name`` counts as grader.x.name if a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path, package)
    here = me if path.name == "__init__.py" else me.rpartition(".")[0]
    hidden = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "grader")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.split(".")[0] != "grader":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                on_disk = package.parent / sub.replace(".", "/")
                found.add(sub if on_disk.with_suffix(".py").is_file() or on_disk.is_dir() else base)
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(path, package): imports_of(path, package) for path in sorted(package.rglob("*.py"))}


def upward_imports(package: Path = PACKAGE) -> list[str]:
    upward = []
    for module, targets in graph(package).items():
        mine = stage_of(module)
        for target in sorted(targets):
            theirs = stage_of(target)
            if mine and theirs and STAGES.index(theirs) > STAGES.index(mine):
                upward.append(f"{module} ({mine}) imports {target} ({theirs})")
    return upward


def cycles(package: Path = PACKAGE) -> list[str]:
    """Import cycles between modules; a package and its own modules do not count as one."""
    edges = {
        module: {t for t in targets if not module.startswith(t + ".") and not t.startswith(module + ".")}
        for module, targets in graph(package).items()
    }
    found: list[str] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                found.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return found


def test_every_module_belongs_to_a_stage():
    unplaced = [m for m in graph() if m != "grader" and stage_of(m) not in STAGES]
    assert unplaced == [], f"place these in a stage (tests/test_architecture.py and docs/architecture.md): {unplaced}"


def test_no_stage_imports_a_later_one():
    assert upward_imports() == []


def test_no_modules_import_each_other_in_a_cycle():
    assert cycles() == []


@pytest.mark.parametrize("source", ["from grader.cli.app import app\n", "def f():\n    import grader.classroom.batch\n"])
def test_the_checker_catches_an_upward_import(tmp_path, source):
    """Guard the guard: a core module that imports the CLI or the classroom is reported."""
    fake = tmp_path / "grader"
    (fake / "cli").mkdir(parents=True)
    (fake / "classroom").mkdir()
    (fake / "cli" / "app.py").write_text("")
    (fake / "classroom" / "batch.py").write_text("")
    (fake / "errors.py").write_text(source)
    assert len(upward_imports(fake)) == 1
    assert upward_imports(fake)[0].startswith("grader.errors (core) imports grader.c")


def test_type_checking_imports_do_not_count(tmp_path):
    fake = tmp_path / "grader"
    fake.mkdir()
    (fake / "cli.py").write_text("")
    (fake / "errors.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import grader.cli\n")
    assert upward_imports(fake) == []


def test_the_checker_catches_a_cycle(tmp_path):
    fake = tmp_path / "grader"
    (fake / "views").mkdir(parents=True)
    (fake / "views" / "a.py").write_text("from grader.views import b\n")
    (fake / "views" / "b.py").write_text("def f():\n    from . import a\n")
    assert cycles(fake) == ["grader.views.a -> grader.views.b -> grader.views.a"]


MAX_LINES = 450  # "about 400": a module past this does more than one thing; split it by what it does


def test_no_module_is_too_long():
    long = {module_name(path): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"
