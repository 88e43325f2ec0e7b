"""Instructor: run each reference solution through the hidden checks."""
from __future__ import annotations

from dataclasses import dataclass

from autograder.authoring.source import build_source_notebook
from autograder.course.config import Course
from autograder.grading.submission import grade_notebook
from autograder.grading.verdict import QuestionResult
from autograder.homework import load_homework
from autograder.pipeline.costs import note_times
from autograder.nbcells import grade_id, is_test_cell
from autograder.seeds import derive_seed


@dataclass
class SolutionCheck:
    assignment: str
    seed: int
    results: list[QuestionResult]
    stopped: str | None

    @property
    def ok(self) -> bool:
        return not self.stopped and all(r.points == r.max_points for r in self.results)


def check_solution(course: Course, assignment_id: str, seed: int | None = None,
                   progress=None) -> SolutionCheck:
    """`progress(test cell id, done, total)` as each test cell has run."""
    a = course.assignment(assignment_id)
    seed = derive_seed("reference", a.id) if seed is None else seed
    nb = build_source_notebook(a)
    total = sum(1 for c in nb.cells if is_test_cell(c))
    done = [0]

    def on_cell(index, cell):
        if progress is not None and is_test_cell(cell):
            done[0] += 1
            progress(grade_id(cell), done[0], total)
    outcome, results = grade_notebook(a, load_homework(a.checks), nb, seed, on_cell=on_cell)
    if not outcome.stopped:  # a first estimate for the batch's order (costs.py)
        note_times(course, a.id, reference=outcome.seconds)
    return SolutionCheck(a.id, seed, results, outcome.stopped)
