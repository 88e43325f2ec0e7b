"""Hidden checks for milestone 2 of the deconfounder kit (content brief, section 10.3).

Never released to students. Every probe is a fresh data set of the kit's generator
(autograder/studies/deconfounder.py) drawn with a seed derived from the submission's; the
grader's own substitute confounder on it is E[z | A] under the true casting model
(quadrature), in the coordinates of the truth.

- test_adjusted: `adjusted_effects(casts, revenue, z_hat)` on the grader's data and Z_hat
  against least squares on [1, casts, z_hat]. Deterministic (`checks.exact_table`): each
  effect must lie within a tenth of its own standard error of the least-squares value (any
  sound solver, float32 included, is far closer; every known wrong answer is several
  standard errors off).
- test_do: `do_effects(params, z_hat, num_samples, seed)` with the grader's film model (the
  true casting model, the least-squares outcome model) against that model's coefficients
  beta: one max-|z| test over the actors (Sidak), each SE the SD of one draw's contrast with
  the two arms drawn independently (the largest a correct program can have; shared draws
  only lower it) over sqrt(films x num_samples).
- test_pipeline: `estimate_effects(df, seed)` on another fresh data set against its true
  effects. The criterion comes from the generator: the RMSE of the effects over the RMSE of
  the naive regression on the same data (revenue on the casts alone, whose error is the
  confounding the generator put there) must be at most the one-sided upper prediction bound
  of one more reference run (`checks.prediction_bound`), m + t_{K-1}(1 - alpha) s
  sqrt(1 + 1/K) over the K reference runs of reference/fits.json (written by solutions/deconfounder_m1/reference_fits.py, the
  looser of the reference and its alternative style); that bound is below 1, so passing
  means closer to the truth than the naive estimates.

num_samples is derived: the Monte Carlo error of the do() contrast must be at most a third of
the sampling error of the least-squares effects on the course data (so the two agree within
noise that does not matter), rounded up.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
from scipy.special import expit

from autograder.checks import (Threshold, as_array, close_to_table, exact_table, failed, passed,
                               prediction_bound)
from autograder.homework import Homework, dataframe
from autograder.studies import deconfounder as study

FITS = Path(__file__).resolve().parent / "reference" / "fits.json"
MC_SHARE = 1 / 3          # Monte Carlo SE of do() at most this share of the statistical SE
SE_SHARE = 0.1            # test_adjusted: allowed distance in units of each effect's SE

hw = Homework()


def grader_fit(data: study.Casts) -> tuple[np.ndarray, study.LeastSquares]:
    """The grader's Z_hat on a data set (E[z | A] under the true casting model) and the
    least-squares fit adjusting for it."""
    z_hat = study.posterior_mean(data.casts, data.loadings, data.intercepts)
    return z_hat, study.least_squares(data.casts, data.revenue, z_hat)


def film_params(data: study.Casts, fit: study.LeastSquares) -> dict:
    return {"W": data.loadings.tolist(), "b": data.intercepts.tolist(), "alpha": fit.intercept,
            "beta": fit.effects.tolist(), "gamma": fit.adjust.tolist(), "sigma": fit.sigma}


@functools.lru_cache(maxsize=1)
def course_fit():
    data = study.draw_casts(study.COURSE_SEED)
    return (data, *grader_fit(data))


@hw.design
def design(budget: float) -> dict[str, int]:
    """The generator's data-set size (that of the reference runs), and num_samples: the
    smallest number of draws per film and arm whose Monte Carlo SE is at most MC_SHARE of
    every effect's least-squares SE on the course data, rounded up to a multiple of 5."""
    data, z_hat, fit = course_fit()
    sd = study.do_contrast_sd(film_params(data, fit), z_hat)
    n = len(data.revenue)
    need = max(1, math.ceil(float(np.max((sd / (MC_SHARE * fit.effect_se)) ** 2)) / n))
    return {"n_films": study.N_FILMS, "n_actors": study.N_ACTORS,
            "num_samples": int(5 * math.ceil(need / 5))}


# ------------------------------------------------------------ probes
@hw.probe
def adjust_data(ctx) -> tuple[study.Casts, np.ndarray, study.LeastSquares]:
    """A fresh data set, the grader's Z_hat on it and the least-squares fit adjusting for it
    (test_adjusted and test_do)."""
    data = study.draw_casts(ctx.seed_for("m2:data"))
    return (data, *grader_fit(data))


@hw.probe
def pipeline_data(ctx) -> study.Casts:
    """Another fresh data set, for the whole pipeline."""
    return study.draw_casts(ctx.seed_for("m2:pipeline"))


def _effects(value, name: str, m: int) -> np.ndarray:
    return as_array(value, name, shape=(m,))


# ------------------------------------------------------------ checks
def _adjusted_calls(ctx):
    data, z_hat, _ = adjust_data(ctx)
    return {"effects": ("adjusted_effects", {"casts": data.casts.tolist(),
                                             "revenue": data.revenue.tolist(),
                                             "z_hat": z_hat.tolist()})}


@hw.question("test_adjusted", calls=_adjusted_calls, n_checks=0)
def check_adjusted(values, ctx):
    data, _, fit = adjust_data(ctx)
    name = "adjusted_effects(casts, revenue, z_hat)"
    naive = study.least_squares(data.casts, data.revenue).effects
    return exact_table(
        values["effects"], fit.effects, name, SE_SHARE * fit.effect_se,
        hint="It does not match least squares of the revenue on [1, casts, z_hat]: check the "
             "intercept column, that z_hat is among the regressors, and that you return the "
             "casts' coefficients (one per actor, in column order).",
        near={"{subject} returns the naive regression of the revenue on the casts alone: z_hat "
              "must be among the regressors.": naive,
              "{subject} has every sign flipped.": -fit.effects})


def _do_calls(ctx):
    data, z_hat, fit = adjust_data(ctx)
    return {"effects": ("do_effects", {"params": film_params(data, fit), "z_hat": z_hat.tolist(),
                                       "num_samples": ctx.sizes["num_samples"],
                                       "seed": ctx.seed_for("m2:do seed")})}


def do_se(ctx) -> np.ndarray:
    data, z_hat, fit = adjust_data(ctx)
    sd = study.do_contrast_sd(film_params(data, fit), z_hat)
    return sd / math.sqrt(len(data.revenue) * ctx.sizes["num_samples"])


@hw.question("test_do", calls=_do_calls, n_checks=1)
def check_do(values, ctx):
    data, _, fit = adjust_data(ctx)
    name = "do_effects(params, z_hat, num_samples, seed)"
    e = _effects(values["effects"], name, len(data.actors))
    keyed = lambda v: dict(zip(data.actors, np.asarray(v, dtype=float).tolist()))  # noqa: E731
    return close_to_table(keyed(e), keyed(fit.effects), ctx.alpha, se=keyed(do_se(ctx)),
                          method="maxz", name=name,
                          hint="Each actor's effect is the mean of log_revenue under "
                               "pyro.do(..., {actor_j: 1}) minus under {actor_j: 0}, with z "
                               "held at the given z_hat rows (not conditioned on the cast, not "
                               "the other way round).")


def _pipeline_calls(ctx):
    return {"effects": ("estimate_effects", {"df": dataframe(pipeline_data(ctx).columns()),
                                             "seed": ctx.seed_for("m2:pipeline seed")})}


@hw.question("test_pipeline", calls=_pipeline_calls, n_checks=1)
def check_pipeline(values, ctx):
    """The error ratio against naive (from the generator) at most the reference runs'
    one-sided upper prediction bound."""
    data = pipeline_data(ctx)
    name = "estimate_effects(df, seed)"
    ratio = study.error_ratio(_effects(values["effects"], name, len(data.actors)), data)
    limit = prediction_bound(study.recorded_runs(FITS, "ratio"), ctx.alpha, "upper")
    evidence = Threshold(ratio <= limit, ratio, limit)
    if evidence.passed:
        return passed(f"`{name}` is much closer to the true effects than the naive regression.",
                      evidence=evidence)
    if ratio >= 0.8:          # wording only: most of the naive error is still there
        return failed(f"`{name}` is about as far from the true effects as the naive regression "
                      "of the revenue on the casts alone (or further): the confounding is still "
                      "there. Check that Z_hat comes from a factor model with enough factors, "
                      "fitted to the casts of the data frame you are given (not its revenue), "
                      "and that the regression adjusts for it.", evidence=evidence)
    return failed(f"`{name}` removes only part of the confounding: it is further from the true "
                  "effects than a correct pipeline. Check the number of factors and that the "
                  "factor model converged.", evidence=evidence)


# ------------------------------------------- known wrong answers (brief, 10.3)
@hw.wrong_answer("adjusted: the naive regression without z_hat",
                 says="from the regression of the revenue on the casts alone, without z_hat")
def naive(values, ctx):
    data, _, _ = adjust_data(ctx)
    other = pipeline_data(ctx)
    return {**values,
            "test_adjusted": {"effects": study.least_squares(data.casts, data.revenue).effects},
            "test_pipeline": {"effects": study.least_squares(other.casts, other.revenue).effects}}


@hw.wrong_answer("signs flipped", says="when every effect has its sign flipped")
def sign_flip(values, ctx):
    data, _, fit = adjust_data(ctx)
    noise = ctx.noise().standard_normal(len(fit.effects)) * do_se(ctx)
    return {**values, "test_adjusted": {"effects": -fit.effects},
            "test_do": {"effects": -fit.effects + noise}}


@hw.wrong_answer("do: conditioning on the cast instead of intervening",
                 says="from the observational contrast E[Y | A_j = 1] - E[Y | A_j = 0] of the "
                      "model, which conditioning gives: do() must cut z -> A_j")
def conditioning(values, ctx):
    data, z_hat, fit = adjust_data(ctx)
    p = expit(data.intercepts + z_hat @ data.loadings.T)          # films x actors
    base = fit.intercept + z_hat @ fit.adjust + p @ fit.effects   # E[Y | z_i]
    contrast = []
    for j, beta_j in enumerate(fit.effects):
        rest = base - p[:, j] * beta_j                            # the others' and z's part
        w1, w0 = p[:, j], 1 - p[:, j]
        contrast.append(beta_j + (w1 @ rest) / w1.sum() - (w0 @ rest) / w0.sum())
    noise = ctx.noise().standard_normal(len(fit.effects)) * do_se(ctx)
    return {**values, "test_do": {"effects": np.asarray(contrast) + noise}}


@hw.wrong_answer("pipeline: one factor too few",
                 says="with a substitute confounder of one factor, which misses a confounder")
def one_factor(values, ctx):
    data = pipeline_data(ctx)
    genre = study.posterior_mean(data.casts, data.loadings, data.intercepts)[:, 1:]
    return {**values, "test_pipeline": {
        "effects": study.least_squares(data.casts, data.revenue, genre).effects}}


# The manifest: what each file of solutions/deconfounder_m2/{mistakes,alternatives}/ scores.
# A run fits the factor model three times, so files of different cells share one run.
# The alternative style and the one-factor pipeline replace different cells: one run.
hw.variant(("alternatives/normal_equations.py", "mistakes/one_factor.py"), seed=5,
           loses=["test_pipeline"], told={"test_pipeline": "about as far from the true effects"})
hw.variant(("mistakes/naive_regression.py", "mistakes/conditioning.py"), seed=6,
           loses=["test_adjusted", "test_do", "test_pipeline"],
           told={"test_adjusted": "regression of the revenue on the casts alone",
                 "test_pipeline": "about as far from the true effects"})
# measured once (seed 7, in-process); the registered wrong answer "signs flipped" is the
# suite's check of a reversed do()
hw.variant("mistakes/reversed_arms.py", loses=["test_do"])
