"""Compare a Monte Carlo estimate with an analytic truth (docs/statistics.md).

Pass when |est - truth| <= z * SE + delta, z = z_critical(alpha). SE comes from
the sample size the student used or the question requires, never from the
student's own claim. delta is a documented rounding floor passed in by callers.
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
from scipy import stats

from .budget import z_critical
from .evidence import Estimate, Estimates, Malformed
from .guards import as_float
from .result import AnswerError, CheckResult, failed, passed


def proportion_se(p: float, n: int) -> float:
    """SE of a sample proportion: sqrt(p (1 - p) / n)."""
    p, n = float(p), float(n)
    if not 0.0 <= p <= 1.0 or n <= 0:
        raise ValueError(f"need 0 <= p <= 1 and n > 0, got p={p}, n={n}")
    return math.sqrt(p * (1.0 - p) / n)


def mean_se(sd: float, n: float) -> float:
    """SE of a mean of n iid draws (or n = ESS for MCMC): sd / sqrt(n)."""
    sd, n = float(sd), float(n)
    if sd < 0 or n <= 0:
        raise ValueError(f"need sd >= 0 and n > 0, got sd={sd}, n={n}")
    return sd / math.sqrt(n)


def _normalised_weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative, and not all zero")
    return w / w.sum()


def kish_ess(weights) -> float:
    """Kish effective sample size 1 / sum(w~_i^2), w~ the normalised weights."""
    wn = _normalised_weights(weights)
    return float(1.0 / np.sum(wn ** 2))


def snis_se(weights, f) -> float:
    """SE of the self-normalised IS estimate: sqrt(sum w~_i^2 (f_i - mu_hat)^2)."""
    wn = _normalised_weights(weights)
    f = np.asarray(f, dtype=np.float64).reshape(-1)
    if f.shape != wn.shape:
        raise ValueError(f"weights and f differ in length ({wn.size} vs {f.size})")
    mu = float(np.sum(wn * f))
    return float(math.sqrt(np.sum(wn ** 2 * (f - mu) ** 2)))


def _check_params(se: float, alpha: float, delta: float) -> tuple[float, float]:
    se, delta = float(se), float(delta)
    if not (se >= 0 and math.isfinite(se)) or not (delta >= 0 and math.isfinite(delta)):
        raise ValueError(f"se and delta must be finite and non-negative, got se={se}, delta={delta}")
    z = z_critical(alpha)  # validates alpha even for exact answers
    # se == 0 is an exact answer: only the rounding floor counts
    return (z if se > 0 else 0.0), delta


def close_to(value, truth: float, se: float, alpha: float, delta: float = 0.0,
             name: str = "answer", hint: str = "") -> CheckResult:
    """Pass iff |value - truth| <= z_critical(alpha) * se + delta.

    se == 0 marks an exact answer (pass iff within delta). A malformed value is
    returned as a failed result carrying the guard's message.
    """
    z, delta = _check_params(se, alpha, delta)
    truth, se = float(truth), float(se)
    band = z * se + delta
    try:
        x = as_float(value, name)
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), truth=truth, se=se, z=z, band=band,
                      error="malformed")
    detail = dict(value=x, truth=truth, se=se, z=z, band=band,
                  z_stat=(x - truth) / se if se > 0 else None)
    evidence = Estimate(abs(x - truth) <= band, x, truth, se)
    if evidence.passed:
        return passed(f"`{name}` is correct.", evidence=evidence, **detail)
    what = "further from the correct value than Monte Carlo error can explain" if se > 0 else "not correct"
    return failed(f"`{name}` is {what}." + (f" {hint}" if hint else ""), evidence=evidence,
                  **detail)


def _per_key(mapping, key):
    if isinstance(mapping, Mapping):
        return mapping[key]
    return mapping  # one value shared by every entry


def close_to_each(values, truths: Mapping, ses, alpha: float, delta=0.0,
                  name: str = "answer", hint: str = "") -> CheckResult:
    """close_to for each entry of a small structured answer (e.g. CPT entries).

    The entries of `truths` define what is checked (extra keys in `values` are
    ignored). `ses` and `delta` are dicts keyed like `truths` or one shared number.
    The per-entry level is alpha / len(truths) (Bonferroni inside, docs/statistics.md),
    so the whole answer keeps the false-fail rate alpha. Score = share of entries
    within their band; full marks iff all are.
    """
    if not truths:
        raise ValueError("truths must have at least one entry")
    if not isinstance(values, Mapping):
        return failed(f"`{name}` should be a dict with one entry per quantity asked for, "
                      f"but it is a {type(values).__name__}.", evidence=Malformed())
    missing = [k for k in truths if k not in values]
    if missing:
        listed = ", ".join(repr(k) for k in missing)
        return failed(f"`{name}` is missing entries: {listed}.", evidence=Malformed(),
                      missing=missing)
    entry_alpha = alpha / len(truths)
    results = {k: close_to(values[k], truths[k], _per_key(ses, k), entry_alpha,
                           _per_key(delta, k), name=f"{name}[{k!r}]")
                for k in truths}
    wrong = [k for k, r in results.items() if not r.passed]
    detail = dict(entry_alpha=entry_alpha, entries={k: r.detail for k, r in results.items()})
    compared = [r.evidence for r in results.values() if isinstance(r.evidence, Estimate)]
    evidence = Estimates(not wrong, tuple(e.value for e in compared),
                         tuple(e.truth for e in compared), tuple(e.se for e in compared))
    if not wrong:
        return passed(f"`{name}` is correct.", evidence=evidence, **detail)
    malformed = [results[k].message for k in wrong if results[k].detail.get("error") == "malformed"]
    listed = ", ".join(repr(k) for k in wrong)
    msg = (f"{len(wrong)} of {len(truths)} entries of `{name}` are not right "
           f"(further from the correct values than Monte Carlo error can explain, or malformed): {listed}.")
    if malformed:
        msg += " " + " ".join(malformed)
    if hint:
        msg += f" {hint}"
    return failed(msg, score=1.0 - len(wrong) / len(truths), evidence=evidence, **detail)


def _run_sets(runs) -> list[np.ndarray]:
    """The recorded runs as one array per style: a sequence is one style; a mapping
    {style: runs} holds the reference's runs and each registered alternative's."""
    sets = list(runs.values()) if isinstance(runs, Mapping) else [runs]
    out = [np.asarray(v, dtype=float).ravel() for v in sets]
    out = [v for v in out if v.size]
    if not out or any(v.size < 2 or not np.all(np.isfinite(v)) for v in out):
        raise ValueError("a prediction band needs at least 2 finite runs of each style")
    return out


def prediction_band(runs, alpha: float) -> tuple[float, float]:
    """(centre, half-width) of a prediction interval for one more run of a reference that
    was run K times: m +- t_{K-1}(1 - alpha/2) s sqrt(1 + 1/K). For a mapping
    {style: runs} (the reference and its alternatives, each run K_i times), the interval
    that holds every style's own interval, so each accepted style passes at alpha."""
    lows, highs = [], []
    for v in _run_sets(runs):
        half = float(stats.t.isf(alpha / 2, v.size - 1) * v.std(ddof=1) * math.sqrt(1 + 1 / v.size))
        lows.append(float(v.mean()) - half)
        highs.append(float(v.mean()) + half)
    low, high = min(lows), max(highs)
    return (low + high) / 2, (high - low) / 2


def prediction_bound(runs, alpha: float, side: str) -> float:
    """One-sided prediction bound at level alpha for one more run (`side` "lower" or
    "upper"): one end of the two-sided band at 2 alpha, the looser over the styles of a
    mapping. For a quality (a correlation with the truth: lower) or an error (upper)."""
    if side not in ("lower", "upper"):
        raise ValueError(f"side must be 'lower' or 'upper', got {side!r}")
    centre, half = prediction_band(runs, 2 * alpha)
    return centre - half if side == "lower" else centre + half


def close_to_runs(value, runs, alpha: float, name: str = "answer", hint: str = "",
                  high_hint: str | None = None) -> CheckResult:
    """Pass iff `value` lies in the prediction band of the reference's own runs (a fitted
    model with no analytic truth: its training noise is the band); `runs` as in
    prediction_band. Estimate evidence with the band's centre as the truth and
    half-width / t as the SE. `high_hint`, if given, replaces `hint` for a value above
    the band (where the direction says what went wrong)."""
    x = as_float(value, name)
    centre, half = prediction_band(runs, alpha)
    k = min(v.size for v in _run_sets(runs))
    t_crit = float(stats.t.isf(alpha / 2, k - 1))
    evidence = Estimate(abs(x - centre) <= half, x, centre, half / t_crit)
    detail = dict(value=x, truth=centre, se=half / t_crit, z=t_crit, half_width=half)
    if evidence.passed:
        return passed(f"`{name}` is consistent with a fitted model.", evidence=evidence, **detail)
    told = high_hint if high_hint is not None and x > centre else hint
    return failed(f"`{name}` is further from what a fitted model gives than training noise "
                  "explains." + (f" {told}" if told else ""), evidence=evidence, **detail)
