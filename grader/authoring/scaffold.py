"""``grade new``: a new exercise that passes ``grade validate`` as generated.

The files come from grader/authoring/templates/new_exercise/ (``{{name}}``, ``{{title}}`` and
``{{title_toml}}`` filled in): one instructor source with one graded function
(``relu``) and its solution region, public and hidden checks, a problems module,
a README with the grading contract and a two-question quiz. The starter, its
notebook and the reference are then built from the source (grader/authoring/sources.py).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.errors import usage_error

TEMPLATES = Path(__file__).parent / "templates" / "new_exercise"
# Module names the learner's file (named after the exercise) must not shadow in the sandbox.
_TAKEN = frozenset(sys.stdlib_module_names) | {"numpy", "pytest", "grader", "nbformat", "matplotlib"}


@dataclass(frozen=True)
class NewExercise:
    """Where ``new_exercise`` wrote the exercise."""

    exercise: Path
    solutions: Path
    files: list[Path]


def course_root(root: Path | None) -> Path:
    """The folder holding exercises/ and solutions/: ``root``, $DL_GRADER_EXERCISES's parent, or the cwd."""
    if root is not None:
        return root
    env = os.environ.get("DL_GRADER_EXERCISES")
    return Path(env).parent if env else Path.cwd()


def new_exercise(name: str, title: str = "", root: Path | None = None) -> NewExercise:
    """Write exercises/<name>/ and solutions/<name>/ under the course root; raises UsageError."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise usage_error("usage.new.bad_name", name=name)
    if name in _TAKEN:
        raise usage_error("usage.new.module_name", name=name)
    title = title or name
    if any(ord(ch) < 32 for ch in title):
        raise usage_error("usage.new.title_line")
    course = course_root(root)
    exercise_dir, solutions_dir = course / "exercises" / name, course / "solutions" / name
    for folder in (exercise_dir, solutions_dir):
        if folder.exists():
            raise usage_error("usage.new.exists", folder=folder)
    fill = {"name": name, "title": title, "title_toml": json.dumps(title, ensure_ascii=False)}
    layout = {
        "exercise.toml.tmpl": exercise_dir / "exercise.toml",
        "README.md.tmpl": exercise_dir / "README.md",
        "quiz.toml.tmpl": exercise_dir / "quiz.toml",
        "checks_public.py.tmpl": exercise_dir / "checks" / f"checks_{name}_public.py",
        "problems.py.tmpl": exercise_dir / "checks" / f"problems_{name}.py",
        "checks_hidden.py.tmpl": solutions_dir / "checks" / f"checks_{name}_hidden.py",
        "source.py.tmpl": solutions_dir / "source" / f"{name}.py",
    }
    for template, path in layout.items():
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        for key, value in fill.items():
            text = text.replace("{{" + key + "}}", value)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    from grader.model.exercise import load_exercise
    from grader.authoring.sources import build_from_sources

    built = build_from_sources(load_exercise(exercise_dir))
    return NewExercise(exercise_dir, solutions_dir, sorted([*layout.values(), *built], key=str))
