"""Fuzzing the loaders: random and mutated notebooks and Python sources never crash the grader.

Every input ends as a Submission (then a report) or as a ``UsageError`` whose message is one line;
any other exception is a bug (it would print a traceback to a learner, or stop a whole ``grade
batch``). Mutations start from a real course notebook: keys removed, values of the wrong type, huge
and exotic strings (lone surrogates included), nbformat v3 and v4.5 layouts, outputs and
attachments, deep nesting, truncated JSON; Python sources are random bytes, token soups and
truncations of the course's own files.

The default runs are bounded (a few seconds each); the ``slow`` variants run many more examples.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.errors import UsageError
from grader.ingest.submission import load_submission
from grader.grading import grade_submission
from grader.model.report import GradeReport
from grader.sandbox.client import Limits

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "week2"
NOTEBOOK = EXERCISE / "python_basics.ipynb"
BASE = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
REAL_SOURCES = sorted(
    [*(ROOT / "solutions").glob("*/*.py"), *(ROOT / "exercises").glob("*/*.py"),
     *(ROOT / "tests" / "security" / "fixtures" / "hostile").glob("*.py")]
)
FUZZ_LIMITS = Limits(call_seconds=1, load_seconds=2, total_seconds=8)
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                     HealthCheck.function_scoped_fixture])

TOKENS = [
    "def", "class", "import", "from", "as", "return", "lambda", "if", "else", "elif", "for", "while", "in",
    "try", "except", "finally", "with", "yield", "await", "async", "global", "nonlocal", "del", "pass",
    "raise", "assert", "not", "and", "or", "is", "None", "True", "False", "np", "numpy", "sigmoid", "x", "y",
    "self", "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "==", "+", "-", "*", "**", "/", "//", "%", "@",
    "->", "...", "'", '"', '"""', "#", "\\", "0", "1", "1e308", "0x", "1j", "'\\x00'", "é", "\u200b", "\ud800",
    "%matplotlib", "!ls", "%%bash", "# GRADED FUNCTION: sigmoid", "### START CODE HERE ###", "\t", "    ",
]
SEPARATORS = [" ", "", "\n", "\n    ", "\n\t", "\r\n", "\r"]

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["\ud800", "\udcff def f(): pass", "def f(x):\n    return x\n", "code", "markdown", "raw",
                     "\x00", "é" * 50, "%%bash\nrm -rf /", "\u202e"]),
)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def check_outcome(path: Path) -> Any:
    """Load ``path`` as grading does (compiled, unread code left out): a Submission, or None after
    a one-line UsageError; anything else fails the test."""
    try:
        return load_submission([path], root=path.parent, siblings=False, graded=["f", "sigmoid"])
    except UsageError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        assert "Traceback" not in message
        return None


def check_grade(path: Path) -> None:
    """Grade ``path``: a report, or a one-line UsageError."""
    try:
        report = grade_submission(EXERCISE, [path], seed=1, limits=FUZZ_LIMITS, siblings=False)
    except UsageError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(report, GradeReport)
    report.to_json()  # serializable
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # storable as UTF-8 (gradebook, HTML)


# -- notebook mutations ------------------------------------------------------------------------------


def _paths(obj: Any, max_depth: int = 12) -> list[tuple]:
    """Every path (tuple of keys / indexes) into ``obj``, the root first; not below ``max_depth``."""
    found: list[tuple] = []
    stack: list[tuple[tuple, Any]] = [((), obj)]
    while stack:
        prefix, node = stack.pop()
        found.append(prefix)
        if len(prefix) >= max_depth:
            continue
        if isinstance(node, dict):
            stack += [(prefix + (key,), value) for key, value in node.items()]
        elif isinstance(node, list):
            stack += [(prefix + (index,), value) for index, value in enumerate(node)]
    return found


def _parent(nb: Any, path: tuple) -> tuple[Any, Any]:
    node = nb
    for step in path[:-1]:
        node = node[step]
    return node, path[-1]


def _cells(nb: dict) -> list:
    """The notebook's cells when they are still a list (a mutation may have replaced them)."""
    cells = nb.get("cells")
    return cells if isinstance(cells, list) else []


def to_v3(nb: dict) -> dict:
    cells = []
    for cell in _cells(nb):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell = {**{k: v for k, v in cell.items() if k not in ("source", "id")}, "input": cell.get("source", ""),
                    "language": "python", "outputs": cell.get("outputs", [])}
        cells.append(cell)
    return {"nbformat": 3, "nbformat_minor": 0, "metadata": nb.get("metadata", {}),
            "worksheets": [{"cells": cells, "metadata": {}}]}


def with_outputs(nb: dict, size: int) -> dict:
    for number, cell in enumerate(_cells(nb)):
        if not isinstance(cell, dict):
            continue
        cell["id"] = f"cell-{number}"
        if cell.get("cell_type") == "code":
            cell["execution_count"] = number
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": ["def evil():\n", "    pass\n"]},
                {"output_type": "display_data", "metadata": {},
                 "data": {"image/png": "iVBORw0KGgo" + "A" * size, "text/plain": ["<Figure>"]}},
                {"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": ["\x1b[31mboom"]},
            ]
        else:
            cell["attachments"] = {"plot.png": {"image/png": "iVBORw0KGgo" + "B" * size}}
    nb["nbformat_minor"] = 5
    return nb


@st.composite
def mutated_notebooks(draw: st.DrawFn) -> str:
    nb = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["delete", "replace", "huge", "unicode", "v3", "v45", "outputs", "nest",
                                     "duplicate"]))
        paths = _paths(nb)[1:]
        if kind in ("delete", "replace", "huge", "unicode", "nest") and not paths:
            continue
        if kind in ("delete", "replace", "huge", "unicode", "nest"):
            parent, key = _parent(nb, draw(st.sampled_from(paths)))
            if kind == "delete":
                del parent[key]
            elif kind == "replace":
                parent[key] = draw(json_values)
            elif kind == "huge":
                size = draw(st.sampled_from([10_000, 200_000]))
                parent[key] = draw(st.sampled_from(["x" * size, ["def f():\n", "    return 1\n"] * (size // 200),
                                                    "def f(x):\n    return (" + "x+" * size + "x)\n"]))
            elif kind == "unicode":
                parent[key] = draw(st.text(alphabet=st.characters(codec=None, categories=None), max_size=30)) + \
                    draw(st.sampled_from(["", "\ud800", "\udfff", "\U0001f600", "\u0000"]))
            else:
                deep: Any = "x"
                for _ in range(draw(st.sampled_from([50, 5_000]))):
                    deep = [deep]
                parent[key] = deep
        elif kind == "v3" and isinstance(nb, dict):
            nb = to_v3(nb)
        elif kind == "v45" and isinstance(nb, dict):
            nb["nbformat"], nb["nbformat_minor"] = 4, 5
        elif kind == "outputs" and isinstance(nb, dict):
            nb = with_outputs(nb, draw(st.sampled_from([10, 100_000])))
        elif kind == "duplicate" and isinstance(nb, dict) and isinstance(nb.get("cells"), list) and nb["cells"]:
            nb["cells"] = nb["cells"] + nb["cells"][: draw(st.integers(min_value=1, max_value=len(nb["cells"])))]
    try:
        text = json.dumps(nb, ensure_ascii=draw(st.booleans()))
    except RecursionError:
        text = "[" * 100_000
    if draw(st.booleans()) and draw(st.integers(min_value=0, max_value=9)) == 0:
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


def run_on(name: str, content: str | bytes, check: Any) -> None:
    """Write ``content`` as ``name`` in a fresh folder, run ``check`` on it, remove the folder."""
    folder = Path(tempfile.mkdtemp(prefix="dlg-fuzz-"))
    try:
        path = folder / name
        # Lone surrogates are written as they are: the file is then not valid UTF-8.
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        check(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=150, **COMMON)
@given(mutated_notebooks())
def test_mutated_notebooks_never_crash_the_loader(text: str) -> None:
    run_on("learner.ipynb", text, check_outcome)


@pytest.mark.slow
@settings(max_examples=2000, **COMMON)
@given(mutated_notebooks())
def test_mutated_notebooks_never_crash_the_loader_long(text: str) -> None:
    run_on("learner.ipynb", text, check_outcome)


@settings(max_examples=12, **COMMON)
@given(mutated_notebooks())
def test_mutated_notebooks_are_graded_or_refused(text: str) -> None:
    run_on("learner.ipynb", text, check_grade)


@pytest.mark.slow
@settings(max_examples=150, **COMMON)
@given(mutated_notebooks())
def test_mutated_notebooks_are_graded_or_refused_long(text: str) -> None:
    run_on("learner.ipynb", text, check_grade)


@settings(max_examples=100, **COMMON)
@given(json_values)
def test_random_json_documents_as_notebooks(value: Any) -> None:
    run_on("learner.ipynb", json.dumps(value), check_outcome)


# -- Python sources ------------------------------------------------------------------------------------


token_soups = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=120).map(
    lambda pairs: "".join(token + sep for token, sep in pairs))


@st.composite
def truncated_sources(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(REAL_SOURCES)).read_text(encoding="utf-8")
    cut = draw(st.integers(min_value=0, max_value=len(text)))
    text = text[:cut]
    if draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(TOKENS + SEPARATORS)) + text[at:]
    return text


@settings(max_examples=200, **COMMON)
@given(st.binary(max_size=3000))
def test_random_bytes_as_python(data: bytes) -> None:
    for name in ("learner.py", "learner.ipynb"):
        run_on(name, data, check_outcome)


@settings(max_examples=200, **COMMON)
@given(token_soups)
def test_token_soups_as_python(text: str) -> None:
    run_on("learner.py", text, check_outcome)


@settings(max_examples=100, **COMMON)
@given(truncated_sources())
def test_truncated_course_files(text: str) -> None:
    run_on("learner.py", text, check_outcome)


@settings(max_examples=10, **COMMON)
@given(st.one_of(truncated_sources(), token_soups))
def test_truncated_and_random_sources_are_graded_or_refused(text: str) -> None:
    run_on("learner.py", text, check_grade)


@pytest.mark.slow
@settings(max_examples=3000, **COMMON)
@given(st.one_of(st.binary(max_size=5000).map(lambda b: b.decode("latin-1")), token_soups, truncated_sources()))
def test_python_sources_never_crash_the_loader_long(text: str) -> None:
    run_on("learner.py", text, check_outcome)


@pytest.mark.slow
@settings(max_examples=150, **COMMON)
@given(st.one_of(truncated_sources(), token_soups))
def test_python_sources_are_graded_or_refused_long(text: str) -> None:
    run_on("learner.py", text, check_grade)


# -- regressions found by these tests ------------------------------------------------------------------


CRASHERS = dict([
    ("deep.ipynb", "[" * 100_000 + "]" * 100_000),                                       # RecursionError in json
    ("surrogate.ipynb", '{"cells": [{"cell_type": "code", "source": "def f():\\n    return \\"\\ud800\\""}]}'),
    ("cells_int.ipynb", '{"worksheets": [{"cells": 3}]}'),                                 # TypeError (v3)
    ("attr_chain.py", "X = np" + ".a" * 100_000 + "\n"),                                   # RecursionError in ast
    ("unary_chain.py", "X = " + "-" * 100_000 + "1\n"),                                    # MemoryError in parser
    ("lambda_chain.py", "X = " + "lambda: " * 5_000 + "1\n"),                              # MemoryError in parser
    ("sum_chain.py", "X = " + "1+" * 100_000 + "1\n"),                                     # RecursionError in ast
    ("deep_constant.py", "X = " + "1+" * 900 + "1\ndef f():\n    return 1\n"),             # recursion in our walk
    ("deep_body.py", "def sigmoid():\n    return " + "-" * 1000 + "1\ndef f():\n    return 1\n"),  # in compile
])


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_inputs_that_used_to_crash_the_loader(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(CRASHERS[name], encoding="utf-8")
    outcome = check_outcome(path)
    if name == "deep_constant.py":
        assert outcome is not None and [u.names for m in outcome.modules for u in m.units][-1] == ("f",)
    if name == "deep_body.py":  # parses, but too deep to compile: left for the worker to report
        assert outcome is not None and [(u.names, u.compiled is None) for u in outcome.modules[0].units] == [
            (("sigmoid",), True), (("f",), False)]
