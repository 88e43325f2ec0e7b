"""The grading report (grading.json): per submission, its status, why, and each
question's verdict and messages. Written once per grading, next to the
autograded notebook; read by feedback, the exports, stats and resumed batches."""
from __future__ import annotations

import json
from pathlib import Path

from autograder.course.config import Course
from autograder.engine.jobs import write_json_atomic

def report_path(course: Course, assignment_id: str, student_id: str) -> Path:
    return course.dirs.report(assignment_id, student_id)


def read_report(course: Course, assignment_id: str, student_id: str) -> dict | None:
    """The report, or None when there is none (not graded yet) or it is unreadable."""
    try:
        return json.loads(report_path(course, assignment_id, student_id).read_text())
    except (OSError, ValueError):
        return None


def write_report(course: Course, assignment_id: str, student_id: str, report: dict) -> Path:
    """Atomically: a kill leaves the old report or the new one, never half of one."""
    path = report_path(course, assignment_id, student_id)
    write_json_atomic(path, report)
    return path
