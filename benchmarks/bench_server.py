"""Course-server benchmark: learners submitting over HTTP, against `grade batch` on the same files.

Run: python benchmarks/bench_server.py [--learners 300] [--rate 5] [--workers N]

Generates a week-2 class as benchmarks/bench_batch.py does (40% correct, 40% with one classic
mistake, 20% looped and slow; half of them notebooks), then, in the same run:

1. `grade batch` grades the class: the reference rate (submissions per second).
2. `grade serve` runs a course with one account per learner; each learner uploads their file
   over HTTP at a fixed offered rate (--rate per second, spread evenly): upload-to-graded
   latency p50/p95/max, from the server's own timestamps (accepted, recorded).
3. The same learners submit again, all at once: sustained throughput (submissions graded per
   second from the first upload to the last grade) and its ratio to `grade batch`.

Throughout, the server's process tree is sampled: its peak memory (the grader's processes;
sandboxes apart, as their size is the learner's), and the peak over the first and the last
tenth of the run (flat is good). Targets: throughput >= 60% of `grade batch`, p95 <= 1.5 s at
5 submissions per second, memory flat (last tenth within 1.25x of the first).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SHARE, TARGET_P95, TARGET_FLAT = 0.60, 1.5, 1.25


def _bench_batch():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_batch", Path(__file__).with_name("bench_batch.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


class Sampler:
    """The server tree's resident memory every 0.2 s: (time, the grader's processes' bytes)."""

    def __init__(self, pid: int, tree_rss) -> None:  # type: ignore[no-untyped-def]
        self.pid, self.tree_rss = pid, tree_rss
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            grader, _sandboxes = self.tree_rss(self.pid)
            self.samples.append((time.monotonic(), grader))
            self.stop.wait(0.2)

    def peaks(self) -> tuple[int, int, int]:
        """(peak, peak over the first tenth, peak over the last tenth) of the run."""
        self.stop.set()
        self.thread.join()
        start, end = self.samples[0][0], self.samples[-1][0]
        tenth = (end - start) / 10
        first = max((m for t, m in self.samples if t <= start + tenth), default=0)
        last = max((m for t, m in self.samples if t >= end - tenth), default=0)
        return max(m for _, m in self.samples), first, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--rate", type=float, default=5.0, help="offered submissions per second (latency phase)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    import httpx

    from grader.course.accounts import add_account
    from grader.course.store import open_store

    bench = _bench_batch()
    work = Path(tempfile.mkdtemp(prefix="dl-grader-bench-server-"))
    env = {**os.environ, "TERM": "dumb"}
    server = None
    try:
        folder = work / "class"
        bench.generate_class(folder, args.learners)
        files = sorted(folder.iterdir())
        seconds, _peak, _grader_peak = bench.run_batch(folder, work / "batch.sqlite", env)
        batch_rate = len(files) / seconds
        print(f"grade batch: {len(files)} submissions in {seconds:.1f} s = {batch_rate:.1f}/s")

        course = work / "course"
        course.mkdir()
        (course / "course.toml").write_text('[course]\ntitle = "bench"\n[[exercises]]\nname = "week2"\n')
        engine = open_store(f"sqlite:///{course / 'course.sqlite'}")
        tokens = [add_account(engine, f"learner{i:04d}") for i in range(len(files))]
        staff = add_account(engine, "prof", role="instructor")
        engine.dispose()
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "grader.cli", "serve", "--course", str(course), "--port",
                                   str(port), "--workers", str(args.workers)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("grade serve did not start")
            time.sleep(0.2)
        sampler = Sampler(server.pid, bench.tree_rss)
        client = httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=16))

        def upload(i: int) -> str:
            path = files[i]
            response = client.post("/api/v1/exercises/week2/submissions", files=[("files", (path.name, path.read_bytes()))],
                                   headers={"Authorization": f"Bearer {tokens[i]}"})
            if response.status_code != 202:
                raise SystemExit(f"upload {i} refused: {response.status_code} {response.text}")
            return response.json()["id"]

        def finished(ids: set[str]) -> list[dict]:
            while True:
                rows = client.get("/api/v1/class/submissions", headers={"Authorization": f"Bearer {staff}"}).json()
                mine = [row for row in rows if row["id"] in ids]
                if len(mine) == len(ids) and all(row["status"] in ("done", "failed") for row in mine):
                    return mine
                time.sleep(0.5)

        # 1. Latency at the offered rate.
        pool = ThreadPoolExecutor(8)
        started = time.monotonic()
        futures = []
        for i in range(len(files)):
            delay = started + i / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(upload, i))
        first_ids = {f.result() for f in futures}
        rows = finished(first_ids)
        latencies = sorted(_seconds(r["finished"]) - _seconds(r["created"]) for r in rows)
        failed = sum(r["status"] == "failed" for r in rows)
        p50, p95 = latencies[len(latencies) // 2], latencies[int(0.95 * (len(latencies) - 1))]
        print(f"latency at {args.rate:g}/s offered: p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s "
              f"({failed} failed)")
        if failed:
            print("  first failure:", next(r["failure"] for r in rows if r["status"] == "failed"))

        # 2. Sustained throughput: everyone at once.
        second_ids = set(pool.map(upload, range(len(files))))
        rows = finished(second_ids)
        span = max(_seconds(r["finished"]) for r in rows) - min(_seconds(r["created"]) for r in rows)
        rate = len(rows) / span
        peak, first, last = sampler.peaks()
        print(f"throughput: {len(rows)} submissions in {span:.1f} s = {rate:.1f}/s "
              f"({rate / batch_rate:.0%} of grade batch; target >= {TARGET_SHARE:.0%})")
        print(f"server memory (grader processes): peak {peak / 2**20:.0f} MB; first tenth {first / 2**20:.0f} MB, "
              f"last tenth {last / 2**20:.0f} MB")
        ok = [rate / batch_rate >= TARGET_SHARE, p95 <= TARGET_P95, last <= TARGET_FLAT * first]
        for good, what in zip(ok, ("throughput", "p95 latency", "flat memory")):
            print(f"  {'met' if good else 'MISSED'}: {what}")
        return 0 if all(ok) else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
