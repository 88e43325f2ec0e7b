"""Answers that are a Gaussian-mixture predictive: for each input x a row of mixing
weights, means and sigmas (a mixture density network's output, or a fitted mixture of
experts). The guard, the negative log-likelihood of observed targets under it, and its
density on a grid (to look at its shape, e.g. whether it is multimodal).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats
from scipy.special import logsumexp

from .evidence import Threshold
from .guards import as_array
from .result import AnswerError, CheckResult, failed, passed

WEIGHT_SUM_TOL = 1e-3       # float32 softmax rows sum to 1 within ~1e-6


def as_mixture(value, name: str, n: int, k: int,
               sigma_hint: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, means, sigmas), each (n, k), from a tuple of three arrays; weights rows
    non-negative and summing to one, sigmas positive, or AnswerError."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise AnswerError(f"`{name}` should return a tuple (weights, means, sigmas) of three "
                          "arrays.")
    w, mu, s = (as_array(v, f"{name}: {part}", shape=(n, k))
                for v, part in zip(value, ("weights", "means", "sigmas")))
    if np.any(w < 0) or np.any(np.abs(w.sum(axis=1) - 1) > WEIGHT_SUM_TOL):
        raise AnswerError(f"`{name}`: the mixing weights of each x should be non-negative and sum "
                          "to 1 (one row per x). Normalise the gate outputs with a softmax over "
                          "the components.")
    if np.any(s <= 0):
        raise AnswerError(f"`{name}`: every sigma should be positive." + (f" {sigma_hint}"
                                                                          if sigma_hint else ""))
    return w, mu, s


def mixture_nll(w, mu, s, t) -> np.ndarray:
    """-log p(t_i | x_i) of each target under its row's mixture."""
    with np.errstate(divide="ignore"):
        logw = np.log(w)
    return -logsumexp(logw - 0.5 * ((t[:, None] - mu) / s) ** 2 - np.log(s)
                      - 0.5 * math.log(2 * math.pi), axis=1)


def mixture_density(w, mu, s, grid) -> np.ndarray:
    """The density of one row's mixture (w, mu, s of length k) on a grid of targets."""
    return np.sum(w * stats.norm.pdf(grid[:, None], mu, s), axis=1)


def dip_ratio(w, mu, s, left: tuple[float, float], right: tuple[float, float],
              points: int = 201) -> float:
    """The lowest density of one row's mixture in the gap between two intervals of
    targets over its smaller peak on them: below 1 only for a density with a mode on
    each side (a unimodal density never dips between two points)."""
    def grid(lo, hi):
        return np.linspace(lo, hi, points)
    peak_l = mixture_density(w, mu, s, grid(*left)).max()
    peak_r = mixture_density(w, mu, s, grid(*right)).max()
    gap = mixture_density(w, mu, s, grid(left[1], right[0])).min()
    return float(gap / min(peak_l, peak_r)) if min(peak_l, peak_r) > 0 else math.inf


def nll_at_most(w, mu, s, t, limit: float, name: str, hint: str = "", **detail) -> CheckResult:
    """Pass iff the mean negative log-likelihood per point of targets `t` (fresh data from
    the same process) under the mixture is at most `limit`."""
    score = float(mixture_nll(w, mu, s, t).mean())
    detail = dict(nll=score, threshold=limit, n=len(t), **detail)
    evidence = Threshold(score <= limit, score, limit)
    if evidence.passed:
        return passed("The mixture fits fresh data from the same process well (mean negative "
                      f"log-likelihood per point) with `{name}`.", evidence=evidence, **detail)
    return failed(f"The mixture returned by `{name}` fits fresh data from the same process "
                  "poorly (its mean negative log-likelihood per point is too high)."
                  + (f" {hint}" if hint else ""), evidence=evidence, **detail)
