"""`grade similar`: disguised copies found among independent solutions, what every learner writes ignored.

The classes are written from the styles of tests/fixtures/similar/ (one learner's functions each, in
their own style: the reference solution, the notebook's skeleton filled in, loops, helpers of their
own, one-liners, a wordy one...) put into the starter notebooks (tests/fixtures/similar/classes.py).
The planted copies are disguised by hand (renamed, reordered, rewritten in places) and handed in in
another form (a notebook against .py files, cells laid out differently).
"""

from __future__ import annotations

import ast
import json
import random
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.classroom.gradebook import Gradebook
from grader.classroom.similar import SimilarityReport, similar_pairs
from grader.classroom.similar_html import render_similar_html
from grader.classroom.similar_tokens import Names, Normaliser
from grader.cli.app import app
from grader.ingest.parsing import BUILTINS
from grader.ingest.submission import fingerprint
from grader.model.report import CheckDiagnosis, CheckResult, GradeReport

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "similar"))

from classes import (  # noqa: E402
    STYLES,
    mixed_source,
    style_library,
    style_source,
    write_plain,
    write_starter,
    write_submission,
)

runner = CliRunner()

# (learner id, style, format, cell layout): independent learners, then the planted copies.
WEEK2 = [
    ("reference", "reference", "ipynb", "starter"),
    ("classic", "classic", "py", "starter"),
    ("typical", "typical", "ipynb", "starter"),
    ("loops", "loops", "py", "starter"),
    ("helpers", "helpers", "ipynb", "starter"),
    ("compact", "compact", "ipynb", "starter"),
    ("verbose", "verbose", "py", "starter"),
    ("loops_copy", "loops_copy", "ipynb", "merged"),  # a notebook of a .py, all functions in one cell
    ("helpers_copy", "helpers_copy", "py", "split"),  # .py files of notebooks, cells split
    ("verbose_partial", "verbose_partial", "ipynb", "reordered"),  # half copied, half their own
]
WEEK2_PLANTED = [("loops", "loops_copy"), ("helpers", "helpers_copy"), ("verbose", "verbose_partial")]
WEEK4 = [
    ("reference", "reference", "py", "starter"),
    ("classic", "classic", "ipynb", "starter"),
    ("typical", "typical", "py", "starter"),
    ("helpers", "helpers", "ipynb", "starter"),
    ("compact", "compact", "ipynb", "starter"),
    ("explicit", "explicit", "ipynb", "starter"),
    ("helpers_copy", "helpers_copy", "py", "merged"),
    ("explicit_copy", "explicit_copy", "py", "reordered"),
]
WEEK4_PLANTED = [("helpers", "helpers_copy"), ("explicit", "explicit_copy")]

# Two learners who wrote only the one-liners nearly everyone writes, identically (the rest: the starter).
ONE_LINERS = '''
def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    return s


def sigmoid_derivative(x):
    s = sigmoid(x)
    ds = s * (1 - s)
    return ds


def L1(yhat, y):
    loss = np.sum(np.abs(y - yhat))
    return loss


def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b
'''

# A peculiar bug two learners share: an odd term added to the cost, each in their own variable names.
BUG = {
    "verbose": ("    cost = -np.sum(log_likelihood) / number_of_examples\n",
                "    cost = -np.sum(log_likelihood) / number_of_examples\n"
                "    cost = cost + 0.5 * np.log(number_of_examples + 1) / (number_of_examples * 3.14159)\n"),
    "compact": ("    cost = -(Y @ np.log(A).T + (1 - Y) @ np.log(1 - A).T).item() / m\n",
                "    cost = -(Y @ np.log(A).T + (1 - Y) @ np.log(1 - A).T).item() / m\n"
                "    cost = cost + 0.5 * np.log(m + 1) / (m * 3.14159)\n"),
}


def write_class(folder: Path, week: str, learners: list[tuple[str, str, str, str]],
                edits: dict[str, tuple[str, str]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for learner, style, fmt, layout in learners:
        source = style_source(week, style)
        if edits and learner in edits:
            old, new = edits[learner]
            assert old in source
            source = source.replace(old, new)
        write_submission(folder, learner, week, source, fmt, layout)
    return folder


def all_scores(report: SimilarityReport, ids: list[str]) -> dict[frozenset[str], float]:
    """The score of every pair of ``ids`` (0 for a pair not listed)."""
    return {frozenset((a, b)): report.score(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]}


@pytest.fixture(scope="module")
def week2_class(tmp_path_factory) -> Path:
    folder = write_class(tmp_path_factory.mktemp("similar") / "week2", "week2", WEEK2)
    write_starter(folder, "starter_a", "week2", "ipynb")
    write_starter(folder, "starter_b", "week2", "py")
    write_submission(folder, "oneliner_a", "week2", ONE_LINERS, "ipynb")
    write_submission(folder, "oneliner_b", "week2", ONE_LINERS, "py")
    return folder


@pytest.fixture(scope="module")
def week2(week2_class) -> SimilarityReport:
    return similar_pairs("week2", week2_class, min_score=0.0)


@pytest.fixture(scope="module")
def week4(tmp_path_factory) -> SimilarityReport:
    folder = write_class(tmp_path_factory.mktemp("similar") / "week4", "week4", WEEK4)
    write_starter(folder, "starter_a", "week4", "ipynb")
    write_starter(folder, "starter_b", "week4", "py")
    return similar_pairs("week4", folder, min_score=0.0)


@pytest.mark.parametrize("week", ["week2", "week4"])
def test_planted_copies_rank_above_every_pair_of_independent_learners(week, week2, week4):
    report, learners, planted = ((week2, WEEK2, WEEK2_PLANTED) if week == "week2" else (week4, WEEK4, WEEK4_PLANTED))
    ids = [learner for learner, *_ in learners]
    scores = all_scores(report, ids)
    planted_scores = {pair: scores.pop(frozenset(pair)) for pair in planted}
    worst_planted = min(planted_scores.values())
    best_independent = max(scores.items(), key=lambda item: item[1])
    assert worst_planted > best_independent[1] + 0.2, (planted_scores, best_independent)
    assert [frozenset((p.a, p.b)) for p in report.pairs[: len(planted)]] == sorted(
        (frozenset(p) for p in planted), key=lambda p: -report.score(*p))
    # Whole copies (not the partial one) score as copies.
    for pair, score in planted_scores.items():
        if pair != ("verbose", "verbose_partial"):
            assert score >= 0.9, (pair, score)


def test_reading_in_several_processes_gives_the_same_pairs(week2_class, week2, monkeypatch):
    from grader.classroom import similar

    monkeypatch.setattr(similar, "PARALLEL_FROM", 2)
    parallel = similar_pairs("week2", week2_class, min_score=0.0, jobs=2)
    assert [(p.a, p.b, p.score, p.matches) for p in parallel.pairs] == [
        (p.a, p.b, p.score, p.matches) for p in week2.pairs]


def test_pairs_are_sorted_and_explained(week2):
    scores = [p.score for p in week2.pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    pair = week2.pair("helpers", "helpers_copy")
    assert pair is not None and pair.matches
    # The helpers renamed in the copy are matched all the same, and named on both sides.
    assert any(f.a.unit == "_row_lengths" and f.b.unit == "norms_of_rows" or
               f.b.unit == "_row_lengths" and f.a.unit == "norms_of_rows" for f in pair.matches)
    names = {f.name for f in pair.functions}
    assert {"propagate", "optimize", "model"} <= names
    assert any("no other learner wrote" in sentence for sentence in pair.evidence)
    # The side-by-side code: the fragment's lines are lines of the unit's text that hold code.
    for fragment in pair.matches:
        text = week2.sources[pair.a][fragment.a.index].text.split("\n")
        assert all(text[line - 1].strip() for line in fragment.a.lines)


def test_starter_only_submissions_score_zero(week2, week4):
    for report in (week2, week4):
        assert {"starter_a", "starter_b"} <= set(report.empty)
        assert report.score("starter_a", "starter_b") == 0
        assert not [p for p in report.pairs if {"starter_a", "starter_b"} & {p.a, p.b}]


def test_identical_one_liners_alone_do_not_make_a_pair_score_high(week2):
    score = week2.score("oneliner_a", "oneliner_b")
    assert score < 0.2
    assert score < min(week2.score(*pair) for pair in WEEK2_PLANTED) - 0.35
    pair = week2.pair("oneliner_a", "oneliner_b")
    if pair is not None:  # every function they share is identical, none of it unusual
        assert all(f.identical and not f.unusual and f.score < 0.1 for f in pair.functions)


def test_a_notebook_copy_of_a_py_scores_as_a_copy(tmp_path):
    folder = write_class(tmp_path / "class", "week2", [
        ("classic", "classic", "py", "starter"), ("classic_notebook", "classic", "ipynb", "starter"),
        ("typical", "typical", "ipynb", "starter"), ("reference", "reference", "py", "starter"),
        ("verbose", "verbose", "ipynb", "starter"), ("compact", "compact", "py", "starter")])
    report = similar_pairs("week2", folder, min_score=0.0)
    assert report.pairs[0].a == "classic" and report.pairs[0].b == "classic_notebook"
    assert report.pairs[0].score >= 0.95
    assert report.pairs[1].score < 0.6


def test_a_plain_py_of_the_functions_is_compared_with_a_notebook(tmp_path):
    """No starter around the copy at all: the functions alone, in a .py of their own."""
    folder = write_class(tmp_path / "class", "week4", WEEK4[:6])
    write_plain(folder, "plain", style_source("week4", "explicit"))
    write_submission(folder, "explicit", "week4", style_source("week4", "explicit"), "ipynb")
    report = similar_pairs("week4", folder, min_score=0.0)
    assert report.pairs[0].a == "explicit" and report.pairs[0].b == "plain"
    assert report.pairs[0].score >= 0.95


def generated_class(folder: Path, week: str, size: int, edits: dict[str, tuple[str, str]] | None = None,
                    seed: int = 5) -> tuple[Path, list[str]]:
    """The week's independent styles and ``size`` learners mixing them (renamed, with touches of their own):
    a class large enough for what is common to be common."""
    learners = [row for row in (WEEK2 if week == "week2" else WEEK4) if row[1] in STYLES[week]]
    write_class(folder, week, learners, edits)
    rng = random.Random(seed)
    library = style_library(week)
    for i in range(size):
        write_submission(folder, f"learner{i:02d}", week, mixed_source(week, rng, library), rng.choice(["py", "ipynb"]))
    return folder, [row[0] for row in learners] + [f"learner{i:02d}" for i in range(size)]


def test_a_shared_peculiar_bug_raises_the_score(tmp_path):
    _, ids = generated_class(tmp_path / "plain", "week2", 30)
    plain = similar_pairs("week2", tmp_path / "plain", min_score=0.0)
    generated_class(tmp_path / "buggy", "week2", 30, BUG)
    buggy = similar_pairs("week2", tmp_path / "buggy", min_score=0.0)
    before, after = plain.score("verbose", "compact"), buggy.score("verbose", "compact")
    assert after > before + 0.2, (before, after)
    # No other pair gained: the bug is what these two share (and no other learner wrote it).
    plain_scores, buggy_scores = all_scores(plain, ids), all_scores(buggy, ids)
    for pair, score in plain_scores.items():
        if pair != frozenset(("verbose", "compact")):
            assert buggy_scores[pair] < score + 0.05, pair
    print(f"verbose ~ compact: {before:.3f} without the bug, {after:.3f} with it")
    pair = buggy.pair("verbose", "compact")
    assert any(f.learners == 2 and "propagate" in f.functions for f in pair.matches)
    assert any("propagate" in sentence and "no other learner wrote" in sentence for sentence in pair.evidence)


def _report(learner: str, files: list[Path], own_folder: bool, failing: dict[str, str] | None) -> GradeReport:
    """A recorded week-2 report of propagate: failing its cost check with ``failing``'s diagnosis, or passing."""
    checks = [CheckResult("propagate", "propagate_gradients", "passed", 2.0, 2.0)]
    if failing:
        (diagnosis, text), = failing.items()
        checks.append(CheckResult("propagate", "propagate_cost", "failed", 0.0, 1.0,
                                  diagnoses=[CheckDiagnosis(diagnosis, text)]))
    else:
        checks.append(CheckResult("propagate", "propagate_cost", "passed", 1.0, 1.0))
    return GradeReport(exercise="week2", title="Week 2", seed=1, learner=learner, checks=checks,
                       submission_sha256=fingerprint(files, siblings=own_folder))


def test_a_shared_wrong_answer_in_the_gradebook_is_strong_evidence(tmp_path):
    independent = [row for row in WEEK2 if row[0] in ("reference", "classic", "typical", "loops", "helpers",
                                                       "compact", "verbose")]
    folder = write_class(tmp_path / "buggy", "week2", independent, BUG)
    book = tmp_path / "class.sqlite"
    odd = {"week2.propagate.cost_offset": "the cost is off by a constant"}
    with Gradebook(book) as gradebook:
        for learner, *_ in independent:
            files = sorted((folder / learner).iterdir())
            failing = odd if learner in ("verbose", "compact") else None
            gradebook.record(_report(learner, files, True, failing))
    without = similar_pairs("week2", folder, min_score=0.0)
    with_book = similar_pairs("week2", folder, min_score=0.0, gradebook=book)
    pair = with_book.pair("verbose", "compact")
    assert pair.shared_wrong_answers and pair.shared_wrong_answers[0].function == "propagate"
    assert pair.shared_wrong_answers[0].diagnoses == ("the cost is off by a constant",)
    assert pair.score > without.score("verbose", "compact") + 0.1
    assert any("same diagnosis (the cost is off by a constant)" in s and "shared wrong answer" in s
               for s in pair.evidence)
    # Learners who pass, or fail differently, share no wrong answer.
    assert not any(p.shared_wrong_answers for p in with_book.pairs if {p.a, p.b} != {"verbose", "compact"})
    # A report of other files than those compared (the learner has changed them since) is not used.
    (folder / "compact" / "python_basics.ipynb").write_text(
        (folder / "compact" / "python_basics.ipynb").read_text().replace("einsum", "einsum "))
    stale = similar_pairs("week2", folder, min_score=0.0, gradebook=book)
    assert not stale.pair("verbose", "compact").shared_wrong_answers


def test_a_missing_gradebook_is_a_usage_error(tmp_path, week2_class):
    result = runner.invoke(app, ["similar", "week2", str(week2_class), "--gradebook", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert "no such gradebook" in result.output


def tokens_of(source: str, kept: frozenset[str] = frozenset()) -> dict[str, int]:
    """The normalised digest of each top-level function of ``source``."""
    normaliser = Normaliser(Names(kept=BUILTINS | kept | {"sigmoid"}, modules={"np": "np", "numpy": "np"}))
    return {node.name: normaliser.tokens([node], [0]).digest()
            for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


def test_disguises_leave_the_normalised_code_unchanged():
    original = '''
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dw = (1 / m) * np.dot(X, (A - Y).T)
    db = np.sum(A - Y) / m
    total = 0
    for i in range(0, m):
        if A[0, i] < 0.5:
            total -= 1
    key = "d" + str(total)
    return {"dw": dw, "db": db, key: dw.sum(axis=0)}, cost
'''
    disguised = '''
import numpy as xp

def propagate(w, b, X, Y):
    """My own docstring."""

    # number of examples
    n_ex = X.shape[1]

    act = sigmoid(w.T @ X + b)   # forward
    J = -xp.sum((1 - Y) * xp.log(1 - act) + Y * xp.log(act)) / n_ex
    grad_w = xp.dot(X, (act - Y).transpose()) / n_ex
    grad_b = xp.sum(act - Y) / n_ex
    t = 0
    for k in range(n_ex):
        if 0.5 > act[0, k]:
            t = t - 1
    name = f"d{t}"
    return {"dw": grad_w, "db": grad_b, name: xp.sum(grad_w, axis=0)}, J
'''
    normaliser = Normaliser(Names(kept=BUILTINS | {"sigmoid"}, modules={"np": "np", "xp": "np"}))
    a = normaliser.tokens([ast.parse(original).body[0]], [0])
    b = normaliser.tokens([ast.parse(disguised).body[1]], [0])
    assert a.ids == b.ids
    assert a.shapes == b.shapes
    # ... but a different program does change them.
    changed = original.replace("db = np.sum(A - Y) / m", "db = np.sum(A - Y)")
    assert tokens_of(changed) != tokens_of(original)


def test_older_names_of_graded_functions_are_compared_as_the_function(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    body = '''
    norms = np.sqrt(np.sum(x * x, axis=1, keepdims=True)) + 1e-12
    assert norms.shape[1] == 1
    result = np.divide(x, norms)
    result[np.isnan(result)] = 0.0
    return result
'''
    (folder / "old.py").write_text("import numpy as np\n\ndef normalizeRows(x):" + body)
    (folder / "new.py").write_text("import numpy as np\n\ndef normalize_rows(rows):" + re.sub(r"\bx\b", "rows", body))
    (folder / "other.py").write_text("import numpy as np\n\ndef normalize_rows(x):\n"
                                     "    return x / np.linalg.norm(x, axis=1, keepdims=True)\n")
    report = similar_pairs("week2", folder, min_score=0.0)
    pair = report.pair("old", "new")
    assert [f.name for f in pair.functions] == ["normalize_rows"]
    assert pair.functions[0].identical


def test_hostile_files_are_read_bounded_and_never_run(tmp_path, week2_class):
    folder = tmp_path / "class"
    folder.mkdir()
    marker = tmp_path / "ran"
    for learner in ("loops", "loops_copy", "typical"):
        style = dict((row[0], row[1]) for row in WEEK2)[learner]
        write_submission(folder, learner, "week2", style_source("week2", style), "ipynb")
    runs = f"open({str(marker)!r}, 'w').write('ran')\n"
    (folder / "runner.py").write_text("import numpy as np\n" + runs + "def sigmoid(x):\n    " + runs
                                      + "    return 1 / (1 + np.exp(-x))\n")
    (folder / "binary.py").write_bytes(b"\x00\x01\x02 not text")
    (folder / "latin1.py").write_bytes("def sigmoid(x):\n    return 'é'\n".encode("latin-1"))
    (folder / "broken.ipynb").write_text('{"cells": [')
    (folder / "deep.py").write_text("import numpy as np\n\ndef sigmoid(x):\n    return " + "(" * 200 + "x"
                                    + ")" * 200 + "\n\nX = " + "-" * 5000 + "1\n\ny = " + "+".join(["1"] * 3000) + "\n")
    cells = ['def softmax(x):\n    return x +\n', "def L1(yhat, y):\n    return np.sum(np.abs(y - yhat))\n"]
    (folder / "halfbroken.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells], "nbformat": 4,
        "nbformat_minor": 5, "metadata": {}}))
    (folder / "link.py").symlink_to(week2_class / "loops" / "python_basics.py")
    report = similar_pairs("week2", folder, min_score=0.0)
    assert not marker.exists()
    assert set(report.unreadable) == {"binary", "latin1", "broken"}
    assert "halfbroken" in report.notes and "does not parse" in report.notes["halfbroken"][0]
    assert any("link.py" in entry for entry in report.ignored)
    assert report.pairs[0].a == "loops" and report.pairs[0].b == "loops_copy"
    html = render_similar_html(report)
    assert "binary" in html and "<script" not in html


def test_a_py_whose_cells_do_not_parse_alone_is_read_whole(tmp_path):
    """A string across a "# %%" line: the cells do not parse one by one, the file does (as grading reads it)."""
    folder = tmp_path / "class"
    folder.mkdir()
    source = style_source("week4", "explicit")
    text = ("import numpy as np\n\nNOTES = \"\"\"\n# %%\nnot a cell\n\"\"\"\n\n# %%\n" + source)
    (folder / "spanning.py").write_text(text)
    write_submission(folder, "explicit", "week4", source, "ipynb")
    report = similar_pairs("week4", folder, min_score=0.0)
    assert "spanning" not in report.notes
    assert report.score("spanning", "explicit") >= 0.95


def test_entries_sharing_an_id_are_not_compared(tmp_path):
    folder = write_class(tmp_path / "class", "week4", [("alice", "helpers", "py", "starter"),
                                                       ("bob", "helpers_copy", "py", "starter")])
    write_submission(folder, "alice", "week4", style_source("week4", "explicit"), "ipynb")
    report = similar_pairs("week4", folder, min_score=0.0)
    assert set(report.refused) == {"alice"} and "2 entries" in report.refused["alice"]
    assert report.pairs == []


def test_grade_similar_writes_json_and_a_page_hostile_text_escaped(tmp_path):
    folder = write_class(tmp_path / "class", "week2", [row for row in WEEK2 if row[0] in ("typical", "compact")])
    hostile_id = '<img src=x onerror=alert(1)>\u202e'
    source = style_source("week2", "loops").replace("return 1.0 / (1.0 + np.exp(-x))",
                                                    'note = "</pre><script>alert(1)</script>\u202e"\n'
                                                    "    return 1.0 / (1.0 + np.exp(-x))")
    write_submission(folder, hostile_id, "week2", source, "ipynb")
    write_submission(folder, "copier", "week2", source, "py")
    out_json, out_html = tmp_path / "pairs.json", tmp_path / "pairs.html"
    result = runner.invoke(app, ["similar", "week2", str(folder), "--json", str(out_json), "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    assert "reading" in result.output and "comparing" in result.output  # the progress bar
    assert "compared 4 learners" in result.output
    assert "\u202e" not in result.output and "\\u202e" in result.output
    data = json.loads(out_json.read_text())
    assert data["exercise"] == "week2" and data["learners"] == 4
    first = data["pairs"][0]
    assert {first["a"], first["b"]} == {hostile_id, "copier"} and first["score"] >= 0.9
    assert {"a", "b", "score", "functions", "matches", "evidence", "shared_wrong_answer"} <= first.keys()
    assert [p["score"] for p in data["pairs"]] == sorted((p["score"] for p in data["pairs"]), reverse=True)
    match = first["matches"][0]
    assert {"a", "b", "fingerprints", "rarity", "learners", "functions"} <= match.keys()
    assert {"unit", "location", "lines"} <= match["a"].keys()
    html = out_html.read_text()
    assert "<script" not in html and "<img" not in html
    assert "&lt;/pre&gt;&lt;script&gt;" in html
    # Shown escaped, never as the character (a data- attribute keeps the exact id, as the class report's do).
    shown_text = re.sub(r'data-[ab]="[^"]*"', "", html)
    assert "\u202e" not in shown_text and '<span class="esc">\\u202e</span>' in html
    assert "&lt;img src=x onerror=alert(1)&gt;\\u202e" in html
    assert 'class="line hl-' in html


def test_quiet_prints_the_outcome_only_and_json_to_standard_output(week2_class):
    quiet = runner.invoke(app, ["similar", "week2", str(week2_class), "-q"])
    assert quiet.exit_code == 0
    assert "reading" not in quiet.output
    lines = quiet.output.strip().splitlines()
    assert lines[-1].startswith("compared 14 learners: ")
    assert "loops  ~  loops_copy" in quiet.output
    piped = runner.invoke(app, ["similar", "week2", str(week2_class), "--json", "-"])
    assert piped.exit_code == 0
    assert json.loads(piped.output)["learners"] == 14


@pytest.mark.parametrize("args, message", [
    (["nosuchweek", "."], "unknown exercise"),
    (["week1", "."], "no graded functions"),
    (["week2", "does/not/exist"], "not a folder of submissions"),
])
def test_unusable_input_is_one_line_and_exit_2(args, message):
    result = runner.invoke(app, ["similar", *args])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
