"""Hidden checks for the Bayesian ATE homework with pm.do and pm.observe (brief, section 7).

Never released to students. The facts are the structural model H -> D, H -> C, D -> C
with the brief's true parameter values (TRUE, also given to the students): the ATE is
beta_dc (C is linear in D); the naive contrast and its sampling sd come by Gauss-Hermite
quadrature over H ~ N(0, 1); on data the grader draws, the exact posterior mean of
beta_dc under the stated priors (checks.regression_posterior).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import stats
from scipy.special import expit

from autograder.checks import (AnswerError, as_array, as_dict, as_float, close_to, gated_mean, gof,
                               linear_residual_statistic, logistic_score,
                               logistic_score_noncentrality, mcse_mean, pvalue_check,
                               regression_posterior, replayed, required_n_chi2, stale, twice,
                               STORED_DRAWS_WORDS)
from autograder.homework import Homework

# The brief's true values (section 7); the students get the same table.
TRUE = {"beta_d0": 0.4893, "beta_c0": 0.5128, "beta_hd": -0.39, "beta_dc": -0.421,
        "beta_hc": -0.54, "sigma_c": 0.2}
N_UNITS = 1000          # units per data set (the brief)
PRIOR_SD_BETA = 1.0     # beta_* ~ Normal(0, 1)       (stated in the question)
PRIOR_SD_SIGMA = 1.0    # sigma_c ~ HalfNormal(1)     (stated in the question)
CHAINS, DRAWS = 4, 1000
MIN_ESS = 400           # 100 per chain (Vehtari et al. 2021)
POWER = 0.999

hw = Homework()


# ------------------------------------------------------ population facts
def _gauss_h(n_nodes: int = 160):
    """Nodes and weights for E[f(H)], H ~ N(0, 1) (probabilists' Hermite)."""
    x, w = hermegauss(n_nodes)
    return x, w / math.sqrt(2 * math.pi)


def moments(theta: dict = TRUE) -> dict:
    """Population moments of (H, D) under the structural model."""
    h, w = _gauss_h()
    p = expit(theta["beta_d0"] + theta["beta_hd"] * h)
    pi = float(w @ p)                          # P(D = 1)
    e_hp, e_h2p = float(w @ (h * p)), float(w @ (h * h * p))
    mean_h1, mean_h0 = e_hp / pi, -e_hp / (1 - pi)            # E[H | D = d]
    var_h1 = e_h2p / pi - mean_h1 ** 2
    var_h0 = (1 - e_h2p) / (1 - pi) - mean_h0 ** 2
    return dict(pi=pi, e_hp=e_hp, mean_h1=mean_h1, mean_h0=mean_h0, var_h1=var_h1,
                var_h0=var_h0)


def true_ate(theta: dict = TRUE) -> float:
    """E[C | do(D=1)] - E[C | do(D=0)]: H keeps its N(0, 1) law under either
    intervention, so the H terms cancel and the ATE is the coefficient of D."""
    h, w = _gauss_h()
    mean_c = {d: float(w @ (theta["beta_c0"] + theta["beta_dc"] * d + theta["beta_hc"] * h))
              for d in (0, 1)}
    return mean_c[1] - mean_c[0]


def naive_contrast(theta: dict = TRUE) -> float:
    """E[C | D=1] - E[C | D=0] = beta_dc + beta_hc (E[H | D=1] - E[H | D=0])."""
    m = moments(theta)
    return theta["beta_dc"] + theta["beta_hc"] * (m["mean_h1"] - m["mean_h0"])


def naive_sd(n: int = N_UNITS, theta: dict = TRUE) -> float:
    """Sampling sd of the difference in group means from n units: Var(C | D=d) / n_d per
    group, averaged over n_1 ~ Binomial(n, pi) with E[1/n_1] ~ (1 + (1-pi)/(n pi)) / (n pi)."""
    m = moments(theta)
    out = 0.0
    for share, var_h in ((m["pi"], m["var_h1"]), (1 - m["pi"], m["var_h0"])):
        var_c = theta["sigma_c"] ** 2 + theta["beta_hc"] ** 2 * var_h
        out += var_c * (1 + (1 - share) / (n * share)) / (n * share)
    return math.sqrt(out)


def ate_sampling_sd(n: int = N_UNITS, theta: dict = TRUE) -> float:
    """Sampling sd, across data sets of n units, of the posterior mean of beta_dc: with
    weak priors the least-squares coefficient's, sigma_c^2 [M^-1]_DD / (n - 4), M = E[x x']
    per unit, x = (1, D, H) (tests/test_hw_pymc_do.py checks it by simulation)."""
    m = moments(theta)
    fisher = np.array([[1.0, m["pi"], 0.0],
                       [m["pi"], m["pi"], m["e_hp"]],
                       [0.0, m["e_hp"], 1.0]])
    var = theta["sigma_c"] ** 2 * np.linalg.inv(fisher)[1, 1] / (n - 3 - 1)
    return math.sqrt(var)


# ------------------------------------ data sets and their exact posteriors
def simulate_numpy(n: int, seed: int, theta: dict = TRUE) -> dict[str, np.ndarray]:
    """The structural model in numpy (the grader's own data sets)."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal(n)
    d = rng.binomial(1, expit(theta["beta_d0"] + theta["beta_hd"] * h))
    c = rng.normal(theta["beta_c0"] + theta["beta_dc"] * d + theta["beta_hc"] * h, theta["sigma_c"])
    return {"H": h, "D": d.astype(np.int64), "C": c}


def posterior_beta(data: dict, columns=("D", "H"), coef: str = "D",
                   prior_sd: float = PRIOR_SD_BETA) -> tuple[float, float]:
    """Exact posterior mean and sd of one coefficient of C ~ 1 + columns under the
    stated priors."""
    return regression_posterior(data["C"], [data[c] for c in columns],
                                1 + list(columns).index(coef), prior_sd, PRIOR_SD_SIGMA)


@hw.probe
def grader_data(ctx) -> dict[str, np.ndarray]:
    """The data set estimate_ate is fitted to: drawn per submission, new to the student."""
    return simulate_numpy(N_UNITS, ctx.seed_for("estimate_ate:data"))


# ---------------------------------------------- the simulate() probe tests
def unconfounded(theta: dict = TRUE) -> dict:
    """The 'forgot H -> D' mistake: D ~ Bernoulli(P(D=1)), independent of H."""
    pi = moments(theta)["pi"]
    return {**theta, "beta_d0": math.log(pi / (1 - pi)), "beta_hd": 0.0}


def score_noncentrality(wrong: dict, theta: dict = TRUE) -> float:
    """Per-unit noncentrality of simulate()'s score test of D when D follows `wrong`."""
    h, w = _gauss_h()
    return logistic_score_noncentrality([h], w, [theta["beta_d0"], theta["beta_hd"]],
                                        [wrong["beta_d0"], wrong["beta_hd"]])


N_CHECKS = {"test_simulate": 4, "test_estimate": 2, "test_ate": 2, "test_naive": 1}


@hw.design
def design(budget: float) -> dict[str, int]:
    """n_sim, the units simulate() is called for: power 0.999 against the forgotten
    H -> D edge (the weakest of the simulation mistakes), rounded up to a thousand."""
    n = required_n_chi2(score_noncentrality(unconfounded()), 2, budget / hw.total_checks,
                        power=POWER)
    return {"n_sim": int(math.ceil(n / 1000) * 1000)}


# ------------------------------------------------------------------ checks
def _data(value, name: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    value = as_dict(value, name, ("H", "D", "C"))
    h, d, c = (as_array(value[key], f"{name}[{key!r}]", shape=(n,)) for key in ("H", "D", "C"))
    if not np.all((d == 0) | (d == 1)):
        raise AnswerError(f"`{name}['D']` should hold 0/1 values (undiluted / diluted).")
    return h, d, c


# simulate() is called `twice`: the first data set is tested against the model, the
# second must be new (a stored data set earns nothing; no share of the budget).
@hw.question("test_simulate", n_checks=N_CHECKS["test_simulate"],
             calls=twice("simulate", lambda ctx: {"n": ctx.sizes["n_sim"]},
                         ("simulate", "simulate:again"), keys=("data", "again")))
def check_simulate(values, ctx):
    n = ctx.sizes["n_sim"]
    name = f"simulate(seed, n={n})"
    h, d, c = _data(values["data"], name, n)
    h2, _, c2 = _data(values["again"], f"{name} (called again with another seed)", n)
    repeated = stale(np.concatenate([h, c]), np.concatenate([h2, c2]), name)
    if repeated:
        return repeated
    results = [gof(h, stats.norm(0, 1), ctx.alpha, name="the simulated H",
                   hint="Humidity is standard normal in the model; intervene only on the "
                        "parameters.")]
    s = logistic_score([h], d, [TRUE["beta_d0"], TRUE["beta_hd"]])
    results.append(pvalue_check(
        float(stats.chi2.sf(s, 2)), ctx.alpha, "The simulated D depends on H as the model says.",
        "The simulated D does not follow the model's logistic dependence on H with the true "
        "values: check beta_d0, beta_hd and the logit link.", statistic=s, df=2))
    results.append(gof((c - TRUE["beta_c0"] - TRUE["beta_dc"] * d - TRUE["beta_hc"] * h)
                       / TRUE["sigma_c"], stats.norm(0, 1), ctx.alpha,
                       name="the simulated C's noise",
                       hint="Check sigma_c: the second argument of pm.Normal is a standard "
                            "deviation, not a variance."))
    t = linear_residual_statistic([d, h], c, [TRUE["beta_c0"], TRUE["beta_dc"], TRUE["beta_hc"]],
                                  TRUE["sigma_c"])
    results.append(pvalue_check(
        float(stats.chi2.sf(t, 3)), ctx.alpha,
        "The simulated C depends on D and H as the model says.",
        "The simulated C does not follow the model's linear dependence on D and H with the "
        "true values: check beta_c0, beta_dc and beta_hc.", statistic=t, df=3))
    return results


def _estimate_call(ctx):
    return {"ate": ("estimate_ate", {"data": {k: np.asarray(v).tolist()
                                              for k, v in grader_data(ctx).items()},
                                     "seed": ctx.seed_for("estimate_ate:seed")})}


@hw.question("test_estimate", calls=_estimate_call, n_checks=N_CHECKS["test_estimate"])
def check_estimate(values, ctx):
    return gated_mean(values["ate"], "estimate_ate(data, seed)",
                      lambda: posterior_beta(grader_data(ctx))[0], mcse_mean, ctx.alpha, MIN_ESS,
                      "Fit the model to the `data` argument with pm.observe, then compare do(D=1) "
                      "with do(D=0) on the fitted model; adjusting for humidity is the whole point.")


@hw.question("test_ate", answers=["ate_draws"], n_checks=N_CHECKS["test_ate"])
def check_ate(values, ctx):
    return gated_mean(values["ate_draws"], "ate_draws", true_ate,
                      lambda d: math.sqrt(ate_sampling_sd() ** 2 + mcse_mean(d) ** 2), ctx.alpha,
                      MIN_ESS, "The ATE compares the model under do(D=1) and do(D=0); a difference "
                      "of the observed group means is confounded by H.")


@hw.question("test_naive", answers=["naive_difference"], n_checks=N_CHECKS["test_naive"])
def check_naive(values, ctx):
    return close_to(as_float(values["naive_difference"], "naive_difference"), naive_contrast(),
                    naive_sd(), ctx.alpha, name="naive_difference",
                    hint="Average C over the diluted units (D=1) minus the average over the "
                         "undiluted ones (D=0) in your simulated data.")


# ------------------------------------------- known wrong answers (brief, §7)
def _own_naive_difference(rng) -> float:
    """Mean C of D=1 minus D=0 in a student's own simulated data set (seed from rng)."""
    own = simulate_numpy(N_UNITS, int(rng.integers(2**31)))
    return float(own["C"][own["D"] == 1].mean() - own["C"][own["D"] == 0].mean())


def _draws_like(values, gid, key, centre, rng, sd):
    """(chains, draws) noise around `centre` shaped like the reference run's answer."""
    base = values.get(gid, {}).get(key)
    shape = np.shape(base) if base is not None and np.ndim(base) == 2 else (CHAINS, DRAWS)
    return centre + sd * rng.standard_normal(shape)


@hw.wrong_answer("naive difference in means reported as the ATE",
                 says='from the plain difference in means, without adjusting for the confounder')
def wrong_naive_ate(values, ctx):
    rng = ctx.noise()
    naive_own = _own_naive_difference(rng)
    naive_post, naive_post_sd = posterior_beta(grader_data(ctx), columns=("D",))
    return {**values,
            "test_ate": {"ate_draws": _draws_like(values, "test_ate", "ate_draws", naive_own,
                                                  rng, naive_post_sd)},
            "test_estimate": {"ate": _draws_like(values, "test_estimate", "ate", naive_post, rng,
                                                 naive_post_sd)}}


@hw.wrong_answer("naive difference the wrong way round (D=0 minus D=1)",
                 says='from the plain difference in means taken the other way round')
def wrong_naive_sign(values, ctx):
    flipped = -_own_naive_difference(ctx.noise())
    return {**values, "test_naive": {"naive_difference": flipped}}


def _simulated_with(theta, ctx):
    """Both calls of a wrong simulate(), each with its own seed."""
    return {key: {k: np.asarray(v) for k, v in
                  simulate_numpy(ctx.sizes["n_sim"], ctx.seed_for(f"wrong:{key}"), theta).items()}
            for key in ("data", "again")}


@hw.wrong_answer("simulate(): sigma_c used as a variance",
                 says='when a scale parameter is used as a variance')
def wrong_variance(values, ctx):
    return {**values, "test_simulate": _simulated_with(
        {**TRUE, "sigma_c": math.sqrt(TRUE["sigma_c"])}, ctx)}


@hw.wrong_answer("simulate(): dilution independent of humidity (H -> D forgotten)",
                 says='when the arrow from humidity to dilution is left out')
def wrong_unconfounded(values, ctx):
    return {**values, "test_simulate": _simulated_with(unconfounded(), ctx)}


@hw.wrong_answer("simulate(): humidity left out of the coating rate (H -> C forgotten)",
                 says='when humidity is left out of the coating equation')
def wrong_no_h_in_c(values, ctx):
    return {**values, "test_simulate": _simulated_with({**TRUE, "beta_hc": 0.0}, ctx)}


hw.wrong_answer("simulate(): a stored data set returned whatever the seed", evidence=False,
                check_says=STORED_DRAWS_WORDS)(
    lambda values, ctx: replayed(values, ["test_simulate"], "data"))


# The manifest (autograder/homework.py): what each file of solutions/pymc_do/ scores.
hw.variant("alternatives/coefficient.py", seed=22)
# one run, two mistakes: the naive contrast as the ATE and sigma_c read as a variance; the
# naive difference, right but from noisier simulated data, passes or not by luck
hw.variant(("mistakes/naive.py", "mistakes/variance.py"), seed=23,
           loses=["test_ate", "test_estimate"], partly=["test_simulate"], luck=["test_naive"],
           told={"test_simulate": "standard deviation, not a variance"})
# one data set drawn once with a fixed seed: right in law, the same for every seed passed
hw.variant("mistakes/lookup.py", seed=24, loses=["test_simulate"],
           told={"test_simulate": "returned the same draws"})
# one run (issue 24): humidity left out of the coating equation, and the naive difference the
# wrong way round. Fitted to the grader's data the model cannot adjust (test_estimate); its
# own data have no H -> C, so ate_draws is right for them (test_ate passes).
hw.variant(("mistakes/no_h_in_c.py", "mistakes/naive_sign.py"), seed=25,
           loses=["test_estimate", "test_naive"], partly=["test_simulate"])
# not run by the suite (another model_answer section): benchmarks/scores.py grades it
hw.variant("mistakes/unconfounded.py", partly=["test_simulate"], loses=["test_naive"])
