"""The terminal (rich) and HTML views of a GradeReport."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_factory import make_minimal_report, make_report
from rich.console import Console

from grader.render_html import render_html
from grader.render_terminal import fmt_points, fmt_total, render_terminal, score_style
from grader.report import CheckResult

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<script>alert(1)</script> & "quotes" [bold red]not markup[/]'


def terminal_text(report, width: int = 120, verbose: bool = True) -> str:
    console = Console(record=True, width=width)
    render_terminal(report, console, verbose=verbose)
    return console.export_text()


# --- terminal ---------------------------------------------------------------------------------


def test_terminal_shows_functions_points_statuses_and_feedback() -> None:
    report = make_report()
    text = terminal_text(report)
    for fn in report.functions:
        assert fn.name in text
    assert "sigmoid  2.0/2.0" in text
    assert "propagate  3.5/6.0" in text
    assert "model  0.0/3.0  not found" in text
    for label in ("✓ passed", "✗ failed", "! error", "⏱ timeout"):
        assert label in text
    assert "0.5/1.0" in text  # partial credit on a check
    assert "random shapes (hidden)" in text
    assert "Received w.shape == (2,)" in text  # feedback of a failed check
    assert "NameError: name 'learning_rate' is not defined" in text  # of an error
    assert "Stopped after 10.0 s" in text  # of a timeout
    assert "sigmoid(0) must be exactly 0.5." in text  # description of a passed check
    assert "defined in week2_logistic_regression.ipynb, cell 4" in text


def test_terminal_default_folds_fully_passed_functions_into_one_line() -> None:
    """Do fully passed functions take one line, while any function with a failure keeps its table?"""
    report = make_report()
    text = terminal_text(report, verbose=False)
    assert "✓ sigmoid  2.0/2.0  all 3 checks passed" in text
    assert "sigmoid(0) must be exactly 0.5." not in text  # passed details hidden...
    assert "Received w.shape == (2,)" in text  # ...failures shown in full
    assert "propagate  3.5/6.0" in text and "Total: " in text
    assert terminal_text(report, verbose=True).count("sigmoid(0) must be exactly 0.5.") == 1


def test_terminal_missing_function_is_one_line() -> None:
    report = make_report()
    for check in report.checks_for("model"):
        check.message = "model was not found in your files (looked for: model)."
    text = terminal_text(report, verbose=False)
    assert "✗ model  0.0/3.0  not found  model was not found in your files" in text
    assert text.count("was not found in your files") == 1


def test_terminal_advice_rows() -> None:
    text = terminal_text(make_report())
    lines = text.splitlines()
    advice_row = next(line for line in lines if "vectorized (no loop over" in line)
    assert "advice" in advice_row and "/" not in advice_row.split("│")[2]
    ok_row = next(line for line in lines if "uses np.exp, not math.exp" in line)
    assert "│ ok " in ok_row and "passed" not in ok_row


def test_terminal_notes_total_seed_and_protections() -> None:
    text = terminal_text(make_report())
    assert "What the grader skipped in your files" in text
    assert "cell 12, line 3 [syntax-error]" in text
    assert "import-failed" in text
    assert "Total: 8.5 / 20 (42.5%)" in text
    assert "reproduce with --seed 1234" in text
    assert "Inactive protections: memory (RLIMIT_AS is not supported on this platform)" in text
    # the order: functions, then notes, then the total
    assert text.index("model  0.0/3.0") < text.index("What the grader skipped") < text.index("Total:")


def test_terminal_without_notes_or_inactive_protections() -> None:
    report = make_minimal_report(protections={"network": "active: blocked"})
    text = terminal_text(report)
    assert "What the grader skipped" not in text
    assert "Inactive protections" not in text
    assert "Total: 1 / 1 (100.0%)" in text
    assert "reproduce with --seed 7" in text


def test_terminal_prints_learner_text_literally() -> None:
    report = make_report()
    report.checks[3].message = HOSTILE
    report.notes[0].message = "[/] stray closing tag"
    text = terminal_text(report, width=200)
    assert "[bold red]not markup[/]" in text
    assert "[/] stray closing tag" in text


def test_terminal_shows_checks_of_unlisted_functions() -> None:
    report = make_minimal_report()
    report.checks.append(CheckResult("softmax", "rows sum to 1", "failed", 0.0, 1.0, message="rows sum to 2"))
    text = terminal_text(report)
    assert "softmax" in text and "rows sum to 2" in text
    assert "Total: 1 / 2 (50.0%)" in text


def test_number_formats_and_score_colours() -> None:
    assert fmt_points(1) == "1.0"
    assert fmt_points(0.25) == "0.25"
    assert fmt_points(17.5) == "17.5"
    assert fmt_total(20.0) == "20"
    assert fmt_total(17.5) == "17.5"
    assert "green" in score_style(87.5)
    assert "yellow" in score_style(50)
    assert "red" in score_style(42.5)


def test_terminal_view_does_not_load_jinja2_but_html_view_does() -> None:
    code = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from rich.console import Console\n"
        "from report_factory import make_report\n"
        "from grader.render_terminal import render_terminal\n"
        "import grader.render_html\n"
        "render_terminal(make_report(), Console(record=True, width=100))\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 loaded too early'\n"
        "grader.render_html.render_html(make_report())\n"
        "assert 'jinja2' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- HTML -------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Structure(HTMLParser):
    """Collects elements and checks that every opened tag is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.doctype = ""
        self._text_of: list[list[str]] = []
        self.texts: dict[str, str] = {}  # id -> text content

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag in VOID:
            return
        self.stack.append(tag)
        self._text_of.append([attributes.get("id", "")])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()
        ident, *parts = self._text_of.pop()
        text = "".join(parts)
        if ident:
            self.texts[ident] = text
        if self._text_of:
            self._text_of[-1].append(text)

    def handle_data(self, data: str) -> None:
        if self._text_of:
            self._text_of[-1].append(data)

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if name in a.get("class", "").split()]


def parse(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    parser.close()
    assert parser.problems == []
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


@pytest.fixture(scope="module")
def sample_html() -> str:
    return render_html(make_report())


def test_html_is_a_well_formed_page(sample_html: str) -> None:
    page = parse(sample_html)
    assert page.doctype.lower() == "doctype html"
    assert sample_html.lstrip().startswith("<!DOCTYPE html>")
    assert [tag for tag, _ in page.elements[:1]] == ["html"]
    assert "Week 2 · Logistic regression as a neural network" in page.texts["title"]


def test_html_total_and_header(sample_html: str) -> None:
    page = parse(sample_html)
    assert " ".join(page.texts["total"].split()) == "8.5 / 20"
    assert page.texts["percent"] == "42.5%"
    assert page.texts["learner"] == "ada.lovelace"
    assert "1234" in page.texts["seed"] and "--seed 1234" in page.texts["seed"]
    report = make_report()
    assert page.texts["submission"] == report.submission_sha256[:12]
    assert report.created_at in page.texts["created-at"]
    bar = next(a for t, a in page.elements if "bar" in a.get("class", "").split())
    assert bar["style"] == "width: 42.5%"


def test_html_one_section_per_function(sample_html: str) -> None:
    page = parse(sample_html)
    report = make_report()
    sections = [a for t, a in page.elements if t == "section" and "data-function" in a]
    assert [s["data-function"] for s in sections] == [f.name for f in report.functions]
    assert all(s["id"] == "fn-" + s["data-function"] for s in sections)
    assert "missing" in sections[-1]["class"].split()  # model was not found
    rows = page.with_class("function-row")
    assert len(rows) == len(report.functions)
    assert page.texts["fn-model"].count("not found in your files") == 1


def test_html_checks_statuses_hidden_and_advice(sample_html: str) -> None:
    page = parse(sample_html)
    report = make_report()
    checks = page.with_class("check")
    assert [c["data-check"] for c in checks] == [c.name for c in report.checks]
    for element, check in zip(checks, report.checks):
        classes = element["class"].split()
        assert f"status-{check.status}" in classes
        assert ("advice" in classes) == check.advice
        assert ("hidden-check" in classes) == check.hidden
    assert len(page.with_class("tag-hidden")) == sum(c.hidden for c in report.checks) == 2
    assert len(page.with_class("tag-advice")) == sum(c.advice for c in report.checks) == 2
    for status in ("passed", "failed", "error", "timeout"):
        assert page.with_class(f"status-{status}")


def test_html_messages_in_pre_blocks(sample_html: str) -> None:
    page = parse(sample_html)
    report = make_report()
    pres = [a for t, a in page.elements if t == "pre"]
    assert len(pres) == sum(1 for c in report.checks if c.status != "passed")
    assert "Received w.shape == (2,)" in sample_html
    assert "NameError: name &#39;learning_rate&#39; is not defined" in sample_html


def test_html_notes_protections_timings_footer(sample_html: str) -> None:
    page = parse(sample_html)
    assert "What the grader skipped in your files" in page.texts["notes"]
    assert "syntax-error" in page.texts["notes"]
    assert "INACTIVE: RLIMIT_AS is not supported on this platform" in page.texts["protections"]
    assert "memory" in page.texts["inactive-protections"]
    assert len(page.with_class("protection-inactive")) == 1
    assert "10.530 s" in page.texts["timings"]
    assert "dl-grader 0.1.0" in page.texts["footer"]
    assert "dl-grader/grade-report" in page.texts["footer"] and "v2" in page.texts["footer"]


def test_html_escapes_learner_supplied_text() -> None:
    report = make_report(learner='<img src=x onerror="alert(2)">')
    report.checks[3].message = HOSTILE
    report.checks[3].name = 'shape "(dim, 1)" <b>'
    report.notes[0].message = "<script>alert(3)</script>"
    report.functions[0].defined_in = "<iframe>"
    html = render_html(report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<iframe" not in html.lower() and "<b>" not in html
    assert "&amp; &#34;quotes&#34;" in html
    page = parse(html)
    names = [c["data-check"] for c in page.with_class("check")]
    assert 'shape "(dim, 1)" <b>' in names  # attribute survived escaping intact


def test_html_is_self_contained(sample_html: str) -> None:
    lowered = sample_html.lower()
    for needle in ("http://", "https://", "<link", " src=", "@import", "url(", "<script"):
        assert needle not in lowered, needle
    assert "<style>" in sample_html


def test_html_minimal_report_has_no_optional_sections() -> None:
    page = parse(render_html(make_minimal_report()))
    assert "notes" not in page.texts
    assert "protections" not in page.texts
    assert "inactive-protections" not in page.texts
    assert " ".join(page.texts["total"].split()) == "1 / 1"
