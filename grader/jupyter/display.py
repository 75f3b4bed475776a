"""What ``%grade`` returns: a KernelGrade, shown inline as HTML by notebooks and as text by IPython.

``_repr_html_`` is the feedback page's content (the same view data as grader/views/html.py:
``report_context``) as one fragment for a notebook's output: the score and its bar, then one
``<details>`` per graded function (open when it lost points, folded when complete), the notes
(folded), the seed. It is self-contained: its CSS is inline and scoped to ``.dlg-grade`` (so it
restyles nothing else of JupyterLab, Notebook 7 or VS Code), its colours read on light and dark
themes, and it has no scripts and no external resources. The learner's text in it is escaped
(jinja2 autoescaping, as for the page).

``__repr__`` (and ``_repr_pretty_``) is the terminal view of ``grade submit`` as plain text, for
terminal IPython and for a notebook's ``text/plain``. Both start with what was graded ("Graded the
14 cells you ran in this kernel (In[3]..In[27]) ...").

Stable hooks for tests: ``div.dlg-grade[data-exercise]``, ``.dlg-source``, ``.dlg-total``
(``data-points``, ``data-max-points``), ``details.dlg-function[data-function=NAME]`` with
``.dlg-check[data-check=NAME][data-status=STATUS]`` and ``pre.dlg-message`` inside,
``.dlg-not-submitted``, ``details.dlg-notes``, ``.dlg-seed``.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import sys
from functools import lru_cache
from typing import Any

from grader.model.report import GradeReport

# "cell 7" of the notebook written from the kernel's history is In[7] (cells.write_notebook).
_CELL = re.compile(r"^cell (\d+)")

TEMPLATE = """\
<div class="dlg-grade" data-exercise="{{ report.exercise }}">
<style>
.dlg-grade { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; max-width: 980px; }
.dlg-grade p { margin: 4px 0; }
.dlg-grade code, .dlg-grade pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.dlg-grade .dlg-source, .dlg-grade .dlg-muted, .dlg-grade .dlg-seed { opacity: .75; }
.dlg-grade .dlg-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 14px; margin-top: 6px; }
.dlg-grade .dlg-title { font-weight: 600; font-size: 15px; }
.dlg-grade .dlg-total { font-size: 20px; font-weight: 700; white-space: nowrap; }
.dlg-grade .band-good { color: #2da44e; } .dlg-grade .band-fair { color: #bf8700; }
.dlg-grade .band-low { color: #e5534b; } .dlg-grade .band-none { opacity: .7; }
.dlg-grade .dlg-bar { height: 8px; border-radius: 4px; background: rgba(127, 127, 127, .25); overflow: hidden; margin: 4px 0 8px; }
.dlg-grade .dlg-bar > div { height: 100%; border-radius: 4px; }
.dlg-grade .bar-good { background: #2da44e; } .dlg-grade .bar-fair { background: #bf8700; }
.dlg-grade .bar-low { background: #e5534b; } .dlg-grade .bar-none { background: rgba(127, 127, 127, .6); }
.dlg-grade .dlg-notice { font-weight: 600; }
.dlg-grade details { border: 1px solid rgba(127, 127, 127, .35); border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
.dlg-grade details > summary { cursor: pointer; display: list-item; }
.dlg-grade details[open] > summary { margin-bottom: 4px; }
.dlg-grade .dlg-points { font-weight: 600; font-variant-numeric: tabular-nums; }
.dlg-grade .dlg-label { font-size: 12px; font-weight: 600; padding: 0 7px; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
.dlg-grade .fn-complete .dlg-label { color: #2da44e; } .dlg-grade .fn-partial .dlg-label { color: #bf8700; }
.dlg-grade .fn-failing .dlg-label, .dlg-grade .fn-missing .dlg-label { color: #e5534b; }
.dlg-grade .dlg-counts { font-size: 12.5px; opacity: .75; }
.dlg-grade .dlg-check { border-left: 4px solid rgba(127, 127, 127, .5); padding: 3px 10px; margin: 6px 0; }
.dlg-grade .dlg-check.status-passed { border-left-color: #2da44e; }
.dlg-grade .dlg-check.status-failed { border-left-color: #e5534b; }
.dlg-grade .dlg-check.status-error { border-left-color: #a371f7; }
.dlg-grade .dlg-check.status-timeout, .dlg-grade .dlg-check.advice { border-left-color: #bf8700; }
.dlg-grade .dlg-check-head { display: flex; flex-wrap: wrap; gap: 2px 10px; align-items: baseline; }
.dlg-grade .dlg-check-name { font-weight: 600; flex: 1; min-width: 10em; overflow-wrap: anywhere; }
.dlg-grade .dlg-badge { font-size: 12px; font-weight: 700; white-space: nowrap; }
.dlg-grade .status-passed .dlg-badge { color: #2da44e; } .dlg-grade .status-failed .dlg-badge { color: #e5534b; }
.dlg-grade .status-error .dlg-badge { color: #a371f7; } .dlg-grade .status-timeout .dlg-badge { color: #bf8700; }
.dlg-grade .advice .dlg-badge { color: #bf8700; }
.dlg-grade .dlg-tag { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; opacity: .8; border: 1px solid rgba(127, 127, 127, .6); border-radius: 999px; padding: 0 6px; }
.dlg-grade .dlg-description { margin: 2px 0; opacity: .8; }
.dlg-grade pre.dlg-message { margin: 4px 0 2px; padding: 6px 9px; white-space: pre-wrap; overflow-wrap: anywhere; background: rgba(127, 127, 127, .12); border-radius: 4px; color: inherit; }
.dlg-grade .dlg-not-submitted { color: #e5534b; font-weight: 600; }
.dlg-grade details.dlg-notes ul { margin: 4px 0; padding-left: 20px; }
</style>
<p class="dlg-source">{{ heading }}</p>
<div class="dlg-head">
  <span class="dlg-title">{{ title }}</span>
  <span class="dlg-total band-{{ band }}" data-points="{{ report.points }}" data-max-points="{{ report.max_points }}">{{ points }} / {{ max_points }}</span>
  <span class="band-{{ band }}">{{ percent }}%</span>
</div>
<div class="dlg-bar" role="progressbar" aria-label="{{ t('html.score') }}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{{ percent }}"><div class="bar-{{ band }}" style="width: {{ bar_width }}%"></div></div>
{% for line in lines %}<p class="dlg-line">{{ line }}</p>
{% endfor %}
{% for notice in notices %}<p class="dlg-notice">{{ notice }}</p>
{% endfor %}
{% for fn in functions %}
{% if fn.kind == "not_submitted" %}
<p class="dlg-not-submitted" data-file="{{ fn.file }}">✗ {{ fn.sentence }}</p>
{% else %}
<details class="dlg-function fn-{{ fn.status }}" data-function="{{ fn.name }}"{% if fn.status not in ("complete", "none") %} open{% endif %}>
<summary><code>{{ fn.name }}</code> <span class="dlg-points band-{{ fn.band }}">{{ fn.points }}/{{ fn.max_points }}</span> <span class="dlg-label">{{ fn.status_label }}</span> <span class="dlg-counts">{{ fn.counts }}</span></summary>
{% if not fn.found %}<p class="dlg-muted">{{ t("commands.magic.not_found") }}</p>{% endif %}
{% for check in fn.checks %}
<div class="dlg-check {{ check.classes }}" data-check="{{ check.name }}" data-status="{{ check.status }}">
  <div class="dlg-check-head">
    <span class="dlg-badge">{% if not check.advice %}{{ check.symbol }} {% endif %}{{ check.label }}</span>
    <span class="dlg-check-name">{{ check.name }}</span>
    {% if check.hidden %}<span class="dlg-tag" title="{{ t('html.hidden_title') }}">{{ t("html.hidden") }}</span>{% endif %}
    {% if check.advice %}<span class="dlg-tag" title="{{ t('html.advice_title') }}">{{ t("html.no_points") }}</span>{% endif %}
    <span class="dlg-points">{{ check.points }}</span>
  </div>
  {% if check.description %}<p class="dlg-description">{{ check.description }}</p>{% endif %}
  {% if check.message %}<pre class="dlg-message">{{ check.message }}</pre>{% endif %}
</div>
{% else %}
<p class="dlg-muted">{{ t("html.no_checks_ran") }}</p>
{% endfor %}
</details>
{% endif %}
{% endfor %}
{% if notes %}
<details class="dlg-notes"><summary>{{ t("commands.magic.skipped", count=notes|length) }}</summary>
<ul>
{% for note in notes %}<li data-kind="{{ note.kind }}"><b>{{ note.file }}</b>{% if note.location %}, {{ note.location }}{% endif %}{% if note.kind %} [{{ note.kind }}]{% endif %}: {{ note.message }}</li>
{% endfor %}
</ul>
</details>
{% endif %}
<p class="dlg-seed">{{ t("commands.magic.seed", seed=report.seed, sha=short_sha) }}{% if inactive %} · {{ inactive }}{% endif %}</p>
</div>
"""


@lru_cache(maxsize=1)
def _template():  # type: ignore[no-untyped-def]
    import jinja2

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    return environment.from_string(TEMPLATE)


class KernelGrade:
    """A grade of the kernel's cells: ``report`` (the GradeReport), ``heading`` (what was graded),
    ``lines`` (more to say: a partial grade, a late penalty, a record that failed)."""

    def __init__(self, report: GradeReport, heading: str, lines: list[str] | None = None, *,
                 verbose: bool = False, inputs: bool = True, lang: str = "en") -> None:
        self.report = _with_inputs(report) if inputs else report
        self.heading = heading
        self.lines = list(lines or [])
        self.verbose = verbose
        self.lang = lang  # the view's labels are said in it, whenever the front end asks for them

    @property
    def points(self) -> float:
        return self.report.points

    @property
    def max_points(self) -> float:
        return self.report.max_points

    def _repr_html_(self) -> str:
        from grader.messages import say, speaking
        from grader.views.html import report_context

        with speaking(self.lang):
            context = report_context(self.report)
            context.update(heading=self.heading, lines=self.lines, t=say)
            html = _template().render(**context)
        return html.encode("utf-8", "backslashreplace").decode("utf-8")

    def text(self, width: int | None = None) -> str:
        """The terminal view as plain text, ``width`` columns wide (default: the terminal's, else 100)."""
        from rich.console import Console

        from grader.messages import speaking
        from grader.views.terminal import render_terminal

        buffer = io.StringIO()
        if width is None:  # terminal IPython: its terminal's width; a kernel's output has none of its own
            width = shutil.get_terminal_size((100, 24)).columns if _isatty(sys.stdout) else 100
        console = Console(file=buffer, width=width, force_terminal=False, force_jupyter=False, color_system=None,
                          highlight=False, emoji=False)
        with speaking(self.lang):
            render_terminal(self.report, console, verbose=self.verbose)
        lines = "".join(f"{line}\n" for line in self.lines)
        return f"{self.heading}\n\n{buffer.getvalue().rstrip()}\n{lines}".rstrip("\n")

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())


def _with_inputs(report: GradeReport) -> GradeReport:
    """``report`` with its notes located by In[N] (the kernel's numbers) instead of "cell N" of a file."""
    notes = []
    for note in report.notes:
        match = _CELL.match(note.location)
        if match:
            note = dataclasses.replace(note, file=_CELL.sub(f"In[{match.group(1)}]", note.location), location="")
        notes.append(note)
    return dataclasses.replace(report, notes=notes)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
