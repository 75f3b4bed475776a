"""``python -m grader.jupyter.remote URL EXERCISE NOTEBOOK``: ``%grade --server``'s grading process.

Turns the notebook that cells.py wrote from the kernel's history into one percent-format ``.py``
file (``# %% In[7]`` before each cell; magics and shell escapes blanked and non-Python cell
magics left out, as the grader does for a notebook), uploads it to the course server as a
submission of EXERCISE (grader.server.client: the token from ``$DL_GRADER_TOKEN`` or what `grade
login` saved), waits for the grade and prints the server's view of the submission as JSON: ``id``,
``points``, ``max_points`` (after the course's late penalty), ``late_days``, ``file`` and
``report``. A failure is one line on standard error (``grade: error: ...``), exit status 2.

It runs in its own process, so that neither httpx nor the grader's reading of files loads into
the learner's kernel.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.errors import UsageError
from grader.messages import say


def as_python(notebook: Path) -> str:
    """The notebook's code cells as one percent-format Python file, each cell headed by its In[N]."""
    from grader.ingest.parsing import strip_magics
    from grader.ingest.reading import notebook_cells, read_notebook

    parts = []
    for number, source in notebook_cells(read_notebook(notebook)[0], notebook):
        if not source.strip():
            continue
        code = strip_magics(source)
        if code is None:
            parts.append(f"# %% In[{number}]: a cell magic that is not Python, left out\n")
        else:
            parts.append(f"# %% In[{number}]\n{code.rstrip()}\n")
    return "\n".join(parts)


def submit(server: str, exercise: str, notebook: Path) -> dict:
    from grader.model.exercise import load_exercise
    from grader.server.client import submit_remote, token_for

    ex = load_exercise(exercise)
    target = notebook.with_suffix(".py")
    target.write_text(as_python(notebook), encoding="utf-8")
    view = submit_remote(server, token_for(server, None), ex.name, [target])
    return {"id": view.get("id"), "points": view.get("points"), "max_points": view.get("max_points"),
            "late_days": view.get("late_days") or 0, "file": target.name, "report": view["report"]}


def main(argv: list[str]) -> int:
    from grader.messages.choose import use_language

    use_language()  # $DL_GRADER_LANG (the magic's language), then the locale
    if len(argv) != 3:
        print(say("commands.error", message=say("commands.magic.remote_usage")), file=sys.stderr)
        return 2
    server, exercise, notebook = argv
    try:
        view = submit(server, exercise, Path(notebook))
    except UsageError as exc:
        print(say("commands.error", message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(say("commands.magic.remote_interrupted"), file=sys.stderr)
        return 130
    print(json.dumps(view))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
