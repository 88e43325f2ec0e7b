"""Student: fetch, validate (visible checks only), submit, fetch feedback.

Each step works from a StudentSide (steps/student_side.py): on the instructor's
machine each student's folder lies in the course folder and course.yml knows
their extension; on a student's own account nbgrader's student configuration
names the exchange, the student is the logged-in user, and what the course
publishes (pipeline/listing.py) tells the rest. Validation needs only the
notebook: the released notebook carries its assignment and its visible checks,
so any copy of it, under any name, can be validated anywhere.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from nbgrader.utils import capture_log, compute_checksum, parse_utc

from autograder.course.config import Course, Limits
from autograder.course.dirs import FEEDBACK, FETCHED_FEEDBACK, OUTBOUND
from autograder.course.late import Lateness, lateness
from autograder.engine.execution import execute_sandboxed
from autograder.errors import CourseError
from autograder.grading.submission import read_data
from autograder.nbcells import grade_id, is_test_cell, meta, read_notebook
from autograder.pipeline.listing import Listed, listed_assignment, read_stamp
from autograder.pipeline.teamwork import acting_for, mark_submitter, submitter
from autograder.steps import nbconfig
from autograder.steps.student_side import StudentSide, for_course


def _exchange_app(side: StudentSide, assignment_id: str, kind: str):
    cfg = side.exchange_config(assignment_id)
    coursedir = CourseDirectory(config=cfg)
    return getattr(ExchangeFactory(config=cfg), kind)(
        coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)


def require_released_to(side: StudentSide, assignment_id: str) -> Listed:
    """The assignment as the course published it; refused before its release."""
    if side.course is not None:
        side.course.assignment(assignment_id)  # an id course.yml does not know: say so
    if not (side.course_exchange / OUTBOUND / assignment_id).is_dir():
        raise CourseError(f"assignment '{assignment_id}' has not been released yet "
                          f"(the instructor releases it with `course release {assignment_id}`)")
    return listed_assignment(side.course_exchange, assignment_id)


def owner_side(side: StudentSide, assignment_id: str, team: str | None = None) -> StudentSide:
    """The side of whom the work is stored under: the student, or for team work
    their team (on the instructor's side course.yml's teams decide and refuse a
    non-member; on a student's own account they name their team with --team and
    work in their team's shared folder)."""
    if side.course is not None:
        a = side.course.assignment(assignment_id)
        owner = acting_for(side.course, a, side.student, team)
        if owner == side.student:
            return side
        return dataclasses.replace(side, student=owner, workspace=side.course.dirs.workspace(owner),
                                   cache=side.course.dirs.student_cache(owner))
    listed = listed_assignment(side.course_exchange, assignment_id)
    if not listed.group:
        if team:
            raise CourseError(f"{assignment_id} is individual work: leave out --team")
        return side
    if not team:
        raise CourseError(f"{assignment_id} is team work: name your team with --team TEAM, and "
                          "work in your team's shared folder")
    return dataclasses.replace(side, student=team)


def fetch(course: Course, assignment_id: str, student_id: str, team: str | None = None) -> Path:
    return fetch_as(for_course(course, student_id), assignment_id, team)


def fetch_as(side: StudentSide, assignment_id: str, team: str | None = None) -> Path:
    """Fetch into the student's folder; team work goes to the team's shared folder."""
    require_released_to(side, assignment_id)
    owner = owner_side(side, assignment_id, team)
    dest = owner.assignment_folder(assignment_id)
    if dest.exists():
        return dest  # never overwrite a student's work in progress
    nbconfig.require_success(capture_log(_exchange_app(owner, assignment_id, "FetchAssignment")),
                             "fetch_assignment")
    return dest


def tampered_cells(nb, test_cells: list[str]) -> list[str]:
    """Test cells changed (by nbgrader checksum) or deleted relative to the release."""
    problems = []
    for cell in nb.cells:
        m = meta(cell)
        if (m.get("locked") or is_test_cell(cell)) and "checksum" in m \
                and compute_checksum(cell) != m["checksum"]:
            problems.append(f"cell `{grade_id(cell)}` was changed")
    have = {grade_id(c) for c in nb.cells}
    problems += [f"test cell `{gid}` was deleted" for gid in test_cells if gid not in have]
    return problems


@dataclass(frozen=True)
class Run:
    """How to run a notebook for validation: its assignment, test cells and limits."""
    assignment: str
    test_cells: list[str]
    cell_timeout: int
    notebook_timeout: int
    limits: Limits


def _how_to_run(nb, notebook: Path, course: Course | None) -> Run:
    """From the notebook's own stamp (written at release), else, on the instructor's
    side, from course.yml by the notebook's name."""
    stamp = read_stamp(nb)
    if stamp is not None:
        known = set(Limits.__dataclass_fields__)
        return Run(stamp.assignment, list(stamp.test_cells), stamp.cell_timeout,
                   stamp.notebook_timeout, Limits(**{k: v for k, v in stamp.limits.items() if k in known}))
    matches = [a for a in course.assignments.values() if a.notebook_name == notebook.stem] \
        if course is not None else []
    if not matches:
        raise CourseError(f"{notebook.name} does not say which assignment it is (its release "
                          "stamp is missing: it was not fetched from this course, or was saved by "
                          "a tool that drops notebook metadata); fetch the assignment again and "
                          "copy your answers into the fresh notebook")
    a = matches[0]
    released = course.dirs.outbound(a.id) / f"{a.notebook_name}.ipynb"
    tests = [grade_id(c) for c in nbformat.read(released, as_version=4).cells
             if is_test_cell(c)] if released.is_file() else []
    return Run(a.id, tests, a.cell_timeout, a.notebook_timeout, a.limits)


@dataclass
class Validation:
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems


def _error_text(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"
    return None


def validate(course: Course | None, notebook: Path, seed: int = 0, progress=None) -> Validation:
    """Run the notebook with its visible checks. A stderr warning is not a failure;
    only errors are. Hidden checks are not run and nothing is revealed about them.
    `course` may be None: the notebook says what it is. `progress(label,
    error_or_None, done, total)` is called as each test cell (and each other cell
    that fails) has run, while the notebook still runs."""
    notebook = Path(notebook).resolve()
    nb = read_notebook(notebook)
    how = _how_to_run(nb, notebook, course)
    report = Validation(problems=tampered_cells(nb, how.test_cells))
    data = read_data(f for f in notebook.parent.iterdir() if f.is_file() and f.suffix != ".ipynb")
    total = sum(1 for c in nb.cells if c.cell_type == "code" and is_test_cell(c))
    done = [0]  # test cells run so far

    def on_cell(index, cell):
        err = _error_text(cell)
        label = grade_id(cell) or f"cell {index + 1}"
        if is_test_cell(cell):
            done[0] += 1
            (report.failed.append((label, err)) if err else report.passed.append(label))
        elif err:
            report.failed.append((label, err))
        else:
            return
        if progress is not None:
            progress(label, err, done[0], total)

    outcome = execute_sandboxed(nb, seed=seed, extraction={}, data=data,
                                cell_timeout=how.cell_timeout, notebook_timeout=how.notebook_timeout,
                                limits=how.limits, on_cell=on_cell)
    if outcome.stopped:
        report.problems.append(f"execution stopped: {outcome.stopped}")
    return report


@dataclass
class Receipt:
    """What a student is told after submitting."""
    assignment: str
    student: str
    files: list[str]
    submitted: datetime
    replaces: datetime | None   # the student's (or team's) earlier submission, if any
    late: Lateness
    team: str = ""              # team work: the team submitted for (`student` is the member)
    members: tuple[str, ...] = ()
    replaces_by: str = ""       # team work: the member who made the replaced submission

    def lines(self) -> list[str]:
        when = f"{self.submitted:%Y-%m-%d %H:%M:%S} UTC"
        who = (f"team {self.team} ({', '.join(self.members)}) by {self.student}" if self.team
               else self.student)
        out = [f"submitted {self.assignment} for {who} at {when}: {', '.join(self.files)}"]
        if self.replaces and self.team:
            by = f" by {self.replaces_by}" if self.replaces_by else ""
            out.append(f"this replaces the team's earlier submission of "
                       f"{self.replaces:%Y-%m-%d %H:%M:%S} UTC{by}; only the newest one is graded")
        elif self.replaces:
            out.append(f"this replaces your earlier submission of {self.replaces:%Y-%m-%d %H:%M:%S} "
                       "UTC; only the newest one is graded")
        out.append(f"lateness: {self.late.describe()}")
        return out


def _submissions(side: StudentSide, assignment_id: str) -> dict[str, datetime]:
    """{folder: time} of this student's earlier submissions, from their own
    nbgrader cache (the exchange's inbound folder is not readable by students)."""
    out = {}
    cache = side.submissions
    for folder in cache.glob(f"{side.student}+{assignment_id}+*") if cache.is_dir() else []:
        try:
            when = parse_utc((folder / "timestamp.txt").read_text().strip())
            out[folder.name] = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        except Exception:  # noqa: BLE001 - a damaged cache entry is no submission
            continue
    return out


def _lateness(owner: StudentSide, listed: Listed, when: datetime, team: bool) -> Lateness:
    """By course.yml (with the student's or team's extension) on the instructor's
    side, else by the published due date and policy."""
    if owner.course is not None:
        return lateness(owner.course.assignment(listed.id), owner.student, when, team=team)
    seconds = (when - listed.due_at).total_seconds()
    return Lateness(listed.due_at, when, False, seconds, listed.policy.days_late(seconds),
                    listed.policy.penalty_fraction(seconds), listed.policy.describe(), team)


def submit(course: Course, assignment_id: str, student_id: str, team: str | None = None) -> Receipt:
    return submit_as(for_course(course, student_id), assignment_id, team)


def submit_as(side: StudentSide, assignment_id: str, team: str | None = None) -> Receipt:
    """Submit the student's notebook; for team work, the team's, as that member."""
    listed = require_released_to(side, assignment_id)
    owner = owner_side(side, assignment_id, team)
    folder = owner.assignment_folder(assignment_id)
    path = folder / f"{listed.notebook}.ipynb"
    again = f"`course fetch {assignment_id}" + (f" --student {side.student}`" if side.course else "`")
    if not folder.is_dir():
        raise CourseError(f"you have not fetched {assignment_id} yet (there is no {folder}); run "
                          f"{again}, answer in {listed.notebook}.ipynb there, then submit")
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        hint = (f"found: {', '.join(others)}; rename yours to {path.name}" if others
                else f"no notebook is there; for a fresh copy, rename that folder and run {again}")
        raise CourseError(f"{assignment_id} expects {path.name} in {folder} ({hint})")
    read_notebook(path)  # refuse a damaged notebook while the student can still fix it
    before = _submissions(owner, assignment_id)
    app = _exchange_app(owner, assignment_id, "Submit")
    nbconfig.require_success(capture_log(app), "submit")
    if owner is not side:
        mark_submitter(app, side.student)
    after = _submissions(owner, assignment_id)
    new = [after[k] for k in after if k not in before] or list(after.values())
    when = max(new) if new else datetime.now(timezone.utc)
    earlier = {k: t for k, t in before.items() if t < when}
    last = max(earlier, key=earlier.get) if earlier else None
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                   if p.is_file() and not any(part in (FETCHED_FEEDBACK, ".ipynb_checkpoints")
                                              for part in p.relative_to(folder).parts))
    late = _lateness(owner, listed, when, team=owner is not side)
    if owner is side:
        return Receipt(assignment_id, side.student, files, when, earlier[last] if last else None, late)
    members = side.course.members(side.course.assignment(assignment_id), owner.student) \
        if side.course is not None else ()
    return Receipt(assignment_id, side.student, files, when, earlier[last] if last else None, late,
                   team=owner.student, members=members,
                   replaces_by=submitter(owner.submissions / last) if last else "")


def fetch_feedback(course: Course, assignment_id: str, student_id: str,
                   team: str | None = None) -> list[Path]:
    return fetch_feedback_as(for_course(course, student_id), assignment_id, team)


def fetch_feedback_as(side: StudentSide, assignment_id: str, team: str | None = None) -> list[Path]:
    """Fetch this student's feedback only: their private cache holds only their
    own submissions, which is what nbgrader matches feedback against. For team
    work, the team's shared cache: every member fetches the team's feedback."""
    require_released_to(side, assignment_id)
    owner = owner_side(side, assignment_id, team)
    if not _submissions(owner, assignment_id):
        who = f"team {owner.student}" if owner is not side else side.student
        raise CourseError(f"{who} has not submitted {assignment_id}, so there is no feedback to "
                          f"fetch; submit with `course submit {assignment_id}`")
    not_yet = CourseError(f"no feedback on {assignment_id} for {side.student} yet: it appears once "
                          f"your TA has graded it and released it (`course release-feedback "
                          f"{assignment_id}`); try again later")
    if not (side.course_exchange / FEEDBACK).is_dir():
        raise not_yet
    nbconfig.require_success(capture_log(_exchange_app(owner, assignment_id, "FetchFeedback")),
                             "fetch_feedback")
    folder = owner.assignment_folder(assignment_id) / FETCHED_FEEDBACK
    found = sorted(folder.rglob("*.html")) if folder.is_dir() else []
    if not found:
        raise not_yet
    return found
