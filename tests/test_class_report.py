"""The class report: its statistics, the `grade report` command, and the page as Chromium renders it."""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest
from browser import dump_dom, parse_dom, screenshot
from class_factory import make_week2_class, quiz_ids, take_quiz
from typer.testing import CliRunner

from grader.classroom.class_report import (
    ClassResults,
    build_class_report,
    check_stats,
    diagnoses,
    function_stats,
    item_discrimination,
    likely_mistake,
    load_class_results,
    quiz_item_stats,
    score_histogram,
)
from grader.cli.app import app
from grader.messages import say
from grader.classroom.class_html import feedback_links, render_class_html
from grader.model.report import CheckDiagnosis, CheckResult, FunctionSummary, GradeReport

runner = CliRunner()
CLASS_SIZE = 30
MISSING_1_OVER_M = say("values.factor_m", factor=7, m=7)


def code_report(learner: str, checks: list[CheckResult]) -> GradeReport:
    functions = list(dict.fromkeys(c.function for c in checks))
    summaries = [FunctionSummary(f, True, points=sum(c.points for c in checks if c.function == f),
                                 max_points=sum(c.max_points for c in checks if c.function == f)) for f in functions]
    return GradeReport("week2", "Week 2", 1, "0" * 64, functions=summaries, checks=checks, learner=learner,
                       created_at="2026-01-05T10:00:00+00:00")


def passed(function: str, name: str, points: float = 1.0, **extra) -> CheckResult:
    return CheckResult(function, name, "passed", points, points, **extra)


def failed(function: str, name: str, message: str = "", max_points: float = 1.0, **extra) -> CheckResult:
    return CheckResult(function, name, "failed", 0.0, max_points, message=message, **extra)


def quiz_report(learner: str, credits: dict[str, float]) -> GradeReport:
    checks = [CheckResult("topic", item, "passed" if credit >= 1 else "failed", credit, 1.0)
              for item, credit in credits.items()]
    return GradeReport("week2/quiz", "Quiz", 1, "0" * 64, checks=checks, learner=learner, kind="quiz")


def results(code: list[GradeReport], quiz: list[GradeReport] = ()) -> ClassResults:
    return ClassResults("week2", "Week 2", ("sigmoid", "propagate"), tuple(code), tuple(quiz))


# --- statistics ----------------------------------------------------------------------------------


def test_likely_mistake_is_the_clause_after_the_marker():
    """Is a diagnosis cut at its first sentence end, and only there?"""
    assert likely_mistake("dw is wrong.\n" + MISSING_1_OVER_M) == "a missing 1/m"
    assert likely_mistake(say("value.one_by_one", name="cost", got_shape="(1, 1)")) == (
        "np.dot of a row and a column returns a (1, 1) array")
    assert likely_mistake(say("dtype.integer", name="w", got_dtype="int64")) == (
        "np.zeros(..., dtype=int) or integer arithmetic")
    assert likely_mistake("Likely mistake: the cache is missing: return Z, cache") == "the cache is missing"
    assert likely_mistake("Likely mistake: math.exp applied to an array") == "math.exp applied to an array"
    assert likely_mistake("grads['dw'] has the wrong shape.") is None


def test_histogram_puts_each_score_in_its_ten_percent_band():
    bins = score_histogram([0.0, 9.99, 10.0, 49.9, 50.0, 99.9, 100.0])
    assert [(b.low, b.high) for b in bins][:2] == [(0.0, 10.0), (10.0, 20.0)] and bins[-1].high == 100.0
    assert [b.count for b in bins] == [2, 1, 0, 0, 1, 1, 0, 0, 0, 2]


def test_diagnoses_count_learners_not_checks():
    """A learner whose three checks name the same mistake counts once; the most common comes first."""
    over_m = {"diagnoses": [CheckDiagnosis("values.factor_m", "a missing 1/m")]}
    overflow = {"diagnoses": [CheckDiagnosis("exercise:numerical-overflow", "numerical overflow")]}
    class_ = results([
        code_report("ada", [failed("propagate", "example", MISSING_1_OVER_M, **over_m),
                            failed("propagate", "random", MISSING_1_OVER_M, **over_m),
                            failed("propagate", "keeps", MISSING_1_OVER_M, **over_m),
                            failed("sigmoid", "large", "Likely mistake: numerical overflow. Use ...", **overflow)]),
        code_report("bob", [failed("propagate", "random", "dw is wrong.\n" + MISSING_1_OVER_M, **over_m),
                            passed("sigmoid", "large")]),
        code_report("cy", [passed("propagate", "example"), passed("sigmoid", "large")]),
        code_report("dee", [failed("propagate", "example", "no diagnosis here"), passed("sigmoid", "large")]),
    ])
    found = diagnoses(class_)
    assert [(d.function, d.mistake, d.learners) for d in found] == [
        ("propagate", "a missing 1/m", ("ada", "bob")), ("sigmoid", "numerical overflow", ("ada",))]
    assert found[0].share == 0.5 and found[0].class_size == 4


def test_pass_rates_per_function_and_per_check():
    class_ = results([
        code_report("ada", [passed("sigmoid", "example"), passed("propagate", "example", 2.0),
                            failed("propagate", "loops", max_points=0.0)]),
        code_report("bob", [passed("sigmoid", "example"), failed("propagate", "example", max_points=2.0, hidden=True),
                            passed("propagate", "loops", 0.0)]),
        code_report("cy", [failed("sigmoid", "example"), passed("propagate", "example", 2.0),
                           passed("propagate", "loops", 0.0)]),
    ])
    sigmoid, propagate = function_stats(class_)
    assert (sigmoid.name, sigmoid.full_marks, sigmoid.learners, sigmoid.max_points) == ("sigmoid", 2, 3, 1.0)
    assert (propagate.full_marks, propagate.mean_points, propagate.max_points) == (2, pytest.approx(4 / 3), 2.0)
    checks = {(c.function, c.name): c for c in check_stats(class_)}
    assert [key for key in checks] == [("sigmoid", "example"), ("propagate", "example"), ("propagate", "loops")]
    assert checks["propagate", "loops"].advice and checks["propagate", "loops"].pass_rate == pytest.approx(2 / 3)
    assert checks["propagate", "example"].passed == 2 and not checks["sigmoid", "example"].hidden


def test_quiz_item_difficulty_and_discrimination():
    """Difficulty is the share fully right; discrimination correlates an item with the rest of the score."""
    credits = {  # q-good separates strong from weak, q-all is answered by all, q-odd by the weak only
        "ada": {"q-good": 1, "q-all": 1, "q-odd": 0, "q-x": 1, "q-y": 1},
        "bob": {"q-good": 1, "q-all": 1, "q-odd": 0, "q-x": 1, "q-y": 1},
        "cy": {"q-good": 0, "q-all": 1, "q-odd": 1, "q-x": 0, "q-y": 0},
        "dee": {"q-good": 0, "q-all": 1, "q-odd": 1, "q-x": 0, "q-y": 0},
        "eve": {"q-good": 0.5, "q-all": 1, "q-odd": 0, "q-x": 1, "q-y": 0},
    }
    items = {q.id: q for q in quiz_item_stats(results([], [quiz_report(k, v) for k, v in credits.items()]))}
    good = items["q-good"]
    assert (good.learners, good.correct, good.difficulty, good.mean_credit) == (5, 2, 0.4, pytest.approx(0.5))
    rest = [sum(c.values()) - c["q-good"] for c in credits.values()]
    assert good.discrimination == pytest.approx(statistics.correlation([c["q-good"] for c in credits.values()], rest))
    assert good.discrimination > 0.5 and good.flags == ()
    assert items["q-all"].discrimination is None and items["q-all"].flags == ("easy",)
    assert items["q-odd"].discrimination < 0 and "weak discrimination" in items["q-odd"].flags
    assert item_discrimination([1.0, 0.0], [3.0, 1.0]) is None  # too few learners


def test_feedback_links_are_relative_to_the_page(tmp_path):
    from grader.classroom.batch import page_name

    feedback = tmp_path / "out" / "feedback"
    feedback.mkdir(parents=True)
    for learner in ("ada", "o'brien", "o_brien"):
        (feedback / f"{page_name(learner)}.html").write_text(f"<p>{learner}</p>")
    links = feedback_links(["ada", "o'brien", "o_brien", "nobody"], feedback, tmp_path / "reports" / "class.html")
    quoted = page_name("o'brien")
    assert quoted.startswith("o-brien--") and links == {
        "ada": "../out/feedback/ada.html", "o_brien": "../out/feedback/o_brien.html",
        "o'brien": f"../out/feedback/{quoted}.html"}
    assert links["o'brien"] != links["o_brien"]  # both used to link to o_brien.html


def test_page_escapes_learner_text():
    report = build_class_report(results([code_report("<b>ada</b>", [failed(
        "propagate", "x", "Likely mistake: <script>alert(1)</script>.",
        diagnoses=[CheckDiagnosis("exercise:x", "<script>alert(1)</script>")])])]))
    page = render_class_html(report)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;ada&lt;/b&gt;" in page


def test_quiz_only_class_has_no_code_sections():
    report = build_class_report(results([], [quiz_report("ada", {"q": 1.0}), quiz_report("bob", {"q": 0.0})]))
    assert report.summary is None and sum(b.count for b in report.histogram) == 0
    page = render_class_html(report)
    assert 'id="histogram"' not in page and 'id="functions"' not in page and 'id="quiz-items"' in page
    assert page.count('class="learner-row"') == 2 and "<th>Learner</th><th class=\"num\">Quiz</th></tr>" in page


# --- a real class --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def week2_class(tmp_path_factory):
    """A generated class graded by `grade batch --out`, most learners with a quiz, one with a quiz only."""
    scratch = tmp_path_factory.mktemp("week2-class")
    kinds = make_week2_class(scratch / "submissions", CLASS_SIZE)
    gradebook = scratch / "class.sqlite"
    result = runner.invoke(app, ["batch", "week2", str(scratch / "submissions"), "--jobs", "2",
                                 "--gradebook", str(gradebook), "--out", str(scratch / "feedback")])
    assert result.exit_code == 0, result.output
    ids = quiz_ids("week2")
    for i, learner in enumerate([*sorted(kinds)[:-4], "zed"]):
        ability, noise = random.Random(i), random.Random(1000 + i)
        level = ability.random()
        right = [q for j, q in enumerate(ids) if level + noise.uniform(-0.3, 0.3) > j / len(ids)]
        take_quiz("week2", learner, gradebook, right, scratch)
    return scratch, kinds


def run_report(exercise: str, gradebook: Path, page: Path, *options: object):
    return runner.invoke(app, ["report", exercise, "--gradebook", str(gradebook), "--html", str(page),
                               *map(str, options)])


@pytest.mark.slow
def test_report_statistics_of_a_real_class(week2_class):
    scratch, kinds = week2_class
    report = build_class_report(load_class_results("week2", scratch / "class.sqlite"))
    assert len(report.learners) == CLASS_SIZE + 1 and report.summary.learners == CLASS_SIZE
    assert report.quiz_learners == CLASS_SIZE - 3
    assert sum(b.count for b in report.histogram) == CLASS_SIZE
    assert report.histogram[0].count >= sum(1 for k in kinds.values() if k == "starter")
    assert report.histogram[-1].count >= sum(1 for k in kinds.values() if k == "reference")
    forgot = [d for d in report.diagnoses if (d.function, d.mistake) == ("propagate", "a missing 1/m")]
    assert [d.learners for d in forgot] == [tuple(sorted(l for l, k in kinds.items() if k == "missing_1_over_m"))]
    sigmoid = next(f for f in report.functions if f.name == "sigmoid")
    assert sigmoid.learners == CLASS_SIZE and sigmoid.full_marks < CLASS_SIZE
    assert {q.id for q in report.quiz_items} == set(quiz_ids("week2"))
    assert any(q.discrimination is not None and q.discrimination > 0.2 for q in report.quiz_items)


@pytest.mark.slow
def test_report_command_and_its_errors(week2_class, tmp_path):
    scratch, _ = week2_class
    page = tmp_path / "class.html"
    result = run_report("week2", scratch / "class.sqlite", page, "--feedback", scratch / "feedback")
    assert result.exit_code == 0, result.output
    assert result.output == f"{page}: {CLASS_SIZE + 1} learners\n"
    assert "http://" not in page.read_text() and "https://" not in page.read_text() and "<script" not in page.read_text()
    missing = run_report("week2", scratch / "class.sqlite", page, "--feedback", tmp_path / "nowhere")
    assert missing.exit_code == 2 and missing.output == f"grade: error: {tmp_path / 'nowhere'}: not a folder of feedback pages\n"
    empty = run_report("week3", scratch / "class.sqlite", page)
    assert empty.exit_code == 2 and "no submissions of week3" in empty.output


@pytest.mark.slow
def test_class_report_in_a_real_browser(week2_class, tmp_path):
    """Does Chromium render the histogram, the diagnoses and one linked row per learner?"""
    scratch, kinds = week2_class
    page = scratch / "class.html"
    result = run_report("week2", scratch / "class.sqlite", page, "--feedback", scratch / "feedback")
    assert result.exit_code == 0, result.output
    dom = parse_dom(dump_dom(page, tmp_path))

    rows = dom.by_id("learners").find_all("tr", "learner-row")
    assert len(rows) == CLASS_SIZE + 1
    links = {row.attrs["data-learner"]: row.find_all("a", "feedback-link") for row in rows}
    assert all(links[learner][0].attrs["href"] == f"feedback/{learner}.html" for learner in kinds)
    assert links["zed"] == [] and "—" in next(r for r in rows if r.attrs["data-learner"] == "zed").full_text

    bars = dom.by_id("histogram").find_all("rect", "bar")
    assert len(bars) == 10 and sum(int(b.attrs["data-count"]) for b in bars) == CLASS_SIZE
    assert [b.attrs["data-low"] for b in bars] == [str(10 * i) for i in range(10)]
    assert all(float(b.attrs["height"]) > 0 for b in bars if b.attrs["data-count"] != "0")

    forgot = sum(1 for k in kinds.values() if k == "missing_1_over_m")
    lines = [li.full_text for li in dom.by_id("diagnoses").find_all("li", "diagnosis")]
    expected = f"{100 * forgot / CLASS_SIZE:.0f}% of learners ({forgot} of {CLASS_SIZE}) in propagate: a missing 1/m who"
    assert any(line.startswith(expected) for line in lines), lines

    assert len(dom.by_id("functions").find_all("tr", "function-row")) == 12
    assert len(dom.by_id("quiz-items").find_all("tr", "quiz-item")) == len(quiz_ids("week2"))
    assert len(dom.by_id("checks").find_all("tr", "check-row")) > 30

    shot = tmp_path / "class-report.png"
    assert screenshot(page, shot, tmp_path) == (1200, 1600)
    assert shot.stat().st_size > 30_000  # a blank page compresses to a few kB


def test_the_header_links_to_similar_submissions_when_asked():
    report = build_class_report(results([], [quiz_report("ada", {"q": 1.0})]))
    assert 'id="similar"' not in render_class_html(report)
    page = render_class_html(report, similar='similar.html?a="b"')
    assert 'id="similar" href="similar.html?a=&#34;b&#34;"' in page
