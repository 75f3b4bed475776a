"""An exercise's own sentences: the message catalog next to its checks.

The known mistakes and hints an exercise's checks give live in ``messages.en.toml`` in the folder
of its check files (``exercises/week4/checks/messages.en.toml``), not in the checks' code; a
translation is a ``messages.<language>.toml`` beside it, with the same ids and fields. Ids start
with the exercise's name and say where the sentence is used: ``week4.linear_backward.dA_prev_over_m``.
The format (tables, ``title``/``text`` for a diagnosis, ``{field}`` placeholders) is in
``grader.messages.read_catalog`` and docs/authoring.md.

The catalogs of a folder are read when a check file in it is loaded (``@check`` reads them) and by
``use_catalog(__file__)``, which a module of helpers calls first when it makes sentences at import
time (a problems module's constants). Checks then name sentences by id:
``say("week4.caches.wrong_count", ...)``, ``mistake("week4.caches.output_missing")``.
"""

from __future__ import annotations

from pathlib import Path

from grader.messages import add_catalog, catalog_language, read_catalog

_read: dict[Path, int] = {}  # catalog file -> the modification time it was read at


def use_catalog(near: str | Path) -> list[Path]:
    """Read (once, and again when they change) the catalogs of the folder of ``near`` (a module's
    ``__file__``, or a folder) into the message layer; returns their paths."""
    folder = Path(near).resolve()
    if not folder.is_dir():
        folder = folder.parent
    found = []
    for path in sorted(folder.glob("messages.*.toml")):
        language = catalog_language(path)
        if language is None:
            continue
        found.append(path)
        stamp = path.stat().st_mtime_ns
        if _read.get(path) != stamp:
            add_catalog(read_catalog(path), language=language, origin=str(path))
            _read[path] = stamp
    return found
