"""What the check that is running is: hidden or public, and which known mistakes it diagnosed.

The check runner (grader.checks.runner) opens one ``CheckContext`` around each check; the
comparison helpers read it to decide whether a mismatch may show the expected values
(never for a hidden check, unless the course reveals them, e.g. after a deadline), and
record in it every diagnosis they put in a failure (``Hint``). Diagnoses are data: the
report carries their ids, and the class report groups failed checks by them, never by
sentences found in feedback text (which holds the learner's own output and messages).

Outside a run (an instructor running the checks with plain pytest) there is no context:
expected values are shown and nothing is recorded.
"""

from __future__ import annotations

import re
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

from grader.messages import ID, knows, recognize, say

# The diagnosis of a sentence: "Likely mistake: <clause>" up to the first ". ", ";" or ": ".
_LIKELY_MISTAKE = re.compile(r"Likely mistake:\s*(.+?)(?:[.;:](?=\s|$)|\n|$)")
_FIRST_SENTENCE = re.compile(r"(.+?)(?:[.;:](?=\s|$)|\n|$)")
TITLE_CHARS = 120
CALLS_KEPT = 6  # the learner calls a check keeps, for a failure to trace again
SLUG_CHARS = 60


class Hint(str):
    """A sentence of feedback naming a known mistake; ``diagnosis`` is its id, ``title`` its short name.

    Ids are message ids: the grader's own (``shape.transpose``) or an exercise's, from the catalog
    next to its checks (``week4.linear_backward.dA_prev_over_m``); a sentence written in a check
    instead of a catalog gets ``exercise:<slug of its title>``.  Both id and title come from the
    grader's or the exercise's text, never from a learner's value.
    """

    diagnosis: str
    title: str
    fields: dict[str, object]  # what the sentence was filled with (a diagnosis of the grader's own)
    sizes: dict[int, str]  # the sizes of the problem it was told, for a factor it claims (grader/checks/factors.py)

    def __new__(cls, text: str, diagnosis: str, title: str, fields: dict[str, object] | None = None) -> Hint:
        hint = super().__new__(cls, text)
        hint.diagnosis, hint.title, hint.fields, hint.sizes = diagnosis, title, dict(fields or {}), {}
        return hint


def likely_mistake(message: str) -> str | None:
    """The clause after "Likely mistake:" in ``message`` (up to its first ". ", ";" or ": "), or None."""
    found = _LIKELY_MISTAKE.search(message)
    return found.group(1).strip() if found else None


def diagnosis(message_id: str, **fields: object) -> Hint:
    """The sentence ``message_id`` of a catalog (the grader's, or an exercise's next to its checks),
    filled with ``fields``, as a diagnosis: its id is ``message_id`` and its title the catalog's
    ``diagnosis.<id>`` (filled with the same fields), else the clause after "Likely mistake:"."""
    text = say(message_id, **fields)
    if knows(f"diagnosis.{message_id}"):
        title = say(f"diagnosis.{message_id}", **fields)
    else:
        title = _title(text)
    return Hint(text, message_id, title, fields)


def mistake(text: str, **fields: object) -> Hint:
    """An exercise's known mistake as a diagnosis: ``mistake("week4.caches.output_missing", L=3)``.

    ``text`` is the id of a sentence in the exercise's catalog (``messages.en.toml`` next to its
    checks, grader.checks.catalog), filled with ``fields`` (see ``diagnosis``). Pass it to
    ``fail(...)`` (or as a key of ``mistakes=``) and the class report counts it under that id.

    A sentence written out instead of an id still works: its id is then ``exercise:`` and a slug of its
    title (the clause after "Likely mistake:", else its first sentence; digits left out, so that "N = 5"
    and "N = 7" are one mistake). Never put a learner's value into a diagnosis' first sentence (or
    its title's fields): it is shown to the instructor as a diagnosis.
    """
    if isinstance(text, Hint):
        return text
    if ID.fullmatch(text):
        return diagnosis(text, **fields)
    if fields:
        raise TypeError(f"mistake({text[:40]!r}...) takes fields only with a message id")
    known = recognize(text)
    if known is not None:  # a sentence the exercise's catalog holds: its id, as if named by it
        return diagnosis(known[0], **known[1])
    title = _title(text)
    slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")[:SLUG_CHARS].strip("-")
    return Hint(text, f"exercise:{slug or 'mistake'}", title)


def _title(text: str) -> str:
    """The short name of a diagnosis sentence: its clause after "Likely mistake:", else its first sentence."""
    title = likely_mistake(text)
    if title is None:
        first = _FIRST_SENTENCE.match(text.strip())
        title = first.group(1).strip() if first else text.strip()
    return title[:TITLE_CHARS]


@dataclass
class LastCall:
    """A call of a graded function in the running check (a ``LearnerFunction``), its arguments and what it
    returned: what a failed check traces again (grader/checks/retrace.py)."""

    function: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    value: Any


@dataclass
class CheckContext:
    """One running check (or a shared value being computed): is it hidden, may it show expected values,
    which hints did it give."""

    hidden: bool = False
    reveal_expected: bool = False
    hints: list[Hint] = field(default_factory=list)
    # May the state watcher add its call on shuffled inputs here (grader.checks.state)? Not while a value
    # shared by several checks is computed for a public check (grader.checks.shared).
    asks_twice: bool = True
    calls: list[LastCall] = field(default_factory=list)  # the learner calls it made, the most recent last

    def called(self, call: LastCall) -> None:
        self.calls.append(call)
        del self.calls[:-CALLS_KEPT]

    @property
    def shows_expected(self) -> bool:
        return not self.hidden or self.reveal_expected

    def diagnoses_in(self, message: str) -> list[Hint]:
        """The recorded hints that the check's final message holds, one per id, in order.

        A check may catch a failure and go on (a retry, a second attempt): hints of a failure
        that did not become the check's feedback are left out.
        """
        seen: dict[str, Hint] = {}
        for hint in self.hints:
            if hint.diagnosis not in seen and hint in message:
                seen[hint.diagnosis] = hint
        return list(seen.values())


_current: ContextVar[CheckContext | None] = ContextVar("dl_grader_check", default=None)


def enter(context: CheckContext) -> Token[CheckContext | None]:
    """Make ``context`` the running check's (until ``leave`` with the returned token)."""
    return _current.set(context)


def leave(token: Token[CheckContext | None]) -> None:
    _current.reset(token)


def current() -> CheckContext | None:
    """The running check's context; None outside the check runner."""
    return _current.get()


def expected_values_shown() -> bool:
    """May a failure show the expected values? Yes, except in a hidden check whose course has not revealed them."""
    context = _current.get()
    return context is None or context.shows_expected


def record(*parts: str) -> None:
    """Note the hints among ``parts`` as diagnoses of the running check (no-op outside a run)."""
    context = _current.get()
    if context is not None:
        context.hints.extend(p for p in parts if isinstance(p, Hint))
