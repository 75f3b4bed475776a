"""Learner ids, and any text a learner controls, shown safely.

An id is a name a learner chose (a file or folder name): it may hold formula signs,
markup, control and bidi characters, look like a classmate's id or be as long as a file
system allows. ``page_name`` turns it into a file name no other id gets, ``shown`` into
text a terminal or a page shows as it is (never obeys), and ``lookalike_groups`` finds
ids a reader could take for one another. ``shown`` is the one escaping helper for every
learner-controlled text on a terminal (ids, file names, error messages, output).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict

# Ids that are their own page name: lowercase ASCII (so no file system folds or
# normalises them), never "--" (which every other page name holds), short.
_PLAIN_ID = re.compile(r"(?!.*--)[a-z0-9][a-z0-9_-]{0,63}")
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul",
                              *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
# Characters a reader cannot see as themselves: controls (C0 and C1: ESC, CSI), format (bidi,
# zero-width), line and paragraph separators, surrogates, private-use and unassigned ones.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_LAYOUT = frozenset("\n\t")  # kept by shown(..., lines=True): they only lay text out


def page_name(learner: str) -> str:
    """The file name, without extension, of a learner's feedback pages; two ids never share one.

    A plain id (lowercase ASCII letters, digits, ``_`` and ``-``, no ``--``, at most 64
    characters, not a Windows device name) is its own page name. Any other id gets an ASCII
    slug of it, ``--`` and 16 hex digits of the SHA-256 of its exact text, so pages differ
    even on file systems that fold case or normalise Unicode, and names stay short.
    """
    if _PLAIN_ID.fullmatch(learner) and learner not in _WINDOWS_DEVICES:
        return learner
    ascii_text = unicodedata.normalize("NFKD", learner).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:48].strip("-") or "learner"
    digest = hashlib.sha256(learner.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{slug}--{digest}"


def shown(text: str, *, lines: bool = False) -> str:
    """``text`` to show literally on a terminal or a page: backslashes doubled, and every character
    that is not seen as itself (ESC and other C0 or C1 controls, bidi overrides, zero-width
    characters, line separators, surrogates) written as its escape, ``\\x1b``, ``\\x9b`` or ``\\u202e``.

    lines: keep line breaks and tabs (multi-line text such as feedback); else they are escaped too
    (an id, which must stay on its one line).
    """
    return "".join(
        "\\\\" if c == "\\"
        else c if lines and c in _LAYOUT
        else _escape(c) if unicodedata.category(c) in INVISIBLE
        else c
        for c in text
    )


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def lookalike_groups(ids: list[str]) -> list[tuple[str, ...]]:
    """Groups of ``ids`` that differ only by case, Unicode form or invisible characters: each is its own
    learner to the grader, but a reader (or a file system that folds case) could merge them."""
    groups: dict[str, list[str]] = defaultdict(list)
    for learner in ids:
        visible = "".join(c for c in learner if unicodedata.category(c) not in INVISIBLE)
        groups[unicodedata.normalize("NFKC", visible).casefold()].append(learner)
    return [tuple(group) for group in groups.values() if len(group) > 1]
