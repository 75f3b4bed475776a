"""The plain-text view of a quiz's GradeReport: each question with the learner's
answer, the key and the explanation, then the score and the seed.

Plain text (no colours, no boxes), so it reads the same in any terminal, piped, or
in a log. Given a width (a terminal's), long lines wrap to it between words, each
wrapped line indented under the text of its first (a choice's text, not its letter).
Widths are terminal cells: a Hangul syllable (or another wide character) takes two.
The quiz in the terminal (``wrapping_writer``) and the answers form (``wrapped_form``)
wrap the same way."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import cell_len

from grader.messages import say
from grader.quiz.answers import FORM_HEADER
from grader.views.terminal import fmt_points, fmt_total, notices
from grader.model.report import CheckResult, GradeReport


def verdict(check: CheckResult) -> str:
    """``right``, ``partly right``, ``skipped`` or ``wrong``."""
    if check.status == "passed":
        return say("quiz.results.right")
    if check.points > 0:
        return say("quiz.results.partial")
    if check.answer == say("quiz.feedback.skipped"):
        return say("quiz.results.skipped")
    return say("quiz.results.wrong")


def render_results(report: GradeReport, width: int | None = None) -> str:
    """The whole review as text, ending with a newline; a practice quiz's notice under the title.
    With ``width``, lines longer than it wrap (``wrap``)."""
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
    if width:
        lines = [wrapped for line in lines for wrapped in wrap(line, width)]
    return "\n".join(lines) + "\n"


# What a wrapped line goes on under: the indentation, a question's number and id, a choice's letter.
_HANGING = re.compile(r"\s*(?:\d+\. |[a-z]\) )?")


def wrap(line: str, width: int) -> list[str]:
    """``line`` as lines of at most ``width`` terminal cells (a Hangul syllable or another wide
    character takes two), broken between words only (a longer word, a path or a number, stays whole
    on a line of its own). Runs of spaces inside a line are kept (code lines line up)."""
    if cell_len(line) <= width:
        return [line]
    hang = " " * min(_HANGING.match(line).end(), width // 2)
    indent = line[: len(line) - len(line.lstrip())]
    lines: list[str] = []
    current, pending, started = indent, "", False
    for chunk in _CHUNKS.findall(line.lstrip().expandtabs()):
        if chunk.isspace():
            pending += " " * len(chunk) if started else ""
            continue
        if started and cell_len(current + pending + chunk) > width:
            lines.append(current)
            current = hang + chunk
        else:
            current += pending + chunk
        pending, started = "", True
    lines.append(current)
    return lines


_CHUNKS = re.compile(r"\S+|\s+")


def wrapping_writer(write: Callable[[str], None], width: int | None) -> Callable[[str], None]:
    """``write``, with the text given to it wrapped to ``width`` columns (``wrap``; None: as it is).

    Text may come in pieces (a prompt, then the answer echoed after it): a piece that does not fit
    on what is left of the current line starts a line of its own. A line's trailing spaces (a
    prompt's, before the answer) are kept."""
    if not width:
        return write
    column = 0

    def wrapped(text: str) -> None:
        nonlocal column
        out: list[str] = []
        for number, piece in enumerate(text.split("\n")):
            if number:
                out.append("\n")
                column = 0
            body = piece.rstrip()
            if column and column + cell_len(body) > width:
                out.append("\n")
                column = 0
            lines = wrap(body, width) if body else [""]
            start = column if len(lines) == 1 else 0
            if start + cell_len(lines[-1]) + len(piece) - len(body) <= width:
                lines[-1] += piece[len(body):]
            out.append("\n".join(lines))
            column = start + cell_len(lines[-1])
        write("".join(out))

    return wrapped


_FORM_PREFIX = FORM_HEADER.split("{", 1)[0]


def wrapped_form(form: str, width: int | None) -> str:
    """An answers form (``answers.blank_form``) with its comment lines wrapped to ``width`` (None: as it
    is), each wrapped part a comment too. Its first line, which ``--answers`` reads whole, is kept whole."""
    if not width:
        return form
    lines = []
    for line in form.split("\n"):
        if line.startswith("# ") and not line.startswith(_FORM_PREFIX) and cell_len(line) > width:
            lines += [f"# {part}" for part in wrap(line[2:], max(width - 2, 1))]
        else:
            lines.append(line)
    return "\n".join(lines)
