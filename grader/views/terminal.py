"""Terminal view of a GradeReport, drawn with rich.

Everything that comes from the learner or from a check (names, messages, notes)
is put into ``rich.text.Text`` objects, never into markup strings, so learner
output such as ``[red]`` or ``[/]`` is printed literally and cannot break the
layout.

From WIDE_COLUMNS on, a failing function's checks are a table; in a narrower terminal
(80 columns) they are a list, each check's feedback on the full width under its line,
so that check names and paths are never broken mid-word. Either way, long arrays are
summarised (grader/views/terminal_arrays.py), a "Likely mistake" paragraph that several
checks of a function share is shown once under them, and the functions of a learner
file none of which was submitted take one line (grader/views/report_view.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.views.learner_ids import shown
from grader.messages import say
from grader.model.report import CheckResult, FunctionSummary, GradeReport, SourceNote
from grader.views.report_view import NotSubmitted, SharedDiagnosis, functions_and_files, shared_diagnoses
from grader.views.terminal_arrays import fit_arrays

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# status -> (the id of its symbol and word, style)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "passed": ("view.status.passed", "bold green"),
    "failed": ("view.status.failed", "bold red"),
    "error": ("view.status.error", "bold magenta"),
    "timeout": ("view.status.timeout", "bold yellow"),
}
ADVICE_LABELS: dict[bool, tuple[str, str]] = {
    True: ("view.advice.ok", "green"),
    False: ("view.advice.advice", "bold yellow"),
}

NOTES_TITLE = "view.notes_title"  # the id of the notes panel's title
WIDE_COLUMNS = 100  # from this width on, a failing function's checks are a table; below it, a list
FEEDBACK_INDENT = 6  # the list's feedback, under its check's line
MAX_HANGING = 16  # a feedback line's own indentation that its wrapped lines keep (learner output may have more)
# The table's columns other than the feedback, with its borders and padding (a check name column of
# up to a quarter of the width, see function_table): what the feedback column is left with.
TABLE_OVERHEAD = 9 + 7 + 13
# Notes about the whole report, shown under the total rather than among what the grader skipped:
# a learners' copy that does not run the hidden checks (grader.model.recorded.RELEASED_COPY_NOTE), a
# practice quiz (grader.quiz.PRACTICE_NOTE).
NOTICE_KINDS = ("released-copy", "practice")


def printable(text: str) -> str:
    """Learner-controlled ``text`` (messages, output, file names) as the terminal shows it: controls
    (ESC, C1's CSI), bidi overrides and zero-width characters, which could clear the screen, draw a
    fake score or reorder a line, written as escapes (``learner_ids.shown``); line breaks and tabs kept."""
    return shown(text, lines=True)


def fmt_points(value: float) -> str:
    """Points in a table cell: at least one decimal, at most two (1.0, 0.25, 17.5)."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def fmt_total(value: float) -> str:
    """Points in the total line: no useless decimals (20, 17.5, 8.25)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def score_style(percent: float) -> str:
    if percent >= 80:
        return "bold green"
    if percent >= 50:
        return "bold yellow"
    return "bold red"


def status_cell(check: CheckResult) -> Text:
    from rich.text import Text

    if check.advice:
        label, style = ADVICE_LABELS[check.status == "passed"]
    else:
        label, style = STATUS_LABELS.get(check.status, ("view.status.unknown", "bold"))
    return Text(say(label, status=check.status), style=style)


def points_cell(check: CheckResult) -> Text:
    from rich.text import Text

    if check.advice:
        return Text("—", style="dim")
    style = "green" if check.points >= check.max_points else ("yellow" if check.points else "")
    return Text(f"{fmt_points(check.points)}/{fmt_points(check.max_points)}", style=style)


def name_cell(check: CheckResult) -> Text:
    from rich.text import Text

    text = Text(check.name)
    if check.hidden:
        text.append(say("view.hidden_tag"), style="italic cyan")
    return text


def feedback_cell(check: CheckResult, message: str | None = None, width: int = 0) -> Text:
    """A check's feedback: its description when it passed, else ``message`` (default: its own)
    with arrays summarised to ``width`` columns (none when 0)."""
    from rich.text import Text

    if check.status == "passed":
        return Text(printable(check.description), style="dim")
    text = (check.message if message is None else message).rstrip() or check.description
    return Text(printable(fit_arrays(text, width) if width else text))


def function_title(summary: FunctionSummary) -> Text:
    from rich.text import Text

    title = Text(summary.name, style="bold")
    if summary.max_points:
        style = score_style(100.0 * summary.points / summary.max_points)
    else:
        style = "dim"
    title.append(f"  {fmt_points(summary.points)}/{fmt_points(summary.max_points)}", style=style)
    if not summary.found:
        title.append("  " + say("view.not_found"), style="bold red")
    return title


def function_table(summary: FunctionSummary, checks: list[CheckResult], width: int = 120,
                   messages: dict[str, str] | None = None):
    """The table of a function's checks (``messages``: their feedback by check name, default their own)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    caption = None
    if summary.found and summary.defined_in:
        caption = Text(say("view.defined_in", where=printable(summary.defined_in)), style="dim")
    table = Table(
        title=function_title(summary),
        title_justify="left",
        caption=caption,
        caption_justify="left",
        box=box.ROUNDED,
        show_lines=True,
        expand=True,
        border_style="red" if not summary.found else "bright_black",
    )
    table.add_column(say("view.column.status"), no_wrap=True, min_width=9)
    table.add_column(say("view.column.points"), justify="right", no_wrap=True)
    # Check names are often long identifiers (sigmoid_derivative_example): the column takes
    # their width, up to about a quarter of the console, so they stay whole; the feedback
    # column gets the rest.
    names = max(16, width // 4 + 2)
    table.add_column(say("view.column.check"), max_width=names, overflow="fold")
    table.add_column(say("view.column.feedback"), ratio=1, overflow="fold")
    if not checks:
        table.add_row("", "", Text(say("view.no_checks"), style="dim"), "")
    longest = max((len(name_cell(c)) for c in checks), default=0)
    feedback_width = max(20, width - TABLE_OVERHEAD - min(longest, names))
    for check in checks:
        message = (messages or {}).get(check.name)
        table.add_row(status_cell(check), points_cell(check), name_cell(check),
                      feedback_cell(check, message, feedback_width))
    return table


def function_list(summary: FunctionSummary, checks: list[CheckResult], width: int, *, verbose: bool = False,
                  messages: dict[str, str] | None = None) -> list:
    """A function's checks for a narrow terminal: its title, where it is defined, then one line per
    check (status, points, name) with its feedback indented under it on the full width; a passed
    check's description only with ``verbose``."""
    from rich.padding import Padding
    from rich.text import Text

    lines: list = [function_title(summary)]
    if summary.found and summary.defined_in:
        lines.append(Padding(Text(say("view.defined_in", where=printable(summary.defined_in)), style="dim"), (0, 0, 0, 2),
                             expand=False))
    if not checks:
        lines.append(Padding(Text(say("view.no_checks"), style="dim"), (0, 0, 0, 2), expand=False))
    for check in checks:
        head = status_cell(check)
        head.pad_right(max(0, 9 - head.cell_len))  # cells, not characters: Hangul is two wide
        head.append("  ")
        points = points_cell(check)
        points.pad_left(max(0, 7 - len(points)))
        head.append(points)
        head.append("  ")
        head.append(name_cell(check))
        lines.append(Padding(head, (0, 0, 0, 2), expand=False))
        if check.status != "passed" or verbose:
            message = (messages or {}).get(check.name)
            lines += hanging(feedback_cell(check, message, width - FEEDBACK_INDENT), FEEDBACK_INDENT)
    return lines


def hanging(text: Text, indent: int) -> list:
    """``text`` line by line, each indented by ``indent`` and its own leading blanks, so that a line
    that wraps goes on under its first word (``  expected: ...``)."""
    from rich.padding import Padding

    lines = []
    for line in text.split("\n", allow_blank=True):
        lead = min(len(line.plain) - len(line.plain.lstrip(" ")), MAX_HANGING)
        lines.append(Padding(line[lead:], (0, 0, 0, indent + lead), expand=False))
    return lines


def shared_paragraphs(shared: list[SharedDiagnosis]) -> list:
    """Each diagnosis that several checks of a function share, once, under its checks."""
    from rich.padding import Padding
    from rich.text import Text

    lines: list = []
    for diagnosis in shared:
        lines.append(Padding(Text(say("view.diagnosis_shared", count=len(diagnosis.checks)), style="bold"),
                             (0, 0, 0, 2), expand=False))
        lines += hanging(Text(printable(diagnosis.paragraph)), 4)
    return lines


def not_submitted_line(group: NotSubmitted) -> Text:
    """One line for the functions of a learner file none of which was submitted."""
    from rich.text import Text

    line = Text("✗ ", style="bold red")
    line.append(group.sentence(fmt_total(group.points), fmt_total(group.max_points)))
    return line


def skipped_notes(report: GradeReport) -> list[SourceNote]:
    """The notes about what the grader skipped (every note but the notices)."""
    return [note for note in report.notes if note.kind not in NOTICE_KINDS]


def notices(report: GradeReport) -> list[str]:
    """The messages of the notes about the whole report (``NOTICE_KINDS``)."""
    return [note.message for note in report.notes if note.kind in NOTICE_KINDS]


def notes_panel(report: GradeReport):
    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    for i, note in enumerate(skipped_notes(report)):
        if i:
            body.append("\n")
        body.append("• ")
        body.append(printable(note.file), style="bold")
        if note.location:
            body.append(f", {printable(note.location)}", style="bold")
        if note.kind:
            body.append(f" [{note.kind}]", style="yellow")
        body.append(f": {printable(note.message)}")
    return Panel(body, title=say(NOTES_TITLE), title_align="left", border_style="yellow")


def total_line(report: GradeReport) -> Text:
    from rich.text import Text

    line = Text(say("view.total"), style="bold")
    if report.max_points:
        line.append(
            say("view.total_points", points=fmt_total(report.points), max_points=fmt_total(report.max_points),
                percent=report.percent),
            style=score_style(report.percent),
        )
    else:
        line.append(say("view.no_graded_checks"), style="yellow")
    return line


def inactive_protections(report: GradeReport) -> list[str]:
    return [name for name, state in report.protections.items() if state.startswith("INACTIVE")]


def protections_line(report: GradeReport) -> Text | None:
    from rich.text import Text

    inactive = inactive_protections(report)
    if not inactive:
        return None
    parts = []
    for name in inactive:
        reason = report.protections[name].removeprefix("INACTIVE").lstrip(": ").strip()
        parts.append(f"{name} ({reason})" if reason else name)
    line = Text(say("view.inactive_line"), style="bold yellow")
    line.append("; ".join(parts), style="yellow")
    return line


def passed_line(summary: FunctionSummary, checks: list[CheckResult]) -> Text:
    """One line for a function whose checks all passed: the learner's attention goes elsewhere."""
    from rich.text import Text

    line = Text("✓ ", style="bold green")
    line.append(function_title(summary))
    line.append("  " + say("view.all_passed", count=len(checks)), style="dim")
    return line


def missing_line(summary: FunctionSummary, message: str) -> Text:
    """One line for a function that is not in the submission (its checks all say so)."""
    from rich.text import Text

    line = Text("✗ ", style="bold red")
    line.append(function_title(summary))
    line.append(f"  {printable(message)}")
    return line


def render_terminal(report: GradeReport, console: Console, *, verbose: bool = False) -> None:
    """Print ``report`` to ``console``: a table per function with a failing check (every
    function with ``verbose``), one line per fully passed function, notes, total, seed."""
    from rich.text import Text

    header = Text(report.title or report.exercise, style="bold")
    if report.learner:
        header.append(f"  ·  {shown(report.learner)}", style="dim")
    console.print(header)

    for summary in functions_and_files(report):
        if isinstance(summary, NotSubmitted):
            console.print(not_submitted_line(summary))
            continue
        checks = report.checks_for(summary.name)
        if not verbose and checks and all(c.status == "passed" for c in checks):
            console.print(passed_line(summary, checks))
            continue
        if not summary.found and checks and len({c.message for c in checks}) == 1:
            console.print(missing_line(summary, checks[0].message))
            continue
        shared, messages = shared_diagnoses(checks)
        console.print()
        if console.width >= WIDE_COLUMNS:
            console.print(function_table(summary, checks, console.width, messages))
        else:
            for line in function_list(summary, checks, console.width, verbose=verbose, messages=messages):
                console.print(line)
        for line in shared_paragraphs(shared):
            console.print(line)
        if console.width < WIDE_COLUMNS:
            console.print()

    if skipped_notes(report):
        console.print()
        console.print(notes_panel(report))
    console.print()

    console.print(total_line(report))
    for message in notices(report):
        console.print(Text(printable(message), style="bold cyan"))
    seed = Text(say("view.seed", seed=report.seed), style="dim")
    seed.append(say("view.reproduce", seed=report.seed), style="dim")
    console.print(seed)
    line = protections_line(report)
    if line is not None:
        console.print(line)
