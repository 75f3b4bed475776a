"""Quizzes: authored in ``exercises/<name>/quiz.toml``, one variant per learner, graded
into the same GradeReport as code checks (kind "quiz", one check per question).

A quiz can be read in several languages: ``quiz.<language>.toml`` beside ``quiz.toml``
translates what learners read, question by question (``load_translation``); ids, kinds,
parameters, code and keys are quiz.toml's alone, so a variant has the same numbers, choice
order and key in every language, and an answer is graded the same whichever language it was
given in.

The pipeline, one module per step::

    load (quiz file -> Quiz) -> variants (seed -> questions and keys)
      -> answers (answers file or session -> answers) -> grading (-> GradeReport)

``validate`` proves a quiz file well formed for many seeds; ``form`` writes the quiz
of a learners' copy. The CLI (``grade quiz``) is a thin layer over ``prepare_quiz``
and ``QuizRun``.

In a learners' copy without keys (``grade release``) a run writes blank forms and
grades nothing: answers are submitted to where the keys are. In a copy released for
practice, it grades, and its reports carry a "practice" note.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from grader.errors import usage_error
from grader.messages import say
from grader.quiz.answers import Answer, blank_form, form_learner, read_answers
from grader.quiz.grading import grade_quiz
from grader.quiz.load import load_quiz
from grader.quiz.translation import load_translation, translation_path
from grader.quiz.model import Quiz, QuizInputError
from grader.quiz.session import ask_questions
from grader.quiz.validate import quiz_stats, validate_quiz
from grader.quiz.variants import Variant, build_variants, quiz_seed
from grader.model.report import GradeReport, SourceNote, SubmittedFile

QUIZ_FILE = "quiz.toml"

__all__ = [
    "PRACTICE_NOTE", "QUIZ_FILE", "QuizInputError", "QuizRun", "form_learner", "load_quiz", "prepare_quiz",
    "load_translation", "quiz_file", "quiz_seed", "quiz_stats", "translation_path", "validate_quiz",
]
PRACTICE_NOTE = "practice"  # the kind of the note a report of a practice quiz carries


@dataclass(frozen=True)
class QuizRun:
    """One learner's quiz: the exercise, the seed and the variants of every question."""

    exercise: str
    spec: str
    quiz: Quiz
    learner: str
    seed: int
    seed_given: bool
    variants: tuple[Variant, ...]

    def blank_form(self) -> str:
        """A fillable answers file for this learner's variant."""
        form = partial(blank_form, self.variants, title=self.quiz.title, exercise=self.exercise,
                       learner=self.learner, seed=self.seed)
        if self.quiz.keys_withheld:
            return form(submit_to=self.submit_to)
        seed = f" --seed {self.seed}" if self.seed_given else ""
        return form(command=f"grade quiz {shlex.quote(self.spec)} --learner {shlex.quote(self.learner)}{seed} "
                            "--answers FILE")

    @property
    def submit_to(self) -> str:
        """Where learners submit their answers when this copy of the quiz has no keys."""
        return self.quiz.submit_to or say("copy.submit_to")

    def grade_file(self, path: str | Path) -> GradeReport:
        """Grade a filled answers file; raises QuizInputError naming the file and line of a problem,
        UsageError in a learners' copy without keys."""
        self._refuse_without_keys()
        answers = read_answers(path, self.variants, seed=self.seed, learner=self.learner)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return self._grade(answers, [SubmittedFile(path=str(path), sha256=digest)])

    def ask(self, read_line: Callable[[], str | None], write: Callable[[str], None], *,
            echo: bool = False, answers: dict[str, Answer] | None = None) -> GradeReport:
        """Ask the questions through ``read_line``/``write``, then grade the answers; raises UsageError,
        before asking anything, in a learners' copy without keys.

        answers: given earlier (a resumed session): not asked again; filled in place (see ask_questions)."""
        self._refuse_without_keys()
        answers = ask_questions(self.variants, read_line, write, title=self.quiz.title, learner=self.learner,
                                seed=self.seed, echo=echo, answers=answers)
        return self._grade(answers, [])

    def _refuse_without_keys(self) -> None:
        if self.quiz.keys_withheld:
            raise usage_error("quiz.no_keys", exercise=self.exercise, submit_to=self.submit_to,
                              command=f"grade quiz {shlex.quote(self.spec)} --blank > answers.txt")

    def _grade(self, answers: dict[str, Answer], files: list[SubmittedFile]) -> GradeReport:
        notes = [SourceNote(file=QUIZ_FILE, location="", kind=PRACTICE_NOTE, message=say("quiz.practice"))
                 ] if self.quiz.practice else []
        return grade_quiz(self.variants, answers, exercise=self.exercise, title=self.quiz.title,
                          learner=self.learner, seed=self.seed, files=files, notes=notes)


def quiz_file(exercise: str | Path) -> tuple[str, Path]:
    """The exercise's name and its quiz file; raises UsageError when it has none."""
    from grader.model.exercise import load_exercise

    loaded = load_exercise(exercise)
    path = loaded.root / QUIZ_FILE
    if not path.is_file():
        raise usage_error("quiz.no_quiz", folder=loaded.root)
    return loaded.name, path


def prepare_quiz(exercise: str | Path, learner: str, seed: int | None = None, language: str | None = None) -> QuizRun:
    """The quiz of ``exercise`` for ``learner``: the seed is ``seed`` or a stable hash of
    (exercise, learner). It is shown in ``language`` (default: the active language) when the quiz has
    a translation to it (``quiz.<language>.toml``), else in English; the seed, the keys and the grading
    are the same in every language. Raises UsageError (QuizInputError for a malformed quiz file or
    translation)."""
    name, path = quiz_file(exercise)
    quiz = load_quiz(path, language)
    chosen = quiz_seed(name, learner) if seed is None else seed
    return QuizRun(
        exercise=name,
        spec=str(exercise),
        quiz=quiz,
        learner=learner,
        seed=chosen,
        seed_given=seed is not None,
        variants=build_variants(quiz, chosen),
    )
