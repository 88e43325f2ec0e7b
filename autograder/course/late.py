"""Lateness by course.yml's policy: the student's deadline (due date plus any
extension; for team work the team's), the grace period, the days counted and
the share taken off.

The same numbers reach the student's receipt, nbgrader's gradebook (the
extension is stored on the submission, so formgrader and our export agree)
and the penalty nbgrader records (preprocessors.CourseLatePolicy)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Assignment, Course


@dataclass(frozen=True)
class Lateness:
    due: datetime          # this student's deadline, extension included
    submitted: datetime
    extended: bool
    seconds_late: float
    days: int              # days counted against the submission
    fraction: float        # share of the score taken off
    policy: str
    team: bool = False     # the deadline and any extension are the team's

    def describe(self) -> str:
        whose = "your team's" if self.team else "your"
        due = f"due {self.due:%Y-%m-%d %H:%M} UTC" + (f" with {whose} extension" if self.extended else "")
        if self.seconds_late <= 0:
            return f"on time ({due})"
        late = f"{duration(self.seconds_late)} after the deadline ({due})"
        if self.days == 0:
            return f"{late}: within the grace period, not late by the policy ({self.policy})"
        return (f"LATE by {late}: counts as {self.days} day(s) late, "
                f"{100 * self.fraction:g}% off the score ({self.policy})")


def duration(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
    return " ".join(parts)


def lateness(a: Assignment, student_id: str, submitted: datetime, team: bool = False) -> Lateness:
    """`student_id` is whom the work is stored under: a team's id for team work."""
    due = a.due_for(student_id)
    seconds = (submitted - due).total_seconds()
    return Lateness(due, submitted, student_id in a.extensions, seconds,
                    a.late_policy.days_late(seconds), a.late_policy.penalty_fraction(seconds),
                    a.late_policy.describe(), team)


def record_extension(course: Course, a: Assignment, student_id: str) -> None:
    """Store course.yml's extension on the student's nbgrader submission (or clear
    one removed from course.yml) before autograde assigns the late penalty."""
    extension = a.extensions.get(student_id)
    with Gradebook(course.db_url, course.id) as gb:
        try:
            sub = gb.find_submission(a.id, student_id)
        except MissingEntry:
            if extension is None:
                return
            try:
                gb.find_student(student_id)
            except MissingEntry:
                return  # nbgrader's autograde reports an unknown student itself
            gb.update_or_create_submission(a.id, student_id, extension=extension)
            return
        if sub.extension != extension:
            sub.extension = extension if extension else None
            gb.db.commit()

