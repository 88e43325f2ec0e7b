"""The course state folder: where its notebooks lie, which assignments are out, who
has been collected and who graded. Read by the steps that must not run too early."""
from __future__ import annotations

from pathlib import Path

from autograder.course.config import Assignment, Course


def source_notebook(course: Course, a: Assignment) -> Path:
    """The instructor's notebook (solutions in) that release builds and grading reads."""
    return course.course_dir / "source" / a.id / f"{a.notebook_name}.ipynb"


def released_notebook(course: Course, a: Assignment) -> Path:
    """The student version nbgrader generated from it."""
    return course.course_dir / "release" / a.id / f"{a.notebook_name}.ipynb"


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


def team_record(course: Course, assignment_id: str) -> Path:
    """The members of each team when its submission was collected (team work)."""
    return course.course_dir / "collect" / f"{assignment_id}.teams.json"


def submission_folder(course: Course, assignment_id: str, nbgrader_id: str) -> Path:
    """A collected submission: a student's, or a team's for team work."""
    return course.course_dir / "submitted" / nbgrader_id / assignment_id
