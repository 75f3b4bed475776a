"""Every learner-facing sentence of the grader, by id, so that a translation can follow.

``say("shape.rank1", name="dw", ...)`` formats the template of the active language. This
module is the lookup; the sentences are data, in catalogs:

- the grader's own English sentences, split by area: ``values.py`` (what the comparison
  helpers say about a value), ``patterns.py`` (the common checks of grader/checks/patterns.py), ``checks.py`` (the check runner: errors, hints, state, notes),
  ``files.py`` (reading submitted files), ``views.py`` (the terminal and HTML views, the class
  report, exports), ``quiz.py`` (the quiz), ``usage.py`` (usage errors), ``server.py`` (the course server's pages) and
  ``commands.py`` (what the commands print and refuse), ``explain.py`` (explanations from what the
  grader observed: the line that raised, the first value that goes wrong) and ``similar.py`` (what
  ``grade similar`` says to an instructor: the evidence of a pair, its page). Together: ``EN``.
- an exercise's own sentences (its known mistakes and hints), in ``messages.<language>.toml``
  files next to its checks (``exercises/week4/checks/messages.en.toml``), read with
  ``read_catalog`` and added with ``add_catalog`` when its checks are loaded
  (``grader.checks.catalog``). Their ids start with the exercise's name:
  ``week4.linear_backward.dA_prev_over_m``.

An id names one sentence; ``diagnosis.<id>`` is the short name of the mistake that sentence
diagnoses, as the class report lists it. Templates are ``str.format`` templates with named fields
(``{name}``, ``{factor:g}``; ``{{`` for a brace). A translation is one more catalog per language
with the same ids and fields: ``tests/test_messages.py`` checks that every id used exists, that
ids are unique across catalogs, and that templates and the fields passed to them agree.

This package is of the lowest stage: it imports nothing else from grader.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import string
from collections.abc import Iterator
import tomllib
from pathlib import Path

from grader.messages import checks, commands, explain, files, patterns, quiz, server, similar, usage, values, views

# The English catalogs of the grader, by area (module name -> its sentences).
AREAS: dict[str, dict[str, str]] = {
    "values": values.MESSAGES,
    "patterns": patterns.MESSAGES,
    "checks": checks.MESSAGES,
    "files": files.MESSAGES,
    "views": views.MESSAGES,
    "quiz": quiz.MESSAGES,
    "usage": usage.MESSAGES,
    "server": server.MESSAGES,
    "commands": commands.MESSAGES,
    "explain": explain.MESSAGES,
    "similar": similar.MESSAGES,
}


def _merged(areas: dict[str, dict[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area, messages in areas.items():
        twice = merged.keys() & messages.keys()
        if twice:
            raise RuntimeError(f"grader.messages.{area} repeats the id(s) {sorted(twice)}")
        merged.update(messages)
    return merged


EN: dict[str, str] = _merged(AREAS)

# Each language's catalog of the grader's own sentences ("en": EN; a translation adds one).
_CATALOGS: dict[str, dict[str, str]] = {"en": EN}
# Sentences added at run time (an exercise's catalog), by language; ids never clash with the grader's.
_ADDED: dict[str, dict[str, str]] = {}
_language = "en"  # the process's language (set_language)
# A language for the current context only (a web request: `speaking`), over the process's.
_here: contextvars.ContextVar[str | None] = contextvars.ContextVar("dl_grader_language", default=None)

# An id: dotted words of lowercase letters, digits and "_" (as the report's diagnosis ids,
# grader/schema/grade-report.v2.json); the first word is the area or the exercise.
ID = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")


TRANSLATIONS = Path(__file__).parent  # <language>/*.toml: the grader's own sentences in that language


def available_languages() -> list[str]:
    """The languages the grader speaks: English and every translation shipped with it."""
    return ["en", *sorted(p.name for p in TRANSLATIONS.iterdir() if p.is_dir() and list(p.glob("*.toml")))]


def _load_translation(code: str) -> None:
    """Read ``grader/messages/<code>/*.toml`` into that language's catalog (once)."""
    if code in _CATALOGS:
        return
    folder = TRANSLATIONS / code
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        return
    merged: dict[str, str] = {}
    for path in files:
        merged.update(read_catalog(path))
    _CATALOGS[code] = merged


@contextlib.contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """Say everything in ``code`` inside the block, in this context only (a server's request: other
    requests, threads and the process keep theirs); a language without a catalog is English.
    Yields the language used."""
    if code:
        _load_translation(code)
    used = code if code and (code in _CATALOGS or code in _ADDED) else "en"
    token = _here.set(used)
    try:
        yield used
    finally:
        _here.reset(token)


def set_language(code: str) -> None:
    """Switch the catalog (loading a shipped translation the first time); raises KeyError for a
    language without a catalog. Sentences without a translation are said in English."""
    global _language
    _load_translation(code)
    if code not in _CATALOGS and code not in _ADDED:
        raise KeyError(code)
    _language = code


def language() -> str:
    """The active language's code ("en")."""
    return _here.get() or _language


def template(message_id: str) -> str:
    """The template of ``message_id`` in the active language, else in English; KeyError for an unknown id."""
    for lang in dict.fromkeys((_here.get() or _language, "en")):
        for catalog in (_CATALOGS.get(lang, {}), _ADDED.get(lang, {})):
            found = catalog.get(message_id)
            if found:
                return found
    raise KeyError(message_id)


def own_template(message_id: str) -> str:
    """The template of one of the grader's own sentences in the active language (else English), or ""
    for an id that is not the grader's (an exercise's sentence, or none)."""
    return _CATALOGS.get(language(), {}).get(message_id) or EN.get(message_id, "")


def say(message_id: str, **fields: object) -> str:
    """The message ``message_id`` in the active language, filled with ``fields``."""
    return template(message_id).format(**fields)


def knows(message_id: str) -> bool:
    """Is ``message_id`` in a catalog (the grader's, or one added)?"""
    try:
        template(message_id)
    except KeyError:
        return False
    return True


def fields_of(message_id: str) -> set[str]:
    """The placeholder names a template uses (for catalog consistency tests)."""
    return template_fields(template(message_id))


def template_fields(text: str) -> set[str]:
    """The placeholder names of the template ``text`` (``{name}``, ``{factor:g}``, ``{got!r}``)."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


def add_catalog(entries: dict[str, str], *, language: str = "en", origin: str = "") -> None:
    """Add sentences (an exercise's catalog) to ``language``'s. An id of the grader's own cannot be
    redefined; an added id read again (the catalog changed, or another copy of the exercise is graded)
    takes its new text. That two catalogs never define one id is a test (tests/test_messages.py)."""
    grader_own = [message_id for message_id in entries if message_id in EN or message_id in _CATALOGS.get(language, {})]
    if grader_own:
        raise ValueError(f"{origin or 'a catalog'}: {grader_own[0]!r} is an id of the grader's own catalog")
    _ADDED.setdefault(language, {}).update(entries)


_PATTERNS: dict[str, re.Pattern[str] | None] = {}


def recognize(text: str) -> tuple[str, dict[str, str]] | None:
    """(id, fields) of the added diagnosis (an exercise's known mistake) whose English template, filled
    with ``fields``, is exactly ``text``; None when no template is. For a sentence a check still writes
    out (``mistake("Likely mistake: ...")``): when a catalog holds it, it is counted under the catalog's id."""
    added = _ADDED.get("en", {})
    for message_id, pattern in _diagnosis_patterns(added):
        found = pattern.fullmatch(text)
        if found and added[message_id].format(**found.groupdict()) == text:
            return message_id, found.groupdict()
    return None


def _diagnosis_patterns(added: dict[str, str]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for message_id, text in added.items():
        if message_id.startswith("diagnosis.") or f"diagnosis.{message_id}" not in added:
            continue
        key = f"{message_id}\0{text}"
        if key not in _PATTERNS:
            _PATTERNS[key] = _template_pattern(text)
        if _PATTERNS[key] is not None:
            patterns.append((message_id, _PATTERNS[key]))
    return patterns


def _template_pattern(text: str) -> re.Pattern[str] | None:
    """A regular expression matching ``text`` filled with any values (None for a template with a format
    spec or a conversion, or with too little text of its own to be told apart)."""
    parts, seen, literal = [], set(), 0
    for before, field, spec, conversion in string.Formatter().parse(text):
        parts.append(re.escape(before))
        literal += len(before)
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            return None
        parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
        seen.add(field)
    return re.compile("".join(parts), re.DOTALL) if literal >= 20 else None


def added_ids(language: str = "en") -> set[str]:
    """The ids of the sentences added to ``language`` so far (exercise catalogs)."""
    return set(_ADDED.get(language, {}))


# -- catalog files ----------------------------------------------------------------------------------------

CATALOG_FILE = re.compile(r"messages\.([a-z]{2,3}(?:[-_][A-Za-z]+)?)\.toml")
_MESSAGE_KEYS = {"text", "title"}


def catalog_language(path: Path) -> str | None:
    """The language of a catalog file (``messages.en.toml`` -> "en"), or None if it is not one."""
    found = CATALOG_FILE.fullmatch(path.name)
    return found.group(1) if found else None


def read_catalog(path: Path) -> dict[str, str]:
    """The sentences of a TOML catalog file, by id.

    Tables nest the id's parts (``[week4.linear_backward]``); a key holding a string is a sentence
    (``not_list = "caches should be a list ..."`` is ``week4.linear_backward.not_list``); a table
    holding ``text`` (and ``title``) is a diagnosis: ``text`` is its sentence and ``title`` its short
    name, the id ``diagnosis.<id>``. Raises ValueError naming the file and the id for anything else.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: not a readable catalog ({exc})") from None
    entries: dict[str, str] = {}

    def walk(table: dict[str, object], prefix: str) -> None:
        for key, value in table.items():
            message_id = f"{prefix}.{key}" if prefix else key
            if isinstance(value, str):
                entries[message_id] = value
            elif isinstance(value, dict) and "text" in value:
                if set(value) - _MESSAGE_KEYS or not all(isinstance(v, str) for v in value.values()):
                    raise ValueError(f"{path}: {message_id}: a diagnosis is a table of text and title (strings)")
                entries[message_id] = value["text"]  # type: ignore[assignment]
                if "title" in value:
                    entries[f"diagnosis.{message_id}"] = value["title"]  # type: ignore[assignment]
            elif isinstance(value, dict):
                walk(value, message_id)
            else:
                raise ValueError(f"{path}: {message_id}: expected a sentence (a string) or a table")

    walk(data, "")
    for message_id in entries:
        if not ID.fullmatch(message_id.removeprefix("diagnosis.")):
            raise ValueError(f"{path}: {message_id!r} is not an id (dotted words of a-z, 0-9 and _)")
    return entries
