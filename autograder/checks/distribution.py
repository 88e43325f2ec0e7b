"""Goodness of fit of student samples to a fully specified target distribution.

Test at the check's alpha against the known distribution; Anderson-Darling has
the best general power, KS is the simplest; thin autocorrelated (MCMC) draws to
about their ESS first, or the false-fail rate inflates (docs/statistics.md).

Both tests work on the probability integral transform (PIT) u = F(x), which is
U(0, 1) for a correct continuous sample. A value that carries probability
(an atom of the target, a value rounded to a grid, or a float sitting exactly
on the edge of the support) has no single F(x): it gets the *randomised* PIT

    u = F(x-) + V * P(X = x),   V ~ U(0, 1) independent,

with P(X = x) the probability of the cell of real numbers that x stands for
(the atom; [x - h/2, x + h/2) for a grid of width h that the question declares
(never one read from the student's values); at a support edge, the
reals that round to that float). This u is exactly U(0, 1) under H0 for *any* distribution
(Brockwell 2007, "Universal residuals"), so the KS and Anderson-Darling nulls
stay exact, and ln u never meets ln 0 for a value the target can produce. A
value whose cell has probability 0 under the target (outside the support, an
integer-valued target hit by 2.5, ...) is impossible for a correct program and
fails outright, with its own message.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

import numpy as np
from scipy import stats

from .budget import z_critical
from .evidence import GoodnessOfFit, Malformed, sketch
from .guards import as_array
from .result import AnswerError, CheckResult, failed, passed
from .summary import against_law


class MixedDistribution:
    """A continuous distribution with point masses: P = (1 - w) * continuous + sum_a m_a * delta_a.

    Built by `with_atoms`. Offers the pieces the randomised PIT needs:
    cdf (P(X <= x)), cdf_left (P(X < x)), sf (P(X > x)), sf_left (P(X >= x)),
    logcdf/logsf, atom_mass and rvs (for calibration).
    """

    def __init__(self, continuous, atoms: Mapping):
        if not (hasattr(continuous, "dist") and isinstance(continuous.dist, stats.rv_continuous)):
            raise TypeError("the continuous part must be a frozen scipy.stats continuous distribution")
        if not isinstance(atoms, Mapping) or not atoms:
            raise ValueError("atoms must be a non-empty {value: probability} mapping")
        vals = np.array(sorted(float(v) for v in atoms), dtype=np.float64)
        masses = np.array([float(atoms[v]) for v in sorted(atoms, key=float)], dtype=np.float64)
        if not np.all(np.isfinite(vals)) or np.any(masses <= 0) or masses.sum() >= 1.0:
            raise ValueError("atom values must be finite, masses positive and sum to less than 1")
        self.continuous, self.values, self.masses = continuous, vals, masses
        self.weight = float(masses.sum())  # total atom mass w
        self._cum = np.concatenate([[0.0], np.cumsum(masses)])

    def _below(self, x, inclusive: bool) -> np.ndarray:
        side = "right" if inclusive else "left"
        return self._cum[np.searchsorted(self.values, np.asarray(x, dtype=np.float64), side=side)]

    def atom_mass(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return self._below(x, True) - self._below(x, False)

    def cdf(self, x):
        return (1 - self.weight) * self.continuous.cdf(x) + self._below(x, True)

    def cdf_left(self, x):
        return (1 - self.weight) * self.continuous.cdf(x) + self._below(x, False)

    def sf(self, x):
        return (1 - self.weight) * self.continuous.sf(x) + (self.weight - self._below(x, True))

    def sf_left(self, x):
        return (1 - self.weight) * self.continuous.sf(x) + (self.weight - self._below(x, False))

    def logcdf(self, x):
        with np.errstate(divide="ignore"):
            return np.logaddexp(math.log1p(-self.weight) + self.continuous.logcdf(x),
                                np.log(self._below(x, True)))

    def logsf(self, x):
        with np.errstate(divide="ignore"):
            return np.logaddexp(math.log1p(-self.weight) + self.continuous.logsf(x),
                                np.log(np.maximum(self.weight - self._below(x, True), 0.0)))

    def rvs(self, size, random_state=None) -> np.ndarray:
        rng = np.random.default_rng(random_state)
        n = int(np.prod(size))
        k = rng.choice(self.values.size + 1, size=n,
                       p=np.concatenate([self.masses, [1 - self.weight]]))
        out = self.continuous.rvs(size=n, random_state=rng)
        hit = k < self.values.size
        out[hit] = self.values[k[hit]]
        return out.reshape(size)


def with_atoms(continuous, atoms: Mapping) -> MixedDistribution:
    """The target `continuous` with point masses, e.g. a censored or zero-inflated law.

    with_atoms(stats.expon(scale=2), {0.0: 0.003}) is 0.3% exact zeros, otherwise Exp.
    The continuous part is rescaled by 1 - sum(atoms.values()).
    """
    return MixedDistribution(continuous, atoms)


def _is_discrete(dist) -> bool:
    return hasattr(dist, "dist") and isinstance(dist.dist, stats.rv_discrete)


def _check_dist(dist, histogram_is_exact: bool = False):
    if isinstance(dist, MixedDistribution) or _is_discrete(dist):
        return
    if isinstance(dist, stats.rv_histogram) and not histogram_is_exact:
        dist = dist.freeze()  # the refusal below explains what to do instead
    if not (hasattr(dist, "dist") and isinstance(dist.dist, stats.rv_continuous)):
        raise TypeError("dist must be a frozen scipy.stats distribution (continuous, e.g. "
                        "scipy.stats.norm(0, 1), or discrete, e.g. scipy.stats.poisson(3)) "
                        "or a with_atoms(...) mixture")
    if isinstance(dist.dist, stats.rv_histogram) and not histogram_is_exact:
        raise TypeError("dist is a histogram. A histogram of reference draws is not the exact "
                        "target: its binning and its own sampling noise become detectable as n "
                        "grows, and values beyond its range look impossible, so correct samples "
                        "fail. Compare with the reference draws by two_sample(...) instead, or "
                        "pass histogram_is_exact=True if the target really is piecewise uniform.")


class _Ref:
    """Uniform access to a continuous, discrete or mixed target."""

    def __init__(self, dist):
        self.dist = dist
        self.kind = ("mixed" if isinstance(dist, MixedDistribution)
                     else "discrete" if _is_discrete(dist) else "continuous")
        self.cont = dist.continuous if self.kind == "mixed" else dist

    def atom_mass(self, x):
        if self.kind == "continuous":
            return np.zeros_like(x)
        if self.kind == "mixed":
            return self.dist.atom_mass(x)
        return self.dist.pmf(x)

    def cdf(self, x):
        return self.dist.cdf(x)

    def sf(self, x):
        return self.dist.sf(x)

    def cdf_left(self, x):
        if self.kind == "mixed":
            return self.dist.cdf_left(x)
        if self.kind == "discrete":
            return np.maximum(self.dist.cdf(x) - self.dist.pmf(x), 0.0)
        return self.dist.cdf(x)

    def sf_left(self, x):
        if self.kind == "mixed":
            return self.dist.sf_left(x)
        if self.kind == "discrete":
            return np.minimum(self.dist.sf(x) + self.dist.pmf(x), 1.0)
        return self.dist.sf(x)


def detect_grid(samples, max_decimals: int = 9):
    """The decimal grid 10**-k the samples lie on (smallest k <= max_decimals), or None.

    Draws of a continuous law lie on such a grid with probability ~(2e-6)**n, so
    a detected grid means rounding or integer output. Used only to word the
    feedback: the grid a test uses comes from the question (gof's `resolution`).
    """
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    if x.size == 0:
        return None
    for k in range(max_decimals + 1):
        s = x * 10.0 ** k
        if np.max(np.abs(s)) > 1e9:  # float error in s would approach the tolerance
            return None
        if np.all(np.abs(s - np.rint(s)) <= 1e-6):
            return 10.0 ** -k
    return None


def _seed_of(x: np.ndarray) -> int:
    """Deterministic seed from the data, so one submission always gets one verdict."""
    return int.from_bytes(hashlib.sha256(np.ascontiguousarray(x).tobytes()).digest()[:8], "little")


def _open_uniform(rng, n: int) -> np.ndarray:
    """U(0, 1) strictly inside (0, 1): (k + 1/2) / 2**53."""
    return (np.floor(rng.random(n) * 2.0 ** 53) + 0.5) / 2.0 ** 53


def _resolution(resolution):
    """The declared cell width h of rounded values, or None (values are the law's own)."""
    if resolution is None:
        return None
    if isinstance(resolution, str):
        raise ValueError("resolution must be declared by the question (a grid width h, or None): "
                         "a grid read from the student's values lets an integer-valued answer "
                         "pass as a rounded continuous law")
    h = float(resolution)
    if not h > 0 or not math.isfinite(h):
        raise ValueError(f"resolution must be positive, got {resolution!r}")
    return h


def _pit_logs(x, dist, resolution=None, rounding="nearest", seed=None):
    """(ln u, ln(1 - u), info) of the (randomised) PIT of each value, see the module doc.

    info: grid (the cell width used or None), n_cells (values given a randomised
    PIT), n_boundary (values on a support edge), n_impossible (cells of
    probability 0), n_ties.
    """
    ref = _Ref(dist)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    n = x.size
    if rounding not in ("nearest", "down", "up"):
        raise ValueError(f"rounding must be 'nearest', 'down' or 'up', got {rounding!r}")
    h = _resolution(resolution) if ref.kind != "discrete" else None
    log_u = np.full(n, np.nan)
    log_v = np.full(n, np.nan)
    cell = np.ones(n, dtype=bool)
    n_boundary = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if h is not None:
            lo, hi = {"nearest": (x - h / 2, x + h / 2), "down": (x, x + h), "up": (x - h, x)}[rounding]
            if rounding == "up":  # cell (lo, hi]
                flo, fhi, slo, shi = ref.cdf(lo), ref.cdf(hi), ref.sf(lo), ref.sf(hi)
            else:  # cell [lo, hi)
                flo, fhi = ref.cdf_left(lo), ref.cdf_left(hi)
                slo, shi = ref.sf_left(lo), ref.sf_left(hi)
        else:
            flo, fhi, slo, shi = (np.zeros(n) for _ in range(4))
            mass = ref.atom_mass(x)
            if ref.kind == "discrete":
                plain = np.zeros(n, dtype=bool)
            else:
                clc, cls = ref.cont.logcdf(x), ref.cont.logsf(x)
                plain = (mass == 0) & np.isfinite(clc) & np.isfinite(cls)
                log_u[plain] = ref.dist.logcdf(x[plain])
                log_v[plain] = ref.dist.logsf(x[plain])
            cell = ~plain
            atom = cell & (mass > 0)
            if ref.kind == "discrete":
                atom = cell.copy()
            flo[atom], fhi[atom] = ref.cdf_left(x[atom]), ref.cdf(x[atom])
            slo[atom], shi[atom] = ref.sf_left(x[atom]), ref.sf(x[atom])
            edge = cell & ~atom  # on (or beyond) a support edge of the continuous part
            n_boundary = int(np.count_nonzero(edge))
            if n_boundary:
                xe = x[edge]
                # The reals a float stands for reach half an ulp either side (round to
                # nearest). float32 data (all values exact in float32): those midpoints are
                # exact in float64. float64: the midpoint is not representable, so the full
                # ulp is used; at 0 that overstates the cell's probability F(ulp) by a factor
                # F(ulp)/F(ulp/2) ~ 2**a for a density ~ x**(a-1), negligible in practice.
                if bool(np.all(x.astype(np.float32).astype(np.float64) == x)):
                    x32 = xe.astype(np.float32)
                    up = (xe + np.nextafter(x32, np.float32(np.inf)).astype(np.float64)) / 2
                    down = (xe + np.nextafter(x32, np.float32(-np.inf)).astype(np.float64)) / 2
                else:
                    up, down = np.nextafter(xe, np.inf), np.nextafter(xe, -np.inf)
                lower = ~np.isfinite(clc[edge])  # F(x) = 0: the float's cell reaches up
                elo, ehi = np.where(lower, xe, down), np.where(lower, up, xe)
                flo[edge], fhi[edge] = ref.cdf(elo), ref.cdf(ehi)
                slo[edge], shi[edge] = ref.sf(elo), ref.sf(ehi)
        p_cell = np.where(flo < 0.5, fhi - flo, slo - shi)[cell]
        impossible = ~(p_cell > 0)
        v = _open_uniform(np.random.default_rng(_seed_of(x) if seed is None else seed),
                          int(np.count_nonzero(cell)))
        pc = np.where(impossible, 0.0, p_cell)
        log_u[cell] = np.log(flo[cell] + v * pc)
        log_v[cell] = np.log(shi[cell] + (1 - v) * pc)
    info = dict(grid=h, n_cells=int(np.count_nonzero(cell)), n_boundary=n_boundary,
                n_impossible=int(np.count_nonzero(impossible)),
                n_ties=int(n - np.unique(x).size))
    return log_u, log_v, info


def randomised_pit(samples, dist, resolution=None, rounding="nearest", seed=None) -> np.ndarray:
    """u_i in (0, 1): F(x_i) for continuous values, the randomised PIT for values with mass.

    U(0, 1) iid for a correct sample (exactly, whatever atoms, grid or boundary
    values it has). NaN marks an impossible value. `seed` fixes V (default: a
    hash of the data).
    """
    _check_dist(dist, True)
    log_u, log_v, info = _pit_logs(samples, dist, resolution, rounding, seed)
    u = np.where(log_u > math.log(0.5), -np.expm1(log_v), np.exp(log_u))
    u[~(np.isfinite(log_u) & np.isfinite(log_v))] = np.nan
    return u


def _ad_from_logs(log_u: np.ndarray, log_v: np.ndarray) -> float:
    """A^2 = -n - (1/n) sum (2i-1) [ln u_(i) + ln(1 - u_(n+1-i))].

    ln(1 - u_(n+1-i)) is the i-th smallest ln(1 - u), so both sums sort ascending;
    ln(1 - u) comes from the survival function, which keeps the upper tail exact.
    """
    n = log_u.size
    i = np.arange(1, n + 1)
    s = np.sum((2 * i - 1) * (np.sort(log_u) + np.sort(log_v)))
    return float(-n - s / n)


def _tail_fix_poly() -> np.poly1d:
    """M&M's errfix for x > 0.8, rewritten in u = 1 - x and pinned to 0 at u = 0.

    Their fit g3(x) = -130.2137 + 745.2337x - 1705.091x^2 + 1950.646x^3 - 1116.360x^4
    + 255.7844x^5 has g3(1) = -6e-4 (coefficient rounding) where the true correction
    is 0; used as published it floors every p-value at ~6e-4/n, so a blatantly wrong
    sample would pass a small alpha. Subtracting the ramp g3(1)(x - 0.8)/0.2 keeps
    continuity at x = 0.8 and moves the fit by at most 6e-4/n (M&M quote ~1e-5
    accuracy). Written in u, the tail needs no cancellation, so tiny p-values stay
    accurate and monotone in A^2.
    """
    g3 = np.poly1d([255.7844, -1116.360, 1950.646, -1705.091, 745.2337, -130.2137])
    q = g3(np.poly1d([-1.0, 1.0])) - g3(1.0) * np.poly1d([-5.0, 1.0])
    coeffs = q.coeffs.copy()
    coeffs[-1] = 0.0  # q(0) = 0 exactly; drop the floating-point residue
    return np.poly1d(coeffs)


_TAIL_FIX = _tail_fix_poly()


def ad_pvalue(a2: float, n: int) -> float:
    """P(A_n^2 >= a2) for a fully specified continuous distribution.

    Marsaglia & Marsaglia (2004), "Evaluating the Anderson-Darling distribution",
    J. Statistical Software 9(2): the ADinf approximation of the limiting CDF
    (|error| < 2e-6) plus their finite-n correction errfix(n, x). scipy's
    `anderson` only tabulates a few levels, and `goodness_of_fit` is Monte Carlo
    (slow), hence this closed form. Accurate to ~1e-5 absolute in the bulk; in the
    far tail the p-value is the asymptotic tail 1 - ADinf times (1 + O(1/n)), so it
    resolves the tiny alphas of a split budget (one tail tweak: _tail_fix_poly).
    """
    if not a2 > 0:
        return 1.0
    if math.isinf(a2):
        return 0.0
    z = a2
    if z < 2.0:
        cdf = math.exp(-1.2337141 / z) / math.sqrt(z) * (
            2.00012 + (0.247105 - (0.0649821 - (0.0347962 - (0.011672 - 0.00168691 * z) * z) * z) * z) * z)
        upper = 1.0 - cdf
    else:
        inner = math.exp(
            1.0776 - (2.30695 - (0.43424 - (0.082433 - (0.008056 - 0.0003146 * z) * z) * z) * z) * z)
        cdf = math.exp(-inner)
        upper = -math.expm1(-inner)  # 1 - exp(-inner) without cancellation in the far tail
    x = cdf
    if x > 0.8:
        fix = float(_TAIL_FIX(upper)) / n  # see _tail_fix_poly
    else:
        c = 0.01265 + 0.1757 / n
        if x < c:
            t = x / c
            t = math.sqrt(t) * (1.0 - t) * (49.0 * t - 102.0)
            fix = t * (0.0037 / (n * n) + 0.00078 / n + 0.00006) / n
        else:
            t = (x - c) / (0.8 - c)
            t = -0.00022633 + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 * t) * t) * t) * t) * t
            fix = t * (0.04213 / n + 0.01365 / (n * n)) / n
    return min(1.0, max(0.0, upper - fix))


def anderson_darling(samples, dist, resolution=None, rounding="nearest",
                     seed=None) -> tuple[float, float]:
    """(A^2, p-value) of samples against `dist` (continuous, discrete or with_atoms).

    Boundary-safe: values with mass (atoms, a rounding grid, floats on a support
    edge) enter through the randomised PIT, so a correct sample never meets
    ln 0. An impossible value gives (inf, 0.0).
    """
    _check_dist(dist, True)
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    log_u, log_v, info = _pit_logs(x, dist, resolution, rounding, seed)
    if info["n_impossible"]:
        return math.inf, 0.0
    a2 = _ad_from_logs(log_u, log_v)
    return a2, ad_pvalue(a2, x.size)


def gof(samples, dist, alpha: float, name: str = "samples", method: str = "ks",
        min_n: int = None, hint: str = "", resolution=None, rounding: str = "nearest",
        seed=None, histogram_is_exact: bool = False) -> CheckResult:
    """Pass iff the goodness-of-fit p-value >= alpha.

    dist: a frozen scipy.stats continuous or discrete distribution, or
    with_atoms(continuous, {value: mass}). method: "ks" (Kolmogorov-Smirnov on
    the PIT) or "ad" (Anderson-Darling, Marsaglia & Marsaglia p-value).
    `samples` must be 1-D and (roughly) independent: pass MCMC draws through
    `thin_to_ess` first. `min_n` is the sample size the question requires (sized
    for power with budget.required_n); fewer samples fail with a "draw more"
    message, never a wider band.

    Boundary safety: values with probability mass under `dist` use the randomised
    PIT (module doc). resolution: the grid width h the QUESTION declares its
    answers are rounded to (rounding="nearest", "down" for floor/truncation of
    positive values, "up"), or None (default): values are the law's own. Never
    read from the student's values: integers returned for a continuous law would
    then pass as that law rounded (Poisson draws for an exponential). Ignored for
    discrete targets, whose values are their own cells. A value impossible under
    `dist` fails with its own message. A histogram of
    reference draws is refused (use two_sample).
    """
    _check_dist(dist, histogram_is_exact)
    z_critical(alpha)  # validates alpha in (0, 1]
    if method not in ("ks", "ad"):
        raise ValueError(f"method must be 'ks' or 'ad', got {method!r}")
    try:
        x = as_array(samples, name, shape=(None,), min_size=min_n)
        if x.size == 0:
            raise AnswerError(f"`{name}` is empty. Draw samples and assign them to `{name}`.")
    except AnswerError as e:
        return failed(str(e), evidence=Malformed(), error="malformed", method=method)
    log_u, log_v, info = _pit_logs(x, dist, resolution, rounding, seed)
    detail = dict(method=method, alpha=alpha, n=int(x.size), **info)
    if info["n_impossible"]:
        return failed(f"`{name}` contains {info['n_impossible']} value(s) that the target "
                      "distribution cannot produce (outside its range, or not one of its possible "
                      "values). Check the support of your sampler: signs, bounds, and any "
                      "transformation or rounding you apply." + (f" {hint}" if hint else ""),
                      evidence=GoodnessOfFit(False, 0.0), statistic=math.inf, pvalue=0.0, **detail)
    if method == "ks":
        u = np.where(log_u > math.log(0.5), -np.expm1(log_v), np.exp(log_u))
        res = stats.kstest(u, "uniform")
        stat, p = float(res.statistic), float(res.pvalue)
    else:
        stat = _ad_from_logs(log_u, log_v)
        p = ad_pvalue(stat, x.size)
    detail.update(statistic=stat, pvalue=p)
    evidence = GoodnessOfFit(p >= alpha, p, *against_law(x, dist), **sketch(x))
    if evidence.passed:
        return passed(f"`{name}` looks like draws from the target distribution.",
                      evidence=evidence, **detail)
    msg = (f"`{name}` does not look like draws from the target distribution: a goodness-of-fit "
           "test rejects it far beyond what sampling noise explains. Check the sampler's "
           "parameters (location and especially scale/variance) and any transformation you apply.")
    if _Ref(dist).kind == "continuous" and info["grid"] is None and detect_grid(x) is not None:
        msg += (" Your values are all whole numbers or rounded, while the target takes "
                "continuous values: check that you sample from the right family.")
    return failed(msg + (f" {hint}" if hint else ""), evidence=evidence, **detail)


def pvalue_check(pvalue: float, level: float, ok: str, bad: str, **detail) -> CheckResult:
    """The verdict of a homework's own test of draws against the law they should follow
    (a score test, a chi-square statistic): pass iff pvalue >= level (the check's
    alpha), with `ok` or `bad` as the message and GoodnessOfFit evidence."""
    evidence = GoodnessOfFit(pvalue >= level, float(pvalue))
    return (passed(ok, evidence=evidence, pvalue=pvalue, **detail) if evidence.passed
            else failed(bad, evidence=evidence, pvalue=pvalue, **detail))


def thin_to_ess(draws, ess: float = None) -> np.ndarray:
    """Keep every k-th draw of each chain so about `ess` draws remain, flattened.

    draws: (n,) or (chains, n). k = ceil(total / ess). If ess is None it is
    ArviZ's bulk ESS of the draws. Thinning leaves roughly independent draws so
    GOF tests keep their nominal false-fail rate (docs/statistics.md).
    """
    arr = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    if arr.ndim != 2:
        raise ValueError("draws must have shape (n,) or (chains, n)")
    if ess is None:
        from .posterior import ess_bulk  # lazy: arviz is slow to import
        ess = ess_bulk(arr)
    ess = float(ess)
    if not ess > 0 or not math.isfinite(ess):
        raise ValueError(f"ess must be positive and finite, got {ess}")
    step = max(1, math.ceil(arr.size / ess))
    return arr[:, ::step].reshape(-1)
