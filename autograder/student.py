"""Student: fetch, validate (visible checks only), submit, fetch feedback."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import capture_log, compute_checksum

from . import nbconfig
from .config import Course
from .errors import CourseError
from .execution import execute_sandboxed
from .nbcells import grade_id, is_test_cell, meta
from .release import _nbgrader, is_released
from .submission import read_data


def _exchange_app(course: Course, assignment_id: str, student_id: str, kind: str):
    course.student(student_id)  # unknown students are refused before anything moves
    a = course.assignment(assignment_id)
    api = nbconfig.api(course, a, student_id)
    return getattr(api.exchange, kind)(coursedir=api.coursedir, authenticator=api.authenticator,
                                       parent=api)


def fetch(course: Course, assignment_id: str, student_id: str) -> Path:
    if not is_released(course, assignment_id):
        course.assignment(assignment_id)
        raise CourseError(f"assignment '{assignment_id}' has not been released yet")
    dest = nbconfig.student_workspace(course, student_id) / assignment_id
    if dest.exists():
        return dest  # never overwrite a student's work in progress
    _nbgrader(capture_log(_exchange_app(course, assignment_id, student_id, "FetchAssignment")),
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


def validate(course: Course, notebook: Path, seed: int = 0) -> Validation:
    """Run the notebook with its visible checks. A stderr warning is not a failure;
    only errors are. Hidden checks are not run and nothing is revealed about them."""
    notebook = Path(notebook).resolve()
    nb = read_notebook(notebook)
    matches = [a for a in course.assignments.values() if a.notebook_name == notebook.stem]
    if not matches:
        raise CourseError(f"{notebook.name} is not a notebook of any assignment in course.yml")
    a = matches[0]
    report = Validation(problems=tampered_cells(course, a.id, nb))
    data = read_data(f for f in notebook.parent.iterdir() if f.is_file() and f.suffix != ".ipynb")
    outcome = execute_sandboxed(nb, seed=seed, extraction={}, data=data,
                                cell_timeout=a.cell_timeout, notebook_timeout=a.notebook_timeout,
                                limits=a.limits)
    if outcome.stopped:
        report.problems.append(f"execution stopped: {outcome.stopped}")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        err = _error_text(cell)
        label = grade_id(cell) or f"cell {index + 1}"
        if is_test_cell(cell):
            (report.failed.append((label, err)) if err else report.passed.append(label))
        elif err:
            report.failed.append((label, err))
    return report


def submit(course: Course, assignment_id: str, student_id: str) -> None:
    a = course.assignment(assignment_id)
    course.student(student_id)
    if not is_released(course, assignment_id):
        raise CourseError(f"assignment '{assignment_id}' has not been released yet")
    folder = nbconfig.student_workspace(course, student_id) / a.id
    path = folder / f"{a.notebook_name}.ipynb"
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
        hint = f" (found: {', '.join(others)})" if others else ""
        raise CourseError(f"{a.id} expects {path.name} in {folder}{hint}; "
                          "is this the right assignment?")
    read_notebook(path)  # refuse a damaged notebook while the student can still fix it
    _nbgrader(capture_log(_exchange_app(course, a.id, student_id, "Submit")), "submit")


def fetch_feedback(course: Course, assignment_id: str, student_id: str) -> list[Path]:
    """Fetch this student's feedback only: their private cache holds only their
    own submissions, which is what nbgrader matches feedback against."""
    _nbgrader(capture_log(_exchange_app(course, assignment_id, student_id, "FetchFeedback")),
              "fetch_feedback")
    folder = nbconfig.student_workspace(course, student_id) / assignment_id / "feedback"
    return sorted(folder.rglob("*.html")) if folder.is_dir() else []
