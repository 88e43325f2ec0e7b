"""Categorical / discrete samples against given outcome probabilities.

`frequencies(samples, probs, alpha)` tests the counts of each outcome against
the probabilities. Statistic: Pearson's X^2 = sum (O - E)^2 / E over cells
pooled until every cell expects at least `min_expected` draws (rule below).
Null distribution, method="auto":

  * 2 cells: exact binomial test (scipy.stats.binomtest, two-sided, likelihood
    ordering);
  * few possible count tables (C(n + K - 1, K - 1) <= max_exact): the exact
    multinomial test, P(X^2 >= x^2_obs) summed over all tables;
  * otherwise a Monte Carlo test: X^2 of multinomial tables drawn under H0,
    Besag & Clifford sequential p-value (valid at any alpha; cheap when the
    answer is right).

The chi-square approximations ("chi2": Pearson; "g": G-test with Williams'
correction) are available but are anticonservative at the small alphas of a
split budget even with pooling (measured table in docs/statistics.md), so
"auto" never uses them.

Pooling rule: drop zero-probability cells (observing one fails outright), then
while some cell expects fewer than `min_expected` draws and more than two cells
remain, merge the cell with the smallest expectation into a neighbour: for
ordered outcomes (numbers) the adjacent cell with the smaller expectation, for
unordered ones the cell with the next-smallest expectation.
"""
from __future__ import annotations

import hashlib
import itertools
import math
import numbers
from collections import Counter
from collections.abc import Mapping

import numpy as np
from scipy import stats
from scipy.special import gammaln

from .budget import z_critical
from .evidence import Counts, GoodnessOfFit, Malformed
from .result import AnswerError, CheckResult, failed, passed


def _outcome_table(probs, tail: float = 1e-14):
    """(outcomes, probabilities, ordered, lookup) from a mapping or a frozen discrete dist.

    A discrete scipy distribution becomes the integers between its tail-`tail`
    quantiles, the two end cells absorbing the tails (P(X <= lo), P(X >= hi)).
    lookup(value) -> cell index or None.
    """
    if hasattr(probs, "dist") and isinstance(probs.dist, stats.rv_discrete):
        dist = probs
        lo, hi = int(dist.ppf(tail)), int(dist.isf(tail))
        lo = max(lo, int(dist.support()[0]))
        ks = np.arange(lo, hi + 1)
        p = dist.pmf(ks)
        p[0], p[-1] = dist.cdf(lo), dist.sf(hi - 1)
        if ks.size == 1:
            p[:] = 1.0
        support = dist.support()

        def lookup(v):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                return None
            v = float(v)
            if not math.isfinite(v) or v != math.floor(v) or not support[0] <= v <= support[1]:
                return None
            if dist.pmf(v) <= 0:
                return None
            return int(min(max(v, lo), hi)) - lo

        return [int(k) for k in ks], p, True, lookup
    if not isinstance(probs, Mapping) or not probs:
        raise TypeError("probs must be a non-empty {outcome: probability} mapping or a frozen "
                        "scipy.stats discrete distribution")
    outcomes = list(probs)
    p = np.array([float(probs[o]) for o in outcomes], dtype=np.float64)
    if np.any(~np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError("probabilities must be non-negative and sum to 1")
    ordered = all(isinstance(o, numbers.Real) and not isinstance(o, (bool, np.bool_))
                  for o in outcomes)
    if ordered:
        order = sorted(range(len(outcomes)), key=lambda i: float(outcomes[i]))
        outcomes, p = [outcomes[i] for i in order], p[order]
    index = {o: i for i, o in enumerate(outcomes)}

    def lookup(v):
        try:
            i = index.get(v.item() if isinstance(v, np.generic) else v)
        except TypeError:  # unhashable
            return None
        return i if i is not None and p[i] > 0 else None

    return outcomes, p / p.sum(), ordered, lookup


def pool_cells(expected: np.ndarray, min_expected: float, ordered: bool) -> list[list[int]]:
    """Groups of cell indices after the pooling rule (module doc), in cell order."""
    groups = [[i] for i in range(expected.size) if expected[i] > 0]
    e = [float(expected[g[0]]) for g in groups]
    while len(groups) > 2 and min(e) < min_expected:
        i = int(np.argmin(e))
        if ordered:
            nbrs = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
            j = min(nbrs, key=lambda k: e[k])
        else:
            j = min((k for k in range(len(groups)) if k != i), key=lambda k: e[k])
        a, b = min(i, j), max(i, j)
        groups[a] = sorted(groups[a] + groups[b])
        e[a] += e[b]
        del groups[b], e[b]
    return groups


def pearson(counts: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """X^2 over the last axis."""
    return np.sum((counts - expected) ** 2 / expected, axis=-1)


def g_statistic(counts: np.ndarray, expected: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(counts > 0, counts * np.log(counts / expected), 0.0)
    return 2.0 * np.sum(t, axis=-1)


def n_tables(n: int, k: int) -> int:
    """Number of count tables of n draws over k cells: C(n + k - 1, k - 1)."""
    return math.comb(n + k - 1, k - 1)


def exact_multinomial_pvalue(counts, p) -> float:
    """P(X^2 >= x^2_obs) under Multinomial(n, p), summed over every count table."""
    counts = np.asarray(counts, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    n, k = int(counts.sum()), counts.size
    total = n_tables(n, k)
    bars = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n + k - 1), k - 1)),
                       dtype=np.int64, count=total * (k - 1)).reshape(total, k - 1)
    edges = np.hstack([np.full((total, 1), -1), bars, np.full((total, 1), n + k - 1)])
    tables = np.diff(edges, axis=1) - 1
    e = n * p
    logp = gammaln(n + 1) - gammaln(tables + 1).sum(1) + (tables * np.log(p)).sum(1)
    x2 = pearson(tables, e)
    obs = float(pearson(counts, e))
    return float(min(1.0, np.exp(logp[x2 >= obs * (1 - 1e-9) - 1e-12]).sum()))


def mc_multinomial_pvalue(counts, p, alpha: float, seed: int, h: int = 20,
                          n_resamples: int = None) -> tuple[float, int]:
    """(p-value, tables drawn): Monte Carlo test of X^2 with Besag & Clifford stopping."""
    counts = np.asarray(counts, dtype=np.float64)
    n = int(counts.sum())
    e = n * np.asarray(p, dtype=np.float64)
    obs = float(pearson(counts, e))
    n_resamples = n_resamples or math.ceil(5.0 / alpha)
    rng = np.random.default_rng(seed)
    g = used = 0
    cap, chunk = max(64, min(1 << 16, (1 << 22) // counts.size)), 64
    while used < n_resamples:
        rows = min(chunk, n_resamples - used)
        chunk = min(2 * chunk, cap)
        ge = pearson(rng.multinomial(n, p, size=rows), e) >= obs * (1 - 1e-9) - 1e-12
        if g + int(ge.sum()) >= h:
            used += int(np.flatnonzero(np.cumsum(ge) + g >= h)[0]) + 1
            return h / used, used
        g += int(ge.sum())
        used += rows
    return (g + 1) / (n_resamples + 1), used


def frequencies(samples, probs, alpha: float, name: str = "samples", method: str = "auto",
                min_expected: float = 5.0, min_n: int = None, hint: str = "",
                max_exact: int = 200_000, seed=None) -> CheckResult:
    """Pass iff the outcome counts of `samples` agree with `probs` at level alpha.

    samples: a 1-D sequence of outcomes (numbers, strings, booleans), or a
    mapping {outcome: count}. probs: {outcome: probability} (summing to 1) or a
    frozen scipy.stats discrete distribution (e.g. stats.poisson(3)).
    method: "auto" (exact binomial / exact multinomial / Monte Carlo, module doc),
    "exact", "mc", "chi2" or "g". An outcome with probability 0, or not listed,
    fails outright. min_n: the number of draws the question requires.
    """
    z_critical(alpha)
    if method not in ("auto", "exact", "mc", "chi2", "g"):
        raise ValueError(f"unknown method {method!r}")
    outcomes, p, ordered, lookup = _outcome_table(probs)
    counts = np.zeros(len(outcomes), dtype=np.int64)
    bad, n_bad = [], 0
    try:
        if isinstance(samples, Mapping):
            items = list(samples.items())
        else:
            if samples is None or isinstance(samples, (str, bytes, set, frozenset)):
                raise AnswerError(f"`{name}` should be a sequence of outcomes (one per draw).")
            try:
                arr = np.asarray(samples)
            except ValueError:
                arr = np.asarray(list(samples), dtype=object)
            if arr.dtype.kind in "biuf":
                vals, cnts = np.unique(arr.reshape(-1), return_counts=True)
                items = list(zip(vals.tolist(), cnts.tolist()))
            else:
                items = list(Counter(arr.reshape(-1).tolist()).items())
        for v, c in items:
            if isinstance(c, (bool, np.bool_)) or not isinstance(c, numbers.Integral) or c < 0:
                raise AnswerError(f"`{name}` should map each outcome to a whole, non-negative count.")
            i = lookup(v)
            if i is None:
                if c:
                    bad.append(v)
                    n_bad += int(c)
            else:
                counts[i] += int(c)
        n = int(counts.sum()) + n_bad
        if n == 0:
            raise AnswerError(f"`{name}` is empty. Draw samples and assign them to `{name}`.")
        if min_n is not None and n < min_n:
            raise AnswerError(f"`{name}` has {n} draws; the question asks for at least {min_n}. "
                              "Draw more samples.")
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed", method=method)
    detail = dict(method=method, alpha=alpha, n=n)
    if bad:
        shown = ", ".join(list(dict.fromkeys(map(repr, bad)))[:3])
        return failed(f"`{name}` contains {n_bad} draw(s) that are not possible outcomes "
                      f"(e.g. {shown}). Check the values your sampler can return."
                      + (f" {hint}" if hint else ""), evidence=GoodnessOfFit(False, 0.0),
                      statistic=math.inf, pvalue=0.0, impossible=n_bad, **detail)
    groups = pool_cells(n * p, min_expected, ordered)
    obs = np.array([counts[g].sum() for g in groups])
    pk = np.array([p[g].sum() for g in groups])
    pk = pk / pk.sum()
    k = len(groups)
    used_method = method
    if method == "auto":
        used_method = "exact" if k <= 2 or n_tables(n, k) <= max_exact else "mc"
    if method == "exact" and k > 2 and n_tables(n, k) > 10 * max_exact:
        raise ValueError(f"exact test over {n_tables(n, k)} tables is too large; use 'mc'")
    stat = float(pearson(obs, n * pk)) if k > 1 else 0.0
    extra = {}
    if k == 1:
        pval = 1.0
    elif used_method == "exact" and k == 2:
        pval = float(stats.binomtest(int(obs[0]), n, float(pk[0])).pvalue)
        used_method = "exact-binomial"
    elif used_method == "exact":
        pval = exact_multinomial_pvalue(obs, pk)
    elif used_method == "mc":
        s = seed if seed is not None else int.from_bytes(
            hashlib.sha256(obs.tobytes() + pk.tobytes()).digest()[:8], "little")
        pval, extra["tables"] = mc_multinomial_pvalue(obs, pk, alpha, s)
    elif used_method == "chi2":
        pval = float(stats.chi2.sf(stat, k - 1))
    else:  # G-test, Williams' correction q = 1 + (k + 1) / (6 n)
        g = float(g_statistic(obs, n * pk))
        stat = g / (1.0 + (k + 1) / (6.0 * n))
        pval = float(stats.chi2.sf(stat, k - 1))
    detail.update(method=used_method, statistic=stat, pvalue=pval, cells=k, counts=obs.tolist(),
                  expected=(n * pk).tolist(),
                  pooled=[[outcomes[i] for i in g] for g in groups if len(g) > 1], **extra)
    evidence = Counts(pval >= alpha, tuple(detail["counts"]), tuple(detail["expected"]), pval)
    if evidence.passed:
        return passed(f"The frequencies of the outcomes in `{name}` agree with the probabilities "
                      "they should have.", evidence=evidence, **detail)
    msg = (f"The frequencies of the outcomes in `{name}` do not match the probabilities they "
           "should have: a test of the counts rejects them far beyond what sampling noise "
           "explains. Check the probabilities your sampler uses for each outcome.")
    return failed(msg + (f" {hint}" if hint else ""), evidence=evidence, **detail)


def chi2_against_pmf(counts: np.ndarray, pmf: np.ndarray, ess_ref: float,
                     min_expected: float = 5.0) -> tuple[float, int, float]:
    """Pearson chi-square of independent integer draws against a reference pmf that is
    itself a Monte Carlo average (a posterior predictive from a reference run).

    Adjacent values are merged until each cell expects >= min_expected (the leftover
    upper tail joins the last cell). The reference's error adds at most n / ess_ref to
    the variance of each cell's count relative to multinomial noise, so the statistic
    is divided by (1 + n / ess_ref) (conservative). Returns (statistic, degrees of
    freedom, p-value).
    """
    n = counts.size
    observed = np.bincount(counts.astype(np.int64), minlength=pmf.size)[:pmf.size]
    expected = pmf * n
    cells_o, cells_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(observed, expected):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= min_expected:
            cells_o.append(acc_o)
            cells_e.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 or acc_o > 0:
        cells_o[-1] += acc_o
        cells_e[-1] += acc_e
    o, e = np.asarray(cells_o), np.asarray(cells_e)
    statistic = float(((o - e) ** 2 / e).sum()) / (1.0 + n / ess_ref)
    df = o.size - 1
    return statistic, df, float(stats.chi2.sf(statistic, df))


def cell_frequencies(cells: np.ndarray, table: np.ndarray, alpha: float, name: str,
                     hint: str = "", variables: str = "zxy") -> CheckResult:
    """Draws of binary variables (rows of 0/1 `cells`, one column per variable) against
    their joint `table` (indexed [v1, v2, ...]): one `frequencies` test over all the
    combinations, so a mistake that moves every cell a little (resampling without
    replacement flattens a table) is not lost below per-cell thresholds."""
    k, spelled = len(variables), ", ".join(variables)
    combos = list(np.ndindex((2,) * k))
    counts = np.bincount(cells @ (2 ** np.arange(k - 1, -1, -1)), minlength=2 ** k)
    label = "({})".format(", ".join(f"{v}={{}}" for v in variables)).format
    res = frequencies({label(*c): int(counts[i]) for i, c in enumerate(combos)},
                      {label(*c): float(table[c]) for c in combos}, alpha,
                      name=f"the ({spelled}) combinations in {name}")
    if res.passed:
        return passed(f"The draws in {name} have the right distribution.",
                      evidence=res.evidence, **res.detail)
    return failed(f"The draws in {name} do not follow the right distribution: the shares of "
                  f"the ({spelled}) combinations are further off than sampling noise explains."
                  + (f" {hint}" if hint else ""), evidence=res.evidence, **res.detail)
