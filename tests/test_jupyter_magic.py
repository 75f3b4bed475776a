"""`%load_ext grader` and `%grade`: the cells a real kernel ran are graded, unsaved edits included.

The kernel tests run notebooks built here (nbformat) on a real IPython kernel with nbclient and read
the outputs a front end would show. The notebook on disk, when there is one, holds the correct
definitions: a mistake the kernel ran but nobody saved must be what gets graded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.jupyter.cells import KernelSource, has_code, write_notebook
from grader.jupyter.display import KernelGrade
from grader.model.report import CheckResult, FunctionSummary, GradeReport, SourceNote

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions" / "week2").glob("*.py"))
MISTAKE = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"
KERNEL_FREE = ("grader.sandbox", "grader.checks", "grader.grading", "grader.ingest", "grader.classroom", "pytest",
               "grader.cli", "grader.server", "httpx")


def solution_cells() -> list[str]:
    """The week-2 reference split into cells: one per top-level definition, imports in their own."""
    cells = []
    for path in SOLUTIONS:
        lines = path.read_text(encoding="utf-8").split("\n")
        body = ast.parse("\n".join(lines)).body
        starts = [min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1 for node in body]
        for start, end in zip(starts, starts[1:] + [len(lines)]):
            chunk = "\n".join(lines[start:end]).strip()
            if chunk and not chunk.startswith("from __future__"):
                cells.append(chunk)
    return cells


def notebook_of(cells: list[str]):  # type: ignore[no-untyped-def]
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return notebook


def run_kernel(cells: list[str], folder: Path) -> list[list[dict]]:
    """Run ``cells`` in a fresh kernel working in ``folder`` (nothing is saved); each cell's outputs."""
    from nbclient import NotebookClient

    notebook = notebook_of(cells)
    NotebookClient(notebook, timeout=600, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return [[dict(output) for output in cell.outputs] for cell in notebook.cells]


def result_of(outputs: list[dict]) -> dict[str, str]:
    """The data of a cell's result (execute_result), by MIME type."""
    found = [o["data"] for o in outputs if o["output_type"] == "execute_result"]
    assert len(found) == 1, outputs
    return found[0]


def one_line(outputs: list[dict], stream: str) -> str:
    """The one line a cell printed on ``stream``, nothing else (no traceback, no result)."""
    assert all(o["output_type"] == "stream" and o["name"] == stream for o in outputs), outputs
    text = "".join(o["text"] for o in outputs)
    assert len(text.strip().splitlines()) == 1 and "Traceback" not in text, text
    return text.strip()


@pytest.fixture
def kernel_env(tmp_path, monkeypatch) -> Path:
    """The kernel's folder; its gradebook and environment are this test's own (the kernel inherits them)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("DL_GRADER_SERVER", "DL_GRADER_TOKEN", "JPY_SESSION_NAME", "DL_GRADER_EXERCISES"):
        monkeypatch.delenv(name, raising=False)
    return folder


# -- a real kernel ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_kernels_unsaved_edit_is_graded_not_the_file_on_disk(kernel_env, tmp_path, monkeypatch):
    """The saved notebook is right; the kernel ran a wrong sigmoid afterwards: %grade shows that mistake."""
    saved = kernel_env / "logistic_regression.ipynb"
    import nbformat

    nbformat.write(notebook_of(solution_cells()), saved)
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))  # as Jupyter Server tells a notebook's kernel
    on_disk = subprocess.run([sys.executable, "-m", "grader.cli", "submit", "week2", "--file", str(saved), "--only",
                              "sigmoid", "-q"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert on_disk.stdout.startswith("week2: 3 / 3\n"), on_disk.stderr

    cells = solution_cells() + [MISTAKE, "%load_ext grader", "%grade week2 sigmoid",
                                "import sys\nprint(sorted(m for m in sys.modules if m.startswith(" + repr(KERNEL_FREE)
                                + ")))"]
    outputs = run_kernel(cells, kernel_env)
    mistake_number = len(solution_cells()) + 1
    result = result_of(outputs[-2])
    text, html = result["text/plain"], result["text/html"]
    assert text.startswith(f"Graded the {mistake_number} cells you ran in this kernel (In[1]..In[{mistake_number}])")
    assert "unsaved edits included" in text and "not the file on disk" in text
    assert "sigmoid  0.0/3.0" in text and "has the right shape but wrong" in text and "Total: 0 / 3" in text
    assert "not recorded" in text
    assert 'data-function="sigmoid"' in html and 'data-status="failed"' in html and 'data-status="passed"' not in html
    assert "has the right shape but wrong values" in html
    assert 'class="dlg-total band-low" data-points="0.0" data-max-points="3.0"' in html
    assert not [part for part in ("<script", "src=", "url(", "@import", "<link") if part in html]  # nothing fetched
    # The grading ran in another process: nothing of the sandbox, the checks or pytest came into the kernel.
    assert one_line(outputs[-1], "stdout") == "[]"
    assert not (tmp_path / "gradebook.sqlite").exists() or _recorded(tmp_path / "gradebook.sqlite") == 0


def _recorded(gradebook: Path) -> int:
    from grader.classroom.gradebook import Gradebook

    with Gradebook(gradebook) as book:
        return 0 if book.latest("week2", _user()) is None else 1


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


@pytest.mark.slow
def test_a_kernel_with_the_reference_earns_full_points_and_it_is_recorded(kernel_env, tmp_path):
    """Every function graded (37 / 37, as `grade submit` on the files), recorded in the gradebook; a cell that does
    not parse is reported by its In[N]."""
    cells = ["%load_ext grader", *solution_cells(), "def broken(:\n    pass", "%grade week2"]
    outputs = run_kernel(cells, kernel_env)
    result = result_of(outputs[-1])
    text, html = result["text/plain"], result["text/html"]
    assert "Total: 37 / 37 (100.0%)" in text, text
    ran = len(cells) - 2  # the cells with code before %grade (%load_ext is a magic only)
    assert text.startswith(f"Graded the {ran} cells you ran in this kernel (In[2]..In[{len(cells) - 1}])")
    assert f"In[{len(cells) - 1}] [syntax-error]: cell does not parse" in text  # In[N], not "cell N" of a file
    assert html.count('<details class="dlg-function fn-complete"') == 12 and " open>" not in html.split("dlg-notes")[0]
    assert _recorded(tmp_path / "gradebook.sqlite") == 1


@pytest.mark.slow
def test_nothing_to_grade_and_usage_errors_are_one_line(kernel_env):
    cells = ["%load_ext grader\n%grade week2",  # nothing ran yet
             "x = 1\nprint(x)",
             "%grade week2",  # ran something, defined nothing
             "%grade week99",
             "%grade",
             "%grade week2 --bogus",
             "def sigmoid(z):\n    return z",
             "%grade week2 nosuchfunction",
             "%grade week2 sigmoid --token dlg_x"]
    outputs = run_kernel(cells, kernel_env)
    assert one_line(outputs[0], "stdout").startswith("Nothing to grade: no cell has run in this kernel yet.")
    assert one_line(outputs[2], "stdout") == (
        "Nothing to grade: none of the 1 cell you ran in this kernel (In[2]) defines a function. Run the cells with "
        "your definitions, then %grade week2 again.")
    assert one_line(outputs[3], "stderr").startswith("UsageError: unknown exercise 'week99'")
    assert one_line(outputs[4], "stderr").startswith("UsageError: which exercise? usage: %grade EXERCISE")
    assert one_line(outputs[5], "stderr").startswith("UsageError: unrecognized arguments: --bogus")
    assert one_line(outputs[7], "stderr").startswith("UsageError: --only: nosuchfunction is not a graded function")
    assert one_line(outputs[8], "stderr") == "UsageError: --token is for --server"


# -- without a kernel ---------------------------------------------------------------------------------


def test_importing_the_grader_and_grade_submit_leave_ipython_out(tmp_path):
    code = "import sys, grader, grader.cli, grader.grading; assert 'IPython' not in sys.modules, 'IPython imported'"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120).returncode == 0
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader.cli", "submit", "exercises/week2", "--file",
                          "solutions/week2", "-q", "--gradebook", str(tmp_path / "gb.sqlite")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert "week2: 37 / 37" in run.stdout, run.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert "grader.cli" in imported and not [m for m in imported if m.split(".")[0] == "IPython" or "jupyter" in m]


class FakeHistory:
    def __init__(self, raw: list[str]) -> None:
        self.input_hist_raw = raw


class FakeShell:
    """What cells.py reads of an InteractiveShell."""

    def __init__(self, raw: list[str], user_ns: dict | None = None) -> None:
        self.history_manager = FakeHistory(raw)
        self.execution_count = len(raw) - 1  # the last entry is the cell running %grade
        self.user_ns = user_ns or {}


def test_the_kernels_cells_are_its_history_before_this_cell(tmp_path, monkeypatch):
    from grader.jupyter.cells import kernel_source

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    raw = ["", "import numpy as np", "%matplotlib inline", "", "def f(x):\n    return x", "# a comment", "f(2)",
           "%grade week2"]
    source = kernel_source(FakeShell(raw, {"__vsc_ipynb_file__": str(tmp_path / "My notebook (2).ipynb")}))
    assert [n for n, _ in source.cells] == [1, 4, 6]
    assert source.said == "the 3 cells you ran in this kernel (In[1]..In[6])"
    assert source.stem == "My_notebook_2" and source.folder == tmp_path and source.defines_anything()
    assert not has_code("%load_ext grader\n!ls\n\n# just a comment") and has_code("%%time\nx = 1")
    assert not KernelSource(((1, "x = 1"), (2, "print(x)"))).defines_anything()
    assert KernelSource(((1, "relu = lambda z: z"),)).defines_anything()


def test_the_cells_notebook_numbers_each_cell_by_its_in(tmp_path):
    """Cell N of the written notebook is In[N], and the modules next to the learner's notebook come along."""
    learner = tmp_path / "learner"
    learner.mkdir()
    (learner / "helpers.py").write_text("def helper():\n    return 1\n")
    (learner / "big.py").write_bytes(b"#" * (3 * 1024 * 1024))
    (learner / "link.py").symlink_to(learner / "helpers.py")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    path = write_notebook(KernelSource(((2, "def f():\n    return 1"), (5, "%%time\ndef g():\n    return 2")),
                                       learner / "week.ipynb"), scratch)
    assert path == scratch / "week.ipynb"
    cells = json.loads(path.read_text())["cells"]
    assert [c["source"] for c in cells] == ["", "def f():\n    return 1", "", "", "%%time\ndef g():\n    return 2"]
    assert sorted(p.name for p in scratch.iterdir()) == ["helpers.py", "week.ipynb"]


def _report(**overrides: object) -> GradeReport:
    check = CheckResult(name="sigmoid_example", function="sigmoid", status="failed", points=0.0, max_points=1.0,
                        message="<script>alert(1)</script> expected [0.5]")
    fields: dict = dict(exercise="week2", title="Week 2", seed=7, submission_sha256="ab" * 32,
                        functions=[FunctionSummary("sigmoid", True, "notebook.ipynb (sigmoid)", 0.0, 1.0)],
                        checks=[check],
                        notes=[SourceNote("notebook.ipynb", "cell 12", "syntax-error", "cell does not parse")])
    fields.update(overrides)
    return GradeReport(**fields)


def test_the_inline_view_escapes_learner_text_and_locates_notes_by_in():
    grade = KernelGrade(_report(), "Graded the 1 cell you ran in this kernel (In[3]).")
    html = grade._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.startswith('<div class="dlg-grade" data-exercise="week2">') and html.rstrip().endswith("</div>")
    assert '<details class="dlg-function fn-failing" data-function="sigmoid" open>' in html
    assert "<b>In[12]</b> [syntax-error]: cell does not parse" in html
    # Every rule of its CSS is scoped to the fragment: it restyles nothing else of the notebook.
    style = html.split("<style>")[1].split("</style>")[0]
    rules = [rule.strip() for rule in style.split("}") if rule.strip()]
    assert rules and all(selector.strip().startswith(".dlg-grade") for rule in rules
                         for selector in rule.split("{")[0].split(","))
    text = repr(grade)
    assert text.startswith("Graded the 1 cell you ran in this kernel (In[3]).\n")
    assert "In[12] [syntax-error]: cell does not parse" in text and "Total: 0 / 1" in text


def test_a_server_report_keeps_its_file_locations():
    grade = KernelGrade(_report(), "Submitted ...", ["Recorded by the course server as submission x."], inputs=False)
    assert "<b>notebook.ipynb</b>, cell 12" in grade._repr_html_()
    assert repr(grade).rstrip().endswith("Recorded by the course server as submission x.")


def test_the_server_gets_one_py_file_with_each_cell_headed_by_its_in(tmp_path):
    from grader.jupyter.remote import as_python

    source = KernelSource(((1, "import numpy as np\n%matplotlib inline"), (3, "%%bash\nls"), (4, "def f(x):\n    return x")))
    text = as_python(write_notebook(source, tmp_path))
    assert text == ("# %% In[1]\nimport numpy as np\n\n# %% In[3]: a cell magic that is not Python, left out\n\n"
                    "# %% In[4]\ndef f(x):\n    return x\n")
    compile(text, "cells.py", "exec")
