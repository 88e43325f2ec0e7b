"""nbgrader's formgrader as the TA's manual-grading UI, and nothing else.

`write_config` writes `<course_dir>/nbgrader_config.py`, generated from
course.yml on every `course formgrader` (and `course demo`); a TA never edits
it. It points formgrader at the course's gradebook and folders, and:

- refuses formgrader's Generate, Release, Collect, Autograde, Generate feedback
  and Release feedback actions with a message naming the `course` command to
  run instead. Those buttons would run nbgrader's own steps, which skip our
  leak check at release, our collect checks, the sandbox and the hidden checks;
- on the grading page, shows each written answer's model answer and rubric
  from the solution file right under the student's answer (the TA's view only;
  student feedback is built elsewhere and never has it), and renders the
  student's markdown through the student HTML policy (safehtml.py), so a
  written answer cannot run script in the TA's logged-in Jupyter session;
- for team work, heads the grading page with the team and its members: the
  team's submission is graded once and every member gets the grade.

Formgrader's scores are the points before the late penalty: nbgrader keeps the
penalty apart and its UI never subtracts it. Our export's `total` equals
formgrader's score; `final` = total - late_penalty, as on the student's
feedback page (docs/grading.md).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbgrader.exchange.abc.exchange import ExchangeError
from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseAssignment, ExchangeReleaseFeedback
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from autograder import safehtml
from autograder.authoring.source import read_solution_sections
from autograder.course.config import Course
from autograder.nbcells import grade_id
from autograder.steps.nbconfig import nbgrader_config
from autograder.steps.preprocessors import CoursePreprocessor

CONFIG_FILE = "nbgrader_config.py"
RUBRIC_MARK = "course_rubric"  # cell metadata of the rubric cells we add to the TA's view


def refusal(action: str, command: str) -> str:
    return (f"{action} is switched off in formgrader for this course: it would bypass the "
            f"release leak check, the sandbox and the hidden checks. Run `{command}` instead "
            "(docs/grading.md).")


class Refused(Exception):
    pass


# nbgrader's converters build their exporter before touching any file (with
# --force they delete the old output before converting), so the refusal is
# the exporter class: nothing is removed, nothing written.
class RefuseGenerate(HTMLExporter):
    def __init__(self, *args, **kwargs):
        raise Refused(refusal("Generate", "course release HW"))


class RefuseAutograde(HTMLExporter):
    def __init__(self, *args, **kwargs):
        raise Refused(refusal("Autograde", "course autograde HW"))


class RefuseFeedback(HTMLExporter):
    def __init__(self, *args, **kwargs):
        raise Refused(refusal("Generate feedback", "course feedback HW"))


class RefuseRelease(ExchangeReleaseAssignment):
    def start(self):
        raise ExchangeError(refusal("Release", "course release HW"))


class RefuseCollect(ExchangeCollect):
    def start(self):
        raise ExchangeError(refusal("Collect", "course collect HW"))


class RefuseReleaseFeedback(ExchangeReleaseFeedback):
    def start(self):
        raise ExchangeError(refusal("Release feedback", "course feedback HW"))


class TAView(CoursePreprocessor):
    """The grading page's notebook: student markdown made inert, the solution
    file's model answer and rubric under each written answer, and the team
    whose work it is at the top (team work)."""

    def preprocess(self, nb, resources):
        a = self.course.assignment(resources["assignment_id"])
        sections = read_solution_sections(a.solution)
        cells = []
        if a.group:
            team = str(resources.get("student", ""))
            members = ", ".join(self.course.members(a, team)) or "no members in course.yml now"
            cells.append(nbformat.v4.new_markdown_cell(
                f"**For the grader: team {team}** ({members}). Grade this submission once: "
                "every member gets its grades (docs/grading.md).", metadata={RUBRIC_MARK: True}))
        for cell in nb.cells:
            if cell.cell_type in ("markdown", "raw"):
                cell.source = safehtml.clean(safehtml.markdown_to_html(cell.source)
                                             if cell.cell_type == "markdown" else cell.source)
            cells.append(cell)
            meta = cell.metadata.get("nbgrader", {})
            gid = grade_id(cell)
            if meta.get("solution") and meta.get("grade") and gid in sections:
                kind, text = sections[gid]
                text = text if kind == "markdown" else f"```python\n{text}\n```"
                cells.append(nbformat.v4.new_markdown_cell(
                    f"**For the grader: from the solution file (students never see this)**\n\n{text}",
                    metadata={RUBRIC_MARK: True}))
        nb.cells = cells
        return nb, resources


def formgrader_config(course: Course) -> Config:
    c = nbgrader_config(course)
    c.pop("HTMLExporter", None)  # formgrader renders with its own templates
    c.GenerateAssignment.exporter_class = RefuseGenerate
    c.Autograde.exporter_class = RefuseAutograde
    c.GenerateFeedback.exporter_class = RefuseFeedback
    c.ExchangeFactory.release_assignment = RefuseRelease
    c.ExchangeFactory.collect = RefuseCollect
    c.ExchangeFactory.release_feedback = RefuseReleaseFeedback
    c.HTMLExporter.preprocessors = [TAView]
    c.FormgradeExtension.debug = False  # no config dump on the Manage Assignments page
    return c


def write_config(course: Course):
    """Write <course_dir>/nbgrader_config.py; returns its path."""
    course.course_dir.mkdir(parents=True, exist_ok=True)
    path = course.course_dir / CONFIG_FILE
    path.write_text(
        f"# Generated from {course.source} by the `course` tool; do not edit: it is\n"
        "# rewritten on every `course formgrader`. Formgrader here is for manual grading\n"
        "# only; release, collect, autograde and feedback run through `course` (docs/grading.md).\n"
        "from autograder.course.config import load_course\n"
        "from autograder.pipeline.formgrader import formgrader_config\n\n"
        "c = get_config()  # noqa: F821 (defined by Jupyter's config loader)\n"
        f"c.merge(formgrader_config(load_course({str(course.source)!r}, {str(course.course_dir)!r})))\n")
    return path


def server_command(course: Course, port: int = 8888) -> list[str]:
    """How to start formgrader for this course: Jupyter Lab in the course
    folder (formgrader needs the course folder at or under the server's root)."""
    # the jupyter next to this interpreter: the venv need not be activated
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    argv = [jupyter, "lab", f"--ServerApp.root_dir={course.course_dir}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--no-browser"]
    return argv + (["--allow-root"] if os.geteuid() == 0 else [])  # e.g. a container's root
