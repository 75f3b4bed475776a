"""Exceptions that end a command with a one-line message instead of a traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Unusable input (unknown exercise, unreadable file...): the CLI prints it and exits 2."""
