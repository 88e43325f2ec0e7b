"""Student: ask for a question to be graded again, with a reason (`course regrade-request`), and read the TA's answers to one's own requests.

A request goes through the exchange as a submission does: into a folder every
student can write to but none can list (`regrade_requests`, mode 2733), as one
JSON file. It carries a secret token that the student also keeps in their own
nbgrader cache. The TA's answer comes back in a folder nobody can list
(`regrade_answers`, 0711), in a file named by a hash of that token, so only the
student who filed the request (and the TA) can find it.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from autograder.errors import CourseError
from autograder.pipeline.listing import listed_assignment
from autograder.pipeline.student import owner_side
from autograder.steps.student_side import StudentSide

REQUESTS, ANSWERS, KEPT = "regrade_requests", "regrade_answers", "regrades"
MAX_WHY = 4000  # characters: a reason, not an essay
OPEN = ("open", "answered")  # statuses a request can still move on from


@dataclass(frozen=True)
class RegradeRequest:
    """Written by the student's side; read by the TA's (`regrades.py`)."""
    student: str
    assignment: str
    question: str
    why: str
    filed: str     # ISO 8601, UTC
    token: str     # shared by the student and the TA: names the answer file

    @property
    def answer_name(self) -> str:
        return answer_name(self.token)


@dataclass(frozen=True)
class RegradeAnswer:
    """Written by the TA's side after every change; read by the student's side."""
    number: int
    question: str
    status: str        # open | answered | resolved
    answer: str        # the TA's words to the student
    outcome: str       # e.g. "score changed from 0 to 3 of 3", "score unchanged"
    updated: str       # ISO 8601, UTC


def answer_name(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest() + ".json"


def requests_folder(course_exchange: Path) -> Path:
    return course_exchange / REQUESTS


def answers_folder(course_exchange: Path) -> Path:
    return course_exchange / ANSWERS


def open_folders(course_exchange: Path) -> None:
    """Create the two exchange folders (the instructor's side, at release):
    requests can be added but not listed, answers read only by name."""
    for folder, mode in ((requests_folder(course_exchange), 0o2733),
                         (answers_folder(course_exchange), 0o711)):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(folder, mode)
        except PermissionError:
            pass  # made by another account, which sets the mode


def kept_requests(side: StudentSide) -> list[RegradeRequest]:
    """This student's own requests, from their nbgrader cache, oldest first."""
    folder = side.submissions / KEPT
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            req = RegradeRequest(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue  # a damaged copy is no request
        if req.student == side.student:
            out.append(req)
    return sorted(out, key=lambda r: r.filed)


def read_answer(side: StudentSide, request: RegradeRequest) -> RegradeAnswer | None:
    try:
        data = json.loads((answers_folder(side.course_exchange) / request.answer_name).read_text())
        return RegradeAnswer(**data)
    except (OSError, ValueError, TypeError):
        return None  # not seen by a TA yet


def file_request(side: StudentSide, assignment_id: str, question: str, why: str,
                 team: str | None = None) -> RegradeRequest:
    """File one request; refuse what a TA could not act on, while the student can fix it.
    For team work any member may file; the team's submission is the one regraded."""
    listed = listed_assignment(side.course_exchange, assignment_id)
    if question not in listed.questions:
        raise CourseError(f"'{question}' is not a question of {assignment_id}; its questions are: "
                          + ", ".join(f"{q} ({listed.labels.get(q, q)})" for q in listed.questions))
    why = why.strip()
    if not why:
        raise CourseError("say why with --why: what you think was graded wrongly, and where to look")
    if len(why) > MAX_WHY:
        raise CourseError(f"--why is {len(why)} characters; keep it under {MAX_WHY}")
    owner = owner_side(side, assignment_id, team)
    if not any(owner.submissions.glob(f"{owner.student}+{assignment_id}+*")):
        who = "you have" if owner is side else f"team {owner.student} has"
        raise CourseError(f"{who} not submitted {assignment_id}, so there is nothing to regrade")
    for earlier in kept_requests(side):
        if earlier.assignment == assignment_id and earlier.question == question:
            answer = read_answer(side, earlier)
            if answer is None or answer.status in OPEN:
                raise CourseError(f"you already have an open regrade request on {question} (filed "
                                  f"{earlier.filed[:16].replace('T', ' ')} UTC); your TA answers it, "
                                  "and `course status` shows the answer")
    inbox = requests_folder(side.course_exchange)
    if not inbox.is_dir():
        raise CourseError("regrade requests are not open for this course yet; ask your instructor "
                          "(they open them with `course release` or `course regrades`)")
    now = datetime.now(timezone.utc)
    request = RegradeRequest(side.student, assignment_id, question, why, now.isoformat(),
                             secrets.token_urlsafe(24))
    name = f"{side.student}+{assignment_id}+{question}+{now:%Y%m%dT%H%M%S%f}+{secrets.token_hex(8)}.json"
    text = json.dumps(asdict(request), indent=1)
    kept = side.submissions / KEPT / name
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(text)
    with open(inbox / name, "x") as fh:  # never replaces: the name is new
        fh.write(text)
    return request
