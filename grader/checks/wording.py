"""Sentences of the check runner and of the state and cache helpers, by id, in the form of
``grader.messages.EN``, waiting to move into that catalog (ids unchanged).

``say`` takes a sentence from ``grader.messages`` when the catalog has its id (so a translation of
it wins) and from ``PENDING`` otherwise; once the entries below are in ``grader.messages.EN`` this
module is deleted and its callers import ``say`` from there.
"""

from __future__ import annotations

from grader.messages import EN
from grader.messages import say as catalog_say

PENDING: dict[str, str] = {
    "state.stale": (
        "{function} gave exactly the same {what} to two different inputs ({inputs}) in one run, although the "
        "right values differ: its answer to the later call does not come from that call's own input."
    ),
    "state.part_whole": "answer",
    "state.part_index": "returned value number {position}",
    "state.part_key": "entry {key} of the dictionary it returns",
    "state.stale_hint": (
        "Likely mistake: a value kept between calls (a global, a default argument that is a list/dict, a cache "
        "keyed by shape or by id(...)), or an answer written for one particular input. Compute the answer from "
        "the arguments of each call, every time."
    ),
    "state.inputs_same_shapes": "arrays of the same shapes, other values",
    "state.inputs_sizes": "inputs of other sizes",
    "state.keyed_on_id": (
        "{function} keeps values keyed on id(...) of its input. Python gives the id of an array that is gone to "
        "the next new one, so a later, different input gets the answer kept for an earlier one (in a notebook, "
        "running a cell again is enough)."
    ),
    "diagnosis.state.stale": "a value kept between calls (a global, a mutable default, a cache)",
    "cache.own_used": (
        "(Graded with the cache your own {forward} returned, since your {backward} raised an error with the "
        "template's cache layout.)"
    ),
    "check.grader_error": (
        "The grader could not run this check: its own code raised {error_type}. This is not your mistake. "
        "Tell your instructor, naming the check {check} (seed {seed}); its {points:g} point(s) could not be "
        "graded, so your total is incomplete until your work is graded again."
    ),
    "check.grader_error_collection": (
        "The grader could not load this check: its check file raised {error_type}. This is not your mistake. "
        "Tell your instructor, naming the check {check}; its {points:g} point(s) could not be graded, so your "
        "total is incomplete until your work is graded again."
    ),
    "note.grader_error": (
        "grader error in {check} ({function}, {points:g} point(s) not graded, seed {seed}): {error}"
    ),
    "note.grader_error_collection": (
        "grader error: {path} could not be loaded ({error}); its {count} check(s) ({points:g} point(s)) were "
        "not graded"
    ),
    "note.grader_error_unread": (
        "grader error: {path} could not be loaded ({error}) nor read for its checks: an unknown number of points "
        "is missing from the total"
    ),
}


def say(message_id: str, **fields: object) -> str:
    """The sentence ``message_id``: from grader.messages when it has the id, else from ``PENDING``."""
    if message_id in EN:
        return catalog_say(message_id, **fields)
    return PENDING[message_id].format(**fields)
