"""Decode the tagged JSON a kernel sends back into plain Python and numpy values.

Only JSON is read (never pickle), arrays are rebuilt with fixed numeric dtypes,
and the payload size is capped, so a hostile kernel can send wrong answers but
cannot run code or exhaust the grader.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

MAX_PAYLOAD = 64 * 2**20  # bytes; far above any answer the homework asks for


@dataclass(frozen=True)
class Unavailable:
    """An answer that could not be read; `reason` is a student-facing sentence."""
    reason: str


_DTYPES = {"float": np.float64, "int": np.int64, "bool": np.bool_}


def _decode(x):
    if isinstance(x, list):
        return [_decode(v) for v in x]
    if not isinstance(x, dict):
        return x
    if "__float__" in x:
        return float(x["__float__"])
    if "__array__" in x:
        dtype = _DTYPES[x["dtype"]]
        flat = [float(v) if isinstance(v, str) else v for v in x["__array__"]]
        return np.asarray(flat, dtype=dtype).reshape(x["shape"])
    if "__fraction__" in x:
        num, den = x["__fraction__"]
        return Fraction(int(num), int(den))
    if "__set__" in x:
        return frozenset(_hashable(_decode(v)) for v in x["__set__"])
    if "__dict__" in x:
        return {_hashable(_decode(k)): _decode(v) for k, v in x["__dict__"]}
    if "__unsupported__" in x:
        raise ValueError(f"it contains a value of type {x['__unsupported__']}; use numbers, "
                         "strings, lists, sets, dicts, numpy arrays or tensors")
    raise ValueError("unknown tag in answer payload")


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(i) for i in v)
    if isinstance(v, np.ndarray):
        return _hashable(v.tolist())  # 0-d arrays become scalars, others nested tuples
    return v


def decode_payload(text: str) -> dict[str, object]:
    """Map each requested name to its value or an `Unavailable` with the reason."""
    if len(text) > MAX_PAYLOAD:
        raise ValueError("answer payload too large")
    raw = json.loads(text)
    out: dict[str, object] = {}
    for key, entry in raw.items():
        if "__missing__" in entry:
            out[key] = Unavailable(f"`{entry['__missing__']}` is not defined when this question is "
                                   "graded; run the cell that defines it and check the name")
        elif "__error__" in entry:
            out[key] = Unavailable(f"`{entry.get('what', key)}` raised {entry['__error__']}")
        else:
            try:
                out[key] = _decode(entry["value"])
            except (KeyError, TypeError, ValueError) as exc:
                out[key] = Unavailable(f"`{key}` could not be graded: {exc}")
    return out
