"""What each step needs before it can run, checked up front so that a step run
too early stops with one line that says what is missing and what to run next
(instead of an empty result, an all-zero file or a database traceback)."""
from __future__ import annotations

import os

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Course
from autograder.course.state import graded_students, is_released, submitted_students
from autograder.errors import CourseError


def require_released(course: Course, assignment_id: str) -> None:
    a = course.assignment(assignment_id)
    if not is_released(course, a.id):
        raise CourseError(f"assignment '{a.id}' has not been released yet "
                          f"(the instructor releases it with `course release {a.id}`)")


def require_in_gradebook(course: Course, assignment_id: str) -> None:
    """The gradebook knows the assignment (it is written at release)."""
    a = course.assignment(assignment_id)
    if course.dirs.gradebook.is_file():
        with Gradebook(course.db_url, course.id) as gb:
            try:
                gb.find_assignment(a.id)
                return
            except MissingEntry:
                pass
    raise CourseError(f"the gradebook has no '{a.id}' yet because it has not been released; "
                      f"run `course release {a.id}` first (course state: {course.course_dir})")


def require_questions_as_released(course: Course, assignment_id: str) -> None:
    """course.yml's questions and points are those the gradebook grades: a question
    renamed, added, or given other points after release would make every grade
    lookup fail, or silently change the maximum while the graded cell keeps its own."""
    a = course.assignment(assignment_id)
    with Gradebook(course.db_url, course.id) as gb:
        try:
            cells = {c.name: c.max_score for c in gb.find_notebook(a.notebook_name, a.id).grade_cells}
        except MissingEntry:
            return  # nothing released in this notebook's name: require_in_gradebook says so
    fix = (f"put course.yml back as it was, or change the notebook to match, release again and "
           f"regrade (`course release {a.id}`, then `course autograde {a.id} --regrade`)")
    for q, points in a.questions.items():
        if q not in cells:
            raise CourseError(f"course.yml lists question '{q}' for {a.id}, but {a.id} was released "
                              f"without it (released questions: {', '.join(sorted(cells))}); {fix}")
        if abs(cells[q] - points) > 1e-9:
            raise CourseError(f"course.yml gives '{q}' {points:g} point(s), but {a.id} was released "
                              f"and is graded with {cells[q]:g}; {fix}")
    extra = sorted(set(cells) - set(a.questions))
    if extra:
        raise CourseError(f"{a.id} was released with question '{extra[0]}', which course.yml no "
                          f"longer lists; {fix}")


def waiting_in_exchange(course: Course, assignment_id: str) -> int:
    """Submissions of this assignment in the exchange's inbound folder."""
    try:
        names = os.listdir(course.dirs.inbound)
    except OSError:
        return 0
    return sum(1 for n in names if n.count("+") >= 2 and n.split("+")[1] == assignment_id)


def nothing_collected(course: Course, assignment_id: str) -> CourseError:
    waiting = waiting_in_exchange(course, assignment_id)
    hint = (f"{waiting} submission(s) wait in the exchange" if waiting
            else "the exchange holds no submission of it either")
    return CourseError(f"no collected submission of '{assignment_id}' to grade ({hint}); "
                       f"run `course collect {assignment_id}` first")


def require_autograded(course: Course, assignment_id: str, what: str = "give feedback on") -> None:
    a = course.assignment(assignment_id)
    require_released(course, a.id)
    if not graded_students(course, a.id):
        step = (f"`course autograde {a.id}`" if submitted_students(course, a.id)
                else f"`course collect {a.id}` and then `course autograde {a.id}`")
        raise CourseError(f"no autograded submission of '{a.id}' yet, so there is nothing to "
                          f"{what}; run {step} first")


def export_warnings(course: Course, assignment_id: str) -> list[str]:
    """Why an export would hold rows that are not grades yet (it is still written)."""
    a = course.assignment(assignment_id)
    graded = set(graded_students(course, a.id))
    collected = set(submitted_students(course, a.id))
    out = []
    waiting = collected - graded
    if not graded and not collected:
        out.append(f"no submission of '{a.id}' has been collected or autograded yet: every row "
                   f"is 'missing'; run `course collect {a.id}` and `course autograde {a.id}`, "
                   "then export again")
    elif waiting:
        out.append(f"{len(waiting)} collected submission(s) of '{a.id}' are not autograded yet "
                   f"({', '.join(sorted(waiting)[:5])}{' ...' if len(waiting) > 5 else ''}) "
                   f"and show as 'not_graded'; run `course autograde {a.id}`, then export again")
    return out
