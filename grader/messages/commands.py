"""English catalog: what the commands themselves print and refuse (grader/cli/, the ``%grade`` magic of
grader/jupyter/, the course server's client and its JSON errors, grader/grading.py), apart from the views.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
}
