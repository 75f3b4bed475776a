"""Notebooks at and past the size limits, and the messages of unusable or empty notebooks.

Does a notebook that is large because of its outputs get graded from its code, in bounded
memory? Is one past even the notebook limit refused in one line that says how to clear
outputs? Are JSON errors complete sentences, and does an empty file say so?
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import grader.ingest.notebook_outputs as notebook_outputs
from grader.errors import UsageError
from grader.ingest.reading import MAX_FILE_BYTES, NOTEBOOK_MAX_BYTES, text_digest
from grader.ingest.submission import extract_file, fingerprint, load_submission

ROOT = Path(__file__).resolve().parents[1]
MiB = 2**20
BASICS = ["sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1", "L2"]


def solution_notebook(path: Path, output_bytes: int = 0, *, lines_of_output: int = 0) -> Path:
    """The week-2 python_basics reference as a notebook (one code cell per definition), its last
    cell carrying a plot of about ``output_bytes`` and ``lines_of_output`` printed lines."""
    source = (ROOT / "solutions" / "week2" / "python_basics.py").read_text(encoding="utf-8")
    cells = [nbformat.v4.new_markdown_cell("# Python basics")]
    cells += [nbformat.v4.new_code_cell(block) for block in source.split("\n\n\n") if block.strip()]
    outputs = []
    if output_bytes:
        outputs.append(nbformat.v4.new_output("display_data", data={"image/png": "iVBO" * (output_bytes // 4)}))
    if lines_of_output:
        outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                              text=[f"step {i}: cost \"0.{i}\" \\ done\n" for i in range(lines_of_output)]))
    cells[-1]["outputs"] = outputs
    cells[0]["attachments"] = {"plot.png": {"image/png": "iVBO" * 1000}}
    path.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells), indent=1), encoding="utf-8")
    return path


# --- large notebooks --------------------------------------------------------------------------------


def test_a_notebook_over_the_file_limit_because_of_its_outputs_is_graded_from_its_code(tmp_path: Path) -> None:
    path = solution_notebook(tmp_path / "python_basics.ipynb", 30 * MiB, lines_of_output=50_000)
    assert path.stat().st_size > MAX_FILE_BYTES
    submission = load_submission([path], root=tmp_path)
    defined = {name for unit in submission.modules[0].units for name in unit.names}
    assert set(BASICS) <= defined
    # the digest is that of the whole file, as for any notebook: the seed and `grade batch`'s
    # "up to date" decision do not depend on how it was read
    assert submission.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert fingerprint([path], siblings=False) == submission.sha256
    small = solution_notebook(tmp_path / "small.ipynb", MiB)  # read whole: the digest of its text, as ever
    assert extract_file(small, small.name)[2] == text_digest(small.read_text(encoding="utf-8-sig"))


def test_reading_a_large_notebook_takes_a_chunk_of_memory_not_the_file(tmp_path: Path) -> None:
    """In a fresh process: the peak memory grows by far less than the 60 MB notebook (json.loads of
    it grows it by about three times its size)."""
    path = solution_notebook(tmp_path / "big.ipynb", 60 * MiB)
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from grader.ingest.reading import read_notebook\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "text, digest = read_notebook(Path(sys.argv[1]))\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024, len(text))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    grown_mb, kept = map(int, done.stdout.split())
    assert kept < MiB
    assert grown_mb < 16, f"reading a 60 MB notebook grew the peak memory by {grown_mb} MB"


def test_a_notebook_over_the_notebook_limit_says_how_to_clear_its_outputs(tmp_path: Path) -> None:
    path = tmp_path / "logistic_regression.ipynb"
    with path.open("wb") as sparse:  # never read: refused from its size
        sparse.truncate(NOTEBOOK_MAX_BYTES + MiB)
    with pytest.raises(UsageError) as refused:
        extract_file(path, path.name)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(f"{path}: the notebook is larger than 200 MB (201 MB)")
    assert "Kernel > Restart & Clear Output" in message
    assert message.endswith(f"jupyter nbconvert --clear-output --inplace {path}")


def test_a_notebook_whose_code_is_over_the_file_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    pasted = nbformat.v4.new_code_cell("DATA = '" + "x" * (MAX_FILE_BYTES + 1) + "'")
    path.write_text(json.dumps(nbformat.v4.new_notebook(cells=[pasted])), encoding="utf-8")
    with pytest.raises(UsageError, match=r"without its outputs the notebook still holds more than 20 MB of code"):
        extract_file(path, path.name)


def test_a_json_error_in_a_large_notebook_names_the_line_of_the_file(tmp_path: Path) -> None:
    path = solution_notebook(tmp_path / "nb.ipynb", 25 * MiB)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = max(i for i, line in enumerate(lines) if '"cell_type": "code"' in line)  # after the outputs
    lines[broken] = lines[broken].replace('"cell_type": "code"', '"cell_type" "code"')
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(UsageError, match=rf"JSON error at line {broken + 1}, column \d+: expecting ':' delimiter\)"):
        extract_file(path, path.name)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, 1 << 20])
def test_without_outputs_keeps_every_member_but_outputs_and_attachments(monkeypatch, chunk: int) -> None:
    """Whatever the chunk size (escapes, quotes and byte order marks cut between chunks)."""
    monkeypatch.setattr(notebook_outputs, "CHUNK_BYTES", chunk)
    draw = random.Random(chunk)
    alphabet = ['a', '"', '\\', '\n', '{', '}', '[', ']', ',', ':', 'é', ' ', '\\"', 'outputs']

    def value(depth: int = 0):
        kind = draw.randrange(6 if depth < 3 else 3)
        if kind == 0:
            return "".join(draw.choice(alphabet) for _ in range(draw.randrange(10)))
        if kind == 1:
            return draw.choice([None, True, -3, 1.5e-3, 10**6])
        if kind == 2:
            return []
        if kind == 3:
            return {draw.choice(["outputs", "attachments", "source", "o\\\"", "x"]): value(depth + 1)
                    for _ in range(draw.randrange(4))}
        return [value(depth + 1) for _ in range(draw.randrange(4))]

    def stripped(data):
        if isinstance(data, dict):
            return {k: None if k in ("outputs", "attachments") else stripped(v) for k, v in data.items()}
        return [stripped(v) for v in data] if isinstance(data, list) else data

    for _ in range(300):
        data = {"cells": [value() for _ in range(3)], "outputs": value()}
        text = json.dumps(data, indent=draw.choice([None, 1]), ensure_ascii=draw.random() < 0.5).encode()
        raw = (b"\xef\xbb\xbf" if draw.random() < 0.3 else b"") + text
        pieces = iter([raw[i:i + chunk] for i in range(0, len(raw), chunk)])
        kept, digest = notebook_outputs.without_outputs(lambda size: next(pieces, b""), 10**9)
        assert json.loads(kept) == stripped(data)
        assert kept.count(b"\n") == text.count(b"\n")
        assert digest == hashlib.sha256(text).hexdigest()


# --- messages -----------------------------------------------------------------------------------------


def test_a_cut_notebooks_json_error_is_a_whole_sentence(tmp_path: Path) -> None:
    whole = (ROOT / "exercises" / "week2" / "python_basics.ipynb").read_text(encoding="utf-8")
    cut = whole[: whole.index('"source"', len(whole) // 2) + len('"source": [\n    "de')]
    path = tmp_path / "python_basics.ipynb"
    path.write_text(cut, encoding="utf-8")
    line = cut.count("\n") + 1
    with pytest.raises(UsageError) as refused:
        extract_file(path, path.name)
    message = str(refused.value)
    assert f"(JSON error at line {line}, column 5: unterminated string starting here)" in message
    assert "save it again from Jupyter" in message and ".ipynb_checkpoints" in message
    assert " at)" not in message and "\n" not in message


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_an_empty_notebook_file_says_it_is_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "python_basics.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=r"python_basics.ipynb: not a valid notebook: the file is empty\. "):
        extract_file(path, path.name)


def test_an_empty_file_or_a_notebook_without_code_says_so_in_one_note(tmp_path: Path) -> None:
    empty = tmp_path / "python_basics.py"
    empty.write_text("\n", encoding="utf-8")
    blank = tmp_path / "logistic_regression.ipynb"
    cells = [nbformat.v4.new_markdown_cell("# Logistic regression"), nbformat.v4.new_code_cell(""),
             nbformat.v4.new_code_cell("  \n")]
    blank.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells)), encoding="utf-8")
    markdown_only = tmp_path / "notes.ipynb"
    markdown_only.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells[:1])), encoding="utf-8")
    prints = tmp_path / "demo.py"
    prints.write_text("print('hello')\n", encoding="utf-8")
    submission = load_submission([empty, blank, markdown_only, prints], root=tmp_path)
    notes = {note.file: note for note in submission.notes}
    assert set(notes) == {"python_basics.py", "logistic_regression.ipynb", "notes.ipynb"}
    assert {note.kind for note in notes.values()} == {"empty"}
    assert notes["python_basics.py"].message.startswith("the file is empty: there is nothing in it to grade.")
    assert notes["logistic_regression.ipynb"].message.startswith("the notebook has no code: its 2 code cells are empty.")
    assert notes["notes.ipynb"].message.startswith("the notebook has no code: it has no code cell.")
    assert all("\n" not in note.message for note in notes.values())
