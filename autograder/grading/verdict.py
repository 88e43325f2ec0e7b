"""Turn extracted answers into per-question scores and student-facing messages."""
from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field, fields

from autograder.checks import KINDS, AnswerError, CheckResult, Evidence, Malformed, evidence_from_dict
from autograder.grading.answers import Unavailable, decode_payload
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
    # per check, in the order of its message: did it earn its credit, and what it
    # compared (the typed record misconceptions.py reads)
    verdicts: list[bool] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["evidence"] = [e.to_dict() for e in self.evidence]
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "QuestionResult":
        """The record to_dict wrote; one written before verdicts and evidence were kept
        reads with neither."""
        known = {f.name for f in fields(cls)}
        out = cls(**{k: v for k, v in d.items() if k in known})
        out.evidence = [evidence_from_dict(e) for e in d.get("evidence", [])]
        return out


def extraction_code(question: Question, ctx: Context) -> str:
    from autograder.engine.kernel_side import extract
    calls = question.calls(ctx) if question.calls else {}
    return extract(list(question.answers), calls)


def _zero(question, max_points, status, message) -> QuestionResult:
    return QuestionResult(question.grade_id, 0.0, max_points, status, [f"{FAIL} {message}"],
                          verdicts=[False], evidence=[Malformed()])


def refused(question: Question, max_points: float, reason: str) -> QuestionResult:
    """No points for a question whose answers the student's code tried to forge."""
    return _zero(question, max_points, "tampered",
                 f"Not graded: {reason}. Your TA will review this submission.")


def grade_question(question: Question, payload: str | None, ctx: Context,
                   max_points: float, not_run_reason: str | None = None) -> QuestionResult:
    """Grade one test cell from the JSON its extraction produced (None: never ran)."""
    if payload is None:
        return _zero(question, max_points, "not_run",
                     f"Not graded: {not_run_reason or 'this part of the notebook did not run'}. "
                     "Answers computed earlier in the notebook still count.")
    try:
        values = decode_payload(payload)
    except Exception as exc:  # noqa: BLE001 - whatever the kernel sent, this question only
        return _zero(question, max_points, "unreadable",
                     f"The answers for this question could not be read ({exc}).")
    return grade_values(question, values, ctx, max_points)


def grade_values(question: Question, values: dict, ctx: Context, max_points: float) -> QuestionResult:
    """Run a question's hidden checks on decoded answers."""
    for value in values.values():
        if isinstance(value, Unavailable):
            return _zero(question, max_points, "graded", f"{value.reason}.")
    try:
        results = question.check(values, ctx)
        results = [results] if isinstance(results, CheckResult) else list(results)
        unknown = [type(r.evidence).__name__ for r in results if type(r.evidence) not in KINDS.values()]
        if unknown:   # feedback could not read it: a bug in the check, like any other
            raise TypeError(f"evidence of an unknown kind: {', '.join(unknown)}")
    except AnswerError as exc:
        return _zero(question, max_points, "graded", str(exc))
    except Exception:  # a bug in the check must not leak hidden code or stop the batch
        res = _zero(question, max_points, "grader_error",
                    "The grader could not check this answer. Your TA has been told.")
        res.detail.append({"traceback": traceback.format_exc()})
        return res
    fraction = sum(r.fraction for r in results) / len(results)
    return QuestionResult(
        question.grade_id, round(max_points * fraction, 6), max_points, "graded",
        [f"{PASS if r.passed else FAIL} {r.message}" for r in results],
        [dict(r.detail) for r in results], verdicts=[bool(r.passed) for r in results],
        evidence=[r.evidence for r in results])
