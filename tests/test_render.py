"""The terminal (rich) and HTML views of a GradeReport."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_factory import make_minimal_report, make_report
from rich.console import Console

from grader.views.html import render_html
from grader.views.terminal import fmt_points, fmt_total, render_terminal, score_style
from grader.model.report import CheckResult

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
        "from grader.views.terminal import render_terminal\n"
        "import grader.views.html\n"
        "render_terminal(make_report(), Console(record=True, width=100))\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 loaded too early'\n"
        "grader.views.html.render_html(make_report())\n"
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


# --- a learner file not submitted, a diagnosis repeated, long arrays ---------------------------------

import numpy as np  # noqa: E402

from grader.checks.compare import show  # noqa: E402
from grader.messages import say  # noqa: E402
from grader.model.report import CheckDiagnosis, FunctionSummary, GradeReport  # noqa: E402

BASICS = {"sigmoid_derivative": 2.0, "image2vector": 2.0, "normalize_rows": 3.0, "softmax": 3.0, "L1": 2.0,
          "L2": 2.0}


def not_found(name: str, points: float, *, hidden: bool = False) -> CheckResult:
    return CheckResult(name, f"{name}_{'random' if hidden else 'example'}", "failed", 0.0, points, hidden=hidden,
                       message=say("error.not_found", function=name, names=name))


def half_submitted_report() -> GradeReport:
    """Week 2 with only logistic_regression submitted: python_basics's six functions are not found."""
    functions = [FunctionSummary(name, False, max_points=points, home_file="python_basics")
                 for name, points in BASICS.items()]
    functions.append(FunctionSummary("propagate", True, "logistic_regression.py (propagate)", 2.0, 2.0,
                                     home_file="logistic_regression"))
    functions.append(FunctionSummary("model", False, max_points=1.0, home_file="logistic_regression"))
    checks = [check for name, points in BASICS.items()
              for check in (not_found(name, points / 2), not_found(name, points / 2, hidden=True))]
    checks.append(CheckResult("propagate", "propagate_example", "passed", 2.0, 2.0))
    checks.append(not_found("model", 1.0))
    return GradeReport("week2", "Week 2", 1, "0" * 64, functions=functions, checks=checks)


def test_terminal_functions_of_a_file_not_submitted_take_one_line() -> None:
    for width in (80, 120):
        text = terminal_text(half_submitted_report(), width=width, verbose=False)
        flat = " ".join(text.split())
        assert ("✗ not submitted: 6 functions of python_basics (sigmoid_derivative, image2vector, normalize_rows, "
                "softmax, L1, L2): 0/14 points. To grade them, submit your python_basics.py or "
                "python_basics.ipynb too.") in flat
        assert text.count("was not found in your files") == 1  # model's own line, not one per basics function
        assert "✗ model  0.0/1.0  not found" in text  # a file with one of its functions found is not folded


def test_a_file_submitted_without_its_functions_is_said_to_lack_them() -> None:
    """An empty python_basics.py (its note says it is empty): the line says the functions are not in it."""
    from grader.model.report import SubmittedFile

    report = half_submitted_report()
    report.files = [SubmittedFile("work/python_basics.py", "0" * 64), SubmittedFile("lr.py", "0" * 64)]
    flat = " ".join(terminal_text(report, width=80, verbose=False).split())
    assert "✗ not in your work/python_basics.py: 6 functions of python_basics (sigmoid_derivative," in flat
    assert "not submitted" not in flat
    page = parse(render_html(report))
    assert page.texts["file-python_basics"].strip().startswith("not in your work/python_basics.py: 6 functions")


def test_a_function_hidden_by_a_syntax_error_is_not_folded_into_not_submitted() -> None:
    report = half_submitted_report()
    unparsed = say("error.unparsed", function="softmax", where="python_basics.py: line 3 does not parse: oops")
    for check in report.checks_for("softmax"):
        check.message = unparsed
    text = terminal_text(report, verbose=False)
    assert "not submitted" not in text and "softmax could not be graded" in text


def test_html_functions_of_a_file_not_submitted_take_one_row_and_one_section() -> None:
    page = parse(render_html(half_submitted_report()))
    rows = page.with_class("not-submitted-row")
    assert [row["data-file"] for row in rows] == ["python_basics"]
    assert [row for row in page.with_class("function-row")].__len__() == 2  # propagate and model
    sections = [a for t, a in page.elements if t == "section" and "not-submitted" in a.get("class", "").split()]
    assert [s["id"] for s in sections] == ["file-python_basics"]
    assert page.texts["file-python_basics"].strip().startswith("not submitted: 6 functions of python_basics (")
    assert not any(a.get("data-function") in BASICS for _, a in page.elements)


def transposed(name: str, got: tuple[int, int], *, hidden: bool = False) -> CheckResult:
    want = got[::-1]
    paragraph = say("shape.transpose", got_shape=got, want_shape=want)
    message = "\n".join([say("shape.mismatch", name='grads["dw"]', want_shape=want, got_shape=got), paragraph,
                         say("shape.transpose_value")])
    return CheckResult("propagate", name, "failed", 0.0, 1.0, message=message, hidden=hidden,
                       diagnoses=[CheckDiagnosis("shape.transpose", say("diagnosis.shape.transpose"))])


def transpose_report() -> GradeReport:
    checks = [transposed("propagate_example", (1, 2)), transposed("propagate_gradients", (1, 3), hidden=True),
              CheckResult("propagate", "propagate_cost", "passed", 1.0, 1.0),
              transposed("propagate_keeps_inputs", (1, 4), hidden=True)]
    return GradeReport("week2", "Week 2", 1, "0" * 64, checks=checks,
                       functions=[FunctionSummary("propagate", True, "lr.py (propagate)", 1.0, 4.0)])


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_a_diagnosis_repeated_by_checks_of_a_function_is_shown_once(width: int) -> None:
    text = " ".join(terminal_text(transpose_report(), width=width, verbose=False).replace("│", " ").split())
    assert text.count("Likely mistake: a transpose. You returned") == 1
    assert text.count("Likely mistake: a transpose (explained below the checks).") == 3
    assert "The same likely mistake in 3 of these checks: Likely mistake: a transpose. You returned a (1, 2)" in text
    # what differs from check to check stays with each check
    for got in ("(1, 2)", "(1, 3)", "(1, 4)"):
        assert f"received: shape {got}" in text
    assert text.count("Your values are right once transposed") == 3


def test_terminal_a_diagnosis_in_one_check_only_stays_in_it() -> None:
    report = transpose_report()
    report.checks = report.checks[:1] + [CheckResult("propagate", "propagate_cost", "failed", 0.0, 1.0,
                                                     message="cost is wrong.")]
    text = terminal_text(report, width=80, verbose=False)
    assert "same likely mistake" not in text and "Likely mistake: a transpose. You returned" in text


def test_terminal_a_likely_mistake_line_the_grader_did_not_write_is_not_folded() -> None:
    """Learner output that reads like a diagnosis, in two checks with a real diagnosis elsewhere."""
    report = transpose_report()
    for check in report.checks:
        if check.status == "failed":
            check.message = "Your function printed:\nLikely mistake: a transpose of mine\n" + check.message.split("\n")[0]
    text = terminal_text(report, width=80, verbose=False)
    assert "same likely mistake" not in text and text.count("Likely mistake: a transpose of mine") == 3


def matrix_report() -> GradeReport:
    rng = np.random.default_rng(1)
    message = (f"A has the right shape but wrong values: 65 of 65 entries are off.\n  received: {show(rng.random((5, 13)))}\n"
               "  the largest error is at index (1, 6), where you have 0.99151811: off by about 4")
    check = CheckResult("L_model_forward", "L_model_forward_caches", "failed", 0.0, 1.0, message=message, hidden=True)
    return GradeReport("week4", "Week 4", 1, "0" * 64, checks=[check],
                       functions=[FunctionSummary("L_model_forward", True, "dnn.py (L_model_forward)", 0.0, 1.0)])


def test_terminal_80_columns_summarises_matrices_and_keeps_names_whole() -> None:
    text = terminal_text(matrix_report(), width=80, verbose=False)
    lines = [line.rstrip() for line in text.splitlines()]
    assert all(len(line) <= 80 for line in lines)
    assert any(line.strip() == "✗ failed   0.0/1.0  L_model_forward_caches (hidden)" for line in lines)
    assert "received: shape (5, 13), float64" in text
    assert "... (2 more lines)" in text
    assert "the largest error is at index (1, 6), where you have 0.99151811" in " ".join(text.split())
    assert sum(line.lstrip().startswith("[") for line in lines) == 3  # the first three lines of the matrix


def test_terminal_80_columns_lists_checks_with_feedback_under_them() -> None:
    report = make_report()
    text = terminal_text(report, width=80, verbose=False)
    lines = [line.rstrip() for line in text.splitlines()]
    assert "┬" not in text  # no table
    assert "  ✗ failed   0.0/1.0  w has shape (dim, 1)" in lines
    assert "      Expected w.shape == (2, 1)" in lines  # the feedback, on the full width under its check
    assert "  ⏱ timeout  0.0/2.0  converges on a separable data set" in lines
    assert all(len(line) <= 80 for line in lines)


# --- the sandbox's protections come last, folded ------------------------------------------------------


def test_html_leads_with_score_and_feedback_and_folds_the_protections_at_the_end(sample_html: str) -> None:
    page = parse(sample_html)
    order = [a.get("id") or a.get("class") for t, a in page.elements if t in ("header", "section", "details")]
    assert order[0] == "header" and order[1] == "summary-card"
    assert order.index("sandbox") > max(order.index("fn-model"), order.index("notes"))
    assert order.index("protections") > order.index("sandbox")
    details = next(a for t, a in page.elements if t == "details")
    assert details["id"] == "sandbox" and "open" not in details
    header = sample_html.split("<body>", 1)[1].split("</header>", 1)[0]
    assert "protection" not in header.lower() and "memory" not in header
    assert page.texts["inactive-protections"] == "(1 inactive: memory)"


# --- sentences live in the catalog ---------------------------------------------------------------------


def test_quiz_and_copy_notices_are_said_from_the_catalog(monkeypatch) -> None:
    """A second catalog (a translation) changes the practice, no-keys and learners'-copy sentences."""
    from grader import messages

    translated = {key: f"«{key}»" for key in ("quiz.practice", "quiz.no_keys", "copy.hidden_not_run",
                                             "quiz.copy.instructions", "quiz.answer.too_long",
                                             "quiz.answer.control", "quiz.form.instructions_submit")}
    monkeypatch.setitem(messages._CATALOGS, "xx", translated)
    monkeypatch.setattr(messages, "_language", "xx")
    from grader.model.exercise import load_exercise
    from grader.quiz.answers import blank_form, parse_answer
    from grader.quiz.form import form_quiz_text
    from grader.quiz.load import load_quiz
    from grader.quiz.variants import build_variants
    from grader.model.recorded import released_copy_notes

    quiz = load_quiz(ROOT / "exercises" / "week2" / "quiz.toml")
    variants = build_variants(quiz, 1)
    assert "«quiz.copy.instructions»" in form_quiz_text(quiz)
    assert "«quiz.form.instructions_submit»" in blank_form(variants, title="t", exercise="week2", learner="ada",
                                                            seed=1, submit_to="the course")
    for text, said in (("x" * 5000, "«quiz.answer.too_long»"), ("a\x07", "«quiz.answer.control»")):
        with pytest.raises(Exception, match=said):
            parse_answer(variants[0], text)
    ex = load_exercise("week2")
    ex.recorded_reference = ROOT / "nowhere.json"
    assert [n.message for n in released_copy_notes(ex)] == ["«copy.hidden_not_run»"]


def test_feedback_page_in_chromium_leads_with_feedback_and_folds_the_sandbox(tmp_path: Path) -> None:
    """A real week-2 grade (only logistic_regression, with a transpose) as Chromium builds its page."""
    from browser import dump_dom, parse_dom, screenshot

    from grader.grading import grade_submission

    report = grade_submission("week2", [ROOT / "tests" / "fixtures" / "week2" / "mistakes" / "transpose_dw.py"], seed=7)
    page = tmp_path / "feedback.html"
    page.write_text(render_html(report), encoding="utf-8")
    dom = parse_dom(dump_dom(page, tmp_path))
    main = dom.find_all("main")[0]
    order = [child.attrs.get("id", "") for child in main.children]
    assert order[:2] == ["header", "summary-card"] and order[-1] == "sandbox"
    assert "file-python_basics" in order and "fn-propagate" in order
    sandbox = dom.by_id("sandbox")
    assert sandbox.tag == "details" and "open" not in sandbox.attrs  # folded
    assert sandbox.find_all("summary")[0].full_text.startswith("Sandbox protections and timings")
    assert sandbox.find_all("table") and dom.by_id("protections") in sandbox.find_all()
    header = dom.by_id("header").full_text
    assert "protection" not in header.lower()
    rows = dom.by_id("summary").find_all("tr", "not-submitted-row")
    assert [row.attrs["data-file"] for row in rows] == ["python_basics"]
    shot = tmp_path / "feedback.png"
    assert screenshot(page, shot, tmp_path) == (1200, 1600)
    assert shot.stat().st_size > 30_000  # a blank page compresses to a few kB
