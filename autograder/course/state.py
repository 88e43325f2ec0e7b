"""What the course state folder holds so far: which assignments are out, who has
been collected and who graded. Read by the steps that must not run too early."""
from __future__ import annotations

from autograder.course.config import Course
from autograder.course.dirs import AUTOGRADED, SUBMITTED


def is_released(course: Course, assignment_id: str) -> bool:
    return course.dirs.outbound(assignment_id).is_dir()


def submitted_students(course: Course, assignment_id: str) -> list[str]:
    """Students with a collected submission of the assignment."""
    return course.dirs.students_with(SUBMITTED, assignment_id)


def graded_students(course: Course, assignment_id: str) -> list[str]:
    """Students with an autograded submission of the assignment."""
    return course.dirs.students_with(AUTOGRADED, assignment_id)
