"""A course folder's ``course.toml``: its exercises, their dates, and the rules every submission meets.

``grade course init DIR`` writes one listing every bundled exercise; an instructor edits it.
Everything is checked on load, and a mistake is one line naming the file, the entry and the fix.

    [course]
    title = "Deep learning fundamentals"
    timezone = "Asia/Seoul"            # dates without an offset are in this zone (default UTC)

    [policy]                           # the defaults of every exercise; an exercise may override any
    late_penalty_per_day = 0.1         # a share of the score taken per day (or part) late
    cutoff_days = 3                    # no submission accepted later than this after the due date
    attempts_per_day = 20              # graded submissions per learner, exercise and day (hidden checks run each time)
    hidden_feedback = "after-due"      # "always", "after-due" or "score-only": what learners see of hidden checks

    [[exercises]]
    name = "week2"                     # a bundled exercise, or give `path` (relative to the course folder)
    opens = "2026-09-01T00:00"
    due = "2026-09-14T23:59"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader.errors import UsageError, usage_error
from grader.messages import say

CONFIG_NAME = "course.toml"
HIDDEN_FEEDBACK = ("always", "after-due", "score-only")
DEFAULT_DB = "course.sqlite"


@dataclass(frozen=True)
class Policy:
    late_penalty_per_day: float = 0.0
    cutoff_days: float | None = None  # None: late submissions are accepted whenever they come
    attempts_per_day: int | None = None  # None: no limit
    hidden_feedback: str = "after-due"


@dataclass(frozen=True)
class CourseExercise:
    name: str
    root: Path  # the exercise folder (holding exercise.toml)
    opens: datetime | None = None
    due: datetime | None = None
    policy: Policy = field(default_factory=Policy)
    code: bool = True  # it has graded functions (False: a quiz only)
    quiz: bool = False  # it has a quiz

    def closes(self, extension_days: float = 0.0) -> datetime | None:
        """The last moment a submission is accepted, or None when always."""
        if self.due is None or self.policy.cutoff_days is None:
            return None
        return self.due + timedelta(days=self.policy.cutoff_days + extension_days)


@dataclass(frozen=True)
class CourseConfig:
    folder: Path
    title: str
    exercises: tuple[CourseExercise, ...]
    zone: str = "UTC"

    def exercise(self, name: str) -> CourseExercise | None:
        return next((e for e in self.exercises if e.name == name), None)

    @property
    def database_url(self) -> str:
        return f"sqlite:///{(self.folder / DEFAULT_DB).resolve()}"


def _bundled_root() -> Path:
    from grader.model.exercise import exercises_root

    return exercises_root()


def bundled_exercises() -> list[str]:
    return sorted(p.parent.name for p in _bundled_root().glob("*/exercise.toml"))


def _fail(path: Path, where: str, problem: str) -> UsageError:
    """The usage error "course.toml: <where>: <problem>" (``problem`` a sentence already said)."""
    return usage_error("usage.course.problem", path=path, where=where, problem=problem)


def _date(value: Any, zone: ZoneInfo, path: Path, where: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _fail(path, where, say("usage.course.not_a_date", value=value)) from None
    else:
        raise _fail(path, where, say("usage.course.not_a_date", value=value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _policy(table: Any, base: Policy, path: Path, where: str) -> Policy:
    if table is None:
        return base
    if not isinstance(table, dict):
        raise _fail(path, where, say("usage.course.not_a_table"))
    known = {"late_penalty_per_day", "cutoff_days", "attempts_per_day", "hidden_feedback"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise _fail(path, where, say("usage.course.unknown_setting", name=unknown[0], known=", ".join(sorted(known))))
    policy = base
    if "late_penalty_per_day" in table:
        penalty = table["late_penalty_per_day"]
        if type(penalty) not in (int, float) or not 0 <= penalty <= 1:
            raise _fail(path, where, say("usage.course.late_penalty"))
        policy = replace(policy, late_penalty_per_day=float(penalty))
    if "cutoff_days" in table:
        days = table["cutoff_days"]
        if type(days) not in (int, float) or days < 0:
            raise _fail(path, where, say("usage.course.cutoff"))
        policy = replace(policy, cutoff_days=float(days))
    if "attempts_per_day" in table:
        attempts = table["attempts_per_day"]
        if type(attempts) is not int or attempts < 1:
            raise _fail(path, where, say("usage.course.attempts"))
        policy = replace(policy, attempts_per_day=attempts)
    if "hidden_feedback" in table:
        shown = table["hidden_feedback"]
        if shown not in HIDDEN_FEEDBACK:
            raise _fail(path, where, say("usage.course.hidden_feedback", choices=", ".join(HIDDEN_FEEDBACK)))
        policy = replace(policy, hidden_feedback=shown)
    return policy


def _contents(root: Path, path: Path, where: str) -> tuple[bool, bool]:
    """(whether the exercise has graded functions, whether it has a quiz)."""
    from grader.model.exercise import load_exercise

    try:
        ex = load_exercise(root)
    except UsageError as exc:
        raise _fail(path, where, str(exc)) from None
    return bool(ex.functions), (root / "quiz.toml").is_file()


def load_course(folder: str | Path) -> CourseConfig:
    """Read ``folder/course.toml``; raises UsageError naming the file and the problem."""
    folder = Path(folder)
    path = folder / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise usage_error("usage.course.not_a_course", folder=folder, config=CONFIG_NAME) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise usage_error("usage.course.unreadable", path=path, error=exc) from None
    course = data.get("course", {})
    zone_name = course.get("timezone", "UTC")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _fail(path, "[course] timezone", say("usage.course.timezone", zone=zone_name)) from None
    base = _policy(data.get("policy"), Policy(), path, "[policy]")
    entries = data.get("exercises", [])
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "[[exercises]]", say("usage.course.no_exercises"))
    exercises: list[CourseExercise] = []
    for number, entry in enumerate(entries, 1):
        where = say("usage.course.where_number", number=number)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _fail(path, where, say("usage.course.needs_name"))
        name = entry["name"]
        where = say("usage.course.where_name", name=name)
        if not name.replace("_", "").replace("-", "").isalnum() or len(name) > 64:
            raise _fail(path, where, say("usage.course.bad_name"))
        if any(e.name == name for e in exercises):
            raise _fail(path, where, say("usage.course.twice"))
        root = (folder / entry["path"]).resolve() if "path" in entry else _bundled_root() / name
        if not (root / "exercise.toml").is_file():
            raise _fail(path, where, say("usage.course.no_exercise", root=root))
        opens = _date(entry.get("opens"), zone, path, say("usage.course.where_opens", where=where))
        due = _date(entry.get("due"), zone, path, say("usage.course.where_due", where=where))
        if opens and due and due < opens:
            raise _fail(path, where, say("usage.course.due_before_opens"))
        policy = _policy({k: entry[k] for k in entry if k not in {"name", "path", "opens", "due"}} or None, base,
                         path, where)
        exercises.append(CourseExercise(name, root, opens, due, policy, *_contents(root, path, where)))
    return CourseConfig(folder.resolve(), str(course.get("title", folder.resolve().name)), tuple(exercises), zone_name)


def init_course(folder: Path, *, title: str | None = None, days: int = 14) -> Path:
    """Write a course.toml listing every bundled exercise, one due date a week apart; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_NAME
    if path.exists():
        raise usage_error("usage.course.exists", path=path)
    start = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [
        "# A dl-grader course: see docs/server.md for every setting.",
        "[course]",
        f"title = {_toml_string(title or folder.resolve().name)}",
        'timezone = "UTC"',
        "",
        "[policy]",
        "late_penalty_per_day = 0.1",
        "cutoff_days = 3",
        "attempts_per_day = 20",
        'hidden_feedback = "after-due"',
    ]
    for week, name in enumerate(bundled_exercises()):
        due = start + timedelta(days=days + 7 * week, hours=23, minutes=59)
        lines += ["", "[[exercises]]", f"name = {_toml_string(name)}",
                  f'opens = "{start:%Y-%m-%dT%H:%M}"', f'due = "{due:%Y-%m-%dT%H:%M}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
