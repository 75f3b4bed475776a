"""Seeds and fingerprints cannot be steered; learner files are read bounded (issue: the trusted side).

A hidden check's inputs come from the per-submission seed.  A learner who could predict the seed of
a file before submitting it could try files until one draws inputs they know the answers to; one who
could change what their code imports without changing the seed could reuse a known grade.  The seed
is an HMAC of the complete fingerprint (every file the submission can import) under a secret kept in
the gradebook, 64 bits wide.  Files are read without following links, never from FIFOs or devices,
and with a size cap.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.classroom.batch import run_batch
from grader.cli.app import app
from grader.errors import UsageError
from grader.ingest.reading import MAX_SIBLINGS, read_text
from grader.ingest.submission import fingerprint, load_submission
from grader.classroom.gradebook import Gradebook
from grader.grading import derive_seed, grade_submission

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "week2"
REFERENCE = ROOT / "solutions" / "week2" / "python_basics.py"
runner = CliRunner()


def secret_of(book: Path) -> bytes:
    with Gradebook(book) as gb:
        return gb.seed_secret()


# -- the seed: secret, 64 bits, from the complete fingerprint -------------------------------------------


def test_the_seed_cannot_be_computed_from_the_file_alone(tmp_path: Path) -> None:
    """The same file gets the same seed in one course and another seed in another course; neither
    is the public hash a learner could compute (the derivation of earlier versions)."""
    first, second = secret_of(tmp_path / "a.sqlite"), secret_of(tmp_path / "b.sqlite")
    assert first != second and len(first) >= 16
    assert secret_of(tmp_path / "a.sqlite") == first  # kept: made once per gradebook
    fingerprint_ = load_submission([REFERENCE]).sha256
    seeds = {derive_seed("week2", fingerprint_, first), derive_seed("week2", fingerprint_, second)}
    assert len(seeds) == 2
    public = int(hashlib.sha256(f"week2:{fingerprint_}".encode()).hexdigest()[:8], 16)
    assert public not in seeds
    assert derive_seed("week2", fingerprint_, first) == derive_seed("week2", fingerprint_, first)


def test_seeds_have_64_bits() -> None:
    seeds = [derive_seed("week2", f"{i:064x}", b"course secret") for i in range(200)]
    assert len(set(seeds)) == 200
    assert all(0 <= s < 2**64 for s in seeds)
    assert max(seeds) >= 2**62  # a 32-bit seed (earlier versions) never gets there


def test_the_secret_never_reaches_a_report(tmp_path: Path) -> None:
    book = tmp_path / "gb.sqlite"
    secret = secret_of(book)
    report = grade_submission(EXERCISE, [REFERENCE], seed_secret=secret)
    text = report.to_json()
    assert secret.hex() not in text and secret.hex().upper() not in text
    assert report.seed == derive_seed("week2", report.submission_sha256, secret)


def test_submit_seeds_with_the_gradebook_secret(tmp_path: Path) -> None:
    book = tmp_path / "gb.sqlite"
    result = runner.invoke(app, ["submit", str(EXERCISE), "--file", str(REFERENCE), "--gradebook", str(book), "-q"])
    assert result.exit_code == 0, result.output
    with Gradebook(book) as gb:
        (seed, sha), = gb.connection.execute("SELECT seed, submission_sha256 FROM submissions").fetchall()
        stored = [r for r in gb.connection.execute("SELECT report_json FROM submissions")][0][0]
        secret = gb.seed_secret()
    import json

    assert json.loads(stored)["seed"] == derive_seed("week2", sha, secret)


def learner_folder(root: Path, helper: str) -> Path:
    folder = root / "ada"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "python_basics.py").write_text(
        "import numpy as np\nfrom helper import scale\n\ndef sigmoid(x):\n    return scale / (1 + np.exp(-x))\n",
        encoding="utf-8")
    (folder / "helper.py").write_text(helper, encoding="utf-8")
    return folder


def test_a_module_the_submission_imports_is_in_its_fingerprint_and_seed(tmp_path: Path) -> None:
    """Changing only a sibling module changes the fingerprint, the seed, and the grade."""
    folder = learner_folder(tmp_path / "class", "scale = 1.0\n")
    right = grade_submission(EXERCISE, [folder / "python_basics.py"], seed_secret=b"s")
    (folder / "helper.py").write_text("scale = 2.0\n", encoding="utf-8")
    wrong = grade_submission(EXERCISE, [folder / "python_basics.py"], seed_secret=b"s")
    assert right.submission_sha256 != wrong.submission_sha256
    assert right.seed != wrong.seed
    sigmoid = {f.name: f for f in right.functions}["sigmoid"], {f.name: f for f in wrong.functions}["sigmoid"]
    assert sigmoid[0].points == sigmoid[0].max_points > sigmoid[1].points


def test_batch_regrades_a_learner_whose_imported_module_changed(tmp_path: Path) -> None:
    """"Already up to date" is decided on the complete fingerprint: a changed helper module is regraded."""
    classroom = tmp_path / "class"
    learner_folder(classroom, "scale = 1.0\n")
    book = tmp_path / "gb.sqlite"
    first = run_batch(EXERCISE, classroom, gradebook=book, jobs=1)
    assert first.graded == ["ada"]
    assert run_batch(EXERCISE, classroom, gradebook=book, jobs=1).skipped == ["ada"]
    (classroom / "ada" / "helper.py").write_text("scale = 2.0\n", encoding="utf-8")
    again = run_batch(EXERCISE, classroom, gradebook=book, jobs=1)
    assert again.graded == ["ada"], "a changed imported module was taken for an unchanged submission"
    with sqlite3.connect(book) as db:
        points = [p for (p,) in db.execute("SELECT points FROM submissions ORDER BY id")]
    assert points[0] > points[1]


def test_sibling_modules_are_bounded_in_number_and_size(tmp_path: Path) -> None:
    main = tmp_path / "main.py"
    main.write_text("x = 1\n", encoding="utf-8")
    for i in range(MAX_SIBLINGS + 10):
        (tmp_path / f"m{i:03d}.py").write_text(f"v = {i}\n", encoding="utf-8")
    (tmp_path / "aaa_big.py").write_bytes(b"#" * (3 * 2**20))
    submission = load_submission([main])
    assert len(submission.siblings) == MAX_SIBLINGS
    assert "aaa_big.py" not in {m.name for m in submission.siblings}


# -- --seed range ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["-1", str(2**64), str(10**40)])
def test_a_seed_out_of_range_is_a_usage_error(seed: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["submit", str(EXERCISE), "--file", str(REFERENCE), "--seed", seed,
                                 "--gradebook", str(tmp_path / "gb.sqlite")])
    assert result.exit_code == 2
    assert "--seed must be between 0 and" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "gb.sqlite").exists()  # nothing recorded, not even a gradebook made


def test_the_largest_seed_is_accepted(tmp_path: Path) -> None:
    report = grade_submission(EXERCISE, [REFERENCE], seed=2**64 - 1)
    assert report.seed == 2**64 - 1 and report.points > 0


# -- reading learner files: no links, FIFOs or devices ----------------------------------------------------


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    """A FIFO named like a submission used to block the grader for ever (nobody writes to it)."""
    fifo = tmp_path / "python_basics.py"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_text(fifo)
    result = subprocess.run([sys.executable, "-c", "from grader.cli.app import main; main()", "submit", str(EXERCISE), "--file", str(fifo),
                             "--gradebook", str(tmp_path / "gb.sqlite")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_never_read(device: str, tmp_path: Path) -> None:
    """A link to a device is refused as a link; the device itself is refused as not a regular file
    (reading /dev/zero would fill the grader's memory)."""
    link = tmp_path / "python_basics.py"
    link.symlink_to(device)
    with pytest.raises(UsageError, match="symbolic link"):
        read_text(link)
    with pytest.raises(UsageError, match="not a regular file"):
        read_text(Path(device))


def test_fifos_and_device_links_next_to_a_submission_are_not_imported(tmp_path: Path) -> None:
    main = tmp_path / "python_basics.py"
    main.write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(tmp_path / "helper_fifo.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    started = time.monotonic()
    submission = load_submission([main])
    assert time.monotonic() - started < 60  # a FIFO read would block for ever
    assert submission.siblings == []
    assert fingerprint([main]) == submission.sha256


def test_a_fifo_in_a_class_folder_does_not_stop_the_batch(tmp_path: Path) -> None:
    classroom = tmp_path / "class"
    classroom.mkdir()
    (classroom / "ada.py").write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(classroom / "bob.py")
    summary = run_batch(EXERCISE, classroom, gradebook=tmp_path / "gb.sqlite", jobs=1)
    assert summary.graded == ["ada"]
    assert "bob" in summary.failed or any("bob" in entry for entry in summary.ignored)
