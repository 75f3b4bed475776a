"""Cost of the failure path: a failed check's traced re-run (grader/checks/retrace.py), in-process.

Run: python3 benchmarks/bench_failure_path.py [--rounds N] [--quick]

Grades, in this process and with a fixed seed, with grader.grading.grade_submission:

- failing submissions: the week-4 and week-7 wrong-value fixtures of tests/fixtures/unseen.toml
  (kinds near_miss, unknown, generic) and tests/fixtures/week{4,7}/mistakes/*.py, each on its own
  as the week's tests grade them (but week4/mistakes/looped_examples.py: right values, too slow, so it
  fails timed checks only, which never trace, and its ~5 s of timing would only dilute the ratio);
- passing submissions: the reference solutions (every .py of solutions/week4 and solutions/week7),
  graded several times a round since they are few;

with tracing on (grader.checks.retrace.TRACED_PER_FUNCTION at its default) and off (0, the baseline),
after a warm-up round. Each round grades every submission once each way, the two gradings of a
submission back to back (baseline first, then traced first for the next one: ABBA...), so machine
load hits both alike. The script prints the median over rounds of the seconds per submission, their
ratio (targets: failing <= 2.0, passing <= 1.05, since a passing check never traces), how many checks
got a trace message, and exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

# As the `grade` command does: BLAS single-threaded in the grading process, like in the sandbox
# (set before anything imports numpy).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader.checks import retrace  # noqa: E402
from grader.grading import grade_submission  # noqa: E402
from grader.model.report import GradeReport  # noqa: E402

TARGET_FAILING, TARGET_PASSING = 2.0, 1.05
SEED = 1234
WEEKS = ("week4", "week7")
WRONG_VALUE_KINDS = ("near_miss", "unknown", "generic")
TRACE_WORDS = "Traced on this check's inputs"
NOT_WRONG_VALUES = {"week4/mistakes/looped_examples"}  # right values, slow: fails timed checks only
DEFAULT_TRACED = retrace.TRACED_PER_FUNCTION  # tracing on; 0 is the baseline
ROUNDS, PASSING_REPEATS = 3, 3


@dataclass(frozen=True)
class Submission:
    name: str
    exercise: Path
    files: tuple[Path, ...]

    def grade(self, traced: bool) -> GradeReport:
        """One grading, with tracing at its default or off."""
        retrace.TRACED_PER_FUNCTION = DEFAULT_TRACED if traced else 0
        try:
            return grade_submission(self.exercise, list(self.files), seed=SEED)
        finally:
            retrace.TRACED_PER_FUNCTION = DEFAULT_TRACED


def failing_submissions() -> list[Submission]:
    """The wrong-value unseen fixtures and the known mistakes of weeks 4 and 7."""
    fixtures = ROOT / "tests" / "fixtures"
    manifest = tomllib.loads((fixtures / "unseen.toml").read_text())
    found: list[Submission] = []
    for week in WEEKS:
        exercise = ROOT / "exercises" / week
        found += [Submission(f"{week}/unseen/{Path(entry['file']).stem}", exercise, (fixtures / entry["file"],))
                  for _, entry in sorted(manifest[week].items()) if entry["kind"] in WRONG_VALUE_KINDS]
        found += [Submission(f"{week}/mistakes/{path.stem}", exercise, (path,))
                  for path in sorted((fixtures / week / "mistakes").glob("*.py"))
                  if f"{week}/mistakes/{path.stem}" not in NOT_WRONG_VALUES]
    return found


def passing_submissions() -> list[Submission]:
    """The reference solutions, every file of each (weeks 5-7 split theirs)."""
    return [Submission(f"{week}/reference", ROOT / "exercises" / week,
                       tuple(sorted((ROOT / "solutions" / week).glob("*.py")))) for week in WEEKS]


@dataclass
class Tally:
    """Seconds per round with tracing off and on, and what the traced gradings said."""
    baseline: list[float]
    traced: list[float]
    gradings: int = 0  # per round and mode
    trace_messages: int = 0  # checks with a trace message, tracing on (first round)
    failed_checks: int = 0  # checks that did not pass, tracing on (first round)
    submissions_traced: int = 0  # submissions with at least one trace message (first round)
    baseline_trace_messages: int = 0  # must stay 0: the baseline does not trace
    points_differ: list[str] | None = None  # submissions scored differently with and without tracing

    def medians(self) -> tuple[float, float]:
        """Median seconds per grading, tracing off and on."""
        return (statistics.median(self.baseline) / self.gradings, statistics.median(self.traced) / self.gradings)

    def ratio(self) -> float:
        baseline, traced = self.medians()
        return traced / baseline


def _traced_checks(report: GradeReport) -> int:
    return sum(TRACE_WORDS in c.message for c in report.checks)


def measure(submissions: list[Submission], rounds: int, repeats: int = 1) -> Tally:
    """Grade ``submissions`` ``repeats`` times a round each way, for ``rounds`` rounds (see the module)."""
    tally = Tally([], [], gradings=len(submissions) * repeats, points_differ=[])
    for round_ in range(rounds):
        seconds = {False: 0.0, True: 0.0}
        pair = 0
        for _ in range(repeats):
            for submission in submissions:
                reports = {}
                for traced in ((False, True) if pair % 2 == 0 else (True, False)):
                    start = time.perf_counter()
                    reports[traced] = submission.grade(traced)
                    seconds[traced] += time.perf_counter() - start
                pair += 1
                if round_ == 0 and pair <= len(submissions):
                    on, off = reports[True], reports[False]
                    tally.trace_messages += _traced_checks(on)
                    tally.submissions_traced += _traced_checks(on) > 0
                    tally.failed_checks += sum(c.status != "passed" for c in on.checks)
                    tally.baseline_trace_messages += _traced_checks(off)
                    if on.points != off.points:
                        scored = {c.name: c.points for c in off.checks}
                        checks = ", ".join(c.name for c in on.checks if scored.get(c.name) != c.points)
                        tally.points_differ.append(f"{submission.name} ({checks})")
        tally.baseline.append(seconds[False])
        tally.traced.append(seconds[True])
    return tally


def warm_up(failing: list[Submission], passing: list[Submission]) -> None:
    """Imports, byte-code and file cache: a few gradings each way, one of each exercise's kinds."""
    seen: set[tuple[Path, bool]] = set()
    for submission in failing + passing:
        key = (submission.exercise, submission in passing)
        if key not in seen:
            seen.add(key)
            submission.grade(False)
            submission.grade(True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None, help=f"measured rounds (default {ROUNDS}; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="one round, every third failing submission, the references once: a smoke run")
    args = parser.parse_args(argv)
    failing, passing = failing_submissions(), passing_submissions()
    rounds, repeats = args.rounds or (1 if args.quick else ROUNDS), 1 if args.quick else PASSING_REPEATS
    if args.quick:
        failing = failing[::3]
    if DEFAULT_TRACED <= 0:
        print(f"grader.checks.retrace.TRACED_PER_FUNCTION is {DEFAULT_TRACED}: tracing is off by default, "
              "nothing to compare")
        return 1
    started = time.perf_counter()
    warm_up(failing, passing)
    results = {"failing (wrong values)": (measure(failing, rounds), TARGET_FAILING),
               "passing (reference solutions)": (measure(passing, rounds, repeats), TARGET_PASSING)}
    print(f"failure path: traced re-run of failed checks, TRACED_PER_FUNCTION = {DEFAULT_TRACED} vs 0 "
          f"(baseline); seed {SEED}, {rounds} round(s), medians")
    print(f"{'':31} {'gradings':>8} {'off s/sub':>9} {'on s/sub':>9} {'ratio':>6} {'target':>8}")
    ok = True
    for name, (tally, target) in results.items():
        baseline, traced = tally.medians()
        met = tally.ratio() <= target
        ok &= met
        print(f"{name:31} {tally.gradings:8d} {baseline:9.3f} {traced:9.3f} {tally.ratio():6.2f} "
              f"{'<= ' + format(target, '.2f'):>8} {'PASS' if met else 'FAIL'}")
    failed, _ = results["failing (wrong values)"]
    passed, _ = results["passing (reference solutions)"]
    print(f"tracing on: {failed.trace_messages} of {failed.failed_checks} failed checks got a trace message "
          f"(\"{TRACE_WORDS}\"), in {failed.submissions_traced} of {len(failing)} failing submissions; "
          f"reference solutions: {passed.failed_checks} failed checks, {passed.trace_messages} traced")
    if failed.baseline_trace_messages or passed.baseline_trace_messages:
        print(f"the baseline traced {failed.baseline_trace_messages + passed.baseline_trace_messages} checks: "
              "TRACED_PER_FUNCTION = 0 did not turn tracing off, so the ratios compare nothing")
        ok = False
    if failed.trace_messages == 0:
        print("no failed check got a trace message: the tracer did no work, so the ratio measures nothing")
        ok = False
    if failed.points_differ or passed.points_differ:
        names = failed.points_differ + passed.points_differ
        print(f"note: scored differently with tracing on and off (timed checks under load?): {', '.join(names)}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
