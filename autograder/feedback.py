"""TA: generate feedback HTML from autograded notebooks and release it.

The autograded notebooks hold only our check messages in test cells, never
hidden check code or its tracebacks, so feedback cannot leak them."""
from __future__ import annotations

from . import nbconfig
from .config import Course
from .release import _nbgrader


def feedback(course: Course, assignment_id: str) -> None:
    a = course.assignment(assignment_id)
    api = nbconfig.api(course, a)
    _nbgrader(api.generate_feedback(a.id), "generate_feedback")
    _nbgrader(api.release_feedback(a.id), "release_feedback")
