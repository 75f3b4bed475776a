"""The soak benchmark's code on a class of 20 (2 hostile): benchmarks/soak.py runs the same on 1000.

One `grade batch` completes, every learner is recorded once, honest learners get the same points
graded alone, and no process, scratch folder or pids cgroup of the batch is left behind
(memory flatness is the benchmark's business: 20 learners are too few to measure it).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _soak_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dlg_soak", ROOT / "benchmarks" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dlg_soak"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_soak_on_a_class_of_20(tmp_path: Path) -> None:
    soak = _soak_module()
    result = soak.run_soak(20, hostile_share=0.1, sample=6, jobs=2, seed=7, fast_hostile=True, workdir=tmp_path)
    text = soak.report(result)
    assert result.exit_status == 0, text
    assert result.hostile == 2 and result.recorded == 20, text
    assert result.integrity == "ok" and result.duplicates == 0, text
    assert result.compared == 6 and result.mismatches == [], text
    assert result.stray_processes == [] and result.leftover_scratch == [], text
    assert result.leftover_cgroups == [], text
    # Memory flatness needs a real class: benchmarks/soak.py measures it on 1000 learners (on 20,
    # one memory bomb among the last learners is enough to tip the early/late comparison).


def test_the_hostile_pool_is_the_security_fixtures() -> None:
    soak = _soak_module()
    everything, fast = soak.hostile_pool(False), soak.hostile_pool(True)
    assert len(everything) >= 40 and 0 < len(fast) < len(everything)
    assert not any(p.name.startswith("sibling_") for p in everything)
    assert soak.SLOW_HOSTILE <= {p.name for p in everything}
