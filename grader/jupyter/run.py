"""``%grade``'s thin client: the kernel's cells are graded by another process, never in the kernel.

Locally: ``python -m grader.cli submit EXERCISE --file <the cells' notebook> --json -`` (with
``--only`` for some functions), i.e. exactly ``grade submit``: the same extraction, sandbox, seed
and gradebook record. On a course server: ``python -m grader.jupyter.remote`` (remote.py), which
uploads the cells as one ``.py`` file. Either prints JSON on standard output, which becomes a
KernelGrade here; a one-line error on standard error (``grade: error: ...``, exit status 2)
becomes GradingFailed. Interrupting the kernel (Kernel > Interrupt) stops the grading process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.jupyter.cells import KernelSource, write_notebook
from grader.jupyter.display import KernelGrade
from grader.messages import language, say, speaking

# A grading process that ignores an interrupt this long is ended.
STOP_SECONDS = 10.0


class GradingFailed(Exception):
    """Grading did not give a report; the message is one line for the learner."""


def grade_locally(exercise: Path, source: KernelSource, only: list[str], *, verbose: bool = False,
                  lang: str = "en") -> KernelGrade:
    """Grade the cells as `grade submit` would (in ``lang``: its feedback, its error line, the view)."""
    with tempfile.TemporaryDirectory(prefix="dl-grader-kernel-") as scratch:
        notebook = write_notebook(source, Path(scratch))
        command = [sys.executable, "-m", "grader.cli", "submit", str(exercise), "--file", notebook.name, "--json", "-",
                   "--lang", lang]
        if only:
            command += ["--only", ",".join(only)]
        output, problem = _run(command, cwd=Path(scratch))
    report = _report(output, problem)
    heading = say("commands.magic.graded", cells=source.said)
    lines = [problem] if problem else []
    if only:
        lines.append(say("usage.only_not_recorded", functions=", ".join(f.name for f in report.functions)))
    return KernelGrade(report, heading, lines, verbose=verbose, lang=lang)


def grade_on_server(exercise: Path, source: KernelSource, server: str, *, token: str | None = None,
                    verbose: bool = False, lang: str = "en") -> KernelGrade:
    from grader.model.report import GradeReport

    env = dict(os.environ, DL_GRADER_LANG=lang)  # the grading process's sentences (its error line) in ``lang``
    if token:
        env["DL_GRADER_TOKEN"] = token  # not on the command line, where other users could read it
    with tempfile.TemporaryDirectory(prefix="dl-grader-kernel-") as scratch:
        notebook = write_notebook(source, Path(scratch))
        command = [sys.executable, "-m", "grader.jupyter.remote", server, str(exercise), notebook.name]
        output, problem = _run(command, cwd=Path(scratch), env=env)
    try:
        view = json.loads(output)
        report = GradeReport.from_dict(view["report"])
    except (ValueError, KeyError, TypeError):
        raise GradingFailed(problem or say("commands.magic.unreadable_answer")) from None
    heading = say("commands.magic.submitted", cells=source.said, server=server,
                  file=view.get("file") or say("commands.magic.one_py_file"))
    lines = []
    late = view.get("late_days") or 0
    score = f"{view.get('points', report.points):g} / {view.get('max_points', report.max_points):g}"
    if late:
        lines.append(say("commands.remote.late", days=late, score=score))
    lines.append(say("commands.remote.recorded", id=view.get("id", "?")))
    return KernelGrade(report, heading, lines, verbose=verbose, inputs=False, lang=lang)


def _report(output: str, problem: str) -> Any:
    from grader.model.report import GradeReport

    try:
        return GradeReport.from_dict(json.loads(output))
    except (ValueError, KeyError, TypeError):
        raise GradingFailed(problem or say("commands.magic.no_report")) from None


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> tuple[str, str]:
    """(standard output, the error line or "") of ``command``; raises GradingFailed when it is interrupted."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    try:
        output, errors = process.communicate()
    except KeyboardInterrupt:
        _stop(process)
        raise GradingFailed(say("commands.magic.interrupted")) from None
    problem = ""
    if process.returncode != 0:
        problem = _error_line(errors) or say("commands.magic.exit_status", status=process.returncode)
    return output, problem


def _stop(process: subprocess.Popen) -> None:
    """Stop the grading process as Ctrl-C stops `grade submit` (it cleans up), then for good."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            process.send_signal(sig)
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        except KeyboardInterrupt:  # interrupted again: end it now
            process.kill()
            process.wait()
            break
    if process.stdout:
        process.stdout.close()
    if process.stderr:
        process.stderr.close()


def _error_line(errors: str) -> str:
    """The grader's one-line error, without its ``grade: error: `` prefix (in the language spoken, or
    English) (else the last line said)."""
    prefixes = []
    for code in dict.fromkeys((language(), "en")):
        with speaking(code):
            prefixes.append(say("commands.error", message=""))
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    for line in reversed(lines):
        for prefix in prefixes:
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1].removeprefix("grade: ") if lines else ""
