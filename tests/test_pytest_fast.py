"""The pytest internals the check runner's fast path uses (grader/checks/pytest_fast.py) keep their shape.

Each test fails when a part of pytest that pytest_fast.py reaches into changes: a name, a signature,
what it returns or sets. Should one fail after a pytest upgrade, adapt pytest_fast.py (or keep the
old pytest: pyproject.toml pins the tested range); the runner meanwhile falls back to pytest's full
protocol wherever ``pytest_fast.available`` says no.
"""

from __future__ import annotations

import inspect
import re
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from grader.checks import pytest_fast

ROOT = Path(__file__).resolve().parents[1]

CHECKS = '''
import pytest

LOG = []


@pytest.fixture
def opened():
    LOG.append("open")
    yield "resource"
    LOG.append("close")


@pytest.fixture
def broken_setup():
    raise RuntimeError("setup broke")


@pytest.fixture
def broken_teardown():
    yield None
    raise RuntimeError("teardown broke")


@pytest.fixture
def overridden():
    return "the check file's"


def test_values(given, opened, request):
    LOG.append(("values", given, opened, request.node.name))


def test_fails(given):
    assert given == "something else", "not equal"


def test_setup_fails(broken_setup):
    pass


def test_teardown_fails(broken_teardown):
    LOG.append("ran")


def test_overridden(overridden):
    pass


def test_balanced():
    LOG.append(("balanced", LOG.count("open") == LOG.count("close")))
'''


class Probe:
    """A plugin that runs the collected tests itself, through pytest_fast, and notes what it sees."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}
        self.records: dict[str, list[tuple[str, str | None]]] = {}

    @pytest.fixture
    def given(self) -> str:
        return "pytest resolved it"

    @pytest.fixture
    def overridden(self) -> str:
        return "ours"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        items = list(session.items)
        seen = self.seen
        seen["available"] = pytest_fast.available(session, items)
        state = session._setupstate
        seen["setup"] = list(inspect.signature(state.setup).parameters)
        seen["teardown_exact"] = list(inspect.signature(state.teardown_exact).parameters)
        first = items[0]
        seen["argnames"] = pytest_fast.argument_names(first)
        seen["uses"] = {name: pytest_fast.uses_fixture(first, name) for name in ("given", "opened", "request", "x")}
        seen["ours"] = {(item.name, name): pytest_fast.defined_only_by(item, name, self)
                        for item, name in ((first, "given"), (first, "opened"), (items[4], "overridden"))}
        seen["values_before"] = pytest_fast.fixture_values(first)
        for i, item in enumerate(items):
            following = items[i + 1] if i + 1 < len(items) else None
            values = {"given": "given directly"} if pytest_fast.defined_only_by(item, "given", self) else {}
            records = self.records.setdefault(item.name, [])
            inside: dict[str, Any] = {}

            def record(when: str, error: BaseException | None, seconds: float, item=item, records=records,
                       inside=inside) -> None:
                assert seconds >= 0
                records.append((when, None if error is None else str(error)))
                inside.setdefault("values", dict(pytest_fast.fixture_values(item) or {}))

            pytest_fast.run_item(session, item, following, values, record,
                                 with_request=pytest_fast.uses_fixture(item, "request"))
            seen.setdefault("inside", {})[item.name] = inside.get("values", {})
            seen.setdefault("after", {})[item.name] = pytest_fast.fixture_values(item)
        module = items[0].module  # type: ignore[attr-defined]
        seen["log"] = list(module.LOG)
        return True


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> Probe:
    folder = tmp_path_factory.mktemp("fast")
    path = folder / "checks_fast.py"
    path.write_text(textwrap.dedent(CHECKS))
    probe = Probe()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "--noconftest", "-c", str(ROOT / "grader/checks/pytest.ini"),
                        "--rootdir", str(folder), "-o", "python_files=checks_*.py", "--capture=no", str(path)],
                       plugins=[probe])
    assert code == 0, code
    return probe


def test_pytest_is_in_the_tested_range_that_pyproject_pins() -> None:
    low, high = pytest_fast.TESTED
    version = tuple(int(part) for part in re.findall(r"\d+", pytest.__version__)[:2])
    assert tuple(map(int, low.split("."))) <= version < (int(high), 0), pytest.__version__
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"pytest>={low},<{high}" in dependencies


def test_the_lean_runner_finds_what_it_needs(probe: Probe) -> None:
    assert probe.seen["available"] is True
    assert probe.seen["setup"] == ["item"] and probe.seen["teardown_exact"] == ["nextitem"]


def test_which_fixtures_a_check_uses_and_who_defines_them(probe: Probe) -> None:
    assert probe.seen["argnames"] == ("given", "opened", "request")
    assert probe.seen["uses"] == {"given": True, "opened": True, "request": True, "x": False}
    # given: only the plugin defines it; opened: the check file; overridden: both (the file's wins)
    assert probe.seen["ours"] == {("test_values", "given"): True, ("test_values", "opened"): False,
                                  ("test_overridden", "overridden"): False}
    assert probe.seen["values_before"] == {}  # a collected check's values, before it runs


def test_fixture_values_are_fresh_for_each_run_and_dropped_after(probe: Probe) -> None:
    inside = probe.seen["inside"]["test_values"]
    assert inside["given"] == "given directly" and inside["opened"] == "resource"
    assert isinstance(inside["request"], pytest.FixtureRequest)
    assert probe.seen["after"] == {name: None for name in probe.seen["after"]}  # funcargs dropped after each check
    assert ("values", "given directly", "resource", "test_values") in probe.seen["log"]


def test_each_phase_is_recorded_as_the_runner_expects(probe: Probe) -> None:
    records = probe.records
    assert records["test_values"] == [("call", None)]
    assert records["test_fails"][0][0] == "call" and "not equal" in records["test_fails"][0][1]
    assert records["test_setup_fails"] == [("setup", "setup broke")]
    assert records["test_teardown_fails"] == [("call", None), ("teardown", "teardown broke")]
    assert ("balanced", True) in probe.seen["log"]  # every fixture opened before was closed


def test_a_report_without_a_rendered_traceback() -> None:
    item = type("Item", (), {"nodeid": "checks_x.py::test_x", "location": ("checks_x.py", 3, "test_x")})()
    call = pytest.CallInfo.from_call(lambda: 1 / 0, when="call")
    report = pytest_fast.plain_report(item, call, call.excinfo.value)  # type: ignore[arg-type]
    assert isinstance(report, pytest.TestReport)
    assert (report.nodeid, report.outcome, report.when) == ("checks_x.py::test_x", "failed", "call")
    assert report.longreprtext == "ZeroDivisionError: division by zero"
    passed = pytest_fast.plain_report(item, pytest.CallInfo.from_call(lambda: 1, when="setup"), None)  # type: ignore[arg-type]
    assert passed.passed and passed.when == "setup" and passed.duration >= 0
