"""Comparison helpers for instructors' checks: expected vs received, plus a diagnosis.

Each ``expect_*`` returns quietly when the value is right and raises
``CheckFailure`` (an AssertionError, so plain pytest reports it too) whose message
is the feedback the learner reads.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grader.checks.context import Hint, expected_values_shown, mistake, record
from grader.checks.diagnose import (
    compute_mistakes_when_recording,
    diagnose_shape,
    diagnose_values,
    known,
    nonfinite_text,
)
from grader.checks.learner import LearnerFault, LearnerFunction
from grader.messages import say


_LARGEST_FLOAT = int(np.finfo(float).max)



class CheckFailure(AssertionError):
    """A check failed; ``str(exc)`` is the learner-facing feedback."""


def fail(*parts: str) -> None:
    """Raise CheckFailure with the non-empty parts joined by newlines.

    Parts that are diagnoses (``Hint``: ``mistake(...)``, the keys of ``mistakes=``, the
    helpers' own diagnoses) are recorded as the check's diagnoses for the class report.
    """
    record(*parts)
    raise CheckFailure("\n".join(p for p in parts if p))


SHOWN_CHARS = 200  # longest rendering of a value in feedback
_SHOWN_ITEMS = 8  # entries of a list, tuple or dict shown before "..."


def show(value: Any) -> str:
    """A compact, readable rendering of a value for feedback messages, at most ~200 characters.

    Bounded before it is built: a learner's list of a million entries, a dict of thousands of
    keys, megabytes of text or an integer of thousands of digits cost no more than a small one.
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=5, threshold=24, edgeitems=3, max_line_width=100)
        return f"{text}  (shape {value.shape}, dtype {value.dtype})" if value.ndim else text
    if isinstance(value, float):
        return f"{value:.8g}"
    text = _bounded_repr(value, 3)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def _bounded_repr(value: Any, depth: int) -> str:
    kind = type(value)
    if kind in (str, bytes):
        return repr(value[:SHOWN_CHARS]) + ("..." if len(value) > SHOWN_CHARS else "")
    if kind is int and value.bit_length() > 256:
        digits = len(str(abs(value)))  # plain data caps integers at a few thousand digits
        return say("value.long_integer", start=str(value)[:12], digits=digits)
    if kind in (list, tuple, dict):
        if depth == 0:
            return "[...]" if kind is list else "(...)" if kind is tuple else "{...}"
        if kind is dict:
            shown = [f"{_bounded_repr(key, 0)}: {_bounded_repr(item, depth - 1)}"
                     for key, item in itertools.islice(value.items(), _SHOWN_ITEMS)]
        else:
            shown = [_bounded_repr(item, depth - 1) for item in itertools.islice(value, _SHOWN_ITEMS)]
        if len(value) > _SHOWN_ITEMS:
            shown.append(f"... ({len(value)} entries)")
        open_, close = {list: "[]", tuple: "()", dict: "{}"}[kind]
        return open_ + ", ".join(shown) + ("," if kind is tuple and len(value) == 1 else "") + close
    if isinstance(value, np.ndarray):  # inside a list, tuple or dict: small ones in full
        return show(value) if value.size <= _SHOWN_ITEMS else say("value.array_summary", shape=value.shape,
                                                                  dtype=value.dtype)
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def _type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def expect_shape(got: Any, shape: tuple[int, ...], *, name: str, _want: np.ndarray | None = None) -> None:
    """``got`` must be a plain numeric ndarray of exactly ``shape`` (values not compared)."""
    want = _want if _want is not None else np.zeros(shape)
    if got is None:
        fail(say("value.none", name=name))
    if isinstance(got, (list, tuple)):
        fail(say("value.list", name=name, got_type=_type_name(got), want_shape=want.shape))
    if not isinstance(got, np.ndarray):
        fail(say("value.not_array", name=name, want_shape=want.shape, got_type=f"{_type_name(got)} {show(got)}"))
    if type(got) is not np.ndarray:
        fail(say("value.subclass", name=name, got_type=_type_name(got)))
    if got.shape != want.shape:
        fail(say("shape.mismatch", name=name, want_shape=want.shape, got_shape=got.shape), *diagnose_shape(got, want))
    if got.dtype.kind not in "biuf":
        fail(say("value.not_array", name=name, want_shape=want.shape, got_type=say("value.array_of_dtype", dtype=got.dtype)))


def expect_array(got: Any, want: np.ndarray, *, name: str, rtol: float = 1e-5, atol: float = 1e-7,
                 m: int | None = None, mistakes: dict[str, Any] | None = None, float_dtype: bool = False,
                 nonfinite_fix: str = "") -> None:
    """``got`` must be a plain ndarray of ``want``'s shape with close values.

    m: the number of examples, to diagnose a missing 1/m.  mistakes: message ->
    the value a known mistake produces, or a function computing it (called only
    when ``got`` is wrong, so costly mistakes cost nothing on right answers).  float_dtype:
    fail integer arrays even when their values are right.  nonfinite_fix: what to
    do when ``got`` has NaN/inf: the sentence after "Likely mistake: ".
    """
    compute_mistakes_when_recording(mistakes)
    want = np.asarray(want)
    expect_shape(got, want.shape, name=name, _want=want)
    if float_dtype and got.dtype.kind in "biu":
        fail(known("dtype.integer", name=name, got_dtype=got.dtype))
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
        what, count = nonfinite_text(got)
        fail(*_nonfinite(name, what, count, got.size, nonfinite_fix))
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return
    diff = np.abs(got.astype(float) - want.astype(float))
    index = np.unravel_index(int(np.argmax(diff)), diff.shape)
    where = tuple(int(i) for i in index)
    if expected_values_shown():
        mismatch = say("values.mismatch", name=name, want=show(want), got=show(got), index=where,
                       want_at=show(float(want[index])), got_at=show(float(got[index])))
    else:
        wrong = int(np.sum(~np.isclose(got, want, rtol=rtol, atol=atol)))
        mismatch = say("values.mismatch_hidden", name=name, got=show(got), wrong=wrong, size=got.size, index=where,
                       got_at=show(float(got[index])), error=roughly(float(diff[index])))
    fail(mismatch, *diagnose_values(got, want, m=m, mistakes=mistakes, rtol=rtol, atol=atol))


def roughly(value: float) -> str:
    """``value`` to one significant digit (0.0234 -> "0.02", 1234 -> "1000"): the size of an error,
    not a way to recover an expected value to many digits."""
    return f"{float(f'{value:.1g}'):g}"


def _nonfinite(name: str, what: str, count: int, size: int, fix: str) -> tuple[str, str]:
    """What is not finite, and the exercise's diagnosis of it (``fix``); without one, NaN/inf is the diagnosis."""
    if fix:
        return (say("values.nonfinite", name=name, what=what, count=count, size=size), nonfinite_hint(fix))
    return known("values.nonfinite", name=name, what=what, count=count, size=size), ""


def nonfinite_hint(fix: str) -> Hint:
    """"Likely mistake: <fix>" as a diagnosis: ``fix`` is a diagnosis of the exercise's catalog
    (``mistake("week2.sigmoid.overflow")``: its id and title are kept), or a sentence."""
    if isinstance(fix, Hint):
        return Hint(say("values.nonfinite_hint", fix=fix), fix.diagnosis, fix.title)
    return mistake(say("values.nonfinite_hint", fix=fix))


def as_scalar(got: Any, *, name: str) -> float:
    """The float value of a learner's scalar; fails for (1, 1) arrays, None, lists, text."""
    if got is None:
        fail(say("value.none", name=name))
    if isinstance(got, np.ndarray):
        if got.ndim == 0 and got.dtype.kind in "biuf" and type(got) is np.ndarray:
            return float(got)
        if got.size == 1 and got.ndim > 0:
            fail(known("value.one_by_one", name=name, got_shape=got.shape))
        fail(say("value.not_scalar", name=name, got=show(got)), known("value.not_reduced") if got.size > 1 else "")
    if type(got) is int and abs(got) > _LARGEST_FLOAT:
        fail(say("value.huge_int", name=name, got=show(got)))
    if type(got) in (int, float) or (isinstance(got, np.generic) and np.dtype(type(got)).kind in "biuf"):
        return float(got)
    fail(say("value.not_scalar", name=name, got=f"{_type_name(got)} {show(got)}"))
    raise AssertionError  # unreachable: fail() raises


def expect_scalar(got: Any, want: float, *, name: str, rtol: float = 1e-5, atol: float = 1e-7,
                  m: int | None = None, mistakes: dict[str, float] | None = None, nonfinite_fix: str = "") -> None:
    """``got`` must be a scalar (Python/numpy scalar or 0-d array) close to ``want``."""
    compute_mistakes_when_recording(mistakes)
    value = as_scalar(got, name=name)
    if not math.isfinite(value) and math.isfinite(want):
        what = "NaN" if math.isnan(value) else "inf"
        fail(*_nonfinite(name, what, 1, 1, nonfinite_fix))
    if math.isclose(value, want, rel_tol=rtol, abs_tol=atol):
        return
    if expected_values_shown():
        mismatch = say("scalar.mismatch", name=name, want=show(float(want)), got=show(value))
    else:
        off = abs(value - want)
        error = (say("scalar.off_relative", percent=roughly(100 * off / abs(want))) if want and math.isfinite(off)
                 else roughly(off))
        mismatch = say("scalar.mismatch_hidden", name=name, got=show(value), error=error)
    fail(
        mismatch,
        *diagnose_values(np.array([value]), np.array([want]), m=m, mistakes={
            k: (lambda v=v: np.array([v() if callable(v) else v])) for k, v in (mistakes or {}).items()},
            rtol=rtol, atol=atol),
    )


def expect_float(got: Any, *, name: str) -> None:
    """``got`` must be a Python or numpy float (not an int, not an array)."""
    if not (type(got) is float or isinstance(got, np.floating)):
        if isinstance(got, np.ndarray):
            as_scalar(got, name=name)
        fail(say("value.not_float", name=name, got=show(got), got_type=_type_name(got)))


def expect_keys(got: Any, keys: Sequence[str], *, name: str) -> None:
    """``got`` must be a dict holding every key of ``keys``."""
    if not isinstance(got, dict):
        fail(say("keys.type", name=name, want=list(keys), got_type=_type_name(got)))
    missing = [k for k in keys if k not in got]
    if missing:
        fail(say("keys.missing", name=name, missing=missing, want=list(keys)))


def expect_tuple(got: Any, names: Sequence[str], *, function: str) -> tuple[Any, ...]:
    """``got`` must be a tuple/list of len(names) values; returns it as a tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        size = len(got) if isinstance(got, (tuple, list)) else say("tuple.single", got_type=_type_name(got))
        fail(say("tuple.mismatch", function=function, want=len(names), names=", ".join(names), got=size))
    return tuple(got)


def expect_len(got: Any, n: int, *, name: str, hint: str = "") -> None:
    """``got`` must be a list/tuple/1-d array of ``n`` entries; ``hint``, the exercise's diagnosis of a
    wrong length, is shown (and counted as a known mistake) when it is not."""
    if isinstance(got, (list, tuple)):
        size: int | None = len(got)
    else:
        size = len(got) if isinstance(got, np.ndarray) and got.ndim > 0 else None
    if size != n:
        fail(say("length.mismatch", name=name, got=size if size is not None else show(got), want=n),
             mistake(hint) if hint else "")


def _first_change(name: str, old: Any, new: Any) -> str | None:
    """How ``new`` differs from ``old`` (arrays, dicts and lists of them), or None when equal."""
    if isinstance(old, np.ndarray):
        if (type(new) is np.ndarray and new.shape == old.shape and new.dtype.kind in "biuf"
                and old.dtype.kind in "biuf"):
            if np.array_equal(new, old, equal_nan=old.dtype.kind == new.dtype.kind == "f"):
                return None
            same = new == old
            if old.dtype.kind == new.dtype.kind == "f":
                same |= np.isnan(new) & np.isnan(old)
            index = tuple(int(i) for i in np.argwhere(~same)[0])
            return say("mutation.changed_at", arg=name, index=list(index), before=show(old[index].item()),
                       after=show(new[index].item()))
        return say("mutation.changed", before=show(old), after=show(new))
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        for key in old:
            change = _first_change(f"{name}[{key!r}]", old[key], new[key])
            if change:
                return change
        return None
    if isinstance(old, (list, tuple)) and type(new) is type(old) and len(new) == len(old):
        for i, (a, b) in enumerate(zip(old, new)):
            change = _first_change(f"{name}[{i}]", a, b)
            if change:
                return change
        return None
    if type(new) is type(old) and not isinstance(old, (dict, list, tuple)) and new == old:
        return None
    return say("mutation.changed", before=show(old), after=show(new))


def expect_unchanged(before: Sequence[Any], after: Sequence[Any], names: Sequence[str], *, function: str) -> None:
    """Arguments after the call must equal the arguments sent (no in-place modification).

    Arrays, and dicts or lists of them (a parameters dict), are compared entry by entry.
    """
    if not isinstance(after, (list, tuple)) or len(after) != len(before):
        raise TypeError("the sandbox reported the arguments after the call in an unexpected form")
    for name, old, new in zip(names, before, after):
        change = _first_change(name, old, new)
        if change:
            fail(known("mutation.inplace", function=function, arg=name, change=change))


def expect_raises(function: LearnerFunction, args: Sequence[Any], error: str, *, call_text: str, why: str = "",
                  returned_hints: Callable[[Any], str] | None = None) -> str:
    """The learner's ``function(*args)`` must raise ``error`` (by class name); returns the learner's message.

    why: the rule that makes the call invalid, shown when the learner does not raise.
    returned_hints: from the value returned instead, a more specific diagnosis.
    Timeouts, crashes and "not found" keep their usual feedback.
    """
    try:
        value = function(*args)
    except LearnerFault as fault:
        if not fault.error_type:  # not an exception of the learner's code (a timeout, a crash...)
            raise
        if fault.error_type == error:
            return fault.learner_message
        fail(say("raises.other", call=call_text, got=fault.error_type, message=fault.learner_message, want=error,
                 why=why), known("raises.assert", want=error) if fault.error_type == "AssertionError" else "")
    fail(say("raises.none", call=call_text, got=show(value), want=error, why=why),
         returned_hints(value) if returned_hints else "")
    raise AssertionError  # unreachable: fail() raises
