"""Homework 6 (hierarchical GLMs in PyMC): the data file and the cached reference posterior
come from project code, the convergence gates stay inside the false-fail budget, right
answers pass, and the known wrong answers of the content brief fail, on the session's
reference run.
What each solution variant scores in a real kernel is declared in checks.py
(`hw.variant`) and tested in test_homeworks.py."""
from __future__ import annotations

import math
import sys

import arviz as az
import numpy as np
import pytest

from autograder.checks import chi2_against_pmf, matches_reference, rhat_false_fail_rate, z_critical
from autograder.checks.posterior import ar1_chains
from autograder.grading.verdict import grade_values

from conftest import REPO
from conftest import reference_run as shared_reference_run

HW = "hglm"


@pytest.fixture(scope="module")
def reference_run(course):
    """The session's one real-kernel run of the reference (shared with test_homeworks)."""
    return shared_reference_run(course, HW)


def grade_all(course, hw, values, seed):
    a = course.assignment(HW)
    ctx = hw.context(seed, a.false_fail_budget)
    return {gid: grade_values(hw.questions[gid], v, ctx, a.questions[gid])
            for gid, v in values.items()}


# ----------------------------------------------------------- facts and cache
def test_the_data_file_holds_every_uci_adult_training_row():
    import csv
    with (REPO / "datasets" / "hglm" / "census_income.csv").open() as fh:
        assert sum(int(r["total"]) for r in csv.DictReader(fh)) == 32_561


def test_reference_cache_is_project_output_and_matches_the_brief(checks):
    ref = checks.load_reference()
    assert ref["settings"]["generator"] == "solutions/hglm/reference_posterior.py:build_reference"
    assert ref["settings"]["draws"] * ref["settings"]["chains"] >= 25 * checks.CHAINS * checks.DRAWS
    a = ref["part_a"]
    # the brief's rounded reference values (section 6), as a sanity check of the cache
    assert a["a"]["mean"] == pytest.approx(-1.77, abs=0.01)
    assert a["bm"]["mean"] == pytest.approx(1.371, abs=0.001)
    assert a["bm"]["sd"] == pytest.approx(0.035, abs=0.0015)
    assert a["sigma"]["mean"] == pytest.approx(1.54, abs=0.01)
    brief = [-3.891, -2.719, -2.374, -1.415, -1.350, -0.712, 0.020]
    for e, value in enumerate(brief):
        assert a[f"alpha_ed[{e}]"]["mean"] == pytest.approx(value, abs=0.0015)
    # every reference MCSE is small against the student's (ESS_ref >> 400 per quantity)
    for part in ("part_a", "part_b"):
        for name, q in ref[part].items():
            assert q["ess_bulk"] > 20_000, name
    pmf = np.asarray(ref["female_doctorate"]["pmf"])
    assert pmf.shape == (87,) and pmf.sum() == pytest.approx(1.0)


def test_regenerating_the_reference_agrees_with_the_cache(checks):
    """An independent, shorter run of build_reference agrees with the cache within the
    combined Monte Carlo error, at a Bonferroni level of 1e-3 over all cached quantities."""
    sys.path.insert(0, str(REPO / "solutions" / "hglm"))
    import reference_posterior
    cached = checks.load_reference()
    fresh = reference_posterior.build_reference(draws=1000, tune=1000, chains=4, seed=777,
                                                path=None)
    names = [(part, n) for part in ("part_a", "part_b") for n in cached[part]]
    z = z_critical(1e-3 / (len(names) + 2))
    for part, name in names:
        old, new = cached[part][name], fresh[part][name]
        se = math.hypot(old["mcse"], new["mcse"])
        assert abs(old["mean"] - new["mean"]) <= z * se, (part, name, old, new)
    old, new = cached["p_bach_beats_voc"], fresh["p_bach_beats_voc"]
    assert abs(old["mean"] - new["mean"]) <= z * math.hypot(old["mcse"], new["mcse"])
    # predictive mean: 86 * E[p]; its MCSE is 86 times that of p (here bounded by the sd/sqrt(ESS))
    old, new = cached["female_doctorate"], fresh["female_doctorate"]
    se = 86 * 0.5 * math.sqrt(1 / old["ess_bulk_p"] + 1 / new["ess_bulk_p"])
    assert abs(old["mean"] - new["mean"]) <= z * se


def test_sigma_rho_construction_is_the_lkj_prior():
    """For a 2x2 correlation matrix, LKJ(eta) has density proportional to (1 - rho^2)^(eta - 1),
    i.e. (rho + 1)/2 ~ Beta(eta, eta): the notebook's (sigmas, rho) prior is the brief's."""
    import pymc as pm
    from scipy import stats
    rhos = np.linspace(-0.95, 0.95, 9)
    lkj = np.array([pm.logp(pm.LKJCorr.dist(n=2, eta=2.0), np.array([r])).eval() for r in rhos])
    beta = stats.beta(2, 2).logpdf((rhos + 1) / 2) - math.log(2)
    assert np.ptp(lkj - beta) < 1e-8          # equal up to the normalising constant


# ------------------------------------------------------- convergence gates
def test_hard_rhat_gate_of_1_05_is_safe_at_the_minimum_ess_and_1_01_is_not(checks):
    """4 stationary AR(1) chains of 1000 draws with bulk ESS equal to the minimum the
    questions require (the worst case a passing run can be in)."""
    total = checks.CHAINS * checks.DRAWS
    r = total / checks.MIN_ESS
    phi = (r - 1) / (r + 1)
    assert rhat_false_fail_rate(checks.CHAINS, checks.DRAWS, phi, 1.05, 3000, seed=1) == 0.0
    assert rhat_false_fail_rate(checks.CHAINS, checks.DRAWS, phi, 1.01, 3000, seed=2) > 0.1


def test_ess_gate_does_not_fail_correct_runs(checks):
    """The smallest bulk ESS of a checked quantity in correct runs is about 1400 (bm in Part A;
    see the min-ESS column of docs/benchmarks.md). AR(1) chains with that ESS never fall
    below the minimum of 400."""
    total = checks.CHAINS * checks.DRAWS
    r = total / 1400
    chains = ar1_chains(300, checks.CHAINS, checks.DRAWS, (r - 1) / (r + 1), seed=3)
    ess = [float(az.ess(c, method="bulk")) for c in chains]
    assert min(ess) > 1.5 * checks.MIN_ESS


def test_predictive_chi_square_is_calibrated(checks):
    """Independent draws from the cached predictive pass the chi-square at the usual rate."""
    pmf = np.asarray(checks.ref()["female_doctorate"]["pmf"])
    rng = np.random.default_rng(5)
    pvalues = [chi2_against_pmf(rng.choice(87, size=3000, p=pmf), pmf,
                                       checks.ref()["female_doctorate"]["ess_bulk_p"])[2]
               for _ in range(400)]
    assert np.mean(np.asarray(pvalues) < 0.05) <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 400)


# ---------------------------------------------- reference run, real kernel
def test_reference_answers_pass_under_other_grading_seeds(course, hw, reference_run):
    _, _, values = reference_run
    for seed in range(5):
        res = grade_all(course, hw, values, seed)
        assert all(r.points == r.max_points for r in res.values()), seed


def test_odds_ratio_message_explains_without_revealing(course, hw, reference_run):
    _, _, base = reference_run
    wrong = hw.wrong_answers["odds ratio exp(mean log-odds difference) as the probability"](
        base, hw.context(0, 1e-3))
    res = grade_values(hw.questions["test_p_bach"], wrong["test_p_bach"], hw.context(0, 1e-3), 2.0)
    text = " ".join(res.messages)
    assert res.points == 0 and "odds ratio" in text
    assert "0.83" not in text and "band" not in text


def test_unconverged_or_single_chain_draws_earn_nothing(course, hw, reference_run):
    _, _, base = reference_run
    post = dict(base["test_part_a"]["posterior_a"])
    stuck = {k: np.asarray(v).copy() for k, v in post.items()}
    stuck["bm"][0] += 0.5                              # one chain somewhere else
    res = grade_all(course, hw, {"test_part_a": {"posterior_a": stuck}}, 0)["test_part_a"]
    assert res.points == 0 and "R-hat" in " ".join(res.messages)
    one = {k: np.asarray(v)[:1] for k, v in post.items()}
    res = grade_all(course, hw, {"test_part_a": {"posterior_a": one}}, 0)["test_part_a"]
    assert res.points == 0 and "single chain" in " ".join(res.messages)


def test_the_predictive_mean_check_keeps_its_level_on_independent_draws(checks):
    """Draws from the cached predictive pmf pass the location check at the usual rate."""
    r = checks.ref()["female_doctorate"]
    pmf = np.asarray(r["pmf"])
    rng = np.random.default_rng(7)
    fails = [not matches_reference(rng.choice(87, size=(4, 1000), p=pmf), r["mean"],
                                  r["sd"] / math.sqrt(r["ess_bulk_p"]), 0.05).passed
             for _ in range(400)]
    assert np.mean(fails) <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 400)


def test_the_predictive_from_the_part_a_model_fails_whatever_the_seed(course, hw, reference_run):
    """Its chi-square alone let about one in 300 through; the mean catches it on every seed."""
    _, _, base = reference_run
    mistake = hw.wrong_answers["posterior predictive from the Part A model"]
    for seed in range(30):
        ctx = hw.context(seed, course.assignment(HW).false_fail_budget)
        answer = mistake(base, ctx)["test_predictive"]
        res = grade_values(hw.questions["test_predictive"], answer, ctx, 2.0)
        assert res.points < 2.0 and res.verdicts[1] is False, seed
