"""Second round of checks: boundary-safe GOF, two-sample, discrete, omnibus, sequential.

Real numpy/scipy, no mocks, seeded. Each "correct answers pass" loop is sized so
that a *calibrated* test fails it with probability well under 1e-3 (stated per
test), and each "wrong answers fail" case is one the test detects with power
~1, so none of these can pass by construction and none should be flaky.
The calibration at scale is benchmarks/checks_calibration.py (docs/statistics.md).
"""
import math

import numpy as np
import pytest
from scipy import stats

from autograder.checks import (
    AnswerError, ad2_permutation_test, anderson_darling, close_to_each, close_to_table,
    detect_grid, exact_multinomial_pvalue, frequencies, gof, multinomial_cov, pool_cells,
    proportion_se, randomised_pit, sequential, sidak_pvalue, spending, stage_sizes, two_sample,
    two_sample_joint, two_sample_n, with_atoms, z_critical,
)
from autograder.checks.distribution import ad_pvalue
from autograder.checks.twosample import _AD2, ad2_asymptotic_pvalue

from test_checks import assert_hides


def old_ad(x, dist):
    """The Anderson-Darling statistic before round 2: ln F(x) straight from logcdf."""
    x = np.sort(x)
    n = x.size
    i = np.arange(1, n + 1)
    with np.errstate(divide="ignore"):
        s = np.sum((2 * i - 1) * (dist.logcdf(x) + dist.logsf(x[::-1])))
    a2 = float(-n - s / n)
    return a2, ad_pvalue(a2, n)


def fails(results):
    return sum(not r.passed for r in results)


# --- boundary-safe goodness of fit ------------------------------------------------------

EXP6 = stats.expon(scale=1 / 6)  # rounded to 3 decimals, 0.30% of draws are exactly 0


@pytest.mark.parametrize("method", ["ad", "ks"])
def test_rounded_draws_with_exact_zeros_pass_their_own_distribution(method):
    # The benchmark's failure: Exp(6) rounded to 3 decimals has P(0.000) = 0.30%.
    # 150 correct samples at alpha = 1e-3: expected false fails 0.15, P(>= 3) ~ 5e-4.
    rng = np.random.default_rng(11)
    samples = [np.round(rng.exponential(1 / 6, size=400), 3) for _ in range(150)]
    with_zero = [x for x in samples if np.any(x == 0)]
    assert len(with_zero) > 80  # ~70% of samples hold a zero
    if method == "ad":  # before: every sample with a zero got A^2 = inf, p = 0
        assert all(old_ad(x, EXP6)[1] == 0.0 for x in with_zero)
    results = [gof(x, EXP6, 1e-3, method=method, resolution=1e-3) for x in samples]
    assert fails(results) <= 2
    r = results[0]
    assert r.detail["grid"] == pytest.approx(1e-3) and r.detail["n_impossible"] == 0


def test_rounded_draws_wrong_rate_still_fails():
    rng = np.random.default_rng(12)
    for _ in range(5):
        x = np.round(rng.exponential(1 / 5, size=6400), 3)  # rate 5 instead of 6
        r = gof(x, EXP6, 1e-4, method="ad", name="wait_times", resolution=1e-3)
        assert not r.passed and r.detail["pvalue"] < 1e-8
        assert_hides(r.message, 6.0, 1 / 6)


def test_atoms_declared_with_with_atoms():
    target = with_atoms(stats.expon(scale=2.0), {0.0: 0.003})
    ok = [gof(target.rvs(6400, random_state=s), target, 1e-3, method="ad") for s in range(60)]
    assert fails(ok) <= 2  # expected 0.06
    x = target.rvs(6400, random_state=99)
    assert np.any(x == 0)
    r = gof(x, stats.expon(scale=2.0), 1e-3, method="ad", name="y")  # atom not in the target
    assert not r.passed and "cannot produce" in r.message and r.detail["n_impossible"] > 0
    wrong = with_atoms(stats.expon(scale=2.0), {0.0: 0.03})  # ten times the atom
    assert not gof(wrong.rvs(6400, random_state=1), target, 1e-3, method="ad").passed


def test_underflowing_zeros_of_a_continuous_sampler():
    # numpy's Gamma(0.01) returns exact 0.0 for draws below the smallest subnormal (~0.06%)
    dist = stats.gamma(0.01)
    rng = np.random.default_rng(3)
    xs = [rng.gamma(0.01, size=6400) for _ in range(40)]
    assert sum(np.count_nonzero(x == 0) for x in xs) > 40
    assert all(old_ad(x, dist)[1] == 0.0 for x in xs if np.any(x == 0))
    assert fails(gof(x, dist, 1e-3, method="ad") for x in xs) <= 1  # expected 0.04
    assert not gof(rng.gamma(0.012, size=6400), dist, 1e-3, method="ad").passed


def test_discrete_target_through_randomised_pit():
    rng = np.random.default_rng(5)
    assert fails(gof(rng.poisson(3, 2000), stats.poisson(3), 1e-3, method=m)
                 for m in ("ad", "ks") for _ in range(40)) <= 1
    assert not gof(rng.poisson(3.3, 2000), stats.poisson(3), 1e-3, method="ad").passed
    r = gof(np.r_[rng.poisson(3, 100), 2.5], stats.poisson(3), 1e-3)
    assert not r.passed and r.detail["n_impossible"] == 1


def test_randomised_pit_is_uniform_and_equals_cdf_for_continuous_values():
    rng = np.random.default_rng(8)
    x = rng.normal(size=500)
    np.testing.assert_allclose(randomised_pit(x, stats.norm()), stats.norm.cdf(x), rtol=1e-12)
    u = randomised_pit(rng.poisson(2, 20000), stats.poisson(2))
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    u = randomised_pit(np.round(rng.normal(size=20000)), stats.norm(), resolution=1)
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert np.isnan(randomised_pit([-1.0, 1.0], stats.expon()))[0]


def test_grid_detection_and_rounding_modes():
    rng = np.random.default_rng(9)
    assert detect_grid(rng.normal(size=50)) is None
    assert detect_grid(np.round(rng.normal(size=50), 2)) == pytest.approx(0.01)
    assert detect_grid(np.floor(rng.normal(size=50) * 10)) == 1.0
    x = np.round(rng.normal(0, 3, size=2000))  # integers from N(0, 9)
    assert gof(x, stats.norm(0, 3), 1e-3, resolution=1).passed  # [x - 1/2, x + 1/2) declared
    assert not gof(x, stats.norm(0, 3), 1e-3).passed  # not declared: steps of F
    y = np.floor(rng.exponential(3.0, size=1000))  # truncation, not rounding
    assert gof(y, stats.expon(scale=3), 1e-3, resolution=1, rounding="down").passed
    assert not gof(y, stats.expon(scale=3), 1e-3, resolution=1).passed  # cells shifted by 1/2
    with pytest.raises(ValueError):
        gof(y, stats.expon(scale=3), 1e-3, resolution=1, rounding="sideways")
    with pytest.raises(ValueError, match="declared"):  # a grid never comes from the answer
        gof(y, stats.expon(scale=3), 1e-3, resolution="auto")


@pytest.mark.parametrize("mean", [0.5, 1.0, 3.0, 10.0])
def test_integer_output_for_a_continuous_law_fails_whatever_the_seed(mean):
    """Poisson integers returned for an exponential: no grid is read from the answer, so
    each integer is a point of a continuous law (exact zeros are impossible, the rest
    are steps of F) and both tests reject at n = 400, 20 seeds out of 20."""
    for seed in range(20):
        x = np.random.default_rng(seed).poisson(mean, 400)
        for method in ("ad", "ks"):
            r = gof(x, stats.expon(scale=mean), 1e-3, name="t", method=method)
            assert not r.passed, (mean, seed, method)
            assert_hides(r.message, mean)
    ok = np.random.default_rng(99).exponential(mean, 400)
    assert gof(ok, stats.expon(scale=mean), 1e-3, method="ad").passed


def test_impossible_values_and_float32_edges():
    rng = np.random.default_rng(10)
    r = gof(np.r_[rng.exponential(2.0, 300), -0.5], stats.expon(scale=2), 1e-3, name="t",
            method="ad")
    assert not r.passed and r.detail["pvalue"] == 0.0 and "cannot produce" in r.message
    assert_hides(r.message, 2.0, 0.5)
    # float32 Beta(0.02, 1): zeros are float32 underflow; their cell is [0, 1.4e-45]
    b = rng.beta(0.02, 1.0, size=4000).astype(np.float32)
    assert gof(b, stats.beta(0.02, 1.0), 1e-3, method="ad").passed
    assert anderson_darling(np.array([0.5, 2.0]), stats.uniform())[1] == 0.0
    assert gof(rng.normal(size=1000), stats.norm(), 1e-3, method="ad").detail["n_cells"] == 0


# --- two-sample tests -----------------------------------------------------------------

def test_ad2_statistic_matches_scipy_midrank():
    from scipy.stats._morestats import _anderson_ksamp_midrank
    rng = np.random.default_rng(0)
    for x, y in [(rng.normal(size=40), rng.normal(size=70)),
                 (rng.poisson(3, 60) * 1.0, rng.poisson(3, 90) * 1.0)]:
        ad = _AD2(x, y)
        z = np.sort(np.r_[x, y])
        ref = _anderson_ksamp_midrank([x, y], z, np.unique(z), 2, np.array([x.size, y.size]), z.size)
        assert float(ad.stat(ad.labels[None, :])[0]) == pytest.approx(ref, rel=1e-5)


def test_ad2_permutation_pvalue_is_valid_and_matches_scipy():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=30), rng.normal(0.4, 1, size=40)
    _, p, used = ad2_permutation_test(x, y, 0.01, n_resamples=20000, h=10**9, screen=0)
    ref = stats.anderson_ksamp([x, y], variant="midrank",
                               method=stats.PermutationMethod(n_resamples=20000, random_state=2))
    assert used == 20000 and abs(p - ref.pvalue) < 4 * math.sqrt(p * (1 - p) / 20000) + 2e-4
    # level: 400 null pairs at alpha = 0.05 -> rate within 0.05 +- 3.3 SE
    ps = [ad2_permutation_test(rng.normal(size=25), rng.normal(size=25), 0.05)[1] for _ in range(400)]
    rate = np.mean(np.array(ps) <= 0.05)
    assert rate <= 0.05 + 3.3 * math.sqrt(0.05 * 0.95 / 400)


def test_two_sample_correct_passes_wrong_fails():
    alpha = 1e-3
    rng = np.random.default_rng(2)
    for method, runs in (("ks", 150), ("ad", 60)):
        res = [two_sample(rng.normal(size=500), rng.normal(size=2000), alpha, method=method)
               for _ in range(runs)]
        assert fails(res) <= 2, method  # expected <= 0.15
        r = two_sample(rng.normal(0, 1.3, size=2000), rng.normal(size=8000), alpha, method=method,
                       name="draws")
        assert not r.passed and "two-sample test rejects" in r.message, method
        assert_hides(r.message, 1.3)
    clear = two_sample(rng.normal(1, 1, size=2000), rng.normal(size=8000), 1e-4, method="ad")
    assert not clear.passed and clear.detail["permutations"] == 0  # asymptotic screen


def test_two_sample_n_and_the_reference_cap():
    assert two_sample_n(1000, 4000) == 1334  # n m / (m - n1)
    assert two_sample_n(1000, 10**6) == 1002
    with pytest.raises(ValueError, match="cannot match"):
        two_sample_n(1000, 1000)


def test_two_sample_joint_sees_dependence_marginals_miss():
    rng = np.random.default_rng(4)
    ref = rng.normal(size=(4000, 2))
    ok = [two_sample_joint(rng.normal(size=(2000, 2)), ref, 1e-3) for _ in range(15)]
    assert fails(ok) == 0  # expected 0.015
    z = rng.normal(size=(2000, 2))
    bad = np.c_[z[:, 0], 0.4 * z[:, 0] + math.sqrt(1 - 0.16) * z[:, 1]]  # right marginals
    assert two_sample(bad[:, 0], ref[:, 0], 1e-3).passed and two_sample(bad[:, 1], ref[:, 1], 1e-3).passed
    r = two_sample_joint(bad, ref, 1e-3, name="xy")
    assert not r.passed and "dependence" in r.message
    # a sorted (but correct) sample must not split into unlike halves
    s = rng.normal(size=(2000, 2))
    assert two_sample_joint(s[np.argsort(s[:, 0])], ref, 1e-3).passed
    assert not two_sample_joint(np.zeros((10, 3)), ref, 1e-3).passed  # wrong width: malformed


def test_witness_rank_test_keeps_its_level_with_heavy_ties():
    from autograder.checks.twosample import _rank_sum_greater
    rng = np.random.default_rng(15)
    # witness values of discrete data: a handful of distinct values, many ties
    ps = [_rank_sum_greater(rng.poisson(1, 300) * 1.0, rng.poisson(1, 500) * 1.0, rng)[1]
          for _ in range(3000)]
    rate = np.mean(np.array(ps) < 0.05)
    assert abs(rate - 0.05) < 3.3 * math.sqrt(0.05 * 0.95 / 3000)
    assert _rank_sum_greater(np.ones(50), np.ones(50), rng)[1] > 0.01  # all tied: no evidence
    assert _rank_sum_greater(rng.normal(1, 1, 300), rng.normal(0, 1, 300), rng)[1] < 1e-20
    rng2 = np.random.default_rng(16)
    assert two_sample_joint(rng2.poisson(2, (2000, 2)) * 1.0, rng2.poisson(2, (4000, 2)) * 1.0,
                            1e-3).passed
    assert not two_sample_joint(rng2.poisson(2.3, (2000, 2)) * 1.0, rng2.poisson(2, (4000, 2)) * 1.0,
                                1e-3).passed


# --- discrete tests -------------------------------------------------------------------

P3 = {"a": 0.5, "b": 0.3, "c": 0.2}


def test_frequencies_correct_pass_wrong_fail_each_method():
    rng = np.random.default_rng(6)
    keys, p = list(P3), list(P3.values())
    for n, method in ((60, "auto"), (3000, "auto"), (3000, "chi2"), (3000, "g")):
        res = [frequencies(rng.choice(keys, p=p, size=n), P3, 1e-3, method=method)
               for _ in range(60)]
        assert fails(res) <= 1, (n, method)  # expected 0.06
    assert res[0].detail["method"] == "g"
    assert frequencies(rng.choice(keys, p=p, size=60), P3, 1e-3).detail["method"] == "exact"
    assert frequencies(rng.choice(keys, p=p, size=3000), P3, 1e-3).detail["method"] == "mc"
    r = frequencies(rng.choice(keys, p=[0.45, 0.35, 0.2], size=3000), P3, 1e-3, name="coin")
    assert not r.passed and "do not match the probabilities" in r.message
    assert_hides(r.message, 0.5, 0.3, 0.2)
    b = frequencies(rng.binomial(1, 0.3, 400).astype(bool), {True: 0.3, False: 0.7}, 1e-3)
    assert b.passed and b.detail["method"] == "exact-binomial"
    assert not frequencies(rng.binomial(1, 0.4, 400), {1: 0.3, 0: 0.7}, 1e-3).passed


def test_frequencies_inputs_and_impossible_outcomes():
    r = frequencies({"a": 50, "b": 30, "c": 20}, P3, 1e-3)
    assert r.passed and r.detail["n"] == 100
    r = frequencies(["a"] * 50 + ["d"] * 2, P3, 1e-3, name="w")
    assert not r.passed and "2 draw(s) that are not possible outcomes" in r.message
    assert frequencies({"a": 1, "c": 0, "z": 0}, {"a": 0.5, "b": 0.5, "z": 0.0}, 1e-3).passed
    assert not frequencies({"a": 5, "z": 1}, {"a": 0.5, "b": 0.5, "z": 0.0}, 1e-3).passed
    assert not frequencies([], P3, 1e-3).passed
    assert not frequencies(["a"] * 10, P3, 1e-3, min_n=100).passed
    rng = np.random.default_rng(7)
    assert frequencies(rng.poisson(3, 5000), stats.poisson(3), 1e-3).passed
    assert not frequencies(rng.poisson(3.2, 5000), stats.poisson(3), 1e-3).passed
    assert not frequencies([1, 2, -1], stats.poisson(3), 1e-3).passed


def test_pooling_rule():
    e = np.array([0.5, 1.0, 20.0, 30.0, 2.0, 3.0])
    assert pool_cells(e, 5.0, ordered=True) == [[0, 1, 2], [3], [4, 5]]
    assert pool_cells(e, 5.0, ordered=False) == [[0, 1, 4, 5], [2], [3]]
    assert pool_cells(np.array([1.0, 1.0]), 5.0, ordered=True) == [[0], [1]]  # never below 2 cells


def test_exact_multinomial_matches_enumeration_by_scipy():
    p = np.array([0.5, 0.3, 0.2])
    counts = np.array([1, 1, 4])
    n = counts.sum()
    e = n * p
    x2 = lambda c: np.sum((np.array(c) - e) ** 2 / e)
    total = sum(stats.multinomial.pmf([a, b, n - a - b], n, p)
                for a in range(n + 1) for b in range(n + 1 - a) if x2([a, b, n - a - b]) >= x2(counts) - 1e-12)
    assert exact_multinomial_pvalue(counts, p) == pytest.approx(total, rel=1e-10)


# --- omnibus tests for tables ---------------------------------------------------------

P8 = np.array([0.22, 0.18, 0.16, 0.14, 0.10, 0.08, 0.07, 0.05])
N8 = 20_000
ALPHA8 = 1.6e-4  # per-cell Bonferroni threshold z(ALPHA8 / 8) = 4.26


def test_flattened_table_fails_omnibus_but_passes_per_cell_bonferroni():
    flat = (1 - 0.0863) * P8 + 0.0863 / 8  # ipw-like mistake: pulled slightly toward uniform
    se = proportion_se_arr = np.sqrt(P8 * (1 - P8) / N8)
    z = (flat - P8) / se
    assert np.abs(z).max() < z_critical(ALPHA8 / 8) and np.abs(z).max() > 4.1
    keys = [f"cell{i}" for i in range(8)]
    per_cell = close_to_each(dict(zip(keys, flat)), dict(zip(keys, P8)),
                             dict(zip(keys, proportion_se_arr)), ALPHA8, name="table")
    assert per_cell.passed
    r = close_to_table(flat, P8, ALPHA8, cov=multinomial_cov(P8, N8), name="table")
    assert not r.passed and r.detail["statistic"] == pytest.approx(37.9, abs=0.2)
    assert r.detail["df"] == 7 and "joint test over its 8 entries" in r.message
    assert_hides(r.message, *P8)


def test_correct_tables_pass_omnibus_wald_and_maxz():
    rng = np.random.default_rng(13)
    cov = multinomial_cov(P8, N8)
    se = np.sqrt(P8 * (1 - P8) / N8)
    tables = rng.multinomial(N8, P8, size=300) / N8
    assert fails(close_to_table(t, P8, ALPHA8, cov=cov) for t in tables) == 0  # expected 0.05
    assert fails(close_to_table(t, P8, ALPHA8, se=se, method="maxz") for t in tables) == 0
    rounded = np.round(tables[0], 3)  # 3-decimal answers: no longer sum to exactly 1
    assert close_to_table(rounded, P8, ALPHA8, cov=cov, delta=5e-4).passed


def test_maxz_catches_one_bad_cell_and_constraints():
    se = np.sqrt(P8 * (1 - P8) / N8)
    one = P8.copy()
    one[2] += 6 * se[2]
    one[3] -= 6 * se[2]
    r = close_to_table(one, P8, ALPHA8, se=se, method="maxz", name="t")
    assert not r.passed and "2" in r.message.split("furthest off:")[1]
    r = close_to_table(P8 * 1.1, P8, ALPHA8, cov=multinomial_cov(P8, N8), name="t")
    assert not r.passed and "constraint" in r.message
    assert sidak_pvalue(3.0, 1) == pytest.approx(2 * stats.norm.sf(3.0))
    assert sidak_pvalue(5.0, 8) == pytest.approx(1 - (1 - 2 * stats.norm.sf(5.0)) ** 8, rel=1e-6)
    d = {"x": 0.5, "y": 0.25}
    assert close_to_table({"x": 0.5, "y": 0.25}, d, 1e-3, se={"x": 0.0, "y": 0.01}).passed
    assert not close_to_table({"x": 0.51, "y": 0.25}, d, 1e-3, se={"x": 0.0, "y": 0.01}).passed
    assert not close_to_table({"x": 0.5}, d, 1e-3, se=0.01).passed
    with pytest.raises(ValueError):
        close_to_table(P8, P8, 1e-3)


# --- sequential -------------------------------------------------------------------------

def test_stage_sizes_and_spending():
    assert stage_sizes(25600) == [400, 1600, 6400, 25600]
    assert stage_sizes(10000) == [400, 1600, 6400, 10000]
    assert stage_sizes(300) == [300]
    for kind in ("pocock", "obrien", "equal"):
        a = spending(1e-3, [1 / 64, 1 / 16, 1 / 4, 1], kind)
        assert sum(a) == pytest.approx(1e-3) and all(x >= 0 for x in a)
    assert spending(1e-3, [1 / 64, 1 / 16, 1 / 4, 1], "pocock")[-1] > 0.6e-3


def test_sequential_rejects_early_and_accepts_only_at_the_end():
    check = lambda x, a: gof(x, stats.norm(), a, method="ad", name="theta")
    rng = np.random.default_rng(14)
    wrong = sequential(lambda k: rng.normal(0.5, 1, k), check, 1e-3, 25600)
    assert not wrong.passed and wrong.detail["draws"] == 400 and wrong.detail["decided_at"] == 1
    ok = [sequential(lambda k: rng.normal(size=k), check, 1e-3, 25600) for _ in range(10)]
    assert all(r.passed and r.detail["draws"] == 25600 for r in ok)
    subtle = sequential(lambda k: rng.normal(0.05, 1, k), check, 1e-3, 25600)
    assert not subtle.passed and subtle.detail["draws"] > 1600
    bad = sequential(lambda k: rng.normal(size=k // 2), check, 1e-3, 25600)
    assert not bad.passed and "asked for 400 draws" in bad.message
