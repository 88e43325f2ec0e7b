"""What a hidden check returns, and the error a guard raises.

Two audiences share these objects: `message` (and `str(AnswerError)`) is shown
to the student, so it says what is wrong and where to look, never the expected
value, band or tolerance. `detail` is for TAs and calibration only.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
    """

    passed: bool
    message: str
    score: float = None
    detail: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.score is not None and not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"score must lie in [0, 1], got {self.score!r}")

    @property
    def fraction(self) -> float:
        """Fraction of credit earned, in [0, 1]."""
        if self.score is None:
            return 1.0 if self.passed else 0.0
        return float(self.score)


def passed(message: str, **detail) -> CheckResult:
    """A passing result with full credit."""
    return CheckResult(True, message, None, dict(detail))


def failed(message: str, *, score: float = None, **detail) -> CheckResult:
    """A failing result; `score` gives partial credit (default 0)."""
    return CheckResult(False, message, score, dict(detail))
