"""A sample's centre and spread against a law's or a reference sample's, in standard
errors: what feedback puts into words when draws fail a distribution test (the test's
verdict never depends on them)."""
from __future__ import annotations

import math

import numpy as np


Z = tuple[float | None, float | None]


def centre_and_spread(x, ref_mean: float, ref_sd: float, m: int | None = None) -> Z:
    """(z of the sample mean against `ref_mean`, z of log(sd / ref_sd)); `m` is the size
    of a reference sample (None: an exact law). None where they cannot be read (kept
    finite, so grading.json stays plain JSON)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    x = x[np.isfinite(x)]
    n = x.size
    if n < 3 or not (math.isfinite(ref_mean) and math.isfinite(ref_sd)) or ref_sd <= 0:
        return None, None
    extra = 1.0 / m if m else 0.0
    centre = (float(x.mean()) - ref_mean) / (ref_sd * math.sqrt(1.0 / n + extra))
    sd = float(x.std(ddof=1))
    # the log sd ratio's SE for normal-like draws; heavy tails make it noisier, which
    # only blurs the words, never the verdict
    se_log = math.sqrt(1.0 / (2 * (n - 1)) + (1.0 / (2 * (m - 1)) if m and m > 1 else 0.0))
    spread = math.log(sd / ref_sd) / se_log if sd > 0 else None
    return (centre if math.isfinite(centre) else None), spread


def against_sample(x, reference) -> Z:
    ref = np.asarray(reference, dtype=np.float64).reshape(-1)
    if ref.size < 3:
        return None, None
    return centre_and_spread(x, float(ref.mean()), float(ref.std(ddof=1)), int(ref.size))


def against_law(x, dist) -> Z:
    try:
        mean, sd = float(dist.mean()), float(dist.std())
    except Exception:  # noqa: BLE001 - a law without moments (or an atoms mixture): no words
        return None, None
    return centre_and_spread(x, mean, sd)
