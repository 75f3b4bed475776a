"""Snapshot every report the week fixtures produce, and compare two snapshots.

A change that should not change what learners see (a refactoring of the checks, the message
layer, the views) is checked by grading the same submissions before and after it:

    python benchmarks/compare_reports.py make /tmp/before            # from this working tree
    python benchmarks/compare_reports.py make /tmp/before --root DIR # from another copy (git archive)
    ... change ...
    python benchmarks/compare_reports.py make /tmp/after
    python benchmarks/compare_reports.py compare /tmp/before /tmp/after   # exit 1 on a difference
    python benchmarks/compare_reports.py /tmp/before /tmp/after           # the same

`make` runs `grade submit` for every exercise with checks, at a fixed seed, on: the reference
(solutions/<week>), the starters (.py and .ipynb), every file of tests/fixtures/<week>/alternatives
and /mistakes, and every cache layout of tests/fixtures/<week>/caches graded over the reference;
and `grade quiz` for every exercise with a quiz (the blank form, and that form graded with every
question skipped). Each run keeps its JSON report, its terminal text (-v, 100 columns) and its
HTML page. `compare` sets aside what legitimately changes between two runs (timings, seconds,
dates, the grader's version, the sandbox's measured protections), then reports every difference.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "1234"

# JSON members that differ from one run of the same submission to the next.
VOLATILE_KEYS = {"timings", "seconds", "created_at", "grader_version", "protections"}


def _jobs(root: Path) -> list[tuple[str, list[str]]]:
    """(name, grade arguments) for every report of a snapshot, paths relative to ``root``."""
    jobs: list[tuple[str, list[str]]] = []
    for exercise in sorted((root / "exercises").iterdir()):
        week = exercise.name
        if (exercise / "checks").is_dir():
            solutions = Path("solutions") / week
            jobs.append((f"{week}/ref", ["submit", f"exercises/{week}", "--file", str(solutions)]))
            toml = (exercise / "exercise.toml").read_text()
            stems = re.search(r"learner_files\s*=\s*\[([^\]]*)\]", toml)
            parts = re.findall(r'"([^"]+)"', stems.group(1)) if stems else []
            for suffix in ("py", "ipynb"):
                files = [a for p in parts for a in ("--file", f"exercises/{week}/{p}.{suffix}")]
                jobs.append((f"{week}/starter_{suffix}", ["submit", f"exercises/{week}", *files]))
            fixtures = root / "tests" / "fixtures" / week
            for kind in ("alternatives", "mistakes"):
                for path in sorted((fixtures / kind).glob("*.py")):
                    jobs.append((f"{week}/{kind}/{path.stem}",
                                 ["submit", f"exercises/{week}", "--file", str(path.relative_to(root))]))
            for path in sorted((fixtures / "caches").glob("*.py")):
                references = sorted(str(p.relative_to(root)) for p in (root / solutions).glob("*.py"))
                files = [a for f in [*references, str(path.relative_to(root))] for a in ("--file", f)]
                jobs.append((f"{week}/caches/{path.stem}", ["submit", f"exercises/{week}", *files]))
        if (exercise / "quiz.toml").is_file():
            jobs.append((f"{week}/quiz", ["quiz", f"exercises/{week}"]))
        classroom = root / "tests" / "fixtures" / f"class_{week}"
        if classroom.is_dir():
            jobs.append((f"{week}/class", ["batch", f"exercises/{week}", str(classroom.relative_to(root))]))
    return jobs


def _run(root: Path, out: Path, name: str, args: list[str], env: dict[str, str]) -> str:
    target = out / name
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "grader.cli"]
    common = ["--gradebook", str(out / ".gradebook.sqlite"), "--learner", "snapshot"]
    if args[0] == "batch":
        book, feedback = out / ".class.sqlite", out / name
        book.unlink(missing_ok=True)
        runs = [subprocess.run([*command, *args, "--gradebook", str(book), "--out", str(feedback), "-q", "-j", "1"],
                               cwd=root, env=env, capture_output=True, text=True),
                subprocess.run([*command, "report", args[1], "--gradebook", str(book), "--feedback", str(feedback),
                                "--html", f"{target}.html"], cwd=root, env=env, capture_output=True, text=True)]
        (target.parent / f"{target.name}.txt").write_text("".join(
            f"exit {r.returncode}\n--- stdout\n{r.stdout}--- stderr\n{r.stderr}" for r in runs))
        return name
    if args[0] == "quiz":
        blank = subprocess.run([*command, *args, "--blank", "--learner", "snapshot", "--seed", SEED],
                               cwd=root, env=env, capture_output=True, text=True)
        (target.parent / f"{target.name}.blank.txt").write_text(blank.stdout + blank.stderr)
        form = target.parent / f"{target.name}.form.txt"
        form.write_text(_fill(blank.stdout))
        args = [*args, "--answers", str(form), "--seed", SEED]
    else:
        args = [*args, "--seed", SEED, "-v"]
    result = subprocess.run([*command, *args, *common, "--json", f"{target}.json", "--html", f"{target}.html"],
                            cwd=root, env=env, capture_output=True, text=True)
    (target.parent / f"{target.name}.txt").write_text(
        f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}")
    return name


_ANSWERS = [("one or more letters", "a c"), ("one letter", "a"), ("a number", "0.25"),
            ("a shape", "(3, 1)"), ("a word", "sigmoid")]


def _fill(form: str) -> str:
    """The blank form with an answer of the asked kind after every "=" (right, wrong or partly right)."""
    lines, kind = [], ""
    for line in form.splitlines():
        if line.startswith("# ") and "answer with" in line:
            kind = next((answer for words, answer in _ANSWERS if words in line), "?")
        elif not line.startswith("#") and line.rstrip().endswith("="):
            line = f"{line.rstrip()} {kind or '?'}"
        lines.append(line)
    return "\n".join(lines) + "\n"


# Each JSON report drawn again by the terminal view at 80 columns (the list layout), as the
# project at --root draws it.
_RENDER = """
import io, json, sys
from pathlib import Path
from rich.console import Console
from grader.model.report import GradeReport
from grader.views.terminal import render_terminal
for path in map(Path, sys.argv[1:]):
    report = GradeReport.from_dict(json.loads(path.read_text()))
    for verbose in (False, True):
        buffer = io.StringIO()
        render_terminal(report, Console(file=buffer, width=80, color_system=None, force_terminal=False),
                        verbose=verbose)
        path.with_suffix(".80v.txt" if verbose else ".80.txt").write_text(buffer.getvalue())
"""


def make(out: Path, root: Path, jobs: int, *, missing_only: bool = False, only: list[str] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "100", "NO_COLOR": "1", "TZ": "UTC"}
    env.pop("DL_GRADER_GRADEBOOK", None)
    todo = [(name, args) for name, args in _jobs(root)
            if not (missing_only and (out / f"{name}.txt").exists())
            and (not only or name.split("/")[0] in only)]
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(_run, root, out, name, args, env) for name, args in todo]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            print(f"[{done}/{len(todo)}] {future.result()}", flush=True)
    reports = [str(p) for p in sorted(out.rglob("*.json")) if "/." not in str(p) and "/class/" not in str(p)]
    subprocess.run([sys.executable, "-c", _RENDER, *reports], cwd=root, env=env, check=True)


def _strip(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


_TEXT_NOISE = [
    (re.compile(r"\d+(\.\d+)?\s*(ms|s)\b"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+(\+00:00|Z)?"), "<date>"),
    (re.compile(r"\b\d+\.\d+\.\d+(\.dev\S*)?\b"), "<version>"),
    (re.compile(r"(?m)^.*\b(active|INACTIVE)\b.*$"), "<protection>"),
    (re.compile(r"\babout\s+\d+(\.\d+)?x\b"), "about <ratio>x"),
    (re.compile(r'<span class="check-time">[^<]*(<time>)?</span>'), ""),
    (re.compile(r'<span class="check-time">&lt;<time></span>'), ""),
]
_TIMED = "slower than a vectorized version"


def _words(lines: list[str]) -> list[str]:
    """The text's words, one a line, numbers and box drawing left out (its layout depends on the numbers)."""
    text = re.sub(r"[│─╭╮╰╯├┤┬┴┼]", " ", " ".join(lines))
    for pattern, replacement in _TEXT_NOISE:  # times and ratios split over two lines are on one now
        text = pattern.sub(replacement, text)
    return _DIGITS.sub("#", text).split()


_DIGITS = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")


def _normal_text(text: str, digits: bool = True) -> list[str]:
    for pattern, replacement in _TEXT_NOISE:
        text = pattern.sub(replacement, text)
    text = re.sub(r" +│", " │", text)  # a timing of another width pads its table cell differently
    if not digits:  # numbers of other widths move the words of a table's cells, too
        text = re.sub(r" +", " ", _DIGITS.sub("#", text))
    return [line.rstrip() for line in text.splitlines()]


def _normal(snapshot: Path, name: str, digits: bool = True) -> tuple[list[str], object]:
    """A file's lines as compared (and, for a JSON report, the report without what changes between runs);
    the snapshot's own folder is written <out>."""
    raw = (snapshot / name).read_text().replace(str(snapshot.resolve()), "<out>")
    if name.endswith(".json"):
        data = _strip(json.loads(raw))
        text = json.dumps(data, indent=1, sort_keys=True)
        return (text if digits else _DIGITS.sub("#", text)).splitlines(), data
    return _normal_text(raw, digits), None


def _map_ids(left: object, right: object, mapping: dict[tuple[str, str], int]) -> None:
    """Where a diagnosis of ``left`` (before) and ``right`` (after) has the same text but another id,
    note the pair in ``mapping`` and give ``left`` the new id: ids may be renamed, the texts may not change."""
    if isinstance(left, dict) and isinstance(right, dict):
        if set(left) == {"id", "text"} == set(right) and left["text"] == right["text"] and left["id"] != right["id"]:
            mapping[left["id"], right["id"]] = mapping.get((left["id"], right["id"]), 0) + 1
            left["id"] = right["id"]
            return
        for key in left.keys() & right.keys():
            _map_ids(left[key], right[key], mapping)
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for a, b in zip(left, right):
            _map_ids(a, b, mapping)


def _findings(path: Path) -> list[str]:
    """A class learner's report as its checks' statuses and diagnoses' texts (``grade batch`` seeds hidden
    checks with the gradebook's own secret: a new gradebook, other inputs)."""
    report = json.loads(path.read_text())
    return [f"{c['function']} {c['name']} {c['status']} {[d['text'] for d in c.get('diagnoses', [])]}"
            for c in report["checks"]]


def compare(before: Path, after: Path, only: list[str] | None = None, noise: Path | None = None) -> int:
    """Print every difference between two snapshots; 1 if there is one. ``noise``: a second snapshot made
    like ``before``: a file that differs between the two depends on the run (a learner's unseeded random
    numbers, a timing) and is compared with its numbers left out."""
    names = sorted(name for name in (
        {p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()})
        if not only or name.split("/")[0] in only)
    differing, noisy = 0, []
    mapping: dict[tuple[str, str], int] = {}
    for name in names:
        if name.startswith(".") or "/." in name or name.endswith(".form.txt"):
            continue
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"only in {'after' if b.exists() else 'before'}: {name}")
            differing += 1
            continue
        if "/class/" in name:
            if name.endswith(".json"):  # graded with the gradebook's own random seed: what was found, not the values
                left, right = _findings(a), _findings(b)
                if left != right:
                    differing += 1
                    print(f"=== {name} (checks and diagnoses)")
                    print("\n".join(difflib.unified_diff(left, right, "before", "after", lineterm="", n=0)))
            continue
        digits = True
        if noise is not None and (noise / name).exists() and _normal(before, name)[0] != _normal(noise, name)[0]:
            digits = False
            noisy.append(name)
        (left, old), (right, new) = _normal(before, name, digits), _normal(after, name, digits)
        if old is None and _TIMED in "\n".join(left):  # a measured time's width moves the words of a table or list
            left, right = _words(left), _words(right)
        if old is not None:
            _map_ids(old, new, mapping)
            left = json.dumps(old, indent=1, sort_keys=True)
            right = json.dumps(new, indent=1, sort_keys=True)
            left, right = ((left, right) if digits else (_DIGITS.sub("#", left), _DIGITS.sub("#", right)))
            left, right = left.splitlines(), right.splitlines()
        if left != right:
            differing += 1
            print(f"=== {name}" + ("" if digits else " (differs from run to run: numbers left out)"))
            diff = list(difflib.unified_diff(left, right, "before", "after", lineterm="", n=1))
            print("\n".join(diff[:60] + ([f"... {len(diff) - 60} more diff lines"] if len(diff) > 60 else [])))
    if noisy:
        print(f"{len(noisy)} files differ from run to run; compared without their numbers: {', '.join(noisy)}")
    if mapping:
        print("diagnosis ids renamed (same text), before -> after (reports):")
        for (old_id, new_id), count in sorted(mapping.items()):
            print(f"  {old_id} -> {new_id} ({count})")
    print(f"{len(names)} files compared, {differing} differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] not in ("make", "compare", "-h", "--help"):
        argv = ["compare", *argv]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make", help="grade every fixture into OUT")
    m.add_argument("out", type=Path)
    m.add_argument("--root", type=Path, default=ROOT, help="the copy of the project to grade with")
    m.add_argument("--jobs", type=int, default=2)
    m.add_argument("--missing-only", action="store_true", help="grade only what OUT does not hold yet")
    m.add_argument("--only", action="append", metavar="EXERCISE", help="grade only this exercise (repeatable)")
    c = sub.add_parser("compare", help="compare two snapshots")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--only", action="append", metavar="EXERCISE", help="compare only this exercise (repeatable)")
    c.add_argument("--noise", type=Path, metavar="BEFORE2", help="a second snapshot of the same code as BEFORE")
    args = parser.parse_args(argv)
    if args.command == "make":
        make(args.out.resolve(), args.root.resolve(), args.jobs, missing_only=args.missing_only, only=args.only)
        return 0
    return compare(args.before, args.after, args.only, args.noise)


if __name__ == "__main__":
    sys.exit(main())
