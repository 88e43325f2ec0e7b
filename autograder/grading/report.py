"""The grading report (grading.json): per submission, its status, why, and each
question's verdict and messages. Written once per grading, next to the
autograded notebook; read by feedback, the exports, stats and resumed batches.

`GradingReport` is the record; `write_report` is its one writer and
`read_report` its one reader, so the file's keys are spelled only here. A report
written by an older version (fewer keys) still reads: what it lacks keeps its
default.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.course.config import Course
from autograder.engine.execution import RunOutcome
from autograder.engine.jobs import write_json_atomic
from autograder.grading.verdict import QuestionResult


@dataclass(kw_only=True)
class GradingReport:
    student: str
    assignment: str
    seed: int | None = None
    # ok | incomplete | tampering | the first question status that is not `graded`,
    # or what stopped the batch before grading (corrupt_notebook, worker_error, ...)
    status: str
    stopped: str | None = None        # why execution or grading stopped early
    seconds: float = 0.0              # execution
    extract_seconds: float = 0.0      # of which test cells spent pulling answers out
    truncated_cells: list[int] = field(default_factory=list)
    kernel_log: str = ""              # the kernel's own output when it failed (for TAs)
    repairs: list[str] = field(default_factory=list)     # cells put back in shape
    tampering: list[str] = field(default_factory=list)   # test cells edited
    review: list[str] = field(default_factory=list)      # flagged for a TA; costs no points
    errors: list[str] = field(default_factory=list)      # the student's own cells that raised
    questions: list[QuestionResult] = field(default_factory=list)
    fingerprint: str = ""   # stamped by the batch once recorded: a resumed batch skips it
    record_seconds: float | None = None

    @classmethod
    def from_run(cls, student: str, assignment: str, seed: int, outcome: RunOutcome,
                 results: list[QuestionResult], repairs: list[str], tampering: list[str],
                 review: list[str], errors: list[str] = ()) -> "GradingReport":
        """The report of a graded execution; its status is the worst thing that
        happened (`errors`, cells of the student's that raised, is still graded)."""
        problems = [r.status for r in results if r.status != "graded"]
        status = ("incomplete" if outcome.stopped else "tampering" if outcome.forged
                  else problems[0] if problems else "errors" if errors else "ok")
        return cls(student=student, assignment=assignment, seed=seed, status=status,
                   stopped=outcome.stopped, seconds=round(outcome.seconds, 2),
                   extract_seconds=round(outcome.extract_seconds, 2),
                   truncated_cells=list(outcome.truncated), kernel_log=outcome.kernel_log,
                   repairs=list(repairs), tampering=list(tampering), review=list(review),
                   errors=list(errors), questions=list(results))

    def to_dict(self) -> dict:
        return {f.name: ([q.to_dict() for q in self.questions] if f.name == "questions"
                         else getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "GradingReport":
        """ValueError for anything that is not a report; keys it does not know are
        ignored, keys it lacks keep their default."""
        if not isinstance(d, dict) or not isinstance(d.get("questions", []), list):
            raise ValueError("not a grading report")
        known = {f.name for f in fields(cls)} - {"questions"}
        try:
            return cls(**{k: v for k, v in d.items() if k in known},
                       questions=[QuestionResult.from_dict(q) for q in d.get("questions", [])])
        except TypeError as exc:  # a required key missing, a question that is not a mapping
            raise ValueError(f"not a grading report ({exc})") from None


def read_report(course: Course, assignment_id: str, student_id: str) -> GradingReport | None:
    """The report, or None when there is none (not graded yet) or it is unreadable."""
    try:
        return GradingReport.from_dict(json.loads(course.dirs.report(assignment_id, student_id)
                                                  .read_text()))
    except (OSError, ValueError):
        return None


def write_report(course: Course, report: GradingReport) -> Path:
    """Atomically: a kill leaves the old report or the new one, never half of one."""
    path = course.dirs.report(report.assignment, report.student)
    write_json_atomic(path, report.to_dict())
    return path
