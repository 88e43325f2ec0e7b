"""Plan a batch: for each collected submission, whether it is refused before
anything runs, already graded, executed but not recorded, or to be run.

A submission's fingerprint covers everything that decides its grade (its files,
the hidden checks, the released notebook, the data, the settings, its seed); a
report stamped with the same fingerprint is finished work, and a saved
execution with it only needs recording. Problems nbgrader would trip over (an
unknown student, a notebook from another assignment, damaged JSON) are found
here, before nbgrader sees them.

The submissions to run are ordered by each homework's measured cost
(pipeline/costs.py) and the number of workers (`submission_order`): longest first,
so no slow notebook starts last, except on a cluster large enough that the single
recorder is the bottleneck, where the cheap ones go first to keep it fed.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from autograder.course.config import Assignment, Course
from autograder.course.state import submitted_students
from autograder.engine import jobs
from autograder.errors import CourseError, one_line
from autograder.grading.report import read_report
from autograder.nbcells import read_notebook
from autograder.pipeline.costs import ExecutionCosts
from autograder.pipeline.readiness import nothing_collected, require_released
from autograder.seeds import submission_seed

REFUSE, SKIP, RECORD, RUN = "refuse", "skip", "record", "run"


@dataclass
class Planned:
    assignment: Assignment
    student: str
    action: str            # REFUSE | SKIP | RECORD | RUN
    fingerprint: str = ""
    status: str = ""       # REFUSE: the submission's status; SKIP: the one recorded
    reason: str = ""       # why, for the TA (and the report)


def select(course: Course, assignment_ids: list[str],
           students: list[str] | None) -> list[tuple[Assignment, str]]:
    """The collected submissions to grade (all, or these students'), in order."""
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


def preflight(course: Course, a: Assignment, student_id: str) -> tuple[str, str] | None:
    """(status, reason) when nbgrader could not grade this submission at all."""
    if student_id not in course.nbgrader_ids(a):
        what = (f"not a team in course.yml, and {a.id} is team work" if a.group
                else "not on the roster")
        return "unknown_student", f"'{student_id}' is {what}; files left in submitted/"
    folder = course.dirs.submitted(a.id, student_id)
    path = folder / f"{a.notebook_name}.ipynb"
    if not path.is_file():
        found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
        return "wrong_assignment", f"expected {path.name}, found {found}"
    try:
        read_notebook(path)
    except CourseError as exc:
        return "corrupt_notebook", str(exc)
    return None


def late_settings(a: Assignment) -> dict:
    """The late policy as the fingerprint sees it; a zero grace is left out so
    fingerprints made before grace periods existed stay valid."""
    return {k: v for k, v in a.late_policy.__dict__.items() if k != "grace_minutes" or v}


def fingerprint(course: Course, a: Assignment, student_id: str) -> str:
    """Everything that decides this submission's grade: its files, the hidden
    checks, the released notebook, the data and the settings."""
    folder = course.dirs.submitted(a.id, student_id)
    parts: list[bytes | str] = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        parts += [str(f.relative_to(folder)), f.read_bytes()]
    source = course.dirs.source_notebook(a.id, a.notebook_name)
    parts += [a.checks.read_bytes(), source.read_bytes() if source.is_file() else b""]
    parts += [d.read_bytes() for d in a.datasets]
    parts.append(json.dumps([a.questions, a.cell_timeout, a.notebook_timeout, a.limits.to_dict(),
                             a.false_fail_budget, submission_seed(a, student_id),
                             late_settings(a)], sort_keys=True, default=str))
    if student_id in a.extensions:  # only then, so other fingerprints stay as they were
        parts.append(f"extension {a.extensions[student_id].total_seconds()}")
    if not a.early_rejection:   # likewise: asked in one go, the same answers are drawn otherwise
        parts.append("without early rejection")
    return jobs.fingerprint(*parts)


def plan_one(course: Course, a: Assignment, student_id: str, regrade: bool = False) -> Planned:
    problem = preflight(course, a, student_id)
    if problem:
        return Planned(a, student_id, REFUSE, "", *problem)
    try:
        fp = fingerprint(course, a, student_id)
    except OSError as exc:
        return Planned(a, student_id, REFUSE, "", "invalid_submission",
                       f"a submitted file could not be read ({one_line(exc)})")
    report = read_report(course, a.id, student_id)
    if not regrade and report and report.fingerprint == fp:
        return Planned(a, student_id, SKIP, fp, report.status, report.stopped or "")
    saved = None if regrade else jobs.load_result(course.dirs, a.id, student_id)
    if saved and saved.fingerprint == fp:
        return Planned(a, student_id, RECORD, fp)  # executed before an interruption
    return Planned(a, student_id, RUN, fp)


# Seconds the grader's single recorder spends per submission (nbgrader's chain and the
# gradebook write; median 0.44 s in docs/benchmarks.md section 1).
RECORD_S = 0.45


def submission_order(todo: list[Planned], costs: ExecutionCosts, slots: int,
                     record_s: float = RECORD_S) -> list[Planned]:
    """Johnson's rule for the two stages every submission passes: its execution, which
    holds 1/slots of the workers for its cost (a share cost / slots of the cluster's
    time), then the single recorder (record_s). Submissions whose share is below
    record_s go first, cheapest first, so the recorder starts early and is never
    starved; the rest follow costliest first, which (their record times being alike)
    is also what keeps the workers' tail short. On a pool of a few workers every
    share is above record_s and this is plain longest first."""
    cost = {p.assignment.id: costs.estimate(p.assignment)[0] for p in todo}
    return two_stage_order(todo, lambda p: cost[p.assignment.id], slots, record_s)


def two_stage_order(items: list, cost: Callable[[object], float], slots: int,
                    record_s: float = RECORD_S) -> list:
    """`submission_order`'s rule for any items with a cost (benchmarks/term.py
    simulates it); stable, so items of equal cost keep their given order."""
    quick = [i for i in items if cost(i) / max(1, slots) < record_s]
    rest = [i for i in items if cost(i) / max(1, slots) >= record_s]
    return sorted(quick, key=cost) + sorted(rest, key=lambda i: -cost(i))
