"""The ``@check`` decorator: which graded function a check is about and what it is worth."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from grader.checks.catalog import use_catalog

F = TypeVar("F", bound=Callable[..., object])
MARK = "dl_check"


def check(function: str, points: float = 1.0) -> Callable[[F], F]:
    """Mark a pytest function as a graded check of ``function`` worth ``points``.

    ``points=0`` makes an advice check: its feedback is shown, it never costs points. The message
    catalogs next to the check file (``messages.en.toml``, grader.checks.catalog) are read then.
    """
    if points < 0:
        raise ValueError("points must be >= 0")
    mark = getattr(pytest.mark, MARK)(function=function, points=float(points))

    def marked(test: F) -> F:
        code = getattr(test, "__code__", None)
        if code is not None:
            use_catalog(code.co_filename)
        return mark(test)

    return marked
