"""Old notebooks return numpy.matrix: graded as the array it holds, with an advice note."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.grading import grade_submission
from grader.sandbox.plain import PlainDataError, decode, encode

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, on purpose

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "week2"
REFERENCE = (ROOT / "solutions" / "week2" / "logistic_regression.py").read_text(encoding="utf-8")


def test_a_matrix_is_encoded_as_its_array_only_when_asked():
    value = {"dw": np.matrix([[1.0], [2.0]]), "db": 0.5}
    with pytest.raises(PlainDataError):
        encode(value)  # the trusted side's own encoding never converts
    converted: list[str] = []
    decoded = decode(encode(value, converted))
    assert type(decoded["dw"]) is np.ndarray and decoded["dw"].shape == (2, 1)
    assert converted == ["result['dw']"]


def test_a_function_returning_a_matrix_is_graded_with_advice(tmp_path: Path):
    """propagate of an old notebook: np.dot on matrices gives matrices; its values are right."""
    source = REFERENCE.replace('return {"dw": dw, "db": db}, float(cost)',
                               'return {"dw": np.matrix(dw), "db": db}, float(cost)')
    assert source != REFERENCE
    path = tmp_path / "logistic_regression.py"
    path.write_text(source, encoding="utf-8")
    report = grade_submission(EXERCISE, [path])
    propagate = {f.name: f for f in report.functions}["propagate"]
    assert propagate.points == propagate.max_points
    advice = [n for n in report.notes if n.kind == "advice" and n.location == "propagate"]
    assert advice and "numpy.matrix" in advice[0].message and "result[0]['dw']" in advice[0].message
