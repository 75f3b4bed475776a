"""Grade answers against one learner's variants: a GradeReport with one check per question.

Credit per kind (a fraction of the question's points):

- single, numeric, text, shape: all or nothing. A numeric answer counts when
  ``|answer - key| <= max(tolerance, rel_tolerance * |key|)`` (plus a 1e-9 relative
  slack for float round-off); a text answer when it equals the key or an ``accept``
  alternative once both are normalized (``same_text``).
- multiple: ``max(0, (R - W) / K)`` where K is the number of right choices, R the
  right choices picked and W the wrong choices picked. Picking every choice earns
  nothing unless most choices are right; exactly the right set earns full credit.

A question passes when it earns all its points; a partly right one fails with its
partial points.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timezone

from grader import __version__
from grader.messages import say
from grader.quiz.answers import LETTERS, Answer, question_lines
from grader.quiz.model import SHAPE_ERROR
from grader.quiz.variants import Variant, same_text
from grader.model.report import CheckResult, FunctionSummary, GradeReport, SourceNote, SubmittedFile

ROUND_OFF = 1e-9


def multiple_choice_credit(picked: set[int], right: set[int]) -> float:
    """``max(0, (R - W) / K)``: R right choices picked, W wrong ones picked, K right choices in all."""
    hits, misses = len(picked & right), len(picked - right)
    return max(0.0, (hits - misses) / len(right))


def numeric_matches(value: float, key: float, tolerance: float = 0.0, rel_tolerance: float = 0.0) -> bool:
    """Whether ``value`` is within the question's tolerance of ``key``."""
    allowed = max(tolerance, rel_tolerance * abs(key)) + ROUND_OFF * max(1.0, abs(key))
    return abs(value - key) <= allowed


def credit(variant: Variant, answer: Answer) -> float:
    """The fraction of the question's points ``answer`` earns, in [0, 1]."""
    if answer.skipped:
        return 0.0
    question, key, value = variant.question, variant.key, answer.value
    if question.kind == "single":
        return float(variant.choices[value] == key)  # type: ignore[index]
    if question.kind == "multiple":
        right = {variant.choices.index(k) for k in key}  # type: ignore[union-attr]
        return multiple_choice_credit(set(value), right)  # type: ignore[arg-type]
    if question.kind == "numeric":
        return float(numeric_matches(value, key, question.tolerance, question.rel_tolerance))  # type: ignore[arg-type]
    if question.kind == "text":
        return float(value in {same_text(k) for k in (key, *variant.accept)})  # type: ignore[arg-type]
    return float(value == key)


def describe_answer(variant: Variant, answer: Answer) -> str:
    """The learner's answer as shown in feedback: a lettered choice, or the text as typed."""
    if answer.skipped:
        return say("quiz.feedback.skipped")
    if variant.question.kind == "single":
        return _lettered(variant, [answer.value])  # type: ignore[list-item]
    if variant.question.kind == "multiple":
        return _lettered(variant, answer.value)  # type: ignore[arg-type]
    return answer.text


def describe_key(variant: Variant) -> str:
    """The key as shown in feedback, with the accepted tolerance of a numeric question."""
    question, key = variant.question, variant.key
    if question.kind in ("single", "multiple"):
        keys = (key,) if question.kind == "single" else key
        return _lettered(variant, [variant.choices.index(k) for k in keys])  # type: ignore[union-attr]
    if question.kind == "numeric":
        shown = f"{key:.6g}"
        if question.tolerance or question.rel_tolerance:
            parts = [f"± {question.tolerance:g}"] if question.tolerance else []
            parts += [f"± {question.rel_tolerance:.0%}"] if question.rel_tolerance else []
            shown = say("quiz.feedback.tolerance", key=shown, tolerance=say("quiz.feedback.or").join(parts))
        return shown
    if question.kind == "shape":
        return say("quiz.feedback.shape_error") if key == SHAPE_ERROR else str(tuple(key))  # type: ignore[arg-type]
    return str(key)


def _lettered(variant: Variant, indices: list[int] | tuple[int, ...]) -> str:
    return "; ".join(f"{LETTERS[i]}) {variant.choices[i]}" for i in indices)


def question_check(variant: Variant, answer: Answer) -> CheckResult:
    """One question's CheckResult: points, status and feedback (answer, key, explanation)."""
    question = variant.question
    fraction = credit(variant, answer)
    shown_answer, shown_key = describe_answer(variant, answer), describe_key(variant)
    feedback = [say("quiz.feedback.answer", answer=shown_answer), say("quiz.feedback.key", key=shown_key)]
    if question.kind == "multiple" and not answer.skipped and fraction < 1:
        picked, right = set(answer.value), {variant.choices.index(k) for k in variant.key}  # type: ignore[arg-type, union-attr]
        feedback.append(say("quiz.feedback.partial", right=len(picked & right), correct=len(right),
                            wrong=len(picked - right)))
    feedback.append(say("quiz.feedback.explanation", explanation=variant.explanation))
    return CheckResult(
        function=question.topic,
        name=question.id,
        status="passed" if fraction >= 1 else "failed",
        points=round(fraction * question.points, 6),
        max_points=question.points,
        message="\n".join(feedback),
        question="\n".join(question_lines(variant)),
        answer=shown_answer,
        key=shown_key,
        explanation=variant.explanation,
    )


def answers_sha256(answers: dict[str, Answer]) -> str:
    """A hash of the answers as written: equal answers give equal hashes, whatever their source."""
    canonical = json.dumps({qid: a.text for qid, a in answers.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def grade_quiz(variants: tuple[Variant, ...], answers: dict[str, Answer], *, exercise: str, title: str,
               learner: str, seed: int, files: list[SubmittedFile] | None = None,
               notes: list[SourceNote] | None = None) -> GradeReport:
    """The GradeReport (kind "quiz") of ``answers``, which must hold every question's id.

    Its exercise is ``<exercise>/quiz``; checks are grouped by topic (the ``function``
    of each check), in the order the topics first appear."""
    started = time.perf_counter()
    checks = [question_check(v, answers[v.id]) for v in variants]
    topics = list(dict.fromkeys(c.function for c in checks))
    functions = [
        FunctionSummary(
            name=topic,
            found=True,
            points=round(sum(c.points for c in checks if c.function == topic), 6),
            max_points=round(sum(c.max_points for c in checks if c.function == topic), 6),
        )
        for topic in topics
    ]
    return GradeReport(
        exercise=f"{exercise}/quiz",
        title=title,
        seed=seed,
        submission_sha256=answers_sha256(answers),
        files=list(files or []),
        functions=functions,
        checks=checks,
        notes=list(notes or []),
        learner=learner,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        grader_version=__version__,
        kind="quiz",
        timings={"grading": round(time.perf_counter() - started, 4)},
    )
