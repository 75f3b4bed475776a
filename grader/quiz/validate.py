"""Prove a quiz file well formed: every question, for many seeds.

For each question and each of ``seeds`` seeds the variant must build (variables
drawn, code run without error, key of the right type, choices distinct and
containing the key), the key typed back as a learner would type it must earn full
marks, and the first seeds must give the same variant twice (keys are a function
of the seed alone). A parameterized question must also give at least
``MIN_VARIANTS`` distinct variants. A learners' copy without keys has none to type
back: its variants must build, twice the same, and vary.

Each translation (``quiz.<language>.toml``) is read strictly by the loader (known ids, the
same placeholders, as many choices); here every translated variant must build too and
match the English one: as many choices, the same choice in each position, the same key,
and the key typed back for either language earns full marks in the other. A question a
translation leaves out is shown in English: ``untranslated`` lists them, and the summary
counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.quiz.answers import LETTERS, AnswerFormatError, key_as_answer, parse_answer
from grader.quiz.grading import credit
from grader.quiz.load import load_quiz
from grader.quiz.model import CHOICE_KINDS, SOURCE_LANGUAGE, Question, Quiz
from grader.quiz.variants import Variant, build_variant

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
    # Per translation file (its name): how many questions it translates whole (see ``untranslated``).
    translated: tuple[tuple[str, int], ...] = ()

    def summary(self) -> str:
        text = (f"{self.questions} questions, {self.points:g} points ({self.parameterized} parameterized, "
                f"{self.computed_numpy} computed from fixed numpy code)")
        for name, count in self.translated:
            text += f"; {name} translates {count} of {self.questions}" + (
                "" if count == self.questions else " (the others are shown in English)")
        return text


def quiz_stats(quiz: Quiz) -> QuizStats:
    """Counts of the quiz's questions by kind of key."""
    questions = quiz.questions
    return QuizStats(
        questions=len(questions),
        points=quiz.points,
        parameterized=sum(q.parameterized for q in questions),
        computed=sum(q.computed for q in questions),
        computed_numpy=sum(q.computed and not q.parameterized and _uses_numpy(q) for q in questions),
        translated=tuple((t.path.name, _whole(quiz, t.language)) for t in quiz.translations),
    )


def _whole(quiz: Quiz, language: str) -> int:
    missing = {entry.split(": ")[0] for entry in untranslated(quiz, language)}
    return sum(question.id not in missing for question in quiz.questions)


def untranslated(quiz: Quiz, language: str) -> list[str]:
    """What the ``language`` translation of ``quiz`` leaves in English, one entry per question:
    ``id`` (the whole question), or ``id: explanation`` / ``id: choices`` (part of it). Empty when
    it translates everything learners read; choices the code computes are not translated."""
    translation = quiz.translation(language)
    missing = []
    for question in quiz.questions:
        texts = translation.questions.get(question.id) if translation else None
        if texts is None:
            missing.append(question.id)
            continue
        parts = ["explanation"] if question.explanation and not texts.explanation else []
        parts += ["choices"] if question.choices and not texts.choices else []
        if parts:
            missing.append(f"{question.id}: {', '.join(parts)}")
    if translation is not None and not translation.title:
        missing.append("title")
    return missing


def _uses_numpy(question: Question) -> bool:
    names = question.code.co_names if question.code is not None else ()
    return "np" in names or "rng" in names


def validate_quiz(path: str | Path, seeds: int = VALIDATION_SEEDS) -> list[str]:
    """Problems with the quiz file at ``path``, one line each (``path:line: problem``); empty when
    every question is well formed for ``seeds`` seeds."""
    try:
        quiz = load_quiz(path, SOURCE_LANGUAGE)
    except UsageError as exc:
        return [str(exc)]
    problems = []
    for question in quiz.questions:
        found = _question_problems(quiz, question, seeds)
        problems += found or _translation_problems(quiz, question, seeds)
    return problems


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


def _translation_problems(quiz: Quiz, question: Question, seeds: int) -> list[str]:
    """The first problem with ``question`` in a translation: its variant must be the English one in
    another language (see the module's docstring)."""
    for translation in quiz.translations:
        texts = translation.questions.get(question.id)
        if texts is None:
            continue
        where = f"{translation.path}:{texts.line}: question {question.id!r}"
        for seed in range(seeds):
            try:
                english = build_variant(quiz, question, seed, SOURCE_LANGUAGE)
                translated = build_variant(quiz, question, seed, translation.language)
            except UsageError as exc:
                return [f"{exc} (seed {seed})"]
            problem = _differs(quiz, english, translated)
            if problem:
                return [f"{where}: {problem} (seed {seed})"]
    return []


def _differs(quiz: Quiz, english: Variant, translated: Variant) -> str:
    """How ``translated`` is not ``english`` in another language ("" when it is)."""
    if len(translated.choices) != len(english.choices):
        return f"{len(translated.choices)} choices where the English variant has {len(english.choices)}"
    for position, (mine, theirs) in enumerate(zip(translated.choices, english.choices)):
        if mine != theirs and theirs not in (translated.aliases[position] if translated.aliases else ()):
            return f"choice {LETTERS[position]}) is not the English choice {LETTERS[position]})"
    if english.question.kind in CHOICE_KINDS:
        if translated.key_positions != english.key_positions:
            return "its key is not the English variant's"
    elif translated.key != english.key:
        return f"its key {translated.key!r} is not the English variant's {english.key!r}"
    if quiz.keys_withheld:
        return ""
    for given, graded in ((english, translated), (translated, english)):
        try:
            earned = credit(graded, parse_answer(graded, key_as_answer(given)))
        except AnswerFormatError as exc:
            return f"the key of one language is not an answer in the other ({exc})"
        if earned != 1:
            return f"the key of one language, typed as {key_as_answer(given)!r}, earns {earned:g} in the other"
    if english.question.kind == "single":
        for position, choice in enumerate(translated.choices):
            if choice != english.choices[position] and len(choice.strip()) > 1 and "\n" not in choice.strip():
                try:
                    typed = parse_answer(english, choice).value
                except AnswerFormatError:
                    typed = None
                if typed != position:
                    return f"choice {LETTERS[position]}), typed as text, names another choice in English"
    return ""
