"""Early rejection on the worker: a test cell's grader calls asked for in stages.

A question declared with stages (homework.Stage; ProbeTables' estimate questions)
hands the worker a `Staged` extraction instead of one piece of kernel code: the
kernel code of each stage, which asks the student's functions only for that
stage's new draws, and per stage the interval each pooled estimate must stay in.
The worker runs stage 1 in the test cell; after stage k it pools the estimates
so far (checks.sequential.pooled) and runs stage k+1 only while every one is
inside its interval. A clearly wrong answer so costs the first stage's draws
instead of the full size; a right one is asked for every stage.

The worker decides only how much to ask for. The verdict stays the grader's: the
question's check runs the same stage tests on the answers that came back. The
intervals live in the worker's memory, like the extraction code, never in the
kernel.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from autograder.checks.sequential import pooled
from autograder.homework import stage_key


@dataclass(frozen=True)
class Staged:
    """A test cell's extraction in stages: kernel code, draws per call and the
    intervals that let the next stage go ahead, one entry per stage."""
    codes: tuple[str, ...]
    draws: tuple[int, ...]
    bands: tuple[dict[str, tuple[float, float]], ...]


def _number(entry) -> float | None:
    """A call's answer as the kernel sent it ({"value": x}), if it is one finite number
    (a numpy or torch scalar arrives as a one-element array)."""
    if not isinstance(entry, dict) or set(entry) != {"value"}:
        return None
    x = entry["value"]
    if isinstance(x, dict) and isinstance(x.get("__array__"), list) and len(x["__array__"]) == 1:
        x = x["__array__"][0]
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def _union(texts: list[str]) -> dict:
    """The stages' answers as one mapping (their keys are distinct); ValueError for a
    payload that is not a JSON mapping."""
    merged: dict = {}
    for text in texts:
        part = json.loads(text)
        if not isinstance(part, dict):
            raise ValueError("a stage's answers are not a mapping")
        merged.update(part)
    return merged


def _stage_entries(answers: dict, label: str, k: int) -> tuple[list, list[float | None]]:
    """`label`'s entries at stages 1..k as the kernel sent them, and each as a number
    (None where it is not one)."""
    entries = [answers.get(stage_key(label, j)) for j in range(1, k + 1)]
    return entries, [_number(e) for e in entries]


def go_on(texts: list[str], staged: Staged) -> bool:
    """Whether stage k+1 is worth asking for after stages 1..k answered `texts` (the
    kernel's answers JSON, one per stage): every pooled estimate inside its interval.
    Anything that is not a number (an error, a missing function, an array) ends the
    stages: the check fails it at the stage it has."""
    k = len(texts)
    if k >= len(staged.codes):
        return False
    try:
        answers = _union(texts)
    except ValueError:
        return False
    for label, (lo, hi) in staged.bands[k - 1].items():
        _, values = _stage_entries(answers, label, k)
        if None in values or not lo <= pooled(values, staged.draws[:k]) <= hi:
            return False
    return True


def merge(texts: list[str], staged: Staged | None = None) -> str:
    """One answers payload from the stages' payloads. With the plan, each label also
    gets its pooled estimate over the stages asked (or the first entry that is not a
    number), so whoever reads the answers as one call per label (feedback's diagnosis,
    calibration) sees what a single call would have answered; the check itself tests
    the stage keys. ValueError for a payload that is not a JSON mapping."""
    if staged is None and len(texts) == 1:
        return texts[0]
    merged = _union(texts)
    if staged is not None:
        for label in staged.bands[0]:
            entries, values = _stage_entries(merged, label, len(texts))
            if None in values:
                merged[label] = entries[values.index(None)] or {"__missing__": label}
            else:
                merged[label] = {"value": pooled(values, staged.draws[:len(texts)])}
    return json.dumps(merged)
