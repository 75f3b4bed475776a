"""Self-contained HTML view of a GradeReport (inline CSS, no scripts, no external assets).

The page is rendered from ``grader/templates/report.html.j2`` by a jinja2
environment with autoescaping on: check messages contain learner output, so
nothing from the report is ever inserted unescaped. jinja2 is imported lazily,
so the terminal view never loads it.

Stable hooks for browser tests: ``#total`` (the score), ``#progress``,
``#summary`` (table of functions, one ``tr.function-row`` each),
``#notices`` (one ``p.notice`` per notice: a learners' copy, a practice quiz),
``section.function[data-function=NAME]`` (id ``fn-NAME``), inside it
``.check.status-{passed,failed,error,timeout}`` with ``.advice`` /
``.hidden-check`` modifiers and ``data-check=NAME`` (for a quiz question also
``.quiz-question``, ``.quiz-answer``, ``.quiz-key``, ``.quiz-explanation``), ``#notes``,
``#protections``, ``#timings``, ``#seed``, ``#submission``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from grader.render_terminal import fmt_points, fmt_total, notices, skipped_notes
from grader.report import SCHEMA_ID, SCHEMA_VERSION, CheckResult, FunctionSummary, GradeReport

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"

# The terminal's ⏱ is an emoji that many Linux browsers lack a font for; ◷ is in DejaVu.
STATUS_SYMBOLS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "◷"}


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def score_band(points: float, max_points: float) -> str:
    """'good' (>= 80%), 'fair' (>= 50%), 'low', or 'none' when nothing is graded."""
    if not max_points:
        return "none"
    percent = 100.0 * points / max_points
    if percent >= 80:
        return "good"
    if percent >= 50:
        return "fair"
    return "low"


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "function"


def _seconds(value: float) -> str:
    if not value:
        return ""
    if value < 0.0005:
        return "<0.001"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _check_view(check: CheckResult) -> dict[str, Any]:
    if check.advice:
        label = "ok" if check.status == "passed" else "advice"
        points = "—"
    else:
        label = check.status
        points = f"{fmt_points(check.points)}/{fmt_points(check.max_points)}"
    classes = ["check", f"status-{check.status}"]
    if check.advice:
        classes.append("advice")
    if check.hidden:
        classes.append("hidden-check")
    # A quiz question shows its question, answer, key and explanation instead of the
    # message, which repeats them as plain text.
    show_message = not check.question and (check.status != "passed" or (check.advice and bool(check.message)))
    return {
        "name": check.name,
        "status": check.status,
        "label": label,
        "symbol": STATUS_SYMBOLS.get(check.status, "?"),
        "points": points,
        "classes": " ".join(classes),
        "advice": check.advice,
        "hidden": check.hidden,
        "description": check.description,
        "message": check.message.rstrip("\n") if show_message else "",
        "seconds": _seconds(check.seconds),
        "question": check.question,
        "answer": check.answer,
        "key": check.key,
        "explanation": check.explanation,
    }


def _function_status(summary: FunctionSummary, checks: list[CheckResult]) -> tuple[str, str]:
    """(css class, label) for the summary table."""
    if not summary.found:
        return "missing", "not found"
    graded = [c for c in checks if not c.advice]
    if not graded:
        return "none", "no graded checks"
    if all(c.status == "passed" and c.points >= c.max_points for c in graded):
        return "complete", "complete"
    if summary.points > 0:
        return "partial", "partial"
    return "failing", "no points yet"


def _functions_view(report: GradeReport) -> list[dict[str, Any]]:
    summaries = list(report.functions)
    listed = {f.name for f in summaries}
    for check in report.checks:  # checks of an unlisted function are shown, never dropped
        if check.function not in listed:
            listed.add(check.function)
            mine = report.checks_for(check.function)
            summaries.append(
                FunctionSummary(
                    check.function,
                    True,
                    points=round(sum(c.points for c in mine), 6),
                    max_points=round(sum(c.max_points for c in mine), 6),
                )
            )
    out = []
    for summary in summaries:
        checks = report.checks_for(summary.name)
        status, status_label = _function_status(summary, checks)
        parts = [
            f"{n} {status}"
            for status in STATUS_SYMBOLS
            if (n := sum(1 for c in checks if c.status == status and not c.advice))
        ]
        if advice := sum(1 for c in checks if c.advice):
            parts.append(f"{advice} advice")
        out.append(
            {
                "name": summary.name,
                "id": "fn-" + slug(summary.name),
                "found": summary.found,
                "defined_in": summary.defined_in,
                "points": fmt_points(summary.points),
                "max_points": fmt_points(summary.max_points),
                "band": score_band(summary.points, summary.max_points),
                "status": status,
                "status_label": status_label,
                "checks": [_check_view(c) for c in checks],
                "counts": ", ".join(parts) or "none",
            }
        )
    return out


def report_context(report: GradeReport) -> dict[str, Any]:
    """Everything the template shows, as plain strings and lists."""
    percent = report.percent
    protections = []
    for name, text in report.protections.items():
        word, _, detail = text.partition(":")
        protections.append(
            {
                "name": name,
                "state": "inactive" if text.startswith("INACTIVE") else "active",
                "word": word.strip(),
                "detail": detail.strip(),
            }
        )
    return {
        "report": report,
        "title": report.title or report.exercise,
        "points": fmt_total(report.points),
        "max_points": fmt_total(report.max_points),
        "percent": f"{percent:.1f}",
        "bar_width": f"{min(max(percent, 0.0), 100.0):.1f}",
        "band": score_band(report.points, report.max_points),
        "short_sha": report.submission_sha256[:12],
        "functions": _functions_view(report),
        "notices": notices(report),
        "notes": skipped_notes(report),
        "protections": protections,
        "inactive_count": sum(1 for p in protections if p["state"] == "inactive"),
        "timings": [(name, f"{seconds:.3f}") for name, seconds in report.timings.items()],
        "schema_id": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
    }


def render_html(report: GradeReport) -> str:
    """The report as one self-contained HTML5 page."""
    template = _environment().get_template(TEMPLATE_NAME)
    page = template.render(**report_context(report))
    # A file name that is not UTF-8 reaches the report as lone surrogates: shown escaped, so the
    # page can always be written as UTF-8.
    return page.encode("utf-8", "backslashreplace").decode("utf-8")
