"""Extraction: which parts of a learner's file are kept, and how bad files are refused."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from grader.errors import UsageError
from grader.ingest.parsing import extract_units, parse_tolerant, strip_magics
from grader.ingest.shared_cells import SharedCells
from grader.ingest.submission import extract_file, fingerprint, load_submission


def names(module) -> list[str]:
    return [n for u in module.units for n in u.names]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_keeps_definitions_and_drops_top_level_code(tmp_path):
    """Are imports, functions, classes and constants kept, and calls, loops, data loading dropped?"""
    source = """
import numpy as np
from math import exp as e
X_train, Y_train = load_dataset()
X = X_train / 255
LR = 0.5
SHAPE = (3, 4)
W0 = np.zeros(SHAPE)
data = np.load("data.npy")
print(sigmoid(3))
for i in range(3):
    pass
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
class Layer:
    pass
alias = sigmoid
square = lambda v: v * v
if __name__ == "__main__":
    sigmoid(1)
np.exp = None
"""
    module, notes, _ = extract_file(write(tmp_path, "a.py", source), "a.py")
    assert names(module) == ["np", "e", "LR", "SHAPE", "W0", "sigmoid", "Layer", "alias", "square"]
    assert notes == []


def test_last_definition_wins_and_source_is_kept(tmp_path):
    module, _, _ = extract_file(write(tmp_path, "a.py", "def f():\n    return 1\n\ndef f():\n    return 2\n"), "a.py")
    assert "return 2" in module.source_of("f")
    assert module.units[-1].first_line == 4


def test_syntax_error_costs_only_its_block(tmp_path):
    source = "def good(x):\n    return x\n\ndef bad(x):\n    return x +\n\ndef later(x):\n    '''doc\nat column 0\n'''\n    return x\n"
    module, notes, _ = extract_file(write(tmp_path, "a.py", source), "a.py")
    assert names(module) == ["good", "later"]
    assert len(notes) == 1 and notes[0].kind == "syntax-error" and "line 5" in notes[0].message


def test_decorated_function_is_one_block():
    statements, errors = parse_tolerant("@staticmethod\ndef f(:\n    pass\n@dec\ndef g():\n    return 1\n")
    assert [type(s).__name__ for s, _ in statements] == ["FunctionDef"]
    assert len(errors) == 1


def test_magics_and_shell_escapes_are_blanked():
    assert strip_magics("%matplotlib inline\nimport numpy as np\n!pip install x\nfiles = !ls") == "\nimport numpy as np\n\n"
    assert strip_magics("%%bash\necho hi") is None
    assert strip_magics("%%time\nx = 1") == "\nx = 1"


def notebook(tmp_path: Path, cells: list, name: str = "nb.ipynb") -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_notebook_cells_in_order_with_locations(tmp_path):
    path = notebook(tmp_path, [
        nbformat.v4.new_markdown_cell("def not_code(): pass"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        nbformat.v4.new_code_cell("# GRADED FUNCTION: f\ndef f(x):\n    return x"),
        nbformat.v4.new_code_cell("def f(x:\n"),
        nbformat.v4.new_code_cell("def g(x):\n    return f(x)"),
    ])
    module, notes, _ = extract_file(path, "nb.ipynb")
    assert names(module) == ["np", "f", "g"]
    assert module.units[1].location == "cell 3, line 2"
    assert module.units[1].filename == "nb.ipynb [cell 3]"
    assert [(n.location, n.kind) for n in notes] == [("cell 4", "syntax-error")]


def test_nbformat_v3_notebook(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["import numpy as np\n", "def f(x):\n", "    return x"], "outputs": [],
         "language": "python"}]}]}
    path = write(tmp_path, "old.ipynb", json.dumps(v3))
    module, _, _ = extract_file(path, "old.ipynb")
    assert names(module) == ["np", "f"]


def test_outputs_and_attachments_are_ignored(tmp_path):
    cell = nbformat.v4.new_code_cell("def f():\n    return 1", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="def evil(): pass")])
    md = nbformat.v4.new_markdown_cell("![x](attachment:x.png)")
    md["attachments"] = {"x.png": {"image/png": "iVBORw0KGgo="}}
    module, _, _ = extract_file(notebook(tmp_path, [md, cell]), "nb.ipynb")
    assert names(module) == ["f"]


@pytest.mark.parametrize("content, expected", [
    (b"\x00\x01binary", "binary file"),
    (b"def f():\n    return '\xff\xfe'\n", "not UTF-8"),
])
def test_unusable_files_raise_usage_error(tmp_path, content, expected):
    path = tmp_path / "bad.py"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=expected):
        extract_file(path, "bad.py")


@pytest.mark.parametrize("text, expected", [
    ("{not json", "JSON error at line 1"),
    ("[1, 2]", "top level is not a JSON object"),
    ('{"metadata": {}}', "no 'cells' list"),
])
def test_malformed_notebooks_raise_usage_error(tmp_path, text, expected):
    with pytest.raises(UsageError, match=expected):
        extract_file(write(tmp_path, "bad.ipynb", text), "bad.ipynb")


def test_missing_file_raises_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        extract_file(tmp_path / "nope.py", "nope.py")


def test_empty_file_has_no_units(tmp_path):
    module, notes, _ = extract_file(write(tmp_path, "empty.py", ""), "empty.py")
    assert module.units == [] and notes == []


def test_submission_hash_depends_on_content_and_on_every_importable_module(tmp_path):
    a = load_submission([write(tmp_path, "a.py", "x = 1\n")], root=tmp_path)
    again = load_submission([tmp_path / "a.py"], root=tmp_path)
    assert a.sha256 == again.sha256 and a.files[0].path == "a.py"
    b = load_submission([write(tmp_path, "b.py", "x = 2\n")], root=tmp_path)
    with_sibling = load_submission([tmp_path / "a.py"], root=tmp_path)
    assert len({a.sha256, b.sha256, with_sibling.sha256}) == 3  # a module a.py can import changes it
    assert [(m.name, m.data) for m in with_sibling.siblings] == [("b.py", b"x = 2\n")]
    write(tmp_path, "b.py", "x = 3\n")
    changed = load_submission([tmp_path / "a.py"], root=tmp_path)
    assert changed.sha256 != with_sibling.sha256
    assert load_submission([tmp_path / "a.py"], root=tmp_path, siblings=False).sha256 == a.sha256
    assert fingerprint([tmp_path / "a.py"]) == changed.sha256
    assert fingerprint([tmp_path / "a.py"], siblings=False) == a.sha256


def test_find_prefers_the_last_file_and_aliases(tmp_path):
    first = write(tmp_path, "one.py", "def normalizeRows(x):\n    return x\n")
    second = write(tmp_path, "two.py", "def sigmoid(x):\n    return x\n")
    submission = load_submission([first, second], root=tmp_path)
    module, name = submission.find(("normalize_rows", "normalizeRows"))
    assert (module.name, name) == ("one", "normalizeRows")
    assert submission.find(("softmax",)) is None


def test_indented_percent_continues_a_string_format():
    cell = 'print("cost = %f"\n      % (0.5))\n%timeit f()\ndef f():\n    return 1\n'
    assert strip_magics(cell) == 'print("cost = %f"\n      % (0.5))\n\ndef f():\n    return 1\n'


def test_computations_nothing_reads_are_left_out(tmp_path):
    """A demonstration cell's large arrays and plotting imports are left out; what functions read stays."""
    first = write(tmp_path, "basics.py", """
from __future__ import annotations
import numpy as np
import time
import matplotlib.pyplot as plt
from lr_utils import load_dataset
from helpers import *
a = np.random.rand(1_000_000)
b = np.random.rand(1_000_000)
vectorized = np.dot(a, b)
EPS = np.finfo(float).eps
SCALE = np.sqrt(2.0)
BASE = np.ones(3)
OFFSET = BASE * 2
LR = 0.5
def safe_log(x):
    return np.log(x + EPS)
def scaled(x):
    return x * OFFSET
""")
    second = write(tmp_path, "other.py", "from basics import SCALE\ndef f(x):\n    return x * SCALE\n")
    submission = load_submission([first, second], siblings=False, graded=["safe_log"])
    kept = [n for module in submission.modules for n in names(module)]
    assert kept == ["annotations", "np", "EPS", "SCALE", "BASE", "OFFSET", "LR", "safe_log", "scaled", "SCALE", "f"]
    assert "a" not in kept and "vectorized" not in kept and "plt" not in kept  # nothing reads them
    assert any(u.source == "from helpers import *" for u in submission.modules[0].units)  # may define anything


def test_a_parameter_or_local_of_the_same_name_does_not_keep_a_computation(tmp_path):
    path = write(tmp_path, "a.py", """
import numpy as np
b = np.random.rand(1_000_000)
w = np.random.rand(10)
z = np.zeros(3)
g = np.ones(2)
def propagate(w, b, X, Y):
    A = np.dot(w.T, X) + b
    return A
def local_only():
    z = 1
    return [z for _ in range(3)]
def uses_global():
    global g
    g = g + 1
    return g
""")
    submission = load_submission([path], siblings=False, graded=[])
    assert names(submission.modules[0]) == ["np", "g", "propagate", "local_only", "uses_global"]


def _units(module) -> list[tuple]:
    return [(u.names, u.first_line, u.location, u.source, u.filename) for u in module.units]


@pytest.mark.parametrize("starter", ["week2/python_basics.py", "week3/planar_classification.py",
                                     "week4/deep_neural_network.py"])
def test_a_percent_format_file_extracts_the_same_cell_by_cell(tmp_path, starter):
    from grader.ingest import submission
    from grader.ingest.parsing import NO_DEADLINE

    root = Path(__file__).resolve().parents[1]
    source = (root / "exercises" / starter).read_text()
    path = write(tmp_path, "mine.py", source + "\n# %%\ndef extra(x):\n    return x\n")
    by_cells, _, _ = extract_file(path, "mine.py")
    assert submission._by_cells(path.read_text(), "mine.py", None, NO_DEADLINE) is not None  # taken cell by cell
    whole, _ = extract_units(path.read_text(), "mine.py", "")
    assert _units(by_cells) == [(u.names, u.first_line, u.location, u.source, u.filename) for u in whole]


def test_a_string_across_a_cell_marker_falls_back_to_the_whole_file(tmp_path):
    path = write(tmp_path, "a.py", 'import numpy as np\n\nDOC = """\n# %% not a cell\n"""\n\n# %%\ndef f():\n    return DOC\n')
    module, notes, _ = extract_file(path, "a.py")
    assert names(module) == ["np", "DOC", "f"] and notes == []
    assert [u.first_line for u in module.units] == [1, 3, 8]


def _parse(text: str):
    statements, errors = parse_tolerant(text)
    return tuple(statements), tuple(errors)


def test_only_cells_met_twice_are_kept_parsed_and_never_more_than_128():
    cells = SharedCells()
    for i in range(300):  # every learner's own cell: parsed, never kept
        cells.parsed(f"def mine_{i}(x):\n    return x + {i}\n", _parse)
    assert len(cells) == 0
    shared = "import numpy as np\nA = np.ones(3)\n"
    first, second, third = (cells.parsed(shared, _parse) for _ in range(3))
    assert shared in cells and second is third
    assert [ast.dump(s) for s, _ in first[0]] == [ast.dump(s) for s, _ in second[0]]
    for i in range(300):
        for _ in range(2):
            cells.parsed(f"B_{i} = {i}\n", _parse)
    assert len(cells) == 128
    assert shared not in SharedCells() and len(SharedCells()) == 0  # each owner has its own


def test_graded_functions_that_are_imported_or_computed_are_kept(tmp_path):
    path = write(tmp_path, "a.py", """
import numpy as np
from helpers import sigmoid
softmax_rows = np.vectorize(float)
unused = np.vectorize(int)
""")
    submission = load_submission([path], siblings=False, graded=["sigmoid", "softmax", "softmax_rows"])
    assert names(submission.modules[0]) == ["np", "sigmoid", "softmax_rows"]
    everything = load_submission([path], siblings=False)  # not told what is graded: nothing is left out
    assert names(everything.modules[0]) == ["np", "sigmoid", "softmax_rows", "unused"]


def test_when_the_functions_do_not_compile_nothing_they_mention_is_left_out(tmp_path):
    path = write(tmp_path, "a.py", """
import numpy as np
TABLE = np.arange(4)
UNUSED = np.arange(5)
def f():
    nonlocal TABLE
    return TABLE
""")  # parses, but `nonlocal` at a function's top level does not compile
    submission = load_submission([path], siblings=False, graded=["f"])
    assert names(submission.modules[0]) == ["np", "TABLE", "f"]


def _locations(code) -> list:
    """Every code object's name, file, first line and instruction positions, nested ones included."""
    import types

    found, stack = [], [code]
    while stack:
        current = stack.pop()
        positions = list(current.co_positions())
        if current.co_name == "<module>":  # its RESUME sits before line 1 when compiled from text
            positions = positions[1:]
        found.append((current.co_name, current.co_filename, positions))
        stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
    return found


def test_units_compiled_here_match_the_worker_compiling_their_text(tmp_path):
    """File names and every line and column of the code shipped to the worker are those of its text."""
    import marshal

    cells = ["import numpy as np\nSCALE = 2.0", "@staticmethod\ndef f(x, k=np.e):\n    def g(y):\n"
             "        return y / 0\n    return [g(v) for v in x] + [lambda: SCALE]",
             "x = 1\n# a comment\n\nclass Model:\n    rate: float = 0.1\n    def fit(self, X):\n        return X.T"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    paths = [tmp_path / "a.ipynb", write(tmp_path, "b.py", "# %%\n" + "\n\n# %%\n".join(cells) + "\n")]
    nbformat.write(nb, paths[0])
    for path in paths:
        submission = load_submission([path], siblings=False, graded=["f", "Model"])
        units = submission.modules[0].units
        assert len(units) == 5 and all(u.compiled is not None for u in units)
        for unit in units:
            text = compile("\n" * (unit.first_line - 1) + unit.source, unit.filename, "exec")
            assert _locations(unit.compiled) == _locations(text), unit.location
            assert _locations(marshal.loads(unit.for_worker()["code"])) == _locations(text)


def test_a_unit_that_does_not_compile_is_left_to_the_worker(tmp_path):
    path = write(tmp_path, "a.py", "def f():\n    return 1\n\nclass A:\n    nonlocal q\n")
    units = load_submission([path], siblings=False, graded=["f"]).modules[0].units
    assert [u.names for u in units] == [("f",), ("A",)]
    assert units[0].compiled is not None and units[1].compiled is None
    assert "code" not in units[1].for_worker() and "code" in units[0].for_worker()


def test_cells_met_before_are_compiled_once_and_named_after_each_learner(tmp_path, monkeypatch):
    import marshal

    from grader.ingest import compiling

    compiled = []
    real_compile = compile
    monkeypatch.setattr(compiling, "compile", lambda *a, **k: compiled.append(1) or real_compile(*a, **k),
                        raising=False)
    shared = "def helper(x):\n    return 2 * x\n"
    for learner in ("ann", "bob", "cy"):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(shared),
                                             nbformat.v4.new_code_cell(f"def f(x):\n    return helper(x)  # {learner}")])
        nbformat.write(nb, tmp_path / f"{learner}.ipynb")
    cells = SharedCells()  # what a batch's grading process keeps from one learner to the next
    codes = {}
    for learner in ("ann", "bob", "cy"):
        compiled.clear()
        units = load_submission([tmp_path / f"{learner}.ipynb"], root=tmp_path, siblings=False,
                                graded=["f"], cells=cells).modules[0].units
        codes[learner] = (len(compiled), [marshal.loads(u.for_worker()["code"]).co_consts[0].co_filename
                                          for u in units])
    # ann: both cells compiled; bob: the shared cell is seen a second time (cached from then on); cy: only her own
    assert [count for count, _ in codes.values()] == [2, 2, 1]
    assert codes["cy"][1] == ["cy.ipynb [cell 1]", "cy.ipynb [cell 2]"]
    compiled.clear()  # without the cells read before, everything is compiled again
    load_submission([tmp_path / "cy.ipynb"], root=tmp_path, siblings=False, graded=["f"])
    assert len(compiled) == 2


def test_the_worker_compiles_the_text_when_the_code_it_gets_is_unusable():
    from grader.sandbox.worker import _code

    unit = {"source": "def f():\n    return 41 + 1\n", "filename": "a.py", "first_line": 3}
    for code in (b"not marshal data", __import__("marshal").dumps(42), None):
        loaded = _code({**unit, "code": code} if code is not None else unit)
        namespace: dict = {}
        exec(loaded, namespace)
        assert namespace["f"]() == 42 and namespace["f"].__code__.co_firstlineno == 3


def test_compiled_code_of_shared_cells_leaves_with_its_cell(tmp_path):
    cells = SharedCells()
    for i in range(200):  # 200 different cells, each met by two learners
        path = write(tmp_path, f"l{i}.py", f"def f_{i}(x):\n    return x + {i}\n\nG_{i} = {i}\n")
        for _ in range(3):
            load_submission([path], siblings=False, graded=[f"f_{i}"], cells=cells)
    kept = {id(s) for statements, _ in cells._parsed.values() for s, _ in statements}
    assert len(cells) == 128 and 0 < len(cells._code) <= len(kept)
    assert set(cells._code) <= kept
