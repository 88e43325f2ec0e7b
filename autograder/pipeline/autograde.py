"""TA: autograde collected submissions as a batch.

The batch is a small pipeline:

    plan      which submissions need grading (a fingerprint of the submission,
              the hidden checks and the settings; unchanged work is skipped)
    sanitize  nbgrader's own sanitize steps, as its autograde would run them
    execute   each submission in a sandbox, in parallel on a local pool or a
              Dask cluster (jobs.py, pool.py); results are saved atomically
    record    nbgrader's autograde chain, one submission at a time in this
              process, reusing the saved execution: the gradebook has a single
              writer, and formgrader, feedback and export keep working

A batch killed at any point and started again with the same command skips what
was recorded, records what was executed but not recorded, and runs the rest.
Problems nbgrader would trip over (damaged JSON, a notebook from another
assignment, an unknown student) are caught first and recorded with a reason;
the batch always goes on.
"""
from __future__ import annotations

import json
import time
import warnings
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SAWarning

from autograder.course.config import Assignment, Course
from autograder.course.late import record_extension
from autograder.course.state import source_notebook, submitted_students
from autograder.engine import jobs
from autograder.engine.execution import RunOutcome
from autograder.engine.pool import executor
from autograder.errors import CourseError
from autograder.grading.report import read_report, write_report
from autograder.grading.submission import extraction_for, read_data, score
from autograder.homework import load_homework
from autograder.pipeline.readiness import nothing_collected, require_released
from autograder.pipeline.release import register_students
from autograder.pipeline.student import read_notebook
from autograder.seeds import submission_seed
from autograder.steps import nbconfig


@dataclass
class GradedSubmission:
    student: str
    status: str
    reason: str = ""
    skipped: bool = False  # graded by an earlier run of the same batch
    assignment: str = ""


def _write_failure(course, assignment_id, student_id, status, reason, fp="") -> GradedSubmission:
    write_report(course, assignment_id, student_id, {
        "student": student_id, "assignment": assignment_id, "status": status,
        "stopped": reason, "questions": [], "fingerprint": fp})
    return GradedSubmission(student_id, status, reason)


def _submitted(course: Course, a: Assignment, student_id: str) -> Path:
    return course.course_dir / "submitted" / student_id / a.id


def _preflight(course: Course, a: Assignment, student_id: str) -> tuple[str, str] | None:
    if student_id not in course.nbgrader_ids(a):
        what = (f"not a team in course.yml, and {a.id} is team work" if a.group
                else "not on the roster")
        return "unknown_student", f"'{student_id}' is {what}; files left in submitted/"
    folder = _submitted(course, a, student_id)
    path = folder / f"{a.notebook_name}.ipynb"
    if not path.is_file():
        found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
        return "wrong_assignment", f"expected {path.name}, found {found}"
    try:
        read_notebook(path)
    except CourseError as exc:
        return "corrupt_notebook", str(exc)
    return None


def fingerprint(course: Course, a: Assignment, student_id: str) -> str:
    """Everything that decides this submission's grade: its files, the hidden
    checks, the released notebook, the data and the settings."""
    folder = _submitted(course, a, student_id)
    parts: list[bytes | str] = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        parts += [str(f.relative_to(folder)), f.read_bytes()]
    source = source_notebook(course, a)
    parts += [a.checks.read_bytes(), source.read_bytes() if source.is_file() else b""]
    parts += [d.read_bytes() for d in a.datasets]
    parts.append(json.dumps([a.questions, a.cell_timeout, a.notebook_timeout, a.limits.to_dict(),
                             a.false_fail_budget, submission_seed(a, student_id),
                             late_settings(a)], sort_keys=True, default=str))
    if student_id in a.extensions:  # only then, so other fingerprints stay as they were
        parts.append(f"extension {a.extensions[student_id].total_seconds()}")
    return jobs.fingerprint(*parts)


def late_settings(a: Assignment) -> dict:
    """The late policy as the fingerprint sees it; a zero grace is left out so
    fingerprints made before grace periods existed stay valid."""
    return {k: v for k, v in a.late_policy.__dict__.items() if k != "grace_minutes" or v}


def sanitized_notebook(course: Course, a: Assignment, student_id: str):
    """The notebook nbgrader's autograde will execute: its sanitize steps
    (clear outputs, restore locked and test cells, ...) applied in memory."""
    cfg = nbconfig.nbgrader_config(course, a)
    folder = _submitted(course, a, student_id)
    nb = read_notebook(folder / f"{a.notebook_name}.ipynb")
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": a.id,
                              "notebook": a.notebook_name, "student": student_id},
                 "metadata": {"path": str(folder)}}
    for cls in cfg.Autograde.sanitize_preprocessors:
        nb, resources = cls(config=cfg)(nb, resources)
    return nb


def make_job(course: Course, a: Assignment, hw, student_id: str, fp: str) -> jobs.Job:
    seed = submission_seed(a, student_id)
    return jobs.Job(
        assignment=a.id, student=student_id, fingerprint=fp,
        notebook=sanitized_notebook(course, a, student_id), seed=seed,
        extraction=extraction_for(hw, hw.context(seed, a.false_fail_budget)),
        data=read_data(a.datasets), cell_timeout=a.cell_timeout,
        notebook_timeout=a.notebook_timeout, limits=a.limits.to_dict())


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"


def record(course: Course, a: Assignment, student_id: str, fp: str) -> GradedSubmission:
    """Run nbgrader's autograde for one submission (it reuses the saved
    execution), then stamp the report: only a stamped report counts as done.
    When nbgrader fails, the saved execution is still scored, so the TA sees
    each question's points and why they did not reach the gradebook."""
    began = time.monotonic()
    try:
        record_extension(course, a, student_id)
        with warnings.catch_warnings():
            # nbgrader 0.9.6 trips SQLAlchemy's autoflush warning on every regrade; harmless
            warnings.filterwarnings("ignore", category=SAWarning)
            result = nbconfig.api(course, a).autograde(a.id, student_id, force=True, create=False)
        report = read_report(course, a.id, student_id)
        problem = None
        if not result.get("success") or report is None:
            log = [ln for ln in ((result.get("log") or "") + (result.get("error") or "")).splitlines()
                   if ln.strip()]
            problem = log[-1] if log else "nbgrader autograde failed"
    except Exception as exc:  # noqa: BLE001 - one submission's failure, not the batch's
        problem = _one_line(exc)
    if problem:
        return _score_unrecorded(course, a, student_id, fp, problem)
    report["fingerprint"] = fp
    report["record_seconds"] = round(time.monotonic() - began, 2)
    write_report(course, a.id, student_id, report)
    return GradedSubmission(student_id, report["status"], report.get("stopped") or "")


def _score_unrecorded(course: Course, a: Assignment, student_id: str, fp: str,
                      problem: str) -> GradedSubmission:
    """Score the saved execution outside nbgrader, for a report the TA can act on."""
    reason = f"not recorded in the gradebook: {problem}"
    saved = jobs.load_result(course.course_dir, a.id, student_id)
    questions = []
    try:
        hw = load_homework(a.checks)
        nb = nbformat.from_dict({"cells": saved["cells"], "metadata": {}, "nbformat": 4,
                                 "nbformat_minor": 5})
        ctx = hw.context(submission_seed(a, student_id), a.false_fail_budget)
        questions = [r.to_dict() for r in score(hw, nb, RunOutcome.from_dict(saved["outcome"]), ctx)]
    except Exception:  # noqa: BLE001 - nothing usable was saved
        pass
    write_report(course, a.id, student_id, {
        "student": student_id, "assignment": a.id, "status": "grading_failed",
        "stopped": reason, "questions": questions, "fingerprint": fp})
    return GradedSubmission(student_id, "grading_failed", reason)


MAX_ATTEMPTS = 3  # a worker process that dies takes its pool's other jobs with it


def autograde(course: Course, assignment_id: str, students: list[str] | None = None,
              **options) -> list[GradedSubmission]:
    """Grade the collected submissions of one homework (see autograde_batch)."""
    return autograde_batch(course, [assignment_id], students, **options)


def _batch(course: Course, assignment_ids: list[str], students) -> list[tuple[Assignment, str]]:
    batch = []
    for aid in assignment_ids:
        a = course.assignment(aid)
        require_released(course, a.id)
        available = submitted_students(course, a.id)
        if students:
            missing = [s for s in students if s not in available]
            if missing:
                raise CourseError(f"no collected submission of {a.id} for: {', '.join(missing)}")
            available = list(students)
        batch += [(a, s) for s in available]
    if not batch:
        raise nothing_collected(course, assignment_ids[0]) if len(assignment_ids) == 1 else \
            CourseError(f"no collected submission of {', '.join(assignment_ids)} to grade; "
                        "run `course collect HW` for each first")
    return batch


def autograde_batch(course: Course, assignment_ids: list[str], students: list[str] | None = None,
                    show_progress: bool = True, workers: int | None = None,
                    dask_scheduler: str | None = None,
                    regrade: bool = False) -> list[GradedSubmission]:
    """Grade every collected submission of several homeworks in one pool, so
    workers stay busy across homeworks. `workers=0` runs in this process."""
    batch = _batch(course, assignment_ids, students)
    if any(a.group for a, _ in batch):
        register_students(course)  # teams formed after the release are graded too
    homeworks = {a.id: load_homework(a.checks) for a, _ in batch}
    dask_scheduler = dask_scheduler or course.dask_scheduler
    workers = course.workers if workers is None else workers
    done: dict[tuple[str, str], GradedSubmission] = {}
    label = ", ".join(assignment_ids)

    def finish(a: Assignment, g: GradedSubmission):
        g.assignment = a.id
        done[a.id, g.student] = g
        progress.advance(task)

    def prepare(a: Assignment, s: str, fp: str) -> jobs.Job | None:
        """Sanitize into a job; a notebook nbgrader cannot handle even after
        repair is that submission's status, never the batch's."""
        try:
            return make_job(course, a, homeworks[a.id], s, fp)
        except Exception as exc:  # noqa: BLE001
            finish(a, _write_failure(course, a.id, s, "invalid_notebook",
                                     f"nbgrader could not read the notebook's cells "
                                     f"({_one_line(exc)})", fp))
            return None

    columns = [TextColumn("autograde {task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        task = progress.add_task(label, total=len(batch))
        todo: list[tuple[Assignment, str, str]] = []
        for a, s in batch:  # plan
            problem = _preflight(course, a, s)
            if problem:
                finish(a, _write_failure(course, a.id, s, *problem))
                continue
            try:
                fp = fingerprint(course, a, s)
            except OSError as exc:
                finish(a, _write_failure(course, a.id, s, "invalid_submission",
                                         f"a submitted file could not be read ({_one_line(exc)})"))
                continue
            report = read_report(course, a.id, s)
            if not regrade and report and report.get("fingerprint") == fp:
                finish(a, GradedSubmission(s, report["status"], report.get("stopped") or "", True))
                continue
            saved = jobs.load_result(course.course_dir, a.id, s)
            if saved and saved.get("fingerprint") == fp and not regrade:
                finish(a, record(course, a, s, fp))  # executed before an interruption
                continue
            todo.append((a, s, fp))

        if todo and workers == 0:
            for a, s, fp in todo:
                progress.update(task, description=f"{a.id}: {s}")
                job = prepare(a, s, fp)
                if job is not None:
                    jobs.save_result(course.course_dir, json.loads(jobs.run_job(job)))
                    finish(a, record(course, a, s, fp))
            todo = []

        attempts = {(a.id, s): 0 for a, s, _ in todo}
        while todo:
            with executor(workers, dask_scheduler) as (ex, where):
                progress.update(task, description=f"{label} on {where}")
                futures = {}
                for a, s, fp in todo:
                    attempts[a.id, s] += 1
                    job = prepare(a, s, fp)
                    if job is not None:
                        futures[ex.submit(jobs.run_job, job)] = (a, s, fp)
                todo = []
                for future in as_completed(futures):
                    a, s, fp = futures[future]
                    try:
                        result = json.loads(future.result())
                    except Exception as exc:  # the worker itself failed, not the notebook
                        if attempts[a.id, s] < MAX_ATTEMPTS:
                            todo.append((a, s, fp))
                        else:
                            finish(a, _write_failure(
                                course, a.id, s, "worker_error",
                                f"the grading worker failed: {_one_line(exc)}", fp))
                        continue
                    jobs.save_result(course.course_dir, result)  # before anything else can fail
                    finish(a, record(course, a, s, fp))
            if todo:
                time.sleep(1)
    return [done[a.id, s] for a, s in batch]
