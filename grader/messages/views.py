"""English catalog: The learner's views of one report (terminal and HTML), the exports and a learners' copy
(grader/views/, grader/classroom/exports.py, grader/model/recorded.py).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- the learner's views (terminal and HTML) -----------------------------------------------
    "view.not_submitted": (
        "not submitted: {count} functions of {file} ({names}): {points}/{max_points} points. To grade them, "
        "submit your {file}.py or {file}.ipynb too."
    ),
    "view.not_in_file": (
        "not in your {path}: {count} functions of {file} ({names}): {points}/{max_points} points. Define them "
        "there (save the file first), or submit the file you wrote them in."
    ),
    "view.names_and_more": "{names} and {count} more",
    "view.functions_of": "{count} functions of {file}",
    "view.not_submitted_label": "not submitted",
    "view.sandbox_summary": "Sandbox protections and timings",
    "view.inactive_protections": "{count} inactive: {names}",
    "view.diagnosis_below": "Likely mistake: {title} (explained below the checks).",
    "view.diagnosis_shared": "The same likely mistake in {count} of these checks:",
    "view.array_shape": "shape {shape}, {dtype}",
    "view.array_more": "... ({count} more lines)",
    # -- exports -------------------------------------------------------------------------------
    "gradescope.summary": (
        "{exercise}: {points} / {max_points} ({percent:.1f}%). Hidden checks run on fresh random inputs "
        "(seed {seed}); their results appear here once your instructor publishes the grades."
    ),
    # -- a learners' copy (grade release) ------------------------------------------------------
    "copy.hidden_not_run": (
        "This is a learners' copy: the hidden checks{worth} are not run here, and the total counts the public "
        "checks only. The hidden checks run when you submit to {submit_to}."
    ),
    "copy.hidden_worth": " ({count} checks, {points:g} points)",
    "copy.submit_to": "your instructor",
}
