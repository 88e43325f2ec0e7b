"""Sizing a probe so that every known wrong answer fails (docs/statistics.md,
"Required size" and "Probe tables").

A homework that hands the student's function a probe (a table, a data set) and
compares the answer with the truth in a band truth +- (z(alpha) sigma / sqrt(n) + floor)
needs an n at which each known wrong answer on that probe lands outside the band
with the required power. `required_n_against` gives it for one probe; `stated_n` is
the size the notebook states: the largest over the homework's fixed probes, rounded up.
For draws tested as a whole, `frequencies_required_n` sizes a `frequencies` test against
a wrong categorical law and `ks_required_n` a KS test against a wrong law at a given
sup distance.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

import numpy as np

from .budget import required_n


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


def frequencies_required_n(truth, wrong, alpha: float, power: float = 0.999) -> float:
    """Smallest n at which `frequencies` at level alpha rejects n draws from the
    distribution `wrong` with probability >= power, `truth` being the tested one
    (two probability vectors over the same outcomes).

    A wrong law that puts mass m on outcomes impossible under the truth fails as soon as
    one draw lands there: n = log(1 - power) / log(1 - m). Otherwise Pearson's X^2 under
    `wrong` is about noncentral chi-square with noncentrality n * sum (q - p)^2 / p and
    k - 1 degrees of freedom (Cochran 1952). math.inf when the two laws are equal.
    """
    from scipy import stats
    p, q = np.asarray(truth, dtype=float), np.asarray(wrong, dtype=float)
    impossible = float(q[p <= 0].sum())
    if impossible > 1e-12:
        return float(math.ceil(math.log1p(-power) / math.log1p(-min(impossible, 1 - 1e-16))))
    live = p > 0
    lam = float(np.sum((q[live] - p[live]) ** 2 / p[live]))
    df = int(live.sum()) - 1
    if lam <= 1e-15 or df < 1:
        return math.inf
    crit = stats.chi2.isf(alpha, df)
    lo, hi = 1, 2
    while stats.ncx2.sf(crit, df, hi * lam) < power:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if stats.ncx2.sf(crit, df, mid * lam) < power else (lo, mid)
    return float(hi)


def ks_required_n(distance: float, alpha: float, power: float = 0.999) -> float:
    """Smallest n at which a Kolmogorov-Smirnov test at level alpha rejects draws whose
    CDF is `distance` away (sup norm) from the tested one, with probability >= power.

    The test rejects when D_n > c / sqrt(n) with c = sqrt(ln(2 / alpha) / 2) or less
    (Dvoretzky-Kiefer-Wolfowitz with Massart's constant), and D_n >= distance - |F_n(t*)
    - G(t*)|, whose sd is at most 1 / (2 sqrt(n)): n = ((c + z_power / 2) / distance)^2.
    """
    from scipy import stats
    if distance <= 0:
        return math.inf
    c = math.sqrt(math.log(2 / alpha) / 2)
    return float(math.ceil(((c + stats.norm.ppf(power) / 2) / distance) ** 2))
