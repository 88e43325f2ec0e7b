"""Goodness of fit of student samples to a fully specified target distribution.

MC_CHECKS.md ("Distribution checks"): test at the check's alpha against the known
CDF; Anderson-Darling has the best general power, KS is simplest; thin
autocorrelated (MCMC) draws to about their ESS first, or the false-fail rate
inflates.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .budget import z_critical
from .guards import as_array
from .result import AnswerError, CheckResult, failed, passed


def _check_dist(dist):
    if not (hasattr(dist, "dist") and isinstance(dist.dist, stats.rv_continuous)):
        raise TypeError("dist must be a frozen scipy.stats continuous distribution, "
                        "e.g. scipy.stats.norm(0, 1)")


def _ad_statistic(x: np.ndarray, dist) -> float:
    """A^2 = -n - (1/n) sum (2i-1) [ln F(x_(i)) + ln(1 - F(x_(n+1-i)))].

    logcdf/logsf keep the far tails finite where F rounds to 0 or 1.
    """
    x = np.sort(x)
    n = x.size
    i = np.arange(1, n + 1)
    s = np.sum((2 * i - 1) * (dist.logcdf(x) + dist.logsf(x[::-1])))
    return float(-n - s / n)


def _tail_fix_poly() -> np.poly1d:
    """M&M's errfix for x > 0.8, rewritten in u = 1 - x and pinned to 0 at u = 0.

    Their fit g3(x) = -130.2137 + 745.2337x - 1705.091x^2 + 1950.646x^3 - 1116.360x^4
    + 255.7844x^5 has g3(1) = -6e-4 (coefficient rounding) where the true correction
    is 0; used as published it floors every p-value at ~6e-4/n, so a blatantly wrong
    sample would pass a small alpha. Subtracting the ramp g3(1)(x - 0.8)/0.2 keeps
    continuity at x = 0.8 and moves the fit by at most 6e-4/n (M&M quote ~1e-5
    accuracy). Written in u, the tail needs no cancellation, so tiny p-values stay
    accurate and monotone in A^2.
    """
    g3 = np.poly1d([255.7844, -1116.360, 1950.646, -1705.091, 745.2337, -130.2137])
    q = g3(np.poly1d([-1.0, 1.0])) - g3(1.0) * np.poly1d([-5.0, 1.0])
    coeffs = q.coeffs.copy()
    coeffs[-1] = 0.0  # q(0) = 0 exactly; drop the floating-point residue
    return np.poly1d(coeffs)


_TAIL_FIX = _tail_fix_poly()


def _ad_pvalue(a2: float, n: int) -> float:
    """P(A_n^2 >= a2) for a fully specified continuous distribution.

    Marsaglia & Marsaglia (2004), "Evaluating the Anderson-Darling distribution",
    J. Statistical Software 9(2): the ADinf approximation of the limiting CDF
    (|error| < 2e-6) plus their finite-n correction errfix(n, x). scipy's
    `anderson` only tabulates a few levels, and `goodness_of_fit` is Monte Carlo
    (slow), hence this closed form. Accurate to ~1e-5 absolute in the bulk; in the
    far tail the p-value is the asymptotic tail 1 - ADinf times (1 + O(1/n)), so it
    resolves the tiny alphas of a split budget (one tail tweak: _tail_fix_poly).
    """
    if not a2 > 0:
        return 1.0
    if math.isinf(a2):
        return 0.0
    z = a2
    if z < 2.0:
        cdf = math.exp(-1.2337141 / z) / math.sqrt(z) * (
            2.00012 + (0.247105 - (0.0649821 - (0.0347962 - (0.011672 - 0.00168691 * z) * z) * z) * z) * z)
        upper = 1.0 - cdf
    else:
        inner = math.exp(
            1.0776 - (2.30695 - (0.43424 - (0.082433 - (0.008056 - 0.0003146 * z) * z) * z) * z) * z)
        cdf = math.exp(-inner)
        upper = -math.expm1(-inner)  # 1 - exp(-inner) without cancellation in the far tail
    x = cdf
    if x > 0.8:
        fix = float(_TAIL_FIX(upper)) / n  # see _tail_fix_poly
    else:
        c = 0.01265 + 0.1757 / n
        if x < c:
            t = x / c
            t = math.sqrt(t) * (1.0 - t) * (49.0 * t - 102.0)
            fix = t * (0.0037 / (n * n) + 0.00078 / n + 0.00006) / n
        else:
            t = (x - c) / (0.8 - c)
            t = -0.00022633 + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 * t) * t) * t) * t) * t
            fix = t * (0.04213 / n + 0.01365 / (n * n)) / n
    return min(1.0, max(0.0, upper - fix))


def anderson_darling(samples, dist) -> tuple[float, float]:
    """(A^2, p-value) of samples against the frozen continuous `dist`."""
    _check_dist(dist)
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    a2 = _ad_statistic(x, dist)
    return a2, _ad_pvalue(a2, x.size)


def gof(samples, dist, alpha: float, name: str = "samples", method: str = "ks",
        min_n: int = None, hint: str = "") -> CheckResult:
    """Pass iff the goodness-of-fit p-value >= alpha.

    method: "ks" (scipy.stats.kstest against dist.cdf) or "ad" (Anderson-Darling,
    Marsaglia & Marsaglia p-value). `samples` must be 1-D and (roughly)
    independent: pass MCMC draws through `thin_to_ess` first. `min_n` is the
    sample size the question requires (sized for power with budget.required_n);
    fewer samples fail with a "draw more" message, never a wider band.
    """
    _check_dist(dist)
    z_critical(alpha)  # validates alpha in (0, 1]
    if method not in ("ks", "ad"):
        raise ValueError(f"method must be 'ks' or 'ad', got {method!r}")
    try:
        x = as_array(samples, name, shape=(None,), min_size=min_n)
        if x.size == 0:
            raise AnswerError(f"`{name}` is empty. Draw samples and assign them to `{name}`.")
    except AnswerError as e:
        return failed(str(e), error="malformed", method=method)
    if method == "ks":
        res = stats.kstest(x, dist.cdf)
        stat, p = float(res.statistic), float(res.pvalue)
    else:
        stat, p = anderson_darling(x, dist)
    detail = dict(method=method, statistic=stat, pvalue=p, alpha=alpha, n=int(x.size))
    if p >= alpha:
        return passed(f"`{name}` looks like draws from the target distribution.", **detail)
    msg = (f"`{name}` does not look like draws from the target distribution: a goodness-of-fit "
           "test rejects it far beyond what sampling noise explains. Check the sampler's "
           "parameters (location and especially scale/variance) and any transformation you apply.")
    return failed(msg + (f" {hint}" if hint else ""), **detail)


def thin_to_ess(draws, ess: float = None) -> np.ndarray:
    """Keep every k-th draw of each chain so about `ess` draws remain, flattened.

    draws: (n,) or (chains, n). k = ceil(total / ess). If ess is None it is
    ArviZ's bulk ESS of the draws. Thinning leaves roughly independent draws so
    GOF tests keep their nominal false-fail rate (MC_CHECKS.md).
    """
    arr = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    if arr.ndim != 2:
        raise ValueError("draws must have shape (n,) or (chains, n)")
    if ess is None:
        from .posterior import ess_bulk  # lazy: arviz is slow to import
        ess = ess_bulk(arr)
    ess = float(ess)
    if not ess > 0 or not math.isfinite(ess):
        raise ValueError(f"ess must be positive and finite, got {ess}")
    step = max(1, math.ceil(arr.size / ess))
    return arr[:, ::step].reshape(-1)
