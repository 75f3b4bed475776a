"""The plain-text view of a quiz's GradeReport: each question with the learner's
answer, the key and the explanation, then the score and the seed.

Plain text (no colours, no boxes), so it reads the same in any terminal, piped, or
in a log."""

from __future__ import annotations

from grader.messages import say
from grader.render_terminal import fmt_points, fmt_total, notices
from grader.report import CheckResult, GradeReport


def verdict(check: CheckResult) -> str:
    """``right``, ``partly right``, ``skipped`` or ``wrong``."""
    if check.status == "passed":
        return say("quiz.results.right")
    if check.points > 0:
        return say("quiz.results.partial")
    if check.answer == say("quiz.feedback.skipped"):
        return say("quiz.results.skipped")
    return say("quiz.results.wrong")


def render_results(report: GradeReport) -> str:
    """The whole review as text, ending with a newline; a practice quiz's notice under the title."""
    lines = [say("quiz.results.title", title=report.title), *notices(report)]
    for number, check in enumerate(report.checks, 1):
        lines += ["", f"{number}. [{check.name}] {fmt_points(check.points)}/{fmt_points(check.max_points)} "
                      f"{verdict(check)}"]
        lines += [f"   {line}".rstrip() for line in check.question.splitlines()]
        lines += [f"   {line}".rstrip() for line in check.message.splitlines()]
    lines += [
        "",
        say("quiz.results.total", points=fmt_total(report.points), max_points=fmt_total(report.max_points),
            percent=report.percent),
        say("quiz.results.seed", learner=report.learner, seed=report.seed),
    ]
    return "\n".join(lines) + "\n"
