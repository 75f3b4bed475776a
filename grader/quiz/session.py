"""The interactive quiz: questions asked one by one with plain prompts.

Only ``write`` and ``read_line`` touch the terminal, so the session works the same
in any terminal, with piped stdin, and in tests. An answer that does not fit its
question (a letter out of range, a word where a number is due) is explained and
asked again; input that ends before the last question is an error.

``line_reader`` reads a terminal or a pipe a line at a time, never more than an
answer's length (plus one) at once: a longer line is read through in such pieces and
given as its first piece, which the answer's length check refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from grader.messages import say
from grader.quiz.answers import (
    MAX_ANSWER_CHARS, Answer, AnswerFormatError, hint, parse_answer, points_text, question_lines,
)
from grader.quiz.model import QuizInputError
from grader.quiz.variants import Variant

STDIN = "<stdin>"


def ask_questions(variants: tuple[Variant, ...], read_line: Callable[[], str | None], write: Callable[[str], None],
                  *, title: str, learner: str, seed: int, echo: bool = False) -> dict[str, Answer]:
    """Ask every question; returns the answers by question id.

    ``read_line`` returns the next input line, or None at the end of input (then
    QuizInputError names the input line where it ended); ``echo`` repeats each answer
    read, so that a transcript of piped input reads like a terminal session."""
    total = sum(v.question.points for v in variants)
    skip = say("quiz.hint.skip")
    write(say("quiz.session.intro", title=title, learner=learner, seed=seed, count=len(variants),
              points=points_text(total), skip=skip) + "\n")
    answers: dict[str, Answer] = {}
    lines_read = 0
    for number, variant in enumerate(variants, 1):
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
