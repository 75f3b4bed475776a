"""What `grade similar` says about a pair: its matching fragments (runs of shared fingerprints, as Dolos
joins them), the evidence in words, and the wrong answers two learners share by the gradebook's reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.classroom.learners import Learner
from grader.classroom.similar_code import unit_label
from grader.classroom.similar_report import Fragment, Pair, Place, SharedWrongAnswer
from grader.classroom.similar_scoring import Side, rarity
from grader.classroom.similar_tokens import K, WINDOW
from grader.errors import UsageError
from grader.messages import say
from grader.model.exercise import Exercise

MAX_FRAGMENTS = 40  # matching fragments kept per pair
WRONG_BONUS = 0.5  # a shared wrong answer seen in no other learner removes this share of the doubt


def occurrences(side: Side) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every selected k-gram of a learner: (fingerprint id, unit, index among the unit's selected ones)."""
    fids = np.concatenate(side.unit_fids) if side.unit_fids else np.zeros(0, dtype=np.int64)
    units = np.concatenate([np.full(len(f), u, dtype=np.int64) for u, f in enumerate(side.unit_fids)] or
                           [np.zeros(0, dtype=np.int64)])
    ks = np.concatenate([np.arange(len(f), dtype=np.int64) for f in side.unit_fids] or [np.zeros(0, dtype=np.int64)])
    return fids, units, ks


def fragments(a: Side, b: Side, occurrences_a: tuple[np.ndarray, np.ndarray, np.ndarray],
               occurrences_b: tuple[np.ndarray, np.ndarray, np.ndarray], rare: np.ndarray, df: np.ndarray,
               in_reference: np.ndarray) -> list[Fragment]:
    """Runs of shared fingerprints in the same order in both (as Dolos joins matches into fragments),
    the heaviest first, each place shown once, at most MAX_FRAGMENTS."""
    common = np.intersect1d(a.whole, b.whole, assume_unique=True)
    fids_a, units_a, ks_a = (x[np.isin(occurrences_a[0], common)] for x in occurrences_a)
    fids_b, units_b, ks_b = (x[np.isin(occurrences_b[0], common)] for x in occurrences_b)
    order = np.argsort(fids_b, kind="stable")
    fids_b, units_b, ks_b = fids_b[order], units_b[order], ks_b[order]
    low = np.searchsorted(fids_b, fids_a, "left").tolist()
    high = np.searchsorted(fids_b, fids_a, "right").tolist()
    units_b_list, ks_b_list = units_b.tolist(), ks_b.tolist()
    matches = []
    for fid, ua, ka, lo, hi in zip(fids_a.tolist(), units_a.tolist(), ks_a.tolist(), low, high):
        position_a = a.code.units[ua].positions[ka]
        for m in range(lo, hi):
            ub, kb = units_b_list[m], ks_b_list[m]
            matches.append((ua, ub, position_a, b.code.units[ub].positions[kb], ka, kb, fid))
    matches.sort()
    runs: list[list[tuple[int, ...]]] = []
    gap = K + WINDOW
    for match in matches:
        if runs:
            last = runs[-1][-1]
            if (last[0], last[1]) == match[:2] and 0 <= match[2] - last[2] <= gap and 0 < match[3] - last[3] <= gap:
                runs[-1].append(match)
                continue
        runs.append([match])
    found = []
    for run in runs:
        ua, ub = run[0][0], run[0][1]
        unit_a, unit_b = a.code.units[ua], b.code.units[ub]
        fids = [m[6] for m in run]
        weight = float(rare[fids].sum())
        rarest = fids[int(np.argmax(rare[fids]))]
        found.append(Fragment(
            a=Place(unit_a.name, unit_a.location, _covered(unit_a, [m[4] for m in run]), ua),
            b=Place(unit_b.name, unit_b.location, _covered(unit_b, [m[5] for m in run]), ub),
            fingerprints=len(run), weight=round(weight, 3), rarity=round(float(rare[rarest]), 3),
            learners=int(df[rarest]), functions=tuple(dict.fromkeys(g for g in (unit_a.graded, unit_b.graded) if g)),
            reference=bool(in_reference[rarest])))
    found.sort(key=lambda f: (-f.weight, f.a.index, f.a.lines))
    kept, seen = [], set()
    for fragment in found:  # a function both files define matches twice: shown once
        places = ((0, fragment.a.index, fragment.a.lines), (1, fragment.b.index, fragment.b.lines))
        if any(place in seen for place in places):
            continue
        seen.update(places)
        kept.append(fragment)
    return kept[:MAX_FRAGMENTS]


def _covered(unit: Any, selected: list[int]) -> tuple[int, ...]:
    """The lines holding tokens of the selected k-grams of ``unit`` (from the first line of the first to the
    last line of the last, docstrings, comments and blank lines left out)."""
    first = min(unit.first[k] for k in selected)
    last = max(unit.last[k] for k in selected)
    return tuple(line for line in unit.code_lines if first <= line <= last)


def make_pair(a: Side, b: Side, score: float, result: dict[str, Any], fragments: list[Fragment]) -> Pair:
    evidence = []
    for wrong in result["wrong"]:
        others = _others_fail(wrong.learners - 2)
        if wrong.diagnoses:
            evidence.append(say("similar.evidence.wrong", function=wrong.function, checks=", ".join(wrong.checks),
                                diagnoses="; ".join(wrong.diagnoses), others=others))
        else:
            evidence.append(say("similar.evidence.wrong_plain", function=wrong.function,
                                checks=", ".join(wrong.checks), others=others))
    unusual: dict[int, list[str]] = {}
    for function in result["functions"]:
        if function.unusual:
            unusual.setdefault(function.writers, []).append(function.name)
    for writers, names in sorted(unusual.items()):
        evidence.append(say("similar.evidence.identical", function=", ".join(names),
                            others=_others_wrote(writers - 2)))
    rare_ones = [f for f in fragments if f.learners == 2 and not f.reference]
    if rare_ones:
        where = ", ".join(sorted({unit_label(f.a.unit) if f.a.unit == f.b.unit
                                  else f"{unit_label(f.a.unit)} / {unit_label(f.b.unit)}" for f in rare_ones}))
        evidence.append(say("similar.evidence.rare.one", where=where) if len(rare_ones) == 1
                        else say("similar.evidence.rare.many", count=len(rare_ones), where=where))
    return Pair(a=a.code.id, b=b.code.id, score=score, fingerprints=round(result["fingerprints"], 4),
                structure=round(result["structure"], 4), functions=tuple(result["functions"]),
                matches=tuple(fragments), evidence=tuple(evidence),
                shared_wrong_answers=tuple(result["wrong"]))


def _others_fail(count: int) -> str:
    """How many other learners of the class fail the same checks so (``count``: 0 or more)."""
    if count <= 0:
        return say("similar.evidence.nobody_fails")
    return say("similar.evidence.others_fail.one") if count == 1 else say("similar.evidence.others_fail.many",
                                                                            count=count)


def _others_wrote(count: int) -> str:
    """How many other learners of the class wrote the same code (``count``: 0 or more)."""
    if count <= 0:
        return say("similar.evidence.nobody_wrote")
    return say("similar.evidence.others_wrote.one") if count == 1 else say("similar.evidence.others_wrote.many",
                                                                             count=count)


# -- shared wrong answers (from a gradebook) ----------------------------------------------------------


@dataclass
class Failures:
    """The class's latest reports, as failure signatures: learner -> graded function -> the checks it fails."""

    signatures: dict[str, dict[str, tuple[tuple[str, tuple[str, ...]], ...]]]
    texts: dict[str, str]  # diagnosis id -> its text
    counts: dict[tuple[str, tuple], int]  # (function, signature) -> learners of the class whose latest report has it
    reports: int
    recorded: dict[str, str]  # learner -> the fingerprint of the submission its report grades
    learners: dict[str, Learner]
    current: dict[str, bool] = field(default_factory=dict)  # learner -> is its report of the files compared?

    def is_current(self, learner: str) -> bool:
        """Is the learner's report of the very files compared (not an older submission)?"""
        found = self.current.get(learner)
        if found is None:
            from grader.ingest.submission import fingerprint

            entry = self.learners[learner]
            try:
                found = fingerprint(list(entry.files), siblings=entry.own_folder) == self.recorded.get(learner)
            except UsageError:
                found = False
            self.current[learner] = found
        return found


def _signature(report: Any, function: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The checks of ``function`` that a report fails (points at stake), each with its diagnosis ids."""
    return tuple(sorted((c.name, tuple(sorted(d.id for d in c.diagnoses))) for c in report.checks_for(function)
                        if c.status != "passed" and c.max_points > 0))


def wrong_answers(ex: Exercise, gradebook: Path, learners: dict[str, Learner]) -> Failures:
    """The failures of every learner of the class that the gradebook holds a report of."""
    from grader.classroom.gradebook import Gradebook

    with Gradebook(gradebook) as book:
        reports = {r.learner: r for r in book.latest_reports(ex.name, kind="code") if r.learner in learners}
    counts: dict[tuple[str, tuple], int] = {}
    texts: dict[str, str] = {}
    signatures: dict[str, dict[str, tuple]] = {}
    for learner, report in reports.items():
        mine = {}
        for function in ex.functions:
            signature = _signature(report, function.name)
            if signature:
                mine[function.name] = signature
                counts[function.name, signature] = counts.get((function.name, signature), 0) + 1
        signatures[learner] = mine
        for check in report.checks:
            for found in check.diagnoses:
                texts.setdefault(found.id, found.text)
    return Failures(signatures, texts, counts, len(reports),
                     {learner: report.submission_sha256 for learner, report in reports.items()}, learners)


def shared_wrong(failures: Failures, a: Side, b: Side) -> list[SharedWrongAnswer]:
    """The graded functions both define and fail the same way, by the reports of the files compared."""
    mine, theirs = failures.signatures.get(a.code.id), failures.signatures.get(b.code.id)
    if not mine or not theirs:
        return []
    functions = sorted(mine.keys() & theirs.keys() & a.functions.keys() & b.functions.keys())
    functions = [f for f in functions if mine[f] == theirs[f]]
    if not functions or not failures.is_current(a.code.id) or not failures.is_current(b.code.id):
        return []
    found = []
    for function in functions:
        signature = mine[function]
        count = failures.counts.get((function, signature), 2)
        rareness = (float(rarity(np.array([count], dtype=np.float64), failures.reports + 1)[0])
                    if failures.reports > 2 else 0.5)
        diagnoses = tuple(dict.fromkeys(failures.texts.get(d, d) for _, ids in signature for d in ids))
        found.append(SharedWrongAnswer(function, tuple(name for name, _ in signature), diagnoses, count,
                                       round(rareness, 3)))
    return found
