"""Student samples against draws of a reference sampler (the truth is only a sampler).

Univariate (`two_sample`), each at alpha / 2 with the extremes test of tails.py
(a tail cut or extended in the wrong place, where both below are blind):
  * "ks": two-sample Kolmogorov-Smirnov (scipy.stats.ks_2samp; exact null for
    small samples, the Kolmogorov limit otherwise; conservative with ties).
  * "ad": two-sample Anderson-Darling A^2_akN (Scholz & Stephens 1987, midrank
    form, valid with ties) with a *permutation* null. scipy's anderson_ksamp
    floors its p-value at 0.001, useless at a split budget; here the p-value is
    a Monte Carlo permutation p-value with Besag & Clifford (1991) sequential
    stopping, valid at any alpha (P(p <= alpha) <= alpha exactly), and cheap for
    correct answers (it stops after `h` exceedances).

Multivariate (`two_sample_joint`): a split witness test (in the spirit of
Kubler et al. 2022, "A witness two-sample test", and classifier two-sample
tests, Lopez-Paz & Oquab 2017). Half of each sample fits a witness function h,
the Fisher discriminant of linear, quadratic and random-Fourier (Gaussian
kernel) features; the held-out halves are compared through h by a one-sided
Mann-Whitney test. Given the training half, h is a fixed function and the
held-out points are iid, so under H0 the rank test's null is exactly the
distribution-free Mann-Whitney null: no permutations, any alpha. (Its normal
approximation is conservative in the tail: the rank sum's excess kurtosis is
negative; checked against the exact null in benchmarks/checks_calibration.py.)

A finite reference limits power: see `two_sample_n` and docs/statistics.md.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np
from scipy import stats

from .budget import z_critical
from .evidence import Malformed, TwoSample, sketch
from .guards import as_array
from .result import AnswerError, CheckResult, failed, passed
from .summary import against_sample
from .tails import extremes_test


def _seed(*arrays) -> int:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return int.from_bytes(h.digest()[:8], "little")


def two_sample_n(n_one_sample: int, m_reference: int) -> int:
    """Student draws n giving a two-sample test the power of a one-sample design with n1 draws.

    For a location-type difference the two-sample statistic sees the effective
    size n_eff = n m / (n + m) (the variance of a difference of means is
    sigma^2 (1/n + 1/m); KS and AD scale the same way), so n = n1 m / (m - n1).
    With m <= n1 no n is enough: the reference caps the power (n_eff < m for
    every n). Raises ValueError then.
    """
    n1, m = int(n_one_sample), int(m_reference)
    if n1 < 1 or m < 1:
        raise ValueError("sizes must be positive")
    if m <= n1:
        raise ValueError(f"a reference of {m} draws cannot match a one-sample design of {n1}: "
                         f"n m / (n + m) < {m} for every n. Draw a larger reference (m >= 4 n1 "
                         "keeps the student's cost within 4/3 of the one-sample design).")
    return math.ceil(n1 * m / (m - n1))


# --- two-sample Anderson-Darling with a permutation null ------------------------------

class _AD2:
    """A^2_akN for two samples on a fixed pooled order; labels vary (permutations).

    With pooled distinct values z_j (multiplicity l_j), B_aj = B_j - l_j/2 and
    M_aj = M_j - f_j/2 (f_j = sample-1 count at z_j, M_j its cumulative sum),
    Scholz & Stephens' (7) for k = 2 reduces to
        A^2 = (N - 1) / (N n1 n2) * sum_j l_j (N M_aj - n1 B_aj)^2 / (B_aj (N - B_aj) - N l_j / 4)
    (the two samples' terms have equal numerators). `stat` runs in float32 for
    speed; the observed statistic goes through the same function as the
    permuted ones, so the permutation p-value stays exact.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, rng=None):
        pooled = np.concatenate([x, y])
        if rng is None:
            order = np.argsort(pooled, kind="stable")
        else:  # ties broken at random: the no-ties statistic, whose null is the continuous one
            order = np.lexsort((rng.random(pooled.size), pooled))
        z = pooled[order]
        self.n1, self.N = x.size, pooled.size
        self.labels = (order < x.size).astype(np.int8)
        if rng is None:
            self.starts = np.flatnonzero(np.r_[True, z[1:] != z[:-1]])
        else:
            self.starts = np.arange(self.N)
        lj = np.diff(np.r_[self.starts, self.N]).astype(np.float64)
        self.sizes = lj.astype(np.int64)
        self.ties = self.starts.size < self.N
        b = np.cumsum(lj) - lj / 2
        den = b * (self.N - b) - self.N * lj / 4
        self._nb = (self.n1 * b).astype(np.float32)
        self._w = np.where(den > 0, lj / np.where(den > 0, den, 1.0), 0.0).astype(np.float32)
        self.const = (self.N - 1) / (self.N * self.n1 * (self.N - self.n1))

    def stat(self, labels: np.ndarray) -> np.ndarray:
        """A^2 for each row of a (rows, N) 0/1 int8 label matrix in pooled order."""
        if self.ties:
            return self.stat_groups(np.add.reduceat(labels, self.starts, axis=1, dtype=np.float32))
        return self.stat_groups(labels)

    def stat_groups(self, f: np.ndarray) -> np.ndarray:
        """A^2 for each row of sample-1 counts per group of tied values (rows, groups)."""
        m = np.cumsum(f, axis=1, dtype=np.float32)
        m -= f * np.float32(0.5)
        m *= np.float32(self.N)
        m -= self._nb
        np.square(m, out=m)
        return self.const * (m @ self._w).astype(np.float64)

    def permuted_positions(self, rng, rows: int) -> np.ndarray:
        """A^2 of `rows` random permutations without ties, drawn as the sorted positions of
        sample 1 (rank-based: O(n1) per permutation, not a shuffle of all N labels).

        Between two sample-1 positions p_k < p_k+1, M_j = k, so the sum over that
        stretch is w-weighted sums of 1, B and B^2 (prefix sums); at p_k itself
        M_aj = k - 1/2.
        """
        n1, N = self.n1, self.N
        return self.stat_positions(
            np.sort(np.stack([rng.choice(N, n1, replace=False) for _ in range(rows)]), axis=1))

    def stat_positions(self, pos: np.ndarray) -> np.ndarray:
        """A^2 (float64, no ties) for rows of sorted 0-based sample-1 positions."""
        if not hasattr(self, "_prefix"):
            j = np.arange(1, self.N + 1, dtype=np.float64)
            b = j - 0.5
            den = b * (self.N - b) - self.N / 4
            w = np.where(den > 0, 1.0 / np.where(den > 0, den, 1.0), 0.0)
            self._wb = (w, w * b)
            self._prefix = [np.r_[0.0, np.cumsum(v)] for v in (w, w * b)]
            self._s2 = float(np.sum(w * b * b))
        w, wb = self._wb
        p0, p1 = self._prefix
        n1, N, rows = self.n1, self.N, pos.shape[0]
        k = np.arange(1, n1 + 1, dtype=np.float64)
        end = np.concatenate([pos[:, 1:], np.full((rows, 1), N)], axis=1)  # stretch: pos+1 .. end-1
        s0 = p0[end] - p0[pos + 1]
        s1 = p1[end] - p1[pos + 1]
        h = k - 0.5
        sq = (k * k * s0).sum(1) + (h * h * w[pos]).sum(1)
        lin = (k * s1).sum(1) + (h * wb[pos]).sum(1)
        total = N * N * sq - 2.0 * n1 * N * lin + n1 * n1 * self._s2
        return self.const * total

    def permuted_groups(self, rng, rows: int) -> np.ndarray:
        """Sample-1 counts per tie group under a random permutation of the labels: given
        the group sizes they are multivariate hypergeometric, so a permutation costs one
        draw per group, not a shuffle of all N labels."""
        return rng.multivariate_hypergeometric(self.sizes, self.n1, size=rows,
                                               method="marginals").astype(np.float32)


def _ad2_variance(n1: int, n2: int) -> float:
    """Exact null variance of A^2_kN for k = 2 continuous samples (Scholz & Stephens 1987, (4))."""
    k, N = 2, n1 + n2
    H = 1.0 / n1 + 1.0 / n2
    tail = np.cumsum(1.0 / np.arange(N - 1, 1, -1))[::-1]  # tail[i-1] = sum_{j=i+1}^{N-1} 1/j, i = 1..N-2
    h = float(tail[0] + 1.0)  # sum_{i=1}^{N-1} 1/i
    g = float(np.sum(tail / (N - np.arange(1, N - 1))))  # sum_{i<j} 1/((N - i) j)
    a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H
    b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6
    c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h
    d = (2 * h + 6) * k ** 2 - 4 * h * k
    return (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1.0) * (N - 2.0) * (N - 3.0))


_VAR_ADINF = 2.0 * (math.pi ** 2 - 9.0) / 3.0  # variance of the limit A^2_inf (mean 1)


def ad2_asymptotic_pvalue(a2: float, n1: int, n2: int) -> float:
    """P(A^2_inf >= a*), a* = 1 + (a2 - 1) sd_inf / sd_N.

    For two continuous samples A^2_2N tends to the one-sample limit A^2_inf
    (Scholz & Stephens 1987); matching the exact finite-N null variance sd_N^2
    corrects the scale (the mean is exactly 1 for every N).
    """
    from .distribution import ad_pvalue
    if n1 + n2 < 8:
        return 1.0
    astar = 1.0 + (a2 - 1.0) * math.sqrt(_VAR_ADINF / _ad2_variance(n1, n2))
    return ad_pvalue(astar, 10 ** 12)


ASYMPTOTIC_MIN = 10_000  # min(n, m) from which the standardised asymptotic null is used
GROUPS_SHARE = 8  # tie groups at most N / GROUPS_SHARE: permute group counts, not labels
POSITIONS_SHARE = 8  # n1 at most N / POSITIONS_SHARE: permute sample-1 positions, not labels


def ad2_permutation_test(x, y, alpha: float, n_resamples: int = None, h: int = 20,
                         seed=None, screen: float = 0.01) -> tuple[float, float, int]:
    """(A^2, p-value, permutations used) of the two-sample AD test, to compare with alpha.

    Three regimes, each valid at any alpha (docs/statistics.md):
      * many ties (at most N / GROUPS_SHARE distinct values): the midrank statistic
        with an exact permutation null, each permutation drawn as multivariate
        hypergeometric counts per group of tied values (O(groups), not O(N));
      * otherwise ties (if any) are broken at random, which gives the no-ties
        statistic its continuous null exactly; then with min(n, m) >=
        ASYMPTOTIC_MIN the p-value is the standardised asymptotic one
        (ad2_asymptotic_pvalue; its level is measured in tests/test_checks_round3.py);
      * below that, permutations after the screen below: the smaller sample's
        sorted positions (O(n1) each, `permuted_positions`) when it is at most
        N / POSITIONS_SHARE, otherwise every label shuffled.

    Permutation p-values: Besag & Clifford (1991) sequential Monte Carlo: permute
    until `h` permutation statistics reach the observed one (p = h / L after L
    permutations) or `n_resamples` are done (p = (G + 1) / (n_resamples + 1)).
    Either way P(p <= a) <= a for every a. n_resamples defaults to ceil(5 / alpha)
    (scaled as below), so a true p-value well below alpha still rejects.

    Screen (continuous statistic; screen=0 turns it off). A rejection needs at
    least 1/alpha permutations, so when the asymptotic p-value is below
    screen * alpha the sample is rejected at once (that p-value is returned);
    otherwise the permutation p-value is returned divided by (1 - screen), i.e.
    the permutation test runs at level (1 - screen) alpha. The false-fail rate
    is then <= (1 - screen) alpha + P(p_asy < screen alpha) = alpha (1 - screen + screen r),
    r the asymptotic tail's error ratio at screen * alpha: <= alpha for r <= 1
    and 1.01 alpha even if the tail were twice too light (measured r ~ 1).
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    rng = np.random.default_rng(_seed(x, y) if seed is None else seed)
    if x.size > y.size:  # A^2 is symmetric: the smaller sample is sample 1 (cheaper permutations)
        x, y = y, x
    ad = _AD2(x, y)
    if ad.ties and ad.starts.size * GROUPS_SHARE > ad.N:
        ad = _AD2(x, y, rng)  # few ties: break them at random
    obs = float(ad.stat(ad.labels[None, :])[0])
    if not ad.ties and min(x.size, y.size) >= ASYMPTOTIC_MIN:
        return obs, ad2_asymptotic_pvalue(obs, x.size, y.size), 0
    if not ad.ties and ad.n1 * POSITIONS_SHARE <= ad.N:  # the observed one by the same formula
        obs_positions = float(ad.stat_positions(np.flatnonzero(ad.labels)[None, :])[0])
    use_screen = bool(screen) and not ad.ties
    if use_screen:
        p_asy = ad2_asymptotic_pvalue(obs, x.size, y.size)
        if p_asy < screen * alpha:
            return obs, p_asy, 0
    scale = 1.0 / (1.0 - screen) if use_screen else 1.0
    if n_resamples is None:
        n_resamples = math.ceil(5.0 * scale / alpha)
    g = used = 0
    width = ad.starts.size if ad.ties else ad.N
    cap, chunk = max(8, min(4096, (1 << 22) // width)), 32
    while used < n_resamples:
        rows = min(chunk, n_resamples - used)
        chunk = min(2 * chunk, cap)  # small first: a correct answer stops after ~2h permutations
        if ad.ties:
            ge = ad.stat_groups(ad.permuted_groups(rng, rows)) >= obs
        elif ad.n1 * POSITIONS_SHARE <= ad.N:
            ge = ad.permuted_positions(rng, rows) >= obs_positions
        else:
            ge = ad.stat(rng.permuted(np.broadcast_to(ad.labels, (rows, ad.N)), axis=1)) >= obs
        if g + int(ge.sum()) >= h:  # stop at the h-th exceedance (ties of the statistic count)
            used += int(np.flatnonzero(np.cumsum(ge) + g >= h)[0]) + 1
            return obs, min(1.0, h / used * scale), used
        g += int(ge.sum())
        used += rows
    return obs, min(1.0, (g + 1) / (n_resamples + 1) * scale), used


def _univariate(values, name, min_n):
    x = as_array(values, name, shape=(None,), min_size=min_n)
    if x.size == 0:
        raise AnswerError(f"`{name}` is empty. Draw samples and assign them to `{name}`.")
    return x


_FAIL = ("`{name}` does not look like draws from the distribution it should follow: compared "
         "with draws of a correct sampler, a two-sample test rejects it far beyond what sampling "
         "noise explains.")

_TAIL_FAIL = {
    ("upper", "long"): "its largest values reach further than a correct sampler's ever do",
    ("upper", "short"): "its largest values stop short of where a correct sampler's reach",
    ("lower", "long"): "its smallest values reach further down than a correct sampler's ever do",
    ("lower", "short"): "its smallest values stop short of where a correct sampler's reach",
}


def two_sample(samples, reference, alpha: float, name: str = "samples", method: str = "ks",
               min_n: int = None, hint: str = "", n_resamples: int = None,
               seed=None, tails: bool = True) -> CheckResult:
    """Pass iff a two-sample test of `samples` against `reference` draws has p >= alpha.

    reference: draws of a correct sampler (the grader's, iid, ideally fresh for
    each submission or >= 10x the student's size, see docs). method "ks"
    (ks_2samp) or "ad" (two-sample Anderson-Darling, valid at any alpha;
    n_resamples defaults to ceil(5/alpha)). tails (default): also the extremes
    test (tails.py), which sees a tail cut or extended where KS and AD are
    blind; each test then runs at alpha / 2 (Bonferroni, the p-value reported is
    2 x the smaller). min_n: the size the question requires.
    """
    z_critical(alpha)
    if method not in ("ks", "ad"):
        raise ValueError(f"method must be 'ks' or 'ad', got {method!r}")
    ref = np.asarray(reference, dtype=np.float64).reshape(-1)
    if ref.size == 0 or not np.all(np.isfinite(ref)):
        raise ValueError("reference must be non-empty and finite")
    try:
        x = _univariate(samples, name, min_n)
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed", method=method)
    level = alpha / 2 if tails else alpha
    detail = dict(method=method, alpha=alpha, n=int(x.size), m=int(ref.size),
                  n_eff=x.size * ref.size / (x.size + ref.size))
    if method == "ks":
        res = stats.ks_2samp(x, ref)
        main = float(res.pvalue)
        detail.update(statistic=float(res.statistic))
    else:
        a2, main, used = ad2_permutation_test(x, ref, level, n_resamples, seed=seed)
        detail.update(statistic=a2, permutations=used)
    tail = None
    if tails:
        rng = np.random.default_rng(_seed(x, ref) + 1 if seed is None else seed)
        tail = extremes_test(x, ref, level, rng)
        detail.update(main_pvalue=main, tail_pvalue=tail.pvalue, tail_end=tail.end,
                      tail_direction=tail.direction, tail_tables=tail.tables)
    pvalue = min(1.0, 2 * min(main, tail.pvalue)) if tails else main
    detail.update(pvalue=pvalue)
    evidence = TwoSample(pvalue >= alpha, pvalue, *against_sample(x, ref), **sketch(x))
    if evidence.passed:
        return passed(f"`{name}` looks like draws from the distribution it should follow.",
                      evidence=evidence, **detail)
    msg = _FAIL.format(name=name)
    if tails and tail.pvalue < level and tail.pvalue <= main:
        msg += (f" In particular {_TAIL_FAIL[tail.end, tail.direction]}: check where your "
                "sampler truncates, caps or clips its values, and its tails.")
    else:
        msg += " Check the sampler's parameters (location and scale) and any transformation you apply."
    return failed(msg + (f" {hint}" if hint else ""), evidence=evidence, **detail)


# --- multivariate: split witness test -------------------------------------------------

def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def _features(a: np.ndarray, omega: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """[z, z_i z_j (i <= j), sqrt(2) cos(omega' z + phase)] for standardised rows z."""
    iu = np.triu_indices(a.shape[1])
    quad = (a[:, :, None] * a[:, None, :])[:, iu[0], iu[1]]
    return np.hstack([a, quad, math.sqrt(2.0) * np.cos(a @ omega + phase)])


def witness_test(x, y, seed=None, ridge: float = 0.1) -> tuple[float, float, dict]:
    """(Mann-Whitney z, one-sided p, info) of the split witness test of x (n, d) against y (m, d).

    1. Shuffle both (a sorted sample must not split into unlike halves) and split
       each in halves: training and test.
    2. On the training halves only: standardise by the pooled mean and sd; map
       to features phi(z) = [z, z_i z_j, sqrt(2) cos(omega' z + b)] with
       n_rff = clip(n_train / 125, 8, 64) random Fourier features (omega ~
       N(0, I / s^2), s = 1/2, 1, 2 x the median pairwise distance: a Gaussian-
       kernel approximation); fit the Fisher discriminant
       w = (S + ridge * tr(S)/p * I)^-1 (mean phi(X) - mean phi(Y)),
       S the pooled within-sample feature covariance. h(z) = w' phi(z) is the
       witness: larger where X is denser than Y.
    3. Test: one-sided Mann-Whitney of h(X_test) > h(Y_test), ties in h broken
       at random. h is a fixed function given the training halves and the test
       points are iid, so under H0 the rank statistic has exactly its
       distribution-free (no-ties) null.
    """
    rng = np.random.default_rng(_seed(x, y) if seed is None else seed)
    x = x[rng.permutation(x.shape[0])]
    y = y[rng.permutation(y.shape[0])]
    nt, mt = x.shape[0] // 2, y.shape[0] // 2
    xt, xe, yt, ye = x[:nt], x[nt:], y[:mt], y[mt:]
    pool = np.concatenate([xt, yt])
    mu, sd = pool.mean(0), pool.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    xt, xe, yt, ye = ((a - mu) / sd for a in (xt, xe, yt, ye))
    d = x.shape[1]
    sub = np.concatenate([xt, yt])[rng.permutation(nt + mt)[:500]]
    dist = np.sqrt(_sq_dists(sub, sub)[np.triu_indices(sub.shape[0], 1)])
    med = float(np.median(dist)) if dist.size else 1.0
    med = med if med > 0 else 1.0
    n_rff = int(np.clip(min(nt, mt) // 125, 8, 64))
    scales = np.resize(np.array([med / 2, med, 2 * med]), n_rff)
    omega = rng.standard_normal((d, n_rff)) / scales
    phase = rng.uniform(0.0, 2 * math.pi, n_rff)
    fx, fy = _features(xt, omega, phase), _features(yt, omega, phase)
    cx, cy = fx - fx.mean(0), fy - fy.mean(0)
    S = (cx.T @ cx + cy.T @ cy) / max(nt + mt - 2, 1)
    p = S.shape[0]
    S += ridge * max(float(np.trace(S)) / p, 1e-12) * np.eye(p)
    w = np.linalg.solve(S, fx.mean(0) - fy.mean(0))
    hx, hy = _features(xe, omega, phase) @ w, _features(ye, omega, phase) @ w
    info = dict(n_train=nt, m_train=mt, n_test=int(xe.shape[0]), m_test=int(ye.shape[0]),
                features=p, bandwidth=med)
    zstat, p = _rank_sum_greater(hx, hy, rng)
    return zstat, p, info


def _rank_sum_greater(a: np.ndarray, b: np.ndarray, rng) -> tuple[float, float]:
    """One-sided Mann-Whitney (a stochastically larger), ties broken at random.

    Random tie-breaking makes the ranks of `a` a uniformly random subset under
    H0 (all points iid), so the no-ties null holds exactly even for discrete
    data; p = Phi-bar((U - n1 n2 / 2 - 1/2) / sqrt(n1 n2 (N + 1) / 12)), the
    continuity-corrected normal approximation (conservative in the tail).
    """
    h = np.concatenate([a, b])
    order = np.lexsort((rng.random(h.size), h))
    ranks = np.empty(h.size)
    ranks[order] = np.arange(1, h.size + 1)
    n1, n2 = a.size, b.size
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return float(z), float(stats.norm.sf(z))


def two_sample_joint(samples, reference, alpha: float, name: str = "samples",
                     min_n: int = None, hint: str = "", seed=None) -> CheckResult:
    """Pass iff the split witness test of the (n, d) `samples` against the (m, d)
    `reference` has p >= alpha. Sees the joint law: right marginals with a wrong
    dependence fail. min_n: the number of rows the question requires.
    """
    z_critical(alpha)
    ref = np.asarray(reference, dtype=np.float64)
    if ref.ndim != 2 or ref.shape[0] < 4 or not np.all(np.isfinite(ref)):
        raise ValueError("reference must be a finite (m, d) array with m >= 4")
    d = ref.shape[1]
    try:
        x = as_array(samples, name, shape=(None, d))
        if min_n is not None and x.shape[0] < min_n:
            raise AnswerError(f"`{name}` has {x.shape[0]} rows (draws); the question asks for at "
                              f"least {min_n}. Draw more samples.")
        if x.shape[0] < 4:
            raise AnswerError(f"`{name}` has too few draws to assess. Draw more samples.")
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed", method="witness")
    zstat, p, info = witness_test(x, ref, seed=seed)
    detail = dict(method="witness", alpha=alpha, n=int(x.shape[0]), m=int(ref.shape[0]),
                  statistic=zstat, pvalue=p, **info)
    evidence = TwoSample(p >= alpha, p)
    if evidence.passed:
        return passed(f"`{name}` looks like draws from the joint distribution it should follow.",
                      evidence=evidence, **detail)
    msg = _FAIL.format(name=name) + (" The test looks at all columns together: check the "
                                     "dependence between them as well as each one alone.")
    return failed(msg + (f" {hint}" if hint else ""), evidence=evidence, **detail)
