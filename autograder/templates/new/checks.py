"""Hidden checks for __TITLE__ (__HW_ID__). Never released to students.

Written by `course new` as a worked example of the declaration; replace the model,
the question and the mistake with your homework's, keeping its shape:
- the facts (truths) are DERIVED in code from the model the question states;
- `hw.design` turns the false-fail budget into every sample size, from the gap to
  the nearest known wrong answer (the notebook states it as {{num_samples}});
- each `hw.question` names its test cell's grade_id, what to read or call in the
  student's kernel, and how many random comparisons it makes (`n_checks`);
- each `hw.wrong_answer` simulates what a submission with one known mistake hands
  the checks, so `course calibrate` can measure how often it is caught.
Guide: docs/authoring.md; the statistics behind the bands: docs/statistics.md.
"""
from __future__ import annotations

import functools
import math

from autograder.checks import all_of, as_float, close_to, draw_probe, required_n
from autograder.homework import Homework

hw = Homework()

# ---------------------------------------------------------------- the facts
# REPLACE: the model your question states. Z confounds the treatment X and the
# outcome Y:  Z ~ Bernoulli(p_z),  X | Z=z ~ Bernoulli(p_x[z]),
# Y | X=x, Z=z ~ Bernoulli(p_y[x][z]). Keep it equal to MODEL in the notebook's
# setup cell. Plain floats and lists only: the grader passes it to the student's
# function as a literal.
MODEL = {"p_z": 0.4, "p_x": [0.2, 0.8], "p_y": [[0.6, 0.2], [0.9, 0.5]]}


def p_y_do(model: dict) -> float:
    """The truth, P(Y=1 | do(X=1)) = sum_z p_y[1][z] P(Z=z): setting X cuts Z -> X."""
    p_z = [1 - model["p_z"], model["p_z"]]
    return sum(model["p_y"][1][z] * p_z[z] for z in (0, 1))


def p_x1(model: dict) -> float:
    return (1 - model["p_z"]) * model["p_x"][0] + model["p_z"] * model["p_x"][1]


def p_y_given_x(model: dict) -> float:
    """The known wrong answer, P(Y=1 | X=1): conditioning weights Z by P(Z=z | X=1)."""
    joint = [(1 - model["p_z"]) * model["p_x"][0], model["p_z"] * model["p_x"][1]]
    return sum(model["p_y"][1][z] * joint[z] for z in (0, 1)) / p_x1(model)


# --------------------------------------------------------------- the design
POWER = 0.999   # chance that each known wrong answer fails, per comparison


def wrong_values(model: dict) -> list[tuple[float, float]]:
    """REPLACE: every known wrong answer on this model, as (value, SD of its estimate
    times sqrt(num_samples)). Conditioning instead of intervening keeps only the draws
    with X=1, a share p_x1 of them. On any model but the stated one, the stated
    model's truth typed in is wrong too (what a lookup table or a constant returns
    there; it has no noise)."""
    wrong = p_y_given_x(model)
    out = [(wrong, math.sqrt(wrong * (1 - wrong) / p_x1(model)))]
    if model != MODEL:
        out.append((p_y_do(MODEL), 0.0))
    return out


def model_size(model: dict, alpha: float) -> float:
    """Smallest n at which every wrong answer lands outside the band around the truth
    with probability POWER (inf when one equals the truth). sigma is the larger of the
    truth's SD and the wrong answer's: the band (the truth's SE) keeps false fails at
    alpha, and the power against the noisier wrong answer holds too."""
    truth = p_y_do(model)
    need = 0
    for wrong, wrong_sd in wrong_values(model):
        gap = abs(truth - wrong)
        if gap == 0:
            return math.inf
        sigma = max(math.sqrt(truth * (1 - truth)), wrong_sd)
        need = max(need, required_n(sigma, gap, alpha, power=POWER))
    return need


@hw.design
def design(budget: float) -> dict[str, int]:
    """Every sample size, from the budget. Called once per budget after all questions
    are declared, so hw.total_checks is final. Rounded up to a thousand for the text."""
    alpha = budget / hw.total_checks
    return {"num_samples": int(math.ceil(model_size(MODEL, alpha) / 1000) * 1000)}


# --------------------------------------------------------- the probe inputs
# A function called only on the stated model can be passed by a lookup table, so it is
# also called on a model drawn for each submission from the grader's seed. The accept
# rule is the design's own condition, checked on the drawn model: at num_samples every
# known wrong answer still fails with probability POWER.
def random_model(rng) -> dict:
    return {"p_z": float(rng.uniform(0.1, 0.9)),
            "p_x": [float(v) for v in rng.uniform(0.05, 0.95, 2)],
            "p_y": [[float(v) for v in rng.uniform(0.05, 0.95, 2)] for _ in range(2)]}


@functools.lru_cache(maxsize=1024)
def drawn_model(seed: int, budget: float) -> dict:
    n, alpha = hw.sizes(budget)["num_samples"], budget / hw.total_checks
    return draw_probe(seed, random_model, lambda m: model_size(m, alpha) <= n)


def probe_models(ctx) -> dict[str, dict]:
    """{label: model} the grader hands this submission's function."""
    return {"stated": MODEL, "grader's": drawn_model(ctx.seed_for("model"), ctx.budget)}


def probe_calls(ctx) -> dict[str, tuple[str, dict]]:
    """{label: (student's function, keyword arguments)}; the kernel runs each call."""
    return {label: ("p_y_do", {"model": model, "num_samples": ctx.sizes["num_samples"],
                               "seed": ctx.seed_for(f"p_y_do:{label}")})
            for label, model in probe_models(ctx).items()}


# --------------------------------------------------------------- questions
# REPLACE: one hw.question per autograded test cell, keyed by its grade_id. `answers`
# names variables to read, `calls` functions to call; the check gets plain data in
# `values`. n_checks = the random comparisons it makes: the budget is split evenly
# among all of them (ctx.alpha). An exact comparison (se=0) counts 0.
@hw.question("test_p_y_do", calls=probe_calls, n_checks=2)
def check_p_y_do(values, ctx):
    n = ctx.sizes["num_samples"]
    results = []
    for label, model in probe_models(ctx).items():
        name = f"p_y_do(...) on the {label} model"
        truth = p_y_do(model)
        # The band: z(ctx.alpha) standard errors of a share of n draws. The message
        # says where to look, never the truth or the band.
        results.append(close_to(as_float(values[label], name), truth,
                                math.sqrt(truth * (1 - truth) / n), ctx.alpha, name=name,
                                hint="Check that X is set to 1 in every draw (an "
                                     "intervention), that Z is still drawn from its own "
                                     "distribution, and that you use all `num_samples` draws "
                                     "of the `model` you are given."))
    return all_of(results, "p_y_do")


# ------------------------------------------------------ known wrong answers
# REPLACE: one per mistake of the content brief. Takes the extracted answers
# {grade_id: values} and returns them with the questions this mistake changes
# replaced by what such a submission yields, its sampling noise drawn from
# ctx.noise(). `says` finishes the student's sentence "This matches the answer you
# get ...".
@hw.wrong_answer("conditioning on X=1 instead of setting it",
                 says="by keeping the draws that happen to have X=1 (conditioning) instead "
                      "of setting X=1 in every draw (intervening)")
def wrong_conditioning(values, ctx):
    rng, n = ctx.noise(), ctx.sizes["num_samples"]
    answers = {}
    for label, model in probe_models(ctx).items():
        kept = max(1, int(rng.binomial(n, p_x1(model))))   # the draws that had X=1
        answers[label] = float(rng.binomial(kept, p_y_given_x(model)) / kept)
    return {**values, "test_p_y_do": answers}


# ------------------------------------------------------------- variants
# REPLACE: one entry per file under solutions/__HW_ID__/mistakes/ and alternatives/,
# saying what it scores: `loses` earns nothing, `partly` some, every other question
# full marks; `told` is what its messages must say. Release refuses a file that is not
# declared here; the contract test grades each entry with a seed in a real kernel.
hw.variant("mistakes/conditioning.py", seed=6, loses=["test_p_y_do"])
hw.variant("alternatives/adjustment.py", seed=5)
