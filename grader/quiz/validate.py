"""Prove a quiz file well formed: every question, for many seeds.

For each question and each of ``seeds`` seeds the variant must build (variables
drawn, code run without error, key of the right type, choices distinct and
containing the key), the key typed back as a learner would type it must earn full
marks, and the first seeds must give the same variant twice (keys are a function
of the seed alone). A parameterized question must also give at least
``MIN_VARIANTS`` distinct variants. A learners' copy without keys has none to type
back: its variants must build, twice the same, and vary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.quiz.answers import AnswerFormatError, key_as_answer, parse_answer
from grader.quiz.grading import credit
from grader.quiz.load import load_quiz
from grader.quiz.model import Question, Quiz
from grader.quiz.variants import build_variant

VALIDATION_SEEDS = 200
MIN_VARIANTS = 10
DETERMINISM_SEEDS = 3


@dataclass(frozen=True)
class QuizStats:
    """What a quiz contains. ``computed_numpy`` counts the questions whose key comes from
    fixed numpy code (computed with ``np`` or ``rng``, not parameterized)."""

    questions: int
    points: float
    parameterized: int
    computed: int
    computed_numpy: int

    def summary(self) -> str:
        return (f"{self.questions} questions, {self.points:g} points ({self.parameterized} parameterized, "
                f"{self.computed_numpy} computed from fixed numpy code)")


def quiz_stats(quiz: Quiz) -> QuizStats:
    """Counts of the quiz's questions by kind of key."""
    questions = quiz.questions
    return QuizStats(
        questions=len(questions),
        points=quiz.points,
        parameterized=sum(q.parameterized for q in questions),
        computed=sum(q.computed for q in questions),
        computed_numpy=sum(q.computed and not q.parameterized and _uses_numpy(q) for q in questions),
    )


def _uses_numpy(question: Question) -> bool:
    names = question.code.co_names if question.code is not None else ()
    return "np" in names or "rng" in names


def validate_quiz(path: str | Path, seeds: int = VALIDATION_SEEDS) -> list[str]:
    """Problems with the quiz file at ``path``, one line each (``path:line: problem``); empty when
    every question is well formed for ``seeds`` seeds."""
    try:
        quiz = load_quiz(path)
    except UsageError as exc:
        return [str(exc)]
    return [problem for question in quiz.questions for problem in _question_problems(quiz, question, seeds)]


def _question_problems(quiz: Quiz, question: Question, seeds: int) -> list[str]:
    """The first problem found with ``question`` (one is enough to fix), or none."""
    where = f"{quiz.path}:{question.line}: question {question.id!r}"
    variants = set()
    for seed in range(seeds):
        try:
            variant = build_variant(quiz, question, seed)
            typed = "" if quiz.keys_withheld else key_as_answer(variant)
            earned = credit(variant, parse_answer(variant, typed)) if typed else 1
        except UsageError as exc:
            return [f"{exc} (seed {seed})"]
        except AnswerFormatError as exc:
            return [f"{where}: the key cannot be typed as an answer ({exc}) (seed {seed})"]
        if earned != 1:
            return [f"{where}: the key typed as {typed!r} earns {earned:g} of the points (seed {seed})"]
        if seed < DETERMINISM_SEEDS and build_variant(quiz, question, seed) != variant:
            return [f"{where}: seed {seed} gives another variant on a second run: draw randomness from rng, "
                    f"not np.random"]
        variants.add((variant.text, variant.choices, variant.key))
    if question.parameterized and len(variants) < MIN_VARIANTS:
        return [f"{where}: only {len(variants)} distinct variants over {seeds} seeds (at least {MIN_VARIANTS} "
                f"wanted): widen its params"]
    return []
