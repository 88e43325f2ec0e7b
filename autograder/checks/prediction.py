"""Bands for answers that have no analytic truth, such as the fitted model of an SVI or a
training loop: one more run is compared with K recorded runs of the reference solution
(docs/statistics.md, "Stochastic fits: prediction bounds")."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats


def prediction_bound(values, alpha: float, side: str) -> float:
    """One bound of a prediction interval for one more draw like `values` (normal theory):
    mean -+ t_{K-1}(1 - alpha) s sqrt(1 + 1/K), K the number of values, s their SD.
    `side` is "lower" or "upper", each at level alpha; a two-sided interval at level alpha
    is the two bounds at alpha / 2."""
    v = np.asarray(values, dtype=float).ravel()
    if side not in ("lower", "upper"):
        raise ValueError(f"side must be 'lower' or 'upper', got {side!r}")
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"a prediction bound needs at least 2 finite values, got {v.size}")
    half = float(stats.t.isf(alpha, v.size - 1) * v.std(ddof=1) * math.sqrt(1 + 1 / v.size))
    return float(v.mean() - half) if side == "lower" else float(v.mean() + half)
