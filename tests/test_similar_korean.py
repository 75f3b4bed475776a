"""`grade similar` in Korean: every sentence of its report comes from the message layer
(grader/messages/similar.py and its Korean catalog, grader/messages/ko/similar.toml).

- ``grade similar ... --lang ko`` writes a page with ``<html lang="ko">``, in Hangul, where no sentence of
  the English catalog is left, and says its progress in Korean;
- the English page says nothing that is not a sentence of the catalog (the learners' code, ids and
  function names apart), so that nothing is left to translate;
- the evidence, notes and locations of the report are said in the language spoken when it is made.
"""

from __future__ import annotations

import json
import re
import string
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import messages
from grader.classroom.similar import SimilarityReport, similar_pairs
from grader.classroom.similar_html import render_similar_html
from grader.messages import EN, speaking
from grader.messages import similar as similar_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "similar"))

from classes import style_source, write_starter, write_submission  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PLAIN_ENV = {"DL_GRADER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "COLUMNS": "100"}

# Top-level code that only two learners wrote (a "(top level)" unit); a long function two others wrote (cut).
ODD_TOP = """import numpy as np

odd_log = []
for odd_step in range(17):
    odd_log.append(np.tanh(odd_step * 0.37) ** 3 - odd_step / 11)
print(sum(odd_log) * 2.5, max(odd_log) - min(odd_log))
"""
LONG = "def unrolled(x):\n" + "".join(f"    x = x * {i % 7 + 2} - np.sin(x + {i})\n" for i in range(420)) + \
    "    return x\n"


def write_class(folder: Path) -> Path:
    """Copies, independent learners, and every kind of learner the page lists apart."""
    folder.mkdir(parents=True)
    for learner, style, fmt in [("loops", "loops", "py"), ("loops_copy", "loops_copy", "ipynb"),
                                ("typical", "typical", "ipynb"), ("compact", "compact", "py")]:
        write_submission(folder, learner, "week2", style_source("week2", style), fmt)
    write_starter(folder, "starter_only", "week2", "ipynb")
    (folder / "odd_a.py").write_text(ODD_TOP)
    (folder / "odd_b.py").write_text(ODD_TOP.replace("odd_", "my_"))
    (folder / "long_a.py").write_text("import numpy as np\n\n" + LONG)
    (folder / "long_b.py").write_text("import numpy as np\n\n" + LONG.replace("x", "y"))
    (folder / "binary.py").write_bytes(b"\x00\x01\x02 not text")
    cells = ["def softmax(x):\n    return x +\n", "def L1(yhat, y):\n    return np.sum(np.abs(y - yhat))\n"]
    (folder / "halfbroken.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells], "nbformat": 4,
        "nbformat_minor": 5, "metadata": {}}))
    (folder / "alice.py").write_text("x = 1\n")
    (folder / "alice").mkdir()
    (folder / "alice" / "work.py").write_text("y = 2\n")
    return folder


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    messages.set_language("en")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_class(tmp_path_factory.mktemp("similar_ko") / "class")


@pytest.fixture(scope="module")
def reports(folder) -> dict[str, SimilarityReport]:
    found = {}
    for lang in ("en", "ko"):
        with speaking(lang):
            found[lang] = similar_pairs("week2", folder, min_score=0.0, jobs=1)
    return found


def pages(report: SimilarityReport, lang: str) -> list[str]:
    """The page of ``report`` in ``lang``, every pair side by side and only the first one (so that the
    page says how many more there are)."""
    with speaking(lang):
        return [render_similar_html(report), render_similar_html(report, limit=1)]


# -- reading a page: its text, the learners' code and names apart ----------------------------------------


class _Text(HTMLParser):
    """The text nodes of a page, outside the learners' code (``pre.code``, but for the line saying how
    many more lines it has), ids and names (``.learner``), the page's <title> (its <h1> says it), the
    footer (the command's name) and the style sheet."""

    SKIPPED = ("pre", "title", "footer", "style")
    EMPTY = ("br", "meta", "link", "img", "input")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped: list[bool] = [False]  # per open element: is its text left out?
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.EMPTY:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "span" and "muted" in classes:  # a code block's "... more lines": the page's own words
            self.skipped.append(False)
        else:
            self.skipped.append(self.skipped[-1] or tag in self.SKIPPED or bool({"learner", "n"} & set(classes)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.EMPTY and len(self.skipped) > 1:
            self.skipped.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipped[-1] and data.strip():
            self.texts.append(data.strip())


def page_texts(html: str, names: set[str]) -> list[str]:
    """The page's sentences and labels: its text nodes, without those that only list the learners'
    function names (the pairs table's functions column) or are only numbers and signs."""
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        text = text.removeprefix("· ").removeprefix(": ").strip()
        if not re.search(r"[^\W\d_]", text):
            continue
        if all(part.strip() in names for part in text.split(",")):
            continue
        found.append(text)
    return found


def learner_names(report: SimilarityReport) -> set[str]:
    """Every function and unit name of the learners in the report (as they wrote them)."""
    names = {f.name for pair in report.pairs for f in pair.functions}
    names |= {unit.name for units in report.sources.values() for unit in units}
    return names


# -- the catalog, as patterns ----------------------------------------------------------------------------


def template_pattern(text: str) -> str:
    """A regular expression for ``text`` filled in: a number where it formats one, anything else where a
    field is plain."""
    parts = []
    for before, field, spec, _ in string.Formatter().parse(text):
        parts.append(re.escape(before))
        if field is not None:
            parts.append(r"[-+0-9.,e%]+" if spec else r".+?")
    return "".join(parts)


def _has_words(text: str) -> bool:
    literal = "".join(before for before, *_ in string.Formatter().parse(text))
    return bool(re.search(r"[A-Za-z]{3,}", literal))


# The sentences a page can say: the catalog's (a template that is only fields and signs would match anything).
SAID = re.compile("(?:{0})(?: (?:{0}))*".format("|".join(
    template_pattern(t) for t in sorted(EN.values(), key=len, reverse=True) if _has_words(t))), re.DOTALL)


def english_pieces() -> dict[str, list[str]]:
    """The words of each template of grade similar's catalog: the runs of text between its fields."""
    pieces = {}
    for message_id, text in similar_catalog.MESSAGES.items():
        runs = [before.strip(" .,:;()…/") for before, *_ in string.Formatter().parse(text)]
        pieces[message_id] = [run for run in runs if re.search(r"[A-Za-z]{3,}", run)]
    return pieces


# -- the tests ---------------------------------------------------------------------------------------------


def test_the_class_shows_what_the_page_can_say(reports):
    """The class has copies, a top-level unit, a cut one, learners refused, unreadable, without code of
    their own, and a note: the page says all its kinds of sentences."""
    report = reports["en"]
    assert report.refused and report.unreadable and report.empty and report.notes
    odd = report.pair("odd_a", "odd_b")
    assert odd is not None and any(f.a.unit == "(top level)" for f in odd.matches)
    assert any("(top level)" in sentence for sentence in odd.evidence)
    html = "".join(pages(report, "en"))
    for said in ("more pairs are listed above", "more lines", "(top level)", "cell 1, line 2 does not parse",
                 "entries are this one learner", "no other learner wrote", "Nothing of their own"):
        assert said in html, said


def test_every_english_sentence_of_the_page_is_the_catalogs(reports):
    report = reports["en"]
    for html in pages(report, "en"):
        assert '<html lang="en">' in html
        texts = page_texts(html, learner_names(report))
        assert len(texts) > 20
        unsaid = [text for text in texts if not SAID.fullmatch(text)]
        assert unsaid == []


def test_the_catalog_check_finds_a_sentence_written_out():
    assert SAID.fullmatch("Whole submission: fragments 12%, structure 3%.")
    assert SAID.fullmatch("3 learners compared, 2 pairs with a score of at least 0.2. " + EN[
        "similar.page.about_scores"])
    assert not SAID.fullmatch("Whole submission: fragments many, structure 3%.")
    assert not SAID.fullmatch("Pairs that look alike")


def test_the_korean_page_is_korean(reports):
    report = reports["ko"]
    pieces = english_pieces()
    assert sum(len(p) for p in pieces.values()) > 40
    for html in pages(report, "ko"):
        assert '<html lang="ko">' in html
        texts = page_texts(html, learner_names(report))
        assert HANGUL.search(" ".join(texts))
        shown = "\n".join(texts)
        leaked = [(message_id, piece) for message_id, found in pieces.items() for piece in found
                  if re.search(r"(?<![\w])" + re.escape(piece) + r"(?![\w])", shown)]
        assert leaked == []
        # Every label and sentence of the page is Korean: what is not is the learners' (a file name, a
        # location, Python's reason for a syntax error) or a number.
        english = [text for text in texts if not HANGUL.search(text)]
        assert english == [], english


def test_the_report_is_made_in_the_language_spoken(reports):
    english, korean = reports["en"], reports["ko"]
    assert [(p.a, p.b, p.score) for p in english.pairs] == [(p.a, p.b, p.score) for p in korean.pairs]
    assert all(HANGUL.search(sentence) for pair in korean.pairs for sentence in pair.evidence)
    assert all(HANGUL.search(note) for notes in korean.notes.values() for note in notes)
    assert all(HANGUL.search(why) for why in korean.refused.values())
    odd = korean.pair("odd_a", "odd_b")
    assert any(f.a.unit == "(top level)" for f in odd.matches)  # the data keeps its name: the page says it
    assert any("(최상위 코드)" in sentence for sentence in odd.evidence)


def test_grade_similar_lang_ko_writes_a_korean_page(folder, tmp_path):
    from grader.cli.app import app

    page, out = tmp_path / "similar.html", tmp_path / "pairs.json"
    result = CliRunner().invoke(app, ["similar", "week2", str(folder), "--html", str(page), "--json", str(out),
                                      "--lang", "ko"], env=PLAIN_ENV)
    assert result.exit_code == 0, result.output
    assert "읽는 중" in result.output and "비교하는 중" in result.output  # the progress bar
    assert "reading" not in result.output and HANGUL.search(result.output.splitlines()[-1])
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ko">' in html and "비슷한 제출물: " in html
    assert HANGUL.search(json.loads(out.read_text(encoding="utf-8"))["pairs"][0]["evidence"][0])
    english = CliRunner().invoke(app, ["similar", "week2", str(folder), "--html", str(page), "-q"], env=PLAIN_ENV)
    assert english.exit_code == 0 and not HANGUL.search(english.output)
    assert '<html lang="en">' in page.read_text(encoding="utf-8")
