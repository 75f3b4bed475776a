"""The learners of a submissions folder: one per file or folder, and the ids that cannot be told apart.

A learner's id is the name of their file (its stem) or folder, a name the learner chose: two
entries that share a feedback page (alice.py and alice/) are refused, not graded over one another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import usage_error
from grader.grading import SUBMITTABLE
from grader.messages import say
from grader.views.learner_ids import page_name


@dataclass(frozen=True)
class Learner:
    """One learner's submission: an id (file stem or folder name) and its files."""

    id: str
    files: tuple[Path, ...]
    own_folder: bool = False  # its files sit in a folder of its own (so its sibling modules are its own)
    # The course's seed secret (the gradebook's), set by run_batch for the learners it grades.
    seed_secret: bytes = field(default=b"", repr=False, compare=False)


def discover(folder: Path) -> tuple[list[Learner], list[str]]:
    """Learners of a submissions folder, and the entries that are not submissions."""
    if not folder.is_dir():
        raise usage_error("usage.not_submissions_folder", folder=folder)
    learners, ignored = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):  # never a learner: .ipynb_checkpoints, macOS's ._ copies, ..∕x.py
            ignored.append(f"{entry.name} (hidden)")
            continue
        if entry.is_symlink():  # a link could point at the solutions or at a classmate's work
            ignored.append(f"{entry.name} (a link)")
            continue
        if entry.is_file() and entry.suffix in SUBMITTABLE:
            learners.append(Learner(entry.stem, (entry,)))
        elif entry.is_dir():
            files = sorted(p for p in entry.iterdir() if p.is_file() and p.suffix in SUBMITTABLE)
            if not files:  # a learner who zipped a folder inside a folder (hidden ones such as
                # .ipynb_checkpoints hold stale copies, and links may lead anywhere: both skipped)
                files = sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix in SUBMITTABLE
                               and not p.is_symlink()
                               and not any(part.startswith(".") for part in p.relative_to(entry).parts))[:20]
            if files:
                learners.append(Learner(entry.name, tuple(files), own_folder=True))
            else:
                ignored.append(entry.name)
        else:
            ignored.append(entry.name)
    return learners, ignored



def _entry(learner: Learner) -> str:
    """The entry of the submissions folder that a learner comes from."""
    return f"{learner.id}/" if learner.own_folder else learner.files[0].name


def refuse_shared_ids(learners: list[Learner]) -> tuple[list[Learner], dict[str, str]]:
    """The learners no other entry shares a feedback page with (so, nor an id), and for the others
    the reason none of them is graded: which grade would be theirs cannot be guessed."""
    by_page: dict[str, list[Learner]] = defaultdict(list)
    for learner in learners:
        by_page[page_name(learner.id)].append(learner)
    kept, refused = [], {}
    for learner in learners:
        sharing = by_page[page_name(learner.id)]
        if len(sharing) == 1:
            kept.append(learner)
        else:
            entries = ", ".join(_entry(other) for other in sharing)
            refused[learner.id] = say("learners.shared_id", count=len(sharing), entries=entries)
    return kept, refused
