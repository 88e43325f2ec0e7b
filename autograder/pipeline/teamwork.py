"""Team work through the pipeline: the team a student fetches and submits for, the
member who made a team's submission, and what changed in course.yml's teams since
a team's submission was collected (docs/engine.md, "Team work").

A team's work is one nbgrader submission stored under the team's id. The members
share one working folder (on a hub: a shared team folder), so its nbgrader cache
lists every submission of the team, whoever made it, and is what the team's
feedback is matched against.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from autograder.course.config import Assignment, Course
from autograder.course.state import team_record
from autograder.engine.jobs import write_json_atomic
from autograder.errors import CourseError

SUBMITTED_BY = "submitted_by.txt"  # written next to nbgrader's timestamp.txt by `course submit`
_MEMBER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def acting_for(course: Course, a: Assignment, student_id: str, team_id: str | None = None) -> str:
    """The nbgrader id a student works under on `a`: their own id for individual
    work, their team's for team work. Refuses, in one line, a student outside
    the team named or in no team."""
    course.student(student_id)
    if not a.group:
        if team_id:
            raise CourseError(f"{a.id} is individual work: leave out --team")
        return student_id
    team = course.team_of(student_id)
    if team_id and (team is None or team.id != team_id):
        if team_id not in course.teams:
            known = ", ".join(sorted(course.teams)) or "none"
            raise CourseError(f"unknown team '{team_id}' (course.yml lists: {known})")
        own = f"{student_id}'s team is {team.id}" if team else f"{student_id} is in no team"
        raise CourseError(f"{student_id} is not a member of team {team_id} "
                          f"({', '.join(course.teams[team_id].members)}); {own}")
    if team is None:
        raise CourseError(f"{student_id} is in no team, and {a.id} is team work: ask your "
                          "instructor to add you to a team in course.yml (`course teams` lists them)")
    return team.id


def mark_submitter(submit_app, member: str) -> None:
    """After nbgrader's submit: record the member who submitted in the new
    submission (the exchange's copy and the team's cache). Informational, like
    the timestamp: it is written by the student's side."""
    name = submit_app.assignment_filename
    cached = name.rsplit("+", 1)[0] if submit_app.add_random_string else name
    for folder in (Path(submit_app.inbound_path) / name, Path(submit_app.cache_path) / cached):
        (folder / SUBMITTED_BY).write_text(member + "\n")


def submitter(folder: Path) -> str:
    """The member recorded in a submission folder, or "" (none, or not an id)."""
    path = folder / SUBMITTED_BY
    try:
        if path.is_symlink() or path.stat().st_size > 100:
            return ""
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if _MEMBER.match(text) else ""


def record_members(course: Course, a: Assignment, team_ids: list[str]) -> None:
    """At collect: the members each collected team has in course.yml now."""
    if not a.group or not team_ids:
        return
    record = recorded_members(course, a)
    record.update({t: list(course.members(a, t)) for t in team_ids})
    write_json_atomic(team_record(course, a.id), record)


def recorded_members(course: Course, a: Assignment) -> dict[str, list[str]]:
    try:
        data = json.loads(team_record(course, a.id).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): [str(m) for m in v] for k, v in data.items()
            if isinstance(v, list)} if isinstance(data, dict) else {}


def changes(course: Course, a: Assignment) -> list[str]:
    """How course.yml's teams differ from those of the submissions of `a` already
    collected. Submissions stay stored under their team; grades follow course.yml."""
    out = []
    for team, then in sorted(recorded_members(course, a).items()):
        now = list(course.members(a, team))
        if team not in course.teams:
            out.append(f"{a.id}: team {team} ({', '.join(then)} when its submission was "
                       "collected) is no longer in course.yml; its submission is kept, and its "
                       "grade reaches no one until the team is back")
            continue
        left, joined = [m for m in then if m not in now], [m for m in now if m not in then]
        if left or joined:
            what = "; ".join(([f"{', '.join(left)} left"] if left else [])
                             + ([f"{', '.join(joined)} joined"] if joined else []))
            out.append(f"{a.id}: team {team} changed since its submission was collected "
                       f"({what}); its grade now goes to {', '.join(now)}")
    return out
