"""The grading pipeline: load -> extract -> sandbox -> checks -> GradeReport."""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import hmac
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from grader import __version__
from grader.errors import usage_error
from grader.model.exercise import Exercise, load_exercise
from grader.ingest.home_files import StarterNames, home_files
from grader.ingest.shared_cells import SharedCells
from grader.ingest.submission import Submission, load_submission
from grader.messages import say
from grader.model.report import CheckResult, FunctionSummary, GradeReport, SourceNote
from grader.sandbox.client import Limits, SandboxWorker
from grader.sandbox.launch import Launcher

if TYPE_CHECKING:
    from grader.checks.learner import LearnerFunction
    from grader.checks.warm import WarmChecks

SUBMITTABLE = (".py", ".ipynb")


MAX_SEED = 2**64 - 1
# The seed secret of a submission graded without the course's (derive_seed): one per process, by design.
_process_secret = secrets.token_bytes(32)


def derive_seed(exercise: str, submission_sha256: str, secret: bytes | None = None) -> int:
    """The default seed (64 bits): fixed for a given submission and secret, different for every
    other submission, and unpredictable without the secret.

    secret: the course's seed secret (``Gradebook.seed_secret``: made once per gradebook and kept
    in it).  Without one, a secret of this process is used: the same file gets the same seed
    within one run, and nobody can compute seeds ahead of time.
    """
    key = secret if secret else _process_secret
    message = f"{exercise}\0{submission_sha256}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


def check_seed(seed: int | None) -> int | None:
    """``seed`` when it is a valid seed (0 to 2**64 - 1); raises UsageError otherwise."""
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise usage_error("commands.seed_range", largest=MAX_SEED, seed=seed)
    return seed


def resolve_files(exercise: Exercise, files: list[str | Path] | None) -> list[Path]:
    """The files to grade: the given ones (folders expanded), or the exercise's learner files."""
    if not files:
        return exercise.default_files()
    paths: list[Path] = []
    for item in map(Path, files):
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.suffix in SUBMITTABLE and p.is_file())
            if not found:
                raise usage_error("commands.files.empty_folder", path=item)
            paths += found
        elif not item.exists():
            raise usage_error("commands.files.missing", path=item)
        elif item.suffix not in SUBMITTABLE:
            raise usage_error("commands.files.not_submittable", path=item)
        else:
            paths.append(item)
    return paths


@dataclass
class WarmExercise:
    """An exercise graded one learner after another in the same process (a batch's grading process),
    with what is worth keeping from one learner to the next. Whoever grades with it owns it: nothing
    of it is process-wide, and it lives as long as its owner keeps it.

    checks: a pytest session kept open over the exercise's checks (configuration and collection paid once);
    cells: the cells its learners' files share (the starter's), parsed and compiled once;
    starters: the names its starters define (which file each graded function belongs to).
    The exercise keeps its reference solution itself (``Exercise.load_reference``).
    """

    exercise: Exercise
    checks: WarmChecks
    cells: SharedCells = field(default_factory=SharedCells)
    starters: StarterNames = field(default_factory=StarterNames)

    @classmethod
    def open(cls, exercise: Exercise) -> WarmExercise:
        from grader.checks.warm import WarmChecks

        return cls(exercise, WarmChecks(check_files(exercise), [exercise.solutions], exercise.root))

    @property
    def alive(self) -> bool:
        """Its pytest session runs (a process forked from one that had it inherits the object, not its thread)."""
        return self.checks.thread.is_alive()


def grade_submission(exercise: str | Path | Exercise, files: list[str | Path] | None = None, *,
                     seed: int | None = None, learner: str = "", limits: Limits | None = None,
                     launcher: Launcher | None = None, siblings: bool = True,
                     warm: WarmExercise | None = None, seed_secret: bytes | None = None,
                     only: Collection[str] | None = None) -> GradeReport:
    """Grade one submission; raises UsageError for unusable input, never for learner faults.

    only: grade just these graded functions (names or aliases); the report then holds only them.

    seed: the hidden checks' seed (default: derived from the submission's fingerprint with
    ``seed_secret``, the course's secret; see derive_seed).

    warm: what grading the learners before kept (batch grading): an open pytest session over
    this exercise's checks, instead of a pytest run of its own, and the cells and starters read.

    siblings: let the submission import .py modules next to its files (see load_submission).
    """
    started = time.perf_counter()
    check_seed(seed)
    ex = exercise if isinstance(exercise, Exercise) else load_exercise(exercise)
    if not ex.functions:
        raise usage_error("quiz.nothing_to_submit", exercise=ex.name)
    # --only: the report holds the chosen functions, but the learner keeps every graded function (a check
    # of linear_backward builds its cache with the learner's linear_forward).
    shown = only_functions(ex, only) if only else ex
    paths = resolve_files(ex, files)
    with SandboxWorker(limits, launcher) as worker:
        worker.start()  # it boots (imports numpy) while this process extracts and loads the checks
        submission = load_submission(paths, siblings=siblings, graded=[name for f in ex.functions for name in f.names],
                                     cells=warm.cells if warm is not None else None)
        seed = derive_seed(ex.name, submission.sha256, seed_secret) if seed is None else seed
        worker.load(_worker_modules(submission), preamble=ex.preamble, siblings=submission.siblings)
        timings = {"load": time.perf_counter() - started}
        learner_functions = _learner_functions(ex, submission, worker)
        results, errors = _run(ex, learner_functions, seed, warm.checks if warm is not None else None,
                               {f.name for f in shown.functions} if only else None)
        timings["checks"] = time.perf_counter() - started - timings["load"]
        timings["worker_boot"] = worker.boot_seconds
        protections = dict(worker.status.protections)
        worker_notes = list(worker.status.notes)
        violations = worker.violations
    timings["total"] = time.perf_counter() - started
    notes = submission.notes + _worker_notes(submission, worker_notes)
    if violations:
        notes.append(SourceNote(file="", location="sandbox", kind="protocol", message=say(
            "note.protocol", reason=violations[0], times=f" ({len(violations)} times)" if len(violations) > 1 else "")))
    notes += [SourceNote(file="checks", location="collection", kind="check-error", message=e) for e in errors]
    for function in learner_functions.values():
        if function.matrices:
            where = function.located.path if function.located else ""
            notes.append(SourceNote(file=where, location=function.graded, kind="advice", message=say(
                "advice.matrix", function=function.graded, parts=", ".join(sorted(function.matrices)[:4]))))
    if ex.recorded_reference is not None:  # a learners' copy: say what its hidden checks are worth
        from grader.model.recorded import released_copy_notes

        notes += released_copy_notes(ex)
    return GradeReport(
        exercise=ex.name,
        title=ex.shown_title,
        seed=seed,
        submission_sha256=submission.sha256,
        files=submission.files,
        functions=_summaries(shown, submission, results, warm.starters if warm is not None else None),
        checks=_ordered(shown, results),
        notes=_capped_notes(notes),
        protections=protections,
        timings={k: round(v, 4) for k, v in timings.items()},
        learner=learner,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        grader_version=__version__,
    )


def only_functions(ex: Exercise, names: Collection[str]) -> Exercise:
    """``ex`` with only the graded functions ``names`` (or aliases) name; raises UsageError for a name
    that is not one of them."""
    chosen = [f for f in ex.functions if set(f.names) & set(names)]
    unknown = sorted(set(names) - {n for f in ex.functions for n in f.names})
    if unknown:
        raise usage_error("usage.only_unknown", names=", ".join(unknown), exercise=ex.name,
                          functions=", ".join(f.name for f in ex.functions))
    return dataclasses.replace(ex, functions=chosen)


def _learner_functions(ex: Exercise, submission: Submission, worker: SandboxWorker) -> dict[str, LearnerFunction]:
    from grader.checks.learner import LearnerFunction, locate

    return {f.name: LearnerFunction(f.name, f.names, locate(submission, f.names), worker, submission.unparsed(f.names))
            for f in ex.functions}


def _run(ex: Exercise, functions: dict[str, LearnerFunction], seed: int, warm: WarmChecks | None = None,
         selected: set[str] | None = None) -> tuple[list[CheckResult], list[str]]:
    from grader.checks.learner import Learner
    from grader.checks.runner import run_checks

    learner = Learner(functions)
    if warm is not None:
        return warm.run(learner, ex.load_reference(), seed, functions=selected)
    return run_checks(check_files(ex), learner, ex.load_reference(), seed, hidden_dirs=[ex.solutions], root=ex.root,
                      functions=selected)


def check_files(ex: Exercise) -> list[Path]:
    """Public then hidden check files of an exercise."""
    return ex.public_checks() + ex.hidden_checks()


MAX_NOTES_OF_A_KIND = 20
MAX_NOTE_CHARS = 1000


def _capped_notes(notes: list[SourceNote]) -> list[SourceNote]:
    """At most MAX_NOTES_OF_A_KIND notes of each kind, each at most MAX_NOTE_CHARS long, then one
    note saying how many more: a file of thousands of broken blocks or failing imports (learner
    text, much of it) must not make a report, a gradebook row or a page grow with it."""
    from grader.sandbox.frames import capped

    kept: list[SourceNote] = []
    seen: collections.Counter[str] = collections.Counter()
    for note in notes:
        seen[note.kind] += 1
        if seen[note.kind] <= MAX_NOTES_OF_A_KIND:
            kept.append(dataclasses.replace(note, message=capped(note.message, MAX_NOTE_CHARS)))
    kept += [SourceNote(file="", location="", kind=kind, message=say("note.more", count=count - MAX_NOTES_OF_A_KIND))
             for kind, count in seen.items() if count > MAX_NOTES_OF_A_KIND]
    return kept


def _worker_modules(submission: Submission) -> list[dict]:
    return [{"name": m.name, "units": [u.for_worker() for u in m.units], "borrowed": m.borrowed}
            for m in submission.modules]


def _worker_notes(submission: Submission, notes: list[dict]) -> list[SourceNote]:
    """Notes the worker made while loading, located by the index of the unit (1-based)."""
    from grader.checks.python2 import python2_import_hint

    units = [(m.path, u) for m in submission.modules for u in m.units]
    result = []
    for note in notes:
        index = note.get("index")
        path, unit = units[index - 1] if isinstance(index, int) and 0 < index <= len(units) else ("", None)
        message = str(note.get("message", ""))
        if note.get("kind") == "import-failed" and (hint := python2_import_hint(message)):
            message += f" {hint}"
        result.append(SourceNote(file=path, location=unit.location if unit else "",
                                 kind=str(note.get("kind", "")), message=message))
    return result


def _ordered(ex: Exercise, results: list[CheckResult]) -> list[CheckResult]:
    order = {f.name: i for i, f in enumerate(ex.functions)}
    return sorted(results, key=lambda r: order.get(r.function, len(order)))


def _summaries(ex: Exercise, submission: Submission, results: list[CheckResult],
               starters: StarterNames | None) -> list[FunctionSummary]:
    homes = home_files(ex, starters)
    summaries = []
    for function in ex.functions:
        found = submission.find(function.names)
        mine = [r for r in results if r.function == function.name]
        summaries.append(FunctionSummary(
            name=function.name,
            found=found is not None,
            defined_in=f"{found[0].path} ({found[1]})" if found else "",
            points=sum(r.points for r in mine),
            max_points=sum(r.max_points for r in mine),
            home_file=homes.get(function.name, ""),
        ))
    return summaries
