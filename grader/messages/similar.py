"""English catalog: what `grade similar` says to an instructor about pairs of learners whose code is alike:
the evidence in words (grader/classroom/similar_evidence.py), what of a learner's code was left out and
where a unit lies (similar_code.py), its page (similar_html.py, templates/similar.html.j2) and its progress
bar (grader/cli/similar.py); and why entries of a submissions folder that share a learner id are refused
(grader/classroom/learners.py, for grade batch too).

A sentence with a count has one id per form (``.one`` and ``.many``), chosen by the code, so that each
language writes its own whole sentence. The ``{others}`` of an evidence sentence is one of the
``similar.evidence.nobody_*`` / ``others_*`` clauses, said in the same language.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- the evidence of a pair (similar_evidence.py) ------------------------------------------------------
    "similar.evidence.wrong": ("both fail the same checks of {function} ({checks}) with the same diagnosis "
                               "({diagnoses}); {others}: a shared wrong answer is strong evidence"),
    "similar.evidence.wrong_plain": ("both fail the same checks of {function} ({checks}); {others}: a shared "
                                     "wrong answer is strong evidence"),
    "similar.evidence.identical": "identical unusual code in {function}: {others}",
    "similar.evidence.rare.one": "1 shared fragment that no other learner wrote ({where})",
    "similar.evidence.rare.many": "{count} shared fragments that no other learner wrote ({where})",
    "similar.evidence.nobody_fails": "no other learner fails them so",
    "similar.evidence.others_fail.one": "1 other learner fails them so",
    "similar.evidence.others_fail.many": "{count} other learners fail them so",
    "similar.evidence.nobody_wrote": "no other learner wrote it",
    "similar.evidence.others_wrote.one": "1 other learner wrote it",
    "similar.evidence.others_wrote.many": "{count} other learners wrote it",

    # -- a learner's code (similar_code.py) ------------------------------------------------------------------
    "similar.where.cell": "{file}, cell {cell}, line {line}",
    "similar.where.file": "{file}, line {line}",
    "similar.top_level": "(top level)",  # the unit of a learner's top-level statements other than definitions
    "similar.note.unparsed": "{location} does not parse and was not compared: {reason}",
    "similar.note.too_deep": "{location}: nested too deeply to compare; left out",
    "similar.note.truncated": "only the first {limit} characters of the learner's own code were compared",

    # -- the learners of a submissions folder (learners.py: grade similar and grade batch) ------------------
    "learners.shared_id": ("{count} entries are this one learner ({entries}): none is graded; keep one, "
                           "or rename them"),

    # -- the progress bar (grader/cli/similar.py) ------------------------------------------------------------
    "similar.progress.reading": "reading",
    "similar.progress.comparing": "comparing",

    # -- the page (similar_html.py, templates/similar.html.j2) -----------------------------------------------
    "similar.page.title": "Similar submissions: {title}",
    "similar.page.compared.one_learner": "1 learner compared, 0 pairs with a score of at least {min_score:g}.",
    "similar.page.compared.one_pair": "{learners} learners compared, 1 pair with a score of at least {min_score:g}.",
    "similar.page.compared.many": ("{learners} learners compared, {pairs} pairs with a score of at least "
                                   "{min_score:g}."),
    "similar.page.about_scores": (
        "A score says how much rare code two learners share, once the starter is left out and names, comments, "
        "order and layout are set aside: it is evidence to read, not a verdict."),
    "similar.page.none": "No two learners share enough of their own code to be listed.",
    "similar.page.pairs": "Pairs",
    "similar.page.learners": "Learners",
    "similar.page.score": "Score",
    "similar.page.functions": "Functions",
    "similar.page.evidence": "Evidence",
    "similar.page.wrong": "shared wrong answer",
    "similar.page.whole": "Whole submission: fragments {fingerprints:.0%}, structure {structure:.0%}.",
    "similar.page.function": "Function",
    "similar.page.fingerprints": "Fragments",
    "similar.page.structure": "Structure",
    "similar.page.identical": "identical",
    "similar.page.unusual": "identical, unusual",
    "similar.page.matches": "Matching code",
    "similar.page.no_matches": "No fragment to show.",
    "similar.page.fragment": "fragment {number}: {learners} learners hold its rarest part (rarity {rarity:.2f})",
    "similar.page.cut.one": "… 1 more line",
    "similar.page.cut.many": "… {count} more lines",
    "similar.page.more.one": "1 more pair is listed above but not shown side by side.",
    "similar.page.more.many": "{count} more pairs are listed above but not shown side by side.",
    "similar.page.refused": "Not compared (several entries for one learner id)",
    "similar.page.unreadable": "Not compared (files that cannot be read)",
    "similar.page.empty": "Nothing of their own (the starter only)",
    "similar.page.notes": "Left out of the comparison",
}
