"""What `grade similar` finds: a ``SimilarityReport`` of pairs of learners, each with its functions, matching
fragments and evidence (grader/classroom/similar.py makes it, similar_html.py shows it)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "dl-grader/similar/1"


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
