"""What every week's end-to-end grading tests share: the week's folders, grading at a fixed
seed, and the assertions that a correct alternative earns everything without feedback and
that a classic mistake is diagnosed on its own function."""

from __future__ import annotations

from pathlib import Path

from grader.grading import grade_submission
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parent.parent


class Week:
    """One exercise's folders (exercises/, solutions/, tests/fixtures/) and its grading seed."""

    def __init__(self, name: str, seed: int = 1234) -> None:
        self.exercise = ROOT / "exercises" / name
        self.solutions = ROOT / "solutions" / name
        self.fixtures = ROOT / "tests" / "fixtures" / name
        self.seed = seed

    def grade(self, *files: Path, seed: int | None = None) -> GradeReport:
        return grade_submission(self.exercise, list(files), seed=self.seed if seed is None else seed)

    def grade_over_reference(self, *files: Path) -> GradeReport:
        """The reference solution with ``files`` after it (their definitions win): a correct submission
        that does one thing its own way."""
        return self.grade(*sorted(self.solutions.glob("*.py")), *files)

    def lost_with_cache_layout(self, layout: str) -> set[str]:
        """The checks (timed ones aside) that the reference loses with tests/fixtures/<week>/caches/<layout>.py, a
        correct forward/backward pair with another cache layout, after it."""
        report = self.grade_over_reference(self.fixtures / "caches" / f"{layout}.py")
        # Whether a pass is fast enough is not what a cache layout is about, nor machine-independent.
        return {c.name for c in report.checks if c.points < c.max_points and not c.name.endswith("_vectorized")}

    def names(self, kind: str) -> list[str]:
        """The fixtures of one kind ("alternatives", "mistakes"), by name."""
        return sorted(p.stem for p in (self.fixtures / kind).glob("*.py"))

    def reports(self, kind: str, names: list[str] | None = None) -> dict[str, GradeReport]:
        return {name: self.grade(self.fixtures / kind / f"{name}.py") for name in names or self.names(kind)}


def lost(report: GradeReport) -> list[tuple[str, str, str]]:
    """(function, check, message) of every check that did not earn all its points."""
    return [(c.function, c.name, c.message) for c in report.checks if c.points < c.max_points]


def assert_earns_everything(report: GradeReport, reference: GradeReport, *, quiet: bool = False) -> None:
    """Full marks, as many as the reference; with ``quiet``, no feedback on any graded check either."""
    assert lost(report) == []
    assert report.points == reference.max_points
    if quiet:
        assert [(c.name, c.message) for c in report.checks if c.max_points > 0 and c.message] == []


def assert_diagnosed(report: GradeReport, function: str, words: list[str], *, costs_points: bool = True) -> None:
    """A check of ``function`` failed with every one of ``words`` in its feedback (and points were lost)."""
    failed = [c for c in report.checks_for(function) if c.status != "passed"]
    assert failed, f"no check of {function} failed"
    messages = "\n".join(c.message for c in failed)
    for word in words:
        assert word in messages, f"{word!r} not in feedback:\n{messages}"
    if costs_points:
        checks = report.checks_for(function)
        assert sum(c.points for c in checks) < sum(c.max_points for c in checks)
