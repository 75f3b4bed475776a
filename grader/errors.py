"""Exceptions that end a command with a one-line message instead of a traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Unusable input (unknown exercise, unreadable file...): the CLI prints it and exits 2."""


def usage_error(message_id: str, **fields: object) -> UsageError:
    """A UsageError saying the sentence ``message_id`` of the message catalog (grader/messages/usage.py):
    ``raise usage_error("usage.no_gradebook", gradebook=path)``."""
    from grader.messages import say

    return UsageError(say(message_id, **fields))


class ReferenceNotRecorded(AssertionError):
    """A released learner copy has no recorded reference result for this call (see grader/model/recorded.py).

    An AssertionError, so the check that made the call fails with this message as its feedback;
    a known-mistake diagnosis that needs the call is skipped instead (grader/checks/diagnose.py).
    """
