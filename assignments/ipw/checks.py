"""Hidden checks for the inverse-probability-weighting homework (content brief, section 4).

Never released to students. The model is homework 2's (back-door): its data
file, its maximum-likelihood CPTs and its adjustment formulas come from
autograder/studies/backdoor.py, so both homeworks read the same facts. Every
truth below is derived from those CPTs; every band comes from a standard error,
the sample size the question requires, and the false-fail budget.
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from autograder.checks import (FLOAT32_FLOOR, LOOKUP_TOLD, ProbeTables, all_of_parts, as_array,
                               as_binary_table, as_float, binary_columns, cell_frequencies,
                               exact_table, frequencies_power)
from autograder.homework import Homework
from autograder.studies import backdoor   # homework 2's study: CPTs, formulas, probe family

DATA = Path(__file__).resolve().parents[2] / "datasets" / "backdoor" / "promotions.csv"

CELLS = list(itertools.product((0, 1), repeat=3))  # (z, x, y), the 8 combinations

hw = Homework()


# ---------------------------------------------------------------- the facts
TRUE_CPTS = backdoor.cpts_from_counts(*backdoor.load_counts(DATA))


joint = backdoor.joint   # P(Z=z, X=x, Y=y), indexed [z, x, y]


def weighted_joint(cpts: dict) -> np.ndarray:
    """The IPW joint, by its definition: P(z, x, y) / P(x | z), normalised over the 8 cells."""
    w = joint(cpts) / np.asarray(cpts["p_x_given_z"])[:, :, None]
    return w / w.sum()


def ace(cpts: dict) -> float:
    """P(Y=1 | do(X=0)) - P(Y=1 | do(X=1)) by back-door adjustment (homework 2)."""
    return backdoor.ace(cpts)


def contrast(table: np.ndarray) -> float:
    """P(Y=1 | X=0) - P(Y=1 | X=1) under a joint table [z, x, y]."""
    t = np.asarray(table)
    p = t[:, :, 1].sum(0) / t.sum((0, 2))
    return float(p[0] - p[1])


def contrast_var(table: np.ndarray) -> float:
    """n x Var of contrast() estimated from n iid draws of `table` (delta method):
    sum_x p_x (1 - p_x) / q(x); the two groups' estimates are uncorrelated."""
    t = np.asarray(table)
    q_x = t.sum((0, 2))
    p = t[:, :, 1].sum(0) / q_x
    return float(np.sum(p * (1 - p) / q_x))


def pool_var(cpts: dict) -> float:
    """N x Var of the ACE when the weighted distribution is itself estimated from a pool
    of N traces of the model, i.e. self-normalised importance sampling with weights
    w = 1 / P(x | z) (delta method for a ratio; E_P[w 1{X=x}] = 1):
    sum_x sum_z P(z) / P(x|z) * E[(Y - r_x)^2 | x, z], r_x = P(Y=1 | do(x))."""
    p_z = np.array([1 - cpts["p_z1"], cpts["p_z1"]])
    p_x = np.asarray(cpts["p_x_given_z"])
    p_y1 = np.asarray(cpts["p_y_given_xz"])
    r = backdoor.interventional(cpts)
    total = 0.0
    for x in (0, 1):
        for z in (0, 1):
            p = p_y1[x, z]
            total += p_z[z] / p_x[z, x] * (p * (1 - r[x]) ** 2 + (1 - p) * r[x] ** 2)
    return float(total)


def ace_se(cpts: dict, n: int) -> float:
    """SE of the resampled ACE from n traces and n resamples: resampling the exact 8-cell
    weighted joint (contrast_var / n) plus the pool's self-normalised IS variance, so
    the band bounds both readings of the question."""
    return math.sqrt((contrast_var(weighted_joint(cpts)) + pool_var(cpts)) / n)


# ----------------------------------------------- known wrong ACE answers (brief, §4)
def wrong_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (value, sqrt(n) x its SD)} for each known wrong ACE on a probe table; the
    brief's Overall row (-0.0466, not the strata's -0.0434) is typed in, the same on
    every table."""
    naive_sd = math.sqrt(contrast_var(joint(cpts)))
    overall = backdoor.brief_overall_rates()
    return {"naive contrast (data file)": (contrast(joint(cpts)), naive_sd),
            "naive contrast (brief's Overall row)": (float(overall[0] - overall[1]), naive_sd)}


def stratum_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (the contrast within one happiness level of the resampled set only,
    sqrt(n) x its SD from n resampled rows)}: an effect from a subset of the units, which
    the grader's second table must reject (on the study's, 0.063 and 0.046 against 0.055)."""
    w = weighted_joint(cpts)
    out = {}
    for label, (value, _) in backdoor.stratum_aces(cpts).items():
        z = 0 if "unhappy" in label else 1
        p = backdoor.stratum_rates(cpts, z)
        out[label] = (value, math.sqrt(float((p * (1 - p) / w[z, :].sum(axis=1)).sum())))
    return out


# Every function is called on the study's table and on one drawn from homework 2's family,
# about 1 in 30 kept by the design's rule and by `acceptable`: no (weighted) joint cell
# rarer than the study's (the frequency checks stay as accurate), and the exact checks'
# named mistakes (x and z swapped, P(X=1 | z) for any x, no weights) EXACT_MARGIN away.
EXACT_MARGIN = 1000 * FLOAT32_FLOOR
MIN_JOINT_CELL = float(joint(TRUE_CPTS).min())
MIN_WEIGHTED_CELL = float(weighted_joint(TRUE_CPTS).min())


def acceptable(cpts: dict) -> bool:
    a = np.asarray(cpts["p_x_given_z"])[:, 1]                   # P(X=1 | Z=z)
    return bool(joint(cpts).min() >= MIN_JOINT_CELL
                and weighted_joint(cpts).min() >= MIN_WEIGHTED_CELL
                and abs(a.sum() - 1) > EXACT_MARGIN              # swapping x and z shows
                and np.abs(a - 0.5).min() > EXACT_MARGIN)         # so do P(X=1|z) and no weights


# The design leaves out the band's float32 floor (1e-6, far below every gap it sizes for).
probe_tables = ProbeTables(hw, fixed={"observed": TRUE_CPTS}, propose=backdoor.random_cpts,
                           truth=ace, se=ace_se, wrong=wrong_aces, seed_label="ipw:probe table",
                           floor=FLOAT32_FLOOR, design_floor=0.0, accept=acceptable,
                           subset=stratum_aces)


# resample() has its own size: it is cheap next to draw_traces, so it takes the n at which
# resampling without replacement from a weighted pool of RESAMPLE_POOL times the draw (one
# row per key per requested sample: what a student builds when torch.multinomial(...,
# replacement=False) refuses more draws than keys) fails with power 0.999 on the study's
# weighted joint. Smaller pools flatten the table more and fail sooner.
RESAMPLE_POOL = 8


def without_replacement_shares(table, pool_factor: float) -> np.ndarray:
    """Expected cell shares (CELLS order) of n draws without replacement from a pool of
    pool_factor x n rows, each cell's rows weighted by its probability. Successive
    sampling is ordering by exponential clocks (Efraimidis and Spirakis), so a row of
    weight p is drawn with probability 1 - exp(-p t), t fixed by the draws summing to n;
    the shares depend on pool_factor alone, not on n (docs/statistics.md)."""
    p = np.asarray(table, dtype=np.float64).ravel()
    per_draw = pool_factor / p.size                         # rows per cell per draw

    def drawn(t):
        return per_draw * -np.expm1(-p * t)
    t = brentq(lambda t: drawn(t).sum() - 1.0, 0.0, 1e9)
    return drawn(t)


def resample_size(budget: float, step: int = 1000) -> int:
    """Smallest multiple of `step` at which cell_frequencies rejects the pool of
    RESAMPLE_POOL times the draw with power 0.999 at the per-check level."""
    alpha = budget / hw.total_checks
    p = weighted_joint(TRUE_CPTS).ravel()
    probs = dict(enumerate(p.tolist()))
    wrong = dict(enumerate(without_replacement_shares(p, RESAMPLE_POOL).tolist()))
    n = step
    while frequencies_power(probs, wrong, n, alpha) < 0.999:
        n += step
    return n


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_samples from the probe tables; resample_samples for test_resample (both stated
    in the question through their placeholders)."""
    return {**probe_tables.design(budget), "resample_samples": resample_size(budget)}


# ------------------------------------------------------------------ checks
def _propensity_calls(ctx):
    return {f"{label}:x={x},z={z}": ("propensity", {"x": x, "z": z, "cpts": cpts})
            for label, cpts in probe_tables(ctx).items() for x in (0, 1) for z in (0, 1)}


@hw.question("test_propensity", calls=_propensity_calls, n_checks=0)
def check_propensity(values, ctx):
    """Each table's four propensities against P(X=x | Z=z), indexed [x][z] here."""
    results = []
    for label, cpts, name in probe_tables.named(ctx, "propensity"):
        got = [[as_float(values[f"{label}:x={x},z={z}"],
                         f"propensity(x={x}, z={z}, cpts) on the {label} table")
                for z in (0, 1)] for x in (0, 1)]
        truth = np.asarray(cpts["p_x_given_z"], dtype=np.float64).T
        results.append(exact_table(got, truth, name, FLOAT32_FLOOR,
                                   "It should return the probability that a subscriber with "
                                   "happiness z gets promotion x.", near={
            "{subject} looks like it swaps x and z. The table cpts['p_x_given_z'] is indexed "
            "[z][x].": truth.T,
            "{subject} returns P(X=1 | Z=z) whatever x is; the propensity of the promotion "
            "actually received is P(X=x | Z=z).": truth[[1, 1]]}))
    return all_of_parts(results, 1, "propensity")


@hw.question("test_traces", n_checks=2, calls=probe_tables.calls("draw_traces"))
def check_traces(values, ctx):
    results, n = [], ctx.sizes["num_samples"]
    for label, cpts, name in probe_tables.named(ctx, "draw_traces"):
        arr = as_array(values[label], name, shape=(n, 4))
        cells = binary_columns(arr, name, "zxy")
        table = joint(cpts)
        expected = table[cells[:, 0], cells[:, 1], cells[:, 2]]
        results.append(exact_table(
            arr[:, 3], expected, name, FLOAT32_FLOOR, subject=f"The last column of `{name}`",
            hint="It should hold the joint probability P(Z=z, X=x, Y=y) of each draw: read it "
                 "off that draw's trace, the product of the probabilities of its three sample "
                 "sites (one draw, not the whole plate).",
            near={"{subject} holds log-probabilities; the question asks for the probability "
                  "of each draw (exponentiate).": np.log(expected)}))
        results.append(cell_frequencies(cells, table, ctx.alpha, f"`{name}`",
                                        "Sample from the model with its `cpts` argument."))
    return all_of_parts(results, 2, "draw_traces")


@hw.question("test_weighted_joint", n_checks=0, calls=probe_tables.calls("weighted_joint"))
def check_weighted_joint(values, ctx):
    return all_of_parts([exact_table(
        as_binary_table(values[label], name, "zxy"), weighted_joint(cpts), name, FLOAT32_FLOOR,
        "Weight each combination's joint probability by one over the propensity of its "
        "promotion given its happiness, then normalise.",
        near={"The probabilities in {subject} do not sum to one: normalise the weighted "
              "probabilities over the 8 combinations.": lambda got: abs(got.sum() - 1) > 1e-3,
              "{subject} equals the unweighted joint distribution: divide each probability by "
              "the propensity before normalising.": joint(cpts)})
        for label, cpts, name in probe_tables.named(ctx, "weighted_joint")], 1, "weighted_joint")


@hw.probe
def resample_probes(ctx) -> dict[str, np.ndarray]:
    """resample()'s inputs: the study's weighted joint, and the plain joint of the grader's
    table (new for each submission, so the function must use its argument)."""
    return {"weighted": weighted_joint(TRUE_CPTS), "other": joint(probe_tables(ctx)["grader's"])}


def _resample_calls(ctx):
    return {label: ("resample", {"joint": {c: float(t[c]) for c in CELLS},
                                 "num_samples": ctx.sizes["resample_samples"],
                                 "seed": ctx.seed_for(f"resample:{label}")})
            for label, t in resample_probes(ctx).items()}


@hw.question("test_resample", calls=_resample_calls, n_checks=2)
def check_resample(values, ctx):
    results, n = [], ctx.sizes["resample_samples"]
    for label, table in resample_probes(ctx).items():
        name = f"resample(joint, {n}, seed) for {'the study' if label == 'weighted' else 'another'} joint"
        cells = binary_columns(as_array(values[label], name, shape=(n, 3)), name, "zxy")
        results.append(cell_frequencies(
            cells, table, ctx.alpha, f"`{name}`",
            "Draw each row with the probability the `joint` argument gives it, with replacement."))
    return all_of_parts(results, 1, "resample")


probe_tables.question("test_ipw_ace", "ipw_ace",
                      "Compute P(Y=1 | X=0) - P(Y=1 | X=1) within the resampled set, which must "
                      "come from the weighted (not the plain) joint, and use the function's "
                      "`cpts` argument.")


# ------------------------------------------- known wrong answers (brief, §4)
def _resampled_contrast(rng, table, n: int) -> float:
    counts = rng.multinomial(n, np.asarray(table).ravel()).reshape(2, 2, 2)
    return contrast(counts)


def _as_answer(table) -> dict:
    return {c: float(table[c]) for c in CELLS}


@hw.wrong_answer("unnormalised IPW weights",
                 says='when the weighted probabilities are not normalised to sum to one')
def wrong_unnormalised(values, ctx):
    return {**values, "test_weighted_joint": probe_tables.per_table(
        ctx, lambda c: _as_answer(joint(c) / np.asarray(c["p_x_given_z"])[:, :, None]))}


@hw.wrong_answer("naive contrast (no weighting, data file)",
                 says='without inverse-probability weighting: the plain association, confounded by happiness')
def wrong_naive(values, ctx):
    rng, n = ctx.noise(), ctx.sizes["num_samples"]
    return {**values,
            "test_weighted_joint": probe_tables.per_table(ctx, lambda c: _as_answer(joint(c))),
            "test_ipw_ace": probe_tables.per_table(
                ctx, lambda c: _resampled_contrast(rng, joint(c), n))}


@hw.wrong_answer("naive contrast (brief's Overall row)",
                 says='without inverse-probability weighting: the plain association, confounded by happiness')
def wrong_overall_row(values, ctx):
    rng, n = ctx.noise(), ctx.sizes["num_samples"]

    def overall(c):
        value, _ = wrong_aces(c)["naive contrast (brief's Overall row)"]
        return float(value + rng.normal(0, math.sqrt(contrast_var(joint(c)) / n)))
    return {**values, "test_ipw_ace": probe_tables.per_table(ctx, overall)}


def resample_without_replacement(rng, table, n: int,
                                 pool_factor: int = RESAMPLE_POOL) -> np.ndarray:
    """Counts per cell (in CELLS order) of n draws without replacement from a pool of
    pool_factor x n (the 8 cells repeated equally, weighted by their probability): heavy
    cells run out, which flattens the table towards uniform. Successive sampling by
    exponential clocks: the n rows with the smallest Exp(1) / weight."""
    per_cell = -(-pool_factor * n // len(CELLS))
    weights = np.repeat(np.asarray(table, dtype=np.float64).ravel(), per_cell)
    with np.errstate(divide="ignore"):
        clocks = rng.exponential(size=weights.size) / weights
    picks = np.argpartition(clocks, n - 1)[:n]
    return np.bincount(picks // per_cell, minlength=len(CELLS))


def cell_rows(counts) -> np.ndarray:
    return np.repeat(np.array(CELLS, dtype=np.int64), counts, axis=0)


@hw.wrong_answer("resampling without replacement (pool 8 times the draw)",
                 says="when you resample without replacement: draws must be independent, "
                      "so resample with replacement")
def wrong_without_replacement(values, ctx):
    """Only test_resample: ipw_ace's contrast moves far less than its band (the
    flattening is nearly symmetric in y), so the mistake is caught where it is made."""
    rng, n = ctx.noise(), ctx.sizes["resample_samples"]
    return {**values, "test_resample": {
        label: cell_rows(resample_without_replacement(rng, t, n))
        for label, t in resample_probes(ctx).items()}}


@hw.wrong_answer("ACE typed in as a constant",
                 says="when a number is typed in instead of computed from the function's arguments")
def wrong_constant(values, ctx):
    return {**values, "test_ipw_ace": dict.fromkeys(probe_tables.estimate_tables(ctx), round(ace(TRUE_CPTS), 4))}


def _stratum_contrast(rng, cpts: dict, z: int, n: int) -> float:
    counts = rng.multinomial(n, weighted_joint(cpts).ravel()).reshape(2, 2, 2)[z]   # [x, y]
    rate = counts[:, 1] / np.maximum(counts.sum(axis=1), 1)
    return float(rate[0] - rate[1])


def _one_stratum(z: int, label: str):
    def mistake(values, ctx):
        rng, n = ctx.noise(), ctx.sizes["num_samples"]
        return {**values, "test_ipw_ace": probe_tables.per_table(
            ctx, lambda c: _stratum_contrast(rng, c, z, n))}
    hw.wrong_answer(label, says="from one happiness level's subscribers alone: the weighted "
                                "contrast must use every resampled subscriber")(mistake)


for _z, _label in enumerate(backdoor.stratum_aces(TRUE_CPTS)):
    _one_stratum(_z, _label)


# The manifest (autograder/homework.py): what each file of solutions/ipw/ scores.
hw.variant("alternatives/enumeration.py", seed=5)
hw.variant("alternatives/trace_loop.py", seed=6)
hw.variant("mistakes/unnormalised.py", seed=7, loses=["test_weighted_joint"],
           told={"test_weighted_joint": "do not sum to one"})
hw.variant("mistakes/naive.py", seed=8, loses=["test_ipw_ace", "test_weighted_joint"],
           told={"test_weighted_joint": "unweighted"})
hw.variant("mistakes/overall_row.py", seed=9, loses=["test_ipw_ace"])
hw.variant("mistakes/constant.py", seed=10, loses=["test_ipw_ace"],
           told={"test_ipw_ace": "on the grader's table"})
hw.variant("mistakes/lookup.py", seed=12, loses=["test_ipw_ace", "test_weighted_joint"],
           told={"test_ipw_ace": LOOKUP_TOLD,
                 "test_weighted_joint": "`weighted_joint` gives the right value here"})
# graded, with the misconception it names, in tests/test_misconceptions.py. ipw_ace
# resamples with the student's `resample`, so the flattened table biases it too: its test
# may catch that (it did under seed 101), with no promise of power
hw.variant("mistakes/without_replacement.py", loses=["test_resample"], luck=["test_ipw_ace"],
           told={"test_resample": "resample without replacement"})
# two slips in one run: the happy subscribers alone (ipw_ace: right on the study's table,
# rejected on the second), and torch.multinomial without replacement from one row per key
# per requested sample (resample: a pool 8 times the draw)
hw.variant(("mistakes/one_stratum.py", "mistakes/multinomial_pool.py"), seed=14,
           loses=["test_ipw_ace", "test_resample"],
           told={"test_resample": "resample without replacement"})
