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

from .posterior import ess_bulk


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
