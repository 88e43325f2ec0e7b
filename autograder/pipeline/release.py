"""Instructor: build the student version with nbgrader and release it to the exchange."""
from __future__ import annotations

import shutil
from datetime import timezone

import nbformat
from nbgrader.api import Gradebook

from autograder.authoring import contract
from autograder.authoring.source import build_source_notebook, solution_lines
from autograder.course.config import DUE_PLACEHOLDER, Course
from autograder.errors import CourseError
from autograder.nbcells import grade_id, is_test_cell
from autograder.pipeline.listing import Stamp, publish, stamp_notebook
from autograder.pipeline.regrade_request import open_folders
from autograder.steps import nbconfig
from autograder.steps.summary import question_labels


def write_source(course: Course, assignment_id: str) -> None:
    """Put the assembled notebook and its datasets in nbgrader's source/ folder."""
    a = course.assignment(assignment_id)
    nb = build_source_notebook(a)
    path = course.dirs.source_notebook(a.id, a.notebook_name)
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
    notebook = course.dirs.released_notebook(a.id, a.notebook_name)
    allowed = {notebook.name} | {d.name for d in a.datasets}
    for f in course.dirs.release(a.id).rglob("*"):
        if f.is_file() and f.name not in allowed:
            raise CourseError(f"release check: unexpected file in student version: {f.name}")
    nb = nbformat.read(notebook, as_version=4)
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
    stamp_release(course, a.id)
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


def stamp_release(course: Course, assignment_id: str) -> None:
    """Write into the student version what validating it needs without course.yml."""
    a = course.assignment(assignment_id)
    path = course.dirs.released_notebook(a.id, a.notebook_name)
    nb = nbformat.read(path, as_version=4)
    tests = [grade_id(c) for c in nb.cells if is_test_cell(c)]
    stamp_notebook(nb, Stamp(course.id, a.id, a.notebook_name, tests, a.cell_timeout,
                             a.notebook_timeout, a.limits.to_dict()))
    nbformat.write(nb, path)


def release(course: Course, assignment_id: str, progress=None) -> None:
    """generate_assignment, verify, then release_assignment to the exchange.
    `progress(text)` is told each step as it starts."""
    a = course.assignment(assignment_id)
    if a.due_placeholder:
        raise CourseError(f"{a.due_placeholder}: the due date of {a.id} is still the placeholder "
                          f"`course new` wrote (marked {DUE_PLACEHOLDER}); set the real deadline, "
                          "delete that comment, then release")
    say = progress or (lambda text: None)
    say(f"building the student version of {a.id} with nbgrader and checking it")
    generate(course, a.id)
    say(f"releasing {a.id} to the exchange")
    outbound = course.dirs.outbound(a.id)
    if outbound.exists():  # re-release replaces the old student version
        shutil.rmtree(outbound)
    nbconfig.require_success(nbconfig.api(course, a).release_assignment(a.id), "release_assignment")
    nbconfig.tighten_exchange(course)
    exchange = course.dirs.course_exchange
    publish(exchange, a, question_labels(nbformat.read(course.dirs.source_notebook(a.id, a.notebook_name), as_version=4)))
    open_folders(exchange)


