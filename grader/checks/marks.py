"""The ``@check`` decorator: which graded function a check is about and what it is worth.

``@check.each({...})`` writes one check per graded function, for checks that differ only by the
function they grade (an SVM loss graded as ``svm_loss_naive`` and as ``svm_loss_vectorized``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

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
        code = getattr(getattr(test, "check_body", test), "__code__", None)
        if code is not None:
            use_catalog(code.co_filename)
        return mark(test)

    return marked


def each(checks: dict[str, str], points: float = 1.0) -> Callable[[F], F]:
    """One check per graded function, from one body that receives the function's name::

        @check.each({"softmax_naive_zero_weights": "softmax_loss_naive",
                     "softmax_vectorized_zero_weights": "softmax_loss_vectorized"})
        def zero_weights(learner, function):
            \"\"\"With W = 0 all C classes are equally likely: the loss is log(C).\"\"\"
            loss, _ = loss_and_dW(getattr(learner, function), W, X, y, 0.0)
            ...

    defines ``test_softmax_naive_zero_weights``, a check of ``softmax_loss_naive``, and
    ``test_softmax_vectorized_zero_weights``, one of ``softmax_loss_vectorized``, each worth ``points``,
    described by the body's docstring, in the body's module; the body takes the fixtures it names
    and ``function``. Checks are named in full (check name -> graded function), so that their names,
    and the random inputs seeded by them, do not depend on how they are written. The body's own name
    does not start with ``test_``: pytest collects only the checks it defines.
    """
    def define(body: F) -> F:
        signature = inspect.signature(body)
        if "function" not in signature.parameters:
            raise TypeError(f"{body.__name__}: a check.each body takes the argument `function`")
        fixtures = signature.replace(parameters=[p for n, p in signature.parameters.items() if n != "function"])
        for name, function in checks.items():
            test = _one_check(body, function, f"test_{name}", fixtures)
            body.__globals__[test.__name__] = check(function, points)(test)
        return body

    return define


def _one_check(body: Callable[..., Any], function: str, name: str, fixtures: inspect.Signature) -> Callable[..., Any]:
    def test(**arguments: Any) -> Any:
        return body(function=function, **arguments)

    test.__name__ = test.__qualname__ = name
    test.__doc__, test.__module__ = body.__doc__, body.__module__
    test.__signature__ = fixtures  # type: ignore[attr-defined]  # the fixtures pytest gives it
    test.check_body = body  # type: ignore[attr-defined]  # its file: the catalogs beside it
    test.compat_co_firstlineno = body.__code__.co_firstlineno  # type: ignore[attr-defined]  # pytest's location
    return test


check.each = each  # type: ignore[attr-defined]
