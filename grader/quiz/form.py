"""The quiz of a learners' copy (``grade release``): its questions, and nothing from which a key follows.

A learner must be able to write their own variant's answers form in the copy, so the
copy keeps what the form shows: each question's text, kind, topic and points, its
choices, its variables (``params`` and ``where``) and, when its text shows values the
instructor code computes, the part of that code that computes them (``show``). It keeps
no ``answer``, ``accept``, ``explanation`` nor tolerance, and none of the code that
computes the key. Choices are listed sorted, the order every learner's shuffle starts
from (grader/quiz/variants.py), so the order written in the quiz file says nothing;
choices that the code computes are computed here once and listed, which needs them to be
the same for every learner.

``show`` is the code's top-level statements that the text's variables depend on, found
by names (a statement that uses ``rng`` counts as changing it, so the draws stay in
step). A question whose text depends on a statement that also sets ``answer`` cannot be
released. ``check_form`` then builds both quizzes for many seeds: the copy must show
every learner the same text and choices as the instructor's quiz, in every language.

A translation (``quiz.<language>.toml``) goes to the copy the same way
(``form_translation_text``): its questions' texts and choices, listed in the copy's order,
and the translations of the values they show; no explanation (it states the key as the
English one does) nor accepted answer.

With ``--practice-quizzes`` the copy gets the whole quiz instead, marked ``released =
"practice"``: it grades answers locally, and its reports say "practice".
"""

from __future__ import annotations

import ast
import json
import math
import re
import tomllib
from typing import Any

from grader.errors import UsageError, usage_error
from grader.messages import say
from grader.quiz.model import CHOICE_KINDS, DEFAULT_SUBMIT_TO, ParamSpec, Question, Quiz
from grader.quiz.model import PLACEHOLDER
from grader.quiz.variants import build_variant

FORM_SEEDS = 100  # seeds on which the copy must show what the instructor's quiz shows
_STATEFUL = "rng"  # drawing from the generator changes it
_SECRET_NAMES = ("answer", "choices")
_QUIZ_HEADER = re.compile(r"^\s*\[\s*quiz\s*\]\s*(#.*)?$", re.MULTILINE)


def form_quiz_text(quiz: Quiz, submit_to: str = DEFAULT_SUBMIT_TO) -> str:
    """The learners' copy of ``quiz`` without keys, as the text of a quiz file; raises UsageError
    naming the quiz line of a question that cannot be shown without its key."""
    lines = [
        *("# " + line for line in say("quiz.copy.instructions", submit_to=submit_to).splitlines()),
        "",
        "[quiz]",
        f"title = {toml_value(quiz.source_title or quiz.title)}",
        'released = "form"',
        f"submit_to = {toml_value(submit_to)}",
    ]
    for question in quiz.questions:
        lines += ["", *_question_lines(quiz, question)]
    return "\n".join(lines) + "\n"


def form_translation_text(quiz: Quiz, language: str) -> str:
    """The ``language`` translation of ``quiz`` for its learners' copy without keys (beside the quiz of
    ``form_quiz_text``): per question its text, its choices in the order the copy lists them, and the
    translations of the values its text and choices show; no explanation nor accepted answer."""
    translation = quiz.translation(language)
    assert translation is not None
    lines = [f"# The questions of {quiz.path.name} in {language}, without their keys (grade release).", "", "[quiz]"]
    if translation.title:
        lines.append(f"title = {toml_value(translation.title)}")
    for question in quiz.questions:
        texts = translation.questions.get(question.id)
        if texts is None:
            continue
        lines += ["", "[[questions]]", f"id = {toml_value(question.id)}", f"text = {toml_value(texts.text)}"]
        if texts.choices:
            listed = [texts.choices[i] for i in _listed_order(question)]
            lines.append(f"choices = {toml_value(listed)}")
        shown = {m.group(1) for part in (texts.text, *texts.choices) for m in PLACEHOLDER.finditer(part) if m.group(1)}
        for name, values in texts.translate.items():
            if name in shown:
                lines += [f"[questions.translate.{name}]", *(f"{toml_value(k)} = {toml_value(v)}" for k, v in values.items())]
    return "\n".join(lines) + "\n"


def practice_quiz_text(text: str) -> str:
    """The instructor's quiz file ``text``, keys included, marked ``released = "practice"``."""
    header = _QUIZ_HEADER.search(text)
    if header is None:
        marked = '[quiz]\nreleased = "practice"\n\n' + text
    else:
        marked = f'{text[:header.end()]}\nreleased = "practice"{text[header.end():]}'
    try:
        meta = tomllib.loads(marked).get("quiz", {})
    except tomllib.TOMLDecodeError:
        meta = {}
    if meta.get("released") != "practice":
        raise usage_error("usage.release.practice")
    return marked


def check_form(quiz: Quiz, form: Quiz, seeds: int = FORM_SEEDS) -> None:
    """Raise UsageError unless ``form`` shows, for every seed in ``range(seeds)``, each question's
    text and choices exactly as ``quiz`` does, in English and in each language ``quiz`` is translated to."""
    languages = quiz.languages  # a language the copy lacks shows English there: it differs
    for question, copied in zip(quiz.questions, form.questions, strict=True):
        for seed in range(seeds):
            for language in languages:
                want = build_variant(quiz, question, seed, language)
                try:
                    got = build_variant(form, copied, seed, language)
                except UsageError as exc:
                    raise _cannot_release(quiz, question, say("usage.release.fails", seed=seed, error=exc)) from None
                if (got.text, got.choices, got.aliases) != (want.text, want.choices, want.aliases):
                    raise _cannot_release(quiz, question, say("usage.release.differs", seed=seed))


def _question_lines(quiz: Quiz, question: Question) -> list[str]:
    lines = [
        "[[questions]]",
        f"id = {toml_value(question.id)}",
        f"kind = {toml_value(question.kind)}",
        f"topic = {toml_value(question.topic)}",
        f"points = {toml_value(question.points)}",
        f"text = {toml_value(question.text)}",
    ]
    if question.kind in CHOICE_KINDS:
        lines.append(f"shuffle = {toml_value(question.shuffle)}")
        lines.append(f"choices = {toml_value(list(_listed_choices(quiz, question)))}")
    if question.code is not None:
        show = visible_code(quiz, question)
        if show:
            lines.append(f"show = {toml_value(show)}")
    if question.where_source:
        lines.append(f"where = {toml_value(question.where_source.strip())}")
    if question.params:
        lines.append("[questions.params]")
        lines += [f"{spec.name} = {toml_value(_param_table(spec))}" for spec in question.params]
    return lines


def _listed_choices(quiz: Quiz, question: Question) -> tuple[str, ...]:
    """The choices as the copy lists them: sorted when shuffled; computed ones computed here."""
    if question.choices:
        return tuple(question.choices[i] for i in _listed_order(question))
    else:  # computed by the code: the same for every learner, or the copy cannot list them
        built = {build_variant(quiz, question, seed).choices for seed in range(FORM_SEEDS)}
        if len({tuple(sorted(c)) for c in built}) > 1:
            raise _cannot_release(quiz, question, say("usage.release.computed_choices"))
        choices = tuple(c.replace("{", "{{").replace("}", "}}") for c in built.pop())
    return tuple(sorted(choices)) if question.shuffle else choices


def _listed_order(question: Question) -> list[int]:
    """The positions of the written choices in the order the copy lists them (sorted when shuffled):
    a translation's choices are listed in this order too, so that the n-th choice of each file is the
    same choice."""
    positions = list(range(len(question.choices)))
    return sorted(positions, key=lambda i: question.choices[i]) if question.shuffle else positions


def visible_code(quiz: Quiz, question: Question) -> str:
    """The statements of the question's code that the variables its text and choices show depend
    on ("" when they are all drawn parameters); raises UsageError when one of them sets the key."""
    shown = {m.group(1) for part in (question.text, *question.choices)
             for m in PLACEHOLDER.finditer(part) if m.group(1)}
    wanted = set(shown)
    kept: list[ast.stmt] = []
    for statement in reversed(ast.parse(question.code_source).body):
        stored, loaded = _names(statement)
        if not stored & wanted:
            continue
        if stored & set(_SECRET_NAMES):
            raise _cannot_release(quiz, question, say("usage.release.shown_depends", shown=", ".join(sorted(shown)),
                                                      line=question.code_line + statement.lineno - 1))
        kept.append(statement)
        wanted |= loaded
    return "\n".join(ast.unparse(statement) for statement in reversed(kept))


def _names(statement: ast.stmt) -> tuple[set[str], set[str]]:
    """(names the statement may change, names it reads): assigned names, objects changed through an
    attribute, an item or a method call, and the random generator when it draws from it."""
    stored: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, ast.alias):
            stored.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name) and (
                not isinstance(node.ctx, ast.Load)):
            stored.add(node.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            stored.add(node.func.value.id)  # x.append(...), rng.normal(...)
    stored.discard("np")
    stored.discard("math")
    if _STATEFUL in loaded:
        stored.add(_STATEFUL)
    return stored, loaded


def _param_table(spec: ParamSpec) -> dict[str, Any]:
    table: dict[str, Any] = {"values": list(spec.values)} if spec.values else {"min": spec.low, "max": spec.high}
    if spec.digits is not None:
        table["digits"] = spec.digits
    if spec.size:
        table["size"] = spec.size
    return table


def toml_value(value: Any) -> str:
    """``value`` as a TOML value (strings, numbers, booleans, lists and tables of them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):  # JSON escapes are TOML escapes; TOML wants DEL escaped too
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise usage_error("usage.release.value", value=value)


def _cannot_release(quiz: Quiz, question: Question, problem: str) -> UsageError:
    return usage_error("usage.quiz_question", path=quiz.path, line=question.line, id=question.id, problem=problem)
