"""Interrupts: Ctrl-C (SIGINT) and SIGTERM during `grade submit`, `grade batch` and `grade quiz`.

Each test runs the real `grade` command in a process of its own and interrupts it while it is
grading: the learner's function marks its sandbox process (its name becomes ``dlg-asleep``)
and sleeps, and the test waits for that mark, so no timing is assumed. A signal goes to the
process (``kill PID``) or to its whole process group (what a terminal's Ctrl-C does). Then:
exit 130 or 143, one line on stderr saying what was kept, no traceback, nothing partial in
the gradebook, no process left behind, and the next run picks up where the first stopped.
"""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from quiz_factory import IDS, keys_by_id, write_exercise

from grader.quiz import prepare_quiz
from grader.checks.runner import run_checks

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
HONEST = ROOT / "solutions" / "week2" / "python_basics.py"
GRADE = [sys.executable, "-c", "from grader.cli.app import main; main()"]
DEADLINE = 120.0  # seconds: only turns a hang into a failure
ASLEEP = "dlg-asleep"

# Every call sleeps 9 s (under the 10 s call limit, so an uninterrupted grading still ends).
SLEEPER = f"""\
import ctypes
import time

import numpy as np


def sigmoid(x):
    ctypes.CDLL(None).prctl(15, b"{ASLEEP}", 0, 0, 0)  # PR_SET_NAME: the mark the test waits for
    time.sleep(9)
    return 1 / (1 + np.exp(-x))
"""

SIGNALS = [pytest.param(signal.SIGINT, True, id="ctrl-c-to-the-group"),
           pytest.param(signal.SIGINT, False, id="sigint-to-the-process"),
           pytest.param(signal.SIGTERM, False, id="sigterm-to-the-process"),
           pytest.param(signal.SIGTERM, True, id="sigterm-to-the-group")]


def wait_until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def start(args: list[str], scratch: Path) -> subprocess.Popen[str]:
    """The `grade` command in a session of its own, its sandboxes working beneath ``scratch``."""
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch), "TERM": "dumb", "COLUMNS": "200"}
    return subprocess.Popen([*GRADE, *map(str, args)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _processes() -> dict[int, tuple[str, str, bytes]]:
    """Live processes (zombies aside): pid -> (name, working folder, command line)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    continue
                found[int(entry)] = (Path(f"/proc/{entry}/comm").read_text().strip(),
                                     os.readlink(f"/proc/{entry}/cwd"),
                                     Path(f"/proc/{entry}/cmdline").read_bytes())
            except OSError:
                continue
    return found


def beneath(folder: Path, marker: str = "") -> list[int]:
    """Processes working beneath ``folder`` (zygotes, sandboxes), or whose command line holds ``marker``."""
    return [pid for pid, (_, cwd, cmdline) in _processes().items()
            if cwd.startswith(str(folder) + os.sep) or (marker and marker.encode() in cmdline)]


def asleep(scratch: Path) -> bool:
    """A sandbox beneath ``scratch`` is running the sleeping learner function."""
    return any(name == ASLEEP and cwd.startswith(str(scratch) + os.sep) for name, cwd, _ in _processes().values())


def interrupt(proc: subprocess.Popen[str], number: signal.Signals, group: bool) -> tuple[str, str]:
    if group:
        os.killpg(proc.pid, number)
    else:
        proc.send_signal(number)
    return proc.communicate(timeout=DEADLINE)


def learners_recorded(book: Path) -> list[str]:
    if not book.exists():
        return []
    with sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=10) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'submissions'").fetchone():
            return []  # being created
        return sorted(learner for (learner,) in db.execute("SELECT learner FROM submissions"))


def assert_nothing_left(scratch: Path, marker: str = "") -> None:
    try:
        wait_until(lambda: not beneath(scratch, marker), "the grader's processes to end")
    finally:
        for pid in beneath(scratch, marker):
            os.kill(pid, signal.SIGKILL)


# -- grade submit -----------------------------------------------------------------------------------


def test_a_keyboard_interrupt_in_a_check_leaves_the_check_run(tmp_path: Path) -> None:
    """pytest.main catches Ctrl-C and returns the checks run so far: the check runner raises it again
    instead of returning those as the results (which became a report, recorded as a grade)."""
    (tmp_path / "checks_cut.py").write_text(
        "def test_before():\n    pass\n\n\ndef test_cut():\n    raise KeyboardInterrupt\n\n\n"
        "def test_after():\n    pass\n")
    with pytest.raises(KeyboardInterrupt):
        run_checks([tmp_path / "checks_cut.py"], None, None, 0, [], tmp_path)  # type: ignore[arg-type]


@pytest.mark.parametrize("number, group", SIGNALS)
def test_an_interrupted_submit_records_nothing(tmp_path: Path, number: signal.Signals, group: bool) -> None:
    (tmp_path / "slow.py").write_text(SLEEPER)
    book, scratch = tmp_path / "gradebook.sqlite", tmp_path / "scratch"
    proc = start(["submit", EXERCISE, "--file", tmp_path / "slow.py", "--gradebook", book], scratch)
    wait_until(lambda: asleep(scratch) or proc.poll() is not None, "the learner's function to run")
    out, err = interrupt(proc, number, group)
    assert proc.returncode == 128 + number, (out[-2000:], err[-2000:])
    assert err.splitlines() == [
        f"grade: interrupted ({number.name}): grading stopped before the end: no grade was recorded"], err
    assert "Traceback" not in out + err and "Total" not in out  # no partial report either
    assert learners_recorded(book) == []
    assert_nothing_left(scratch)
    assert list(scratch.iterdir()) == []  # the sandbox's folder is removed too


# -- grade batch ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number, group, jobs", [
    *(pytest.param(*param.values, 2, id=param.id) for param in SIGNALS),
    # One grading process: the batch's own, whose checks run in a thread that sends sys.stderr to a sink.
    pytest.param(signal.SIGINT, True, 1, id="ctrl-c-to-the-group-jobs-1"),
])
def test_an_interrupted_batch_keeps_what_it_recorded_and_a_rerun_grades_the_rest(
        tmp_path: Path, number: signal.Signals, group: bool, jobs: int) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(HONEST, folder / "a0.py")
    for name in ("a1", "a2", "a3"):
        (folder / f"{name}.py").write_text(SLEEPER)
    book, scratch = tmp_path / "gradebook.sqlite", tmp_path / "scratch"
    command = ["batch", EXERCISE, folder, "--gradebook", book, "--jobs", str(jobs)]
    proc = start(command, scratch)
    wait_until(lambda: (learners_recorded(book) and asleep(scratch)) or proc.poll() is not None,
               "the first learner to be recorded while another is being graded")
    out, err = interrupt(proc, number, group)
    assert proc.returncode == 128 + number, (out[-2000:], err[-2000:])
    assert err.splitlines() == [
        f"grade: interrupted ({number.name}): 1 learner graded and recorded in {book}, 3 not graded; "
        "run the same command again to resume (recorded learners are not graded again)"], err
    assert "Traceback" not in out + err
    assert learners_recorded(book) == ["a0"]
    assert_nothing_left(scratch, marker=str(folder))  # the batch, its grading processes, zygotes, sandboxes
    assert list(scratch.iterdir()) == []

    for name in ("a1", "a2", "a3"):  # no more sleeping: the rerun grades them, and only them
        shutil.copy(HONEST, folder / f"{name}.py")
    again = subprocess.run([*GRADE, *map(str, command)], cwd=ROOT, capture_output=True, text=True,
                           timeout=DEADLINE, env={**os.environ, "TERM": "dumb"})
    assert again.returncode == 0, again.stderr[-2000:]
    assert "graded 3, already up to date 1" in again.stdout
    assert learners_recorded(book) == ["a0", "a1", "a2", "a3"]


# -- grade quiz -------------------------------------------------------------------------------------


class Terminal:
    """`grade quiz` on a pseudo-terminal of its own: it reads the keyboard there, and ^C there is
    Ctrl-C as a terminal sends it (SIGINT to the foreground process group)."""

    def __init__(self, args: list[str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([*GRADE, *map(str, args)], cwd=ROOT, stdin=slave, stdout=slave,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + DEADLINE
        while self.screen.count(text.encode()) < count:
            ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"gave up waiting for {text!r}: {self.screen[-2000:]!r}"
            self.screen += os.read(self.master, 65536)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def end(self) -> str:
        err = self.proc.communicate(timeout=DEADLINE)[1]
        os.close(self.master)
        return err


@pytest.fixture
def quiz(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    sample = write_exercise(tmp_path)
    return sample, tmp_path / "gradebook.sqlite", keys_by_id(prepare_quiz(sample, "ada"))


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_quiz_keeps_its_answers_and_the_next_one_goes_on(quiz, how: str) -> None:
    sample, book, keys = quiz
    command = ["quiz", sample, "--learner", "ada", "--gradebook", book]
    terminal = Terminal(command)
    terminal.wait_for("Your answer")
    terminal.type(keys["single-q"] + "\n")
    terminal.wait_for("Your answer", 2)
    if how == "ctrl-c":
        terminal.type("\x03")
    else:
        terminal.proc.send_signal(signal.SIGTERM)
    err = terminal.end()
    number = signal.SIGINT if how == "ctrl-c" else signal.SIGTERM
    assert terminal.proc.returncode == 128 + number
    assert err.splitlines() == [
        f"grade: interrupted ({number.name}): 1 answer kept, nothing recorded; run grade quiz {sample} "
        f"--learner ada --gradebook {book} to go on from there (--restart starts over)"], err
    assert learners_recorded(book) == []

    # Piped input answers the offer to go on, then the questions not answered yet: all right.
    rest = "\n".join(keys[i] for i in IDS[1:]) + "\n"
    resumed = subprocess.run([*GRADE, *map(str, command)], input="y\n" + rest, capture_output=True, text=True,
                             cwd=ROOT, timeout=DEADLINE)
    assert resumed.returncode == 0, resumed.stderr
    assert "This quiz was interrupted with 1 of 6 questions answered. Go on from there?" in resumed.stdout
    assert "1 of 6 questions are answered already" in resumed.stdout
    assert "Question 1 of 6" not in resumed.stdout and "Score: 8 / 8 (100.0%)" in resumed.stdout
    assert learners_recorded(book) == ["ada"]
    assert not list((book.parent / "quiz-sessions").iterdir())  # taken to its end: nothing kept


def test_answering_no_or_restart_starts_the_quiz_over(quiz) -> None:
    sample, book, keys = quiz
    command = [*GRADE, "quiz", str(sample), "--learner", "ada", "--gradebook", str(book)]
    terminal = Terminal(command[len(GRADE):])
    terminal.wait_for("Your answer")
    terminal.type(keys["single-q"] + "\n")
    terminal.wait_for("Your answer", 2)
    terminal.type("\x03")
    assert "1 answer kept" in terminal.end()
    everything = "\n".join(keys[i] for i in IDS) + "\n"
    restarted = subprocess.run([*command, "--restart"], input=everything, capture_output=True, text=True,
                               cwd=ROOT, timeout=DEADLINE)
    assert restarted.returncode == 0 and "Go on from there?" not in restarted.stdout, restarted.stderr
    assert "Question 1 of 6" in restarted.stdout and "Score: 8 / 8 (100.0%)" in restarted.stdout

    terminal = Terminal(command[len(GRADE):])
    terminal.wait_for("Your answer")
    terminal.type("?\n")  # skipped: still an answer to keep
    terminal.wait_for("Your answer", 2)
    terminal.type("\x03")
    assert "1 answer kept" in terminal.end()
    over = subprocess.run(command, input="maybe\nn\n" + everything, capture_output=True, text=True, cwd=ROOT,
                          timeout=DEADLINE)
    assert over.returncode == 0, over.stderr
    assert "Answer y (go on) or n (start over)." in over.stdout
    assert "Question 1 of 6" in over.stdout and "Score: 8 / 8 (100.0%)" in over.stdout


def test_kept_answers_are_read_back_only_for_their_variant_and_as_they_still_parse(tmp_path: Path) -> None:
    from grader.quiz.answers import parse_answer
    from grader.quiz.session import KeptAnswers

    sample = write_exercise(tmp_path)
    run = prepare_quiz(sample, "ada")
    keys = keys_by_id(run)

    given = {v.id: parse_answer(v, keys[v.id]) for v in run.variants[:2]}
    kept = KeptAnswers(tmp_path, run.exercise, "ada", run.seed)
    kept.save(given)
    assert kept.load(run.variants) == given
    assert KeptAnswers(tmp_path, run.exercise, "bob", run.seed).load(run.variants) == {}
    assert KeptAnswers(tmp_path, run.exercise, "ada", run.seed + 1).load(run.variants) == {}
    kept.path.write_text(kept.path.read_text().replace(f'"{keys["single-q"]}"', '"not a letter"'))
    assert list(kept.load(run.variants)) == ["multi-q"]  # no longer an answer to its question: asked again
    kept.path.write_text("[" * 100_000)
    assert kept.load(run.variants) == {}
    kept.forget()
    assert not kept.path.exists()
