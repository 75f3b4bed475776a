"""Class benchmark: `grade batch` against one `grade submit` process per submission.

Run: python benchmarks/bench_batch.py [--size 200] [--loop-sample 40] [--memory-sizes 200,1000]

Generates a week-2 class (40% correct, 40% with one classic mistake, 20% correct
but looped and slow) as learners hand it in: the starter files (notebook text,
demonstration cells and all) with the learner's definitions, every other learner
as a notebook. Grades it with `grade batch` and with one `grade submit`
process per submission (on a sample of the class, extrapolated), in the same run,
and prints submissions per second, their ratio and the batch's peak memory (the
sum of the resident memory of its process tree, sampled; the grader's own processes
apart from the sandboxes, whose size is up to each learner's code). With --memory-sizes it
also grades classes of each size and prints peak memory per size (flat is good).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO, TARGET_RATE = 10.0, 25.0


def generate_class(folder: Path, size: int, seed: int = 0) -> None:
    """``size`` single-file week-2 submissions with the mix described above."""
    import nbformat

    from grader.authoring.notebooks import percent_to_notebook

    rng = random.Random(seed)
    week2 = ("python_basics.py", "logistic_regression.py")
    starter = "\n\n".join((ROOT / "exercises" / "week2" / f).read_text() for f in week2)
    reference = "\n\n".join((ROOT / "solutions" / "week2" / f).read_text() for f in week2)
    mistakes = sorted((ROOT / "tests" / "fixtures" / "week2" / "mistakes").glob("*.py"))
    looped = (ROOT / "tests" / "fixtures" / "week2" / "alternatives" / "looped.py").read_text()
    folder.mkdir(parents=True)
    for i in range(size):
        kind = rng.random()
        if kind < 0.4:
            mine = reference
        elif kind < 0.8:  # the mistake's definitions come last, so they win
            mine = reference + "\n\n" + rng.choice(mistakes).read_text()
        else:
            mine = looped
        # The learner's definitions follow the starter's cells, so they are the ones graded.
        text = f"{starter}\n\n# %%\n{mine}\n# learner {i}\n"
        if i % 2:
            nbformat.write(percent_to_notebook(text), folder / f"learner{i:04d}.ipynb")
        else:
            (folder / f"learner{i:04d}.py").write_text(text)


def tree_rss(pid: int) -> tuple[int, int]:
    """Resident bytes of ``pid`` and its descendants: (the grader's processes, the sandboxes).

    Sandboxes are the children of a zygote: their size is whatever a learner's code
    allocates (an (m, m) broadcast mistake holds 128 MB), so it is reported apart from the
    grader's own memory, whose growth with the class size is what matters.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    grader = sandboxes = 0
    stack = [(pid, False)]
    while stack:
        current, in_sandbox = stack.pop()
        try:
            rss = next((int(line.split()[1]) * 1024 for line in
                        Path(f"/proc/{current}/status").read_text().splitlines() if line.startswith("VmRSS:")), 0)
            zygote = b"zygote_main" in Path(f"/proc/{current}/cmdline").read_bytes()
        except OSError:
            continue
        if in_sandbox:
            sandboxes += rss
        else:
            grader += rss
        stack += [(child, in_sandbox or zygote) for child in children.get(current, [])]
    return grader, sandboxes


def run_batch(folder: Path, gradebook: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak resident bytes of the whole tree, peak of the grader's own processes)
    of one `grade batch` over ``folder``."""
    command = [sys.executable, "-m", "grader.cli", "batch", "exercises/week2", str(folder),
               "--gradebook", str(gradebook), "--jobs", str(os.cpu_count() or 1)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    peak = peak_grader = 0

    def sample() -> None:
        nonlocal peak, peak_grader
        while proc.poll() is None:
            grader, sandboxes = tree_rss(proc.pid)
            peak, peak_grader = max(peak, grader + sandboxes), max(peak_grader, grader)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if proc.wait() != 0:
        raise SystemExit(f"grade batch failed with status {proc.returncode}")
    sampler.join()
    return time.perf_counter() - start, peak, peak_grader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--loop-sample", type=int, default=40, help="submissions graded one process each")
    parser.add_argument("--memory-sizes", default="", help="e.g. 200,1000: peak memory per class size")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="dl-grader-bench-batch-"))
    env = {**os.environ, "DL_GRADER_GRADEBOOK": str(scratch / "loop.sqlite")}
    try:
        generate_class(scratch / "class", args.size)
        batch_seconds, peak, peak_grader = run_batch(scratch / "class", scratch / "batch.sqlite", env)
        files = sorted((scratch / "class").iterdir())[: args.loop_sample]
        start = time.perf_counter()
        for path in files:
            subprocess.run([sys.executable, "-m", "grader.cli", "submit", "exercises/week2", "--file", str(path),
                            "--quiet"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        loop_rate = len(files) / (time.perf_counter() - start)
        batch_rate = args.size / batch_seconds
        print(f"class of {args.size} week-2 submissions (40% correct, 40% one mistake, 20% looped)")
        print(f"grade batch:                 {batch_rate:6.1f} submissions/s  ({batch_seconds:.1f} s, "
              f"peak memory {peak / 2**20:.0f} MB, of which the grader's processes {peak_grader / 2**20:.0f} MB)")
        print(f"one grade submit per file:   {loop_rate:6.1f} submissions/s  (sample of {len(files)})")
        ratio = batch_rate / loop_rate
        print(f"ratio: {ratio:.1f}x (target >= {TARGET_RATIO:g}x and >= {TARGET_RATE:g}/s)")
        for size in [int(s) for s in args.memory_sizes.split(",") if s]:
            folder = scratch / f"class{size}"
            generate_class(folder, size, seed=size)
            seconds, peak, peak_grader = run_batch(folder, scratch / f"batch{size}.sqlite", env)
            print(f"class of {size:5d}: {size / seconds:6.1f} submissions/s, peak memory {peak / 2**20:.0f} MB "
                  f"(grader's processes {peak_grader / 2**20:.0f} MB, the rest sandboxes)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
