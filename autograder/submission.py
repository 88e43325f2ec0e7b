"""Execute one notebook and score it: the grading path shared by nbgrader's
autograde chain, `course check-solutions`, calibration and the tests."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from .config import Assignment
from .execution import RunOutcome, run_submission
from .grading import QuestionResult, extraction_code, grade_question
from .homework import Context, Homework
from .nbcells import grade_id, is_test_cell


def execute(a: Assignment, hw: Homework, nb, seed: int, data_files=()) -> tuple[RunOutcome, Context]:
    """Run `nb` in place in a fresh private folder holding only `data_files`."""
    ctx = hw.context(seed, a.false_fail_budget)
    extraction = {gid: extraction_code(q, ctx) for gid, q in hw.questions.items()}
    workdir = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    try:
        for f in data_files:
            shutil.copy(f, workdir / Path(f).name)
        outcome = run_submission(nb, cwd=workdir, seed=seed, extraction=extraction,
                                 cell_timeout=a.cell_timeout, notebook_timeout=a.notebook_timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome, ctx


def score(hw: Homework, nb, outcome: RunOutcome, ctx: Context) -> list[QuestionResult]:
    """Grade every test cell and write our message and score as its output."""
    results = []
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if not is_test_cell(cell) or gid not in hw.questions:
            continue
        reached = outcome.stopped_at is None or index >= outcome.stopped_at
        reason = outcome.stopped if outcome.stopped and reached else None
        result = grade_question(hw.questions[gid], outcome.payloads.get(gid), ctx,
                                float(cell.metadata.nbgrader["points"]), reason)
        results.append(result)
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="\n".join(result.messages) + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(result.points)},
                                   execution_count=None),
        ]
    return results


def grade_notebook(a: Assignment, hw: Homework, nb, seed: int) -> tuple[RunOutcome, list[QuestionResult]]:
    outcome, ctx = execute(a, hw, nb, seed, a.datasets)
    return outcome, score(hw, nb, outcome, ctx)
