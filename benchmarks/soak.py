"""Soak test: one `grade batch` over a class of 1000 week-2 submissions, 10% of them hostile.

Run: python benchmarks/soak.py [--size 1000] [--hostile 0.1] [--sample 30] [--jobs N] [--seed 0]

The class mixes honest submissions (the reference, the reference with one classic mistake, a
looped but correct version, the empty starters, a folder learner with both parts, a notebook) with
hostile ones drawn from tests/security/fixtures/hostile (infinite loops, memory and fork bombs,
output floods, exits, kills, forged replies...). It is graded by one `grade batch` process (the CLI,
default limits) while the resident memory of its process tree is sampled. Then it checks and prints:

- the batch completes, every learner is in the gradebook once, the file passes integrity_check;
- a sample of honest learners gets exactly the same points per function graded alone
  (``grade_submission`` in this process) as in the batch;
- memory stays flat: peak RSS of the grading processes (batch + pool) while the first 10% of the
  class is graded vs. while the last 10% is, and the sandbox side (zygotes + workers) apart;
- nothing is left: no process working in a dl-grader scratch folder or running the batch's code,
  no scratch folder, no pids cgroup of the batch's processes under /sys/fs/cgroup.

Exit status 0 when every check holds. ``run_soak`` is what tests/security/test_soak_small.py runs
on a class of 20.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
SOLUTIONS = ROOT / "solutions" / "week2"
HOSTILE = ROOT / "tests" / "security" / "fixtures" / "hostile"
MISTAKES = ROOT / "tests" / "fixtures" / "week2" / "mistakes"
LOOPED = ROOT / "tests" / "fixtures" / "week2" / "alternatives" / "looped.py"
NOTEBOOK = ROOT / "tests" / "fixtures" / "class_week2" / "dave.ipynb"
CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))
# Hostile files that spend their time limits (10-20 s of timeouts each with the default limits):
# left out by --fast-hostile, which the 20-learner test uses.
SLOW_HOSTILE = {
    "crash_and_stop.py", "loop_class_body.py", "loop_constant.py", "loop_in_function.py", "loop_sibling_import.py",
    "partial_frame_hang.py", "stop_reading_requests.py", "slow_load.py", "memory_constant_bomb.py",
    "memory_list_bomb.py", "memory_numpy_bomb.py", "output_flood.py", "deep_recursion.py", "fork_many.py",
}


@dataclass
class Learner:
    id: str
    files: list[Path]
    own_folder: bool
    kind: str  # "reference", "mistake:<name>", "looped", "starter", "folder", "notebook", "hostile:<name>"

    @property
    def hostile(self) -> bool:
        return self.kind.startswith("hostile:")


@dataclass
class Sample:
    seconds: float
    done: int
    grader_rss: int
    sandbox_rss: int


@dataclass
class SoakResult:
    size: int
    hostile: int
    seconds: float
    exit_status: int
    recorded: int
    failed_lines: list[str]
    integrity: str
    duplicates: int
    samples: list[Sample]
    compared: int
    mismatches: list[str]
    stray_processes: list[str]
    leftover_cgroups: list[str]
    leftover_scratch: list[str]
    slowest: list[tuple[float, str, str]] = field(default_factory=list)

    def peak(self, low: float, high: float, what: str = "grader_rss") -> int:
        """Peak RSS over the samples taken while ``low <= done/size <= high`` (for the last window, the
        last sample when the batch ended between two samples)."""
        values = [getattr(s, what) for s in self.samples if low <= s.done / self.size <= high]
        if not values and self.samples and high >= 1.0:
            values = [getattr(self.samples[-1], what)]
        return max(values, default=0)

    @property
    def flat(self) -> bool:
        early, late = self.peak(0, 0.1), self.peak(0.9, 1.0)
        if not early or not late:
            return True  # too short a run to sample both ends
        return late <= 1.5 * early + 64 * 2**20

    @property
    def ok(self) -> bool:
        return (self.exit_status == 0 and self.recorded == self.size and self.integrity == "ok"
                and self.duplicates == 0 and not self.mismatches and not self.stray_processes
                and not self.leftover_cgroups and not self.leftover_scratch and self.flat)


# -- the class ---------------------------------------------------------------------------------------------


def hostile_pool(fast: bool) -> list[Path]:
    files = sorted(p for p in HOSTILE.glob("*.py") if not p.name.startswith("sibling_"))
    return [p for p in files if not (fast and p.name in SLOW_HOSTILE)]


def generate_class(folder: Path, size: int, hostile_share: float, seed: int, fast_hostile: bool) -> list[Learner]:
    """``size`` learners, ``hostile_share`` of them hostile (spread at random), the rest honest."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    reference = "\n\n".join((SOLUTIONS / f).read_text(encoding="utf-8")
                            for f in ("python_basics.py", "logistic_regression.py"))
    mistakes = sorted(MISTAKES.glob("*.py"))
    pool = hostile_pool(fast_hostile)
    rng.shuffle(pool)
    hostile_slots = set(rng.sample(range(size), round(size * hostile_share)))
    learners, next_hostile = [], 0
    for i in range(size):
        name = f"learner{i:04d}"
        tag = f"\n# {name}\n"  # every submission is distinct (its own fingerprint and seed)
        if i in hostile_slots:
            attack = pool[next_hostile % len(pool)]
            next_hostile += 1
            path = folder / f"{name}.py"
            path.write_text(attack.read_text(encoding="utf-8") + tag, encoding="utf-8")
            learners.append(Learner(name, [path], False, f"hostile:{attack.name}"))
            continue
        kind = rng.random()
        if kind < 0.35:
            path = folder / f"{name}.py"
            path.write_text(reference + tag, encoding="utf-8")
            learners.append(Learner(name, [path], False, "reference"))
        elif kind < 0.7:
            mistake = rng.choice(mistakes)
            path = folder / f"{name}.py"
            path.write_text(reference + "\n\n" + mistake.read_text(encoding="utf-8") + tag, encoding="utf-8")
            learners.append(Learner(name, [path], False, f"mistake:{mistake.stem}"))
        elif kind < 0.8:
            path = folder / f"{name}.py"
            path.write_text(LOOPED.read_text(encoding="utf-8") + tag, encoding="utf-8")
            learners.append(Learner(name, [path], False, "looped"))
        elif kind < 0.87:
            path = folder / f"{name}.py"
            path.write_text((EXERCISE / "python_basics.py").read_text(encoding="utf-8") + tag, encoding="utf-8")
            learners.append(Learner(name, [path], False, "starter"))
        elif kind < 0.95:
            own = folder / name
            own.mkdir()
            for part in ("python_basics.py", "logistic_regression.py"):
                (own / part).write_text((SOLUTIONS / part).read_text(encoding="utf-8") + tag, encoding="utf-8")
            learners.append(Learner(name, sorted(own.glob("*.py")), True, "folder"))
        else:
            notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
            notebook.setdefault("metadata", {})["learner"] = name
            path = folder / f"{name}.ipynb"
            path.write_text(json.dumps(notebook), encoding="utf-8")
            learners.append(Learner(name, [path], False, "notebook"))
    return learners


# -- processes -----------------------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str]]:
    """{pid: (ppid, state)} of every live process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                table[int(entry)] = (int(fields[1]), fields[0])
            except (OSError, IndexError, ValueError):
                continue
    return table


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _cwd(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def _done(book: Path) -> int:
    try:
        with sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    except sqlite3.Error:
        return 0


# -- the run -------------------------------------------------------------------------------------------------


def run_soak(size: int = 1000, *, hostile_share: float = 0.1, sample: int = 30, jobs: int | None = None,
             seed: int = 0, fast_hostile: bool = False, workdir: Path | None = None,
             progress: bool = False) -> SoakResult:
    from grader.classroom.gradebook import Gradebook
    from grader.grading import grade_submission

    work = workdir or Path(tempfile.mkdtemp(prefix="dl-grader-soak-"))
    scratch_root = work / "tmp"
    scratch_root.mkdir(parents=True, exist_ok=True)
    folder, book = work / "class", work / "gradebook.sqlite"
    learners = generate_class(folder, size, hostile_share, seed, fast_hostile)
    command = [sys.executable, "-m", "grader.cli", "batch", str(EXERCISE), str(folder), "--gradebook", str(book),
               "--jobs", str(jobs or os.cpu_count() or 1)]
    env = {**os.environ, "TMPDIR": str(scratch_root), "TERM": "dumb"}
    env.pop("DL_GRADER_SIMULATE_LANDLOCK_ABI", None)
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    samples: list[Sample] = []
    seen_graders: set[int] = set()
    seen_sandbox: set[int] = set()

    def sampler() -> None:
        last_print = 0.0
        while proc.poll() is None:
            grader = sandbox = 0
            for pid in descendants(proc.pid):
                line = _cmdline(pid)
                if "zygote_main" in line or "grader.sandbox.worker" in line:
                    sandbox += _rss(pid)
                    seen_sandbox.add(pid)
                else:
                    grader += _rss(pid)
                    seen_graders.add(pid)
            now = time.perf_counter() - started
            samples.append(Sample(now, _done(book), grader, sandbox))
            if progress and now - last_print > 15:
                last_print = now
                print(f"  {now:6.0f} s: {samples[-1].done}/{size} graded, grading processes "
                      f"{grader / 2**20:.0f} MB, sandboxes {sandbox / 2**20:.0f} MB", flush=True)
            time.sleep(0.5)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    thread.join()

    # What is left once the batch has returned (killed processes get a few seconds to go).
    def strays() -> list[str]:
        found = []
        for pid, (_, state) in _processes().items():
            if state in ("Z", "X") or pid == os.getpid():
                continue
            cwd, line = _cwd(pid), _cmdline(pid)
            if cwd.startswith(str(scratch_root) + os.sep) or str(folder) in line or (
                    pid in seen_sandbox | seen_graders and ("grader" in line)):
                found.append(f"{pid} (cwd {cwd}): {line[:100]}")
        return found

    deadline = time.monotonic() + 10
    left = strays()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = strays()
    cgroups = [str(path) for root in CGROUP_ROOTS for pid in sorted(seen_graders | seen_sandbox)
               for path in root.glob(f"dl-grader-{pid}") if path.is_dir()]
    cgroups += [str(path) for root in CGROUP_ROOTS for pid in sorted(seen_graders | seen_sandbox)
                for path in root.glob(f"dl-grader-{pid}-*") if path.is_dir()]
    scratch_left = sorted(str(p) for p in scratch_root.glob("dl-grader-*"))

    with sqlite3.connect(book) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        rows = db.execute("SELECT exercise, learner, submission_sha256 FROM submissions").fetchall()
    recorded = len({learner for _, learner, _ in rows})

    # Honest learners graded alone, in this process, must get the same points per function.
    rng = random.Random(seed + 1)
    honest = [learner for learner in learners if not learner.hostile]
    chosen = rng.sample(honest, min(sample, len(honest)))
    mismatches, slowest = [], []
    with Gradebook(book) as gradebook:
        secret = gradebook.seed_secret()  # the course's: the same seed as in the batch
        for learner in chosen:
            alone = grade_submission(EXERCISE, list(learner.files), learner=learner.id, siblings=learner.own_folder,
                                     seed_secret=secret)
            batched = gradebook.latest(alone.exercise, learner.id)
            if batched is None:
                mismatches.append(f"{learner.id} ({learner.kind}): not in the gradebook")
                continue
            mine = {f.name: f.points for f in alone.functions}
            theirs = {f.name: f.points for f in batched.functions}
            if mine != theirs or alone.seed != batched.seed:
                diff = {k: (theirs.get(k), v) for k, v in mine.items() if theirs.get(k) != v}
                mismatches.append(f"{learner.id} ({learner.kind}): batch vs alone {diff}")
        for learner in learners:
            report = gradebook.latest("week2", learner.id)
            if report is not None:
                slowest.append((report.timings.get("total", 0.0), learner.id, learner.kind))
    slowest.sort(reverse=True)
    failed_lines = [line for line in output.splitlines() if line.startswith("  ")]
    return SoakResult(size=size, hostile=sum(learner.hostile for learner in learners), seconds=seconds,
                      exit_status=proc.returncode, recorded=recorded, failed_lines=failed_lines, integrity=integrity,
                      duplicates=len(rows) - len(set(rows)), samples=samples, compared=len(chosen),
                      mismatches=mismatches, stray_processes=left, leftover_cgroups=cgroups,
                      leftover_scratch=scratch_left, slowest=slowest[:5])


def report(result: SoakResult) -> str:
    mb = 2**20
    lines = [
        f"class of {result.size} week-2 submissions, {result.hostile} hostile, one `grade batch`:",
        f"  completed:           exit status {result.exit_status} in {result.seconds:.0f} s "
        f"({result.size / result.seconds:.1f} submissions/s)",
        f"  gradebook:           {result.recorded}/{result.size} learners recorded, integrity {result.integrity}, "
        f"{result.duplicates} duplicate rows",
        f"  same grade alone:    {result.compared - len(result.mismatches)}/{result.compared} honest learners",
        f"  grading processes:   peak RSS {result.peak(0, 0.1) / mb:.0f} MB over the first 10%, "
        f"{result.peak(0.9, 1.0) / mb:.0f} MB over the last 10%, {result.peak(0, 1.0) / mb:.0f} MB overall "
        f"({'flat' if result.flat else 'GROWING'})",
        f"  sandboxes:           peak RSS {result.peak(0, 0.1, 'sandbox_rss') / mb:.0f} MB over the first 10%, "
        f"{result.peak(0.9, 1.0, 'sandbox_rss') / mb:.0f} MB over the last 10%, "
        f"{result.peak(0, 1.0, 'sandbox_rss') / mb:.0f} MB overall (memory bombs included)",
        f"  left behind:         {len(result.stray_processes)} processes, {len(result.leftover_cgroups)} pids cgroups, "
        f"{len(result.leftover_scratch)} scratch folders",
        "  slowest learners:    " + ", ".join(f"{kind} {seconds:.1f} s" for seconds, _, kind in result.slowest),
    ]
    lines += [f"  MISMATCH {m}" for m in result.mismatches]
    lines += [f"  STRAY {p}" for p in result.stray_processes]
    lines += [f"  CGROUP {c}" for c in result.leftover_cgroups]
    lines += [f"  SCRATCH {s}" for s in result.leftover_scratch[:10]]
    lines += [f"  no grade:{line}" for line in result.failed_lines[:10]]
    lines.append("OK" if result.ok else "FAILED")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--hostile", type=float, default=0.1, help="share of hostile submissions")
    parser.add_argument("--sample", type=int, default=30, help="honest learners regraded alone")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fast-hostile", action="store_true", help="leave out the hostile files that use their time limits")
    parser.add_argument("--keep", action="store_true", help="keep the class, gradebook and scratch folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dl-grader-soak-"))
    try:
        print(f"soak: class in {work}", flush=True)
        result = run_soak(args.size, hostile_share=args.hostile, sample=args.sample, jobs=args.jobs, seed=args.seed,
                          fast_hostile=args.fast_hostile, workdir=work, progress=True)
        print(report(result))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
