"""English catalog: Usage errors: a command that cannot do what it was asked (the CLI prints them and exits 2).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- state between calls, caches, grader errors (the check runner) -------------------------
    "usage.only_not_recorded": "Graded only {functions} (--only): a partial grade, not recorded in the gradebook.",
    "usage.only_unknown": (
        "--only: {names} is not a graded function of {exercise} (its functions: {functions})"
    ),
    # -- quizzes -------------------------------------------------------------------------------
    "quiz.nothing_to_submit": (
        "{exercise} has no graded functions: there is nothing to submit there. It is a quiz: take it with "
        "`grade quiz {exercise}`."
    ),
    "quiz.no_quiz": "{folder}: this exercise has no quiz (no quiz.toml in its folder)",
    "quiz.modes": "--answers, --blank and --validate are different modes: use one at a time",
}
