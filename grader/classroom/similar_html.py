"""Self-contained HTML view of a SimilarityReport (inline CSS, no scripts, no external assets).

Rendered from ``grader/classroom/templates/similar.html.j2`` by a jinja2 environment with autoescaping
on: learner ids, file names and code are text learners chose, so nothing of theirs is ever inserted
unescaped. Their invisible characters (bidi overrides, zero-width characters, controls) are shown as
escapes (``\\u202e``) in a marked span, so a page never reorders or hides code.

The page lists the pairs, highest score first, then shows each of the first ``limit`` pairs side by
side: per matching function, both learners' code with the matching fragments highlighted (one colour
per fragment, the same on both sides), the functions involved and the evidence in words.

Stable hooks for browser tests: ``#pairs`` (``tr.pair-row[data-a][data-b][data-score]``),
``section.pair[data-a][data-b]`` (id ``pair-N``), in it ``.evidence li``, ``tr.function-row[data-function]``,
``div.match`` (one per pair of matching units) with ``pre.code`` on each side and ``span.line.hl-K``
for highlighted lines (``data-fragment=K``), ``span.esc`` for an escaped invisible character.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from grader.classroom.similar import Pair, SimilarityReport, UnitSource
from grader.classroom.similar_code import unit_label
from grader.messages import say
from grader.views.html import html_say, template_environment
from grader.views.learner_ids import INVISIBLE, shown

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "similar.html.j2"
PAIRS_SHOWN = 50  # pairs shown side by side (the table lists every pair of the report)
HIGHLIGHTS = 8  # fragment colours, reused in turn
MAX_LINES_SHOWN = 400  # lines of a unit shown (a longer one is cut, saying so)
MAX_LINE_CHARS = 400  # characters of a line shown


def _segments(text: str) -> list[tuple[str, bool]]:
    """``text`` as (text, escaped) runs: invisible characters (except tabs) become their escape, marked."""
    runs: list[tuple[str, bool]] = []
    plain: list[str] = []
    for c in text:
        if c != "\t" and unicodedata.category(c) in INVISIBLE:
            if plain:
                runs.append(("".join(plain), False))
                plain = []
            code = ord(c)
            runs.append((f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}",
                         True))
        else:
            plain.append(c)
    if plain:
        runs.append(("".join(plain), False))
    return runs


def _code(unit: UnitSource, highlights: dict[int, int], titles: dict[int, str]) -> dict[str, Any]:
    """A unit's lines for the page: number, text runs, the fragment highlighting it (if any)."""
    lines = unit.text.split("\n")
    shown_lines = []
    for number, line in enumerate(lines[:MAX_LINES_SHOWN], start=1):
        cut = line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "…"
        fragment = highlights.get(number)
        shown_lines.append({"number": number, "segments": _segments(cut),
                            "fragment": fragment, "title": titles.get(number, "")})
    cut = max(0, len(lines) - MAX_LINES_SHOWN)
    return {"name": shown(unit_label(unit.name)), "location": shown(unit.location), "lines": shown_lines,
            "cut": "" if not cut else say("similar.page.cut.one") if cut == 1 else say("similar.page.cut.many",
                                                                                       count=cut)}


def _pair_view(number: int, pair: Pair, report: SimilarityReport) -> dict[str, Any]:
    sources_a = report.sources.get(pair.a, [])
    sources_b = report.sources.get(pair.b, [])
    groups: dict[tuple[int, int], list[tuple[int, Any]]] = defaultdict(list)
    for k, fragment in enumerate(pair.matches):
        groups[fragment.a.index, fragment.b.index].append((k, fragment))
    matches = []
    for (ia, ib), fragments in groups.items():
        if ia >= len(sources_a) or ib >= len(sources_b):
            continue
        marks_a: dict[int, int] = {}
        marks_b: dict[int, int] = {}
        titles_a: dict[int, str] = {}
        titles_b: dict[int, str] = {}
        for k, fragment in fragments:
            title = say("similar.page.fragment", number=k + 1, learners=fragment.learners, rarity=fragment.rarity)
            for line in fragment.a.lines:
                marks_a.setdefault(line, k % HIGHLIGHTS)
                titles_a.setdefault(line, title)
            for line in fragment.b.lines:
                marks_b.setdefault(line, k % HIGHLIGHTS)
                titles_b.setdefault(line, title)
        weight = sum(f.weight for _, f in fragments)
        matches.append((weight, {"a": _code(sources_a[ia], marks_a, titles_a),
                                 "b": _code(sources_b[ib], marks_b, titles_b),
                                 "fragments": len(fragments), "weight": round(weight, 2)}))
    matches.sort(key=lambda item: -item[0])
    return {
        "number": number, "a": pair.a, "b": pair.b, "a_shown": shown(pair.a), "b_shown": shown(pair.b),
        "score": pair.score, "percent": round(100 * pair.score), "band": _band(pair.score),
        "whole": say("similar.page.whole", fingerprints=pair.fingerprints, structure=pair.structure),
        "evidence": list(pair.evidence), "wrong": bool(pair.shared_wrong_answers),
        "functions": [{"name": f.name, "score": f.score, "percent": round(100 * f.score),
                       "fingerprints": round(100 * f.fingerprints), "structure": round(100 * f.structure),
                       "identical": f.identical, "unusual": f.unusual, "band": _band(f.score)}
                      for f in pair.functions if f.score > 0 or f.identical],
        "matches": [view for _, view in matches],
    }


def _compared(report: SimilarityReport) -> str:
    """How many learners were compared and how many pairs are listed (the lead's first sentence)."""
    min_score = report.parameters.get("min_score", 0)
    if report.learners == 1:
        return say("similar.page.compared.one_learner", min_score=min_score)
    if len(report.pairs) == 1:
        return say("similar.page.compared.one_pair", learners=report.learners, min_score=min_score)
    return say("similar.page.compared.many", learners=report.learners, pairs=len(report.pairs), min_score=min_score)


def _band(score: float) -> str:
    return "high" if score >= 0.7 else "medium" if score >= 0.4 else "low"


def render_similar_html(report: SimilarityReport, limit: int = PAIRS_SHOWN) -> str:
    """The page of ``report``: every pair in a table, the first ``limit`` side by side."""
    rows = [{"number": n, "a": p.a, "b": p.b, "a_shown": shown(p.a), "b_shown": shown(p.b), "score": p.score,
             "percent": round(100 * p.score), "band": _band(p.score), "wrong": bool(p.shared_wrong_answers),
             "functions": ", ".join(f.name for f in p.functions if f.score >= 0.3)[:200],
             "evidence": p.evidence[0] if p.evidence else "", "detailed": n <= limit}
            for n, p in enumerate(report.pairs, start=1)]
    pairs = [_pair_view(n, p, report) for n, p in enumerate(report.pairs[:limit], start=1)]
    more = max(0, len(report.pairs) - limit)
    context = {
        "t": html_say,
        "title": say("similar.page.title", title=report.title),
        "lead": f"{_compared(report)} {say('similar.page.about_scores')}",
        "rows": rows, "pairs": pairs,
        "more": "" if not more else say("similar.page.more.one") if more == 1 else say("similar.page.more.many",
                                                                                        count=more),
        "refused": [(shown(k), shown(v)) for k, v in report.refused.items()],
        "unreadable": [(shown(k), shown(v)) for k, v in report.unreadable.items()],
        "empty": [shown(k) for k in report.empty],
        "notes": [(shown(k), [shown(n) for n in v]) for k, v in report.notes.items()],
        "highlights": range(HIGHLIGHTS),
    }
    return template_environment(TEMPLATE_DIR).get_template(TEMPLATE_NAME).render(**context)
