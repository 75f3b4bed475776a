"""grade release: the learners' copy holds no solution and no hidden check, and still grades."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from grader.cli.app import app
from grader.errors import UsageError
from grader.model.exercise import load_exercise
from grader.grading import grade_submission
from grader.authoring.release import HiddenChecks, find_leaks, release_exercise, released_config
from grader.authoring.scaffold import new_exercise
from grader.authoring.sources import reference_module, split_source, stale_files
from grader.authoring.validate import validate_exercise

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

SOURCE = '''\
# %% [markdown]
# # Demo

# %%
import numpy as np
import matplotlib.pyplot as plt
from demo_utils import load_data


# %%
# GRADED FUNCTION: scale
def scale(x, factor):
    """x times factor."""
    ### BEGIN SOLUTION
    # multiply every entry by the factor
    y = np.multiply(x, factor)
    ### END SOLUTION
    return y


# %%
X = load_data()
plt.plot(scale(X, 2.0))
'''


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A course folder with a scaffolded exercise `relus` and a private gradebook."""
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    new_exercise("relus", "Relus", tmp_path)
    return tmp_path


def text_lines(path: Path) -> set[str]:
    """Stripped lines of a file; of a notebook, the lines of its cells."""
    if path.suffix == ".ipynb":
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return {line.strip() for line in text.splitlines()}


def test_solution_regions_become_stubs(tmp_path):
    """Does a region become a stub in the starter and vanish (markers only) from the reference?"""
    path = tmp_path / "demo.py"
    path.write_text(SOURCE)
    source = split_source(path)
    assert "    # YOUR CODE HERE\n    raise NotImplementedError('Replace this line with your code.')\n    return y" \
        in source.learner_text
    assert "np.multiply" not in source.learner_text and "SOLUTION" not in source.learner_text
    assert "    y = np.multiply(x, factor)\n    ### END" not in source.reference_text
    assert "SOLUTION" not in source.reference_text and "    y = np.multiply(x, factor)\n" in source.reference_text
    assert "multiply every entry" not in source.learner_text and "# multiply every entry" in source.reference_text


def test_marker_out_of_indentation_is_refused(tmp_path):
    """Would a stub that breaks the function (a marker at column 0 inside it) be refused?"""
    path = tmp_path / "demo.py"
    path.write_text("def f(x):\n    y = 2 * x\n### BEGIN SOLUTION\n    return y\n### END SOLUTION\n")
    with pytest.raises(UsageError, match=r"demo\.py:3: this region would not be inside a function"):
        split_source(path)


def test_reference_module_keeps_definitions_numpy_and_the_standard_library(tmp_path, course):
    """Does the generated reference leave out demo cells and imports of plotting or data helpers?"""
    path = tmp_path / "demo.py"
    path.write_text(SOURCE)
    text = reference_module(split_source(path), load_exercise(course / "exercises" / "relus"))
    assert "def scale(x, factor):" in text and "import numpy as np" in text
    assert "matplotlib" not in text and "demo_utils" not in text and "plt.plot" not in text
    namespace: dict = {}
    exec(compile(text, "reference", "exec"), namespace)
    assert namespace["scale"](3.0, 2.0) == 6.0


@pytest.mark.parametrize("body, problem", [
    ("    ### BEGIN SOLUTION\n    y = x\n", "demo.py:3: ### BEGIN SOLUTION is never closed by ### END SOLUTION"),
    ("    y = x\n    ### END SOLUTION\n", "demo.py:4: ### END SOLUTION without a ### BEGIN SOLUTION before it"),
    ("    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    y = x\n    ### END SOLUTION\n",
     "demo.py:4: ### BEGIN SOLUTION inside the region opened at line 3"),
    ("    ## BEGIN SOLUTION\n    y = x\n    ### END SOLUTION\n", "demo.py:3: write the marker alone on its line"),
    ("    y = x\n", "demo.py: no ### BEGIN SOLUTION ... ### END SOLUTION region"),
])
def test_marker_mistakes_name_the_line(tmp_path, body, problem):
    """Is each malformed region an error naming the file and line?"""
    path = tmp_path / "demo.py"
    path.write_text("import numpy as np\ndef f(x):\n" + body + "    return y\n")
    with pytest.raises(UsageError, match=problem.replace(".", r"\.")):
        split_source(path)


def test_region_outside_a_function_is_refused(tmp_path):
    """Would a module-level region (a stub that raises on import) be refused?"""
    path = tmp_path / "demo.py"
    path.write_text("import numpy as np\n### BEGIN SOLUTION\nK = 3\n### END SOLUTION\n")
    with pytest.raises(UsageError, match=r"demo\.py:2: this region would not be inside a function"):
        split_source(path)


def test_no_solution_line_or_hidden_check_reaches_the_copy(course):
    """Is every line only the instructor has absent from every file of the learners' copy?"""
    exercise, solutions = course / "exercises" / "relus", course / "solutions" / "relus"
    source = solutions / "source" / "relus.py"
    # A second, longer region, to see more than one line of solution stripped.
    source.write_text(source.read_text().replace(
        "    A = np.maximum(0, Z)\n",
        "    positive = Z > 0  # where relu lets the input through\n    A = np.where(positive, Z, 0.0)\n"))
    runner.invoke(app, ["release", str(exercise), "--build"])
    summary = release_exercise(exercise, course / "out")
    copy = summary.folder
    outside, inside, regions = set(), set(), False
    for line in source.read_text().splitlines():
        if line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION"):
            regions = line.strip() == "### BEGIN SOLUTION"
            continue
        (inside if regions else outside).add(line.strip())
    public = set().union(*(text_lines(p) for p in exercise.rglob("*") if p.is_file()))
    hidden = text_lines(solutions / "checks" / "checks_relus_hidden.py")
    secrets = {line for line in (inside - outside) | (hidden - public) if any(c.isalnum() for c in line)}
    assert "positive = Z > 0  # where relu lets the input through" in secrets
    assert 'outcome = learner.relu.run(Z)' in secrets and len(secrets) >= 8
    files = [p for p in copy.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"relus.py", "relus.ipynb", "expected.json", "checks_relus_public.py"}
    assert not any("hidden" in p.name or p.name == "source" for p in copy.rglob("*"))
    for path in files:
        assert not secrets & text_lines(path), (path, secrets & text_lines(path))
        raw = path.read_text(errors="replace")
        assert not [s for s in secrets if json.dumps(s)[1:-1] in raw], path
    config = (copy / "exercise.toml").read_text()
    assert "solutions" not in config.replace("solutions/", "") and "reference_files" not in config
    assert 'reference = "recorded"' in config


def test_copy_grades_without_solutions_like_the_exercise(tmp_path, monkeypatch):
    """Without solutions/, does the copy of week 2 give the same public feedback as the exercise?"""
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    course = tmp_path / "course"
    for part in ("exercises", "solutions"):
        shutil.copytree(ROOT / part / "week2", course / part / "week2")
    summary = release_exercise(course / "exercises" / "week2", tmp_path / "out")
    for name in ("python_basics.py", "logistic_regression.ipynb"):  # no instructor source: starters as they are
        assert (summary.folder / name).read_bytes() == (ROOT / "exercises" / "week2" / name).read_bytes()
    mistake = ROOT / "tests" / "fixtures" / "week2" / "mistakes"
    submissions = [[ROOT / "solutions" / "week2"], sorted(mistake.glob("*.py"))[:3]]
    expected = [grade_submission(course / "exercises" / "week2", files, seed=3) for files in submissions]
    shutil.rmtree(course / "solutions")
    for files, want in zip(submissions, expected):
        got = grade_submission(summary.folder, files, seed=3)
        public = [(c.name, c.status, c.message) for c in want.checks if not c.hidden]
        assert [(c.name, c.status, c.message) for c in got.checks] == public
        assert not any(c.hidden for c in got.checks)
    assert got.max_points == 13 and expected[0].max_points == 37


def test_known_mistakes_that_need_the_reference_are_recorded(tmp_path, monkeypatch):
    """Does a diagnosis computed from the reference only for wrong answers survive the release?"""
    monkeypatch.setenv("DL_GRADER_GRADEBOOK", str(tmp_path / "gradebook.sqlite"))
    summary = release_exercise(ROOT / "exercises" / "week4", tmp_path / "out")
    mistake = [ROOT / "tests" / "fixtures" / "week4" / "mistakes" / "relu_output.py"]
    want = grade_submission(ROOT / "exercises" / "week4", mistake, seed=1)
    got = grade_submission(summary.folder, mistake, seed=1)
    message = next(c.message for c in got.checks if c.name == "L_model_forward_example")
    assert "Likely mistake: ReLU at the output." in message
    # A learners' copy has no reference code to trace the learner's values against (grader/checks/retrace.py):
    # the same feedback, without the traced line.
    full = next(c.message for c in want.checks if c.name == "L_model_forward_example")
    assert "Traced on" in full and "Traced on" not in message
    assert message == full.split("\nTraced on", 1)[0]


def test_unrecorded_reference_call_says_it_needs_the_instructor(course):
    """Does a public check calling the reference on new inputs fail with a clear sentence?"""
    summary = release_exercise(course / "exercises" / "relus", course / "out")
    public = summary.folder / "checks" / "checks_relus_public.py"
    public.write_text(public.read_text().replace("Z = course_example()", "Z = course_example() * 2"))
    solved = course / "solutions" / "relus" / "relus.py"
    check = grade_submission(summary.folder, [solved], seed=1).checks[0]
    assert check.status == "failed" and check.points == 0
    assert check.message.startswith("This check needs the instructor's reference solution: reference.relu "
                                    "was not recorded for these inputs")


def test_damaged_recording_is_a_usage_error(course):
    summary = release_exercise(course / "exercises" / "relus", course / "out")
    (summary.folder / "checks" / "expected.json").write_text("{}")
    with pytest.raises(UsageError, match=r"expected\.json: not a dl-grader/recorded-reference file"):
        grade_submission(summary.folder, seed=1)


def test_stale_starter_stops_release_until_rebuilt(course):
    """After the source changes, do release and validate ask for --build, and does --build fix it?"""
    exercise = course / "exercises" / "relus"
    source = course / "solutions" / "relus" / "source" / "relus.py"
    source.write_text(source.read_text().replace("Rectified linear unit", "The rectified linear unit"))
    with pytest.raises(UsageError, match=r"relus\.py is out of date with its instructor source: "
                                         r"run grade release relus --build"):
        release_exercise(exercise, course / "out")
    assert any("out of date with its instructor source" in p for p in validate_exercise(load_exercise(exercise)))
    result = runner.invoke(app, ["release", str(exercise), "--build"])
    assert result.exit_code == 0 and result.output.startswith("rebuilt ")
    assert stale_files(load_exercise(exercise)) == []
    assert "The rectified linear unit" in (exercise / "relus.ipynb").read_text()


def test_target_rules(course):
    """Is an earlier release replaced only with --force, and never the exercise itself?"""
    exercise = course / "exercises" / "relus"
    release_exercise(exercise, course / "out")
    with pytest.raises(UsageError, match="already exists: remove it, or pass --force"):
        release_exercise(exercise, course / "out")
    assert release_exercise(exercise, course / "out", force=True).folder == course / "out" / "relus"
    with pytest.raises(UsageError, match="the copy would overwrite"):
        release_exercise(exercise, course / "exercises")
    (course / "other" / "relus").mkdir(parents=True)
    (course / "other" / "relus" / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="is not a learner's copy made by grade release"):
        release_exercise(exercise, course / "other", force=True)
    assert (course / "other" / "relus" / "notes.txt").read_text() == "mine"
    assert [p.name for p in (course / "out").iterdir()] == ["relus"]  # no staging folder left behind


def test_leak_guard_names_the_file(course):
    """Would a solution line that got into the copy stop the release?"""
    ex = load_exercise(course / "exercises" / "relus")
    folder = course / "copy"
    folder.mkdir()
    (folder / "notes.md").write_text("A hint:\n    A = np.maximum(0, Z)\n")
    with pytest.raises(UsageError, match=r"notes\.md would give learners 1 line\(s\) of solutions/"):
        find_leaks(ex, folder)


def test_released_config_drops_every_path_to_solutions():
    text = ('[exercise]\nname = "w"\nreference_files = [\n    "a.py",\n    "b.py",\n]\nsolutions = "../s"\n'
            'learner_files = ["a"]\n\n[[functions]]\nname = "f"\n')
    config = released_config(text)
    assert "a.py" not in config and "../s" not in config and 'learner_files = ["a"]' in config
    assert config.count('reference = "recorded"') == 1 and '[[functions]]\nname = "f"' in config


def test_released_config_says_what_the_hidden_checks_are_worth():
    """Does the copy's exercise.toml record the hidden checks' count, points and where to submit, and drop
    such keys written before?"""
    text = '[exercise]\nname = "w"\nhidden_points = 99\nlearner_files = ["a"]\n'
    config = released_config(text, HiddenChecks(count=4, points=7.5), "https://course.example.org")
    meta = tomllib.loads(config)["exercise"]
    assert (meta["hidden_checks"], meta["hidden_points"], meta["submit_to"]) == (4, 7.5, "https://course.example.org")
    assert config.count("hidden_points") == 1


def test_cli_release_says_what_stays_with_the_instructor(course):
    """Does grade release name the hidden checks' points and how the quiz is taken in the copy?"""
    exercise = course / "exercises" / "relus"
    result = runner.invoke(app, ["release", str(exercise), "--out", str(course / "out")])
    assert result.exit_code == 0, result.output
    assert "(the 1 hidden checks, 2 points, run when they submit to you)" in result.output
    assert "its quiz has no keys: learners write their form with grade quiz" in result.output
    copy = course / "out" / "relus"
    assert 'released = "form"' in (copy / "quiz.toml").read_text() and "answer =" not in (copy / "quiz.toml").read_text()
    result = runner.invoke(app, ["release", str(exercise), "--out", str(course / "out"), "--force",
                                 "--practice-quizzes"])
    assert "its quiz, keys included, for practice: grade quiz" in result.output
    assert 'released = "practice"' in (copy / "quiz.toml").read_text()


def test_cli_release_errors_are_one_line(course):
    result = runner.invoke(app, ["release", str(course / "exercises" / "relus")])
    assert result.exit_code == 2
    assert result.output.strip() == ("grade: error: give --out DIR to release, "
                                     "or --build to rebuild from the instructor sources")


def test_submit_path_does_not_import_authoring_code():
    code = ("import sys, grader.cli.app, grader.grading, grader.model.exercise; "
            "assert not {'grader.authoring.release', 'grader.authoring.sources', 'grader.authoring.scaffold', 'grader.model.recorded', 'nbformat'} "
            "& set(sys.modules), sorted(m for m in sys.modules if m.startswith('grader'))")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
