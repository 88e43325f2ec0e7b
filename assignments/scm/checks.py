"""Hidden checks for the structural causal models homework (content brief, section 5).

Never released to students. Every distribution below is derived in code from the
structural equations of the brief: SCM A through its noise terms, SCM B with exact
rational arithmetic (fractions.Fraction) on the linear-Gaussian equations, so that
8/17 and 1/17 come out of the algebra, not out of this file. Sample sizes come from
the power of the Kolmogorov-Smirnov test against the known wrong answers.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from scipy import stats

from autograder.checks import (ROUNDING_3DP, AnswerError, as_array, as_mean_variance, failed, gof,
                               ks_required_n, min_distinct, passed, replayed, stale, twice,
                               STORED_DRAWS_WORDS)
from autograder.homework import Homework
from autograder.studies.linear_gaussian import LinearGaussianSCM

hw = Homework()


# ---------------------------------------------------------------- the facts
# SCM B of the brief: X := N_X, Y := 4 X + N_Y, N_X and N_Y i.i.d. N(0, 1).
SCM_B = LinearGaussianSCM({"X": (0, {}, 1), "Y": (0, {"X": 4}, 1)})

TRUTHS = {  # answer name -> (mean, variance), exact
    "p_y": SCM_B.marginal("Y"),
    "p_y_do_x2": SCM_B.do(X=2).marginal("Y"),
    "p_y_given_x2": SCM_B.conditional("Y", "X", 2),
    "p_x_given_y2": SCM_B.conditional("X", "Y", 2),
    "p_x_do_y2": SCM_B.do(Y=2).marginal("X"),
}


def normal(mean_var) -> stats.rv_continuous:
    m, v = mean_var
    return stats.norm(float(m), math.sqrt(float(v)))


# SCM A of the brief: X := N_X, Y := X^2 + N_Y, N_X and N_Y i.i.d. N(0, 1).
NOISE_A = {"N_X": (Fraction(0), Fraction(1)), "N_Y": (Fraction(0), Fraction(1))}


# X := N_X has N_X's law, the residual Y - X^2 has N_Y's, and as the noises are
# independent (X + residual) / sqrt(2) has (N_X + N_Y) / sqrt(2)'s: this catches a shared noise.
SCM_A_LAWS = {
    "x": NOISE_A["N_X"],
    "residual": NOISE_A["N_Y"],
    "mix": (float(NOISE_A["N_X"][0] + NOISE_A["N_Y"][0]) / math.sqrt(2),
            (NOISE_A["N_X"][1] + NOISE_A["N_Y"][1]) / 2),
}

# Exact answers may be rounded to three decimals (ROUNDING_3DP; known wrong ones are 0.029
# away or more). Why these numbers: docs/statistics.md, "Structural causal models homework".
MIN_GOF_N = 1000              # below it a KS test misses even sizeable slips
MIN_DISTINCT_FRACTION = 0.9   # resampled posterior draws: a low-ESS pool repeats values
POOL_ESS_FACTOR = 100         # the pool's ESS the question asks for, x num_samples


# Known wrong answers, as the distribution the student's draws would follow.
def _wrong_laws() -> dict[str, dict[str, stats.rv_continuous]]:
    return {
        # brief, section 5: "N(0.5, 1)" for P_X given Y=2
        "test_posterior": {"N(0.5, 1)": normal((Fraction(1, 2), 1))},
        # P_Y instead of P_Y under do(X=2): the intervention was not applied
        "test_do_samples": {"no intervention": normal(TRUTHS["p_y"])},
        # SCM A with one noise term used twice (Y := X^2 + N_X): X and the residual are
        # then the same variable, and the "mix" is sqrt(2) X ~ N(0, 2)
        "test_scm_a": {"shared noise": stats.norm(0, math.sqrt(2))},
    }


TARGETS = {"test_posterior": normal(TRUTHS["p_x_given_y2"]),
           "test_do_samples": normal(TRUTHS["p_y_do_x2"]),
           "test_scm_a": normal(SCM_A_LAWS["mix"])}


# The size each sampling question asks for, by the name the notebook states it under.
SIZE_OF = {"test_scm_a": "scm_a_samples", "test_do_samples": "do_samples",
           "test_posterior": "posterior_samples"}


@hw.design
def design(budget: float) -> dict[str, int]:
    """Per sampling question: max(MIN_GOF_N, KS power 0.999 against each wrong answer at
    the per-check level), rounded up to a thousand."""
    alpha = budget / hw.total_checks
    return {SIZE_OF[gid]: int(math.ceil(max([MIN_GOF_N] + [ks_required_n(TARGETS[gid], w, alpha)
                                                           for w in wrongs.values()]) / 1000) * 1000)
            for gid, wrongs in _wrong_laws().items()}


def _exact_normal(values, name: str, hint: str):
    mean, var = as_mean_variance(values[name], name)
    t_mean, t_var = (float(v) for v in TRUTHS[name])
    ok_mean, ok_var = abs(mean - t_mean) <= ROUNDING_3DP, abs(var - t_var) <= ROUNDING_3DP
    detail = dict(mean=mean, var=var, truth=(t_mean, t_var), delta=ROUNDING_3DP)
    if ok_mean and ok_var:
        return passed(f"`{name}` is correct.", **detail)
    if ok_mean:
        extra = (" It looks like a standard deviation: the question asks for the variance."
                 if abs(var ** 2 - t_var) <= ROUNDING_3DP else "")
        return failed(f"The mean in `{name}` is right but the variance is not.{extra} {hint}",
                      score=0.5, **detail)
    if ok_var:
        return failed(f"The variance in `{name}` is right but the mean is not. {hint}",
                      score=0.5, **detail)
    return failed(f"`{name}` is not correct. {hint}", **detail)


def _samples(value, name: str, n: int) -> np.ndarray:
    return as_array(value, name, shape=(n,))


# Every sampler is called `twice`: the first call's draws are tested, the second's must be
# new (a correct sampler never repeats: n_checks counts the GOF tests only).
def _twice(func: str, size: str, label: str):
    return twice(func, lambda ctx: {"num_samples": ctx.sizes[size]}, (label, f"{label}:again"))


def _fresh_or_fail(first, second_value, name: str, n: int):
    """Stored draws (with or without noise added per call) earn nothing: each call's draws
    are iid, so a second call that tracks the first value by value is a replay."""
    return stale(first, _samples(second_value, f"{name} (called again with another seed)", n),
                 name, iid=True)


# ------------------------------------------------------------------ checks
def _xy_pair(pair, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(pair, dict) or not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise AnswerError(f"`{name}` should return a tuple (x, y) of two arrays.")
    return (_samples(pair[0], f"{name}[0] (the draws of X)", n),
            _samples(pair[1], f"{name}[1] (the draws of Y)", n))


@hw.question("test_scm_a", n_checks=3, calls=_twice("sample_scm_a", "scm_a_samples", "scm_a"))
def check_scm_a(values, ctx):
    n = ctx.sizes["scm_a_samples"]
    name = f"sample_scm_a({n}, seed)"
    x, y = _xy_pair(values["draws"], name, n)
    x2, y2 = _xy_pair(values["again"], f"{name} (called again with another seed)", n)
    residual = y - x ** 2          # what is left of Y := X^2 + N_Y is its noise
    return _fresh_or_fail(np.concatenate([x, y]), np.concatenate([x2, y2]), name, 2 * n) or [
        gof(x, normal(SCM_A_LAWS["x"]), ctx.alpha, name=f"{name}: X", method="ks",
            hint="X is its own noise term."),
        gof(residual, normal(SCM_A_LAWS["residual"]), ctx.alpha, name=f"{name}: Y - X**2",
            method="ks", hint="Check Y's structural equation and its noise."),
        gof((x + residual) / math.sqrt(2), normal(SCM_A_LAWS["mix"]), ctx.alpha,
            name=f"{name}: the noise terms together", method="ks",
            hint="N_X and N_Y must be two independent draws; do not reuse one noise for both."),
    ]


# The exact questions: grade_id -> (its (mean, variance) answer, what to look at when wrong).
EXACT_QUESTIONS = {
    "test_p_y": ("p_y", "Y is a sum of independent normal terms; add their variances, "
                        "remembering that Var(aX) = a² Var(X)."),
    "test_do_x": ("p_y_do_x2", "Replace X's equation by X := 2 and read off Y's distribution "
                               "from its equation."),
    "test_given_x": ("p_y_given_x2", "Given X = 2, only Y's noise term is still random."),
    "test_given_y": ("p_x_given_y2", "Observing Y is evidence about X: combine X's prior with "
                                     "the likelihood of Y = 2 (Bayes' rule for two normals, or "
                                     "the formula for a conditional of a bivariate normal). "
                                     "Inverting Y's equation alone ignores X's own "
                                     "distribution."),
    "test_do_y": ("p_x_do_y2", "Setting Y changes Y's equation only. Which equations does X "
                               "depend on?"),
}


def _exact_question(grade_id: str, name: str, hint: str):
    @hw.question(grade_id, answers=[name], n_checks=0)
    def check(values, ctx):
        return _exact_normal(values, name, hint)
    return check


for _gid, (_name, _hint) in EXACT_QUESTIONS.items():
    _exact_question(_gid, _name, _hint)


def _one_law(values, ctx, func: str, size: str, law, hint: str, distinct: bool = False):
    """A sampler's first call's draws against `law`, unless the second call repeated them."""
    n = ctx.sizes[size]
    name = f"{func}({n}, seed)"
    draws = _samples(values["draws"], name, n)
    if distinct:
        min_distinct(draws, name, math.ceil(MIN_DISTINCT_FRACTION * n))
    return (_fresh_or_fail(draws, values["again"], name, n)
            or gof(draws, law, ctx.alpha, name=name, method="ks", hint=hint))


@hw.question("test_do_samples", n_checks=1, calls=_twice("sample_y_do_x2", "do_samples", "do_x2"))
def check_do_samples(values, ctx):
    return _one_law(values, ctx, "sample_y_do_x2", "do_samples", normal(TRUTHS["p_y_do_x2"]),
                    "Sample Y from the model intervened with pyro.do, not from the original model.")


@hw.question("test_posterior", n_checks=1,
             calls=_twice("sample_x_given_y2", "posterior_samples", "x_given_y2"))
def check_posterior(values, ctx):
    return _one_law(values, ctx, "sample_x_given_y2", "posterior_samples",
                    normal(TRUTHS["p_x_given_y2"]), "Condition the model on Y = 2 with "
                    "pyro.condition and check the inference: importance weights (and a large "
                    "enough proposal pool), or MCMC warm-up and thinning.", distinct=True)


# ------------------------------------------- known wrong answers (brief, §5)
# Samplers are called twice (see _twice); a wrong sampler draws afresh on each call.
def _both_calls(draw) -> dict:
    return {"draws": draw(), "again": draw()}


@hw.wrong_answer("P_X given Y=2 taken as N(0.5, 1)",
                 says='when the prior of X is kept after observing Y (conditioning was not applied)')
def wrong_half_one(values, ctx):
    rng = ctx.noise()
    law = _wrong_laws()["test_posterior"]["N(0.5, 1)"]
    return {**values, "test_given_y": {"p_x_given_y2": (0.5, 1.0)},
            "test_posterior": _both_calls(
                lambda: law.rvs(size=ctx.sizes["posterior_samples"], random_state=rng))}


@hw.wrong_answer("P_X given Y=2 from inverting Y's equation, N(1/2, 1/16)",
                 says="when Y's equation is inverted instead of conditioning on Y with Bayes' rule")
def wrong_inverted(values, ctx):
    return {**values, "test_given_y": {"p_x_given_y2": (0.5, 1 / 16)}}


@hw.wrong_answer("importance resampling with a low effective sample size",
                 says='from importance resampling with too few effective samples',
                 check_says="importance resampling with a low effective sample size")
def wrong_low_ess(values, ctx):
    """Prior proposal, 1000 draws, resampled to posterior_samples: the pool's ESS is
    about 300."""
    rng = ctx.noise()

    def draw():
        pool = rng.standard_normal(1000)
        logw = stats.norm(4 * pool, 1).logpdf(2.0)
        w = np.exp(logw - logw.max())
        return rng.choice(pool, ctx.sizes["posterior_samples"], p=w / w.sum())
    return {**values, "test_posterior": _both_calls(draw)}


@hw.wrong_answer("no intervention: samples of P_Y instead of P_Y under do(X=2)",
                 says='without the intervention: samples of Y from the unmodified model')
def wrong_no_do(values, ctx):
    rng = ctx.noise()
    law = _wrong_laws()["test_do_samples"]["no intervention"]
    return {**values, "test_do_samples": _both_calls(
        lambda: law.rvs(size=ctx.sizes["do_samples"], random_state=rng))}


@hw.wrong_answer("SCM A with a shared noise term (Y := X**2 + N_X)",
                 says="when Y reuses X's noise term instead of its own")
def wrong_shared_noise(values, ctx):
    rng = ctx.noise()

    def draw():
        x = rng.standard_normal(ctx.sizes["scm_a_samples"])
        return [x, x ** 2 + x]
    return {**values, "test_scm_a": _both_calls(draw)}


hw.wrong_answer("stored draws: every sampler returns the same draws whatever the seed",
                evidence=False, check_says=STORED_DRAWS_WORDS)(lambda values, ctx: replayed(values, SIZE_OF))


@hw.wrong_answer("standard deviation given instead of variance",
                 says='when a standard deviation is given where the variance is asked for')
def wrong_sd(values, ctx):
    m, v = TRUTHS["p_y"]
    return {**values, "test_p_y": {"p_y": (float(m), math.sqrt(float(v)))}}


# The manifest (autograder/homework.py): what each file of solutions/scm/ scores.
hw.variant("alternatives/mcmc.py", seed=5)
hw.variant("mistakes/half_one.py", seed=6, loses=["test_given_y", "test_posterior"])
hw.variant("mistakes/low_ess.py", seed=7, loses=["test_posterior"],
           told={"test_posterior": "too few distinct"})
hw.variant("mistakes/shared_noise.py", seed=8, partly=["test_scm_a"],
           told={"test_scm_a": "independent"})
hw.variant("mistakes/no_do.py", seed=9, loses=["test_do_samples", "test_do_y"])
# three slips in one run: Y's equation inverted (given_y), a standard deviation for the
# variance (p_y: the mean still earns its half), stored draws with noise per call (do_samples)
hw.variant(("mistakes/inverted.py", "mistakes/sd_for_variance.py", "mistakes/jittered.py"),
           seed=14, loses=["test_given_y", "test_do_samples"], partly=["test_p_y"],
           told={"test_do_samples": "nearly the same draws", "test_p_y": "standard deviation"})
# draws made once with a fixed seed: right in law, the same for every seed passed
hw.variant("mistakes/lookup.py", seed=12, loses=["test_do_samples", "test_posterior", "test_scm_a"],
           told=dict.fromkeys(["test_do_samples", "test_posterior", "test_scm_a"],
                              "returned the same draws"))
