"""Homework 7 (Bayesian ATE with pm.do and pm.observe): truths and bands follow from the
structural model, the stated simulation size gives the promised power, right answers pass
and the known wrong answers fail, on plain data and on the session's reference run.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from autograder.checks import detection_probability, z_critical
from autograder.grading.verdict import grade_values
from conftest import design_sizes
from conftest import reference_run as shared_reference_run

HW = "pymc_do"
SIZES = design_sizes(HW)   # the design at course.yml's budget


@pytest.fixture(scope="module")
def reference_run(course):
    """The session's one real-kernel run of the reference (shared with test_homeworks)."""
    return shared_reference_run(course, HW)


def score(course, hw, gid, values, seed):
    a = course.assignment(HW)
    return grade_values(hw.questions[gid], values, hw.context(seed, a.false_fail_budget),
                        a.questions[gid])


# ------------------------------------------------------------ derived facts
def test_ate_is_beta_dc_and_the_naive_contrast_matches_a_big_simulation(checks):
    assert checks.true_ate() == pytest.approx(checks.TRUE["beta_dc"], abs=1e-12)
    data = checks.simulate_numpy(2_000_000, seed=1)
    c, d = data["C"], data["D"] == 1
    naive = c[d].mean() - c[~d].mean()
    se = math.sqrt(c[d].var() / d.sum() + c[~d].var() / (~d).sum())
    assert abs(naive - checks.naive_contrast()) < 4 * se
    assert checks.naive_contrast() == pytest.approx(-0.2175, abs=1e-4)
    m = checks.moments()
    assert d.mean() == pytest.approx(m["pi"], abs=4 * math.sqrt(m["pi"] * (1 - m["pi"]) / d.size))


def test_sampling_sds_match_simulation(checks):
    """The analytic sd of the posterior mean (Fisher information) and of the naive contrast
    agree with their spread across simulated factories of 1000 units."""
    reps = 1500
    post_means, naives = [], []
    for s in range(reps):
        data = checks.simulate_numpy(checks.N_UNITS, seed=10_000 + s)
        post_means.append(checks.posterior_beta(data)[0])
        d = data["D"] == 1
        naives.append(data["C"][d].mean() - data["C"][~d].mean())
    rel = 4 / math.sqrt(2 * (reps - 1))            # 4 standard errors of a sample sd
    assert np.std(post_means, ddof=1) == pytest.approx(checks.ate_sampling_sd(), rel=rel)
    assert np.std(naives, ddof=1) == pytest.approx(checks.naive_sd(), rel=rel)
    # and the posterior means are centred on the ATE (prior shrinkage is negligible)
    assert abs(np.mean(post_means) - checks.true_ate()) < 4 * checks.ate_sampling_sd() / math.sqrt(reps)


def test_exact_posterior_agrees_with_least_squares_and_flat_priors(checks):
    data = checks.simulate_numpy(checks.N_UNITS, seed=3)
    x = np.column_stack([np.ones(checks.N_UNITS), data["D"], data["H"]])
    ols = np.linalg.lstsq(x, data["C"], rcond=None)[0][1]
    mean, sd = checks.posterior_beta(data)
    assert mean == pytest.approx(ols, abs=sd / 20)
    assert sd == pytest.approx(checks.ate_sampling_sd(), rel=0.1)
    wide, _ = checks.posterior_beta(data, prior_sd=100.0)   # any weak prior: same answer
    assert abs(wide - mean) < 2e-4


def test_power_against_the_known_wrong_answers(course, checks, hw):
    a = course.assignment(HW)
    alpha = a.false_fail_budget / hw.total_checks
    # forgotten H -> D at the stated simulation size: noncentral chi-square power
    lam = checks.score_noncentrality(checks.unconfounded()) * SIZES["n_sim"]
    crit = stats.chi2.isf(alpha, 2)
    assert stats.ncx2.sf(crit, 2, lam) >= 0.999
    # the naive contrast handed in as the ATE, with its own sampling noise
    se_ate = checks.ate_sampling_sd()
    band = z_critical(alpha) * se_ate
    miss = stats.norm.cdf(band, checks.naive_contrast() - checks.true_ate(), checks.naive_sd()) \
        - stats.norm.cdf(-band, checks.naive_contrast() - checks.true_ate(), checks.naive_sd())
    assert miss < 1e-3
    # the naive contrast with the sign flipped
    assert detection_probability(checks.naive_contrast(), -checks.naive_contrast(),
                                 checks.naive_sd(), alpha) >= 0.999


def test_right_answers_pass_on_plain_data(course, checks, hw):
    """What correct submissions hand over, built without a kernel, passes for many seeds."""
    rng = np.random.default_rng(0)
    for seed in range(20):
        ctx = hw.context(seed, course.assignment(HW).false_fail_budget)
        data = checks.simulate_numpy(SIZES["n_sim"], ctx.seed_for("simulate"))
        again = checks.simulate_numpy(SIZES["n_sim"], ctx.seed_for("simulate:again"))
        assert score(course, hw, "test_simulate", {"data": data, "again": again}, seed).points == 3
        res = score(course, hw, "test_simulate", {"data": data, "again": data}, seed)
        assert res.points == 0 and "returned the same draws" in res.messages[0]
        exact, sd = checks.posterior_beta(checks.grader_data(ctx))
        draws = exact + sd * rng.standard_normal((4, 1000))
        assert score(course, hw, "test_estimate", {"ate": draws}, seed).points == 3
        own = checks.simulate_numpy(checks.N_UNITS, 50 + seed)
        mean, sd = checks.posterior_beta(own)
        res = score(course, hw, "test_ate", {"ate_draws": mean + sd * rng.standard_normal((4, 1000))}, seed)
        assert res.points == 2
        d = own["D"] == 1
        naive = own["C"][d].mean() - own["C"][~d].mean()
        assert score(course, hw, "test_naive", {"naive_difference": naive}, seed).points == 1


def test_a_typed_in_constant_fails_the_graders_own_data(course, checks, hw):
    """estimate_ate must fit the data it is given: draws around the true ATE (or any fixed
    number) miss the exact posterior mean for most of the grader's data sets."""
    rng = np.random.default_rng(1)
    fails = 0
    for seed in range(40):
        draws = checks.true_ate() + 0.013 * rng.standard_normal((4, 1000))
        fails += score(course, hw, "test_estimate", {"ate": draws}, seed).points < 3
    assert fails >= 30
