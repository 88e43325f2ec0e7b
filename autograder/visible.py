"""Visible checks for students' test cells: format and sanity only, never correctness.

They raise AssertionError with a message that says what is wrong and where to
look. The hidden checks that decide the grade run in the grader, not here.
"""
from __future__ import annotations

import inspect

import numpy as np

from autograder.checks import guards
from autograder.checks.result import AnswerError


def _plain(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except AnswerError as exc:
        raise AssertionError(str(exc)) from None


def number(value, name: str) -> float:
    return _plain(guards.as_float, value, name)


def probability(value, name: str) -> float:
    return _plain(guards.as_probability, value, name)


def between(value, low: float, high: float, name: str) -> float:
    x = number(value, name)
    assert low <= x <= high, f"`{name}` should lie between {low} and {high}; check its sign and scale."
    return x


def table(value, name: str, shape) -> np.ndarray:
    return _plain(guards.as_probability_table, value, name, shape)


def rows_sum_to_one(value, name: str) -> None:
    rows = np.asarray(value, dtype=float).sum(axis=-1)
    assert np.allclose(rows, 1.0, atol=1e-6), \
        f"each row of `{name}` is a distribution and should sum to 1; check which index is which."


def has_keys(value, keys, name: str) -> None:
    assert isinstance(value, dict), f"`{name}` should be a dict, not {type(value).__name__}."
    missing = [k for k in keys if k not in value]
    assert not missing, f"`{name}` is missing the key {missing[0]!r}."


def function(value, name: str, params) -> None:
    assert callable(value), f"`{name}` should be a function."
    have = list(inspect.signature(value).parameters)
    missing = [p for p in params if p not in have]
    assert not missing, (f"`{name}` should take the parameters {', '.join(params)}; "
                         f"`{missing[0]}` is missing.")


def done() -> None:
    print("Format looks right. The hidden checks judge the values when your notebook is graded.")
