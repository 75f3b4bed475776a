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

# The diagnosis of a sentence: "Likely mistake: <clause>" up to the first ". ", ";" or ": ".
_LIKELY_MISTAKE = re.compile(r"Likely mistake:\s*(.+?)(?:[.;:](?=\s|$)|\n|$)")
_FIRST_SENTENCE = re.compile(r"(.+?)(?:[.;:](?=\s|$)|\n|$)")
TITLE_CHARS = 120
SLUG_CHARS = 60


class Hint(str):
    """A sentence of feedback naming a known mistake; ``diagnosis`` is its id, ``title`` its short name.

    Ids of the grader's own diagnoses are message ids (``shape.transpose``); an exercise's own
    known mistakes get ``exercise:<slug of its title>``.  Both id and title come from the
    grader's or the exercise's text, never from a learner's value.
    """

    diagnosis: str
    title: str

    def __new__(cls, text: str, diagnosis: str, title: str) -> Hint:
        hint = super().__new__(cls, text)
        hint.diagnosis, hint.title = diagnosis, title
        return hint


def likely_mistake(message: str) -> str | None:
    """The clause after "Likely mistake:" in ``message`` (up to its first ". ", ";" or ": "), or None."""
    found = _LIKELY_MISTAKE.search(message)
    return found.group(1).strip() if found else None


def mistake(text: str) -> Hint:
    """``text``, the exercise's own sentence about a known mistake, as a diagnosis.

    Its id is ``exercise:`` and a slug of its title (the clause after "Likely mistake:", else its
    first sentence; digits left out, so that "N = 5" and "N = 7" are one mistake).  Pass it to
    ``fail(...)`` (or as a key of ``mistakes=``) and the class report counts it.  Never put a
    learner's value into ``text``'s first sentence: it is shown to the instructor as a diagnosis.
    """
    if isinstance(text, Hint):
        return text
    title = likely_mistake(text)
    if title is None:
        first = _FIRST_SENTENCE.match(text.strip())
        title = first.group(1).strip() if first else text.strip()
    title = title[:TITLE_CHARS]
    slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")[:SLUG_CHARS].strip("-")
    return Hint(text, f"exercise:{slug or 'mistake'}", title)


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
