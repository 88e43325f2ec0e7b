"""What the course state folder holds so far: which assignments are out, who has
been collected and who graded. Read by the steps that must not run too early."""
from __future__ import annotations

from autograder.course.config import Course


def is_released(course: Course, assignment_id: str) -> bool:
    return (course.exchange / course.id / "outbound" / assignment_id).is_dir()


def submitted_students(course: Course, assignment_id: str) -> list[str]:
    """Students with a collected submission of the assignment."""
    root = course.course_dir / "submitted"
    return sorted(p.parent.name for p in root.glob(f"*/{assignment_id}") if p.is_dir())


def graded_students(course: Course, assignment_id: str) -> list[str]:
    """Students with an autograded submission of the assignment."""
    root = course.course_dir / "autograded"
    return sorted(p.parent.name for p in root.glob(f"*/{assignment_id}") if p.is_dir())
