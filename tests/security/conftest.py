"""Fixtures of the security tests (tests/security/)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox_helpers import _EARLIER_CHILDREN, _children, _kill, sandbox_processes


@pytest.fixture
def sandboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make every scratch dir of this test (so every sandbox process's cwd) live beneath one folder."""
    root = (tmp_path / "sandboxes").resolve()
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    _EARLIER_CHILDREN[root] = _children()
    yield root
    _kill(sandbox_processes(root))  # clean up after a failed test; asserting is the test's job
    del _EARLIER_CHILDREN[root]
