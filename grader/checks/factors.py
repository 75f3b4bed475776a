"""A factor is claimed only when the checks that saw one agree.

A failed check may say "your values are 3 times the expected ones" (grader/checks/diagnose.py). That is a
constant factor only if the other checks of the same function that saw a factor saw the same one, or each
the same size of its own problem (m = 5 in one check, m = 12 in another: a missing 1/m). When they saw
different numbers, the factor follows the inputs and "a constant factor is off" would mislead: once every
check has run, each such claim becomes "a factor that follows the inputs", naming the factors seen.
"""

from __future__ import annotations

import numpy as np

from grader.checks.context import Hint
from grader.checks.diagnose import factor_names, known
from grader.model.report import CheckDiagnosis, CheckResult

FACTOR_CLAIMS = frozenset({"values.sign", "values.factor", "values.factor_two", "values.factor_size",
                           "values.factor_ratio", "values.factor_m", "values.over_m"})


def _names(hint: Hint, factor: float) -> dict[tuple[str, ...], tuple[str, dict[str, object]]]:
    """Every way to name the factor of a claim, by what it reads: {("_size", "X.shape[1]"): ("_size", fields)}."""
    names = {}
    if hint.diagnosis in ("values.factor_m", "values.over_m"):
        names[("_m",)] = ("_m", {})
    if hint.diagnosis == "values.sign":
        names[("_sign",)] = ("_sign", {})
    for kind, fields in factor_names(factor, hint.sizes):
        key = (kind, *(str(fields[k]) for k in ("read", "read_a", "read_b") if k in fields))
        names.setdefault(key, (kind, fields))
    return names


def settle_factors(claims: list[tuple[Hint, float]]) -> dict[int, Hint]:
    """A factor is claimed only when the checks of one function that saw one agree: the same number, or each
    the same size of its own problem (m, or ``X.shape[1]``, or a ratio of two: other numbers, one mistake).
    ``claims``: (the check's diagnosis, its factor), in run order; returns, by position, the sentence that
    replaces a claim: named as the others are, or "a factor that follows the inputs" when they disagree."""
    if len(claims) < 2:
        return {}
    named = [_names(hint, c) for hint, c in claims]
    common = [key for key in named[0] if all(key in other for other in named[1:])]
    if common:
        key = common[0]
        if key[0] in ("_m", "_sign"):
            return {}
        replaced = {}
        for i, (hint, c) in enumerate(claims):
            kind, fields = named[i][key]
            if kind == "_size" and hint.diagnosis in ("values.factor_m", "values.over_m"):
                continue  # "a missing 1/m" says that size better
            if hint.diagnosis != f"values.factor{kind}" or any(hint.fields.get(k) != v for k, v in fields.items()):
                replaced[i] = known(f"values.factor{kind}", factor=c, **fields)
        return replaced
    factors = [c for _, c in claims]
    if all(np.isclose(c, factors[0], rtol=1e-6) for c in factors):
        return {}
    seen = ", ".join(f"{c:g}" for c in dict.fromkeys(round(c, 6) for c in factors))
    return {i: known("values.factor_varies", factor=c, seen=seen) for i, (_, c) in enumerate(claims)}


def claimed_factor(hint: Hint) -> float | None:
    """The factor a diagnosis claims (-1 for a sign), or None."""
    if hint.diagnosis == "values.sign":
        return -1.0
    if hint.diagnosis == "values.over_m":
        return 1.0 / float(hint.fields["m"])
    if hint.diagnosis in FACTOR_CLAIMS:
        return float(hint.fields["factor"])
    return None


def settle(results: list[CheckResult], claims: list[tuple[int, Hint]]) -> None:
    """Rewrite, in ``results``, the factor claims (result index, its diagnosis) contradicted by the other
    claims of the same function."""
    by_function: dict[str, list[tuple[int, Hint, float]]] = {}
    for index, hint in claims:
        claimed = claimed_factor(hint)
        if claimed is not None:
            by_function.setdefault(results[index].function, []).append((index, hint, claimed))
    for found in by_function.values():
        for position, said in settle_factors([(hint, claimed) for _, hint, claimed in found]).items():
            index, hint, _ = found[position]
            result = results[index]
            if hint in result.message:
                result.message = result.message.replace(hint, said, 1)
                result.diagnoses = [CheckDiagnosis(said.diagnosis, said.title) if d.id == hint.diagnosis else d
                                    for d in result.diagnoses]
