"""How a learner's value is matched to the reference's values: equal up to a check's tolerance, a slice of one,
an array filled in place with right entries, a multiple or a transpose of one (grader/checks/first_wrong.py).

The reference's values of a traced call (and the call's own inputs) are kept by shape, stacked, so that a
value is compared with all of its shape at once: a loop records thousands of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.checks.diagnose import constant_factor

RTOL, ATOL = 1e-5, 1e-8


def _atol(want: np.ndarray) -> float:
    """The absolute tolerance of a comparison with ``want``: ATOL, scaled up by its largest magnitude."""
    return ATOL * max(1.0, float(np.max(np.abs(want)))) if want.size else ATOL


def same(a: Any, b: Any) -> bool:
    """Equal up to the tolerance of a check: same shape, close values."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=RTOL, atol=_atol(b), equal_nan=True))


def factor(got: Any, want: Any) -> float | None:
    """The constant c with got = c * want (c not 1), or None; claimed from two numbers or more (one number
    is a multiple of any other), as diagnose.diagnose_values claims it."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.all(np.isfinite(got)) or not np.all(np.isfinite(want)) \
            or np.count_nonzero(np.abs(want) > 1e-12) < 2:
        return None
    return constant_factor(got, want)


@dataclass(frozen=True)
class Relation:
    """How a wrong value relates to the reference value it stands for (``want``)."""

    want: Any
    transposed: bool = False
    factor: float | None = None


class Pool:
    """The reference's values (and the call's inputs), by shape, to match learner values against."""

    def __init__(self, values: list[Any], steps: list[Any] = ()) -> None:
        self.by_shape: dict[tuple[int, ...], list[np.ndarray]] = {}
        for value in values:
            array = np.asarray(value, dtype=float)
            self.by_shape.setdefault(array.shape, []).append(array)
        # Values of the reference's sub-expressions (grader/checks/steps.py): what a wrong value may relate to.
        self.steps: dict[tuple[int, ...], list[np.ndarray]] = {}
        for value in steps:
            array = np.asarray(value, dtype=float)
            self.steps.setdefault(array.shape, []).append(array)
        self._stacks: dict[tuple[str, tuple[int, ...]], tuple[np.ndarray, np.ndarray]] = {}

    def _any_same(self, kind: str, value: Any) -> bool:
        """``same(value, want)`` for some value of the pool (``kind``: "values" or "steps") of its shape, in one
        vectorised comparison (a loop records thousands of numbers: one by one, that is millions of calls)."""
        array = np.asarray(value, dtype=float)
        key = (kind, array.shape)
        if key not in self._stacks:
            wants = (self.by_shape if kind == "values" else self.steps).get(array.shape, [])
            if not wants:
                return False
            stack = np.stack(wants)
            flat = np.abs(stack.reshape(len(wants), -1))
            scales = np.maximum(1.0, np.nanmax(flat, axis=1, initial=0.0)) if flat.shape[1] else np.ones(len(wants))
            self._stacks[key] = (stack, scales)
        stack, scales = self._stacks[key]
        tolerance = (ATOL * scales).reshape((-1,) + (1,) * array.ndim) + RTOL * np.abs(stack)
        with np.errstate(invalid="ignore"):
            close = (np.abs(stack - array) <= tolerance) | (np.isnan(stack) & np.isnan(array)) | (stack == array)
        return bool(np.any(np.all(close.reshape(len(stack), -1), axis=1)))

    def part_of(self, value: Any) -> bool:
        """Is ``value`` (an array of two numbers or more) one slice ``ref[k]`` of a reference value (a loop over
        examples computes one example's part of what the reference computes for all at once)?"""
        array = np.asarray(value, dtype=float)
        if array.size < 2:
            return False
        for shape, wants in self.by_shape.items():
            if len(shape) != array.ndim + 1 or shape[1:] != array.shape:
                continue
            for want in wants:
                close = np.isclose(want, array[None], rtol=RTOL, atol=_atol(want))
                if np.any(np.all(close.reshape(len(want), -1), axis=1)):
                    return True
        return False

    def fills(self, before: Any, after: Any) -> bool:
        """Does an array filled in place (``out[n, f, i, j] = ...``) hold, where it changed and wherever it is not
        0, what a reference value of its shape holds there?"""
        old, new = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
        if old.shape != new.shape:
            return False
        changed = ~np.isclose(old, new, rtol=0.0, atol=0.0, equal_nan=True)
        if not np.any(changed):
            return False
        filled = changed | (new != 0)  # what this line wrote, and what earlier passes wrote (not the zeros of the start)
        for want in self.by_shape.get(new.shape, ()):
            if np.allclose(new[filled], want[filled], rtol=RTOL, atol=_atol(want)):
                return True
        return False

    def is_step(self, value: Any) -> bool:
        return self._any_same("steps", value)

    def matches(self, value: Any) -> bool:
        return self._any_same("values", value)

    def related(self, value: Any, named: list[Any]) -> Relation | None:
        """A reference value this wrong one is a transpose or a multiple of (those of its own name first)."""
        array = np.asarray(value, dtype=float)
        candidates = [np.asarray(v, dtype=float) for v in named] + self.by_shape.get(array.shape, []) + (
            self.by_shape.get(array.shape[::-1], []) if array.ndim == 2 else []) + self.steps.get(array.shape, [])[::-1] + (
            self.steps.get(array.shape[::-1], [])[::-1] if array.ndim == 2 else [])  # a line's later steps first
        for want in candidates:
            if array.ndim == 2 and want.shape == array.shape[::-1] and array.shape[0] != array.shape[1] \
                    and same(array.T, want):
                return Relation(want, transposed=True)
            c = factor(array, want)
            if c is not None:
                return Relation(want, factor=c)
        return None
