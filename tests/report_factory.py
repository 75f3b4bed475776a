"""Sample GradeReports with realistic week-2 content, for any test that needs one.

``make_report()`` returns a fresh, fully populated report every call (so tests may
mutate it): six graded functions of the logistic-regression exercise, one of
them missing, and checks covering every status, partial credit, advice checks
(``max_points == 0``) and hidden checks, plus source notes, protections (one of
them inactive) and timings. Keyword arguments override top-level fields.
"""

from __future__ import annotations

import hashlib
from typing import Any

from grader.model.report import (
    CheckResult,
    FunctionSummary,
    GradeReport,
    SourceNote,
    SubmittedFile,
)

NOTEBOOK = "week2_logistic_regression.ipynb"


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _checks() -> list[CheckResult]:
    C = CheckResult
    return [
        # sigmoid: everything right, plus a passed advice check.
        C("sigmoid", "sigmoid(0) is 0.5", "passed", 1.0, 1.0,
          description="sigmoid(0) must be exactly 0.5.", seconds=0.002),
        C("sigmoid", "works element-wise on arrays", "passed", 1.0, 1.0,
          description="sigmoid(np.array([0, 2])) returns an array of the same shape.",
          seconds=0.003),
        C("sigmoid", "uses np.exp, not math.exp", "passed", 0.0, 0.0,
          description="math.exp only accepts scalars; np.exp works on whole arrays.",
          seconds=0.001),
        # initialize_with_zeros: a classic shape mistake.
        C("initialize_with_zeros", "w has shape (dim, 1)", "failed", 0.0, 1.0,
          message=(
              "Expected w.shape == (2, 1)\n"
              "Received w.shape == (2,)\n"
              "\n"
              "Likely mistake: np.zeros(dim) makes a 1-D array. Pass a tuple,\n"
              "np.zeros((dim, 1)), so that w is a column vector."
          ),
          description="w must be a column vector of zeros.", seconds=0.001),
        C("initialize_with_zeros", "b is the float 0.0", "passed", 1.0, 1.0,
          description="b must be a Python float (not an array).", seconds=0.001),
        # propagate: partial credit, a hidden check and a failed advice check.
        C("propagate", "cost on the notebook example", "passed", 2.0, 2.0,
          description="cost == 5.801545319394553 for the example w, b, X, Y.",
          seconds=0.004),
        C("propagate", "dw on the notebook example", "failed", 0.0, 2.0,
          message=(
              "Expected dw =\n"
              "[[0.99845601]\n"
              " [2.39507239]]\n"
              "Received dw =\n"
              "[[2.99536803]\n"
              " [7.18521717]]\n"
              "\n"
              "Your dw is exactly 3 times too large, and the example has m = 3.\n"
              "Likely mistake: you forgot to divide by m: dw = np.dot(X, (A - Y).T) / m."
          ),
          description="dw == X (A - Y)^T / m.", seconds=0.004),
        C("propagate", "db on the notebook example", "passed", 1.0, 1.0,
          description="db == mean(A - Y).", seconds=0.002),
        C("propagate", "random shapes", "failed", 0.5, 1.0,
          message=(
              "3 of 6 random cases passed.\n"
              "The cases with m = 1 failed: cost came back as an array of shape (1, 1)\n"
              "instead of a float. Use np.squeeze(cost) or float(cost) before returning."
          ),
          description="propagate on random inputs of several shapes.", hidden=True,
          seconds=0.031),
        C("propagate", "vectorized (no loop over examples)", "failed", 0.0, 0.0,
          message=(
              "Your propagate loops over the m examples with `for i in range(m)`.\n"
              "It gives the right numbers, but it is slow on real data sets:\n"
              "np.dot(w.T, X) computes every activation at once."
          ),
          description="A vectorized implementation avoids Python loops.", seconds=0.002),
        # optimize: an exception and a timeout.
        C("optimize", "records the cost every 100 iterations", "error", 0.0, 2.0,
          message=(
              "Your optimize raised an exception:\n"
              "  File \"week2_logistic_regression.ipynb\", cell 9, line 14, in optimize\n"
              "    w = w - learning_rate * dw\n"
              "NameError: name 'learning_rate' is not defined\n"
              "\n"
              "Likely mistake: the signature spells the parameter learnig_rate;\n"
              "use the same name in the signature and in the body."
          ),
          description="costs has one entry per 100 iterations.", seconds=0.012),
        C("optimize", "converges on a separable data set", "timeout", 0.0, 2.0,
          message=(
              "Stopped after 10.0 s (the limit for this check is 10 s).\n"
              "optimize(num_iterations=2000) should take well under a second.\n"
              "Likely mistake: a loop over examples nested inside the iteration loop."
          ),
          description="Reaches cost < 0.1 within 2000 iterations.", seconds=10.0),
        # predict: fine, but one hidden check fails.
        C("predict", "thresholds at 0.5", "passed", 1.0, 1.0,
          description="Y_prediction is 1 where A > 0.5, else 0.", seconds=0.002),
        C("predict", "returns shape (1, m)", "passed", 1.0, 1.0,
          description="Y_prediction.shape == (1, m).", seconds=0.001),
        C("predict", "edge case A == 0.5", "failed", 0.0, 1.0,
          message=(
              "Expected 0 for an activation of exactly 0.5\n"
              "Received 1\n"
              "\n"
              "Likely mistake: you used >= 0.5; the notebook asks for > 0.5."
          ),
          description="Probabilities of exactly 0.5 are predicted as 0.", hidden=True,
          seconds=0.001),
        # model: not found.
        C("model", "function is defined", "error", 0.0, 3.0,
          message=(
              "No function named model was found in your files.\n"
              "Cell 12 did not parse and was skipped (see the notes below);\n"
              "fix its syntax error and model will be graded."
          ),
          description="model(X_train, Y_train, X_test, Y_test, ...) exists.", seconds=0.0),
    ]


def _functions(checks: list[CheckResult]) -> list[FunctionSummary]:
    where = {
        "sigmoid": "cell 4",
        "initialize_with_zeros": "cell 6",
        "propagate": "cell 8",
        "optimize": "cell 9",
        "predict": "cell 11",
        "model": "",
    }
    out = []
    for name, cell in where.items():
        mine = [c for c in checks if c.function == name]
        out.append(
            FunctionSummary(
                name=name,
                found=bool(cell),
                defined_in=f"{NOTEBOOK}, {cell}" if cell else "",
                points=round(sum(c.points for c in mine), 6),
                max_points=round(sum(c.max_points for c in mine), 6),
            )
        )
    return out


def make_report(**overrides: Any) -> GradeReport:
    """A fresh, fully populated week-2 report; ``overrides`` replace top-level fields."""
    checks = _checks()
    report = GradeReport(
        exercise="week2/logistic_regression",
        title="Week 2 · Logistic regression as a neural network",
        seed=1234,
        submission_sha256=sha256_of("learner notebook bytes"),
        files=[SubmittedFile(NOTEBOOK, sha256_of("learner notebook bytes"))],
        functions=_functions(checks),
        checks=checks,
        notes=[
            SourceNote(
                file=NOTEBOOK,
                location="cell 12, line 3",
                kind="syntax-error",
                message=(
                    "invalid syntax: `def model(X_train, Y_train X_test, Y_test):` "
                    "(missing comma?). The cell was skipped."
                ),
            ),
            SourceNote(
                file=NOTEBOOK,
                location="cell 1",
                kind="import-failed",
                message="import matplotlib.pyplot as plt failed (No module named "
                "'matplotlib'); the import was skipped, the rest of the cell ran.",
            ),
        ],
        protections={
            "network": "active: sockets are blocked",
            "filesystem": "active: working directory is a temporary copy",
            "memory": "INACTIVE: RLIMIT_AS is not supported on this platform",
            "time": "active: 10 s per check",
        },
        timings={"load": 0.412, "checks": 10.066, "total": 10.53},
        learner="ada.lovelace",
        created_at="2025-03-14T09:26:53+00:00",
        grader_version="0.1.0",
        kind="code",
    )
    for key, value in overrides.items():
        if not hasattr(report, key):
            raise TypeError(f"GradeReport has no field {key!r}")
        setattr(report, key, value)
    return report


def make_minimal_report(**overrides: Any) -> GradeReport:
    """A small report: one function, one passed check, nothing optional."""
    report = GradeReport(
        exercise="week2/python_basics",
        title="Week 2 · Python basics with numpy",
        seed=7,
        submission_sha256=sha256_of("minimal"),
        functions=[FunctionSummary("basic_sigmoid", True, "basics.py", 1.0, 1.0)],
        checks=[CheckResult("basic_sigmoid", "basic_sigmoid(3)", "passed", 1.0, 1.0,
                            description="basic_sigmoid(3) == 0.9525741268224334")],
    )
    for key, value in overrides.items():
        setattr(report, key, value)
    return report
