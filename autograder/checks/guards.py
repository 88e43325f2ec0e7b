"""Turn a student's raw answer into clean numbers, or explain why it can't be.

Every guard raises AnswerError whose text names the answer variable and what to
look at. It may state requirements the question itself states (a shape, a
minimum number of samples) but never the expected value or a tolerance.
"""
from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np

from .result import AnswerError

_FREE_DIM_NAMES = "nmkl"


def _type_name(value) -> str:
    return type(value).__name__


def _parse_string(text: str, name: str) -> float:
    # Fraction accepts "8/17", "0.47", "1e-3"; spaces around "/" are common in hand-typed answers.
    cleaned = "".join(text.split())
    try:
        return float(Fraction(cleaned))
    except (ValueError, ZeroDivisionError):
        raise AnswerError(
            f"`{name}` is the text {text!r}, which is not a number. "
            "Assign a number (e.g. 0.25) or a fraction string (e.g. \"1/4\")."
        ) from None


def _check_finite(x: float, name: str) -> float:
    if np.isnan(x):
        raise AnswerError(
            f"`{name}` is NaN (not a number). Look for a division by zero, "
            "a mean over an empty selection, or a log of zero in your computation."
        )
    if np.isinf(x):
        raise AnswerError(
            f"`{name}` is infinite. Look for a division by zero or an overflow "
            "(e.g. exponentiating large log-weights without subtracting their maximum)."
        )
    return x


def as_float(value, name: str) -> float:
    """One finite real number from a scalar, size-1 array/list, or "a/b" string."""
    if value is None:
        raise AnswerError(f"`{name}` is None. Did you forget to assign it, or to `return` a value?")
    if isinstance(value, (bool, np.bool_)):
        raise AnswerError(f"`{name}` is a True/False value, but the question asks for a number.")
    if isinstance(value, str):
        return _check_finite(_parse_string(value, name), name)
    if isinstance(value, numbers.Real):  # int, float, numpy scalars, Fraction
        return _check_finite(float(value), name)
    if isinstance(value, numbers.Complex):
        raise AnswerError(f"`{name}` is a complex number, but the question asks for a real number.")
    if isinstance(value, (dict, set, frozenset)):
        raise AnswerError(f"`{name}` is a {_type_name(value)}, but the question asks for a single number.")
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            arr = np.asarray(value, dtype=object)
        except ValueError:
            arr = None
        if arr is None or arr.size != 1:
            size = "several" if arr is None else arr.size
            raise AnswerError(
                f"`{name}` holds {size} values, but the question asks for a single number."
            )
        return as_float(arr.reshape(-1)[0], name)
    try:  # e.g. Decimal, 0-d tensors
        return _check_finite(float(value), name)
    except (TypeError, ValueError):
        raise AnswerError(
            f"`{name}` is a {_type_name(value)}, but the question asks for a single number."
        ) from None


def as_probability(value, name: str) -> float:
    """as_float, and in [0, 1]."""
    x = as_float(value, name)
    if not 0.0 <= x <= 1.0:
        raise AnswerError(
            f"`{name}` is a probability, so it must lie between 0 and 1, but it does not. "
            "Check that you normalised (divided by the total) and did not return a count "
            "or a log-probability."
        )
    return x


def as_int(value, name: str, minimum: int = None) -> int:
    """An integer (integral floats like 3.0 are accepted), optionally >= minimum."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        n = int(value)  # exact for big ints; avoids float rounding
    else:
        x = as_float(value, name)
        if x != int(x):
            raise AnswerError(f"`{name}` should be a whole number, but it has a fractional part.")
        n = int(x)
    if minimum is not None and n < minimum:
        raise AnswerError(f"`{name}` should be at least {minimum}.")
    return n


def _shape_text(shape) -> str:
    free = iter(_FREE_DIM_NAMES)
    parts = [next(free, "_") if d is None else str(d) for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def as_array(value, name: str, shape=None, min_size: int = None, finite: bool = True) -> np.ndarray:
    """A float64 array; `shape` may use None for free dimensions.

    Boolean arrays are accepted as 0/1 (indicator samples are legitimate).
    """
    if value is None:
        raise AnswerError(f"`{name}` is None. Did you forget to assign it, or to `return` the samples?")
    if isinstance(value, (str, dict, set, frozenset)):
        raise AnswerError(
            f"`{name}` is a {_type_name(value)}, but the question asks for an array of numbers."
        )
    try:
        arr = np.asarray(value)
        if np.iscomplexobj(arr):
            raise TypeError
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise AnswerError(
            f"`{name}` could not be turned into an array of numbers. Check that every entry is a "
            "number and that all rows have the same length."
        ) from None
    if shape is not None:
        shape = tuple(shape)
        if arr.ndim != len(shape) or any(d is not None and d != s for d, s in zip(shape, arr.shape)):
            raise AnswerError(
                f"`{name}` should have shape {_shape_text(shape)} but has shape {tuple(arr.shape)}."
            )
    if min_size is not None and arr.size < min_size:
        raise AnswerError(
            f"`{name}` has {arr.size} values; the question asks for at least {min_size}. Draw more samples."
        )
    if finite:
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        if bad:
            raise AnswerError(
                f"`{name}` contains {bad} NaN or infinite value(s). Look for divisions by zero, "
                "logs of zero, or overflowing weights."
            )
    return arr


def as_dict(value, name: str, keys) -> dict:
    """A dict answer holding every one of `keys` (it may hold more); the error names the
    keys the question asks for, or the first one missing."""
    keys = list(keys)
    if not isinstance(value, dict):
        listed = ", ".join(repr(k) for k in keys[:-1]) + f" and {keys[-1]!r}" \
            if len(keys) > 1 else repr(keys[0])
        raise AnswerError(f"`{name}` should be a dict with keys {listed}, not a "
                          f"{_type_name(value)}.")
    missing = [k for k in keys if k not in value]
    if missing:
        raise AnswerError(f"`{name}` is missing the key {missing[0]!r}.")
    return value


def as_probability_table(value, name: str, shape) -> np.ndarray:
    """as_array with the given shape, every entry in [0, 1]."""
    arr = as_array(value, name, shape=shape)
    if np.any((arr < 0.0) | (arr > 1.0)):
        raise AnswerError(
            f"`{name}` holds probabilities, so every entry must lie between 0 and 1, but some do not. "
            "Check that you normalised each distribution and did not store counts."
        )
    return arr


def min_distinct(arr, name: str, required: int) -> int:
    """Raise when `arr` has fewer than `required` distinct values; returns the count.

    Catches degenerate samplers (stuck chains, or importance resampling with a low
    effective sample size, which repeats the same few draws).
    """
    n_distinct = int(np.unique(np.asarray(arr)).size)
    if n_distinct < required:
        raise AnswerError(
            f"`{name}` has too few distinct samples (only {n_distinct} different values). "
            "Many repeats mean the draws carry little information, e.g. a sampler that is stuck, "
            "or importance resampling with a low effective sample size repeating the same draws."
        )
    return n_distinct


def as_binary_table(value, name: str, variables: str) -> np.ndarray:
    """A dict {(v1, v2, ...): number} with one entry for every combination of the binary
    `variables` (e.g. "zxy") -> an array indexed [v1, v2, ...]."""
    k, spelled = len(variables), ", ".join(variables)
    if not isinstance(value, dict):
        raise AnswerError(f"`{name}` should be a dict that maps each ({spelled}) tuple to a "
                          f"probability, but it is a {_type_name(value)}.")
    table = np.full((2,) * k, np.nan)
    for key, v in value.items():
        try:
            cell = tuple(int(c) for c in key) if isinstance(key, tuple) else None
            ok = cell is not None and len(cell) == k and all(float(c) == i for c, i in zip(key, cell))
        except (TypeError, ValueError):
            ok = False
        if not ok or any(c not in (0, 1) for c in cell):
            raise AnswerError(f"`{name}` has the key {key!r}; every key should be a tuple "
                              f"({spelled}) of {k} integers 0 or 1.")
        table[cell] = as_float(v, f"{name}[{key!r}]")
    missing = [c for c in np.ndindex(table.shape) if np.isnan(table[c])]
    if missing:
        raise AnswerError(f"`{name}` has no entry for {missing[0]}; it needs all {2 ** k} "
                          f"combinations of ({spelled}).")
    return table


def binary_columns(arr: np.ndarray, name: str, variables: str) -> np.ndarray:
    """The first len(variables) columns of `arr` as ints, each 0 or 1 (sampled values of
    binary variables), or AnswerError."""
    k, spelled = len(variables), ", ".join(variables)
    cols = arr[:, :k]
    if not np.all((cols == 0) | (cols == 1)):
        raise AnswerError(f"The first {k} columns of `{name}` should hold the sampled values "
                          f"0 or 1 of the variables ({spelled}), but some entries are not 0 or 1.")
    return cols.astype(int)


def as_indices(value, name: str, n: int, k: int) -> np.ndarray:
    """n whole component indices in 0..k-1 (a sampler's picks, a clustering), as ints."""
    arr = as_array(value, name).reshape(-1) if np.ndim(value) else None
    if arr is None or arr.size != n:
        raise AnswerError(f"`{name}` should return one component index per row of its input "
                          f"({n} here).")
    if np.any(arr != np.round(arr)) or np.any((arr < 0) | (arr >= k)):
        listed = ", ".join(map(str, range(k - 1))) + f" or {k - 1}"
        raise AnswerError(f"`{name}` should return whole component indices {listed} (the "
                          "component each row picked).")
    return arr.astype(int)


def as_mean_variance(value, name: str) -> tuple[float, float]:
    """A (mean, variance) pair, e.g. a normal distribution answered by its moments."""
    if isinstance(value, dict) or not isinstance(value, (list, tuple, np.ndarray)):
        raise AnswerError(f"`{name}` should be a tuple (mean, variance), but it is a "
                          f"{_type_name(value)}.")
    if len(value) != 2:
        raise AnswerError(f"`{name}` should be a tuple of two numbers (mean, variance), but it "
                          f"has {len(value)} entries.")
    mean = as_float(value[0], f"{name}[0] (the mean)")
    var = as_float(value[1], f"{name}[1] (the variance)")
    if var < 0:
        raise AnswerError(f"`{name}[1]` is a variance, so it cannot be negative.")
    return mean, var
