"""The comparison of `grade similar` (see grader/classroom/similar.py for the whole method): each learner's
code indexed by fingerprint and shape ids, their rarity in the class, the candidate pairs from the inverted
index, and the score of a pair (whole submission, graded functions, rare evidence)."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.classroom.similar_code import LearnerCode
from grader.classroom.similar_report import FunctionSimilarity

PRIOR_SHARE = 0.1  # the reference solution counts as if this share of the class (at least MIN_PRIOR learners) wrote it
MIN_PRIOR = 3
KGRAM_WEIGHT = 0.65  # similarity: this much from fingerprints, the rest from AST shapes
STRENGTH = 6.0  # rarity-weighted fingerprints shared for a strength of 1 - 1/e
SHORT = 40  # a graded function with fewer of the learner's own k-grams has its score discounted in proportion
FUNCTION_FACTOR = 0.75  # the best graded function's score counts this much towards the pair's
EVIDENCE = 3.0  # fingerprints only the two learners hold (their rarity summed) for EVIDENCE_WEIGHT * (1 - 1/e)...
EVIDENCE_WEIGHT = 0.6  # ... of score, whatever else they wrote, in a large class; in a class of n learners, times
EVIDENCE_CLASS = 20.0  # 1 - exp(-(n - 2) / EVIDENCE_CLASS): among a few learners, "no other wrote it" says little
MIN_RARE_DF = 8  # candidates share a fingerprint held by at most max(MIN_RARE_DF, sqrt(N)) learners...
MIN_CANDIDATE = 1.0  # ... and at least this much rarity-weighted shared fingerprints
UNUSUAL_SHARE = 0.01  # identical code is unusual when at most max(2, this share of the class) wrote it
MIN_UNUSUAL_OWN = 25  # ... and it holds at least this many k-grams of the learner's own
MAX_FUNCTIONS = 62  # graded functions compared one by one (an exercise has about ten)


@dataclass
class Side:
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


def rarity(df: np.ndarray, total: float) -> np.ndarray:
    """log(total / df) / log(total), within 0..1 (0 for everything when total <= 1)."""
    if total <= 1:
        return np.zeros(len(df))
    return np.clip(np.log(total / np.maximum(df, 1)) / math.log(total), 0.0, 1.0)


def overlap(shared: float, mass_a: float, mass_b: float) -> float:
    """The mean of Dice's coefficient and the containment of the smaller side, of weighted sets."""
    if mass_a <= 0 or mass_b <= 0:
        return 0.0
    return min(1.0, 0.5 * (2 * shared / (mass_a + mass_b) + shared / min(mass_a, mass_b)))


def strength(shared: float) -> float:
    return 1.0 - math.exp(-shared / STRENGTH)


def index_learner(code: LearnerCode, bits: dict[str, int], fid_of: dict[int, int], df: list[int],
           sid_of: dict[int, int], shape_df: list[int]) -> Side:
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
    return Side(code, np.array(whole, dtype=np.int64), np.array([seen[f] for f in whole]),
                 np.array([fbits.get(f, 0) for f in whole], dtype=np.int64),
                 np.array(shapes, dtype=np.int64), np.array([seen_shapes[s] for s in shapes]),
                 np.array([sbits.get(s, 0) for s in shapes], dtype=np.int64), unit_fids, functions, defined)


def held(hashes: frozenset[int], ids: dict[int, int], size: int) -> np.ndarray:
    """A boolean array over ids: held by ``hashes`` (the reference's)."""
    held = np.zeros(size, dtype=bool)
    for h in hashes:
        index = ids.get(h)
        if index is not None:
            held[index] = True
    return held


def bit_matrix(masks: np.ndarray, count: int) -> np.ndarray:
    """(len(masks), count) of 0/1: bit j of each mask."""
    return (masks[:, None] >> np.arange(count, dtype=np.int64)) & 1


def candidates(sides: list[Side], df: np.ndarray, rare: np.ndarray, rare_df: int) -> list[tuple[int, int]]:
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
    """``overlap`` of arrays, element by element."""
    smaller = np.minimum(mass_a, mass_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 0.5 * (2 * shared / (mass_a + mass_b) + shared / smaller)
    return np.where(smaller > 0, np.minimum(value, 1.0), 0.0)


def score_pair(a: Side, b: Side, rare: np.ndarray, shape_rare: np.ndarray, count: int, pair_only: np.ndarray,
           evidence_weight: float) -> dict[str, Any]:
    """The pair's score and what it comes from (its functions' figures, as arrays by function bit)."""
    common, in_a, in_b = np.intersect1d(a.whole, b.whole, assume_unique=True, return_indices=True)
    weights = rare[common]
    shared = float(weights @ np.minimum(a.factors[in_a], b.factors[in_b]))
    shape_common, shape_a, shape_b = np.intersect1d(a.shapes, b.shapes, assume_unique=True, return_indices=True)
    shape_weights = shape_rare[shape_common]
    shared_shapes = float(shape_weights @ np.minimum(a.shape_factors[shape_a], b.shape_factors[shape_b]))
    fingerprints = overlap(shared, a.mass, b.mass)
    structure = overlap(shared_shapes, a.shape_mass, b.shape_mass)
    whole = (KGRAM_WEIGHT * fingerprints + (1 - KGRAM_WEIGHT) * structure) * strength(shared)
    # What no other learner wrote (nor the reference) counts in itself, however much else either wrote.
    only_theirs = float((weights * pair_only[common]) @ np.minimum(a.factors[in_a], b.factors[in_b]))
    evidence = evidence_weight * (1.0 - math.exp(-only_theirs / EVIDENCE))
    result: dict[str, Any] = {"fingerprints": fingerprints, "structure": structure, "wrong": [], "functions": None}
    both = a.defined & b.defined
    best = 0.0
    if both:
        assert a.fmass is not None and b.fmass is not None and a.smass is not None and b.smass is not None
        function_bits = bit_matrix(a.fmask[in_a] & b.fmask[in_b], count)
        function_shared = weights @ function_bits
        shape_shared = shape_weights @ bit_matrix(a.smask[shape_a] & b.smask[shape_b], count)
        f_overlap = _overlaps(function_shared, a.fmass, b.fmass)
        s_overlap = _overlaps(shape_shared, a.smass, b.smass)
        own = np.minimum(a.own, b.own)
        scores = ((KGRAM_WEIGHT * f_overlap + (1 - KGRAM_WEIGHT) * s_overlap)
                  * (1.0 - np.exp(-function_shared / STRENGTH)) * np.minimum(1.0, own / SHORT))
        defined = bit_matrix(np.array([both], dtype=np.int64), count)[0].astype(bool)
        scores = np.where(defined, scores, 0.0)
        best = float(scores.max())
        result["functions"] = (defined, scores, f_overlap, s_overlap, function_bits.sum(axis=0))
    result["score"] = max(whole, FUNCTION_FACTOR * best, evidence)
    return result


def function_similarities(a: Side, b: Side, figures: Any, names: list[str], reference_digests: dict[str, int],
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
