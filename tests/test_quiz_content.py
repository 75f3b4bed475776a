"""The shipped quizzes: every question well formed for 200 seeds, and enough of each kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from quiz_factory import write_exercise

from grader.model.exercise import load_exercise
from grader.quiz import load_quiz, quiz_stats, validate_quiz

ROOT = Path(__file__).resolve().parent.parent
WEEKS = [f"week{n}" for n in range(1, 8)]


@pytest.mark.parametrize("week", WEEKS)
def test_every_question_is_well_formed_for_200_seeds(week):
    assert validate_quiz(ROOT / "exercises" / week / "quiz.toml", seeds=200) == []


def test_content_counts():
    stats = {week: quiz_stats(load_quiz(ROOT / "exercises" / week / "quiz.toml")) for week in WEEKS}
    assert all(s.questions >= 8 for s in stats.values()), {w: s.questions for w, s in stats.items()}
    assert sum(s.questions for s in stats.values()) >= 70
    assert sum(s.parameterized for s in stats.values()) >= 15
    assert sum(s.computed_numpy for s in stats.values()) >= 10


def test_week1_is_a_quiz_only_exercise():
    week1 = load_exercise(ROOT / "exercises" / "week1")
    assert (week1.name, week1.functions, week1.learner_files) == ("week1", [], [])


def test_documented_example_quiz_is_valid(tmp_path):
    """Is the example in docs/quizzes.md a working quiz?"""
    text = (ROOT / "docs" / "quizzes.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    folder = write_exercise(tmp_path, example)
    assert validate_quiz(folder / "quiz.toml", seeds=50) == []
    assert len(load_quiz(folder / "quiz.toml").questions) == 7
