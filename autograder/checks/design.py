"""Sizing a probe so that every known wrong answer fails (docs/statistics.md,
"Required size" and "Probe tables").

A homework that hands the student's function a probe (a table, a data set) and
compares the answer with the truth in a band truth +- (z(alpha) sigma / sqrt(n) + floor)
needs an n at which each known wrong answer on that probe lands outside the band
with the required power. `required_n_against` gives it for one probe; `stated_n` is
the size the notebook states: the largest over the homework's fixed probes, rounded up.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

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


def ks_required_n(distance: float, alpha: float, power: float = 0.999) -> int:
    """Smallest n at which a Kolmogorov-Smirnov test at level alpha rejects a sample
    whose law is `distance` (sup |F - G|) from the target, with probability >= power.

    The test rejects whenever D_n > c / sqrt(n), c = sqrt(ln(2 / alpha) / 2)
    (Dvoretzky-Kiefer-Wolfowitz with Massart's constant, a conservative critical value).
    At the point where the laws differ most the sample's empirical CDF misses its own
    law's by at most z_power / (2 sqrt(n)) with probability >= power (a binomial
    proportion's sd is at most 1 / (2 sqrt(n))), so D_n >= distance - z_power / (2 sqrt(n))
    and n = ((c + z_power / 2) / distance)^2 suffices.
    """
    if not 0 < distance <= 1:
        raise ValueError(f"distance must lie in (0, 1], got {distance!r}")
    from scipy.stats import norm
    c = math.sqrt(math.log(2 / alpha) / 2)
    return max(1, math.ceil(((c + float(norm.ppf(power)) / 2) / distance) ** 2))
