"""Student: what is released and due, what they fetched and submitted and when, how late, whether feedback is ready, and the answers to their regrade requests (`course status`), from the exchange and their own nbgrader cache.

Feedback readiness is nbgrader's own (its `list` of cached submissions, which
nbgrader's JupyterLab assignment list shows too): ready once the TA has
released it, never when it is only generated. Lateness uses the published due
date and late policy; on the instructor's side (course.yml) the student's
extension counts too, and the feedback page always has the final word.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeList
from nbgrader.utils import parse_utc

from autograder.course.late import Lateness, lateness
from autograder.errors import CourseError
from autograder.pipeline.listing import Listed, read_listing
from autograder.pipeline.regrade_request import kept_requests, read_answer
from autograder.pipeline.student import owner_side
from autograder.steps.student_side import StudentSide


@dataclass(frozen=True)
class AssignmentStatus:
    id: str
    title: str
    due: datetime
    fetched: bool
    submitted: datetime | None        # the newest submission
    submissions: int
    late: str                         # the newest submission's lateness, "" if none
    feedback: str                     # not yet | ready to fetch | fetched | updated, ...
    regrades: list[str] = field(default_factory=list)
    note: str = ""                    # why nothing more can be said (team work, no team)

    def lines(self) -> list[str]:
        out = [f"{self.id}: {self.title}, due {self.due:%Y-%m-%d %H:%M} UTC"]
        if self.note:
            out.append(f"  {self.note}")
        elif self.submitted is None:
            out.append("  fetched, not submitted yet" if self.fetched else "  not fetched yet")
        else:
            more = f" ({self.submissions} submissions; the newest is graded)" if self.submissions > 1 else ""
            out.append(f"  submitted {self.submitted:%Y-%m-%d %H:%M:%S} UTC{more}: {self.late}")
            out.append(f"  feedback: {self.feedback}")
        out += [f"  regrade {line}" for line in self.regrades]
        return out


def _submissions(side: StudentSide) -> dict[str, list[dict]]:
    """{assignment: nbgrader's list entries of this student's cached submissions}."""
    cfg = side.exchange_config()
    cfg.ExchangeList.cached = True
    coursedir = CourseDirectory(config=cfg)
    lister = ExchangeList(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
    if not side.submissions.is_dir():
        return {}
    found = lister.start()
    return {a["assignment_id"]: a["submissions"] for a in found if a["student_id"] == side.student}


def _feedback(newest: dict) -> str:
    if newest.get("feedback_updated"):
        return "updated since you fetched it; fetch it again"
    if newest.get("has_local_feedback"):
        return f"fetched, in {newest['local_feedback_path']}"
    if newest.get("has_exchange_feedback"):
        return "ready; fetch it with `course fetch-feedback " + newest["assignment_id"] + "`"
    return "not released yet"


def _lateness(owner: StudentSide, listed: Listed, when: datetime) -> str:
    """As the receipt said it (course.yml's extension on the instructor's side)."""
    if owner.course is not None and listed.id in owner.course.assignments:
        return lateness(owner.course.assignment(listed.id), owner.student, when,
                        team=listed.group).describe()
    seconds = (when - listed.due_at).total_seconds()
    policy = listed.policy
    return Lateness(listed.due_at, when, False, seconds, policy.days_late(seconds),
                    policy.penalty_fraction(seconds), policy.describe(), listed.group).describe()


def _regrade_lines(side: StudentSide, assignment_id: str) -> list[str]:
    out = []
    for req in kept_requests(side):
        if req.assignment != assignment_id:
            continue
        ans = read_answer(side, req)
        head = f"{req.question} (filed {req.filed[:16].replace('T', ' ')} UTC)"
        if ans is None:
            out.append(f"{head}: waiting for your TA")
            continue
        text = f"#{ans.number} {head}: {ans.status}"
        text += f", {ans.outcome}" if ans.status == "resolved" and ans.outcome else ""
        out.append(text + (f"; your TA: {ans.answer}" if ans.answer else ""))
    return out


def status(side: StudentSide, assignment_id: str | None = None,
           team: str | None = None) -> list[AssignmentStatus]:
    listed = read_listing(side.course_exchange)
    if assignment_id is not None:
        listed = {k: v for k, v in listed.items() if k == assignment_id}
    out = []
    for a in listed.values():
        try:
            owner = owner_side(side, a.id, team)
        except CourseError as exc:  # team work, and no team named or found
            out.append(AssignmentStatus(a.id, a.title, a.due_at, False, None, 0, "", "",
                                        [], note=str(exc)))
            continue
        subs = _submissions(owner).get(a.id, [])
        newest = subs[-1] if subs else None
        when = None
        if newest is not None:
            when = parse_utc(newest["timestamp"])
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        out.append(AssignmentStatus(
            a.id, a.title, a.due_at, owner.assignment_folder(a.id).is_dir(), when, len(subs),
            _lateness(owner, a, when) if when else "", _feedback(newest) if newest else "",
            _regrade_lines(side, a.id)))
    return out
