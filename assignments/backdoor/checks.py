"""Hidden checks for the back-door adjustment homework (content brief, section 2).

Never released to students. Every truth is derived here from the counts in
datasets/backdoor/promotions.csv; every band comes from a standard error, the
sample size the question requires, and the false-fail budget.
"""
from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

import numpy as np

from autograder.checks import (AnswerError, all_of, as_array, as_float, close_to, draw_probe,
                               failed, passed, required_n)
from autograder.config import DEFAULT_BUDGET
from autograder.homework import Homework

DATA = Path(__file__).resolve().parents[2] / "datasets" / "backdoor" / "promotions.csv"

# Students may give CPT entries rounded to 3 decimals (the brief's rounded CPTs),
# so an exact table answer may be off by half a unit in the third decimal.
CPT_ROUNDING = 5e-4
# The probes hand the exact tables to the student's function; only float32
# arithmetic separates an exact answer from ours.
FLOAT32_FLOOR = 1e-6

hw = Homework()


# ---------------------------------------------------------------- the facts
def load_counts(path: Path = DATA) -> tuple[np.ndarray, np.ndarray]:
    """renewed[x, z] and total[x, z] from the data file."""
    renewed, total = np.zeros((2, 2)), np.zeros((2, 2))
    with path.open() as fh:
        for row in csv.DictReader(fh):
            x, z = int(row["promotion"]), int(row["happiness"])
            renewed[x, z], total[x, z] = float(row["renewed"]), float(row["total"])
    return renewed, total


def cpts_from_counts(renewed: np.ndarray, total: np.ndarray) -> dict:
    """Maximum-likelihood CPTs of the DAG Z -> X, Z -> Y, X -> Y."""
    n_z = total.sum(axis=0)                               # subscribers per happiness level
    return {
        "p_z1": float(n_z[1] / n_z.sum()),                # P(Z=1)
        "p_x_given_z": (total / n_z).T.tolist(),          # [z][x] = P(X=x | Z=z)
        "p_y_given_xz": (renewed / total).tolist(),       # [x][z] = P(Y=1 | X=x, Z=z)
    }


def interventional(cpts: dict) -> np.ndarray:
    """[P(Y=1 | do(X=0)), P(Y=1 | do(X=1))] by the back-door adjustment formula."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    return np.asarray(cpts["p_y_given_xz"]) @ p_z


def ace(cpts: dict) -> float:
    p = interventional(cpts)
    return float(p[0] - p[1])


def observational(cpts: dict) -> np.ndarray:
    """[P(Y=1 | X=0), P(Y=1 | X=1)]: association, not causation."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    joint_xz = (np.asarray(cpts["p_x_given_z"]) * p_z[:, None]).T   # [x][z] = P(x, z)
    return (joint_xz * np.asarray(cpts["p_y_given_xz"])).sum(1) / joint_xz.sum(1)


def naive_contrast(cpts: dict) -> float:
    p = observational(cpts)
    return float(p[0] - p[1])


def transposed_y(cpts: dict) -> dict:
    """The classic indexing slip: reading P(Y | X, Z) as if it were [z][x]."""
    return {**cpts, "p_y_given_xz": np.asarray(cpts["p_y_given_xz"]).T.tolist()}


TRUE_CPTS = cpts_from_counts(*load_counts())


# The brief's "Overall" row (renewed / total per promotion). Its numerators are
# not the sums of its strata (27272 vs 27401, 28902 vs 28921), so the naive
# contrast it gives (-0.0466) differs from the one the strata give (-0.0434);
# both are the Simpson's-paradox answer and both must fail.
BRIEF_OVERALL = {0: (27272, 35000), 1: (28902, 35000)}


def brief_overall_rates(cpts: dict = None) -> np.ndarray:
    """The Overall row's renewal rates. They are numbers typed in from the brief, so a
    function that uses them returns them whatever table it is handed."""
    return np.array([BRIEF_OVERALL[x][0] / BRIEF_OVERALL[x][1] for x in (0, 1)])


def ace_se(cpts: dict, n: int) -> float:
    """SE of an ACE estimated from n draws of each interventional distribution.

    The question asks for num_samples draws per probability estimated; drawing
    from P(Y | do(x)) directly is the noisiest such estimator (per-stratum
    estimates of P(Y | x, z) have variance sum_z P(z)^2 p(1-p)/n, which is
    smaller by the law of total variance, on every table), so this SE bounds
    every method the question allows.
    """
    p = interventional(cpts)
    return math.sqrt(float((p * (1 - p)).sum()) / n)


# --------------------------------------------------- required sample size
RANDOM_CHECKS = 4  # two probes in each of test_backdoor and test_do


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
    the per-check level budget / RANDOM_CHECKS (inf if one is within the float32 floor)."""
    alpha = budget / RANDOM_CHECKS
    sigma = ace_se(cpts, 1)
    gaps = [abs(ace(cpts) - wrong) for wrong in wrong_values(cpts).values()]
    if min(gaps) <= FLOAT32_FLOOR:
        return math.inf
    return max(required_n(sigma, gap, alpha, power=0.999, delta=FLOAT32_FLOOR) for gap in gaps)


FIXED_TABLES = {"observed": TRUE_CPTS}


def design_sample_size(budget: float = DEFAULT_BUDGET) -> int:
    """table_sample_size of the study's table, rounded up to a thousand."""
    need = max(table_sample_size(c, budget) for c in FIXED_TABLES.values())
    return int(math.ceil(need / 1000) * 1000)


NUM_SAMPLES = design_sample_size()  # stated in the question text; a test keeps them equal


# ------------------------------------------------------------ probe tables
# The functions are called on two tables: the study's own ("observed") and one drawn
# for each submission from the grader's seed ("grader's"), so a lookup of typed-in
# answers cannot know it. The family: CPTs of the same DAG Z -> X, Z -> Y, X -> Y with
# each of the 7 probabilities uniform on [0.05, 0.95], kept only when
# table_sample_size(table) <= NUM_SAMPLES (rejection sampling; about 1 in 10 is kept).
# Why the design holds on every table handed out:
# - missed mistakes: that rule *is* the design's condition, on the table itself: each
#   known wrong answer, the typed-in study ACE included, fails with power >= 0.999
#   at the per-check level with num_samples = NUM_SAMPLES;
# - false fails: the band is z * ace_se(table, n), and ace_se bounds every allowed
#   estimator on any table (see ace_se), so a correct answer fails at most at alpha.
# The truths come from interventional(), the code that derives the study's.
PROBE_RANGE = (0.05, 0.95)


def random_cpts(rng) -> dict:
    """One candidate table, as plain floats (the kernel gets it as a literal)."""
    p = rng.uniform(*PROBE_RANGE, size=7).tolist()
    return {"p_z1": p[0],
            "p_x_given_z": [[1 - p[1], p[1]], [1 - p[2], p[2]]],
            "p_y_given_xz": [[p[3], p[4]], [p[5], p[6]]]}


@functools.lru_cache(maxsize=1024)
def grader_table(seed: int, budget: float = DEFAULT_BUDGET) -> dict:
    return draw_probe(seed, random_cpts, lambda c: table_sample_size(c, budget) <= NUM_SAMPLES)


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
    cpts = values["cpts"]
    if not isinstance(cpts, dict):
        raise AnswerError("`cpts` should be a dict with keys 'p_z1', 'p_x_given_z' and "
                          "'p_y_given_xz'.")
    missing = [k for k in TRUE_CPTS if k not in cpts]
    if missing:
        raise AnswerError(f"`cpts` is missing the key {missing[0]!r}.")
    results = [close_to(as_float(cpts["p_z1"], "cpts['p_z1']"), TRUE_CPTS["p_z1"], 0.0, 1.0,
                        CPT_ROUNDING, name="cpts['p_z1']",
                        hint="It is the share of happy subscribers among all 70,000.")]
    hints = {"p_x_given_z": "Rows are indexed by Z and each row must sum to one.",
             "p_y_given_xz": "The first index is the promotion X, the second the happiness Z."}
    for key, hint in hints.items():
        name = f"cpts[{key!r}]"
        got, truth = _table(cpts[key], name, (2, 2)), np.asarray(TRUE_CPTS[key])
        if np.all(np.abs(got - truth) <= CPT_ROUNDING):
            results.append(passed(f"`{name}` is correct."))
        elif np.all(np.abs(got.T - truth) <= CPT_ROUNDING):
            results.append(failed(f"`{name}` looks transposed. {hint}"))
        else:
            results.append(failed(f"`{name}` is not correct. {hint}"))
    return results


def _probe_calls(func):
    def calls(ctx):
        return {label: (func, {"cpts": cpts, "num_samples": NUM_SAMPLES,
                               "seed": ctx.seed_for(f"{func}:{label}")})
                for label, cpts in probe_tables(ctx).items()}
    return calls


def _check_ace_probes(values, ctx, func, hint):
    return all_of([close_to(as_float(values[label], f"{func}(...) on the {label} table"), ace(cpts),
                            ace_se(cpts, NUM_SAMPLES), ctx.alpha, FLOAT32_FLOOR,
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
                    naive_contrast(TRUE_CPTS), 0.0, 1.0, CPT_ROUNDING, name="naive_difference",
                    hint="Use the overall renewal rates of each promotion, ignoring happiness.")


# ------------------------------------------- known wrong answers (brief, §2)
# Each returns what a submission making that mistake would hand the checks:
# {grade_id: values}, with sampling noise from num_samples draws per probability.
def _estimate(rng, p_pair) -> float:
    return float(rng.binomial(NUM_SAMPLES, p_pair[0]) / NUM_SAMPLES
                 - rng.binomial(NUM_SAMPLES, p_pair[1]) / NUM_SAMPLES)


def _ace_probes(rng, quantity, ctx) -> dict:
    return {label: _estimate(rng, quantity(c)) for label, c in probe_tables(ctx).items()}


@hw.wrong_answer("naive contrast (Simpson's paradox)",
                 says="from the plain difference in renewal rates, without adjusting for happiness (Simpson's paradox)")
def wrong_naive(values, ctx):
    rng = ctx.noise()
    return {**values, "test_backdoor": _ace_probes(rng, observational, ctx),
            "test_do": _ace_probes(rng, observational, ctx)}


@hw.wrong_answer("naive contrast, brief's overall row",
                 says="from the overall renewal rates, without adjusting for happiness (Simpson's paradox)")
def wrong_naive_overall(values, ctx):
    rng = ctx.noise()
    return {**values, "test_backdoor": _ace_probes(rng, brief_overall_rates, ctx),
            "test_do": _ace_probes(rng, brief_overall_rates, ctx)}


@hw.wrong_answer("transposed CPTs",
                 says='when P(Y | X, Z) is read with its two indices swapped')
def wrong_transposed(values, ctx):
    rng = ctx.noise()
    flipped = {"cpts": {"p_z1": TRUE_CPTS["p_z1"],
                        "p_x_given_z": np.asarray(TRUE_CPTS["p_x_given_z"]).T,
                        "p_y_given_xz": np.asarray(TRUE_CPTS["p_y_given_xz"]).T}}
    probes = lambda: _ace_probes(rng, lambda c: interventional(transposed_y(c)), ctx)  # noqa: E731
    return {**values, "test_cpts": flipped, "test_backdoor": probes(), "test_do": probes()}
