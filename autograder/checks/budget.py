"""Spending the false-fail budget and sizing samples (docs/statistics.md).

A check on a random answer is a hypothesis test. docs/statistics.md gives the
false-fail budget at A = 1e-3 per submission, split over the m checks by
Bonferroni (alpha' = A/m), critical value z = Phi^-1(1 - alpha'/2), and the
required size n >= ((z + z_beta) * sigma / b)^2 for power 1 - beta against the
nearest known wrong answer at distance b.
"""
from __future__ import annotations

import math
from typing import Sequence

from scipy.stats import norm

DEFAULT_BUDGET = 1e-3  # false fails per submission, when course.yml sets none


def _check_level(alpha: float, what: str = "alpha") -> float:
    alpha = float(alpha)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"{what} must lie in (0, 1], got {alpha!r}")
    return alpha


def z_critical(alpha: float) -> float:
    """Two-sided critical value Phi^-1(1 - alpha/2) (docs/statistics.md, "Allotting the budget")."""
    return float(norm.isf(_check_level(alpha) / 2.0))


def per_check_alpha(budget: float, n_checks: int) -> float:
    """Bonferroni share of the per-submission budget: budget / n_checks (docs/statistics.md)."""
    budget = _check_level(budget, "budget")
    if isinstance(n_checks, bool) or int(n_checks) != n_checks or n_checks < 1:
        raise ValueError(f"n_checks must be a positive integer, got {n_checks!r}")
    return budget / int(n_checks)


def holm(pvalues: Sequence[float], budget: float) -> list[bool]:
    """Holm step-down test at family-wise level `budget`.

    Returns a reject flag per p-value, in input order (True = reject = fail).
    Holm is uniformly at least as powerful as Bonferroni at the same level.
    """
    budget = _check_level(budget, "budget")
    ps = [float(p) for p in pvalues]
    if any(not 0.0 <= p <= 1.0 for p in ps):  # NaN fails this too
        raise ValueError("p-values must lie in [0, 1]")
    m = len(ps)
    reject = [False] * m
    for k, i in enumerate(sorted(range(m), key=ps.__getitem__)):
        if ps[i] > budget / (m - k):
            break  # step-down: stop at the first non-rejection
        reject[i] = True
    return reject


def required_n(sigma: float, gap: float, alpha: float, power: float = 0.999,
               delta: float = 0.0) -> int:
    """Smallest n with (z(alpha) + z_beta) * sigma / sqrt(n) + delta <= gap.

    z_beta = Phi^-1(power) (one-sided). Then an estimate centred on a wrong
    answer `gap` away from the truth lands outside the band with probability
    >= power (docs/statistics.md, "Estimate against a known truth").
    """
    sigma, gap, delta = float(sigma), float(gap), float(delta)
    if sigma < 0 or delta < 0:
        raise ValueError("sigma and delta must be non-negative")
    if gap <= delta:
        raise ValueError(f"gap ({gap}) must exceed the rounding floor delta ({delta}); "
                         "no sample size can separate this wrong answer")
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must lie in (0, 1), got {power!r}")
    k = z_critical(alpha) + float(norm.ppf(power))

    def ok(n: int) -> bool:
        return k * sigma / math.sqrt(n) + delta <= gap

    n = max(1, math.ceil((k * sigma / (gap - delta)) ** 2))
    # guard against floating-point error in the closed form
    while not ok(n):
        n += 1
    while n > 1 and ok(n - 1):
        n -= 1
    return n


def detection_probability(truth: float, wrong: float, se: float, alpha: float,
                          delta: float = 0.0) -> float:
    """P(estimate ~ N(wrong, se^2) falls outside truth +- (z(alpha)*se + delta)).

    The power of `close_to` against a specific wrong answer. Exact (0 or 1)
    when se == 0.
    """
    truth, wrong, se, delta = float(truth), float(wrong), float(se), float(delta)
    if se < 0 or delta < 0:
        raise ValueError("se and delta must be non-negative")
    d = wrong - truth
    if se == 0:
        return 1.0 if abs(d) > delta else 0.0
    half = z_critical(alpha) * se + delta
    return float(norm.cdf((-half - d) / se) + norm.sf((half - d) / se))
