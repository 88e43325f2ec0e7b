"""Turn extracted answers into per-question scores and student-facing messages."""
from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field, fields

from autograder.checks import AnswerError, CheckResult
from autograder.grading.answers import Unavailable
from autograder.homework import Context, Question

PASS, FAIL = "✔", "✘"


@dataclass
class QuestionResult:
    grade_id: str
    points: float
    max_points: float
    status: str                 # graded | not_run | unreadable | tampered | grader_error
    messages: list[str] = field(default_factory=list)   # student-facing
    detail: list[dict] = field(default_factory=list)    # TA-facing numbers
    misconception: str | None = None   # label of the known mistake the answer matches

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "QuestionResult":
        """One question of a saved grading report (report.GradingReport); fields a
        report of an older version lacks keep their default."""
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


def extraction_code(question: Question, ctx: Context) -> str:
    from autograder.engine.kernel_side import extract
    calls = question.calls(ctx) if question.calls else {}
    return extract(list(question.answers), calls)


def _zero(question, max_points, status, message) -> QuestionResult:
    return QuestionResult(question.grade_id, 0.0, max_points, status, [f"{FAIL} {message}"])


def refused(question: Question, max_points: float, reason: str) -> QuestionResult:
    """No points for a question whose answers the student's code tried to forge."""
    return _zero(question, max_points, "tampered",
                 f"Not graded: {reason}. Your TA will review this submission.")


def grade_question(question: Question, values: dict | ValueError | None, ctx: Context,
                   max_points: float, not_run_reason: str | None = None) -> QuestionResult:
    """Grade one test cell from its decoded answers (submission.decoded_answers):
    None when its extraction never ran, the ValueError when they could not be read."""
    if values is None:
        return _zero(question, max_points, "not_run",
                     f"Not graded: {not_run_reason or 'this part of the notebook did not run'}. "
                     "Answers computed earlier in the notebook still count.")
    if isinstance(values, ValueError):
        return _zero(question, max_points, "unreadable",
                     f"The answers for this question could not be read ({values}).")
    return grade_values(question, values, ctx, max_points)


def grade_values(question: Question, values: dict, ctx: Context, max_points: float) -> QuestionResult:
    """Run a question's hidden checks on decoded answers."""
    for value in values.values():
        if isinstance(value, Unavailable):
            return _zero(question, max_points, "graded", f"{value.reason}.")
    try:
        results = question.check(values, ctx)
    except AnswerError as exc:
        return _zero(question, max_points, "graded", str(exc))
    except Exception:  # a bug in the check must not leak hidden code or stop the batch
        res = _zero(question, max_points, "grader_error",
                    "The grader could not check this answer. Your TA has been told.")
        res.detail.append({"traceback": traceback.format_exc()})
        return res
    results = [results] if isinstance(results, CheckResult) else list(results)
    fraction = sum(r.fraction for r in results) / len(results)
    return QuestionResult(
        question.grade_id, round(max_points * fraction, 6), max_points, "graded",
        [f"{PASS if r.passed else FAIL} {r.message}" for r in results],
        [dict(r.detail) for r in results])
