"""TA: export grades from nbgrader's gradebook as CSV, one row per roster student.

Every row has a status, so a submission that could not be graded never shows
up as a silent 0.0 (nbgrader's own export does exactly that)."""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .autograde import read_report
from .collect import refusals
from .config import Course


def rows(course: Course, assignment_id: str) -> tuple[list[str], list[dict]]:
    a = course.assignment(assignment_id)
    questions = list(a.questions)
    header = ["student_id", *questions, "total", "max_total", "late_penalty", "final",
              "status", "notes"]
    out = []
    refused = refusals(course, a.id)
    with Gradebook(course.db_url, course.id) as gb:
        for s in course.roster:
            row = {"student_id": s.id, "max_total": sum(a.questions.values())}
            report = read_report(course, a.id, s.id)
            try:
                sub = gb.find_submission(a.id, s.id)
            except MissingEntry:
                sub = None
            if sub is None or report is None or not report.get("questions"):
                status = report["status"] if report else (
                    "not_graded" if sub else "refused" if s.id in refused else "missing")
                notes = [(report or {}).get("stopped") or "", refused.get(s.id, "")]
                row.update({q: 0.0 for q in questions}, total=0.0, late_penalty=0.0, final=0.0,
                           status=status, notes="; ".join(n for n in notes if n))
                out.append(row)
                continue
            pending = []
            for q in questions:
                grade = gb.find_grade(q, a.notebook_name, a.id, s.id)
                if grade.auto_score is None and grade.manual_score is None:
                    pending.append(q)  # nbgrader reports 0.0 here; we show it as not graded
                    row[q] = ""
                else:
                    row[q] = round(grade.score, 4)
            penalty = sub.late_submission_penalty or 0.0
            notes = ([report.get("stopped") or ""] + report.get("repairs", [])
                     + report.get("tampering", [])
                     + [f"review: {r}" for r in report.get("review", [])]
                     + [refused.get(s.id, "")])
            late = sub.total_seconds_late
            if late > 0:
                notes.append(f"late by {late / 3600:.1f} h" if late >= 3600
                             else f"late by {max(1, round(late / 60))} min")
            if pending:
                notes.append("manual grading pending: " + ", ".join(pending))
            row.update(total=round(sub.score, 4), late_penalty=round(penalty, 4),
                       final=round(max(0.0, sub.score - penalty), 4),
                       status=report["status"] if not pending else f"{report['status']}+manual",
                       notes="; ".join(n for n in notes if n))
            out.append(row)
    return header, out


def export_csv(course: Course, assignment_id: str, path: Path | None = None) -> Path:
    header, data = rows(course, assignment_id)
    path = Path(path or course.course_dir / "exports" / f"{assignment_id}.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(data)
    return path
