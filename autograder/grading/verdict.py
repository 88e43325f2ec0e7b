"""Turn extracted answers into per-question scores and student-facing messages."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field, fields

from autograder.checks import KINDS, AnswerError, CheckResult, Evidence, Malformed, evidence_from_dict
from autograder.engine.kernel_side import extract
from autograder.engine.stages import Staged
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
    # per check, in the order of its message: did it earn its credit, and what it
    # compared (the typed record misconceptions.py reads)
    verdicts: list[bool] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        # not asdict: it would deep-copy the evidence (the student's draws) only to
        # have it replaced by each record's own dict
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "evidence"}
        out["evidence"] = [e.to_dict() for e in self.evidence]
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "QuestionResult":
        """The record to_dict wrote; one written before verdicts and evidence were kept
        reads with neither."""
        if not isinstance(d, dict):
            raise TypeError(f"a question's record is a {type(d).__name__}, not a mapping")
        known = {f.name for f in fields(cls)}
        out = cls(**{k: v for k, v in d.items() if k in known})
        out.evidence = [evidence_from_dict(e) for e in d.get("evidence", [])]
        return out


def extraction_code(question: Question, ctx: Context, staged: bool = False) -> str | Staged:
    """The kernel code that reports a question's answers; with `staged`, a question that
    has stages is asked in stages (engine/stages.py: early rejection)."""
    if staged and question.stages is not None:
        stages = question.stages(ctx)
        if len(stages) > 1:
            # later stages run only after the first (with the student's own argument
            # checks) did not reject: they run with the checks off (kernel_side)
            return Staged(tuple(extract(list(question.answers) if k == 0 else [], s.calls,
                                        quiet=k > 0)
                                for k, s in enumerate(stages)),
                          tuple(s.draws for s in stages), tuple(s.bands for s in stages))
    calls = question.calls(ctx) if question.calls else {}
    return extract(list(question.answers), calls)


def _zero(question, max_points, status, message) -> QuestionResult:
    return QuestionResult(question.grade_id, 0.0, max_points, status, [f"{FAIL} {message}"],
                          verdicts=[False], evidence=[Malformed()])


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
