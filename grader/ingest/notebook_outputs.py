"""A large notebook's JSON without its outputs, read a chunk at a time and never whole.

Outputs (plots as base64 images, pages of printed text) can make a notebook many times
larger than its code. ``without_outputs`` copies the notebook's JSON text but for the
values of its ``"outputs"`` and ``"attachments"`` members, which it replaces with ``null``
followed by the line breaks they spanned: what is kept is the same notebook for
``reading.notebook_cells`` (which reads neither), and a JSON error in it names the line
of the file. Only strings and brackets are recognised, each skipped string or run of
plain text in one regular-expression match, so the cost is linear in the file and the
memory is the kept text plus one chunk.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

CHUNK_BYTES = 1 << 20
DROPPED_MEMBERS = (b'"outputs"', b'"attachments"')
_DROPPED_LENGTHS = frozenset(map(len, DROPPED_MEMBERS))
_BOM = b"\xef\xbb\xbf"
_UNTIL_QUOTE = re.compile(rb'[^"]*')
_SPACE = re.compile(rb"[ \t\r\n]*")
_PLAIN = re.compile(rb'[^"\[\]{},]*')  # numbers, literals, blanks, colons: nothing that nests
# Inside an array or object being skipped: everything but brackets, whole strings included (a string
# cut by the end of the chunk stops it, for _string to finish).
_NESTED = re.compile(rb'(?:[^"\[\]{}]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+', re.S)


class KeptTooLarge(Exception):
    """What is kept (the notebook without its outputs) is larger than the limit."""


class _Chunks:
    """The file's bytes seen through a window: ``buf[pos:]`` is what is read and not yet used."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self.buf = b""
        self.pos = 0
        self.digest = hashlib.sha256()
        self._first = True

    def more(self) -> bool:
        """Read the next chunk behind what is left; False at the end of the file."""
        chunk = self._read(CHUNK_BYTES)
        if self._first:  # a byte order mark is left out, as "utf-8-sig" decoding leaves it out of the text
            self._first = False
            while chunk and len(chunk) < len(_BOM) and (more := self._read(CHUNK_BYTES)):
                chunk += more
            chunk = chunk.removeprefix(_BOM) or self._read(CHUNK_BYTES)
        if not chunk:
            return False
        self.digest.update(chunk)
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def at_end(self) -> bool:
        """Is everything read used, with nothing left to read?"""
        return self.pos >= len(self.buf) and not self.more()


def without_outputs(read: Callable[[int], bytes], limit: int) -> tuple[bytes, str]:
    """(the notebook's JSON text without outputs and attachments, SHA-256 of all its bytes).

    ``read(n)`` returns the next bytes of the file (b"" at its end). A leading UTF-8 byte
    order mark is left out of both, as ``reading.read_text`` leaves it out of the text.
    Raises KeptTooLarge when more than ``limit`` bytes would be kept.
    """
    chunks = _Chunks(read)
    kept = bytearray()
    while True:
        match = _UNTIL_QUOTE.match(chunks.buf, chunks.pos)
        kept += chunks.buf[chunks.pos:match.end()]
        chunks.pos = match.end()
        if len(kept) > limit:
            raise KeptTooLarge
        if chunks.pos >= len(chunks.buf):
            if not chunks.more():
                break
            continue
        start = len(kept)
        _string(chunks, kept, limit)
        if len(kept) - start in _DROPPED_LENGTHS and bytes(kept[start:]) in DROPPED_MEMBERS:
            kept += _space(chunks)
            if not chunks.at_end() and chunks.buf[chunks.pos:chunks.pos + 1] == b":":
                chunks.pos += 1
                kept += b":" + _space(chunks) + b"null" + b"\n" * _skip_value(chunks)
    return bytes(kept), chunks.digest.hexdigest()


def _string(chunks: _Chunks, kept: bytearray | None, limit: int = 0) -> int:
    """Use up the string that starts at ``chunks.pos`` (its quotes included), appending it to
    ``kept`` unless None; returns the line breaks in it (none in valid JSON).

    Its closing quote is found with ``bytes.find`` (a plot's megabytes of base64 hold no quote),
    a quote after an odd run of backslashes being escaped. A run of backslashes that ends the
    chunk stays unread until the next one, so that a run is always seen whole."""
    chunks.pos += 1
    if kept is not None:
        kept += b'"'
    newlines = 0
    search = chunks.pos
    while True:
        buf = chunks.buf
        end = buf.find(b'"', search)
        if end >= 0:
            before = end
            while before > chunks.pos and buf[before - 1] == 0x5C:  # backslash
                before -= 1
            if (end - before) % 2:  # an escaped quote, inside the string
                search = end + 1
                continue
            used = end + 1
        else:
            used = len(buf)
            while used > chunks.pos and buf[used - 1] == 0x5C:
                used -= 1
        if kept is not None:
            kept += buf[chunks.pos:used]
            if len(kept) > limit:
                raise KeptTooLarge
        else:
            newlines += buf.count(b"\n", chunks.pos, used)
        chunks.pos = used
        if end >= 0:
            return newlines
        if not chunks.more():  # cut short: what follows cannot parse, and says so
            return newlines
        search = chunks.pos


def _space(chunks: _Chunks) -> bytes:
    """Use up the blanks at ``chunks.pos``, across chunks; returns them."""
    blanks = b""
    while True:
        match = _SPACE.match(chunks.buf, chunks.pos)
        blanks += chunks.buf[chunks.pos:match.end()]
        chunks.pos = match.end()
        if chunks.pos < len(chunks.buf) or not chunks.more():
            return blanks


def _skip_value(chunks: _Chunks) -> int:
    """Use up the JSON value at ``chunks.pos`` (an array, an object, a string or a literal);
    returns the line breaks it spanned."""
    newlines = 0
    depth = 0
    while not chunks.at_end():
        char = chunks.buf[chunks.pos]
        if char == 0x22:  # "
            newlines += _string(chunks, None)
        elif char in b"[{":
            depth += 1
            chunks.pos += 1
        elif char in b"]}" or char == 0x2C:  # ] } ,
            if depth == 0:
                return newlines  # the end of a literal: the container's, not ours
            chunks.pos += 1
            if char != 0x2C:
                depth -= 1
                if depth == 0:
                    return newlines
        else:
            match = (_NESTED if depth else _PLAIN).match(chunks.buf, chunks.pos)
            newlines += chunks.buf.count(b"\n", chunks.pos, match.end())
            chunks.pos = match.end()
        if depth == 0 and char == 0x22:
            return newlines  # a string value
    return newlines
