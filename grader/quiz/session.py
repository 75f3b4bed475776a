"""The interactive quiz: questions asked one by one with plain prompts.

Only ``write`` and ``read_line`` touch the terminal, so the session works the same
in any terminal, with piped stdin, and in tests. An answer that does not fit its
question (a letter out of range, a word where a number is due) is explained and
asked again; input that ends before the last question is an error.

``line_reader`` reads a terminal or a pipe a line at a time, never more than an
answer's length (plus one) at once: a longer line is read through in such pieces and
given as its first piece, which the answer's length check refuses.

An interrupted session (Ctrl-C, SIGTERM) keeps the answers given so far (``KeptAnswers``);
the next session of the same variant offers to go on from them (``ask_to_resume``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from grader.messages import say
from grader.quiz.answers import (
    MAX_ANSWER_CHARS, MAX_ANSWERS_BYTES, Answer, AnswerFormatError, hint, parse_answer, points_text, question_lines,
)
from grader.quiz.model import QuizInputError
from grader.quiz.variants import Variant

STDIN = "<stdin>"
KEPT_FOLDER = "quiz-sessions"  # beside the gradebook


def ask_questions(variants: tuple[Variant, ...], read_line: Callable[[], str | None], write: Callable[[str], None],
                  *, title: str, learner: str, seed: int, echo: bool = False,
                  answers: dict[str, Answer] | None = None) -> dict[str, Answer]:
    """Ask every question; returns the answers by question id.

    ``read_line`` returns the next input line, or None at the end of input (then
    QuizInputError names the input line where it ended); ``echo`` repeats each answer
    read, so that a transcript of piped input reads like a terminal session.

    answers: answers given earlier (a resumed session), whose questions are not asked again;
    the dict is filled in place as questions are answered, so that an interrupted caller
    still holds every answer given before the interrupt."""
    answers = {} if answers is None else answers
    total = sum(v.question.points for v in variants)
    skip = say("quiz.hint.skip")
    write(say("quiz.session.intro", title=title, learner=learner, seed=seed, count=len(variants),
              points=points_text(total), skip=skip) + "\n")
    if answers:
        write(say("quiz.session.resumed", answered=len(answers), count=len(variants)) + "\n")
    lines_read = 0
    for number, variant in enumerate(variants, 1):
        if variant.id in answers:
            continue
        header = say("quiz.session.question", number=number, count=len(variants), id=variant.id,
                     points=points_text(variant.question.points))
        write("\n" + header + "\n" + "\n".join(question_lines(variant)) + "\n")
        while variant.id not in answers:
            write(say("quiz.session.prompt", hint=hint(variant)))
            line = read_line()
            if line is None:
                write("\n")
                raise QuizInputError(STDIN, lines_read + 1, say("quiz.session.input_ended", id=variant.id,
                                                                number=number, count=len(variants)))
            lines_read += 1
            if echo:
                write(line.rstrip("\r\n") + "\n")
            try:
                answers[variant.id] = parse_answer(variant, line)
            except AnswerFormatError as exc:
                write(say("quiz.session.retry", problem=exc) + "\n")
    write("\n")
    return answers


def line_reader(stream: TextIO) -> Callable[[], str | None]:
    """A ``read_line`` for ``ask_questions`` over ``stream``: the next line (or the first
    ``MAX_ANSWER_CHARS`` + 1 characters of a longer one, whose rest is skipped), None at its end."""
    piece = MAX_ANSWER_CHARS + 1

    def read_line() -> str | None:
        line = stream.readline(piece)
        if len(line) == piece and not line.endswith("\n"):
            while (rest := stream.readline(piece)) and not rest.endswith("\n"):
                pass
        return line or None

    return read_line


def ask_to_resume(answered: int, count: int, read_line: Callable[[], str | None], write: Callable[[str], None],
                  *, echo: bool = False) -> bool:
    """Ask whether to go on with the ``answered`` answers kept from an interrupted session: True for
    Enter, y or yes (and at the end of input, where the questions' own prompt then says that input
    ended), False for n or no; anything else is asked again."""
    while True:
        write(say("quiz.session.resume", answered=answered, count=count))
        line = read_line()
        if line is None:
            write("\n")
            return True
        if echo:
            write(line.rstrip("\r\n") + "\n")
        reply = line.strip().lower()
        if reply in ("", "y", "yes"):
            return True
        if reply in ("n", "no"):
            return False
        write(say("quiz.session.resume_invalid") + "\n")


class KeptAnswers:
    """The answers of an interrupted interactive quiz, kept until the quiz is taken to its end.

    One small JSON file in ``folder``/quiz-sessions (``folder``: the gradebook's folder), named by
    a hash of the exercise, the learner and the seed, so that it only ever meets the same variant;
    it holds each answer as typed. Read back, each answer is parsed again: one that no longer
    fits its question (the quiz was edited since) is dropped, and its question asked again.
    """

    def __init__(self, folder: Path, exercise: str, learner: str, seed: int) -> None:
        self.identity = {"exercise": exercise, "learner": learner, "seed": seed}
        key = hashlib.sha256(f"{exercise}\0{learner}\0{seed}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        self.path = folder / KEPT_FOLDER / f"{key}.json"

    def load(self, variants: tuple[Variant, ...]) -> dict[str, Answer]:
        """The kept answers that still fit their questions, in the quiz's order ({} when there are none)."""
        try:
            with open(self.path, "rb") as file:
                data = json.loads(file.read(MAX_ANSWERS_BYTES + 1)[:MAX_ANSWERS_BYTES])
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in self.identity.items()):
            return {}
        texts = data.get("answers")
        answers = {}
        for variant in variants:
            text = texts.get(variant.id) if isinstance(texts, dict) else None
            if isinstance(text, str):
                try:
                    answers[variant.id] = parse_answer(variant, text)
                except AnswerFormatError:
                    pass
        return answers

    def save(self, answers: dict[str, Answer]) -> None:
        """Keep ``answers`` (replacing what was kept), written whole or not at all; raises OSError."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({**self.identity, "answers": {qid: a.text for qid, a in answers.items()}}),
                           encoding="utf-8")
        os.replace(partial, self.path)

    def forget(self) -> None:
        """Drop the kept answers (the quiz was taken to its end, or is started over)."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
