"""TA: export grades from nbgrader's gradebook as CSV, one row per roster student.

Every row has a status, so a submission that could not be graded never shows
up as a silent 0.0 (nbgrader's own export does exactly that)."""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Course, Student
from autograder.course.state import submitted_students
from autograder.errors import CourseError
from autograder.grading.report import read_report
from autograder.pipeline.collect import refusals
from autograder.pipeline.readiness import require_in_gradebook, require_questions_as_released


def rows(course: Course, assignment_id: str) -> tuple[list[str], list[dict]]:
    a = course.assignment(assignment_id)
    require_in_gradebook(course, a.id)
    require_questions_as_released(course, a.id)
    questions = list(a.questions)
    header = ["student_id", *questions, "total", "max_total", "late_penalty", "final",
              "status", "notes"]
    out = []
    refused = refusals(course, a.id)
    collected = set(submitted_students(course, a.id))
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
                    "not_graded" if sub or s.id in collected
                    else "refused" if s.id in refused else "missing")
                notes = [(report or {}).get("stopped") or "", refused.get(s.id, "")]
                # no grade yet: blank, never a 0.0 that reads as one (the status says why)
                row.update({q: "" for q in questions}, total="", late_penalty="", final="",
                           status=status, notes="; ".join(n for n in notes if n))
                out.append(row)
                continue
            pending, adjusted = [], []
            for q in questions:
                grade = gb.find_grade(q, a.notebook_name, a.id, s.id)
                if grade.auto_score is None and grade.manual_score is None:
                    pending.append(q)  # nbgrader reports 0.0 here; we show it as not graded
                    row[q] = ""
                else:
                    row[q] = round(grade.score, 4)
                if None not in (grade.auto_score, grade.manual_score) \
                        and abs(grade.auto_score - grade.manual_score) > 1e-9:
                    adjusted.append(f"{q} adjusted by a TA from {grade.auto_score:g} to "
                                    f"{grade.manual_score:g}")
            penalty = sub.late_submission_penalty or 0.0
            notes = ([report.get("stopped") or ""] + report.get("errors", []) + report.get("repairs", [])
                     + report.get("tampering", [])
                     + [f"review: {r}" for r in report.get("review", [])]
                     + [refused.get(s.id, "")])
            late = sub.total_seconds_late
            if late > 0:
                notes.append(f"late by {late / 3600:.1f} h" if late >= 3600
                             else f"late by {max(1, round(late / 60))} min")
            notes += adjusted
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


# Canvas's gradebook import (docs/export.md): these five identity columns, one
# column per assignment named as in Canvas, and a "Points Possible" row first.
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
GRADED = ("ok", "errors", "incomplete")  # statuses whose scores are grades


def canvas_name(s: Student) -> str:
    """Canvas writes "Last, First"; it matches rows by its ids, not by name."""
    if s.last_name or s.first_name:
        return ", ".join(p for p in (s.last_name, s.first_name) if p)
    return s.id


def canvas_rows(course: Course, assignment_ids: list[str]) -> tuple[list[str], list[list], list[str]]:
    """(header, rows, warnings) of a Canvas gradebook import for these assignments.
    A cell holds the final score (late penalty applied); it is left blank, which
    Canvas reads as "no change", when there is no grade to send yet."""
    assignments = [course.assignment(h) for h in assignment_ids]
    columns = [a.canvas_column or a.title for a in assignments]
    if len(set(columns)) < len(columns):
        raise CourseError("two assignments would get the same Canvas column; give each a "
                          "distinct `canvas_column` in course.yml")
    per_hw = {a.id: {r["student_id"]: r for r in rows(course, a.id)[1]} for a in assignments}
    out = [["Points Possible", "", "", "", "", *[f"{sum(a.questions.values()):g}" for a in assignments]]]
    blank: dict[str, list[str]] = {}
    for s in course.roster:
        cells = []
        for a in assignments:
            row = per_hw[a.id][s.id]
            if row["status"] in GRADED:
                cells.append(f"{row['final']:g}")
            else:
                cells.append("")
                blank.setdefault(a.id, []).append(f"{s.id} ({row['status']})")
        out.append([canvas_name(s), "", s.sis_user_id, s.sis_login_id, s.section, *cells])
    warnings = [f"{hw}: left blank for {len(who)} student(s) without a final grade: "
                f"{', '.join(who[:6])}{' ...' if len(who) > 6 else ''}" for hw, who in blank.items()]
    if not any(s.sis_user_id or s.sis_login_id for s in course.roster):
        warnings.append("no roster entry has sis_user_id or sis_login_id: Canvas matches rows "
                        "by those ids, so add them to the roster before importing")
    return [*CANVAS_IDENTITY, *columns], out, warnings


def export_canvas(course: Course, assignment_ids: list[str],
                  path: Path | None = None) -> tuple[Path, list[str]]:
    header, data, warnings = canvas_rows(course, assignment_ids)
    path = Path(path or course.course_dir / "exports" / f"canvas_{'_'.join(assignment_ids)}.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(data)
    return path, warnings
