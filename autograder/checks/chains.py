"""Autocorrelated sequences (a simulated process observed at regular times, MCMC
draws): thinning them to nearly independent rows with ArviZ's ESS, so that a test
built for independent draws keeps its false-fail rate (docs/statistics.md).

`thin_to_ess` keeps about ESS draws, which leaves consecutive kept draws correlated
(for an AR(1) chain, lag-1 correlation exp(-2) ~ 0.14 after thinning to the ESS); at
the small levels of a split budget that inflates a chi-square test's false-fail rate
many times over. `thin_to_independence` thins further, to a residual correlation the
caller names.
"""
from __future__ import annotations

import math

import numpy as np

from .evidence import Threshold
from .posterior import ess_bulk
from .result import CheckResult, failed, passed


def ar1_step(tau: float, rho_max: float) -> int:
    """The smallest lag s whose correlation rho**s <= rho_max in an AR(1) chain with
    integrated autocorrelation time tau = (1 + rho) / (1 - rho)."""
    if not 0 < rho_max < 1:
        raise ValueError(f"rho_max must lie in (0, 1), got {rho_max!r}")
    if not tau > 1:
        return 1
    rho = (tau - 1) / (tau + 1)
    return max(1, math.ceil(math.log(rho_max) / math.log(rho)))


def thin_to_independence(draws, rho_max: float, min_step: int = 1) -> tuple[np.ndarray, dict]:
    """Every s-th row of `draws`, s chosen so consecutive kept rows are nearly independent.

    draws: (n,) or (n, d), one row per time, one column per coordinate. For each column
    that varies, tau = n / ESS with ESS ArviZ's bulk (rank-normalised) ESS; read as an
    AR(1) chain, tau gives the lag-1 correlation rho = (tau - 1) / (tau + 1), and the
    step is the smallest s with rho**s <= rho_max (`ar1_step`), the largest over the
    columns, and at least `min_step` (a design that fixes how many rows are kept when
    the chain mixes as it should, so that the test's size and power are known). The
    reading is exact for a coordinate whose autocorrelation is exp(-t/T)
    (an immigration-death count, an AR(1) chain) and conservative when faster modes are
    mixed in (tau then overstates the lag-s correlation's decay time). Returns the kept
    rows and {"step", "taus", "kept"}; constant columns carry no autocorrelation and
    are skipped (tau NaN).
    """
    arr = np.asarray(draws, dtype=np.float64)
    cols = arr.reshape(arr.shape[0], -1)
    n = cols.shape[0]
    taus, step = [], max(1, int(min_step))
    for j in range(cols.shape[1]):
        col = cols[:, j]
        if n < 4 or np.ptp(col) == 0:
            taus.append(math.nan)
            continue
        ess = ess_bulk(col)
        tau = n / ess if ess > 0 and math.isfinite(ess) else math.inf
        taus.append(tau)
        step = max(step, ar1_step(tau, rho_max) if math.isfinite(tau) else n)
    kept = arr[::step]
    return kept, {"step": int(step), "taus": taus, "kept": int(kept.shape[0])}


# How far an estimated integrated autocorrelation time may stray from the exact one before
# the sequence is judged to come from another process. ArviZ's bulk ESS of an exact AR(1)
# sequence with tau = 2.16 (lag-1 correlation e^-1) over n = 5200 rows gave tau_hat with
# mean 2.18, sd 0.14 and maximum 2.71 in 300 runs (docs/statistics.md, "Thinning a
# simulated process"): a factor of 2 either way is 7 to 15 of those sds from the truth.
TAU_FACTOR = 2.0


def autocorrelation_gate(draws, taus, name: str, factor: float = TAU_FACTOR,
                         slow_hint: str = "", fast_hint: str = "") -> CheckResult:
    """Whether each column decorrelates about as fast as the process it should come from.

    taus: the exact integrated autocorrelation time of each column (NaN: not judged;
    a column that cannot vary is skipped). Fails when a column's tau_hat = n / ESS
    (ArviZ bulk) exceeds factor x tau (the rows change far more slowly than the process
    would make them: a wrong clock) or, for a column with tau >= factor, falls below
    tau / factor (the rows are independent draws, not observations of one run). At
    factor 2 a correct sequence of a few thousand rows sits many standard deviations
    inside both bounds, so the gate takes no share of the false-fail budget. Its evidence
    is a Threshold: the largest factor by which a column strays from its tau (tau_hat /
    tau, or tau / tau_hat where the fast bound applies) against `factor`.
    """
    arr = np.asarray(draws, dtype=np.float64)
    cols = arr.reshape(arr.shape[0], -1)
    measured = []
    for j, tau in enumerate(taus):
        col = cols[:, j]
        if not math.isfinite(tau) or cols.shape[0] < 4 or np.ptp(col) == 0:
            measured.append(math.nan)
            continue
        ess = ess_bulk(col)
        measured.append(cols.shape[0] / ess if ess > 0 and math.isfinite(ess) else math.inf)
    detail = dict(taus=list(map(float, taus)), tau_hat=measured, factor=factor)
    slow = [j for j, (t, m) in enumerate(zip(taus, measured)) if m > factor * t]
    fast = [j for j, (t, m) in enumerate(zip(taus, measured)) if t >= factor and m < t / factor]
    strays = [max(m / t, t / m if t >= factor else 0.0) for t, m in zip(taus, measured)
              if math.isfinite(t) and not math.isnan(m)]
    evidence = Threshold(not slow and not fast, max(strays, default=1.0), factor)
    if slow:
        return failed(f"`{name}`: consecutive rows are far more alike than the process makes "
                      "them at this spacing; it runs too slowly." + (f" {slow_hint}" if slow_hint else ""),
                      evidence=evidence, **detail)
    if fast:
        return failed(f"`{name}`: consecutive rows are far less alike than observations of one "
                      "run at this spacing can be; they look like independent draws."
                      + (f" {fast_hint}" if fast_hint else ""), evidence=evidence, **detail)
    return passed(f"`{name}` decorrelates as the process does.", evidence=evidence, **detail)
