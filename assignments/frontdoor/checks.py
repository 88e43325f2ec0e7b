"""Hidden checks for the front-door homework (content brief, section 3).

Never released to students. The observational tables come from the counts in
datasets/frontdoor/ads.csv, the front-door effect from those tables, and the latent
model of part (b) from the brief's 2x2 linear systems (it reproduces the table exactly,
so pyro.do on it agrees with the front-door formula: asserted below).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from autograder.checks import (FLOAT32_FLOOR, LOOKUP_TOLD, ROUNDING_3DP, ProbeTables, all_of,
                               as_dict, close_to, exact_table, transposed)
from autograder.homework import Homework
from autograder.studies.counts import load_cell_counts

DATA = Path(__file__).resolve().parents[2] / "datasets" / "frontdoor" / "ads.csv"

# The brief's latent model (part b): U ~ Bernoulli(0.5), P(X=1 | U=u) for u = 0, 1.
P_U1 = 0.5
P_X1_GIVEN_U = (0.05, 0.95)
LATENT_P_X1 = float(P_U1 * P_X1_GIVEN_U[1] + (1 - P_U1) * P_X1_GIVEN_U[0])

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
    return {"p_x1": LATENT_P_X1, "p_z1_given_x": [float(v) for v in latent["p_z1_given_x"]],
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


def latent_model_fits(cpts: dict) -> bool:
    """The brief's latent model reproduces the table exactly (valid probabilities for
    Y given Z and U), so pyro.do on it agrees with the front-door formula; the
    questions rely on both."""
    a = latent_y(cpts)
    return bool(abs(cpts["p_x1"] - LATENT_P_X1) < 1e-12
                and np.all((a >= 0) & (a <= 1))
                and np.allclose(cpts_from_latent({"p_z1_given_x": cpts["p_z1_given_x"],
                                                  "p_y1_given_zu": a})["p_y1_given_xz"],
                                cpts["p_y1_given_xz"], atol=1e-12)
                and np.allclose(latent_do(cpts), frontdoor(cpts), atol=1e-12))


assert latent_model_fits(TRUE_CPTS)


def sd(p: np.ndarray) -> float:
    """sqrt(n) x SE of a contrast of two probabilities each estimated from n draws."""
    return math.sqrt(float((p * (1 - p)).sum()))


def ace_se(cpts: dict, n: int) -> float:
    """SE of the ACE from n draws of Y under each of do(X=0) and do(X=1) (pyro.do on the
    latent model). It bounds the front-door plug-in estimate on every table (delta
    method; docs/statistics.md, "Front-door homework"), and tests/test_hw_frontdoor.py
    checks that by simulation on the grader's tables."""
    return sd(frontdoor(cpts)) / math.sqrt(n)


def wrong_interventionals(cpts: dict) -> dict[str, np.ndarray]:
    """[P(.. X=0), P(.. X=1)] that each known wrong answer estimates in place of the truth."""
    return {"latent-free model (Y depends on Z only)": latent_free(cpts),
            "naive contrast": observational(cpts),
            "reversed contrast (X=1 minus X=0)": frontdoor(cpts)[::-1]}


def wrong_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    """{label: (ACE, sqrt(n) x its SE)} for each known wrong answer on a probe table."""
    return {label: (ace(p), sd(p)) for label, p in wrong_interventionals(cpts).items()}


def subset_interventionals(cpts: dict) -> dict[str, np.ndarray]:
    """Effects from a subset of the units: the front-door inner sum read from one group of
    X only (P(Y=1 | x'=k, z) in place of the average over P(x')), and pyro.do on the latent
    model within one level of U. On the study's table both equal the truth (Z's effect on Y
    is the same in both groups), so only the grader's second table can reject them."""
    p_y, a = np.asarray(cpts["p_y1_given_xz"], dtype=float), latent_y(cpts)
    return {**{f"inner sum from the X={k} group only": _p_z(cpts) @ p_y[k] for k in (0, 1)},
            **{f"pyro.do within U={u} only": _p_z(cpts) @ a[:, u] for u in (0, 1)}}


def subset_aces(cpts: dict) -> dict[str, tuple[float, float]]:
    return {label: (ace(p), sd(p)) for label, p in subset_interventionals(cpts).items()}


# Every function is called on the study's table and on one drawn for each submission
# ("grader's"): the observational tables of the brief's latent model (its U and X | U),
# one of P(Z=1 | x) low and one high, likewise the rows of P(Y=1 | z, u), so the ACEs
# spread over both signs. About 1 in 25 is kept by the design's rule (checks/tables.py)
# and latent_model_fits, so latent_y and pyro.do on the latent model stay right there.
PROBE_RANGE = (0.05, 0.95)


def _low_high(rng, size=None) -> list:
    """[low, high] in random order: low uniform on [0.05, 0.5], high on [0.5, 0.95]."""
    pair = [rng.uniform(PROBE_RANGE[0], 0.5, size), rng.uniform(0.5, PROBE_RANGE[1], size)]
    pair = [np.asarray(v).tolist() for v in pair]
    return pair[::-1] if rng.random() < 0.5 else pair


def random_cpts(rng) -> dict:
    """One candidate table, as plain floats (the kernel gets it as a literal)."""
    return cpts_from_latent({"p_z1_given_x": _low_high(rng), "p_y1_given_zu": _low_high(rng, 2)})


probe_tables = ProbeTables(hw, fixed={"study": TRUE_CPTS}, propose=random_cpts,
                           truth=lambda c: ace(frontdoor(c)), se=ace_se, wrong=wrong_aces,
                           seed_label="frontdoor:probe table", floor=FLOAT32_FLOOR,
                           accept=latent_model_fits, subset=subset_aces)
hw.design(probe_tables.design)   # num_samples, stated in the question ({{num_samples}})


# ------------------------------------------------------------------ checks
@hw.question("test_cpts", answers=["cpts"], n_checks=0)
def check_cpts(values, ctx):
    cpts = as_dict(values["cpts"], "cpts", TRUE_CPTS)
    return [close_to(cpts["p_x1"], TRUE_CPTS["p_x1"], 0.0, 1.0, ROUNDING_3DP,
                     name="cpts['p_x1']", hint="It is the share of social media users."),
            exact_table(cpts["p_z1_given_x"], TRUE_CPTS["p_z1_given_x"], "cpts['p_z1_given_x']",
                        ROUNDING_3DP, "Entry x is the share of group X=x who saw the advertisement."),
            exact_table(cpts["p_y1_given_xz"], TRUE_CPTS["p_y1_given_xz"], "cpts['p_y1_given_xz']",
                        ROUNDING_3DP, "Each entry is a purchase rate within one (X, Z) cell of the "
                        "table.", near=transposed(TRUE_CPTS["p_y1_given_xz"],
                                                  "The first index is X, the second Z."))]


@hw.question("test_naive", answers=["naive_difference"], n_checks=0)
def check_naive(values, ctx):
    return close_to(values["naive_difference"], ace(observational(TRUE_CPTS)), 0.0, 1.0,
                    ROUNDING_3DP, name="naive_difference",
                    hint="Use the overall purchase rate of each group X, ignoring Z, and take "
                         "X=0 minus X=1.")


probe_tables.question("test_frontdoor", "frontdoor_ace",
                      "Check that the inner sum over x' weights P(Y | x', z) by P(x') (not by "
                      "P(x' | z) or P(x' | x)), and that X=0 comes first.")


@hw.question("test_latent_y", calls=probe_tables.calls("latent_y", seeded=False), n_checks=0)
def check_latent_y(values, ctx):
    return all_of([exact_table(values[label], latent_y(cpts), name, LATENT_FLOOR,
                               "For each z, both equations (one per value of X) must hold with "
                               "P(U=1 | X=x) from Bayes' rule.",
                               near={"{subject} looks transposed: the first index is Z, the "
                                     "second U.": latent_y(cpts).T})
                   for label, cpts, name in probe_tables.named(ctx, "latent_y")], "latent_y")


probe_tables.question("test_do", "do_ace",
                      "Check that your model includes U, that you intervene on X with pyro.do (not "
                      "condition on it), and that X=0 comes first.")


# ------------------------------------------- known wrong answers (brief, §3)
SAYS = {"latent-free model (Y depends on Z only)": "from a model without the latent confounder U",
        "naive contrast": "from the plain association between X and Y, without the front-door "
                          "adjustment",
        "reversed contrast (X=1 minus X=0)": "when the contrast is taken the other way round "
                                             "(X=1 minus X=0)"}


def _register(label):
    hw.wrong_answer(label, says=SAYS[label])(lambda values, ctx: {
        **values, **probe_tables.binomial_estimates(
            ctx, lambda c: wrong_interventionals(c)[label], ["test_frontdoor", "test_do"])})


for _label in SAYS:
    _register(_label)


# A subset of the units (issue 24): each only where it is made, rejected on the second table.
SUBSET_SAYS = {"inner sum from the X={} group only": (
                   "test_frontdoor", "when the inner sum over x' reads P(Y | x', z) from one group "
                                     "of X instead of averaging it over P(x')"),
               "pyro.do within U={} only": (
                   "test_do", "from one level of the latent U only: the intervention must "
                              "average over the distribution of U")}


def _register_subset(label, grade_id, says):
    hw.wrong_answer(label, says=says)(lambda values, ctx: {
        **values, **probe_tables.binomial_estimates(
            ctx, lambda c: subset_interventionals(c)[label], [grade_id])})


for _pattern, (_gid, _says) in SUBSET_SAYS.items():
    for _k in (0, 1):
        _register_subset(_pattern.format(_k), _gid, _says)


@hw.wrong_answer("ACE typed in as a constant",
                 says="when a number is typed in instead of computed from the function's arguments")
def wrong_constant(values, ctx):
    typed = dict.fromkeys(probe_tables.estimate_tables(ctx), round(ace(frontdoor(TRUE_CPTS)), 3))
    return {**values, "test_frontdoor": typed, "test_do": dict(typed)}


# The manifest (autograder/homework.py): what each file of solutions/frontdoor/ scores.
hw.variant("alternatives/enumeration.py", seed=5)
hw.variant("mistakes/latent_free.py", seed=6, loses=["test_do", "test_frontdoor"])
hw.variant("mistakes/naive.py", seed=7, loses=["test_do", "test_frontdoor"])
hw.variant("mistakes/reversed.py", seed=8, loses=["test_do", "test_frontdoor"])
# typed-in constants are right on the study only: all or nothing
hw.variant("mistakes/constant.py", seed=9, loses=["test_frontdoor", "test_latent_y", "test_do"],
           told=dict.fromkeys(["test_frontdoor", "test_latent_y", "test_do"],
                              "counts only when it is right on every input"))
hw.variant("mistakes/lookup.py", seed=12, loses=["test_do", "test_frontdoor"],
           told=dict.fromkeys(["test_frontdoor", "test_do"], LOOKUP_TOLD))
# subsets of the units, right on the study's table: the inner sum from the X=1 group only
# (frontdoor_ace) and pyro.do among the U=1 subjects only (do_ace)
hw.variant("mistakes/one_group.py", seed=14, loses=["test_do", "test_frontdoor"])
