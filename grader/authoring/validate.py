"""Exercise validation: everything an instructor must know before releasing an exercise.

``validate_exercise`` grades the reference (it must earn 100%) and each starter (0%)
twice with the same seed (the reports must agree), and checks the exercise's shape:
every graded function has public and hidden checks, the .py and notebook starters
define the same graded functions, the files built from instructor sources are up
to date, and the quiz (if any) is well formed. A learner's copy made by ``grade
release`` has no reference nor hidden checks: only its starters and quiz are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.errors import UsageError
from grader.model.exercise import Exercise
from grader.ingest.submission import load_submission
from grader.grading import grade_submission
from grader.messages import say
from grader.model.report import GradeReport

SEED = 20261122


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _fingerprint(report: GradeReport) -> list[tuple[str, str, str, float, str]]:
    return [(c.function, c.name, c.status, c.points, c.message) for c in report.checks]


def _check_reference(ex: Exercise, problems: list[str]) -> GradeReport | None:
    files = [ex.solutions / name for name in ex.reference_files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        problems.append(say("usage.validate.reference_missing", files=", ".join(missing)))
        return None
    first = grade_submission(ex, files, seed=SEED)
    for check in first.checks:
        if check.status != "passed":
            problems.append(say("usage.validate.reference_fails", check=f"{check.function}/{check.name}",
                                status=check.status, message=_first_line(check.message)))
    second = grade_submission(ex, files, seed=SEED)
    if _fingerprint(first) != _fingerprint(second):
        changed = [a[1] for a, b in zip(_fingerprint(first), _fingerprint(second)) if a != b]
        problems.append(say("usage.validate.not_deterministic", seed=SEED,
                            checks=changed or say("usage.validate.check_list")))
    return first


def _check_coverage(ex: Exercise, report: GradeReport, problems: list[str]) -> None:
    graded = {f.name for f in ex.functions}
    for check in report.checks:
        if check.function not in graded:
            problems.append(say("usage.validate.unlisted_function", check=check.name, function=check.function))
    for function in ex.functions:
        mine = [c for c in report.checks if c.function == function.name and c.max_points > 0]
        if not any(not c.hidden for c in mine):
            problems.append(say("usage.validate.no_public", function=function.name))
        if not any(c.hidden for c in mine):
            problems.append(say("usage.validate.no_hidden", function=function.name))
    if report.max_points <= 0 and ex.functions:
        problems.append(say("usage.validate.no_points"))


def _check_starters(ex: Exercise, problems: list[str]) -> None:
    for stem in ex.learner_files:
        forms = [p for p in (ex.root / f"{stem}.py", ex.root / f"{stem}.ipynb") if p.is_file()]
        if not forms:
            problems.append(say("usage.validate.starter_missing", stem=stem))
            continue
        defined = {}
        for path in forms:
            report = grade_submission(ex, [path], seed=SEED)
            earned = [f"{c.function}/{c.name}" for c in report.checks if c.points > 0]
            if earned:
                problems.append(say("usage.validate.starter_earns", file=path.name, checks=", ".join(earned)))
            submission = load_submission([path], root=ex.root)
            defined[path.name] = {f.name for f in ex.functions if submission.find(f.names)}
        if len(defined) == 2:
            (py_name, py_set), (nb_name, nb_set) = sorted(defined.items(), key=lambda kv: kv[0].endswith(".ipynb"))
            if py_set != nb_set:
                problems.append(say("usage.validate.starters_differ", py=py_name, notebook=nb_name,
                                    only_py=sorted(py_set - nb_set), only_notebook=sorted(nb_set - py_set)))


def _check_sources(ex: Exercise, problems: list[str]) -> None:
    from grader.authoring.sources import stale_files

    problems += [say("usage.release.stale", path=path, exercise=ex.name) for path in stale_files(ex)]


def _check_quiz(ex: Exercise, problems: list[str]) -> None:
    quiz = ex.root / "quiz.toml"
    if not quiz.is_file():
        return
    try:
        from grader.quiz import validate_quiz  # type: ignore[attr-defined]
    except ImportError:
        problems.append(say("usage.validate.no_quiz_support"))
        return
    problems += [say("usage.validate.quiz", problem=p) for p in validate_quiz(quiz)]


def validate_exercise(ex: Exercise, progress: Callable[[str], None] | None = None) -> list[str]:
    """Every problem found, as sentences; an empty list means the exercise is ready."""
    step = progress or (lambda _step: None)
    problems: list[str] = []
    try:
        if ex.recorded_reference is not None:
            # A learner's copy (grade release): no reference nor hidden checks to grade here.
            step("starters")
            _check_starters(ex, problems)
        elif ex.functions:
            _check_sources(ex, problems)
            step("reference")
            report = _check_reference(ex, problems)
            if report is not None:
                _check_coverage(ex, report, problems)
            step("starters")
            _check_starters(ex, problems)
        step("quiz")
        _check_quiz(ex, problems)
    except UsageError as exc:
        problems.append(str(exc))
    return problems


def exercise_dirs(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/exercise.toml"))
