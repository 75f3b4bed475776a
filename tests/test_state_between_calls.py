"""State between calls: a graded function that keeps answers between calls fails, with its diagnosis.

Every week's reference solution is turned into a submission whose graded functions keep their answers
(a cache keyed by the shapes of the arguments, or the first answer returned forever, counted in a global),
then graded: each graded function must lose points with the diagnosis ``state.stale`` (grader.checks.state).
The hand-written fixtures of each week (tests/fixtures/<week>/mistakes/*_cached_by_*, *_global_counter,
*_mutable_default) are graded by the week's own tests.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from week_suite import ROOT, Week

from grader.model.report import GradeReport

WEEKS = ["week2", "week3", "week4", "week5", "week6", "week7"]

# Keeping answers in a dict; every graded function of the reference is wrapped: def name(*args, **kwargs)
# calls the reference's own function, renamed _fresh_<name> (and so do the reference's internal calls).
KEEPERS = {
    "by_shape": '''
_kept_answers = {}


def _shape_key(value):
    if hasattr(value, "shape"):
        return ("array", value.shape)
    if isinstance(value, dict):
        return tuple((key, _shape_key(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_shape_key(item) for item in value)
    return "number"


def _kept(function):
    def kept(*args, **kwargs):
        key = (function.__name__, _shape_key(args), _shape_key(kwargs))
        if key not in _kept_answers:
            _kept_answers[key] = function(*args, **kwargs)
        return _kept_answers[key]
    return kept
''',
    "first_call": '''
_calls = {}


def _kept(function):
    def kept(*args, **kwargs):
        name = function.__name__
        if name not in _calls:
            _calls[name] = function(*args, **kwargs)
        return _calls[name]
    return kept
''',
}

# Answers that are a few whole numbers (layer_sizes' (n_x, 4, n_y), conv_output_size's int) are not judged:
# a wrong formula gives different inputs the same few whole numbers too. Their checks still fail.
FEW_WHOLE_NUMBERS = {"layer_sizes", "conv_output_size"}
# Answers that depend on the shapes of the arguments only: a cache keyed by shape gives the right answers.
SHAPES_ONLY = {"layer_sizes", "initialize_velocity", "initialize_adam", "initialize_parameters_deep"}


def graded_names(week: str) -> list[str]:
    toml = tomllib.loads((ROOT / "exercises" / week / "exercise.toml").read_text())
    return [function["name"] for function in toml["functions"]]


def keeping_submission(week: str, keeper: str, folder: Path) -> Path:
    """The week's reference with every graded function keeping its answers as ``keeper`` says."""
    toml = tomllib.loads((ROOT / "exercises" / week / "exercise.toml").read_text())
    names = graded_names(week)
    parts = [KEEPERS[keeper]]
    for reference in toml["exercise"]["reference_files"]:
        text = (ROOT / "solutions" / week / reference).read_text()
        for name in names:
            text = re.sub(rf"\b{name}\(", f"_fresh_{name}(", text)
        parts.append(text)
    parts += [f"@_kept\ndef {name}(*args, **kwargs):\n    return _fresh_{name}(*args, **kwargs)\n" for name in names]
    path = folder / f"{week}_{keeper}.py"
    path.write_text("\n\n".join(parts))
    return path


def stale_functions(report: GradeReport) -> set[str]:
    return {c.function for c in report.checks if any(d.id == "state.stale" for d in c.diagnoses)}


def losing_functions(report: GradeReport) -> set[str]:
    return {f.name for f in report.functions if f.points < f.max_points}


@pytest.mark.parametrize("week", WEEKS)
def test_a_function_that_keeps_its_first_answer_fails_with_the_diagnosis(week, tmp_path):
    """Every graded function that answers every call with its first answer loses points, and (but for
    answers of a few whole numbers) a check of it says that the answer was kept between calls."""
    report = Week(week).grade(keeping_submission(week, "first_call", tmp_path))
    names = set(graded_names(week))
    assert losing_functions(report) == names
    assert stale_functions(report) == names - FEW_WHOLE_NUMBERS


@pytest.mark.parametrize("week", WEEKS)
def test_a_cache_keyed_by_shape_fails_with_the_diagnosis(week, tmp_path):
    """The hidden checks ask every graded function twice on inputs of the same shapes (other values): a cache
    keyed by shape answers the second call with the first call's answer and fails, with its diagnosis,
    wherever the answer depends on more than the shapes."""
    report = Week(week).grade(keeping_submission(week, "by_shape", tmp_path))
    names = set(graded_names(week))
    assert losing_functions(report) == names - SHAPES_ONLY
    assert stale_functions(report) == names - SHAPES_ONLY - FEW_WHOLE_NUMBERS


def test_the_diagnosis_says_what_was_kept_and_why(tmp_path):
    report = Week("week2").grade(keeping_submission("week2", "by_shape", tmp_path))
    check = next(c for c in report.checks_for("softmax") if c.diagnoses)
    assert check.hidden and check.status == "failed"
    assert check.message.startswith(
        "softmax gave exactly the same answer to two different inputs (arrays of the same shapes, other values) "
        "in one run, although the right values differ")
    assert "Likely mistake: a value kept between calls (a global, a default argument that is a list/dict, a " \
           "cache keyed by shape or by id(...))" in check.message
    assert [(d.id, d.text) for d in check.diagnoses] == [
        ("state.stale", "a value kept between calls (a global, a mutable default, a cache)")]
