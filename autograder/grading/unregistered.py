"""Wrong answers nobody registered: generic changes of a correct run's answers
(sign flipped, scaled, shifted, entries reordered), graded and explained exactly as a
student's answers are, to show what feedback a mistake without a name gets.

Registered mistakes are named by the diagnosis (misconceptions.py); everything else
must still get words that say how the answer differs (describe.py) and never a number.
`course calibrate` reports these rows per homework, and the contract test
(tests/test_homeworks.py) holds every homework to them.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.checks import (Counts, Estimate, Estimates, Exact, GoodnessOfFit, ReferenceMatch,
                               TwoSample)
from autograder.grading.submission import name_misconception
from autograder.grading.verdict import QuestionResult, grade_values

# Evidence that holds numbers to compare: a failure of one of these kinds can be said in
# words; a p-value alone or a rule cannot, and its check's own message says what it saw.
DESCRIBABLE = (Estimate, Estimates, Counts, ReferenceMatch, Exact, GoodnessOfFit, TwoSample)
NUMBER = re.compile(r"\d\.\d|\d{2,}")  # a value or a size; "X=1" names a level


def _scalars(f: Callable[[np.ndarray], np.ndarray]):
    """Apply `f` to every real-valued entry of an answer (floats, float arrays, lists and
    dicts of them); whole numbers and labels are left as they are (counts, categories)."""
    def change(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, float):
            return float(f(np.array([v]))[0]) if math.isfinite(v) else v
        if isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.size:
            return f(v.astype(float).reshape(-1)).reshape(v.shape)
        if isinstance(v, list) and v and all(isinstance(x, float) for x in v):
            return [float(x) for x in f(np.array(v, dtype=float))]
        if isinstance(v, list):
            return [change(x) for x in v]
        if isinstance(v, dict):
            if len(v) > 1 and all(isinstance(x, float) for x in v.values()):
                return dict(zip(v, (float(x) for x in f(np.array(list(v.values()), dtype=float)))))
            return {k: change(x) for k, x in v.items()}
        return v
    return change


def _shift(x: np.ndarray) -> np.ndarray:
    """Half of the answer's typical size added to every entry: a baseline left in."""
    size = float(np.sqrt(np.mean(np.square(x[np.isfinite(x)])))) if np.isfinite(x).any() else 0.0
    return x + 0.5 * max(size, 1e-3)


def _reversed(x: np.ndarray) -> np.ndarray:
    return x[::-1].copy()


# label -> what it does to each real-valued entry of an answer
CHANGES: dict[str, Callable] = {
    "sign flipped": _scalars(lambda x: -x),
    "three times too large": _scalars(lambda x: 3.0 * x),
    "three times too small": _scalars(lambda x: x / 3.0),
    "shifted by half its size": _scalars(_shift),
    "entries in reverse order": _scalars(_reversed),
}


def generic_wrong_answers() -> dict[str, Callable]:
    """{label: wrong(base, ctx) -> answers}, in the form of a registered wrong answer:
    each changes every question's answers of a correct run at once."""
    def wrong_answer(change):
        return lambda base, ctx: {gid: {name: change(v) for name, v in answers.items()}
                                  for gid, answers in base.items()}
    return {label: wrong_answer(change) for label, change in CHANGES.items()}


@dataclass(frozen=True)
class Unregistered:
    """One wrong answer nobody registered, graded on one question."""
    label: str
    grade_id: str
    caught: bool                  # lost points
    named: str | None             # a registered mistake the diagnosis named instead
    description: str | None       # the words describe.py gave
    describable: bool             # a failed check holds numbers to compare
    feedback: tuple[str, ...]     # what the student reads for this question
    first_added: int = 0          # index of the first line the explanation added

    @property
    def explained(self) -> bool:
        """The student is told how the answer is wrong, beyond the check's verdict."""
        return self.named is not None or self.description is not None

    @property
    def numbers(self) -> tuple[str, ...]:
        """Lines our explanation added that hold a number: a decimal or several digits
        (a single digit names a level, as in X=1; the words of `says=` follow the same rule)."""
        return tuple(line for line in self.feedback[self.first_added:] if NUMBER.search(line))


def _has_numbers(e) -> bool:
    """An exact table's values, or draws' centre and spread, were recorded (a rule, a
    set, an independence test or impossible values hold none)."""
    if isinstance(e, Exact):
        return bool(e.values)
    if isinstance(e, (GoodnessOfFit, TwoSample)):
        return e.centre_z is not None and e.spread_z is not None
    return True


def _changed(a, b) -> bool:
    as_text = lambda v: json.dumps(_plain(v), sort_keys=True, default=repr)  # noqa: E731
    return as_text(a) != as_text(b)


def _plain(v):
    """A comparable form of an answer (arrays as lists)."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def grade_unregistered(hw, points: dict[str, float], base: dict, ctx,
                       wrong_answers: dict[str, Callable] | None = None) -> list[Unregistered]:
    """Grade each wrong answer against the questions it changes, with the context the
    correct run `base` was graded under (its probes are the ones the answers answer).
    Questions the correct run itself failed are skipped: there is nothing to compare."""
    rows, correct = [], {}

    def passes(gid) -> bool:   # the correct run's own verdict, once per question
        if gid not in correct:
            control = grade_values(hw.questions[gid], base[gid], ctx, points[gid])
            correct[gid] = control.points == control.max_points
        return correct[gid]

    for label, wrong in (wrong_answers or generic_wrong_answers()).items():
        values = wrong(base, ctx)
        for gid, answers in values.items():
            if gid not in hw.questions or gid not in base or not _changed(answers, base[gid]):
                continue
            if not passes(gid):
                continue
            res: QuestionResult = grade_values(hw.questions[gid], answers, ctx, points[gid])
            caught = res.points < res.max_points
            first = len(res.messages)
            if caught:
                name_misconception(hw, res, values, ctx)
            words = next((d["description"] for d in res.detail if "description" in d), None)
            describable = any(isinstance(e, DESCRIBABLE) and not e.passed and _has_numbers(e)
                              for e in res.evidence)
            rows.append(Unregistered(label, gid, caught, res.misconception, words, describable,
                                     tuple(res.messages), first))
    return rows
