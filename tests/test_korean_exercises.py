"""The exercises' own sentences in Korean: their catalogs, their checks' descriptions, and grading in Korean.

- Every check of every exercise is described by its catalog entry ``<week>.check.<name>``, whose English
  text is the first line of the check's docstring (so that the two cannot drift apart): a public check's in
  ``exercises/<week>/checks/messages.en.toml``, a hidden check's in ``solutions/<week>/checks/messages.en.toml``
  (which a learners' copy never holds).
- Every English catalog of an exercise (exercises/ and solutions/) has a Korean one beside it with the same
  ids, the same placeholders (format specs included) and the same line structure.
- Graded with ``--lang ko``, the reference and every known mistake of weeks 2-7 earn what they earn in
  English, with the same diagnosis ids, and their feedback is Korean.

The language is process-global, and an exercise's helper modules make some of their sentences when they
are imported: a test that grades in Korean forgets those modules before and after, and says English again
when it is done (``korean`` fixture).
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import messages
from grader.authoring.release import copy_learner_files
from grader.checks.unrunnable import declared_checks
from grader.cli.app import app
from grader.grading import grade_submission
from grader.messages import ID, read_catalog
from grader.model.exercise import load_exercise
from grader.model.report import GradeReport

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p.parent for p in ROOT.glob("exercises/*/exercise.toml"))
GRADED_WEEKS = ["week2", "week3", "week4", "week5", "week6", "week7"]
ENGLISH_CATALOGS = sorted([*ROOT.glob("exercises/*/checks/messages.en.toml"),
                           *ROOT.glob("solutions/*/checks/messages.en.toml")])
HANGUL = re.compile("[\uac00-\ud7a3]")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# -- the checks' descriptions ---------------------------------------------------------------------------


def declared(week: str) -> list[tuple[str, str, bool, Path]]:
    """(name, docstring's first line, hidden, check file) of every check of ``week``, public then hidden."""
    found = []
    for hidden, pattern in ((False, f"exercises/{week}/checks/checks_*.py"), (True, f"solutions/{week}/checks/*.py")):
        for path in sorted(ROOT.glob(pattern)):
            checks = declared_checks(path, "ImportError", hidden=hidden)
            assert checks is not None, f"{_rel(path)} does not parse"
            found += [(c.name, c.description, hidden, path) for c in checks]
    return found


def description_id(week: str, name: str) -> str:
    """The id the check runner looks a check's description up by (grader.checks.runner._described)."""
    return f"{week}.check.{name}".lower()


def english(folder: Path) -> dict[str, str]:
    path = folder / "messages.en.toml"
    return read_catalog(path) if path.is_file() else {}


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.name)
def test_every_check_is_described_by_its_catalog_in_the_words_of_its_docstring(exercise: Path):
    week = exercise.name
    public, hidden = english(ROOT / "exercises" / week / "checks"), english(ROOT / "solutions" / week / "checks")
    checks = declared(week)
    if week in GRADED_WEEKS:
        assert checks, f"{week} has no checks"
    not_ids, wrong = [], []
    for name, description, is_hidden, path in checks:
        message_id = description_id(week, name)
        if not ID.fullmatch(message_id):
            not_ids.append(name)  # keeps its docstring: the runner finds no catalog entry for it
            continue
        own, other = (hidden, public) if is_hidden else (public, hidden)
        if message_id not in own:
            wrong.append(f"{_rel(path)}: {name} has no entry {message_id}")
        elif own[message_id].format() != description:
            wrong.append(f"{message_id}: catalog {own[message_id].format()!r}, docstring {description!r}")
        if message_id in other:
            wrong.append(f"{message_id} is in the {'public' if is_hidden else 'hidden'} checks' catalog too")
    assert wrong == []
    assert not_ids == [], f"checks whose name is no id keep their docstring: {not_ids}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda p: p.name)
def test_every_description_in_a_catalog_is_of_a_check(exercise: Path):
    week = exercise.name
    names = {description_id(week, name) for name, _, _, _ in declared(week)}
    for folder in (ROOT / "exercises" / week / "checks", ROOT / "solutions" / week / "checks"):
        for path in sorted(folder.glob("messages.*.toml")):
            stale = [i for i in read_catalog(path) if i.startswith(f"{week}.check.") and i not in names]
            assert stale == [], f"{_rel(path)} describes checks that do not exist"


# -- the Korean catalogs --------------------------------------------------------------------------------


class _Any:
    """A value that takes any format spec and conversion."""

    def __format__(self, spec: str) -> str:
        return "x"

    def __repr__(self) -> str:
        return "'x'"


def placeholders(text: str) -> list[tuple[str, str, str | None]]:
    """(field, format spec, conversion) of every placeholder of a template, in a canonical order."""
    return sorted((field, spec or "", conversion) for _, field, spec, conversion in string.Formatter().parse(text)
                  if field is not None)


@pytest.mark.parametrize("english_path", ENGLISH_CATALOGS, ids=_rel)
def test_the_korean_catalog_has_the_english_ids_and_placeholders(english_path: Path):
    korean_path = english_path.with_name("messages.ko.toml")
    assert korean_path.is_file(), f"{_rel(korean_path)} is missing"
    en, ko = read_catalog(english_path), read_catalog(korean_path)
    assert sorted(en.keys() - ko.keys()) == [], "ids without a Korean sentence"
    assert sorted(ko.keys() - en.keys()) == [], "Korean ids the English catalog does not have"
    problems = []
    for message_id, text in ko.items():
        if placeholders(text) != placeholders(en[message_id]):
            problems.append(f"{message_id}: {placeholders(text)}, English {placeholders(en[message_id])}")
        if text.count("\n") != en[message_id].count("\n"):
            problems.append(f"{message_id}: the English sentence's lines (\\n) are not kept")
        if not HANGUL.search(text) and text != en[message_id]:  # a name (Adam, np.log10) may stay as it is
            problems.append(f"{message_id}: not Korean: {text!r}")
        try:
            text.format(**{field: _Any() for field, _, _ in placeholders(text)})
        except (KeyError, IndexError, ValueError) as error:
            problems.append(f"{message_id}: does not format: {error!r}")
    assert problems == []


def test_every_exercise_has_korean_catalogs_where_it_has_english_ones():
    assert {_rel(p.parent) for p in ENGLISH_CATALOGS} >= {f"{root}/{week}/checks" for week in GRADED_WEEKS
                                                         for root in ("exercises", "solutions")}


def test_ids_are_unique_across_the_exercises_and_solutions_catalogs():
    """An exercise's public and hidden catalogs are loaded together: an id in both would be said from one."""
    seen: dict[str, str] = {}
    for path in ENGLISH_CATALOGS:
        exercise = path.parent.parent.name
        for message_id in read_catalog(path):
            assert ID.fullmatch(message_id.removeprefix("diagnosis.")), message_id
            assert message_id.removeprefix("diagnosis.").startswith(f"{exercise}."), f"{_rel(path)}: {message_id}"
            assert message_id not in seen, f"{message_id} in {_rel(path)} and {seen[message_id]}"
            seen[message_id] = _rel(path)


def test_hidden_checks_sentences_stay_out_of_the_learners_copy(tmp_path: Path):
    """grade release copies exercises/<week> only: the catalogs of solutions/ (hidden checks' names and
    sentences) are not in the copy, and the copy's catalogs are the exercise's own."""
    for week in GRADED_WEEKS:
        copy = tmp_path / week
        copy_learner_files(load_exercise(ROOT / "exercises" / week), copy)
        public = {p.name: p.read_bytes() for p in (ROOT / "exercises" / week / "checks").glob("messages.*.toml")}
        copied = {p.name: p.read_bytes() for p in (copy / "checks").glob("messages.*.toml")}
        assert copied == public
        hidden_ids = set()
        for path in (ROOT / "solutions" / week / "checks").glob("messages.*.toml"):
            hidden_ids |= {i.removeprefix("diagnosis.") for i in read_catalog(path)}
        text = b"\n".join(p.read_bytes() for p in copy.rglob("*") if p.is_file())
        leaked = sorted(i for i in hidden_ids if i.encode() in text)
        assert leaked == [], f"{week}: the copy names hidden checks' sentences"


# -- grading in Korean -------------------------------------------------------------------------------------


def forget_exercise_modules() -> None:
    """Forget the exercises' check and helper modules: imported again, they make their sentences (the
    mistakes some helpers build at import time) in the language now active."""
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin and Path(origin).resolve().parent.name == "checks" and Path(origin).resolve().is_relative_to(ROOT) \
                and Path(origin).resolve().parent.parent.parent.name in ("exercises", "solutions"):
            del sys.modules[name]


@pytest.fixture
def korean():
    """Grade in Korean; English again afterwards (the language is process-global)."""
    forget_exercise_modules()
    messages.set_language("ko")
    try:
        yield
    finally:
        messages.set_language("en")
        forget_exercise_modules()


def english_and_korean(week: str, files: list[Path]) -> tuple[GradeReport, GradeReport]:
    exercise = ROOT / "exercises" / week
    forget_exercise_modules()
    en = grade_submission(exercise, files, seed=1234)
    forget_exercise_modules()
    messages.set_language("ko")
    try:
        ko = grade_submission(exercise, files, seed=1234)
    finally:
        messages.set_language("en")
        forget_exercise_modules()
    return en, ko


def timed(*checks) -> bool:
    """A check that measures the learner's speed: its outcome may differ from one run to the next."""
    return any(c.name.endswith("vectorized") or any(d.id.startswith("vector.") for d in c.diagnoses) for c in checks)


def assert_same_grading(en: GradeReport, ko: GradeReport) -> None:
    """The same checks, points and diagnosis ids (a timed check may pass in one run and not the other);
    in Korean, every check's description and every message with a diagnosis is Korean."""
    assert [(c.function, c.name) for c in ko.checks] == [(c.function, c.name) for c in en.checks]
    differ = [(e.name, e.points, k.points, [d.id for d in e.diagnoses], [d.id for d in k.diagnoses])
              for e, k in zip(en.checks, ko.checks)
              if (e.status, e.points, [d.id for d in e.diagnoses]) != (k.status, k.points, [d.id for d in k.diagnoses])
              and not timed(e, k)]
    assert differ == []
    assert ko.max_points == en.max_points
    if not any(timed(e, k) and e.points != k.points for e, k in zip(en.checks, ko.checks)):
        assert ko.points == en.points
    assert [c.name for c in ko.checks if not HANGUL.search(c.description)] == []
    for check in ko.checks:
        if check.diagnoses:
            assert HANGUL.search(check.message), f"{check.name}: {check.message!r}"
            assert "Likely mistake" not in check.message, f"{check.name}: {check.message!r}"
        for diagnosis in check.diagnoses:
            if diagnosis.id.split(".")[0] in GRADED_WEEKS:  # the exercise's own titles
                assert HANGUL.search(diagnosis.text), f"{check.name}: {diagnosis.id}: {diagnosis.text!r}"


def mistakes(week: str) -> list[Path]:
    return sorted((ROOT / "tests" / "fixtures" / week / "mistakes").glob("*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("week", GRADED_WEEKS)
def test_the_reference_grades_alike_in_korean(week: str):
    en, ko = english_and_korean(week, [ROOT / "solutions" / week])
    assert en.points == en.max_points > 0
    assert_same_grading(en, ko)
    docstrings = {name: description for name, description, _, _ in declared(week)}
    assert {c.name: c.description for c in en.checks} == {c.name: docstrings[c.name] for c in en.checks}
    assert messages.language() == "en"


@pytest.mark.slow
@pytest.mark.parametrize("week", GRADED_WEEKS)
def test_every_known_mistake_grades_alike_in_korean(week: str):
    files = mistakes(week)
    assert files, f"no mistake fixtures for {week}"
    diagnosed = 0
    for path in files:
        en, ko = english_and_korean(week, [path])
        assert en.points < en.max_points, path.name
        try:
            assert_same_grading(en, ko)
        except AssertionError as error:
            raise AssertionError(f"{path.name}: {error}") from None
        diagnosed += sum(len(c.diagnoses) for c in ko.checks)
    assert diagnosed > 0


def test_moved_hidden_sentences_are_said_in_korean_by_id(korean):
    """The hidden checks name their sentences by id: graded in Korean, a known mistake a hidden check
    diagnoses is said in Korean under its catalog id."""
    report = grade_submission(ROOT / "exercises" / "week2", [ROOT / "tests" / "fixtures" / "week2" / "mistakes" /
                                                           "predict_ge.py"], seed=1234)
    (check,) = [c for c in report.checks if c.name == "predict_threshold"]
    assert [(d.id, d.text) for d in check.diagnoses] == [("week2.predict.threshold", "임곗값")]
    assert "흔한 실수: 임곗값입니다." in check.message
    assert check.description == "활성값이 정확히 0.5이면 0으로 예측합니다(A > 0.5일 때만 클래스 1)."


def test_grade_submit_lang_ko_speaks_korean(korean, tmp_path: Path):
    result = CliRunner().invoke(app, [
        "submit", str(ROOT / "exercises" / "week3"), "--file", str(ROOT / "tests" / "fixtures" / "week3" / "mistakes" /
                                                                    "predict_ge.py"),
        "--lang", "ko", "--seed", "1234", "-v", "--gradebook", str(tmp_path / "gradebook.sqlite"),
        "--learner", "ko-learner"])
    assert "흔한 실수: 임곗값입니다. A2가 정확히 0.5이면 0으로 예측해야 합니다" in " ".join(result.output.split()), \
        result.output
    assert "노트북 예시 매개변수에 대한 predict." in result.output  # a passed check's description
