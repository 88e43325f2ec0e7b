"""Shared fixtures: the real course.yml with course state in a temp folder, and
a helper that grades a reference solution (or a variant of it) in a real kernel."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.authoring import build_source_notebook, solution_variant
from autograder.config import load_course
from autograder.homework import load_homework
from autograder.submission import grade_notebook

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    return load_course(REPO / "course.yml", course_dir=tmp_path_factory.mktemp("course"))


def grade(course, assignment_id: str, seed: int, variant: str | Path | None = None):
    """Grade the reference solution, or the reference with the sections of
    `variant` (a file under solutions/<hw>/) swapped in, as a submission.

    Returns (outcome, {grade_id: QuestionResult})."""
    a = course.assignment(assignment_id)
    nb = build_source_notebook(a)
    if variant is not None:
        path = Path(variant)
        path = path if path.is_absolute() else a.solution.parent / path
        sections = solution_variant(a, path)
        answer_cells = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells
                        if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
        unknown = set(sections) - set(answer_cells)
        assert not unknown, f"{path.name}: sections match no answer cell: {sorted(unknown)}"
        for gid, (kind, text) in sections.items():  # the variant's code where the reference was
            answer_cells[gid].source = text
    outcome, results = grade_notebook(a, load_homework(a.checks), nb, seed)
    return outcome, {r.grade_id: r for r in results}


def full_marks(results) -> list[str]:
    return [gid for gid, r in results.items() if r.points == r.max_points]


def no_marks(results) -> list[str]:
    return [gid for gid, r in results.items() if r.points == 0]


def checks_of(course, assignment_id: str):
    """The hidden-checks module of a homework (its truths, tables and `hw`)."""
    from autograder.homework import load_checks
    return load_checks(course.assignment(assignment_id).checks)


def score(course, assignment_id: str, gid: str, values: dict, seed: int = 1):
    """Run one question's hidden checks on plain values, as the grader would (no kernel)."""
    from autograder.grading import grade_values
    from autograder.homework import load_homework
    a = course.assignment(assignment_id)
    hw = load_homework(a.checks)
    return grade_values(hw.questions[gid], values, hw.context(seed, a.false_fail_budget),
                        a.questions[gid])
