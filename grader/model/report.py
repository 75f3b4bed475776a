"""The one result model: every view (terminal, JSON, HTML, gradebook) reads a GradeReport.

The JSON form is versioned (``SCHEMA_ID`` / ``SCHEMA_VERSION``) and described by
``grader/schema/grade-report.v2.json`` and ``docs/report-schema.md``; reports of the
versions in ``READABLE_VERSIONS`` are read too (those of version 1 have no diagnoses).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

SCHEMA_ID = "dl-grader/grade-report"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)

Status = Literal["passed", "failed", "error", "timeout"]
STATUSES: tuple[str, ...] = ("passed", "failed", "error", "timeout")


@dataclass
class CheckDiagnosis:
    """A known mistake the grader diagnosed in a failed check: its id and its short name.

    ``id`` is a message id of the grader (``shape.transpose``) or ``exercise:<slug>`` for an
    exercise's own known mistake; ``text`` is the grader's or the exercise's short name for it,
    never text a learner controls.
    """

    id: str
    text: str


@dataclass
class CheckResult:
    """The outcome of one check on one graded function."""

    function: str
    name: str
    status: Status
    points: float
    max_points: float
    message: str = ""
    description: str = ""
    hidden: bool = False
    seconds: float = 0.0
    # Quiz questions only (empty for code checks): the question as shown with its
    # choices, the learner's answer, the key and the explanation.
    question: str = ""
    answer: str = ""
    key: str = ""
    explanation: str = ""
    # The known mistakes the grader diagnosed (failed checks only), for class-level views.
    diagnoses: list[CheckDiagnosis] = field(default_factory=list)

    @property
    def advice(self) -> bool:
        """A check worth no points only gives advice."""
        return self.max_points == 0


@dataclass
class FunctionSummary:
    """Per graded function: where it was found and what it earned."""

    name: str
    found: bool
    defined_in: str = ""
    points: float = 0.0
    max_points: float = 0.0
    # The learner file whose starter defines it (a stem of the exercise's learner_files); "" when
    # several or none do. Added within version 2: reports without it load with "".
    home_file: str = ""


@dataclass
class SourceNote:
    """Something the loader reported about the submission (skipped cell, failed import...)."""

    file: str
    location: str
    kind: str
    message: str


@dataclass
class SubmittedFile:
    path: str
    sha256: str


@dataclass
class GradeReport:
    """Everything one grading run produced; serializable with ``to_json``."""

    exercise: str
    title: str
    seed: int
    submission_sha256: str
    files: list[SubmittedFile] = field(default_factory=list)
    functions: list[FunctionSummary] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    protections: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    learner: str = ""
    created_at: str = ""
    grader_version: str = ""
    kind: str = "code"

    @property
    def points(self) -> float:
        return round(sum(c.points for c in self.checks), 6)

    @property
    def max_points(self) -> float:
        return round(sum(c.max_points for c in self.checks), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    def checks_for(self, function: str) -> list[CheckResult]:
        return [c for c in self.checks if c.function == function]

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        return {
            "schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            **data,
            "checks": [dict(c, advice=c["max_points"] == 0) for c in data["checks"]],
            "total": {
                "points": self.points,
                "max_points": self.max_points,
                "percent": round(self.percent, 2),
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeReport:
        """Rebuild a report from its JSON form (of any version in ``READABLE_VERSIONS``); raises
        ValueError on another schema or version."""
        version = data.get("schema_version")
        if data.get("schema") != SCHEMA_ID or type(version) is not int or version not in READABLE_VERSIONS:
            raise ValueError(
                f"not a {SCHEMA_ID} report of version {', '.join(map(str, READABLE_VERSIONS))} "
                f"(schema={data.get('schema')!r}, version={version!r})"
            )
        plain = _known(cls, data)
        plain["files"] = [SubmittedFile(**_known(SubmittedFile, f)) for f in data["files"]]
        plain["functions"] = [FunctionSummary(**_known(FunctionSummary, f)) for f in data["functions"]]
        plain["checks"] = [_check(c) for c in data["checks"]]
        plain["notes"] = [SourceNote(**_known(SourceNote, n)) for n in data["notes"]]
        return cls(**plain)


def _check(data: dict[str, Any]) -> CheckResult:
    check = CheckResult(**_known(CheckResult, data))
    check.diagnoses = [CheckDiagnosis(**_known(CheckDiagnosis, d)) for d in data.get("diagnoses", ())]
    return check


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for this module's types (whose leaves are immutable), without its deep copies."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    names = _FIELDS.get(type(value))
    if names is None:
        return value
    return {name: _plain(getattr(value, name)) for name in names}


_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind))
    for kind in (CheckDiagnosis, CheckResult, FunctionSummary, SourceNote, SubmittedFile, GradeReport)
}


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """The fields ``kind`` declares: a reader ignores fields added later to its version (additive changes)."""
    names = _FIELDS[kind]
    return {k: v for k, v in data.items() if k in names}
