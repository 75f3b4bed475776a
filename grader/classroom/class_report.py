"""Class-level results of one exercise, read from the gradebook: who scored what, and where a class struggles.

``load_class_results`` takes each learner's latest code report and latest quiz
report (exercise ``<name>/quiz``, kind "quiz"); ``build_class_report`` turns them
into the statistics the class report shows, as small frozen dataclasses:

- ``histogram``: how many learners scored in each 10% band of the code score;
- ``functions``: per graded function, the share of learners with full marks;
- ``checks``: per check, the share of learners whose check passed;
- ``diagnoses``: failed checks grouped by the ids of the diagnoses the grader made
  (``CheckResult.diagnoses``: never by sentences found in feedback, which holds text the
  learner controls), per function, counting learners (not checks), most common first,
  each shown by the grader's or the exercise's own short name for it;
- ``quiz_items``: per question, its difficulty (the share of learners who earned
  all its points) and its discrimination: the corrected item-total correlation,
  i.e. Pearson's r between the item's credit (0..1; for all-or-nothing items this
  is the point-biserial correlation) and the rest of the quiz score (the total
  without this item). None when fewer than three learners answered it or either
  side does not vary.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from grader.checks.context import likely_mistake  # noqa: F401 - the short name of a diagnosis sentence
from grader.errors import usage_error
from grader.model.report import CheckResult, GradeReport

HISTOGRAM_BINS = 10
TOP_DIAGNOSES = 12
# Rules of thumb of classical item analysis, used to flag quiz items worth a second look.
EASY_ITEM, HARD_ITEM, WEAK_DISCRIMINATION = 0.9, 0.3, 0.2

@dataclass(frozen=True)
class ClassResults:
    """The latest reports of every learner of one exercise."""

    exercise: str
    title: str
    functions: tuple[str, ...]  # graded functions, in the exercise's order
    code: tuple[GradeReport, ...]  # latest code report per learner, by learner id
    quiz: tuple[GradeReport, ...]  # latest quiz report per learner, by learner id


@dataclass(frozen=True)
class LearnerRow:
    """One learner's line: code score (None without a code submission), points per function, quiz score."""

    learner: str
    points: float | None
    max_points: float | None
    submitted_at: str
    function_points: dict[str, float]
    quiz_points: float | None
    quiz_max_points: float | None

    @property
    def percent(self) -> float | None:
        if self.points is None:
            return None
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class HistogramBin:
    """Learners whose code score is in [low, high) percent ([90, 100] for the last bin)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class ScoreSummary:
    """The spread of code scores, in percent."""

    learners: int
    mean: float
    median: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class FunctionStat:
    name: str
    learners: int
    full_marks: int  # learners who earned every point of the function
    mean_points: float
    max_points: float

    @property
    def pass_rate(self) -> float:
        return self.full_marks / self.learners if self.learners else 0.0


@dataclass(frozen=True)
class CheckStat:
    function: str
    name: str
    hidden: bool
    advice: bool
    learners: int
    passed: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.learners if self.learners else 0.0


@dataclass(frozen=True)
class Diagnosis:
    """Learners whose failed checks of ``function`` were diagnosed with the same mistake (``id``);
    ``mistake`` is the grader's (or the exercise's) short name for it."""

    function: str
    mistake: str
    learners: tuple[str, ...]
    class_size: int
    id: str = ""

    @property
    def share(self) -> float:
        return len(self.learners) / self.class_size if self.class_size else 0.0


@dataclass(frozen=True)
class QuizItemStat:
    id: str
    topic: str
    learners: int
    correct: int  # learners who earned all the item's points
    mean_credit: float  # mean share of the item's points, partial credit included
    discrimination: float | None  # corrected item-total correlation; see the module docstring

    @property
    def difficulty(self) -> float:
        """The share of learners who got the item right (higher is easier)."""
        return self.correct / self.learners if self.learners else 0.0

    @property
    def flags(self) -> tuple[str, ...]:
        found = []
        if self.learners and self.difficulty >= EASY_ITEM:
            found.append("easy")
        if self.learners and self.difficulty <= HARD_ITEM:
            found.append("hard")
        if self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            found.append("weak discrimination")
        return tuple(found)


@dataclass(frozen=True)
class ClassReport:
    exercise: str
    title: str
    learners: tuple[LearnerRow, ...]
    summary: ScoreSummary | None  # None when no learner submitted code
    histogram: tuple[HistogramBin, ...]
    functions: tuple[FunctionStat, ...]
    checks: tuple[CheckStat, ...]
    diagnoses: tuple[Diagnosis, ...]
    quiz_learners: int
    quiz_items: tuple[QuizItemStat, ...]


def load_class_results(exercise: str | Path, gradebook: Path) -> ClassResults:
    """Every learner's latest code and quiz report of ``exercise`` in ``gradebook``.

    Raises UsageError for an unknown exercise, a missing or unreadable gradebook, or
    a gradebook that holds nothing for this exercise."""
    from grader.model.exercise import load_exercise
    from grader.classroom.gradebook import Gradebook

    ex = load_exercise(exercise)
    if not Path(gradebook).is_file():
        raise usage_error("usage.no_gradebook", gradebook=gradebook)
    with Gradebook(gradebook) as book:
        code = book.latest_reports(ex.name, kind="code")
        quiz = book.latest_reports(f"{ex.name}/quiz", kind="quiz")
    if not code and not quiz:
        raise usage_error("usage.no_submissions", gradebook=gradebook, exercise=ex.name)
    functions = [f.name for f in ex.functions]
    for report in code:  # a function graded once but since renamed still gets its column
        functions += [f.name for f in report.functions if f.name not in functions]
    return ClassResults(ex.name, ex.shown_title, tuple(functions), tuple(code), tuple(quiz))


def learner_rows(results: ClassResults) -> list[LearnerRow]:
    """One row per learner with a code or a quiz report, by learner id."""
    code = {r.learner: r for r in results.code}
    quiz = {r.learner: r for r in results.quiz}
    rows = []
    for learner in sorted(code.keys() | quiz.keys()):
        report, answers = code.get(learner), quiz.get(learner)
        rows.append(LearnerRow(
            learner=learner,
            points=report.points if report else None,
            max_points=report.max_points if report else None,
            submitted_at=report.created_at if report else "",
            function_points={f.name: f.points for f in report.functions} if report else {},
            quiz_points=answers.points if answers else None,
            quiz_max_points=answers.max_points if answers else None,
        ))
    return rows


def score_histogram(percents: list[float], bins: int = HISTOGRAM_BINS) -> tuple[HistogramBin, ...]:
    """Counts of ``percents`` in ``bins`` equal bands of 0..100; 100% goes to the last band."""
    width = 100.0 / bins
    counts = [0] * bins
    for value in percents:
        counts[min(max(int(value // width), 0), bins - 1)] += 1
    return tuple(HistogramBin(i * width, (i + 1) * width, n) for i, n in enumerate(counts))


def score_summary(percents: list[float]) -> ScoreSummary | None:
    """Count, mean, median and range of the code scores; None when there are none."""
    if not percents:
        return None
    return ScoreSummary(len(percents), statistics.fmean(percents), statistics.median(percents),
                        min(percents), max(percents))


def function_stats(results: ClassResults) -> tuple[FunctionStat, ...]:
    """Per graded function (exercise order) that any report graded: full marks and mean points."""
    stats = []
    for name in results.functions:
        graded = [s for r in results.code for s in r.functions if s.name == name]
        if not graded:
            continue
        stats.append(FunctionStat(
            name=name,
            learners=len(graded),
            full_marks=sum(1 for s in graded if s.max_points and s.points >= s.max_points),
            mean_points=statistics.fmean(s.points for s in graded),
            max_points=max(s.max_points for s in graded),
        ))
    return tuple(stats)


def check_stats(results: ClassResults) -> tuple[CheckStat, ...]:
    """Per check, in the order the checks first appear, grouped by function in the exercise's order."""
    seen: dict[tuple[str, str], list[CheckResult]] = {}
    for report in results.code:
        for check in report.checks:
            seen.setdefault((check.function, check.name), []).append(check)
    order = {name: i for i, name in enumerate(results.functions)}
    keys = sorted(seen, key=lambda key: order.get(key[0], len(order)))  # stable: first-seen order within a function
    return tuple(
        CheckStat(function=fn, name=name, hidden=seen[fn, name][0].hidden, advice=seen[fn, name][0].advice,
                  learners=len(seen[fn, name]), passed=sum(1 for c in seen[fn, name] if c.status == "passed"))
        for fn, name in keys
    )


def diagnoses(results: ClassResults, limit: int = TOP_DIAGNOSES) -> tuple[Diagnosis, ...]:
    """The most common diagnosed mistakes, per function, by diagnosis id; each learner counts once per
    (function, id). Reports of version 1 carry no diagnosis ids and count for none."""
    learners: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for report in results.code:
        for check in report.checks:
            if check.status == "passed":
                continue
            for found in check.diagnoses:
                learners[check.function, found.id].add(report.learner)
                names.setdefault(found.id, found.text)
    order = {name: i for i, name in enumerate(results.functions)}
    ranked = sorted(learners.items(), key=lambda item: (-len(item[1]), order.get(item[0][0], len(order)), item[0][1]))
    return tuple(Diagnosis(fn, names[id_], tuple(sorted(who)), len(results.code), id_)
                 for (fn, id_), who in ranked[:limit])


def item_discrimination(credits: list[float], rest: list[float]) -> float | None:
    """Pearson's r of item credit against the rest score; None for fewer than 3 learners or no variation."""
    if len(credits) < 3 or len(set(credits)) < 2 or len(set(rest)) < 2:
        return None
    return statistics.correlation(credits, rest)


def quiz_item_stats(results: ClassResults) -> tuple[QuizItemStat, ...]:
    """Per quiz question (in the order first met), its difficulty and discrimination; questions worth
    no points are left out."""
    answered: dict[str, list[tuple[float, float, bool]]] = {}  # id -> (credit, rest score, full marks)
    topics: dict[str, str] = {}
    for report in results.quiz:
        total = report.points
        for check in report.checks:
            if not check.max_points:
                continue
            topics.setdefault(check.name, check.function)
            answered.setdefault(check.name, []).append(
                (check.points / check.max_points, total - check.points, check.points >= check.max_points))
    stats = []
    for item, rows in answered.items():
        credits, rest = [r[0] for r in rows], [r[1] for r in rows]
        stats.append(QuizItemStat(
            id=item,
            topic=topics[item],
            learners=len(rows),
            correct=sum(1 for r in rows if r[2]),
            mean_credit=statistics.fmean(credits),
            discrimination=item_discrimination(credits, rest),
        ))
    return tuple(stats)


def build_class_report(results: ClassResults) -> ClassReport:
    """Every statistic of the class report (see the module docstring)."""
    percents = [r.percent for r in results.code]
    return ClassReport(
        exercise=results.exercise,
        title=results.title,
        learners=tuple(learner_rows(results)),
        summary=score_summary(percents),
        histogram=score_histogram(percents),
        functions=function_stats(results),
        checks=check_stats(results),
        diagnoses=diagnoses(results),
        quiz_learners=len(results.quiz),
        quiz_items=quiz_item_stats(results),
    )
