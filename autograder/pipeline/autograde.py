"""TA: autograde collected submissions as a batch.

The batch is a small pipeline, one module per step:

    plan      which submissions need grading; unchanged work is skipped
              (batch_plan.py)
    run       each submission sanitized by nbgrader's own sanitize steps and
              executed in a sandbox, in parallel on a local pool or a Dask
              cluster, retried when a worker dies; each result saved
              atomically as it arrives (batch_run.py)
    record    nbgrader's autograde chain, one submission at a time in this
              process, reusing the saved execution: the gradebook has a single
              writer, and formgrader, feedback and export keep working
              (batch_record.py)

The runs start longest first, by each homework's recent execution times
(costs.py), which the batch then updates.

A batch killed at any point and started again with the same command skips what
was recorded, records what was executed but not recorded, and runs the rest.
Every failure is that submission's status with a reason; the batch always goes on.
"""
from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from autograder.course.config import Course
from autograder.pipeline import batch_plan, batch_record, batch_run
from autograder.pipeline.costs import note_times, read_costs
from autograder.pipeline.batch_record import GradedSubmission
from autograder.pipeline.release import register_students


def autograde(course: Course, assignment_id: str, students: list[str] | None = None,
              **options) -> list[GradedSubmission]:
    """Grade the collected submissions of one homework (see autograde_batch)."""
    return autograde_batch(course, [assignment_id], students, **options)


def autograde_batch(course: Course, assignment_ids: list[str], students: list[str] | None = None,
                    show_progress: bool = True, workers: int | None = None,
                    dask_scheduler: str | None = None,
                    regrade: bool = False, longest_first: bool = True) -> list[GradedSubmission]:
    """Grade every collected submission of several homeworks in one pool, so
    workers stay busy across homeworks. `workers=0` runs in this process;
    `longest_first=False` runs them in the given order (for benchmarks); otherwise they
    run in `batch_plan.submission_order` for the pool's size."""
    batch = batch_plan.select(course, assignment_ids, students)
    if any(a.group for a, _ in batch):
        register_students(course)  # teams formed after the release are graded too
    workers = course.workers if workers is None else workers
    dask_scheduler = dask_scheduler or course.dask_scheduler
    label = ", ".join(assignment_ids)
    done: dict[tuple[str, str], GradedSubmission] = {}
    columns = [TextColumn("autograde {task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, disable=not show_progress, transient=False) as progress:
        task = progress.add_task(label, total=len(batch))

        def finish(g: GradedSubmission) -> None:
            done[g.assignment, g.student] = g
            progress.advance(task)

        def describe(text: str) -> None:
            progress.update(task, description=text)

        todo = []
        for a, s in batch:
            p = batch_plan.plan_one(course, a, s, regrade)
            if p.action == batch_plan.REFUSE:
                finish(batch_record.not_graded(course, a, s, p.status, p.reason))
            elif p.action == batch_plan.SKIP:
                finish(GradedSubmission(s, p.status, p.reason, skipped=True, assignment=a.id))
            elif p.action == batch_plan.RECORD:
                finish(batch_record.record(course, a, s, p.fingerprint))
            else:
                todo.append(p)
        costs = read_costs(course.dirs)
        order = (lambda plan, slots: batch_plan.submission_order(plan, costs, slots)
                 ) if longest_first else None
        ran: dict[str, list[float]] = {}
        for p, failed in batch_run.run(course, todo, workers, dask_scheduler, label, describe,
                                       order):
            a, s = p.assignment, p.student
            g = (batch_record.not_graded(course, a, s, failed.status, failed.reason, p.fingerprint)
                 if failed else batch_record.record(course, a, s, p.fingerprint))
            if g.seconds is not None:
                ran.setdefault(a.id, []).append(g.seconds)
            finish(g)
        for aid, seconds in ran.items():  # the next batch's order (pipeline/costs.py)
            note_times(course, aid, batch=seconds)
    return [done[a.id, s] for a, s in batch]
