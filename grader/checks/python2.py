"""Python 2 code in a Python 3 grader: name the cause and the fix.

Learners' notebooks from the course's first years (2016-2017) still circulate: ``xrange``,
``print "..."``, ``dict.iteritems()``, ``n / 2`` as a size, ``from past.builtins import xrange``.
Each fails in Python 3 with an error that says nothing of Python 2; these hints say it.
"""

from __future__ import annotations

import re

from grader.messages import say

# Python 2 names that Python 3 removed, and what to write instead.
_NAMES = {
    "xrange": "range(...)",
    "raw_input": "input(...)",
    "unicode": "str",
    "basestring": "str",
    "long": "int",
    "unichr": "chr(...)",
    "reduce": "functools.reduce (from functools import reduce)",
    "execfile": "exec(open(path).read())",
    "cmp": "(a > b) - (a < b)",
}
_METHODS = {"iteritems": "items()", "itervalues": "values()", "iterkeys": "keys()", "has_key": "key in d"}
_SYNTAX = (
    ("Missing parentheses in call to 'print'", "print is a function in Python 3: print(...)"),
    ("Missing parentheses in call to 'exec'", "exec is a function in Python 3: exec(...)"),
    ("multiple exception types must be parenthesized", "write `except ValueError as e:`, not `except ValueError, e:`"),
    ("leading zeros in decimal integer literals", "octal numbers are written 0o777 in Python 3"),
    ("Function parameters cannot be parenthesized", "unpack the tuple inside the function instead"),
)
_PY2_MODULES = re.compile(r"No module named '(past|future|__builtin__|cPickle|urllib2|StringIO)(?:\.\w+)*'")
_NOT_NAMED = re.compile(r"name '(\w+)' is not defined")
_NO_ATTRIBUTE = re.compile(r"object has no attribute '(\w+)'")


def python2_hint(error_type: str, message: str, source: str | None) -> str | None:
    """The Python 2 cause of an exception raised by learner code, when it has one."""
    if error_type == "NameError" and (found := _NOT_NAMED.search(message)) and found.group(1) in _NAMES:
        name = found.group(1)
        return say("hint.python2_name", name=name, fix=_NAMES[name])
    if error_type == "AttributeError" and (found := _NO_ATTRIBUTE.search(message)) and found.group(1) in _METHODS:
        name = found.group(1)
        return say("hint.python2_name", name=f".{name}()", fix=_METHODS[name])
    if (error_type == "TypeError" and "'float' object cannot be interpreted as an integer" in message
            and re.search(r"[\w)\]]\s*/\s*[\w(]", source or "")):
        return say("hint.python2_division")
    return None


def python2_syntax_hint(reason: str) -> str | None:
    """The Python 2 cause of a syntax error (its message, as Python 3 words it), when it has one."""
    for start, fix in _SYNTAX:
        if reason.startswith(start):
            return say("hint.python2_syntax", fix=fix)
    return None


def python2_import_hint(message: str) -> str | None:
    """The Python 2 cause of an import that failed while loading (``from past.builtins import xrange``)."""
    found = _PY2_MODULES.search(message)
    if found is None:
        return None
    return say("hint.python2_import", module=found.group(1))
