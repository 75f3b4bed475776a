"""Arrays in feedback, summarised to fit a terminal.

``grader.checks.compare.show`` prints an array the way numpy does, up to 100
characters a line and several lines for a matrix, followed by ``(shape (5, 13), dtype
float64)``. In a terminal's feedback column such a block wraps into a wall of
numbers. ``fit_arrays`` rewrites each block that would not fit as its shape on the
line of its label, then its first lines, each cut at a value to the width, then how
many lines are left out. The lines saying where the values differ follow the block in
the message and are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.messages import say

SHOWN_LINES = 3
# The end of a block as show() writes it: the closing bracket, then its shape and dtype.
_SHAPE = re.compile(r"\]\s+\(shape (\([0-9, ]*\)), dtype (\w+)\)")
_START = re.compile(r"(?<![\w\]\)])\[")  # an opening bracket that follows no name, index or call


def fit_arrays(message: str, width: int) -> str:
    """``message`` with every array block longer than SHOWN_LINES lines, or wider than ``width``,
    summarised; the rest unchanged."""
    lines = message.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        block = _block(lines, i)
        if block is None:
            out.append(lines[i])
            i += 1
            continue
        if block.end - i + 1 <= SHOWN_LINES and all(len(line) <= width for line in lines[i : block.end + 1]):
            out += lines[i : block.end + 1]
        else:
            lead = lines[i][: block.start]
            indent = " " * (len(lead) - len(lead.lstrip()) + 2)
            rows = [lines[i][block.start :]] + lines[i + 1 : block.end + 1]
            rows[-1] = rows[-1][: block.close - (block.start if block.end == i else 0)]
            out.append(lead + say("view.array_shape", shape=block.shape, dtype=block.dtype) + block.after)
            out += [_cut(indent + row, width) for row in rows[:SHOWN_LINES]]
            if len(rows) > SHOWN_LINES:
                out.append(indent + say("view.array_more", count=len(rows) - SHOWN_LINES))
        i = block.end + 1
    return "\n".join(out)


@dataclass(frozen=True)
class _Block:
    end: int  # its last line
    start: int  # the column of its opening bracket, on its first line
    close: int  # the column after its closing bracket, on its last line
    shape: str
    dtype: str
    after: str  # the text after "(shape ..., dtype ...)" on its last line


def _block(lines: list[str], first: int) -> _Block | None:
    """The array block whose opening bracket is on line ``first``, or None when none starts there."""
    opening = _START.search(lines[first])
    if opening is None:
        return None
    depth = 0
    for number in range(first, len(lines)):
        line = lines[number]
        for column in range(opening.start() if number == first else 0, len(line)):
            depth += (line[column] == "[") - (line[column] == "]")
            if depth == 0:
                ended = _SHAPE.match(line, column)
                if ended is None:
                    return None  # a list, an index, or an array without its shape: left alone
                return _Block(number, opening.start(), column + 1, ended.group(1), ended.group(2),
                              line[ended.end():])
    return None


def _cut(line: str, width: int) -> str:
    """``line`` cut at the last space that leaves room for " ..." within ``width``."""
    if len(line) <= width:
        return line
    cut = line.rfind(" ", 0, max(width - 4, 1))
    return (line[:cut] if cut > len(line) - len(line.lstrip()) else line[: max(width - 4, 1)]) + " ..."
