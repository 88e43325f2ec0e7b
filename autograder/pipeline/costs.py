"""What a submission of each homework costs to execute, so a batch can order its
jobs: longest first, or cheap first where the single recorder is the bottleneck.

A batch's wall time is at least its longest job's; started last, one slow
notebook keeps the other workers idle while it runs (the batch's tail).
Longest-first list scheduling starts the costliest jobs while the rest of the
batch can still fill in around them.

The estimate of a homework, best first:
1. the median of its recent per-submission execution times, recorded by the
   batch (`course autograde`) after each run;
2. the reference solution's time, recorded by `course check-solutions`;
3. its notebook time limit (course.yml `timeout.notebook`), which the
   instructor set in proportion to what the notebook needs.

`ExecutionCosts` is the record (`<course_dir>/engine/costs.json`, a
`CourseDirs` path); `note_times` is its one writer and `read_costs` its one
reader.
"""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

from autograder.course.config import Assignment, Course
from autograder.course.dirs import CourseDirs
from autograder.engine.jobs import write_json_atomic

KEEP = 200  # recent times per homework: a batch's worth, so old runs fade out


@dataclass
class HomeworkCosts:
    recent: list[float] = field(default_factory=list)  # seconds per submission, newest last
    reference: float | None = None                     # the reference solution's seconds

    def to_dict(self) -> dict:
        return {"recent": self.recent, "reference": self.reference}

    @classmethod
    def from_dict(cls, d: dict) -> "HomeworkCosts":
        ref = d.get("reference")
        return cls([float(t) for t in d.get("recent", [])][-KEEP:],
                   None if ref is None else float(ref))


@dataclass
class ExecutionCosts:
    homeworks: dict[str, HomeworkCosts] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {hw: c.to_dict() for hw, c in sorted(self.homeworks.items())}

    @classmethod
    def from_dict(cls, d: dict) -> "ExecutionCosts":
        return cls({str(hw): HomeworkCosts.from_dict(c) for hw, c in d.items()})

    def estimate(self, a: Assignment) -> tuple[float, str]:
        """(seconds, where the figure comes from) for one submission of `a`."""
        c = self.homeworks.get(a.id)
        if c and c.recent:
            return statistics.median(c.recent), "recent batches"
        if c and c.reference is not None:
            return c.reference, "check-solutions"
        return float(a.notebook_timeout), "the notebook time limit"


def read_costs(dirs: CourseDirs) -> ExecutionCosts:
    """The recorded costs; none when the file is missing or damaged (the
    order is then only worse, never wrong)."""
    try:
        return ExecutionCosts.from_dict(json.loads(dirs.execution_costs.read_text()))
    except (OSError, ValueError, TypeError, AttributeError):
        return ExecutionCosts()


def note_times(course: Course, assignment_id: str, batch: list[float] = (),
               reference: float | None = None) -> None:
    """Add a batch's per-submission execution times, or the reference
    solution's time, to the homework's record (called by the grader's main
    process only: the batch after its run, check-solutions after its run)."""
    if not batch and reference is None:
        return
    costs = read_costs(course.dirs)
    c = costs.homeworks.setdefault(assignment_id, HomeworkCosts())
    c.recent = (c.recent + [round(float(t), 2) for t in batch])[-KEEP:]
    if reference is not None:
        c.reference = round(float(reference), 2)
    write_json_atomic(course.dirs.execution_costs, costs.to_dict())
