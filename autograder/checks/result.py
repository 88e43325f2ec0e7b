"""What a hidden check returns, and the error a guard raises.

Two audiences share these objects: `message` (and `str(AnswerError)`) is shown
to the student, so it says what is wrong and where to look, never the expected
value, band or tolerance. `detail` is for TAs and calibration only. `evidence` is
the typed record of what the check compared (evidence.py), which feedback reads to
name a misconception.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import Evidence, Exact


class AnswerError(Exception):
    """A student's answer is malformed (wrong type, shape, NaN, too few samples).

    `str(e)` is a complete student-facing message.
    """


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check.

    passed:  full marks for this check.
    message: student-facing feedback.
    score:   fraction of credit in [0, 1]; None means 1.0 if passed else 0.0.
    detail:  numbers for TAs/calibration (statistics, SEs, the truth); never shown
             to students.
    evidence: what was compared (evidence.py); a check that gives none is a rule
             with no sampling noise, Exact.
    """

    passed: bool
    message: str
    score: float = None
    detail: dict = field(default_factory=dict)
    evidence: Evidence = None

    def __post_init__(self):
        if self.score is not None and not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"score must lie in [0, 1], got {self.score!r}")
        if self.evidence is None:
            object.__setattr__(self, "evidence", Exact(self.passed))
        elif not isinstance(self.evidence, Evidence):
            raise TypeError(f"evidence must be an Evidence record, got {type(self.evidence).__name__}")

    @property
    def fraction(self) -> float:
        """Fraction of credit earned, in [0, 1]."""
        if self.score is None:
            return 1.0 if self.passed else 0.0
        return float(self.score)


def passed(message: str, *, evidence: Evidence = None, **detail) -> CheckResult:
    """A passing result with full credit."""
    return CheckResult(True, message, None, dict(detail), evidence)


def failed(message: str, *, score: float = None, evidence: Evidence = None,
           **detail) -> CheckResult:
    """A failing result; `score` gives partial credit (default 0)."""
    return CheckResult(False, message, score, dict(detail), evidence)


def all_of(results, name: str) -> list[CheckResult]:
    """All or nothing across the inputs the grader tried on one function (e.g. the
    study's table and a second one): a function that is right on some inputs and
    wrong on others is wrong, and a typed-in constant earns nothing."""
    results = list(results)
    if all(r.passed for r in results):
        return results
    return [r if not r.passed else
            failed(f"`{name}` gives the right value here, but that counts only when it is right "
                   "on every input the grader tries.", score=0.0, evidence=r.evidence, **r.detail)
            for r in results]


def all_of_parts(results, parts: int, name: str) -> list[CheckResult]:
    """`all_of` for each part of a check made on several inputs: `results` come input by
    input, `parts` each. A part right on the stated input but wrong on the grader's
    drawn one earns nothing; a part right on all of them keeps its credit."""
    out = list(results)
    for k in range(parts):
        out[k::parts] = all_of(out[k::parts], name)
    return out


def after_gate(gate: CheckResult, results: list[CheckResult]) -> list[CheckResult]:
    """A gate (e.g. convergence) is a precondition, not a source of credit: when it
    fails, its result alone is returned and the checks behind it earn nothing; when it
    passes, its feedback joins the first result's message and its detail is kept there."""
    if not gate.passed:
        return [gate]
    first = results[0]
    # A failed comparison leads its own line: a passed gate's words under a cross would
    # read as if convergence had failed.
    message = (f"{gate.message} {first.message}" if first.passed else
               f"{first.message} (The chains themselves converged, so look at the model or "
               "the estimate rather than at the sampler.)")
    return [CheckResult(first.passed, message, first.score,
                        {**first.detail, "convergence": gate.detail}, first.evidence)] + list(results[1:])
