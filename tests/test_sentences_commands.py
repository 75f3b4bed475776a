"""What the commands say goes through the message layer, so that it can be said in Korean.

The commands (grader/cli/), the ``%grade`` magic (grader/jupyter/), the course server and its client
(grader/server/) and the grading pipeline's refusals (grader/grading.py) write no sentence of their own:

- a scan of their source fails on a ``UsageError`` made from a string or an f-string (``usage_error(id)``
  says a catalog's sentence), and on a string with English words printed, echoed, prompted, shown as
  rich text, given to an HTTPException or put in a JSON ``{"error": ...}`` outside the message layer;
  the few strings that rightly stay are listed, with the reason, in ``ALLOWED``;
- the server's deferred sentences (``refuse(status, id)``, ``said(id)``, LTI's ``refused(id)``) and the
  ``t(...)`` of the magic's HTML name ids of the catalog, with the template's fields;
- and what a learner sees: a usage error in Korean is one Hangul line, exit status 2; the server
  answers a Korean account, or a client asking for Korean, in Korean; the magic refuses in Korean.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import messages
from grader.messages import EN, template_fields

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"
FILES = sorted([*GRADER.glob("cli/*.py"), *GRADER.glob("jupyter/*.py"), *GRADER.glob("server/*.py"),
                GRADER / "grading.py"])
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Rich styles: a literal made only of these is how text looks, not what it says.
STYLES = {"red", "green", "yellow", "blue", "dim", "bold", "italic", "underline", "cyan", "magenta", "white", "not"}
ID = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")

# Calls whose string arguments are shown to someone: printed, echoed, asked, shown as rich text, the
# text of an interrupt or a failure, an HTTP error.
SHOWING = {"print", "echo", "secho", "prompt", "status", "Text", "assemble", "append", "stopped", "GradingFailed",
           "HTTPException", "JSONResponse", "KernelGrade", "add_task", "add_column", "Table"}
# Calls whose first argument is a message id said later (in the reader's language).
DEFERRED = {"refuse": 1, "said": 0, "Said": 0, "refused": 0}

# Strings with English words that stay: (file, the string's words) -> why.
ALLOWED = {
    ("jupyter/__init__.py", "Grade the definitions of this kernel"):
        "the magic's help (``%grade --help`` and its docstring): help texts stay English, as typer's help= strings",
    ("jupyter/remote.py", "a cell magic that is not Python, left out"):
        "a comment in the .py file the magic submits (file content, read with the code), not a sentence shown",
    ("server/lti.py", "dl-grader"): "the title of an LMS item (``week2 (dl-grader)``): a name, not a sentence",
}


def _words(text: str) -> str:
    """The words of a literal: without rich markup (``[red]``), styles, placeholders, option names and ids."""
    text = re.sub(r"\[/?[a-z ]+\]", " ", text)
    text = re.sub(r"\{[^{}]*\}|--?[\w-]+", " ", text)
    return " ".join(word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in STYLES)


def _literal(node: ast.AST) -> str | None:
    """The text of a string literal or the literal parts of an f-string; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        parts = [_literal(node.left), _literal(node.right)]
        return " ".join(p for p in parts if p) or None
    return None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _allowed(path: Path, text: str) -> bool:
    where = path.relative_to(GRADER).as_posix()
    return any(where == file and fragment in text for file, fragment in ALLOWED)


def scan(path: Path) -> list[str]:
    """What ``path`` says outside the message layer: "file:line: what"."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT).as_posix()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) == "UsageError" and node.args:
            if _literal(node.args[0]) is not None:
                found.append(f"{where}:{node.lineno}: UsageError({ast.unparse(node.args[0])[:60]})")
            continue
        if isinstance(node, ast.Call) and _name(node) in SHOWING:
            values = [*node.args, *(k.value for k in node.keywords)]
            for value in values:
                for sub in ast.walk(value):
                    if isinstance(sub, ast.Call) and _name(sub) in {"say", "said", "usage_error", "refuse"}:
                        break  # a sentence of the catalog (with fields that may be literals)
                else:
                    text = _literal(value)
                    if text is not None and _words(text) and not ID.fullmatch(text) and not _allowed(path, text):
                        found.append(f"{where}:{node.lineno}: {_name(node)}({text[:60]!r})")
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in ("error", "detail", "message"):
                    text = _literal(value)
                    if text is not None and _words(text) and not _allowed(path, text):
                        found.append(f"{where}:{node.lineno}: {{{key.value!r}: {text[:60]!r}}}")
    return found


def test_the_scan_reads_the_files():
    names = {p.relative_to(GRADER).as_posix() for p in FILES}
    assert {"cli/app.py", "cli/similar.py", "jupyter/__init__.py", "server/api.py", "server/client.py",
            "grading.py"} <= names


def test_the_scan_finds_a_sentence_outside_the_message_layer(tmp_path: Path):
    sample = GRADER / "cli" / "_sample_for_the_scan.py"
    source = '\n'.join([
        'raise UsageError(f"{path}: cannot write")',
        'raise UsageError(say("commands.cannot_write", path=p, reason=r))',
        'typer.echo(f"graded {n} learners")',
        'typer.echo(say("commands.batch.summary", graded=1, skipped=0, failed=0))',
        'typer.echo(f"{report.exercise}: {points:g} / {max_points:g}")',
        'console.print("[red]✗[/red]")',
        'raise HTTPException(404, "no such submission")',
        'raise refuse(404, "server.api.no_submission")',
        'JSONResponse({"error": "the upload is too large"})',
    ])
    try:
        sample.write_text(source, encoding="utf-8")
        found = scan(sample)
    finally:
        sample.unlink()
    assert [int(line.split(":")[1]) for line in found] == [1, 3, 7, 9], found  # the lines that write a sentence


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(GRADER).as_posix())
def test_no_sentence_outside_the_message_layer(path: Path):
    assert scan(path) == []


def test_every_allowance_is_still_needed():
    """An allowance whose string is gone (or now said through the catalog) goes."""
    for (file, fragment), _why in ALLOWED.items():
        assert fragment in (GRADER / file).read_text(encoding="utf-8"), (file, fragment)


# -- ids named where the catalog scan of tests/test_messages.py does not look ------------------------------


def deferred_uses() -> list[tuple[str, str, set[str] | None]]:
    """(where, id, the fields passed or None when not all named) of ``refuse``/``said``/``refused`` calls."""
    uses = []
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) in DEFERRED and len(node.args) > DEFERRED[_name(node)]:
                first = node.args[DEFERRED[_name(node)]]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    named = None if any(k.arg is None for k in node.keywords) else {
                        k.arg for k in node.keywords if k.arg != "headers"}
                    uses.append((f"{path.name}:{node.lineno}", first.value, named))
                elif isinstance(first, ast.IfExp):
                    for branch in (first.body, first.orelse):
                        if isinstance(branch, ast.Constant):
                            uses.append((f"{path.name}:{node.lineno}", branch.value, None))
    return uses


def test_deferred_sentences_name_catalog_ids_with_their_fields():
    uses = deferred_uses()
    assert len(uses) > 50
    assert [(where, i) for where, i, _ in uses if i not in EN] == []
    wrong = [(where, i, sorted(named), sorted(template_fields(EN[i]))) for where, i, named in uses
             if named is not None and i in EN and named != template_fields(EN[i])]
    assert wrong == []


def test_every_commands_sentence_is_said_somewhere():
    """The commands' catalog holds no sentence that nothing says any more (an id, or its prefix in an f-string)."""
    from grader.messages import commands, server

    code = "\n".join(path.read_text(encoding="utf-8") for path in FILES)
    refusals = [i for i in server.MESSAGES if i.startswith(("server.api.", "server.lti.", "server.grading."))]
    unused = [i for i in [*commands.MESSAGES, *refusals] if f'"{i}"' not in code and f'f"{i.rsplit(".", 1)[0]}.{{' not in code
              and f"t('{i}'" not in code]
    assert unused == []


def test_the_magics_html_names_catalog_ids():
    from grader.jupyter.display import TEMPLATE

    used = re.findall(r"""\bt\(["']([\w.]+)["']""", TEMPLATE)
    assert len(used) >= 7 and [i for i in used if i not in EN] == []
    assert not re.search(r">[^<{]*\b[A-Za-z]{4,} [a-z]{3,}[^<{]*<", TEMPLATE.split("</style>")[1])


def test_composed_counts_have_a_template_per_form():
    """A sentence with a count is one whole template per form (no "learner" + "s" in the code)."""
    for base in ("commands.batch.stopped", "commands.similar.empty", "commands.quiz.kept", "commands.report.written",
                 "commands.export.left_out", "commands.course.imported", "commands.magic.cells"):
        assert f"{base}.one" in EN and (f"{base}.many" in EN), base
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""['"]s['"] if|if \w+ == 1 else ['"]s['"]|else ['"]s['"]""", text), path


# -- what a learner sees ----------------------------------------------------------------------------------

runner = CliRunner()
PLAIN_ENV = {"DL_GRADER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8", "COLUMNS": "100"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    messages.set_language("en")


def grade(*args: str, **env: str | None):  # type: ignore[no-untyped-def]
    from grader.cli import app

    return runner.invoke(app, list(args), env={**PLAIN_ENV, **env})


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_usage_error_in_english_is_as_before():
    assert one_error_line(grade("validate")) == "grade: error: give one EXERCISE or --all"


def test_a_usage_error_in_korean_is_one_hangul_line():
    line = one_error_line(grade("validate", DL_GRADER_LANG="ko"))
    assert line.startswith("grade: 오류: ") and HANGUL.search(line) and "EXERCISE" in line and "--all" in line


def test_the_lang_option_says_a_commands_refusal_in_korean():
    line = one_error_line(grade("submit", "exercises/week2", "--token", "x", "--lang", "ko"))
    assert line == "grade: 오류: " + messages.say("commands.token_needs_server").replace(
        "--token is for --server", "--token은 --server와 함께 쓰는 옵션입니다")
    line = one_error_line(grade("submit", "exercises/week2", "--file", "no/such.py", "--lang", "ko"))
    assert "no/such.py" in line and HANGUL.search(line)


def test_the_seed_refusal_keeps_its_numbers_in_korean():
    line = one_error_line(grade("submit", "exercises/week2", "--seed", "-1", "--lang", "ko"))
    assert "18446744073709551615" in line and "-1" in line and HANGUL.search(line)


def test_nothing_to_do_in_korean_keeps_the_commands():
    result = grade(DL_GRADER_LANG="ko")
    assert result.exit_code == 0 and HANGUL.search(result.stdout)
    for command in ("grade list", "grade submit exercises/week2 --file nb.ipynb", "grade quiz week2", "grade --help"):
        assert command in result.stdout


def test_the_magic_refuses_in_korean():
    from IPython.core.error import UsageError

    from grader.jupyter import grade_magic

    with pytest.raises(UsageError) as refused:
        grade_magic(None, "--lang ko")
    assert HANGUL.search(str(refused.value)) and "%grade EXERCISE" in str(refused.value)
    with pytest.raises(UsageError) as refused:
        grade_magic(None, "week2 --token t --local")
    assert str(refused.value) == "--token is for --server"
    assert messages.language() == "en"  # the magic's language is its call's only


def test_the_kernels_cells_are_said_in_the_language_spoken():
    from grader.jupyter.cells import KernelSource

    source = KernelSource(((3, "x = 1"), (5, "def f(): pass")))
    assert source.said == "the 2 cells you ran in this kernel (In[3]..In[5])"
    with messages.speaking("ko"):
        assert source.said == "이 커널에서 실행한 셀 2개(In[3]..In[5])"


def test_the_grading_processs_error_line_is_read_in_either_language():
    from grader.jupyter.run import _error_line

    assert _error_line("noise\ngrade: error: week9: no such exercise\n") == "week9: no such exercise"
    with messages.speaking("ko"):
        assert _error_line("grade: 오류: 그런 파일이 없습니다\n") == "그런 파일이 없습니다"
        assert _error_line("grade: error: no such file\n") == "no such file"


def test_the_client_asks_for_the_language_spoken():
    pytest.importorskip("httpx")
    from grader.server.client import _client

    with messages.speaking("ko"), _client("http://127.0.0.1:9", "t") as client:
        assert client.headers["accept-language"] == "ko" and client.headers["authorization"] == "Bearer t"


# -- the course server ------------------------------------------------------------------------------------


@pytest.fixture
def server_course(tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    from server.conftest import make_course

    return make_course(tmp_path / "course")


@pytest.fixture
def server_client(server_course):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from grader.server.app import create_app

    with TestClient(create_app(server_course.folder, grading=False)) as test_client:
        yield test_client


def test_the_servers_json_errors_speak_the_accounts_language(server_client, server_course):
    from grader.course.accounts import account, set_language

    bob = server_course.auth("bob")
    english = server_client.get("/api/v1/submissions/" + "0" * 32, headers=bob)
    assert english.status_code == 404 and english.json() == {"error": "no such submission"}
    set_language(server_course.engine, account(server_course.engine, login="bob").id, "ko")
    korean = server_client.get("/api/v1/submissions/" + "0" * 32, headers=bob)
    assert korean.status_code == 404 and korean.json() == {"error": "그런 제출이 없습니다"}
    staff_only = server_client.get("/api/v1/class/queue", headers=bob)
    assert staff_only.status_code == 403 and HANGUL.search(staff_only.json()["error"])
    asked = server_client.get("/api/v1/submissions/" + "0" * 32, headers={**bob, "Accept-Language": "en"})
    assert asked.json() == {"error": "no such submission"}  # a client (the CLI) says what it speaks


def test_the_course_rules_and_accounts_refuse_in_the_readers_language(server_client, server_course):
    from server.conftest import week2_files

    from grader.course.accounts import account, set_language

    bob, prof = server_course.auth("bob"), server_course.auth("prof")
    for login in ("bob", "prof"):
        set_language(server_course.engine, account(server_course.engine, login=login).id, "ko")
    closed = server_client.post("/api/v1/exercises/week3/submissions", files=week2_files(), headers=bob)
    assert closed.status_code == 403 and HANGUL.search(closed.json()["error"]) and "week3" in closed.json()["error"]
    unknown = server_client.post("/api/v1/class/extensions", headers=prof,
                                 json={"learner": "nobody", "exercise": "week2", "days": 2})
    assert unknown.status_code == 422 and HANGUL.search(unknown.json()["error"])
    english = server_client.post("/api/v1/class/extensions", headers={**prof, "Accept-Language": "en"},
                                 json={"learner": "nobody", "exercise": "week2", "days": 2})
    assert english.status_code == 422 and not HANGUL.search(english.json()["error"])


def test_the_servers_json_errors_speak_what_an_anonymous_caller_asks_for(server_client):
    response = server_client.get("/api/v1/me", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert response.status_code == 401 and HANGUL.search(response.json()["error"])
    assert "Authorization: Bearer TOKEN" in response.json()["error"]
    assert "sign in first" in server_client.get("/api/v1/me").json()["error"]


def test_the_lti_key_sets_are_kept_by_the_server_not_the_process(server_client):
    pytest.importorskip("jwt")
    from grader.course import lti as course_lti
    from grader.server import lti

    assert not hasattr(lti, "_jwks_cache")
    import time

    state = server_client.app.state.server
    platform = course_lti.Platform(id=1, issuer="https://lms.test", client_id="c", auth_login_url="https://lms.test/a",
                                   token_url="https://lms.test/t", jwks_url="http://127.0.0.1:9/jwks", jwks_json=None,
                                   deployments=("d",))
    state.jwks["http://127.0.0.1:9/jwks"] = (time.monotonic(), {"keys": [{"kid": "k"}]})
    assert lti._platform_keys(state, platform) == {"keys": [{"kid": "k"}]}  # kept: no request made
