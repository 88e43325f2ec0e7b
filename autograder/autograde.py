"""TA: autograde collected submissions, one student at a time, with progress.

Each submission goes through nbgrader's Autograde converter with our steps in
its chain (see preprocessors.py). Problems nbgrader would trip over (damaged
JSON, a notebook from another assignment, an unknown student) are caught first
and recorded as a report with a reason; the batch always goes on."""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SAWarning
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import nbconfig
from .collect import submitted_students
from .config import Course
from .errors import CourseError
from .preprocessors import REPORT
from .release import is_released
from .student import read_notebook


@dataclass
class GradedSubmission:
    student: str
    status: str
    reason: str = ""


def report_path(course: Course, assignment_id: str, student_id: str) -> Path:
    return course.course_dir / "autograded" / student_id / assignment_id / REPORT


def read_report(course: Course, assignment_id: str, student_id: str) -> dict | None:
    path = report_path(course, assignment_id, student_id)
    return json.loads(path.read_text()) if path.is_file() else None


def _write_failure(course, assignment_id, student_id, status, reason) -> GradedSubmission:
    path = report_path(course, assignment_id, student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"student": student_id, "assignment": assignment_id,
                                "status": status, "stopped": reason, "questions": []}, indent=2))
    return GradedSubmission(student_id, status, reason)


def _preflight(course: Course, a, student_id: str) -> tuple[str, str] | None:
    if student_id not in {s.id for s in course.roster}:
        return "unknown_student", f"'{student_id}' is not on the roster; files left in submitted/"
    folder = course.course_dir / "submitted" / student_id / a.id
    path = folder / f"{a.notebook_name}.ipynb"
    if not path.is_file():
        found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
        return "wrong_assignment", f"expected {path.name}, found {found}"
    try:
        read_notebook(path)
    except CourseError as exc:
        return "corrupt_notebook", str(exc)
    return None


def grade_one(course: Course, assignment_id: str, student_id: str) -> GradedSubmission:
    a = course.assignment(assignment_id)
    problem = _preflight(course, a, student_id)
    if problem:
        return _write_failure(course, a.id, student_id, *problem)
    with warnings.catch_warnings():
        # nbgrader 0.9.6 trips SQLAlchemy's autoflush warning on every regrade; harmless
        warnings.filterwarnings("ignore", category=SAWarning)
        result = nbconfig.api(course, a).autograde(a.id, student_id, force=True, create=False)
    report = read_report(course, a.id, student_id)
    if not result.get("success") or report is None:
        log = [ln for ln in ((result.get("log") or "") + (result.get("error") or "")).splitlines()
               if ln.strip()]
        return _write_failure(course, a.id, student_id, "grading_failed",
                              log[-1] if log else "nbgrader autograde failed")
    return GradedSubmission(student_id, report["status"], report.get("stopped") or "")


def autograde(course: Course, assignment_id: str, students: list[str] | None = None,
              show_progress: bool = True) -> list[GradedSubmission]:
    a = course.assignment(assignment_id)
    if not is_released(course, a.id):
        raise CourseError(f"assignment '{a.id}' has not been released yet")
    available = submitted_students(course, a.id)
    if students:
        missing = [s for s in students if s not in available]
        if missing:
            raise CourseError(f"no collected submission of {a.id} for: {', '.join(missing)}")
        available = students
    done = []
    columns = [TextColumn("autograde {task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        task = progress.add_task(a.id, total=len(available))
        for student_id in available:
            progress.update(task, description=f"{a.id}: {student_id}")
            done.append(grade_one(course, a.id, student_id))
            progress.advance(task)
    return done
