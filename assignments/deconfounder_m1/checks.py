"""Hidden checks for milestone 1 of the deconfounder kit (content brief, section 10.3).

Never released to students. The facts are the kit's generator
(autograder/studies/deconfounder.py): two confounders (franchise, genre) drive the casts,
so a factor model needs two factors. Every probe is a fresh data set drawn from the
generator with a seed derived from the submission's, of the size the reference fits used.

- test_score: `predictive_score` on the grader's data and holdout, with the true number of
  factors (2) and one too few (1). The first score must lie in the two-sided prediction
  band of one more reference fit (`checks.close_to_runs`; a fit that sees the held-out
  entries scores too high), the second at most at its one-sided upper bound
  (`checks.prediction_bound`), each from m -+ t_{K-1} s sqrt(1 + 1/K), m and s the mean and
  SD of the scores of K reference fits on K fresh data sets (reference/fits.json, written by
  solutions/deconfounder_m1/reference_fits.py), the looser band over the reference and its
  registered alternative (another modelling style). The band covers data-set and SVI noise;
  nothing else about the score is assumed.
- test_n_factors: the number of factors chosen on the course data: exactly 2.
- test_substitute: `substitute_confounder` on a fresh data set with the student's
  `n_factors` and a revenue column made for the probe: the confounders' part of the
  revenue plus a fresh noise u of SD 1 (a model that reads the revenue leans on it to place
  z, and what it leans on is mostly u; the actors' effects are left out, which would only
  blur that): (1) the smaller canonical
  correlation between Z_hat and the true confounders is at least the reference fits' lower
  prediction bound; (2) u is unrelated to Z_hat (F-test, exact under independence whatever
  Z_hat is, since u is independent of the casts): a model or guide that reads the revenue
  fails.

Sizes come from the reference fits (the bands hold for the data sets they were computed
on): the design states them, it does not search them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import (AnswerError, Threshold, as_array, as_float, as_int, close_to_runs,
                               failed, passed, prediction_bound, pvalue_check)
from autograder.homework import Homework, dataframe, kernel_global
from autograder.studies import deconfounder as study

FITS = Path(__file__).resolve().parent / "reference" / "fits.json"
TRUE_FACTORS = len(study.CONFOUNDERS)
NUM_REPLICATES = 100      # replicates per film in the check; the reference fits used the same
PROBE_NOISE_SD = 1.0      # the revenue noise of the substitute probe (the generator's: 0.3)
SCORE = "predictive_score(df, n_factors, holdout, seed)"

hw = Homework()


@hw.design
def design(budget: float) -> dict[str, int]:
    """The grader's data sets have the generator's size, the one the reference fits used;
    the replicates per film are those of the reference fits."""
    return {"n_films": study.N_FILMS, "n_actors": study.N_ACTORS,
            "num_replicates": NUM_REPLICATES}


# ------------------------------------------------------------ probes
@hw.probe
def score_data(ctx) -> tuple[study.Casts, np.ndarray]:
    """A fresh data set and the held-out entries of the predictive check."""
    seed = ctx.seed_for("m1:score")
    data = study.draw_casts(seed)
    return data, study.holdout_mask(seed + 1, data.casts.shape)


@hw.probe
def substitute_data(ctx) -> tuple[study.Casts, np.ndarray, np.ndarray]:
    """A fresh data set, the revenue column of the probe (intercept, the confounders' part of
    the revenue and u) and u."""
    seed = ctx.seed_for("m1:substitute")
    data = study.draw_casts(seed)
    u = PROBE_NOISE_SD * np.random.default_rng(seed + 1).standard_normal(len(data.revenue))
    revenue = study.INTERCEPT + data.confounders @ np.asarray(study.CONFOUNDER_EFFECTS) + u
    return data, revenue, u


# ------------------------------------------------------------ checks
def _score_calls(ctx):
    data, holdout = score_data(ctx)
    args = {"df": dataframe(data.columns()), "holdout": holdout.tolist()}
    return {key: ("predictive_score", {**args, "n_factors": k, "seed": ctx.seed_for(f"m1:{key}")})
            for key, k in (("enough", TRUE_FACTORS), ("too_few", TRUE_FACTORS - 1))}


def _score(value) -> float:
    x = as_float(value, SCORE)
    if not 0.0 <= x <= 1.0:
        raise AnswerError(f"`{SCORE}` returned {x!r}: a score is a mean of p-values, between 0 "
                          "and 1.")
    return x


@hw.question("test_score", calls=_score_calls, n_checks=2)
def check_score(values, ctx):
    """Enough factors: inside the two-sided prediction band; one too few: at most the
    one-sided upper bound."""
    enough, too_few = _score(values["enough"]), _score(values["too_few"])
    first = close_to_runs(
        enough, study.recorded_runs(FITS, "s_enough"), ctx.alpha, name=SCORE,
        hint="With as many factors as the grader's data need, your score is lower than a "
             "correct check gives. Draw each replicate's z from the fitted guide, count ties "
             "as half, and compare the cast sizes of the held-out entries only.",
        high_hint="With as many factors as the grader's data need, your score is higher than "
                  "a correct check gives: the held-out entries look more like the model than "
                  "its own replicates do. The fit must not see the held-out entries (mask them "
                  "out of the likelihood), and p_i is P(t_rep < t_obs).")
    limit = prediction_bound(study.recorded_runs(FITS, "s_too_few"), ctx.alpha, "upper")
    evidence = Threshold(too_few <= limit, too_few, limit)
    if evidence.passed:
        second = passed("With one factor too few, your check fails, as it should.",
                        evidence=evidence, too_few=too_few, bound=limit)
    else:
        second = failed("With one factor too few, your score stays as high as a model that fits: "
                        "your check does not see the missing factor. Look at three things: the "
                        "fit must not see the held-out entries (mask them out of the "
                        "likelihood), the statistic is the held-out cast size (not its "
                        "log-likelihood), and p_i is P(t_rep < t_obs), not the reverse.",
                        evidence=evidence, too_few=too_few, bound=limit)
    return [first, second]


@hw.question("test_n_factors", answers=["n_factors"], n_checks=0)
def check_n_factors(values, ctx):
    k = as_int(values["n_factors"], "n_factors")
    if k == TRUE_FACTORS:
        return passed("`n_factors` is the smallest number of factors that passes the check.")
    if k < TRUE_FACTORS:
        return failed("`n_factors` is too small: with that many factors the predictive score is "
                      "well below the others (a one-factor model leaves out a trait of the "
                      "films). The convention 'score above 0.1' is too lax for this statistic; "
                      "compare the scores with each other as the question says.")
    return failed("`n_factors` is larger than needed: a smaller model scores within noise of "
                  "it. Choose the smallest number whose score is not more than three standard "
                  "errors below the best.")


def _substitute_calls(ctx):
    data, revenue, _ = substitute_data(ctx)
    return {"z_hat": ("substitute_confounder",
                      {"df": dataframe(data.columns(revenue)),
                       "n_factors": kernel_global("n_factors"),
                       "seed": ctx.seed_for("m1:substitute seed")})}


@hw.question("test_substitute", calls=_substitute_calls, n_checks=2)
def check_substitute(values, ctx):
    """Z_hat spans the true confounders (one-sided bound on the smaller canonical
    correlation) and does not follow the probe's revenue noise (exact F-test)."""
    data, _, noise = substitute_data(ctx)
    name = "substitute_confounder(df, n_factors, seed)"
    z = as_array(values["z_hat"], name)
    if z.ndim == 1:
        z = z[:, None]
    if z.ndim != 2 or z.shape[0] != len(noise):
        raise AnswerError(f"`{name}` should return an array with one row per film of `df` "
                          f"({len(noise)} here) and one column per factor.")
    if not np.all(np.isfinite(z)):
        raise AnswerError(f"`{name}` returned values that are not finite.")
    rho = study.canonical_correlations(data.confounders, z)
    low = prediction_bound(study.recorded_runs(FITS, "cc"), ctx.alpha, "lower")
    detail = dict(canonical=rho.tolist(), columns=int(z.shape[1]))
    evidence = Threshold(rho.min() >= low, rho.min(), low)
    span = (passed("Your substitute confounder spans the true confounders as well as a correct "
                   "fit does.", evidence=evidence, **detail) if evidence.passed else
            failed("Your substitute confounder misses part of the true confounders: some "
                   "direction of them is barely correlated with any combination of its columns. "
                   "Check that it has enough factors (`n_factors`), that the fit converged, and "
                   "that it returns the guide's locations from a fit on every entry.",
                   evidence=evidence, **detail))
    leak = pvalue_check(
        study.independence_pvalue(noise, z), ctx.alpha,
        "Your substitute confounder does not depend on the revenue column.",
        "Your substitute confounder follows the noise of the grader's revenue column: your "
        "model or guide reads the outcome. Z_hat must be computed from the casts alone.")
    return [span, leak]


# ------------------------------------------- known wrong answers (brief, 10.3)
def _score_mistake(enough_stat: str, too_few_stat: str, flip: bool = False):
    """A known wrong check: its two scores on one data set like the grader's, drawn from
    the reference runs that recorded them (reference/fits.json)."""
    def wrong(values, ctx):
        runs = [r for r in study.recorded_rows(FITS)
                if enough_stat in r and too_few_stat in r]
        run = runs[int(ctx.noise().integers(len(runs)))]
        pair = {"enough": run[enough_stat], "too_few": run[too_few_stat]}
        if flip:
            pair = {k: 1.0 - v for k, v in pair.items()}
        return {**values, "test_score": pair}
    return wrong


hw.wrong_answer("score: the fit sees the held-out entries",
                says="when the model is fitted to the held-out entries too: mask them out of "
                     "the likelihood")(_score_mistake("s_enough_unmasked", "s_too_few_unmasked"))
hw.wrong_answer("score: held-out log-likelihood as the statistic",
                says="with the held-out log-likelihood as the statistic, which a fitted model "
                     "matches on average whatever its number of factors")(
    _score_mistake("s_enough_loglik", "s_too_few_loglik"))
hw.wrong_answer("score: comparison reversed",
                says="when the p-value is P(t_rep > t_obs) instead of P(t_rep < t_obs)")(
    _score_mistake("s_enough", "s_too_few", flip=True))
hw.wrong_answer("score: ties counted as misses",
                says="when ties between replicated and observed statistics count as misses "
                     "instead of halves")(_score_mistake("s_enough_strict", "s_too_few_strict"))


def _oracle(data: study.Casts) -> np.ndarray:
    return study.posterior_mean(data.casts, data.loadings, data.intercepts)


@hw.wrong_answer("too few factors (one)", says="with one factor too few")
def one_factor(values, ctx):
    data, _, _ = substitute_data(ctx)
    genre = _oracle(data)[:, 1:]             # a one-factor fit finds the genre axis
    return {**values, "test_n_factors": {"n_factors": 1}, "test_substitute": {"z_hat": genre}}


@hw.wrong_answer("substitute: the model or guide reads the revenue",
                 says="when the factor model or its guide uses the revenue column")
def revenue_in_guide(values, ctx):
    data, _, noise = substitute_data(ctx)
    pull = 0.2 * noise / PROBE_NOISE_SD        # the latents absorb part of the outcome
    return {**values, "test_substitute": {"z_hat": _oracle(data) + pull[:, None]}}


# The manifest: what each file of solutions/deconfounder_m1/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed). Every run
# fits the factor model several times, so files of different cells share one run.
# The alternative style and the revenue-reading substitute replace different cells: one run.
hw.variant(("alternatives/bayesian_loadings.py", "mistakes/revenue_in_guide.py"), seed=5,
           partly=["test_substitute"], told={"test_substitute": "reads the outcome"})
# The score mistakes also pick n_factors with their own scores, so each comes with the number
# of factors it makes the reference's rule choose (one, for all but no_mask, whose entry
# forces one through the "score above 0.1" convention).
hw.variant(("mistakes/no_mask.py", "mistakes/wang_blei_threshold.py"), seed=6,
           loses=["test_n_factors"], partly=["test_score", "test_substitute"],
           told={"test_score": "must not see the held-out entries",
                 "test_n_factors": "too small"})
# Not run by the suite (a kernel run of its own: it replaces the same cell as no_mask.py):
# the registered wrong answer "held-out log-likelihood" replays its recorded scores under 25
# seeds there, and tests/test_kit_deconfounder.py checks every recorded run is caught;
# measured once in a kernel (seed 8, 2026-12-05: as declared).
hw.variant("mistakes/loglik_statistic.py",
           loses=["test_score", "test_n_factors"], partly=["test_substitute"],
           told={"test_score": "not its log-likelihood"})
# measured once (seed 8, in-process), not run by the suite; benchmarks/scores.py grades it
hw.variant("mistakes/reversed.py", loses=["test_n_factors"],
           partly=["test_score", "test_substitute"])
