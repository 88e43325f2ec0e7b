"""TA: export grades from nbgrader's gradebook as CSV, one row per roster student.

Every row has a status, so a submission that could not be graded never shows
up as a silent 0.0 (nbgrader's own export does exactly that). Team work is
graded once per team and each member's row carries the team's grade, with the
member's own adjustment; a project can be exported as the sum of its milestones."""
from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Assignment, Course, Student
from autograder.course.state import submission_folder, submitted_students
from autograder.errors import CourseError
from autograder.grading.report import read_report
from autograder.pipeline.collect import refusals
from autograder.pipeline.readiness import require_in_gradebook
from autograder.pipeline.teamwork import submitter


def rows(course: Course, assignment_id: str) -> tuple[list[str], list[dict]]:
    """One row per roster student."""
    a = course.assignment(assignment_id)
    header, data = submission_rows(course, a.id)
    if not (a.group or a.adjustments):
        return header, data
    return member_rows(course, a, header, data)


def submission_rows(course: Course, assignment_id: str) -> tuple[list[str], list[dict]]:
    """One row per nbgrader id: each roster student, or each team for team work
    (`student_id` then holds the team's id)."""
    a = course.assignment(assignment_id)
    require_in_gradebook(course, a.id)
    questions = list(a.questions)
    header = ["student_id", *questions, "total", "max_total", "late_penalty", "final",
              "status", "notes"]
    out = []
    refused = refusals(course, a.id)
    collected = set(submitted_students(course, a.id))
    with Gradebook(course.db_url, course.id) as gb:
        for sid in course.nbgrader_ids(a):
            row = {"student_id": sid, "max_total": sum(a.questions.values())}
            report = read_report(course, a.id, sid)
            try:
                sub = gb.find_submission(a.id, sid)
            except MissingEntry:
                sub = None
            if sub is None or report is None or not report.get("questions"):
                status = report["status"] if report else (
                    "not_graded" if sub or sid in collected
                    else "refused" if sid in refused else "missing")
                notes = [(report or {}).get("stopped") or "", refused.get(sid, "")]
                row.update({q: 0.0 for q in questions}, total=0.0, late_penalty=0.0, final=0.0,
                           status=status, notes="; ".join(n for n in notes if n))
                out.append(row)
                continue
            pending = []
            for q in questions:
                grade = gb.find_grade(q, a.notebook_name, a.id, sid)
                if grade.auto_score is None and grade.manual_score is None:
                    pending.append(q)  # nbgrader reports 0.0 here; we show it as not graded
                    row[q] = ""
                else:
                    row[q] = round(grade.score, 4)
            penalty = sub.late_submission_penalty or 0.0
            notes = ([report.get("stopped") or ""] + report.get("repairs", [])
                     + report.get("tampering", [])
                     + [f"review: {r}" for r in report.get("review", [])]
                     + [refused.get(sid, "")])
            by = submitter(submission_folder(course, a.id, sid)) if a.group else ""
            if by:
                notes.append(f"submitted by {by}")
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


def member_rows(course: Course, a: Assignment, header: list[str],
                data: list[dict]) -> tuple[list[str], list[dict]]:
    """Each roster student's row from the rows per nbgrader id: a member gets
    the team's row; then their adjustment, if any, moves their final grade."""
    header = [*header]
    if a.group:
        header.insert(1, "team")
    header.insert(header.index("final"), "adjustment")
    by_id = {r["student_id"]: r for r in data}
    out = []
    for s in course.roster:
        team = course.team_of(s.id) if a.group else None
        if a.group and team is None:
            row = {q: 0.0 for q in a.questions} | {
                "total": 0.0, "max_total": sum(a.questions.values()), "late_penalty": 0.0,
                "final": 0.0, "status": "no_team", "notes": f"in no team, and {a.id} is team work"}
        else:
            row = dict(by_id[team.id if team else s.id])
        row.update(student_id=s.id, adjustment=0.0)
        if a.group:
            row["team"] = team.id if team else ""
        adjustment = a.adjustments.get(s.id)
        if adjustment:
            row["adjustment"] = adjustment.points
            row["final"] = round(max(0.0, float(row["final"]) + adjustment.points), 4)
            row["notes"] = "; ".join(n for n in (row["notes"], f"adjusted by {adjustment.points:+g} "
                                                 f"for this student: {adjustment.reason}") if n)
        out.append(row)
    return header, out


def project_rows(course: Course, project_id: str) -> tuple[list[str], list[dict]]:
    """One row per roster student: each milestone's final grade and their sum."""
    p = course.project(project_id)
    per = {m: {r["student_id"]: r for r in rows(course, m)[1]} for m in p.milestones}
    header = ["student_id", *p.milestones, "total", "max_total", "status", "notes"]
    out = []
    for s in course.roster:
        mine = {m: per[m][s.id] for m in p.milestones}
        open_ = [f"{m} {r['status']}" for m, r in mine.items() if r["status"] not in GRADED]
        out.append({"student_id": s.id, **{m: r["final"] for m, r in mine.items()},
                    "total": round(sum(float(r["final"]) for r in mine.values()), 4),
                    "max_total": sum(sum(course.assignment(m).questions.values())
                                     for m in p.milestones),
                    "status": "ok" if not open_ else "partial",
                    "notes": "; ".join(open_)})
    return header, out


def export_csv(course: Course, assignment_id: str, path: Path | None = None) -> Path:
    """One homework's CSV, or a project's (`assignment_id` may name a project)."""
    header, data = (project_rows(course, assignment_id) if assignment_id in course.projects
                    else rows(course, assignment_id))
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
GRADED = ("ok", "incomplete")


def canvas_name(s: Student) -> str:
    """Canvas writes "Last, First"; it matches rows by its ids, not by name."""
    if s.last_name or s.first_name:
        return ", ".join(p for p in (s.last_name, s.first_name) if p)
    return s.id


def canvas_rows(course: Course, assignment_ids: list[str]) -> tuple[list[str], list[list], list[str]]:
    """(header, rows, warnings) of a Canvas gradebook import for these assignments.
    A cell holds the final score (late penalty applied); it is left blank, which
    Canvas reads as "no change", when there is no grade to send yet."""
    columns = [_canvas_column(course, h) for h in assignment_ids]
    if len(set(columns)) < len(columns):
        raise CourseError("two assignments would get the same Canvas column; give each a "
                          "distinct `canvas_column` in course.yml")
    parts = {h: list(course.project(h).milestones) if h in course.projects else [h]
             for h in assignment_ids}
    per_hw = {m: {r["student_id"]: r for r in rows(course, m)[1]}
              for ms in parts.values() for m in ms}
    points = [sum(sum(course.assignment(m).questions.values()) for m in parts[h])
              for h in assignment_ids]
    out = [["Points Possible", "", "", "", "", *[f"{p:g}" for p in points]]]
    blank: dict[str, list[str]] = {}
    for s in course.roster:
        cells = []
        for h in assignment_ids:
            mine = [per_hw[m][s.id] for m in parts[h]]
            if all(r["status"] in GRADED for r in mine):
                cells.append(f"{sum(float(r['final']) for r in mine):g}")
            else:
                cells.append("")
                why = ", ".join(f"{m}: {r['status']}" if len(mine) > 1 else r["status"]
                                for m, r in zip(parts[h], mine) if r["status"] not in GRADED)
                blank.setdefault(h, []).append(f"{s.id} ({why})")
        out.append([canvas_name(s), "", s.sis_user_id, s.sis_login_id, s.section, *cells])
    warnings = [f"{hw}: left blank for {len(who)} student(s) without a final grade: "
                f"{', '.join(who[:6])}{' ...' if len(who) > 6 else ''}" for hw, who in blank.items()]
    if not any(s.sis_user_id or s.sis_login_id for s in course.roster):
        warnings.append("no roster entry has sis_user_id or sis_login_id: Canvas matches rows "
                        "by those ids, so add them to the roster before importing")
    return [*CANVAS_IDENTITY, *columns], out, warnings


def _canvas_column(course: Course, assignment_id: str) -> str:
    if assignment_id in course.projects:
        p = course.project(assignment_id)
        return p.canvas_column or p.title
    a = course.assignment(assignment_id)
    return a.canvas_column or a.title


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
