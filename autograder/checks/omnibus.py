"""One test for a whole table or vector of Monte Carlo estimates.

`close_to_each` tests every cell at alpha / k (Bonferroni): k shares of the
budget, and a mistake that moves every cell a little (an ipw table flattened
towards uniform) slips under every per-cell threshold. `close_to_table` spends
one share on one joint test of d = estimate - truth:

  * "wald": W = d' S^+ d with S the estimator's covariance (known: computed by
    the grader from the truth and the sample size it chose, never from the
    student's numbers) and S^+ its pseudo-inverse. If d ~ N(0, S) then W is
    exactly chi-square with rank(S) degrees of freedom. For multinomial
    proportions, S = (diag(p) - p p') / n and W equals Pearson's X^2.
  * "maxz": M = max_i |d_i| / SE_i with the Sidak null
    P(M > m) = 1 - (1 - 2 Phi(-m))^k: exact for independent cells, and by
    Sidak's inequality (1967) conservative for *any* correlation, so it keeps
    the false-fail rate <= alpha for correlated cells too (it then spends a
    little less than alpha). It has the most power against a mistake in a few
    cells; the Wald test against a mistake spread over many.

A rounding floor delta shrinks each |d_i| by delta_i before the test (soft
threshold), which can only lower the statistic. Entries with SE 0 are exact:
they must be within delta. If S is singular (cells that sum to 1), a d outside
the span of S is impossible for a correct answer and fails with its own message.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy import stats
from scipy.special import log1p, ndtr

from .budget import z_critical
from .evidence import Estimates, Malformed
from .guards import as_array, as_float
from .result import AnswerError, CheckResult, failed, passed


def multinomial_cov(probs, n) -> np.ndarray:
    """Covariance of the cell proportions of n iid categorical draws: (diag(p) - p p') / n."""
    p = np.asarray(probs, dtype=np.float64).reshape(-1)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-9 or not n > 0:
        raise ValueError("probs must be a probability vector and n positive")
    return (np.diag(p) - np.outer(p, p)) / float(n)


def sidak_pvalue(max_abs_z: float, k: int) -> float:
    """P(max of k independent |N(0,1)| >= m) = 1 - (1 - 2 Phi(-m))^k, without cancellation."""
    q = 2.0 * float(ndtr(-abs(max_abs_z)))
    return float(-math.expm1(k * float(log1p(-q)))) if q < 1 else 1.0


def _flatten(values, truths, name):
    """(labels, est, truth) flattened in the order of `truths`."""
    if isinstance(truths, Mapping):
        labels = list(truths)
        truth = np.array([float(truths[k]) for k in labels])
        if not isinstance(values, Mapping):
            raise AnswerError(f"`{name}` should be a dict with one entry per quantity asked for, "
                              f"but it is a {type(values).__name__}.")
        missing = [k for k in labels if k not in values]
        if missing:
            raise AnswerError(f"`{name}` is missing entries: {', '.join(repr(k) for k in missing)}.")
        est = np.array([as_float(values[k], f"{name}[{k!r}]") for k in labels])
        return labels, est, truth
    truth_arr = np.asarray(truths, dtype=np.float64)
    est = as_array(values, name, shape=truth_arr.shape)
    labels = [idx if len(idx) > 1 else idx[0] for idx in np.ndindex(truth_arr.shape)]
    return labels, est.reshape(-1), truth_arr.reshape(-1)


def _per_cell(x, labels, what):
    if isinstance(x, Mapping):
        return np.array([float(x[k]) for k in labels])
    arr = np.asarray(x, dtype=np.float64)
    return np.broadcast_to(arr.reshape(-1) if arr.size == len(labels) else arr,
                           (len(labels),)).astype(np.float64)


def close_to_table(values, truths, alpha: float, se=None, cov=None, delta=0.0,
                   method: str = "wald", name: str = "answer", hint: str = "") -> CheckResult:
    """Pass iff one joint test of the whole table `values` against `truths` has p >= alpha.

    truths: an array (any shape) or a {key: truth} mapping; values alike. Give
    either `se` (per cell, independent cells; scalar, array or mapping) or `cov`
    (k x k covariance of the flattened estimate, in the order of `truths`).
    method "wald" (chi-square) or "maxz" (Sidak). All or nothing: one share of
    the budget for the whole table.
    """
    z_critical(alpha)
    if method not in ("wald", "maxz"):
        raise ValueError(f"method must be 'wald' or 'maxz', got {method!r}")
    if (se is None) == (cov is None):
        raise ValueError("give exactly one of se and cov")
    try:
        labels, est, truth = _flatten(values, truths, name)
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed", method=method)
    k = truth.size
    if cov is None:
        sev = _per_cell(se, labels, "se")
        if np.any(~np.isfinite(sev)) or np.any(sev < 0):
            raise ValueError("se must be finite and non-negative")
        S = np.diag(sev ** 2)
    else:
        S = np.asarray(cov, dtype=np.float64)
        if S.shape != (k, k) or not np.allclose(S, S.T) or np.any(~np.isfinite(S)):
            raise ValueError(f"cov must be a finite symmetric {k} x {k} matrix")
        sev = np.sqrt(np.maximum(np.diag(S), 0.0))
    dl = _per_cell(delta, labels, "delta")
    d_raw = est - truth
    d = np.sign(d_raw) * np.maximum(np.abs(d_raw) - dl, 0.0)  # rounding floor: conservative
    exact = sev == 0
    z = np.where(exact, 0.0, d / np.where(exact, 1.0, sev))
    detail = dict(method=method, alpha=alpha, cells=k, labels=labels, values=est.tolist(),
                  truths=truth.tolist(), se=sev.tolist(), z=z.tolist())

    def evidence(ok: bool) -> Estimates:
        return Estimates(ok, tuple(detail["values"]), tuple(detail["truths"]), tuple(detail["se"]))
    off_exact = [labels[i] for i in np.flatnonzero(exact & (d != 0))]
    if off_exact:
        return failed(f"{len(off_exact)} entries of `{name}` that have an exact answer are not "
                      f"correct: {', '.join(repr(x) for x in off_exact[:5])}."
                      + (f" {hint}" if hint else ""), evidence=evidence(False), statistic=math.inf,
                      pvalue=0.0, **detail)
    if method == "wald":
        w, V = np.linalg.eigh(S)
        tol = max(k, 1) * np.finfo(float).eps * max(float(w.max(initial=0.0)), 1e-300) * 1e3
        keep = w > tol
        df = int(keep.sum())
        proj = V[:, keep].T @ d
        resid = d_raw - V[:, keep] @ (V[:, keep].T @ d_raw)  # the part no sampling noise can make
        scale = float(np.sqrt(w[keep].max())) if df else 1.0
        slack = float(np.sqrt(np.sum(dl ** 2))) + 1e-6 * scale + 1e-12 * (1 + np.abs(truth).max())
        if np.linalg.norm(resid) > slack:
            return failed(f"`{name}` breaks a constraint that every correct answer satisfies "
                          "(for example, probabilities that should add up to one). Check how you "
                          "normalise it." + (f" {hint}" if hint else ""), evidence=evidence(False),
                          statistic=math.inf, pvalue=0.0, df=df, **detail)
        stat = float(np.sum(proj ** 2 / w[keep])) if df else 0.0
        pval = float(stats.chi2.sf(stat, df)) if df else 1.0
        detail.update(statistic=stat, df=df)
    else:
        kk = int(np.count_nonzero(~exact))
        stat = float(np.max(np.abs(z))) if kk else 0.0
        pval = sidak_pvalue(stat, kk) if kk else 1.0
        detail.update(statistic=stat, df=kk)
    detail["pvalue"] = pval
    if pval >= alpha:
        return passed(f"`{name}` is correct.", evidence=evidence(True), **detail)
    worst = [labels[i] for i in np.argsort(-np.abs(z))[:min(3, k)] if abs(z[i]) > 0]
    msg = (f"`{name}` as a whole is further from the correct values than Monte Carlo error can "
           f"explain: a joint test over its {k} entries rejects it, even if each entry alone "
           "looks close.")
    if worst:
        msg += f" The entries furthest off: {', '.join(repr(x) for x in worst)}."
    return failed(msg + (f" {hint}" if hint else ""), evidence=evidence(False), **detail)
