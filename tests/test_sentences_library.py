"""The sentences of the library's stages go through the message layer (grader/messages/), so that a
learner or an instructor reads them in their language.

- no ``UsageError("...")`` (a literal or an f-string) in grader/authoring, classroom, course, ingest
  and model: a usage error is raised with ``grader.errors.usage_error(id, **fields)``;
- usage errors said in Korean (``speaking("ko")``, ``grade ... --lang ko``) are Hangul;
- every exercise has a Korean title (``title_ko`` in its exercise.toml) in the glossary's terms, shown
  when the grader speaks Korean.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import messages
from grader.errors import UsageError
from grader.messages import speaking

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = [ROOT / "grader" / stage for stage in ("authoring", "classroom", "course", "ingest", "model")]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
EXERCISES = sorted((ROOT / "exercises").glob("*/exercise.toml"))

# Exceptions a user reads: raised with a sentence of the catalog, never a written-out one.
SAID = {"UsageError", "GradebookError"}
# "path/to/module.py:line" -> why that written-out sentence stays (none left).
ALLOWED: dict[str, str] = {}


def written_out(paths: list[Path]) -> list[str]:
    """Where a SAID exception is made with a string literal or an f-string as its message."""
    found = []
    for folder in paths:
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]:
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                first = node.args[0]
                literal = isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str))
                if name in SAID and literal:
                    where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno}"
                    if where not in ALLOWED:
                        found.append(where)
    return found


def test_no_usage_error_is_written_out_in_the_library():
    assert written_out(LIBRARY) == [], "raise usage_error(id, **fields) with a sentence of grader/messages/"


def test_the_scan_finds_a_written_out_usage_error(tmp_path: Path):
    path = tmp_path / "module.py"
    path.write_text('raise UsageError(f"{x}: bad")\nraise UsageError("bad")\nraise usage_error("usage.x", x=1)\n'
                    'raise UsageError(say("usage.x"))\nraise errors.UsageError("bad")\n', encoding="utf-8")
    assert written_out([path]) == ["module.py:1", "module.py:2", "module.py:5"]


def test_the_allowed_ones_are_still_there():
    for where in ALLOWED:
        file, line = where.rsplit(":", 1)
        assert (ROOT / file).is_file(), where


# -- usage errors in Korean -------------------------------------------------------------------------------


def korean_error(action) -> str:  # type: ignore[no-untyped-def]
    with speaking("ko"), pytest.raises(UsageError) as raised:
        action()
    text = str(raised.value)
    assert HANGUL.search(text), text
    return text


def test_usage_errors_of_the_library_are_said_in_korean(tmp_path: Path):
    from grader.classroom.exports import canvas_csv
    from grader.classroom.learners import discover
    from grader.course.accounts import check_login
    from grader.course.config import load_course
    from grader.ingest.reading import read_text
    from grader.model.exercise import load_exercise

    assert "week2" in korean_error(lambda: load_exercise("no_such_exercise"))
    assert korean_error(lambda: read_text(tmp_path / "missing.py")).endswith("그런 파일이 없습니다")
    (tmp_path / "binary.py").write_bytes(b"a\0b")
    assert "바이너리" in korean_error(lambda: read_text(tmp_path / "binary.py"))
    assert "'no id!'" in korean_error(lambda: check_login("no id!"))
    assert "grade course init" in korean_error(lambda: load_course(tmp_path))
    assert korean_error(lambda: discover(tmp_path / "nothing")).startswith(str(tmp_path / "nothing"))
    assert "--id-column" in korean_error(lambda: canvas_csv(None, id_column="x"))  # type: ignore[arg-type]


def test_a_course_file_problem_is_said_in_korean_where_and_what(tmp_path: Path):
    from grader.course.config import load_course

    (tmp_path / "course.toml").write_text('[[exercises]]\nname = "week2"\ndue = "soon"\n', encoding="utf-8")
    text = korean_error(lambda: load_course(tmp_path))
    assert "과제 'week2'의 due" in text and "날짜가 아닙니다" in text


def test_the_same_usage_error_is_english_by_default(tmp_path: Path):
    from grader.ingest.reading import read_text

    with pytest.raises(UsageError, match="no such file$"):
        read_text(tmp_path / "missing.py")


def test_grade_with_lang_ko_says_a_usage_error_in_korean(tmp_path: Path):
    from grader.cli import app

    binary = tmp_path / "work.py"
    binary.write_bytes(b"a\0b")
    result = CliRunner().invoke(app, ["submit", "week2", "--file", str(binary), "--lang", "ko"],
                                env={"DL_GRADER_LANG": None, "LANG": "C.UTF-8",
                                     "DL_GRADER_GRADEBOOK": str(tmp_path / "book.sqlite")})
    messages.set_language("en")
    assert result.exit_code == 2, result.output
    assert "파이썬 소스나 노트북이 아닌 바이너리 파일입니다" in result.output


# -- exercise titles --------------------------------------------------------------------------------------


def korean_titles() -> dict[str, str]:
    import tomllib

    return {path.parent.name: tomllib.loads(path.read_text(encoding="utf-8"))["exercise"].get("title_ko", "")
            for path in EXERCISES}


def test_every_exercise_has_a_korean_title():
    titles = korean_titles()
    assert len(titles) >= 7
    assert [name for name, title in titles.items() if not HANGUL.search(title)] == []


def test_korean_titles_use_the_glossary():
    """The glossary's terms (test_korean's tables): a title that says one in English says its Korean term,
    and no title writes a word the glossary rules out."""
    import tomllib

    from test_korean import FORBIDDEN, glossary_misses

    english = {name: tomllib.loads(p.read_text(encoding="utf-8"))["exercise"]["title"]
               for name, p in zip((p.parent.name for p in EXERCISES), EXERCISES)}
    korean = korean_titles()
    assert glossary_misses(english, korean) == []
    assert [(name, word) for name, title in korean.items() for word in FORBIDDEN if word in title] == []


def test_the_title_follows_the_language():
    from grader.model.exercise import load_exercise

    ex = load_exercise("week4")
    assert ex.shown_title == ex.title == ex.title_in("en") == ex.title_in("fr")
    with speaking("ko"):
        assert ex.shown_title == ex.title_in("ko") == korean_titles()["week4"]
    assert ex.shown_title.startswith("Week 4:")


def test_a_released_copy_keeps_the_korean_title():
    from grader.authoring.release import released_config

    text = (ROOT / "exercises" / "week3" / "exercise.toml").read_text(encoding="utf-8")
    assert 'title_ko = "3주차:' in released_config(text)


def test_the_class_report_shows_the_korean_title_with_lang_ko(tmp_path: Path):
    from class_factory import quiz_ids, take_quiz

    from grader.cli import app

    gradebook = tmp_path / "book.sqlite"
    take_quiz("week1", "learner01", gradebook, quiz_ids("week1")[:2], tmp_path)
    page = tmp_path / "class.html"
    result = CliRunner().invoke(app, ["report", "week1", "--gradebook", str(gradebook), "--html", str(page),
                                      "--lang", "ko", "-q"], env={"DL_GRADER_LANG": None, "LANG": "C.UTF-8"})
    messages.set_language("en")
    assert result.exit_code == 0, result.output
    assert korean_titles()["week1"] in page.read_text(encoding="utf-8")


def test_submit_with_lang_ko_shows_the_korean_title(tmp_path: Path):
    from grader.cli import app

    result = CliRunner().invoke(app, ["submit", "exercises/week2", "--file", "solutions/week2", "--lang", "ko"],
                                env={"DL_GRADER_LANG": None, "LANG": "C.UTF-8", "COLUMNS": "100",
                                     "DL_GRADER_GRADEBOOK": str(tmp_path / "book.sqlite")})
    messages.set_language("en")
    assert result.exit_code == 0, result.output
    assert korean_titles()["week2"].split(":")[0] in result.output
