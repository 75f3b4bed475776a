"""Every `grade` command shown in docs/*.md and the README names real commands and options with
values of the right type (parsed by the CLI itself, without running), and every one in a ```bash
block of docs/*.md runs as documented (the README's run in tests/test_readme.py). Commands in
```sh blocks start servers or need a course of your own: they are parsed, not run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from grader.cli import app

try:  # newer Typer carries its own copy of click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - Typer on the public click
    from click.exceptions import UsageError

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def documented(kinds: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(file name, command) for each `grade ...` line of the files' code blocks (of ``kinds`` only)."""
    found = []
    for path in DOCS:
        for kind, block in re.findall(r"```(\w*)\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
            if kinds is not None and kind not in kinds:
                continue
            for line in block.replace("\\\n", " ").splitlines():
                line = re.split(r"\s#\s", line.strip())[0].strip().removeprefix("$ ")
                for part in line.split("&&"):
                    part = part.strip()
                    if part.startswith("grade "):
                        found.append((path.name, part))
    return found


def parse_only(argv: list[str]) -> None:
    """Parse ``argv`` the way `grade` would, down to the leaf command, without invoking anything."""
    command = typer.main.get_command(app)
    context = command.make_context("grade", list(argv))
    while hasattr(command, "resolve_command"):  # a group: on to its sub-command
        pending = list(getattr(context, "_protected_args", None) or []) + list(context.args)
        name, found, rest = command.resolve_command(context, pending)
        assert found is not None, f"no command {name}"
        command = found
        context = command.make_context(name, rest, parent=context)


@pytest.mark.parametrize("where, command", documented())
def test_documented_commands_parse(where, command):
    # A synopsis's optional parts ([--port 8000]) are parsed as given; a shell redirection is the shell's.
    words = re.sub(r"\s[<>]\s*\S+", "", re.sub(r"\[(--[^\]]*)\]", r"\1", command))
    try:
        parse_only(shlex.split(words)[1:])
    except UsageError as exc:
        pytest.fail(f"{where}: `{command}`: {exc.format_message()}")


def test_the_parser_catches_a_wrong_option():
    for wrong in (["submit", "exercises/week2", "--no-such-option"], ["serve", "--port", "not-a-number"],
                  ["course", "nope"], ["course", "learners", "add", "DIR"]):  # (the last lacks --id)
        with pytest.raises(UsageError):
            parse_only(wrong)


def bash_lines() -> list[tuple[str, str, int, str]]:
    """(file, line, expected exit status, standard input) of each `grade` line of docs/*.md's ```bash
    blocks, in file order (a later line may use what an earlier one wrote). A line's comment may
    say the status it ends with ("exit 2")."""
    found = []
    for path in DOCS[:-1]:
        for kind, block in re.findall(r"```(\w*)\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
            if kind != "bash":
                continue
            for line in block.replace("\\\n", " ").splitlines():
                command, _, comment = line.strip().partition(" # ")
                if command.startswith("grade "):
                    status = re.search(r"\bexit (\d)", comment)
                    found.append((path.name, command.strip(), int(status.group(1)) if status else 0, ""))
    return found


# Lines a test cannot run as they are, and where what they show is tested instead.
NOT_RUN = {
    "--dask tcp://scheduler-host:8786": "needs a Dask scheduler on another host: tests/test_batch.py runs --dask local",
}
# An interactive line gets answers on standard input: every question skipped.
ANSWERS = {"grade quiz week2": "?\n" * 40}
RUN = [(where, command, status) for where, command, status, _ in bash_lines()
       if not any(marker in command for marker in NOT_RUN)]


@pytest.fixture(scope="module")
def docs_copy(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("docs")
    for name in ("exercises", "solutions", "tests"):
        (folder / name).symlink_to(ROOT / name)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("where, command, status", RUN)
def test_documented_bash_commands_run(where, command, status, docs_copy):
    import os
    import subprocess

    env = {**os.environ, "DL_GRADER_GRADEBOOK": str(docs_copy / "gradebook.sqlite"), "TERM": "dumb"}
    done = subprocess.run(["bash", "-c", command], cwd=docs_copy, env=env, capture_output=True, text=True,
                          input=ANSWERS.get(command, ""), timeout=600)
    assert done.returncode == status, f"{where}: {command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    if command.endswith("--blank > answers.txt") and status == 0:  # the learner fills the form in
        form = docs_copy / "answers.txt"
        form.write_text(re.sub(r"^(\S+ =) *$", r"\1 ?", form.read_text(), flags=re.M))


def test_every_line_left_out_says_why():
    left_out = [command for _, command, _, _ in bash_lines() if any(m in command for m in NOT_RUN)]
    assert left_out and all(NOT_RUN[next(m for m in NOT_RUN if m in c)] for c in left_out)


def test_the_docs_show_commands():
    assert len(documented()) >= 30 and len(RUN) >= 5
