"""Similar submissions across a class (``grade similar``): pairs of learners whose own code is alike.

``similar_pairs(exercise, folder)`` reads the class as ``grade batch`` finds it (one learner per file
or folder, grader/classroom/learners.py), never running anything, and returns a ``SimilarityReport``:
the pairs of learners whose code is alike, highest score first, each with the functions involved,
the matching fragments and the evidence in words. ``render_similar_html`` (similar_html.py) shows it.

The approach is that of MOSS and Dolos, weighted by how rare each fragment is in the class:

1. **What learners wrote.** The starter (the exercise's files as handed out, its helper modules) is
   left out, cell by cell, statement by statement and k-gram by k-gram (similar_code.py).
2. **Normalised tokens, winnowed k-grams, AST shapes** (similar_tokens.py): renamed identifiers,
   comments, blank lines, reordered functions, cells split or merged, a notebook saved as a .py and
   common equivalent spellings (``a @ b`` / ``np.dot(a, b)``, ``x -= y``...) change nothing.
3. **Rarity.** Each fingerprint weighs ``log(N / df) / log(N)`` (0..1) where ``df`` is the number of
   learners whose code holds it, out of ``N`` (the class, plus one imaginary learner who wrote none of it,
   so that what every learner holds still weighs a little in a class of two): what every learner writes
   (the one-line sigmoid) weighs almost nothing, what one other learner wrote (an odd loop, an unusual
   helper, a peculiar bug) weighs almost 1. The reference solution counts as if PRIOR_SHARE of the class
   (at least MIN_PRIOR learners) had written it: the way the course teaches is what independent learners
   converge to. Each fingerprint of a learner also weighs the size factor of its unit,
   ``min(1, own / SHORT)`` (``own``: the unit's k-grams that are not the starter's): short code is what
   independent learners write alike.
4. **Candidates** come from an inverted index: only pairs that share fingerprints held by at most
   ``rare_df = max(MIN_RARE_DF, sqrt(N))`` learners, weighing MIN_CANDIDATE together, are scored, so a
   class of thousands is never compared pair by pair.
5. **Scores**, the largest of three:

   - the whole submission: ``similarity * strength``, where similarity mixes the weighted overlap of
     fingerprints (KGRAM_WEIGHT) and of AST shapes (the rest), each the mean of Dice's coefficient and
     the containment of the smaller side, and ``strength = 1 - exp(-shared / STRENGTH)`` grows with the
     weight of what the two share (little shared is little evidence, however alike);
   - FUNCTION_FACTOR times the best graded function's score, computed the same way on that function
     alone (its last definition, under its name or an accepted older one), times its size factor;
   - rare evidence: ``EVIDENCE_WEIGHT * (1 - exp(-only / EVIDENCE))``, where ``only`` weighs the
     fingerprints that no other learner (nor the reference) holds, however much else either wrote:
     one peculiar line shared counts in itself. Among few learners "no other learner wrote it" says
     little: this term is scaled by ``1 - exp(-(N - 2) / EVIDENCE_CLASS)``.
6. **A shared wrong answer** (with a gradebook: both fail the same checks of a function with the same
   diagnoses, and the reports are of the files compared) is strong evidence, the more so the fewer
   learners fail that way: the score becomes ``1 - (1 - score) * (1 - WRONG_BONUS * rarity)``. Without a
   gradebook, identical unusual code in a graded function (the same normalised function, unlike the
   reference's, written by at most max(2, UNUSUAL_SHARE * N) learners, at least MIN_UNUSUAL_OWN k-grams
   of their own) is said as evidence.

The constants named above are in similar_scoring.py (WRONG_BONUS in similar_evidence.py, which also
finds the fragments and says the evidence); the report's parts are in similar_report.py.

A score is evidence for a person to weigh, never a verdict: the report says what is shared and how
rare it is, so an instructor can read the two submissions side by side.
"""


from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from grader.classroom import similar_evidence as evidence
from grader.classroom import similar_scoring as scoring
from grader.classroom.learners import Learner, discover, refuse_shared_ids
from grader.classroom.similar_code import (
    LearnerCode,
    Reference,
    Starter,
    read_learner,
    read_reference,
    read_starter,
)
from grader.classroom.similar_evidence import WRONG_BONUS
from grader.classroom.similar_report import (  # noqa: F401  (the report's parts, for whoever imports them from here)
    SCHEMA,
    Fragment,
    FunctionSimilarity,
    Pair,
    Place,
    SharedWrongAnswer,
    SimilarityReport,
    UnitSource,
)
from grader.classroom.similar_scoring import (
    EVIDENCE,
    EVIDENCE_CLASS,
    EVIDENCE_WEIGHT,
    FUNCTION_FACTOR,
    KGRAM_WEIGHT,
    MAX_FUNCTIONS,
    MIN_PRIOR,
    MIN_RARE_DF,
    PRIOR_SHARE,
    SHORT,
    STRENGTH,
    UNUSUAL_SHARE,
)
from grader.classroom.similar_tokens import K, WINDOW, TokenIds
from grader.errors import UsageError, usage_error
from grader.messages import say
from grader.model.exercise import Exercise, load_exercise

MIN_SCORE = 0.2  # pairs listed by default: those scoring at least this
DETAILS = 1000  # pairs (highest first) given their matching fragments and code
PARALLEL_FROM = 200  # classes of at least this many learners are read by several processes (jobs > 1)

Progress = Callable[[str, int, int], None]


def similar_pairs(exercise: str | Path | Exercise, folder: Path, *, gradebook: Path | None = None,
                  min_score: float = MIN_SCORE, jobs: int | None = None, progress: Progress | None = None,
                  details: int = DETAILS) -> SimilarityReport:
    """The pairs of learners of ``folder`` whose own code for ``exercise`` is alike (see the module's
    docstring), scoring at least ``min_score``, highest first.

    gradebook: a gradebook whose latest reports of these learners (of the very files compared) tell
    shared wrong answers. jobs: processes reading the class (default: one per core; classes under
    PARALLEL_FROM learners are read in this process). progress: called as (stage, done, total) with
    stage "reading" then "comparing". details: the pairs (highest first) whose matching fragments are
    found and whose learners' code the report keeps (for the page); the others have their scores only.
    Raises UsageError for an unknown exercise, an exercise without graded functions, a folder that is
    not one, or a gradebook that does not exist."""
    started = time.perf_counter()
    ex = exercise if isinstance(exercise, Exercise) else load_exercise(exercise)
    if not ex.functions:
        raise usage_error("usage.similar.no_functions", exercise=ex.name)
    if gradebook is not None and not Path(gradebook).is_file():
        raise usage_error("usage.no_gradebook", gradebook=gradebook)
    found, ignored = discover(Path(folder))
    learners, refused = refuse_shared_ids(found)
    starter = read_starter(ex)
    reference = read_reference(ex, starter)
    codes, unreadable = _read_class(learners, starter, Path(folder), jobs, progress)
    report = _compare(ex, codes, reference, min_score, progress,
                      {l.id: l for l in learners} if gradebook is not None else None, gradebook, details)
    report.refused = refused
    report.unreadable = unreadable
    report.ignored = ignored
    report.seconds = time.perf_counter() - started
    return report


# -- reading ------------------------------------------------------------------------------------------


def _read_one(learner: Learner, starter: Starter, root: Path, ids: TokenIds) -> LearnerCode | str:
    try:
        return read_learner(learner, starter, root, ids)
    except UsageError as exc:
        return str(exc)
    except (RecursionError, MemoryError):
        return say("usage.similar.too_large")


# What a reading process needs (set just before the pool forks, so each process inherits it; cleared after).
_POOL_STATE: tuple[Starter, Path, TokenIds] | None = None


def _read_in_pool(learner: Learner) -> LearnerCode | str:
    assert _POOL_STATE is not None
    return _read_one(learner, *_POOL_STATE)


def _read_class(learners: list[Learner], starter: Starter, root: Path, jobs: int | None,
                progress: Progress | None) -> tuple[list[LearnerCode], dict[str, str]]:
    """Every learner's code (in the order given) and the learners whose files could not be read."""
    total = len(learners)
    if progress:
        progress("reading", 0, total)
    jobs = jobs or os.cpu_count() or 1
    results: list[LearnerCode | str] = []
    # Forked processes read in parallel; never from a process running other threads (a server's), which
    # a fork would copy mid-work.
    if jobs > 1 and total >= PARALLEL_FROM and "fork" in _start_methods() and threading.active_count() == 1:
        import multiprocessing

        global _POOL_STATE
        _POOL_STATE = (starter, root, TokenIds())
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, total)) as pool:
                for result in pool.imap(_read_in_pool, learners, chunksize=16):
                    results.append(result)
                    if progress and (len(results) % 16 == 0 or len(results) == total):
                        progress("reading", len(results), total)
        finally:
            _POOL_STATE = None
    else:
        ids = TokenIds()
        for learner in learners:
            results.append(_read_one(learner, starter, root, ids))
            if progress:
                progress("reading", len(results), total)
    codes, unreadable = [], {}
    for learner, result in zip(learners, results):
        if isinstance(result, str):
            unreadable[learner.id] = result
        else:
            codes.append(result)
    return codes, unreadable


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _compare(ex: Exercise, codes: list[LearnerCode], reference: Reference, min_score: float,
             progress: Progress | None, learners: dict[str, Learner] | None,
             gradebook: Path | None, details: int) -> SimilarityReport:
    # The inverted index: fingerprint and shape ids, and how many learners hold each.
    bits = {f.name: bit for bit, f in enumerate(ex.functions[:MAX_FUNCTIONS])}
    fid_of: dict[int, int] = {}
    sid_of: dict[int, int] = {}
    df: list[int] = []
    shape_df: list[int] = []
    sides = [scoring.index_learner(code, bits, fid_of, df, sid_of, shape_df) for code in codes]
    empty = [code.id for code in codes if not code.units]
    digest_count: dict[tuple[str, int], int] = {}
    for side in sides:
        for name, (_, index) in side.functions.items():
            key = (name, side.code.units[index].digest)
            digest_count[key] = digest_count.get(key, 0) + 1
    n = len(sides)
    prior = max(MIN_PRIOR, round(PRIOR_SHARE * n)) if reference else 0
    in_reference = scoring.held(reference.kgrams, fid_of, len(df))
    # One more imaginary learner who wrote none of it: what all N learners hold still weighs a little.
    rare = scoring.rarity(np.array(df, dtype=np.float64) + prior * in_reference, n + prior + 1)
    shape_in_reference = scoring.held(reference.shapes, sid_of, len(shape_df))
    shape_rare = scoring.rarity(np.array(shape_df, dtype=np.float64) + prior * shape_in_reference, n + prior + 1)
    count = len(bits)
    for side in sides:
        weights = rare[side.whole]
        shape_weights = shape_rare[side.shapes]
        side.mass = float(weights @ side.factors)
        side.shape_mass = float(shape_weights @ side.shape_factors)
        side.fmass = weights @ scoring.bit_matrix(side.fmask, count)
        side.smass = shape_weights @ scoring.bit_matrix(side.smask, count)
        side.own = np.zeros(count)
        for bit, index in side.functions.values():
            side.own[bit] = side.code.units[index].own
    del fid_of, sid_of  # (the hashes are no longer needed: ids from here on)
    rare_df = max(MIN_RARE_DF, int(math.sqrt(n)))
    df_counts = np.array(df, dtype=np.int64)
    pair_only = (df_counts == 2) & ~in_reference  # fingerprints that only the two learners of a pair hold
    evidence_weight = EVIDENCE_WEIGHT * (1.0 - math.exp(-max(0, n - 2) / EVIDENCE_CLASS))
    candidates = scoring.candidates(sides, df_counts, rare, rare_df)
    wrong = evidence.wrong_answers(ex, gradebook, learners) if gradebook is not None and learners is not None else None
    unusual_at = max(2, int(UNUSUAL_SHARE * n))
    scored: list[tuple[float, int, int, dict[str, Any]]] = []
    total = len(candidates)
    if progress:
        progress("comparing", 0, total)
    for done, (i, j) in enumerate(candidates, start=1):
        result = scoring.score_pair(sides[i], sides[j], rare, shape_rare, count, pair_only, evidence_weight)
        if wrong is not None:
            result["wrong"] = evidence.shared_wrong(wrong, sides[i], sides[j])
            bonus = max((w.rarity for w in result["wrong"]), default=0.0)
            if bonus and result["score"] > 0:
                result["score"] = 1 - (1 - result["score"]) * (1 - WRONG_BONUS * bonus)
        if result["score"] >= min_score and result["score"] > 0:
            scored.append((result["score"], i, j, result))
        if progress and (done % 1024 == 0 or done == total):
            progress("comparing", done, total)
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    pairs = []
    in_pairs: set[int] = set()
    occurrences: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    names = [f.name for f in ex.functions[:MAX_FUNCTIONS]]
    for rank, (score, i, j, result) in enumerate(scored):
        a, b = sides[i], sides[j]
        result["functions"] = scoring.function_similarities(a, b, result["functions"], names, reference.digests,
                                                     digest_count, unusual_at)
        fragments: list[Fragment] = []
        if rank < details:
            if len(occurrences) > 512:
                occurrences.clear()
            for side in (i, j):
                if side not in occurrences:
                    occurrences[side] = evidence.occurrences(sides[side])
            fragments = evidence.fragments(a, b, occurrences[i], occurrences[j], rare, df_counts, in_reference)
            in_pairs |= {i, j}
        pairs.append(evidence.make_pair(a, b, round(score, 4), result, fragments))
    sources = {sides[i].code.id: [_source(u) for u in sides[i].code.units] for i in sorted(in_pairs)}
    return SimilarityReport(
        exercise=ex.name, title=ex.shown_title, learners=n, pairs=pairs,
        parameters={"k": K, "window": WINDOW, "rare_df": rare_df, "prior_share": PRIOR_SHARE,
                    "kgram_weight": KGRAM_WEIGHT, "strength": STRENGTH, "short": SHORT,
                    "function_factor": FUNCTION_FACTOR, "evidence": EVIDENCE,
                    "evidence_weight": round(evidence_weight, 4), "wrong_bonus": WRONG_BONUS, "min_score": min_score,
                    "candidates": total, "details": details, "gradebook": gradebook is not None},
        notes={c.id: c.notes for c in codes if c.notes}, empty=empty, sources=sources)


def _source(unit: Any) -> UnitSource:
    return UnitSource(unit.name, unit.graded, unit.location, unit.text)
