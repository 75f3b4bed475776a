"""``grade release``: the learner's copy of an exercise, with no solution and no hidden check in it.

The copy is built in a staging folder next to the target and moved into place only
when every step passed:

1. ``count_hidden_checks``: the reference graded on every check, to count the hidden
   checks and their points (learners' reports state them; nothing else of them is kept);
2. ``copy_learner_files``: the exercise folder as learners see it; starters and
   notebooks of instructor sources generated afresh (grader/authoring/sources.py);
   ``exercise.toml`` says ``reference = "recorded"`` instead of naming solutions, and
   how many hidden checks and points the copy does not run;
3. ``release_quiz``: the quiz without its keys (grader/quiz/form.py), and each of its
   translations (``quiz.ko.toml``) without explanations or accepted answers: learners write
   their forms in the copy and submit them; with ``practice_quizzes``, the whole quiz;
4. ``record_reference``: the public checks run against the reference, and every
   reference call is recorded into ``checks/expected.json`` (grader/model/recorded.py);
5. ``find_leaks``: no line that only solutions/ holds (solution regions, reference,
   hidden checks) is in any file of the copy;
6. ``self_test``: without solutions/, the copy gives the reference every public
   point (with another seed than the recording's) and the starters none.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from grader.checks.diagnose import compute_every_mistake
from grader.errors import usage_error
from grader.messages import say
from grader.model.exercise import RECORDED_REFERENCE, Exercise, load_exercise
from grader.grading import grade_submission
from grader.quiz import QUIZ_FILE, load_quiz, translation_path
from grader.quiz.form import check_form, form_quiz_text, form_translation_text, practice_quiz_text, toml_value
from grader.quiz.model import DEFAULT_SUBMIT_TO, SOURCE_LANGUAGE
from grader.model.recorded import RecordingReference
from grader.model.report import GradeReport
from grader.authoring.sources import build_from_sources, instructor_sources, notebook_text, split_source, stale_files

RECORD_SEED, TEST_SEED = 20261122, 7  # two seeds: a check whose reference call depends on the seed shows
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


@dataclass(frozen=True)
class ReleaseSummary:
    """What ``release_exercise`` wrote."""

    exercise: str
    folder: Path
    files: list[str]          # relative to folder
    generated: list[str]      # starters and notebooks built from instructor sources
    recorded_calls: int       # reference results in checks/expected.json
    public_points: float
    hidden: HiddenChecks
    quiz: str                 # "" (no quiz), "form" (no keys in the copy) or "practice" (keys released)
    seconds: float


@dataclass(frozen=True)
class HiddenChecks:
    """What a learners' copy says of the checks it does not run."""

    count: int
    points: float


@dataclass
class _PublicChecksRun(Exercise):
    """The exercise as a release grades it: public checks only, the reference behind a recorder."""

    recorder: RecordingReference | None = None

    def hidden_checks(self) -> list[Path]:
        return []

    def load_reference(self) -> RecordingReference:  # type: ignore[override]
        assert self.recorder is not None
        return self.recorder


def release_exercise(spec: str | Path, out: Path, *, force: bool = False, practice_quizzes: bool = False,
                     submit_to: str = "") -> ReleaseSummary:
    """Write the learner's copy of an exercise to ``out/<name>``; raises UsageError naming what is wrong.

    practice_quizzes: release the quiz with its keys, for practice (else learners only write forms,
    graded where the keys are); submit_to: where learners submit, said in their copy (default: "your
    instructor")."""
    started = time.perf_counter()
    submit_to = submit_to.strip() or DEFAULT_SUBMIT_TO
    ex = load_exercise(spec)
    if ex.recorded_reference is not None:
        raise usage_error("usage.release.already_copy", root=ex.root)
    stale = stale_files(ex)
    if stale:
        raise usage_error("usage.release.stale", path=stale[0], exercise=ex.name)
    target = _target(ex, Path(out), force)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{ex.name}-release-", dir=target.parent))  # same file system: rename
    staging = work / ex.name
    try:
        hidden = count_hidden_checks(ex) if ex.functions else HiddenChecks(0, 0.0)
        generated = copy_learner_files(ex, staging, hidden, submit_to)
        quiz = release_quiz(ex, staging, practice=practice_quizzes, submit_to=submit_to)
        report = record_reference(ex, staging) if ex.functions else None
        find_leaks(ex, staging)
        if report is not None:
            self_test(ex, staging, report)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    recorded = json.loads((target / RECORDED_REFERENCE).read_text())["calls"] if report is not None else {}
    return ReleaseSummary(
        exercise=ex.name, folder=target, files=files, generated=generated,
        recorded_calls=sum(len(v) for v in recorded.values()),
        public_points=report.max_points if report else 0.0,
        hidden=hidden,
        quiz=quiz,
        seconds=round(time.perf_counter() - started, 2),
    )


def build_exercise(spec: str | Path) -> list[Path]:
    """Rebuild the starters, notebooks and references of an exercise's instructor sources."""
    ex = load_exercise(spec)
    if not instructor_sources(ex):
        raise usage_error("usage.release.no_sources", exercise=ex.name)
    return build_from_sources(ex)


def _target(ex: Exercise, out: Path, force: bool) -> Path:
    target = (out / ex.name).resolve()
    for protected in (ex.root, ex.solutions):
        if target == protected or target.is_relative_to(protected) or protected.is_relative_to(target):
            raise usage_error("usage.release.overwrite", out=out, protected=protected)
    if target.exists() and any(target.iterdir()):
        if not force:
            raise usage_error("usage.release.exists", target=target)
        if not _is_released_copy(target):
            raise usage_error("usage.release.not_a_copy", target=target)
    return target


def _is_released_copy(folder: Path) -> bool:
    try:
        return tomllib.loads((folder / "exercise.toml").read_text())["exercise"].get("reference") == "recorded"
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return False


def count_hidden_checks(ex: Exercise) -> HiddenChecks:
    """The hidden checks of the exercise and their points, from a grading of the reference (which no
    recorder watches: nothing the hidden checks compute reaches the copy)."""
    report = grade_submission(ex, _reference_files(ex), seed=RECORD_SEED)
    errors = [n.message for n in report.notes if n.kind == "check-error"]
    if errors:
        raise usage_error("usage.release.validate", exercise=ex.name, problems=errors[0])
    hidden = [c for c in report.checks if c.hidden and not c.advice]
    return HiddenChecks(len(hidden), round(sum(c.max_points for c in hidden), 6))


def copy_learner_files(ex: Exercise, staging: Path, hidden: HiddenChecks | None = None,
                       submit_to: str = DEFAULT_SUBMIT_TO) -> list[str]:
    """Copy the exercise folder, regenerate the instructor sources' starters (returned) and
    rewrite exercise.toml for a copy without solutions/."""
    for path in ex.root.rglob("*"):
        if path.is_symlink() and not path.resolve().is_relative_to(ex.root):
            raise usage_error("usage.release.outside_link", path=path)
    shutil.copytree(ex.root, staging, ignore=_IGNORED)
    config = staging / "exercise.toml"
    config.write_text(released_config(config.read_text(encoding="utf-8"), hidden, submit_to), encoding="utf-8")
    generated = []
    for path in instructor_sources(ex):
        source = split_source(path)
        (staging / path.name).write_text(source.learner_text, encoding="utf-8")
        (staging / f"{path.stem}.ipynb").write_text(notebook_text(source.learner_text), encoding="utf-8")
        generated += [path.name, f"{path.stem}.ipynb"]
    return generated


def release_quiz(ex: Exercise, staging: Path, *, practice: bool, submit_to: str) -> str:
    """Write the copy's quiz: without keys (checked to show every learner what the quiz shows), or
    with them for practice. Returns "form", "practice", or "" for an exercise without a quiz."""
    path = ex.root / QUIZ_FILE
    if not path.is_file():
        return ""
    quiz = load_quiz(path, SOURCE_LANGUAGE)
    copied = staging / QUIZ_FILE
    if practice:  # the translations were copied whole with the folder
        copied.write_text(practice_quiz_text(path.read_text(encoding="utf-8")), encoding="utf-8")
        return "practice"
    copied.write_text(form_quiz_text(quiz, submit_to), encoding="utf-8")
    for translation in quiz.translations:  # in place of the copied translation, which states the keys
        translation_path(copied, translation.language).write_text(
            form_translation_text(quiz, translation.language), encoding="utf-8")
    check_form(quiz, load_quiz(copied, SOURCE_LANGUAGE))
    return "form"


def record_reference(ex: Exercise, staging: Path) -> GradeReport:
    """Grade the reference on the public checks, recording every reference call into the copy."""
    recorder = RecordingReference(ex.load_reference())
    run = _PublicChecksRun(**{f.name: getattr(ex, f.name) for f in fields(Exercise) if f.init}, recorder=recorder)
    token = compute_every_mistake.set(True)
    try:
        report = grade_submission(run, _reference_files(ex), seed=RECORD_SEED)
    finally:
        compute_every_mistake.reset(token)
    problems = [say("usage.release.reference_fails", check=f"{c.function}/{c.name}", status=c.status)
                for c in report.checks if c.status != "passed"]
    problems += [n.message for n in report.notes if n.kind == "check-error"]
    if problems:
        raise usage_error("usage.release.validate", exercise=ex.name, problems="; ".join(problems))
    (staging / RECORDED_REFERENCE).write_text(recorder.to_json(ex.name), encoding="utf-8")
    return report


def _reference_files(ex: Exercise) -> list[Path]:
    return [ex.solutions / name for name in ex.reference_files]


_EXERCISE_KEYS = re.compile(r"^\s*(reference_files|solutions|reference|hidden_checks|hidden_points|submit_to)\s*=")
_TABLE = re.compile(r"^\s*\[\[?\s*([\w.\-]+)\s*\]\]?\s*(#.*)?$")


def released_config(text: str, hidden: HiddenChecks | None = None, submit_to: str = DEFAULT_SUBMIT_TO) -> str:
    """exercise.toml for the learner's copy: no path to solutions, ``reference = "recorded"``, and the
    hidden checks' count and points (``hidden_checks``, ``hidden_points``) with where to submit."""
    kept: list[str] = []
    table, depth = "", 0
    for line in text.splitlines():
        if depth > 0:  # the continuation lines of a dropped multi-line array
            depth += line.count("[") - line.count("]")
            continue
        header = _TABLE.match(line)
        if header:
            table = header.group(1)
        if table == "exercise" and _EXERCISE_KEYS.match(line):
            depth = line.count("[") - line.count("]")
            continue
        kept.append(line)
        if header and table == "exercise":
            kept += ["# A learner's copy made by `grade release`: the public checks compare with the reference's",
                     "# results recorded in checks/expected.json; the hidden checks run when you submit to your",
                     "# instructor.",
                     'reference = "recorded"']
            if hidden is not None:
                kept += [f"hidden_checks = {hidden.count}", f"hidden_points = {toml_value(float(hidden.points))}",
                         f"submit_to = {toml_value(submit_to)}"]
    result = "\n".join(kept) + "\n"
    try:
        meta = tomllib.loads(result).get("exercise", {})
    except tomllib.TOMLDecodeError as exc:
        meta = {"error": str(exc)}
    if meta.get("reference") != "recorded" or {"reference_files", "solutions"} & set(meta) or (
            hidden is not None and meta.get("hidden_points") != hidden.points):
        raise usage_error("usage.release.config")
    return result


def _text_lines(path: Path) -> list[str]:
    """The lines of a text file (of a notebook: of its cells); none for a binary file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            text = "\n".join("".join(c.get("source", "")) for c in cells if isinstance(c, dict))
        except (json.JSONDecodeError, AttributeError):
            pass
    return text.splitlines()


def _meaningful(lines: list[str]) -> set[str]:
    return {line.strip() for line in lines if any(ch.isalnum() for ch in line)}


def secret_lines(ex: Exercise) -> set[str]:
    """Lines only the instructor's material has: in solutions/ (regions, references, hidden checks),
    nowhere in the exercise folder nor in the starters the sources give."""
    public = set()
    for path in ex.root.rglob("*"):
        if path.is_file():
            public |= _meaningful(_text_lines(path))
    for path in instructor_sources(ex):
        public |= _meaningful(split_source(path).learner_text.splitlines())
    secret = set()
    for path in ex.solutions.rglob("*"):
        if path.is_file():
            secret |= _meaningful(_text_lines(path))
    return secret - public


def find_leaks(ex: Exercise, folder: Path) -> None:
    """Raise UsageError when a file of ``folder`` holds a line only solutions/ has."""
    secret = secret_lines(ex)
    for path in sorted(folder.rglob("*")):
        leaked = [line for line in _text_lines(path) if line.strip() in secret] if path.is_file() else []
        if leaked:
            raise usage_error("usage.release.leak", path=path.relative_to(folder), count=len(leaked),
                              line=leaked[0].strip())


def self_test(ex: Exercise, staging: Path, recorded: GradeReport) -> None:
    """The copy, without solutions/: the reference earns every public point, the starters none."""
    from grader.authoring.validate import validate_exercise

    copy = load_exercise(staging)
    report = grade_submission(copy, _reference_files(ex), seed=TEST_SEED)
    problems = [f"{c.function}/{c.name}: {c.message.splitlines()[0] if c.message else c.status}"
                for c in report.checks if c.status != "passed"]
    if report.max_points != recorded.max_points:
        problems.append(say("usage.release.points_differ", copy=report.max_points, exercise=recorded.max_points))
    problems += validate_exercise(copy)
    if problems:
        raise usage_error("usage.release.self_test", exercise=ex.name, problems="; ".join(problems))
