"""Facts of the Gillespie project kit (autograder/studies/gillespie.py) that its three
milestones grade against: the exact laws, the grader's own simulator against them, the
autocorrelation the thinning relies on, and the cascade's numbers from the brief. What
the milestones' variants score is in their manifests (tests/test_homeworks.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from autograder.checks import ess_bulk, frequencies, thin_to_independence
from autograder.checks.chains import TAU_FACTOR
from autograder.studies import gillespie as G
from conftest import checks_of, context_of, design_sizes, score

RATES = (1.3, 1.1, 0.9, 1.6)


def _mean_under(table: dict, column: int) -> float:
    return sum(p * int(label.split(",")[column]) for label, p in table.items() if label != G.OTHER)


# ------------------------------------------------------------ exact laws
def test_every_reaction_carries_the_flux_k1_and_events_raise_each_mean_by_a_quarter():
    grid = G.state_grid(G.stationary_means(RATES), tail=1e-12)
    pi = G.product_poisson(grid, G.stationary_means(RATES))
    assert pi.sum() == pytest.approx(1, abs=1e-9)
    assert float(pi @ G.total_propensity(grid, RATES)) == pytest.approx(4 * RATES[0], rel=1e-9)
    jump = G.jump_chain_law(grid, RATES)
    assert jump.sum() == pytest.approx(1, abs=1e-9)
    for j, lam in enumerate(G.stationary_means(RATES)):
        assert float(jump @ grid[:, j]) == pytest.approx(lam + 0.25, abs=1e-9)


def test_the_scm_agrees_with_the_clamp_in_means_and_under_do_but_not_in_distribution():
    b = 2
    ac = G.ac_tables(RATES, b)
    means = G.clamped_means(RATES, b)
    assert _mean_under(ac["do"], 0) == pytest.approx(means[0], abs=1e-3)
    assert _mean_under(ac["do"], 1) == pytest.approx(RATES[2] * b / RATES[3], abs=1e-3)
    # conditioning on B = 2 (above B's mean) tilts A up; the arrow-free SCM leaves C alone
    assert _mean_under(ac["condition"], 0) > means[0] + 0.2
    assert _mean_under(ac["independent"], 1) == pytest.approx(RATES[0] / RATES[3], abs=1e-3)
    obs = G.observational_tables(RATES)
    for j, lam in enumerate(G.stationary_means(RATES)):   # the SCM keeps the chain's means
        assert _mean_under(obs["scm"], j) == pytest.approx(lam, abs=1e-3)
    # ... but B is over-dispersed: Var(B) = lambda_B + lambda_B^2 / lambda_A
    lam_a, lam_b, _ = G.stationary_means(RATES)
    second = sum(p * int(k.split(",")[1]) ** 2 for k, p in obs["scm"].items() if k != G.OTHER)
    assert second - lam_b ** 2 == pytest.approx(lam_b + lam_b ** 2 / lam_a, rel=1e-3)


def test_the_cascade_of_the_brief():
    eq = G.cascade_equilibrium(G.CASCADE_RATES, G.CASCADE_E1, G.CASCADE_T)
    assert eq["K3"] == pytest.approx(50.0)
    assert eq["K2"] == pytest.approx(100 * 6.25 / 9.75)          # u = 0.05 * 50 = 2.5
    u1 = 0.1 * eq["K2"]
    assert eq["K1"] == pytest.approx(100 * u1 ** 2 / (1 + u1 + u1 ** 2))
    do = G.cascade_equilibrium(G.CASCADE_RATES, G.CASCADE_E1, G.CASCADE_T, {"K2": 30.0})
    assert do["K3"] == eq["K3"] and do["K2"] == 30.0
    assert do["K1"] == pytest.approx(100 * 9 / 13)                # u = 0.1 * 30 = 3


def test_a_rate_change_leaves_c_alone_and_do_misses_it_by_the_factor():
    for f in (1 / 3, 0.5, 2.0, 3.0):
        truth = G.rate_change_truth(RATES, f)
        assert truth["dynamic"] == truth["scm_rates"] == pytest.approx(RATES[0] / RATES[3])
        assert truth["disagreement"] == pytest.approx(RATES[0] / RATES[3] * (1 - 1 / f))
        assert math.copysign(1, truth["disagreement"]) == (1 if f > 1 else -1)


# ------------------------------------------- the grader's simulator against them
@pytest.fixture(scope="module")
def long_run():
    rng = np.random.default_rng(7)
    t_burn, spacing = G.observation_plan(RATES)
    t_obs = G.observation_times(t_burn, spacing, 6000)
    times, states = G.simulate((0, 0, 0), RATES, float(t_obs[-1]), rng)
    return times, states, t_obs


def test_the_simulator_has_the_stationary_law_and_its_jump_chain_the_tilted_one(long_run):
    times, states, t_obs = long_run
    observed = G.states_at(times, states, t_obs)
    kept, info = thin_to_independence(observed, G.RHO_MAX, min_step=G.expected_thinning(RATES))
    table, jump = G.stationary_tables(RATES)
    assert frequencies(G.cell_labels(kept, table), table, 1e-4).passed
    visited = states[times > t_obs[0]]
    # each species' mean over the events is about lambda + 1/4 (sd ~ 0.05 over this run)
    shift = visited.mean(axis=0) - G.stationary_means(RATES)
    assert np.all(np.abs(shift - 0.25) < 0.15), shift


def test_each_species_decorrelates_as_exp_minus_k_t(long_run):
    """The exact integrated autocorrelation times the thinning and the gate use, against
    ArviZ's ESS on a long simulated run (relative sd of tau_hat ~ 6% here)."""
    times, states, t_obs = long_run
    observed = G.states_at(times, states, t_obs)
    taus = G.integrated_autocorrelation(RATES, t_obs[1] - t_obs[0])
    for j in range(3):
        tau_hat = len(observed) / ess_bulk(observed[:, j])
        assert tau_hat == pytest.approx(taus[j], rel=0.25)


def test_the_autocorrelation_gate_sits_far_outside_a_correct_runs_spread():
    """tau_hat of the slowest species (tau = 2.16 at the design's spacing) over exact
    immigration-death series of the milestone-1 length: the gate at a factor of 2 must be
    many sds away on both sides (chains.TAU_FACTOR's comment records the figures)."""
    rng = np.random.default_rng(3)
    rho, n, runs = math.exp(-1), 5200, 60
    tau = (1 + rho) / (1 - rho)
    x = rng.poisson(1.0, runs)
    series = np.empty((runs, n))
    for t in range(n):
        series[:, t] = x
        x = rng.binomial(x, rho) + rng.poisson(1.0 * (1 - rho), runs)
    tau_hat = np.array([n / ess_bulk(s) for s in series])
    mean, sd = tau_hat.mean(), tau_hat.std()
    assert abs(mean - tau) < 0.1 and sd < 0.2
    assert (TAU_FACTOR * tau - mean) / sd > 10 and (mean - tau / TAU_FACTOR) / sd > 6
    assert tau / TAU_FACTOR < tau_hat.min() and tau_hat.max() < TAU_FACTOR * tau


# ------------------------------------------------------ the milestones' designs
def test_the_designs_at_the_course_budget():
    """The sizes the notebooks state (docs/projects.md quotes them): a change to the
    family, the mistakes or the budget that moves them should be a deliberate one."""
    assert design_sizes("gillespie_m1") == {"gillespie_events": 1000, "num_states": 5200}
    assert design_sizes("gillespie_m2") == {"num_clamped_states": 2400, "num_scm_samples": 1000}
    assert design_sizes("gillespie_m3") == {"num_scm_samples": 6000, "relaxations": 3200}


def test_a_correct_numpy_run_passes_milestone_1_at_many_seeds(course):
    """The grader's own simulator, answering as a correct submission would, keeps full
    marks at 12 grading seeds (probes and draws differ at each)."""
    checks = checks_of(course, "gillespie_m1")
    for seed in range(12):
        ctx = context_of(course, "gillespie_m1", seed)
        p = checks.probe(ctx)
        rng = np.random.default_rng(seed)
        run = [list(G.simulate(p.x0, p.rates, t, rng)) for t in (p.t_max, p.t_again)]
        r = score(course, "gillespie_m1", "test_gillespie", {"run": run[0], "again": run[1]}, seed)
        assert r.points == r.max_points, r.messages
        n = ctx.sizes["num_states"]
        t_obs = G.observation_times(p.t_burn, p.spacing, n)
        times, states = G.simulate((0, 0, 0), p.rates, float(t_obs[-1]), rng)
        r = score(course, "gillespie_m1", "test_stationary",
                  {"states": G.states_at(times, states, t_obs)}, seed)
        assert r.points == r.max_points, r.messages


def test_a_run_closed_with_a_row_at_t_max_is_read_as_the_same_run(course):
    """Some students end the arrays with the state at t_max (no reaction there): the
    check reads it as the run without that row, not as a step of no reaction."""
    checks = checks_of(course, "gillespie_m1")
    ctx = context_of(course, "gillespie_m1", 3)
    p = checks.probe(ctx)
    rng = np.random.default_rng(3)
    runs = []
    for t_max in (p.t_max, p.t_again):
        times, states = G.simulate(p.x0, p.rates, t_max, rng)
        runs.append([np.append(times, t_max), np.vstack([states, states[-1:]])])
    r = score(course, "gillespie_m1", "test_gillespie", {"run": runs[0], "again": runs[1]}, 3)
    assert r.points == r.max_points, r.messages
    two_steps = [runs[0][0], runs[0][1].copy()]
    two_steps[1][5:, 0] += 2                       # A jumps by two at one event
    r = score(course, "gillespie_m1", "test_gillespie", {"run": two_steps, "again": runs[1]}, 3)
    assert r.points == 0 and "exactly one reaction" in " ".join(r.messages)
