"""Instructor: build the student version with nbgrader and release it to the exchange."""
from __future__ import annotations

import shutil
from datetime import timezone

import nbformat
from nbgrader.api import Gradebook

from autograder.authoring import contract
from autograder.authoring.source import build_source_notebook, solution_lines
from autograder.course.config import Course
from autograder.course.state import source_notebook
from autograder.errors import CourseError
from autograder.steps import nbconfig


def write_source(course: Course, assignment_id: str) -> None:
    """Put the assembled notebook and its datasets in nbgrader's source/ folder."""
    a = course.assignment(assignment_id)
    nb = build_source_notebook(a)
    path = source_notebook(course, a)
    dest = path.parent
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    nbformat.write(nb, path)
    for ds in a.datasets:
        shutil.copy(ds, dest / ds.name)


def verify_student_version(course: Course, assignment_id: str) -> None:
    """The released folder must hold no solution code and no hidden checks."""
    a = course.assignment(assignment_id)
    folder = course.course_dir / "release" / a.id
    allowed = {f"{a.notebook_name}.ipynb"} | {d.name for d in a.datasets}
    for f in folder.rglob("*"):
        if f.is_file() and f.name not in allowed:
            raise CourseError(f"release check: unexpected file in student version: {f.name}")
    nb = nbformat.read(folder / f"{a.notebook_name}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", a.checks.name):
        if marker in text:
            raise CourseError(f"release check: student version contains '{marker}'")
    contract.check_released(nb, f"{a.id} release")
    released = {line.strip() for line in text.splitlines()}
    leaked = sorted(solution_lines(a) & released)
    if leaked:
        raise CourseError(f"release check: solution code in student version: {leaked[0]!r}")


def generate(course: Course, assignment_id: str) -> None:
    a = course.assignment(assignment_id)
    write_source(course, a.id)
    nbconfig.require_success(nbconfig.api(course, a).generate_assignment(a.id, force=True, create=True),
              "generate_assignment")
    with Gradebook(course.db_url, course.id) as gb:
        gb.update_or_create_assignment(a.id, duedate=a.due.astimezone(timezone.utc).replace(tzinfo=None))
    register_students(course)
    verify_student_version(course, a.id)


def register_students(course: Course) -> None:
    """The gradebook's students: the roster's, and each team, under whose id team
    work is graded (formgrader lists a team as "team ID" with its members)."""
    with Gradebook(course.db_url, course.id) as gb:
        for s in course.roster:
            gb.update_or_create_student(s.id, first_name=s.first_name, last_name=s.last_name,
                                        email=s.email)
        for team in course.teams.values():
            gb.update_or_create_student(team.id, first_name=", ".join(team.members),
                                        last_name=f"team {team.id}")


def release(course: Course, assignment_id: str) -> None:
    """generate_assignment, verify, then release_assignment to the exchange."""
    a = course.assignment(assignment_id)
    generate(course, a.id)
    outbound = course.exchange / course.id / "outbound" / a.id
    if outbound.exists():  # re-release replaces the old student version
        shutil.rmtree(outbound)
    nbconfig.require_success(nbconfig.api(course, a).release_assignment(a.id), "release_assignment")
    nbconfig.tighten_exchange(course)


