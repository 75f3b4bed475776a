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
   so that what every learner holds still weighs a little in a class of two): what every learner writes (the one-line sigmoid) weighs
   almost nothing, what one other learner wrote (an odd loop, an unusual helper, a peculiar bug) weighs
   almost 1. The reference solution counts as if PRIOR_SHARE of the class (at least MIN_PRIOR learners)
   had written it: the way the course teaches is what independent learners converge to. Each fingerprint
   of a learner also weighs the size factor of its unit, ``min(1, own / SHORT)`` (``own``: the unit's
   k-grams that are not the starter's): short code is what independent learners write alike.
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

A score is evidence for a person to weigh, never a verdict: the report says what is shared and how
rare it is, so an instructor can read the two submissions side by side.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from array import array
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.classroom.learners import Learner, discover, refuse_shared_ids
from grader.classroom.similar_code import (
    LearnerCode,
    Reference,
    Starter,
    read_learner,
    read_reference,
    read_starter,
)
from grader.classroom.similar_tokens import K, WINDOW, TokenIds
from grader.errors import UsageError
from grader.model.exercise import Exercise, load_exercise

SCHEMA = "dl-grader/similar/1"

PRIOR_SHARE = 0.1  # the reference solution counts as if this share of the class (at least MIN_PRIOR learners) wrote it
MIN_PRIOR = 3
KGRAM_WEIGHT = 0.65  # similarity: this much from fingerprints, the rest from AST shapes
STRENGTH = 6.0  # rarity-weighted fingerprints shared for a strength of 1 - 1/e
SHORT = 40  # a graded function with fewer of the learner's own k-grams has its score discounted in proportion
FUNCTION_FACTOR = 0.75  # the best graded function's score counts this much towards the pair's
EVIDENCE = 3.0  # fingerprints only the two learners hold (their rarity summed) for EVIDENCE_WEIGHT * (1 - 1/e)...
EVIDENCE_WEIGHT = 0.6  # ... of score, whatever else they wrote, in a large class; in a class of n learners, times
EVIDENCE_CLASS = 20.0  # 1 - exp(-(n - 2) / EVIDENCE_CLASS): among a few learners, "no other wrote it" says little
WRONG_BONUS = 0.5  # a shared wrong answer seen in no other learner removes this share of the doubt
MIN_RARE_DF = 8  # candidates share a fingerprint held by at most max(MIN_RARE_DF, sqrt(N)) learners...
MIN_CANDIDATE = 1.0  # ... and at least this much rarity-weighted shared fingerprints
UNUSUAL_SHARE = 0.01  # identical code is unusual when at most max(2, this share of the class) wrote it
MIN_UNUSUAL_OWN = 25  # ... and it holds at least this many k-grams of the learner's own
MIN_SCORE = 0.2  # pairs listed by default: those scoring at least this
MAX_FRAGMENTS = 40  # matching fragments kept per pair
DETAILS = 1000  # pairs (highest first) given their matching fragments and code
MAX_FUNCTIONS = 62  # graded functions compared one by one (an exercise has about ten)
PARALLEL_FROM = 200  # classes of at least this many learners are read by several processes (jobs > 1)

# Instructor-facing sentences (kept here: grader/messages has no area for `grade similar` yet).
NO_FUNCTIONS = "{exercise} has no graded functions: there is no code to compare (it is a quiz)"
EVIDENCE_WRONG = ("both fail the same checks of {function} ({checks}) with the same diagnosis ({diagnoses}); "
                  "{others}: a shared wrong answer is strong evidence")
EVIDENCE_WRONG_PLAIN = ("both fail the same checks of {function} ({checks}); {others}: a shared wrong answer is "
                        "strong evidence")
EVIDENCE_IDENTICAL = "identical unusual code in {function}: {others}"
EVIDENCE_RARE = "{count} shared fragment{s} that {others} ({where})"
NO_OTHER_LEARNER = "no other learner wrote it"
NO_OTHER_LEARNER_FAILS = "no other learner fails them so"
FEW_OTHERS = "{count} other learner{s} wrote it"
FEW_OTHERS_FAIL = "{count} other learner{s} fail{verb} them so"
NO_OTHER_WROTE_ANY = "no other learner wrote"


@dataclass(frozen=True)
class Place:
    """One side of a matching fragment: the unit (function) and the lines of its text."""

    unit: str  # the function or class name as the learner wrote it, or "(top level)"
    location: str  # file, cell and line of the unit
    lines: tuple[int, ...]  # the lines of the unit's text (counted from 1) that the fragment covers
    index: int = field(default=0, compare=False)  # the unit's index in SimilarityReport.sources[learner]


@dataclass(frozen=True)
class Fragment:
    """A run of fingerprints that both learners' code holds, in the same order."""

    a: Place
    b: Place
    fingerprints: int
    weight: float  # the sum of their rarities
    rarity: float  # the rarest one's (1: no other learner wrote it)
    learners: int  # how many learners hold the rarest one (2: only these two)
    functions: tuple[str, ...]  # graded functions it lies in
    reference: bool  # the reference solution holds its rarest fingerprint too (the way the course teaches)


@dataclass(frozen=True)
class FunctionSimilarity:
    """How alike two learners' versions of one graded function are."""

    name: str
    score: float
    fingerprints: float  # rarity-weighted overlap of fingerprints (0..1)
    structure: float  # rarity-weighted overlap of AST shapes (0..1)
    shared: int  # fingerprints both hold
    identical: bool  # the same code once normalised
    unusual: bool  # identical, unlike the reference's, and written by few learners
    writers: int = 0  # when identical: how many learners of the class wrote this very code (these two included)


@dataclass(frozen=True)
class SharedWrongAnswer:
    """Both learners fail the same checks of a function with the same diagnoses (from the gradebook)."""

    function: str
    checks: tuple[str, ...]
    diagnoses: tuple[str, ...]
    learners: int  # learners of the class whose latest report fails them so (these two included)
    rarity: float


@dataclass(frozen=True)
class Pair:
    """Two learners whose own code is alike, and why."""

    a: str
    b: str
    score: float
    fingerprints: float  # the whole submissions' overlap of fingerprints
    structure: float  # ... and of AST shapes
    functions: tuple[FunctionSimilarity, ...]
    matches: tuple[Fragment, ...]
    evidence: tuple[str, ...]
    shared_wrong_answers: tuple[SharedWrongAnswer, ...] = ()


@dataclass(frozen=True)
class UnitSource:
    """A unit of a learner's code as the report shows it."""

    name: str
    graded: str | None
    location: str
    text: str


@dataclass
class SimilarityReport:
    """The pairs of a class whose code is alike, highest score first."""

    exercise: str
    title: str
    learners: int  # learners compared
    pairs: list[Pair]
    parameters: dict[str, Any]
    refused: dict[str, str] = field(default_factory=dict)  # learner ids shared by several entries
    unreadable: dict[str, str] = field(default_factory=dict)  # learner -> why their files could not be read
    notes: dict[str, list[str]] = field(default_factory=dict)  # learner -> what of their code was left out
    ignored: list[str] = field(default_factory=list)  # entries of the folder that are not submissions
    empty: list[str] = field(default_factory=list)  # learners with no code of their own (the starter only)
    sources: dict[str, list[UnitSource]] = field(default_factory=dict, repr=False)  # of the learners in pairs
    seconds: float = 0.0

    def score(self, a: str, b: str) -> float:
        """The score of the pair (a, b) in either order; 0 for a pair not listed."""
        for pair in self.pairs:
            if {pair.a, pair.b} == {a, b}:
                return pair.score
        return 0.0

    def pair(self, a: str, b: str) -> Pair | None:
        for pair in self.pairs:
            if {pair.a, pair.b} == {a, b}:
                return pair
        return None

    def to_dict(self) -> dict[str, Any]:
        def plain_pair(pair: Pair) -> dict[str, Any]:
            data = asdict(pair)
            for fragment in data["matches"]:
                for side in ("a", "b"):
                    fragment[side].pop("index", None)
                    fragment[side]["lines"] = list(fragment[side]["lines"])
                fragment["functions"] = list(fragment["functions"])
            data["shared_wrong_answer"] = bool(pair.shared_wrong_answers)
            return data

        return {
            "schema": SCHEMA,
            "exercise": self.exercise,
            "title": self.title,
            "learners": self.learners,
            "parameters": self.parameters,
            "pairs": [plain_pair(p) for p in self.pairs],
            "refused": self.refused,
            "unreadable": self.unreadable,
            "notes": self.notes,
            "ignored": self.ignored,
            "empty": self.empty,
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


Progress = Callable[[str, int, int], None]


@dataclass
class _Side:
    """One learner's code, indexed: its fingerprint and shape ids, and which graded functions hold them."""

    code: LearnerCode
    whole: np.ndarray  # sorted unique fingerprint ids
    factors: np.ndarray  # the size factor of each (that of the largest unit holding it)
    fmask: np.ndarray  # bit j set: graded function j (its last definition) holds it
    shapes: np.ndarray  # sorted unique shape ids
    shape_factors: np.ndarray
    smask: np.ndarray
    unit_fids: list[np.ndarray]  # per unit, the fingerprint id of each selected k-gram, in order
    functions: dict[str, tuple[int, int]]  # graded function -> (its bit, the unit of its last definition)
    defined: int  # the bits of the graded functions it defines
    mass: float = 0.0
    shape_mass: float = 0.0
    own: np.ndarray | None = None  # per graded function: k-grams of the learner's own (0: not defined)
    fmass: np.ndarray | None = None  # per graded function: the weight of its fingerprints
    smass: np.ndarray | None = None  # ... and of its shapes


def similar_pairs(exercise: str | Path | Exercise, folder: Path, *, gradebook: Path | None = None,
                  min_score: float = MIN_SCORE, jobs: int | None = None, progress: Progress | None = None,
                  details: int = DETAILS) -> SimilarityReport:
    """The pairs of learners of ``folder`` whose own code for ``exercise`` is alike (see the module's
    docstring), scoring at least ``min_score``, highest first.

    gradebook: a gradebook whose latest reports of these learners (of the very files compared) tell
    shared wrong answers. jobs: processes reading the class (default: one per core; classes under
    PARALLEL_FROM learners are read in this process). progress: called as (stage, done, total) with
    stage "reading" then "comparing". details: the pairs (highest first) whose matching fragments are found
    and whose learners' code the report keeps (for the page); the others have their scores only. Raises UsageError for an unknown exercise, an exercise without graded
    functions, a folder that is not one, or a gradebook that does not exist."""
    started = time.perf_counter()
    ex = exercise if isinstance(exercise, Exercise) else load_exercise(exercise)
    if not ex.functions:
        raise UsageError(NO_FUNCTIONS.format(exercise=ex.name))
    if gradebook is not None and not Path(gradebook).is_file():
        from grader.errors import usage_error

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
        return "too large or too deeply nested to compare"


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


# -- comparing ----------------------------------------------------------------------------------------


def _rarity(df: np.ndarray, total: float) -> np.ndarray:
    """log(total / df) / log(total), within 0..1 (0 for everything when total <= 1)."""
    if total <= 1:
        return np.zeros(len(df))
    return np.clip(np.log(total / np.maximum(df, 1)) / math.log(total), 0.0, 1.0)


def _overlap(shared: float, mass_a: float, mass_b: float) -> float:
    """The mean of Dice's coefficient and the containment of the smaller side, of weighted sets."""
    if mass_a <= 0 or mass_b <= 0:
        return 0.0
    return min(1.0, 0.5 * (2 * shared / (mass_a + mass_b) + shared / min(mass_a, mass_b)))


def _strength(shared: float) -> float:
    return 1.0 - math.exp(-shared / STRENGTH)


def _index(code: LearnerCode, bits: dict[str, int], fid_of: dict[int, int], df: list[int],
           sid_of: dict[int, int], shape_df: list[int]) -> _Side:
    """A learner's code in the inverted index (``fid_of``, ``df``, ``sid_of``, ``shape_df`` updated)."""
    functions: dict[str, tuple[int, int]] = {}
    for index, unit in enumerate(code.units):  # the last definition of a graded function wins
        if unit.graded and unit.graded in bits:
            functions[unit.graded] = (bits[unit.graded], index)
    unit_bits = {index: 1 << bit for bit, index in functions.values()}
    seen: dict[int, float] = {}  # fingerprint id -> the largest size factor of a unit holding it
    fbits: dict[int, int] = {}
    seen_shapes: dict[int, float] = {}
    sbits: dict[int, int] = {}
    unit_fids = []
    for index, unit in enumerate(code.units):
        factor = _size(unit.own)
        mask = unit_bits.get(index, 0)
        fids = []
        for h in unit.hashes:
            fid = fid_of.get(h)
            if fid is None:
                fid = fid_of[h] = len(df)
                df.append(0)
            fids.append(fid)
            before = seen.get(fid)
            if before is None:
                df[fid] += 1
                seen[fid] = factor
            elif factor > before:
                seen[fid] = factor
            if mask:
                fbits[fid] = fbits.get(fid, 0) | mask
        for h in unit.shapes:
            sid = sid_of.get(h)
            if sid is None:
                sid = sid_of[h] = len(shape_df)
                shape_df.append(0)
            before = seen_shapes.get(sid)
            if before is None:
                shape_df[sid] += 1
                seen_shapes[sid] = factor
            elif factor > before:
                seen_shapes[sid] = factor
            if mask:
                sbits[sid] = sbits.get(sid, 0) | mask
        unit_fids.append(np.array(fids, dtype=np.int64))
        unit.hashes = unit.shapes = array("q")  # (ids from here on: the hashes need not stay in memory)
    whole = sorted(seen)
    shapes = sorted(seen_shapes)
    defined = 0
    for bit, _ in functions.values():
        defined |= 1 << bit
    return _Side(code, np.array(whole, dtype=np.int64), np.array([seen[f] for f in whole]),
                 np.array([fbits.get(f, 0) for f in whole], dtype=np.int64),
                 np.array(shapes, dtype=np.int64), np.array([seen_shapes[s] for s in shapes]),
                 np.array([sbits.get(s, 0) for s in shapes], dtype=np.int64), unit_fids, functions, defined)


def _held(hashes: frozenset[int], ids: dict[int, int], size: int) -> np.ndarray:
    """A boolean array over ids: held by ``hashes`` (the reference's)."""
    held = np.zeros(size, dtype=bool)
    for h in hashes:
        index = ids.get(h)
        if index is not None:
            held[index] = True
    return held


def _bit_matrix(masks: np.ndarray, count: int) -> np.ndarray:
    """(len(masks), count) of 0/1: bit j of each mask."""
    return (masks[:, None] >> np.arange(count, dtype=np.int64)) & 1


def _compare(ex: Exercise, codes: list[LearnerCode], reference: Reference, min_score: float, progress: Progress | None, learners: dict[str, Learner] | None,
             gradebook: Path | None, details: int) -> SimilarityReport:
    # The inverted index: fingerprint and shape ids, and how many learners hold each.
    bits = {f.name: bit for bit, f in enumerate(ex.functions[:MAX_FUNCTIONS])}
    fid_of: dict[int, int] = {}
    sid_of: dict[int, int] = {}
    df: list[int] = []
    shape_df: list[int] = []
    sides = [_index(code, bits, fid_of, df, sid_of, shape_df) for code in codes]
    empty = [code.id for code in codes if not code.units]
    digest_count: dict[tuple[str, int], int] = {}
    for side in sides:
        for name, (_, index) in side.functions.items():
            key = (name, side.code.units[index].digest)
            digest_count[key] = digest_count.get(key, 0) + 1
    n = len(sides)
    prior = max(MIN_PRIOR, round(PRIOR_SHARE * n)) if reference else 0
    in_reference = _held(reference.kgrams, fid_of, len(df))
    # One more imaginary learner who wrote none of it: what all N learners hold still weighs a little.
    rare = _rarity(np.array(df, dtype=np.float64) + prior * in_reference, n + prior + 1)
    shape_rare = _rarity(np.array(shape_df, dtype=np.float64) + prior * _held(reference.shapes, sid_of, len(shape_df)),
                         n + prior + 1)
    count = len(bits)
    for side in sides:
        weights = rare[side.whole]
        shape_weights = shape_rare[side.shapes]
        side.mass = float(weights @ side.factors)
        side.shape_mass = float(shape_weights @ side.shape_factors)
        side.fmass = weights @ _bit_matrix(side.fmask, count)
        side.smass = shape_weights @ _bit_matrix(side.smask, count)
        side.own = np.zeros(count)
        for bit, index in side.functions.values():
            side.own[bit] = side.code.units[index].own
    del fid_of, sid_of  # (the hashes are no longer needed: ids from here on)
    rare_df = max(MIN_RARE_DF, int(math.sqrt(n)))
    df_counts = np.array(df, dtype=np.int64)
    pair_only = (df_counts == 2) & ~in_reference  # fingerprints that only the two learners of a pair hold
    evidence_weight = EVIDENCE_WEIGHT * (1.0 - math.exp(-max(0, n - 2) / EVIDENCE_CLASS))
    candidates = _candidates(sides, df_counts, rare, rare_df)
    wrong = _wrong_answers(ex, gradebook, learners) if gradebook is not None and learners is not None else None
    unusual_at = max(2, int(UNUSUAL_SHARE * n))
    scored: list[tuple[float, int, int, dict[str, Any]]] = []
    total = len(candidates)
    if progress:
        progress("comparing", 0, total)
    for done, (i, j) in enumerate(candidates, start=1):
        result = _score(sides[i], sides[j], rare, shape_rare, count, pair_only, evidence_weight)
        if wrong is not None:
            result["wrong"] = _shared_wrong(wrong, sides[i], sides[j])
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
        result["functions"] = _function_similarities(a, b, result["functions"], names, reference.digests,
                                                     digest_count, unusual_at)
        fragments: list[Fragment] = []
        if rank < details:
            if len(occurrences) > 512:
                occurrences.clear()
            for side in (i, j):
                if side not in occurrences:
                    occurrences[side] = _occurrences(sides[side])
            fragments = _fragments(a, b, occurrences[i], occurrences[j], rare, df_counts, in_reference)
            in_pairs |= {i, j}
        pairs.append(_pair(a, b, round(score, 4), result, fragments))
    sources = {sides[i].code.id: [_source(u) for u in sides[i].code.units] for i in sorted(in_pairs)}
    return SimilarityReport(
        exercise=ex.name, title=ex.title, learners=n, pairs=pairs,
        parameters={"k": K, "window": WINDOW, "rare_df": rare_df, "prior_share": PRIOR_SHARE,
                    "kgram_weight": KGRAM_WEIGHT, "strength": STRENGTH, "short": SHORT,
                    "function_factor": FUNCTION_FACTOR, "evidence": EVIDENCE,
                    "evidence_weight": round(evidence_weight, 4), "wrong_bonus": WRONG_BONUS, "min_score": min_score,
                    "candidates": total, "details": details, "gradebook": gradebook is not None},
        notes={c.id: c.notes for c in codes if c.notes}, empty=empty, sources=sources)


def _source(unit: Any) -> UnitSource:
    return UnitSource(unit.name, unit.graded, unit.location, unit.text)


def _candidates(sides: list[_Side], df: np.ndarray, rare: np.ndarray, rare_df: int) -> list[tuple[int, int]]:
    """Pairs of learners that share fingerprints held by at most ``rare_df`` learners, weighing at least
    MIN_CANDIDATE together: from the inverted index, group by group, never all pairs."""
    n = len(sides)
    if n < 2:
        return []
    lengths = np.array([len(s.whole) for s in sides], dtype=np.int64)
    if not lengths.sum():
        return []
    fids = np.concatenate([s.whole for s in sides])
    owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keep = (df[fids] >= 2) & (df[fids] <= rare_df)
    fids, owners = fids[keep], owners[keep]
    order = np.lexsort((owners, fids))
    fids, owners = fids[order], owners[order]
    if not len(fids):
        return []
    starts = np.flatnonzero(np.concatenate(([True], fids[1:] != fids[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(fids)])))
    keys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for size in np.unique(sizes):
        groups = starts[sizes == size]
        members = owners[groups[:, None] + np.arange(size)]  # each row: the learners holding one fingerprint
        first, second = np.triu_indices(int(size), 1)
        keys.append((members[:, first] * n + members[:, second]).ravel())
        weights.append(np.repeat(rare[fids[groups]], len(first)))
        if sum(len(k) for k in keys) > 4_000_000:  # merge as we go: memory stays bounded
            keys, weights = _merged(keys, weights)
    merged_keys, merged_weights = _merged(keys, weights)
    chosen = merged_keys[0][merged_weights[0] >= MIN_CANDIDATE] if merged_keys else np.array([], dtype=np.int64)
    return [(int(k // n), int(k % n)) for k in chosen]


def _merged(keys: list[np.ndarray], weights: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if not keys:
        return [], []
    unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    return [unique], [np.bincount(inverse, weights=np.concatenate(weights), minlength=len(unique))]


def _size(own: int) -> float:
    """How much a unit of ``own`` k-grams of the learner's own weighs: short code is what independent
    learners write alike (1 from SHORT k-grams on)."""
    return min(1.0, own / SHORT)


def _overlaps(shared: np.ndarray, mass_a: np.ndarray, mass_b: np.ndarray) -> np.ndarray:
    """``_overlap`` of arrays, element by element."""
    smaller = np.minimum(mass_a, mass_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = 0.5 * (2 * shared / (mass_a + mass_b) + shared / smaller)
    return np.where(smaller > 0, np.minimum(overlap, 1.0), 0.0)


def _score(a: _Side, b: _Side, rare: np.ndarray, shape_rare: np.ndarray, count: int, pair_only: np.ndarray,
           evidence_weight: float) -> dict[str, Any]:
    """The pair's score and what it comes from (its functions' figures, as arrays by function bit)."""
    common, in_a, in_b = np.intersect1d(a.whole, b.whole, assume_unique=True, return_indices=True)
    weights = rare[common]
    shared = float(weights @ np.minimum(a.factors[in_a], b.factors[in_b]))
    shape_common, shape_a, shape_b = np.intersect1d(a.shapes, b.shapes, assume_unique=True, return_indices=True)
    shape_weights = shape_rare[shape_common]
    shared_shapes = float(shape_weights @ np.minimum(a.shape_factors[shape_a], b.shape_factors[shape_b]))
    fingerprints = _overlap(shared, a.mass, b.mass)
    structure = _overlap(shared_shapes, a.shape_mass, b.shape_mass)
    whole = (KGRAM_WEIGHT * fingerprints + (1 - KGRAM_WEIGHT) * structure) * _strength(shared)
    # What no other learner wrote (nor the reference) counts in itself, however much else either wrote.
    only_theirs = float((weights * pair_only[common]) @ np.minimum(a.factors[in_a], b.factors[in_b]))
    evidence = evidence_weight * (1.0 - math.exp(-only_theirs / EVIDENCE))
    result: dict[str, Any] = {"fingerprints": fingerprints, "structure": structure, "wrong": [], "functions": None}
    both = a.defined & b.defined
    best = 0.0
    if both:
        assert a.fmass is not None and b.fmass is not None and a.smass is not None and b.smass is not None
        function_bits = _bit_matrix(a.fmask[in_a] & b.fmask[in_b], count)
        function_shared = weights @ function_bits
        shape_shared = shape_weights @ _bit_matrix(a.smask[shape_a] & b.smask[shape_b], count)
        f_overlap = _overlaps(function_shared, a.fmass, b.fmass)
        s_overlap = _overlaps(shape_shared, a.smass, b.smass)
        own = np.minimum(a.own, b.own)
        scores = ((KGRAM_WEIGHT * f_overlap + (1 - KGRAM_WEIGHT) * s_overlap)
                  * (1.0 - np.exp(-function_shared / STRENGTH)) * np.minimum(1.0, own / SHORT))
        defined = _bit_matrix(np.array([both], dtype=np.int64), count)[0].astype(bool)
        scores = np.where(defined, scores, 0.0)
        best = float(scores.max())
        result["functions"] = (defined, scores, f_overlap, s_overlap, function_bits.sum(axis=0))
    result["score"] = max(whole, FUNCTION_FACTOR * best, evidence)
    return result


def _function_similarities(a: _Side, b: _Side, figures: Any, names: list[str], reference_digests: dict[str, int],
                           digest_count: dict[tuple[str, int], int], unusual_at: int) -> list[FunctionSimilarity]:
    """The graded functions both define, as a listed pair shows them, highest score first."""
    if figures is None:
        return []
    defined, scores, f_overlap, s_overlap, counts = figures
    functions = []
    for bit in np.flatnonzero(defined).tolist():
        name = names[bit]
        unit_a, unit_b = a.code.units[a.functions[name][1]], b.code.units[b.functions[name][1]]
        identical = unit_a.digest == unit_b.digest
        writers = digest_count.get((name, unit_a.digest), 0) if identical else 0
        unusual = (identical and unit_a.digest != reference_digests.get(name) and writers <= unusual_at
                   and min(unit_a.own, unit_b.own) >= MIN_UNUSUAL_OWN)
        functions.append(FunctionSimilarity(name, round(float(scores[bit]), 4), round(float(f_overlap[bit]), 4),
                                            round(float(s_overlap[bit]), 4), int(counts[bit]), identical, unusual,
                                            writers))
    functions.sort(key=lambda f: (-f.score, f.name))
    return functions


def _occurrences(side: _Side) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every selected k-gram of a learner: (fingerprint id, unit, index among the unit's selected ones)."""
    fids = np.concatenate(side.unit_fids) if side.unit_fids else np.zeros(0, dtype=np.int64)
    units = np.concatenate([np.full(len(f), u, dtype=np.int64) for u, f in enumerate(side.unit_fids)] or
                           [np.zeros(0, dtype=np.int64)])
    ks = np.concatenate([np.arange(len(f), dtype=np.int64) for f in side.unit_fids] or [np.zeros(0, dtype=np.int64)])
    return fids, units, ks


def _fragments(a: _Side, b: _Side, occurrences_a: tuple[np.ndarray, np.ndarray, np.ndarray],
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
    fragments = []
    for run in runs:
        ua, ub = run[0][0], run[0][1]
        unit_a, unit_b = a.code.units[ua], b.code.units[ub]
        fids = [m[6] for m in run]
        weight = float(rare[fids].sum())
        rarest = fids[int(np.argmax(rare[fids]))]
        fragments.append(Fragment(
            a=Place(unit_a.name, unit_a.location, _covered(unit_a, [m[4] for m in run]), ua),
            b=Place(unit_b.name, unit_b.location, _covered(unit_b, [m[5] for m in run]), ub),
            fingerprints=len(run), weight=round(weight, 3), rarity=round(float(rare[rarest]), 3),
            learners=int(df[rarest]), functions=tuple(dict.fromkeys(g for g in (unit_a.graded, unit_b.graded) if g)),
            reference=bool(in_reference[rarest])))
    fragments.sort(key=lambda f: (-f.weight, f.a.index, f.a.lines))
    kept, seen = [], set()
    for fragment in fragments:  # a function both files define matches twice: shown once
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


def _pair(a: _Side, b: _Side, score: float, result: dict[str, Any], fragments: list[Fragment]) -> Pair:
    evidence = []
    for wrong in result["wrong"]:
        others = (NO_OTHER_LEARNER_FAILS if wrong.learners <= 2 else
                  FEW_OTHERS_FAIL.format(count=wrong.learners - 2, s="" if wrong.learners == 3 else "s",
                                         verb="s" if wrong.learners == 3 else ""))
        if wrong.diagnoses:
            evidence.append(EVIDENCE_WRONG.format(function=wrong.function, checks=", ".join(wrong.checks),
                                                  diagnoses="; ".join(wrong.diagnoses), others=others))
        else:
            evidence.append(EVIDENCE_WRONG_PLAIN.format(function=wrong.function, checks=", ".join(wrong.checks),
                                                        others=others))
    unusual: dict[int, list[str]] = {}
    for function in result["functions"]:
        if function.unusual:
            unusual.setdefault(function.writers, []).append(function.name)
    for writers, names in sorted(unusual.items()):
        others = (NO_OTHER_LEARNER if writers <= 2 else
                  FEW_OTHERS.format(count=writers - 2, s="" if writers == 3 else "s"))
        evidence.append(EVIDENCE_IDENTICAL.format(function=", ".join(names), others=others))
    rare_ones = [f for f in fragments if f.learners == 2 and not f.reference]
    if rare_ones:
        where = sorted({f.a.unit if f.a.unit == f.b.unit else f"{f.a.unit} / {f.b.unit}" for f in rare_ones})
        evidence.append(EVIDENCE_RARE.format(count=len(rare_ones), s="" if len(rare_ones) == 1 else "s",
                                             others=NO_OTHER_WROTE_ANY, where=", ".join(where)))
    return Pair(a=a.code.id, b=b.code.id, score=score, fingerprints=round(result["fingerprints"], 4),
                structure=round(result["structure"], 4), functions=tuple(result["functions"]),
                matches=tuple(fragments), evidence=tuple(evidence),
                shared_wrong_answers=tuple(result["wrong"]))


# -- shared wrong answers (from a gradebook) ----------------------------------------------------------


@dataclass
class _Failures:
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


def _wrong_answers(ex: Exercise, gradebook: Path, learners: dict[str, Learner]) -> _Failures:
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
    return _Failures(signatures, texts, counts, len(reports),
                     {learner: report.submission_sha256 for learner, report in reports.items()}, learners)


def _shared_wrong(failures: _Failures, a: _Side, b: _Side) -> list[SharedWrongAnswer]:
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
        rarity = float(_rarity(np.array([count], dtype=np.float64), failures.reports)[0]) if failures.reports > 2 else 0.5
        diagnoses = tuple(dict.fromkeys(failures.texts.get(d, d) for _, ids in signature for d in ids))
        found.append(SharedWrongAnswer(function, tuple(name for name, _ in signature), diagnoses, count,
                                       round(rarity, 3)))
    return found
