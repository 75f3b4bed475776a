"""Self-contained HTML view of a ClassReport (inline CSS and SVG, no scripts, no external assets).

Rendered from ``grader/views/templates/class_report.html.j2`` with the same autoescaping
jinja2 environment as the learner page (check messages and learner ids hold learner
text). A learner's row shows the id with its invisible characters escaped (bidi
overrides, zero-width characters: ``learner_ids.shown``); ``data-learner`` holds it exactly.

Stable hooks for browser tests: ``#histogram`` (an ``svg``, one ``rect.bar`` per
band with ``data-low``, ``data-high`` and ``data-count``), ``#functions``
(``tr.function-row[data-function]``), ``#checks`` (``tr.check-row[data-check]``),
``#diagnoses`` (``li.diagnosis[data-function][data-learners]``), ``#quiz-items``
(``tr.quiz-item[data-item]``), ``#learners`` (``tr.learner-row[data-learner]``,
``a.feedback-link`` when the learner's feedback page exists).
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.classroom.class_report import ClassReport, HistogramBin
from grader.messages import say
from grader.views.html import _environment, html_say, score_band
from grader.views.terminal import fmt_total

TEMPLATE_NAME = "class_report.html.j2"

# Histogram geometry, in SVG user units (the SVG scales to the page width).
SVG_WIDTH, SVG_HEIGHT = 640, 250
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44, 12, 18, 40
BAR_GAP = 6


# (the last band, one learner) -> the sentence of a band's bar
_BAR_TITLES = {(False, False): "class.bar_title", (False, True): "class.bar_title_one",
               (True, False): "class.bar_title_last", (True, True): "class.bar_title_last_one"}


def percent(share: float) -> str:
    """A share (0..1) as a whole percentage: '41%'."""
    return f"{100 * share:.0f}%"


def _count_ticks(highest: int) -> list[int]:
    """At most ~5 whole-number ticks from 0 to at least ``highest``."""
    step = max(1, math.ceil(highest / 4))
    return list(range(0, max(highest, 1) + step, step))


def histogram_view(bins: tuple[HistogramBin, ...]) -> dict[str, Any]:
    """Bars, axis ticks and labels of the score histogram, in SVG coordinates."""
    plot_width = SVG_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = SVG_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    ticks = _count_ticks(max((b.count for b in bins), default=0))
    top = ticks[-1]
    slot = plot_width / len(bins)
    baseline = PLOT_TOP + plot_height

    def y(count: float) -> float:
        return baseline - plot_height * count / top

    bars = []
    for i, b in enumerate(bins):
        height = baseline - y(b.count)
        last = i == len(bins) - 1
        bars.append({
            "x": round(PLOT_LEFT + i * slot + BAR_GAP / 2, 2),
            "y": round(y(b.count), 2),
            "width": round(slot - BAR_GAP, 2),
            "height": round(height, 2),
            "center": round(PLOT_LEFT + (i + 0.5) * slot, 2),
            "count": b.count,
            "low": f"{b.low:g}",
            "high": f"{b.high:g}",
            "label": f"{b.low:g}–{b.high:g}",
            "title": say(_BAR_TITLES[last, b.count == 1], count=b.count, low=f"{b.low:g}", high=f"{b.high:g}"),
            "band": score_band(b.low, 100.0),
        })
    return {
        "width": SVG_WIDTH,
        "height": SVG_HEIGHT,
        "left": PLOT_LEFT,
        "right": SVG_WIDTH - PLOT_RIGHT,
        "baseline": baseline,
        "ticks": [{"value": t, "y": round(y(t), 2)} for t in ticks],
        "bars": bars,
        "axis_label_y": SVG_HEIGHT - 6,
    }


def feedback_links(learners: list[str], feedback_dir: Path | None, page: Path | None) -> dict[str, str]:
    """Learner id -> URL of their feedback page (``<feedback_dir>/<page name>.html``, as ``grade batch
    --out`` writes it), relative to the folder of ``page``; learners without a page get no link."""
    if feedback_dir is None:
        return {}
    from grader.views.learner_ids import page_name

    base = (page.parent if page is not None else Path.cwd()).resolve()
    links = {}
    for learner in learners:
        target = feedback_dir / f"{page_name(learner)}.html"
        if target.is_file():
            links[learner] = quote(Path(os.path.relpath(target.resolve(), base)).as_posix())
    return links


def _when(timestamp: str) -> str:
    """An ISO 8601 timestamp as 'YYYY-MM-DD HH:MM UTC' (as given when it does not parse)."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _score(points: float | None, max_points: float | None) -> str:
    return "—" if points is None else f"{fmt_total(points)} / {fmt_total(max_points or 0)}"


def class_report_context(report: ClassReport, links: dict[str, str]) -> dict[str, Any]:
    """Everything the template shows, as plain strings and lists."""
    from grader.views.learner_ids import shown

    summary = report.summary
    learners = []
    for row in report.learners:
        learners.append({
            "id": row.learner,
            "shown": shown(row.learner),  # a bidi override or zero-width character could pass for a classmate
            "href": links.get(row.learner, ""),
            "score": _score(row.points, row.max_points),
            "percent": "—" if row.percent is None else f"{row.percent:.1f}%",
            "bar": 0.0 if row.percent is None else round(min(max(row.percent, 0.0), 100.0), 1),
            "band": "none" if row.points is None else score_band(row.points, row.max_points or 0),
            "quiz": _score(row.quiz_points, row.quiz_max_points),
            "submitted_at": row.submitted_at,
            "submitted": _when(row.submitted_at),
        })
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {
        "report": report,
        "title": report.title or report.exercise,
        "generated_at": generated_at,
        "generated": _when(generated_at),
        "summary": None if summary is None else {
            "learners": summary.learners,
            "mean": f"{summary.mean:.1f}%",
            "median": f"{summary.median:.1f}%",
            "range": f"{summary.minimum:.0f}–{summary.maximum:.0f}%",
            "band": score_band(summary.mean, 100.0),
        },
        "histogram": histogram_view(report.histogram) if summary else None,
        "functions": [{
            "name": f.name,
            "learners": f.learners,
            "full_marks": f.full_marks,
            "rate": percent(f.pass_rate),
            "bar": round(100 * f.pass_rate, 1),
            "band": score_band(f.pass_rate, 1.0),
            "mean": f"{fmt_total(round(f.mean_points, 2))} / {fmt_total(f.max_points)}",
        } for f in report.functions],
        "checks": [{
            "function": c.function,
            "name": c.name,
            "hidden": c.hidden,
            "advice": c.advice,
            "passed": c.passed,
            "learners": c.learners,
            "rate": percent(c.pass_rate),
            "bar": round(100 * c.pass_rate, 1),
            "band": score_band(c.pass_rate, 1.0),
            "first": i == 0 or report.checks[i - 1].function != c.function,
        } for i, c in enumerate(report.checks)],
        "diagnoses": [{
            "function": d.function,
            "mistake": d.mistake,
            "share": percent(d.share),
            "count": len(d.learners),
            "class_size": d.class_size,
            "learners": d.learners,
        } for d in report.diagnoses],
        "quiz_learners": report.quiz_learners,
        "quiz_items": [{
            "id": q.id,
            "topic": q.topic,
            "learners": q.learners,
            "difficulty": percent(q.difficulty),
            "bar": round(100 * q.difficulty, 1),
            "band": score_band(q.difficulty, 1.0),
            "mean_credit": percent(q.mean_credit),
            "discrimination": "—" if q.discrimination is None else f"{q.discrimination:+.2f}",
            "flags": q.flags,
        } for q in report.quiz_items],
        "learner_rows": learners,
        "linked": len(links),
        "t": html_say,
    }


def render_class_html(report: ClassReport, *, feedback_dir: Path | None = None, page: Path | None = None,
                      similar: str | None = None) -> str:
    """The class report as one self-contained HTML5 page; ``page`` is where it will be written (for the
    relative links to feedback pages in ``feedback_dir``); ``similar``: the URL of the class's similar
    submissions page (grade similar --html), linked from the header."""
    links = feedback_links([row.learner for row in report.learners], feedback_dir, page)
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(**class_report_context(report, links), similar=similar)
