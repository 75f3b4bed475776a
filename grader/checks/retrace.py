"""After a check failed on a value: run the learner's last call again, traced, and say where it went wrong.

Only a failed check gets here (grader/checks/runner.py), so a passing submission pays nothing. The
learner's last call (recorded by ``LearnerFunction``) is compared, part by part, with the reference's
answer to the same inputs, computed here under the same tracer (grader/sandbox/tracing.py):

- a tuple whose parts are right but in another order is said to be that, with no re-run;
- otherwise the call is run again in the sandbox with the tracer; if it gives the same answer as the
  first time (a function that keeps state between calls does not, and is left to its own diagnosis),
  grader/checks/first_wrong.py finds the first wrong value, and this module words it: the line, the
  learner values that matched before it, how it differs (shape, transpose, a factor, named when it is
  a size of the problem), and for a wrong shape what the arrays its line reads would give.

Nothing here believes the trace beyond wording: points were decided by the check.
"""

from __future__ import annotations

import copy
import inspect
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from grader.checks import nonfinite
from grader.checks.context import CheckContext, LastCall, diagnosis, record
from grader.checks.diagnose import name_factor, problem_sizes
from grader.checks.failing_line import aligned_products
from grader.checks.factors import claimed_factor
from grader.checks.first_wrong import Finding, find, identical
from grader.checks.matching import ATOL, RTOL, factor, same
from grader.checks.steps import steps
from grader.messages import say
from grader.sandbox.tracing import returned_parts, traced


GRADER = Path(__file__).resolve().parent.parent  # the grader's own code: never a reference solution
# Failed checks of one graded function whose last call is traced again (the first ones, in run order; a second
# one on other inputs may see what a coincidence hid from the first), and of a whole submission.
TRACED_PER_FUNCTION = 2
TRACED_PER_SUBMISSION = 6


class Retracer:
    """One learner's traced re-runs: at most ``TRACED_PER_FUNCTION`` failed checks of each function and
    ``TRACED_PER_SUBMISSION`` in all (a submission failing everywhere must not cost a re-run of every check)."""

    def __init__(self) -> None:
        self.traced: dict[str, int] = {}

    def failed(self, context: CheckContext | None, reference: Any) -> list[str]:
        """Where the failed check's most recent wrong learner call went wrong (recorded as its diagnoses).

        A check may call other functions after the one that failed (the learner's forward pass, for its
        cache): calls whose answer is right say nothing, and the most recent wrong one is traced.
        """
        for call in reversed(context.calls if context is not None else []):
            function = call.function.graded
            if self.traced.get(function, 0) >= TRACED_PER_FUNCTION or sum(self.traced.values()) >= TRACED_PER_SUBMISSION:
                continue
            try:
                claimed = tuple(c for c in map(claimed_factor, context.hints) if c is not None)
                said = explain(call, reference, claimed, lambda: self._count(function))
            except Exception:  # noqa: BLE001 - words about a failure never change it
                return []
            if said:
                record(*said)
                return said
        return []

    def _count(self, function: str) -> None:
        self.traced[function] = self.traced.get(function, 0) + 1


def explain(call: LastCall, reference: Any, claimed: tuple[float, ...] = (),
            tracing: Callable[[], None] = lambda: None) -> list[str]:
    """Sentences that locate the wrong value of ``call`` (empty when there is nothing sure to say, e.g. its
    answer is right); ``claimed``: the factors the check's diagnoses already name (not explained twice);
    ``tracing`` is told before the learner's call runs again (what the limits count)."""
    function = getattr(reference, call.function.graded, None)
    if not inspect.isfunction(function) or Path(function.__code__.co_filename).resolve().is_relative_to(GRADER):
        return []  # a learners' copy keeps recorded results (served by the grader's code), not the reference's code
    try:
        wanted, reference_trace = traced(function, *copy.deepcopy((list(call.args), call.kwargs)),
                                         {function.__code__.co_filename})
        again, its_steps = steps(function, *copy.deepcopy((list(call.args), call.kwargs)))
    except Exception:  # noqa: BLE001 - the reference on a learner's inputs is for words only
        return []
    want, got = dict(returned_parts(wanted)), dict(returned_parts(call.value))
    if not want or set(want) != set(dict(returned_parts(again))) or not all(
            same(want[k], v) for k, v in returned_parts(again)):
        return []  # the reference itself does not answer twice the same (it draws random numbers)
    order = _order(call.function.graded, got, want)
    if order:
        return order + _return_line(call, len([n for n in want if n.startswith("return[")]))
    wrong = [name for name in want if name in got and not same(got[name], want[name])]
    if not wrong or set(got) != set(want):
        return []
    tracing()
    outcome = call.function.traced(call.args, call.kwargs)
    if outcome is None or outcome.trace is None:
        return []
    again_got = dict(returned_parts(outcome.value))
    if set(again_got) != set(got) or not all(identical(again_got[k], v) for k, v in got.items()):
        return []  # another answer on the same inputs: state kept between calls
    from grader.sandbox.traces import read_trace

    finding = find(outcome.trace, read_trace(reference_trace), [call.args, call.kwargs], wrong[0], its_steps)
    if finding is None:
        return nonfinite.origin(outcome.trace, wrong[0])
    if finding.relation is None:
        # A value with no counterpart is weak evidence; where a NaN or inf was made is strong.
        made = nonfinite.origin(outcome.trace, wrong[0])
        return made or _words(finding, call, outcome.trace, claimed)
    return _words(finding, call, outcome.trace, claimed) + nonfinite.origin(outcome.trace, wrong[0], finding.event)


def _order(function: str, got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """A tuple with the right parts in another order."""
    names = [n for n in want if n.startswith("return[") and n[7:-1].isdigit()]
    if len(names) < 2 or set(got) != set(want) or len(names) > 6:
        return []
    if all(same(got[n], want[n]) for n in names):
        return []
    for order in itertools.permutations(names):
        if all(same(got[n], want[m]) for n, m in zip(names, order)):
            moves = [say("trace.order_move", got=n[7:-1], want=m[7:-1]) for n, m in zip(names, order) if n != m]
            return [diagnosis("trace.order", function=function, moves=", ".join(moves))]
    return []


def _return_line(call: LastCall, parts: int) -> list[str]:
    """The learner's return line of a tuple of ``parts`` values, when the function has exactly one."""
    import ast

    located = getattr(call.function, "located", None)
    if located is None:
        return []
    try:
        tree = ast.parse(located.source)
    except SyntaxError:
        return []
    returns = [n for n in ast.walk(tree) if isinstance(n, ast.Return) and isinstance(n.value, (ast.Tuple, ast.List))
               and len(n.value.elts) == parts]
    if len(returns) != 1:
        return []
    line = returns[0].lineno
    return [say("trace.order_line", line=line + located.first_line - 1,
                text=located.source.splitlines()[line - 1].strip())]


def _words(finding: Finding, call: LastCall, trace: Any, claimed: tuple[float, ...]) -> list[str]:
    """Where the value went wrong, and how: plain sentences, not a diagnosis (they locate a mistake, which the
    check's own diagnosis, if any, names)."""
    event, graded = finding.event, call.function.graded
    name = event.name if not event.name.startswith("return") else say("trace.returned")
    where = nonfinite.where(trace, event)
    if finding.matched:
        first = say("trace.first_wrong", function=graded, matched=", ".join(finding.matched), name=name,
                          where=where, text=event.text)
    else:
        first = say("trace.first_wrong_alone", function=graded, name=name, where=where, text=event.text)
    parts: list[str] = [first]
    loop = ", ".join(f"{k} = {v}" for k, v in event.loop)
    if loop and finding.looped:
        parts.append(say("trace.loop_again" if finding.repeated else "trace.loop", values=loop))
    parts += _difference(finding, problem_sizes(call), claimed)
    return parts


def _difference(finding: Finding, sizes: dict[int, str], claimed: tuple[float, ...]) -> list[str]:
    got = np.asarray(finding.event.value, dtype=float)
    relation = finding.relation
    if relation is None:
        return [say("trace.no_counterpart", got_shape=got.shape)]
    want = np.asarray(relation.want, dtype=float)
    if relation.transposed:
        return [say("trace.transposed", got_shape=got.shape, want_shape=want.shape)]
    if relation.factor is not None:
        return [_factor_words(relation.factor, sizes, claimed)]
    if got.shape != want.shape:
        return [say("trace.shape", got_shape=got.shape, want_shape=want.shape),
                *_shape_rules(got.shape, want.shape, finding.inputs)]
    c = factor(got, want)
    if c is not None:
        return [_factor_words(c, sizes, claimed)]
    wrong = int(np.sum(~np.isclose(got, want, rtol=RTOL, atol=ATOL)))
    error = float(np.max(np.abs(got - want))) if got.size else 0.0
    return [say("trace.differs", shape=got.shape, wrong=wrong, size=got.size, error=f"{float(f'{error:.1g}'):g}")]


def _factor_words(c: float, sizes: dict[int, str], claimed: tuple[float, ...]) -> str:
    if any(np.isclose(c, other, rtol=1e-6) for other in claimed):
        return say("trace.factor_said", factor=f"{c:.6g}")
    if np.isclose(c, -1.0):
        return say("trace.sign")
    kind, fields = name_factor(c, sizes)
    return say(f"trace.factor{kind}", factor=f"{c:.6g}", **fields)


def _shape_rules(got: tuple[int, ...], want: tuple[int, ...], inputs: dict[str, tuple[int, ...]]) -> list[str]:
    """What the arrays the line reads would give: a product with itself, the product or the sum that has
    the expected shape."""
    said: list[str] = []
    for name, shape in inputs.items():
        if len(got) == 2 and got[0] == got[1] and len(shape) == 2 and shape[0] == got[0] and shape[1] != got[0]:
            said.append(say("trace.self_product", shape=got, name=name, name_shape=shape))
            break
    fits: list[str] = []
    arrays = [(n, s) for n, s in inputs.items() if len(s) == 2]
    for (a, sa), (b, sb) in itertools.combinations(arrays, 2):
        fits += [e for e, shape in aligned_products(a, sa, b, sb, both_transposed=True)
                 if shape == tuple(want) and e not in fits]
    fits = fits[:2]
    if fits:
        said.append(say("trace.fits", expressions=" / ".join(fits), want_shape=want))
    for name, shape in inputs.items():
        if len(shape) != 2 or len(want) != 2:
            continue
        for axis in (0, 1):
            kept = tuple(1 if i == axis else n for i, n in enumerate(shape))
            if kept != tuple(want):
                continue
            if tuple(got) == (shape[1 - axis],):
                said.append(say("trace.keepdims", name=name, axis=axis, got_shape=got, want_shape=want))
            elif tuple(got) in ((), (1,), (1, 1)):
                said.append(say("trace.all_axes", name=name, axis=axis, want_shape=want))
            elif tuple(got) in (tuple(1 if i != axis else n for i, n in enumerate(shape)), (shape[axis],)):
                said.append(say("trace.axis", name=name, axis=axis, other=1 - axis, want_shape=want))
    return said
