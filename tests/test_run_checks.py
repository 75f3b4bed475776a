"""The checks' runner: fixtures, outcomes and teardown, alone and in a session kept open for a batch."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.checks import pytest_fast
from grader.checks.learner import Learner, LearnerFunction, Located
from grader.checks.runner import run_checks
from grader.checks.warm import WarmChecks
from grader.sandbox.client import CallOutcome, Limits

CHECKS = '''
import pytest
from grader.checks import check
from grader.checks.compare import CheckFailure

LOG = []


@pytest.fixture
def opened():
    LOG.append("open")
    yield "resource"
    LOG.append("close")


@pytest.fixture
def broken_teardown():
    yield None
    raise RuntimeError("teardown broke")


@check("f")
def test_passes(learner, reference, seed, rng):
    assert learner["answer"] == reference["answer"], "wrong answer"


@check("f", points=2)
def test_fails(learner):
    raise CheckFailure(f"expected 1, got {learner['answer']}")


@check("g")
def test_uses_own_fixture(opened):
    assert opened == "resource"


@check("g")
def test_missing_fixture(no_such_fixture):
    pass


@check("g")
def test_skipped():
    pytest.skip("not for this exercise")


@check("g")
def test_teardown_fails(broken_teardown):
    pass


@check("g")
def test_log_balanced():
    """Every fixture opened so far was closed before this check."""
    assert LOG.count("open") == LOG.count("close"), f"log {LOG}"
'''


def check_file(tmp_path: Path, name: str, text: str) -> Path:
    """A public check file ``checks_<name>_public.py`` holding ``text``, in tmp_path/checks."""
    folder = tmp_path / "checks"
    folder.mkdir(exist_ok=True)
    path = folder / f"checks_{name}_public.py"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def checks(tmp_path: Path) -> list[Path]:
    return [check_file(tmp_path, "runner", CHECKS)]


def outcomes(results) -> list[tuple[str, str, float]]:
    return [(r.name, r.status, r.points) for r in results]


EXPECTED = [
    ("passes", "passed", 1.0),
    ("fails", "failed", 0.0),
    ("uses_own_fixture", "passed", 1.0),
    ("missing_fixture", "error", 0.0),
    ("teardown_fails", "passed", 1.0),
    ("teardown_fails", "error", 0.0),
    ("log_balanced", "passed", 1.0),
]


def test_outcomes_of_every_kind(checks, tmp_path):
    results, errors = run_checks(checks, {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path)
    assert outcomes(results) == EXPECTED
    failed = next(r for r in results if r.name == "fails")
    assert failed.message == "expected 1, got 1" and failed.max_points == 2.0
    # A missing fixture and a teardown that breaks are the grader's faults: said so, with the check's name.
    missing = next(r for r in results if r.name == "missing_fixture")
    assert "not your mistake" in missing.message and "checks_runner_public.py::test_missing_fixture" in missing.message
    assert len(errors) == 2 and "no_such_fixture" in errors[0] and "teardown broke" in errors[1]


def test_pytest_protocol_fallback_gives_the_same_results(checks, tmp_path, monkeypatch):
    monkeypatch.setattr(pytest_fast, "available", lambda session, items: False)
    results, _ = run_checks(checks, {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path)
    assert outcomes(results) == EXPECTED


def test_a_warm_session_gives_every_learner_their_own_fixture_values(checks, tmp_path):
    warm = WarmChecks(checks, [], tmp_path)
    try:
        first, _ = warm.run({"answer": 1}, {"answer": 1}, 1)
        second, _ = warm.run({"answer": 2}, {"answer": 1}, 2)
        third, _ = warm.run({"answer": 1}, {"answer": 1}, 3)
    finally:
        warm.close()
    assert outcomes(first) == EXPECTED == outcomes(third)
    by_name = {r.name: r for r in second}
    assert by_name["passes"].status == "failed" and by_name["passes"].message == "wrong answer"
    assert by_name["fails"].message == "expected 1, got 2"
    assert by_name["log_balanced"].status == "passed"  # fixtures were torn down after each learner


def test_a_file_that_does_not_collect_does_not_stop_the_others(checks, tmp_path):
    broken = checks[0].parent / "checks_broken_public.py"
    broken.write_text("import no_such_module_anywhere\n")
    results, errors = run_checks([*checks, broken], {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path)
    assert outcomes(results) == EXPECTED
    assert len(errors) == 3 and "no_such_module_anywhere" in errors[0]


OVERRIDE = '''
import pytest
from grader.checks import check


@pytest.fixture
def rng():
    return "the check file's own rng"


@check("f")
def test_own_rng_wins(rng, learner, seed):
    assert rng == "the check file's own rng", f"rng was {rng!r}"
    assert learner == {"answer": 1} and seed == 7, "our fixtures still arrive"
'''


def test_a_check_file_can_override_our_fixtures(tmp_path):
    path = check_file(tmp_path, "override", OVERRIDE)
    results, errors = run_checks([path], {"answer": 1}, None, 7, hidden_dirs=[], root=tmp_path)
    assert errors == [] and outcomes(results) == [("own_rng_wins", "passed", 1.0)], results


def test_rng_is_seeded_per_learner_and_per_check(tmp_path):
    path = check_file(tmp_path, "rng", '''
        from grader.checks import check

        @check("f")
        def test_one(rng, learner):
            learner.append(("one", float(rng.random())))

        @check("f")
        def test_two(rng, learner):
            learner.append(("two", float(rng.random())))
    ''')
    draws: list[list] = [[], [], []]
    for seed, box in zip((1, 1, 2), draws):
        run_checks([path], box, None, seed, hidden_dirs=[], root=tmp_path)
    assert draws[0] == draws[1]  # reproducible from the seed in the report
    assert draws[0][0][1] != draws[0][1][1]  # a different stream per check
    assert draws[0][0][1] != draws[2][0][1]  # and per submission


def test_a_check_gets_its_own_request(tmp_path):
    path = check_file(tmp_path, "request", '''
        from grader.checks import check

        @check("f")
        def test_named(request, rng):
            assert request.node.name == "test_named", request.node.name

        @check("f")
        def test_other(request):
            assert request.node.name == "test_other", request.node.name
    ''')
    warm = WarmChecks([path], [], tmp_path)
    try:
        for learner in ({"answer": 1}, {"answer": 2}):
            results, errors = warm.run(learner, None, 3)
            assert errors == [] and outcomes(results) == [("named", "passed", 1.0), ("other", "passed", 1.0)]
    finally:
        warm.close()


SHARED = '''
from grader.checks import check
from grader.checks.learner import LearnerFault


def _run(learner, shared):
    def compute(rng):
        learner["calls"].append(float(rng.random()))
        if learner.get("raise"):
            raise LearnerFault(f"call {len(learner['calls'])} raised", "ValueError", "")
        return learner["answer"]
    return shared("the-run", compute)


@check("f")
def test_first(learner, shared):
    assert _run(learner, shared) == 1, "first: wrong"


@check("f")
def test_second(learner, shared):
    assert _run(learner, shared) == 1, "second: wrong"
'''


def test_shared_values_are_computed_once_per_learner_and_kept_with_their_errors(tmp_path):
    path = check_file(tmp_path, "shared", SHARED)
    learners = [{"answer": 1, "calls": []}, {"answer": 2, "calls": []}, {"answer": 1, "calls": [], "raise": True},
                {"answer": 1, "calls": []}]
    warm = WarmChecks([path], [], tmp_path)
    try:
        runs = [warm.run(learner, None, seed) for learner, seed in zip(learners, (5, 5, 5, 6))]
    finally:
        warm.close()
    assert [len(learner["calls"]) for learner in learners] == [1, 1, 1, 1]  # once per learner, for both checks
    assert [[r.status for r in results] for results, _ in runs] == [
        ["passed", "passed"], ["failed", "failed"], ["error", "error"], ["passed", "passed"]]
    raised = runs[2][0]
    assert all("call 1 raised" in r.message for r in raised), [r.message for r in raised]
    # Seeded from the submission and the key (not the check): the same for the same seed, not for another.
    assert learners[0]["calls"] == learners[1]["calls"] != learners[3]["calls"]
    alone, _ = run_checks([path], {"answer": 1, "calls": []}, None, 5, hidden_dirs=[], root=tmp_path)
    assert [r.status for r in alone] == ["passed", "passed"]


GRADER_FAULTS = '''
import pytest

from grader.checks import check


@check("f", points=2)
def test_divides(learner):
    """The check's own arithmetic is broken."""
    return 1 / 0


@check("f")
def test_imports(learner):
    import no_such_module_for_a_check  # noqa: F401


@check("f")
def test_fails_with_pytest(learner):
    pytest.fail("the answer is wrong")


@check("g", points=3)
def test_reads_the_answer(learner):
    """Indexes the learner's answer without checking that it is a list first."""
    assert learner.g(3)[0] == 3, "wrong first entry"
'''


class Functions:
    """Graded functions as attributes, like the reference module."""

    def __init__(self, **functions):
        self.__dict__.update(functions)


class LocalWorker:
    """Answers a ``LearnerFunction``'s calls in this process, as the sandbox would."""

    limits = Limits()

    def __init__(self, functions):
        self.functions = functions

    def call(self, module, function, args, kwargs=None, *, return_args=False, repeat=1, want_value=True):
        value = self.functions[function](*args, **(kwargs or {}))
        return CallOutcome(ok=True, value=value, args_after=[list(args), kwargs or {}] if return_args else None)


def local_learner(**functions) -> Learner:
    """A ``Learner`` whose graded functions run here (no sandbox): the runner treats it as a submission's."""
    worker = LocalWorker(functions)
    return Learner({name: LearnerFunction(name, (name,), Located("learner", name, "", "", 1), worker)
                    for name in functions})


def test_a_check_the_grader_cannot_run_is_the_graders_error_not_the_learners(tmp_path):
    """Trusted code that raises (ZeroDivisionError, a missing module) is a grader error naming the check, its
    points still counted; a crash on the learner's own value (the check passes with the reference's) is not."""
    path = check_file(tmp_path, "faults", GRADER_FAULTS)
    learner = local_learner(g=lambda x: None)  # g's answer is not subscriptable: the check's code crashes on it
    results, errors = run_checks([path], learner, Functions(g=lambda x: [x]), 7, hidden_dirs=[], root=tmp_path)
    by_name = {r.name: r for r in results}
    for name, error_type in (("divides", "ZeroDivisionError"), ("imports", "ModuleNotFoundError")):
        result = by_name[name]
        assert result.status == "error" and result.points == 0
        assert f"its own code raised {error_type}. This is not your mistake" in result.message
        assert f"naming the check checks_faults_public.py::test_{name} (seed 7)" in result.message
    assert by_name["divides"].max_points == 2.0  # counted: the total shows points missing
    assert (by_name["fails_with_pytest"].status, by_name["fails_with_pytest"].message) == (
        "failed", "the answer is wrong")  # pytest.fail is a failed check, like a plain assert
    assert [e.split(":")[0] for e in errors] == ["grader error in checks_faults_public.py"] * 2
    assert "ZeroDivisionError: division by zero at checks_faults_public.py:" in errors[0]
    learners_fault = by_name["reads_the_answer"]
    assert learners_fault.status == "error" and "not your mistake" not in learners_fault.message
    assert "TypeError" in learners_fault.message
    # With a reference on which the check crashes too, the check itself is broken.
    results, errors = run_checks([path], learner, Functions(g=lambda x: None), 7, hidden_dirs=[], root=tmp_path)
    assert "not your mistake" in next(r for r in results if r.name == "reads_the_answer").message
    assert len(errors) == 3


UNLOADABLE = '''
from grader.checks import check
{line}


@check("f", points=2)
def test_first():
    """First check of a file that cannot be imported."""


@check("g")
def test_second():
    pass
'''


@pytest.mark.parametrize(("line", "error"), [("import no_such_module_for_checks", "ModuleNotFoundError"),
                                             ("RATIO = 1 / 0", "ZeroDivisionError")])
def test_a_check_file_that_cannot_be_loaded_keeps_its_points_in_the_total(checks, tmp_path, line, error):
    """Its checks are not dropped: each is a grader error worth its declared points, and a note says so."""
    broken = check_file(tmp_path, "unloadable", UNLOADABLE.format(line=line))
    results, errors = run_checks([*checks, broken], {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path)
    lost = [(r.function, r.name, r.status, r.points, r.max_points) for r in results[len(EXPECTED):]]
    assert lost == [("f", "first", "error", 0.0, 2.0), ("g", "second", "error", 0.0, 1.0)]
    first = results[len(EXPECTED)]
    assert first.description == "First check of a file that cannot be imported."
    assert f"could not load this check: its check file raised {error}. This is not your mistake" in first.message
    assert "checks_unloadable_public.py::test_first" in first.message
    assert error in errors[0] and "its 2 check(s) (3 point(s)) were not graded" in errors[0]
    warm = WarmChecks([*checks, broken], [], tmp_path)
    try:
        for learner in ({"answer": 1}, {"answer": 2}):
            results, _ = warm.run(learner, {"answer": 1}, 3)
            assert [r.name for r in results[len(EXPECTED):]] == ["first", "second"]
    finally:
        warm.close()


def test_only_the_checks_of_the_given_functions_run(checks, tmp_path):
    """``functions`` (grade submit --only) runs the checks of those graded functions, alone or in a warm session."""
    broken = check_file(tmp_path, "unloadable", UNLOADABLE.format(line="import no_such_module_for_checks"))
    results, _ = run_checks([*checks, broken], {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path,
                            functions={"f"})
    assert outcomes(results) == [("passes", "passed", 1.0), ("fails", "failed", 0.0), ("first", "error", 0.0)]
    warm = WarmChecks([*checks, broken], [], tmp_path)
    try:
        only_g, _ = warm.run({"answer": 1}, {"answer": 1}, 3, functions={"g"})
        everything, _ = warm.run({"answer": 1}, {"answer": 1}, 3)
    finally:
        warm.close()
    assert {r.function for r in only_g} == {"g"} and len(only_g) == len(EXPECTED) - 2 + 1
    assert len(everything) == len(EXPECTED) + 2


def test_a_check_file_that_does_not_parse_is_said_to_leave_points_missing(checks, tmp_path):
    """Its checks cannot even be counted: the note says that an unknown number of points is missing."""
    broken = check_file(tmp_path, "unparsable", "from grader.checks import check\n\ndef test_(:\n")
    results, errors = run_checks([*checks, broken], {"answer": 1}, {"answer": 1}, 7, hidden_dirs=[], root=tmp_path)
    assert outcomes(results) == EXPECTED
    assert errors[0].startswith("grader error: checks/checks_unparsable_public.py could not be loaded")
    assert errors[0].endswith("an unknown number of points is missing from the total")
