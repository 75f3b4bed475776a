"""English catalog: usage errors, a command that cannot do what it was asked (the CLI prints them and exits
2): raise ``grader.errors.usage_error(id, **fields)``.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # -- grading only some functions (--only) ---------------------------------------------------
    "usage.unknown_language": "note: no {language!r} translation ({known} are available): showing English.",
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
    "usage.cannot_read": "{path}: cannot read the {what} ({reason})",
    "usage.too_large": "{path}: the {what} is larger than {kb} KB: not read",
    "usage.quiz_question": "{path}:{line}: question {id!r}: {problem}",
    # -- making a learners' copy of a quiz (grade release) ---------------------------------------
    "usage.release.practice": (
        "quiz.toml: could not mark it as a practice quiz: write its [quiz] table with one key per line (or leave "
        "released out of it)"
    ),
    "usage.release.value": "cannot write {value!r} into a learners' copy of a quiz",
    "usage.release.fails": "the learners' copy fails on seed {seed}: {error}",
    "usage.release.differs": "the learners' copy shows another text or other choices than the quiz on seed {seed}",
    "usage.release.computed_choices": (
        "its code computes other choices for other learners; a learners' copy lists them without the code: make "
        "them fixed"
    ),
    "usage.release.shown_depends": (
        "what its text shows ({shown}) depends on line {line}, which sets the key: compute what the text shows "
        "in statements of their own"
    ),
    # -- the class report (grade report) ----------------------------------------------------------
    "usage.no_gradebook": "{gradebook}: no such gradebook (grade submissions first: grade batch, grade submit)",
    "usage.no_submissions": "{gradebook}: no submissions of {exercise} (neither code nor quiz)",
}
