"""Hidden checks for the hierarchical GLM homework (content brief, section 6).

Never released to students. The facts are the census counts in
datasets/hglm/census_income.csv and the two model specifications of the brief. There is
no closed form for these posteriors, so every truth is a reference posterior: a long run
of the same models (solutions/hglm/reference_posterior.py) cached with its Monte Carlo
standard errors in reference/reference.json. A posterior mean passes within
z * sqrt(MCSE^2 + MCSE_ref^2), behind a convergence gate (hard fail at R-hat > 1.05 or
bulk ESS < MIN_ESS): docs/statistics.md, "Posterior draws against a reference posterior".
"""
from __future__ import annotations

import csv
import functools
import json
import math
from pathlib import Path

import numpy as np

from autograder.checks import (AnswerError, Threshold, after_gate, as_array, as_float,
                               chi2_against_pmf, close_to, converged, failed, matches_reference,
                               mcse_mean, posterior_draws, pvalue_check, thin_to_ess)
from autograder.homework import Homework

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "datasets" / "hglm" / "census_income.csv"
REFERENCE = HERE / "reference" / "reference.json"

N_EDU = 7
BACHELORS, VOCATIONAL, DOCTORATE = 4, 3, 6
NEW_SAMPLE = 86            # female doctorates in the new sample (the brief)
CHAINS, DRAWS, TUNE = 4, 1000, 1000   # what the questions ask for
MIN_ESS = 400              # 100 per chain (Vehtari et al. 2021); stated in the questions
MIN_PREDICTIVE_DRAWS = CHAINS * DRAWS  # one predictive draw per posterior draw

PART_A = ["a", "bm", "sigma"] + [f"alpha_ed[{e}]" for e in range(N_EDU)]
PART_B = ["b"] + [f"alpha_e[{e}]" for e in range(N_EDU)] + [f"beta_e[{e}]" for e in range(N_EDU)]

hw = Homework()


# ---------------------------------------------------------------- the facts
def load_census(path: Path = DATA) -> dict[str, np.ndarray]:
    """The 14 cells: edu, sex (1 = male), total and the number earning >50K."""
    cols = {"edu": [], "sex": [], "total": [], "over_50k": []}
    with path.open() as fh:
        for row in csv.DictReader(fh):
            for k in cols:
                cols[k].append(int(row[k]))
    return {k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}


def pooled_over_sex_logodds(census: dict) -> np.ndarray:
    """Log-odds per education level with the sexes lumped together (a mistake's target)."""
    y = np.bincount(census["edu"], weights=census["over_50k"], minlength=N_EDU)
    n = np.bincount(census["edu"], weights=census["total"], minlength=N_EDU)
    return np.log(y / (n - y))


def male_logodds(alpha_e, beta_e, edu: int) -> np.ndarray:
    return np.asarray(alpha_e)[..., edu] + np.asarray(beta_e)[..., edu]


def load_reference(path: Path = REFERENCE) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; build it with "
                                "`python solutions/hglm/reference_posterior.py`")
    return json.loads(path.read_text())


CENSUS = load_census()


@functools.lru_cache(maxsize=1)
def ref() -> dict:
    """The cached reference posterior (read once)."""
    return load_reference()


# ------------------------------------------------------------------ checks
def _posterior_checks(values, ctx, label: str, keys: list[str], ref: dict, hint: str):
    draws = posterior_draws(values[label], label, keys, N_EDU)
    return after_gate(converged(draws, label, MIN_ESS),
                      [matches_reference(draws[k], ref[k]["mean"], ref[k]["mcse"], ctx.alpha,
                                         name=f"{label}[{k!r}]", hint=hint) for k in keys])


@hw.question("test_part_a", answers=["posterior_a"], n_checks=1 + len(PART_A))
def check_part_a(values, ctx):
    return _posterior_checks(values, ctx, "posterior_a", PART_A, ref()["part_a"],
                             "Compare your model with the specification: the priors, the "
                             "education index, and the sex term.")


@hw.question("test_part_b", answers=["posterior_b"], n_checks=1 + len(PART_B))
def check_part_b(values, ctx):
    return _posterior_checks(values, ctx, "posterior_b", PART_B, ref()["part_b"],
                             "Check the LKJ prior (eta and the standard-deviation prior), the "
                             "non-centred construction of the effects, and that every education "
                             "level has its own slope for sex.")


def _indicator_from(posterior_b) -> np.ndarray:
    draws = posterior_draws(posterior_b, "posterior_b", [f"alpha_e[{BACHELORS}]",
                            f"beta_e[{BACHELORS}]", f"alpha_e[{VOCATIONAL}]",
                            f"beta_e[{VOCATIONAL}]"], N_EDU)
    bach = draws[f"alpha_e[{BACHELORS}]"] + draws[f"beta_e[{BACHELORS}]"]
    voc = draws[f"alpha_e[{VOCATIONAL}]"] + draws[f"beta_e[{VOCATIONAL}]"]
    return (bach > voc).astype(np.float64)


@hw.question("test_p_bach", answers=["p_bach_beats_voc", "posterior_b"], n_checks=1)
def check_p_bach(values, ctx):
    name = "p_bach_beats_voc"
    x = as_float(values[name], name)
    if not 0.0 <= x <= 1.0:
        return failed(f"`{name}` is a probability, so it must lie between 0 and 1. "
                      "Exponentiating a difference of log-odds gives an odds ratio, not the "
                      "probability that one rate is higher than the other.", value=x)
    beats = _indicator_from(values["posterior_b"])
    share = float(beats.mean())
    # The question asks for the share of the varying-slopes draws handed in as posterior_b.
    # The same probability from another model (Part A's one shared slope gives about 0.82
    # against 0.83) lies within Monte Carlo error of the truth, so only the draws can tell:
    # a right answer is that share exactly (a tie at > against >= moves it by 1/draws at
    # most). Deterministic: no share of the budget.
    if abs(x - share) > 1.0 / beats.size + 1e-12:
        return failed(f"`{name}` is not the share of your own varying-slopes draws "
                      "(`posterior_b`) in which the men's log-odds for bachelors exceed those "
                      "for vocational/professional school. Compute it from those draws, the "
                      "non-centred run `idata_b`, not from another model or run.",
                      evidence=Threshold(False, abs(x - share), 1.0 / beats.size))
    se_student = mcse_mean(beats) if np.ptp(beats) > 0 else 0.0
    r = ref()["p_bach_beats_voc"]
    se = math.sqrt(se_student ** 2 + r["mcse"] ** 2)
    return close_to(x, r["mean"], se, ctx.alpha, name=name,
                    hint="It is the share of posterior draws in which the men's log-odds (or "
                         "probability) for bachelors exceeds that for vocational/professional "
                         "school; use the varying-slopes model and the men's linear predictor.")


@hw.question("test_predictive", answers=["female_doctorate_draws"], n_checks=2)
def check_predictive(values, ctx):
    """The shape: a chi-square against the reference pmf, on draws thinned to their ESS.
    The location: the draws' mean against the reference predictive's, with both Monte
    Carlo errors. The chi-square spreads its power over some 30 cells, so a predictive
    from the Part A model (mean about 1.1 women lower, 0.2 sd) passed it about once in
    300; the mean alone separates it by some 10 standard errors."""
    name = "female_doctorate_draws"
    arr = as_array(values[name], name, min_size=MIN_PREDICTIVE_DRAWS)
    if arr.ndim not in (1, 2):
        raise AnswerError(f"`{name}` should have shape (chains, draws) or (draws,), "
                          f"not {tuple(arr.shape)}.")
    if np.any(arr != np.round(arr)):
        return failed(f"`{name}` should hold counts of women, which are whole numbers. Draw "
                      "the count from its binomial distribution for each posterior draw rather "
                      "than multiplying the sample size by the probability.")
    if arr.min() < 0 or arr.max() > NEW_SAMPLE:
        return failed(f"`{name}` should count women out of the {NEW_SAMPLE} in the new sample, "
                      "so every draw lies between 0 and that number.")
    r = ref()["female_doctorate"]
    chains = arr if arr.ndim == 2 else arr[None, :]
    thinned = thin_to_ess(chains) if np.ptp(chains) > 0 else chains.reshape(-1)
    stat, df, p = chi2_against_pmf(thinned, np.asarray(r["pmf"]), r["ess_bulk_p"])
    shape = pvalue_check(p, ctx.alpha, f"`{name}` matches the posterior predictive distribution.",
                         f"`{name}` does not look like draws from the posterior predictive "
                         "distribution: check that each draw uses one posterior draw of the "
                         "women's doctorate rate *and* binomial sampling noise for a sample of "
                         f"{NEW_SAMPLE}, from the varying-slopes model.",
                         statistic=stat, df=df, alpha=ctx.alpha, n_used=int(thinned.size))
    location = matches_reference(chains, r["mean"], r["sd"] / math.sqrt(r["ess_bulk_p"]),
                                 ctx.alpha, name=name,
                                 hint="The women's doctorate rate should come from the "
                                      "varying-slopes model (Part B), whose sex slope is "
                                      "estimated for each education level.")
    return [shape, location]


# ------------------------------------------- known wrong answers (brief, §6)
# Each changes the answers of a real reference run as that mistake would.
@hw.wrong_answer("odds ratio exp(mean log-odds difference) as the probability",
                 says='when an odds ratio is reported as the probability asked for')
def wrong_odds_ratio(values, ctx):
    q = values["test_p_bach"]
    post = q["posterior_b"]
    diff = (male_logodds(post["alpha_e"], post["beta_e"], BACHELORS)
            - male_logodds(post["alpha_e"], post["beta_e"], VOCATIONAL))
    return {**values, "test_p_bach": {**q, "p_bach_beats_voc": float(np.exp(diff.mean()))}}


@hw.wrong_answer("comparison the wrong way round (P(voc > bach))",
                 says='when the comparison is made the other way round')
def wrong_direction(values, ctx):
    q = values["test_p_bach"]
    beats = _indicator_from(q["posterior_b"])
    return {**values, "test_p_bach": {**q, "p_bach_beats_voc": float(1.0 - beats.mean())}}


def _predictive_like(values, draw):
    shape = np.asarray(values["test_predictive"]["female_doctorate_draws"]).shape
    return {**values, "test_predictive": {"female_doctorate_draws": draw(shape)}}


@hw.wrong_answer("expected count 86 * p instead of binomial draws",
                 says='when the expected count is used instead of drawing binomial counts')
def wrong_expected_count(values, ctx):
    alpha = np.asarray(values["test_part_b"]["posterior_b"]["alpha_e"])[..., DOCTORATE]
    return _predictive_like(values, lambda shape: (NEW_SAMPLE / (1 + np.exp(-alpha))).reshape(shape))


@hw.wrong_answer("plug-in binomial at the observed rate 50/86 (no posterior uncertainty)",
                 says='when the observed rate is plugged in, ignoring the posterior uncertainty')
def wrong_plug_in(values, ctx):
    rng = ctx.noise()
    cell = (CENSUS["edu"] == DOCTORATE) & (CENSUS["sex"] == 0)
    rate = CENSUS["over_50k"][cell][0] / CENSUS["total"][cell][0]
    return _predictive_like(values, lambda shape: rng.binomial(NEW_SAMPLE, rate, size=shape))


@hw.wrong_answer("men's doctorate rate used for the women",
                 says="when the men's rate is used for the women")
def wrong_sex(values, ctx):
    rng = ctx.noise()
    post = values["test_part_b"]["posterior_b"]
    logit = male_logodds(post["alpha_e"], post["beta_e"], DOCTORATE)
    return _predictive_like(values, lambda shape: rng.binomial(
        NEW_SAMPLE, 1 / (1 + np.exp(-logit))).reshape(shape))


@hw.wrong_answer("Part A without the sex term",
                 says='from a model without the sex term')
def wrong_no_sex(values, ctx):
    """Without bm the intercepts fit the sexes lumped together, and bm is left at its
    prior N(0, 1) (or missing); the intercepts move to the pooled log-odds."""
    rng = ctx.noise()
    post = dict(values["test_part_a"]["posterior_a"])
    alpha = np.asarray(post["alpha_ed"], dtype=np.float64)
    target = pooled_over_sex_logodds(CENSUS)
    post["alpha_ed"] = alpha - alpha.mean(axis=(0, 1)) + target
    post["bm"] = rng.standard_normal(np.asarray(post["bm"]).shape)
    return {**values, "test_part_a": {"posterior_a": post}}


@hw.wrong_answer("Part B with one shared sex slope (Part A model reused)",
                 says='when one sex slope is shared by every group instead of one per group')
def wrong_shared_slope(values, ctx):
    post_a = values["test_part_a"]["posterior_a"]
    bm = np.asarray(post_a["bm"], dtype=np.float64)
    post = {"b": bm, "alpha_e": np.asarray(post_a["alpha_ed"], dtype=np.float64),
            "beta_e": np.repeat(bm[..., None], N_EDU, axis=-1)}
    return {**values, "test_part_b": {"posterior_b": post}}


@hw.wrong_answer("P(bach > voc) from the Part A model (one shared sex slope)",
                 says="when the probability comes from the Part A model, whose sex slope is "
                      "shared by every education level, instead of the varying-slopes draws")
def wrong_p_bach_from_part_a(values, ctx):
    alpha = np.asarray(values["test_part_a"]["posterior_a"]["alpha_ed"], dtype=np.float64)
    q = values["test_p_bach"]
    # the men's difference in Part A: the shared bm cancels
    return {**values, "test_p_bach": {**q, "p_bach_beats_voc": float(
        np.mean(alpha[..., BACHELORS] > alpha[..., VOCATIONAL]))}}


@hw.wrong_answer("posterior predictive from the Part A model",
                 says="when the draws come from the Part A model (one sex slope for every "
                      "education level) instead of the varying-slopes model")
def wrong_predictive_from_part_a(values, ctx):
    rng = ctx.noise()
    alpha = np.asarray(values["test_part_a"]["posterior_a"]["alpha_ed"])[..., DOCTORATE]
    return _predictive_like(values, lambda shape: rng.binomial(
        NEW_SAMPLE, 1 / (1 + np.exp(-alpha))).reshape(shape))


# The manifest (autograder/homework.py): what each file of solutions/hglm/ scores. A
# notebook run samples two models, so files in different cells share one run.
hw.variant(("alternatives/lkj_cholesky_cov.py", "alternatives/probability_scale.py"), seed=12)
hw.variant(("mistakes/shared_slope.py", "mistakes/odds_ratio.py"), seed=13,
           loses=["test_p_bach", "test_part_b", "test_predictive"],
           told={"test_part_b": "every education level has its own slope",
                 "test_p_bach": "odds ratio", "test_predictive": "whole numbers"})
# one run (issue 24): Part A without the sex term, and both posterior quantities computed
# from idata_a instead of the varying-slopes run
# (the convergence gate passes and a quantity or two of Part A still matches: partial credit)
hw.variant(("mistakes/no_sex_term.py", "mistakes/from_part_a.py"), seed=14,
           loses=["test_p_bach", "test_predictive"], partly=["test_part_a"],
           told={"test_p_bach": "your own varying-slopes draws"})
# not run by the suite (an hglm notebook samples three models): benchmarks/scores.py grades
# them; their registered simulations lose points in test_homeworks.py (no kernel)
hw.variant(("mistakes/wrong_direction.py", "mistakes/plug_in.py"),
           loses=["test_p_bach", "test_predictive"])
hw.variant("mistakes/mens_rate.py", loses=["test_predictive"])


