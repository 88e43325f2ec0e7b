"""Execute one notebook and score it: the grading path shared by nbgrader's
autograde chain, the batch engine, `course check-solutions`, calibration and the
tests. `sandbox_run` is the one place a submission's sandbox is set up."""
from __future__ import annotations

import math
from pathlib import Path

import nbformat

from autograder.course.config import Assignment
from autograder.engine.execution import RunOutcome
from autograder.engine.jobs import SandboxRun
from autograder.engine.stages import Staged
from autograder.grading.answers import decode_payload
from autograder.grading.describe import describe
from autograder.grading.misconceptions import diagnose
from autograder.grading.verdict import (FAIL, QuestionResult, extraction_code, grade_question,
                                        refused)
from autograder.homework import Context, Homework
from autograder.nbcells import grade_id, is_test_cell
from autograder.safehtml import message_box


def extraction_for(hw: Homework, ctx: Context, staged: bool = False) -> dict[str, str | Staged]:
    """Kernel code per test cell: what the grader asks the student's kernel for (with
    `staged`, in stages where a question has them: early rejection)."""
    return {gid: extraction_code(q, ctx, staged) for gid, q in hw.questions.items()}


def read_data(files) -> dict[str, bytes]:
    return {Path(f).name: Path(f).read_bytes() for f in files}


def sandbox_run(a: Assignment, hw: Homework, seed: int) -> tuple[SandboxRun, Context]:
    """What a sandbox needs to grade `a` under `seed` (the homework's data files,
    the extraction for its questions, its limits), and the context its checks
    then grade with."""
    ctx = hw.context(seed, a.false_fail_budget)
    return (SandboxRun.for_assignment(a, seed, extraction_for(hw, ctx, a.early_rejection),
                                      read_data(a.datasets)), ctx)


def execute(a: Assignment, hw: Homework, nb, seed: int, trusted: bool = False,
            on_cell=None) -> tuple[RunOutcome, Context]:
    """Run `nb` in place in a fresh sandbox holding only the homework's data files;
    `on_cell(index, cell)` after each code cell has run (progress)."""
    run, ctx = sandbox_run(a, hw, seed)
    return run.execute(nb, trusted=trusted, on_cell=on_cell), ctx


def decoded_answers(outcome: RunOutcome) -> dict[str, dict | ValueError]:
    """{grade_id: answers, or why they could not be read}, each payload decoded once."""
    answers: dict[str, dict | ValueError] = {}
    for gid, text in outcome.payloads.items():
        try:
            answers[gid] = decode_payload(text)
        except Exception as exc:  # noqa: BLE001 - whatever the kernel sent: that question only
            answers[gid] = exc if isinstance(exc, ValueError) else ValueError(str(exc))
    return answers


def name_misconception(hw: Homework, result: QuestionResult, answers: dict, ctx: Context) -> None:
    """Add the known mistake a failed answer matches, if one does, to its result; for a
    failed answer that no registered mistake explains, a description of how it differs."""
    found = diagnose(hw, result.grade_id, answers, result, ctx)
    if found is not None:
        result.misconception = found.label
        ratio = round(found.log_ratio, 2) if math.isfinite(found.log_ratio) else "exact match"
        result.detail.append({"misconception": found.label, "log_ratio": ratio})
        if found.message():
            result.messages.append(f"{FAIL} {found.message()}")
    elif result.status == "graded" and result.points < result.max_points:
        words = describe(result.evidence)  # no registered mistake: say how the answer differs
        if words:
            result.messages.append(f"{FAIL} {words}")
            result.detail.append({"description": words})


def score(hw: Homework, nb, outcome: RunOutcome, ctx: Context) -> list[QuestionResult]:
    """Grade every test cell and write our messages and score as its outputs."""
    results = []
    decoded = decoded_answers(outcome)
    answers = {gid: v for gid, v in decoded.items() if not isinstance(v, ValueError)}
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if not is_test_cell(cell) or gid not in hw.questions:
            continue
        reached = outcome.stopped_at is None or index >= outcome.stopped_at
        reason = outcome.stopped if outcome.stopped and reached else outcome.unanswered.get(gid)
        points = float(cell.metadata.nbgrader["points"])
        if gid in outcome.forged:
            result = refused(hw.questions[gid], points, outcome.forged[gid])
        else:
            result = grade_question(hw.questions[gid], decoded.get(gid), ctx, points, reason)
            name_misconception(hw, result, answers, ctx)
        results.append(result)
        text = "\n".join(result.messages)
        cell.outputs = [  # our box (plain text for other viewers), then the score SaveAutoGrades reads
            nbformat.v4.new_output("display_data", data={
                "text/plain": text + "\n",
                "text/html": message_box(result.messages, result.points, result.max_points)}),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(result.points)},
                                   execution_count=None),
        ]
    return results


def grade_notebook(a: Assignment, hw: Homework, nb, seed: int, trusted: bool = True,
                   on_cell=None) -> tuple[RunOutcome, list[QuestionResult]]:
    """Execute and score; reference and test runs are trusted (shared compile cache)."""
    outcome, ctx = execute(a, hw, nb, seed, trusted=trusted, on_cell=on_cell)
    return outcome, score(hw, nb, outcome, ctx)
