"""Hidden checks for the back-door adjustment homework (content brief, section 2).

Never released to students. Every truth is derived here from the counts in
datasets/backdoor/promotions.csv; every band comes from a standard error, the
sample size the question requires, and the false-fail budget.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import (FLOAT32_FLOOR, LOOKUP_TOLD, ROUNDING_3DP, ProbeTables, as_dict,
                               as_float, close_to, exact_table, transposed)
from autograder.homework import Homework
from autograder.studies.backdoor import (PROBE_RANGE, ace, ace_se,  # noqa: F401
                                         brief_overall_rates, cpts_from_counts, interventional,
                                         load_counts, naive_contrast, observational,
                                         random_cpts, stratum_aces, stratum_rates,
                                         transposed_y)

DATA = Path(__file__).resolve().parents[2] / "datasets" / "backdoor" / "promotions.csv"

hw = Homework()
# The study's formulas live in autograder/studies/backdoor.py (ipw grades the same study).
TRUE_CPTS = cpts_from_counts(*load_counts(DATA))


def wrong_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """Known wrong ACEs (brief §2) on a probe table: the naive contrast and the
    transposed P(Y|X,Z), computed from the table, and the brief's Overall row typed in.
    They are plug-in numbers, sized with the truth's SE (no SD of their own)."""
    overall = brief_overall_rates()
    return {"naive": (naive_contrast(cpts), 0.0),
            "naive, brief's overall row": (overall[0] - overall[1], 0.0),
            "transposed P(Y|X,Z)": (ace(transposed_y(cpts)), 0.0)}


# The functions are called on the study's table and on one drawn for each submission:
# CPTs of the same DAG, each probability uniform on PROBE_RANGE, about 1 in 10 kept by the
# design's rule (checks/tables.py); ace_se bounds every allowed estimator on any table.
# The estimator questions also get a second drawn table, whose band is disjoint from the
# first's and which rejects an effect computed from one happiness level's subscribers alone
# (within the band on the study's table: 0.063 and 0.046 against 0.055).
probe_tables = ProbeTables(hw, fixed={"observed": TRUE_CPTS}, propose=random_cpts, truth=ace,
                           se=ace_se, wrong=wrong_aces, seed_label="backdoor:probe table",
                           floor=FLOAT32_FLOOR, subset=stratum_aces)
hw.design(probe_tables.design)   # num_samples, stated in the question ({{num_samples}})


# ------------------------------------------------------------------ checks
@hw.question("test_cpts", answers=["cpts"], n_checks=0)
def check_cpts(values, ctx):
    cpts = as_dict(values["cpts"], "cpts", TRUE_CPTS)
    hints = {"p_x_given_z": "Rows are indexed by Z and each row must sum to one.",
             "p_y_given_xz": "The first index is the promotion X, the second the happiness Z."}
    return [close_to(as_float(cpts["p_z1"], "cpts['p_z1']"), TRUE_CPTS["p_z1"], 0.0, 1.0,
                     ROUNDING_3DP, name="cpts['p_z1']",
                     hint="It is the share of happy subscribers among all 70,000.")] + [
        exact_table(cpts[key], TRUE_CPTS[key], f"cpts[{key!r}]", ROUNDING_3DP, hint,
                    near=transposed(TRUE_CPTS[key], hint)) for key, hint in hints.items()]


probe_tables.question("test_backdoor", "backdoor_ace",
                      "Check which variable you adjust for, how you weight its strata, and that "
                      "the function draws `num_samples` samples from the `cpts` it is given.")


probe_tables.question("test_do", "do_ace",
                      "Check that you intervene on X with pyro.do (not condition on it) and that "
                      "X=0 comes first in the difference.")


@hw.question("test_naive", answers=["naive_difference"], n_checks=0)
def check_naive(values, ctx):
    return close_to(as_float(values["naive_difference"], "naive_difference"),
                    naive_contrast(TRUE_CPTS), 0.0, 1.0, ROUNDING_3DP, name="naive_difference",
                    hint="Use the overall renewal rates of each promotion, ignoring happiness.")


# ------------------------------------------- known wrong answers (brief, §2)
# Both questions estimated from `quantity` (a pair of probabilities) of each probe table.
def _both_questions(values, ctx, quantity) -> dict:
    return {**values, **probe_tables.binomial_estimates(ctx, quantity, ["test_backdoor", "test_do"])}


hw.wrong_answer("naive contrast (Simpson's paradox)",
                says="from the plain difference in renewal rates, without adjusting for "
                     "happiness (Simpson's paradox)")(
    lambda values, ctx: _both_questions(values, ctx, observational))
hw.wrong_answer("naive contrast, brief's overall row",
                says="from the overall renewal rates, without adjusting for happiness "
                     "(Simpson's paradox)")(
    lambda values, ctx: _both_questions(values, ctx, brief_overall_rates))


@hw.wrong_answer("transposed CPTs", says="when P(Y | X, Z) is read with its two indices swapped")
def wrong_transposed(values, ctx):
    flipped = {key: np.asarray(TRUE_CPTS[key]).T for key in ("p_x_given_z", "p_y_given_xz")}
    return {**_both_questions(values, ctx, lambda c: interventional(transposed_y(c))),
            "test_cpts": {"cpts": {"p_z1": TRUE_CPTS["p_z1"], **flipped}}}


def _one_stratum(z: int, who: str):
    hw.wrong_answer(f"effect among {who} subscribers only",
                    says="from one happiness level's subscribers alone: the adjusted effect "
                         "averages both levels' effects, weighted by how common each level is")(
        lambda values, ctx: _both_questions(values, ctx, lambda c: stratum_rates(c, z)))


for _z, _who in ((0, "unhappy"), (1, "happy")):
    _one_stratum(_z, _who)


hw.wrong_answer("contrast reversed (X=1 minus X=0)",
                says="when the contrast is taken the other way round (X=1 minus X=0)")(
    lambda values, ctx: _both_questions(values, ctx, lambda c: interventional(c)[::-1]))


@hw.wrong_answer("ACE typed in as a constant",
                 says="when a number is typed in instead of computed from the function's arguments")
def wrong_constant(values, ctx):
    typed = dict.fromkeys(probe_tables.estimate_tables(ctx), round(ace(TRUE_CPTS), 3))
    return {**values, "test_backdoor": typed, "test_do": dict(typed)}


# The manifest (autograder/homework.py): what each file of solutions/backdoor/ scores.
hw.variant("alternatives/enumeration.py", seed=5)
# written apart from the reference; tests/test_similarity.py also uses it as a pair not to flag
hw.variant("alternatives/independent.py", seed=13)
hw.variant("mistakes/naive.py", seed=6, loses=["test_backdoor", "test_do"])
hw.variant("mistakes/transposed.py", seed=7, loses=["test_backdoor", "test_do"],
           partly=["test_cpts"], told={"test_cpts": "looks transposed"})
hw.variant("mistakes/constant.py", seed=8, loses=["test_backdoor", "test_do"],
           told={"test_backdoor": ("table` is further from the correct value",
                                   "counts only when it is right on every input")})
hw.variant("mistakes/lookup.py", seed=12, loses=["test_backdoor", "test_do"],
           told=dict.fromkeys(["test_backdoor", "test_do"], LOOKUP_TOLD))
# one stratum's effect: within the band on the study's table, rejected on the second
hw.variant("mistakes/one_stratum.py", seed=14, loses=["test_backdoor", "test_do"])
# two slips in one run: the contrast reversed (backdoor_ace), the brief's Overall row (do_ace)
hw.variant(("mistakes/reversed.py", "mistakes/overall_row.py"), seed=15,
           loses=["test_backdoor", "test_do"])
# graded in the pipeline test (tests/test_pipeline.py, carol's submission)
hw.variant("mistakes/runtime_error.py", loses=["test_do"])
