"""Who the student is and where their side of the course lies (the exchange, the course id, their folders and nbgrader cache): from course.yml on the instructor's machine, or from nbgrader's own student configuration on a student's account.

A student on a shared machine or a JupyterHub has no course.yml. They have what
nbgrader's own assignment list reads: an `nbgrader_config.py` in Jupyter's config
path (`~/.jupyter`, `/etc/jupyter`, ...) or in the current folder, naming the
exchange and the course id (`course student-config` writes it). The student is
the logged-in user, as nbgrader decides it (`CourseDirectory.student_id` when the
configuration sets one, else the account name; on a hub's `jovyan` account,
`JUPYTERHUB_USER`). Acting for another student is the instructor's privilege:
whoever runs with course.yml and owns the course folder (or root).
"""
from __future__ import annotations

import copy
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from nbgrader.apps import NbGrader
from nbgrader.exchange.default.exchange import Exchange
from nbgrader.utils import get_username
from traitlets.config import Config

from autograder.course.config import Course
from autograder.course.dirs import course_exchange
from autograder.errors import CourseError
from autograder.steps import nbconfig

NO_CONFIG = ("no course configuration here: neither a course.yml nor a student configuration "
             "(an nbgrader_config.py naming Exchange.root and CourseDirectory.course_id, in "
             "~/.jupyter, /etc/jupyter or this folder); ask your instructor for it (they write it "
             "with `course student-config`)")


@dataclass(frozen=True)
class StudentSide:
    course_id: str
    exchange: Path        # the exchange's root; the course's folder is exchange / course_id
    student: str
    workspace: Path       # where assignments are fetched into (nbgrader's Exchange.assignment_dir)
    cache: Path           # nbgrader's cache: <cache>/<course_id>/ holds a copy of each submission
    config: Config        # what nbgrader's exchange apps run with, for this student
    course: Course | None = None  # set on the instructor's side (course.yml), else None

    @property
    def course_exchange(self) -> Path:
        return course_exchange(self.exchange, self.course_id)

    @property
    def submissions(self) -> Path:
        """This student's cached submissions: <student>+<assignment>+<timestamp> folders."""
        return self.cache / self.course_id

    def assignment_folder(self, assignment_id: str) -> Path:
        return self.workspace / assignment_id

    def exchange_config(self, assignment_id: str | None = None) -> Config:
        """nbgrader's configuration for this student's exchange steps (fetch,
        submit, list, fetch feedback), with their folders and id."""
        cfg = copy.deepcopy(self.config)
        cfg.CourseDirectory.course_id = self.course_id
        cfg.CourseDirectory.student_id = self.student
        if assignment_id is not None:
            cfg.CourseDirectory.assignment_id = assignment_id
        cfg.Exchange.root = str(self.exchange)
        cfg.Exchange.assignment_dir = str(self.workspace)
        cfg.Exchange.cache = str(self.cache)
        return cfg


def logged_in_user(config: Config | None = None) -> str:
    """The student id nbgrader itself would use for this account."""
    configured = (config or Config()).CourseDirectory.get("student_id")
    return str(configured) if configured and configured != "*" else get_username()


def is_instructor(course: Course) -> bool:
    """The owner of the course folder (or root) runs the course."""
    uid = os.getuid()
    try:
        return uid == 0 or course.course_dir.stat().st_uid == uid
    except OSError:
        return uid == 0


def _refuse_other(student: str, me: str) -> CourseError:
    return CourseError(f"you are logged in as '{me}'; only the instructor can act for another "
                       f"student ('{student}'); leave out --student to act for yourself")


def for_course(course: Course, student: str | None = None) -> StudentSide:
    """On the instructor's machine (and in the demo): each student's folder and
    nbgrader cache lie under the course folder."""
    me = logged_in_user()
    sid = student or me
    if sid != me and not is_instructor(course):
        raise _refuse_other(sid, me)
    course.student(sid)  # unknown students are refused before anything moves
    return StudentSide(course.id, course.exchange, sid, course.dirs.workspace(sid),
                       course.dirs.student_cache(sid),
                       nbconfig.nbgrader_config(course, None, sid), course)


def read_nbgrader_config() -> Config:
    """nbgrader's configuration as its own apps read it: Jupyter's config path,
    then the current folder."""
    app = NbGrader()
    app.log.setLevel(logging.ERROR)  # "No nbgrader_config.py file found" is our error to give
    app.load_config_file()
    return app.config


def from_nbgrader_config(student: str | None = None) -> StudentSide:
    """On a student's own account: everything from nbgrader's student configuration."""
    cfg = read_nbgrader_config()
    course_id = cfg.CourseDirectory.get("course_id")
    root = cfg.Exchange.get("root")
    if not course_id or not root:
        raise CourseError(NO_CONFIG)
    me = logged_in_user(cfg)
    if student and student != me:
        raise _refuse_other(student, me)
    exchange = Exchange(config=cfg)  # nbgrader's defaults for what the config leaves out
    cfg = Config(cfg)
    cfg.CourseDirectory.student_id = me
    return StudentSide(str(course_id), Path(root), me, Path(exchange.assignment_dir).resolve(),
                       Path(exchange.cache).resolve(), cfg)


def config_file(course: Course) -> str:
    """The student configuration of this course, as Python for nbgrader_config.py
    (`course student-config`): what the student's `course` commands and nbgrader's
    own assignment list both read. It names no student: each is the logged-in user."""
    base = nbconfig.nbgrader_config(course)
    size = base.CourseDirectory.max_dir_size
    return (f"# nbgrader's student configuration for the course {course.id}, written by\n"
            "# `course student-config` (docs/students.md). Put it where every student's\n"
            "# Jupyter and `course` find it: /etc/jupyter/nbgrader_config.py on the hub image\n"
            "# or a shared machine, or each student's ~/.jupyter/nbgrader_config.py.\n"
            "c = get_config()  # noqa: F821 (defined by Jupyter's config loader)\n"
            f"c.CourseDirectory.course_id = {course.id!r}\n"
            f"c.Exchange.root = {str(course.exchange)!r}\n"
            f"c.Exchange.timezone = {base.Exchange.timezone!r}\n"
            f"c.Exchange.timestamp_format = {base.Exchange.timestamp_format!r}\n"
            "# the course's submission size limit (course.yml submission_mb), in kB of 1000 bytes\n"
            f"c.CourseDirectory.max_dir_size = c.CourseDirectory.max_file_size = {size}\n")

