"""Our steps in nbgrader's autograde chain, each a small class with one job.

nbgrader's chain is kept (sanitize, restore test cells from the database, save
grades, late penalties); only its Execute step is replaced:

    sanitize:  RepairNotebook, ClearOutput, DeduplicateIds, OverwriteKernelspec,
               RecordTampering, OverwriteCells, CheckCellMetadata
    autograde: ExecuteAndExtract, RunHiddenChecks, LimitOutput, SanitizeStudentOutputs,
               SaveAutoGrades, AssignLatePenalties, WriteGradingReport
    feedback:  GetGrades, SummariseFeedback, CSSHTMLHeaderPreprocessor, SanitizeStudentOutputs

ExecuteAndExtract runs the notebook and pulls answers out as plain JSON.
RunHiddenChecks grades that data in this process and writes each test cell's
output as our message plus a numeric score, which nbgrader's SaveAutoGrades
reads as partial credit. A stderr warning therefore cannot zero a correct cell,
and no hidden check code or traceback ever enters the notebook.
SanitizeStudentOutputs makes every other output inert (safehtml.py), so what a
student displays cannot run script in feedback or formgrader, nor look like
our messages.
"""
from __future__ import annotations

import nbformat
from nbgrader.api import Gradebook
from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Enum, Float, Instance

from autograder import safehtml
from autograder.course.config import Assignment, Course, LatePolicy
from autograder.engine import jobs
from autograder.errors import CourseError
from autograder.grading.report import GradingReport, read_report, write_report
from autograder.grading.submission import execute, score
from autograder.homework import load_homework
from autograder.nbcells import grade_id, is_test_cell
from autograder.seeds import submission_seed
from autograder.steps import summary
from autograder.steps.repair import repair
from autograder.steps.review import review_signs


class CoursePreprocessor(NbGraderPreprocessor):
    """Base: holds the Course the command was started with (nbconfig puts the object
    itself in nbgrader's config, so a course built in memory is the one graded; no
    step reads course.yml again) and finds the assignment being processed."""
    course = Instance(Course, allow_none=True, help="the course being run").tag(config=True)

    def assignment(self, resources) -> Assignment:
        if self.course is None:
            raise CourseError(f"{type(self).__name__} was run without a course "
                              "(build nbgrader's config with steps.nbconfig.nbgrader_config)")
        return self.course.assignment(resources["nbgrader"]["assignment"])


class RepairNotebook(CoursePreprocessor):
    """Align the submission's nbgrader cells with the released notebook
    (copy-pasted, deleted, retyped cells; see repair.py) and note each change."""

    def preprocess(self, nb, resources):
        course, a = self.course, self.assignment(resources)
        released = nbformat.read(course.dirs.released_notebook(a.id, a.notebook_name), 4)
        nb.metadata.setdefault("course", {})["repairs"] = repair(nb, released)
        return nb, resources


class RecordTampering(CoursePreprocessor):
    """Note test cells a student edited, before nbgrader restores them
    (deleted ones were put back, and noted, by RepairNotebook)."""

    def preprocess(self, nb, resources):
        course, a = self.course, self.assignment(resources)
        source = nbformat.read(course.dirs.source_notebook(a.id, a.notebook_name), 4)
        submitted = {grade_id(c): c.source for c in nb.cells if is_test_cell(c)}
        notes = []
        for cell in source.cells:
            if not is_test_cell(cell):
                continue
            gid = grade_id(cell)
            if gid in submitted and submitted[gid].strip() != cell.source.strip():
                notes.append(f"test cell `{gid}` was edited; the original was restored")
        nb.metadata.setdefault("course", {})["tampering"] = notes
        return nb, resources


class ExecuteAndExtract(CoursePreprocessor):
    """Use the batch engine's saved execution of this notebook (see autograde.py);
    when there is none, or it was made from different cells, execute here."""

    def preprocess(self, nb, resources):
        course, a = self.course, self.assignment(resources)
        student = resources["nbgrader"]["student"]
        seed = submission_seed(a, student)
        hw = load_homework(a.checks)
        saved = jobs.load_result(course.dirs, a.id, student)
        if saved and saved.nb_hash == jobs.notebook_hash(nb):
            nb.cells = saved.executed_cells()
            outcome = saved.outcome
            ctx = hw.context(seed, a.false_fail_budget)
        else:
            outcome, ctx = execute(a, hw, nb, seed)
            self.log.warning("no saved execution matched %s; executed in the grader", student)
        resources["course"] = {"outcome": outcome, "ctx": ctx, "seed": seed}
        self.log.info("executed in %.1fs%s", outcome.seconds,
                      f"; stopped: {outcome.stopped}" if outcome.stopped else "")
        return nb, resources


class RunHiddenChecks(CoursePreprocessor):
    """Grade each test cell from the extracted data and write its output."""

    def preprocess(self, nb, resources):
        a = self.assignment(resources)
        info = resources["course"]
        info["results"] = score(load_homework(a.checks), nb, info["outcome"], info["ctx"])
        return nb, resources


class SanitizeStudentOutputs(CoursePreprocessor):
    """Sanitise the outputs of every code cell that is not a graded test cell:
    HTML through the student policy, JavaScript, widgets and other active types
    dropped (safehtml.inert_outputs), within one notebook's rendering budget.
    In the autograde chain the worker has done it already (execution.make_inert,
    off the single-writer record step); it runs here for an execution made in
    the grader, and again when feedback is exported."""

    def preprocess(self, nb, resources):
        outcome = resources.get("course", {}).get("outcome")
        if outcome is not None and outcome.outputs_inert:
            return nb, resources
        ours = set(load_homework(self.assignment(resources).checks).questions)
        budget = safehtml.Budget()
        for index, cell in enumerate(nb.cells):  # the cells RunHiddenChecks wrote (submission.score)
            if cell.cell_type == "code" and not (is_test_cell(cell) and grade_id(cell) in ours):
                cell.outputs = safehtml.inert_outputs(cell.get("outputs", []), budget,
                                                      f"cell {index + 1}")
        if outcome is not None:
            outcome.notes += [f"{cut}; it is shown as text" for cut in budget.cuts]
        return nb, resources


class SummariseFeedback(CoursePreprocessor):
    """Per-question labels, scores and what to look at, for the top of the
    feedback page (resources["course_feedback"], read by the template). Runs
    after GetGrades, which puts the gradebook's scores and comments in the cells.
    A TA's override of an autograded question replaces its messages on the page."""
    regrades = Dict(help='student -> {grade_id: {"line": their regrade request as one line, '
                         '"answer": the TA\'s answer once resolved}} (pipeline/feedback.py fills it in)'
                    ).tag(config=True)

    def preprocess(self, nb, resources):
        course, a = self.course, self.assignment(resources)
        student = resources["nbgrader"]["student"]
        try:
            source = nbformat.read(course.dirs.source_notebook(a.id, a.notebook_name), 4)
            labels = summary.question_labels(source)
        except (OSError, ValueError):  # no source notebook: questions keep their grade ids
            self.log.warning("no source notebook for %s; questions are labelled by grade id", a.id)
            labels = {}
        report = read_report(course, a.id, student)
        pending, adjusted = set(), {}
        regrades = self.regrades.get(student, {})
        comments = summary.answer_comments(nb)
        for gid, request in regrades.items():  # a resolved request's answer explains its new score
            comments[gid] = comments.get(gid) or request.get("answer", "")
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            for cell in nb.cells:
                if summary.is_graded(cell):
                    grade = gb.find_grade(grade_id(cell), resources["nbgrader"]["notebook"], a.id, student)
                    if grade.auto_score is None and grade.manual_score is None:
                        pending.add(grade_id(cell))
                    elif (is_test_cell(cell) and None not in (grade.auto_score, grade.manual_score)
                          and abs(grade.auto_score - grade.manual_score) > 1e-9):
                        adjusted[grade_id(cell)] = comments.get(grade_id(cell), "")
                        summary.show_adjusted(cell, adjusted[grade_id(cell)], grade.auto_score,
                                              grade.manual_score)
        rows = summary.summary_rows(nb, labels, report, pending, adjusted,
                                    {gid: r.get("line", "") for gid, r in regrades.items()})
        resources["course_feedback"] = {
            "title": a.title, "labels": labels, "rows": [r.to_dict() for r in rows],
            "pending": sorted(pending),
            "grading_notes": any(c.metadata.get("course", {}).get("grading_notes") for c in nb.cells),
        }
        return nb, resources


class WriteGradingReport(CoursePreprocessor):
    """Save per-question status and reasons next to the autograded notebook,
    and flag the submission in the gradebook when something went wrong."""

    def preprocess(self, nb, resources):
        info = resources["course"]
        outcome = info["outcome"]
        course_meta = nb.metadata.get("course", {})
        report = GradingReport.from_run(
            resources["nbgrader"]["student"], resources["nbgrader"]["assignment"], info["seed"],
            outcome, info["results"], course_meta.get("repairs", []),
            course_meta.get("tampering", []), outcome.notes + review_signs(nb),
            code_errors(nb))
        write_report(self.course, report)
        status, review = report.status, report.review
        nb.metadata.setdefault("course", {})["status"] = status
        notes = ([f"Execution stopped early: {outcome.stopped}."] if outcome.stopped else []) \
            + [n[0].upper() + n[1:] + "." for n in report.repairs + report.tampering] \
            + [n[0].upper() + n[1:] + "." for n in outcome.notes] \
            + [f"Cell {i + 1} printed too much output; the rest of it was dropped."
               for i in outcome.truncated]
        for cell in nb.cells:  # the feedback draws the cell marked so in our box: only ours
            cell.metadata.pop("course", None)
        if notes:  # shown at the top of the feedback, for the student and the TA
            # as literal text: notes quote the submission (an unknown cell id),
            # which must not become a heading, link or image in our box
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(
                "**Grading notes**\n\n" + "\n".join(f"- {safehtml.markdown_literal(n)}"
                                                     for n in notes),
                metadata={"course": {"grading_notes": True}}))
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:  # formgrader shows the flag
            notebook = gb.find_submission_notebook(resources["nbgrader"]["notebook"],
                                                   resources["nbgrader"]["assignment"],
                                                   resources["nbgrader"]["student"])
            notebook.flagged = status != "ok" or bool(review)
            gb.db.commit()
        return nb, resources


def code_errors(nb) -> list[str]:
    """The student's cells (not test cells) that raised, as "cell N (id) raised
    Name: value" lines: graded as they are, but the TA should know."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_test_cell(cell):
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                where = f"cell {i + 1}" + (f" ({grade_id(cell)})" if grade_id(cell) else "")
                value = " ".join(str(o.get("evalue", "")).split())[:120]
                out.append(f"{where} raised {o.get('ename', 'an error')}" + (f": {value}" if value else ""))
                break
    return out


class CourseLatePolicy(LateSubmissionPlugin):
    """Late penalty from course.yml: none, zero, or a share per started day."""
    kind = Enum(("none", "zero", "per_day"), default_value="none").tag(config=True)
    fraction_per_day = Float(0.0).tag(config=True)
    max_fraction = Float(1.0).tag(config=True)
    grace_minutes = Float(0.0).tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        policy = LatePolicy(self.kind, self.fraction_per_day, self.max_fraction, self.grace_minutes)
        return round(score * policy.penalty_fraction(total_seconds_late), 6)
