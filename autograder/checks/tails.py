"""A two-sample test of the extremes: do the student's draws reach as far as a correct sampler's?

KS and Anderson-Darling compare whole distributions, so a difference confined to
the far tails (a heavy-tailed law truncated in the wrong place, a cap left out)
moves them by about the tail's mass and stays invisible up to very large n. The
extremes see it directly: under H0 (both samples from one law) the pooled sample's
order, ties broken at random, is a uniformly random arrangement of the two
labels, so the number X_r of student draws among the r largest (or smallest)
pooled values is hypergeometric(N, n, r), whatever the law.

Statistic: the smallest one-sided hypergeometric tail probability over
r = 1, 2, 4, ..., R (R = min(1024, N / 4)), both ends, both directions (too
many student draws among the extremes: a tail too long; too few: a tail cut
short). Its null is simulated exactly (the counts at the nested extremes are hypergeometric
increments), with Besag & Clifford stopping, so the p-value is valid at any
alpha and costs O(log R) draws per simulated table, never a shuffle of N.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

R_MAX = 1024


@dataclass(frozen=True)
class TailResult:
    """The extremes test: its p-value, the end and direction that gave the smallest
    tail probability ("upper"/"lower", "long"/"short"), and the tables simulated."""
    pvalue: float
    end: str
    direction: str
    tables: int


def _ranks(r_max: int) -> np.ndarray:
    return 2 ** np.arange(int(math.log2(r_max)) + 1)


def _tables(N: int, n: int, rs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(X_r >= c) and P(X_r <= c) for each r in rs and c = 0..max(rs) (exact pmf sums)."""
    c = np.arange(rs[-1] + 1)[None, :]
    r = rs[:, None]
    ok = (c <= r) & (c <= n) & (r - c <= N - n)
    cc, rc = np.where(ok, c, 0), np.where(ok, r - c, 0)
    logpmf = (gammaln(n + 1) - gammaln(cc + 1) - gammaln(n - cc + 1)
              + gammaln(N - n + 1) - gammaln(rc + 1) - gammaln(N - n - rc + 1)
              - gammaln(N + 1) + gammaln(r + 1) + gammaln(N - r + 1))
    pmf = np.where(ok, np.exp(logpmf), 0.0)
    lo = np.minimum(np.cumsum(pmf, axis=1), 1.0)
    hi = np.minimum(np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1], 1.0)
    return hi, lo


def _min_p(counts: np.ndarray, hi: np.ndarray, lo: np.ndarray):
    """(min p, index of the minimum among [upper-long, upper-short, lower-long, lower-short])
    for rows of counts: student draws among the r largest pooled values for each r, then
    among the r smallest."""
    k = hi.shape[0]
    ix = np.arange(k)
    out = []
    for c in (counts[:, :k], counts[:, k:]):
        out.append(hi[ix, c].min(axis=1))
        out.append(lo[ix, c].min(axis=1))
    ps = np.stack(out, axis=1)
    return ps.min(axis=1), ps.argmin(axis=1)


def _simulated_counts(rng, rows: int, N: int, n: int, rs: np.ndarray) -> np.ndarray:
    """Counts of student labels among the r first and the r last positions of a uniformly
    random arrangement, for each r in rs, per row: nested hypergeometric increments."""
    good = np.full(rows, n, dtype=np.int64)
    total = N
    out = []
    for _ in range(2):  # the upper end, then the lower end of the rest
        c, prev = np.zeros(rows, dtype=np.int64), 0
        for r in rs:
            take = int(r - prev)
            d = rng.hypergeometric(good, total - good, take)
            c, good, total, prev = c + d, good - d, total - take, int(r)
            out.append(c)
    return np.stack(out, axis=1)


def extremes_test(x: np.ndarray, y: np.ndarray, alpha: float, rng, h: int = 20) -> TailResult:
    """The extremes test of student draws x against reference draws y (module doc)."""
    n, N = x.size, x.size + y.size
    R = min(R_MAX, N // 4)
    if R < 1:
        return TailResult(1.0, "upper", "long", 0)
    R = 2 ** int(math.log2(R))
    rs = _ranks(R)
    pooled = np.concatenate([x, y])
    order = np.lexsort((rng.random(N), pooled))  # ascending, ties in random order
    is_x = order < n
    counts = np.concatenate([np.cumsum(is_x[::-1][:R])[rs - 1], np.cumsum(is_x[:R])[rs - 1]])
    hi, lo = _tables(N, n, rs)
    obs, which = _min_p(counts[None, :], hi, lo)
    obs, which = float(obs[0]), int(which[0])
    end, direction = ("upper", "lower")[which // 2], ("long", "short")[which % 2]
    n_resamples = math.ceil(5.0 / alpha)
    g = used = 0
    chunk, cap = 64, 1 << 16
    while used < n_resamples:
        rows = min(chunk, n_resamples - used)
        chunk = min(2 * chunk, cap)
        sim, _ = _min_p(_simulated_counts(rng, rows, N, n, rs), hi, lo)
        le = sim <= obs * (1 + 1e-9)  # ties of the statistic count as exceedances
        if g + int(le.sum()) >= h:
            used += int(np.flatnonzero(np.cumsum(le) + g >= h)[0]) + 1
            return TailResult(min(1.0, h / used), end, direction, used)
        g += int(le.sum())
        used += rows
    return TailResult(min(1.0, (g + 1) / (n_resamples + 1)), end, direction, used)
