"""TA: collect submissions from the exchange into nbgrader's submitted/ folder."""
from __future__ import annotations

from . import nbconfig
from .config import Course
from .errors import CourseError
from .release import _nbgrader, is_released


def collect(course: Course, assignment_id: str) -> list[str]:
    """Collect with nbgrader; return the ids of students who have a submission.

    Submissions from ids not on the roster are left where they are and reported,
    so nothing is lost and nothing is graded for an unknown student."""
    a = course.assignment(assignment_id)
    if not is_released(course, a.id):
        raise CourseError(f"assignment '{a.id}' has not been released yet")
    _nbgrader(nbconfig.api(course, a).collect(a.id, update=True), "collect")
    return submitted_students(course, a.id)


def submitted_students(course: Course, assignment_id: str) -> list[str]:
    root = course.course_dir / "submitted"
    return sorted(p.parent.name for p in root.glob(f"*/{assignment_id}") if p.is_dir())


def unknown_students(course: Course, assignment_id: str) -> list[str]:
    roster = {s.id for s in course.roster}
    return [s for s in submitted_students(course, assignment_id) if s not in roster]
