"""Run a batch's executions: each planned submission sanitized into a job, the
jobs run in parallel on a local pool or a Dask cluster (or in this process),
a job whose worker died retried, and each result saved as it arrives.

What the student's code does is never a failure here (it is in the result);
a failure is a notebook nbgrader cannot sanitize, or a worker that died
MAX_ATTEMPTS times. Either is that submission's status, and the batch goes on.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, as_completed
from dataclasses import dataclass

import nbformat

from autograder.course.config import Assignment, Course
from autograder.engine import jobs
from autograder.engine.pool import executor
from autograder.errors import one_line
from autograder.grading.submission import sandbox_run
from autograder.homework import Homework, load_homework
from autograder.nbcells import read_notebook
from autograder.pipeline.batch_plan import Planned
from autograder.seeds import submission_seed
from autograder.steps import nbconfig

MAX_ATTEMPTS = 3  # a worker process that dies takes its pool's other jobs with it


def _worker_lost(exc: BaseException) -> bool:
    """Whether a job failed because its worker process died (its pool breaks
    and takes the other jobs with it: those are run again). Anything else was
    raised by the job itself, after or instead of running the notebook, and
    would fail the same way again: it is reported, never rerun."""
    return isinstance(exc, BrokenExecutor)


@dataclass
class RunFailed:
    """Why a planned submission has no execution (its status and reason)."""
    status: str
    reason: str


def sanitized_notebook(course: Course, a: Assignment, student_id: str):
    """The notebook nbgrader's autograde will execute: its sanitize steps
    (clear outputs, restore locked and test cells, ...) applied in memory."""
    cfg = nbconfig.nbgrader_config(course, a)
    folder = course.dirs.submitted(a.id, student_id)
    nb = read_notebook(folder / f"{a.notebook_name}.ipynb")
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": a.id,
                              "notebook": a.notebook_name, "student": student_id},
                 "metadata": {"path": str(folder)}}
    for cls in cfg.Autograde.sanitize_preprocessors:
        nb, resources = cls(config=cfg)(nb, resources)
        nbformat.validate(nb, relax_add_props=True)  # as nbconvert does between steps
    return nb


def make_job(course: Course, a: Assignment, hw: Homework, student_id: str, fp: str) -> jobs.Job:
    run, _ = sandbox_run(a, hw, submission_seed(a, student_id))
    return jobs.Job(assignment=a.id, student=student_id, fingerprint=fp,
                    notebook=sanitized_notebook(course, a, student_id), run=run)


def run(course: Course, todo: list[Planned], workers: int | None, dask_scheduler: str | None,
        label: str = "", describe: Callable[[str], None] = lambda text: None,
        order: Callable[[list[Planned], int], list[Planned]] | None = None
        ) -> Iterator[tuple[Planned, RunFailed | None]]:
    """Yield each planned submission once: with None when its execution is saved,
    or with why it has none. `workers=0` runs in this process; `describe` hears
    what is running where (for the progress bar, which calls the batch `label`);
    `order(todo, slots)` puts the submissions in the order to submit them, once
    the executor says how many it runs at once."""
    homeworks = {p.assignment.id: load_homework(p.assignment.checks) for p in todo}

    def prepare(p: Planned) -> jobs.Job | RunFailed:
        """Sanitize into a job; a notebook nbgrader cannot handle even after
        repair is that submission's status, never the batch's."""
        try:
            return make_job(course, p.assignment, homeworks[p.assignment.id], p.student,
                            p.fingerprint)
        except Exception as exc:  # noqa: BLE001
            return RunFailed("invalid_notebook",
                             f"nbgrader could not read the notebook's cells ({one_line(exc)})")

    if workers == 0:
        for p in order(todo, 1) if order else todo:
            describe(f"{p.assignment.id}: {p.student}")
            job = prepare(p)
            if isinstance(job, RunFailed):
                yield p, job
                continue
            jobs.save_result(course.dirs, jobs.parse_result(jobs.run_job(job)))
            yield p, None
        return

    attempts = {(p.assignment.id, p.student): 0 for p in todo}
    while todo:
        with executor(workers, dask_scheduler) as (ex, where, slots):
            describe(f"{label} on {where}")
            if order:
                todo = order(todo, slots)
            futures = {}
            for p in todo:
                attempts[p.assignment.id, p.student] += 1
                job = prepare(p)
                if isinstance(job, RunFailed):
                    yield p, job
                else:
                    futures[ex.submit(jobs.run_job, job)] = p
            todo = []
            for future in as_completed(futures):
                p = futures[future]
                try:
                    result = jobs.parse_result(future.result())
                except Exception as exc:  # the worker itself failed, not the notebook
                    if _worker_lost(exc) and attempts[p.assignment.id, p.student] < MAX_ATTEMPTS:
                        todo.append(p)
                    else:
                        yield p, RunFailed("worker_error",
                                           f"the grading worker failed: {one_line(exc)}")
                    continue
                jobs.save_result(course.dirs, result)  # before anything else can fail
                yield p, None
        if todo:
            time.sleep(1)
