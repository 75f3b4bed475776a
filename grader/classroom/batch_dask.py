"""Past one machine: grade a batch on a Dask distributed cluster (optional extra ``[dask]``).

Each learner's files travel with the task (bytes), so workers need no access to the
submissions folder; the exercise itself must exist on every worker at the same path
(a shared file system or an identical checkout, see docs/batch.md). Each Dask worker
process keeps one warm zygote, as a local grading process does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from grader.classroom.batch import Learner
from grader.errors import usage_error


def _grade_remote(exercise_root: str, learner_id: str, files: list[tuple[str, bytes]],
                  own_folder: bool, seed_secret: bytes = b"") -> tuple[str, dict | str]:
    """Runs on a Dask worker: write the files to a private folder, then grade as locally."""
    from grader.classroom import batch

    if batch._launcher is None:
        from grader.sandbox.launch import ZygoteLauncher

        batch._launcher = ZygoteLauncher()
    with tempfile.TemporaryDirectory(prefix="dl-grader-dask-") as folder:
        paths = []
        for name, data in files:
            path = Path(folder, *(part for part in Path(name).parts if part not in ("", ".", "..", "/")))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        return batch.grade_learner(exercise_root, Learner(learner_id, tuple(paths), own_folder, seed_secret))


def task_files(learner: Learner) -> list[tuple[str, bytes]]:
    """A learner's files as a task carries them: each file's path below their common folder (two
    files of a learner's folder may share a name in different sub-folders: each arrives as
    itself), and its bytes."""
    root = Path(os.path.commonpath([p.parent for p in learner.files]))
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in learner.files]


class DaskExecutor:
    """Grades on the cluster at ``address`` ("local" starts a LocalCluster of ``jobs`` workers)."""

    def __init__(self, address: str, jobs: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise usage_error("usage.dask.extra") from None
        if address == "local":
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.cluster = None
            try:
                self.client = Client(address, timeout=10)
            except OSError as exc:
                raise usage_error("usage.dask.unreachable", address=address, error=exc) from None

    def results(self, exercise_root: str, learners: list[Learner]) -> Iterator[tuple[str, dict | str]]:
        from distributed import as_completed

        futures = [
            self.client.submit(_grade_remote, exercise_root, learner.id, task_files(learner), learner.own_folder,
                               learner.seed_secret, pure=False)
            for learner in learners
        ]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            self.close()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
