"""Calibration of the round-2 checks: false-fail rates and power, by simulation.

    PYTHONPATH=. python benchmarks/checks_calibration.py [--scale 1.0] [--only A,B,...]
        [--out benchmarks/checks-calibration.md]

Sections (each prints a markdown table; --scale multiplies every run count):
  A  gof on correct samples with exact boundary values, atoms, ties, rounding
     (false fails at alpha = 1e-2 and 1e-3; the old Anderson-Darling alongside)
  A2 Anderson-Darling p-value tail on exactly uniform PITs (alpha down to 1e-5)
  A3 correct samples against a histogram of reference draws vs two_sample
  A4 more runs for the one section-A cell whose interval lay above 1e-3
  B  gof power on a rounded target with exact zeros
  C  two-sample KS / AD / joint witness: false fails; AD asymptotic screen
  C2 Mann-Whitney normal approximation against its exact null (deterministic)
  C3 two-sample power against the reference size (the cap), joint power
  D  discrete: chi2/G tails with pooling; exact sizes of the exact tests;
     frequencies() false fails and power
  E  omnibus tables: Wald / max-z false fails on multinomial tables; power on
     the flattened (ipw-like) table against per-cell Bonferroni
  F  sequential vs fixed-n: draws used and rejection rates

Every sample is drawn from the distribution it is tested against (the
"correct program"), except in the power sections. Seeds are fixed, so a rerun
reproduces the tables. Written for a 2-core machine: the full run takes about
half an hour.
"""
from __future__ import annotations

import argparse
import math
import time
import zlib

import numpy as np
from scipy import stats
from scipy.special import gammaln

from autograder.checks import (
    close_to_table, frequencies, gof, multinomial_cov, sequential, two_sample, two_sample_joint,
    with_atoms, z_critical,
)
from autograder.checks.discrete import (exact_multinomial_pvalue, g_statistic, n_tables, pearson,
                                        pool_cells)
from autograder.checks.distribution import _ad_pvalue
from autograder.checks.twosample import _AD2, ad2_asymptotic_pvalue

OUT: list[str] = []


def emit(line: str = "") -> None:
    print(line, flush=True)
    OUT.append(line)


def runs(k: float) -> int:
    return max(10, int(round(k * SCALE)))


def ci(fails: int, total: int) -> str:
    """Clopper-Pearson 95% interval for a rate, as text."""
    lo = stats.beta.ppf(0.025, fails, total - fails + 1) if fails else 0.0
    hi = stats.beta.ppf(0.975, fails + 1, total - fails) if fails < total else 1.0
    return f"{fails}/{total} = {fails / total:.2g} [{lo:.2g}, {hi:.2g}]"


def old_ad_pvalue(x, dist) -> float:
    """Anderson-Darling as before round 2 (ln F(x) straight from logcdf)."""
    x = np.sort(x)
    n = x.size
    i = np.arange(1, n + 1)
    with np.errstate(divide="ignore"):
        s = np.sum((2 * i - 1) * (dist.logcdf(x) + dist.logsf(x[::-1])))
    return _ad_pvalue(float(-n - s / n), n)


# --- A: gof false fails on boundary / atom / tie / rounded cases -----------------------

def cases_a():
    zi = with_atoms(stats.expon(scale=2.0), {0.0: 0.003})
    return [
        ("N(0,1), plain continuous", stats.norm(), lambda r, n: r.standard_normal(n), {}),
        ("Exp(6) rounded to 3 decimals (0.30% exact zeros)", stats.expon(scale=1 / 6),
         lambda r, n: np.round(r.exponential(1 / 6, n), 3), {"resolution": 1e-3}),
        ("zero-inflated Exp(1/2): atom 0.3% at 0", zi,
         lambda r, n: zi.rvs(n, random_state=r), {}),
        ("Gamma(0.01): float underflow to 0 (0.06%)", stats.gamma(0.01),
         lambda r, n: r.gamma(0.01, 1.0, n), {}),
        ("N(0,3) rounded to integers (ties)", stats.norm(0, 3),
         lambda r, n: np.round(r.normal(0, 3, n)), {"resolution": 1}),
        ("floor(Exp(mean 3)), rounding='down'", stats.expon(scale=3),
         lambda r, n: np.floor(r.exponential(3, n)), {"resolution": 1, "rounding": "down"}),
        ("Poisson(3) (discrete target)", stats.poisson(3), lambda r, n: r.poisson(3, n), {}),
        ("Beta(0.02,1) in float32 (zeros underflow)", stats.beta(0.02, 1),
         lambda r, n: r.beta(0.02, 1, n).astype(np.float32), {}),
    ]


def section_a():
    emit("### A. gof: correct samples against their own exact distribution")
    emit()
    emit("False fails (p < alpha) of `gof`, Clopper-Pearson 95% intervals. "
         "'old AD' is the Anderson-Darling before this change on the same samples (for the "
         "zero-inflated case against the continuous part, the only target it accepted).")
    emit()
    emit("| case | n | runs | AD fails at 1e-2 | AD fails at 1e-3 | KS fails at 1e-3 | old AD fails at 1e-3 |")
    emit("|---|---|---|---|---|---|---|")
    plan = [(400, runs(20000)), (6400, runs(4000)), (102400, runs(300))]
    for ci_, (label, dist, draw, kw) in enumerate(cases_a()):
        for n, r_ in plan:
            if n == 102400 and ci_ not in (1, 2):
                continue
            rng = np.random.default_rng(1000 * ci_ + n)
            ad2 = ad3 = ks3 = old3 = 0
            for _ in range(r_):
                x = draw(rng, n)
                pa = gof(x, dist, 1e-3, method="ad", **kw).detail["pvalue"]
                pk = gof(x, dist, 1e-3, method="ks", **kw).detail["pvalue"]
                ad2 += pa < 1e-2
                ad3 += pa < 1e-3
                ks3 += pk < 1e-3
                if ci_ in (1, 2, 3):  # the old API took only a continuous scipy target
                    old3 += old_ad_pvalue(x, dist.continuous if ci_ == 2 else dist) < 1e-3
            old = ci(old3, r_) if ci_ in (1, 2, 3) else "–"
            emit(f"| {label} | {n} | {r_} | {ci(ad2, r_)} | {ci(ad3, r_)} | {ci(ks3, r_)} | {old} |")
    emit()


def section_a2():
    emit("### A2. Anderson-Darling p-value tail on exactly uniform PITs")
    emit()
    emit("The randomised PIT makes a correct sample's u exactly iid U(0,1), so the false-fail "
         "rate at any alpha is that of the AD p-value on uniforms. Vectorised A^2 on U(0,1) samples:")
    emit()
    emit("| n | runs | P(p < 1e-3) | P(p < 1e-4) | P(p < 1e-5) |")
    emit("|---|---|---|---|---|")
    for n, total in ((50, runs(2_000_000)), (400, runs(400_000))):
        rng = np.random.default_rng(n)
        counts = np.zeros(3, dtype=int)
        i = np.arange(1, n + 1)
        # A^2 critical values for the three alphas (the p-value is monotone in A^2)
        grid = np.linspace(2, 30, 28001)
        ps = np.array([_ad_pvalue(a, n) for a in grid])
        crit = [grid[np.argmax(ps < a)] for a in (1e-3, 1e-4, 1e-5)]
        done, chunk = 0, max(1, 4_000_000 // n)
        while done < total:
            k = min(chunk, total - done)
            u = np.sort(rng.random((k, n)), axis=1)
            a2 = -n - ((2 * i - 1) * (np.log(u) + np.log1p(-u[:, ::-1]))).sum(1) / n
            counts += np.array([(a2 > c).sum() for c in crit])
            done += k
        emit(f"| {n} | {total} | " + " | ".join(ci(int(c), total) for c in counts) + " |")
    emit()


def section_a3():
    emit("### A3. A histogram of reference draws is not an exact target")
    emit()
    emit("Correct N(0,1) samples against `rv_histogram` of 100,000 reference draws (200 bins; "
         "`histogram_is_exact=True` to bypass the refusal) and, with the same reference draws, "
         "`two_sample` (KS), at alpha = 1e-3:")
    emit()
    emit("| n | runs | gof AD vs histogram: fails | two_sample KS: fails |")
    emit("|---|---|---|---|")
    rng = np.random.default_rng(7)
    ref = rng.standard_normal(100_000)
    hist = stats.rv_histogram(np.histogram(ref, bins=200), density=False).freeze()
    for n in (6400, 25600, 102400):
        r_ = runs(40) if n < 102400 else runs(40)
        fh = ft = 0
        for _ in range(r_):
            x = rng.standard_normal(n)
            fh += not gof(x, hist, 1e-3, method="ad", histogram_is_exact=True).passed
            ft += not two_sample(x, ref, 1e-3).passed
        emit(f"| {n} | {r_} | {fh} | {ft} |")
    emit()


def section_a4():
    emit("### A4. Re-check of the zero-inflated case at n = 6400 (fresh seed, more runs)")
    emit()
    label, dist, draw, kw = cases_a()[2]
    r_ = runs(20000)
    rng = np.random.default_rng(64_000)
    ad2 = ad3 = ks3 = 0
    for _ in range(r_):
        x = draw(rng, 6400)
        pa = gof(x, dist, 1e-3, method="ad").detail["pvalue"]
        ad2 += pa < 1e-2
        ad3 += pa < 1e-3
        ks3 += gof(x, dist, 1e-3, method="ks").detail["pvalue"] < 1e-3
    emit("| case | n | runs | AD fails at 1e-2 | AD fails at 1e-3 | KS fails at 1e-3 |")
    emit("|---|---|---|---|---|---|")
    emit(f"| {label} | 6400 | {r_} | {ci(ad2, r_)} | {ci(ad3, r_)} | {ci(ks3, r_)} |")
    emit()


# --- B: gof power ------------------------------------------------------------------------

def section_b():
    emit("### B. gof power on a rounded target with exact zeros (alpha = 1e-4)")
    emit()
    emit("Target: Exp(rate 6) rounded to 3 decimals. Share of wrong samples rejected:")
    emit()
    target = stats.expon(scale=1 / 6)
    wrongs = [("rate 6.3 (+5%)", lambda r, n: np.round(r.exponential(1 / 6.3, n), 3)),
              ("rate 6.6 (+10%)", lambda r, n: np.round(r.exponential(1 / 6.6, n), 3)),
              ("rate 7.2 (+20%)", lambda r, n: np.round(r.exponential(1 / 7.2, n), 3)),
              ("extra 1% exact zeros", lambda r, n: np.where(r.random(n) < 0.01, 0.0,
                                                            np.round(r.exponential(1 / 6, n), 3))),
              ("truncated instead of rounded", lambda r, n: np.floor(r.exponential(1 / 6, n) * 1000) / 1000)]
    sizes = (400, 1600, 6400, 25600)
    emit("| wrong answer | method | " + " | ".join(f"n = {n}" for n in sizes) + " |")
    emit("|---|---|" + "---|" * len(sizes))
    for label, draw in wrongs:
        for method in ("ad", "ks"):
            cells = []
            for n in sizes:
                rng = np.random.default_rng(n + zlib.crc32(label.encode()) % 1000)
                r_ = runs(200)
                hits = sum(not gof(draw(rng, n), target, 1e-4, method=method, resolution=1e-3).passed
                           for _ in range(r_))
                cells.append(f"{hits / r_:.3f}")
            emit(f"| {label} | {method} | " + " | ".join(cells) + " |")
    emit(f"\nRuns per cell: {runs(200)}.")
    emit()


# --- C: two-sample ------------------------------------------------------------------------

def section_c():
    emit("### C. Two-sample tests: false fails on correct samples")
    emit()
    emit("| test | data | n / m | runs | fails at 1e-2 | fails at 1e-3 |")
    emit("|---|---|---|---|---|---|")
    plan = [
        ("two_sample KS", "N(0,1)", 400, 1600, runs(20000), "ks", lambda r, k: r.standard_normal(k)),
        ("two_sample KS", "N(0,1)", 6400, 6400, runs(4000), "ks", lambda r, k: r.standard_normal(k)),
        ("two_sample KS", "Poisson(3) (ties)", 400, 1600, runs(10000), "ks", lambda r, k: r.poisson(3, k) * 1.0),
        ("two_sample AD (permutation)", "N(0,1)", 400, 1600, runs(30000), "ad", lambda r, k: r.standard_normal(k)),
        ("two_sample AD (permutation)", "Poisson(3) (ties)", 400, 1600, runs(5000), "ad", lambda r, k: r.poisson(3, k) * 1.0),
        ("two_sample AD (permutation)", "Exp(6) rounded to 3 decimals", 400, 1600, runs(5000), "ad",
         lambda r, k: np.round(r.exponential(1 / 6, k), 3)),
    ]
    for label, data, n, m, r_, method, draw in plan:
        rng = np.random.default_rng(n + m + r_)
        f2 = f3 = 0
        for _ in range(r_):
            p = two_sample(draw(rng, n), draw(rng, m), 1e-3, method=method).detail["pvalue"]
            f2 += p < 1e-2
            f3 += p < 1e-3
        emit(f"| {label} | {data} | {n} / {m} | {r_} | {ci(f2, r_)} | {ci(f3, r_)} |")
    for n, d, r_ in ((1000, 2, runs(3000)), (1000, 5, runs(1000))):
        rng = np.random.default_rng(d)
        f2 = f3 = 0
        for _ in range(r_):
            p = two_sample_joint(rng.standard_normal((n, d)), rng.standard_normal((n, d)), 1e-3).detail["pvalue"]
            f2 += p < 1e-2
            f3 += p < 1e-3
        emit(f"| two_sample_joint (witness) | N(0, I_{d}) | {n} / {n} | {r_} | {ci(f2, r_)} | {ci(f3, r_)} |")
    rng = np.random.default_rng(55)
    r_ = runs(20000)
    f2 = f3 = 0
    for _ in range(r_):
        x = rng.poisson(2, (1000, 2)) * 1.0
        p = two_sample_joint(x, rng.poisson(2, (1000, 2)) * 1.0, 1e-3).detail["pvalue"]
        f2 += p < 1e-2
        f3 += p < 1e-3
    emit(f"| two_sample_joint (witness) | Poisson(2)^2 (ties) | 1000 / 1000 | {r_} | {ci(f2, r_)} | {ci(f3, r_)} |")
    emit()
    emit("AD asymptotic screen: tail of the asymptotic p-value of A^2 on null pairs "
         "(no ties), against its nominal level (ratio r in the docs):")
    emit()
    emit("| n / m | runs | P(p_asy < 1e-2) | P(p_asy < 1e-3) | P(p_asy < 1e-4) |")
    emit("|---|---|---|---|---|")
    for n, m, r_ in ((50, 50, runs(200000)), (400, 1600, runs(100000))):
        rng = np.random.default_rng(n * 7 + m)
        c = np.zeros(3, dtype=int)
        for _ in range(r_):
            x, y = rng.standard_normal(n), rng.standard_normal(m)
            ad = _AD2(x, y)
            p = ad2_asymptotic_pvalue(float(ad.stat(ad.labels[None, :])[0]), n, m)
            c += np.array([p < 1e-2, p < 1e-3, p < 1e-4])
        emit(f"| {n} / {m} | {r_} | " + " | ".join(ci(int(v), r_) for v in c) + " |")
    emit()


def mwu_exact_sf(n: int, m: int) -> np.ndarray:
    """P(U >= u) for u = 0..nm under H0: coefficients of the Gaussian binomial [n+m choose n]_q."""
    poly = np.zeros(n * m + 1)
    poly[0] = 1.0
    # [n+m choose n]_q = prod_{i=1}^{n} (1 - q^{m+i}) / (1 - q^i)
    for i in range(1, n + 1):
        a = m + i
        new = poly.copy()
        new[a:] -= poly[:-a]  # multiply by (1 - q^a)
        for j in range(i, new.size):  # divide by (1 - q^i)
            new[j] += new[j - i]
        poly = new
    pmf = poly / poly.sum()
    return np.cumsum(pmf[::-1])[::-1]


def section_c2():
    emit("### C2. Mann-Whitney normal approximation vs its exact null")
    emit()
    emit("The witness test's p-value is scipy's one-sided Mann-Whitney normal approximation "
         "(continuity-corrected). Exact null tail probability at the approximation's critical "
         "value (deterministic, from the Gaussian-binomial generating function):")
    emit()
    emit("| n = m | exact size at 1e-3 | at 1e-4 | at 1e-5 | at 1e-6 |")
    emit("|---|---|---|---|---|")
    for n in (20, 50, 100, 200):
        sf = mwu_exact_sf(n, n)
        u = np.arange(n * n + 1)
        z = (u - n * n / 2 - 0.5) / math.sqrt(n * n * (2 * n + 1) / 12)
        pa = stats.norm.sf(z)
        cells = []
        for a in (1e-3, 1e-4, 1e-5, 1e-6):
            k = int(np.argmax(pa <= a))
            cells.append(f"{sf[k]:.3g}")
        emit(f"| {n} | " + " | ".join(cells) + " |")
    emit()


def section_c3():
    emit("### C3. Two-sample power and the reference-size cap")
    emit()
    emit("Wrong answer N(0.1, 1) against reference draws of N(0, 1), alpha = 1e-3; "
         "share rejected (runs per cell below). m is the number of reference draws; "
         "n_eff = n m / (n + m) never exceeds m:")
    emit()
    sizes = (1000, 4000, 16000, 64000)
    emit("| test | m | " + " | ".join(f"n = {n}" for n in sizes) + " |")
    emit("|---|---|" + "---|" * len(sizes))
    r_ = runs(60)
    for method in ("ks", "ad"):
        for m in ((4000, 16000, 64000) if method == "ks" else (4000, 16000)):
            cells = []
            for n in sizes:
                rng = np.random.default_rng(n + m)
                hits = sum(not two_sample(rng.normal(0.1, 1, n), rng.standard_normal(m), 1e-3,
                                          method=method).passed for _ in range(r_))
                cells.append(f"{hits / r_:.2f}")
            emit(f"| {method} | {m} | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        rng = np.random.default_rng(n)
        hits = sum(not gof(rng.normal(0.1, 1, n), stats.norm(), 1e-3, method="ad").passed for _ in range(r_))
        cells.append(f"{hits / r_:.2f}")
    emit("| one-sample gof AD (exact target) | ∞ | " + " | ".join(cells) + " |")
    emit(f"\nRuns per cell: {r_}.")
    emit()
    emit("Joint witness test: right N(0,1) marginals, wrong correlation rho (truth: independent), "
         "m = n reference draws, alpha = 1e-3; the marginal KS tests see nothing:")
    emit()
    emit("| rho | n = m | witness rejects | KS on column 1 rejects |")
    emit("|---|---|---|---|")
    r_ = runs(100)
    for rho in (0.05, 0.1, 0.2):
        for n in (2000, 8000, 32000):
            rng = np.random.default_rng(int(rho * 100) + n)
            hw = hk = 0
            for _ in range(r_):
                z = rng.standard_normal((n, 2))
                x = np.c_[z[:, 0], rho * z[:, 0] + math.sqrt(1 - rho ** 2) * z[:, 1]]
                ref = rng.standard_normal((n, 2))
                hw += not two_sample_joint(x, ref, 1e-3).passed
                hk += not two_sample(x[:, 1], ref[:, 1], 1e-3).passed
            emit(f"| {rho} | {n} | {hw / r_:.2f} | {hk / r_:.2f} |")
    emit(f"\nRuns per cell: {r_}.")
    emit()


# --- D: discrete ----------------------------------------------------------------------------

def section_d():
    emit("### D. Discrete tests")
    emit()
    emit("Chi-square approximations after pooling to E >= E_min, actual rejection rate / nominal "
         "alpha (vectorised multinomial simulation; n chosen so the smallest cell expects E_min):")
    emit()
    emit("| p | E_min | n | runs | X^2 at 1e-3 | X^2 at 1e-4 | X^2 at 1e-5 | G (Williams) at 1e-3 | at 1e-4 | at 1e-5 |")
    emit("|---|---|---|---|---|---|---|---|---|---|")
    cases = [np.full(8, 1 / 8), np.array([0.5, 0.2, 0.1, 0.08, 0.05, 0.04, 0.02, 0.01]),
             np.array([0.9, 0.1]), np.array([0.6, 0.3, 0.1])]
    total = runs(2_000_000)
    for ci_, p in enumerate(cases):
        for emin in (5, 20):
            n = int(math.ceil(emin / p.min()))
            e = n * p
            k = p.size
            crit = [stats.chi2.isf(a, k - 1) for a in (1e-3, 1e-4, 1e-5)]
            cx = np.zeros(3)
            cg = np.zeros(3)
            rng = np.random.default_rng(ci_ * 10 + emin)
            done = 0
            while done < total:
                b = min(500_000, total - done)
                x = rng.multinomial(n, p, size=b)
                x2 = pearson(x, e)
                g = g_statistic(x, e) / (1 + (k + 1) / (6 * n))
                cx += [(x2 >= c).sum() for c in crit]
                cg += [(g >= c).sum() for c in crit]
                done += b
            rx = [f"{cx[j] / total / a:.2f}" for j, a in enumerate((1e-3, 1e-4, 1e-5))]
            rg = [f"{cg[j] / total / a:.2f}" for j, a in enumerate((1e-3, 1e-4, 1e-5))]
            ptxt = "uniform(8)" if ci_ == 0 else "(" + ", ".join(f"{v:g}" for v in p) + ")"
            emit(f"| {ptxt} | {emin} | {n} | {total} | " + " | ".join(rx + rg) + " |")
    emit()
    emit("Exact tests: their size (probability a correct answer fails), computed exactly by "
         "summing the null probability of every count table whose p-value is below alpha:")
    emit()
    emit("| test | cells | n | size at 1e-3 | size at 1e-4 |")
    emit("|---|---|---|---|---|")
    for n in (30, 100, 400):
        ks = np.arange(n + 1)
        pmf = stats.binom.pmf(ks, n, 0.3)
        pv = np.array([stats.binomtest(int(k), n, 0.3).pvalue for k in ks])
        emit(f"| exact binomial, p = 0.3 | 2 | {n} | {pmf[pv < 1e-3].sum():.3g} | {pmf[pv < 1e-4].sum():.3g} |")
    p = np.array([0.5, 0.3, 0.2])
    for n in (30, 60, 150):
        tables = np.array([(a, b, n - a - b) for a in range(n + 1) for b in range(n + 1 - a)])
        probs = np.exp(gammaln(n + 1) - gammaln(tables + 1).sum(1) + (tables * np.log(p)).sum(1))
        pv = np.array([exact_multinomial_pvalue(t, p) for t in tables])  # the library's own p-value
        emit(f"| exact multinomial, p = (0.5, 0.3, 0.2) | 3 | {n} | {probs[pv < 1e-3].sum():.3g} | "
             f"{probs[pv < 1e-4].sum():.3g} |")
    emit()
    emit("`frequencies` (method auto) on correct samples:")
    emit()
    emit("| p | n | method used | runs | fails at 1e-2 | fails at 1e-3 |")
    emit("|---|---|---|---|---|---|")
    probs = {"a": 0.5, "b": 0.3, "c": 0.2}
    for label, pr, n, draw in [
        ("(0.5, 0.3, 0.2)", probs, 60, lambda r, n: r.choice(list(probs), p=list(probs.values()), size=n)),
        ("(0.5, 0.3, 0.2)", probs, 3000, lambda r, n: r.choice(list(probs), p=list(probs.values()), size=n)),
        ("Poisson(3)", stats.poisson(3), 2000, lambda r, n: r.poisson(3, n)),
        ("Bernoulli(0.3)", {1: 0.3, 0: 0.7}, 400, lambda r, n: r.binomial(1, 0.3, n)),
    ]:
        rng = np.random.default_rng(n)
        r_ = runs(10000)
        f2 = f3 = 0
        used = None
        for _ in range(r_):
            res = frequencies(draw(rng, n), pr, 1e-3)
            used = res.detail["method"]
            f2 += res.detail["pvalue"] < 1e-2
            f3 += res.detail["pvalue"] < 1e-3
        emit(f"| {label} | {n} | {used} | {r_} | {ci(f2, r_)} | {ci(f3, r_)} |")
    emit()
    emit("`frequencies` power at alpha = 1e-4 (truth (0.5, 0.3, 0.2); share rejected):")
    emit()
    sizes = (500, 2000, 8000)
    emit("| wrong probabilities | " + " | ".join(f"n = {n}" for n in sizes) + " |")
    emit("|---|" + "---|" * len(sizes))
    for wrong in ((0.47, 0.33, 0.2), (0.45, 0.35, 0.2), (0.5, 0.27, 0.23), (0.4, 0.4, 0.2)):
        cells = []
        for n in sizes:
            rng = np.random.default_rng(n + int(wrong[0] * 100))
            r_ = runs(200)
            hits = sum(not frequencies(rng.choice(list(probs), p=wrong, size=n), probs, 1e-4).passed
                       for _ in range(r_))
            cells.append(f"{hits / r_:.3f}")
        emit(f"| {wrong} | " + " | ".join(cells) + " |")
    emit(f"\nRuns per cell: {runs(200)}.")
    emit()


# --- E: omnibus -------------------------------------------------------------------------------

P8 = np.array([0.22, 0.18, 0.16, 0.14, 0.10, 0.08, 0.07, 0.05])


def section_e():
    emit("### E. Omnibus table tests")
    emit()
    emit("False fails on correct multinomial tables (8 cells, p = (0.22, 0.18, 0.16, 0.14, 0.10, "
         "0.08, 0.07, 0.05)), vectorised (the statistics are those of `close_to_table`: Wald with "
         "the multinomial covariance = Pearson X^2 on 7 df; max-|z| with the Sidak null):")
    emit()
    emit("| n | runs | Wald at 1e-3 | Wald at 1e-4 | max-z at 1e-3 | max-z at 1e-4 | per-cell Bonferroni at 1e-3 |")
    emit("|---|---|---|---|---|---|---|")
    total = runs(2_000_000)
    for n in (2000, 20000):
        rng = np.random.default_rng(n)
        se = np.sqrt(P8 * (1 - P8) / n)
        cw = np.zeros(2)
        cm = np.zeros(2)
        cb = 0
        done = 0
        cwv = [stats.chi2.isf(a, 7) for a in (1e-3, 1e-4)]
        # Sidak critical |z| for 8 cells
        cmv = [stats.norm.isf((1 - (1 - a) ** (1 / 8)) / 2) for a in (1e-3, 1e-4)]
        cbv = z_critical(1e-3 / 8)
        while done < total:
            b = min(400_000, total - done)
            t = rng.multinomial(n, P8, size=b) / n
            w = n * (((t - P8) ** 2) / P8).sum(1)
            mz = np.abs((t - P8) / se).max(1)
            cw += [(w > c).sum() for c in cwv]
            cm += [(mz > c).sum() for c in cmv]
            cb += int((mz > cbv).sum())
            done += b
        emit(f"| {n} | {total} | {ci(int(cw[0]), total)} | {ci(int(cw[1]), total)} | "
             f"{ci(int(cm[0]), total)} | {ci(int(cm[1]), total)} | {ci(cb, total)} |")
    # the API itself on a smaller number of tables
    rng = np.random.default_rng(3)
    r_ = runs(20000)
    cov = multinomial_cov(P8, 20000)
    f = sum(not close_to_table(rng.multinomial(20000, P8) / 20000, P8, 1e-3, cov=cov).passed
            for _ in range(r_))
    emit()
    emit(f"`close_to_table(..., cov=multinomial_cov(p, 20000))` itself, {r_} correct tables at "
         f"alpha = 1e-3: {ci(f, r_)}.")
    emit()
    emit("Power on the ipw-like mistake: the table pulled toward uniform, est = (1 - lam) p + lam/8, "
         "n = 20,000, at alpha = 1.6e-4 (per-cell threshold z(alpha/8) = 4.26); share of simulated "
         "mistaken tables (multinomial noise around the flattened table) rejected:")
    emit()
    emit("| lam | max per-cell \\|z\\| of the mean shift | per-cell Bonferroni | max-z (Sidak) | Wald (chi-square, 7 df) |")
    emit("|---|---|---|---|---|")
    n, a = 20000, 1.6e-4
    se = np.sqrt(P8 * (1 - P8) / n)
    r_ = runs(20000)
    for lam in (0.04, 0.06, 0.0863, 0.1, 0.12):
        q = (1 - lam) * P8 + lam / 8
        rng = np.random.default_rng(int(lam * 1e4))
        t = rng.multinomial(n, q, size=r_) / n
        z = np.abs((t - P8) / se)
        w = n * (((t - P8) ** 2) / P8).sum(1)
        bon = (z > z_critical(a / 8)).any(1).mean()
        sid = (z > stats.norm.isf((1 - (1 - a) ** (1 / 8)) / 2)).any(1).mean()
        wald = (w > stats.chi2.isf(a, 7)).mean()
        zmean = np.abs((q - P8) / se).max()
        emit(f"| {lam:g} | {zmean:.2f} | {bon:.3f} | {sid:.3f} | {wald:.3f} |")
    emit(f"\nRuns per row: {r_}.")
    emit()


# --- F: sequential ------------------------------------------------------------------------------

def section_f():
    emit("### F. Sequential vs fixed-n")
    emit()
    emit("`gof(..., method='ad')` against N(0,1) at alpha = 1e-4, n_final = 25,600; sequential "
         "stages 400, 1600, 6400, 25600. Mean draws per submission and share rejected:")
    emit()
    emit("| answer | fixed n: draws | fixed n: rejected | pocock: mean draws | pocock: rejected | obrien: mean draws | obrien: rejected |")
    emit("|---|---|---|---|---|---|---|")
    alpha, nf = 1e-4, 25600
    check = lambda x, a: gof(x, stats.norm(), a, method="ad")
    for label, shift, r_ in (("correct", 0.0, runs(300)), ("subtle: shift 0.03 sd", 0.03, runs(300)),
                             ("subtle: shift 0.05 sd", 0.05, runs(300)),
                             ("moderate: shift 0.15 sd", 0.15, runs(300)),
                             ("clearly wrong: shift 0.5 sd", 0.5, runs(300))):
        rng = np.random.default_rng(int(shift * 1000) + 1)
        fixed = sum(not check(rng.normal(shift, 1, nf), alpha).passed for _ in range(r_))
        row = [label, str(nf), f"{fixed / r_:.3f}"]
        for spend in ("pocock", "obrien"):
            draws, rej = [], 0
            for _ in range(r_):
                res = sequential(lambda k: rng.normal(shift, 1, k), check, alpha, nf, spend=spend)
                draws.append(res.detail["draws"])
                rej += not res.passed
            row += [f"{np.mean(draws):.0f}", f"{rej / r_:.3f}"]
        emit("| " + " | ".join(row) + " |")
    emit(f"\nRuns per row: {runs(300)}.")
    emit()
    emit("False-fail rate of the whole sequential procedure at a level where it is measurable "
         "(alpha = 0.05, n_final = 6400, correct N(0,1) samples); the union bound promises <= alpha:")
    emit()
    emit("| design | runs | false fails |")
    emit("|---|---|---|")
    r_ = runs(4000)
    for spend in ("fixed", "pocock", "obrien", "equal"):
        rng = np.random.default_rng(zlib.crc32(spend.encode()) % 1000)
        if spend == "fixed":
            f = sum(not check(rng.standard_normal(6400), 0.05).passed for _ in range(r_))
        else:
            f = sum(not sequential(lambda k: rng.standard_normal(k), check, 0.05, 6400, spend=spend).passed
                    for _ in range(r_))
        emit(f"| {spend} | {r_} | {ci(f, r_)} |")
    emit()


SECTIONS = {"A": section_a, "A2": section_a2, "A3": section_a3, "A4": section_a4, "B": section_b, "C": section_c,
            "C2": section_c2, "C3": section_c3, "D": section_d, "E": section_e, "F": section_f}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every run count")
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    ap.add_argument("--out", default=None, help="also write the markdown here")
    args = ap.parse_args()
    SCALE = args.scale
    emit(f"Command: `PYTHONPATH=. python benchmarks/checks_calibration.py --scale {args.scale:g} "
         f"--only {args.only}`")
    emit()
    for key in args.only.split(","):
        t0 = time.time()
        SECTIONS[key.strip()]()
        emit(f"_(section {key.strip()}: {time.time() - t0:.0f} s)_")
        emit()
        if args.out:
            with open(args.out, "w") as fh:
                fh.write("\n".join(OUT) + "\n")
