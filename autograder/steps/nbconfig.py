"""Build nbgrader's traitlets Config from course.yml (no nbgrader_config.py on disk)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbgrader
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, LimitOutput, OverwriteCells,
                                    GetGrades, OverwriteKernelspec, SaveAutoGrades)
from traitlets.config import Config

from autograder.course.config import Assignment, Course
from autograder.errors import CourseError
from autograder.steps.preprocessors import (CourseLatePolicy, ExecuteAndExtract, RecordTampering,
                                            RepairNotebook, RunHiddenChecks, SanitizeStudentOutputs,
                                            SummariseFeedback, WriteGradingReport)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NBGRADER_TEMPLATES = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"


def nbgrader_config(course: Course, assignment: Assignment | None = None,
                    student_id: str | None = None) -> Config:
    c = Config()
    for name, value in course.dirs.nbgrader_settings().items():  # nbgrader's layout is ours
        setattr(c.CourseDirectory, name, value)
    c.CourseDirectory.course_id = course.id
    c.Exchange.root = str(course.exchange)
    c.Exchange.timezone = "UTC"
    c.Exchange.timestamp_format = "%Y-%m-%d %H:%M:%S.%f %Z"
    # nbgrader's submit refuses a folder over max_dir_size and silently drops
    # files over max_file_size (both in kB of 1000 bytes); collect refuses over
    # course.yml's submission_mb, so the three agree
    c.CourseDirectory.max_dir_size = c.CourseDirectory.max_file_size = \
        int(course.submission_mb * 2**20 / 1000)

    # RepairNotebook first: nbconvert validates the notebook format after every
    # step, so a damaged kernelspec or metadata must be repaired before any other
    c.Autograde.sanitize_preprocessors = [
        RepairNotebook, ClearOutput, DeduplicateIds, OverwriteKernelspec, RecordTampering,
        OverwriteCells, CheckCellMetadata]
    c.Autograde.autograde_preprocessors = [
        ExecuteAndExtract, RunHiddenChecks, ClearMetadataPreprocessor, LimitOutput,
        SanitizeStudentOutputs, SaveAutoGrades, AssignLatePenalties, WriteGradingReport]
    c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("kernelspec",), ("course",)}
    c.ClearMetadataPreprocessor.preserve_cell_metadata_mask = {("nbgrader",)}
    c.OverwriteCells.add_missing_cells = True  # a deleted test cell is restored, not lost
    c.CoursePreprocessor.course = course  # the object itself: nothing re-reads course.yml
    c.AssignLatePenalties.plugin_class = CourseLatePolicy

    # Feedback: nbgrader's page (template "feedback"), with student outputs sanitised
    # again and student markdown and raw cells through the same policy (safehtml.py).
    # HTMLExporter.sanitize_html stays off: nbgrader's feedback template ignores it for
    # markdown cells, its bleach filter keeps class and id, and it escapes <p>, <th>,
    # <img> into visible text, which garbles every DataFrame (docs/engine.md).
    c.GenerateFeedback.preprocessors = [GetGrades, SummariseFeedback, CSSHTMLHeaderPreprocessor,
                                        SanitizeStudentOutputs]
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    c.HTMLExporter.template_file = "course_feedback.html.j2"  # extends nbgrader's index.html.j2
    c.HTMLExporter.filters = {"student_html": "autograder.safehtml.student_html",
                              "student_markdown": "autograder.safehtml.student_markdown",
                              "student_code": "autograder.safehtml.student_code",
                              "local_mathjax": "autograder.steps.mathjax.localise"}
    c.HTMLExporter.sanitize_html = False

    if assignment is not None:
        c.CourseDirectory.assignment_id = assignment.id
        lp = assignment.late_policy
        c.CourseLatePolicy.kind = lp.kind
        c.CourseLatePolicy.fraction_per_day = lp.fraction_per_day
        c.CourseLatePolicy.max_fraction = lp.max_fraction
        c.CourseLatePolicy.grace_minutes = lp.grace_minutes
    if student_id is not None:
        c.CourseDirectory.student_id = student_id
        c.Exchange.cache = str(course.dirs.student_cache(student_id))
        c.Exchange.assignment_dir = str(course.dirs.workspace(student_id))
    return c


def ensure_tools_on_path() -> None:
    """nbgrader runs `alembic` by name; find it next to this interpreter even
    when the venv was not activated (e.g. `.venv/bin/course ...`)."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


EXCHANGE_ROOT_MODE = 0o755  # docs/engine.md, "The exchange"


def ensure_dirs(course: Course) -> None:
    ensure_tools_on_path()
    course.course_dir.mkdir(parents=True, exist_ok=True)
    if not course.exchange.is_dir():
        course.exchange.mkdir(parents=True)
        tighten_exchange(course)


def tighten_exchange(course: Course) -> None:
    """nbgrader's release makes the exchange root world-writable (0777), which
    would let any student rename or remove the course's folder in it. Students
    only ever write in <course>/inbound (2733: they can add a submission but not
    list or read others'), so the root goes back to owner-writable."""
    try:
        os.chmod(course.exchange, EXCHANGE_ROOT_MODE)
    except PermissionError:
        pass  # a root owned by another account: its owner sets the mode


def api(course: Course, assignment: Assignment | None = None,
        student_id: str | None = None) -> NbGraderAPI:
    ensure_dirs(course)
    cfg = nbgrader_config(course, assignment, student_id)
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def require_success(result: dict, what: str) -> None:
    """An nbgrader API call's result dict, turned into one line when it failed."""
    if not result.get("success"):
        log = (result.get("log") or "") + (result.get("error") or "")
        tail = [ln for ln in log.splitlines() if ln.strip()][-3:]
        raise CourseError(f"nbgrader {what} failed: {' | '.join(tail)}")
