"""What a check compared, as typed records: the evidence behind a verdict.

Every CheckResult carries one. Each kind holds the numbers its comparison used and
its own pass flag (whether that comparison passed; the result's `passed` may still
withhold credit, e.g. `all_of`). Feedback that names a misconception
(grading/misconceptions.py) reads these records by type, never the student
message or the TA-facing `detail`. `to_dict`/`evidence_from_dict` are the JSON form
kept in grading.json.

    Estimate       one number against its truth, with the SE of a right answer (se 0: exact)
    Estimates      several such numbers (a table, the entries of a dict)
    Counts         outcome counts against their expected counts, and the test's p-value
    GoodnessOfFit  draws tested against a known law (its p-value; the draws' centre and
                   spread against the law's, in SEs, for feedback words only; the draws'
                   quantiles, which the diagnosis compares with a simulated mistake's)
    TwoSample      draws tested against a reference sampler's draws (the same)
    ReferenceMatch a posterior mean against a long reference run of the same model
    Convergence    a sampler's convergence gate (R-hat, bulk ESS)
    Threshold      a one-sided statistic against a limit (a loss, a fit score)
    Exact          a rule with no sampling noise (sets, structures, exact tables: their
                   values, truth and tolerance where they are numbers)
    Malformed      no comparison: the answer had the wrong form, or never arrived
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np


def _plain(v):
    """Python scalars and tuples of them (numpy's are not JSON), as grading.json needs."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (tuple, list, np.ndarray)):
        return tuple(_plain(x) for x in v)
    return v


@dataclass(frozen=True)
class Evidence:
    passed: bool
    kind: ClassVar[str] = "evidence"

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _plain(getattr(self, f.name)))
        object.__setattr__(self, "passed", bool(self.passed))

    def to_dict(self) -> dict:
        out = {"kind": self.kind}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True)
class Estimate(Evidence):
    value: float
    truth: float
    se: float
    kind: ClassVar[str] = "estimate"


@dataclass(frozen=True)
class Estimates(Evidence):
    values: tuple
    truths: tuple
    ses: tuple
    kind: ClassVar[str] = "estimates"


@dataclass(frozen=True)
class Counts(Evidence):
    counts: tuple
    expected: tuple
    pvalue: float
    kind: ClassVar[str] = "counts"


@dataclass(frozen=True)
class GoodnessOfFit(Evidence):
    pvalue: float
    # the draws' centre and spread against the law's, in standard errors (summary.py);
    # None where not read. Feedback words only: the verdict is the p-value's
    centre_z: float | None = None
    spread_z: float | None = None
    # the tested draws' quantiles (`sketch`) and their number: what the diagnosis
    # compares with a simulated mistake's draws; empty where the check had no draws
    quantiles: tuple = ()
    n: int = 0
    kind: ClassVar[str] = "goodness_of_fit"


@dataclass(frozen=True)
class TwoSample(Evidence):
    pvalue: float
    centre_z: float | None = None   # against the reference draws, as GoodnessOfFit's
    spread_z: float | None = None
    quantiles: tuple = ()           # as GoodnessOfFit's
    n: int = 0
    kind: ClassVar[str] = "two_sample"


SKETCH_POINTS = 201   # quantiles kept of a test's draws: a CDF read to within 1/200


def sketch(x) -> dict:
    """The keyword arguments that give GoodnessOfFit or TwoSample evidence the draws it
    tested, as SKETCH_POINTS quantiles (a few kB in grading.json, whatever the draws'
    number) and their count."""
    v = np.asarray(x, dtype=np.float64).reshape(-1)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {}
    return {"quantiles": tuple(np.quantile(v, np.linspace(0.0, 1.0, SKETCH_POINTS))),
            "n": int(v.size)}


@dataclass(frozen=True)
class ReferenceMatch(Evidence):
    mean: float
    ref_mean: float
    se: float
    kind: ClassVar[str] = "reference_match"


@dataclass(frozen=True)
class Convergence(Evidence):
    rhat: float
    ess: float
    kind: ClassVar[str] = "convergence"


@dataclass(frozen=True)
class Threshold(Evidence):
    statistic: float
    limit: float
    kind: ClassVar[str] = "threshold"


@dataclass(frozen=True)
class Exact(Evidence):
    # what an exact table compared, where it was numbers (empty for a rule or a set);
    # feedback reads them to say how a wrong table differs, never to show them
    values: tuple = ()
    expected: tuple = ()
    tolerance: tuple = ()
    kind: ClassVar[str] = "exact"


@dataclass(frozen=True)
class Malformed(Evidence):
    passed: bool = False
    kind: ClassVar[str] = "malformed"


KINDS = {cls.kind: cls for cls in (Estimate, Estimates, Counts, GoodnessOfFit, TwoSample,
                                   ReferenceMatch, Convergence, Threshold, Exact, Malformed)}


def evidence_from_dict(d: dict) -> Evidence:
    """The record `Evidence.to_dict` wrote (lists back to tuples)."""
    cls = KINDS[d["kind"]]
    return cls(**{f.name: tuple(d[f.name]) if isinstance(d[f.name], list) else d[f.name]
                  for f in fields(cls) if f.name in d})   # a field added later keeps its default


__all__ = ["Evidence", *[c.__name__ for c in KINDS.values()], "KINDS", "evidence_from_dict",
           "sketch", "SKETCH_POINTS"]
