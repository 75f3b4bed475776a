"""Wall time of `grade submit exercises/week2` on the reference solution, against `import numpy`.

Run: python benchmarks/bench_submit.py [--runs N]

Both commands run as fresh processes, interleaved, in the same run; the script
prints the median of each and their ratio (target: under 4x the numpy floor).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 4.0


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="dl-grader-bench-")
    env = {**os.environ, "DL_GRADER_GRADEBOOK": str(Path(scratch) / "gradebook.sqlite")}
    grade = shutil.which("grade")
    submit = ([grade] if grade else [sys.executable, "-m", "grader.cli"]) + [
        "submit", "exercises/week2", "--file", "solutions/week2", "--quiet"]
    floor_cmd = [sys.executable, "-c", "import numpy"]
    wall(submit, env)  # warm the file cache and byte-code
    floors, submits = [], []
    for _ in range(args.runs):
        floors.append(wall(floor_cmd, env))
        submits.append(wall(submit, env))
    shutil.rmtree(scratch, ignore_errors=True)
    floor, graded = statistics.median(floors), statistics.median(submits)
    ratio = graded / floor
    print(f"python -c 'import numpy'             median {floor * 1000:7.1f} ms  ({args.runs} runs)")
    print(f"grade submit exercises/week2 (ref)   median {graded * 1000:7.1f} ms  ({args.runs} runs)")
    print(f"ratio                                {ratio:7.2f}x  (target < {TARGET_RATIO:g}x)")
    return 0 if ratio < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
