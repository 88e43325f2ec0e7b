"""Exact answers (a table, a vector, a column of numbers) and the known wrong forms
they take: the same numbers transposed, a log instead of a probability, a table left
unnormalised. No sampling noise, so no band: within `floor` (float32 arithmetic,
typed-in rounding) or not, and no share of the false-fail budget.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from .evidence import Exact
from .guards import as_array
from .result import CheckResult, failed, passed

TRANSPOSED = "{subject} looks transposed"


def transposed(truth, what: str) -> dict:
    """The `near` entry of a 2-D table read with its indices swapped; `what` says how
    the table is indexed."""
    return {f"{TRANSPOSED}. {what}": np.transpose(np.asarray(truth, dtype=np.float64))}


def exact_table(value, truth, name: str, floor: float, hint: str = "",
                near: Mapping[str, object] = (), subject: str | None = None) -> CheckResult:
    """Pass iff `value` has truth's shape and every entry is within `floor` of it
    (`floor` a number, or an array of truth's shape: a slack per entry, such as a share
    of each entry's standard error for a deterministic estimator).

    A wrong answer that matches a known wrong form is told so: `near` maps the
    sentence to show (with `{subject}` for what is checked, by default `name` in
    backticks) to that form's values, or to a predicate of the answer; the first
    that matches wins. Otherwise "`name` is not correct." and the hint. A value of
    the wrong shape raises AnswerError (from as_array).
    """
    truth = np.asarray(truth, dtype=np.float64)
    floor = np.broadcast_to(np.asarray(floor, dtype=np.float64), truth.shape)
    got = as_array(value, name, shape=truth.shape)
    subject = subject or f"`{name}`"
    evidence = Exact(bool(np.all(np.abs(got - truth) <= floor)), got.ravel(), truth.ravel(), floor.ravel())
    if evidence.passed:
        return passed(f"{subject} is correct.", evidence=evidence)
    for sentence, form in dict(near).items():
        hit = form(got) if callable(form) else np.all(np.abs(got - form) <= floor)
        if hit:
            return failed(sentence.format(subject=subject), evidence=evidence,
                          wrong_entries=int(np.count_nonzero(np.abs(got - truth) > floor)))
    return failed(f"{subject} is not correct." + (f" {hint}" if hint else ""), evidence=evidence,
                  wrong_entries=int(np.count_nonzero(np.abs(got - truth) > floor)))
