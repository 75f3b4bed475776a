"""What the terminal and HTML views show beyond a report's own fields.

* ``listed_functions``: the report's functions, plus a summary for checks of a function
  it does not list (shown, never dropped);
* ``not_submitted``: the functions of a learner file none of which was found, to show as
  one line ("not submitted: 6 functions of python_basics ...") rather than one "not
  found" block each (``functions_and_files``: the functions with those groups in their place);
* ``shared_diagnoses``: a "Likely mistake" paragraph that several failing checks of one
  function carry, to show once for the function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from grader.messages import own_template, say
from grader.model.report import CheckDiagnosis, CheckResult, FunctionSummary, GradeReport

NAMES_LISTED = 8  # functions named in a not-submitted line before "and N more"


def listed_functions(report: GradeReport) -> list[FunctionSummary]:
    """The report's functions, then one summary per function that only its checks name."""
    summaries = list(report.functions)
    listed = {f.name for f in summaries}
    for check in report.checks:
        if check.function not in listed:
            listed.add(check.function)
            mine = report.checks_for(check.function)
            summaries.append(FunctionSummary(check.function, found=True,
                                             points=round(sum(c.points for c in mine), 6),
                                             max_points=round(sum(c.max_points for c in mine), 6)))
    return summaries


@dataclass(frozen=True)
class NotSubmitted:
    """The functions of one learner file, none of which the submission defines."""

    home_file: str
    functions: tuple[FunctionSummary, ...]
    submitted_as: str = ""  # a submitted file of that name (empty, or defining none of them), if any

    @property
    def points(self) -> float:
        return round(sum(f.points for f in self.functions), 6)

    @property
    def max_points(self) -> float:
        return round(sum(f.max_points for f in self.functions), 6)

    @property
    def names(self) -> str:
        """The functions' names, the first NAMES_LISTED of them and how many more."""
        names = [f.name for f in self.functions]
        if len(names) <= NAMES_LISTED:
            return ", ".join(names)
        return say("view.names_and_more", names=", ".join(names[:NAMES_LISTED - 1]),
                   count=len(names) - NAMES_LISTED + 1)

    def sentence(self, points: str, max_points: str) -> str:
        """"not submitted: 6 functions of python_basics (...): 0/14 points. ..." with the points as given
        (or, for a file submitted without them, that they are not in it)."""
        fields = dict(count=len(self.functions), file=self.home_file, names=self.names, points=points,
                      max_points=max_points)
        if self.submitted_as:
            return say("view.not_in_file", path=self.submitted_as, **fields)
        return say("view.not_submitted", **fields)


def not_submitted(report: GradeReport, summaries: list[FunctionSummary]) -> dict[str, NotSubmitted]:
    """Function name -> its file's group, for every learner file (``home_file``) with at least two
    functions, none of which was found and each of whose checks only says so."""
    by_file: dict[str, list[FunctionSummary]] = {}
    for summary in summaries:
        if summary.home_file:
            by_file.setdefault(summary.home_file, []).append(summary)
    groups: dict[str, NotSubmitted] = {}
    for home_file, functions in by_file.items():
        if len(functions) >= 2 and all(_only_not_found(f, report.checks_for(f.name)) for f in functions):
            submitted = [f.path for f in report.files if PurePath(f.path).stem == home_file]
            group = NotSubmitted(home_file, tuple(functions), submitted[0] if submitted else "")
            groups.update((f.name, group) for f in functions)
    return groups


def functions_and_files(report: GradeReport) -> list[FunctionSummary | NotSubmitted]:
    """What a view lists, in order: the functions (``listed_functions``), each learner file not
    submitted (``not_submitted``) once in place of its functions, where the first of them was."""
    summaries = listed_functions(report)
    groups = not_submitted(report, summaries)
    items: list[FunctionSummary | NotSubmitted] = []
    for summary in summaries:
        group = groups.get(summary.name)
        if group is None:
            items.append(summary)
        elif group.functions[0] is summary:
            items.append(group)
    return items


def _only_not_found(summary: FunctionSummary, checks: list[CheckResult]) -> bool:
    """Not found, and every check says only that (a definition hidden by a syntax error says more)."""
    said = say("error.not_found", function=summary.name, names="\0").partition("\0")[0]
    return not summary.found and all(c.points == 0 and c.message.startswith(said) for c in checks)


@dataclass(frozen=True)
class SharedDiagnosis:
    """A "Likely mistake" paragraph that several failing checks of a function carry."""

    id: str
    title: str
    paragraph: str  # as the first of its checks words it
    checks: tuple[str, ...]  # the names of the checks that carry it


def shared_diagnoses(checks: list[CheckResult]) -> tuple[list[SharedDiagnosis], dict[str, str]]:
    """(the diagnoses shared by two or more failing checks, each check's message with their
    paragraphs replaced by a short reference to the one shown for the function).

    A check carries a diagnosis (by id, ``CheckResult.diagnoses``) in a line of its message that
    starts with "Likely mistake:" as the grader (or the exercise) words it (``_paragraph_line``). The
    lines of two checks are the same paragraph when they differ only in numbers (shapes, m): it is
    shown once, as the first check words it. Messages are otherwise unchanged.
    """
    carriers: dict[str, list[tuple[CheckResult, int]]] = {}
    titles: dict[str, str] = {}
    for check in checks:
        if check.status == "passed":
            continue
        lines = check.message.split("\n")
        for diagnosis in check.diagnoses:
            index = _paragraph_line(lines, diagnosis)
            if index is not None:
                carriers.setdefault(diagnosis.id, []).append((check, index))
                titles.setdefault(diagnosis.id, diagnosis.text)
    shared: list[SharedDiagnosis] = []
    messages = {c.name: c.message for c in checks}
    replaced: dict[str, dict[int, str]] = {}
    for diagnosis_id, holders in carriers.items():
        paragraphs = [check.message.split("\n")[index] for check, index in holders]
        if len(holders) < 2 or len({_numbers_out(p) for p in paragraphs}) > 1:
            continue
        shared.append(SharedDiagnosis(diagnosis_id, titles[diagnosis_id], paragraphs[0].strip(),
                                      tuple(check.name for check, _ in holders)))
        for check, index in holders:
            replaced.setdefault(check.name, {})[index] = say("view.diagnosis_below", title=titles[diagnosis_id])
    for name, lines_replaced in replaced.items():
        lines = messages[name].split("\n")
        for index, text in lines_replaced.items():
            lines[index] = text
        messages[name] = "\n".join(lines)
    return shared, messages


def _paragraph_line(lines: list[str], diagnosis: CheckDiagnosis) -> int | None:
    """The index of the line that states ``diagnosis``, or None: a line that starts as the grader's
    own paragraph for its id does (its words up to the first value), or for an exercise's own mistake,
    "Likely mistake: <its short name>". Never a line the grader did not write that way."""
    likely = say("views.likely_mistake")  # "Likely mistake:" in the language the report is shown in
    template = own_template(diagnosis.id)
    start = template.split("{", 1)[0]
    if not template or template.startswith(f"{likely} {{"):  # its words start with a value: its name
        start = f"{likely} {diagnosis.text}"
    if not start.startswith(likely) or len(start) <= len(likely) + 1:
        return None
    return next((i for i, line in enumerate(lines) if line.startswith(start)), None)


def _numbers_out(text: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?", "#", text.strip())
