"""Which language to speak: ``--lang``, then ``$DL_GRADER_LANG``, then the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``ko_KR.UTF-8`` is Korean), else English.

A language asked for by name (``--lang`` or ``$DL_GRADER_LANG``) that the grader does not speak
falls back to English with a one-line note; a locale's language it does not speak is simply
English (every machine has a locale, and nobody asked).
"""

from __future__ import annotations

import os

from grader.messages import available_languages, say, set_language


def code_of(value: str) -> str:
    """``ko_KR.UTF-8`` -> ``ko``; ``en-US`` -> ``en``; ``C``/``POSIX`` -> ``en``."""
    base = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].strip().lower()
    return "en" if base in ("", "c", "posix") else base


def choose_language(option: str | None = None, environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(the language to speak, a note to show: "" or one line saying the asked one is not spoken)."""
    environ = dict(os.environ) if environ is None else environ
    spoken = available_languages()
    asked = option or environ.get("DL_GRADER_LANG")
    if asked:
        code = code_of(asked)
        if code in spoken:
            return code, ""
        return "en", say("usage.unknown_language", language=asked, known=", ".join(spoken))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            code = code_of(environ[name])
            return (code if code in spoken else "en"), ""
    return "en", ""


def use_language(option: str | None = None) -> str:
    """Choose the language and switch the message layer to it; returns the note to show ("" if none)."""
    code, note = choose_language(option)
    set_language(code)
    return note


def accept_language(header: str | None) -> str:
    """The first language of an HTTP Accept-Language header the grader speaks (by weight), else English."""
    spoken = available_languages()
    ranked = []
    for part in (header or "").split(",")[:20]:
        name, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((float(weight) if weight else 1.0, code_of(name)))
        except ValueError:
            continue
    for _weight, code in sorted(ranked, key=lambda pair: -pair[0]):
        if code in spoken:
            return code
    return "en"
