"""TA: generate feedback HTML from autograded notebooks, then, as a second step, release it to the students.

Generated pages stay in the course folder, where a TA can open and check them;
students can fetch a page only once it is released, and release refuses while
manual grading is pending unless forced (saying for whom), so nobody reads a
score that is about to change. Regenerate after changing a grade; release again
to replace what students see.

The autograded notebooks hold only our check messages in test cells, never
hidden check code or its tracebacks, so feedback cannot leak them. Student
outputs, markdown and raw cells are sanitised (safehtml.py), and only the page
nbgrader generated for the assignment's notebook is released: nbgrader copies
every other submitted file into feedback/ too, and releases any `*.html` there."""
from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.course.config import Assignment, Course
from autograder.course.state import graded_students
from autograder.errors import CourseError
from autograder.pipeline.readiness import require_autograded
from autograder.pipeline.regrades import graded_as, sync
from autograder.steps import nbconfig

# what nbgrader's release_feedback reads next to the HTML (never released itself)
RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")


def feedback_page(course: Course, a: Assignment, student_id: str) -> Path:
    return course.dirs.feedback(a.id, student_id) / f"{a.notebook_name}.html"


def regrade_lines(course: Course, assignment_id: str) -> dict[str, dict[str, dict[str, str]]]:
    """{nbgrader id (student, or team): {question: {"line": the latest regrade request on it, as one line,
    "answer": the TA's answer once resolved}}}, for preprocessors.SummariseFeedback."""
    a = course.assignment(assignment_id)
    out: dict = {}
    for r in sync(course, assignment_id).requests:  # requests filed since the TA last looked too
        line = f"#{r.number}, {r.status}" + (f", {r.outcome}" if r.status == "resolved" else "")
        out.setdefault(graded_as(course, a, r.student), {})[r.question] = {
            "line": line + (f". Your TA: {r.answer}" if r.answer else "."),
            "answer": r.answer if r.status == "resolved" else ""}
    return out


@dataclass
class Generated:
    pages: list[Path] = field(default_factory=list)        # one per student, in the course folder
    failed: dict[str, str] = field(default_factory=dict)   # student -> why their page is missing


def generate(course: Course, assignment_id: str, progress=None) -> Generated:
    """Generate the page of each student whose notebook was graded (not yet visible
    to students); one student's failure is noted and the others go on.
    `progress(student, done, total)` is called as each page is written."""
    a = course.assignment(assignment_id)
    require_autograded(course, a.id)
    api = nbconfig.api(course, a)
    api.config.SummariseFeedback.regrades = regrade_lines(course, a.id)
    # a submission that could not be graded (damaged, misfiled) has a report but no notebook
    students = [s for s in graded_students(course, a.id)
                if (course.dirs.autograded(a.id, s) / f"{a.notebook_name}.ipynb").is_file()]
    out = Generated()
    for i, student in enumerate(students):
        try:
            nbconfig.require_success(api.generate_feedback(a.id, student_id=student), "generate_feedback")
        except CourseError as exc:
            out.failed[student] = str(exc)
        if progress is not None:
            progress(student, i + 1, len(students))
    keep_own_feedback(course, a)
    out.pages = [p for s in students if (p := feedback_page(course, a, s)).is_file()]
    return out


def pending_manual(course: Course, a: Assignment) -> dict[str, list[str]]:
    """{student: questions still waiting for a TA's grade}, of the graded students."""
    out = {}
    with Gradebook(course.db_url, course.id) as gb:
        for student in graded_students(course, a.id):
            waiting = []
            for q in a.questions:
                try:
                    grade = gb.find_grade(q, a.notebook_name, a.id, student)
                except MissingEntry:
                    continue
                if grade.auto_score is None and grade.manual_score is None:
                    waiting.append(q)
            if waiting:
                out[student] = waiting
    return out


def release(course: Course, assignment_id: str, force: bool = False) -> list[str]:
    """Release the generated pages to the exchange; returns the students released to."""
    a = course.assignment(assignment_id)
    require_autograded(course, a.id)
    generated = [s for s in graded_students(course, a.id) if feedback_page(course, a, s).is_file()]
    if not generated:
        raise CourseError(f"no feedback on {a.id} has been generated yet; run "
                          f"`course feedback {a.id}`, check the pages, then release them")
    waiting = pending_manual(course, a)
    if waiting and not force:
        who = "; ".join(f"{s} ({', '.join(qs)})" for s, qs in sorted(waiting.items())[:8])
        more = f" and {len(waiting) - 8} more" if len(waiting) > 8 else ""
        raise CourseError(f"manual grading of {a.id} is still pending for {len(waiting)} student(s): "
                          f"{who}{more}; grade them in formgrader and run `course feedback {a.id}` "
                          "again, or release anyway with --force")
    nbconfig.require_success(nbconfig.api(course, a).release_feedback(a.id), "release_feedback")
    return generated


def feedback(course: Course, assignment_id: str) -> None:
    """Both steps at once, releasing even while manual grading is pending: the demo
    and the tests (the `course` command runs them as two steps)."""
    generate(course, assignment_id)
    release(course, assignment_id, force=True)


def _is_regular(path: Path) -> bool:
    """A regular file, not a symlink to one."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _remove(path: Path) -> None:
    """Remove a file, link or folder; a symlink is unlinked, never followed."""
    if path.is_symlink() or not path.is_dir():
        path.unlink()
    else:
        shutil.rmtree(path)  # does not follow symlinks inside


def keep_own_feedback(course: Course, a: Assignment) -> None:
    """Leave in each feedback/<student>/<assignment>/ only `<notebook>.html`, which
    nbgrader's export writes after copying the student's other files (and removes
    the whole folder when the export fails), plus the files release_feedback reads,
    rewritten from autograded/. Symlinks are removed, never followed."""
    root = course.dirs.feedback_root
    page = f"{a.notebook_name}.html"
    for student in sorted(root.iterdir()) if root.is_dir() else []:
        folder = course.dirs.feedback(a.id, student.name)
        if student.is_symlink() or folder.is_symlink():
            _remove(student if student.is_symlink() else folder)
            continue
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if not (entry.name == page and _is_regular(entry)):
                _remove(entry)
        if not _is_regular(folder / page):
            shutil.rmtree(folder)
            continue
        graded = course.dirs.autograded(a.id, student.name)
        for name in RELEASE_FILES:
            if _is_regular(graded / name):
                (folder / name).write_bytes((graded / name).read_bytes())
