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
    base = ([grade] if grade else [sys.executable, "-m", "grader.cli"]) + [
        "submit", "exercises/week2", "--file", "solutions/week2"]
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "grade submit (full terminal report)": base,
        "grade submit --quiet": base + ["--quiet"],
    }
    for command in commands.values():
        wall(command, env)  # warm the file cache and byte-code
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so machine noise hits every command alike
        for name, command in commands.items():
            times[name].append(wall(command, env))
    shutil.rmtree(scratch, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["python -c 'import numpy'"]
    for name, median in medians.items():
        print(f"{name:38} median {median * 1000:7.1f} ms  {median / floor:5.2f}x the numpy floor")
    ratio = medians["grade submit (full terminal report)"] / floor
    print(f"target: grade submit under {TARGET_RATIO:g}x the floor -> {'met' if ratio < TARGET_RATIO else 'NOT met'}")
    return 0 if ratio < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
