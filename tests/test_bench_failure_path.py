"""benchmarks/bench_failure_path.py runs: its submission lists and one tiny round each way.

Nothing here is about speed (the suite must not depend on the machine): the benchmark itself
is run by hand, `python3 benchmarks/bench_failure_path.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from grader.checks import retrace

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_failure_path", ROOT / "benchmarks" / "bench_failure_path.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_submissions_are_the_weeks_fixtures_and_references(bench):
    failing = bench.failing_submissions()
    names = {s.name for s in failing}
    assert {s.exercise.name for s in failing} == {"week4", "week7"}
    assert any(n.startswith("week4/unseen/") for n in names) and any(n.startswith("week7/mistakes/") for n in names)
    assert all(path.is_file() for s in failing for path in s.files)
    passing = {s.name: s for s in bench.passing_submissions()}
    assert set(passing) == {"week4/reference", "week7/reference"}
    assert len(passing["week7/reference"].files) > 1  # split across files, all passed


def test_one_round_each_way_runs(bench):
    failing = next(s for s in bench.failing_submissions() if s.name.startswith("week7/unseen/"))
    default = retrace.TRACED_PER_FUNCTION
    for submissions in ([failing], bench.passing_submissions()[:1]):
        tally = bench.measure(submissions, rounds=1)
        assert len(tally.baseline) == len(tally.traced) == 1 and tally.gradings == 1
        assert tally.baseline_trace_messages == 0  # TRACED_PER_FUNCTION = 0 is a baseline without tracing
        assert tally.ratio() > 0
        assert retrace.TRACED_PER_FUNCTION == default  # set back after each grading
