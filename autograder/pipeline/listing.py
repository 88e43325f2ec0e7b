"""What the exchange tells every student of the course: the released assignments with their titles, due dates, late policy and questions (labels and points), written by `course release` and read by the student's side, which has no course.yml.

It holds nothing a student may not see: no solution, no hidden check, no other
student's extension (a student's own deadline with an extension shows on their
receipt when the instructor's side knows it, and on their feedback).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.course.config import Assignment, LatePolicy
from autograder.engine.jobs import write_json_atomic
from autograder.errors import CourseError

LISTING = "assignments.json"  # in <exchange>/<course_id>/, next to nbgrader's inbound and outbound


@dataclass(frozen=True)
class Listed:
    """One released assignment, as students see it."""
    id: str
    title: str
    notebook: str                 # the notebook's file name without .ipynb
    due: str                      # ISO 8601, UTC
    late_policy: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)   # grade_id -> points
    labels: dict = field(default_factory=dict)      # grade_id -> the question's title
    group: bool = False           # team work: submitted under the team's id (--team)

    @property
    def due_at(self) -> datetime:
        return datetime.fromisoformat(self.due)

    @property
    def policy(self) -> LatePolicy:
        return LatePolicy(**self.late_policy)


def listing_path(course_exchange: Path) -> Path:
    return course_exchange / LISTING


def read_listing(course_exchange: Path) -> dict[str, Listed]:
    """{assignment id: Listed}; empty when nothing was released with a listing."""
    try:
        data = json.loads(listing_path(course_exchange).read_text())
        return {k: Listed(**v) for k, v in data.items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError) as exc:
        raise CourseError(f"the course's list of assignments in the exchange cannot be read "
                          f"({type(exc).__name__}); ask your instructor to release again") from None


def publish(course_exchange: Path, a: Assignment, labels: dict[str, str]) -> None:
    """Add or replace one assignment in the listing (readable by every student)."""
    listed = {k: asdict(v) for k, v in read_listing(course_exchange).items()}
    listed[a.id] = asdict(Listed(a.id, a.title, a.notebook_name, a.due.isoformat(),
                                 dict(a.late_policy.__dict__), dict(a.questions),
                                 {q: labels.get(q, q) for q in a.questions}, a.group))
    path = listing_path(course_exchange)
    write_json_atomic(path, dict(sorted(listed.items())))
    os.chmod(path, 0o644)


def listed_assignment(course_exchange: Path, assignment_id: str) -> Listed:
    listed = read_listing(course_exchange)
    if assignment_id not in listed:
        known = ", ".join(sorted(listed)) or "none yet"
        raise CourseError(f"'{assignment_id}' is not a released assignment of this course "
                          f"(released: {known})")
    return listed[assignment_id]


STAMP = "course_assignment"  # key of the released notebook's metadata


@dataclass(frozen=True)
class Stamp:
    """What the released notebook itself says about its assignment, so it can be
    validated wherever it is copied to, under any name, without course.yml."""
    course_id: str
    assignment: str
    notebook: str
    test_cells: list = field(default_factory=list)   # grade ids of the visible-check cells
    cell_timeout: int = 300
    notebook_timeout: int = 1800
    limits: dict = field(default_factory=dict)       # the sandbox's limits (course.yml `sandbox:`)


def stamp_notebook(nb, stamp: Stamp) -> None:
    nb.metadata[STAMP] = asdict(stamp)


def read_stamp(nb) -> Stamp | None:
    """The notebook's stamp, or None (not released by this platform, or edited away)."""
    data = nb.metadata.get(STAMP)
    try:
        return Stamp(**data) if isinstance(data, dict) else None
    except TypeError:
        return None
