"""Drive the instructors' checks with pytest, in the trusted process.

Checks are ordinary pytest functions; this module runs pytest in-process with a
plugin that provides the fixtures and turns each outcome into a ``CheckResult``.
Learner code is never imported here: ``learner`` is a proxy to the sandbox.

Only pytest's public API is used here; the fast path through its internals is
grader/checks/pytest_fast.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import zlib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.checks import pytest_fast, retrace
from grader.checks.compare import CheckFailure
from grader.checks.factors import FACTOR_CLAIMS, settle
from grader.checks.context import CheckContext, Hint, enter, leave
from grader.checks.context import current as current_context
from grader.checks.learner import Learner, LearnerFault
from grader.checks.marks import MARK
from grader.checks.shared import Shared
from grader.checks.stand_in import ReferenceLearner
from grader.checks.state import watched
from grader.checks.unrunnable import DeclaredCheck, declared_checks, grader_error, runs_on_right_answers
from grader.messages import knows, language, say
from grader.model.report import CheckDiagnosis, CheckResult

# Our own process decides what runs: no third-party plugins, no conftest.py from
# the exercise folder (a learner could put one there), no cache, no ini files.
PYTEST_ARGS = [
    "-q", "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:pastebin", "-p", "no:junitxml",
    "-p", "no:doctest", "-p", "no:faulthandler", "-p", "no:unraisableexception", "-p", "no:threadexception",
    "-p", "no:logging", "-p", "no:debugging", "-p", "no:warnings", "--capture=no", "--noconftest", "-o", "python_files=checks_*.py",
    "-o", "python_functions=test_*", "-o", "python_classes=",
]


# Longest feedback message kept in a report (the learner's output and values are capped
# before; this bounds what any check can write).
MESSAGE_CHARS = 8000


class CheckPlugin:
    """Fixtures for checks, and the collector of their results.

    reveal_expected: hidden checks show their expected values too (a course may reveal them
    after its deadline); by default they show what was wrong without them.

    functions: run only the checks of these graded functions (None: every check).

    A check that cannot run through the grader's own fault (its setup, its teardown, or its code
    crashing even with the reference in the learner's place, see grader.checks.stand_in) is an
    error that says so and names the check, never a learner's mistake; a check file that cannot be
    loaded gives such an error for every check it declares. Their points stay in the total (so the
    total is visibly incomplete), and each one also goes to ``grader_errors`` (notes for the instructor).
    """

    def __init__(self, learner: Learner, reference: Any, seed: int, hidden_dirs: list[Path], *,
                 reveal_expected: bool = False, functions: set[str] | None = None) -> None:
        self._hidden_dirs = [d.resolve() for d in hidden_dirs]
        self._check_dirs: set[Path] = set()  # folders of the check files (and their helper modules)
        self.collection_errors: list[str] = []
        self._unloaded: list[DeclaredCheck] = []  # the checks of files that could not be loaded
        self._rootpath = Path.cwd()
        self.interrupted = False
        self._about: dict[str, _About] = {}  # per check, what does not change from one learner to the next
        self.for_learner(learner, reference, seed, reveal_expected=reveal_expected, functions=functions)

    def for_learner(self, learner: Learner, reference: Any, seed: int, *, reveal_expected: bool = False,
                    functions: set[str] | None = None) -> None:
        """Run the next checks for ``learner``: its own fixture values, results and grader errors."""
        self._reference = reference
        self._seed = seed
        self._learner = watched(learner, reference, seed)
        self._stand_in_possible = isinstance(learner, Learner)
        self._shared = Shared(seed)
        self.reveal_expected = reveal_expected
        self.functions = functions
        self.results: list[CheckResult] = []
        self.grader_errors: list[str] = []
        self._retracer = retrace.Retracer()  # where a failed check's values went wrong
        self._factor_claims: list[tuple[int, Hint]] = []  # (result index, its diagnosis claiming a factor)

    def notes(self) -> list[str]:
        """Notes for the instructor: check files that could not be loaded and checks the grader could not run."""
        return self.collection_errors + self.grader_errors

    def pytest_configure(self, config: pytest.Config) -> None:
        self._rootpath = Path(config.rootpath)

    @pytest.fixture
    def learner(self) -> Learner:
        return self._learner

    @pytest.fixture
    def reference(self) -> Any:
        return self._reference

    @pytest.fixture
    def seed(self) -> int:
        return self._seed

    @pytest.fixture
    def shared(self) -> Shared:
        """Values several checks of this learner use, computed once (see grader.checks.shared)."""
        return self._shared

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """Fresh per submission (seed) and per check (its name), reproducible from the report."""
        return self._fixture_value("rng", request.node)

    def _fixture_value(self, name: str, item: pytest.Item) -> Any:
        if name == "rng":
            return np.random.default_rng([self._seed, zlib.crc32(item.name.encode())])
        return {"learner": self._learner, "reference": self._reference, "seed": self._seed,
                "shared": self._shared}[name]

    def _about_item(self, item: pytest.Item) -> _About:
        about = self._about.get(item.nodeid)
        if about is None:
            marker = item.get_closest_marker(MARK)
            obj = getattr(item, "obj", None)
            doc = (obj.__doc__ or "").strip().splitlines() if obj is not None else []
            self._check_dirs.add(Path(str(item.path)).resolve().parent)
            about = self._about[item.nodeid] = _About(
                function=marker.kwargs["function"] if marker else "?",
                max_points=marker.kwargs["points"] if marker else 0.0,
                description=_described(item, doc[0] if doc else ""),  # once per check and process
                hidden=any(Path(str(item.path)).resolve().is_relative_to(d) for d in self._hidden_dirs),
                direct=tuple(name for name in _OWN_FIXTURES if pytest_fast.defined_only_by(item, name, self)),
                wants_request=pytest_fast.uses_fixture(item, "request"),
            )
        return about

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        """Run the checks that collected (even when another check file did not)."""
        self.run_items(session)
        return True

    def run_items(self, session: pytest.Session) -> None:
        """Each collected check: its fixtures, the call, the teardown, and its result.

        Without pytest's per-item reporting hooks, through grader/checks/pytest_fast.py; should
        the pytest internals it uses change, every check goes through pytest's full protocol instead.
        """
        items = [item for item in session.items
                 if self.functions is None or self._about_item(item).function in self.functions]
        lean = pytest_fast.available(session, items)
        for i, item in enumerate(items):
            following = items[i + 1] if i + 1 < len(items) else None
            # What the comparison helpers read while this check runs: hidden or not, and its diagnoses.
            context = CheckContext(hidden=self._about_item(item).hidden, reveal_expected=self.reveal_expected)
            token = enter(context)
            try:
                if lean:
                    self._run_item(session, item, following)
                else:
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
            finally:
                leave(token)
        self._settle_factors()
        for declared in self._unloaded:
            if self.functions is None or declared.function in self.functions:
                self.results.append(declared.result(self._seed))

    def _run_item(self, session: pytest.Session, item: pytest.Item, following: pytest.Item | None) -> None:
        # Our own fixtures' values go in directly; pytest resolves every other fixture, and ours
        # where a check file overrides them.
        about = self._about_item(item)
        values = {name: self._fixture_value(name, item) for name in about.direct}
        pytest_fast.run_item(session, item, following, values,
                             lambda when, error, seconds: self._record(item, when, error, seconds),
                             with_request=about.wants_request)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """pytest.main turns Ctrl-C (and SIGTERM, see grader.interrupts) into an exit status and
        returns the checks that ran: remembered here, raised again by run_pytest, so that an
        interrupted grading never becomes a (partial) report."""
        if isinstance(excinfo.value, KeyboardInterrupt):
            self.interrupted = True

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A check file that cannot be loaded: each check it declares becomes a grader error (its points
        stay in the total), and the instructor gets a note with the error."""
        if not report.failed:
            return
        lines = report.longreprtext.strip().splitlines()
        error = lines[-1].removeprefix("E").strip() if lines else "?"
        path = (self._rootpath / report.nodeid.split("::")[0]).resolve()
        hidden = any(path.is_relative_to(d) for d in self._hidden_dirs)
        declared = declared_checks(path, error.split(":", 1)[0].strip() or "an error", hidden)
        if declared is None:
            self.collection_errors.append(say("note.grader_error_unread", path=report.nodeid, error=error))
            return
        self._unloaded += declared
        self.collection_errors.append(say("note.grader_error_collection", path=report.nodeid, error=error,
                                          count=len(declared), points=sum(d.points for d in declared)))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport | None:
        """Record the check's result and make pytest's report without its traceback rendering.

        pytest's own failure report parses the source of every frame (~10 ms a failure);
        the learner reads our message instead, so a failing submission stays as fast as a passing one.
        """
        error = call.excinfo.value if call.excinfo else None
        if isinstance(error, pytest.skip.Exception):
            return None  # pytest's own report knows how to show a skip
        self._record(item, call.when, error, call.duration)
        return pytest_fast.plain_report(item, call, error)

    def _record(self, item: pytest.Item, when: str, error: BaseException | None, seconds: float) -> None:
        """Keep the check's result: of its call, or of the setup or teardown that failed."""
        if isinstance(error, pytest.skip.Exception):
            return  # a skipped check is no result
        if when == "call" or error is not None:
            secret = self._through_hidden_code(error)
            status, message = _status_and_message(error, secret=secret)
            if status == "error" and not isinstance(error, LearnerFault) and (
                    when != "call" or not self._runs_on_right_answers(item)):
                message = self._grader_error(item, error, secret)
            if isinstance(error, CheckFailure) and when == "call":
                message = "\n".join([message, *self._retracer.failed(current_context(), self._reference)])
            self.results.append(self._result(item, seconds, status, message))
            _drop_frames(error)

    def _runs_on_right_answers(self, item: pytest.Item) -> bool:
        """Does the check that just crashed pass with the reference in the learner's place?

        Yes: the crash came from the learner's values (the check's code could not handle them).
        No (it crashes or fails again, or cannot be run again): the check is broken.
        A ``learner`` that is not a ``Learner`` (a test's plain values) cannot be stood in for: yes, as
        before grader errors existed.
        """
        if not self._stand_in_possible:
            return True
        function, funcargs = getattr(item, "obj", None), pytest_fast.fixture_values(item)
        argnames = pytest_fast.argument_names(item)
        if function is None or funcargs is None or argnames is None or self._reference is None:
            return False
        about = self._about_item(item)
        stand_ins = {"learner": ReferenceLearner(self._reference), "shared": Shared(self._seed),
                     "rng": self._fixture_value("rng", item)}
        kwargs = {}
        for name in argnames:
            if name in about.direct and name in stand_ins:
                kwargs[name] = stand_ins[name]
            elif name in funcargs:
                kwargs[name] = funcargs[name]
            else:
                return False
        return runs_on_right_answers(function, kwargs, CheckContext(hidden=about.hidden,
                                                                    reveal_expected=self.reveal_expected))

    def _grader_error(self, item: pytest.Item, error: BaseException | None, secret: bool) -> str:
        """The learner's feedback for a check the grader could not run (its note goes to ``grader_errors``)."""
        about = self._about_item(item)
        feedback, note = grader_error(f"{Path(str(item.path)).name}::{item.name}", about.function,
                                      about.max_points, self._seed, error, secret=secret,
                                      check_dirs=self._check_dirs)
        self.grader_errors.append(note)
        return feedback

    def _through_hidden_code(self, error: BaseException | None) -> bool:
        """Did ``error`` come through trusted code under a hidden dir other than the checks themselves
        (the reference solution)? Its message would describe that code."""
        trace = error.__traceback__ if error is not None else None
        while trace is not None:
            path = Path(trace.tb_frame.f_code.co_filename)
            if path.is_absolute():
                path = path.resolve()
                if path.parent not in self._check_dirs and any(path.is_relative_to(d) for d in self._hidden_dirs):
                    return True
            trace = trace.tb_next
        return False

    def _settle_factors(self) -> None:
        settle(self.results, self._factor_claims)
        self._factor_claims = []

    def _result(self, item: pytest.Item, seconds: float, status: str, message: str) -> CheckResult:
        about = self._about_item(item)
        context = current_context()
        hints = context.diagnoses_in(message) if context is not None and status != "passed" else []
        diagnoses = [CheckDiagnosis(hint.diagnosis, hint.title) for hint in hints]
        self._factor_claims += [(len(self.results), h) for h in hints if h.diagnosis in FACTOR_CLAIMS]
        if len(message) > MESSAGE_CHARS:
            message = message[:MESSAGE_CHARS] + "\n" + say("check.message_cut")
        return CheckResult(
            function=about.function,
            name=item.name.removeprefix("test_"),
            status=status,  # type: ignore[arg-type]
            points=about.max_points if status == "passed" else 0.0,
            max_points=about.max_points,
            message=message,
            description=about.description,
            hidden=about.hidden,
            seconds=round(seconds, 4),
            diagnoses=diagnoses,
        )


_OWN_FIXTURES = ("learner", "reference", "seed", "rng", "shared")


def _described(item: pytest.Item, docstring: str) -> str:
    """A check's description in the active language: its exercise's catalog entry
    ``<exercise>.check.<name>`` (the English one is the docstring's first line), else the docstring's."""
    folder = Path(str(item.path)).resolve().parent
    exercise = folder.parent.name if folder.name == "checks" else folder.name
    message_id = f"{exercise}.check.{item.name.removeprefix('test_')}".lower()
    return say(message_id) if knows(message_id) else docstring


@dataclass(frozen=True)
class _About:
    function: str
    max_points: float
    description: str
    hidden: bool
    direct: tuple[str, ...]  # our fixtures this check uses that no check file overrides
    wants_request: bool  # pytest's `request` is in its fixture closure (our rng asks for it)


def _drop_frames(error: BaseException | None) -> None:
    """Let the frames of a failed check go now: through its traceback they hold the learner's values,
    often in reference cycles that only the garbage collector would break (a learner's 60 MB
    array kept by every failing check until then)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error.__traceback__ = None
        error = error.__cause__ or error.__context__


def _status_and_message(error: BaseException | None, *, secret: bool = False) -> tuple[str, str]:
    """(status, feedback) of a check that raised ``error`` (None: it passed).

    secret: the error came through the reference solution: its message describes the reference's
    code (and may hold its values), not the learner's mistake, so only its type is shown.
    """
    if error is None:
        return "passed", ""
    if isinstance(error, LearnerFault):
        return error.status, str(error)
    if isinstance(error, CheckFailure):
        return "failed", str(error)
    if secret:
        return "error", say("check.crashed", error_type=type(error).__name__)
    if isinstance(error, pytest.fail.Exception):
        return "failed", str(error.msg) or "the check failed"
    if isinstance(error, AssertionError):
        # A plain `assert cond, message`: the message is the feedback, without pytest's rewritten expression.
        return "failed", str(error).split("\nassert ", 1)[0].strip() or "an assertion failed"
    return "error", say("check.internal", error_type=type(error).__name__, message=str(error)[:500])


SPOKEN_MARK = "_dl_grader_language"


def _use_check_dirs(check_files: list[Path]) -> None:
    """Make this run import its own check and helper modules.

    Check folders go on sys.path (pytest's prepend mode) and modules are cached by
    name, so a second copy of an exercise graded in the same process would get the
    first copy's modules: move this run's folders to the front and forget same-named
    modules that came from elsewhere.
    """
    folders = list(dict.fromkeys(path.resolve().parent for path in check_files))
    for folder in reversed(folders):
        if str(folder) in sys.path:
            sys.path.remove(str(folder))
        sys.path.insert(0, str(folder))
    spoken = language()
    for folder in folders:
        for path in folder.glob("*.py"):
            module = sys.modules.get(path.stem)
            origin = getattr(module, "__file__", None)
            # A module imported while another language was spoken keeps the sentences it made then.
            if module is not None and (origin is None or Path(origin).resolve() != path
                                       or getattr(module, SPOKEN_MARK, spoken) != spoken):
                del sys.modules[path.stem]


def _mark_spoken(check_files: list[Path]) -> None:
    """Note on this run's check and helper modules the language they were imported in."""
    for folder in dict.fromkeys(path.resolve().parent for path in check_files):
        for path in folder.glob("*.py"):
            module = sys.modules.get(path.stem)
            if module is not None and not hasattr(module, SPOKEN_MARK):
                setattr(module, SPOKEN_MARK, language())


def run_pytest(check_files: list[Path], root: Path, plugin: CheckPlugin, *, silent: bool = True) -> None:
    """pytest.main over the check files, with no plugin but ours.

    silent: send everything printed meanwhile (pytest's report, the reference's prints)
    to a sink; a session kept open in a thread leaves that to each job instead, as it
    must not swallow the rest of the process's output.
    """
    _use_check_dirs(check_files)
    ini = Path(__file__).parent / "pytest.ini"
    options = PYTEST_ARGS if silent else [a for a in PYTEST_ARGS if a != "-q"] + ["-p", "no:terminal"]
    args = [*options, "-c", str(ini), "--rootdir", str(root), *map(str, check_files)]
    sink = io.StringIO()
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.ExitStack() as quiet:
            if silent:
                quiet.enter_context(redirect_stdout(sink))
                quiet.enter_context(redirect_stderr(sink))
            pytest.main(args, plugins=[plugin])
        _mark_spoken(check_files)
        if plugin.interrupted:
            raise KeyboardInterrupt
    finally:
        if saved is None:
            del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def run_checks(check_files: list[Path], learner: Learner, reference: Any, seed: int,
               hidden_dirs: list[Path], root: Path, *, reveal_expected: bool = False,
               functions: set[str] | None = None) -> tuple[list[CheckResult], list[str]]:
    """Run the check files; returns (results in run order, notes for the instructor: check files that
    could not be loaded and checks the grader could not run).

    reveal_expected: hidden checks' failures show the expected values too (see ``CheckPlugin``).
    functions: run only the checks of these graded functions (None: all of them).
    """
    plugin = CheckPlugin(learner, reference, seed, hidden_dirs, reveal_expected=reveal_expected,
                         functions=functions)
    run_pytest(check_files, root, plugin)
    return plugin.results, plugin.notes()
