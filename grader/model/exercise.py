"""Exercises on disk: ``exercises/<name>/exercise.toml`` and ``solutions/<name>/``.

exercise.toml::

    [exercise]
    name = "week2"
    title = "..."
    title_ko = "..."                     # the title in another language: title_<language> (optional)
    learner_files = ["python_basics", "logistic_regression"]   # stems; .py or .ipynb
    reference_files = ["python_basics.py", "logistic_regression.py"]  # in solutions/<name>/
    preamble = "import numpy as np"      # run in every learner module first (optional)
    preamble_files = ["provided.py"]     # also run first: helpers the course gives learners (optional)

    [[functions]]
    name = "normalize_rows"
    aliases = ["normalizeRows"]

A quiz-only exercise leaves out ``learner_files`` and ``[[functions]]``; its quiz is
``exercises/<name>/quiz.toml`` (see docs/quizzes.md).

A learner's copy made by ``grade release`` has ``reference = "recorded"`` instead of
``reference_files``: no hidden checks, and the public checks' ``reference`` serves the
results recorded at release time in ``checks/expected.json`` (see grader/model/recorded.py).

Public checks: ``exercises/<name>/checks/checks_*.py``; hidden checks:
``solutions/<name>/checks/checks_*.py``.
"""

from __future__ import annotations

import os
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import usage_error
from grader.messages import language, say

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
RECORDED_REFERENCE = "checks/expected.json"  # in a released copy, relative to the exercise folder


@dataclass(frozen=True)
class GradedFunction:
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Exercise:
    name: str
    title: str
    root: Path
    solutions: Path
    learner_files: list[str]
    reference_files: list[str]
    functions: list[GradedFunction]
    preamble: str = "import numpy as np\n"
    config: dict = field(default_factory=dict)
    # A released learner's copy: the recorded reference results (None: the reference in solutions/).
    recorded_reference: Path | None = None
    # The title in other languages, by language code (exercise.toml's title_ko = "...").
    titles: dict[str, str] = field(default_factory=dict)
    # The reference loaded last, with the version of its files it was loaded from (see load_reference).
    _reference: tuple[tuple[tuple[str, int], ...], types.SimpleNamespace] | None = field(
        default=None, init=False, repr=False, compare=False)

    def title_in(self, language: str) -> str:
        """The title in ``language`` (``title_<language>`` in exercise.toml), else the English ``title``."""
        return self.titles.get(language) or self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (``grader.messages.language()``: --lang, a server request's)."""
        return self.title_in(language())

    def public_checks(self) -> list[Path]:
        return sorted((self.root / "checks").glob("checks_*.py"))

    def hidden_checks(self) -> list[Path]:
        if self.recorded_reference is not None:
            return []
        return sorted((self.solutions / "checks").glob("checks_*.py"))

    def default_files(self) -> list[Path]:
        """The learner files in the exercise folder: per stem the newer of .py and .ipynb."""
        files = []
        for stem in self.learner_files:
            candidates = [p for p in (self.root / f"{stem}.py", self.root / f"{stem}.ipynb") if p.is_file()]
            if not candidates:
                raise usage_error("usage.exercise.learner_file_missing", root=self.root, stem=stem)
            files.append(max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.suffix == ".py")))
        return files

    def load_reference(self) -> types.SimpleNamespace:
        """The reference functions (trusted code), last definition winning across files.

        Kept by this exercise while its files' modification times stay the same (a batch grades
        hundreds of learners against the same reference). In a released copy, an object
        serving the recorded results of the same calls.
        """
        if self.recorded_reference is not None:
            from grader.model.recorded import load_recorded_reference

            return load_recorded_reference(self.recorded_reference)  # type: ignore[return-value]
        paths = [self.solutions / filename for filename in self.reference_files]
        key = tuple((str(p), p.stat().st_mtime_ns if p.is_file() else 0) for p in paths)
        if self._reference is None or self._reference[0] != key:
            self._reference = key, self._exec_reference()
        return self._reference[1]

    def _exec_reference(self) -> types.SimpleNamespace:
        namespace: dict[str, object] = {}
        for filename in self.reference_files:
            path = self.solutions / filename
            if not path.is_file():
                raise usage_error("usage.exercise.reference_missing", path=path)
            module: dict[str, object] = {"__name__": f"reference_{path.stem}", "__file__": str(path)}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module)
            namespace.update({k: v for k, v in module.items() if callable(v) and not k.startswith("_")})
        return types.SimpleNamespace(**namespace)


def exercises_root() -> Path:
    """Where exercise names are looked up: $DL_GRADER_EXERCISES, ./exercises, or the project's."""
    env = os.environ.get("DL_GRADER_EXERCISES")
    if env:
        return Path(env)
    local = Path.cwd() / "exercises"
    return local if local.is_dir() else PACKAGE_ROOT / "exercises"


def find_exercise_dir(spec: str | Path) -> Path:
    path = Path(spec)
    if (path / "exercise.toml").is_file():
        return path
    named = exercises_root() / str(spec)
    if (named / "exercise.toml").is_file():
        return named
    known = ", ".join(sorted(p.parent.name for p in exercises_root().glob("*/exercise.toml")))
    raise usage_error("usage.exercise.unknown", spec=str(spec), known=known or say("usage.exercise.none_known"))


def load_exercise(spec: str | Path) -> Exercise:
    """Read an exercise folder (or name); raises UsageError with the file and problem."""
    root = find_exercise_dir(spec).resolve()
    config_path = root / "exercise.toml"
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise usage_error("usage.exercise.unreadable", path=config_path, error=exc) from None
    meta = config.get("exercise", {})
    try:
        name = meta.get("name", root.name)
        # A quiz-only exercise (week 1) declares no graded functions and no learner files.
        functions = [GradedFunction(f["name"], tuple(f.get("aliases", ()))) for f in config.get("functions", [])]
        solutions = (root / meta["solutions"]) if "solutions" in meta else root.parent.parent / "solutions" / name
        reference = meta.get("reference", "solutions")
        if reference not in ("solutions", "recorded"):
            raise usage_error("usage.exercise.reference_value", path=config_path, reference=reference)
        return Exercise(
            name=name,
            title=meta.get("title", name),
            root=root,
            solutions=solutions.resolve(),
            learner_files=list(meta.get("learner_files", [])),
            reference_files=list(meta.get("reference_files", [])),
            functions=functions,
            preamble=_preamble(root, meta),
            config=config,
            recorded_reference=root / RECORDED_REFERENCE if reference == "recorded" else None,
            titles={key.removeprefix("title_"): value for key, value in meta.items()
                    if key.startswith("title_") and isinstance(value, str) and value.strip()},
        )
    except (KeyError, TypeError) as exc:
        raise usage_error("usage.exercise.malformed", path=config_path, entry=exc) from None


def _preamble(root: Path, meta: dict) -> str:
    """Source run in every learner module before the learner's own definitions (which win)."""
    parts = [meta.get("preamble", "import numpy as np")]
    for name in meta.get("preamble_files", []):
        path = root / name
        if not path.is_file():
            raise usage_error("usage.exercise.preamble_missing", path=root / "exercise.toml", name=name)
        parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts) + "\n"


def list_exercises() -> list[Exercise]:
    return [load_exercise(p.parent) for p in sorted(exercises_root().glob("*/exercise.toml"))]
