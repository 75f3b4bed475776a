"""A realistic week-2 class in a gradebook, for tests of class-level views (exports, class report).

``make_week2_class(folder, size)`` writes one ``.py`` per learner: the reference solution with
one known mistake appended (the mistake fixtures redefine a function, and the later
definition wins; every fourth learner forgets the 1/m in propagate, the classic one),
a few perfect submissions, and a few untouched starters.
``take_quiz(exercise, learner, gradebook, right)`` answers the week-2 quiz through
``grade quiz --answers`` with the keys of the questions in ``right`` and skips the others.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from quiz_factory import filled_form
from typer.testing import CliRunner

from grader.cli.app import app
from grader.quiz import prepare_quiz

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "week2"
STARTER = ROOT / "exercises" / "week2"
MISTAKES = ROOT / "tests" / "fixtures" / "week2" / "mistakes"

runner = CliRunner()


def reference_source() -> str:
    return "\n\n".join((SOLUTION / name).read_text() for name in ("python_basics.py", "logistic_regression.py"))


def make_week2_class(folder: Path, size: int) -> dict[str, str]:
    """Write ``size`` learners into ``folder``; returns learner id -> what they submitted
    (a mistake fixture's stem, "reference" or "starter")."""
    folder.mkdir(parents=True)
    mistakes = sorted(MISTAKES.glob("*.py"))
    common = MISTAKES / "missing_1_over_m.py"
    kinds: dict[str, str] = {}
    for i in range(size):
        learner = f"learner{i:02d}"
        if i % 7 == 5:
            kinds[learner] = "starter"
            shutil.copy(STARTER / "logistic_regression.py", folder / f"{learner}.py")
            continue
        if i % 7 == 6:
            kinds[learner] = "reference"
            (folder / f"{learner}.py").write_text(reference_source())
            continue
        mistake = common if i % 4 == 0 else mistakes[i % len(mistakes)]
        kinds[learner] = mistake.stem
        (folder / f"{learner}.py").write_text(reference_source() + "\n\n" + mistake.read_text())
    return kinds


def take_quiz(exercise: str, learner: str, gradebook: Path, right: Iterable[str], scratch: Path) -> None:
    """Record ``learner``'s quiz with the questions in ``right`` answered with their keys, others skipped."""
    run = prepare_quiz(exercise, learner)
    right = set(right)
    answers = {v.id: "?" for v in run.variants if v.id not in right}
    form = scratch / f"{learner}-answers.txt"
    form.write_text(filled_form(run, answers))
    result = runner.invoke(app, ["quiz", exercise, "--answers", str(form), "--learner", learner,
                                 "--gradebook", str(gradebook)])
    assert result.exit_code == 0, result.output


def quiz_ids(exercise: str) -> list[str]:
    return [v.id for v in prepare_quiz(exercise, "anyone").variants]
