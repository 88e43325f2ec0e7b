"""Contingency tables: tests of (conditional) independence in a discrete sample, and the
sizes that give them (and `frequencies` on a table) the power a design asks for.

`independent(a, b, alpha, given=c)` passes when the sample shows no dependence between
a and b within the strata of c (a conditional independence a DAG implies must hold);
`dependent(a, b, level, given=c)` passes when it shows one (an arrow must be visible).

Statistic: Pearson's X^2 of the (a, b) table, summed over the strata of `given` (one
stratum without it), over the rows and columns each stratum actually has:
    X^2 = sum_s n_s (sum_ab O_sab^2 / (R_sa C_sb) - 1),
with df = sum_s (r_s - 1)(c_s - 1) (r_s, c_s its non-empty rows and columns).

Null: b permuted within each stratum. Given the strata's margins, every such permutation
is equally likely under conditional independence, so the permutation p-value is exact at
any level and any sparsity (the chi-square approximation is not, at the small levels of a
split budget). Besag & Clifford's (1991) sequential stopping ends after h permuted
statistics reach the observed one (p = h / L), or at B = ceil(5 / level) permutations
(p = (G + 1) / (B + 1)): P(p <= u) <= u for every u. h is the smallest count at which
the test at B could no longer reject (h = ceil(level (B + 1))), so stopping there decides
exactly as all B permutations would, in about h / p permutations. A clear rejection would
need B permutations, so two screens, each at level / 200, reject at once: the chi-square
tail, but only on a table where the approximation holds (every non-empty row and column of
every stratum makes each of its cells expect at least MIN_EXPECTED draws, Cochran's rule;
on a sparse table X^2's tail is far heavier than chi-square's: a concentrated law can show
p = 1e-9 from independent draws), and a split likelihood ratio (`split_lr_pvalue`), valid
at any sparsity. The permutation test runs at 0.99 level, so the size is at most
0.99 level + level / 200 + level / 200 = level (docs/statistics.md, "Independence in
discrete samples").

Power: with cell probabilities p, X^2 is about noncentral chi-square with the df above and
noncentrality n * phi^2, phi^2 = sum_s p(s) sum_ab (p(a,b|s) - p(a|s) p(b|s))^2 /
(p(a|s) p(b|s)) (Cochran 1952). `independence_power` and `independence_required_n` size a
sample from it (`discrete.frequencies_power` and `frequencies_required_n` do the same for a
`frequencies` test of a table against a wrong one).
"""
from __future__ import annotations

import hashlib
import math

import numpy as np
from scipy import stats

from .discrete import frequencies
from .evidence import GoodnessOfFit, Malformed, Threshold
from .result import AnswerError, CheckResult, failed, passed

SCREEN = 100          # reject at once when the chi-square p-value is below level / SCREEN
MIN_EXPECTED = 5.0    # ... on a table whose every live cell expects this many draws


def _codes(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise AnswerError(f"`{name}` should be one value per draw (a 1-D array).")
    if arr.dtype.kind not in "biu":
        if arr.dtype.kind != "f" or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise AnswerError(f"`{name}` should hold whole-number levels.")
    return np.unique(arr, return_inverse=True)[1].ravel()


class _Table:
    """The strata's margins, fixed under permutations of b within strata. The draws are
    kept sorted by stratum (X^2 does not depend on their order), so a permutation within
    strata is a shuffle of each stratum's block."""

    def __init__(self, a: np.ndarray, b: np.ndarray, s: np.ndarray):
        order = np.argsort(s, kind="stable")
        self.a, self.b, self.s = a[order], b[order], s[order]
        self.shape = (int(s.max()) + 1, int(a.max()) + 1, int(b.max()) + 1)
        n_s, n_a, n_b = self.shape
        rows = np.bincount(s * n_a + a, minlength=n_s * n_a).reshape(n_s, n_a)
        cols = np.bincount(s * n_b + b, minlength=n_s * n_b).reshape(n_s, n_b)
        self.size = rows.sum(axis=1).astype(float)
        with np.errstate(divide="ignore"):
            inv = np.where(rows[:, :, None] * cols[:, None, :] > 0,
                           1.0 / (rows[:, :, None] * cols[:, None, :]), 0.0)
        self.weight = inv.reshape(-1)
        self.df = int(sum(max(0, int((r > 0).sum()) - 1) * max(0, int((c > 0).sum()) - 1)
                          for r, c in zip(rows, cols)))
        self.blocks = np.concatenate([[0], np.cumsum(rows.sum(axis=1))]).astype(int)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = rows[:, :, None] * cols[:, None, :] / self.size[:, None, None]
        live = (rows[:, :, None] > 0) & (cols[:, None, :] > 0)
        self.dense = bool(np.all(expected[live] >= MIN_EXPECTED))

    def statistic(self, b: np.ndarray) -> np.ndarray:
        """X^2 for each row of b (a (k, n) array of permuted b's, or one b), b in the
        table's (stratum-sorted) order."""
        b = np.atleast_2d(b)
        n_s, n_a, n_b = self.shape
        cell = (self.s * n_a + self.a) * n_b
        k = b.shape[0]
        key = (np.arange(k)[:, None] * (n_s * n_a * n_b) + cell[None, :] + b).ravel()
        counts = np.bincount(key, minlength=k * n_s * n_a * n_b).reshape(k, -1).astype(float)
        return (counts ** 2 * self.weight).reshape(k, n_s, -1).sum(axis=2) @ self.size \
            - self.size.sum()

    def permuted(self, rng, k: int) -> np.ndarray:
        """k copies of b, each shuffled within the strata's blocks."""
        out = np.empty((k, self.b.size), dtype=self.b.dtype)
        for lo, hi in zip(self.blocks[:-1], self.blocks[1:]):
            out[:, lo:hi] = rng.permuted(np.broadcast_to(self.b[lo:hi], (k, hi - lo)), axis=1)
        return out


def split_lr_pvalue(a: np.ndarray, b: np.ndarray, s: np.ndarray) -> float:
    """A p-value bound of independence within strata that holds at any sparsity: split
    likelihood ratio (universal inference; Wasserman, Ramdas & Balakrishnan 2020).

    The first half of the draws fits a dependent law P1(a, b | s) (half its empirical
    table, half the product of its add-1/2 margins, so no cell is impossible); the second
    half's likelihood under it is divided by its likelihood under the independence law
    that fits the second half best (its own margins within strata). Given the strata, the
    ratio E has mean at most 1 under independence, so P(E >= 1/u) <= u (Markov): the
    p-value is min(1, 1/E)."""
    n = a.size // 2
    if n < 2:
        return 1.0
    n_s, n_a, n_b = int(s.max()) + 1, int(a.max()) + 1, int(b.max()) + 1
    a1, b1, s1, a2, b2, s2 = a[:n], b[:n], s[:n], a[n:], b[n:], s[n:]
    joint1 = np.bincount((s1 * n_a + a1) * n_b + b1, minlength=n_s * n_a * n_b) \
        .reshape(n_s, n_a, n_b).astype(float)
    size1 = joint1.sum(axis=(1, 2))
    ra = (joint1.sum(axis=2) + 0.5) / (size1[:, None] + 0.5 * n_a)
    cb = (joint1.sum(axis=1) + 0.5) / (size1[:, None] + 0.5 * n_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        empirical = np.where(size1[:, None, None] > 0, joint1 / size1[:, None, None], 0.0)
    alt = np.where(size1[:, None, None] > 0, 0.5 * empirical, 0.0) \
        + np.where(size1[:, None, None] > 0, 0.5, 1.0) * ra[:, :, None] * cb[:, None, :]
    rows2 = np.bincount(s2 * n_a + a2, minlength=n_s * n_a).reshape(n_s, n_a)
    cols2 = np.bincount(s2 * n_b + b2, minlength=n_s * n_b).reshape(n_s, n_b)
    size2 = rows2.sum(axis=1)
    log_null = np.log(rows2[s2, a2] / size2[s2]) + np.log(cols2[s2, b2] / size2[s2])
    log_e = float(np.sum(np.log(alt[s2, a2, b2]) - log_null))
    return math.exp(-min(max(log_e, 0.0), 700.0))


def rejects(pvalue: float, level: float) -> bool:
    """Whether the test at `level` rejects independence: the screen's p-value is below
    level / SCREEN, or the permutation p-value below the rest of the level."""
    return pvalue < level * (1 - 1.0 / SCREEN)


def independence_pvalue(a, b, level: float, given=None, seed=None,
                        names=("a", "b", "given")) -> tuple[float, dict]:
    """(p-value, detail) of the permutation test of a independent of b (given `given`),
    with Besag-Clifford stopping sized for a test at `level` (see `rejects`) and the
    asymptotic screen."""
    a, b = _codes(a, names[0]), _codes(b, names[1])
    s = np.zeros_like(a) if given is None else _codes(given, names[2])
    if not a.size == b.size == s.size:
        raise AnswerError(f"`{names[0]}`, `{names[1]}` and `{names[2]}` should have one value "
                          "per draw each.")
    table = _Table(a, b, s)
    observed = float(table.statistic(table.b)[0])
    detail = dict(statistic=observed, df=table.df, n=int(a.size))
    if table.df == 0:
        return 1.0, {**detail, "method": "no variation"}
    # two screens, each at level / (2 SCREEN): chi-square where the table is dense, and
    # split likelihood ratio (valid at any sparsity)
    asymptotic = float(stats.chi2.sf(observed, table.df))
    if table.dense and asymptotic < level / (2 * SCREEN):
        return asymptotic, {**detail, "method": "asymptotic screen", "permutations": 0}
    if seed is None:
        seed = int.from_bytes(hashlib.sha256(a.tobytes() + b.tobytes() + s.tobytes())
                              .digest()[:8], "little")
    rng = np.random.default_rng(seed)
    # a random split: the halves are exchangeable whatever order the draws came in
    shuffle = rng.permutation(a.size)
    split = split_lr_pvalue(a[shuffle], b[shuffle], s[shuffle])
    if split < level / (2 * SCREEN):
        return split, {**detail, "method": "split likelihood ratio", "permutations": 0}
    permutation_level = level * (1 - 1.0 / SCREEN)
    limit = math.ceil(5.0 / permutation_level)
    exceedances = math.ceil(permutation_level * (limit + 1))   # Besag-Clifford h (module doc)
    cap, chunk = max(8, (1 << 22) // max(1, a.size)), 32
    reached = used = 0
    while used < limit:
        k = min(chunk, limit - used)
        chunk = min(2 * chunk, cap)
        hits = table.statistic(table.permuted(rng, k)) >= observed * (1 - 1e-9) - 1e-12
        if reached + int(hits.sum()) >= exceedances:
            used += int(np.flatnonzero(np.cumsum(hits) + reached >= exceedances)[0]) + 1
            return exceedances / used, {**detail, "method": "permutation", "permutations": used}
        reached += int(hits.sum())
        used += k
    return (reached + 1) / (limit + 1), {**detail, "method": "permutation", "permutations": used}


def _label(a_name: str, b_name: str, given_name: str | None) -> str:
    return f"`{a_name}` and `{b_name}`" + (f" given `{given_name}`" if given_name else "")


def independent(a, b, alpha: float, given=None, names=("a", "b", None), hint: str = "",
                seed=None) -> CheckResult:
    """Pass when the sample shows no dependence between a and b (within the strata of
    `given`) at level alpha: a conditional independence that must hold."""
    try:
        p, detail = independence_pvalue(a, b, alpha, given, seed,
                                        (names[0], names[1], names[2] or "given"))
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed")
    what = _label(*names)
    detail.update(pvalue=p, alpha=alpha)
    evidence = GoodnessOfFit(not rejects(p, alpha), p)     # the draws against independence
    if evidence.passed:
        return passed(f"In the sample, {what} are independent, as the graph implies.",
                      evidence=evidence, **detail)
    return failed(f"In the sample, {what} are dependent, far beyond what chance explains, "
                  "but the graph says they are independent." + (f" {hint}" if hint else ""),
                  evidence=evidence, **detail)


def dependent(a, b, level: float, given=None, names=("a", "b", None), hint: str = "",
              seed=None) -> CheckResult:
    """Pass when the sample shows a dependence between a and b (within the strata of
    `given`) at `level`: an arrow that must be visible in the data. `level` is the chance
    that independent data pass; a dependence strong enough for the sample size fails
    with probability 1 - independence_power."""
    try:
        p, detail = independence_pvalue(a, b, level, given, seed,
                                        (names[0], names[1], names[2] or "given"))
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed")
    what = _label(*names)
    detail.update(pvalue=p, level=level)
    # one-sided: the p-value of independence must fall below the level
    evidence = Threshold(rejects(p, level), p, level * (1 - 1.0 / SCREEN))
    if evidence.passed:
        return passed(f"In the sample, {what} are clearly dependent, as the arrow between "
                      "them requires.", evidence=evidence, **detail)
    return failed(f"In the sample, {what} look independent: the arrow between them does not "
                  "show in the data." + (f" {hint}" if hint else ""), evidence=evidence,
                  **detail)


def contingency_phi2(table) -> tuple[float, int]:
    """(phi^2, df) of a joint probability table p[s, a, b] (or p[a, b]): the noncentrality
    per draw of the X^2 statistic, summed over strata, and its degrees of freedom."""
    p = np.asarray(table, dtype=float)
    p = p[None] if p.ndim == 2 else p
    p = p / p.sum()
    phi2, df = 0.0, 0
    for stratum in p:
        mass = stratum.sum()
        if mass <= 0:
            continue
        q = stratum / mass
        ra, cb = q.sum(axis=1), q.sum(axis=0)
        live = np.outer(ra, cb) > 0
        expected = np.outer(ra, cb)[live]
        phi2 += mass * float(np.sum((q[live] - expected) ** 2 / expected))
        df += max(0, int((ra > 0).sum()) - 1) * max(0, int((cb > 0).sum()) - 1)
    return phi2, df


def independence_power(table, n: int, level: float) -> float:
    """Probability that the X^2 test at `level` rejects independence in n draws from the
    joint table (noncentral chi-square approximation; module doc)."""
    phi2, df = contingency_phi2(table)
    if df == 0:
        return 0.0
    return float(stats.ncx2.sf(stats.chi2.isf(level, df), df, n * phi2))


def independence_required_n(table, level: float, power: float = 0.999) -> float:
    """Smallest n at which the X^2 test at `level` rejects independence in draws from the
    joint table with probability >= power; math.inf for an independent table."""
    phi2, df = contingency_phi2(table)
    if df == 0 or phi2 <= 1e-15:
        return math.inf
    crit = stats.chi2.isf(level, df)
    lo, hi = 1, 2
    while stats.ncx2.sf(crit, df, hi * phi2) < power:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if stats.ncx2.sf(crit, df, mid * phi2) < power else (lo, mid)
    return float(hi)


FREQUENCIES_SCREEN = 1000   # frequencies_screened rejects at once below alpha / this


def frequencies_screened(samples, probs, alpha: float, **kwargs) -> CheckResult:
    """`frequencies` at level alpha, with an asymptotic screen for clear rejections.

    A Monte Carlo rejection at level alpha needs ceil(5 / alpha) simulated tables: minutes
    for a table of hundreds of cells at a split budget. So the pooled table's Pearson X^2
    is first referred to its chi-square tail (`frequencies(method="chi2")`): a p-value
    below alpha / FREQUENCIES_SCREEN fails at once; otherwise the exact or Monte Carlo test
    runs at 0.99 alpha. The size is at most 0.99 alpha + P(chi-square p < alpha / 1000):
    the chi-square tail of a pooled table (every cell expecting at least 5) is at most a
    few times too light at small levels (docs/statistics.md, "Outcome frequencies"), so the
    second term is about alpha / 100 or less, and the total stays below alpha."""
    screen = frequencies(samples, probs, alpha / FREQUENCIES_SCREEN, method="chi2", **kwargs)
    if not screen.passed:
        return screen
    return frequencies(samples, probs, 0.99 * alpha, **kwargs)
