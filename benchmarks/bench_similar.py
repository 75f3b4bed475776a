"""Benchmark of `grade similar`: a generated week-2 class of 2,000 learners, timed and measured.

Each learner hands in the two starter notebooks (half of them as percent-format .py files) with their
own definitions: per graded function, one of the styles of tests/fixtures/similar/week2/ (and the
reference solution), its local variables renamed at random, and now and then a personal touch (an extra
check, a print, another constant) drawn from a small pool, so that fingerprints are shared by all, by
many, by a few or by none. Among them, --planted pairs of disguised copies (renamed, reordered, laid
out in other cells, notebook against .py). One command:

    python benchmarks/bench_similar.py                 # 2,000 learners
    python benchmarks/bench_similar.py --size 500 --keep /tmp/class500

It prints the time to generate the class (not counted), the time of `similar_pairs` (reading with its
default processes, one per core, then indexing and comparing), its peak memory (this process and the
reading processes), how many candidate pairs were scored and where the planted pairs rank.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "similar"))

from classes import disguised, mixed_source, style_library, write_submission  # noqa: E402

from grader.classroom.similar import similar_pairs  # noqa: E402

def make_class(folder: Path, size: int, planted: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    library = style_library("week2")
    pairs = []
    copies = {f"learner{i:05d}": f"copier{n:03d}" for n, i in enumerate(rng.sample(range(size), planted))}
    for i in range(size):
        learner = f"learner{i:05d}"
        source = mixed_source("week2", rng, library)
        fmt = "ipynb" if i % 2 else "py"
        write_submission(folder, learner, "week2", source, fmt, "starter")
        if learner in copies:
            copier = copies[learner]
            write_submission(folder, copier, "week2", disguised(source, rng), "py" if fmt == "ipynb" else "ipynb",
                             rng.choice(["merged", "split", "reordered"]))
            pairs.append((learner, copier))
    return pairs


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (reaped) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="learners (default 2000), planted copiers apart")
    parser.add_argument("--planted", type=int, default=20, help="disguised copies planted (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="reading processes (default: one per core)")
    parser.add_argument("--keep", type=Path, default=None, help="write the class here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_similar_")) / "class"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    planted = make_class(folder, args.size, args.planted, args.seed)
    print(f"generated {args.size + len(planted)} learners ({len(planted)} planted copies) in "
          f"{time.perf_counter() - started:.1f} s: {folder}")
    before = peak_mb()
    started = time.perf_counter()
    report = similar_pairs("week2", folder, jobs=args.jobs)
    seconds = time.perf_counter() - started
    own, children = peak_mb()
    ranks = {frozenset((p.a, p.b)): n for n, p in enumerate(report.pairs, start=1)}
    found = sorted(ranks.get(frozenset(pair), 10**9) for pair in planted)
    top = sorted(report.pairs, key=lambda p: -p.score)
    planted_set = {frozenset(pair) for pair in planted}
    best_other = max((p.score for p in top if frozenset((p.a, p.b)) not in planted_set), default=0.0)
    worst_planted = min((p.score for p in top if frozenset((p.a, p.b)) in planted_set), default=0.0)
    print(f"similar_pairs: {seconds:.1f} s for {report.learners} learners "
          f"({report.parameters['candidates']} candidate pairs scored, {len(report.pairs)} listed)")
    print(f"peak memory: {own:.0f} MB (this process; {before[0]:.0f} MB before), "
          f"{children:.0f} MB (largest reading process)")
    print(f"planted pairs: ranks {found[0]}..{found[-1]} of {len(report.pairs)}; lowest planted score "
          f"{worst_planted:.3f}, highest other {best_other:.3f}")
    if not args.keep:
        shutil.rmtree(folder.parent, ignore_errors=True)
    if seconds >= 60:
        print("too slow: over a minute")
        sys.exit(1)


if __name__ == "__main__":
    main()
