"""Decode the tagged JSON a kernel sends back into plain Python and numpy values.

Only JSON is read (never pickle), arrays are rebuilt with fixed numeric dtypes,
and the payload's size and nesting are capped (engine/wire.py), so a hostile kernel can send wrong answers but
cannot run code or exhaust the grader.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from autograder.engine.wire import MAX_DEPTH, MAX_PAYLOAD


@dataclass(frozen=True)
class Unavailable:
    """An answer that could not be read; `reason` is a student-facing sentence."""
    reason: str


_DTYPES = {"float": np.float64, "int": np.int64, "bool": np.bool_}


def _decode(x, depth=0):
    if depth > MAX_DEPTH:
        raise ValueError("it is nested too deeply")
    if isinstance(x, list):
        return [_decode(v, depth + 1) for v in x]
    if not isinstance(x, dict):
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        raise ValueError("it holds a value of an unknown kind")
    if "__float__" in x:
        return float(str(x["__float__"]))
    if "__array__" in x:
        dtype = _DTYPES[x["dtype"]]
        flat = x["__array__"]
        if not isinstance(flat, list) or not all(isinstance(v, (int, float, str)) for v in flat):
            raise ValueError("an array in it is damaged")
        flat = [float(v) if isinstance(v, str) else v for v in flat]
        return np.asarray(flat, dtype=dtype).reshape([int(n) for n in x["shape"]])
    if "__fraction__" in x:
        num, den = x["__fraction__"]
        return Fraction(int(num), int(den))
    if "__set__" in x:
        return frozenset(_hashable(_decode(v, depth + 1)) for v in x["__set__"])
    if "__dict__" in x:
        return {_hashable(_decode(k, depth + 1)): _decode(v, depth + 1) for k, v in x["__dict__"]}
    if "__unsupported__" in x:
        raise ValueError(f"it contains a value of type {str(x['__unsupported__'])[:60]}; use "
                         "numbers, strings, lists, sets, dicts, numpy arrays or tensors")
    raise ValueError("unknown tag in answer payload")


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(i) for i in v)
    if isinstance(v, np.ndarray):
        return _hashable(v.tolist())  # 0-d arrays become scalars, others nested tuples
    return v


def _text(value, limit=200) -> str:
    return str(value)[:limit]


def decode_payload(text: str) -> dict[str, object]:
    """Map each requested name to its value or an `Unavailable` with the reason.

    The kernel is untrusted: any shape of JSON is validated here, and nothing
    in it can make this raise anything but ValueError."""
    if not isinstance(text, str) or len(text) > MAX_PAYLOAD:
        raise ValueError("answer payload too large")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the answers were not valid JSON") from None
    if not isinstance(raw, dict):
        raise ValueError("the answers were not in the expected form")
    out: dict[str, object] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            out[key] = Unavailable(f"`{_text(key, 60)}` could not be read")
        elif "__missing__" in entry:
            out[key] = Unavailable(f"`{_text(entry['__missing__'], 60)}` is not defined when this "
                                   "question is graded; run the cell that defines it and check the "
                                   "name")
        elif "__timeout__" in entry:
            out[key] = Unavailable(f"`{_text(entry.get('what', key), 60)}` was still running when "
                                   f"the time limit for checking this answer "
                                   f"({_text(entry['__timeout__'], 10)} s) ran out")
        elif "__error__" in entry:
            out[key] = Unavailable(f"`{_text(entry.get('what', key), 60)}` raised "
                                   f"{_text(entry['__error__'], 500)}")
        else:
            try:
                out[key] = _decode(entry["value"])
            except Exception as exc:  # noqa: BLE001 - ZeroDivisionError, RecursionError, ...
                why = str(exc) if isinstance(exc, ValueError) else "it is not a plain value"
                out[key] = Unavailable(f"`{_text(key, 60)}` could not be graded: {why}")
    return out
