"""Sizing a probe so that every known wrong answer fails (docs/statistics.md,
"Required size" and "Probe tables").

A homework that hands the student's function a probe (a table, a data set) and
compares the answer with the truth in a band truth +- (z(alpha) sigma / sqrt(n) + floor)
needs an n at which each known wrong answer on that probe lands outside the band
with the required power. `required_n_against` gives it for one probe; `stated_n` is
the size the notebook states: the largest over the homework's fixed probes, rounded up.
`ks_required_n` and `required_n_chi2` size a goodness-of-fit test (KS, or a chi-square
statistic with known noncentrality) against a known wrong law.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

import numpy as np
from scipy import stats

from .budget import required_n, z_critical


def required_n_against(truth: float, sigma: float, wrong: Iterable[tuple[float, float]],
                       alpha: float, power: float = 0.999, floor: float = 0.0) -> float:
    """Smallest n that rejects every wrong answer with `power` at level `alpha`.

    `sigma` and each wrong answer's sd are sqrt(n) x the SE of the right and of the
    wrong estimator (0 for a value that is exact, e.g. a number typed in). Each wrong
    answer is sized with the larger of the two: the band's width uses the truth's SE,
    but the wrong answer scatters with its own. `floor` is the band's rounding margin
    (delta of `required_n`). Returns math.inf when a wrong answer lies within `floor`
    of the truth: no n separates it, so the probe is unusable.
    """
    need = 1
    for value, sd in wrong:
        gap = abs(truth - value)
        if gap <= floor:
            return math.inf
        need = max(need, required_n(max(sigma, sd), gap, alpha, power=power, delta=floor))
    return need


def stated_n(size_of: Callable[[object, float], float], probes: Iterable, budget: float,
             step: int = 1000) -> int:
    """max over the fixed probes of size_of(probe, budget), rounded up to a multiple of
    `step`: the number the question states and every probe call uses."""
    need = max(size_of(p, budget) for p in probes)
    if not math.isfinite(need):
        raise ValueError("a known wrong answer equals the truth on a fixed probe: "
                         "no sample size separates them")
    return int(math.ceil(need / step) * step)


def ks_required_n(truth, wrong, alpha: float, power: float = 0.999) -> int:
    """Smallest n at which a KS test of draws from `wrong` against `truth` rejects with
    probability >= power.

    Let d = sup_t |F(t) - G(t)|, attained at t*, and s = sqrt(G(t*)(1 - G(t*))).
    Under `wrong`, F_n(t*) ~ Binomial(n, G(t*)) / n, and D_n >= d - |F_n(t*) - G(t*)|.
    By the Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant) the KS test at
    level alpha rejects whenever D_n > c / sqrt(n), c = sqrt(ln(2 / alpha) / 2). So it
    rejects with probability >= power once (c + z_power s) / sqrt(n) <= d, i.e. with
    required_n's condition (z(alpha) + z_power) sigma / sqrt(n) <= d for
    sigma = (c + z_power s) / (z(alpha) + z_power).
    """
    lo = min(truth.ppf(1e-9), wrong.ppf(1e-9))
    hi = max(truth.isf(1e-9), wrong.isf(1e-9))
    t = np.linspace(lo, hi, 200_001)
    diff = np.abs(truth.cdf(t) - wrong.cdf(t))
    i = int(diff.argmax())
    d, g = float(diff[i]), float(wrong.cdf(t[i]))
    c = math.sqrt(math.log(2 / alpha) / 2)
    z_power = float(stats.norm.ppf(power))
    sigma = (c + z_power * math.sqrt(g * (1 - g))) / (z_critical(alpha) + z_power)
    return required_n(sigma, d, alpha, power=power)


def required_n_chi2(lam_per_unit: float, df: int, alpha: float, power: float = 0.999) -> int:
    """Smallest n with P(ncx2(df, n * lam) > chi2.isf(alpha, df)) >= power: a chi-square
    test whose noncentrality grows by `lam_per_unit` with each unit (draw) against a
    known wrong answer."""
    crit = stats.chi2.isf(alpha, df)
    lo, hi = 1, 2
    while stats.ncx2.sf(crit, df, hi * lam_per_unit) < power:
        hi *= 2
    while lo < hi:
        mid = (lo + hi) // 2
        if stats.ncx2.sf(crit, df, mid * lam_per_unit) >= power:
            hi = mid
        else:
            lo = mid + 1
    return lo
