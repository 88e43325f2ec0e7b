"""Hidden checks for __TITLE__ (__HW_ID__). Never released to students.

Written by `course new` as a worked example of the declaration; replace the model,
the question and the mistake with your homework's, keeping its shape:
- the facts (truths) are DERIVED in code from the model the question states;
- the probes (what the grader hands the student's function) are declared once: here a
  family of models, the stated one and one drawn per submission (checks.ProbeTables),
  which also gives the design, every sample size from the false-fail budget (the
  notebook states it as {{num_samples}});
- each question names its test cell's grade_id, what to read or call in the student's
  kernel, and how many random comparisons it makes (`n_checks`);
- each `hw.wrong_answer` simulates what a submission with one known mistake hands
  the checks, so `course calibrate` can measure how often it is caught.
Guide: docs/authoring.md; the statistics behind the bands: docs/statistics.md.
"""
from __future__ import annotations

import math

from autograder.checks import ProbeTables
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


def p_y_do_se(model: dict, n: int) -> float:
    """The band's SE: a share of n draws (it must bound every method the question allows)."""
    truth = p_y_do(model)
    return math.sqrt(truth * (1 - truth) / n)


def p_x1(model: dict) -> float:
    return (1 - model["p_z"]) * model["p_x"][0] + model["p_z"] * model["p_x"][1]


def p_y_given_x(model: dict) -> float:
    """The known wrong answer, P(Y=1 | X=1): conditioning weights Z by P(Z=z | X=1)."""
    joint = [(1 - model["p_z"]) * model["p_x"][0], model["p_z"] * model["p_x"][1]]
    return sum(model["p_y"][1][z] * joint[z] for z in (0, 1)) / p_x1(model)


def wrong_values(model: dict) -> dict[str, tuple[float, float]]:
    """REPLACE: every known wrong answer on a model, as (value, SD of its estimate times
    sqrt(num_samples)). Conditioning instead of intervening keeps only the draws with
    X=1, a share p_x1 of them. (On a drawn model the stated model's truth typed in is
    one more: what a lookup table or a constant returns there. The family adds it.)"""
    wrong = p_y_given_x(model)
    return {"conditioning on X=1": (wrong, math.sqrt(wrong * (1 - wrong) / p_x1(model)))}


# --------------------------------------------------------- the probe inputs
# A function called only on the stated model can be passed by a lookup table, so it is
# also called on two models drawn for each submission from the grader's seed, the second
# with a band disjoint from the first's (so no constant passes both). A drawn model is
# kept only where the design's condition holds on it too: at num_samples every known
# wrong answer fails with probability 0.999. REPLACE the family with your question's.
def random_model(rng) -> dict:
    return {"p_z": float(rng.uniform(0.1, 0.9)),
            "p_x": [float(v) for v in rng.uniform(0.05, 0.95, 2)],
            "p_y": [[float(v) for v in rng.uniform(0.05, 0.95, 2)] for _ in range(2)]}


probe_models = ProbeTables(hw, fixed={"stated": MODEL}, propose=random_model, truth=p_y_do,
                           se=p_y_do_se, wrong=wrong_values, seed_label="model", arg="model",
                           noun="model", typed_in="the stated model's truth typed in")
# The design: num_samples, the smallest n (rounded up to a thousand) at which every wrong
# answer lands outside the band with power 0.999 (sigma the larger of the truth's and the
# mistake's SD per draw, so both error rates hold).
hw.design(probe_models.design)

# --------------------------------------------------------------- questions
# REPLACE: one question per autograded test cell, keyed by its grade_id. This one calls
# p_y_do(model=..., num_samples=..., seed=...) on each probe model and checks each answer
# within z(ctx.alpha) standard errors of its truth (one random comparison per model), all
# or nothing: right on the stated model alone is what a typed-in number achieves. For a
# question of your own: @hw.question(grade_id, answers=[...] or calls=..., n_checks=...)
# over a function of (values, ctx) that returns CheckResults (docs/authoring.md).
probe_models.question("test_p_y_do", "p_y_do",
                      "Check that X is set to 1 in every draw (an intervention), that Z is still "
                      "drawn from its own distribution, and that you use all `num_samples` draws "
                      "of the `model` you are given.")


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

    def estimate(model):
        kept = max(1, int(rng.binomial(n, p_x1(model))))   # the draws that had X=1
        return float(rng.binomial(kept, p_y_given_x(model)) / kept)
    return {**values, "test_p_y_do": probe_models.per_table(ctx, estimate)}


# ------------------------------------------------------------- variants
# REPLACE: one entry per file under solutions/__HW_ID__/mistakes/ and alternatives/,
# saying what it scores: `loses` earns nothing, `partly` some, every other question
# full marks; `told` is what its messages must say. Release refuses a file that is not
# declared here; the contract test grades each entry with a seed in a real kernel.
hw.variant("mistakes/conditioning.py", seed=6, loses=["test_p_y_do"])
hw.variant("alternatives/adjustment.py", seed=5)
