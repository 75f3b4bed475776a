"""State between calls: each answer of a graded function must come from the arguments of its own call.

A function that keeps a value between calls (a global, a default argument that is a list or a dict,
a cache keyed by shape, by ``id(...)`` or by a call counter) gives a right first answer and stale ones
after it. The check runner hands every check a ``learner`` whose graded functions are watched
(``watched``), one watch per learner:

- every answer, and every value of a returned tuple or dict, is remembered with the call's data (its
  arrays; for a function of sizes only, its numbers). When a later call on other data gets exactly the
  same value, and the reference says that value was right for the earlier data and is wrong for the
  later one, the check fails with the diagnosis ``state.stale``. A correct function is never flagged
  (its value would have to be right for both). A few whole numbers (a size) or a constant may be
  repeated by a wrong formula by chance: those count only when the right values differ in shape. Calls
  on the same data (settings aside: a learning rate, a seed) are not compared: ignoring a setting is
  another mistake, which the checks diagnose;
- in the first hidden check that calls a function with arrays, one more call comes first: the same
  arguments with the entries of each array shuffled (same shapes, same kinds of values: labels stay
  labels, probabilities stay probabilities). Its answer is not graded, only remembered, so every graded
  function taking arrays is asked twice on inputs of one shape in one sandbox, one call right after the
  other. The shuffled call costs as much as the call it precedes: a check author puts the cheapest call of
  a costly function (a training loop) first among its hidden checks; none is made while a value several
  checks share is computed for a public check (grader.checks.shared), a training run a public check needs;
- in the first hidden check that calls a function, its source is read for a cache keyed on ``id(...)``:
  Python gives the id of an array that is gone to a new one, but whether the sandbox's arrays land where
  earlier ones were is up to its allocator (the worker keeps a call's arguments until the next call
  arrives), so such a cache is judged by its code.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.checks.compare import fail
from grader.checks.context import Hint, current
from grader.checks.learner import Learner, LearnerFault, LearnerTimeout
from grader.messages import say

# How far apart the reference's two values must be for a repeated learner value to be stale (and how close
# to the earlier right value it must be): far beyond any check's tolerance either way.
DIFFER_RTOL, DIFFER_ATOL = 1e-3, 1e-6


def watched(learner: Any, reference: Any, seed: int) -> Any:
    """``learner`` with its graded functions watched (see the module docstring); anything but a
    ``Learner`` (a test's stand-in) is returned as it is."""
    return WatchedLearner(learner, reference, seed) if isinstance(learner, Learner) else learner


@dataclass
class _Call:
    """One answered call: the fingerprint of its data (see ``fingerprint``) and its inputs."""

    data: bytes
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


# Answers (and parts of answers) remembered per function, the oldest forgotten first: a cache keyed on
# id(...) may answer with the answer of any earlier call whose arrays lived where the new ones do.
REMEMBERED = 256


class WatchedLearner:
    """A learner whose graded functions are ``WatchedFunction``s sharing one record of previous calls."""

    def __init__(self, learner: Learner, reference: Any, seed: int) -> None:
        self._learner, self._reference, self._seed = learner, reference, seed
        self._functions: dict[str, WatchedFunction] = {}
        self._answers: dict[str, dict[tuple[tuple[Any, ...], bytes], _Call]] = {}  # per function: part -> call
        self._asked_twice: set[str] = set()  # functions already called on shuffled arrays first
        self._read: set[str] = set()  # functions whose source was read for a cache keyed on id(...)

    def __getattr__(self, name: str) -> WatchedFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        function = self._functions.get(name)
        if function is None:
            function = self._functions[name] = WatchedFunction(self, name, getattr(self._learner, name))
        return function

    def before(self, function: WatchedFunction, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """In the first hidden check that calls ``function``: its source is read for a cache keyed on id(...);
        in the first one that calls it with arrays, the earlier call on shuffled arrays is made (not while a
        value several checks share is computed for a public check, see grader.checks.shared)."""
        context = current()
        name = function.graded_name
        if context is None or not context.hidden or not context.asks_twice:
            return
        if name not in self._read:
            self._read.add(name)
            if _keys_on_id(getattr(function.inner, "source", None)):
                fail(say("state.keyed_on_id", function=name), _stale_hint())
        if name in self._asked_twice:
            return
        rng = np.random.default_rng([self._seed, zlib.crc32(f"state:{name}".encode())])
        shuffled_args, shuffled_kwargs = _shuffled((args, kwargs), rng)
        if fingerprint((shuffled_args, shuffled_kwargs)) == fingerprint((args, kwargs)):
            return  # nothing to shuffle (no array, or constant ones): the next call with arrays will do
        self._asked_twice.add(name)
        try:
            answer = function.inner(*shuffled_args, **shuffled_kwargs)
        except LearnerTimeout:
            raise  # the real call would time out too: no need to wait twice
        except LearnerFault:
            return  # the real call says what is wrong
        self.after(name, shuffled_args, shuffled_kwargs, answer)

    def after(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], answer: Any) -> None:
        """Remember this answer and its parts (the values of a tuple, the entries of a dict); fail when an
        earlier call on other data got exactly the same answer, or the same value in one of its parts."""
        call = _Call(fingerprint((args, kwargs), data_only=True), args, kwargs)
        answers = self._answers.setdefault(name, {})
        candidates = []
        settings = _settings((args, kwargs))
        for where, part in _parts(answer):
            if not _holds_number(part):
                continue  # None or text: nothing to tell a stale answer by
            key = (where, fingerprint(part))
            earlier = answers.pop(key, None)
            answers[key] = call if earlier is None else earlier
            # Same data: the same answer is right (settings that make no difference) or another mistake
            # (a setting ignored: a learning rate, a seed), which the checks diagnose. A setting handed back
            # (model's d["learning_rate"]) is the same whenever the setting is.
            if (earlier is not None and earlier.data != call.data and repr(part) not in settings
                    and (_telling(part) or not _is_number(part))):  # (a few whole numbers: only an array's shape
                candidates.append((where, part, earlier))       # can tell, and a single number has none)
        while len(answers) > REMEMBERED:
            del answers[next(iter(answers))]
        right: dict[tuple[int, int], Any] = {}  # the reference's answers, by call and seed, computed once
        for where, part, earlier in candidates:
            if self._stale(name, where, part, earlier, call, right):
                same_shapes = _shapes((earlier.args, earlier.kwargs)) == _shapes((args, kwargs))
                inputs = say("state.inputs_same_shapes" if _holds_array((args, kwargs)) and same_shapes
                             else "state.inputs_sizes")
                fail(say("state.stale", function=name, inputs=inputs, what=_part_name(where)), _stale_hint())

    def _stale(self, name: str, where: tuple[Any, ...], part: Any, earlier: _Call, call: _Call,
               right: dict[tuple[int, int], Any]) -> bool:
        """Is ``part`` of the answer to ``call``, the same as in the answer to ``earlier``, a stale copy? Yes when
        the reference says the data make a difference there: for a deterministic function, when the value was
        right for the earlier data and is wrong for these; for a random one (an initialization, a training
        run from a random start), when the reference's values differ with the data under one random seed.
        (``right``: the reference's answers already computed, by call and seed, filled in here.)"""
        function = getattr(self._reference, name, None)
        if not callable(function):
            return False

        def reference(c: _Call, seed: int) -> Any:
            if (id(c), seed) not in right:
                state = np.random.get_state()
                np.random.seed(seed)
                try:
                    right[id(c), seed] = function(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
                finally:
                    np.random.set_state(state)
            return _part_at(right[id(c), seed], where)

        try:
            first, second = reference(earlier, 0), reference(call, 0)
            if _shapes(first) == _shapes(second) and _close(first, second):
                return False  # the data make no difference there
            deterministic = _close(second, reference(call, 1))
        except Exception:  # noqa: BLE001 - the reference refusing these inputs (or a learners' copy without it): no verdict
            return False
        # A wrong formula may give two inputs the same few whole numbers (a size) or the same constant (zeros),
        # right for one of them; it never gives two different data the same real numbers, nor the same pattern
        # of many whole numbers (0/1 predictions).
        # The learner's value is computed upon only once it has the shapes of the reference's (so within its
        # working set): close to the earlier right value, or for a random function, of its shapes.
        if not (_close(part, first) if deterministic else _shapes(part) == _shapes(first)):
            return False
        return _telling(part) or _shapes(first) != _shapes(second)


class WatchedFunction:
    """One graded function of a ``WatchedLearner``: calls and runs are watched, the rest is the learner's."""

    def __init__(self, watch: WatchedLearner, name: str, inner: Any) -> None:
        self._watch, self.graded_name, self.inner = watch, name, inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._watch.before(self, args, kwargs)
        answer = self.inner(*args, **kwargs)
        self._watch.after(self.graded_name, args, kwargs, answer)
        return answer

    def run(self, *args: Any, **kwargs: Any) -> Any:
        self._watch.before(self, args, kwargs)
        outcome = self.inner.run(*args, **kwargs)
        self._watch.after(self.graded_name, args, kwargs, outcome.value)
        return outcome


def _stale_hint() -> Hint:
    return Hint(say("state.stale_hint"), "state.stale", say("diagnosis.state.stale"))


def _keys_on_id(source: str | None) -> bool:
    """Does the function's source use ``id(...)`` as a key (a subscript, an ``in`` test, ``.get(...)``), directly
    or through a name assigned from it? (A function that names something ``id`` itself is left alone.)"""
    if not source or not re.search(r"\bid\s*\(", source):
        return False
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    nodes = list(ast.walk(tree))
    if any(isinstance(n, ast.arg) and n.arg == "id" or isinstance(n, ast.Name) and n.id == "id"
           and isinstance(n.ctx, ast.Store) for n in nodes):
        return False
    id_calls = {id(n) for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "id"}
    keys = {target.id for n in nodes if isinstance(n, ast.Assign)
            and any(id(inner) in id_calls for inner in ast.walk(n.value))
            for target in n.targets if isinstance(target, ast.Name)}

    def is_key(node: ast.AST) -> bool:
        return any(id(n) in id_calls or isinstance(n, ast.Name) and n.id in keys for n in ast.walk(node))

    for node in nodes:
        if isinstance(node, ast.Subscript) and is_key(node.slice):
            return True
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) and (
                is_key(node.left)):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "setdefault", "pop") and node.args and is_key(node.args[0])):
            return True
    return False


# -- What inputs and answers look like ------------------------------------------------------------------


def _shuffled(value: Any, rng: np.random.Generator) -> Any:
    """``value`` with the entries of each numeric array in a random order (the rest as it is)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf" and value.size > 1:
            return rng.permutation(value.ravel()).reshape(value.shape)
        return value
    if isinstance(value, dict):
        return {key: _shuffled(item, rng) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_shuffled(item, rng) for item in value)
    return value


def _parts(answer: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """The answer itself and, for a tuple, list or dict, each of its values, with where they sit."""
    parts: list[tuple[tuple[Any, ...], Any]] = [((), answer)]
    if isinstance(answer, (tuple, list)):
        parts += [((index,), item) for index, item in enumerate(answer)]
    elif isinstance(answer, dict):
        parts += [((key,), item) for key, item in answer.items()]
    return parts


def _part_at(value: Any, where: tuple[Any, ...]) -> Any:
    return value[where[0]] if where else value


def _part_name(where: tuple[Any, ...]) -> str:
    """How the feedback names a part (a key of it is one of the reference's, never the learner's own text)."""
    if not where:
        return say("state.part_whole")
    if isinstance(where[0], int):
        return say("state.part_index", position=where[0] + 1)
    return say("state.part_key", key=repr(where[0]))


def _shapes(value: Any) -> Any:
    """The structure of a value with its arrays' shapes (values aside)."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape)
    if isinstance(value, dict):
        return ("dict", tuple((key, _shapes(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("sequence", tuple(_shapes(item) for item in value))
    return ("value", type(value).__name__)


def _settings(value: Any) -> set[str]:
    """The reprs of the numbers and other values an input holds outside its arrays."""
    if isinstance(value, np.ndarray):
        return set()
    if isinstance(value, dict):
        return set().union(*(_settings(item) for item in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_settings(item) for item in value))
    return {repr(value)}


def _holds_array(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, dict):
        return any(_holds_array(item) for item in value.values())
    return isinstance(value, (list, tuple)) and any(_holds_array(item) for item in value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def fingerprint(value: Any, *, data_only: bool = False) -> bytes:
    """A digest of a value (arrays by their bytes), to tell two values apart. ``data_only``: of its data
    alone, the arrays (the numbers, in a value without arrays), with where they sit; its settings (a
    learning rate, a seed, an activation name) left out."""
    numbers = data_only and not _holds_array(value)
    digest = hashlib.blake2b(digest_size=16)

    def feed(item: Any, path: str) -> None:
        if isinstance(item, np.ndarray):
            digest.update(f"{path}:a{item.shape}{item.dtype.str}".encode())
            digest.update(np.ascontiguousarray(item))  # the array's own buffer: no copy of a learner's array
        elif isinstance(item, dict):
            for key, entry in item.items():
                feed(entry, f"{path}[{key!r}]")
        elif isinstance(item, (list, tuple)):
            digest.update(f"{path}:l{len(item)}".encode())
            for index, entry in enumerate(item):
                feed(entry, f"{path}[{index}]")
        elif not data_only or (numbers and _is_number(item)):
            digest.update(f"{path}:v{item!r}".encode())

    feed(value, "")
    return digest.digest()


def _holds_number(answer: Any) -> bool:
    """Does the answer hold a number at all? (None and text say nothing about state.)"""
    if isinstance(answer, np.ndarray):
        return answer.dtype.kind in "biuf" and answer.size > 0
    if isinstance(answer, dict):
        return any(_holds_number(item) for item in answer.values())
    if isinstance(answer, (list, tuple)):
        return any(_holds_number(item) for item in answer)
    return isinstance(answer, (int, float, np.number))


# An array of whole numbers with at least this many entries, not all equal, is too telling to be repeated
# by chance (2**-6 for 0/1 entries drawn at random).
TELLING_ENTRIES = 6


def _telling(answer: Any) -> bool:
    """Does the answer hold a real number that is not a whole number, or an array of at least
    ``TELLING_ENTRIES`` whole numbers that are not all equal?"""
    if isinstance(answer, np.ndarray):
        if answer.dtype.kind not in "biuf" or answer.size == 0:
            return False
        if answer.dtype.kind == "f":
            finite = answer[np.isfinite(answer)]
            if np.any(finite != np.round(finite)):
                return True
        else:
            finite = answer
        return answer.size >= TELLING_ENTRIES and finite.size > 0 and bool(finite.min() != finite.max())
    if isinstance(answer, dict):
        return any(_telling(item) for item in answer.values())
    if isinstance(answer, (list, tuple)):
        return any(_telling(item) for item in answer)
    return isinstance(answer, (float, np.floating)) and bool(np.isfinite(answer)) and answer != round(answer)


def _close(a: Any, b: Any) -> bool:
    """Are two values close (within far more than any check's tolerance)? One of them may be a learner's."""
    if isinstance(a, (np.ndarray, np.number, int, float)) and isinstance(b, (np.ndarray, np.number, int, float)):
        x, y = np.asarray(a), np.asarray(b)
        if x.shape != y.shape or x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
            return False  # (an integer beyond any float makes an object array)
        return bool(np.allclose(x, y, rtol=DIFFER_RTOL, atol=DIFFER_ATOL, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[key], b[key]) for key in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return bool(a == b) if type(a) is type(b) else False
