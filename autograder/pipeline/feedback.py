"""TA: generate feedback HTML from autograded notebooks and release it.

The autograded notebooks hold only our check messages in test cells, never
hidden check code or its tracebacks, so feedback cannot leak them. Student
outputs, markdown and raw cells are sanitised (safehtml.py), and only the page
nbgrader generated for the assignment's notebook is released: nbgrader copies
every other submitted file into feedback/ too, and releases any `*.html` there."""
from __future__ import annotations

import shutil
import stat
from pathlib import Path

from autograder.course.config import Assignment, Course
from autograder.steps import nbconfig

# what nbgrader's release_feedback reads next to the HTML (never released itself)
RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")


def feedback(course: Course, assignment_id: str) -> None:
    a = course.assignment(assignment_id)
    api = nbconfig.api(course, a)
    nbconfig.require_success(api.generate_feedback(a.id), "generate_feedback")
    keep_own_feedback(course, a)
    nbconfig.require_success(api.release_feedback(a.id), "release_feedback")


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
