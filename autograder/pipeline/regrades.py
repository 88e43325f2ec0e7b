"""TA: the regrade requests of one homework (`course regrades HW`): list them, answer them, resolve them (with a new score or without), each change kept in an audit trail of who, when, what before and what after.

Requests arrive in the exchange (regrade_request.py) and are numbered as they
are first read. The course keeps them in `<course_dir>/regrades/HW.json`; after
every change the student's answer file in the exchange is rewritten, so the
student's `course status` shows it at once, and the next `course feedback`
shows it on their page. A new score is a manual score in nbgrader's gradebook,
as a TA's override in formgrader is: export, stats, formgrader and feedback
all use it, and the feedback says the score was adjusted.
"""
from __future__ import annotations

import json
import os
import pwd
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Assignment, Course
from autograder.engine.jobs import write_json_atomic
from autograder.errors import CourseError
from autograder.pipeline.readiness import require_released
from autograder.pipeline.regrade_request import (OPEN, RegradeAnswer, RegradeRequest, answers_folder,
                                                 open_folders, requests_folder)
from autograder.steps.student_side import logged_in_user

MAX_REQUEST_BYTES = 64 * 1024


@dataclass(frozen=True)
class Event:
    """One change to a request: who made it, when, and the fields before and after."""
    when: str
    who: str
    action: str          # filed | answered | resolved | reopened
    before: dict
    after: dict


@dataclass
class Regrade:
    number: int
    student: str
    question: str
    why: str
    filed: str
    answer_name: str     # the student's answer file in the exchange
    source: str          # the request's file name in the exchange
    status: str = "open"          # open | answered | resolved
    answer: str = ""
    outcome: str = ""
    history: list[Event] = field(default_factory=list)

    def fields(self) -> dict:
        return {"status": self.status, "answer": self.answer, "outcome": self.outcome}


@dataclass
class Book:
    """All requests of one homework, as kept in the course folder."""
    assignment: str
    requests: list[Regrade] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # exchange file -> why it was not taken

    def get(self, number: int) -> Regrade:
        for r in self.requests:
            if r.number == number:
                return r
        known = ", ".join(str(r.number) for r in self.requests) or "none yet"
        raise CourseError(f"no regrade request #{number} on {self.assignment} (requests: {known})")

    def for_student(self, student: str) -> list[Regrade]:
        return [r for r in self.requests if r.student == student]


def book_path(course: Course, assignment_id: str) -> Path:
    return course.dirs.regrades(assignment_id)


def load_book(course: Course, assignment_id: str) -> Book:
    try:
        data = json.loads(book_path(course, assignment_id).read_text())
    except FileNotFoundError:
        return Book(assignment_id)
    except (OSError, ValueError) as exc:
        raise CourseError(f"{book_path(course, assignment_id)} cannot be read ({exc}); it is the "
                          "regrade record: restore it from a backup") from None
    requests = [Regrade(**{**r, "history": [Event(**e) for e in r["history"]]})
                for r in data.get("requests", [])]
    return Book(assignment_id, requests, data.get("refused", {}))


def save_book(course: Course, book: Book) -> None:
    write_json_atomic(book_path(course, book.assignment), asdict(book))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _filer_ok(path: Path, student: str) -> bool:
    """On a shared machine the file's owner is the student who filed it; a file
    made by one account in another's name is not taken (the instructor's own
    files, as in the demo, are)."""
    uid = path.stat().st_uid
    if uid in (0, os.getuid()):
        return True
    try:
        return pwd.getpwuid(uid).pw_name == student
    except KeyError:
        return False


def _take(course: Course, a: Assignment, path: Path) -> RegradeRequest | str:
    """The request in one exchange file, or why it is not taken."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_REQUEST_BYTES:
            return "not a regular file of a sensible size"
        request = RegradeRequest(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return "not a regrade request (damaged or hand-made)"
    if request.assignment != a.id or not path.name.startswith(f"{request.student}+{a.id}+"):
        return "names another assignment or student than its file"
    if request.student not in {s.id for s in course.roster}:
        return f"'{request.student}' is not on the roster"
    if request.question not in a.questions:
        return f"'{request.question}' is not a question of {a.id}"
    if not _filer_ok(path, request.student):
        return f"filed by another account in {request.student}'s name"
    return request


def sync(course: Course, assignment_id: str) -> Book:
    """Number and keep the requests that arrived since the last look."""
    a = course.assignment(assignment_id)
    require_released(course, a.id)
    exchange = course.dirs.course_exchange
    open_folders(exchange)
    book = load_book(course, a.id)
    seen = {r.source for r in book.requests} | set(book.refused)
    for path in sorted(requests_folder(exchange).glob(f"*+{a.id}+*.json")):
        if path.name in seen:
            continue
        taken = _take(course, a, path)
        if isinstance(taken, str):
            book.refused[path.name] = taken
            continue
        number = max((r.number for r in book.requests), default=0) + 1
        r = Regrade(number, taken.student, taken.question, taken.why, taken.filed,
                    taken.answer_name, path.name)
        r.history.append(Event(taken.filed, taken.student, "filed", {}, {"why": taken.why, **r.fields()}))
        book.requests.append(r)
        _publish(exchange, r)
    save_book(course, book)
    return book


def _publish(exchange: Path, r: Regrade) -> None:
    """The student's view of their request, readable by whoever knows its name."""
    path = answers_folder(exchange) / r.answer_name
    write_json_atomic(path, asdict(RegradeAnswer(r.number, r.question, r.status, r.answer,
                                                 r.outcome, r.history[-1].when)))
    os.chmod(path, 0o644)


def _change(course: Course, book: Book, r: Regrade, action: str, who: str | None,
            score: tuple[float, float] | None = None, **after) -> Regrade:
    """Apply one change and record it: the fields it changed, before and after
    (and the score, when the gradebook changed too)."""
    before = {k: getattr(r, k) for k in after}
    for k, v in after.items():
        setattr(r, k, v)
    if score is not None:
        before["score"], after["score"] = score
    r.history.append(Event(_now(), who or logged_in_user(), action, before, dict(after)))
    save_book(course, book)
    _publish(course.dirs.course_exchange, r)
    return r


def answer(course: Course, assignment_id: str, number: int, text: str,
           who: str | None = None) -> Regrade:
    """Answer without closing: the student sees it; the request stays open."""
    book = sync(course, assignment_id)
    r = book.get(number)
    if not text.strip():
        raise CourseError("the answer is empty; write what the student should know (--reply TEXT)")
    return _change(course, book, r, "answered", who, status="answered" if r.status != "resolved"
                   else r.status, answer=text.strip())


def graded_as(course: Course, a: Assignment, student: str) -> str:
    """Whose submission the request is about: the student's, or their team's."""
    team = course.team_of(student) if a.group else None
    return team.id if team else student


def set_score(course: Course, a: Assignment, student: str, question: str, score: float) -> float:
    """Set a manual score in the gradebook, as formgrader does; returns the score before.
    For team work the team's grade changes (every member's)."""
    points = a.questions[question]
    if not 0 <= score <= points:
        raise CourseError(f"--score must lie between 0 and {points:g}, the points of {question}")
    with Gradebook(course.db_url, course.id) as gb:
        try:
            grade = gb.find_grade(question, a.notebook_name, a.id, graded_as(course, a, student))
        except MissingEntry:
            raise CourseError(f"{student}'s submission of {a.id} has no graded {question} in the "
                              f"gradebook yet; autograde it first (`course autograde {a.id}`)") from None
        before = grade.score
        grade.manual_score = score
        gb.db.commit()
    return before


def resolve(course: Course, assignment_id: str, number: int, who: str | None = None,
            text: str | None = None, score: float | None = None) -> Regrade:
    """Close a request, with a new score (a manual score in the gradebook) or without."""
    a = course.assignment(assignment_id)
    book = sync(course, a.id)
    r = book.get(number)
    if r.status == "resolved":
        raise CourseError(f"regrade request #{number} is already resolved ({r.outcome}); "
                          "reopen it first with --reopen")
    points = a.questions[r.question]
    change = None
    outcome = "score unchanged"
    if score is not None:
        change = (set_score(course, a, r.student, r.question, score), score)
        if abs(change[0] - score) > 1e-9:
            outcome = f"score changed from {change[0]:g} to {score:g} of {points:g}"
    answer_text = (text or "").strip() or r.answer
    return _change(course, book, r, "resolved", who, change, status="resolved", answer=answer_text,
                   outcome=outcome)


def reopen(course: Course, assignment_id: str, number: int, who: str | None = None) -> Regrade:
    book = sync(course, assignment_id)
    r = book.get(number)
    if r.status != "resolved":
        raise CourseError(f"regrade request #{number} is still {r.status}; only a resolved one reopens")
    return _change(course, book, r, "reopened", who, status="answered" if r.answer else "open")


def is_open(r: Regrade) -> bool:
    return r.status in OPEN
