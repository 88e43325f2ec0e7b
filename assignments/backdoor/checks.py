"""Hidden checks for the back-door adjustment homework (content brief, section 2).

Never released to students. Every truth is derived here from the counts in
datasets/backdoor/promotions.csv; every band comes from a standard error, the
sample size the question requires, and the false-fail budget.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from autograder.checks import (FLOAT32_FLOOR, ROUNDING_3DP, all_of, as_array, as_dict,
                               as_float, close_to, draw_probe, failed, passed,
                               required_n_against, stated_n)
from autograder.checks import DEFAULT_BUDGET
from autograder.homework import Homework
from autograder.studies.backdoor import (BRIEF_OVERALL, PROBE_RANGE, ace, ace_se,  # noqa: F401
                                         brief_overall_rates, cpts_from_counts, interventional,
                                         load_counts, naive_contrast, observational,
                                         random_cpts, transposed_y)

DATA = Path(__file__).resolve().parents[2] / "datasets" / "backdoor" / "promotions.csv"

# Students may give CPT entries rounded to 3 decimals (the brief's rounded CPTs:
# ROUNDING_3DP); the probes hand exact tables to their functions (FLOAT32_FLOOR).
hw = Homework()


# ---------------------------------------------------------------- the facts
# The study's formulas live in autograder/studies/backdoor.py (ipw grades the same study).
TRUE_CPTS = cpts_from_counts(*load_counts(DATA))


# --------------------------------------------------- required sample size
def wrong_values(cpts: dict) -> dict[str, float]:
    """Known wrong ACEs (brief §2) on a probe table: the naive contrast and the
    transposed P(Y|X,Z), computed from the table; the brief's Overall row typed in;
    and, on any table but the study's, the study's ACE typed in (what a lookup table
    or a constant returns there)."""
    overall = brief_overall_rates()
    out = {"naive": naive_contrast(cpts), "naive, brief's overall row": overall[0] - overall[1],
           "transposed P(Y|X,Z)": ace(transposed_y(cpts))}
    if cpts != TRUE_CPTS:
        out["the study's ACE typed in"] = ace(TRUE_CPTS)
    return out


def table_sample_size(cpts: dict, budget: float = DEFAULT_BUDGET) -> float:
    """Smallest n that rejects every known wrong ACE on this table with power 0.999 at
    the per-check level (inf if one is within the float32 floor). The wrong values are
    plug-in numbers, sized with the truth's SE."""
    return required_n_against(ace(cpts), ace_se(cpts, 1),
                              [(wrong, 0.0) for wrong in wrong_values(cpts).values()],
                              budget / hw.total_checks, floor=FLOAT32_FLOOR)


FIXED_TABLES = {"observed": TRUE_CPTS}


def design_sample_size(budget: float = DEFAULT_BUDGET) -> int:
    """table_sample_size of the study's table, rounded up to a thousand."""
    return stated_n(table_sample_size, FIXED_TABLES.values(), budget)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_samples: stated in the question text ({{num_samples}}), passed to every probe."""
    return {"num_samples": design_sample_size(budget)}


# ------------------------------------------------------------ probe tables
# The functions are called on two tables: the study's own ("observed") and one drawn
# for each submission from the grader's seed ("grader's"), so a lookup of typed-in
# answers cannot know it. The family: CPTs of the same DAG Z -> X, Z -> Y, X -> Y with
# each of the 7 probabilities uniform on [0.05, 0.95], kept only when
# table_sample_size(table) <= num_samples (rejection sampling; about 1 in 10 is kept).
# Why the design holds on every table handed out:
# - missed mistakes: that rule *is* the design's condition, on the table itself: each
#   known wrong answer, the typed-in study ACE included, fails with power >= 0.999
#   at the per-check level with the design's num_samples;
# - false fails: the band is z * ace_se(table, n), and ace_se bounds every allowed
#   estimator on any table (see ace_se), so a correct answer fails at most at alpha.
# The truths come from interventional(), the code that derives the study's.
@functools.lru_cache(maxsize=1024)
def grader_table(seed: int, budget: float = DEFAULT_BUDGET) -> dict:
    n = hw.sizes(budget)["num_samples"]
    return draw_probe(seed, random_cpts, lambda c: table_sample_size(c, budget) <= n)


def probe_tables(ctx) -> dict[str, dict]:
    """{label: table} the grader hands this submission's functions (the same for both
    questions)."""
    return {**FIXED_TABLES, "grader's": grader_table(ctx.seed_for("backdoor:probe table"),
                                                     ctx.budget)}


# ------------------------------------------------------------------ checks
def _table(value, name, shape):
    return as_array(value, name, shape=shape)


@hw.question("test_cpts", answers=["cpts"], n_checks=0)
def check_cpts(values, ctx):
    cpts = as_dict(values["cpts"], "cpts", TRUE_CPTS)
    results = [close_to(as_float(cpts["p_z1"], "cpts['p_z1']"), TRUE_CPTS["p_z1"], 0.0, 1.0,
                        ROUNDING_3DP, name="cpts['p_z1']",
                        hint="It is the share of happy subscribers among all 70,000.")]
    hints = {"p_x_given_z": "Rows are indexed by Z and each row must sum to one.",
             "p_y_given_xz": "The first index is the promotion X, the second the happiness Z."}
    for key, hint in hints.items():
        name = f"cpts[{key!r}]"
        got, truth = _table(cpts[key], name, (2, 2)), np.asarray(TRUE_CPTS[key])
        if np.all(np.abs(got - truth) <= ROUNDING_3DP):
            results.append(passed(f"`{name}` is correct."))
        elif np.all(np.abs(got.T - truth) <= ROUNDING_3DP):
            results.append(failed(f"`{name}` looks transposed. {hint}"))
        else:
            results.append(failed(f"`{name}` is not correct. {hint}"))
    return results


def _probe_calls(func):
    def calls(ctx):
        return {label: (func, {"cpts": cpts, "num_samples": ctx.sizes["num_samples"],
                               "seed": ctx.seed_for(f"{func}:{label}")})
                for label, cpts in probe_tables(ctx).items()}
    return calls


def _check_ace_probes(values, ctx, func, hint):
    return all_of([close_to(as_float(values[label], f"{func}(...) on the {label} table"), ace(cpts),
                            ace_se(cpts, ctx.sizes["num_samples"]), ctx.alpha, FLOAT32_FLOOR,
                            name=f"{func}(...) on the {label} table", hint=hint)
                   for label, cpts in probe_tables(ctx).items()], func)


@hw.question("test_backdoor", calls=_probe_calls("backdoor_ace"), n_checks=2)
def check_backdoor(values, ctx):
    return _check_ace_probes(values, ctx, "backdoor_ace",
                             "Check which variable you adjust for, how you weight its strata, "
                             "and that the function draws `num_samples` samples from the "
                             "`cpts` it is given.")


@hw.question("test_do", calls=_probe_calls("do_ace"), n_checks=2)
def check_do(values, ctx):
    return _check_ace_probes(values, ctx, "do_ace",
                             "Check that you intervene on X with pyro.do (not condition on it) "
                             "and that X=0 comes first in the difference.")


@hw.question("test_naive", answers=["naive_difference"], n_checks=0)
def check_naive(values, ctx):
    return close_to(as_float(values["naive_difference"], "naive_difference"),
                    naive_contrast(TRUE_CPTS), 0.0, 1.0, ROUNDING_3DP, name="naive_difference",
                    hint="Use the overall renewal rates of each promotion, ignoring happiness.")


# ------------------------------------------- known wrong answers (brief, §2)
# Each returns what a submission making that mistake would hand the checks:
# {grade_id: values}, with sampling noise from num_samples draws per probability.
def _estimate(rng, p_pair, n: int) -> float:
    return float(rng.binomial(n, p_pair[0]) / n - rng.binomial(n, p_pair[1]) / n)


def _ace_probes(rng, quantity, ctx) -> dict:
    return {label: _estimate(rng, quantity(c), ctx.sizes["num_samples"])
            for label, c in probe_tables(ctx).items()}


def _both_questions(values, ctx, quantity) -> dict:
    """The answers with test_backdoor and test_do estimated from `quantity` of each
    probe table (the pair of probabilities it gives), each with its own noise."""
    rng = ctx.noise()
    return {**values, "test_backdoor": _ace_probes(rng, quantity, ctx),
            "test_do": _ace_probes(rng, quantity, ctx)}


@hw.wrong_answer("naive contrast (Simpson's paradox)",
                 says="from the plain difference in renewal rates, without adjusting for happiness (Simpson's paradox)")
def wrong_naive(values, ctx):
    return _both_questions(values, ctx, observational)


@hw.wrong_answer("naive contrast, brief's overall row",
                 says="from the overall renewal rates, without adjusting for happiness (Simpson's paradox)")
def wrong_naive_overall(values, ctx):
    return _both_questions(values, ctx, brief_overall_rates)


@hw.wrong_answer("transposed CPTs",
                 says='when P(Y | X, Z) is read with its two indices swapped')
def wrong_transposed(values, ctx):
    flipped = {"cpts": {"p_z1": TRUE_CPTS["p_z1"],
                        "p_x_given_z": np.asarray(TRUE_CPTS["p_x_given_z"]).T,
                        "p_y_given_xz": np.asarray(TRUE_CPTS["p_y_given_xz"]).T}}
    return {**_both_questions(values, ctx, lambda c: interventional(transposed_y(c))),
            "test_cpts": flipped}


# The manifest: what each file of solutions/backdoor/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
RIGHT_ON_STUDY_ONLY = ("gives the right value here, but that counts only when it is right",
                       "on the grader's table` is further from the correct value")
hw.variant("alternatives/enumeration.py", seed=5)
# written apart from the reference; tests/test_similarity.py also uses it as a pair not to flag
hw.variant("alternatives/independent.py", seed=13)
hw.variant("mistakes/naive.py", seed=6, loses=["test_backdoor", "test_do"])
hw.variant("mistakes/transposed.py", seed=7, loses=["test_backdoor", "test_do"],
           partly=["test_cpts"], told={"test_cpts": "looks transposed"})
hw.variant("mistakes/constant.py", seed=8, loses=["test_backdoor", "test_do"],
           told={"test_backdoor": ("grader's table` is further from the correct value",
                                   "counts only when it is right on every input")})
hw.variant("mistakes/lookup.py", seed=12, loses=["test_backdoor", "test_do"],
           told={"test_backdoor": RIGHT_ON_STUDY_ONLY, "test_do": RIGHT_ON_STUDY_ONLY})
# graded in the pipeline test (tests/test_pipeline.py, carol's submission)
hw.variant("mistakes/runtime_error.py", loses=["test_do"])
