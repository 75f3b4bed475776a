"""Batch grading: discovery, parallel results equal to single grading, kill -9 and resume."""

from __future__ import annotations

import os

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.classroom.batch import run_batch
from grader.classroom.learners import discover
from grader.grading import grade_submission

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
MISTAKES = ROOT / "tests" / "fixtures" / "week2" / "mistakes"


def make_class(folder: Path, size: int = 8) -> Path:
    """Single-file learners (reference parts and mistakes), a folder learner, and stray files."""
    folder.mkdir()
    sources = [ROOT / "solutions" / "week2" / "logistic_regression.py", *sorted(MISTAKES.glob("*.py"))]
    for i in range(size):
        shutil.copy(sources[i % len(sources)], folder / f"learner{i:02d}.py")
    both = folder / "zoe"
    both.mkdir()
    for part in (ROOT / "solutions" / "week2").glob("*.py"):
        shutil.copy(part, both / part.name)
    (folder / "notes.txt").write_text("not a submission")
    (folder / "empty_folder").mkdir()
    return folder


def rows(gradebook: Path) -> list[tuple[str, float]]:
    with sqlite3.connect(gradebook) as db:
        return sorted(db.execute("SELECT learner, points FROM submissions").fetchall())


def test_discover_learners_and_ignored_entries(tmp_path):
    learners, ignored = discover(make_class(tmp_path / "class", size=3))
    assert [(l.id, len(l.files), l.own_folder) for l in learners] == [
        ("learner00", 1, False), ("learner01", 1, False), ("learner02", 1, False), ("zoe", 2, True)]
    assert ignored == ["empty_folder", "notes.txt"]


def test_parallel_batch_equals_grading_each_alone(tmp_path):
    folder = make_class(tmp_path / "class", size=5)
    out = tmp_path / "out"
    summary = run_batch(EXERCISE, folder, gradebook=tmp_path / "gb.sqlite", jobs=2, out=out)
    assert sorted(summary.graded) == ["learner00", "learner01", "learner02", "learner03", "learner04", "zoe"]
    for learner, points in rows(tmp_path / "gb.sqlite"):
        files = sorted((folder / learner).glob("*.py")) if learner == "zoe" else [folder / f"{learner}.py"]
        alone = grade_submission(EXERCISE, files, siblings=learner == "zoe")
        assert points == alone.points, learner
        assert (out / f"{learner}.json").is_file() and (out / f"{learner}.html").is_file()


def test_rerun_grades_nothing_and_a_changed_submission_is_graded_again(tmp_path):
    folder = make_class(tmp_path / "class", size=3)
    book = tmp_path / "gb.sqlite"
    run_batch(EXERCISE, folder, gradebook=book, jobs=1)

    class NoGrading:  # nothing new to grade: no grading process (nor zygote) is started at all
        def results(self, exercise_root, learners):
            raise AssertionError(f"asked to grade {learners}")

    again = run_batch(EXERCISE, folder, gradebook=book, executor=NoGrading())
    assert again.graded == [] and len(again.skipped) == 4
    shutil.copy(ROOT / "solutions" / "week2" / "logistic_regression.py", folder / "learner01.py")
    third = run_batch(EXERCISE, folder, gradebook=book, jobs=1)
    assert third.graded == ["learner01"]
    assert len(rows(book)) == 5  # the old grade of learner01 stays in its history


def test_a_single_file_cannot_import_another_learners_file(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / "week2" / "python_basics.py", folder / "honest.py")
    (folder / "copycat.py").write_text("from honest import sigmoid, softmax\n")
    run_batch(EXERCISE, folder, gradebook=tmp_path / "gb.sqlite", jobs=1)
    assert dict(rows(tmp_path / "gb.sqlite"))["copycat"] == 0


def test_unusable_submission_is_reported_and_the_rest_graded(tmp_path):
    folder = make_class(tmp_path / "class", size=2)
    (folder / "broken.ipynb").write_text("{not json")
    summary = run_batch(EXERCISE, folder, gradebook=tmp_path / "gb.sqlite", jobs=1)
    assert "not a valid notebook" in summary.failed["broken"]
    assert sorted(summary.graded) == ["learner00", "learner01", "zoe"]


@pytest.mark.slow
def test_kill_9_in_the_middle_then_resume(tmp_path):
    """Killed after 3 results: the rerun grades only the rest; nothing lost, nothing twice."""
    folder = make_class(tmp_path / "class", size=9)
    book = tmp_path / "gb.sqlite"
    driver = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from grader.classroom.batch import run_batch\n"
        "seen = []\n"
        "def on_result(learner, report):\n"
        "    seen.append(learner)\n"
        "    if len(seen) == 3:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"run_batch({str(EXERCISE)!r}, Path({str(folder)!r}), gradebook=Path({str(book)!r}), jobs=2,\n"
        "          on_result=on_result)\n"
    )
    killed = subprocess.run([sys.executable, "-c", driver], cwd=ROOT, timeout=120)
    assert killed.returncode == -9
    first = rows(book)
    assert len(first) == 3
    summary = run_batch(EXERCISE, folder, gradebook=book, jobs=2)
    assert len(summary.skipped) == 3 and len(summary.graded) == 7
    final = rows(book)
    assert len(final) == 10 and len({learner for learner, _ in final}) == 10


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_grades_as_the_local_pool(tmp_path):
    pytest.importorskip("distributed")
    from grader.classroom.batch_dask import DaskExecutor

    folder = make_class(tmp_path / "class", size=4)
    run_batch(EXERCISE, folder, gradebook=tmp_path / "local.sqlite", jobs=2)
    summary = run_batch(EXERCISE, folder, gradebook=tmp_path / "dask.sqlite",
                        executor=DaskExecutor("local", jobs=2))
    assert len(summary.graded) == 5
    assert rows(tmp_path / "dask.sqlite") == rows(tmp_path / "local.sqlite")


def test_nested_folder_skips_hidden_checkpoints_and_links(tmp_path):
    folder = tmp_path / "class"
    nested = folder / "ann" / "unzipped"
    (nested / ".ipynb_checkpoints").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "week2" / "python_basics.py", nested / "basics.py")
    (nested / ".ipynb_checkpoints" / "basics-checkpoint.ipynb").write_text("{broken")
    (folder / "linked").symlink_to(ROOT / "solutions" / "week2", target_is_directory=True)
    learners, ignored = discover(folder)
    assert [(l.id, [p.name for p in l.files]) for l in learners] == [("ann", ["basics.py"])]
    assert ignored == ["linked (a link)"]


def test_each_grading_process_keeps_to_its_own_cpu():
    """Grading process i (and the zygote and sandboxes it starts) runs on allowed CPU i mod n."""
    import multiprocessing

    from grader.classroom.batch import _pin

    allowed = sorted(os.sched_getaffinity(0))

    def child(index: int, out) -> None:
        _pin(index)
        out.put(sorted(os.sched_getaffinity(0)))

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    for index in range(3):
        process = context.Process(target=child, args=(index, out))
        process.start()
        process.join()
        assert out.get(timeout=5) == [allowed[index % len(allowed)]]


def test_page_names_never_collide_and_plain_ids_keep_theirs():
    """Ids that the old file names merged (a b / a_b / a?b, x / x., o'brien / o_brien, case, Unicode forms)
    get pages of their own; plain lowercase ids keep their name; a plain id cannot pose as a hashed one."""
    from grader.views.learner_ids import page_name

    ids = ["a b", "a_b", "a?b", "x", "x.", "o'brien", "o_brien", "Alice", "alice", "ALICE", "Jos\u00e9", "Jose\u0301",
           "-rf", "rf", "CON", "con", "nul", "", "learner", "x" * 300, "x" * 301, "caf\udce9"]
    names = [page_name(learner) for learner in ids]
    assert len({name.casefold() for name in names}) == len(ids)
    assert [page_name(learner) for learner in ("learner00", "zoe", "a_b", "rf", "x-y")] == [
        "learner00", "zoe", "a_b", "rf", "x-y"]
    hashed = page_name("Alice")
    assert hashed.startswith("alice--") and page_name(hashed) != hashed  # "--" is never plain
    assert all(name.isascii() and name[0].isalnum() and len(name) <= 66 for name in names)


def test_hidden_entries_are_listed_as_ignored(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(ROOT / "solutions" / "week2" / "python_basics.py", folder / "ann.py")
    shutil.copy(ROOT / "solutions" / "week2" / "python_basics.py", folder / "..\u2215ann.py")
    (folder / ".ipynb_checkpoints").mkdir()
    learners, ignored = discover(folder)
    assert [l.id for l in learners] == ["ann"]
    assert ignored == ["..\u2215ann.py (hidden)", ".ipynb_checkpoints (hidden)"]


def test_dask_tasks_carry_same_named_files_of_sub_folders_each_as_itself(tmp_path):
    """A learner folder with a/basics.py and b/basics.py: a Dask worker used to receive both as one
    basics.py (the second file twice), so it graded other code than the local pool and the
    submission's fingerprint never matched the gradebook's."""
    import grader.classroom.batch as batch
    from grader.classroom.batch_dask import _grade_remote, task_files

    ann = tmp_path / "class" / "ann"
    for part, solution in (("a", "python_basics.py"), ("b", "logistic_regression.py")):
        (ann / part).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / "week2" / solution, ann / part / "basics.py")
    [learner], _ = discover(tmp_path / "class")
    batch._start_grading_process()
    try:
        _, local = batch.grade_learner(str(EXERCISE), learner)
        _, remote = _grade_remote(str(EXERCISE), learner.id, task_files(learner), learner.own_folder)
    finally:
        batch._launcher.close()
        batch._launcher = None
    assert [name for name, _ in task_files(learner)] == ["a/basics.py", "b/basics.py"]
    assert remote["submission_sha256"] == local["submission_sha256"] and remote["total"] == local["total"]
