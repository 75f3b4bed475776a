"""The structure a learner's value must have before trusted code computes with it.

A check compares a learner's value with the reference's; sometimes it also hands a
learner's value to trusted code: the reference (``reference.predict(d["w"], d["b"], X)``),
a training loop of the check's own, the next step of a chain.  Before that hand-off the
value goes through ``expect_like``, against a template the check trusts (the reference's
own value, or the inputs the learner received): the same dict keys, exactly; the same
tuple length; arrays of the template's shape and of a real dtype; plain numbers where the
template has numbers.  A value outside that contract fails the check with a diagnosis of
the learner's value; it is never broadcast or computed upon, so it cannot make the grading
process allocate more than the reference's own working set.

What trusted code raises anyway is caught by ``computing_with`` at the hand-off: the
learner reads what was wrong with their value, never the trusted code's own message
(which describes the reference's implementation)::

    w = expect_like(d["w"], np.zeros((n_x, 1)), name='d["w"]')
    b = expect_like(d["b"], 0.0, name='d["b"]')
    with computing_with('d["w"] and d["b"]'):
        predictions = reference.predict(w, b, X_test)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from grader.checks.compare import CheckFailure, as_scalar, expect_keys, expect_shape, fail, show
from grader.checks.learner import LearnerFault
from grader.messages import say

SHOWN_KEYS = 6  # extra keys named in feedback; the others are counted


def expect_like(got: Any, template: Any, *, name: str) -> Any:
    """``got``, checked against ``template``'s structure, with numbers as floats; fails otherwise.

    template ndarray: ``got`` is a plain ndarray of its shape with a bool/int/float dtype
    (``expect_shape``: rank-1, transpose and broadcast diagnoses); a number (int or float):
    ``got`` is a real number (``as_scalar``: a (1, 1) array, text or an integer too large for a
    float fail); a dict: ``got`` is a dict with exactly its keys (extra keys fail too), each
    value like the template's; a tuple or list: ``got`` is a tuple or list of its length;
    None: anything (a part trusted code does not use).  The template, trusted, bounds the
    recursion: a learner's deeply nested value is refused at the template's depth.
    Raises TypeError for a template of another type (a mistake in the check).
    """
    if isinstance(template, np.ndarray):
        expect_shape(got, template.shape, name=name, _want=template)
        return got
    if isinstance(template, (int, float, np.integer, np.floating)) and not isinstance(template, (bool, np.bool_)):
        return as_scalar(got, name=name)
    if isinstance(template, dict):
        expect_keys(got, list(template), name=name)
        if len(got) != len(template):
            extra = [key for key in got if key not in template]
            shown = show(extra[:SHOWN_KEYS]) + (f" and {len(extra) - SHOWN_KEYS} more" if len(extra) > SHOWN_KEYS
                                                 else "")
            fail(say("contract.extra_keys", name=name, extra=shown, want=list(template)))
        return {key: expect_like(got[key], value, name=_entry_name(name, key)) for key, value in template.items()}
    if isinstance(template, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(template):
            fail(say("length.mismatch", name=name, want=len(template),
                     got=len(got) if isinstance(got, (tuple, list)) else show(got)))
        return type(template)(expect_like(item, like, name=f"{name}[{i}]")
                              for i, (item, like) in enumerate(zip(got, template)))
    if template is None:
        return got
    raise TypeError(f"expect_like has no rule for a template of type {type(template).__name__}")


def _entry_name(name: str, key: Any) -> str:
    return f'{name}["{key}"]' if isinstance(key, str) else f"{name}[{key!r}]"


@contextmanager
def computing_with(name: str) -> Iterator[None]:
    """Trusted code computing with the learner's ``name`` (checked with ``expect_like`` first).

    Whatever it raises (but a check's own failure or a learner fault) fails the check with
    a sentence about the learner's value and the error's type only: the trusted code's own
    message and traceback describe the reference's implementation and are never shown.
    """
    try:
        yield
    except (CheckFailure, LearnerFault):
        raise
    except Exception as error:  # noqa: BLE001 - any error of trusted code on a learner's value
        kind = type(error).__name__
    else:
        return
    fail(say("contract.unusable", name=name, error_type=kind))
