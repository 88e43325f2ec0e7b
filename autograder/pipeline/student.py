"""Student: fetch, validate (visible checks only), submit, fetch feedback."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.utils import capture_log, compute_checksum, parse_utc

from autograder.course.config import Assignment, Course
from autograder.course.late import Lateness, lateness
from autograder.engine.execution import execute_sandboxed
from autograder.errors import CourseError
from autograder.grading.submission import read_data
from autograder.nbcells import grade_id, is_test_cell, meta
from autograder.pipeline.readiness import require_released
from autograder.pipeline.teamwork import acting_for, mark_submitter, submitter
from autograder.steps import nbconfig


def _exchange_app(course: Course, a: Assignment, owner: str, kind: str):
    """nbgrader's exchange step for `owner`: a student, or a team for team work
    (unknown students and non-members were refused by acting_for)."""
    api = nbconfig.api(course, a, owner)
    return getattr(api.exchange, kind)(coursedir=api.coursedir, authenticator=api.authenticator,
                                       parent=api)


def fetch(course: Course, assignment_id: str, student_id: str, team: str | None = None) -> Path:
    """Fetch into the student's folder; team work goes to the team's shared folder."""
    a = course.assignment(assignment_id)
    owner = acting_for(course, a, student_id, team)
    require_released(course, a.id)
    dest = nbconfig.student_workspace(course, owner) / a.id
    if dest.exists():
        return dest  # never overwrite a student's work in progress
    nbconfig.require_success(capture_log(_exchange_app(course, a, owner, "FetchAssignment")),
              "fetch_assignment")
    return dest


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook or raise a one-line error that says what is wrong with it."""
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise CourseError(f"notebook not found: {path}") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError):
        raise CourseError(f"{path.name} is not valid notebook JSON; it may have been damaged "
                          "by a text editor. Restore it from Jupyter's checkpoint or fetch again "
                          "and copy your answers over.") from None
    except Exception as exc:
        raise CourseError(f"{path.name} could not be read as a notebook ({exc})") from None


def tampered_cells(course: Course, assignment_id: str, nb) -> list[str]:
    """Test cells changed (by nbgrader checksum) or deleted relative to the release."""
    problems = []
    for cell in nb.cells:
        m = meta(cell)
        if (m.get("locked") or is_test_cell(cell)) and "checksum" in m \
                and compute_checksum(cell) != m["checksum"]:
            problems.append(f"cell `{grade_id(cell)}` was changed")
    released = course.exchange / course.id / "outbound" / assignment_id
    a = course.assignment(assignment_id)
    if (released / f"{a.notebook_name}.ipynb").is_file():
        ref = nbformat.read(released / f"{a.notebook_name}.ipynb", as_version=4)
        have = {grade_id(c) for c in nb.cells}
        problems += [f"test cell `{grade_id(c)}` was deleted" for c in ref.cells
                     if is_test_cell(c) and grade_id(c) not in have]
    return problems


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


def validate(course: Course, notebook: Path, seed: int = 0, progress=None) -> Validation:
    """Run the notebook with its visible checks. A stderr warning is not a failure;
    only errors are. Hidden checks are not run and nothing is revealed about them.
    `progress(label, error_or_None, done, total)` is called as each test cell
    (and each other cell that fails) has run, while the notebook still runs."""
    notebook = Path(notebook).resolve()
    nb = read_notebook(notebook)
    matches = [a for a in course.assignments.values() if a.notebook_name == notebook.stem]
    if not matches:
        raise CourseError(f"{notebook.name} is not a notebook of any assignment in course.yml")
    a = matches[0]
    report = Validation(problems=tampered_cells(course, a.id, nb))
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
                                cell_timeout=a.cell_timeout, notebook_timeout=a.notebook_timeout,
                                limits=a.limits, on_cell=on_cell)
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


def _cache(course: Course, owner: str) -> Path:
    return nbconfig.student_workspace(course, owner) / ".nbgrader-cache" / course.id


def _submissions(course: Course, assignment_id: str, owner: str) -> dict[str, datetime]:
    """{folder: time} of the earlier submissions of a student (or a team), from
    their own nbgrader cache (the exchange's inbound folder is not readable by students)."""
    cache = _cache(course, owner)
    out = {}
    for folder in cache.glob(f"{owner}+{assignment_id}+*") if cache.is_dir() else []:
        try:
            when = parse_utc((folder / "timestamp.txt").read_text().strip())
            out[folder.name] = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        except Exception:  # noqa: BLE001 - a damaged cache entry is no submission
            continue
    return out


def submit(course: Course, assignment_id: str, student_id: str, team: str | None = None) -> Receipt:
    """Submit the student's notebook; for team work, the team's, as that member."""
    a = course.assignment(assignment_id)
    owner = acting_for(course, a, student_id, team)
    require_released(course, a.id)
    folder = nbconfig.student_workspace(course, owner) / a.id
    path = folder / f"{a.notebook_name}.ipynb"
    if not folder.is_dir():
        raise CourseError(f"you have not fetched {a.id} yet (there is no {folder}); run "
                          f"`course fetch {a.id} --student {student_id}`, answer in "
                          f"{a.notebook_name}.ipynb there, then submit")
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        hint = (f"found: {', '.join(others)}; rename yours to {path.name}" if others
                else f"no notebook is there; for a fresh copy, rename that folder and run "
                     f"`course fetch {a.id} --student {student_id}`")
        raise CourseError(f"{a.id} expects {path.name} in {folder} ({hint})")
    read_notebook(path)  # refuse a damaged notebook while the student can still fix it
    before = _submissions(course, a.id, owner)
    app = _exchange_app(course, a, owner, "Submit")
    nbconfig.require_success(capture_log(app), "submit")
    if a.group:
        mark_submitter(app, student_id)
    after = _submissions(course, a.id, owner)
    new = [after[k] for k in after if k not in before] or list(after.values())
    when = max(new) if new else datetime.now(timezone.utc)
    earlier = {k: t for k, t in before.items() if t < when}
    last = max(earlier, key=earlier.get) if earlier else None
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                   if p.is_file() and not any(part in ("feedback", ".ipynb_checkpoints")
                                              for part in p.relative_to(folder).parts))
    if not a.group:
        return Receipt(a.id, student_id, files, when, earlier[last] if last else None,
                       lateness(a, student_id, when))
    return Receipt(a.id, student_id, files, when, earlier[last] if last else None,
                   lateness(a, owner, when, team=True), team=owner,
                   members=course.members(a, owner),
                   replaces_by=submitter(_cache(course, owner) / last) if last else "")


def fetch_feedback(course: Course, assignment_id: str, student_id: str,
                   team: str | None = None) -> list[Path]:
    """Fetch this student's feedback only: their private cache holds only their
    own submissions, which is what nbgrader matches feedback against. For team
    work, the team's shared cache: every member fetches the team's feedback."""
    a = course.assignment(assignment_id)
    owner = acting_for(course, a, student_id, team)
    require_released(course, a.id)
    if not _submissions(course, a.id, owner):
        who = f"team {owner}" if a.group else student_id
        raise CourseError(f"{who} has not submitted {a.id}, so there is no feedback to "
                          f"fetch; submit with `course submit {a.id} --student {student_id}`")
    not_yet = CourseError(f"no feedback on {a.id} for {student_id} yet: it appears once your "
                          f"TA has graded it and run `course feedback {a.id}`; try again later")
    if not (course.exchange / course.id / "feedback").is_dir():
        raise not_yet
    nbconfig.require_success(capture_log(_exchange_app(course, a, owner, "FetchFeedback")),
              "fetch_feedback")
    folder = nbconfig.student_workspace(course, owner) / a.id / "feedback"
    found = sorted(folder.rglob("*.html")) if folder.is_dir() else []
    if not found:
        raise not_yet
    return found
