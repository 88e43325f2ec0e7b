"""Record a batch's submissions, one at a time in this process: nbgrader's
autograde chain reuses the saved execution (steps/preprocessors.py), then the
report is stamped with the submission's fingerprint. Only a stamped report
counts as done, so a batch killed mid-record records that submission again.

The gradebook has a single writer (this process), so formgrader, feedback and
export keep working. A submission that cannot be recorded still gets a report
with a reason: refused before running, no execution, or nbgrader failing on
it (then its saved execution is scored here, so the TA sees each question's
points and why they did not reach the gradebook).
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import nbformat
from sqlalchemy.exc import SAWarning

from autograder.course.config import Assignment, Course
from autograder.course.late import record_extension
from autograder.engine import jobs
from autograder.errors import one_line
from autograder.grading.report import GradingReport, read_report, write_report
from autograder.grading.submission import score
from autograder.homework import load_homework
from autograder.seeds import submission_seed
from autograder.steps import nbconfig


@dataclass
class GradedSubmission:
    """One submission's outcome in a batch, for the command's summary."""
    student: str
    status: str
    reason: str = ""
    skipped: bool = False  # graded by an earlier run of the same batch
    assignment: str = ""
    seconds: float | None = None  # the notebook's execution, when this batch ran it


def not_graded(course: Course, a: Assignment, student_id: str, status: str, reason: str,
               fp: str = "") -> GradedSubmission:
    """A report for a submission that was never executed, and why."""
    write_report(course, GradingReport(student=student_id, assignment=a.id, status=status,
                                       stopped=reason, fingerprint=fp))
    return GradedSubmission(student_id, status, reason, assignment=a.id)


def record(course: Course, a: Assignment, student_id: str, fp: str) -> GradedSubmission:
    """Run nbgrader's autograde for one submission (it reuses the saved
    execution), then stamp the report: only a stamped report counts as done.
    When nbgrader fails, the saved execution is still scored."""
    began = time.monotonic()
    try:
        record_extension(course, a, student_id)
        with warnings.catch_warnings():
            # nbgrader 0.9.6 trips SQLAlchemy's autoflush warning on every regrade; harmless
            warnings.filterwarnings("ignore", category=SAWarning)
            result = nbconfig.api(course, a).autograde(a.id, student_id, force=True, create=False)
        report = read_report(course, a.id, student_id)
        problem = None
        if not result.get("success") or report is None:
            log = [ln for ln in ((result.get("log") or "") + (result.get("error") or "")).splitlines()
                   if ln.strip()]
            problem = log[-1] if log else "nbgrader autograde failed"
    except Exception as exc:  # noqa: BLE001 - one submission's failure, not the batch's
        problem = one_line(exc)
    if problem:
        return _score_unrecorded(course, a, student_id, fp, problem)
    report.fingerprint = fp
    report.record_seconds = round(time.monotonic() - began, 2)
    write_report(course, report)
    return GradedSubmission(student_id, report.status, report.stopped or "; ".join(report.errors),
                            assignment=a.id, seconds=report.seconds)


def _score_unrecorded(course: Course, a: Assignment, student_id: str, fp: str,
                      problem: str) -> GradedSubmission:
    """Score the saved execution outside nbgrader, for a report the TA can act on."""
    reason = f"not recorded in the gradebook: {problem}"
    questions = []
    saved = jobs.load_result(course.dirs, a.id, student_id)
    try:
        hw = load_homework(a.checks)
        nb = nbformat.v4.new_notebook(cells=saved.executed_cells())
        ctx = hw.context(submission_seed(a, student_id), a.false_fail_budget)
        questions = score(hw, nb, saved.outcome, ctx)
    except Exception:  # noqa: BLE001 - nothing usable was saved
        pass
    write_report(course, GradingReport(student=student_id, assignment=a.id,
                                       status="grading_failed", stopped=reason,
                                       questions=questions, fingerprint=fp))
    return GradedSubmission(student_id, "grading_failed", reason, assignment=a.id)
