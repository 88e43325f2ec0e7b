"""Hidden checks for the front-door homework (content brief, section 3).

Never released to students. Every truth is derived here: the observational tables
from the counts in datasets/frontdoor/ads.csv, the front-door effect from those
tables, and the latent model of part (b) by solving the brief's 2x2 linear systems
(it reproduces the table exactly, so pyro.do on it must agree with the front-door
formula; that is asserted below). Bands come from standard errors, the sample size
the question requires, and the false-fail budget.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

from autograder.checks import (FLOAT32_FLOOR, ROUNDING_3DP, all_of, as_array, as_dict,
                               close_to, draw_probe, failed, passed, required_n_against,
                               stated_n)
from autograder.checks import DEFAULT_BUDGET
from autograder.homework import Homework
from autograder.studies.counts import load_cell_counts

DATA = Path(__file__).resolve().parents[2] / "datasets" / "frontdoor" / "ads.csv"

# The brief's latent model (part b): U ~ Bernoulli(0.5), P(X=1 | U=u) for u = 0, 1.
P_U1 = 0.5
P_X1_GIVEN_U = (0.05, 0.95)

# Students may give CPT entries rounded to 3 decimals (ROUNDING_3DP); exact answers
# computed in float32 (torch) differ from ours by far less than FLOAT32_FLOOR.
LATENT_FLOOR = 1e-5   # a float32 solve of the well-conditioned 2x2 systems

hw = Homework()


# ---------------------------------------------------------------- the facts
def load_counts(path: Path = DATA) -> tuple[np.ndarray, np.ndarray]:
    """purchased[x, z] and total[x, z] from the data file."""
    return load_cell_counts(path, "social_media", "saw_ad", "purchased")


def cpts_from_counts(purchased: np.ndarray, total: np.ndarray) -> dict:
    """Maximum-likelihood CPTs of the observed variables: X, Z | X, Y | X, Z."""
    n_x = total.sum(axis=1)
    return {"p_x1": float(n_x[1] / n_x.sum()),                       # P(X=1)
            "p_z1_given_x": (total[:, 1] / n_x).tolist(),            # [x] = P(Z=1 | X=x)
            "p_y1_given_xz": (purchased / total).tolist()}           # [x][z] = P(Y=1 | X=x, Z=z)


def u_given_x() -> np.ndarray:
    """[x] = P(U=1 | X=x) in the latent model, by Bayes' rule."""
    p_u = np.array([1 - P_U1, P_U1])
    p_x1_u = np.asarray(P_X1_GIVEN_U)
    joint_x1 = p_u * p_x1_u                                          # P(U=u, X=1)
    joint_x0 = p_u * (1 - p_x1_u)                                    # P(U=u, X=0)
    return np.array([joint_x0[1] / joint_x0.sum(), joint_x1[1] / joint_x1.sum()])


def latent_p_x1() -> float:
    return float(P_U1 * P_X1_GIVEN_U[1] + (1 - P_U1) * P_X1_GIVEN_U[0])


def latent_y(cpts: dict) -> np.ndarray:
    """[z][u] = P(Y=1 | Z=z, U=u): for each z, solve
    (1 - q_x) a_z0 + q_x a_z1 = P(Y=1 | X=x, Z=z), x = 0, 1, with q_x = P(U=1 | X=x).
    (Z depends on U only through X, so P(U | X, Z) = P(U | X).)"""
    q = u_given_x()
    system = np.column_stack([1 - q, q])                             # rows x, columns u
    p_y = np.asarray(cpts["p_y1_given_xz"], dtype=float)
    return np.array([np.linalg.solve(system, p_y[:, z]) for z in (0, 1)])


def cpts_from_latent(latent: dict) -> dict:
    """The observational tables implied by a latent model with P_U1 and P_X1_GIVEN_U."""
    q, a = u_given_x(), np.asarray(latent["p_y1_given_zu"])
    # plain floats: the tables are handed to the student's functions as literals
    return {"p_x1": latent_p_x1(), "p_z1_given_x": [float(v) for v in latent["p_z1_given_x"]],
            "p_y1_given_xz": [[float((1 - q[x]) * a[z, 0] + q[x] * a[z, 1]) for z in (0, 1)]
                              for x in (0, 1)]}


def _p_z(cpts: dict) -> np.ndarray:
    """[x][z] = P(Z=z | X=x)."""
    z1 = np.asarray(cpts["p_z1_given_x"], dtype=float)
    return np.column_stack([1 - z1, z1])


def frontdoor(cpts: dict) -> np.ndarray:
    """[P(Y=1 | do(X=0)), P(Y=1 | do(X=1))] by the front-door formula
    sum_z P(z | x) sum_x' P(Y=1 | x', z) P(x')."""
    p_x = np.array([1 - cpts["p_x1"], cpts["p_x1"]])
    inner = p_x @ np.asarray(cpts["p_y1_given_xz"])                  # [z]
    return _p_z(cpts) @ inner


def latent_do(cpts: dict) -> np.ndarray:
    """The same by enumeration in the latent model under do(X=x):
    sum_u P(u) sum_z P(z | x) P(Y=1 | z, u)."""
    p_u = np.array([1 - P_U1, P_U1])
    return _p_z(cpts) @ latent_y(cpts) @ p_u


def latent_free(cpts: dict) -> np.ndarray:
    """The known wrong model (brief §3): drop U, let Y depend on Z only, with P(Y | Z)
    from the table, and intervene on X. The same numbers come out of the front-door
    formula with P(x' | z) in place of P(x')."""
    p_x = np.array([1 - cpts["p_x1"], cpts["p_x1"]])
    joint_xz = p_x[:, None] * _p_z(cpts)                             # P(x, z)
    p_y_given_z = (joint_xz * np.asarray(cpts["p_y1_given_xz"])).sum(0) / joint_xz.sum(0)
    return _p_z(cpts) @ p_y_given_z


def observational(cpts: dict) -> np.ndarray:
    """[P(Y=1 | X=0), P(Y=1 | X=1)]: association, not causation."""
    return (_p_z(cpts) * np.asarray(cpts["p_y1_given_xz"])).sum(1)


def ace(p: np.ndarray) -> float:
    """The brief's contrast: X=0 minus X=1."""
    return float(p[0] - p[1])


TRUE_CPTS = cpts_from_counts(*load_counts())
FIXED_TABLES = {"study": TRUE_CPTS}   # the other probe is drawn per submission, below


def latent_model_fits(cpts: dict) -> bool:
    """The brief's latent model reproduces the table exactly (valid probabilities for
    Y given Z and U), so pyro.do on it agrees with the front-door formula; the
    questions rely on both."""
    a = latent_y(cpts)
    return bool(abs(cpts["p_x1"] - latent_p_x1()) < 1e-12
                and np.all((a >= 0) & (a <= 1))
                and np.allclose(cpts_from_latent({"p_z1_given_x": cpts["p_z1_given_x"],
                                                  "p_y1_given_zu": a})["p_y1_given_xz"],
                                cpts["p_y1_given_xz"], atol=1e-12)
                and np.allclose(latent_do(cpts), frontdoor(cpts), atol=1e-12))


assert all(latent_model_fits(c) for c in FIXED_TABLES.values())


def sd(p: np.ndarray) -> float:
    """sqrt(n) x SE of a contrast of two probabilities each estimated from n draws."""
    return math.sqrt(float((p * (1 - p)).sum()))


def ace_se(cpts: dict, n: int) -> float:
    """SE of the ACE from n draws of Y under each of do(X=0) and do(X=1). That is
    what pyro.do on the latent model gives, and it bounds the front-door estimate
    too: plugging in separately estimated P(z | x) and P(y | x', z), each from n
    draws, has a variance several times smaller (for the study table about
    0.07 / n against 0.50 / n). An exact computation has no noise at all.

    The bound holds on every table (delta method). With d = P(Z=1|0) - P(Z=1|1),
    D = inner_1 - inner_0, inner_z = sum_x' P(x') P(Y=1|x',z) and
    V_z = sum_x' P(x')^2 p(1-p)/n, the plug-in variance is
    D^2 sum_x P(Z=1|x)(1-P(Z=1|x))/n + d^2 (V_0 + V_1). Under do(x), Var(Y) =
    Var_z(inner_Z) + E_z[inner_Z (1 - inner_Z)], whose first term is
    D^2 P(Z=1|x)(1-P(Z=1|x)) and whose second, summed over x, is at least
    (2 - s) V_0 + s V_1 >= d^2 (V_0 + V_1), s = P(Z=1|0) + P(Z=1|1), as d^2 <= min(s, 2-s).
    tests/test_hw_frontdoor.py checks it by simulation on the grader's tables."""
    return sd(frontdoor(cpts)) / math.sqrt(n)


# --------------------------------------------------- required sample size
def wrong_interventionals(cpts: dict) -> dict[str, np.ndarray]:
    """[P(.. X=0), P(.. X=1)] that each known wrong answer estimates in place of the truth."""
    return {"latent-free model (Y depends on Z only)": latent_free(cpts),
            "naive contrast": observational(cpts),
            "reversed contrast (X=1 minus X=0)": frontdoor(cpts)[::-1]}


def wrong_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (ACE, sqrt(n) x its SE)} for each known wrong answer on a probe table;
    on any table but the study's also the study's ACE typed in (what a lookup table or
    a constant returns there; exact, so no SE of its own)."""
    out = {label: (ace(p), sd(p)) for label, p in wrong_interventionals(cpts).items()}
    if cpts != TRUE_CPTS:
        out["the study's ACE typed in"] = (ace(frontdoor(TRUE_CPTS)), 0.0)
    return out


def table_sample_size(cpts: dict, budget: float = DEFAULT_BUDGET) -> float:
    """Smallest n that rejects every known wrong ACE on this table with power 0.999 at
    the per-check level (inf if one is within the float32 floor). The larger of the
    right and the wrong estimate's SDs is used for sigma."""
    truth = frontdoor(cpts)
    return required_n_against(ace(truth), sd(truth), wrong_aces(cpts).values(),
                              budget / hw.total_checks, floor=FLOAT32_FLOOR)


def design_sample_size(budget: float = DEFAULT_BUDGET) -> int:
    """table_sample_size of the study's table, rounded up to a thousand."""
    return stated_n(table_sample_size, FIXED_TABLES.values(), budget)


@hw.design
def design(budget: float) -> dict[str, int]:
    """num_samples: stated in the question text ({{num_samples}}), passed to the probes."""
    return {"num_samples": design_sample_size(budget)}


# ------------------------------------------------------------ probe tables
# Every function is called on two tables: the study's own and one drawn for each
# submission from the grader's seed ("grader's"), which a lookup of typed-in answers
# cannot know. The family: the observational tables (cpts_from_latent) of the brief's
# latent model with its U and X | U (P_U1, P_X1_GIVEN_U, which the notebook states and
# the student's latent model uses). Of P(Z=1 | x) one is uniform on [0.05, 0.5] and the
# other on [0.5, 0.95], and likewise for the two rows z of P(Y=1 | z, u), in random
# order: the effect of X on Z and of Z on Y are then never both small, so the ACEs
# spread over both signs. A candidate is kept only when table_sample_size(table) <=
# num_samples (rejection sampling; about 1 in 25 is kept). Why the design holds on
# every table handed out:
# - missed mistakes: that rule *is* the design's condition, on the table itself: the
#   latent-free model, the naive and the reversed contrasts, and the typed-in study
#   ACE, each fail with power >= 0.999 at the per-check level with num_samples;
# - false fails: the band is z * ace_se(table, n), which bounds both the pyro.do
#   estimate and the front-door plug-in estimate on any table (see ace_se);
# - the latent model fits every such table exactly, so latent_y's exact answer and
#   pyro.do on the latent model agree with the front-door truth (latent_model_fits).
# The truths come from frontdoor() and latent_y(), the code that derives the study's.
PROBE_RANGE = (0.05, 0.95)


def _low_high(rng, size=None) -> list:
    """[low, high] in random order: low uniform on [0.05, 0.5], high on [0.5, 0.95]."""
    pair = [rng.uniform(PROBE_RANGE[0], 0.5, size), rng.uniform(0.5, PROBE_RANGE[1], size)]
    pair = [np.asarray(v).tolist() for v in pair]
    return pair[::-1] if rng.random() < 0.5 else pair


def random_cpts(rng) -> dict:
    """One candidate table, as plain floats (the kernel gets it as a literal)."""
    return cpts_from_latent({"p_z1_given_x": _low_high(rng), "p_y1_given_zu": _low_high(rng, 2)})


@functools.lru_cache(maxsize=1024)
def grader_table(seed: int, budget: float = DEFAULT_BUDGET) -> dict:
    n = hw.sizes(budget)["num_samples"]
    return draw_probe(seed, random_cpts,
                      lambda c: table_sample_size(c, budget) <= n and latent_model_fits(c))


def probe_tables(ctx) -> dict[str, dict]:
    """{label: table} the grader hands this submission's functions (all questions)."""
    return {**FIXED_TABLES, "grader's": grader_table(ctx.seed_for("frontdoor:probe table"),
                                                     ctx.budget)}


# ------------------------------------------------------------------ checks
@hw.question("test_cpts", answers=["cpts"], n_checks=0)
def check_cpts(values, ctx):
    cpts = as_dict(values["cpts"], "cpts", TRUE_CPTS)
    results = [close_to(cpts["p_x1"], TRUE_CPTS["p_x1"], 0.0, 1.0, ROUNDING_3DP,
                        name="cpts['p_x1']", hint="It is the share of social media users.")]
    got = as_array(cpts["p_z1_given_x"], "cpts['p_z1_given_x']", shape=(2,))
    truth = np.asarray(TRUE_CPTS["p_z1_given_x"])
    if np.all(np.abs(got - truth) <= ROUNDING_3DP):
        results.append(passed("`cpts['p_z1_given_x']` is correct."))
    else:
        results.append(failed("`cpts['p_z1_given_x']` is not correct. Entry x is the share of "
                              "group X=x who saw the advertisement."))
    got = as_array(cpts["p_y1_given_xz"], "cpts['p_y1_given_xz']", shape=(2, 2))
    truth = np.asarray(TRUE_CPTS["p_y1_given_xz"])
    if np.all(np.abs(got - truth) <= ROUNDING_3DP):
        results.append(passed("`cpts['p_y1_given_xz']` is correct."))
    elif np.all(np.abs(got.T - truth) <= ROUNDING_3DP):
        results.append(failed("`cpts['p_y1_given_xz']` looks transposed. The first index is "
                              "X, the second Z."))
    else:
        results.append(failed("`cpts['p_y1_given_xz']` is not correct. Each entry is a purchase "
                              "rate within one (X, Z) cell of the table."))
    return results


@hw.question("test_naive", answers=["naive_difference"], n_checks=0)
def check_naive(values, ctx):
    return close_to(values["naive_difference"], ace(observational(TRUE_CPTS)), 0.0, 1.0,
                    ROUNDING_3DP, name="naive_difference",
                    hint="Use the overall purchase rate of each group X, ignoring Z, and take "
                         "X=0 minus X=1.")


def _probe_calls(func, with_samples=True):
    def calls(ctx):
        out = {}
        for label, cpts in probe_tables(ctx).items():
            kwargs = {"cpts": cpts}
            if with_samples:
                kwargs.update(num_samples=ctx.sizes["num_samples"], seed=ctx.seed_for(f"{func}:{label}"))
            out[label] = (func, kwargs)
        return out
    return calls


def _check_ace_probes(values, ctx, func, hint):
    n = ctx.sizes["num_samples"]
    return all_of([close_to(values[label], ace(frontdoor(cpts)), ace_se(cpts, n),
                            ctx.alpha, FLOAT32_FLOOR, name=f"{func}(...) on the {label} table",
                            hint=hint)
                   for label, cpts in probe_tables(ctx).items()], func)


@hw.question("test_frontdoor", calls=_probe_calls("frontdoor_ace"), n_checks=2)
def check_frontdoor(values, ctx):
    return _check_ace_probes(values, ctx, "frontdoor_ace",
                             "Check that the inner sum over x' weights P(Y | x', z) by P(x') "
                             "(not by P(x' | z) or P(x' | x)), and that X=0 comes first.")


@hw.question("test_latent_y", calls=_probe_calls("latent_y", with_samples=False), n_checks=0)
def check_latent_y(values, ctx):
    results = []
    for label, cpts in probe_tables(ctx).items():
        name = f"latent_y(...) on the {label} table"
        got, truth = as_array(values[label], name, shape=(2, 2)), latent_y(cpts)
        if np.all(np.abs(got - truth) <= LATENT_FLOOR):
            results.append(passed(f"`{name}` is correct."))
        elif np.all(np.abs(got.T - truth) <= LATENT_FLOOR):
            results.append(failed(f"`{name}` looks transposed: the first index is Z, the "
                                  "second U."))
        else:
            results.append(failed(f"`{name}` is not correct. For each z, both equations (one "
                                  "per value of X) must hold with P(U=1 | X=x) from Bayes' rule."))
    return all_of(results, "latent_y")


@hw.question("test_do", calls=_probe_calls("do_ace"), n_checks=2)
def check_do(values, ctx):
    return _check_ace_probes(values, ctx, "do_ace",
                             "Check that your model includes U, that you intervene on X with "
                             "pyro.do (not condition on it), and that X=0 comes first.")


# ------------------------------------------- known wrong answers (brief, §3)
# Each returns what a submission making that mistake would hand the checks, with
# the sampling noise of num_samples draws per probability.
def _estimate(rng, p_pair, n: int) -> float:
    return float(rng.binomial(n, p_pair[0]) / n - rng.binomial(n, p_pair[1]) / n)


SAYS = {"latent-free model (Y depends on Z only)": "from a model without the latent confounder U",
        "naive contrast": "from the plain association between X and Y, without the front-door "
                          "adjustment",
        "reversed contrast (X=1 minus X=0)": "when the contrast is taken the other way round "
                                             "(X=1 minus X=0)"}


def _register(label):
    @hw.wrong_answer(label, says=SAYS[label])
    def mistake(values, ctx):
        rng = ctx.noise()
        n = ctx.sizes["num_samples"]
        probes = lambda: {name: _estimate(rng, wrong_interventionals(c)[label], n)  # noqa: E731
                          for name, c in probe_tables(ctx).items()}
        return {**values, "test_frontdoor": probes(), "test_do": probes()}
    return mistake


for _label in wrong_interventionals(TRUE_CPTS):
    _register(_label)


# The manifest: what each file of solutions/frontdoor/{mistakes,alternatives}/ scores
# (autograder/homework.py; tests/test_homeworks.py grades the entries with a seed).
RIGHT_ON_STUDY_ONLY = ("gives the right value here, but that counts only when it is right",
                       "on the grader's table` is further from the correct value")
hw.variant("alternatives/enumeration.py", seed=5)
hw.variant("mistakes/latent_free.py", seed=6, loses=["test_do", "test_frontdoor"])
hw.variant("mistakes/naive.py", seed=7, loses=["test_do", "test_frontdoor"])
hw.variant("mistakes/reversed.py", seed=8, loses=["test_do", "test_frontdoor"])
# typed-in constants are right on the study only: all or nothing
hw.variant("mistakes/constant.py", seed=9, loses=["test_frontdoor", "test_latent_y", "test_do"],
           told=dict.fromkeys(["test_frontdoor", "test_latent_y", "test_do"],
                              "counts only when it is right on every input"))
hw.variant("mistakes/lookup.py", seed=12, loses=["test_do", "test_frontdoor"],
           told={"test_frontdoor": RIGHT_ON_STUDY_ONLY, "test_do": RIGHT_ON_STUDY_ONLY})
