"""Self-contained HTML view of a GradeReport (inline CSS, no scripts, no external assets).

The page is rendered from ``grader/views/templates/report.html.j2`` by a jinja2
environment with autoescaping on: check messages contain learner output, so
nothing from the report is ever inserted unescaped. jinja2 is imported lazily,
so the terminal view never loads it.

The page leads with the score and the feedback; the sandbox's protections and the
timings come last, folded (``<details id="sandbox">``, its summary saying how many
protections are inactive). The functions of a learner file none of which was submitted
take one row and one short section (grader/views/report_view.py).

Stable hooks for browser tests: ``#total`` (the score), ``#progress``,
``#summary`` (table of functions, one ``tr.function-row`` each, or one
``tr.not-submitted-row`` per learner file not submitted),
``#notices`` (one ``p.notice`` per notice: a learners' copy, a practice quiz),
``section.function[data-function=NAME]`` (id ``fn-NAME``), inside it
``.check.status-{passed,failed,error,timeout}`` with ``.advice`` /
``.hidden-check`` modifiers and ``data-check=NAME`` (for a quiz question also
``.quiz-question``, ``.quiz-answer``, ``.quiz-key``, ``.quiz-explanation``),
``section.not-submitted[data-file=STEM]`` (id ``file-STEM``), ``#notes``,
``details#sandbox`` with ``#inactive-protections`` in its summary, ``#protections``,
``#timings``, ``#seed``, ``#submission``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from grader.messages import say, template
from grader.views.terminal import fmt_points, fmt_total, notices, skipped_notes
from grader.model.report import SCHEMA_ID, SCHEMA_VERSION, CheckResult, FunctionSummary, GradeReport
from grader.views.report_view import NotSubmitted, functions_and_files

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"

# The terminal's ⏱ is an emoji that many Linux browsers lack a font for; ◷ is in DejaVu.
STATUS_SYMBOLS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "◷"}


def html_say(message_id: str, **fields: Any) -> Any:
    """The catalog's sentence ``message_id`` as HTML for a template (``t`` in its context): the sentence's
    &, < and > escaped (its quotes kept as they are: no attribute's text has one), its fields escaped in
    full, except those already HTML (markupsafe.Markup, such as a jinja ``{% set %}`` block)."""
    from markupsafe import Markup

    text = template(message_id).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(text).format(**fields) if fields else Markup(text)


@lru_cache(maxsize=None)
def template_environment(folder: Path):  # type: ignore[no-untyped-def]
    """The jinja2 environment of the templates in ``folder``, made once: autoescaped (learner text
    is hostile), strict about undefined names. Every page of the grader is rendered through one."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _environment():  # type: ignore[no-untyped-def]
    return template_environment(TEMPLATE_DIR)


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
        label = say("html.label.ok") if check.status == "passed" else say("html.label.advice")
        points = "—"
    else:
        label = say(f"html.label.{check.status}") if check.status in STATUS_SYMBOLS else check.status
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
        return "missing", say("html.function.not_found")
    graded = [c for c in checks if not c.advice]
    if not graded:
        return "none", say("html.function.no_graded_checks")
    if all(c.status == "passed" and c.points >= c.max_points for c in graded):
        return "complete", say("html.function.complete")
    if summary.points > 0:
        return "partial", say("html.function.partial")
    return "failing", say("html.function.no_points_yet")


def _not_submitted_view(group: NotSubmitted) -> dict[str, Any]:
    return {
        "kind": "not_submitted",
        "file": group.home_file,
        "id": "file-" + slug(group.home_file),
        "names": [f.name for f in group.functions],
        "points": fmt_points(group.points),
        "max_points": fmt_points(group.max_points),
        "band": score_band(group.points, group.max_points),
        "sentence": group.sentence(fmt_total(group.points), fmt_total(group.max_points)),
        "count": say("view.functions_of", count=len(group.functions), file=group.home_file),
        # (a file submitted without them: "not found", as for one function)
        "label": say("html.function.not_found") if group.submitted_as else say("view.not_submitted_label"),
    }


def _functions_view(report: GradeReport) -> list[dict[str, Any]]:
    """One entry per function (``kind`` "function"), or per learner file none of whose functions
    was submitted (``kind`` "not_submitted"), in the exercise's order."""
    out = []
    for summary in functions_and_files(report):
        if isinstance(summary, NotSubmitted):
            out.append(_not_submitted_view(summary))
            continue
        checks = report.checks_for(summary.name)
        status, status_label = _function_status(summary, checks)
        parts = [
            say(f"html.count.{status}", count=n)
            for status in STATUS_SYMBOLS
            if (n := sum(1 for c in checks if c.status == status and not c.advice))
        ]
        if advice := sum(1 for c in checks if c.advice):
            parts.append(say("html.count.advice", count=advice))
        out.append(
            {
                "kind": "function",
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
                "counts": ", ".join(parts) or say("html.count.none"),
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
    inactive = [p["name"] for p in protections if p["state"] == "inactive"]
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
        "sandbox_summary": say("view.sandbox_summary"),
        "inactive": say("view.inactive_protections", count=len(inactive), names=", ".join(inactive)) if inactive else "",
        "timings": [(name, f"{seconds:.3f}") for name, seconds in report.timings.items()],
        "schema_id": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "t": html_say,
    }


def render_html(report: GradeReport) -> str:
    """The report as one self-contained HTML5 page."""
    template = _environment().get_template(TEMPLATE_NAME)
    page = template.render(**report_context(report))
    # A file name that is not UTF-8 reaches the report as lone surrogates: shown escaped, so the
    # page can always be written as UTF-8.
    return page.encode("utf-8", "backslashreplace").decode("utf-8")
